//! From per-layer edges to fused, FDR-controlled pair significance.

use crate::error::StatsError;
use crate::fusion::Fusion;
use crate::null::{LayerPValues, NullModel, analytical_pvalues};
use lockstep_engine::{Edge, LayerEdges};
use lockstep_model::AccountId;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Parameters of the statistics stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
    /// Benjamini-Hochberg `log10 q` over all `hypotheses` pairs (`<= 0`). Exact for every pair with
    /// `q <= fdr` (the coordination graph's edges); above `fdr` only a bound that stays above it
    /// (see [`significance_with`]): the exact value there would need a full sort of all pairs.
    pub log10_q: f64,
    /// Index (into the input layers) of the layer entry with the smallest p-value.
    pub best_layer: u16,
    /// Bit `i` set when the pair has an edge in input layer `i` (layers beyond 32 are not shown).
    pub layers: u32,
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
    /// Every observed pair, in ascending `(a, b)` order (binary-searchable by [`Self::pair`]).
    pub pairs: Vec<PairSignificance>,
    /// Number of pairs with `q <= fdr` (the length of [`Self::significant`]).
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
    /// The significant pairs, most significant first (copies of their `pairs` entries).
    significant: Vec<PairSignificance>,
    /// Keys of pairs with `q <= fdr` left out of the graph by [`Self::retain_min_weight`],
    /// ascending.
    below_min_weight: Vec<u64>,
}

/// Unordered pair key (`a < b`).
pub fn pair_key(a: AccountId, b: AccountId) -> u64 {
    let (x, y) = if a.0 < b.0 { (a.0, b.0) } else { (b.0, a.0) };
    ((x as u64) << 32) | y as u64
}

impl SignificanceResult {
    /// The significant pairs (the coordination graph's edges), most significant first.
    pub fn significant(&self) -> &[PairSignificance] {
        &self.significant
    }

    /// The fused result of the unordered pair `{a, b}`, if it was observed in any layer.
    pub fn pair(&self, a: AccountId, b: AccountId) -> Option<&PairSignificance> {
        let k = pair_key(a, b);
        self.pairs
            .binary_search_by_key(&k, |p| pair_key(p.a, p.b))
            .ok()
            .map(|i| &self.pairs[i])
    }

    /// True when `{a, b}` is an edge of the coordination graph.
    pub fn is_significant(&self, a: AccountId, b: AccountId) -> bool {
        self.pair(a, b)
            .is_some_and(|p| p.log10_q <= self.fdr.log10())
            && self
                .below_min_weight
                .binary_search(&pair_key(a, b))
                .is_err()
    }

    /// The minimum-weight rule of the coordination graph (`--min-weight`, docs/outputs.md): a
    /// significant pair stays in the graph only when one of its layer edges (any layer, any
    /// scale) has `weight >= min_weight`, i.e. the pair co-acted on at least `min_weight`
    /// distinct targets in one layer. Applied after Benjamini-Hochberg: p- and q-values are
    /// unchanged (every observed pair is still a hypothesis and the margins are the full
    /// layer's), only the graph's edge set shrinks. `n_significant` and
    /// `expected_false_edges` (`m * t` with `t` the largest p-value still kept, capped by
    /// `fdr * n_significant`) follow the smaller set. Returns the number of pairs left out.
    /// `min_weight <= 1` keeps every pair (every observed pair has weight >= 1).
    pub fn retain_min_weight(&mut self, layers: &[LayerEdges], min_weight: u32) -> usize {
        if min_weight <= 1 || self.significant.is_empty() {
            return 0;
        }
        let mut best: hashbrown::HashMap<u64, u32> = self
            .significant
            .iter()
            .map(|p| (pair_key(p.a, p.b), 0))
            .collect();
        for le in layers {
            for e in &le.edges {
                if let Some(w) = best.get_mut(&pair_key(e.a, e.b)) {
                    *w = (*w).max(e.stats.weight);
                }
            }
        }
        let mut dropped: Vec<u64> = Vec::new();
        self.significant.retain(|p| {
            let k = pair_key(p.a, p.b);
            let keep = best.get(&k).is_some_and(|&w| w >= min_weight);
            if !keep {
                dropped.push(k);
            }
            keep
        });
        let n = dropped.len();
        self.below_min_weight.extend(dropped);
        self.below_min_weight.sort_unstable();
        self.below_min_weight.dedup();
        self.n_significant = self.significant.len();
        self.expected_false_edges = match self.significant.last() {
            None => 0.0,
            Some(p) => (10f64.powf(self.hypotheses.log10() + p.log10_p))
                .min(self.fdr * self.n_significant as f64),
        };
        n
    }

