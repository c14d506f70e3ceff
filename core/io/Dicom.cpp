#include "io/Dicom.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dccodec.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "io/IoError.h"

namespace fs = std::filesystem;

namespace ctsw {

namespace {

void initDcmtkOnce() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Problems are reported by this library with file names; DCMTK's own log would only repeat them.
        OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
        DJDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
    });
}

std::string fmt(const char* f, double a) { char b[64]; std::snprintf(b, sizeof b, f, a); return b; }
std::string mm(double v) { return fmt("%.4g mm", v); }
std::string fileName(const std::string& p) { return fs::path(p).filename().string(); }

std::string getString(DcmItem* ds, const DcmTagKey& tag) {
    OFString s;
    if (ds->findAndGetOFStringArray(tag, s).good()) {
        std::string r = s.c_str();
        while (!r.empty() && (r.back() == ' ' || r.back() == '\0')) r.pop_back();
        return r;
    }
    return {};
}

bool getDoubles(DcmDataset* ds, const DcmTagKey& tag, double* out, int n) {
    for (int i = 0; i < n; ++i) {
        Float64 v = 0;
        if (!ds->findAndGetFloat64(tag, v, static_cast<unsigned long>(i)).good()) return false;
        out[i] = v;
    }
    return true;
}

int getInt(DcmDataset* ds, const DcmTagKey& tag, int fallback) {
    Sint32 v = 0;
    if (ds->findAndGetSint32(tag, v).good()) return v;
    Uint16 u = 0;
    if (ds->findAndGetUint16(tag, u).good()) return u;
    std::string s = getString(ds, tag);
    if (!s.empty()) {
        try { return std::stoi(s); } catch (...) {}
    }
    return fallback;
}

bool hasDicomPreamble(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    char magic[4] = {0, 0, 0, 0};
    bool ok = std::fseek(f, 128, SEEK_SET) == 0 && std::fread(magic, 1, 4, f) == 4 && std::memcmp(magic, "DICM", 4) == 0;
    std::fclose(f);
    return ok;
}

// Larger than any CT image (512 or 1024 square); a bigger header is corrupt.
constexpr int kMaxDicomSide = 8192;

