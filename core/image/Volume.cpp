#include "image/Volume.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ctsw {

namespace {
struct AxisMap {
    int perm[3] = {0, 1, 2};           // output axis a takes input index axis perm[a]
    bool flip[3] = {false, false, false};
    bool identity() const { return perm[0] == 0 && perm[1] == 1 && perm[2] == 2 && !flip[0] && !flip[1] && !flip[2]; }
};

AxisMap displayAxisMap(const Geometry& g) {
    // For each output axis a (L, P, S) take the unused input index axis most aligned with it.
    AxisMap m;
    bool used[3] = {false, false, false};
    for (int a = 0; a < 3; ++a) {
        int best = -1;
        double bestAbs = -1;
        for (int k = 0; k < 3; ++k) {
            if (used[k]) continue;
            double c = std::fabs(g.direction[a * 3 + k]);
            if (c > bestAbs) { bestAbs = c; best = k; }
        }
        m.perm[a] = best;
        used[best] = true;
        m.flip[a] = g.direction[a * 3 + best] < 0;
    }
    return m;
}

Geometry reoriented(const Geometry& g, const AxisMap& m) {
    Geometry out;
    double start[3] = {0, 0, 0};
    for (int a = 0; a < 3; ++a) {
        out.size[a] = g.size[m.perm[a]];
        out.spacing[a] = g.spacing[m.perm[a]];
        for (int r = 0; r < 3; ++r) out.direction[r * 3 + a] = g.direction[r * 3 + m.perm[a]] * (m.flip[a] ? -1.0 : 1.0);
        if (m.flip[a]) start[m.perm[a]] = g.size[m.perm[a]] - 1;  // flipped axes start at their far end
    }
    out.origin = g.indexToPhysical(start[0], start[1], start[2]);
    return out;
}
}  // namespace

Geometry displayGeometry(const Geometry& g) {
    AxisMap m = displayAxisMap(g);
    return m.identity() ? g : reoriented(g, m);
}

template <typename T>
Volume<T> toDisplayOrientation(const Volume<T>& in) {
    const AxisMap m = displayAxisMap(in.geometry());
    if (m.identity()) return in;
    const Geometry out = reoriented(in.geometry(), m);
    Volume<T> result(out);
    int idx[3];
    for (int z = 0; z < out.size[2]; ++z)
        for (int y = 0; y < out.size[1]; ++y)
            for (int x = 0; x < out.size[0]; ++x) {
                const int o[3] = {x, y, z};
                for (int a = 0; a < 3; ++a) idx[m.perm[a]] = m.flip[a] ? out.size[a] - 1 - o[a] : o[a];
                result.at(x, y, z) = in.at(idx[0], idx[1], idx[2]);
            }
    return result;
}

template <typename T>
Range valueRange(const std::vector<T>& values) {
    Range r;
    if (values.empty()) return r;
    auto mm = std::minmax_element(values.begin(), values.end());
    r.min = static_cast<float>(*mm.first);
    r.max = static_cast<float>(*mm.second);
    return r;
}

template Volume<float> toDisplayOrientation(const Volume<float>&);
template Volume<std::uint8_t> toDisplayOrientation(const Volume<std::uint8_t>&);
template Range valueRange(const std::vector<float>&);
template Range valueRange(const std::vector<std::uint8_t>&);

}  // namespace ctsw
