#pragma once
// Where voxels sit in the patient: spacing, origin and direction in DICOM's LPS patient frame (mm).
#include <array>
#include <cstddef>
#include <string>

namespace ctsw {

using Vec3 = std::array<double, 3>;

struct Geometry {
    std::array<int, 3> size{0, 0, 0};        // columns (x), rows (y), slices (z)
    Vec3 spacing{1.0, 1.0, 1.0};             // mm between voxel centres along each index axis
    Vec3 origin{0.0, 0.0, 0.0};              // LPS position of voxel (0,0,0)'s centre
    // Row-major 3x3; column k is the LPS unit vector of index axis k (as ITK's direction matrix).
    std::array<double, 9> direction{1, 0, 0, 0, 1, 0, 0, 0, 1};

    std::size_t voxelCount() const {
        return static_cast<std::size_t>(size[0]) * static_cast<std::size_t>(size[1]) * static_cast<std::size_t>(size[2]);
    }
    Vec3 axis(int k) const { return {direction[0 + k], direction[3 + k], direction[6 + k]}; }
    Vec3 indexToPhysical(double i, double j, double k) const;
    // True when both describe the same voxel grid: origins within `tolerance` mm, spacings within
    // `tolerance` relative, direction cosines within `tolerance`.
    bool sameGrid(const Geometry& other, double tolerance = 1e-3) const;
    std::string describe() const;
};

Vec3 cross(const Vec3& a, const Vec3& b);
double dot(const Vec3& a, const Vec3& b);
double norm(const Vec3& a);

}  // namespace ctsw
