//! Lockstep's co-action engine (DESIGN §5): traces, the windowed pair kernel, near-duplicate text.
//!
//! The contract other stages build on lives in [`layer`] (which behaviours are compared), [`trace`]
//! (actions mapped to targets) and [`pairs`] (what the kernel emits per pair and layer).
//! [`build`] turns a `Dataset` into traces, [`kernel`] counts pairs ([`count_pairs`]), [`window`]
//! holds the per-layer windows, [`compat`] the CooRTweet and QUT compatibility semantics.

pub mod build;
pub mod canon;
pub mod compat;
pub mod kernel;
pub mod layer;
pub mod pairs;
pub mod sample;
pub mod text;
pub mod trace;
pub mod window;

pub use build::{LayerSupport, TraceError, build_trace, layer_support, supported_layers};
pub use kernel::{KernelParams, PartialPairs, SkewParams, count_pairs, count_partition};
pub use layer::{Layer, Scale};
pub use pairs::{Edge, LayerEdges, PairStats};
pub use trace::{Event, Trace};
pub use window::{WindowError, Windows};
