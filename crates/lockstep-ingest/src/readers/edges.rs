//! Retweet edges without times (`retweeted_id, user_id`, as in VoterFraud2020): every row is a
//! repost by `user_id` of `retweeted_id`. The only time is the day in the file name
//! (`retweets-2020-10-23.csv.gz`), so the file has day resolution.

use super::col;
use crate::csvdrive::{CsvRows, Ctx, Header};
use crate::error::FieldError;
use lockstep_model::{PostKind, PostRecord, Resolution};
use std::path::Path;

/// The first `YYYY-MM-DD` in the file name, as UTC seconds of midnight.
pub(crate) fn day_from_name(path: &Path) -> Option<i64> {
    let name = path.file_name()?.to_str()?;
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let w = &b[i..i + 10];
        let shape = w.iter().enumerate().all(|(j, c)| {
            if j == 4 || j == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        if shape {
            crate::timeparse::parse_datetime(w).filter(|&t| crate::timeparse::plausible(t).is_ok())
        } else {
            None
        }
    })
}

/// The retweet-edges reader.
pub(crate) struct Edges {
    retweeted: usize,
    user: usize,
    day: i64,
}

impl Edges {
    pub fn new(h: &Header, path: &Path) -> Result<Self, FieldError> {
        let day = day_from_name(path).ok_or_else(|| {
            FieldError::new(
                "file name",
                "no date",
                "retweet edges carry no times: the file name must contain the day as YYYY-MM-DD (1990 to 2099)",
            )
        })?;
        Ok(Edges {
            retweeted: h.need("retweeted_id")?,
            user: h.need("user_id")?,
            day,
        })
    }
}

impl CsvRows for Edges {
    fn row(&mut self, rec: &csv::StringRecord, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
        let target = col(rec, Some(self.retweeted)).trim();
        let user = col(rec, Some(self.user)).trim();
        if user.is_empty() {
            return Err(FieldError::new("user_id", "empty id", ""));
        }
        if target.is_empty() {
            return Err(FieldError::new("retweeted_id", "empty id", ""));
        }
        let r = PostRecord {
            account: user,
            time: self.day,
            kind: Some(PostKind::Repost),
            repost_of: target,
            ..Default::default()
        };
        ctx.b.push_post(&r, ctx.src);
        Ok(())
    }

    fn finish(&mut self, ctx: &mut Ctx<'_>) -> Result<(), crate::IngestError> {
        ctx.report.resolution = Resolution::Day;
        ctx.report.notes.push(format!(
            "retweet edges without times: every repost is dated {} (the day in the file name); only day-scale windows are meaningful",
            &crate::timeparse::format_utc(self.day)[..10]
        ));
        Ok(())
    }
}
