// `cosingan batch` as a process: the scripts and sbatch command lines it writes (with a recording
// stand-in for sbatch and squeue first in PATH), the check and merge of hand-made part folders
// (a complete part, a part with a missing file, a failed task, a task that never ran), and, on real
// data, its array tasks run one after the other on this machine. The run on a real SLURM is
// tests/slurm/test_slurm.sh.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "json/Json.h"
#include "../support/TestSupport.h"

using namespace ctsw;
using ctsw::test::CommandResult;
using ctsw::test::readFile;
using ctsw::test::shellQuote;
using ctsw::test::TempDir;
using ctsw::test::writeFile;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l))
        if (!l.empty()) out.push_back(l);
    return out;
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

class CliBatch : public ::testing::Test {
protected:
    void SetUp() override {
        // sbatch records its arguments and answers job ids 501, 502, ... as `--parsable` does;
        // squeue lists the job ids written to squeue.txt (none unless a test writes some).
        fs::create_directories(bin_.path());
        writeFile(bin_.file("sbatch"), "#!/bin/sh\necho \"$*\" >> " + shellQuote(log()) + "\nn=$(cat " + shellQuote(work_.file("next")) +
                                           " 2>/dev/null || echo 500); n=$((n+1)); echo $n > " + shellQuote(work_.file("next")) +
                                           "\n[ -f " + shellQuote(work_.file("sbatch-fails")) + " ] && { echo 'sbatch: error: invalid partition' >&2; exit 1; }\necho \"$n;cluster\"\n");
        writeFile(bin_.file("squeue"), "#!/bin/sh\ncat " + shellQuote(work_.file("squeue.txt")) + " 2>/dev/null\nexit 0\n");
        fs::permissions(bin_.file("sbatch"), fs::perms::owner_all);
        fs::permissions(bin_.file("squeue"), fs::perms::owner_all);
    }
    std::string log() const { return work_.file("sbatch.log"); }
    CommandResult run(const std::string& args) {
        return ctsw::test::runCommand("PATH=" + shellQuote(bin_.path().string()) + ":\"$PATH\" " + shellQuote(COSINGAN_EXE) + " " + args, scratch_);
    }
    // Empty stand-ins: submitting checks that the plan's files exist, it does not read them.
    void touch(const std::string& rel) {
        fs::create_directories(fs::path(work_.file(rel)).parent_path());
        writeFile(work_.file(rel), "x");
    }
    // A plan with two training slices and three masks, two masks a task: 2 models x 2 groups.
    std::string writePlan(const std::string& extraTrainKeys = "") {
        touch("in/img10.png");
        touch("in/mask10.png");
        touch("in/img20.png");
        touch("in/mask20.png");
        touch("masks/a.png");
        touch("masks/b.png");
        touch("masks/c.png");
        touch("masks/notes.txt");  // not a mask: ignored in a folder
        writeFile(work_.file("plan.json"), R"({"preset": "smoke", "train": [
            {"name": "s10", "image": "in/img10.png", "mask": "in/mask10.png")" + extraTrainKeys + R"(},
            {"image": "in/img20.png", "mask": "in/mask20.png"}],
          "synthesize": {"masks": "masks", "count": 2, "masks_per_task": 2}})");
        return work_.file("plan.json");
    }
    TempDir work_{"ctsw-batch"};
    TempDir bin_{"ctsw-batch-bin"};
    TempDir scratch_{"ctsw-batch-io"};
};

