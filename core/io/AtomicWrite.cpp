#include "io/AtomicWrite.h"

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "io/IoError.h"

namespace fs = std::filesystem;

namespace ctsw {

std::string temporaryNameFor(const std::string& path, const std::string& extension) {
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    return (dir / ("." + target.filename().string() + ".tmp" + std::to_string(::getpid()) + extension)).string();
}

void writeTextAtomically(const std::string& path, const std::string& text) {
    const std::string tmp = temporaryNameFor(path);
    std::error_code ec;
    {
        std::ofstream out(tmp, std::ios::binary);
        out << text;
        out.flush();
        if (!out) {
            fs::remove(tmp, ec);
            throw IoError(path, "cannot write (disk full or no permission?)");
        }
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw IoError(path, "cannot replace the file: " + ec.message());
    }
}

}  // namespace ctsw
