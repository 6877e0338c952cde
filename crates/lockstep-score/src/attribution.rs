//! Attribution: where a cluster is run from, with a confidence and the evidence, in words a report
//! can quote. Four independent kinds of evidence:
//! 1. **time zone of activity**: the UTC offset at which the cluster's posts best fit a weekday
//!    office schedule ([`crate::signals::schedule::fit`]); when the cluster does not keep office
//!    hours, the offset that puts its quietest six hours at 01:00-07:00 local (the sleep trough,
//!    weaker evidence). When most of a cluster's posts are authored (originals, replies, quotes),
//!    the fit uses only those: a repost's time follows the reposted post (amplifiers boost hours
//!    after the fact), so reposts mixed into a core's cluster blur the operators' own schedule
//!    toward later hours. A cluster that mainly reposts is timed by all its activity;
//! 2. **languages** of the posts;
//! 3. **IP countries and networks** of logins, when a logins table and IP data exist;
//! 4. **state-media links**: the countries of the registered outlets the cluster links to or
//!    amplifies.
//!
//! Each candidate country collects points from every kind that supports it (IP share x 3, the
//! state-media share of that country x 2 scaled by how much the cluster links to state media, 1 for
//! a matching time zone (0.5 for a sleep-trough zone), 1 for a matching language share). The
//! origin is the single best candidate; when candidates tie (a time zone and a language alone
//! cannot tell China from Taiwan) no origin is named and the candidates are listed. Confidence is
//! `high` when three or more kinds agree, `medium` for two, `low` for one. The wording follows the
//! confidence (`lockstep_model::origin_sentence`): only `high` is stated, `medium` is "probably",
//! `low` is "possibly ... not established".
//!
//! **Direct logins from a blocked country** are the strongest clue the 2019 case had: Twitter is
//! blocked in mainland China, so an account logging in from a Chinese address *without* a VPN or
//! hosting network in between is run from inside the firewall, by someone allowed through it.
//! Logins from a country in [`PLATFORM_BLOCKED`] that do not come through a known hosting/VPN
//! network (`data/ip/hosting_asns.csv`) count as their own kind of evidence (`direct logins from a
//! blocked country`, 4 points times their share), on top of the ordinary login-country points.

use crate::context::{Context, hour_of_week};
use crate::params::ScoreParams;
use crate::registry::country_name;
use crate::signals::language_mix::norm_lang;
use crate::signals::schedule::{self, WeekHist, utc};
use crate::signals::state_media::post_outlet;
use hashbrown::HashMap;
use lockstep_model::{AccountId, PostKind};
use serde::Serialize;

/// The inferred origin of a cluster.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Attribution {
    /// Inferred UTC offset of activity (hours east of UTC).
    pub utc_offset: Option<i32>,
    /// How the offset was inferred: `office_hours` or `sleep_trough`.
    pub offset_method: Option<&'static str>,
    /// Confidence in the offset, in [0, 1].
    pub offset_confidence: f64,
    /// Share of posts in weekday office hours at that offset.
    pub office_share: f64,
    /// Post languages and their shares, largest first.
    pub languages: Vec<(String, f64)>,
    /// Login countries and their shares, largest first.
    pub ip_countries: Vec<(String, f64)>,
    /// Login networks (AS organisations) and their shares, largest first.
    pub networks: Vec<(String, f64)>,
    /// Share of posts linking to or amplifying registered state media.
    pub state_media_share: f64,
    /// State-media outlets linked: `(outlet, country, posts)`, most first.
    pub state_media: Vec<(String, String, u32)>,
    /// Inferred origin country code, when one candidate stands out.
    pub origin: Option<String>,
    /// Candidate countries with their points, best first.
    pub candidates: Vec<(String, f64)>,
    /// Confidence in the origin, in [0, 1].
    pub confidence: f64,
    /// `high`, `medium`, `low` or `none`.
    pub confidence_label: &'static str,
    /// Evidence sentences.
    pub evidence: Vec<String>,
    /// One paragraph a report can quote.
    pub summary: String,
}

