#pragma once
// CT display windows. Presets follow OHIF's lung window (W1500/L-600); Slicer and MITK disagree on
// lung, so users may also type their own.
#include <cstdint>
#include <string>
#include <vector>

namespace ctsw {

struct WindowLevel {
    double width = 1500.0;
    double level = -600.0;

    double lower() const { return level - width / 2.0; }
    double upper() const { return level + width / 2.0; }
    std::uint8_t toByte(float hu) const {
        double t = (static_cast<double>(hu) - lower()) / width * 255.0;
        if (!(t > 0.0)) return 0;  // also maps NaN to black
        if (t >= 255.0) return 255;
        return static_cast<std::uint8_t>(t + 0.5);
    }
};

struct WindowPreset {
    std::string name;  // stable identifier: "lung", "mediastinum", "bone"
    WindowLevel window;
};

const std::vector<WindowPreset>& windowPresets();
// Throws std::invalid_argument for an unknown name; also accepts "W/L" numbers such as "400/40".
WindowLevel windowByName(const std::string& nameOrNumbers);

void windowToBytes(const float* hu, std::size_t count, const WindowLevel& w, std::uint8_t* out);

}  // namespace ctsw
