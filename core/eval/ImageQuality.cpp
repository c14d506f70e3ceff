#include "eval/ImageQuality.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ctsw::eval {

namespace {

constexpr int kRadius = 5;  // 11 taps
constexpr double kSigma = 1.5;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

template <typename A, typename B>
void requireSameSize(const Slice<A>& a, const Slice<B>& b, const char* what) {
    if (a.width() != b.width() || a.height() != b.height())
        throw std::invalid_argument(std::string(what) + ": sizes differ (" + std::to_string(a.width()) + "x" + std::to_string(a.height()) + " and " +
                                    std::to_string(b.width()) + "x" + std::to_string(b.height()) + ")");
}

int reflect(int i, int n) {  // scipy's "reflect" (d c b a | a b c d | d c b a)
    if (n == 1) return 0;
    while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
    return i;
}

// Separable Gaussian filter with reflected borders (SSIM's: sigma 1.5, 11 taps, unless told).
std::vector<double> gaussianFilter(const std::vector<double>& in, int w, int h, double sigma = kSigma, int radius = kRadius) {
    std::vector<double> weights(static_cast<std::size_t>(2 * radius + 1));
    double sum = 0;
    for (int k = -radius; k <= radius; ++k) sum += weights[static_cast<std::size_t>(k + radius)] = std::exp(-0.5 * k * k / (sigma * sigma));
    for (double& v : weights) v /= sum;
    std::vector<double> rows(in.size()), out(in.size());
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double acc = 0;
            for (int k = -radius; k <= radius; ++k) acc += weights[static_cast<std::size_t>(k + radius)] * in[static_cast<std::size_t>(y) * w + reflect(x + k, w)];
            rows[static_cast<std::size_t>(y) * w + x] = acc;
        }
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double acc = 0;
            for (int k = -radius; k <= radius; ++k) acc += weights[static_cast<std::size_t>(k + radius)] * rows[static_cast<std::size_t>(reflect(y + k, h)) * w + x];
            out[static_cast<std::size_t>(y) * w + x] = acc;
        }
    return out;
}

}  // namespace

Ssim ssim(const Slice<float>& a, const Slice<float>& b, double range, const LabelSlice* region) {
    requireSameSize(a, b, "ssim");
    if (region) requireSameSize(a, *region, "ssim region");
    const int w = a.width(), h = a.height();
    const std::size_t n = a.pixels().size();
    std::vector<double> x(n), y(n), xx(n), yy(n), xy(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = a.pixels()[i];
        y[i] = b.pixels()[i];
        xx[i] = x[i] * x[i];
        yy[i] = y[i] * y[i];
        xy[i] = x[i] * y[i];
    }
    const auto mx = gaussianFilter(x, w, h), my = gaussianFilter(y, w, h);
    const auto mxx = gaussianFilter(xx, w, h), myy = gaussianFilter(yy, w, h), mxy = gaussianFilter(xy, w, h);
    const double c1 = (0.01 * range) * (0.01 * range), c2 = (0.03 * range) * (0.03 * range);
    Ssim out;
    double sumAll = 0, sumInside = 0;
    long countAll = 0;
    for (int yy0 = kRadius; yy0 < h - kRadius; ++yy0)
        for (int xx0 = kRadius; xx0 < w - kRadius; ++xx0) {
            const std::size_t i = static_cast<std::size_t>(yy0) * w + xx0;
            const double vx = mxx[i] - mx[i] * mx[i], vy = myy[i] - my[i] * my[i], cxy = mxy[i] - mx[i] * my[i];
            const double s = ((2 * mx[i] * my[i] + c1) * (2 * cxy + c2)) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
            sumAll += s;
            ++countAll;
            if (region && region->pixels()[i]) {
                sumInside += s;
                ++out.insidePixels;
            }
        }
    out.whole = countAll ? sumAll / countAll : kNaN;
    out.inside = out.insidePixels ? sumInside / out.insidePixels : kNaN;
    return out;
}