// A part folder as `cosingan synthesize` writes it: n samples, PNG and NIfTI files with contents that
// name the part and sample, so that a merged file can be traced to its source.
void makePart(const fs::path& dir, int n, const std::string& tag) {
    fs::create_directories(dir / "images");
    fs::create_directories(dir / "masks");
    fs::create_directories(dir / "nifti");
    Json samples = Json::array();
    for (int i = 0; i < n; ++i) {
        char base[32];
        std::snprintf(base, sizeof base, "sample_%05d", i);
        Json s = Json::object();
        s.set("image", std::string("images/") + base + ".png");
        s.set("mask", std::string("masks/") + base + ".png");
        s.set("image_nifti", std::string("nifti/") + base + "_image.nii.gz");
        s.set("mask_nifti", std::string("nifti/") + base + "_mask.nii.gz");
        s.set("source_mask", "/data/masks/m" + std::to_string(i / 2) + ".png");
        s.set("seed", 1 + i % 2);
        s.set("alpha", Json());
        for (const char* k : {"image", "mask", "image_nifti", "mask_nifti"}) writeFile((dir / s.at(k).asString()).string(), tag + ":" + s.at(k).asString());
        samples.push(s);
    }
    Json m = Json::object();
    m.set("format", "cosingan-dataset");
    m.set("version", 1);
    m.set("model", "/models/" + tag);
    m.set("model_id", "0123456789abcdef");
    Json o = Json::object();
    o.set("count_per_mask", 2);
    o.set("randomized_condition", true);
    o.set("dropout", false);
    m.set("options", o);
    m.set("size", 48);
    m.set("samples", samples);
    writeFile((dir / "manifest.json").string(), m.dump(2));
}

}  // namespace

TEST_F(CliBatch, SubmitWritesScriptsAndChainsSynthesisAfterTraining) {
    const std::string plan = writePlan();
    const std::string runDir = work_.file("run");
    CommandResult r = run("batch submit " + shellQuote(plan) + " --out " + shellQuote(runDir) + " --cpus 3 --partition short --time-train 2:00:00");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(has(r.out, "2 training tasks, 4 synthesis tasks, 12 samples")) << r.out;

    const std::string train = readFile(runDir + "/train.sbatch"), synth = readFile(runDir + "/synth.sbatch");
    EXPECT_TRUE(has(train, "#SBATCH --cpus-per-task=3\n")) << train;
    EXPECT_TRUE(has(train, "#SBATCH --partition=short\n")) << train;
    EXPECT_TRUE(has(train, "#SBATCH --time=2:00:00\n")) << train;
    EXPECT_FALSE(has(synth, "--time=")) << "the time limit was given for training only";
    EXPECT_TRUE(has(train, "batch task '" + runDir + "' train \"$SLURM_ARRAY_TASK_ID\" --device cpu --threads 3")) << train;
    EXPECT_TRUE(has(synth, "batch task '" + runDir + "' synthesize \"$SLURM_ARRAY_TASK_ID\" --device cpu --threads 3")) << synth;
    EXPECT_FALSE(has(train + synth, "--gres")) << "no GPU was asked for";

    // Training first, then synthesis after every training task succeeded.
    const auto calls = lines(readFile(log()));
    ASSERT_EQ(calls.size(), 2u) << readFile(log());
    EXPECT_TRUE(has(calls[0], "--array=0-1 ")) << calls[0];
    EXPECT_TRUE(has(calls[0], runDir + "/train.sbatch")) << calls[0];
    EXPECT_TRUE(has(calls[0], "--output=" + runDir + "/logs/train-%A_%a.out")) << calls[0];
    EXPECT_FALSE(has(calls[0], "--dependency")) << calls[0];
    EXPECT_TRUE(has(calls[1], "--array=0-3 ")) << calls[1];
    EXPECT_TRUE(has(calls[1], "--dependency=afterok:501 ")) << calls[1];
    EXPECT_TRUE(has(calls[1], "--kill-on-invalid-dep=yes")) << calls[1];
    EXPECT_TRUE(has(calls[1], runDir + "/synth.sbatch")) << calls[1];

    // The run records the tasks and the submissions; each synthesis task has its list of masks.
    const Json runJson = readJsonFile(runDir + "/run.json");
    ASSERT_EQ(runJson.at("synthesize").size(), 4u);
    EXPECT_EQ(runJson.at("synthesize")[0].at("masks").size(), 2u);
    EXPECT_EQ(runJson.at("synthesize")[1].at("masks").size(), 1u);
    EXPECT_EQ(runJson.at("synthesize")[3].at("model").asInt(), 1);
    EXPECT_EQ(runJson.at("train")[1].at("name").asString(), "img20");
    ASSERT_EQ(runJson.at("submissions").size(), 2u);
    EXPECT_EQ(runJson.at("submissions")[1].at("after").asString(), "501");
    EXPECT_EQ(lines(readFile(runDir + "/masks/synth-0001.txt")), std::vector<std::string>{work_.file("masks/c.png")});

    // A run folder is never reused by submit.
    r = run("batch submit " + shellQuote(plan) + " --out " + shellQuote(runDir));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(has(r.err, "already holds a run")) << r.err;
}

