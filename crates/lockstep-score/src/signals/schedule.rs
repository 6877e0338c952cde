//! # `schedule`: office hours on weekdays in one time zone
//!
//! **Measures.** The share of posts made Monday to Friday between 09:00 and 18:00 local time, at
//! the UTC offset that best fits a work-schedule template. The offset is inferred by fitting the
//! template (full weight on weekdays 09:00-18:00 with a lunch dip at 12:00, tapering edges at
//! 08:00 and 17:00-18:00, zero at night and on weekends) to the hour-of-week histogram at each whole offset from UTC-11 to
//! UTC+12 and keeping the best. Members of a cluster are measured at the cluster's offset when the
//! cluster as a whole keeps office hours (60% or more of posts in them, under 15% on weekends) (so one inferred time zone explains all of them), else at
//! their own best offset. Strength: `clamp((share - 0.55) / 0.3, 0, 1)`; value: the share.
//! Accounts with fewer than `min_posts` posts are not judged.
//!
//! **Why it indicates inauthenticity.** Operators are employees: the Chinese state operations
//! post on Beijing office hours with quiet weekends and lunch breaks; the IRA ran shifts in St
//! Petersburg. People post mostly in the evenings and on weekends, spread over 16 waking hours,
//! which at any offset leaves at most about 45% of posts in weekday office hours.
//!
//! **False-positive risks.** Professionals posting from work (journalists, officials, brands and
//! their social-media staff), scheduled corporate accounts; whole clusters of them are rare outside
//! institutions, which the evidence makes visible. Half-hour zones (India, Iran) fit the nearest
//! whole offset.
//!
//! **Evidence.** "84% of 230 posts in weekday office hours (09:00-18:00) at UTC+8"; per cluster the
//! same over all members' posts, which is also the attribution's time zone.

use super::SignalColumn;
use crate::context::{Context, hour_of_week};
use crate::params::ScoreParams;
use lockstep_model::AccountId;

/// The offsets tried, in hours east of UTC.
pub const OFFSETS: std::ops::RangeInclusive<i32> = -11..=12;

/// Minimum posts for a cluster-level fit.
pub const MIN_GROUP_POSTS: f64 = 30.0;

/// Soft template weight of a local hour on a weekday: the working day 09:00-18:00 with a lunch
/// dip at 12:00 and tapering edges (the dip and the edges break ties between neighbouring
/// offsets when activity is narrower than the working day).
fn template(hour: usize) -> f64 {
    match hour {
        8 | 18 => 0.25,
        9 => 0.9,
        12 => 0.6,
        17 => 0.75,
        10 | 11 | 13..=16 => 1.0,
        _ => 0.0,
    }
}

/// True when a fit describes an office schedule: most posts in weekday office hours and quiet
/// weekends (under half the 2/7 a uniform week would give).
pub fn is_office(f: &Fit) -> bool {
    f.office_share >= 0.6 && f.weekend_share < 0.15
}

/// A UTC hour-of-week histogram (index 0 = Monday 00:00 UTC).
pub type WeekHist = [f64; 168];

/// The histogram of some posts.
pub fn histogram(ctx: &Context<'_>, posts: &[u32]) -> WeekHist {
    let mut h = [0.0; 168];
    for &p in posts {
        h[hour_of_week(ctx.ds.posts.time[p as usize], 0)] += 1.0;
    }
    h
}

/// Share of the histogram in weekday 09:00-18:00 at `offset`.
pub fn office_share(h: &WeekHist, offset: i32) -> f64 {
    let total: f64 = h.iter().sum();
    if total == 0.0 {
        return 0.0;
    }
    let mut inside = 0.0;
    for (bin, &c) in h.iter().enumerate() {
        let local = (bin as i32 + offset).rem_euclid(168) as usize;
        if local / 24 < 5 && (9..18).contains(&(local % 24)) {
            inside += c;
        }
    }
    inside / total
}

