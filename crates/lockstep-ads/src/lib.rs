//! Lockstep ads and pages (docs/ads.md, docs/pages.md).
//!
//! - [`registry`]: the registry of state-controlled media and excluded public broadcasters
//!   (`data/state_media.toml`), one loader for the score crate's signals and for the ad screen;
//! - [`fold`]: name normalisation robust to Unicode, homoglyph, spacing and script games;
//! - [`landing`]: landing URL parsing (public suffix list, redirectors, shorteners);
//! - [`input`]: reading and validating ads (CSV, JSONL, Parquet);
//! - [`screen`]: the decision per ad with its rule, entity and evidence.

pub mod error;
pub mod fold;
pub mod input;
pub mod judged;
pub mod landing;
pub mod pages;
pub mod registry;
pub mod report;
pub mod screen;

pub use error::{AdsError, FieldProblem, RegistryError};
pub use input::{AdRow, read_ads, row_of_json};
pub use landing::Landing;
pub use registry::{EntityKind, EntityRef, Outlet, StateMediaRegistry};
pub use screen::{AdDecision, Decision, Judged, Rule, ScreenSummary, Screener};
