#pragma once
// Automatic lung mask for one axial slice: threshold the air-like pixels, drop the air outside the body
// (components touching the border), keep the largest remaining components, fill holes (vessels and
// infection inside the lung). Plain C++: a 512x512 slice takes a few milliseconds.
#include "image/Volume.h"

namespace ctsw::mask {

// The air-like threshold for an 8-bit image, whose window is unknown: 145 for a lung-window export,
// where soft tissue is grey 217 or brighter (often saturated); for an image exported in a narrower
// window (soft tissue darker than 217, fat and liver near 140, as in some MedSeg slices below the
// lungs), the same distance below its soft-tissue peak, so that fat and liver are not taken for lung.
// The soft-tissue peak is the most common grey level from 96 up (the body's largest tissue class).
float eightBitLungThreshold(const Slice<float>& image);

struct LungMaskOptions {
    float threshold = -400.0f;           // pixels below are air-like (HU; use ~145 for 8-bit lung-window images)
    double minComponentFraction = 0.002;  // components smaller than this fraction of the slice are dropped
    int maxComponents = 2;                // the two lungs (or one, when they touch)
    // Components touching more image sides than this are air outside the body and are dropped. 0 suits
    // full field-of-view slices; 2 suits images cropped to the thorax, whose lungs touch the border but
    // whose outside air (if any) surrounds the body.
    int maxBorderSides = 0;
    // Components mostly (more than airwayFraction of their pixels) darker than airwayLevel are pure air:
    // the trachea and bronchi, bowel gas, or the air around the body. Off unless set: lung parenchyma is
    // -850 HU (about 60-100 in an 8-bit lung window), pure air -1000 HU (about 0-20).
    float airwayLevel = -1e30f;
    double airwayFraction = 1.0;

    // The threshold for the image's values: -400 HU, or about 145 for 8-bit lung-window images.
    static LungMaskOptions forValues(bool valuesAreHu) {
        LungMaskOptions o;
        o.threshold = valuesAreHu ? -400.0f : 145.0f;
        return o;
    }
    // The threshold for this image: -400 HU, or for an 8-bit image eightBitLungThreshold's.
    static LungMaskOptions forImage(const Slice<float>& image, bool valuesAreHu) {
        LungMaskOptions o = forValues(valuesAreHu);
        if (!valuesAreHu) o.threshold = eightBitLungThreshold(image);
        return o;
    }
    // For an image cropped to the thorax (MedSeg): lungs may touch every side and, when infection splits
    // them, come in up to 4 pieces; what is dropped is pure air (the darkness rule above), which also
    // removes the air around the body of a full field of view.
    static LungMaskOptions forCroppedThorax(bool valuesAreHu) {
        LungMaskOptions o = forValues(valuesAreHu);
        o.maxBorderSides = 4;
        o.maxComponents = 4;
        o.airwayLevel = valuesAreHu ? -980.0f : 20.0f;
        o.airwayFraction = 0.5;
        return o;
    }
};

// Returns 1 (lung) / 0 (background).
LabelSlice automaticLungMask(const Slice<float>& image, const LungMaskOptions& options = {});

// The lung mask the product derives for a slice whose lung is not drawn: automaticLungMask, and for an
// image cropped to the thorax (MedSeg), whose lungs touch the border and would be dropped as outside air,
// a second pass with forCroppedThorax's rules, taken when the first finds too little lung (under 5 % of
// the image) or, for 8-bit images, the second finds a quarter more. `keptBorder` says whether the second was taken.
LabelSlice deriveLungMask(const Slice<float>& image, LungMaskOptions options, bool* keptBorder = nullptr);
// Connected components (4-connectivity) of `foreground`; returns a component id per pixel (0 = none)
// and the pixel count of each id (index 0 unused).
std::vector<int> connectedComponents(const std::vector<std::uint8_t>& foreground, int width, int height, std::vector<std::size_t>& sizes);
// Sets to 1 every 0-pixel that cannot reach the border through 0-pixels.
void fillHoles(std::vector<std::uint8_t>& mask, int width, int height);

// The body outline of a slice scaled to [-1, 1]: pixels brighter than `threshold`, the largest connected
// component, holes filled (the lungs are inside the body). Padding, the air around the patient and a
// table apart from the body are outside. Returns 1 inside.
LabelSlice bodyOutline(const Slice<float>& unitImage, float threshold);
// The threshold between air and soft tissue on that [-1, 1] scale: -500 HU for CT windowed to
// [huLow, huHigh], grey 110 for 8-bit lung-window images.
float bodyThreshold(bool valuesAreHu, double huLow, double huHigh);

}  // namespace ctsw::mask
