//! Lockstep graphs (DESIGN §7): the fused coordination graph (significant pairs weighted
//! `-log10 p`), communities (Leiden behind [`CommunityDetector`], connected components for tiny
//! graphs), per-cluster metrics, operations above clusters, partition comparison and a force-directed layout.
//!
//! Typical use after the statistics stage:
//! ```text
//! let g = CoordinationGraph::for_communities(&sig); // peer co-action pairs only
//! let clusters = find_clusters(&g, ds.accounts.len(), &ClusterParams::default())?;
//! let metrics = cluster_metrics(&ds, &clusters, &layers, &sig);
//! let xy = layout(&g, 7);
//! ```

pub mod community;
pub mod compare;
pub mod error;
pub mod graph;
pub mod layout;
pub mod metrics;
pub mod operations;

pub use community::{
    ClusterParams, Clusters, CommunityDetector, ConnectedComponents, LeidenDetector, Quality,
    attach_amplify_only, clusters_with, find_clusters,
};
pub use compare::adjusted_rand_index;
pub use error::GraphError;
pub use graph::{CoordinationGraph, modularity};
pub use layout::layout;
pub use metrics::{ClusterMetrics, LayerShare, cluster_metrics, infer_utc_offset, url_host};
pub use operations::{ClusterTie, OperationParams, cluster_ties, group_operations};
