//! # `activity_clock`: an activity clock at odds with the persona, or no sleep at all
//!
//! **Measures.** Each account's posts by hour of the day (UTC) and its **sleep trough**: the
//! quietest six consecutive hours. Two readings of it:
//! 1. *No sleep* (shift work, automation): the trough still holds a large share of the posts.
//!    A person's quietest six hours hold a few percent of their posts; uniform, round-the-clock
//!    activity puts 25% in any six hours. Strength `clamp((trough_share - 0.10) / 0.08, 0, 1)`.
//! 2. *Wrong time zone for the persona*: the trough is read as local 01:00-07:00, which gives the
//!    UTC offset the account lives at; the profile's claimed location (a country or a well-known
//!    city, see [`persona_zone`]) gives the offsets the persona could live at. Strength
//!    `clamp((distance - 2) / 2, 0, 1)`, where `distance` is how many hours the trough's offset
//!    lies outside the persona's (two hours of slack for night owls and early risers), read only
//!    when the trough is deep (at most 10% of posts: the account clearly sleeps somewhere).
//!
//! The *no sleep* reading does not count for an account that posts mostly (at least half its posts)
//! through an automation client (`client_concentration::is_automation`): a scheduler posts round
//! the clock whoever runs it, benign announcement bots included, and the automation itself is
//! already `client_concentration`'s evidence; counting it twice flagged benign bots on the
//! independent generator's organic-only world.
//!
//! The strength is the larger of the two; the value is the trough's share of posts and the
//! auxiliary number the offset the trough implies. Accounts with fewer than
//! `ScoreParams::clock_min_posts` posts are not judged.
//!
//! **Why it indicates inauthenticity.** Operations are workplaces. The Internet Research Agency
//! ran its US personas from St Petersburg in day and night shifts (Mueller report vol. I §II.A;
//! Linvill & Warren 2020): in the FiveThirtyEight file the US-located Left/Right trolls are quiet
//! during the American evening, when real Americans post most, and many post round the clock.
//! Chinese and Iranian operations show the same office clock of their home zone behind personas
//! claiming to live elsewhere (Twitter/Stanford IO reports). A real person sleeps, and sleeps
//! where they say they live.
//!
//! **False-positive risks.** Newsrooms, brands and other organisational accounts staffed in shifts
//! (no sleep), scheduled posting tools, bots that announce (earthquakes, prices); travellers and
//! expatriates who keep a home location (wrong zone); a free-text location that names a place the
//! person does not live ("Gotham", a favourite team's city). The gazetteer is deliberately short:
//! an unrecognised location gives no persona zone. A cluster's strength is the mean over
//! members, so one shift-working newsroom account does not colour a community.
//!
//! **Evidence.** "22% of its 412 posts fall in its quietest six hours (round-the-clock
//! activity)"; "sleeps as if at UTC+1 while its profile says United States (UTC-10..-4)".

use super::SignalColumn;
use crate::context::Context;
use crate::params::ScoreParams;
use lockstep_model::AccountId;

/// Trough share at which "no sleep" starts to count, and the width of its ramp.
pub const NO_SLEEP_FROM: f64 = 0.10;
/// See [`NO_SLEEP_FROM`].
pub const NO_SLEEP_RAMP: f64 = 0.08;
/// The trough must hold at most this share for the time zone to be read from it.
pub const DEEP_TROUGH: f64 = 0.10;
/// Hours of slack around the persona's zones before a mismatch counts, and the ramp width.
pub const ZONE_SLACK_H: f64 = 2.0;
/// See [`ZONE_SLACK_H`].
pub const ZONE_RAMP_H: f64 = 2.0;

/// UTC offsets (hours east, inclusive range) a claimed location implies, from a short gazetteer of
/// countries and large cities in English and the local script; `None` when not recognised.
pub fn persona_zone(location: &str) -> Option<(i32, i32)> {
    let l = location.trim().to_lowercase();
    if l.is_empty() {
        return None;
    }
    // Order matters: more specific names first.
    const TABLE: &[(&[&str], (i32, i32))] = &[
        (&["hong kong", "香港", "kowloon", "new territories"], (8, 8)),
        (&["taiwan", "台灣", "台湾", "taipei", "台北"], (8, 8)),
        (
            &[
                "china", "中国", "beijing", "北京", "shanghai", "上海", "杭州",
            ],
            (8, 8),
        ),
        (&["japan", "日本", "tokyo", "東京", "大阪", "osaka"], (9, 9)),
        (&["korea", "seoul", "한국"], (9, 9)),
        (&["indonesia", "jakarta", "bandung"], (7, 9)),
        (
            &["india", "mumbai", "delhi", "bangalore", "bengaluru"],
            (5, 6),
        ),
        (
            &[
                "australia",
                "sydney",
                "melbourne",
                "brisbane",
                "new south wales",
            ],
            (8, 11),
        ),
        (
            &[
                "united states",
                "usa",
                "u.s.a",
                "new york",
                "washington",
                "california",
                "los angeles",
                "san francisco",
                "seattle",
                "boston",
                "chicago",
                "atlanta",
                "philadelphia",
                "texas",
                "florida",
                ", ny",
                ", ca",
                ", dc",
                ", ga",
                ", pa",
                ", ma",
                ", wa",
                ", or",
                ", tx",
                ", fl",
            ],
            (-10, -4),
        ),
        (&["canada", "toronto", "vancouver", "montreal"], (-8, -3)),
        (
            &[
                "united kingdom",
                "england",
                "london",
                "manchester",
                "scotland",
            ],
            (0, 1),
        ),
        (
            &[
                "germany",
                "deutschland",
                "berlin",
                "france",
                "paris",
                "madrid",
                "spain",
                "amsterdam",
                "netherlands",
                "italy",
                "europe",
            ],
            (1, 2),
        ),
        (&["ukraine", "kyiv", "kiev", "україна"], (2, 3)),
        (&["russia", "россия", "moscow", "москва"], (2, 12)),
        (&["azerbaijan", "baku"], (4, 4)),
        (&["united arab emirates", "dubai"], (4, 4)),
        (&["iraq", "baghdad"], (3, 3)),
        (&["iran", "tehran"], (3, 5)),
        (&["turkey", "istanbul", "türkiye"], (3, 3)),
    ];
    TABLE
        .iter()
        .find(|(names, _)| names.iter().any(|n| l.contains(n)))
        .map(|&(_, z)| z)
}

