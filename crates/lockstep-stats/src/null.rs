//! The analytical null model: each pair's expected co-action count `lambda_ab` under independent
//! behaviour, from the layer's margins, in `O(edges + accounts)`; and the Poisson tail of the
//! observed weight. The model, its assumptions and its failure modes are in `docs/statistics.md`.

use crate::tail::poisson_log10_sf;
use lockstep_engine::{Layer, LayerEdges, Scale};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Which null model gives the per-edge p-values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NullModel {
    /// Configuration (Chung-Lu) model with the layer's timing (default):
    /// `lambda_ab = T d_a d_b / P`, `T` the layer's total weight (within-window co-acting account
    /// pairs summed over targets, so the targets' popularity *and* time profiles enter through it),
    /// `P = sum_{a<b} d_a d_b`. It is the expectation of the account-label permutation null (each
    /// account's activity and each target's events and times kept, who-did-what shuffled), which
    /// validates it. Heavy users get large `lambda` through `d_a d_b`.
    #[default]
    Configuration,
    /// Exposure model (conservative). Fix one account's actions (which targets, at which times)
    /// and let the other place its `d_b` actions independently by popularity and each target's time
    /// profile: `E[w_ab] = d_b s_a / (D - d_a)`, `s_a` the account's strength (sum of its weights),
    /// `D` the layer's total actions; symmetrised by the larger direction. It also absorbs "acts on
    /// viral posts at their peak", but a cell's own co-actions inflate its members' `s`, so it
    /// loses much power on planted cells (see `docs/statistics.md`).
    Exposure,
    /// Permutation null: the layer's account labels are shuffled across its events `k` times and
    /// the kernel rerun (see [`crate::permutation`]). Needs the traces and the kernel, so it is run
    /// with [`crate::permutation::permutation_pvalues`], not by [`crate::significance`].
    Permutation {
        /// Number of permutations.
        k: u32,
        /// Seed of the shuffles.
        seed: u64,
    },
}

impl NullModel {
    /// Parses a `--null` value: `configuration` (alias `analytical`), `exposure`, or
    /// `permutation` (which takes `permutations` and `seed`).
    pub fn parse(name: &str, permutations: u32, seed: u64) -> Option<NullModel> {
        match name {
            "configuration" | "analytical" => Some(NullModel::Configuration),
            "exposure" => Some(NullModel::Exposure),
            "permutation" => Some(NullModel::Permutation {
                k: permutations,
                seed,
            }),
            _ => None,
        }
    }

    /// The `--null` name of this model.
    pub fn as_str(self) -> &'static str {
        match self {
            NullModel::Configuration => "configuration",
            NullModel::Exposure => "exposure",
            NullModel::Permutation { .. } => "permutation",
        }
    }
}

/// Per-edge null expectations and p-values of one layer at one scale, aligned with
/// `LayerEdges::edges` (entry `i` is about edge `i`).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerPValues {
    /// Which layer.
    pub layer: Layer,
    /// Which scale.
    pub scale: Scale,
    /// Expected weight under the null (`lambda_ab`).
    pub lambda: Vec<f64>,
    /// `log10 p`: probability under the null of a weight at least the observed one (`<= 0`).
    pub log10_p: Vec<f64>,
}

impl LayerPValues {
    /// The p-value of edge `i` (may underflow to 0; use `log10_p` to rank).
    pub fn p(&self, i: usize) -> f64 {
        10f64.powf(self.log10_p[i])
    }
}

/// The margins of one layer the analytical models use.
struct Margins {
    /// Activity per account (at least the largest weight seen on any of its edges).
    d: Vec<f64>,
    /// Strength per account: sum of weights of its undirected edges, or of its out-edges (as
    /// amplified author) in the directed layer.
    s: Vec<f64>,
    /// Total actions.
    total: f64,
    /// Total weight.
    weight: f64,
}

fn margins(le: &LayerEdges) -> Margins {
    let n = le
        .edges
        .iter()
        .map(|e| e.a.idx().max(e.b.idx()) + 1)
        .max()
        .unwrap_or(0)
        .max(le.activity.len());
    let mut d: Vec<f64> = vec![0.0; n];
    for (i, &a) in le.activity.iter().enumerate() {
        d[i] = a as f64;
    }
    let mut s = vec![0.0f64; n];
    let mut weight = 0.0;
    let directed = le.layer.is_directed();
    for e in &le.edges {
        let w = e.stats.weight as f64;
        weight += w;
        s[e.a.idx()] += w;
        if !directed {
            s[e.b.idx()] += w;
        }
        // Guard against margins inconsistent with the edges (e.g. a capped target): an account's
        // activity is at least any of its weights.
        if !directed {
            d[e.a.idx()] = d[e.a.idx()].max(w);
        }
        d[e.b.idx()] = d[e.b.idx()].max(w);
    }
    let total = d.iter().sum::<f64>().max(1.0);
    Margins {
        d,
        s,
        total,
        weight,
    }
}

