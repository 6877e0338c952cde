//! Twitter information-operations archive: the tweets file (30 columns, 31 with `poll_choices`)
//! and the users file (10 columns). `tweet_time` is minute-resolution; when `tweetid` is a
//! snowflake whose time agrees with `tweet_time` to the minute, the exact second is recovered.

use super::{col, parse_bool, parse_coord, parse_count, parse_opt_time, parse_time, recycle};
use crate::csvdrive::{CsvRows, Ctx, Header};
use crate::error::{FieldError, shown};
use crate::listfield::{ListBuf, parse_list};
use lockstep_model::dataset::RawProfile;
use lockstep_model::{PostKind, PostRecord, Profile, Resolution, snowflake_to_unix_ms};

/// Followers, following and creation time of one row, validated.
type ProfileNumbers = (Option<u64>, Option<u64>, Option<i64>);

/// Profile columns shared by the tweets and users files.
struct ProfileCols {
    display_name: Option<usize>,
    screen_name: Option<usize>,
    location: Option<usize>,
    description: Option<usize>,
    profile_url: Option<usize>,
    followers: Option<usize>,
    following: Option<usize>,
    created: Option<usize>,
    language: Option<usize>,
}

impl ProfileCols {
    fn new(h: &Header) -> Self {
        ProfileCols {
            display_name: h.get("user_display_name"),
            screen_name: h.get("user_screen_name"),
            location: h.get("user_reported_location"),
            description: h.get("user_profile_description"),
            profile_url: h.get("user_profile_url"),
            followers: h.get("follower_count"),
            following: h.get("following_count"),
            created: h.get("account_creation_date"),
            language: h.get("account_language"),
        }
    }

    /// Parsed numeric fields (validated before anything is added).
    fn numbers(&self, rec: &csv::StringRecord) -> Result<ProfileNumbers, FieldError> {
        Ok((
            parse_count(col(rec, self.followers), "follower_count")?,
            parse_count(col(rec, self.following), "following_count")?,
            parse_opt_time(col(rec, self.created), "account_creation_date")?,
        ))
    }

    fn apply(
        &self,
        rec: &csv::StringRecord,
        nums: ProfileNumbers,
        ctx: &mut Ctx<'_>,
        userid: &str,
    ) {
        let b = &mut *ctx.b;
        let p = Profile {
            screen_name: b.intern(col(rec, self.screen_name)),
            display_name: b.intern(col(rec, self.display_name)),
            created_at: nums.2,
            followers: nums.0,
            following: nums.1,
            language: b.intern(col(rec, self.language)),
            location: b.intern(col(rec, self.location)),
            description: b.intern(col(rec, self.description)),
            profile_url: b.intern(col(rec, self.profile_url)),
            platform: b.intern("twitter"),
        };
        b.set_profile(userid, &p);
    }

    /// Like [`ProfileCols::apply`] for a part read in parallel: the profile is kept as text and
    /// interned (or dropped) when the part is absorbed.
    fn defer(
        &self,
        rec: &csv::StringRecord,
        nums: ProfileNumbers,
        ctx: &mut Ctx<'_>,
        userid: &str,
    ) {
        let p = RawProfile {
            screen_name: col(rec, self.screen_name),
            display_name: col(rec, self.display_name),
            language: col(rec, self.language),
            location: col(rec, self.location),
            description: col(rec, self.description),
            profile_url: col(rec, self.profile_url),
            platform: "twitter",
            created_at: nums.2,
            followers: nums.0,
            following: nums.1,
        };
        ctx.b.defer_profile(userid, &p);
    }
}

/// The archive's users file.
pub(crate) struct Users {
    userid: usize,
    profile: ProfileCols,
}

impl Users {
    pub fn new(h: &Header) -> Result<Self, FieldError> {
        Ok(Users {
            userid: h.need("userid")?,
            profile: ProfileCols::new(h),
        })
    }
}

impl CsvRows for Users {
    fn row(&mut self, rec: &csv::StringRecord, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
        let userid = col(rec, Some(self.userid));
        if userid.trim().is_empty() {
            return Err(FieldError::new("userid", "empty id", ""));
        }
        let nums = self.profile.numbers(rec)?;
        self.profile.apply(rec, nums, ctx, userid);
        Ok(())
    }

