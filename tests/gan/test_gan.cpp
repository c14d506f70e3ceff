// Engine tests: networks, losses, augmentation, training, checkpoints, resume, synthesis.
// CPU only, one thread (so that results are repeatable and parallel ctest runs do not contend).
#include <torch/torch.h>

#include <atomic>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>

#include "MiniTest.h"
#include "gan/Augment.h"
#include "gan/Cascade.h"
#include "gan/DatasetExport.h"
#include "gan/Engine.h"
#include "gan/Losses.h"
#include "gan/Networks.h"
#include "gan/Precision.h"
#include "io/Npy.h"
#include "mask/LungMask.h"

namespace fs = std::filesystem;
using namespace ctsw;
using namespace ctsw::gan;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        static int n = 0;
        path = fs::temp_directory_path() / ("ctsw-gan-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string operator/(const std::string& f) const { return (path / f).string(); }
};

std::string dataDir() {
#ifdef CTSW_DATA_DIR
    if (fs::is_directory(CTSW_DATA_DIR)) return CTSW_DATA_DIR;
#endif
    return {};
}

// The real COVID-19-CT-Seg slice (HU) with its radiologists' lung mask, flipped to radiological display,
// plus a painted infection patch inside the right lung so that all three labels occur.
TrainingPair realPair(int size) {
    const std::string d = dataDir();
    if (d.empty()) SKIP("shared/data not found");
    NpyArray img = readNpy(d + "/covid19-ct-seg-slices/coronacases_001_image_slice_110.npy");
    NpyArray msk = readNpy(d + "/covid19-ct-seg-slices/coronacases_001_masks_slice_110.npy");
    Slice<float> image(512, 512);
    LabelSlice labels(512, 512);
    for (int y = 0; y < 512; ++y)
        for (int x = 0; x < 512; ++x) {
            const std::size_t src = static_cast<std::size_t>(511 - y) * 512 + x;  // Fortran order, flipped vertically
            image.at(x, y) = static_cast<float>(img.values[src]);
            labels.at(x, y) = msk.values[src] > 0 ? 1 : 0;
        }
    for (int y = 230; y < 290; ++y)
        for (int x = 120; x < 180; ++x)
            if (labels.at(x, y) == 1) labels.at(x, y) = 2;
    return prepareTrainingPair(image, true, labels, size, -1250, 250);
}

GanConfig tinyConfig() {
    GanConfig c = GanConfig::fromPreset("smoke");
    c.checkpointEvery = 4;
    return c;
}

TrainOptions quietOptions(const GanConfig& c, const std::string& dir) {
    TrainOptions o;
    o.config = c;
    o.modelDir = dir;
    o.device = "cpu";
    o.threads = 1;
    return o;
}

std::vector<char> bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

// Two two-scale models trained from the same seed: scale 0's weights must be identical, scale 1's not.
void requireOnlyScaleOneDiffers(const std::string& a, const std::string& b) {
    for (int stage = 1; stage <= 2; ++stage) {
        REQUIRE_MSG(bytes(a + "/" + store::scaleFile(0, stage)) == bytes(b + "/" + store::scaleFile(0, stage)), "scale 0 stage " << stage << " differs");
        REQUIRE_MSG(bytes(a + "/" + store::scaleFile(1, stage)) != bytes(b + "/" + store::scaleFile(1, stage)), "scale 1 stage " << stage << " is the same");
    }
}

}  // namespace

TEST_CASE(GeneratorAndDiscriminatorShapesAtEveryPaperScale) {
    torch::NoGradGuard g;
    GanConfig c = GanConfig::fromPreset("paper");
    c.validate();
    for (int s = 0; s < c.scaleCount(); ++s) {
        const int size = c.sizes[static_cast<std::size_t>(s)];
        // Narrow networks: the shapes do not depend on the width.
        UNetGenerator gen(c.generatorDowns[static_cast<std::size_t>(s)], 2, 2, 1, 0.5, false);
        PatchDiscriminator disc(c.discriminatorLayers[static_cast<std::size_t>(s)], 2, 2, false);
        gen->eval();
        disc->eval();
        auto out = gen->forward(torch::zeros({1, 2, size, size}));
        REQUIRE(out.sizes() == torch::IntArrayRef({1, 1, size, size}));
        REQUIRE(out.min().item<float>() >= -1.0f && out.max().item<float>() <= 1.0f);
        auto d = disc->forward(torch::zeros({1, 2, size, size}));
        REQUIRE_MSG(d.size(2) >= 1 && d.size(3) >= 1, "no PatchGAN output at size " << size);
        UNetGenerator resized(c.generatorDowns[static_cast<std::size_t>(s)], 2, 2, 1, 0.5, false, /*resizeUp=*/true);
        resized->eval();
        REQUIRE(resized->forward(torch::zeros({1, 2, size, size})).sizes() == torch::IntArrayRef({1, 1, size, size}));
    }
}

TEST_CASE(ADeeperGeneratorInheritsTheShallowerOnesOuterLevels) {
    // 5 downsamplings (channels 4 8 16 32 32) into 6 (4 8 16 32 32 32): the outer four levels of both
    // paths have the same names and shapes and are copied; the new inner levels keep their own weights.
    torch::manual_seed(5);
    UNetGenerator shallow(5, 4, 2, 1, 0.5, false), deep(6, 4, 2, 1, 0.5, false);
    const auto before = deep->named_parameters();
    std::map<std::string, torch::Tensor> untouched;
    for (const auto& p : before) untouched[p.key()] = p.value().clone();
    const int copied = copyMatchingState(*shallow, *deep);
    REQUIRE(copied > 0);
    const auto from = shallow->named_parameters();
    for (const char* name : {"down.0.weight", "down.3.weight", "up.0.weight", "up.3.weight", "up_norm.3.weight"})
        REQUIRE_MSG(torch::equal(deep->named_parameters()[name], from[name]), name << " is not the shallower generator's");
    for (const char* name : {"up.4.weight", "up.5.weight", "down.5.weight"})
        REQUIRE_MSG(torch::equal(deep->named_parameters()[name], untouched[name]), name << " changed");
    GanConfig c = GanConfig::fromPreset("fast");
    REQUIRE(!c.inheritOuterLevels && !c.toJson().contains("inherit_outer_levels"));  // folders made before the key read as false
    c.applyJson(Json::parse("{\"inherit_outer_levels\": true}"));
    REQUIRE(c.inheritOuterLevels && c.toJson().at("inherit_outer_levels").asBool());
}

TEST_CASE(PhaseFormOfTheTransposedConvolutionIsExactAndFollowsTheWeights) {
    torch::manual_seed(11);
    // The op itself, odd sizes and a bias included.
    auto tconv = torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(6, 5, 4).stride(2).padding(1));
    auto x = torch::randn({3, 6, 7, 9});
    torch::NoGradGuard noGrad;
    auto reference = tconv->forward(x);
    auto phases = transposedConvByPhases(x, phaseKernelOf(tconv->weight), tconv->bias.repeat({4}));
    REQUIRE(phases.sizes() == reference.sizes());
    REQUIRE_MSG(torch::allclose(phases, reference, 1e-5, 1e-5), "max difference " << (phases - reference).abs().max().item<double>());

    // The generator: eval without gradients takes the phase form with cached kernels; it must give what
    // LibTorch's op gives.
    UNetGenerator gen(5, 8, 2, 1, 0.5, false);
    initWeights(*gen);
    gen->eval();
    gen->setDropoutActive(false);
    auto input = torch::rand({2, 2, 64, 64}) * 2 - 1;
    auto viaLibTorchOp = [&] {
        setTransposedConvByPhases(false);
        auto y = gen->forward(input);
        setTransposedConvByPhases(true);
        return y;
    };
    const torch::Tensor viaModule = viaLibTorchOp();
    REQUIRE(torch::allclose(gen->forward(input), viaModule, 1e-5, 1e-5));
    // Weights changed in place (an optimiser step, a loaded checkpoint): the cached kernels follow.
    for (auto& p : gen->parameters()) p.add_(torch::randn_like(p) * 0.05);
    const torch::Tensor changed = viaLibTorchOp();
    REQUIRE(!torch::allclose(changed, viaModule, 1e-3, 1e-3));
    REQUIRE(torch::allclose(gen->forward(input), changed, 1e-5, 1e-5));
}

