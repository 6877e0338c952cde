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
