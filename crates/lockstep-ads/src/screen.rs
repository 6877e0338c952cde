//! The ad screen: one decision per ad (`reject`, `review`, `allow`) with the rule that fired, the
//! registry entity and the evidence (docs/ads.md lists the rules).

use crate::fold::{Folded, fold};
use crate::input::{AdRow, check_row};
use crate::landing::Landing;
use crate::registry::{EntityKind, EntityRef, StateMediaRegistry};
use hashbrown::HashMap;
use rayon::prelude::*;
use serde::Serialize;

/// What happens to an ad.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Nothing found.
    Allow,
    /// A person must look (shortened or redirected link, partial name, inauthentic account...).
    Review,
    /// State-controlled media.
    Reject,
}

impl Decision {
    /// `allow`, `review` or `reject`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Review => "review",
            Decision::Reject => "reject",
        }
    }
}

/// The rules, each with the decision it leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The landing host or a parent domain is a state outlet's domain or mirror.
    LandingDomain,
    /// A URL embedded in the landing URL (a redirector's target) is a state outlet's.
    RedirectTarget,
    /// The advertiser is a state outlet (whole name, alias, transliteration).
    AdvertiserName,
    /// The payer is a state outlet.
    PayerName,
    /// The advertiser or payer is a state outlet's platform handle.
    Handle,
    /// A state outlet's name is a word sequence inside the advertiser or payer name.
    PartialName,
    /// The landing host is an internationalised look-alike of a state outlet's domain.
    LookalikeDomain,
    /// The landing URL is a link shortener: its target is unknown.
    UrlShortener,
    /// The landing URL redirects elsewhere (embedded URL or redirect endpoint).
    Redirector,
    /// The landing host is an IP address.
    IpHost,
    /// The ad was submitted by an account the investigation judged inauthentic.
    InauthenticAccount,
    /// The ad runs from a page the investigation judged inauthentic.
    InauthenticPage,
    /// The ad text names a state outlet.
    TextMention,
    /// A field is invalid (lenient mode: the ad is screened on what could be read).
    BadInput,
    /// The advertiser is an excluded public broadcaster (not state media).
    PublicBroadcaster,
    /// Nothing matched.
    None,
}

impl Rule {
    /// The rule's name in decisions.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::LandingDomain => "landing_domain",
            Rule::RedirectTarget => "redirect_target",
            Rule::AdvertiserName => "advertiser_name",
            Rule::PayerName => "payer_name",
            Rule::Handle => "handle",
            Rule::PartialName => "partial_name",
            Rule::LookalikeDomain => "lookalike_domain",
            Rule::UrlShortener => "url_shortener",
            Rule::Redirector => "redirector",
            Rule::IpHost => "ip_host",
            Rule::InauthenticAccount => "inauthentic_account",
            Rule::InauthenticPage => "inauthentic_page",
            Rule::TextMention => "text_mention",
            Rule::BadInput => "bad_input",
            Rule::PublicBroadcaster => "public_broadcaster",
            Rule::None => "none",
        }
    }

    /// The decision this rule leads to.
    pub fn decision(self) -> Decision {
        match self {
            Rule::LandingDomain
            | Rule::RedirectTarget
            | Rule::AdvertiserName
            | Rule::PayerName
            | Rule::Handle => Decision::Reject,
            Rule::PublicBroadcaster | Rule::None => Decision::Allow,
            _ => Decision::Review,
        }
    }

    /// Every rule, in precedence order within a decision.
    pub const ALL: [Rule; 16] = [
        Rule::LandingDomain,
        Rule::RedirectTarget,
        Rule::AdvertiserName,
        Rule::PayerName,
        Rule::Handle,
        Rule::PartialName,
        Rule::LookalikeDomain,
        Rule::UrlShortener,
        Rule::Redirector,
        Rule::IpHost,
        Rule::InauthenticAccount,
        Rule::InauthenticPage,
        Rule::TextMention,
        Rule::BadInput,
        Rule::PublicBroadcaster,
        Rule::None,
    ];
}

/// One finding about an ad.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The rule.
    pub rule: Rule,
    /// The registry entry involved, if any.
    pub entity: Option<EntityRef>,
    /// Human-readable evidence.
    pub evidence: String,
}

