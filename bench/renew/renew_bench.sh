#!/usr/bin/env bash
# Renewal throughput (issue 4): `tenure demo --customers N` makes N auto-renewing customers
# (cards on the offline provider) expiring over the next 30 days, then ONE timed
# `tenure renew-due --now T` pass at an instant where every license is due renews them all.
# Prints the demo seeding rate and licenses renewed per second, on SQLite (a temp dir) and on
# PostgreSQL (a throwaway database from scripts/pg-test-db, dropped afterwards), then checks
# that each license was charged exactly once.
#
# Usage: bench/renew/renew_bench.sh [N] [sqlite|postgres|both]      (default: 100000 both)
#        env: TENURE_BINARY (default build/tenure)
#             BENCH_PASSES=P  start P `renew-due` processes at once instead of one (they share
#                             the work through leases / SKIP LOCKED; the time is until the last)
#             BENCH_PG_SYNC_COMMIT=off  PostgreSQL with synchronous_commit=off for the tenure
#                             processes (no WAL flush wait per commit; shows what fsync costs)
# Results are recorded in BENCHMARKS.md ("Renewal (issue 4)"). Not part of the test suite.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="${TENURE_BINARY:-$repo/build/tenure}"
customers="${1:-100000}"
backends="${2:-both}"
passes="${BENCH_PASSES:-1}"
pg_sync_commit="${BENCH_PG_SYNC_COMMIT:-}"

# tenure rejects unknown TENURE_* variables (TENURE_BINARY included): run it with ours only.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^TENURE_' || true)
export TENURE_DEMO_PASSWORD='bench demo password'

[[ -x "$binary" ]] || { echo "renew_bench: no binary at $binary (ninja -C build tenure)" >&2; exit 2; }
[[ "$customers" =~ ^[0-9]+$ ]] || { echo "renew_bench: N must be a number" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/tenure-renew-bench.XXXXXX")"
pg_url=""
cleanup() {
  [[ -n "$pg_url" ]] && "$repo/scripts/pg-test-db" --drop "$pg_url" || true
  rm -rf "$work"
}
trap cleanup EXIT

now_s() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# One backend: seed, renew, verify. $1 = label, $2 = database URL, $3 = SQL runner.
run() {
  local label=$1 db=$2 sql=$3
  export TENURE_DATABASE=$db
  "$binary" migrate >/dev/null

  local t0 t1 t2 t3 due_at
  t0=$(now_s)
  "$binary" demo --customers "$customers" >"$work/demo-$label.txt"
  t1=$(now_s)
  # Demo customers expire within 30 days of now: at now + 30 days every one is due
  # (expires_at - 1 day <= T); most have lapsed past grace and renew from T.
  due_at=$(date -u -d "@$(( ${t1%.*} + 30 * 86400 ))" +%Y-%m-%dT%H:%M:%SZ)

  local load_before
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  local pids=() p
  t2=$(now_s)
  for p in $(seq "$passes"); do
    "$binary" renew-due --now "$due_at" >"$work/renew-$label-$p.txt" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  t3=$(now_s)
  cat "$work"/renew-"$label"-*.txt >"$work/renew-$label.txt"

  local licenses succeeded paid_once charges
  licenses=$($sql "SELECT COUNT(*) FROM licenses")
  succeeded=$($sql "SELECT COUNT(*) FROM charges WHERE status = 'succeeded'")
  charges=$($sql "SELECT COUNT(*) FROM charges")
  paid_once=$($sql "SELECT COUNT(*) FROM (SELECT license_id FROM charges WHERE status = 'succeeded' GROUP BY license_id HAVING COUNT(*) = 1) AS once")
  local seed_s renew_s
  seed_s=$(secs "$t0" "$t1")
  renew_s=$(secs "$t2" "$t3")
  printf '%-9s demo --customers %s: %6ss (%s customers/s)\n' "$label" "$customers" "$seed_s" \
    "$(rate "$customers" "$seed_s")"
  printf '%-9s renew-due --now %s (x%s): %6ss for %s licenses = %s licenses/s (load avg before: %s)\n' \
    "$label" "$due_at" "$passes" "$renew_s" "$succeeded" "$(rate "$succeeded" "$renew_s")" \
    "$load_before"
  while read -r line; do printf '%-9s summary: %s\n' "$label" "$line"; done <"$work/renew-$label.txt"
  if [[ "$succeeded" != "$licenses" || "$paid_once" != "$licenses" || "$charges" != "$licenses" ]]; then
    echo "renew_bench: $label: $licenses licenses, $succeeded renewed, $charges charges, $paid_once paid once" >&2
    return 1
  fi
  echo "$label: every one of the $licenses licenses was charged exactly once"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM"
if [[ "$backends" == sqlite || "$backends" == both ]]; then
  sqlite_db="$work/renew.db"
  run sqlite "sqlite://$sqlite_db" "sqlite3 $sqlite_db"
fi
if [[ "$backends" == postgres || "$backends" == both ]]; then
  pg_url=$("$repo/scripts/pg-test-db")
  tenure_url=$pg_url
  [[ -n "$pg_sync_commit" ]] && tenure_url="$pg_url?options=-csynchronous_commit%3D$pg_sync_commit"
  run postgres "$tenure_url" "psql -X -q -At -d $pg_url -c"
fi
