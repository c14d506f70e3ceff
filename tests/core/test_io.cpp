// core/io: DICOM series, NIfTI, PNG/JPEG/NPY on the real data in shared/data, and bad input.
// Suites named *Data use the real data and skip when it is absent; the others make their own files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "image/Labels.h"
#include "image/Orientation2D.h"
#include "image/Volume.h"
#include "io/Dicom.h"
#include "io/ImageFiles.h"
#include "io/ImageSource.h"
#include "io/IoError.h"
#include "io/MaskLists.h"
#include "io/Npy.h"
#include "json/Json.h"
#include "jobs/Progress.h"
#include "../support/TestSupport.h"

using namespace ctsw;
using ctsw::test::TempDir;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

bool anyContains(const std::vector<std::string>& lines, const std::string& needle) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return contains(l, needle); });
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += "\n  " + l;
    return out;
}

// Runs `f`, which must throw IoError; returns the error's message ("" and a test failure otherwise).
std::string ioErrorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const IoError& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected IoError, got another exception: " << e.what();
        return {};
    }
    ADD_FAILURE() << "expected IoError, nothing was thrown";
    return {};
}

void copyPrefix(const std::string& from, const std::string& to, std::size_t bytes) {
    std::string content = ctsw::test::readFile(from);
    ASSERT_GT(content.size(), bytes) << from << " is smaller than the prefix";
    ctsw::test::writeFile(to, content.substr(0, bytes));
}

class RecordingProgress : public ProgressSink {
public:
    void report(double fraction, const std::string&) override { fractions.push_back(fraction); }
    std::vector<double> fractions;
};

// The named file in `dir` and nothing else (atomic writers leave no temporary files behind).
void expectOnlyFiles(const fs::path& dir, std::set<std::string> expected) {
    std::set<std::string> found;
    for (const auto& e : fs::directory_iterator(dir)) found.insert(e.path().filename().string());
    EXPECT_EQ(found, expected);
}

Geometry smallGeometry() {
    Geometry g;
    g.size = {5, 4, 3};
    g.spacing = {0.8, 0.9, 2.5};
    g.origin = {-12.5, 40.25, -7.0};
    return g;
}

class DataTest : public ::testing::Test {
protected:
    void SetUp() override {
        data_ = ctsw::test::dataDir();
        if (data_.empty()) GTEST_SKIP() << "real data folder " << CTSW_DATA_DIR << " not found (see shared/data/README.md); skipping";
    }
    std::string path(const std::string& relative) const { return data_ + "/" + relative; }
    std::string data_;
};

const char* const kA0002 = "dicom/chest-ct-A0002";
const char* const kA0001 = "dicom/chest-ct-A0001-implicit-vr";
const char* const kSlice110 = "covid19-ct-seg-slices/coronacases_001_image_slice_110.npy";
const char* const kMask110 = "covid19-ct-seg-slices/coronacases_001_masks_slice_110.npy";

}  // namespace

// ---------------------------------------------------------------------------------------------- DICOM

class DicomData : public DataTest {};

TEST_F(DicomData, A0002IsSortedByPositionNotInstanceNumber) {
    const DicomScan scan = scanDicom({path(kA0002)});
    ASSERT_EQ(scan.series.size(), 1u);
    EXPECT_TRUE(scan.skipped.empty());
    const DicomSeries& s = scan.series[0];
    ASSERT_EQ(s.slices.size(), 30u);
    EXPECT_EQ(s.modality, "CT");
    EXPECT_TRUE(contains(s.manufacturer, "SIEMENS")) << s.manufacturer;
    EXPECT_TRUE(s.notLoadable.empty()) << s.notLoadable;
    EXPECT_TRUE(s.warnings.empty()) << joined(s.warnings);
    EXPECT_EQ(s.rows, 512);
    EXPECT_EQ(s.columns, 512);
    EXPECT_DOUBLE_EQ(s.slices.front().position[2], 80.0);
    EXPECT_DOUBLE_EQ(s.slices.back().position[2], 312.0);
    for (std::size_t i = 1; i < s.slices.size(); ++i)
        EXPECT_DOUBLE_EQ(s.slices[i].position[2] - s.slices[i - 1].position[2], 8.0) << "between slices " << i - 1 << " and " << i;
    // InstanceNumber runs the other way: instance 30 is at z = 80, instance 1 at z = 312.
    EXPECT_EQ(s.slices.front().instanceNumber, 30);
    EXPECT_EQ(s.slices.back().instanceNumber, 1);
    EXPECT_EQ(fs::path(s.slices.front().path).filename(), "1-30.dcm");
    EXPECT_EQ(s.geometry.size, (std::array<int, 3>{512, 512, 30}));
    EXPECT_DOUBLE_EQ(s.geometry.spacing[0], 0.646484375);
    EXPECT_DOUBLE_EQ(s.geometry.spacing[1], 0.646484375);
    EXPECT_DOUBLE_EQ(s.geometry.spacing[2], 8.0);
    EXPECT_DOUBLE_EQ(s.geometry.origin[2], 80.0);
    for (int i = 0; i < 9; ++i) EXPECT_DOUBLE_EQ(s.geometry.direction[i], i % 4 == 0 ? 1.0 : 0.0);
    EXPECT_EQ(scan.find(s.uid), &scan.series[0]);
    EXPECT_EQ(scan.find("1.2.3.nope"), nullptr);
}

TEST_F(DicomData, A0002ReadsHuVolumeInPositionOrder) {
    const DicomScan scan = scanDicom({path(kA0002)});
    ASSERT_EQ(scan.series.size(), 1u);
    RecordingProgress progress;
    JobContext job;
    job.progress = &progress;
    const CtVolume v = readDicomSeries(scan.series[0], job);
    EXPECT_EQ(v.geometry().size, (std::array<int, 3>{512, 512, 30}));
    EXPECT_DOUBLE_EQ(v.geometry().spacing[0], 0.646484375);
    EXPECT_DOUBLE_EQ(v.geometry().spacing[1], 0.646484375);
    EXPECT_DOUBLE_EQ(v.geometry().spacing[2], 8.0);
    EXPECT_DOUBLE_EQ(v.geometry().origin[2], 80.0);
    EXPECT_DOUBLE_EQ(v.geometry().indexToPhysical(0, 0, 29)[2], 312.0);
    const Range r = valueRange(v.voxels());
    EXPECT_EQ(r.min, -1024.0f);
    EXPECT_EQ(r.max, 1548.0f);
    ASSERT_FALSE(progress.fractions.empty());
    EXPECT_DOUBLE_EQ(progress.fractions.back(), 1.0);

    // Slice 0 holds the pixels of 1-30.dcm (z = 80) and slice 29 those of 1-01.dcm (z = 312).
    for (const auto& [file, z] : std::vector<std::pair<std::string, int>>{{"1-30.dcm", 0}, {"1-01.dcm", 29}, {"1-15.dcm", 15}}) {
        const DicomScan one = scanDicom({path(kA0002) + "/" + file});
        ASSERT_EQ(one.series.size(), 1u);
        ASSERT_EQ(one.series[0].slices.size(), 1u);
        const CtVolume single = readDicomSeries(one.series[0]);
        ASSERT_EQ(single.depth(), 1);
        EXPECT_DOUBLE_EQ(single.geometry().origin[2], v.geometry().indexToPhysical(0, 0, z)[2]) << file;
        EXPECT_TRUE(std::equal(single.voxels().begin(), single.voxels().end(), v.slicePointer(z))) << file << " is not slice " << z;
    }
    // Air outside the body in a corner, soft tissue/blood somewhere in the middle of a mid slice.
    EXPECT_LT(v.at(5, 5, 15), -900.0f);
    const float centre = v.at(256, 256, 15);
    EXPECT_GT(centre, -200.0f);
    EXPECT_LT(centre, 300.0f);
}

