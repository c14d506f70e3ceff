#include "eval/EvalTraining.h"

#include <torch/torch.h>

#include <chrono>
#include <stdexcept>
#include <cmath>
#include <filesystem>

#include "eval/EvalNets.h"
#include "eval/Metrics.h"
#include "gan/Augment.h"
#include "gan/Cascade.h"
#include "gan/Checkpoint.h"
#include "gan/Engine.h"
#include "gan/Precision.h"
#include "io/AtomicWrite.h"
#include "io/Fnv.h"
#include "json/Json.h"

namespace fs = std::filesystem;

namespace ctsw::eval {

namespace {

constexpr int kFormatVersion = 1;

// [N,1,S,S] images scaled from 0..255 to [-1, 1], and [N,1,S,S] float labels.
std::pair<torch::Tensor, torch::Tensor> stack(const std::vector<EvalSample>& set, int size) {
    const auto n = static_cast<int64_t>(set.size());
    auto images = torch::empty({n, 1, size, size});
    auto labels = torch::empty({n, 1, size, size});
    for (int64_t i = 0; i < n; ++i) {
        const EvalSample& s = set[static_cast<std::size_t>(i)];
        const Slice<float> img = s.image.width() == size ? s.image : squareResize(s.image, size, 0.0f);
        const LabelSlice lab = s.labels.width() == size ? s.labels : squareResizeLabels(s.labels, size);
        auto ti = torch::from_blob(const_cast<float*>(img.pixels().data()), {size, size}, torch::kFloat32);
        auto tl = torch::from_blob(const_cast<std::uint8_t*>(lab.pixels().data()), {size, size}, torch::kUInt8);
        images[i][0].copy_(ti / 127.5 - 1.0);
        labels[i][0].copy_(tl.to(torch::kFloat32));
    }
    return {images, labels};
}

// The classifiers' input: ImageNet-style, the grey image in [0, 1] repeated to 3 channels and normalised.
torch::Tensor classifierInput(const torch::Tensor& unitImages) {
    auto x = ((unitImages + 1.0) * 0.5).repeat({1, 3, 1, 1});
    auto mean = torch::tensor({0.485, 0.456, 0.406}, x.options()).view({1, 3, 1, 1});
    auto stdv = torch::tensor({0.229, 0.224, 0.225}, x.options()).view({1, 3, 1, 1});
    return (x - mean) / stdv;
}

gan::AugmentStrength augmentation(bool strong) {
    // The same ranges as CoSinGAN's strong augmentation (GanConfig defaults); weak: mild crop and
    // rotation, left-right flips only.
    const gan::GanConfig c;
    gan::AugmentStrength s;
    s.cropMin = strong ? c.strongCropMin : 0.85;
    s.rotationDeg = strong ? c.strongRotationDeg : 5.0;
    s.horizontalFlip = true;
    s.verticalFlip = strong && c.verticalFlip;
    s.elasticAlpha = strong ? c.elasticAlpha : 0.0;
    s.elasticSigma = c.elasticSigma;
    return s;
}

// Argmax labels of `samples` run through `net` at `size`, each back at its own size.
std::vector<LabelSlice> segmentWith(SegNetImpl& net, const std::vector<EvalSample>& samples, int size) {
    torch::NoGradGuard guard;
    std::vector<LabelSlice> out;
    for (std::size_t start = 0; start < samples.size(); start += 8) {
        const std::vector<EvalSample> chunk(samples.begin() + static_cast<std::ptrdiff_t>(start),
                                            samples.begin() + static_cast<std::ptrdiff_t>(std::min(samples.size(), start + 8)));
        auto [img, lab] = stack(chunk, size);
        auto pred = net.forward(img).argmax(1).to(torch::kUInt8).contiguous();
        for (int64_t i = 0; i < pred.size(0); ++i) {
            LabelSlice l(size, size);
            std::copy(pred[i].data_ptr<std::uint8_t>(), pred[i].data_ptr<std::uint8_t>() + size * size, l.pixels().begin());
            const int own = chunk[static_cast<std::size_t>(i)].labels.width();
            out.push_back(own == size ? std::move(l) : squareResizeLabels(l, own));
        }
    }
    return out;
}

// images [B,1,S,S] in [-1, 1]; each sample gets its own gamma, contrast and brightness (FitOptions).
torch::Tensor randomIntensity(const torch::Tensor& images) {
    const auto b = images.size(0);
    auto gamma = torch::exp(torch::empty({b, 1, 1, 1}).uniform_(std::log(0.5), std::log(1.6)));
    auto contrast = torch::empty({b, 1, 1, 1}).uniform_(0.85, 1.15);
    auto brightness = torch::empty({b, 1, 1, 1}).uniform_(-0.08, 0.08);
    auto unit = ((images + 1.0) * 0.5).clamp(0.0, 1.0);
    auto changed = (torch::pow(unit, gamma) - 0.5) * contrast + 0.5 + brightness;
    return changed.clamp(0.0, 1.0) * 2.0 - 1.0;
}



// Every epoch reseeds from the run's seed and its index, so that a run resumed at an epoch boundary
// draws the same shuffles, augmentations and dropout as an uninterrupted one.
std::uint64_t epochSeed(std::uint64_t seed, int epoch) { return seed * 1000003ull + static_cast<std::uint64_t>(epoch) + 1; }

// bf16 pays for the U-Net alone (bench_seg: ENet is no faster, the classifiers are small); the check of
// the request comes first so that an unknown one fails for every network.
bool trainsInBf16(const FitOptions& o, const std::string& task) { return gan::cpuUsesBf16(o.precision) && task == "segmentation" && o.arch == "unet"; }

// What a checkpoint must match to be continued: every setting that changes training, and the data.
std::string fitFingerprint(const FitOptions& o, const std::string& task, int size, const torch::Tensor& images, const torch::Tensor& labels) {
    char text[600];
    std::snprintf(text, sizeof text, "%s %s width %.6g size %d epochs %d batch %d lr %.9g betas %.6g %.6g schedule %s loss %s seed %llu strong %d intensity %d validation %s every %d",
                  task.c_str(), o.arch.c_str(), o.width, size, o.epochs, o.batch, o.lr, o.beta1, o.beta2, o.schedule.c_str(), o.loss.c_str(),
                  static_cast<unsigned long long>(o.seed), o.strongAugment ? 1 : 0, o.intensityAugment ? 1 : 0, o.validationSet.c_str(), o.validateEvery);
    const auto i = images.contiguous(), l = labels.contiguous();
    std::uint64_t data = fnv1a64(i.data_ptr(), static_cast<std::size_t>(i.numel()) * sizeof(float));
    data = fnv1a64(l.data_ptr(), static_cast<std::size_t>(l.numel()) * sizeof(float), data);
    return std::string(text) + " set " + o.trainingSet + " data " + hashHex(data) + " n " + std::to_string(images.size(0));
}

Json curvePointJson(const ValidationPoint& point) {
    Json p = Json::object();
    p.set("epoch", point.epoch);
    p.set("training_minutes", point.trainingSeconds / 60.0);
    p.set("dice_lung", numberOrNull(point.lungDice));
    p.set("dice_infection", numberOrNull(point.infectionDice));
    return p;
}

double numberOrNaN(const Json& j, const std::string& key) { return j.contains(key) && j.at(key).isNumber() ? j.at(key).asNumber() : std::nan(""); }

// Where a fit stands after an epoch: what a checkpoint stores besides the weights.
struct FitProgress {
    double trainingSeconds = 0;
    Json epochLosses = Json::array();
    Json modelJson = Json::object();

