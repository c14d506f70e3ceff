#include "io/AtomicWrite.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "io/IoError.h"

namespace fs = std::filesystem;

namespace ctsw {

namespace {

// Closes on every path; close errors are reported by the explicit close() below.
struct FileDescriptor {
    int fd = -1;
    ~FileDescriptor() {
        if (fd >= 0) ::close(fd);
    }
};

void fsyncFolderOf(const std::string& path) {
    const fs::path target(path);
    const std::string dir = target.has_parent_path() ? target.parent_path().string() : std::string(".");
    FileDescriptor d;
    d.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d.fd >= 0) ::fsync(d.fd);  // best effort: some file systems refuse fsync on folders
}

}  // namespace

std::string writeFailureReason(int errorNumber) {
    if (errorNumber == ENOSPC || errorNumber == EDQUOT) return "the disk is full";
    if (errorNumber == EACCES || errorNumber == EPERM || errorNumber == EROFS) return std::string("no permission to write (") + std::strerror(errorNumber) + ")";
    return std::strerror(errorNumber);
}

std::string temporaryNameFor(const std::string& path, const std::string& extension) {
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    return (dir / ("." + target.filename().string() + ".tmp" + std::to_string(::getpid()) + extension)).string();
}

void writeBytesAtomically(const std::string& path, const void* data, std::size_t size) {
    const std::string tmp = temporaryNameFor(path);
    auto fail = [&](int errorNumber, const char* what) {
        ::unlink(tmp.c_str());
        throw IoError(path, std::string("cannot ") + what + ": " + writeFailureReason(errorNumber) + "; the previous file, if any, is unchanged");
    };
    FileDescriptor f;
    f.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (f.fd < 0) {
        const int e = errno;
        throw IoError(path, "cannot create a file in its folder: " + writeFailureReason(e));
    }
    const char* p = static_cast<const char*>(data);
    std::size_t left = size;
    while (left > 0) {
        const ssize_t n = ::write(f.fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(errno, "write");
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(f.fd) != 0) fail(errno, "flush to disk");
    const int fd = f.fd;
    f.fd = -1;
    if (::close(fd) != 0) fail(errno, "close");
    commitRename(tmp, path);
}

void writeTextAtomically(const std::string& path, const std::string& text) { writeBytesAtomically(path, text.data(), text.size()); }

void removeStaleTemporaries(const std::string& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        const auto at = name.rfind(".tmp");
        if (name.empty() || name[0] != '.' || at == std::string::npos || at + 4 >= name.size()) continue;
        const long pid = std::strtol(name.c_str() + at + 4, nullptr, 10);
        if (pid <= 0 || pid == ::getpid()) continue;
        if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove(entry.path(), ec);
    }
}

void syncFileToDisk(const std::string& path) {
    FileDescriptor f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0 || ::fsync(f.fd) != 0) {
        const int e = errno;
        throw IoError(path, "cannot flush to disk: " + writeFailureReason(e));
    }
}

void commitRename(const std::string& from, const std::string& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) {
        const int e = errno;
        ::unlink(from.c_str());
        throw IoError(to, std::string("cannot replace the file: ") + std::strerror(e));
    }
    fsyncFolderOf(to);
}

}  // namespace ctsw
