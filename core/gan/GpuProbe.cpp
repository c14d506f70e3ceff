#include "gan/GpuProbe.h"

#include <dlfcn.h>

namespace ctsw::gan {

namespace {

// The few NVML entry points used, with the ABI of nvml.h (stable since NVML 2).
struct NvmlMemory {
    unsigned long long total, free, used;
};
using NvmlDevice = void*;
using InitFn = int (*)();
using ShutdownFn = int (*)();
using CountFn = int (*)(unsigned int*);
using HandleFn = int (*)(unsigned int, NvmlDevice*);
using NameFn = int (*)(NvmlDevice, char*, unsigned int);
using MemoryFn = int (*)(NvmlDevice, NvmlMemory*);
using DriverFn = int (*)(char*, unsigned int);

template <typename F>
F symbol(void* lib, const char* name) {
    return reinterpret_cast<F>(dlsym(lib, name));
}

}  // namespace

GpuProbe probeGpus() {
    GpuProbe probe;
    void* lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        probe.problem = "no NVIDIA driver found (libnvidia-ml.so.1 is not installed)";
        return probe;
    }
    auto init = symbol<InitFn>(lib, "nvmlInit_v2");
    auto shutdown = symbol<ShutdownFn>(lib, "nvmlShutdown");
    auto count = symbol<CountFn>(lib, "nvmlDeviceGetCount_v2");
    auto handle = symbol<HandleFn>(lib, "nvmlDeviceGetHandleByIndex_v2");
    auto name = symbol<NameFn>(lib, "nvmlDeviceGetName");
    auto memory = symbol<MemoryFn>(lib, "nvmlDeviceGetMemoryInfo");
    auto driver = symbol<DriverFn>(lib, "nvmlSystemGetDriverVersion");
    if (!init || !shutdown || !count || !handle || !name || !memory) {
        probe.problem = "the NVIDIA management library is too old (missing entry points)";
        dlclose(lib);
        return probe;
    }
    if (init() != 0) {
        probe.problem = "the NVIDIA driver did not answer (nvmlInit failed)";
        dlclose(lib);
        return probe;
    }
    char text[96] = {0};
    if (driver && driver(text, sizeof text) == 0) probe.driverVersion = text;
    unsigned int n = 0;
    if (count(&n) == 0) {
        for (unsigned int i = 0; i < n; ++i) {
            NvmlDevice d = nullptr;
            if (handle(i, &d) != 0) continue;
            GpuInfo g;
            g.index = static_cast<int>(i);
            char nameText[96] = {0};
            if (name(d, nameText, sizeof nameText) == 0) g.name = nameText;
            NvmlMemory m{};
            if (memory(d, &m) == 0) {
                g.totalMiB = static_cast<double>(m.total) / (1024.0 * 1024.0);
                g.freeMiB = static_cast<double>(m.free) / (1024.0 * 1024.0);
            }
            probe.gpus.push_back(g);
        }
    }
    shutdown();
    dlclose(lib);
    return probe;
}

}  // namespace ctsw::gan
