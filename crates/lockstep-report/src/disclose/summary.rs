//! The per-network summary in the shape of Meta's coordinated-inauthentic-behaviour reports:
//! accounts, pages, groups, followers, ad spend, origin, target, attribution, first and last
//! activity; as JSON, as Markdown and as the disclosure's README.

use super::DiscloseOptions;
use super::Network;
use super::scrub::Pseudonymizer;
use crate::time::format_minute;
use hashbrown::{HashMap, HashSet};
use lockstep_model::{AccountId, Dataset};
use serde::Serialize;
use std::collections::BTreeMap;

/// Ad spend in one currency.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Spend {
    /// ISO currency code as given (`unknown` when missing).
    pub currency: String,
    /// Total spend, rounded to cents.
    pub amount: f64,
    /// Ads counted.
    pub ads: u64,
}

/// A share of posts (language or hashtag).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Share {
    /// The item.
    pub item: String,
    /// Posts with it.
    pub posts: u64,
    /// Percent of the network's posts, one decimal.
    pub percent: f64,
}

/// One network's summary.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NetworkSummary {
    /// Network id.
    pub network_id: String,
    /// Verdict code.
    pub verdict: String,
    /// Verdict score.
    pub score: Option<f64>,
    /// Accounts in the network.
    pub accounts: u64,
    /// Of which disclosed under a pseudonym.
    pub accounts_pseudonymised: u64,
    /// Facebook-style pages the network's accounts administer.
    pub pages: u64,
    /// Groups the network's accounts administer.
    pub groups: u64,
    /// Sum of the accounts' follower counts (an upper bound on distinct followers reached).
    pub followers_reached: u64,
    /// Accounts whose follower count is unknown (not in `followers_reached`).
    pub accounts_unknown_followers: u64,
    /// Ad spend per currency; `None` when the input had no ad data.
    pub ad_spend: Option<Vec<Spend>>,
    /// Posts disclosed.
    pub posts: u64,
    /// First post, UTC (`YYYY-MM-DD HH:MM`).
    pub first_activity: Option<String>,
    /// Last post, UTC.
    pub last_activity: Option<String>,
    /// Origin in words.
    pub origin: String,
    /// Confidence in the origin: `none`, `low`, `medium`, `high`.
    pub origin_confidence: lockstep_model::Confidence,
    /// Target audience in words.
    pub target: String,
    /// Attribution wording.
    pub attribution: String,
    /// Top post languages.
    pub languages: Vec<Share>,
    /// Top hashtags.
    pub hashtags: Vec<Share>,
}

/// The whole disclosure's summary (`summary.json`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DisclosureSummary {
    /// Producer.
    pub generator: String,
    /// Follower threshold below which identifiers are pseudonymised.
    pub hash_below: u64,
    /// How pseudonyms are made.
    pub pseudonym: String,
    /// One entry per network, in the order selected.
    pub networks: Vec<NetworkSummary>,
}

/// The pseudonym scheme in words.
pub const PSEUDONYM_SCHEME: &str = "HMAC-SHA256 of the account's original id under the publisher's secret key, 64 lowercase hex digits";

fn round(x: f64, digits: i32) -> f64 {
    let m = 10f64.powi(digits);
    (x * m).round() / m
}

