#!/usr/bin/env bash
# Several servers (issue 13 item 7): two `tenure serve` on one PostgreSQL behind nginx, which
# runs the shipped deploy/nginx snippets and upstream (plain http on loopback, no TLS), under a
# mix for SECONDS: signed-in Home pages, the program's license checks (bearer tokens) and a
# trickle of browser sign-ins (argon2id, 64 MiB each: on the servers' hashing queues). A third
# of the way in, the test clock both servers share jumps 31 days: every demo license falls
# due and both servers' renewal jobs (every second) charge at once.
# Reports throughput, p50 and p99 per kind of request, the requests each server took (its
# /metrics), how fast the renewals went and which server charged how many. Fails unless
# every license was charged exactly once (SQL over the charges), every answer was the
# expected one, and both servers exit 0 on SIGTERM.
#
# Usage: bench/cluster.sh [SECONDS]      (default 60)
#   env: TENURE_BINARY (default build/tenure), BENCH_CUSTOMERS=2000 (`tenure demo --customers`),
#        BENCH_SESSIONS=customers/40 (browsers signed in for Home), BENCH_MACHINES=customers/10
#        (programs signed in for license checks), BENCH_CONNECTIONS=16 (wrk connections for
#        Home, and as many for license checks), BENCH_SIGN_IN_INTERVAL_MS=1000 (one connection
#        signs in, waiting this long between sign-ins), BENCH_BASELINE=5 (seconds of /healthz
#        alone first)
# Results are recorded in BENCHMARKS.md ("Several servers behind nginx (issue 13)").
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${TENURE_BINARY:-$repo/build/tenure}"
seconds="${1:-60}"
customers="${BENCH_CUSTOMERS:-2000}"
# Signed in before the load, at about 0.1 s of argon2id each: a share of the customers.
sessions="${BENCH_SESSIONS:-$(( customers / 40 > 0 ? customers / 40 : 1 ))}"
machines="${BENCH_MACHINES:-$(( customers / 10 > 0 ? customers / 10 : 1 ))}"
connections="${BENCH_CONNECTIONS:-16}"
sign_in_interval_ms="${BENCH_SIGN_IN_INTERVAL_MS:-1000}"
baseline_seconds="${BENCH_BASELINE:-5}"
demo_password='bench-demo-password'
bench_name="${0##*/}"

for n in "$seconds" "$customers" "$sessions" "$machines" "$connections" "$baseline_seconds"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "$bench_name: '$n' is not a positive number" >&2; exit 2; }
done
(( machines <= customers && sessions <= customers )) \
  || { echo "$bench_name: BENCH_SESSIONS and BENCH_MACHINES must not exceed BENCH_CUSTOMERS" >&2; exit 2; }
# Every wrk connection comes from 127.0.0.1, and deploy/nginx allows one address 64.
(( 2 * connections + 1 <= 64 )) \
  || { echo "$bench_name: BENCH_CONNECTIONS=$connections: 2 x $connections + 1 connections from one address are over nginx's limit_conn of 64" >&2; exit 2; }
for tool in curl wrk nginx psql; do
  command -v "$tool" >/dev/null || { echo "$bench_name: $tool is not installed (scripts/install-deps)" >&2; exit 2; }
done
[[ -x "$binary" ]] || { echo "$bench_name: no server binary at $binary (build: ninja -C build tenure)" >&2; exit 2; }
# The server rejects unknown TENURE_* variables (TENURE_BINARY included): only ours below.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^TENURE_' || true)

work="$(mktemp -d "${TMPDIR:-/tmp}/tenure-cluster.XXXXXX")"
server_pids=()
nginx_pid=""
pg_url=""

# SIGTERM, then SIGKILL after 25 s (the server drains for up to 20 s); sets stopped_status to
# the exit status.
stop_process() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 250); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$bench_name: process $pid ignored SIGTERM for 25 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  stopped_status=0
  wait "$pid" 2>/dev/null || stopped_status=$?
}

