//! The disclosure's `report.html` (DESIGN §10: "an HTML report with charts"): the investigation
//! report of the disclosed networks, drawn from the disclosure's own `tweets.csv` and `users.csv`
//! read back through the archive reader, never from the original data.
//!
//! Drawing from the published files is what makes the report safe: every account name, handle,
//! hashtag and timestamp in it comes from files that were already pseudonymised, so the report
//! cannot show more than the CSVs do (and `disclose --check` scans it as well). Source paths are
//! reduced to file names so the operator's directories do not appear.

use super::scrub::Pseudonymizer;
use super::summary::{DisclosureSummary, NetworkSummary};
use super::{DiscloseError, Network, files};
use crate::input::{AccountResult, ClusterReport, EdgeResult, Headline, ReportInput};
use lockstep_ingest::{ReadOptions, read_paths};
use lockstep_model::{AccountId, Dataset};
use std::path::Path;

/// Reads the disclosure's archive files back into a dataset (whose ids are the disclosed ones).
pub fn read_back(out: &Path) -> Result<Dataset, DiscloseError> {
    let paths = vec![out.join(files::TWEETS), out.join(files::USERS)];
    let ing = read_paths(&paths, &ReadOptions::default())
        .map_err(|e| DiscloseError::Report(format!("reading the written disclosure back: {e}")))?;
    let mut ds = ing.dataset;
    for s in &mut ds.sources {
        if let Some(name) = Path::new(&s.path).file_name() {
            s.path = name.to_string_lossy().into_owned();
        }
    }
    unguard_text_columns(&mut ds);
    Ok(ds)
}

/// Removes the formula-injection guard the disclosure writer put on free-text cells
/// ([`lockstep_export::csv_cell`]), so the report shows the text as published (`@x hi`, not
/// `'@x hi`). Ids are never guarded and are left alone.
pub fn unguard_text_columns(ds: &mut Dataset) {
    use lockstep_model::Sym;
    let mut cache: hashbrown::HashMap<Sym, Sym> = hashbrown::HashMap::new();
    let mut fix = |strings: &mut lockstep_model::Interner, col: &mut Vec<Sym>| {
        for sym in col.iter_mut() {
            if sym.is_none() {
                continue;
            }
            if let Some(&to) = cache.get(sym) {
                *sym = to;
                continue;
            }
            let text = strings.resolve(*sym);
            let plain = lockstep_export::unguard_cell(text);
            let to = if plain.len() == text.len() {
                *sym
            } else {
                let plain = plain.to_string();
                strings.intern(&plain)
            };
            cache.insert(*sym, to);
            *sym = to;
        }
    };
    let acc = &mut ds.accounts;
    for col in [
        &mut acc.screen_name,
        &mut acc.display_name,
        &mut acc.location,
        &mut acc.description,
        &mut acc.profile_url,
    ] {
        fix(&mut ds.strings, col);
    }
    fix(&mut ds.strings, &mut ds.posts.text);
    fix(&mut ds.strings, &mut ds.posts.client);
}

fn evidence(n: &NetworkSummary) -> Vec<String> {
    let mut ev = vec![format!(
        "{} posts from {} to {} (UTC)",
        n.posts,
        n.first_activity.as_deref().unwrap_or("–"),
        n.last_activity.as_deref().unwrap_or("–")
    )];
    ev.push(format!(
        "{} accounts, {} of them disclosed under a pseudonym",
        n.accounts, n.accounts_pseudonymised
    ));
    if n.pages + n.groups > 0 {
        ev.push(format!(
            "administers {} pages and {} groups",
            n.pages, n.groups
        ));
    }
    ev.push(format!(
        "about {} followers in total (sum of follower counts)",
        n.followers_reached
    ));
    if let Some(spend) = &n.ad_spend {
        for s in spend {
            ev.push(format!(
                "ad spend {:.2} {} over {} ads",
                s.amount, s.currency, s.ads
            ));
        }
    }
    ev.push(format!("target: {}", n.target));
    ev
}

