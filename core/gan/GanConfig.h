#pragma once
// Every hyper-parameter of CoSinGAN in one plain struct (no LibTorch), with the presets and the JSON
// form stored in each model folder. Values marked "paper" are the paper's (section 3.2.1); the rest
// are reconstructions documented in docs/cosingan.md.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "json/Json.h"

namespace ctsw::gan {

constexpr int kConfigVersion = 1;

struct GanConfig {
    std::string preset = "paper";

    // Pyramid (paper): sizes, generator downsamplings, discriminator strided layers per scale.
    std::vector<int> sizes{32, 48, 64, 96, 128, 192, 256, 384, 512};
    std::vector<int> generatorDowns{4, 4, 5, 5, 6, 6, 7, 7, 8};
    // PatchGAN strided layers k; with the two stride-1 layers and the first conv the paper's
    // 6..10 "layers" read as k + 3. k = 3..7 keeps a valid output map at every size.
    std::vector<int> discriminatorLayers{3, 3, 4, 4, 5, 5, 6, 6, 7};
    int ngf = 64;  // generator base width (pix2pix)
    int ndf = 64;  // discriminator base width
    std::string norm = "batch";  // batch | instance
    // Generator upsampling: "transpose" (pix2pix's 4x4 stride-2 transposed convolution, the paper) or
    // "resize" (nearest x2 then a 3x3 convolution: no checkerboard grain, and oneDNN's fast kernels on
    // CPU). A model folder without the key was trained with "transpose".
    std::string upsample = "transpose";
    // true: the condition also tells the body from the air around it (label kOutsideBody, derived from
    // the slice: threshold, largest component, holes filled), so that the generator need not guess where
    // the patient ends; padding added to square a slice is outside too. false: the paper's three labels.
    bool bodyCondition = false;
    // false: pix2pix's direct output (the paper). true: SinGAN's residual form, output = input image +
    // G(...), which lets a freshly initialised deeper scale start from the coarser result.
    bool residual = false;
    // false: a scale's generator starts from its predecessor's weights only when both have as many
    // downsamplings, and from random weights otherwise. true: a deeper generator also starts from the
    // shallower one, every weight whose name and shape match (the outer levels, which keep the skip
    // path from input to output; the new inner levels start random). A model folder without the key:
    // false.
    bool inheritOuterLevels = false;

    // Schedule (paper): Adam(0.5, 0.999); lr decays linearly to 0 after decayStart.
    int stage1Iterations = 4000, stage1DecayStart = 2000;
    double stage1Lr = 2e-4;
    int stage2Iterations = 2000, stage2DecayStart = 1000;
    double stage2Lr = 1e-4;
    // Per-scale multipliers of both stages' iterations and decay starts (empty: 1 everywhere). Coarse
    // scales cost a fraction of the fine ones per iteration, so a short schedule can spend there.
    std::vector<double> iterationFactors;
    int iterationsAt(int scale, int stage) const;
    int decayStartAt(int scale, int stage) const;
    int batch = 4;
    int batchLargest = 2;      // used at sizes >= largeSize (paper: batch 2 at 512)
    int largeSize = 512;
    double beta1 = 0.5, beta2 = 0.999;

    // Loss weights (paper) and WPPL class weights (paper).
    double weightAdversarial = 1.0;
    double weightWppl = 10.0;
    double weightMsssim = 1.0;
    double weightVgg = 10.0;
    double weightUnet = 10.0;
    // Per-scale multipliers of weightAdversarial (empty: 1 everywhere). At the fine scales of a short
    // schedule the discriminator wins and the generator answers with grain that is not in the slice
    // (docs/cosingan.md measures it); a small factor there keeps the slice's own texture.
    std::vector<double> adversarialFactors;
    double adversarialWeightAt(int scale) const;
    // The adversarial term on layouts the slice never had (its mask alone, deformed far more than the
    // paired augmentation deforms it, with no image to follow), as a multiple of the scale's own
    // adversarial weight (0 = off). Paired losses teach the generator the slice's texture where the
    // slice has it; a layout without an image has only the discriminator to say that lung has
    // vessels, which is what a mask from another slice needs (docs/cosingan.md measures it).
    double unpairedLayoutWeight = 0.0;
    // The fraction of iterations at scales above the first whose input is the augmented slice itself
    // at the previous scale's size (upsampled), instead of the frozen coarser scales' picture of its
    // mask (0 = never). With the real picture as input, a scale learns to carry the detail it is given
    // (SinGAN's reconstruction input) instead of drawing everything from the mask's shape; those
    // iterations also skip the coarser cascade.
    double realInputProbability = 0.0;
    std::array<double, 3> classWeights{0.1, 0.5, 1.0};
    std::string vggWeights;   // user-supplied VGG19 features file; empty = MS-FVL off (said everywhere)
    std::string unetWeights;  // a trained feature U-Net; empty = train one on the slice
    int unetIterations = 2000;
    int unetSize = 256;
    int unetWidth = 32;

    // Hierarchical augmentation (paper ranges; angles and elastic strength reconstructed).
    double strongCropMin = 0.5, weakCropMin = 0.75;
    double strongRotationDeg = 15.0, weakRotationDeg = 5.0;
    double elasticAlpha = 34.0, elasticSigma = 4.0;  // pixels at 512, scaled with the working size
    bool verticalFlip = true;
    double noAugmentProbability = 0.1;
    // Copy-paste of the slice's own infection (image and label) onto healthy lung elsewhere, in this
    // fraction of the augmented samples: with one slice the infection only ever sits in one place, so
    // the generator learns "infection here" rather than "infection label looks like this" (0 = off).
    double lesionPasteProbability = 0.0;
    // The fraction of those pastes that copy a small disc of the infection instead of all of it.
    double lesionPieceProbability = 0.0;

    // Synthesis diversity (paper eq. 10 magnitudes; dropout 50 %).
    double rcBackground = 16.0, rcLung = 16.0, rcInfection = 32.0;
    double dropout = 0.5;
    bool rcWhileTraining = true;  // the frozen coarser scales see randomized conditions too

    // HU window that maps CT to [-1, 1] (COVID-19-CT-Seg benchmark: [-1250, 250]).
    double huLow = -1250.0, huHigh = 250.0;

    int checkpointEvery = 200;  // iterations between in-stage checkpoints
    std::uint64_t seed = 1;

    int scaleCount() const { return static_cast<int>(sizes.size()); }
    int topSize() const { return sizes.back(); }
    int batchFor(int size) const { return size >= largeSize ? batchLargest : batch; }
    // Throws std::invalid_argument naming the first inconsistent value.
    void validate() const;

    Json toJson() const;
    // Applies the keys present in j over this config (unknown keys are errors, so typos are caught).
    void applyJson(const Json& j);

    static GanConfig fromPreset(const std::string& name);  // paper | fast | smoke
    static std::vector<std::string> presetNames() { return {"paper", "fast", "smoke"}; }
};

}  // namespace ctsw::gan
