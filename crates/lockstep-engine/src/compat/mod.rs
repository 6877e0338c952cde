//! Compatibility semantics: reproduce other tools' published numbers exactly (docs/semantics.md).
//!
//! - [`coortweet`]: CooRTweet 2.1 `detect_groups` + `generate_coordinated_network`;
//! - [`qut`]: coordination-network-toolkit 1.5.2 (`co_retweet`, `co_tweet`, `co_link`, `co_reply`).

pub mod coortweet;
pub mod qut;
