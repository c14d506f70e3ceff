// Faults a user's machine produces, with nothing lost: a disk that fills during training (checkpoint
// and model saves), during export and during a document save. Each test mounts a small tmpfs of its
// own (root only; skipped with the reason otherwise, and CI runs as root) and fills it at a chosen
// moment, so that the write fails with the real ENOSPC.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "../support/TestSupport.h"
#include "image/Labels.h"
#include "io/Document.h"
#include "io/ImageFiles.h"
#include "io/IoError.h"
#include "json/Json.h"

using namespace ctsw;
using ctsw::test::CommandResult;
using ctsw::test::shellQuote;
using ctsw::test::TempDir;
namespace fs = std::filesystem;

namespace {

// A tmpfs of `size` (mount(8) syntax) at a fresh folder, unmounted when the object goes away.
class SmallDisk {
public:
    explicit SmallDisk(const std::string& size) {
        const std::string options = "size=" + size;
        if (::geteuid() == 0 && ::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) == 0) mounted_ = true;
    }
    ~SmallDisk() {
        if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }
    std::string file(const std::string& name) const { return dir_.file(name); }
    // Fills what is left with one file (removed by empty()).
    void fill() const {
        std::ofstream out(file("filler"), std::ios::binary);
        const std::string block(64 * 1024, '\0');
        while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
        }
    }
    void empty() const { fs::remove(file("filler")); }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(dir_.path())) out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    TempDir dir_{"ctsw-small-disk"};
    bool mounted_ = false;
};

#define REQUIRE_SMALL_DISK(disk) \
    if (!(disk).mounted()) GTEST_SKIP() << "needs root to mount a small tmpfs (disk-full tests); skipping"

class FaultsData : public ::testing::Test {
protected:
    void SetUp() override {
        data_ = ctsw::test::dataDir();
        if (data_.empty()) GTEST_SKIP() << "real data folder not found; skipping";
        std::ofstream(work_.file("long.json")) << "{\"stage1_iterations\": 60, \"stage1_decay_start\": 30, \"checkpoint_every\": 5}";
    }
    std::string trainArgs(const std::string& out) const {
        const std::string d = data_ + "/covid19-ct-seg-slices/";
        return "train --image " + shellQuote(d + "coronacases_001_image_slice_110.npy") + " --mask " + shellQuote(d + "coronacases_001_masks_slice_110.npy") +
               " --mapping lung-left-right --orient flip-y --preset smoke --threads 1 --config " + shellQuote(work_.file("long.json")) + " --out " +
               shellQuote(out);
    }
    CommandResult run(const std::string& args) { return ctsw::test::runCommand(shellQuote(COSINGAN_EXE) + " " + args, scratch_); }
    // Starts training into `model`, fills `disk` once an event line holds `pattern`, waits for the end.
    CommandResult trainFillingTheDiskAfter(const SmallDisk& disk, const std::string& model, const std::string& pattern) {
        static int n = 0;
        const std::string events = work_.file("events-" + std::to_string(n++) + ".jsonl");
        const std::string script = shellQuote(COSINGAN_EXE) + " " + trainArgs(model) + " --events jsonl > " + shellQuote(events) +
                                   " & pid=$!; for i in $(seq 600); do grep -qF " + shellQuote(pattern) + " " + shellQuote(events) +
                                   " 2>/dev/null && break; sleep 0.02; done; dd if=/dev/zero of=" + shellQuote(disk.file("filler")) +
                                   " bs=64k 2>/dev/null; wait $pid; echo rc=$?";
        CommandResult r = ctsw::test::runCommand("sh -c " + shellQuote(script), scratch_);
        r.err += ctsw::test::readFile(events);
        return r;
    }
    std::string data_;
    TempDir scratch_{"ctsw-faults-io"};
    TempDir work_{"ctsw-faults"};
};

}  // namespace

