#pragma once
// What GPUs the NVIDIA driver sees: name and memory, read through NVML (libnvidia-ml, installed with
// the driver) loaded at run time. LibTorch's stable C++ API says how many CUDA devices there are but
// not their names or memory; NVML does, and needs no CUDA toolkit at build time. Without a driver the
// list is empty and `problem` says why.
#include <string>
#include <vector>

namespace ctsw::gan {

struct GpuInfo {
    int index = 0;
    std::string name;
    double totalMiB = 0, freeMiB = 0;
};

struct GpuProbe {
    std::vector<GpuInfo> gpus;
    std::string driverVersion;
    std::string problem;  // empty when NVML answered
};

GpuProbe probeGpus();

}  // namespace ctsw::gan
