// core/eval: Dice, confusion matrix, Student's t and bootstrap intervals on hand-made cases with
// known answers; the evaluation networks' shapes, sizes and ability to learn.
#include <gtest/gtest.h>

#include <cmath>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "eval/EvalNets.h"
#include "eval/EvalTraining.h"
#include "eval/ImageQuality.h"
#include "eval/Metrics.h"
#include "eval/Quality.h"
#include "json/Json.h"

using namespace ctsw::eval;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846;

// A 4x4 case worked out by hand for label 2: |P| = 4, |T| = 6, |P ∩ T| = 3, so DSC = 6 / 10.
// Label 1 is in both maps but never at the same pixel.
const std::vector<std::uint8_t> kPrediction = {0, 2, 2, 0,  //
                                               0, 2, 1, 0,  //
                                               0, 0, 2, 0,  //
                                               0, 0, 1, 1};
const std::vector<std::uint8_t> kTruth = {0, 2, 2, 0,  //
                                          1, 2, 2, 0,  //
                                          0, 0, 0, 2,  //
                                          0, 0, 0, 2};

}  // namespace

TEST(Dice, HandComputed4x4CaseIsZeroPointSix) {
    const DiceValue d = dice(kPrediction.data(), kTruth.data(), kPrediction.size(), 2);
    EXPECT_TRUE(d.defined);
    EXPECT_DOUBLE_EQ(d.dice, 0.6);
    const DiceValue disjoint = dice(kPrediction.data(), kTruth.data(), kPrediction.size(), 1);
    EXPECT_TRUE(disjoint.defined);
    EXPECT_DOUBLE_EQ(disjoint.dice, 0.0);
    EXPECT_DOUBLE_EQ(dice(kTruth.data(), kTruth.data(), kTruth.size(), 2).dice, 1.0);
}

TEST(Dice, LabelAbsentFromBothIsUndefined) {
    const DiceValue d = dice(kPrediction.data(), kTruth.data(), kPrediction.size(), 3);
    EXPECT_FALSE(d.defined);
    EXPECT_TRUE(std::isnan(d.dice));
}

TEST(Dice, LabelInOneMapOnlyIsZero) {
    const std::vector<std::uint8_t> empty(16, 0);
    for (const auto& [p, t] : {std::pair{&kPrediction, &empty}, std::pair{&empty, &kTruth}}) {
        const DiceValue d = dice(p->data(), t->data(), 16, 2);
        EXPECT_TRUE(d.defined);
        EXPECT_DOUBLE_EQ(d.dice, 0.0);
    }
}

TEST(Dice, LungFieldCountsLungAndInfectionAsOneRegion) {
    // Labels 1 or 2: |P| = 7, |T| = 7, |P ∩ T| = 5 (the 1 at (1,2) of the prediction meets a 2).
    const DiceValue d = dice(kPrediction.data(), kTruth.data(), kPrediction.size(), kLungField);
    EXPECT_TRUE(d.defined);
    EXPECT_DOUBLE_EQ(d.dice, 10.0 / 14.0);
    DiceAccumulator pooled;
    pooled.add(kPrediction.data(), kTruth.data(), kPrediction.size(), kLungField);
    EXPECT_DOUBLE_EQ(pooled.value(), 10.0 / 14.0);
}

TEST(ScoreSegmentation, LungIsTheLungFieldAndParenchymaTheLungLabelAlone) {
    // A lung almost all infection: the truth keeps one pixel of lung label, the prediction calls the whole
    // lung infection. The lung field is found exactly; the lung label alone is missed.
    ctsw::LabelSlice truthLabels(4, 4), predictedLabels(4, 4);
    for (int y = 1; y < 3; ++y)
        for (int x = 0; x < 4; ++x) truthLabels.at(x, y) = predictedLabels.at(x, y) = 2;
    truthLabels.at(0, 1) = 1;
    EvalSample truth;
    truth.id = "infected";
    truth.labels = truthLabels;
    const SegScores s = scoreSegmentation({predictedLabels}, {truth});
    ASSERT_EQ(s.lungPerSlice.size(), 1u);
    EXPECT_DOUBLE_EQ(s.lungPerSlice[0], 1.0);
    ASSERT_EQ(s.lungParenchymaPerSlice.size(), 1u);
    EXPECT_DOUBLE_EQ(s.lungParenchymaPerSlice[0], 0.0);
    EXPECT_DOUBLE_EQ(s.lungPooled, 1.0);
    EXPECT_DOUBLE_EQ(s.lungParenchymaPooled, 0.0);
    EXPECT_DOUBLE_EQ(s.infectionPerSlice[0], 2.0 * 7 / 15);
}

TEST(ScoreSegmentation, LeavesThePaddingOfANarrowSliceOut) {
    // A 4 x 2 slice padded to 4 x 4: rows 0 and 3 are padding. The prediction finds the slice's lung
    // exactly and also calls lung in the padding, which is not part of the slice.
    ctsw::LabelSlice own(4, 2, 1);
    EvalSample truth;
    truth.id = "narrow";
    truth.labels = squareResizeLabels(own, kOwnSize);
    truth.content = squareContent(4, 2, kOwnSize);
    ASSERT_EQ(truth.content.width(), 4);
    EXPECT_EQ(truth.content.at(0, 0), 0);
    EXPECT_EQ(truth.content.at(0, 1), 1);
    ctsw::LabelSlice predicted(4, 4, 1);
    EXPECT_DOUBLE_EQ(scoreSegmentation({predicted}, {truth}).lungPerSlice.at(0), 1.0);
    truth.content = {};  // scored over the whole square, the 8 lung pixels in the padding count against it
    EXPECT_DOUBLE_EQ(scoreSegmentation({predicted}, {truth}).lungPerSlice.at(0), 2.0 * 8 / 24);
    EXPECT_TRUE(squareContent(5, 5, kOwnSize).pixels().empty());  // a square slice has no padding
}

