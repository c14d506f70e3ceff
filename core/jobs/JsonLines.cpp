#include "jobs/JsonLines.h"

namespace ctsw {

std::vector<Json> JsonLineStream::feed(std::string_view chunk) {
    std::vector<Json> out;
    if (discarding_) {  // the rest of a dropped line, up to its newline
        const auto nl = chunk.find('\n');
        if (nl == std::string_view::npos) return out;
        chunk.remove_prefix(nl + 1);
        discarding_ = false;
    }
    buffer_.append(chunk);
    std::size_t start = 0;
    for (std::size_t nl = buffer_.find('\n'); nl != std::string::npos; nl = buffer_.find('\n', start)) {
        std::string line = buffer_.substr(start, nl - start);
        start = nl + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        try {
            Json j = Json::parse(line);
            if (!j.isObject()) throw JsonError("not a JSON object");
            out.push_back(std::move(j));
        } catch (const JsonError& e) {
            errors_.push_back(std::string(e.what()) + ": " + line.substr(0, 200));
        }
    }
    buffer_.erase(0, start);
    // A line longer than any event is not an event: drop it, so that a runaway child cannot grow memory.
    if (buffer_.size() > kMaxLineBytes) {
        errors_.push_back("a line longer than " + std::to_string(kMaxLineBytes) + " bytes without a newline was dropped: " + buffer_.substr(0, 200));
        buffer_.clear();
        discarding_ = true;
    }
    return out;
}

std::vector<std::string> JsonLineStream::takeErrors() {
    std::vector<std::string> e;
    e.swap(errors_);
    return e;
}

}  // namespace ctsw
