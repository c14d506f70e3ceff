#pragma once
// A small JSON value with a strict parser and a writer.
// Why not a library: core/gan and the CLI must build on a GPU server that has only a compiler,
// CMake and LibTorch, so core/ carries no third-party dependency beyond the one each layer needs.

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ctsw {

class JsonError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Json {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };
    using Array = std::vector<Json>;
    // Insertion order is kept so that written files read naturally (keys in the order they were set).
    using Object = std::vector<std::pair<std::string, Json>>;

    Json() = default;
    Json(std::nullptr_t) {}
    Json(bool b) : type_(Type::Bool), bool_(b) {}
    Json(int v) : type_(Type::Number), number_(v) {}
    Json(unsigned v) : type_(Type::Number), number_(v) {}
    Json(long v) : type_(Type::Number), number_(static_cast<double>(v)) {}
    Json(long long v) : type_(Type::Number), number_(static_cast<double>(v)) {}
    Json(unsigned long v) : type_(Type::Number), number_(static_cast<double>(v)) {}
    Json(unsigned long long v) : type_(Type::Number), number_(static_cast<double>(v)) {}
    Json(double v) : type_(Type::Number), number_(v) {}
    Json(float v) : type_(Type::Number), number_(v) {}
    Json(const char* s) : type_(Type::String), string_(s) {}
    Json(std::string s) : type_(Type::String), string_(std::move(s)) {}
    Json(std::string_view s) : type_(Type::String), string_(s) {}
    Json(Array a) : type_(Type::Array), array_(std::move(a)) {}

    static Json array() { return Json(Array{}); }
    static Json object() { Json j; j.type_ = Type::Object; return j; }
    template <typename T>
    static Json arrayOf(const T& values) {
        Json j = array();
        for (const auto& v : values) j.push(Json(v));
        return j;
    }

    Type type() const { return type_; }
    bool isNull() const { return type_ == Type::Null; }
    bool isBool() const { return type_ == Type::Bool; }
    bool isNumber() const { return type_ == Type::Number; }
    bool isString() const { return type_ == Type::String; }
    bool isArray() const { return type_ == Type::Array; }
    bool isObject() const { return type_ == Type::Object; }

    bool asBool() const;
    double asNumber() const;
    int asInt() const;
    const std::string& asString() const;
    const Array& asArray() const;
    const Object& asObject() const;

    // Object access. set() replaces an existing key; at() throws JsonError naming the missing key.
    Json& set(const std::string& key, Json value);
    bool contains(const std::string& key) const;
    const Json& at(const std::string& key) const;
    const Json* find(const std::string& key) const;
    // Typed lookups with a default, for optional config keys.
    double numberOr(const std::string& key, double fallback) const;
    std::string stringOr(const std::string& key, const std::string& fallback) const;
    bool boolOr(const std::string& key, bool fallback) const;

    // Array access.
    void push(Json value);
    std::size_t size() const;
    const Json& operator[](std::size_t i) const;

    // Compact when indent < 0, else pretty-printed with that many spaces.
    std::string dump(int indent = -1) const;
    static Json parse(std::string_view text);

    bool operator==(const Json& other) const;
    bool operator!=(const Json& other) const { return !(*this == other); }

private:
    void dumpTo(std::string& out, int indent, int depth) const;

    Type type_ = Type::Null;
    bool bool_ = false;
    double number_ = 0.0;
    std::string string_;
    Array array_;
    Object object_;
};

// Reads and parses a whole file; JsonError names the file on failure.
Json readJsonFile(const std::string& path);
// A number, or null where it is NaN or infinite (JSON has neither).
Json numberOrNull(double v);

}  // namespace ctsw
