// Synthesis: the cascade from a mask, one seed per sample, randomized condition, test-time dropout,
// and fusion of two models.
#include <torch/torch.h>

#include <filesystem>

#include "gan/Cascade.h"
#include "gan/Engine.h"
#include "gan/Precision.h"
#include "io/Fnv.h"
#include "io/Npy.h"
#include "mask/LungMask.h"

namespace fs = std::filesystem;

namespace ctsw::gan {

namespace {

std::unique_ptr<Cascade> loadCascade(const std::string& dir, torch::Device device, std::string& id) {
    const Json j = store::readModelJson(dir);
    if (!j.boolOr("complete", false))
        throw std::runtime_error(dir + ": training has not finished (resume it with `cosingan train --resume --out " + dir + "`)");
    GanConfig cfg = GanConfig::fromPreset("paper");
    cfg.applyJson(j.at("config"));
    cfg.validate();
    auto cascade = std::make_unique<Cascade>(cfg, device);
    std::string hashes;
    for (int s = 0; s < cfg.scaleCount(); ++s) {
        ScaleNets n;
        for (int stage = 1; stage <= (cfg.stage2Iterations > 0 ? 2 : 1); ++stage) {
            const std::string file = store::scaleFile(s, stage);
            store::verifyWeightFile(dir, j, file);
            UNetGenerator g = cascade->makeGenerator(s);
            store::loadModule(*g, (fs::path(dir) / file).string());
            g->to(device);
            g->eval();
            (stage == 1 ? n.stage1 : n.stage2) = g;
            hashes += j.at("weights").at(file).at("fnv1a64").asString();
        }
        cascade->scales().push_back(n);
    }
    // The model id: a hash over the weight hashes, stable across copies of the folder.
    id = hashHex(fnv1a64(hashes));
    return cascade;
}

}  // namespace

struct Synthesizer::Impl {
    torch::Device device{torch::kCPU};
    std::unique_ptr<Cascade> first, second;
    std::string id, secondId;
    double bodyScale = 1.2;  // body-to-lung-hull ratio of the first model's training slice

