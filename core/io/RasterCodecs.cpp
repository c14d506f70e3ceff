#include "io/RasterCodecs.h"

// clang-format off
#include <cstdio>   // jpeglib.h needs FILE and size_t first
#include <jpeglib.h>
// clang-format on
#include <png.h>

#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "io/IoError.h"

namespace fs = std::filesystem;

// Why the code looks like this: libpng and libjpeg report errors by calling a handler that must not
// return. Throwing a C++ exception through their C frames is undefined (ITK 5.2 does it and aborts on
// corrupt files); a longjmp is defined only while no C++ object with a destructor lives between the
// setjmp and the jump. So every libpng/libjpeg call runs inside a small function whose only locals
// are plain C data, with setjmp at its start, and returns false on error; C++ containers are created
// by the caller, outside the jump's reach.

namespace ctsw {

namespace {

constexpr std::size_t kMessageLength = 256;
// A progressive JPEG may hold any number of scans, each decoded over the whole image: a few hundred
// bytes can cost minutes. Real encoders write about 10.
constexpr int kMaxJpegScans = 200;

void copyMessage(char* to, const char* from) {
    std::snprintf(to, kMessageLength, "%s", from ? from : "unknown error");
}

void checkDimensions(long long width, long long height, const std::string& name, const char* format) {
    if (width <= 0 || height <= 0) throw IoError(name, std::string(format) + " header has an empty image size");
    if (width > kMaxRasterSide || height > kMaxRasterSide || width * height > kMaxRasterPixels)
        throw IoError(name, std::string(format) + " header claims " + std::to_string(width) + "x" + std::to_string(height) +
                                " pixels: larger than any CT slice this product reads (" + std::to_string(kMaxRasterSide) + " per side at most)");
}

float luminance(float r, float g, float b) {
    // The Rec. 709 weights, as ITK used them before: colour files convert to the same grey values.
    return (2125.0f * r + 7154.0f * g + 721.0f * b) / 10000.0f;
}

// ---------------------------------------------------------------------------------------------- PNG

struct PngReader {
    png_structp png = nullptr;
    png_infop info = nullptr;
    const unsigned char* data = nullptr;
    std::size_t size = 0, offset = 0;
    char message[kMessageLength] = {};
    png_uint_32 width = 0, height = 0;
    int bitDepth = 0, colourType = 0, channels = 0, outBitDepth = 0;
    std::size_t rowBytes = 0;
};

void pngFail(png_structp png, png_const_charp message) {
    auto* r = static_cast<PngReader*>(png_get_error_ptr(png));
    copyMessage(r->message, message);
    png_longjmp(png, 1);
}
void pngIgnoreWarning(png_structp, png_const_charp) {}

void pngReadFromMemory(png_structp png, png_bytep out, png_size_t count) {
    auto* r = static_cast<PngReader*>(png_get_io_ptr(png));
    if (count > r->size - r->offset) png_error(png, "the file ends early (truncated)");
    std::memcpy(out, r->data + r->offset, count);
    r->offset += count;
}

bool pngReadHeader(PngReader* r) {
    if (setjmp(png_jmpbuf(r->png))) return false;
    png_set_read_fn(r->png, r, pngReadFromMemory);
    png_set_user_limits(r->png, kMaxRasterSide, kMaxRasterSide);
    png_set_chunk_malloc_max(r->png, 16u << 20);  // text and profile chunks; image data is not a chunk allocation
    png_read_info(r->png, r->info);
    int interlace = 0;
    png_get_IHDR(r->png, r->info, &r->width, &r->height, &r->bitDepth, &r->colourType, &interlace, nullptr, nullptr);
    if (r->colourType == PNG_COLOR_TYPE_PALETTE) {
        png_set_packing(r->png);  // 1/2/4-bit indices to one byte each, unscaled: masks keep their labels
    } else if (r->bitDepth < 8) {
        png_set_expand_gray_1_2_4_to_8(r->png);
    }
    if (r->bitDepth == 16) png_set_swap(r->png);  // to this machine's (little-endian) order
    png_set_interlace_handling(r->png);
    png_read_update_info(r->png, r->info);
    r->channels = png_get_channels(r->png, r->info);
    r->outBitDepth = png_get_bit_depth(r->png, r->info);
    r->rowBytes = png_get_rowbytes(r->png, r->info);
    return true;
}

bool pngReadRows(PngReader* r, png_bytep* rows) {
    if (setjmp(png_jmpbuf(r->png))) return false;
    png_read_image(r->png, rows);
    png_read_end(r->png, nullptr);
    return true;
}

struct PngWriter {
    png_structp png = nullptr;
    png_infop info = nullptr;
    unsigned char* out = nullptr;  // malloc'ed: the write callback runs inside libpng and must not throw
    std::size_t size = 0, capacity = 0;
    char message[kMessageLength] = {};
};

void pngWriteFail(png_structp png, png_const_charp message) {
    auto* w = static_cast<PngWriter*>(png_get_error_ptr(png));
    copyMessage(w->message, message);
    png_longjmp(png, 1);
}

void pngWriteToMemory(png_structp png, png_bytep data, png_size_t count) {
    auto* w = static_cast<PngWriter*>(png_get_io_ptr(png));
    if (w->size + count > w->capacity) {
        std::size_t capacity = w->capacity ? w->capacity : 1 << 16;
        while (capacity < w->size + count) capacity *= 2;
        auto* grown = static_cast<unsigned char*>(std::realloc(w->out, capacity));
        if (!grown) png_error(png, "out of memory");
        w->out = grown;
        w->capacity = capacity;
    }
    std::memcpy(w->out + w->size, data, count);
    w->size += count;
}
void pngFlushNothing(png_structp) {}

bool pngEncodeGray8(PngWriter* w, const std::uint8_t* pixels, int width, int height) {
    if (setjmp(png_jmpbuf(w->png))) return false;
    png_set_write_fn(w->png, w, pngWriteToMemory, pngFlushNothing);
    png_set_IHDR(w->png, w->info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(w->png, w->info);
    for (int y = 0; y < height; ++y) png_write_row(w->png, pixels + static_cast<std::size_t>(y) * static_cast<std::size_t>(width));
    png_write_end(w->png, nullptr);
    return true;
}

// --------------------------------------------------------------------------------------------- JPEG

struct JpegReader {
    jpeg_decompress_struct cinfo;
    jpeg_error_mgr errors;
    jpeg_progress_mgr progress;
    std::jmp_buf jump;
    char message[kMessageLength] = {};
    char firstWarning[kMessageLength] = {};
    int warnings = 0;
    bool created = false;
};

JpegReader* readerOf(j_common_ptr cinfo) { return static_cast<JpegReader*>(cinfo->client_data); }

void jpegFail(j_common_ptr cinfo) {
    JpegReader* r = readerOf(cinfo);
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    copyMessage(r->message, text);
    std::longjmp(r->jump, 1);
}

void jpegMessage(j_common_ptr cinfo, int level) {
    if (level >= 0) return;  // trace messages
    JpegReader* r = readerOf(cinfo);
    if (r->warnings++ == 0) {
        char text[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, text);
        copyMessage(r->firstWarning, text);
    }
}

void jpegProgress(j_common_ptr cinfo) {
    JpegReader* r = readerOf(cinfo);
    if (cinfo->is_decompressor && reinterpret_cast<j_decompress_ptr>(cinfo)->input_scan_number > kMaxJpegScans) {
        std::snprintf(r->message, kMessageLength, "more than %d progressive scans (a corrupt or hostile file)", kMaxJpegScans);
        std::longjmp(r->jump, 1);
    }
}

bool jpegReadHeader(JpegReader* r, const unsigned char* data, std::size_t size) {
    r->cinfo.err = jpeg_std_error(&r->errors);
    r->errors.error_exit = jpegFail;
    r->errors.emit_message = jpegMessage;
    r->cinfo.client_data = r;  // kept by jpeg_create_decompress; its own errors need it too
    if (setjmp(r->jump)) return false;
    jpeg_create_decompress(&r->cinfo);
    r->cinfo.client_data = r;
    r->created = true;
    r->progress.progress_monitor = jpegProgress;
    r->cinfo.progress = &r->progress;
    r->cinfo.mem->max_memory_to_use = 512L << 20;
    jpeg_mem_src(&r->cinfo, data, static_cast<unsigned long>(size));
    jpeg_read_header(&r->cinfo, TRUE);
    return true;
}

bool jpegStart(JpegReader* r) {
    if (setjmp(r->jump)) return false;
    r->cinfo.out_color_space = JCS_GRAYSCALE;  // luminance (the Y channel) for colour files
    jpeg_start_decompress(&r->cinfo);
    return true;
}

bool jpegReadRows(JpegReader* r, unsigned char* pixels) {
    if (setjmp(r->jump)) return false;
    while (r->cinfo.output_scanline < r->cinfo.output_height) {
        JSAMPROW row = pixels + static_cast<std::size_t>(r->cinfo.output_scanline) * r->cinfo.output_width;
        if (jpeg_read_scanlines(&r->cinfo, &row, 1) != 1) {
            copyMessage(r->message, "the decoder stopped before the last row");
            return false;
        }
    }
    jpeg_finish_decompress(&r->cinfo);
    return true;
}

std::uint32_t bigEndian32(const unsigned char* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

// libpng 1.6.39 allocates what a text chunk's length field claims before reading it (the fuzzer found
// a 2 GiB allocation from an 857-byte file). The whole file is in memory, so every chunk's length is
// checked against the bytes that are really there first.
void checkPngChunkLengths(const unsigned char* data, std::size_t size, const std::string& name) {
    std::size_t at = 8;
    while (at + 8 <= size) {
        const std::uint32_t length = bigEndian32(data + at);
        char type[5] = {};
        for (int i = 0; i < 4; ++i) {
            const unsigned char c = data[at + 4 + i];
            type[i] = (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
        }
        if (length > size - at - 8 || size - at - 8 - length < 4)
            throw IoError(name, std::string("truncated or damaged PNG: its ") + type + " chunk claims " + std::to_string(length) + " bytes where the file has " +
                                    std::to_string(size - at - 8) + " left");
        if (std::memcmp(type, "IEND", 4) == 0) return;
        at += 12 + static_cast<std::size_t>(length);
    }
    // No IEND: libpng reports the missing end itself (or decodes what is complete, then fails).
}

}  // namespace

DecodedRaster decodePng(const unsigned char* data, std::size_t size, const std::string& name) {
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) throw IoError(name, "not a PNG file (no PNG signature)");
    checkPngChunkLengths(data, size, name);
    PngReader r;
    r.data = data;
    r.size = size;
    r.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r, pngFail, pngIgnoreWarning);
    if (!r.png) throw IoError(name, "cannot start the PNG decoder (out of memory)");
    r.info = png_create_info_struct(r.png);
    struct Cleanup {
        PngReader& r;
        ~Cleanup() { png_destroy_read_struct(&r.png, r.info ? &r.info : nullptr, nullptr); }
    } cleanup{r};
    if (!r.info) throw IoError(name, "cannot start the PNG decoder (out of memory)");
    if (!pngReadHeader(&r)) throw IoError(name, std::string("corrupt PNG header: ") + r.message);
    checkDimensions(r.width, r.height, name, "PNG");
    if (r.outBitDepth != 8 && r.outBitDepth != 16) throw IoError(name, "PNG with " + std::to_string(r.outBitDepth) + "-bit samples is not supported");
    const int bytesPerSample = r.outBitDepth / 8;
    if (r.channels < 1 || r.channels > 4 || r.rowBytes != static_cast<std::size_t>(r.width) * static_cast<std::size_t>(r.channels * bytesPerSample))
        throw IoError(name, "PNG with an unexpected sample layout (" + std::to_string(r.channels) + " channels)");

    std::vector<unsigned char> buffer(r.rowBytes * r.height);
    std::vector<png_bytep> rows(r.height);
    for (png_uint_32 y = 0; y < r.height; ++y) rows[y] = buffer.data() + static_cast<std::size_t>(y) * r.rowBytes;
    if (!pngReadRows(&r, rows.data())) throw IoError(name, std::string("corrupt or truncated PNG image data: ") + r.message);

    DecodedRaster out;
    out.width = static_cast<int>(r.width);
    out.height = static_cast<int>(r.height);
    out.bitsPerSample = r.outBitDepth;
    out.palette = r.colourType == PNG_COLOR_TYPE_PALETTE;
    out.colour = r.channels >= 3;
    const std::size_t count = static_cast<std::size_t>(r.width) * r.height;
    out.samples.resize(count);
    auto sample = [&](std::size_t pixel, int channel) -> float {
        const std::size_t index = pixel * static_cast<std::size_t>(r.channels) + static_cast<std::size_t>(channel);
        if (bytesPerSample == 1) return buffer[index];
        std::uint16_t v;
        std::memcpy(&v, buffer.data() + 2 * index, 2);
        return v;
    };
    // Alpha is ignored: CT slices and masks carry no transparency.
    for (std::size_t i = 0; i < count; ++i) out.samples[i] = out.colour ? luminance(sample(i, 0), sample(i, 1), sample(i, 2)) : sample(i, 0);
    return out;
}

DecodedRaster decodeJpeg(const unsigned char* data, std::size_t size, const std::string& name) {
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8) throw IoError(name, "not a JPEG file (no start-of-image marker)");
    auto r = std::make_unique<JpegReader>();
    struct Cleanup {
        JpegReader& r;
        ~Cleanup() {
            if (r.created) jpeg_destroy_decompress(&r.cinfo);
        }
    } cleanup{*r};
    if (!jpegReadHeader(r.get(), data, size)) throw IoError(name, std::string("corrupt JPEG header: ") + r->message);
    checkDimensions(r->cinfo.image_width, r->cinfo.image_height, name, "JPEG");
    const J_COLOR_SPACE space = r->cinfo.jpeg_color_space;
    if (space != JCS_GRAYSCALE && space != JCS_YCbCr && space != JCS_RGB)
        throw IoError(name, "JPEG in a colour space other than grey, YCbCr or RGB (CMYK?) is not supported");
    if (!jpegStart(r.get())) throw IoError(name, std::string("corrupt JPEG: ") + r->message);
    if (r->cinfo.output_components != 1) throw IoError(name, "JPEG decoder did not give one grey channel");
    std::vector<unsigned char> pixels(static_cast<std::size_t>(r->cinfo.output_width) * r->cinfo.output_height);
    if (!jpegReadRows(r.get(), pixels.data())) throw IoError(name, std::string("corrupt JPEG image data: ") + r->message);
    // libjpeg fills what is missing with grey and only warns: a training image must not be silently patched.
    if (r->warnings > 0)
        throw IoError(name, std::string("corrupt or truncated JPEG (") + r->firstWarning + (r->warnings == 2 ? ", and 1 more problem" : r->warnings > 2 ? ", and " + std::to_string(r->warnings - 1) + " more problems" : "") + ")");

