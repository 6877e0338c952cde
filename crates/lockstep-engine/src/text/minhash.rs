//! MinHash signatures and LSH band keys.
//!
//! **Scheme.** Each shingle is already a 64-bit xxh3 hash (see [`super::shingle`]), folded to 32 bits
//! (`x ^ x >> 32`). The `k = bands × rows` MinHash functions are cheap affine permutations of that
//! value, `h_i(x) = a_i·x + b_i mod 2^32` with `a_i` odd (a bijection of the 32-bit space), and the
//! signature component `i` is the minimum of `h_i` over the text's shingles. Because `x` is already
//! a high-quality hash, the affine maps behave like independent permutations for the order of the
//! top bits, which is what the minimum compares (the recall test against brute force checks this
//! empirically). Cost per text: one multiply-add-min per (shingle, function), vectorised 8 lanes
//! wide with AVX2 (runtime-detected; the portable path gives identical values). 32-bit values
//! also halve the signature's size. A collision of two distinct shingles in 32 bits (about
//! 10^-6 for a pair of 50-shingle texts) only perturbs the estimate; verification uses the exact
//! 64-bit sets.
//!
//! We chose k independent permutations over one-permutation hashing with densification because
//! posts are short (tens of shingles, fewer than k), where one-permutation hashing leaves most bins
//! empty and its densified estimate has a higher variance exactly in the regime we care about.
//!
//! **Band keys.** The signature is cut into `bands` groups of `rows` values; each group is hashed
//! with xxh3-64 (seed [`BAND_SEED`] + band index) and truncated to 32 bits. Two texts are LSH
//! candidates when any band key is equal. A 32-bit key gives a spurious collision with probability
//! 2^-32 per band and pair; such collisions only cost a verification, never a false result.
//!
//! **Stability.** The coefficients `a_i, b_i` come from SplitMix64 seeded with [`PERM_SEED`], so
//! signatures and band keys are the same on every machine and version (given the same shingles,
//! bands and rows) and may be stored.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Seed of the SplitMix64 stream that draws the permutation coefficients.
pub const PERM_SEED: u64 = 0x4d69_6e48_6173_6831; // "MinHash1"
/// Base seed of the band-key hashes (band `j` uses `BAND_SEED + j`).
pub const BAND_SEED: u64 = 0x4c53_4842_616e_6473; // "LSHBands"

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A family of `bands × rows` MinHash functions and the banding that turns signatures into keys.
#[derive(Clone, Debug)]
pub struct MinHasher {
    a: Vec<u32>,
    b: Vec<u32>,
    bands: usize,
    rows: usize,
}

/// The 32-bit input of the permutations: both halves of the 64-bit shingle hash folded.
#[inline(always)]
fn fold32(x: u64) -> u32 {
    (x ^ (x >> 32)) as u32
}

