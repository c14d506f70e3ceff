#include "mask/Lesions.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace ctsw::mask {

namespace {

// 8-connected components of the pixels equal to `value`; ids from 1, sizes[id] their pixel counts.
std::vector<int> components8(const LabelSlice& s, std::uint8_t value, std::vector<std::size_t>& sizes) {
    const int w = s.width(), h = s.height();
    std::vector<int> id(s.pixels().size(), 0);
    sizes.assign(1, 0);
    std::vector<int> stack;
    for (int start = 0; start < w * h; ++start) {
        if (s.pixels()[start] != value || id[start]) continue;
        const int label = static_cast<int>(sizes.size());
        sizes.push_back(0);
        stack.assign(1, start);
        id[start] = label;
        while (!stack.empty()) {
            const int p = stack.back();
            stack.pop_back();
            ++sizes[label];
            const int x = p % w, y = p / w;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int nx = x + dx, ny = y + dy;
                    if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
                    const int q = ny * w + nx;
                    if (s.pixels()[q] == value && !id[q]) {
                        id[q] = label;
                        stack.push_back(q);
                    }
                }
        }
    }
    return id;
}

// Chamfer (3-4) distance of each lung pixel to the nearest pixel outside the lung, in pixels.
std::vector<double> depthInside(const std::vector<std::uint8_t>& inside, int w, int h) {
    const int far = 1 << 28;
    std::vector<int> d(inside.size());
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = inside[i] ? far : 0;
    auto at = [&](int x, int y) { return (x < 0 || y < 0 || x >= w || y >= h) ? 0 : d[static_cast<std::size_t>(y) * w + x]; };
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            int& v = d[static_cast<std::size_t>(y) * w + x];
            if (!v) continue;
            v = std::min({v, at(x - 1, y) + 3, at(x, y - 1) + 3, at(x - 1, y - 1) + 4, at(x + 1, y - 1) + 4});
        }
    for (int y = h - 1; y >= 0; --y)
        for (int x = w - 1; x >= 0; --x) {
            int& v = d[static_cast<std::size_t>(y) * w + x];
            if (!v) continue;
            v = std::min({v, at(x + 1, y) + 3, at(x, y + 1) + 3, at(x + 1, y + 1) + 4, at(x - 1, y + 1) + 4});
        }
    std::vector<double> out(d.size());
    for (std::size_t i = 0; i < d.size(); ++i) out[i] = d[i] / 3.0;
    return out;
}

}  // namespace

LesionLibrary collectLesions(const std::vector<LabelSlice>& masks, const std::vector<std::string>& names, std::size_t minPixels) {
    LesionLibrary library;
    for (std::size_t m = 0; m < masks.size(); ++m) {
        const LabelSlice& s = masks[m];
        const std::size_t infection = static_cast<std::size_t>(std::count(s.pixels().begin(), s.pixels().end(), 2));
        const std::size_t healthy = static_cast<std::size_t>(std::count(s.pixels().begin(), s.pixels().end(), 1)), lung = infection + healthy;
        const std::string name = m < names.size() ? names[m] : "mask " + std::to_string(m + 1);
        if (healthy == 0) throw std::invalid_argument(name + ": has no lung pixels, so its lesions' sizes relative to a lung are unknown (give 0/1/2 masks)");
        library.burdens.push_back(static_cast<double>(infection) / lung);
        std::vector<std::size_t> sizes;
        const std::vector<int> id = components8(s, 2, sizes);
        const int w = s.width();
        // Every component's bounding box in one pass.
        struct Box {
            int x0, y0, x1, y1;
        };
        std::vector<Box> boxes(sizes.size(), Box{w, s.height(), -1, -1});
        for (std::size_t i = 0; i < id.size(); ++i) {
            if (!id[i]) continue;
            Box& b = boxes[static_cast<std::size_t>(id[i])];
            const int x = static_cast<int>(i % w), y = static_cast<int>(i / w);
            b.x0 = std::min(b.x0, x), b.x1 = std::max(b.x1, x), b.y0 = std::min(b.y0, y), b.y1 = std::max(b.y1, y);
        }
        for (std::size_t c = 1; c < sizes.size(); ++c) {
            if (sizes[c] < minPixels) continue;
            const auto [x0, y0, x1, y1] = boxes[c];
            LesionShape shape;
            shape.width = x1 - x0 + 1;
            shape.height = y1 - y0 + 1;
            shape.pixels.assign(static_cast<std::size_t>(shape.width) * shape.height, 0);
            for (int y = y0; y <= y1; ++y)
                for (int x = x0; x <= x1; ++x)
                    if (id[static_cast<std::size_t>(y) * w + x] == static_cast<int>(c)) shape.pixels[static_cast<std::size_t>(y - y0) * shape.width + (x - x0)] = 1;
            shape.area = sizes[c];
            shape.lungFraction = static_cast<double>(sizes[c]) / lung;
            library.lesions.push_back(std::move(shape));
        }
    }
    return library;
}