TEST_F(FaultsData, ADiskThatFillsDuringTrainingStopsItCleanlyAndResumeFinishesTheSameModel) {
    const std::string reference = work_.file("reference");
    ASSERT_EQ(run(trainArgs(reference)).exitCode, 0);
    // Right at the start (the model folder's first files), after the last checkpoint of scale 0 stage 1
    // (the stage's weights, a model file, are the next write) and after the first checkpoint (the next
    // checkpoint write fails).
    struct Moment {
        std::string pattern;
        bool resumable;  // false: stopped before the model's config was saved, so it starts again
    };
    for (const Moment& moment : {Moment{"\"type\":\"started\"", false}, Moment{"\"iteration\":55,\"path\"", true}, Moment{"\"type\":\"checkpoint\"", true}}) {
        SmallDisk disk("24m");
        REQUIRE_SMALL_DISK(disk);
        const std::string model = disk.file("model");
        CommandResult r = trainFillingTheDiskAfter(disk, model, moment.pattern);
        const std::string what = moment.pattern + ": ";
        EXPECT_NE(r.out.find("rc=1"), std::string::npos) << what << r.out << r.err;
        EXPECT_NE(r.err.find("the disk is full"), std::string::npos) << what << r.err;
        EXPECT_NE(r.err.find("\"type\":\"failed\""), std::string::npos) << what << "the event stream says it failed";
        // No temporary file or partial checkpoint is left behind.
        for (const auto& e : fs::recursive_directory_iterator(model)) {
            EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
            EXPECT_EQ(e.path().filename().string().find(".partial"), std::string::npos) << e.path();
        }
        EXPECT_EQ(fs::exists(model + "/config.json"), moment.resumable) << what;
        disk.empty();
        r = moment.resumable ? run("train --resume --threads 1 --out " + shellQuote(model)) : run(trainArgs(model));
        ASSERT_EQ(r.exitCode, 0) << what << r.err;
        EXPECT_TRUE(ctsw::test::weightFilesOf(model) == ctsw::test::weightFilesOf(reference)) << what << "the finished model differs from the uninterrupted one";
    }
}

