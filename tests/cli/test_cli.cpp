// The `cosingan` command-line tool, run as a separate process (path from CMake: COSINGAN_EXE).
// Suite Cli makes its own input; suite CliData uses the real data and skips when it is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "image/Labels.h"
#include "image/Orientation2D.h"
#include "image/WindowLevel.h"
#include "io/Dicom.h"
#include "io/ImageFiles.h"
#include "io/Npy.h"
#include "json/Json.h"
#include "../support/TestSupport.h"

using namespace ctsw;
using ctsw::test::CommandResult;
using ctsw::test::shellQuote;
using ctsw::test::TempDir;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

class Cli : public ::testing::Test {
protected:
    // Runs cosingan with already-quoted arguments.
    CommandResult run(const std::string& args) { return ctsw::test::runCommand(shellQuote(COSINGAN_EXE) + " " + args, scratch_); }
    std::string out(const std::string& name) const { return work_.file(name); }
    TempDir scratch_{"ctsw-cli-io"};
    TempDir work_{"ctsw-cli"};
};

class CliData : public Cli {
protected:
    void SetUp() override {
        data_ = ctsw::test::dataDir();
        if (data_.empty()) GTEST_SKIP() << "real data folder " << CTSW_DATA_DIR << " not found (see shared/data/README.md); skipping";
    }
    std::string path(const std::string& relative) const { return shellQuote(data_ + "/" + relative); }
    std::string raw(const std::string& relative) const { return data_ + "/" + relative; }
    std::string data_;
};

Json parseJsonOutput(const CommandResult& r) {
    try {
        return Json::parse(r.out);
    } catch (const JsonError& e) {
        ADD_FAILURE() << "stdout is not JSON (" << e.what() << "):\n" << r.out;
        return Json();
    }
}

}  // namespace

// --------------------------------------------------------------------------------- usage and errors

TEST_F(Cli, HelpExitsZero) {
    CommandResult r = run("--help");
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "Usage:")) << r.out;
    EXPECT_TRUE(contains(r.out, "cosingan info PATH")) << r.out;
    EXPECT_TRUE(contains(r.out, "cosingan convert INPUT OUTPUT")) << r.out;
    r = run("convert --help");
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_TRUE(contains(r.out, "Usage:"));
    r = run("");
    EXPECT_EQ(r.exitCode, 1) << "no arguments is a usage error";
    EXPECT_TRUE(contains(r.err, "Usage:")) << r.err;
}

TEST_F(Cli, UnknownOptionOrCommandExitsOne) {
    CommandResult r = run("info /tmp --bogus");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "unknown option --bogus")) << r.err;
    r = run("convert in.nii out.png --frobnicate 3");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "unknown option --frobnicate")) << r.err;
    r = run("frobnicate x");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "unknown command \"frobnicate\"")) << r.err;
    r = run("info");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "exactly one PATH")) << r.err;
    r = run("convert only-input.nii");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "INPUT and OUTPUT")) << r.err;
    r = run("convert in.nii out.png --slice");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "--slice needs a value")) << r.err;
}

TEST_F(Cli, InfoOnEmptyFolderExitsOne) {
    TempDir empty("ctsw-cli-empty");
    const CommandResult info = run("info " + shellQuote(empty.path().string()));
    EXPECT_EQ(info.exitCode, 1) << info.out;
    EXPECT_TRUE(contains(info.err, empty.path().string())) << info.err;
}

TEST_F(Cli, InfoOnFolderOfTextFilesExitsOneWithReasons) {
    TempDir dir("ctsw-cli-text");
    ctsw::test::writeFile(dir.file("notes.txt"), "no images here\n");
    const CommandResult r = run("info --json " + shellQuote(dir.path().string()));
    EXPECT_EQ(r.exitCode, 1);
    const Json j = parseJsonOutput(r);
    ASSERT_TRUE(j.isObject());
    EXPECT_EQ(j.at("series").size(), 0u);
    ASSERT_EQ(j.at("skipped").size(), 1u);
    EXPECT_EQ(j.at("skipped")[0].at("reason").asString(), "not a DICOM file");
    EXPECT_TRUE(contains(r.err, "no images found")) << r.err;
}

