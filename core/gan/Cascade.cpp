#include "gan/Cascade.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "gan/Augment.h"
#include "gan/Precision.h"
#include "io/AtomicWrite.h"
#include "io/Fnv.h"

namespace fs = std::filesystem;

namespace ctsw::gan {

UNetGenerator Cascade::makeGenerator(int s) const {
    return UNetGenerator(config_.generatorDowns[static_cast<std::size_t>(s)], config_.ngf, 2, 1, config_.dropout, config_.norm == "instance",
                         config_.upsample == "resize");
}

PatchDiscriminator Cascade::makeDiscriminator(int s) const {
    return PatchDiscriminator(config_.discriminatorLayers[static_cast<std::size_t>(s)], config_.ndf, 2, config_.norm == "instance");
}

torch::Tensor Cascade::conditionAt(const torch::Tensor& labels, int s, bool randomized, const torch::Tensor& uniform) const {
    return encodeCondition(resizeLabels(labels, config_.sizes[static_cast<std::size_t>(s)]), randomized, config_.rcBackground, config_.rcLung,
                           config_.rcInfection, uniform);
}

std::vector<torch::Tensor> Cascade::drawConditionNoise(int upTo) const {
    std::vector<torch::Tensor> out;
    for (int s = 0; s < upTo; ++s) {
        const int64_t size = config_.sizes[static_cast<std::size_t>(s)];
        out.push_back(torch::rand({1, 1, size, size}, torch::TensorOptions().dtype(torch::kFloat32).device(torch::kCPU)));
    }
    return out;
}

torch::Tensor applyGenerator(UNetGenerator& g, const torch::Tensor& condition, const torch::Tensor& previous, bool residual) {
    auto out = g->forward(torch::cat({condition, previous}, 1));
    // Residual (SinGAN-style): the generator adds detail to its input image instead of redrawing it.
    return residual ? (previous + out).clamp(-1.0, 1.0) : out;
}

torch::Tensor Cascade::run(const torch::Tensor& labels, int upTo, bool rc, bool dropout, const std::vector<torch::Tensor>& uniforms, const StageObserver& observe) {
    torch::NoGradGuard guard;
    const int64_t b = labels.size(0);
    torch::Tensor x = torch::zeros({b, 1, config_.sizes[0], config_.sizes[0]}, labels.options());
    for (int s = 0; s < upTo; ++s) {
        const int size = config_.sizes[static_cast<std::size_t>(s)];
        auto c = conditionAt(labels, s, rc, static_cast<std::size_t>(s) < uniforms.size() ? uniforms[static_cast<std::size_t>(s)] : torch::Tensor());
        auto prev = s == 0 ? torch::zeros_like(c) : upsampleImage(x, size);
        ScaleNets& n = scales_[static_cast<std::size_t>(s)];
        CpuBf16Autocast autocast(cpuBf16_ && size >= kBf16MinSize);
        n.stage1->eval();
        n.stage1->setDropoutActive(dropout);
        x = applyGenerator(n.stage1, c, prev, config_.residual).to(torch::kFloat32);
        if (observe) observe(s, 1, x);
        if (n.stage2) {
            n.stage2->eval();
            n.stage2->setDropoutActive(dropout);
            x = applyGenerator(n.stage2, c, x, config_.residual).to(torch::kFloat32);
            if (observe) observe(s, 2, x);
        }
    }
    return x;
}

namespace store {

std::string scaleFile(int scale, int stage) { return "scale" + std::to_string(scale) + "_stage" + std::to_string(stage) + ".pt"; }
std::string discriminatorFile(int scale, int stage) { return "scale" + std::to_string(scale) + "_stage" + std::to_string(stage) + "_d.pt"; }

namespace {
// Serializes an archive in memory, then writes it atomically (temporary name, fsync, rename). LibTorch's
// file writer must not see the disk: on a full disk its destructor throws and the process aborts.
template <typename Saveable>
void saveArchive(Saveable& object, const std::string& path, const char* what) {
    std::ostringstream bytes;
    try {
        torch::serialize::OutputArchive ar;
        object.save(ar);
        ar.save_to(bytes);
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": cannot serialize " + what + ": " + e.what());
    }
    const std::string data = bytes.str();
    ctsw::writeBytesAtomically(path, data.data(), data.size());
}
}  // namespace

void saveModule(torch::nn::Module& m, const std::string& path) { saveArchive(m, path, "weights"); }

void loadModule(torch::nn::Module& m, const std::string& path) {
    if (!fs::is_regular_file(path)) throw std::runtime_error(path + ": missing weight file");
    try {
        torch::serialize::InputArchive ar;
        ar.load_from(path);
        m.load(ar);
    } catch (const c10::Error& e) {
        throw std::runtime_error(path + ": not a weight file of this model (truncated, corrupt or from another architecture)");
    }
}

void saveOptimizer(torch::optim::Optimizer& o, const std::string& path) { saveArchive(o, path, "optimizer state"); }

void loadOptimizer(torch::optim::Optimizer& o, const std::string& path) {
    try {
        torch::serialize::InputArchive ar;
        ar.load_from(path);
        o.load(ar);
    } catch (const c10::Error&) {
        throw std::runtime_error(path + ": optimizer state is truncated or corrupt");
    }
}

std::uint64_t fileHash(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot open");
    std::uint64_t h = kFnvOffset;
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        h = fnv1a64(buf.data(), static_cast<std::size_t>(in.gcount()), h);
    }
    return h;
}

