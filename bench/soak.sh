#!/usr/bin/env bash
# Soak (issue 13 item 9): one `tenure serve` on SQLite with demo customers under a steady,
# moderate mix for SECONDS, in windows: signed-in Home and Support pages, the program's
# license checks and heartbeats, ticket writes (the write limits raised for it) and a trickle
# of sign-ins, each kind held to a fixed rate (bench/lib/requests.lua's BENCH_DELAY_MS). After
# every window: the server's resident memory (VmRSS), its open files, the size of SQLite's
# write-ahead log, its CPU, and each kind's p99 in that window (wrk's).
# Prints every window, then the first and the last side by side, and fails when resident memory
# grew more than 20% + 10 MiB from the first quarter of the windows to the last, when the
# open files grew, or when an answer was not the expected one.
#
# Usage: bench/soak.sh [SECONDS]      (default 1800)
#   env: TENURE_BINARY (default build/tenure), BENCH_WINDOW (seconds; default 30, or a fifth
#        of SECONDS under 300 s), BENCH_CUSTOMERS=200 (`tenure demo --customers`)
# Results are recorded in BENCHMARKS.md ("Soak (issue 13)").
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${TENURE_BINARY:-$repo/build/tenure}"
seconds="${1:-1800}"
customers="${BENCH_CUSTOMERS:-200}"
[[ "$seconds" =~ ^[1-9][0-9]*$ && "$customers" =~ ^[1-9][0-9]*$ ]] \
  || { echo "soak.sh: SECONDS and BENCH_CUSTOMERS must be positive numbers" >&2; exit 2; }
if (( seconds >= 300 )); then window="${BENCH_WINDOW:-30}"; else window="${BENCH_WINDOW:-$(( seconds / 5 > 0 ? seconds / 5 : 1 ))}"; fi
[[ "$window" =~ ^[1-9][0-9]*$ ]] || { echo "soak.sh: BENCH_WINDOW must be a positive number" >&2; exit 2; }
windows=$(( seconds / window > 0 ? seconds / window : 1 ))
http_threads=""
allocator=""
demo_password='bench-demo-password'

# Who does what: Home and Support readers, ticket writers (other accounts, so the readers'
# pages do not grow with the soak's tickets) and programs, from the demo customers.
readers=5 writers=10 programs=20
(( customers >= writers + readers && customers >= programs )) \
  || { echo "soak.sh: BENCH_CUSTOMERS must be at least $(( writers + readers > programs ? writers + readers : programs ))" >&2; exit 2; }

source "$repo/bench/lib/server.sh"
# Tickets at one a second, spread over ten accounts, are over the default write limits (60 an
# account and 300 an address in 10 minutes); the soak is about the server, not the limiter.
export TENURE_RATE_LIMIT_WRITES_PER_ACCOUNT=100000 TENURE_RATE_LIMIT_WRITES_PER_ADDRESS=100000
start_server --customers "$customers"
fail() { echo "soak.sh: $*" >&2; exit 1; }

# Sessions, four sign-ins at a time.
export -f sign_in_browser sign_in_program
export url work demo_password bench_name
seq 1 "$((readers + writers))" | xargs -P 4 -I{} bash -c 'echo "{} $(sign_in_browser customer{}@example.com)"' \
  >"$work/cookies.txt" 2>"$work/sign-in.log" || { cat "$work/sign-in.log" >&2; fail "browser sign-ins failed"; }
seq 1 "$programs" | xargs -P 4 -I{} bash -c 'sign_in_program customer{}@example.com soak-{}' \
  >"$work/tokens.txt" 2>>"$work/sign-in.log" || { cat "$work/sign-in.log" >&2; fail "program sign-ins failed"; }
[[ "$(grep -c 'tenure_session=' "$work/cookies.txt")" -eq $((readers + writers)) && "$(grep -c . "$work/tokens.txt")" -eq "$programs" ]] \
  || fail "not every browser or program signed in"

