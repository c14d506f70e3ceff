// `cosingan train` and `cosingan synthesize`.
#include <atomic>
#include <algorithm>
#include <chrono>
#include <cctype>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

#include <torch/version.h>

#include "Args.h"
#include "Commands.h"
#include "MaskSources.h"
#include "SliceFiles.h"
#include "gan/DatasetExport.h"
#include "gan/Engine.h"
#ifndef CTSW_ENGINE_ONLY
#include "eval/Quality.h"
#include "io/IoError.h"
#endif
#include "gan/GpuProbe.h"
#include "json/Json.h"
#include "io/IoError.h"

namespace fs = std::filesystem;

namespace ctsw::cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void onStopSignal(int) { g_stop.store(true); }

std::string fmtSeconds(double s) {
    char b[32];
    if (s < 0 || !std::isfinite(s)) return "?";
    const long t = static_cast<long>(s + 0.5);
    std::snprintf(b, sizeof b, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
    return b;
}

// Human-readable progress on stderr when no event stream was asked for.
void printEvent(const Json& e) {
    static auto last = std::chrono::steady_clock::time_point{};
    const std::string type = e.stringOr("type", "");
    if (type == "progress") {
        const auto now = std::chrono::steady_clock::now();
        if (now - last < std::chrono::seconds(2)) return;
        last = now;
        if (e.stringOr("phase", "") == "feature-unet") {
            std::fprintf(stderr, "feature U-Net %d/%d  loss %.4f\n", e.at("iteration").asInt(), e.at("iterations_total").asInt(), e.numberOr("unet_segmentation_loss", 0));
            return;
        }
        char adversarial[64] = "adversarial off";  // the scale trains without the adversarial term
        if (e.contains("loss_d"))
            std::snprintf(adversarial, sizeof adversarial, "D %.3f  G adv %.3f", e.numberOr("loss_d", 0), e.numberOr("loss_g_adv", 0));
        std::fprintf(stderr, "scale %d/%d (%dpx) stage %d  it %d/%d  %s  WPPL %.4f  1-MSSSIM %.4f  UNet %.4f  %.1f it/s  ETA %s\n",
                     e.at("scale").asInt() + 1, e.at("scales").asInt(), e.at("size").asInt(), e.at("stage").asInt(), e.at("iteration").asInt(),
                     e.at("iterations").asInt(), adversarial, e.numberOr("loss_wppl", 0), e.numberOr("loss_msssim", 0),
                     e.numberOr("loss_unet", 0), e.numberOr("iterations_per_second", 0), fmtSeconds(e.numberOr("eta_seconds", -1)).c_str());
    } else if (type == "started") {
        std::fprintf(stderr, "training %s on %s (preset %s)%s\n", e.stringOr("model", "").c_str(), e.stringOr("device", "").c_str(), e.stringOr("preset", "").c_str(),
                     e.boolOr("resumed", false) ? ", resumed" : "");
    } else if (type == "notice") {
        std::fprintf(stderr, "note: %s\n", e.stringOr("message", "").c_str());
    } else if (type == "checkpoint") {
        // quiet: stage ends are visible in the progress lines
    } else if (type == "failed") {
        std::fprintf(stderr, "training failed: %s\n%s%s", e.stringOr("reason", "").c_str(), e.contains("hint") ? "hint: " : "",
                     e.contains("hint") ? (e.stringOr("hint", "") + "\n").c_str() : "");
    } else if (type == "stopped") {
        std::fprintf(stderr, "stopped at scale %d stage %d iteration %d; resume with --resume\n", e.at("scale").asInt() + 1, e.at("stage").asInt(), e.at("iteration").asInt());
    } else if (type == "finished") {
        std::fprintf(stderr, "finished: %s\n", e.stringOr("path", "").c_str());
    }
}

}  // namespace

