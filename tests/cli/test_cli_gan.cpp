// `cosingan train`, `synthesize` and `lung-mask` run as processes on real data (smoke preset, 1 thread).
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "image/Labels.h"
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

class CliGanData : public ::testing::Test {
protected:
    void SetUp() override {
        data_ = ctsw::test::dataDir();
        if (data_.empty()) GTEST_SKIP() << "real data folder not found; skipping";
        image_ = shellQuote(data_ + "/covid19-ct-seg-slices/coronacases_001_image_slice_110.npy");
        mask_ = shellQuote(data_ + "/covid19-ct-seg-slices/coronacases_001_masks_slice_110.npy");
    }
    CommandResult run(const std::string& args) { return ctsw::test::runCommand(shellQuote(COSINGAN_EXE) + " " + args, scratch_); }
    std::string trainArgs(const std::string& out) const {
        return "train --image " + image_ + " --mask " + mask_ + " --mapping lung-left-right --orient flip-y --preset smoke --threads 1 --out " + shellQuote(out);
    }
    std::vector<Json> events(const std::string& text) {
        std::vector<Json> out;
        std::istringstream in(text);
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            try {
                out.push_back(Json::parse(line));
            } catch (const JsonError& e) {
                ADD_FAILURE() << "event line is not JSON: " << line;
            }
        }
        return out;
    }
    std::string data_, image_, mask_;
    TempDir scratch_{"ctsw-cligan-io"};
    TempDir work_{"ctsw-cligan"};
};

}  // namespace

TEST_F(CliGanData, TrainEmitsEventsAndSynthesizeWritesADataset) {
    const std::string model = work_.file("model");
    CommandResult r = run(trainArgs(model) + " --events jsonl");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto ev = events(r.out);
    ASSERT_GE(ev.size(), 4u);
    EXPECT_EQ(ev.front().at("type").asString(), "started");
    EXPECT_EQ(ev.back().at("type").asString(), "finished");
    bool sawGan = false, sawNotice = false;
    for (const auto& e : ev) {
        if (e.at("type").asString() == "notice") sawNotice = e.at("message").asString().find("VGG19") != std::string::npos;
        if (e.at("type").asString() != "progress" || e.stringOr("phase", "") != "gan") continue;
        sawGan = true;
        for (const char* key : {"scale", "stage", "iteration", "iterations_total", "loss_d", "loss_g_adv", "loss_wppl", "loss_msssim", "loss_vgg", "loss_unet",
                                "lr", "iterations_per_second", "eta_seconds"})
            EXPECT_TRUE(e.contains(key)) << key;
    }
    EXPECT_TRUE(sawGan);
    EXPECT_TRUE(sawNotice) << "the VGG term being off must be said";

    const std::string out = work_.file("dataset");
    r = run("synthesize --model " + shellQuote(model) + " --mask " + mask_ + " --mapping lung-left-right --orient flip-y --count 3 --seed 5 --threads 1 --out " +
            shellQuote(out));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    Json manifest = readJsonFile(out + "/manifest.json");
    ASSERT_EQ(manifest.at("samples").size(), 3u);
    EXPECT_EQ(manifest.at("format").asString(), "cosingan-dataset");
    EXPECT_EQ(manifest.at("model_id").asString().size(), 16u);
    EXPECT_EQ(manifest.at("samples")[1].at("seed").asInt(), 6);
    for (const auto& s : manifest.at("samples").asArray()) {
        RawImage2D png = readImage2D(out + "/" + s.at("mask").asString());
        LabelVolume nii = readNiftiLabels(out + "/" + s.at("mask_nifti").asString(), LabelMapping::named("identity"));
        ASSERT_EQ(png.values.width(), 48);
        for (std::size_t i = 0; i < png.values.pixels().size(); ++i) ASSERT_EQ(static_cast<int>(png.values.pixels()[i]), nii.voxels()[i]);
        CtVolume img = readNifti(out + "/" + s.at("image_nifti").asString());
        const Range hu = valueRange(img.voxels());
        EXPECT_GE(hu.min, -1250.0f);
        EXPECT_LE(hu.max, 250.0f);
    }
    EXPECT_TRUE(fs::exists(out + "/manifest.csv"));
    // The output folder is never overwritten without asking.
    r = run("synthesize --model " + shellQuote(model) + " --mask " + mask_ + " --mapping lung-left-right --count 1 --out " + shellQuote(out));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
}