TEST_F(CliBatch, GpuTasksAskForAGpuAndDryRunSubmitsNothing) {
    const std::string plan = writePlan();
    const std::string runDir = work_.file("gpu-run");
    CommandResult r = run("batch submit " + shellQuote(plan) + " --out " + shellQuote(runDir) + " --gpu --cpus 8 --max-parallel 5 --dry-run");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_FALSE(fs::exists(log())) << "--dry-run must not call sbatch";
    EXPECT_TRUE(has(r.out, "would run: sbatch --parsable")) << r.out;
    EXPECT_TRUE(has(r.out, "--array=0-3%5")) << r.out;
    for (const char* script : {"/train.sbatch", "/synth.sbatch"}) {
        const std::string s = readFile(runDir + script);
        EXPECT_TRUE(has(s, "#SBATCH --gres=gpu:1\n")) << s;
        EXPECT_TRUE(has(s, "#SBATCH --cpus-per-task=8\n")) << s;
        EXPECT_TRUE(has(s, "--device cuda --threads 8")) << s;
    }
    EXPECT_EQ(readJsonFile(runDir + "/run.json").at("submissions").size(), 0u);
}

TEST_F(CliBatch, BadPlansAndAFailingSbatchAreReportedByName) {
    writePlan(R"(, "colour": "red")");
    CommandResult r = run("batch submit " + shellQuote(work_.file("plan.json")) + " --out " + shellQuote(work_.file("r1")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(has(r.err, "unknown key \"colour\"")) << r.err;

    writeFile(work_.file("typo.json"), R"({"train": [{"image": "in/img10.png", "mask": "in/mask10.png"}], "synthesize": {"masks": "masks", "count": "many"}})");
    r = run("batch submit " + shellQuote(work_.file("typo.json")) + " --out " + shellQuote(work_.file("r0")));
    EXPECT_EQ(r.exitCode, 1) << "a value of the wrong type is bad input";
    EXPECT_TRUE(has(r.err, "typo.json")) << r.err;

    writePlan();
    fs::remove(work_.file("in/mask20.png"));
    r = run("batch submit " + shellQuote(work_.file("plan.json")) + " --out " + shellQuote(work_.file("r2")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(has(r.err, "mask20.png")) << r.err;
    EXPECT_FALSE(fs::exists(log()));

    touch("in/mask20.png");
    writeFile(work_.file("sbatch-fails"), "");
    r = run("batch submit " + shellQuote(work_.file("plan.json")) + " --out " + shellQuote(work_.file("r3")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(has(r.err, "sbatch")) << r.err;
    EXPECT_TRUE(has(r.err, "invalid partition")) << r.err;
}

TEST_F(CliBatch, MergeReportsAMissingPartAMissingFileAndAFailedTask) {
    // One training slice, four masks, one mask a task: four synthesis tasks of 2 samples each.
    touch("in/img.png");
    touch("in/mask.png");
    writeFile(work_.file("masks.txt"), "# masks to synthesize from\nm0.png\nm1.png\n\nm2.png\nm3.png\n");
    for (const char* m : {"m0.png", "m1.png", "m2.png", "m3.png"}) touch(m);
    writeFile(work_.file("plan.json"), R"({"preset": "smoke", "train": [{"name": "s", "image": "in/img.png", "mask": "in/mask.png"}],
        "synthesize": {"masks": "masks.txt", "count": 2, "masks_per_task": 1}})");
    const std::string runDir = work_.file("run");
    CommandResult r = run("batch submit " + shellQuote(work_.file("plan.json")) + " --out " + shellQuote(runDir) + " --dry-run");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const fs::path parts = fs::path(runDir) / "parts";

    makePart(parts / "synth-0000", 2, "p0");                  // complete
    makePart(parts / "synth-0001", 2, "p1");                  // one file missing
    fs::remove(parts / "synth-0001/masks/sample_00001.png");
    writeFile(runDir + "/status/synth-0002.json",             // failed, no part
              R"({"state": "failed", "exit_code": 2, "message": "out of memory", "host": "node7", "array_job_id": "77", "array_task_id": "2"})");
    // synth-0003: no part and no report (never ran)

    r = run("batch merge " + shellQuote(runDir));
    EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
    EXPECT_TRUE(has(r.err, "3 of 4 synthesis tasks are not complete")) << r.err;
    EXPECT_TRUE(has(r.err, "synth-0001")) << r.err;
    EXPECT_TRUE(has(r.err, "synth-0001/masks/sample_00001.png")) << r.err;
    EXPECT_TRUE(has(r.err, "failed     synth-0002")) << r.err;
    EXPECT_TRUE(has(r.err, "exit 2 on node7")) << r.err;
    EXPECT_TRUE(has(r.err, "out of memory")) << r.err;
    EXPECT_TRUE(has(r.err, runDir + "/logs/synth-77_2.out")) << r.err;
    EXPECT_TRUE(has(r.err, "not run    synth-0003")) << r.err;
    EXPECT_TRUE(has(r.err, "cosingan batch resubmit")) << r.err;
    EXPECT_FALSE(fs::exists(runDir + "/dataset")) << "an incomplete run is not merged without --partial";

    r = run("batch status " + shellQuote(runDir));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(has(r.out, "synthesis: 1 of 4 done")) << r.out;
    EXPECT_TRUE(has(r.out, "incomplete synth-0001")) << r.out;

    // --partial merges what is complete and records what is not.
    r = run("batch merge " + shellQuote(runDir) + " --partial");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    Json m = readJsonFile(runDir + "/dataset/manifest.json");
    EXPECT_EQ(m.at("samples").size(), 2u);
    ASSERT_EQ(m.at("incomplete").size(), 3u);
    EXPECT_EQ(m.at("incomplete")[0].at("task").asString(), "synth-0001");
    EXPECT_EQ(m.at("incomplete")[1].at("state").asString(), "failed");

    // Resubmitting sends the training task (its model is missing here) and the three synthesis tasks
    // after it; the complete part is not redone. A run whose jobs are still queued is refused.
    writeFile(work_.file("squeue.txt"), "12\n501\n");
    writeFile(work_.file("next"), "500\n");
    {
        Json runJson = readJsonFile(runDir + "/run.json");
        Json subs = Json::array();
        Json s = Json::object();
        s.set("stage", "train");
        s.set("job", "501");
        subs.push(s);
        runJson.set("submissions", subs);
        writeFile(runDir + "/run.json", runJson.dump(2));
    }
    r = run("batch resubmit " + shellQuote(runDir));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(has(r.err, "still queued or running (501)")) << r.err;
    EXPECT_FALSE(fs::exists(log()));
    fs::remove(work_.file("squeue.txt"));
    r = run("batch resubmit " + shellQuote(runDir));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto calls = lines(readFile(log()));
    ASSERT_EQ(calls.size(), 2u) << readFile(log());
    EXPECT_TRUE(has(calls[0], "--array=0 ") && has(calls[0], "train.sbatch")) << calls[0];
    EXPECT_TRUE(has(calls[1], "--array=1-3 ") && has(calls[1], "--dependency=afterok:501 ")) << calls[1];

    // Once every part is complete the merge renumbers the samples and links every file.
    fs::remove_all(parts / "synth-0001");
    makePart(parts / "synth-0001", 2, "p1");
    makePart(parts / "synth-0002", 2, "p2");
    makePart(parts / "synth-0003", 2, "p3");
    r = run("batch merge " + shellQuote(runDir));
    EXPECT_EQ(r.exitCode, 1) << "the --partial dataset is not replaced without --overwrite";
    EXPECT_TRUE(has(r.err, "already exists")) << r.err;
    r = run("batch merge " + shellQuote(runDir) + " --overwrite");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(has(r.out, "merged 8 samples from 4 parts")) << r.out;
    m = readJsonFile(runDir + "/dataset/manifest.json");
    EXPECT_EQ(m.at("format").asString(), "cosingan-dataset");
    EXPECT_FALSE(m.contains("incomplete"));
    ASSERT_EQ(m.at("samples").size(), 8u);
    ASSERT_EQ(m.at("parts").size(), 4u);
    std::set<std::string> listed;
    for (std::size_t i = 0; i < 8; ++i) {
        const Json& s = m.at("samples")[i];
        char base[32];
        std::snprintf(base, sizeof base, "sample_%05zu", i);
        EXPECT_EQ(s.at("image").asString(), std::string("images/") + base + ".png");
        EXPECT_EQ(s.at("mask_nifti").asString(), std::string("nifti/") + base + "_mask.nii.gz");
        EXPECT_EQ(s.at("part").asString(), "synth-000" + std::to_string(i / 2));
        EXPECT_EQ(s.at("model_name").asString(), "s");
        // Each merged file is the part's file it came from.
        for (const char* k : {"image", "mask", "image_nifti", "mask_nifti"}) {
            const std::string f = runDir + "/dataset/" + s.at(k).asString();
            ASSERT_TRUE(fs::is_regular_file(f)) << f;
            listed.insert(s.at(k).asString());
        }
        EXPECT_EQ(readFile(runDir + "/dataset/" + s.at("image").asString()), "p" + std::to_string(i / 2) + ":" + s.at("part_image").asString());
    }
    // ... and nothing else is in the dataset.
    int files = 0;
    for (const auto& e : fs::recursive_directory_iterator(runDir + "/dataset"))
        if (e.is_regular_file() && e.path().filename() != "manifest.json" && e.path().filename() != "manifest.csv") {
            ++files;
            EXPECT_TRUE(listed.count(fs::relative(e.path(), runDir + "/dataset").string())) << e.path();
        }
    EXPECT_EQ(files, 32);
    EXPECT_EQ(lines(readFile(runDir + "/dataset/manifest.csv")).size(), 9u);
    // Hard links by default (no extra space), copies when asked; either way the same manifest.
    EXPECT_TRUE(has(r.out, "(32 files linked, 0 copied)")) << r.out;
    r = run("batch merge " + shellQuote(runDir) + " --copy --out " + shellQuote(work_.file("copied")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(has(r.out, "(0 files linked, 32 copied)")) << r.out;
    EXPECT_EQ(fs::hard_link_count(work_.file("copied/images/sample_00000.png")), 1u);
    EXPECT_EQ(readJsonFile(work_.file("copied/manifest.json")).at("samples"), m.at("samples"));
    // The same parts as an nnU-Net raw dataset: the NIfTI pairs only, named as nnU-Net wants, with dataset.json.
    r = run("batch merge " + shellQuote(runDir) + " --layout nnunet --dataset-id 12 --name Merged --out " + shellQuote(work_.file("raw")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string nn = work_.file("raw/Dataset012_Merged");
    const Json d = readJsonFile(nn + "/dataset.json");
    EXPECT_EQ(d.at("numTraining").asInt(), 8);
    EXPECT_EQ(d.at("file_ending").asString(), ".nii.gz");
    EXPECT_EQ(d.at("channel_names").at("0").asString(), "CT");
    const Json nm = readJsonFile(nn + "/manifest.json");
    ASSERT_EQ(nm.at("samples").size(), 8u);
    EXPECT_EQ(nm.at("samples")[3].at("image_nifti").asString(), "imagesTr/Merged_00003_0000.nii.gz");
    EXPECT_EQ(nm.at("samples")[3].at("mask_nifti").asString(), "labelsTr/Merged_00003.nii.gz");
    EXPECT_FALSE(nm.at("samples")[3].contains("image"));  // no 8-bit pair in this layout
    EXPECT_EQ(readFile(nn + "/labelsTr/Merged_00003.nii.gz"), readFile(runDir + "/dataset/" + m.at("samples")[3].at("mask_nifti").asString()));
    int nnFiles = 0;
    for (const auto& e : fs::recursive_directory_iterator(nn)) nnFiles += e.is_regular_file();
    EXPECT_EQ(nnFiles, 16 + 3);  // 8 pairs, dataset.json and the two manifests
    r = run("batch merge " + shellQuote(runDir) + " --layout monai --out " + shellQuote(work_.file("monai")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json list = readJsonFile(work_.file("monai/datalist.json"));
    ASSERT_EQ(list.at("training").size(), 8u);
    EXPECT_TRUE(fs::is_regular_file(work_.file("monai/" + list.at("training")[7].at("label").asString())));
    EXPECT_EQ(run("batch merge " + shellQuote(runDir) + " --name X --out " + shellQuote(work_.file("y"))).exitCode, 1);
    r = run("batch resubmit " + shellQuote(runDir) + " --dry-run");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(has(r.out, "would run")) << "the model is still missing, so its training is due: " << r.out;
}

TEST_F(CliBatch, AMergeRefusesAPartWhoseManifestIsBroken) {
    touch("in/img.png");
    touch("in/mask.png");
    touch("m0.png");
    writeFile(work_.file("plan.json"), R"({"train": [{"image": "in/img.png", "mask": "in/mask.png"}], "synthesize": {"masks": ["m0.png"], "count": 2}})");
    const std::string runDir = work_.file("run");
    ASSERT_EQ(run("batch submit " + shellQuote(work_.file("plan.json")) + " --out " + shellQuote(runDir) + " --dry-run").exitCode, 0);
    makePart(fs::path(runDir) / "parts/synth-0000", 1, "p0");  // 1 sample where 2 are expected
    CommandResult r = run("batch merge " + shellQuote(runDir));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(has(r.err, "lists 1 samples, expected 2")) << r.err;
    writeFile(runDir + "/parts/synth-0000/manifest.json", "{\"format\": \"cosingan-dataset\", \"samples\": [");
    r = run("batch merge " + shellQuote(runDir));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(has(r.err, "synth-0000/manifest.json")) << r.err;
    writeFile(runDir + "/parts/synth-0000/manifest.json",
              R"({"format": "cosingan-dataset", "samples": [{"image": "../../../etc/passwd", "mask": "masks/sample_00000.png"}, {"image": "a", "mask": "b"}]})");
    r = run("batch merge " + shellQuote(runDir));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(has(r.err, "unusable \"image\" entry")) << r.err;
}

// The array tasks on real data, run here one after the other as SLURM would run them.
TEST_F(CliBatch, RealDataTasksTrainSynthesizeMergeAndResubmitOnlyTheBrokenPart) {
    const std::string data = ctsw::test::dataDir();
    if (data.empty()) GTEST_SKIP() << "real data folder not found; skipping";
    const std::string d = data + "/covid19-ct-seg-slices/";
    writeFile(work_.file("plan.json"), R"({"preset": "smoke", "seed": 3,
        "train": [{"name": "cc001-110", "image": ")" + d + R"(coronacases_001_image_slice_110.npy", "mask": ")" + d +
                                           R"(coronacases_001_masks_slice_110.npy",
                   "mapping": "lung-left-right", "orient": "flip-y"}],
        "synthesize": {"masks": [")" + d + R"(coronacases_001_masks_slice_98.npy", ")" + d + R"(coronacases_001_masks_slice_110.npy", ")" + d +
                                           R"(coronacases_001_masks_slice_122.npy"],
                       "mapping": "lung-left-right", "orient": "flip-y", "count": 2, "masks_per_task": 2}})");
    const std::string runDir = work_.file("run");
    CommandResult r = run("batch submit " + shellQuote(work_.file("plan.json")) + " --out " + shellQuote(runDir) + " --cpus 1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_EQ(lines(readFile(log())).size(), 2u);

    r = run("batch task " + shellQuote(runDir) + " synthesize 0 --threads 1");
    EXPECT_EQ(r.exitCode, 1) << "no model yet";
    EXPECT_TRUE(has(r.err, "not trained")) << r.err;
    r = run("batch task " + shellQuote(runDir) + " train 0 --threads 1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readJsonFile(runDir + "/status/train-0000.json").at("state").asString(), "succeeded");
    for (const char* i : {"0", "1"}) {
        r = run("batch task " + shellQuote(runDir) + " synthesize " + i + " --threads 1");
        ASSERT_EQ(r.exitCode, 0) << r.err;
    }
    r = run("batch merge " + shellQuote(runDir));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    Json m = readJsonFile(runDir + "/dataset/manifest.json");
    ASSERT_EQ(m.at("samples").size(), 6u);  // 3 masks x 2
    EXPECT_EQ(m.at("model").asString(), runDir + "/models/cc001-110");
    EXPECT_EQ(m.at("samples")[4].at("source_mask").asString(), d + "coronacases_001_masks_slice_122.npy");
    for (const auto& s : m.at("samples").asArray())
        for (const char* k : {"image", "mask", "image_nifti", "mask_nifti"}) EXPECT_TRUE(fs::is_regular_file(runDir + "/dataset/" + s.at(k).asString()));

    // A file of part 1 disappears: only synthesis task 1 is resubmitted, with no training and no wait.
    fs::remove(runDir + "/parts/synth-0001/images/sample_00000.png");
    r = run("batch status " + shellQuote(runDir));
    EXPECT_TRUE(has(r.out, "incomplete synth-0001")) << r.out;
    fs::remove(log());
    r = run("batch resubmit " + shellQuote(runDir));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto calls = lines(readFile(log()));
    ASSERT_EQ(calls.size(), 1u) << readFile(log());
    EXPECT_TRUE(has(calls[0], "--array=1 ") && has(calls[0], "synth.sbatch") && !has(calls[0], "--dependency")) << calls[0];
    r = run("batch task " + shellQuote(runDir) + " synthesize 1 --threads 1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = run("batch merge " + shellQuote(runDir) + " --overwrite");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(has(r.out, "merged 6 samples from 2 parts")) << r.out;
}

TEST_F(CliBatch, RealDataPlanNamesATrainedModelAndGeneratesItsLesionMasks) {
    const std::string data = ctsw::test::dataDir();
    if (data.empty()) GTEST_SKIP() << "real data folder not found; skipping";
    const std::string d = data + "/covid19-ct-seg-slices/";
    const std::string model = work_.file("model");
    CommandResult r = run("train --image " + shellQuote(d + "coronacases_001_image_slice_110.npy") + " --mask " + shellQuote(d + "coronacases_001_masks_slice_110.npy") +
                          " --mapping lung-left-right --orient flip-y --preset smoke --threads 1 --out " + shellQuote(model));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string lesions = R"("lesions": {"image": ")" + data + R"(/dicom/chest-ct-A0002", "like": ")" + data +
                                R"(/medseg-covid/train", "slices": "10:12", "count": 1, "seed": 2, "burden": [0.05, 0.2]})";
    writeFile(work_.file("plan.json"), R"({"train": [{"model": ")" + model + R"("}], )" + lesions + R"(, "synthesize": {"count": 2}})");
    const std::string runDir = work_.file("run");
    r = run("batch submit " + shellQuote(work_.file("plan.json")) + " --out " + shellQuote(runDir) + " --cpus 1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json runJson = readJsonFile(runDir + "/run.json");
    EXPECT_EQ(runJson.at("train")[0].at("model").asString(), model);
    ASSERT_EQ(runJson.at("synthesize")[0].at("masks").size(), 3u);  // one per slice, made when the run was written
    for (const Json& m : runJson.at("synthesize")[0].at("masks").asArray()) {
        EXPECT_EQ(m.asString().rfind(runDir + "/lesions/masks/", 0), 0u) << m.asString();
        EXPECT_TRUE(fs::exists(m.asString())) << m.asString();
    }
    // The model is trained already: only the synthesis array is submitted, with nothing to wait for.
    const auto calls = lines(readFile(log()));
    ASSERT_EQ(calls.size(), 1u) << readFile(log());
    EXPECT_TRUE(has(calls[0], "synth.sbatch")) << calls[0];
    EXPECT_FALSE(has(calls[0], "--dependency")) << calls[0];
    r = run("batch task " + shellQuote(runDir) + " train 0 --threads 1");
    EXPECT_EQ(r.exitCode, 0) << r.err;  // confirms the named model, trains nothing
    r = run("batch task " + shellQuote(runDir) + " synthesize 0 --threads 1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = run("batch merge " + shellQuote(runDir));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readJsonFile(runDir + "/dataset/manifest.json").at("samples").size(), 6u);

    // Masks and lesions together, or an incomplete model, are refused by name before anything is queued.
    writeFile(work_.file("both.json"), R"({"train": [{"model": ")" + model + R"("}], )" + lesions + R"(, "synthesize": {"masks": ")" + d + R"("}})");
    r = run("batch submit " + shellQuote(work_.file("both.json")) + " --out " + shellQuote(work_.file("run2")) + " --dry-run");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(has(r.err, "one of the two")) << r.err;
    writeFile(work_.file("nomodel.json"), R"({"train": [{"model": ")" + work_.file("nothing") + R"("}], )" + lesions + R"(, "synthesize": {}})");
    r = run("batch submit " + shellQuote(work_.file("nomodel.json")) + " --out " + shellQuote(work_.file("run3")) + " --dry-run");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(has(r.err, "nothing")) << r.err;
}
