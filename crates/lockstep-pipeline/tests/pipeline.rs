//! `investigate` + `write_outputs` end to end on a small dataset: a coordinated trio is found as
//! one cluster, the files are written in their final shape, and windows below the data's
//! resolution are refused.

use lockstep_model::{Dataset, DatasetBuilder, PostRecord, Resolution, SourceInfo, Verdict};
use lockstep_pipeline::{EngineConfig, InvestigateConfig, ScoreConfig, investigate, write_outputs};

fn dataset(resolution: Resolution) -> Dataset {
    let mut b = DatasetBuilder::new();
    let src = b.add_source(SourceInfo::new("t", "test", resolution));
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
    // Background: 60 accounts, each reposting 5 posts nobody else reposts, so the layer has
    // ordinary activity and the trio's overlap is surprising under the null model.
    for j in 0..60 {
        for k in 0..5 {
            let orig = format!("bg{j}_{k}");
            b.push_post(
                &PostRecord {
                    external_id: &orig,
                    account: "news",
                    time: 200_000 + (j * 5 + k) * 50_000,
                    text: "background",
                    ..Default::default()
                },
                src,
            );
            b.push_post(
                &PostRecord {
                    external_id: &format!("{orig}_rt"),
                    account: &format!("user{j}"),
                    time: 200_000 + (j * 5 + k) * 50_000 + 30,
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
    let params = InvestigateConfig::default();
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
        "summary.json",
        "run.toml",
        "report.html",
    ] {
        assert!(dir.path().join(f).exists(), "{f} missing");
    }
    // The bulk copies of the edges only when selected.
    for f in ["network.gexf", "network.graphml", "edges.parquet"] {
        assert!(!dir.path().join(f).exists(), "{f} written by default");
    }
    let mut every = inv.clone();
    every.config.outputs.files = lockstep_pipeline::OutputFile::ALL.to_vec();
    let all_dir = tempfile::tempdir().unwrap();
    write_outputs(&every, &ds, all_dir.path()).unwrap();
    for f in ["network.gexf", "network.graphml", "edges.parquet"] {
        assert!(
            all_dir.path().join(f).exists(),
            "{f} missing with every output"
        );
    }
    let mut r = csv::Reader::from_path(dir.path().join("edges.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len() as u64, summary.edges_kept);
    let repost_bots = rows
        .iter()
        .filter(|x| &x[2] == "repost" && &x[3] == "burst")
        .count();
    assert_eq!(repost_bots, 3, "three bot pairs in the repost burst layer");
    // Every kept edge carries its layer p-value and its pair's fused q-value, q <= fdr.
    for x in &rows {
        let p: f64 = x[7].parse().unwrap();
        let q: f64 = x[8].parse().unwrap();
        assert!((0.0..=1.0).contains(&p), "p {p}");
        assert!(q <= params.stats.fdr, "q {q} above the FDR");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(json["clusters"], 1);
    let toml_text = std::fs::read_to_string(dir.path().join("run.toml")).unwrap();
    assert!(toml_text.contains("min_weight = 2"), "{toml_text}");
    let accounts = std::fs::read_to_string(dir.path().join("accounts.csv")).unwrap();
    // One row per account that acted: author, 3 bots, bystander, news and 60 background users.
    assert_eq!(accounts.lines().count(), 1 + 5 + 1 + 60);
}

#[test]
fn window_below_resolution_is_refused() {
    let ds = dataset(Resolution::Minute);
    let params = InvestigateConfig {
        engine: EngineConfig {
            windows: vec!["repost=10".to_string()],
            ..Default::default()
        },
        ..Default::default()
    };
    let err = investigate(&ds, &params).unwrap_err().to_string();
    assert!(
        err.contains("below the data's time resolution of 60 s"),
        "{err}"
    );
    // Defaults adapt to the resolution instead.
    assert!(investigate(&ds, &InvestigateConfig::default()).is_ok());
}

/// Issue 14: with `--seeds`, the verdicts the report reads (`detection.scored`) and the rows of
/// `accounts.csv` (`inv.accounts`) come from one source. A seed the scoring alone did not call
/// inauthentic (here a background account) is inauthentic in both.
#[test]
fn seeds_change_the_one_set_of_verdicts() {
    let ds = dataset(Resolution::Second);
    let params = InvestigateConfig {
        score: ScoreConfig {
            seeds: vec!["user7".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let inv = investigate(&ds, &params).unwrap_or_else(|e| panic!("{e}"));
    let det = inv
        .detection
        .as_ref()
        .unwrap_or_else(|| panic!("no detection"));
    let seed = (0..ds.accounts.len())
        .find(|&i| ds.str(ds.accounts.external_id[i]) == "user7")
        .unwrap_or_else(|| panic!("user7 not in the data"));
    assert_eq!(inv.accounts[seed].verdict, Some(Verdict::Inauthentic));
    for (i, (row, typed)) in inv.accounts.iter().zip(&det.scored.accounts).enumerate() {
        assert_eq!(
            row.verdict,
            Some(typed.verdict),
            "account {i}: accounts.csv and the report disagree"
        );
        assert_eq!(row.role, typed.role);
    }
}

/// Issue 14: on day-resolution data both scales' default windows are raised to 86,400 s; the
/// two runs were identical and every edge was counted twice. Now the drip scale alone runs for
/// such a layer, the summary notes say so, and a layer whose windows differ keeps both scales.
#[test]
fn coinciding_windows_run_one_scale() {
    let ds = dataset(Resolution::Day);
    let inv = investigate(&ds, &InvestigateConfig::default()).unwrap();
    let runs_of = |layer: &str| -> Vec<(lockstep_engine::Scale, i64)> {
        inv.runs
            .iter()
            .filter(|r| r.edges.layer.as_str() == layer)
            .map(|r| (r.edges.scale, r.edges.window_s))
            .collect()
    };
    assert_eq!(
        runs_of("repost"),
        vec![(lockstep_engine::Scale::Drip, 86_400)]
    );
    assert_eq!(
        runs_of("amplify"),
        vec![(lockstep_engine::Scale::Drip, 86_400)]
    );
    // Each kept edge of a pair appears once per layer.
    let mut seen = std::collections::HashSet::new();
    for k in &inv.kept {
        let (run, e) = inv.edge(k);
        assert!(seen.insert((run.layer, e.a, e.b)), "edge counted twice");
    }
    assert!(!inv.kept.is_empty());
    assert!(
        inv.notes
            .iter()
            .any(|n| n.contains("burst and drip windows coincide")
                && n.contains("`repost` (86400 s)")),
        "{:?}",
        inv.notes
    );
    // Explicitly different windows keep both scales.
    let params = InvestigateConfig {
        engine: EngineConfig {
            windows: vec!["repost:drip=172800".to_string()],
            ..Default::default()
        },
        ..Default::default()
    };
    let inv = investigate(&ds, &params).unwrap();
    let scales: Vec<_> = inv
        .runs
        .iter()
        .filter(|r| r.edges.layer.as_str() == "repost")
        .map(|r| r.edges.window_s)
        .collect();
    assert_eq!(scales, vec![86_400, 172_800]);
    // Second resolution: both scales, as before.
    let inv = investigate(&dataset(Resolution::Second), &InvestigateConfig::default()).unwrap();
    assert_eq!(
        inv.runs
            .iter()
            .filter(|r| r.edges.layer.as_str() == "repost")
            .count(),
        2
    );
}
