//! CrowdTangle post export (CSV, as written by CooRnet / PyCooRnet): one row per post sharing a
//! link. `expanded` (else `link`) is the URL, `date` the post time (UTC), `account_*` the page or
//! group; `account_accountType` (`facebook_page`, `facebook_group`, ...) becomes the platform.

use super::{col, parse_count, parse_time};
use crate::csvdrive::{CsvRows, Ctx, Header};
use crate::error::FieldError;
use lockstep_model::{PostKind, PostRecord, Profile, Resolution};

/// The CrowdTangle reader.
pub(crate) struct Crowdtangle {
    id: Option<usize>,
    date: usize,
    account: usize,
    expanded: usize,
    link: Option<usize>,
    message: Option<usize>,
    description: Option<usize>,
    name: Option<usize>,
    handle: Option<usize>,
    subscribers: Option<usize>,
    account_type: Option<usize>,
    platform: Option<usize>,
    url: Option<usize>,
}

impl Crowdtangle {
    pub fn new(h: &Header) -> Result<Self, FieldError> {
        Ok(Crowdtangle {
            id: h.get("platformid").or(h.get("id")),
            date: h.need("date")?,
            account: h.need("account_id")?,
            expanded: h.need("expanded")?,
            link: h.get("link"),
            message: h.get("message"),
            description: h.get("description"),
            name: h.get("account_name"),
            handle: h.get("account_handle"),
            subscribers: h.get("account_subscribercount"),
            account_type: h.get("account_accounttype"),
            platform: h.get("account_platform"),
            url: h.get("account_url"),
        })
    }
}

impl CsvRows for Crowdtangle {
    fn row(&mut self, rec: &csv::StringRecord, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
        let account = col(rec, Some(self.account)).trim();
        if account.is_empty() {
            return Err(FieldError::new("account_id", "empty id", ""));
        }
        let time = parse_time(col(rec, Some(self.date)), "date")?;
        let subs = parse_count(col(rec, self.subscribers), "account_subscriberCount")?;
        let mut url = col(rec, Some(self.expanded)).trim();
        if url.is_empty() {
            url = col(rec, self.link).trim();
        }
        let urls = [url];
        let mut text = col(rec, self.message);
        if text.is_empty() {
            text = col(rec, self.description);
        }
        let r = PostRecord {
            external_id: col(rec, self.id).trim(),
            account,
            time,
            kind: Some(PostKind::Original),
            text,
            urls: if url.is_empty() { &[] } else { &urls },
            ..Default::default()
        };
        ctx.b.push_post(&r, ctx.src);
        let mut platform = col(rec, self.account_type).trim();
        if platform.is_empty() {
            platform = col(rec, self.platform).trim();
        }
        let p = Profile {
            screen_name: ctx.b.intern(col(rec, self.handle)),
            display_name: ctx.b.intern(col(rec, self.name)),
            followers: subs,
            profile_url: ctx.b.intern(col(rec, self.url)),
            platform: ctx.b.intern(&platform.to_ascii_lowercase()),
            ..Default::default()
        };
        ctx.b.set_profile(account, &p);
        Ok(())
    }

    fn finish(&mut self, ctx: &mut Ctx<'_>) -> Result<(), crate::IngestError> {
        ctx.report.resolution = Resolution::Second;
        ctx.report.notes.push(
            "CrowdTangle: one post per row sharing `expanded`; account type (page/group) stored as the platform".to_string(),
        );
        Ok(())
    }
}
