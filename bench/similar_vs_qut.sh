#!/usr/bin/env bash
# Side-by-side: Lockstep's similar_text layer (+ windowed kernel) vs the QUT coordination network
# toolkit's co_similar_tweet on the same 100,000-post input.
#
# Usage: bench/similar_vs_qut.sh [POSTS] [WINDOW_S] [QUT_TIMEOUT]
#   POSTS        posts to generate (default 100000)
#   WINDOW_S     co-action window in seconds for both tools (default 60)
#   QUT_TIMEOUT  cap on QUT's run (default 30m); a run that hits it is reported as not finished.
# SKIP_BUILD=1 reuses an existing $CARGO_TARGET_DIR/release/examples/similar_bench.
# Needs python3 with venv; installs coordination-network-toolkit==1.5.2 into /tmp/qut-venv.
# QUT runs with its default similarity threshold (0.8, the CLI default) and its default minimum
# document size; Lockstep with its defaults (threshold 0.7 on shingle sets, see docs/similar_text.md).
set -euo pipefail
POSTS=${1:-100000}
WINDOW=${2:-60}
QUT_TIMEOUT=${3:-30m}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/similar_vs_qut}
mkdir -p "$WORK"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

if [ ! -x /tmp/qut-venv/bin/python ]; then
  python3 -m venv /tmp/qut-venv
  /tmp/qut-venv/bin/pip install -q coordination-network-toolkit==1.5.2
fi

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== building the benchmark (release)"
  (cd "$ROOT" && cargo build -q --release -p lockstep-engine --example similar_bench)
fi
BIN=$CARGO_TARGET_DIR/release/examples/similar_bench

echo "== Lockstep: $POSTS posts, window $WINDOW s"
/usr/bin/time -f "lockstep wall %e s, max RSS %M KiB" \
  "$BIN" --posts "$POSTS" --qut-csv "$WORK/posts.csv" --window "$WINDOW" | tee "$WORK/lockstep.txt" | grep -E "similar_text layer|windowed kernel|generated|load average"

echo "== QUT co_similar_tweet: same $POSTS posts, window $WINDOW s, timeout $QUT_TIMEOUT"
rm -f "$WORK/qut.db"
PY=/tmp/qut-venv/bin/python
start=$(date +%s.%N)
$PY -m coordination_network_toolkit "$WORK/qut.db" preprocess --format csv "$WORK/posts.csv" > "$WORK/qut_pre.txt"
pre=$(date +%s.%N)
status=finished
if ! timeout "$QUT_TIMEOUT" $PY -m coordination_network_toolkit "$WORK/qut.db" compute co_similar_tweet \
     --time_window "$WINDOW" > "$WORK/qut_compute.txt" 2>&1; then
  status="did not finish within $QUT_TIMEOUT"
fi
end=$(date +%s.%N)
echo "QUT preprocess $(echo "$pre - $start" | bc) s; co_similar_tweet $(echo "$end - $pre" | bc) s ($status)"
if [ "$status" = finished ]; then
  echo "QUT edges: $(sqlite3 "$WORK/qut.db" 'select count(*) from co_similar_tweet_network' 2>/dev/null || echo n/a)"
fi
echo "machine load average: $(cat /proc/loadavg)"
