#pragma once
// The product's fixed label map, and mappings from the encodings other datasets use.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "image/Volume.h"

namespace ctsw {

enum class Label : std::uint8_t { Background = 0, Lung = 1, Infection = 2 };
constexpr int kLabelCount = 3;
const char* labelName(Label l);

// Pixel counts per label; values above 2 are counted in `invalid`.
struct LabelCounts {
    std::array<std::size_t, kLabelCount> perLabel{0, 0, 0};
    std::size_t invalid = 0;
};
LabelCounts countLabels(const std::vector<std::uint8_t>& labels);

// Maps source mask values to product labels. Every source value found in a mask must be mapped:
// an unmapped value is an error, never silently background, because it usually means the wrong mapping.
class LabelMapping {
public:
    LabelMapping() = default;
    explicit LabelMapping(std::map<int, Label> table, std::string name = "custom")
        : table_(std::move(table)), name_(std::move(name)) {}

    // Named encodings:
    //  identity         0 background, 1 lung, 2 infection (the product's own files)
    //  lung-left-right  0 background, 1 and 2 = the two lungs (COVID-19-CT-Seg lung masks)
    //  binary-lung      0 background, 255 (or 1) lung
    //  binary-infection 0 background, 255 (or 1) infection
    //  ggo-consolidation 0 background, 1 ground glass, 2 consolidation -> both infection (MedSeg)
    static LabelMapping named(const std::string& name);  // throws std::invalid_argument listing the names
    static std::vector<std::string> names();
    // Parses "name" or an explicit table such as "0:0,1:1,2:1,255:2".
    static LabelMapping parse(const std::string& spec);

    const std::string& name() const { return name_; }
    // Throws std::runtime_error naming the unmapped values (with their pixel counts).
    std::vector<std::uint8_t> apply(const std::vector<int>& sourceValues) const;

private:
    std::map<int, Label> table_;
    std::string name_ = "identity";
};

}  // namespace ctsw
