#pragma once
// Writes a synthesized dataset: image/mask pairs (8-bit images and 0/1/2 masks, optionally NIfTI with
// the image in HU), manifest.json and manifest.csv. Everything goes into a hidden sibling folder that
// is renamed at the end, so an interrupted, cancelled or disk-full export leaves no partial dataset
// under the requested name; an existing folder is replaced only when asked. Used by
// `cosingan synthesize` and by the workbench's export. No LibTorch types.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gan/Engine.h"
#include "image/Volume.h"
#include "jobs/Progress.h"
#include "json/Json.h"

namespace ctsw::gan {

struct DatasetWriters {
    std::string imageExtension = ".png";                                                        // with the dot
    std::function<void(const Slice<std::uint8_t>&, const std::string&)> writeImage8;            // required
    std::function<void(const Slice<float>&, const Geometry&, const std::string&)> writeNiftiImage;  // optional
    std::function<void(const LabelSlice&, const Geometry&, const std::string&)> writeNiftiMask;     // optional
};

// Where the samples go and what describes them.
//   product  images/ and masks/ (8-bit), nifti/ (image and mask NIfTI), manifest.json and .csv;
//   nnunet   nnU-Net v2's raw layout in OUT/DatasetNNN_NAME: imagesTr/NAME_00000_0000.nii.gz,
//            labelsTr/NAME_00000.nii.gz and dataset.json (channel_names, labels, numTraining,
//            file_ending), with the product's manifests beside them;
//   monai    images/ and labels/ (NIfTI) and datalist.json with "training" [{image, label}], the form
//            MONAI's load_decathlon_datalist reads, with the manifests beside them.
// The two NIfTI layouts need the NIfTI writers.
struct DatasetLayout {
    std::string kind = "product";  // product | nnunet | monai
    int datasetId = 501;           // nnunet: DatasetNNN (1-999; 500 and up are free of nnU-Net's own)
    std::string name = "CoSinGAN"; // nnunet: the dataset's name and the case prefix (letters, digits, _)
};
// The folder a dataset with this layout is published as: `out` itself, or OUT/DatasetNNN_NAME.
// Throws std::invalid_argument for an unknown kind, an id outside 1-999 or a name with other characters.
std::string datasetFolder(const std::string& out, const DatasetLayout& layout);

// One sample's files relative to the dataset folder in a layout (the 8-bit pair only in "product",
// the NIfTI pair in "product" when `nifti`, always in the others).
struct SamplePaths {
    std::string image8, mask8, imageNifti, maskNifti;
};
SamplePaths samplePaths(const DatasetLayout& layout, int index, const std::string& imageExtension, bool nifti);
// The layout's own index of `samples` (manifest entries with image_nifti / mask_nifti): dataset.json
// for nnunet, datalist.json for monai, nothing for product. Throws when the disk is full.
void writeLayoutIndex(const std::string& folder, const DatasetLayout& layout, const Json& samples, bool valuesAreHu, const std::string& description);

// The grid of a synthesized sample: the source slice's grid padded to a square (centred, as the model
// pads) and resampled to `topSize` pixels, so that spacing and position stay those of the patient.
Geometry synthesizedGeometry(const Geometry& source, int topSize);

// A check of one sample before it is written (the full build's judge, core/eval/Quality.h): its
// record goes into the manifest; a sample with keep == false is left out, counted and named there.
struct SampleAssessment {
    Json quality = Json::object();
    bool keep = true;
    std::string reason;  // why it was left out
};

struct DatasetOptions {
    SynthesisOptions synthesis;  // count is per mask
    DatasetLayout layout;
    bool overwrite = false;
    std::string modelPath, secondModelPath;  // recorded in the manifest
    std::function<SampleAssessment(const SynthesizedSample&)> assess;  // optional
    Json assessment = Json();  // what `assess` is (judge, thresholds), recorded in the manifest
};

struct MaskInput {
    std::string source;  // file name, or a description such as "document mask, slice 16"
    LabelSlice labels;
    // The source slice's grid (size = the mask's, one slice), when the source has one (NIfTI, DICOM, a
    // document); the NIfTI files then carry its spacing and position. Without: 1 mm pixels at 0, said so.
    std::optional<Geometry> geometry;
    // The mask's source slice (HU, or 8-bit grey when !sourceIsHu), when known: a body_condition model
    // takes the patient's body outline from it instead of estimating it from the lungs.
    std::optional<Slice<float>> sourceSlice;
    bool sourceIsHu = true;
};

struct DatasetResult {
    int samples = 0;
    int leftOut = 0;  // samples the assessment left out
    int bodyEstimated = 0;  // masks whose body outline was estimated from the lungs (no source slice)
    double seconds = 0;
    std::string folder;  // the published dataset (OUT/DatasetNNN_NAME for nnunet)
};

// Throws std::runtime_error naming the folder or file on failure, Cancelled when cancelled; in both
// cases nothing is left under `folder`.
DatasetResult exportDataset(Synthesizer& synth, const std::vector<MaskInput>& masks, const std::string& folder, const DatasetOptions& options,
                            const DatasetWriters& writers, const JobContext& job = {});

// The steps every dataset writer shares (the export here, the merge of batch parts in DatasetMerge):
// the hidden sibling folder a dataset is built in, its two manifests, and the rename that publishes it.
std::string partialFolderFor(const std::string& out);  // emptied if a crashed run left one
void writeManifests(const std::string& folder, const Json& manifest, const std::string& csv);  // throws when the disk is full
void publishDataset(const std::string& partial, const std::string& out);  // replaces `out` (callers check overwrite)

}  // namespace ctsw::gan
