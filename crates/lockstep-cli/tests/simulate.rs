//! `lockstep simulate` end to end: files written, determinism through the CLI, and the world
//! reads back through the ingest layer with zero rejected rows.

use std::path::PathBuf;

use assert_cmd::Command;

fn simulate(dir: &std::path::Path, seed: &str) {
    Command::cargo_bin("lockstep")
        .expect("binary")
        .args([
            "simulate",
            "--accounts",
            "600",
            "--posts",
            "6000",
            "--seed",
            seed,
            "--logins",
            "--pages",
            "--ads",
            "--out",
        ])
        .arg(dir)
        .assert()
        .success();
}

#[test]
fn simulate_writes_a_world_that_ingest_reads_without_rejections() {
    let dir = tempfile::tempdir().expect("tempdir");
    simulate(dir.path(), "11");
    for f in [
        "tweets.csv",
        "users.csv",
        "labels.csv",
        "truth.json",
        "logins.csv",
        "page_admins.csv",
        "ads.csv",
    ] {
        assert!(dir.path().join(f).exists(), "{f} missing");
    }
    let paths: Vec<PathBuf> = [
        "users.csv",
        "tweets.csv",
        "logins.csv",
        "page_admins.csv",
        "ads.csv",
    ]
    .iter()
    .map(|f| dir.path().join(f))
    .collect();
    let ing = lockstep_ingest::read_paths(&paths, &lockstep_ingest::ReadOptions::default())
        .expect("ingest reads the world");
    assert_eq!(
        ing.report.rows_rejected(),
        0,
        "{:?}",
        ing.report.rejections()
    );
    let tweets = ing
        .report
        .files
        .iter()
        .find(|f| f.path.ends_with("tweets.csv"))
        .expect("tweets report");
    assert!(tweets.rows_read > 4000, "{}", tweets.rows_read);
    assert_eq!(ing.dataset.posts.len() as u64, tweets.rows_read);
    assert_eq!(ing.dataset.accounts.len(), 600);
    assert!(
        ing.dataset
            .logins
            .as_ref()
            .is_some_and(|l| !l.account.is_empty())
    );
}

#[test]
fn simulate_is_deterministic_through_the_cli_and_rejects_bad_presets() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    simulate(a.path(), "5");
    simulate(b.path(), "5");
    for f in ["tweets.csv", "users.csv", "labels.csv", "truth.json"] {
        assert!(
            std::fs::read(a.path().join(f)).expect("a")
                == std::fs::read(b.path().join(f)).expect("b"),
            "{f} differs"
        );
    }
    Command::cargo_bin("lockstep")
        .expect("binary")
        .args(["simulate", "--preset", "nonsense", "--out"])
        .arg(a.path())
        .assert()
        .failure();
}
