//! The GEXF and GraphML files parse in networkx (installed from PyPI into a virtualenv under the
//! target directory) with the right nodes, edges and attributes, even with hostile strings.

use lockstep_export::{NetEdge, NetNode, write_gexf, write_graphml};
use std::path::PathBuf;
use std::process::Command;

/// A Python interpreter in a virtualenv holding `pkgs`, created once under the target dir.
/// `None` (with the reason printed) only when PyPI cannot be reached.
fn venv_python(name: &str, pkgs: &[&str]) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let py = dir.join("bin").join("python");
    let marker = dir.join(".installed");
    if marker.exists() {
        return Some(py);
    }
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&dir)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        ok,
        "python3 -m venv failed: python3 with venv is required for this test"
    );
    let out = Command::new(&py)
        .args(["-m", "pip", "install", "-q", "--disable-pip-version-check"])
        .args(pkgs)
        .output()
        .expect("run pip");
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("Could not find a version") || err.contains("connection") {
            eprintln!("SKIP: pip cannot reach PyPI: {err}");
            return None;
        }
        panic!("pip install {pkgs:?} failed: {err}");
    }
    std::fs::write(&marker, b"ok").unwrap();
    Some(py)
}

#[test]
fn gexf_and_graphml_parse_in_networkx() {
    let Some(py) = venv_python("lockstep-export-venv", &["networkx==3.4.2"]) else {
        return;
    };
    let nodes = vec![
        NetNode {
            id: "a&<1>",
            label: "Ann \"the\" <bot>\u{1}",
            cluster: 0,
            verdict: "inauthentic",
            role: "core",
            score: 0.9,
        },
        NetNode {
            id: "b'2",
            label: "中文",
            cluster: 0,
            verdict: "",
            role: "",
            score: f64::NAN,
        },
        NetNode {
            id: "c3",
            label: "c3",
            cluster: -1,
            verdict: "",
            role: "",
            score: f64::NAN,
        },
    ];
    let edges = vec![
        NetEdge {
            source: 0,
            target: 1,
            weight: 3.5,
            layers: "repost;url".into(),
            events: 7,
            directed: false,
        },
        NetEdge {
            source: 1,
            target: 2,
            weight: 1.0,
            layers: "amplify".into(),
            events: 1,
            directed: true,
        },
    ];
    let dir = tempfile::tempdir().unwrap();
    let gexf = dir.path().join("network.gexf");
    let graphml = dir.path().join("network.graphml");
    write_gexf(&gexf, &nodes, &edges).unwrap();
    write_graphml(&graphml, &nodes, &edges).unwrap();
    let script = r#"
import sys, networkx as nx
g = nx.read_graphml(sys.argv[1])
assert g.number_of_nodes() == 3 and g.number_of_edges() == 2, (g.number_of_nodes(), g.number_of_edges())
assert g.nodes["a&<1>"]["label"] == 'Ann "the" <bot>', g.nodes["a&<1>"]
assert g.nodes["b'2"]["label"] == "中文"
assert g.edges["a&<1>", "b'2"]["weight"] == 3.5
assert g.edges["a&<1>", "b'2"]["layers"] == "repost;url"
assert g.edges["b'2", "c3"]["directed"] is True
h = nx.read_gexf(sys.argv[2])
assert h.number_of_nodes() == 3 and h.number_of_edges() == 2, (h.number_of_nodes(), h.number_of_edges())
assert h.edges["a&<1>", "b'2"]["weight"] == 3.5
assert h.nodes["a&<1>"]["cluster"] == 0
assert h.nodes["a&<1>"]["label"] == 'Ann "the" <bot>'
print("ok")
"#;
    let out = Command::new(&py)
        .arg("-c")
        .arg(script)
        .arg(&graphml)
        .arg(&gexf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "networkx rejected the files: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
}
