//! Planning the world: accounts, the shared things many accounts act on (viral posts, articles,
//! trends, giveaways, leaders' posts, campaigns, co-replies, amplifier cells) and their timing.
//!
//! Everything other accounts refer to is planned here with its final tweet id; the rest of each
//! account's posts are made independently per account in [`crate::emit`].

use std::collections::HashSet;

use crate::accounts::{self, Account, Kind, REGIONS};
use crate::config::SimConfig;
use crate::content;
use crate::names::{self, HandleStyle};
use crate::rng::{Rng, cdf};
use crate::time::{DAY, HOUR, local_hour, parse_date, snowflake, weekday};

/// Stream tags (one per part of the world).
pub mod tag {
    /// Account creation.
    pub const ACCOUNTS: u64 = 1;
    /// Planned posts.
    pub const PLAN: u64 = 2;
    /// Per-account emission.
    pub const EMIT: u64 = 3;
    /// Cell burst offsets.
    pub const BURST: u64 = 4;
    /// Logins.
    pub const LOGINS: u64 = 5;
    /// Pages and ads.
    pub const EXTRAS: u64 = 6;
    /// Re-registration scenario.
    pub const REREGISTER: u64 = 7;
}

/// Relative activity by local hour for people (low at night, evening peak).
pub const HUMAN_DIURNAL: [f64; 24] = [
    0.55, 0.35, 0.2, 0.12, 0.08, 0.1, 0.25, 0.5, 0.7, 0.8, 0.85, 0.9, 1.0, 0.95, 0.85, 0.85, 0.9,
    0.95, 1.0, 1.1, 1.25, 1.35, 1.2, 0.85,
];

/// Relative activity by local hour for the core's office: 09-12 and 14-18 with a lunch dip.
pub const OFFICE: [f64; 24] = [
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.15, 1.0, 1.0, 1.0, 0.2, 0.35, 1.0, 1.0, 1.0, 0.9,
    0.2, 0.0, 0.0, 0.0, 0.0, 0.0,
];

/// What a planned post is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlannedKind {
    /// An original post.
    Original,
    /// A reply to another planned post.
    Reply,
}

/// A post other accounts refer to, with its final id.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Tweet id (snowflake with the exact millisecond).
    pub id: u64,
    /// Unix milliseconds.
    pub ms: i64,
    /// Author account index.
    pub author: u32,
    /// Original or reply.
    pub kind: PlannedKind,
    /// Text without t.co links.
    pub text: String,
    /// tweet_language.
    pub lang: &'static str,
    /// Expanded urls (each gets a t.co link in the text).
    pub urls: Vec<String>,
    /// Reply target (planned post index).
    pub reply_to: Option<u32>,
    /// Campaign this post belongs to (core), if any.
    pub campaign: Option<u32>,
    /// Popularity weight for organic retweets.
    pub pop: f64,
    /// Article (outlet / state media post): its title, shared by share buttons.
    pub title: Option<String>,
}

/// A trending hashtag.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Trend {
    /// The tag with `#`.
    pub tag: String,
    /// Peak time (Unix seconds).
    pub peak: i64,
    /// Width (standard deviation, seconds).
    pub width: i64,
    /// Relative amplitude.
    pub amp: f64,
}

/// A giveaway copy-paste campaign.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Giveaway {
    /// Brand account index.
    pub brand: u32,
    /// The identical entry text.
    pub text: String,
    /// Window start (Unix seconds).
    pub start: i64,
    /// Window end.
    pub end: i64,
}

/// A copy-paste campaign of the core.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Campaign {
    /// Base text every participant edited.
    pub base: String,
    /// Window start (Unix seconds).
    pub start: i64,
    /// Window length (seconds).
    pub duration: i64,
    /// Reply campaign: the activist post replied to (tweet id).
    pub reply_to_tweetid: Option<u64>,
    /// Participating account indices.
    pub members: Vec<u32>,
}

/// Burst or drip cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellMode {
    /// All members' retweets of a source fall within `burst_spread_s` of the burst start.
    Burst,
    /// Members' retweets are spread over `drip_spread_s`.
    Drip,
}

/// An amplifier cell.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Burst or drip.
    pub mode: CellMode,
    /// Member account indices.
    pub members: Vec<u32>,
    /// Patron accounts (core or state media) whose posts it amplifies.
    pub patrons: Vec<u32>,
    /// Source posts (planned index) and the burst start offset in ms.
    pub sources: Vec<(u32, i64)>,
}

/// The planned world.
pub struct World {
    /// Parameters.
    pub cfg: SimConfig,
    /// Window start (Unix seconds).
    pub start: i64,
    /// Window end (exclusive).
    pub end: i64,
    /// Protest day starts (00:00 HKT, Unix seconds).
    pub protest: Vec<i64>,
    /// All accounts in output order.
    pub accounts: Vec<Account>,
    /// Planned posts, sorted by (author, ms).
    pub planned: Vec<Planned>,
    /// Range of `planned` per account.
    pub planned_of: Vec<(u32, u32)>,
    /// Organic retweet pool (planned indices) and cumulative popularity.
    pub viral: Vec<u32>,
    /// Cumulative popularity over `viral`.
    pub viral_cdf: Vec<f64>,
    /// Articles (planned indices) and cumulative popularity.
    pub articles: Vec<u32>,
    /// Cumulative popularity over `articles`.
    pub articles_cdf: Vec<f64>,
    /// Core campaign posts (planned indices), for core retweets.
    pub core_posts: Vec<u32>,
    /// State media posts (planned indices).
    pub state_posts: Vec<u32>,
    /// Leaders' posts (planned indices), for activist replies.
    pub leader_posts: Vec<u32>,
    /// Trending hashtags.
    pub trends: Vec<Trend>,
    /// Per hour of the window: (trend index, cumulative weight).
    pub trend_hours: Vec<Vec<(u32, f64)>>,
    /// Giveaways.
    pub giveaways: Vec<Giveaway>,
    /// Core campaigns.
    pub campaigns: Vec<Campaign>,
    /// Amplifier cells.
    pub cells: Vec<Cell>,
    /// Day weights (cumulative) for ordinary users and activists.
    pub day_cdf_organic: Vec<f64>,
    /// Day weights (cumulative) for activists.
    pub day_cdf_activist: Vec<f64>,
    /// Day weights (cumulative) for the core (weekdays, after protest days).
    pub day_cdf_core: Vec<f64>,
    /// Re-registration scenario: suspended accounts and the new accounts that replace them.
    pub reregistered: Vec<crate::reregister::Reregistered>,
}

