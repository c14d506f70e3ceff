#include "dataset/LesionMaskSet.h"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "eval/EvalData.h"
#include "gan/DatasetExport.h"
#include "io/ImageFiles.h"
#include "io/ImageSource.h"
#include "io/IoError.h"
#include "io/MaskLists.h"
#include "json/Json.h"
#include "mask/LungMask.h"

namespace fs = std::filesystem;

namespace ctsw::dataset {

LikeMasks loadLikeMasks(const std::vector<std::string>& items, const std::string& mapping) {
    LikeMasks like;
    const LabelMapping labels = LabelMapping::parse(mapping.empty() ? "identity" : mapping);
    for (const std::string& item : items) {
        if (fs::is_directory(item) && fs::is_directory(fs::path(item) / "GT_multiclass")) {
            for (eval::EvalSample& s : eval::loadMedSegFolder(item, eval::kOwnSize)) {
                like.masks.push_back(std::move(s.labels));
                like.names.push_back(s.source);
            }
            continue;
        }
        const std::vector<std::string> files = fs::is_directory(item) ? maskFilesInFolder(item) : std::vector<std::string>{item};
        for (const std::string& file : files) {
            if (isNiftiPath(file)) {
                const LabelVolume v = readNiftiLabels(file, labels);
                if (v.depth() != 1) throw IoError(file, "holds " + std::to_string(v.depth()) + " slices; lesions are taken from single-slice masks");
                like.masks.push_back(extractSlice(v, 0));
            } else {
                like.masks.push_back(readMaskSlice(file, labels));
            }
            like.names.push_back(fs::absolute(file).string());
        }
    }
    return like;
}

mask::LesionLibrary lesionLibrary(const LikeMasks& like) {
    mask::LesionLibrary library = mask::collectLesions(like.masks, like.names);
    if (library.lesions.empty()) throw std::invalid_argument("the annotated masks hold no infection lesion of 9 pixels or more");
    return library;
}

std::pair<int, int> parseSliceRange(const std::string& text, int depth) {
    int a = 0, b = depth - 1;
    char extra = 0;
    if (!text.empty()) {
        if (std::sscanf(text.c_str(), "%d:%d%c", &a, &b, &extra) == 2) {
        } else if (std::sscanf(text.c_str(), "%d%c", &a, &extra) == 1) {
            b = a;
        } else {
            throw std::invalid_argument("slices are given as A:B or K (0-based, inclusive), not \"" + text + "\"");
        }
    }
    if (a < 0 || b >= depth || a > b) throw std::invalid_argument("slices " + text + " are outside the image's slices 0.." + std::to_string(depth - 1));
    return {a, b};
}

LesionMaskSetResult writeLesionMaskSet(const CtVolume& ct, const mask::LesionLibrary& library, const std::string& outName, const LesionMaskSetOptions& options,
                                       const JobContext& job) {
    LesionMaskSetResult result;
    result.burdenRange = mask::burdenRange(library, options.lesions);
    const int first = options.firstSlice, last = options.lastSlice < 0 ? ct.depth() - 1 : options.lastSlice;
    if (first < 0 || last >= ct.depth() || first > last)
        throw std::invalid_argument("slices " + std::to_string(first) + ":" + std::to_string(last) + " are outside the image's slices 0.." + std::to_string(ct.depth() - 1));
    if (options.countPerSlice < 1) throw std::invalid_argument("the number of masks per slice must be at least 1");
    const std::string out = fs::absolute(outName).lexically_normal().string();
    if (fs::exists(out) && !options.overwrite) throw IoError(out, "already exists; choose another folder or allow replacing it");
    const std::string partial = gan::partialFolderFor(out);
    fs::create_directories(fs::path(partial) / "masks");
    Json rows = Json::array(), skipped = Json::array();
    std::string csv = "mask,source,slice,burden,target_burden,lesions_placed,regions,seed\n";
    std::vector<std::string> names;
    try {
        for (int z = first; z <= last; ++z) {
            job.checkCancelled();
            job.report(double(z - first) / double(last - first + 1), "lesions on slice " + std::to_string(z));
            const CtSlice slice = extractSlice(ct, z);
            const LabelSlice lung = mask::deriveLungMask(slice, mask::LungMaskOptions::forImage(slice, options.valuesAreHu));
            const std::size_t lungPixels = countLabels(lung.pixels()).perLabel[1];
            auto skip = [&](const std::string& reason) {
                result.skipped.push_back({z, reason});
                Json j = Json::object();
                j.set("slice", z);
                j.set("reason", reason);
                skipped.push(j);
            };
            if (lungPixels < options.minLungFraction * lung.pixels().size()) {
                char why[160];
                std::snprintf(why, sizeof why, "lung of %zu pixels is under %g %% of the slice", lungPixels, options.minLungFraction * 100);
                skip(why);
                continue;
            }
            for (int i = 0; i < options.countPerSlice; ++i) {
                // Per slice and index, so that a sub-range of slices gives the same masks as the whole run.
                const std::uint64_t maskSeed = options.seed * 1000003ULL + static_cast<std::uint64_t>(z) * 1009ULL + static_cast<std::uint64_t>(i);
                mask::PlacedLesions placed;
                try {
                    placed = mask::placeLesions(lung, library, options.lesions, maskSeed);
                } catch (const std::runtime_error& e) {
                    skip(e.what());
                    break;
                }
                char name[64];
                std::snprintf(name, sizeof name, "masks/slice%04d_%03d%s", z, i, options.nifti ? ".nii.gz" : ".png");
                const std::string path = (fs::path(partial) / name).string();
                if (options.nifti) writeNiftiLabels(sliceAsVolume(placed.labels, sliceGeometry(ct.geometry(), z)), path);
                else writePngLabels(placed.labels, path);
                Json row = Json::object();
                row.set("mask", name);
                row.set("source", options.imageName);
                row.set("slice", z);
                row.set("burden", placed.burden);
                row.set("target_burden", placed.targetBurden);
                row.set("lesions_placed", placed.lesionsPlaced);
                row.set("regions", placed.regions);
                row.set("seed", static_cast<double>(maskSeed));
                rows.push(row);
                csv += std::string(name) + "," + options.imageName + "," + std::to_string(z) + "," + std::to_string(placed.burden) + "," +
                       std::to_string(placed.targetBurden) + "," + std::to_string(placed.lesionsPlaced) + "," + std::to_string(placed.regions) + "," +
                       std::to_string(maskSeed) + "\n";
                names.push_back(name);
                result.maskSlices.push_back(z);
            }
        }
        if (names.empty())
            throw IoError(options.imageName, "no slice in " + std::to_string(first) + ":" + std::to_string(last) + " took lesions" +
                                                 (result.skipped.empty() ? std::string() : " (slice " + std::to_string(result.skipped.front().slice) + ": " + result.skipped.front().reason + ")"));
        Json manifest = Json::object();
        manifest.set("format", "cosingan-lesion-masks");
        manifest.set("version", 1);
        manifest.set("image", options.imageName);
        manifest.set("series", options.seriesId);
        manifest.set("slices", Json::arrayOf(std::vector<double>{double(first), double(last)}));
        manifest.set("lung", "derived automatically (cosingan lung-mask's rule)");
        manifest.set("labels", "0 background, 1 lung, 2 infection");
        Json like = Json::array();
        for (const std::string& n : options.likeNames) like.push(n);
        manifest.set("like", like);
        manifest.set("lesions_in_library", static_cast<double>(library.lesions.size()));
        manifest.set("burden_range", Json::arrayOf(std::vector<double>{result.burdenRange.first, result.burdenRange.second}));
        manifest.set("burden_range_from", options.lesions.burdenLow >= 0 ? "the given bounds" : "the annotated masks' burdens, 10th to 90th percentile");
        manifest.set("placement", options.lesions.peripheral ? "peripheral and posterior lung favoured" : "uniform over the lung");
        manifest.set("seed", static_cast<double>(options.seed));
        manifest.set("masks", rows);
        manifest.set("skipped_slices", skipped);
        gan::writeManifests(partial, manifest, csv);
        gan::publishDataset(partial, out);
    } catch (...) {
        std::error_code ec;
        fs::remove_all(partial, ec);
        throw;
    }
    result.folder = out;
    for (const std::string& n : names) result.maskFiles.push_back((fs::path(out) / n).string());
    job.report(1.0, "lesion masks written");
    return result;
}

std::optional<LesionMaskSource> lesionMaskSource(const std::string& masksFolder) {
    for (const fs::path& candidate : {fs::path(masksFolder) / "manifest.json", fs::path(masksFolder).parent_path() / "manifest.json"}) {
        std::error_code ec;
        if (!fs::is_regular_file(candidate, ec)) continue;
        Json manifest;
        try {
            manifest = readJsonFile(candidate.string());
        } catch (const std::exception&) {
            continue;  // not ours, or damaged: the masks are still usable without it
        }
        if (!manifest.isObject() || manifest.stringOr("format", "") != "cosingan-lesion-masks") continue;
        const std::string image = manifest.stringOr("image", "");
        if (image.empty() || !fs::exists(image, ec)) return std::nullopt;
        return LesionMaskSource{image, manifest.stringOr("series", ""), candidate.string()};
    }
    return std::nullopt;
}

batch::LesionGenerator planLesionGenerator() {
    return [](const Json& spec, const std::string& planFolder, const std::string& folder) {
        auto resolve = [&](const std::string& p) { return fs::path(p).is_relative() ? (fs::path(planFolder) / p).lexically_normal().string() : p; };
        if (!spec.contains("image") || !spec.contains("like")) throw IoError(folder, "\"lesions\" needs \"image\" (a CT) and \"like\" (annotated masks)");
        std::vector<std::string> items;
        if (spec.at("like").isString()) items.push_back(resolve(spec.at("like").asString()));
        else
            for (const Json& l : spec.at("like").asArray()) items.push_back(resolve(l.asString()));
        const LikeMasks like = loadLikeMasks(items, spec.stringOr("like_mapping", "identity"));
        const std::string image = resolve(spec.at("image").asString());
        LoadOptions load;
        load.series = spec.stringOr("series", "");
        const LoadedVolume ct = loadVolume(image, load);
        LesionMaskSetOptions o;
        try {
            std::tie(o.firstSlice, o.lastSlice) = parseSliceRange(spec.stringOr("slices", ""), ct.volume.depth());
        } catch (const std::invalid_argument& e) {
            throw IoError(image, std::string("\"lesions\".\"slices\": ") + e.what());
        }
        o.countPerSlice = spec.contains("count") ? spec.at("count").asInt() : 1;
        o.seed = static_cast<std::uint64_t>(spec.contains("seed") ? spec.at("seed").asInt() : 1);
        o.lesions.peripheral = spec.boolOr("peripheral", false);
        if (spec.contains("burden")) {
            const Json& b = spec.at("burden");
            if (!b.isArray() || b.size() != 2) throw JsonError("\"burden\" must be [low, high], fractions of the lung");
            o.lesions.burdenLow = b[0].asNumber();
            o.lesions.burdenHigh = b[1].asNumber();
        }
        o.minLungFraction = spec.numberOr("min_lung", 0.01);
        o.nifti = ct.volume.depth() > 1;  // masks of a volume keep its geometry
        o.overwrite = true;  // a run folder left by a failed expansion is regenerated
        o.valuesAreHu = ct.info.valuesAreHu;
        o.imageName = fs::absolute(image).string();
        o.seriesId = ct.info.id;
        o.likeNames = like.names;
        try {
            return writeLesionMaskSet(ct.volume, lesionLibrary(like), folder, o).maskFiles;
        } catch (const std::invalid_argument& e) {
            throw IoError(image, std::string("\"lesions\": ") + e.what());
        }
    };
}

}  // namespace ctsw::dataset