TEST(DiceAccumulator, PoolsIntersectionsAndSizesNotSliceMeans) {
    DiceAccumulator pooled;
    EXPECT_TRUE(std::isnan(pooled.value()));
    pooled.add(kPrediction.data(), kTruth.data(), 16, 2);  // intersection 3, sizes 4 + 6
    // Second slice: one predicted and one true pixel of label 2, apart: intersection 0, sizes 1 + 1.
    std::vector<std::uint8_t> prediction(16, 0), truth(16, 0);
    prediction[0] = 2;
    truth[15] = 2;
    pooled.add(prediction.data(), truth.data(), 16, 2);
    // A slice without the label changes nothing.
    const std::vector<std::uint8_t> empty(16, 0);
    pooled.add(empty.data(), empty.data(), 16, 2);
    EXPECT_DOUBLE_EQ(pooled.value(), 2.0 * 3 / 12);  // 0.5, where the per-slice mean is (0.6 + 0) / 2
}

TEST(Confusion, HandMadeListGivesSensitivitySpecificityAccuracy) {
    // (predicted, truth): 3 TP, 1 FN, 2 TN, 1 FP.
    const std::vector<std::pair<bool, bool>> cases = {{true, true},   {false, true}, {true, true}, {false, false},
                                                      {true, false},  {true, true},  {false, false}};
    Confusion c;
    for (const auto& [predicted, truth] : cases) c.add(predicted, truth);
    EXPECT_EQ(c.tp, 3);
    EXPECT_EQ(c.fn, 1);
    EXPECT_EQ(c.tn, 2);
    EXPECT_EQ(c.fp, 1);
    EXPECT_DOUBLE_EQ(c.sensitivity(), 3.0 / 4);
    EXPECT_DOUBLE_EQ(c.specificity(), 2.0 / 3);
    EXPECT_DOUBLE_EQ(c.accuracy(), 5.0 / 7);
}

TEST(Confusion, ZeroDenominatorsGiveNaN) {
    Confusion empty;
    EXPECT_TRUE(std::isnan(empty.sensitivity()));
    EXPECT_TRUE(std::isnan(empty.specificity()));
    EXPECT_TRUE(std::isnan(empty.accuracy()));
    Confusion positivesOnly;
    positivesOnly.add(true, true);
    positivesOnly.add(false, true);
    EXPECT_DOUBLE_EQ(positivesOnly.sensitivity(), 0.5);
    EXPECT_TRUE(std::isnan(positivesOnly.specificity()));
    EXPECT_DOUBLE_EQ(positivesOnly.accuracy(), 0.5);
}

TEST(StudentT, QuantilesMatchTables) {
    EXPECT_NEAR(studentTQuantile(0.975, 1), 12.7062, 1e-3);
    EXPECT_NEAR(studentTQuantile(0.975, 4), 2.7764, 1e-3);
    EXPECT_NEAR(studentTQuantile(0.975, 23), 2.0687, 1e-3);
    EXPECT_NEAR(studentTQuantile(0.975, 1000), 1.9623, 1e-3);
    // More digits, to the stated 1e-6 accuracy.
    EXPECT_NEAR(studentTQuantile(0.975, 4), 2.776445105, 1e-6);
    EXPECT_NEAR(studentTQuantile(0.995, 10), 3.169272673, 1e-6);
    EXPECT_NEAR(studentTQuantile(0.95, 30), 1.697260887, 1e-6);
}

TEST(StudentT, MedianIsZeroAndQuantilesAreSymmetric) {
    for (int df : {1, 2, 5, 23, 1000}) {
        EXPECT_EQ(studentTQuantile(0.5, df), 0.0);
        for (double p : {1e-6, 0.01, 0.2, 0.45, 0.499}) {
            const double lower = studentTQuantile(p, df);
            EXPECT_LT(lower, 0.0);
            EXPECT_NEAR(lower, -studentTQuantile(1.0 - p, df), 1e-6 * std::max(1.0, std::abs(lower))) << "df " << df << " p " << p;
        }
    }
}

TEST(StudentT, ClosedFormsForOneAndTwoDegreesOfFreedom) {
    // df 1 is the Cauchy distribution; df 2 has t = (2p - 1) / sqrt(2 p (1 - p)).
    for (double p : {1e-6, 0.001, 0.1, 0.3, 0.6, 0.9, 0.999}) {
        const double cauchy = std::tan(kPi * (p - 0.5));
        EXPECT_NEAR(studentTQuantile(p, 1), cauchy, 1e-9 * std::max(1.0, std::abs(cauchy))) << "p " << p;
        const double two = (2 * p - 1) / std::sqrt(2 * p * (1 - p));
        EXPECT_NEAR(studentTQuantile(p, 2), two, 1e-9 * std::max(1.0, std::abs(two))) << "p " << p;
    }
}

TEST(StudentT, RejectsInvalidArguments) {
    EXPECT_THROW(studentTQuantile(0.975, 0), std::invalid_argument);
    EXPECT_THROW(studentTQuantile(0.0, 5), std::invalid_argument);
    EXPECT_THROW(studentTQuantile(1.0, 5), std::invalid_argument);
    EXPECT_THROW(studentTQuantile(kNaN, 5), std::invalid_argument);
}

TEST(TInterval, OneToFiveHasTheHandHalfWidth) {
    const Interval ci = tInterval({1, 2, 3, 4, 5});
    EXPECT_EQ(ci.n, 5);
    EXPECT_DOUBLE_EQ(ci.mean, 3.0);
    const double halfWidth = 2.7764 * std::sqrt(2.5) / std::sqrt(5.0);  // 1.9632
    EXPECT_NEAR(ci.high - ci.mean, halfWidth, 1e-3);
    EXPECT_NEAR(ci.mean - ci.low, halfWidth, 1e-3);
}

