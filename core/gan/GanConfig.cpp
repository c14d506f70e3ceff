#include "gan/GanConfig.h"

#include <cmath>
#include <set>
#include <stdexcept>

namespace ctsw::gan {

GanConfig GanConfig::fromPreset(const std::string& name) {
    GanConfig c;
    c.preset = name;
    if (name == "paper") return c;
    if (name == "fast") {
        // Chosen by measurement on 2 CPU cores (docs/cosingan.md): narrower networks, top scale 256,
        // about a tenth of the paper's iterations; trains in under 20 minutes. With so few iterations
        // the paper's rates and augmentation leave the slice unlearnt (self SSIM 0.45 at 128 px): five
        // times the rate, half the batches unaugmented, every class weighted alike and the direct form
        // give 0.87, and the body label keeps the air and the table where they are. Pasting the slice's
        // infection onto its healthy lung makes a painted lesion look like infection, not lung; pasting
        // small discs of it rather than all of it teaches the finer scales to carry a lesion the
        // coarsest scale sees as one or two pixels (a painted disc 26 grey below the real infection's
        // mean with whole pastes, 24 with half of them pieces, 17 with pieces only).
        // The two finest scales train without the adversarial term: in 400 iterations the
        // discriminator wins there and the generator answers with grain that is not in the slice (the
        // 192 px output was further from the slice than its own input upsampled: SSIM 0.76 against
        // 0.84; 0.90 without the term). The 256 px generator has 6 downsamplings, like the 192 px one,
        // so it starts from that scale's weights instead of from scratch (self SSIM 0.82 -> 0.90).
        c.sizes = {32, 48, 64, 96, 128, 192, 256};
        c.generatorDowns = {4, 4, 5, 5, 6, 6, 6};
        c.discriminatorLayers = {3, 3, 4, 4, 5, 5, 6};
        c.adversarialFactors = {1, 1, 1, 1, 1, 0, 0};
        c.ngf = 16;
        c.ndf = 16;
        c.residual = false;
        c.stage1Lr = 1e-3;
        c.stage2Lr = 5e-4;
        c.classWeights = {1.0, 1.0, 1.0};
        c.noAugmentProbability = 0.5;
        c.bodyCondition = true;
        c.lesionPasteProbability = 1.0;
        c.lesionPieceProbability = 1.0;
        c.stage1Iterations = 400;
        c.stage1DecayStart = 200;
        c.stage2Iterations = 200;
        c.stage2DecayStart = 100;
        c.unetIterations = 300;
        c.unetSize = 128;
        c.unetWidth = 8;
        c.checkpointEvery = 100;
        return c;
    }
    if (name == "standard") {
        // fast with twice the iterations, the best point of the measured quality-vs-time curve
        // (docs/cosingan.md): self SSIM +0.035 on a MedSeg slice for about twice the minutes.
        c = fromPreset("fast");
        c.preset = name;
        c.stage1Iterations *= 2;
        c.stage1DecayStart *= 2;
        c.stage2Iterations *= 2;
        c.stage2DecayStart *= 2;
        return c;
    }
    if (name == "smoke") {
        // Seconds, for tests: two tiny scales.
        c.sizes = {32, 48};
        c.generatorDowns = {4, 4};
        c.discriminatorLayers = {3, 3};
        c.ngf = 8;
        c.ndf = 8;
        c.stage1Iterations = 12;
        c.stage1DecayStart = 6;
        c.stage2Iterations = 6;
        c.stage2DecayStart = 3;
        c.batch = 2;
        c.batchLargest = 2;
        c.unetIterations = 10;
        c.unetSize = 64;
        c.unetWidth = 8;
        c.checkpointEvery = 5;
        return c;
    }
    throw std::invalid_argument("unknown preset \"" + name + "\" (use fast, standard, paper or smoke)");
}

void GanConfig::validate() const {
    auto fail = [](const std::string& m) { throw std::invalid_argument("config: " + m); };
    if (sizes.empty()) fail("no scales");
    if (generatorDowns.size() != sizes.size()) fail("generator_downs needs one entry per scale");
    if (discriminatorLayers.size() != sizes.size()) fail("discriminator_layers needs one entry per scale");
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        const int s = sizes[i], d = generatorDowns[i], k = discriminatorLayers[i];
        if (i > 0 && s <= sizes[i - 1]) fail("sizes must increase");
        if (d < 2) fail("generator_downs must be at least 2");
        if (s % (1 << d) != 0 || s / (1 << d) < 1)
            fail("size " + std::to_string(s) + " is not divisible by 2^" + std::to_string(d) + " (generator downsamplings)");
        if (k < 1) fail("discriminator_layers must be at least 1");
        // Each stride-2 layer halves the map; the two stride-1 4x4 layers take 1 pixel each.
        if (s / (1 << k) - 2 < 1)
            fail("discriminator with " + std::to_string(k) + " strided layers has no output at size " + std::to_string(s));
    }
    if (ngf < 1 || ndf < 1) fail("ngf and ndf must be positive");
    if (norm != "batch" && norm != "instance") fail("norm must be batch or instance");
    if (upsample != "transpose" && upsample != "resize") fail("upsample must be transpose or resize");
    if (stage1Iterations < 1 || stage2Iterations < 0) fail("iterations must be positive");
    if (batch < 1 || batchLargest < 1) fail("batch must be positive");
    if (!(huHigh > huLow)) fail("hu_high must exceed hu_low");
    if (strongCropMin <= 0 || strongCropMin > 1 || weakCropMin <= 0 || weakCropMin > 1) fail("crop fractions must be in (0, 1]");
    if (dropout < 0 || dropout >= 1) fail("dropout must be in [0, 1)");
    if (noAugmentProbability < 0 || noAugmentProbability > 1) fail("no_augment_probability must be in [0, 1]");
    if (lesionPasteProbability < 0 || lesionPasteProbability > 1) fail("lesion_paste_probability must be in [0, 1]");
    if (lesionPieceProbability < 0 || lesionPieceProbability > 1) fail("lesion_piece_probability must be in [0, 1]");
    if (!(unpairedLayoutWeight >= 0) || unpairedLayoutWeight > 100) fail("unpaired_layout_weight must be in [0, 100]");
    if (!(realInputProbability >= 0) || realInputProbability > 1) fail("real_input_probability must be in [0, 1]");
    if (checkpointEvery < 1) fail("checkpoint_every must be positive");
    if (!iterationFactors.empty() && iterationFactors.size() != sizes.size()) fail("iteration_factors needs one entry per scale");
    for (double f : iterationFactors)
        if (!(f > 0) || f > 100) fail("iteration_factors must be in (0, 100]");
    if (!adversarialFactors.empty() && adversarialFactors.size() != sizes.size())
        fail("adversarial_factors needs one entry per scale (" + std::to_string(adversarialFactors.size()) + " for " + std::to_string(sizes.size()) +
             " scales; a config that changes sizes gives it too, or [] for the full adversarial term everywhere)");
    for (double f : adversarialFactors)
        if (!(f >= 0) || f > 100) fail("adversarial_factors must be in [0, 100]");
}

