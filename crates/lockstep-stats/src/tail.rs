//! Tail probabilities computed in log space, so that p-values far below `f64::MIN_POSITIVE` (a
//! 40-account cell sharing 200 targets) still rank correctly and give finite `-log10 p` weights.

use std::f64::consts::LN_10;

/// Natural log of the gamma function, Lanczos approximation (g = 7, n = 9), relative error
/// below 1e-13 for `x > 0`. Our own rather than a crate's: it is twelve lines and every tail
/// below depends on its exact behaviour.
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection formula.
        let s = (std::f64::consts::PI * x).sin();
        return std::f64::consts::PI.ln() - s.abs().ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// `ln(exp(a) + exp(b))` without overflow.
fn log_add(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    hi + (lo - hi).exp().ln_1p()
}

/// Size of the `ln k!` table: weights below it (nearly every edge) skip the Lanczos series.
const LN_FACT_TABLE: usize = 1024;

/// `ln k!` for `k < LN_FACT_TABLE`, built once (the Poisson tail's hot path calls it per edge).
fn ln_fact_table() -> &'static [f64] {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Vec::with_capacity(LN_FACT_TABLE);
        let mut acc = 0.0f64;
        t.push(0.0);
        for k in 1..LN_FACT_TABLE {
            acc += (k as f64).ln();
            t.push(acc);
        }
        t
    })
}

/// `ln k!`: a table lookup below 1024 (exact sum of logs), `ln_gamma(k + 1)` above.
pub fn ln_factorial(k: u64) -> f64 {
    if (k as usize) < LN_FACT_TABLE {
        ln_fact_table()[k as usize]
    } else {
        ln_gamma(k as f64 + 1.0)
    }
}

/// `ln P(X >= k)` for `X ~ Poisson(lambda)`.
///
/// For `k <= lambda` the complement `1 - P(X <= k-1)` is accurate directly; for `k > lambda` the
/// upper tail is summed term by term from `k` upward (terms decay geometrically with ratio
/// `lambda / j`), which stays exact in log space however small the probability is.
pub fn poisson_ln_sf(k: u64, lambda: f64) -> f64 {
    if k == 0 {
        return 0.0;
    }
    if lambda.is_nan() || lambda <= 0.0 {
        // lambda == 0 (or NaN): any positive count is impossible under the null.
        return f64::NEG_INFINITY;
    }
    if k == 1 {
        // P(X >= 1) = 1 - e^-lambda, exact and cheap (most edges have weight 1).
        return (-(-lambda).exp_m1()).ln();
    }
    let kf = k as f64;
    if kf > lambda {
        // Upper tail: sum_{j>=k} e^-l l^j / j!.
        let ln_l = lambda.ln();
        let first = kf * ln_l - lambda - ln_factorial(k);
        let mut acc = 0.0f64; // relative to `first`
        let mut term = 1.0f64;
        let mut j = kf;
        loop {
            j += 1.0;
            term *= lambda / j;
            acc += term;
            if term < 1e-17 * (1.0 + acc) || j > kf + 100_000.0 {
                break;
            }
        }
        first + acc.ln_1p()
    } else {
        // Lower tail P(X <= k-1), summed downward from k-1 (largest terms near lambda), in log space.
        let ln_l = lambda.ln();
        let mut ln_cdf = f64::NEG_INFINITY;
        let mut j = k - 1;
        loop {
            let jf = j as f64;
            let t = jf * ln_l - lambda - ln_factorial(j);
            ln_cdf = log_add(ln_cdf, t);
            if j == 0 || t < ln_cdf - 40.0 {
                break;
            }
            j -= 1;
        }
        let cdf = ln_cdf.exp();
        if cdf >= 1.0 {
            // Numerically indistinguishable from 1: the tail is below 1e-16; fall back to the
            // upper-tail series which is exact there.
            let first = kf * ln_l - lambda - ln_factorial(k);
            return first;
        }
        (-cdf).ln_1p()
    }
}

/// `log10 P(X >= k)` for `X ~ Poisson(lambda)`.
pub fn poisson_log10_sf(k: u64, lambda: f64) -> f64 {
    poisson_ln_sf(k, lambda) / LN_10
}