/// Circular distance in hours from offset `o` to the range `[lo, hi]` (offsets wrap at 24 h).
fn distance_to_zone(o: i32, (lo, hi): (i32, i32)) -> i32 {
    (lo..=hi)
        .map(|z| {
            let d = (o - z).rem_euclid(24);
            d.min(24 - d)
        })
        .min()
        .unwrap_or(0)
}

/// The quietest six hours of a 24-hour histogram: `(start hour UTC, share of posts)`.
pub fn sleep_trough(day: &[f64; 24]) -> Option<(usize, f64)> {
    let total: f64 = day.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let window = |s: usize, len: usize| (0..len).map(|k| day[(s + k) % 24]).sum::<f64>();
    // Ties go to the window whose 8-hour surround is also quietest (as in the attribution).
    (0..24)
        .map(|s| (s, window(s, 6), window(s + 23, 8)))
        .min_by(|a, b| (a.1 + 1e-3 * a.2).total_cmp(&(b.1 + 1e-3 * b.2)))
        .map(|(s, q, _)| (s, q / total))
}

/// The offset (hours east of UTC, -11..=12) at which a trough starting at UTC hour `start` is
/// local 01:00-07:00.
pub fn trough_offset(start: usize) -> i32 {
    let o = (1 - start as i32).rem_euclid(24);
    if o > 12 { o - 24 } else { o }
}

/// One account's reading of its clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reading {
    /// Signal strength in [0, 1].
    pub strength: f64,
    /// Share of posts in the quietest six hours.
    pub trough_share: f64,
    /// UTC offset at which the trough is local 01:00-07:00.
    pub offset: i32,
    /// The claimed location's UTC offsets, when recognised.
    pub zone: Option<(i32, i32)>,
}

/// One account's reading, `None` below `clock_min_posts` posts.
pub fn measure(ctx: &Context<'_>, params: &ScoreParams, a: AccountId) -> Option<Reading> {
    let posts = ctx.posts_of(a);
    if posts.len() < params.clock_min_posts.max(1) {
        return None;
    }
    let mut day = [0.0; 24];
    for &p in posts {
        let t = ctx.ds.posts.time[p as usize];
        day[t.div_euclid(3600).rem_euclid(24) as usize] += 1.0;
    }
    let (start, share) = sleep_trough(&day)?;
    let offset = trough_offset(start);
    let automated = posts
        .iter()
        .filter(|&&p| {
            let c = ctx.ds.posts.client[p as usize];
            !c.is_none() && super::client_concentration::is_automation(ctx.ds.str(c))
        })
        .count();
    let no_sleep = if 2 * automated >= posts.len() {
        0.0
    } else {
        ((share - NO_SLEEP_FROM) / NO_SLEEP_RAMP).clamp(0.0, 1.0)
    };
    let zone = persona_zone(ctx.ds.str(ctx.ds.accounts.location[a.idx()]));
    let wrong_zone = match zone {
        Some(z) if share <= DEEP_TROUGH => {
            let d = f64::from(distance_to_zone(offset, z));
            ((d - ZONE_SLACK_H) / ZONE_RAMP_H).clamp(0.0, 1.0)
        }
        _ => 0.0,
    };
    Some(Reading {
        strength: no_sleep.max(wrong_zone),
        trough_share: share,
        offset,
        zone,
    })
}

/// Computes the column.
pub fn compute(ctx: &Context<'_>, params: &ScoreParams) -> SignalColumn {
    let n = ctx.n_accounts();
    let mut col = SignalColumn::new(n, ctx.groups.len());
    for i in 0..n {
        if let Some(r) = measure(ctx, params, AccountId(i as u32)) {
            col.strength[i] = r.strength as f32;
            col.value[i] = r.trough_share as f32;
            col.aux[i] = r.offset as f32;
        }
    }
    col
}

