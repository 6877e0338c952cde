#!/usr/bin/env bash
# Paired end-to-end benchmark on an archive-shaped input, as a user runs both tools:
#   1. `lockstep simulate` writes a Twitter-archive world (tweets.csv, 31 columns);
#   2. `lockstep investigate tweets.csv` (release build, default settings and outputs);
#   3. the QUT coordination-network-toolkit 1.5.2 pipeline on the same posts: a CSV adapter
#      (archive columns -> the toolkit's message_id,user_id,username,repost_id,reply_id,message,
#      timestamp,urls; Python standard library, streaming), `preprocess`, then `compute`
#      co_retweet, co_tweet and co_link with --time_window 60,
# back to back, each under /usr/bin/time (wall, user, system, max RSS), with the load average
# before each step (the machine may be shared: compare CPU seconds and max RSS first).
#
# Usage: bench/paired_qut.sh [POSTS] [ACCOUNTS]          (defaults 1000000 50000)
# Env:   WORK (default /tmp/lockstep-paired), SKIP_QUT=1 (Lockstep only), SKIP_BUILD=1,
#        QUT_VENV (default /tmp/qut-venv; created with pip install coordination-network-toolkit==1.5.2
#        when missing), CARGO_TARGET_DIR.
# Not for CI: at 1M posts the QUT side takes minutes.
set -euo pipefail
POSTS=${1:-1000000}
ACCOUNTS=${2:-50000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/lockstep-paired}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
VENV=${QUT_VENV:-/tmp/qut-venv}
mkdir -p "$WORK"

timed() { # label, command...
  local label=$1; shift
  echo "-- $label (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/time -f "$label: wall %e s, user %U s, sys %S s, max RSS %M KiB" "$@"
}

if [ -z "${SKIP_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build -q --release -p lockstep-cli)
fi
LOCKSTEP=$TARGET/release/lockstep

WORLD=$WORK/world-$POSTS-$ACCOUNTS
if [ ! -f "$WORLD/tweets.csv" ]; then
  "$LOCKSTEP" simulate --accounts "$ACCOUNTS" --posts "$POSTS" --seed 1 --out "$WORLD" >/dev/null
fi
echo "== input: $WORLD/tweets.csv, $(stat -c %s "$WORLD/tweets.csv") bytes"

rm -rf "$WORK/out"
timed "lockstep investigate" "$LOCKSTEP" investigate "$WORLD/tweets.csv" --quiet --out "$WORK/out"
echo "lockstep outputs: $(du -cb "$WORK/out" | tail -1 | cut -f1) bytes"
python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings"]; print("lockstep stages:", ", ".join(f"{k} {v:.2f}" for k, v in sorted(t.items()) if ":" not in k or k.startswith("write:")))' "$WORK/out/summary.json"

if [ "${SKIP_QUT:-0}" = 1 ]; then exit 0; fi
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q coordination-network-toolkit==1.5.2
fi
cat > "$WORK/adapter.py" <<'EOF'
"""Archive tweets.csv -> the QUT toolkit's CSV (streaming, standard library only)."""
import csv, sys
from datetime import datetime, timezone

def urls(cell):
    cell = cell.strip().strip("[]")
    return " ".join(u.strip().strip("'\"") for u in cell.split(",") if u.strip().strip("'\""))

def posix(t):
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return int(datetime.strptime(t, fmt).replace(tzinfo=timezone.utc).timestamp())
        except ValueError:
            pass
    raise SystemExit(f"bad tweet_time {t!r}")

src, dst = sys.argv[1], sys.argv[2]
csv.field_size_limit(1 << 30)
with open(src, newline="", encoding="utf-8") as f, open(dst, "w", newline="", encoding="utf-8") as g:
    w = csv.writer(g)
    w.writerow(["message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls"])
    for r in csv.DictReader(f):
        repost = r["retweet_tweetid"] if r["is_retweet"].lower() == "true" else ""
        w.writerow([r["tweetid"], r["userid"], r["user_screen_name"], repost,
                    r["in_reply_to_tweetid"], r["tweet_text"], posix(r["tweet_time"]), urls(r["urls"])])
EOF
DB=$WORK/qut.db
rm -f "$DB" "$DB"-wal "$DB"-shm
timed "qut adapter" "$VENV/bin/python" "$WORK/adapter.py" "$WORLD/tweets.csv" "$WORK/qut.csv"
timed "qut preprocess" "$VENV/bin/python" -m coordination_network_toolkit "$DB" preprocess --format csv "$WORK/qut.csv" >/dev/null
for net in co_retweet co_tweet co_link; do
  timed "qut $net" "$VENV/bin/python" -m coordination_network_toolkit "$DB" compute "$net" \
    --time_window 60 --n_cpus "$(nproc)" >/dev/null
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
