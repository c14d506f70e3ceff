#include "io/ImageSource.h"

#include <algorithm>
#include <filesystem>

#include "io/IoError.h"

namespace fs = std::filesystem;

namespace ctsw {

namespace {

SeriesInfo infoFromDicom(const DicomSeries& s) {
    SeriesInfo info;
    info.id = s.id;
    info.uid = s.uid;
    info.modality = s.modality.empty() ? "unknown" : s.modality;
    info.description = s.description;
    info.format = "DICOM (" + (s.slices.empty() ? std::string("?") : s.slices.front().transferSyntaxName) + ")";
    info.geometry = displayGeometry(s.geometry);
    info.warnings = s.warnings;
    info.notLoadable = s.notLoadable;
    return info;
}

}  // namespace

const SeriesInfo* SourceListing::choose(const std::string& key) const {
    if (!key.empty()) {
        for (const auto& s : series) if (s.id == key) return &s;
        const SeriesInfo* byUid = nullptr;
        for (const auto& s : series) if (s.uid == key) { if (byUid) return nullptr; byUid = &s; }
        return byUid;
    }
    const SeriesInfo* best = nullptr;
    for (const auto& s : series)
        if (s.notLoadable.empty() && (!best || s.geometry.size[2] > best->geometry.size[2])) best = &s;
    return best;
}

SourceListing listSource(const std::string& path, const JobContext& job) {
    SourceListing listing;
    listing.path = path;
    listing.kind = fileKindOf(path);
    std::error_code ec;
    if (!fs::exists(path, ec)) throw IoError(path, "no such file or folder");
    if (listing.kind == FileKind::DicomFolder || listing.kind == FileKind::DicomFile || listing.kind == FileKind::Unknown) {
        listing.dicom = scanDicom({path}, job);
        for (const auto& s : listing.dicom.series) listing.series.push_back(infoFromDicom(s));
        listing.skipped = listing.dicom.skipped;
        if (listing.kind == FileKind::Unknown && listing.series.empty())
            throw IoError(path, listing.skipped.empty() ? "unknown file type" : listing.skipped.front().reason);
        if (listing.kind == FileKind::Unknown) listing.kind = FileKind::DicomFile;
        if (listing.kind == FileKind::DicomFolder && listing.series.empty() && listing.skipped.empty())
            throw IoError(path, "folder holds no files");
        return listing;
    }
    // Single-file formats: read the file now (they are small or a single volume anyway).
    SeriesInfo info;
    info.id = fs::path(path).filename().string();
    info.uid = info.id;
    info.modality = "unknown";
    if (listing.kind == FileKind::Nifti) {
        auto v = std::make_shared<const CtVolume>(readNifti(path));
        info.format = "NIfTI";
        info.geometry = v->geometry();
        listing.fileVolume = v;
    } else {
        RawImage2D raw = readImage2D(path);
        listing.fileSlice = std::make_shared<const Slice<float>>(raw.values);
        info.format = raw.description;
        info.geometry.size = {raw.values.width(), raw.values.height(), 1};
        info.warnings.push_back("2D image: no patient geometry; spacing 1 mm and origin 0 assumed");
        const bool npySignedOrFloat = listing.kind == FileKind::Npy && raw.signedOrFloat;
        info.valuesAreHu = npySignedOrFloat;
        if (!info.valuesAreHu) info.warnings.push_back(std::to_string(raw.bitsPerSample) + "-bit image: values are display intensities, not Hounsfield units");
    }
    listing.series.push_back(info);
    return listing;
}

LoadedVolume loadSeries(const SourceListing& listing, const LoadOptions& options, const JobContext& job) {
    const std::string& key = options.series;
    const SeriesInfo* info = listing.choose(key);
    if (!info) {
        if (!key.empty()) throw IoError(listing.path, "no series \"" + key + "\" here (see `cosingan info`)");
        if (!listing.series.empty()) throw IoError(listing.path, "no loadable series: " + listing.series.front().notLoadable);
        throw IoError(listing.path, listing.skipped.empty() ? "no DICOM images found" : "no DICOM images found; e.g. " +
                                                                 fs::path(listing.skipped.front().path).filename().string() + ": " + listing.skipped.front().reason);
    }
    LoadedVolume out;
    out.info = *info;
    if (listing.kind == FileKind::DicomFolder || listing.kind == FileKind::DicomFile) {
        const DicomSeries* s = listing.dicom.find(info->id);
        out.volume = readDicomSeries(*s, job);
    } else if (listing.kind == FileKind::Nifti) {
        out.volume = listing.fileVolume ? *listing.fileVolume : readNifti(listing.path);
    } else {
        out.volume = sliceAsVolume(reorient(listing.fileSlice ? *listing.fileSlice : readImage2D(listing.path).values, options.orientation));
    }
    out.info.geometry = out.volume.geometry();
    return out;
}

LoadedVolume loadVolume(const std::string& path, const LoadOptions& options, const JobContext& job) {
    SourceListing listing = listSource(path, job);
    return loadSeries(listing, options, job);
}

}  // namespace ctsw