int runTrain(const std::vector<std::string>& argv) {
    Args args(argv, {"image", "mask", "out", "preset", "config", "events", "seed", "device", "threads", "series", "slice", "mapping", "orient", "precision"},
              {"resume"});
    if (!args.has("out")) throw UsageError("train needs --out MODEL_DIR");
    const std::string out = args.value("out");
    const bool resume = args.flag("resume");
    const std::string events = args.value("events");
    if (!events.empty() && events != "jsonl") throw UsageError("--events takes jsonl");

    gan::TrainOptions options;
    options.modelDir = out;
    options.resume = resume;
    options.device = args.value("device", "auto");
    options.threads = args.intValue("threads", 0);
    options.precision = args.oneOf("precision", {"auto", "fp32", "bf16"});
    gan::TrainingPair pair;
    if (!resume) {
        if (!args.has("image") || !args.has("mask")) throw UsageError("train needs --image IMG and --mask MASK (or --resume)");
        options.config = gan::GanConfig::fromPreset(args.value("preset", "fast"));
        if (args.has("config")) {
            try {
                options.config.applyJson(readJsonFile(args.value("config")));
            } catch (const std::exception& e) {
                throw IoError(args.value("config"), e.what());
            }
        }
        if (args.has("seed")) options.config.seed = static_cast<std::uint64_t>(args.intValue("seed", 1));
        options.config.validate();
        const int k = args.intValue("slice", -1);
        InputSlice img = readInputSlice(args.value("image"), args.value("series"), k, args.value("orient"));
        LabelSlice mask = readInputMask(args.value("mask"), args.value("mapping", "identity"), k, args.value("orient"), img.values.width(), img.values.height());
        try {
            pair = gan::prepareTrainingPair(img.values, img.valuesAreHu, mask, options.config.topSize(), options.config.huLow, options.config.huHigh);
        } catch (const std::invalid_argument& e) {
            throw IoError(args.value("mask"), e.what());
        }
        pair.provenance = img.provenance;
        pair.provenance.set("mask", fs::absolute(args.value("mask")).string());
        pair.provenance.set("mask_mapping", args.value("mapping", "identity"));
        const LabelCounts counts = countLabels(mask.pixels());
        pair.provenance.set("mask_pixels", Json::arrayOf(counts.perLabel));
    } else if (args.has("preset") || args.has("config") || args.has("seed")) {
        std::fprintf(stderr, "note: --resume continues with the configuration stored in %s/config.json; --preset, --config and --seed are ignored\n", out.c_str());
    }

    const bool jsonl = events == "jsonl";
    options.onEvent = [jsonl](const Json& e) {
        if (jsonl) {
            std::fputs((e.dump() + "\n").c_str(), stdout);
            std::fflush(stdout);
        } else {
            printEvent(e);
        }
    };
    g_stop = false;
    options.stopRequested = &g_stop;
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);

    gan::TrainOutcome outcome;
    try {
        outcome = gan::train(pair, options);
    } catch (const std::invalid_argument& e) {
        throw IoError(out, e.what());
    } catch (const std::runtime_error& e) {
        // Model-folder problems (truncated weights, foreign config) are bad input, named by the message.
        std::string what = e.what();
        if (what.find("the disk is full") != std::string::npos) what += "; free disk space, then `cosingan train --resume --out " + out + "` continues";
        if (what.find(out) != std::string::npos) {
            if (jsonl) {
                Json f = Json::object();
                f.set("type", "failed");
                f.set("reason", what);
                std::fputs((f.dump() + "\n").c_str(), stdout);
            }
            std::fprintf(stderr, "cosingan train: %s\n", what.c_str());
            return kBadInput;
        }
        throw;
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return outcome == gan::TrainOutcome::Failed ? kInternalError : kOk;
}

