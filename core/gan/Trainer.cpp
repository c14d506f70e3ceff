// CoSinGAN training: coarse to fine, two stages per scale, mixed reconstruction loss, checkpoints,
// resume, stop and failure handling. See docs/cosingan.md for the decisions behind each step.
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>

#include "gan/Augment.h"
#include "gan/Cascade.h"
#include "gan/Checkpoint.h"
#include "gan/Engine.h"
#include "gan/Losses.h"
#include "gan/Precision.h"
#include "io/Npy.h"
#include "mask/LungMask.h"

namespace fs = std::filesystem;

namespace ctsw::gan {

namespace {

using Clock = std::chrono::steady_clock;

// Every iteration draws from a seed of its own, so a resumed run repeats the uninterrupted one.
void seedFor(std::uint64_t base, int scale, int stage, int iteration) {
    std::uint64_t h = base * 0x9E3779B97F4A7C15ull;
    for (std::uint64_t v : {static_cast<std::uint64_t>(scale + 1), static_cast<std::uint64_t>(stage + 1), static_cast<std::uint64_t>(iteration + 2)}) {
        h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    }
    torch::manual_seed(h & 0x7FFFFFFFFFFFull);
}

double learningRate(double base, int iteration, int total, int decayStart) {
    if (iteration < decayStart || total <= decayStart) return base;
    return base * std::max(0.0, 1.0 - static_cast<double>(iteration - decayStart) / static_cast<double>(total - decayStart));
}

void setLr(torch::optim::Adam& opt, double lr) {
    for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

void setRequiresGrad(torch::nn::Module& m, bool on) {
    for (auto& p : m.parameters()) p.set_requires_grad(on);
}

torch::Tensor bceWithLogits(const torch::Tensor& logits, float target) {
    return torch::binary_cross_entropy_with_logits(logits, torch::full_like(logits, target));
}


class Trainer {
public:
    Trainer(const TrainingPair& pair, const TrainOptions& options) : pair_(pair), options_(options), dir_(options.modelDir) {}

    TrainOutcome run();

private:
    void emit(Json event) {
        if (options_.onEvent) options_.onEvent(event);
    }
    [[noreturn]] void failInput(const std::string& msg) { throw std::invalid_argument(msg); }
    std::string path(const std::string& file) const { return (fs::path(dir_) / file).string(); }

    void prepareFolder();
    void writeModelJson();
    void recordWeight(const std::string& file) { weights_.set(file, store::weightRecord(path(file))); }
    void saveWeights(torch::nn::Module& m, const std::string& file) {
        store::saveModule(m, path(file));
        recordWeight(file);
    }
    void prepareFeatureNetworks();
    void trainFeatureUNet();
    // Returns false when stopped or failed (outcome_ set).
    bool trainStage(int scale, int stage);
    void checkpoint(int scale, int stage, int iteration, torch::nn::Module& g, torch::nn::Module& d, torch::optim::Adam& og, torch::optim::Adam& od);
    std::pair<torch::Tensor, torch::Tensor> augmentedBatch(int scale, int stage, int batch);
    std::pair<torch::Tensor, torch::Tensor> unpairedLayouts(int batch);
    // Relative cost of one iteration at a scale: pixels plus a fixed per-iteration overhead (about a
    // 74 px image's worth on CPU, from bench_gan), so early ETAs are not inflated by small scales.
    double costOf(int scale) const { const double s = cfg().sizes[static_cast<std::size_t>(scale)]; return s * s + 5500.0; }
    const GanConfig& cfg() const { return cascade_->config(); }

    TrainingPair pair_;
    TrainOptions options_;
    std::string dir_;
    std::unique_ptr<Cascade> cascade_;
    torch::Device device_{torch::kCPU};
    bool bf16_ = false;  // bf16 autocast for the scales from kBf16MinSize (CPU only)
    torch::Tensor image_, labels_;  // [1,1,T,T]
    Json weights_ = Json::object();
    Json losses_ = Json::object();
    Json progress_ = Json::object();
    Json provenance_ = Json::object();
    Json deviceJson_;
    bool complete_ = false;
    Vgg19Features vgg_{nullptr};
    SegUNet unet_{nullptr};
    PatchDiscriminator lastD_{nullptr};
    TrainOutcome outcome_ = TrainOutcome::Finished;
    // Progress over the whole schedule.
    double costTotal_ = 0, costDone_ = 0, costAtStart_ = 0;
    long long iterationsTotal_ = 0, iterationsDone_ = 0;
    Clock::time_point started_ = Clock::now();
    const Clock::time_point runStarted_ = Clock::now();
    Clock::time_point lastEvent_{};
    std::map<std::string, double> lastLosses_;
};

void Trainer::prepareFolder() {
    fs::create_directories(dir_);
    Json existing;
    const bool hasConfig = fs::exists(path("config.json"));
    if (options_.resume) {
        if (!hasConfig) failInput(path("config.json") + ": missing; nothing to resume in " + dir_ + " (training stopped before its first save: start it again without --resume)");
        existing = store::readModelJson(dir_);
        GanConfig stored = GanConfig::fromPreset("paper");
        stored.applyJson(existing.at("config"));
        cascade_ = std::make_unique<Cascade>(stored, device_);
        weights_ = existing.at("weights");
        progress_ = existing.at("progress");
        losses_ = existing.at("losses");
        provenance_ = existing.at("provenance");
        complete_ = existing.boolOr("complete", false);
        // The training pair stored with the model makes the resumed run use exactly the same input.
        NpyArray img = readNpy(path("training_image.npy"));
        NpyArray lab = readNpy(path("training_labels.npy"));
        const int t = stored.topSize();
        if (img.values.size() != static_cast<std::size_t>(t) * t || lab.values.size() != img.values.size())
            failInput(path("training_image.npy") + ": does not match the model's top size " + std::to_string(t));
        pair_.image = Slice<float>(t, t);
        pair_.labels = LabelSlice(t, t);
        for (std::size_t i = 0; i < img.values.size(); ++i) {
            pair_.image.pixels()[i] = static_cast<float>(img.values[i]);
            pair_.labels.pixels()[i] = static_cast<std::uint8_t>(lab.values[i]);
        }
    } else {
        if (hasConfig) failInput(dir_ + ": already holds a model; use --resume to continue it, or choose another folder");
        options_.config.validate();
        cascade_ = std::make_unique<Cascade>(options_.config, device_);
        const int t = cfg().topSize();
        if (pair_.image.width() != t || pair_.image.height() != t || pair_.labels.width() != t)
            failInput("training pair must be " + std::to_string(t) + "x" + std::to_string(t) + " (use prepareTrainingPair)");
        if (cfg().bodyCondition) {
            // The body outline is taken from the prepared (padded, resized) slice, so padding is outside.
            const bool hu = !pair_.provenance.contains("values_are_hu") || pair_.provenance.at("values_are_hu").asBool();
            markOutsideBody(pair_.labels, mask::bodyOutline(pair_.image, mask::bodyThreshold(hu, cfg().huLow, cfg().huHigh)));
        }
        std::vector<float> labF(pair_.labels.pixels().begin(), pair_.labels.pixels().end());
        writeNpyFloat32(path("training_image.npy"), {static_cast<std::size_t>(t), static_cast<std::size_t>(t)}, pair_.image.pixels());
        writeNpyFloat32(path("training_labels.npy"), {static_cast<std::size_t>(t), static_cast<std::size_t>(t)}, labF);
        provenance_ = pair_.provenance;
        progress_.set("next_scale", 0);
        progress_.set("next_stage", 1);
    }
    const int t = cfg().topSize();
    image_ = imageToTensor(pair_.image.pixels(), t, device_);
    labels_ = labelsToTensor(pair_.labels.pixels(), t, device_);
}

void Trainer::writeModelJson() {
    Json j = Json::object();
    j.set("format", "cosingan-model");
    j.set("version", kConfigVersion);
    j.set("config", cfg().toJson());
    j.set("losses", losses_);
    j.set("provenance", provenance_);
    j.set("device", deviceJson_);
    j.set("progress", progress_);
    j.set("complete", complete_);
    j.set("weights", weights_);
    store::writeTextAtomically(path("config.json"), j.dump(2) + "\n");
}

void Trainer::prepareFeatureNetworks() {
    const GanConfig& c = cfg();
    Json wppl = Json::object();
    wppl.set("active", c.weightWppl > 0);
    wppl.set("weight", c.weightWppl);
    wppl.set("class_weights", Json::arrayOf(c.classWeights));
    losses_.set("wppl", wppl);
    Json ms = Json::object();
    ms.set("active", c.weightMsssim > 0);
    ms.set("weight", c.weightMsssim);
    losses_.set("msssim", ms);

    Json vgg = Json::object();
    vgg.set("weight", c.weightVgg);
    if (c.weightVgg <= 0) {
        vgg.set("active", false);
        vgg.set("reason", "weight_vgg is 0");
    } else if (c.vggWeights.empty()) {
        vgg.set("active", false);
        vgg.set("reason", "no VGG19 weights file given (vgg_weights); ImageNet weights cannot be downloaded by this tool, so MS-FVL is off");
    } else {
        vgg_ = Vgg19Features();
        try {
            store::loadModule(*vgg_, c.vggWeights);
        } catch (const std::exception& e) {
            failInput(std::string("VGG19 weights: ") + e.what());
        }
        vgg_->to(device_);
        vgg_->eval();
        setRequiresGrad(*vgg_, false);
        vgg.set("active", true);
        vgg.set("file", c.vggWeights);
    }
    losses_.set("vgg", vgg);
    if (!vgg.at("active").asBool()) {
        Json notice = Json::object();
        notice.set("type", "notice");
        notice.set("message", "MS-FVL (VGG19 feature loss) is off: " + vgg.at("reason").asString());
        emit(notice);
    }

    Json unet = losses_.contains("unet") ? losses_.at("unet") : Json::object();
    unet.set("weight", c.weightUnet);
    if (c.weightUnet <= 0) {
        unet.set("active", false);
        unet.set("reason", "weight_unet is 0");
    } else {
        unet_ = SegUNet(c.unetWidth);
        unet_->to(device_);
        if (!c.unetWeights.empty()) {
            try {
                store::loadModule(*unet_, c.unetWeights);
            } catch (const std::exception& e) {
                failInput(std::string("feature U-Net weights: ") + e.what());
            }
            unet.set("source", "file " + c.unetWeights);
        } else if (fs::exists(path("feature_unet.pt"))) {
            store::verifyWeightFile(dir_, store::readModelJson(dir_), "feature_unet.pt");
            store::loadModule(*unet_, path("feature_unet.pt"));
        } else {
            trainFeatureUNet();
            saveWeights(*unet_, "feature_unet.pt");
            unet.set("source", "trained on the training slice with strong augmentation, " + std::to_string(c.unetIterations) + " iterations");
        }
        unet_->eval();
        setRequiresGrad(*unet_, false);
        unet.set("active", true);
    }
    losses_.set("unet", unet);
}

void Trainer::trainFeatureUNet() {
    // A segmentation U-Net learned from the single slice itself keeps the single-image promise.
    const GanConfig& c = cfg();
    seedFor(c.seed, -1, 0, -1);
    initWeights(*unet_);
    unet_->train();
    torch::optim::Adam opt(unet_->parameters(), torch::optim::AdamOptions(1e-3));
    AugmentStrength strong{true, c.strongCropMin, c.strongRotationDeg, true, c.verticalFlip, c.elasticAlpha, c.elasticSigma, c.bodyCondition ? kOutsideBody : 0.0f};
    auto classWeights = torch::tensor({0.1, 1.0, 5.0}, image_.options());
    for (int it = 0; it < c.unetIterations; ++it) {
        seedFor(c.seed, -1, 0, it);
        // Augmenting at the U-Net's own size costs a fraction of augmenting at the top size.
        auto [img, lab] = augment(resizeImage(image_, c.unetSize).expand({4, 1, -1, -1}).contiguous(),
                                  resizeLabels(labels_, c.unetSize).expand({4, 1, -1, -1}).contiguous(), strong);
        auto logits = unet_->forward(img);
        // The feature U-Net segments the product's three classes: outside the body is background.
        auto target = lab.squeeze(1).round().to(torch::kLong);
        target = torch::where(target == kOutsideBody, torch::zeros_like(target), target);
        auto ce = torch::nn::functional::cross_entropy(logits, target, torch::nn::functional::CrossEntropyFuncOptions().weight(classWeights));
        auto prob = torch::softmax(logits, 1);
        auto onehot = torch::one_hot(target, 3).permute({0, 3, 1, 2}).to(prob.dtype());
        auto dice = 1 - (2 * (prob * onehot).sum({0, 2, 3}) + 1) / (prob.sum({0, 2, 3}) + onehot.sum({0, 2, 3}) + 1);
        auto loss = ce + dice.mean();
        opt.zero_grad();
        loss.backward();
        opt.step();
        if (it % 20 == 0 || it + 1 == c.unetIterations) {
            Json e = Json::object();
            e.set("type", "progress");
            e.set("phase", "feature-unet");
            e.set("iteration", it + 1);
            e.set("iterations_total", c.unetIterations);
            e.set("unet_segmentation_loss", loss.item<double>());
            emit(e);
        }
        if (options_.stopRequested && options_.stopRequested->load()) break;  // a stopped run retrains it on resume
    }
}

std::pair<torch::Tensor, torch::Tensor> Trainer::augmentedBatch(int scale, int stage, int batch) {
    const GanConfig& c = cfg();
    auto img = image_.expand({batch, 1, -1, -1}).contiguous();
    auto lab = labels_.expand({batch, 1, -1, -1}).contiguous();
    const double u = torch::rand({1}).item<double>();
    const double v = torch::rand({1}).item<double>();
    if (u < c.noAugmentProbability) return {img, lab};
    // Stage 1 uses strong augmentation with a probability that falls from 1 at the coarsest scale to
    // 0 at the finest; stage 2 (restoration of details) always uses weak augmentation.
    const int n = c.scaleCount();
    const double pStrong = n <= 1 ? 1.0 : 1.0 - static_cast<double>(scale) / (n - 1);
    const bool strong = stage == 1 && v < pStrong;
    AugmentStrength s;
    s.cropMin = strong ? c.strongCropMin : c.weakCropMin;
    s.rotationDeg = strong ? c.strongRotationDeg : c.weakRotationDeg;
    s.verticalFlip = c.verticalFlip;
    s.elasticAlpha = strong ? c.elasticAlpha : 0.0;
    s.elasticSigma = c.elasticSigma;
    s.labelFill = c.bodyCondition ? kOutsideBody : 0.0f;
    std::tie(img, lab) = pasteLesions(img, lab, c.lesionPasteProbability, c.lesionPieceProbability);
    return augment(img, lab, s);
}

std::pair<torch::Tensor, torch::Tensor> Trainer::unpairedLayouts(int batch) {
    // Deformations far beyond the paired ones (smooth displacements of up to 120 px at 512 over 32 px,
    // the scale of a lobe rather than a vessel), with the slice's lesions moved about as in pairing:
    // masks unlike the slice's own, as a mask from another slice is.
    const GanConfig& c = cfg();
    auto img = image_.expand({batch, 1, -1, -1}).contiguous();
    auto lab = labels_.expand({batch, 1, -1, -1}).contiguous();
    std::tie(img, lab) = pasteLesions(img, lab, c.lesionPasteProbability, c.lesionPieceProbability);
    AugmentStrength s;
    s.cropMin = c.strongCropMin;
    s.rotationDeg = c.strongRotationDeg;
    s.verticalFlip = c.verticalFlip;
    s.elasticAlpha = std::max(120.0, c.elasticAlpha);
    s.elasticSigma = std::max(32.0, c.elasticSigma);
    s.labelFill = c.bodyCondition ? kOutsideBody : 0.0f;
    return augment(img, lab, s);
}

void Trainer::checkpoint(int scale, int stage, int iteration, torch::nn::Module& g, torch::nn::Module& d, torch::optim::Adam& og, torch::optim::Adam& od) {
    CheckpointFolder(path("checkpoint")).save(scale, stage, iteration, ganCheckpointParts(g, d, og, od));
    Json e = Json::object();
    e.set("type", "checkpoint");
    e.set("scale", scale);
    e.set("stage", stage);
    e.set("iteration", iteration);
    e.set("path", path("checkpoint"));
    emit(e);
}

bool Trainer::trainStage(int s, int stage) {
    const GanConfig& c = cfg();
    const int size = c.sizes[static_cast<std::size_t>(s)];
    const int total = c.iterationsAt(s, stage);
    const int decay = c.decayStartAt(s, stage);
    const double baseLr = stage == 1 ? c.stage1Lr : c.stage2Lr;
    const int batch = c.batchFor(size);
    auto& nets = cascade_->scales()[static_cast<std::size_t>(s)];

    // Initialise: stage 1 from the previous scale where shapes allow; stage 2 as a copy of stage 1.
    seedFor(c.seed, s, stage, -1);
    UNetGenerator g = cascade_->makeGenerator(s);
    PatchDiscriminator d = cascade_->makeDiscriminator(s);
    initWeights(*g);
    initWeights(*d);
    if (stage == 1) {
        if (s > 0) {
            auto& prev = cascade_->scales()[static_cast<std::size_t>(s - 1)];
            if (c.inheritOuterLevels || c.generatorDowns[static_cast<std::size_t>(s)] == c.generatorDowns[static_cast<std::size_t>(s - 1)])
                copyMatchingState(prev.stage2 ? *prev.stage2 : *prev.stage1, *g);
            if (lastD_ && c.discriminatorLayers[static_cast<std::size_t>(s)] == c.discriminatorLayers[static_cast<std::size_t>(s - 1)])
                copyMatchingState(*lastD_, *d);
        }
    } else {
        copyMatchingState(*nets.stage1, *g);
        if (lastD_) copyMatchingState(*lastD_, *d);
    }
    g->to(device_);
    d->to(device_);
    torch::optim::Adam optG(g->parameters(), torch::optim::AdamOptions(baseLr).betas({c.beta1, c.beta2}));
    torch::optim::Adam optD(d->parameters(), torch::optim::AdamOptions(baseLr).betas({c.beta1, c.beta2}));

    int start = 0;
    const std::optional<int> resumedAt = CheckpointFolder(path("checkpoint")).load(s, stage, ganCheckpointParts(*g, *d, optG, optD), [&](const std::string& message) {
        Json e = Json::object();
        e.set("type", "notice");
        e.set("message", message);
        emit(e);
    });
    if (resumedAt) start = *resumedAt;
    iterationsDone_ += start;
    costDone_ += start * costOf(s);
    costAtStart_ = costDone_;
    started_ = Clock::now();

    g->train();
    d->train();
    for (int it = start; it < total; ++it) {
        if (options_.stopRequested && options_.stopRequested->load()) {
            checkpoint(s, stage, it, *g, *d, optG, optD);
            Json e = Json::object();
            e.set("type", "stopped");
            e.set("scale", s);
            e.set("stage", stage);
            e.set("iteration", it);
            e.set("path", dir_);
            emit(e);
            outcome_ = TrainOutcome::Stopped;
            return false;
        }
        seedFor(c.seed, s, stage, it);
        const double lr = learningRate(baseLr, it, total, decay);
        setLr(optG, lr);
        setLr(optD, lr);

        auto [imgTop, labTop] = augmentedBatch(s, stage, batch);
        auto real = resizeImage(imgTop, size);
        auto lab = resizeLabels(labTop, size);
        auto cond = encodeCondition(lab, false, 0, 0, 0);
        // Drawn only when asked, so that models without the option repeat their random streams.
        const bool realInput = s > 0 && c.realInputProbability > 0 && torch::rand({1}).item<double>() < c.realInputProbability;
        torch::Tensor prev = s == 0       ? torch::zeros_like(cond)
                             : realInput ? upsampleImage(resizeImage(imgTop, c.sizes[static_cast<std::size_t>(s - 1)]), size)
                                         : upsampleImage(cascade_->run(labTop, s, c.rcWhileTraining, c.rcWhileTraining), size);
        if (stage == 2) {
            torch::NoGradGuard ng;
            nets.stage1->eval();
            nets.stage1->setDropoutActive(true);
            prev = applyGenerator(nets.stage1, cond, prev, c.residual);
        }
        // Generator and discriminator in bf16 where that pays (bench_gan: 1.1-1.4x from 128 px on AMX,
        // nothing below); every loss in fp32.
        const bool bf16 = bf16_ && size >= kBf16MinSize;
        torch::Tensor fake;
        {
            CpuBf16Autocast autocast(bf16);
            fake = applyGenerator(g, cond, prev, c.residual);
        }
        fake = fake.to(torch::kFloat32);
        auto discriminate = [&](const torch::Tensor& condition, const torch::Tensor& image) {
            CpuBf16Autocast autocast(bf16);
            return d->forward(torch::cat({condition, image}, 1)).to(torch::kFloat32);
        };

        // Discriminator step; none where the adversarial term is off at this scale (it could not
        // reach the generator, so it would only cost time).
        const double weightAdv = c.adversarialWeightAt(s);
        const bool adversarial = weightAdv > 0;
        // Unpaired layouts: the generator's picture of a strongly deformed mask, judged by the
        // discriminator alone (no reconstruction term pulls it to the deformed slice's pixels).
        const bool unpaired = adversarial && c.unpairedLayoutWeight > 0;
        torch::Tensor condU, fakeU, realU;
        if (unpaired) {
            auto [imgU, labU] = unpairedLayouts(batch);
            realU = resizeImage(imgU, size);
            condU = encodeCondition(resizeLabels(labU, size), false, 0, 0, 0);
            torch::Tensor prevU = s == 0 ? torch::zeros_like(condU) : upsampleImage(cascade_->run(labU, s, c.rcWhileTraining, c.rcWhileTraining), size);
            if (stage == 2) {
                torch::NoGradGuard ng;
                prevU = applyGenerator(nets.stage1, condU, prevU, c.residual);
            }
            CpuBf16Autocast autocast(bf16);
            fakeU = applyGenerator(g, condU, prevU, c.residual).to(torch::kFloat32);
        }
        torch::Tensor lossD, adv, advU;
        if (adversarial) {
            setRequiresGrad(*d, true);
            optD.zero_grad();
            lossD = 0.5 * (bceWithLogits(discriminate(cond, real), 1.0f) + bceWithLogits(discriminate(cond, fake.detach()), 0.0f));
            // The deformed slice is the discriminator's real example of such a layout, so it has to
            // judge the picture, not tell the layouts apart; the generator never sees that image.
            if (unpaired) lossD = 0.5 * (lossD + 0.5 * (bceWithLogits(discriminate(condU, realU), 1.0f) + bceWithLogits(discriminate(condU, fakeU.detach()), 0.0f)));
            lossD.backward();
            optD.step();
        }

        // Generator step with the discriminator frozen.
        setRequiresGrad(*d, false);
        optG.zero_grad();
        if (adversarial) adv = bceWithLogits(discriminate(cond, fake), 1.0f);
        if (unpaired) advU = bceWithLogits(discriminate(condU, fakeU), 1.0f);
        auto lw = wppl(fake, real, classWeightMap(lab, c.classWeights));
        auto ls = 1 - msssim(fake, real);
        torch::Tensor lv = vgg_ ? vggFeatureLoss(vgg_, fake, real) : torch::zeros({}, fake.options());
        torch::Tensor lu = unet_ ? unetFeatureLoss(unet_, fake, real) : torch::zeros({}, fake.options());
        auto lossG = c.weightWppl * lw + c.weightMsssim * ls + (vgg_ ? c.weightVgg : 0.0) * lv + (unet_ ? c.weightUnet : 0.0) * lu;

        if (adversarial) lossG = lossG + weightAdv * adv;
        if (unpaired) lossG = lossG + weightAdv * c.unpairedLayoutWeight * advU;
        // Without the adversarial term the event carries no D and adversarial losses (the curves show
        // a gap rather than a misleading zero).
        std::map<std::string, double> values = {{"loss_wppl", lw.item<double>()}, {"loss_msssim", ls.item<double>()}, {"loss_vgg", lv.item<double>()},
                                                {"loss_unet", lu.item<double>()}, {"loss_g_total", lossG.item<double>()}};
        if (adversarial) {
            values["loss_d"] = lossD.item<double>();
            values["loss_g_adv"] = adv.item<double>();
        }
        if (unpaired) values["loss_g_adv_unpaired"] = advU.item<double>();
        for (const auto& [name, v] : values) {
            if (!std::isfinite(v)) {
                Json e = Json::object();
                e.set("type", "failed");
                e.set("scale", s);
                e.set("stage", stage);
                e.set("iteration", it);
                e.set("reason", name + " is " + (std::isnan(v) ? "NaN" : "infinite") + " at scale " + std::to_string(s) + " stage " + std::to_string(stage) +
                                    " iteration " + std::to_string(it) + "; the last good checkpoint in " + dir_ + " is kept");
                e.set("hint", "lower the learning rate or the loss weights in a --config file, then --resume");
                emit(e);
                outcome_ = TrainOutcome::Failed;
                return false;
            }
        }
        lossG.backward();
        optG.step();

        ++iterationsDone_;
        costDone_ += costOf(s);
        const auto now = Clock::now();
        const bool last = it + 1 == total;
        if (last || now - lastEvent_ > std::chrono::milliseconds(250) || it == start) {
            lastEvent_ = now;
            const double elapsed = std::chrono::duration<double>(now - started_).count();
            const double doneHere = static_cast<double>(it + 1 - start);
            const double costRate = (costDone_ - costAtStart_) / std::max(1e-6, elapsed);
            Json e = Json::object();
            e.set("type", "progress");
            e.set("phase", "gan");
            e.set("scale", s);
            e.set("scales", c.scaleCount());
            e.set("size", size);
            e.set("stage", stage);
            e.set("iteration", it + 1);
            e.set("iterations", total);
            e.set("overall_iteration", static_cast<double>(iterationsDone_));
            e.set("iterations_total", static_cast<double>(iterationsTotal_));
            for (const auto& [name, v] : values) e.set(name, v);
            e.set("lr", lr);
            e.set("iterations_per_second", doneHere / std::max(1e-6, elapsed));
            e.set("eta_seconds", (costTotal_ - costDone_) / std::max(1e-9, costRate));
            e.set("elapsed_seconds", std::chrono::duration<double>(now - runStarted_).count());
            emit(e);
        }
        if ((it + 1) % c.checkpointEvery == 0 && !last) checkpoint(s, stage, it + 1, *g, *d, optG, optD);
    }

    // The finished stage is frozen and saved; progress moves on.
    setRequiresGrad(*g, false);
    g->eval();
    if (stage == 1) nets.stage1 = g;
    else nets.stage2 = g;
    lastD_ = d;
    saveWeights(*g, store::scaleFile(s, stage));
    saveWeights(*d, store::discriminatorFile(s, stage));
    faultPoint("stage-saved");
    const bool hasStage2 = c.stage2Iterations > 0;
    if (stage == 1 && hasStage2) {
        progress_.set("next_scale", s);
        progress_.set("next_stage", 2);
    } else {
        progress_.set("next_scale", s + 1);
        progress_.set("next_stage", 1);
    }
    writeModelJson();
    std::error_code ec;
    fs::remove_all(path("checkpoint"), ec);
    Json e = Json::object();
    e.set("type", "checkpoint");
    e.set("scale", s);
    e.set("stage", stage);
    e.set("iteration", total);
    e.set("path", path(store::scaleFile(s, stage)));
    emit(e);
    return true;
}

TrainOutcome Trainer::run() {
    const DeviceInfo dev = resolveDevice(options_.device);
    device_ = dev.cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    // bf16 only when asked for: on AMX it made a whole `fast` training 2 % faster (the losses, the
    // augmentation and the cascade stay fp32) with the same quality (docs/cosingan.md), so "auto"
    // keeps CoSinGAN in fp32. cpuUsesBf16 refuses an unknown request.
    bf16_ = cpuUsesBf16(options_.precision) && options_.precision == "bf16" && !dev.cuda;
    const std::string precision = bf16_ ? "bf16 autocast from " + std::to_string(kBf16MinSize) + " px, fp32 below and in the losses" : dev.cuda ? "fp32 (CUDA)" : "fp32";
    deviceJson_ = Json::object();
    deviceJson_.set("cuda", dev.cuda);
    deviceJson_.set("description", dev.description);
    deviceJson_.set("precision", precision);
    prepareFolder();
    const GanConfig& c = cfg();
    for (int s = 0; s < c.scaleCount(); ++s) {
        const int per = c.iterationsAt(s, 1) + c.iterationsAt(s, 2);
        iterationsTotal_ += per;
        costTotal_ += per * costOf(s);
    }
    Json startEvent = Json::object();
    startEvent.set("type", "started");
    startEvent.set("model", dir_);
    startEvent.set("preset", c.preset);
    startEvent.set("device", dev.description);
    startEvent.set("precision", precision);
    startEvent.set("scales", Json::arrayOf(c.sizes));
    startEvent.set("iterations_total", static_cast<double>(iterationsTotal_));
    startEvent.set("resumed", options_.resume);
    emit(startEvent);
    if (complete_) {
        Json e = Json::object();
        e.set("type", "finished");
        e.set("path", dir_);
        e.set("message", "the model was already complete");
        emit(e);
        return TrainOutcome::Finished;
    }
    prepareFeatureNetworks();
    writeModelJson();

    const int nextScale = progress_.at("next_scale").asInt();
    const int nextStage = progress_.at("next_stage").asInt();
    auto& scales = cascade_->scales();
    scales.resize(static_cast<std::size_t>(c.scaleCount()));
    // Reload finished scales (resume); their weights are verified against config.json first.
    const Json modelJson = store::readModelJson(dir_);
    auto loadFrozen = [&](int s, int stage) {
        UNetGenerator g = cascade_->makeGenerator(s);
        store::verifyWeightFile(dir_, modelJson, store::scaleFile(s, stage));
        store::loadModule(*g, path(store::scaleFile(s, stage)));
        g->to(device_);
        g->eval();
        setRequiresGrad(*g, false);
        return g;
    };
    for (int s = 0; s < nextScale; ++s) {
        scales[static_cast<std::size_t>(s)].stage1 = loadFrozen(s, 1);
        if (c.stage2Iterations > 0) scales[static_cast<std::size_t>(s)].stage2 = loadFrozen(s, 2);
        iterationsDone_ += c.iterationsAt(s, 1) + c.iterationsAt(s, 2);
        costDone_ += (c.iterationsAt(s, 1) + c.iterationsAt(s, 2)) * costOf(s);
    }
    if (nextScale < c.scaleCount() && (nextScale > 0 || nextStage == 2)) {
        const int ds = nextStage == 2 ? nextScale : nextScale - 1;
        const int dstage = nextStage == 2 ? 1 : (c.stage2Iterations > 0 ? 2 : 1);
        lastD_ = cascade_->makeDiscriminator(ds);
        store::verifyWeightFile(dir_, modelJson, store::discriminatorFile(ds, dstage));
        store::loadModule(*lastD_, path(store::discriminatorFile(ds, dstage)));
        lastD_->to(device_);
    }
    if (nextStage == 2 && nextScale < c.scaleCount()) {
        scales[static_cast<std::size_t>(nextScale)].stage1 = loadFrozen(nextScale, 1);
        iterationsDone_ += c.iterationsAt(nextScale, 1);
        costDone_ += c.iterationsAt(nextScale, 1) * costOf(nextScale);
    }

    try {
        for (int s = nextScale; s < c.scaleCount(); ++s) {
            if (!(s == nextScale && nextStage == 2))
                if (!trainStage(s, 1)) return outcome_;
            if (c.stage2Iterations > 0)
                if (!trainStage(s, 2)) return outcome_;
        }
    } catch (const c10::Error& e) {
        const std::string what = e.what();
        Json ev = Json::object();
        ev.set("type", "failed");
        const bool oom = what.find("out of memory") != std::string::npos;
        ev.set("reason", oom ? "out of GPU memory" : "LibTorch error: " + what.substr(0, what.find('\n')));
        if (oom) ev.set("hint", "use a smaller batch (batch, batch_largest) or a smaller top scale (sizes) in a --config file, then --resume");
        emit(ev);
        return TrainOutcome::Failed;
    }
    complete_ = true;
    writeModelJson();
    Json e = Json::object();
    e.set("type", "finished");
    e.set("path", dir_);
    e.set("seconds", std::chrono::duration<double>(Clock::now() - runStarted_).count());
    emit(e);
    return TrainOutcome::Finished;
}

}  // namespace

TrainOutcome train(const TrainingPair& pair, const TrainOptions& options) {
    setThreads(options.threads);
    Trainer t(pair, options);
    return t.run();
}

ModelInfo readModelInfo(const std::string& dir) {
    ModelInfo info;
    info.json = store::readModelJson(dir);
    info.config = GanConfig::fromPreset("paper");
    info.config.applyJson(info.json.at("config"));
    info.complete = info.json.boolOr("complete", false);
    return info;
}

}  // namespace ctsw::gan