impl World {
    /// Is `ts` on a protest day (HKT)?
    pub fn protest_day_index(&self, ts: i64) -> Option<usize> {
        let day = (ts + 8 * HOUR).div_euclid(DAY) * DAY - 8 * HOUR;
        self.protest.iter().position(|&p| p == day)
    }

    /// A human post time for `a`: a day from `day_cdf`, a local hour from the diurnal curve.
    pub fn human_time(&self, r: &mut Rng, a: &Account, day_cdf: &[f64]) -> i64 {
        let hour_cdf = hour_cdf(&HUMAN_DIURNAL);
        let mut t = a.active_from;
        for _ in 0..8 {
            let d = r.from_cdf(day_cdf) as i64;
            let h = r.from_cdf(&hour_cdf) as f64 + r.f64() + a.shift_h;
            t = self.start + d * DAY + (h * HOUR as f64) as i64 - a.offset_s;
            if t >= a.active_from && t < self.end {
                return t;
            }
        }
        t.clamp(a.active_from, self.end - 1)
    }

    /// An office-hours post time in the core's time zone (weekdays, lunch dip), with some
    /// off-hours noise.
    pub fn office_time(&self, r: &mut Rng, a: &Account) -> i64 {
        let off = self.cfg.core_utc_offset_h as i64 * HOUR;
        let hour_cdf = hour_cdf(&OFFICE);
        let mut t = a.active_from;
        for _ in 0..8 {
            let d = r.from_cdf(&self.day_cdf_core) as i64;
            let h = if r.chance(self.cfg.core_offhours_share) {
                r.uniform(0.0, 24.0)
            } else {
                r.from_cdf(&hour_cdf) as f64 + r.f64()
            };
            t = self.start + d * DAY + (h * HOUR as f64) as i64 - off;
            if t >= a.active_from && t < self.end {
                return t;
            }
        }
        t.clamp(a.active_from, self.end - 1)
    }

    /// Accepts `ts` with probability given by `a`'s diurnal curve (people retweet when awake).
    pub fn awake(&self, r: &mut Rng, a: &Account, ts: i64) -> bool {
        let h = (local_hour(ts, a.offset_s) - a.shift_h).rem_euclid(24.0) as usize % 24;
        r.f64() * 1.35 < HUMAN_DIURNAL[h]
    }

    /// Is `ts` in the core's office hours on a weekday?
    pub fn in_office(&self, ts: i64) -> bool {
        let off = self.cfg.core_utc_offset_h as i64 * HOUR;
        let h = local_hour(ts, off) as usize;
        weekday(ts, off) < 5 && OFFICE[h] >= 0.9
    }

    /// A trending hashtag active at `ts`, if any.
    pub fn trend_at(&self, r: &mut Rng, ts: i64) -> Option<&str> {
        let h = (ts - self.start).div_euclid(HOUR);
        let row = self.trend_hours.get(usize::try_from(h).ok()?)?;
        let total = row.last()?.1;
        let x = r.f64() * total;
        let i = row.partition_point(|c| c.1 <= x).min(row.len() - 1);
        Some(&self.trends[row[i].0 as usize].tag)
    }

    /// The planned posts of account `i`.
    pub fn planned_of(&self, i: usize) -> &[Planned] {
        // Accounts added after planning (re-registered replacements) have no planned posts.
        let Some(&(a, b)) = self.planned_of.get(i) else {
            return &[];
        };
        &self.planned[a as usize..b as usize]
    }
}

/// Cumulative table over 24 hourly weights.
pub fn hour_cdf(w: &[f64; 24]) -> [f64; 24] {
    let mut out = [0.0; 24];
    let mut acc = 0.0;
    for (o, x) in out.iter_mut().zip(w) {
        acc += x;
        *o = acc;
    }
    out
}

/// Numbers of accounts per kind.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Counts {
    /// Overt state media.
    pub state_media: u32,
    /// Independent outlets.
    pub outlets: u32,
    /// Brands.
    pub brands: u32,
    /// Core.
    pub core: u32,
    /// Amplifiers.
    pub amplifiers: u32,
    /// Activists including leaders.
    pub activists: u32,
    /// Leaders.
    pub leaders: u32,
    /// Ordinary users including influencers.
    pub ordinary: u32,
}

/// How many accounts of each kind a configuration makes.
pub fn counts(cfg: &SimConfig) -> Counts {
    let n = cfg.accounts as f64;
    let op = cfg.core_share > 0.0;
    let state_media = if op || cfg.preset != "null" { 5 } else { 0 };
    let outlets = 12u32;
    let brands = (cfg.accounts / 4000).clamp(2, 40);
    let core = if cfg.core_share > 0.0 {
        ((n * cfg.core_share).round() as u32).max(5)
    } else {
        0
    };
    let amplifiers = if cfg.amplifier_share > 0.0 {
        ((n * cfg.amplifier_share).round() as u32).max(cfg.cell_min * 2)
    } else {
        0
    };
    let activists = if cfg.activist_share > 0.0 {
        ((n * cfg.activist_share).round() as u32).max(10)
    } else {
        0
    };
    let leaders = if activists > 0 {
        ((activists as f64 * cfg.leader_share).round() as u32).clamp(3, activists / 2)
    } else {
        0
    };
    let fixed = state_media + outlets + brands + core + amplifiers + activists;
    Counts {
        state_media,
        outlets,
        brands,
        core,
        amplifiers,
        activists,
        leaders,
        ordinary: cfg.accounts.saturating_sub(fixed),
    }
}

