// Segmenter training benchmark: milliseconds per training step (forward, cross entropy, backward,
// Adam) of the U-Net and ENet that `seg-train` and `experiment` train, at the working sizes, with the
// weights in NCHW and in channels-last order (the U-Net uses channels-last, ENet NCHW), in fp32 and in
// bf16 autocast (what `--precision auto` picks on this CPU is named), and the
// U-Net's 2x2 up-convolutions alone, forward and backward, as LibTorch's transposed convolution and
// as the 1x1 convolution + pixel shuffle the networks use. Prints a table; not a test.
//
//   bench_seg [--iterations N] [--threads N] [--batch N]
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "eval/EvalNets.h"
#include "gan/Engine.h"
#include "gan/Precision.h"

using namespace ctsw::eval;
using Clock = std::chrono::steady_clock;

namespace {

template <typename F>
double msPer(F&& f, int iterations) {
    f();  // warm-up: allocations and kernel selection
    const auto t0 = Clock::now();
    for (int i = 0; i < iterations; ++i) f();
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / iterations;
}

double trainingStepMs(const std::string& arch, double width, int size, int batch, int iterations, bool channelsLast, bool bf16 = false) {
    torch::manual_seed(1);
    auto net = makeSegNet(arch, width);
    net->train();
    setChannelsLastWeights(*net, channelsLast);
    torch::optim::Adam optimiser(net->parameters(), torch::optim::AdamOptions(5e-4));
    torch::Tensor x = torch::rand({batch, 1, size, size}) * 2 - 1;
    const torch::Tensor labels = torch::randint(0, 3, {batch, size, size}, torch::kLong);
    return msPer(
        [&] {
            optimiser.zero_grad();
            torch::Tensor logits;
            {
                ctsw::gan::CpuBf16Autocast autocast(bf16);  // as fitSegmenter: the network in bf16, the loss in fp32
                logits = net->forward(x);
            }
            torch::nn::functional::cross_entropy(logits.to(torch::kFloat32), labels).backward();
            optimiser.step();
        },
        iterations);
}

// The U-Net's four up-convolutions (base = 64 * width channels) at an input of `size`, forward and
// backward, both ways. Returns {LibTorch's op, shuffle}.
std::pair<double, double> unetUpConvolutionsMs(double width, int size, int batch, int iterations) {
    const int base = std::max(4, static_cast<int>(64 * width + 0.5));
    double libtorch = 0.0, shuffle = 0.0;
    for (int level = 3; level >= 0; --level) {
        const int in = base << (level + 1), out = base << level, side = size >> (level + 1);
        torch::nn::ConvTranspose2d up(torch::nn::ConvTranspose2dOptions(in, out, 2).stride(2));
        const torch::Tensor x = torch::randn({batch, in, side, side}, torch::requires_grad());
        libtorch += msPer([&] { up->forward(x).sum().backward(); }, iterations);
        shuffle += msPer([&] { transposedConv2x2ByShuffle(up, x).sum().backward(); }, iterations);
    }
    return {libtorch, shuffle};
}

}  // namespace

int main(int argc, char** argv) {
    int iterations = 4, threads = 0, batch = 8;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--iterations") iterations = std::atoi(argv[i + 1]);
        else if (flag == "--threads") threads = std::atoi(argv[i + 1]);
        else if (flag == "--batch") batch = std::atoi(argv[i + 1]);
        else {
            std::fprintf(stderr, "unknown option %s\nusage: bench_seg [--iterations N] [--threads N] [--batch N]\n", argv[i]);
            return 2;
        }
    }
    if (threads > 0) torch::set_num_threads(threads);
    const bool unetBf16 = ctsw::gan::cpuUsesBf16("auto");
    std::printf("# segmenter training step, CPU, %d threads, batch %d, %d timed steps after one warm-up\n# %s\n\n", torch::get_num_threads(), batch,
                iterations, ctsw::gan::cpuKernelPath().c_str());
    std::printf("| network | width | size | NCHW step ms | channels-last step ms | channels-last bf16 step ms | used | slices/s | up-convs, LibTorch's tconv ms | up-convs, shuffle ms |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
    for (int size : {128, 256}) {
        const double unet = trainingStepMs("unet", 0.25, size, batch, iterations, false);
        const double unetLast = trainingStepMs("unet", 0.25, size, batch, iterations, true);
        const double unetBf16Ms = trainingStepMs("unet", 0.25, size, batch, iterations, true, true);
        const auto [libtorch, shuffle] = unetUpConvolutionsMs(0.25, size, batch, iterations);
        const double used = unetBf16 ? unetBf16Ms : unetLast;
        std::printf("| unet | 0.25 | %d | %.0f | %.0f | %.0f | channels-last %s | %.1f | %.0f | %.0f |\n", size, unet, unetLast, unetBf16Ms, unetBf16 ? "bf16" : "fp32",
                    1000.0 * batch / used, libtorch, shuffle);
        const double enet = trainingStepMs("enet", 1.0, size, batch, iterations, false);
        const double enetLast = trainingStepMs("enet", 1.0, size, batch, iterations, true);
        const double enetBf16 = trainingStepMs("enet", 1.0, size, batch, iterations, true, true);
        std::printf("| enet | 1 | %d | %.0f | %.0f | %.0f | NCHW fp32 | %.1f | | |\n", size, enet, enetLast, enetBf16, 1000.0 * batch / enet);
        std::fflush(stdout);
    }
    return 0;
}
