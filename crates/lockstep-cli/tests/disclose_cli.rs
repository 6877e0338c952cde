//! `lockstep disclose` end to end: an investigation directory over archive-format input, the
//! disclosure written, checked, and refused without a proper key.

use assert_cmd::Command;
use lockstep_report::disclose::{DiscloseOptions, Network, PseudonymKey, disclose};
use lockstep_report::sample::{account_id, sample};
use lockstep_report::{Role, Verdict};
use std::path::Path;

/// Writes the sample world's network accounts as archive CSVs (nothing hashed) plus an
/// investigation directory naming cluster 1 (inauthentic) and 2 (organic).
fn setup(root: &Path) -> (std::path::PathBuf, Vec<std::path::PathBuf>) {
    let s = sample();
    let ds = &s.dataset;
    let data = root.join("data");
    let all: Vec<(lockstep_model::AccountId, Role)> = (0..ds.accounts.len() as u32)
        .map(|a| (lockstep_model::AccountId(a), Role::None))
        .filter(|(a, _)| ds.accounts.has_profile[a.idx()])
        .collect();
    let net = Network {
        id: "everyone".into(),
        members: all,
        ..Default::default()
    };
    let key = PseudonymKey::from_bytes(b"fixture-key-0123456789abcdefghijk").unwrap();
    let opts = DiscloseOptions {
        hash_below: 0,
        ..Default::default()
    };
    disclose(ds, &[net], &key, &opts, &data).unwrap();
    let inputs = vec![data.join("tweets.csv"), data.join("users.csv")];
    let inv = root.join("inv");
    std::fs::create_dir_all(&inv).unwrap();
    let mut acc = String::from(
        "account_id,screen_name,cluster_id,verdict,role,coordination_score,inauthenticity_score,evidence\n",
    );
    for i in 0..14 {
        let role = if i == 0 { "core" } else { "amplifier" };
        acc.push_str(&format!(
            "{},opnet_acct_{i:02},1,inauthentic,{role},0.9,0.9,\n",
            account_id(0, i)
        ));
    }
    for i in 0..8 {
        acc.push_str(&format!(
            "{},kpopfan_{i:02},2,coordinated_organic,,0.5,0.1,\n",
            account_id(1, i)
        ));
    }
    acc.push_str(&format!("{},citizen_00,,none,,0,0,\n", account_id(2, 0)));
    std::fs::write(inv.join("accounts.csv"), acc).unwrap();
    std::fs::write(
        inv.join("clusters.csv"),
        "cluster_id,size,verdict,score,layers,median_delay_s,origin,attribution\n1,14,inauthentic,0.93,repost,20,China,\"Origin: China (confidence 0.8)\"\n2,8,coordinated_organic,0.35,url,5000,,\n",
    )
    .unwrap();
    let toml = format!(
        "[input]\npaths = [{:?}, {:?}]\n",
        inputs[0].display().to_string(),
        inputs[1].display().to_string()
    );
    std::fs::write(inv.join("run.toml"), toml).unwrap();
    // summary.json as `investigate` writes it: path, absolute path, size, BLAKE3.
    let digests: Vec<_> = inputs
        .iter()
        .map(|p| lockstep_export::digest_file(p).unwrap())
        .collect();
    std::fs::write(
        inv.join("summary.json"),
        serde_json::json!({ "version": "test", "inputs": digests }).to_string(),
    )
    .unwrap();
    seal(&inv);
    (inv, inputs)
}

/// Marks the hand-made investigation complete, as `investigate` does when it finishes (`disclose`
/// reads only complete investigations).
fn seal(inv: &Path) {
    lockstep_outdir::write_manifest(inv, "investigate").unwrap_or_else(|e| panic!("{e}"));
}

/// Rewrites an archive CSV with every `follower_count` set to `n` (an impostor file of the same
/// name and shape).
fn with_followers(src: &Path, dst: &Path, n: u64) {
    let mut r = csv::Reader::from_path(src).unwrap();
    let h = r.headers().unwrap().clone();
    let col = h.iter().position(|c| c == "follower_count").unwrap();
    let mut w = csv::Writer::from_path(dst).unwrap();
    w.write_record(&h).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let row: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(i, v)| {
                if i == col {
                    n.to_string()
                } else {
                    v.to_string()
                }
            })
            .collect();
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
}

