#include "io/ImageFiles.h"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkNiftiImageIO.h>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <unistd.h>

#include "io/AtomicWrite.h"
#include "io/IoError.h"
#include "io/Npy.h"
#include "io/RasterCodecs.h"

namespace fs = std::filesystem;

namespace ctsw {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Writes through a temporary name in the same folder, checks what was written, then renames: readers
// never see half a file. ITK does not report every failed write (a full disk can leave a short file
// without an exception), so the temporary file is read back before it replaces the target.
template <typename WriteFn, typename VerifyFn>
void writeAtomically(const std::string& path, const std::string& extension, WriteFn&& write, VerifyFn&& verify) {
    fs::path target(path);
    fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw IoError(path, "folder " + dir.string() + " does not exist");
    fs::path tmp = temporaryNameFor(path, extension);
    try {
        write(tmp.string());
        verify(tmp.string());
        syncFileToDisk(tmp.string());
    } catch (const itk::ExceptionObject& e) {
        fs::remove(tmp, ec);
        throw IoError(path, std::string("cannot write (disk full or no permission?): ") + e.GetDescription() + "; the previous file, if any, is unchanged");
    } catch (const IoError& e) {
        fs::remove(tmp, ec);
        throw IoError(path, "cannot write: " + e.problem() + "; the previous file, if any, is unchanged");
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
    commitRename(tmp.string(), path);
}

std::string niftiExtension(const std::string& path) { return endsWith(lower(path), ".nii.gz") ? ".nii.gz" : ".nii"; }

template <typename Pixel>
typename itk::Image<Pixel, 3>::Pointer toItk(const Geometry& g, const Pixel* data) {
    using Image = itk::Image<Pixel, 3>;
    auto image = Image::New();
    typename Image::RegionType region;
    typename Image::SizeType size;
    for (int i = 0; i < 3; ++i) size[i] = static_cast<itk::SizeValueType>(g.size[i]);
    region.SetSize(size);
    image->SetRegions(region);
    typename Image::SpacingType spacing;
    typename Image::PointType origin;
    typename Image::DirectionType direction;
    for (int i = 0; i < 3; ++i) { spacing[i] = g.spacing[i]; origin[i] = g.origin[i]; }
    for (int r = 0; r < 3; ++r) for (int c = 0; c < 3; ++c) direction[r][c] = g.direction[r * 3 + c];
    image->SetSpacing(spacing);
    image->SetOrigin(origin);
    image->SetDirection(direction);
    image->Allocate();
    std::copy(data, data + g.voxelCount(), image->GetBufferPointer());
    return image;
}

template <typename Pixel>
void writeNiftiImage(const Geometry& g, const Pixel* data, const std::string& path) {
    if (!isNiftiPath(path)) throw IoError(path, "not a NIfTI file name (.nii or .nii.gz)");
    auto image = toItk<Pixel>(g, data);
    writeAtomically(path, niftiExtension(path), [&](const std::string& tmp) {
        auto writer = itk::ImageFileWriter<itk::Image<Pixel, 3>>::New();
        writer->SetImageIO(itk::NiftiImageIO::New());
        writer->SetFileName(tmp);
        writer->SetInput(image);
        writer->SetUseCompression(endsWith(lower(path), ".gz"));
        writer->Update();
    }, [&](const std::string& tmp) {
        auto io = itk::NiftiImageIO::New();
        auto reader = itk::ImageFileReader<itk::Image<Pixel, 3>>::New();
        reader->SetImageIO(io);
        reader->SetFileName(tmp);
        try {
            reader->Update();
        } catch (const itk::ExceptionObject&) {
            throw IoError(tmp, "the written file does not read back complete (the disk is full?)");
        }
        if (reader->GetOutput()->GetLargestPossibleRegion().GetNumberOfPixels() != static_cast<itk::SizeValueType>(g.voxelCount()))
            throw IoError(tmp, "the written file does not read back complete (the disk is full?)");
    });
}

using FloatImage3 = itk::Image<float, 3>;

// The largest volume read (2^30 voxels, 4 GiB as float): a 1024 x 1024 x 1024 CT; bigger is a corrupt header.
constexpr double kMaxNiftiVoxels = 1073741824.0;

// zlib's reason for a failed read (without the file name it puts first), as an IoError; closes `f`.
[[noreturn]] void throwGzipProblem(gzFile f, const std::string& path) {
    int code = Z_OK;
    std::string message = gzerror(f, &code);
    gzclose(f);
    if (message.rfind(path + ": ", 0) == 0) message.erase(0, path.size() + 2);
    throw IoError(path, "damaged compressed data (" + message + ")");
}

// Checks a NIfTI-1 header's numbers before ITK sees them: ITK 5.2 aborts the process (a vnl
// assertion) on a non-finite orientation, and trusts dimensions. zlib reads plain and gzip files alike.
double checkNiftiHeader(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw IoError(path, "cannot open");
    unsigned char h[348];
    const int n = gzread(f, h, sizeof h);
    if (n < 0) throwGzipProblem(f, path);
    gzclose(f);
    if (n < 4) throw IoError(path, "not a NIfTI file (no header)");
    auto int32At = [&](int at, bool swap) {
        unsigned char b[4];
        std::memcpy(b, h + at, 4);
        if (swap) { std::swap(b[0], b[3]); std::swap(b[1], b[2]); }
        std::int32_t v;
        std::memcpy(&v, b, 4);
        return v;
    };
    const bool swap = int32At(0, false) != 348 && int32At(0, true) == 348;
    const std::int32_t headerSize = int32At(0, swap);
    if (headerSize == 540 || int32At(0, true) == 540) throw IoError(path, "NIfTI-2 (540-byte header) is not supported: save it as NIfTI-1");
    if (headerSize != 348) throw IoError(path, "not a NIfTI-1 file (header size " + std::to_string(headerSize) + ", 348 expected)");
    if (n < 348) throw IoError(path, "NIfTI header is truncated (" + std::to_string(n) + " of 348 bytes)");
    auto int16At = [&](int at) {
        unsigned char b[2] = {h[at], h[at + 1]};
        if (swap) std::swap(b[0], b[1]);
        std::int16_t v;
        std::memcpy(&v, b, 2);
        return v;
    };
    auto floatAt = [&](int at) {
        const std::int32_t bits = int32At(at, swap);
        float v;
        std::memcpy(&v, &bits, 4);
        return v;
    };
    const int rank = int16At(40);
    if (rank < 1 || rank > 7) throw IoError(path, "NIfTI header has " + std::to_string(rank) + " dimensions (1 to 7 expected)");
    for (int d = 1; d <= rank; ++d)
        if (int16At(40 + 2 * d) < 1) throw IoError(path, "NIfTI header has size " + std::to_string(int16At(40 + 2 * d)) + " along dimension " + std::to_string(d));
    const char* fields[] = {"pixdim", "vox_offset", "quatern_b/c/d", "qoffset", "srow"};
    const int firsts[] = {76, 108, 256, 268, 280};
    const int counts[] = {8, 1, 3, 3, 12};
    // Finite and of a size a scanner writes: ITK's orientation SVD never returns on extreme values
    // (found by fuzzing). 1e5 mm is 100 m; a quaternion's b, c, d lie in [-1, 1].
    const double limits[] = {1e5, 1e12, 2.0, 1e5, 1e5};
    for (int field = 0; field < 5; ++field)
        for (int i = 0; i < counts[field]; ++i) {
            const float v = floatAt(firsts[field] + 4 * i);
            if (!std::isfinite(v)) throw IoError(path, std::string("NIfTI header holds a non-finite ") + fields[field] + " (a corrupt header)");
            if (std::fabs(v) > limits[field]) throw IoError(path, std::string("NIfTI header holds an implausible ") + fields[field] + " (a corrupt header)");
        }
    const double voxOffset = floatAt(108);
    // The voxels start after the header and within the size limit of a volume (found by fuzzing: a
    // vox_offset of 4e27 overflowed the message's integer conversion).
    if (voxOffset < 0 || voxOffset > 4.0 * kMaxNiftiVoxels) throw IoError(path, "NIfTI header has an implausible vox_offset (a corrupt header)");
    return std::max(352.0, voxOffset);
}

// The length of a NIfTI file's content (decompressed for .nii.gz), read to its end or to `enough`
// bytes. zlib checks the stream as it goes: damaged compressed data is an IoError. ITK 5.2 reads a
// truncated .nii.gz without a word and fills the missing voxels with whatever it had.
double niftiContentBytes(const std::string& path, double enough) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw IoError(path, "cannot open");
    std::vector<char> buffer(1 << 20);
    double total = 0;
    for (;;) {
        const int n = gzread(f, buffer.data(), static_cast<unsigned>(buffer.size()));
        if (n < 0) throwGzipProblem(f, path);
        total += n;
        if (n == 0 || total > enough) break;
    }
    gzclose(f);
    return total;
}

FloatImage3::Pointer readNiftiItk(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw IoError(path, "no such file");
    const double voxOffset = checkNiftiHeader(path);
    auto io = itk::NiftiImageIO::New();
    if (!io->CanReadFile(path.c_str())) throw IoError(path, "not a readable NIfTI file");
    try {
        io->SetFileName(path);
        io->ReadImageInformation();
    } catch (const itk::ExceptionObject& e) {
        throw IoError(path, std::string("bad NIfTI header: ") + e.GetDescription());
    }
    const unsigned dims = io->GetNumberOfDimensions();
    for (unsigned d = 3; d < dims; ++d)
        if (io->GetDimensions(d) > 1)
            throw IoError(path, std::to_string(dims) + "D NIfTI with " + std::to_string(io->GetDimensions(d)) +
                                    " volumes along dimension " + std::to_string(d + 1) + ": a single 3D volume is expected");
    if (io->GetNumberOfComponents() != 1)
        throw IoError(path, "NIfTI with " + std::to_string(io->GetNumberOfComponents()) + " components per voxel: a scalar volume is expected");
    // Sizes from the header are checked against sane limits and the file's length before ITK allocates.
    double voxels = 1;
    for (unsigned d = 0; d < std::min(dims, 3u); ++d) {
        if (io->GetDimensions(d) == 0) throw IoError(path, "NIfTI header has an empty dimension " + std::to_string(d + 1));
        voxels *= static_cast<double>(io->GetDimensions(d));
    }
    if (voxels > kMaxNiftiVoxels)
        throw IoError(path, "NIfTI header claims " + std::to_string(static_cast<long long>(voxels)) + " voxels: more than the " +
                                std::to_string(static_cast<long long>(kMaxNiftiVoxels)) + " this product reads (a corrupt header?)");
    const double dataBytes = voxels * static_cast<double>(io->GetComponentSize());
    const double fileBytes = static_cast<double>(fs::file_size(path, ec));
    const bool compressed = endsWith(lower(path), ".gz");
    // Deflate cannot compress better than about 1032:1, so a .nii.gz smaller than that fraction is truncated.
    const double needed = compressed ? dataBytes / 1032.0 : dataBytes + 348.0;
    if (fileBytes < needed)
        throw IoError(path, "NIfTI file is truncated: its header describes " + std::to_string(static_cast<long long>(dataBytes)) +
                                " bytes of voxels, the file holds " + std::to_string(static_cast<long long>(fileBytes)) + " bytes" +
                                (compressed ? " compressed" : ""));
    // The whole content must be there (a little more is read so that zlib also checks the stream's end).
    const double content = niftiContentBytes(path, voxOffset + dataBytes + (16 << 20));
    if (content < voxOffset + dataBytes)
        throw IoError(path, "NIfTI file is truncated: " + std::to_string(static_cast<long long>(voxOffset + dataBytes)) + " bytes expected" +
                                (compressed ? " after decompression" : "") + ", it holds " + std::to_string(static_cast<long long>(content)));
    auto reader = itk::ImageFileReader<FloatImage3>::New();
    reader->SetImageIO(io);
    reader->SetFileName(path);
    try {
        reader->Update();
    } catch (const itk::ExceptionObject& e) {
        throw IoError(path, std::string("cannot read NIfTI data (truncated?): ") + e.GetDescription());
    }
    return reader->GetOutput();
}

CtVolume fromItk(const FloatImage3* image) {
    Geometry g;
    auto size = image->GetLargestPossibleRegion().GetSize();
    for (int i = 0; i < 3; ++i) {
        g.size[i] = static_cast<int>(size[i]);
        g.spacing[i] = image->GetSpacing()[i];
        g.origin[i] = image->GetOrigin()[i];
    }
    for (int r = 0; r < 3; ++r) for (int c = 0; c < 3; ++c) g.direction[r * 3 + c] = image->GetDirection()[r][c];
    CtVolume v(g);
    std::copy(image->GetBufferPointer(), image->GetBufferPointer() + g.voxelCount(), v.voxels().begin());
    return v;
}

std::vector<int> toIntegers(const std::vector<float>& values, const std::string& path) {
    std::vector<int> out(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        float v = values[i];
        if (!(std::fabs(v - std::round(v)) < 1e-3f)) throw IoError(path, "mask holds a non-integer value " + std::to_string(v) + ": not a label image");
        out[i] = static_cast<int>(std::lround(v));
    }
    return out;
}

// The largest 2D image file read whole into memory (a 16384-square 16-bit PNG compresses far below this).
constexpr std::size_t kMaxImageFileBytes = std::size_t(1) << 30;

}  // namespace

