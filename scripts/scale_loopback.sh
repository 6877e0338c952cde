#!/usr/bin/env bash
# Scaling benchmark of the co-action stage on timely dataflow (issue 21, docs/scale.md):
# one simulated world, investigated by the in-process engine, by one timely worker
# (--workers 1), and by 1, 2 and 4 processes on loopback (one worker each). Prints, per run,
# the wall time, the co-action stage (sum of the per-layer timings in summary.json: trace
# building + counting), the seconds inside the dataflow, and the bytes process 0 sent to other
# processes per post, and the bytes each other process sent (they read no input: only process 0
# reads and builds the traces); checks that edges/accounts/clusters are byte-identical to the
# engine's.
#
# usage: scripts/scale_loopback.sh [ACCOUNTS] [POSTS]      (default 20000 300000)
# env:   LOCKSTEP=path/to/lockstep (default target/release/lockstep), PORT=first port (47300)
set -euo pipefail
ACCOUNTS=${1:-20000}
POSTS=${2:-300000}
B=${LOCKSTEP:-target/release/lockstep}
PORT=${PORT:-47300}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
"$B" simulate --accounts "$ACCOUNTS" --posts "$POSTS" --out "$W/world" >/dev/null
IN="$W/world/tweets.csv"
ROWS=$(($(wc -l <"$IN") - 1))

report() { # name out wall
  python3 - "$1" "$2" "$3" "$ROWS" <<'PY'
import json, re, sys
name, out, wall, rows = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
s = json.load(open(out + "/summary.json"))
co = sum(v for k, v in s["timings"].items() if ":" in k)
note = next((n for n in s["notes"] if n.startswith("co-action on timely")), "")
m = re.search(r"sent (\d+) bytes to other processes and (\d+) bytes between", note)
d = re.search(r"([0-9.]+) s in the dataflow", note)
net = int(m.group(1)) if m else 0
loc = int(m.group(2)) if m else 0
print(f"{name:<22} wall {wall:7.2f} s  co-action {co:7.2f} s  dataflow {d.group(1) if d else '-':>7} s"
      f"  net {net/rows:8.1f} B/post  local {loc/rows:8.1f} B/post")
PY
}

run_one() { # name out args...
  local name=$1 out=$2
  shift 2
  local t0 t1
  t0=$(date +%s.%N)
  "$B" investigate "$IN" --out "$out" -q "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  report "$name" "$out" "$(echo "$t1 - $t0" | bc)"
}

same() { for f in edges.csv accounts.csv clusters.csv; do cmp -s "$W/engine/$f" "$1/$f" || { echo "DIFFERS: $1/$f"; exit 1; }; done; }

echo "world: $ACCOUNTS accounts, $ROWS posts ($(stat -c %s "$IN") bytes read by process 0); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
run_one "engine (in process)" "$W/engine"
run_one "timely --workers 1" "$W/w1" --workers 1
same "$W/w1"
run_one "timely --workers 2" "$W/w2" --workers 2
same "$W/w2"
for n in 1 2 4; do
  : >"$W/hosts$n"
  for i in $(seq 0 $((n - 1))); do echo "127.0.0.1:$((PORT + 10 * n + i))" >>"$W/hosts$n"; done
  pids=()
  for i in $(seq 1 $((n - 1))); do
    # Followers are given a path that does not exist: they read no input.
    "$B" investigate "$W/absent.csv" --out "$W/p$n" --processes "$n" --process "$i" --hostfile "$W/hosts$n" >/dev/null 2>"$W/err$n.$i" &
    pids+=($!)
  done
  run_one "$n process(es) loopback" "$W/p$n" --processes "$n" --process 0 --hostfile "$W/hosts$n"
  for p in "${pids[@]}"; do wait "$p"; done
  for i in $(seq 1 $((n - 1))); do
    sent=$(sed -n 's/.*sent \([0-9]*\) bytes to other processes.*/\1/p' "$W/err$n.$i")
    echo "  process $i: read no input, sent $(python3 -c "print(f'{${sent:-0}/$ROWS:.1f}')") B/post to other processes"
  done
  same "$W/p$n"
done
echo "all outputs byte-identical to the engine's"
