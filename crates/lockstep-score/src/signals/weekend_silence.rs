//! # `weekend_silence`: a cluster that goes quiet on weekends
//!
//! **Measures.** The share of a cluster's posts made on Saturday and Sunday, in local time at the
//! offset where the cluster's quietest six hours fall at night (01:00-07:00,
//! [`super::activity_clock::sleep_trough`]), against the share of the observation window that is
//! weekend at that offset (2/7 for whole weeks). Not at the offset that best fits an office
//! schedule: across a whole day of candidate offsets that one can move a community's Saturday
//! and Sunday nights into Friday and Monday (a 9-account activist cluster posting 78% on weekends
//! read as 7% there). The ratio
//! `weekend share / weekend share of the window` is 1 for people who post every day alike and
//! above 1 for people who post more in their free time. Strength: `clamp((0.7 - ratio) / 0.35,
//! 0, 1)` (half the expected weekend activity gives 0.57, a third 0.95); value: the ratio. A
//! cluster statement only (no per-account reading: a single account's week is too noisy), for
//! clusters with [`MIN_GROUP_POSTS`]+ posts in a window of [`MIN_WINDOW_DAYS`]+ days.
//!
//! **Why it indicates inauthenticity.** Operators are employees with a working week. The Chinese
//! state networks Twitter disclosed in 2019 and the "Spamouflage" networks posted on Chinese
//! working days and went quiet on weekends and public holidays (Stanford Internet Observatory,
//! Graphika); the IRA's German-language accounts in the FiveThirtyEight file (a cluster of 46)
//! posted 1% of their 9,180 posts on weekends. Real communities post *more* in their free time:
//! in every organic, activist and fan cluster of 8+ accounts measured (docs/scoring.md) the ratio
//! is 0.8 or higher. It measures something the `schedule` signal does not: a team working shifts
//! around the clock on weekdays has no office-hours share but still leaves its weekends empty.
//!
//! **False-positive risks.** Institutions posting from work (a newsroom's or a ministry's
//! accounts, a company's brand accounts and staff), which the rest of the evidence decides; a
//! collection that itself skips weekends, which is why the signal does not apply when the whole
//! data set's weekend ratio is below [`MIN_DATASET_RATIO`]; short windows with one atypical
//! weekend (hence two weeks at least).
//!
//! **Evidence.** "12% of the cluster's 7501 posts fall on weekends at UTC+8, against 29% of the
//! observed days (0.42 of what daily posting gives)".

use super::SignalColumn;
use super::activity_clock::{sleep_trough, trough_offset};
use super::schedule::{WeekHist, utc, weekend_share};
use crate::context::{Context, DAY, hour_of_week};
use lockstep_model::AccountId;

/// Minimum posts of a cluster for a reading.
pub const MIN_GROUP_POSTS: f64 = 100.0;
/// Minimum observation window (two weekends).
pub const MIN_WINDOW_DAYS: i64 = 14;
/// The signal applies only when the data set as a whole keeps at least this weekend ratio: a
/// collection whose public is silent on weekends says nothing about a cluster that is.
pub const MIN_DATASET_RATIO: f64 = 0.75;
/// Ratio at which the signal starts, and the width of its ramp.
pub const FROM: f64 = 0.7;
/// See [`FROM`].
pub const RAMP: f64 = 0.35;

/// Strength of a weekend ratio.
pub fn strength(ratio: f64) -> f64 {
    ((FROM - ratio) / RAMP).clamp(0.0, 1.0)
}

/// Share of the hours of `[start, end)` that fall on a weekend at `offset` hours east of UTC.
pub fn window_weekend_share(start: i64, end: i64, offset: i32) -> f64 {
    let first = start.div_euclid(3600);
    let last = end.div_euclid(3600);
    if last <= first {
        return 0.0;
    }
    let weekend = (first..last)
        .filter(|h| hour_of_week(h * 3600, offset) / 24 >= 5)
        .count();
    weekend as f64 / (last - first) as f64
}

fn hist(ctx: &Context<'_>, members: &[AccountId]) -> WeekHist {
    let mut h = [0.0; 168];
    for &a in members {
        for &p in ctx.posts_of(a) {
            h[hour_of_week(ctx.ds.posts.time[p as usize], 0)] += 1.0;
        }
    }
    h
}

/// Computes the column (cluster statements only).
pub fn compute(ctx: &Context<'_>) -> SignalColumn {
    let mut col = SignalColumn::new(ctx.n_accounts(), ctx.groups.len());
    let Some((start, end)) = ctx.time_range else {
        return col;
    };
    if end - start < MIN_WINDOW_DAYS * DAY {
        return col;
    }
    // The whole data set's weekend ratio (at UTC; the offset barely matters for a whole public).
    let mut all = [0.0; 168];
    for &t in &ctx.ds.posts.time {
        all[hour_of_week(t, 0)] += 1.0;
    }
    let expected_utc = window_weekend_share(start, end + 1, 0);
    if expected_utc <= 0.0 || weekend_share(&all, 0) / expected_utc < MIN_DATASET_RATIO {
        return col;
    }
    for (g, members) in ctx.groups.members.iter().enumerate() {
        let h = hist(ctx, members);
        let posts: f64 = h.iter().sum();
        if posts < MIN_GROUP_POSTS {
            continue;
        }
        let mut day = [0.0; 24];
        for (bin, &c) in h.iter().enumerate() {
            day[bin % 24] += c;
        }
        let Some((trough, _)) = sleep_trough(&day) else {
            continue;
        };
        let offset = trough_offset(trough);
        let expected = window_weekend_share(start, end + 1, offset);
        if expected <= 0.0 {
            continue;
        }
        let share = weekend_share(&h, offset);
        let ratio = share / expected;
        col.group_strength[g] = strength(ratio) as f32;
        col.group_text[g] = format!(
            "{:.0}% of the cluster's {:.0} posts fall on weekends at {}, against {:.0}% of the observed days ({:.2} of what daily posting gives)",
            100.0 * share,
            posts,
            utc(offset),
            100.0 * expected,
            ratio
        );
    }
    col
}

