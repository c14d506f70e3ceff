#include "gan/Networks.h"

#include <algorithm>
#include <array>
#include <atomic>

namespace ctsw::gan {

namespace nn = torch::nn;

namespace {
nn::AnyModule makeNorm(int channels, bool instance) {
    if (instance) return nn::AnyModule(nn::InstanceNorm2d(nn::InstanceNorm2dOptions(channels).affine(true)));
    return nn::AnyModule(nn::BatchNorm2d(channels));
}
nn::Conv2d down4x4(int in, int out, bool bias) { return nn::Conv2d(nn::Conv2dOptions(in, out, 4).stride(2).padding(1).bias(bias)); }
nn::AnyModule upLayer(int in, int out, bool bias, bool resize) {
    if (resize) return nn::AnyModule(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1).bias(bias)));
    return nn::AnyModule(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, 4).stride(2).padding(1).bias(bias)));
}
}  // namespace

UNetGeneratorImpl::UNetGeneratorImpl(int downs_, int ngf, int inChannels, int outChannels, double dropout, bool instanceNorm, bool resizeUp_)
    : downs(downs_), dropoutP(dropout), resizeUp(resizeUp_) {
    TORCH_CHECK(downs >= 2, "a U-Net needs at least 2 downsamplings");
    std::vector<int> c(static_cast<std::size_t>(downs));
    for (int i = 0; i < downs; ++i) c[static_cast<std::size_t>(i)] = std::min(ngf << i, 8 * ngf);
    const bool bias = instanceNorm;  // pix2pix: no bias before BatchNorm
    for (int i = 0; i < downs; ++i) {
        downConvs->push_back(down4x4(i == 0 ? inChannels : c[static_cast<std::size_t>(i - 1)], c[static_cast<std::size_t>(i)], i == 0 || i == downs - 1 ? true : bias));
        // The outermost and innermost downsampling have no norm (pix2pix).
        if (i > 0 && i < downs - 1) downNorms->push_back(makeNorm(c[static_cast<std::size_t>(i)], instanceNorm).ptr());
        else downNorms->push_back(nn::Identity());
    }
    // Up level i maps to c_{i-1} channels (out_nc at level 0); its input is c_i at the innermost
    // level and 2 * c_i (skip concatenated) elsewhere.
    const int dropoutBlocks = std::clamp(downs - 5, 1, 3);
    upDropout.assign(static_cast<std::size_t>(downs), false);
    for (int i = 0; i < downs; ++i) {
        const int in = i == downs - 1 ? c[static_cast<std::size_t>(i)] : 2 * c[static_cast<std::size_t>(i)];
        const int out = i == 0 ? outChannels : c[static_cast<std::size_t>(i - 1)];
        upConvs->push_back(upLayer(in, out, i == 0 ? true : bias, resizeUp).ptr());
        if (i > 0) upNorms->push_back(makeNorm(out, instanceNorm).ptr());
        else upNorms->push_back(nn::Identity());
        // Dropout in the blocks next to the bottleneck (at least one, so every scale can vary).
        if (i > 0 && i <= downs - 2 && i >= downs - 1 - dropoutBlocks) upDropout[static_cast<std::size_t>(i)] = true;
    }
    register_module("down", downConvs);
    register_module("down_norm", downNorms);
    register_module("up", upConvs);
    register_module("up_norm", upNorms);
}

