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
            "--outputs",
            "default,network",
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

/// A generic CSV (read through a mapping): 30 posts by six accounts reposting three originals,
/// with `bad` rows of bad or implausible timestamps mixed in.
fn generic_input(dir: &std::path::Path, bad: usize) -> (PathBuf, PathBuf, String) {
    let mut text = String::from("msg,chan,when,fwd\n");
    let mut bad_rows = String::new();
    for i in 0..30u32 {
        let t = 1_610_870_000 + (i / 6) * 20 + i % 6;
        let fwd = if i % 6 == 0 {
            String::new()
        } else {
            format!("m{}", i / 6 * 6)
        };
        text.push_str(&format!("m{i},c{},{t},{fwd}\n", i % 6));
        if (i as usize) < bad {
            let row = if i % 2 == 0 {
                format!("b{i},c1,yesterday,\n")
            } else {
                format!("b{i},c2,9999-01-01 00:00,\n")
            };
            text.push_str(&row);
            bad_rows.push_str(&row);
        }
    }
    let input = dir.join("posts.csv");
    std::fs::write(&input, text).unwrap();
    let mapping = dir.join("mapping.toml");
    std::fs::write(
        &mapping,
        "[columns]\npost_id = \"msg\"\naccount = \"chan\"\ntime = \"when\"\nrepost_of = \"fwd\"\n",
    )
    .unwrap();
    (input, mapping, bad_rows)
}

#[test]
fn lenient_skips_are_reported_on_stderr_and_in_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (input, mapping, _) = generic_input(dir.path(), 20);
    for quiet in [false, true] {
        let out = dir.path().join(format!("out-{quiet}"));
        let mut cmd = Command::cargo_bin("lockstep").unwrap();
        cmd.args(["investigate", "--lenient", "--mapping"])
            .arg(&mapping)
            .arg(&input)
            .arg("--out")
            .arg(&out);
        if quiet {
            cmd.arg("--quiet");
        }
        let o = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{stderr}");
        let want = if quiet {
            "input: 50 rows read, 30 kept, 20 skipped: "
        } else {
            "posts.csv: 50 rows read, 30 kept, 20 skipped ("
        };
        assert!(stderr.contains(want), "quiet {quiet}: {stderr}");
        assert!(
            stderr.contains("when: bad timestamp ×10")
                && stderr.contains("when: implausible timestamp ×10"),
            "{stderr}"
        );
        if quiet {
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
        }
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        let f = &summary["ingest"][0];
        assert_eq!(f["rows_read"], 50, "{summary}");
        assert_eq!(f["rows_kept"], 30);
        assert_eq!(f["rows_rejected"], 20);
        assert_eq!(f["rejections"]["when: bad timestamp"], 10);
        assert_eq!(summary["posts"], 30);
    }
}