fn key_file(root: &Path) -> std::path::PathBuf {
    let key = root.join("key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef\n").unwrap();
    key
}

fn lockstep() -> Command {
    Command::cargo_bin("lockstep").unwrap()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).to_string()
}

/// Issue 13: run from another directory holding other files of the same name, `disclose` used
/// to read those (relative paths from the working directory), published 14 accounts in clear
/// and said "check passed". Now the recorded inputs are verified by size and BLAKE3.
#[test]
fn namesake_inputs_in_the_working_directory_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let (inv, inputs) = setup(root.path());
    let key = key_file(root.path());
    // An old-style investigation: relative paths (from `root`), digests, no absolute path.
    let rel = ["data/tweets.csv", "data/users.csv"];
    std::fs::write(
        inv.join("run.toml"),
        format!("[input]\npaths = [{:?}, {:?}]\n", rel[0], rel[1]),
    )
    .unwrap();
    let digests: Vec<serde_json::Value> = inputs
        .iter()
        .zip(rel)
        .map(|(p, r)| {
            let d = lockstep_export::digest_file(p).unwrap();
            serde_json::json!({ "path": r, "bytes": d.bytes, "blake3": d.blake3 })
        })
        .collect();
    std::fs::write(
        inv.join("summary.json"),
        serde_json::json!({ "inputs": digests }).to_string(),
    )
    .unwrap();
    seal(&inv);
    // Elsewhere: files of the same names where everyone has a million followers.
    let other = root.path().join("other");
    std::fs::create_dir_all(other.join("data")).unwrap();
    for (src, r) in inputs.iter().zip(rel) {
        with_followers(src, &other.join(r), 1_000_000);
    }
    let out = root.path().join("out");
    let a = lockstep()
        .current_dir(&other)
        .arg("disclose")
        .arg(&inv)
        .args(["--network", "all", "--key-file"])
        .arg(&key)
        .arg("--out")
        .arg(&out)
        .assert()
        .failure();
    let err = stderr(&a);
    assert!(
        err.contains("data/tweets.csv") && err.contains("not the file the investigation read"),
        "{err}"
    );
    assert!(!out.join("tweets.csv").exists(), "nothing written");
    // From the directory the investigation ran in, the same command works (and says how it
    // resolved the relative paths).
    let a = lockstep()
        .current_dir(root.path())
        .arg("disclose")
        .arg(&inv)
        .args(["--network", "all", "--key-file"])
        .arg(&key)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(
        stderr(&a).contains("size and BLAKE3 match"),
        "{}",
        stderr(&a)
    );
    let tweets = std::fs::read_to_string(out.join("tweets.csv")).unwrap();
    assert!(!tweets.contains("opnet_acct_05"));
}

/// Moved inputs are given with `--inputs` and matched by digest; impostors are refused.
#[test]
fn explicit_inputs_are_matched_by_digest() {
    let root = tempfile::tempdir().unwrap();
    let (inv, inputs) = setup(root.path());
    let key = key_file(root.path());
    let moved = root.path().join("moved");
    std::fs::create_dir_all(&moved).unwrap();
    std::fs::rename(&inputs[0], moved.join("t.csv")).unwrap();
    std::fs::rename(&inputs[1], moved.join("u.csv")).unwrap();
    let run = |files: &[std::path::PathBuf], out: &Path| {
        lockstep()
            .arg("disclose")
            .arg(&inv)
            .args(["--network", "1", "--key-file"])
            .arg(&key)
            .arg("--out")
            .arg(out)
            .arg("--inputs")
            .args(files)
            .assert()
    };
    // Without --inputs: the recorded absolute paths are gone, and the error says so.
    let a = lockstep()
        .arg("disclose")
        .arg(&inv)
        .args(["--network", "1", "--key-file"])
        .arg(&key)
        .arg("--out")
        .arg(root.path().join("o0"))
        .assert()
        .failure();
    assert!(stderr(&a).contains("not found"), "{}", stderr(&a));
    run(
        &[moved.join("u.csv"), moved.join("t.csv")],
        &root.path().join("o1"),
    )
    .success();
    with_followers(&moved.join("u.csv"), &moved.join("fake_u.csv"), 1_000_000);
    let a = run(
        &[moved.join("t.csv"), moved.join("fake_u.csv")],
        &root.path().join("o2"),
    )
    .failure();
    let err = stderr(&a);
    assert!(
        err.contains("fake_u.csv") && err.contains("matches none"),
        "{err}"
    );
    let a = run(&[moved.join("t.csv")], &root.path().join("o3")).failure();
    assert!(
        stderr(&a).contains("not among the --input files"),
        "{}",
        stderr(&a)
    );
}