    fn finish(&mut self, ctx: &mut Ctx<'_>) -> Result<(), crate::IngestError> {
        // No post times here: the neutral resolution keeps the dataset's coarsest-of-sources honest.
        ctx.report.resolution = Resolution::Second;
        ctx.report
            .notes
            .push("users file: account profiles only, no posts".to_string());
        Ok(())
    }
}

/// The archive's tweets file.
pub(crate) struct Tweets {
    tweetid: usize,
    userid: usize,
    time: usize,
    text: Option<usize>,
    language: Option<usize>,
    client: Option<usize>,
    reply_user: Option<usize>,
    reply_tweet: Option<usize>,
    quoted: Option<usize>,
    is_retweet: Option<usize>,
    rt_user: Option<usize>,
    rt_tweet: Option<usize>,
    lat: Option<usize>,
    lon: Option<usize>,
    hashtags: Option<usize>,
    urls: Option<usize>,
    mentions: Option<usize>,
    profile: ProfileCols,
    /// Accounts whose profile has been taken from a tweet row (the first row wins).
    profiled: Vec<bool>,
    lists: [ListBuf; 3],
    vecs: [Vec<&'static str>; 3],
    recovered: u64,
    not_recovered: u64,
    posts: u64,
    /// Reading a part in parallel: profiles are deferred to the part's absorption.
    part: bool,
}

impl Tweets {
    pub fn new(h: &Header) -> Result<Self, FieldError> {
        Ok(Tweets {
            tweetid: h.need("tweetid")?,
            userid: h.need("userid")?,
            time: h.need("tweet_time")?,
            text: h.get("tweet_text"),
            language: h.get("tweet_language"),
            client: h.get("tweet_client_name"),
            reply_user: h.get("in_reply_to_userid"),
            reply_tweet: h.get("in_reply_to_tweetid"),
            quoted: h.get("quoted_tweet_tweetid"),
            is_retweet: h.get("is_retweet"),
            rt_user: h.get("retweet_userid"),
            rt_tweet: h.get("retweet_tweetid"),
            lat: h.get("latitude"),
            lon: h.get("longitude"),
            hashtags: h.get("hashtags"),
            urls: h.get("urls"),
            mentions: h.get("user_mentions"),
            profile: ProfileCols::new(h),
            profiled: Vec::new(),
            lists: Default::default(),
            vecs: Default::default(),
            recovered: 0,
            not_recovered: 0,
            posts: 0,
            part: false,
        })
    }
}

/// The exact second of a snowflake id that agrees with `minute_time` to the minute.
pub fn snowflake_second(id: &str, minute_time: i64) -> Option<i64> {
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = id.parse().ok()?;
    let secs = snowflake_to_unix_ms(n)?.div_euclid(1000);
    (secs.div_euclid(60) == minute_time.div_euclid(60)).then_some(secs)
}

impl CsvRows for Tweets {
    fn row(&mut self, rec: &csv::StringRecord, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
        let tweetid = col(rec, Some(self.tweetid)).trim();
        let userid = col(rec, Some(self.userid)).trim();
        if userid.is_empty() {
            return Err(FieldError::new("userid", "empty id", ""));
        }
        let tt = col(rec, Some(self.time));
        let minute = parse_time(tt, "tweet_time")?;
        let exact = snowflake_second(tweetid, minute);
        let is_rt = parse_bool(col(rec, self.is_retweet), "is_retweet")?;
        let lat = parse_coord(col(rec, self.lat), "latitude", 90.0)?;
        let lon = parse_coord(col(rec, self.lon), "longitude", 180.0)?;
        let lat_lon = match (lat, lon) {
            (Some(a), Some(o)) => Some((a, o)),
            (None, None) => None,
            _ => {
                return Err(FieldError::new(
                    "longitude",
                    "coordinate without its pair",
                    "latitude and longitude must both be given or both absent",
                ));
            }
        };
        let names = ["hashtags", "urls", "user_mentions"];
        for (k, ci) in [self.hashtags, self.urls, self.mentions]
            .into_iter()
            .enumerate()
        {
            let v = col(rec, ci);
            parse_list(v, ",", &mut self.lists[k]).map_err(|e| {
                FieldError::new(
                    names[k],
                    "bad list",
                    format!("{} in {}", e.0, shown(v.as_bytes())),
                )
            })?;
        }
        let nums = self.profile.numbers(rec)?;

        // Validated: now add.
        match exact {
            Some(_) => self.recovered += 1,
            None => self.not_recovered += 1,
        }
        self.posts += 1;
        let rt_tweet = col(rec, self.rt_tweet).trim();
        let reply_to = col(rec, self.reply_tweet).trim();
        let quote_of = col(rec, self.quoted).trim();
        let kind = if is_rt || !rt_tweet.is_empty() {
            PostKind::Repost
        } else if !reply_to.is_empty() {
            PostKind::Reply
        } else if !quote_of.is_empty() {
            PostKind::Quote
        } else {
            PostKind::Original
        };
        let [v0, v1, v2] = std::mem::take(&mut self.vecs);
        let (mut tags, mut urls, mut ments) = (recycle(v0), recycle(v1), recycle(v2));
        self.lists[0].collect_into(&mut tags);
        self.lists[1].collect_into(&mut urls);
        self.lists[2].collect_into(&mut ments);
        let r = PostRecord {
            external_id: tweetid,
            account: userid,
            time: exact.unwrap_or(minute),
            kind: Some(kind),
            text: col(rec, self.text),
            language: col(rec, self.language),
            client: col(rec, self.client),
            repost_of: rt_tweet,
            repost_of_account: col(rec, self.rt_user).trim(),
            reply_to,
            reply_to_account: col(rec, self.reply_user).trim(),
            quote_of,
            hashtags: &tags,
            urls: &urls,
            mentions: &ments,
            media: &[],
            domains: &[],
            lat_lon,
        };
        let post = ctx.b.push_post(&r, ctx.src);
        self.vecs = [recycle(tags), recycle(urls), recycle(ments)];
        // The author is the new post's; only a repeated post id needs the lookup again.
        let author = match post {
            Some(p) => Some(ctx.b.post_account(p)),
            None => ctx.b.account(userid),
        };
        if let Some(a) = author {
            let i = a.idx();
            if self.profiled.len() <= i {
                self.profiled.resize(i + 1, false);
            }
            if !self.profiled[i] {
                self.profiled[i] = true;
                if self.part {
                    self.profile.defer(rec, nums, ctx, userid);
                } else {
                    self.profile.apply(rec, nums, ctx, userid);
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, ctx: &mut Ctx<'_>) -> Result<(), crate::IngestError> {
        let total = self.recovered + self.not_recovered;
        if total > 0 && self.not_recovered == 0 {
            ctx.report.resolution = Resolution::Second;
            ctx.report.notes.push(format!(
                "exact times recovered from snowflake ids for all {total} tweets (tweet_time is minute-resolution)"
            ));
        } else {
            ctx.report.resolution = Resolution::Minute;
            if self.recovered > 0 {
                ctx.report.notes.push(format!(
                    "exact times recovered from snowflake ids for {} of {total} tweets; the rest keep tweet_time's minute resolution, so the file counts as minute-resolution",
                    self.recovered
                ));
            } else if total > 0 {
                ctx.report.notes.push(
                    "tweet_time is minute-resolution and tweetids are not snowflakes (hashed or pre-2010): times are to the minute".to_string(),
                );
            }
        }
        Ok(())
    }
}

impl crate::pardrive::ParRows for Tweets {
    fn for_part(&mut self) {
        self.part = true;
    }

    fn absorb_counts(&mut self, part: &Self) {
        self.recovered += part.recovered;
        self.not_recovered += part.not_recovered;
        self.posts += part.posts;
    }

    fn profiled(&mut self) -> &mut Vec<bool> {
        &mut self.profiled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflake_agrees_to_the_minute() {
        // 1163450063466205184 is a tweet from 2019-08-19 ~13:26 UTC.
        let id = "1163450063466205184";
        let ms = snowflake_to_unix_ms(1163450063466205184).unwrap_or_default();
        let secs = ms / 1000;
        assert_eq!(snowflake_second(id, secs / 60 * 60), Some(secs));
        assert_eq!(snowflake_second(id, secs / 60 * 60 + 120), None);
        assert_eq!(snowflake_second("vMm2zemF=", 0), None);
        assert_eq!(snowflake_second("12345", 0), None);
    }
}
