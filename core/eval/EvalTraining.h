#pragma once
// Training and running the evaluation networks (core/eval/EvalNets) on EvalSamples, as the paper's
// section 3.3: Adam(0.9, 0.999), learning rate 1e-4 kept for the first half of the epochs and then
// decayed linearly (the paper: by 20 % of it per epoch after 5 of 10 epochs), the CoSinGAN strong
// augmentation for the single-slice and synthesized sets and a weak one for real data. Segmentation
// uses cross entropy weighted 0.1 / 1 / 5 (background / lung / infection); classification binary
// cross entropy on "any infection pixel". No ImageNet weights exist here: every network starts from
// scratch, and reports say so. No LibTorch in this header.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "eval/EvalData.h"
#include "eval/Metrics.h"

namespace ctsw::eval {

// One point of a segmenter's validation curve: Dice on held-out real slices after an epoch.
struct ValidationPoint {
    int epoch = 0;                 // 1-based
    double trainingSeconds = 0;    // training time so far, validation excluded
    double lungDice = 0, infectionDice = 0;  // mean per slice (NaN when no slice has the class)
};

struct FitOptions {
    std::string arch;         // unet | enet (segmentation), resnet18 | resnet50 (classification)
    double width = 1.0;       // network width scale; 1.0 is the standard network
    int epochs = 10, batch = 16;
    double lr = 1e-4, beta1 = 0.9, beta2 = 0.999;
    // "paper": lr kept for the first half of the epochs, then decayed linearly (section 3.3).
    // "cosine": linear warm-up over the first 5 % of the iterations, then cosine decay to 1 % of lr.
    std::string schedule = "paper";
    // Segmentation loss. "ce": cross entropy weighted 0.1 / 1 / 5 (the paper's). "dice-ce": that cross
    // entropy plus the soft Dice loss of lung and infection (Dice is insensitive to how small the
    // infection is, which a per-slice Dice score rewards).
    std::string loss = "ce";
    bool strongAugment = false;
    // Random gamma (0.5-1.6), contrast (0.85-1.15) and brightness (+-0.08 of the range) per sample: 8-bit
    // exports of CT come in different windows (MedSeg's parenchyma ranges from grey 40 to 110), which
    // a network trained on one window alone does not segment.
    bool intensityAugment = false;
    std::uint64_t seed = 1;
    int threads = 0;          // 0 = all cores
    // U-Net segmenters: "auto" trains in bf16 autocast where the CPU has AMX-BF16 (3x faster steps
    // there, the same DSC: docs/evaluation.md), else fp32; "fp32" or "bf16" forces one. ENet and the
    // classifiers stay fp32 (no faster in bf16, measured). Not part of a checkpoint's settings: a fit
    // resumed on another CPU continues. Recorded in model.json ("precision").
    std::string precision = "auto";
    std::string trainingSet;  // recorded in model.json
    std::function<void(const std::string&)> log;  // one line per epoch
    // Segmentation only: held-out real slices scored after every validateEvery epochs and after the
    // last; the curve and the last point go into model.json ("validation_curve", "evaluation").
    const std::vector<EvalSample>* validation = nullptr;
    std::string validationSet;
    int validateEvery = 1;
    std::function<void(const ValidationPoint&)> onValidation;
    // A checkpoint (network, optimizer, losses and curve so far) goes to dir/checkpoint after an epoch
    // once this many seconds of training have passed since the last one; negative: none. A fit given a
    // folder whose checkpoint has the same settings and data continues from it and ends with the same
    // network as an uninterrupted run (every epoch draws from its own seed). The finished model
    // replaces the checkpoint.
    double checkpointSeconds = 60;
};

struct FitReport {
    int iterations = 0;
    double seconds = 0, firstEpochLoss = 0, lastEpochLoss = 0;
    std::vector<ValidationPoint> curve;
};

// Train on `set` and write dir/model.pt and dir/model.json (arch, width, size, seed, epochs, set, the
// loss per epoch). A NaN loss throws std::runtime_error naming the epoch; the last checkpoint (before
// the NaN) stays. A checkpoint of other settings or a damaged one is reported through options.log and
// training starts from the first epoch.
FitReport fitSegmenter(const std::vector<EvalSample>& set, const FitOptions& options, const std::string& dir);
FitReport fitClassifier(const std::vector<EvalSample>& set, const FitOptions& options, const std::string& dir);
// The learning-rate factor for iteration `step` of `steps` (0-based) under a schedule named above.
// Segmentation recipes. "cpu": what converges on the 50 MedSeg training slices within 30 minutes on 2
// CPU cores (U-Net width 0.25, 120 epochs of 50 slices, batch 8, Adam 5e-4 with warm-up and cosine decay,
// cross entropy + Dice, weak augmentation, random windows; the measured curve is in docs/evaluation.md);
// "paper": section 3.3's (width 1, 10 epochs, batch 16, Adam 1e-4 kept for half the epochs, cross
// entropy). std::invalid_argument for another name. Architecture, seed and sets are the caller's.
FitOptions segmentationRecipe(const std::string& name);
constexpr int kCpuRecipeSliceEpochs = 120 * 50;  // the cpu recipe's training: 120 epochs of 50 slices

double learningRateFactor(const std::string& schedule, int epoch, int epochs, std::int64_t step, std::int64_t steps);
bool isTrainedModel(const std::string& dir);  // model.json and model.pt present and readable

// A trained model folder, for inference (eval mode, no gradients).
class EvalModel {
public:
    explicit EvalModel(const std::string& dir, int threads = 0);  // throws std::runtime_error naming the folder
    ~EvalModel();
    std::string task() const;  // "segmentation" | "classification"
    std::string arch() const;
    int size() const;
    // Samples of another size are resized to the model's first.
    std::vector<LabelSlice> segment(const std::vector<EvalSample>& samples) const;
    std::vector<double> infectionProbability(const std::vector<EvalSample>& samples) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Per-slice Dice (slices where a class is absent from both prediction and truth are left out of that
// class's list) and pooled Dice over all pixels of all slices. "Lung" is the lung field (kLungField:
// lung and infection labels together, as lung segmentation and the paper score it); "lung parenchyma"
// is the lung label alone, the lung outside the infection.
struct SegScores {
    std::vector<LabelDice> perSliceDice;  // one per sample, in order, padding left out (undefined values kept)
    std::vector<double> lungPerSlice, lungParenchymaPerSlice, infectionPerSlice;
    std::vector<std::string> lungIds, infectionIds;
    double lungPooled = 0, lungParenchymaPooled = 0, infectionPooled = 0;
    int slices = 0;
};
SegScores scoreSegmentation(const std::vector<LabelSlice>& predicted, const std::vector<EvalSample>& truth);

}  // namespace ctsw::eval
