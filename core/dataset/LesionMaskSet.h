#pragma once
// Lesion mask sets: infection lesions like those of annotated masks, placed in the automatically
// derived lungs of every slice of a CT without infection, written as 0/1/2 masks (PNG, or NIfTI in
// the source geometry) with manifest.json/csv (source, slice, burden, lesion count, seed per mask).
// The one implementation behind `cosingan lesions`, a batch plan's "lesions" and the workbench's
// Dataset panel. Published atomically like a dataset: an error or a cancel leaves nothing behind.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dataset/BatchRun.h"
#include "image/Volume.h"
#include "jobs/Progress.h"
#include "mask/Lesions.h"

namespace ctsw::dataset {

struct LikeMasks {
    std::vector<LabelSlice> masks;
    std::vector<std::string> names;  // absolute file names (a MedSeg folder: each image's)
};
// 0/1/2 mask files, folders of them, or MedSeg folders (Imgs/ + GT_multiclass/, whose lung is derived
// from the images as seg-train derives it). IoError naming the file that cannot be read.
LikeMasks loadLikeMasks(const std::vector<std::string>& items, const std::string& mapping = "identity");
// Their lesions; std::invalid_argument (naming the mask) for a mask without lung, or when no lesion of
// 9 pixels or more is there.
mask::LesionLibrary lesionLibrary(const LikeMasks& like);

// "A:B" (inclusive, 0-based), "K", or empty (all); std::invalid_argument outside 0..depth-1.
std::pair<int, int> parseSliceRange(const std::string& text, int depth);

struct LesionMaskSetOptions {
    int firstSlice = 0, lastSlice = -1;  // inclusive; -1: the CT's last slice
    int countPerSlice = 1;
    std::uint64_t seed = 1;
    mask::LesionOptions lesions;
    double minLungFraction = 0.01;  // slices whose lung covers less of the slice are skipped
    bool nifti = false;             // NIfTI masks in the slice's geometry, else PNG
    bool overwrite = false;
    bool valuesAreHu = true;        // of the CT (the lung threshold depends on it)
    std::string imageName;          // the CT's file or folder, recorded per mask
    std::string seriesId;
    std::vector<std::string> likeNames;  // recorded in the manifest
};

struct SkippedSlice {
    int slice = 0;
    std::string reason;
};

struct LesionMaskSetResult {
    std::string folder;                  // absolute
    std::vector<std::string> maskFiles;  // absolute, in slice order
    std::vector<int> maskSlices;         // the CT slice of each mask
    std::vector<SkippedSlice> skipped;
    std::pair<double, double> burdenRange;
};

// Throws IoError naming `out` when it exists (without overwrite) or when no slice took lesions,
// Cancelled when cancelled.
LesionMaskSetResult writeLesionMaskSet(const CtVolume& ct, const mask::LesionLibrary& library, const std::string& out, const LesionMaskSetOptions& options,
                                       const JobContext& job = {});

// The CT a lesion mask set was placed on, as its manifest records it, for a folder of the set (its own
// folder or its masks/ folder); nothing when neither holds a lesion-mask manifest or the recorded CT is
// no longer there. Lets `synthesize --masks` take each mask's source slice without being told.
struct LesionMaskSource {
    std::string image, series, manifest;
};
std::optional<LesionMaskSource> lesionMaskSource(const std::string& masksFolder);

// The generator a batch plan's "lesions" object runs (its keys are the CLI's options: image, series,
// slices, like, like_mapping, count, burden [lo, hi], peripheral, seed, min_lung).
batch::LesionGenerator planLesionGenerator();

}  // namespace ctsw::dataset