TEST(PairedDifference, MatchesByIdAndSeesAConsistentGainThatSeparateIntervalsHide) {
    // Set A is 0.02 better than B on every slice, while the slices themselves range 0.2-0.9: the two
    // sets' own intervals overlap widely, the paired one excludes 0.
    const std::vector<std::string> idsB{"s1", "s2", "s3", "s4", "s5", "s6"};
    const std::vector<double> b{0.2, 0.9, 0.5, 0.7, 0.3, 0.6};
    const std::vector<std::string> idsA{"s6", "s5", "s4", "s3", "s2", "s1", "only-in-a"};  // another order, one unmatched
    const std::vector<double> a{0.63, 0.31, 0.73, 0.51, 0.92, 0.22, 0.0};  // differences +.03 +.01 +.03 +.01 +.02 +.02
    const Interval d = pairedDifference(idsA, a, idsB, b);
    EXPECT_EQ(d.n, 6);
    EXPECT_NEAR(d.mean, 0.02, 1e-12);
    EXPECT_GT(d.low, 0.0);
    const Interval alone = tInterval(b);
    EXPECT_LT(alone.low + 0.02, alone.high);  // the unpaired intervals overlap
    // The other way round the difference is negative with the mirrored interval.
    const Interval back = pairedDifference(idsB, b, idsA, a);
    EXPECT_NEAR(back.mean, -0.02, 1e-12);
    EXPECT_NEAR(back.high, -d.low, 1e-12);
    EXPECT_THROW(pairedDifference({"x"}, {}, idsB, b), std::invalid_argument);
}

TEST(TInterval, IgnoresNaNAndDegeneratesBelowTwoValues) {
    const Interval plain = tInterval({1, 2, 3, 4, 5});
    const Interval withNaN = tInterval({kNaN, 1, 2, kNaN, 3, 4, 5});
    EXPECT_EQ(withNaN.n, 5);
    EXPECT_DOUBLE_EQ(withNaN.low, plain.low);
    EXPECT_DOUBLE_EQ(withNaN.high, plain.high);
    const Interval one = tInterval({kNaN, 0.8});
    EXPECT_EQ(one.n, 1);
    EXPECT_DOUBLE_EQ(one.mean, 0.8);
    EXPECT_DOUBLE_EQ(one.low, 0.8);
    EXPECT_DOUBLE_EQ(one.high, 0.8);
    const Interval none = tInterval({kNaN});
    EXPECT_EQ(none.n, 0);
    EXPECT_TRUE(std::isnan(none.mean));
}

namespace {
// Dice-like values, the same 20-value pattern repeated.
std::vector<double> diceLikeValues(int repeats) {
    std::vector<double> values;
    for (int r = 0; r < repeats; ++r)
        for (int i = 0; i < 20; ++i) values.push_back(0.6 + 0.3 * std::sin(1.7 * i));
    return values;
}
}  // namespace

TEST(Bootstrap, SameSeedSameIntervalContainingTheMean) {
    const std::vector<double> values = diceLikeValues(1);
    const Interval a = bootstrapInterval(values, 2000, 42);
    const Interval b = bootstrapInterval(values, 2000, 42);
    EXPECT_EQ(a.low, b.low);
    EXPECT_EQ(a.high, b.high);
    EXPECT_EQ(a.n, 20);
    EXPECT_LT(a.low, a.mean);
    EXPECT_GT(a.high, a.mean);
    EXPECT_DOUBLE_EQ(a.mean, tInterval(values).mean);
    EXPECT_THROW(bootstrapInterval(values, 0, 42), std::invalid_argument);
}

TEST(Bootstrap, NarrowerForMoreDataAndCloseToTheTInterval) {
    const Interval few = bootstrapInterval(diceLikeValues(1), 2000, 7);
    const Interval many = bootstrapInterval(diceLikeValues(10), 2000, 7);
    EXPECT_LT(many.high - many.low, 0.5 * (few.high - few.low));  // about 1/sqrt(10) as wide
    // For 200 values both intervals estimate 2 * 1.97 standard errors.
    const Interval t = tInterval(diceLikeValues(10));
    EXPECT_NEAR((many.high - many.low) / (t.high - t.low), 1.0, 0.15);
}

// ---------------------------------------------------------------------------------------------
// Networks: small widths keep the forward passes fast; the full widths are only constructed.

TEST(EvalNets, SegmentationOutputShapesInTrainAndEval) {
    torch::manual_seed(1);
    torch::NoGradGuard noGrad;
    for (const auto& [arch, widthScale] : {std::pair{"unet", 0.125}, std::pair{"enet", 0.5}}) {
        auto net = makeSegNet(arch, widthScale);
        for (int side : {64, 256}) {
            for (bool training : {true, false}) {
                net->train(training);
                const torch::Tensor x = torch::rand({2, 1, side, side}) * 2 - 1;
                const torch::Tensor y = net->forward(x);
                EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{2, 3, side, side})) << arch << " " << side << " train " << training;
                EXPECT_TRUE(torch::isfinite(y).all().item<bool>()) << arch;
            }
        }
        // Batch 1 in eval, on a non-square slice and at the largest size.
        net->eval();
        EXPECT_EQ(net->forward(torch::zeros({1, 1, 96, 160})).sizes(), (std::vector<std::int64_t>{1, 3, 96, 160})) << arch;
        EXPECT_EQ(net->forward(torch::zeros({1, 1, 512, 512})).sizes(), (std::vector<std::int64_t>{1, 3, 512, 512})) << arch;
    }
    // Tiny scales stop at the minimum widths instead of vanishing.
    for (const char* arch : {"unet", "enet"})
        EXPECT_EQ(makeSegNet(arch, 0.01)->forward(torch::zeros({2, 1, 64, 64})).sizes(), (std::vector<std::int64_t>{2, 3, 64, 64})) << arch;
}