    Json toJson(const std::string& fingerprint, const FitReport& report) const {
        Json j = Json::object();
        j.set("settings", fingerprint);
        j.set("training_seconds", trainingSeconds);
        j.set("iterations", report.iterations);
        j.set("first_epoch_loss", report.firstEpochLoss);
        j.set("epoch_losses", epochLosses);
        j.set("model_json", modelJson);
        return j;
    }
    void restore(const Json& j, FitReport& report) {
        trainingSeconds = j.at("training_seconds").asNumber();
        report.iterations = j.at("iterations").asInt();
        report.firstEpochLoss = j.at("first_epoch_loss").asNumber();
        epochLosses = j.at("epoch_losses");
        modelJson = j.at("model_json");
        const auto& losses = epochLosses.asArray();
        report.lastEpochLoss = losses.empty() ? 0 : losses.back().asNumber();
        report.curve.clear();
        if (modelJson.contains("validation_curve"))
            for (const Json& p : modelJson.at("validation_curve").asArray())
                report.curve.push_back({p.at("epoch").asInt(), p.at("training_minutes").asNumber() * 60.0, numberOrNaN(p, "dice_lung"), numberOrNaN(p, "dice_infection")});
    }
};

// Continues from dir/checkpoint when it holds this fit's settings; returns the number of epochs done
// (0: start afresh, after saying why through o.log).
template <typename Net>
int resumeFit(gan::CheckpointFolder& folder, const gan::CheckpointModules& parts, const std::string& fingerprint, const std::string& what, const FitOptions& o,
              FitProgress& progress, FitReport& report, Net& net) {
    if (!folder.exists()) return 0;
    auto say = [&](const std::string& line) { if (o.log) o.log(line); };
    auto restart = [&](const std::string& why) {
        say(why + "; training from the first epoch");
        std::error_code ec;
        fs::remove_all(folder.folder(), ec);
        return 0;
    };
    const std::string statePath = (fs::path(folder.folder()) / "state.json").string();
    try {
        const Json state = readJsonFile(statePath);
        if (!state.contains("progress") || !state.at("progress").contains("settings"))
            return restart(folder.folder() + ": checkpoint without its training settings");
        const std::string savedSettings = state.at("progress").at("settings").asString();
        if (savedSettings != fingerprint) {
            // The fingerprint ends with " data HASH n N": name which half differs, since other data under
            // the same settings means the training set itself changed (other slices, or other synthesis).
            const auto settingsOf = [](const std::string& f) { return f.substr(0, f.rfind(" data ")); };
            return restart(folder.folder() + (settingsOf(savedSettings) == settingsOf(fingerprint) ? ": checkpoint of other training data (the set's images or masks differ)"
                                                                                          : ": checkpoint of other settings"));
        }
        Json saved;
        const std::optional<int> epochs = folder.load(0, 0, parts, say, &saved);
        if (!epochs || *epochs < 1 || *epochs >= o.epochs) return restart(folder.folder() + ": checkpoint at no usable epoch");
        progress.restore(saved, report);
        net->train();
        say(what + ": resuming from the checkpoint after epoch " + std::to_string(*epochs) + " of " + std::to_string(o.epochs));
        return *epochs;
    } catch (const std::exception& e) {
        return restart(std::string("cannot resume from ") + folder.folder() + " (" + e.what() + ")");
    }
}

// afterEpoch(epoch, trainingSeconds, modelJson) runs after each epoch with the network in train mode;
// it may evaluate (switching modes itself) and add to the model's JSON.
template <typename Net, typename LossFn, typename AfterEpoch>
FitReport fit(Net& net, const std::vector<EvalSample>& set, const FitOptions& o, const std::string& task, const std::string& dir, LossFn&& lossOf,
              AfterEpoch&& afterEpoch) {
    if (set.empty()) throw std::invalid_argument("training set \"" + o.trainingSet + "\" is empty");
    if (o.epochs < 1 || o.batch < 1) throw std::invalid_argument("epochs and batch must be at least 1");
    const bool bf16 = trainsInBf16(o, task);  // an unknown precision fails here, before any training
    if (o.schedule != "paper" && o.schedule != "cosine") throw std::invalid_argument("unknown learning-rate schedule \"" + o.schedule + "\" (paper or cosine)");
    gan::setThreads(o.threads);
    const int size = set.front().image.width();
    auto [images, labels] = stack(set, size);
    net->train();
    torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(o.lr).betas({o.beta1, o.beta2}));
    const auto strength = augmentation(o.strongAugment);
    const auto n = static_cast<int64_t>(set.size());
    const int64_t perEpoch = std::max<int64_t>(1, (n + o.batch - 1) / o.batch);
    FitReport report;
    FitProgress progress;
    Json& epochLosses = progress.epochLosses;
    Json& modelJson = progress.modelJson;
    double& trainingSeconds = progress.trainingSeconds;
    const int64_t steps = perEpoch * o.epochs;
    const std::string what = task + " " + o.arch + " on " + o.trainingSet;
    const std::string fingerprint = fitFingerprint(o, task, size, images, labels);
    gan::CheckpointFolder checkpoints((fs::path(dir) / "checkpoint").string());
    const gan::CheckpointModules parts{{"net.pt", net.get(), nullptr}, {"optimizer.pt", nullptr, &opt}};
    const int firstEpoch = o.checkpointSeconds < 0 ? 0 : resumeFit(checkpoints, parts, fingerprint, what, o, progress, report, net);
    double sinceCheckpoint = 0;
    for (int epoch = firstEpoch; epoch < o.epochs; ++epoch) {
        const auto epochStart = std::chrono::steady_clock::now();
        torch::manual_seed(epochSeed(o.seed, epoch));
        auto order = torch::randperm(n, torch::kLong);
        double sum = 0;
        for (int64_t b = 0; b < perEpoch; ++b) {
            const double factor = learningRateFactor(o.schedule, epoch, o.epochs, epoch * perEpoch + b, steps);
            for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(o.lr * factor);
            auto idx = order.slice(0, b * o.batch, std::min(n, (b + 1) * o.batch));
            if (idx.size(0) < 2 && n >= 2) idx = torch::cat({idx, order.slice(0, 0, 1)});  // BatchNorm needs 2 samples
            auto [img, lab] = gan::augment(images.index_select(0, idx), labels.index_select(0, idx), strength);
            if (o.intensityAugment) img = randomIntensity(img);
            auto loss = lossOf(img, lab);
            if (!std::isfinite(loss.template item<double>()))
                throw std::runtime_error(what + ": the loss became NaN in epoch " + std::to_string(epoch + 1));
            opt.zero_grad();
            loss.backward();
            opt.step();
            sum += loss.template item<double>();
            ++report.iterations;
        }
        const double epochSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epochStart).count();
        trainingSeconds += epochSeconds;
        sinceCheckpoint += epochSeconds;
        const double mean = sum / static_cast<double>(perEpoch);
        if (epoch == 0) report.firstEpochLoss = mean;
        report.lastEpochLoss = mean;
        epochLosses.push(Json(mean));
        if (o.log) {
            char line[200];
            std::snprintf(line, sizeof line, "%s: epoch %d/%d, loss %.4f", what.c_str(), epoch + 1, o.epochs, mean);
            o.log(line);
        }
        afterEpoch(epoch + 1, trainingSeconds, modelJson, report);
        if (o.checkpointSeconds >= 0 && sinceCheckpoint >= o.checkpointSeconds && epoch + 1 < o.epochs) {
            checkpoints.save(0, 0, epoch + 1, parts, progress.toJson(fingerprint, report));
            sinceCheckpoint = 0;
        }
    }
    report.seconds = trainingSeconds;
    fs::create_directories(dir);
    gan::store::saveModule(*net, (fs::path(dir) / "model.pt").string());
    Json j = Json::object();
    j.set("format", "ctsw-eval-model");
    j.set("version", kFormatVersion);
    j.set("task", task);
    j.set("arch", o.arch);
    j.set("width", o.width);
    j.set("size", size);
    j.set("epochs", o.epochs);
    j.set("batch", o.batch);
    j.set("lr", o.lr);
    j.set("schedule", o.schedule);
    j.set("seed", static_cast<double>(o.seed));
    j.set("precision", bf16 ? "bf16 autocast" : "fp32");
    j.set("strong_augmentation", o.strongAugment);
    j.set("intensity_augmentation", o.intensityAugment);
    j.set("training_set", o.trainingSet);
    j.set("training_samples", static_cast<double>(set.size()));
    j.set("pretrained", "none (from scratch: ImageNet weights are not available)");
    j.set("epoch_losses", epochLosses);
    j.set("seconds", report.seconds);
    for (const auto& [key, value] : modelJson.asObject()) j.set(key, value);
    writeTextAtomically((fs::path(dir) / "model.json").string(), j.dump(2) + "\n");
    std::error_code ec;
    fs::remove_all(checkpoints.folder(), ec);  // the model is complete: its checkpoint has nothing left to resume
    return report;
}

}  // namespace

