//! Dense integer handles. Every entity Lockstep tracks is referred to by a `u32` so that hot loops
//! compare and hash integers, never strings.

use serde::{Deserialize, Serialize};

/// An interned string: an index into the [`crate::Interner`]. `Sym::NONE` is the empty string and
/// stands for "missing" in every optional string column.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub struct Sym(pub u32);

impl Sym {
    /// The empty string, interned first, used for missing values.
    pub const NONE: Sym = Sym(0);

    /// True when this symbol is the missing value.
    pub fn is_none(self) -> bool {
        self == Sym::NONE
    }

    /// `None` for the missing value, else `Some(self)`.
    pub fn some(self) -> Option<Sym> {
        if self.is_none() { None } else { Some(self) }
    }

    /// The index as `usize`, for addressing columns.
    pub fn idx(self) -> usize {
        self.0 as usize
    }
}

/// A dense account handle: row number in [`crate::Accounts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountId(pub u32);

impl AccountId {
    /// The row index as `usize`.
    pub fn idx(self) -> usize {
        self.0 as usize
    }
}

/// A dense post handle: row number in [`crate::Posts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PostId(pub u32);

impl PostId {
    /// The row index as `usize`.
    pub fn idx(self) -> usize {
        self.0 as usize
    }
}