TEST_CASE(PhaseFormTrainsLikeTheTransposedConvolution) {
    // Training runs the phase form with the kernel built from the module's weight in every call: the
    // loss and every parameter's gradient must be LibTorch's transposed convolution's.
    torch::manual_seed(12);
    UNetGenerator gen(5, 8, 2, 1, 0.0, false);
    initWeights(*gen);
    gen->train();
    auto input = torch::rand({2, 2, 64, 64}) * 2 - 1;
    auto target = torch::rand({2, 1, 64, 64}) * 2 - 1;
    auto gradients = [&](bool phases) {
        setTransposedConvByPhases(phases);
        gen->zero_grad();
        auto loss = (gen->forward(input) - target).abs().mean();
        loss.backward();
        std::vector<torch::Tensor> g{loss.detach().reshape({1})};
        for (auto& p : gen->parameters()) g.push_back(p.grad().clone());
        setTransposedConvByPhases(true);
        return g;
    };
    const auto viaModule = gradients(false);
    const auto viaPhases = gradients(true);
    REQUIRE(viaModule.size() == viaPhases.size());
    REQUIRE(viaModule.size() > 1);
    int nonZero = 0;
    for (std::size_t i = 0; i < viaModule.size(); ++i) {
        REQUIRE(viaModule[i].defined() && viaPhases[i].defined());
        const double scale = viaModule[i].abs().max().item<double>();
        REQUIRE_MSG(torch::allclose(viaPhases[i], viaModule[i], 1e-4, 1e-6 + 1e-4 * scale),
                    "tensor " << i << " max difference " << (viaPhases[i] - viaModule[i]).abs().max().item<double>() << " of " << scale);
        if (scale > 0) ++nonZero;
    }
    REQUIRE(nonZero > 1);  // the gradients compared are not all zero
    // The transposed convolutions' own weights receive their gradient through the phase kernel.
    for (std::size_t level = 0; level < gen->upConvs->size(); ++level)
        REQUIRE(gen->upConvs[level]->as<torch::nn::ConvTranspose2d>()->weight.grad().abs().sum().item<double>() > 0);
}

TEST_CASE(CpuKernelPathNamesWhatTheFlagsOffer) {
    // CoSinGAN trains in fp32 unless asked; the U-Net segmenters in bf16 where AMX or AVX512-BF16 is there.
    // The path names the kernels oneDNN takes and which networks take bf16.
    const std::string bf16WithoutAmx = cpuKernelPathFor(" fpu sse2 avx2 avx512f avx512_bf16 ");
    REQUIRE(bf16WithoutAmx.rfind("fp32 on oneDNN's AVX-512 kernels", 0) == 0);
    REQUIRE(bf16WithoutAmx.find("bf16 autocast on AVX512-BF16 for the U-Net segmenters and CoSinGAN synthesis from 128 px") != std::string::npos);
    const std::string amx = cpuKernelPathFor("avx2 avx512f avx512_bf16 amx_bf16 amx_tile");
    REQUIRE(amx.find("bf16 autocast on AMX for the U-Net segmenters and CoSinGAN synthesis") != std::string::npos && amx.find("AVX512-BF16") == std::string::npos);
    REQUIRE(cpuHasBf16KernelsFor("avx512f avx512_bf16"));
    REQUIRE(cpuHasBf16KernelsFor("amx_bf16"));
    REQUIRE(!cpuHasBf16KernelsFor("avx512f avx2 avx512_bf16x"));
    REQUIRE(cpuKernelPathFor("sse2 avx avx2") == "fp32 on oneDNN's AVX2 kernels");
    REQUIRE(cpuKernelPathFor("") == "fp32");
    REQUIRE(cpuKernelPathFor("avx512fx") == "fp32");  // whole words only
    REQUIRE(cpuKernelPath().rfind("fp32", 0) == 0);
    REQUIRE(cpuHasAmxBf16For("avx512f amx_bf16 amx_tile"));
    REQUIRE(!cpuHasAmxBf16For("avx512f avx512_bf16 amx_bf16x"));
    // The segmenters' precision: auto follows this CPU, the others force one, anything else is refused.
    REQUIRE(cpuUsesBf16("auto") == (cpuKernelPath().find("bf16 autocast") != std::string::npos));
    REQUIRE(cpuUsesBf16("bf16"));
    REQUIRE(!cpuUsesBf16("fp32"));
    REQUIRE_THROWS_WITH(cpuUsesBf16("fp16"), "unknown precision \"fp16\"");
}

TEST_CASE(Bf16AutocastRunsConvolutionsInBf16ForItsScopeAndKeepsGradientsFp32) {
    torch::manual_seed(3);
    torch::nn::Conv2d conv(torch::nn::Conv2dOptions(2, 4, 3).padding(1));
    const auto x = torch::randn({2, 2, 16, 16});
    torch::Tensor inside, nested;
    {
        CpuBf16Autocast on(true);
        inside = conv->forward(x);
        {
            CpuBf16Autocast off(false);  // a guard that is off changes nothing
            nested = conv->forward(x);
        }
    }
    const torch::Tensor after = conv->forward(x);
    REQUIRE(inside.scalar_type() == torch::kBFloat16);
    REQUIRE(nested.scalar_type() == torch::kBFloat16);
    REQUIRE(after.scalar_type() == torch::kFloat32);  // the state before the guard is back
    // bf16 keeps about 3 significant digits: the result is the fp32 one, roughly.
    REQUIRE((inside.to(torch::kFloat32) - after).abs().max().item<double>() < 0.05 * after.abs().max().item<double>());
    inside.to(torch::kFloat32).sum().backward();
    REQUIRE(conv->weight.grad().scalar_type() == torch::kFloat32);
    REQUIRE(conv->weight.grad().abs().sum().item<double>() > 0);
    // After an in-place weight update the next scope casts the new weights, not a stale copy.
    {
        torch::NoGradGuard noGrad;
        conv->weight.mul_(2);
        conv->bias.mul_(2);
    }
    torch::Tensor doubled;
    {
        CpuBf16Autocast on(true);
        doubled = conv->forward(x).to(torch::kFloat32);
    }
    REQUIRE((doubled - 2 * after).abs().max().item<double>() < 0.05 * doubled.abs().max().item<double>());
}

TEST_CASE(CascadeInBf16RunsTheScalesFrom128PxInBf16AndHandsOnFp32) {
    // Synthesis's bf16 path: scales below kBf16MinSize are fp32 (bit for bit), the 128 px scale is bf16
    // (close to fp32, not equal), and every stage hands on fp32.
    GanConfig c = GanConfig::fromPreset("fast");
    c.sizes = {64, 128};
    c.generatorDowns = {5, 6};
    c.discriminatorLayers = {4, 5};
    c.adversarialFactors = {};
    torch::manual_seed(5);
    Cascade cascade(c, torch::kCPU);
    for (int s = 0; s < 2; ++s) {
        ScaleNets n;
        n.stage1 = cascade.makeGenerator(s);
        n.stage2 = cascade.makeGenerator(s);
        initWeights(*n.stage1);
        initWeights(*n.stage2);
        cascade.scales().push_back(n);
    }
    const auto labels = torch::randint(0, 3, {2, 1, 128, 128}).to(torch::kFloat);
    auto runOnce = [&](bool bf16, std::vector<torch::Tensor>& stages) {
        cascade.setCpuBf16(bf16);
        return cascade.run(labels, 2, false, false, {}, [&](int, int, const torch::Tensor& x) {
            REQUIRE(x.scalar_type() == torch::kFloat32);
            stages.push_back(x.clone());
        });
    };
    std::vector<torch::Tensor> fp32Stages, bf16Stages;
    const auto fp32 = runOnce(false, fp32Stages);
    const auto bf16 = runOnce(true, bf16Stages);
    REQUIRE(cascade.cpuBf16());
    REQUIRE(fp32Stages.size() == 4 && bf16Stages.size() == 4);
    REQUIRE(torch::equal(fp32Stages[0], bf16Stages[0]) && torch::equal(fp32Stages[1], bf16Stages[1]));  // 64 px: fp32
    const double worst = (fp32 - bf16).abs().max().item<double>(), mean = (fp32 - bf16).abs().mean().item<double>();
    REQUIRE_MSG(worst > 0 && mean < 0.02, "128 px in bf16 against fp32: max " << worst << ", mean " << mean);
}

