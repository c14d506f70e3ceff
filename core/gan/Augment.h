#pragma once
// Hierarchical data augmentation: image and mask move together through one sampling grid
// (bilinear for the image, nearest for the mask). Internal to core/gan.
#include <torch/torch.h>

namespace ctsw::gan {

struct AugmentStrength {
    bool enabled = true;
    double cropMin = 0.5;        // crop side as a fraction of the image side, drawn in [cropMin, 1]
    double rotationDeg = 15.0;   // drawn in [-rotationDeg, rotationDeg]
    bool horizontalFlip = true;
    bool verticalFlip = true;
    double elasticAlpha = 0.0;   // displacement magnitude in pixels at 512 (0 = off)
    double elasticSigma = 4.0;   // smoothing of the displacement field in pixels at 512
    float labelFill = 0.0f;      // the label outside the source: background, or kOutsideBody
};

// image: [B,1,S,S] in [-1, 1]; labels: [B,1,S,S] float 0/1/2. Returns the augmented pair; outside
// the source the image is air (-1) and the mask background. Random numbers come from torch's
// generator, so torch::manual_seed makes it reproducible.
std::pair<torch::Tensor, torch::Tensor> augment(const torch::Tensor& image, const torch::Tensor& labels, const AugmentStrength& s);

// Copy-paste of lesions: in each sample, with the given probability, the infection (label 2) is copied,
// mirrored left-right half of the time and shifted by up to a third of the side, onto the pixels of
// healthy lung (label 1) it then covers; image values and labels move together. A placement covering
// less than a quarter of the lesion is redrawn (a few tries, then the sample is left as it is).
// With pieceProbability, a paste copies only a disc of the infection (radius S/64 to S/16, around one
// of its pixels) centred on a healthy-lung pixel: small lesions, one or two pixels at the coarsest
// scale, are then part of training, and the finer scales learn to carry their intensity.
std::pair<torch::Tensor, torch::Tensor> pasteLesions(const torch::Tensor& image, const torch::Tensor& labels, double probability, double pieceProbability = 0.0);

// Area downsampling of images and nearest resizing of label maps to size x size.
torch::Tensor resizeImage(const torch::Tensor& image, int size);
torch::Tensor resizeLabels(const torch::Tensor& labels, int size);
torch::Tensor upsampleImage(const torch::Tensor& image, int size);  // bilinear, align_corners=false

// Condition encoding (paper): background 0, lung 128, infection 255, scaled like the image to [-1, 1].
// With randomize, eq. 10's noise is added per pixel first: background +U(0, dBg), lung +U(-dLung, dLung),
// infection -U(0, dInf).
// `uniform`, when given, holds the U(0, 1) draws (the labels' shape) instead of drawing them here.
torch::Tensor encodeCondition(const torch::Tensor& labels, bool randomize, double dBackground, double dLung, double dInfection,
                              const torch::Tensor& uniform = {});

}  // namespace ctsw::gan
