#include "eval/EvalNets.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace ctsw::eval {

namespace nn = torch::nn;

namespace {

constexpr int kClasses = 3;  // background, lung, infection

int scaledWidth(int standard, double widthScale, int minimum) {
    return std::max(minimum, static_cast<int>(std::lround(standard * widthScale)));
}

void requirePositiveScale(double widthScale) {
    if (!(widthScale > 0.0)) throw std::invalid_argument("widthScale must be positive, got " + std::to_string(widthScale));
}

void requireSideMultipleOf(const torch::Tensor& x, std::int64_t factor, const char* network) {
    TORCH_CHECK(x.dim() == 4 && x.size(2) % factor == 0 && x.size(3) % factor == 0, network,
                " needs a [B,C,H,W] input with H and W multiples of ", factor, ", got ", x.sizes());
}

// Bias is redundant before BatchNorm, which subtracts the mean; every such conv drops it.
nn::Conv2d conv(int in, int out, std::array<std::int64_t, 2> kernel, std::array<std::int64_t, 2> padding = {0, 0}, int stride = 1,
                int dilation = 1) {
    return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).dilation(dilation).bias(false));
}

// ---------------------------------------------------------------------------------------------
// U-Net

nn::Sequential doubleConv(int in, int out) {
    return nn::Sequential(conv(in, out, {3, 3}, {1, 1}), nn::BatchNorm2d(out), nn::ReLU(),  //
                          conv(out, out, {3, 3}, {1, 1}), nn::BatchNorm2d(out), nn::ReLU());
}

class UNet : public SegNetImpl {
public:
    static constexpr int kDownsamplings = 4;

    explicit UNet(int base) {
        int in = 1;
        for (int level = 0; level <= kDownsamplings; ++level) {
            const int out = base << level;
            encoders_.push_back(register_module("down" + std::to_string(level), doubleConv(in, out)));
            in = out;
        }
        for (int level = kDownsamplings - 1; level >= 0; --level) {
            const int out = base << level;
            ups_.push_back(register_module("upconv" + std::to_string(level),
                                           nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, 2).stride(2))));
            // Input: the upsampled features concatenated with the encoder's skip of the same level.
            decoders_.push_back(register_module("up" + std::to_string(level), doubleConv(2 * out, out)));
            in = out;
        }
        head_ = register_module("head", nn::Conv2d(nn::Conv2dOptions(in, kClasses, 1)));
    }

    torch::Tensor forward(torch::Tensor x) override {
        requireSideMultipleOf(x, 1 << kDownsamplings, "U-Net");
        if (x.device().is_cpu() && weightsAreChannelsLast()) x = x.contiguous(torch::MemoryFormat::ChannelsLast);  // see setChannelsLastWeights
        std::vector<torch::Tensor> skips;
        for (std::size_t level = 0; level < encoders_.size(); ++level) {
            if (level > 0) x = torch::max_pool2d(x, 2);
            x = encoders_[level]->forward(x);
            skips.push_back(x);
        }
        for (std::size_t j = 0; j < decoders_.size(); ++j) {
            x = transposedConv2x2ByShuffle(ups_[j], x);
            x = decoders_[j]->forward(torch::cat({skips[skips.size() - 2 - j], x}, 1));
        }
        return head_->forward(x);
    }

private:
    // The second 3x3 convolution of the first level (C x C x 3 x 3) tells the layout unambiguously.
    bool weightsAreChannelsLast() const {
        return encoders_.front()->ptr(3)->as<nn::Conv2dImpl>()->weight.is_contiguous(torch::MemoryFormat::ChannelsLast);
    }

    std::vector<nn::Sequential> encoders_, decoders_;
    std::vector<nn::ConvTranspose2d> ups_;
    nn::Conv2d head_{nullptr};
};

// ---------------------------------------------------------------------------------------------
// ENet. Bottleneck layout of the authors' reference code: 1x1 projection to a quarter of the
// output channels, the main conv, 1x1 expansion, BatchNorm and activation between the convs,
// spatial dropout on the branch, then the sum with the shortcut and one more activation.

enum class Activation { PReLU, ReLU };  // the encoder learns its slopes, the decoder uses ReLU

nn::AnyModule activation(int channels, Activation kind) {
    if (kind == Activation::PReLU) return nn::AnyModule(nn::PReLU(nn::PReLUOptions().num_parameters(channels)));
    return nn::AnyModule(nn::ReLU());
}

int bottleneckInternal(int outChannels) { return std::max(4, outChannels / 4); }

