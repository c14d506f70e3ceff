// The trainer's event stream as the workbench reads it from the child process: bytes arrive in
// arbitrary chunks; malformed lines become errors, never a crash.
#include <string_view>

#include "jobs/JsonLines.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ctsw::JsonLineStream stream;
    const std::string_view all(reinterpret_cast<const char*>(data), size);
    // The first byte chooses the chunk length, so that lines are split at every kind of place.
    const std::size_t chunk = size > 0 ? 1 + data[0] % 64 : 1;
    for (std::size_t at = 0; at < all.size(); at += chunk) stream.feed(all.substr(at, chunk));
    stream.takeErrors();
    return 0;
}