// Reads the header of one file. Returns false with a reason for files that are not single-frame images.
bool readHeader(const std::string& path, DicomSliceHeader& h, std::string& reason) {
    DcmFileFormat file;
    // The default maximum read length leaves large values (pixel data) on disk until they are used.
    OFCondition st = file.loadFile(path.c_str());
    if (st.bad()) {
        reason = hasDicomPreamble(path) ? std::string("truncated or corrupt DICOM file (") + st.text() + ")" : "not a DICOM file";
        return false;
    }
    DcmDataset* ds = file.getDataset();
    DcmMetaInfo* meta = file.getMetaInfo();
    std::string sopClass = getString(ds, DCM_SOPClassUID);
    if (sopClass == UID_MediaStorageDirectoryStorage || (meta && getString(meta, DCM_MediaStorageSOPClassUID) == UID_MediaStorageDirectoryStorage)) {
        reason = "DICOMDIR (a directory index, not an image)";
        return false;
    }
    if (!ds->tagExists(DCM_PixelData)) {
        if (ds->card() == 0 || (sopClass.empty() && getString(ds, DCM_Modality).empty())) {
            reason = "not a DICOM file";
        } else {
            reason = "DICOM without pixel data (SOP class " + (sopClass.empty() ? std::string("unknown") : sopClass) + ")";
        }
        return false;
    }
    h.path = path;
    h.seriesUid = getString(ds, DCM_SeriesInstanceUID);
    h.modality = getString(ds, DCM_Modality);
    h.seriesDescription = getString(ds, DCM_SeriesDescription);
    h.manufacturer = getString(ds, DCM_Manufacturer);
    h.rows = getInt(ds, DCM_Rows, 0);
    h.columns = getInt(ds, DCM_Columns, 0);
    h.bitsAllocated = getInt(ds, DCM_BitsAllocated, 0);
    h.frames = getInt(ds, DCM_NumberOfFrames, 1);
    h.samplesPerPixel = getInt(ds, DCM_SamplesPerPixel, 1);
    h.photometric = getString(ds, DCM_PhotometricInterpretation);
    h.instanceNumber = getInt(ds, DCM_InstanceNumber, 0);
    h.hasPosition = getDoubles(ds, DCM_ImagePositionPatient, h.position.data(), 3);
    h.hasOrientation = getDoubles(ds, DCM_ImageOrientationPatient, h.orientation.data(), 6);
    double ps[2] = {0, 0};
    if (getDoubles(ds, DCM_PixelSpacing, ps, 2)) { h.spacingY = ps[0]; h.spacingX = ps[1]; }
    getDoubles(ds, DCM_SliceThickness, &h.sliceThickness, 1);
    getDoubles(ds, DCM_GantryDetectorTilt, &h.gantryTilt, 1);

    E_TransferSyntax xfer = ds->getOriginalXfer();
    DcmXfer x(xfer);
    h.transferSyntaxUid = x.getXferID();
    h.transferSyntaxName = x.getXferName();
    if (x.isEncapsulated()) h.decodable = DcmCodecList::canChangeCoding(xfer, EXS_LittleEndianExplicit);
    if (h.seriesUid.empty()) h.seriesUid = "(no SeriesInstanceUID)";
    if (h.rows <= 0 || h.columns <= 0) {
        reason = "image without Rows/Columns";
        return false;
    }
    // Sizes and geometry from the header are checked before anything is allocated or sorted by them.
    if (h.rows > kMaxDicomSide || h.columns > kMaxDicomSide) {
        reason = "Rows/Columns " + std::to_string(h.rows) + "x" + std::to_string(h.columns) + " larger than any CT image (a corrupt header?)";
        return false;
    }
    auto finite = [](const double* v, int n) {
        for (int i = 0; i < n; ++i)
            if (!std::isfinite(v[i])) return false;
        return true;
    };
    if (!finite(h.position.data(), 3) || !finite(h.orientation.data(), 6) || !std::isfinite(h.spacingX) || !std::isfinite(h.spacingY) ||
        !std::isfinite(h.sliceThickness) || !std::isfinite(h.gantryTilt)) {
        reason = "position, orientation, spacing, thickness or tilt is not a finite number (a corrupt header)";
        return false;
    }
    if (!x.isEncapsulated() && (h.bitsAllocated == 8 || h.bitsAllocated == 16)) {
        DcmElement* pixels = nullptr;
        if (ds->findAndGetElement(DCM_PixelData, pixels).good() && pixels) {
            const std::uint64_t needed = static_cast<std::uint64_t>(h.rows) * static_cast<std::uint64_t>(h.columns) *
                                         static_cast<std::uint64_t>(std::max(1, h.samplesPerPixel)) * static_cast<std::uint64_t>(h.bitsAllocated / 8);
            const std::uint64_t held = pixels->getLength();
            if (held < needed) {
                reason = "truncated pixel data: Rows x Columns " + std::to_string(h.columns) + "x" + std::to_string(h.rows) + " need " + std::to_string(needed) +
                         " bytes, the file holds " + std::to_string(held);
                return false;
            }
        }
    }
    return true;
}

std::string groupKey(const DicomSliceHeader& h) {
    char buf[160];
    auto r = [](double v) { return std::round(v * 1000.0) / 1000.0 + 0.0; };
    std::snprintf(buf, sizeof buf, "%dx%d|%.3f,%.3f,%.3f,%.3f,%.3f,%.3f", h.columns, h.rows,
                  r(h.orientation[0]), r(h.orientation[1]), r(h.orientation[2]),
                  r(h.orientation[3]), r(h.orientation[4]), r(h.orientation[5]));
    return buf;
}

