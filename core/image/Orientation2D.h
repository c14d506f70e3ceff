#pragma once
// Orientation fixes for 2D images that carry no geometry (PNG, JPEG, NPY). Such files are read as
// stored, row 0 at the top; where a dataset is known to be stored otherwise the user says how to
// turn it (README: COVID-19-CT-Seg's coronacases slices need flip-y, MedSeg's JPEGs rot90).
#include <string>
#include <vector>

#include "image/Volume.h"

namespace ctsw {

enum class Orientation2D { None, FlipX, FlipY, Rot90, Rot180, Rot270 };  // rotations are clockwise

Orientation2D orientationByName(const std::string& name);  // throws std::invalid_argument
std::vector<std::string> orientationNames();

template <typename T>
Slice<T> reorient(const Slice<T>& in, Orientation2D o) {
    if (o == Orientation2D::None) return in;
    const int w = in.width(), h = in.height();
    const bool swap = o == Orientation2D::Rot90 || o == Orientation2D::Rot270;
    Slice<T> out(swap ? h : w, swap ? w : h);
    out.spacingX = swap ? in.spacingY : in.spacingX;
    out.spacingY = swap ? in.spacingX : in.spacingY;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            int nx = x, ny = y;
            switch (o) {
            case Orientation2D::FlipX: nx = w - 1 - x; break;
            case Orientation2D::FlipY: ny = h - 1 - y; break;
            case Orientation2D::Rot90: nx = h - 1 - y; ny = x; break;
            case Orientation2D::Rot180: nx = w - 1 - x; ny = h - 1 - y; break;
            case Orientation2D::Rot270: nx = y; ny = w - 1 - x; break;
            case Orientation2D::None: break;
            }
            out.at(nx, ny) = in.at(x, y);
        }
    return out;
}

}  // namespace ctsw
