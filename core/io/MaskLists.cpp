#include "io/MaskLists.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "io/IoError.h"

namespace fs = std::filesystem;

namespace ctsw {

namespace {
// The length of the slice extension `path`'s name ends with (0: none).
std::size_t sliceExtensionLength(const std::string& path) {
    std::string p = fs::path(path).filename().string();
    for (auto& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* ext : {".nii.gz", ".png", ".npy", ".nii", ".jpg", ".jpeg"}) {
        const std::string e = ext;
        if (p.size() > e.size() && p.compare(p.size() - e.size(), e.size(), e) == 0) return e.size();
    }
    return 0;
}
}  // namespace

bool isMaskFile(const std::string& path) { return sliceExtensionLength(path) > 0; }

std::string sliceFileStem(const std::string& path) {
    const std::string name = fs::path(path).filename().string();
    return name.substr(0, name.size() - sliceExtensionLength(name));
}

SliceFilesByStem sliceFilesByStem(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw IoError(dir, "no such folder");
    SliceFilesByStem files;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file(ec) && isMaskFile(e.path().string())) files[sliceFileStem(e.path().string())].push_back(e.path().string());
    if (ec) throw IoError(dir, "cannot list the folder: " + ec.message());
    for (auto& [stem, paths] : files) std::sort(paths.begin(), paths.end());
    return files;
}

std::string sliceFileWithStem(const SliceFilesByStem& files, const std::string& dir, const std::string& stem) {
    const auto it = files.find(stem);
    if (it == files.end()) throw IoError(dir, "holds no image named " + stem + " (.png, .jpg, .npy, .nii or .nii.gz)");
    const std::vector<std::string>& found = it->second;
    if (found.size() > 1)
        throw IoError(dir, "holds " + std::to_string(found.size()) + " images named " + stem + " (" + fs::path(found[0]).filename().string() + ", " +
                               fs::path(found[1]).filename().string() + "): keep one");
    return found.front();
}

std::string sliceFileWithStem(const std::string& dir, const std::string& stem) { return sliceFileWithStem(sliceFilesByStem(dir), dir, stem); }

std::vector<std::string> maskFilesInFolder(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw IoError(dir, "no such folder");
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file(ec) && isMaskFile(e.path().string())) found.push_back(e.path().string());
    if (ec) throw IoError(dir, "cannot list the folder: " + ec.message());
    std::sort(found.begin(), found.end());
    if (found.empty()) throw IoError(dir, "holds no mask files (.png, .npy, .nii, .nii.gz)");
    return found;
}

std::vector<std::string> readMaskList(const std::string& listFile) {
    std::ifstream in(listFile);
    if (!in) throw IoError(listFile, "cannot read the list of masks");
    const fs::path base = fs::path(listFile).parent_path();
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        const fs::path p = line.substr(first);
        out.push_back((p.is_relative() ? base / p : p).lexically_normal().string());
    }
    if (out.empty()) throw IoError(listFile, "lists no masks");
    return out;
}

}  // namespace ctsw