/// The screen's verdict on one ad.
#[derive(Clone, Debug, PartialEq)]
pub struct AdDecision {
    /// Ad id (`line N` when the id is empty).
    pub ad_id: String,
    /// Decision.
    pub decision: Decision,
    /// The deciding rule.
    pub rule: Rule,
    /// The deciding registry entry's name (empty when none).
    pub entity: String,
    /// The entry's country (empty when none).
    pub country: String,
    /// All findings, `; `-separated.
    pub evidence: String,
    /// Spend, when valid.
    pub spend: Option<f64>,
    /// Currency as given.
    pub currency: String,
    /// Submission time, when valid.
    pub time: Option<i64>,
    /// Field problems (`field: reason`), when any.
    pub problems: Vec<String>,
}

/// What an investigation judged inauthentic: accounts and pages, each with its evidence text.
#[derive(Clone, Debug, Default)]
pub struct Judged {
    /// Account id → evidence (`judged inauthentic in cluster 3`).
    pub accounts: HashMap<String, String>,
    /// Page id → evidence.
    pub pages: HashMap<String, String>,
}

/// The screen: a registry and, optionally, what an investigation judged inauthentic.
pub struct Screener<'a> {
    reg: &'a StateMediaRegistry,
    judged: Judged,
    stems: HashMap<String, usize>,
}

impl<'a> Screener<'a> {
    /// A screen over `reg`.
    pub fn new(reg: &'a StateMediaRegistry, judged: Judged) -> Self {
        let mut stems = HashMap::new();
        for (i, o) in reg.outlets.iter().enumerate() {
            for d in o.all_domains() {
                if let Some(s) = stem(d)
                    && s.len() >= 3
                {
                    stems.entry(s).or_insert(i);
                }
            }
        }
        Screener { reg, judged, stems }
    }

    /// Screens a batch in parallel (order kept).
    pub fn screen_all(&self, rows: &[AdRow]) -> Vec<AdDecision> {
        rows.par_iter()
            .with_min_len(256)
            .map(|r| self.screen(r))
            .collect()
    }

