#pragma once
// Shared by the fuzz targets: a private scratch folder in memory for readers that take a path.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/IoError.h"

namespace ctsw::fuzz {

// /dev/shm when present (no disk writes per execution), else the temporary folder.
inline const std::string& scratchFolder() {
    static const std::string dir = [] {
        std::string base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path().string();
        std::string pattern = base + "/ctsw-fuzz-XXXXXX";
        if (!::mkdtemp(pattern.data())) std::abort();
        return pattern;
    }();
    return dir;
}

// Writes the input under `name` in the scratch folder and returns the path.
inline std::string writeInput(const std::uint8_t* data, std::size_t size, const std::string& name) {
    const std::string path = scratchFolder() + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) std::abort();
    return path;
}

}  // namespace ctsw::fuzz
