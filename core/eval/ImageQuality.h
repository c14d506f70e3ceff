#pragma once
// Image-quality measures for synthesized slices against a real one (plain C++, no LibTorch): SSIM as
// Wang et al. 2004 define it (Gaussian window of 11 taps, sigma 1.5, K1 0.01, K2 0.03), PSNR, the mean
// absolute error per label, the spread of samples across seeds, and what an added lesion looks like.
// Images are compared on one intensity scale whose full range is `range` (e.g. 1 for [0, 1]).
#include <array>
#include <limits>
#include <vector>

#include "image/Volume.h"

namespace ctsw::eval {

struct Ssim {
    double whole = 0;       // the SSIM map's mean over pixels at least 5 from the border
    double inside = 0;      // its mean over those of them inside `region` (NaN when none or no region)
    long insidePixels = 0;
};
// a and b must have the same size (std::invalid_argument otherwise); `region` (nonzero = inside), when
// given, too. Borders are reflected for filtering; the 5-pixel rim is left out of the means, as
// scikit-image's structural_similarity does, so that the numbers compare with it (checked: scikit-image
// 0.19 with gaussian_weights=True, sigma=1.5, use_sample_covariance=False gives the same value to 1e-6
// on a real CT slice with noise added, and the same PSNR).
Ssim ssim(const Slice<float>& a, const Slice<float>& b, double range, const LabelSlice* region = nullptr);

// 10 log10(range^2 / MSE); +infinity for identical images.
double psnr(const Slice<float>& a, const Slice<float>& b, double range);

// Mean |a - b| over the pixels of each label 0, 1, 2 (background, lung, infection); NaN for a label
// with no pixel.
std::array<double, 3> meanAbsoluteErrorByLabel(const Slice<float>& a, const Slice<float>& b, const LabelSlice& labels);

// Mean of `image` over the pixels where `region` is nonzero (NaN when none).
double meanInside(const Slice<float>& image, const LabelSlice& region);
// The per-pixel standard deviation across `samples` (population), averaged over the pixels where
// `region` is nonzero: how much the samples of one mask differ where it matters. NaN for fewer than 2.
double meanStdInside(const std::vector<Slice<float>>& samples, const LabelSlice& region);

// What a lesion painted into healthy lung becomes: the mean inside the `added` pixels of the image
// synthesized from the edited mask, the mean of the same pixels synthesized from the unedited mask
// (where they are lung), and the mean inside the training slice's real infection. An added lesion
// must look like the real one, not like lung.
struct EditStatistic {
    double addedAsInfection = 0, sameAsLung = 0, realInfection = 0;
    long addedPixels = 0, realInfectionPixels = 0;
};
EditStatistic editStatistic(const Slice<float>& fromEdited, const Slice<float>& fromUnedited, const LabelSlice& added, const Slice<float>& real,
                            const LabelSlice& realLabels);

// What a region of an image carries, over its pixels at least kTextureDepth pixels inside it (its rim
// is partial volume): the mean value, the spread of values, and `structure`, the mean absolute
// difference of two Gaussian blurs (sigma 1 and 3 pixels) of the region's own pixels (normalized
// convolution: what lies outside, such as the chest wall beside the lung, does not count): the detail
// at the size of vessels, septa and ribs, with single-pixel grain mostly smoothed out. A lung without
// vessels or a body without anatomy has a small structure next to the real slice's. NaN (and 0
// pixels) when no pixel lies that deep.
constexpr int kTextureDepth = 2;
constexpr double kTextureFineSigma = 1.0, kTextureCoarseSigma = 3.0;
struct RegionTexture {
    double mean = std::numeric_limits<double>::quiet_NaN(), spread = std::numeric_limits<double>::quiet_NaN(),
           structure = std::numeric_limits<double>::quiet_NaN();
    long pixels = 0;
};
RegionTexture regionTexture(const Slice<float>& image, const LabelSlice& region);

// A square image area-resampled to size x size as the engine makes each scale's target (LibTorch's
// "area" mode, adaptive average pooling): output pixel i averages input pixels
// [floor(i*n/size), ceil((i+1)*n/size)) in each direction. std::invalid_argument for a non-square image.
Slice<float> areaResize(const Slice<float>& square, int size);

}  // namespace ctsw::eval
