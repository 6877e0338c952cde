//! Parameters of the scoring stage: hand-set, documented weights and thresholds (no training; see
//! `docs/scoring.md` for the reasoning behind every number, and the test there that checks its
//! tables against these defaults) and the reference data used.
//!
//! [`ScoreParams`] is (de)serialisable with serde: every field has a default, so a configuration
//! file may set any subset (`[score]` in a `--config` TOML). The reference data (state-media
//! registry, IP database) are not part of the serialised form; they are loaded from files.

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
    /// One weight per [`Signal`], indexed by `Signal as usize`; in files a table
    /// `signal_name = weight` (names as in evidence; a missing name keeps its default).
    #[serde(with = "signal_weights")]
    pub signal: [f64; Signal::COUNT],
    /// Weight of the coordination strength (see [`crate::coordination_strength`]).
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
            coordination: 0.5,
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

/// Serde form of the per-signal weights: a map from signal name to weight.
mod signal_weights {
    use crate::signals::Signal;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(w: &[f64; Signal::COUNT], s: S) -> Result<S::Ok, S::Error> {
        let m: BTreeMap<&str, f64> = Signal::ALL
            .iter()
            .map(|&x| (x.name(), w[x as usize]))
            .collect();
        m.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[f64; Signal::COUNT], D::Error> {
        let m: BTreeMap<String, f64> = BTreeMap::deserialize(d)?;
        let mut w = [0.0; Signal::COUNT];
        for s in Signal::ALL {
            w[s as usize] = s.default_weight();
        }
        for (name, v) in m {
            let s = Signal::parse(&name).ok_or_else(|| {
                let names: Vec<&str> = Signal::ALL.iter().map(|s| s.name()).collect();
                D::Error::custom(format!(
                    "unknown signal '{name}' (known: {})",
                    names.join(", ")
                ))
            })?;
            if !v.is_finite() {
                return Err(D::Error::custom(format!(
                    "weight of '{name}' must be a finite number"
                )));
            }
            w[s as usize] = v;
        }
        Ok(w)
    }
}

/// When a coordinated cluster (or account) counts as `coordinated_organic`: positive evidence of
/// authenticity, not the mere absence of evidence against it (DESIGN §8, `docs/scoring.md`).
///
/// The signals that can speak *for* authenticity are those that measure what an operation has to
/// fake at a cost and a real person has for free: account age relative to the cluster
/// ([`Signal::CreationBurst`]: no batch of creations), a filled-in profile
/// ([`Signal::DefaultProfile`]) and ordinary, varied software ([`Signal::ClientConcentration`]),
/// see [`Signal::speaks_for_authenticity`]. A chosen handle and an ordinary follower count do not
/// count: both are free or bought (the IRA's personas had both). Each counts when it was measured on enough members and
/// came out low.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrganicRule {
    /// A signal counts as evidence of authenticity at or below this strength.
    pub max_strength: f64,
    /// ... measured on at least this share of the cluster's members.
    pub min_coverage: f64,
    /// Number of such signals needed.
    pub min_signals: usize,
}

impl Default for OrganicRule {
    fn default() -> Self {
        OrganicRule {
            max_strength: 0.35,
            min_coverage: 0.5,
            min_signals: 2,
        }
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
    /// What counts as positive evidence of authenticity (`coordinated_organic`).
    pub organic: OrganicRule,
    /// Coordination strength: the number of distinct significant partners at which an account's
    /// strength reaches 0.5 (`1 - 2^(-partners / half)`; see [`crate::coordination_strength`]).
    pub coordination_half_partners: f64,
    /// Registry of state-controlled media (domains, handles, countries); loaded from a file,
    /// not serialised.
    #[serde(skip, default = "StateMediaRegistry::builtin")]
    pub registry: StateMediaRegistry,
    /// Offline IP data for the login signals; `None` when no database is available. Loaded from
    /// files, not serialised.
    #[serde(skip)]
    pub ip: Option<IpDatabase>,
    /// Creation-burst window in days (members created within this span of each other).
    pub burst_window_days: f64,
    /// Minimum posts for per-account timing signals (schedule, regularity).
    pub min_posts: usize,
    /// Minimum posts for the activity-clock signal: a sleep trough needs a few dozen posts, and
    /// below 50 a six-hour window holding 18% of the posts is within the sampling noise of an
    /// irregular (not round-the-clock) poster: at 30 it flagged a fan on the independent
    /// generator's organic-only world.
    pub clock_min_posts: usize,
    /// Score at or above which an expanded account is listed as linked to the seeds.
    pub expand_threshold: f64,
}

impl Default for ScoreParams {
    fn default() -> Self {
        ScoreParams {
            weights: Weights::default(),
            threshold: 0.5,
            min_cluster_size: 2,
            organic: OrganicRule::default(),
            coordination_half_partners: 5.0,
            registry: StateMediaRegistry::builtin(),
            ip: None,
            burst_window_days: 14.0,
            min_posts: 10,
            clock_min_posts: 50,
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

    #[test]
    fn params_round_trip_through_json_and_accept_subsets() {
        let p = ScoreParams::default();
        let json = serde_json::to_string(&p).unwrap_or_else(|e| panic!("{e}"));
        assert!(json.contains("\"creation_burst\":3.0"), "{json}");
        let back: ScoreParams = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.weights, p.weights);
        assert_eq!(back.organic, p.organic);
        // A subset: one weight and one threshold; everything else keeps its default.
        let sub: ScoreParams =
            serde_json::from_str(r#"{"threshold": 0.6, "weights": {"signal": {"schedule": 1.0}}}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sub.threshold, 0.6);
        assert_eq!(sub.weights.of(Signal::Schedule), 1.0);
        assert_eq!(sub.weights.of(Signal::CreationBurst), 3.0);
        assert_eq!(sub.min_posts, p.min_posts);
        // Unknown names are errors that name the culprit.
        let bad = serde_json::from_str::<ScoreParams>(r#"{"weights": {"signal": {"nope": 1}}}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(bad.contains("unknown signal 'nope'"), "{bad}");
        assert!(serde_json::from_str::<ScoreParams>(r#"{"treshold": 0.6}"#).is_err());
    }
}
