#!/usr/bin/env bash
# On a GPU server: build the engine-only target against a CUDA LibTorch (Torch_DIR, or the one inside
# Python's PyTorch), run the engine's tests (the CUDA case included), print the device, time the engine
# per iteration on CUDA (bench_gan), and time a whole `fast` training of a real slice.
#   bench/cuda-check.sh DATA_DIR [BUILD_DIR]
# DATA_DIR holds covid19-ct-seg-slices/ as in shared/data. Prints tables and timings; not a CI step.
set -euo pipefail
DATA="$(cd "${1:?usage: cuda-check.sh DATA_DIR [BUILD_DIR]}" && pwd)"
BUILD="${2:-/tmp/ctsw-cuda}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TORCH_DIR="${Torch_DIR:-$(python3 -c 'import torch, os; print(os.path.join(torch.utils.cmake_prefix_path, "Torch"))')}"
configure() {
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCTSW_ENGINE_ONLY=ON -DTorch_DIR="$TORCH_DIR" \
        -DCTSW_DATA_DIR="$DATA" "$@" >"$BUILD.configure.log" 2>&1
}
t0=$(date +%s)
configure || { echo "configure failed with C++17; trying C++20"; rm -rf "$BUILD"; configure -DCMAKE_CXX_STANDARD=20 || { tail -40 "$BUILD.configure.log"; exit 1; }; }
cmake --build "$BUILD" -j "$(nproc)" >"$BUILD.build.log" 2>&1 || { grep -E "error" -A6 "$BUILD.build.log" | head -120; exit 1; }
echo "build: $(( $(date +%s) - t0 )) s"
"$BUILD/app/cli/cosingan" device
ctest --test-dir "$BUILD" --output-on-failure -j 4 2>&1 | tail -25
"$BUILD/tests/gan/test_gan" CudaTrainedModelSynthesizesOnCudaAndOnCpu
"$BUILD/bench/bench_gan" --device cuda --preset both --iterations 10
S="$DATA/covid19-ct-seg-slices"
t1=$(date +%s)
timeout "${CTSW_TRAIN_LIMIT:-240}" "$BUILD/app/cli/cosingan" train --image "$S/coronacases_001_image_slice_110.npy" \
    --mask "$S/coronacases_001_masks_slice_110.npy" --mapping lung-left-right --orient flip-y --preset fast --device cuda \
    --out "$BUILD/fast-model" 2>&1 | awk 'NR % 20 == 1 || /finished|failed|error/' || echo "training stopped at the time limit"
echo "fast training on CUDA: $(( $(date +%s) - t1 )) s"
if [ -f "$BUILD/fast-model/config.json" ]; then
  time "$BUILD/app/cli/cosingan" synthesize --model "$BUILD/fast-model" --mask "$S/coronacases_001_masks_slice_110.npy" --mapping lung-left-right \
      --orient flip-y --count 64 --device cuda --out "$BUILD/samples" 2>&1 | tail -2
fi