TEST(EvalNets, ShuffleUpsamplingMatchesTransposedConvolutionAndItsGradients) {
    torch::manual_seed(4);
    for (bool withBias : {true, false}) {
        torch::nn::ConvTranspose2d up(torch::nn::ConvTranspose2dOptions(6, 5, 2).stride(2).bias(withBias));
        const torch::Tensor x = torch::randn({3, 6, 7, 9}, torch::requires_grad());
        const torch::Tensor upstream = torch::randn({3, 5, 14, 18});

        const torch::Tensor reference = up->forward(x);
        const auto referenceGrads = torch::autograd::grad({reference}, {x, up->weight}, {upstream});
        const torch::Tensor shuffled = transposedConv2x2ByShuffle(up, x);
        const auto shuffledGrads = torch::autograd::grad({shuffled}, {x, up->weight}, {upstream});

        ASSERT_EQ(shuffled.sizes(), reference.sizes());
        EXPECT_TRUE(torch::allclose(shuffled, reference, 1e-5, 1e-5)) << "bias " << withBias;
        EXPECT_TRUE(torch::allclose(shuffledGrads[0], referenceGrads[0], 1e-4, 1e-5)) << "input gradient, bias " << withBias;
        EXPECT_TRUE(torch::allclose(shuffledGrads[1], referenceGrads[1], 1e-4, 1e-4)) << "weight gradient, bias " << withBias;
        if (withBias) {
            const torch::Tensor biasReference = torch::autograd::grad({up->forward(x)}, {up->bias}, {upstream})[0];
            const torch::Tensor biasShuffled = torch::autograd::grad({transposedConv2x2ByShuffle(up, x)}, {up->bias}, {upstream})[0];
            EXPECT_TRUE(torch::allclose(biasShuffled, biasReference, 1e-4, 1e-4));
        }
    }
    // Any other transposed convolution is refused, not computed wrongly.
    torch::nn::ConvTranspose2d padded(torch::nn::ConvTranspose2dOptions(4, 4, 3).stride(2).padding(1).output_padding(1));
    EXPECT_THROW(transposedConv2x2ByShuffle(padded, torch::zeros({1, 4, 8, 8})), c10::Error);
}

TEST(EvalNets, UNetGivesTheSameLogitsAndGradientsInChannelsLastAsInNchw) {
    torch::manual_seed(5);
    auto net = makeSegNet("unet", 0.0625);
    net->train();
    const torch::Tensor x = torch::rand({2, 1, 64, 48}) * 2 - 1;
    const torch::Tensor upstream = torch::randn({2, 3, 64, 48});
    auto logitsAndFirstGradient = [&](bool channelsLast) {
        setChannelsLastWeights(*net, channelsLast);
        for (auto& parameter : net->parameters()) parameter.mutable_grad() = torch::Tensor();  // a fresh gradient in the new layout
        const torch::Tensor logits = net->forward(x);
        logits.backward(upstream);
        return std::pair{logits.contiguous(), net->parameters().front().grad().contiguous()};
    };
    const auto [nchw, nchwGradient] = logitsAndFirstGradient(false);
    const auto [last, lastGradient] = logitsAndFirstGradient(true);
    EXPECT_TRUE(net->parameters().front().is_contiguous(torch::MemoryFormat::ChannelsLast) || net->parameters().front().size(1) == 1);
    EXPECT_TRUE(torch::allclose(last, nchw, 1e-4, 1e-5)) << (last - nchw).abs().max().item<double>();
    EXPECT_TRUE(torch::allclose(lastGradient, nchwGradient, 1e-3, 1e-4)) << (lastGradient - nchwGradient).abs().max().item<double>();
}

TEST(EvalNets, ClassifierOutputsOneLogitPerImage) {
    torch::manual_seed(2);
    torch::NoGradGuard noGrad;
    for (const char* arch : {"resnet18", "resnet50"}) {
        auto net = makeClassifier(arch, 0.25);
        for (int side : {64, 224}) {
            for (bool training : {true, false}) {
                net->train(training);
                const torch::Tensor y = net->forward(torch::randn({2, 3, side, side}));
                EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{2})) << arch << " " << side << " train " << training;
                EXPECT_TRUE(torch::isfinite(y).all().item<bool>()) << arch;
            }
        }
        net->eval();
        EXPECT_EQ(net->forward(torch::randn({1, 3, 64, 64})).sizes(), (std::vector<std::int64_t>{1})) << arch;
    }
}

TEST(EvalNets, ParameterCountsAtFullWidth) {
    // torchvision's counts with the 1000-class head replaced by a single logit.
    const std::int64_t resnet18 = 11689512 - 512 * 999 - 999;    // 11,177,025
    const std::int64_t resnet50 = 25557032 - 2048 * 999 - 999;   // 23,510,081
    EXPECT_EQ(parameterCount(*makeClassifier("resnet18", 1.0)), resnet18);
    EXPECT_EQ(parameterCount(*makeClassifier("resnet50", 1.0)), resnet50);
    // U-Net base 64, transposed-conv upsampling, no conv bias before BatchNorm: 31,036,611.
    const std::int64_t unet = parameterCount(*makeSegNet("unet", 1.0));
    EXPECT_NEAR(static_cast<double>(unet), 31.0e6, 0.03 * 31.0e6) << unet;
    // ENet: the paper reports 0.37 M.
    const std::int64_t enet = parameterCount(*makeSegNet("enet", 1.0));
    EXPECT_NEAR(static_cast<double>(enet), 0.36e6, 0.03 * 0.36e6) << enet;
    std::cout << "parameters: resnet18 " << resnet18 << ", resnet50 " << resnet50 << ", unet " << unet << ", enet " << enet << "\n";
}

namespace {
// Loss of `lossOf` before the first and after the 20th Adam step.
std::pair<double, double> lossBeforeAndAfterTwentySteps(torch::nn::Module& net, const std::function<torch::Tensor()>& lossOf,
                                                        double learningRate) {
    net.train();
    torch::optim::Adam optimiser(net.parameters(), torch::optim::AdamOptions(learningRate));
    double first = 0.0;
    for (int step = 0; step < 20; ++step) {
        optimiser.zero_grad();
        const torch::Tensor loss = lossOf();
        if (step == 0) first = loss.item<double>();
        loss.backward();
        optimiser.step();
    }
    torch::NoGradGuard noGrad;
    return {first, lossOf().item<double>()};
}
}  // namespace