FitOptions segmentationRecipe(const std::string& name) {
    FitOptions f;
    if (name == "paper") {
        f.width = 1.0;
        f.epochs = 10;
        f.batch = 16;
        f.lr = 1e-4;
        f.schedule = "paper";
        f.loss = "ce";
        f.strongAugment = false;
    } else if (name == "cpu") {
        f.width = 0.25;
        f.epochs = kCpuRecipeSliceEpochs / 50;
        f.batch = 8;
        f.lr = 5e-4;  // measured: 1e-3 swings by 0.1 between epochs; 5e-4 over 120 epochs ends higher
        f.schedule = "cosine";
        f.loss = "dice-ce";
        f.strongAugment = false;  // measured: CoSinGAN's strong augmentation lowers real-slice DSC here
        f.intensityAugment = true;
    } else {
        throw std::invalid_argument("unknown segmentation recipe \"" + name + "\" (cpu, paper)");
    }
    return f;
}

double learningRateFactor(const std::string& schedule, int epoch, int epochs, std::int64_t step, std::int64_t steps) {
    if (schedule == "cosine") {
        const std::int64_t warmup = std::max<std::int64_t>(1, steps / 20);
        if (step < warmup) return static_cast<double>(step + 1) / static_cast<double>(warmup);
        const double t = static_cast<double>(step - warmup) / static_cast<double>(std::max<std::int64_t>(1, steps - warmup));
        constexpr double kFloor = 0.01;
        return kFloor + (1.0 - kFloor) * 0.5 * (1.0 + std::cos(M_PI * t));
    }
    // The paper's: constant for the first half of the epochs, then linearly down, per epoch.
    const int keep = epochs / 2;
    if (epoch < keep) return 1.0;
    return 1.0 - static_cast<double>(epoch - keep + 1) / (epochs - keep + 1);
}

