// core/json: parsing, writing, round trips and error reporting.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "json/Json.h"
#include "../support/TestSupport.h"

using ctsw::Json;
using ctsw::JsonError;

namespace {

// The message of the JsonError that parsing `text` throws ("" when it does not throw).
std::string parseError(const std::string& text) {
    try {
        Json::parse(text);
    } catch (const JsonError& e) {
        return e.what();
    }
    return {};
}

bool isValidUtf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        int extra = 0;
        unsigned cp = 0;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; }
        else return false;
        if (i + extra >= s.size()) return false;
        for (int k = 1; k <= extra; ++k) {
            const unsigned char d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000)) return false;
        i += extra + 1;
    }
    return true;
}

}  // namespace

TEST(JsonParse, Scalars) {
    EXPECT_TRUE(Json::parse("null").isNull());
    EXPECT_TRUE(Json::parse(" true ").asBool());
    EXPECT_FALSE(Json::parse("false").asBool());
    EXPECT_EQ(Json::parse("0").asNumber(), 0.0);
    EXPECT_EQ(Json::parse("-1024").asNumber(), -1024.0);
    EXPECT_EQ(Json::parse("0.646484375").asNumber(), 0.646484375);
    EXPECT_EQ(Json::parse("-2.5e3").asNumber(), -2500.0);
    EXPECT_EQ(Json::parse("1E-2").asNumber(), 0.01);
    EXPECT_EQ(Json::parse("\"CT\"").asString(), "CT");
    EXPECT_EQ(Json::parse("12.6").asInt(), 13);
}

TEST(JsonParse, ObjectsAndArraysKeepOrderAndNesting) {
    const Json j = Json::parse(R"( { "b" : [1, 2, {"x": null}], "a": {"nested": [true, false, []]}, "c": {} } )");
    ASSERT_TRUE(j.isObject());
    ASSERT_EQ(j.size(), 3u);
    EXPECT_EQ(j.asObject()[0].first, "b");
    EXPECT_EQ(j.asObject()[1].first, "a");
    EXPECT_EQ(j.asObject()[2].first, "c");
    EXPECT_EQ(j.at("b").size(), 3u);
    EXPECT_EQ(j.at("b")[1].asNumber(), 2.0);
    EXPECT_TRUE(j.at("b")[2].at("x").isNull());
    EXPECT_FALSE(j.at("a").at("nested")[1].asBool());
    EXPECT_TRUE(j.at("a").at("nested")[2].isArray());
    EXPECT_EQ(j.at("a").at("nested")[2].size(), 0u);
    EXPECT_TRUE(j.at("c").isObject());
    EXPECT_EQ(j.dump(), R"({"b":[1,2,{"x":null}],"a":{"nested":[true,false,[]]},"c":{}})");
}

TEST(JsonParse, DuplicateKeyKeepsLastValue) {
    const Json j = Json::parse(R"({"k": 1, "k": 2})");
    EXPECT_EQ(j.size(), 1u);
    EXPECT_EQ(j.at("k").asNumber(), 2.0);
}

TEST(JsonRoundTrip, BuiltValueSurvivesCompactAndPrettyDump) {
    Json j = Json::object();
    j.set("name", "chest \"CT\"\\series\n\ttab");
    j.set("slices", 30);
    j.set("spacing", Json::arrayOf(std::vector<double>{0.646484375, 0.646484375, 8.0}));
    j.set("origin", Json::arrayOf(std::vector<double>{-173.1767578125, -294.1767578125, 80.0}));
    j.set("tiny", 1e-7);
    j.set("third", 1.0 / 3.0);
    j.set("sum", 0.1 + 0.2);
    j.set("huge", 1e300);
    j.set("big_int", 123456789012345LL);
    j.set("negative", -1024);
    j.set("flags", Json::arrayOf(std::vector<bool>{true, false}));
    j.set("nothing", nullptr);
    Json inner = Json::object();
    inner.set("empty_array", Json::array());
    inner.set("empty_object", Json::object());
    j.set("inner", inner);
    for (int indent : {-1, 0, 2, 4}) {
        const std::string text = j.dump(indent);
        const Json back = Json::parse(text);
        EXPECT_EQ(back, j) << "indent " << indent << ":\n" << text;
        EXPECT_EQ(back.dump(indent), text);
    }
    // Doubles must come back bit-exact (shortest text that reads back, else 17 digits).
    const Json back = Json::parse(j.dump());
    EXPECT_EQ(back.at("third").asNumber(), 1.0 / 3.0);
    EXPECT_EQ(back.at("sum").asNumber(), 0.1 + 0.2);
    EXPECT_EQ(back.at("tiny").asNumber(), 1e-7);
    EXPECT_EQ(back.at("huge").asNumber(), 1e300);
}

