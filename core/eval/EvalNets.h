#pragma once
// Networks that evaluate synthesized data: segmentation (U-Net, ENet) and classification
// (ResNet18, ResNet50) trained on real or synthetic slices and compared on real test data.
// All are built from scratch with the stable LibTorch C++ API (no pretrained weights).
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>

namespace ctsw::eval {

// Segmentation. Input [B,1,H,W] float in [-1,1], H and W multiples of 16; output logits [B,3,H,W]
// (0 background, 1 lung, 2 infection).
struct SegNetImpl : torch::nn::Module {
    virtual torch::Tensor forward(torch::Tensor x) = 0;
};

// arch "unet": the classic U-Net (Ronneberger et al. 2015) with 4 downsamplings, two 3x3 conv +
//   BatchNorm + ReLU per level, channels base..16*base with base = 64 * widthScale (min 4), 2x2
//   stride-2 transposed-conv upsampling ("up-convolution", as in the paper), 1x1 head. Convolutions
//   are zero-padded so the output has the input's size. widthScale 1 is the standard 31 M network.
// arch "enet": ENet (Paszke et al. 2016) with the paper's stages and the authors' reference code's
//   details: initial block (3x3 stride-2 conv concatenated with a 2x2 max pool of the input; the conv
//   has 16 - 1 channels since the input is grey), encoder stages 1-3 (downsampling bottlenecks whose
//   max-pool indices drive the decoder's unpooling; regular, dilated 2/4/8/16 and asymmetric 5x1+1x5
//   bottlenecks; PReLU; spatial dropout 0.01 in stage 1 and 0.1 later), decoder stages 4-5 (ReLU,
//   max unpooling) and a final 2x2 stride-2 transposed conv to full size. widthScale 1 gives the
//   paper's 16/64/128 channels; smaller scales shrink every width proportionally (min 4).
// Throws std::invalid_argument naming an unknown arch or a widthScale <= 0.
std::shared_ptr<SegNetImpl> makeSegNet(const std::string& arch, double widthScale);

// The U-Net runs in channels-last order (NHWC) on the CPU when its weights are stored so: its forward
// then turns its input so, and its logits come out channels-last (same values, other strides). oneDNN
// skips the layout conversions around every convolution, which makes the U-Net's training step 1.4x
// faster at 256 px on 2 cores (bench_seg). makeSegNet stores the U-Net's weights so; call this again
// after loading weights, which take the saved file's layout. ENet is slower in channels-last and is
// left NCHW. `channelsLast` false restores NCHW (the benchmark's comparison).
void setChannelsLastWeights(torch::nn::Module& net, bool channelsLast);

// A 2x2 stride-2 transposed convolution (the U-Net's up-convolutions, ENet's last layer) computed as
// what it is: each input pixel writes its own 2x2 output block, so a 1x1 convolution to four times the
// channels followed by a pixel shuffle gives the same output and gradients. LibTorch's CPU transposed
// convolution is not a oneDNN kernel; in this form the U-Net's up-convolutions train 1.7-2.4x faster
// on 2 cores (bench_seg), the whole step about 4 %. It reads the module's own weight and bias, so
// saved models load unchanged.
// Throws (c10::Error) for any other kernel, stride, output padding, groups or dilation; the module
// must have no padding (not checked).
torch::Tensor transposedConv2x2ByShuffle(const torch::nn::ConvTranspose2d& up, const torch::Tensor& x);

// Classification. Input [B,3,H,W] float (the grey image repeated 3 times, ImageNet-normalised by
// the caller); output one logit per image [B] (infection present).
struct ClassifierImpl : torch::nn::Module {
    virtual torch::Tensor forward(torch::Tensor x) = 0;
};

// arch "resnet18" (BasicBlock [2,2,2,2]) or "resnet50" (Bottleneck [3,4,6,3], expansion 4, stride on
// the 3x3 conv) in torchvision's layout and parameter names: 7x7 stride-2 stem + 3x3 max pool, global
// average pool, Linear(..., 1). widthScale 1 gives the standard widths 64..512 (min 8 when scaled).
// Initialised from scratch: Kaiming normal (fan out) for convolutions, BatchNorm weight 1 and bias 0.
// Throws std::invalid_argument naming an unknown arch or a widthScale <= 0.
std::shared_ptr<ClassifierImpl> makeClassifier(const std::string& arch, double widthScale);

// Number of parameter values (BatchNorm running statistics, which are buffers, excluded).
std::int64_t parameterCount(torch::nn::Module& m);

}  // namespace ctsw::eval
