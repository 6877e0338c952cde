//! The optional tables our simulator (and platform exports) write: `logins.csv`
//! (`userid, login_time, ip, device`), `page_admins.csv` (`page_id, page_name, page_kind, userid`)
//! and `ads.csv` (`ad_id, advertiser, payer, landing_url, ad_text, spend, currency, submitted_at,
//! userid`). Times are `YYYY-MM-DD HH:MM` or RFC 3339.

use super::{col, parse_time};
use crate::csvdrive::{CsvRows, Ctx, Header};
use crate::error::{FieldError, shown};

/// `logins.csv`.
pub(crate) struct Logins {
    user: usize,
    time: usize,
    ip: usize,
    device: usize,
}

impl Logins {
    pub fn new(h: &Header) -> Result<Self, FieldError> {
        Ok(Logins {
            user: h.need("userid")?,
            time: h.need("login_time")?,
            ip: h.need("ip")?,
            device: h.need("device")?,
        })
    }
}

impl CsvRows for Logins {
    fn row(&mut self, rec: &csv::StringRecord, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
        let user = col(rec, Some(self.user)).trim();
        if user.is_empty() {
            return Err(FieldError::new("userid", "empty id", ""));
        }
        let time = parse_time(col(rec, Some(self.time)), "login_time")?;
        let ip = col(rec, Some(self.ip)).trim();
        if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
            return Err(FieldError::new(
                "ip",
                "bad IP address",
                shown(ip.as_bytes()),
            ));
        }
        ctx.b
            .push_login(user, time, ip, col(rec, Some(self.device)));
        Ok(())
    }
}

/// `page_admins.csv`.
pub(crate) struct PageAdmins {
    page: usize,
    name: usize,
    kind: usize,
    user: usize,
}

impl PageAdmins {
    pub fn new(h: &Header) -> Result<Self, FieldError> {
        Ok(PageAdmins {
            page: h.need("page_id")?,
            name: h.need("page_name")?,
            kind: h.need("page_kind")?,
            user: h.need("userid")?,
        })
    }
}

impl CsvRows for PageAdmins {
    fn row(&mut self, rec: &csv::StringRecord, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
        let page = col(rec, Some(self.page)).trim();
        let user = col(rec, Some(self.user)).trim();
        if page.is_empty() {
            return Err(FieldError::new("page_id", "empty id", ""));
        }
        if user.is_empty() {
            return Err(FieldError::new("userid", "empty id", ""));
        }
        ctx.b.push_page_admin(
            page,
            col(rec, Some(self.name)),
            col(rec, Some(self.kind)).trim(),
            user,
        );
        Ok(())
    }
}

/// `ads.csv`.
pub(crate) struct Ads {
    advertiser: usize,
    payer: usize,
    landing: usize,
    text: usize,
    spend: usize,
    currency: usize,
    time: usize,
    user: Option<usize>,
}

impl Ads {
    pub fn new(h: &Header) -> Result<Self, FieldError> {
        h.need("ad_id")?;
        Ok(Ads {
            advertiser: h.need("advertiser")?,
            payer: h.need("payer")?,
            landing: h.need("landing_url")?,
            text: h.need("ad_text")?,
            spend: h.need("spend")?,
            currency: h.need("currency")?,
            time: h.need("submitted_at")?,
            user: h.get("userid"),
        })
    }
}

impl CsvRows for Ads {
    fn row(&mut self, rec: &csv::StringRecord, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
        let time = parse_time(col(rec, Some(self.time)), "submitted_at")?;
        let s = col(rec, Some(self.spend)).trim();
        let spend = if s.is_empty() {
            None
        } else {
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
                _ => return Err(FieldError::new("spend", "bad amount", shown(s.as_bytes()))),
            }
        };
        ctx.b.push_ad(
            col(rec, Some(self.advertiser)),
            col(rec, Some(self.payer)),
            col(rec, Some(self.landing)).trim(),
            col(rec, Some(self.text)),
            spend,
            col(rec, Some(self.currency)).trim(),
            time,
            col(rec, self.user).trim(),
        );
        Ok(())
    }
}
