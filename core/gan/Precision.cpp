#include "gan/Precision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace ctsw::gan {

namespace {
// LibTorch 2.4 replaced the per-device functions (set_cpu_enabled, ...) by ones taking the device
// type; the old ones are deprecated there. Debian's 1.13 has only the old ones.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool cpuAutocastEnabled() { return at::autocast::is_autocast_enabled(at::kCPU); }
void setCpuAutocast(bool on) { at::autocast::set_autocast_enabled(at::kCPU, on); }
at::ScalarType cpuAutocastType() { return at::autocast::get_autocast_dtype(at::kCPU); }
void setCpuAutocastType(at::ScalarType type) { at::autocast::set_autocast_dtype(at::kCPU, type); }
#else
bool cpuAutocastEnabled() { return at::autocast::is_cpu_enabled(); }
void setCpuAutocast(bool on) { at::autocast::set_cpu_enabled(on); }
at::ScalarType cpuAutocastType() { return at::autocast::get_autocast_cpu_dtype(); }
void setCpuAutocastType(at::ScalarType type) { at::autocast::set_autocast_cpu_dtype(type); }
#endif
}  // namespace

CpuBf16Autocast::CpuBf16Autocast(bool on) : on_(on) {
    if (!on_) return;
    wasEnabled_ = cpuAutocastEnabled();
    previousType_ = cpuAutocastType();
    setCpuAutocast(true);
    setCpuAutocastType(at::kBFloat16);
    at::autocast::increment_nesting();
}

CpuBf16Autocast::~CpuBf16Autocast() {
    if (!on_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    setCpuAutocast(wasEnabled_);
    setCpuAutocastType(previousType_);
}

}  // namespace ctsw::gan
