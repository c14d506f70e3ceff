// `cosingan lung-mask`: an automatic lung mask for one slice, optionally merged with an infection mask
// (MedSeg has infection labels but no lung labels; the lung is then derived and reported as such).
// `cosingan lesions`: infection lesions like those of annotated masks, placed in the lungs of a CT.
#include <cstdio>
#include <filesystem>

#include "Args.h"
#include "Commands.h"
#include "SliceFiles.h"
#include "eval/EvalData.h"
#include "gan/DatasetExport.h"
#include "io/ImageFiles.h"
#include "io/ImageSource.h"
#include "io/IoError.h"
#include "json/Json.h"
#include "mask/Lesions.h"
#include "mask/LungMask.h"

namespace fs = std::filesystem;

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

namespace {

// The annotated masks lesions are taken from: 0/1/2 mask files, folders of them, or MedSeg folders
// (Imgs/ + GT_multiclass/, whose lung is derived from the images as seg-train derives it).
void collectLikeMasks(const std::string& item, const std::string& mapping, std::vector<LabelSlice>& masks, std::vector<std::string>& names) {
    if (fs::is_directory(item) && fs::is_directory(fs::path(item) / "GT_multiclass")) {
        for (eval::EvalSample& s : eval::loadMedSegFolder(item, eval::kOwnSize)) {
            masks.push_back(std::move(s.labels));
            names.push_back(s.source);
        }
        return;
    }
    for (const std::string& file : collectMaskFiles(fs::is_directory(item) ? std::string() : item, fs::is_directory(item) ? item : std::string(), {})) {
        masks.push_back(readInputMask(file, mapping, -1, "", 0, 0));
        names.push_back(fs::absolute(file).string());
    }
}

// "A:B" (inclusive, 0-based) or "K".
std::pair<int, int> parseSliceRange(const std::string& text, int depth) {
    int a = 0, b = depth - 1;
    char extra = 0;
    if (!text.empty()) {
        if (std::sscanf(text.c_str(), "%d:%d%c", &a, &b, &extra) == 2) {
        } else if (std::sscanf(text.c_str(), "%d%c", &a, &extra) == 1) {
            b = a;
        } else {
            throw UsageError("--slices expects A:B or K (0-based, inclusive), got \"" + text + "\"");
        }
    }
    if (a < 0 || b >= depth || a > b)
        throw UsageError("--slices " + text + " is outside the image's slices 0.." + std::to_string(depth - 1));
    return {a, b};
}

}  // namespace

