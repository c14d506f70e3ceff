// core/image: geometry, display re-orientation, windows, label mappings and 2D re-orientation.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "image/Geometry.h"
#include "image/Labels.h"
#include "image/Orientation2D.h"
#include "image/Volume.h"
#include "image/WindowLevel.h"

using namespace ctsw;

namespace {

void expectVecNear(const Vec3& a, const Vec3& b, double tol, const std::string& what) {
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(a[i], b[i], tol) << what << " component " << i;
}

// A volume whose voxel values are their linear index, so every voxel can be traced after re-indexing.
CtVolume indexedVolume(const Geometry& g) {
    CtVolume v(g);
    for (std::size_t i = 0; i < v.voxels().size(); ++i) v.voxels()[i] = static_cast<float>(i);
    return v;
}

// Checks that every voxel of `out` sits where the same voxel (same value) sat in `in`.
void expectSamePhysicalPositions(const CtVolume& in, const CtVolume& out) {
    ASSERT_EQ(in.voxels().size(), out.voxels().size());
    const Geometry& gi = in.geometry();
    const Geometry& go = out.geometry();
    std::vector<char> seen(in.voxels().size(), 0);
    for (int z = 0; z < out.depth(); ++z)
        for (int y = 0; y < out.height(); ++y)
            for (int x = 0; x < out.width(); ++x) {
                const auto value = static_cast<std::size_t>(out.at(x, y, z));
                ASSERT_LT(value, seen.size());
                seen[value] = 1;
                const int ix = static_cast<int>(value % gi.size[0]);
                const int iy = static_cast<int>((value / gi.size[0]) % gi.size[1]);
                const int iz = static_cast<int>(value / (static_cast<std::size_t>(gi.size[0]) * gi.size[1]));
                const Vec3 before = gi.indexToPhysical(ix, iy, iz);
                const Vec3 after = go.indexToPhysical(x, y, z);
                for (int c = 0; c < 3; ++c)
                    ASSERT_NEAR(before[c], after[c], 1e-9) << "voxel (" << x << "," << y << "," << z << ") moved, component " << c;
            }
    for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_TRUE(seen[i]) << "input voxel " << i << " lost";
}

void expectDisplayDirection(const Geometry& g) {
    // x to the patient's left (+L), y to posterior (+P), z to superior (+S): positive diagonal.
    for (int a = 0; a < 3; ++a) EXPECT_GT(g.direction[a * 3 + a], 0.5) << "axis " << a << " does not point along +" << "LPS"[a];
}

}  // namespace

TEST(Geometry, IndexToPhysicalWithIdentityDirection) {
    Geometry g;
    g.size = {512, 512, 30};
    g.spacing = {0.646484375, 0.646484375, 8.0};
    g.origin = {-173.1767578125, -294.1767578125, 80.0};
    expectVecNear(g.indexToPhysical(0, 0, 0), g.origin, 0, "origin");
    expectVecNear(g.indexToPhysical(511, 511, 29), {-173.1767578125 + 511 * 0.646484375, -294.1767578125 + 511 * 0.646484375, 312.0}, 1e-9, "far corner");
    expectVecNear(g.indexToPhysical(0.5, 0, 1), {-173.1767578125 + 0.5 * 0.646484375, -294.1767578125, 88.0}, 1e-12, "fractional index");
    EXPECT_EQ(g.voxelCount(), 512u * 512u * 30u);
}

TEST(Geometry, IndexToPhysicalWithPermutedFlippedDirection) {
    Geometry g;
    g.size = {4, 5, 6};
    g.spacing = {2.0, 3.0, 5.0};
    g.origin = {10.0, 20.0, 30.0};
    // index x runs to -P, index y to +S, index z to -L (columns of the row-major matrix).
    g.direction = {0, 0, -1,
                   -1, 0, 0,
                   0, 1, 0};
    expectVecNear(g.axis(0), {0, -1, 0}, 0, "axis 0");
    expectVecNear(g.axis(1), {0, 0, 1}, 0, "axis 1");
    expectVecNear(g.axis(2), {-1, 0, 0}, 0, "axis 2");
    // (1,2,3) -> origin + 1*2*(0,-1,0) + 2*3*(0,0,1) + 3*5*(-1,0,0)
    expectVecNear(g.indexToPhysical(1, 2, 3), {10.0 - 15.0, 20.0 - 2.0, 30.0 + 6.0}, 1e-12, "index (1,2,3)");
}

