//! Builds the HTML report's input from an investigation and its detection stages.

use crate::Investigation;
use crate::detect::Detection;
use lockstep_report::{
    AccountResult, ClusterReport, EdgeResult, Headline, OperationReport, PageReport, ReportInput,
    Role, Verdict,
};

/// Most edges drawn in the network picture and the delay chart (strongest first); more would make
/// the self-contained HTML heavy without adding information.
const MAX_REPORT_EDGES: usize = 20_000;

/// The report input for `inv`. Positions come from the graph stage's force layout.
pub(crate) fn report_input(
    inv: &Investigation,
    det: &Detection,
    title: &str,
    pages: &[lockstep_ads::pages::PageVerdict],
) -> ReportInput {
    let clusters = det
        .clusters
        .members
        .iter()
        .enumerate()
        .map(|(id, members)| {
            let cs = det.scored.cluster(id as u32);
            let m = det.metrics.get(id);
            ClusterReport {
                id: id as u32,
                verdict: cs
                    .map(|c| Verdict::parse(c.verdict.as_str()).unwrap_or_default())
                    .unwrap_or_default(),
                score: cs.map_or(0.0, |c| c.score),
                size: members.len(),
                layers: m.map_or_else(Vec::new, |m| {
                    let mut l: Vec<String> = m
                        .layers
                        .iter()
                        .map(|s| s.layer.as_str().to_string())
                        .collect();
                    l.dedup();
                    l
                }),
                evidence: cs.map_or_else(Vec::new, |c| {
                    c.evidence.iter().map(|e| e.text.clone()).collect()
                }),
                attribution: cs
                    .map(|c| c.attribution.summary.clone())
                    .filter(|s| !s.is_empty()),
                utc_offset_hours: cs
                    .and_then(|c| c.attribution.utc_offset)
                    .or_else(|| m.and_then(|m| m.utc_offset_h))
                    .map(|h| h as f32),
                median_delay_s: m.and_then(|m| m.median_delay_s),
                members: members.clone(),
                origin_label: cs.map(|c| origin_label(&c.attribution)).unwrap_or_default(),
            }
        })
        .collect();

    // Accounts in clusters, in graph-node order so that layout positions line up.
    let mut accounts = Vec::new();
    let mut positions = Vec::new();
    let layout = lockstep_graph::layout(&det.graph, inv.config.report.layout_seed);
    for (i, &a) in det.graph.nodes.iter().enumerate() {
        let s = &det.scored.accounts[a.idx()];
        accounts.push(AccountResult {
            through_cluster: s
                .evidence
                .iter()
                .any(|e| e.signal == "judged_through_cluster"),
            account: a,
            cluster: inv.cluster_of[a.idx()],
            verdict: Verdict::parse(s.verdict.as_str()).unwrap_or_default(),
            role: s
                .role
                .and_then(|r| Role::parse(r.as_str()))
                .unwrap_or_default(),
        });
        positions.push(layout.get(i).copied().unwrap_or((0.0, 0.0)));
    }

    let mut edges: Vec<(f64, EdgeResult)> = inv
        .kept
        .iter()
        .map(|k| {
            let (run, e) = inv.edge(k);
            (
                k.q_value.unwrap_or(1.0),
                EdgeResult {
                    a: e.a,
                    b: e.b,
                    layer: run.layer.as_str().to_string(),
                    weight: f64::from(e.stats.weight),
                    median_dt_s: f64::from(e.stats.median_dt_s),
                },
            )
        })
        .collect();
    edges.sort_by(|x, y| x.0.total_cmp(&y.0));
    edges.truncate(MAX_REPORT_EDGES);

    let operations = det
        .operations
        .iter()
        .map(|op| {
            let at = &op.attribution;
            let confidence =
                lockstep_model::Confidence::parse(at.confidence_label).unwrap_or_default();
            OperationReport {
                id: op.id,
                verdict: Verdict::parse(op.verdict.as_str()).unwrap_or_default(),
                cells: op
                    .cells
                    .iter()
                    .map(|(c, r)| (*c, r.as_str().to_string()))
                    .collect(),
                members: op.members.clone(),
                origin_statement: lockstep_model::origin_sentence(
                    at.origin
                        .as_deref()
                        .map(lockstep_score::registry::country_name),
                    confidence,
                ),
                origin_label: origin_label(at),
                attribution: (!at.evidence.is_empty()).then(|| at.evidence.join(" ")),
                utc_offset_hours: at.utc_offset.map(|h| h as f32),
                evidence: op.evidence.clone(),
            }
        })
        .collect();
    let sig = &det.significance;
    ReportInput {
        operations,
        title: title.to_string(),
        generator: format!("lockstep {}", env!("CARGO_PKG_VERSION")),
        headline: Headline {
            pairs_tested: Some(sig.hypotheses.min(u64::MAX as f64) as u64),
            significant_edges: Some(sig.n_significant as u64),
            fdr: Some(sig.fdr),
        },
        clusters,
        accounts,
        edges: edges.into_iter().map(|(_, e)| e).collect(),
        positions: Some(positions),
        parameters: parameters(inv),
        pages: pages
            .iter()
            .map(|p| PageReport {
                page_id: p.page_id.clone(),
                name: p.page_name.clone(),
                kind: p.page_kind.clone(),
                verdict: p.verdict.to_string(),
                network: p.network,
                admins: p.admins,
                inauthentic_admins: p.inauthentic_admins,
                posing_as_news: p.posing_as_news.iter().map(|s| s.to_string()).collect(),
                evidence: p.evidence.clone(),
            })
            .collect(),
    }
}

