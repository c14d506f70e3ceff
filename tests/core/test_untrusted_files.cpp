// Files a user gives are untrusted: corrupted copies of real files, forged headers and the inputs the
// fuzzers found must end in a value or an IoError that names the file, never in a crash, an abort or
// an allocation sized by a lie. (The sanitizer build runs these too: tests/sanitize.sh.)
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <iostream>
#include <random>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include "../support/MixedDicomFolder.h"
#include "../support/TestSupport.h"
#include "image/Labels.h"
#include "io/Dicom.h"
#include "io/ImageFiles.h"
#include "io/IoError.h"
#include "io/RasterCodecs.h"
#include "json/Json.h"

namespace fs = std::filesystem;
using namespace ctsw;
using ctsw::test::TempDir;

namespace {

std::string bytesOf(const std::string& path) { return ctsw::test::readFile(path); }

// Runs `read`; returns "" when it succeeded, the IoError's text when it failed with one, and fails
// the test for any other exception.
std::string outcomeOf(const std::function<void()>& read, const std::string& what) {
    try {
        read();
        return "";
    } catch (const IoError& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << what << ": not an IoError but " << e.what();
        return "other";
    }
}

// The three kinds of damage a copied or downloaded file suffers: bytes flipped, the end cut off, and a
// run of bytes near the start (the header) overwritten.
std::vector<std::string> corruptedCopies(const std::string& original, int count, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<std::string> out;
    for (int k = 0; k < count; ++k) {
        std::string d = original;
        switch (k % 3) {
        case 0:
            for (int i = 0, n = 1 + static_cast<int>(rng() % 20); i < n; ++i) d[rng() % d.size()] = static_cast<char>(rng());
            break;
        case 1:
            d.resize(1 + rng() % (d.size() - 1));
            break;
        default: {
            const std::size_t at = rng() % std::min<std::size_t>(d.size(), 400);
            for (std::size_t i = at; i < std::min(d.size(), at + 4 + rng() % 60); ++i) d[i] = static_cast<char>(rng());
        }
        }
        out.push_back(std::move(d));
    }
    return out;
}

class CorruptedFilesData : public ::testing::Test {
protected:
    void SetUp() override {
        data_ = ctsw::test::dataDir();
        if (data_.empty()) GTEST_SKIP() << "real data folder " << CTSW_DATA_DIR << " not found (see shared/data/README.md); skipping";
    }
    std::string path(const std::string& rel) const { return data_ + "/" + rel; }
    std::string data_;
};

}  // namespace

TEST_F(CorruptedFilesData, CorruptedPngAndJpegCopiesAreReadOrRefusedByName) {
    TempDir dir;
    int refused = 0, total = 0;
    const std::vector<std::string> sources = {"medseg-covid/train/Imgs/0.jpg", "medseg-covid/train/Imgs/10.jpg", "medseg-covid/test/Imgs/18.jpg",
                                              "medseg-covid/train/GT_multiclass/0.png", "medseg-covid/train/GT_binary/5.png",
                                              "medseg-covid/test/GT_multiclass/21.png"};
    const LabelMapping mapping = LabelMapping::named("ggo-consolidation");
    unsigned seed = 1;
    for (const std::string& rel : sources) {
        const std::string original = bytesOf(path(rel));
        ASSERT_GT(original.size(), 100u) << rel;
        const std::string ext = fs::path(rel).extension().string();
        for (const std::string& copy : corruptedCopies(original, 40, seed++)) {
            const std::string file = dir.file("copy" + std::to_string(total++) + ext);
            ctsw::test::writeFile(file, copy);
            const std::string a = outcomeOf([&] { readImage2D(file); }, file);
            const std::string b = outcomeOf([&] { readMaskSlice(file, ext == ".png" ? mapping : LabelMapping::named("identity")); }, file);
            if (!a.empty()) {
                ++refused;
                EXPECT_NE(a.find(file), std::string::npos) << a;
            }
            (void)b;  // a JPEG's grey values are rarely a valid mask: refused or not, it must not crash
        }
    }
    // Most damage is detected (a flipped byte inside JPEG entropy data can decode silently).
    EXPECT_GT(refused, total / 2) << refused << " of " << total << " refused";
}

