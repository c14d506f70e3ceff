// `cosingan lung-mask`: an automatic lung mask for one slice, optionally merged with an infection mask
// (MedSeg has infection labels but no lung labels; the lung is then derived and reported as such).
#include <cstdio>

#include "Args.h"
#include "Commands.h"
#include "SliceFiles.h"
#include "io/ImageFiles.h"
#include "io/IoError.h"
#include "mask/LungMask.h"

namespace ctsw::cli {

int runLungMask(const std::vector<std::string>& argv) {
    Args args(argv, {"image", "slice", "series", "orient", "infection", "mapping", "threshold", "out"}, {"keep-border"});
    if (!args.has("image") || !args.has("out")) throw UsageError("lung-mask needs --image IMG and --out MASK");
    const int k = args.intValue("slice", -1);
    InputSlice img = readInputSlice(args.value("image"), args.value("series"), k, args.value("orient"));
    mask::LungMaskOptions o = mask::LungMaskOptions::forValues(img.valuesAreHu);
    if (args.has("threshold")) {
        try {
            o.threshold = std::stof(args.value("threshold"));
        } catch (...) {
            throw UsageError("--threshold expects a number");
        }
    }
    bool keptBorder = args.flag("keep-border");
    LabelSlice labels;
    if (keptBorder) {
        mask::LungMaskOptions cropped = mask::LungMaskOptions::forCroppedThorax(img.valuesAreHu);
        cropped.threshold = o.threshold;
        labels = mask::automaticLungMask(img.values, cropped);
    } else {
        labels = mask::deriveLungMask(img.values, o, &keptBorder);
        // Images cropped to the thorax (MedSeg) have lungs touching the border; say so.
        if (keptBorder)
            std::fprintf(stderr, "note: the lungs touch the border (an image cropped to the thorax?); kept the components that touch it, "
                                 "pure air (airways, gas) dropped: %zu lung pixels\n", countLabels(labels.pixels()).perLabel[1]);
    }
    std::size_t infection = 0;
    if (args.has("infection")) {
        LabelSlice inf = readInputMask(args.value("infection"), args.value("mapping", "binary-infection"), k, args.value("orient"), img.values.width(),
                                       img.values.height());
        for (std::size_t i = 0; i < labels.pixels().size(); ++i)
            if (inf.pixels()[i] == 2) { labels.pixels()[i] = 2; ++infection; }
    }
    const LabelCounts c = countLabels(labels.pixels());
    const std::string out = args.value("out");
    if (isNiftiPath(out)) writeNiftiLabels(sliceAsVolume(labels), out);
    else writePngLabels(labels, out);
    std::printf("wrote %s: DERIVED lung mask (threshold %g, %s) %zu lung pixels, %zu infection pixels%s\n", out.c_str(), o.threshold,
                keptBorder ? "lungs touching the border kept, pure air dropped" : "air touching the border dropped", c.perLabel[1], c.perLabel[2], args.has("infection") ? " (from the given infection mask)" : "");
    if (c.perLabel[1] + c.perLabel[2] == 0) std::fprintf(stderr, "warning: no lung found; try --threshold or --keep-border\n");
    return kOk;
}

}  // namespace ctsw::cli
