#pragma once
// CoSinGAN's networks in LibTorch (internal to core/gan: Qt code never includes this header).
#include <torch/torch.h>

#include <mutex>
#include <string>
#include <vector>

namespace ctsw::gan {

// pix2pix U-Net generator with any number of downsamplings >= 2 (4 at the coarsest scales, where
// pix2pix's own builder cannot go). Channels c_i = min(ngf * 2^i, 8 * ngf). Input: condition and the
// upsampled previous output (2 channels); output: 1 channel in [-1, 1] (Tanh).
// Upsampling: pix2pix's 4x4 stride-2 transposed convolution, or (resizeUp) nearest-neighbour x2
// followed by a 3x3 convolution, which has no checkerboard pattern (uneven kernel overlap) and runs on
// oneDNN's convolution kernels on CPU instead of LibTorch's slower transposed path.
struct UNetGeneratorImpl : torch::nn::Module {
    UNetGeneratorImpl(int downs, int ngf, int inChannels, int outChannels, double dropout, bool instanceNorm, bool resizeUp = false);
    torch::Tensor forward(torch::Tensor x);
    // Test-time dropout switch, independent of train()/eval() (which also drives BatchNorm).
    void setDropoutActive(bool on) { dropoutActive_ = on; }

    int downs;
    torch::nn::ModuleList downConvs, upConvs, downNorms, upNorms;
    std::vector<bool> upDropout;  // per level
    double dropoutP;
    bool resizeUp;
    bool dropoutActive_ = true;

private:
    torch::Tensor upsample(std::size_t level, const torch::Tensor& u);
    // On CPU each transposed convolution runs as its four output phases (one ordinary convolution, see
    // transposedConvByPhases), in training too. Without gradients the kernels are cached and rebuilt
    // when the weights change.
    struct PhaseKernel {
        torch::Tensor kernel, bias;
        const void* weightData = nullptr;
        std::int64_t weightVersion = -1;
    };
    std::vector<PhaseKernel> phaseKernels_;
    std::mutex phaseMutex_;  // two threads may synthesize with one model
};
TORCH_MODULE(UNetGenerator);

// pix2pix's 4x4 stride-2 padding-1 transposed convolution computed exactly as one 2x2 convolution with
// four times the output channels (one set per output phase: even/odd row x even/odd column), then
// interleaved. Same multiply-adds, but it runs on oneDNN's convolution kernel, which LibTorch's CPU
// transposed convolution does not use. `weight` is the transposed convolution's [in, out, 4, 4];
// `phaseBias` is its bias repeated once per phase, or undefined for none.
torch::Tensor phaseKernelOf(const torch::Tensor& weight);
torch::Tensor transposedConvByPhases(const torch::Tensor& x, const torch::Tensor& phaseKernel, const torch::Tensor& phaseBias);
// On by default; bench_gan turns it off to time both forms in one run, the tests to compare them.
void setTransposedConvByPhases(bool on);

// Conditional PatchGAN (pix2pix NLayerDiscriminator): k strided 4x4 layers, a stride-1 layer and a
// stride-1 output layer without sigmoid (logits).
struct PatchDiscriminatorImpl : torch::nn::Module {
    PatchDiscriminatorImpl(int stridedLayers, int ndf, int inChannels, bool instanceNorm);
    torch::Tensor forward(torch::Tensor x);
    torch::nn::Sequential net;
};
TORCH_MODULE(PatchDiscriminator);

// A small segmentation U-Net (3 classes) whose encoder features drive the MS-FUL loss.
struct SegUNetImpl : torch::nn::Module {
    SegUNetImpl(int width, int levels = 4);
    torch::Tensor forward(torch::Tensor x);                  // logits, 3 channels
    std::vector<torch::Tensor> features(torch::Tensor x);    // encoder outputs, finest first
    torch::nn::ModuleList encoders, decoders, ups;
    torch::nn::Conv2d head{nullptr};
    int levels;
};
TORCH_MODULE(SegUNet);

// VGG19 convolutional features up to relu5_1, with torchvision's layer numbering so that a
// `features.state_dict()` saved by PyTorch loads by name.
struct Vgg19FeaturesImpl : torch::nn::Module {
    Vgg19FeaturesImpl();
    // relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 of a 3-channel ImageNet-normalised input.
    std::vector<torch::Tensor> forward(torch::Tensor x);
    std::vector<torch::nn::Conv2d> convs;
    std::vector<int> layerIndex;  // torchvision index of each conv
};
TORCH_MODULE(Vgg19Features);

// pix2pix initialisation: conv weights N(0, 0.02), norm weights N(1, 0.02), biases 0.
void initWeights(torch::nn::Module& m);
// Counts trainable parameters.
std::int64_t parameterCount(torch::nn::Module& m);
// Copies every parameter and buffer whose name and shape match (scale-to-scale initialisation);
// returns how many tensors were copied.
int copyMatchingState(torch::nn::Module& from, torch::nn::Module& to);

}  // namespace ctsw::gan
