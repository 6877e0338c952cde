//! The detection stages after the pair kernel, wired in DESIGN §2 order: significance (stats),
//! the fused coordination graph and its communities (graph), verdicts and attribution (score).
//!
//! Input: the engine's [`LayerRun`]s in an [`Investigation`]. Output: the same investigation with
//! kept edges carrying p/q values, Leiden clusters with metrics, and per-account verdicts; the
//! full stage results are kept in [`Detection`] for the writers and the report.

use crate::{AccountOutcome, Cluster, Investigation, KeptEdge, PipelineError};
use lockstep_engine::LayerEdges;
use lockstep_graph::{ClusterMetrics, ClusterParams, Clusters, CoordinationGraph};
use lockstep_model::Dataset;
use lockstep_score::{CoordinationInput, ScoreParams, Scored, SigEdge};
use lockstep_stats::{SignificanceResult, StatsParams};

/// Everything the statistics, graph and scoring stages produced.
#[derive(Clone, Debug)]
pub struct Detection {
    /// Fused, FDR-controlled pair significance.
    pub significance: SignificanceResult,
    /// The coordination graph (significant pairs, weight `-log10 p`).
    pub graph: CoordinationGraph,
    /// Communities of the graph.
    pub clusters: Clusters,
    /// DESIGN §7 metrics per cluster (same order as `clusters.members`).
    pub metrics: Vec<ClusterMetrics>,
    /// Verdicts, evidence and attribution.
    pub scored: Scored,
    /// What the scoring stage saw (clusters, significant edges, coordination strength); the
    /// `--seeds` expansion ranks against the same input.
    pub coord: CoordinationInput,
    /// Inauthentic clusters grouped into operations, largest first (filled after the `--seeds`
    /// expansion, so they follow the final verdicts).
    pub operations: Vec<crate::operations::Operation>,
    /// Seconds spent per sub-stage: `statistics` (null, fusion, BH, kept edges), `clusters`
    /// (graph, communities, metrics), `verdicts` (scoring and filling the investigation).
    pub timings: Vec<(&'static str, f64)>,
}

/// Runs significance, clustering and scoring on the runs of `inv` and fills its kept edges,
/// clusters and account outcomes.
pub(crate) fn detect(
    ds: &Dataset,
    stats: &StatsParams,
    cluster_params: &ClusterParams,
    score: &ScoreParams,
    inv: &mut Investigation,
) -> Result<Detection, PipelineError> {
    // Borrow the layer edges out of the runs for the stats stage, then put them back.
    let layers: Vec<LayerEdges> = inv
        .runs
        .iter_mut()
        .map(|r| {
            let empty = empty_like(&r.edges);
            std::mem::replace(&mut r.edges, empty)
        })
        .collect();
    let result = detect_on(ds, &layers, stats, cluster_params, score, inv);
    for (r, le) in inv.runs.iter_mut().zip(layers) {
        r.edges = le;
    }
    result
}

fn empty_like(le: &LayerEdges) -> LayerEdges {
    LayerEdges {
        layer: le.layer,
        scale: le.scale,
        window_s: le.window_s,
        edges: Vec::new(),
        activity: Vec::new(),
        target_sizes: Vec::new(),
        capped_targets: le.capped_targets,
        capped_target_ids: Vec::new(),
    }
}

fn detect_on(
    ds: &Dataset,
    layers: &[LayerEdges],
    stats: &StatsParams,
    cluster_params: &ClusterParams,
    score: &ScoreParams,
    inv: &mut Investigation,
) -> Result<Detection, PipelineError> {
    let n = ds.accounts.len();
    let mut timings = Vec::new();
    let t = std::time::Instant::now();
    let mut sig = lockstep_stats::significance(layers, stats)
        .map_err(|e| PipelineError::Stage("statistics", e.to_string()))?;
    // The documented minimum-weight rule (docs/outputs.md): after significance, a pair enters
    // the graph only with a layer edge of weight >= --min-weight.
    let min_weight = inv.config.engine.min_weight;
    let below_min_weight = sig.retain_min_weight(layers, min_weight);

    // Kept edges: every layer edge of a significant pair, with its own layer p-value and the
    // pair's fused q-value (edges.csv documents this).
    inv.kept.clear();
    for (run, i, log10_q) in sig.significant_layer_edges(layers) {
        inv.kept.push(KeptEdge {
            run,
            edge: i,
            p_value: Some(10f64.powf(sig.layers[run as usize].log10_p[i as usize])),
            q_value: Some(10f64.powf(log10_q)),
        });
    }
    timings.push(("statistics", t.elapsed().as_secs_f64()));

    let t = std::time::Instant::now();
    let graph = CoordinationGraph::from_significance(&sig);
    // Communities on peer co-action only (amplify-only pairs are evidence, not membership).
    let peer = CoordinationGraph::for_communities(&sig);
    let mut clusters = lockstep_graph::find_clusters(&peer, n, cluster_params)
        .map_err(|e| PipelineError::Stage("clustering", e.to_string()))?;
    lockstep_graph::attach_amplify_only(&mut clusters, &graph, &peer);
    let metrics = lockstep_graph::cluster_metrics(ds, &clusters, layers, &sig);
    timings.push(("clusters", t.elapsed().as_secs_f64()));
    let t = std::time::Instant::now();

    let edges: Vec<SigEdge> = inv
        .kept
        .iter()
        .map(|k| {
            let le = &layers[k.run as usize];
            let e = &le.edges[k.edge as usize];
            SigEdge {
                a: e.a,
                b: e.b,
                layer: le.layer.as_str().to_string(),
                weight: f64::from(e.stats.weight),
                q: k.q_value.unwrap_or(1.0),
            }
        })
        .collect();
    // Coordination strength on an absolute scale (distinct significant partners).
    let strength =
        lockstep_score::coordination_strength(&edges, n, score.coordination_half_partners);
    let coord = CoordinationInput {
        cluster: clusters.membership.clone(),
        edges,
        strength,
    };
    let scored = lockstep_score::score(ds, &coord, score);

    // Fill the investigation's own shape.
    inv.cluster_of = vec![None; n];
    for (i, c) in clusters.membership.iter().enumerate() {
        if i < n {
            inv.cluster_of[i] = *c;
        }
    }
    inv.clusters = clusters
        .members
        .iter()
        .zip(&metrics)
        .enumerate()
        .map(|(id, (members, m))| {
            let cs = scored.cluster(id as u32);
            Cluster {
                id: id as u32,
                members: members.clone(),
                layers: {
                    let mut l: Vec<_> = m.layers.iter().map(|s| s.layer).collect();
                    l.sort();
                    l.dedup();
                    l
                },
                median_delay_s: m.median_delay_s.unwrap_or(0.0) as f32,
                edges: m.internal_edges as u32,
                density: m.density,
                verdict: cs.map(|c| c.verdict),
                score: cs.map(|c| c.score),
            }
        })
        .collect();
    inv.accounts = account_outcomes(&scored);
    inv.notes.push(format!(
        "statistics: {} pair(s) significant at FDR {} among {:.3e} hypotheses (expected false edges {:.2})",
        sig.n_significant, sig.fdr, sig.hypotheses, sig.expected_false_edges
    ));
    if below_min_weight > 0 {
        inv.notes.push(format!(
            "--min-weight {min_weight}: {below_min_weight} further significant pair(s) left out of the graph (no layer edge with weight >= {min_weight})"
        ));
    }
    timings.push(("verdicts", t.elapsed().as_secs_f64()));
    Ok(Detection {
        significance: sig,
        graph,
        clusters,
        metrics,
        scored,
        coord,
        operations: Vec::new(),
        timings,
    })
}

/// The per-account output rows from the typed verdicts. The one place `accounts.csv`'s verdict
/// columns come from: called after scoring and again after `--seeds` changed the verdicts, so the
/// report (which reads the typed verdicts) and `accounts.csv` always agree.
pub(crate) fn account_outcomes(scored: &Scored) -> Vec<AccountOutcome> {
    scored
        .accounts
        .iter()
        .map(|s| AccountOutcome {
            verdict: Some(s.verdict),
            role: s.role,
            coordination_score: Some(s.coordination),
            inauthenticity_score: Some(s.score),
            evidence: lockstep_score::evidence_string(&s.evidence),
        })
        .collect()
}