TEST_F(DicomData, A0001ImplicitVrPhilips) {
    const DicomScan scan = scanDicom({path(kA0001)});
    ASSERT_EQ(scan.series.size(), 1u);
    const DicomSeries& s = scan.series[0];
    ASSERT_EQ(s.slices.size(), 10u);
    EXPECT_TRUE(contains(s.manufacturer, "Philips")) << s.manufacturer;
    EXPECT_TRUE(contains(s.slices[0].transferSyntaxName, "Implicit")) << s.slices[0].transferSyntaxName;
    EXPECT_EQ(s.slices[0].transferSyntaxUid, "1.2.840.10008.1.2");
    EXPECT_DOUBLE_EQ(s.geometry.spacing[2], 5.0);
    EXPECT_DOUBLE_EQ(s.geometry.spacing[0], 0.841796875);
    EXPECT_DOUBLE_EQ(s.slices.front().position[2], -319.0);
    EXPECT_DOUBLE_EQ(s.slices.back().position[2], -274.0);
    EXPECT_TRUE(s.warnings.empty()) << joined(s.warnings);
    const CtVolume v = readDicomSeries(s);
    EXPECT_EQ(v.depth(), 10);
    const Range r = valueRange(v.voxels());
    EXPECT_EQ(r.min, -1024.0f);
    EXPECT_EQ(r.max, 2452.0f);
}

TEST_F(DicomData, Ct2GapIsReported) {
    const DicomScan scan = scanDicom({path("dicom/pydicom-testfiles/CT2_series")});
    ASSERT_EQ(scan.series.size(), 1u);
    const DicomSeries& s = scan.series[0];
    EXPECT_EQ(s.slices.size(), 4u);
    EXPECT_NEAR(s.slices.front().position[2], -99.48, 1e-4);
    bool found = false;
    for (const auto& w : s.warnings) found = found || (contains(w, "gap") && contains(w, "202.5"));
    EXPECT_TRUE(found) << "no gap warning naming 202.5 mm:" << joined(s.warnings);
    EXPECT_NEAR(s.geometry.spacing[2], 1.25, 1e-6);
}

TEST_F(DicomData, GantryTiltAndIrregularSpacingAreReported) {
    const DicomScan scan = scanDicom({path("dicom/head-ct-gantry-tilt")});
    ASSERT_EQ(scan.series.size(), 1u);
    const DicomSeries& s = scan.series[0];
    EXPECT_EQ(s.slices.size(), 10u);
    EXPECT_TRUE(anyContains(s.warnings, "gantry tilt")) << joined(s.warnings);
    EXPECT_TRUE(anyContains(s.warnings, "18.5")) << joined(s.warnings);
    EXPECT_TRUE(anyContains(s.warnings, "irregular")) << joined(s.warnings);
    EXPECT_TRUE(anyContains(s.warnings, "mixed SliceThickness")) << joined(s.warnings);
    // The column direction is the IOP's second vector; the slice normal is tilted out of +z.
    EXPECT_NEAR(s.geometry.direction[4], 0.9483237, 1e-6);
    EXPECT_NEAR(s.geometry.direction[7], -0.3173047, 1e-6);
    EXPECT_NEAR(s.geometry.direction[5], 0.3173047, 1e-6);
    EXPECT_NEAR(s.geometry.spacing[2], 4.002, 2e-3);
    // The slice files 10..19 are in position order.
    for (std::size_t i = 0; i < s.slices.size(); ++i)
        EXPECT_EQ(fs::path(s.slices[i].path).filename(), std::to_string(10 + i) + ".dcm");
    // Stored values are HU already (rescale 1/0): -1500..1912.
    const CtVolume v = readDicomSeries(s);
    const Range r = valueRange(v.voxels());
    EXPECT_EQ(r.min, -1500.0f);
    EXPECT_EQ(r.max, 1912.0f);
}

TEST_F(DicomData, Ct5nFiveTinySlices) {
    const DicomScan scan = scanDicom({path("dicom/pydicom-testfiles/CT5N_series")});
    ASSERT_EQ(scan.series.size(), 1u);
    const DicomSeries& s = scan.series[0];
    ASSERT_EQ(s.slices.size(), 5u);
    EXPECT_TRUE(s.warnings.empty()) << joined(s.warnings);
    const double z[] = {-1.2375, 1.2625, 3.7625, 6.2625, 8.7625};
    for (int i = 0; i < 5; ++i) EXPECT_NEAR(s.slices[i].position[2], z[i], 1e-6) << "slice " << i;
    EXPECT_EQ(s.slices.front().instanceNumber, 10);
    EXPECT_EQ(s.slices.back().instanceNumber, 6);
    EXPECT_NEAR(s.geometry.spacing[2], 2.5, 1e-9);
    EXPECT_NEAR(s.geometry.spacing[0], 0.488281, 1e-6);
    const CtVolume v = readDicomSeries(s);
    EXPECT_EQ(v.geometry().size, (std::array<int, 3>{16, 16, 5}));
    const Range r = valueRange(v.voxels());
    // Rescale 1/-1024 applied to signed 16-bit values: integer HU, air to soft tissue. (-888..85 is what this
    // reader has always produced for these downsized images.)
    EXPECT_EQ(r.min, -888.0f);
    EXPECT_EQ(r.max, 85.0f);
    for (float hu : v.voxels()) ASSERT_EQ(hu, std::round(hu));
}

