//! A mergeable, bounded sample of a pair's co-action time differences, for the median `|dt|`.
//!
//! Exact medians would need every `|dt|` of every pair, which is unbounded on busy pairs. Instead
//! each co-action event gets a deterministic pseudo-random 32-bit key (a hash of the pair, the
//! target and the two actions' positions, independent of partitioning), and a pair keeps the `K`
//! events with the smallest keys (a bottom-`K` sample). Bottom-`K` sets merge exactly by union
//! followed by truncation, so partitions merge by "addition" in any order with the same result.
//! Consequences (documented in docs/semantics.md):
//! - a pair with at most [`SAMPLE_K`] co-action events has its **exact** median;
//! - beyond that the median is the median of a uniform random sample of `K` events
//!   (deterministic for a given input).

/// Events kept per pair.
pub const SAMPLE_K: usize = 64;

/// The bottom-`K` sample of `(key, |dt|)` values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum DtSample {
    /// No event yet.
    #[default]
    Empty,
    /// One event (inline, no allocation: the common case).
    One(u32, u32),
    /// Several events, unsorted, at most `2 * K` kept between compactions (boxed so the common
    /// one-event case keeps the per-pair accumulator small).
    #[allow(clippy::box_collection)]
    Many(Box<Vec<(u32, u32)>>),
}

impl DtSample {
    /// Adds one event with sampling key `key` and time difference `dt`.
    pub fn push(&mut self, key: u32, dt: u32) {
        match self {
            DtSample::Empty => *self = DtSample::One(key, dt),
            DtSample::One(k, d) => {
                let mut v = Vec::with_capacity(4);
                v.extend([(*k, *d), (key, dt)]);
                *self = DtSample::Many(Box::new(v));
            }
            DtSample::Many(v) => {
                v.push((key, dt));
                if v.len() >= 2 * SAMPLE_K {
                    compact(v);
                }
            }
        }
    }

    /// Merges another sample into this one.
    pub fn merge(&mut self, other: DtSample) {
        match other {
            DtSample::Empty => {}
            DtSample::One(k, d) => self.push(k, d),
            DtSample::Many(o) => match self {
                DtSample::Many(v) => {
                    v.extend_from_slice(&o);
                    if v.len() >= 2 * SAMPLE_K {
                        compact(v);
                    }
                }
                _ => {
                    let mine = std::mem::replace(self, DtSample::Many(o));
                    self.merge(mine);
                }
            },
        }
    }

    /// Median of the kept `|dt|` values (mean of the two middle values for an even count);
    /// 0 when empty.
    pub fn median(&self) -> f32 {
        match self {
            DtSample::Empty => 0.0,
            DtSample::One(_, d) => *d as f32,
            DtSample::Many(v) => {
                let mut v: Vec<(u32, u32)> = v.to_vec();
                if v.len() > SAMPLE_K {
                    compact(&mut v);
                }
                let mut d: Vec<u32> = v.iter().map(|x| x.1).collect();
                d.sort_unstable();
                median_sorted(&d)
            }
        }
    }
}

fn compact(v: &mut Vec<(u32, u32)>) {
    if v.len() > SAMPLE_K {
        v.select_nth_unstable(SAMPLE_K - 1);
        v.truncate(SAMPLE_K);
    }
}

/// Median of a sorted slice (mean of the two middle values for an even length); 0 when empty.
pub fn median_sorted(d: &[u32]) -> f32 {
    let n = d.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        d[n / 2] as f32
    } else {
        ((d[n / 2 - 1] as f64 + d[n / 2] as f64) / 2.0) as f32
    }
}

/// A fast 64-bit mixer (SplitMix64 finaliser): the sampling key of an event.
pub fn mix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exact_below_k() {
        let mut s = DtSample::default();
        for (i, d) in [5u32, 1, 9, 3].iter().enumerate() {
            s.push(mix64(i as u64) as u32, *d);
        }
        assert_eq!(s.median(), 4.0);
    }

    proptest! {
        #[test]
        fn merge_is_order_independent(items in proptest::collection::vec((any::<u32>(), 0u32..1000), 0..400), split in 0usize..400) {
            let split = split.min(items.len());
            let mut whole = DtSample::default();
            for &(k, d) in &items { whole.push(k, d); }
            let mut a = DtSample::default();
            let mut b = DtSample::default();
            for &(k, d) in &items[..split] { a.push(k, d); }
            for &(k, d) in &items[split..] { b.push(k, d); }
            b.merge(a);
            prop_assert_eq!(whole.median(), b.median());
            if items.len() <= SAMPLE_K {
                let mut d: Vec<u32> = items.iter().map(|x| x.1).collect();
                d.sort_unstable();
                prop_assert_eq!(whole.median(), median_sorted(&d));
            }
        }
    }
}
