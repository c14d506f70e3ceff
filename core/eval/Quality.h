#pragma once
// How good a trained CoSinGAN model is, measured the same way every time (`cosingan quality`):
//   self       the training slice synthesized from its own mask (randomized condition off) against
//              the real slice at the model's top size: SSIM (whole, inside the body), PSNR, and the
//              mean absolute error per label in HU (CT sources) or grey levels (8-bit sources);
//   judge      a segmentation network segments images synthesized from given masks (randomized
//              condition on): Dice per label with 95 % intervals, and a flag per sample;
//   edit       a lesion painted into healthy lung: what it becomes, against the same pixels left as
//              lung and the slice's real infection;
//   diversity  the per-pixel spread inside the lung across seeds;
//   texture    the detail lung, infection and body carry in the samples of the given masks, against
//              the real slice and the self-reconstruction, at the top size and at every scale.
// No LibTorch in this header.
#include <optional>
#include <string>
#include <vector>

#include "gan/DatasetExport.h"
#include "image/Volume.h"
#include "json/Json.h"

namespace ctsw::eval {

struct QualityMask {
    std::string file;  // where it came from, for the report
    LabelSlice labels;
    // The slice the mask was drawn on (HU, or 8-bit grey when !sourceIsHu), when known: a
    // body_condition model takes the body outline from it instead of estimating it from the lungs.
    std::optional<Slice<float>> source;
    bool sourceIsHu = true;
};

struct QualityRequest {
    std::string modelDir;
    std::string judgeDir;  // empty: no judge (the report says so)
    std::vector<QualityMask> masks;
    int count = 4;                  // samples per mask
    std::uint64_t seed = 1;
    int diversitySeeds = 8;         // samples of the training mask for the spread
    double minLungDice = 0.7, minInfectionDice = 0.3;  // below: the sample is "suspect"
    std::string device = "cpu";
    std::string precision = "auto";  // synthesis arithmetic (gan::Synthesizer)
    int threads = 0;
};

struct QualitySample {
    std::string file;
    std::uint64_t seed = 0;
    Slice<float> image;  // [-1, 1], top size
    LabelSlice labels;
    std::string flag;    // "ok" | "suspect" | "" (no judge)
};

struct QualityResult {
    Json report;              // the JSON object `cosingan quality` prints
    Slice<float> real, self;  // [-1, 1], top size
    LabelSlice trainingLabels;
    std::vector<QualitySample> samples;
    std::vector<gan::ScaleOutput> scales;  // the training mask through every scale (the per-scale grid)
    // The first given mask through every scale (randomized condition off) and its labels at the top
    // size: the per-scale grid's last row, where a sample's texture can be seen to go or never come.
    std::vector<gan::ScaleOutput> givenScales;
    LabelSlice givenLabels;
    // The edit measure's pair: the healthy-lung mask and the same mask with the painted lesion.
    Slice<float> fromHealthy, fromEdited;
    LabelSlice healthyLabels, editedLabels;
};

// Throws std::runtime_error naming the model or judge folder when it cannot be used.
QualityResult measureQuality(const QualityRequest& request);


// The healthy-lung mask (infection made lung) with a disc of infection painted where the lung is
// thickest: the edit the `edit` measure makes. `added` gets the disc's pixels.
LabelSlice paintLesionInHealthyLung(const LabelSlice& labels, LabelSlice& added);

// The per-sample check of an export (`cosingan synthesize --judge`): the judge's DSC per label, the
// mean and spread of the sample's values inside lung and infection next to the training slice's (in
// HU or grey levels, as MAISI checks its outputs), and a flag. With `minDice`, a sample whose lung DSC
// or (for a mask with infection) infection DSC is below it is left out; without, every sample is kept
// and flagged by the report's thresholds. `description` receives what the manifest records about it.
std::function<gan::SampleAssessment(const gan::SynthesizedSample&)> judgeSamples(const std::string& judgeDir, const std::string& modelDir,
                                                                                 std::optional<double> minDice, int threads, Json& description);

// `cosingan quality` keeps its last report in the model folder (MODEL/quality.json), so that whoever
// loads the model later (the workbench's Preview gallery) can show its figures. Atomic; throws IoError.
std::string recordedQualityPath(const std::string& modelDir);
void recordQuality(const std::string& modelDir, const Json& report);

// The recorded report, or an empty object when there is none or it cannot be read. `stale` is set when
// the model was written again (its config.json is newer) after the report was recorded.
Json readRecordedQuality(const std::string& modelDir, bool* stale = nullptr);

}  // namespace ctsw::eval
