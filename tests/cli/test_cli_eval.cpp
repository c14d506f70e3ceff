// `cosingan seg-train`, `seg-eval` and `experiment` as processes on real data (MedSeg slices, TCIA
// negatives): the JSON shape, errors that name the file, and the smoke protocol end to end.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "json/Json.h"
#include "../support/TestSupport.h"

using namespace ctsw;
using ctsw::test::CommandResult;
using ctsw::test::shellQuote;
using ctsw::test::TempDir;
namespace fs = std::filesystem;

namespace {

class CliEvalData : public ::testing::Test {
protected:
    void SetUp() override {
        data_ = ctsw::test::dataDir();
        if (data_.empty()) GTEST_SKIP() << "real data folder not found; skipping";
    }
    CommandResult run(const std::string& args) { return ctsw::test::runCommand(shellQuote(COSINGAN_EXE) + " " + args, scratch_); }
    std::string medseg(const std::string& part) const { return shellQuote(data_ + "/medseg-covid/" + part); }
    static std::string readText(const std::string& path) {
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    std::string data_;
    TempDir scratch_{"ctsw-clieval-io"};
    TempDir work_{"ctsw-clieval"};
};

}  // namespace

TEST_F(CliEvalData, SegTrainThenSegEvalJsonOnTheMedSegTestSlices) {
    const std::string model = work_.file("unet");
    CommandResult r = run("seg-train --train " + medseg("train") + " --arch unet --size 64 --epochs 3 --batch 8 --width 0.125 --lr 1e-3 --threads 2 --out " + shellQuote(model));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("lung label derived"), std::string::npos) << r.err;  // said plainly
    EXPECT_NE(r.err.find("from scratch"), std::string::npos);
    const Json info = readJsonFile(model + "/model.json");
    EXPECT_EQ(info.at("task").asString(), "segmentation");
    EXPECT_EQ(info.at("training_samples").asInt(), 50);
    ASSERT_EQ(info.at("epoch_losses").size(), 3u);
    EXPECT_LT(info.at("epoch_losses")[2].asNumber(), info.at("epoch_losses")[0].asNumber());  // it learns

    r = run("seg-eval --model " + shellQuote(model) + " --test " + medseg("test") + " --json");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json j = Json::parse(r.out);
    EXPECT_EQ(j.at("slices").asInt(), 24);
    EXPECT_EQ(j.at("per_slice").size(), 24u);
    const double lung = j.at("dice").at("lung").asNumber();
    EXPECT_GE(lung, 0.0);
    EXPECT_LE(lung, 1.0);
    // "lung" is the lung field (lung and infection); the lung label alone is reported beside it.
    EXPECT_TRUE(j.at("dice").at("lung_parenchyma").isNumber());
    EXPECT_NE(j.at("lung_definition").asString().find("lung field"), std::string::npos);
    EXPECT_TRUE(j.at("per_slice")[0].contains("lung_parenchyma"));
    // The mean is the mean of the per-slice values that are defined (how well three epochs of a tiny
    // network segment varies from run to run; the networks' learning is tested in test_eval).
    double sum = 0;
    int defined = 0;
    for (const auto& s : j.at("per_slice").asArray()) {
        const Json& v = s.at("lung");
        if (v.isNull()) continue;
        EXPECT_GE(v.asNumber(), 0.0);
        EXPECT_LE(v.asNumber(), 1.0);
        sum += v.asNumber(), ++defined;
    }
    ASSERT_GT(defined, 0);
    EXPECT_NEAR(lung, sum / defined, 1e-9);
    EXPECT_EQ(j.at("ci95").at("lung").at("n").asInt(), defined);
    EXPECT_TRUE(j.at("dice").at("infection").isNumber() || j.at("dice").at("infection").isNull());
    EXPECT_NE(j.at("lung_label").asString().find("derived"), std::string::npos);
    EXPECT_LE(j.at("ci95").at("lung").at("low").asNumber(), lung);
    EXPECT_GE(j.at("ci95").at("lung").at("high").asNumber(), lung);

    // At the network's size (as earlier reports) the same model scores other pixels: both are named.
    EXPECT_EQ(j.at("scored_at").asString(), "each slice's own size (padded to a square; the padding not scored)");
    r = run("seg-eval --model " + shellQuote(model) + " --test " + medseg("test") + " --at model --json");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(Json::parse(r.out).at("scored_at").asString(), "the model's size");
    EXPECT_EQ(run("seg-eval --model " + shellQuote(model) + " --test " + medseg("test") + " --at both").exitCode, 1);

    // An existing model is never overwritten without asking.
    r = run("seg-train --train " + medseg("train") + " --size 64 --epochs 1 --out " + shellQuote(model));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("already exists"), std::string::npos);
}