namespace {
int scaled(int n, const std::vector<double>& factors, int scale) {
    if (scale < 0 || static_cast<std::size_t>(scale) >= factors.size()) return n;
    return static_cast<int>(std::lround(n * factors[static_cast<std::size_t>(scale)]));
}
}  // namespace

int GanConfig::iterationsAt(int scale, int stage) const { return scaled(stage == 1 ? stage1Iterations : stage2Iterations, iterationFactors, scale); }
double GanConfig::adversarialWeightAt(int scale) const {
    if (scale < 0 || static_cast<std::size_t>(scale) >= adversarialFactors.size()) return weightAdversarial;
    return weightAdversarial * adversarialFactors[static_cast<std::size_t>(scale)];
}
int GanConfig::decayStartAt(int scale, int stage) const { return scaled(stage == 1 ? stage1DecayStart : stage2DecayStart, iterationFactors, scale); }

Json GanConfig::toJson() const {
    Json j = Json::object();
    j.set("preset", preset);
    j.set("sizes", Json::arrayOf(sizes));
    j.set("generator_downs", Json::arrayOf(generatorDowns));
    j.set("discriminator_layers", Json::arrayOf(discriminatorLayers));
    j.set("ngf", ngf);
    j.set("ndf", ndf);
    j.set("norm", norm);
    j.set("upsample", upsample);
    j.set("body_condition", bodyCondition);
    j.set("residual", residual);
    if (inheritOuterLevels) j.set("inherit_outer_levels", true);  // absent: false, as in folders made before it
    j.set("stage1_iterations", stage1Iterations);
    j.set("stage1_decay_start", stage1DecayStart);
    j.set("stage1_lr", stage1Lr);
    j.set("stage2_iterations", stage2Iterations);
    j.set("stage2_decay_start", stage2DecayStart);
    j.set("stage2_lr", stage2Lr);
    if (!iterationFactors.empty()) j.set("iteration_factors", Json::arrayOf(iterationFactors));
    j.set("batch", batch);
    j.set("batch_largest", batchLargest);
    j.set("large_size", largeSize);
    j.set("beta1", beta1);
    j.set("beta2", beta2);
    j.set("weight_adversarial", weightAdversarial);
    if (!adversarialFactors.empty()) j.set("adversarial_factors", Json::arrayOf(adversarialFactors));
    j.set("unpaired_layout_weight", unpairedLayoutWeight);
    j.set("real_input_probability", realInputProbability);
    j.set("weight_wppl", weightWppl);
    j.set("weight_msssim", weightMsssim);
    j.set("weight_vgg", weightVgg);
    j.set("weight_unet", weightUnet);
    j.set("class_weights", Json::arrayOf(classWeights));
    j.set("vgg_weights", vggWeights);
    j.set("unet_weights", unetWeights);
    j.set("unet_iterations", unetIterations);
    j.set("unet_size", unetSize);
    j.set("unet_width", unetWidth);
    j.set("strong_crop_min", strongCropMin);
    j.set("weak_crop_min", weakCropMin);
    j.set("strong_rotation_deg", strongRotationDeg);
    j.set("weak_rotation_deg", weakRotationDeg);
    j.set("elastic_alpha", elasticAlpha);
    j.set("elastic_sigma", elasticSigma);
    j.set("vertical_flip", verticalFlip);
    j.set("no_augment_probability", noAugmentProbability);
    j.set("lesion_paste_probability", lesionPasteProbability);
    j.set("lesion_piece_probability", lesionPieceProbability);
    j.set("rc_background", rcBackground);
    j.set("rc_lung", rcLung);
    j.set("rc_infection", rcInfection);
    j.set("dropout", dropout);
    j.set("rc_while_training", rcWhileTraining);
    j.set("hu_low", huLow);
    j.set("hu_high", huHigh);
    j.set("checkpoint_every", checkpointEvery);
    j.set("seed", static_cast<double>(seed));
    return j;
}