FitReport fitSegmenter(const std::vector<EvalSample>& set, const FitOptions& o, const std::string& dir) {
    if (o.loss != "ce" && o.loss != "dice-ce") throw std::invalid_argument("unknown segmentation loss \"" + o.loss + "\" (ce or dice-ce)");
    torch::manual_seed(o.seed);  // the initial weights follow the run's seed
    auto net = makeSegNet(o.arch, o.width);
    const auto weights = torch::tensor({0.1, 1.0, 5.0});
    const int size = set.empty() ? 0 : set.front().image.width();
    const bool bf16 = trainsInBf16(o, "segmentation");
    auto lossOf = [&](const torch::Tensor& img, const torch::Tensor& lab) {
        torch::Tensor logits;
        {
            gan::CpuBf16Autocast autocast(bf16);
            logits = net->forward(img);
        }
        logits = logits.to(torch::kFloat32);  // the losses in fp32
        auto target = lab.squeeze(1).round().to(torch::kLong);
        auto ce = torch::nn::functional::cross_entropy(logits, target, torch::nn::functional::CrossEntropyFuncOptions().weight(weights));
        if (o.loss == "ce") return ce;
        // Soft Dice over the whole batch (a slice without infection then does not make the term 0/0).
        auto probabilities = torch::softmax(logits, 1);
        auto oneHot = torch::one_hot(target, 3).permute({0, 3, 1, 2}).to(torch::kFloat32);
        auto dims = std::vector<int64_t>{0, 2, 3};
        auto overlap = (probabilities * oneHot).sum(dims), total = probabilities.sum(dims) + oneHot.sum(dims);
        auto diceLoss = 1.0 - ((2.0 * overlap + 1.0) / (total + 1.0)).slice(0, 1, 3).mean();
        return ce + diceLoss;
    };
    auto afterEpoch = [&](int epoch, double seconds, Json& modelJson, FitReport& report) {
        if (!o.validation || o.validation->empty()) return;
        if (epoch % std::max(1, o.validateEvery) != 0 && epoch != o.epochs) return;
        net->eval();
        const SegScores scores = scoreSegmentation(segmentWith(*net, *o.validation, size), *o.validation);
        net->train();
        ValidationPoint point{epoch, seconds, tInterval(scores.lungPerSlice).mean, tInterval(scores.infectionPerSlice).mean};  // seg-eval's mean
        report.curve.push_back(point);
        if (o.onValidation) o.onValidation(point);
        // Kept in the model JSON itself, which a resumed fit restores with the points before it.
        Json curve = modelJson.contains("validation_curve") ? modelJson.at("validation_curve") : Json::array();
        curve.push(curvePointJson(point));
        modelJson.set("validation_curve", curve);
        if (epoch == o.epochs) {
            // The judge's own quality on real slices, which `cosingan quality` reports beside its scores.
            bool derived = false;
            for (const auto& s : *o.validation) derived = derived || s.lungDerived;
            Json e = Json::object();
            e.set("test_set", o.validationSet);
            e.set("slices", scores.slices);
            e.set("scored_at", kScoredAtOwnSize);
            Json d = Json::object();
            d.set("lung", numberOrNull(point.lungDice));
            d.set("infection", numberOrNull(point.infectionDice));
            e.set("dice", d);
            e.set("dice_method", "mean per slice; a slice is left out of a class it has in neither truth nor prediction");
            e.set("lung_label", derived ? "derived automatically (not drawn by radiologists)" : "as given");
            modelJson.set("evaluation", e);
        }
    };
    return fit(net, set, o, "segmentation", dir, lossOf, afterEpoch);
}

