//! World-level acceptance tests of the statistics and clustering stages (issue 6): simulate a
//! world (`lockstep-sim`), read it back (`lockstep-ingest`), count co-actions (`lockstep-engine`),
//! then significance (`lockstep-stats`) and clusters (this crate). Each test prints its figures
//! (run with `--nocapture`); they are recorded in BENCHMARKS.md, section "Statistics".

use hashbrown::HashMap;
use lockstep_engine::{KernelParams, Layer, LayerEdges, Scale, Trace, Windows};
use lockstep_graph::{
    ClusterParams, Clusters, CoordinationGraph, adjusted_rand_index, attach_amplify_only,
    cluster_metrics, find_clusters,
};
use lockstep_model::{AccountId, Dataset};
use lockstep_sim::SimConfig;
use lockstep_stats::{
    NullModel, SignificanceResult, StatsParams, analytical_pvalues, permutation_pvalues,
    significance, spearman,
};
use std::path::PathBuf;

/// A simulated world, read back and counted.
struct World {
    ds: Dataset,
    /// Per account: `(label, cell)` from labels.csv (`cell` empty for organic accounts).
    truth: Vec<(String, String)>,
    /// Accounts amplified by a planted cell (its patrons: core accounts and state media).
    patron: Vec<bool>,
    traces: Vec<(Trace, KernelParams)>,
    layers: Vec<LayerEdges>,
}

fn world(preset: &str, seed: u64, accounts: u32, posts: u64) -> World {
    let mut cfg = SimConfig::preset(preset).expect("known preset");
    cfg.seed = seed;
    cfg.accounts = accounts;
    cfg.posts = posts;
    let dir = tempfile::tempdir().expect("tempdir");
    lockstep_sim::simulate(&cfg, dir.path()).expect("simulate");
    let files: Vec<PathBuf> = ["tweets.csv", "users.csv"]
        .iter()
        .map(|f| dir.path().join(f))
        .collect();
    let ds = lockstep_ingest::read_paths(&files, &Default::default())
        .expect("read the simulated archive")
        .dataset;
    let mut truth = vec![(String::new(), String::new()); ds.accounts.len()];
    let mut rd = csv::Reader::from_path(dir.path().join("labels.csv")).expect("labels.csv");
    for rec in rd.records() {
        let rec = rec.expect("labels row");
        if let Some(a) = ds.account_by_external(&rec[0]) {
            truth[a.idx()] = (rec[1].to_string(), rec[2].to_string());
        }
    }
    let mut patron = vec![false; ds.accounts.len()];
    let tj: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("truth.json")).expect("truth.json"),
    )
    .expect("truth.json parses");
    for cell in tj["amplifier_cells"].as_array().into_iter().flatten() {
        for p in cell["patrons"].as_array().into_iter().flatten() {
            if let Some(a) = p.as_str().and_then(|s| ds.account_by_external(s)) {
                patron[a.idx()] = true;
            }
        }
    }
    let windows = Windows::default();
    let n = ds.accounts.len() as u32;
    let mut traces = Vec::new();
    let mut layers = Vec::new();
    for layer in lockstep_engine::supported_layers(&ds) {
        let trace = lockstep_engine::build_trace(&ds, layer).expect("trace");
        for scale in [Scale::Burst, Scale::Drip] {
            let Some(w) = windows.get(layer, scale, ds.resolution()) else {
                continue;
            };
            let params = KernelParams::new(layer, scale, w, n);
            layers.push(lockstep_engine::count_pairs(&trace, &params));
            traces.push((trace.clone(), params));
        }
    }
    World {
        ds,
        truth,
        patron,
        traces,
        layers,
    }
}

fn clusters_of(w: &World, sig: &SignificanceResult) -> Clusters {
    // As the pipeline does: communities on peer co-action, then amplify-only accounts attached.
    let g = CoordinationGraph::for_communities(sig);
    let mut c =
        find_clusters(&g, w.ds.accounts.len(), &ClusterParams::default()).expect("clustering");
    attach_amplify_only(&mut c, &CoordinationGraph::from_significance(sig), &g);
    c
}

/// True when the account belongs to a planted or organised group (any non-empty cell: an
/// amplifier cell, the state core, or the protest movement) or is amplified by a planted cell
/// (state media patrons): its pairs with the group are dependent by construction.
fn grouped(w: &World, a: AccountId) -> bool {
    !w.truth[a.idx()].1.is_empty() || w.patron[a.idx()]
}

fn operation(w: &World, a: AccountId) -> bool {
    let l = w.truth[a.idx()].0.as_str();
    l == "state_core" || l == "spam_amplifier"
}

