#pragma once
// Writes a whole file under a temporary name in the same folder and renames it over the target, so
// that a reader (or a crash, or a full disk) never leaves half a file under the real name. The data
// is flushed to the disk (fsync) before the rename, so that a power cut cannot leave an empty file
// under the real name either.
#include <cstddef>
#include <string>

namespace ctsw {

// Throw IoError naming `path` when the data cannot be written (the message says "disk full" when the
// system says so) or the rename fails; the previous file under `path` is then untouched.
void writeTextAtomically(const std::string& path, const std::string& text);
void writeBytesAtomically(const std::string& path, const void* data, std::size_t size);
// The temporary name used beside `path` (with `extension` kept at the end for format detection).
std::string temporaryNameFor(const std::string& path, const std::string& extension = {});
// Flushes a file written by other code (ITK, LibTorch) to the disk before it is renamed; IoError on failure.
void syncFileToDisk(const std::string& path);
// Renames `from` over `to` and flushes the folder entry; IoError naming `to` on failure.
void commitRename(const std::string& from, const std::string& to);
// Removes temporary files in `dir` (see temporaryNameFor) left by processes that no longer run (a
// crash or a kill in the middle of a write); files of live processes are theirs and stay.
void removeStaleTemporaries(const std::string& dir);
// A sentence for an errno value from a failed write: "the disk is full" for ENOSPC and EDQUOT.
std::string writeFailureReason(int errorNumber);

}  // namespace ctsw
