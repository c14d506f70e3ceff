#include "io/Document.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "image/Labels.h"
#include "io/AtomicWrite.h"
#include "io/Fnv.h"
#include "io/ImageFiles.h"
#include "io/IoError.h"

namespace fs = std::filesystem;

namespace ctsw {

namespace {

Json infoToJson(const DocumentInfo& info) {
    Json j = Json::object();
    j.set("format", "ct-synthesis-workbench-document");
    j.set("version", 1);
    j.set("source", info.sourcePath);
    j.set("series", info.seriesId);
    j.set("training_slice", info.trainingSlice);
    Json w = Json::object();
    w.set("width", info.windowWidth);
    w.set("level", info.windowLevel);
    j.set("window", w);
    j.set("masks", "masks.nii.gz");
    j.set("labels", "0 background, 1 lung, 2 infection");
    j.set("extra", info.extra);
    return j;
}

DocumentInfo infoFromJson(const Json& j, const std::string& path) {
    if (j.stringOr("format", "") != "ct-synthesis-workbench-document") throw IoError(path, "not a workbench document");
    DocumentInfo info;
    info.sourcePath = j.stringOr("source", "");
    info.seriesId = j.stringOr("series", "");
    info.trainingSlice = static_cast<int>(j.numberOr("training_slice", -1));
    if (const Json* w = j.find("window")) {
        info.windowWidth = w->numberOr("width", 1500);
        info.windowLevel = w->numberOr("level", -600);
    }
    if (const Json* e = j.find("extra")) info.extra = *e;
    return info;
}

std::string keyFor(const std::string& source, const std::string& series) {
    // FNV-1a of the absolute source path and series: a stable, file-name-safe key.
    std::string s = fs::absolute(source).lexically_normal().string() + "|" + series;
    return hashHex(fnv1a64(s));
}

std::string nowIso() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::localtime(&t));
    return buf;
}

}  // namespace

void saveDocument(const std::string& dir, const DocumentInfo& info, const LabelVolume& masks) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir)) throw IoError(dir, "cannot create the document folder");
    removeStaleTemporaries(dir);
    writeNiftiLabels(masks, (fs::path(dir) / "masks.nii.gz").string());
    writeTextAtomically((fs::path(dir) / "document.json").string(), infoToJson(info).dump(2) + "\n");
}

DocumentInfo readDocumentInfo(const std::string& dir) {
    const std::string path = (fs::path(dir) / "document.json").string();
    if (!fs::is_regular_file(path)) throw IoError(dir, "not a workbench document (no document.json)");
    try {
        return infoFromJson(readJsonFile(path), path);
    } catch (const JsonError& e) {
        throw IoError(path, e.what());
    }
}

LabelVolume readDocumentMasks(const std::string& dir, const Geometry* expected) {
    const std::string path = (fs::path(dir) / "masks.nii.gz").string();
    LabelVolume masks = readNiftiLabels(path, LabelMapping::named("identity"));
    if (expected && !masks.geometry().sameGrid(*expected))
        throw IoError(path, "mask grid (" + masks.geometry().describe() + ") differs from the image (" + expected->describe() + ")");
    return masks;
}

std::string recoveryFolder() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    const char* home = std::getenv("HOME");
    fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : "/tmp") / ".local" / "share";
    return (base / "ct-synthesis-workbench" / "recovery").string();
}

void writeRecovery(const DocumentInfo& info, const LabelVolume& masks) {
    const fs::path dir = recoveryFolder();
    fs::create_directories(dir);
    removeStaleTemporaries(dir.string());
    const std::string key = keyFor(info.sourcePath, info.seriesId);
    writeNiftiLabels(masks, (dir / (key + ".nii.gz")).string());
    Json j = infoToJson(info);
    j.set("saved_at", nowIso());
    writeTextAtomically((dir / (key + ".json")).string(), j.dump(2) + "\n");
}

std::optional<RecoveryEntry> findRecovery(const std::string& source, const std::string& series) {
    const fs::path dir = recoveryFolder();
    const std::string key = keyFor(source, series);
    RecoveryEntry e;
    e.maskPath = (dir / (key + ".nii.gz")).string();
    e.infoPath = (dir / (key + ".json")).string();
    if (!fs::is_regular_file(e.maskPath) || !fs::is_regular_file(e.infoPath)) return std::nullopt;
    try {
        Json j = readJsonFile(e.infoPath);
        e.info = infoFromJson(j, e.infoPath);
        e.savedAt = j.stringOr("saved_at", "");
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return e;
}

void discardRecovery(const std::string& source, const std::string& series) {
    const fs::path dir = recoveryFolder();
    const std::string key = keyFor(source, series);
    std::error_code ec;
    fs::remove(dir / (key + ".nii.gz"), ec);
    fs::remove(dir / (key + ".json"), ec);
}

}  // namespace ctsw
