//! `lockstep ads report`: spend and count of state-media ads (the screen's `reject` decisions)
//! grouped by entity, country, month, year, currency or rule: what a platform publishes when it
//! announces the policy. CSV and a self-contained HTML page in the report crate's style.

use crate::screen::{AdDecision, Decision};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A grouping key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// Registry entity.
    Entity,
    /// Entity's country.
    Country,
    /// `YYYY-MM` of submission.
    Month,
    /// `YYYY` of submission.
    Year,
    /// The deciding rule.
    Rule,
}

impl GroupBy {
    /// Parses `entity`, `country`, `month`, `year` or `rule`.
    pub fn parse(s: &str) -> Option<GroupBy> {
        Some(match s.trim() {
            "entity" => GroupBy::Entity,
            "country" => GroupBy::Country,
            "month" => GroupBy::Month,
            "year" => GroupBy::Year,
            "rule" => GroupBy::Rule,
            _ => return None,
        })
    }

    /// Column name.
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Entity => "entity",
            GroupBy::Country => "country",
            GroupBy::Month => "month",
            GroupBy::Year => "year",
            GroupBy::Rule => "rule",
        }
    }

    fn key(self, d: &AdDecision) -> String {
        match self {
            GroupBy::Entity => d.entity.clone(),
            GroupBy::Country => d.country.clone(),
            GroupBy::Month => d
                .time
                .map(|t| month(t)[..7].to_string())
                .unwrap_or_default(),
            GroupBy::Year => d
                .time
                .map(|t| month(t)[..4].to_string())
                .unwrap_or_default(),
            GroupBy::Rule => d.rule.as_str().to_string(),
        }
    }
}

fn month(t: i64) -> String {
    lockstep_ingest::timeparse::format_utc(t)
}

/// One row of the report: the group's keys, currency, number of ads and spend.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRow {
    /// Values of the grouping keys, in `--by` order.
    pub keys: Vec<String>,
    /// Currency (spend is never summed across currencies).
    pub currency: String,
    /// State-media ads.
    pub ads: u64,
    /// Their spend (ads with an invalid amount count, with spend 0).
    pub spend: f64,
}

/// The report: rows, totals and the number of ads sent to review.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AdsReport {
    /// Grouping keys.
    pub by: Vec<&'static str>,
    /// Rows, sorted by keys then currency.
    pub rows: Vec<ReportRow>,
    /// All ads screened.
    pub screened: u64,
    /// State-media ads (rejected).
    pub rejected: u64,
    /// Ads sent to review.
    pub review: u64,
}

/// Groups the rejected (state-media) ads.
pub fn build(ds: &[AdDecision], by: &[GroupBy]) -> AdsReport {
    let mut g: BTreeMap<(Vec<String>, String), (u64, f64)> = BTreeMap::new();
    let mut r = AdsReport {
        by: by.iter().map(|b| b.name()).collect(),
        screened: ds.len() as u64,
        ..Default::default()
    };
    for d in ds {
        match d.decision {
            Decision::Review => r.review += 1,
            Decision::Reject => {
                r.rejected += 1;
                let keys = by.iter().map(|b| b.key(d)).collect();
                let e = g.entry((keys, d.currency.clone())).or_default();
                e.0 += 1;
                e.1 += d.spend.unwrap_or(0.0);
            }
            Decision::Allow => {}
        }
    }
    r.rows = g
        .into_iter()
        .map(|((keys, currency), (ads, spend))| ReportRow {
            keys,
            currency,
            ads,
            spend,
        })
        .collect();
    r
}

impl AdsReport {
    /// Writes the CSV (`<by...>,currency,ads,spend`).
    pub fn write_csv<W: std::io::Write>(&self, w: W) -> csv::Result<()> {
        let mut wr = csv::Writer::from_writer(w);
        let mut h: Vec<&str> = self.by.clone();
        h.extend(["currency", "ads", "spend"]);
        wr.write_record(&h)?;
        for r in &self.rows {
            let mut rec = r.keys.clone();
            rec.extend([
                r.currency.clone(),
                r.ads.to_string(),
                format!("{:.2}", r.spend),
            ]);
            wr.write_record(&rec)?;
        }
        wr.flush()?;
        Ok(())
    }