/// Evidence sentence (no per-account readings: the cluster's text is used).
pub fn describe(_ctx: &Context<'_>, _a: AccountId, value: f64) -> String {
    format!("its cluster posts {value:.2} of the weekend activity daily posting gives")
}

super::parameter_free_signal!("A cluster that goes quiet on weekends.", 1.5);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::{MONDAY, account, builder, finish, post};

    /// Four weeks: an "office" cluster posting on weekdays only, a "community" cluster posting
    /// every day (more on weekends), and a public posting every day.
    fn world() -> (lockstep_model::Dataset, Vec<Option<u32>>) {
        let (mut b, src) = builder();
        let office = ["o1", "o2", "o3"];
        let community = ["c1", "c2", "c3"];
        for a in office.iter().chain(&community).chain(&["p1"]) {
            account(&mut b, a, a, None);
        }
        let mut k = 0;
        for day in 0..28i64 {
            let weekend = day % 7 >= 5;
            for h in [10i64, 14] {
                let t = MONDAY + day * DAY + h * 3600;
                if !weekend {
                    for a in office {
                        k += 1;
                        post(&mut b, src, &format!("x{k}"), a, t, "work");
                    }
                }
                for a in community {
                    k += 1;
                    post(&mut b, src, &format!("x{k}"), a, t, "life");
                    if weekend {
                        k += 1;
                        post(&mut b, src, &format!("x{k}"), a, t + 600, "more life");
                    }
                }
                k += 1;
                post(&mut b, src, &format!("x{k}"), "p1", t + 60, "public");
            }
        }
        let ds = finish(b);
        let mut cl = vec![None; ds.accounts.len()];
        for (c, names) in [(1u32, &office), (2, &community)] {
            for s in names.iter() {
                if let Some(a) = ds.account_by_external(s) {
                    cl[a.idx()] = Some(c);
                }
            }
        }
        (ds, cl)
    }

    #[test]
    fn a_working_week_fires_a_community_does_not() {
        let (ds, cl) = world();
        let groups = Groups::from_clusters(ds.accounts.len(), &cl);
        let ctx = Context::new(&ds, &groups);
        let col = compute(&ctx);
        let g = |c: u32| {
            groups
                .ids
                .iter()
                .position(|&x| x == c)
                .unwrap_or(usize::MAX)
        };
        assert_eq!(col.group_strength[g(1)], 1.0, "{}", col.group_text[g(1)]);
        assert_eq!(col.group_strength[g(2)], 0.0, "{}", col.group_text[g(2)]);
        assert!(
            col.group_text[g(1)].starts_with("0% of the cluster's 120 posts fall on weekends"),
            "{}",
            col.group_text[g(1)]
        );
        // No per-account readings.
        assert!(col.strength.iter().all(|s| s.is_nan()));
    }

    /// Two accounts posting on weekdays only, over `days` days.
    fn weekday_only(days: i64) -> lockstep_model::Dataset {
        let (mut b, src) = builder();
        account(&mut b, "a", "a", None);
        account(&mut b, "b", "b", None);
        let mut k = 0;
        for day in (0..days).filter(|d| d % 7 < 5) {
            for a in ["a", "b"] {
                for h in [9i64, 11, 13, 15, 17] {
                    k += 1;
                    let t = MONDAY + day * DAY + h * 3600;
                    post(&mut b, src, &format!("y{k}"), a, t, "w");
                }
            }
        }
        finish(b)
    }

    #[test]
    fn a_collection_without_weekends_or_a_short_window_says_nothing() {
        for days in [28, 12] {
            let ds = weekday_only(days);
            let groups = Groups::from_clusters(ds.accounts.len(), &[Some(1), Some(1)]);
            let ctx = Context::new(&ds, &groups);
            let col = compute(&ctx);
            assert!(
                col.group_strength[0].is_nan(),
                "{days} days: {}",
                col.group_text[0]
            );
        }
    }

    #[test]
    fn window_share_of_whole_weeks_is_two_sevenths() {
        let s = window_weekend_share(MONDAY, MONDAY + 14 * DAY, 0);
        assert!((s - 2.0 / 7.0).abs() < 1e-9, "{s}");
        // Shifted by the offset: UTC+8 moves the weekend 8 hours earlier in UTC.
        let s8 = window_weekend_share(MONDAY, MONDAY + 14 * DAY, 8);
        assert!((s8 - 2.0 / 7.0).abs() < 1e-9, "{s8}");
        assert_eq!(window_weekend_share(MONDAY, MONDAY, 0), 0.0);
        assert_eq!(strength(1.0), 0.0);
        assert_eq!(strength(0.3), 1.0);
    }
}
