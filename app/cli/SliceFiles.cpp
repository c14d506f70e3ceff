#include "SliceFiles.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "image/Orientation2D.h"
#include "io/IoError.h"
#include "io/MaskLists.h"
#include "io/Npy.h"
#ifndef CTSW_ENGINE_ONLY
#include "io/ImageFiles.h"
#include "io/ImageSource.h"
#endif

namespace fs = std::filesystem;

namespace ctsw::cli {

namespace {
#ifdef CTSW_ENGINE_ONLY
std::string lowerExt(const std::string& path) {
    std::string p = path;
    for (auto& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (p.size() > 7 && p.compare(p.size() - 7, 7, ".nii.gz") == 0) return ".nii.gz";
    return fs::path(p).extension().string();
}

Slice<float> readNpySlice(const std::string& path) { return npyAsSlice(readNpy(path), path); }
#endif
}  // namespace

#ifndef CTSW_ENGINE_ONLY
void refuseOrientOnGeometry(const std::string& path, const std::string& orientation) {
    if (orientation.empty() || orientation == "none") return;
    const FileKind kind = fileKindOf(path);
    if (kind == FileKind::Nifti || kind == FileKind::DicomFolder || kind == FileKind::DicomFile)
        throw IoError(path, "--orient " + orientation + " turns 2D images and masks (PNG, JPEG, NPY) only; a " +
                                (kind == FileKind::Nifti ? "NIfTI" : "DICOM") + " file is oriented by its own geometry, so leave --orient out");
}
#endif

InputSlice readInputSlice(const std::string& path, const std::string& series, int sliceIndex, const std::string& orientation) {
    InputSlice in;
    in.provenance.set("image", fs::absolute(path).string());
    const Orientation2D orient = orientationByName(orientation.empty() ? "none" : orientation);
#ifdef CTSW_ENGINE_ONLY
    if (lowerExt(path) != ".npy") throw IoError(path, "this engine-only build reads NPY slices only (convert with the full build's `cosingan convert`)");
    const NpyArray npy = readNpy(path);
    in.values = reorient(npyAsSlice(npy, path), orient);
    in.valuesAreHu = npy.dtype.size() > 2 && !(npy.dtype[1] == 'u' && npy.dtype[2] == '1');
#else
    refuseOrientOnGeometry(path, orientation);
    LoadOptions options;
    options.series = series;
    options.orientation = orient;
    LoadedVolume v = loadVolume(path, options);
    const int depth = v.volume.depth();
    if (sliceIndex < 0 && depth != 1)
        throw IoError(path, "holds " + std::to_string(depth) + " slices: give --slice K (0.." + std::to_string(depth - 1) + ")");
    const int k = sliceIndex < 0 ? 0 : sliceIndex;
    if (k >= depth) throw IoError(path, "--slice " + std::to_string(k) + " is out of range 0.." + std::to_string(depth - 1));
    in.values = extractSlice(v.volume, k);
    in.valuesAreHu = v.info.valuesAreHu;
    in.provenance.set("series", v.info.uid);
    in.provenance.set("format", v.info.format);
    in.provenance.set("slice", k);
    in.provenance.set("slice_position_mm", Json::arrayOf(v.volume.geometry().indexToPhysical(0, 0, k)));
#endif
    in.provenance.set("orientation", orientation.empty() ? "none" : orientation);
    in.provenance.set("width", in.values.width());
    in.provenance.set("height", in.values.height());
    in.provenance.set("values_are_hu", in.valuesAreHu);
    return in;
}

LabelSlice readInputMask(const std::string& path, const std::string& mappingName, int sliceIndex, const std::string& orientation, int w, int h,
                         std::optional<Geometry>* geometry) {
    const LabelMapping mapping = LabelMapping::parse(mappingName.empty() ? "identity" : mappingName);
    const Orientation2D orient = orientationByName(orientation.empty() ? "none" : orientation);
#ifdef CTSW_ENGINE_ONLY
    if (lowerExt(path) != ".npy") throw IoError(path, "this engine-only build reads NPY masks only");
    Slice<float> raw = readNpySlice(path);
    std::vector<int> values(raw.pixels().size());
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int>(raw.pixels()[i]);
    LabelSlice mask(raw.width(), raw.height());
    try {
        mask.pixels() = mapping.apply(values);
    } catch (const std::exception& e) {
        throw IoError(path, e.what());
    }
    mask = reorient(mask, orient);
    if (w > 0 && (mask.width() != w || mask.height() != h))
        throw IoError(path, "mask is " + std::to_string(mask.width()) + "x" + std::to_string(mask.height()) + " but the image is " + std::to_string(w) + "x" +
                                std::to_string(h));
    (void)sliceIndex;
    return mask;
#else
    refuseOrientOnGeometry(path, orientation);
    if (isNiftiPath(path)) {
        LabelVolume v = readNiftiLabels(path, mapping);
        const int k = v.depth() == 1 ? 0 : sliceIndex;
        if (k < 0 || k >= v.depth()) throw IoError(path, "mask volume holds " + std::to_string(v.depth()) + " slices: give --slice K");
        LabelSlice mask = extractSlice(v, k);
        if (geometry) *geometry = sliceGeometry(v.geometry(), k);
        if (w > 0 && (mask.width() != w || mask.height() != h))
            throw IoError(path, "mask is " + std::to_string(mask.width()) + "x" + std::to_string(mask.height()) + " but the image is " + std::to_string(w) +
                                    "x" + std::to_string(h));
        return mask;
    }
    return readMaskSlice(path, mapping, w, h, orient);
#endif
}

#ifdef CTSW_ENGINE_ONLY
std::string imageExtension() { return ".pgm"; }
bool canWriteNifti() { return false; }
void writeImage8(const Slice<std::uint8_t>& px, const std::string& path) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        out << "P5\n" << px.width() << " " << px.height() << "\n255\n";
        out.write(reinterpret_cast<const char*>(px.pixels().data()), static_cast<std::streamsize>(px.pixels().size()));
        if (!out) throw IoError(path, "cannot write (disk full?)");
    }
    fs::rename(tmp, path);
}
void writeNiftiSlice(const Slice<float>&, const Geometry&, const std::string& path) { throw IoError(path, "NIfTI needs the full build"); }
void writeNiftiMask(const LabelSlice&, const Geometry&, const std::string& path) { throw IoError(path, "NIfTI needs the full build"); }
#else
std::string imageExtension() { return ".png"; }
bool canWriteNifti() { return true; }
void writeImage8(const Slice<std::uint8_t>& px, const std::string& path) { writePng8(px, path); }
void writeNiftiSlice(const Slice<float>& values, const Geometry& grid, const std::string& path) { writeNifti(sliceAsVolume(values, grid), path); }
void writeNiftiMask(const LabelSlice& labels, const Geometry& grid, const std::string& path) { writeNiftiLabels(sliceAsVolume(labels, grid), path); }
#endif

std::vector<std::string> collectMaskFiles(const std::string& mask, const std::string& masksDir, const std::string& maskList) {
    if (!mask.empty()) return {mask};
    if (!maskList.empty()) return readMaskList(maskList);
    return maskFilesInFolder(masksDir);
}

}  // namespace ctsw::cli