double psnr(const Slice<float>& a, const Slice<float>& b, double range) {
    requireSameSize(a, b, "psnr");
    double se = 0;
    for (std::size_t i = 0; i < a.pixels().size(); ++i) {
        const double d = static_cast<double>(a.pixels()[i]) - b.pixels()[i];
        se += d * d;
    }
    const double mse = a.pixels().empty() ? kNaN : se / static_cast<double>(a.pixels().size());
    if (mse == 0) return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(range * range / mse);
}

std::array<double, 3> meanAbsoluteErrorByLabel(const Slice<float>& a, const Slice<float>& b, const LabelSlice& labels) {
    requireSameSize(a, b, "mean absolute error");
    requireSameSize(a, labels, "mean absolute error labels");
    std::array<double, 3> sum{0, 0, 0};
    std::array<long, 3> count{0, 0, 0};
    for (std::size_t i = 0; i < a.pixels().size(); ++i) {
        const int l = labels.pixels()[i];
        if (l > 2) continue;
        sum[static_cast<std::size_t>(l)] += std::fabs(static_cast<double>(a.pixels()[i]) - b.pixels()[i]);
        ++count[static_cast<std::size_t>(l)];
    }
    std::array<double, 3> out{};
    for (std::size_t l = 0; l < 3; ++l) out[l] = count[l] ? sum[l] / count[l] : kNaN;
    return out;
}

double meanInside(const Slice<float>& image, const LabelSlice& region) {
    requireSameSize(image, region, "mean inside");
    double sum = 0;
    long n = 0;
    for (std::size_t i = 0; i < image.pixels().size(); ++i)
        if (region.pixels()[i]) {
            sum += image.pixels()[i];
            ++n;
        }
    return n ? sum / n : kNaN;
}

double meanStdInside(const std::vector<Slice<float>>& samples, const LabelSlice& region) {
    if (samples.size() < 2) return kNaN;
    for (const auto& s : samples) requireSameSize(s, region, "spread across samples");
    double sum = 0;
    long n = 0;
    const double k = static_cast<double>(samples.size());
    for (std::size_t i = 0; i < region.pixels().size(); ++i) {
        if (!region.pixels()[i]) continue;
        double m = 0, m2 = 0;
        for (const auto& s : samples) {
            m += s.pixels()[i];
            m2 += static_cast<double>(s.pixels()[i]) * s.pixels()[i];
        }
        m /= k;
        sum += std::sqrt(std::max(0.0, m2 / k - m * m));
        ++n;
    }
    return n ? sum / n : kNaN;
}

EditStatistic editStatistic(const Slice<float>& fromEdited, const Slice<float>& fromUnedited, const LabelSlice& added, const Slice<float>& real,
                            const LabelSlice& realLabels) {
    requireSameSize(fromEdited, fromUnedited, "edit statistic");
    requireSameSize(fromEdited, added, "edit statistic mask");
    requireSameSize(real, realLabels, "edit statistic real slice");
    EditStatistic e;
    e.addedAsInfection = meanInside(fromEdited, added);
    e.sameAsLung = meanInside(fromUnedited, added);
    LabelSlice infection(realLabels.width(), realLabels.height());
    for (std::size_t i = 0; i < infection.pixels().size(); ++i) infection.pixels()[i] = realLabels.pixels()[i] == 2;
    e.realInfection = meanInside(real, infection);
    for (auto v : added.pixels()) e.addedPixels += v != 0;
    for (auto v : infection.pixels()) e.realInfectionPixels += v;
    return e;
}

