#include <cstdio>

#include "Args.h"
#include "Commands.h"
#include "SliceFiles.h"
#include "image/Labels.h"
#include "io/ImageFiles.h"
#include "io/ImageSource.h"
#include "io/IoError.h"
#include "io/Npy.h"

namespace ctsw::cli {

namespace {

// Slice k of a volume as a one-slice volume that keeps its place in the patient.
template <typename T>
Volume<T> sliceVolume(const Volume<T>& v, int k) {
    Geometry g = v.geometry();
    g.origin = g.indexToPhysical(0, 0, k);
    g.size[2] = 1;
    Volume<T> out(g);
    std::copy(v.slicePointer(k), v.slicePointer(k) + static_cast<std::size_t>(v.width()) * v.height(), out.voxels().begin());
    return out;
}

int chooseSlice(const Args& args, int depth, const std::string& input, bool required) {
    if (!args.has("slice")) {
        if (required && depth != 1)
            throw IoError(input, "holds " + std::to_string(depth) + " slices and PNG holds one: give --slice K (0.." + std::to_string(depth - 1) + ")");
        return required ? 0 : -1;
    }
    int k = args.intValue("slice", 0);
    if (k < 0 || k >= depth) throw IoError(input, "--slice " + std::to_string(k) + " is out of range 0.." + std::to_string(depth - 1));
    return k;
}

int convertMask(const Args& args, const std::string& input, const std::string& output) {
    LabelMapping mapping = LabelMapping::parse(args.value("mask"));
    int expectW = 0, expectH = 0;
    if (args.has("reference")) {
        LoadOptions refOptions;
        refOptions.series = args.value("series");
        LoadedVolume ref = loadVolume(args.value("reference"), refOptions);
        expectW = ref.volume.width();
        expectH = ref.volume.height();
    }
    LabelVolume labels;
    if (fileKindOf(input) == FileKind::Nifti) {
        labels = readNiftiLabels(input, mapping);
        if (expectW > 0 && (labels.width() != expectW || labels.height() != expectH))
            throw IoError(input, "mask is " + std::to_string(labels.width()) + "x" + std::to_string(labels.height()) + " but the image is " +
                                     std::to_string(expectW) + "x" + std::to_string(expectH));
    } else {
        labels = sliceAsVolume(readMaskSlice(input, mapping, expectW, expectH, orientationByName(args.value("orient", "none"))));
    }
    const bool png = fileKindOf(output) == FileKind::Png, npy = fileKindOf(output) == FileKind::Npy;
    int k = chooseSlice(args, labels.depth(), input, png || npy);
    if (k >= 0) labels = sliceVolume(labels, k);
    LabelCounts c = countLabels(labels.voxels());
    if (png) writePngLabels(extractSlice(labels, 0), output);
    else if (npy) writeNpyFloat32(output, {static_cast<std::size_t>(labels.height()), static_cast<std::size_t>(labels.width())},
                                  std::vector<float>(labels.voxels().begin(), labels.voxels().end()));
    else if (isNiftiPath(output)) writeNiftiLabels(labels, output);
    else throw IoError(output, "unknown output type: use .nii, .nii.gz, .png or .npy");
    std::printf("wrote %s: %dx%dx%d labels (background %zu, lung %zu, infection %zu pixels) with mapping %s\n", output.c_str(), labels.width(),
                labels.height(), labels.depth(), c.perLabel[0], c.perLabel[1], c.perLabel[2], mapping.name().c_str());
    return kOk;
}

}  // namespace

int runConvert(const std::vector<std::string>& argv) {
    Args args(argv, {"series", "slice", "window", "mask", "reference", "orient"}, {});
    if (args.positionals().size() != 2) throw UsageError("convert takes INPUT and OUTPUT");
    const std::string input = args.positionals()[0];
    const std::string output = args.positionals()[1];
    refuseOrientOnGeometry(input, args.value("orient", ""));
    if (args.has("mask")) return convertMask(args, input, output);

    LoadOptions options;
    options.series = args.value("series");
    options.orientation = orientationByName(args.value("orient", "none"));
    LoadedVolume loaded = loadVolume(input, options);
    const FileKind outKind = fileKindOf(output);
    if (outKind != FileKind::Png && outKind != FileKind::Nifti && outKind != FileKind::Npy)
        throw IoError(output, "unknown output type: use .nii, .nii.gz, .png or .npy");
    const bool png = outKind == FileKind::Png;
    int k = chooseSlice(args, loaded.volume.depth(), input, png || outKind == FileKind::Npy);
    CtVolume volume = k >= 0 ? sliceVolume(loaded.volume, k) : std::move(loaded.volume);
    if (png) {
        CtSlice slice = extractSlice(volume, 0);
        if (loaded.info.valuesAreHu) {
            writePngWindowed(slice, windowByName(args.value("window", "lung")), output);
        } else {
            // Display intensities (8-bit JPEG/PNG) are written as they are, clamped to 8 bit.
            writePngWindowed(slice, WindowLevel{255.0, 127.5}, output);
        }
    } else if (outKind == FileKind::Npy) {
        // One slice as float32, C order (rows, columns): HU, or the image's own values.
        writeNpyFloat32(output, {static_cast<std::size_t>(volume.height()), static_cast<std::size_t>(volume.width())}, volume.voxels());
    } else {
        writeNifti(volume, output);
    }
    for (const auto& w : loaded.info.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    std::printf("wrote %s: %dx%dx%d from series %s\n", output.c_str(), volume.width(), volume.height(), volume.depth(), loaded.info.id.c_str());
    return kOk;
}

}  // namespace ctsw::cli
