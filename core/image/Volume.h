#pragma once
// Voxel volumes and 2D slices. CT intensities are float Hounsfield units (rescale slopes need not be
// integers, and the GAN works in float); labels are uint8 with the fixed map of Labels.h.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "image/Geometry.h"

namespace ctsw {

template <typename T>
class Volume {
public:
    Volume() = default;
    explicit Volume(const Geometry& g, T fill = T{}) : geometry_(g), voxels_(g.voxelCount(), fill) {}

    const Geometry& geometry() const { return geometry_; }
    Geometry& geometry() { return geometry_; }
    int width() const { return geometry_.size[0]; }
    int height() const { return geometry_.size[1]; }
    int depth() const { return geometry_.size[2]; }
    bool empty() const { return voxels_.empty(); }

    std::size_t index(int x, int y, int z) const {
        return (static_cast<std::size_t>(z) * height() + y) * static_cast<std::size_t>(width()) + x;
    }
    T& at(int x, int y, int z) { return voxels_[index(x, y, z)]; }
    const T& at(int x, int y, int z) const { return voxels_[index(x, y, z)]; }
    T* slicePointer(int z) { return voxels_.data() + static_cast<std::size_t>(z) * width() * height(); }
    const T* slicePointer(int z) const { return voxels_.data() + static_cast<std::size_t>(z) * width() * height(); }
    std::vector<T>& voxels() { return voxels_; }
    const std::vector<T>& voxels() const { return voxels_; }

private:
    Geometry geometry_;
    std::vector<T> voxels_;
};

template <typename T>
class Slice {
public:
    Slice() = default;
    Slice(int width, int height, T fill = T{}) : width_(width), height_(height), pixels_(static_cast<std::size_t>(width) * height, fill) {}

    int width() const { return width_; }
    int height() const { return height_; }
    bool empty() const { return pixels_.empty(); }
    T& at(int x, int y) { return pixels_[static_cast<std::size_t>(y) * width_ + x]; }
    const T& at(int x, int y) const { return pixels_[static_cast<std::size_t>(y) * width_ + x]; }
    std::vector<T>& pixels() { return pixels_; }
    const std::vector<T>& pixels() const { return pixels_; }
    double spacingX = 1.0, spacingY = 1.0;  // mm; 1.0 when the source does not say

private:
    int width_ = 0, height_ = 0;
    std::vector<T> pixels_;
};

using CtVolume = Volume<float>;
using LabelVolume = Volume<std::uint8_t>;
using CtSlice = Slice<float>;
using LabelSlice = Slice<std::uint8_t>;

// Copies slice z (an axial slice once the volume is in display orientation).
template <typename T>
Slice<T> extractSlice(const Volume<T>& v, int z) {
    Slice<T> s(v.width(), v.height());
    const T* src = v.slicePointer(z);
    std::copy(src, src + s.pixels().size(), s.pixels().begin());
    s.spacingX = v.geometry().spacing[0];
    s.spacingY = v.geometry().spacing[1];
    return s;
}

// A 2D image as a one-slice volume with identity direction (for writing NIfTI).
template <typename T>
Volume<T> sliceAsVolume(const Slice<T>& s, double sliceThickness = 1.0) {
    Geometry g;
    g.size = {s.width(), s.height(), 1};
    g.spacing = {s.spacingX, s.spacingY, sliceThickness};
    Volume<T> v(g);
    v.voxels() = s.pixels();
    return v;
}

// A 2D image as a one-slice volume on the given grid (size taken from the image).
template <typename T>
Volume<T> sliceAsVolume(const Slice<T>& s, const Geometry& grid) {
    Geometry g = grid;
    g.size = {s.width(), s.height(), 1};
    Volume<T> v(g);
    v.voxels() = s.pixels();
    return v;
}

// The grid of slice z alone: the volume's spacing and direction, its origin moved to that slice.
inline Geometry sliceGeometry(const Geometry& volume, int z) {
    Geometry g = volume;
    g.size[2] = 1;
    g.origin = volume.indexToPhysical(0, 0, z);
    return g;
}

// Re-indexes the voxels (permutes and flips axes, no resampling) so that x runs to the patient's left,
// y to posterior and z to superior, as near as the direction allows. Displaying slice z with x to the
// right and y down then shows what radiologists expect: patient's right on the image left, anterior up.
// The physical position of every voxel is unchanged.
template <typename T>
Volume<T> toDisplayOrientation(const Volume<T>& in);
// The geometry toDisplayOrientation gives, without touching voxels.
Geometry displayGeometry(const Geometry& acquired);

struct Range { float min = 0, max = 0; };
template <typename T>
Range valueRange(const std::vector<T>& values);

}  // namespace ctsw