void buildGeometryAndWarnings(DicomSeries& s) {
    const DicomSliceHeader& first = s.slices.front();
    s.rows = first.rows;
    s.columns = first.columns;
    s.modality = first.modality;
    s.description = first.seriesDescription;
    s.manufacturer = first.manufacturer;

    if (!s.modality.empty() && s.modality != "CT")
        s.warnings.push_back("modality is " + s.modality + ", not CT: values may not be Hounsfield units");
    if (s.modality.empty()) s.warnings.push_back("no Modality in " + fileName(first.path) + ": treated as CT");

    for (const auto& h : s.slices) {
        if (h.frames > 1) { s.notLoadable = fileName(h.path) + " is a multi-frame image (" + std::to_string(h.frames) + " frames), which this workbench does not read"; break; }
        if (h.samplesPerPixel != 1 || (h.photometric != "MONOCHROME2" && h.photometric != "MONOCHROME1")) {
            s.notLoadable = fileName(h.path) + " is not a greyscale image (PhotometricInterpretation " + h.photometric + ")";
            break;
        }
        if (h.bitsAllocated != 8 && h.bitsAllocated != 16) { s.notLoadable = fileName(h.path) + ": BitsAllocated " + std::to_string(h.bitsAllocated) + " is not supported (8 or 16)"; break; }
        if (!h.decodable) {
            s.notLoadable = fileName(h.path) + ": transfer syntax " + h.transferSyntaxName + " (" + h.transferSyntaxUid +
                            ") cannot be decoded by this build; it decodes " + supportedCompressedSyntaxes();
            break;
        }
    }

    Vec3 rowDir{1, 0, 0}, colDir{0, 1, 0};
    if (first.hasOrientation) {
        rowDir = {first.orientation[0], first.orientation[1], first.orientation[2]};
        colDir = {first.orientation[3], first.orientation[4], first.orientation[5]};
    } else {
        s.warnings.push_back("ImageOrientationPatient missing in " + fileName(first.path) + ": axial orientation assumed");
    }
    Vec3 normal = cross(rowDir, colDir);
    double n = norm(normal);
    if (n > 0) for (double& c : normal) c /= n;

    bool allPositions = std::all_of(s.slices.begin(), s.slices.end(), [](const DicomSliceHeader& h) { return h.hasPosition; });
    if (!allPositions) {
        auto missing = std::find_if(s.slices.begin(), s.slices.end(), [](const DicomSliceHeader& h) { return !h.hasPosition; });
        if (s.slices.size() > 1 && s.notLoadable.empty())
            s.notLoadable = "ImagePositionPatient missing in " + fileName(missing->path) + ": the slices cannot be ordered by position";
        else
            s.warnings.push_back("ImagePositionPatient missing in " + fileName(missing->path) + ": origin (0, 0, 0) assumed");
    }
    for (auto& h : s.slices) h.distance = dot(h.position, normal);
    std::stable_sort(s.slices.begin(), s.slices.end(), [](const DicomSliceHeader& a, const DicomSliceHeader& b) { return a.distance < b.distance; });

    Geometry& g = s.geometry;
    g.size = {s.columns, s.rows, static_cast<int>(s.slices.size())};
    g.spacing = {first.spacingX > 0 ? first.spacingX : 1.0, first.spacingY > 0 ? first.spacingY : 1.0, 1.0};
    if (first.spacingX <= 0) s.warnings.push_back("PixelSpacing missing in " + fileName(first.path) + ": 1 mm assumed");
    for (int r = 0; r < 3; ++r) {
        g.direction[r * 3 + 0] = rowDir[r];
        g.direction[r * 3 + 1] = colDir[r];
        g.direction[r * 3 + 2] = normal[r];
    }
    g.origin = s.slices.front().position;

    // Spacing along the normal: the median step, then every step that disagrees is named.
    std::vector<double> steps;
    for (std::size_t i = 1; i < s.slices.size(); ++i) steps.push_back(s.slices[i].distance - s.slices[i - 1].distance);
    if (steps.empty()) {
        g.spacing[2] = first.sliceThickness > 0 ? first.sliceThickness : 1.0;
    } else {
        std::vector<double> sorted = steps;
        std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
        double median = sorted[sorted.size() / 2];
        g.spacing[2] = median > 1e-6 ? median : (first.sliceThickness > 0 ? first.sliceThickness : 1.0);
        int reported = 0, irregular = 0;
        for (std::size_t i = 0; i < steps.size(); ++i) {
            const auto& a = s.slices[i];
            const auto& b = s.slices[i + 1];
            if (steps[i] < 0.01) {
                s.warnings.push_back("duplicate position " + fmt("%.4g", b.distance) + " mm along the normal in " + fileName(a.path) + " and " + fileName(b.path));
                continue;
            }
            double tol = std::max(0.05 * g.spacing[2], 0.01);
            if (std::fabs(steps[i] - g.spacing[2]) > tol) {
                ++irregular;
                if (reported++ < 8) {
                    std::string kind = steps[i] > 1.5 * g.spacing[2] ? "gap" : "irregular slice spacing";
                    s.warnings.push_back(kind + ": expected " + mm(g.spacing[2]) + ", found " + mm(steps[i]) + " between " +
                                         fileName(a.path) + " and " + fileName(b.path));
                }
            }
        }
        if (irregular > reported) s.warnings.push_back("... and " + std::to_string(irregular - reported) + " more irregular steps");
    }

    for (const auto& h : s.slices) {
        if (std::fabs(h.gantryTilt) > 0.01) {
            s.warnings.push_back("gantry tilt " + fmt("%.3g", h.gantryTilt) + " degrees (GantryDetectorTilt in " + fileName(h.path) + ")");
            break;
        }
    }
    if (s.slices.size() > 1 && allPositions) {
        Vec3 stack{0, 0, 0};
        for (int r = 0; r < 3; ++r) stack[r] = s.slices.back().position[r] - s.slices.front().position[r];
        double len = norm(stack);
        if (len > 1e-6) {
            double cosAngle = std::min(1.0, std::fabs(dot(stack, normal)) / len);
            double angle = std::acos(cosAngle) * 180.0 / M_PI;
            if (angle > 0.5)
                s.warnings.push_back("slices are sheared: they stack " + fmt("%.3g", angle) +
                                     " degrees away from the slice normal (tilted gantry); the volume places them along the normal");
        }
    }
    std::map<double, int> thicknesses;
    for (const auto& h : s.slices) if (h.sliceThickness > 0) ++thicknesses[std::round(h.sliceThickness * 100) / 100];
    if (thicknesses.size() > 1) {
        std::string list;
        for (const auto& [t, c] : thicknesses) list += (list.empty() ? "" : ", ") + mm(t) + " (" + std::to_string(c) + " files)";
        s.warnings.push_back("mixed SliceThickness: " + list);
    }
}