TEST_F(DicomData, PydicomFolderSplitsSeriesAndSkipsTextFiles) {
    const DicomScan scan = scanDicom({path("dicom/pydicom-testfiles")});
    ASSERT_EQ(scan.series.size(), 3u);
    std::multiset<std::size_t> counts;
    for (const auto& s : scan.series) counts.insert(s.slices.size());
    EXPECT_EQ(counts, (std::multiset<std::size_t>{1, 4, 5}));
    std::set<std::string> skippedNames;
    for (const auto& f : scan.skipped) {
        EXPECT_EQ(f.reason, "not a DICOM file") << f.path;
        skippedNames.insert(fs::path(f.path).filename().string());
    }
    EXPECT_EQ(skippedNames, (std::set<std::string>{"PROVENANCE.md", "README_pydicom_test_files.txt", "debian_copyright.txt"}));
}

TEST_F(DicomData, SingleFileUsesSliceThickness) {
    const DicomScan scan = scanDicom({path("dicom/pydicom-testfiles/CT_small.dcm")});
    ASSERT_EQ(scan.series.size(), 1u);
    const DicomSeries& s = scan.series[0];
    EXPECT_EQ(s.geometry.size, (std::array<int, 3>{128, 128, 1}));
    EXPECT_NEAR(s.geometry.spacing[0], 0.661468, 1e-6);
    EXPECT_DOUBLE_EQ(s.geometry.spacing[2], 5.0);
    EXPECT_EQ(readDicomSeries(s).voxels().size(), 128u * 128u);
}

TEST_F(DicomData, CancelledScanAndReadThrowCancelled) {
    CancelToken token;
    token.cancel();
    JobContext job;
    job.cancel = &token;
    EXPECT_THROW(scanDicom({path(kA0002)}, job), Cancelled);
    const DicomScan scan = scanDicom({path("dicom/pydicom-testfiles/CT5N_series")});
    ASSERT_EQ(scan.series.size(), 1u);
    EXPECT_THROW(readDicomSeries(scan.series[0], job), Cancelled);
}

TEST(DicomUnit, EmptyFolderHasNoSeries) {
    TempDir dir("ctsw-io");
    const DicomScan scan = scanDicom({dir.path().string()});
    EXPECT_TRUE(scan.series.empty());
    EXPECT_TRUE(scan.skipped.empty());
}

TEST(DicomUnit, TextFileIsSkippedAsNotDicom) {
    TempDir dir("ctsw-io");
    ctsw::test::writeFile(dir.file("notes.txt"), "these are not the slices you are looking for\n");
    fs::create_directory(dir.path() / "sub");
    ctsw::test::writeFile(dir.file("sub/empty.dcm"), "");
    const DicomScan scan = scanDicom({dir.path().string()});
    EXPECT_TRUE(scan.series.empty());
    ASSERT_EQ(scan.skipped.size(), 2u);
    std::map<std::string, std::string> reasons;
    for (const auto& f : scan.skipped) reasons[fs::path(f.path).filename().string()] = f.reason;
    EXPECT_EQ(reasons["notes.txt"], "not a DICOM file");
    EXPECT_EQ(reasons["empty.dcm"], "not a DICOM file");
    EXPECT_EQ(scan.skipped[0].path, dir.file("notes.txt"));
}

TEST(DicomUnit, MissingPathThrowsNamingIt) {
    const std::string missing = "/tmp/ctsw-no-such-folder-for-tests/x";
    const std::string msg = ioErrorOf([&] { scanDicom({missing}); });
    EXPECT_TRUE(contains(msg, missing)) << msg;
}

TEST(MaskListsUnit, AMasksImageIsFoundByItsNameWhateverTheExtension) {
    EXPECT_EQ(sliceFileStem("/a/b/29.nii.gz"), "29");
    EXPECT_EQ(sliceFileStem("slice.0010.PNG"), "slice.0010");
    EXPECT_EQ(sliceFileStem("notes.txt"), "notes.txt");  // not a slice file: the whole name
    TempDir dir("ctsw-io");
    ctsw::test::writeFile(dir.file("29.jpg"), "x");
    ctsw::test::writeFile(dir.file("290.png"), "x");
    ctsw::test::writeFile(dir.file("29.txt"), "x");
    EXPECT_EQ(sliceFileWithStem(dir.path().string(), "29"), dir.file("29.jpg"));
    // None, or two candidates: refused naming the folder and the name.
    std::string msg = ioErrorOf([&] { sliceFileWithStem(dir.path().string(), "31"); });
    EXPECT_TRUE(contains(msg, dir.path().string()) && contains(msg, "no image named 31")) << msg;
    ctsw::test::writeFile(dir.file("29.nii.gz"), "x");
    msg = ioErrorOf([&] { sliceFileWithStem(dir.path().string(), "29"); });
    EXPECT_TRUE(contains(msg, "2 images named 29") && contains(msg, "29.jpg") && contains(msg, "29.nii.gz")) << msg;
    msg = ioErrorOf([&] { sliceFileWithStem(dir.file("missing"), "29"); });
    EXPECT_TRUE(contains(msg, "no such folder")) << msg;
}

class BadInputData : public DataTest {};

TEST_F(BadInputData, TruncatedDicomIsSkippedAsTruncated) {
    TempDir dir("ctsw-io");
    copyPrefix(path(kA0002) + "/1-01.dcm", dir.file("1-01.dcm"), 200000);
    fs::copy_file(path(kA0002) + "/1-02.dcm", dir.file("1-02.dcm"));
    fs::copy_file(path(kA0002) + "/1-03.dcm", dir.file("1-03.dcm"));
    const DicomScan scan = scanDicom({dir.path().string()});
    ASSERT_EQ(scan.skipped.size(), 1u);
    EXPECT_EQ(scan.skipped[0].path, dir.file("1-01.dcm"));
    EXPECT_TRUE(contains(scan.skipped[0].reason, "truncated")) << scan.skipped[0].reason;
    ASSERT_EQ(scan.series.size(), 1u);
    EXPECT_EQ(scan.series[0].slices.size(), 2u);
    EXPECT_EQ(readDicomSeries(scan.series[0]).depth(), 2);
}

TEST_F(BadInputData, MaskOfTheWrongSizeNamesFileAndBothSizes) {
    const std::string mask = path(kMask110);
    const std::string msg = ioErrorOf([&] { readMaskSlice(mask, LabelMapping::named("lung-left-right"), 256, 300); });
    EXPECT_TRUE(contains(msg, mask)) << msg;
    EXPECT_TRUE(contains(msg, "512x512")) << msg;
    EXPECT_TRUE(contains(msg, "256x300")) << msg;
    // The right size passes.
    EXPECT_EQ(readMaskSlice(mask, LabelMapping::named("lung-left-right"), 512, 512).width(), 512);
}