TEST(Geometry, IndexToPhysicalWithObliqueDirection) {
    Geometry g;
    g.spacing = {0.5, 0.5, 4.0};
    g.origin = {-125.0, -123.54, 43.8};
    const double c = 0.9483237, s = 0.3173047;  // gantry tilt 18.5 degrees
    g.direction = {1, 0, 0,
                   0, c, s,
                   0, -s, c};
    expectVecNear(g.indexToPhysical(0, 10, 0), {-125.0, -123.54 + 5.0 * c, 43.8 - 5.0 * s}, 1e-12, "along y");
    expectVecNear(g.indexToPhysical(0, 0, 2), {-125.0, -123.54 + 8.0 * s, 43.8 + 8.0 * c}, 1e-12, "along z");
}

TEST(Geometry, SameGridComparesSizeSpacingOriginDirection) {
    Geometry a;
    a.size = {10, 20, 3};
    a.spacing = {0.7, 0.7, 5.0};
    a.origin = {-100, -50, 20};
    Geometry b = a;
    EXPECT_TRUE(a.sameGrid(b));
    b.origin[2] += 0.0001;
    EXPECT_TRUE(a.sameGrid(b));
    b = a;
    b.size[2] = 4;
    EXPECT_FALSE(a.sameGrid(b));
    b = a;
    b.spacing[0] = 0.75;
    EXPECT_FALSE(a.sameGrid(b));
    b = a;
    b.origin[1] += 1.0;
    EXPECT_FALSE(a.sameGrid(b));
    b = a;
    b.direction[4] = -1;
    EXPECT_FALSE(a.sameGrid(b));
    EXPECT_NE(a.describe().find("10x20x3"), std::string::npos) << a.describe();
}

TEST(Geometry, SameGridPositionToleranceIsInMillimetres) {
    // Geometry.h: "within tolerance (mm for positions, relative for spacing)", default 1e-3. Origins 0.2 mm
    // apart (a third of a voxel here) are not the same grid, however far the origin is from (0, 0, 0).
    Geometry a;
    a.size = {512, 512, 30};
    a.spacing = {0.646484375, 0.646484375, 8.0};
    a.origin = {-173.1767578125, -294.1767578125, 312.0};
    Geometry b = a;
    b.origin[2] += 0.2;
    EXPECT_FALSE(a.sameGrid(b)) << "origins 0.2 mm apart along z accepted with tolerance 1e-3 mm";
    b = a;
    b.origin[1] += 0.2;
    EXPECT_FALSE(a.sameGrid(b)) << "origins 0.2 mm apart along y accepted with tolerance 1e-3 mm";
    b = a;
    b.origin[2] += 0.0005;
    EXPECT_TRUE(a.sameGrid(b));
}

TEST(Geometry, VectorHelpers) {
    expectVecNear(cross({1, 0, 0}, {0, 1, 0}), {0, 0, 1}, 0, "x cross y");
    expectVecNear(cross({0, 1, 0}, {1, 0, 0}), {0, 0, -1}, 0, "y cross x");
    EXPECT_DOUBLE_EQ(dot({1, 2, 3}, {4, -5, 6}), 12.0);
    EXPECT_DOUBLE_EQ(norm({3, 4, 12}), 13.0);
}

TEST(DisplayOrientation, IdentityDirectionIsUnchanged) {
    Geometry g;
    g.size = {3, 2, 2};
    g.origin = {1, 2, 3};
    const CtVolume in = indexedVolume(g);
    const CtVolume out = toDisplayOrientation(in);
    EXPECT_TRUE(out.geometry().sameGrid(in.geometry(), 1e-12));
    EXPECT_EQ(out.voxels(), in.voxels());
}

TEST(DisplayOrientation, FlippedYAxisKeepsEveryVoxelInPlace) {
    Geometry g;
    g.size = {3, 4, 2};
    g.spacing = {0.5, 0.75, 2.0};
    g.origin = {10.0, 20.0, 30.0};
    g.direction = {1, 0, 0,
                   0, -1, 0,
                   0, 0, 1};  // rows run towards anterior
    const CtVolume in = indexedVolume(g);
    const CtVolume out = toDisplayOrientation(in);
    const Geometry& go = out.geometry();
    EXPECT_EQ(go.size, (std::array<int, 3>{3, 4, 2}));
    expectDisplayDirection(go);
    EXPECT_DOUBLE_EQ(go.spacing[1], 0.75);
    // The new origin is the old last row: y = 20 - 3 * 0.75.
    expectVecNear(go.origin, {10.0, 20.0 - 3 * 0.75, 30.0}, 1e-12, "origin");
    // Row y of the output is row h-1-y of the input.
    for (int z = 0; z < 2; ++z)
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 3; ++x) EXPECT_EQ(out.at(x, y, z), in.at(x, 3 - y, z));
    expectSamePhysicalPositions(in, out);
    EXPECT_TRUE(displayGeometry(g).sameGrid(go, 1e-12));
}

