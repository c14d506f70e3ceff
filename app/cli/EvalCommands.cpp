// `cosingan seg-train`, `seg-eval` and `experiment`: the evaluation of synthesized data (core/eval).
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "Args.h"
#include "Commands.h"
#include "ReportCharts.h"
#include "eval/EvalData.h"
#include "eval/EvalTraining.h"
#include "eval/Experiment.h"
#include "eval/Metrics.h"
#include "gan/Engine.h"
#include "io/ImageFiles.h"
#include "io/IoError.h"
#include "json/Json.h"

namespace fs = std::filesystem;

namespace ctsw::cli {

namespace {

double doubleValue(const Args& args, const std::string& name, double fallback) {
    if (!args.has(name)) return fallback;
    try {
        return std::stod(args.value(name));
    } catch (...) {
        throw UsageError("--" + name + " expects a number");
    }
}


Json intervalJson(const eval::Interval& i) {
    Json j = Json::object();
    j.set("mean", numberOrNull(i.mean));
    j.set("low", numberOrNull(i.low));
    j.set("high", numberOrNull(i.high));
    j.set("n", i.n);
    return j;
}

}  // namespace

// The recipes of `seg-train` (core/eval's segmentationRecipe).
eval::FitOptions segRecipe(const std::string& name) {
    try {
        return eval::segmentationRecipe(name);
    } catch (const std::invalid_argument&) {
        throw UsageError("--recipe must be cpu or paper");
    }
}

int runSegTrain(const std::vector<std::string>& argv) {
    Args args(argv, {"train", "arch", "size", "out", "epochs", "batch", "width", "seed", "threads", "lr", "recipe", "loss", "schedule", "validate", "validate-every", "precision"},
              {"strong-augment", "weak-augment", "no-intensity-augment", "overwrite"});
    if (!args.has("train") || !args.has("out")) throw UsageError("seg-train needs --train DIR_OR_MANIFEST and --out MODEL");
    eval::FitOptions f = segRecipe(args.value("recipe", "cpu"));
    f.arch = args.value("arch", "unet");
    if (f.arch != "unet" && f.arch != "enet") throw UsageError("--arch must be unet or enet");
    const int size = args.intValue("size", 256);
    if (size < 64 || size % 32 != 0) throw UsageError("--size must be a multiple of 32, at least 64");
    const std::string out = args.value("out");
    // A folder holding only a stopped run's checkpoint is continued (fitSegmenter checks its settings).
    const bool unfinished = fs::is_directory(fs::path(out) / "checkpoint") && !eval::isTrainedModel(out);
    if (fs::exists(out) && !unfinished && !args.flag("overwrite")) throw IoError(out, "already exists; choose another folder or pass --overwrite");
    f.epochs = args.intValue("epochs", f.epochs);
    f.batch = args.intValue("batch", f.batch);
    f.width = doubleValue(args, "width", f.width);
    f.lr = doubleValue(args, "lr", f.lr);
    f.loss = args.value("loss", f.loss);
    if (f.loss != "ce" && f.loss != "dice-ce") throw UsageError("--loss must be ce or dice-ce");
    f.schedule = args.value("schedule", f.schedule);
    if (f.schedule != "paper" && f.schedule != "cosine") throw UsageError("--schedule must be paper or cosine");
    if (args.flag("strong-augment") && args.flag("weak-augment")) throw UsageError("--strong-augment and --weak-augment exclude each other");
    if (args.flag("strong-augment")) f.strongAugment = true;
    if (args.flag("weak-augment")) f.strongAugment = false;
    if (args.flag("no-intensity-augment")) f.intensityAugment = false;
    f.seed = static_cast<std::uint64_t>(args.intValue("seed", 1));
    f.threads = args.intValue("threads", 0);
    f.precision = args.oneOf("precision", {"auto", "fp32", "bf16"});
    f.trainingSet = fs::absolute(args.value("train")).string();
    f.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    std::vector<eval::EvalSample> validation;
    if (args.has("validate")) {
        validation = eval::loadSamples(args.value("validate"), eval::kOwnSize);
        f.validation = &validation;
        f.validationSet = fs::absolute(args.value("validate")).string();
        f.validateEvery = args.intValue("validate-every", std::max(1, f.epochs / 10));
        f.onValidation = [](const eval::ValidationPoint& p) {
            std::fprintf(stderr, "validation after epoch %d (%.1f min of training): DSC lung %.3f, infection %.3f\n", p.epoch, p.trainingSeconds / 60.0,
                         p.lungDice, p.infectionDice);
        };
    }
    const auto set = eval::loadSamples(args.value("train"), size);
    std::size_t derived = 0;
    for (const auto& s : set) derived += s.lungDerived ? 1 : 0;
    const bool bf16 = f.arch == "unet" && gan::cpuUsesBf16(f.precision);
    std::fprintf(stderr, "training %s (width %.3g, %d epochs, batch %d, lr %g %s, loss %s, %s augmentation%s, %s) on %zu slices at %d px%s; from scratch (no ImageNet weights)\n",
                 f.arch.c_str(), f.width, f.epochs, f.batch, f.lr, f.schedule.c_str(), f.loss.c_str(), f.strongAugment ? "strong" : "weak", f.intensityAugment ? " and random windows" : "",
                 bf16 ? "bf16 autocast" : "fp32", set.size(), size, derived ? " (lung label derived automatically)" : "");
    const eval::FitReport r = eval::fitSegmenter(set, f, out);
    std::printf("wrote %s: %d iterations in %.1f s, loss %.4f -> %.4f\n", out.c_str(), r.iterations, r.seconds, r.firstEpochLoss, r.lastEpochLoss);
    if (!r.curve.empty())
        std::printf("DSC on %s after the last epoch: lung %.3f, infection %.3f (recorded in model.json)\n", f.validationSet.c_str(), r.curve.back().lungDice,
                    r.curve.back().infectionDice);
    return kOk;
}

int runSegEval(const std::vector<std::string>& argv) {
    Args args(argv, {"model", "test", "threads", "at", "out"}, {"json"});
    if (!args.has("model") || !args.has("test")) throw UsageError("seg-eval needs --model MODEL and --test DIR_OR_MANIFEST");
    std::unique_ptr<eval::EvalModel> model;
    try {
        model = std::make_unique<eval::EvalModel>(args.value("model"), args.intValue("threads", 0));
    } catch (const std::runtime_error& e) {
        throw IoError(args.value("model"), e.what());
    }
    if (model->task() != "segmentation") throw IoError(args.value("model"), "is a " + model->task() + " model, not a segmentation model");
    // Scored at each slice's own size by default (the prediction resized back, as a user's slice would
    // be); --at model scores at the network's size, as earlier reports did.
    const std::string at = args.value("at", "own");
    if (at != "own" && at != "model") throw UsageError("--at must be own or model");
    const auto test = eval::loadSamples(args.value("test"), at == "own" ? eval::kOwnSize : model->size());
    const auto predicted = model->segment(test);
    const auto scores = eval::scoreSegmentation(predicted, test);
    if (args.has("out")) {
        // What the network did, slice by slice: the truth's outlines beside the prediction's.
        const fs::path out = args.value("out");
        fs::create_directories(out);
        ReportCanvas canvas;
        eval::ImageGrid grid;
        grid.title = "test slices: truth (left) and prediction (right); blue lung, red infection";
        grid.columns = 8;
        for (std::size_t i = 0; i < test.size(); ++i) {
            const eval::DiceValue& di = scores.perSliceDice[i].infection;
            grid.add(test[i].image, test[i].labels, test[i].id + " truth");
            char caption[64];
            std::snprintf(caption, sizeof caption, "%s infection %.2f", test[i].id.c_str(), di.defined ? di.dice : std::nan(""));
            grid.add(test[i].image, predicted[i], caption);
            writePngLabels(predicted[i], (out / (test[i].id + ".png")).string());
        }
        drawImageGrid(grid, (out / "segmentation-grid.png").string());
    }
    const eval::Interval lung = eval::tInterval(scores.lungPerSlice), infection = eval::tInterval(scores.infectionPerSlice);
    const eval::Interval parenchyma = eval::tInterval(scores.lungParenchymaPerSlice);
    bool derived = false;
    for (const auto& s : test) derived = derived || s.lungDerived;
    if (args.flag("json")) {
        Json j = Json::object();
        Json dice = Json::object();
        dice.set("lung", numberOrNull(lung.mean));
        dice.set("infection", numberOrNull(infection.mean));
        dice.set("lung_parenchyma", numberOrNull(parenchyma.mean));
        j.set("dice", dice);
        j.set("lung_definition", eval::kLungDefinition);
        Json pooled = Json::object();
        pooled.set("lung", numberOrNull(scores.lungPooled));
        pooled.set("lung_parenchyma", numberOrNull(scores.lungParenchymaPooled));
        pooled.set("infection", numberOrNull(scores.infectionPooled));
        j.set("dice_pooled", pooled);
        Json ci = Json::object();
        ci.set("method", "Student's t over test slices, n-1 degrees of freedom");
        ci.set("lung", intervalJson(lung));
        ci.set("infection", intervalJson(infection));
        ci.set("lung_parenchyma", intervalJson(parenchyma));
        j.set("ci95", ci);
        Json perSlice = Json::array();
        for (std::size_t i = 0; i < test.size(); ++i) {
            Json s = Json::object();
            s.set("id", test[i].id);
            const eval::DiceValue &dl = scores.perSliceDice[i].lung, &dp = scores.perSliceDice[i].lungParenchyma, &di = scores.perSliceDice[i].infection;
            s.set("lung", dl.defined ? Json(dl.dice) : Json());
            s.set("lung_parenchyma", dp.defined ? Json(dp.dice) : Json());
            s.set("infection", di.defined ? Json(di.dice) : Json());
            perSlice.push(s);
        }
        j.set("per_slice", perSlice);
        j.set("slices", scores.slices);
        j.set("lung_label", derived ? "derived automatically (not drawn by radiologists)" : "as given");
        j.set("model", fs::absolute(args.value("model")).string());
        j.set("scored_at", at == "own" ? eval::kScoredAtOwnSize : "the model's size");
        std::printf("%s\n", j.dump().c_str());
        return kOk;
    }
    std::printf("%d test slices; DSC per slice, mean [95%% CI]: lung %.3f [%.3f, %.3f] (%d slices)%s, infection %.3f [%.3f, %.3f] (%d slices); pooled: lung %.3f, infection %.3f\n"
                "(lung: the lung field, lung and infection together; the lung label alone, outside the infection: %.3f [%.3f, %.3f])\n",
                scores.slices, lung.mean, lung.low, lung.high, lung.n, derived ? " (lung derived)" : "", infection.mean, infection.low, infection.high, infection.n,
                scores.lungPooled, scores.infectionPooled, parenchyma.mean, parenchyma.low, parenchyma.high);
    return kOk;
}

int runExperiment(const std::vector<std::string>& argv) {
    Args args(argv, {"protocol", "data", "out", "size", "budget", "threads", "device", "slices", "seed", "train", "test", "negatives-train", "negatives-test", "precision"}, {});
    eval::ExperimentOptions o;
    o.protocol = args.value("protocol", "paper");
    if (o.protocol != "paper" && o.protocol != "smoke") throw UsageError("--protocol must be paper or smoke");
    if (!args.has("out")) throw UsageError("experiment needs --out REPORT_DIR");
    if (!args.has("data") && !(args.has("train") && args.has("test") && args.has("negatives-train") && args.has("negatives-test")))
        throw UsageError("experiment needs --data DIR (shared/data's layout), or --train, --test, --negatives-train and --negatives-test");
    o.dataDir = args.value("data");
    o.trainDir = args.value("train");
    o.testDir = args.value("test");
    o.negativesTrain = args.value("negatives-train");
    o.negativesTest = args.value("negatives-test");
    o.outDir = args.value("out");
    o.budget = args.value("budget", o.protocol == "smoke" ? "smoke" : "fast");
    o.size = args.intValue("size", o.protocol == "smoke" ? 64 : 256);
    o.threads = args.intValue("threads", 0);
    o.precision = args.oneOf("precision", {"auto", "fp32", "bf16"});
    o.device = args.value("device", "auto");
    o.seed = static_cast<std::uint64_t>(args.intValue("seed", 1));
    if (args.has("slices")) {
        const std::string s = args.value("slices");
        const auto comma = s.find(',');
        if (comma == std::string::npos) throw UsageError("--slices expects two training-slice ids such as 3,17");
        o.slice1 = s.substr(0, comma);
        o.slice2 = s.substr(comma + 1);
    }
    o.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    const ReportCanvas canvas;
    o.drawChart = drawBarChart;
    o.drawGrid = drawImageGrid;
    const eval::ExperimentResult r = eval::runExperiment(o);
    std::printf("report: %s (%.0f s)\n", r.reportPath.c_str(), r.seconds);
    return kOk;
}

}  // namespace ctsw::cli
