#pragma once
// A workbench document: a folder that holds a reference to the source series, the mask volume
// (NIfTI, in the source geometry), the slice chosen for training and view settings. Saved atomically
// (each file is written under a temporary name and renamed; document.json last). Recovery files for
// unsaved work live apart, so a crash loses at most the time since the last autosave.
#include <optional>
#include <string>

#include "image/Volume.h"
#include "json/Json.h"

namespace ctsw {

struct DocumentInfo {
    std::string sourcePath;     // the DICOM folder, NIfTI or image the mask belongs to
    std::string seriesId;       // which series of it
    int trainingSlice = -1;     // -1: none chosen
    double windowWidth = 1500, windowLevel = -600;
    Json extra = Json::object();  // later parts of the product (training runs, kept samples)
};

// Writes DIR/document.json and DIR/masks.nii.gz (creates DIR). Throws IoError naming the file.
void saveDocument(const std::string& dir, const DocumentInfo& info, const LabelVolume& masks);
// Reads a document; the masks are checked against `expected` (the loaded source's grid) when given,
// and a mismatch is an IoError naming both grids.
DocumentInfo readDocumentInfo(const std::string& dir);
LabelVolume readDocumentMasks(const std::string& dir, const Geometry* expected = nullptr);

// Recovery of unsaved masks, keyed by the source (path + series).
struct RecoveryEntry {
    std::string maskPath, infoPath;
    std::string savedAt;  // ISO 8601, local time
    DocumentInfo info;
};
std::string recoveryFolder();  // $XDG_DATA_HOME/ct-synthesis-workbench/recovery (or ~/.local/share/...)
void writeRecovery(const DocumentInfo& info, const LabelVolume& masks);
std::optional<RecoveryEntry> findRecovery(const std::string& sourcePath, const std::string& seriesId);
void discardRecovery(const std::string& sourcePath, const std::string& seriesId);

}  // namespace ctsw
