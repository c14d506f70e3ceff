#pragma once
// The CLI's reading and writing of single slices for train/synthesize. The full build reads every
// format of core/io (DICOM with --slice, NIfTI, PNG, JPEG, NPY) and writes PNG and NIfTI; the
// engine-only build (no ITK/DCMTK) reads NPY and writes PGM and NPY.
#include <optional>
#include <string>
#include <vector>

#include "image/Labels.h"
#include "image/Volume.h"
#include "io/MaskLists.h"
#include "json/Json.h"

namespace ctsw::cli {

struct InputSlice {
    Slice<float> values;
    bool valuesAreHu = true;
    Json provenance = Json::object();
};

// sliceIndex < 0: the file must hold one slice (or, for a volume, the caller must give one).
InputSlice readInputSlice(const std::string& path, const std::string& series, int sliceIndex, const std::string& orientation);
// `geometry`, when given, receives the slice's grid for NIfTI masks (left empty for other files).
LabelSlice readInputMask(const std::string& path, const std::string& mapping, int sliceIndex, const std::string& orientation, int expectWidth,
                         int expectHeight, std::optional<Geometry>* geometry = nullptr);

#ifndef CTSW_ENGINE_ONLY
// --orient is for 2D files, which carry no geometry: IoError naming `path` when it is NIfTI or DICOM and
// `orientation` is neither empty nor "none" (such a file is shown as its geometry says, and --orient
// would otherwise be ignored without a word).
void refuseOrientOnGeometry(const std::string& path, const std::string& orientation);
#endif

// Extensions the writers use in this build: ".png" or ".pgm".
std::string imageExtension();
bool canWriteNifti();
void writeImage8(const Slice<std::uint8_t>& pixels, const std::string& path);
void writeNiftiSlice(const Slice<float>& values, const Geometry& grid, const std::string& path);
void writeNiftiMask(const LabelSlice& labels, const Geometry& grid, const std::string& path);
// The mask files of exactly one of --mask FILE, --masks DIR (its mask files, sorted) or --mask-list FILE
// (one path a line, relative to the list's folder; blank lines and # comments skipped). IoError naming
// the folder or list when it holds none.
std::vector<std::string> collectMaskFiles(const std::string& mask, const std::string& masksDir, const std::string& maskList);

}  // namespace ctsw::cli
