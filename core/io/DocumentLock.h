#pragma once
// One workbench per document: an advisory lock (flock) on DIR/.lock, held while a window has the
// document open. The kernel drops it when the process ends, so a crash never leaves a stale lock.
// The file holds who took it (process, host, time) so that a refused window can say who has it.
#include <memory>
#include <string>

namespace ctsw {

class DocumentLock {
public:
    // Takes the lock on `dir` (creating the folder and its .lock file when missing). Returns null and
    // fills `holder` ("process 1234 on host ws7 since 2026-12-01 10:02") when another process or
    // another window of this one holds it, or with the reason when the lock file cannot be made.
    static std::unique_ptr<DocumentLock> acquire(const std::string& dir, std::string* holder);
    ~DocumentLock();
    DocumentLock(const DocumentLock&) = delete;
    DocumentLock& operator=(const DocumentLock&) = delete;
    const std::string& folder() const { return folder_; }

private:
    DocumentLock(std::string folder, int fd) : folder_(std::move(folder)), fd_(fd) {}
    std::string folder_;
    int fd_ = -1;
};

}  // namespace ctsw