TEST_F(Cli, InfoOnMissingPathExitsOneNamingIt) {
    const std::string missing = work_.file("no-such-scan");
    const CommandResult r = run("info " + shellQuote(missing));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, missing)) << r.err;
    EXPECT_TRUE(contains(r.err, "no such file or folder")) << r.err;
    const CommandResult c = run("convert " + shellQuote(missing) + " " + shellQuote(out("x.nii")));
    EXPECT_EQ(c.exitCode, 1);
    EXPECT_TRUE(contains(c.err, missing)) << c.err;
    EXPECT_FALSE(fs::exists(out("x.nii")));
}

TEST_F(Cli, ConvertAndInfoOfOwnNpy) {
    const std::string npy = out("tiny.npy");
    writeNpyFloat32(npy, {2, 3}, {-1000, -500, 0, 40, 200, 3000});
    CommandResult r = run("info --json " + shellQuote(npy));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json j = parseJsonOutput(r);
    ASSERT_EQ(j.at("series").size(), 1u);
    const Json& s = j.at("series")[0];
    EXPECT_EQ(s.at("columns").asInt(), 3);
    EXPECT_EQ(s.at("rows").asInt(), 2);
    EXPECT_EQ(s.at("hu_min").asNumber(), -1000.0);
    EXPECT_EQ(s.at("hu_max").asNumber(), 3000.0);
    EXPECT_TRUE(s.at("values_are_hu").asBool());
    r = run("convert " + shellQuote(npy) + " " + shellQuote(out("tiny.png")) + " --window mediastinum");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const RawImage2D png = readImage2D(out("tiny.png"));
    // mediastinum W350/L40: -135 .. 215
    EXPECT_EQ(png.values.pixels(), (std::vector<float>{0, 0, 98, 128, 244, 255}));
    r = run("convert " + shellQuote(npy) + " " + shellQuote(out("tiny2.png")) + " --window soft");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "unknown window \"soft\"")) << r.err;
}

// ------------------------------------------------------------------------------------ on real data

TEST_F(CliData, InfoJsonA0002) {
    const CommandResult r = run("info " + path("dicom/chest-ct-A0002") + " --json");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json j = parseJsonOutput(r);
    ASSERT_TRUE(j.isObject());
    ASSERT_EQ(j.at("series").size(), 1u);
    const Json& s = j.at("series")[0];
    EXPECT_EQ(s.at("slices").asNumber(), 30.0);
    EXPECT_EQ(s.at("rows").asNumber(), 512.0);
    EXPECT_EQ(s.at("columns").asNumber(), 512.0);
    ASSERT_EQ(s.at("spacing").size(), 3u);
    EXPECT_EQ(s.at("spacing")[0].asNumber(), 0.646484375);
    EXPECT_EQ(s.at("spacing")[1].asNumber(), 0.646484375);
    EXPECT_EQ(s.at("spacing")[2].asNumber(), 8.0);
    EXPECT_EQ(s.at("origin")[2].asNumber(), 80.0);
    EXPECT_EQ(s.at("hu_min").asNumber(), -1024.0);
    EXPECT_EQ(s.at("hu_max").asNumber(), 1548.0);
    ASSERT_EQ(s.at("direction").size(), 9u);
    for (std::size_t i = 0; i < 9; ++i) EXPECT_EQ(s.at("direction")[i].asNumber(), i % 4 == 0 ? 1.0 : 0.0) << i;
    EXPECT_EQ(s.at("modality").asString(), "CT");
    EXPECT_TRUE(s.at("loadable").asBool());
    EXPECT_TRUE(s.at("values_are_hu").asBool());
    EXPECT_EQ(s.at("warnings").size(), 0u);
    EXPECT_EQ(j.at("skipped").size(), 0u);
    EXPECT_TRUE(contains(s.at("format").asString(), "Explicit"));
}

TEST_F(CliData, InfoListsSkippedFilesWithReasons) {
    const CommandResult r = run("info --json " + path("dicom/pydicom-testfiles"));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json j = parseJsonOutput(r);
    ASSERT_EQ(j.at("series").size(), 3u);
    ASSERT_EQ(j.at("skipped").size(), 3u);
    for (const Json& f : j.at("skipped").asArray()) {
        EXPECT_EQ(f.at("reason").asString(), "not a DICOM file");
        EXPECT_TRUE(contains(f.at("path").asString(), "pydicom-testfiles/")) << f.at("path").asString();
    }
    bool gapWarned = false;
    for (const Json& s : j.at("series").asArray())
        for (const Json& w : s.at("warnings").asArray()) gapWarned = gapWarned || (contains(w.asString(), "gap") && contains(w.asString(), "202.5"));
    EXPECT_TRUE(gapWarned) << r.out;
    // The text form lists them too.
    const CommandResult text = run("info " + path("dicom/pydicom-testfiles"));
    ASSERT_EQ(text.exitCode, 0);
    EXPECT_TRUE(contains(text.out, "skipped 3 files:")) << text.out;
    EXPECT_TRUE(contains(text.out, "debian_copyright.txt: not a DICOM file")) << text.out;
    EXPECT_TRUE(contains(text.out, "3 series")) << text.out;
}