TEST_CASE(PaperWidthGeneratorHasPix2pixParameterCount) {
    // pix2pix unet_256 (8 downsamplings, ngf 64) has 54.4 M parameters; ours with 2 in / 1 out channels.
    UNetGenerator gen(8, 64, 2, 1, 0.5, false);
    const double millions = static_cast<double>(parameterCount(*gen)) / 1e6;
    REQUIRE_MSG(millions > 54.3 && millions < 54.5, millions);
    UNetGenerator four(4, 64, 2, 1, 0.5, false);
    REQUIRE_NEAR(static_cast<double>(parameterCount(*four)) / 1e6, 6.17, 0.02);
}

TEST_CASE(ConfigRejectsImpossibleDiscriminatorAndUnknownKeys) {
    GanConfig c = GanConfig::fromPreset("paper");
    c.discriminatorLayers[0] = 4;  // 32 px cannot hold 4 strided layers plus two stride-1 layers
    REQUIRE_THROWS_WITH(c.validate(), "no output at size 32");
    GanConfig d = GanConfig::fromPreset("fast");
    REQUIRE_THROWS_WITH(d.applyJson(Json::parse("{\"ngff\": 3}")), "ngff");
    d.applyJson(Json::parse("{\"ngf\": 24, \"sizes\": [32, 64], \"generator_downs\": [4, 5], \"discriminator_layers\": [3, 4]}"));
    // fast's per-scale adversarial factors no longer fit two scales: said, with what to do.
    REQUIRE_THROWS_WITH(d.validate(), "2 scales; a config that changes sizes gives it too");
    d.applyJson(Json::parse("{\"adversarial_factors\": []}"));
    d.validate();
    REQUIRE(d.ngf == 24 && d.topSize() == 64);
    GanConfig e = GanConfig::fromPreset("fast");
    GanConfig f = GanConfig::fromPreset("paper");
    f.applyJson(e.toJson());
    REQUIRE(f.toJson() == e.toJson());

    // Per-scale iteration factors: one per scale, positive; they scale both stages and decay starts.
    GanConfig g = GanConfig::fromPreset("smoke");
    g.applyJson(Json::parse("{\"iteration_factors\": [3]}"));
    REQUIRE_THROWS_WITH(g.validate(), "one entry per scale");
    g.applyJson(Json::parse("{\"iteration_factors\": [2.5, 0]}"));
    REQUIRE_THROWS_WITH(g.validate(), "iteration_factors");
    g.applyJson(Json::parse("{\"iteration_factors\": [2.5, 1]}"));
    g.validate();
    REQUIRE(g.iterationsAt(0, 1) == 30 && g.decayStartAt(0, 1) == 15 && g.iterationsAt(0, 2) == 15 && g.iterationsAt(1, 1) == 12);
    // Per-scale adversarial factors: one per scale, in [0, 100]; they scale weight_adversarial.
    g.applyJson(Json::parse("{\"adversarial_factors\": [1]}"));
    REQUIRE_THROWS_WITH(g.validate(), "adversarial_factors needs one entry per scale");
    g.applyJson(Json::parse("{\"adversarial_factors\": [1, -0.5]}"));
    REQUIRE_THROWS_WITH(g.validate(), "adversarial_factors must be in [0, 100]");
    g.applyJson(Json::parse("{\"adversarial_factors\": [0.5, 0], \"weight_adversarial\": 2}"));
    g.validate();
    REQUIRE(g.adversarialWeightAt(0) == 1.0 && g.adversarialWeightAt(1) == 0.0);
    GanConfig roundTrip = GanConfig::fromPreset("paper");
    roundTrip.applyJson(g.toJson());
    REQUIRE(roundTrip.adversarialFactors == g.adversarialFactors);
    REQUIRE(GanConfig::fromPreset("paper").adversarialWeightAt(8) == 1.0);
    // A model folder written before the upsample key existed was trained with transposed convolutions:
    // loading starts from the paper's values, so the key's absence must mean "transpose".
    GanConfig legacy = GanConfig::fromPreset("paper");
    legacy.applyJson(Json::parse("{\"ngf\": 16}"));
    REQUIRE(legacy.upsample == "transpose");
    legacy.applyJson(Json::parse("{\"upsample\": \"bicubic\"}"));
    REQUIRE_THROWS_WITH(legacy.validate(), "upsample must be");
    // standard is fast with twice the iterations of both stages (and their decay starts), nothing else.
    GanConfig standard = GanConfig::fromPreset("standard");
    GanConfig fastAgain = GanConfig::fromPreset("fast");
    REQUIRE(standard.preset == "standard" && standard.stage1Iterations == 2 * fastAgain.stage1Iterations &&
            standard.stage2Iterations == 2 * fastAgain.stage2Iterations && standard.stage1DecayStart == 2 * fastAgain.stage1DecayStart &&
            standard.stage2DecayStart == 2 * fastAgain.stage2DecayStart);
    standard.stage1Iterations = fastAgain.stage1Iterations;
    standard.stage2Iterations = fastAgain.stage2Iterations;
    standard.stage1DecayStart = fastAgain.stage1DecayStart;
    standard.stage2DecayStart = fastAgain.stage2DecayStart;
    standard.preset = "fast";
    REQUIRE(standard.toJson() == fastAgain.toJson());
    REQUIRE_THROWS_WITH(GanConfig::fromPreset("quick"), "use fast, standard, paper or smoke");
    // Older folders have no lesion paste; a probability outside [0, 1] is refused by name.
    REQUIRE(legacy.lesionPasteProbability == 0.0);
    GanConfig paste = GanConfig::fromPreset("smoke");
    paste.applyJson(Json::parse("{\"lesion_paste_probability\": 1.5}"));
    REQUIRE_THROWS_WITH(paste.validate(), "lesion_paste_probability");
    REQUIRE(legacy.lesionPieceProbability == 0.0);
    GanConfig piece = GanConfig::fromPreset("smoke");
    piece.applyJson(Json::parse("{\"lesion_piece_probability\": -0.1}"));
    REQUIRE_THROWS_WITH(piece.validate(), "lesion_piece_probability");
    for (const auto& [key, value] : std::vector<std::pair<std::string, double>>{{"unpaired_layout_weight", -1.0}, {"real_input_probability", 1.5}}) {
        GanConfig c = GanConfig::fromPreset("smoke");
        Json j = Json::object();
        j.set(key, value);
        c.applyJson(j);
        REQUIRE_THROWS_WITH(c.validate(), key);
    }
}

