//! CooRTweet inputs. The 4-column shape (`object_id, account_id, content_id, timestamp_share`) is
//! a table of shares: each row is a repost whose id is `content_id` and whose target is
//! `object_id`. The multi-object variant (`german_elections`) has one row per (post, object) pair;
//! rows of one post (same `post_id` and `account_id`, not necessarily adjacent) are merged into one
//! post: `url_id` -> urls, `hashtag_id` -> hashtags, `phash_id` -> media, `domain_id` -> domains.

use super::{checked_time, col, parse_time};
use crate::csvdrive::{CsvRows, Ctx, Header};
use crate::error::{FieldError, shown};
use lockstep_model::{PostKind, PostRecord, Resolution};
use std::collections::HashMap;

/// Unix seconds (CooRTweet stores them as floats) or a calendar time.
fn parse_ts(v: &str, field: &str) -> Result<i64, FieldError> {
    match crate::timeparse::parse_unix_seconds(v.as_bytes()) {
        Some(t) => checked_time(Some(t), v, field),
        None => parse_time(v, field),
    }
}

/// The 4-column shares table.
pub(crate) struct Shares {
    /// Rows whose content_id was already used (kept as separate shares without an id).
    repeated: u64,
    object: usize,
    account: usize,
    content: usize,
    time: usize,
}

impl Shares {
    pub fn new(h: &Header) -> Result<Self, FieldError> {
        Ok(Shares {
            repeated: 0,
            object: h.need("object_id")?,
            account: h.need("account_id")?,
            content: h.need("content_id")?,
            time: h.need("timestamp_share")?,
        })
    }
}

impl CsvRows for Shares {
    fn row(&mut self, rec: &csv::StringRecord, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
        let object = col(rec, Some(self.object)).trim();
        let account = col(rec, Some(self.account)).trim();
        let content = col(rec, Some(self.content)).trim();
        if account.is_empty() {
            return Err(FieldError::new("account_id", "empty id", ""));
        }
        if object.is_empty() {
            return Err(FieldError::new("object_id", "empty id", ""));
        }
        let time = parse_ts(col(rec, Some(self.time)), "timestamp_share")?;
        let r = PostRecord {
            external_id: content,
            account,
            time,
            kind: Some(PostKind::Repost),
            repost_of: object,
            ..Default::default()
        };
        if ctx.b.push_post(&r, ctx.src).is_none() {
            // CooRTweet counts every row as a share; a repeated content_id (with another
            // object_id in the real data) is kept as its own share without an id, not dropped.
            ctx.b.duplicate_posts -= 1;
            self.repeated += 1;
            ctx.b.push_post(
                &PostRecord {
                    external_id: "",
                    ..r
                },
                ctx.src,
            );
        }
        Ok(())
    }

    fn finish(&mut self, ctx: &mut Ctx<'_>) -> Result<(), crate::IngestError> {
        if self.repeated > 0 {
            ctx.report.notes.push(format!(
                "{} rows repeat a content_id already read: each is kept as a separate share (without a post id), as CooRTweet counts rows",
                self.repeated
            ));
        }
        ctx.report.resolution = Resolution::Second;
        ctx.report.notes.push(
            "CooRTweet shares: every row is a repost of object_id; post id = content_id"
                .to_string(),
        );
        Ok(())
    }
}

/// One merged post of the multi-object variant.
struct Draft {
    post: String,
    account: String,
    time: i64,
    urls: Vec<String>,
    hashtags: Vec<String>,
    domains: Vec<String>,
    media: Vec<String>,
}

