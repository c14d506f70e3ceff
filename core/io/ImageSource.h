#pragma once
// One entry point for everything a user can open: a DICOM folder or file, a NIfTI volume, or a 2D
// image. Listing is cheap (headers only); loading reads one series into a CT volume.
#include <memory>
#include <string>
#include <vector>

#include "image/Orientation2D.h"
#include "image/Volume.h"
#include "io/Dicom.h"
#include "io/ImageFiles.h"
#include "jobs/Progress.h"

namespace ctsw {

struct SeriesInfo {
    std::string id;           // what --series takes: the DICOM series id, or the file name
    std::string uid;          // SeriesInstanceUID; for files, the file name
    std::string modality;     // "CT", ... ; "unknown" where the format does not say
    std::string description;
    std::string format;       // "DICOM (Explicit VR Little Endian)", "NIfTI", "PNG 8-bit grey", ...
    Geometry geometry;        // display orientation
    bool valuesAreHu = true;  // false for windowed 8-bit images such as MedSeg's JPEGs
    std::vector<std::string> warnings;
    std::string notLoadable;
};

struct SourceListing {
    std::string path;
    FileKind kind = FileKind::Unknown;
    std::vector<SeriesInfo> series;
    std::vector<SkippedFile> skipped;
    DicomScan dicom;  // kept so that loading does not scan again
    // Single-file sources (NIfTI, 2D images) are read whole when listed; kept so loading does not read again.
    std::shared_ptr<const CtVolume> fileVolume;
    std::shared_ptr<const Slice<float>> fileSlice;
    // The series for an id or UID; with an empty key, the only loadable series or the one with most slices.
    const SeriesInfo* choose(const std::string& key) const;
};

SourceListing listSource(const std::string& path, const JobContext& job = {});

struct LoadOptions {
    std::string series;                             // id or UID; empty = the best candidate
    Orientation2D orientation = Orientation2D::None;  // for 2D images only (they carry no geometry)
};

struct LoadedVolume {
    CtVolume volume;
    SeriesInfo info;
};
// Throws IoError when the series is unknown or cannot be read.
LoadedVolume loadSeries(const SourceListing& listing, const LoadOptions& options = {}, const JobContext& job = {});
// listSource + loadSeries.
LoadedVolume loadVolume(const std::string& path, const LoadOptions& options = {}, const JobContext& job = {});

}  // namespace ctsw