TEST_CASE(BodyConditionMarksTheAirAroundThePatientAndEstimatesItFromTheLungs) {
    // coronacases_001 slice 110 at 128 px: a full field of view, air around the body and a table.
    TrainingPair pair = realPair(128);
    // The pair says what its values were, so that a model trained from it without the CLI (the
    // experiment's) takes the grey-level body threshold and reports grey levels, not HU.
    REQUIRE(pair.provenance.at("values_are_hu").asBool());
    REQUIRE(!prepareTrainingPair(Slice<float>(8, 8), false, LabelSlice(8, 8), 8, 0, 255).provenance.at("values_are_hu").asBool());
    LabelSlice labels = pair.labels;
    const LabelSlice body = mask::bodyOutline(pair.image, mask::bodyThreshold(true, -1250, 250));
    markOutsideBody(labels, body);
    std::size_t outside = 0, lungOutside = 0, n = labels.pixels().size();
    for (std::size_t i = 0; i < n; ++i) {
        outside += labels.pixels()[i] == kOutsideBody;
        lungOutside += (pair.labels.pixels()[i] == 1 || pair.labels.pixels()[i] == 2) && labels.pixels()[i] != pair.labels.pixels()[i];
    }
    REQUIRE(lungOutside == 0);                            // lung and infection are never relabelled
    REQUIRE(labels.at(0, 0) == kOutsideBody && labels.at(127, 127) == kOutsideBody);
    REQUIRE_MSG(outside > n / 5 && outside < n * 3 / 4, outside);  // the air around a chest, not everything
    REQUIRE(labels.at(64, 64) != kOutsideBody);          // the mediastinum is inside

    // The estimate from the lungs alone, scaled by this slice's body-to-hull ratio, overlaps the real body.
    const double scale = bodyToHullScale(labels);
    REQUIRE_MSG(scale > 1.05 && scale < 2.0, scale);
    const LabelSlice estimate = estimateBodyFromLungs(pair.labels, scale);
    std::size_t both = 0, either = 0;
    for (std::size_t i = 0; i < n; ++i) {
        both += body.pixels()[i] && estimate.pixels()[i];
        either += body.pixels()[i] || estimate.pixels()[i];
    }
    REQUIRE_MSG(static_cast<double>(both) / static_cast<double>(either) > 0.75, "IoU " << static_cast<double>(both) / static_cast<double>(either));
    REQUIRE(bodyToHullScale(pair.labels) == 1.2);  // no outside label: the default ratio

    // The condition gives outside its own value, below background, with no randomized noise.
    auto t = torch::tensor({0.0f, 1.0f, 2.0f, 3.0f}).view({1, 1, 1, 4});
    auto c = encodeCondition(t, true, 16, 16, 32);
    REQUIRE(c[0][0][0][3].item<float>() < c[0][0][0][0].item<float>());
    REQUIRE_NEAR(c[0][0][0][3].item<float>(), -64.0f / 127.5f - 1.0f, 1e-6);
    auto w = classWeightMap(t, {0.1, 0.5, 1.0});
    REQUIRE_NEAR(w[0][0][0][3].item<float>(), 0.1f, 1e-6);
}

TEST_CASE(BodyConditionModelTrainsAndSynthesizesFromMasksWithAndWithoutASourceSlice) {
    TrainingPair pair = realPair(48);
    TempDir t;
    GanConfig c = tinyConfig();
    c.bodyCondition = true;
    REQUIRE(train(pair, quietOptions(c, t / "model")) == TrainOutcome::Finished);
    const NpyArray stored = readNpy(t / "model/training_labels.npy");
    REQUIRE(std::count(stored.values.begin(), stored.values.end(), 3.0) > 0);
    Synthesizer synth(t / "model", "cpu");
    SynthesisOptions o;
    o.count = 2;
    const auto estimated = synth.synthesize(pair.labels, o);
    REQUIRE(estimated.size() == 2 && estimated[0].bodyEstimated);
    for (auto v : estimated[0].labels.pixels()) REQUIRE(v <= 2);  // the product's labels come back
    // With the source slice the outline is the slice's own, so the image differs from the estimate's.
    Slice<float> hu(48, 48);
    for (std::size_t i = 0; i < hu.pixels().size(); ++i) hu.pixels()[i] = static_cast<float>((pair.image.pixels()[i] + 1) / 2 * 1500 - 1250);
    o.bodySource = hu;
    const auto fromSource = synth.synthesize(pair.labels, o);
    REQUIRE(!fromSource[0].bodyEstimated);
    REQUIRE(!torch::equal(torch::tensor(fromSource[0].image.pixels()), torch::tensor(estimated[0].image.pixels())));
    o.bodySource = Slice<float>(40, 40);
    REQUIRE_THROWS_WITH(synth.synthesize(pair.labels, o), "source slice is 40x40");
}

TEST_CASE(WpplIsZeroForIdenticalImagesAndWeightsEachClass) {
    auto labels = torch::zeros({1, 1, 8, 8});
    labels.slice(2, 0, 2).fill_(1);  // 16 lung pixels
    labels.slice(2, 2, 3).fill_(2);  // 8 infection pixels; 40 background
    auto w = classWeightMap(labels, {0.1, 0.5, 1.0});
    auto a = torch::rand({1, 1, 8, 8}) * 2 - 1;
    REQUIRE_NEAR(wppl(a, a, w).item<double>(), 0.0, 1e-12);
    // An error of 1 on infection only: 8 * 1.0 / (40 * 0.1 + 16 * 0.5 + 8 * 1.0).
    auto b = a.clone();
    b.slice(2, 2, 3) += 1;
    REQUIRE_NEAR(wppl(b, a, w).item<double>(), 8.0 / 20.0, 1e-6);
    // The same error on background weighs ten times less per pixel.
    auto c = a.clone();
    c.slice(2, 3, 4) += 1;
    REQUIRE_NEAR(wppl(c, a, w).item<double>(), 8 * 0.1 / 20.0, 1e-6);
}

TEST_CASE(MsssimIsOneForIdenticalImagesAndFiniteAtEveryScale) {
    for (int size : {32, 48, 64, 96, 128, 256, 512}) {
        auto a = (torch::rand({2, 1, size, size}) * 2 - 1).requires_grad_(true);
        auto same = msssim(a, a.detach());
        REQUIRE_NEAR(same.item<double>(), 1.0, 1e-4);
        auto other = torch::rand({2, 1, size, size}) * 2 - 1;
        auto diff = msssim(a, other);
        REQUIRE_MSG(diff.item<double>() < 0.5, "size " << size << ": " << diff.item<double>());
        (1 - diff).backward();
        REQUIRE_MSG(torch::isfinite(a.grad()).all().item<bool>(), "non-finite gradient at size " << size);
    }
    REQUIRE(msssimLevels(32) == 2 && msssimLevels(48) == 3 && msssimLevels(96) == 4 && msssimLevels(192) == 5 && msssimLevels(512) == 5);
}

TEST_CASE(AugmentationMovesImageAndMaskTogether) {
    torch::manual_seed(3);
    // An image whose value encodes its label: every augmented pixel must still agree with the mask.
    auto labels = torch::zeros({4, 1, 128, 128});
    labels.slice(2, 30, 90).slice(3, 20, 60).fill_(1);
    labels.slice(2, 50, 70).slice(3, 70, 110).fill_(2);
    auto image = labels - 1.0;  // -1, 0, 1
    AugmentStrength strong;
    strong.elasticAlpha = 34;
    auto [img, lab] = augment(image, labels, strong);
    REQUIRE(!torch::equal(lab, labels));  // it did move
    auto mismatch = ((img - (lab - 1.0)).abs() > 0.5).to(torch::kFloat).mean().item<double>();
    REQUIRE_MSG(mismatch < 0.01, "fraction of misaligned pixels " << mismatch);
    // Labels stay exact under nearest sampling.
    REQUIRE((lab.eq(0) | lab.eq(1) | lab.eq(2)).all().item<bool>());
}

namespace {
// 8 samples of 96 x 96: two lungs (label 1) and an infection (label 2) in the left one over the given
// rows and columns, whose image value is unique (0.9; lung -0.6, background 0.1).
std::pair<torch::Tensor, torch::Tensor> twoLungsWithInfection(int64_t row0, int64_t row1, int64_t col0, int64_t col1) {
    auto labels = torch::zeros({8, 1, 96, 96});
    labels.slice(2, 20, 76).slice(3, 8, 44).fill_(1);
    labels.slice(2, 20, 76).slice(3, 52, 88).fill_(1);
    labels.slice(2, row0, row1).slice(3, col0, col1).fill_(2);
    auto image = torch::where(labels > 1.5, torch::full_like(labels, 0.9), torch::where(labels > 0.5, torch::full_like(labels, -0.6), torch::full_like(labels, 0.1)));
    return {image, labels};
}
}  // namespace

