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
    let key = PseudonymKey::from_bytes(&[3u8; 32]).unwrap();
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
    (inv, inputs)
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
    std::fs::write(&key, [7u8; 40]).unwrap();
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