bool isNiftiPath(const std::string& path) {
    std::string l = lower(path);
    return endsWith(l, ".nii") || endsWith(l, ".nii.gz");
}

FileKind fileKindOf(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return FileKind::DicomFolder;
    std::string l = lower(path);
    if (isNiftiPath(l)) return FileKind::Nifti;
    if (endsWith(l, ".png")) return FileKind::Png;
    if (endsWith(l, ".jpg") || endsWith(l, ".jpeg")) return FileKind::Jpeg;
    if (endsWith(l, ".npy")) return FileKind::Npy;
    if (endsWith(l, ".dcm") || endsWith(l, ".ima")) return FileKind::DicomFile;
    return FileKind::Unknown;
}

CtVolume readNifti(const std::string& path) {
    return toDisplayOrientation(fromItk(readNiftiItk(path).GetPointer()));
}

void writeNifti(const CtVolume& volume, const std::string& path) {
    const auto& v = volume.voxels();
    bool integral = std::all_of(v.begin(), v.end(), [](float x) {
        return x == std::round(x) && x >= std::numeric_limits<std::int16_t>::min() && x <= std::numeric_limits<std::int16_t>::max();
    });
    if (integral) {
        std::vector<std::int16_t> asInt(v.begin(), v.end());
        writeNiftiImage<std::int16_t>(volume.geometry(), asInt.data(), path);
    } else {
        writeNiftiImage<float>(volume.geometry(), v.data(), path);
    }
}