TEST_CASE(PastedLesionsCarryTheirImageOntoHealthyLungOnly) {
    torch::manual_seed(5);
    auto [image, labels] = twoLungsWithInfection(40, 52, 18, 30);
    const double lesionArea = labels[0].eq(2).sum().item<double>();

    auto [unchangedImage, unchangedLabels] = pasteLesions(image, labels, 0.0);
    REQUIRE(torch::equal(unchangedImage, image) && torch::equal(unchangedLabels, labels));

    auto [img, lab] = pasteLesions(image, labels, 1.0);
    int pasted = 0;
    for (int64_t i = 0; i < 8; ++i) {
        const auto added = lab[i].eq(2) & labels[i].eq(1);
        const double n = added.sum().item<double>();
        if (n > 0) ++pasted;
        if (n > 0) REQUIRE_MSG(n >= 0.25 * lesionArea, "sample " << i << " got a sliver of " << n << " pixels");
        // Labels and image move together: every infection pixel has the lesion's value, nothing else changed.
        REQUIRE(torch::equal(lab[i].eq(2), img[i].gt(0.5)));
        REQUIRE(torch::equal(lab[i].eq(0), labels[i].eq(0)));  // background is never touched
        REQUIRE(lab[i].eq(2).logical_and(labels[i].eq(2)).sum().item<double>() == lesionArea);  // the original stays
    }
    REQUIRE_MSG(pasted >= 6, "only " << pasted << " of 8 samples got a lesion");
    // A slice without infection has nothing to paste.
    auto healthy = torch::where(labels > 1.5, torch::ones_like(labels), labels);
    auto [sameImage, sameLabels] = pasteLesions(image, healthy, 1.0);
    REQUIRE(torch::equal(sameLabels, healthy) && torch::equal(sameImage, image));
}

TEST_CASE(LesionPiecesAreSmallDiscsOfTheInfectionPlacedOnHealthyLung) {
    torch::manual_seed(6);
    auto [image, labels] = twoLungsWithInfection(30, 60, 12, 40);  // a large infection, 30 x 28 pixels
    const double lesionArea = labels[0].eq(2).sum().item<double>();
    const double largestPiece = M_PI * 6.0 * 6.0 * 1.15;  // radius at most 96 / 16, digitised
    auto [img, lab] = pasteLesions(image, labels, 1.0, 1.0);
    int pasted = 0;
    for (int64_t i = 0; i < 8; ++i) {
        const double n = (lab[i].eq(2) & labels[i].eq(1)).sum().item<double>();
        if (n == 0) continue;
        ++pasted;
        REQUIRE_MSG(n <= largestPiece && n < 0.25 * lesionArea, "sample " << i << " got " << n << " pixels, not a small piece");
        REQUIRE(torch::equal(lab[i].eq(2), img[i].gt(0.5)));  // labels and image move together
        REQUIRE(torch::equal(lab[i].eq(0), labels[i].eq(0)));
        REQUIRE(lab[i].eq(2).logical_and(labels[i].eq(2)).sum().item<double>() == lesionArea);
    }
    REQUIRE_MSG(pasted >= 6, "only " << pasted << " of 8 samples got a piece");
    // Without pieces the whole infection moves: more than the largest piece.
    auto [wholeImg, wholeLab] = pasteLesions(image, labels, 1.0, 0.0);
    for (int64_t i = 0; i < 8; ++i) {
        const double n = (wholeLab[i].eq(2) & labels[i].eq(1)).sum().item<double>();
        REQUIRE(n == 0 || n >= 0.25 * lesionArea);
    }
}

TEST_CASE(RandomizedConditionStaysInTheRangesOfEquationTen) {
    torch::manual_seed(7);
    auto labels = torch::zeros({1, 1, 64, 64});
    labels.slice(2, 0, 20).fill_(1);
    labels.slice(2, 20, 30).fill_(2);
    auto c = (encodeCondition(labels, true, 16, 16, 32) + 1) * 127.5;  // back to 0..255
    auto bg = c.masked_select(labels == 0), lung = c.masked_select(labels == 1), inf = c.masked_select(labels == 2);
    REQUIRE(bg.min().item<double>() >= -1e-4 && bg.max().item<double>() <= 16 + 1e-4);
    REQUIRE(lung.min().item<double>() >= 112 - 1e-4 && lung.max().item<double>() <= 144 + 1e-4);
    REQUIRE(inf.min().item<double>() >= 223 - 1e-4 && inf.max().item<double>() <= 255 + 1e-4);
    REQUIRE(bg.std().item<double>() > 1.0);  // noise per pixel, not a constant
    auto clean = (encodeCondition(labels, false, 16, 16, 32) + 1) * 127.5;
    REQUIRE_NEAR(clean.masked_select(labels == 1).mean().item<double>(), 128.0, 1e-3);
}

TEST_CASE(ModuleSaveAndLoadIsBitExact) {
    TempDir t;
    torch::manual_seed(1);
    UNetGenerator a(4, 8, 2, 1, 0.5, false);
    initWeights(*a);
    store::saveModule(*a, t / "g.pt");
    UNetGenerator b(4, 8, 2, 1, 0.5, false);
    store::loadModule(*b, t / "g.pt");
    auto pa = a->named_parameters(), pb = b->named_parameters();
    for (const auto& p : pa) REQUIRE(torch::equal(p.value(), pb[p.key()]));
    for (const auto& p : a->named_buffers()) REQUIRE(torch::equal(p.value(), *b->named_buffers().find(p.key())));
    // A generator of another depth refuses the file by name.
    UNetGenerator c(5, 8, 2, 1, 0.5, false);
    REQUIRE_THROWS_WITH(store::loadModule(*c, t / "g.pt"), "g.pt");
}

TEST_CASE(SynthesizedSamplesKeepTheSourceGridAndNnunetDatasetsAreNamedAsItWants) {
    // A 4 x 2 source at 0.5 x 0.8 mm, axes swapped by its direction: padded to 4 x 4 (one row above),
    // resampled to 2 x 2. Output pixel (0, 0) is the centre of source pixels x 0..1, y -1..0.
    Geometry source;
    source.size = {4, 2, 1};
    source.spacing = {0.5, 0.8, 5.0};
    source.origin = {10, 20, -30};
    source.direction = {0, 1, 0, 1, 0, 0, 0, 0, 1};
    const Geometry g = synthesizedGeometry(source, 2);
    REQUIRE(g.size[0] == 2 && g.size[1] == 2 && g.size[2] == 1);
    REQUIRE_NEAR(g.spacing[0], 1.0, 1e-12);
    REQUIRE_NEAR(g.spacing[1], 1.6, 1e-12);
    REQUIRE_NEAR(g.spacing[2], 5.0, 1e-12);
    const Vec3 p = source.indexToPhysical(0.5, -0.5, 0);  // the centre of that 2 x 2 block of the padded grid
    for (int k = 0; k < 3; ++k) REQUIRE_NEAR(g.origin[k], p[k], 1e-12);
    REQUIRE_NEAR(g.origin[0], 10 - 0.5 * 0.8, 1e-12);  // index y runs along LPS x here
    REQUIRE_NEAR(g.origin[1], 20 + 0.5 * 0.5, 1e-12);
    REQUIRE(g.direction == source.direction);

    DatasetLayout nnunet;
    nnunet.kind = "nnunet";
    nnunet.datasetId = 7;
    nnunet.name = "Covid_Lungs2";
    REQUIRE(datasetFolder("/raw", nnunet) == "/raw/Dataset007_Covid_Lungs2");
    DatasetLayout monai;
    monai.kind = "monai";
    REQUIRE(datasetFolder("/data/x", monai) == "/data/x");
    nnunet.name = "two words";
    REQUIRE_THROWS_WITH(datasetFolder("/raw", nnunet), "letters, digits and _");
    nnunet.name = "ok";
    nnunet.datasetId = 1000;
    REQUIRE_THROWS_WITH(datasetFolder("/raw", nnunet), "1 to 999");
    DatasetLayout unknown;
    unknown.kind = "coco";
    REQUIRE_THROWS_WITH(datasetFolder("/raw", unknown), "coco");
}

