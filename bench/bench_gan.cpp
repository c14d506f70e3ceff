// CoSinGAN engine benchmark: per scale, milliseconds per training iteration (full loss: adversarial,
// WPPL, MS-SSIM, U-Net features, VGG19 features when asked; stage 1 and stage 2), the cost of each part,
// and synthesis latency (one top-size sample, and 8). For `paper`-width and `fast` networks, on CPU and
// CUDA when present. With Debian's python3-torch installed it also times the same plain pix2pix G+D
// step in Python and prints the C++/Python ratio. Prints tables; not a test.
//
//   bench_gan [--preset fast|paper|both] [--iterations N] [--threads N] [--device cpu|cuda] [--vgg] [--synthesis-only]
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "gan/Augment.h"
#include "gan/Cascade.h"
#include "gan/Engine.h"
#include "gan/Losses.h"
#include "gan/Networks.h"
#include "gan/Precision.h"

using namespace ctsw::gan;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::string preset = "both";
    int iterations = 5;
    int threads = 0;
    std::string device = "cpu";
    bool vgg = false;
    bool synthesisOnly = false;
};

template <typename F>
double msPer(F&& f, int iterations, torch::Device dev) {
    f();  // warm-up: allocations and kernel selection
    if (dev.is_cuda()) torch::cuda::synchronize();
    const auto t0 = Clock::now();
    for (int i = 0; i < iterations; ++i) f();
    if (dev.is_cuda()) torch::cuda::synchronize();
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / iterations;
}

double pythonSeconds(int size, int downs, int ngf, int batch, int k, int iterations, int threads) {
    const std::string script = std::string(CTSW_BENCH_DIR) + "/pix2pix_step.py";
    const std::string cmd = "/usr/bin/python3 " + script + " " + std::to_string(size) + " " + std::to_string(downs) + " " + std::to_string(ngf) + " " +
                            std::to_string(batch) + " " + std::to_string(iterations) + " " + std::to_string(threads) + " " + std::to_string(k) + " 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    char buf[128] = {0};
    const bool ok = std::fgets(buf, sizeof buf, p) != nullptr;
    const int rc = pclose(p);
    return ok && rc == 0 ? std::atof(buf) : -1;
}

