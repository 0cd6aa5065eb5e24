#!/usr/bin/env bash
# What the wrk benchmarks share (bench/http.sh, bench/api.sh): a free port, wrk's latencies in
# milliseconds, and run_wrk, which runs wrk once and records its throughput, latency and the
# CPU the server, wrk and everything else used meanwhile. Sourced; the script sets url, work,
# server_pid, threads, connections and duration before calling run_wrk.

free_port() {
  # Bind port 0 and report what the kernel chose (released at once; a race is harmless here:
  # the server then fails to bind and the wait below reports it).
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
  fi
}

to_ms() {  # wrk latency (e.g. 812.00us, 1.23ms, 1.01s) -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}

# CPU accounting in clock ticks (USER_HZ): the whole machine from /proc/stat, the server from
# /proc/PID/stat; wrk's own time comes from bash's `time`. What is left is other work on the
# machine (a build, another benchmark) that skews the numbers: it is printed with the results.
clk_tck="$(getconf CLK_TCK)"
machine_busy_ticks() { awk '/^cpu / { print $2+$3+$4+$7+$8+$9 }' /proc/stat; }
server_ticks() { awk '{ print $14+$15 }' "/proc/$server_pid/stat"; }
cores() {  # ticks seconds -> cores busy (tick rounding can make "other" dip below zero: clamp)
  awk -v t="$1" -v hz="$clk_tck" -v s="$2" 'BEGIN { c = t / hz / s; printf "%.2f", c < 0 ? 0 : c }'
}

declare -A rps p50 p99 bytes_per_req cpu_server cpu_wrk cpu_other
run_wrk() {  # name path [wrk args...]
  local name="$1" path="$2"; shift 2
  local out="$work/wrk-$name.txt" timing="$work/time-$name.txt"
  local cmd=(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$url$path" "$@")
  printf '$ %s\n' "$(printf '%q ' "${cmd[@]}" | sed 's/tenure_session=[^ ]*/tenure_session=<session>/; s/ $//')"
  local busy0 srv0 busy1 srv1 t0 t1
  busy0="$(machine_busy_ticks)"; srv0="$(server_ticks)"; t0="$(date +%s.%N)"
  { TIMEFORMAT='%U %S'; time "${cmd[@]}" >"$out"; } 2>"$timing"
  busy1="$(machine_busy_ticks)"; srv1="$(server_ticks)"; t1="$(date +%s.%N)"
  cat "$out"
  local seconds wrk_ticks
  seconds="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
  wrk_ticks="$(awk -v hz="$clk_tck" '{ printf "%.0f", ($1 + $2) * hz }' "$timing")"
  cpu_server[$name]="$(cores $((srv1 - srv0)) "$seconds")"
  cpu_wrk[$name]="$(cores "$wrk_ticks" "$seconds")"
  cpu_other[$name]="$(cores $((busy1 - busy0 - (srv1 - srv0) - wrk_ticks)) "$seconds")"
  echo "cpu during the run (cores): server ${cpu_server[$name]}, wrk ${cpu_wrk[$name]}, other ${cpu_other[$name]}"
  echo
  if awk -v o="${cpu_other[$name]}" 'BEGIN { exit !(o > 0.10) }'; then
    echo "${0##*/}: warning: other work used ${cpu_other[$name]} cores during this run; the numbers are skewed" >&2
  fi
  if grep -q 'Non-2xx or 3xx responses' "$out" || grep -q 'Socket errors' "$out"; then
    echo "${0##*/}: wrk saw errors on $path" >&2; exit 1
  fi
  rps[$name]="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")"
  p50[$name]="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")"
  p99[$name]="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")"
  local requests amount
  requests="$(awk '/requests in/ { print $1 }' "$out")"
  amount="$(awk '/requests in/ { print $5 }' "$out")"
  bytes_per_req[$name]="$(awk -v r="$amount" -v n="$requests" 'BEGIN {
    v = r + 0; u = r; sub(/^[0-9.]+/, "", u)
    if (u == "KB") v *= 1024; else if (u == "MB") v *= 1048576; else if (u == "GB") v *= 1073741824
    printf "%.0f", v / n }')"
}
