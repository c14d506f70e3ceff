// cosingan quality: how good a trained model is (core/eval/Quality.h), as JSON, with picture grids.
#include <cstdio>
#include <filesystem>

#include "Args.h"
#include "Commands.h"
#include "MaskSources.h"
#include "ReportCharts.h"
#include "SliceFiles.h"
#include "eval/EvalData.h"
#include "eval/Quality.h"
#include "gan/Engine.h"
#include "io/AtomicWrite.h"
#include "io/IoError.h"

namespace fs = std::filesystem;

namespace ctsw::cli {

namespace {

std::string fmt(const Json* j, const char* key, const char* format) {
    const Json* v = j ? j->find(key) : nullptr;
    if (!v || !v->isNumber()) return "n/a";
    char b[64];
    std::snprintf(b, sizeof b, format, v->asNumber());
    return b;
}

// The paper's Fig. 8: the training mask through every scale, stage 1 above stage 2, each brought to the
// top size (bilinear) so the tiles line up; the real slice closes both rows.
eval::ImageGrid scaleGrid(const eval::QualityResult& result) {
    eval::ImageGrid grid;
    const int top = result.real.width();
    const bool twoStages = !result.scales.empty() && result.scales.front().stage2.width() > 0;
    grid.title = twoStages ? "each scale's output for the training mask: stage 1 (top row), stage 2 (bottom row); the real slice last"
                           : "each scale's output for the training mask; the real slice last";
    grid.columns = static_cast<int>(result.scales.size()) + 1;
    auto addRow = [&](int stage) {
        for (const gan::ScaleOutput& s : result.scales) {
            const Slice<float>& image = stage == 1 ? s.stage1 : s.stage2;
            grid.add(eval::squareResize(eval::unitImageToBytes(image), top, 0.0f), {},
                     "scale " + std::to_string(s.scale) + ", " + std::to_string(s.size) + " px, stage " + std::to_string(stage));
        }
        grid.add(eval::unitImageToBytes(result.real), stage == 1 ? LabelSlice() : result.trainingLabels, stage == 1 ? "real" : "real, mask outlines");
    };
    addRow(1);
    if (twoStages) addRow(2);
    // A mask the model never saw, scale by scale: where its texture stops keeping up with the real
    // slice's shows here (the texture block's per_scale figures).
    if (!result.givenScales.empty()) {
        for (const gan::ScaleOutput& s : result.givenScales)
            grid.add(eval::squareResize(eval::unitImageToBytes(s.output()), top, 0.0f), {}, "first given mask, " + std::to_string(s.size) + " px");
        grid.add(eval::unitImageToBytes(result.givenScales.back().output()), result.givenLabels, "first given mask, outlines");
        grid.title += "; last row: the first given mask (randomized condition off)";
    }
    return grid;
}

}  // namespace

int runQuality(const std::vector<std::string>& argv) {
    Args args(argv, {"model", "judge", "masks", "mask-list", "mask", "mapping", "orient", "count", "seed", "out", "threads", "min-lung-dice", "min-infection-dice",
                     "image", "images", "series", "slice", "precision"},
              {"json"});
    if (!args.has("model")) throw UsageError("quality needs --model MODEL_DIR");
    if (int(args.has("mask")) + int(args.has("masks")) + int(args.has("mask-list")) > 1)
        throw UsageError("quality takes at most one of --mask MASK, --masks DIR or --mask-list FILE");
    eval::QualityRequest request;
    request.modelDir = args.value("model");
    request.judgeDir = args.value("judge");
    request.count = args.intValue("count", 4);
    if (request.count < 1) throw UsageError("--count must be at least 1");
    request.seed = static_cast<std::uint64_t>(args.intValue("seed", 1));
    request.threads = args.intValue("threads", 0);
    request.precision = args.oneOf("precision", {"auto", "fp32", "bf16"});
    if (args.has("min-lung-dice")) request.minLungDice = std::stod(args.value("min-lung-dice"));
    if (args.has("min-infection-dice")) request.minInfectionDice = std::stod(args.value("min-infection-dice"));
    const bool anyMask = args.has("mask") || args.has("masks") || args.has("mask-list");
    if (!anyMask && (args.has("image") || args.has("images"))) throw UsageError("--image and --images give the source slices of --mask, --masks or --mask-list");
    if (anyMask) {
        const MaskSources sources(maskSourceOptions(args));
        for (const std::string& file : collectMaskFiles(args.value("mask"), args.value("masks"), args.value("mask-list"))) {
            eval::QualityMask m;
            m.file = fs::absolute(file).string();
            std::optional<Geometry> grid;
            m.labels = readInputMask(file, args.value("mapping", "identity"), -1, args.value("orient"), sources.expectWidth(), sources.expectHeight(), &grid);
            if (const auto source = sources.forMask(file, m.labels, grid)) {
                m.source = source->values;
                m.sourceIsHu = source->valuesAreHu;
            }
            request.masks.push_back(std::move(m));
        }
    }

    eval::QualityResult result;
    try {
        result = eval::measureQuality(request);
    } catch (const IoError&) {
        throw;
    } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "cosingan quality: %s\n", e.what());
        return kBadInput;
    }
    Json& report = result.report;

    if (args.has("out")) {
        const fs::path out = args.value("out");
        fs::create_directories(out);
        ReportCanvas canvas;
        eval::ImageGrid grid;
        grid.title = "real slice, self-reconstruction and the edit measure's pair (randomized condition off), samples of the given masks with their outlines";
        grid.images = {eval::unitImageToBytes(result.real), eval::unitImageToBytes(result.self)};
        grid.labels = {result.trainingLabels, result.trainingLabels};
        grid.captions = {"real", "self"};
        if (!result.fromEdited.empty()) {
            grid.add(eval::unitImageToBytes(result.fromHealthy), result.healthyLabels, "infection made lung");
            grid.add(eval::unitImageToBytes(result.fromEdited), result.editedLabels, "lesion painted");
        }
        for (std::size_t i = 0; i < result.samples.size() && i < 14; ++i) {
            const auto& s = result.samples[i];
            grid.add(eval::unitImageToBytes(s.image), s.labels, "#" + std::to_string(s.seed) + (s.flag == "suspect" ? " suspect" : ""));
        }
        grid.columns = 8;
        drawImageGrid(grid, (out / "quality-grid.png").string());
        report.set("grid", (out / "quality-grid.png").string());
        drawImageGrid(scaleGrid(result), (out / "quality-scales.png").string());
        report.set("scale_grid", (out / "quality-scales.png").string());
        writeTextAtomically((out / "quality.json").string(), report.dump(2) + "\n");
    }

    // The model keeps its last report, which the workbench shows next to its previews. A model folder
    // the user cannot write to still gets its report on stdout and under --out.
    try {
        eval::recordQuality(request.modelDir, report);
        report.set("recorded", eval::recordedQualityPath(request.modelDir));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cosingan quality: warning: the report is not recorded in the model folder: %s\n", e.what());
    }

    if (args.flag("json")) {
        std::printf("%s\n", report.dump(2).c_str());
        return kOk;
    }
    const Json* self = report.find("self");
    const Json* mae = self ? self->find("mae") : nullptr;
    const Json* edit = report.find("edit");
    std::printf("model %s (%s, %d px)\n", report.stringOr("model", "").c_str(), report.stringOr("preset", "").c_str(), static_cast<int>(report.numberOr("top_size", 0)));
    std::printf("self-reconstruction: SSIM %s (inside the body %s), PSNR %s dB; mean absolute error %s background, %s lung, %s infection (%s)\n",
                fmt(self, "ssim", "%.3f").c_str(), fmt(self, "ssim_body", "%.3f").c_str(), fmt(self, "psnr", "%.1f").c_str(), fmt(mae, "background", "%.1f").c_str(),
                fmt(mae, "lung", "%.1f").c_str(), fmt(mae, "infection", "%.1f").c_str(), report.stringOr("unit", "").c_str());
    if (const Json* perScale = self ? self->find("per_scale") : nullptr) {
        // One line: where the cascade loses the picture (a scale below its input makes it worse).
        std::string line = "per scale (SSIM input -> stage 1 -> stage 2):";
        for (const Json& e : perScale->asArray())
            line += " " + std::to_string(static_cast<int>(e.numberOr("size", 0))) + " px " + (e.contains("ssim_input") ? fmt(&e, "ssim_input", "%.2f") + " -> " : std::string()) +
                    fmt(&e, "ssim_stage1", "%.2f") + (e.contains("ssim_stage2") ? " -> " + fmt(&e, "ssim_stage2", "%.2f") : std::string()) + ";";
        line.pop_back();
        std::printf("%s\n", line.c_str());
    }
    std::printf("painted lesion: %s inside it, %s for the same pixels as lung, %s in the real infection\n", fmt(edit, "added_infection_mean", "%.1f").c_str(),
                fmt(edit, "same_pixels_as_lung_mean", "%.1f").c_str(), fmt(edit, "real_infection_mean", "%.1f").c_str());
    std::printf("diversity: %s mean per-pixel spread inside the lung across seeds\n", fmt(report.find("diversity"), "lung_std_mean", "%.1f").c_str());
    if (const Json* texture = report.find("texture")) {
        const Json* toReal = texture->find("structure_samples_to_real");
        const Json* selfToReal = texture->find("structure_self_to_real");
        std::printf("texture (vessel-scale structure against the real slice's): samples of the masks %s lung, %s infection, %s body; self-reconstruction %s, %s, %s\n",
                    fmt(toReal, "lung", "%.2f").c_str(), fmt(toReal, "infection", "%.2f").c_str(), fmt(toReal, "body", "%.2f").c_str(),
                    fmt(selfToReal, "lung", "%.2f").c_str(), fmt(selfToReal, "infection", "%.2f").c_str(), fmt(selfToReal, "body", "%.2f").c_str());
        if (const Json* perScale = texture->find("per_scale")) {
            std::string line = "lung texture of the masks' outputs against the real slice's, per scale:";
            for (const Json& e : perScale->asArray())
                line += " " + std::to_string(static_cast<int>(e.numberOr("size", 0))) + " px " + fmt(e.find("lung"), "samples_to_real", "%.2f") + ",";
            line.pop_back();
            std::printf("%s\n", line.c_str());
        }
    }
    const Json* judge = report.find("judge");
    const Json* dice = judge ? judge->find("dice") : nullptr;
    if (dice) {
        std::printf("judge %s: lung DSC %s, infection DSC %s over %zu samples\n", judge->stringOr("model", "").c_str(), fmt(dice->find("lung"), "mean", "%.3f").c_str(),
                    fmt(dice->find("infection"), "mean", "%.3f").c_str(), report.at("samples").size());
        int suspect = 0;
        for (const Json& s : report.at("samples").asArray())
            if (s.stringOr("flag", "") == "suspect") {
                ++suspect;
                std::printf("  suspect: %s seed %d: %s\n", s.stringOr("file", "").c_str(), static_cast<int>(s.numberOr("seed", 0)), s.stringOr("reason", "").c_str());
            }
        std::printf("%d of %zu samples suspect\n", suspect, report.at("samples").size());
    } else if (judge) {
        std::printf("judge: %s\n", judge->stringOr("reason", "").c_str());
    }
    if (report.contains("grid")) std::printf("grid: %s\nper-scale grid: %s\n", report.stringOr("grid", "").c_str(), report.stringOr("scale_grid", "").c_str());
    if (report.contains("recorded")) std::printf("recorded in %s (the workbench shows it with the model's previews)\n", report.stringOr("recorded", "").c_str());
    return kOk;
}

}  // namespace ctsw::cli
