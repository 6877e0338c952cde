//! What the scoring stage receives from the coordination stages (engine, stats, graph), as plain
//! data so that the scoring crate depends on none of them.

use lockstep_model::AccountId;

/// One significant coordination edge. Undirected layers have no meaningful order; for the
/// directed `amplify` layer `a` is the amplified author and `b` the amplifier (DESIGN §5).
#[derive(Clone, Debug, PartialEq)]
pub struct SigEdge {
    /// First account, or the amplified author in the `amplify` layer.
    pub a: AccountId,
    /// Second account, or the amplifier in the `amplify` layer.
    pub b: AccountId,
    /// Layer name as in `edges.csv` (`repost`, `text`, `amplify`, `ip`, ...).
    pub layer: String,
    /// Edge weight in that layer (distinct co-acted targets, or amplified posts for `amplify`).
    pub weight: f64,
    /// The edge's q-value (or p-value when no FDR was applied); smaller is stronger.
    pub q: f64,
}

impl SigEdge {
    /// True for the directed amplify layer.
    pub fn is_amplify(&self) -> bool {
        self.layer == "amplify"
    }

    /// Evidence strength of the edge, `-log10(q)` capped at 300 (q = 0 is possible after rounding).
    pub fn strength(&self) -> f64 {
        if self.q <= 0.0 {
            300.0
        } else {
            (-self.q.log10()).clamp(0.0, 300.0)
        }
    }
}

/// The coordination found upstream, per account of the [`lockstep_model::Dataset`].
#[derive(Clone, Debug, Default)]
pub struct CoordinationInput {
    /// Cluster of each account (indexed by `AccountId`), `None` when the account is in no cluster.
    /// A shorter vector is allowed: missing accounts are in no cluster.
    pub cluster: Vec<Option<u32>>,
    /// The significant edges (after FDR), all layers, including directed `amplify` edges.
    pub edges: Vec<SigEdge>,
    /// Per-account coordination strength in [0, 1] (e.g. normalised weighted degree in the fused
    /// graph); a shorter vector means 0 for the missing accounts.
    pub strength: Vec<f64>,
}

impl CoordinationInput {
    /// The cluster of account `a`.
    pub fn cluster_of(&self, a: AccountId) -> Option<u32> {
        self.cluster.get(a.idx()).copied().flatten()
    }

    /// The coordination strength of account `a` (0 when unknown), clamped to [0, 1].
    pub fn strength_of(&self, a: AccountId) -> f64 {
        self.strength
            .get(a.idx())
            .copied()
            .unwrap_or(0.0)
            .clamp(0.0, 1.0)
    }
}

/// Per-account coordination strength in [0, 1] on an absolute scale: `1 - 2^(-k / half)`, where
/// `k` is the number of distinct accounts the account shares a significant edge with (any layer)
/// and `half` is `ScoreParams::coordination_half_partners` (default 5: five partners give 0.5,
/// ten 0.75, twenty 0.94).
///
/// An absolute scale, because a scale relative to the dataset's best-connected account (the
/// previous definition, weighted degree over the maximum) let one hub flatten every other account
/// to 0.01-0.08 on the dense IRA and troll-farm clusters, so coordination weighed nothing exactly
/// where it was strongest. Partners rather than summed edge weight, because weight grows with
/// activity: a prolific account is not more coordinated for posting more.
pub fn coordination_strength(edges: &[SigEdge], n_accounts: usize, half: f64) -> Vec<f64> {
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(2 * edges.len());
    for e in edges {
        if e.a == e.b || e.a.idx() >= n_accounts || e.b.idx() >= n_accounts {
            continue;
        }
        pairs.push((e.a.0, e.b.0));
        pairs.push((e.b.0, e.a.0));
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut k = vec![0u32; n_accounts];
    for (a, _) in pairs {
        k[a as usize] += 1;
    }
    let half = if half.is_finite() && half > 0.0 {
        half
    } else {
        5.0
    };
    k.into_iter()
        .map(|k| 1.0 - (-(f64::from(k)) / half).exp2())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: u32, b: u32, layer: &str) -> SigEdge {
        SigEdge {
            a: AccountId(a),
            b: AccountId(b),
            layer: layer.into(),
            weight: 100.0,
            q: 0.001,
        }
    }

    #[test]
    fn strength_counts_distinct_partners_on_an_absolute_scale() {
        // Account 0 is a hub with 20 partners; 21 and 22 are tied to each other only, on two
        // layers. A relative scale would give them 1/20 of the hub; here they keep their own.
        let mut edges: Vec<SigEdge> = (1..=20).map(|b| edge(0, b, "repost")).collect();
        edges.push(edge(21, 22, "repost"));
        edges.push(edge(21, 22, "text"));
        let s = coordination_strength(&edges, 24, 5.0);
        assert!((s[0] - (1.0 - 2f64.powi(-4))).abs() < 1e-12);
        assert!((s[21] - (1.0 - 2f64.powf(-0.2))).abs() < 1e-12);
        assert_eq!(s[23], 0.0);
        // Five partners: one half.
        let five: Vec<SigEdge> = (1..=5).map(|b| edge(0, b, "amplify")).collect();
        assert!((coordination_strength(&five, 6, 5.0)[0] - 0.5).abs() < 1e-12);
    }
}
