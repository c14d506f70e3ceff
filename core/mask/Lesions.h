#pragma once
// Infection lesions for slices that have none: lesions cut from annotated masks (their shapes, their
// sizes relative to the lung, how much of the lung they cover) are rotated, mirrored, scaled to the
// target lung and placed inside it until a sampled burden is reached. Overlapping lesions merge, and
// infection never leaves the lung. Plain C++: the masks feed `cosingan synthesize` like drawn ones.
#include <cstdint>
#include <string>
#include <vector>

#include "image/Volume.h"

namespace ctsw::mask {

struct LesionShape {
    int width = 0, height = 0;
    std::vector<std::uint8_t> pixels;  // 1 inside, row-major, the component's bounding box
    std::size_t area = 0;
    double lungFraction = 0;  // area / its mask's lung area (lung + infection): the size to reproduce
};

struct LesionLibrary {
    std::vector<LesionShape> lesions;
    std::vector<double> burdens;  // infection / (lung + infection) of each mask
};

// The lesions of 0/1/2 masks: 8-connected infection components of at least `minPixels` pixels. A mask
// without lung pixels cannot say how large its lesions are relative to a lung: std::invalid_argument
// naming `names[i]`.
LesionLibrary collectLesions(const std::vector<LabelSlice>& masks, const std::vector<std::string>& names, std::size_t minPixels = 9);

struct LesionOptions {
    // Infected fraction of the lung, sampled uniformly per mask; negative: the library's (burdenRange).
    double burdenLow = -1, burdenHigh = -1;
    // COVID-19 pneumonia favours the lung's periphery and its posterior (dependent) part: with this,
    // lesion centres are drawn with weight exp(-depth / (0.1 sqrt(lung area))) x (0.5 + posteriority),
    // posterior being down in display orientation; without, uniformly over the lung.
    bool peripheral = false;
};

struct PlacedLesions {
    LabelSlice labels;  // 0 background, 1 lung, 2 infection (only where the lung was)
    double burden = 0, targetBurden = 0;
    int lesionsPlaced = 0;  // lesions pasted (overlapping ones count each)
    int regions = 0;        // connected infection regions after merging
};

// Places lesions into the lung (pixels 1 or 2 of `lung`, which become lung first). The result's burden
// lies in [low, high]; std::runtime_error when the lung is too small to reach `low` with these lesions,
// std::invalid_argument for an empty library, an empty lung or bounds outside 0 <= low <= high <= 1.
PlacedLesions placeLesions(const LabelSlice& lung, const LesionLibrary& library, const LesionOptions& options, std::uint64_t seed);

// The range `placeLesions` samples from: the options' bounds, or the 10th to 90th percentile of the
// library's burdens.
std::pair<double, double> burdenRange(const LesionLibrary& library, const LesionOptions& options);

}  // namespace ctsw::mask