namespace {
std::vector<int> ints(const Json& j) {
    std::vector<int> v;
    for (const auto& e : j.asArray()) v.push_back(e.asInt());
    return v;
}
}  // namespace

void GanConfig::applyJson(const Json& j) {
    if (!j.isObject()) throw std::invalid_argument("config must be a JSON object");
    for (const auto& [key, v] : j.asObject()) {
        try {
            if (key == "preset") preset = v.asString();
            else if (key == "sizes") sizes = ints(v);
            else if (key == "generator_downs") generatorDowns = ints(v);
            else if (key == "discriminator_layers") discriminatorLayers = ints(v);
            else if (key == "ngf") ngf = v.asInt();
            else if (key == "ndf") ndf = v.asInt();
            else if (key == "norm") norm = v.asString();
            else if (key == "upsample") upsample = v.asString();
            else if (key == "body_condition") bodyCondition = v.asBool();
            else if (key == "residual") residual = v.asBool();
            else if (key == "inherit_outer_levels") inheritOuterLevels = v.asBool();
            else if (key == "stage1_iterations") stage1Iterations = v.asInt();
            else if (key == "stage1_decay_start") stage1DecayStart = v.asInt();
            else if (key == "stage1_lr") stage1Lr = v.asNumber();
            else if (key == "stage2_iterations") stage2Iterations = v.asInt();
            else if (key == "stage2_decay_start") stage2DecayStart = v.asInt();
            else if (key == "stage2_lr") stage2Lr = v.asNumber();
            else if (key == "iteration_factors") { iterationFactors.clear(); for (std::size_t i = 0; i < v.size(); ++i) iterationFactors.push_back(v[i].asNumber()); }
            else if (key == "batch") batch = v.asInt();
            else if (key == "batch_largest") batchLargest = v.asInt();
            else if (key == "large_size") largeSize = v.asInt();
            else if (key == "beta1") beta1 = v.asNumber();
            else if (key == "beta2") beta2 = v.asNumber();
            else if (key == "weight_adversarial") weightAdversarial = v.asNumber();
            else if (key == "adversarial_factors") { adversarialFactors.clear(); for (std::size_t i = 0; i < v.size(); ++i) adversarialFactors.push_back(v[i].asNumber()); }
            else if (key == "weight_wppl") weightWppl = v.asNumber();
            else if (key == "weight_msssim") weightMsssim = v.asNumber();
            else if (key == "weight_vgg") weightVgg = v.asNumber();
            else if (key == "weight_unet") weightUnet = v.asNumber();
            else if (key == "class_weights") { for (int i = 0; i < 3; ++i) classWeights[static_cast<std::size_t>(i)] = v[static_cast<std::size_t>(i)].asNumber(); }
            else if (key == "vgg_weights") vggWeights = v.asString();
            else if (key == "unet_weights") unetWeights = v.asString();
            else if (key == "unet_iterations") unetIterations = v.asInt();
            else if (key == "unet_size") unetSize = v.asInt();
            else if (key == "unet_width") unetWidth = v.asInt();
            else if (key == "strong_crop_min") strongCropMin = v.asNumber();
            else if (key == "weak_crop_min") weakCropMin = v.asNumber();
            else if (key == "strong_rotation_deg") strongRotationDeg = v.asNumber();
            else if (key == "weak_rotation_deg") weakRotationDeg = v.asNumber();
            else if (key == "elastic_alpha") elasticAlpha = v.asNumber();
            else if (key == "elastic_sigma") elasticSigma = v.asNumber();
            else if (key == "vertical_flip") verticalFlip = v.asBool();
            else if (key == "no_augment_probability") noAugmentProbability = v.asNumber();
            else if (key == "lesion_paste_probability") lesionPasteProbability = v.asNumber();
            else if (key == "lesion_piece_probability") lesionPieceProbability = v.asNumber();
            else if (key == "unpaired_layout_weight") unpairedLayoutWeight = v.asNumber();
            else if (key == "real_input_probability") realInputProbability = v.asNumber();
            else if (key == "rc_background") rcBackground = v.asNumber();
            else if (key == "rc_lung") rcLung = v.asNumber();
            else if (key == "rc_infection") rcInfection = v.asNumber();
            else if (key == "dropout") dropout = v.asNumber();
            else if (key == "rc_while_training") rcWhileTraining = v.asBool();
            else if (key == "hu_low") huLow = v.asNumber();
            else if (key == "hu_high") huHigh = v.asNumber();
            else if (key == "checkpoint_every") checkpointEvery = v.asInt();
            else if (key == "seed") seed = static_cast<std::uint64_t>(v.asNumber());
            else throw std::invalid_argument("unknown key");
        } catch (const std::exception& e) {
            throw std::invalid_argument("config key \"" + key + "\": " + e.what());
        }
    }
}

}  // namespace ctsw::gan