TEST(DisplayOrientation, PermutedAndFlippedAxesKeepEveryVoxelInPlace) {
    Geometry g;
    g.size = {2, 3, 4};
    g.spacing = {5.0, 0.5, 0.8};
    g.origin = {-7.0, 3.0, 11.0};
    // index x runs superior, index y runs left, index z runs anterior (-P): a sagittal-ish stack.
    g.direction = {0, 1, 0,
                   0, 0, -1,
                   1, 0, 0};
    const CtVolume in = indexedVolume(g);
    const CtVolume out = toDisplayOrientation(in);
    const Geometry& go = out.geometry();
    EXPECT_EQ(go.size, (std::array<int, 3>{3, 4, 2}));
    expectVecNear(go.spacing, {0.5, 0.8, 5.0}, 0, "spacing follows its axis");
    expectDisplayDirection(go);
    for (int i = 0; i < 9; ++i) EXPECT_NEAR(go.direction[i], (i % 4 == 0) ? 1.0 : 0.0, 1e-12) << "direction[" << i << "]";
    expectSamePhysicalPositions(in, out);
    EXPECT_TRUE(displayGeometry(g).sameGrid(go, 1e-12));
}

TEST(DisplayOrientation, AllAxesFlippedAndPermuted) {
    Geometry g;
    g.size = {4, 2, 3};
    g.spacing = {1.5, 2.5, 3.5};
    g.origin = {100.0, -50.0, 25.0};
    // index x -> -S, index y -> -L, index z -> -P
    g.direction = {0, -1, 0,
                   0, 0, -1,
                   -1, 0, 0};
    const CtVolume in = indexedVolume(g);
    const CtVolume out = toDisplayOrientation(in);
    EXPECT_EQ(out.geometry().size, (std::array<int, 3>{2, 3, 4}));
    expectDisplayDirection(out.geometry());
    expectSamePhysicalPositions(in, out);
}

TEST(DisplayOrientation, ObliqueTiltKeepsAxesAndVoxels) {
    Geometry g;
    g.size = {3, 3, 2};
    const double c = 0.9483237, s = 0.3173047;
    g.direction = {1, 0, 0,
                   0, c, s,
                   0, -s, c};
    const CtVolume in = indexedVolume(g);
    const CtVolume out = toDisplayOrientation(in);
    EXPECT_EQ(out.voxels(), in.voxels());
    EXPECT_TRUE(out.geometry().sameGrid(g, 1e-12));
}

TEST(DisplayOrientation, LabelVolumesAreReorientedToo) {
    Geometry g;
    g.size = {2, 2, 1};
    g.direction = {-1, 0, 0, 0, 1, 0, 0, 0, 1};
    LabelVolume v(g);
    v.voxels() = {0, 1, 2, 1};
    const LabelVolume out = toDisplayOrientation(v);
    EXPECT_EQ(out.voxels(), (std::vector<std::uint8_t>{1, 0, 1, 2}));
    EXPECT_GT(out.geometry().direction[0], 0);
}

TEST(Volume, ExtractSliceAndSliceAsVolume) {
    Geometry g;
    g.size = {3, 2, 4};
    g.spacing = {0.6, 0.7, 5.0};
    const CtVolume v = indexedVolume(g);
    const CtSlice s = extractSlice(v, 2);
    ASSERT_EQ(s.width(), 3);
    ASSERT_EQ(s.height(), 2);
    EXPECT_EQ(s.at(0, 0), 12.0f);
    EXPECT_EQ(s.at(2, 1), 17.0f);
    EXPECT_DOUBLE_EQ(s.spacingX, 0.6);
    EXPECT_DOUBLE_EQ(s.spacingY, 0.7);
    const CtVolume back = sliceAsVolume(s, 2.0);
    EXPECT_EQ(back.geometry().size, (std::array<int, 3>{3, 2, 1}));
    EXPECT_DOUBLE_EQ(back.geometry().spacing[2], 2.0);
    EXPECT_EQ(back.voxels(), s.pixels());
    const Range r = valueRange(v.voxels());
    EXPECT_EQ(r.min, 0.0f);
    EXPECT_EQ(r.max, 23.0f);
}