    /// Every layer edge whose pair is significant, as `(layer index, edge index, pair log10 q)` in
    /// ascending layer then edge order: the evidence `edges.csv` keeps. One parallel pass over the
    /// layers with a hash lookup only for edges whose two ends are both graph nodes (much cheaper
    /// than a binary search of `pairs` per layer edge).
    pub fn significant_layer_edges(&self, layers: &[LayerEdges]) -> Vec<(u32, u32, f64)> {
        let q: hashbrown::HashMap<u64, f64> = self
            .significant
            .iter()
            .map(|p| (pair_key(p.a, p.b), p.log10_q))
            .collect();
        let n = self
            .significant
            .iter()
            .map(|p| p.b.idx() + 1)
            .max()
            .unwrap_or(0);
        let mut node = vec![false; n];
        for p in &self.significant {
            node[p.a.idx()] = true;
            node[p.b.idx()] = true;
        }
        let is_node = |a: AccountId| node.get(a.idx()).copied().unwrap_or(false);
        let mut out = Vec::new();
        for (li, le) in layers.iter().enumerate() {
            let found: Vec<(u32, u32, f64)> = le
                .edges
                .par_iter()
                .enumerate()
                .filter(|(_, e)| is_node(e.a) && is_node(e.b))
                .filter_map(|(i, e)| {
                    q.get(&pair_key(e.a, e.b))
                        .map(|&lq| (li as u32, i as u32, lq))
                })
                .collect();
            out.extend(found);
        }
        out
    }
}

/// Significance of every observed pair under the analytical null `params.null`.
pub fn significance(
    layers: &[LayerEdges],
    params: &StatsParams,
) -> Result<SignificanceResult, StatsError> {
    let pvalues: Vec<LayerPValues> = layers
        .par_iter()
        .map(|le| analytical_pvalues(le, params.null))
        .collect();
    significance_with(layers, pvalues, params)
}

/// Number of accounts with an action or an edge in any layer.
fn count_universe(layers: &[LayerEdges]) -> u64 {
    let n_act = layers.iter().map(|l| l.activity.len()).max().unwrap_or(0);
    let mut active = vec![false; n_act];
    for l in layers {
        for (i, &d) in l.activity.iter().enumerate() {
            active[i] |= d > 0;
        }
    }
    // Edge ends without recorded activity (inconsistent margins, e.g. a capped target): rare.
    let extra: Vec<u32> = layers
        .par_iter()
        .flat_map(|l| {
            l.edges.par_iter().flat_map_iter(move |e| {
                [e.a, e.b]
                    .into_iter()
                    .filter(move |x| l.activity.get(x.idx()).is_none_or(|&d| d == 0))
                    .map(|x| x.0)
            })
        })
        .collect();
    for x in extra {
        let i = x as usize;
        if i >= active.len() {
            active.resize(i + 1, false);
        }
        active[i] = true;
    }
    active.iter().filter(|&&x| x).count() as u64
}

/// One layer's edges in ascending pair-key order: the stored order when it already is (the
/// kernel sorts undirected layers by `(a, b)`), otherwise a sorted index (directed layers store
/// `(author, amplifier)`).
struct KeyView<'a> {
    le: &'a LayerEdges,
    order: Option<Vec<u32>>,
}

impl<'a> KeyView<'a> {
    fn new(le: &'a LayerEdges) -> Self {
        let key = |e: &Edge| pair_key(e.a, e.b);
        let sorted = le.edges.par_windows(2).all(|w| key(&w[0]) <= key(&w[1]));
        let order = if sorted {
            None
        } else {
            let mut idx: Vec<(u64, u32)> = le
                .edges
                .par_iter()
                .enumerate()
                .map(|(i, e)| (key(e), i as u32))
                .collect();
            idx.par_sort_unstable();
            Some(idx.into_iter().map(|x| x.1).collect())
        };
        KeyView { le, order }
    }

    fn edge_index(&self, pos: usize) -> usize {
        self.order.as_ref().map_or(pos, |o| o[pos] as usize)
    }

    fn key_at(&self, pos: usize) -> u64 {
        let e = &self.le.edges[self.edge_index(pos)];
        pair_key(e.a, e.b)
    }