template <typename F>
void parallelFor(std::size_t count, F&& body) {
    unsigned threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, count));
    if (threads <= 1) { for (std::size_t i = 0; i < count; ++i) body(i); return; }
    std::vector<std::thread> pool;
    std::atomic<std::size_t> next{0};
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (std::size_t i = next++; i < count; i = next++) body(i);
        });
    for (auto& th : pool) th.join();
}

}  // namespace

std::string supportedCompressedSyntaxes() { return "RLE Lossless, JPEG (baseline, extended, lossless) and JPEG-LS"; }

const DicomSeries* DicomScan::find(const std::string& key) const {
    for (const auto& s : series) if (s.id == key) return &s;
    const DicomSeries* byUid = nullptr;
    for (const auto& s : series) if (s.uid == key) { if (byUid) return nullptr; byUid = &s; }
    return byUid;
}

DicomScan scanDicom(const std::vector<std::string>& paths, const JobContext& job) {
    initDcmtkOnce();
    std::vector<std::string> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            for (fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end; it != end; it.increment(ec)) {
                if (ec) break;
                if (it->is_regular_file(ec)) files.push_back(it->path().string());
            }
        } else if (fs::is_regular_file(p, ec)) {
            files.push_back(p);
        } else {
            throw IoError(p, "no such file or folder");
        }
    }
    std::sort(files.begin(), files.end());

    DicomScan scan;
    std::vector<DicomSliceHeader> headers(files.size());
    std::vector<std::string> reasons(files.size());
    std::vector<char> ok(files.size(), 0);
    std::atomic<std::size_t> done{0};
    std::mutex reportMutex;
    parallelFor(files.size(), [&](std::size_t i) {
        if (job.cancel && job.cancel->isCancelled()) return;
        ok[i] = readHeader(files[i], headers[i], reasons[i]);
        std::size_t d = ++done;
        std::lock_guard<std::mutex> lock(reportMutex);
        job.report(static_cast<double>(d) / files.size(), "Reading headers " + std::to_string(d) + "/" + std::to_string(files.size()));
    });
    job.checkCancelled();

    std::map<std::string, std::map<std::string, std::vector<DicomSliceHeader>>> groups;
    std::vector<std::string> uidOrder;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!ok[i]) { scan.skipped.push_back({files[i], reasons[i]}); continue; }
        auto& byKey = groups[headers[i].seriesUid];
        if (byKey.empty()) uidOrder.push_back(headers[i].seriesUid);
        byKey[groupKey(headers[i])].push_back(std::move(headers[i]));
    }
    for (const auto& uid : uidOrder) {
        auto& parts = groups[uid];
        int partIndex = 0;
        std::string splitNote;
        if (parts.size() > 1) {
            splitNote = "series " + uid + " mixes " + std::to_string(parts.size()) + " image sizes or orientations; split into parts:";
            for (const auto& [key, slices] : parts)
                splitNote += " " + std::to_string(slices.front().columns) + "x" + std::to_string(slices.front().rows) +
                             " (" + std::to_string(slices.size()) + " files, first " + fileName(slices.front().path) + ")";
        }
        for (auto& [key, slices] : parts) {
            DicomSeries s;
            s.uid = uid;
            s.id = parts.size() > 1 ? uid + ".part" + std::to_string(++partIndex) : uid;
            s.slices = std::move(slices);
            if (!splitNote.empty()) s.warnings.push_back(splitNote);
            buildGeometryAndWarnings(s);
            scan.series.push_back(std::move(s));
        }
    }
    return scan;
}

