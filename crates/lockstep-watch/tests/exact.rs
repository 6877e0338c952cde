//! Exactness: a whole simulated world streamed through the watcher gives the pair weights,
//! clusters and verdicts of `investigate` on the same posts; with a sliding horizon the
//! incremental repost weights stay equal to the batch kernel's on the horizon at every snapshot.

mod common;

use lockstep_engine::{Layer, Scale};
use lockstep_pipeline::{InvestigateConfig, Investigation};
use lockstep_watch::{WatchConfig, Watcher, run_lines};
use std::collections::{BTreeMap, BTreeSet};

type Weights = BTreeMap<(Layer, Scale, String, String), u32>;

fn weights(ds: &lockstep_model::Dataset, inv: &Investigation) -> Weights {
    let ext = |a: lockstep_model::AccountId| ds.str(ds.accounts.external_id[a.idx()]).to_string();
    let mut out = BTreeMap::new();
    for r in &inv.runs {
        for e in &r.edges.edges {
            out.insert(
                (r.edges.layer, r.edges.scale, ext(e.a), ext(e.b)),
                e.stats.weight,
            );
        }
    }
    out
}

fn clusters(
    ds: &lockstep_model::Dataset,
    inv: &Investigation,
) -> BTreeSet<(Vec<String>, Option<lockstep_model::Verdict>)> {
    let ext = |a: lockstep_model::AccountId| ds.str(ds.accounts.external_id[a.idx()]).to_string();
    inv.clusters
        .iter()
        .map(|c| {
            let mut m: Vec<String> = c.members.iter().map(|&a| ext(a)).collect();
            m.sort();
            (m, c.verdict)
        })
        .collect()
}

#[test]
fn whole_world_equals_investigate() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let tweets = common::world(dir.path(), 7, 1500, 12_000);
    let (tweets, lines) = common::stream(&tweets);

    let mut cfg = WatchConfig::new(dir.path().join("state"));
    cfg.horizon_s = 3650 * 86_400;
    cfg.every_s = 7 * 86_400;
    let mut w = Watcher::open(cfg).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    run_lines(&mut w, lines.join("\n").as_bytes(), &mut out, 2000)
        .unwrap_or_else(|e| panic!("{e}"));

    let ing = lockstep_ingest::read_paths(&[tweets], &Default::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let inv = lockstep_pipeline::investigate(&ing.dataset, &InvestigateConfig::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let dd = w.incremental_repost_weights();
    let snap = w.last_snapshot().unwrap_or_else(|| panic!("no snapshot"));
    assert_eq!(snap.dataset.posts.len(), ing.dataset.posts.len());

    // Pair weights of every layer and scale.
    let batch = weights(&ing.dataset, &inv);
    assert!(!batch.is_empty());
    assert_eq!(weights(&snap.dataset, &snap.investigation), batch);
    // The incremental (differential dataflow) repost weights.
    let batch_repost: BTreeMap<(Scale, String, String), i64> = batch
        .iter()
        .filter(|(k, _)| k.0 == Layer::Repost)
        .map(|(k, v)| {
            let (a, b) = if k.2 <= k.3 {
                (k.2.clone(), k.3.clone())
            } else {
                (k.3.clone(), k.2.clone())
            };
            ((k.1, a, b), i64::from(*v))
        })
        .collect();
    assert!(!batch_repost.is_empty());
    assert_eq!(dd, batch_repost);
    assert_eq!(w.counters().incremental_mismatches, 0);

    // Clusters and verdicts.
    let bc = clusters(&ing.dataset, &inv);
    assert_eq!(clusters(&snap.dataset, &snap.investigation), bc);

    // Every account of an inauthentic cluster was named by a network alert.
    let alerts: Vec<serde_json::Value> = String::from_utf8_lossy(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(!alerts.is_empty(), "the simulated operation raises alerts");
    let named: BTreeSet<String> = alerts
        .iter()
        .flat_map(|a| a["accounts"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    for (members, verdict) in &bc {
        if *verdict == Some(lockstep_model::Verdict::Inauthentic) {
            for m in members {
                assert!(
                    named.contains(m),
                    "{m} of an inauthentic cluster was never alerted"
                );
            }
        }
    }
    let ids: BTreeSet<&str> = alerts
        .iter()
        .filter_map(|a| a["alert_id"].as_str())
        .collect();
    assert_eq!(ids.len(), alerts.len(), "alert ids are unique");
}

#[test]
fn sliding_horizon_retracts_and_stays_exact() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let tweets = common::world(dir.path(), 3, 800, 6_000);
    let (_, lines) = common::stream(&tweets);
    let mut cfg = WatchConfig::new(dir.path().join("state"));
    cfg.horizon_s = 5 * 86_400;
    cfg.every_s = 86_400;
    let mut w = Watcher::open(cfg).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    run_lines(&mut w, lines.join("\n").as_bytes(), &mut out, 500).unwrap_or_else(|e| panic!("{e}"));
    let c = w.counters().clone();
    assert!(c.snapshots > 20, "{c:?}");
    assert!(c.events_expired > 0, "{c:?}");
    assert!(w.horizon_len() < lines.len());
    assert_eq!(c.incremental_mismatches, 0, "{c:?}");
    // The final incremental weights equal the batch kernel on the horizon's posts.
    let snap = w.last_snapshot().unwrap_or_else(|| panic!("no snapshot"));
    assert_eq!(snap.dataset.posts.len(), w.horizon_len());
    let batch = lockstep_watch::batch_repost_weights(snap);
    assert!(!batch.is_empty());
    assert_eq!(w.incremental_repost_weights(), batch);
}
