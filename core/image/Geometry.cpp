#include "image/Geometry.h"

#include <cmath>
#include <cstdio>

namespace ctsw {

Vec3 Geometry::indexToPhysical(double i, double j, double k) const {
    const double idx[3] = {i * spacing[0], j * spacing[1], k * spacing[2]};
    Vec3 p = origin;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) p[r] += direction[r * 3 + c] * idx[c];
    return p;
}

bool Geometry::sameGrid(const Geometry& o, double tol) const {
    if (size != o.size) return false;
    for (int i = 0; i < 3; ++i) {
        if (std::fabs(spacing[i] - o.spacing[i]) > tol * std::fabs(spacing[i])) return false;  // relative
        if (std::fabs(origin[i] - o.origin[i]) > tol) return false;                            // mm
    }
    for (int i = 0; i < 9; ++i)
        if (std::fabs(direction[i] - o.direction[i]) > tol) return false;
    return true;
}

std::string Geometry::describe() const {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%dx%dx%d voxels, spacing %.4g x %.4g x %.4g mm, origin (%.4g, %.4g, %.4g)",
                  size[0], size[1], size[2], spacing[0], spacing[1], spacing[2], origin[0], origin[1], origin[2]);
    return buf;
}

Vec3 cross(const Vec3& a, const Vec3& b) {
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }

}  // namespace ctsw