/// `sig[i] = min(sig[i], a[i]·x + b[i] mod 2^32)` over all shingles; written so LLVM vectorises it
/// (8 lanes with AVX2: `vpmulld`, `vpaddd`, `vpminud`).
#[inline(always)]
fn signature_kernel(a: &[u32], b: &[u32], shingles: &[u64], sig: &mut [u32]) {
    let k = sig.len().min(a.len()).min(b.len());
    let (a, b, sig) = (&a[..k], &b[..k], &mut sig[..k]);
    for &x in shingles {
        let x = fold32(x);
        for i in 0..k {
            sig[i] = sig[i].min(a[i].wrapping_mul(x).wrapping_add(b[i]));
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn signature_kernel_avx2(a: &[u32], b: &[u32], shingles: &[u64], sig: &mut [u32]) {
    signature_kernel(a, b, shingles, sig)
}

impl MinHasher {
    /// `bands × rows` functions (both at least 1).
    pub fn new(bands: usize, rows: usize) -> Self {
        let bands = bands.max(1);
        let rows = rows.max(1);
        let k = bands * rows;
        let mut st = PERM_SEED;
        let mut a = Vec::with_capacity(k);
        let mut b = Vec::with_capacity(k);
        for _ in 0..k {
            let r = splitmix64(&mut st);
            a.push((r as u32) | 1);
            b.push((r >> 32) as u32);
        }
        MinHasher { a, b, bands, rows }
    }

    /// Number of bands.
    pub fn bands(&self) -> usize {
        self.bands
    }

    /// Signature length `k = bands × rows`.
    pub fn k(&self) -> usize {
        self.a.len()
    }

    /// The MinHash signature of a shingle set into `sig` (resized to `k`). An empty set gives
    /// all `u32::MAX`. Uses AVX2 when the CPU has it (same result either way).
    pub fn signature(&self, shingles: &[u64], sig: &mut Vec<u32>) {
        sig.clear();
        sig.resize(self.k(), u32::MAX);
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2 (checked just above).
                unsafe { signature_kernel_avx2(&self.a, &self.b, shingles, sig) };
                return;
            }
        }
        signature_kernel(&self.a, &self.b, shingles, sig);
    }

    /// The band keys of a signature into `keys` (one per band).
    pub fn band_keys(&self, sig: &[u32], keys: &mut [u32]) {
        let mut bytes = [0u8; 4 * 64];
        for (j, key) in keys.iter_mut().enumerate().take(self.bands) {
            let row = &sig[j * self.rows..(j + 1) * self.rows];
            let row = &row[..row.len().min(64)];
            for (i, v) in row.iter().enumerate() {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
            *key =
                xxh3_64_with_seed(&bytes[..row.len() * 4], BAND_SEED.wrapping_add(j as u64)) as u32;
        }
    }
}

/// Exact Jaccard similarity of two sorted, de-duplicated sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let inter = intersection_len(a, b);
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// Size of the intersection of two sorted, de-duplicated sets (merge walk).
pub fn intersection_len(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// True when `jaccard(a, b) >= t`, with a size pre-filter (`J <= min/max`) and an early exit once
/// the remaining elements cannot reach `t`.
pub fn jaccard_at_least(a: &[u64], b: &[u64], t: f64) -> bool {
    let (s, l) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if s.is_empty() {
        return l.is_empty();
    }
    if (s.len() as f64) < t * l.len() as f64 {
        return false;
    }
    // J >= t  <=>  inter >= t (|a| + |b|) / (1 + t)
    // (lowered by a hair so float rounding never rejects a pair the exact test accepts)
    let need = (t * (s.len() + l.len()) as f64 / (1.0 + t) - 1e-9)
        .ceil()
        .max(0.0) as usize;
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < s.len() && j < l.len() {
        if n + (s.len() - i).min(l.len() - j) < need {
            return false;
        }
        let (x, y) = (s[i], l[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n >= need && jaccard(a, b) >= t
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn identical_sets_identical_keys() {
        let m = MinHasher::new(20, 5);
        let s: Vec<u64> = (0..30u64)
            .map(|i| i.wrapping_mul(0x9E3779B97F4A7C15))
            .collect();
        let (mut s1, mut s2) = (Vec::new(), Vec::new());
        m.signature(&s, &mut s1);
        m.signature(&s, &mut s2);
        let (mut k1, mut k2) = (vec![0; 20], vec![0; 20]);
        m.band_keys(&s1, &mut k1);
        m.band_keys(&s2, &mut k2);
        assert_eq!(k1, k2);
    }

    #[test]
    fn signature_agreement_estimates_jaccard() {
        // Two sets with J = 0.6 (300 shared, 100 + 100 own): agreement rate ~ 0.6.
        let m = MinHasher::new(64, 8);
        let h = |i: u64| xxh3_64_with_seed(&i.to_le_bytes(), 7);
        let mut a: Vec<u64> = (0..400).map(h).collect();
        let mut b: Vec<u64> = (100..500).map(h).collect();
        a.sort_unstable();
        b.sort_unstable();
        let j = jaccard(&a, &b);
        assert!((j - 0.6).abs() < 1e-9);
        let (mut sa, mut sb) = (Vec::new(), Vec::new());
        m.signature(&a, &mut sa);
        m.signature(&b, &mut sb);
        let agree = sa.iter().zip(&sb).filter(|(x, y)| x == y).count() as f64 / m.k() as f64;
        assert!((agree - 0.6).abs() < 0.08, "agreement {agree}");
    }

    #[test]
    fn portable_and_simd_kernels_agree() {
        let m = MinHasher::new(25, 5);
        let h = |i: u64| xxh3_64_with_seed(&i.to_le_bytes(), 3);
        let set: Vec<u64> = (0..37).map(h).collect();
        let mut fast = Vec::new();
        m.signature(&set, &mut fast);
        let mut portable = vec![u32::MAX; m.k()];
        signature_kernel(&m.a, &m.b, &set, &mut portable);
        assert_eq!(fast, portable);
    }

    #[test]
    fn band_keys_are_pinned() {
        // Stored signatures must stay valid: these literals change only with a breaking change of
        // the shingling, the permutation seeds or the band hashing.
        let s = crate::text::shingle::shingle_set("hello world", &Default::default());
        let m = MinHasher::new(25, 5);
        let mut sig = Vec::new();
        m.signature(&s, &mut sig);
        let mut k = vec![0u32; 25];
        m.band_keys(&sig, &mut k);
        assert_eq!((k[0], k[24]), (0x0b2b_bcf9, 0x5db0_f10e));
    }

    proptest! {
        #[test]
        fn threshold_test_matches_exact(a in proptest::collection::btree_set(0u64..60, 0..30),
                                        b in proptest::collection::btree_set(0u64..60, 0..30),
                                        t in 0.05f64..1.0) {
            let a: Vec<u64> = a.into_iter().collect();
            let b: Vec<u64> = b.into_iter().collect();
            let exact = jaccard(&a, &b);
            prop_assert_eq!(jaccard_at_least(&a, &b, t), exact >= t);
            let naive = a.iter().filter(|x| b.contains(x)).count();
            prop_assert_eq!(intersection_len(&a, &b), naive);
        }
    }
}
