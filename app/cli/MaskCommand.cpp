// `cosingan lung-mask`: an automatic lung mask for one slice, optionally merged with an infection mask
// (MedSeg has infection labels but no lung labels; the lung is then derived and reported as such).
// `cosingan lesions`: infection lesions like those of annotated masks, placed in the lungs of a CT.
#include <cstdio>
#include <filesystem>
#include <tuple>

#include "Args.h"
#include "Commands.h"
#include "SliceFiles.h"
#include "dataset/LesionMaskSet.h"
#include "io/ImageFiles.h"
#include "io/ImageSource.h"
#include "io/IoError.h"
#include "io/Npy.h"
#include "mask/LungMask.h"

namespace fs = std::filesystem;

namespace ctsw::cli {

int runLungMask(const std::vector<std::string>& argv) {
    Args args(argv, {"image", "slice", "series", "orient", "infection", "mapping", "threshold", "out"}, {"keep-border"});
    if (!args.has("image") || !args.has("out")) throw UsageError("lung-mask needs --image IMG and --out MASK");
    const int k = args.intValue("slice", -1);
    InputSlice img = readInputSlice(args.value("image"), args.value("series"), k, args.value("orient"));
    mask::LungMaskOptions o = mask::LungMaskOptions::forImage(img.values, img.valuesAreHu);
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
    // The extension chooses the format, as in `convert`; anything else is refused rather than written as
    // a PNG under a misleading name.
    if (isNiftiPath(out)) writeNiftiLabels(sliceAsVolume(labels), out);
    else if (fileKindOf(out) == FileKind::Png) writePngLabels(labels, out);
    else if (fileKindOf(out) == FileKind::Npy)
        writeNpyFloat32(out, {static_cast<std::size_t>(labels.height()), static_cast<std::size_t>(labels.width())},
                        std::vector<float>(labels.pixels().begin(), labels.pixels().end()));
    else throw IoError(out, "unknown output type: use .png, .npy, .nii or .nii.gz");
    std::printf("wrote %s: DERIVED lung mask (threshold %g, %s) %zu lung pixels, %zu infection pixels%s\n", out.c_str(), o.threshold,
                keptBorder ? "lungs touching the border kept, pure air dropped" : "air touching the border dropped", c.perLabel[1], c.perLabel[2], args.has("infection") ? " (from the given infection mask)" : "");
    if (c.perLabel[1] + c.perLabel[2] == 0) std::fprintf(stderr, "warning: no lung found; try --threshold or --keep-border\n");
    return kOk;
}

int runLesions(const std::vector<std::string>& argv) {
    Args args(argv, {"image", "series", "slices", "like", "like-mapping", "count", "out", "burden", "seed", "layout", "orient", "min-lung"},
              {"peripheral", "overwrite"});
    if (!args.has("image") || !args.has("out") || !args.has("like")) throw UsageError("lesions needs --image CT, --like MASK... and --out DIR");
    std::vector<std::string> likeItems = args.values("like");
    for (const std::string& p : args.positionals()) likeItems.push_back(p);  // --like a.png b.png (a shell glob)
    dataset::LesionMaskSetOptions options;
    options.countPerSlice = args.intValue("count", 1);
    if (options.countPerSlice < 1) throw UsageError("--count must be at least 1");
    options.seed = static_cast<std::uint64_t>(args.intValue("seed", 1));
    options.lesions.peripheral = args.flag("peripheral");
    options.overwrite = args.flag("overwrite");
    if (args.has("burden")) {
        char extra = 0;
        if (std::sscanf(args.value("burden").c_str(), "%lf:%lf%c", &options.lesions.burdenLow, &options.lesions.burdenHigh, &extra) != 2 ||
            options.lesions.burdenLow < 0 || options.lesions.burdenHigh > 1 || options.lesions.burdenLow > options.lesions.burdenHigh)
            throw UsageError("--burden expects LO:HI with 0 <= LO <= HI <= 1 (the infected fraction of the lung), got \"" + args.value("burden") + "\"");
    }
    if (args.has("min-lung")) {
        char extra = 0;
        if (std::sscanf(args.value("min-lung").c_str(), "%lf%c", &options.minLungFraction, &extra) != 1 || options.minLungFraction < 0 ||
            options.minLungFraction > 1)
            throw UsageError("--min-lung expects the lung's smallest fraction of the slice, a number in [0, 1]");
    }

    const dataset::LikeMasks like = dataset::loadLikeMasks(likeItems, args.value("like-mapping", "identity"));
    mask::LesionLibrary library;
    try {
        library = dataset::lesionLibrary(like);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + "; a MedSeg folder gives its lung automatically");
    }

    refuseOrientOnGeometry(args.value("image"), args.value("orient", ""));
    LoadOptions load;
    load.series = args.value("series");
    load.orientation = orientationByName(args.value("orient", "none"));
    const LoadedVolume ct = loadVolume(args.value("image"), load);
    try {
        std::tie(options.firstSlice, options.lastSlice) = dataset::parseSliceRange(args.value("slices"), ct.volume.depth());
    } catch (const std::invalid_argument& e) {
        throw UsageError("--" + std::string(e.what()));
    }
    const bool isVolume = ct.info.format.find("PNG") == std::string::npos && ct.info.format.find("JPEG") == std::string::npos &&
                          ct.info.format.find("NPY") == std::string::npos;
    const std::string layout = args.value("layout", isVolume ? "nifti" : "png");
    if (layout != "png" && layout != "nifti") throw UsageError("--layout is png or nifti");
    options.nifti = layout == "nifti";
    options.valuesAreHu = ct.info.valuesAreHu;
    options.imageName = fs::absolute(args.value("image")).string();
    options.seriesId = ct.info.id;
    options.likeNames = like.names;
    const dataset::LesionMaskSetResult r = dataset::writeLesionMaskSet(ct.volume, library, args.value("out"), options);
    for (const dataset::SkippedSlice& s : r.skipped) std::fprintf(stderr, "slice %d skipped: %s\n", s.slice, s.reason.c_str());
    std::printf("wrote %zu lesion masks to %s from %zu lesions of %zu masks (burden %.3f-%.3f, %s); the lung is derived automatically\n", r.maskFiles.size(),
                r.folder.c_str(), library.lesions.size(), like.masks.size(), r.burdenRange.first, r.burdenRange.second,
                options.lesions.peripheral ? "peripheral placement" : "uniform placement");
    return kOk;
}

}  // namespace ctsw::cli