/// Clustered share of a world's accounts: `(all, not in any simulated group)`.
fn calibration(preset: &str, seed: u64) -> (f64, f64) {
    let w = world(preset, seed, 3_000, 45_000);
    let sig = significance(&w.layers, &StatsParams::default()).expect("stats");
    let c = clusters_of(&w, &sig);
    let active = sig.universe_accounts as f64;
    let ungrouped = c
        .members
        .iter()
        .flatten()
        .filter(|&&a| !grouped(&w, a))
        .count();
    let share = c.clustered_accounts() as f64 / active;
    let share_ungrouped = ungrouped as f64 / active;
    println!(
        "{preset} seed {seed}: {} posts, {} active accounts, {} layer entries, {} significant edges \
         (expected false {:.2}), {} clusters, {} accounts clustered ({:.2}%), of which {} outside \
         the simulated movement ({:.2}%)",
        w.ds.posts.len(),
        sig.universe_accounts,
        w.layers.len(),
        sig.n_significant,
        sig.expected_false_edges,
        c.len(),
        c.clustered_accounts(),
        100.0 * share,
        ungrouped,
        100.0 * share_ungrouped,
    );
    (share, share_ungrouped)
}

/// No coordination at all (`null` preset: no operation, no movement): at most 1% of accounts may
/// end up in a cluster at fdr 0.01 (DESIGN §6 calibration).
#[test]
fn calibration_on_null_worlds() {
    for seed in [1u64, 2, 3] {
        let (share, _) = calibration("null", seed);
        assert!(share <= 0.01, "seed {seed}: clustered share {share} > 1%");
    }
}

/// `organic-only`: no operation, but the simulated protest movement (8% of accounts; leaders
/// retweeted within minutes by their followers) is genuinely coordinated and is found (the verdict
/// stage labels it `coordinated_organic`). Accounts outside the movement: at most 1% clustered.
#[test]
fn calibration_on_organic_only_worlds() {
    for seed in [1u64, 2, 3] {
        let (_, outside) = calibration("organic-only", seed);
        assert!(
            outside <= 0.01,
            "seed {seed}: {outside} of accounts outside the movement clustered"
        );
    }
}

