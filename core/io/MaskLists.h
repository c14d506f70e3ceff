#pragma once
// Which files are masks, and the lists of masks the CLI, batch plans and the workbench's Dataset panel
// take: a folder of mask files or a text file with one path a line. Plain C++ (the engine-only build
// uses it too).
#include <map>
#include <string>
#include <vector>

namespace ctsw {

// By extension: .png, .npy, .nii, .nii.gz, .jpg, .jpeg (case-insensitive).
bool isMaskFile(const std::string& path);
// The mask files directly in `dir`, sorted by name; IoError naming the folder when it is missing or
// holds none.
std::vector<std::string> maskFilesInFolder(const std::string& dir);
// One path a line, relative paths against the list's folder; blank lines, surrounding blanks and
// `#` comments skipped. IoError naming the list when it cannot be read or lists nothing.
std::vector<std::string> readMaskList(const std::string& listFile);
// A slice file's name without its slice extension (the list above): "29.nii.gz" -> "29".
std::string sliceFileStem(const std::string& path);
// The slice files directly in `dir` by stem, each stem's paths sorted; listed once so that many masks
// can look up their images. IoError naming the folder when it is missing or cannot be listed.
using SliceFilesByStem = std::map<std::string, std::vector<std::string>>;
SliceFilesByStem sliceFilesByStem(const std::string& dir);
// The one slice file of `files` (the listing of `dir`) whose stem is `stem`: the image a mask of the
// same name was drawn on. IoError naming the folder when there is none or more than one.
std::string sliceFileWithStem(const SliceFilesByStem& files, const std::string& dir, const std::string& stem);
// The same, listing `dir` for this one lookup.
std::string sliceFileWithStem(const std::string& dir, const std::string& stem);

}  // namespace ctsw