TEST_F(CliData, InfoTextReportsGantryTilt) {
    const CommandResult r = run("info " + path("dicom/head-ct-gantry-tilt"));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "10 slices")) << r.out;
    EXPECT_TRUE(contains(r.out, "warning      gantry tilt 18.5 degrees")) << r.out;
    EXPECT_TRUE(contains(r.out, "irregular slice spacing")) << r.out;
    EXPECT_TRUE(contains(r.out, "HU range     -1500 .. 1912")) << r.out;
}

TEST_F(CliData, ConvertToNiftiKeepsSpacing) {
    const std::string nii = out("a0002.nii.gz");
    CommandResult r = run("convert " + path("dicom/chest-ct-A0002") + " " + shellQuote(nii));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "512x512x30")) << r.out;
    ASSERT_TRUE(fs::exists(nii));
    r = run("info --json " + shellQuote(nii));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json j = parseJsonOutput(r);
    ASSERT_EQ(j.at("series").size(), 1u);
    const Json& s = j.at("series")[0];
    EXPECT_EQ(s.at("format").asString(), "NIfTI");
    EXPECT_EQ(s.at("slices").asNumber(), 30.0);
    EXPECT_NEAR(s.at("spacing")[0].asNumber(), 0.646484375, 1e-9);
    EXPECT_NEAR(s.at("spacing")[1].asNumber(), 0.646484375, 1e-9);
    EXPECT_NEAR(s.at("spacing")[2].asNumber(), 8.0, 1e-9);
    EXPECT_NEAR(s.at("origin")[2].asNumber(), 80.0, 1e-6);
    EXPECT_EQ(s.at("hu_min").asNumber(), -1024.0);
    EXPECT_EQ(s.at("hu_max").asNumber(), 1548.0);
}

TEST_F(CliData, ConvertOneSliceToNiftiKeepsItsPlace) {
    const std::string nii = out("slice7.nii");
    const CommandResult r = run("convert " + path("dicom/chest-ct-A0002") + " " + shellQuote(nii) + " --slice=7");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const CtVolume v = readNifti(nii);
    EXPECT_EQ(v.geometry().size, (std::array<int, 3>{512, 512, 1}));
    EXPECT_NEAR(v.geometry().origin[2], 80.0 + 7 * 8.0, 1e-6);
}

TEST_F(CliData, OrientOnAFileWithItsOwnGeometryIsRefusedNamingIt) {
    // --orient turns 2D files; on DICOM and NIfTI it would be ignored, so it is refused instead.
    const std::string dicom = path("dicom/chest-ct-A0002");
    CommandResult r = run("convert " + dicom + " " + shellQuote(out("o.png")) + " --slice 7 --orient rot90");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "chest-ct-A0002") && contains(r.err, "--orient rot90") && contains(r.err, "DICOM")) << r.err;
    EXPECT_FALSE(fs::exists(out("o.png")));
    const std::string nii = out("slice7.nii");
    ASSERT_EQ(run("convert " + dicom + " " + shellQuote(nii) + " --slice 7").exitCode, 0);
    r = run("lung-mask --image " + shellQuote(nii) + " --orient flip-y --out " + shellQuote(out("lung.png")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "slice7.nii") && contains(r.err, "NIfTI")) << r.err;
    r = run("lung-mask --image " + shellQuote(nii) + " --orient none --out " + shellQuote(out("lung.png")));
    EXPECT_EQ(r.exitCode, 0) << r.err;
}

