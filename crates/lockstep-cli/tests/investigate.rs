//! `lockstep investigate` end to end: `--semantics coortweet` on russian_coord_tweets writes the
//! DESIGN §9 files and CooRTweet's thresholded graph (60 edges, 34 components, 94 accounts, as in
//! the reference README); bad arguments fail with a clear message.

use assert_cmd::Command;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    std::env::var_os("LOCKSTEP_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

#[test]
fn coortweet_semantics_on_russian_coord_tweets() {
    let input = data_dir().join("coortweet/russian_coord_tweets.csv");
    let out = tempfile::tempdir().unwrap();
    Command::cargo_bin("lockstep")
        .unwrap()
        .args([
            "investigate",
            "--semantics",
            "coortweet",
            "--window",
            "60",
            "--quiet",
        ])
        .arg(&input)
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let edges = std::fs::read_to_string(out.path().join("edges.csv")).unwrap();
    assert_eq!(edges.lines().count(), 1 + 60);
    let all = std::fs::read_to_string(out.path().join("coortweet_edges.csv")).unwrap();
    assert_eq!(all.lines().count(), 1 + 3_721);
    let clusters = std::fs::read_to_string(out.path().join("clusters.csv")).unwrap();
    assert_eq!(clusters.lines().count(), 1 + 34);
    let in_clusters: u32 = clusters
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse::<u32>().unwrap())
        .sum();
    assert_eq!(in_clusters, 94);
    let summary = std::fs::read_to_string(out.path().join("summary.json")).unwrap();
    assert!(summary.contains("\"blake3\""));
    assert!(out.path().join("network.graphml").exists());
}

#[test]
fn unknown_semantics_and_layer_are_refused() {
    let input = data_dir().join("coortweet/russian_coord_tweets.csv");
    let out = tempfile::tempdir().unwrap();
    let a = Command::cargo_bin("lockstep")
        .unwrap()
        .args(["investigate", "--semantics", "nope"])
        .arg(&input)
        .arg("--out")
        .arg(out.path())
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("unknown --semantics `nope`"), "{err}");
    let a = Command::cargo_bin("lockstep")
        .unwrap()
        .args(["investigate", "--layers", "reposts"])
        .arg(&input)
        .arg("--out")
        .arg(out.path())
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("unknown layer `reposts`"), "{err}");
}
