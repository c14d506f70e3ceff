// A NumPy .npy file read as a 2D slice (header parsing, dtype, order, size checks).
#include "FuzzSupport.h"
#include "io/ImageFiles.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = ctsw::fuzz::writeInput(data, size, "slice.npy");
    try {
        ctsw::readSliceImage(path);
    } catch (const ctsw::IoError&) {
    }
    return 0;
}
