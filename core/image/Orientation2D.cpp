#include "image/Orientation2D.h"

#include <stdexcept>

namespace ctsw {

std::vector<std::string> orientationNames() { return {"none", "flip-x", "flip-y", "rot90", "rot180", "rot270"}; }

Orientation2D orientationByName(const std::string& name) {
    const auto names = orientationNames();
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return static_cast<Orientation2D>(i);
    throw std::invalid_argument("unknown orientation \"" + name + "\": use none, flip-x, flip-y, rot90, rot180 or rot270 (clockwise)");
}

}  // namespace ctsw