TEST_F(CliGanData, SigtermStopsWithACheckpointAndResumeFinishes) {
    const std::string model = work_.file("model");
    const std::string config = work_.file("long.json");
    std::ofstream(config) << "{\"stage1_iterations\": 150, \"stage1_decay_start\": 100, \"checkpoint_every\": 1000}";
    const std::string eventsPath = work_.file("events.jsonl");
    // Start training in the background, wait for its first GAN progress event, then send SIGTERM.
    const std::string script = shellQuote(COSINGAN_EXE) + " " + trainArgs(model) + " --config " + shellQuote(config) + " --events jsonl > " +
                               shellQuote(eventsPath) + " & pid=$!; for i in $(seq 600); do grep -q '\"phase\":\"gan\"' " + shellQuote(eventsPath) +
                               " 2>/dev/null && break; sleep 0.1; done; kill -TERM $pid; wait $pid; echo rc=$?";
    CommandResult r = ctsw::test::runCommand("sh -c " + shellQuote(script), scratch_);
    EXPECT_NE(r.out.find("rc=0"), std::string::npos) << r.out << r.err;
    auto ev = events(ctsw::test::readFile(eventsPath));
    ASSERT_FALSE(ev.empty());
    EXPECT_EQ(ev.back().at("type").asString(), "stopped");
    EXPECT_TRUE(fs::exists(model + "/checkpoint/state.json"));
    const Json state = readJsonFile(model + "/checkpoint/state.json");
    EXPECT_TRUE(fs::exists(model + "/checkpoint/" + state.at("folder").asString() + "/g.pt"));

    r = run("train --resume --threads 1 --events jsonl --out " + shellQuote(model));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto resumed = events(r.out);
    EXPECT_TRUE(resumed.front().at("resumed").asBool());
    EXPECT_EQ(resumed.back().at("type").asString(), "finished");
    r = run("synthesize --model " + shellQuote(model) + " --mask " + mask_ + " --mapping lung-left-right --count 1 --out " + shellQuote(work_.file("ds")));
    EXPECT_EQ(r.exitCode, 0) << r.err;
}

namespace {

bool killedBySignal(const CommandResult& r) { return r.exitCode == -1 || r.exitCode == 128 + SIGKILL; }

}  // namespace

TEST_F(CliGanData, SigkillAtAnyPointThenResumeGivesTheUninterruptedModel) {
    const std::string reference = work_.file("reference");
    CommandResult r = run(trainArgs(reference));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto expected = ctsw::test::weightFilesOf(reference);
    ASSERT_GE(expected.size(), 8u);

    // Three kills at named points (inside a checkpoint write, between a checkpoint's files and its
    // commit, between a finished stage's weights and the model's config) and two from outside, as soon as
    // the run reports a moment (its first stage-2 progress, its first checkpoint of stage 2): wherever
    // the run then is, with much of it still to go whatever the machine's load.
    struct Kill {
        std::string faultPoint;
        std::string afterEvent;
    };
    const std::vector<Kill> kills = {{"checkpoint-files:2", ""}, {"checkpoint-commit:4", ""}, {"stage-saved:3", ""},
                                     {"", "\"stage\":2"}, {"", "\"type\":\"checkpoint\",\"scale\":0,\"stage\":2"}};
    for (std::size_t k = 0; k < kills.size(); ++k) {
        const std::string model = work_.file("killed" + std::to_string(k));
        if (!kills[k].faultPoint.empty()) {
            r = ctsw::test::runCommand("env CTSW_FAULT_KILL_AT=" + kills[k].faultPoint + " " + shellQuote(COSINGAN_EXE) + " " + trainArgs(model), scratch_);
        } else {
            const std::string eventsPath = work_.file("events" + std::to_string(k) + ".jsonl");
            r = ctsw::test::runCommand("sh -c " + shellQuote(shellQuote(COSINGAN_EXE) + " " + trainArgs(model) + " --events jsonl > " + shellQuote(eventsPath) +
                                                                 " & pid=$!; for i in $(seq 6000); do grep -qF " + shellQuote(kills[k].afterEvent) + " " +
                                                                 shellQuote(eventsPath) + " 2>/dev/null && break; sleep 0.01; done; kill -KILL $pid; wait $pid; exit $?"),
                                       scratch_);
        }
        ASSERT_TRUE(killedBySignal(r)) << "kill " << k << " did not happen (exit " << r.exitCode << "): " << r.err;
        r = run("train --resume --threads 1 --out " + shellQuote(model));
        ASSERT_EQ(r.exitCode, 0) << "resume after kill " << k << ": " << r.err;
        const auto got = ctsw::test::weightFilesOf(model);
        ASSERT_EQ(got.size(), expected.size()) << "kill " << k;
        for (const auto& [name, bytes] : expected) EXPECT_TRUE(got.at(name) == bytes) << name << " differs after kill " << k << " and resume";
        EXPECT_FALSE(fs::exists(model + "/checkpoint")) << "a finished model keeps no checkpoint";
    }
}

