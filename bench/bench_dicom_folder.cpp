// How long listing a large, mixed DICOM folder takes, and how much memory it holds: folders of 1 000
// to 20 000 files (copies of the real CT5N series with their own UIDs, plus 10 % junk). Prints a table.
// Usage: bench_dicom_folder [DATA_DIR]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "../tests/support/MixedDicomFolder.h"
#include "io/Dicom.h"

namespace {

double megabytes(const char* field) {  // VmRSS or VmHWM of this process, in MB
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field, 0) == 0) return std::stod(line.substr(line.find(':') + 1)) / 1024.0;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string data = argc > 1 ? argv[1] : CTSW_DATA_DIR;
    std::printf("%8s %8s %8s %9s %10s %12s %12s\n", "files", "series", "skipped", "seconds", "files/s", "RSS MB", "peak RSS MB");
    for (int series : {180, 900, 3600}) {
        ctsw::test::TempDir dir("ctsw-bench-dicom");
        const auto made = ctsw::test::makeMixedDicomFolder(data, dir.path().string(), series, series / 2);
        const auto t0 = std::chrono::steady_clock::now();
        const ctsw::DicomScan scan = ctsw::scanDicom({dir.path().string()});
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("%8d %8zu %8zu %9.2f %10.0f %12.1f %12.1f\n", made.files(), scan.series.size(), scan.skipped.size(), s, made.files() / s,
                    megabytes("VmRSS"), megabytes("VmHWM"));
    }
    return 0;
}
