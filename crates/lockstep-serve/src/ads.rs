//! `POST /api/v1/ads/screen`: the ad screen of `lockstep ads screen` ([`lockstep_ads::Screener`],
//! docs/ads.md) behind the case server, for one ad or a batch. With `case_id`, ads submitted by
//! accounts that the case judged inauthentic go to `review`, as with
//! `lockstep ads screen --investigation DIR`.
//!
//! Ads with invalid fields are screened as the CLI's `--lenient` mode does: never `allow`, each
//! problem listed. A body that is not an ad (not an object, a column missing) is refused (400)
//! naming the ad's position.

use crate::db::{Connection, OptionalExtension};
use crate::error::{Result, ServeError};
use crate::params;
use lockstep_ads::{AdRow, Decision, Judged, Rule, ScreenSummary, Screener, StateMediaRegistry};
use serde::Serialize;
use serde_json::Value;

/// Most ads one request may carry (the body size limit applies as well).
pub const MAX_ADS_PER_REQUEST: usize = 10_000;

/// The screen's decision on one ad, as the API returns it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScreenedAd {
    /// Ad id (`ad N` when empty: its 1-based position in the request).
    pub ad_id: String,
    /// `reject`, `review` or `allow`.
    pub decision: Decision,
    /// The deciding rule (docs/ads.md).
    pub rule: Rule,
    /// The matched registry entity (empty when none).
    pub entity: String,
    /// The entity's country (empty when none).
    pub country: String,
    /// Every finding, `; `-separated.
    pub evidence: String,
    /// Invalid fields (`field: reason`).
    pub problems: Vec<String>,
}

/// The answer to one request.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScreenResult {
    /// One decision per ad, in request order.
    pub decisions: Vec<ScreenedAd>,
    /// Counts by decision, rule and entity.
    pub summary: ScreenSummary,
}

/// The ads of a request body: one ad object, a JSON array of ads, or `{"ads": [...]}` (with an
/// optional `case_id`).
fn ads_of(body: &Value) -> Result<(Vec<AdRow>, Option<i64>)> {
    let (items, case_id): (Vec<&Value>, Option<i64>) = match body {
        Value::Array(a) => (a.iter().collect(), None),
        Value::Object(o) if o.contains_key("ads") => {
            let ads = o.get("ads").and_then(Value::as_array).ok_or_else(|| {
                ServeError::BadRequest("ads: expected an array of ad objects".into())
            })?;
            let case_id = match o.get("case_id") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_i64().ok_or_else(|| {
                    ServeError::BadRequest("case_id: expected an integer".into())
                })?),
            };
            (ads.iter().collect(), case_id)
        }
        Value::Object(_) => (vec![body], None),
        _ => {
            return Err(ServeError::BadRequest(
                "request body: expected an ad object, an array of ads or {\"ads\": [...]}".into(),
            ));
        }
    };
    if items.is_empty() {
        return Err(ServeError::BadRequest("no ad in the request".into()));
    }
    if items.len() > MAX_ADS_PER_REQUEST {
        return Err(ServeError::TooLarge(format!(
            "{} ads in one request; at most {MAX_ADS_PER_REQUEST}",
            items.len()
        )));
    }
    let rows = items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            lockstep_ads::row_of_json("ad", i as u64 + 1, v)
                .map_err(|e| ServeError::BadRequest(e.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((rows, case_id))
}

/// What case `case_id` judged inauthentic among the accounts these ads name.
fn judged_in_case(conn: &Connection, case_id: i64, rows: &[AdRow]) -> Result<Judged> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM cases WHERE id = ?1)",
        params![case_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(ServeError::NotFound(format!("no case {case_id}")));
    }
    let mut judged = Judged::default();
    let mut acc = conn.prepare_cached(
        "SELECT cluster_id FROM accounts WHERE case_id = ?1 AND account_id = ?2 AND verdict = 'inauthentic'",
    )?;
    for r in rows {
        let u = r.userid.trim();
        if !u.is_empty() && !judged.accounts.contains_key(u) {
            let hit: Option<Option<i64>> = acc
                .query_row(params![case_id, u], |x| x.get(0))
                .optional()?;
            if let Some(cluster) = hit {
                judged
                    .accounts
                    .insert(u.to_string(), judged_text(case_id, cluster));
            }
        }
    }
    Ok(judged)
}