/// Countries where the major platforms (Twitter/X, Facebook) are blocked, so that a direct login
/// from there needs a privileged network: mainland China, Iran, North Korea, Turkmenistan.
pub const PLATFORM_BLOCKED: [&str; 4] = ["CN", "IR", "KP", "TM"];

/// Countries whose standard time (or common daylight time) is this offset; used to read a time
/// zone as candidate origins. Not exhaustive: the countries of documented state operations.
pub fn countries_at_offset(offset: i32) -> &'static [&'static str] {
    match offset {
        8 => &["CN", "HK", "TW", "SG", "MY", "PH"],
        9 => &["KP", "KR", "JP"],
        7 => &["VN", "TH", "ID"],
        5 => &["PK"],
        4 => &["AE", "IR"],
        3 => &["RU", "TR", "SA", "BY", "IR"],
        2 => &["EG", "UA"],
        1 => &["DE", "FR", "NL"],
        0 => &["GB"],
        -4 => &["VE", "CU"],
        -5 => &["CU", "US"],
        -6 => &["MX"],
        _ => &[],
    }
}

/// Countries where a language is the main language of a documented state operation.
pub fn countries_of_language(lang: &str) -> &'static [&'static str] {
    match lang {
        "zh" => &["CN", "TW", "HK", "SG"],
        "ru" => &["RU", "BY"],
        "fa" => &["IR"],
        "ar" => &["SA", "EG", "AE"],
        "tr" => &["TR"],
        "ko" => &["KP", "KR"],
        "vi" => &["VN"],
        "th" => &["TH"],
        "uk" => &["UA"],
        _ => &[],
    }
}

/// Each key's share of the total, largest first. Deterministic whatever the map's order: the
/// entries are put in key order before the total is summed (float addition is not associative)
/// and ties keep key order.
fn shares<K: Ord>(counts: HashMap<K, f64>) -> Vec<(K, f64)> {
    let mut v: Vec<(K, f64)> = counts.into_iter().collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    let total: f64 = v.iter().map(|(_, c)| c).sum();
    for (_, c) in &mut v {
        *c /= total.max(1e-9);
    }
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v
}