/// `CN (medium)`: the origin code and its confidence, for tables; empty without an origin.
fn origin_label(at: &lockstep_score::Attribution) -> String {
    at.origin
        .as_ref()
        .map(|o| format!("{o} ({})", at.confidence_label))
        .unwrap_or_default()
}

fn parameters(inv: &Investigation) -> Vec<(String, String)> {
    let p = &inv.config.engine;
    let mut out = vec![
        (
            "semantics".to_string(),
            format!("{:?}", p.semantics).to_lowercase(),
        ),
        (
            "scales".to_string(),
            p.scales
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "time resolution".to_string(),
            inv.resolution.as_str().to_string(),
        ),
    ];
    for r in &inv.runs {
        out.push((
            format!("window {}:{}", r.edges.layer, r.edges.scale.as_str()),
            format!("{} s", r.edges.window_s),
        ));
    }
    out
}

/// The `clusters.csv` cells after `density` for cluster `id`, in the order of
/// [`lockstep_export::CLUSTER_METRIC_COLUMNS`].
pub(crate) fn cluster_metric_cells(det: &Detection, id: u32) -> Vec<String> {
    let Some(m) = det.metrics.get(id as usize) else {
        return Vec::new();
    };
    let top = |v: &[(String, u32)]| {
        v.iter()
            .take(5)
            .map(|(k, n)| format!("{k}:{n}"))
            .collect::<Vec<_>>()
            .join(";")
    };
    let share = |v: &[(String, f64)]| {
        v.iter()
            .take(5)
            .map(|(k, s)| format!("{k}:{s:.2}"))
            .collect::<Vec<_>>()
            .join(";")
    };
    let cs = det.scored.cluster(id);
    vec![
        format!("{:.4}", m.synchrony),
        m.creation_span_days
            .map(|d| format!("{d:.1}"))
            .unwrap_or_default(),
        format!("{:.4}", m.content_homogeneity),
        m.posts.to_string(),
        // One time zone per cluster: the attribution's (office-hours fit or sleep trough, with
        // evidence) where it found one, else the metric's sleep-trough estimate, as in the report.
        cs.and_then(|c| c.attribution.utc_offset)
            .or(m.utc_offset_h)
            .map(|h| h.to_string())
            .unwrap_or_default(),
        top(&m.top_hashtags),
        top(&m.top_urls),
        top(&m.top_domains),
        share(&m.languages),
        share(&m.clients),
        cs.and_then(|c| c.attribution.origin.clone())
            .unwrap_or_default(),
        cs.map(|c| c.attribution.confidence_label.to_string())
            .unwrap_or_default(),
        cs.map(|c| lockstep_score::evidence_string(&c.evidence))
            .unwrap_or_default(),
        cs.map(|c| c.attribution.summary.clone())
            .unwrap_or_default(),
    ]
}
