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

/// Runs `lockstep investigate` on a simulated world's users and tweets with extra arguments.
fn investigate_world(world: &std::path::Path, out: &std::path::Path, extra: &[&str]) {
    Command::cargo_bin("lockstep")
        .unwrap()
        .arg("investigate")
        .arg(world.join("users.csv"))
        .arg(world.join("tweets.csv"))
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .assert()
        .success();
}

/// Per unordered pair of `edges.csv`, its largest layer weight.
fn pair_max_weight(edges_csv: &str) -> std::collections::BTreeMap<(String, String), u32> {
    let mut m = std::collections::BTreeMap::new();
    for line in edges_csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (a, b) = if f[0] < f[1] {
            (f[0], f[1])
        } else {
            (f[1], f[0])
        };
        let w: u32 = f[4].parse().unwrap();
        let e = m.entry((a.to_string(), b.to_string())).or_insert(0);
        *e = (*e).max(w);
    }
    m
}

/// Issue 14: `--min-weight` used to be cleared by the statistics stage (2 and 50 gave
/// byte-identical outputs). Now a significant pair enters the graph only with a layer edge of
/// weight >= min_weight; p- and q-values of the pairs kept are unchanged.
#[test]
fn min_weight_filters_the_coordination_graph() {
    let tmp = tempfile::tempdir().unwrap();
    let world = tmp.path().join("world");
    Command::cargo_bin("lockstep")
        .unwrap()
        .args(["simulate", "--accounts", "400", "--posts", "6000", "--out"])
        .arg(&world)
        .assert()
        .success();
    let run = |name: &str, extra: &[&str]| {
        let out = tmp.path().join(name);
        investigate_world(&world, &out, extra);
        out
    };
    let d = run("default", &[]);
    let w5 = run("w5", &["--min-weight", "5"]);
    let w50 = run("w50", &["--min-weight", "50"]);
    let edges = |d: &std::path::Path| std::fs::read_to_string(d.join("edges.csv")).unwrap();
    let (e_d, e5, e50) = (edges(&d), edges(&w5), edges(&w50));
    let (pd, p5, p50) = (
        pair_max_weight(&e_d),
        pair_max_weight(&e5),
        pair_max_weight(&e50),
    );
    assert!(!pd.is_empty(), "the default finds a graph: {e_d}");
    assert!(pd.values().all(|&w| w >= 2), "{pd:?}");
    assert!(p5.values().all(|&w| w >= 5), "{p5:?}");
    assert!(p50.values().all(|&w| w >= 50), "{p50:?}");
    assert!(p50.len() < pd.len(), "--min-weight 50 keeps fewer pairs");
    assert!(e50.lines().count() < e_d.lines().count());
    assert!(
        p5.len() < pd.len() && !p5.is_empty(),
        "{} {}",
        p5.len(),
        pd.len()
    );
    // The pairs kept at 5 are exactly the default's pairs with a weight >= 5, with the same rows
    // (significance is computed as before, over every observed pair).
    let expect5: Vec<_> = pd.iter().filter(|(_, w)| **w >= 5).collect();
    assert_eq!(p5.iter().collect::<Vec<_>>(), expect5);
    let rows5: std::collections::BTreeSet<&str> = e5.lines().collect();
    let rows_d: std::collections::BTreeSet<&str> = e_d.lines().collect();
    assert!(rows5.is_subset(&rows_d));
    let toml = std::fs::read_to_string(w50.join("run.toml")).unwrap();
    assert!(toml.contains("min_weight = 50"), "{toml}");
    let summary = std::fs::read_to_string(w5.join("summary.json")).unwrap();
    assert!(summary.contains("--min-weight 5:"), "{summary}");
}

/// Issue 14: a users file without posts (the Twitter IO archive's users file) used to give rc 0
/// and header-only outputs without a word. Now stderr and `summary.json` say that no co-action
/// layer can run, and `accounts.csv` lists every profile with its profile-signal score.
#[test]
fn profile_only_input_says_so_and_scores_the_profiles() {
    let input =
        data_dir().join("twitter-io-china-082019-1-users/china_082019_1_users_csv_hashed.csv");
    let out = tempfile::tempdir().unwrap();
    let a = Command::cargo_bin("lockstep")
        .unwrap()
        .args(["investigate", "--quiet"])
        .arg(&input)
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        stderr.contains("china_082019_1_users_csv_hashed.csv"),
        "{stderr}"
    );
    assert!(stderr.contains("no posts and no logins"), "{stderr}");
    assert!(stderr.contains("no co-action layer can run"), "{stderr}");
    assert!(stderr.contains("accounts.csv"), "{stderr}");
    let summary = std::fs::read_to_string(out.path().join("summary.json")).unwrap();
    assert!(summary.contains("no co-action layer can run"), "{summary}");
    let accounts = std::fs::read_to_string(out.path().join("accounts.csv")).unwrap();
    assert_eq!(accounts.lines().count(), 1 + 744);
    // Every profile is scored; empty default profiles carry their evidence.
    assert!(
        accounts.lines().skip(1).all(|l| l.contains(",none,,0,")),
        "verdict none, coordination 0"
    );
    assert!(accounts.contains("default_profile="), "{accounts}");
    let edges = std::fs::read_to_string(out.path().join("edges.csv")).unwrap();
    assert_eq!(edges.lines().count(), 1);
}
