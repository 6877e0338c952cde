//! The bars, measured: on the labelled held-out ad set with evasions
//! (tests/data/heldout_ads.csv, written by scripts/ads_heldout.py with its own vocabulary) and
//! on the simulator's `--ads` world.

use lockstep_ads::{Decision, Judged, Screener, StateMediaRegistry, read_ads};
use std::path::Path;

#[test]
fn heldout_set_meets_the_bars() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/heldout_ads.csv");
    let rows = read_ads(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut rd = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
    let labels: Vec<String> = rd
        .records()
        .map(|r| r.map(|r| r.get(9).unwrap_or("").to_string()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(labels.len(), rows.len());
    let reg = StateMediaRegistry::builtin();
    let ds = Screener::new(&reg, Judged::default()).screen_all(&rows);
    let (mut rej, mut tp, mut state, mut caught, mut bc_rej, mut bc) = (0, 0, 0, 0, 0, 0);
    for (d, l) in ds.iter().zip(&labels) {
        if d.decision == Decision::Reject {
            rej += 1;
            tp += usize::from(l == "state");
            bc_rej += usize::from(l == "broadcaster");
        }
        if l == "state" {
            state += 1;
            caught += usize::from(d.decision != Decision::Allow);
        }
        bc += usize::from(l == "broadcaster");
    }
    let precision = tp as f64 / rej.max(1) as f64;
    let recall = caught as f64 / state.max(1) as f64;
    eprintln!(
        "held-out: {} ads, {state} state, {bc} broadcaster: reject precision {precision:.4}, recall {recall:.4}, broadcaster rejected {bc_rej}",
        rows.len()
    );
    assert!(state > 500 && bc > 200, "the set has both kinds");
    assert!(precision >= 0.99, "precision {precision}");
    assert!(recall >= 0.97, "recall {recall}");
    assert_eq!(bc_rej, 0);
}

#[test]
fn simulated_state_media_ads_are_all_caught() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut cfg = lockstep_sim::SimConfig::preset("hk2019").unwrap_or_else(|e| panic!("{e}"));
    cfg.accounts = 2000;
    cfg.posts = 10_000;
    cfg.ads = true;
    lockstep_sim::simulate(&cfg, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let rows = read_ads(&dir.path().join("ads.csv")).unwrap_or_else(|e| panic!("{e}"));
    let reg = StateMediaRegistry::builtin();
    let ds = Screener::new(&reg, Judged::default()).screen_all(&rows);
    // The simulator's state-media ads land on the outlets' `/hk/` pages.
    let mut state = 0;
    for (r, d) in rows.iter().zip(&ds) {
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        if r.landing_url.contains("/hk/") {
            state += 1;
            assert_ne!(d.decision, Decision::Allow, "{r:?}");
        } else {
            assert_ne!(d.decision, Decision::Reject, "{r:?} {d:?}");
        }
    }
    assert!(state > 0);
}
