//! Lockstep's co-action engine (DESIGN §5): traces, the windowed pair kernel, near-duplicate text.
//!
//! The contract other stages build on lives in [`layer`] (which behaviours are compared), [`trace`]
//! (actions mapped to targets) and [`pairs`] (what the kernel emits per pair and layer).

pub mod layer;
pub mod pairs;
pub mod text;
pub mod trace;

pub use layer::{Layer, Scale};
pub use pairs::{Edge, LayerEdges, PairStats};
pub use trace::{Event, Trace};