TEST(WindowLevel, PresetsHaveTheDocumentedValues) {
    const auto& presets = windowPresets();
    ASSERT_EQ(presets.size(), 3u);
    struct Expected { const char* name; double width, level; };
    const Expected expected[] = {{"lung", 1500, -600}, {"mediastinum", 350, 40}, {"bone", 2000, 500}};
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(presets[i].name, expected[i].name);
        EXPECT_EQ(presets[i].window.width, expected[i].width) << expected[i].name;
        EXPECT_EQ(presets[i].window.level, expected[i].level) << expected[i].name;
        const WindowLevel w = windowByName(expected[i].name);
        EXPECT_EQ(w.width, expected[i].width);
        EXPECT_EQ(w.level, expected[i].level);
    }
    const WindowLevel lung = windowByName("lung");
    EXPECT_EQ(lung.lower(), -1350.0);
    EXPECT_EQ(lung.upper(), 150.0);
    const WindowLevel def;
    EXPECT_EQ(def.width, 1500.0);
    EXPECT_EQ(def.level, -600.0);
}

TEST(WindowLevel, ByNameParsesWidthSlashLevel) {
    const WindowLevel w = windowByName("400/40");
    EXPECT_EQ(w.width, 400.0);
    EXPECT_EQ(w.level, 40.0);
    const WindowLevel n = windowByName("1200/-600.5");
    EXPECT_EQ(n.width, 1200.0);
    EXPECT_EQ(n.level, -600.5);
    EXPECT_THROW(windowByName("soft"), std::invalid_argument);
    EXPECT_THROW(windowByName("0/40"), std::invalid_argument);
    EXPECT_THROW(windowByName("-400/40"), std::invalid_argument);
    EXPECT_THROW(windowByName("400/"), std::invalid_argument);
    EXPECT_THROW(windowByName("/40"), std::invalid_argument);
    try {
        windowByName("Lung");
        FAIL() << "names are case-sensitive stable identifiers";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("\"Lung\""), std::string::npos) << e.what();
    }
}

TEST(WindowLevel, ByNameRejectsTrailingText) {
    // Like the CLI's integer options (Args::intValue), W/L numbers must be numbers through to the end.
    EXPECT_THROW(windowByName("400/40x"), std::invalid_argument);
    EXPECT_THROW(windowByName("1500abc/-600"), std::invalid_argument);
}

TEST(WindowLevel, ToByteEdges) {
    const WindowLevel lung{1500, -600};
    EXPECT_EQ(lung.toByte(-1350.0f), 0);   // lower edge
    EXPECT_EQ(lung.toByte(-3000.0f), 0);   // below
    EXPECT_EQ(lung.toByte(150.0f), 255);   // upper edge
    EXPECT_EQ(lung.toByte(3071.0f), 255);  // above
    EXPECT_EQ(lung.toByte(-600.0f), 128);  // level: 127.5 rounds up
    EXPECT_EQ(lung.toByte(-1024.0f), 55);  // air: 326/1500*255 = 55.42
    EXPECT_EQ(lung.toByte(std::nanf("")), 0);
    EXPECT_EQ(lung.toByte(std::numeric_limits<float>::infinity()), 255);
    EXPECT_EQ(lung.toByte(-std::numeric_limits<float>::infinity()), 0);
    // One grey step is width/255 HU; rounding is to nearest.
    EXPECT_EQ(lung.toByte(static_cast<float>(-1350.0 + 1500.0 / 255.0 * 0.4)), 0);
    EXPECT_EQ(lung.toByte(static_cast<float>(-1350.0 + 1500.0 / 255.0 * 0.6)), 1);
    EXPECT_EQ(lung.toByte(static_cast<float>(150.0 - 1500.0 / 255.0 * 0.4)), 255);
    EXPECT_EQ(lung.toByte(static_cast<float>(150.0 - 1500.0 / 255.0 * 0.6)), 254);

    const WindowLevel med = windowByName("mediastinum");
    EXPECT_EQ(med.toByte(-135.0f), 0);
    EXPECT_EQ(med.toByte(215.0f), 255);
    EXPECT_EQ(med.toByte(40.0f), 128);
    EXPECT_EQ(med.toByte(-1024.0f), 0);

    const WindowLevel bone = windowByName("bone");
    EXPECT_EQ(bone.toByte(-500.0f), 0);
    EXPECT_EQ(bone.toByte(1500.0f), 255);
    EXPECT_EQ(bone.toByte(500.0f), 128);
    EXPECT_EQ(bone.toByte(0.0f), 64);  // 500/2000*255 = 63.75

    const float hu[] = {-2000.0f, -600.0f, 150.0f, std::nanf("")};
    std::uint8_t bytes[4] = {9, 9, 9, 9};
    windowToBytes(hu, 4, lung, bytes);
    EXPECT_EQ(bytes[0], 0);
    EXPECT_EQ(bytes[1], 128);
    EXPECT_EQ(bytes[2], 255);
    EXPECT_EQ(bytes[3], 0);
}