fn add_unique(v: &mut Vec<String>, s: &str) {
    if !s.is_empty() && !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// The multi-object variant (`account_id, post_id, url_id, hashtag_id, domain_id, phash_id, timestamp`).
/// Rows are grouped in memory by post before being added (memory grows with distinct posts).
pub(crate) struct Multi {
    account: usize,
    post: usize,
    url: Option<usize>,
    hashtag: Option<usize>,
    domain: Option<usize>,
    phash: Option<usize>,
    time: usize,
    index: HashMap<(String, String), usize>,
    drafts: Vec<Draft>,
    conflicting_times: u64,
}

impl Multi {
    pub fn new(h: &Header) -> Result<Self, FieldError> {
        Ok(Multi {
            account: h.need("account_id")?,
            post: h.need("post_id")?,
            url: h.get("url_id"),
            hashtag: h.get("hashtag_id"),
            domain: h.get("domain_id"),
            phash: h.get("phash_id"),
            time: h.need("timestamp")?,
            index: HashMap::new(),
            drafts: Vec::new(),
            conflicting_times: 0,
        })
    }
}

impl CsvRows for Multi {
    fn row(&mut self, rec: &csv::StringRecord, _ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
        let account = col(rec, Some(self.account)).trim();
        if account.is_empty() {
            return Err(FieldError::new("account_id", "empty id", ""));
        }
        let post = col(rec, Some(self.post)).trim();
        let time = parse_ts(col(rec, Some(self.time)), "timestamp")?;
        let ids = [self.url, self.hashtag, self.domain, self.phash].map(|c| col(rec, c).trim());
        for (v, name) in ids
            .iter()
            .zip(["url_id", "hashtag_id", "domain_id", "phash_id"])
        {
            if v.contains(char::is_whitespace) {
                return Err(FieldError::new(
                    name,
                    "id contains whitespace",
                    shown(v.as_bytes()),
                ));
            }
        }
        let slot = if post.is_empty() {
            None
        } else {
            self.index
                .get(&(post.to_string(), account.to_string()))
                .copied()
        };
        let i = match slot {
            Some(i) => {
                if self.drafts[i].time != time {
                    self.conflicting_times += 1;
                    self.drafts[i].time = self.drafts[i].time.min(time);
                }
                i
            }
            None => {
                self.drafts.push(Draft {
                    post: post.to_string(),
                    account: account.to_string(),
                    time,
                    urls: Vec::new(),
                    hashtags: Vec::new(),
                    domains: Vec::new(),
                    media: Vec::new(),
                });
                let i = self.drafts.len() - 1;
                if !post.is_empty() {
                    self.index
                        .insert((post.to_string(), account.to_string()), i);
                }
                i
            }
        };
        let d = &mut self.drafts[i];
        add_unique(&mut d.urls, ids[0]);
        add_unique(&mut d.hashtags, ids[1]);
        add_unique(&mut d.domains, ids[2]);
        add_unique(&mut d.media, ids[3]);
        Ok(())
    }

    fn finish(&mut self, ctx: &mut Ctx<'_>) -> Result<(), crate::IngestError> {
        let drafts = std::mem::take(&mut self.drafts);
        self.index = HashMap::new();
        let n = drafts.len();
        for d in &drafts {
            let urls: Vec<&str> = d.urls.iter().map(String::as_str).collect();
            let tags: Vec<&str> = d.hashtags.iter().map(String::as_str).collect();
            let doms: Vec<&str> = d.domains.iter().map(String::as_str).collect();
            let media: Vec<&str> = d.media.iter().map(String::as_str).collect();
            let r = PostRecord {
                external_id: &d.post,
                account: &d.account,
                time: d.time,
                kind: Some(PostKind::Original),
                urls: &urls,
                hashtags: &tags,
                domains: &doms,
                media: &media,
                ..Default::default()
            };
            ctx.b.push_post(&r, ctx.src);
        }
        ctx.report.resolution = Resolution::Second;
        ctx.report.notes.push(format!(
            "CooRTweet multi-object rows merged into {n} posts by (post_id, account_id); url_id -> urls, hashtag_id -> hashtags, phash_id -> media, domain_id -> domains (anonymised ids, no URL text)"
        ));
        if self.conflicting_times > 0 {
            ctx.report.notes.push(format!(
                "{} rows of an already-seen post had a different timestamp; the earliest was kept",
                self.conflicting_times
            ));
        }
        Ok(())
    }
}
