#!/usr/bin/env bash
# Release downloads (issue 12): wrk on a release's file URL, signed in as the demo customer,
# against /healthz in the same run. The file is sent from disk a piece at a time (1 MiB reads
# into one buffer per connection), never read whole into memory. Three shapes:
#   file-1m     the whole 1 MiB file (a small installer)
#   range-64k   a 64 KiB Range of it (a download manager's piece, answered 206)
#   file-64m    the whole 64 MiB file, with 4 connections: throughput in MB/s
# plus /download, the tab that lists the release. The server's resident memory before and
# after is printed: it must not grow with the file's size.
#
# Usage: bench/downloads.sh   (env: TENURE_BINARY, BENCH_DURATION=10s, BENCH_CONNECTIONS=64,
#                              BENCH_THREADS=1)
# Results are recorded in BENCHMARKS.md ("Release downloads (issue 12)").
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${TENURE_BINARY:-$repo/build/tenure}"
duration="${BENCH_DURATION:-10s}"
connections="${BENCH_CONNECTIONS:-64}"
threads="${BENCH_THREADS:-1}"
demo_password='bench-demo-password'

source "$repo/bench/lib/server.sh"

head -c $((1 << 20)) /dev/urandom >"$work/app-1m.tar.gz"
head -c $((64 << 20)) /dev/urandom >"$work/app-64m.tar.gz"
printf -- '- Faster\n' >"$work/notes.md"
TENURE_DEMO_PASSWORD="$demo_password" "$binary" demo >/dev/null
"$binary" release add 1.0.0 --channel stable --notes "$work/notes.md" --os linux "$work/app-1m.tar.gz" >/dev/null
"$binary" release add 2.0.0-beta.1 --channel beta --notes "$work/notes.md" --os linux "$work/app-64m.tar.gz" >/dev/null
start_server
cookie="$(sign_in_browser demo@example.com)"

# Check what wrk will measure: the file's own bytes, and a 206 for a range.
for check in "1/linux 1048576 200" "2/linux 67108864 200"; do
  read -r path size status <<<"$check"
  got="$(curl -sS -H "$cookie" -o "$work/got" -w '%{http_code} %{size_download}' "$url/downloads/$path")"
  [[ "$got" == "$status $size" ]] || { echo "$bench_name: /downloads/$path answered $got, not $status $size" >&2; exit 1; }
done
cmp -s "$work/got" "$work/app-64m.tar.gz" || { echo "$bench_name: the 64 MiB file came back different" >&2; exit 1; }
got="$(curl -sS -H "$cookie" -H 'Range: bytes=65536-131071' -o /dev/null -w '%{http_code} %{size_download}' "$url/downloads/1/linux")"
[[ "$got" == "206 65536" ]] || { echo "$bench_name: the range answered $got" >&2; exit 1; }

# Resident now, not the peak: signing in hashed a password (64 MiB for a moment).
rss() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status"; }
rss_before="$(rss)"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -h | awk '/^Mem:/ { print $2 }') RAM"
echo "server:  $binary (SQLite, demo data, access log off); wrk and the server share the machine's cores; the files sit in the page cache"
echo

run_wrk healthz /healthz
run_wrk tab /download -H "$cookie"
run_wrk file-1m /downloads/1/linux -H "$cookie"
run_wrk range-64k /downloads/1/linux -H "$cookie" -H 'Range: bytes=65536-131071'
connections_before="$connections"
connections=4
# One answer takes ~40 ms at full speed; a slow one near the end must not count as an error.
run_wrk file-64m /downloads/2/linux -H "$cookie" --timeout 30s
connections="$connections_before"

rss_after="$(rss)"
echo "| path | connections | req/s | MB/s | p50 (ms) | p99 (ms) | ratio to /healthz | server CPU (cores) | wrk CPU | other CPU |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for name in healthz tab file-1m range-64k file-64m; do
  c="$connections"; [[ "$name" == file-64m ]] && c=4
  mbs="$(awk -v r="${rps[$name]}" -v b="${bytes_per_req[$name]}" 'BEGIN { printf "%.0f", r * b / 1e6 }')"
  ratio="$(awk -v a="${rps[$name]}" -v z="${rps[healthz]}" 'BEGIN { printf "%.3f", a / z }')"
  echo "| $name | $c | ${rps[$name]} | $mbs | ${p50[$name]} | ${p99[$name]} | $ratio | ${cpu_server[$name]} | ${cpu_wrk[$name]} | ${cpu_other[$name]} |"
done
echo
echo "server RSS: ${rss_before} MiB before the runs, ${rss_after} MiB after"
