#pragma once
// Writes a whole file under a temporary name in the same folder and renames it over the target, so
// that a reader (or a crash, or a full disk) never leaves half a file under the real name.
#include <string>

namespace ctsw {

// Throws IoError naming `path` when the text cannot be written or the rename fails.
void writeTextAtomically(const std::string& path, const std::string& text);
// The temporary name used beside `path` (with `extension` kept at the end for format detection).
std::string temporaryNameFor(const std::string& path, const std::string& extension = {});

}  // namespace ctsw
