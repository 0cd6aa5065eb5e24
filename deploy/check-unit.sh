#!/usr/bin/env bash
# Checks deploy/tenure@.service against what `tenure serve` does, on a machine without
# systemd running (the build and test machines): `systemd-analyze verify` and its offline
# security review of the unit, then one server on PostgreSQL traced with strace through the
# requests a deployment sees (sign-ins, Home, a ticket, the program's API, /metrics, the help
# center, a release upload and its download, a renewal pass, SIGTERM). Fails when the server
# makes a system call outside the unit's SystemCallFilter (@system-service minus @privileged),
# maps memory writable and executable or makes memory executable (MemoryDenyWriteExecute),
# opens a socket of a family RestrictAddressFamilies leaves out, or writes a file outside its
# releases folder (ProtectSystem=strict; the database is PostgreSQL here).
# Not covered: the unit under a real systemd (users, namespaces, the seccomp filter itself),
# and outbound calls to SMTP, Stripe and Discord.
#
# Usage: deploy/check-unit.sh      (env: TENURE_BINARY, default build/tenure; needs strace,
#                                   systemd-analyze, PostgreSQL as for scripts/pg-test-db)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${TENURE_BINARY:-$repo/build/tenure}"
bench_name="check-unit.sh"
for tool in strace systemd-analyze curl; do
  command -v "$tool" >/dev/null || { echo "$bench_name: $tool is not installed" >&2; exit 2; }
done
[[ -x "$binary" ]] || { echo "$bench_name: no server binary at $binary (build: ninja -C build tenure)" >&2; exit 2; }
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^TENURE_' || true)

