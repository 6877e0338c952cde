//! Text handling for the `text` and `similar_text` layers (DESIGN §5): normalisation shared by both,
//! confusable folding, and near-duplicate detection (shingling, MinHash, banded LSH, exact
//! verification, groups). See `docs/similar_text.md`.
//!
//! Entry points: [`normalize`] (exact `text` layer key), [`similar_text_trace`] (the layer),
//! [`group_texts`] (near-duplicate groups of plain strings), [`explain_params`].

pub mod confusables;
pub mod lsh;
pub mod minhash;
pub mod normalize;
pub mod params;
pub mod sets;
pub mod shingle;
pub mod trace;

pub use lsh::{BandBuckets, GroupStats, NO_GROUP, group, group_buckets, verified_pairs};
pub use minhash::{MinHasher, jaccard};
pub use normalize::{normalize, normalized};
pub use params::{SimilarParams, explain_params};
pub use sets::ShingleSets;
pub use shingle::{ShingleParams, Shingler, shingle_set};
pub use trace::{
    PreparedTexts, SimilarReport, group_texts, prepare, similar_text_groups, similar_text_trace,
};
