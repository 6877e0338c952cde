//! Page and group verdicts (docs/pages.md): a page is `inauthentic` when at least half of its
//! admins were judged inauthentic, `suspicious` when some were, `none` otherwise. "Posing as news"
//! signals are reported beside the verdict: a news-like name, no genuine outlet of that name in
//! the registry, admins in a network. (Category, creation date, admin countries and copied
//! content are used when the page table carries them; `page_admins.csv` does not.)

use crate::error::{AdsError, FieldProblem};
use crate::fold::fold;
use crate::registry::StateMediaRegistry;
use lockstep_export::{guard_cell, unguard_cell};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// What is known about one admin of a page.
#[derive(Clone, Debug, PartialEq)]
pub struct Admin {
    /// Account id.
    pub account_id: String,
    /// The investigation's verdict on the account (`inauthentic`, ...), if any.
    pub verdict: Option<String>,
    /// The account's network (cluster id), if any.
    pub cluster: Option<u32>,
}

/// A page or group with its admins.
#[derive(Clone, Debug, PartialEq)]
pub struct PageInput {
    /// Page id.
    pub page_id: String,
    /// Page name.
    pub page_name: String,
    /// `page` or `group`.
    pub page_kind: String,
    /// Admins.
    pub admins: Vec<Admin>,
}

/// The verdict on one page or group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PageVerdict {
    /// Page id.
    pub page_id: String,
    /// Page name.
    pub page_name: String,
    /// `page` or `group`.
    pub page_kind: String,
    /// `inauthentic`, `suspicious` or `none`.
    pub verdict: &'static str,
    /// The network most of its inauthentic admins belong to.
    pub network: Option<u32>,
    /// Admins.
    pub admins: usize,
    /// Admins judged inauthentic.
    pub inauthentic_admins: usize,
    /// Posing-as-news signals found (`news_like_name`, `no_genuine_outlet`, ...).
    pub posing_as_news: Vec<&'static str>,
    /// Evidence text.
    pub evidence: String,
    /// The admins' account ids, in input order (`|`-separated in pages.csv).
    pub admin_ids: Vec<String>,
}

/// The columns of `pages.csv`, in order (the case server imports by them).
pub const PAGE_COLUMNS: [&str; 10] = [
    "page_id",
    "page_name",
    "page_kind",
    "verdict",
    "network",
    "admins",
    "inauthentic_admins",
    "posing_as_news",
    "evidence",
    "admin_ids",
];

/// Name words of news outlets (folded; CJK characters as single tokens).
const NEWS_WORDS: &[&str] = &[
    "news",
    "times",
    "daily",
    "truth",
    "observer",
    "insight",
    "voice",
    "post",
    "herald",
    "tribune",
    "journal",
    "gazette",
    "report",
    "reporter",
    "press",
    "media",
    "today",
    "weekly",
    "chronicle",
    "monitor",
    "review",
    "dispatch",
    "wire",
    "headlines",
    "informer",
    "bulletin",
    "真",
    "相",
    "报",
    "闻",
    "观",
    "察",
    "时",
    "刊",
    "讯",
];

/// Judges every page.
pub fn judge(pages: &[PageInput], reg: &StateMediaRegistry) -> Vec<PageVerdict> {
    pages.iter().map(|p| judge_one(p, reg)).collect()
}