torch::Tensor UNetGeneratorImpl::forward(torch::Tensor x) {
    const bool inference = !is_training() && !torch::GradMode::is_enabled();
    std::vector<torch::Tensor> skips;
    torch::Tensor h = x;
    for (int i = 0; i < downs; ++i) {
        if (i > 0) h = torch::leaky_relu(h, 0.2);
        h = downConvs[static_cast<std::size_t>(i)]->as<nn::Conv2d>()->forward(h);
        if (i > 0 && i < downs - 1) {
            if (auto bn = downNorms[static_cast<std::size_t>(i)]->as<nn::BatchNorm2d>()) h = bn->forward(h);
            else if (auto in = downNorms[static_cast<std::size_t>(i)]->as<nn::InstanceNorm2d>()) h = in->forward(h);
        }
        skips.push_back(h);
    }
    torch::Tensor u = skips.back();
    for (int i = downs - 1; i >= 0; --i) {
        if (i < downs - 1) u = torch::cat({skips[static_cast<std::size_t>(i)], u}, 1);
        // In place at inference: u is the concatenation (or the innermost output, not used again).
        u = inference ? torch::relu_(u) : torch::relu(u);
        u = upsample(static_cast<std::size_t>(i), u);
        if (i == 0) return torch::tanh(u);
        if (auto bn = upNorms[static_cast<std::size_t>(i)]->as<nn::BatchNorm2d>()) u = bn->forward(u);
        else if (auto in = upNorms[static_cast<std::size_t>(i)]->as<nn::InstanceNorm2d>()) u = in->forward(u);
        if (upDropout[static_cast<std::size_t>(i)] && dropoutActive_ && dropoutP > 0) u = torch::dropout(u, dropoutP, /*train=*/true);
    }
    return u;
}

namespace {
std::atomic<bool> phasesOn{true};
// The phase form's bias: the transposed convolution's, once per output phase; none (an undefined
// tensor, which conv2d skips) when it has none, as the layers before BatchNorm do.
torch::Tensor phaseBiasOf(const nn::ConvTranspose2dImpl* conv) { return conv->bias.defined() ? conv->bias.repeat({4}) : torch::Tensor(); }
}  // namespace

void setTransposedConvByPhases(bool on) { phasesOn = on; }

torch::Tensor UNetGeneratorImpl::upsample(std::size_t level, const torch::Tensor& u) {
    if (resizeUp) return upConvs[level]->as<nn::Conv2d>()->forward(torch::upsample_nearest2d(u, {2 * u.size(2), 2 * u.size(3)}));
    auto conv = upConvs[level]->as<nn::ConvTranspose2d>();
    // On CPU every transposed convolution runs in the phase form (oneDNN's convolution kernel); on
    // CUDA cuDNN's transposed convolution is already fast.
    if (!phasesOn || !u.is_cpu()) return conv->forward(u);
    const torch::Tensor& w = conv->weight;
    if (torch::GradMode::is_enabled() && w.requires_grad()) {
        // Training: the kernel is built from the module's weight in every call (index, permute and
        // concatenate are differentiable), so the gradients reach that weight. Forward and backward
        // then run on oneDNN's convolution, 2-3x faster than LibTorch's CPU transposed convolution.
        return transposedConvByPhases(u, phaseKernelOf(w), phaseBiasOf(conv));
    }
    torch::Tensor kernel, bias;
    {
        std::lock_guard<std::mutex> lock(phaseMutex_);
        if (phaseKernels_.size() < upConvs->size()) phaseKernels_.resize(upConvs->size());
        PhaseKernel& p = phaseKernels_[level];
        if (p.weightData != w.data_ptr() || p.weightVersion != w._version() || p.kernel.scalar_type() != w.scalar_type()) {
            torch::NoGradGuard noGrad;
            p.kernel = phaseKernelOf(w);
            p.bias = phaseBiasOf(conv);
            p.weightData = w.data_ptr();
            p.weightVersion = w._version();
        }
        kernel = p.kernel;
        bias = p.bias;
    }
    return transposedConvByPhases(u, kernel, bias);
}

torch::Tensor phaseKernelOf(const torch::Tensor& weight) {
    // Output row 2m takes input rows m-1 and m through kernel rows 3 and 1; row 2m+1 takes rows m and
    // m+1 through kernel rows 2 and 0 (likewise for columns). On the input padded by one, phase a's
    // two taps are rows t and t+1 of a 2x2 window at t = m + a.
    const std::array<std::array<int64_t, 2>, 2> taps = {{{3, 1}, {2, 0}}};
    std::vector<torch::Tensor> kernels;
    for (int a = 0; a < 2; ++a)
        for (int c = 0; c < 2; ++c) {
            auto rows = torch::tensor(std::vector<int64_t>{taps[a][0], taps[a][1]}, torch::kLong).to(weight.device());
            auto cols = torch::tensor(std::vector<int64_t>{taps[c][0], taps[c][1]}, torch::kLong).to(weight.device());
            kernels.push_back(weight.index_select(2, rows).index_select(3, cols).permute({1, 0, 2, 3}));
        }
    return torch::cat(kernels, 0).contiguous();  // [4 * out, in, 2, 2], phases (0,0), (0,1), (1,0), (1,1)
}

