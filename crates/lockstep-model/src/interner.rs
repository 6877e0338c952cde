//! A string interner that stores each distinct string once in one contiguous arena.
//!
//! Lookup hashes the string and probes an open-addressing table (linear probing over 16-byte
//! entries, no separate control bytes) so a lookup costs one cache miss into the table in the
//! common case. Each entry carries the string's 32-bit hash (growth rehashes without reading the
//! arena; mismatched probes skip the comparison) and either its packed arena location or, for a
//! canonical decimal number of up to 19 digits (tweet and user ids), its value: such a hit is
//! confirmed without reading the arena at all. On millions of strings every avoided read is a
//! cache miss, and interning is most of the cost of ingest.

use crate::ids::Sym;
use std::hash::BuildHasher;

/// Interns strings to dense [`Sym`]s. `Sym(0)` is always the empty string.
#[derive(Clone)]
pub struct Interner {
    arena: String,
    /// `ends[i]` is the end offset of symbol `i` in `arena`; its start is `ends[i-1]` (0 for i = 0).
    ends: Vec<u64>,
    /// Open-addressing table of every non-empty symbol; `sym == 0` marks a free slot (the empty
    /// string is never stored in it). Its length is a power of two.
    slots: Vec<Entry>,
    /// Symbol count when the table last grew (see [`Interner::truncate`]).
    grown_at: usize,
    hasher: foldhash::fast::FixedState,
}

/// A table entry: symbol, 32-bit string hash and key (packed arena location or numeric value).
#[derive(Clone, Copy, Default)]
struct Entry {
    sym: u32,
    hash: u32,
    /// With [`NUM_FLAG`] set: the string is the canonical decimal form of the low 63 bits.
    /// Otherwise `start << LEN_BITS | len`, or [`NO_LOC`] when the string is too long or too far
    /// into the arena to pack (then the location is read from `ends`).
    key: u64,
}

const LEN_BITS: u32 = 24;
const NUM_FLAG: u64 = 1 << 63;
const NO_LOC: u64 = NUM_FLAG - 1;
/// Slots are at most this fraction full (numerator over 8) before the table doubles.
const MAX_LOAD_EIGHTHS: usize = 6;
/// [`Interner::prefetch`] works from this many slots on (a 1 MiB table).
const PREFETCH_MIN_SLOTS: usize = 1 << 16;

/// The value of `s` when it is a canonical decimal number (`0`, or digits without a leading zero)
/// below 2^63, else `None`. Canonical form makes the value identify the string exactly.
fn numeric(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || (s[0] == b'0' && s.len() > 1) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in s {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u64; // 19 digits < 10^19 < 2^64: no overflow
    }
    (v < NUM_FLAG).then_some(v)
}

impl Entry {
    fn new(sym: u32, hash: u32, s: &str, start: usize) -> Self {
        let len = s.len();
        let key = if let Some(v) = numeric(s.as_bytes()) {
            v | NUM_FLAG
        } else if len < (1 << LEN_BITS) && (start as u64) < (1u64 << (63 - LEN_BITS)) - 1 {
            (start as u64) << LEN_BITS | len as u64
        } else {
            NO_LOC
        };
        Entry { sym, hash, key }
    }

    /// True when this entry's string is `s` (`num` caches the numeric value of `s` across probes).
    fn matches(&self, s: &str, num: &mut Option<Option<u64>>, arena: &str, ends: &[u64]) -> bool {
        if self.key & NUM_FLAG != 0 {
            let n = *num.get_or_insert_with(|| numeric(s.as_bytes()));
            return n == Some(self.key & !NUM_FLAG);
        }
        let stored = if self.key == NO_LOC {
            slice(arena, ends, self.sym as usize).as_bytes()
        } else {
            let start = (self.key >> LEN_BITS) as usize;
            let len = (self.key & ((1 << LEN_BITS) - 1)) as usize;
            if len != s.len() {
                return false;
            }
            &arena.as_bytes()[start..start + len]
        };
        stored == s.as_bytes()
    }
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

/// Where probing for the string in `s` ended: its symbol, or the free slot it would go in.
enum Probe {
    Found(Sym),
    Free(usize),
}

impl Interner {
    /// A new interner holding only the empty string as `Sym::NONE`.
    pub fn new() -> Self {
        Interner {
            arena: String::new(),
            ends: vec![0],
            slots: vec![Entry::default(); 16],
            grown_at: 1,
            hasher: foldhash::fast::FixedState::with_seed(0x010c_57e9),
        }
    }

    fn h32(&self, s: &str) -> u32 {
        (self.hasher.hash_one(s) >> 32) as u32
    }

    fn home(&self, h: u32) -> usize {
        let bits = self.slots.len().trailing_zeros();
        (spread(h) >> (64 - bits)) as usize
    }