/// Share of the histogram on Saturday and Sunday at `offset`.
pub fn weekend_share(h: &WeekHist, offset: i32) -> f64 {
    let total: f64 = h.iter().sum();
    if total == 0.0 {
        return 0.0;
    }
    let mut inside = 0.0;
    for (bin, &c) in h.iter().enumerate() {
        if (bin as i32 + offset).rem_euclid(168) / 24 >= 5 {
            inside += c;
        }
    }
    inside / total
}

/// A fitted work schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    /// Best offset, hours east of UTC.
    pub offset: i32,
    /// Office share at that offset (hard 09:00-18:00 weekdays).
    pub office_share: f64,
    /// Weekend share at that offset.
    pub weekend_share: f64,
    /// Template fit at the best offset minus the best fit at an offset 3+ hours away, in [0, 1]:
    /// how sharply the offset is determined.
    pub margin: f64,
    /// Posts in the histogram.
    pub posts: f64,
}

/// Fits the template at every offset; `None` for an empty histogram.
pub fn fit(h: &WeekHist) -> Option<Fit> {
    let total: f64 = h.iter().sum();
    if total == 0.0 {
        return None;
    }
    let score = |o: i32| -> f64 {
        let mut s = 0.0;
        for (bin, &c) in h.iter().enumerate() {
            let local = (bin as i32 + o).rem_euclid(168) as usize;
            if local / 24 < 5 {
                s += c * template(local % 24);
            }
        }
        s / total
    };
    let scores: Vec<(i32, f64)> = OFFSETS.map(|o| (o, score(o))).collect();
    let &(offset, best) = scores.iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
    let far = scores
        .iter()
        .filter(|(o, _)| {
            let d = (o - offset).rem_euclid(24);
            d.min(24 - d) >= 3
        })
        .map(|x| x.1)
        .fold(0.0, f64::max);
    Some(Fit {
        offset,
        office_share: office_share(h, offset),
        weekend_share: weekend_share(h, offset),
        margin: (best - far).max(0.0),
        posts: total,
    })
}

/// Strength of an office share.
pub fn strength_of_share(share: f64) -> f32 {
    ((share - 0.55) / 0.3).clamp(0.0, 1.0) as f32
}

/// Formats an offset as `UTC+8` / `UTC-5` / `UTC`.
pub fn utc(offset: i32) -> String {
    match offset {
        0 => "UTC".to_string(),
        o if o > 0 => format!("UTC+{o}"),
        o => format!("UTC{o}"),
    }
}

/// The offset a member is measured at: its cluster's when the cluster keeps office hours.
fn group_fits(ctx: &Context<'_>) -> Vec<Option<Fit>> {
    use rayon::prelude::*;
    ctx.groups
        .members
        .par_iter()
        .map(|m| {
            let mut h = [0.0; 168];
            for &a in m {
                for &p in ctx.posts_of(a) {
                    h[hour_of_week(ctx.ds.posts.time[p as usize], 0)] += 1.0;
                }
            }
            fit(&h).filter(|f| f.posts >= MIN_GROUP_POSTS)
        })
        .collect()
}

fn member_offset(ctx: &Context<'_>, fits: &[Option<Fit>], a: AccountId, own: &WeekHist) -> i32 {
    if let Some(g) = ctx.groups.group_of(a)
        && let Some(Some(f)) = fits.get(g as usize)
        && is_office(f)
    {
        return f.offset;
    }
    fit(own).map_or(0, |f| f.offset)
}

/// Computes the signal.
pub fn compute(ctx: &Context<'_>, params: &ScoreParams) -> SignalColumn {
    use rayon::prelude::*;
    let fits = group_fits(ctx);
    let pairs = (0..ctx.n_accounts() as u32)
        .into_par_iter()
        .map(|i| {
            let a = AccountId(i);
            let posts = ctx.posts_of(a);
            if posts.len() < params.min_posts {
                return None;
            }
            let h = histogram(ctx, posts);
            let o = member_offset(ctx, &fits, a, &h);
            let share = office_share(&h, o);
            Some((strength_of_share(share), share as f32, o))
        })
        .collect::<Vec<_>>();
    let mut col = SignalColumn::new(ctx.n_accounts(), ctx.groups.len());
    for (i, p) in pairs.into_iter().enumerate() {
        if let Some((s, v, o)) = p {
            col.strength[i] = s;
            col.value[i] = v;
            col.aux[i] = o as f32;
        }
    }
    for (g, f) in fits.iter().enumerate() {
        if let Some(f) = f {
            col.group_strength[g] = strength_of_share(f.office_share);
            col.group_text[g] = format!(
                "{:.0}% of the cluster's {:.0} posts fall in weekday office hours (09:00-18:00) at {}, {:.0}% on weekends",
                100.0 * f.office_share,
                f.posts,
                utc(f.offset),
                100.0 * f.weekend_share
            );
        }
    }
    col
}

