//! Making each account's posts and writing tweets.csv in the archive schema.
//!
//! Accounts are processed in output order in batches; inside a batch, accounts are generated in
//! parallel (each from its own random stream) and their rows written in order, so the bytes do not
//! depend on thread scheduling. Within an account rows are sorted by time; the file as a whole is
//! grouped by account, not sorted by time (the real archive is not sorted either).

use std::collections::HashSet;
use std::fmt::Write as _;

use rayon::prelude::*;

use crate::accounts::{Account, Kind, REGIONS};
use crate::content;
use crate::rng::{Rng, mix64};
use crate::time::{DAY, HOUR, push_minute, snowflake};
use crate::world::{CellMode, Planned, World, tag};

pub use lockstep_model::archive::{TWEET_COLUMNS, USER_COLUMNS};

/// One post ready to be written.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// Tweet id.
    pub id: u64,
    /// Unix milliseconds.
    pub ms: i64,
    /// Full text (t.co links included).
    pub text: String,
    /// tweet_language.
    pub lang: &'static str,
    /// tweet_client_name.
    pub client: &'static str,
    /// (in_reply_to_tweetid, in_reply_to_userid).
    pub reply: Option<(u64, u64)>,
    /// quoted_tweet_tweetid.
    pub quoted: Option<u64>,
    /// (retweet_userid, retweet_tweetid).
    pub rt: Option<(u64, u64)>,
    /// Hashtags without `#`.
    pub hashtags: Vec<String>,
    /// Expanded urls.
    pub urls: Vec<String>,
    /// Mentioned user ids.
    pub mentions: Vec<u64>,
    /// quote, reply, like, retweet counts.
    pub counts: [u32; 4],
    /// Latitude / longitude.
    pub geo: Option<(f64, f64)>,
}

/// The t.co link of url number `k` of post `id` (stable, so retweets quote it exactly).
pub fn tco(id: u64, k: usize) -> String {
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut h = mix64(id ^ (k as u64).wrapping_mul(0x9E37_79B9));
    let mut s = String::from("https://t.co/");
    for _ in 0..10 {
        s.push(A[(h % 62) as usize] as char);
        h /= 62;
    }
    s
}

/// Text of a post with its t.co links appended.
pub fn full_text(text: &str, urls: &[String], id: u64) -> String {
    let mut t = text.to_string();
    for k in 0..urls.len() {
        t.push(' ');
        t.push_str(&tco(id, k));
    }
    t
}

fn planned_row(w: &World, p: &Planned, r: &mut Rng) -> Row {
    let a = &w.accounts[p.author as usize];
    let mut row = Row {
        id: p.id,
        ms: p.ms,
        text: full_text(&p.text, &p.urls, p.id),
        lang: p.lang,
        client: a.client,
        hashtags: content::hashtags_of(&p.text),
        urls: p.urls.clone(),
        ..Row::default()
    };
    if let Some(t) = p.reply_to {
        let q = &w.planned[t as usize];
        let qa = &w.accounts[q.author as usize];
        row.reply = Some((q.id, qa.userid));
        row.mentions.push(qa.userid);
    }
    let rts = (p.pop * r.lognormal(0.5, 0.8)).round() as u32;
    row.counts = [
        rts / 20,
        (rts / 8).max(r.geometric(0.5) as u32),
        rts * (2 + r.below(4) as u32),
        rts,
    ];
    row
}

struct Ctx<'w> {
    w: &'w World,
    i: usize,
    a: &'w Account,
    r: Rng,
    used: HashSet<i64>,
    retweeted: HashSet<u64>,
    rows: Vec<Row>,
}