TEST(JsonRoundTrip, TextRoundTripIsStable) {
    const std::string text = R"({"path":"/data/x","series":[{"id":"1.2.3","slices":30,"spacing":[0.646484375,0.646484375,8],"hu_min":-1024,"hu_max":1548,"warnings":[]}],"skipped":[]})";
    EXPECT_EQ(Json::parse(text).dump(), text);
}

TEST(JsonDump, NumberFormatting) {
    EXPECT_EQ(Json(8.0).dump(), "8");
    EXPECT_EQ(Json(-1024.0).dump(), "-1024");
    EXPECT_EQ(Json(0.5).dump(), "0.5");
    EXPECT_EQ(Json(0.1).dump(), "0.1");
    EXPECT_EQ(Json(0.646484375).dump(), "0.646484375");
    EXPECT_EQ(Json(123456789012345LL).dump(), "123456789012345");
    EXPECT_EQ(Json(0.1 + 0.2).dump(), "0.30000000000000004");
}

TEST(JsonDump, NegativeZeroIsWrittenAsZero) {
    EXPECT_EQ(Json(-0.0).dump(), "0");
    EXPECT_EQ(Json(0.0).dump(), "0");
    EXPECT_EQ(Json::parse("-0").dump(), "0");
    EXPECT_EQ(Json::parse("[-0.0]").dump(), "[0]");
}

TEST(JsonDump, NonFiniteNumbersAreWrittenAsNull) {
    EXPECT_EQ(Json(std::numeric_limits<double>::quiet_NaN()).dump(), "null");
    EXPECT_EQ(Json(std::numeric_limits<double>::infinity()).dump(), "null");
    EXPECT_EQ(Json(-std::numeric_limits<double>::infinity()).dump(), "null");
    Json j = Json::object();
    j.set("hu_min", std::nanf(""));
    j.set("ok", 1);
    EXPECT_EQ(j.dump(), R"({"hu_min":null,"ok":1})");
    EXPECT_TRUE(Json::parse(j.dump()).at("hu_min").isNull());
}

TEST(JsonDump, PrettyPrintLayout) {
    Json j = Json::object();
    j.set("a", 1);
    j.set("b", Json::arrayOf(std::vector<int>{1, 2}));
    j.set("c", Json::array());
    EXPECT_EQ(j.dump(2), "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": []\n}");
}

TEST(JsonDump, StringEscapes) {
    const std::string s = std::string("q\"b\\n\nr\rt\tb\bf\f") + '\x01' + '\x1f' + "/\xC3\xA9";
    const std::string text = Json(s).dump();
    EXPECT_EQ(text, "\"q\\\"b\\\\n\\nr\\rt\\tb\\bf\\f\\u0001\\u001f/\xC3\xA9\"");
    EXPECT_EQ(Json::parse(text).asString(), s);
}

TEST(JsonUnicode, EscapesBecomeUtf8) {
    EXPECT_EQ(Json::parse(R"("\u0041")").asString(), "A");
    EXPECT_EQ(Json::parse(R"("\u00e9")").asString(), "\xC3\xA9");           // é, 2 bytes
    EXPECT_EQ(Json::parse(R"("\u00E9")").asString(), "\xC3\xA9");           // upper-case hex
    EXPECT_EQ(Json::parse(R"("\u20ac")").asString(), "\xE2\x82\xAC");       // €, 3 bytes
    EXPECT_EQ(Json::parse(R"("\ud83d\ude00")").asString(), "\xF0\x9F\x98\x80");  // 😀, surrogate pair
    EXPECT_EQ(Json::parse(R"("a\/b")").asString(), "a/b");
    const std::string withNul = Json::parse(R"("x\u0000y")").asString();
    ASSERT_EQ(withNul.size(), 3u);
    EXPECT_EQ(withNul[1], '\0');
    // Raw UTF-8 passes through untouched both ways.
    EXPECT_EQ(Json::parse("\"\xE2\x82\xAC\"").asString(), "\xE2\x82\xAC");
    EXPECT_EQ(Json("\xF0\x9F\x98\x80").dump(), "\"\xF0\x9F\x98\x80\"");
}

