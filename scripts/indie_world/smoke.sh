#!/usr/bin/env bash
# CI smoke check on worlds from the independent generator (docs/indie_world.md): a small state
# operation must be found (F1 >= 0.9) and an organic-only world must have no account flagged.
# Small worlds (3,000 accounts) so it takes seconds; the full figures come from run.sh.
# Usage: scripts/indie_world/smoke.sh LOCKSTEP_BINARY [WORK_DIR]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
LOCKSTEP="${1:?usage: smoke.sh LOCKSTEP_BINARY [WORK_DIR]}"
WORK="${2:-/tmp/indie-smoke}"
rm -rf "$WORK"
mkdir -p "$WORK"

check() { # scenario, minimum F1 (or "none" for no flagged account)
  local sc=$1 want=$2 d="$WORK/$1"
  python3 "$HERE/gen.py" --seed 1 --accounts 3000 --scenario "$sc" --out "$d" >/dev/null
  "$LOCKSTEP" investigate -q "$d/indie_tweets.csv" "$d/indie_users.csv" "$d/logins.csv" --out "$d/out" >/dev/null
  "$LOCKSTEP" eval "$d/out" --labels "$d/labels.csv" --positive op_core,op_amplifier --json \
    2>/dev/null >"$d/eval.json"
  python3 - "$d/eval.json" "$sc" "$want" <<'PY'
import json, sys
path, sc, want = sys.argv[1:]
o = json.load(open(path))["overall"]
flagged = o["tp"] + o["fp"]
print(f"{sc}: precision {o['precision']:.3f} recall {o['recall']:.3f} F1 {o['f1']:.3f}, {flagged} flagged")
if want == "none":
    ok = flagged == 0
else:
    ok = o["f1"] >= float(want)
if not ok:
    sys.exit(f"{sc}: below the bar ({want})")
PY
}

check state_op 0.9
check organic_only none
echo "independent-world smoke check passed"
