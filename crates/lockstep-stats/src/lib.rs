//! Lockstep statistics (DESIGN §6): how surprising is each pair's co-action under a model of
//! independent behaviour, fused over layers, with the false discovery rate controlled over every
//! pair that could have co-acted.
//!
//! Pipeline: [`significance`] takes the engine's [`lockstep_engine::LayerEdges`] (one per layer
//! and scale), computes each edge's expected weight and Poisson p-value under the analytical
//! [`NullModel`] ([`null`]), combines a pair's layers with [`Fusion`] ([`fusion`]), and applies
//! Benjamini-Hochberg with `m = n (n - 1) / 2` hypotheses ([`significance()`]). The permutation null
//! ([`permutation`]) reruns the engine's kernel on account-shuffled traces to validate the analytical
//! model; its p-values go through [`significance_with`]. The model is documented in
//! `docs/statistics.md`.

pub mod error;
pub mod fusion;
pub mod null;
pub mod permutation;
pub mod rank;
pub mod rng;
pub mod significance;
pub mod tail;

pub use error::StatsError;
pub use fusion::Fusion;
pub use null::{LayerPValues, NullModel, analytical_pvalues};
pub use permutation::{permutation_pvalues, shuffle_accounts};
pub use rank::spearman;
pub use significance::{
    PairSignificance, SignificanceResult, StatsParams, pair_key, significance, significance_with,
};