impl Ctx<'_> {
    fn push(&mut self, mut row: Row, ts: i64) {
        let mut ms = ts * 1000 + self.r.range_i64(0, 999);
        while !self.used.insert(ms) {
            ms += 1;
        }
        row.ms = ms;
        row.id = snowflake(ms, self.a.low22);
        if row.client.is_empty() {
            row.client = if self.r.chance(0.9) {
                self.a.client
            } else {
                "Twitter Web App"
            };
        }
        row.text = full_text(&row.text, &row.urls, row.id);
        self.rows.push(row);
    }

    fn original(&mut self, text: String, lang: &'static str, urls: Vec<String>, ts: i64) {
        let counts = [
            0,
            self.r.geometric(0.3) as u32,
            self.r.geometric(1.5) as u32,
            self.r.geometric(0.4) as u32,
        ];
        let hashtags = content::hashtags_of(&text);
        let geo = if self.a.kind == Kind::Ordinary && self.r.chance(0.015) {
            Some(geo_of(&mut self.r, self.a.region))
        } else {
            None
        };
        self.push(
            Row {
                text,
                lang,
                urls,
                hashtags,
                counts,
                geo,
                ..Row::default()
            },
            ts,
        );
    }

    /// Retweet of planned post `p` at `ts` (skipped if already retweeted or out of range).
    fn retweet(&mut self, p: u32, ts: i64) -> bool {
        let w = self.w;
        let q = &w.planned[p as usize];
        if q.author as usize == self.i
            || ts < self.a.active_from
            || ts >= w.end
            || ts * 1000 <= q.ms
        {
            return false;
        }
        if !self.retweeted.insert(q.id) {
            return false;
        }
        let qa = &w.accounts[q.author as usize];
        let row = Row {
            text: format!(
                "RT @{}: {}",
                qa.screen_name,
                full_text(&q.text, &q.urls, q.id)
            ),
            lang: q.lang,
            rt: Some((qa.userid, q.id)),
            hashtags: content::hashtags_of(&q.text),
            urls: q.urls.clone(),
            mentions: vec![qa.userid],
            ..Row::default()
        };
        // The retweet's t.co links are the original's: keep its text as built.
        let mut ms = ts * 1000 + self.r.range_i64(0, 999);
        while !self.used.insert(ms) {
            ms += 1;
        }
        let mut row = row;
        row.ms = ms;
        row.id = snowflake(ms, self.a.low22);
        row.client = if self.r.chance(0.9) {
            self.a.client
        } else {
            "Twitter Web App"
        };
        self.rows.push(row);
        true
    }

    fn reply_to(&mut self, p: u32, text: String, lang: &'static str, ts: i64) {
        let w = self.w;
        let q = &w.planned[p as usize];
        if q.author as usize == self.i
            || ts < self.a.active_from
            || ts >= w.end
            || ts * 1000 <= q.ms
        {
            return;
        }
        let qa = &w.accounts[q.author as usize];
        let text = format!("@{} {}", qa.screen_name, text);
        let hashtags = content::hashtags_of(&text);
        self.push(
            Row {
                text,
                lang,
                reply: Some((q.id, qa.userid)),
                mentions: vec![qa.userid],
                hashtags,
                ..Row::default()
            },
            ts,
        );
    }

    fn quote(&mut self, p: u32, text: String, lang: &'static str, ts: i64) {
        let w = self.w;
        let q = &w.planned[p as usize];
        if q.author as usize == self.i
            || ts < self.a.active_from
            || ts >= w.end
            || ts * 1000 <= q.ms
        {
            return;
        }
        let qa = &w.accounts[q.author as usize];
        let url = format!("https://twitter.com/{}/status/{}", qa.screen_name, q.id);
        let hashtags = content::hashtags_of(&text);
        self.push(
            Row {
                text,
                lang,
                quoted: Some(q.id),
                urls: vec![url],
                hashtags,
                ..Row::default()
            },
            ts,
        );
    }

    fn viral_retweet(&mut self, delay_median: f64) -> bool {
        let w = self.w;
        if w.viral.is_empty() {
            return false;
        }
        for _ in 0..4 {
            let p = w.viral[self.r.from_cdf(&w.viral_cdf)];
            let ts =
                w.planned[p as usize].ms / 1000 + 1 + self.r.lognormal(delay_median, 1.6) as i64;
            if !w.awake(&mut self.r, self.a, ts) {
                continue;
            }
            if self.retweet(p, ts) {
                return true;
            }
        }
        false
    }
}

fn geo_of(r: &mut Rng, region: usize) -> (f64, f64) {
    let (lat, lon) = match REGIONS[region].code {
        "HK" => (22.32, 114.17),
        "TW" => (25.03, 121.56),
        "US-E" => (40.71, -74.0),
        "US-W" => (34.05, -118.24),
        "UK" => (51.5, -0.12),
        "JP" => (35.68, 139.69),
        "ID" => (-6.2, 106.82),
        "IN" => (19.07, 72.87),
        "AU" => (-33.86, 151.2),
        "BR" => (-23.55, -46.63),
        _ => (48.85, 2.35),
    };
    (lat + r.normal() * 0.05, lon + r.normal() * 0.05)
}

