//! Errors of the statistics stage.

use thiserror::Error;

/// What can go wrong when computing significance.
#[derive(Debug, Error, PartialEq)]
pub enum StatsError {
    /// The false discovery rate must lie in (0, 1).
    #[error("fdr must be in (0, 1), got {0}")]
    BadFdr(f64),
    /// Per-layer p-values were supplied for a different number of layers than edges.
    #[error("{pvalues} p-value sets for {layers} layers")]
    LayerMismatch {
        /// Number of layer edge sets.
        layers: usize,
        /// Number of p-value sets.
        pvalues: usize,
    },
    /// A p-value set does not line up with its layer's edges.
    #[error("layer {layer}: {pvalues} p-values for {edges} edges")]
    EdgeMismatch {
        /// Layer name and scale.
        layer: String,
        /// Number of edges.
        edges: usize,
        /// Number of p-values.
        pvalues: usize,
    },
    /// A permutation null needs at least one permutation.
    #[error("the permutation null needs at least 1 permutation")]
    NoPermutations,
}