    fn probe(&self, s: &str, h: u32) -> Probe {
        let mask = self.slots.len() - 1;
        let mut i = self.home(h);
        let mut num = None;
        loop {
            let e = &self.slots[i];
            if e.sym == 0 {
                return Probe::Free(i);
            }
            if e.hash == h && e.matches(s, &mut num, &self.arena, &self.ends) {
                return Probe::Found(Sym(e.sym));
            }
            i = (i + 1) & mask;
        }
    }

    /// Loads the table slots where lookups of `strings` will start, so that their cache misses
    /// overlap (independent loads issued back to back) instead of each stalling its own
    /// [`Interner::intern`] later. A hint only: it changes nothing.
    /// Does nothing while the table is small enough to stay in the caches (there each
    /// lookup's miss is cheap, and the hashing would be done twice).
    pub fn prefetch<'a>(&self, strings: impl IntoIterator<Item = &'a str>) {
        if self.slots.len() < PREFETCH_MIN_SLOTS {
            return;
        }
        let mut acc = 0u32;
        for s in strings {
            if !s.is_empty() {
                acc ^= self.slots[self.home(self.h32(s))].hash;
            }
        }
        std::hint::black_box(acc);
    }

    /// Returns the symbol for `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> Sym {
        // Missing values are the commonest string of all: no hashing or probing for them.
        if s.is_empty() {
            return Sym::NONE;
        }
        let h = self.h32(s);
        let slot = match self.probe(s, h) {
            Probe::Found(sym) => return sym,
            Probe::Free(i) => i,
        };
        let id = u32::try_from(self.ends.len()).unwrap_or(u32::MAX);
        assert!(
            id < u32::MAX,
            "interner overflow: more than 4 billion strings"
        );
        let start = self.arena.len();
        self.arena.push_str(s);
        self.ends.push(self.arena.len() as u64);
        self.slots[slot] = Entry::new(id, h, s, start);
        // `ends` holds the empty string too, which has no slot.
        if (self.ends.len() - 1) * 8 > self.slots.len() * MAX_LOAD_EIGHTHS {
            self.grow();
        }
        Sym(id)
    }

    /// Makes room for `additional` more strings before the table must grow (a hint: symbols
    /// and lookups are unaffected).
    pub fn reserve(&mut self, additional: usize) {
        let want =
            self.ends.len().saturating_add(additional).saturating_mul(8) / MAX_LOAD_EIGHTHS + 1;
        let size = want.checked_next_power_of_two().unwrap_or(want);
        if size > self.slots.len() {
            self.grown_at = self.ends.len();
            self.rebuild(size);
        }
    }

    /// Doubles the table, re-placing entries by their stored hashes (the arena is not read).
    fn grow(&mut self) {
        self.grown_at = self.ends.len();
        self.rebuild(self.slots.len() * 2);
    }

    /// Re-places every entry of the table into a new one of `size` slots.
    fn rebuild(&mut self, size: usize) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![Entry::default(); size];
        let mask = self.slots.len() - 1;
        for e in old.into_iter().filter(|e| e.sym != 0) {
            let mut i = self.home(e.hash);
            while self.slots[i].sym != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = e;
        }
    }

    /// Forgets every symbol from `len` on, as if only the first `len` had ever been interned
    /// (undoing a batch of additions; `len` at least 1, the empty string stays).
    pub fn truncate(&mut self, len: usize) {
        let len = len.max(1);
        if len >= self.ends.len() {
            return;
        }
        if len >= self.grown_at {
            // No growth since: the newest entry is never inside an older one's probe run, so
            // removing entries newest first keeps every other run intact.
            for sym in (len..self.ends.len()).rev() {
                let s = slice(&self.arena, &self.ends, sym);
                let mask = self.slots.len() - 1;
                let mut i = self.home(self.h32(s));
                while self.slots[i].sym as usize != sym {
                    i = (i + 1) & mask;
                }
                self.slots[i] = Entry::default();
            }
        } else {
            for e in &mut self.slots {
                if e.sym as usize >= len {
                    *e = Entry::default();
                }
            }
            self.rebuild(self.slots.len());
            self.grown_at = len;
        }
        self.arena.truncate(self.ends[len - 1] as usize);
        self.ends.truncate(len);
    }

    /// The symbol for `s` if it has been interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        if s.is_empty() {
            return Some(Sym::NONE);
        }
        match self.probe(s, self.h32(s)) {
            Probe::Found(sym) => Some(sym),
            Probe::Free(_) => None,
        }
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
        self.arena.capacity()
            + self.ends.capacity() * 8
            + self.slots.capacity() * std::mem::size_of::<Entry>()
    }
}

