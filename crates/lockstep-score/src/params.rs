//! Parameters of the scoring stage: hand-set, documented weights (no training; see
//! `docs/scoring.md` for the reasoning behind every number) and the reference data used.

use crate::ip::IpDatabase;
use crate::registry::StateMediaRegistry;
use crate::signals::Signal;
use serde::{Deserialize, Serialize};

/// Coefficients of the logistic scoring model `score = 1 / (1 + exp(-z))`,
/// `z = bias + sum_i weight_i * strength_i (+ coordination and network terms)`.
///
/// Each signal strength is in [0, 1]; a weight is the log-odds a fully firing signal adds. The
/// bias (-5) is chosen so that no single signal alone reaches the 0.5 threshold (the largest weight
/// is 3): a verdict rests on at least two strong or three moderate kinds of evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// Log-odds with no evidence at all.
    pub bias: f64,
    /// One weight per [`Signal`], indexed by `Signal as usize`.
    pub signal: [f64; Signal::COUNT],
    /// Weight of the cluster's mean coordination strength (coordination intensity).
    pub coordination: f64,
    /// Weight of the share of a cluster's amplification that goes to an inauthentic cluster.
    pub amplifies_inauthentic: f64,
    /// Weight of the cluster score in an account's score (the rest is the account's own evidence).
    pub cluster_share: f64,
}

impl Default for Weights {
    fn default() -> Self {
        let mut signal = [0.0; Signal::COUNT];
        for s in Signal::ALL {
            signal[s as usize] = s.default_weight();
        }
        Weights {
            bias: -5.0,
            signal,
            coordination: 1.0,
            amplifies_inauthentic: 3.0,
            cluster_share: 0.5,
        }
    }
}

impl Weights {
    /// The weight of one signal.
    pub fn of(&self, s: Signal) -> f64 {
        self.signal[s as usize]
    }
}

/// Everything [`crate::score`] and [`crate::expand`] need besides the data.
///
/// In `run.toml` / `--config` as `[score.params]`; the registry and the IP database are loaded
/// data, chosen by `score.registry` / `score.ip_db`, and not serialised.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreParams {
    /// The model's coefficients.
    pub weights: Weights,
    /// Score at or above which a cluster or account is `inauthentic`.
    pub threshold: f64,
    /// Smallest cluster that gets a verdict other than `none`.
    pub min_cluster_size: usize,
    /// Registry of state-controlled media (domains, handles, countries).
    #[serde(skip)]
    pub registry: StateMediaRegistry,
    /// Offline IP data for the login signals; `None` when no database is available.
    #[serde(skip)]
    pub ip: Option<IpDatabase>,
    /// Creation-burst window in days (members created within this span of each other).
    pub burst_window_days: f64,
    /// Minimum posts for per-account timing signals (schedule, regularity).
    pub min_posts: usize,
    /// Score at or above which an expanded account is listed as linked to the seeds.
    pub expand_threshold: f64,
}

impl Default for ScoreParams {
    fn default() -> Self {
        ScoreParams {
            weights: Weights::default(),
            threshold: 0.5,
            min_cluster_size: 2,
            registry: StateMediaRegistry::builtin(),
            ip: None,
            burst_window_days: 14.0,
            min_posts: 10,
            expand_threshold: 0.5,
        }
    }
}

/// The logistic function.
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The inverse of [`sigmoid`], clamped away from 0 and 1.
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_single_signal_decides() {
        let w = Weights::default();
        for s in Signal::ALL {
            assert!(
                w.bias + w.of(s) < 0.0,
                "{} alone would reach the threshold",
                s.name()
            );
        }
        assert!((sigmoid(logit(0.3)) - 0.3).abs() < 1e-9);
    }
}