    /// Screens one ad.
    pub fn screen(&self, r: &AdRow) -> AdDecision {
        let checked = check_row(r);
        let mut f: Vec<Finding> = Vec::new();
        if let Some(l) = &checked.landing {
            self.url_findings(l, &mut f);
        }
        let (adv, payer) = (r.advertiser.trim(), r.payer.trim());
        if !adv.is_empty() {
            self.name_findings("advertiser", adv, &checked.advertiser, &mut f);
        }
        if !payer.is_empty() && payer != adv {
            self.name_findings("payer", payer, &checked.payer, &mut f);
        }
        if !r.ad_text.is_empty() {
            let t = fold(&r.ad_text);
            if let Some((e, _)) = self.reg.contained(&t, 5)
                && e.kind == EntityKind::StateMedia
            {
                f.push(Finding {
                    rule: Rule::TextMention,
                    entity: Some(e),
                    evidence: format!("ad text names {}", self.reg.entity(e).name),
                });
            }
        }
        let u = r.userid.trim();
        if !u.is_empty()
            && let Some(ev) = self.judged.accounts.get(u)
        {
            f.push(Finding {
                rule: Rule::InauthenticAccount,
                entity: None,
                evidence: format!("submitted by account {u}: {ev}"),
            });
        }
        let p = r.page_id.trim();
        if !p.is_empty()
            && let Some(ev) = self.judged.pages.get(p)
        {
            f.push(Finding {
                rule: Rule::InauthenticPage,
                entity: None,
                evidence: format!("runs from page {p}: {ev}"),
            });
        }
        for pr in &checked.problems {
            f.push(Finding {
                rule: Rule::BadInput,
                entity: None,
                evidence: pr.to_string(),
            });
        }
        let best = f
            .iter()
            .max_by_key(|x| {
                (
                    x.rule.decision(),
                    std::cmp::Reverse(Rule::ALL.iter().position(|&r| r == x.rule)),
                )
            })
            .cloned();
        let (decision, rule, ent) = match &best {
            Some(b) => (b.rule.decision(), b.rule, b.entity),
            None => (Decision::Allow, Rule::None, None),
        };
        let ent = ent.or_else(|| f.iter().find_map(|x| x.entity));
        let mut evidence: Vec<&str> = Vec::new();
        for x in &f {
            if !evidence.contains(&x.evidence.as_str()) {
                evidence.push(&x.evidence);
            }
        }
        AdDecision {
            ad_id: if r.ad_id.trim().is_empty() {
                format!("line {}", r.line)
            } else {
                r.ad_id.trim().to_string()
            },
            decision,
            rule,
            entity: ent
                .map(|e| self.reg.entity(e).name.clone())
                .unwrap_or_default(),
            country: ent
                .map(|e| self.reg.entity(e).country.clone())
                .unwrap_or_default(),
            evidence: evidence.join("; "),
            spend: checked.spend,
            currency: r.currency.trim().to_string(),
            time: checked.time,
            problems: checked.problems.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn url_findings(&self, l: &Landing, f: &mut Vec<Finding>) {
        if let Some(e) = self.reg.entity_of_host(&l.host) {
            let o = self.reg.entity(e);
            match e.kind {
                EntityKind::StateMedia => f.push(Finding {
                    rule: Rule::LandingDomain,
                    entity: Some(e),
                    evidence: format!(
                        "landing host {} is a domain of {} ({})",
                        l.host, o.name, o.country
                    ),
                }),
                EntityKind::PublicBroadcaster => f.push(Finding {
                    rule: Rule::PublicBroadcaster,
                    entity: Some(e),
                    evidence: format!(
                        "landing host {} is {} (excluded public broadcaster)",
                        l.host, o.name
                    ),
                }),
            }
        }
        let mut redirected = false;
        for inner in &l.embedded {
            let Ok(il) = Landing::parse(inner) else {
                continue;
            };
            if il.registrable == l.registrable {
                continue;
            }
            redirected = true;
            if let Some(e) = self.reg.entity_of_host(&il.host)
                && e.kind == EntityKind::StateMedia
            {
                f.push(Finding {
                    rule: Rule::RedirectTarget,
                    entity: Some(e),
                    evidence: format!(
                        "{} redirects to {} ({})",
                        l.host,
                        il.host,
                        self.reg.entity(e).name
                    ),
                });
            }
            if il.is_shortener() {
                f.push(Finding {
                    rule: Rule::UrlShortener,
                    entity: None,
                    evidence: format!("redirect target {} is a link shortener", il.host),
                });
            }
        }
        if redirected || l.redirect_endpoint {
            f.push(Finding {
                rule: Rule::Redirector,
                entity: None,
                evidence: format!("{} is a redirector", l.host),
            });
        }
        if l.is_shortener() {
            f.push(Finding {
                rule: Rule::UrlShortener,
                entity: None,
                evidence: format!("{} is a link shortener (target unknown)", l.host),
            });
        }
        if l.ip {
            f.push(Finding {
                rule: Rule::IpHost,
                entity: None,
                evidence: format!("landing host is an IP address ({})", l.host),
            });
        }
        if l.unicode_host != l.host
            && self.reg.entity_of_host(&l.host).is_none()
            && let Some(s) = stem(&l.unicode_host)
            && let Some(&i) = self.stems.get(&s)
        {
            f.push(Finding {
                rule: Rule::LookalikeDomain,
                entity: Some(EntityRef {
                    kind: EntityKind::StateMedia,
                    index: i,
                }),
                evidence: format!(
                    "landing host {} ({}) looks like a domain of {}",
                    l.host, l.unicode_host, self.reg.outlets[i].name
                ),
            });
        }
    }

    fn name_findings(&self, field: &str, name: &str, folded: &Folded, f: &mut Vec<Finding>) {
        let handle_like = !name.contains(char::is_whitespace);
        if handle_like && let Some(e) = self.reg.entity_of_handle(name) {
            let o = self.reg.entity(e);
            f.push(match e.kind {
                EntityKind::StateMedia => Finding {
                    rule: Rule::Handle,
                    entity: Some(e),
                    evidence: format!("{field} '{name}' is a handle of {} ({})", o.name, o.country),
                },
                EntityKind::PublicBroadcaster => Finding {
                    rule: Rule::PublicBroadcaster,
                    entity: Some(e),
                    evidence: format!(
                        "{field} '{name}' is a handle of {} (excluded public broadcaster)",
                        o.name
                    ),
                },
            });
            return;
        }
        let Some(m) = self.reg.match_folded(folded) else {
            return;
        };
        let o = self.reg.entity(m.entity);
        let finding = match (m.entity.kind, m.whole) {
            (EntityKind::StateMedia, true) => Finding {
                rule: if field == "payer" {
                    Rule::PayerName
                } else {
                    Rule::AdvertiserName
                },
                entity: Some(m.entity),
                evidence: format!(
                    "{field} '{name}' is {} ({}, alias '{}')",
                    o.name, o.country, m.alias
                ),
            },
            (EntityKind::StateMedia, false) => Finding {
                rule: Rule::PartialName,
                entity: Some(m.entity),
                evidence: format!("{field} '{name}' contains '{}' ({})", m.alias, o.name),
            },
            (EntityKind::PublicBroadcaster, _) => Finding {
                rule: Rule::PublicBroadcaster,
                entity: Some(m.entity),
                evidence: format!(
                    "{field} '{name}' is {} (excluded public broadcaster)",
                    o.name
                ),
            },
        };
        f.push(finding);
    }
}

/// The folded label before the public suffix (`cgtn.com` → `cgtn`, `xn--gtn-3ed.com` → the
/// look-alike fold of `cgtп`).
fn stem(domain: &str) -> Option<String> {
    let d = domain.trim_end_matches('.');
    let reg = psl::domain_str(d).unwrap_or(d);
    let suffix = psl::suffix_str(reg)?;
    let label = reg.strip_suffix(suffix)?.trim_end_matches('.');
    let s = crate::fold::compact(label);
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
pub(crate) fn stem_for_test(d: &str) -> Option<String> {
    stem(d)
}

/// Counts of a screen run.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ScreenSummary {
    /// Ads screened.
    pub ads: usize,
    /// By decision.
    pub decisions: std::collections::BTreeMap<String, usize>,
    /// By deciding rule.
    pub rules: std::collections::BTreeMap<String, usize>,
    /// Ads with at least one invalid field.
    pub bad_input: usize,
    /// Rejected or reviewed ads by registry entity.
    pub entities: std::collections::BTreeMap<String, usize>,
}

impl ScreenSummary {
    /// Counts decisions.
    pub fn of(ds: &[AdDecision]) -> Self {
        let mut s = ScreenSummary {
            ads: ds.len(),
            ..Default::default()
        };
        for d in ds {
            *s.decisions.entry(d.decision.as_str().into()).or_default() += 1;
            *s.rules.entry(d.rule.as_str().into()).or_default() += 1;
            if !d.problems.is_empty() {
                s.bad_input += 1;
            }
            if d.decision != Decision::Allow && !d.entity.is_empty() {
                *s.entities.entry(d.entity.clone()).or_default() += 1;
            }
        }
        s
    }
}

/// Writes `decisions.csv` (`ad_id,decision,rule,entity,evidence`).
pub fn write_decisions<W: std::io::Write>(ds: &[AdDecision], w: W) -> csv::Result<()> {
    let mut wr = csv::Writer::from_writer(w);
    wr.write_record(["ad_id", "decision", "rule", "entity", "evidence"])?;
    for d in ds {
        wr.write_record([
            d.ad_id.as_str(),
            d.decision.as_str(),
            d.rule.as_str(),
            &d.entity,
            &d.evidence,
        ])?;
    }
    wr.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ad(adv: &str, payer: &str, url: &str, text: &str) -> AdRow {
        AdRow {
            line: 2,
            ad_id: "a".into(),
            advertiser: adv.into(),
            payer: payer.into(),
            landing_url: url.into(),
            ad_text: text.into(),
            spend: "10".into(),
            currency: "USD".into(),
            submitted_at: "2019-08-20 10:00:00".into(),
            ..Default::default()
        }
    }

    fn run(r: &AdRow) -> (Decision, Rule, String) {
        let reg = StateMediaRegistry::builtin();
        let s = Screener::new(&reg, Judged::default());
        let d = s.screen(r);
        (d.decision, d.rule, d.entity)
    }

    #[test]
    fn rules_fire() {
        let shop = "https://shop.example.com/x";
        let cases = [
            (
                ad("Shop", "Shop Ltd", "https://francais.rt.com/x", ""),
                Decision::Reject,
                Rule::LandingDomain,
            ),
            (
                ad("Shop", "Shop Ltd", "https://rtde.tech/x", ""),
                Decision::Reject,
                Rule::LandingDomain,
            ),
            (
                ad(
                    "Shop",
                    "Shop Ltd",
                    "https://go.example.net/redirect?url=https%3A%2F%2Fwww.cgtn.com%2Fa",
                    "",
                ),
                Decision::Reject,
                Rule::RedirectTarget,
            ),
            (
                ad("С.G.T.N", "Shop Ltd", shop, ""),
                Decision::Reject,
                Rule::AdvertiserName,
            ),
            (
                ad("Shop", "Синьхуа", shop, ""),
                Decision::Reject,
                Rule::PayerName,
            ),
            (
                ad("@RT_com", "Shop", shop, ""),
                Decision::Reject,
                Rule::Handle,
            ),
            (
                ad("Xinhua Travel Deals", "Shop", shop, ""),
                Decision::Review,
                Rule::PartialName,
            ),
            (
                ad("Shop", "Shop", "https://bit.ly/3xyz", ""),
                Decision::Review,
                Rule::UrlShortener,
            ),
            (
                ad(
                    "Shop",
                    "Shop",
                    "https://x.example.net/out?to=https://other.example.org/",
                    "",
                ),
                Decision::Review,
                Rule::Redirector,
            ),
            (
                ad("Shop", "Shop", "https://xn--gtn-3ed.com/", ""),
                Decision::Review,
                Rule::LookalikeDomain,
            ),
            (
                ad("Shop", "Shop", shop, "Watch Global Times tonight"),
                Decision::Review,
                Rule::TextMention,
            ),
            (
                ad("Shop", "Shop", shop, "Beat RT prices!"),
                Decision::Allow,
                Rule::None,
            ),
            (
                ad("Art Shop", "Smart Ltd", "https://art.com/rt", ""),
                Decision::Allow,
                Rule::None,
            ),
            (
                ad("Shop", "Shop", "https://rt-deals.example.com/", ""),
                Decision::Allow,
                Rule::None,
            ),
            (
                ad(
                    "BBC",
                    "British Broadcasting Corporation",
                    "https://www.bbc.co.uk/x",
                    "",
                ),
                Decision::Allow,
                Rule::PublicBroadcaster,
            ),
            (
                ad("Deutsche Welle", "DW", "https://bit.ly/dw", ""),
                Decision::Review,
                Rule::UrlShortener,
            ),
        ];
        for (r, dec, rule) in cases {
            let (d, ru, _) = run(&r);
            assert_eq!((d, ru), (dec, rule), "{r:?}");
        }
    }

    #[test]
    fn bad_input_is_reviewed_not_allowed() {
        let mut r = ad("Shop", "Shop", "https://shop.example.com", "");
        r.spend = "lots".into();
        assert_eq!(run(&r).0, Decision::Review);
        r.landing_url = "https://cgtn.com/x".into();
        assert_eq!(run(&r).0, Decision::Reject, "a state ad stays rejected");
    }

    #[test]
    fn judged_accounts_and_pages_go_to_review() {
        let reg = StateMediaRegistry::builtin();
        let mut j = Judged::default();
        j.accounts
            .insert("u1".into(), "inauthentic (cluster 2)".into());
        j.pages.insert("p1".into(), "inauthentic page".into());
        let s = Screener::new(&reg, j);
        let mut r = ad(
            "Lion Rock Times",
            "Pearl Media Ltd",
            "https://lionrock.example.com",
            "",
        );
        r.userid = "u1".into();
        let d = s.screen(&r);
        assert_eq!(
            (d.decision, d.rule),
            (Decision::Review, Rule::InauthenticAccount)
        );
        assert!(d.evidence.contains("cluster 2"));
        r.userid.clear();
        r.page_id = "p1".into();
        assert_eq!(s.screen(&r).rule, Rule::InauthenticPage);
    }
}
