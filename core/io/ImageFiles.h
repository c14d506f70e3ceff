#pragma once
// NIfTI volumes and 2D images (PNG, JPEG, NPY): reading and writing with exact geometry.
#include <string>
#include <vector>

#include "image/Labels.h"
#include "image/Orientation2D.h"
#include "image/Volume.h"
#include "image/WindowLevel.h"

namespace ctsw {

enum class FileKind { DicomFolder, DicomFile, Nifti, Png, Jpeg, Npy, Unknown };
FileKind fileKindOf(const std::string& path);  // by extension; folders are DicomFolder
bool isNiftiPath(const std::string& path);

// NIfTI (.nii, .nii.gz) through ITK. Intensities are read as float whatever the stored type; the
// volume is re-indexed into display orientation. 4D files with more than one volume and vector
// images are refused with a message.
CtVolume readNifti(const std::string& path);
// Writes float intensities, stored as int16 when every value is an integer in range (smaller files),
// else float32. Writes to a temporary file beside the target and renames it, so a failed write
// (full disk) never leaves a half-written file under the target name.
void writeNifti(const CtVolume& volume, const std::string& path);
void writeNiftiLabels(const LabelVolume& labels, const std::string& path);
// Reads integer mask values from a NIfTI, then maps them to labels.
LabelVolume readNiftiLabels(const std::string& path, const LabelMapping& mapping);

// A 2D image read without interpretation: raw sample values and what the file held.
struct RawImage2D {
    Slice<float> values;
    int bitsPerSample = 8;
    bool palette = false;  // a palette PNG read as its indices (masks)
    bool signedOrFloat = false;  // NPY int16/int32/float: may hold Hounsfield units
    std::string description;
};
// PNG (8/16 bit, grey or palette; colour is converted to luminance), JPEG (8 bit), NPY (2D, any
// numeric dtype, C or Fortran order).
RawImage2D readImage2D(const std::string& path);

// A 2D image as CT: NPY int16/float values are taken as HU; 8/16-bit PNG and JPEG are not HU and are
// taken as they are (the caller reports this).
CtSlice readSliceImage(const std::string& path);

// A mask from PNG/JPEG/NPY/NIfTI mapped to labels. When expectWidth > 0 the size must match,
// else IoError names the file and both sizes.
LabelSlice readMaskSlice(const std::string& path, const LabelMapping& mapping, int expectWidth = 0, int expectHeight = 0,
                         Orientation2D orientation = Orientation2D::None);

// PNG writers (atomic like writeNifti): CT windowed to 8 bit, or labels as their values 0/1/2.
void writePngWindowed(const CtSlice& slice, const WindowLevel& window, const std::string& path);
void writePngLabels(const LabelSlice& labels, const std::string& path);
void writePng8(const Slice<std::uint8_t>& pixels, const std::string& path);

}  // namespace ctsw