fn utc(o: i32) -> String {
    if o >= 0 {
        format!("UTC+{o}")
    } else {
        format!("UTC{o}")
    }
}

/// Evidence sentence.
pub fn describe(ctx: &Context<'_>, params: &ScoreParams, a: AccountId) -> String {
    let Some(Reading {
        trough_share: share,
        offset,
        zone,
        ..
    }) = measure(ctx, params, a)
    else {
        return String::new();
    };
    let n = ctx.posts_of(a).len();
    let mut parts = Vec::new();
    if share > NO_SLEEP_FROM {
        parts.push(format!(
            "{:.0}% of its {n} posts fall in its quietest six hours (round-the-clock activity)",
            100.0 * share
        ));
    }
    if let Some(z) = zone
        && share <= DEEP_TROUGH
        && f64::from(distance_to_zone(offset, z)) > ZONE_SLACK_H
    {
        let loc = ctx.ds.str(ctx.ds.accounts.location[a.idx()]);
        parts.push(format!(
            "sleeps as if at {} while its profile says {loc} ({}..{})",
            utc(offset),
            utc(z.0),
            utc(z.1)
        ));
    }
    if parts.is_empty() {
        format!(
            "quietest six hours hold {:.0}% of its {n} posts, as if asleep at {}",
            100.0 * share,
            utc(offset)
        )
    } else {
        parts.join("; ")
    }
}

super::signal_def!(
    "No sleep, or sleeping in a time zone at odds with the claimed location.",
    2.5,
    compute(ctx, params) => compute(ctx, params),
    describe(ctx, params, a, _value, _aux) => describe(ctx, params, a),
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::{MONDAY, builder, finish, post};

    fn located(b: &mut lockstep_model::DatasetBuilder, id: &str, loc: &str) {
        let p = lockstep_model::Profile {
            screen_name: b.intern(id),
            location: b.intern(loc),
            ..Default::default()
        };
        b.set_profile(id, &p);
    }

    #[test]
    fn gazetteer_and_distances() {
        assert_eq!(persona_zone("Atlanta, GA"), Some((-10, -4)));
        assert_eq!(persona_zone("United States"), Some((-10, -4)));
        assert_eq!(persona_zone("香港 Hong Kong"), Some((8, 8)));
        assert_eq!(persona_zone("Gotham"), None);
        assert_eq!(persona_zone(""), None);
        assert_eq!(distance_to_zone(0, (-10, -4)), 4);
        assert_eq!(distance_to_zone(3, (-10, -4)), 7);
        assert_eq!(distance_to_zone(12, (-10, -4)), 2);
        assert_eq!(distance_to_zone(-6, (-10, -4)), 0);
        // Local 01:00 at UTC+8 is 17:00 UTC.
        assert_eq!(trough_offset(17), 8);
        assert_eq!(trough_offset(6), -5);
    }

    #[test]
    fn us_persona_sleeping_on_moscow_time_and_round_the_clock_fire_a_new_yorker_does_not() {
        let (mut b, src) = builder();
        located(&mut b, "ny", "New York, NY");
        located(&mut b, "troll", "United States");
        located(&mut b, "shift", "United States");
        let mut k = 0;
        for day in 0..20i64 {
            let d = MONDAY + day * 86_400;
            // New Yorker: awake 07:00-24:00 local (UTC-5) = 12:00-05:00 UTC.
            for h in [12, 15, 18, 21, 23, 1, 3] {
                k += 1;
                post(&mut b, src, &format!("p{k}"), "ny", d + h * 3600, "x");
            }
            // "US" troll on St Petersburg days: 07:00-22:00 UTC+3 = 04:00-19:00 UTC.
            for h in [5, 7, 9, 11, 13, 15, 18] {
                k += 1;
                post(&mut b, src, &format!("p{k}"), "troll", d + h * 3600, "x");
            }
            // Shift work: every three hours round the clock.
            for h in (0..24).step_by(3) {
                k += 1;
                post(&mut b, src, &format!("p{k}"), "shift", d + h * 3600, "x");
            }
        }
        let ds = finish(b);
        let groups = Groups::from_clusters(ds.accounts.len(), &[]);
        let ctx = Context::new(&ds, &groups);
        let params = ScoreParams::default();
        let col = compute(&ctx, &params);
        let id = |s: &str| {
            ds.account_by_external(s)
                .map(|a| a.idx())
                .unwrap_or(usize::MAX)
        };
        assert_eq!(col.strength[id("ny")], 0.0, "{:?}", col.value[id("ny")]);
        assert_eq!(col.strength[id("troll")], 1.0);
        assert_eq!(col.strength[id("shift")], 1.0);
        let troll = ds.account_by_external("troll").unwrap_or(AccountId(0));
        let text = describe(&ctx, &params, troll);
        assert!(
            text.contains("while its profile says United States"),
            "{text}"
        );
    }
}
