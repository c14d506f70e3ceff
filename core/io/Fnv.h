#pragma once
// FNV-1a, 64 bit: the product's content hash for weight files, model ids, cache keys and training
// fingerprints. Not cryptographic: it detects damage and tells contents apart.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace ctsw {

constexpr std::uint64_t kFnvOffset = 1469598103934665603ull;

// Continues `hash` over `bytes` bytes (start from kFnvOffset).
inline std::uint64_t fnv1a64(const void* data, std::size_t bytes, std::uint64_t hash = kFnvOffset) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < bytes; ++i) {
        hash ^= p[i];
        hash *= 1099511628211ull;
    }
    return hash;
}

inline std::uint64_t fnv1a64(const std::string& text, std::uint64_t hash = kFnvOffset) { return fnv1a64(text.data(), text.size(), hash); }

// 16 lower-case hex digits, as config.json and manifests write hashes.
inline std::string hashHex(std::uint64_t hash) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
    return buf;
}

}  // namespace ctsw
