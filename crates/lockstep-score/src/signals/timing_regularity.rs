//! # `timing_regularity`: near-constant gaps between posts
//!
//! **Measures.** The gaps between consecutive posts of an account that are shorter than 12 hours
//! (so nights and weekends do not count). Two numbers: the coefficient of variation of those gaps
//! (standard deviation / mean) and the share of gaps equal to the most common gap, rounded to the
//! minute (gaps under a minute are left out of the mode, so retweet sprees do not count).
//! Strength: the larger of `clamp((0.5 - cv) / 0.4)` and `clamp((mode_share - 0.3) / 0.4)`;
//! value: the mode share. Accounts with fewer than `min_posts` posts are not judged.
//!
//! **Why it indicates inauthenticity.** Scheduling tools and bots post on a timer (every 15
//! minutes, every hour on the hour). Human posting is bursty: its gaps are heavy-tailed with a
//! coefficient of variation of 1 or more.
//!
//! **False-positive risks.** News feeds, weather bots, and accounts that openly use a scheduler;
//! these are automated but not necessarily deceptive, which the rest of the evidence decides.
//!
//! **Evidence.** "62% of 140 gaps between posts are exactly 15 min (variation 0.21)".

use super::SignalColumn;
use crate::context::Context;
use crate::params::ScoreParams;
use lockstep_model::AccountId;

const MAX_GAP: i64 = 12 * 3600;

struct Regularity {
    cv: f64,
    mode_share: f64,
    mode_min: i64,
    gaps: usize,
}

fn regularity(ctx: &Context<'_>, a: AccountId, min_posts: usize) -> Option<Regularity> {
    let posts = ctx.posts_of(a);
    if posts.len() < min_posts.max(3) {
        return None;
    }
    let t = &ctx.ds.posts.time;
    let gaps: Vec<i64> = posts
        .windows(2)
        .map(|w| t[w[1] as usize] - t[w[0] as usize])
        .filter(|&g| g <= MAX_GAP)
        .collect();
    if gaps.len() + 1 < min_posts.max(3) {
        return None;
    }
    let n = gaps.len() as f64;
    let mean = gaps.iter().sum::<i64>() as f64 / n;
    let var = gaps.iter().map(|&g| (g as f64 - mean).powi(2)).sum::<f64>() / n;
    let cv = if mean > 0.0 { var.sqrt() / mean } else { 0.0 };
    let mut minutes: Vec<i64> = gaps
        .iter()
        .map(|g| (g + 30) / 60)
        .filter(|&m| m > 0)
        .collect();
    minutes.sort_unstable();
    let (mut mode_min, mut mode_n, mut i) = (0, 0usize, 0);
    while i < minutes.len() {
        let j = minutes[i..].partition_point(|&m| m == minutes[i]) + i;
        if j - i > mode_n {
            mode_n = j - i;
            mode_min = minutes[i];
        }
        i = j;
    }
    Some(Regularity {
        cv,
        mode_share: mode_n as f64 / n,
        mode_min,
        gaps: gaps.len(),
    })
}

fn strength(r: &Regularity) -> f32 {
    let a = ((0.5 - r.cv) / 0.4).clamp(0.0, 1.0);
    let b = ((r.mode_share - 0.3) / 0.4).clamp(0.0, 1.0);
    a.max(b) as f32
}

/// Computes the signal.
pub fn compute(ctx: &Context<'_>, params: &ScoreParams) -> SignalColumn {
    use rayon::prelude::*;
    let pairs = (0..ctx.n_accounts() as u32)
        .into_par_iter()
        .map(|i| {
            regularity(ctx, AccountId(i), params.min_posts)
                .map(|r| (strength(&r), r.mode_share as f32))
        })
        .collect();
    SignalColumn::from_pairs(pairs, ctx.groups.len())
}

/// Evidence sentence.
pub fn describe(ctx: &Context<'_>, a: AccountId, _value: f64) -> String {
    match regularity(ctx, a, 3) {
        Some(r) => format!(
            "{:.0}% of {} gaps between posts are {} min (variation {:.2})",
            100.0 * r.mode_share,
            r.gaps,
            r.mode_min,
            r.cv
        ),
        None => String::new(),
    }
}

super::signal_def!(
    "Near-constant gaps between posts.",
    1.5,
    compute(ctx, params) => compute(ctx, params),
    describe(ctx, _params, a, value, _aux) => describe(ctx, a, value),
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::*;

    #[test]
    fn timer_fires_bursty_silent() {
        let (mut b, src) = builder();
        let mut t = MONDAY;
        // A bursty human: gaps cycling 5 s, 40 min, 3 min, 2 h, 20 s, 7 h.
        let gaps = [5, 2400, 180, 7200, 20, 25_200];
        for i in 0..60 {
            post(
                &mut b,
                src,
                &format!("t{i}"),
                "timer",
                MONDAY + i * 900,
                "x",
            );
            t += gaps[i as usize % gaps.len()];
            post(&mut b, src, &format!("h{i}"), "human", t, "x");
        }
        let ds = finish(b);
        let g = Groups::default();
        let ctx = Context::new(&ds, &g);
        let col = compute(&ctx, &ScoreParams::default());
        assert_eq!(col.strength[0], 1.0);
        assert!(col.strength[1] < 0.3, "{}", col.strength[1]);
        assert!(describe(&ctx, AccountId(0), 1.0).contains("are 15 min"));
    }
}
