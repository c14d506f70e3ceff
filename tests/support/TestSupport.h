#pragma once
// Helpers shared by the test executables: unique temporary folders, the real-data folder, and running
// shell commands with their output captured.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace ctsw::test {

namespace fs = std::filesystem;

// A fresh folder under /tmp, removed with everything in it when the object goes away.
class TempDir {
public:
    explicit TempDir(const std::string& tag = "ctsw-test") {
        static std::atomic<int> counter{0};
        const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
        for (int attempt = 0; attempt < 100; ++attempt) {
            fs::path p = fs::path("/tmp") / (tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                                             std::to_string(static_cast<unsigned long long>(ticks) % 1000000007ULL));
            std::error_code ec;
            if (fs::create_directory(p, ec)) { path_ = p; return; }
        }
        throw std::runtime_error("cannot create a temporary folder under /tmp");
    }
    ~TempDir() {
        std::error_code ec;
        if (!path_.empty()) fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

// The real data folder (CTSW_DATA_DIR from CMake), or empty when it is not there.
inline std::string dataDir() {
#ifdef CTSW_DATA_DIR
    std::error_code ec;
    if (fs::is_directory(CTSW_DATA_DIR, ec)) return CTSW_DATA_DIR;
#endif
    return {};
}

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The contents of every LibTorch weight file (*.pt) directly in `folder`, by name: two models compare equal
// when their weights are bit-identical.
inline std::map<std::string, std::string> weightFilesOf(const std::string& folder) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(folder))
        if (e.path().extension() == ".pt") out[e.path().filename().string()] = readFile(e.path().string());
    return out;
}

inline void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

// Single-quotes an argument for /bin/sh.
inline std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

struct CommandResult {
    int exitCode = -1;  // -1 when the command did not exit normally (signal)
    std::string out, err;
};

// Runs a /bin/sh command line with stdout and stderr captured through files in `scratch`.
inline CommandResult runCommand(const std::string& commandLine, const TempDir& scratch) {
    static std::atomic<int> counter{0};
    const int n = counter++;
    const std::string outPath = scratch.file("cmd" + std::to_string(n) + ".out");
    const std::string errPath = scratch.file("cmd" + std::to_string(n) + ".err");
    const std::string full = commandLine + " >" + shellQuote(outPath) + " 2>" + shellQuote(errPath) + " </dev/null";
    const int status = std::system(full.c_str());
    CommandResult r;
    if (status != -1 && WIFEXITED(status)) r.exitCode = WEXITSTATUS(status);
    r.out = readFile(outPath);
    r.err = readFile(errPath);
    return r;
}

// /usr/bin/python3 with nibabel and numpy, for checks by an independent NIfTI reader.
inline bool haveNibabel() {
    static const bool ok = std::system("/usr/bin/python3 -c 'import nibabel, numpy' >/dev/null 2>&1") == 0;
    return ok;
}

}  // namespace ctsw::test
