//! From per-layer edges to fused, FDR-controlled pair significance.

use crate::error::StatsError;
use crate::fusion::Fusion;
use crate::null::{LayerPValues, NullModel, analytical_pvalues};
use lockstep_engine::LayerEdges;
use lockstep_model::AccountId;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Parameters of the statistics stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatsParams {
    /// Analytical null model (a `Permutation` model is run by the caller with
    /// [`crate::permutation::permutation_pvalues`] and passed to [`significance_with`]).
    pub null: NullModel,
    /// How a pair's layers are combined.
    pub fusion: Fusion,
    /// Nominal false discovery rate of the coordination graph's edges.
    pub fdr: f64,
    /// Number of accounts that could have co-acted; `None` counts every account with at least
    /// one action (or one edge) in any layer. The hypotheses are all `n (n - 1) / 2` pairs.
    pub universe_accounts: Option<u64>,
}

impl Default for StatsParams {
    fn default() -> Self {
        StatsParams {
            null: NullModel::Configuration,
            fusion: Fusion::Simes,
            fdr: 0.01,
            universe_accounts: None,
        }
    }
}

/// One observed pair (co-acting in at least one layer) with its fused significance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairSignificance {
    /// Smaller account id.
    pub a: AccountId,
    /// Larger account id.
    pub b: AccountId,
    /// Fused `log10 p` (`<= 0`).
    pub log10_p: f64,
    /// Benjamini-Hochberg `log10 q` over all `hypotheses` pairs (`<= 0`).
    pub log10_q: f64,
    /// Index (into the input layers) of the layer entry with the smallest p-value.
    pub best_layer: u16,
    /// Bit `i` set when the pair has an edge in input layer `i` (layers beyond 64 are not shown).
    pub layers: u64,
}

impl PairSignificance {
    /// Fused p-value (may underflow to 0; rank with `log10_p`).
    pub fn p(&self) -> f64 {
        10f64.powf(self.log10_p)
    }
    /// q-value.
    pub fn q(&self) -> f64 {
        10f64.powf(self.log10_q)
    }
    /// The graph weight `-log10 p` (finite, >= 0).
    pub fn weight(&self) -> f64 {
        -self.log10_p
    }
}

/// The statistics stage's output.
#[derive(Clone, Debug)]
pub struct SignificanceResult {
    /// Per input layer, per-edge null expectation and p-value (aligned with the input edges).
    pub layers: Vec<LayerPValues>,
    /// Every observed pair, most significant first.
    pub pairs: Vec<PairSignificance>,
    /// Number of pairs with `q <= fdr` (they are `pairs[..n_significant]`).
    pub n_significant: usize,
    /// Accounts in the multiple-testing universe.
    pub universe_accounts: u64,
    /// Hypotheses tested: `universe_accounts * (universe_accounts - 1) / 2`.
    pub hypotheses: f64,
    /// The FDR level used.
    pub fdr: f64,
    /// Expected number of false edges among the significant ones: `m * t`, `t` the largest kept
    /// p-value (the BH estimate of `m0 * t` with `m0 <= m`); never more than `fdr * n_significant`.
    pub expected_false_edges: f64,
    /// Number of layer tests fused per pair (directed layers count twice: both directions).
    pub tests_per_pair: usize,
    /// Sorted `(pair key, index into pairs)` for lookups.
    index: Vec<(u64, u32)>,
}

/// Unordered pair key (`a < b`).
pub fn pair_key(a: AccountId, b: AccountId) -> u64 {
    let (x, y) = if a.0 < b.0 { (a.0, b.0) } else { (b.0, a.0) };
    ((x as u64) << 32) | y as u64
}

impl SignificanceResult {
    /// The significant pairs (the coordination graph's edges).
    pub fn significant(&self) -> &[PairSignificance] {
        &self.pairs[..self.n_significant]
    }

    /// The fused result of the unordered pair `{a, b}`, if it was observed in any layer.
    pub fn pair(&self, a: AccountId, b: AccountId) -> Option<&PairSignificance> {
        let k = pair_key(a, b);
        self.index
            .binary_search_by_key(&k, |&(key, _)| key)
            .ok()
            .map(|i| &self.pairs[self.index[i].1 as usize])
    }

    /// True when `{a, b}` is an edge of the coordination graph.
    pub fn is_significant(&self, a: AccountId, b: AccountId) -> bool {
        self.pair(a, b)
            .is_some_and(|p| p.log10_q <= self.fdr.log10())
    }
}

