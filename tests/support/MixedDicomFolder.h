#pragma once
// A large DICOM folder as real archives look: many series and junk side by side. Made from the real
// 5-slice CT5N series (pydicom test files): each copy of it gets its own study/series/instance UIDs
// (the digits after the study date are rewritten, same length), and junk files are added: text,
// random bytes, and DICOM files cut in half.
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "TestSupport.h"

namespace ctsw::test {

struct MixedDicomFolder {
    int series = 0, slicesPerSeries = 0, junk = 0, truncated = 0;
    int files() const { return series * slicesPerSeries + junk + truncated; }
};

// Writes `series` copies of CT5N (in sub-folders of 100 series) and `junk` bad files into `out`.
inline MixedDicomFolder makeMixedDicomFolder(const std::string& dataDir, const std::string& out, int series, int junk) {
    namespace fs = std::filesystem;
    const fs::path source = fs::path(dataDir) / "dicom/pydicom-testfiles/CT5N_series";
    std::vector<std::string> originals;
    for (const auto& e : fs::directory_iterator(source))
        if (e.path().extension() == ".dcm") originals.push_back(readFile(e.path().string()));
    const std::string marker = "1194734704.16302";  // in every UID of the series
    MixedDicomFolder made;
    made.slicesPerSeries = static_cast<int>(originals.size());
    for (int s = 0; s < series; ++s) {
        const fs::path dir = fs::path(out) / ("batch" + std::to_string(s / 100)) / ("series" + std::to_string(s));
        fs::create_directories(dir);
        char digits[16];
        std::snprintf(digits, sizeof digits, "%05d", 10000 + s);
        for (std::size_t i = 0; i < originals.size(); ++i) {
            std::string bytes = originals[i];
            for (std::size_t at = bytes.find(marker); at != std::string::npos; at = bytes.find(marker, at + 1)) bytes.replace(at + 11, 5, digits);
            writeFile((dir / ("IM" + std::to_string(i))).string(), bytes);
        }
        ++made.series;
    }
    std::mt19937 rng(42);
    const fs::path junkDir = fs::path(out) / "misc";
    fs::create_directories(junkDir);
    for (int j = 0; j < junk; ++j) {
        const fs::path f = junkDir / ("file" + std::to_string(j) + (j % 4 == 0 ? ".dcm" : ""));
        if (j % 3 == 0) {
            std::string bytes = originals[static_cast<std::size_t>(j) % originals.size()];
            writeFile(f.string(), bytes.substr(0, bytes.size() / 2));
            ++made.truncated;
            continue;
        }
        std::string bytes(64 + rng() % 4000, '\0');
        for (char& c : bytes) c = static_cast<char>(j % 3 == 1 ? 'a' + rng() % 26 : rng());
        writeFile(f.string(), bytes);
        ++made.junk;
    }
    return made;
}

}  // namespace ctsw::test