fn judge_one(p: &PageInput, reg: &StateMediaRegistry) -> PageVerdict {
    let bad: Vec<&Admin> = p
        .admins
        .iter()
        .filter(|a| a.verdict.as_deref() == Some("inauthentic"))
        .collect();
    let n = p.admins.len();
    let verdict = if n > 0 && bad.len() * 2 >= n {
        "inauthentic"
    } else if !bad.is_empty() {
        "suspicious"
    } else {
        "none"
    };
    let mut by_net: BTreeMap<u32, usize> = BTreeMap::new();
    for a in &bad {
        if let Some(c) = a.cluster {
            *by_net.entry(c).or_default() += 1;
        }
    }
    let network = by_net
        .iter()
        .max_by_key(|&(c, k)| (*k, std::cmp::Reverse(*c)))
        .map(|(c, _)| *c);
    let f = fold(&p.page_name);
    let mut posing = Vec::new();
    if f.tokens.iter().any(|t| NEWS_WORDS.contains(&t.as_str())) {
        posing.push("news_like_name");
        if reg.match_folded(&f).is_none() {
            posing.push("no_genuine_outlet");
        }
    }
    if network.is_some() {
        posing.push("admins_in_network");
    }
    let mut evidence = format!("{} of {n} admins judged inauthentic", bad.len());
    if let Some(c) = network {
        evidence.push_str(&format!(" (network {c})"));
    }
    if !posing.is_empty() {
        evidence.push_str(&format!("; posing-as-news signals: {}", posing.join(", ")));
    }
    PageVerdict {
        page_id: p.page_id.clone(),
        page_name: p.page_name.clone(),
        page_kind: p.page_kind.clone(),
        verdict,
        network,
        admins: n,
        inauthentic_admins: bad.len(),
        posing_as_news: posing,
        evidence,
        admin_ids: p.admins.iter().map(|a| a.account_id.clone()).collect(),
    }
}

/// Counts of inauthentic Pages and Groups (and their admin accounts) per network.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NetworkPages {
    /// Inauthentic pages.
    pub pages: usize,
    /// Inauthentic groups.
    pub groups: usize,
}

/// The pages part of an investigation's summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PagesSummary {
    /// Pages and groups judged.
    pub judged: usize,
    /// Verdict counts.
    pub verdicts: BTreeMap<String, usize>,
    /// Inauthentic pages and groups per network (`"none"`: admins outside any network).
    pub networks: BTreeMap<String, NetworkPages>,
}

impl PagesSummary {
    /// Counts verdicts.
    pub fn of(vs: &[PageVerdict]) -> Self {
        let mut s = PagesSummary {
            judged: vs.len(),
            ..Default::default()
        };
        for v in vs {
            *s.verdicts.entry(v.verdict.to_string()).or_default() += 1;
            if v.verdict == "inauthentic" {
                let k = v
                    .network
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "none".into());
                let e = s.networks.entry(k).or_default();
                if v.page_kind == "group" {
                    e.groups += 1;
                } else {
                    e.pages += 1;
                }
            }
        }
        s
    }

    /// Meta's wording: "N Pages, M Groups" for one network (or all when `None`).
    pub fn disclosure_phrase(&self, network: Option<u32>) -> String {
        let (p, g) = match network {
            Some(c) => self
                .networks
                .get(&c.to_string())
                .map(|e| (e.pages, e.groups))
                .unwrap_or((0, 0)),
            None => self
                .networks
                .values()
                .fold((0, 0), |(p, g), e| (p + e.pages, g + e.groups)),
        };
        lockstep_model::pages_groups_phrase(p, g)
    }
}

/// Writes `pages.csv` ([`PAGE_COLUMNS`]). Page names and evidence are free text from the input:
/// they go through the formula-injection guard ([`lockstep_export::guard_cell`]).
pub fn write_csv<W: std::io::Write>(vs: &[PageVerdict], w: W) -> csv::Result<()> {
    let mut wr = csv::Writer::from_writer(w);
    wr.write_record(PAGE_COLUMNS)?;
    for v in vs {
        wr.write_record([
            v.page_id.as_str(),
            &guard_cell(&v.page_name),
            &v.page_kind,
            v.verdict,
            &v.network.map(|c| c.to_string()).unwrap_or_default(),
            &v.admins.to_string(),
            &v.inauthentic_admins.to_string(),
            &v.posing_as_news.join("|"),
            &guard_cell(&v.evidence),
            &v.admin_ids.join("|"),
        ])?;
    }
    wr.flush()?;
    Ok(())
}

/// One row of `pages.csv` as read back by [`read_csv`].
#[derive(Clone, Debug, PartialEq)]
pub struct PageRecord {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// Page id.
    pub page_id: String,
    /// Page name (guard removed).
    pub page_name: String,
    /// `page` or `group`.
    pub page_kind: String,
    /// `inauthentic`, `suspicious` or `none`.
    pub verdict: String,
    /// The network most of its inauthentic admins belong to.
    pub network: Option<u32>,
    /// Evidence text (guard removed).
    pub evidence: String,
    /// The admins' account ids.
    pub admin_ids: Vec<String>,
}