FitReport fitClassifier(const std::vector<EvalSample>& set, const FitOptions& o, const std::string& dir) {
    torch::manual_seed(o.seed);  // the initial weights follow the run's seed
    auto net = makeClassifier(o.arch, o.width);
    return fit(net, set, o, "classification", dir, [&](const torch::Tensor& img, const torch::Tensor& lab) {
        // The label follows the augmented mask: a crop that cuts the infection away is a negative.
        auto target = (lab.flatten(1) > 1.5).any(1).to(torch::kFloat32);
        return torch::nn::functional::binary_cross_entropy_with_logits(net->forward(classifierInput(img)), target);
    }, [](int, double, Json&, FitReport&) {});
}

bool isTrainedModel(const std::string& dir) {
    try {
        const Json j = readJsonFile((fs::path(dir) / "model.json").string());
        return j.stringOr("format", "") == "ctsw-eval-model" && fs::is_regular_file(fs::path(dir) / "model.pt");
    } catch (const std::exception&) {
        return false;
    }
}

struct EvalModel::Impl {
    Json info;
    std::shared_ptr<SegNetImpl> seg;
    std::shared_ptr<ClassifierImpl> cls;
    int size = 0;
    int threads = 0;
};

EvalModel::EvalModel(const std::string& dir, int threads) : impl_(std::make_unique<Impl>()) {
    const fs::path json = fs::path(dir) / "model.json";
    if (!fs::is_regular_file(json)) throw std::runtime_error(dir + ": not an evaluation model folder (no model.json)");
    impl_->info = readJsonFile(json.string());
    if (impl_->info.stringOr("format", "") != "ctsw-eval-model")
        throw std::runtime_error(json.string() + ": not an evaluation model (format " + impl_->info.stringOr("format", "missing") + ")");
    impl_->size = impl_->info.at("size").asInt();
    impl_->threads = threads;
    const std::string arch = impl_->info.at("arch").asString();
    const double width = impl_->info.at("width").asNumber();
    torch::nn::Module* module = nullptr;
    if (task() == "segmentation") {
        impl_->seg = makeSegNet(arch, width);
        module = impl_->seg.get();
    } else {
        impl_->cls = makeClassifier(arch, width);
        module = impl_->cls.get();
    }
    gan::store::loadModule(*module, (fs::path(dir) / "model.pt").string());
    if (task() == "segmentation" && arch == "unet") setChannelsLastWeights(*module, true);
    module->eval();
}

