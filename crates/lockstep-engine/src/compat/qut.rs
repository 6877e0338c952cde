//! `--semantics qut`: the coordination-network-toolkit 1.5.2 (QUT Digital Media Research Centre)
//! networks `co_retweet`, `co_tweet`, `co_link` and `co_reply`, rule by rule (docs/semantics.md):
//!
//! - messages are de-duplicated by message id (the first is kept, like its `insert or ignore`);
//! - `co_retweet`: messages with a repost id, key = the repost id;
//! - `co_tweet`: messages **without** a repost id (replies included), key = the toolkit's
//!   `message_preprocessor(text)`: lowercase, delete every `@` and the non-space run after it,
//!   split on whitespace and join with one space (an empty result is a key like any other);
//! - `co_reply`: messages without a repost id and with a reply id, key = the reply id;
//! - `co_link`: the distinct URLs of messages without a repost id, key = the URL string as given
//!   (the toolkit's CSV reader turns an empty `urls` field into the one URL `""`; with
//!   [`QutParams::empty_url_quirk`] a message without URLs gets that URL too);
//! - directed weight `u1 -> u2` = number of **distinct messages of `u1`** that have a message of
//!   `u2` with the same key at `|t1 - t2| <= time_window` (inclusive); `u1 == u2` loops are
//!   dropped (the toolkit's default export); edges with weight below `min_edge_weight` dropped.
//!
//! The computation is exact (no skew cap): each key's messages are time-sorted and every message
//! scans its window with two pointers, so the cost is the number of in-window message pairs.

use hashbrown::HashMap;
use lockstep_model::{AccountId, Dataset, Sym};
use rayon::prelude::*;

/// Which toolkit network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QutNetwork {
    /// `co_retweet`.
    CoRetweet,
    /// `co_tweet`.
    CoTweet,
    /// `co_link`.
    CoLink,
    /// `co_reply`.
    CoReply,
}

impl QutNetwork {
    /// All four, in the toolkit's documentation order.
    pub const ALL: [QutNetwork; 4] = [
        QutNetwork::CoRetweet,
        QutNetwork::CoTweet,
        QutNetwork::CoLink,
        QutNetwork::CoReply,
    ];

    /// The toolkit's command name.
    pub fn as_str(self) -> &'static str {
        match self {
            QutNetwork::CoRetweet => "co_retweet",
            QutNetwork::CoTweet => "co_tweet",
            QutNetwork::CoLink => "co_link",
            QutNetwork::CoReply => "co_reply",
        }
    }

    /// The Lockstep layer it corresponds to.
    pub fn layer(self) -> crate::Layer {
        match self {
            QutNetwork::CoRetweet => crate::Layer::Repost,
            QutNetwork::CoTweet => crate::Layer::Text,
            QutNetwork::CoLink => crate::Layer::Url,
            QutNetwork::CoReply => crate::Layer::Reply,
        }
    }
}

/// Parameters (the toolkit's `--time_window` and `--min_edge_weight`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QutParams {
    /// Seconds, inclusive.
    pub time_window: i64,
    /// Minimum directed weight kept (the toolkit's default is 1).
    pub min_edge_weight: u32,
    /// Give URL-less non-repost messages the URL `""`, as the toolkit's CSV reader does.
    pub empty_url_quirk: bool,
}

impl Default for QutParams {
    fn default() -> Self {
        QutParams {
            time_window: 60,
            min_edge_weight: 1,
            empty_url_quirk: true,
        }
    }
}

/// One directed edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QutEdge {
    /// `user_1`.
    pub from: AccountId,
    /// `user_2`.
    pub to: AccountId,
    /// Distinct messages of `from` with a matching message of `to` in the window.
    pub weight: u32,
}

fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The toolkit's `message_preprocessor`: lowercase, strip `@mentions`, collapse whitespace.
pub fn message_preprocessor(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut cleaned = String::with_capacity(lower.len());
    let mut skipping = false;
    for c in lower.chars() {
        if skipping {
            if is_py_space(c) {
                skipping = false;
                cleaned.push(c);
            }
            continue;
        }
        if c == '@' {
            skipping = true;
            continue;
        }
        cleaned.push(c);
    }
    let mut out = String::with_capacity(cleaned.len());
    for w in cleaned.split(is_py_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// `(key, time, user, message)` rows of one network.
type Rows = Vec<(u64, i64, AccountId, u32)>;

fn rows(ds: &Dataset, net: QutNetwork, params: &QutParams) -> Rows {
    let p = &ds.posts;
    let mut out = Rows::new();
    let mut text_keys: HashMap<String, u64> = HashMap::new();
    for i in 0..p.len() {
        let is_repost = !p.repost_of[i].is_none();
        let (t, u, m) = (p.time[i], p.account[i], i as u32);
        match net {
            QutNetwork::CoRetweet => {
                if is_repost && !p.repost_of[i].is_none() {
                    out.push((p.repost_of[i].0 as u64, t, u, m));
                }
            }
            QutNetwork::CoReply => {
                if !is_repost && !p.reply_to[i].is_none() {
                    out.push((p.reply_to[i].0 as u64, t, u, m));
                }
            }
            QutNetwork::CoTweet => {
                if !is_repost {
                    let k = message_preprocessor(ds.str(p.text[i]));
                    let n = text_keys.len() as u64;
                    let key = *text_keys.entry(k).or_insert(n);
                    out.push((key, t, u, m));
                }
            }
            QutNetwork::CoLink => {
                if !is_repost {
                    let urls = p.urls.get(i);
                    if urls.is_empty() {
                        if params.empty_url_quirk {
                            out.push((Sym::NONE.0 as u64, t, u, m));
                        }
                    } else {
                        let mut seen: Vec<Sym> = urls.to_vec();
                        seen.sort_unstable();
                        seen.dedup();
                        out.extend(seen.into_iter().map(|s| (s.0 as u64, t, u, m)));
                    }
                }
            }
        }
    }
    out
}

/// The directed edges of one network, sorted by `(from, to)`.
pub fn network(ds: &Dataset, net: QutNetwork, params: &QutParams) -> Vec<QutEdge> {
    let mut rows = rows(ds, net, params);
    rows.par_sort_unstable();
    // Key groups.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut s = 0;
    for i in 1..=rows.len() {
        if i == rows.len() || rows[i].0 != rows[s].0 {
            groups.push((s, i));
            s = i;
        }
    }
    let w = params.time_window;
    // (from, to, message) triples, de-duplicated: a message counts once per partner.
    let mut triples: Vec<(u32, u32, u32)> = groups
        .par_iter()
        .flat_map_iter(|&(s, e)| {
            let g = &rows[s..e];
            let mut out = Vec::new();
            let mut lo = 0usize;
            let mut hi = 0usize;
            let mut partners: Vec<u32> = Vec::new();
            for &(_, t, u, m) in g {
                while g[lo].1 < t - w {
                    lo += 1;
                }
                while hi < g.len() && g[hi].1 <= t + w {
                    hi += 1;
                }
                partners.clear();
                partners.extend(g[lo..hi].iter().map(|r| r.2.0).filter(|&v| v != u.0));
                partners.sort_unstable();
                partners.dedup();
                out.extend(partners.iter().map(|&v| (u.0, v, m)));
            }
            out
        })
        .collect();
    triples.par_sort_unstable();
    triples.dedup();
    let mut edges = Vec::new();
    let mut i = 0;
    while i < triples.len() {
        let (a, b, _) = triples[i];
        let mut j = i;
        while j < triples.len() && triples[j].0 == a && triples[j].1 == b {
            j += 1;
        }
        let weight = (j - i) as u32;
        if weight >= params.min_edge_weight {
            edges.push(QutEdge {
                from: AccountId(a),
                to: AccountId(b),
                weight,
            });
        }
        i = j;
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preprocessor_matches_python() {
        // Python: " ".join(social_media_cleaner.sub("", text.lower()).split())
        assert_eq!(message_preprocessor("Hello @Bob  World"), "hello world");
        assert_eq!(message_preprocessor("RT @x: Same\tTEXT\n"), "rt same text");
        assert_eq!(message_preprocessor("mail a@b.com now"), "mail a now");
        assert_eq!(message_preprocessor("@only"), "");
        assert_eq!(message_preprocessor("ΣΑΣ"), "σας");
    }
}