TEST_F(FaultsData, ExportOnAFullDiskLeavesThePreviousDatasetAndNoPartOfTheNewOne) {
    const std::string model = work_.file("model");
    ASSERT_EQ(run(trainArgs(model)).exitCode, 0);
    SmallDisk disk("4m");
    REQUIRE_SMALL_DISK(disk);
    const std::string mask = shellQuote(data_ + "/covid19-ct-seg-slices/coronacases_001_masks_slice_110.npy");
    const std::string synth = "synthesize --model " + shellQuote(model) + " --mask " + mask + " --mapping lung-left-right --threads 1 --count ";
    CommandResult r = run(synth + "2 --out " + shellQuote(disk.file("first")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string before = ctsw::test::readFile(disk.file("first/manifest.json"));
    disk.fill();
    r = run(synth + "20 --out " + shellQuote(disk.file("second")));
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_NE(r.err.find("disk is full"), std::string::npos) << r.err;
    EXPECT_EQ(disk.names(), (std::vector<std::string>{"filler", "first"})) << "no partial dataset, hidden or not";
    EXPECT_EQ(ctsw::test::readFile(disk.file("first/manifest.json")), before);
    const Json manifest = readJsonFile(disk.file("first/manifest.json"));
    for (const Json& s : manifest.at("samples").asArray()) EXPECT_NO_THROW(readImage2D(disk.file("first/" + s.at("image").asString())));
}

TEST(Faults, DocumentSaveOnAFullDiskKeepsThePreviousDocument) {
    SmallDisk disk("1m");
    REQUIRE_SMALL_DISK(disk);
    Geometry g;
    g.size = {256, 256, 8};
    LabelVolume masks(g);
    std::fill(masks.voxels().begin(), masks.voxels().begin() + 5000, std::uint8_t(1));
    DocumentInfo info;
    info.sourcePath = "/data/ct";
    info.trainingSlice = 3;
    const std::string doc = disk.file("doc");
    saveDocument(doc, info, masks);
    disk.fill();
    // Noise does not compress: the new masks cannot fit in what is left.
    LabelVolume edited(g);
    for (std::size_t i = 0; i < edited.voxels().size(); ++i) edited.voxels()[i] = static_cast<std::uint8_t>((i * 2654435761u >> 7) % 3);
    info.trainingSlice = 5;
    try {
        saveDocument(doc, info, edited);
        FAIL() << "saving on a full disk did not fail";
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("disk"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(doc), std::string::npos) << e.what();
    }
    EXPECT_EQ(readDocumentInfo(doc).trainingSlice, 3);
    EXPECT_TRUE(readDocumentMasks(doc).voxels() == masks.voxels());
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(doc)) files.push_back(e.path().filename().string());
    std::sort(files.begin(), files.end());
    EXPECT_EQ(files, (std::vector<std::string>{"document.json", "masks.nii.gz"})) << "no temporary file is left";
}

namespace {

// Two different mask volumes, so that a reader can tell which save it got.
LabelVolume maskVersion(int version) {
    Geometry g;
    g.size = {128, 128, 6};
    LabelVolume m(g);
    for (std::size_t i = 0; i < m.voxels().size(); ++i) m.voxels()[i] = static_cast<std::uint8_t>(((i / 97) + static_cast<std::size_t>(version)) % 3);
    return m;
}

}  // namespace

// Run only as the child of the next test: saves the document and the recovery copy, alternating two
// versions, until it is killed.
TEST(Faults, ChildSavesUntilKilled) {
    const char* dir = std::getenv("CTSW_TEST_SAVE_LOOP");
    if (!dir) GTEST_SKIP() << "runs only as a child process of KilledDuringSavesTheDocumentAndTheRecoveryCopyStayReadable";
    const LabelVolume versions[2] = {maskVersion(0), maskVersion(1)};
    DocumentInfo info;
    info.sourcePath = "/data/ct-series";
    info.seriesId = "1.2.3";
    std::printf("saving\n");
    std::fflush(stdout);
    for (long n = 0;; ++n) {
        info.trainingSlice = static_cast<int>(n % 2);
        saveDocument(std::string(dir) + "/doc", info, versions[n % 2]);
        writeRecovery(info, versions[n % 2]);
    }
}

TEST(Faults, KilledDuringSavesTheDocumentAndTheRecoveryCopyStayReadable) {
    TempDir dir;
    const std::string self = fs::read_symlink("/proc/self/exe").string();
    const LabelVolume versions[2] = {maskVersion(0), maskVersion(1)};
    setenv("XDG_DATA_HOME", dir.path().c_str(), 1);
    // Kill times spread over a save (one document save and one recovery save take a few ms here).
    for (int delayMs : {3, 11, 26, 47, 80}) {
        const std::string script = "env CTSW_TEST_SAVE_LOOP=" + shellQuote(dir.path().string()) + " XDG_DATA_HOME=" + shellQuote(dir.path().string()) + " " +
                                   shellQuote(self) + " --gtest_filter=Faults.ChildSavesUntilKilled > " + shellQuote(dir.file("child.out")) +
                                   " & pid=$!; while ! grep -q saving " + shellQuote(dir.file("child.out")) + " 2>/dev/null; do sleep 0.01; done; sleep " +
                                   std::to_string(0.05 + delayMs / 1000.0) + "; kill -KILL $pid; wait $pid; exit 0";
        ASSERT_EQ(std::system(("sh -c " + shellQuote(script)).c_str()), 0);
        const std::string doc = dir.file("doc");
        if (!fs::exists(doc + "/document.json")) continue;  // killed before the first complete save
        const DocumentInfo info = readDocumentInfo(doc);
        const LabelVolume masks = readDocumentMasks(doc);
        EXPECT_TRUE(masks.voxels() == versions[0].voxels() || masks.voxels() == versions[1].voxels()) << "kill after " << delayMs << " ms";
        EXPECT_TRUE(info.trainingSlice == 0 || info.trainingSlice == 1);
        const auto recovery = findRecovery("/data/ct-series", "1.2.3");
        ASSERT_TRUE(recovery.has_value()) << "kill after " << delayMs << " ms";
        const LabelVolume recovered = readNiftiLabels(recovery->maskPath, LabelMapping::named("identity"));
        EXPECT_TRUE(recovered.voxels() == versions[0].voxels() || recovered.voxels() == versions[1].voxels()) << "kill after " << delayMs << " ms";
    }
    // A save after the kills removes what the killed process left half-written.
    saveDocument(dir.file("doc"), DocumentInfo{}, versions[0]);
    for (const auto& e : fs::directory_iterator(dir.file("doc")))
        EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
}
