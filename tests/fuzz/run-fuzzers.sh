#!/usr/bin/env bash
# Builds the fuzzing build (clang, libFuzzer, ASan, UBSan) in build-fuzz and fuzzes every reader of
# user files. Usage: tests/fuzz/run-fuzzers.sh [SECONDS_PER_TARGET] [TARGET...]
#   SECONDS_PER_TARGET defaults to 60; targets default to all; FUZZ_JOBS (default: the core count)
#   targets run at once. The growing corpus is kept in build-fuzz/corpus/TARGET (seeded from
#   tests/fuzz/seeds); a crash leaves its input in build-fuzz/crashes/TARGET and makes the script exit 1.
#   FUZZ_SEED fixes libFuzzer's random seed and FUZZ_FRESH_CORPUS=1 starts every target from the seeds
#   alone: the test command's run (fuzz.readers) uses both, so that a failure on one machine is the same
#   sequence of inputs on another (run longer with the same seed to get past where it failed). Without
#   them every run explores anew and the corpus grows.
# A crash found here becomes a regression input in tests/fuzz/regressions/TARGET/ (small files), which
# the ordinary test build replays through the same readers (tests/core: FuzzRegressions).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${CTSW_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_PER_TARGET="${1:-60}"
shift || true
ALL=(fuzz_png fuzz_jpeg fuzz_mask_png fuzz_npy fuzz_nifti fuzz_dicom fuzz_json fuzz_jsonlines)
TARGETS=("${@:-${ALL[@]}}")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
JOBS="${FUZZ_JOBS:-$(nproc)}"

for tool in clang clang++; do
  command -v "$tool" >/dev/null || { echo "run-fuzzers: $tool is missing (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
done
if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCTSW_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD" -j "$(nproc)" >/dev/null

seed_folder() {  # fuzz_mask_png -> mask_png
  echo "$ROOT/tests/fuzz/seeds/${1#fuzz_}"
}
max_len() {
  case "$1" in
    fuzz_json|fuzz_jsonlines) echo 16384 ;;
    fuzz_nifti|fuzz_npy) echo 32768 ;;
    *) echo 65536 ;;
  esac
}

SEED_OPTION=()
[ -n "${FUZZ_SEED:-}" ] && SEED_OPTION=(-seed="$FUZZ_SEED")

run_one() {
  local target="$1" corpus="$BUILD/corpus/$1" crashes="$BUILD/crashes/$1" log="$BUILD/logs/$1.log"
  [ "${FUZZ_FRESH_CORPUS:-0}" = 1 ] && corpus="$BUILD/corpus-fresh/$1" && rm -rf "$corpus"
  mkdir -p "$corpus" "$crashes" "$BUILD/logs"
  local seeds rc
  seeds="$(seed_folder "$target")"
  # -rss_limit_mb: a reader that allocates what a forged header asks for is a defect, caught here.
  "$BUILD/tests/fuzz/$target" "$corpus" "$seeds" "${SEED_OPTION[@]}" -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$target")" \
    -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=1536 -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1 \
    && rc=0 || rc=$?  # not under set -e: a failing target must still print its line
  local runs cov
  runs="$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo '?')"
  cov="$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+' || echo '?')"
  printf '%-16s %6ss  executions %10s  coverage %6s  corpus %5s  exit %s\n' "$target" "$SECONDS_PER_TARGET" "$runs" "$cov" \
    "$(find "$corpus" -type f | wc -l)" "$rc"
  if [ "$rc" -ne 0 ]; then
    # The reason (the sanitizer's or libFuzzer's report) belongs in the test's own output: a CI log
    # is often all there is of a failing run.
    grep -E -m1 -A30 '==ERROR|SUMMARY|deadly signal|timeout after|out-of-memory|leak' "$log" | head -60 >&2 || true
    local input
    for input in "$crashes"/*; do  # small inputs travel in the log itself, to be replayed anywhere
      [ -f "$input" ] || continue
      echo "input $(basename "$input") ($(stat -c %s "$input") bytes)" >&2
      [ "$(stat -c %s "$input")" -le 4096 ] && base64 -w 0 "$input" >&2 && echo >&2
    done
  fi
  return $rc
}

status=0
pids=()
for target in "${TARGETS[@]}"; do
  run_one "$target" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$JOBS" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
if [ $status -ne 0 ]; then
  echo "run-fuzzers: a target failed; inputs in $BUILD/crashes, logs in $BUILD/logs" >&2
fi
exit $status
