#pragma once
// PNG and JPEG decoding and PNG encoding in memory, through libpng and libjpeg with their error
// callbacks. Every failure, whatever the bytes, is an IoError naming the file: no abort, no longjmp
// through C++ frames (the jumps stay inside functions that hold only plain C data), no allocation
// sized by a header before the header is checked against the limits below.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ctsw {

// Largest 2D image accepted (each side and in all): far above any CT slice (512 or 1024 square),
// small enough that a forged header cannot exhaust memory.
constexpr int kMaxRasterSide = 16384;
constexpr std::int64_t kMaxRasterPixels = std::int64_t(1) << 26;  // 64 Mi pixels

struct DecodedRaster {
    int width = 0, height = 0;
    int bitsPerSample = 8;     // 8 or 16
    bool palette = false;      // palette PNG: samples are the palette indices
    bool colour = false;       // the file held colour: samples are its luminance
    std::vector<float> samples;  // row-major, width * height, in the file's own range
};

// `name` is used only in messages (the file the bytes came from).
DecodedRaster decodePng(const unsigned char* data, std::size_t size, const std::string& name);
DecodedRaster decodeJpeg(const unsigned char* data, std::size_t size, const std::string& name);

// An 8-bit greyscale PNG of `width` x `height` row-major pixels.
std::vector<unsigned char> encodePngGray8(const std::uint8_t* pixels, int width, int height, const std::string& name);

// Reads a whole file into memory; refuses files larger than `maxBytes` by name.
std::vector<unsigned char> readFileBytes(const std::string& path, std::size_t maxBytes);

}  // namespace ctsw