    DecodedRaster out;
    out.width = static_cast<int>(r->cinfo.output_width);
    out.height = static_cast<int>(r->cinfo.output_height);
    out.bitsPerSample = 8;
    out.colour = r->cinfo.num_components >= 3;
    out.samples.assign(pixels.begin(), pixels.end());
    return out;
}

std::vector<unsigned char> encodePngGray8(const std::uint8_t* pixels, int width, int height, const std::string& name) {
    if (width <= 0 || height <= 0) throw IoError(name, "cannot write an empty image");
    PngWriter w;
    w.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &w, pngWriteFail, pngIgnoreWarning);
    if (!w.png) throw IoError(name, "cannot start the PNG encoder (out of memory)");
    w.info = png_create_info_struct(w.png);
    struct Cleanup {
        PngWriter& w;
        ~Cleanup() {
            png_destroy_write_struct(&w.png, w.info ? &w.info : nullptr);
            std::free(w.out);
        }
    } cleanup{w};
    if (!w.info) throw IoError(name, "cannot start the PNG encoder (out of memory)");
    if (!pngEncodeGray8(&w, pixels, width, height)) throw IoError(name, std::string("cannot encode PNG: ") + w.message);
    return std::vector<unsigned char>(w.out, w.out + w.size);
}

std::vector<unsigned char> readFileBytes(const std::string& path, std::size_t maxBytes) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw IoError(path, "no such file");
    const auto length = fs::file_size(path, ec);
    if (ec) throw IoError(path, "cannot read its size: " + ec.message());
    if (length > maxBytes) throw IoError(path, "file of " + std::to_string(length) + " bytes is larger than the " + std::to_string(maxBytes) + " bytes expected");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path, "cannot open (no permission?)");
    std::vector<unsigned char> bytes(static_cast<std::size_t>(length));
    if (length > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(length)))
        throw IoError(path, "cannot read the whole file (it changed while being read?)");
    return bytes;
}

}  // namespace ctsw
