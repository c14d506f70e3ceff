// Mask editing: strokes, rules, fill, islands, undo/redo under a memory budget, automatic lung mask.
#include <gtest/gtest.h>

#include <cmath>

#include "image/Labels.h"
#include "io/ImageFiles.h"
#include "mask/LabelEditor.h"
#include "mask/Lesions.h"
#include "mask/LungMask.h"
#include "../support/TestSupport.h"

using namespace ctsw;
using namespace ctsw::mask;

namespace {

LabelVolume blank(int w = 256, int h = 256, int d = 3) {
    Geometry g;
    g.size = {w, h, d};
    return LabelVolume(g, 0);
}

std::size_t count(const LabelVolume& v, int slice, std::uint8_t value) {
    std::size_t n = 0;
    const std::uint8_t* p = v.slicePointer(slice);
    for (int i = 0; i < v.width() * v.height(); ++i) n += p[i] == value;
    return n;
}

}  // namespace

TEST(LabelEditor, FastStrokeLeavesNoGaps) {
    LabelVolume v = blank();
    LabelEditor e(v);
    PaintRules rules;
    e.beginStroke(1, Label::Lung, 3.0, false, rules);
    e.strokeTo(10, 20);
    e.strokeTo(240, 20);  // one mouse event 230 pixels later
    EXPECT_GT(e.endStroke(), 0u);
    for (int x = 10; x < 240; ++x) ASSERT_EQ(v.at(x, 20, 1), 1) << "gap at x=" << x;
    EXPECT_EQ(count(v, 0, 1) + count(v, 2, 1), 0u);  // other slices untouched
    EXPECT_EQ(v.at(125, 30, 1), 0);                   // radius respected
}

TEST(LabelEditor, ThresholdLimitedBrushPaintsOnlyInTheRange) {
    LabelVolume v = blank(64, 64, 1);
    CtVolume image(v.geometry(), 0.0f);
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) image.at(x, y, 0) = x < 32 ? -850.0f : 40.0f;
    LabelEditor e(v, &image);
    PaintRules rules;
    rules.intensityRange = std::make_pair(-1000.0f, -400.0f);
    e.beginStroke(0, Label::Lung, 40.0, false, rules);
    e.strokeTo(32, 32);
    e.endStroke();
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) ASSERT_EQ(v.at(x, y, 0), x < 32 && (x + 0.5 - 32) * (x + 0.5 - 32) + (y + 0.5 - 32) * (y + 0.5 - 32) <= 1600 ? 1 : 0);
}

TEST(LabelEditor, InfectionOnlyInsideLungAndOtherLabelsProtected) {
    LabelVolume v = blank(64, 64, 1);
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 32; ++x) v.at(x, y, 0) = 1;  // lung on the left half
    LabelEditor e(v);
    PaintRules rules;
    e.beginStroke(0, Label::Infection, 6.0, false, rules);
    e.strokeTo(10, 32);
    e.strokeTo(54, 32);
    e.endStroke();
    EXPECT_EQ(v.at(20, 32, 0), 2);  // inside lung: infection
    EXPECT_EQ(v.at(45, 32, 0), 0);  // outside lung: refused
    // Painting lung does not overwrite infection by default...
    e.beginStroke(0, Label::Lung, 6.0, false, rules);
    e.strokeTo(20, 32);
    e.endStroke();
    EXPECT_EQ(v.at(20, 32, 0), 2);
    // ...but does with the explicit overwrite policy; and without the rule infection goes anywhere.
    PaintRules all;
    all.overwrite = Overwrite::OverwriteAll;
    all.infectionOnlyInsideLung = false;
    e.beginStroke(0, Label::Lung, 2.0, false, all);
    e.strokeTo(20, 32);
    e.endStroke();
    EXPECT_EQ(v.at(20, 32, 0), 1);
    e.beginStroke(0, Label::Infection, 2.0, false, all);
    e.strokeTo(50, 10);
    e.endStroke();
    EXPECT_EQ(v.at(50, 10, 0), 2);
}

