//! Cross-check of our Leiden (leiden-rs behind `LeidenDetector`) against the reference
//! implementation, Python `leidenalg` on `igraph`, on standard graphs.
//!
//! `tests/data/leiden_reference.json` holds the best modularity `leidenalg` 0.12.0 found (seeds
//! 0..9) on each `tests/data/*.edges` graph; `scripts/leiden_crosscheck.py --write-fixtures
//! crates/lockstep-graph/tests/data` regenerates both. The ignored test `live_reference` reruns
//! the Python side (set `LOCKSTEP_PYTHON` to an interpreter with `igraph` and `leidenalg`).

use lockstep_graph::{CommunityDetector, CoordinationGraph, LeidenDetector, modularity};
use lockstep_model::AccountId;
use std::path::{Path, PathBuf};

/// Our modularity may fall short of the reference by at most this much.
const TOLERANCE: f64 = 0.01;
const GRAPHS: [&str; 4] = ["karate", "planted", "weighted_planted", "ring_of_cliques"];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn read_graph(name: &str) -> CoordinationGraph {
    let text = std::fs::read_to_string(data_dir().join(format!("{name}.edges")))
        .unwrap_or_else(|e| panic!("{name}.edges: {e}"));
    let edges = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 3, "bad line {l:?}");
            let p = |s: &str| s.parse::<u32>().unwrap_or_else(|e| panic!("{l:?}: {e}"));
            let w: f64 = f[2].parse().unwrap_or_else(|e| panic!("{l:?}: {e}"));
            (AccountId(p(f[0])), AccountId(p(f[1])), w)
        });
    CoordinationGraph::from_edges(edges)
}

/// Best of a few seeds, as the reference does.
fn our_best(g: &CoordinationGraph) -> (f64, usize) {
    (0..5u64)
        .map(|seed| {
            let d = LeidenDetector {
                seed,
                ..Default::default()
            };
            let m = d.detect(g).expect("leiden runs");
            let k = m.iter().copied().max().map_or(0, |x| x as usize + 1);
            (modularity(g, &m, 1.0), k)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .expect("five seeds")
}

fn compare(reference: &serde_json::Value) {
    for name in GRAPHS {
        let g = read_graph(name);
        let r = &reference[name];
        let q_ref = r["modularity"].as_f64().expect("reference modularity");
        assert_eq!(
            g.node_count() as u64,
            r["nodes"].as_u64().expect("nodes"),
            "{name}"
        );
        let (q, k) = our_best(&g);
        println!(
            "{name}: ours Q={q:.4} ({k} communities), leidenalg Q={q_ref:.4} ({} communities)",
            r["communities"]
        );
        assert!(
            q >= q_ref - TOLERANCE,
            "{name}: ours {q} < reference {q_ref}"
        );
        assert!(
            q <= q_ref + TOLERANCE,
            "{name}: ours {q} well above reference {q_ref}?"
        );
    }
}

#[test]
fn matches_reference_fixture() {
    let text = std::fs::read_to_string(data_dir().join("leiden_reference.json"))
        .expect("reference fixture");
    let reference: serde_json::Value = serde_json::from_str(&text).expect("valid json");
    compare(&reference);
}

#[test]
#[ignore = "needs Python with igraph and leidenalg (see scripts/leiden_crosscheck.py)"]
fn live_reference() {
    let python = std::env::var("LOCKSTEP_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/leiden_crosscheck.py");
    let files: Vec<PathBuf> = GRAPHS
        .iter()
        .map(|n| data_dir().join(format!("{n}.edges")))
        .collect();
    let out = std::process::Command::new(&python)
        .arg(&script)
        .args(&files)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reference: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("script prints json");
    compare(&reference);
}