/// Generates all rows of account `i`, sorted by time.
pub fn account_rows(w: &World, i: usize) -> Vec<Row> {
    let a = &w.accounts[i];
    let mut r = Rng::stream(w.cfg.seed, tag::EMIT, i as u64);
    let mut rows: Vec<Row> = w
        .planned_of(i)
        .iter()
        .map(|p| planned_row(w, p, &mut r))
        .collect();
    let used: HashSet<i64> = rows.iter().map(|x| x.ms).collect();
    let mut cx = Ctx {
        w,
        i,
        a,
        r,
        used,
        retweeted: HashSet::new(),
        rows: Vec::new(),
    };
    match a.kind {
        Kind::Ordinary | Kind::Influencer | Kind::Brand => ordinary(&mut cx),
        Kind::Activist | Kind::Leader => activist(&mut cx),
        Kind::Core => core(&mut cx),
        Kind::Amplifier => amplifier(&mut cx),
        Kind::Outlet | Kind::StateMedia => {}
    }
    rows.append(&mut cx.rows);
    rows.sort_by_key(|x| x.ms);
    rows
}

fn ordinary(cx: &mut Ctx) {
    let w = cx.w;
    let a = cx.a;
    let hunter = a.participation > 0.9 && !w.giveaways.is_empty();
    let hk = a.region == crate::accounts::HK;
    for _ in 0..a.budget {
        let u = cx.r.f64();
        if u < 0.33 {
            if cx.viral_retweet(w.cfg.cascade_delay_median_s) {
                continue;
            }
        } else if u < 0.40 && !w.viral.is_empty() {
            let p = w.viral[cx.r.from_cdf(&w.viral_cdf)];
            let ts = w.planned[p as usize].ms / 1000 + cx.r.lognormal(3600.0, 1.5) as i64;
            let t = content::chatter(&mut cx.r, a.tweet_lang);
            cx.reply_to(p, t, a.tweet_lang, ts);
            continue;
        } else if u < 0.43 && !w.viral.is_empty() {
            let p = w.viral[cx.r.from_cdf(&w.viral_cdf)];
            let ts = w.planned[p as usize].ms / 1000 + cx.r.lognormal(5400.0, 1.5) as i64;
            let t = content::chatter(&mut cx.r, a.tweet_lang);
            cx.quote(p, t, a.tweet_lang, ts);
            continue;
        } else if u < 0.53 && !w.articles.is_empty() {
            // Share button: identical text for everyone sharing this article.
            let p = w.articles[cx.r.from_cdf(&w.articles_cdf)];
            let q = &w.planned[p as usize];
            let ts = q.ms / 1000 + 1 + cx.r.exp(w.cfg.news_share_delay_mean_s) as i64;
            if ts >= a.active_from && ts < w.end && w.awake(&mut cx.r, a, ts) {
                let outlet = &w.accounts[q.author as usize];
                let text = format!(
                    "{} via @{}",
                    q.title.as_deref().unwrap_or(&q.text),
                    outlet.screen_name
                );
                let urls = q.urls.clone();
                let hashtags = content::hashtags_of(&text);
                cx.push(
                    Row {
                        text,
                        lang: "en",
                        urls,
                        hashtags,
                        mentions: vec![outlet.userid],
                        ..Row::default()
                    },
                    ts,
                );
                continue;
            }
        } else if u < 0.60 && hunter {
            let g = &w.giveaways[cx.r.below(w.giveaways.len())];
            let ts = cx.r.range_i64(g.start, g.end - 1);
            if ts >= a.active_from && ts < w.end {
                let text = g.text.clone();
                let brand = w.accounts[g.brand as usize].userid;
                let hashtags = content::hashtags_of(&text);
                cx.push(
                    Row {
                        text,
                        lang: "en",
                        hashtags,
                        mentions: vec![brand],
                        ..Row::default()
                    },
                    ts,
                );
                continue;
            }
        } else if u < 0.62 {
            // Stock greeting in the local morning.
            let d = cx.r.from_cdf(&w.day_cdf_organic) as i64;
            let ts = w.start + d * DAY + cx.r.range_i64(6 * HOUR, 10 * HOUR) - a.offset_s;
            if ts >= a.active_from && ts < w.end {
                let t = content::stock_phrase(&mut cx.r, a.tweet_lang);
                cx.original(t, a.tweet_lang, Vec::new(), ts);
                continue;
            }
        }
        let ts = w.human_time(&mut cx.r, a, &w.day_cdf_organic);
        let (mut text, lang, urls) = if hk && cx.r.chance(0.3) {
            content::activist_post(&mut cx.r)
        } else {
            (
                content::chatter(&mut cx.r, a.tweet_lang),
                a.tweet_lang,
                Vec::new(),
            )
        };
        if cx.r.chance(0.25)
            && let Some(t) = w.trend_at(&mut cx.r, ts)
        {
            text.push(' ');
            text.push_str(t);
        }
        cx.original(text, lang, urls, ts);
    }
}