    // The condition's label map at the top size: the product's 0/1/2, plus kOutsideBody for a
    // body_condition model (from the mask itself, its source slice, or estimated from the lungs).
    LabelSlice conditionLabels(const LabelSlice& labels, const SynthesisOptions& o, bool& estimated) const {
        const GanConfig& c = first->config();
        const int top = c.topSize();
        estimated = false;
        bool hasOutside = false;
        for (std::uint8_t v : labels.pixels()) hasOutside = hasOutside || v == kOutsideBody;
        if (!c.bodyCondition) return prepareLabels(productLabels(labels), top);
        if (hasOutside) return prepareLabels(labels, top, kOutsideBody);
        if (o.bodySource) {
            if (o.bodySource->width() != labels.width() || o.bodySource->height() != labels.height())
                throw std::invalid_argument("the mask's source slice is " + std::to_string(o.bodySource->width()) + "x" + std::to_string(o.bodySource->height()) +
                                            " but the mask is " + std::to_string(labels.width()) + "x" + std::to_string(labels.height()));
            TrainingPair p = prepareTrainingPair(*o.bodySource, o.bodySourceIsHu, labels, top, c.huLow, c.huHigh);
            markOutsideBody(p.labels, mask::bodyOutline(p.image, mask::bodyThreshold(o.bodySourceIsHu, c.huLow, c.huHigh)));
            return p.labels;
        }
        LabelSlice out = prepareLabels(labels, top, kOutsideBody);
        markOutsideBody(out, estimateBodyFromLungs(out, bodyScale));
        estimated = true;
        return out;
    }
};

namespace {
torch::Tensor withoutOutside(const torch::Tensor& labels) { return torch::where(labels > 2.5, torch::zeros_like(labels), labels); }
}  // namespace

Synthesizer::Synthesizer(const std::string& dir, const std::string& deviceRequest, const std::string& secondDir, const std::string& precision)
    : impl_(std::make_unique<Impl>()) {
    const bool bf16 = cpuUsesBf16(precision);  // checks the request before any file is read
    const DeviceInfo d = resolveDevice(deviceRequest);
    impl_->device = d.cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    impl_->first = loadCascade(dir, impl_->device, impl_->id);
    if (impl_->first->config().bodyCondition) {
        const std::string stored = (fs::path(dir) / "training_labels.npy").string();
        if (!fs::is_regular_file(stored)) throw std::runtime_error(stored + ": missing (a body_condition model needs its training mask)");
        const NpyArray lab = readNpy(stored);
        const int t = impl_->first->config().topSize();
        if (lab.values.size() != static_cast<std::size_t>(t) * t) throw std::runtime_error(stored + ": does not match the model's top size " + std::to_string(t));
        LabelSlice l(t, t);
        for (std::size_t i = 0; i < lab.values.size(); ++i) l.pixels()[i] = static_cast<std::uint8_t>(std::clamp(lab.values[i], 0.0, 3.0));
        impl_->bodyScale = bodyToHullScale(l);
    }
    if (!secondDir.empty()) {
        impl_->second = loadCascade(secondDir, impl_->device, impl_->secondId);
        if (impl_->second->config().topSize() != impl_->first->config().topSize())
            throw std::runtime_error(secondDir + ": top size " + std::to_string(impl_->second->config().topSize()) + " differs from the first model's " +
                                     std::to_string(impl_->first->config().topSize()) + "; fusion needs equal sizes");
    }
    const bool cpuBf16 = bf16 && !d.cuda;
    impl_->first->setCpuBf16(cpuBf16);
    if (impl_->second) impl_->second->setCpuBf16(cpuBf16);
}

Synthesizer::~Synthesizer() = default;

int Synthesizer::topSize() const { return impl_->first->config().topSize(); }
const GanConfig& Synthesizer::config() const { return impl_->first->config(); }
std::string Synthesizer::modelId() const { return impl_->second ? impl_->id + "+" + impl_->secondId : impl_->id; }
bool Synthesizer::hasSecondModel() const { return impl_->second != nullptr; }
std::string Synthesizer::precision() const {
    return impl_->first->cpuBf16() ? "bf16 autocast from " + std::to_string(kBf16MinSize) + " px, fp32 below" : "fp32";
}

std::vector<ScaleOutput> Synthesizer::scaleOutputs(const LabelSlice& labelsIn, const SynthesisOptions& o) {
    torch::NoGradGuard guard;
    const int top = topSize();
    bool estimated = false;
    auto lab = labelsToTensor(impl_->conditionLabels(labelsIn, o, estimated).pixels(), top, impl_->device);
    std::vector<ScaleOutput> out;
    impl_->first->run(lab, impl_->first->trainedScales(), false, false, {}, [&](int scale, int stage, const torch::Tensor& x) {
        if (stage == 1) out.push_back({scale, static_cast<int>(x.size(2)), {}, {}});
        auto cpu = x[0][0].to(torch::kCPU).contiguous();
        Slice<float> image(static_cast<int>(cpu.size(1)), static_cast<int>(cpu.size(0)));
        std::copy(cpu.data_ptr<float>(), cpu.data_ptr<float>() + cpu.numel(), image.pixels().begin());
        (stage == 1 ? out.back().stage1 : out.back().stage2) = std::move(image);
    });
    return out;
}

std::vector<SynthesizedSample> Synthesizer::synthesize(const LabelSlice& labelsIn, const SynthesisOptions& o) {
    torch::NoGradGuard guard;
    const int top = topSize();
    bool bodyEstimated = false;
    const LabelSlice condition = impl_->conditionLabels(labelsIn, o, bodyEstimated);
    const LabelSlice labels = productLabels(condition);
    auto lab = labelsToTensor(condition.pixels(), top, impl_->device);
    // A second model trained without the body label sees the paper's three labels.
    const bool secondPlain = impl_->second && !impl_->second->config().bodyCondition;
    auto lab2 = secondPlain ? withoutOutside(lab) : lab;
    std::vector<SynthesizedSample> out;
    out.reserve(static_cast<std::size_t>(std::max(0, o.count)));
    const GanConfig& own = impl_->first->config();
    const std::array<double, 3> noise = o.conditionNoise ? *o.conditionNoise : std::array<double, 3>{own.rcBackground, own.rcLung, own.rcInfection};
    // The override holds for this call only; the models keep their own magnitudes afterwards.
    struct Restore {
        Impl* impl;
        GanConfig first, second;
        ~Restore() {
            impl->first->setConditionNoise(first.rcBackground, first.rcLung, first.rcInfection);
            if (impl->second) impl->second->setConditionNoise(second.rcBackground, second.rcLung, second.rcInfection);
        }
    } restore{impl_.get(), own, impl_->second ? impl_->second->config() : own};
    impl_->first->setConditionNoise(noise[0], noise[1], noise[2]);
    if (impl_->second) impl_->second->setConditionNoise(noise[0], noise[1], noise[2]);
    const int n = impl_->first->trainedScales();
    const int n2 = impl_->second ? impl_->second->trainedScales() : 0;
    auto emit = [&](const torch::Tensor& image, std::uint64_t seed, double alpha) {
        auto x = image.to(torch::kCPU).contiguous();
        SynthesizedSample s;
        s.image = Slice<float>(top, top);
        std::copy(x.data_ptr<float>(), x.data_ptr<float>() + top * top, s.image.pixels().begin());
        s.labels = labels;
        s.seed = seed;
        s.alpha = alpha;
        s.bodyEstimated = bodyEstimated;
        out.push_back(std::move(s));
    };
    if (o.dropout) {
        // Dropout draws its masks inside the networks: one sample at a time keeps each sample's draws
        // its own, so sample k is the same whatever count produced it.
        for (int i = 0; i < o.count; ++i) {
            const std::uint64_t seed = o.seed + static_cast<std::uint64_t>(i);
            torch::manual_seed(seed);
            torch::Tensor x = impl_->first->run(lab, n, o.randomizedCondition, true);
            double alpha = -1;
            if (impl_->second) {
                alpha = o.fusionAlpha ? *o.fusionAlpha : torch::rand({1}).item<double>();
                x = alpha * x + (1 - alpha) * impl_->second->run(lab2, n2, o.randomizedCondition, true);
            }
            emit(x[0], seed, alpha);
        }
        return out;
    }
    // Without dropout the only random numbers are the condition noise and alpha: they are drawn per
    // sample from its own seed, in the order the one-at-a-time path draws them, and the samples then
    // run as batches (about 1.4x faster on CPU). Sample k is the same whatever count produced it, to
    // float rounding.
    constexpr int kBatch = 8;
    for (int start = 0; start < o.count; start += kBatch) {
        const int b = std::min(kBatch, o.count - start);
        std::vector<std::vector<torch::Tensor>> u1(static_cast<std::size_t>(n)), u2(static_cast<std::size_t>(n2));
        std::vector<double> alphas;
        for (int i = 0; i < b; ++i) {
            torch::manual_seed(o.seed + static_cast<std::uint64_t>(start + i));
            if (o.randomizedCondition) {
                auto draws = impl_->first->drawConditionNoise(n);
                for (int s = 0; s < n; ++s) u1[static_cast<std::size_t>(s)].push_back(draws[static_cast<std::size_t>(s)]);
            }
            if (impl_->second) {
                alphas.push_back(o.fusionAlpha ? *o.fusionAlpha : torch::rand({1}).item<double>());
                if (o.randomizedCondition) {
                    auto draws = impl_->second->drawConditionNoise(n2);
                    for (int s = 0; s < n2; ++s) u2[static_cast<std::size_t>(s)].push_back(draws[static_cast<std::size_t>(s)]);
                }
            }
        }
        auto batchOf = [](std::vector<std::vector<torch::Tensor>>& perScale) {
            std::vector<torch::Tensor> out;
            for (auto& v : perScale)
                if (!v.empty()) out.push_back(torch::cat(v, 0));
            return out;
        };
        const auto labB = lab.expand({b, -1, -1, -1}).contiguous();
        const auto labB2 = lab2.expand({b, -1, -1, -1}).contiguous();
        torch::Tensor x = impl_->first->run(labB, n, o.randomizedCondition, false, batchOf(u1));
        if (impl_->second) {
            auto a = torch::tensor(alphas, torch::TensorOptions().dtype(torch::kFloat64)).to(torch::kFloat32).view({b, 1, 1, 1}).to(x.device());
            x = a * x + (1 - a) * impl_->second->run(labB2, n2, o.randomizedCondition, false, batchOf(u2));
        }
        for (int i = 0; i < b; ++i) emit(x[i], o.seed + static_cast<std::uint64_t>(start + i), impl_->second ? alphas[static_cast<std::size_t>(i)] : -1.0);
    }
    return out;
}

}  // namespace ctsw::gan
