#pragma once
// The trained pyramid and the model folder on disk (internal to core/gan).
#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

#include "gan/GanConfig.h"
#include "gan/Networks.h"
#include "json/Json.h"

namespace ctsw::gan {

struct ScaleNets {
    UNetGenerator stage1{nullptr};
    UNetGenerator stage2{nullptr};  // null when the config trains no stage 2
};

// One generator step: G(condition, previous), plus `previous` when the config is residual.
torch::Tensor applyGenerator(UNetGenerator& g, const torch::Tensor& condition, const torch::Tensor& previous, bool residual);

// Runs the coarse-to-fine cascade: at scale s the generator sees the condition and the bilinearly
// upsampled output of scale s-1; stage 2 restores stage 1's output.
class Cascade {
public:
    Cascade(GanConfig config, torch::Device device) : config_(std::move(config)), device_(device) {}

    const GanConfig& config() const { return config_; }
    torch::Device device() const { return device_; }
    std::vector<ScaleNets>& scales() { return scales_; }
    int trainedScales() const { return static_cast<int>(scales_.size()); }

    UNetGenerator makeGenerator(int scale) const;
    PatchDiscriminator makeDiscriminator(int scale) const;

    // labels: [B,1,T,T] float 0/1/2 at the top size. Runs scales [0, upTo) and returns the output of
    // scale upTo-1 (zeros at the size of scale 0 when upTo == 0). BatchNorm uses running statistics;
    // randomized condition and dropout as asked. No gradients.
    // `uniforms` (one [B,1,S,S] tensor per scale, from drawConditionNoise) replaces the condition noise
    // drawn inside, so that a batch can carry each sample's own seeded noise.
    // `observe`, when given, sees every stage's output as it is made (scale, stage 1 or 2, [B,1,S,S]).
    using StageObserver = std::function<void(int scale, int stage, const torch::Tensor& output)>;
    torch::Tensor run(const torch::Tensor& labels, int upTo, bool randomizedCondition, bool dropout, const std::vector<torch::Tensor>& uniforms = {},
                      const StageObserver& observe = {});
    torch::Tensor conditionAt(const torch::Tensor& labels, int scale, bool randomized, const torch::Tensor& uniform = {}) const;
    // The U(0, 1) draws that run() makes for one sample's randomized condition, in the same order and on
    // the same (CPU) generator: scales [0, upTo), one [1,1,S,S] tensor each.
    std::vector<torch::Tensor> drawConditionNoise(int upTo) const;
    // CPU only: the generators of the scales from kBf16MinSize run in bf16 autocast (their outputs are
    // handed on in fp32). Synthesis of 8 samples at 256 px: 1.7x faster on an AMD EPYC with
    // AVX512-BF16, the pictures within a grey level of fp32's (docs/cosingan.md).
    void setCpuBf16(bool on) { cpuBf16_ = on; }
    bool cpuBf16() const { return cpuBf16_; }
    // Overrides the randomized-condition magnitudes for synthesis (the paper's eq. 10 deltas).
    void setConditionNoise(double background, double lung, double infection) {
        config_.rcBackground = background;
        config_.rcLung = lung;
        config_.rcInfection = infection;
    }

private:
    GanConfig config_;
    torch::Device device_;
    std::vector<ScaleNets> scales_;
    bool cpuBf16_ = false;
};

// Model folder files. Weights are written atomically; config.json lists every weight file with its
// size and FNV-1a hash, so a truncated or altered file is refused by name before LibTorch reads it.
namespace store {
std::string scaleFile(int scale, int stage);             // "scale3_stage2.pt"
std::string discriminatorFile(int scale, int stage);     // "scale3_stage2_d.pt"
void saveModule(torch::nn::Module& m, const std::string& path);
void loadModule(torch::nn::Module& m, const std::string& path);  // throws std::runtime_error naming the file
void saveOptimizer(torch::optim::Optimizer& o, const std::string& path);
void loadOptimizer(torch::optim::Optimizer& o, const std::string& path);
std::uint64_t fileHash(const std::string& path);
// {"bytes", "fnv1a64"} of a written file: what config.json and checkpoint states list, and what
// verifyWeightFile checks.
Json weightRecord(const std::string& path);
void writeTextAtomically(const std::string& path, const std::string& text);
// Reads and checks config.json (format, version); throws std::runtime_error naming the file.
Json readModelJson(const std::string& modelDir);
// Checks a listed weight file's size and hash against config.json.
void verifyWeightFile(const std::string& modelDir, const Json& modelJson, const std::string& file);
}  // namespace store

torch::Tensor labelsToTensor(const std::vector<std::uint8_t>& labels, int size, torch::Device device);
torch::Tensor imageToTensor(const std::vector<float>& image, int size, torch::Device device);

}  // namespace ctsw::gan