TEST_F(CorruptedFilesData, HalfCopiedFilesSayTheyAreTruncated) {
    TempDir dir;
    const std::string jpeg = bytesOf(path("medseg-covid/train/Imgs/0.jpg"));
    ctsw::test::writeFile(dir.file("half.jpg"), jpeg.substr(0, jpeg.size() / 2));
    const std::string j = outcomeOf([&] { readImage2D(dir.file("half.jpg")); }, "half.jpg");
    EXPECT_NE(j.find("half.jpg"), std::string::npos) << j;
    EXPECT_NE(j.find("truncated"), std::string::npos) << j;

    const std::string png = bytesOf(path("medseg-covid/train/GT_multiclass/0.png"));
    ctsw::test::writeFile(dir.file("half.png"), png.substr(0, png.size() / 2));
    const std::string p = outcomeOf([&] { readImage2D(dir.file("half.png")); }, "half.png");
    EXPECT_NE(p.find("half.png"), std::string::npos) << p;
    EXPECT_NE(p.find("truncated"), std::string::npos) << p;
    // A half-copied .nii.gz: ITK 5.2 alone reads it without a word, with the missing voxels made up.
    const DicomScan scan = scanDicom({path("dicom/pydicom-testfiles/CT5N_series")});
    writeNifti(readDicomSeries(scan.series.at(0)), dir.file("whole.nii.gz"));
    const std::string gz = bytesOf(dir.file("whole.nii.gz"));
    for (double fraction : {0.3, 0.8, 0.99}) {
        ctsw::test::writeFile(dir.file("cut.nii.gz"), gz.substr(0, static_cast<std::size_t>(fraction * gz.size())));
        const std::string n = outcomeOf([&] { readNifti(dir.file("cut.nii.gz")); }, "cut.nii.gz");
        EXPECT_NE(n.find("cut.nii.gz"), std::string::npos) << n;
        EXPECT_TRUE(n.find("truncated") != std::string::npos || n.find("damaged") != std::string::npos) << fraction << ": " << n;
    }
    EXPECT_EQ(readNifti(dir.file("whole.nii.gz")).depth(), 5);
    // The complete files still read, with their sizes.
    EXPECT_GT(readImage2D(path("medseg-covid/train/Imgs/0.jpg")).values.width(), 100);
}

TEST_F(CorruptedFilesData, CorruptedDicomNiftiAndNpyCopiesAreReadOrRefusedByName) {
    TempDir dir;
    // A NIfTI made from the real CT5N series, as the product writes it.
    DicomScan scan = scanDicom({path("dicom/pydicom-testfiles/CT5N_series")});
    ASSERT_EQ(scan.series.size(), 1u);
    writeNifti(readDicomSeries(scan.series[0]), dir.file("ct5n.nii"));
    struct Source {
        std::string file, ext;
        std::function<void(const std::string&)> read;
    };
    auto readDicom = [](const std::string& f) {
        DicomScan s = scanDicom({f});
        for (const DicomSeries& series : s.series)
            if (series.notLoadable.empty()) readDicomSeries(series);
    };
    const std::vector<Source> sources = {
        {path("dicom/pydicom-testfiles/CT5N_series/2062.dcm"), ".dcm", readDicom},
        {path("dicom/pydicom-testfiles/CT_small.dcm"), ".dcm", readDicom},
        {dir.file("ct5n.nii"), ".nii", [](const std::string& f) { readNifti(f); }},
        {path("covid19-ct-seg-slices/coronacases_008_image_slice_26.npy"), ".npy", [](const std::string& f) { readSliceImage(f); }},
    };
    int total = 0, refused = 0;
    unsigned seed = 100;
    for (const Source& source : sources) {
        for (const std::string& copy : corruptedCopies(bytesOf(source.file), 30, seed++)) {
            const std::string file = dir.file("copy" + std::to_string(total++) + source.ext);
            ctsw::test::writeFile(file, copy);
            const std::string outcome = outcomeOf([&] { source.read(file); }, file);
            if (!outcome.empty()) {
                ++refused;
                EXPECT_NE(outcome.find("copy"), std::string::npos) << outcome;
            }
        }
    }
    EXPECT_GT(refused, 0);
}