int runSynthesize(const std::vector<std::string>& argv) {
    Args args(argv, {"model", "model2", "mask", "masks", "mask-list", "count", "seed", "out", "device", "threads", "mapping", "slice", "orient", "alpha", "rc-magnitudes",
                     "judge", "min-dice", "layout", "dataset-id", "name", "image", "images", "series", "precision"},
              {"no-rc", "dropout", "fuse", "overwrite"});
    if (!args.has("model")) throw UsageError("synthesize needs --model MODEL_DIR");
    if (!args.has("out")) throw UsageError("synthesize needs --out DIR");
    if (int(args.has("mask")) + int(args.has("masks")) + int(args.has("mask-list")) != 1)
        throw UsageError("synthesize needs exactly one of --mask MASK, --masks DIR or --mask-list FILE");
    const bool fuse = args.flag("fuse") || args.has("model2");
    if (fuse && !args.has("model2")) throw UsageError("--fuse needs --model2 MODEL_DIR");
    const int count = args.intValue("count", 8);
    if (count < 1) throw UsageError("--count must be at least 1");
    gan::DatasetLayout layout;
    layout.kind = args.value("layout", "product");
    layout.datasetId = args.intValue("dataset-id", layout.datasetId);
    layout.name = args.value("name", layout.name);
    if ((args.has("dataset-id") || args.has("name")) && layout.kind != "nnunet") throw UsageError("--dataset-id and --name belong to --layout nnunet");
    fs::path out;
    try {
        out = gan::datasetFolder(args.value("out"), layout);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    if (layout.kind != "product" && !canWriteNifti()) throw UsageError("--layout " + layout.kind + " writes NIfTI, which needs the full build");
    if (fs::exists(out) && !args.flag("overwrite")) throw IoError(out.string(), "already exists; choose another folder or pass --overwrite");

    gan::setThreads(args.intValue("threads", 0));
    std::unique_ptr<gan::Synthesizer> synth;
    try {
        synth = std::make_unique<gan::Synthesizer>(args.value("model"), args.value("device", "auto"), fuse ? args.value("model2") : std::string(),
                                                   args.oneOf("precision", {"auto", "fp32", "bf16"}));
    } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "cosingan synthesize: %s\n", e.what());
        return kBadInput;
    }

    const std::vector<std::string> maskFiles = collectMaskFiles(args.value("mask"), args.value("masks"), args.value("mask-list"));

    gan::SynthesisOptions so;
    so.count = count;
    so.seed = static_cast<std::uint64_t>(args.intValue("seed", 1));
    so.randomizedCondition = !args.flag("no-rc");
    so.dropout = args.flag("dropout");
    if (args.has("rc-magnitudes")) {
        std::array<double, 3> m{};
        if (std::sscanf(args.value("rc-magnitudes").c_str(), "%lf,%lf,%lf", &m[0], &m[1], &m[2]) != 3 || m[0] < 0 || m[1] < 0 || m[2] < 0)
            throw UsageError("--rc-magnitudes expects three non-negative numbers such as 16,16,32");
        so.conditionNoise = m;
    }
    if (args.has("alpha")) {
        try {
            so.fusionAlpha = std::stod(args.value("alpha"));
        } catch (...) {
            throw UsageError("--alpha expects a number in [0, 1]");
        }
        if (*so.fusionAlpha < 0 || *so.fusionAlpha > 1) throw UsageError("--alpha expects a number in [0, 1]");
    }

    gan::DatasetOptions options;
    options.synthesis = so;
    options.layout = layout;
    options.overwrite = args.flag("overwrite");
    options.modelPath = fs::absolute(args.value("model")).string();
    if (fuse) options.secondModelPath = fs::absolute(args.value("model2")).string();
    if (args.has("min-dice") && !args.has("judge")) throw UsageError("--min-dice needs --judge SEG_MODEL");
    if (args.has("judge")) {
#ifdef CTSW_ENGINE_ONLY
        throw UsageError("--judge needs the full build (the engine-only build has no segmentation networks)");
#else
        std::optional<double> minDice;
        if (args.has("min-dice")) {
            try {
                minDice = std::stod(args.value("min-dice"));
            } catch (...) {
                throw UsageError("--min-dice expects a number in [0, 1]");
            }
            if (*minDice < 0 || *minDice > 1) throw UsageError("--min-dice expects a number in [0, 1]");
        }
        try {
            options.assess = eval::judgeSamples(args.value("judge"), args.value("model"), minDice, args.intValue("threads", 0), options.assessment);
        } catch (const std::runtime_error& e) {
            std::fprintf(stderr, "cosingan synthesize: %s\n", e.what());
            return kBadInput;
        }
#endif
    }
    gan::DatasetWriters writers;
    writers.imageExtension = imageExtension();
    writers.writeImage8 = writeImage8;
    if (canWriteNifti()) {
        writers.writeNiftiImage = writeNiftiSlice;
        writers.writeNiftiMask = writeNiftiMask;
    }
    const MaskSources sources(maskSourceOptions(args));
    std::vector<gan::MaskInput> inputs;
    for (const auto& maskPath : maskFiles) {
        gan::MaskInput input;
        input.source = fs::absolute(maskPath).string();
        // A NIfTI mask brings its slice's grid: the samples are written on it.
        input.labels = readInputMask(maskPath, args.value("mapping", "identity"), args.intValue("slice", -1), args.value("orient"), sources.expectWidth(),
                                     sources.expectHeight(), &input.geometry);
        if (const auto source = sources.forMask(maskPath, input.labels, input.geometry)) {
            input.sourceSlice = source->values;
            input.sourceIsHu = source->valuesAreHu;
        }
        inputs.push_back(std::move(input));
    }
    gan::DatasetResult result;
    try {
        result = gan::exportDataset(*synth, inputs, args.value("out"), options, writers);
    } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "cosingan synthesize: %s\n", e.what());
        return kBadInput;
    }
    std::printf("wrote %d samples to %s in %.2f s (%.3f s per sample; %s)\n", result.samples, result.folder.c_str(), result.seconds,
                result.seconds / std::max(1, result.samples), synth->precision().c_str());
    if (result.bodyEstimated > 0)
        std::printf("note: %d of %zu masks had no source slice; the model's body outline was estimated from their lungs (give --image IMG for the slice the masks belong to, or --images DIR for an image per mask)\n",
                    result.bodyEstimated, inputs.size());
    if (options.assess && args.has("min-dice"))
        std::printf("the judge left out %d suspect samples (named in manifest.json under quality.left_out_samples)\n", result.leftOut);
    else if (options.assess)
        std::printf("each sample's judge DSC, value statistics and flag are in manifest.json and manifest.csv\n");
    return kOk;
}

}  // namespace ctsw::cli

