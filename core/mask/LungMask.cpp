#include "mask/LungMask.h"

#include "image/Labels.h"

#include <algorithm>
#include <array>
#include <numeric>

namespace ctsw::mask {

std::vector<int> connectedComponents(const std::vector<std::uint8_t>& fg, int w, int h, std::vector<std::size_t>& sizes) {
    std::vector<int> id(fg.size(), 0);
    sizes.assign(1, 0);
    std::vector<int> stack;
    for (int start = 0; start < w * h; ++start) {
        if (!fg[static_cast<std::size_t>(start)] || id[static_cast<std::size_t>(start)]) continue;
        const int label = static_cast<int>(sizes.size());
        sizes.push_back(0);
        stack.push_back(start);
        id[static_cast<std::size_t>(start)] = label;
        while (!stack.empty()) {
            const int p = stack.back();
            stack.pop_back();
            ++sizes[static_cast<std::size_t>(label)];
            const int x = p % w, y = p / w;
            const int nb[4] = {x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, y > 0 ? p - w : -1, y + 1 < h ? p + w : -1};
            for (int q : nb) {
                if (q < 0 || !fg[static_cast<std::size_t>(q)] || id[static_cast<std::size_t>(q)]) continue;
                id[static_cast<std::size_t>(q)] = label;
                stack.push_back(q);
            }
        }
    }
    return id;
}

void fillHoles(std::vector<std::uint8_t>& mask, int w, int h) {
    // Flood the background from the border; what it cannot reach is a hole.
    std::vector<std::uint8_t> outside(mask.size(), 0);
    std::vector<int> stack;
    auto seed = [&](int p) {
        if (!mask[static_cast<std::size_t>(p)] && !outside[static_cast<std::size_t>(p)]) { outside[static_cast<std::size_t>(p)] = 1; stack.push_back(p); }
    };
    for (int x = 0; x < w; ++x) { seed(x); seed((h - 1) * w + x); }
    for (int y = 0; y < h; ++y) { seed(y * w); seed(y * w + w - 1); }
    while (!stack.empty()) {
        const int p = stack.back();
        stack.pop_back();
        const int x = p % w, y = p / w;
        if (x > 0) seed(p - 1);
        if (x + 1 < w) seed(p + 1);
        if (y > 0) seed(p - w);
        if (y + 1 < h) seed(p + w);
    }
    for (std::size_t i = 0; i < mask.size(); ++i)
        if (!outside[i]) mask[i] = 1;
}

LabelSlice automaticLungMask(const Slice<float>& image, const LungMaskOptions& o) {
    const int w = image.width(), h = image.height();
    std::vector<std::uint8_t> air(image.pixels().size());
    for (std::size_t i = 0; i < air.size(); ++i) air[i] = image.pixels()[i] < o.threshold ? 1 : 0;
    std::vector<std::size_t> sizes;
    std::vector<int> id = connectedComponents(air, w, h, sizes);

    // Which of the four sides each component touches (bit mask).
    std::vector<int> sides(sizes.size(), 0);
    for (int x = 0; x < w; ++x) {
        sides[static_cast<std::size_t>(id[static_cast<std::size_t>(x)])] |= 1;
        sides[static_cast<std::size_t>(id[static_cast<std::size_t>((h - 1) * w + x)])] |= 2;
    }
    for (int y = 0; y < h; ++y) {
        sides[static_cast<std::size_t>(id[static_cast<std::size_t>(y * w)])] |= 4;
        sides[static_cast<std::size_t>(id[static_cast<std::size_t>(y * w + w - 1)])] |= 8;
    }
    auto sideCount = [](int m) { return (m & 1) + ((m >> 1) & 1) + ((m >> 2) & 1) + ((m >> 3) & 1); };
    std::vector<bool> touchesBorder(sizes.size(), false);
    for (std::size_t c = 1; c < sizes.size(); ++c) touchesBorder[c] = sideCount(sides[c]) > o.maxBorderSides;
    std::vector<std::size_t> darkPixels(sizes.size(), 0);
    for (std::size_t i = 0; i < air.size(); ++i)
        if (image.pixels()[i] < o.airwayLevel) ++darkPixels[static_cast<std::size_t>(id[i])];
    const std::size_t minSize = static_cast<std::size_t>(o.minComponentFraction * w * h);
    std::vector<int> candidates;
    for (std::size_t c = 1; c < sizes.size(); ++c)
        if (!touchesBorder[c] && sizes[c] >= minSize && static_cast<double>(darkPixels[c]) <= o.airwayFraction * static_cast<double>(sizes[c]))
            candidates.push_back(static_cast<int>(c));
    std::sort(candidates.begin(), candidates.end(), [&](int a, int b) { return sizes[static_cast<std::size_t>(a)] > sizes[static_cast<std::size_t>(b)]; });
    if (static_cast<int>(candidates.size()) > o.maxComponents) candidates.resize(static_cast<std::size_t>(o.maxComponents));
    // A "lung" much smaller than the largest is the trachea or bowel gas, not a lung.
    while (candidates.size() > 1 && sizes[static_cast<std::size_t>(candidates.back())] * 8 < sizes[static_cast<std::size_t>(candidates.front())]) candidates.pop_back();

    std::vector<std::uint8_t> keep(sizes.size(), 0);
    for (int c : candidates) keep[static_cast<std::size_t>(c)] = 1;
    std::vector<std::uint8_t> lung(air.size(), 0);
    for (std::size_t i = 0; i < lung.size(); ++i) lung[i] = keep[static_cast<std::size_t>(id[i])];
    fillHoles(lung, w, h);
    LabelSlice out(w, h);
    out.pixels() = std::move(lung);
    out.spacingX = image.spacingX;
    out.spacingY = image.spacingY;
    return out;
}

}  // namespace ctsw::mask