class EnetInitialBlockImpl : public nn::Module {
public:
    // The input's max pool supplies one channel (grey input), the conv the rest.
    explicit EnetInitialBlockImpl(int outChannels)
        : conv_(register_module("conv", conv(1, outChannels - 1, {3, 3}, {1, 1}, 2))),
          norm_(register_module("bn", nn::BatchNorm2d(outChannels))),
          prelu_(register_module("prelu", nn::PReLU(nn::PReLUOptions().num_parameters(outChannels)))) {}

    torch::Tensor forward(torch::Tensor x) {
        return prelu_->forward(norm_->forward(torch::cat({conv_->forward(x), torch::max_pool2d(x, 2)}, 1)));
    }

private:
    nn::Conv2d conv_;
    nn::BatchNorm2d norm_;
    nn::PReLU prelu_;
};
TORCH_MODULE(EnetInitialBlock);

enum class MiddleConv { Regular, Dilated, Asymmetric };

class EnetBottleneckImpl : public nn::Module {
public:
    // dilation is used by MiddleConv::Dilated only.
    EnetBottleneckImpl(int channels, MiddleConv middle, int dilation, double dropout, Activation kind) {
        const int internal = bottleneckInternal(channels);
        nn::Sequential branch(conv(channels, internal, {1, 1}), nn::BatchNorm2d(internal));
        branch->push_back(activation(internal, kind));
        switch (middle) {
        case MiddleConv::Regular: branch->push_back(conv(internal, internal, {3, 3}, {1, 1})); break;
        case MiddleConv::Dilated: branch->push_back(conv(internal, internal, {3, 3}, {dilation, dilation}, 1, dilation)); break;
        case MiddleConv::Asymmetric:  // a 5x5 receptive field for the cost of 5x1 + 1x5
            branch->push_back(conv(internal, internal, {5, 1}, {2, 0}));
            branch->push_back(conv(internal, internal, {1, 5}, {0, 2}));
            break;
        }
        branch->push_back(nn::BatchNorm2d(internal));
        branch->push_back(activation(internal, kind));
        branch->push_back(conv(internal, channels, {1, 1}));
        branch->push_back(nn::BatchNorm2d(channels));
        branch->push_back(nn::Dropout2d(dropout));
        branch_ = register_module("branch", branch);
        out_ = register_module("out", nn::Sequential());  // the activation after the sum
        out_->push_back(activation(channels, kind));
    }

    torch::Tensor forward(torch::Tensor x) { return out_->forward(x + branch_->forward(x)); }

private:
    nn::Sequential branch_{nullptr}, out_{nullptr};
};
TORCH_MODULE(EnetBottleneck);

// What a downsampling bottleneck hands to the matching upsampling one.
struct PoolingTrace {
    torch::Tensor indices;
    std::int64_t height, width;  // before pooling
};

class EnetDownsamplingImpl : public nn::Module {
public:
    EnetDownsamplingImpl(int in, int out, double dropout) : extraChannels_(out - in) {
        const int internal = bottleneckInternal(out);
        // The 2x2 stride-2 projection replaces the 1x1 one: it downsamples while projecting.
        branch_ = register_module(
            "branch", nn::Sequential(conv(in, internal, {2, 2}, {0, 0}, 2), nn::BatchNorm2d(internal),
                                     nn::PReLU(nn::PReLUOptions().num_parameters(internal)),  //
                                     conv(internal, internal, {3, 3}, {1, 1}), nn::BatchNorm2d(internal),
                                     nn::PReLU(nn::PReLUOptions().num_parameters(internal)),  //
                                     conv(internal, out, {1, 1}), nn::BatchNorm2d(out), nn::Dropout2d(dropout)));
        prelu_ = register_module("prelu", nn::PReLU(nn::PReLUOptions().num_parameters(out)));
    }

    std::pair<torch::Tensor, PoolingTrace> forward(torch::Tensor x) {
        PoolingTrace trace{{}, x.size(2), x.size(3)};
        torch::Tensor shortcut;
        std::tie(shortcut, trace.indices) = torch::max_pool2d_with_indices(x, {2, 2}, {2, 2});
        // The shortcut gains channels as zeros, so it adds no parameters.
        shortcut = torch::cat({shortcut, torch::zeros({shortcut.size(0), extraChannels_, shortcut.size(2), shortcut.size(3)}, shortcut.options())}, 1);
        return {prelu_->forward(shortcut + branch_->forward(x)), trace};
    }

private:
    std::int64_t extraChannels_;
    nn::Sequential branch_{nullptr};
    nn::PReLU prelu_{nullptr};
};
TORCH_MODULE(EnetDownsampling);

