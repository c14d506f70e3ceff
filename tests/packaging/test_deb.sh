#!/usr/bin/env bash
# The Debian package, end to end: build it with cpack from the build tree, check its control fields,
# install it with apt-get, run the installed programs, validate the desktop entry, AppStream file and
# man pages, purge it, and check that none of its files is left.
#
#   test_deb.sh BUILD_DIR DATA_DIR
#
# Exit 77 (ctest SKIP_RETURN_CODE) when it cannot run here: not root, no apt-get/dpkg, or the package
# is already installed (the test never replaces or removes an installation it did not make).
set -uo pipefail
BUILD="$1"
DATA="$2"
PKG=ct-synthesis-workbench
APP_ID=org.ctsynthesis.workbench
SKIP=77

skip() { echo "SKIP: $*"; exit $SKIP; }
fail() { echo "FAIL: $*"; exit 1; }
step_start() { STEP_T0=$(date +%s%N); echo "== $*"; }
step_end() { local ms=$((($(date +%s%N) - STEP_T0) / 1000000)); printf '   %s: %d.%d s\n' "$1" $((ms / 1000)) $((ms % 1000 / 100)); }

[ "$(id -u)" -eq 0 ] || skip "installing a package needs root (run ctest as root, as CI does)"
command -v apt-get >/dev/null && command -v dpkg >/dev/null || skip "apt-get/dpkg not found: not a Debian system"
command -v cpack >/dev/null || fail "cpack not found"
for tool in desktop-file-validate appstreamcli lexgrog man dpkg-shlibdeps file python3; do
  command -v "$tool" >/dev/null || fail "$tool not found: run packaging/install-deps.sh"
done
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "ok installed"; then
  skip "$PKG is already installed on this machine; remove it (apt-get remove --purge $PKG) to run this test"
fi
[ -d "$DATA/dicom/chest-ct-A0002" ] || fail "real data not found: $DATA/dicom/chest-ct-A0002"

