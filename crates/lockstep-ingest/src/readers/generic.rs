//! Generic CSV, JSON lines and Parquet read through a TOML [`Mapping`]: each Lockstep field comes
//! from the column (CSV header name, Parquet column) or dotted path (JSON: `user.id`,
//! `entities.hashtags[].tag`) the mapping names.

use super::{checked_time, parse_coord, parse_count, parse_opt_time};
use crate::csvdrive::{CsvRows, Ctx, Header};
use crate::error::{FieldError, shown};
use crate::listfield::{ListBuf, parse_list};
use crate::mapping::Mapping;
use lockstep_model::{PostKind, PostRecord, Profile};
use serde_json::Value;
use std::borrow::Cow;

/// Where the values of one row come from.
pub(crate) trait RowSource {
    /// The scalar value of `key` (`None` when absent or null).
    fn scalar(&self, key: &str) -> Option<Cow<'_, str>>;
    /// The list value of `key` into `out`.
    fn list(&self, key: &str, sep: &str, out: &mut Vec<String>) -> Result<(), FieldError>;
}

/// A CSV row with its header.
pub(crate) struct CsvRow<'r> {
    pub header: &'r [String],
    pub rec: &'r csv::StringRecord,
    pub buf: &'r std::cell::RefCell<ListBuf>,
}

impl RowSource for CsvRow<'_> {
    fn scalar(&self, key: &str) -> Option<Cow<'_, str>> {
        let i = self
            .header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(key))?;
        self.rec.get(i).map(Cow::Borrowed)
    }

    fn list(&self, key: &str, sep: &str, out: &mut Vec<String>) -> Result<(), FieldError> {
        out.clear();
        let Some(v) = self.scalar(key) else {
            return Ok(());
        };
        let mut buf = self.buf.borrow_mut();
        parse_list(&v, sep, &mut buf).map_err(|e| {
            FieldError::new(
                key,
                "bad list",
                format!("{} in {}", e.0, shown(v.as_bytes())),
            )
        })?;
        out.extend((0..buf.len()).map(|i| buf.get(i).to_string()));
        Ok(())
    }
}

/// A JSON object; keys are dotted paths, `[]` maps over an array.
pub(crate) struct JsonRow<'v>(pub &'v Value);

fn walk<'v>(v: &'v Value, path: &str, out: &mut Vec<&'v Value>) {
    if path.is_empty() {
        match v {
            Value::Null => {}
            Value::Array(a) => out.extend(a.iter().filter(|x| !x.is_null())),
            other => out.push(other),
        }
        return;
    }
    let (head, rest) = match path.find('.') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => (path, ""),
    };
    if let Some(name) = head.strip_suffix("[]") {
        let inner = if name.is_empty() {
            Some(v)
        } else {
            v.get(name)
        };
        if let Some(Value::Array(a)) = inner {
            for x in a {
                walk(x, rest, out);
            }
        }
    } else if let Some(x) = v.get(head) {
        walk(x, rest, out);
    }
}

fn text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

