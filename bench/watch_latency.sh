#!/usr/bin/env bash
# lockstep watch: release throughput (stdin and, with nats-server on PATH, NATS JetStream),
# alert latency (p50/p99 wall, stream-time bound) and restart-to-caught-up, on simulated worlds.
# Bounded: a 4,000-account / 60,000-post world by default (a few minutes on 2 cores).
#
# Usage: bench/watch_latency.sh
# Env:   LOCKSTEP_LATENCY_EVERY (snapshot interval, s; default 3600),
#        LOCKSTEP_LATENCY_SIZE=ACCOUNTS,POSTS (default 4000,60000), SKIP_NATS=1
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
NATS_PID=
cleanup() { [ -n "$NATS_PID" ] && kill "$NATS_PID" 2>/dev/null || true; }
trap cleanup EXIT
if [ -z "${SKIP_NATS:-}" ] && [ -z "${LOCKSTEP_NATS_URL:-}" ] && command -v nats-server >/dev/null; then
  PORT=14377
  JS=$(mktemp -d)
  nats-server -js -a 127.0.0.1 -p "$PORT" -sd "$JS" >/dev/null 2>&1 &
  NATS_PID=$!
  sleep 1
  export LOCKSTEP_NATS_URL=nats://127.0.0.1:$PORT
fi
cargo test --release -p lockstep-watch --test throughput -- --ignored --nocapture --test-threads 1 2>&1 \
  | grep -E '^(stdin|nats|latency|restart|NATS)'
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
