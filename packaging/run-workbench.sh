#!/usr/bin/env bash
# README command one: set up, build, and open the workbench on the bundled real chest CT sample.
# Extra arguments go to the workbench (for example a DICOM folder or a NIfTI file to open instead).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/packaging/build.sh"
exec "${CTSW_BUILD_DIR:-$ROOT/build}/app/workbench/ct-synthesis-workbench" "$@"
