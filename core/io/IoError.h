#pragma once
// Every failure to read or write user data names the file and says what is wrong with it.
#include <stdexcept>
#include <string>

namespace ctsw {

class IoError : public std::runtime_error {
public:
    IoError(const std::string& path, const std::string& problem)
        : std::runtime_error(path + ": " + problem), path_(path), problem_(problem) {}
    const std::string& path() const { return path_; }
    const std::string& problem() const { return problem_; }

private:
    std::string path_, problem_;
};

}  // namespace ctsw
