// Preparation of inputs and device selection: the torch-free API of Engine.h implemented with LibTorch.
#include "gan/Engine.h"
#include "gan/GpuProbe.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
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
    // The trainer's body threshold and the exports' unit follow this; a caller that replaces the
    // provenance carries it over (the CLI's InputSlice provenance holds it too).
    pair.provenance.set("values_are_hu", valuesAreHu);
    return pair;
}

LabelSlice prepareLabels(const LabelSlice& labels, int size, std::uint8_t padLabel) {
    auto lab = torch::from_blob(const_cast<std::uint8_t*>(labels.pixels().data()), {1, 1, labels.height(), labels.width()}, torch::kUInt8).to(torch::kFloat32);
    lab = resizeLabels(padToSquare(lab, static_cast<float>(padLabel)), size).round().clamp(0, kOutsideBody).to(torch::kUInt8).contiguous();
    LabelSlice out(size, size);
    std::copy(lab.data_ptr<std::uint8_t>(), lab.data_ptr<std::uint8_t>() + size * size, out.pixels().begin());
    return out;
}

void markOutsideBody(LabelSlice& labels, const LabelSlice& body) {
    if (body.width() != labels.width() || body.height() != labels.height()) throw std::invalid_argument("body outline and mask differ in size");
    auto& l = labels.pixels();
    for (std::size_t i = 0; i < l.size(); ++i)
        if (l[i] == 0 && !body.pixels()[i]) l[i] = kOutsideBody;
}

LabelSlice productLabels(LabelSlice labels) {
    for (auto& v : labels.pixels()) v = v == kOutsideBody ? 0 : v;
    return labels;
}

namespace {
struct Point {
    double x, y;
};
double cross(const Point& o, const Point& a, const Point& b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }

// Convex hull (Andrew's monotone chain) of the lung and infection pixels' row extremes, counter-clockwise.
std::vector<Point> lungHull(const LabelSlice& labels, Point& centroid) {
    std::vector<Point> pts;
    double sx = 0, sy = 0, n = 0;
    for (int y = 0; y < labels.height(); ++y) {
        int lo = -1, hi = -1;
        for (int x = 0; x < labels.width(); ++x) {
            const std::uint8_t v = labels.at(x, y);
            if (v == 1 || v == 2) {
                if (lo < 0) lo = x;
                hi = x;
                sx += x, sy += y, n += 1;
            }
        }
        if (lo >= 0) {
            pts.push_back({lo - 0.5, y - 0.5}), pts.push_back({lo - 0.5, y + 0.5});
            pts.push_back({hi + 0.5, y - 0.5}), pts.push_back({hi + 0.5, y + 0.5});
        }
    }
    centroid = n > 0 ? Point{sx / n, sy / n} : Point{0, 0};
    std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
    if (pts.size() < 3) return {};
    std::vector<Point> hull(2 * pts.size());
    std::size_t k = 0;
    for (const Point& p : pts) {
        while (k >= 2 && cross(hull[k - 2], hull[k - 1], p) <= 0) --k;
        hull[k++] = p;
    }
    for (std::size_t i = pts.size() - 1, t = k + 1; i-- > 0;) {
        while (k >= t && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0) --k;
        hull[k++] = pts[i];
    }
    hull.resize(k - 1);
    return hull;
}

LabelSlice fillHull(const std::vector<Point>& hull, int width, int height) {
    LabelSlice out(width, height);
    if (hull.size() < 3) return out;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const Point p{static_cast<double>(x), static_cast<double>(y)};
            bool inside = true;
            for (std::size_t i = 0; i < hull.size() && inside; ++i) inside = cross(hull[i], hull[(i + 1) % hull.size()], p) >= 0;
            out.at(x, y) = inside ? 1 : 0;
        }
    return out;
}
}  // namespace

LabelSlice estimateBodyFromLungs(const LabelSlice& labels, double scale) {
    Point c;
    std::vector<Point> hull = lungHull(labels, c);
    for (Point& p : hull) p = {c.x + (p.x - c.x) * scale, c.y + (p.y - c.y) * scale};
    LabelSlice body = fillHull(hull, labels.width(), labels.height());
    for (std::size_t i = 0; i < body.pixels().size(); ++i)
        if (labels.pixels()[i] == 1 || labels.pixels()[i] == 2) body.pixels()[i] = 1;
    return body;
}

double bodyToHullScale(const LabelSlice& labels) {
    std::size_t body = 0, outside = 0;
    for (std::uint8_t v : labels.pixels()) (v == kOutsideBody ? outside : body) += 1;
    const LabelSlice hull = estimateBodyFromLungs(labels, 1.0);
    std::size_t hullPixels = 0;
    for (std::uint8_t v : hull.pixels()) hullPixels += v;
    if (outside == 0 || hullPixels == 0) return 1.2;
    return std::clamp(std::sqrt(static_cast<double>(body) / static_cast<double>(hullPixels)), 1.0, 2.0);
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
        d.description = "CPU, " + std::to_string(torch::get_num_threads()) + " threads, " + cpuKernelPath();
    }
    return d;
}

namespace {
std::set<std::string> flagWords(const std::string& cpuFlags) {
    std::istringstream words(cpuFlags);
    return {std::istream_iterator<std::string>(words), std::istream_iterator<std::string>()};
}

// The "flags" line of /proc/cpuinfo; the flags do not change while the process runs: read once.
const std::string& thisCpuFlags() {
    static const std::string flags = [] {
        std::ifstream cpuinfo("/proc/cpuinfo");
        std::string line;
        while (std::getline(cpuinfo, line))
            if (line.rfind("flags", 0) == 0) {
                const auto colon = line.find(':');
                return colon == std::string::npos ? std::string() : line.substr(colon + 1);
            }
        return std::string();
    }();
    return flags;
}
}  // namespace

bool cpuHasAmxBf16For(const std::string& cpuFlags) { return flagWords(cpuFlags).count("amx_bf16") > 0; }
bool cpuHasBf16KernelsFor(const std::string& cpuFlags) {
    const std::set<std::string> flags = flagWords(cpuFlags);
    return flags.count("amx_bf16") > 0 || flags.count("avx512_bf16") > 0;
}

std::string cpuKernelPathFor(const std::string& cpuFlags) {
    const std::set<std::string> flags = flagWords(cpuFlags);
    std::string path = "fp32";
    if (flags.count("avx512f")) path += " on oneDNN's AVX-512 kernels";
    else if (flags.count("avx2")) path += " on oneDNN's AVX2 kernels";
    if (flags.count("amx_bf16"))
        path += "; bf16 autocast on AMX for the U-Net segmenters and CoSinGAN synthesis from 128 px (CoSinGAN training stays fp32 unless --precision bf16)";
    else if (flags.count("avx512_bf16"))
        path += "; bf16 autocast on AVX512-BF16 for the U-Net segmenters and CoSinGAN synthesis from 128 px (CoSinGAN training stays fp32 unless --precision "
                "bf16: slower there without AMX)";
    return path;
}

std::string cpuKernelPath() {
    static const std::string path = cpuKernelPathFor(thisCpuFlags());
    return path;
}

bool cpuUsesBf16(const std::string& precisionRequest) {
    if (precisionRequest == "fp32") return false;
    if (precisionRequest == "bf16") return true;
    if (precisionRequest == "auto") return cpuHasBf16KernelsFor(thisCpuFlags());
    throw std::invalid_argument("unknown precision \"" + precisionRequest + "\" (auto, fp32 or bf16)");
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
