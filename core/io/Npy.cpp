#include "io/Npy.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include "io/IoError.h"

namespace ctsw {

namespace {

std::string headerValue(const std::string& header, const std::string& key) {
    auto k = header.find("'" + key + "'");
    if (k == std::string::npos) return {};
    auto colon = header.find(':', k);
    if (colon == std::string::npos) return {};
    std::size_t start = colon + 1;
    while (start < header.size() && header[start] == ' ') ++start;
    if (start >= header.size()) return {};
    if (header[start] == '\'') {
        auto end = header.find('\'', start + 1);
        return end == std::string::npos ? std::string() : header.substr(start + 1, end - start - 1);
    }
    if (header[start] == '(') {
        auto end = header.find(')', start);
        return end == std::string::npos ? std::string() : header.substr(start, end - start + 1);
    }
    auto end = header.find_first_of(",}", start);
    return header.substr(start, end - start);
}

template <typename T>
void convert(const char* data, std::size_t count, bool swap, std::vector<double>& out) {
    out.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        unsigned char buf[sizeof(T)];
        std::memcpy(buf, data + i * sizeof(T), sizeof(T));
        if (swap) for (std::size_t b = 0; b < sizeof(T) / 2; ++b) std::swap(buf[b], buf[sizeof(T) - 1 - b]);
        T v;
        std::memcpy(&v, buf, sizeof(T));
        out[i] = static_cast<double>(v);
    }
}

}  // namespace

NpyArray readNpy(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path, "cannot open");
    char magic[8];
    if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) throw IoError(path, "not a NumPy .npy file (bad magic)");
    const int major = static_cast<unsigned char>(magic[6]);
    std::size_t headerLen = 0;
    if (major == 1) {
        unsigned char l[2];
        if (!in.read(reinterpret_cast<char*>(l), 2)) throw IoError(path, "truncated .npy header");
        headerLen = l[0] | (l[1] << 8);
    } else if (major == 2 || major == 3) {
        unsigned char l[4];
        if (!in.read(reinterpret_cast<char*>(l), 4)) throw IoError(path, "truncated .npy header");
        headerLen = l[0] | (l[1] << 8) | (l[2] << 16) | (static_cast<std::size_t>(l[3]) << 24);
    } else {
        throw IoError(path, "unsupported .npy format version " + std::to_string(major));
    }
    if (headerLen > 1 << 20) throw IoError(path, ".npy header too large");
    std::string header(headerLen, '\0');
    if (!in.read(header.data(), static_cast<std::streamsize>(headerLen))) throw IoError(path, "truncated .npy header");

    NpyArray a;
    a.dtype = headerValue(header, "descr");
    a.fortranOrder = headerValue(header, "fortran_order").find("True") != std::string::npos;
    std::string shape = headerValue(header, "shape");
    if (a.dtype.empty() || shape.empty()) throw IoError(path, ".npy header lacks descr or shape");
    std::stringstream ss(shape.substr(1, shape.size() - 2));
    std::string item;
    std::size_t count = 1;
    while (std::getline(ss, item, ',')) {
        if (item.find_first_not_of(' ') == std::string::npos) continue;
        try {
            a.shape.push_back(static_cast<std::size_t>(std::stoull(item)));
        } catch (...) {
            throw IoError(path, "bad .npy shape " + shape);
        }
        if (a.shape.back() != 0 && count > (std::size_t(1) << 40) / a.shape.back()) throw IoError(path, "shape " + shape + " is too large");
        count *= a.shape.back();
    }
    if (a.dtype.size() < 3) throw IoError(path, "unsupported dtype " + a.dtype);
    const char order = a.dtype[0];
    const char kind = a.dtype[1];
    const int bytes = std::atoi(a.dtype.c_str() + 2);
    const bool swap = order == '>';  // this machine is little-endian
    if (bytes <= 0 || bytes > 8) throw IoError(path, "unsupported dtype " + a.dtype);
    // Compare with what the file holds before allocating, so a corrupt shape cannot exhaust memory.
    const std::streamoff dataStart = in.tellg();
    in.seekg(0, std::ios::end);
    const std::streamoff available = in.tellg() - dataStart;
    in.seekg(dataStart);
    if (static_cast<double>(count) * bytes > static_cast<double>(available))
        throw IoError(path, "truncated data: shape " + shape + " of " + a.dtype + " needs " + std::to_string(count * static_cast<std::size_t>(bytes)) +
                                " bytes, the file holds " + std::to_string(available));
    std::vector<char> data(count * static_cast<std::size_t>(bytes));
    if (!in.read(data.data(), static_cast<std::streamsize>(data.size())))
        throw IoError(path, "truncated data: expected " + std::to_string(data.size()) + " bytes for shape " + shape + " of " + a.dtype);
    const char* d = data.data();
    if (kind == 'i' && bytes == 1) convert<std::int8_t>(d, count, false, a.values);
    else if (kind == 'u' && bytes == 1) convert<std::uint8_t>(d, count, false, a.values);
    else if (kind == 'b' && bytes == 1) convert<std::uint8_t>(d, count, false, a.values);
    else if (kind == 'i' && bytes == 2) convert<std::int16_t>(d, count, swap, a.values);
    else if (kind == 'u' && bytes == 2) convert<std::uint16_t>(d, count, swap, a.values);
    else if (kind == 'i' && bytes == 4) convert<std::int32_t>(d, count, swap, a.values);
    else if (kind == 'u' && bytes == 4) convert<std::uint32_t>(d, count, swap, a.values);
    else if (kind == 'i' && bytes == 8) convert<std::int64_t>(d, count, swap, a.values);
    else if (kind == 'u' && bytes == 8) convert<std::uint64_t>(d, count, swap, a.values);
    else if (kind == 'f' && bytes == 4) convert<float>(d, count, swap, a.values);
    else if (kind == 'f' && bytes == 8) convert<double>(d, count, swap, a.values);
    else throw IoError(path, "unsupported dtype " + a.dtype);
    return a;
}