cleanup() {
  local status=$? pid
  [[ -n "$nginx_pid" ]] && stop_process "$nginx_pid"
  for pid in "${server_pids[@]}"; do stop_process "$pid"; done
  if [[ $status -ne 0 ]]; then
    for log in "$work"/server*.log "$work/nginx/error.log"; do
      [[ -s "$log" ]] || continue
      echo "--- ${log#"$work/"} (last 20 lines) ---" >&2
      tail -n 20 "$log" >&2
    done
  fi
  [[ -n "$pg_url" ]] && { "$repo/scripts/pg-test-db" --drop "$pg_url" || true; }
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

source "$repo/bench/lib/wrk.sh"  # free_port, to_ms, machine_busy_ticks, cores
fail() { echo "$bench_name: $*" >&2; exit 1; }

pg_url="$("$repo/scripts/pg-test-db")"
sql() { psql -X -q -At -d "$pg_url" -c "$1"; }

nginx_port="$(free_port)"
url="http://127.0.0.1:$nginx_port"
export TENURE_DATABASE="$pg_url"
export TENURE_PUBLIC_URL="$url"
export TENURE_TEST_CLOCK_FILE="$work/clock"
export TENURE_RELEASES_DIR="$work/releases"
export TENURE_ACCESS_LOG=off
export TENURE_HTTP_TRUSTED_PROXIES=127.0.0.1
export TENURE_RENEWAL_INTERVAL_SECONDS=1
metrics_token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export TENURE_METRICS_TOKEN="$metrics_token"
# The clock jumps 31 days in a second: browser sessions, which a month of use would have kept,
# must outlive it (they end after 30 days, or 14 unused). Programs: see below.
export TENURE_SESSION_LIFETIME_HOURS=2400 TENURE_SESSION_IDLE_TIMEOUT_HOURS=2400

"$binary" migrate >/dev/null
seeded_at="$("$binary" clock show)"
TENURE_DEMO_PASSWORD="$demo_password" "$binary" demo --customers "$customers" >"$work/demo.log" 2>&1 \
  || { cat "$work/demo.log" >&2; fail "tenure demo failed"; }
# Demo licenses expire over the 30 days after seeding, the first within hours. A day before
# seeding none is due (a day's renewal lead), so nothing is charged until the jump; 31 days
# later every one is due, once.
"$binary" clock set "$(date -u -d "@$(( $(date -u -d "$seeded_at" +%s) - 86400 ))" +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
licenses="$(sql "SELECT COUNT(*) FROM licenses")"

ports=()
for i in 1 2; do
  ports+=("$(free_port)")
  TENURE_LISTEN="127.0.0.1:${ports[-1]}" "$binary" serve >"$work/server$i.log" 2>&1 &
  server_pids+=($!)
done
for i in 0 1; do
  for _ in $(seq 1 150); do
    grep -q 'tenure: listening on ' "$work/server$((i + 1)).log" && break
    kill -0 "${server_pids[$i]}" 2>/dev/null || fail "server $((i + 1)) exited during start-up"
    sleep 0.1
  done
  grep -q 'tenure: listening on ' "$work/server$((i + 1)).log" || fail "server $((i + 1)) did not start within 15 s"
done

# nginx as shipped: deploy/nginx's two snippets and the site's upstream block with this run's
# ports; no TLS, access log off, its files in the work dir.
mkdir -p "$work/nginx"
upstream="$(sed -n '/^upstream tenure_servers {/,/^}/p' "$repo/deploy/nginx/tenure-site.conf" \
  | sed "s/127\.0\.0\.1:8081/127.0.0.1:${ports[0]}/; s/127\.0\.0\.1:8082/127.0.0.1:${ports[1]}/")"
grep -q "127.0.0.1:${ports[0]} " <<<"$upstream" && grep -q "127.0.0.1:${ports[1]} " <<<"$upstream" \
  || fail "no upstream with 127.0.0.1:8081 and :8082 in deploy/nginx/tenure-site.conf"
{
  echo "daemon off;"
  echo "worker_processes 1;"
  # As root nginx would run its worker as nobody, which cannot enter the work dir.
  [[ "$(id -u)" -eq 0 ]] && echo "user root;"
  echo "pid $work/nginx/nginx.pid;"
  echo "error_log $work/nginx/error.log warn;"
  echo "events { worker_connections 1024; }"
  echo "http {"
  echo "  access_log off;"
  for kind in client_body proxy fastcgi uwsgi scgi; do echo "  ${kind}_temp_path $work/nginx/$kind;"; done
  echo "  include $repo/deploy/nginx/tenure-http.conf;"
  echo "$upstream"
  echo "  server {"
  echo "    listen 127.0.0.1:$nginx_port;"
  echo "    include $repo/deploy/nginx/tenure-proxy.conf;"
  echo "  }"
  echo "}"
} >"$work/nginx/nginx.conf"
nginx -t -q -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" \
  || fail "nginx -t refused the configuration"
nginx -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 1 50); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz")" == 200 ]] && break
  sleep 0.1