TEST(EvalNets, UNetLossFallsInTwentyAdamSteps) {
    torch::manual_seed(3);
    auto net = makeSegNet("unet", 0.0625);  // base 4
    const torch::Tensor x = torch::rand({2, 1, 64, 64}) * 2 - 1;
    // A learnable labelling: the class is a function of the intensity.
    const torch::Tensor labels = ((x > -0.3).to(torch::kLong) + (x > 0.4).to(torch::kLong)).squeeze(1);
    const auto [before, after] =
        lossBeforeAndAfterTwentySteps(*net, [&] { return torch::nn::functional::cross_entropy(net->forward(x), labels); }, 1e-2);
    EXPECT_LT(after, before);
    std::cout << "unet cross entropy " << before << " -> " << after << "\n";
}

TEST(EvalNets, ResNet18LossFallsInTwentyAdamSteps) {
    torch::manual_seed(4);
    auto net = makeClassifier("resnet18", 0.125);  // widths 8..64
    const torch::Tensor x = torch::randn({4, 3, 64, 64});
    const torch::Tensor infected = torch::tensor({1.0f, 0.0f, 1.0f, 0.0f});
    const auto [before, after] = lossBeforeAndAfterTwentySteps(
        *net, [&] { return torch::nn::functional::binary_cross_entropy_with_logits(net->forward(x), infected); }, 1e-3);
    EXPECT_LT(after, before);
    std::cout << "resnet18 binary cross entropy " << before << " -> " << after << "\n";
}

TEST(EvalNets, UnknownArchitectureThrowsNamingIt) {
    const std::vector<std::pair<std::string, std::function<void()>>> unknown = {
        {"segformer", [] { makeSegNet("segformer", 1.0); }}, {"vgg16", [] { makeClassifier("vgg16", 1.0); }}};
    for (const auto& [name, make] : unknown) {
        try {
            make();
            ADD_FAILURE() << name << " was accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(makeSegNet("unet", 0.0), std::invalid_argument);
    EXPECT_THROW(makeClassifier("resnet18", -1.0), std::invalid_argument);
}

// ---------------------------------------------------------------------------------- image quality

namespace {

ctsw::Slice<float> texture(int w, int h, unsigned seed) {
    ctsw::Slice<float> s(w, h);
    std::uint32_t state = seed;
    for (float& v : s.pixels()) {
        state = state * 1664525u + 1013904223u;
        v = 0.2f + 0.6f * static_cast<float>(state >> 8) / 16777216.0f;
    }
    return s;
}

}  // namespace

TEST(ImageQuality, IdenticalImagesGiveOneAndInfinity) {
    const auto a = texture(40, 32, 1);
    const auto s = ctsw::eval::ssim(a, a, 1.0);
    EXPECT_NEAR(s.whole, 1.0, 1e-12);
    EXPECT_TRUE(std::isnan(s.inside));
    EXPECT_TRUE(std::isinf(ctsw::eval::psnr(a, a, 1.0)));
    ctsw::LabelSlice labels(40, 32, 1);
    const auto mae = ctsw::eval::meanAbsoluteErrorByLabel(a, a, labels);
    EXPECT_EQ(mae[1], 0.0);
    EXPECT_TRUE(std::isnan(mae[0]) && std::isnan(mae[2]));  // no pixel of those labels
}

TEST(ImageQuality, ConstantImagesFollowTheLuminanceTermAndAShiftGivesItsPsnr) {
    // Two flat images: no variance, so SSIM is the luminance term (2ab + C1) / (a^2 + b^2 + C1).
    const ctsw::Slice<float> a(24, 24, 0.2f), b(24, 24, 0.6f);
    const double c1 = 0.01 * 0.01;
    EXPECT_NEAR(ctsw::eval::ssim(a, b, 1.0).whole, (2 * 0.2 * 0.6 + c1) / (0.2 * 0.2 + 0.6 * 0.6 + c1), 1e-6);
    // A texture shifted by 0.1: MSE 0.01, so PSNR 20 dB at range 1; every label's error is 0.1.
    const auto t = texture(32, 32, 7);
    auto shifted = t;
    for (float& v : shifted.pixels()) v += 0.1f;
    EXPECT_NEAR(ctsw::eval::psnr(t, shifted, 1.0), 20.0, 1e-4);
    ctsw::LabelSlice labels(32, 32);
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x) labels.at(x, y) = static_cast<std::uint8_t>(x * 3 / 32);
    for (double e : ctsw::eval::meanAbsoluteErrorByLabel(t, shifted, labels)) EXPECT_NEAR(e, 0.1, 1e-6);
    const double shiftedSsim = ctsw::eval::ssim(t, shifted, 1.0).whole;
    EXPECT_LT(shiftedSsim, 1.0);
    EXPECT_GT(shiftedSsim, 0.8);  // structure kept, brightness off
    // An unrelated texture of the same statistics is far from both.
    EXPECT_LT(ctsw::eval::ssim(t, texture(32, 32, 99), 1.0).whole, 0.2);
    EXPECT_THROW(ctsw::eval::ssim(t, texture(31, 32, 1), 1.0), std::invalid_argument);
}

TEST(ImageQuality, SsimInsideARegionIgnoresWhatIsOutsideIt) {
    // Identical on the left, unrelated on the right: the left region (away from the seam by more than
    // the window's radius) scores 1, the whole image less.
    auto a = texture(64, 32, 3);
    auto b = a;
    const auto other = texture(64, 32, 4);
    for (int y = 0; y < 32; ++y)
        for (int x = 32; x < 64; ++x) b.at(x, y) = other.at(x, y);
    ctsw::LabelSlice left(64, 32);
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 26; ++x) left.at(x, y) = 1;
    const auto s = ctsw::eval::ssim(a, b, 1.0, &left);
    EXPECT_NEAR(s.inside, 1.0, 1e-9);
    EXPECT_EQ(s.insidePixels, (26 - 5) * (32 - 10));
    EXPECT_LT(s.whole, 0.7);
}

