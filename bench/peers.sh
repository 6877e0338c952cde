#!/usr/bin/env bash
# Side-by-side benchmark: Lockstep's engine (all default layers, both scales) versus the
# coordination-network-toolkit 1.5.2 (QUT) co_retweet + co_tweet + co_link on the same synthetic
# input and the same 60 s window, preprocessing included; plus --semantics coortweet on
# russian_coord_tweets. Wall time and peak memory (max RSS) via /usr/bin/time when present.
#
# Usage: bench/peers.sh [POSTS] [ACCOUNTS]      (defaults 1000000 50000)
# Env:   LOCKSTEP_DATA (default ../shared/data), WORK (default target/bench-peers), SKIP_QUT=1
set -euo pipefail
POSTS=${1:-1000000}
ACCOUNTS=${2:-50000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${LOCKSTEP_DATA:-$ROOT/../shared/data}
WORK=${WORK:-$ROOT/target/bench-peers}
mkdir -p "$WORK"
cd "$ROOT"

timed() { # label, command...
  local label=$1; shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "$label: wall %e s, user %U s, sys %S s, max RSS %M KiB" "$@"
  else
    local s=$(date +%s.%N); "$@"; echo "$label: wall $(echo "$(date +%s.%N) - $s" | bc) s"
  fi
}

cargo build --release -p lockstep-pipeline --example engine_bench
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/engine_bench

echo "== Lockstep engine: $POSTS posts / $ACCOUNTS accounts, all default layers, burst + drip"
timed "lockstep" "$BIN" --posts "$POSTS" --accounts "$ACCOUNTS" --qut-csv "$WORK/world_qut.csv"

if [ -f "$DATA/coortweet/russian_coord_tweets.csv" ]; then
  echo "== --semantics coortweet on russian_coord_tweets (window 60, min participation 2)"
  "$BIN" --coortweet "$DATA/coortweet/russian_coord_tweets.csv"
fi

if [ "${SKIP_QUT:-0}" = 1 ]; then exit 0; fi
echo "== QUT coordination-network-toolkit 1.5.2: preprocess + co_retweet + co_tweet + co_link, window 60"
VENV=$WORK/qut-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q coordination-network-toolkit==1.5.2
fi
DB=$WORK/qut.db
rm -f "$DB" "$DB"-wal "$DB"-shm
NCPU=$(nproc)
timed "qut preprocess" "$VENV/bin/python" -m coordination_network_toolkit "$DB" preprocess --format csv "$WORK/world_qut.csv" >/dev/null
for net in co_retweet co_tweet co_link; do
  timed "qut $net" "$VENV/bin/python" -m coordination_network_toolkit "$DB" compute "$net" \
    --time_window 60 --n_cpus "$NCPU" >/dev/null
done