TEST(LabelEditor, EraserRemovesOnlyItsLabelDownToWhatLiesBeneath) {
    LabelVolume v = blank(32, 32, 1);
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x) v.at(x, y, 0) = x < 16 ? 2 : 1;
    LabelEditor e(v);
    e.beginStroke(0, Label::Infection, 100.0, true, PaintRules{});
    e.strokeTo(16, 16);
    e.endStroke();
    EXPECT_EQ(count(v, 0, 2), 0u);
    EXPECT_EQ(count(v, 0, 1), 32u * 32u);  // infection erased to lung, lung untouched
}

TEST(LabelEditor, FloodFillFillsTheEnclosedRegionOnly) {
    LabelVolume v = blank(40, 40, 1);
    for (int i = 10; i < 30; ++i) v.at(i, 10, 0) = v.at(i, 29, 0) = v.at(10, i, 0) = v.at(29, i, 0) = 1;  // a lung ring
    LabelEditor e(v);
    EXPECT_EQ(e.floodFill(0, 20, 20, Label::Lung, PaintRules{}), 18u * 18u);
    EXPECT_EQ(v.at(20, 20, 0), 1);
    EXPECT_EQ(v.at(5, 5, 0), 0);  // outside the ring untouched
    EXPECT_TRUE(e.undo());
    EXPECT_EQ(v.at(20, 20, 0), 0);
}

TEST(LabelEditor, RemoveSmallIslandsKeepsLargeRegions) {
    LabelVolume v = blank(64, 64, 1);
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 30; ++x) v.at(x, y, 0) = 1;  // 900 px
    v.at(50, 50, 0) = v.at(51, 50, 0) = 1;               // 2 px island
    LabelEditor e(v);
    EXPECT_EQ(e.removeSmallIslands(0, Label::Lung, 10), 2u);
    EXPECT_EQ(v.at(50, 50, 0), 0);
    EXPECT_EQ(count(v, 0, 1), 900u);
}

TEST(LabelEditor, UndoRedoRestoreExactlyAndANewEditClearsRedo) {
    LabelVolume v = blank();
    LabelEditor e(v);
    const auto original = v.voxels();
    e.beginStroke(1, Label::Lung, 10, false, PaintRules{});
    e.strokeTo(50, 50);
    e.strokeTo(150, 120);
    e.endStroke();
    const auto afterFirst = v.voxels();
    e.beginStroke(1, Label::Infection, 5, false, PaintRules{});
    e.strokeTo(100, 85);
    e.endStroke();
    const auto afterSecond = v.voxels();
    ASSERT_NE(afterFirst, afterSecond);
    EXPECT_TRUE(e.undo());
    EXPECT_EQ(v.voxels(), afterFirst);
    EXPECT_TRUE(e.undo());
    EXPECT_EQ(v.voxels(), original);
    EXPECT_FALSE(e.undo());
    EXPECT_TRUE(e.redo());
    EXPECT_TRUE(e.redo());
    EXPECT_EQ(v.voxels(), afterSecond);
    EXPECT_TRUE(e.undo());
    e.beginStroke(0, Label::Lung, 3, false, PaintRules{});
    e.strokeTo(5, 5);
    e.endStroke();
    EXPECT_FALSE(e.canRedo());
    EXPECT_EQ(e.lastTouchedSlice(), 0);
}

TEST(LabelEditor, HistoryIsDeltasUnderAMemoryBudget) {
    LabelVolume v = blank(512, 512, 1);
    LabelEditor e(v);
    // A stroke 20 px wide changes ~20 rows of runs, not a 256 KiB slice snapshot.
    e.beginStroke(0, Label::Lung, 10, false, PaintRules{});
    e.strokeTo(100, 100);
    e.strokeTo(400, 100);
    e.endStroke();
    EXPECT_LT(e.historyBytes(), 2048u);
    e.setBudgetBytes(4096);
    for (int i = 0; i < 40; ++i) {
        e.beginStroke(0, i % 2 ? Label::Lung : Label::Background, 10, false, PaintRules{});
        e.strokeTo(50, 10 + i * 12);
        e.strokeTo(450, 10 + i * 12);
        e.endStroke();
    }
    EXPECT_LE(e.historyBytes(), 4096u);
    EXPECT_LT(e.undoSteps(), 41u);  // the oldest were dropped
    EXPECT_GE(e.undoSteps(), 1u);
}