EvalModel::~EvalModel() = default;

std::string EvalModel::task() const { return impl_->info.at("task").asString(); }
std::string EvalModel::arch() const { return impl_->info.at("arch").asString(); }
int EvalModel::size() const { return impl_->size; }

std::vector<LabelSlice> EvalModel::segment(const std::vector<EvalSample>& samples) const {
    if (!impl_->seg) throw std::invalid_argument("a " + task() + " model cannot segment");
    gan::setThreads(impl_->threads);
    return segmentWith(*impl_->seg, samples, impl_->size);
}

std::vector<double> EvalModel::infectionProbability(const std::vector<EvalSample>& samples) const {
    if (!impl_->cls) throw std::invalid_argument("a " + task() + " model cannot classify");
    gan::setThreads(impl_->threads);
    torch::NoGradGuard guard;
    std::vector<double> out;
    for (std::size_t start = 0; start < samples.size(); start += 8) {
        const std::vector<EvalSample> chunk(samples.begin() + static_cast<std::ptrdiff_t>(start),
                                            samples.begin() + static_cast<std::ptrdiff_t>(std::min(samples.size(), start + 8)));
        auto [img, lab] = stack(chunk, impl_->size);
        auto p = torch::sigmoid(impl_->cls->forward(classifierInput(img))).to(torch::kFloat64).contiguous();
        for (int64_t i = 0; i < p.size(0); ++i) out.push_back(p[i].item<double>());
    }
    return out;
}

