#!/usr/bin/env bash
# Installs, with apt, exactly the Debian 12 packages the workbench needs that are not yet installed.
# Idempotent: a second run installs nothing. Used by both README commands and by .ci/run.
set -euo pipefail

PACKAGES=(
  # toolchain
  cmake ninja-build g++ ccache pkg-config libgtest-dev
  # Qt6 widgets, OpenGL widgets, translations
  qt6-base-dev libqt6opengl6-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  # LibTorch (CPU) and the OpenMP OpenBLAS it needs to be fast (5-8x slower without)
  libtorch-dev libopenblas0-openmp
  # rendering, medical formats, plotting
  libvtk9-dev libdcmtk-dev libinsighttoolkit5-dev libgdcm-tools
  # PNG and JPEG read and written directly (core/io/RasterCodecs.cpp)
  libpng-dev libjpeg62-turbo-dev zlib1g-dev
  libqcustomplot-dev libqcustomplot2.1-qt6
  # the fuzzing build of the readers (clang with libFuzzer and the sanitizers)
  clang libclang-rt-14-dev
  # GUI tests and screenshots; an independent NIfTI reader for tests
  xvfb xauth imagemagick python3-nibabel python3-numpy
  # Python PyTorch: the benchmark's C++/Python comparison, and the test that reads a TorchScript
  # VGG19 file as users make them
  python3-torch
  # a font with Chinese glyphs for the Simplified Chinese interface
  fonts-wqy-microhei
  # the Debian package (cpack) and its test: shlibdeps, man pages from --help, desktop entry and
  # AppStream checks, the package's Recommends (so that installing it needs no download)
  dpkg-dev file help2man man-db desktop-file-utils appstream qt6-translations-l10n
  # `cosingan batch` tested on a single-node SLURM that tests/slurm starts
  slurm-wlm munge
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# No daemon starts from a package's install script here (slurmctld, munged): the tests start their own.
$SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