TEST(LungMaskData, AutomaticLungMaskMatchesTheRadiologistsOnARealSlice) {
    const std::string data = ctsw::test::dataDir();
    if (data.empty()) GTEST_SKIP() << "real data folder not found";
    const std::string dir = data + "/covid19-ct-seg-slices/";
    RawImage2D img = readImage2D(dir + "coronacases_001_image_slice_110.npy");
    LabelSlice truth = readMaskSlice(dir + "coronacases_001_masks_slice_110.npy", LabelMapping::named("lung-left-right"));
    LabelSlice lung = automaticLungMask(img.values);
    std::size_t a = 0, b = 0, both = 0;
    for (std::size_t i = 0; i < lung.pixels().size(); ++i) {
        a += lung.pixels()[i];
        b += truth.pixels()[i];
        both += lung.pixels()[i] && truth.pixels()[i];
    }
    EXPECT_GT(2.0 * both / static_cast<double>(a + b), 0.9) << a << " vs " << b;
    // The slice at the upper abdomen has almost no lung: the mask must stay small, not grab bowel gas.
    RawImage2D abdomen = readImage2D(dir + "coronacases_008_image_slice_26.npy");
    LabelSlice none = automaticLungMask(abdomen.values);
    std::size_t n = 0;
    for (auto p : none.pixels()) n += p;
    EXPECT_LT(n, 3000u);
}

TEST(LungMaskData, ThoraxCropsKeepLungsTouchingEverySideAndDropTheAirways) {
    const std::string data = ctsw::test::dataDir();
    if (data.empty()) GTEST_SKIP() << "real data folder not found";
    // MedSeg test slice 63: both lungs reach the image's edges (one component touching all four sides);
    // the trachea is pure air. Slice 65: lungs touch two sides each.
    for (const char* n : {"63", "65"}) {
        RawImage2D img = readImage2D(data + "/medseg-covid/test/Imgs/" + n + ".jpg");
        bool cropped = false;
        LabelSlice lung = deriveLungMask(img.values, LungMaskOptions::forValues(false), &cropped);
        EXPECT_TRUE(cropped) << n;
        std::size_t lungPixels = 0, plainPixels = 0;
        const LabelSlice plain = automaticLungMask(img.values, LungMaskOptions::forValues(false));
        for (std::size_t i = 0; i < lung.pixels().size(); ++i) {
            lungPixels += lung.pixels()[i];
            plainPixels += plain.pixels()[i];
        }
        // The radiologists' infection alone covers 6-8 % of these slices; the lung is far more, and far
        // more than the full-field rules keep (they drop air touching the border).
        EXPECT_GT(lungPixels, lung.pixels().size() * 35 / 100) << n;
        EXPECT_GT(lungPixels, plainPixels * 5 / 4) << n;
    }
}


TEST(LungMaskData, NarrowWindowExportsKeepFatAndLiverOutOfTheLung) {
    const std::string data = ctsw::test::dataDir();
    if (data.empty()) GTEST_SKIP() << "real data folder not found";
    // MedSeg test slice 74 is below the lungs and exported in a narrower window than a lung window:
    // soft tissue near grey 172, fat and liver near 140, under the lung window's 145. Only the two lung
    // bases (mostly infection) are lung; at 145 the liver's dark rim and the fat came out as lung, a
    // quarter of the image.
    const RawImage2D narrow = readImage2D(data + "/medseg-covid/test/Imgs/74.jpg");
    const float threshold = eightBitLungThreshold(narrow.values);
    EXPECT_GT(threshold, 80.0f);
    EXPECT_LT(threshold, 120.0f);
    const LabelSlice lung = deriveLungMask(narrow.values, LungMaskOptions::forImage(narrow.values, false));
    const std::size_t lungPixels = countLabels(lung.pixels()).perLabel[1];
    EXPECT_LT(lungPixels, lung.pixels().size() * 6 / 100);
    const LabelSlice at145 = deriveLungMask(narrow.values, LungMaskOptions::forValues(false));
    EXPECT_GT(countLabels(at145.pixels()).perLabel[1], lung.pixels().size() * 15 / 100);  // what the fixed threshold did
    // A lung-window export keeps the lung window's threshold.
    for (const char* n : {"63", "65", "38"}) {
        const RawImage2D lungWindow = readImage2D(data + "/medseg-covid/test/Imgs/" + n + ".jpg");
        EXPECT_FLOAT_EQ(eightBitLungThreshold(lungWindow.values), 145.0f) << n;
    }
}