# The request files for bench/lib/requests.lua: METHOD, path, body, header fields.
tab=$'\t'
sort -n "$work/cookies.txt" | head -n "$readers" | cut -d' ' -f2- >"$work/readers.txt"
sed "s/^/GET${tab}\/home${tab}${tab}/" "$work/readers.txt" >"$work/home.txt"
sed "s/^/GET${tab}\/support${tab}${tab}/" "$work/readers.txt" >"$work/support.txt"
sed "s/^/GET${tab}\/api\/v1\/license${tab}${tab}Authorization: Bearer /" "$work/tokens.txt" >"$work/license.txt"
sed "s/^/POST${tab}\/api\/v1\/heartbeat${tab}${tab}Authorization: Bearer /" "$work/tokens.txt" >"$work/heartbeat.txt"
# A ticket form carries the session's CSRF token (the Support page's hidden field) and a topic.
sort -n "$work/cookies.txt" | tail -n "$writers" | cut -d' ' -f2- | while read -r cookie; do
  curl -sS --fail -H "$cookie" -o "$work/support.html" "$url/support"
  csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$work/support.html" | head -n1)"
  category="$(sed -n 's/.*<option value="\([^"]\+\)".*/\1/p' "$work/support.html" | head -n1)"
  [[ -n "$csrf" && -n "$category" ]] || fail "no csrf field or topic on /support"
  printf 'POST\t/support/tickets\tcsrf=%s&category=%s&subject=Soak+ticket&message=A+steady+write+from+bench%%2Fsoak.sh.\t%s\tContent-Type: application/x-www-form-urlencoded\n' \
    "$csrf" "$category" "$cookie"
done >"$work/ticket.txt"
curl -sS --fail -c "$work/csrf-jar.txt" -o /dev/null "$url/sign-in"
csrf="$(awk '$6 == "tenure_csrf" { print $7 }' "$work/csrf-jar.txt" | tail -n1)"
[[ -n "$csrf" ]] || fail "GET /sign-in set no tenure_csrf cookie"
for k in $(seq 1 "$customers"); do
  printf 'POST\t/sign-in\tcsrf=%s&email=customer%s%%40example.com&password=%s&next=%%2Fhome\tCookie: tenure_csrf=%s\tContent-Type: application/x-www-form-urlencoded\n' \
    "$csrf" "$k" "$demo_password" "$csrf"
done >"$work/sign_in.txt"

# The mix: kind, connections, wait after each answer (ms), the one status expected. About
# 400 Home, 40 Support, 800 license checks, 40 heartbeats, 1 ticket and 0.2 sign-ins a second
# (a short window waits at most half of itself, so each kind is in each window).
kinds=(home support license heartbeat ticket sign_in)
declare -A kind_connections=([home]=4 [support]=2 [license]=8 [heartbeat]=2 [ticket]=1 [sign_in]=1)
declare -A kind_delay_ms=([home]=10 [support]=50 [license]=10 [heartbeat]=50 [ticket]=1000 [sign_in]=5000)
for kind in "${kinds[@]}"; do
  (( kind_delay_ms[$kind] <= window * 500 )) || kind_delay_ms[$kind]=$(( window * 500 ))
done
declare -A kind_status=([home]=200 [support]=200 [license]=200 [heartbeat]=200 [ticket]=303 [sign_in]=303)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -h | awk '/^Mem:/ { print $2 }') RAM; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server:  $binary (SQLite, $customers demo customers, access log off, write limits raised); $windows windows of $window s"
echo

declare -a rss fds wal db cpu rate
declare -A p99
problems=()
kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status"; }
file_kib() { if [[ -e "$1" ]]; then echo $(( $(stat -c %s "$1") / 1024 )); else echo 0; fi; }
header="| window | end (s) | RSS (MiB) | open files | WAL (KiB) | database (KiB) | server CPU (cores) | req/s |"
rule="| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for kind in "${kinds[@]}"; do header+=" p99 $kind (ms) |"; rule+=" ---: |"; done
echo "$header"
echo "$rule"
started="$(date +%s.%N)"
for w in $(seq 0 $((windows - 1))); do
  ticks0="$(server_ticks)"; t0="$(date +%s.%N)"
  pids=()
  for kind in "${kinds[@]}"; do
    BENCH_DELAY_MS="${kind_delay_ms[$kind]}" wrk -t1 -c"${kind_connections[$kind]}" -d"${window}s" \
      --timeout 10s --latency "$url/" -s "$repo/bench/lib/requests.lua" -- "$work/$kind.txt" \
      >"$work/wrk-$kind.txt" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || fail "wrk failed: $(cat "$work"/wrk-*.txt)"; done
  ticks1="$(server_ticks)"; t1="$(date +%s.%N)"
  sleep 0.2  # the server sees wrk's connections close
  rss[w]=$(( $(kib) / 1024 ))
  fds[w]="$(ls "/proc/$server_pid/fd" | wc -l)"
  wal[w]="$(file_kib "$work/tenure.db-wal")"
  db[w]="$(file_kib "$work/tenure.db")"
  cpu[w]="$(cores $((ticks1 - ticks0)) "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")"
  total=0
  row=""
  for kind in "${kinds[@]}"; do
    out="$work/wrk-$kind.txt"
    p99[$kind-$w]="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")"
    total="$(awk -v t="$total" '/^Requests\/sec:/ { t += $2 } END { printf "%.0f", t }' "$out")"
    row+=" ${p99[$kind-$w]} |"
    answers="$(awk '$1 == "status" { printf "%s%s: %s", sep, $2, $3; sep = ", " }' "$out")"
    [[ "$answers" =~ ^${kind_status[$kind]}:\ [0-9]+$ ]] || problems+=("window $((w + 1)): $kind answered $answers (only ${kind_status[$kind]} expected)")
    if grep -q 'Socket errors' "$out"; then problems+=("window $((w + 1)): $kind: $(grep 'Socket errors' "$out" | sed 's/^ *//')"); fi
  done
  rate[w]="$total"
  echo "| $((w + 1)) | $(awk -v a="$started" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') | ${rss[w]} | ${fds[w]} | ${wal[w]} | ${db[w]} | ${cpu[w]} | ${rate[w]} |$row"
