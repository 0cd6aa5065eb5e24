#!/usr/bin/env bash
# HTTP throughput of `tenure serve` on SQLite with demo data: wrk against /healthz (no
# session, one database ping) and /home (signed in as demo@example.com: session lookup,
# license overview, template render). Loopback only; the server runs in a temp dir and is
# stopped (SIGTERM) however this script ends.
#
# Usage: bench/http.sh            (env: TENURE_BINARY, BENCH_DURATION=10s, BENCH_CONNECTIONS=64,
#                                  BENCH_THREADS=1, BENCH_HTTP_THREADS=<server default>,
#                                  BENCH_ALLOCATOR=<a malloc .so preloaded into the server only,
#                                  e.g. /usr/lib/x86_64-linux-gnu/libjemalloc.so.2>)
# Results are recorded in BENCHMARKS.md ("HTTP (issue 2)").
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${TENURE_BINARY:-$repo/build/tenure}"
duration="${BENCH_DURATION:-10s}"
connections="${BENCH_CONNECTIONS:-64}"
threads="${BENCH_THREADS:-1}"
http_threads="${BENCH_HTTP_THREADS:-}"
allocator="${BENCH_ALLOCATOR:-}"
[[ -z "$allocator" || -f "$allocator" ]] || { echo "bench/http.sh: no allocator at $allocator" >&2; exit 2; }
demo_password='bench-demo-password'

source "$repo/bench/lib/server.sh"
start_server
cookie="$(sign_in_browser demo@example.com)"

# What one /home answer looks like, to check below that wrk measured that page (wrk counts a
# 3xx redirect to /sign-in as a success).
home_status="$(curl -sS -H "$cookie" -o "$work/home.html" -w '%{http_code}' "$url/home")"
[[ "$home_status" == 200 ]] && grep -q '<h1>Home</h1>' "$work/home.html" \
  || { echo "bench/http.sh: GET /home with the session answered $home_status, not the Home page" >&2; exit 1; }
home_bytes="$(curl -sS -H "$cookie" -D - -o /dev/null "$url/home" | wc -c)"
home_bytes=$((home_bytes + $(wc -c <"$work/home.html")))


echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -h | awk '/^Mem:/ { print $2 }') RAM"
echo "server:  $binary (SQLite, demo data, access log off${http_threads:+, $http_threads HTTP threads}${allocator:+, allocator $allocator}); wrk and the server share the machine's cores"
echo

run_wrk healthz /healthz
run_wrk home /home -H "$cookie"

# wrk's bytes per request must match the Home page, not a short redirect to /sign-in.
if (( bytes_per_req[home] < home_bytes * 9 / 10 )); then
  echo "bench/http.sh: /home averaged ${bytes_per_req[home]} bytes per answer, the page is $home_bytes: the session did not hold" >&2
  exit 1
fi
after_status="$(curl -sS -H "$cookie" -o /dev/null -w '%{http_code}' "$url/home")"
[[ "$after_status" == 200 ]] || { echo "bench/http.sh: the session ended during the run ($after_status)" >&2; exit 1; }

ratio="$(awk -v h="${rps[home]}" -v z="${rps[healthz]}" 'BEGIN { printf "%.2f", h / z }')"
echo "| path | req/s | p50 (ms) | p99 (ms) | bytes/answer | server CPU (cores) | wrk CPU | other CPU |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for name in healthz home; do
  echo "| /$name | ${rps[$name]} | ${p50[$name]} | ${p99[$name]} | ${bytes_per_req[$name]} | ${cpu_server[$name]} | ${cpu_wrk[$name]} | ${cpu_other[$name]} |"
done
echo
echo "home/healthz throughput ratio: $ratio"