namespace {

// The real slice re-encoded in one compressed transfer syntax by DCMTK's own encoders; empty when the
// encoder refused it (the test then fails naming the syntax).
std::string compressedCopy(const std::string& source, E_TransferSyntax syntax, const DcmRepresentationParameter* parameters, const std::string& out) {
    static const bool registered = [] {
        DJEncoderRegistration::registerCodecs();
        DJLSEncoderRegistration::registerCodecs();
        DcmRLEEncoderRegistration::registerCodecs();
        return true;
    }();
    (void)registered;
    DcmFileFormat file;
    if (file.loadFile(source.c_str()).bad()) return "";
    DcmDataset* data = file.getDataset();
    if (data->chooseRepresentation(syntax, parameters).bad() || !data->canWriteXfer(syntax)) return "";
    if (file.saveFile(out.c_str(), syntax).bad()) return "";
    return out;
}

}  // namespace

TEST_F(CorruptedFilesData, CompressedDicomReadsAsTheUncompressedSliceAndDamagedCopiesAreRefusedByName) {
    // Every lossless syntax the reader names (supportedCompressedSyntaxes): the same HU, voxel for voxel.
    // Then the damage a copied file suffers, in the compressed stream that the decoders parse.
    TempDir dir;
    const std::string source = path("dicom/pydicom-testfiles/CT_small.dcm");
    const DicomScan plainScan = scanDicom({source});
    ASSERT_EQ(plainScan.series.size(), 1u);
    const CtVolume plain = readDicomSeries(plainScan.series[0]);
    const DJ_RPLossless jpegLossless;
    const DJLSRepresentationParameter jpegLsLossless(0, OFTrue);
    const DcmRLERepresentationParameter rle;
    struct Syntax {
        const char* name;
        E_TransferSyntax xfer;
        const DcmRepresentationParameter* parameters;
    };
    const std::vector<Syntax> syntaxes = {{"jpeg-lossless", EXS_JPEGProcess14SV1, &jpegLossless},
                                          {"jpeg-ls", EXS_JPEGLSLossless, &jpegLsLossless},
                                          {"rle", EXS_RLELossless, &rle}};
    int refused = 0, total = 0;
    unsigned seed = 300;
    for (const Syntax& syntax : syntaxes) {
        const std::string file = compressedCopy(source, syntax.xfer, syntax.parameters, dir.file(std::string(syntax.name) + ".dcm"));
        ASSERT_FALSE(file.empty()) << "DCMTK did not encode " << syntax.name;
        const DicomScan scan = scanDicom({file});
        ASSERT_EQ(scan.series.size(), 1u) << syntax.name;
        ASSERT_TRUE(scan.series[0].notLoadable.empty()) << syntax.name << ": " << scan.series[0].notLoadable;
        const CtVolume v = readDicomSeries(scan.series[0]);
        ASSERT_EQ(v.voxels().size(), plain.voxels().size()) << syntax.name;
        EXPECT_TRUE(v.voxels() == plain.voxels()) << syntax.name << " decodes to other values";

        EXPECT_EQ(scan.series[0].slices[0].transferSyntaxUid, DcmXfer(syntax.xfer).getXferID()) << syntax.name;  // stored compressed
        const int refusedBefore = refused;
        for (const std::string& copy : corruptedCopies(bytesOf(file), 30, seed++)) {
            const std::string damaged = dir.file(std::string("copy-") + syntax.name + std::to_string(total++) + ".dcm");
            ctsw::test::writeFile(damaged, copy);
            const std::string outcome = outcomeOf(
                [&] {
                    DicomScan s = scanDicom({damaged});
                    for (const DicomSeries& series : s.series)
                        if (series.notLoadable.empty()) readDicomSeries(series);
                },
                damaged);
            if (!outcome.empty()) {
                ++refused;
                EXPECT_NE(outcome.find("copy-"), std::string::npos) << outcome;
            }
        }
        std::cout << syntax.name << ": " << fs::file_size(file) << " bytes; " << refused - refusedBefore << " of 30 damaged copies refused\n";
    }
    EXPECT_GT(refused, 0);
}

namespace {

void putBigEndian32(std::string& s, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
}

// A PNG signature, an IHDR chunk (with a correct CRC) claiming `width` x `height`, and no pixels.
std::string pngHeaderClaiming(std::uint32_t width, std::uint32_t height) {
    std::string s("\x89PNG\r\n\x1a\n", 8);
    std::string chunk(4 + 4 + 13 + 4, '\0');
    putBigEndian32(chunk, 0, 13);
    std::memcpy(chunk.data() + 4, "IHDR", 4);
    putBigEndian32(chunk, 8, width);
    putBigEndian32(chunk, 12, height);
    chunk[16] = 8;  // bit depth
    chunk[17] = 0;  // grey
    const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(chunk.data() + 4), 17);
    putBigEndian32(chunk, 21, static_cast<std::uint32_t>(crc));
    // An empty IDAT chunk, so that the decoder reaches the image data where sizes are checked.
    std::string idat(12, '\0');
    std::memcpy(idat.data() + 4, "IDAT", 4);
    putBigEndian32(idat, 8, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>("IDAT"), 4)));
    return s + chunk + idat;
}

}  // namespace

