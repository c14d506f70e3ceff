#pragma once
// NumPy .npy files (format 1.0-3.0): the header is parsed, the data converted to double.
#include <string>
#include <vector>

#include "image/Volume.h"

namespace ctsw {

struct NpyArray {
    std::vector<std::size_t> shape;
    bool fortranOrder = false;
    std::string dtype;            // as written, e.g. "<i2"
    std::vector<double> values;   // in file order
};

NpyArray readNpy(const std::string& path);  // throws IoError naming the file and the problem
// A 2D array as an image, read x-fastest in both orders: C order is (rows, columns), Fortran order
// (columns, rows) as COVID-19-CT-Seg's slices. Throws IoError naming `path` for other ranks.
Slice<float> npyAsSlice(const NpyArray& a, const std::string& path);

void writeNpyFloat32(const std::string& path, const std::vector<std::size_t>& shape, const std::vector<float>& values);

}  // namespace ctsw