#[test]
fn quarantine_and_mapping_work_as_in_inspect() {
    let dir = tempfile::tempdir().unwrap();
    let (input, mapping, bad_rows) = generic_input(dir.path(), 4);
    let q = dir.path().join("rejected.csv");
    let out = dir.path().join("out");
    let o = Command::cargo_bin("lockstep")
        .unwrap()
        .args(["investigate", "--quiet", "--mapping"])
        .arg(&mapping)
        .arg("--quarantine")
        .arg(&q)
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    // --quarantine implies --lenient; the bad rows are kept byte for byte.
    assert_eq!(std::fs::read_to_string(&q).unwrap(), bad_rows);
    let reasons = std::fs::read_to_string(dir.path().join("rejected.csv.reasons")).unwrap();
    assert_eq!(reasons.lines().count(), 4, "{reasons}");
    assert!(
        reasons.contains("posts.csv:3: when: bad timestamp"),
        "{reasons}"
    );
    assert!(stderr.contains("4 skipped"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // Without the mapping the generic file is refused with a hint.
    let o = Command::cargo_bin("lockstep")
        .unwrap()
        .args(["investigate", "--quiet"])
        .arg(&input)
        .arg("--out")
        .arg(dir.path().join("out2"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--mapping"));
}

#[test]
fn record_limit_is_configurable_and_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let (input, mapping, _) = generic_input(dir.path(), 0);
    for cmd in ["investigate", "inspect"] {
        let mut c = Command::cargo_bin("lockstep").unwrap();
        c.args([
            cmd,
            "--max-record-bytes",
            "10",
            "--max-compression-ratio",
            "50",
            "--mapping",
        ])
        .arg(&mapping)
        .arg(&input);
        if cmd == "investigate" {
            c.arg("--out").arg(dir.path().join("out"));
        }
        let o = c.output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{cmd}");
        assert!(
            stderr.contains("posts.csv:1: row: record longer than 10 bytes"),
            "{cmd}: {stderr}"
        );
    }
}

/// Issue 14: the IP database is reachable from the command line, recorded in run.toml and said
/// in summary.json; a named file that cannot be read stops the run.
#[test]
fn the_ip_database_is_chosen_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    Command::cargo_bin("lockstep")
        .unwrap()
        .args([
            "simulate",
            "--accounts",
            "400",
            "--posts",
            "6000",
            "--logins",
            "--out",
        ])
        .arg(&world)
        .assert()
        .success();
    let inputs = [
        world.join("tweets.csv"),
        world.join("users.csv"),
        world.join("logins.csv"),
    ];
    let geoip = dir.path().join("geoip");
    std::fs::write(&geoip, "16909056,16909311,HK\n").unwrap();
    let out = dir.path().join("inv");
    Command::cargo_bin("lockstep")
        .unwrap()
        .arg("investigate")
        .args(&inputs)
        .arg("--ip-db")
        .arg(&geoip)
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        summary.contains(&format!("IP database: {}", geoip.display())),
        "{summary}"
    );
    let run = std::fs::read_to_string(out.join("run.toml")).unwrap();
    assert!(run.contains("ip_db"), "{run}");
    let a = Command::cargo_bin("lockstep")
        .unwrap()
        .arg("investigate")
        .args(&inputs)
        .args(["--ip-db", "/nonexistent/geoip", "--quiet", "--out"])
        .arg(dir.path().join("inv2"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains("--ip-db") && err.contains("/nonexistent/geoip"),
        "{err}"
    );
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

/// A small simulated world (tweets.csv, users.csv) in `dir`.
fn small_world(dir: &std::path::Path) -> Vec<PathBuf> {
    let world = dir.join("world");
    Command::cargo_bin("lockstep")
        .unwrap()
        .args([
            "simulate",
            "--accounts",
            "1500",
            "--posts",
            "20000",
            "--out",
        ])
        .arg(&world)
        .assert()
        .success();
    vec![world.join("tweets.csv"), world.join("users.csv")]
}

/// Issue 14: one configuration tree. A run's run.toml given back with `--config` (and no other
/// argument but `--out`) repeats the run exactly: every output byte-identical, run.toml itself
/// included; settings that run.toml used not to record (lenient, limits, Leiden resolution) are
/// in it.
#[test]
fn run_toml_repeats_the_run_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = small_world(dir.path());
    let first = dir.path().join("first");
    Command::cargo_bin("lockstep")
        .unwrap()
        .arg("investigate")
        .args(&inputs)
        .args([
            "--resolution",
            "0.8",
            "--fdr",
            "0.02",
            "--seed",
            "7",
            "--lenient",
            "--max-record-bytes",
            "1000000",
            "--window",
            "repost=90",
            "--outputs",
            "all",
            "--quiet",
            "--out",
        ])
        .arg(&first)
        .assert()
        .success();
    let run = std::fs::read_to_string(first.join("run.toml")).unwrap();
    for setting in [
        "resolution = 0.8",
        "fdr = 0.02",
        "seed = 7",
        "lenient = true",
        "max_record_bytes = 1000000",
        "\"repost=90\"",
        "layout_seed = 7",
        "[score.params]",
        "[outputs]",
        "\"network\"",
    ] {
        assert!(
            run.contains(setting),
            "{setting} missing from run.toml:\n{run}"
        );
    }
    let again = dir.path().join("again");
    Command::cargo_bin("lockstep")
        .unwrap()
        .arg("investigate")
        .arg("--config")
        .arg(first.join("run.toml"))
        .args(["--quiet", "--out"])
        .arg(&again)
        .assert()
        .success();
    for f in [
        "accounts.csv",
        "clusters.csv",
        "edges.csv",
        "edges.parquet",
        "network.gexf",
        "network.graphml",
        "report.html",
        "run.toml",
    ] {
        let a = std::fs::read(first.join(f)).unwrap();
        let b = std::fs::read(again.join(f)).unwrap();
        assert!(a == b, "{f} differs between the run and its repetition");
    }
    // The clusters are not the defaults' (the settings took effect).
    let default = dir.path().join("default");
    Command::cargo_bin("lockstep")
        .unwrap()
        .arg("investigate")
        .args(&inputs)
        .args(["--quiet", "--out"])
        .arg(&default)
        .assert()
        .success();
    assert_ne!(
        std::fs::read(first.join("edges.csv")).unwrap(),
        std::fs::read(default.join("edges.csv")).unwrap()
    );

    // A flag given with --config overrides the file; the rest is the file's.
    let over = dir.path().join("over");
    Command::cargo_bin("lockstep")
        .unwrap()
        .arg("investigate")
        .arg("--config")
        .arg(first.join("run.toml"))
        .args(["--fdr", "0.05", "--quiet", "--out"])
        .arg(&over)
        .assert()
        .success();
    let run_over = std::fs::read_to_string(over.join("run.toml")).unwrap();
    assert_eq!(run_over, run.replace("fdr = 0.02", "fdr = 0.05"));
}

/// Issue 14: a key the configuration tree does not know is an error naming it (a misspelt
/// setting never silently falls back to the default), and so is a value out of range.
#[test]
fn config_file_unknown_key_and_bad_value_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = data_dir().join("coortweet/russian_coord_tweets.csv");
    let cfg = dir.path().join("cfg.toml");
    std::fs::write(&cfg, "[cluster]\nresolutoin = 2.0\n").unwrap();
    let a = Command::cargo_bin("lockstep")
        .unwrap()
        .arg("investigate")
        .arg(&input)
        .arg("--config")
        .arg(&cfg)
        .arg("--out")
        .arg(dir.path().join("o1"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("resolutoin") && err.contains("cfg.toml"),
        "{err}"
    );
    std::fs::write(&cfg, "[stats]\nfdr = 1.5\n").unwrap();
    let a = Command::cargo_bin("lockstep")
        .unwrap()
        .arg("investigate")
        .arg(&input)
        .arg("--config")
        .arg(&cfg)
        .arg("--out")
        .arg(dir.path().join("o2"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("stats.fdr") && err.contains("1.5"), "{err}");
    assert!(!dir.path().join("o1").exists() && !dir.path().join("o2").exists());
}

/// Issue 14: `--semantics coortweet --layers url` used to ignore `--layers` without a word
/// (CooRnet-style link sharing cannot be reproduced); now it is refused with the reason.
#[test]
fn compat_semantics_refuse_layers() {
    let dir = tempfile::tempdir().unwrap();
    let input = data_dir().join("coortweet/russian_coord_tweets.csv");
    for semantics in ["coortweet", "qut"] {
        let a = Command::cargo_bin("lockstep")
            .unwrap()
            .args(["investigate", "--semantics", semantics, "--layers", "url"])
            .arg(&input)
            .arg("--out")
            .arg(dir.path().join(semantics))
            .assert()
            .failure();
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(
            err.contains("--layers url") && err.contains(semantics),
            "{semantics}: {err}"
        );
    }
}

#[test]
fn outputs_selects_the_files_and_all_edges_writes_every_observed_edge() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = small_world(dir.path());
    let run = |out: &std::path::Path, extra: &[&str]| {
        Command::cargo_bin("lockstep")
            .unwrap()
            .arg("investigate")
            .args(&inputs)
            .args(extra)
            .args(["--quiet", "--out"])
            .arg(out)
            .assert()
            .success();
    };
    let (default, picked, all) = (
        dir.path().join("default"),
        dir.path().join("picked"),
        dir.path().join("all"),
    );
    run(&default, &[]);
    for f in [
        "edges.csv",
        "accounts.csv",
        "clusters.csv",
        "operations.csv",
        "report.html",
    ] {
        assert!(default.join(f).exists(), "{f} missing by default");
    }
    for f in ["edges.parquet", "network.gexf", "network.graphml"] {
        assert!(!default.join(f).exists(), "{f} written by default");
    }
    run(&picked, &["--outputs", "clusters,network"]);
    for f in [
        "clusters.csv",
        "network.gexf",
        "network.graphml",
        "summary.json",
        "run.toml",
    ] {
        assert!(
            picked.join(f).exists(),
            "{f} missing with --outputs clusters,network"
        );
    }
    for f in ["edges.csv", "accounts.csv", "report.html", "edges.parquet"] {
        assert!(
            !picked.join(f).exists(),
            "{f} written with --outputs clusters,network"
        );
    }
    // Every writer is timed in summary.json.
    let summary = std::fs::read_to_string(picked.join("summary.json")).unwrap();
    for key in [
        "\"read\"",
        "\"write:clusters.csv\"",
        "\"write:network\"",
        "\"write\"",
    ] {
        assert!(summary.contains(key), "{key} missing from the timings");
    }
    run(&all, &["--all-edges", "--outputs", "edges,parquet"]);
    let kept = std::fs::read_to_string(default.join("edges.csv")).unwrap();
    let every = std::fs::read_to_string(all.join("edges.csv")).unwrap();
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(all.join("summary.json")).unwrap()).unwrap();
    let observed: u64 = s["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["pairs"].as_u64().unwrap())
        .sum();
    assert_eq!(every.lines().count() as u64, 1 + observed);
    assert!(kept.lines().count() < every.lines().count());
    // The significant edges are among them, with the same fields.
    let every: std::collections::HashSet<&str> = every.lines().collect();
    for line in kept.lines() {
        assert!(every.contains(line), "{line} missing from --all-edges");
    }
    // Every row has a p-value (the default semantics test every observed pair).
    assert!(
        every
            .iter()
            .skip(1)
            .all(|l| !l.split(',').nth(7).unwrap().is_empty())
    );
    let bad = Command::cargo_bin("lockstep")
        .unwrap()
        .arg("investigate")
        .args(&inputs)
        .args(["--outputs", "edges,pictures", "--quiet", "--out"])
        .arg(dir.path().join("bad"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&bad.get_output().stderr).to_string();
    assert!(err.contains("unknown output `pictures`"), "{err}");
}