TEST_F(BadInputData, TruncatedRealNpyThrows) {
    TempDir dir("ctsw-io");
    const std::string cut = dir.file("cut.npy");
    copyPrefix(path(kSlice110), cut, 128 + 1000);
    const std::string msg = ioErrorOf([&] { readNpy(cut); });
    EXPECT_TRUE(contains(msg, cut)) << msg;
    EXPECT_TRUE(contains(msg, "truncated")) << msg;
    EXPECT_TRUE(contains(ioErrorOf([&] { readImage2D(cut); }), "truncated"));
}

TEST_F(BadInputData, WrongMappingForARealMaskNamesTheValue) {
    const std::string mask = path(kMask110);
    const std::string msg = ioErrorOf([&] { readMaskSlice(mask, LabelMapping::named("binary-lung")); });
    EXPECT_TRUE(contains(msg, mask)) << msg;
    EXPECT_TRUE(contains(msg, "2 (18214 pixels)")) << msg;
}

// ------------------------------------------------------------------------------------------ NPY / 2D

class NpyData : public DataTest {};

TEST_F(NpyData, FortranOrderIsReadXFastest) {
    const NpyArray a = readNpy(path(kSlice110));
    EXPECT_TRUE(a.fortranOrder);
    EXPECT_EQ(a.dtype, "<i2");
    EXPECT_EQ(a.shape, (std::vector<std::size_t>{512, 512}));
    const RawImage2D raw = readImage2D(path(kSlice110));
    ASSERT_EQ(raw.values.width(), 512);
    ASSERT_EQ(raw.values.height(), 512);
    EXPECT_EQ(raw.bitsPerSample, 16);
    EXPECT_TRUE(contains(raw.description, "Fortran")) << raw.description;
    // numpy: a[x, y] for the array as loaded (element (x, y) at offset x + 512 * y).
    EXPECT_EQ(raw.values.at(100, 300), -479.0f);
    EXPECT_EQ(raw.values.at(300, 100), -920.0f);
    EXPECT_EQ(raw.values.at(256, 400), 20.0f);
    EXPECT_EQ(raw.values.at(0, 0), -999.0f);
    const Range r = valueRange(raw.values.pixels());
    EXPECT_EQ(r.min, -1021.0f);
    EXPECT_EQ(r.max, 1838.0f);
}

TEST_F(NpyData, FlipYPutsTheSpineAtTheBottom) {
    const RawImage2D raw = readImage2D(path(kSlice110));
    auto boneCentroid = [](const CtSlice& s, double& cx, double& cy) {
        double sx = 0, sy = 0;
        std::size_t n = 0;
        for (int y = 0; y < s.height(); ++y)
            for (int x = 0; x < s.width(); ++x)
                if (s.at(x, y) > 300.0f) { sx += x; sy += y; ++n; }
        ASSERT_GT(n, 500u) << "too few bone pixels";
        cx = sx / n;
        cy = sy / n;
    };
    double rawX = 0, rawY = 0, x = 0, y = 0;
    boneCentroid(raw.values, rawX, rawY);
    const CtSlice display = reorient(raw.values, Orientation2D::FlipY);
    boneCentroid(display, x, y);
    const double w = display.width(), h = display.height();
    // As stored, bone (spine, ribs, sternum) is in the upper part: the image is upside down.
    EXPECT_LT(rawY, 0.45 * h) << "raw bone centroid y " << rawY;
    // After the documented flip-y the spine is at the bottom (posterior down) and the body centred.
    EXPECT_GT(y, 0.55 * h) << "display bone centroid y " << y;
    EXPECT_GT(x, 0.375 * w) << "display bone centroid x " << x;
    EXPECT_LT(x, 0.625 * w) << "display bone centroid x " << x;
    EXPECT_NEAR(x, rawX, 1e-9);
}

TEST_F(NpyData, NonSquareFortranSliceHasWidthFromTheFirstAxis) {
    const RawImage2D raw = readImage2D(path("covid19-ct-seg-slices/radiopaedia_14_85914_0_image_slice_0.npy"));
    EXPECT_EQ(raw.values.width(), 630);
    EXPECT_EQ(raw.values.height(), 401);
    EXPECT_EQ(raw.bitsPerSample, 8);
    const SourceListing listing = listSource(path("covid19-ct-seg-slices/radiopaedia_14_85914_0_image_slice_0.npy"));
    ASSERT_EQ(listing.series.size(), 1u);
    EXPECT_FALSE(listing.series[0].valuesAreHu);
    EXPECT_TRUE(anyContains(listing.series[0].warnings, "not Hounsfield")) << joined(listing.series[0].warnings);
    EXPECT_EQ(listing.series[0].geometry.size, (std::array<int, 3>{630, 401, 1}));
}

TEST_F(NpyData, LungMaskWithLungLeftRightMapping) {
    const LabelSlice mask = readMaskSlice(path(kMask110), LabelMapping::named("lung-left-right"), 512, 512, Orientation2D::FlipY);
    const LabelCounts c = countLabels(mask.pixels());
    EXPECT_EQ(c.perLabel[1], 34396u);
    EXPECT_EQ(c.perLabel[0], 512u * 512u - 34396u);
    EXPECT_EQ(c.perLabel[2], 0u);
    EXPECT_EQ(c.invalid, 0u);
    // Identity keeps the second lung as label 2: 16182 + 18214.
    const LabelCounts id = countLabels(readMaskSlice(path(kMask110), LabelMapping::named("identity")).pixels());
    EXPECT_EQ(id.perLabel[1], 16182u);
    EXPECT_EQ(id.perLabel[2], 18214u);
    // The other slices of the table in PROVENANCE.md.
    EXPECT_EQ(countLabels(readMaskSlice(path("covid19-ct-seg-slices/coronacases_001_masks_slice_98.npy"), LabelMapping::named("lung-left-right")).pixels()).perLabel[1], 22035u);
    EXPECT_EQ(countLabels(readMaskSlice(path("covid19-ct-seg-slices/coronacases_001_masks_slice_122.npy"), LabelMapping::named("lung-left-right")).pixels()).perLabel[1], 37662u);
    EXPECT_EQ(countLabels(readMaskSlice(path("covid19-ct-seg-slices/coronacases_008_masks_slice_26.npy"), LabelMapping::named("lung-left-right")).pixels()).perLabel[1], 311u);
    // Mask and image line up: lung pixels are air-like in the image.
    const CtSlice image = reorient(readImage2D(path(kSlice110)).values, Orientation2D::FlipY);
    double sum = 0;
    for (std::size_t i = 0; i < mask.pixels().size(); ++i)
        if (mask.pixels()[i] == 1) sum += image.pixels()[i];
    EXPECT_LT(sum / 34396.0, -500.0) << "mean HU inside the lung mask";
}