fn activist(cx: &mut Ctx) {
    let w = cx.w;
    let a = cx.a;
    // Slogan moments on protest nights (20:00 HKT), a genuine coordinated burst.
    for (k, &p) in w.protest.iter().enumerate() {
        if !cx.r.chance(0.25 + 0.5 * a.participation) {
            continue;
        }
        let ts = p + 20 * HOUR + (cx.r.lognormal(600.0, 1.0) as i64).min(3 * HOUR);
        if ts < a.active_from || ts >= w.end {
            continue;
        }
        let (text, lang) = if cx.r.chance(0.7) {
            let mut dr = Rng::stream(w.cfg.seed, tag::PLAN, 1_000_000 + k as u64);
            content::slogan(&mut dr)
        } else {
            content::slogan(&mut cx.r)
        };
        cx.original(text, lang, Vec::new(), ts);
    }
    for _ in 0..a.budget {
        let u = cx.r.f64();
        if u < 0.45 && !a.follows.is_empty() {
            let l = *cx.r.pick(&a.follows) as usize;
            let (s, e) = w.planned_of[l];
            if e > s {
                let p = s + cx.r.below((e - s) as usize) as u32;
                let ts = w.planned[p as usize].ms / 1000
                    + 1
                    + cx.r.lognormal(w.cfg.activist_rt_delay_median_s, 1.0) as i64;
                if cx.retweet(p, ts) {
                    continue;
                }
            }
        } else if u < 0.60 {
            if cx.viral_retweet(w.cfg.cascade_delay_median_s) {
                continue;
            }
        } else if u < 0.67 && !w.leader_posts.is_empty() {
            let p = *cx.r.pick(&w.leader_posts);
            let ts = w.planned[p as usize].ms / 1000 + cx.r.lognormal(1800.0, 1.2) as i64;
            let t = (*cx.r.pick(&[
                "加油！",
                "Stay safe 🙏",
                "Thank you for reporting this",
                "香港人加油",
                "This is outrageous",
                "RT please",
            ]))
            .to_string();
            cx.reply_to(p, t, a.tweet_lang, ts);
            continue;
        }
        let ts = w.human_time(&mut cx.r, a, &w.day_cdf_activist);
        let (text, lang, urls) = content::activist_post(&mut cx.r);
        cx.original(text, lang, urls, ts);
    }
}

