#pragma once
// The slices an evaluation trains and tests on, all brought to one form: a square 8-bit image (0..255,
// the lung window of the source) and labels 0 background / 1 lung / 2 infection at a fixed size.
// Sources: the MedSeg layout (Imgs/*.jpg + GT_multiclass/*.png), a dataset manifest written by
// `cosingan synthesize` or the workbench's export, and DICOM series (negatives without COVID-19).
// Where a source has no lung label it is derived (mask::deriveLungMask) and the sample says so.
// Plain C++ (no LibTorch, no Qt).
#include <string>
#include <vector>

#include "image/Volume.h"

namespace ctsw::eval {

struct EvalSample {
    std::string id;      // file stem or manifest entry, for tables
    std::string source;  // the file it came from
    Slice<float> image;  // size x size, values 0..255
    LabelSlice labels;   // size x size, 0/1/2
    bool lungDerived = false;
    // 1 where the padded square holds the image's own pixels, 0 on the padding that made it square (at
    // the labels' size); empty when nothing was padded. Scores leave the padding out: it is not part of
    // the slice, and a network's guess there (lung in the black bars beside a narrow crop) is no error on it.
    LabelSlice content;
    bool infection() const;  // any infection pixel: the classification label
};

// A synthesized image ([-1, 1]) as the 0..255 values the evaluation networks take.
Slice<float> unitImageToBytes(const Slice<float>& unit);

// Pads to a square (with the image's darkest value and background labels), then resizes: bilinear for
// the image, nearest for the labels. kOwnSize keeps the padded square's own side (no resampling): test
// slices scored at their own resolution, as a radiologist's mask is drawn.
constexpr int kOwnSize = 0;
constexpr const char* kScoredAtOwnSize = "each slice's own size (padded to a square; the padding not scored)";  // as reports name it
Slice<float> squareResize(const Slice<float>& image, int size, float pad);
LabelSlice squareResizeLabels(const LabelSlice& labels, int size);
// EvalSample::content for an image of width x height brought to `size` as above; empty for a square image.
LabelSlice squareContent(int width, int height, int size);

// MedSeg layout: Imgs/N.jpg with GT_multiclass/N.png (1 ground glass, 2 consolidation -> infection; other
// values are not infection). Turned to radiological display (rot90) and the lung derived. Sorted by N.
std::vector<EvalSample> loadMedSegFolder(const std::string& dir, int size);
// A manifest.json from an export: each sample's "image" (8-bit PNG) and "mask" (labels PNG).
std::vector<EvalSample> loadManifest(const std::string& manifestPath, int size);
// A folder in the MedSeg layout, a folder holding manifest.json, or a manifest file.
std::vector<EvalSample> loadSamples(const std::string& dirOrManifest, int size);
// Slices [first, last] (-1 = to the end) of a DICOM series with lung in them, in the lung window
// W1500/L-600 to 8 bit, cropped to the body's bounding box, the lung derived. No infection labels:
// for negatives, the series must be of patients without COVID-19 (the caller's responsibility).
std::vector<EvalSample> loadDicomNegatives(const std::string& dir, int size, int first = 0, int last = -1, double minLungFraction = 0.03);

// A 2D image file of 8-bit values and a labels file written as evaluation samples (PNG).
void writeSamplePng(const EvalSample& s, const std::string& imagePath, const std::string& maskPath);

}  // namespace ctsw::eval