TEST_F(CliData, ConvertSliceToPng) {
    const std::string png = out("slice15.png");
    const CommandResult r = run("convert " + path("dicom/chest-ct-A0002") + " " + shellQuote(png) + " --slice 15");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const RawImage2D img = readImage2D(png);
    ASSERT_EQ(img.values.width(), 512);
    ASSERT_EQ(img.values.height(), 512);
    EXPECT_EQ(img.bitsPerSample, 8);
    // The pixels are slice 15 in the lung window.
    const DicomScan scan = scanDicom({raw("dicom/chest-ct-A0002")});
    const CtVolume v = readDicomSeries(scan.series.at(0));
    const CtSlice slice = extractSlice(v, 15);
    const WindowLevel lung = windowByName("lung");
    std::size_t differing = 0;
    for (std::size_t i = 0; i < slice.pixels().size(); ++i)
        if (img.values.pixels()[i] != lung.toByte(slice.pixels()[i])) ++differing;
    EXPECT_EQ(differing, 0u);
    // Another window gives another image.
    const std::string bone = out("slice15-bone.png");
    ASSERT_EQ(run("convert " + path("dicom/chest-ct-A0002") + " " + shellQuote(bone) + " --slice 15 --window bone").exitCode, 0);
    EXPECT_NE(readImage2D(bone).values.pixels(), img.values.pixels());
}

TEST_F(CliData, PngOfAVolumeNeedsSlice) {
    const std::string png = out("noslice.png");
    CommandResult r = run("convert " + path("dicom/chest-ct-A0002") + " " + shellQuote(png));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "--slice")) << r.err;
    EXPECT_TRUE(contains(r.err, "30 slices")) << r.err;
    EXPECT_FALSE(fs::exists(png));
    r = run("convert " + path("dicom/chest-ct-A0002") + " " + shellQuote(png) + " --slice 30");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "out of range 0..29")) << r.err;
    r = run("convert " + path("dicom/chest-ct-A0002") + " " + shellQuote(png) + " --slice abc");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "--slice expects an integer")) << r.err;
    r = run("convert " + path("dicom/chest-ct-A0002") + " " + shellQuote(out("x.tiff")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "unknown output type")) << r.err;
    EXPECT_FALSE(fs::exists(png));
}

TEST_F(CliData, SeriesOptionPicksOneSeries) {
    const DicomScan scan = scanDicom({raw("dicom/pydicom-testfiles/CT2_series")});
    ASSERT_EQ(scan.series.size(), 1u);
    const std::string nii = out("ct2.nii");
    CommandResult r = run("convert " + path("dicom/pydicom-testfiles") + " " + shellQuote(nii) + " --series " + shellQuote(scan.series[0].uid));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "warning: gap")) << r.err;
    EXPECT_EQ(readNifti(nii).depth(), 4);
    r = run("convert " + path("dicom/pydicom-testfiles") + " " + shellQuote(out("none.nii")) + " --series 9.9.9");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "no series \"9.9.9\"")) << r.err;
}

TEST_F(CliData, MaskLungLeftRightToPng) {
    const std::string png = out("mask110.png");
    const CommandResult r = run("convert " + path("covid19-ct-seg-slices/coronacases_001_masks_slice_110.npy") + " " + shellQuote(png) +
                                " --mask lung-left-right --orient flip-y");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "lung 34396")) << r.out;
    EXPECT_TRUE(contains(r.out, "infection 0")) << r.out;
    const RawImage2D img = readImage2D(png);
    ASSERT_EQ(img.values.width(), 512);
    ASSERT_EQ(img.values.height(), 512);
    std::size_t counts[3] = {0, 0, 0}, other = 0;
    for (float v : img.values.pixels()) {
        if (v == 0.0f || v == 1.0f || v == 2.0f) ++counts[static_cast<int>(v)];
        else ++other;
    }
    EXPECT_EQ(counts[0], 512u * 512u - 34396u);
    EXPECT_EQ(counts[1], 34396u);
    EXPECT_EQ(counts[2], 0u);
    EXPECT_EQ(other, 0u);
    // --orient flip-y was applied.
    const LabelSlice expected = readMaskSlice(raw("covid19-ct-seg-slices/coronacases_001_masks_slice_110.npy"), LabelMapping::named("lung-left-right"), 0, 0,
                                              Orientation2D::FlipY);
    std::size_t differing = 0;
    for (std::size_t i = 0; i < expected.pixels().size(); ++i) differing += img.values.pixels()[i] != expected.pixels()[i];
    EXPECT_EQ(differing, 0u);
}

