#pragma once
// Splits a byte stream (a child process's stdout) into JSON objects, one per line. Partial lines are
// kept until their newline arrives; malformed lines are reported, never fatal.
#include <string>
#include <string_view>
#include <vector>

#include "json/Json.h"

namespace ctsw {

class JsonLineStream {
public:
    // Returns the objects completed by this chunk, in order.
    std::vector<Json> feed(std::string_view chunk);
    // Lines that were not a JSON object, with the parser's reason (cleared when taken).
    std::vector<std::string> takeErrors();
    bool hasPartialLine() const { return !buffer_.empty(); }
    static constexpr std::size_t kMaxLineBytes = 1 << 20;

private:
    std::string buffer_;
    bool discarding_ = false;
    std::vector<std::string> errors_;
};

}  // namespace ctsw