const STATE_MEDIA: &[(&str, &str, &str, &str)] = &[
    ("CGTNOfficial", "CGTN", "https://www.cgtn.com", "zh-cn"),
    (
        "ChinaDaily",
        "China Daily",
        "https://www.chinadaily.com.cn",
        "en",
    ),
    (
        "globaltimesnews",
        "Global Times",
        "https://www.globaltimes.cn",
        "en",
    ),
    (
        "XHNews",
        "China Xinhua News",
        "http://www.xinhuanet.com",
        "en",
    ),
    (
        "PDChina",
        "People's Daily, China",
        "http://en.people.cn",
        "en",
    ),
];

const OUTLETS: &[(&str, &str, &str)] = &[
    (
        "HongKongFP",
        "Hong Kong Free Press HKFP",
        "https://hongkongfp.com",
    ),
    (
        "SCMPNews",
        "South China Morning Post",
        "https://www.scmp.com",
    ),
    ("rthk_enews", "RTHK English News", "https://news.rthk.hk"),
    ("Reuters", "Reuters", "https://www.reuters.com"),
    ("BBCWorld", "BBC News (World)", "https://www.bbc.com"),
    ("AFP", "AFP News Agency", "https://www.afp.com"),
    (
        "appledaily_hk",
        "蘋果日報 Apple Daily",
        "https://hk.appledaily.com",
    ),
    (
        "standnewshk",
        "立場新聞 Stand News",
        "https://www.thestandnews.com",
    ),
    ("nytimes", "The New York Times", "https://www.nytimes.com"),
    ("guardian", "The Guardian", "https://www.theguardian.com"),
    ("CNN", "CNN", "https://edition.cnn.com"),
    (
        "TheStandardHK",
        "The Standard",
        "https://www.thestandard.com.hk",
    ),
];

const BRANDS: &[&str] = &[
    "GadgetDealsHQ",
    "SnackWorld",
    "GameZoneAsia",
    "BeautyBoxHK",
    "TravelDealsNow",
    "SneakerVault",
    "TechGiveaways",
    "CoffeeClubAsia",
    "StreamPlusTV",
    "FitLifeGear",
];

const TREND_TAGS: &[&str] = &[
    "#MondayMotivation",
    "#ThrowbackThursday",
    "#FridayFeeling",
    "#WWDC19",
    "#WomensWorldCup",
    "#NBAFinals",
    "#Wimbledon",
    "#LionKing",
    "#Area51",
    "#GameOfThrones",
    "#BTS",
    "#TeenChoice",
    "#Brexit",
    "#TradeWar",
    "#Trump",
    "#ClimateStrike",
    "#Apollo50",
    "#StrangerThings3",
    "#Avengers",
    "#HongKong",
    "#香港",
    "#HongKongProtests",
    "#台風",
    "#七夕",
    "#PremierLeague",
    "#TourDeFrance",
    "#Amazon",
    "#PrimeDay",
    "#EndGame",
    "#BlackPink",
    "#Gamescom",
    "#EXO",
];