TEST_F(CliGanData, ADamagedCheckpointIsNamedAndTheEarlierOneIsUsed) {
    // A checkpoint every 2 iterations: the kill inside the 4th leaves the 3rd (state.json) and the 2nd
    // (previous.json) of scale 0, stage 1.
    const std::string config = work_.file("often.json");
    std::ofstream(config) << "{\"checkpoint_every\": 2}";
    auto args = [&](const std::string& out) { return trainArgs(out) + " --config " + shellQuote(config); };
    const std::string model = work_.file("model");
    CommandResult r = ctsw::test::runCommand("env CTSW_FAULT_KILL_AT=checkpoint-files:4 " + shellQuote(COSINGAN_EXE) + " " + args(model), scratch_);
    ASSERT_TRUE(killedBySignal(r)) << r.err;
    const Json state = readJsonFile(model + "/checkpoint/state.json");
    ASSERT_TRUE(fs::exists(model + "/checkpoint/previous.json"));
    // Truncate the newest checkpoint's discriminator: resume names it and continues from the one before.
    const std::string damaged = model + "/checkpoint/" + state.at("folder").asString() + "/d.pt";
    fs::resize_file(damaged, fs::file_size(damaged) / 2);
    r = run("train --resume --threads 1 --events jsonl --out " + shellQuote(model));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    bool named = false;
    for (const Json& e : events(r.out))
        if (e.stringOr("type", "") == "notice" && e.stringOr("message", "").find(damaged) != std::string::npos) named = true;
    EXPECT_TRUE(named) << r.out;
    const std::string reference = work_.file("reference");
    ASSERT_EQ(run(args(reference)).exitCode, 0);
    EXPECT_TRUE(ctsw::test::weightFilesOf(model) == ctsw::test::weightFilesOf(reference)) << "resuming from the earlier checkpoint must give the same model";

    // Both checkpoints damaged: a clear refusal naming the file and what to do, nothing overwritten.
    const std::string second = work_.file("second");
    r = ctsw::test::runCommand("env CTSW_FAULT_KILL_AT=checkpoint-files:4 " + shellQuote(COSINGAN_EXE) + " " + args(second), scratch_);
    ASSERT_TRUE(killedBySignal(r));
    for (const char* name : {"state.json", "previous.json"}) {
        const Json st = readJsonFile(second + "/checkpoint/" + name);
        const std::string g = second + "/checkpoint/" + st.at("folder").asString() + "/g.pt";
        std::ofstream(g, std::ios::binary | std::ios::trunc) << "garbage";
    }
    r = run("train --resume --threads 1 --out " + shellQuote(second));
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_NE(r.err.find("g.pt"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("delete"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(second + "/checkpoint/state.json"));
}

TEST_F(CliGanData, BadInputIsRefusedNamingTheFile) {
    // A mask of another size than the image.
    const std::string small = work_.file("small.npy");
    writeNpyFloat32(small, {10, 12}, std::vector<float>(120, 0.0f));
    CommandResult r = run("train --image " + image_ + " --mask " + shellQuote(small) + " --preset smoke --out " + shellQuote(work_.file("m")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("small.npy"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("512x512"), std::string::npos) << r.err;
    // A model folder that is not one.
    fs::create_directories(work_.file("empty-model"));
    r = run("synthesize --model " + shellQuote(work_.file("empty-model")) + " --mask " + mask_ + " --mapping lung-left-right --out " + shellQuote(work_.file("x")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("config.json"), std::string::npos) << r.err;
    // An unknown preset.
    r = run(trainArgs(work_.file("m2")) + " --preset huge");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("huge"), std::string::npos) << r.err;
}

TEST_F(CliGanData, NnunetAndMonaiLayoutsReadByNibabelOnTheMasksGrid) {
    if (!ctsw::test::haveNibabel()) GTEST_SKIP() << "/usr/bin/python3 cannot import nibabel";
    const std::string model = work_.file("model");
    ASSERT_EQ(run(trainArgs(model)).exitCode, 0);
    // The radiologists' mask as a one-slice NIfTI on a patient grid (0.7 mm pixels, 5 mm slice, an origin).
    LabelSlice labels = readMaskSlice(data_ + "/covid19-ct-seg-slices/coronacases_001_masks_slice_110.npy", LabelMapping::named("lung-left-right"), 0, 0,
                                      Orientation2D::FlipY);
    Geometry grid;
    grid.size = {labels.width(), labels.height(), 1};
    grid.spacing = {0.7, 0.7, 5.0};
    grid.origin = {-180.0, -175.0, -310.0};
    const std::string maskNifti = work_.file("mask110.nii.gz");
    writeNiftiLabels(sliceAsVolume(labels, grid), maskNifti);

    const std::string raw = work_.file("nnUNet_raw");
    CommandResult r = run("synthesize --model " + shellQuote(model) + " --mask " + shellQuote(maskNifti) + " --count 3 --threads 1 --layout nnunet --dataset-id 42 --name CovidSynth --out " +
                          shellQuote(raw));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string dataset = raw + "/Dataset042_CovidSynth";
    const Json d = readJsonFile(dataset + "/dataset.json");
    EXPECT_EQ(d.at("channel_names").at("0").asString(), "CT");
    EXPECT_EQ(d.at("labels").at("background").asInt(), 0);
    EXPECT_EQ(d.at("labels").at("lung").asInt(), 1);
    EXPECT_EQ(d.at("labels").at("infection").asInt(), 2);
    EXPECT_EQ(d.at("numTraining").asInt(), 3);
    EXPECT_EQ(d.at("file_ending").asString(), ".nii.gz");
    // nibabel: every case has its image (channel 0000) and label on the same grid, the source's spacing
    // scaled to the model's size, integer labels 0-2.
    const std::string check =
        "import sys, json, glob, os, numpy, nibabel\n"
        "root = sys.argv[1]; out = []\n"
        "for lab in sorted(glob.glob(os.path.join(root, 'labelsTr', '*.nii.gz'))):\n"
        "    case = os.path.basename(lab)[:-len('.nii.gz')]\n"
        "    img = nibabel.load(os.path.join(root, 'imagesTr', case + '_0000.nii.gz')); l = nibabel.load(lab)\n"
        "    ld = numpy.asanyarray(l.dataobj)\n"
        "    out.append({'case': case, 'shape': list(img.shape), 'same_shape': img.shape == l.shape,\n"
        "                'same_affine': bool(numpy.allclose(img.affine, l.affine)), 'zooms': [float(z) for z in img.header.get_zooms()],\n"
        "                'labels': sorted(int(v) for v in numpy.unique(ld)), 'min': float(numpy.asanyarray(img.dataobj).min())})\n"
        "print(json.dumps(out))\n";
    {
        std::ofstream f(work_.file("check.py"));
        f << check;
    }
    r = ctsw::test::runCommand("/usr/bin/python3 " + shellQuote(work_.file("check.py")) + " " + shellQuote(dataset), scratch_);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json cases = Json::parse(r.out);
    ASSERT_EQ(cases.size(), 3u);
    const double scaled = 0.7 * labels.width() / 48.0;  // the smoke model's top size
    for (const Json& c : cases.asArray()) {
        EXPECT_EQ(c.at("case").asString().rfind("CovidSynth_", 0), 0u) << c.dump();
        EXPECT_TRUE(c.at("same_shape").asBool()) << c.dump();
        EXPECT_TRUE(c.at("same_affine").asBool()) << c.dump();
        EXPECT_EQ(c.at("shape").dump(), "[48,48,1]");
        EXPECT_NEAR(c.at("zooms")[0].asNumber(), scaled, 1e-4);
        EXPECT_NEAR(c.at("zooms")[1].asNumber(), scaled, 1e-4);
        EXPECT_NEAR(c.at("zooms")[2].asNumber(), 5.0, 1e-4);
        EXPECT_EQ(c.at("labels").dump(), "[0,1]");  // lung only on this mask
        EXPECT_LT(c.at("min").asNumber(), 0);  // HU, not grey levels: the lung window lies below zero
    }
    EXPECT_TRUE(fs::exists(dataset + "/manifest.json"));
    // The same folder again is refused; the id and name belong to nnunet alone.
    r = run("synthesize --model " + shellQuote(model) + " --mask " + shellQuote(maskNifti) + " --layout nnunet --dataset-id 42 --name CovidSynth --out " + shellQuote(raw));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("Dataset042_CovidSynth"), std::string::npos) << r.err;
    EXPECT_EQ(run("synthesize --model " + shellQuote(model) + " --mask " + shellQuote(maskNifti) + " --name X --out " + shellQuote(work_.file("y"))).exitCode, 1);
    EXPECT_EQ(run("synthesize --model " + shellQuote(model) + " --mask " + shellQuote(maskNifti) + " --layout nnunet --name 'a b' --out " + shellQuote(raw)).exitCode, 1);

    // MONAI: a datalist whose entries name existing NIfTI pairs.
    const std::string monai = work_.file("monai");
    r = run("synthesize --model " + shellQuote(model) + " --mask " + shellQuote(maskNifti) + " --count 2 --threads 1 --layout monai --out " + shellQuote(monai));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json list = readJsonFile(monai + "/datalist.json");
    ASSERT_EQ(list.at("training").size(), 2u);
    for (const Json& e : list.at("training").asArray()) {
        EXPECT_TRUE(fs::exists(monai + "/" + e.at("image").asString())) << e.dump();
        EXPECT_TRUE(fs::exists(monai + "/" + e.at("label").asString())) << e.dump();
        const LabelVolume back = readNiftiLabels(monai + "/" + e.at("label").asString(), LabelMapping::named("identity"));
        EXPECT_NEAR(back.geometry().spacing[0], scaled, 1e-4);
    }
}

TEST_F(CliGanData, LesionsFromMedSegMasksLandInsideTheLungWithinTheBurdenRepeatablyPerSeed) {
    const std::string ct = data_ + "/dicom/chest-ct-A0002";
    const std::string args = "lesions --image " + shellQuote(ct) + " --like " + shellQuote(data_ + "/medseg-covid/train") +
                             " --slices 10:12 --count 2 --burden 0.05:0.2 --seed 3 --layout png --peripheral --out ";
    CommandResult r = run(args + shellQuote(work_.file("a")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("derived"), std::string::npos) << r.out;
    const Json manifest = readJsonFile(work_.file("a/manifest.json"));
    ASSERT_EQ(manifest.at("masks").size(), 6u);  // 3 slices x 2
    std::vector<std::vector<std::uint8_t>> masks;
    for (const Json& m : manifest.at("masks").asArray()) {
        const int z = m.at("slice").asInt();
        const LabelSlice placed = readMaskSlice(work_.file("a/" + m.at("mask").asString()), LabelMapping::named("identity"));
        // The lung `lung-mask` derives for the same slice: infection only inside it, all of it kept.
        const std::string lungFile = work_.file("lung" + std::to_string(z) + ".png");
        ASSERT_EQ(run("lung-mask --image " + shellQuote(ct) + " --slice " + std::to_string(z) + " --out " + shellQuote(lungFile)).exitCode, 0);
        const LabelSlice lung = readMaskSlice(lungFile, LabelMapping::named("identity"));
        ASSERT_EQ(lung.pixels().size(), placed.pixels().size());
        std::size_t lungPixels = 0, infected = 0;
        for (std::size_t i = 0; i < lung.pixels().size(); ++i) {
            ASSERT_EQ(lung.pixels()[i] != 0, placed.pixels()[i] != 0) << "slice " << z << " pixel " << i;
            lungPixels += lung.pixels()[i] != 0;
            infected += placed.pixels()[i] == 2;
        }
        const double burden = static_cast<double>(infected) / lungPixels;
        EXPECT_NEAR(burden, m.at("burden").asNumber(), 1e-6);
        EXPECT_GE(burden, 0.05 - 1.0 / lungPixels);
        EXPECT_LE(burden, 0.2);
        EXPECT_GT(m.at("lesions_placed").asInt(), 0);
        for (const auto& other : masks) EXPECT_NE(other, placed.pixels());  // masks of one run differ
        masks.push_back(placed.pixels());
    }
    // The same seed gives the same masks; another seed others.
    ASSERT_EQ(run(args + shellQuote(work_.file("b"))).exitCode, 0);
    const std::string first = readJsonFile(work_.file("a/manifest.json")).at("masks")[0].at("mask").asString();
    EXPECT_EQ(ctsw::test::readFile(work_.file("a/" + first)), ctsw::test::readFile(work_.file("b/" + first)));
    r = run("lesions --image " + shellQuote(ct) + " --like " + shellQuote(data_ + "/medseg-covid/train") + " --slices 10 --seed 4 --burden 0.05:0.2 --layout png --out " +
            shellQuote(work_.file("c")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(ctsw::test::readFile(work_.file("a/masks/slice0010_000.png")), ctsw::test::readFile(work_.file("c/masks/slice0010_000.png")));
    // The default layout for a DICOM series is NIfTI on the slice's grid.
    r = run("lesions --image " + shellQuote(ct) + " --like " + shellQuote(data_ + "/medseg-covid/train") + " --slices 11 --out " + shellQuote(work_.file("n")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const LabelVolume nifti = readNiftiLabels(work_.file("n/masks/slice0011_000.nii.gz"), LabelMapping::named("identity"));
    EXPECT_EQ(nifti.depth(), 1);
    EXPECT_LT(nifti.geometry().spacing[0], 1.0);  // the series' sub-millimetre pixels, not 1 mm
    // synthesize --image SERIES (no --slice): each NIfTI mask's own slice of the series is its source,
    // so a body_condition model follows that slice's body outline; without --image it is estimated.
    ctsw::test::writeFile(work_.file("body.json"), "{\"body_condition\": true}");
    r = run("train --image " + shellQuote(ct) + " --slice 11 --mask " + shellQuote(work_.file("n/masks/slice0011_000.nii.gz")) +
            " --preset smoke --config " + shellQuote(work_.file("body.json")) + " --threads 1 --out " + shellQuote(work_.file("bm")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = run("synthesize --model " + shellQuote(work_.file("bm")) + " --masks " + shellQuote(work_.file("n/masks")) + " --image " + shellQuote(ct) +
            " --count 1 --threads 1 --out " + shellQuote(work_.file("bs")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readJsonFile(work_.file("bs/manifest.json")).stringOr("body_outline", ""), "from each mask's source slice");
    // Without --image, the lesion set's manifest names the series: the same source slices.
    r = run("synthesize --model " + shellQuote(work_.file("bm")) + " --masks " + shellQuote(work_.file("n/masks")) + " --count 1 --threads 1 --out " +
            shellQuote(work_.file("br")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("the masks' source CT is"), std::string::npos) << r.out;
    EXPECT_EQ(readJsonFile(work_.file("br/manifest.json")).stringOr("body_outline", ""), "from each mask's source slice");
    // The same mask outside its set has no recorded source: the outline is estimated, and said so.
    fs::create_directories(work_.file("loose"));
    fs::copy_file(work_.file("n/masks/slice0011_000.nii.gz"), work_.file("loose/slice0011_000.nii.gz"));
    r = run("synthesize --model " + shellQuote(work_.file("bm")) + " --masks " + shellQuote(work_.file("loose")) + " --count 1 --threads 1 --out " +
            shellQuote(work_.file("be")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(readJsonFile(work_.file("be/manifest.json")).stringOr("body_outline", "").find("estimated"), std::string::npos);
    // A mask that lies on no slice of the series (a PNG has no position) is refused, naming it.
    r = run("synthesize --model " + shellQuote(work_.file("bm")) + " --mask " + shellQuote(work_.file("c/masks/slice0010_000.png")) + " --image " +
            shellQuote(ct) + " --count 1 --out " + shellQuote(work_.file("bp")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("lies on no slice"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("slice0010_000.png"), std::string::npos) << r.err;
    // --images DIR: each mask's image of the same name, whatever its format, is its source.
    fs::create_directories(work_.file("imgs"));
    ASSERT_EQ(run("convert " + shellQuote(ct) + " --slice 10 " + shellQuote(work_.file("imgs/slice0010_000.nii.gz"))).exitCode, 0);
    r = run("synthesize --model " + shellQuote(work_.file("bm")) + " --mask " + shellQuote(work_.file("c/masks/slice0010_000.png")) + " --images " +
            shellQuote(work_.file("imgs")) + " --count 1 --threads 1 --out " + shellQuote(work_.file("bi")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readJsonFile(work_.file("bi/manifest.json")).stringOr("body_outline", ""), "from each mask's source slice");
    // quality takes the same: each sample says where its body outline came from.
    r = run("quality --model " + shellQuote(work_.file("bm")) + " --mask " + shellQuote(work_.file("c/masks/slice0010_000.png")) + " --images " +
            shellQuote(work_.file("imgs")) + " --count 1 --threads 1 --json");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(Json::parse(r.out).at("samples")[0].at("body_outline").asString(), "from the mask's source slice");
    r = run("quality --model " + shellQuote(work_.file("bm")) + " --mask " + shellQuote(work_.file("c/masks/slice0010_000.png")) + " --count 1 --threads 1 --json");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(Json::parse(r.out).at("samples")[0].at("body_outline").asString(), "estimated from the lungs");
    // A mask without an image of its name is refused, naming the folder and the name.
    r = run("synthesize --model " + shellQuote(work_.file("bm")) + " --mask " + shellQuote(work_.file("a/masks/slice0011_000.png")) + " --images " +
            shellQuote(work_.file("imgs")) + " --count 1 --out " + shellQuote(work_.file("bn")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("no image named slice0011_000"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("imgs"), std::string::npos) << r.err;
    // Masks without lung, and bad bounds, are refused with the reason.
    r = run("lesions --image " + shellQuote(ct) + " --like " + shellQuote(data_ + "/medseg-covid/train/GT_multiclass/0.png") + " --like-mapping ggo-consolidation --out " +
            shellQuote(work_.file("d")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("no lung pixels"), std::string::npos) << r.err;
    r = run(args.substr(0, args.find("--burden")) + "--burden 0.3:0.1 --out " + shellQuote(work_.file("e")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("LO:HI"), std::string::npos) << r.err;
}

TEST_F(CliGanData, AutomaticLungMaskAgreesWithTheRadiologists) {
    const std::string out = work_.file("lung.png");
    CommandResult r = run("lung-mask --image " + image_ + " --orient flip-y --out " + shellQuote(out));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("DERIVED"), std::string::npos);
    LabelSlice derived = readMaskSlice(out, LabelMapping::named("identity"));
    LabelSlice truth = readMaskSlice(data_ + "/covid19-ct-seg-slices/coronacases_001_masks_slice_110.npy", LabelMapping::named("lung-left-right"), 0, 0,
                                     Orientation2D::FlipY);
    std::size_t both = 0, a = 0, b = 0;
    for (std::size_t i = 0; i < derived.pixels().size(); ++i) {
        a += derived.pixels()[i] == 1;
        b += truth.pixels()[i] == 1;
        both += derived.pixels()[i] == 1 && truth.pixels()[i] == 1;
    }
    const double dice = 2.0 * both / static_cast<double>(a + b);
    EXPECT_GT(dice, 0.9) << "derived " << a << " px, radiologists " << b << " px";

    // The extension chooses the format: .npy is a NumPy file with the same labels; others are refused.
    const std::string npy = work_.file("lung.npy");
    ASSERT_EQ(run("lung-mask --image " + image_ + " --orient flip-y --out " + shellQuote(npy)).exitCode, 0);
    EXPECT_EQ(readNpy(npy).dtype, "<f4");
    EXPECT_TRUE(readMaskSlice(npy, LabelMapping::named("identity")).pixels() == derived.pixels());
    r = run("lung-mask --image " + image_ + " --orient flip-y --out " + shellQuote(work_.file("lung.tif")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("lung.tif"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("unknown output type"), std::string::npos) << r.err;
}

TEST_F(CliGanData, QualityReportsSelfEditDiversityAndTheJudgesDicePerSample) {
    const std::string model = work_.file("model");
    ASSERT_EQ(run(trainArgs(model)).exitCode, 0);
    const std::string judge = work_.file("judge");
    CommandResult r = run("seg-train --train " + shellQuote(data_ + "/medseg-covid/train") + " --out " + shellQuote(judge) + " --size 64 --epochs 1 --threads 1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string masks = work_.file("masks");
    fs::create_directories(masks);
    for (const char* z : {"98", "122"})
        fs::copy_file(data_ + "/covid19-ct-seg-slices/coronacases_001_masks_slice_" + z + ".npy", masks + "/slice" + z + ".npy");
    const std::string out = work_.file("quality");
    r = run("quality --model " + shellQuote(model) + " --judge " + shellQuote(judge) + " --masks " + shellQuote(masks) +
            " --mapping lung-left-right --orient flip-y --count 3 --threads 1 --json --out " + shellQuote(out));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json q = Json::parse(r.out);
    EXPECT_EQ(q.at("unit").asString(), "HU");  // a CT source
    const Json& self = q.at("self");
    EXPECT_GE(self.at("ssim").asNumber(), -1.0);
    EXPECT_LE(self.at("ssim").asNumber(), 1.0);
    EXPECT_TRUE(self.at("ssim_body").isNumber());
    EXPECT_TRUE(self.at("psnr").isNumber());
    EXPECT_TRUE(self.at("mae").at("lung").isNumber());
    EXPECT_TRUE(self.at("mae").at("background").isNumber());
    EXPECT_EQ(self.at("mae").at("unit").asString(), "HU");
    // One entry per scale of the smoke model (32, 48 px); the first scale has no input to compare with.
    const Json& perScale = self.at("per_scale");
    ASSERT_EQ(perScale.size(), 2u);
    EXPECT_EQ(perScale[0].at("size").asInt(), 32);
    EXPECT_EQ(perScale[1].at("size").asInt(), 48);
    EXPECT_FALSE(perScale[0].contains("ssim_input"));
    for (const Json& e : perScale.asArray()) {
        EXPECT_LE(e.at("ssim_stage1").asNumber(), 1.0);
        EXPECT_LE(e.at("ssim_stage2").asNumber(), 1.0);
    }
    EXPECT_TRUE(perScale[1].at("ssim_input").isNumber());
    // The last scale's stage 2 is the self-reconstruction at the top size.
    EXPECT_NEAR(perScale[1].at("ssim_stage2").asNumber(), self.at("ssim").asNumber(), 1e-3);
    const Json& edit = q.at("edit");
    EXPECT_GT(edit.at("added_pixels").asNumber(), 0);
    EXPECT_TRUE(edit.at("added_infection_mean").isNumber());
    EXPECT_TRUE(edit.at("same_pixels_as_lung_mean").isNumber());
    EXPECT_GE(q.at("diversity").at("lung_std_mean").asNumber(), 0.0);
    // Texture: lung and body detail of the real slice, the self-reconstruction and the samples.
    // (The smoke model's images are too faint for a body outline: only the real slice's body counts.)
    const Json& texture = q.at("texture");
    for (const char* part : {"real", "self", "samples"}) EXPECT_GE(texture.at(part).at("lung").at("structure").asNumber(), 0.0) << part;
    EXPECT_GT(texture.at("real").at("body").at("structure").asNumber(), 0.0);
    EXPECT_GT(texture.at("real").at("lung").at("pixels").asNumber(), 0);
    EXPECT_EQ(texture.at("samples").at("lung").at("samples").asInt(), 6);
    EXPECT_NEAR(texture.at("structure_samples_to_real").at("lung").asNumber(),
                texture.at("samples").at("lung").at("structure").asNumber() / texture.at("real").at("lung").at("structure").asNumber(), 1e-9);
    EXPECT_EQ(texture.at("unit").asString(), "HU");
    // The same per scale, for the training mask and the given masks at each scale's own size; at the
    // top size the real slice's figure is the whole-size one (area resampling to its own size is none).
    const Json& texturePerScale = texture.at("per_scale");
    ASSERT_EQ(texturePerScale.size(), 2u);
    EXPECT_EQ(texturePerScale[0].at("size").asInt(), 32);
    for (const Json& e : texturePerScale.asArray())
        for (const char* part : {"real", "self", "samples"}) EXPECT_GE(e.at("lung").at(part).asNumber(), 0.0) << part;
    EXPECT_NEAR(texturePerScale[1].at("lung").at("real").asNumber(), texture.at("real").at("lung").at("structure").asNumber(), 1e-9);
    EXPECT_NEAR(texturePerScale[1].at("lung").at("samples_to_real").asNumber(),
                texturePerScale[1].at("lung").at("samples").asNumber() / texturePerScale[1].at("lung").at("real").asNumber(), 1e-9);
    EXPECT_TRUE(q.at("judge").at("dice").at("lung").at("mean").isNumber());
    EXPECT_EQ(q.at("judge").at("arch").asString(), "unet");
    ASSERT_EQ(q.at("samples").size(), 6u);  // 2 masks x 3
    for (const Json& s : q.at("samples").asArray()) {
        const std::string flag = s.at("flag").asString();
        EXPECT_TRUE(flag == "ok" || flag == "suspect") << flag;
        if (flag == "suspect") {
            EXPECT_FALSE(s.at("reason").asString().empty());
        }
        EXPECT_TRUE(s.at("dice").contains("lung"));
    }
    EXPECT_TRUE(fs::exists(out + "/quality-grid.png"));
    EXPECT_TRUE(fs::exists(out + "/quality-scales.png"));  // each scale's stage outputs (Fig. 8)
    EXPECT_EQ(q.at("scale_grid").asString(), out + "/quality-scales.png");
    EXPECT_EQ(Json::parse(ctsw::test::readFile(out + "/quality.json")).at("model_id").asString(), q.at("model_id").asString());
    // The model folder keeps the last report for the workbench's previews.
    EXPECT_EQ(q.at("recorded").asString(), (fs::path(model) / "quality.json").string());
    EXPECT_EQ(Json::parse(ctsw::test::readFile(model + "/quality.json")).at("model_id").asString(), q.at("model_id").asString());
    // The same judge on an export: every sample carries its DSC, value statistics and flag; --min-dice
    // leaves out (and names) the samples below it.
    const std::string synth = "synthesize --model " + shellQuote(model) + " --masks " + shellQuote(masks) +
                              " --mapping lung-left-right --orient flip-y --count 2 --threads 1 --judge " + shellQuote(judge);
    r = run(synth + " --out " + shellQuote(work_.file("flagged")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json flagged = readJsonFile(work_.file("flagged/manifest.json"));
    ASSERT_EQ(flagged.at("samples").size(), 4u);
    EXPECT_EQ(flagged.at("quality").at("left_out").asInt(), 0);
    for (const Json& s : flagged.at("samples").asArray()) {
        const Json& quality = s.at("quality");
        EXPECT_TRUE(quality.at("dice").at("lung").isNumber());
        EXPECT_TRUE(quality.at("lung").at("mean").isNumber());
        EXPECT_TRUE(quality.at("lung").at("training_mean").isNumber());
        EXPECT_TRUE(quality.at("flag").asString() == "ok" || quality.at("flag").asString() == "suspect");
    }
    EXPECT_NE(ctsw::test::readFile(work_.file("flagged/manifest.csv")).find("quality_flag,judge_dice_lung,judge_dice_infection"), std::string::npos);
    r = run(synth + " --min-dice 0 --out " + shellQuote(work_.file("all-kept")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readJsonFile(work_.file("all-kept/manifest.json")).at("samples").size(), 4u);  // no DSC is below 0
    r = run(synth + " --min-dice 1 --out " + shellQuote(work_.file("strict")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json strict = readJsonFile(work_.file("strict/manifest.json"));
    const int leftOut = strict.at("quality").at("left_out").asInt();
    EXPECT_EQ(static_cast<int>(strict.at("samples").size()) + leftOut, 4);
    EXPECT_GT(leftOut, 0);  // a perfect DSC of 1 from a judge this small does not happen
    for (const Json& s : strict.at("quality").at("left_out_samples").asArray()) {
        EXPECT_FALSE(s.at("reason").asString().empty());
        EXPECT_FALSE(s.at("source_mask").asString().empty());
    }
    EXPECT_EQ(run("synthesize --model " + shellQuote(model) + " --mask " + shellQuote(masks + "/slice98.npy") + " --count 1 --min-dice 0.5 --out " +
                  shellQuote(work_.file("x")))
                  .exitCode,
              1);  // --min-dice without --judge

    // Without a judge the report says so plainly and flags nothing.
    r = run("quality --model " + shellQuote(model) + " --json --threads 1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json plain = Json::parse(r.out);
    EXPECT_FALSE(plain.at("judge").at("available").asBool());
    EXPECT_EQ(plain.at("samples").size(), 0u);
    // A judge folder that is not a model is refused by name.
    r = run("quality --model " + shellQuote(model) + " --judge " + shellQuote(masks));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("masks"), std::string::npos) << r.err;
}