/// Evidence sentence; `offset` is the offset the account was measured at (the column's aux).
pub fn describe(ctx: &Context<'_>, a: AccountId, value: f64, offset: f64) -> String {
    let posts = ctx.posts_of(a);
    let o = if offset.is_nan() { 0 } else { offset as i32 };
    format!(
        "{:.0}% of {} posts in weekday office hours (09:00-18:00) at {}",
        100.0 * value,
        posts.len(),
        utc(o)
    )
}

super::signal_def!(
    "Office hours on weekdays in one time zone.",
    2.5,
    compute(ctx, params) => compute(ctx, params),
    describe(ctx, _params, a, value, aux) => describe(ctx, a, value, aux),
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{DAY, Groups};
    use crate::signals::testutil::*;

    /// Posts at local hours `hours` on the days `days` (0 = Monday) of 6 weeks at `offset`.
    fn hist(offset: i32, days: &[i64], hours: &[i64]) -> WeekHist {
        let mut h = [0.0; 168];
        for w in 0..6 {
            for &d in days {
                for &hr in hours {
                    let t = MONDAY + (w * 7 + d) * DAY + (hr - offset as i64) * 3600 + 600;
                    h[hour_of_week(t, 0)] += 1.0;
                }
            }
        }
        h
    }

    #[test]
    fn infers_office_offset() {
        for off in [8, 3, -5, 0] {
            let h = hist(off, &[0, 1, 2, 3, 4], &[9, 10, 11, 13, 14, 15, 16, 17]);
            let f = fit(&h).unwrap_or_else(|| panic!("no fit"));
            assert_eq!(f.offset, off);
            assert!(f.office_share > 0.99);
            assert!(strength_of_share(f.office_share) >= 1.0);
            assert_eq!(f.weekend_share, 0.0);
        }
    }

    #[test]
    fn evening_and_weekend_posting_is_silent() {
        // Every day, 07:00-09:00 and 12:00-13:00 and 18:00-24:00 local.
        let h = hist(
            8,
            &[0, 1, 2, 3, 4, 5, 6],
            &[7, 8, 12, 18, 19, 20, 21, 22, 23],
        );
        let f = fit(&h).unwrap_or_else(|| panic!("no fit"));
        assert!(f.office_share < 0.55, "{}", f.office_share);
        assert_eq!(strength_of_share(f.office_share), 0.0);
    }

    #[test]
    fn account_measured_at_cluster_offset() {
        let (mut b, src) = builder();
        let mut n = 0;
        for acc in ["a", "b", "c"] {
            for w in 0..4 {
                for d in 0..5 {
                    for hr in [10i64, 14, 16] {
                        n += 1;
                        let t = MONDAY + (w * 7 + d) * DAY + (hr - 8) * 3600;
                        post(&mut b, src, &format!("p{n}"), acc, t, "x");
                    }
                }
            }
        }
        let ds = finish(b);
        let g = Groups::single(ds.accounts.len());
        let ctx = Context::new(&ds, &g);
        let col = compute(&ctx, &ScoreParams::default());
        assert_eq!(col.strength[0], 1.0);
        assert_eq!(col.group_strength[0], 1.0);
        assert!(col.group_text[0].contains("UTC+8"), "{}", col.group_text[0]);
        assert!(describe(&ctx, AccountId(0), 1.0, col.aux[0] as f64).contains("UTC+8"));
    }
}
