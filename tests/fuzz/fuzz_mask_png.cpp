// A PNG file read as a mask, as the workbench and `cosingan` read masks: decoding, palette indices,
// the label mapping and the size check against an image.
#include "FuzzSupport.h"
#include "image/Labels.h"
#include "io/ImageFiles.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = ctsw::fuzz::writeInput(data, size, "mask.png");
    static const ctsw::LabelMapping mapping = ctsw::LabelMapping::named("ggo-consolidation");
    try {
        ctsw::LabelSlice mask = ctsw::readMaskSlice(path, mapping);
        ctsw::readMaskSlice(path, mapping, mask.width() + 1, mask.height(), ctsw::Orientation2D::Rot90);
    } catch (const ctsw::IoError&) {
    }
    return 0;
}