TEST_F(CliData, MaskErrorsExitOne) {
    const std::string mask = path("covid19-ct-seg-slices/coronacases_001_masks_slice_110.npy");
    CommandResult r = run("convert " + mask + " " + shellQuote(out("m.png")) + " --mask binary-infection");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "2 (18214 pixels)")) << r.err;
    r = run("convert " + mask + " " + shellQuote(out("m.png")) + " --mask lung-left-right --reference " + path("dicom/pydicom-testfiles/CT5N_series"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "512x512")) << r.err;
    EXPECT_TRUE(contains(r.err, "16x16")) << r.err;
    r = run("convert " + mask + " " + shellQuote(out("m.png")) + " --mask lungs");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "unknown label mapping \"lungs\"")) << r.err;
    EXPECT_FALSE(fs::exists(out("m.png")));
    r = run("convert " + mask + " " + shellQuote(out("m.png")) + " --mask lung-left-right --reference " + path("dicom/chest-ct-A0002"));
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(fs::exists(out("m.png")));
}

TEST_F(CliData, MedSegMaskWithGgoConsolidation) {
    const std::string nii = out("medseg0.nii.gz");
    const CommandResult r = run("convert " + path("medseg-covid/train/GT_multiclass/0.png") + " " + shellQuote(nii) +
                                " --mask ggo-consolidation --orient rot90 --reference " + path("medseg-covid/train/Imgs/0.jpg"));
    // The reference JPEG is 273x369 but the mask turned by rot90 is 369x273.
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "369x273")) << r.err;
    const CommandResult ok = run("convert " + path("medseg-covid/train/GT_multiclass/0.png") + " " + shellQuote(nii) +
                                 " --mask ggo-consolidation --reference " + path("medseg-covid/train/Imgs/0.jpg"));
    ASSERT_EQ(ok.exitCode, 0) << ok.err;
    const LabelVolume labels = readNiftiLabels(nii, LabelMapping::named("identity"));
    EXPECT_EQ(labels.geometry().size, (std::array<int, 3>{273, 369, 1}));
    const LabelCounts c = countLabels(labels.voxels());
    EXPECT_GT(c.perLabel[2], 0u);
    EXPECT_EQ(c.perLabel[1], 0u);
    EXPECT_TRUE(contains(ok.out, "infection " + std::to_string(c.perLabel[2]))) << ok.out;
}

TEST_F(CliData, DamagedPngAndJpegExitOneWithAMessageNamingTheFile) {
    // Half-copied, header-damaged and body-damaged copies of real files, through info, convert and a
    // mask option, as a user hands them over.
    struct Damaged {
        std::string source, name;
        std::function<void(std::string&)> damage;
    };
    const std::vector<Damaged> files = {
        {"medseg-covid/train/Imgs/0.jpg", "half.jpg", [](std::string& b) { b.resize(b.size() / 2); }},
        {"medseg-covid/train/Imgs/1.jpg", "header.jpg", [](std::string& b) { for (std::size_t i = 20; i < 120; ++i) b[i] = static_cast<char>(i * 37); }},
        {"medseg-covid/train/GT_multiclass/0.png", "half.png", [](std::string& b) { b.resize(b.size() / 2); }},
        {"medseg-covid/train/GT_multiclass/1.png", "crc.png", [](std::string& b) { b[40] = static_cast<char>(b[40] ^ 0x55); }},
    };
    for (const Damaged& f : files) {
        std::string bytes = ctsw::test::readFile(raw(f.source));
        ASSERT_GT(bytes.size(), 200u) << f.source;
        f.damage(bytes);
        const std::string file = out(f.name);
        ctsw::test::writeFile(file, bytes);
        for (const std::string& command : {"info " + shellQuote(file), "convert " + shellQuote(file) + " " + shellQuote(out("x.nii.gz")),
                                           "lung-mask --image " + path("medseg-covid/train/Imgs/0.jpg") + " --infection " + shellQuote(file) +
                                               " --mapping ggo-consolidation --out " + shellQuote(out("lung.png"))}) {
            if (f.name.find(".jpg") != std::string::npos && command.rfind("lung-mask", 0) == 0) continue;  // masks are PNG
            const CommandResult r = run(command);
            EXPECT_EQ(r.exitCode, 1) << command << "\n" << r.err;
            EXPECT_TRUE(contains(r.err, f.name)) << command << "\n" << r.err;
        }
    }
    EXPECT_FALSE(fs::exists(out("x.nii.gz")));
}
