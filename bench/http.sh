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

# The server rejects unknown TENURE_* variables (TENURE_BINARY included): start it with only
# the ones set below.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^TENURE_' || true)

for tool in curl wrk; do
  command -v "$tool" >/dev/null || { echo "bench/http.sh: $tool is not installed" >&2; exit 2; }
done
[[ -x "$binary" ]] || { echo "bench/http.sh: no server binary at $binary (build: ninja -C build tenure)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench.XXXXXX")"
server_pid=""

cleanup() {
  local status=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "bench/http.sh: server ignored SIGTERM for 10 s; killing it" >&2
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -s "$work/server.log" ]]; then
    echo "--- server output (last 40 lines) ---" >&2
    tail -n 40 "$work/server.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

source "$repo/bench/lib/wrk.sh"

port="$(free_port)"
url="http://127.0.0.1:$port"
export TENURE_DATABASE="sqlite://$work/tenure.db"
export TENURE_LISTEN="127.0.0.1:$port"
export TENURE_PUBLIC_URL="$url"
export TENURE_ACCESS_LOG=off
[[ -n "$http_threads" ]] && export TENURE_HTTP_THREADS="$http_threads"

TENURE_DEMO_PASSWORD="$demo_password" "$binary" demo >"$work/demo.log" 2>&1 \
  || { cat "$work/demo.log" >&2; echo "bench/http.sh: tenure demo failed" >&2; exit 1; }

LD_PRELOAD="$allocator" "$binary" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  grep -q 'tenure: listening on ' "$work/server.log" && break
  kill -0 "$server_pid" 2>/dev/null || { echo "bench/http.sh: server exited during start-up" >&2; exit 1; }
  sleep 0.1
done
grep -q 'tenure: listening on ' "$work/server.log" \
  || { echo "bench/http.sh: server did not start listening within 15 s" >&2; exit 1; }

# Sign in as the demo customer like a browser does: the sign-in form sets the tenure_csrf
# cookie and carries the same token in a hidden field (double submit).
jar="$work/cookies.txt"
curl -sS --fail -c "$jar" -b "$jar" -o "$work/sign-in.html" "$url/sign-in"
csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$work/sign-in.html" | head -n1)"
[[ -n "$csrf" ]] || { echo "bench/http.sh: no csrf field on /sign-in" >&2; exit 1; }
sign_in_status="$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
  --data-urlencode "csrf=$csrf" --data-urlencode "email=demo@example.com" \
  --data-urlencode "password=$demo_password" --data-urlencode "next=/home" "$url/sign-in")"
case "$sign_in_status" in
  30[123]\ */home) ;;
  *) echo "bench/http.sh: sign-in failed: $sign_in_status" >&2; exit 1 ;;
esac
session="$(awk '$6 == "tenure_session" { print $7 }' "$jar" | tail -n1)"
[[ -n "$session" ]] || { echo "bench/http.sh: no tenure_session cookie after sign-in" >&2; exit 1; }
cookie="Cookie: tenure_session=$session"

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