/// The table hash of a stored 32-bit string hash (a multiplicative spread, so the slot index,
/// taken from the top bits, depends on all 32 bits).
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

    #[test]
    fn reserve_changes_no_symbol() {
        let words: Vec<String> = (0..5000)
            .map(|i| format!("w{}", i * 7919 % 10007))
            .collect();
        let mut plain = Interner::new();
        let mut sized = Interner::new();
        sized.reserve(100);
        for (k, w) in words.iter().enumerate() {
            if k == 2000 {
                sized.reserve(10_000);
                assert!(sized.slots.len() * MAX_LOAD_EIGHTHS >= (sized.len() + 10_000) * 8);
            }
            assert_eq!(plain.intern(w), sized.intern(w), "{w}");
        }
        let slots = sized.slots.len();
        for w in &words {
            assert_eq!(sized.get(w), plain.get(w));
        }
        // No growth after the reserve: truncating undoes the newest symbols only.
        sized.truncate(2500);
        assert_eq!(sized.slots.len(), slots);
        assert_eq!(sized.len(), 2500);
        for (k, w) in words.iter().enumerate() {
            let want = plain.get(w).filter(|s| s.idx() < 2500);
            assert_eq!(sized.get(w), want, "word {k}");
        }
    }

    #[test]
    fn unpackable_location_falls_back_to_offsets() {
        // A string of 2^24 bytes does not fit the packed length: it must still round-trip.
        let long = "x".repeat(1 << LEN_BITS);
        let mut i = Interner::new();
        let a = i.intern("a");
        let l = i.intern(&long);
        let b = i.intern("b");
        assert_eq!(i.resolve(l).len(), long.len());
        assert_eq!(i.intern(&long), l);
        assert_eq!(i.get(&long), Some(l));
        assert_eq!((i.intern("a"), i.intern("b")), (a, b));
        assert_eq!(Entry::new(7, 0, &long, 0).key, NO_LOC);
        assert_eq!(Entry::new(7, 0, "abc", 1 << 40).key, NO_LOC);
        assert_ne!(Entry::new(7, 0, "abc", 5).key, NO_LOC);
    }

    #[test]
    fn numeric_keys_are_canonical() {
        assert_eq!(numeric(b"0"), Some(0));
        assert_eq!(numeric(b"1163450063466205184"), Some(1163450063466205184));
        assert_eq!(numeric(b"9223372036854775807"), Some((1 << 63) - 1));
        assert_eq!(numeric(b"9223372036854775808"), None); // 2^63: no room beside the flag
        assert_eq!(numeric(b"9999999999999999999"), None);
        assert_eq!(numeric(b"00"), None);
        assert_eq!(numeric(b"012"), None);
        assert_eq!(numeric(b"12a"), None);
        assert_eq!(numeric(b"+12"), None);
        assert_eq!(numeric(b""), None);
        assert_eq!(numeric(b"12345678901234567890"), None);
        // Numbers and their non-canonical spellings stay distinct symbols.
        let mut i = Interner::new();
        let syms: Vec<Sym> = ["12", "012", "0012", "12 ", "0", "00"]
            .iter()
            .map(|s| i.intern(s))
            .collect();
        let distinct: std::collections::HashSet<Sym> = syms.iter().copied().collect();
        assert_eq!(distinct.len(), syms.len());
        assert_eq!(i.get("12"), Some(syms[0]));
        assert_eq!(i.get("012"), Some(syms[1]));
        assert_eq!(i.get("13"), None);
    }

    #[test]
    fn survives_growth() {
        let mut i = Interner::new();
        let syms: Vec<Sym> = (0..50_000u64)
            .map(|n| {
                if n % 2 == 0 {
                    i.intern(&n.to_string())
                } else {
                    i.intern(&format!("s{n}"))
                }
            })
            .collect();
        assert_eq!(i.len(), 50_001);
        for (n, sym) in syms.iter().enumerate() {
            let s = if n % 2 == 0 {
                n.to_string()
            } else {
                format!("s{n}")
            };
            assert_eq!(i.resolve(*sym), s);
            assert_eq!(i.get(&s), Some(*sym));
        }
    }

    proptest! {
        #[test]
        fn truncate_undoes_additions(
            first in proptest::collection::vec("[a-c0-9]{0,4}", 0..200),
            then in proptest::collection::vec("[a-c0-9]{0,4}", 0..2000),
        ) {
            let mut i = Interner::new();
            for s in &first {
                i.intern(s);
            }
            let len = i.len();
            let before: Vec<String> = (0..len).map(|k| i.resolve(Sym(k as u32)).to_string()).collect();
            for s in &then {
                i.intern(s);
            }
            i.truncate(len);
            prop_assert_eq!(i.len(), len);
            for (k, s) in before.iter().enumerate() {
                prop_assert_eq!(i.get(s), Some(Sym(k as u32)));
                prop_assert_eq!(i.resolve(Sym(k as u32)), s.as_str());
            }
            for s in &then {
                if !before.contains(s) {
                    prop_assert_eq!(i.get(s), None);
                }
            }
            // Interning after truncation numbers new strings from `len` again.
            let mut next = len as u32;
            for s in &then {
                if i.get(s).is_none() {
                    prop_assert_eq!(i.intern(s), Sym(next));
                    next += 1;
                }
            }
        }

        #[test]
        fn round_trip(strings in proptest::collection::vec(
            prop_oneof![".{0,12}", "[0-9]{0,20}", "0{0,2}[1-9]{0,3}"], 0..300)) {
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
