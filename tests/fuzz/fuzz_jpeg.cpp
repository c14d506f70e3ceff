// JPEG bytes straight into the decoder (in memory: the fastest executions).
#include "io/IoError.h"
#include "io/RasterCodecs.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        ctsw::DecodedRaster r = ctsw::decodeJpeg(data, size, "input.jpg");
        if (r.samples.size() != static_cast<std::size_t>(r.width) * static_cast<std::size_t>(r.height)) __builtin_trap();
    } catch (const ctsw::IoError&) {
    }
    return 0;
}