fn pct_list(v: &[(String, f64)], n: usize) -> String {
    v.iter()
        .take(n)
        .map(|(k, s)| format!("{k} {:.0}%", 100.0 * s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Offset whose local 01:00-07:00 is the quietest 6-hour stretch; confidence from its depth.
fn sleep_trough(h: &WeekHist) -> Option<(i32, f64)> {
    let mut day = [0.0; 24];
    for (bin, c) in h.iter().enumerate() {
        day[bin % 24] += c;
    }
    let total: f64 = day.iter().sum();
    if total < schedule::MIN_GROUP_POSTS {
        return None;
    }
    let window = |s: usize, len: usize| (0..len).map(|k| day[(s + k) % 24]).sum::<f64>();
    // Ties between 6-hour windows go to the one whose 8-hour surround is also quietest.
    let (start, quiet, _) = (0..24)
        .map(|s| (s, window(s, 6), window(s + 23, 8)))
        .min_by(|a, b| (a.1 + 1e-3 * a.2).total_cmp(&(b.1 + 1e-3 * b.2)))?;
    // Local 01:00 = UTC `start`.
    let mut offset = (1 - start as i32).rem_euclid(24);
    if offset > 12 {
        offset -= 24;
    }
    // Uniform activity puts 25% in any 6 hours; an empty trough is full confidence.
    let depth = (1.0 - (quiet / total) / 0.25).clamp(0.0, 1.0);
    Some((offset, 0.6 * depth))
}

/// Attributes one cluster.
pub fn attribute(ctx: &Context<'_>, params: &ScoreParams, members: &[AccountId]) -> Attribution {
    let ds = ctx.ds;
    let mut at = Attribution {
        confidence_label: "none",
        ..Default::default()
    };
    let mut h: WeekHist = [0.0; 168];
    let mut h_own: WeekHist = [0.0; 168];
    let mut langs: HashMap<String, f64> = HashMap::new();
    let mut lang_sym: HashMap<lockstep_model::Sym, String> = HashMap::new();
    let mut outlets: HashMap<usize, u32> = HashMap::new();
    let mut n_posts = 0usize;
    let mut sm_posts = 0u32;
    let reg = &params.registry;
    for &a in members {
        for &p in ctx.posts_of(a) {
            let p = p as usize;
            n_posts += 1;
            let how = hour_of_week(ds.posts.time[p], 0);
            h[how] += 1.0;
            if ds.posts.kind[p] != PostKind::Repost {
                h_own[how] += 1.0;
            }
            let l = ds.posts.language[p];
            if !l.is_none() {
                let code = lang_sym
                    .entry(l)
                    .or_insert_with(|| norm_lang(ds.str(l)))
                    .clone();
                if !code.is_empty() {
                    *langs.entry(code).or_default() += 1.0;
                }
            }
            if !reg.is_empty()
                && let Some(o) = post_outlet(ds, reg, p)
            {
                *outlets.entry(o).or_default() += 1;
                sm_posts += 1;
            }
        }
    }
    let mut points: HashMap<&'static str, f64> = HashMap::new();
    let mut kinds: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
    let mut support =
        |points: &mut HashMap<&'static str, f64>, c: &'static str, p: f64, kind: &'static str| {
            *points.entry(c).or_default() += p;
            let k = kinds.entry(c).or_default();
            if !k.contains(&kind) {
                k.push(kind);
            }
        };
    // 1. Time zone, from the authored posts when the cluster mainly authors (a cluster that mainly
    // reposts is timed by all its activity: boosting is its work).
    let own: f64 = h_own.iter().sum();
    let (h, n_fit, which) = if own >= schedule::MIN_GROUP_POSTS && 2 * own as usize >= n_posts {
        (h_own, own as usize, "authored posts")
    } else {
        (h, n_posts, "posts")
    };
    if let Some(f) = schedule::fit(&h).filter(|f| f.posts >= schedule::MIN_GROUP_POSTS) {
        if schedule::is_office(&f) {
            at.utc_offset = Some(f.offset);
            at.offset_method = Some("office_hours");
            at.office_share = f.office_share;
            at.offset_confidence = (((f.office_share - 0.5) / 0.3).clamp(0.0, 1.0) * 0.6
                + (f.margin * 2.0).min(0.4))
            .min(1.0);
            at.evidence.push(format!(
                "Activity follows weekday office hours at {}: {:.0}% of {} {} fall Monday-Friday 09:00-18:00 local time, {:.0}% on weekends.",
                utc(f.offset),
                100.0 * f.office_share,
                n_fit,
                which,
                100.0 * f.weekend_share
            ));
        } else if let Some((o, conf)) = sleep_trough(&h) {
            at.utc_offset = Some(o);
            at.offset_method = Some("sleep_trough");
            at.office_share = schedule::office_share(&h, o);
            at.offset_confidence = conf;
            at.evidence.push(format!(
                "The quietest hours of the {n_fit} {which} fall at 01:00-07:00 local time at {} (a daily rhythm, not an office schedule).",
                utc(o)
            ));
        }
    }
    if let Some(o) = at.utc_offset {
        let weight = if at.offset_method == Some("office_hours") {
            1.0
        } else {
            0.5
        };
        let cs = countries_at_offset(o);
        if at.offset_confidence >= 0.3 {
            for c in cs {
                support(&mut points, c, weight, "time zone");
            }
        }
        if !cs.is_empty() {
            let names: Vec<&str> = cs.iter().map(|c| country_name(c)).collect();
            at.evidence
                .push(format!("{} includes {}.", utc(o), names.join(", ")));
        }
    }
    // 2. Languages.
    at.languages = shares(langs);
    if let Some((top, share)) = at.languages.first().cloned()
        && share >= 0.5
    {
        for c in countries_of_language(&top) {
            support(&mut points, c, share, "language");
        }
        at.evidence
            .push(format!("Posts are in {}.", pct_list(&at.languages, 3)));
    }
    // 3. Logins.
    if let (Some(logins), Some(db)) = (&ds.logins, params.ip.as_ref()) {
        let member: hashbrown::HashSet<AccountId> = members.iter().copied().collect();
        let mut countries: HashMap<String, f64> = HashMap::new();
        let mut nets: HashMap<String, f64> = HashMap::new();
        let mut direct_blocked: HashMap<&'static str, f64> = HashMap::new();
        let mut n_logins = 0f64;
        let mut cache: HashMap<lockstep_model::Sym, Option<crate::ip::IpInfo>> = HashMap::new();
        for (a, ip) in logins.account.iter().zip(&logins.ip) {
            if !member.contains(a) || ip.is_none() {
                continue;
            }
            let info = cache
                .entry(*ip)
                .or_insert_with(|| db.lookup_str(ds.str(*ip)));
            if let Some(info) = info {
                n_logins += 1.0;
                if let Some(c) = info.country_str() {
                    *countries.entry(c.to_string()).or_default() += 1.0;
                    if info.hosting.is_none()
                        && let Some(b) = PLATFORM_BLOCKED.iter().find(|b| **b == c)
                    {
                        *direct_blocked.entry(b).or_default() += 1.0;
                    }
                }
                if let Some(o) = &info.org {
                    *nets.entry(o.clone()).or_default() += 1.0;
                }
            }
        }
        at.ip_countries = shares(countries);
        at.networks = shares(nets);
        for (c, s) in at.ip_countries.iter().take(3) {
            if *s >= 0.2
                && let Some(code) = static_code(c)
            {
                support(&mut points, code, 3.0 * s, "logins");
            }
        }
        if !at.ip_countries.is_empty() {
            at.evidence.push(format!(
                "Logins come from {}.",
                pct_list(&at.ip_countries, 3)
            ));
        }
        if !at.networks.is_empty() {
            at.evidence
                .push(format!("Login networks: {}.", pct_list(&at.networks, 3)));
        }
        let mut blocked: Vec<(&'static str, f64)> = direct_blocked.into_iter().collect();
        blocked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        for (c, n) in blocked {
            let share = n / n_logins.max(1.0);
            if n >= 3.0 && share >= 0.05 {
                support(
                    &mut points,
                    c,
                    4.0 * share,
                    "direct logins from a blocked country",
                );
                at.evidence.push(format!(
                    "{n:.0} logins ({:.0}%) come straight from {}, where the platform is blocked, through no VPN or hosting network: direct evidence of operators inside the country.",
                    100.0 * share,
                    country_name(c)
                ));
            }
        }
    }
    // 4. State media.
    at.state_media_share = sm_posts as f64 / n_posts.max(1) as f64;
    let mut sm: Vec<(String, String, u32)> = outlets
        .into_iter()
        .map(|(o, k)| {
            (
                reg.outlets[o].name.clone(),
                reg.outlets[o].country.clone(),
                k,
            )
        })
        .collect();
    sm.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    at.state_media = sm;
    if sm_posts >= 3 {
        let scale = (at.state_media_share / 0.1).min(1.0);
        let mut by_country: HashMap<String, f64> = HashMap::new();
        for (_, c, k) in &at.state_media {
            *by_country.entry(c.clone()).or_default() += *k as f64;
        }
        for (c, s) in shares(by_country) {
            if let Some(code) = static_code(&c) {
                support(&mut points, code, 2.0 * s * scale, "state media");
            }
        }
        let names: Vec<String> = at
            .state_media
            .iter()
            .take(4)
            .map(|(o, c, k)| format!("{o} ({}) {k}", country_name(c)))
            .collect();
        at.evidence.push(format!(
            "{:.1}% of posts link to or amplify state-controlled media: {}.",
            100.0 * at.state_media_share,
            names.join(", ")
        ));
    }
    // Candidates and origin.
    let mut cands: Vec<(&'static str, f64)> = points.into_iter().collect();
    cands.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    at.candidates = cands.iter().map(|(c, p)| (c.to_string(), *p)).collect();
    if let Some(&(top, p)) = cands.first() {
        let tied = cands.get(1).is_some_and(|x| (p - x.1).abs() < 0.25);
        let k = kinds.get(top).map_or(0, |v| v.len());
        at.confidence_label = match k {
            0 => "none",
            1 => "low",
            2 => "medium",
            _ => "high",
        };
        at.confidence = (k as f64 / 4.0).min(1.0) * if tied { 0.5 } else { 1.0 };
        let agreeing = kinds.get(top).cloned().unwrap_or_default().join(", ");
        if tied {
            let names: Vec<&str> = cands
                .iter()
                .take_while(|x| (p - x.1).abs() < 0.25)
                .map(|x| country_name(x.0))
                .collect();
            at.summary = format!(
                "Origin undetermined between {} ({agreeing}); no single country stands out.",
                names.join(", ")
            );
        } else {
            at.origin = Some(top.to_string());
            let level = lockstep_model::Confidence::parse(at.confidence_label).unwrap_or_default();
            at.summary = format!(
                "{} Agreeing evidence: {agreeing}.",
                lockstep_model::origin_sentence(Some(country_name(top)), level)
            );
        }
    } else {
        at.summary = "No origin can be inferred from the available evidence.".to_string();
    }
    if !at.evidence.is_empty() {
        at.summary = format!("{} {}", at.evidence.join(" "), at.summary);
    }
    at
}

/// The static code for a country code string (only codes the tables know can gain points).
fn static_code(c: &str) -> Option<&'static str> {
    const ALL: [&str; 31] = [
        "CN", "HK", "TW", "SG", "MY", "PH", "KP", "KR", "JP", "VN", "TH", "ID", "PK", "AE", "IR",
        "RU", "TR", "SA", "BY", "EG", "UA", "DE", "FR", "NL", "GB", "VE", "CU", "US", "MX", "IN",
        "BR",
    ];
    ALL.iter().copied().find(|x| *x == c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{DAY, Groups};
    use crate::signals::testutil::*;
    use lockstep_model::PostRecord;

    #[test]
    fn shares_are_the_same_whatever_the_map_order() {
        // Every std HashMap has its own random hash seed, so these iterate in different orders.
        let mut seen = Vec::new();
        for _ in 0..32 {
            let mut m: HashMap<String, f64> = HashMap::new();
            for (k, c) in [
                ("ru", 0.1),
                ("cn", 0.2),
                ("ir", 0.1),
                ("us", 0.3),
                ("ve", 0.1),
            ] {
                m.insert(k.to_string(), c);
            }
            let v = shares(m);
            let bits: Vec<(String, u64)> = v.into_iter().map(|(k, s)| (k, s.to_bits())).collect();
            seen.push(bits);
        }
        assert!(seen.windows(2).all(|w| w[0] == w[1]), "{:?}", seen[0]);
        let keys: Vec<&str> = seen[0].iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["us", "cn", "ir", "ru", "ve"]);
    }

    #[test]
    fn an_authoring_cluster_is_timed_by_its_authored_posts() {
        // Operators author weekday posts 09:00-17:00 at UTC+8; their cluster also reposts, always
        // four hours after the original (boosting after the fact), fewer posts than authored.
        let (mut b, src) = builder();
        let mut n = 0;
        for acc in ["a", "b", "c"] {
            for w in 0..4 {
                for d in 0..5 {
                    for hr in [9i64, 10, 11, 14, 15, 16] {
                        n += 1;
                        let t = MONDAY + (w * 7 + d) * DAY + (hr - 8) * 3600;
                        let id = format!("p{n}");
                        b.push_post(
                            &PostRecord {
                                external_id: &id,
                                account: acc,
                                time: t,
                                ..Default::default()
                            },
                            src,
                        );
                        if n % 5 != 0 {
                            b.push_post(
                                &PostRecord {
                                    external_id: &format!("r{n}"),
                                    account: acc,
                                    time: t + 4 * 3600,
                                    repost_of: &id,
                                    kind: Some(PostKind::Repost),
                                    ..Default::default()
                                },
                                src,
                            );
                        }
                    }
                }
            }
        }
        let ds = finish(b);
        let g = Groups::single(ds.accounts.len());
        let ctx = Context::new(&ds, &g);
        let at = attribute(&ctx, &ScoreParams::default(), &g.members[0]);
        assert_eq!(at.utc_offset, Some(8), "{:?}", at.evidence);
        assert!(
            at.evidence[0].contains("authored posts"),
            "{:?}",
            at.evidence
        );
    }

    #[test]
    fn office_hours_in_beijing_with_chinese_state_media() {
        let (mut b, src) = builder();
        let mut n = 0;
        for acc in ["a", "b", "c"] {
            for w in 0..4 {
                for d in 0..5 {
                    for hr in [9i64, 11, 14, 16] {
                        n += 1;
                        let t = MONDAY + (w * 7 + d) * DAY + (hr - 8) * 3600;
                        let urls = ["https://www.globaltimes.cn/x"];
                        let u: &[&str] = if n % 4 == 0 { &urls } else { &[] };
                        b.push_post(
                            &PostRecord {
                                external_id: &format!("p{n}"),
                                account: acc,
                                time: t,
                                language: "zh",
                                urls: u,
                                ..Default::default()
                            },
                            src,
                        );
                    }
                }
            }
        }
        let ds = finish(b);
        let g = Groups::single(ds.accounts.len());
        let ctx = Context::new(&ds, &g);
        let at = attribute(&ctx, &ScoreParams::default(), &g.members[0]);
        assert_eq!(at.utc_offset, Some(8));
        assert_eq!(at.offset_method, Some("office_hours"));
        assert_eq!(at.origin.as_deref(), Some("CN"));
        assert_eq!(at.confidence_label, "high");
        assert!(at.summary.contains("UTC+8"), "{}", at.summary);
        assert!(at.summary.contains("Global Times"), "{}", at.summary);
    }

    #[test]
    fn direct_logins_from_a_blocked_country_are_origin_evidence() {
        // Posts at no particular hour, in English: only the logins say where the operators are.
        let (mut b, src) = builder();
        for (i, acc) in ["a", "b", "c"].iter().enumerate() {
            for k in 0..30i64 {
                b.push_post(
                    &PostRecord {
                        external_id: &format!("{acc}{k}"),
                        account: acc,
                        time: MONDAY + k * 7919 + i as i64 * 601,
                        language: "en",
                        ..Default::default()
                    },
                    src,
                );
            }
        }
        for acc in ["a", "b", "c"] {
            for k in 0..4i64 {
                b.push_login(acc, MONDAY + k * DAY, "1.2.3.4", "");
            }
        }
        let ds = finish(b);
        let g = Groups::single(ds.accounts.len());
        let ctx = Context::new(&ds, &g);
        let mut db = crate::ip::IpDatabase::new();
        // 1.2.3.0/24 is in CN (16909056 = 1.2.3.0).
        db.add_tor_text("16909056,16909311,CN\n", "", "test")
            .unwrap();
        let params = ScoreParams {
            ip: Some(db),
            ..ScoreParams::default()
        };
        let at = attribute(&ctx, &params, &g.members[0]);
        assert_eq!(at.origin.as_deref(), Some("CN"), "{:?}", at.evidence);
        // Login country and direct logins from a blocked country: two kinds.
        assert_eq!(at.confidence_label, "medium", "{:?}", at.evidence);
        assert!(
            at.evidence
                .iter()
                .any(|e| e.contains("where the platform is blocked")),
            "{:?}",
            at.evidence
        );
        // Without the IP data there is nothing to go on.
        let at = attribute(&ctx, &ScoreParams::default(), &g.members[0]);
        assert_eq!(at.origin, None);
    }

    #[test]
    fn evening_posters_get_sleep_trough() {
        let (mut b, src) = builder();
        let mut n = 0;
        for d in 0..28 {
            for hr in [8i64, 12, 18, 19, 20, 21, 22, 23] {
                n += 1;
                // Local time UTC-5.
                post(
                    &mut b,
                    src,
                    &format!("p{n}"),
                    "x",
                    MONDAY + d * DAY + (hr + 5) * 3600,
                    "t",
                );
            }
        }
        let ds = finish(b);
        let g = Groups::single(ds.accounts.len());
        let ctx = Context::new(&ds, &g);
        let at = attribute(&ctx, &ScoreParams::default(), &g.members[0]);
        assert_eq!(at.offset_method, Some("sleep_trough"));
        assert_eq!(at.utc_offset, Some(-5));
        assert!(at.origin.is_none() || at.confidence_label == "low");
    }
}
