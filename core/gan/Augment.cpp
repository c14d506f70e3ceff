#include "gan/Augment.h"

#include <array>
#include <cmath>

namespace ctsw::gan {

namespace F = torch::nn::functional;

namespace {
torch::Tensor gaussianSmooth(const torch::Tensor& field, double sigma) {
    const int radius = std::max(1, static_cast<int>(std::ceil(3 * sigma)));
    auto coords = torch::arange(-radius, radius + 1, field.options());
    auto k = torch::exp(-(coords * coords) / (2 * sigma * sigma));
    k = k / k.sum();
    const int64_t channels = field.size(1);
    auto kx = k.view({1, 1, 1, -1}).repeat({channels, 1, 1, 1});
    auto ky = k.view({1, 1, -1, 1}).repeat({channels, 1, 1, 1});
    auto out = torch::conv2d(F::pad(field, F::PadFuncOptions({radius, radius, 0, 0}).mode(torch::kReplicate)), kx, torch::Tensor(), torch::IntArrayRef{1, 1}, torch::IntArrayRef{0, 0}, torch::IntArrayRef{1, 1}, channels);
    return torch::conv2d(F::pad(out, F::PadFuncOptions({0, 0, radius, radius}).mode(torch::kReplicate)), ky, torch::Tensor(), torch::IntArrayRef{1, 1}, torch::IntArrayRef{0, 0}, torch::IntArrayRef{1, 1}, channels);
}
}  // namespace

std::pair<torch::Tensor, torch::Tensor> augment(const torch::Tensor& image, const torch::Tensor& labels, const AugmentStrength& s) {
    if (!s.enabled) return {image, labels};
    const int64_t b = image.size(0), size = image.size(2);
    auto opts = image.options();
    // One affine map per sample: output coords -> source coords (normalised [-1, 1]).
    auto u = torch::rand({b, 6}, opts);
    auto scale = s.cropMin + (1.0 - s.cropMin) * u.select(1, 0);
    auto angle = (u.select(1, 1) * 2 - 1) * (s.rotationDeg * M_PI / 180.0);
    auto fx = torch::where(u.select(1, 2) < 0.5, torch::ones({b}, opts), s.horizontalFlip ? -torch::ones({b}, opts) : torch::ones({b}, opts));
    auto fy = torch::where(u.select(1, 3) < 0.5, torch::ones({b}, opts), s.verticalFlip ? -torch::ones({b}, opts) : torch::ones({b}, opts));
    auto tx = (u.select(1, 4) * 2 - 1) * (1 - scale);
    auto ty = (u.select(1, 5) * 2 - 1) * (1 - scale);
    auto c = torch::cos(angle), sn = torch::sin(angle);
    auto theta = torch::stack({torch::stack({c * scale * fx, -sn * scale * fy, tx}, 1),
                               torch::stack({sn * scale * fx, c * scale * fy, ty}, 1)}, 1);
    auto grid = F::affine_grid(theta, {b, 1, size, size}, /*align_corners=*/false);
    if (s.elasticAlpha > 0) {
        const double ratio = static_cast<double>(size) / 512.0;
        auto field = torch::rand({b, 2, size, size}, opts) * 2 - 1;
        field = gaussianSmooth(field, std::max(0.5, s.elasticSigma * ratio));
        // Normalise the smoothed field to unit peak, then to alpha pixels (scaled to this size).
        field = field / field.abs().amax({1, 2, 3}, true).clamp_min(1e-6);
        const double alphaNormalised = s.elasticAlpha * ratio * 2.0 / static_cast<double>(size);
        grid = grid + alphaNormalised * field.permute({0, 2, 3, 1}) * 0.5;
    }
    auto img = F::grid_sample(image + 1, grid, F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false)) - 1;
    auto lab = F::grid_sample(labels - s.labelFill, grid, F::GridSampleFuncOptions().mode(torch::kNearest).padding_mode(torch::kZeros).align_corners(false)) + s.labelFill;
    return {img, lab};
}

namespace {
// A random pixel of a [1, S, S] boolean map as (row, column); the map must not be empty.
std::array<int64_t, 2> randomPixelOf(const torch::Tensor& map) {
    auto where = map.reshape({-1}).nonzero();
    const int64_t k = torch::randint(0, where.size(0), {1}).item<int64_t>();
    const int64_t at = where[k][0].item<int64_t>(), side = map.size(2);
    return {at / side, at % side};
}
}  // namespace