fn judged_text(case_id: i64, network: Option<i64>) -> String {
    match network {
        Some(n) => format!("judged inauthentic in case {case_id} (network {n})"),
        None => format!("judged inauthentic in case {case_id}"),
    }
}

/// Screens the ads of a request body against `reg` (see the module documentation).
pub fn screen(conn: &Connection, reg: &StateMediaRegistry, body: &Value) -> Result<ScreenResult> {
    let (rows, case_id) = ads_of(body)?;
    let judged = match case_id {
        Some(c) => judged_in_case(conn, c, &rows)?,
        None => Judged::default(),
    };
    let screener = Screener::new(reg, judged);
    let ds: Vec<_> = rows.iter().map(|r| screener.screen(r)).collect();
    let summary = ScreenSummary::of(&ds);
    let decisions = ds
        .into_iter()
        .zip(&rows)
        .map(|(d, r)| ScreenedAd {
            // The screen names an empty id by its line; in a request it is the ad's position.
            ad_id: if r.ad_id.trim().is_empty() {
                format!("ad {}", r.line)
            } else {
                d.ad_id
            },
            decision: d.decision,
            rule: d.rule,
            entity: d.entity,
            country: d.country,
            evidence: d.evidence,
            problems: d.problems,
        })
        .collect();
    Ok(ScreenResult { decisions, summary })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ad(id: &str, advertiser: &str, url: &str) -> Value {
        json!({"ad_id": id, "advertiser": advertiser, "payer": advertiser, "landing_url": url,
               "ad_text": "", "spend": 10, "currency": "USD", "submitted_at": "2019-08-20 10:00:00"})
    }

    #[test]
    fn one_ad_a_batch_and_bad_bodies() {
        let conn = crate::db::open(&crate::db::DatabaseUrl::Memory).unwrap();
        let reg = StateMediaRegistry::builtin();
        let one = screen(&conn, &reg, &ad("a1", "CGTN", "https://www.cgtn.com/x")).unwrap();
        assert_eq!(one.decisions.len(), 1);
        assert_eq!(one.decisions[0].decision, Decision::Reject);
        assert_eq!(one.decisions[0].entity, "CGTN");
        let batch = json!({"ads": [ad("a1", "Bakery", "https://bakery.example.com"),
                                   ad("", "Bakery", "https://bit.ly/x")]});
        let b = screen(&conn, &reg, &batch).unwrap();
        let got: Vec<(&str, Decision)> = b
            .decisions
            .iter()
            .map(|d| (d.ad_id.as_str(), d.decision))
            .collect();
        assert_eq!(got, [("a1", Decision::Allow), ("ad 2", Decision::Review)]);
        assert_eq!(b.summary.ads, 2);
        // An invalid amount is screened, never allowed.
        let mut bad = ad("a3", "Bakery", "https://bakery.example.com");
        bad["spend"] = json!("lots");
        let d = &screen(&conn, &reg, &bad).unwrap().decisions[0];
        assert_eq!(d.decision, Decision::Review);
        assert!(d.problems[0].contains("spend"), "{:?}", d.problems);
        // Not ads: 400 naming the ad; too many: 413; unknown case: 404.
        let missing = json!([ad("a1", "x", "https://x.example.com"), {"ad_id": "b"}]);
        let e = screen(&conn, &reg, &missing).unwrap_err();
        assert_eq!(e.status(), 400);
        assert!(e.to_string().contains("ad:2"), "{e}");
        assert_eq!(screen(&conn, &reg, &json!(3)).unwrap_err().status(), 400);
        assert_eq!(screen(&conn, &reg, &json!([])).unwrap_err().status(), 400);
        let many = Value::Array(vec![
            ad("a", "x", "https://x.example.com");
            MAX_ADS_PER_REQUEST + 1
        ]);
        assert_eq!(screen(&conn, &reg, &many).unwrap_err().status(), 413);
        let in_case = json!({"case_id": 99, "ads": [ad("a", "x", "https://x.example.com")]});
        assert_eq!(screen(&conn, &reg, &in_case).unwrap_err().status(), 404);
    }
}