/// Builds the report input for `networks` over `back` (the read-back disclosure), mapping every
/// original account through `p` to its disclosed id. Networks whose id is not a number are
/// numbered from their position (1-based).
pub fn report_input(
    back: &Dataset,
    networks: &[Network],
    p: &Pseudonymizer<'_>,
    summary: &DisclosureSummary,
) -> ReportInput {
    let map = |a: AccountId| back.account_by_external(p.id(a));
    let mut clusters = Vec::new();
    let mut accounts = Vec::new();
    let mut edges = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for (ni, net) in networks.iter().enumerate() {
        let id = net.id.parse::<u32>().unwrap_or(ni as u32 + 1);
        let mut members = Vec::new();
        for &(a, role) in &net.members {
            if let Some(b) = map(a)
                && taken.insert(b)
            {
                members.push(b);
                accounts.push(AccountResult {
                    through_cluster: false,
                    account: b,
                    cluster: Some(id),
                    verdict: net.verdict,
                    role,
                });
            }
        }
        for e in &net.edges {
            if let (Some(a), Some(b)) = (map(e.a), map(e.b)) {
                edges.push(EdgeResult { a, b, ..e.clone() });
            }
        }
        let mut delays: Vec<f64> = net.edges.iter().map(|e| e.median_dt_s).collect();
        delays.sort_by(f64::total_cmp);
        let mut layers: Vec<String> = net.edges.iter().map(|e| e.layer.clone()).collect();
        layers.sort();
        layers.dedup();
        let ns = summary.networks.get(ni);
        clusters.push(ClusterReport {
            id,
            verdict: net.verdict,
            score: net.score.unwrap_or(0.0),
            size: members.len(),
            layers,
            evidence: ns.map(evidence).unwrap_or_default(),
            attribution: ns.map(|n| n.attribution.clone()),
            utc_offset_hours: None,
            median_delay_s: (!delays.is_empty()).then(|| delays[delays.len() / 2]),
            members,
            origin_label: ns
                .filter(|n| n.origin != "not determined")
                .map(|n| format!("{} ({})", n.origin, n.origin_confidence.as_str()))
                .unwrap_or_default(),
        });
    }
    let nets: Vec<&str> = networks.iter().map(|n| n.id.as_str()).collect();
    // The headline counts linked account pairs, not (pair, layer, scale) rows.
    let mut pairs: Vec<(AccountId, AccountId)> =
        edges.iter().map(|e| (e.a.min(e.b), e.a.max(e.b))).collect();
    pairs.sort_unstable();
    pairs.dedup();
    ReportInput {
        title: format!("Disclosure: network {}", nets.join(", ")),
        generator: summary.generator.clone(),
        headline: Headline {
            significant_edges: Some(pairs.len() as u64),
            ..Default::default()
        },
        operations: Vec::new(),
        clusters,
        accounts,
        edges,
        positions: None,
        // Pages are not part of the archive schema the disclosure follows; summary.md names them.
        pages: Vec::new(),
        parameters: vec![
            (
                "pseudonymised below".into(),
                format!("{} followers", summary.hash_below),
            ),
            ("pseudonyms".into(), summary.pseudonym.clone()),
        ],
    }
}

/// Writes `report.html` into `out` from the disclosure already written there.
pub fn write_report(
    out: &Path,
    networks: &[Network],
    p: &Pseudonymizer<'_>,
    summary: &DisclosureSummary,
) -> Result<(), DiscloseError> {
    let back = read_back(out)?;
    let input = report_input(&back, networks, p, summary);
    let html =
        crate::render_report(&back, &input).map_err(|e| DiscloseError::Report(e.to_string()))?;
    let path = out.join(files::REPORT);
    std::fs::write(&path, html).map_err(|e| DiscloseError::Io { path, source: e })
}