class EnetUpsamplingImpl : public nn::Module {
public:
    EnetUpsamplingImpl(int in, int out, double dropout) {
        const int internal = bottleneckInternal(out);
        shortcut_ = register_module("shortcut", nn::Sequential(conv(in, out, {1, 1}), nn::BatchNorm2d(out)));
        branch_ = register_module(
            "branch", nn::Sequential(conv(in, internal, {1, 1}), nn::BatchNorm2d(internal), nn::ReLU(),
                                     nn::ConvTranspose2d(nn::ConvTranspose2dOptions(internal, internal, 3)
                                                             .stride(2).padding(1).output_padding(1).bias(false)),
                                     nn::BatchNorm2d(internal), nn::ReLU(),  //
                                     conv(internal, out, {1, 1}), nn::BatchNorm2d(out), nn::Dropout2d(dropout)));
    }

    torch::Tensor forward(torch::Tensor x, const PoolingTrace& trace) {
        const torch::Tensor shortcut = torch::max_unpool2d(shortcut_->forward(x), trace.indices, {trace.height, trace.width});
        return torch::relu(shortcut + branch_->forward(x));
    }

private:
    nn::Sequential shortcut_{nullptr}, branch_{nullptr};
};
TORCH_MODULE(EnetUpsampling);

class ENet : public SegNetImpl {
public:
    explicit ENet(double widthScale) {
        const int c16 = scaledWidth(16, widthScale, 4), c64 = scaledWidth(64, widthScale, 4), c128 = scaledWidth(128, widthScale, 4);
        initial_ = register_module("initial", EnetInitialBlock(c16));

        down1_ = register_module("bottleneck1_0", EnetDownsampling(c16, c64, 0.01));
        for (int i = 1; i <= 4; ++i)
            stage1_.push_back(register_module("bottleneck1_" + std::to_string(i),
                                              EnetBottleneck(c64, MiddleConv::Regular, 1, 0.01, Activation::PReLU)));

        down2_ = register_module("bottleneck2_0", EnetDownsampling(c64, c128, 0.1));
        // Stages 2 and 3 share one sequence; stage 3 has no downsampling bottleneck.
        const std::array<std::pair<MiddleConv, int>, 8> stage23 = {{{MiddleConv::Regular, 1},
                                                                    {MiddleConv::Dilated, 2},
                                                                    {MiddleConv::Asymmetric, 1},
                                                                    {MiddleConv::Dilated, 4},
                                                                    {MiddleConv::Regular, 1},
                                                                    {MiddleConv::Dilated, 8},
                                                                    {MiddleConv::Asymmetric, 1},
                                                                    {MiddleConv::Dilated, 16}}};
        for (int stage = 2; stage <= 3; ++stage)
            for (std::size_t i = 0; i < stage23.size(); ++i)
                stage23_.push_back(register_module("bottleneck" + std::to_string(stage) + "_" + std::to_string(i + 1),
                                                   EnetBottleneck(c128, stage23[i].first, stage23[i].second, 0.1, Activation::PReLU)));

        up4_ = register_module("bottleneck4_0", EnetUpsampling(c128, c64, 0.1));
        for (int i = 1; i <= 2; ++i)
            stage4_.push_back(register_module("bottleneck4_" + std::to_string(i),
                                              EnetBottleneck(c64, MiddleConv::Regular, 1, 0.1, Activation::ReLU)));
        up5_ = register_module("bottleneck5_0", EnetUpsampling(c64, c16, 0.1));
        stage5_ = register_module("bottleneck5_1", EnetBottleneck(c16, MiddleConv::Regular, 1, 0.1, Activation::ReLU));
        fullconv_ = register_module("fullconv", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(c16, kClasses, 2).stride(2)));
    }

    torch::Tensor forward(torch::Tensor x) override {
        requireSideMultipleOf(x, 8, "ENet");
        x = initial_->forward(x);
        PoolingTrace pool1, pool2;
        std::tie(x, pool1) = down1_->forward(x);
        for (auto& bottleneck : stage1_) x = bottleneck->forward(x);
        std::tie(x, pool2) = down2_->forward(x);
        for (auto& bottleneck : stage23_) x = bottleneck->forward(x);
        x = up4_->forward(x, pool2);
        for (auto& bottleneck : stage4_) x = bottleneck->forward(x);
        x = stage5_->forward(up5_->forward(x, pool1));
        return transposedConv2x2ByShuffle(fullconv_, x);
    }

