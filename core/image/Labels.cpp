#include "image/Labels.h"

#include <sstream>
#include <stdexcept>

namespace ctsw {

const char* labelName(Label l) {
    switch (l) {
    case Label::Background: return "background";
    case Label::Lung: return "lung";
    case Label::Infection: return "infection";
    }
    return "invalid";
}

LabelCounts countLabels(const std::vector<std::uint8_t>& labels) {
    LabelCounts c;
    for (std::uint8_t v : labels) {
        if (v < kLabelCount) ++c.perLabel[v];
        else ++c.invalid;
    }
    return c;
}

std::vector<std::string> LabelMapping::names() {
    return {"identity", "lung-left-right", "binary-lung", "binary-infection", "ggo-consolidation"};
}

LabelMapping LabelMapping::named(const std::string& name) {
    using L = Label;
    if (name == "identity") return LabelMapping({{0, L::Background}, {1, L::Lung}, {2, L::Infection}}, name);
    if (name == "lung-left-right") return LabelMapping({{0, L::Background}, {1, L::Lung}, {2, L::Lung}}, name);
    if (name == "binary-lung") return LabelMapping({{0, L::Background}, {1, L::Lung}, {255, L::Lung}}, name);
    if (name == "binary-infection") return LabelMapping({{0, L::Background}, {1, L::Infection}, {255, L::Infection}}, name);
    if (name == "ggo-consolidation") return LabelMapping({{0, L::Background}, {1, L::Infection}, {2, L::Infection}}, name);
    std::string all;
    for (const auto& n : names()) all += (all.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown label mapping \"" + name + "\" (known: " + all + ", or a table like 0:0,1:1,2:2)");
}

LabelMapping LabelMapping::parse(const std::string& spec) {
    if (spec.find(':') == std::string::npos) return named(spec);
    std::map<int, Label> table;
    std::stringstream ss(spec);
    std::string item;
    while (std::getline(ss, item, ',')) {
        auto colon = item.find(':');
        int from = 0, to = 0;
        try {
            if (colon == std::string::npos) throw std::invalid_argument("no colon");
            const std::string a = item.substr(0, colon), b = item.substr(colon + 1);
            std::size_t usedA = 0, usedB = 0;
            from = std::stoi(a, &usedA);
            to = std::stoi(b, &usedB);
            if (usedA != a.size() || usedB != b.size()) throw std::invalid_argument("trailing text");
        } catch (const std::exception&) {
            throw std::invalid_argument("label mapping entry \"" + item + "\" is not of the form SOURCE:LABEL");
        }
        if (to < 0 || to >= kLabelCount)
            throw std::invalid_argument("label mapping entry \"" + item + "\": target must be 0 (background), 1 (lung) or 2 (infection)");
        table[from] = static_cast<Label>(to);
    }
    return LabelMapping(std::move(table), spec);
}

std::vector<std::uint8_t> LabelMapping::apply(const std::vector<int>& source) const {
    std::vector<std::uint8_t> out(source.size());
    std::map<int, std::size_t> unmapped;
    for (std::size_t i = 0; i < source.size(); ++i) {
        auto it = table_.find(source[i]);
        if (it == table_.end()) { ++unmapped[source[i]]; continue; }
        out[i] = static_cast<std::uint8_t>(it->second);
    }
    if (!unmapped.empty()) {
        std::ostringstream msg;
        msg << "mask values not covered by label mapping \"" << name_ << "\":";
        for (const auto& [value, count] : unmapped) msg << " " << value << " (" << count << " pixels)";
        throw std::runtime_error(msg.str());
    }
    return out;
}

}  // namespace ctsw
