//! Lockstep scoring: inauthenticity signals, verdicts, attribution, expansion (DESIGN §8).
//!
//! Coordination is not a verdict: protesters coordinate genuinely, state operations coordinate with
//! fake and repurposed accounts. This crate takes the coordination found upstream (clusters,
//! significant edges, per-account strength; see [`CoordinationInput`]) and the [`Dataset`], computes
//! transparent per-account signals (one file each under [`signals`]), and combines them with
//! documented hand-set weights ([`Weights`]) into:
//! - a verdict per cluster and per account ([`Verdict`]: `inauthentic` with a [`Role`] `core` /
//!   `amplifier`, `coordinated_undetermined`, `coordinated_organic`, or `none`), a score in
//!   [0, 1] and the [`Evidence`];
//! - an [`Attribution`] per cluster (time zone of activity, languages, IP countries and networks,
//!   state-media links) in words a report can quote;
//! - [`expand()`]: accounts ranked by their link to a seed list of known operators;
//! - [`eval`]: precision / recall / F1 of an `accounts.csv` against labels, and role purity.
//!
//! No weight is learned from data: every number is in [`Weights`] and `docs/scoring.md` says why.
//!
//! [`Dataset`]: lockstep_model::Dataset

pub mod attribution;
pub mod context;
pub mod eval;
pub mod evidence;
pub mod expand;
pub mod input;
pub mod ip;
pub mod membership;
pub mod params;
pub mod registry;
pub mod repost_ties;
pub mod signals;
pub mod verdict;

pub use attribution::Attribution;
pub use evidence::{Evidence, evidence_string};
pub use expand::{ExpandedAccount, expand};
pub use input::{CoordinationInput, SigEdge, coordination_strength};
pub use ip::{IpDatabase, IpError};
pub use params::{OrganicRule, ScoreParams, Weights};
pub use registry::{Outlet, RegistryError, StateMediaRegistry};
pub use signals::Signal;
pub use verdict::{AccountScore, ClusterScore, Role, Scored, Verdict, score};