void writeNiftiLabels(const LabelVolume& labels, const std::string& path) {
    writeNiftiImage<std::uint8_t>(labels.geometry(), labels.voxels().data(), path);
}

LabelVolume readNiftiLabels(const std::string& path, const LabelMapping& mapping) {
    CtVolume raw = readNifti(path);
    LabelVolume labels(raw.geometry());
    try {
        labels.voxels() = mapping.apply(toIntegers(raw.voxels(), path));
    } catch (const IoError&) {
        throw;
    } catch (const std::exception& e) {
        throw IoError(path, e.what());
    }
    return labels;
}

RawImage2D readImage2D(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw IoError(path, "no such file");
    RawImage2D out;
    FileKind kind = fileKindOf(path);
    if (kind == FileKind::Npy) {
        NpyArray a = readNpy(path);
        out.values = npyAsSlice(a, path);
        out.bitsPerSample = std::atoi(a.dtype.c_str() + 2) * 8;
        out.signedOrFloat = a.dtype.size() > 1 && (a.dtype[1] == 'i' || a.dtype[1] == 'f') && out.bitsPerSample >= 16;
        out.description = "NPY " + a.dtype + (a.fortranOrder ? " Fortran order" : " C order");
        return out;
    }
    if (kind != FileKind::Png && kind != FileKind::Jpeg) throw IoError(path, "not a 2D image file (.png, .jpg, .jpeg or .npy expected)");
    const std::vector<unsigned char> bytes = readFileBytes(path, kMaxImageFileBytes);
    DecodedRaster r = kind == FileKind::Png ? decodePng(bytes.data(), bytes.size(), path) : decodeJpeg(bytes.data(), bytes.size(), path);
    out.values = Slice<float>(r.width, r.height);
    out.values.pixels() = std::move(r.samples);
    out.bitsPerSample = r.bitsPerSample;
    out.palette = r.palette;
    out.description = std::string(kind == FileKind::Png ? "PNG" : "JPEG") + " " + std::to_string(out.bitsPerSample) + "-bit" +
                      (r.colour ? " colour (converted to grey)" : (out.palette ? " palette" : " grey"));
    return out;
}

