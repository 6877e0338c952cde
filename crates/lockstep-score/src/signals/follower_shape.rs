//! # `follower_shape`: few followers, or following far more than followed
//!
//! **Measures.** From the profile's follower and following counts: a low-audience score
//! `0.7 * (1 - log10(followers + 1) / 2)` (1 follower or none gives about 0.7, 100 or more gives 0)
//! and a ratio score `log10(following / (followers + 1)) / 2` when following at least 50 accounts
//! (following 100 times more than followed gives 1). Strength: the larger plus 0.3 times the
//! smaller, capped at 1. Value: the follower count.
//!
//! **Why it indicates inauthenticity.** Fabricated accounts have no real audience: the median
//! `china_082019_1` account had 2 followers. Follow-back farming leaves following far above
//! followers.
//!
//! **False-positive risks.** New and passive real users have few followers too; bought or
//! repurposed accounts can have many (this signal misses those; `repurposed` looks for them).
//!
//! **Evidence.** "2 followers, following 52".

use super::SignalColumn;
use crate::context::Context;
use lockstep_model::AccountId;

/// Strength for given counts.
pub fn shape(followers: u64, following: u64) -> f32 {
    let f = followers as f64;
    let low = 0.7 * (1.0 - (f + 1.0).log10() / 2.0).clamp(0.0, 1.0);
    let ratio = if following >= 50 {
        ((following as f64 / (f + 1.0)).log10() / 2.0).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (hi, lo) = if low > ratio {
        (low, ratio)
    } else {
        (ratio, low)
    };
    (hi + 0.3 * lo).min(1.0) as f32
}

/// Computes the signal.
pub fn compute(ctx: &Context<'_>) -> SignalColumn {
    let acc = &ctx.ds.accounts;
    let pairs = (0..ctx.n_accounts())
        .map(|i| match (acc.followers[i], acc.following[i]) {
            (Some(f), Some(g)) => Some((shape(f, g), f as f32)),
            (Some(f), None) => Some((shape(f, 0), f as f32)),
            _ => None,
        })
        .collect();
    SignalColumn::from_pairs(pairs, ctx.groups.len())
}

/// Evidence sentence.
pub fn describe(ctx: &Context<'_>, a: AccountId, _value: f64) -> String {
    let acc = &ctx.ds.accounts;
    let f = acc.followers[a.idx()].unwrap_or(0);
    match acc.following[a.idx()] {
        Some(g) => format!("{f} followers, following {g}"),
        None => format!("{f} followers"),
    }
}

super::parameter_free_signal!("Few followers, or following far more than followed.", 1.5);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(shape(2, 52) >= 0.6);
        assert!(shape(3, 2000) >= 0.9);
        assert!(shape(800, 400) < 0.05);
        assert!(shape(150, 180) < 0.05);
    }
}