namespace ctsw::mask {

float eightBitLungThreshold(const Slice<float>& image) {
    constexpr float kLungWindowThreshold = 145.0f, kBelowSoftTissue = 72.0f;  // 217 - 72 = 145
    constexpr int kFirst = 96, kBin = 8, kBins = (256 - kFirst) / kBin;
    std::array<std::size_t, kBins> histogram{};
    for (float v : image.pixels())
        if (v >= kFirst && v < 256) ++histogram[static_cast<std::size_t>((v - kFirst) / kBin)];
    const auto peakBin = std::max_element(histogram.begin(), histogram.end()) - histogram.begin();
    if (histogram[static_cast<std::size_t>(peakBin)] == 0) return kLungWindowThreshold;
    const float softTissuePeak = kFirst + kBin * (static_cast<float>(peakBin) + 0.5f);
    return std::min(kLungWindowThreshold, softTissuePeak - kBelowSoftTissue);
}

LabelSlice deriveLungMask(const Slice<float>& image, LungMaskOptions o, bool* keptBorder) {
    LabelSlice labels = automaticLungMask(image, o);
    bool cropped = false;
    if (o.maxBorderSides == 0) {
        LungMaskOptions c = LungMaskOptions::forCroppedThorax(o.threshold < 0);
        c.threshold = o.threshold;
        LabelSlice second = automaticLungMask(image, c);
        const std::size_t first = countLabels(labels.pixels()).perLabel[1], more = countLabels(second.pixels()).perLabel[1];
        // A scanner's HU slice shows the whole body, where air around it that is not quite -980 HU would
        // pass as lung; crops to the thorax are 8-bit exports (MedSeg), where a quarter more lung means the
        // first pass dropped lung that touches the border.
        const bool hu = o.threshold < 0;
        if (first < labels.pixels().size() / 20 || (!hu && more * 4 > first * 5)) {
            labels = std::move(second);
            cropped = true;
        }
    }
    if (keptBorder) *keptBorder = cropped;
    return labels;
}

LabelSlice bodyOutline(const Slice<float>& unitImage, float threshold) {
    const int w = unitImage.width(), h = unitImage.height();
    std::vector<std::uint8_t> fg(unitImage.pixels().size());
    for (std::size_t i = 0; i < fg.size(); ++i) fg[i] = unitImage.pixels()[i] > threshold;
    std::vector<std::size_t> sizes;
    const std::vector<int> ids = connectedComponents(fg, w, h, sizes);
    std::size_t best = 0;
    for (std::size_t id = 1; id < sizes.size(); ++id)
        if (best == 0 || sizes[id] > sizes[best]) best = id;
    std::vector<std::uint8_t> body(fg.size(), 0);
    if (best) for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<std::size_t>(ids[i]) == best;
    fillHoles(body, w, h);
    LabelSlice out(w, h);
    out.pixels() = std::move(body);
    return out;
}

float bodyThreshold(bool valuesAreHu, double huLow, double huHigh) {
    return valuesAreHu ? static_cast<float>((-500.0 - huLow) / (huHigh - huLow) * 2 - 1) : static_cast<float>(110.0 / 127.5 - 1);
}

}  // namespace ctsw::mask
