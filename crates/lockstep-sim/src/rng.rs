//! Seeded random streams and the few distributions the generator needs.
//!
//! Every part of the world draws from its own stream, derived from the world seed, a tag naming
//! the part and an index (usually an account or a planned post). Streams never depend on the
//! order in which other parts ran, so generation can run in parallel and still give the same bytes.

use rand_core::{Rng as _, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// SplitMix64 finaliser: a bijective 64-bit mixer used to derive stream seeds.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seeded pseudo-random stream (PCG 64-bit MCG) with helper distributions.
pub struct Rng(Pcg64Mcg);

impl Rng {
    /// The stream for part `tag`, item `idx` of the world with seed `seed`.
    pub fn stream(seed: u64, tag: u64, idx: u64) -> Self {
        let s = mix64(seed ^ mix64(tag.wrapping_mul(0xA24B_AED4_963E_E407) ^ mix64(idx)));
        Rng(Pcg64Mcg::seed_from_u64(s))
    }

    /// A uniform 64-bit word.
    pub fn u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `[0, 1)`.
    pub fn f64(&mut self) -> f64 {
        (self.u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `[0, n)`; `n` must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((self.u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform integer in `[lo, hi]` (inclusive).
    pub fn range_i64(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// Uniform real in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.f64();
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Log-normal with the given median and log-scale sigma.
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// Exponential with the given mean.
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.f64()).ln()
    }

    /// Geometric count (number of failures before success) with the given mean.
    pub fn geometric(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        let p = 1.0 / (1.0 + mean);
        ((1.0 - self.f64()).ln() / (1.0 - p).ln()).floor() as u64
    }

    /// Poisson count (inversion for small means, normal approximation for large ones).
    pub fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        if mean > 40.0 {
            return (mean + mean.sqrt() * self.normal()).round().max(0.0) as u64;
        }
        let l = (-mean).exp();
        let mut k = 0;
        let mut p = self.f64();
        while p > l {
            k += 1;
            p *= self.f64();
        }
        k
    }

    /// A uniformly chosen element; `xs` must not be empty.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// Index drawn from a cumulative weight table (last entry = total).
    pub fn from_cdf(&mut self, cdf: &[f64]) -> usize {
        let total = cdf.last().copied().unwrap_or(0.0);
        let x = self.f64() * total;
        cdf.partition_point(|&c| c <= x)
            .min(cdf.len().saturating_sub(1))
    }

    /// Index drawn proportionally to `weights` (linear scan; for short tables).
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }
}

/// Builds a cumulative table from weights.
pub fn cdf(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    weights
        .into_iter()
        .map(|w| {
            acc += w.max(0.0);
            acc
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::stream(1, 2, 3).u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::stream(1, 2, 3).u64(), Rng::stream(1, 2, 4).u64());
        assert_ne!(Rng::stream(1, 2, 3).u64(), Rng::stream(2, 2, 3).u64());
    }

    #[test]
    fn distributions_have_expected_means() {
        let mut r = Rng::stream(7, 0, 0);
        let n = 20_000;
        let m: f64 = (0..n).map(|_| r.exp(5.0)).sum::<f64>() / n as f64;
        assert!((m - 5.0).abs() < 0.3, "{m}");
        let p: f64 = (0..n).map(|_| r.poisson(3.0) as f64).sum::<f64>() / n as f64;
        assert!((p - 3.0).abs() < 0.1, "{p}");
        let b = (0..n).filter(|_| r.below(10) == 3).count();
        assert!((1700..2300).contains(&b), "{b}");
        let c = cdf([1.0, 0.0, 3.0]);
        let picks: Vec<usize> = (0..1000).map(|_| r.from_cdf(&c)).collect();
        assert!(!picks.contains(&1));
        assert!(picks.iter().filter(|&&i| i == 2).count() > 650);
    }
}
