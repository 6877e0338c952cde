//! # `reaction_time`: machine reaction times
//!
//! **Measures.** For each repost whose source post is in the data (by the reposted post's id), the
//! lag from the source post to the repost. An account with at least [`MIN_REPOSTS`] such lags over
//! at least [`MIN_SOURCES`] different source authors is judged on two numbers: the share of its
//! lags at most [`FAST_S`] seconds (`fast`), and the spread of its lags, the interquartile range
//! of `log10(1 + lag)` in decades (`spread`). Strength: `ramp(fast, 0.5, 0.9) * ramp(spread, 0.6,
//! 0.2)` (the second ramp falls: a narrower spread is stronger), so both must hold: most reposts
//! within a minute *and* at a regularity no notification-driven person keeps. The value is the
//! median lag in seconds; the evidence adds the fast share and the spread. Only data with
//! second-resolution times are judged (a minute-resolution file, such as the FiveThirtyEight IRA
//! tweets, cannot show seconds).
//!
//! **Why it indicates inauthenticity.** A person reposts when they happen to look: their lags run
//! from seconds (a notification) to hours and days, a spread of two decades or more. Amplifier
//! software fires on a trigger: the reposts land seconds after the source, every time, whoever the
//! source is. Platform takedown reports describe exactly this (Twitter's and Meta's disclosures of
//! spam and state amplification networks; Graphika's "spamouflage" reports: retweets within
//! seconds of the original by batches of accounts), and bot-detection research uses the
//! inter-arrival of retweets after the source as one of its most reliable features (e.g.
//! Chavoshi, Hamooni and Mueen, "DeBot", 2016; Mazza et al., "RTbust", 2019).
//!
//! **False-positive risks.** Declared, benign retweet bots (a "news RT" account reposting every
//! post of a hashtag within seconds): they are automated, which this signal says, but not an
//! operation; they rarely sit in a coordination cluster with inauthentic evidence, and the signal
//! alone cannot decide (its weight is below the bias). Devoted fans with notifications on for one
//! star: their fast reposts are of one source, hence [`MIN_SOURCES`], and their slow tail keeps the
//! spread wide. Repost timestamps a platform rounds or backfills.
//!
//! **Evidence.** "median repost lag 7 s over 24 reposts of 9 authors; 92% within 60 s, spread
//! 0.3 decades".

use super::SignalColumn;
use crate::context::Context;
use lockstep_model::{AccountId, PostKind, Resolution};

/// Minimum reposts with a known lag.
pub const MIN_REPOSTS: usize = 8;
/// Minimum distinct source authors among them.
pub const MIN_SOURCES: usize = 3;
/// A lag at most this many seconds is fast.
pub const FAST_S: i64 = 60;

/// Linear ramp from `lo` (0) to `hi` (1); `hi < lo` gives a falling ramp.
fn ramp(x: f64, lo: f64, hi: f64) -> f64 {
    ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
}

/// What was measured for one account.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lags {
    /// Reposts with a known lag.
    pub n: usize,
    /// Distinct source authors.
    pub sources: usize,
    /// Median lag, seconds.
    pub median_s: f64,
    /// Share of lags at most [`FAST_S`].
    pub fast: f64,
    /// Interquartile range of `log10(1 + lag)`.
    pub spread: f64,
}

impl Lags {
    /// The strength of these lags (see the module docs).
    pub fn strength(&self) -> f64 {
        ramp(self.fast, 0.5, 0.9) * ramp(self.spread, 0.6, 0.2)
    }
}

/// Quantile `q` of sorted `v` (nearest rank).
fn quantile(v: &[f64], q: f64) -> f64 {
    let i = ((v.len() - 1) as f64 * q).round() as usize;
    v[i.min(v.len() - 1)]
}

/// The lags of account `a`, `None` when too few to judge.
pub fn lags_of(ctx: &Context<'_>, a: AccountId) -> Option<Lags> {
    let ds = ctx.ds;
    if ds.resolution() != Resolution::Second {
        return None;
    }
    let p = &ds.posts;
    let mut lags = Vec::new();
    let mut sources = Vec::new();
    for &i in ctx.posts_of(a) {
        let i = i as usize;
        if p.kind[i] != PostKind::Repost || p.repost_of[i].is_none() {
            continue;
        }
        let Some(src) = ds.post_by_sym(p.repost_of[i]) else {
            continue;
        };
        let src = src.idx();
        let lag = p.time[i] - p.time[src];
        if lag < 0 || p.account[src] == a {
            continue;
        }
        lags.push(lag as f64);
        sources.push(p.account[src]);
    }
    sources.sort_unstable();
    sources.dedup();
    if lags.len() < MIN_REPOSTS || sources.len() < MIN_SOURCES {
        return None;
    }
    lags.sort_by(f64::total_cmp);
    let fast = lags.iter().filter(|&&l| l <= FAST_S as f64).count() as f64 / lags.len() as f64;
    let logs: Vec<f64> = lags.iter().map(|l| (1.0 + l).log10()).collect();
    Some(Lags {
        n: lags.len(),
        sources: sources.len(),
        median_s: quantile(&lags, 0.5),
        fast,
        spread: quantile(&logs, 0.75) - quantile(&logs, 0.25),
    })
}

