//! Errors of the graph stage.

use thiserror::Error;

/// What can go wrong when building or partitioning the coordination graph.
#[derive(Debug, Error)]
pub enum GraphError {
    /// The community detector refused the graph or its parameters.
    #[error("community detection ({detector}) failed: {message}")]
    Detector {
        /// Which detector.
        detector: &'static str,
        /// Its message.
        message: String,
    },
    /// An edge refers to a node outside the graph.
    #[error("edge ({0}, {1}) refers to a node outside the graph of {2} nodes")]
    BadEdge(u32, u32, usize),
}