TEST_F(NpyData, UnsignedMaskNpyIsNotHu) {
    // ImageFiles.h: "NPY int16/float values are taken as HU". The uint16 lung mask is neither.
    const SourceListing listing = listSource(path(kMask110));
    ASSERT_EQ(listing.series.size(), 1u);
    EXPECT_TRUE(contains(listing.series[0].format, "<u2")) << listing.series[0].format;
    EXPECT_FALSE(listing.series[0].valuesAreHu) << "a uint16 mask .npy is listed as Hounsfield units";
    // The int16 image is HU.
    EXPECT_TRUE(listSource(path(kSlice110)).series.at(0).valuesAreHu);
}

TEST_F(NpyData, LoadVolumeOfANpyAppliesTheOrientation) {
    LoadOptions options;
    options.orientation = Orientation2D::FlipY;
    const LoadedVolume loaded = loadVolume(path(kSlice110), options);
    EXPECT_EQ(loaded.volume.geometry().size, (std::array<int, 3>{512, 512, 1}));
    EXPECT_TRUE(loaded.info.valuesAreHu);
    const CtSlice expected = reorient(readImage2D(path(kSlice110)).values, Orientation2D::FlipY);
    EXPECT_EQ(loaded.volume.voxels(), expected.pixels());
}

class MedSegData : public DataTest {};

TEST_F(MedSegData, TrainJpegsAndPaletteMasksMatch) {
    const fs::path imgs = path("medseg-covid/train/Imgs");
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(imgs)) {
        const std::string stem = entry.path().stem().string();
        SCOPED_TRACE(stem);
        const RawImage2D img = readImage2D(entry.path().string());
        const std::string multi = path("medseg-covid/train/GT_multiclass/" + stem + ".png");
        const std::string binary = path("medseg-covid/train/GT_binary/" + stem + ".png");
        const RawImage2D mask = readImage2D(multi);
        EXPECT_EQ(img.bitsPerSample, 8);
        EXPECT_FALSE(img.palette);
        EXPECT_TRUE(contains(img.description, "JPEG")) << img.description;
        EXPECT_TRUE(mask.palette) << mask.description;
        ASSERT_EQ(mask.values.width(), img.values.width());
        ASSERT_EQ(mask.values.height(), img.values.height());
        EXPECT_FALSE(img.values.width() == 512 && img.values.height() == 512);
        std::set<float> values(mask.values.pixels().begin(), mask.values.pixels().end());
        for (float v : values) EXPECT_TRUE(v == 0.0f || v == 1.0f || v == 2.0f) << "mask value " << v;
        EXPECT_TRUE(values.count(0.0f));
        const LabelSlice labels = readMaskSlice(multi, LabelMapping::named("ggo-consolidation"), img.values.width(), img.values.height());
        const LabelCounts c = countLabels(labels.pixels());
        EXPECT_GT(c.perLabel[2], 0u);
        EXPECT_EQ(c.perLabel[1], 0u);
        // GT_binary (0/255) is exactly GT_multiclass > 0.
        const LabelSlice fromBinary = readMaskSlice(binary, LabelMapping::named("binary-infection"));
        EXPECT_EQ(fromBinary.pixels(), labels.pixels());
        ++checked;
    }
    EXPECT_EQ(checked, 50);
}

TEST_F(MedSegData, JpegListsAsNotHu) {
    const SourceListing listing = listSource(path("medseg-covid/train/Imgs/0.jpg"));
    ASSERT_EQ(listing.series.size(), 1u);
    EXPECT_EQ(listing.kind, FileKind::Jpeg);
    EXPECT_FALSE(listing.series[0].valuesAreHu);
    EXPECT_EQ(listing.series[0].geometry.size, (std::array<int, 3>{273, 369, 1}));
}

TEST(NpyUnit, WriteReadRoundTripAndNumpyLayout) {
    TempDir dir("ctsw-io");
    const std::string p = dir.file("a.npy");
    const std::vector<float> values = {0.5f, -1.0f, 2.0f, 3.25f, 4.0f, -5.5f};
    writeNpyFloat32(p, {2, 3}, values);
    const std::string bytes = ctsw::test::readFile(p);
    ASSERT_GT(bytes.size(), 10u);
    EXPECT_EQ(bytes.substr(0, 6), "\x93NUMPY");
    EXPECT_EQ((bytes.size() - values.size() * 4) % 64, 0u) << "header must be padded to 64 bytes";
    const NpyArray a = readNpy(p);
    EXPECT_EQ(a.shape, (std::vector<std::size_t>{2, 3}));
    EXPECT_FALSE(a.fortranOrder);
    EXPECT_EQ(a.dtype, "<f4");
    EXPECT_EQ(a.values, std::vector<double>(values.begin(), values.end()));
    // C order (rows, columns): width is the second axis.
    const RawImage2D raw = readImage2D(p);
    EXPECT_EQ(raw.values.width(), 3);
    EXPECT_EQ(raw.values.height(), 2);
    EXPECT_EQ(raw.values.at(2, 0), 2.0f);
    EXPECT_EQ(raw.values.at(0, 1), 3.25f);
    if (ctsw::test::haveNibabel()) {
        TempDir scratch("ctsw-io");
        const auto r = ctsw::test::runCommand(
            "/usr/bin/python3 -c \"import numpy,sys; a=numpy.load(sys.argv[1]); print(a.shape, a.dtype, a[1,0], a[0,2])\" " + ctsw::test::shellQuote(p), scratch);
        EXPECT_EQ(r.exitCode, 0) << r.err;
        EXPECT_EQ(r.out, "(2, 3) float32 3.25 2.0\n");
    }
}

TEST(NpyUnit, OneDimensionalShapeIsWrittenAsTuple) {
    TempDir dir("ctsw-io");
    const std::string p = dir.file("v.npy");
    writeNpyFloat32(p, {4}, {1, 2, 3, 4});
    const NpyArray a = readNpy(p);
    EXPECT_EQ(a.shape, (std::vector<std::size_t>{4}));
    EXPECT_TRUE(contains(ctsw::test::readFile(p), "(4,)"));
    EXPECT_TRUE(contains(ioErrorOf([&] { readImage2D(p); }), "2D slice is expected"));
}

