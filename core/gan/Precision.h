#pragma once
// Mixed precision on the CPU: LibTorch's C++ form of Python's torch.autocast("cpu", torch.bfloat16).
// LibTorch header: for engine and evaluation code only, never for headers that Qt code includes.
#include <ATen/ATen.h>

namespace ctsw::gan {

// CoSinGAN trains its scales from this size in bf16 when the precision asks for it: below it bf16 is no
// faster at fast's widths on AMX (bench_gan's plain G+D columns).
inline constexpr int kBf16MinSize = 128;

// For the lifetime of the object (when `on`), convolutions and matrix products on CPU tensors run in
// bf16 (oneDNN's AMX kernels where the CPU has them) and precision-sensitive operators stay fp32;
// the weights stay fp32, and gradients flow back through the casts. Nested guards restore the state
// they found; the outermost drops the cast copies of the weights, which an optimizer step makes stale.
class CpuBf16Autocast {
public:
    explicit CpuBf16Autocast(bool on);
    ~CpuBf16Autocast();
    CpuBf16Autocast(const CpuBf16Autocast&) = delete;
    CpuBf16Autocast& operator=(const CpuBf16Autocast&) = delete;

private:
    bool on_ = false;
    bool wasEnabled_ = false;
    at::ScalarType previousType_ = at::kBFloat16;
};

}  // namespace ctsw::gan