CtSlice readSliceImage(const std::string& path) {
    if (fileKindOf(path) == FileKind::Nifti) {
        CtVolume v = readNifti(path);
        if (v.depth() != 1) throw IoError(path, "NIfTI holds " + std::to_string(v.depth()) + " slices: choose one");
        return extractSlice(v, 0);
    }
    return readImage2D(path).values;
}

LabelSlice readMaskSlice(const std::string& path, const LabelMapping& mapping, int expectWidth, int expectHeight, Orientation2D orientation) {
    LabelSlice mask;
    if (fileKindOf(path) == FileKind::Nifti) {
        LabelVolume v = readNiftiLabels(path, mapping);
        if (v.depth() != 1) throw IoError(path, "mask NIfTI holds " + std::to_string(v.depth()) + " slices; a single slice is expected");
        mask = extractSlice(v, 0);
    } else {
        RawImage2D raw = readImage2D(path);
        mask = LabelSlice(raw.values.width(), raw.values.height());
        try {
            mask.pixels() = mapping.apply(toIntegers(raw.values.pixels(), path));
        } catch (const IoError&) {
            throw;
        } catch (const std::exception& e) {
            throw IoError(path, e.what());
        }
    }
    mask = reorient(mask, orientation);
    if (expectWidth > 0 && (mask.width() != expectWidth || mask.height() != expectHeight))
        throw IoError(path, "mask is " + std::to_string(mask.width()) + "x" + std::to_string(mask.height()) + " but the image is " +
                                std::to_string(expectWidth) + "x" + std::to_string(expectHeight));
    return mask;
}

void writePngWindowed(const CtSlice& slice, const WindowLevel& window, const std::string& path) {
    Slice<std::uint8_t> bytes(slice.width(), slice.height());
    windowToBytes(slice.pixels().data(), slice.pixels().size(), window, bytes.pixels().data());
    writePng8(bytes, path);
}

void writePngLabels(const LabelSlice& labels, const std::string& path) { writePng8(labels, path); }

void writePng8(const Slice<std::uint8_t>& pixels, const std::string& path) {
    std::error_code ec;
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    if (!fs::is_directory(dir, ec)) throw IoError(path, "folder " + dir.string() + " does not exist");
    const std::vector<unsigned char> png = encodePngGray8(pixels.pixels().data(), pixels.width(), pixels.height(), path);
    writeBytesAtomically(path, png.data(), png.size());
}

}  // namespace ctsw