TEST(ImageQuality, SpreadAcrossSamplesAndTheEditStatisticOnAHandMadeCase) {
    // Two samples 0 and 1 everywhere: the per-pixel standard deviation is 0.5.
    const std::vector<ctsw::Slice<float>> samples = {ctsw::Slice<float>(8, 8, 0.0f), ctsw::Slice<float>(8, 8, 1.0f)};
    ctsw::LabelSlice all(8, 8, 1);
    EXPECT_NEAR(ctsw::eval::meanStdInside(samples, all), 0.5, 1e-12);
    EXPECT_TRUE(std::isnan(ctsw::eval::meanStdInside({samples[0]}, all)));
    // A lesion added on pixels (2..3, 2..3): 0.7 there in the edited image, 0.3 in the unedited one;
    // the real slice's infection (label 2 on its first row) is 0.75.
    ctsw::Slice<float> edited(8, 8, 0.3f), unedited(8, 8, 0.3f), real(8, 8, 0.2f);
    ctsw::LabelSlice added(8, 8), realLabels(8, 8, 1);
    for (int y = 2; y < 4; ++y)
        for (int x = 2; x < 4; ++x) {
            added.at(x, y) = 1;
            edited.at(x, y) = 0.7f;
        }
    for (int x = 0; x < 8; ++x) {
        realLabels.at(x, 0) = 2;
        real.at(x, 0) = 0.75f;
    }
    const auto e = ctsw::eval::editStatistic(edited, unedited, added, real, realLabels);
    EXPECT_NEAR(e.addedAsInfection, 0.7, 1e-6);
    EXPECT_NEAR(e.sameAsLung, 0.3, 1e-6);
    EXPECT_NEAR(e.realInfection, 0.75, 1e-6);
    EXPECT_EQ(e.addedPixels, 4);
    EXPECT_EQ(e.realInfectionPixels, 8);
}

TEST(ImageQuality, AreaResizeAveragesEachCellAsLibTorchsAreaMode) {
    // 4 -> 2: 2x2 block means.
    ctsw::Slice<float> a(4, 4);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) a.at(x, y) = static_cast<float>(y * 4 + x);
    const auto half = ctsw::eval::areaResize(a, 2);
    EXPECT_FLOAT_EQ(half.at(0, 0), (0 + 1 + 4 + 5) / 4.0f);
    EXPECT_FLOAT_EQ(half.at(1, 1), (10 + 11 + 14 + 15) / 4.0f);
    // 3 -> 2 (a non-integer factor, as 256 -> 192): cells [0, 2) and [1, 3) overlap in the middle.
    ctsw::Slice<float> b(3, 3);
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 3; ++x) b.at(x, y) = static_cast<float>(x);
    const auto two = ctsw::eval::areaResize(b, 2);
    EXPECT_FLOAT_EQ(two.at(0, 0), 0.5f);
    EXPECT_FLOAT_EQ(two.at(1, 0), 1.5f);
    EXPECT_FLOAT_EQ(two.at(1, 1), 1.5f);
    // Same size: unchanged; not square: refused.
    EXPECT_TRUE(ctsw::eval::areaResize(a, 4).pixels() == a.pixels());
    EXPECT_THROW(ctsw::eval::areaResize(ctsw::Slice<float>(4, 3), 2), std::invalid_argument);
}

TEST(ImageQuality, RegionTextureMeasuresDetailInsideTheRegionNotItsEdgeNorSinglePixelGrain) {
    using ctsw::eval::regionTexture;
    const int n = 64;
    ctsw::LabelSlice left(n, n);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n / 2; ++x) left.at(x, y) = 1;
    // Flat inside, bright outside (lung beside the chest wall): no structure, whatever the step.
    ctsw::Slice<float> step(n, n, 10.0f);
    for (int y = 0; y < n; ++y)
        for (int x = n / 2; x < n; ++x) step.at(x, y) = 200.0f;
    const auto flat = regionTexture(step, left);
    EXPECT_NEAR(flat.structure, 0.0, 1e-9);
    EXPECT_NEAR(flat.mean, 10.0, 1e-9);
    EXPECT_NEAR(flat.spread, 0.0, 1e-6);
    EXPECT_EQ(flat.pixels, static_cast<long>(n / 2 - 2 * ctsw::eval::kTextureDepth) * (n - 2 * ctsw::eval::kTextureDepth));
    // Vessel-sized stripes (period 8) carry structure in proportion to their contrast; single-pixel
    // grain of the same contrast carries little.
    auto patterned = [&](int period, float amplitude) {
        ctsw::Slice<float> s = step;
        for (int y = 0; y < n; ++y)
            for (int x = 0; x < n / 2; ++x) s.at(x, y) = 10.0f + amplitude * static_cast<float>(std::sin(2 * M_PI * x / period));
        return s;
    };
    ctsw::Slice<float> grain = step;
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n / 2; ++x) grain.at(x, y) = 10.0f + ((x + y) % 2 ? 8.0f : -8.0f);
    const double stripes = regionTexture(patterned(8, 8.0f), left).structure;
    EXPECT_GT(stripes, 2.0);
    EXPECT_NEAR(regionTexture(patterned(8, 16.0f), left).structure, 2 * stripes, 0.05 * stripes);
    EXPECT_LT(regionTexture(grain, left).structure, 0.05 * stripes);
    EXPECT_NEAR(regionTexture(grain, left).spread, 8.0, 1e-3);  // the spread sees grain; structure does not
    // A region too thin to have a pixel that deep: NaN, and said so by 0 pixels.
    ctsw::LabelSlice line(n, n);
    for (int x = 0; x < n; ++x) line.at(x, 10) = 1;
    const auto none = regionTexture(step, line);
    EXPECT_EQ(none.pixels, 0);
    EXPECT_TRUE(std::isnan(none.structure));
    EXPECT_THROW(regionTexture(step, ctsw::LabelSlice(8, 8)), std::invalid_argument);
}