    /// First position whose key is at least `k`.
    fn lower_bound(&self, k: u64) -> usize {
        let (mut lo, mut hi) = (0usize, self.le.edges.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.key_at(mid) < k {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

/// Splits the smaller-account id range `0..n` into ranges of about `target` layer entries each.
fn chunk_bounds(layers: &[LayerEdges], target: usize) -> Vec<u64> {
    let n = layers
        .iter()
        .map(|l| l.activity.len())
        .max()
        .unwrap_or(0)
        .max(
            layers
                .par_iter()
                .map(|l| {
                    l.edges
                        .par_iter()
                        .map(|e| e.a.idx().min(e.b.idx()) + 1)
                        .max()
                        .unwrap_or(0)
                })
                .max()
                .unwrap_or(0),
        );
    let counts: Vec<u32> = layers
        .par_iter()
        .map(|l| {
            let mut c = vec![0u32; n];
            for e in &l.edges {
                c[e.a.idx().min(e.b.idx())] += 1;
            }
            c
        })
        .reduce(
            || vec![0u32; n],
            |mut x, y| {
                for (a, b) in x.iter_mut().zip(y) {
                    *a += b;
                }
                x
            },
        );
    let mut bounds = vec![0u64];
    let mut acc = 0usize;
    for (i, &c) in counts.iter().enumerate() {
        acc += c as usize;
        if acc >= target {
            bounds.push(i as u64 + 1);
            acc = 0;
        }
    }
    if *bounds.last().unwrap_or(&0) < n as u64 || bounds.len() == 1 {
        bounds.push(n as u64);
    }
    bounds
}

/// Fuses given per-layer p-values (analytical or permutation), applies Benjamini-Hochberg over the
/// full universe of pairs, and returns the result.
///
/// Cost: no global sort. Each layer is already in pair-key order (or gets a sorted index); the
/// smaller-account range is cut into chunks of about 64k layer entries, and each chunk's entries
/// are gathered, sorted locally and fused in parallel, giving `pairs` in key order directly.
/// Benjamini-Hochberg then only ranks the candidates: with `R` observed pairs, every rank `j <= R`
/// has `p_(j) m / j >= p m / R`, so a pair with `p > fdr R / m` can never reach `q <= fdr`; only
/// pairs below that cut are sorted, and their step-up q-values are exact whenever `<= fdr`. The
/// other pairs get `log10 q = min(0, log10 (p m / R))`, a lower bound of their q that is `> fdr`.
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

    let universe_accounts = params
        .universe_accounts
        .unwrap_or_else(|| count_universe(layers));
    let u = universe_accounts as f64;
    let hypotheses = (u * (u - 1.0) / 2.0).max(1.0);

    // Group the layer entries by pair, chunk by chunk of smaller-account ids, in key order.
    let views: Vec<KeyView> = layers.par_iter().map(KeyView::new).collect();
    let bounds = chunk_bounds(layers, 1 << 16);
    let fusion = params.fusion;
    let chunks: Vec<Vec<PairSignificance>> = bounds
        .par_windows(2)
        .map_init(
            || (Vec::<(u64, u16, f64)>::new(), Vec::<f64>::new()),
            |(entries, buf), w| {
                let (lo, hi) = (w[0] << 32, w[1] << 32);
                entries.clear();
                for (li, (view, pv)) in views.iter().zip(&pvalues).enumerate() {
                    let (s, e) = (view.lower_bound(lo), view.lower_bound(hi));
                    for pos in s..e {
                        let i = view.edge_index(pos);
                        let edge = &view.le.edges[i];
                        if edge.a != edge.b {
                            entries.push((pair_key(edge.a, edge.b), li as u16, pv.log10_p[i]));
                        }
                    }
                }
                entries.sort_unstable_by_key(|x| (x.0, x.1));
                let mut out = Vec::with_capacity(entries.len());
                for group in entries.chunk_by(|x, y| x.0 == y.0) {
                    buf.clear();
                    let mut best = (f64::INFINITY, 0u16);
                    let mut mask = 0u32;
                    for &(_, li, lp) in group {
                        buf.push(lp);
                        if lp < best.0 {
                            best = (lp, li);
                        }
                        if li < 32 {
                            mask |= 1 << li;
                        }
                    }
                    let key = group[0].0;
                    out.push(PairSignificance {
                        a: AccountId((key >> 32) as u32),
                        b: AccountId(key as u32),
                        log10_p: fusion.combine(buf, tests_per_pair),
                        log10_q: 0.0,
                        best_layer: best.1,
                        layers: mask,
                    });
                }
                out
            },
        )
        .collect();
    drop(views);
    let mut pairs: Vec<PairSignificance> = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for c in chunks {
        pairs.extend(c);
    }

    // Benjamini-Hochberg over m hypotheses (unobserved pairs have p = 1 and rank last), on the
    // candidates below the cut only (see the doc comment).
    let log_m = hypotheses.log10();
    let log_r = (pairs.len().max(1) as f64).log10();
    let log_fdr = params.fdr.log10();
    let cut = log_fdr + log_r - log_m;
    pairs.par_iter_mut().for_each(|p| {
        p.log10_q = (p.log10_p + log_m - log_r).min(0.0);
    });
    let mut cand: Vec<(f64, u32)> = pairs
        .par_iter()
        .enumerate()
        .filter(|(_, p)| p.log10_p <= cut)
        .map(|(i, p)| (p.log10_p, i as u32))
        .collect();
    // Ties broken by key order, as the pairs are.
    cand.par_sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let mut running = 0.0f64;
    let mut qs = vec![0.0f64; cand.len()];
    for (i, &(lp, _)) in cand.iter().enumerate().rev() {
        let q = (lp + log_m - ((i + 1) as f64).log10()).min(0.0);
        running = running.min(q);
        qs[i] = running;
    }
    for (&(_, idx), &q) in cand.iter().zip(&qs) {
        pairs[idx as usize].log10_q = q;
    }
    let n_significant = qs.partition_point(|&q| q <= log_fdr);
    let significant: Vec<PairSignificance> = cand[..n_significant]
        .iter()
        .map(|&(_, idx)| pairs[idx as usize])
        .collect();
    let expected_false_edges = if n_significant == 0 {
        0.0
    } else {
        let t = cand[n_significant - 1].0;
        (10f64.powf(log_m + t)).min(params.fdr * n_significant as f64)
    };
    Ok(SignificanceResult {
        layers: pvalues,
        pairs,
        n_significant,
        universe_accounts,
        hypotheses,
        fdr: params.fdr,
        expected_false_edges,
        tests_per_pair,
        significant,
        below_min_weight: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_engine::{Layer, PairStats, Scale};

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
        // Significant q-values are monotone in p; pairs are in key order.
        assert!(sig.windows(2).all(|w| w[0].log10_q <= w[1].log10_q));
        assert!(
            r.pairs
                .windows(2)
                .all(|w| pair_key(w[0].a, w[0].b) < pair_key(w[1].a, w[1].b))
        );
    }

    /// Textbook Benjamini-Hochberg over every pair (full sort): the candidate-only step-up must give
    /// the same q wherever `q <= fdr`, the same significant set, and stay above `fdr` elsewhere.
    #[test]
    fn candidate_bh_matches_full_bh() {
        let layers = world();
        for fdr in [0.01, 0.3, 0.9] {
            let params = StatsParams {
                fdr,
                // A small universe (below the accounts seen) puts many organic pairs near the cut.
                universe_accounts: Some(100),
                ..Default::default()
            };
            let r = significance(&layers, &params).expect("ok");
            let m = r.hypotheses.log10();
            let mut by_p: Vec<&PairSignificance> = r.pairs.iter().collect();
            by_p.sort_by(|x, y| {
                x.log10_p
                    .total_cmp(&y.log10_p)
                    .then(pair_key(x.a, x.b).cmp(&pair_key(y.a, y.b)))
            });
            let mut full = vec![0.0f64; by_p.len()];
            let mut running = 0.0f64;
            for i in (0..by_p.len()).rev() {
                running = running.min((by_p[i].log10_p + m - ((i + 1) as f64).log10()).min(0.0));
                full[i] = running;
            }
            let mut n_sig = 0;
            for (p, &q) in by_p.iter().zip(&full) {
                if q <= fdr.log10() {
                    n_sig += 1;
                    assert!(
                        (p.log10_q - q).abs() < 1e-9,
                        "fdr {fdr}: {} vs {q}",
                        p.log10_q
                    );
                } else {
                    assert!(p.log10_q > fdr.log10(), "fdr {fdr}");
                }
            }
            assert_eq!(r.n_significant, n_sig, "fdr {fdr}");
            assert_eq!(r.significant().len(), n_sig);
            assert!(n_sig > 10 || fdr < 0.1, "fdr {fdr}: only {n_sig}");
        }
    }

    #[test]
    fn lookups_and_layer_edges() {
        let layers = world();
        let r = significance(&layers, &StatsParams::default()).expect("ok");
        for p in r.pairs.iter().step_by(97) {
            assert_eq!(r.pair(p.b, p.a), Some(p));
        }
        let kept = r.significant_layer_edges(&layers);
        // The cell's 10 pairs, in both layers; every other edge is organic.
        assert_eq!(kept.len(), 20);
        for &(li, i, lq) in &kept {
            let e = &layers[li as usize].edges[i as usize];
            assert!(e.a.0 < 5 && e.b.0 < 5);
            assert_eq!(r.pair(e.a, e.b).map(|p| p.log10_q), Some(lq));
        }
        assert!(kept.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
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