fn core(cx: &mut Ctx) {
    let w = cx.w;
    let a = cx.a;
    let mut n = a.budget as usize;
    if let Some((hs, he)) = a.history {
        // Earlier off-topic life of a repurposed account, in its original persona.
        let k = n / 3;
        n -= k;
        let off = REGIONS[a.region].offset_min * 60;
        for _ in 0..k {
            let mut ts = cx.r.range_i64(hs, he);
            let h =
                cx.r.from_cdf(&crate::world::hour_cdf(&crate::world::HUMAN_DIURNAL)) as i64;
            ts = ts.div_euclid(DAY) * DAY + h * HOUR + cx.r.range_i64(0, HOUR - 1) - off;
            let (text, lang) = content::history(&mut cx.r, a.history_lang);
            let client = *cx.r.pick(&[
                "Twitter for iPhone",
                "Twitter Web Client",
                "Twitter for Android",
            ]);
            let hashtags = content::hashtags_of(&text);
            // History precedes `active_from`; bypass the window check deliberately.
            let mut ms = ts * 1000 + cx.r.range_i64(0, 999);
            while !cx.used.insert(ms) {
                ms += 1;
            }
            let id = snowflake(ms, a.low22);
            cx.rows.push(Row {
                id,
                ms,
                text,
                lang,
                client,
                hashtags,
                ..Row::default()
            });
        }
    }
    for _ in 0..n {
        let u = cx.r.f64();
        if u < 0.35 && !w.core_posts.is_empty() {
            let p = *cx.r.pick(&w.core_posts);
            let mut ts = w.planned[p as usize].ms / 1000 + 1 + cx.r.lognormal(1200.0, 1.2) as i64;
            if !w.in_office(ts) && cx.r.chance(0.7) {
                ts = w.office_time(&mut cx.r, a).max(ts);
            }
            if cx.retweet(p, ts) {
                continue;
            }
        } else if u < 0.50 && !w.state_posts.is_empty() {
            let p = *cx.r.pick(&w.state_posts);
            let ts = w.planned[p as usize].ms / 1000 + 1 + cx.r.lognormal(2400.0, 1.2) as i64;
            if w.in_office(ts) && cx.retweet(p, ts) {
                continue;
            }
        }
        let ts = w.office_time(&mut cx.r, a);
        if u < 0.85 {
            let zh = cx.r.chance(0.6);
            let t = content::core_cover(&mut cx.r, zh);
            cx.original(t, if zh { "zh" } else { "en" }, Vec::new(), ts);
        } else {
            let zh = cx.r.chance(0.65);
            let base = content::narrative(&mut cx.r, zh);
            let t = content::variant(&mut cx.r, &base);
            cx.original(t, if zh { "zh" } else { "en" }, Vec::new(), ts);
        }
    }
}

fn amplifier(cx: &mut Ctx) {
    let w = cx.w;
    let a = cx.a;
    if let Some(c) = a.cell {
        let cell = &w.cells[c as usize];
        for &(p, off) in &cell.sources {
            if !cx.r.chance(a.participation) {
                continue;
            }
            let delay_ms = match cell.mode {
                CellMode::Burst => off + cx.r.range_i64(0, w.cfg.burst_spread_s * 1000),
                CellMode::Drip => cx.r.range_i64(1000, w.cfg.drip_spread_s * 1000),
            };
            let ms = w.planned[p as usize].ms + delay_ms.max(1000);
            cx.retweet(p, ms / 1000);
        }
    }
    for _ in 0..a.budget {
        if cx.r.chance(0.4) && cx.viral_retweet(w.cfg.cascade_delay_median_s * 2.0) {
            continue;
        }
        let ts = if cx.r.chance(0.5) {
            w.office_time(&mut cx.r, a)
        } else {
            cx.r.range_i64(a.active_from.max(w.start), w.end - 1)
        };
        let (text, lang, urls) = content::spam(&mut cx.r);
        cx.original(text, lang, urls, ts);
    }
}

/// Appends a python-style list (`['a', 'b']` or `[]`).
pub fn push_list<T: std::fmt::Display>(out: &mut String, items: &[T]) {
    out.push('[');
    for (k, x) in items.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "'{x}'");
    }
    out.push(']');
}

/// Pre-formatted per-account user fields reused on every row.
pub struct UserCells {
    /// userid.
    pub userid: String,
    /// follower_count.
    pub followers: String,
    /// following_count.
    pub following: String,
    /// account_creation_date.
    pub created: String,
}

impl UserCells {
    /// Formats the user fields of `a`.
    pub fn of(a: &Account) -> Self {
        let mut created = String::new();
        push_minute(&mut created, a.created);
        UserCells {
            userid: a.userid.to_string(),
            followers: a.followers.to_string(),
            following: a.following.to_string(),
            created,
        }
    }
}