torch::Tensor transposedConvByPhases(const torch::Tensor& x, const torch::Tensor& phaseKernel, const torch::Tensor& phaseBias) {
    const int64_t n = x.size(0), h = x.size(2), w = x.size(3), out = phaseKernel.size(0) / 4;
    // The convolution pads by one itself: an explicit pad copied the input and cost 8 % of synthesis.
    auto z = torch::conv2d(x, phaseKernel, phaseBias, /*stride=*/1, /*padding=*/1);  // [n, 4 * out, h + 1, w + 1]
    z = z.view({n, 2, 2, out, h + 1, w + 1});
    // Output phase (a, c): even/odd row a, column c; [n, out, h, w].
    auto phase = [&](int64_t a, int64_t c) { return z.select(2, c).select(1, a).narrow(2, a, h).narrow(3, c, w); };
    if (!torch::GradMode::is_enabled() || !z.requires_grad()) {
        // Inference: one pass that writes each phase into its place.
        auto y = torch::empty({n, out, h, 2, w, 2}, x.options());
        for (int64_t a = 0; a < 2; ++a)
            for (int64_t c = 0; c < 2; ++c) y.select(5, c).select(3, a).copy_(phase(a, c));
        return y.view({n, out, 2 * h, 2 * w});
    }
    // Training: the same interleave from differentiable ops (stacking, whose gradient is a slice).
    std::vector<torch::Tensor> rows;
    for (int64_t a = 0; a < 2; ++a) {
        std::vector<torch::Tensor> cols;
        for (int64_t c = 0; c < 2; ++c) cols.push_back(phase(a, c));
        rows.push_back(torch::stack(cols, 4));  // [n, out, h, w, 2]
    }
    return torch::stack(rows, 3).view({n, out, 2 * h, 2 * w});  // [n, out, h, 2, w, 2]
}

PatchDiscriminatorImpl::PatchDiscriminatorImpl(int k, int ndf, int inChannels, bool instanceNorm) {
    const bool bias = instanceNorm;
    net->push_back(nn::Conv2d(nn::Conv2dOptions(inChannels, ndf, 4).stride(2).padding(1)));
    net->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
    int prev = ndf;
    for (int m = 1; m < k; ++m) {
        const int out = ndf * std::min(1 << m, 8);
        net->push_back(nn::Conv2d(nn::Conv2dOptions(prev, out, 4).stride(2).padding(1).bias(bias)));
        net->push_back(makeNorm(out, instanceNorm));
        net->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
        prev = out;
    }
    const int out = ndf * std::min(1 << k, 8);
    net->push_back(nn::Conv2d(nn::Conv2dOptions(prev, out, 4).stride(1).padding(1).bias(bias)));
    net->push_back(makeNorm(out, instanceNorm));
    net->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
    net->push_back(nn::Conv2d(nn::Conv2dOptions(out, 1, 4).stride(1).padding(1)));
    register_module("net", net);
}

torch::Tensor PatchDiscriminatorImpl::forward(torch::Tensor x) { return net->forward(x); }

namespace {
nn::Sequential doubleConv(int in, int out) {
    return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1).bias(false)), nn::BatchNorm2d(out), nn::ReLU(),
                          nn::Conv2d(nn::Conv2dOptions(out, out, 3).padding(1).bias(false)), nn::BatchNorm2d(out), nn::ReLU());
}
}  // namespace

SegUNetImpl::SegUNetImpl(int width, int levels_) : levels(levels_) {
    int in = 1;
    for (int l = 0; l < levels; ++l) {
        const int out = width << l;
        encoders->push_back(doubleConv(in, out));
        in = out;
    }
    for (int l = levels - 2; l >= 0; --l) {
        const int out = width << l;
        ups->push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, 2).stride(2)));
        decoders->push_back(doubleConv(2 * out, out));
        in = out;
    }
    head = nn::Conv2d(nn::Conv2dOptions(in, 3, 1));
    register_module("enc", encoders);
    register_module("dec", decoders);
    register_module("up", ups);
    register_module("head", head);
}

