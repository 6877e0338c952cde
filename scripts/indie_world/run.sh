#!/usr/bin/env bash
# Generate the independent worlds (3 scenarios x seeds 1,2,3), run Lockstep on each and print one
# table: precision/recall/F1 on the positive labels, false-positive rate per negative label, runtime.
# Usage: scripts/indie_world/run.sh [SEEDS...]   (env: LOCKSTEP=/work/bin/lockstep-indie WORK=/tmp/indie ACCOUNTS=20000
#        SCENARIOS="state_op spam_net organic_only troll_farm small_op organic_storm" SMALL_OP_ACCOUNTS=50000)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
LOCKSTEP="${LOCKSTEP:-/work/bin/lockstep-indie}"
WORK="${WORK:-/tmp/indie}"
ACCOUNTS="${ACCOUNTS:-20000}"
SEEDS=("$@"); [ ${#SEEDS[@]} -eq 0 ] && SEEDS=(1 2 3)
SCENARIOS="${SCENARIOS:-state_op spam_net organic_only}"
mkdir -p "$WORK"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
for sc in $SCENARIOS; do
  case "$sc" in
    state_op|small_op) POS=op_core,op_amplifier ;;
    spam_net) POS=spam_amplifier ;;
    troll_farm) POS=troll_right,troll_left,troll_hashtag,troll_news,troll_fearmonger ;;
    *) POS=op_core,op_amplifier ;;  # none present: every flagged account is a false positive
  esac
  N="$ACCOUNTS"
  [ "$sc" = small_op ] && N="${SMALL_OP_ACCOUNTS:-50000}"  # a small operation in a large population
  for seed in "${SEEDS[@]}"; do
    d="$WORK/${sc}_$seed"
    rm -rf "$d"
    g0=$EPOCHREALTIME
    python3 "$HERE/gen.py" --seed "$seed" --accounts "$N" --scenario "$sc" --out "$d" 2>"$d.gen.log" || { cat "$d.gen.log"; exit 1; }
    g1=$EPOCHREALTIME
    "$LOCKSTEP" inspect "$d/indie_tweets.csv" "$d/indie_users.csv" "$d/logins.csv" > "$d.inspect.txt"
    i0=$EPOCHREALTIME
    "$LOCKSTEP" investigate -q "$d/indie_tweets.csv" "$d/indie_users.csv" "$d/logins.csv" --out "$d/out" > "$d.investigate.log" 2>&1
    i1=$EPOCHREALTIME
    "$LOCKSTEP" eval "$d/out" --labels "$d/labels.csv" --positive "$POS" --json > "$d.eval.json"
    "$LOCKSTEP" eval "$d/out" --labels "$d/labels.csv" --positive "$POS" > "$d.eval.txt"
    printf '%s\t%s\t%s\t%s\t%s\n' "$sc" "$seed" "$d" "$g0:$g1" "$i0:$i1" >> "$RESULTS"
  done
done
python3 - "$RESULTS" <<'PY'
import json, re, sys
known = ["activist", "news", "benign_bot", "fan", "organic", "customer", "brand", "journalist"]
seen = set()
for line in open(sys.argv[1]):
    d = line.split("\t")[2]
    seen |= {l["label"] for l in json.load(open(d + ".eval.json"))["labels"] if not l["positive"]}
neg = [n for n in known if n in seen] + sorted(seen - set(known))
print("| scenario | seed | posts | precision | recall | F1 | " + " | ".join("FPR " + n for n in neg) + " | rejected rows | gen s | investigate s |")
print("|---" * (9 + len(neg)) + "|")
for line in open(sys.argv[1]):
    sc, seed, d, gs, isec = line.rstrip("\n").split("\t")
    gs = float(gs.split(":")[1]) - float(gs.split(":")[0])
    isec = float(isec.split(":")[1]) - float(isec.split(":")[0])
    ev = json.load(open(d + ".eval.json"))
    ov = ev.get("overall", {})
    labs = {l["label"]: l for l in ev["labels"]}
    insp = open(d + ".inspect.txt").read()
    rej = sum(int(x.replace(",", "")) for x in re.findall(r"([\d,]+) rejected", insp))
    posts = re.search(r"Posts\s+([\d,]+)", insp).group(1)
    tp = ov.get("tp", 0)
    def f(x):
        return "-" if x is None else "%.3f" % x
    fp, fn = ov.get("fp", 0), ov.get("fn", ov.get("fn_", 0))  # the JSON key is `fn_`
    p = tp / (tp + fp) if (tp + fp) else None  # undefined when nothing is flagged
    r = tp / (tp + fn) if (tp + fn) else None
    f1 = (2 * p * r / (p + r) if (p + r) else 0.0) if (p is not None and r is not None) else (0.0 if r == 0 else None)
    if sc in ("organic_only", "organic_storm"):
        p = r = f1 = None
    cells = []
    for n in neg:
        l = labs.get(n)
        cells.append("-" if l is None else "%.2f%% (%d/%d)" % (100 * l["rate"], l["flagged"], l["n"]))
    print("| %s | %s | %s | %s | %s | %s | %s | %d | %.0f | %.1f |" % (sc, seed, posts, f(p), f(r), f(f1), " | ".join(cells), rej, float(gs), float(isec)))
PY