TEST(UntrustedHeaders, ForgedSizesAreRefusedBeforeAnythingIsAllocated) {
    TempDir dir;
    ctsw::test::writeFile(dir.file("huge.png"), pngHeaderClaiming(65535, 65535));
    const std::string png = outcomeOf([&] { readImage2D(dir.file("huge.png")); }, "huge.png");
    EXPECT_NE(png.find("huge.png"), std::string::npos) << png;
    ctsw::test::writeFile(dir.file("wide.png"), pngHeaderClaiming(16000, 16000));
    EXPECT_NE(outcomeOf([&] { readImage2D(dir.file("wide.png")); }, "wide.png").find("larger than any CT slice"), std::string::npos);

    // NPY claiming 65535^3 int16 values in a 200-byte file.
    std::string npyHeader = "{'descr': '<i2', 'fortran_order': False, 'shape': (65535, 65535, 65535), }";
    npyHeader.append(118 - npyHeader.size() - 10 - 1 + 10, ' ');
    npyHeader += '\n';
    std::string npy = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(npyHeader.size() & 0xFF) + static_cast<char>(npyHeader.size() >> 8) + npyHeader;
    ctsw::test::writeFile(dir.file("huge.npy"), npy + std::string(64, '\0'));
    const std::string n = outcomeOf([&] { readSliceImage(dir.file("huge.npy")); }, "huge.npy");
    EXPECT_NE(n.find("huge.npy"), std::string::npos) << n;

    // NIfTI-1 header claiming 32767^3 voxels of int16, followed by a few bytes.
    std::string nii(352 + 64, '\0');
    auto put16 = [&](std::size_t at, std::int16_t v) { std::memcpy(nii.data() + at, &v, 2); };
    auto put32 = [&](std::size_t at, std::int32_t v) { std::memcpy(nii.data() + at, &v, 4); };
    auto putFloat = [&](std::size_t at, float v) { std::memcpy(nii.data() + at, &v, 4); };
    put32(0, 348);
    put16(40, 3);
    for (int d = 1; d <= 3; ++d) put16(40 + 2 * static_cast<std::size_t>(d), 32767);
    put16(70, 4);   // DT_INT16
    put16(72, 16);  // bitpix
    for (int d = 0; d < 4; ++d) putFloat(76 + 4 * static_cast<std::size_t>(d), 1.0f);
    putFloat(108, 352.0f);
    std::memcpy(nii.data() + 344, "n+1\0", 4);
    ctsw::test::writeFile(dir.file("huge.nii"), nii);
    const std::string v = outcomeOf([&] { readNifti(dir.file("huge.nii")); }, "huge.nii");
    EXPECT_NE(v.find("huge.nii"), std::string::npos) << v;
    EXPECT_TRUE(v.find("more than") != std::string::npos || v.find("truncated") != std::string::npos) << v;
    // The same header with a NaN in the orientation: ITK 5.2 would abort the process on it.
    putFloat(256, std::numeric_limits<float>::quiet_NaN());
    put16(252, 1);  // qform_code
    for (int d = 1; d <= 3; ++d) put16(40 + 2 * static_cast<std::size_t>(d), 2);
    ctsw::test::writeFile(dir.file("nan.nii"), nii);
    EXPECT_NE(outcomeOf([&] { readNifti(dir.file("nan.nii")); }, "nan.nii").find("non-finite"), std::string::npos);
}

