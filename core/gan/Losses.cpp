#include "gan/Losses.h"

#include <cmath>

namespace ctsw::gan {

torch::Tensor classWeightMap(const torch::Tensor& labels, const std::array<double, 3>& w) {
    auto out = torch::full_like(labels, w[0]);
    out = torch::where(labels > 0.5, torch::full_like(labels, w[1]), out);
    out = torch::where(labels > 1.5, torch::full_like(labels, w[2]), out);
    return torch::where(labels > 2.5, torch::full_like(labels, w[0]), out);  // outside the body: background's weight
}

torch::Tensor wppl(const torch::Tensor& fake, const torch::Tensor& real, const torch::Tensor& weights) {
    return (weights * (fake - real).abs()).sum() / weights.sum().clamp_min(1e-8);
}

int msssimLevels(int size) {
    if (size < 11) return 1;
    const int levels = 1 + static_cast<int>(std::floor(std::log2(static_cast<double>(size) / 11.0)));
    return std::max(1, std::min(5, levels));
}

namespace {
// 'Valid' filtering with the 11-tap Gaussian (sigma 1.5) as two banded matrix products: BLAS runs
// these far faster than LibTorch's CPU convolution runs a one-channel 11x11 kernel (forward and
// backward), which made MS-SSIM the most expensive loss term.
torch::Tensor bandMatrix(int64_t n, const torch::TensorOptions& options) {
    const int size = 11;
    const double sigma = 1.5;
    auto coords = torch::arange(size, options.dtype(torch::kFloat64)) - (size - 1) / 2.0;
    auto g = torch::exp(-(coords * coords) / (2 * sigma * sigma));
    g = g / g.sum();
    auto m = torch::zeros({n, n - size + 1}, options.dtype(torch::kFloat64));
    for (int64_t j = 0; j < n - size + 1; ++j) m.slice(0, j, j + size).select(1, j).copy_(g);
    return m.to(options.dtype());
}

torch::Tensor gaussianValid(const torch::Tensor& x) {
    auto kx = bandMatrix(x.size(3), x.options());                 // [W, W-10]
    auto ky = bandMatrix(x.size(2), x.options()).transpose(0, 1);  // [H-10, H]
    return torch::matmul(ky, torch::matmul(x, kx));
}
}  // namespace

torch::Tensor msssim(const torch::Tensor& a0, const torch::Tensor& b0) {
    static const double kWeights[5] = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
    const int levels = msssimLevels(static_cast<int>(std::min(a0.size(2), a0.size(3))));
    double total = 0;
    for (int l = 0; l < levels; ++l) total += kWeights[l];
    const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
    torch::Tensor a = (a0 + 1) / 2, b = (b0 + 1) / 2;
    const int64_t n = a.size(0);
    torch::Tensor result = torch::ones({n}, a.options());
    for (int l = 0; l < levels; ++l) {
        // One filtering pass over the five maps stacked along the batch ('valid' borders).
        auto maps = torch::cat({a, b, a * a, b * b, a * b}, 0);
        auto f = gaussianValid(maps);
        auto muA = f.slice(0, 0, n), muB = f.slice(0, n, 2 * n);
        auto sAA = f.slice(0, 2 * n, 3 * n) - muA * muA;
        auto sBB = f.slice(0, 3 * n, 4 * n) - muB * muB;
        auto sAB = f.slice(0, 4 * n, 5 * n) - muA * muB;
        auto cs = (2 * sAB + c2) / (sAA + sBB + c2);
        const double w = kWeights[l] / total;
        if (l == levels - 1) {
            auto ssim = ((2 * muA * muB + c1) / (muA * muA + muB * muB + c1)) * cs;
            result = result * ssim.mean({1, 2, 3}).clamp_min(1e-6).pow(w);
        } else {
            result = result * cs.mean({1, 2, 3}).clamp_min(1e-6).pow(w);
            a = torch::avg_pool2d(a, 2);
            b = torch::avg_pool2d(b, 2);
        }
    }
    return result.mean();
}

torch::Tensor vggFeatureLoss(Vgg19Features& vgg, const torch::Tensor& fake, const torch::Tensor& real) {
    static const double kLayerWeights[5] = {1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0};
    auto prep = [](const torch::Tensor& x) {
        auto mean = torch::tensor({0.485, 0.456, 0.406}, x.options()).view({1, 3, 1, 1});
        auto stdv = torch::tensor({0.229, 0.224, 0.225}, x.options()).view({1, 3, 1, 1});
        return (((x + 1) / 2).repeat({1, 3, 1, 1}) - mean) / stdv;
    };
    auto ff = vgg->forward(prep(fake));
    std::vector<torch::Tensor> fr;
    {
        torch::NoGradGuard g;
        fr = vgg->forward(prep(real));
    }
    torch::Tensor loss = torch::zeros({}, fake.options());
    for (std::size_t i = 0; i < ff.size(); ++i) loss = loss + kLayerWeights[i] * torch::l1_loss(ff[i], fr[i]);
    return loss;
}

torch::Tensor unetFeatureLoss(SegUNet& unet, const torch::Tensor& fake, const torch::Tensor& real) {
    auto ff = unet->features(fake);
    std::vector<torch::Tensor> fr;
    {
        torch::NoGradGuard g;
        fr = unet->features(real);
    }
    torch::Tensor loss = torch::zeros({}, fake.options());
    const int n = static_cast<int>(ff.size());
    for (int l = 0; l < n; ++l) loss = loss + std::pow(0.5, n - 1 - l) * torch::l1_loss(ff[static_cast<std::size_t>(l)], fr[static_cast<std::size_t>(l)]);
    return loss;
}

}  // namespace ctsw::gan
