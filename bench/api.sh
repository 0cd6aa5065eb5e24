#!/usr/bin/env bash
# The program's API under load (issue 9): wrk on GET /api/v1/license and POST
# /api/v1/heartbeat with the bearer tokens of 1,000 signed-in machines (round robin), each
# reported as a ratio to /healthz in the same run, at 64 and 256 connections, p99 included.
# `tenure serve` on SQLite; 1,000 demo customers (`tenure demo --customers 1000`), each signed
# in once from its own machine through POST /api/v1/sessions (argon2id: about a minute).
#
# Usage: bench/api.sh   (env: TENURE_BINARY, BENCH_DURATION=10s, BENCH_MACHINES=1000,
#                        BENCH_THREADS=1, BENCH_CONNECTIONS="64 256", BENCH_ROUNDS=3)
# Results are recorded in BENCHMARKS.md ("The program's API (issue 9)").
# Heartbeats within 30 s of a machine's last write are not written again
# (ProgramPolicy::heartbeat_coalesce): at these rates each machine's row is written about once
# per 30 s, as a fleet beating every 150 s would need no more.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${TENURE_BINARY:-$repo/build/tenure}"
duration="${BENCH_DURATION:-10s}"
machines="${BENCH_MACHINES:-1000}"
threads="${BENCH_THREADS:-1}"
connection_counts="${BENCH_CONNECTIONS:-64 256}"
rounds="${BENCH_ROUNDS:-3}"
http_threads=""
allocator=""
demo_password='bench-demo-password'

source "$repo/bench/lib/server.sh"
start_server --customers "$machines"

# Every demo customer signs in from a machine of its own, as a program does; four at a time
# (the server hashes on its two hashing threads).
tokens="$work/tokens.txt"
sign_in() {
  local k="$1" answer
  answer="$(curl -sS --fail -H 'Content-Type: application/json' \
    -d "{\"email\":\"customer$k@example.com\",\"password\":\"$demo_password\",\"machine\":{\"fingerprint\":\"bench-$k\",\"name\":\"Bench $k\",\"os\":\"Linux\",\"app_version\":\"1.0.0\"}}" \
    "$url/api/v1/sessions")"
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$answer"  # the answer has no final newline
}
export -f sign_in
export url demo_password
seq 1 "$machines" | xargs -P 4 -I{} bash -c 'sign_in {}' >"$tokens" 2>"$work/sign-in.log" || { cat "$work/sign-in.log" >&2; exit 1; }
[[ "$(wc -l <"$tokens")" -eq "$machines" ]] \
  || { echo "bench/api.sh: only $(wc -l <"$tokens") of $machines machines signed in" >&2; exit 1; }
first="$(head -n1 "$tokens")"
license_status="$(curl -sS -o "$work/license.json" -w '%{http_code}' -H "Authorization: Bearer $first" "$url/api/v1/license")"
[[ "$license_status" == 200 ]] && grep -q '"lease"' "$work/license.json" \
  || { echo "bench/api.sh: GET /api/v1/license answered $license_status" >&2; exit 1; }


echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -h | awk '/^Mem:/ { print $2 }') RAM"
echo "server:  $binary (SQLite, $machines signed-in machines, access log off); wrk and the server share the machine's cores"
echo

# Rounds alternate the three paths, so that a slow minute of a shared machine skews one round
# rather than one path; the summary gives each path's median ratio over the rounds.
for c in $connection_counts; do
  connections="$c"
  for r in $(seq 1 "$rounds"); do
    run_wrk "healthz-$c-$r" /healthz
    BENCH_METHOD=GET run_wrk "license-$c-$r" /api/v1/license -s "$repo/bench/api_tokens.lua" -- "$tokens"
    BENCH_METHOD=POST run_wrk "heartbeat-$c-$r" /api/v1/heartbeat -s "$repo/bench/api_tokens.lua" -- "$tokens"
  done
done

# Every token still works: the runs measured answers, not refusals.
still="$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $(tail -n1 "$tokens")" "$url/api/v1/heartbeat")"
[[ "$still" == 200 ]] || { echo "bench/api.sh: a heartbeat after the runs answered $still" >&2; exit 1; }

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A ratio
echo "| connections | round | path | req/s | ratio to /healthz | p50 (ms) | p99 (ms) | server CPU (cores) | server CPU per request (µs) | wrk CPU | other CPU |"
echo "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for c in $connection_counts; do
  for r in $(seq 1 "$rounds"); do
    for name in healthz license heartbeat; do
      key="$name-$c-$r"
      ratio[$key]="$(awk -v a="${rps[$key]}" -v z="${rps[healthz-$c-$r]}" 'BEGIN { printf "%.2f", a / z }')"
      us="$(awk -v cores="${cpu_server[$key]}" -v n="${rps[$key]}" 'BEGIN { printf "%.0f", cores / n * 1e6 }')"
      echo "| $c | $r | $name | ${rps[$key]} | ${ratio[$key]} | ${p50[$key]} | ${p99[$key]} | ${cpu_server[$key]} | $us | ${cpu_wrk[$key]} | ${cpu_other[$key]} |"
    done
  done
done
echo
echo "Medians over $rounds round(s):"
echo
echo "| connections | path | median req/s | median ratio to /healthz | median p99 (ms) |"
echo "| ---: | --- | ---: | ---: | ---: |"
for c in $connection_counts; do
  for name in healthz license heartbeat; do
    rs="" ratios="" p99s=""
    for r in $(seq 1 "$rounds"); do
      key="$name-$c-$r"; rs+=" ${rps[$key]}"; ratios+=" ${ratio[$key]}"; p99s+=" ${p99[$key]}"
    done
    printf '| %s | %s | %.0f | %.2f | %.2f |\n' "$c" "$name" "$(median <<<"$rs")" "$(median <<<"$ratios")" "$(median <<<"$p99s")"
  done
done
