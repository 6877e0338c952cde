//! Lockstep's data model: the columnar [`Dataset`] every pipeline stage reads.
//!
//! Design (DESIGN §3):
//! - every string (external ids, handles, texts, hashtags, urls, ...) is stored **once** in an
//!   [`Interner`] and referred to by a dense [`Sym`]; `Sym::NONE` (the empty string) means "missing";
//! - accounts and posts are interned to dense [`AccountId`] / [`PostId`] (`u32`) and stored as columns
//!   (one `Vec` per field), so stages scan only the fields they need;
//! - timestamps are UTC seconds (`i64`); each input source records its [`Resolution`], because the
//!   Twitter archive and the IRA set are minute-resolution and a window below that is meaningless;
//! - external ids are opaque strings (hex and base64 hashes occur in real releases).

pub mod archive;
pub mod confidence;
pub mod dataset;
pub mod error;
pub mod ids;
pub mod interner;
pub mod list;
pub mod posts_by_account;
pub mod time;
pub mod union_find;
pub mod verdict;

pub use confidence::{Confidence, origin_sentence};
pub use dataset::{
    Accounts, Ads, Dataset, DatasetBuilder, Logins, PageAdmins, PostKind, PostRecord, Posts,
    Profile, SourceInfo,
};
pub use error::{InputError, ModelError};
pub use ids::{AccountId, PostId, Sym};
pub use interner::Interner;
pub use list::ListColumn;
pub use posts_by_account::PostsByAccount;
pub use time::{Resolution, civil_from_days, days_from_civil, snowflake_to_unix_ms};
pub use union_find::UnionFind;
pub use verdict::{Role, Verdict, pages_groups_phrase};
