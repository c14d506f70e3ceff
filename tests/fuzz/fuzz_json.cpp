// JSON text as the product reads model configs, documents, manifests, batch plans and states: parse,
// then write and parse again (the round trip must give the same value).
#include <string_view>

#include "json/Json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const ctsw::Json value = ctsw::Json::parse(std::string_view(reinterpret_cast<const char*>(data), size));
        if (ctsw::Json::parse(value.dump()) != value) __builtin_trap();
        (void)value.dump(2);
    } catch (const ctsw::JsonError&) {
    }
    return 0;
}