namespace {

// Decodes one file's pixels into HU.
void readSlicePixels(const DicomSliceHeader& h, int columns, int rows, float* out) {
    DcmFileFormat file;
    OFCondition st = file.loadFile(h.path.c_str());
    if (st.bad()) throw IoError(h.path, std::string("cannot read DICOM: ") + st.text());
    DcmDataset* ds = file.getDataset();
    if (DcmXfer(ds->getOriginalXfer()).isEncapsulated()) {
        st = ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
        if (st.bad() || !ds->canWriteXfer(EXS_LittleEndianExplicit))
            throw IoError(h.path, "cannot decode compressed pixel data (" + h.transferSyntaxName + "): " + st.text());
    }
    const int bitsAllocated = getInt(ds, DCM_BitsAllocated, 16);
    const int bitsStored = getInt(ds, DCM_BitsStored, bitsAllocated);
    const int highBit = getInt(ds, DCM_HighBit, bitsStored - 1);
    if (bitsAllocated != 8 && bitsAllocated != 16) throw IoError(h.path, "BitsAllocated " + std::to_string(bitsAllocated) + " is not supported (8 or 16)");
    if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated)
        throw IoError(h.path, "inconsistent BitsStored " + std::to_string(bitsStored) + " / HighBit " + std::to_string(highBit) + " for BitsAllocated " +
                                  std::to_string(bitsAllocated));
    const bool isSigned = getInt(ds, DCM_PixelRepresentation, 0) == 1;
    double slope = 1.0, intercept = 0.0;
    getDoubles(ds, DCM_RescaleSlope, &slope, 1);
    getDoubles(ds, DCM_RescaleIntercept, &intercept, 1);
    const bool inverted = h.photometric == "MONOCHROME1";
    if (getInt(ds, DCM_Rows, 0) != rows || getInt(ds, DCM_Columns, 0) != columns)
        throw IoError(h.path, "image size changed between scan and read");

