#include "image/WindowLevel.h"

#include <stdexcept>

namespace ctsw {

const std::vector<WindowPreset>& windowPresets() {
    static const std::vector<WindowPreset> presets = {
        {"lung", {1500.0, -600.0}},
        {"mediastinum", {350.0, 40.0}},
        {"bone", {2000.0, 500.0}},
    };
    return presets;
}

WindowLevel windowByName(const std::string& s) {
    for (const auto& p : windowPresets())
        if (p.name == s) return p.window;
    auto slash = s.find('/');
    if (slash != std::string::npos) {
        try {
            std::size_t usedW = 0, usedL = 0;
            const std::string ws = s.substr(0, slash), ls = s.substr(slash + 1);
            WindowLevel w{std::stod(ws, &usedW), std::stod(ls, &usedL)};
            if (usedW == ws.size() && usedL == ls.size() && w.width > 0) return w;
        } catch (const std::exception&) {
        }
    }
    throw std::invalid_argument("unknown window \"" + s + "\": use lung, mediastinum, bone or WIDTH/LEVEL such as 400/40");
}

void windowToBytes(const float* hu, std::size_t count, const WindowLevel& w, std::uint8_t* out) {
    for (std::size_t i = 0; i < count; ++i) out[i] = w.toByte(hu[i]);
}

}  // namespace ctsw