void benchPreset(const std::string& name, const Options& o, torch::Device dev, bool python) {
    GanConfig c = GanConfig::fromPreset(name);
    std::printf("\n## preset %s (ngf %d, ndf %d), %s\n\n", name.c_str(), c.ngf, c.ndf, dev.is_cuda() ? "CUDA" : "CPU");
    // C++/Py compares Python's fp32 step with the product's fp32 plain step (what `train` takes unless
    // --precision bf16); the bf16 column is that step with G and D in bf16 autocast, losses fp32.
    std::printf("| size | batch | plain G+D ms | same, LibTorch's tconv | plain G+D bf16 ms | +WPPL+MS-SSIM | +U-Net feat | %saugment+cascade | stage 1 it ms | stage 2 it ms | python plain ms | C++/Py speed |\n",
                o.vgg ? "+VGG19 | " : "");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|%s---:|---:|---:|---:|---:|\n", o.vgg ? "---:|" : "");
    Cascade cascade(c, dev);
    SegUNet unet(c.unetWidth);
    unet->to(dev);
    unet->eval();
    Vgg19Features vgg{nullptr};
    if (o.vgg) {
        vgg = Vgg19Features();  // random weights: the cost is what is measured
        vgg->to(dev);
        vgg->eval();
    }
    for (auto& p : unet->parameters()) p.set_requires_grad(false);
    const int top = c.topSize();
    auto topImage = torch::rand({1, 1, top, top}, dev) * 2 - 1;
    auto topLabels = torch::randint(0, 3, {1, 1, top, top}, torch::TensorOptions().device(dev)).to(torch::kFloat);
    for (int s = 0; s < c.scaleCount() && !o.synthesisOnly; ++s) {
        const int size = c.sizes[static_cast<std::size_t>(s)];
        const int batch = c.batchFor(size);
        UNetGenerator g = cascade.makeGenerator(s), g1 = cascade.makeGenerator(s);
        PatchDiscriminator d = cascade.makeDiscriminator(s);
        initWeights(*g);
        initWeights(*g1);
        initWeights(*d);
        g->to(dev);
        g1->to(dev);
        d->to(dev);
        torch::optim::Adam og(g->parameters(), torch::optim::AdamOptions(2e-4).betas({0.5, 0.999}));
        torch::optim::Adam od(d->parameters(), torch::optim::AdamOptions(2e-4).betas({0.5, 0.999}));
        auto real = torch::rand({batch, 1, size, size}, dev) * 2 - 1;
        auto lab = torch::randint(0, 3, {batch, 1, size, size}, torch::TensorOptions().device(dev)).to(torch::kFloat);
        auto cond = encodeCondition(lab, false, 0, 0, 0);
        auto prev = torch::rand({batch, 1, size, size}, dev) * 2 - 1;
        auto w = classWeightMap(lab, c.classWeights);
        auto bce = [](const torch::Tensor& x, float t) { return torch::binary_cross_entropy_with_logits(x, torch::full_like(x, t)); };
        // level 0 plain pix2pix (adv + L1), 1 + WPPL + MS-SSIM, 2 + U-Net features, 3 + VGG
        // The product's levels (1+) leave the discriminator out where the preset has no adversarial
        // term (fast: 192 and 256 px), as the trainer does; level 0 stays pix2pix, to compare with Python.
        const bool productHasD = c.adversarialWeightAt(s) > 0;
        // bf16: generator and discriminator in bf16 autocast, the losses in fp32, as `train --precision
        // bf16` runs the scales from kBf16MinSize.
        auto step = [&](int level, const torch::Tensor& input, bool bf16 = false) {
            torch::Tensor fake;
            {
                CpuBf16Autocast autocast(bf16);
                fake = g->forward(input);
            }
            fake = fake.to(torch::kFloat32);
            auto discriminate = [&](const torch::Tensor& x) {
                CpuBf16Autocast autocast(bf16);
                return d->forward(x).to(torch::kFloat32);
            };
            const bool withD = level == 0 || productHasD;
            torch::Tensor lg = torch::zeros({}, fake.options());
            og.zero_grad();
            if (withD) {
                od.zero_grad();
                auto ld = 0.5 * (bce(discriminate(torch::cat({cond, real}, 1)), 1) + bce(discriminate(torch::cat({cond, fake.detach()}, 1)), 0));
                ld.backward();
                od.step();
                for (auto& p : d->parameters()) p.set_requires_grad(false);
                og.zero_grad();
                lg = bce(discriminate(torch::cat({cond, fake}, 1)), 1);
            }
            if (level == 0) lg = lg + 10 * (fake - real).abs().mean();
            if (level >= 1) lg = lg + 10 * wppl(fake, real, w) + (1 - msssim(fake, real));
            if (level >= 2) lg = lg + 10 * unetFeatureLoss(unet, fake, real);
            if (level >= 3 && vgg) lg = lg + 10 * vggFeatureLoss(vgg, fake, real);
            lg.backward();
            og.step();
            for (auto& p : d->parameters()) p.set_requires_grad(true);
        };
        const auto input = torch::cat({cond, prev}, 1);
        const double plain = msPer([&] { step(0, input); }, o.iterations, dev);
        // The same step with LibTorch's CPU transposed convolution instead of the phase form, same run.
        setTransposedConvByPhases(false);
        const double plainModuleTconv = dev.is_cuda() ? plain : msPer([&] { step(0, input); }, o.iterations, dev);
        setTransposedConvByPhases(true);
        const double plainBf16 = dev.is_cuda() ? plain : msPer([&] { step(0, input, true); }, o.iterations, dev);
        const double mixed = msPer([&] { step(1, input); }, o.iterations, dev);
        const double withUnet = msPer([&] { step(2, input); }, o.iterations, dev);
        const double withVgg = o.vgg ? msPer([&] { step(3, input); }, o.iterations, dev) : withUnet;
        // Augmentation at the top size and the frozen coarser scales (random weights, same cost). The
        // frozen generators are built once, as the trainer does; only their forward passes are timed.
        std::vector<UNetGenerator> frozen;
        for (int k = 0; k < s; ++k) {
            frozen.push_back(cascade.makeGenerator(k));
            frozen.back()->to(dev);
            frozen.back()->eval();
        }
        const double prep = msPer([&] {
            AugmentStrength a;
            a.elasticAlpha = c.elasticAlpha;
            auto [img, l] = augment(topImage.expand({batch, 1, -1, -1}).contiguous(), topLabels.expand({batch, 1, -1, -1}).contiguous(), a);
            if (s > 0) {
                torch::NoGradGuard ng;
                torch::Tensor x = torch::zeros({batch, 1, c.sizes[0], c.sizes[0]}, dev);
                for (int k = 0; k < s; ++k) {
                    const int sk = c.sizes[static_cast<std::size_t>(k)];
                    auto ck = cascade.conditionAt(l, k, true);
                    auto pk = k == 0 ? torch::zeros_like(ck) : upsampleImage(x, sk);
                    UNetGenerator& gk = frozen[static_cast<std::size_t>(k)];
                    x = gk->forward(torch::cat({ck, pk}, 1));
                    x = gk->forward(torch::cat({ck, x}, 1));
                }
            }
        }, std::max(1, o.iterations / 2), dev);
        const double stage2Extra = msPer([&] {
            torch::NoGradGuard ng;
            g1->eval();
            g1->forward(input);
        }, o.iterations, dev);
        const double full = withVgg;
        double py = -1;
        if (python && !dev.is_cuda())
            py = pythonSeconds(size, c.generatorDowns[static_cast<std::size_t>(s)], c.ngf, batch, c.discriminatorLayers[static_cast<std::size_t>(s)], o.iterations,
                               torch::get_num_threads()) * 1000.0;
        char vggCol[32] = "";
        if (o.vgg) std::snprintf(vggCol, sizeof vggCol, "%8.0f | ", withVgg);
        char pyCols[64];
        if (py > 0) std::snprintf(pyCols, sizeof pyCols, "%8.0f | %5.2fx", py, py / plain);
        else std::snprintf(pyCols, sizeof pyCols, "%8s | %6s", "n/a", "n/a");
        std::printf("| %4d%s | %5d | %12.0f | %22.0f | %17.0f | %13.0f | %11.0f | %s%15.0f | %13.0f | %13.0f | %s |\n", size, productHasD ? "" : " (no D)", batch, plain, plainModuleTconv,
                    plainBf16, mixed, withUnet, vggCol, prep,
                    full + prep, full + prep + stage2Extra, pyCols);
    }
    // Synthesis: the whole cascade at the top size with randomized condition, as `synthesize` runs it.
    for (int s = 0; s < c.scaleCount(); ++s) {
        ScaleNets n;
        n.stage1 = cascade.makeGenerator(s);
        n.stage2 = cascade.makeGenerator(s);
        initWeights(*n.stage1);
        initWeights(*n.stage2);
        n.stage1->to(dev);
        n.stage2->to(dev);
        cascade.scales().push_back(n);
    }
    // Synthesis takes the product's precision (Synthesizer's "auto": bf16 autocast from 128 px where the
    // CPU has bf16 kernels); the fp32 figure beside it is the same batch in fp32, same run.
    const bool synthesisBf16 = !dev.is_cuda() && cpuUsesBf16("auto");
    cascade.setCpuBf16(synthesisBf16);
    auto one = topLabels;
    const double single = msPer([&] { cascade.run(one, c.scaleCount(), true, false); }, o.iterations, dev);
    const double eight = msPer([&] { for (int i = 0; i < 8; ++i) cascade.run(one, c.scaleCount(), true, false); }, std::max(1, o.iterations / 2), dev);
    // The same 8 samples as one batch through the cascade (what batching the previews would give).
    auto batch8 = topLabels.expand({8, 1, -1, -1}).contiguous();
    const double batched = msPer([&] { cascade.run(batch8, c.scaleCount(), true, false); }, std::max(1, o.iterations / 2), dev);
    // The Preview gallery's 8 samples run as one batch (Synthesizer batches samples without dropout).
    std::printf("\nsynthesis at %dx%d in %s: one sample %.0f ms, 8 samples one by one %.0f ms, 8 samples as one batch %.0f ms%s\n", top, top,
                synthesisBf16 ? "bf16 autocast from 128 px" : "fp32", single, eight, batched,
                name == "fast" ? (batched <= 150 ? "  (target <= 150 ms: met)" : "  (target <= 150 ms: NOT met)") : "");
    double batchedFp32 = batched;
    if (synthesisBf16) {
        cascade.setCpuBf16(false);
        batchedFp32 = msPer([&] { cascade.run(batch8, c.scaleCount(), true, false); }, std::max(1, o.iterations / 2), dev);
        cascade.setCpuBf16(true);
        std::printf("8 samples as one batch in fp32: %.0f ms (bf16 %.2fx faster)\n", batchedFp32, batchedFp32 / batched);
    }
    {
        // Where the batched synthesis spends its time: each stage's generator, timed between the
        // cascade's stage callbacks (stage 1's figure includes the condition and the upsampling).
        const int runs = std::max(1, o.iterations / 2);
        std::vector<double> stageMs(static_cast<std::size_t>(2 * c.scaleCount()), 0.0);
        for (int r = 0; r < runs; ++r) {
            auto last = Clock::now();
            cascade.run(batch8, c.scaleCount(), true, false, {}, [&](int scale, int stage, const torch::Tensor&) {
                if (dev.is_cuda()) torch::cuda::synchronize();
                const auto now = Clock::now();
                stageMs[static_cast<std::size_t>(2 * scale + stage - 1)] += std::chrono::duration<double, std::milli>(now - last).count() / runs;
                last = now;
            });
        }
        std::printf("\n| 8 samples as one batch: scale | stage 1 ms | stage 2 ms |\n|---:|---:|---:|\n");
        for (int s = 0; s < c.scaleCount(); ++s)
            std::printf("| %d | %.1f | %.1f |\n", c.sizes[static_cast<std::size_t>(s)], stageMs[static_cast<std::size_t>(2 * s)], stageMs[static_cast<std::size_t>(2 * s + 1)]);
    }
    if (!dev.is_cuda()) {
        // The transposed convolutions as LibTorch's own CPU kernel instead of the phase form, same run,
        // in fp32 (Debian's LibTorch has no bf16 CPU kernel for them).
        cascade.setCpuBf16(false);
        setTransposedConvByPhases(false);
        const double moduleBatched = msPer([&] { cascade.run(batch8, c.scaleCount(), true, false); }, std::max(1, o.iterations / 2), dev);
        setTransposedConvByPhases(true);
        std::printf("8 samples as one batch in fp32 with LibTorch's transposed convolution: %.0f ms (phase form %.2fx faster)\n", moduleBatched,
                    moduleBatched / batchedFp32);
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--preset" && i + 1 < argc) o.preset = argv[++i];
        else if (a == "--iterations" && i + 1 < argc) o.iterations = std::max(1, std::atoi(argv[++i]));
        else if (a == "--threads" && i + 1 < argc) o.threads = std::atoi(argv[++i]);
        else if (a == "--device" && i + 1 < argc) o.device = argv[++i];
        else if (a == "--vgg") o.vgg = true;
        else if (a == "--synthesis-only") o.synthesisOnly = true;
        else {
            std::fprintf(stderr, "usage: bench_gan [--preset fast|paper|both] [--iterations N] [--threads N] [--device cpu|cuda] [--vgg] [--synthesis-only]\n");
            return 1;
        }
    }
    setThreads(o.threads);
    const DeviceInfo dev = resolveDevice(o.device);
    const torch::Device device = dev.cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    const bool python = !dev.cuda && std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") == 0;
    std::printf("bench_gan: %s, %d iterations per figure, python3-torch %s\n", dev.description.c_str(), o.iterations, python ? "found" : "not installed (no ratio)");
    torch::manual_seed(0);
    if (o.preset == "fast" || o.preset == "both") benchPreset("fast", o, device, python);
    if (o.preset == "paper" || o.preset == "both") benchPreset("paper", o, device, python);
    return 0;
}