namespace {

// A prediction and its truth as they are scored: the sample's padding (EvalSample::content) is
// background in both.
struct ScoredPixels {
    std::vector<std::uint8_t> predicted, truth;
};

ScoredPixels scoredPixels(const LabelSlice& predicted, const EvalSample& truth) {
    ScoredPixels s{predicted.pixels(), truth.labels.pixels()};
    if (s.predicted.size() != s.truth.size()) throw std::invalid_argument("scoreSegmentation: " + truth.id + " differs in size from its prediction");
    const auto& content = truth.content.pixels();
    if (!content.empty()) {
        if (content.size() != s.truth.size()) throw std::invalid_argument("scoreSegmentation: " + truth.id + "'s padding map differs in size from its labels");
        for (std::size_t i = 0; i < content.size(); ++i)
            if (!content[i]) s.predicted[i] = s.truth[i] = 0;
    }
    return s;
}

}  // namespace

SegScores scoreSegmentation(const std::vector<LabelSlice>& predicted, const std::vector<EvalSample>& truth) {
    if (predicted.size() != truth.size()) throw std::invalid_argument("scoreSegmentation: predictions and samples differ in number");
    SegScores s;
    DiceAccumulator lung, parenchyma, infection;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        const ScoredPixels scored = scoredPixels(predicted[i], truth[i]);
        const auto& p = scored.predicted;
        const auto& t = scored.truth;
        const LabelDice d = labelDice(p.data(), t.data(), t.size());
        const DiceValue &dl = d.lung, &dp = d.lungParenchyma, &di = d.infection;
        s.perSliceDice.push_back(d);
        if (dl.defined) s.lungPerSlice.push_back(dl.dice), s.lungIds.push_back(truth[i].id);
        if (dp.defined) s.lungParenchymaPerSlice.push_back(dp.dice);
        if (di.defined) s.infectionPerSlice.push_back(di.dice), s.infectionIds.push_back(truth[i].id);
        lung.add(p.data(), t.data(), t.size(), kLungField);
        parenchyma.add(p.data(), t.data(), t.size(), 1);
        infection.add(p.data(), t.data(), t.size(), 2);
    }
    s.lungPooled = lung.value();
    s.lungParenchymaPooled = parenchyma.value();
    s.infectionPooled = infection.value();
    s.slices = static_cast<int>(truth.size());
    return s;
}

}  // namespace ctsw::eval