std::pair<double, double> burdenRange(const LesionLibrary& library, const LesionOptions& options) {
    if (options.burdenLow >= 0 && options.burdenHigh >= 0) return {options.burdenLow, options.burdenHigh};
    if (library.burdens.empty()) throw std::invalid_argument("no burden range: give one, or masks to take it from");
    // The 10th to 90th percentile: a mask whose lung was mostly missed (dense consolidation left out of
    // a derived lung) would otherwise stretch the range to nearly 1.
    std::vector<double> b = library.burdens;
    std::sort(b.begin(), b.end());
    auto percentile = [&](double q) {
        const double at = q * (b.size() - 1);
        const std::size_t i = static_cast<std::size_t>(at);
        return i + 1 < b.size() ? b[i] + (at - i) * (b[i + 1] - b[i]) : b[i];
    };
    return {percentile(0.1), percentile(0.9)};
}

PlacedLesions placeLesions(const LabelSlice& lung, const LesionLibrary& library, const LesionOptions& options, std::uint64_t seed) {
    if (library.lesions.empty()) throw std::invalid_argument("no lesions to place: the given masks hold no infection of 9 pixels or more");
    const auto [low, high] = burdenRange(library, options);
    if (!(low >= 0 && low <= high && high <= 1)) throw std::invalid_argument("the burden range must satisfy 0 <= low <= high <= 1");
    const int w = lung.width(), h = lung.height();
    PlacedLesions out;
    out.labels = LabelSlice(w, h);
    out.labels.spacingX = lung.spacingX, out.labels.spacingY = lung.spacingY;
    std::vector<std::uint8_t> inside(lung.pixels().size());
    std::vector<int> lungPixels;
    int yMin = h, yMax = -1;
    for (std::size_t i = 0; i < inside.size(); ++i)
        if (lung.pixels()[i] == 1 || lung.pixels()[i] == 2) {
            inside[i] = 1;
            out.labels.pixels()[i] = 1;
            lungPixels.push_back(static_cast<int>(i));
            yMin = std::min(yMin, static_cast<int>(i) / w), yMax = std::max(yMax, static_cast<int>(i) / w);
        }
    if (lungPixels.empty()) throw std::invalid_argument("the slice has no lung to place lesions in");
    const double lungArea = static_cast<double>(lungPixels.size());

    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    out.targetBurden = low + (high - low) * unit(rng);

    // Where lesion centres fall: uniform over the lung, or favouring its periphery and posterior part.
    std::vector<double> cumulative(lungPixels.size());
    {
        const std::vector<double> depth = options.peripheral ? depthInside(inside, w, h) : std::vector<double>();
        const double scale = 0.1 * std::sqrt(lungArea);
        double sum = 0;
        for (std::size_t k = 0; k < lungPixels.size(); ++k) {
            const int p = lungPixels[k];
            double weight = 1;
            if (options.peripheral) {
                const double posterior = yMax > yMin ? static_cast<double>(p / w - yMin) / (yMax - yMin) : 0.5;
                weight = std::exp(-depth[p] / scale) * (0.5 + posterior);
            }
            sum += weight;
            cumulative[k] = sum;
        }
    }
    auto drawCentre = [&] {
        const double r = unit(rng) * cumulative.back();
        const std::size_t k = static_cast<std::size_t>(std::lower_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin());
        return lungPixels[std::min(k, lungPixels.size() - 1)];
    };

    std::size_t infected = 0;
    std::vector<int> candidate;
    for (int attempt = 0; attempt < 400 && infected < std::ceil(out.targetBurden * lungArea - 1e-9); ++attempt) {
        const LesionShape& shape = library.lesions[static_cast<std::size_t>(unit(rng) * library.lesions.size()) % library.lesions.size()];
        // The lesion keeps its share of the lung, within a factor 0.7-1.4 in area.
        const double jitter = std::exp(std::log(0.7) + (std::log(1.4) - std::log(0.7)) * unit(rng));
        double s = std::sqrt(shape.lungFraction * lungArea * jitter / static_cast<double>(shape.area));
        const double angle = 2 * M_PI * unit(rng), c = std::cos(angle), sn = std::sin(angle);
        const double mirror = unit(rng) < 0.5 ? -1.0 : 1.0;
        const int centre = drawCentre();
        const double cx = centre % w, cy = centre / w;
        for (int shrink = 0; shrink < 5; ++shrink, s *= 0.6) {
            candidate.clear();
            const double radius = s * 0.5 * std::hypot(shape.width, shape.height) + 1;
            const int x0 = std::max(0, static_cast<int>(cx - radius)), x1 = std::min(w - 1, static_cast<int>(cx + radius));
            const int y0 = std::max(0, static_cast<int>(cy - radius)), y1 = std::min(h - 1, static_cast<int>(cy + radius));
            for (int y = y0; y <= y1; ++y)
                for (int x = x0; x <= x1; ++x) {
                    const std::size_t i = static_cast<std::size_t>(y) * w + x;
                    if (!inside[i] || out.labels.pixels()[i] == 2) continue;
                    // Back into the lesion's box: undo the rotation and scale, then the mirror.
                    const double u = x - cx, v = y - cy;
                    const double pu = mirror * (c * u + sn * v) / s + shape.width * 0.5, pv = (-sn * u + c * v) / s + shape.height * 0.5;
                    const int px = static_cast<int>(std::floor(pu)), py = static_cast<int>(std::floor(pv));
                    if (px < 0 || py < 0 || px >= shape.width || py >= shape.height) continue;
                    if (shape.pixels[static_cast<std::size_t>(py) * shape.width + px]) candidate.push_back(static_cast<int>(i));
                }
            if (candidate.empty()) break;
            if ((infected + candidate.size()) / lungArea <= high) {
                for (int i : candidate) out.labels.pixels()[static_cast<std::size_t>(i)] = 2;
                infected += candidate.size();
                ++out.lesionsPlaced;
                break;
            }
        }
    }
    // Lesions come in whole pieces: the last few pixels up to the lower bound grow the placed ones by
    // their rim (random order, one ring at a time), as a lesion grows into its neighbourhood.
    // (Whole pixels: when no pixel count lies in [low, high] the largest count under `high` is taken.)
    const std::size_t needed = std::min(static_cast<std::size_t>(std::ceil(low * lungArea - 1e-9)), static_cast<std::size_t>(std::floor(high * lungArea + 1e-9)));
    std::vector<int> rim;
    while (infected < needed && infected > 0) {
        rim.clear();
        for (int p : lungPixels) {
            if (out.labels.pixels()[static_cast<std::size_t>(p)] != 1) continue;
            const int x = p % w, y = p / w;
            const bool touches = (x > 0 && out.labels.pixels()[p - 1] == 2) || (x + 1 < w && out.labels.pixels()[p + 1] == 2) ||
                                 (y > 0 && out.labels.pixels()[p - w] == 2) || (y + 1 < h && out.labels.pixels()[p + w] == 2);
            if (touches) rim.push_back(p);
        }
        if (rim.empty()) break;
        std::shuffle(rim.begin(), rim.end(), rng);
        for (std::size_t k = 0; k < rim.size() && infected < needed; ++k, ++infected) out.labels.pixels()[static_cast<std::size_t>(rim[k])] = 2;
    }
    out.burden = infected / lungArea;
    if (infected < needed)
        throw std::runtime_error("the lung (" + std::to_string(lungPixels.size()) + " pixels) took a burden of " + std::to_string(out.burden) +
                                 " only, below " + std::to_string(low) + ", with these lesions");
    std::vector<std::size_t> sizes;
    components8(out.labels, 2, sizes);
    out.regions = static_cast<int>(sizes.size()) - 1;
    return out;
}

}  // namespace ctsw::mask