Json weightRecord(const std::string& path) {
    const std::string hex = hashHex(fileHash(path));
    Json e = Json::object();
    e.set("bytes", static_cast<double>(fs::file_size(path)));
    e.set("fnv1a64", hex);
    return e;
}

void writeTextAtomically(const std::string& path, const std::string& text) { ctsw::writeTextAtomically(path, text); }

Json readModelJson(const std::string& dir) {
    const std::string path = (fs::path(dir) / "config.json").string();
    if (!fs::is_directory(dir)) throw std::runtime_error(dir + ": no such model folder");
    if (!fs::is_regular_file(path)) throw std::runtime_error(path + ": missing; this folder is not a CoSinGAN model");
    Json j;
    try {
        j = readJsonFile(path);
    } catch (const JsonError& e) {
        throw std::runtime_error(std::string(e.what()) + " (truncated or corrupt model config)");
    }
    if (!j.isObject() || j.stringOr("format", "") != "cosingan-model")
        throw std::runtime_error(path + ": not a CoSinGAN model config (format is not \"cosingan-model\")");
    const int version = static_cast<int>(j.numberOr("version", 0));
    if (version != kConfigVersion)
        throw std::runtime_error(path + ": model format version " + std::to_string(version) + " is not supported (this build reads version " +
                                 std::to_string(kConfigVersion) + ")");
    return j;
}

void verifyWeightFile(const std::string& dir, const Json& j, const std::string& file) {
    const std::string path = (fs::path(dir) / file).string();
    const Json* weights = j.find("weights");
    const Json* entry = weights ? weights->find(file) : nullptr;
    if (!entry) throw std::runtime_error(path + ": not listed in config.json (incomplete model)");
    if (!fs::is_regular_file(path)) throw std::runtime_error(path + ": missing weight file");
    const auto bytes = static_cast<double>(fs::file_size(path));
    if (bytes != entry->numberOr("bytes", -1))
        throw std::runtime_error(path + ": " + std::to_string(static_cast<long long>(bytes)) + " bytes, expected " +
                                 std::to_string(static_cast<long long>(entry->numberOr("bytes", -1))) + " (truncated or replaced)");
    if (entry->stringOr("fnv1a64", "") != weightRecord(path).stringOr("fnv1a64", "")) throw std::runtime_error(path + ": content hash differs from config.json (corrupt or replaced)");
}

}  // namespace store

torch::Tensor labelsToTensor(const std::vector<std::uint8_t>& labels, int size, torch::Device device) {
    auto t = torch::from_blob(const_cast<std::uint8_t*>(labels.data()), {1, 1, size, size}, torch::kUInt8).to(torch::kFloat32).clone();
    return t.to(device);
}

torch::Tensor imageToTensor(const std::vector<float>& image, int size, torch::Device device) {
    return torch::from_blob(const_cast<float*>(image.data()), {1, 1, size, size}, torch::kFloat32).clone().to(device);
}

}  // namespace ctsw::gan