/// Expected weights and p-values of every edge of one layer under an analytical null.
/// `Permutation` is not analytical; it falls back to `Configuration` (its expectation) here.
/// The directed `amplify` layer uses the author-conditioned form `d_b s_a^out / (D - d_a)` under
/// every model (the trace's author post counts are not among the margins).
pub fn analytical_pvalues(le: &LayerEdges, model: NullModel) -> LayerPValues {
    let m = margins(le);
    let directed = le.layer.is_directed();
    let lambda: Vec<f64> = match model {
        NullModel::Configuration | NullModel::Permutation { .. } if !directed => {
            let sum_d = m.total;
            let sum_d2: f64 = m.d.iter().map(|x| x * x).sum();
            let pairs = ((sum_d * sum_d - sum_d2) / 2.0).max(1.0);
            le.edges
                .par_iter()
                .map(|e| m.weight * m.d[e.a.idx()] * m.d[e.b.idx()] / pairs)
                .collect()
        }
        _ => le
            .edges
            .par_iter()
            .map(|e| {
                let (a, b) = (e.a.idx(), e.b.idx());
                let rest_a = (m.total - m.d[a]).max(1.0);
                let ab = m.s[a] * m.d[b] / rest_a;
                if directed {
                    ab
                } else {
                    let rest_b = (m.total - m.d[b]).max(1.0);
                    ab.max(m.s[b] * m.d[a] / rest_b)
                }
            })
            .collect(),
    };
    let log10_p = le
        .edges
        .par_iter()
        .zip(lambda.par_iter())
        .map(|(e, &l)| poisson_log10_sf(e.stats.weight as u64, l))
        .collect();
    LayerPValues {
        layer: le.layer,
        scale: le.scale,
        lambda,
        log10_p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_engine::{Edge, PairStats};
    use lockstep_model::AccountId;

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

    fn layer(edges: Vec<Edge>, activity: Vec<u32>, layer: Layer) -> LayerEdges {
        LayerEdges {
            layer,
            scale: Scale::Burst,
            window_s: 60,
            edges,
            activity,
            target_sizes: vec![],
            capped_targets: 0,
            capped_target_ids: vec![],
        }
    }

    #[test]
    fn heavy_pair_less_surprising_than_light_pair_with_same_weight() {
        // Accounts 0,1 are heavy (1000 actions) and co-act a lot with everyone; 2,3 are light.
        let mut edges = vec![edge(0, 1, 5), edge(2, 3, 5)];
        for k in 4..200 {
            edges.push(edge(0, k, 3));
            edges.push(edge(1, k, 3));
        }
        let mut act = vec![1000, 1000, 5, 5];
        act.extend(std::iter::repeat_n(20, 196));
        let le = layer(edges, act, Layer::Repost);
        for model in [NullModel::Exposure, NullModel::Configuration] {
            let pv = analytical_pvalues(&le, model);
            assert!(
                pv.lambda[0] > 10.0 * pv.lambda[1],
                "{model:?}: {:?}",
                &pv.lambda[..2]
            );
            assert!(pv.log10_p[1] < pv.log10_p[0] - 3.0, "{model:?}");
            assert!(pv.log10_p.iter().all(|&p| p <= 0.0));
        }
    }

    #[test]
    fn parse_names() {
        for m in [
            NullModel::Configuration,
            NullModel::Exposure,
            NullModel::Permutation { k: 9, seed: 1 },
        ] {
            assert_eq!(NullModel::parse(m.as_str(), 9, 1), Some(m));
        }
        assert_eq!(
            NullModel::parse("analytical", 0, 0),
            Some(NullModel::Configuration)
        );
        assert_eq!(NullModel::parse("bogus", 0, 0), None);
    }

    #[test]
    fn exposure_lambdas_sum_to_strength() {
        // Sum over b of d_b * s_a / (D - d_a) equals s_a when a's partners are all accounts.
        let edges = vec![edge(0, 1, 2), edge(0, 2, 1), edge(0, 3, 1), edge(1, 2, 1)];
        let act = vec![4, 3, 2, 1];
        let le = layer(edges, act, Layer::Text);
        let m = margins(&le);
        assert_eq!(m.s, vec![4.0, 3.0, 2.0, 1.0]);
        assert_eq!(m.total, 10.0);
        let sum: f64 = (1..4).map(|b| m.s[0] * m.d[b] / (m.total - m.d[0])).sum();
        assert!((sum - m.s[0]).abs() < 1e-12);
    }

    #[test]
    fn directed_uses_author_strength_and_amplifier_activity() {
        // Author 0's posts are amplified; amplifier 1 reposts 50 posts, amplifier 2 reposts 2.
        let edges = vec![edge(0, 1, 3), edge(0, 2, 2), edge(5, 1, 1)];
        let act = vec![0, 50, 2, 0, 0, 0];
        let le = layer(edges, act, Layer::Amplify);
        let pv = analytical_pvalues(&le, NullModel::Exposure);
        // s_0 = 5, D = 52 => lambda(0->1) = 5*50/52, lambda(0->2) = 5*2/52.
        assert!((pv.lambda[0] - 5.0 * 50.0 / 52.0).abs() < 1e-9);
        assert!((pv.lambda[1] - 5.0 * 2.0 / 52.0).abs() < 1e-9);
        assert!(pv.log10_p[1] < pv.log10_p[0]);
    }
}
