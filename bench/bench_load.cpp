// Loading benchmark: the 30-slice real chest series, and a 300-slice 512x512 series built from it
// (real pixel data, new positions and UIDs) in a temporary folder. Prints a table; not a test.
//
//   bench_load [DATA_DIR] [--runs N]
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "io/ImageSource.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

fs::path makeLongSeries(const fs::path& source, int slices) {
    fs::path dir = fs::temp_directory_path() / ("ctsw-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(source))
        if (e.path().extension() == ".dcm") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    char seriesUid[100];
    dcmGenerateUniqueIdentifier(seriesUid, SITE_SERIES_UID_ROOT);
    for (int i = 0; i < slices; ++i) {
        DcmFileFormat f;
        if (f.loadFile(files[static_cast<std::size_t>(i) % files.size()].c_str()).bad()) throw std::runtime_error("cannot read source slice");
        DcmDataset* ds = f.getDataset();
        char uid[100];
        dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT);
        ds->putAndInsertString(DCM_SOPInstanceUID, uid);
        ds->putAndInsertString(DCM_SeriesInstanceUID, seriesUid);
        ds->putAndInsertString(DCM_InstanceNumber, std::to_string(slices - i).c_str());
        std::string ipp = "-173.1767578125\\-294.1767578125\\" + std::to_string(i * 1.0);
        ds->putAndInsertString(DCM_ImagePositionPatient, ipp.c_str());
        char name[32];
        std::snprintf(name, sizeof name, "IM%04d.dcm", i);
        if (f.saveFile((dir / name).c_str(), EXS_LittleEndianExplicit).bad()) throw std::runtime_error("cannot write bench slice");
    }
    return dir;
}

struct Timing { double minMs, medianMs; };

Timing timeLoad(const std::string& path, int runs, int expectSlices) {
    std::vector<double> ms;
    for (int r = 0; r < runs; ++r) {
        auto t0 = Clock::now();
        ctsw::LoadedVolume v = ctsw::loadVolume(path);
        auto t1 = Clock::now();
        if (v.volume.depth() != expectSlices) throw std::runtime_error("unexpected slice count");
        ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return {ms.front(), ms[ms.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
    std::string data = CTSW_DATA_DIR;
    int runs = 5;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        else data = a;
    }
    const fs::path series30 = fs::path(data) / "dicom" / "chest-ct-A0002";
    if (!fs::is_directory(series30)) {
        std::fprintf(stderr, "bench_load: %s not found (give the data folder as the first argument)\n", series30.c_str());
        return 1;
    }
    std::printf("bench_load: %d runs each, %u hardware threads\n\n", runs, std::thread::hardware_concurrency());
    fs::path series300 = makeLongSeries(series30, 300);
    // One untimed pass per series so that both are read from the page cache, as after a first open.
    ctsw::loadVolume(series30.string());
    ctsw::loadVolume(series300.string());

    std::printf("| series                     | slices | min ms | median ms | ms/slice (median) |\n");
    std::printf("|----------------------------|-------:|-------:|----------:|------------------:|\n");
    Timing a = timeLoad(series30.string(), runs, 30);
    std::printf("| chest-ct-A0002 (real)      | %6d | %6.0f | %9.0f | %17.2f |\n", 30, a.minMs, a.medianMs, a.medianMs / 30);
    Timing b = timeLoad(series300.string(), runs, 300);
    std::printf("| 300 x 512^2 (from A0002)   | %6d | %6.0f | %9.0f | %17.2f |\n", 300, b.minMs, b.medianMs, b.medianMs / 300);
    std::printf("\ntarget: 300 slices in <= 1500 ms: %s\n", b.medianMs <= 1500 ? "met" : "NOT met");
    fs::remove_all(series300);
    return 0;
}
