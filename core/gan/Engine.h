#pragma once
// The CoSinGAN engine's public face, free of LibTorch types so that Qt code and the CLI can include
// it: train a model from one slice and its mask, and synthesize slices from a model and a mask.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gan/GanConfig.h"
#include "image/Volume.h"
#include "json/Json.h"

namespace ctsw::gan {

// A slice prepared for the engine: values in [-1, 1] (CT windowed to [hu_low, hu_high], or an 8-bit
// image scaled from [0, 255]) and labels 0/1/2, both square at the model's top size.
struct TrainingPair {
    Slice<float> image;  // [-1, 1]
    LabelSlice labels;
    Json provenance = Json::object();  // where the slice came from: file, series, slice index, ...
};

// Windows (or scales) a slice, pads it to a square with air and resizes it to `size`; labels are
// padded with background and resized with nearest neighbour. Throws std::invalid_argument when the
// mask size differs from the image size.
TrainingPair prepareTrainingPair(const Slice<float>& image, bool valuesAreHu, const LabelSlice& labels, int size, double huLow, double huHigh);
// Labels alone, padded (with padLabel) and resized the same way.
LabelSlice prepareLabels(const LabelSlice& labels, int size, std::uint8_t padLabel = 0);

// The engine's fourth label, for models trained with body_condition: background that lies outside the
// body (air around the patient, padding). The product's masks hold 0/1/2 only; the engine adds it.
constexpr std::uint8_t kOutsideBody = 3;
// Marks kOutsideBody where `labels` is background and `body` (1 inside) is not; lung and infection are
// always inside.
void markOutsideBody(LabelSlice& labels, const LabelSlice& body);
// The product's 0/1/2 labels of an engine label map: kOutsideBody becomes background.
LabelSlice productLabels(LabelSlice labels);
// For a mask with no source image: the body as the convex hull of the lungs and infection, scaled about
// its centroid by `scale` (the model's training slice gives the body-to-hull ratio), clipped to the slice.
LabelSlice estimateBodyFromLungs(const LabelSlice& labels, double scale);
// sqrt(body area / hull area) on a prepared training mask holding kOutsideBody; 1.2 when it holds none.
double bodyToHullScale(const LabelSlice& labelsWithOutside);

enum class TrainOutcome { Finished, Stopped, Failed };

struct TrainOptions {
    GanConfig config;
    std::string modelDir;
    bool resume = false;
    std::string device = "auto";  // auto | cpu | cuda
    int threads = 0;              // 0 = all cores
    // CPU only: "bf16" runs the generators and discriminators of the scales from 128 px in bf16
    // autocast, the losses and the smaller scales in fp32; "auto" and "fp32" train in fp32 (bf16 saved
    // 2 % of a fast training on AMX: docs/cosingan.md). Named in the started event and config.json.
    std::string precision = "auto";
    std::function<void(const Json&)> onEvent;  // one event object per call (see docs/cosingan.md)
    const std::atomic<bool>* stopRequested = nullptr;  // finish the iteration, checkpoint, return Stopped
};

// Trains (or resumes) a model folder. Events describe progress, checkpoints and the outcome; errors
// in the input (bad model folder, config) throw std::invalid_argument / std::runtime_error.
TrainOutcome train(const TrainingPair& pair, const TrainOptions& options);

// Reads a model folder's config and progress without loading weights (for resume and the UI).
struct ModelInfo {
    GanConfig config;
    Json json;          // the whole config.json
    bool complete = false;
};
ModelInfo readModelInfo(const std::string& modelDir);

struct SynthesisOptions {
    int count = 1;
    std::uint64_t seed = 1;          // sample i uses seed + i
    bool randomizedCondition = true;
    bool dropout = false;            // test-time dropout
    std::optional<double> fusionAlpha;  // fixed alpha for fusion; empty = uniform in [0, 1] per sample
    // Randomized-condition magnitudes (background, lung, infection) on the 0-255 label scale; empty =
    // the model's own (paper: 16, 16, 32).
    std::optional<std::array<double, 3>> conditionNoise;
    int batch = 8;
    // For models trained with body_condition: the mask's source slice (its size, in HU when
    // bodySourceIsHu, else 8-bit grey), whose body outline tells the model where the patient ends.
    // Without it (and when the mask holds no kOutsideBody) the outline is estimated from the lungs and
    // the samples say so (SynthesizedSample::bodyEstimated).
    std::optional<Slice<float>> bodySource;
    bool bodySourceIsHu = true;
};

struct SynthesizedSample {
    Slice<float> image;  // [-1, 1] at the model's top size
    LabelSlice labels;   // the condition it was made from (top size), 0/1/2
    std::uint64_t seed = 0;
    double alpha = -1;   // fusion weight of the first model; -1 without fusion
    bool bodyEstimated = false;  // body_condition model, body outline estimated from the lungs
};

// What each scale of the cascade makes of one mask (the paper's Fig. 8): where the picture is lost.
struct ScaleOutput {
    int scale = 0, size = 0;
    Slice<float> stage1, stage2;  // [-1, 1] at the scale's size; stage2 empty when the model has none
    // What the scale hands on: stage 2's output, or stage 1's in a model without stage 2.
    const Slice<float>& output() const { return stage2.pixels().empty() ? stage1 : stage2; }
};

class Synthesizer {
public:
    // Loads and verifies a model folder (and an optional second model for fusion). Throws
    // std::runtime_error naming the file for a missing, truncated, corrupt or foreign file.
    // precision (auto, fp32, bf16; std::invalid_argument otherwise): on the CPU, "auto" runs the
    // scales from 128 px in bf16 autocast where the CPU has bf16 kernels (cpuUsesBf16), fp32 elsewhere.
    explicit Synthesizer(const std::string& modelDir, const std::string& device = "auto", const std::string& secondModelDir = {},
                         const std::string& precision = "auto");
    ~Synthesizer();
    Synthesizer(const Synthesizer&) = delete;
    Synthesizer& operator=(const Synthesizer&) = delete;