private:
    EnetInitialBlock initial_{nullptr};
    EnetDownsampling down1_{nullptr}, down2_{nullptr};
    EnetUpsampling up4_{nullptr}, up5_{nullptr};
    std::vector<EnetBottleneck> stage1_, stage23_, stage4_;
    EnetBottleneck stage5_{nullptr};
    nn::ConvTranspose2d fullconv_{nullptr};
};

// ---------------------------------------------------------------------------------------------
// ResNet, with torchvision's module names (conv1, bn1, layer1..4, fc, downsample).

nn::Sequential projectionShortcut(int in, int out, int stride) {
    return nn::Sequential(conv(in, out, {1, 1}, {0, 0}, stride), nn::BatchNorm2d(out));
}

class BasicBlockImpl : public nn::Module {
public:
    static constexpr int kExpansion = 1;

    BasicBlockImpl(int in, int planes, int stride)
        : conv1_(register_module("conv1", conv(in, planes, {3, 3}, {1, 1}, stride))),
          bn1_(register_module("bn1", nn::BatchNorm2d(planes))),
          conv2_(register_module("conv2", conv(planes, planes, {3, 3}, {1, 1}))),
          bn2_(register_module("bn2", nn::BatchNorm2d(planes))) {
        if (stride != 1 || in != planes) downsample_ = register_module("downsample", projectionShortcut(in, planes, stride));
    }

    torch::Tensor forward(torch::Tensor x) {
        const torch::Tensor identity = downsample_ ? downsample_->forward(x) : x;
        const torch::Tensor h = torch::relu(bn1_->forward(conv1_->forward(x)));
        return torch::relu(bn2_->forward(conv2_->forward(h)) + identity);
    }

private:
    nn::Conv2d conv1_;
    nn::BatchNorm2d bn1_;
    nn::Conv2d conv2_;
    nn::BatchNorm2d bn2_;
    nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(BasicBlock);

// torchvision's "ResNet v1.5": the stride sits on the 3x3 conv, not on the first 1x1.
class BottleneckImpl : public nn::Module {
public:
    static constexpr int kExpansion = 4;

    BottleneckImpl(int in, int planes, int stride)
        : conv1_(register_module("conv1", conv(in, planes, {1, 1}))),
          bn1_(register_module("bn1", nn::BatchNorm2d(planes))),
          conv2_(register_module("conv2", conv(planes, planes, {3, 3}, {1, 1}, stride))),
          bn2_(register_module("bn2", nn::BatchNorm2d(planes))),
          conv3_(register_module("conv3", conv(planes, planes * kExpansion, {1, 1}))),
          bn3_(register_module("bn3", nn::BatchNorm2d(planes * kExpansion))) {
        if (stride != 1 || in != planes * kExpansion)
            downsample_ = register_module("downsample", projectionShortcut(in, planes * kExpansion, stride));
    }

    torch::Tensor forward(torch::Tensor x) {
        const torch::Tensor identity = downsample_ ? downsample_->forward(x) : x;
        torch::Tensor h = torch::relu(bn1_->forward(conv1_->forward(x)));
        h = torch::relu(bn2_->forward(conv2_->forward(h)));
        return torch::relu(bn3_->forward(conv3_->forward(h)) + identity);
    }

private:
    nn::Conv2d conv1_;
    nn::BatchNorm2d bn1_;
    nn::Conv2d conv2_;
    nn::BatchNorm2d bn2_;
    nn::Conv2d conv3_;
    nn::BatchNorm2d bn3_;
    nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(Bottleneck);

template <typename Block>
class ResNet : public ClassifierImpl {
public:
    ResNet(const std::array<int, 4>& blocksPerLayer, double widthScale) {
        const int stem = scaledWidth(64, widthScale, 8);
        conv1_ = register_module("conv1", conv(3, stem, {7, 7}, {3, 3}, 2));
        bn1_ = register_module("bn1", nn::BatchNorm2d(stem));
        int in = stem;
        const std::array<int, 4> standardPlanes = {64, 128, 256, 512};
        for (std::size_t layer = 0; layer < 4; ++layer) {
            const int planes = scaledWidth(standardPlanes[layer], widthScale, 8);
            nn::Sequential blocks;
            for (int b = 0; b < blocksPerLayer[layer]; ++b) {
                const int stride = (layer > 0 && b == 0) ? 2 : 1;
                blocks->push_back(Block(in, planes, stride));
                in = planes * Block::Impl::kExpansion;
            }
            layers_.push_back(register_module("layer" + std::to_string(layer + 1), blocks));
        }
        fc_ = register_module("fc", nn::Linear(in, 1));
        initialiseFromScratch();
    }

