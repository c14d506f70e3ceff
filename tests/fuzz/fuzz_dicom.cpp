// A DICOM file scanned as the workbench scans a folder, then every loadable series read into HU.
#include "FuzzSupport.h"
#include "io/Dicom.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = ctsw::fuzz::writeInput(data, size, "slice.dcm");
    try {
        ctsw::DicomScan scan = ctsw::scanDicom({path});
        for (const ctsw::DicomSeries& series : scan.series)
            if (series.notLoadable.empty()) ctsw::readDicomSeries(series);
    } catch (const ctsw::IoError&) {
    }
    return 0;
}