/// Significance of every observed pair under the analytical null `params.null`.
pub fn significance(
    layers: &[LayerEdges],
    params: &StatsParams,
) -> Result<SignificanceResult, StatsError> {
    let pvalues: Vec<LayerPValues> = layers
        .iter()
        .map(|le| analytical_pvalues(le, params.null))
        .collect();
    significance_with(layers, pvalues, params)
}

/// Fuses given per-layer p-values (analytical or permutation), applies Benjamini-Hochberg over the
/// full universe of pairs, and returns the result.
pub fn significance_with(
    layers: &[LayerEdges],
    pvalues: Vec<LayerPValues>,
    params: &StatsParams,
) -> Result<SignificanceResult, StatsError> {
    if !(params.fdr > 0.0 && params.fdr < 1.0) {
        return Err(StatsError::BadFdr(params.fdr));
    }
    if layers.len() != pvalues.len() {
        return Err(StatsError::LayerMismatch {
            layers: layers.len(),
            pvalues: pvalues.len(),
        });
    }
    for (le, pv) in layers.iter().zip(&pvalues) {
        if le.edges.len() != pv.log10_p.len() {
            return Err(StatsError::EdgeMismatch {
                layer: format!("{}/{}", le.layer, le.scale.as_str()),
                edges: le.edges.len(),
                pvalues: pv.log10_p.len(),
            });
        }
    }
    let tests_per_pair: usize = layers
        .iter()
        .map(|l| if l.layer.is_directed() { 2 } else { 1 })
        .sum();

    // Universe: every account with an action or an edge in any layer.
    let universe_accounts = params.universe_accounts.unwrap_or_else(|| {
        let n = layers
            .iter()
            .map(|l| {
                l.activity.len().max(
                    l.edges
                        .iter()
                        .map(|e| e.a.idx().max(e.b.idx()) + 1)
                        .max()
                        .unwrap_or(0),
                )
            })
            .max()
            .unwrap_or(0);
        let mut active = vec![false; n];
        for l in layers {
            for (i, &d) in l.activity.iter().enumerate() {
                active[i] |= d > 0;
            }
            for e in &l.edges {
                active[e.a.idx()] = true;
                active[e.b.idx()] = true;
            }
        }
        active.iter().filter(|&&x| x).count() as u64
    });
    let u = universe_accounts as f64;
    let hypotheses = (u * (u - 1.0) / 2.0).max(1.0);

    // Gather (pair key, log10 p, layer index) over all layers, group by pair.
    let total: usize = layers.iter().map(|l| l.edges.len()).sum();
    let mut entries: Vec<(u64, f64, u16)> = Vec::with_capacity(total);
    for (li, (le, pv)) in layers.iter().zip(&pvalues).enumerate() {
        entries.extend(
            le.edges
                .iter()
                .zip(&pv.log10_p)
                .filter(|(e, _)| e.a != e.b)
                .map(|(e, &lp)| (pair_key(e.a, e.b), lp, li as u16)),
        );
    }
    entries.par_sort_unstable_by_key(|e| e.0);

    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        if i == entries.len() || entries[i].0 != entries[start].0 {
            groups.push((start, i));
            start = i;
        }
    }
    let fusion = params.fusion;
    let mut pairs: Vec<PairSignificance> = groups
        .par_iter()
        .map_init(Vec::new, |buf, &(s, e)| {
            buf.clear();
            let mut best = (f64::INFINITY, 0u16);
            let mut mask = 0u64;
            for &(_, lp, li) in &entries[s..e] {
                buf.push(lp);
                if lp < best.0 {
                    best = (lp, li);
                }
                if li < 64 {
                    mask |= 1 << li;
                }
            }
            let key = entries[s].0;
            PairSignificance {
                a: AccountId((key >> 32) as u32),
                b: AccountId(key as u32),
                log10_p: fusion.combine(buf, tests_per_pair),
                log10_q: 0.0,
                best_layer: best.1,
                layers: mask,
            }
        })
        .collect();
    drop(entries);

    // Benjamini-Hochberg: q_(i) = min_{j >= i} p_(j) m / j, over m hypotheses of which the
    // unobserved ones have p = 1 and rank last (they never lower an observed pair's q).
    pairs.par_sort_unstable_by(|x, y| {
        x.log10_p
            .total_cmp(&y.log10_p)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    let log_m = hypotheses.log10();
    let mut running = 0.0f64;
    for (i, p) in pairs.iter_mut().enumerate().rev() {
        let q = (p.log10_p + log_m - ((i + 1) as f64).log10()).min(0.0);
        running = running.min(q);
        p.log10_q = running;
    }
    let threshold = params.fdr.log10();
    let n_significant = pairs.partition_point(|p| p.log10_q <= threshold);
    let expected_false_edges = if n_significant == 0 {
        0.0
    } else {
        let t = pairs[n_significant - 1].log10_p;
        (10f64.powf(log_m + t)).min(params.fdr * n_significant as f64)
    };
    let mut index: Vec<(u64, u32)> = pairs
        .iter()
        .enumerate()
        .map(|(i, p)| (pair_key(p.a, p.b), i as u32))
        .collect();
    index.par_sort_unstable();
    Ok(SignificanceResult {
        layers: pvalues,
        pairs,
        n_significant,
        universe_accounts,
        hypotheses,
        fdr: params.fdr,
        expected_false_edges,
        tests_per_pair,
        index,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_engine::{Edge, Layer, PairStats, Scale};

    fn edge(a: u32, b: u32, w: u32) -> Edge {
        Edge {
            a: AccountId(a),
            b: AccountId(b),
            stats: PairStats {
                weight: w,
                events: w,
                ..Default::default()
            },
        }
    }

    fn layer(layer: Layer, scale: Scale, edges: Vec<Edge>, activity: Vec<u32>) -> LayerEdges {
        LayerEdges {
            layer,
            scale,
            window_s: 60,
            edges,
            activity,
            target_sizes: vec![],
            capped_targets: 0,
            capped_target_ids: vec![],
        }
    }

    /// 1000 organic accounts with single co-actions sprinkled at random (activity unrelated to
    /// them, so heavier organic weights would be genuinely surprising), plus a 5-account cell
    /// sharing 12 targets in two layers.
    fn world() -> Vec<LayerEdges> {
        let n = 1000u32;
        let mut rng = crate::rng::SplitMix64::new(9);
        let mut act = vec![0u32; n as usize];
        for a in act.iter_mut() {
            *a = 5 + rng.below(40) as u32;
        }
        let mut edges = Vec::new();
        for _ in 0..4000 {
            let a = rng.below(n as usize) as u32;
            let b = rng.below(n as usize) as u32;
            if a != b {
                edges.push(edge(a.min(b), a.max(b), 1));
            }
        }
        edges.sort_by_key(|e| (e.a, e.b));
        edges.dedup_by_key(|e| (e.a, e.b));
        let mut text = Vec::new();
        for a in 0..5u32 {
            for b in a + 1..5 {
                edges.push(edge(a, b, 12));
                text.push(edge(a, b, 6));
            }
        }
        vec![
            layer(Layer::Repost, Scale::Burst, edges, act.clone()),
            layer(Layer::Text, Scale::Burst, text, act),
        ]
    }

    #[test]
    fn cell_found_organic_not() {
        let layers = world();
        let r = significance(&layers, &StatsParams::default()).expect("valid params");
        assert_eq!(r.universe_accounts, 1000);
        assert_eq!(r.hypotheses, 1000.0 * 999.0 / 2.0);
        assert_eq!(r.tests_per_pair, 2);
        let sig = r.significant();
        assert_eq!(sig.len(), 10, "{:?}", &r.pairs[..12]);
        assert!(sig.iter().all(|p| p.b.0 < 5));
        assert!(r.is_significant(AccountId(3), AccountId(1)));
        assert!(!r.is_significant(AccountId(3), AccountId(700)));
        let p = r.pair(AccountId(4), AccountId(0)).expect("observed");
        assert_eq!(p.layers, 0b11);
        assert!(r.expected_false_edges <= 0.01 * 10.0);
        // q-values are monotone in p.
        assert!(r.pairs.windows(2).all(|w| w[0].log10_q <= w[1].log10_q));
    }

    #[test]
    fn universe_size_matters() {
        // The same edges with a 1000x larger universe give larger q-values.
        let layers = world();
        let small = significance(&layers, &StatsParams::default()).expect("ok");
        let big = significance(
            &layers,
            &StatsParams {
                universe_accounts: Some(1_000_000),
                ..Default::default()
            },
        )
        .expect("ok");
        let a = small.pair(AccountId(0), AccountId(1)).expect("observed");
        let b = big.pair(AccountId(0), AccountId(1)).expect("observed");
        assert!((b.log10_q - a.log10_q - 6.0).abs() < 0.01);
    }

    #[test]
    fn rejects_bad_input() {
        let layers = world();
        assert_eq!(
            significance(
                &layers,
                &StatsParams {
                    fdr: 1.5,
                    ..Default::default()
                }
            )
            .err(),
            Some(StatsError::BadFdr(1.5))
        );
        assert!(matches!(
            significance_with(&layers, vec![], &StatsParams::default()),
            Err(StatsError::LayerMismatch { .. })
        ));
    }
}
