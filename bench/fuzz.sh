#!/usr/bin/env bash
# Runs each libFuzzer target of fuzz/ (issue 13 item 8) for a set time on a copy of its
# corpus (fuzz/corpus/<target>/) and prints one line per target: executions, executions per
# second, corpus size at the end, coverage (libFuzzer's cov:, edges reached) and crashes.
# Every crash, leak, timeout or out-of-memory input is kept in build-fuzz/findings/<target>/
# and the script then exits 1. Builds build-fuzz/ first (clang; scripts/build TENURE_FUZZ=ON).
#
# Usage: bench/fuzz.sh [SECONDS_PER_TARGET=60] [TARGET...]      (default: every target)
#   FUZZ_PARALLEL=2  two targets at once (one process each; the machine has two cores)
#   FUZZ_BUILD=0     use build-fuzz/ as it is (another build is running)
#   FUZZ_REPLAY_ONLY="markdown ..."  these targets only replay their corpus, no new inputs
#   FUZZ_MERGE=1     afterwards, make fuzz/corpus/<target>/ its named seeds (hand-made inputs
#                    and past findings, kept as they are) plus the fewest inputs of the old
#                    corpus and this run that reach every edge (libFuzzer -set_cover_merge=1,
#                    -use_counters=0: edges, not hit counts), so the committed corpus stays small
# Results are recorded in BENCHMARKS.md ("Fuzzing (issue 13)").
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
seconds="${1:-60}"
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in fuzz/*_fuzz.cpp; do
    name="${source#fuzz/}"
    targets+=("${name%_fuzz.cpp}")
  done
fi
parallel="${FUZZ_PARALLEL:-1}"
replay_only=" ${FUZZ_REPLAY_ONLY:-} "
merge="${FUZZ_MERGE:-0}"

[ "${FUZZ_BUILD:-1}" = 0 ] || TENURE_FUZZ=ON scripts/build
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Stack traces with file and line; leaks are findings too.
symbolizer="$(command -v llvm-symbolizer || echo /usr/lib/llvm-14/bin/llvm-symbolizer)"
[ -x "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

fuzz_one() {
  local target="$1"
  local binary="build-fuzz/${target}_fuzz"
  local dir="$work/$target"
  local findings="build-fuzz/findings/$target"
  [ -x "$binary" ] || { echo "bench/fuzz.sh: no target $target" >&2; return 2; }
  mkdir -p "$dir/corpus" "$findings"
  cp fuzz/corpus/"$target"/* "$dir/corpus/" 2>/dev/null || true
  touch "$dir/started"
  local how=(-max_total_time="$seconds")
  [[ "$replay_only" == *" $target "* ]] && how=(-runs=0)
  # -timeout: an input that takes 10 s is a finding (a hang), not something to wait for.
  "$binary" "${how[@]}" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$findings/" "$dir/corpus" >"$dir/log" 2>&1 || true
  local execs rate cov files bytes crashes
  execs=$(grep -aoE '^stat::number_of_executed_units: +[0-9]+' "$dir/log" | grep -oE '[0-9]+$' ||
    grep -aoE '^#[0-9]+' "$dir/log" | tail -1 | tr -d '#')
  rate=$(grep -aoE '^stat::average_exec_per_sec: +[0-9]+' "$dir/log" | grep -oE '[0-9]+$' || echo "?")
  cov=$(grep -aoE 'cov: [0-9]+' "$dir/log" | tail -1 | grep -oE '[0-9]+$' || echo "?")
  files=$(find "$dir/corpus" -type f | wc -l)
  bytes=$(find "$dir/corpus" -type f -printf '%s\n' | awk '{ n += $1 } END { print n + 0 }')
  crashes=$(find "$findings" -type f -newer "$dir/started" | wc -l)
  printf '%-17s executions %10s  exec/s %7s  corpus %5s files %7s KiB  cov %5s  crashes %s\n' \
    "$target" "${execs:-0}" "$rate" "$files" "$((bytes / 1024))" "$cov" "$crashes" \
    >"$dir/result"
  if [ "$crashes" -gt 0 ]; then
    grep -aE 'ERROR: |property failed|SUMMARY: ' "$dir/log" | head -5 >>"$dir/result"
    find "$findings" -type f -newer "$dir/started" -printf '  kept: %p\n' >>"$dir/result"
  fi
  if [ "$merge" = 1 ] && [ "$crashes" -eq 0 ]; then
    mkdir -p "$dir/merged"
    if "$binary" -set_cover_merge=1 -use_counters=0 -rss_limit_mb=2048 -timeout=10 \
      "$dir/merged" "fuzz/corpus/$target" "$dir/corpus" >"$dir/merge.log" 2>&1; then
      # libFuzzer names what it picks by the SHA-1 of its bytes; the named seeds stay.
      find "fuzz/corpus/$target" -type f -regextype egrep -regex '.*/[0-9a-f]{40}' -delete
      local seed
      for seed in "fuzz/corpus/$target"/*; do
        rm -f "$dir/merged/$(sha1sum <"$seed" | cut -c1-40)"
      done
      cp "$dir/merged"/* "fuzz/corpus/$target/" 2>/dev/null || true
    else
      echo "  merge failed, fuzz/corpus/$target left as it was" >>"$dir/result"
    fi
  fi
}

echo "fuzz: ${#targets[@]} targets, ${seconds} s each, $parallel at a time ($(nproc) cores)"
running=0
for target in "${targets[@]}"; do
  if [ "$running" -ge "$parallel" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_one "$target" &
  running=$((running + 1))
done
wait

status=0
total_crashes=0
for target in "${targets[@]}"; do
  if [ -f "$work/$target/result" ]; then
    cat "$work/$target/result"
    crashes=$(head -1 "$work/$target/result" | grep -oE 'crashes [0-9]+' | grep -oE '[0-9]+')
    total_crashes=$((total_crashes + crashes))
  else
    echo "$target: did not run"
    status=1
  fi
done
[ "$total_crashes" -eq 0 ] || status=1
echo "fuzz: $total_crashes crashing inputs over ${#targets[@]} targets"
exit $status