namespace {

// Two elliptical "lungs" in a 128 x 128 slice.
LabelSlice twoLungs() {
    LabelSlice s(128, 128);
    for (int y = 0; y < 128; ++y)
        for (int x = 0; x < 128; ++x) {
            const double l = std::pow((x - 38) / 26.0, 2) + std::pow((y - 64) / 44.0, 2), r = std::pow((x - 90) / 26.0, 2) + std::pow((y - 64) / 44.0, 2);
            if (l < 1 || r < 1) s.at(x, y) = 1;
        }
    return s;
}

// An annotated mask: lung 20 x 20 = 400 pixels holding a 5 x 4 lesion, a diagonal pair of 3 x 3 blocks
// touching at one corner (one 8-connected lesion of 18 pixels), and a 2-pixel speck.
LabelSlice annotated() {
    LabelSlice s(30, 30);
    for (int y = 0; y < 20; ++y)
        for (int x = 0; x < 20; ++x) s.at(x, y) = 1;
    for (int y = 1; y < 5; ++y)
        for (int x = 1; x < 6; ++x) s.at(x, y) = 2;
    for (int k = 0; k < 3; ++k)
        for (int j = 0; j < 3; ++j) s.at(10 + j, 10 + k) = 2, s.at(13 + j, 13 + k) = 2;
    s.at(1, 18) = 2, s.at(2, 18) = 2;
    return s;
}

}  // namespace

TEST(Lesions, CollectedWithTheirShareOfTheLungAndSpecksDropped) {
    const LesionLibrary lib = collectLesions({annotated()}, {"a.png"});
    ASSERT_EQ(lib.lesions.size(), 2u);  // the speck (2 px < 9) is not a lesion
    EXPECT_EQ(lib.lesions[0].area, 20u);
    EXPECT_EQ(lib.lesions[0].width, 5);
    EXPECT_EQ(lib.lesions[0].height, 4);
    EXPECT_NEAR(lib.lesions[0].lungFraction, 20.0 / 400, 1e-12);
    EXPECT_EQ(lib.lesions[1].area, 18u);  // 8-connected: the diagonal pair is one lesion
    EXPECT_EQ(lib.lesions[1].width, 6);
    ASSERT_EQ(lib.burdens.size(), 1u);
    EXPECT_NEAR(lib.burdens[0], 40.0 / 400, 1e-12);
    // Without lung pixels a lesion's size relative to a lung is unknown: refused by name.
    LabelSlice infectionOnly(10, 10);
    infectionOnly.at(3, 3) = 2;
    try {
        collectLesions({infectionOnly}, {"gt/7.png"});
        FAIL() << "expected a refusal";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("gt/7.png"), std::string::npos) << e.what();
    }
}

