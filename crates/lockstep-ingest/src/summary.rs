//! What `lockstep inspect` shows: counts, time range, top values and which detection layers the
//! data supports. Computed here (not in the CLI) so every front-end shows the same thing.

use crate::Ingested;
use crate::report::IngestReport;
use crate::timeparse::format_utc;
use lockstep_model::{Dataset, PostKind, Sym};
use serde::Serialize;
use std::collections::BTreeMap;

/// One value and how often it occurs.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Counted {
    /// The value.
    pub value: String,
    /// Occurrences.
    pub count: u64,
}

/// Whether a detection layer can run on this data, and why (not).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LayerSupport {
    /// Layer name (DESIGN §5).
    pub layer: String,
    /// True when the data has what the layer needs.
    pub supported: bool,
    /// What the layer will use, or what is missing.
    pub detail: String,
}

/// The summary of an ingested dataset.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    /// Per-file formats, counts, rejections, notes.
    pub report: IngestReport,
    /// Accounts (including ones only referenced).
    pub accounts: usize,
    /// Accounts with profile data.
    pub accounts_with_profile: usize,
    /// Posts.
    pub posts: usize,
    /// Posts by kind (`original`, `repost`, `reply`, `quote`).
    pub posts_by_kind: BTreeMap<String, usize>,
    /// First post time (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub time_min: Option<String>,
    /// Last post time.
    pub time_max: Option<String>,
    /// Coarsest time resolution over the files.
    pub resolution: String,
    /// Login events, page-admin relations and ads, when present.
    pub logins: usize,
    /// Page/group admin relations.
    pub page_admins: usize,
    /// Ads.
    pub ads: usize,
    /// Most frequent hashtags (lowercased).
    pub top_hashtags: Vec<Counted>,
    /// Most frequent domains (URL hosts, lowercased, `www.` dropped; plus source-given domains).
    pub top_domains: Vec<Counted>,
    /// Most frequent clients.
    pub top_clients: Vec<Counted>,
    /// Most frequent post languages.
    pub top_languages: Vec<Counted>,
    /// Which detection layers the data supports. [`summarize`] puts here only the time-resolution
    /// row (`windows`); the front-end adds one row per layer from `lockstep_engine::layer_support`,
    /// the function `investigate` selects its layers by, so the two never disagree (the ingest
    /// crate does not depend on the engine).
    pub layers: Vec<LayerSupport>,
}

/// The host of a URL, lowercased, without `www.` and port; `None` when it has no `scheme://host`.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    let host = host.split(':').next()?;
    if host.is_empty() {
        return None;
    }
    let h = host.to_ascii_lowercase();
    Some(h.strip_prefix("www.").map(str::to_string).unwrap_or(h))
}

fn top(counts: BTreeMap<String, u64>, n: usize) -> Vec<Counted> {
    let mut v: Vec<Counted> = counts
        .into_iter()
        .map(|(value, count)| Counted { value, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v.truncate(n);
    v
}

fn count_syms(
    ds: &Dataset,
    syms: impl Iterator<Item = Sym>,
    n: usize,
    lower: bool,
) -> Vec<Counted> {
    let mut by_sym: hashbrown::HashMap<Sym, u64> = hashbrown::HashMap::new();
    for s in syms.filter(|s| !s.is_none()) {
        *by_sym.entry(s).or_insert(0) += 1;
    }
    let mut m = BTreeMap::new();
    for (s, c) in by_sym {
        let v = if lower {
            ds.str(s).to_lowercase()
        } else {
            ds.str(s).to_string()
        };
        *m.entry(v).or_insert(0) += c;
    }
    top(m, n)
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Summarises `ing`, keeping the `n` most frequent values of each top list.
pub fn summarize(ing: &Ingested, n: usize) -> Summary {
    let ds = &ing.dataset;
    let p = &ds.posts;
    let mut by_kind = BTreeMap::new();
    for k in PostKind::ALL {
        by_kind.insert(k.as_str().to_string(), 0);
    }
    for k in &p.kind {
        *by_kind.entry(k.as_str().to_string()).or_insert(0) += 1;
    }
    let range = ds.time_range();
    let mut domains = BTreeMap::new();
    let mut by_url: hashbrown::HashMap<Sym, u64> = hashbrown::HashMap::new();
    for &u in p.urls.values() {
        *by_url.entry(u).or_insert(0) += 1;
    }
    for (u, c) in by_url {
        if let Some(h) = url_host(ds.str(u)) {
            *domains.entry(h).or_insert(0) += c;
        }
    }
    for &d in p.domains.values() {
        *domains.entry(ds.str(d).to_ascii_lowercase()).or_insert(0) += 1;
    }
    let logins = ds.logins.as_ref().map(|l| l.account.len()).unwrap_or(0);
    let page_admins = ds
        .page_admins
        .as_ref()
        .map(|t| t.account.len())
        .unwrap_or(0);
    let ads = ds.ads.as_ref().map(|t| t.time.len()).unwrap_or(0);
    let mut layers = Vec::new();
    let mut layer = |name: &str, ok: bool, detail: String| {
        layers.push(LayerSupport {
            layer: name.to_string(),
            supported: ok,
            detail,
        })
    };
    let res = ds.resolution();
    if res != lockstep_model::Resolution::Second && !p.is_empty() {
        layer(
            "windows",
            true,
            format!(
                "times are {}-resolution: windows below {} s are refused",
                res.as_str(),
                res.seconds()
            ),
        );
    }
    Summary {
        report: ing.report.clone(),
        accounts: ds.accounts.len(),
        accounts_with_profile: ds.accounts.has_profile.iter().filter(|&&h| h).count(),
        posts: p.len(),
        posts_by_kind: by_kind,
        time_min: range.map(|r| format_utc(r.0)),
        time_max: range.map(|r| format_utc(r.1)),
        resolution: res.as_str().to_string(),
        logins,
        page_admins,
        ads,
        top_hashtags: count_syms(ds, p.hashtags.values().iter().copied(), n, true),
        top_domains: top(domains, n),
        top_clients: count_syms(ds, p.client.iter().copied(), n, false),
        top_languages: count_syms(ds, p.language.iter().copied(), n, false),
        layers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            url_host("https://WWW.Example.com:443/a?b"),
            Some("example.com".into())
        );
        assert_eq!(url_host("http://u@t.co/x"), Some("t.co".into()));
        assert_eq!(url_host("example.com/x"), None);
        assert_eq!(url_host("http:///x"), None);
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
