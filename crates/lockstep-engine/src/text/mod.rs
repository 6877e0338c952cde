//! Text handling for the `text` and `similar_text` layers (DESIGN §5): normalisation shared by both,
//! confusable folding, and near-duplicate detection (shingling, MinHash, banded LSH, verified groups).

pub mod confusables;
pub mod normalize;

pub use normalize::{normalize, normalized};