TEST_CASE(SmokeTrainingLowersReconstructionLossAndSynthesizes) {
    TrainingPair pair = realPair(48);
    TempDir t;
    GanConfig c = tinyConfig();
    c.sizes = {32, 48};
    c.stage1Iterations = 40;
    c.stage1DecayStart = 30;
    c.stage2Iterations = 10;
    c.stage2DecayStart = 5;
    c.residual = true;  // the fast preset's form; the other cases train the paper's direct form
    std::vector<double> wpplScale0;
    std::vector<std::string> types;
    TrainOptions o = quietOptions(c, t / "model");
    o.onEvent = [&](const Json& e) {
        types.push_back(e.at("type").asString());
        if (e.stringOr("type", "") == "progress" && e.stringOr("phase", "") == "gan" && e.at("scale").asInt() == 0 && e.at("stage").asInt() == 1)
            wpplScale0.push_back(e.at("loss_wppl").asNumber());
    };
    REQUIRE(train(pair, o) == TrainOutcome::Finished);
    REQUIRE(types.front() == "started" && types.back() == "finished");
    REQUIRE(std::count(types.begin(), types.end(), "notice") == 1);  // VGG off, said plainly
    // Reconstruction of the training slice from its own mask (no randomized condition, no dropout):
    // the trained model must be clearly closer than the same model stopped after 2 iterations.
    GanConfig barely = c;
    barely.stage1Iterations = 2;
    barely.stage1DecayStart = 2;
    barely.stage2Iterations = 1;
    barely.stage2DecayStart = 1;
    TrainOptions ob = quietOptions(barely, t / "barely");
    REQUIRE(train(pair, ob) == TrainOutcome::Finished);
    auto reconstructionError = [&](const std::string& dir) {
        Synthesizer s(dir, "cpu");
        SynthesisOptions o;
        o.randomizedCondition = false;
        auto x = s.synthesize(pair.labels, o);
        double err = 0;
        for (std::size_t i = 0; i < x[0].image.pixels().size(); ++i) err += std::abs(x[0].image.pixels()[i] - pair.image.pixels()[i]);
        return err / static_cast<double>(x[0].image.pixels().size());
    };
    const double trained = reconstructionError(t / "model"), untrained = reconstructionError(t / "barely");
    REQUIRE_MSG(trained < 0.7 * untrained, "mean |error| trained " << trained << " vs 2 iterations " << untrained);
    REQUIRE(!wpplScale0.empty());

    ModelInfo info = readModelInfo(t / "model");
    REQUIRE(info.complete);
    REQUIRE(info.json.at("losses").at("vgg").at("active").asBool() == false);
    REQUIRE(info.json.at("losses").at("unet").at("active").asBool() == true);
    REQUIRE(info.json.at("losses").at("vgg").at("reason").asString().find("VGG19") != std::string::npos);

    Synthesizer synth(t / "model", "cpu");
    REQUIRE(synth.topSize() == 48);
    // The precision is the caller's or this CPU's; a 48 px model has no scale from 128 px, so bf16
    // leaves its pictures as they are.
    {
        Synthesizer inFp32(t / "model", "cpu", {}, "fp32"), inBf16(t / "model", "cpu", {}, "bf16");
        REQUIRE(inFp32.precision() == "fp32");
        REQUIRE(inBf16.precision() == "bf16 autocast from 128 px, fp32 below");
        REQUIRE(synth.precision() == (cpuUsesBf16("auto") ? inBf16.precision() : inFp32.precision()));
        SynthesisOptions clean;
        clean.randomizedCondition = false;
        REQUIRE(inFp32.synthesize(pair.labels, clean).front().image.pixels() == inBf16.synthesize(pair.labels, clean).front().image.pixels());
        REQUIRE_THROWS_WITH(Synthesizer(t / "model", "cpu", {}, "fp16"), "unknown precision");
    }
    SynthesisOptions so;
    so.count = 3;
    so.seed = 11;
    auto samples = synth.synthesize(pair.labels, so);
    REQUIRE(samples.size() == 3);
    REQUIRE(samples[0].image.width() == 48 && samples[0].labels.pixels() == pair.labels.pixels());
    REQUIRE(samples[0].seed == 11 && samples[2].seed == 13);
    REQUIRE(samples[0].image.pixels() != samples[1].image.pixels());  // seeds differ, so samples differ
    // Every scale's stage outputs: coarse to fine, and the last is the clean synthesis itself.
    {
        const auto scales = synth.scaleOutputs(pair.labels);
        REQUIRE(scales.size() == synth.config().sizes.size());
        for (std::size_t k = 0; k < scales.size(); ++k) {
            REQUIRE(scales[k].scale == static_cast<int>(k) && scales[k].size == synth.config().sizes[k]);
            REQUIRE(scales[k].stage1.width() == scales[k].size);
        }
        SynthesisOptions clean;
        clean.randomizedCondition = false;
        const auto self = synth.synthesize(pair.labels, clean).front().image;
        const Slice<float>& last = scales.back().stage2.width() > 0 ? scales.back().stage2 : scales.back().stage1;
        REQUIRE(last.width() == self.width());
        double worst = 0;
        for (std::size_t i = 0; i < last.pixels().size(); ++i) worst = std::max(worst, std::fabs(double(last.pixels()[i]) - self.pixels()[i]));
        REQUIRE(worst < 1e-5);
    }
    // A seed reproduces its sample whatever the count (batches of another size may round differently).
    so.count = 1;
    so.seed = 12;
    auto again = synth.synthesize(pair.labels, so);
    for (std::size_t i = 0; i < again[0].image.pixels().size(); ++i) REQUIRE_NEAR(again[0].image.pixels()[i], samples[1].image.pixels()[i], 1e-4);
    REQUIRE(again[0].image.pixels() != samples[0].image.pixels());
    // Without randomized condition and dropout the result is deterministic.
    so.randomizedCondition = false;
    auto d1 = synth.synthesize(pair.labels, so);
    so.seed = 99;
    auto d2 = synth.synthesize(pair.labels, so);
    REQUIRE(d1[0].image.pixels() == d2[0].image.pixels());
    // Randomized condition with zero magnitudes is the clean condition; the override lasts one call.
    so.randomizedCondition = true;
    so.conditionNoise = std::array<double, 3>{0, 0, 0};
    auto zero = synth.synthesize(pair.labels, so);
    REQUIRE(zero[0].image.pixels() == d1[0].image.pixels());
    so.conditionNoise.reset();
    auto noisy = synth.synthesize(pair.labels, so);
    REQUIRE(noisy[0].image.pixels() != d1[0].image.pixels());
    REQUIRE(synth.config().rcInfection == 32.0);
}

TEST_CASE(ResumeAfterStopGivesTheUninterruptedResult) {
    TrainingPair pair = realPair(48);
    TempDir t;
    GanConfig c = tinyConfig();
    // Resize upsampling and uneven per-scale budgets take the same resume path as the defaults.
    c.upsample = "resize";
    c.iterationFactors = {1.5, 1.0};
    TrainOptions full = quietOptions(c, t / "full");
    REQUIRE(train(pair, full) == TrainOutcome::Finished);

    // Stop in the middle of scale 1, stage 1, after a checkpoint has been written; then resume.
    std::atomic<bool> stop{false};
    TrainOptions part = quietOptions(c, t / "part");
    part.stopRequested = &stop;
    bool sawStopped = false;
    part.onEvent = [&](const Json& e) {
        // The first progress event of scale 1, stage 1 (events are throttled, so not every iteration has one).
        if (e.stringOr("type", "") == "progress" && e.stringOr("phase", "") == "gan" && e.at("scale").asInt() == 1 && e.at("stage").asInt() == 1) stop = true;
        if (e.stringOr("type", "") == "stopped") sawStopped = true;
    };
    REQUIRE(train(pair, part) == TrainOutcome::Stopped);
    REQUIRE(sawStopped);
    REQUIRE(fs::exists(t / "part/checkpoint/state.json"));
    REQUIRE(!readModelInfo(t / "part").complete);
    REQUIRE_THROWS_WITH(Synthesizer(t / "part", "cpu"), "has not finished");

    TrainOptions resume = quietOptions(c, t / "part");
    resume.resume = true;
    REQUIRE(train(TrainingPair{}, resume) == TrainOutcome::Finished);
    for (int s = 0; s < 2; ++s)
        for (int stage = 1; stage <= 2; ++stage) {
            const std::string f = store::scaleFile(s, stage);
            REQUIRE_MSG(bytes(t / ("full/" + f)) == bytes(t / ("part/" + f)), f << " differs after resume");
        }
}