TEST(JsonUnicode, HighSurrogateFollowedByANonSurrogateEscapeIsNotCorrupted) {
    // "\ud800\u0041" is a lone high surrogate followed by 'A'. A strict parser must either reject it or
    // at least keep the 'A' and produce valid UTF-8; it must not fold 'A' into a bogus code point.
    std::string value;
    try {
        value = Json::parse(R"("\ud800\u0041")").asString();
    } catch (const JsonError&) {
        SUCCEED();
        return;
    }
    EXPECT_TRUE(isValidUtf8(value)) << "parsed to bytes that are not UTF-8 (" << value.size() << " bytes)";
    ASSERT_FALSE(value.empty());
    std::string hex;
    for (unsigned char c : value) { char b[4]; std::snprintf(b, sizeof b, "%02X ", c); hex += b; }
    EXPECT_EQ(value.back(), 'A') << "the escaped 'A' after the lone surrogate was lost; parsed bytes: " << hex;
    // Likewise two high surrogates in a row.
    try {
        const std::string twice = Json::parse(R"("\ud800\ud800x")").asString();
        EXPECT_EQ(twice.back(), 'x');
        EXPECT_TRUE(isValidUtf8(twice));
        EXPECT_EQ(twice.find("\xEF\xB0\x80"), std::string::npos) << "decoded to U+FC00";
    } catch (const JsonError&) {
    }
}

struct ErrorCase {
    const char* text;
    std::size_t offset;
    const char* what;
};

TEST(JsonErrors, MessagesGiveOffsetAndProblem) {
    const ErrorCase cases[] = {
        {"", 0, "unexpected end of input"},
        {"   ", 3, "unexpected end of input"},
        {"[1,2", 4, "expected ',' or ']'"},
        {"[1 2]", 3, "expected ',' or ']'"},
        {"[1,]", 3, "unexpected character ']'"},
        {R"({"a" 1})", 5, "expected ':'"},
        {R"({"a":1,})", 7, "expected a key string"},
        {R"({"a":1 "b":2})", 7, "expected ',' or '}'"},
        {"{1:2}", 1, "expected a key string"},
        {"[1] x", 4, "unexpected text after the value"},
        {"tru", 0, "unexpected character 't'"},
        {"nul", 0, "unexpected character 'n'"},
        {"-", 1, "malformed number"},
        {"1.", 2, "malformed number"},
        {"1e+", 3, "malformed number"},
        {".5", 0, "unexpected character '.'"},
        {"\"abc", 4, "unterminated string"},
        {"'a'", 0, "unexpected character '''"},
    };
    for (const auto& c : cases) {
        const std::string msg = parseError(c.text);
        ASSERT_FALSE(msg.empty()) << "no error for: " << c.text;
        EXPECT_NE(msg.find("offset " + std::to_string(c.offset) + ":"), std::string::npos) << c.text << " -> " << msg;
        EXPECT_NE(msg.find(c.what), std::string::npos) << c.text << " -> " << msg;
    }
}