    torch::Tensor forward(torch::Tensor x) override {
        x = torch::relu(bn1_->forward(conv1_->forward(x)));
        x = torch::max_pool2d(x, 3, 2, 1);
        for (auto& layer : layers_) x = layer->forward(x);
        x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
        return fc_->forward(x).squeeze(1);
    }

private:
    // torchvision's initialisation (the Linear head keeps LibTorch's default).
    void initialiseFromScratch() {
        torch::NoGradGuard noGrad;
        for (auto& module : modules(/*include_self=*/false)) {
            if (auto* convolution = module->as<nn::Conv2d>()) {
                nn::init::kaiming_normal_(convolution->weight, 0.0, torch::kFanOut, torch::kReLU);
            } else if (auto* norm = module->as<nn::BatchNorm2d>()) {
                nn::init::ones_(norm->weight);
                nn::init::zeros_(norm->bias);
            }
        }
    }

    nn::Conv2d conv1_{nullptr};
    nn::BatchNorm2d bn1_{nullptr};
    std::vector<nn::Sequential> layers_;
    nn::Linear fc_{nullptr};
};

}  // namespace

void setChannelsLastWeights(nn::Module& net, bool channelsLast) {
    torch::NoGradGuard noGrad;
    const auto format = channelsLast ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
    for (auto& parameter : net.parameters())
        if (parameter.dim() == 4) parameter.set_data(parameter.contiguous(format));
}

torch::Tensor transposedConv2x2ByShuffle(const nn::ConvTranspose2d& up, const torch::Tensor& x) {
    // Padding is not checked: LibTorch keeps it as a variant whose type differs between versions;
    // both callers build their modules without it.
    const auto& o = up->options;
    TORCH_CHECK(o.kernel_size()->at(0) == 2 && o.kernel_size()->at(1) == 2 && o.stride()->at(0) == 2 && o.stride()->at(1) == 2 &&
                    o.output_padding()->at(0) == 0 && o.output_padding()->at(1) == 0 && o.groups() == 1 &&
                    o.dilation()->at(0) == 1 && o.dilation()->at(1) == 1,
                "transposedConv2x2ByShuffle needs a 2x2 stride-2 transposed convolution");
    const torch::Tensor& weight = up->weight;  // [in, out, 2, 2]
    const std::int64_t in = weight.size(0), out = weight.size(1);
    // Output channel c at block position (i, j) is pixel_shuffle's input channel c * 4 + i * 2 + j.
    const torch::Tensor kernel = weight.permute({1, 2, 3, 0}).reshape({out * 4, in, 1, 1});
    torch::Tensor bias;
    if (up->bias.defined()) bias = up->bias.unsqueeze(1).expand({out, 4}).reshape({out * 4});
    return torch::pixel_shuffle(torch::conv2d(x, kernel, bias), 2);
}

std::shared_ptr<SegNetImpl> makeSegNet(const std::string& arch, double widthScale) {
    requirePositiveScale(widthScale);
    if (arch == "unet") {
        auto net = std::make_shared<UNet>(scaledWidth(64, widthScale, 4));
        setChannelsLastWeights(*net, true);
        return net;
    }
    if (arch == "enet") return std::make_shared<ENet>(widthScale);
    throw std::invalid_argument("unknown segmentation network '" + arch + "' (expected unet or enet)");
}

std::shared_ptr<ClassifierImpl> makeClassifier(const std::string& arch, double widthScale) {
    requirePositiveScale(widthScale);
    if (arch == "resnet18") return std::make_shared<ResNet<BasicBlock>>(std::array<int, 4>{2, 2, 2, 2}, widthScale);
    if (arch == "resnet50") return std::make_shared<ResNet<Bottleneck>>(std::array<int, 4>{3, 4, 6, 3}, widthScale);
    throw std::invalid_argument("unknown classifier '" + arch + "' (expected resnet18 or resnet50)");
}

std::int64_t parameterCount(nn::Module& m) {
    std::int64_t count = 0;
    for (const auto& parameter : m.parameters()) count += parameter.numel();
    return count;
}

}  // namespace ctsw::eval