TEST(Lesions, PlacedOnlyInsideTheLungWithinTheBurdenAndRepeatablePerSeed) {
    LabelSlice source = annotated();
    // A larger library: the same lesions from three masks.
    const LesionLibrary lib = collectLesions({source, source, source}, {"a", "b", "c"});
    const LabelSlice lung = twoLungs();
    LesionOptions o;
    o.burdenLow = 0.10, o.burdenHigh = 0.25;
    std::vector<std::vector<std::uint8_t>> seen;
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        const PlacedLesions p = placeLesions(lung, lib, o, seed);
        std::size_t infected = 0, lungPixels = 0;
        for (std::size_t i = 0; i < lung.pixels().size(); ++i) {
            const std::uint8_t v = p.labels.pixels()[i];
            if (lung.pixels()[i] == 0) {
                EXPECT_EQ(v, 0) << "pixel " << i << " outside the lung";
            } else {
                EXPECT_NE(v, 0) << "lung pixel " << i << " lost";
                ++lungPixels;
                infected += v == 2;
            }
        }
        const double burden = static_cast<double>(infected) / lungPixels;
        EXPECT_NEAR(burden, p.burden, 1e-12);
        EXPECT_GE(p.burden, 0.10) << "seed " << seed;
        EXPECT_LE(p.burden, 0.25) << "seed " << seed;
        EXPECT_GE(p.burden, p.targetBurden);
        EXPECT_GT(p.lesionsPlaced, 1);
        EXPECT_GE(p.regions, 1);
        EXPECT_EQ(placeLesions(lung, lib, o, seed).labels.pixels(), p.labels.pixels());  // the same seed, the same mask
        for (const auto& other : seen) EXPECT_NE(other, p.labels.pixels());             // seeds give different masks
        seen.push_back(p.labels.pixels());
    }
    // Bounds outside [0, 1], an empty library or an empty lung are refused.
    o.burdenHigh = 1.5;
    EXPECT_THROW(placeLesions(lung, lib, o, 1), std::invalid_argument);
    o.burdenHigh = 0.25;
    EXPECT_THROW(placeLesions(lung, LesionLibrary{}, o, 1), std::invalid_argument);
    EXPECT_THROW(placeLesions(LabelSlice(128, 128), lib, o, 1), std::invalid_argument);
    // Without bounds the library's own range (one mask: its burden, 0.1) is used.
    LesionOptions fromLibrary;
    const PlacedLesions p = placeLesions(lung, lib, fromLibrary, 3);
    EXPECT_NEAR(p.targetBurden, 0.1, 1e-12);
    EXPECT_NEAR(p.burden, 0.1, 1.0 / 7162);  // whole pixels: 716 of the lung's 7162
}

TEST(Lesions, PeripheralPlacementFavoursTheLungsRimAndBack) {
    const LesionLibrary lib = collectLesions({annotated()}, {"a"});
    const LabelSlice lung = twoLungs();
    LesionOptions o;
    o.burdenLow = o.burdenHigh = 0.08;
    // Mean row of infection (posterior is down) and its share within 5 px of the lung's edge, over 20 seeds.
    auto measure = [&](bool peripheral, double& meanRow, double& rimShare) {
        o.peripheral = peripheral;
        double rows = 0, rim = 0, n = 0;
        for (std::uint64_t seed = 1; seed <= 20; ++seed) {
            const PlacedLesions p = placeLesions(lung, lib, o, seed);
            for (int y = 0; y < 128; ++y)
                for (int x = 0; x < 128; ++x) {
                    if (p.labels.at(x, y) != 2) continue;
                    bool nearEdge = false;
                    for (int dy = -5; dy <= 5 && !nearEdge; ++dy)
                        for (int dx = -5; dx <= 5 && !nearEdge; ++dx) {
                            const int nx = x + dx, ny = y + dy;
                            nearEdge = nx < 0 || ny < 0 || nx >= 128 || ny >= 128 || lung.at(nx, ny) == 0;
                        }
                    rows += y, rim += nearEdge, ++n;
                }
        }
        meanRow = rows / n, rimShare = rim / n;
    };
    double uniformRow, uniformRim, peripheralRow, peripheralRim;
    measure(false, uniformRow, uniformRim);
    measure(true, peripheralRow, peripheralRim);
    EXPECT_GT(peripheralRim, uniformRim + 0.05) << peripheralRim << " vs " << uniformRim;
    EXPECT_GT(peripheralRow, uniformRow + 2) << peripheralRow << " vs " << uniformRow;
}
