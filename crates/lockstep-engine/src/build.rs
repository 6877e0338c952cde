//! Building a layer's [`Trace`] from a [`Dataset`] (DESIGN §5).
//!
//! | layer | actions | target key |
//! |---|---|---|
//! | `repost` | reposts | the reposted post's external id; when the source has none, the repost's normalised text (tagged hash) |
//! | `text` | non-repost posts with non-empty normalised text | 64-bit xxh3 of [`crate::text::normalize`] |
//! | `url` | each distinct canonical URL of a non-repost post | xxh3 of [`crate::canon::canonical_url`] |
//! | `domain` | each distinct registrable domain of a non-repost post's URLs | xxh3 of the domain |
//! | `hashtag` | each distinct lowercased hashtag of a non-repost post | xxh3 of the tag |
//! | `hashtag_seq` | non-repost posts with **two or more** hashtags | xxh3 of the ordered lowercased list |
//! | `reply` | replies | the replied-to post's external id |
//! | `mention` | each distinct mentioned account of a non-repost post | the mention as given (ids are case-sensitive) |
//! | `media` | each distinct media hash of a non-repost post | the hash |
//! | `amplify` | reposts and quotes | the amplified post (directed, owner = its author) |
//! | `ip` / `device` | login events | the ip / device string |
//!
//! Some sources (the FiveThirtyEight IRA file, exports that keep only `RT @x: ...` text) mark a
//! row as a repost without naming the reposted post. Two reposts of the same post carry the same
//! text, so such a repost's `repost` target is the xxh3 of its normalised text (the leading
//! `RT @x:` is stripped by [`crate::text::normalize`]) with the top bit set, keeping it apart from
//! post-id targets. Reposts that name their post always use the id.
//!
//! Reposts count only in the `repost` (and `amplify`) layers. For `amplify`, when the amplified post
//! is in the dataset its author and posting time are the owner; when it is not but the source
//! names the reposted account (`repost_of_account`), the owner is that account and the posting time
//! is taken as the **earliest observed repost** of that post (a lower bound of the delay is lost:
//! delays are measured from the first observed repost). Quotes of posts outside the dataset have
//! no known author and are skipped. A repost that names neither its post nor its author (the IRA
//! file) amplifies the **earliest original post in the dataset with the same normalised text**,
//! when that post is earlier and by another account (the IRA's accounts retweeting each other).
//!
//! Events are sorted by `(target, time, account)`; target ids are dense, numbered in order of
//! first appearance (by post order), so the trace is deterministic for a given dataset.

use crate::canon::{canonical_url, registrable_domain};
use crate::layer::Layer;
use crate::trace::{Event, Trace};
use hashbrown::HashMap;
use lockstep_model::{AccountId, Dataset, PostKind, Sym};
use rayon::prelude::*;
use thiserror::Error;
use xxhash_rust::xxh3::xxh3_64;

/// Errors building a trace.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TraceError {
    /// The layer is built elsewhere (e.g. `similar_text` by the near-duplicate stage).
    #[error("layer `{0}` is not built by the trace builder")]
    Unsupported(Layer),
}

type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Raw `(key, time, account)` actions before target ids are assigned.
type Raw = Vec<(u64, i64, AccountId)>;

/// Assigns dense target ids in order of first appearance and sorts.
fn finish(layer: Layer, raw: Raw) -> Trace {
    let mut ids: FastMap<u64, u32> = FastMap::default();
    let mut events: Vec<Event> = Vec::with_capacity(raw.len());
    for (key, time, account) in raw {
        let n = ids.len() as u32;
        let target = *ids.entry(key).or_insert(n);
        events.push(Event {
            target,
            time,
            account,
        });
    }
    events.par_sort_unstable();
    events.dedup();
    Trace {
        layer: Some(layer),
        n_targets: ids.len() as u32,
        events,
        owner: Vec::new(),
    }
}

fn is_repost(ds: &Dataset, i: usize) -> bool {
    ds.posts.kind[i] == PostKind::Repost
}