done
echo

# Quarters of the windows (at least one each): the first and the last.
quarter=$(( (windows + 3) / 4 ))
stat_of() {  # mean|max array-name first count
  local how="$1" name="$2" from="$3" count="$4" i values=()
  local -n series="$name"
  for ((i = from; i < from + count; i++)); do values+=("${series[i]}"); done
  printf '%s\n' "${values[@]}" | awk -v how="$how" '{ s += $1; if (NR == 1 || $1 > m) m = $1 } END { if (how == "mean") printf "%.1f", s / NR; else print m }'
}
first_rss="$(stat_of mean rss 0 "$quarter")"; last_rss="$(stat_of mean rss $((windows - quarter)) "$quarter")"
first_fds="$(stat_of max fds 0 "$quarter")"; last_fds="$(stat_of max fds $((windows - quarter)) "$quarter")"
last=$((windows - 1))
echo "| | first window | last window |"
echo "| --- | ---: | ---: |"
echo "| RSS (MiB) | ${rss[0]} | ${rss[last]} |"
echo "| open files | ${fds[0]} | ${fds[last]} |"
echo "| WAL (KiB) | ${wal[0]} | ${wal[last]} |"
echo "| database (KiB) | ${db[0]} | ${db[last]} |"
echo "| server CPU (cores) | ${cpu[0]} | ${cpu[last]} |"
echo "| req/s | ${rate[0]} | ${rate[last]} |"
for kind in "${kinds[@]}"; do echo "| p99 $kind (ms) | ${p99[$kind-0]} | ${p99[$kind-$last]} |"; done
echo
max_wal=0
for v in "${wal[@]}"; do (( v > max_wal )) && max_wal=$v; done
echo "first quarter ($quarter windows) -> last quarter: RSS mean $first_rss -> $last_rss MiB, open files max $first_fds -> $last_fds; WAL at most $max_wal KiB"

awk -v a="$first_rss" -v b="$last_rss" 'BEGIN { exit !(b > a * 1.2 + 10) }' \
  && problems+=("resident memory grew from $first_rss MiB (first quarter) to $last_rss MiB (last quarter): more than 20% + 10 MiB")
(( last_fds <= first_fds )) || problems+=("open files grew from $first_fds (first quarter) to $last_fds (last quarter)")
if (( ${#problems[@]} > 0 )); then
  printf 'soak.sh: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "flat: resident memory and open files held for $((windows * window)) s"