TEST(JsonErrors, BadStringContentIsRejected) {
    EXPECT_NE(parseError("\"a\nb\"").find("control character in string"), std::string::npos);
    EXPECT_NE(parseError(R"("\q")").find("unknown escape"), std::string::npos);
    EXPECT_NE(parseError(R"("\u12G4")").find("bad hex digit"), std::string::npos);
    EXPECT_NE(parseError(R"("\u12)").find("truncated \\u escape"), std::string::npos);
    EXPECT_NE(parseError("\"abc\\").find("unterminated escape"), std::string::npos);
}

TEST(JsonErrors, NumbersWithLeadingZerosAreRejected) {
    // RFC 8259: int = zero / (digit1-9 *DIGIT). Json.h promises a strict parser.
    EXPECT_FALSE(parseError("01").empty()) << "\"01\" was accepted as " << Json::parse("01").dump();
    EXPECT_FALSE(parseError("[-007]").empty());
    EXPECT_TRUE(parseError("0").empty());
    EXPECT_TRUE(parseError("-0.01").empty());
}

TEST(JsonErrors, NestingDepthIsLimited) {
    const std::string deep(300, '[');
    EXPECT_NE(parseError(deep).find("nesting too deep"), std::string::npos);
    const std::string ok = std::string(100, '[') + std::string(100, ']');
    EXPECT_TRUE(parseError(ok).empty());
}

TEST(JsonAccess, TypeAndKeyErrorsNameTheProblem) {
    const Json j = Json::parse(R"({"n": 1, "s": "x", "a": [1]})");
    try {
        j.at("missing");
        FAIL() << "at() did not throw";
    } catch (const JsonError& e) {
        EXPECT_NE(std::string(e.what()).find("\"missing\""), std::string::npos) << e.what();
    }
    try {
        j.at("s").asNumber();
        FAIL() << "asNumber() on a string did not throw";
    } catch (const JsonError& e) {
        EXPECT_NE(std::string(e.what()).find("expected number, found string"), std::string::npos) << e.what();
    }
    EXPECT_THROW(j.at("a")[1], JsonError);
    EXPECT_THROW(j.at("n").asString(), JsonError);
    EXPECT_THROW(j.at("a").asObject(), JsonError);
    EXPECT_THROW(j.at("n").at("x"), JsonError);
    EXPECT_EQ(j.numberOr("n", 5), 1.0);
    EXPECT_EQ(j.numberOr("absent", 5), 5.0);
    EXPECT_EQ(j.stringOr("s", "d"), "x");
    EXPECT_EQ(j.stringOr("absent", "d"), "d");
    EXPECT_TRUE(j.boolOr("absent", true));
    EXPECT_THROW(j.numberOr("s", 0), JsonError);
    EXPECT_TRUE(j.contains("a"));
    EXPECT_FALSE(j.contains("b"));
    EXPECT_EQ(j.find("zzz"), nullptr);
}

TEST(JsonAccess, SetReplacesAndPushAppends) {
    Json j;
    j.set("a", 1);
    j.set("b", 2);
    j.set("a", "one");
    EXPECT_EQ(j.dump(), R"({"a":"one","b":2})");
    Json arr;
    arr.push(1);
    arr.push("x");
    EXPECT_EQ(arr.dump(), R"([1,"x"])");
    EXPECT_THROW(arr.set("k", 1), JsonError);
    EXPECT_THROW(j.push(1), JsonError);
    EXPECT_NE(Json::parse("[1,2]"), Json::parse("[2,1]"));
    EXPECT_NE(Json::parse("1"), Json::parse("\"1\""));
    EXPECT_EQ(Json::parse(R"({"a":[1,{"b":null}]})"), Json::parse(R"( {"a" : [ 1 , { "b" : null } ] } )"));
}

TEST(JsonFile, ReadJsonFileNamesTheFile) {
    ctsw::test::TempDir dir("ctsw-json");
    const std::string good = dir.file("good.json");
    const std::string bad = dir.file("bad.json");
    ctsw::test::writeFile(good, R"({"epochs": 2000, "lr": 0.0005})");
    ctsw::test::writeFile(bad, "{\"epochs\": 2000,\n \"lr\": }");
    const Json j = ctsw::readJsonFile(good);
    EXPECT_EQ(j.at("epochs").asInt(), 2000);
    EXPECT_EQ(j.at("lr").asNumber(), 0.0005);
    try {
        ctsw::readJsonFile(bad);
        FAIL() << "bad JSON was accepted";
    } catch (const JsonError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find(bad), std::string::npos) << msg;
        EXPECT_NE(msg.find("offset 24"), std::string::npos) << msg;
    }
    try {
        ctsw::readJsonFile(dir.file("absent.json"));
        FAIL() << "missing file did not throw";
    } catch (const JsonError& e) {
        EXPECT_NE(std::string(e.what()).find("absent.json: cannot open"), std::string::npos) << e.what();
    }
}

TEST(JsonParse, NumbersBeyondADoubleAreRefusedNotMadeInfinite) {
    // Found by fuzzing: 2.2e9757 parsed to infinity, which no JSON writer can write back.
    EXPECT_THROW(Json::parse("2200000000200000015e9757"), JsonError);
    EXPECT_THROW(Json::parse("[-1e400]"), JsonError);
    EXPECT_EQ(Json::parse("1e308").asNumber(), 1e308);
    EXPECT_EQ(Json::parse("1e-400").asNumber(), 0.0);  // underflow to zero is a value, not an error
}