/// Tag of `repost` targets keyed by text rather than by the reposted post's id (ids are `u32`).
const REPOST_BY_TEXT: u64 = 1 << 63;

/// xxh3 of the post's normalised text, or `None` when it has no text or normalises to nothing.
fn text_key(ds: &Dataset, i: usize) -> Option<u64> {
    let sym = ds.posts.text[i];
    if sym.is_none() {
        return None;
    }
    thread_local! {
        /// The normalised text, reused across calls (no allocation per post).
        static NORMALISED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    NORMALISED.with(|buf| {
        // A re-entrant call cannot happen (normalize does not call back); fall back to a fresh
        // buffer rather than panic if it ever did.
        let mut fresh = String::new();
        let mut guard = buf.try_borrow_mut().ok();
        let s = guard.as_deref_mut().unwrap_or(&mut fresh);
        crate::text::normalize(ds.str(sym), s);
        (!s.is_empty()).then(|| xxh3_64(s.as_bytes()))
    })
}

/// Per-post keys computed in parallel (chunks keep post order, so ids stay deterministic).
fn per_post_keys<F>(ds: &Dataset, f: F) -> Raw
where
    F: Fn(usize, &mut Vec<u64>) + Sync,
{
    let n = ds.posts.len();
    let chunk = 65_536;
    let parts: Vec<Raw> = (0..n.div_ceil(chunk))
        .into_par_iter()
        .map(|c| {
            let mut out = Raw::new();
            let mut keys = Vec::new();
            for i in c * chunk..((c + 1) * chunk).min(n) {
                keys.clear();
                f(i, &mut keys);
                keys.sort_unstable();
                keys.dedup();
                for &k in &keys {
                    out.push((k, ds.posts.time[i], ds.posts.account[i]));
                }
            }
            out
        })
        .collect();
    parts.concat()
}

/// Caches a string-derived key per distinct symbol (hashtags, urls repeat a lot).
fn sym_keys(
    ds: &Dataset,
    syms: &[Sym],
    f: impl Fn(&str) -> Option<u64> + Sync,
) -> FastMap<Sym, u64> {
    let mut distinct: Vec<Sym> = syms.to_vec();
    distinct.par_sort_unstable();
    distinct.dedup();
    distinct
        .into_par_iter()
        .filter_map(|s| f(ds.str(s)).map(|k| (s, k)))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// Whether a layer can run on a dataset, and why (not): the one answer `lockstep inspect` prints
/// and `investigate` runs by (issue 14: they used to disagree).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LayerSupport {
    /// The layer.
    pub layer: Layer,
    /// True when the data holds actions the layer's trace takes.
    pub supported: bool,
    /// What the layer will use, or what is missing.
    pub detail: String,
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// For every layer (in [`Layer::ALL`] order), whether this dataset has actions for it, counted
/// with the same conditions [`build_trace`] applies (reposts count only in `repost` and
/// `amplify`; `hashtag_seq` needs a post with two or more hashtags; `amplify` needs a repost or
/// quote that names its original or its author, or a repost without ids whose text can match an
/// earlier original). `similar_text` is supported with `text`: how many texts are long enough
/// for near-duplicate detection is known only when its trace is built.
pub fn layer_support(ds: &Dataset) -> Vec<LayerSupport> {
    let p = &ds.posts;
    let n = p.len();
    let count =
        |f: &(dyn Fn(usize) -> bool + Sync)| (0..n).into_par_iter().filter(|&i| f(i)).count();
    let original = |i: usize| !is_repost(ds, i);
    let repost_ids = count(&|i| is_repost(ds, i) && !p.repost_of[i].is_none());
    let repost_texts =
        count(&|i| is_repost(ds, i) && p.repost_of[i].is_none() && !p.text[i].is_none());
    let amplify_named = count(&|i| {
        (p.kind[i] == PostKind::Repost || p.kind[i] == PostKind::Quote)
            && (p.repost_of_account[i].is_some()
                || (is_repost(ds, i) && !p.repost_of[i].is_none())
                || !p.quote_of[i].is_none())
    });
    let amplify_text = count(&|i| {
        is_repost(ds, i)
            && p.repost_of[i].is_none()
            && p.repost_of_account[i].is_none()
            && !p.text[i].is_none()
    });
    let texts = count(&|i| original(i) && !p.text[i].is_none());
    let urls = count(&|i| original(i) && !p.urls.get(i).is_empty());
    let domains = count(&|i| original(i) && !p.domains.get(i).is_empty());
    let tags = count(&|i| original(i) && !p.hashtags.get(i).is_empty());
    let tag_seqs = count(&|i| original(i) && p.hashtags.get(i).len() >= 2);
    let replies = count(&|i| original(i) && !p.reply_to[i].is_none());
    let mentions = count(&|i| original(i) && p.mentions.get(i).iter().any(|s| !s.is_none()));
    let media = count(&|i| original(i) && p.media.get(i).iter().any(|s| !s.is_none()));
    let logins = ds.logins.as_ref().map_or(0, |l| l.account.len());
    let ip = ds
        .logins
        .as_ref()
        .map_or(0, |l| l.ip.iter().filter(|s| !s.is_none()).count());
    let device = ds
        .logins
        .as_ref()
        .map_or(0, |l| l.device.iter().filter(|s| !s.is_none()).count());
    let t = thousands;
    Layer::ALL
        .iter()
        .map(|&layer| {
            let (supported, detail) = match layer {
                Layer::Repost => (
                    repost_ids + repost_texts > 0,
                    match (repost_ids, repost_texts) {
                        (0, 0) => "no reposts".to_string(),
                        (0, x) => format!("no reposted-post ids: identical text of {} reposts", t(x)),
                        (r, 0) => format!("{} reposts with the reposted post's id", t(r)),
                        (r, x) => format!(
                            "{} reposts with the reposted post's id, {} by identical text",
                            t(r),
                            t(x)
                        ),
                    },
                ),
                Layer::Amplify => (
                    amplify_named + amplify_text > 0,
                    if amplify_named + amplify_text == 0 {
                        "no reposts or quotes with a known original or author, no repost text to match one".to_string()
                    } else {
                        format!(
                            "{} reposts/quotes naming the original or its author, {} reposts matched to an earlier original by identical text when it is in the data",
                            t(amplify_named),
                            t(amplify_text)
                        )
                    },
                ),
                Layer::Text => (texts > 0, format!("{} original posts with text", t(texts))),
                Layer::SimilarText => (
                    texts > 0,
                    if texts > 0 {
                        format!("near-duplicates among {} original posts with text", t(texts))
                    } else {
                        "no original post text".to_string()
                    },
                ),
                Layer::Url => (urls > 0, format!("{} original posts with URLs", t(urls))),
                Layer::Domain => (
                    urls + domains > 0,
                    format!(
                        "{} original posts with a source-given domain (used first), {} with URLs (their registrable domain)",
                        t(domains),
                        t(urls)
                    ),
                ),
                Layer::Hashtag => (tags > 0, format!("{} original posts with hashtags", t(tags))),
                Layer::HashtagSeq => (
                    tag_seqs > 0,
                    if tag_seqs > 0 {
                        format!("{} original posts with two or more hashtags", t(tag_seqs))
                    } else {
                        format!(
                            "no post with two or more hashtags ({} with one: that is the hashtag layer)",
                            t(tags)
                        )
                    },
                ),
                Layer::Reply => (
                    replies > 0,
                    format!("{} replies with the replied-to post's id", t(replies)),
                ),
                Layer::Mention => (mentions > 0, format!("{} original posts with mentions", t(mentions))),
                Layer::Media => (media > 0, format!("{} original posts with media hashes", t(media))),
                Layer::Ip => (ip > 0, format!("{} login events, {} with an IP", t(logins), t(ip))),
                Layer::Device => (
                    device > 0,
                    format!("{} login events, {} with a device", t(logins), t(device)),
                ),
            };
            LayerSupport {
                layer,
                supported,
                detail,
            }
        })
        .collect()
}

/// The layers this dataset has actions for: the supported rows of [`layer_support`].
pub fn supported_layers(ds: &Dataset) -> Vec<Layer> {
    layer_support(ds)
        .into_iter()
        .filter(|l| l.supported)
        .map(|l| l.layer)
        .collect()
}

/// Builds the trace of one layer.
pub fn build_trace(ds: &Dataset, layer: Layer) -> Result<Trace, TraceError> {
    let p = &ds.posts;
    let trace = match layer {
        Layer::Repost => finish(
            layer,
            per_post_keys(ds, |i, k| {
                if !is_repost(ds, i) {
                    return;
                }
                if !p.repost_of[i].is_none() {
                    k.push(p.repost_of[i].0 as u64);
                } else if let Some(key) = text_key(ds, i) {
                    k.push(key | REPOST_BY_TEXT);
                }
            }),
        ),
        Layer::Reply => finish(
            layer,
            per_post_keys(ds, |i, k| {
                if !is_repost(ds, i) && !p.reply_to[i].is_none() {
                    k.push(p.reply_to[i].0 as u64);
                }
            }),
        ),
        Layer::Text => finish(
            layer,
            per_post_keys(ds, |i, k| {
                if !is_repost(ds, i)
                    && let Some(key) = text_key(ds, i)
                {
                    k.push(key);
                }
            }),
        ),
        Layer::Domain => {
            // The registrable domain: a source-given domain (e.g. CooRTweet's `domain_id`) when the
            // post has one, else the registrable domain of each of its URLs. A source-given value
            // that is not a host name (an anonymised id) is its own key.
            let given = sym_keys(ds, p.domains.values(), |s| {
                let t = s.trim().to_lowercase();
                if t.is_empty() {
                    return None;
                }
                let d = registrable_domain(&format!("http://{t}/")).filter(|_| t.contains('.'));
                Some(xxh3_64(d.unwrap_or(t).as_bytes()))
            });
            let from_url = sym_keys(ds, p.urls.values(), |s| {
                registrable_domain(s).map(|d| xxh3_64(d.as_bytes()))
            });
            finish(
                layer,
                per_post_keys(ds, |i, k| {
                    if is_repost(ds, i) {
                        return;
                    }
                    let doms = p.domains.get(i);
                    if doms.is_empty() {
                        k.extend(
                            p.urls
                                .get(i)
                                .iter()
                                .filter_map(|s| from_url.get(s).copied()),
                        );
                    } else {
                        k.extend(doms.iter().filter_map(|s| given.get(s).copied()));
                    }
                }),
            )
        }
        Layer::Url | Layer::Hashtag => {
            let col = match layer {
                Layer::Hashtag => &p.hashtags,
                _ => &p.urls,
            };
            let cache = sym_keys(ds, col.values(), |s| match layer {
                Layer::Url => {
                    let c = canonical_url(s);
                    (!c.is_empty()).then(|| xxh3_64(c.as_bytes()))
                }
                _ => {
                    let t = s.trim().trim_start_matches('#').to_lowercase();
                    (!t.is_empty()).then(|| xxh3_64(t.as_bytes()))
                }
            });
            finish(
                layer,
                per_post_keys(ds, |i, k| {
                    if is_repost(ds, i) {
                        return;
                    }
                    k.extend(col.get(i).iter().filter_map(|s| cache.get(s).copied()));
                }),
            )
        }
        Layer::HashtagSeq => finish(
            layer,
            per_post_keys(ds, |i, k| {
                let tags = p.hashtags.get(i);
                if is_repost(ds, i) || tags.len() < 2 {
                    return;
                }
                let mut s = String::new();
                for t in tags {
                    s.push_str(&ds.str(*t).trim().trim_start_matches('#').to_lowercase());
                    s.push('\u{1f}');
                }
                k.push(xxh3_64(s.as_bytes()));
            }),
        ),
        Layer::Mention | Layer::Media => {
            let col = if layer == Layer::Mention {
                &p.mentions
            } else {
                &p.media
            };
            finish(
                layer,
                per_post_keys(ds, |i, k| {
                    if is_repost(ds, i) {
                        return;
                    }
                    k.extend(
                        col.get(i)
                            .iter()
                            .filter(|s| !s.is_none())
                            .map(|s| s.0 as u64),
                    );
                }),
            )
        }
        Layer::Ip | Layer::Device => {
            let mut raw = Raw::new();
            if let Some(l) = &ds.logins {
                let col = if layer == Layer::Ip { &l.ip } else { &l.device };
                for ((key, &time), &account) in col.iter().zip(&l.time).zip(&l.account) {
                    if !key.is_none() {
                        raw.push((key.0 as u64, time, account));
                    }
                }
            }
            finish(layer, raw)
        }
        Layer::Amplify => amplify_trace(ds),
        Layer::SimilarText => {
            crate::text::similar_text_trace(ds, &crate::text::SimilarParams::default()).0
        }
    };
    Ok(trace)
}

/// The directed `amplify` trace (see the module docs for the rule when the original is missing).
fn amplify_trace(ds: &Dataset) -> Trace {
    let p = &ds.posts;
    // key: in-dataset post => post index; outside => (1 << 40) | sym of its external id.
    let mut raw = Raw::new();
    let mut owner_of: FastMap<u64, (AccountId, i64)> = FastMap::default();
    let by_text = originals_by_text(ds);
    // The amplified original of each repost that names nothing, found by text (in parallel: the
    // normalisation is the expensive part).
    let by_text_original: FastMap<usize, usize> = if by_text.is_empty() {
        FastMap::default()
    } else {
        (0..p.len())
            .into_par_iter()
            .filter(|&i| {
                p.kind[i] == PostKind::Repost
                    && p.repost_of[i].is_none()
                    && p.repost_of_account[i].is_none()
            })
            .filter_map(|i| {
                let q = *by_text.get(&text_key(ds, i)?)?;
                (p.time[q] <= p.time[i] && p.account[q] != p.account[i]).then_some((i, q))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect()
    };
    for i in 0..p.len() {
        let orig = match p.kind[i] {
            PostKind::Repost => p.repost_of[i],
            PostKind::Quote => p.quote_of[i],
            _ => continue,
        };
        if orig.is_none() {
            // A repost that names no post: its text may still identify an earlier original.
            if let Some(&q) = by_text_original.get(&i) {
                owner_of.insert(q as u64, (p.account[q], p.time[q]));
                raw.push((q as u64, p.time[i], p.account[i]));
            }
            continue;
        }
        let (key, owner) = match ds.post_by_sym(orig) {
            Some(q) => (q.0 as u64, (p.account[q.idx()], p.time[q.idx()])),
            None => match (p.kind[i], p.repost_of_account[i]) {
                (PostKind::Repost, Some(a)) => ((1u64 << 40) | orig.0 as u64, (a, p.time[i])),
                _ => continue,
            },
        };
        owner_of
            .entry(key)
            .and_modify(|o| {
                if key >= (1 << 40) && owner.1 < o.1 {
                    o.1 = owner.1;
                }
            })
            .or_insert(owner);
        raw.push((key, p.time[i], p.account[i]));
    }
    let mut ids: FastMap<u64, u32> = FastMap::default();
    let mut owner: Vec<Option<(AccountId, i64)>> = Vec::new();
    let mut events = Vec::with_capacity(raw.len());
    for (key, time, account) in raw {
        let n = ids.len() as u32;
        let target = *ids.entry(key).or_insert_with(|| {
            owner.push(owner_of.get(&key).copied());
            n
        });
        events.push(Event {
            target,
            time,
            account,
        });
    }
    events.par_sort_unstable();
    events.dedup();
    Trace {
        layer: Some(Layer::Amplify),
        n_targets: ids.len() as u32,
        events,
        owner,
    }
}

/// For datasets with reposts that name neither the reposted post nor its author (the IRA file):
/// the earliest original post of each normalised text, by post index. Empty (and free) when every
/// repost names its post or author.
fn originals_by_text(ds: &Dataset) -> FastMap<u64, usize> {
    let p = &ds.posts;
    let needed = (0..p.len()).any(|i| {
        p.kind[i] == PostKind::Repost
            && p.repost_of[i].is_none()
            && p.repost_of_account[i].is_none()
            && !p.text[i].is_none()
    });
    let mut first: FastMap<u64, usize> = FastMap::default();
    if !needed {
        return first;
    }
    let keys: Vec<(usize, u64)> = (0..p.len())
        .into_par_iter()
        .filter(|&i| p.kind[i] == PostKind::Original)
        .filter_map(|i| text_key(ds, i).map(|k| (i, k)))
        .collect();
    for (i, k) in keys {
        first
            .entry(k)
            .and_modify(|q| {
                if p.time[i] < p.time[*q] {
                    *q = i;
                }
            })
            .or_insert(i);
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::{DatasetBuilder, PostRecord, Resolution, SourceInfo};

    fn ds() -> Dataset {
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo::new("t", "test", Resolution::Second));
        let t1 = ["News", "hk"];
        let t2 = ["news", "HK"];
        let u1 = ["https://Example.com/a/?utm_source=x"];
        let u2 = ["https://example.com/a"];
        b.push_post(
            &PostRecord {
                external_id: "1",
                account: "alice",
                time: 100,
                text: "RT @x: Hello   World http://t.co/x",
                hashtags: &t1,
                urls: &u1,
                ..Default::default()
            },
            src,
        );
        b.push_post(
            &PostRecord {
                external_id: "2",
                account: "bob",
                time: 110,
                text: "hello world",
                hashtags: &t2,
                urls: &u2,
                ..Default::default()
            },
            src,
        );
        b.push_post(
            &PostRecord {
                external_id: "3",
                account: "carol",
                time: 130,
                text: "hello world",
                repost_of: "1",
                ..Default::default()
            },
            src,
        );
        b.push_post(
            &PostRecord {
                external_id: "4",
                account: "dave",
                time: 150,
                repost_of: "999",
                repost_of_account: "erin",
                ..Default::default()
            },
            src,
        );
        b.finish()
    }

    #[test]
    fn layers_share_targets() {
        let d = ds();
        let text = build_trace(&d, Layer::Text).unwrap();
        // The repost is excluded; the two originals normalise to the same text.
        assert_eq!(text.events.len(), 2);
        assert_eq!(text.n_targets, 1);
        let tags = build_trace(&d, Layer::Hashtag).unwrap();
        assert_eq!(tags.n_targets, 2);
        assert_eq!(tags.events.len(), 4);
        let seq = build_trace(&d, Layer::HashtagSeq).unwrap();
        assert_eq!(seq.n_targets, 1);
        let url = build_trace(&d, Layer::Url).unwrap();
        assert_eq!(url.n_targets, 1);
        let dom = build_trace(&d, Layer::Domain).unwrap();
        assert_eq!(dom.n_targets, 1);
        let rep = build_trace(&d, Layer::Repost).unwrap();
        assert_eq!(rep.n_targets, 2);
        let amp = build_trace(&d, Layer::Amplify).unwrap();
        assert_eq!(amp.n_targets, 2);
        let alice = d.account_by_external("alice").unwrap();
        let erin = d.account_by_external("erin").unwrap();
        assert!(amp.owner.contains(&Some((alice, 100))));
        assert!(amp.owner.contains(&Some((erin, 150))));
        assert!(supported_layers(&d).contains(&Layer::Amplify));
        let sim = build_trace(&d, Layer::SimilarText).unwrap();
        assert_eq!(sim.layer, Some(Layer::SimilarText));
    }

    /// Reposts without the reposted post's id (the IRA file) meet on their normalised text; a
    /// different text is a different target, and reposts with ids keep id targets.
    #[test]
    fn reposts_without_ids_meet_on_their_text() {
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo::new("ira", "test", Resolution::Minute));
        let rows = [
            ("a", 60, "Vote early https://t.co/abc"),
            ("b", 120, "RT @src: vote  EARLY"),
            ("c", 180, "something else entirely"),
        ];
        for (n, (account, time, text)) in rows.into_iter().enumerate() {
            b.push_post(
                &PostRecord {
                    external_id: &format!("r{n}"),
                    account,
                    time,
                    text,
                    kind: Some(PostKind::Repost),
                    ..Default::default()
                },
                src,
            );
        }
        b.push_post(
            &PostRecord {
                external_id: "x",
                account: "d",
                time: 200,
                text: "vote early",
                repost_of: "999",
                ..Default::default()
            },
            src,
        );
        // An original by `o` with the same text, earlier than both reposts of it.
        b.push_post(
            &PostRecord {
                external_id: "o1",
                account: "o",
                time: 30,
                text: "VOTE early https://t.co/zzz",
                ..Default::default()
            },
            src,
        );
        let d = b.finish();
        assert!(supported_layers(&d).contains(&Layer::Repost));
        // a and b amplify o's post; c's text has no original; d names another post.
        let amp = build_trace(&d, Layer::Amplify).unwrap();
        let o = d.account_by_external("o").unwrap();
        assert_eq!(amp.owner, vec![Some((o, 30))]);
        let amplifiers: Vec<_> = amp.events.iter().map(|e| e.account).collect();
        let id = |n: &str| d.account_by_external(n).unwrap();
        assert_eq!(amplifiers, vec![id("a"), id("b")]);
        let rep = build_trace(&d, Layer::Repost).unwrap();
        assert_eq!(rep.events.len(), 4);
        // a and b share one text target; c has its own; d's repost keeps its id target.
        assert_eq!(rep.n_targets, 3);
        let target_of = |name: &str| {
            let acc = d.account_by_external(name).unwrap();
            rep.events.iter().find(|e| e.account == acc).unwrap().target
        };
        assert_eq!(target_of("a"), target_of("b"));
        assert_ne!(target_of("a"), target_of("c"));
        assert_ne!(target_of("a"), target_of("d"));
        // Text-keyed reposts stay out of the `text` layer (only o's original is there).
        assert_eq!(build_trace(&d, Layer::Text).unwrap().events.len(), 1);
    }

    /// Issue 14: german_elections' `domain` layer repeated the `url` layer (the anonymised URL
    /// ids were taken as hosts) and ignored the file's `domain_id`. Source-given domains now come
    /// first; posts without them use the registrable domain of their URLs.
    #[test]
    fn domain_layer_uses_source_given_domains() {
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo::new("t", "test", Resolution::Second));
        let posts: [(&str, &[&str], &[&str]); 6] = [
            ("alice", &["23678"], &["3498"]),
            ("bob", &["84441"], &["3498"]),
            ("carol", &["https://www.bbc.co.uk/x"], &[]),
            ("dave", &["http://news.bbc.co.uk/y"], &[]),
            ("erin", &[], &["WWW.Example.COM"]),
            ("frank", &[], &["example.com"]),
        ];
        for (i, (acct, urls, doms)) in posts.iter().enumerate() {
            b.push_post(
                &PostRecord {
                    external_id: &format!("p{i}"),
                    account: acct,
                    time: 100 + i as i64,
                    urls,
                    domains: doms,
                    ..Default::default()
                },
                src,
            );
        }
        let d = b.finish();
        let dom = build_trace(&d, Layer::Domain).unwrap();
        assert_eq!(dom.events.len(), 6);
        assert_eq!(dom.n_targets, 3, "3498, bbc.co.uk, example.com");
        let url = build_trace(&d, Layer::Url).unwrap();
        assert_ne!(url.n_targets, dom.n_targets);
        let target_of = |acct: &str| {
            let a = d.account_by_external(acct).unwrap();
            dom.events.iter().find(|e| e.account == a).map(|e| e.target)
        };
        assert_eq!(target_of("alice"), target_of("bob"));
        assert_eq!(target_of("carol"), target_of("dave"));
        assert_eq!(target_of("erin"), target_of("frank"));
        assert_ne!(target_of("alice"), target_of("carol"));
        assert!(supported_layers(&d).contains(&Layer::Domain));
    }
}
