#pragma once
// DICOM CT series (DCMTK): scan folders, split into series, order slices by position, read HU volumes.
#include <array>
#include <string>
#include <vector>

#include "image/Geometry.h"
#include "image/Volume.h"
#include "jobs/Progress.h"

namespace ctsw {

struct DicomSliceHeader {
    std::string path;
    std::string seriesUid, modality, seriesDescription, manufacturer, transferSyntaxUid, transferSyntaxName;
    int rows = 0, columns = 0, bitsAllocated = 0, frames = 1, samplesPerPixel = 1;
    std::string photometric;
    bool hasPosition = false, hasOrientation = false;
    Vec3 position{0, 0, 0};                 // ImagePositionPatient
    std::array<double, 6> orientation{};   // ImageOrientationPatient: row direction, then column direction
    double spacingX = 0, spacingY = 0;      // from PixelSpacing (which lists row spacing = y first)
    double sliceThickness = 0, gantryTilt = 0;
    int instanceNumber = 0;
    bool decodable = true;                  // false for a compressed syntax this build cannot decode
    double distance = 0;                    // position projected on the series' slice normal
};

struct DicomSeries {
    std::string uid;          // SeriesInstanceUID
    std::string id;           // unique within a scan: the UID, with ".partN" when the UID was split
    std::string modality, description, manufacturer;
    int rows = 0, columns = 0;
    std::vector<DicomSliceHeader> slices;  // sorted by position along the slice normal, ascending
    Geometry geometry;                     // as acquired (before display re-orientation)
    std::vector<std::string> warnings;     // each names the files and numbers involved
    std::string notLoadable;               // empty when the series can be read as a volume
};

struct SkippedFile {
    std::string path;
    std::string reason;
};

struct DicomScan {
    std::vector<DicomSeries> series;
    std::vector<SkippedFile> skipped;
    const DicomSeries* find(const std::string& idOrUid) const;
};

// Scans files and folders (recursively). Never throws for a bad file: it is listed in `skipped`.
// Throws IoError only when a given path does not exist; Cancelled when cancelled.
DicomScan scanDicom(const std::vector<std::string>& paths, const JobContext& job = {});

// Reads the pixel data of a scanned series into HU (each slice's own RescaleSlope/Intercept),
// re-indexed into display orientation. Throws IoError naming the file that failed.
CtVolume readDicomSeries(const DicomSeries& series, const JobContext& job = {});

// The transfer syntaxes this build decodes besides the uncompressed ones.
std::string supportedCompressedSyntaxes();

}  // namespace ctsw