/// Issue 13: `--out` the data folder overwrote the original tweets.csv / users.csv.
#[test]
fn never_overwrites_the_input_files() {
    let root = tempfile::tempdir().unwrap();
    let (inv, inputs) = setup(root.path());
    let key = key_file(root.path());
    let before: Vec<Vec<u8>> = inputs.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let a = lockstep()
        .arg("disclose")
        .arg(&inv)
        .args(["--network", "all", "--key-file"])
        .arg(&key)
        .arg("--out")
        .arg(inputs[0].parent().unwrap())
        .assert()
        .failure();
    assert!(stderr(&a).contains("lies inside"), "{}", stderr(&a));
    // With --force the disclosure would go beside the data, but its tweets.csv / users.csv would
    // replace the inputs: refused before anything moves.
    let a = lockstep()
        .arg("disclose")
        .arg(&inv)
        .args(["--network", "all", "--force", "--key-file"])
        .arg(&key)
        .arg("--out")
        .arg(inputs[0].parent().unwrap())
        .assert()
        .failure();
    assert!(stderr(&a).contains("is the input"), "{}", stderr(&a));
    for (p, b) in inputs.iter().zip(before) {
        assert_eq!(std::fs::read(p).unwrap(), b, "{} changed", p.display());
    }
}

/// `--out` the investigation directory would replace its summary.json (the input digests).
#[test]
fn never_writes_into_the_investigation_directory() {
    let root = tempfile::tempdir().unwrap();
    let (inv, _) = setup(root.path());
    let key = key_file(root.path());
    let before = std::fs::read(inv.join("summary.json")).unwrap();
    let a = lockstep()
        .arg("disclose")
        .arg(&inv)
        .args(["--network", "1", "--key-file"])
        .arg(&key)
        .arg("--out")
        .arg(&inv)
        .assert()
        .failure();
    assert!(stderr(&a).contains("lies inside"), "{}", stderr(&a));
    assert_eq!(std::fs::read(inv.join("summary.json")).unwrap(), before);
    assert!(!inv.join("tweets.csv").exists());
}

/// Issue 13: `--network 1,1` wrote an empty duplicate network.
#[test]
fn repeated_network_ids_disclose_the_network_once() {
    let root = tempfile::tempdir().unwrap();
    let (inv, _) = setup(root.path());
    let key = key_file(root.path());
    let out = root.path().join("out");
    lockstep()
        .arg("disclose")
        .arg(&inv)
        .args(["--network", "1,1", "--key-file"])
        .arg(&key)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let nets = summary["networks"].as_array().unwrap();
    assert_eq!(nets.len(), 1, "{nets:?}");
    assert_eq!(nets[0]["accounts"], 14);
    let a = lockstep()
        .arg("disclose")
        .arg(&inv)
        .args(["--network", "1,42", "--key-file"])
        .arg(&key)
        .arg("--out")
        .arg(root.path().join("out2"))
        .assert()
        .failure();
    let err = stderr(&a);
    assert!(
        err.contains("\"42\"") && err.contains("1 (inauthentic), 2 (coordinated_organic)"),
        "{err}"
    );
}