TEST(Labels, NamesAndCounts) {
    EXPECT_STREQ(labelName(Label::Background), "background");
    EXPECT_STREQ(labelName(Label::Lung), "lung");
    EXPECT_STREQ(labelName(Label::Infection), "infection");
    const LabelCounts c = countLabels({0, 0, 1, 2, 2, 2, 3, 255});
    EXPECT_EQ(c.perLabel[0], 2u);
    EXPECT_EQ(c.perLabel[1], 1u);
    EXPECT_EQ(c.perLabel[2], 3u);
    EXPECT_EQ(c.invalid, 2u);
}

TEST(LabelMapping, NamedTables) {
    const std::vector<std::string> expectedNames = {"identity", "lung-left-right", "binary-lung", "binary-infection", "ggo-consolidation"};
    EXPECT_EQ(LabelMapping::names(), expectedNames);
    using V = std::vector<std::uint8_t>;
    EXPECT_EQ(LabelMapping::named("identity").apply({0, 1, 2, 1}), (V{0, 1, 2, 1}));
    EXPECT_EQ(LabelMapping::named("lung-left-right").apply({0, 1, 2, 0}), (V{0, 1, 1, 0}));
    EXPECT_EQ(LabelMapping::named("binary-lung").apply({0, 255, 1, 0}), (V{0, 1, 1, 0}));
    EXPECT_EQ(LabelMapping::named("binary-infection").apply({0, 255, 1, 0}), (V{0, 2, 2, 0}));
    EXPECT_EQ(LabelMapping::named("ggo-consolidation").apply({0, 1, 2, 0}), (V{0, 2, 2, 0}));
    for (const auto& n : expectedNames) EXPECT_EQ(LabelMapping::named(n).name(), n);
    // Each named table refuses what it does not cover.
    EXPECT_THROW(LabelMapping::named("identity").apply({255}), std::runtime_error);
    EXPECT_THROW(LabelMapping::named("binary-lung").apply({2}), std::runtime_error);
    EXPECT_THROW(LabelMapping::named("lung-left-right").apply({3}), std::runtime_error);
    try {
        LabelMapping::named("lungs");
        FAIL() << "unknown mapping accepted";
    } catch (const std::invalid_argument& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("\"lungs\""), std::string::npos) << msg;
        for (const auto& n : expectedNames) EXPECT_NE(msg.find(n), std::string::npos) << msg;
    }
}

TEST(LabelMapping, ParsedTables) {
    using V = std::vector<std::uint8_t>;
    const LabelMapping m = LabelMapping::parse("0:0,1:1,2:1,255:2");
    EXPECT_EQ(m.name(), "0:0,1:1,2:1,255:2");
    EXPECT_EQ(m.apply({255, 2, 1, 0}), (V{2, 1, 1, 0}));
    EXPECT_EQ(LabelMapping::parse("7:2").apply({7, 7}), (V{2, 2}));
    EXPECT_EQ(LabelMapping::parse("ggo-consolidation").name(), "ggo-consolidation");
    EXPECT_EQ(LabelMapping::parse("ggo-consolidation").apply({1}), (V{2}));
    EXPECT_THROW(LabelMapping::parse("0:0,1"), std::invalid_argument);
    EXPECT_THROW(LabelMapping::parse("0:0,x:1"), std::invalid_argument);
    EXPECT_THROW(LabelMapping::parse("0:3"), std::invalid_argument);
    EXPECT_THROW(LabelMapping::parse("0:-1"), std::invalid_argument);
    EXPECT_THROW(LabelMapping::parse("nope"), std::invalid_argument);
    try {
        LabelMapping::parse("0:0,1:9");
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("\"1:9\""), std::string::npos) << e.what();
    }
}