/// Reads `pages.csv` ([`PAGE_COLUMNS`] by header name; `page_id` and `verdict` required, the
/// others read as empty when absent), next to its writer [`write_csv`].
pub fn read_csv(path: &Path) -> Result<Vec<PageRecord>, AdsError> {
    let p = path.display().to_string();
    let unreadable = |line: u64, e: csv::Error| AdsError::Row {
        path: p.clone(),
        line,
        problem: FieldProblem::new("row", format!("unreadable CSV ({e})"), ""),
    };
    let mut rd = csv::Reader::from_path(path).map_err(|e| unreadable(1, e))?;
    let header = rd.headers().map_err(|e| unreadable(1, e))?.clone();
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let required = |name: &str| {
        col(name).ok_or_else(|| AdsError::Row {
            path: p.clone(),
            line: 1,
            problem: FieldProblem::new(name, "required column is missing", ""),
        })
    };
    let (c_id, c_verdict) = (required("page_id")?, required("verdict")?);
    let (c_name, c_kind, c_net) = (col("page_name"), col("page_kind"), col("network"));
    let (c_ev, c_admins) = (col("evidence"), col("admin_ids"));
    let mut out = Vec::new();
    for rec in rd.records() {
        let line = out.len() as u64 + 2;
        let rec = rec.map_err(|e| unreadable(line, e))?;
        let line = rec.position().map_or(line, |p| p.line());
        let cell = |c: Option<usize>| c.and_then(|i| rec.get(i)).map_or("", str::trim);
        let net = cell(c_net);
        let network = if net.is_empty() {
            None
        } else {
            Some(net.parse().map_err(|_| AdsError::Row {
                path: p.clone(),
                line,
                problem: FieldProblem::new("network", "expected a cluster id", net),
            })?)
        };
        out.push(PageRecord {
            line,
            page_id: cell(Some(c_id)).to_string(),
            page_name: unguard_cell(cell(c_name)).to_string(),
            page_kind: cell(c_kind).to_string(),
            verdict: cell(Some(c_verdict)).to_string(),
            network,
            evidence: unguard_cell(cell(c_ev)).to_string(),
            admin_ids: cell(c_admins)
                .split('|')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin(id: &str, bad: bool, c: Option<u32>) -> Admin {
        Admin {
            account_id: id.into(),
            verdict: bad.then(|| "inauthentic".to_string()),
            cluster: c,
        }
    }

    #[test]
    fn verdicts_follow_admins() {
        let reg = StateMediaRegistry::builtin();
        let pages = [
            PageInput {
                page_id: "1".into(),
                page_name: "HK Daily Truth".into(),
                page_kind: "page".into(),
                admins: vec![admin("a", true, Some(2)), admin("b", true, Some(2))],
            },
            PageInput {
                page_id: "2".into(),
                page_name: "維港觀察".into(),
                page_kind: "group".into(),
                admins: vec![admin("a", true, Some(2)), admin("c", false, None)],
            },
            PageInput {
                page_id: "3".into(),
                page_name: "HK Hikers".into(),
                page_kind: "group".into(),
                admins: vec![admin("d", false, None)],
            },
            PageInput {
                page_id: "4".into(),
                page_name: "Kowloon Parents".into(),
                page_kind: "page".into(),
                admins: vec![
                    admin("a", true, Some(2)),
                    admin("e", false, None),
                    admin("f", false, None),
                ],
            },
        ];
        let v = judge(&pages, &reg);
        let verdicts: Vec<&str> = v.iter().map(|p| p.verdict).collect();
        assert_eq!(
            verdicts,
            ["inauthentic", "inauthentic", "none", "suspicious"]
        );
        assert_eq!(v[0].network, Some(2));
        assert!(v[0].posing_as_news.contains(&"news_like_name"));
        assert!(
            v[1].posing_as_news.contains(&"news_like_name"),
            "{:?}",
            v[1]
        );
        assert!(v[2].posing_as_news.is_empty());
        let s = PagesSummary::of(&v);
        assert_eq!(s.disclosure_phrase(Some(2)), "1 Page, 1 Group");
        assert_eq!(s.disclosure_phrase(None), "1 Page, 1 Group");
    }
}