done
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz")" == 200 ]] || fail "nginx does not answer /healthz"

# Browsers for Home and programs for license checks sign in through nginx, four at a time.
source "$repo/bench/lib/sign_in.sh"
export -f sign_in_browser sign_in_program
export url work demo_password bench_name
seq 1 "$sessions" | xargs -P 4 -I{} bash -c 'sign_in_browser customer{}@example.com' \
  >"$work/cookies.txt" 2>"$work/sign-in.log" || { cat "$work/sign-in.log" >&2; fail "browser sign-ins failed"; }
seq 1 "$machines" | xargs -P 4 -I{} bash -c 'sign_in_program customer{}@example.com cluster-{}' \
  >"$work/tokens.txt" 2>>"$work/sign-in.log" || { cat "$work/sign-in.log" >&2; fail "program sign-ins failed"; }
[[ "$(grep -c . "$work/cookies.txt")" -eq "$sessions" && "$(grep -c . "$work/tokens.txt")" -eq "$machines" ]] \
  || fail "signed in $(grep -c . "$work/cookies.txt") of $sessions browsers and $(grep -c . "$work/tokens.txt") of $machines programs"

# A program's session ends 10 minutes (at most a day: program.heartbeat_timeout_seconds) after
# its last heartbeat. The month the jump skips would have been full of them: they are written
# now, at once, as seen at the instant the clock will jump to.
sql "UPDATE machines SET last_seen_at = last_seen_at + 31 * 86400 WHERE ended_at IS NULL" >/dev/null

# The request files for bench/lib/requests.lua: METHOD, path, body, header fields.
tab=$'\t'
sed "s/^/GET${tab}\/home${tab}${tab}/" "$work/cookies.txt" >"$work/home.txt"
sed "s/^/GET${tab}\/api\/v1\/license${tab}${tab}Authorization: Bearer /" "$work/tokens.txt" >"$work/license.txt"
# Sign-ins need the tenure_csrf cookie and the same token in the form (double submit): one
# pair serves them all. They go to customers other than the ones on Home, where there are.
curl -sS --fail -c "$work/csrf-jar.txt" -o "$work/sign-in-form.html" "$url/sign-in"
csrf="$(awk '$6 == "tenure_csrf" { print $7 }' "$work/csrf-jar.txt" | tail -n1)"
[[ -n "$csrf" ]] || fail "GET /sign-in set no tenure_csrf cookie"
first=$(( sessions < customers ? sessions + 1 : 1 ))
for k in $(seq "$first" "$(( first + 99 < customers ? first + 99 : customers ))"); do
  printf 'POST\t/sign-in\tcsrf=%s&email=customer%s%%40example.com&password=%s&next=%%2Fhome\tCookie: tenure_csrf=%s\tContent-Type: application/x-www-form-urlencoded\n' \
    "$csrf" "$k" "$demo_password" "$csrf"
done >"$work/sign-in.txt"