impl RowSource for JsonRow<'_> {
    fn scalar(&self, key: &str) -> Option<Cow<'_, str>> {
        let mut out = Vec::new();
        walk(self.0, key, &mut out);
        out.first().and_then(|v| text(v))
    }

    fn list(&self, key: &str, sep: &str, out: &mut Vec<String>) -> Result<(), FieldError> {
        out.clear();
        let mut vals = Vec::new();
        walk(self.0, key, &mut vals);
        if let [Value::String(s)] = vals.as_slice() {
            let mut buf = ListBuf::new();
            parse_list(s, sep, &mut buf).map_err(|e| {
                FieldError::new(
                    key,
                    "bad list",
                    format!("{} in {}", e.0, shown(s.as_bytes())),
                )
            })?;
            out.extend((0..buf.len()).map(|i| buf.get(i).to_string()));
            return Ok(());
        }
        for v in vals {
            match text(v) {
                Some(t) => out.push(t.into_owned()),
                None => {
                    return Err(FieldError::new(
                        key,
                        "not a list of strings or numbers",
                        v.to_string(),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Reusable buffers for list fields.
#[derive(Default)]
pub(crate) struct Lists {
    v: [Vec<String>; 5],
}

/// Maps one row through `m` into the builder (validating everything first).
pub(crate) fn add_row(
    m: &Mapping,
    row: &dyn RowSource,
    lists: &mut Lists,
    ctx: &mut Ctx<'_>,
) -> Result<(), FieldError> {
    let c = &m.columns;
    let get = |k: &Option<String>| -> Cow<'_, str> {
        k.as_deref()
            .and_then(|k| row.scalar(k))
            .unwrap_or(Cow::Borrowed(""))
    };
    let account = row.scalar(&c.account).unwrap_or_default();
    let account = account.trim();
    if account.is_empty() {
        return Err(FieldError::new(c.account.clone(), "empty id", ""));
    }
    let tv = row.scalar(&c.time).unwrap_or_default();
    let time = match m.time_format.as_deref() {
        Some("unix") => crate::timeparse::parse_unix_seconds(tv.as_bytes()),
        Some("unix_ms") => {
            crate::timeparse::parse_unix_seconds(tv.as_bytes()).map(|ms| ms.div_euclid(1000))
        }
        _ => crate::timeparse::parse_any(tv.as_bytes()),
    };
    let time = checked_time(time, &tv, &c.time)?;
    let kind = match &c.kind {
        None => None,
        Some(k) => {
            let v = row.scalar(k).unwrap_or_default();
            let v = v.trim();
            let found = m
                .kinds
                .iter()
                .find(|(_, vals)| vals.iter().any(|x| x == v))
                .map(|(name, _)| name.as_str());
            match found {
                Some("original") => Some(PostKind::Original),
                Some("repost") => Some(PostKind::Repost),
                Some("reply") => Some(PostKind::Reply),
                Some("quote") => Some(PostKind::Quote),
                _ if m.kinds.is_empty() => None,
                _ => {
                    return Err(FieldError::new(
                        k.clone(),
                        "unmapped kind",
                        shown(v.as_bytes()),
                    ));
                }
            }
        }
    };
    let name = |k: &Option<String>| k.clone().unwrap_or_default();
    let followers = parse_count(&get(&c.followers), &name(&c.followers))?;
    let following = parse_count(&get(&c.following), &name(&c.following))?;
    let created = parse_opt_time(&get(&c.account_created_at), &name(&c.account_created_at))?;
    let lat = parse_coord(&get(&c.lat), &name(&c.lat), 90.0)?;
    let lon = parse_coord(&get(&c.lon), &name(&c.lon), 180.0)?;
    let sep = m.list_separator.as_deref().unwrap_or(",");
    for (i, k) in [&c.hashtags, &c.urls, &c.mentions, &c.media, &c.domains]
        .into_iter()
        .enumerate()
    {
        lists.v[i].clear();
        if let Some(k) = k {
            row.list(k, sep, &mut lists.v[i])?;
        }
    }
    let tags: Vec<&str> = lists.v[0]
        .iter()
        .map(|t| t.strip_prefix('#').unwrap_or(t))
        .collect();
    fn as_strs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let (urls, ments, media, doms) = (
        as_strs(&lists.v[1]),
        as_strs(&lists.v[2]),
        as_strs(&lists.v[3]),
        as_strs(&lists.v[4]),
    );
    let (post_id, text, repost_of, repost_acc) = (
        get(&c.post_id),
        get(&c.text),
        get(&c.repost_of),
        get(&c.repost_of_account),
    );
    let (reply_to, reply_acc, quote_of) =
        (get(&c.reply_to), get(&c.reply_to_account), get(&c.quote_of));
    let (language, client) = (get(&c.language), get(&c.client));
    let r = PostRecord {
        external_id: post_id.trim(),
        account,
        time,
        kind,
        text: &text,
        language: &language,
        client: &client,
        repost_of: repost_of.trim(),
        repost_of_account: repost_acc.trim(),
        reply_to: reply_to.trim(),
        reply_to_account: reply_acc.trim(),
        quote_of: quote_of.trim(),
        hashtags: &tags,
        urls: &urls,
        mentions: &ments,
        media: &media,
        domains: &doms,
        lat_lon: lat.zip(lon),
    };
    ctx.b.push_post(&r, ctx.src);
    let profile_cols = [
        &c.screen_name,
        &c.display_name,
        &c.followers,
        &c.following,
        &c.account_created_at,
        &c.account_language,
        &c.location,
        &c.description,
    ];
    if profile_cols.iter().any(|k| k.is_some()) || m.platform.is_some() {
        let b = &mut *ctx.b;
        let p = Profile {
            screen_name: b.intern(&get(&c.screen_name)),
            display_name: b.intern(&get(&c.display_name)),
            created_at: created,
            followers,
            following,
            language: b.intern(&get(&c.account_language)),
            location: b.intern(&get(&c.location)),
            description: b.intern(&get(&c.description)),
            profile_url: lockstep_model::Sym::NONE,
            platform: b.intern(m.platform.as_deref().unwrap_or("")),
        };
        b.set_profile(account, &p);
    }
    Ok(())
}

/// Generic CSV through a mapping.
pub(crate) struct GenericCsv {
    mapping: Mapping,
    header: Vec<String>,
    buf: std::cell::RefCell<ListBuf>,
    lists: Lists,
}

impl GenericCsv {
    pub fn new(h: &Header, mapping: &Mapping) -> Result<Self, FieldError> {
        let header: Vec<String> = (0..h.len()).map(|i| h.name(i).to_string()).collect();
        let c = &mapping.columns;
        for k in [&c.account, &c.time] {
            if !header.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                return Err(FieldError::new(
                    k.clone(),
                    "missing column",
                    "the mapping names a column the header lacks",
                ));
            }
        }
        Ok(GenericCsv {
            mapping: mapping.clone(),
            header,
            buf: Default::default(),
            lists: Lists::default(),
        })
    }
}

impl CsvRows for GenericCsv {
    fn row(&mut self, rec: &csv::StringRecord, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
        let row = CsvRow {
            header: &self.header,
            rec,
            buf: &self.buf,
        };
        add_row(&self.mapping, &row, &mut self.lists, ctx)
    }

    fn finish(&mut self, ctx: &mut Ctx<'_>) -> Result<(), crate::IngestError> {
        ctx.report.resolution = self.mapping.resolution()?;
        Ok(())
    }
}
