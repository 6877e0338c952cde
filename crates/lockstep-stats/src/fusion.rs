//! Combining one pair's p-values across layers and scales into one p-value.
//!
//! The tests of one pair are dependent: the burst window's co-actions are a subset of the drip
//! window's, reposting an author's posts shows up in `repost` and `amplify`, identical text also
//! matches `similar_text`. The dependence is positive (more co-action in one makes more in the
//! other likely), which is why the default is Simes' combination: it is valid under positive
//! regression dependence (Sarkar 1998; Benjamini & Yekutieli 2001), needs no estimate of the
//! correlation, and costs at most a factor `L` against the best single test, far less than
//! Bonferroni when several layers carry evidence. Fisher's method is offered for independent layers
//! and is anti-conservative under positive dependence (documented in `docs/statistics.md`).
//! The Cauchy combination is not offered: one layer with `p = 1` (a pair that never shared a URL)
//! sends its statistic to minus infinity.

use crate::tail::chi2_even_ln_sf;
use serde::{Deserialize, Serialize};
use std::f64::consts::LN_10;

/// How a pair's per-layer p-values are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Fusion {
    /// Simes: `min_i L p_(i) / i`. Valid under positive dependence (default).
    #[default]
    Simes,
    /// Bonferroni on the minimum: `L min_i p_i`. Valid under any dependence.
    Bonferroni,
    /// Fisher: `-2 sum ln p_i ~ Chi2_{2L}`. Assumes independent layers.
    Fisher,
}

impl Fusion {
    /// Parses `simes`, `bonferroni` or `fisher`.
    pub fn parse(s: &str) -> Option<Fusion> {
        match s {
            "simes" => Some(Fusion::Simes),
            "bonferroni" => Some(Fusion::Bonferroni),
            "fisher" => Some(Fusion::Fisher),
            _ => None,
        }
    }

    /// Combined `log10 p` from the `log10 p` values of the tests the pair appears in; the other
    /// `n_tests - present.len()` tests have `p = 1`. Sorts `present` in place.
    pub fn combine(self, present: &mut [f64], n_tests: usize) -> f64 {
        if present.is_empty() {
            return 0.0;
        }
        let l = n_tests.max(present.len()) as f64;
        let v = match self {
            Fusion::Simes => {
                present.sort_unstable_by(|a, b| a.total_cmp(b));
                present
                    .iter()
                    .enumerate()
                    .map(|(i, &lp)| lp + (l / (i as f64 + 1.0)).log10())
                    .fold(f64::INFINITY, f64::min)
            }
            Fusion::Bonferroni => present.iter().copied().fold(f64::INFINITY, f64::min) + l.log10(),
            Fusion::Fisher => {
                let x = -2.0 * LN_10 * present.iter().sum::<f64>();
                chi2_even_ln_sf(x, l as u32) / LN_10
            }
        };
        v.min(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_layer_costs_factor_l_for_simes_and_bonferroni() {
        for f in [Fusion::Simes, Fusion::Bonferroni] {
            let got = f.combine(&mut [-10.0], 4);
            assert!((got - (-10.0 + 4f64.log10())).abs() < 1e-12);
        }
    }

    #[test]
    fn simes_rewards_several_layers_bonferroni_does_not() {
        // Four layers each at p = 1e-8: Simes gives 4 * 1e-8 / 4 = 1e-8; Bonferroni 4e-8.
        let s = Fusion::Simes.combine(&mut [-8.0, -8.0, -8.0, -8.0], 4);
        let b = Fusion::Bonferroni.combine(&mut [-8.0, -8.0, -8.0, -8.0], 4);
        assert!((s + 8.0).abs() < 1e-12);
        assert!(b > s);
        // Fisher with independent evidence is much stronger still.
        let f = Fusion::Fisher.combine(&mut [-8.0, -8.0, -8.0, -8.0], 4);
        assert!(f < -25.0, "{f}");
    }

    #[test]
    fn never_above_one_and_fisher_uniform_mean() {
        assert_eq!(Fusion::Simes.combine(&mut [-0.01], 10), 0.0);
        assert_eq!(Fusion::Fisher.combine(&mut [], 3), 0.0);
        // Fisher of a single p equals p.
        let f = Fusion::Fisher.combine(&mut [-3.0], 1);
        assert!((f + 3.0).abs() < 1e-9);
    }

    #[test]
    fn simes_is_calibrated_on_independent_uniforms() {
        // Under the null with independent uniforms, P(Simes <= alpha) = alpha exactly.
        let mut rng = crate::rng::SplitMix64::new(3);
        let n = 200_000;
        let mut hits = 0;
        for _ in 0..n {
            let mut v: Vec<f64> = (0..3).map(|_| rng.unit().max(1e-300).log10()).collect();
            if Fusion::Simes.combine(&mut v, 3) <= (0.05f64).log10() {
                hits += 1;
            }
        }
        let rate = hits as f64 / n as f64;
        assert!((rate - 0.05).abs() < 0.003, "{rate}");
    }
}
