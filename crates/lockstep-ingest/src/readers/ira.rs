//! FiveThirtyEight / Clemson IRA troll tweets (`author_id, content, region, language,
//! publish_date, harvested_date, following, followers, updates, post_type, retweet`).
//! There are no tweet ids and no retweet ids: `post_type` R is a repost whose target the repost
//! layer finds by identical content (`repost_of` stays empty); Q is a quote. Hashtags, `t.co` URLs
//! and mentions are extracted from the text. The set writes `-1` for unknown follower counts.

use super::{col, parse_count, parse_time, recycle};
use crate::csvdrive::{CsvRows, Ctx, Header};
use crate::error::{FieldError, shown};
use lockstep_model::{PostKind, PostRecord, Profile, Resolution};

/// The IRA reader.
pub(crate) struct Ira {
    author: usize,
    content: usize,
    region: Option<usize>,
    language: Option<usize>,
    time: usize,
    following: Option<usize>,
    followers: Option<usize>,
    post_type: Option<usize>,
    retweet: Option<usize>,
    profiled: Vec<bool>,
    vecs: [Vec<&'static str>; 3],
}

impl Ira {
    pub fn new(h: &Header) -> Result<Self, FieldError> {
        Ok(Ira {
            author: h.need("author_id")?,
            content: h.need("content")?,
            region: h.get("region"),
            language: h.get("language"),
            time: h.need("publish_date")?,
            following: h.get("following"),
            followers: h.get("followers"),
            post_type: h.get("post_type"),
            retweet: h.get("retweet"),
            profiled: Vec::new(),
            vecs: Default::default(),
        })
    }
}

fn count(v: &str, field: &str) -> Result<Option<u64>, FieldError> {
    if v.trim() == "-1" {
        return Ok(None);
    }
    parse_count(v, field)
}

impl CsvRows for Ira {
    fn row(&mut self, rec: &csv::StringRecord, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
        let author = col(rec, Some(self.author)).trim();
        if author.is_empty() {
            return Err(FieldError::new("author_id", "empty id", ""));
        }
        let time = parse_time(col(rec, Some(self.time)), "publish_date")?;
        let pt = col(rec, self.post_type).trim();
        let rt = col(rec, self.retweet).trim();
        let kind = match pt {
            "" => match rt {
                "" | "0" => PostKind::Original,
                "1" => PostKind::Repost,
                _ => return Err(FieldError::new("retweet", "bad flag", shown(rt.as_bytes()))),
            },
            "R" | "RETWEET" => PostKind::Repost,
            "Q" | "QUOTE_TWEET" => PostKind::Quote,
            _ => {
                return Err(FieldError::new(
                    "post_type",
                    "unknown post type",
                    shown(pt.as_bytes()),
                ));
            }
        };
        let following = count(col(rec, self.following), "following")?;
        let followers = count(col(rec, self.followers), "followers")?;
        let text = col(rec, Some(self.content));
        let [v0, v1, v2] = std::mem::take(&mut self.vecs);
        let (mut tags, mut urls, mut ments) = (recycle(v0), recycle(v1), recycle(v2));
        crate::textextract::extract(text, &mut tags, &mut urls, &mut ments);
        let r = PostRecord {
            account: author,
            time,
            kind: Some(kind),
            text,
            language: col(rec, self.language),
            hashtags: &tags,
            urls: &urls,
            mentions: &ments,
            ..Default::default()
        };
        ctx.b.push_post(&r, ctx.src);
        self.vecs = [recycle(tags), recycle(urls), recycle(ments)];
        if let Some(a) = ctx.b.account(author) {
            let i = a.idx();
            if self.profiled.len() <= i {
                self.profiled.resize(i + 1, false);
            }
            if !self.profiled[i] {
                self.profiled[i] = true;
                let region = col(rec, self.region).trim();
                let p = Profile {
                    screen_name: ctx.b.intern(author),
                    followers,
                    following,
                    location: ctx.b.intern(if region == "Unknown" { "" } else { region }),
                    platform: ctx.b.intern("twitter"),
                    ..Default::default()
                };
                ctx.b.set_profile(author, &p);
            }
        }
        Ok(())
    }

    fn finish(&mut self, ctx: &mut Ctx<'_>) -> Result<(), crate::IngestError> {
        ctx.report.resolution = Resolution::Minute;
        ctx.report.notes.push(
            "publish_date is minute-resolution; no tweet or retweet ids: reposts (post_type R) are matched by identical content".to_string(),
        );
        ctx.report.notes.push(
            "hashtags, t.co links and mentions extracted from the text; profile counts are from each author's first tweet".to_string(),
        );
        Ok(())
    }
}
