#include "eval/EvalData.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "gan/Engine.h"
#include "image/Labels.h"
#include "image/Orientation2D.h"
#include "image/WindowLevel.h"
#include "io/ImageFiles.h"
#include "io/ImageSource.h"
#include "io/IoError.h"
#include "json/Json.h"
#include "mask/LungMask.h"

namespace fs = std::filesystem;

namespace ctsw::eval {

bool EvalSample::infection() const { return std::any_of(labels.pixels().begin(), labels.pixels().end(), [](std::uint8_t v) { return v == 2; }); }

namespace {

// Centre the image in a square canvas of side max(w, h).
template <typename T>
Slice<T> padSquare(const Slice<T>& in, T pad) {
    const int side = std::max(in.width(), in.height());
    Slice<T> out(side, side, pad);
    const int ox = (side - in.width()) / 2, oy = (side - in.height()) / 2;
    for (int y = 0; y < in.height(); ++y)
        for (int x = 0; x < in.width(); ++x) out.at(x + ox, y + oy) = in.at(x, y);
    return out;
}

LabelSlice withInfection(LabelSlice lung, const LabelSlice& infection) {
    for (std::size_t i = 0; i < lung.pixels().size(); ++i)
        if (infection.pixels()[i] == 2) lung.pixels()[i] = 2;
    return lung;
}

int fileNumber(const fs::path& p) {
    try {
        return std::stoi(p.stem().string());
    } catch (...) {
        return -1;
    }
}

}  // namespace

Slice<float> squareResize(const Slice<float>& image, int size, float pad) {
    const Slice<float> sq = padSquare(image, pad);
    const int n = sq.width();
    if (size == kOwnSize || size == n) return sq;
    Slice<float> out(size, size);
    const double scale = static_cast<double>(n) / size;
    for (int y = 0; y < size; ++y) {
        const double sy = std::clamp((y + 0.5) * scale - 0.5, 0.0, n - 1.0);
        const int y0 = static_cast<int>(sy), y1 = std::min(y0 + 1, n - 1);
        const double fy = sy - y0;
        for (int x = 0; x < size; ++x) {
            const double sx = std::clamp((x + 0.5) * scale - 0.5, 0.0, n - 1.0);
            const int x0 = static_cast<int>(sx), x1 = std::min(x0 + 1, n - 1);
            const double fx = sx - x0;
            const double top = sq.at(x0, y0) * (1 - fx) + sq.at(x1, y0) * fx;
            const double bottom = sq.at(x0, y1) * (1 - fx) + sq.at(x1, y1) * fx;
            out.at(x, y) = static_cast<float>(top * (1 - fy) + bottom * fy);
        }
    }
    return out;
}

LabelSlice squareContent(int width, int height, int size) {
    if (width == height) return {};
    return squareResizeLabels(LabelSlice(width, height, 1), size);
}

LabelSlice squareResizeLabels(const LabelSlice& labels, int size) {
    const LabelSlice sq = padSquare<std::uint8_t>(labels, 0);
    const int n = sq.width();
    if (size == kOwnSize || size == n) return sq;
    LabelSlice out(size, size);
    for (int y = 0; y < size; ++y) {
        const int sy = std::min(n - 1, static_cast<int>((y + 0.5) * n / size));
        for (int x = 0; x < size; ++x) out.at(x, y) = sq.at(std::min(n - 1, static_cast<int>((x + 0.5) * n / size)), sy);
    }
    return out;
}

std::vector<EvalSample> loadMedSegFolder(const std::string& dir, int size) {
    const fs::path images = fs::path(dir) / "Imgs", masks = fs::path(dir) / "GT_multiclass";
    if (!fs::is_directory(images) || !fs::is_directory(masks))
        throw IoError(dir, "is not in the MedSeg layout (Imgs/*.jpg and GT_multiclass/*.png)");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(images))
        if (e.is_regular_file() && (e.path().extension() == ".jpg" || e.path().extension() == ".png")) files.push_back(e.path());
    std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
        const int na = fileNumber(a), nb = fileNumber(b);
        return na != nb ? na < nb : a < b;
    });
    if (files.empty()) throw IoError(images.string(), "holds no images");
    std::vector<EvalSample> out;
    const LabelMapping ggo = LabelMapping::named("ggo-consolidation");
    for (const auto& f : files) {
        const fs::path maskFile = masks / (f.stem().string() + ".png");
        if (!fs::exists(maskFile)) throw IoError(maskFile.string(), "missing: every image needs its mask");
        const Slice<float> image = reorient(readImage2D(f.string()).values, Orientation2D::Rot90);
        const LabelSlice infection = readMaskSlice(maskFile.string(), ggo, 0, 0, Orientation2D::Rot90);
        if (infection.width() != image.width() || infection.height() != image.height())
            throw IoError(maskFile.string(), "is " + std::to_string(infection.width()) + "x" + std::to_string(infection.height()) + " but its image is " +
                                                 std::to_string(image.width()) + "x" + std::to_string(image.height()));
        EvalSample s;
        s.id = f.stem().string();
        s.source = f.string();
        const LabelSlice lung = mask::deriveLungMask(image, mask::LungMaskOptions::forImage(image, false));
        s.labels = squareResizeLabels(withInfection(lung, infection), size);
        s.image = squareResize(image, size, 0.0f);
        s.content = squareContent(image.width(), image.height(), size);
        s.lungDerived = true;
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<EvalSample> loadManifest(const std::string& manifestPath, int size) {
    const Json manifest = readJsonFile(manifestPath);
    if (!manifest.contains("samples")) throw IoError(manifestPath, "is not a dataset manifest (no \"samples\")");
    const fs::path base = fs::path(manifestPath).parent_path();
    const LabelMapping identity = LabelMapping::named("identity");
    std::vector<EvalSample> out;
    for (const Json& e : manifest.at("samples").asArray()) {
        const fs::path image = base / e.at("image").asString(), maskFile = base / e.at("mask").asString();
        if (!fs::exists(image)) throw IoError(image.string(), "listed in " + manifestPath + " but missing");
        if (!fs::exists(maskFile)) throw IoError(maskFile.string(), "listed in " + manifestPath + " but missing");
        EvalSample s;
        s.id = image.stem().string();
        s.source = image.string();
        const Slice<float> values = readImage2D(image.string()).values;
        const LabelSlice labels = readMaskSlice(maskFile.string(), identity, values.width(), values.height());
        s.image = squareResize(values, size, 0.0f);
        s.labels = squareResizeLabels(labels, size);
        s.content = squareContent(values.width(), values.height(), size);
        out.push_back(std::move(s));
    }
    if (out.empty()) throw IoError(manifestPath, "lists no samples");
    return out;
}

std::vector<EvalSample> loadSamples(const std::string& dirOrManifest, int size) {
    if (fs::is_regular_file(dirOrManifest)) return loadManifest(dirOrManifest, size);
    if (fs::is_regular_file(fs::path(dirOrManifest) / "manifest.json")) return loadManifest((fs::path(dirOrManifest) / "manifest.json").string(), size);
    if (fs::is_directory(dirOrManifest)) return loadMedSegFolder(dirOrManifest, size);
    throw IoError(dirOrManifest, "no such folder or manifest");
}

std::vector<EvalSample> loadDicomNegatives(const std::string& dir, int size, int first, int last, double minLungFraction) {
    const LoadedVolume loaded = loadVolume(dir);
    const CtVolume volume = toDisplayOrientation(loaded.volume);
    const WindowLevel lung{1500.0, -600.0};
    const int depth = volume.geometry().size[2];
    const int end = last < 0 ? depth - 1 : std::min(last, depth - 1);
    std::vector<EvalSample> out;
    for (int z = std::max(0, first); z <= end; ++z) {
        const Slice<float> hu = extractSlice(volume, z);
        const LabelSlice lungMask = mask::automaticLungMask(hu, mask::LungMaskOptions::forValues(true));
        const auto lungPixels = countLabels(lungMask.pixels()).perLabel[1];
        if (lungPixels < minLungFraction * static_cast<double>(lungMask.pixels().size())) continue;
        // Cropped around the lungs with a margin for the chest wall, as MedSeg's images are cropped to the
        // thorax (a body threshold would keep the scanner table).
        int x0 = hu.width(), y0 = hu.height(), x1 = -1, y1 = -1;
        for (int y = 0; y < hu.height(); ++y)
            for (int x = 0; x < hu.width(); ++x)
                if (lungMask.at(x, y)) x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
        const int mx = (x1 - x0) / 8, my = (y1 - y0) / 5;
        x0 = std::max(0, x0 - mx), x1 = std::min(hu.width() - 1, x1 + mx);
        y0 = std::max(0, y0 - my), y1 = std::min(hu.height() - 1, y1 + my);
        if (x1 < x0 || y1 < y0) continue;
        Slice<float> crop(x1 - x0 + 1, y1 - y0 + 1);
        LabelSlice cropLabels(crop.width(), crop.height());
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) {
                crop.at(x - x0, y - y0) = lung.toByte(hu.at(x, y));
                cropLabels.at(x - x0, y - y0) = lungMask.at(x, y);
            }
        EvalSample s;
        s.id = fs::path(dir).filename().string() + "_z" + std::to_string(z);
        s.source = dir;
        s.image = squareResize(crop, size, 0.0f);
        s.labels = squareResizeLabels(cropLabels, size);
        s.content = squareContent(crop.width(), crop.height(), size);
        s.lungDerived = true;
        out.push_back(std::move(s));
    }
    if (out.empty()) throw IoError(dir, "has no slices with lung in them");
    return out;
}

void writeSamplePng(const EvalSample& s, const std::string& imagePath, const std::string& maskPath) {
    Slice<std::uint8_t> bytes(s.image.width(), s.image.height());
    for (std::size_t i = 0; i < bytes.pixels().size(); ++i) bytes.pixels()[i] = static_cast<std::uint8_t>(std::clamp(std::lround(s.image.pixels()[i]), 0L, 255L));
    writePng8(bytes, imagePath);
    writePngLabels(s.labels, maskPath);
}

Slice<float> unitImageToBytes(const Slice<float>& unit) {
    Slice<float> out(unit.width(), unit.height());
    for (std::size_t i = 0; i < out.pixels().size(); ++i) out.pixels()[i] = gan::unitToByte(unit.pixels()[i]);
    return out;
}

}  // namespace ctsw::eval