work="$(mktemp -d "${TMPDIR:-/tmp}/tenure-check-unit.XXXXXX")"
strace_pid=""
server_pid=""
pg_url=""
cleanup() {
  local status=$?
  [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null || true
  [[ -n "$strace_pid" ]] && wait "$strace_pid" 2>/dev/null || true
  if [[ $status -ne 0 && -s "$work/serve.log" ]]; then tail -n 20 "$work/serve.log" >&2; fi
  [[ -n "$pg_url" ]] && { "$repo/scripts/pg-test-db" --drop "$pg_url" || true; }
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
fail() { echo "$bench_name: $*" >&2; exit 1; }
problems=()

# 1. The unit file, with the binary where the unit expects it.
mkdir -p "$work/unit"
sed "s#^ExecStart=/usr/local/bin/tenure #ExecStart=$binary #" "$repo/deploy/tenure@.service" >"$work/unit/tenure@.service"
(cd "$work/unit" && systemd-analyze verify "$work/unit/tenure@8081.service") >"$work/verify.txt" 2>&1 \
  || { cat "$work/verify.txt" >&2; problems+=("systemd-analyze verify refused the unit"); }
exposure="$(systemd-analyze security --offline=true "$work/unit/tenure@8081.service" 2>/dev/null \
  | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
echo "systemd-analyze verify: $(grep -c . "$work/verify.txt") complaints; security --offline: exposure $exposure"

# 2. The system calls the unit allows: systemd's sets, expanded.
expand() {
  systemd-analyze syscall-filter "$1" | sed 1d | sed 's/#.*//' | tr -s ' ' '\n' | grep -v '^$' \
    | while read -r call; do if [[ "$call" == @* ]]; then expand "$call"; else echo "$call"; fi; done
}
expand @system-service | sort -u >"$work/allowed.txt"
expand @privileged | sort -u >"$work/privileged.txt"
families="$(sed -n 's/^RestrictAddressFamilies=//p' "$repo/deploy/tenure@.service")"

# 3. One server, traced, through a deployment's requests.
pg_url="$("$repo/scripts/pg-test-db")"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
export TENURE_DATABASE="$pg_url" TENURE_LISTEN="127.0.0.1:$port" TENURE_PUBLIC_URL="$url"
export TENURE_TEST_CLOCK_FILE="$work/clock" TENURE_RELEASES_DIR="$work/releases"
export TENURE_METRICS_TOKEN="check-unit-metrics-token" TENURE_RENEWAL_INTERVAL_SECONDS=1
demo_password='check-unit-demo-password'
"$binary" migrate >/dev/null
TENURE_DEMO_PASSWORD="$demo_password" "$binary" demo --customers 20 >/dev/null
# A day back: the renewals come due when the clock jumps below, while traced.
"$binary" clock set "$(date -u -d "@$(( $(date -u -d "$("$binary" clock show)" +%s) - 86400 ))" +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
strace -f -qq -o "$work/trace" "$binary" serve >"$work/serve.log" 2>&1 &
strace_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "$url/healthz" && break; sleep 0.1; done
server_pid="$(ps -o pid= --ppid "$strace_pid" | tr -d ' ')"
[[ -n "$server_pid" ]] || fail "the traced server did not start"

source "$repo/bench/lib/sign_in.sh"
expect() {  # what status, then curl's arguments
  local want="$1" got; shift
  got="$(curl -sS -o "$work/answer" -w '%{http_code}' "$@")"
  [[ "$got" == "$want" ]] || fail "curl $* answered $got, not $want"
}
cookie="$(sign_in_browser customer1@example.com)"
expect 200 -H "$cookie" "$url/home"
expect 200 -H "$cookie" "$url/support"
csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$work/answer" | head -n1)"
topic="$(sed -n 's/.*<option value="\([^"]\+\)".*/\1/p' "$work/answer" | head -n1)"
expect 303 -H "$cookie" --data "csrf=$csrf&category=$topic&subject=Traced&message=Traced" "$url/support/tickets"
token="$(sign_in_program customer2@example.com check-unit)"
[[ -n "$token" ]] || fail "the program could not sign in"
expect 200 -H "Authorization: Bearer $token" "$url/api/v1/license"
expect 200 -X POST -H "Authorization: Bearer $token" "$url/api/v1/heartbeat"
expect 200 -H "Authorization: Bearer $TENURE_METRICS_TOKEN" "$url/metrics"
expect 200 "$url/help/"
admin="$(sign_in_browser admin@example.com)"
expect 200 -H "$admin" "$url/staff/releases"
csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$work/answer" | head -n1)"
head -c 3000000 /dev/urandom >"$work/app.bin"
expect 303 -H "$admin" -F "csrf=$csrf" -F version=9.9.9 -F channel=stable -F notes=Traced \
  -F "linux=@$work/app.bin" "$url/staff/releases"
expect 200 -H "Authorization: Bearer $token" "$url/api/v1/releases/latest?os=linux&channel=stable"
download="$(sed -n 's/.*"download_url":"\([^"]*\)".*/\1/p' "$work/answer" | sed 's/\\u0026/\&/g')"
expect 200 "$download"
cmp -s "$work/app.bin" "$work/answer" || fail "the download differs from the upload"
"$binary" clock advance 31d >/dev/null
for _ in $(seq 1 100); do
  curl -sS -H "Authorization: Bearer $TENURE_METRICS_TOKEN" "$url/metrics" | grep -q '^tenure_renewals_due 0' && break
  sleep 0.1
done
kill -TERM "$server_pid"
server_pid=""
wait "$strace_pid" || true
strace_pid=""
grep -q '"stopped"\|tenure: stopped' "$work/serve.log" || fail "the server did not stop on SIGTERM"

# 4. What the trace shows.
sed -E 's/^[0-9]+ +//' "$work/trace" | grep -oE '^[a-z_0-9]+\(' | tr -d '(' | sort -u >"$work/used.txt"
outside="$(comm -23 "$work/used.txt" "$work/allowed.txt" | tr '\n' ' ')"
privileged="$(comm -12 "$work/used.txt" "$work/privileged.txt" | tr '\n' ' ')"
[[ -z "$outside" ]] || problems+=("system calls outside @system-service: $outside")
[[ -z "$privileged" ]] || problems+=("system calls in @privileged: $privileged")
exec_maps="$(grep -E '(^|[0-9] )(mmap|mprotect|pkey_mprotect)\(' "$work/trace" | grep PROT_EXEC \
  | grep -cE 'PROT_WRITE|mprotect\(' || true)"
(( exec_maps == 0 )) || problems+=("$exec_maps mappings writable and executable, or made executable")
for family in $(grep -oE 'socket\(AF_[A-Z0-9]+' "$work/trace" | sed 's/socket(//' | sort -u); do
  [[ " $families " == *" $family "* ]] || problems+=("a socket of family $family, which RestrictAddressFamilies leaves out")
done
writes="$(grep -E 'open(at)?\(' "$work/trace" | grep -E 'O_WRONLY|O_RDWR|O_CREAT' | grep -v '= -1' \
  | grep -oE '"[^"]*"' | tr -d '"' | grep -v "^$work/releases/" | grep -v "^$work/clock$" || true)"
[[ -z "$writes" ]] || problems+=("files written outside the releases folder: $(tr '\n' ' ' <<<"$writes")")

echo "traced: $(grep -c . "$work/used.txt") distinct system calls, all checked against @system-service minus @privileged: $(tr '\n' ' ' <"$work/used.txt")"
echo "sockets: $(grep -oE 'socket\(AF_[A-Z0-9]+' "$work/trace" | sed 's/socket(//' | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')"
if (( ${#problems[@]} > 0 )); then
  printf '%s: %s\n' "$bench_name" "${problems[@]}" >&2
  exit 1
fi
echo "the unit's SystemCallFilter, MemoryDenyWriteExecute, RestrictAddressFamilies and ProtectSystem allow everything the server did"
