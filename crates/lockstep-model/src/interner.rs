//! A string interner that stores each distinct string once in one contiguous arena.
//!
//! Lookup hashes the string and probes a `hashbrown::HashTable` of symbol indices, comparing
//! against the arena slice, so there is no per-string allocation and no duplicated key storage.

use crate::ids::Sym;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// Interns strings to dense [`Sym`]s. `Sym(0)` is always the empty string.
#[derive(Clone)]
pub struct Interner {
    arena: String,
    /// `ends[i]` is the end offset of symbol `i` in `arena`; its start is `ends[i-1]` (0 for i = 0).
    ends: Vec<u64>,
    /// `(symbol, 32-bit hash of its string)`: the stored hash lets growth rehash without reading
    /// the arena, and rejects most non-matching probes without a string comparison.
    table: HashTable<(u32, u32)>,
    hasher: foldhash::fast::FixedState,
}

impl Default for Interner {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interner")
            .field("symbols", &self.len())
            .field("bytes", &self.arena.len())
            .finish()
    }
}

impl Interner {
    /// A new interner holding only the empty string as `Sym::NONE`.
    pub fn new() -> Self {
        let mut me = Interner {
            arena: String::new(),
            ends: Vec::new(),
            table: HashTable::new(),
            hasher: foldhash::fast::FixedState::with_seed(0x010c_57e9),
        };
        let none = me.intern("");
        debug_assert_eq!(none, Sym::NONE);
        me
    }

    /// Returns the symbol for `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> Sym {
        // Missing values are the commonest string of all: skip hashing and probing for them.
        if s.is_empty() && !self.ends.is_empty() {
            return Sym::NONE;
        }
        let h = self.h32(s);
        let arena = &self.arena;
        let ends = &self.ends;
        if let Some(&(i, _)) = self.table.find(spread(h), |&(i, hi)| {
            hi == h && slice(arena, ends, i as usize) == s
        }) {
            return Sym(i);
        }
        let id = u32::try_from(self.ends.len()).unwrap_or(u32::MAX);
        assert!(
            id < u32::MAX,
            "interner overflow: more than 4 billion strings"
        );
        self.arena.push_str(s);
        self.ends.push(self.arena.len() as u64);
        self.table
            .insert_unique(spread(h), (id, h), |&(_, hi)| spread(hi));
        Sym(id)
    }

    fn h32(&self, s: &str) -> u32 {
        (self.hasher.hash_one(s) >> 32) as u32
    }

    /// The symbol for `s` if it has been interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        let h = self.h32(s);
        self.table
            .find(spread(h), |&(i, hi)| {
                hi == h && slice(&self.arena, &self.ends, i as usize) == s
            })
            .map(|&(i, _)| Sym(i))
    }

    /// The string of a symbol. Panics on a symbol from another interner that is out of range.
    pub fn resolve(&self, sym: Sym) -> &str {
        slice(&self.arena, &self.ends, sym.idx())
    }

    /// Number of distinct strings (including the empty one).
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Always false: the empty string is always present.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Approximate heap bytes used (arena, offsets, table).
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity() + self.ends.capacity() * 8 + self.table.capacity() * 9
    }
}

/// The table hash of a stored 32-bit string hash (a multiplicative spread, so both the bucket
/// bits and hashbrown's top-7-bit tag depend on all 32 bits).
fn spread(h: u32) -> u64 {
    (h as u64 | (h as u64) << 32).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn slice<'a>(arena: &'a str, ends: &[u64], i: usize) -> &'a str {
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    &arena[start..ends[i] as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_is_none() {
        let mut i = Interner::new();
        assert_eq!(i.intern(""), Sym::NONE);
        assert_eq!(i.resolve(Sym::NONE), "");
    }

    proptest! {
        #[test]
        fn round_trip(strings in proptest::collection::vec(".{0,12}", 0..200)) {
            let mut i = Interner::new();
            let syms: Vec<Sym> = strings.iter().map(|s| i.intern(s)).collect();
            for (s, sym) in strings.iter().zip(&syms) {
                prop_assert_eq!(i.resolve(*sym), s.as_str());
                prop_assert_eq!(i.get(s), Some(*sym));
                prop_assert_eq!(i.intern(s), *sym);
            }
            let distinct: std::collections::HashSet<&String> = strings.iter().collect();
            let extra = usize::from(!distinct.contains(&String::new()));
            prop_assert_eq!(i.len(), distinct.len() + extra);
        }
    }
}