TEST(LearningRate, CosineWarmsUpThenFallsToOnePercentAndThePaperHalvesTheEpochs) {
    const std::int64_t steps = 400;  // warm-up: the first 20
    EXPECT_NEAR(learningRateFactor("cosine", 0, 50, 0, steps), 1.0 / 20, 1e-12);
    EXPECT_NEAR(learningRateFactor("cosine", 0, 50, 19, steps), 1.0, 1e-12);
    EXPECT_NEAR(learningRateFactor("cosine", 0, 50, 20, steps), 1.0, 1e-12);
    EXPECT_NEAR(learningRateFactor("cosine", 25, 50, 20 + 190, steps), 0.01 + 0.99 * 0.5, 1e-12);  // half way after warm-up
    EXPECT_NEAR(learningRateFactor("cosine", 49, 50, steps, steps), 0.01, 1e-12);
    double previous = 2;
    for (std::int64_t step = 20; step < steps; ++step) {
        const double f = learningRateFactor("cosine", 0, 50, step, steps);
        EXPECT_LE(f, previous) << step;
        previous = f;
    }
    // The paper's: constant for 5 of 10 epochs, then down by a sixth of it per epoch.
    EXPECT_EQ(learningRateFactor("paper", 4, 10, 0, 0), 1.0);
    EXPECT_NEAR(learningRateFactor("paper", 5, 10, 0, 0), 5.0 / 6, 1e-12);
    EXPECT_NEAR(learningRateFactor("paper", 9, 10, 0, 0), 1.0 / 6, 1e-12);
}


TEST(QualityRecord, ReadBackMarkedStaleWhenTheModelIsRewrittenAndEmptyWhenDamaged) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("ctsw-quality-record-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "config.json") << "{}";
    fs::last_write_time(dir / "config.json", fs::file_time_type::clock::now() - std::chrono::hours(1));
    bool stale = true;
    EXPECT_TRUE(ctsw::eval::readRecordedQuality(dir.string(), &stale).asObject().empty());  // none yet
    ctsw::Json report = ctsw::Json::object();
    report.set("model_id", "m1");
    ctsw::eval::recordQuality(dir.string(), report);
    EXPECT_EQ(ctsw::eval::readRecordedQuality(dir.string(), &stale).at("model_id").asString(), "m1");
    EXPECT_FALSE(stale);
    // Training again into the folder rewrites config.json: the figures no longer describe the model.
    fs::last_write_time(dir / "config.json", fs::file_time_type::clock::now() + std::chrono::hours(1));
    EXPECT_EQ(ctsw::eval::readRecordedQuality(dir.string(), &stale).at("model_id").asString(), "m1");
    EXPECT_TRUE(stale);
    std::ofstream(dir / "quality.json", std::ios::trunc) << "{\"model_id\": ";  // cut off
    EXPECT_TRUE(ctsw::eval::readRecordedQuality(dir.string(), &stale).asObject().empty());
    fs::remove_all(dir);
}

namespace {

// Six 64x64 slices whose labels follow their intensity (a learnable task) and two to validate on.
std::vector<EvalSample> toySamples(int count, unsigned seed) {
    std::vector<EvalSample> set;
    std::uint32_t state = seed;
    for (int k = 0; k < count; ++k) {
        EvalSample s;
        s.id = "toy" + std::to_string(k);
        s.image = ctsw::Slice<float>(64, 64);
        s.labels = ctsw::LabelSlice(64, 64);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x) {
                state = state * 1664525u + 1013904223u;
                const float noise = static_cast<float>(state >> 24) / 8.0f;
                const bool lung = std::abs(x - 32) < 20 && std::abs(y - 32) < 16;
                const bool lesion = lung && std::hypot(x - 24 - 2 * k, y - 30) < 6;
                s.image.at(x, y) = (lesion ? 150.0f : lung ? 40.0f : 200.0f) + noise;
                s.labels.at(x, y) = lesion ? 2 : lung ? 1 : 0;
            }
        set.push_back(std::move(s));
    }
    return set;
}

struct ToyFit {
    std::vector<EvalSample> train = toySamples(6, 7), validation = toySamples(2, 11);
    FitOptions options;
    std::vector<std::string> lines;
    ToyFit() {
        options.arch = "unet";
        options.width = 0.0625;
        options.epochs = 4;
        options.batch = 2;
        options.lr = 1e-3;
        options.threads = 1;
        options.trainingSet = "toy";
        options.validation = &validation;
        options.validationSet = "toy-validation";
        options.checkpointSeconds = 0;  // after every epoch
        options.log = [this](const std::string& l) { lines.push_back(l); };
    }
    bool logged(const std::string& part) const {
        for (const auto& l : lines)
            if (l.find(part) != std::string::npos) return true;
        return false;
    }
};

// Runs a fit that is stopped (an exception, as a kill would) when it logs epoch `stopAt`.
void fitStoppedAt(ToyFit& t, int stopAt, const std::string& dir) {
    FitOptions o = t.options;
    const std::string mark = "epoch " + std::to_string(stopAt) + "/";
    o.log = [mark](const std::string& l) {
        if (l.find(mark) != std::string::npos) throw std::runtime_error("stopped");
    };
    EXPECT_THROW(fitSegmenter(t.train, o, dir), std::runtime_error);
}

std::vector<double> epochLossesOf(const std::string& dir) {
    std::vector<double> losses;
    const ctsw::Json model = ctsw::readJsonFile(dir + "/model.json");
    for (const auto& v : model.at("epoch_losses").asArray()) losses.push_back(v.asNumber());
    return losses;
}

}  // namespace