    /// A self-contained HTML page (no external resources).
    pub fn html(&self, title: &str) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>\n{}{}</style></head><body><main>\n<h1>{}</h1>\n<p class=\"sub\">Ads screened against the registry of state-controlled media (Lockstep ads screen). State-media ads are the rejected ones; spend is summed per currency, never converted.</p>\n<div class=\"cards\"><div class=\"card\"><div class=\"n\">{}</div><div class=\"l\">ads screened</div></div><div class=\"card alert\"><div class=\"n\">{}</div><div class=\"l\">state-media ads rejected</div></div><div class=\"card\"><div class=\"n\">{}</div><div class=\"l\">sent to review</div></div></div>\n<h2>State-media ads by {}</h2>\n<table><tr>",
            esc(title),
            lockstep_report::BASE_CSS,
            BAR_CSS,
            esc(title),
            self.screened,
            self.rejected,
            self.review,
            esc(&self.by.join(", "))
        );
        for b in &self.by {
            let _ = write!(s, "<th>{}</th>", esc(b));
        }
        s.push_str(
            "<th>currency</th><th class=\"num\">ads</th><th class=\"num\">spend</th></tr>\n",
        );
        let max = self.rows.iter().map(|r| r.ads).max().unwrap_or(1).max(1);
        for r in &self.rows {
            s.push_str("<tr>");
            for k in &r.keys {
                let _ = write!(s, "<td>{}</td>", esc(k));
            }
            let _ = writeln!(
                s,
                "<td>{}</td><td class=\"num\"><span class=\"bar\" style=\"width:{}px\"></span> {}</td><td class=\"num\">{:.2}</td></tr>",
                esc(&r.currency),
                (r.ads * 120 / max).max(1),
                r.ads,
                r.spend
            );
        }
        s.push_str("</table>\n<p class=\"small\">Generated by lockstep ads report. Decisions and evidence per ad are in decisions.csv of `lockstep ads screen`.</p>\n</main></body></html>\n");
        s
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The ads report's own rule on top of the shared stylesheet ([`lockstep_report::BASE_CSS`]).
const BAR_CSS: &str = ".bar { display: inline-block; height: 9px; background: var(--bad); vertical-align: middle; }\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::Rule;

    fn d(entity: &str, t: i64, spend: f64, decision: Decision) -> AdDecision {
        AdDecision {
            ad_id: "a".into(),
            decision,
            rule: Rule::LandingDomain,
            entity: entity.into(),
            country: "CN".into(),
            evidence: String::new(),
            spend: Some(spend),
            currency: "USD".into(),
            time: Some(t),
            problems: vec![],
        }
    }

    #[test]
    fn groups_by_entity_and_month() {
        let aug = 1_565_000_000; // 2019-08-05
        let sep = 1_568_000_000; // 2019-09-09
        let ds = [
            d("CGTN", aug, 10.0, Decision::Reject),
            d("CGTN", aug + 86_400, 5.0, Decision::Reject),
            d("CGTN", sep, 1.0, Decision::Reject),
            d("Xinhua", aug, 2.0, Decision::Reject),
            d("", aug, 7.0, Decision::Review),
            d("", aug, 7.0, Decision::Allow),
        ];
        let r = build(&ds, &[GroupBy::Entity, GroupBy::Month]);
        assert_eq!((r.screened, r.rejected, r.review), (6, 4, 1));
        assert_eq!(r.rows.len(), 3);
        assert_eq!(r.rows[0].keys, ["CGTN", "2019-08"]);
        assert_eq!((r.rows[0].ads, r.rows[0].spend), (2, 15.0));
        let html = r.html("State-media ads");
        assert!(html.contains("2019-09") && !html.contains("http"));
        let mut out = Vec::new();
        r.write_csv(&mut out).unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out);
        assert!(text.starts_with("entity,month,currency,ads,spend\nCGTN,2019-08,USD,2,15.00\n"));
    }
}