/// `ln P(Chi2_{2n} >= x)`: the Fisher combination's null distribution. Uses the identity
/// `P(Chi2_{2n} >= x) = P(Poisson(x/2) <= n-1)`.
pub fn chi2_even_ln_sf(x: f64, n: u32) -> f64 {
    if n == 0 || x <= 0.0 {
        return 0.0;
    }
    let half = x / 2.0;
    let ln_h = half.ln();
    let mut acc = f64::NEG_INFINITY;
    for j in 0..n {
        let jf = j as f64;
        acc = log_add(acc, jf * ln_h - half - ln_gamma(jf + 1.0));
    }
    acc.min(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn direct_sf(k: u64, l: f64) -> f64 {
        // 1 - sum_{j<k} e^-l l^j / j!, computed naively (fine for small k and moderate values).
        let mut term = (-l).exp();
        let mut cdf = 0.0;
        for j in 0..k {
            if j > 0 {
                term *= l / j as f64;
            }
            cdf += term;
        }
        1.0 - cdf
    }

    #[test]
    fn ln_gamma_factorials() {
        let mut f = 1.0f64;
        for n in 1..30u32 {
            f *= n as f64;
            let got = ln_gamma(n as f64 + 1.0);
            assert!((got - f.ln()).abs() < 1e-10 * f.ln().max(1.0), "n={n}");
        }
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
    }

    #[test]
    fn ln_factorial_table_matches_ln_gamma() {
        for k in [0u64, 1, 2, 10, 170, 1023, 1024, 5000] {
            let want = ln_gamma(k as f64 + 1.0);
            assert!(
                (ln_factorial(k) - want).abs() < 1e-9 * want.max(1.0),
                "k={k}"
            );
        }
        // Weight 1 takes the closed form; it must agree with the series.
        for l in [1e-3f64, 0.5, 3.0] {
            let series = (1.0 - (-l).exp()).ln();
            assert!((poisson_ln_sf(1, l) - series).abs() < 1e-9 * series.abs().max(1.0));
        }
    }

    #[test]
    fn known_values() {
        // P(X >= 1 | 0.5) = 1 - e^-0.5.
        let p = poisson_ln_sf(1, 0.5).exp();
        assert!((p - (1.0 - (-0.5f64).exp())).abs() < 1e-14);
        // Deep tail: P(X >= 50 | 1e-3) ~ e^-0.001 1e-150 / 50! (the next term is 5e-5 smaller).
        let l10 = poisson_log10_sf(50, 1e-3);
        let expect = -150.0 - (1e-3 + ln_gamma(51.0)) / LN_10;
        assert!((l10 - expect).abs() < 1e-4, "{l10} vs {expect}");
        assert_eq!(poisson_ln_sf(0, 3.0), 0.0);
        assert_eq!(poisson_ln_sf(3, 0.0), f64::NEG_INFINITY);
    }

    #[test]
    fn monotone_in_k_and_lambda() {
        let mut prev = 0.0;
        for k in 0..200u64 {
            let v = poisson_ln_sf(k, 20.0);
            assert!(v <= prev + 1e-12, "k={k}");
            prev = v;
        }
        let mut prev = f64::NEG_INFINITY;
        for i in 1..200 {
            let v = poisson_ln_sf(7, i as f64 * 0.1);
            assert!(v >= prev - 1e-12);
            prev = v;
        }
    }

    #[test]
    fn chi2_matches_closed_form() {
        // 2 degrees of freedom: P(Chi2_2 >= x) = e^{-x/2}.
        for x in [0.1, 1.0, 10.0, 300.0] {
            assert!((chi2_even_ln_sf(x, 1) - (-x / 2.0)).abs() < 1e-12);
        }
        // 4 dof: e^{-x/2} (1 + x/2).
        let x = 7.0f64;
        let expect = (-x / 2.0) + (1.0 + x / 2.0).ln();
        assert!((chi2_even_ln_sf(x, 2) - expect).abs() < 1e-12);
    }

    proptest! {
        #[test]
        fn agrees_with_direct_sum(k in 0u64..40, l in 0.01f64..30.0) {
            let direct = direct_sf(k, l);
            prop_assume!(direct > 1e-10);
            let got = poisson_ln_sf(k, l).exp();
            prop_assert!((got - direct).abs() < 1e-9 * direct.max(1e-3), "k={} l={} got={} direct={}", k, l, got, direct);
        }
    }
}