    int topSize() const;
    const GanConfig& config() const;
    std::string modelId() const;  // content hash of the weights
    bool hasSecondModel() const;
    // The arithmetic synthesis runs in: "fp32", or "bf16 autocast from 128 px, fp32 below".
    std::string precision() const;
    // Labels of any size are padded and resized to the top size.
    std::vector<SynthesizedSample> synthesize(const LabelSlice& labels, const SynthesisOptions& options);
    // Every scale's stage outputs for `labels` (first model only, randomized condition and dropout off).
    std::vector<ScaleOutput> scaleOutputs(const LabelSlice& labels, const SynthesisOptions& options = {});

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// CUDA when present and wanted; the description says which device and, for CUDA, its name.
struct DeviceInfo {
    bool cuda = false;
    std::string description;
};
DeviceInfo resolveDevice(const std::string& request);  // throws std::invalid_argument for cuda without CUDA
// The CPU code path training and synthesis take, for a /proc/cpuinfo "flags" line: fp32 on oneDNN's
// widest kernels (AVX-512, AVX2), bf16 autocast for the U-Net segmenters where the CPU has AMX-BF16 or
// AVX512-BF16 (3x on AMX, 1.8-2.2x on an AMD EPYC with AVX512-BF16: bench_seg), and why CoSinGAN stays
// fp32 (its layers slower in bf16 without AMX; 2 % faster in a whole training on AMX; docs/cosingan.md).
// cpuKernelPath() reads this machine's flags.
std::string cpuKernelPathFor(const std::string& cpuFlags);
std::string cpuKernelPath();
// AMX-BF16 in a /proc/cpuinfo "flags" line (whole words).
bool cpuHasAmxBf16For(const std::string& cpuFlags);
// AMX-BF16 or AVX512-BF16: oneDNN has bf16 convolution kernels for this CPU.
bool cpuHasBf16KernelsFor(const std::string& cpuFlags);
// Whether CPU training takes bf16 autocast for a --precision request (auto, fp32, bf16): auto takes
// bf16 where this CPU has bf16 kernels (the U-Net segmenter step is 3x faster on AMX, 1.8x at 128 px
// and 2.2x at 256 px on an AMD EPYC with AVX512-BF16: bench_seg), fp32 elsewhere. The U-Net
// segmenters follow it; CoSinGAN takes bf16 only when asked (TrainOptions).
// Throws std::invalid_argument for an unknown request.
bool cpuUsesBf16(const std::string& precisionRequest);
void setThreads(int threads);
int threadCount();       // LibTorch's CPU threads now
int cudaDeviceCount();   // 0 with a CPU-only LibTorch or no visible GPU

// Conversions used by writers: [-1, 1] to 8 bit, and back to HU with the model's window.
std::uint8_t unitToByte(float v);
float unitToHu(float v, double huLow, double huHigh);

}  // namespace ctsw::gan