namespace ctsw::cli {

int runDevice(const std::vector<std::string>& argv) {
    Args args(argv, {"threads"}, {"json"});
    gan::setThreads(args.intValue("threads", 0));
    const gan::DeviceInfo chosen = gan::resolveDevice("auto");
    const gan::GpuProbe probe = gan::probeGpus();
    const bool cuda = chosen.cuda;
    if (args.flag("json")) {
        Json j = Json::object();
        j.set("libtorch", Json(std::string(TORCH_VERSION)));
        j.set("cuda", Json(cuda));
        j.set("cuda_devices", Json(static_cast<double>(gan::cudaDeviceCount())));
        j.set("default_device", Json(std::string(cuda ? "cuda" : "cpu")));
        j.set("description", Json(chosen.description));
        j.set("cpu_threads", Json(static_cast<double>(gan::threadCount())));
        j.set("cpu_kernels", Json(gan::cpuKernelPath()));
        Json gpus = Json::array();
        for (const auto& g : probe.gpus) {
            Json o = Json::object();
            o.set("index", Json(static_cast<double>(g.index)));
            o.set("name", Json(g.name));
            o.set("memory_total_mib", Json(std::round(g.totalMiB)));
            o.set("memory_free_mib", Json(std::round(g.freeMiB)));
            gpus.push(o);
        }
        j.set("gpus", gpus);
        if (!probe.driverVersion.empty()) j.set("driver", Json(probe.driverVersion));
        if (!probe.problem.empty()) j.set("gpu_problem", Json(probe.problem));
        std::printf("%s\n", j.dump().c_str());
        return kOk;
    }
    std::printf("LibTorch %s; training and synthesis use: %s\n", TORCH_VERSION, chosen.description.c_str());
    for (const auto& g : probe.gpus)
        std::printf("  GPU %d: %s, %.1f GiB, %.1f GiB free\n", g.index, g.name.c_str(), g.totalMiB / 1024.0, g.freeMiB / 1024.0);
    if (!probe.problem.empty()) std::printf("  GPU: %s\n", probe.problem.c_str());
    if (!cuda && !probe.gpus.empty())
        std::printf("  The driver sees a GPU but this LibTorch cannot use it (a CPU-only build such as Debian's): build against a CUDA LibTorch with -DTorch_DIR=...\n");
    return kOk;
}

}  // namespace ctsw::cli
