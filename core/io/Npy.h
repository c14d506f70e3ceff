#pragma once
// NumPy .npy files (format 1.0-3.0): the header is parsed, the data converted to double.
#include <string>
#include <vector>

namespace ctsw {

struct NpyArray {
    std::vector<std::size_t> shape;
    bool fortranOrder = false;
    std::string dtype;            // as written, e.g. "<i2"
    std::vector<double> values;   // in file order
};

NpyArray readNpy(const std::string& path);  // throws IoError naming the file and the problem
void writeNpyFloat32(const std::string& path, const std::vector<std::size_t>& shape, const std::vector<float>& values);

}  // namespace ctsw