WORK=$(mktemp -d /tmp/ctsw-deb.XXXXXX)
chmod 755 "$WORK"  # apt's unprivileged downloader reads the .deb
INSTALLED=0
cleanup() {
  if [ "$INSTALLED" -eq 1 ]; then
    echo "cleanup: purging $PKG"
    apt-get remove --purge -y -qq -o DPkg::Lock::Timeout=600 "$PKG" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- build
step_start "cpack from $BUILD"
(cd "$WORK" && cpack --config "$BUILD/CPackConfig.cmake" -B "$WORK/out" >"$WORK/cpack.log" 2>&1) || { cat "$WORK/cpack.log"; fail "cpack failed"; }
step_end "package build"
DEB=$(ls "$WORK"/out/${PKG}_*_*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || { cat "$WORK/cpack.log"; fail "cpack made no $PKG .deb"; }
echo "   $(basename "$DEB"): $(du -h "$DEB" | cut -f1)"

# --- control fields: runtime library packages (never -dev), the BLAS, the Chinese font
dpkg-deb -I "$DEB" >"$WORK/info.txt" || fail "dpkg-deb -I failed"
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
RECOMMENDS=$(dpkg-deb -f "$DEB" Recommends)
echo "   Depends: $DEPENDS"
echo "   Recommends: $RECOMMENDS"
for dep in libopenblas0-openmp libqt6widgets6 libqt6core6 libtorch libvtk9 libdcmtk libinsighttoolkit5 libqcustomplot; do
  echo "$DEPENDS" | grep -q "$dep" || fail "Depends lacks $dep"
done
echo "$DEPENDS" | tr ',' '\n' | grep -- '-dev\b' && fail "Depends names -dev packages"
echo "$RECOMMENDS" | grep -q fonts-wqy-microhei || fail "Recommends lacks fonts-wqy-microhei"
[ "$(dpkg-deb -f "$DEB" Package)" = "$PKG" ] || fail "wrong package name"
dpkg-deb -c "$DEB" >"$WORK/contents.txt" || fail "dpkg-deb -c failed"
grep -q ' ./usr/bin/cosingan$' "$WORK/contents.txt" || fail "the package lacks /usr/bin/cosingan"

# --- install
step_start "apt-get install $(basename "$DEB")"
INSTALLED=1
apt-get install -y -qq -o DPkg::Lock::Timeout=600 "$DEB" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "apt-get install failed"; }
step_end "install"
dpkg-query -W -f='${Status}' "$PKG" | grep -q "ok installed" || fail "dpkg does not list $PKG as installed"
dpkg -L "$PKG" >"$WORK/files.txt"
echo "   $(wc -l <"$WORK/files.txt") paths installed"

# --- the installed programs
for exe in /usr/bin/cosingan /usr/bin/ct-synthesis-workbench; do
  [ -x "$exe" ] || fail "$exe is not installed"
  ldd "$exe" >"$WORK/ldd.txt" 2>&1 || fail "ldd $exe"
  grep "not found" "$WORK/ldd.txt" && fail "$exe has unresolved libraries"
done
HELP=$(/usr/bin/cosingan --help) || fail "cosingan --help exited with $?"
echo "$HELP" | grep -q "cosingan train --image IMG" || fail "cosingan --help does not describe train"
echo "$HELP" | grep -q "cosingan batch submit PLAN" || fail "cosingan --help does not describe batch"
[ "$(/usr/bin/cosingan --version)" = "cosingan $(dpkg-deb -f "$DEB" Version)" ] || fail "cosingan --version disagrees with the package version"

# info --json on the real DICOM series and on the installed sample (the one the workbench opens)
for folder in "$DATA/dicom/chest-ct-A0002" /usr/share/$PKG/sample/chest-ct-A0002; do
  /usr/bin/cosingan info --json "$folder" >"$WORK/info.json" || fail "cosingan info --json $folder exited with $?"
  python3 - "$WORK/info.json" "$folder" <<'EOF' || fail "cosingan info --json gave the wrong answer for $folder"
import json, sys
info = json.load(open(sys.argv[1]))
s = info["series"]
assert len(s) == 1, s
assert s[0]["slices"] == 30 and s[0]["rows"] == 512 and s[0]["columns"] == 512, s[0]
assert abs(s[0]["spacing"][2] - 8.0) < 1e-6, s[0]["spacing"]
assert s[0]["values_are_hu"] and s[0]["loadable"], s[0]
print("   info --json %s: 30 slices 512x512, 8 mm" % sys.argv[2])
EOF
done

# The workbench: its Chinese --help proves that the installed translations are found (they are not
# embedded), and a start on the installed sample must neither fail nor crash within 8 s.
ZH=$(QT_QPA_PLATFORM=offscreen /usr/bin/ct-synthesis-workbench --lang zh_CN --help 2>&1) || fail "workbench --help exited with $?"
echo "$ZH" | grep -q "从一张已标注的胸部 CT 层面学习 CoSinGAN" || { echo "$ZH"; fail "the installed workbench did not load its Chinese translation"; }
[ -f /usr/share/$PKG/translations/ct-synthesis-workbench_zh_CN.qm ] || fail "translations not installed"
(cd "$WORK" && HOME="$WORK" QT_QPA_PLATFORM=offscreen timeout 8 /usr/bin/ct-synthesis-workbench >"$WORK/gui.log" 2>&1)
rc=$?
[ $rc -eq 124 ] || { cat "$WORK/gui.log"; fail "the installed workbench exited with $rc before 8 s (expected to keep running)"; }
grep -qi "no such file\|not found\|cannot open" "$WORK/gui.log" && { cat "$WORK/gui.log"; fail "the installed workbench reported a missing file"; }

# --- desktop entry, AppStream, icons, man pages, copyright
desktop-file-validate /usr/share/applications/$APP_ID.desktop || fail "desktop-file-validate"
grep -q '^Exec=ct-synthesis-workbench' /usr/share/applications/$APP_ID.desktop || fail "desktop entry runs something else"
appstreamcli validate --no-net /usr/share/metainfo/$APP_ID.metainfo.xml || fail "appstreamcli validate"
for size in 16 32 48 64 128 256; do
  f=/usr/share/icons/hicolor/${size}x${size}/apps/ct-synthesis-workbench.png
  file "$f" | grep -q "PNG image data, $size x $size" || fail "icon $f is not a ${size}x${size} PNG"
done
[ -f /usr/share/icons/hicolor/scalable/apps/ct-synthesis-workbench.svg ] || fail "no scalable icon"
for page in cosingan ct-synthesis-workbench; do
  f=/usr/share/man/man1/$page.1.gz
  lexgrog "$f" >"$WORK/lexgrog.txt" || fail "lexgrog $f"
  grep -q "\"$page - " "$WORK/lexgrog.txt" || fail "lexgrog finds no NAME section in $f"
done
MANWIDTH=100 MANPAGER=cat man -l /usr/share/man/man1/cosingan.1.gz >"$WORK/man.txt" 2>/dev/null || fail "man -l cosingan.1.gz"
tr -s ' \n' '  ' <"$WORK/man.txt" | grep -q "cosingan batch submit PLAN --out RUN_DIR" || fail "man cosingan lacks the batch commands"
COPYRIGHT=/usr/share/doc/$PKG/copyright
head -1 "$COPYRIGHT" | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' || fail "copyright is not machine-readable"
for needle in "License: Expat" "License: CC-BY-4.0" "Files: resources/sample/*" "Lung-PET-CT-Dx" "doi.org/10.7937/TCIA.2020.NNC20461" "Permission is hereby granted"; do
  grep -qF "$needle" "$COPYRIGHT" || fail "copyright lacks: $needle"
done

# --- remove, and nothing of it may be left
step_start "apt-get remove --purge $PKG"
apt-get remove --purge -y -qq -o DPkg::Lock::Timeout=600 "$PKG" >"$WORK/remove.log" 2>&1 || { cat "$WORK/remove.log"; fail "apt-get remove failed"; }
INSTALLED=0
step_end "remove"
dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "ok installed" && fail "$PKG is still installed"
left=0
while IFS= read -r path; do
  [ "$path" = "/." ] && continue
  if [ -e "$path" ] || [ -L "$path" ]; then
    # A folder may stay when another package owns it too (/usr/share/man/man1, /usr/bin, ...).
    if [ -d "$path" ] && [ ! -L "$path" ] && dpkg -S "$path" >/dev/null 2>&1; then continue; fi
    echo "left behind: $path"
    left=$((left + 1))
  fi
done <"$WORK/files.txt"
[ $left -eq 0 ] || fail "$left installed paths are still there after the purge"
[ ! -e /usr/share/$PKG ] && [ ! -e /usr/share/doc/$PKG ] || fail "package folders are left"
echo "PASS: $(wc -l <"$WORK/files.txt") installed paths, all gone after the purge"