fn shares(counts: HashMap<String, u64>, total: u64, n: usize) -> Vec<Share> {
    let mut v: Vec<(String, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v.into_iter()
        .map(|(item, posts)| Share {
            item,
            posts,
            percent: if total == 0 {
                0.0
            } else {
                round(100.0 * posts as f64 / total as f64, 1)
            },
        })
        .collect()
}

/// Summarises every network.
pub fn summarise(
    ds: &Dataset,
    networks: &[Network],
    p: &Pseudonymizer<'_>,
    opts: &DiscloseOptions,
) -> DisclosureSummary {
    let posts = &ds.posts;
    let mut by_net: Vec<Vec<usize>> = vec![Vec::new(); networks.len()];
    let mut member_of: HashMap<AccountId, usize> = HashMap::new();
    for (ni, net) in networks.iter().enumerate() {
        for &(a, _) in &net.members {
            member_of.entry(a).or_insert(ni);
        }
    }
    for i in 0..posts.len() {
        if let Some(&ni) = member_of.get(&posts.account[i]) {
            by_net[ni].push(i);
        }
    }
    let summaries = networks
        .iter()
        .enumerate()
        .map(|(ni, net)| {
            let members: HashSet<AccountId> = net
                .members
                .iter()
                .map(|m| m.0)
                .filter(|a| member_of.get(a) == Some(&ni))
                .collect();
            let mine = &by_net[ni];
            let (mut pages, mut groups) = (HashSet::new(), HashSet::new());
            if let Some(pa) = &ds.page_admins {
                for k in 0..pa.account.len() {
                    if members.contains(&pa.account[k]) {
                        if ds.str(pa.page_kind[k]).eq_ignore_ascii_case("group") {
                            groups.insert(pa.page[k]);
                        } else {
                            pages.insert(pa.page[k]);
                        }
                    }
                }
            }
            let ad_spend = ds.ads.as_ref().map(|ads| {
                let mut by_cur: BTreeMap<String, (f64, u64)> = BTreeMap::new();
                for k in 0..ads.time.len() {
                    if ads.account[k].is_some_and(|a| members.contains(&a)) {
                        let cur = ds.str(ads.currency[k]).trim().to_ascii_uppercase();
                        let cur = if cur.is_empty() { "unknown".to_string() } else { cur };
                        let e = by_cur.entry(cur).or_insert((0.0, 0));
                        e.0 += ads.spend[k].unwrap_or(0.0);
                        e.1 += 1;
                    }
                }
                by_cur
                    .into_iter()
                    .map(|(currency, (amount, ads))| Spend {
                        currency,
                        amount: round(amount, 2),
                        ads,
                    })
                    .collect::<Vec<_>>()
            });
            let mut langs: HashMap<String, u64> = HashMap::new();
            let mut tags: HashMap<String, u64> = HashMap::new();
            for &i in mine {
                let l = ds.str(posts.language[i]);
                if !l.is_empty() {
                    *langs.entry(l.to_string()).or_insert(0) += 1;
                }
                let mut seen: Vec<String> = posts
                    .hashtags
                    .get(i)
                    .iter()
                    .map(|&t| p.scrub(ds.str(t)).to_lowercase())
                    .collect();
                seen.sort_unstable();
                seen.dedup();
                for t in seen {
                    *tags.entry(t).or_insert(0) += 1;
                }
            }
            let total = mine.len() as u64;
            let languages = shares(langs, total, 3);
            let hashtags = shares(tags, total, 5);
            let mut followers = 0u64;
            let mut unknown = 0u64;
            let mut hashed = 0u64;
            for &a in &members {
                match ds.accounts.followers[a.idx()] {
                    Some(f) => followers += f,
                    None => unknown += 1,
                }
                if !p.sensitive.is_public(a) {
                    hashed += 1;
                }
            }
            let times = mine.iter().map(|&i| posts.time[i]);
            let target = net.target.clone().unwrap_or_else(|| derived_target(&languages, &hashtags));
            NetworkSummary {
                network_id: net.id.clone(),
                verdict: net.verdict.as_str().to_string(),
                score: net.score.map(|s| round(s, 3)),
                accounts: members.len() as u64,
                accounts_pseudonymised: hashed,
                pages: pages.len() as u64,
                groups: groups.len() as u64,
                followers_reached: followers,
                accounts_unknown_followers: unknown,
                ad_spend,
                posts: total,
                first_activity: times.clone().min().map(format_minute),
                last_activity: times.max().map(format_minute),
                origin: net.origin.clone().unwrap_or_else(|| "not determined".into()),
                origin_confidence: net.origin_confidence,
                target,
                attribution: net.attribution.clone().unwrap_or_else(|| {
                    "No attribution: the evidence does not point to an operator with enough confidence."
                        .into()
                }),
                languages,
                hashtags,
            }
        })
        .collect();
    DisclosureSummary {
        generator: opts.generator.clone(),
        hash_below: opts.hash_below,
        pseudonym: PSEUDONYM_SCHEME.into(),
        networks: summaries,
    }
}

fn derived_target(langs: &[Share], tags: &[Share]) -> String {
    if langs.is_empty() && tags.is_empty() {
        return "not determined".into();
    }
    let mut s = String::new();
    if !langs.is_empty() {
        let l: Vec<String> = langs
            .iter()
            .map(|l| format!("{} ({}% of posts)", l.item, l.percent))
            .collect();
        s.push_str(&format!("audiences reading {}", l.join(", ")));
    }
    if !tags.is_empty() {
        if !s.is_empty() {
            s.push_str("; ");
        }
        let t: Vec<String> = tags
            .iter()
            .take(3)
            .map(|t| format!("#{}", t.item))
            .collect();
        s.push_str(&format!("conversations under {}", t.join(", ")));
    }
    s
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// `summary.md`: one section per network, worded like a CIB report.
pub fn markdown(s: &DisclosureSummary) -> String {
    let mut md = String::from("# Coordinated inauthentic behaviour: disclosure summary\n\n");
    md.push_str(&format!(
        "Produced by {}. Accounts with fewer than {} followers (or an unknown count) appear under a pseudonym: {}.\n",
        s.generator,
        thousands(s.hash_below),
        PSEUDONYM_SCHEME
    ));
    for n in &s.networks {
        md.push_str(&format!("\n## Network {}\n\n", n.network_id));
        let what = match n.verdict.as_str() {
            "inauthentic" => "engaged in coordinated inauthentic behaviour",
            "coordinated_organic" => "acted in a coordinated way but appears authentic",
            "coordinated_undetermined" => {
                "acted in a coordinated way; whether its accounts are authentic was not established"
            }
            _ => "was coordinated; no verdict was reached",
        };
        let mut assets = vec![plural(n.accounts, "account", "accounts")];
        if n.pages > 0 {
            assets.push(plural(n.pages, "Page", "Pages"));
        }
        if n.groups > 0 {
            assets.push(plural(n.groups, "Group", "Groups"));
        }
        let assets = match assets.len() {
            1 => assets[0].clone(),
            k => format!("{} and {}", assets[..k - 1].join(", "), assets[k - 1]),
        };
        md.push_str(&format!("We found a network of {assets} that {what}. "));
        if n.origin == "not determined" {
            md.push_str("Its origin could not be determined. ");
        } else {
            // Stated only as far as its confidence allows (lockstep_model::origin_sentence).
            md.push_str(&lockstep_model::origin_sentence(
                Some(&n.origin),
                n.origin_confidence,
            ));
            md.push(' ');
        }
        md.push_str(&format!("It targeted {}.\n\n", n.target));
        md.push_str(&format!(
            "- **Presence:** {} ({} disclosed under a pseudonym), {}, {}.\n",
            plural(n.accounts, "account", "accounts"),
            thousands(n.accounts_pseudonymised),
            plural(n.pages, "Page", "Pages"),
            plural(n.groups, "Group", "Groups")
        ));
        md.push_str(&format!(
            "- **Followers:** about {} in total (sum of the accounts' follower counts; followers can overlap){}.\n",
            thousands(n.followers_reached),
            if n.accounts_unknown_followers > 0 {
                format!(
                    "; {} without a known count",
                    plural(n.accounts_unknown_followers, "account", "accounts")
                )
            } else {
                String::new()
            }
        ));
        match &n.ad_spend {
            None => md.push_str("- **Advertising:** no ad data was available.\n"),
            Some(v) if v.is_empty() => {
                md.push_str("- **Advertising:** no ads by these accounts in the ad data.\n")
            }
            Some(v) => {
                let parts: Vec<String> = v
                    .iter()
                    .map(|sp| {
                        format!(
                            "{:.2} {} ({})",
                            sp.amount,
                            sp.currency,
                            plural(sp.ads, "ad", "ads")
                        )
                    })
                    .collect();
                md.push_str(&format!("- **Advertising:** about {}.\n", parts.join(", ")));
            }
        }
        md.push_str(&format!(
            "- **Activity:** {} from {} to {} (UTC).\n",
            plural(n.posts, "post", "posts"),
            n.first_activity.as_deref().unwrap_or("–"),
            n.last_activity.as_deref().unwrap_or("–")
        ));
        if let Some(sc) = n.score {
            md.push_str(&format!("- **Verdict:** {} (score {sc:.2}).\n", n.verdict));
        } else {
            md.push_str(&format!("- **Verdict:** {}.\n", n.verdict));
        }
        md.push_str(&format!("- **Attribution:** {}\n", n.attribution));
    }
    md
}

/// `README.md` of the disclosure directory.
pub fn readme(s: &DisclosureSummary) -> String {
    let nets: Vec<&str> = s.networks.iter().map(|n| n.network_id.as_str()).collect();
    format!(
        "# Disclosure dataset\n\n\
Networks: {nets}. Produced by {generator}.\n\n\
## Files\n\n\
- `tweets.csv`: every post of the disclosed accounts, in the Twitter information-operations archive's \
30-column tweets schema (`tweetid, userid, user_display_name, user_screen_name, ... hashtags, urls, user_mentions`). \
Times are UTC, `YYYY-MM-DD HH:MM`; list columns are Python-style lists (`['a', 'b']`). \
`quote_count, reply_count, like_count, retweet_count` are empty (not collected). \
`latitude`/`longitude` are `absent` unless the author is above the threshold. \
Text cells (names, descriptions, locations, profile URLs, tweet text, client) that begin with `=`, `+`, `-`, `@`, \
a tab or a carriage return start with an added `'` so that spreadsheets do not run them as formulas: \
remove one leading `'` when the rest begins with one of those characters or another such `'` to get the \
original text.\n\
- `users.csv`: one row per disclosed account, the archive's 10-column users schema.\n\
- `network_accounts.csv`: `userid, network_id, verdict, role` — which network each account belongs to.\n\
- `summary.md` / `summary.json`: per network, in the shape of coordinated-inauthentic-behaviour reports: \
accounts, pages, groups, followers, ad spend, origin, target, attribution, first and last activity.\n\
- `report.html`: charts of the disclosed networks (activity, hour of week, account creation, top hashtags, \
domains and clients, the coordination network), drawn from `tweets.csv` and `users.csv` only; one file, \
no network access needed.\n\n\
## Pseudonyms\n\n\
Accounts with fewer than {hash_below} followers, or whose follower count is unknown, are not named. Their id, \
screen name and display name are all replaced by one pseudonym: {scheme}. The same account has the same \
pseudonym in every column (`userid`, `user_screen_name`, `user_display_name`, `in_reply_to_userid`, \
`retweet_userid`, `user_mentions`) and inside text (`RT @handle:`, `@mentions`, `twitter.com/handle` links, \
the name or id written out). A mention of an account the data did not describe is replaced by the keyed hash \
of `@` plus its lowercased handle. The key is kept by the publisher and is not part of this dataset, \
so pseudonyms cannot be reversed or confirmed by hashing guesses. Profile URLs of pseudonymised accounts are \
removed. Tweet ids are kept: they are needed to link retweets and replies.\n\n\
Accounts at or above the threshold keep their real identifiers.\n",
        nets = nets.join(", "),
        generator = s.generator,
        hash_below = thousands(s.hash_below),
        scheme = PSEUDONYM_SCHEME,
    )
}
