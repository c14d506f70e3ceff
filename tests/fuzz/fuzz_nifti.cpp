// A NIfTI-1 file (.nii) read as a CT volume and as a label volume, through ITK as the product reads it.
#include "FuzzSupport.h"
#include "image/Labels.h"
#include "io/ImageFiles.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = ctsw::fuzz::writeInput(data, size, "volume.nii");
    try {
        ctsw::readNifti(path);
        ctsw::readNiftiLabels(path, ctsw::LabelMapping::named("identity"));
    } catch (const ctsw::IoError&) {
    }
    return 0;
}