TEST(NpyUnit, BadFilesThrowIoErrorNamingTheFile) {
    TempDir dir("ctsw-io");
    const std::string good = dir.file("good.npy");
    writeNpyFloat32(good, {8, 8}, std::vector<float>(64, 1.0f));
    const std::string content = ctsw::test::readFile(good);

    const std::string data = dir.file("data.npy");
    ctsw::test::writeFile(data, content.substr(0, content.size() - 10));
    std::string msg = ioErrorOf([&] { readNpy(data); });
    EXPECT_TRUE(contains(msg, data) && contains(msg, "truncated data")) << msg;

    const std::string header = dir.file("header.npy");
    ctsw::test::writeFile(header, content.substr(0, 30));
    msg = ioErrorOf([&] { readNpy(header); });
    EXPECT_TRUE(contains(msg, header) && contains(msg, "truncated .npy header")) << msg;

    const std::string magic = dir.file("magic.npy");
    ctsw::test::writeFile(magic, "PK\x03\x04 this is a zip, not an npy");
    msg = ioErrorOf([&] { readNpy(magic); });
    EXPECT_TRUE(contains(msg, "bad magic")) << msg;

    msg = ioErrorOf([&] { readNpy(dir.file("absent.npy")); });
    EXPECT_TRUE(contains(msg, "absent.npy")) << msg;

    std::string complexNpy = content;
    complexNpy.replace(complexNpy.find("<f4"), 3, "<f2");
    const std::string cplx = dir.file("half.npy");
    ctsw::test::writeFile(cplx, complexNpy);
    msg = ioErrorOf([&] { readNpy(cplx); });
    EXPECT_TRUE(contains(msg, "unsupported dtype <f2")) << msg;
}

TEST(NpyUnit, ShapeWhoseSizeOverflowsIsRefused) {
    // A corrupt header: 2^62 x 4 elements wrap size_t to 0 bytes of data. readNpy must not return an
    // array whose values do not match its shape.
    TempDir dir("ctsw-io");
    std::string header = "{'descr': '<i2', 'fortran_order': False, 'shape': (4611686018427387904, 4), }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
    bytes += static_cast<char>(header.size() & 0xFF);
    bytes += static_cast<char>(header.size() >> 8);
    bytes += header;
    bytes += std::string(32, '\0');
    const std::string p = dir.file("overflow.npy");
    ctsw::test::writeFile(p, bytes);
    try {
        const NpyArray a = readNpy(p);
        ADD_FAILURE() << "accepted: shape " << a.shape.at(0) << " x " << a.shape.at(1) << " with " << a.values.size() << " values";
    } catch (const IoError& e) {
        EXPECT_TRUE(contains(e.what(), p)) << e.what();
    }
}

TEST(NpyUnit, MaskOfTheWrongSizeNamesFileAndBothSizes) {
    TempDir dir("ctsw-io");
    const std::string p = dir.file("mask.npy");
    writeNpyFloat32(p, {3, 4}, {0, 1, 2, 1, 0, 0, 2, 2, 1, 0, 0, 0});
    const LabelSlice ok = readMaskSlice(p, LabelMapping::named("identity"), 4, 3);
    EXPECT_EQ(countLabels(ok.pixels()).perLabel[2], 3u);
    std::string msg = ioErrorOf([&] { readMaskSlice(p, LabelMapping::named("identity"), 3, 4); });
    EXPECT_TRUE(contains(msg, p)) << msg;
    EXPECT_TRUE(contains(msg, "4x3")) << msg;
    EXPECT_TRUE(contains(msg, "3x4")) << msg;
    // The size is checked after turning: rot90 makes it 3x4.
    EXPECT_EQ(readMaskSlice(p, LabelMapping::named("identity"), 3, 4, Orientation2D::Rot90).width(), 3);
    // Non-integer mask values are refused.
    writeNpyFloat32(p, {1, 2}, {0.0f, 0.5f});
    msg = ioErrorOf([&] { readMaskSlice(p, LabelMapping::named("identity")); });
    EXPECT_TRUE(contains(msg, "non-integer")) << msg;
}

TEST(FilesUnit, FileKindByExtension) {
    EXPECT_EQ(fileKindOf("/x/a.nii"), FileKind::Nifti);
    EXPECT_EQ(fileKindOf("/x/a.NII.GZ"), FileKind::Nifti);
    EXPECT_EQ(fileKindOf("a.png"), FileKind::Png);
    EXPECT_EQ(fileKindOf("a.JPG"), FileKind::Jpeg);
    EXPECT_EQ(fileKindOf("a.jpeg"), FileKind::Jpeg);
    EXPECT_EQ(fileKindOf("a.npy"), FileKind::Npy);
    EXPECT_EQ(fileKindOf("a.dcm"), FileKind::DicomFile);
    EXPECT_EQ(fileKindOf("a.txt"), FileKind::Unknown);
    EXPECT_EQ(fileKindOf("/tmp"), FileKind::DicomFolder);
    EXPECT_FALSE(isNiftiPath("a.nii.gz.bak"));
}

TEST(FilesUnit, PngWritersRoundTrip) {
    TempDir dir("ctsw-io");
    LabelSlice labels(3, 2);
    labels.pixels() = {0, 1, 2, 2, 1, 0};
    writePngLabels(labels, dir.file("labels.png"));
    const RawImage2D back = readImage2D(dir.file("labels.png"));
    ASSERT_EQ(back.values.width(), 3);
    ASSERT_EQ(back.values.height(), 2);
    EXPECT_EQ(back.values.pixels(), (std::vector<float>{0, 1, 2, 2, 1, 0}));
    EXPECT_FALSE(back.palette);
    EXPECT_EQ(back.bitsPerSample, 8);

    CtSlice ct(2, 2);
    ct.pixels() = {-1350.0f, -600.0f, 150.0f, 1000.0f};
    writePngWindowed(ct, windowByName("lung"), dir.file("ct.png"));
    EXPECT_EQ(readImage2D(dir.file("ct.png")).values.pixels(), (std::vector<float>{0, 128, 255, 255}));
    expectOnlyFiles(dir.path(), {"labels.png", "ct.png"});
    EXPECT_TRUE(contains(ioErrorOf([&] { writePngLabels(labels, "/tmp/ctsw-no-such-folder-for-tests/l.png"); }), "does not exist"));
}

TEST(FilesUnit, CorruptImagesThrowIoError) {
    TempDir dir("ctsw-io");
    ctsw::test::writeFile(dir.file("bad.png"), "not a png at all");
    EXPECT_TRUE(contains(ioErrorOf([&] { readImage2D(dir.file("bad.png")); }), "bad.png"));
    EXPECT_TRUE(contains(ioErrorOf([&] { readImage2D(dir.file("absent.png")); }), "no such file"));
    ctsw::test::writeFile(dir.file("x.bmp"), "BM");
    EXPECT_TRUE(contains(ioErrorOf([&] { readImage2D(dir.file("x.bmp")); }), "not a 2D image file"));
}

// -------------------------------------------------------------------------------------------- NIfTI

TEST(NiftiUnit, FloatVolumeWithFlippedAxisRoundTripsIntoDisplayOrientation) {
    TempDir dir("ctsw-io");
    Geometry g = smallGeometry();
    g.direction = {1, 0, 0, 0, -1, 0, 0, 0, 1};
    CtVolume v(g);
    for (std::size_t i = 0; i < v.voxels().size(); ++i) v.voxels()[i] = static_cast<float>(i) * 0.25f - 3.1f;
    const std::string p = dir.file("flipped.nii");
    writeNifti(v, p);
    expectOnlyFiles(dir.path(), {"flipped.nii"});
    const CtVolume back = readNifti(p);
    const CtVolume expected = toDisplayOrientation(v);
    EXPECT_TRUE(back.geometry().sameGrid(expected.geometry(), 1e-5)) << back.geometry().describe() << " vs " << expected.geometry().describe();
    EXPECT_GT(back.geometry().direction[4], 0.0) << "not in display orientation";
    EXPECT_EQ(back.voxels(), expected.voxels());
}

