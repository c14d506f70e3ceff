#include "eval/Quality.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <stdexcept>

#include "eval/EvalData.h"
#include "eval/EvalTraining.h"
#include "eval/ImageQuality.h"
#include "eval/Metrics.h"
#include "gan/Engine.h"
#include "io/AtomicWrite.h"
#include "io/Npy.h"
#include "mask/LungMask.h"

namespace fs = std::filesystem;

namespace ctsw::eval {

namespace {

Slice<float> npySlice(const std::string& path) {
    const NpyArray a = readNpy(path);
    return npyAsSlice(a, path);
}

Slice<float> toUnitInterval(const Slice<float>& signedUnit) {  // [-1, 1] -> [0, 1]
    Slice<float> out(signedUnit.width(), signedUnit.height());
    for (std::size_t i = 0; i < out.pixels().size(); ++i) out.pixels()[i] = (signedUnit.pixels()[i] + 1.0f) * 0.5f;
    return out;
}

// The model's [-1, 1] scale in the source's own unit: HU through the model's window, or 0-255 grey.
Slice<float> inSourceUnits(const Slice<float>& signedUnit, bool hu, double huLow, double huHigh) {
    Slice<float> out(signedUnit.width(), signedUnit.height());
    for (std::size_t i = 0; i < out.pixels().size(); ++i)
        out.pixels()[i] = hu ? gan::unitToHu(signedUnit.pixels()[i], huLow, huHigh) : (signedUnit.pixels()[i] + 1.0f) * 127.5f;
    return out;
}


Json intervalJson(const Interval& i) {
    Json j = Json::object();
    j.set("mean", numberOrNull(i.mean));
    j.set("ci95", Json::arrayOf(std::vector<double>{i.low, i.high}));
    j.set("n", i.n);
    return j;
}

LabelSlice lungOrInfection(const LabelSlice& labels) {
    LabelSlice out(labels.width(), labels.height());
    for (std::size_t i = 0; i < out.pixels().size(); ++i) out.pixels()[i] = labels.pixels()[i] >= 1;
    return out;
}

// The three regions the texture measure compares: lung, infection, and the body outside them (the
// image's own body outline: threshold and largest component, as the body condition derives it).
constexpr const char* kTextureRegions[3] = {"lung", "infection", "body"};

std::array<RegionTexture, 3> texturesOf(const Slice<float>& signedUnit, const Slice<float>& values, const LabelSlice& labels, float bodyThreshold) {
    const LabelSlice body = mask::bodyOutline(signedUnit, bodyThreshold);
    std::array<LabelSlice, 3> regions{LabelSlice(labels.width(), labels.height()), LabelSlice(labels.width(), labels.height()),
                                      LabelSlice(labels.width(), labels.height())};
    for (std::size_t i = 0; i < labels.pixels().size(); ++i) {
        const std::uint8_t l = labels.pixels()[i];
        regions[0].pixels()[i] = l == 1;
        regions[1].pixels()[i] = l == 2;
        regions[2].pixels()[i] = l == 0 && body.pixels()[i];
    }
    return {regionTexture(values, regions[0]), regionTexture(values, regions[1]), regionTexture(values, regions[2])};
}

Json textureJson(const RegionTexture& t) {
    Json j = Json::object();
    j.set("mean", numberOrNull(t.mean));
    j.set("std", numberOrNull(t.spread));
    j.set("structure", numberOrNull(t.structure));
    j.set("pixels", static_cast<double>(t.pixels));
    return j;
}

// Per scale: the structure of lung, infection and body in the real slice, the self-reconstruction and
// the given masks' outputs (their mean), and the samples' share of the real slice's.
Json perScaleTexture(const Slice<float>& real, const LabelSlice& trainingLabels, const std::vector<gan::ScaleOutput>& selfScales,
                     const std::vector<std::vector<gan::ScaleOutput>>& given, const std::vector<LabelSlice>& givenLabels,
                     const std::function<Slice<float>(const Slice<float>&)>& inUnits, float bodyThreshold) {
    Json out = Json::array();
    for (std::size_t i = 0; i < selfScales.size(); ++i) {
        const int size = selfScales[i].size;
        const LabelSlice labels = squareResizeLabels(trainingLabels, size);
        const Slice<float> realAtScale = areaResize(real, size);
        const auto r = texturesOf(realAtScale, inUnits(realAtScale), labels, bodyThreshold);
        const auto self = texturesOf(selfScales[i].output(), inUnits(selfScales[i].output()), labels, bodyThreshold);
        std::array<double, 3> sum{0, 0, 0};
        std::array<int, 3> counted{0, 0, 0};
        for (std::size_t m = 0; m < given.size(); ++m) {
            const Slice<float>& image = given[m][i].output();
            const auto t = texturesOf(image, inUnits(image), squareResizeLabels(givenLabels[m], size), bodyThreshold);
            for (std::size_t k = 0; k < 3; ++k)
                if (t[k].pixels > 0) {
                    sum[k] += t[k].structure;
                    ++counted[k];
                }
        }
        Json e = Json::object();
        e.set("scale", selfScales[i].scale);
        e.set("size", size);
        for (std::size_t k = 0; k < 3; ++k) {
            const double samples = counted[k] ? sum[k] / counted[k] : std::numeric_limits<double>::quiet_NaN();
            Json region = Json::object();
            region.set("real", numberOrNull(r[k].pixels ? r[k].structure : std::numeric_limits<double>::quiet_NaN()));
            region.set("self", numberOrNull(self[k].pixels ? self[k].structure : std::numeric_limits<double>::quiet_NaN()));
            region.set("samples", numberOrNull(samples));
            region.set("samples_to_real", numberOrNull(r[k].pixels && r[k].structure > 0 ? samples / r[k].structure : std::numeric_limits<double>::quiet_NaN()));
            e.set(kTextureRegions[k], region);
        }
        out.push(e);
    }
    return out;
}

// The prepared training pair a model folder keeps, and how its values map to the source's unit.
struct ModelSource {
    bool hu = true;
    double huLow = 0, huHigh = 0;
    Slice<float> image;  // [-1, 1]
    LabelSlice labels;
    std::string unitName() const { return hu ? "HU" : "grey levels (0-255)"; }
    Slice<float> inUnits(const Slice<float>& s) const { return inSourceUnits(s, hu, huLow, huHigh); }
};

ModelSource readModelSource(const std::string& modelDir, const gan::ModelInfo& info) {
    ModelSource m;
    const Json* provenance = info.json.find("provenance");
    m.hu = !provenance || !provenance->contains("values_are_hu") || provenance->at("values_are_hu").asBool();
    m.huLow = info.config.huLow;
    m.huHigh = info.config.huHigh;
    m.image = npySlice((fs::path(modelDir) / "training_image.npy").string());
    const Slice<float> labelValues = npySlice((fs::path(modelDir) / "training_labels.npy").string());
    m.labels = LabelSlice(labelValues.width(), labelValues.height());
    // The stored mask of a body_condition model also marks the air outside the body (label 3): that is
    // background to the product (the body outline comes back from the training image).
    for (std::size_t i = 0; i < labelValues.pixels().size(); ++i)
        m.labels.pixels()[i] = static_cast<std::uint8_t>(std::clamp(std::lround(labelValues.pixels()[i]), 0L, static_cast<long>(gan::kOutsideBody)));
    m.labels = gan::productLabels(std::move(m.labels));
    return m;
}

EvalSample asJudgeInput(const gan::SynthesizedSample& s, const std::string& id) {
    EvalSample e;
    e.id = id;
    e.image = unitImageToBytes(s.image);
    e.labels = s.labels;
    return e;
}

// The one flag rule of `quality` and of the export: a sample is suspect when the judge's lung DSC is
// below the lung threshold, or, where the mask has infection, its infection DSC is below the infection
// threshold. A class absent from both the mask and the judge's answer agrees and cannot flag. Returns
// the reason, empty for `ok`.
std::string suspectReason(const LabelDice& scored, bool maskHasInfection, double minLungDice, double minInfectionDice) {
    char reason[160] = "";
    if (scored.lung.defined && scored.lung.dice < minLungDice)
        std::snprintf(reason, sizeof reason, "judge's lung DSC %.2f < %.2f", scored.lung.dice, minLungDice);
    if (maskHasInfection && scored.infection.defined && scored.infection.dice < minInfectionDice) {
        const std::size_t used = std::strlen(reason);
        std::snprintf(reason + used, sizeof reason - used, "%sjudge's infection DSC %.2f < %.2f", used ? "; " : "", scored.infection.dice,
                      minInfectionDice);
    }
    return reason;
}

bool hasInfection(const LabelSlice& labels) { return std::count(labels.pixels().begin(), labels.pixels().end(), 2) > 0; }

}  // namespace

LabelSlice paintLesionInHealthyLung(const LabelSlice& labels, LabelSlice& added) {
    const int w = labels.width(), h = labels.height();
    LabelSlice healthy = labels;
    for (auto& v : healthy.pixels()) v = v == 2 ? 1 : v;
    // City-block distance to the nearest non-lung pixel (two passes); the lesion goes where it is largest.
    std::vector<int> d(healthy.pixels().size());
    const int far = w + h;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            int& v = d[static_cast<std::size_t>(y) * w + x];
            v = healthy.at(x, y) == 1 ? far : 0;
            if (v && x > 0) v = std::min(v, d[static_cast<std::size_t>(y) * w + x - 1] + 1);
            if (v && y > 0) v = std::min(v, d[static_cast<std::size_t>(y - 1) * w + x] + 1);
            if (v && (x == 0 || y == 0)) v = 1;
        }
    std::size_t best = 0;
    for (int y = h - 1; y >= 0; --y)
        for (int x = w - 1; x >= 0; --x) {
            const std::size_t i = static_cast<std::size_t>(y) * w + x;
            if (x + 1 < w) d[i] = std::min(d[i], d[i + 1] + 1);
            if (y + 1 < h) d[i] = std::min(d[i], d[i + static_cast<std::size_t>(w)] + 1);
            if (x == w - 1 || y == h - 1) d[i] = std::min(d[i], healthy.pixels()[i] ? 1 : 0);
            if (d[i] > d[best]) best = i;
        }
    added = LabelSlice(w, h);
    if (d[best] == 0) return healthy;  // no lung: nothing to paint
    const int cx = static_cast<int>(best % static_cast<std::size_t>(w)), cy = static_cast<int>(best / static_cast<std::size_t>(w));
    const int r = std::max(2, std::min(d[best] - 1, std::max(3, w / 20)));
    for (int y = std::max(0, cy - r); y <= std::min(h - 1, cy + r); ++y)
        for (int x = std::max(0, cx - r); x <= std::min(w - 1, cx + r); ++x)
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r && healthy.at(x, y) == 1) {
                healthy.at(x, y) = 2;
                added.at(x, y) = 1;
            }
    return healthy;
}