TEST_F(CliEvalData, ValidationCurveAndTheJudgesOwnDiceGoIntoModelJson) {
    const std::string model = work_.file("validated");
    CommandResult r = run("seg-train --train " + medseg("train") + " --size 64 --epochs 2 --width 0.125 --threads 2 --validate " + medseg("test") +
                          " --validate-every 1 --out " + shellQuote(model));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("validation after epoch 2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("loss dice-ce, weak augmentation and random windows"), std::string::npos) << r.err;  // the cpu recipe is the default
    const Json info = readJsonFile(model + "/model.json");
    EXPECT_EQ(info.at("schedule").asString(), "cosine");
    const Json& curve = info.at("validation_curve");
    ASSERT_EQ(curve.size(), 2u);
    EXPECT_EQ(curve[0].at("epoch").asInt(), 1);
    EXPECT_LE(curve[0].at("training_minutes").asNumber(), curve[1].at("training_minutes").asNumber());
    const Json& evaluation = info.at("evaluation");
    EXPECT_EQ(evaluation.at("slices").asInt(), 24);
    EXPECT_NE(evaluation.at("test_set").asString().find("medseg-covid/test"), std::string::npos);
    EXPECT_NE(evaluation.at("lung_label").asString().find("derived"), std::string::npos);
    // The recorded figure is what seg-eval measures on the same slices.
    r = run("seg-eval --model " + shellQuote(model) + " --test " + medseg("test") + " --json");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json measured = Json::parse(r.out);
    EXPECT_NEAR(evaluation.at("dice").at("lung").asNumber(), measured.at("dice").at("lung").asNumber(), 1e-9);
    EXPECT_EQ(curve[1].at("dice_lung").asNumber(), evaluation.at("dice").at("lung").asNumber());
    // The paper's recipe is one flag away, and a recipe or loss the tool does not know is refused.
    EXPECT_EQ(run("seg-train --train " + medseg("train") + " --size 64 --recipe fancy --out " + shellQuote(work_.file("y"))).exitCode, 1);
    EXPECT_EQ(run("seg-train --train " + medseg("train") + " --size 64 --loss focal --out " + shellQuote(work_.file("y"))).exitCode, 1);
}

TEST_F(CliEvalData, BadModelsAndFoldersAreNamed) {
    // Not a model folder.
    CommandResult r = run("seg-eval --model " + shellQuote(work_.file("nothing")) + " --test " + medseg("test"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("nothing"), std::string::npos) << r.err;
    // A truncated weight file.
    const std::string model = work_.file("m");
    ASSERT_EQ(run("seg-train --train " + medseg("train") + " --arch enet --size 64 --epochs 1 --width 0.25 --threads 2 --out " + shellQuote(model)).exitCode, 0);
    fs::resize_file(model + "/model.pt", fs::file_size(model + "/model.pt") / 2);
    r = run("seg-eval --model " + shellQuote(model) + " --test " + medseg("test"));
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("model.pt"), std::string::npos) << r.err;
    // A folder in neither layout.
    r = run("seg-train --train " + shellQuote(data_ + "/dicom") + " --size 64 --out " + shellQuote(work_.file("x")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("MedSeg layout"), std::string::npos) << r.err;
}

TEST_F(CliEvalData, SmokeProtocolRunsThePipelineAndContinuesWhereItStopped) {
    const std::string out = work_.file("report");
    CommandResult r = run("experiment --protocol smoke --data " + shellQuote(data_) + " --threads 2 --out " + shellQuote(out));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string md = readText(out + "/report.md");
    for (const char* needle : {"Image-quality score", "Sin-TS", "Two-TS", "O-STS", "RC-STS", "IF-STS", "OC-TS", "CoSinGAN", "enhanced pix2pix",
                               "The lung label is derived", "Domain difference", "from scratch", "Student's t", "Which training sets differ"})
        EXPECT_NE(md.find(needle), std::string::npos) << needle;
    // Every number in the CSV: 6 sets x 2 networks x 4 segmentation metrics, 6 x 2 x 4 classification
    // metrics, 6 generators x 2 segmenters x 2 image-quality metrics, 11 paired comparisons x 2
    // segmenters, and the header.
    const std::string csv = readText(out + "/results.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 48 + 48 + 24 + 22);
    EXPECT_NE(csv.find("segmentation_paired,enet,OC-TS vs Sin-TS,dice_infection_difference,"), std::string::npos);
    EXPECT_NE(md.find("| IF-STS − Two-TS |"), std::string::npos);
    EXPECT_NE(csv.find("segmentation,unet,RC-STS,dice_infection,"), std::string::npos);
    EXPECT_NE(csv.find("classification,resnet50,IF-STS,accuracy,"), std::string::npos);
    const Json config = readJsonFile(out + "/config.json");
    EXPECT_EQ(config.at("seed").asInt(), 1);
    EXPECT_FALSE(config.at("slice1").asString().empty());
    EXPECT_NE(config.at("slice1").asString(), config.at("slice2").asString());
    for (const char* plot : {"image_quality.png", "segmentation_infection_dsc.png", "classification_accuracy.png", "samples_IF-STS.png", "generator_cosingan-1.png"})
        EXPECT_GT(fs::file_size(out + "/plots/" + plot), 1000u) << plot;
    // Trained models are kept: a second run reuses them and gives the same numbers.
    r = run("experiment --protocol smoke --data " + shellQuote(data_) + " --threads 2 --out " + shellQuote(out));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("reusing"), std::string::npos);
    EXPECT_EQ(readText(out + "/results.csv"), csv);
    // Another experiment never reuses these models.
    r = run("experiment --protocol smoke --seed 2 --data " + shellQuote(data_) + " --threads 2 --out " + shellQuote(out));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("holds another experiment"), std::string::npos) << r.err;
}
