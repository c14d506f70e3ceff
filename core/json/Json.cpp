#include "Json.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace ctsw {

namespace {
const char* typeName(Json::Type t) {
    switch (t) {
    case Json::Type::Null: return "null";
    case Json::Type::Bool: return "boolean";
    case Json::Type::Number: return "number";
    case Json::Type::String: return "string";
    case Json::Type::Array: return "array";
    case Json::Type::Object: return "object";
    }
    return "?";
}

[[noreturn]] void wrongType(Json::Type want, Json::Type have) {
    throw JsonError(std::string("JSON: expected ") + typeName(want) + ", found " + typeName(have));
}

void escapeTo(std::string& out, const std::string& s) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

class Parser {
public:
    explicit Parser(std::string_view text) : s_(text) {}

    Json parseDocument() {
        Json v = parseValue(0);
        skipSpace();
        if (pos_ != s_.size()) fail("unexpected text after the value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw JsonError("JSON parse error at offset " + std::to_string(pos_) + ": " + what);
    }
    void skipSpace() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
    }
    bool consume(std::string_view word) {
        if (s_.substr(pos_, word.size()) == word) { pos_ += word.size(); return true; }
        return false;
    }
    Json parseValue(int depth) {
        if (depth > 256) fail("nesting too deep");
        skipSpace();
        if (pos_ >= s_.size()) fail("unexpected end of input");
        char c = s_[pos_];
        if (c == '{') return parseObject(depth);
        if (c == '[') return parseArray(depth);
        if (c == '"') return Json(parseString());
        if (consume("true")) return Json(true);
        if (consume("false")) return Json(false);
        if (consume("null")) return Json();
        if (c == '-' || (c >= '0' && c <= '9')) return parseNumber();
        fail(std::string("unexpected character '") + c + "'");
    }
    Json parseNumber() {
        std::size_t start = pos_;
        if (s_[pos_] == '-') ++pos_;
        if (pos_ + 1 < s_.size() && s_[pos_] == '0' && s_[pos_ + 1] >= '0' && s_[pos_ + 1] <= '9') fail("number with a leading zero");
        auto digits = [&] { std::size_t b = pos_; while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_; return pos_ > b; };
        if (!digits()) fail("malformed number");
        if (pos_ < s_.size() && s_[pos_] == '.') { ++pos_; if (!digits()) fail("malformed number"); }
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
            if (!digits()) fail("malformed number");
        }
        std::string num(s_.substr(start, pos_ - start));
        const double value = std::strtod(num.c_str(), nullptr);
        // JSON's grammar allows numbers a double cannot hold; they would come back as infinity.
        if (!std::isfinite(value)) fail("number out of range");
        return Json(value);
    }
    unsigned hex4() {
        if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            char h = s_[pos_++];
            v <<= 4;
            if (h >= '0' && h <= '9') v |= unsigned(h - '0');
            else if (h >= 'a' && h <= 'f') v |= unsigned(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') v |= unsigned(h - 'A' + 10);
            else fail("bad hex digit in \\u escape");
        }
        return v;
    }
    static void appendUtf8(std::string& out, unsigned cp) {
        if (cp < 0x80) out += char(cp);
        else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
        else if (cp < 0x10000) { out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
        else { out += char(0xF0 | (cp >> 18)); out += char(0x80 | ((cp >> 12) & 0x3F)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
    }
    std::string parseString() {
        ++pos_;  // opening quote
        std::string out;
        while (true) {
            if (pos_ >= s_.size()) fail("unterminated string");
            char c = s_[pos_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
            if (c != '\\') { out += c; continue; }
            if (pos_ >= s_.size()) fail("unterminated escape");
            char e = s_[pos_++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = hex4();
                if (cp >= 0xDC00 && cp < 0xE000) fail("lone low surrogate in \\u escape");
                if (cp >= 0xD800 && cp < 0xDC00) {
                    if (!consume("\\u")) fail("high surrogate not followed by a low surrogate");
                    unsigned lo = hex4();
                    if (lo < 0xDC00 || lo >= 0xE000) fail("high surrogate not followed by a low surrogate");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                appendUtf8(out, cp);
                break;
            }
            default: fail("unknown escape");
            }
        }
    }
    Json parseArray(int depth) {
        ++pos_;
        Json arr = Json::array();
        skipSpace();
        if (consume("]")) return arr;
        while (true) {
            arr.push(parseValue(depth + 1));
            skipSpace();
            if (consume("]")) return arr;
            if (!consume(",")) fail("expected ',' or ']'");
        }
    }
    Json parseObject(int depth) {
        ++pos_;
        Json obj = Json::object();
        skipSpace();
        if (consume("}")) return obj;
        while (true) {
            skipSpace();
            if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected a key string");
            std::string key = parseString();
            skipSpace();
            if (!consume(":")) fail("expected ':'");
            obj.set(key, parseValue(depth + 1));
            skipSpace();
            if (consume("}")) return obj;
            if (!consume(",")) fail("expected ',' or '}'");
        }
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};
}  // namespace

bool Json::asBool() const { if (type_ != Type::Bool) wrongType(Type::Bool, type_); return bool_; }
double Json::asNumber() const { if (type_ != Type::Number) wrongType(Type::Number, type_); return number_; }
int Json::asInt() const { return static_cast<int>(std::lround(asNumber())); }
const std::string& Json::asString() const { if (type_ != Type::String) wrongType(Type::String, type_); return string_; }
const Json::Array& Json::asArray() const { if (type_ != Type::Array) wrongType(Type::Array, type_); return array_; }
const Json::Object& Json::asObject() const { if (type_ != Type::Object) wrongType(Type::Object, type_); return object_; }

Json& Json::set(const std::string& key, Json value) {
    if (type_ == Type::Null) type_ = Type::Object;
    if (type_ != Type::Object) wrongType(Type::Object, type_);
    for (auto& kv : object_) {
        if (kv.first == key) { kv.second = std::move(value); return kv.second; }
    }
    object_.emplace_back(key, std::move(value));
    return object_.back().second;
}

bool Json::contains(const std::string& key) const { return find(key) != nullptr; }

const Json* Json::find(const std::string& key) const {
    if (type_ != Type::Object) return nullptr;
    for (const auto& kv : object_) if (kv.first == key) return &kv.second;
    return nullptr;
}

const Json& Json::at(const std::string& key) const {
    if (type_ != Type::Object) wrongType(Type::Object, type_);
    if (const Json* v = find(key)) return *v;
    throw JsonError("JSON: missing key \"" + key + "\"");
}

double Json::numberOr(const std::string& key, double fallback) const {
    const Json* v = find(key);
    return v ? v->asNumber() : fallback;
}
std::string Json::stringOr(const std::string& key, const std::string& fallback) const {
    const Json* v = find(key);
    return v ? v->asString() : fallback;
}
bool Json::boolOr(const std::string& key, bool fallback) const {
    const Json* v = find(key);
    return v ? v->asBool() : fallback;
}

void Json::push(Json value) {
    if (type_ == Type::Null) type_ = Type::Array;
    if (type_ != Type::Array) wrongType(Type::Array, type_);
    array_.push_back(std::move(value));
}

std::size_t Json::size() const {
    if (type_ == Type::Array) return array_.size();
    if (type_ == Type::Object) return object_.size();
    return 0;
}

const Json& Json::operator[](std::size_t i) const {
    const Array& a = asArray();
    if (i >= a.size()) throw JsonError("JSON: array index " + std::to_string(i) + " out of range");
    return a[i];
}

void Json::dumpTo(std::string& out, int indent, int depth) const {
    auto newline = [&](int d) {
        if (indent < 0) return;
        out += '\n';
        out.append(static_cast<std::size_t>(indent * d), ' ');
    };
    switch (type_) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += bool_ ? "true" : "false"; break;
    case Type::Number: {
        if (!std::isfinite(number_)) { out += "null"; break; }  // JSON has no NaN/Inf
        if (number_ == 0.0) { out += "0"; break; }  // also -0
        double r = std::round(number_);
        char buf[32];
        if (r == number_ && std::fabs(r) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", r);
        else std::snprintf(buf, sizeof buf, "%.17g", number_);
        // Prefer the shortest text that reads back exactly.
        for (int prec = 6; prec < 17 && !(r == number_ && std::fabs(r) < 1e15); ++prec) {
            char shorter[32];
            std::snprintf(shorter, sizeof shorter, "%.*g", prec, number_);
            if (std::strtod(shorter, nullptr) == number_) { std::snprintf(buf, sizeof buf, "%s", shorter); break; }
        }
        out += buf;
        break;
    }
    case Type::String: escapeTo(out, string_); break;
    case Type::Array:
        if (array_.empty()) { out += "[]"; break; }
        out += '[';
        for (std::size_t i = 0; i < array_.size(); ++i) {
            if (i) out += ',';
            newline(depth + 1);
            array_[i].dumpTo(out, indent, depth + 1);
        }
        newline(depth);
        out += ']';
        break;
    case Type::Object:
        if (object_.empty()) { out += "{}"; break; }
        out += '{';
        for (std::size_t i = 0; i < object_.size(); ++i) {
            if (i) out += ',';
            newline(depth + 1);
            escapeTo(out, object_[i].first);
            out += indent < 0 ? ":" : ": ";
            object_[i].second.dumpTo(out, indent, depth + 1);
        }
        newline(depth);
        out += '}';
        break;
    }
}

std::string Json::dump(int indent) const {
    std::string out;
    dumpTo(out, indent, 0);
    return out;
}

Json Json::parse(std::string_view text) { return Parser(text).parseDocument(); }

bool Json::operator==(const Json& o) const {
    if (type_ != o.type_) return false;
    switch (type_) {
    case Type::Null: return true;
    case Type::Bool: return bool_ == o.bool_;
    case Type::Number: return number_ == o.number_;
    case Type::String: return string_ == o.string_;
    case Type::Array: return array_ == o.array_;
    case Type::Object: return object_ == o.object_;
    }
    return false;
}

Json readJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw JsonError(path + ": cannot open");
    // Configs, documents, manifests and plans are kilobytes to a few megabytes; a bigger file is not one.
    constexpr std::streamoff kMaxJsonBytes = std::streamoff(256) << 20;
    in.seekg(0, std::ios::end);
    const std::streamoff length = in.tellg();
    in.seekg(0, std::ios::beg);
    if (length > kMaxJsonBytes) throw JsonError(path + ": " + std::to_string(length) + " bytes is too large for a JSON file of this product (256 MiB at most)");
    std::ostringstream ss;
    ss << in.rdbuf();
    try {
        return Json::parse(ss.str());
    } catch (const JsonError& e) {
        throw JsonError(path + ": " + e.what());
    }
}

Json numberOrNull(double v) { return std::isfinite(v) ? Json(v) : Json(); }

}  // namespace ctsw