std::vector<torch::Tensor> SegUNetImpl::features(torch::Tensor x) {
    std::vector<torch::Tensor> f;
    for (int l = 0; l < levels; ++l) {
        if (l > 0) x = torch::max_pool2d(x, 2);
        x = encoders[static_cast<std::size_t>(l)]->as<nn::Sequential>()->forward(x);
        f.push_back(x);
    }
    return f;
}

torch::Tensor SegUNetImpl::forward(torch::Tensor x) {
    auto f = features(x);
    torch::Tensor u = f.back();
    for (int j = 0; j < levels - 1; ++j) {
        u = ups[static_cast<std::size_t>(j)]->as<nn::ConvTranspose2d>()->forward(u);
        u = torch::cat({f[static_cast<std::size_t>(levels - 2 - j)], u}, 1);
        u = decoders[static_cast<std::size_t>(j)]->as<nn::Sequential>()->forward(u);
    }
    return head->forward(u);
}

Vgg19FeaturesImpl::Vgg19FeaturesImpl() {
    // torchvision vgg19.features: (channels, index) of each conv; 'M' pools sit between blocks.
    const int cfg[] = {64, 64, -1, 128, 128, -1, 256, 256, 256, 256, -1, 512, 512, 512, 512, -1, 512};
    int in = 3, index = 0;
    for (int c : cfg) {
        if (c < 0) { index += 1; continue; }  // max pool
        auto conv = nn::Conv2d(nn::Conv2dOptions(in, c, 3).padding(1));
        register_module(std::to_string(index), conv);
        convs.push_back(conv);
        layerIndex.push_back(index);
        index += 2;  // conv + relu
        in = c;
    }
}

std::vector<torch::Tensor> Vgg19FeaturesImpl::forward(torch::Tensor x) {
    // Outputs after relu1_1 (conv 0), relu2_1 (conv 2), relu3_1 (conv 4), relu4_1 (conv 8), relu5_1 (conv 12).
    const std::vector<std::size_t> taps = {0, 2, 4, 8, 12};
    const std::vector<std::size_t> poolsBefore = {2, 4, 8, 12};
    std::vector<torch::Tensor> out;
    for (std::size_t i = 0; i < convs.size(); ++i) {
        if (std::find(poolsBefore.begin(), poolsBefore.end(), i) != poolsBefore.end()) x = torch::max_pool2d(x, 2);
        x = torch::relu(convs[i]->forward(x));
        if (std::find(taps.begin(), taps.end(), i) != taps.end()) out.push_back(x);
        if (out.size() == taps.size()) break;
    }
    return out;
}

void initWeights(nn::Module& root) {
    torch::NoGradGuard guard;
    for (auto& m : root.modules(/*include_self=*/true)) {
        const std::string name = m->name();
        const bool conv = name.find("Conv") != std::string::npos;
        const bool norm = name.find("BatchNorm") != std::string::npos || name.find("InstanceNorm") != std::string::npos;
        for (auto& p : m->named_parameters(/*recurse=*/false)) {
            if (p.key() == "weight") {
                if (conv) p.value().normal_(0.0, 0.02);
                else if (norm) p.value().normal_(1.0, 0.02);
            } else if (p.key() == "bias") {
                p.value().zero_();
            }
        }
    }
}

std::int64_t parameterCount(nn::Module& m) {
    std::int64_t n = 0;
    for (const auto& p : m.parameters()) n += p.numel();
    return n;
}

int copyMatchingState(nn::Module& from, nn::Module& to) {
    torch::NoGradGuard guard;
    int copied = 0;
    auto src = from.named_parameters();
    for (auto& p : to.named_parameters()) {
        if (auto* s = src.find(p.key()); s && s->sizes() == p.value().sizes()) { p.value().copy_(*s); ++copied; }
    }
    auto srcBuf = from.named_buffers();
    for (auto& b : to.named_buffers()) {
        if (auto* s = srcBuf.find(b.key()); s && s->sizes() == b.value().sizes()) { b.value().copy_(*s); ++copied; }
    }
    return copied;
}

}  // namespace ctsw::gan