/// Builds the whole plan of the world.
pub fn build(cfg: &SimConfig) -> World {
    let start = parse_date(&cfg.start_date).unwrap_or(0);
    let end = start + cfg.days as i64 * DAY;
    let protest: Vec<i64> = cfg
        .protest_days
        .iter()
        .filter_map(|d| parse_date(d))
        .map(|t| t - 8 * HOUR)
        .collect();
    let mut r = Rng::stream(cfg.seed, tag::ACCOUNTS, 0);
    let c = counts(cfg);

    // Day weights.
    let is_protest = |d: i64| -> f64 {
        let t = start + d * DAY;
        if protest.iter().any(|&p| (p - t).abs() < DAY) {
            1.0
        } else if protest.iter().any(|&p| t - p >= 0 && t - p < 2 * DAY) {
            0.4
        } else {
            0.0
        }
    };
    let ndays = cfg.days as i64;
    let day_cdf_organic =
        cdf((0..ndays).map(|d| 1.0 + 0.15 * d as f64 / ndays as f64 + 0.5 * is_protest(d)));
    let day_cdf_activist =
        cdf((0..ndays).map(|d| 0.6 + 0.6 * d as f64 / ndays as f64 + 2.5 * is_protest(d)));
    let day_cdf_core = cdf((0..ndays).map(|d| {
        let wd = weekday(
            start + d * DAY + 12 * HOUR,
            cfg.core_utc_offset_h as i64 * HOUR,
        );
        let base = if wd < 5 { 1.0 } else { 0.06 };
        base * (1.0 + 1.5 * is_protest(d))
    }));

    // --- Accounts -------------------------------------------------------------------------
    let mut accts: Vec<Account> = Vec::with_capacity(cfg.accounts as usize);
    let region_w: Vec<f64> = REGIONS.iter().map(|x| x.weight).collect();
    let post_budget = cfg.posts as f64;

    for (i, (handle, name, site, lang)) in
        STATE_MEDIA.iter().enumerate().take(c.state_media as usize)
    {
        let mut a = accounts::blank(Kind::StateMedia, 2);
        a.screen_name = handle.to_string();
        a.display_name = name.to_string();
        a.location = if i == 0 {
            "Beijing, China".into()
        } else {
            "Beijing".into()
        };
        a.description = format!("{name}: news and views from China.");
        a.url = site.to_string();
        a.followers = r.lognormal(4.0e6, 0.8) as u32;
        a.following = r.range_i64(30, 800) as u32;
        a.created = accounts::created_between(&mut r, "2009-01-01", "2013-01-01");
        a.account_lang = lang;
        a.tweet_lang = "en";
        a.client = "SocialFlow";
        accts.push(a);
    }
    for (handle, name, site) in OUTLETS.iter().take(c.outlets as usize) {
        let region = if site.contains("hk") || site.contains("scmp") || site.contains("hongkongfp")
        {
            0
        } else {
            3
        };
        let mut a = accounts::blank(Kind::Outlet, region);
        a.screen_name = handle.to_string();
        a.display_name = name.to_string();
        a.location = names::location(&mut r, REGIONS[region].code);
        a.description = format!("News from {name}.");
        a.url = site.to_string();
        a.followers = r.lognormal(8.0e5, 1.2) as u32;
        a.following = r.range_i64(50, 2000) as u32;
        a.created = accounts::created_between(&mut r, "2007-06-01", "2015-06-01");
        a.tweet_lang = if name.contains('日') || name.contains('立') {
            "zh"
        } else {
            "en"
        };
        a.client = *r.pick(&[
            "SocialFlow",
            "TweetDeck",
            "Hootsuite Inc.",
            "Twitter Web Client",
        ]);
        accts.push(a);
    }
    for b in 0..c.brands as usize {
        let mut a = accounts::blank(Kind::Brand, 3);
        a.screen_name = format!(
            "{}{}",
            BRANDS[b % BRANDS.len()],
            if b >= BRANDS.len() {
                (b / BRANDS.len()).to_string()
            } else {
                String::new()
            }
        );
        a.display_name = a.screen_name.clone();
        a.description = "Deals, giveaways and more. #giveaway".into();
        a.followers = r.lognormal(5.0e4, 1.0) as u32;
        a.following = r.range_i64(100, 5000) as u32;
        a.created = accounts::created_between(&mut r, "2010-01-01", "2018-01-01");
        a.client = "Hootsuite Inc.";
        accts.push(a);
    }

    // Core.
    let batch_days = [
        "2017-08-18",
        "2017-08-30",
        "2017-10-08",
        "2017-10-13",
        "2017-10-28",
        "2017-11-02",
        "2017-11-10",
        "2016-06-27",
    ];
    let reactivation_from = start - 45 * DAY;
    for _ in 0..c.core {
        let mut a = accounts::blank(Kind::Core, 2);
        a.offset_s = cfg.core_utc_offset_h as i64 * HOUR;
        let u = r.f64();
        let zh_display = r.chance(0.6);
        if u < cfg.core_repurposed_share {
            // Bought or repurposed: old, a normal persona, earlier off-topic history, many followers.
            let region = *r.pick(&[3usize, 3, 4, 5, 6, 11, 12]);
            a.region = region;
            ordinary_like(&mut r, &mut a, HandleStyle::Ordinary);
            a.location = if r.chance(0.6) {
                names::location(&mut r, REGIONS[region].code)
            } else {
                String::new()
            };
            a.created = accounts::created_between(&mut r, "2009-01-01", "2016-06-01");
            a.account_lang = *r.pick(&["zh-cn", "zh-cn", "en", "en", "ru", "es"]);
            a.history_lang = match a.account_lang {
                "ru" => "ru",
                "es" => "es",
                _ => *r.pick(&["en", "en", "id", "es"]),
            };
            let h_start = (a.created + r.range_i64(10, 200) * DAY)
                .max(parse_date("2011-03-01").unwrap_or(0) + r.range_i64(0, 300) * DAY);
            let h_end = (h_start + r.range_i64(120, 900) * DAY)
                .min(parse_date("2018-12-31").unwrap_or(start));
            a.history = Some((h_start, h_end.max(h_start + DAY)));
            a.followers = if r.chance(0.7) {
                r.lognormal(15_000.0, 0.8) as u32
            } else {
                r.geometric(30.0) as u32
            };
            a.following = r.lognormal(150.0, 1.5) as u32;
            a.active_from = r.range_i64(reactivation_from, start + 20 * DAY);
            if zh_display {
                a.display_name = names::display(&mut r, 1);
            }
        } else {
            let created = if u < cfg.core_repurposed_share + cfg.core_batch_2017_share {
                let d = parse_date(*r.pick(&batch_days)).unwrap_or(start);
                d + (r.lognormal(3.0, 1.0) * HOUR as f64) as i64 % DAY
            } else if r.chance(0.6) {
                accounts::created_between(&mut r, "2018-01-01", "2019-05-20")
            } else {
                // Created during the protests: some operators joined late.
                r.range_i64(start, start + (cfg.days as i64 * DAY) / 2)
            };
            a.created = created;
            let style = match r.below(10) {
                0..=3 => HandleStyle::Random15,
                4..=6 => HandleStyle::RussianDigits,
                7..=8 => HandleStyle::DefaultDigits,
                _ => HandleStyle::Ordinary,
            };
            a.screen_name = names::handle(&mut r, style);
            a.display_name = if zh_display {
                names::display(&mut r, 1)
            } else if r.chance(0.6) {
                names::display(&mut r, 0)
            } else {
                names::display(&mut r, 3)
            };
            a.account_lang = *r.pick(&[
                "zh-cn", "zh-cn", "zh-cn", "zh-cn", "zh-cn", "en", "zh-CN", "zh-tw",
            ]);
            a.followers = r.geometric(4.0) as u32;
            a.following = r.geometric(20.0) as u32;
            if r.chance(0.12) {
                let reg = *r.pick(&["CN", "US-W", "US-E"]);
                a.location = names::location(&mut r, reg);
            }
            if r.chance(0.15) {
                a.description = names::description(&mut r, "zh-cn");
            }
            a.active_from = a.created.max(start) + r.range_i64(0, 10) * DAY;
        }
        a.tweet_lang = "zh";
        a.participation = r.uniform(cfg.core_participation_min, cfg.core_participation_max);
        a.client = *r.pick(&[
            "Twitter Web Client",
            "Twitter Web Client",
            "Twitter Web Client",
            "Twitter for Android",
            "Twitter for iPhone",
        ]);
        a.shift_h = 0.0;
        accts.push(a);
    }

    // Amplifiers, created in registration batches that mostly become cells.
    let mut amp_made = 0u32;
    let mut batches: Vec<Vec<usize>> = Vec::new();
    while amp_made < c.amplifiers {
        let size = (r.range_i64(cfg.cell_min as i64, cfg.cell_max as i64) as u32)
            .min(c.amplifiers - amp_made);
        let size = if c.amplifiers - amp_made - size < cfg.cell_min {
            c.amplifiers - amp_made
        } else {
            size
        };
        let batch_day = if r.chance(0.7) {
            r.range_i64(start - 40 * DAY, start + (cfg.days as i64 * DAY) * 2 / 3) / DAY * DAY
        } else {
            accounts::created_between(&mut r, "2018-03-01", "2019-04-01") / DAY * DAY
        };
        let batch_hour = r.range_i64(0, 23) * HOUR;
        let style = match r.below(20) {
            0..=11 => HandleStyle::DefaultDigits,
            12..=14 => HandleStyle::RussianDigits,
            15..=18 => HandleStyle::Random15,
            _ => HandleStyle::Ordinary,
        };
        let disp = r.below(4) as u8;
        let mut members = Vec::new();
        for _ in 0..size {
            let mut a = accounts::blank(Kind::Amplifier, 2);
            a.offset_s = cfg.core_utc_offset_h as i64 * HOUR;
            a.created = batch_day + batch_hour + r.exp(2.0 * HOUR as f64) as i64;
            let st = if r.chance(0.85) {
                style
            } else {
                HandleStyle::DefaultDigits
            };
            a.screen_name = names::handle(&mut r, st);
            let dk = if r.chance(0.8) {
                disp
            } else {
                r.below(4) as u8
            };
            a.display_name = if r.chance(0.3) {
                a.screen_name.clone()
            } else {
                names::display(&mut r, dk)
            };
            a.followers = r.geometric(1.5) as u32;
            let fm = if r.chance(0.5) { 3.0 } else { 60.0 };
            a.following = r.geometric(fm) as u32;
            a.account_lang = *r.pick(&["en", "en", "zh-cn", "zh-cn", "zh-cn", "ru"]);
            a.tweet_lang = "zh";
            a.participation = r.uniform(cfg.participation_min, cfg.participation_max);
            a.client = *r.pick(&[
                "Twitter for Android",
                "Twitter for Android",
                "Twitter Web Client",
                "Twitter for iPhone",
                "Twitter Lite",
            ]);
            a.active_from = a.created.max(start) + r.range_i64(0, 3) * DAY;
            members.push(accts.len());
            accts.push(a);
        }
        amp_made += size;
        batches.push(members);
    }

    // Activists (leaders first).
    let act_from = accts.len();
    for k in 0..c.activists {
        let leader = k < c.leaders;
        let mut a = accounts::blank(if leader { Kind::Leader } else { Kind::Activist }, 0);
        let st = if r.chance(0.1) {
            HandleStyle::DefaultDigits
        } else {
            HandleStyle::Ordinary
        };
        ordinary_like(&mut r, &mut a, st);
        if r.chance(0.5) {
            a.location = names::location(&mut r, "HK");
        }
        a.account_lang = *r.pick(&["zh-tw", "zh-tw", "en", "en", "zh-hk", "zh-cn"]);
        a.tweet_lang = if r.chance(0.55) { "zh" } else { "en" };
        a.shift_h = r.normal() * 1.2 + 0.8; // late nights on the streets
        if !leader && r.chance(cfg.activist_new_share) {
            // Joined for the protests: creation clusters on protest days (a genuine burst).
            let p = protest
                .get(r.below(protest.len().max(1)))
                .copied()
                .unwrap_or(start);
            a.created = (p + r.exp(1.5 * DAY as f64) as i64).clamp(start, end - DAY);
            a.followers = r.lognormal(40.0, 1.2) as u32;
        } else {
            a.created = accounts::ordinary_created(&mut r);
            a.followers = r.lognormal(300.0, 1.5) as u32;
        }
        if leader {
            a.followers = r.lognormal(60_000.0, 1.2) as u32;
            a.description = r
                .pick(&[
                    "Activist. Hong Kong. 香港人",
                    "Student leader | 學生",
                    "Legislator. Democracy for Hong Kong.",
                    "Journalist on the ground in HK",
                ])
                .to_string();
        }
        a.following = r.lognormal(250.0, 1.0) as u32;
        a.active_from = a.created.max(start);
        a.participation = r.uniform(0.15, 0.6);
        a.client = accounts::pick_weighted(&mut r, accounts::ORGANIC_CLIENTS);
        accts.push(a);
    }
    let leaders: Vec<u32> = (act_from..act_from + c.leaders as usize)
        .map(|x| x as u32)
        .collect();

    // Ordinary users.
    let ord_from = accts.len();
    for _ in 0..c.ordinary {
        let region = r.weighted(&region_w);
        let mut a = accounts::blank(Kind::Ordinary, region);
        let style = if r.chance(cfg.organic_default_handle_share) {
            HandleStyle::DefaultDigits
        } else {
            HandleStyle::Ordinary
        };
        ordinary_like(&mut r, &mut a, style);
        a.created = if r.chance(cfg.organic_new_share) {
            r.range_i64(start - 60 * DAY, end - 7 * DAY)
        } else {
            accounts::ordinary_created(&mut r)
        };
        a.followers = r.lognormal(150.0, 1.8).min(5.0e7) as u32;
        a.following = r.lognormal(220.0, 1.1) as u32;
        a.shift_h = r.normal() * 1.5;
        a.active_from = a.created.max(start);
        a.client = accounts::pick_weighted(&mut r, accounts::ORGANIC_CLIENTS);
        a.participation = r.f64();
        accts.push(a);
    }
    // Influencers: the most followed 1% of ordinary users.
    let mut ord_idx: Vec<usize> = (ord_from..accts.len()).collect();
    ord_idx.sort_by(|&x, &y| accts[y].followers.cmp(&accts[x].followers).then(x.cmp(&y)));
    for &i in ord_idx
        .iter()
        .take((c.ordinary as usize / 100).max(3).min(ord_idx.len()))
    {
        accts[i].kind = Kind::Influencer;
        accts[i].followers = accts[i].followers.max(20_000);
    }

    // Activists follow leaders.
    for a in accts.iter_mut().filter(|a| a.kind == Kind::Activist) {
        let k = (3 + r.below(6)).min(leaders.len());
        let mut f: Vec<u32> = Vec::new();
        while f.len() < k {
            let l = *r.pick(&leaders);
            if !f.contains(&l) {
                f.push(l);
            }
        }
        a.follows = f;
    }

    // --- Shuffle into output order, then ids ---------------------------------------------
    let mut order: Vec<usize> = (0..accts.len()).collect();
    r.shuffle(&mut order);
    let mut newpos = vec![0u32; accts.len()];
    for (pos, &old) in order.iter().enumerate() {
        newpos[old] = pos as u32;
    }
    let mut slots: Vec<Option<Account>> = accts.into_iter().map(Some).collect();
    let mut accts: Vec<Account> = order
        .iter()
        .map(|&o| {
            slots[o]
                .take()
                .unwrap_or_else(|| accounts::blank(Kind::Ordinary, 0))
        })
        .collect();
    for a in accts.iter_mut() {
        for f in a.follows.iter_mut() {
            *f = newpos[*f as usize];
        }
    }
    let batches: Vec<Vec<u32>> = batches
        .iter()
        .map(|b| b.iter().map(|&i| newpos[i]).collect())
        .collect();
    let mask = Rng::stream(cfg.seed, tag::ACCOUNTS, 1).u64() & 0x3F_FFFF;
    let mut seen = HashSet::with_capacity(accts.len());
    for (i, a) in accts.iter_mut().enumerate() {
        a.low22 = ((i as u64).wrapping_mul(0x2545F5) ^ mask) & 0x3F_FFFF;
        let mut id = accounts::userid_for(&mut r, a.created);
        while !seen.insert(id) {
            id += 1;
        }
        a.userid = id;
    }

    // --- Post budgets ----------------------------------------------------------------------
    let group_budget = |share: f64| share * post_budget;
    let organic_share = 1.0
        - cfg.activist_post_share
        - cfg.core_post_share
        - cfg.amplifier_post_share
        - cfg.media_post_share;
    let assign = |kinds: &[Kind], budget: f64, sigma: f64, r: &mut Rng, accts: &mut [Account]| {
        let idx: Vec<usize> = (0..accts.len())
            .filter(|&i| kinds.contains(&accts[i].kind))
            .collect();
        let w: Vec<f64> = idx
            .iter()
            .map(|&i| {
                let boost = match accts[i].kind {
                    Kind::Influencer => 4.0,
                    Kind::Leader => 3.0,
                    _ => 1.0,
                };
                r.lognormal(1.0, sigma) * boost
            })
            .collect();
        let total: f64 = w.iter().sum::<f64>().max(1e-9);
        for (k, &i) in idx.iter().enumerate() {
            let x = budget * w[k] / total;
            let n = x.floor() as u32 + u32::from(r.chance(x.fract()));
            accts[i].budget = n.max(1);
        }
    };
    assign(
        &[Kind::Ordinary, Kind::Influencer, Kind::Brand],
        group_budget(organic_share),
        1.5,
        &mut r,
        &mut accts,
    );
    assign(
        &[Kind::Activist, Kind::Leader],
        group_budget(cfg.activist_post_share),
        1.0,
        &mut r,
        &mut accts,
    );
    assign(
        &[Kind::Core],
        group_budget(cfg.core_post_share) * 0.55,
        0.6,
        &mut r,
        &mut accts,
    );
    assign(
        &[Kind::StateMedia, Kind::Outlet],
        group_budget(cfg.media_post_share),
        0.4,
        &mut r,
        &mut accts,
    );

    plan(
        cfg,
        start,
        end,
        protest,
        accts,
        batches,
        day_cdf_organic,
        day_cdf_activist,
        day_cdf_core,
    )
}

