#pragma once
// One dataset request, start to finish, as the workbench's Dataset panel makes it: optionally lesion
// masks placed on slices of the open CT (LesionMaskSet), then samples synthesized from every mask
// (gan::exportDataset, as `cosingan synthesize`), each checked by an optional judge (as
// `synthesize --judge`). No Qt: the panel runs it on a worker thread with progress and cancel.
#include <optional>
#include <string>
#include <vector>

#include "dataset/LesionMaskSet.h"
#include "gan/DatasetExport.h"

namespace ctsw::dataset {

// The full build's writers: PNG for the 8-bit pairs, NIfTI (HU image, 0/1/2 labels) in the given grid.
gan::DatasetWriters fileWriters();

struct LesionRequest {
    const CtVolume* ct = nullptr;  // the CT to place lesions on (the caller keeps it alive)
    LikeMasks like;
    LesionMaskSetOptions options;  // slices, masks per slice, burden, placement, seed
    std::string folder;            // where the lesion masks go (kept: they are the dataset's labels' origin)
};

struct DatasetRequest {
    std::string model, secondModel;  // model folders; the second one for fusion
    std::string device = "auto";
    std::vector<gan::MaskInput> masks;  // used when `lesions` is empty
    std::optional<LesionRequest> lesions;
    gan::DatasetOptions options;        // count per mask, seed, diversity, layout, overwrite
    std::string judge;                  // a seg-train model folder, or empty
    std::optional<double> minDice;      // with a judge: leave out samples below it
    std::string out;                    // the dataset folder (nnunet: the folder that gets DatasetNNN_NAME)
};

struct DatasetJobResult {
    std::optional<LesionMaskSetResult> lesions;
    gan::DatasetResult dataset;
};

// Throws std::runtime_error (IoError) naming the file or folder, std::invalid_argument for settings
// that cannot work, Cancelled when cancelled; a cancelled or failed export leaves no dataset behind.
DatasetJobResult runDatasetJob(const DatasetRequest& request, const JobContext& job = {});

}  // namespace ctsw::dataset
