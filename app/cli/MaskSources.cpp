#include "MaskSources.h"

#include <cstdio>
#include <filesystem>

#include "Args.h"
#include "io/IoError.h"
#ifndef CTSW_ENGINE_ONLY
#include "dataset/LesionMaskSet.h"
#include "image/Orientation2D.h"
#include "io/ImageSource.h"
#endif

namespace fs = std::filesystem;

namespace ctsw::cli {

MaskSourceOptions maskSourceOptions(const Args& args) {
    MaskSourceOptions o;
    o.image = args.value("image");
    o.images = args.value("images");
    o.series = args.value("series");
    o.slice = args.intValue("slice", -1);
    o.orientation = args.value("orient");
    o.masksFolder = args.value("masks");
    return o;
}

struct MaskSources::Volume {
#ifndef CTSW_ENGINE_ONLY
    LoadedVolume loaded;
#endif
};

MaskSources::MaskSources(const MaskSourceOptions& options) : options_(options) {
    if (!options_.images.empty() && !options_.image.empty()) throw UsageError("give --image IMG (one slice or a volume) or --images DIR (an image per mask), not both");
    if (!options_.images.empty()) {
        std::error_code ec;
        if (!fs::is_directory(options_.images, ec)) throw IoError(options_.images, "no such folder (--images names the folder of the masks' images)");
        images_ = sliceFilesByStem(options_.images);
        return;
    }
#ifndef CTSW_ENGINE_ONLY
    // A folder `cosingan lesions` wrote names the CT its masks were placed on: use it unless told otherwise.
    if (options_.image.empty() && !options_.masksFolder.empty())
        if (const auto recorded = dataset::lesionMaskSource(options_.masksFolder)) {
            options_.image = recorded->image;
            options_.series = recorded->series;
            std::printf("the masks' source CT is %s (recorded in %s): each mask's body outline comes from its slice\n", options_.image.c_str(), recorded->manifest.c_str());
        }
    if (!options_.image.empty() && options_.slice < 0) {
        LoadOptions load;
        load.series = options_.series;
        load.orientation = orientationByName(options_.orientation.empty() ? "none" : options_.orientation);
        LoadedVolume v = loadVolume(options_.image, load);
        if (v.volume.depth() > 1) {
            volume_ = std::make_unique<Volume>();
            volume_->loaded = std::move(v);
        } else {
            // One slice: the one every mask takes, from what was just read (as readInputSlice would).
            refuseOrientOnGeometry(options_.image, options_.orientation);
            single_ = InputSlice{extractSlice(v.volume, 0), v.info.valuesAreHu};
        }
        return;
    }
#endif
    if (!options_.image.empty()) single_ = readInputSlice(options_.image, options_.series, options_.slice, options_.orientation);
}

MaskSources::~MaskSources() = default;

int MaskSources::expectWidth() const { return single_ ? single_->values.width() : 0; }
int MaskSources::expectHeight() const { return single_ ? single_->values.height() : 0; }

std::optional<InputSlice> MaskSources::forMask(const std::string& maskPath, const LabelSlice& labels, const std::optional<Geometry>& grid) const {
    if (!options_.images.empty()) {
        const std::string image = sliceFileWithStem(images_, options_.images, sliceFileStem(maskPath));
        InputSlice in = readInputSlice(image, "", -1, options_.orientation);
        if (in.values.width() != labels.width() || in.values.height() != labels.height())
            throw IoError(maskPath, "is " + std::to_string(labels.width()) + "x" + std::to_string(labels.height()) + " but its image " + image + " is " +
                                        std::to_string(in.values.width()) + "x" + std::to_string(in.values.height()));
        return in;
    }
#ifndef CTSW_ENGINE_ONLY
    if (volume_) {
        const auto& v = volume_->loaded;
        const Geometry& g = v.volume.geometry();
        for (int k = 0; grid && k < v.volume.depth(); ++k)
            if (grid->sameGrid(sliceGeometry(g, k), 0.01)) {
                InputSlice in;
                in.values = extractSlice(v.volume, k);
                in.valuesAreHu = v.info.valuesAreHu;
                in.provenance.set("image", fs::absolute(options_.image).string());
                in.provenance.set("slice", k);
                return in;
            }
        throw IoError(maskPath, "lies on no slice of " + options_.image + " (a NIfTI mask of one of its slices is needed, or give --slice K)");
    }
#else
    (void)grid;
#endif
    return single_;
}

}  // namespace ctsw::cli
