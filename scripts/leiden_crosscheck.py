#!/usr/bin/env python3
"""Reference community detection for lockstep-graph's Leiden cross-check.

Uses the reference implementation (python-igraph + leidenalg from PyPI) to compute the best
modularity found on a few standard graphs, so the Rust Leiden (leiden-rs behind
lockstep_graph::LeidenDetector) can be checked against it.

Usage:
  leiden_crosscheck.py --write-fixtures DIR   # writes DIR/*.edges and DIR/leiden_reference.json
  leiden_crosscheck.py FILE.edges...          # prints {"name": {"modularity": q, ...}} as JSON

Edge files: first line `# nodes N`, then `u v w` per line (0-based, undirected).
Install: python3 -m venv .venv && .venv/bin/pip install igraph==1.0.0 leidenalg==0.12.0
"""
import json
import os
import random
import sys

import igraph as ig
import leidenalg as la

SEEDS = range(10)


def read_edges(path):
    n = None
    edges, weights = [], []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            if line.startswith("#"):
                parts = line[1:].split()
                if len(parts) == 2 and parts[0] == "nodes":
                    n = int(parts[1])
                continue
            u, v, w = line.split()
            edges.append((int(u), int(v)))
            weights.append(float(w))
    if n is None:
        n = 1 + max(max(e) for e in edges)
    return n, edges, weights


def best_modularity(n, edges, weights):
    g = ig.Graph(n=n, edges=edges)
    g.es["weight"] = weights
    best = None
    for s in SEEDS:
        p = la.find_partition(g, la.ModularityVertexPartition, weights="weight", n_iterations=-1, seed=s)
        q = g.modularity(p.membership, weights="weight")
        if best is None or q > best[0]:
            best = (q, len(p))
    return {"modularity": best[0], "communities": best[1], "nodes": n, "edges": len(edges)}


def write_edges(path, n, edges, weights):
    with open(path, "w") as f:
        f.write(f"# nodes {n}\n")
        for (u, v), w in zip(edges, weights):
            f.write(f"{u} {v} {w:g}\n")


def fixtures():
    rnd = random.Random(20190612)
    out = {}
    # Zachary's karate club, unweighted.
    k = ig.Graph.Famous("Zachary")
    out["karate"] = (k.vcount(), [e.tuple for e in k.es], [1.0] * k.ecount())
    # Planted partition: 6 groups of 20, p_in = 0.3, p_out = 0.02.
    n, groups = 120, 6
    e = [(i, j) for i in range(n) for j in range(i + 1, n)
         if rnd.random() < (0.3 if i * groups // n == j * groups // n else 0.02)]
    out["planted"] = (n, e, [1.0] * len(e))
    # The same shape with coordination-like weights (-log10 p): heavy inside, light across.
    e2, w2 = [], []
    for i in range(n):
        for j in range(i + 1, n):
            same = i * groups // n == j * groups // n
            if rnd.random() < (0.3 if same else 0.03):
                e2.append((i, j))
                w2.append(round(rnd.uniform(8, 60) if same else rnd.uniform(2, 10), 3))
    out["weighted_planted"] = (n, e2, w2)
    # Ring of 10 cliques of 5 (the classic resolution-limit example).
    e3 = []
    for c in range(10):
        b = c * 5
        e3 += [(b + i, b + j) for i in range(5) for j in range(i + 1, 5)]
        e3.append((b, ((c + 1) % 10) * 5 + 1))
    out["ring_of_cliques"] = (50, e3, [1.0] * len(e3))
    return out


def main(argv):
    if len(argv) == 3 and argv[1] == "--write-fixtures":
        d = argv[2]
        os.makedirs(d, exist_ok=True)
        ref = {}
        for name, (n, e, w) in fixtures().items():
            write_edges(os.path.join(d, f"{name}.edges"), n, e, w)
            ref[name] = best_modularity(n, e, w)
        ref["_generator"] = f"igraph {ig.__version__}, leidenalg {la.version}, best of seeds 0..9"
        with open(os.path.join(d, "leiden_reference.json"), "w") as f:
            json.dump(ref, f, indent=2, sort_keys=True)
            f.write("\n")
        print(json.dumps(ref, indent=2, sort_keys=True))
        return 0
    if len(argv) >= 2:
        res = {}
        for p in argv[1:]:
            name = os.path.splitext(os.path.basename(p))[0]
            res[name] = best_modularity(*read_edges(p))
        print(json.dumps(res, sort_keys=True))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
