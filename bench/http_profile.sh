#!/usr/bin/env bash
# Instructions per request of `tenure serve` (SQLite, demo data) counted by callgrind: /healthz
# and signed-in /home, N requests each on one keep-alive connection (curl), after a warm-up.
# Unlike bench/http.sh's req/s, the counts hardly move when other work shares the machine, so
# they compare builds on a busy VM (issue 8). Costs under valgrind are about 50x slower: keep N
# small.
#
# Usage: bench/http_profile.sh [N]   (N = 2000; env: TENURE_BINARY, BENCH_KEEP=<dir> keeps the
#                                     callgrind files for callgrind_annotate)
# An allocator is compared with LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libmimalloc.so.2 in front.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${TENURE_BINARY:-$repo/build/tenure}"
requests="${1:-2000}"
demo_password='bench-demo-password'
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^TENURE_' || true)
for tool in curl valgrind callgrind_control python3; do
  command -v "$tool" >/dev/null || { echo "bench/http_profile.sh: $tool is not installed" >&2; exit 2; }
done
[[ -x "$binary" ]] || { echo "bench/http_profile.sh: no server binary at $binary" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/tenure-profile.XXXXXX")"
server_pid=""
cleanup() {
  local status=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [[ $status -ne 0 && -s "$work/server.log" ]] && tail -n 40 "$work/server.log" >&2
  [[ -n "${BENCH_KEEP:-}" ]] && mkdir -p "$BENCH_KEEP" && cp "$work"/callgrind.* "$BENCH_KEEP"/ 2>/dev/null
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
url="http://127.0.0.1:$port"
export TENURE_DATABASE="sqlite://$work/tenure.db" TENURE_LISTEN="127.0.0.1:$port"
export TENURE_PUBLIC_URL="$url" TENURE_ACCESS_LOG=off
# wrk is one address with every connection: not capped per address (issue 13).
export TENURE_HTTP_MAX_CONNECTIONS_PER_ADDRESS=100000
TENURE_DEMO_PASSWORD="$demo_password" "$binary" demo >"$work/demo.log" 2>&1 \
  || { cat "$work/demo.log" >&2; exit 1; }

valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
  "$binary" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q 'tenure: listening on ' "$work/server.log" && break
  kill -0 "$server_pid" 2>/dev/null || { echo "bench/http_profile.sh: server exited" >&2; exit 1; }
  sleep 0.1
done

jar="$work/cookies.txt"
curl -sS --fail -c "$jar" -b "$jar" -o "$work/sign-in.html" "$url/sign-in"
csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$work/sign-in.html" | head -n1)"
curl -sS --fail -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
  --data-urlencode "email=demo@example.com" --data-urlencode "password=$demo_password" \
  --data-urlencode "next=/home" "$url/sign-in"
session="$(awk '$6 == "tenure_session" { print $7 }' "$jar" | tail -n1)"
[[ -n "$session" ]] || { echo "bench/http_profile.sh: sign-in failed" >&2; exit 1; }
cookie="Cookie: tenure_session=$session"

fetch() {  # path count [curl args]: count GETs on one connection; fails unless all are 200
  local path="$1" count="$2"; shift 2
  local codes
  for _ in $(seq 1 "$count"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url$path"; done \
    >"$work/curl.conf"
  codes="$(curl -sS "$@" -K "$work/curl.conf" -w '%{http_code}\n' | sort -u | tr '\n' ' ')"
  [[ "$codes" == "200 " ]] || { echo "bench/http_profile.sh: $path answered $codes" >&2; exit 1; }
}

dumps=0
dump_instructions() {  # sets ir to the instructions counted since the last zeroing
  dumps=$((dumps + 1))
  callgrind_control -d "$server_pid" >/dev/null 2>&1
  ir="$(awk '/^summary:|^totals:/ { print $2; exit }' "$work/callgrind.out.$dumps")"
}

declare -A per_path
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "server:  $binary under callgrind; $requests requests per path, one connection"
for path in /healthz /home; do
  args=(); [[ "$path" == /home ]] && args=(-H "$cookie")
  fetch "$path" 200 "${args[@]}"  # warm-up: caches, prepared statements, allocator
  callgrind_control -z "$server_pid" >/dev/null 2>&1
  fetch "$path" "$requests" "${args[@]}"
  dump_instructions
  printf '%-9s %12s instructions, %8.0f per request\n' "$path" "$ir" "$(awk -v a="$ir" -v n="$requests" 'BEGIN { print a / n }')"
  per_path[$path]="$ir"
done
awk -v h="${per_path[/healthz]}" -v p="${per_path[/home]}" 'BEGIN { printf "home/healthz instructions: %.2f (healthz/home: %.2f)\n", p / h, h / p }'
