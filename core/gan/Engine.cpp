// Preparation of inputs and device selection: the torch-free API of Engine.h implemented with LibTorch.
#include "gan/Engine.h"
#include "gan/GpuProbe.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "gan/Augment.h"

namespace ctsw::gan {

namespace {
// Pads to a square (centred) with `fill`, as a [1,1,n,n] tensor.
torch::Tensor padToSquare(const torch::Tensor& t, float fill) {
    const int64_t h = t.size(2), w = t.size(3), n = std::max(h, w);
    if (h == w) return t;
    auto out = torch::full({1, 1, n, n}, fill, t.options());
    out.slice(2, (n - h) / 2, (n - h) / 2 + h).slice(3, (n - w) / 2, (n - w) / 2 + w).copy_(t);
    return out;
}
}  // namespace

TrainingPair prepareTrainingPair(const Slice<float>& image, bool valuesAreHu, const LabelSlice& labels, int size, double huLow, double huHigh) {
    if (image.width() != labels.width() || image.height() != labels.height())
        throw std::invalid_argument("mask is " + std::to_string(labels.width()) + "x" + std::to_string(labels.height()) + " but the image is " +
                                    std::to_string(image.width()) + "x" + std::to_string(image.height()));
    for (std::uint8_t v : labels.pixels())
        if (v > 2) throw std::invalid_argument("mask holds label " + std::to_string(v) + "; expected 0 background, 1 lung, 2 infection");
    auto img = torch::from_blob(const_cast<float*>(image.pixels().data()), {1, 1, image.height(), image.width()}, torch::kFloat32).clone();
    if (valuesAreHu) img = ((img - huLow) / (huHigh - huLow) * 2 - 1).clamp(-1, 1);
    else img = (img / 127.5 - 1).clamp(-1, 1);
    img = resizeImage(padToSquare(img, -1.0f), size);
    TrainingPair pair;
    pair.image = Slice<float>(size, size);
    std::copy(img.data_ptr<float>(), img.data_ptr<float>() + size * size, pair.image.pixels().begin());
    pair.labels = prepareLabels(labels, size);
    return pair;
}

LabelSlice prepareLabels(const LabelSlice& labels, int size) {
    auto lab = torch::from_blob(const_cast<std::uint8_t*>(labels.pixels().data()), {1, 1, labels.height(), labels.width()}, torch::kUInt8).to(torch::kFloat32);
    lab = resizeLabels(padToSquare(lab, 0.0f), size).round().clamp(0, 2).to(torch::kUInt8).contiguous();
    LabelSlice out(size, size);
    std::copy(lab.data_ptr<std::uint8_t>(), lab.data_ptr<std::uint8_t>() + size * size, out.pixels().begin());
    return out;
}

DeviceInfo resolveDevice(const std::string& request) {
    DeviceInfo d;
    const bool available = torch::cuda::is_available();
    if (request == "cuda" && !available)
        throw std::invalid_argument("--device cuda: this LibTorch has no CUDA or no GPU is visible (use --device cpu or auto)");
    if (request != "auto" && request != "cpu" && request != "cuda") throw std::invalid_argument("unknown device \"" + request + "\" (auto, cpu or cuda)");
    d.cuda = request == "cuda" || (request == "auto" && available);
    if (d.cuda) {
        // LibTorch uses device 0; NVML names it (and says how much memory is free) where the driver allows.
        const GpuProbe probe = probeGpus();
        d.description = "CUDA";
        if (!probe.gpus.empty()) {
            char mem[64];
            std::snprintf(mem, sizeof mem, ", %.0f GiB", probe.gpus[0].totalMiB / 1024.0);
            d.description += " (" + probe.gpus[0].name + mem + ")";
        }
        if (torch::cuda::device_count() > 1) d.description += ", " + std::to_string(torch::cuda::device_count()) + " devices";
    } else {
        d.description = "CPU, " + std::to_string(torch::get_num_threads()) + " threads";
    }
    return d;
}

int threadCount() { return torch::get_num_threads(); }
int cudaDeviceCount() { return static_cast<int>(torch::cuda::device_count()); }

void setThreads(int threads) {
    // Debian's LibTorch uses one thread unless told.
    const int n = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(n);
    // Denormal floats (tiny activations late in training) are very slow on x86; flush them to zero.
    // The flag is per thread, so every thread that runs the networks calls this.
    at::globalContext().setFlushDenormal(true);
}

std::uint8_t unitToByte(float v) {
    const float t = (v + 1.0f) * 127.5f;
    if (!(t > 0.0f)) return 0;
    if (t >= 255.0f) return 255;
    return static_cast<std::uint8_t>(std::lround(t));
}

float unitToHu(float v, double huLow, double huHigh) { return static_cast<float>((static_cast<double>(v) + 1.0) / 2.0 * (huHigh - huLow) + huLow); }

}  // namespace ctsw::gan
