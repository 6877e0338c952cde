//! `investigate` + `write_outputs` end to end on a small dataset: a coordinated trio is found as
//! one cluster, the files are written in their final shape, and windows below the data's
//! resolution are refused.

use lockstep_model::{Dataset, DatasetBuilder, PostRecord, Resolution, SourceInfo};
use lockstep_pipeline::{InvestigateParams, investigate, write_outputs};

fn dataset(resolution: Resolution) -> Dataset {
    let mut b = DatasetBuilder::new();
    let src = b.add_source(SourceInfo {
        path: "t".into(),
        format: "test".into(),
        resolution,
        rows_read: 0,
        rows_rejected: 0,
        notes: vec![],
    });
    let mut n = 0;
    // Three accounts repost the same five posts within seconds; a bystander reposts once, late.
    for k in 0..5 {
        let orig = format!("o{k}");
        b.push_post(
            &PostRecord {
                external_id: &orig,
                account: "author",
                time: k * 10_000,
                text: "original",
                ..Default::default()
            },
            src,
        );
        for (i, acct) in ["bot1", "bot2", "bot3"].iter().enumerate() {
            n += 1;
            b.push_post(
                &PostRecord {
                    external_id: &format!("r{n}"),
                    account: acct,
                    time: k * 10_000 + 60 + i as i64 * 5,
                    repost_of: &orig,
                    ..Default::default()
                },
                src,
            );
        }
    }
    b.push_post(
        &PostRecord {
            external_id: "late",
            account: "bystander",
            time: 99_999,
            repost_of: "o0",
            ..Default::default()
        },
        src,
    );
    b.finish()
}

#[test]
fn finds_the_trio_and_writes_every_file() {
    let ds = dataset(Resolution::Second);
    let params = InvestigateParams::default();
    let inv = investigate(&ds, &params).unwrap();
    assert_eq!(inv.clusters.len(), 1);
    let names: Vec<&str> = inv.clusters[0]
        .members
        .iter()
        .map(|a| ds.str(ds.accounts.external_id[a.idx()]))
        .collect();
    // The trio co-reposts; the author is linked to them through the amplify layer.
    for bot in ["bot1", "bot2", "bot3", "author"] {
        assert!(names.contains(&bot), "{bot} missing from {names:?}");
    }
    assert!(!names.contains(&"bystander"));
    let dir = tempfile::tempdir().unwrap();
    let summary = write_outputs(&inv, &ds, dir.path()).unwrap();
    for f in [
        "accounts.csv",
        "clusters.csv",
        "edges.csv",
        "network.gexf",
        "network.graphml",
        "summary.json",
        "run.toml",
    ] {
        assert!(dir.path().join(f).exists(), "{f} missing");
    }
    let mut r = csv::Reader::from_path(dir.path().join("edges.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len() as u64, summary.edges_kept);
    let repost_bots = rows
        .iter()
        .filter(|x| &x[2] == "repost" && &x[3] == "burst")
        .count();
    assert_eq!(repost_bots, 3, "three bot pairs in the repost burst layer");
    assert!(rows.iter().all(|x| x[7].is_empty() && x[8].is_empty()));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(json["clusters"], 1);
    let toml_text = std::fs::read_to_string(dir.path().join("run.toml")).unwrap();
    assert!(toml_text.contains("min_weight = 2"), "{toml_text}");
    let accounts = std::fs::read_to_string(dir.path().join("accounts.csv")).unwrap();
    assert_eq!(accounts.lines().count(), 1 + 5);
}

#[test]
fn window_below_resolution_is_refused() {
    let ds = dataset(Resolution::Minute);
    let params = InvestigateParams::default()
        .with_windows(&["repost=10".to_string()])
        .unwrap();
    let err = investigate(&ds, &params).unwrap_err().to_string();
    assert!(
        err.contains("below the data's time resolution of 60 s"),
        "{err}"
    );
    // Defaults adapt to the resolution instead.
    assert!(investigate(&ds, &InvestigateParams::default()).is_ok());
}