TEST_F(CorruptedFilesData, DicomWithForgedRowsIsListedAsSkippedWithItsReason) {
    TempDir dir;
    std::string dcm = bytesOf(path("dicom/pydicom-testfiles/CT5N_series/2062.dcm"));
    // (0028,0010) Rows, explicit VR little endian: 28 00 10 00 'U' 'S' 02 00 <value>.
    const std::string rowsTag("\x28\x00\x10\x00US\x02\x00", 8);
    const std::size_t at = dcm.find(rowsTag);
    ASSERT_NE(at, std::string::npos);
    dcm[at + 8] = '\xFF';
    dcm[at + 9] = '\xFF';
    ctsw::test::writeFile(dir.file("forged.dcm"), dcm);
    DicomScan scan = scanDicom({dir.file("forged.dcm")});
    EXPECT_TRUE(scan.series.empty());
    ASSERT_EQ(scan.skipped.size(), 1u);
    EXPECT_NE(scan.skipped[0].reason.find("larger than any CT"), std::string::npos) << scan.skipped[0].reason;
    // Rows made smaller than the pixel data is fine to detect too: bigger than the data is "truncated".
    dcm[at + 8] = '\x00';
    dcm[at + 9] = '\x01';  // 256 rows of 16 columns: more than the 16x16 pixels held
    ctsw::test::writeFile(dir.file("forged.dcm"), dcm);
    scan = scanDicom({dir.file("forged.dcm")});
    ASSERT_EQ(scan.skipped.size(), 1u);
    EXPECT_NE(scan.skipped[0].reason.find("truncated pixel data"), std::string::npos) << scan.skipped[0].reason;
}

TEST(FuzzRegressions, EveryInputTheFuzzersFoundIsRefusedByName) {
    const fs::path root = fs::path(CTSW_SOURCE_DIR) / "tests/fuzz/regressions";
    ASSERT_TRUE(fs::is_directory(root)) << root;
    int replayed = 0;
    for (const auto& kind : fs::directory_iterator(root)) {
        for (const auto& entry : fs::directory_iterator(kind.path())) {
            const std::string file = entry.path().string();
            const std::string k = kind.path().filename().string();
            ++replayed;
            if (k == "json") {
                EXPECT_THROW(Json::parse(bytesOf(file)), JsonError) << file;
            } else if (k == "dicom") {
                const std::string outcome = outcomeOf([&] {
                    DicomScan s = scanDicom({file});
                    for (const DicomSeries& series : s.series)
                        if (series.notLoadable.empty()) readDicomSeries(series);
                    if (!s.skipped.empty()) throw IoError(s.skipped[0].path, s.skipped[0].reason);
                }, file);
                EXPECT_NE(outcome.find(entry.path().filename().string()), std::string::npos) << file << ": " << outcome;
            } else if (k == "nifti") {
                EXPECT_NE(outcomeOf([&] { readNifti(file); }, file).find(file), std::string::npos) << file;
            } else if (k == "png" || k == "jpeg" || k == "npy" || k == "mask_png") {
                const std::string outcome = outcomeOf([&] { readImage2D(file); }, file);
                EXPECT_NE(outcome.find(file), std::string::npos) << file << ": " << outcome;
                // The PNG whose text chunk claims 2 GiB is refused before libpng allocates that.
                if (file.find("claims-2-gib") != std::string::npos) {
                    EXPECT_NE(outcome.find("tEXt chunk claims 2046820389 bytes"), std::string::npos) << outcome;
                }
            } else {
                ADD_FAILURE() << "no replay rule for " << kind.path();
            }
        }
    }
    EXPECT_GE(replayed, 3);
}

TEST_F(CorruptedFilesData, AFolderOfThousandsOfFilesListsEverySeriesAndSaysWhyEachBadFileIsSkipped) {
    TempDir dir;
    const ctsw::test::MixedDicomFolder made = ctsw::test::makeMixedDicomFolder(data_, dir.path().string(), 1000, 600);
    ASSERT_GE(made.files(), 5000);
    const DicomScan scan = scanDicom({dir.path().string()});
    EXPECT_EQ(static_cast<int>(scan.series.size()), made.series);
    for (const DicomSeries& s : scan.series) {
        EXPECT_EQ(static_cast<int>(s.slices.size()), made.slicesPerSeries) << s.id;
        EXPECT_TRUE(s.notLoadable.empty()) << s.id << ": " << s.notLoadable;
    }
    ASSERT_EQ(static_cast<int>(scan.skipped.size()), made.junk + made.truncated);
    int notDicom = 0, truncated = 0;
    for (const SkippedFile& f : scan.skipped) {
        EXPECT_FALSE(f.reason.empty()) << f.path;
        notDicom += f.reason == "not a DICOM file";
        truncated += f.reason.find("truncated") != std::string::npos;
    }
    EXPECT_EQ(truncated, made.truncated);
    EXPECT_EQ(notDicom, made.junk);
    // One series of the thousand reads as a volume.
    EXPECT_EQ(readDicomSeries(scan.series[500]).depth(), made.slicesPerSeries);
}
