#!/usr/bin/env bash
# Installs what is missing, then configures and builds everything in ./build (incremental, ccache).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/packaging/install-deps.sh"
BUILD="${CTSW_BUILD_DIR:-$ROOT/build}"
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
# Compiling LibTorch and ITK sources takes ~1.2 GB per job: one job per core is the safe maximum.
cmake --build "$BUILD" -j "$(nproc)"