Slice<float> npyAsSlice(const NpyArray& a, const std::string& path) {
    if (a.shape.size() != 2) throw IoError(path, "NPY array has " + std::to_string(a.shape.size()) + " dimensions: a 2D slice is expected");
    constexpr std::size_t kMaxSide = 16384;  // as for PNG and JPEG slices
    if (a.shape[0] == 0 || a.shape[1] == 0 || a.shape[0] > kMaxSide || a.shape[1] > kMaxSide)
        throw IoError(path, "NPY slice of " + std::to_string(a.shape[0]) + " x " + std::to_string(a.shape[1]) + " values: 1 to " + std::to_string(kMaxSide) +
                                " per side expected");
    const int width = static_cast<int>(a.fortranOrder ? a.shape[0] : a.shape[1]);
    const int height = static_cast<int>(a.fortranOrder ? a.shape[1] : a.shape[0]);
    Slice<float> s(width, height);
    std::transform(a.values.begin(), a.values.end(), s.pixels().begin(), [](double d) { return static_cast<float>(d); });
    return s;
}

void writeNpyFloat32(const std::string& path, const std::vector<std::size_t>& shape, const std::vector<float>& values) {
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
    for (std::size_t i = 0; i < shape.size(); ++i) dict += std::to_string(shape[i]) + (shape.size() == 1 || i + 1 < shape.size() ? "," : "");
    dict += "), }";
    std::size_t total = 10 + dict.size() + 1;
    dict.append((64 - total % 64) % 64, ' ');
    dict += '\n';
    std::ofstream out(path, std::ios::binary);
    if (!out) throw IoError(path, "cannot create");
    out.write("\x93NUMPY\x01\x00", 8);
    const unsigned short len = static_cast<unsigned short>(dict.size());
    out.put(static_cast<char>(len & 0xFF));
    out.put(static_cast<char>(len >> 8));
    out.write(dict.data(), static_cast<std::streamsize>(dict.size()));
    out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(float)));
    if (!out) throw IoError(path, "write failed (disk full?)");
}

}  // namespace ctsw
