#!/usr/bin/env bash
# Runs a command under /usr/bin/time -v and samples its resident memory (VmRSS) every 0.25 s,
# so a peak can be placed in a stage (compare the sample times with summary.json `timings`).
#
# Usage: bench/rss_trace.sh TRACE_FILE COMMAND [ARGS...]
#   TRACE_FILE        lines "seconds_since_start rss_kib"
#   TRACE_FILE.time   the /usr/bin/time -v report (peak RSS, CPU, wall)
# Example:
#   bench/rss_trace.sh /tmp/rss.txt target/release/lockstep investigate tweets.csv --quiet --out /tmp/o
set -euo pipefail
out=$1
shift
/usr/bin/time -v "$@" 2>"$out.time" &
timer=$!
pid=""
for _ in $(seq 100); do
  pid=$(pgrep -P "$timer" | head -1 || true)
  [ -n "$pid" ] && break
  sleep 0.02
done
start=$(date +%s.%N)
: >"$out"
while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$rss" ] && awk -v a="$start" -v b="$(date +%s.%N)" -v r="$rss" 'BEGIN{printf "%.2f %d\n", b - a, r}' >>"$out"
  sleep 0.25
done
wait "$timer"
