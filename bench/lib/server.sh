#!/usr/bin/env bash
# What the server benchmarks share (bench/http.sh, bench/api.sh, bench/downloads.sh): a work
# directory, `tenure demo` and `tenure serve` on SQLite there with the access log off, and a
# trap that stops the server (SIGTERM, then SIGKILL after 10 s) and removes the directory
# however the script ends. Sourced after the script sets repo, binary and demo_password (and
# optionally http_threads, allocator); sets work, url, server_pid and sources wrk.sh and
# sign_in.sh.
#
#   start_server [demo args...]   runs `tenure demo ARGS` then `tenure serve`, waits for it
#   sign_in_browser EMAIL         (sign_in.sh) signs in as a browser does; echoes the Cookie header

bench_name="${0##*/}"

# The server rejects unknown TENURE_* variables (TENURE_BINARY included): start it with only
# the ones set below.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^TENURE_' || true)

for tool in curl wrk; do
  command -v "$tool" >/dev/null || { echo "$bench_name: $tool is not installed" >&2; exit 2; }
done
[[ -x "$binary" ]] || { echo "$bench_name: no server binary at $binary (build: ninja -C build tenure)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench.XXXXXX")"
server_pid=""

cleanup() {
  local status=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "$bench_name: server ignored SIGTERM for 10 s; killing it" >&2
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
source "$repo/bench/lib/sign_in.sh"

port="$(free_port)"
url="http://127.0.0.1:$port"
export TENURE_DATABASE="sqlite://$work/tenure.db"
export TENURE_LISTEN="127.0.0.1:$port"
export TENURE_PUBLIC_URL="$url"
export TENURE_ACCESS_LOG=off
export TENURE_RELEASES_DIR="$work/releases"
# wrk is one client address holding every connection and repeating writes on purpose: the
# per-address limits (issue 13) would measure themselves, not the server.
export TENURE_HTTP_MAX_CONNECTIONS_PER_ADDRESS=100000
export TENURE_RATE_LIMIT_WRITES_PER_ACCOUNT=1000000
export TENURE_RATE_LIMIT_WRITES_PER_ADDRESS=1000000
[[ -n "${http_threads:-}" ]] && export TENURE_HTTP_THREADS="$http_threads"

start_server() {
  TENURE_DEMO_PASSWORD="$demo_password" "$binary" demo "$@" >"$work/demo.log" 2>&1 \
    || { cat "$work/demo.log" >&2; echo "$bench_name: tenure demo failed" >&2; exit 1; }
  LD_PRELOAD="${allocator:-}" "$binary" serve >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do
    grep -q 'tenure: listening on ' "$work/server.log" && break
    kill -0 "$server_pid" 2>/dev/null || { echo "$bench_name: server exited during start-up" >&2; exit 1; }
    sleep 0.1
  done
  grep -q 'tenure: listening on ' "$work/server.log" \
    || { echo "$bench_name: server did not start listening within 15 s" >&2; exit 1; }
}
