//! Account kinds, regions and profiles: who is in the world.

use serde::Serialize;

use crate::names::{self, HandleStyle};
use crate::rng::Rng;
use crate::time::{DAY, HOUR, parse_date, snowflake};

/// Ground-truth label of an account (labels.csv).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// An ordinary user, news outlet, brand or overt state-media account.
    Organic,
    /// A genuine protest activist (coordinates for real; a hard negative).
    Activist,
    /// A covert state operator.
    StateCore,
    /// A covert spam amplifier.
    SpamAmplifier,
}

impl Label {
    /// The label as written in labels.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Organic => "organic",
            Label::Activist => "activist",
            Label::StateCore => "state_core",
            Label::SpamAmplifier => "spam_amplifier",
        }
    }
}

/// What an account does in the world (finer than its label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Ordinary user.
    Ordinary,
    /// Popular ordinary user whose posts go viral.
    Influencer,
    /// Independent news outlet.
    Outlet,
    /// Overt state-controlled media outlet (organic label: it is not covert).
    StateMedia,
    /// Brand running giveaways.
    Brand,
    /// Protest activist.
    Activist,
    /// Protest movement leader.
    Leader,
    /// Covert state operator.
    Core,
    /// Covert spam amplifier.
    Amplifier,
}

impl Kind {
    /// The ground-truth label of this kind.
    pub fn label(self) -> Label {
        match self {
            Kind::Activist | Kind::Leader => Label::Activist,
            Kind::Core => Label::StateCore,
            Kind::Amplifier => Label::SpamAmplifier,
            _ => Label::Organic,
        }
    }
}

/// A region of the organic population: time zone (summer offset), languages, share.
#[derive(Debug, Clone, Copy)]
pub struct Region {
    /// Short code (also the key for residential IP ranges).
    pub code: &'static str,
    /// Share of ordinary users.
    pub weight: f64,
    /// UTC offset in minutes (summer time).
    pub offset_min: i64,
    /// Tweet language of most posts.
    pub tweet_lang: &'static str,
    /// Account language setting.
    pub account_lang: &'static str,
    /// Display name style (see [`names::display`]).
    pub display: u8,
}

/// The regions of ordinary users in an HK-centred sample of the platform.
pub const REGIONS: &[Region] = &[
    Region {
        code: "HK",
        weight: 0.20,
        offset_min: 480,
        tweet_lang: "zh",
        account_lang: "zh-tw",
        display: 2,
    },
    Region {
        code: "TW",
        weight: 0.05,
        offset_min: 480,
        tweet_lang: "zh",
        account_lang: "zh-tw",
        display: 2,
    },
    Region {
        code: "CN",
        weight: 0.03,
        offset_min: 480,
        tweet_lang: "zh",
        account_lang: "zh-cn",
        display: 1,
    },
    Region {
        code: "US-E",
        weight: 0.19,
        offset_min: -240,
        tweet_lang: "en",
        account_lang: "en",
        display: 0,
    },
    Region {
        code: "US-W",
        weight: 0.11,
        offset_min: -420,
        tweet_lang: "en",
        account_lang: "en",
        display: 0,
    },
    Region {
        code: "UK",
        weight: 0.08,
        offset_min: 60,
        tweet_lang: "en",
        account_lang: "en-gb",
        display: 0,
    },
    Region {
        code: "EU",
        weight: 0.07,
        offset_min: 120,
        tweet_lang: "de",
        account_lang: "de",
        display: 0,
    },
    Region {
        code: "JP",
        weight: 0.08,
        offset_min: 540,
        tweet_lang: "ja",
        account_lang: "ja",
        display: 0,
    },
    Region {
        code: "ID",
        weight: 0.04,
        offset_min: 420,
        tweet_lang: "in",
        account_lang: "id",
        display: 0,
    },
    Region {
        code: "IN",
        weight: 0.05,
        offset_min: 330,
        tweet_lang: "en",
        account_lang: "en",
        display: 0,
    },
    Region {
        code: "AU",
        weight: 0.03,
        offset_min: 600,
        tweet_lang: "en",
        account_lang: "en",
        display: 0,
    },
    Region {
        code: "BR",
        weight: 0.05,
        offset_min: -180,
        tweet_lang: "pt",
        account_lang: "pt",
        display: 0,
    },
    Region {
        code: "ES",
        weight: 0.02,
        offset_min: 120,
        tweet_lang: "es",
        account_lang: "es",
        display: 0,
    },
];

/// Index of the Hong Kong region in [`REGIONS`].
pub const HK: usize = 0;

/// One account and everything the generator needs to make its posts.
#[derive(Debug, Clone)]
pub struct Account {
    /// External user id (numeric string in users.csv).
    pub userid: u64,
    /// Handle without `@`.
    pub screen_name: String,
    /// Display name.
    pub display_name: String,
    /// Reported location.
    pub location: String,
    /// Profile description.
    pub description: String,
    /// Profile url.
    pub url: String,
    /// Follower count.
    pub followers: u32,
    /// Following count.
    pub following: u32,
    /// Creation time (Unix seconds).
    pub created: i64,
    /// Account language setting.
    pub account_lang: &'static str,
    /// Language of most of its posts.
    pub tweet_lang: &'static str,
    /// Index into [`REGIONS`] (where it lives and logs in from).
    pub region: usize,
    /// UTC offset of its daily rhythm, seconds.
    pub offset_s: i64,
    /// Personal shift of the daily rhythm in hours (night owls, early birds).
    pub shift_h: f64,
    /// What it does.
    pub kind: Kind,
    /// Amplifier cell, if any.
    pub cell: Option<u32>,
    /// Number of own (non-planned) posts it makes.
    pub budget: u32,
    /// Low 22 bits of all its tweet ids (a bijection of the account index: ids stay unique).
    pub low22: u64,
    /// Start of its activity in the observed window (Unix seconds).
    pub active_from: i64,
    /// Repurposed account: the span of its earlier off-topic history.
    pub history: Option<(i64, i64)>,
    /// Language of the earlier history.
    pub history_lang: &'static str,
    /// Participation probability in campaigns / cell actions.
    pub participation: f64,
    /// Main client (tweet_client_name).
    pub client: &'static str,
    /// Activist: the leaders (account indices) it follows.
    pub follows: Vec<u32>,
}