int runLesions(const std::vector<std::string>& argv) {
    Args args(argv, {"image", "series", "slices", "like", "like-mapping", "count", "out", "burden", "seed", "layout", "orient", "min-lung"},
              {"peripheral", "overwrite"});
    if (!args.has("image") || !args.has("out") || !args.has("like")) throw UsageError("lesions needs --image CT, --like MASK... and --out DIR");
    std::vector<std::string> likeItems = args.values("like");
    for (const std::string& p : args.positionals()) likeItems.push_back(p);  // --like a.png b.png (a shell glob)
    const int count = args.intValue("count", 1);
    if (count < 1) throw UsageError("--count must be at least 1");
    const std::uint64_t seed = static_cast<std::uint64_t>(args.intValue("seed", 1));
    mask::LesionOptions options;
    options.peripheral = args.flag("peripheral");
    if (args.has("burden")) {
        char extra = 0;
        if (std::sscanf(args.value("burden").c_str(), "%lf:%lf%c", &options.burdenLow, &options.burdenHigh, &extra) != 2 || options.burdenLow < 0 ||
            options.burdenHigh > 1 || options.burdenLow > options.burdenHigh)
            throw UsageError("--burden expects LO:HI with 0 <= LO <= HI <= 1 (the infected fraction of the lung), got \"" + args.value("burden") + "\"");
    }

    std::vector<LabelSlice> likeMasks;
    std::vector<std::string> likeNames;
    for (const std::string& item : likeItems) collectLikeMasks(item, args.value("like-mapping", "identity"), likeMasks, likeNames);
    mask::LesionLibrary library;
    try {
        library = mask::collectLesions(likeMasks, likeNames);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + "; a MedSeg folder gives its lung automatically");
    }
    if (library.lesions.empty()) throw UsageError("the --like masks hold no infection lesion of 9 pixels or more");
    const auto [low, high] = mask::burdenRange(library, options);

    LoadOptions load;
    load.series = args.value("series");
    load.orientation = orientationByName(args.value("orient", "none"));
    const LoadedVolume ct = loadVolume(args.value("image"), load);
    const auto [first, last] = parseSliceRange(args.value("slices"), ct.volume.depth());
    const bool isVolume = ct.info.format.find("PNG") == std::string::npos && ct.info.format.find("JPEG") == std::string::npos &&
                          ct.info.format.find("NPY") == std::string::npos;
    const std::string layout = args.value("layout", isVolume ? "nifti" : "png");
    if (layout != "png" && layout != "nifti") throw UsageError("--layout is png or nifti");
    double minLung = 0.01;
    if (args.has("min-lung")) {
        char extra = 0;
        if (std::sscanf(args.value("min-lung").c_str(), "%lf%c", &minLung, &extra) != 1 || minLung < 0 || minLung > 1)
            throw UsageError("--min-lung expects the lung's smallest fraction of the slice, a number in [0, 1]");
    }

    const std::string out = fs::absolute(args.value("out")).string();
    if (fs::exists(out) && !args.flag("overwrite")) throw IoError(out, "already exists; choose another folder or pass --overwrite");
    const std::string partial = gan::partialFolderFor(out);
    fs::create_directories(fs::path(partial) / "masks");
    Json rows = Json::array(), skipped = Json::array();
    std::string csv = "mask,source,slice,burden,target_burden,lesions_placed,regions,seed\n";
    int written = 0;
    try {
        for (int z = first; z <= last; ++z) {
            const CtSlice slice = extractSlice(ct.volume, z);
            const LabelSlice lung = mask::deriveLungMask(slice, mask::LungMaskOptions::forValues(ct.info.valuesAreHu));
            const std::size_t lungPixels = countLabels(lung.pixels()).perLabel[1];
            auto skip = [&](const std::string& reason) {
                Json j = Json::object();
                j.set("slice", z);
                j.set("reason", reason);
                skipped.push(j);
                std::fprintf(stderr, "slice %d skipped: %s\n", z, reason.c_str());
            };
            if (lungPixels < minLung * lung.pixels().size()) {
                skip("lung of " + std::to_string(lungPixels) + " pixels is under " + std::to_string(minLung * 100) + " % of the slice (--min-lung)");
                continue;
            }
            for (int i = 0; i < count; ++i) {
                const std::uint64_t maskSeed = seed * 1000003ULL + static_cast<std::uint64_t>(z) * 1009ULL + static_cast<std::uint64_t>(i);
                mask::PlacedLesions placed;
                try {
                    placed = mask::placeLesions(lung, library, options, maskSeed);
                } catch (const std::runtime_error& e) {
                    skip(e.what());
                    break;
                }
                char name[64];
                std::snprintf(name, sizeof name, "masks/slice%04d_%03d%s", z, i, layout == "nifti" ? ".nii.gz" : ".png");
                const std::string path = (fs::path(partial) / name).string();
                if (layout == "nifti") writeNiftiLabels(sliceAsVolume(placed.labels, sliceGeometry(ct.volume.geometry(), z)), path);
                else writePngLabels(placed.labels, path);
                Json row = Json::object();
                row.set("mask", name);
                row.set("source", fs::absolute(args.value("image")).string());
                row.set("slice", z);
                row.set("burden", placed.burden);
                row.set("target_burden", placed.targetBurden);
                row.set("lesions_placed", placed.lesionsPlaced);
                row.set("regions", placed.regions);
                row.set("seed", static_cast<double>(maskSeed));
                rows.push(row);
                csv += std::string(name) + "," + fs::absolute(args.value("image")).string() + "," + std::to_string(z) + "," + std::to_string(placed.burden) + "," +
                       std::to_string(placed.targetBurden) + "," + std::to_string(placed.lesionsPlaced) + "," + std::to_string(placed.regions) + "," +
                       std::to_string(maskSeed) + "\n";
                ++written;
            }
        }
        if (written == 0) throw IoError(args.value("image"), "no slice in " + std::to_string(first) + ":" + std::to_string(last) + " took lesions (see above)");
        Json manifest = Json::object();
        manifest.set("format", "cosingan-lesion-masks");
        manifest.set("version", 1);
        manifest.set("image", fs::absolute(args.value("image")).string());
        manifest.set("series", ct.info.id);
        manifest.set("slices", Json::arrayOf(std::vector<double>{double(first), double(last)}));
        manifest.set("lung", "derived automatically (cosingan lung-mask's rule)");
        manifest.set("labels", "0 background, 1 lung, 2 infection");
        Json like = Json::array();
        for (const std::string& n : likeNames) like.push(n);
        manifest.set("like", like);
        manifest.set("lesions_in_library", static_cast<double>(library.lesions.size()));
        manifest.set("burden_range", Json::arrayOf(std::vector<double>{low, high}));
        manifest.set("burden_range_from", args.has("burden") ? "--burden" : "the --like masks' burdens, 10th to 90th percentile");
        manifest.set("placement", options.peripheral ? "peripheral and posterior lung favoured" : "uniform over the lung");
        manifest.set("seed", static_cast<double>(seed));
        manifest.set("masks", rows);
        manifest.set("skipped_slices", skipped);
        gan::writeManifests(partial, manifest, csv);
        gan::publishDataset(partial, out);
    } catch (...) {
        std::error_code ec;
        fs::remove_all(partial, ec);
        throw;
    }
    std::printf("wrote %d lesion masks to %s from %zu lesions of %zu masks (burden %.3f-%.3f, %s); the lung is derived automatically\n", written, out.c_str(),
                library.lesions.size(), likeMasks.size(), low, high, options.peripheral ? "peripheral placement" : "uniform placement");
    return kOk;
}

}  // namespace ctsw::cli
