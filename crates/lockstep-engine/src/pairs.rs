//! What the pair kernel emits: per pair and layer statistics (DESIGN §5), plus the per-account and
//! per-target margins the statistics stage needs for its null model.

use crate::layer::{Layer, Scale};
use lockstep_model::AccountId;

/// Co-action statistics of one pair in one layer at one scale.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PairStats {
    /// Number of distinct targets both acted on within the window (the default weight).
    pub weight: u32,
    /// Number of co-action events (pairs of actions within the window).
    pub events: u32,
    /// Median `|dt|` in seconds over co-action events.
    pub median_dt_s: f32,
    /// Events where `a` acted first.
    pub lead: u32,
    /// Events where `b` acted first.
    pub follow: u32,
    /// `min(u_a, u_b) / max(u_a, u_b)`, u = each side's distinct actions involved.
    pub symmetry: f32,
}

/// One pair. Undirected layers store `a < b`; the directed `amplify` layer stores
/// `a` = amplified author, `b` = amplifier.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    /// First account (or the amplified author).
    pub a: AccountId,
    /// Second account (or the amplifier).
    pub b: AccountId,
    /// The statistics.
    pub stats: PairStats,
}

/// All pairs of one layer at one scale, with the margins a null model needs.
#[derive(Clone, Debug)]
pub struct LayerEdges {
    /// Which layer.
    pub layer: Layer,
    /// Which scale.
    pub scale: Scale,
    /// The window in seconds.
    pub window_s: i64,
    /// Pairs with weight >= 1.
    pub edges: Vec<Edge>,
    /// Per account (indexed by `AccountId`): distinct targets it acted on in this layer.
    pub activity: Vec<u32>,
    /// Per target: distinct accounts that acted on it.
    pub target_sizes: Vec<u32>,
    /// Targets whose participant count exceeded the skew cap and were down-weighted / sampled.
    pub capped_targets: u32,
    /// The ids of those capped targets, sorted (their pairs are neighbour-limited, see
    /// [`crate::kernel`]).
    pub capped_target_ids: Vec<u32>,
}