/// Issue 13: an all-zero or repeated-byte key was accepted.
#[test]
fn refuses_low_entropy_keys() {
    let root = tempfile::tempdir().unwrap();
    let (inv, _) = setup(root.path());
    let key = root.path().join("key");
    for bytes in [vec![0u8; 32], b"ab".repeat(32)] {
        std::fs::write(&key, &bytes).unwrap();
        let out = root.path().join("out");
        let a = lockstep()
            .arg("disclose")
            .arg(&inv)
            .args(["--network", "1", "--key-file"])
            .arg(&key)
            .arg("--out")
            .arg(&out)
            .assert()
            .failure();
        assert!(stderr(&a).contains("distinct byte value"), "{}", stderr(&a));
        assert!(!out.exists());
    }
}

#[test]
fn discloses_all_inauthentic_networks_and_checks_clean() {
    let root = tempfile::tempdir().unwrap();
    let (inv, inputs) = setup(root.path());
    let key = root.path().join("key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef\n").unwrap();
    let out = root.path().join("out");
    Command::cargo_bin("lockstep")
        .unwrap()
        .args(["disclose"])
        .arg(&inv)
        .args(["--network", "all", "--key-file"])
        .arg(&key)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let nets = summary["networks"].as_array().unwrap();
    assert_eq!(nets.len(), 1, "`all` means inauthentic networks only");
    assert_eq!(nets[0]["network_id"], "1");
    assert_eq!(nets[0]["origin"], "China");
    assert_eq!(nets[0]["accounts"], 14);
    let tweets = std::fs::read_to_string(out.join("tweets.csv")).unwrap();
    assert!(!tweets.contains("opnet_acct_05") && !tweets.contains(&account_id(0, 5)));
    // The disclosure's report: charts of network 1 under its disclosed names only.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("opnet_acct_00"));
    assert!(!html.contains("opnet_acct_05") && !html.contains("kpopfan_00"));
    assert!(
        !std::fs::read_to_string(out.join("README.md"))
            .unwrap()
            .contains("0123456789abcdef")
    );
    // The separate check mode agrees, with the inputs given explicitly.
    Command::cargo_bin("lockstep")
        .unwrap()
        .args(["disclose", "--check"])
        .arg(&out)
        .arg("--input")
        .args(&inputs)
        .assert()
        .success();
    // ...and fails once a protected handle is planted.
    let mut md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    md.push_str("\nThanks to @opnet_acct_05.\n");
    std::fs::write(out.join("summary.md"), md).unwrap();
    Command::cargo_bin("lockstep")
        .unwrap()
        .args(["disclose", "--check"])
        .arg(&out)
        .arg("--input")
        .args(&inputs)
        .assert()
        .failure();
}

#[test]
fn refuses_short_or_missing_key() {
    let root = tempfile::tempdir().unwrap();
    let (inv, _) = setup(root.path());
    let key = root.path().join("key");
    std::fs::write(&key, "too-short\n").unwrap();
    for k in [key.clone(), root.path().join("missing")] {
        let out = root.path().join("out");
        let a = Command::cargo_bin("lockstep")
            .unwrap()
            .arg("disclose")
            .arg(&inv)
            .args(["--network", "1", "--key-file"])
            .arg(&k)
            .arg("--out")
            .arg(&out)
            .assert()
            .failure();
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(err.contains("key"), "{err}");
        assert!(!out.exists(), "nothing written without a proper key");
    }
}

#[test]
fn explicit_ids_may_select_organic_clusters_and_unknown_ids_fail() {
    let root = tempfile::tempdir().unwrap();
    let (inv, _) = setup(root.path());
    let key = root.path().join("key");
    std::fs::write(
        &key,
        (0u8..40).map(|b| b.wrapping_mul(37)).collect::<Vec<u8>>(),
    )
    .unwrap();
    let out = root.path().join("out");
    Command::cargo_bin("lockstep")
        .unwrap()
        .arg("disclose")
        .arg(&inv)
        .args(["--network", "1,2", "--key-file"])
        .arg(&key)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let na = std::fs::read_to_string(out.join("network_accounts.csv")).unwrap();
    assert_eq!(na.lines().count(), 1 + 14 + 8);
    Command::cargo_bin("lockstep")
        .unwrap()
        .arg("disclose")
        .arg(&inv)
        .args(["--network", "99", "--key-file"])
        .arg(&key)
        .arg("--out")
        .arg(root.path().join("out2"))
        .assert()
        .failure();
    let _ = Verdict::Inauthentic;
}