TEST(NiftiUnit, LabelsRoundTrip) {
    TempDir dir("ctsw-io");
    Geometry g = smallGeometry();
    g.direction = {-1, 0, 0, 0, 1, 0, 0, 0, 1};
    LabelVolume labels(g);
    for (std::size_t i = 0; i < labels.voxels().size(); ++i) labels.voxels()[i] = static_cast<std::uint8_t>(i % 3);
    const std::string p = dir.file("labels.nii.gz");
    writeNiftiLabels(labels, p);
    const LabelVolume back = readNiftiLabels(p, LabelMapping::named("identity"));
    const LabelVolume expected = toDisplayOrientation(labels);
    EXPECT_TRUE(back.geometry().sameGrid(expected.geometry(), 1e-5));
    EXPECT_EQ(back.voxels(), expected.voxels());
    // A mapping that does not cover label 2 is refused, naming the file and the value.
    const std::string msg = ioErrorOf([&] { readNiftiLabels(p, LabelMapping::named("binary-lung")); });
    EXPECT_TRUE(contains(msg, p)) << msg;
    EXPECT_TRUE(contains(msg, "2 (20 pixels)")) << msg;
}

TEST(NiftiUnit, WritingNeedsANiftiNameAndAnExistingFolder) {
    TempDir dir("ctsw-io");
    const CtVolume v(smallGeometry(), 1.0f);
    EXPECT_TRUE(contains(ioErrorOf([&] { writeNifti(v, dir.file("x.png")); }), "not a NIfTI file name"));
    EXPECT_TRUE(contains(ioErrorOf([&] { writeNifti(v, dir.file("missing/x.nii")); }), "does not exist"));
    EXPECT_TRUE(contains(ioErrorOf([&] { readNifti(dir.file("absent.nii.gz")); }), "no such file"));
    ctsw::test::writeFile(dir.file("junk.nii"), "definitely not nifti");
    EXPECT_TRUE(contains(ioErrorOf([&] { readNifti(dir.file("junk.nii")); }), "junk.nii"));
}

TEST(NiftiUnit, FourDimensionalNiftiIsRefused) {
    if (!ctsw::test::haveNibabel()) GTEST_SKIP() << "/usr/bin/python3 cannot import nibabel";
    TempDir dir("ctsw-io");
    const std::string p = dir.file("four_d.nii.gz");
    const auto r = ctsw::test::runCommand(
        "/usr/bin/python3 -c \"import sys, numpy, nibabel; "
        "nibabel.save(nibabel.Nifti1Image(numpy.arange(96, dtype=numpy.int16).reshape(4,4,3,2), numpy.eye(4)), sys.argv[1])\" " +
            ctsw::test::shellQuote(p),
        dir);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string msg = ioErrorOf([&] { readNifti(p); });
    EXPECT_TRUE(contains(msg, p)) << msg;
    EXPECT_TRUE(contains(msg, "4D")) << msg;
    // A 4D file with a single volume is an ordinary 3D volume.
    const std::string one = dir.file("one_volume.nii.gz");
    const auto r1 = ctsw::test::runCommand(
        "/usr/bin/python3 -c \"import sys, numpy, nibabel; "
        "nibabel.save(nibabel.Nifti1Image(numpy.arange(48, dtype=numpy.int16).reshape(4,4,3,1), numpy.eye(4)), sys.argv[1])\" " +
            ctsw::test::shellQuote(one),
        dir);
    ASSERT_EQ(r1.exitCode, 0) << r1.err;
    const CtVolume v = readNifti(one);
    EXPECT_EQ(v.voxels().size(), 48u);
}

class NiftiData : public DataTest {};

TEST_F(NiftiData, A0002RoundTripKeepsGridAndVoxels) {
    TempDir dir("ctsw-io");
    const DicomScan scan = scanDicom({path(kA0002)});
    ASSERT_EQ(scan.series.size(), 1u);
    const CtVolume v = readDicomSeries(scan.series[0]);
    const std::string p = dir.file("a0002.nii.gz");
    writeNifti(v, p);
    expectOnlyFiles(dir.path(), {"a0002.nii.gz"});
    const CtVolume back = readNifti(p);
    EXPECT_TRUE(back.geometry().sameGrid(v.geometry())) << back.geometry().describe() << " vs " << v.geometry().describe();
    for (int i = 0; i < 3; ++i) {
        EXPECT_NEAR(back.geometry().spacing[i], v.geometry().spacing[i], 1e-9);
        EXPECT_NEAR(back.geometry().origin[i], v.geometry().origin[i], 1e-6);
    }
    ASSERT_EQ(back.voxels().size(), v.voxels().size());
    EXPECT_TRUE(back.voxels() == v.voxels()) << "voxels differ after the round trip";
    // Overwriting an existing file works and leaves no temporary file.
    writeNifti(back, p);
    expectOnlyFiles(dir.path(), {"a0002.nii.gz"});
}

TEST_F(NiftiData, GantryTiltRoundTripKeepsObliqueGeometry) {
    TempDir dir("ctsw-io");
    const DicomScan scan = scanDicom({path("dicom/head-ct-gantry-tilt")});
    ASSERT_EQ(scan.series.size(), 1u);
    const CtVolume v = readDicomSeries(scan.series[0]);
    const std::string p = dir.file("tilt.nii");
    writeNifti(v, p);
    const CtVolume back = readNifti(p);
    EXPECT_TRUE(back.geometry().sameGrid(v.geometry(), 1e-4)) << back.geometry().describe() << " vs " << v.geometry().describe();
    for (int i = 0; i < 9; ++i) EXPECT_NEAR(back.geometry().direction[i], v.geometry().direction[i], 1e-5) << "direction[" << i << "]";
    EXPECT_TRUE(back.voxels() == v.voxels());
}