TEST_CASE(AScaleWithoutTheAdversarialTermTrainsNoDiscriminatorAndOnlyThatScaleChanges) {
    TrainingPair pair = realPair(48);
    TempDir t;
    GanConfig with = tinyConfig();
    GanConfig without = with;
    without.adversarialFactors = {1.0, 0.0};
    TrainOptions a = quietOptions(with, t / "with");
    REQUIRE(train(pair, a) == TrainOutcome::Finished);
    TrainOptions b = quietOptions(without, t / "without");
    std::set<int> scalesWithD, scalesWithoutD;
    b.onEvent = [&](const Json& e) {
        if (e.stringOr("type", "") != "progress" || e.stringOr("phase", "") != "gan") return;
        (e.contains("loss_d") && e.contains("loss_g_adv") ? scalesWithD : scalesWithoutD).insert(e.at("scale").asInt());
    };
    REQUIRE(train(pair, b) == TrainOutcome::Finished);
    REQUIRE(scalesWithD == std::set<int>{0});
    REQUIRE(scalesWithoutD == std::set<int>{1});
    requireOnlyScaleOneDiffers(t / "with", t / "without");
    Synthesizer s(t / "without", "cpu");
    REQUIRE(s.synthesize(pair.labels, SynthesisOptions{}).size() == 1);
}

TEST_CASE(UnpairedLayoutsReachTheGeneratorOnlyWhereTheScaleHasADiscriminator) {
    // The term needs a discriminator: scale 0 (none) trains exactly as without it, scale 1 (one) changes
    // and reports the term's loss.
    TrainingPair pair = realPair(48);
    TempDir t;
    GanConfig plain = tinyConfig();
    plain.adversarialFactors = {0.0, 1.0};
    GanConfig unpaired = plain;
    unpaired.unpairedLayoutWeight = 1.0;
    REQUIRE(unpaired.toJson().at("unpaired_layout_weight").asNumber() == 1.0);
    TrainOptions a = quietOptions(plain, t / "plain");
    REQUIRE(train(pair, a) == TrainOutcome::Finished);
    TrainOptions b = quietOptions(unpaired, t / "unpaired");
    std::set<int> scalesWithTerm, scalesWithoutTerm;
    b.onEvent = [&](const Json& e) {
        if (e.stringOr("type", "") != "progress" || e.stringOr("phase", "") != "gan") return;
        const bool term = e.contains("loss_g_adv_unpaired") && std::isfinite(e.at("loss_g_adv_unpaired").asNumber());
        (term ? scalesWithTerm : scalesWithoutTerm).insert(e.at("scale").asInt());
    };
    REQUIRE(train(pair, b) == TrainOutcome::Finished);
    REQUIRE(scalesWithTerm == std::set<int>{1});
    REQUIRE(scalesWithoutTerm == std::set<int>{0});
    requireOnlyScaleOneDiffers(t / "plain", t / "unpaired");
}

TEST_CASE(RealInputTrainsAScaleFromTheSliceItselfNotFromTheCoarserScales) {
    // With every iteration's input the slice itself, scale 1 no longer depends on what scale 0 learnt:
    // two models whose scale 0 trained differently get the same scale 1, bit for bit. Without the
    // option scale 1 learns from scale 0's pictures and differs. (Neither scale inherits the other's
    // weights here: different depths.)
    TrainingPair pair = realPair(48);
    TempDir t;
    GanConfig base = tinyConfig();
    base.generatorDowns = {5, 4};
    base.discriminatorLayers = {2, 3};
    base.realInputProbability = 1.0;
    REQUIRE(base.toJson().at("real_input_probability").asNumber() == 1.0);
    GanConfig longer = base;
    longer.iterationFactors = {2.0, 1.0};
    auto trainInto = [&](const GanConfig& c, const std::string& dir) {
        TrainOptions o = quietOptions(c, t / dir);
        REQUIRE(train(pair, o) == TrainOutcome::Finished);
    };
    trainInto(base, "real");
    trainInto(longer, "real-longer");
    GanConfig cascaded = base, cascadedLonger = longer;
    cascaded.realInputProbability = cascadedLonger.realInputProbability = 0.0;
    trainInto(cascaded, "cascade");
    trainInto(cascadedLonger, "cascade-longer");
    for (int stage = 1; stage <= 2; ++stage) {
        REQUIRE(bytes(t / "real/" + store::scaleFile(0, stage)) != bytes(t / "real-longer/" + store::scaleFile(0, stage)));
        REQUIRE(bytes(t / "real/" + store::scaleFile(1, stage)) == bytes(t / "real-longer/" + store::scaleFile(1, stage)));
        REQUIRE(bytes(t / "cascade/" + store::scaleFile(1, stage)) != bytes(t / "cascade-longer/" + store::scaleFile(1, stage)));
    }
    // Scale 0 has no coarser input: the option leaves it alone.
    for (int stage = 1; stage <= 2; ++stage) REQUIRE(bytes(t / "real/" + store::scaleFile(0, stage)) == bytes(t / "cascade/" + store::scaleFile(0, stage)));
}

TEST_CASE(Bf16TrainingRunsTheScalesFrom128PxInBf16AndSaysSo) {
    // A 64 + 128 px model: bf16 asked for (any CPU can run it, AMX or not), fp32 and auto, each named.
    TrainingPair pair = realPair(128);
    TempDir t;
    GanConfig c = tinyConfig();
    c.sizes = {64, 128};
    c.generatorDowns = {4, 5};
    c.stage1Iterations = 4;
    c.stage1DecayStart = 2;
    c.stage2Iterations = 2;
    c.stage2DecayStart = 1;
    c.unetIterations = 2;
    auto precisionOf = [&](const std::string& request, const std::string& dir) {
        TrainOptions o = quietOptions(c, t / dir);
        o.precision = request;
        std::string started;
        bool finite = true;
        o.onEvent = [&](const Json& e) {
            if (e.stringOr("type", "") == "started") started = e.stringOr("precision", "");
            if (e.stringOr("type", "") == "progress" && e.contains("loss_g_total")) finite = finite && std::isfinite(e.at("loss_g_total").asNumber());
        };
        REQUIRE(train(pair, o) == TrainOutcome::Finished);
        REQUIRE(finite);
        const Json config = readJsonFile(t / dir + "/config.json");
        REQUIRE(config.at("device").at("precision").asString() == started);
        Synthesizer s(t / dir, "cpu");  // synthesis is fp32 whatever the training took
        const auto samples = s.synthesize(pair.labels, SynthesisOptions{});
        REQUIRE(samples.size() == 1);
        return started;
    };
    REQUIRE(precisionOf("bf16", "bf16") == "bf16 autocast from 128 px, fp32 below and in the losses");
    REQUIRE(precisionOf("fp32", "fp32") == "fp32");
    REQUIRE(precisionOf("auto", "auto") == "fp32");  // CoSinGAN takes bf16 only when asked, AMX or not
    // The 64 px scale ran in fp32 in both: its weights are the same.
    for (int stage = 1; stage <= 2; ++stage) REQUIRE(bytes(t / "bf16/" + store::scaleFile(0, stage)) == bytes(t / "fp32/" + store::scaleFile(0, stage)));
    REQUIRE(bytes(t / "bf16/" + store::scaleFile(1, 1)) != bytes(t / "fp32/" + store::scaleFile(1, 1)));
    TrainOptions unknown = quietOptions(c, t / "unknown");
    unknown.precision = "fp16";
    REQUIRE_THROWS_WITH(train(pair, unknown), "unknown precision");
}