QualityResult measureQuality(const QualityRequest& request) {
    gan::setThreads(request.threads);
    const gan::ModelInfo info = gan::readModelInfo(request.modelDir);
    if (!info.complete) throw std::runtime_error(request.modelDir + ": the model has not finished training");
    gan::Synthesizer synth(request.modelDir, request.device, {}, request.precision);
    const gan::GanConfig& cfg = synth.config();
    const ModelSource source = readModelSource(request.modelDir, info);
    const bool hu = source.hu;
    auto scaled = [&](const Slice<float>& s) { return source.inUnits(s); };
    const std::string unitName = source.unitName();

    QualityResult result;
    result.real = source.image;
    result.trainingLabels = source.labels;

    Json report = Json::object();
    report.set("model", fs::absolute(request.modelDir).string());
    report.set("model_id", synth.modelId());
    report.set("preset", cfg.preset);
    report.set("top_size", synth.topSize());
    report.set("unit", unitName);
    report.set("precision", synth.precision());

    // self: the training mask, randomized condition off.
    // Masks of the training slice take its body outline (for models trained with body_condition).
    gan::SynthesisOptions clean;
    clean.count = 1;
    clean.randomizedCondition = false;
    clean.bodySource = scaled(source.image);
    clean.bodySourceIsHu = hu;
    result.self = synth.synthesize(result.trainingLabels, clean).front().image;
    result.scales = synth.scaleOutputs(result.trainingLabels, clean);
    {
        const LabelSlice body = mask::bodyOutline(result.real, mask::bodyThreshold(hu, cfg.huLow, cfg.huHigh));
        const Ssim s = ssim(toUnitInterval(result.real), toUnitInterval(result.self), 1.0, &body);
        const auto mae = meanAbsoluteErrorByLabel(scaled(result.real), scaled(result.self), result.trainingLabels);
        Json self = Json::object();
        self.set("ssim", numberOrNull(s.whole));
        self.set("ssim_body", numberOrNull(s.inside));
        self.set("body_pixels", static_cast<double>(s.insidePixels));
        const double p = psnr(toUnitInterval(result.real), toUnitInterval(result.self), 1.0);
        self.set("psnr", numberOrNull(p));
        if (std::isinf(p)) self.set("psnr_note", "identical images (infinite PSNR)");
        Json m = Json::object();
        m.set("background", numberOrNull(mae[0]));
        m.set("lung", numberOrNull(mae[1]));
        m.set("infection", numberOrNull(mae[2]));
        m.set("unit", unitName);
        self.set("mae", m);
        self.set("scale", "SSIM and PSNR on the model's intensity window mapped to [0, 1] (range 1); SSIM: Gaussian window 11, sigma 1.5, 5-pixel rim left out");
        // Each scale's stages against the slice area-resampled to that scale, and what the scale starts
        // from (the previous scale's output upsampled): a scale below its own input loses the picture.
        Json perScale = Json::array();
        const Slice<float>* input = nullptr;
        for (const gan::ScaleOutput& so : result.scales) {
            const Slice<float> target = toUnitInterval(areaResize(result.real, so.size));
            Json e = Json::object();
            e.set("scale", so.scale);
            e.set("size", so.size);
            e.set("ssim_stage1", numberOrNull(ssim(target, toUnitInterval(so.stage1), 1.0).whole));
            if (!so.stage2.pixels().empty()) e.set("ssim_stage2", numberOrNull(ssim(target, toUnitInterval(so.stage2), 1.0).whole));
            if (input) e.set("ssim_input", numberOrNull(ssim(target, toUnitInterval(squareResize(*input, so.size, -1.0f)), 1.0).whole));
            input = &so.output();
            perScale.push(e);
        }
        self.set("per_scale", perScale);
        report.set("self", self);
    }

    // edit: a lesion in healthy lung, randomized condition off on both sides.
    {
        // Kept in the result for the grid's edit pair.
        LabelSlice added;
        result.editedLabels = paintLesionInHealthyLung(result.trainingLabels, added);
        result.healthyLabels = result.trainingLabels;
        for (auto& v : result.healthyLabels.pixels()) v = v == 2 ? 1 : v;
        result.fromEdited = synth.synthesize(result.editedLabels, clean).front().image;
        result.fromHealthy = synth.synthesize(result.healthyLabels, clean).front().image;
        const EditStatistic e =
            editStatistic(scaled(result.fromEdited), scaled(result.fromHealthy), added, scaled(result.real), result.trainingLabels);
        Json j = Json::object();
        j.set("added_infection_mean", numberOrNull(e.addedAsInfection));
        j.set("same_pixels_as_lung_mean", numberOrNull(e.sameAsLung));
        j.set("real_infection_mean", numberOrNull(e.realInfection));
        j.set("added_minus_real", numberOrNull(e.addedAsInfection - e.realInfection));
        j.set("added_pixels", static_cast<double>(e.addedPixels));
        j.set("real_infection_pixels", static_cast<double>(e.realInfectionPixels));
        j.set("unit", unitName);
        if (e.realInfectionPixels == 0) j.set("note", "the training slice has no infection to compare with");
        report.set("edit", j);
    }

    // diversity: seeds of the training mask, randomized condition on.
    {
        gan::SynthesisOptions so = clean;
        so.randomizedCondition = true;
        so.count = std::max(2, request.diversitySeeds);
        so.seed = request.seed;
        std::vector<Slice<float>> images;
        for (auto& s : synth.synthesize(result.trainingLabels, so)) images.push_back(scaled(s.image));
        Json j = Json::object();
        j.set("lung_std_mean", numberOrNull(meanStdInside(images, lungOrInfection(result.trainingLabels))));
        j.set("seeds", so.count);
        j.set("unit", unitName);
        report.set("diversity", j);
    }

    // judge: every given mask, `count` samples each, randomized condition on.
    std::unique_ptr<EvalModel> judge;
    Json judgeJson = Json::object();
    if (!request.judgeDir.empty()) {
        judge = std::make_unique<EvalModel>(request.judgeDir, request.threads);
        if (judge->task() != "segmentation") throw std::runtime_error(request.judgeDir + ": a " + judge->task() + " model cannot judge: a segmentation model is needed");
        judgeJson.set("model", fs::absolute(request.judgeDir).string());
        judgeJson.set("arch", judge->arch());
        judgeJson.set("size", judge->size());
        try {
            const Json mj = readJsonFile((fs::path(request.judgeDir) / "model.json").string());
            if (const Json* set = mj.find("training_set")) judgeJson.set("training_set", *set);
            if (const Json* own = mj.find("evaluation")) judgeJson.set("own_dice_on_real_slices", *own);
        } catch (const std::exception&) {
        }
        if (!judgeJson.contains("own_dice_on_real_slices"))
            judgeJson.set("own_dice_on_real_slices", Json("not recorded in the judge's model.json (cosingan seg-eval --model JUDGE --test DIR measures it)"));
    } else {
        judgeJson.set("available", false);
        judgeJson.set("reason", "no --judge given: no Dice and no flags");
    }
    std::vector<double> lungDice, infectionDice;
    Json samples = Json::array();
    std::vector<LabelSlice> givenTopLabels;  // each given mask as the model sees it (padded, top size)
    for (std::size_t m = 0; m < request.masks.size(); ++m) {
        gan::SynthesisOptions so;
        so.count = request.count;
        so.seed = request.seed + 1000 * m;
        so.bodySource = request.masks[m].source;
        so.bodySourceIsHu = request.masks[m].sourceIsHu;
        std::vector<gan::SynthesizedSample> made = synth.synthesize(request.masks[m].labels, so);
        givenTopLabels.push_back(made.front().labels);
        std::vector<EvalSample> asBytes;
        for (const auto& s : made) asBytes.push_back(asJudgeInput(s, request.masks[m].file));
        const std::vector<LabelSlice> predicted = judge ? judge->segment(asBytes) : std::vector<LabelSlice>{};
        for (std::size_t k = 0; k < made.size(); ++k) {
            Json row = Json::object();
            row.set("file", request.masks[m].file);
            row.set("seed", static_cast<double>(made[k].seed));
            if (cfg.bodyCondition) row.set("body_outline", made[k].bodyEstimated ? "estimated from the lungs" : "from the mask's source slice");
            QualitySample qs{request.masks[m].file, made[k].seed, made[k].image, made[k].labels, ""};
            if (judge) {
                const std::size_t n = made[k].labels.pixels().size();
                const LabelDice scored = labelDice(predicted[k].pixels().data(), made[k].labels.pixels().data(), n);
                const DiceValue &dl = scored.lung, &dp = scored.lungParenchyma, &di = scored.infection;
                Json d = Json::object();
                d.set("lung", numberOrNull(dl.dice));
                d.set("infection", numberOrNull(di.dice));
                d.set("lung_parenchyma", numberOrNull(dp.dice));
                row.set("dice", d);
                if (dl.defined) lungDice.push_back(dl.dice);
                if (di.defined) infectionDice.push_back(di.dice);
                const std::string reason = suspectReason(scored, hasInfection(made[k].labels), request.minLungDice, request.minInfectionDice);
                qs.flag = reason.empty() ? "ok" : "suspect";
                row.set("flag", qs.flag);
                if (!reason.empty()) row.set("reason", reason);
            }
            samples.push(row);
            result.samples.push_back(std::move(qs));
        }
    }
    if (judge) {
        Json d = Json::object();
        d.set("lung", intervalJson(tInterval(lungDice)));
        d.set("infection", intervalJson(tInterval(infectionDice)));
        judgeJson.set("dice", d);
        judgeJson.set("lung_definition", kLungDefinition);
        judgeJson.set("thresholds", Json::arrayOf(std::vector<double>{request.minLungDice, request.minInfectionDice}));
    }
    report.set("judge", judgeJson);
    report.set("samples", samples);

    // texture: how much detail lung, infection and body carry in the samples of the given masks, next
    // to the real slice and its self-reconstruction. The judge finds lungs and lesions by their outline
    // and mean value; a lung without vessels or a body without anatomy passes it, and shows here.
    {
        const float threshold = mask::bodyThreshold(hu, cfg.huLow, cfg.huHigh);
        const auto real = texturesOf(result.real, scaled(result.real), result.trainingLabels, threshold);
        const auto self = texturesOf(result.self, scaled(result.self), result.trainingLabels, threshold);
        std::array<double, 3> sum{0, 0, 0}, sumStd{0, 0, 0}, sumMean{0, 0, 0};
        std::array<int, 3> counted{0, 0, 0};
        for (const QualitySample& q : result.samples) {
            const auto t = texturesOf(q.image, scaled(q.image), q.labels, threshold);
            for (std::size_t r = 0; r < 3; ++r)
                if (t[r].pixels > 0) {
                    sum[r] += t[r].structure;
                    sumStd[r] += t[r].spread;
                    sumMean[r] += t[r].mean;
                    ++counted[r];
                }
        }
        const double nan = std::numeric_limits<double>::quiet_NaN();
        Json j = Json::object(), realJ = Json::object(), selfJ = Json::object(), samplesJ = Json::object(), toReal = Json::object(), selfToReal = Json::object();
        for (std::size_t r = 0; r < 3; ++r) {
            realJ.set(kTextureRegions[r], textureJson(real[r]));
            selfJ.set(kTextureRegions[r], textureJson(self[r]));
            Json m = Json::object();
            const double k = counted[r];
            m.set("mean", numberOrNull(k ? sumMean[r] / k : nan));
            m.set("std", numberOrNull(k ? sumStd[r] / k : nan));
            m.set("structure", numberOrNull(k ? sum[r] / k : nan));
            m.set("samples", counted[r]);
            samplesJ.set(kTextureRegions[r], m);
            toReal.set(kTextureRegions[r], numberOrNull(k && real[r].structure > 0 ? sum[r] / k / real[r].structure : nan));
            selfToReal.set(kTextureRegions[r], numberOrNull(real[r].structure > 0 ? self[r].structure / real[r].structure : nan));
        }
        j.set("real", realJ);
        j.set("self", selfJ);
        if (!request.masks.empty()) {
            // The same at every scale, so that the scale where the samples' detail stops keeping up
            // with the real slice's can be named: each scale's last stage for the training mask and
            // for every given mask (randomized condition off), against the real slice area-resampled
            // to that scale, each with its mask resampled (nearest) to it.
            gan::SynthesisOptions plain;
            plain.count = 1;
            plain.randomizedCondition = false;
            std::vector<std::vector<gan::ScaleOutput>> given;
            for (const QualityMask& m : request.masks) {
                plain.bodySource = m.source;
                plain.bodySourceIsHu = m.sourceIsHu;
                given.push_back(synth.scaleOutputs(m.labels, plain));
            }
            j.set("per_scale", perScaleTexture(result.real, result.trainingLabels, result.scales, given, givenTopLabels, scaled, threshold));
            result.givenScales = std::move(given.front());
            result.givenLabels = std::move(givenTopLabels.front());
        }
        j.set("samples", samplesJ);
        j.set("structure_samples_to_real", toReal);
        j.set("structure_self_to_real", selfToReal);
        j.set("unit", unitName);
        j.set("method", "per region, over its pixels at least " + std::to_string(kTextureDepth) +
                            " inside it: mean, std, and structure = mean |Gaussian(sigma 1) - Gaussian(sigma 3)| (the detail of vessels, septa and "
                            "ribs); body = the image's own body outline less lung and infection; samples: mean over the samples of the given masks");
        report.set("texture", j);
    }
    result.report = report;
    return result;
}

