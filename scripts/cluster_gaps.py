#!/usr/bin/env python3
"""Per cluster of a `lockstep investigate` output: each signal's cluster strength, its log-odds
contribution (weight x strength, weights from the run's run.toml) and the gap to the verdict
threshold, with the published labels of the members when given. The diagnostic behind the tables
of docs/scoring.md ("Where the log-odds come from").

Usage: scripts/cluster_gaps.py OUTDIR [--labels FILE] [--id-column C] [--label-column C]
                               [--min-size N]

Signals are read from the cluster's `evidence` column, which lists those at strength 0.2 or
more; the column `rest` is what the others add (z minus bias minus the listed terms)."""
import argparse
import collections
import csv
import gzip
import math
import re
import sys
import tomllib

EV = re.compile(r"(?:^|; )([a-z_]+)=([0-9.]+) \(")


def opener(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rt", newline="") if magic == b"\x1f\x8b" else open(path, newline="")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--labels")
    ap.add_argument("--id-column", default="account_id")
    ap.add_argument("--label-column", default="label")
    ap.add_argument("--min-size", type=int, default=8)
    a = ap.parse_args()
    try:
        with open(f"{a.outdir}/run.toml", "rb") as f:
            params = tomllib.load(f)["score"]["params"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as e:
        sys.exit(f"{a.outdir}/run.toml: cannot read the score weights: {e}")
    w = params["weights"]
    weight = dict(w["signal"])
    weight["coordination"] = w["coordination"]
    weight["amplifies_inauthentic"] = w["amplifies_inauthentic"]
    thr = params["threshold"]
    z_thr = math.log(thr / (1 - thr))
    labels = {}
    if a.labels:
        with opener(a.labels) as f:
            for r in csv.DictReader(f):
                labels[r[a.id_column].lower()] = r[a.label_column]
    members = collections.defaultdict(list)
    with open(f"{a.outdir}/accounts.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["cluster_id"]:
                members[r["cluster_id"]].append(r["account_id"].lower())
    rows = []
    with open(f"{a.outdir}/clusters.csv", newline="") as f:
        for r in csv.DictReader(f):
            if int(r["size"]) < a.min_size:
                continue
            p = min(max(float(r["score"]), 1e-9), 1 - 1e-9)
            z = math.log(p / (1 - p))
            terms = {}
            for name, s in EV.findall(r["evidence"]):
                if name in weight and weight[name] != 0:
                    terms[name] = weight[name] * float(s)
            rest = z - w["bias"] - sum(terms.values())
            labs = collections.Counter(labels.get(m, "?") for m in members[r["cluster_id"]])
            lab = ", ".join(f"{k} {v}" for k, v in labs.most_common(2)) if labels else ""
            top = sorted(terms.items(), key=lambda x: -x[1])
            rows.append((r["cluster_id"], r["size"], lab, r["verdict"], z, z_thr - z, top, rest))
    print("| cluster | size | labels | verdict | z | gap | contributions (weight x strength) | rest |")
    print("|---|---|---|---|---|---|---|---|")
    for cid, size, lab, verdict, z, gap, top, rest in rows:
        contrib = ", ".join(f"{n} {v:+.2f}" for n, v in top)
        print(f"| {cid} | {size} | {lab} | {verdict} | {z:+.2f} | {max(gap, 0):.2f} | {contrib} | {rest:+.2f} |")


if __name__ == "__main__":
    main()
