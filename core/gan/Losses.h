#pragma once
// CoSinGAN's mixed reconstruction loss terms (internal to core/gan).
#include <torch/torch.h>

#include <array>

#include "gan/Networks.h"

namespace ctsw::gan {

// Per-pixel weights from a label map (0/1/2 as float) with the class weights (paper 0.1/0.5/1.0).
torch::Tensor classWeightMap(const torch::Tensor& labels, const std::array<double, 3>& weights);
// Weighted L1: sum(w * |a - b|) / sum(w). Images in [-1, 1].
torch::Tensor wppl(const torch::Tensor& fake, const torch::Tensor& real, const torch::Tensor& weights);

// Number of MS-SSIM levels usable at a size with an 11-pixel window: min(5, 1 + floor(log2(size / 11))).
int msssimLevels(int size);
// MS-SSIM of images in [-1, 1] (mapped to [0, 1]); Gaussian window 11, sigma 1.5, the standard level
// weights truncated to the usable levels and renormalised; contrast terms clamped so no NaN appears.
torch::Tensor msssim(const torch::Tensor& a, const torch::Tensor& b);

// sum_l w_l * L1(f_l(a), f_l(b)) with w = 1/32, 1/16, 1/8, 1/4, 1 (pix2pixHD); b's features detached.
torch::Tensor vggFeatureLoss(Vgg19Features& vgg, const torch::Tensor& fake, const torch::Tensor& real);
// sum_l 2^-(L-1-l) * L1 over the segmentation U-Net's encoder features.
torch::Tensor unetFeatureLoss(SegUNet& unet, const torch::Tensor& fake, const torch::Tensor& real);

}  // namespace ctsw::gan
