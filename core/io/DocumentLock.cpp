#include "io/DocumentLock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace fs = std::filesystem;

namespace ctsw {

std::unique_ptr<DocumentLock> DocumentLock::acquire(const std::string& dir, std::string* holder) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    const std::string path = (fs::path(dir) / ".lock").string();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (holder) *holder = "cannot create " + path + " (" + std::strerror(errno) + ")";
        return nullptr;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (holder) {
            char text[256] = {};
            const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
            *holder = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : std::string("another workbench");
            while (!holder->empty() && (holder->back() == '\n' || holder->back() == ' ')) holder->pop_back();
        }
        ::close(fd);
        return nullptr;
    }
    char host[128] = "unknown";
    ::gethostname(host, sizeof host - 1);
    char when[32] = "";
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    ::localtime_r(&now, &local);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &local);
    const std::string who = "process " + std::to_string(::getpid()) + " on host " + host + " since " + when + "\n";
    if (::ftruncate(fd, 0) == 0) {
        const ssize_t written = ::pwrite(fd, who.data(), who.size(), 0);
        (void)written;  // who holds it is information only; the flock is the lock
    }
    return std::unique_ptr<DocumentLock>(new DocumentLock(dir, fd));
}

DocumentLock::~DocumentLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace ctsw