TEST(FitPrecision, TheUNetTrainsInTheRequestedPrecisionAndModelJsonSaysWhich) {
    namespace fs = std::filesystem;
    const fs::path root = fs::temp_directory_path() / ("ctsw-fit-precision-" + std::to_string(::getpid()));
    fs::remove_all(root);
    auto precisionOf = [&](const std::string& arch, const std::string& request) {
        ToyFit t;
        t.options.arch = arch;
        t.options.epochs = 2;
        t.options.precision = request;
        const std::string dir = (root / (arch + "-" + request)).string();
        const FitReport r = fitSegmenter(t.train, t.options, dir);
        EXPECT_TRUE(std::isfinite(r.lastEpochLoss));
        EXPECT_EQ(EvalModel(dir, 1).segment(t.validation).size(), t.validation.size());
        return ctsw::readJsonFile(dir + "/model.json").at("precision").asString();
    };
    EXPECT_EQ(precisionOf("unet", "bf16"), "bf16 autocast");
    EXPECT_EQ(precisionOf("unet", "fp32"), "fp32");
    EXPECT_EQ(precisionOf("enet", "bf16"), "fp32");  // ENet is no faster in bf16: it stays fp32
    ToyFit unknown;
    unknown.options.precision = "fp16";
    EXPECT_THROW(fitSegmenter(unknown.train, unknown.options, (root / "unknown").string()), std::invalid_argument);
    EXPECT_FALSE(fs::exists(root / "unknown"));
    fs::remove_all(root);
}

TEST(FitCheckpoint, AStoppedFitResumesAndEndsWithTheUninterruptedNetwork) {
    namespace fs = std::filesystem;
    const fs::path root = fs::temp_directory_path() / ("ctsw-fit-resume-" + std::to_string(::getpid()));
    fs::remove_all(root);
    ToyFit whole;
    fitSegmenter(whole.train, whole.options, (root / "whole").string());
    EXPECT_FALSE(fs::exists(root / "whole" / "checkpoint"));  // a finished model leaves no checkpoint

    ToyFit resumed;
    const std::string dir = (root / "resumed").string();
    fitStoppedAt(resumed, 3, dir);
    ASSERT_TRUE(fs::exists(fs::path(dir) / "checkpoint" / "state.json"));
    EXPECT_FALSE(isTrainedModel(dir));
    const FitReport r = fitSegmenter(resumed.train, resumed.options, dir);
    EXPECT_TRUE(resumed.logged("resuming from the checkpoint after epoch 2 of 4"));
    EXPECT_FALSE(resumed.logged("epoch 1/4"));  // the epochs before the checkpoint are not trained again
    EXPECT_EQ(r.curve.size(), 4u);              // the validation curve keeps the points before the stop
    const auto a = epochLossesOf((root / "whole").string()), b = epochLossesOf(dir);
    ASSERT_EQ(a.size(), 4u);
    ASSERT_EQ(b.size(), 4u);
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6 * std::abs(a[i])) << "epoch " << i + 1;
    EXPECT_FALSE(fs::exists(fs::path(dir) / "checkpoint"));
    const auto segA = EvalModel((root / "whole").string(), 1).segment(whole.validation);
    const auto segB = EvalModel(dir, 1).segment(whole.validation);
    ASSERT_EQ(segA.size(), segB.size());
    for (std::size_t i = 0; i < segA.size(); ++i) EXPECT_EQ(segA[i].pixels(), segB[i].pixels());
    fs::remove_all(root);
}

TEST(FitCheckpoint, ADamagedCheckpointFallsBackToTheEarlierOneAndOtherSettingsStartAfresh) {
    namespace fs = std::filesystem;
    const fs::path root = fs::temp_directory_path() / ("ctsw-fit-damage-" + std::to_string(::getpid()));
    fs::remove_all(root);
    ToyFit whole;
    fitSegmenter(whole.train, whole.options, (root / "whole").string());

    // The newest checkpoint (after epoch 3) loses half its network file: the one after epoch 2 is used.
    ToyFit damaged;
    const std::string dir = (root / "damaged").string();
    fitStoppedAt(damaged, 4, dir);
    const ctsw::Json state = ctsw::readJsonFile(dir + "/checkpoint/state.json");
    ASSERT_EQ(state.at("iteration").asInt(), 3);
    const fs::path net = fs::path(dir) / "checkpoint" / state.at("folder").asString() / "net.pt";
    fs::resize_file(net, fs::file_size(net) / 2);
    fitSegmenter(damaged.train, damaged.options, dir);
    EXPECT_TRUE(damaged.logged("net.pt"));  // the damage is named
    EXPECT_TRUE(damaged.logged("resuming from the checkpoint after epoch 2 of 4"));
    const auto a = epochLossesOf((root / "whole").string()), b = epochLossesOf(dir);
    ASSERT_EQ(b.size(), a.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6 * std::abs(a[i])) << "epoch " << i + 1;

    // Another learning rate: the checkpoint is not this run's, so training starts at epoch 1.
    ToyFit other;
    const std::string otherDir = (root / "other").string();
    fitStoppedAt(other, 3, otherDir);
    other.options.lr = 5e-4;
    fitSegmenter(other.train, other.options, otherDir);
    EXPECT_TRUE(other.logged("checkpoint of other settings; training from the first epoch"));
    EXPECT_TRUE(other.logged("epoch 1/4"));
    EXPECT_TRUE(isTrainedModel(otherDir));

    // The same settings on a training set with one pixel one grey level brighter: the data is named as what differs.
    ToyFit changed;
    const std::string changedDir = (root / "changed").string();
    fitStoppedAt(changed, 3, changedDir);
    changed.train.front().image.pixels()[0] += 1.0f;
    fitSegmenter(changed.train, changed.options, changedDir);
    EXPECT_TRUE(changed.logged("checkpoint of other training data (the set's images or masks differ); training from the first epoch"));
    EXPECT_FALSE(changed.logged("resuming"));
    fs::remove_all(root);
}
