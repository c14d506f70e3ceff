#include "eval/Experiment.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "eval/EvalData.h"
#include "eval/EvalTraining.h"
#include "gan/Engine.h"
#include "io/AtomicWrite.h"
#include "io/IoError.h"
#include "json/Json.h"

namespace fs = std::filesystem;

namespace ctsw::eval {

namespace {

using Clock = std::chrono::steady_clock;

// What a budget buys. `fast`: CoSinGAN's fast preset and the segmenters of `seg-train`'s cpu recipe,
// which converge (the whole run's time is in its report); `full` uses the paper's epochs and batch
// and standard widths.
struct Budget {
    gan::GanConfig cosingan;
    int baselineIterations = 0;
    int segEpochs = 0, segBatch = 0, clsEpochs = 0, clsBatch = 0;
    double lr = 1e-4;  // the paper's, for networks it initialised from ImageNet
    std::string clsSchedule = "paper";  // FitOptions::schedule of the classifiers
    bool clsIntensityAugment = false;    // random windows for the classifiers
    // Segmenters: "" trains with segEpochs/segBatch/lr above and cross entropy; a recipe name
    // (segmentationRecipe) trains with it, its epochs scaled so that every set gets the recipe's number
    // of slice presentations whatever the pool's size.
    std::string segRecipe;
    int segSlicePresentations = kCpuRecipeSliceEpochs;  // with a recipe: slices shown per training
    double unetWidth = 1, enetWidth = 1, resnet18Width = 1, resnet50Width = 1;
    int maxTrain = 0, maxTest = 0, maxNegatives = 0;  // 0 = all (the smoke protocol takes a few)
};

gan::GanConfig pyramidUpTo(gan::GanConfig c, int size) {
    std::vector<int> sizes, downs, dlayers;
    std::vector<double> iterationFactors, adversarialFactors;
    for (std::size_t i = 0; i < c.sizes.size(); ++i)
        if (c.sizes[i] <= size) {
            sizes.push_back(c.sizes[i]), downs.push_back(c.generatorDowns[i]), dlayers.push_back(c.discriminatorLayers[i]);
            if (i < c.iterationFactors.size()) iterationFactors.push_back(c.iterationFactors[i]);
            if (i < c.adversarialFactors.size()) adversarialFactors.push_back(c.adversarialFactors[i]);
        }
    if (sizes.empty() || sizes.back() != size) {
        std::string list;
        for (int s : c.sizes) list += (list.empty() ? "" : ", ") + std::to_string(s);
        throw std::invalid_argument("--size " + std::to_string(size) + " is not a scale of the " + c.preset + " pyramid (" + list + ")");
    }
    c.sizes = sizes;
    c.generatorDowns = downs;
    c.discriminatorLayers = dlayers;
    c.iterationFactors = iterationFactors;
    c.adversarialFactors = adversarialFactors;
    return c;
}

Budget budgetFor(const ExperimentOptions& o) {
    Budget b;
    if (o.protocol == "smoke" || o.budget == "smoke") {
        gan::GanConfig c = gan::GanConfig::fromPreset("smoke");
        c.sizes = {32, 64};
        c.generatorDowns = {4, 5};
        c.discriminatorLayers = {3, 3};
        b.cosingan = pyramidUpTo(c, o.size);
        b.baselineIterations = 8;
        b.segEpochs = b.clsEpochs = 2;
        b.lr = 1e-3;
        b.segBatch = b.clsBatch = 4;
        b.unetWidth = 0.125, b.enetWidth = 0.25, b.resnet18Width = 0.125, b.resnet50Width = 0.125;
        b.maxTrain = 6, b.maxTest = 4, b.maxNegatives = 3;
        return b;
    }
    gan::GanConfig c = pyramidUpTo(gan::GanConfig::fromPreset("fast"), o.size);
    if (o.budget == "fast") {
        // The fast preset itself, as users train it (two models, about 13 min each on 2 cores). It was
        // 35 % of the preset's iterations while the segmenters were cheap; they now dominate the run.
        b.cosingan = c;
        b.baselineIterations = c.stage1Iterations + c.stage2Iterations;  // the same iterations as CoSinGAN's top scale
        // Segmenters: the cpu recipe, which converges on real MedSeg slices (docs/evaluation.md); the
        // earlier 12 epochs at width 0.125 left the real-data segmenter below the single-slice one, a
        // judge too weak to rank anything.
        b.segRecipe = "cpu";
        // Two thirds of the recipe's presentations (4,000: 500 updates of the 73-slice sets) keep the
        // run inside 2 hours on 2 cores with a margin: 80 minutes on an AMD EPYC with the U-Nets in
        // bf16 (U-Net 4.0-4.8, ENet 3.3-3.4 minutes each; the full 6,000 would add about 23 minutes
        // there, and far more on a CPU without bf16 kernels). The recipe's curve ends 0.03 higher in
        // infection DSC with twice the epochs (60: .75 / .59, 120: .754 / .624), inside its run-to-run
        // spread of 0.05, and the report's real-data segmenters then rank the sets clearly (OC-TS
        // above every other set, paired intervals excluding 0; docs/evaluation.md).
        b.segSlicePresentations = 4000;
        const FitOptions recipe = segmentationRecipe(b.segRecipe);
        b.segBatch = recipe.batch;
        b.unetWidth = recipe.width, b.enetWidth = 1.0;
        // Classifiers, from scratch: 10x the paper's learning rate, which was set for ImageNet-initialised
        // networks and 1,800 updates. 30 epochs (about 275 updates) with warm-up and cosine decay, and
        // random windows: trained on the real set (OC-TS), ResNet18 then calls 10 of the 10 negative
        // test slices negative with seeds 1 and 3 (0 with seed 2), where 8 epochs without random windows
        // called 0-1 of 10 negative; every positive stays positive (docs/evaluation.md).
        b.clsEpochs = 30, b.clsBatch = 8;
        b.clsSchedule = "cosine";
        b.clsIntensityAugment = true;
        b.lr = 1e-3;
        b.resnet18Width = 0.5, b.resnet50Width = 0.25;
        return b;
    }
    if (o.budget == "full") {
        b.cosingan = c;
        b.baselineIterations = c.stage1Iterations + c.stage2Iterations;
        b.segEpochs = b.clsEpochs = 10;  // the paper: 10 epochs, batch 16, standard widths
        b.segBatch = b.clsBatch = 16;
        return b;
    }
    throw std::invalid_argument("unknown --budget \"" + o.budget + "\" (smoke, fast, full)");
}

std::string fmt(double v, int digits = 3) {
    if (!std::isfinite(v)) return "n/a";
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

std::string pct(const Interval& i) {
    if (!std::isfinite(i.mean)) return "n/a";
    char b[64];
    if (i.n >= 2) std::snprintf(b, sizeof b, "%.1f [%.1f, %.1f]", 100 * i.mean, 100 * i.low, 100 * i.high);
    else std::snprintf(b, sizeof b, "%.1f", 100 * i.mean);
    return b;
}

struct Logger {
    std::ofstream file;
    std::function<void(const std::string&)> sink;
    Clock::time_point start = Clock::now();
    void operator()(const std::string& line) {
        const double t = std::chrono::duration<double>(Clock::now() - start).count();
        char stamp[32];
        std::snprintf(stamp, sizeof stamp, "[%6.0f s] ", t);
        file << stamp << line << "\n" << std::flush;
        if (sink) sink(stamp + line);
    }
};

struct Timings {
    std::vector<std::pair<std::string, double>> phases;
    Clock::time_point t = Clock::now();
    void mark(const std::string& name) {
        const auto now = Clock::now();
        phases.emplace_back(name, std::chrono::duration<double>(now - t).count());
        t = now;
    }
};

// One generator of the comparison: CoSinGAN or a single-scale baseline of training slice k.
gan::GanConfig baselineConfig(const Budget& b, bool mixedLoss) {
    gan::GanConfig c = b.cosingan;
    c.preset = mixedLoss ? "enhanced-pix2pix" : "pix2pix";
    // The paper's generator depth at this size (7 downsamplings at 256 px; fast's finest scale has 6 to
    // start from its coarser scale, which a single-scale network does not have) and pix2pix's
    // adversarial term, which fast leaves out at its finest scales.
    const int downs = pyramidUpTo(gan::GanConfig::fromPreset("paper"), c.sizes.back()).generatorDowns.back();
    c.sizes = {c.sizes.back()};
    c.generatorDowns = {downs};
    c.discriminatorLayers = {c.discriminatorLayers.back()};
    c.iterationFactors.clear();
    c.adversarialFactors.clear();
    c.residual = false;  // pix2pix's direct output
    // pix2pix's own learning rate, class weights, augmentation and three labels, not the fast preset's
    // single-slice tuning: the baselines stay the published methods.
    const gan::GanConfig paper;
    c.stage1Lr = paper.stage1Lr;
    c.classWeights = paper.classWeights;
    c.noAugmentProbability = paper.noAugmentProbability;
    c.bodyCondition = false;
    c.stage1Iterations = b.baselineIterations;
    c.stage1DecayStart = b.baselineIterations / 2;
    c.stage2Iterations = 0;
    c.stage2DecayStart = 0;
    if (!mixedLoss) {
        // pix2pix: adversarial + weighted L1 (WPPL) with pix2pix's weight 100, nothing else.
        c.weightWppl = 100.0;
        c.weightMsssim = 0.0;
        c.weightUnet = 0.0;
        c.weightVgg = 0.0;
    }
    return c;
}

void trainGan(const EvalSample& slice, gan::GanConfig config, const std::string& dir, const ExperimentOptions& o, Logger& log) {
    if (fs::exists(dir)) {
        const gan::ModelInfo info = gan::readModelInfo(dir);
        if (info.complete) {
            log("reusing " + dir);
            return;
        }
    }
    gan::TrainOptions t;
    t.config = std::move(config);
    t.modelDir = dir;
    t.resume = fs::exists(fs::path(dir) / "config.json");
    t.device = o.device;
    t.threads = o.threads;
    auto last = Clock::now();
    t.onEvent = [&](const Json& e) {
        const std::string type = e.stringOr("type", "");
        if (type == "failed") log("training " + dir + " failed: " + e.stringOr("reason", "?"));
        if (type != "progress" || Clock::now() - last < std::chrono::seconds(30)) return;
        last = Clock::now();
        char line[160];
        std::snprintf(line, sizeof line, "%s: %s, scale %d of %d, iteration %d, ETA %.0f s", fs::path(dir).filename().string().c_str(), e.stringOr("phase", "").c_str(),
                      static_cast<int>(e.numberOr("scale", 0)) + 1, static_cast<int>(e.numberOr("scales", 0)),
                      static_cast<int>(e.numberOr("overall_iteration", e.numberOr("iteration", 0))), e.numberOr("eta_seconds", -1));
        log(line);
    };
    gan::TrainingPair pair = gan::prepareTrainingPair(slice.image, false, slice.labels, t.config.topSize(), 0, 255);
    pair.provenance.set("file", slice.source);
    pair.provenance.set("lung", "derived automatically");
    if (gan::train(pair, t) != gan::TrainOutcome::Finished) throw std::runtime_error(dir + ": training did not finish (see the log)");
    log("trained " + dir);
}


// One synthesized sample per mask of the pool.
std::vector<EvalSample> synthesizeSet(const std::string& model, const std::string& model2, const std::vector<EvalSample>& masks, bool rc,
                                      std::uint64_t seed, const ExperimentOptions& o) {
    gan::Synthesizer synth(model, o.device, model2);
    std::vector<EvalSample> out;
    for (std::size_t i = 0; i < masks.size(); ++i) {
        gan::SynthesisOptions so;
        so.count = 1;
        so.seed = seed + i;
        so.randomizedCondition = rc;
        auto samples = synth.synthesize(masks[i].labels, so);
        EvalSample s;
        s.id = masks[i].id;
        s.source = model;
        s.image = unitImageToBytes(samples.front().image);
        s.labels = masks[i].labels;
        s.lungDerived = masks[i].lungDerived;
        out.push_back(std::move(s));
    }
    return out;
}

// The paper's confidence interval is Student's t over its 5 test scans; the MedSeg slices carry no
// patient, so the classification metrics are computed on 5 interleaved groups of the test slices
// (slice i in group i mod 5) and the t-interval is taken over the groups (4 degrees of freedom).
struct ClassScores {
    Confusion all;
    Interval sensitivity, specificity, accuracy;
};

ClassScores scoreClassification(const std::vector<double>& probability, const std::vector<EvalSample>& test) {
    ClassScores s;
    std::vector<Confusion> groups(5);
    for (std::size_t i = 0; i < test.size(); ++i) {
        const bool predicted = probability[i] >= 0.5, truth = test[i].infection();
        s.all.add(predicted, truth);
        groups[i % 5].add(predicted, truth);
    }
    std::vector<double> sens, spec, acc;
    for (const auto& g : groups) sens.push_back(g.sensitivity()), spec.push_back(g.specificity()), acc.push_back(g.accuracy());
    s.sensitivity = tInterval(sens);
    s.specificity = tInterval(spec);
    s.accuracy = tInterval(acc);
    return s;
}

std::string csvField(const std::string& s) { return s.find(',') == std::string::npos ? s : "\"" + s + "\""; }

EvalSample byId(const std::vector<EvalSample>& set, const std::string& id) {
    for (const auto& s : set)
        if (s.id == id) return s;
    throw std::invalid_argument("no training slice with id \"" + id + "\"");
}

std::size_t infectionPixels(const EvalSample& s) { return static_cast<std::size_t>(std::count(s.labels.pixels().begin(), s.labels.pixels().end(), 2)); }

}  // namespace

ExperimentResult runExperiment(const ExperimentOptions& o) {
    if (o.outDir.empty()) throw std::invalid_argument("the experiment needs an output folder");
    const Budget budget = budgetFor(o);
    const fs::path out = o.outDir;
    // A folder continues only the experiment that made it: its models were trained under that protocol,
    // budget, size and seed, and reusing them under others would mix two experiments in one report.
    Json identity = Json::object();
    identity.set("protocol", o.protocol);
    identity.set("budget", o.protocol == "smoke" ? std::string("smoke") : o.budget);
    identity.set("size", o.size);
    identity.set("seed", static_cast<double>(o.seed));
    identity.set("slices", o.slice1 + "," + o.slice2);
    const fs::path identityFile = out / "experiment.json";
    if (fs::exists(identityFile)) {
        const Json before = readJsonFile(identityFile.string());
        if (before != identity)
            throw IoError(out.string(), "holds another experiment (" + before.dump() + "); continue it with the same options or choose another folder");
    } else if (fs::exists(out) && !fs::is_empty(out)) {
        throw IoError(out.string(), "is not empty and holds no experiment; choose another folder");
    }
    fs::create_directories(out);
    writeTextAtomically(identityFile.string(), identity.dump(2) + "\n");
    fs::create_directories(out / "models");
    fs::create_directories(out / "plots");
    // Every network of the experiment runs under the same thread count from the start. Before, the
    // synthesized training sets ran under LibTorch's defaults (its thread count, denormals kept) when
    // the generators were reused from the folder, and under setThreads after one was trained in the
    // same run: the sets then differed in the rounding of a few pixels between a fresh and a continued
    // run, and the continued run could not resume its segmenters' checkpoints.
    gan::setThreads(o.threads);
    Logger log;
    log.file.open(out / "log.txt", std::ios::app);
    log.sink = o.log;
    Timings timings;
    const auto started = Clock::now();

    // --- data
    auto dataPath = [&](const std::string& override, const std::string& rel) { return override.empty() ? (fs::path(o.dataDir) / rel).string() : override; };
    const std::string trainDir = dataPath(o.trainDir, "medseg-covid/train"), testDir = dataPath(o.testDir, "medseg-covid/test");
    const std::string negTrainDir = dataPath(o.negativesTrain, "dicom/chest-ct-A0002"), negTestDir = dataPath(o.negativesTest, "dicom/chest-ct-A0001-implicit-vr");
    std::vector<EvalSample> trainPos = loadSamples(trainDir, o.size), testPos = loadSamples(testDir, o.size);
    std::vector<EvalSample> negTrain = loadDicomNegatives(negTrainDir, o.size), negTest = loadDicomNegatives(negTestDir, o.size);
    auto limit = [](std::vector<EvalSample>& v, int n) {
        if (n > 0 && static_cast<int>(v.size()) > n) v.resize(static_cast<std::size_t>(n));
    };
    limit(trainPos, budget.maxTrain), limit(testPos, budget.maxTest), limit(negTrain, budget.maxNegatives), limit(negTest, budget.maxNegatives);
    std::vector<EvalSample> pool = trainPos;
    pool.insert(pool.end(), negTrain.begin(), negTrain.end());
    std::vector<EvalSample> clsTest = testPos;
    clsTest.insert(clsTest.end(), negTest.begin(), negTest.end());
    const auto positives = [](const std::vector<EvalSample>& v) { return std::count_if(v.begin(), v.end(), [](const EvalSample& s) { return s.infection(); }); };
    log("data: " + std::to_string(trainPos.size()) + " training slices (" + trainDir + "), " + std::to_string(negTrain.size()) + " negative training slices (" +
        negTrainDir + "), " + std::to_string(testPos.size()) + " test slices (" + testDir + "), " + std::to_string(negTest.size()) + " negative test slices (" + negTestDir + ")");

    // --- the two training slices: the most infection, unless named
    std::vector<EvalSample> ranked = trainPos;
    std::stable_sort(ranked.begin(), ranked.end(), [](const EvalSample& a, const EvalSample& b) { return infectionPixels(a) > infectionPixels(b); });
    const EvalSample slice1 = o.slice1.empty() ? ranked.at(0) : byId(trainPos, o.slice1);
    EvalSample slice2 = o.slice2.empty() ? ranked.at(ranked.at(0).id == slice1.id ? 1 : 0) : byId(trainPos, o.slice2);
    if (slice2.id == slice1.id) slice2 = ranked.at(1);
    log("training slices: " + slice1.id + " (modality 1) and " + slice2.id + " (modality 2)");
    timings.mark("loading data");

    // --- generators
    const std::string models = (out / "models").string();
    std::map<std::string, std::string> gen;  // name-k -> model folder
    for (int k = 1; k <= 2; ++k) {
        const EvalSample& slice = k == 1 ? slice1 : slice2;
        gan::GanConfig c = budget.cosingan;
        c.seed = o.seed + static_cast<std::uint64_t>(k);
        const std::string ks = std::to_string(k);
        gen["cosingan-" + ks] = models + "/cosingan-" + ks;
        trainGan(slice, c, gen["cosingan-" + ks], o, log);
    }
    timings.mark("training CoSinGAN (2 models)");
    for (int k = 1; k <= 2; ++k) {
        const EvalSample& slice = k == 1 ? slice1 : slice2;
        const std::string ks = std::to_string(k);
        for (bool mixed : {false, true}) {
            gan::GanConfig c = baselineConfig(budget, mixed);
            c.seed = o.seed + static_cast<std::uint64_t>(k);
            const std::string name = (mixed ? "enhanced-pix2pix-" : "pix2pix-") + ks;
            gen[name] = models + "/" + name;
            trainGan(slice, c, gen[name], o, log);
        }
    }
    timings.mark("training pix2pix and enhanced pix2pix (4 models)");

    // --- training sets, all of the pool's size
    const std::size_t n = pool.size();
    const int segEpochs = budget.segRecipe.empty() ? budget.segEpochs
                                                   : std::max(1, static_cast<int>(std::lround(static_cast<double>(budget.segSlicePresentations) / std::max<std::size_t>(1, n))));
    std::vector<std::pair<std::string, std::vector<EvalSample>>> sets;
    std::map<std::string, int> realSlicesUsed;
    sets.emplace_back("Sin-TS", std::vector<EvalSample>(n, slice1));
    std::vector<EvalSample> two;
    for (std::size_t i = 0; i < n; ++i) two.push_back(i % 2 == 0 ? slice1 : slice2);
    sets.emplace_back("Two-TS", two);
    const std::uint64_t synthSeed = o.seed * 100000;
    sets.emplace_back("O-STS", synthesizeSet(gen["cosingan-1"], "", pool, false, synthSeed, o));
    sets.emplace_back("RC-STS", synthesizeSet(gen["cosingan-1"], "", pool, true, synthSeed, o));
    sets.emplace_back("IF-STS", synthesizeSet(gen["cosingan-1"], gen["cosingan-2"], pool, false, synthSeed, o));
    sets.emplace_back("OC-TS", pool);
    realSlicesUsed = {{"Sin-TS", 1}, {"Two-TS", 2}, {"O-STS", 1}, {"RC-STS", 1}, {"IF-STS", 2}, {"OC-TS", static_cast<int>(n)}};
    timings.mark("building the training sets");
    for (const auto& [name, set] : sets) {
        if (!o.drawGrid) break;
        ImageGrid g;
        g.title = name;
        // Synthesized sets: the first 8 masks with infection; the real sets: their slices.
        for (std::size_t i = 0; i < set.size() && g.images.size() < 8; ++i) {
            if (!set[i].infection() && i + 8 < set.size()) continue;
            g.images.push_back(set[i].image);
            g.labels.push_back(set[i].labels);
            g.captions.push_back(set[i].id);
        }
        o.drawGrid(g, (out / "plots" / ("samples_" + name + ".png")).string());
    }

    // --- segmentation
    Json results = Json::array();
    std::ostringstream csv;
    csv << "table,network,training_set,metric,mean,ci_low,ci_high,n\n";
    auto record = [&](const std::string& table, const std::string& net, const std::string& set, const std::string& metric, const Interval& v) {
        csv << table << "," << net << "," << csvField(set) << "," << metric << "," << fmt(v.mean, 5) << "," << fmt(v.low, 5) << "," << fmt(v.high, 5) << "," << v.n << "\n";
    };
    std::map<std::string, std::map<std::string, SegScores>> seg;  // arch -> set -> scores
    std::map<std::string, std::string> segModel;                  // arch-set -> folder
    const std::vector<std::string> segArchs{"unet", "enet"}, clsArchs{"resnet18", "resnet50"};
    // Trains one network on one set unless a finished one is in the folder (a continued run).
    auto trainOrReuse = [&](const std::string& task, const std::string& arch, double width, int epochs, int batch, const std::string& name,
                            const std::vector<EvalSample>& set, const std::string& dir) {
        if (isTrainedModel(dir)) return;
        const bool recipe = task == "segmentation" && !budget.segRecipe.empty();
        FitOptions f = recipe ? segmentationRecipe(budget.segRecipe) : FitOptions();
        f.arch = arch;
        f.width = width;
        f.epochs = epochs;
        f.batch = batch;
        if (!recipe) f.lr = budget.lr;
        if (task == "classification") f.schedule = budget.clsSchedule, f.intensityAugment = budget.clsIntensityAugment;
        f.strongAugment = name != "OC-TS";  // CoSinGAN's strong augmentation on all but the real set
        f.seed = o.seed;
        f.threads = o.threads;
        f.precision = o.precision;
        f.trainingSet = name;
        f.log = [&](const std::string& l) { log(l); };
        const FitReport r = task == "segmentation" ? fitSegmenter(set, f, dir) : fitClassifier(set, f, dir);
        log(task + " " + arch + " on " + name + ": " + fmt(r.seconds, 0) + " s, loss " + fmt(r.firstEpochLoss) + " -> " + fmt(r.lastEpochLoss));
    };
    for (const auto& arch : segArchs) {
        for (const auto& [name, set] : sets) {
            const std::string dir = models + "/seg-" + arch + "-" + name;
            segModel[arch + "-" + name] = dir;
            trainOrReuse("segmentation", arch, arch == "unet" ? budget.unetWidth : budget.enetWidth, segEpochs, budget.segBatch, name, set, dir);
            EvalModel m(dir, o.threads);
            seg[arch][name] = scoreSegmentation(m.segment(testPos), testPos);
        }
    }
    timings.mark("segmentation: 2 networks x 6 training sets");

    // --- image quality: segmenters trained on real data (OC-TS) segment each generator's images
    std::map<std::string, std::map<std::string, SegScores>> quality;  // generator-k -> arch -> scores
    const std::vector<std::string> generators{"pix2pix", "enhanced-pix2pix", "cosingan"};
    std::map<std::string, std::unique_ptr<EvalModel>> realSegmenters;  // arch -> the OC-TS model, loaded once
    for (const auto& arch : segArchs) realSegmenters[arch] = std::make_unique<EvalModel>(segModel[arch + "-OC-TS"], o.threads);
    for (const auto& g : generators)
        for (int k = 1; k <= 2; ++k) {
            const std::string name = g + "-" + std::to_string(k);
            const std::vector<EvalSample> images = synthesizeSet(gen[name], "", trainPos, false, synthSeed + 50000, o);
            for (const auto& arch : segArchs) quality[name][arch] = scoreSegmentation(realSegmenters[arch]->segment(images), images);
            if (o.drawGrid) {
                ImageGrid grid;
                grid.title = name;
                for (std::size_t i = 0; i < images.size() && grid.images.size() < 4; ++i)
                    grid.images.push_back(images[i].image), grid.labels.push_back(images[i].labels), grid.captions.push_back(images[i].id);
                o.drawGrid(grid, (out / "plots" / ("generator_" + name + ".png")).string());
            }
        }
    timings.mark("image-quality score: 6 generators x 2 segmenters");

    // --- classification
    std::map<std::string, std::map<std::string, ClassScores>> cls;
    for (const auto& arch : clsArchs) {
        for (const auto& [name, set] : sets) {
            const std::string dir = models + "/cls-" + arch + "-" + name;
            trainOrReuse("classification", arch, arch == "resnet18" ? budget.resnet18Width : budget.resnet50Width, budget.clsEpochs, budget.clsBatch, name, set,
                         dir);
            EvalModel m(dir, o.threads);
            cls[arch][name] = scoreClassification(m.infectionProbability(clsTest), clsTest);
        }
    }
    timings.mark("classification: 2 networks x 6 training sets");

    // --- report
    std::ostringstream md;
    char when[64];
    const std::time_t now = std::time(nullptr);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    md << "# Evaluation report: learning COVID-19 diagnosis from synthesized CT\n\n";
    md << "Protocol `" << o.protocol << "`, budget `" << (o.protocol == "smoke" ? std::string("smoke") : o.budget) << "`, " << o.size << " px, written " << when
       << ". Every network is trained from scratch (no ImageNet weights).\n\n";
    md << "## Data\n\n";
    md << "- Training slices: " << trainPos.size() << " from `" << trainDir << "` (" << positives(trainPos) << " with infection).\n";
    md << "- Test slices: " << testPos.size() << " from `" << testDir << "` (" << positives(testPos) << " with infection).\n";
    md << "- Negatives (no COVID-19): " << negTrain.size() << " slices of `" << negTrainDir << "` for training, " << negTest.size() << " of `" << negTestDir
       << "` for testing (another patient, another scanner).\n";
    md << "- **The lung label is derived**, not drawn: MedSeg has infection labels only, so the lung is the product's automatic lung mask "
          "(threshold, border-touching air removed, largest components, holes filled) with the radiologists' infection (ground glass and "
          "consolidation) on top. Lung DSC measures agreement with that derived lung field (lung and infection labels together, as the paper "
          "scores lung segmentation).\n";
    md << "- **Domain difference of the negatives**: the negatives are TCIA lung-cancer CT (Lung-PET-CT-Dx) windowed by this product to W1500/L-600 "
          "and cropped around the lungs; MedSeg's JPEGs were windowed and cropped by others, with other scanners and reconstruction. A classifier can "
          "tell the two sources apart without looking at infection, so specificity and accuracy here measure infection and source together. "
          "Sensitivity on MedSeg test slices is the cleaner number.\n\n";
    md << "Training slices of the generators: `" << slice1.id << "` (modality 1, " << infectionPixels(slice1) << " infection pixels at " << o.size
       << " px) and `" << slice2.id << "` (modality 2, " << infectionPixels(slice2) << ").\n\n";
    md << "## Image-quality score (paper Table 1)\n\n";
    md << "Segmenters trained on real data (OC-TS) segment images that each generator synthesized from the " << trainPos.size()
       << " training masks; mean per-slice DSC (%) against those masks.\n\n";
    md << "| model | M1 ENet lung | M1 ENet inf. | M1 U-Net lung | M1 U-Net inf. | M2 ENet lung | M2 ENet inf. | M2 U-Net lung | M2 U-Net inf. | overall lung | overall inf. |\n";
    md << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    BarChart qualityChart;
    qualityChart.title = "Image-quality score: infection DSC of real-data segmenters on synthesized images";
    qualityChart.yLabel = "DSC";
    qualityChart.series = {"pix2pix", "enhanced pix2pix", "CoSinGAN"};
    qualityChart.groups = {"M1 ENet", "M1 U-Net", "M2 ENet", "M2 U-Net"};
    for (const auto& g : generators) {
        md << "| " << (g == "cosingan" ? "CoSinGAN" : g == "pix2pix" ? "pix2pix" : "enhanced pix2pix");
        double lungSum = 0, infSum = 0;
        int count = 0;
        std::vector<Interval> bars;
        for (int k = 1; k <= 2; ++k)
            for (const std::string arch : {"enet", "unet"}) {
                const SegScores& s = quality[g + "-" + std::to_string(k)][arch];
                const Interval lung = tInterval(s.lungPerSlice), inf = tInterval(s.infectionPerSlice);
                md << " | " << fmt(100 * lung.mean, 1) << " | " << fmt(100 * inf.mean, 1);
                lungSum += lung.mean, infSum += inf.mean, ++count;
                bars.push_back(inf);
                record("image_quality", arch, g + "-" + std::to_string(k), "dice_lung", lung);
                record("image_quality", arch, g + "-" + std::to_string(k), "dice_infection", inf);
            }
        md << " | " << fmt(100 * lungSum / count, 1) << " | " << fmt(100 * infSum / count, 1) << " |\n";
        qualityChart.values.push_back(bars);
    }
    md << "\n![image quality](plots/image_quality.png)\n\n";

    md << "## Segmentation trained on each set, tested on real slices (paper Table 4)\n\n";
    md << "DSC (%) per test slice, mean and 95 % confidence interval (Student's t over the test slices, n-1 degrees of freedom; a slice "
          "where a class is absent from both truth and prediction is left out of that class), and the pooled DSC over all test pixels.\n\n";
    md << "| training set | real slices used | U-Net lung | U-Net infection | U-Net pooled inf. | ENet lung | ENet infection | ENet pooled inf. |\n";
    md << "|---|---:|---:|---:|---:|---:|---:|---:|\n";
    BarChart segChart;
    segChart.title = "Infection DSC on real test slices, by training set";
    segChart.yLabel = "DSC";
    segChart.series = {"U-Net", "ENet"};
    segChart.values.resize(2);
    for (const auto& [name, set] : sets) {
        segChart.groups.push_back(name);
        md << "| " << name << " | " << realSlicesUsed[name];
        for (std::size_t a = 0; a < segArchs.size(); ++a) {
            const SegScores& s = seg[segArchs[a]][name];
            const Interval lung = tInterval(s.lungPerSlice), inf = tInterval(s.infectionPerSlice);
            md << " | " << pct(lung) << " | " << pct(inf) << " | " << fmt(100 * s.infectionPooled, 1);
            segChart.values[a].push_back(inf);
            record("segmentation", segArchs[a], name, "dice_lung", lung);
            record("segmentation", segArchs[a], name, "dice_infection", inf);
            record("segmentation", segArchs[a], name, "dice_infection_pooled", Interval{s.infectionPooled, s.infectionPooled, s.infectionPooled, s.slices});
            record("segmentation", segArchs[a], name, "dice_lung_pooled", Interval{s.lungPooled, s.lungPooled, s.lungPooled, s.slices});
        }
        md << " |\n";
    }
    md << "\n![segmentation](plots/segmentation_infection_dsc.png)\n\n";

    // Which sets differ: the paired test on the same test slices (the separate intervals above
    // overlap even where one set is better on nearly every slice).
    md << "### Which training sets differ\n\n";
    md << "Difference of infection DSC (percentage points) between two training sets' segmenters on the same test slices: mean of the "
          "per-slice differences and its 95 % confidence interval (Student's t, paired). \"better\" / \"worse\": the interval excludes 0; "
          "\"not shown\": it holds 0.\n\n";
    md << "| comparison | U-Net | | ENet | |\n|---|---:|---|---:|---|\n";
    const std::vector<std::pair<std::string, std::string>> comparisons{
        {"OC-TS", "Sin-TS"}, {"OC-TS", "Two-TS"}, {"OC-TS", "O-STS"},  {"OC-TS", "RC-STS"}, {"OC-TS", "IF-STS"}, {"O-STS", "Sin-TS"},
        {"RC-STS", "Sin-TS"}, {"IF-STS", "Sin-TS"}, {"O-STS", "Two-TS"}, {"RC-STS", "Two-TS"}, {"IF-STS", "Two-TS"}};
    for (const auto& [first, second] : comparisons) {
        if (!seg[segArchs[0]].count(first) || !seg[segArchs[0]].count(second)) continue;
        md << "| " << first << " − " << second;
        for (const auto& arch : segArchs) {
            const SegScores &a = seg[arch][first], &b = seg[arch][second];
            const Interval d = pairedDifference(a.infectionIds, a.infectionPerSlice, b.infectionIds, b.infectionPerSlice);
            const char* verdict = d.n < 2 ? "too few slices" : d.low > 0 ? "better" : d.high < 0 ? "worse" : "not shown";
            char cell[96];
            std::snprintf(cell, sizeof cell, "%+.1f [%+.1f, %+.1f]", 100 * d.mean, 100 * d.low, 100 * d.high);
            md << " | " << cell << " | " << verdict;
            record("segmentation_paired", arch, first + " vs " + second, "dice_infection_difference", d);
        }
        md << " |\n";
    }
    md << "\n";

    md << "## Classification trained on each set (paper Tables 2 and 3)\n\n";
    md << "Infection present or not, on " << clsTest.size() << " real test slices (" << positives(clsTest) << " positive). Sensitivity, specificity "
       << "and accuracy (%) with 95 % confidence intervals by Student's t over 5 interleaved groups of the test slices (4 degrees of freedom), "
          "as the paper's 5 test scans; intervals may pass 0 or 100, as in the paper. ImageNet weights are not available: every network is trained "
          "from scratch.\n\n";
    md << "| training set | ResNet18 sens. | ResNet18 spec. | ResNet18 acc. | ResNet50 sens. | ResNet50 spec. | ResNet50 acc. |\n";
    md << "|---|---:|---:|---:|---:|---:|---:|\n";
    BarChart clsChart;
    clsChart.title = "Classification accuracy on real test slices, by training set";
    clsChart.yLabel = "accuracy";
    clsChart.series = {"ResNet18", "ResNet50"};
    clsChart.values.resize(2);
    for (const auto& [name, set] : sets) {
        clsChart.groups.push_back(name);
        md << "| " << name;
        for (std::size_t a = 0; a < clsArchs.size(); ++a) {
            const ClassScores& s = cls[clsArchs[a]][name];
            md << " | " << pct(s.sensitivity) << " | " << pct(s.specificity) << " | " << pct(s.accuracy);
            clsChart.values[a].push_back(s.accuracy);
            record("classification", clsArchs[a], name, "sensitivity", s.sensitivity);
            record("classification", clsArchs[a], name, "specificity", s.specificity);
            record("classification", clsArchs[a], name, "accuracy", s.accuracy);
            record("classification", clsArchs[a], name, "accuracy_all_slices", Interval{s.all.accuracy(), s.all.accuracy(), s.all.accuracy(), static_cast<int>(clsTest.size())});
        }
        md << " |\n";
    }
    md << "\n![classification](plots/classification_accuracy.png)\n\n";

    md << "## Training sets\n\nEach set holds " << n << " samples (the number of training masks: " << trainPos.size() << " MedSeg + " << negTrain.size()
       << " negatives). Sin-TS: slice `" << slice1.id << "` repeated; Two-TS: slices `" << slice1.id << "` and `" << slice2.id
       << "` alternating; O-STS: CoSinGAN of slice 1 from every training mask; RC-STS: the same with randomized condition (16, 16, 32); "
          "IF-STS: fusion of the models of slices 1 and 2 with alpha uniform in [0, 1]; OC-TS: all real training slices. Strong augmentation "
          "(CoSinGAN's) on all but OC-TS, which gets a weak one.\n\n";
    for (const auto& [name, set] : sets) md << "- " << name << ": ![" << name << "](plots/samples_" << name << ".png)\n";
    md << "\n## Configuration\n\n";
    md << "- CoSinGAN: " << budget.cosingan.scaleCount() << " scales to " << budget.cosingan.topSize() << " px, ngf " << budget.cosingan.ngf << ", "
       << budget.cosingan.stage1Iterations << " + " << budget.cosingan.stage2Iterations << " iterations per scale (stage 1 + 2), seeds " << o.seed + 1 << " and " << o.seed + 2 << ".\n";
    md << "- pix2pix / enhanced pix2pix: one scale at " << o.size << " px with CoSinGAN's top-scale generator and discriminator, " << budget.baselineIterations
       << " iterations; pix2pix: adversarial + WPPL x 100; enhanced: adversarial + the mixed loss (WPPL x 10, 1 - MS-SSIM, U-Net features x 10; VGG off: no weights).\n";
    if (budget.segRecipe.empty())
        md << "- Segmentation: U-Net width " << budget.unetWidth << ", ENet width " << budget.enetWidth << ", " << segEpochs << " epochs, batch " << budget.segBatch
           << ", Adam(0.9, 0.999) lr " << budget.lr << " decayed linearly over the second half, cross entropy weighted 0.1 / 1 / 5, seed " << o.seed << ".\n";
    else
        md << "- Segmentation: `seg-train`'s " << budget.segRecipe << " recipe (Adam lr 5e-4 with warm-up and cosine decay, cross entropy 0.1 / 1 / 5 plus soft Dice, "
           << "random windows), U-Net width " << budget.unetWidth << ", ENet width " << budget.enetWidth << ", " << segEpochs << " epochs of the " << n
           << "-slice sets (" << budget.segSlicePresentations << " slice presentations), batch " << budget.segBatch << ", seed " << o.seed << ".\n";
    md << "- Classification: ResNet18 width " << budget.resnet18Width << ", ResNet50 width " << budget.resnet50Width << ", " << budget.clsEpochs << " epochs, batch "
       << budget.clsBatch << ", learning rate " << budget.lr << " (" << (budget.clsSchedule == "cosine" ? "warm-up and cosine decay" : "kept, then decayed linearly over the second half")
       << ")" << (budget.clsIntensityAugment ? ", random windows" : "") << ", binary cross entropy, 3-channel input, from scratch, seed " << o.seed << ".\n";
    md << "- Synthesis seeds: " << synthSeed << " + mask index (training sets), " << synthSeed + 50000 << " + mask index (image-quality score).\n";
    md << "- Everything: `config.json`; every number: `results.csv`; the run's log: `log.txt`; every model: `models/`.\n\n";
    timings.mark("report");
    md << "## Time (this machine)\n\n| step | seconds |\n|---|---:|\n";
    for (const auto& [phase, s] : timings.phases) md << "| " << phase << " | " << fmt(s, 0) << " |\n";
    const double total = std::chrono::duration<double>(Clock::now() - started).count();
    md << "| **total** | **" << fmt(total, 0) << "** |\n";

    if (o.drawChart) {
        o.drawChart(qualityChart, (out / "plots" / "image_quality.png").string());
        o.drawChart(segChart, (out / "plots" / "segmentation_infection_dsc.png").string());
        o.drawChart(clsChart, (out / "plots" / "classification_accuracy.png").string());
    }
    Json config = Json::object();
    config.set("protocol", o.protocol);
    config.set("budget", o.budget);
    config.set("size", o.size);
    config.set("seed", static_cast<double>(o.seed));
    config.set("device", o.device);
    config.set("threads", o.threads);
    config.set("precision", o.precision);
    config.set("cpu_kernels", gan::cpuKernelPath());
    config.set("train", trainDir);
    config.set("test", testDir);
    config.set("negatives_train", negTrainDir);
    config.set("negatives_test", negTestDir);
    config.set("slice1", slice1.id);
    config.set("slice2", slice2.id);
    config.set("cosingan", budget.cosingan.toJson());
    config.set("pix2pix", baselineConfig(budget, false).toJson());
    config.set("enhanced_pix2pix", baselineConfig(budget, true).toJson());
    Json nets = Json::object();
    nets.set("unet_width", budget.unetWidth);
    nets.set("enet_width", budget.enetWidth);
    nets.set("resnet18_width", budget.resnet18Width);
    nets.set("resnet50_width", budget.resnet50Width);
    nets.set("segmentation_epochs", segEpochs);
    nets.set("segmentation_recipe", budget.segRecipe.empty() ? Json() : Json(budget.segRecipe));
    nets.set("segmentation_batch", budget.segBatch);
    nets.set("classification_epochs", budget.clsEpochs);
    nets.set("classification_batch", budget.clsBatch);
    nets.set("classification_schedule", budget.clsSchedule);
    nets.set("classification_random_windows", budget.clsIntensityAugment);
    nets.set("learning_rate", budget.lr);
    nets.set("synthesis_seed", static_cast<double>(synthSeed));
    config.set("networks", nets);
    writeTextAtomically((out / "config.json").string(), config.dump(2) + "\n");
    writeTextAtomically((out / "results.csv").string(), csv.str());
    writeTextAtomically((out / "report.md").string(), md.str());
    log("report written: " + (out / "report.md").string() + " (" + fmt(total, 0) + " s)");
    return {(out / "report.md").string(), total};
}

}  // namespace ctsw::eval