TEST_F(NiftiData, LabelRoundTripOnA0002Grid) {
    TempDir dir("ctsw-io");
    const DicomScan scan = scanDicom({path(kA0002)});
    ASSERT_EQ(scan.series.size(), 1u);
    const CtVolume v = readDicomSeries(scan.series[0]);
    LabelVolume labels(v.geometry());
    for (std::size_t i = 0; i < v.voxels().size(); ++i)
        labels.voxels()[i] = v.voxels()[i] < -400.0f ? 1 : (v.voxels()[i] > 300.0f ? 2 : 0);
    const std::string p = dir.file("labels.nii.gz");
    writeNiftiLabels(labels, p);
    const LabelVolume back = readNiftiLabels(p, LabelMapping::named("identity"));
    EXPECT_TRUE(back.geometry().sameGrid(labels.geometry()));
    EXPECT_TRUE(back.voxels() == labels.voxels());
    const LabelCounts c = countLabels(back.voxels());
    EXPECT_GT(c.perLabel[1], 0u);
    EXPECT_GT(c.perLabel[2], 0u);
}

TEST_F(NiftiData, NibabelAgreesOnTheAffine) {
    if (!ctsw::test::haveNibabel()) GTEST_SKIP() << "/usr/bin/python3 cannot import nibabel";
    TempDir dir("ctsw-io");
    for (const char* series : {kA0002, "dicom/head-ct-gantry-tilt"}) {
        SCOPED_TRACE(series);
        const DicomScan scan = scanDicom({path(series)});
        ASSERT_EQ(scan.series.size(), 1u);
        const CtVolume v = readDicomSeries(scan.series[0]);
        const std::string p = dir.file(fs::path(series).filename().string() + ".nii.gz");
        writeNifti(v, p);
        const auto r = ctsw::test::runCommand(
            "/usr/bin/python3 -c \"import sys, json, numpy, nibabel; i = nibabel.load(sys.argv[1]); d = numpy.asanyarray(i.dataobj); "
            "print(json.dumps({'affine': i.affine.tolist(), 'shape': list(d.shape), 'dtype': str(d.dtype), "
            "'sum': float(d.astype(numpy.float64).sum()), 'voxel': float(d[100, 200, 5])}))\" " +
                ctsw::test::shellQuote(p),
            dir);
        ASSERT_EQ(r.exitCode, 0) << r.err;
        const Json j = Json::parse(r.out);
        const Geometry& g = v.geometry();
        // RAS affine = diag(-1, -1, 1) * [direction * diag(spacing) | origin] of our LPS geometry.
        const double flip[3] = {-1, -1, 1};
        const Json& a = j.at("affine");
        ASSERT_EQ(a.size(), 4u);
        for (int row = 0; row < 3; ++row) {
            for (int col = 0; col < 3; ++col)
                EXPECT_NEAR(a[row][col].asNumber(), flip[row] * g.direction[row * 3 + col] * g.spacing[col], 1e-4) << "affine[" << row << "][" << col << "]";
            EXPECT_NEAR(a[row][3].asNumber(), flip[row] * g.origin[row], 1e-3) << "affine[" << row << "][3]";
        }
        EXPECT_EQ(a[3].dump(), "[0,0,0,1]");
        EXPECT_EQ(j.at("shape").dump(), "[" + std::to_string(g.size[0]) + "," + std::to_string(g.size[1]) + "," + std::to_string(g.size[2]) + "]");
        EXPECT_EQ(j.at("dtype").asString(), "int16") << "integral HU should be stored as int16";
        double sum = 0;
        for (float x : v.voxels()) sum += x;
        EXPECT_EQ(j.at("sum").asNumber(), sum);
        EXPECT_EQ(j.at("voxel").asNumber(), v.at(100, 200, 5));
    }
}

TEST_F(NiftiData, MultiSliceNiftiIsNotASingleSliceImage) {
    TempDir dir("ctsw-io");
    const DicomScan scan = scanDicom({path("dicom/pydicom-testfiles/CT5N_series")});
    const CtVolume v = readDicomSeries(scan.series.at(0));
    writeNifti(v, dir.file("ct5n.nii"));
    EXPECT_TRUE(contains(ioErrorOf([&] { readSliceImage(dir.file("ct5n.nii")); }), "choose one"));
    EXPECT_TRUE(contains(ioErrorOf([&] { readMaskSlice(dir.file("ct5n.nii"), LabelMapping::parse("-1000:0")); }), "not covered"));
}

// ------------------------------------------------------------------------------------- ImageSource

class SourceData : public DataTest {};

TEST_F(SourceData, ListAndLoadA0002) {
    const SourceListing listing = listSource(path(kA0002));
    EXPECT_EQ(listing.kind, FileKind::DicomFolder);
    ASSERT_EQ(listing.series.size(), 1u);
    const SeriesInfo& s = listing.series[0];
    EXPECT_EQ(s.modality, "CT");
    EXPECT_TRUE(contains(s.format, "Explicit")) << s.format;
    EXPECT_EQ(s.geometry.size[2], 30);
    EXPECT_TRUE(s.valuesAreHu);
    const LoadedVolume loaded = loadSeries(listing);
    EXPECT_EQ(loaded.volume.depth(), 30);
    EXPECT_TRUE(loaded.info.geometry.sameGrid(s.geometry, 1e-9));
    EXPECT_EQ(valueRange(loaded.volume.voxels()).max, 1548.0f);
}

TEST_F(SourceData, ChooseAndUnknownSeries) {
    const SourceListing listing = listSource(path("dicom/pydicom-testfiles"));
    ASSERT_EQ(listing.series.size(), 3u);
    EXPECT_EQ(listing.skipped.size(), 3u);
    const SeriesInfo* best = listing.choose("");
    ASSERT_NE(best, nullptr);
    EXPECT_EQ(best->geometry.size[2], 5) << "the series with most slices is the default";
    for (const auto& s : listing.series) EXPECT_EQ(listing.choose(s.uid), &s);
    LoadOptions options;
    options.series = "nope";
    const std::string msg = ioErrorOf([&] { loadSeries(listing, options); });
    EXPECT_TRUE(contains(msg, "no series \"nope\"")) << msg;
}

TEST(SourceUnit, MissingEmptyAndNonDicomSources) {
    TempDir dir("ctsw-io");
    std::string msg = ioErrorOf([&] { listSource(dir.file("absent")); });
    EXPECT_TRUE(contains(msg, dir.file("absent")) && contains(msg, "no such file or folder")) << msg;
    msg = ioErrorOf([&] { listSource(dir.path().string()); });
    EXPECT_TRUE(contains(msg, "folder holds no files")) << msg;
    ctsw::test::writeFile(dir.file("notes.txt"), "hello");
    const SourceListing listing = listSource(dir.path().string());
    EXPECT_TRUE(listing.series.empty());
    ASSERT_EQ(listing.skipped.size(), 1u);
    msg = ioErrorOf([&] { loadSeries(listing); });
    EXPECT_TRUE(contains(msg, "no DICOM images found") && contains(msg, "notes.txt: not a DICOM file")) << msg;
    msg = ioErrorOf([&] { listSource(dir.file("notes.txt")); });
    EXPECT_TRUE(contains(msg, "not a DICOM file")) << msg;
}