/// Fills the profile of an ordinary-looking account in its region.
fn ordinary_like(r: &mut Rng, a: &mut Account, style: HandleStyle) {
    accounts::ordinary_profile(r, a, style);
}

#[allow(clippy::too_many_arguments)]
fn plan(
    cfg: &SimConfig,
    start: i64,
    end: i64,
    protest: Vec<i64>,
    mut accts: Vec<Account>,
    batches: Vec<Vec<u32>>,
    day_cdf_organic: Vec<f64>,
    day_cdf_activist: Vec<f64>,
    day_cdf_core: Vec<f64>,
) -> World {
    let mut r = Rng::stream(cfg.seed, tag::PLAN, 0);
    let mut w = World {
        cfg: cfg.clone(),
        start,
        end,
        protest,
        accounts: Vec::new(),
        planned: Vec::new(),
        planned_of: Vec::new(),
        viral: Vec::new(),
        viral_cdf: Vec::new(),
        articles: Vec::new(),
        articles_cdf: Vec::new(),
        core_posts: Vec::new(),
        state_posts: Vec::new(),
        leader_posts: Vec::new(),
        trends: Vec::new(),
        trend_hours: Vec::new(),
        giveaways: Vec::new(),
        campaigns: Vec::new(),
        cells: Vec::new(),
        day_cdf_organic,
        day_cdf_activist,
        day_cdf_core,
        reregistered: Vec::new(),
    };
    let mut used: HashSet<(u32, i64)> = HashSet::new();
    let mut planned: Vec<Planned> = Vec::new();
    let new_post = |author: u32,
                    ts: i64,
                    r: &mut Rng,
                    used: &mut HashSet<(u32, i64)>,
                    accts: &[Account]|
     -> (u64, i64) {
        let mut ms = ts * 1000 + r.range_i64(0, 999);
        while !used.insert((author, ms)) {
            ms += 1;
        }
        (snowflake(ms, accts[author as usize].low22), ms)
    };

    // Trending hashtags.
    let hours = (end - start) / HOUR;
    for k in 0..cfg.trends as usize {
        let t = TREND_TAGS[k % TREND_TAGS.len()];
        w.trends.push(Trend {
            tag: t.to_string(),
            peak: r.range_i64(start, end),
            width: (r.lognormal(12.0, 0.8) * HOUR as f64) as i64 + HOUR,
            amp: r.lognormal(1.0, 1.0),
        });
    }
    w.trend_hours = (0..hours)
        .map(|h| {
            let t = start + h * HOUR;
            let mut acc = 0.0;
            let mut row = Vec::new();
            for (k, tr) in w.trends.iter().enumerate() {
                let z = (t - tr.peak) as f64 / tr.width as f64;
                let x = tr.amp * (-0.5 * z * z).exp();
                if x > 1e-3 {
                    acc += x;
                    row.push((k as u32, acc));
                }
            }
            row
        })
        .collect();

    // Influencers, outlets, state media and leaders: their own posts are planned (targets).
    for i in 0..accts.len() {
        let a = &accts[i];
        let kind = a.kind;
        if !matches!(
            kind,
            Kind::Influencer | Kind::Outlet | Kind::StateMedia | Kind::Leader
        ) {
            continue;
        }
        let n = a.budget;
        let a = a.clone();
        for _ in 0..n {
            let ts = if kind == Kind::Leader {
                w.human_time(&mut r, &a, &w.day_cdf_activist)
            } else {
                w.human_time(&mut r, &a, &w.day_cdf_organic)
            };
            let (id, ms) = new_post(i as u32, ts, &mut r, &mut used, &accts);
            let (text, lang, urls, title) = match kind {
                Kind::Outlet | Kind::StateMedia => {
                    let title = content::headline(&mut r, kind == Kind::StateMedia);
                    let url = format!(
                        "{}/news/{}/{}",
                        a.url,
                        r.range_i64(3_000_000, 3_400_000),
                        content::slug(&title)
                    );
                    (title.clone(), "en", vec![url], Some(title))
                }
                Kind::Leader => {
                    let (t, l, u) = content::activist_post(&mut r);
                    (t, l, u, None)
                }
                _ => {
                    let mut t = content::chatter(&mut r, a.tweet_lang);
                    if let Some(tag) = w.trend_at(&mut r, ts).filter(|_| r.chance(0.3)) {
                        t.push(' ');
                        t.push_str(tag);
                    }
                    (t, a.tweet_lang, Vec::new(), None)
                }
            };
            let f = (a.followers.max(1) as f64).powf(0.6);
            let pop = match kind {
                Kind::StateMedia => f * 0.05 * r.lognormal(1.0, 1.0),
                _ => f * r.lognormal(1.0, 1.6),
            };
            planned.push(Planned {
                id,
                ms,
                author: i as u32,
                kind: PlannedKind::Original,
                text,
                lang,
                urls,
                reply_to: None,
                campaign: None,
                pop,
                title,
            });
        }
        accts[i].budget = 0;
    }
    // Giveaways by brands.
    let brands: Vec<u32> = (0..accts.len())
        .filter(|&i| accts[i].kind == Kind::Brand)
        .map(|i| i as u32)
        .collect();
    for &b in &brands {
        for _ in 0..(1 + cfg.days / 20) {
            let s = r.range_i64(start, end - 3 * DAY);
            let prize = *r.pick(content::PRIZES);
            let text = content::giveaway(&accts[b as usize].screen_name, prize);
            let (id, ms) = new_post(b, s, &mut r, &mut used, &accts);
            planned.push(Planned { id, ms, author: b, kind: PlannedKind::Original, text: format!("GIVEAWAY! Win {prize}. RT & follow to enter, winner picked in a week. #giveaway #win"), lang: "en", urls: Vec::new(), reply_to: None, campaign: None, pop: (accts[b as usize].followers as f64).powf(0.6), title: None });
            let _ = id;
            w.giveaways.push(Giveaway {
                brand: b,
                text,
                start: s,
                end: s + r.range_i64(3, 7) * DAY,
            });
        }
    }

    // Core campaigns (copy-paste with small edits) and co-replies to activists.
    let core: Vec<u32> = (0..accts.len())
        .filter(|&i| accts[i].kind == Kind::Core)
        .map(|i| i as u32)
        .collect();
    let leader_planned: Vec<u32> = (0..planned.len())
        .filter(|&p| accts[planned[p].author as usize].kind == Kind::Leader)
        .map(|p| p as u32)
        .collect();
    if !core.is_empty() {
        let mean_part: f64 = core
            .iter()
            .map(|&i| accts[i as usize].participation)
            .sum::<f64>()
            / core.len() as f64;
        let campaign_posts = cfg.core_post_share * cfg.posts as f64 * 0.45;
        let n_campaigns = (campaign_posts / (mean_part * 0.6 * core.len() as f64))
            .round()
            .max(3.0) as usize;
        let n_reply = n_campaigns / 3;
        let dummy = accts[core[0] as usize].clone();
        for k in 0..n_campaigns + n_reply {
            let reply = k >= n_campaigns && !leader_planned.is_empty();
            let zh = r.chance(0.65);
            let mut probe = dummy.clone();
            probe.active_from = start;
            let t0 = w.office_time(&mut r, &probe);
            let (base, target) = if reply {
                let p = *r.pick(&leader_planned) as usize;
                (content::core_reply(&mut r, zh), Some(p as u32))
            } else {
                let mut b = content::narrative(&mut r, zh);
                if r.chance(0.3) {
                    let sm = STATE_MEDIA[r.below(STATE_MEDIA.len())].2;
                    b.push_str(&format!(
                        " {sm}/a/{}.html",
                        r.range_i64(201_906_000, 201_908_999)
                    ));
                }
                (b, None)
            };
            let t0 = match target {
                Some(p) => planned[p as usize].ms / 1000 + r.range_i64(20 * 60, 4 * HOUR),
                None => t0,
            };
            let duration = if reply {
                r.range_i64(HOUR, 5 * HOUR)
            } else {
                r.range_i64(HOUR / 2, 4 * HOUR)
            };
            let reach = r.uniform(0.3, 0.9);
            let mut members = Vec::new();
            for &ci in &core {
                let a = &accts[ci as usize];
                if a.active_from > t0 || !r.chance(a.participation * reach) {
                    continue;
                }
                let mut ts = t0 + r.range_i64(0, duration);
                if !w.in_office(ts) && r.chance(0.7) {
                    ts = w.office_time(&mut r, a).max(t0);
                }
                if r.chance(0.1) {
                    ts += r.range_i64(HOUR, 30 * HOUR); // stragglers
                }
                if ts >= end {
                    continue;
                }
                let (text, urls) = split_url(&content::variant(&mut r, &base));
                let (id, ms) = new_post(ci, ts, &mut r, &mut used, &accts);
                let _ = id;
                let (text, kind) = match target {
                    Some(p) => {
                        let who = &accts[planned[p as usize].author as usize].screen_name;
                        (format!("@{who} {text}"), PlannedKind::Reply)
                    }
                    None => (text, PlannedKind::Original),
                };
                planned.push(Planned {
                    id,
                    ms,
                    author: ci,
                    kind,
                    text,
                    lang: if zh { "zh" } else { "en" },
                    urls,
                    reply_to: target,
                    campaign: Some(k as u32),
                    pop: 0.02,
                    title: None,
                });
                members.push(ci);
            }
            let reply_to_tweetid = target.map(|p| planned[p as usize].id);
            w.campaigns.push(Campaign {
                base,
                start: t0,
                duration,
                reply_to_tweetid,
                members,
            });
        }
    }

    // Sort planned by (author, ms) and remap reply targets.
    let mut order: Vec<u32> = (0..planned.len() as u32).collect();
    order.sort_by_key(|&p| (planned[p as usize].author, planned[p as usize].ms));
    let mut newpos = vec![0u32; planned.len()];
    for (pos, &old) in order.iter().enumerate() {
        newpos[old as usize] = pos as u32;
    }
    let mut slots: Vec<Option<Planned>> = planned.into_iter().map(Some).collect();
    let mut planned: Vec<Planned> = order
        .iter()
        .filter_map(|&o| slots[o as usize].take())
        .collect();
    for p in planned.iter_mut() {
        if let Some(t) = p.reply_to.as_mut() {
            *t = newpos[*t as usize];
        }
    }
    let mut planned_of = vec![(0u32, 0u32); accts.len()];
    let mut s = 0usize;
    while s < planned.len() {
        let a = planned[s].author;
        let mut e = s;
        while e < planned.len() && planned[e].author == a {
            e += 1;
        }
        planned_of[a as usize] = (s as u32, e as u32);
        s = e;
    }

    // Pools.
    for (p, x) in planned.iter().enumerate() {
        let k = accts[x.author as usize].kind;
        match k {
            Kind::Influencer | Kind::Outlet | Kind::Leader | Kind::Brand => w.viral.push(p as u32),
            Kind::StateMedia => {
                w.viral.push(p as u32);
                w.state_posts.push(p as u32);
            }
            Kind::Core if x.kind == PlannedKind::Original => w.core_posts.push(p as u32),
            _ => {}
        }
        if k == Kind::Leader {
            w.leader_posts.push(p as u32);
        }
        if x.title.is_some() {
            w.articles.push(p as u32);
        }
    }
    w.viral_cdf = cdf(w.viral.iter().map(|&p| planned[p as usize].pop));
    w.articles_cdf = cdf(w
        .articles
        .iter()
        .map(|&p| planned[p as usize].pop * r.lognormal(1.0, 1.0)));

    // Amplifier cells: batches (with some members swapped between cells) amplify patrons.
    let amps_total: usize = batches.iter().map(|b| b.len()).sum();
    if amps_total > 0 {
        let mut cells: Vec<Vec<u32>> = batches;
        let nc = cells.len();
        for c in 0..nc {
            for m in 0..cells[c].len() {
                if nc > 1 && r.chance(0.15) {
                    let d = r.below(nc);
                    if !cells[d].is_empty() {
                        let n = r.below(cells[d].len());
                        let tmp = cells[c][m];
                        cells[c][m] = cells[d][n];
                        cells[d][n] = tmp;
                    }
                }
            }
        }
        let mean_p = (cfg.participation_min + cfg.participation_max) / 2.0;
        let ops_budget = cfg.amplifier_post_share * cfg.posts as f64 * 0.6;
        let per_cell = (ops_budget / (amps_total as f64 * mean_p)).round().max(3.0) as usize;
        let state: Vec<u32> = (0..accts.len())
            .filter(|&i| accts[i].kind == Kind::StateMedia)
            .map(|i| i as u32)
            .collect();
        for (ci, members) in cells.into_iter().enumerate() {
            let mode = if r.chance(cfg.drip_cell_share) {
                CellMode::Drip
            } else {
                CellMode::Burst
            };
            let mut patrons: Vec<u32> = Vec::new();
            for _ in 0..(2 + r.below(5)).min(core.len()) {
                let p = *r.pick(&core);
                if !patrons.contains(&p) {
                    patrons.push(p);
                }
            }
            if !state.is_empty() && (r.chance(0.6) || patrons.is_empty()) {
                patrons.push(*r.pick(&state));
            }
            let first_created = members
                .iter()
                .map(|&m| accts[m as usize].active_from)
                .min()
                .unwrap_or(start);
            let mut pool: Vec<u32> = Vec::new();
            for &pa in &patrons {
                let (a, b) = planned_of[pa as usize];
                pool.extend((a..b).filter(|&p| {
                    planned[p as usize].kind == PlannedKind::Original
                        && planned[p as usize].ms / 1000 >= first_created
                }));
            }
            r.shuffle(&mut pool);
            pool.truncate(per_cell);
            pool.sort_unstable();
            let mut sources = Vec::with_capacity(pool.len());
            for p in pool {
                let mut br = Rng::stream(cfg.seed, tag::BURST, ((ci as u64) << 32) | p as u64);
                let off = match mode {
                    CellMode::Burst => {
                        (br.lognormal(cfg.burst_offset_median_s, 0.8) * 1000.0) as i64
                    }
                    CellMode::Drip => 0,
                };
                sources.push((p, off));
            }
            for &m in &members {
                accts[m as usize].cell = Some(ci as u32);
            }
            w.cells.push(Cell {
                mode,
                members,
                patrons,
                sources,
            });
        }
        // Each amplifier's own budget: camouflage + spam, relative to its expected ops.
        for cell in &w.cells {
            for &m in &cell.members {
                let a = &mut accts[m as usize];
                let ops = cell.sources.len() as f64 * a.participation;
                a.budget = (ops * 0.65).round().max(2.0) as u32;
            }
        }
    }
    for &ci in &core {
        let a = &mut accts[ci as usize];
        if a.history.is_some() {
            a.budget += (a.budget as f64 * 0.5).round().max(10.0) as u32;
        }
    }

    w.planned = planned;
    w.planned_of = planned_of;
    w.accounts = accts;
    w
}

/// Splits a trailing `http...` url off a text.
fn split_url(t: &str) -> (String, Vec<String>) {
    match t.find(" http") {
        Some(i) => {
            let rest = &t[i + 1..];
            let (url, tail) = rest.split_once(' ').unwrap_or((rest, ""));
            let text = format!(
                "{}{}{}",
                &t[..i],
                if tail.is_empty() { "" } else { " " },
                tail
            );
            (text, vec![url.to_string()])
        }
        None => (t.to_string(), Vec::new()),
    }
}