    const std::size_t count = static_cast<std::size_t>(rows) * columns;
    const int shift = std::max(0, highBit + 1 - bitsStored);
    const std::uint32_t mask = bitsStored >= 32 ? 0xFFFFFFFFu : ((1u << bitsStored) - 1u);
    const std::int32_t signBit = bitsStored >= 32 ? 0 : (1 << (bitsStored - 1));
    auto toHu = [&](std::uint32_t raw) {
        std::uint32_t v = (raw >> shift) & mask;
        std::int32_t value = static_cast<std::int32_t>(v);
        if (isSigned && (value & signBit)) value -= (signBit << 1);
        if (inverted) value = static_cast<std::int32_t>(mask) - value;  // MONOCHROME1: high values dark
        return static_cast<float>(value * slope + intercept);
    };
    unsigned long length = 0;
    if (bitsAllocated == 16) {
        const Uint16* px = nullptr;
        st = ds->findAndGetUint16Array(DCM_PixelData, px, &length);
        if (st.bad() || !px) throw IoError(h.path, std::string("pixel data unreadable (truncated file?): ") + st.text());
        if (length < count) throw IoError(h.path, "pixel data holds " + std::to_string(length) + " values, expected " + std::to_string(count) + " (truncated file?)");
        for (std::size_t i = 0; i < count; ++i) out[i] = toHu(px[i]);
    } else {
        const Uint8* px = nullptr;
        st = ds->findAndGetUint8Array(DCM_PixelData, px, &length);
        if (st.bad() || !px) throw IoError(h.path, std::string("pixel data unreadable (truncated file?): ") + st.text());
        if (length < count) throw IoError(h.path, "pixel data holds " + std::to_string(length) + " bytes, expected " + std::to_string(count) + " (truncated file?)");
        for (std::size_t i = 0; i < count; ++i) out[i] = toHu(px[i]);
    }
    for (std::size_t i = 0; i < count; ++i)
        if (!std::isfinite(out[i])) throw IoError(h.path, "RescaleSlope/Intercept give non-finite values");
}

}  // namespace

CtVolume readDicomSeries(const DicomSeries& series, const JobContext& job) {
    initDcmtkOnce();
    if (!series.notLoadable.empty()) throw IoError(series.slices.empty() ? series.id : series.slices.front().path, series.notLoadable);
    if (series.slices.empty()) throw IoError(series.id, "series has no slices");
    // 2^30 voxels (4 GiB as float), as for NIfTI: a 1024-square series of 1024 slices.
    const double voxels = static_cast<double>(series.rows) * series.columns * static_cast<double>(series.slices.size());
    if (voxels > 1073741824.0)
        throw IoError(series.slices.front().path, "series of " + std::to_string(series.columns) + "x" + std::to_string(series.rows) + "x" +
                                                      std::to_string(series.slices.size()) + " voxels is larger than this product reads (2^30 voxels)");
    CtVolume volume(series.geometry);
    const std::size_t sliceVoxels = static_cast<std::size_t>(series.rows) * series.columns;
    std::mutex errorMutex;
    std::string errorPath, errorText;
    std::atomic<std::size_t> done{0};
    parallelFor(series.slices.size(), [&](std::size_t z) {
        if (job.cancel && job.cancel->isCancelled()) return;
        {
            std::lock_guard<std::mutex> lock(errorMutex);
            if (!errorPath.empty()) return;
        }
        try {
            readSlicePixels(series.slices[z], series.columns, series.rows, volume.voxels().data() + z * sliceVoxels);
        } catch (const IoError& e) {
            std::lock_guard<std::mutex> lock(errorMutex);
            if (errorPath.empty()) { errorPath = e.path(); errorText = e.problem(); }
        } catch (const std::exception& e) {
            std::lock_guard<std::mutex> lock(errorMutex);
            if (errorPath.empty()) { errorPath = series.slices[z].path; errorText = e.what(); }
        }
        std::size_t d = ++done;
        std::lock_guard<std::mutex> lock(errorMutex);
        job.report(static_cast<double>(d) / series.slices.size(), "Reading slice " + std::to_string(d) + "/" + std::to_string(series.slices.size()));
    });
    job.checkCancelled();
    if (!errorPath.empty()) throw IoError(errorPath, errorText);
    return toDisplayOrientation(volume);
}

}  // namespace ctsw