#[test]
fn planted_world_fdp_ari_and_metrics() {
    let w = world("hk2019", 2019, 4_000, 60_000);
    let sig = significance(&w.layers, &StatsParams::default()).expect("stats");
    let sig_edges = sig.significant();
    let false_any = sig_edges
        .iter()
        .filter(|p| !(grouped(&w, p.a) && grouped(&w, p.b)))
        .count();
    let false_op = sig_edges
        .iter()
        .filter(|p| !(operation(&w, p.a) && operation(&w, p.b)))
        .count();
    let r = sig_edges.len().max(1) as f64;
    let fdp = false_any as f64 / r;
    println!(
        "hk2019: {} significant edges of {} observed pairs, m = {:.3e}; FDP (neither end grouped) = \
         {:.4}; share not operation-operation = {:.4}; expected false edges {:.2}",
        sig_edges.len(),
        sig.pairs.len(),
        sig.hypotheses,
        fdp,
        false_op as f64 / r,
        sig.expected_false_edges
    );

    let c = clusters_of(&w, &sig);
    // ARI: planted operation cells (each amplifier cell, the core) vs found clusters; every other
    // account is its own singleton on both sides.
    let n = w.ds.accounts.len();
    let mut cell_ids: HashMap<String, u64> = HashMap::new();
    let truth: Vec<u64> = (0..n)
        .map(|i| {
            let (label, cell) = &w.truth[i];
            if label == "state_core" || label == "spam_amplifier" {
                let k = cell_ids.len() as u64;
                *cell_ids.entry(cell.clone()).or_insert(k)
            } else {
                1_000_000 + i as u64
            }
        })
        .collect();
    let found: Vec<u64> = (0..n)
        .map(|i| match c.membership[i] {
            Some(k) => k as u64,
            None => 1_000_000 + i as u64,
        })
        .collect();
    let ari = adjusted_rand_index(&truth, &found);
    // The same comparison without the simulated protest movement: it is genuine (organic)
    // coordination, neither a planted cell nor background, and finding it is right (the verdict
    // stage labels it `coordinated_organic`), so it should not count against cell recovery.
    let keep: Vec<usize> = (0..n).filter(|&i| w.truth[i].1 != "movement").collect();
    let ari_no_movement = adjusted_rand_index(
        &keep.iter().map(|&i| truth[i]).collect::<Vec<_>>(),
        &keep.iter().map(|&i| found[i]).collect::<Vec<_>>(),
    );
    // Restricted to planted accounts: are the cells recovered and kept apart?
    let planted: Vec<usize> = (0..n)
        .filter(|&i| operation(&w, AccountId(i as u32)))
        .collect();
    let ari_planted = adjusted_rand_index(
        &planted.iter().map(|&i| truth[i]).collect::<Vec<_>>(),
        &planted.iter().map(|&i| found[i]).collect::<Vec<_>>(),
    );
    let op_accounts = (0..n)
        .filter(|&i| operation(&w, AccountId(i as u32)))
        .count();
    let op_clustered = (0..n)
        .filter(|&i| operation(&w, AccountId(i as u32)) && c.membership[i].is_some())
        .count();
    println!(
        "hk2019: {} clusters, {} accounts clustered; {} of {} operation accounts clustered; \
         {} planted groups; ARI vs planted cells = {ari:.3} (all accounts), \
         {ari_no_movement:.3} (movement excluded), {ari_planted:.3} (planted accounts only)",
        c.len(),
        c.clustered_accounts(),
        op_clustered,
        op_accounts,
        cell_ids.len()
    );
    let mut cell_ids: HashMap<String, u64> = HashMap::new();
    let truth_all: Vec<u64> = (0..n)
        .map(|i| {
            let cell = &w.truth[i].1;
            if cell.is_empty() {
                1_000_000 + i as u64
            } else {
                let k = cell_ids.len() as u64;
                *cell_ids.entry(cell.clone()).or_insert(k)
            }
        })
        .collect();
    let ari_all = adjusted_rand_index(&truth_all, &found);
    println!(
        "hk2019: ARI vs every simulated group (amplifier cells, core, movement) = {ari_all:.3}"
    );
    for (k, m) in c.members.iter().enumerate().take(12) {
        let mut comp: HashMap<&str, usize> = HashMap::new();
        for a in m {
            let t = &w.truth[a.idx()];
            let key = if !t.1.is_empty() {
                t.1.as_str()
            } else if w.patron[a.idx()] {
                "patron"
            } else {
                t.0.as_str()
            };
            *comp.entry(key).or_default() += 1;
        }
        let mut comp: Vec<_> = comp.into_iter().collect();
        comp.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        println!("  cluster {k} composition: {comp:?}");
    }
    let metrics = cluster_metrics(&w.ds, &c, &w.layers, &sig);
    for m in metrics.iter().take(8) {
        println!(
            "  cluster {}: size {}, density {:.2}, layers {}, median delay {:?}, synchrony {:.2}, \
             homogeneity {:.2}, utc offset {:?}, creation span {:?} d",
            m.cluster_id,
            m.size,
            m.density,
            m.layers_str(),
            m.median_delay_s,
            m.synchrony,
            m.content_homogeneity,
            m.utc_offset_h,
            m.creation_span_days.map(|d| d.round())
        );
    }
    assert!(fdp <= 0.02, "FDP {fdp} > 2x nominal");
    // The goal is 0.8 (issue 6). Figures reached (see BENCHMARKS.md, seed 2019): 0.818 with the
    // movement excluded, 0.798 on planted accounts only, 0.254 over all accounts (where the
    // correctly found movement clusters count as errors). Guards a little below, against
    // regressions; before communities left out amplify-only pairs they were 0.779 / 0.759 / 0.236
    // (0.838 / 0.819 / 0.256 without attaching the amplify-only accounts afterwards).
    assert!(
        ari_no_movement >= 0.81,
        "ARI (movement excluded) {ari_no_movement} regressed"
    );
    assert!(
        ari_planted >= 0.79,
        "ARI (planted accounts) {ari_planted} regressed"
    );
    assert!(ari >= 0.24, "ARI (all accounts) {ari} regressed");
}

#[test]
fn analytical_and_permutation_nulls_agree_on_ranks() {
    let w = world("hk2019", 7, 1_500, 20_000);
    let k = 200u32;
    let mut rhos = Vec::new();
    for want in [Layer::Repost, Layer::Amplify] {
        let Some(i) = w
            .layers
            .iter()
            .position(|l| l.layer == want && l.scale == Scale::Drip)
        else {
            panic!("no {want} layer in the world");
        };
        let (trace, params) = &w.traces[i];
        let observed = &w.layers[i];
        let perm = permutation_pvalues(trace, observed, k, 11, |t| {
            lockstep_engine::count_pairs(t, params)
        })
        .expect("k > 0");
        for model in [NullModel::Exposure, NullModel::Configuration] {
            let ana = analytical_pvalues(observed, model);
            let rho = spearman(&ana.log10_p, &perm.log10_p);
            let rho_lambda = spearman(&ana.lambda, &perm.lambda);
            println!(
                "{want}/drip: {} edges, K = {k}: Spearman(log p) analytical {model:?} vs permutation = \
                 {rho:.3}; Spearman(lambda) = {rho_lambda:.3}",
                observed.edges.len()
            );
            rhos.push((want, model, rho));
        }
    }
}
