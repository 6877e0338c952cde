//! Snapshot tests of a disclosure's summary files (`summary.md`, `summary.json`) for a fixed
//! simulated world (issue #8 acceptance): `lockstep_sim` writes a small hk2019 world with pages
//! and ads (byte-identical for a seed, on any machine), the ingest layer reads it, and the
//! simulator's ground truth defines two networks: the state core and the spam amplifiers.
//!
//! The snapshots depend only on the simulator, the reader and the disclosure writer, not on the
//! detection pipeline. The producer line (it carries the crate version) is redacted; nothing
//! else in the summaries depends on time or machine. After an intended change, review and
//! accept with `cargo insta review` (or `INSTA_UPDATE=always cargo test -p lockstep-report`).

use lockstep_ingest::{ReadOptions, read_paths};
use lockstep_model::Dataset;
use lockstep_report::disclose::{DiscloseOptions, Network, PseudonymKey, disclose, files};
use lockstep_report::{Role, Verdict};
use lockstep_sim::{SimConfig, simulate};
use std::path::Path;

const KEY: [u8; 32] = *b"snapshot-key-0123456789abcdefghi";

fn world(dir: &Path) -> (Dataset, Vec<(String, String)>) {
    let mut cfg = SimConfig::preset("hk2019").unwrap();
    cfg.accounts = 600;
    cfg.posts = 6_000;
    cfg.seed = 20_190_819;
    cfg.pages = true;
    cfg.ads = true;
    simulate(&cfg, dir).unwrap();
    let paths: Vec<_> = ["users.csv", "tweets.csv", "page_admins.csv", "ads.csv"]
        .iter()
        .map(|f| dir.join(f))
        .collect();
    let ds = read_paths(&paths, &ReadOptions::default()).unwrap().dataset;
    let labels = csv::Reader::from_path(dir.join("labels.csv"))
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    (ds, labels)
}

fn network(ds: &Dataset, labels: &[(String, String)], id: &str, label: &str) -> Network {
    let members = labels
        .iter()
        .filter(|(_, l)| l == label)
        .filter_map(|(a, _)| ds.account_by_external(a))
        .map(|a| {
            let role = if label == "state_core" {
                Role::Core
            } else {
                Role::Amplifier
            };
            (a, role)
        })
        .collect();
    Network {
        id: id.into(),
        verdict: Verdict::Inauthentic,
        score: Some(if id == "1" { 0.97 } else { 0.88 }),
        members,
        origin: Some("China".into()),
        origin_confidence: lockstep_model::Confidence::High,
        target: None,
        attribution: Some(format!(
            "Origin: China (confidence high): the ground truth of the simulated world labels these accounts {label}."
        )),
        edges: Vec::new(),
    }
}

#[test]
fn summary_files_of_a_simulated_world() {
    let root = tempfile::tempdir().unwrap();
    let (wdir, out) = (root.path().join("world"), root.path().join("out"));
    let (ds, labels) = world(&wdir);
    let nets = vec![
        network(&ds, &labels, "1", "state_core"),
        network(&ds, &labels, "2", "spam_amplifier"),
    ];
    assert!(nets.iter().all(|n| n.members.len() >= 5));
    let opts = DiscloseOptions {
        generator: format!("lockstep {}", env!("CARGO_PKG_VERSION")),
        ..Default::default()
    };
    let key = PseudonymKey::from_bytes(&KEY).unwrap();
    let summary = disclose(&ds, &nets, &key, &opts, &out).unwrap();
    // The core runs pages and buys ads in this world: the summary must say so.
    assert!(summary.networks[0].pages + summary.networks[0].groups > 0);
    assert!(summary.networks[0].ad_spend.is_some());

    let generator = opts.generator.as_str();
    let md = std::fs::read_to_string(out.join(files::SUMMARY_MD)).unwrap();
    assert!(md.contains(generator));
    insta::assert_snapshot!("sim_summary_md", md.replace(generator, "[generator]"));
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(files::SUMMARY_JSON)).unwrap()).unwrap();
    assert_eq!(json["generator"], generator);
    json["generator"] = "[generator]".into();
    insta::assert_json_snapshot!("sim_summary_json", json);
}