/// Writes the rows of one account as CSV records; `no_profiles` empties the profile and client
/// columns (see [`crate::SimConfig::no_profiles`]).
pub fn write_rows<W: std::io::Write>(
    wr: &mut csv::Writer<W>,
    a: &Account,
    rows: &[Row],
    no_profiles: bool,
) -> csv::Result<()> {
    let u = UserCells::of(a);
    let keep = |s: &str| -> String {
        if no_profiles {
            String::new()
        } else {
            s.to_string()
        }
    };
    let (display, screen, location, description, url) = (
        keep(&a.display_name),
        keep(&a.screen_name),
        keep(&a.location),
        keep(&a.description),
        keep(&a.url),
    );
    let (followers, following, created, account_lang) = (
        keep(&u.followers),
        keep(&u.following),
        keep(&u.created),
        keep(a.account_lang),
    );
    let mut buf = String::new();
    let opt = |x: Option<u64>| x.map(|v| v.to_string()).unwrap_or_default();
    for row in rows {
        buf.clear();
        push_minute(&mut buf, row.ms.div_euclid(1000));
        let time = buf.clone();
        let mut tags = String::new();
        push_list(&mut tags, &row.hashtags);
        let mut urls = String::new();
        push_list(&mut urls, &row.urls);
        let mut ments = String::new();
        push_list(&mut ments, &row.mentions);
        let (lat, lon) = row
            .geo
            .map(|(a, b)| (format!("{a:.5}"), format!("{b:.5}")))
            .unwrap_or_default();
        let rec: [&str; 30] = [
            &row.id.to_string(),
            &u.userid,
            &display,
            &screen,
            &location,
            &description,
            &url,
            &followers,
            &following,
            &created,
            &account_lang,
            row.lang,
            &row.text,
            &time,
            if no_profiles { "" } else { row.client },
            &opt(row.reply.map(|x| x.0)),
            &opt(row.reply.map(|x| x.1)),
            &opt(row.quoted),
            if row.rt.is_some() { "True" } else { "False" },
            &opt(row.rt.map(|x| x.0)),
            &opt(row.rt.map(|x| x.1)),
            &lat,
            &lon,
            &row.counts[0].to_string(),
            &row.counts[1].to_string(),
            &row.counts[2].to_string(),
            &row.counts[3].to_string(),
            &tags,
            &urls,
            &ments,
        ];
        wr.write_record(rec)?;
    }
    Ok(())
}

/// Generates and writes every account's rows, with the header, to `out` (accounts in order,
/// parallel inside a batch). Returns the number of rows and the per-label row counts.
pub fn write_tweets<W: std::io::Write>(w: &World, out: &mut W) -> csv::Result<(u64, [u64; 4])> {
    let mut hw = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    hw.write_record(TWEET_COLUMNS)?;
    let header = hw
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    out.write_all(&header)?;
    let mut total = 0u64;
    let mut per_label = [0u64; 4];
    const BATCH: usize = 1024;
    let n = w.accounts.len();
    let mut s = 0;
    while s < n {
        let e = (s + BATCH).min(n);
        let bufs: Vec<csv::Result<(Vec<u8>, usize)>> = (s..e)
            .into_par_iter()
            .map(|i| {
                let rows = match crate::reregister::role(w, i) {
                    // A replacement posts the suspended account's posts from its creation on.
                    (Some(rr), _) => {
                        let from = w.accounts[i].created * 1000;
                        let mut rows = account_rows(w, rr.orig);
                        rows.retain(|x| x.ms >= from);
                        rows
                    }
                    // A suspended account stops at the suspension.
                    (None, Some(rr)) => {
                        let mut rows = account_rows(w, i);
                        rows.retain(|x| x.ms < rr.at * 1000);
                        rows
                    }
                    (None, None) => account_rows(w, i),
                };
                let mut bw = csv::WriterBuilder::new()
                    .has_headers(false)
                    .quote_style(csv::QuoteStyle::Always)
                    .from_writer(Vec::with_capacity(rows.len() * 320));
                write_rows(&mut bw, &w.accounts[i], &rows, w.cfg.no_profiles)?;
                let bytes = bw
                    .into_inner()
                    .map_err(|e| csv::Error::from(e.into_error()))?;
                Ok((bytes, rows.len()))
            })
            .collect();
        for (k, b) in bufs.into_iter().enumerate() {
            let (bytes, cnt) = b?;
            out.write_all(&bytes)?;
            total += cnt as u64;
            per_label[w.accounts[s + k].kind.label() as usize] += cnt as u64;
        }
        s = e;
    }
    out.flush()?;
    Ok((total, per_label))
}