namespace {

struct ValueStats {
    double mean = std::numeric_limits<double>::quiet_NaN(), spread = std::numeric_limits<double>::quiet_NaN();
};

ValueStats statsInside(const Slice<float>& values, const LabelSlice& labels, std::uint8_t label) {
    double sum = 0, sum2 = 0;
    long n = 0;
    for (std::size_t i = 0; i < values.pixels().size(); ++i)
        if (labels.pixels()[i] == label) {
            sum += values.pixels()[i];
            sum2 += static_cast<double>(values.pixels()[i]) * values.pixels()[i];
            ++n;
        }
    ValueStats s;
    if (n) {
        s.mean = sum / n;
        s.spread = std::sqrt(std::max(0.0, sum2 / n - s.mean * s.mean));
    }
    return s;
}

Json statsJson(const ValueStats& sample, const ValueStats& training) {
    Json j = Json::object();
    j.set("mean", numberOrNull(sample.mean));
    j.set("std", numberOrNull(sample.spread));
    j.set("training_mean", numberOrNull(training.mean));
    j.set("training_std", numberOrNull(training.spread));
    return j;
}

}  // namespace

std::function<gan::SampleAssessment(const gan::SynthesizedSample&)> judgeSamples(const std::string& judgeDir, const std::string& modelDir,
                                                                                 std::optional<double> minDice, int threads, Json& description) {
    auto judge = std::make_shared<EvalModel>(judgeDir, threads);
    if (judge->task() != "segmentation") throw std::runtime_error(judgeDir + ": a " + judge->task() + " model cannot judge: a segmentation model is needed");
    const ModelSource source = readModelSource(modelDir, gan::readModelInfo(modelDir));
    const Slice<float> real = source.inUnits(source.image);
    const ValueStats realLung = statsInside(real, source.labels, 1), realInfection = statsInside(real, source.labels, 2);
    const double lungThreshold = minDice ? *minDice : QualityRequest{}.minLungDice;
    const double infectionThreshold = minDice ? *minDice : QualityRequest{}.minInfectionDice;

    description = Json::object();
    description.set("judge", fs::absolute(judgeDir).string());
    description.set("judge_arch", judge->arch());
    description.set("min_dice", minDice ? Json(*minDice) : Json());
    description.set("flag_thresholds", Json::arrayOf(std::vector<double>{lungThreshold, infectionThreshold}));
    description.set("rule", minDice ? "samples with lung DSC, or infection DSC where the mask has infection, below min_dice are left out"
                                    : "every sample is kept; suspect when lung DSC < the first threshold or infection DSC < the second");
    description.set("unit", source.unitName());
    description.set("lung_definition", kLungDefinition);

    return [=](const gan::SynthesizedSample& sample) {
        const LabelSlice predicted = judge->segment({asJudgeInput(sample, "")}).front();
        const std::size_t n = sample.labels.pixels().size();
        const LabelDice scored = labelDice(predicted.pixels().data(), sample.labels.pixels().data(), n);
        const DiceValue &dl = scored.lung, &dp = scored.lungParenchyma, &di = scored.infection;
        const Slice<float> values = source.inUnits(sample.image);
        gan::SampleAssessment a;
        Json d = Json::object();
        d.set("lung", numberOrNull(dl.dice));
        d.set("infection", numberOrNull(di.dice));
        d.set("lung_parenchyma", numberOrNull(dp.dice));
        a.quality.set("dice", d);
        a.quality.set("lung", statsJson(statsInside(values, sample.labels, 1), realLung));
        a.quality.set("infection", statsJson(statsInside(values, sample.labels, 2), realInfection));
        const std::string reason = suspectReason(scored, hasInfection(sample.labels), lungThreshold, infectionThreshold);
        a.quality.set("flag", reason.empty() ? "ok" : "suspect");
        if (!reason.empty()) a.quality.set("reason", reason);
        a.keep = !(minDice && !reason.empty());
        a.reason = reason;
        return a;
    };
}

std::string recordedQualityPath(const std::string& modelDir) { return (fs::path(modelDir) / "quality.json").string(); }

void recordQuality(const std::string& modelDir, const Json& report) { writeTextAtomically(recordedQualityPath(modelDir), report.dump(2) + "\n"); }

Json readRecordedQuality(const std::string& modelDir, bool* stale) {
    const std::string path = recordedQualityPath(modelDir);
    if (stale) *stale = false;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return Json::object();
    try {
        Json report = readJsonFile(path);
        if (!report.isObject()) return Json::object();
        const auto recorded = fs::last_write_time(path, ec);
        const auto written = fs::last_write_time(fs::path(modelDir) / "config.json", ec);
        if (stale && !ec) *stale = written > recorded;
        return report;
    } catch (const std::exception&) {
        return Json::object();  // a damaged record is as good as none: the figures are measured again
    }
}

}  // namespace ctsw::eval