TEST(LabelMapping, ParsedEntriesMustBeWholeIntegers) {
    // "1.5:1" is not SOURCE:LABEL with integers; it must not silently become 1:1.
    EXPECT_THROW(LabelMapping::parse("0:0,1.5:1"), std::invalid_argument);
    EXPECT_THROW(LabelMapping::parse("0:0,255:2x"), std::invalid_argument);
    EXPECT_THROW(LabelMapping::parse("0:0,1:1 lung"), std::invalid_argument);
    // Spaces after commas are fine.
    EXPECT_EQ(LabelMapping::parse("0:0, 1:1, 2:1").apply({2}), (std::vector<std::uint8_t>{1}));
}

TEST(LabelMapping, UnmappedValuesAreNamedWithCounts) {
    try {
        LabelMapping::named("identity").apply({0, 1, 3, 3, 7, 2});
        FAIL() << "unmapped values were accepted";
    } catch (const std::runtime_error& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("\"identity\""), std::string::npos) << msg;
        EXPECT_NE(msg.find("3 (2 pixels)"), std::string::npos) << msg;
        EXPECT_NE(msg.find("7 (1 pixels)"), std::string::npos) << msg;
        EXPECT_EQ(msg.find("0 ("), std::string::npos) << "mapped value listed: " << msg;
    }
    try {
        LabelMapping::parse("0:0,255:1").apply({0, 128, 255});
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("128 (1 pixels)"), std::string::npos) << e.what();
    }
}

namespace {
// The 2x3 example:   a b
//                    c d
//                    e f
Slice<char> example() {
    Slice<char> s(2, 3);
    s.pixels() = {'a', 'b', 'c', 'd', 'e', 'f'};
    s.spacingX = 0.5;
    s.spacingY = 0.8;
    return s;
}
std::string rows(const Slice<char>& s) {
    std::string out;
    for (int y = 0; y < s.height(); ++y) {
        if (y) out += '|';
        for (int x = 0; x < s.width(); ++x) out += s.at(x, y);
    }
    return out;
}
}  // namespace

TEST(Orientation2D, ReorientTwoByThree) {
    const Slice<char> in = example();
    EXPECT_EQ(rows(in), "ab|cd|ef");
    EXPECT_EQ(rows(reorient(in, Orientation2D::None)), "ab|cd|ef");
    EXPECT_EQ(rows(reorient(in, Orientation2D::FlipX)), "ba|dc|fe");
    EXPECT_EQ(rows(reorient(in, Orientation2D::FlipY)), "ef|cd|ab");
    EXPECT_EQ(rows(reorient(in, Orientation2D::Rot90)), "eca|fdb");   // clockwise
    EXPECT_EQ(rows(reorient(in, Orientation2D::Rot180)), "fe|dc|ba");
    EXPECT_EQ(rows(reorient(in, Orientation2D::Rot270)), "bdf|ace");  // counter-clockwise
    const Slice<char> r90 = reorient(in, Orientation2D::Rot90);
    EXPECT_EQ(r90.width(), 3);
    EXPECT_EQ(r90.height(), 2);
    EXPECT_DOUBLE_EQ(r90.spacingX, 0.8);
    EXPECT_DOUBLE_EQ(r90.spacingY, 0.5);
    const Slice<char> f = reorient(in, Orientation2D::FlipY);
    EXPECT_DOUBLE_EQ(f.spacingX, 0.5);
    EXPECT_DOUBLE_EQ(f.spacingY, 0.8);
    // Inverses.
    EXPECT_EQ(rows(reorient(reorient(in, Orientation2D::Rot90), Orientation2D::Rot270)), "ab|cd|ef");
    EXPECT_EQ(rows(reorient(reorient(in, Orientation2D::Rot90), Orientation2D::Rot90)), rows(reorient(in, Orientation2D::Rot180)));
}

TEST(Orientation2D, NamesMapToOrientations) {
    EXPECT_EQ(orientationByName("none"), Orientation2D::None);
    EXPECT_EQ(orientationByName("flip-x"), Orientation2D::FlipX);
    EXPECT_EQ(orientationByName("flip-y"), Orientation2D::FlipY);
    EXPECT_EQ(orientationByName("rot90"), Orientation2D::Rot90);
    EXPECT_EQ(orientationByName("rot180"), Orientation2D::Rot180);
    EXPECT_EQ(orientationByName("rot270"), Orientation2D::Rot270);
    EXPECT_EQ(orientationNames().size(), 6u);
    EXPECT_THROW(orientationByName("rot45"), std::invalid_argument);
    EXPECT_THROW(orientationByName("FlipY"), std::invalid_argument);
}