/// Computes the column.
pub fn compute(ctx: &Context<'_>) -> SignalColumn {
    let n = ctx.n_accounts();
    let mut col = SignalColumn::new(n, ctx.groups.len());
    if ctx.ds.resolution() != Resolution::Second {
        return col;
    }
    for i in 0..n {
        if let Some(l) = lags_of(ctx, AccountId(i as u32)) {
            col.strength[i] = l.strength() as f32;
            col.value[i] = l.median_s as f32;
            col.aux[i] = l.fast as f32;
        }
    }
    col
}

/// Evidence sentence.
pub fn describe(ctx: &Context<'_>, a: AccountId) -> String {
    match lags_of(ctx, a) {
        Some(l) => format!(
            "median repost lag {:.0} s over {} reposts of {} authors; {:.0}% within {FAST_S} s, spread {:.1} decades",
            l.median_s,
            l.n,
            l.sources,
            100.0 * l.fast,
            l.spread
        ),
        None => "too few reposts with a known source time".to_string(),
    }
}

super::signal_def!(
    "Reposts landing seconds after the source, at a regularity people do not keep.",
    2.0,
    compute(ctx, _params) => compute(ctx),
    describe(ctx, _params, a, _value, _aux) => describe(ctx, a),
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::*;
    use lockstep_model::PostRecord;

    /// Sources s0..s3 each post 4 originals; `bot` reposts each `bot_lag(k)` seconds later and
    /// `person` after lags spread over seconds to a day.
    fn world(bot_lag: impl Fn(usize) -> i64) -> lockstep_model::Dataset {
        let (mut b, src) = builder();
        for name in ["s0", "s1", "s2", "s3", "bot", "person"] {
            account(&mut b, name, name, Some(MONDAY - 400 * 86_400));
        }
        let person_lags = [3, 40, 300, 900, 3_600, 7_200, 20_000, 50_000];
        for k in 0..16 {
            let t = MONDAY + k as i64 * 7_200;
            let id = format!("o{k}");
            let author = format!("s{}", k % 4);
            post(&mut b, src, &id, &author, t, "news of the hour");
            for (who, lag) in [("bot", bot_lag(k)), ("person", person_lags[k % 8])] {
                let rid = format!("r{who}{k}");
                b.push_post(
                    &PostRecord {
                        external_id: &rid,
                        account: who,
                        time: t + lag,
                        kind: Some(PostKind::Repost),
                        repost_of: &id,
                        repost_of_account: &author,
                        ..Default::default()
                    },
                    src,
                );
            }
        }
        finish(b)
    }

    fn strength_of(ds: &lockstep_model::Dataset, name: &str) -> f32 {
        let groups = Groups::from_clusters(ds.accounts.len(), &[]);
        let ctx = Context::new(ds, &groups);
        let a = ds
            .account_by_external(name)
            .expect("account in the test world");
        compute(&ctx).strength[a.idx()]
    }

    #[test]
    fn a_scheduler_firing_seconds_after_every_source_is_strong() {
        let ds = world(|k| 4 + (k % 3) as i64);
        assert!(strength_of(&ds, "bot") > 0.9, "{}", strength_of(&ds, "bot"));
        // A person's lags span hours: not machine-like, though some were within a minute.
        assert_eq!(strength_of(&ds, "person"), 0.0);
        // Sources that repost nothing are not judged.
        assert!(strength_of(&ds, "s0").is_nan());
    }

    #[test]
    fn slow_regular_reposting_is_not_a_machine_reaction() {
        // Every repost exactly an hour later: regular, but not fast.
        let ds = world(|_| 3_600);
        assert_eq!(strength_of(&ds, "bot"), 0.0);
    }

    #[test]
    fn fast_but_scattered_lags_are_weak() {
        // Half within seconds, half after hours (a fan with notifications on): wide spread.
        let ds = world(|k| if k % 2 == 0 { 5 } else { 30_000 });
        assert!(strength_of(&ds, "bot") < 0.1, "{}", strength_of(&ds, "bot"));
    }
}