# What each kind answers before the load: the run below measures these, not redirects.
home_status="$(curl -sS -H "$(head -n1 "$work/cookies.txt")" -o "$work/home.html" -w '%{http_code}' "$url/home")"
[[ "$home_status" == 200 ]] && grep -q '<h1>Home</h1>' "$work/home.html" || fail "GET /home answered $home_status, not the Home page"
license_status="$(curl -sS -H "Authorization: Bearer $(head -n1 "$work/tokens.txt")" -o /dev/null -w '%{http_code}' "$url/api/v1/license")"
[[ "$license_status" == 200 ]] || fail "GET /api/v1/license answered $license_status"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -h | awk '/^Mem:/ { print $2 }') RAM; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "setup:   nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') (1 worker, deploy/nginx) -> 2 x $binary (access log off, renewal job every 1 s) -> PostgreSQL $(sql 'SHOW server_version' | cut -d' ' -f1); $licenses licenses; wrk and everything else share the machine's cores"
echo

# The kinds of request: what wrk reports, and the statuses requests.lua counted.
declare -A requests rps p50 p99 answers errors
record() {  # name wrk-output
  local name="$1" out="$2"
  requests[$name]="$(awk '/requests in/ { print $1 }' "$out")"
  rps[$name]="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")"
  p50[$name]="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")"
  p99[$name]="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")"
  answers[$name]="$(awk '$1 == "status" { printf "%s%s: %s", sep, $2, $3; sep = ", " }' "$out")"
  errors[$name]="$(awk '/Socket errors/ { sub(/^ *Socket errors: */, ""); print }' "$out")"
}
lua="$repo/bench/lib/requests.lua"
wrk -t1 -c"$connections" -d"${baseline_seconds}s" --latency "$url/healthz" >"$work/wrk-healthz.txt"
record healthz "$work/wrk-healthz.txt"