/// Organic clients with their shares.
pub const ORGANIC_CLIENTS: &[(&str, f64)] = &[
    ("Twitter for iPhone", 0.42),
    ("Twitter for Android", 0.33),
    ("Twitter Web App", 0.1),
    ("Twitter Web Client", 0.06),
    ("Twitter for iPad", 0.04),
    ("TweetDeck", 0.03),
    ("Twitter Lite", 0.02),
];

/// Picks from a (name, weight) table.
pub fn pick_weighted<'a>(r: &mut Rng, table: &'a [(&'a str, f64)]) -> &'a str {
    let w: Vec<f64> = table.iter().map(|x| x.1).collect();
    table[r.weighted(&w)].0
}

/// Maps a creation time to a plausible user id: sequential 32-bit ids before mid-2016
/// (piecewise linear through ids seen in the real users file), 64-bit snowflakes after.
pub fn userid_for(r: &mut Rng, created: i64) -> u64 {
    const KNOTS: &[(&str, f64)] = &[
        ("2006-07-01", 1.0e6),
        ("2008-05-16", 1.5e7),
        ("2009-09-27", 7.7769365e7),
        ("2010-02-15", 1.14444282e8),
        ("2011-06-27", 3.25103066e8),
        ("2013-01-06", 1.064610348e9),
        ("2014-05-27", 2.527996152e9),
        ("2015-01-08", 2.968192342e9),
        ("2015-11-09", 4.150070595e9),
        ("2016-02-14", 4.906853848e9),
        ("2016-05-01", 5.2e9),
    ];
    let pts: Vec<(i64, f64)> = KNOTS
        .iter()
        .filter_map(|(d, v)| parse_date(d).map(|t| (t, *v)))
        .collect();
    let last = pts.last().map(|p| p.0).unwrap_or(0);
    if created >= last {
        return snowflake(created * 1000 + r.range_i64(0, 999), r.u64());
    }
    let mut v = pts[0].1;
    for w in pts.windows(2) {
        if created >= w[0].0 && created < w[1].0 {
            let f = (created - w[0].0) as f64 / (w[1].0 - w[0].0) as f64;
            v = w[0].1 + f * (w[1].1 - w[0].1);
        }
    }
    (v + r.uniform(0.0, 2000.0)) as u64
}

/// A creation time between two dates, uniform.
pub fn created_between(r: &mut Rng, from: &str, to: &str) -> i64 {
    let a = parse_date(from).unwrap_or(0);
    let b = parse_date(to).unwrap_or(a + DAY);
    r.range_i64(a, b.max(a + 1))
}

/// Fills profile fields of an ordinary-looking account.
pub fn ordinary_profile(r: &mut Rng, a: &mut Account, style: HandleStyle) {
    let reg = REGIONS[a.region];
    a.screen_name = names::handle(r, style);
    a.display_name = if r.chance(0.2) {
        a.screen_name.clone()
    } else {
        names::display(r, reg.display)
    };
    a.location = if r.chance(0.55) {
        names::location(r, reg.code)
    } else {
        String::new()
    };
    a.description = if r.chance(0.65) {
        names::description(r, reg.account_lang)
    } else {
        String::new()
    };
}

/// A blank account of a kind, to be filled in by the world builder.
pub fn blank(kind: Kind, region: usize) -> Account {
    Account {
        userid: 0,
        screen_name: String::new(),
        display_name: String::new(),
        location: String::new(),
        description: String::new(),
        url: String::new(),
        followers: 0,
        following: 0,
        created: 0,
        account_lang: REGIONS[region].account_lang,
        tweet_lang: REGIONS[region].tweet_lang,
        region,
        offset_s: REGIONS[region].offset_min * 60,
        shift_h: 0.0,
        kind,
        cell: None,
        budget: 0,
        low22: 0,
        active_from: 0,
        history: None,
        history_lang: "en",
        participation: 0.0,
        client: "Twitter for iPhone",
        follows: Vec::new(),
    }
}

/// A creation time of an ordinary account: years of platform growth, weighted to 2009-2016.
pub fn ordinary_created(r: &mut Rng) -> i64 {
    let years = [
        (2007, 0.01),
        (2008, 0.03),
        (2009, 0.10),
        (2010, 0.10),
        (2011, 0.11),
        (2012, 0.11),
        (2013, 0.10),
        (2014, 0.10),
        (2015, 0.09),
        (2016, 0.09),
        (2017, 0.07),
        (2018, 0.06),
        (2019, 0.03),
    ];
    let w: Vec<f64> = years.iter().map(|x| x.1).collect();
    let y = years[r.weighted(&w)].0;
    let a = parse_date(&format!("{y}-01-01")).unwrap_or(0);
    let b = if y == 2019 {
        parse_date("2019-05-31").unwrap_or(a)
    } else {
        a + 365 * DAY
    };
    r.range_i64(a, b) + r.range_i64(0, 23) * HOUR
}