std::pair<torch::Tensor, torch::Tensor> pasteLesions(const torch::Tensor& image, const torch::Tensor& labels, double probability, double pieceProbability) {
    if (probability <= 0) return {image, labels};
    auto img = image.clone();
    auto lab = labels.clone();
    const int64_t b = image.size(0), size = image.size(2);
    const int64_t reach = std::max<int64_t>(1, size / 3);
    const double minRadius = std::max(1.0, size / 64.0), maxRadius = std::max(minRadius, size / 16.0);
    auto rows = torch::arange(size, image.options()).view({1, size, 1});
    auto cols = torch::arange(size, image.options()).view({1, 1, size});
    for (int64_t i = 0; i < b; ++i) {
        auto u = torch::rand({4});
        if (u[0].item<double>() >= probability) continue;
        auto sourceImage = image[i];
        auto lesion = (labels[i] > 1.5) & (labels[i] < 2.5);
        if (lesion.sum().item<double>() < 1) continue;
        if (u[1].item<double>() < 0.5) {
            sourceImage = sourceImage.flip({-1});
            lesion = lesion.flip({-1});
        }
        const auto lung = (labels[i] > 0.5) & (labels[i] < 1.5);
        const bool piece = u[2].item<double>() < pieceProbability;
        std::array<int64_t, 2> centre{0, 0};
        if (piece) {
            // A disc-shaped piece of the infection around one of its pixels.
            centre = randomPixelOf(lesion);
            const double r = minRadius + (maxRadius - minRadius) * u[3].item<double>();
            const auto dy = rows - static_cast<double>(centre[0]), dx = cols - static_cast<double>(centre[1]);
            lesion = lesion & (dy * dy + dx * dx <= r * r);
            if (lung.sum().item<double>() < 1) continue;
        }
        const double area = lesion.sum().item<double>();
        for (int attempt = 0; attempt < 4; ++attempt) {
            std::vector<int64_t> by;
            if (piece) {
                const auto target = randomPixelOf(lung);  // the piece is centred on healthy lung
                by = {target[0] - centre[0], target[1] - centre[1]};
            } else {
                auto shift = torch::randint(-reach, reach + 1, {2});
                by = {shift[0].item<int64_t>(), shift[1].item<int64_t>()};
            }
            auto placed = torch::roll(lesion, by, {1, 2}) & lung;
            if (placed.sum().item<double>() < 0.25 * area) continue;
            img[i] = torch::where(placed, torch::roll(sourceImage, by, {1, 2}), img[i]);
            lab[i] = torch::where(placed, torch::full_like(lab[i], 2.0), lab[i]);
            break;
        }
    }
    return {img, lab};
}

torch::Tensor resizeImage(const torch::Tensor& image, int size) {
    if (image.size(2) == size && image.size(3) == size) return image;
    return F::interpolate(image, F::InterpolateFuncOptions().size(std::vector<int64_t>{size, size}).mode(torch::kArea));
}

torch::Tensor resizeLabels(const torch::Tensor& labels, int size) {
    if (labels.size(2) == size && labels.size(3) == size) return labels;
    return F::interpolate(labels, F::InterpolateFuncOptions().size(std::vector<int64_t>{size, size}).mode(torch::kNearest));
}

torch::Tensor upsampleImage(const torch::Tensor& image, int size) {
    return F::interpolate(image, F::InterpolateFuncOptions().size(std::vector<int64_t>{size, size}).mode(torch::kBilinear).align_corners(false));
}

torch::Tensor encodeCondition(const torch::Tensor& labels, bool randomize, double dBg, double dLung, double dInf, const torch::Tensor& uniform) {
    // Paper: background 0, lung 128, infection 255. Outside the body (body_condition models only) sits
    // below background, so the paper's three values, and models trained without it, are unchanged.
    const auto outside = labels > 2.5;
    auto values = torch::where(labels > 1.5, torch::full_like(labels, 255.0), torch::where(labels > 0.5, torch::full_like(labels, 128.0), torch::zeros_like(labels)));
    values = torch::where(outside, torch::full_like(labels, -64.0), values);
    if (randomize) {
        // Drawn by the CPU generator whatever the device, so that a seed gives the same condition on a
        // GPU server and on a workstation (label maps are small; the copy costs nothing).
        auto u = uniform.defined() ? uniform.to(labels.device()) : torch::rand(labels.sizes(), labels.options().device(torch::kCPU)).to(labels.device());
        auto noise = torch::where(labels > 1.5, -u * dInf, torch::where(labels > 0.5, (u * 2 - 1) * dLung, u * dBg));
        values = torch::where(outside, values, (values + noise).clamp(0.0, 255.0));
    }
    return values / 127.5 - 1.0;
}

}  // namespace ctsw::gan