wrk_run() {  # name connections file [env...]; wrk's own CPU (user, system seconds) in time-NAME.txt
  local name="$1" c="$2" file="$3"; shift 3
  { TIMEFORMAT='%U %S'; time env "$@" wrk -t1 -c"$c" -d"${seconds}s" --timeout 10s --latency "$url/" \
    -s "$lua" -- "$file" >"$work/wrk-$name.txt" 2>&1; } 2>"$work/time-$name.txt"
}
# CPU during the mix, in clock ticks: the machine, the servers, nginx's worker and this
# database's PostgreSQL backends (the servers' pooled connections); wrk's from `time`.
pid_ticks() { awk '{ s += $14 + $15 } END { print s + 0 }' "${@/#//proc/}" 2>/dev/null || echo 0; }
nginx_worker="$(ps -o pid= --ppid "$nginx_pid" | tr -d ' ' | head -n1)"
backends=($(sql "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))
ticks_of() { pid_ticks "${server_pids[0]}/stat" "${server_pids[1]}/stat"; pid_ticks "$nginx_worker/stat"; pid_ticks "${backends[@]/%//stat}"; }
busy0="$(machine_busy_ticks)"; read -r -d '' servers0 nginx0 pg0 < <(ticks_of) || true
wrk_pids=()
wrk_run home "$connections" "$work/home.txt" & wrk_pids+=($!)
wrk_run license "$connections" "$work/license.txt" & wrk_pids+=($!)
wrk_run sign_in 1 "$work/sign-in.txt" BENCH_DELAY_MS="$sign_in_interval_ms" & wrk_pids+=($!)
load_start="$(date +%s.%N)"

# The jump, then the charges counted until every license has its one (or the wait ends).
sleep $(( seconds / 3 ))
"$binary" clock advance 31d >/dev/null
advanced_at="$(date +%s.%N)"
charged_at=""
deadline=$(( $(date +%s) + seconds + 120 ))
while [[ -z "$charged_at" ]] && (( $(date +%s) < deadline )); do
  [[ "$(sql "SELECT COUNT(*) FROM charges WHERE status = 'succeeded'")" -ge "$licenses" ]] && charged_at="$(date +%s.%N)" && break
  sleep 0.5
done
for pid in "${wrk_pids[@]}"; do wait "$pid" || fail "wrk failed: $(cat "$work"/wrk-*.txt)"; done
load_seconds="$(awk -v a="$load_start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"
busy1="$(machine_busy_ticks)"; read -r -d '' servers1 nginx1 pg1 < <(ticks_of) || true
wrk_ticks="$(cat "$work"/time-*.txt | awk -v hz="$clk_tck" '{ s += ($1 + $2) * hz } END { printf "%.0f", s }')"
busy_cores="$(cores $((busy1 - busy0)) "$load_seconds")"
server_cores="$(cores $((servers1 - servers0)) "$load_seconds")"
nginx_cores="$(cores $((nginx1 - nginx0)) "$load_seconds")"
pg_cores="$(cores $((pg1 - pg0)) "$load_seconds")"
wrk_cores="$(cores "$wrk_ticks" "$load_seconds")"
other_cores="$(cores $((busy1 - busy0 - (servers1 - servers0) - (nginx1 - nginx0) - (pg1 - pg0) - wrk_ticks)) "$load_seconds")"
for name in home license sign_in; do record "$name" "$work/wrk-$name.txt"; done
renewal_seconds="$(awk -v a="$advanced_at" -v b="${charged_at:-0}" 'BEGIN { printf "%.1f", (b > 0 ? b - a : -1) }')"

# Each server's own count, read directly from it (nginx keeps /metrics closed).
metric_sum() {  # metrics-file name [label filter]
  awk -v m="$2" -v f="${3:-}" '$1 ~ "^" m "({|$)" && index($1, f) { s += $2 } END { printf "%.0f", s }' "$1"
}
for i in 0 1; do
  curl -sS --fail -H "Authorization: Bearer $metrics_token" -o "$work/metrics$i.txt" "http://127.0.0.1:${ports[$i]}/metrics" \
    || fail "server $((i + 1)) answered no /metrics"
done

# Every program is still signed in, and its license answers again after its renewal.
refused=0
while read -r token; do
  [[ "$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url/api/v1/license")" == 200 ]] || refused=$((refused + 1))
done <"$work/tokens.txt"

# Charged exactly once: one succeeded charge per license, no other charge (renew_bench.sh's
# check, with the licenses charged twice and those left uncharged named apart).
charges="$(sql "SELECT COUNT(*) FROM charges")"
succeeded="$(sql "SELECT COUNT(*) FROM charges WHERE status = 'succeeded'")"
paid_once="$(sql "SELECT COUNT(*) FROM (SELECT license_id FROM charges WHERE status = 'succeeded' GROUP BY license_id HAVING COUNT(*) = 1) AS once")"
paid_twice="$(sql "SELECT COUNT(*) FROM (SELECT license_id FROM charges WHERE status = 'succeeded' GROUP BY license_id HAVING COUNT(*) > 1) AS more")"
uncharged="$(sql "SELECT COUNT(*) FROM licenses l WHERE NOT EXISTS (SELECT 1 FROM charges c WHERE c.license_id = l.id AND c.status = 'succeeded')")"

exits=()
for i in 0 1; do
  stop_process "${server_pids[$i]}"
  exits+=("$stopped_status")
done
server_pids=()
stop_process "$nginx_pid"
nginx_pid=""

mix_rps=$(( rps[home] + rps[license] + rps[sign_in] ))
ratio() { awk -v a="$1" -v z="${rps[healthz]}" 'BEGIN { printf "%.2f", a / z }'; }
echo "| request (through nginx) | connections | requests | req/s | ratio to /healthz alone | p50 (ms) | p99 (ms) | answers |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
echo "| /healthz alone, before the mix (${baseline_seconds} s) | $connections | ${requests[healthz]} | ${rps[healthz]} | 1.00 | ${p50[healthz]} | ${p99[healthz]} | |"
echo "| Home, signed in ($sessions sessions) | $connections | ${requests[home]} | ${rps[home]} | $(ratio "${rps[home]}") | ${p50[home]} | ${p99[home]} | ${answers[home]} |"
echo "| GET /api/v1/license ($machines programs) | $connections | ${requests[license]} | ${rps[license]} | $(ratio "${rps[license]}") | ${p50[license]} | ${p99[license]} | ${answers[license]} |"
echo "| POST /sign-in (one every ${sign_in_interval_ms} ms) | 1 | ${requests[sign_in]} | ${rps[sign_in]} | | ${p50[sign_in]} | ${p99[sign_in]} | ${answers[sign_in]} |"
echo "| the three at once, ${seconds} s | | | $mix_rps | $(ratio "$mix_rps") | | | |"
echo
served=()
for i in 0 1; do served+=("$(metric_sum "$work/metrics$i.txt" tenure_http_requests_total)"); done
for i in 0 1; do
  echo "server $((i + 1)): ${served[$i]} requests, $(metric_sum "$work/metrics$i.txt" tenure_renewal_licenses_total 'outcome="charged"') licenses charged, $(metric_sum "$work/metrics$i.txt" tenure_sign_in_failures_total) sign-in failures, renewals due at the end $(metric_sum "$work/metrics$i.txt" tenure_renewals_due), exit status on SIGTERM ${exits[$i]}"
done
echo "cpu during the mix (cores): the machine $busy_cores of $(nproc): the two servers $server_cores, nginx $nginx_cores, PostgreSQL (${#backends[@]} backends) $pg_cores, wrk $wrk_cores, everything else $other_cores"
echo "renewals: the clock jumped 31 days $(awk -v a="$load_start" -v b="$advanced_at" 'BEGIN { printf "%.0f", b - a }') s into the run; $succeeded of $licenses licenses charged $renewal_seconds s later ($(awk -v n="$licenses" -v s="$renewal_seconds" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }') licenses/s, under the load)"
echo "charges: $charges in all, $succeeded succeeded; licenses charged once $paid_once, twice or more $paid_twice, not charged $uncharged; programs refused after the run $refused of $machines"
echo

problems=()
(( paid_twice == 0 )) || problems+=("$paid_twice licenses were charged more than once")
(( uncharged == 0 )) || problems+=("$uncharged licenses were not charged")
(( paid_once == licenses && charges == licenses )) || problems+=("$licenses licenses, $charges charges, $paid_once paid once")
[[ "${answers[home]}" =~ ^200:\ [0-9]+$ ]] || problems+=("Home answered ${answers[home]} (only 200 expected)")
[[ "${answers[sign_in]}" =~ ^303:\ [0-9]+$ ]] || problems+=("POST /sign-in answered ${answers[sign_in]} (only 303 expected)")
# Between the jump and its renewal a license is expired, and its program hears 403.
[[ "${answers[license]}" =~ ^200:\ [0-9]+(,\ 403:\ [0-9]+)?$ ]] || problems+=("license checks answered ${answers[license]} (200, or 403 until renewed)")
(( refused == 0 )) || problems+=("$refused programs were refused after the run")
for name in home license sign_in; do
  [[ -z "${errors[$name]}" ]] || problems+=("wrk's $name connections saw errors: ${errors[$name]}")
done
for i in 0 1; do
  [[ "${exits[$i]}" == 0 ]] || problems+=("server $((i + 1)) exited ${exits[$i]} on SIGTERM")
  (( served[i] * 4 >= served[0] + served[1] )) || problems+=("server $((i + 1)) took under a quarter of the requests")
  [[ "$(metric_sum "$work/metrics$i.txt" tenure_sign_in_failures_total)" == 0 ]] || problems+=("server $((i + 1)) counted failed sign-ins")
done
for i in 0 1; do
  # Not a failure: the other server may have claimed every due license before this one woke.
  [[ "$(metric_sum "$work/metrics$i.txt" tenure_renewal_licenses_total 'outcome="charged"')" != 0 ]] \
    || echo "$bench_name: warning: server $((i + 1)) charged no license; the renewal jobs did not overlap" >&2
done
if (( ${#problems[@]} > 0 )); then
  printf '%s: %s\n' "$bench_name" "${problems[@]}" >&2
  exit 1
fi
echo "every one of the $licenses licenses was charged exactly once, with both servers running the renewal job"