TEST_CASE(CorruptTruncatedOrForeignModelsAreRefusedByName) {
    TrainingPair pair = realPair(48);
    TempDir t;
    REQUIRE(train(pair, quietOptions(tinyConfig(), t / "m")) == TrainOutcome::Finished);
    // Truncated weights.
    const std::string w = t / "m/scale1_stage2.pt";
    auto content = bytes(w);
    {
        std::ofstream out(w, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size() / 2));
    }
    REQUIRE_THROWS_WITH(Synthesizer(t / "m", "cpu"), "scale1_stage2.pt");
    // Same size, altered content.
    content[content.size() / 2] ^= 0x5A;
    {
        std::ofstream out(w, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
    }
    REQUIRE_THROWS_WITH(Synthesizer(t / "m", "cpu"), "hash");
    // A foreign config and a truncated config.
    std::ofstream(t / "m/config.json") << "{\"format\": \"something-else\", \"version\": 1}";
    REQUIRE_THROWS_WITH(Synthesizer(t / "m", "cpu"), "not a CoSinGAN model");
    std::ofstream(t / "m/config.json") << "{\"format\": \"cosingan-model\", \"vers";
    REQUIRE_THROWS_WITH(Synthesizer(t / "m", "cpu"), "config.json");
    REQUIRE_THROWS_WITH(Synthesizer(t / "nothing-here", "cpu"), "nothing-here");
}

TEST_CASE(ExistingModelIsNeverOverwrittenWithoutResume) {
    TrainingPair pair = realPair(48);
    TempDir t;
    REQUIRE(train(pair, quietOptions(tinyConfig(), t / "m")) == TrainOutcome::Finished);
    REQUIRE_THROWS_WITH(train(pair, quietOptions(tinyConfig(), t / "m")), "already holds a model");
}

TEST_CASE(NanInALossFailsAndKeepsTheLastCheckpoint) {
    TrainingPair pair = realPair(48);
    TempDir t;
    GanConfig c = tinyConfig();
    c.stage1Lr = 1e30;  // diverges within a few iterations
    c.stage1DecayStart = c.stage1Iterations;
    std::string reason;
    TrainOptions o = quietOptions(c, t / "m");
    o.onEvent = [&](const Json& e) {
        if (e.stringOr("type", "") == "failed") reason = e.at("reason").asString();
    };
    REQUIRE(train(pair, o) == TrainOutcome::Failed);
    REQUIRE_MSG(reason.find("NaN") != std::string::npos || reason.find("infinite") != std::string::npos, reason);
    REQUIRE(fs::exists(t / "m/config.json"));
    REQUIRE(!readModelInfo(t / "m").complete);
}

TEST_CASE(FusionMixesTwoModelsWithAlpha) {
    TrainingPair pair = realPair(48);
    TempDir t;
    GanConfig a = tinyConfig();
    GanConfig b = tinyConfig();
    b.seed = 2;
    REQUIRE(train(pair, quietOptions(a, t / "a")) == TrainOutcome::Finished);
    REQUIRE(train(pair, quietOptions(b, t / "b")) == TrainOutcome::Finished);
    SynthesisOptions so;
    so.randomizedCondition = false;
    so.fusionAlpha = 1.0;
    Synthesizer onlyA(t / "a", "cpu");
    Synthesizer fused(t / "a", "cpu", t / "b");
    REQUIRE(fused.hasSecondModel());
    auto x = onlyA.synthesize(pair.labels, so);
    auto y = fused.synthesize(pair.labels, so);
    for (std::size_t i = 0; i < x[0].image.pixels().size(); ++i) REQUIRE_NEAR(x[0].image.pixels()[i], y[0].image.pixels()[i], 1e-5);
    so.fusionAlpha.reset();
    auto z = fused.synthesize(pair.labels, so);
    REQUIRE(z[0].alpha >= 0.0 && z[0].alpha <= 1.0);
}

TEST_CASE(CudaTrainedModelSynthesizesOnCudaAndOnCpu) {
    // A model trained on a GPU server must open on a CPU-only workstation and give the same pictures.
    if (cudaDeviceCount() == 0) SKIP("no CUDA device visible to this LibTorch");
    TrainingPair pair = realPair(48);
    TempDir t;
    GanConfig c = tinyConfig();
    TrainOptions o = quietOptions(c, t / "model");
    o.device = "cuda";
    std::string device;
    o.onEvent = [&](const Json& e) {
        if (e.stringOr("type", "") == "started") device = e.stringOr("device", "");
    };
    REQUIRE(train(pair, o) == TrainOutcome::Finished);
    REQUIRE_MSG(device.rfind("CUDA", 0) == 0, "started on " << device);
    SynthesisOptions so;
    so.randomizedCondition = false;
    so.count = 2;
    Synthesizer onGpu(t / "model", "cuda");
    Synthesizer onCpu(t / "model", "cpu");
    auto g = onGpu.synthesize(pair.labels, so);
    auto c2 = onCpu.synthesize(pair.labels, so);
    REQUIRE(g.size() == 2 && c2.size() == 2);
    double maxDiff = 0;
    for (std::size_t i = 0; i < g[0].image.pixels().size(); ++i) maxDiff = std::max(maxDiff, double(std::abs(g[0].image.pixels()[i] - c2[0].image.pixels()[i])));
    REQUIRE_MSG(maxDiff < 0.02, "CUDA and CPU synthesis differ by " << maxDiff);
    // Randomized condition draws on the CPU generator, so a seed gives the same sample on either device.
    so.randomizedCondition = true;
    so.seed = 5;
    auto rg = onGpu.synthesize(pair.labels, so);
    auto rc = onCpu.synthesize(pair.labels, so);
    double rcDiff = 0;
    for (std::size_t i = 0; i < rg[0].image.pixels().size(); ++i) rcDiff = std::max(rcDiff, double(std::abs(rg[0].image.pixels()[i] - rc[0].image.pixels()[i])));
    REQUIRE_MSG(rcDiff < 0.02, "seeded samples differ between CUDA and CPU by " << rcDiff);
}

TEST_CASE(UserSuppliedVgg19WeightsTurnTheFeatureLossOn) {
    // A TorchScript file with torchvision's vgg19().features layout, written by Python PyTorch (random
    // weights: the file format and the loss path are what is tested; ImageNet weights are the user's).
    TrainingPair pair = realPair(48);
    TempDir t;
    const std::string file = t / "vgg19_features.pt";
    const std::string script =
        "import torch, torch.nn as nn\n"
        "cfg=[64,64,'M',128,128,'M',256,256,256,256,'M',512,512,512,512,'M',512,512,512,512,'M']\n"
        "layers=[]; c=3\n"
        "for v in cfg:\n"
        "    if v=='M': layers.append(nn.MaxPool2d(2,2))\n"
        "    else: layers += [nn.Conv2d(c,v,3,padding=1), nn.ReLU(inplace=True)]; c=v\n"
        "torch.jit.save(torch.jit.script(nn.Sequential(*layers)), '" + file + "')\n";
    std::ofstream(t / "make_vgg.py") << script;
    if (std::system(("/usr/bin/python3 " + (t / "make_vgg.py") + " 2>/dev/null").c_str()) != 0) SKIP("/usr/bin/python3 with torch is needed to write the file");
    GanConfig c = tinyConfig();
    c.vggWeights = file;
    double vggLoss = 0;
    bool notice = false;
    TrainOptions o = quietOptions(c, t / "m");
    o.onEvent = [&](const Json& e) {
        if (e.stringOr("type", "") == "notice") notice = true;
        if (e.stringOr("type", "") == "progress" && e.stringOr("phase", "") == "gan") vggLoss = e.at("loss_vgg").asNumber();
    };
    REQUIRE(train(pair, o) == TrainOutcome::Finished);
    REQUIRE(!notice);
    REQUIRE(vggLoss > 0);
    REQUIRE(readModelInfo(t / "m").json.at("losses").at("vgg").at("active").asBool());
    // A file of another architecture is refused, naming it.
    GanConfig bad = tinyConfig();
    bad.vggWeights = t / "m/scale0_stage1.pt";
    REQUIRE_THROWS_WITH(train(pair, quietOptions(bad, t / "m2")), "scale0_stage1.pt");
}

int main(int argc, char** argv) {
    torch::set_num_threads(1);
    return minitest::runAll(argc, argv);
}
