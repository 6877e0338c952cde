//! Traces: a layer's actions as `(target, account, time)` events.

use crate::layer::Layer;
use lockstep_model::AccountId;

/// One action on one target. `target` is a dense id local to the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Event {
    /// Dense target id within the trace (post, text hash group, url, ...).
    pub target: u32,
    /// UTC seconds.
    pub time: i64,
    /// Acting account.
    pub account: AccountId,
}

/// All events of one layer, sorted by `(target, time, account)`. For the directed `amplify` layer
/// the target is the author's post and `owner[target]` is its author.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    /// Which layer.
    pub layer: Option<Layer>,
    /// Events sorted by target, then time.
    pub events: Vec<Event>,
    /// Number of distinct targets (`target < n_targets`).
    pub n_targets: u32,
    /// For directed layers: the author of each target, with the time it was posted.
    pub owner: Vec<Option<(AccountId, i64)>>,
}
