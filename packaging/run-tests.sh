#!/usr/bin/env bash
# README command two: set up, build, and run every test (unit, real data, CLI, GUI).
# GUI tests run offscreen; tests that show OpenGL views run under xvfb-run (set in tests/).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/packaging/build.sh"
BUILD="${CTSW_BUILD_DIR:-$ROOT/build}"
ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)" "$@"