Slice<float> areaResize(const Slice<float>& square, int size) {
    const int n = square.width();
    if (square.height() != n) throw std::invalid_argument("areaResize needs a square image");
    if (size < 1) throw std::invalid_argument("areaResize needs a positive size");
    // Separable: rows first, then columns, each an average over the cell's input range.
    auto range = [&](int i) { return std::pair<int, int>{static_cast<int>((static_cast<long>(i) * n) / size), static_cast<int>((static_cast<long>(i + 1) * n + size - 1) / size)}; };
    std::vector<double> rows(static_cast<std::size_t>(n) * size);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < size; ++x) {
            const auto [a, b] = range(x);
            double sum = 0;
            for (int k = a; k < b; ++k) sum += square.at(k, y);
            rows[static_cast<std::size_t>(y) * size + x] = sum / (b - a);
        }
    Slice<float> out(size, size);
    for (int y = 0; y < size; ++y) {
        const auto [a, b] = range(y);
        for (int x = 0; x < size; ++x) {
            double sum = 0;
            for (int k = a; k < b; ++k) sum += rows[static_cast<std::size_t>(k) * size + x];
            out.at(x, y) = static_cast<float>(sum / (b - a));
        }
    }
    return out;
}

RegionTexture regionTexture(const Slice<float>& image, const LabelSlice& region) {
    requireSameSize(image, region, "region texture");
    const int w = image.width(), h = image.height();
    const std::size_t n = image.pixels().size();
    // Pixels at least kTextureDepth inside the region: a summed-area table of its indicator says whether
    // the whole (2 depth + 1)^2 square around a pixel lies in it.
    std::vector<long> area(static_cast<std::size_t>(w + 1) * (h + 1), 0);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            area[static_cast<std::size_t>(y + 1) * (w + 1) + x + 1] = (region.pixels()[static_cast<std::size_t>(y) * w + x] ? 1 : 0) +
                                                                       area[static_cast<std::size_t>(y) * (w + 1) + x + 1] +
                                                                       area[static_cast<std::size_t>(y + 1) * (w + 1) + x] - area[static_cast<std::size_t>(y) * (w + 1) + x];
    const int d = kTextureDepth;
    const long full = static_cast<long>(2 * d + 1) * (2 * d + 1);
    auto deep = [&](int x, int y) {
        if (x - d < 0 || y - d < 0 || x + d >= w || y + d >= h) return false;
        const auto at = [&](int xx, int yy) { return area[static_cast<std::size_t>(yy) * (w + 1) + xx]; };
        return at(x + d + 1, y + d + 1) - at(x - d, y + d + 1) - at(x + d + 1, y - d) + at(x - d, y - d) == full;
    };
    // Normalized convolution: both blurs average the region's own pixels only, so that the region's edge
    // (lung against the chest wall) adds nothing to the detail inside it.
    std::vector<double> values(n), masked(n), inside(n);
    for (std::size_t i = 0; i < n; ++i) {
        values[i] = image.pixels()[i];
        inside[i] = region.pixels()[i] ? 1.0 : 0.0;
        masked[i] = values[i] * inside[i];
    }
    auto blurredInside = [&](double sigma, int radius) {
        auto num = gaussianFilter(masked, w, h, sigma, radius);
        const auto den = gaussianFilter(inside, w, h, sigma, radius);
        for (std::size_t i = 0; i < n; ++i) num[i] = den[i] > 0 ? num[i] / den[i] : 0.0;
        return num;
    };
    const auto fine = blurredInside(kTextureFineSigma, 3), coarse = blurredInside(kTextureCoarseSigma, 9);
    RegionTexture t;
    double sum = 0, sum2 = 0, band = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            if (!deep(x, y)) continue;
            const std::size_t i = static_cast<std::size_t>(y) * w + x;
            sum += values[i];
            sum2 += values[i] * values[i];
            band += std::fabs(fine[i] - coarse[i]);
            ++t.pixels;
        }
    if (t.pixels) {
        t.mean = sum / t.pixels;
        t.spread = std::sqrt(std::max(0.0, sum2 / t.pixels - t.mean * t.mean));
        t.structure = band / t.pixels;
    }
    return t;
}

}  // namespace ctsw::eval
