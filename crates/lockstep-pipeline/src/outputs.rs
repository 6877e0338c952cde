//! Writing an [`Investigation`] as the DESIGN §9 files (contracts in docs/outputs.md).

use crate::{CompatResult, Investigation, OutputFile, PipelineError};
use lockstep_export::{
    AccountRow, ClusterRow, EdgeRow, NetEdge, NetNode, OperationRow, digest_file, write_accounts,
    write_clusters, write_edges, write_edges_parquet, write_gexf, write_graphml, write_json,
    write_operations, write_toml,
};
use lockstep_model::{AccountId, Dataset, Role, Verdict};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// Per layer-and-scale counts in `summary.json`.
#[derive(Clone, Debug, Serialize)]
pub struct RunSummary {
    /// Layer.
    pub layer: String,
    /// Scale.
    pub scale: String,
    /// Window in seconds.
    pub window_s: i64,
    /// Actions in the trace.
    pub actions: u64,
    /// Distinct targets.
    pub targets: u32,
    /// Pairs with weight >= 1.
    pub pairs: u64,
    /// Pairs kept in the graph.
    pub kept: u64,
    /// Targets above the skew cap.
    pub capped_targets: u32,
    /// Seconds.
    pub seconds: f64,
}

/// What one input file contributed, in `summary.json` (lenient accounting:
/// `rows_read = rows_kept + rows_rejected`).
#[derive(Clone, Debug, Serialize)]
pub struct IngestFileSummary {
    /// The path as given.
    pub path: String,
    /// Detected or forced format.
    pub format: String,
    /// Data rows read (header excluded).
    pub rows_read: u64,
    /// Rows kept.
    pub rows_kept: u64,
    /// Rows skipped (`--lenient`; quarantined with `--quarantine`).
    pub rows_rejected: u64,
    /// Skipped rows by `column: reason`.
    pub rejections: BTreeMap<String, u64>,
}

impl IngestFileSummary {
    /// The accounting of every source of `ds`, in reading order.
    pub fn of(ds: &Dataset) -> Vec<IngestFileSummary> {
        ds.sources
            .iter()
            .map(|s| IngestFileSummary {
                path: s.path.clone(),
                format: s.format.clone(),
                rows_read: s.rows_read,
                rows_kept: s.rows_read.saturating_sub(s.rows_rejected),
                rows_rejected: s.rows_rejected,
                rejections: s.rejections.clone(),
            })
            .collect()
    }
}

/// `summary.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Lockstep version.
    pub version: String,
    /// Semantics.
    pub semantics: crate::Semantics,
    /// Input files with BLAKE3 digests.
    pub inputs: Vec<lockstep_export::FileDigest>,
    /// Rows read, kept and skipped per input file, with the reasons.
    pub ingest: Vec<IngestFileSummary>,
    /// Posts read.
    pub posts: u64,
    /// Accounts seen.
    pub accounts: u64,
    /// Time resolution of the data.
    pub resolution: String,
    /// Per layer and scale.
    pub runs: Vec<RunSummary>,
    /// Kept edges.
    pub edges_kept: u64,
    /// Clusters.
    pub clusters: u64,
    /// Accounts in clusters.
    pub accounts_in_clusters: u64,
    /// All parameters.
    pub parameters: crate::InvestigateConfig,
    /// Effective windows, `layer:scale -> seconds`.
    pub windows: BTreeMap<String, i64>,
    /// Stage timings in seconds.
    pub timings: BTreeMap<String, f64>,
    /// Notes.
    pub notes: Vec<String>,
    /// Counts per verdict and role (default semantics).
    pub verdicts: VerdictCounts,
    /// Operations (inauthentic clusters tied together), largest first.
    pub operations: Vec<OperationSummary>,
    /// Expansion from `--seeds` (absent without seeds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expansion: Option<crate::ExpansionSummary>,
    /// Pages and Groups judged from their admins, per network (absent without page_admins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<lockstep_ads::pages::PagesSummary>,
}

/// One operation in `summary.json` (the rows of `operations.csv`, with the origin in words).
#[derive(Clone, Debug, Serialize)]
pub struct OperationSummary {
    /// Operation id (0 = largest).
    pub operation_id: u32,
    /// Member accounts.
    pub accounts: u64,
    /// Clusters (cells).
    pub clusters: u64,
    /// Of which core cells.
    pub core_clusters: u64,
    /// Posts by its members.
    pub posts: u64,
    /// Inferred UTC offset of its activity, hours.
    pub utc_offset_h: Option<i32>,
    /// Inferred origin country code, when one stands out.
    pub origin: Option<String>,
    /// `none` / `low` / `medium` / `high`.
    pub origin_confidence: String,
    /// The origin in words, hedged to its confidence.
    pub origin_statement: String,
}

/// Counts per verdict and role, for `summary.json` and the end of `investigate`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct VerdictCounts {
    /// Accounts in `accounts.csv` per verdict.
    pub accounts: BTreeMap<String, u64>,
    /// Inauthentic accounts per role.
    pub roles: BTreeMap<String, u64>,
    /// Clusters per verdict.
    pub clusters: BTreeMap<String, u64>,
}

/// `run.toml`: every parameter, to rerun exactly.
#[derive(Serialize)]
struct RunToml<'a> {
    lockstep_version: &'a str,
    #[serde(flatten)]
    config: &'a crate::InvestigateConfig,
    effective_windows: &'a BTreeMap<String, i64>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> PipelineError + '_ {
    move |source| PipelineError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Writes the output files `inv.config.outputs` selects into `out` (created if missing) and
/// returns the summary.
pub fn write_outputs(
    inv: &Investigation,
    ds: &Dataset,
    out: &Path,
) -> Result<Summary, PipelineError> {
    write_outputs_with(inv, ds, out, &crate::NoProgress)
}

/// One `edges.csv` row: a layer edge with its p-value and its pair's q-value.
struct EdgeRef {
    run: u32,
    edge: u32,
    p_value: Option<f64>,
    q_value: Option<f64>,
}

/// The rows of `edges.csv`: the kept edges, or with `all_edges` every layer edge of every run
/// (default semantics: its layer p-value and its pair's fused q-value; compatibility semantics:
/// none), run by run in edge order.
fn edge_refs(inv: &Investigation) -> Box<dyn Iterator<Item = EdgeRef> + '_> {
    if !inv.config.outputs.all_edges {
        return Box::new(inv.kept.iter().map(|k| EdgeRef {
            run: k.run,
            edge: k.edge,
            p_value: k.p_value,
            q_value: k.q_value,
        }));
    }
    let sig = inv.detection.as_ref().map(|d| &d.significance);
    Box::new(inv.runs.iter().enumerate().flat_map(move |(run, r)| {
        r.edges.edges.iter().enumerate().map(move |(i, e)| {
            let p_value = sig
                .and_then(|s| s.layers.get(run))
                .and_then(|l| l.log10_p.get(i))
                .map(|&lp| 10f64.powf(lp));
            let q_value = sig
                .and_then(|s| s.pair(e.a, e.b))
                .map(|p| 10f64.powf(p.log10_q));
            EdgeRef {
                run: run as u32,
                edge: i as u32,
                p_value,
                q_value,
            }
        })
    }))
}

/// [`write_outputs`] with progress (one step per file written) and the time of each writer in
/// `summary.json` `timings` (`write:FILE`, `report` for drawing the report, `write` in all).
pub fn write_outputs_with(
    inv: &Investigation,
    ds: &Dataset,
    out: &Path,
    progress: &dyn crate::Progress,
) -> Result<Summary, PipelineError> {
    let t_write = Instant::now();
    std::fs::create_dir_all(out).map_err(io(out))?;
    let sel = &inv.config.outputs;
    // The selected files, pages.csv when there are pages, then digests and summary.json.
    let steps = OutputFile::ALL.iter().filter(|&&f| sel.writes(f)).count() as u64
        + u64::from(ds.page_admins.is_some())
        + 2;
    progress.begin("write", steps);
    let mut timings: Vec<(String, f64)> = Vec::new();
    let mut timed = |name: &str, t: Instant| {
        timings.push((name.to_string(), t.elapsed().as_secs_f64()));
        progress.step();
    };
    let ext = |a: AccountId| ds.str(ds.accounts.external_id[a.idx()]);
    let name = |a: AccountId| ds.str(ds.accounts.screen_name[a.idx()]);

    // edges.csv and edges.parquet: the same rows.
    let edge_row = |k: EdgeRef| {
        let run = &inv.runs[k.run as usize].edges;
        let e = &run.edges[k.edge as usize];
        EdgeRow {
            source: ext(e.a),
            target: ext(e.b),
            layer: run.layer.as_str(),
            scale: run.scale.as_str(),
            weight: e.stats.weight,
            events: e.stats.events,
            median_dt_s: e.stats.median_dt_s,
            p_value: k.p_value,
            q_value: k.q_value,
        }
    };
    if sel.writes(OutputFile::Edges) {
        let t = Instant::now();
        write_edges(&out.join("edges.csv"), edge_refs(inv).map(edge_row))?;
        timed("write:edges.csv", t);
    }
    if sel.writes(OutputFile::Parquet) {
        let t = Instant::now();
        write_edges_parquet(&out.join("edges.parquet"), edge_refs(inv).map(edge_row))?;
        timed("write:edges.parquet", t);
    }

    // Operations: the inauthentic clusters grouped (default semantics).
    let operations: &[crate::operations::Operation] = inv
        .detection
        .as_ref()
        .map_or(&[], |d| d.operations.as_slice());
    let operation_of = crate::operations::operation_of(operations, ds.accounts.len());
    let operation_of_cluster =
        crate::operations::operation_of_cluster(operations, inv.clusters.len());

    // accounts.csv: every account that acted (authored a post or a login); on a profile-only
    // input (no posts, no logins) every profile, with its profile-signal score.
    let mut seen = vec![crate::is_profile_only(ds); ds.accounts.len()];
    for a in &ds.posts.account {
        seen[a.idx()] = true;
    }
    if let Some(l) = &ds.logins {
        for a in &l.account {
            seen[a.idx()] = true;
        }
    }
    let mut verdicts = VerdictCounts::default();
    if inv.detection.is_some() {
        for (i, o) in inv.accounts.iter().enumerate() {
            if !seen[i] {
                continue;
            }
            let v = o.verdict.map_or("none", Verdict::as_str);
            *verdicts.accounts.entry(v.to_string()).or_insert(0) += 1;
            if let Some(r) = o.role {
                *verdicts.roles.entry(r.as_str().to_string()).or_insert(0) += 1;
            }
        }
        for c in &inv.clusters {
            let v = c.verdict.map_or("none", Verdict::as_str);
            *verdicts.clusters.entry(v.to_string()).or_insert(0) += 1;
        }
    }
    if sel.writes(OutputFile::Accounts) {
        let t = Instant::now();
        write_accounts(
            &out.join("accounts.csv"),
            (0..ds.accounts.len()).filter(|&i| seen[i]).map(|i| {
                let a = AccountId(i as u32);
                let o = &inv.accounts[i];
                AccountRow {
                    account_id: ext(a),
                    screen_name: name(a),
                    cluster_id: inv.cluster_of[i],
                    verdict: o.verdict.map(Verdict::as_str),
                    role: o.role.map(Role::as_str),
                    coordination_score: o.coordination_score,
                    inauthenticity_score: o.inauthenticity_score,
                    evidence: &o.evidence,
                    operation_id: operation_of[i],
                }
            }),
        )?;
        timed("write:accounts.csv", t);
    }

    // clusters.csv
    if sel.writes(OutputFile::Clusters) {
        let t = Instant::now();
        let rows: Vec<ClusterRow> = inv
            .clusters
            .iter()
            .map(|c| ClusterRow {
                cluster_id: c.id,
                size: c.members.len() as u32,
                verdict: c.verdict.map(|v| v.as_str().to_string()),
                score: c.score,
                layers: c
                    .layers
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
                median_delay_s: c.median_delay_s,
                edges: c.edges,
                density: c.density,
                metrics: inv
                    .detection
                    .as_ref()
                    .map(|d| crate::report_input::cluster_metric_cells(d, c.id))
                    .unwrap_or_default(),
                operation_id: operation_of_cluster.get(c.id as usize).copied().flatten(),
            })
            .collect();
        write_clusters(&out.join("clusters.csv"), &rows)?;
        timed("write:clusters.csv", t);
    }

    // operations.csv (default semantics: verdicts exist).
    if sel.writes(OutputFile::Operations) && inv.detection.is_some() {
        let t = Instant::now();
        let rows: Vec<OperationRow> = operations
            .iter()
            .map(|op| OperationRow {
                operation_id: op.id,
                verdict: op.verdict.as_str().to_string(),
                accounts: op.members.len() as u64,
                clusters: op
                    .cells
                    .iter()
                    .map(|(c, r)| format!("{c}:{}", r.as_str()))
                    .collect::<Vec<_>>()
                    .join(";"),
                posts: op.posts,
                utc_offset_h: op.attribution.utc_offset,
                origin: op.attribution.origin.clone().unwrap_or_default(),
                origin_confidence: op.attribution.confidence_label.to_string(),
                evidence: op.evidence.join("; "),
            })
            .collect();
        write_operations(&out.join("operations.csv"), &rows)?;
        timed("write:operations.csv", t);
    }

    // pages.csv: Pages and Groups judged from their admins (docs/pages.md).
    let t = Instant::now();
    let pages = crate::pages::judge_pages(inv, ds);
    if let Some(pages) = &pages {
        crate::pages::write_pages(pages, out)?;
        timed("write:pages.csv", t);
    }

    // report.html: the self-contained report (default semantics, where verdicts exist).
    if let Some(det) = inv
        .detection
        .as_ref()
        .filter(|_| sel.writes(OutputFile::Report))
    {
        let t = Instant::now();
        let title = inv
            .config
            .ingest
            .inputs
            .first()
            .map(|p| format!("Lockstep investigation: {}", p.display()))
            .unwrap_or_else(|| "Lockstep investigation".to_string());
        // No timing goes into the report: the same inputs give the same bytes (docs/report.md).
        let input = crate::report_input::report_input(
            inv,
            det,
            &title,
            pages.as_deref().unwrap_or_default(),
        );
        let html = lockstep_report::render_report(ds, &input)
            .map_err(|e| PipelineError::Stage("report", e.to_string()))?;
        let p = out.join("report.html");
        std::fs::write(&p, html).map_err(io(&p))?;
        timed("report", t);
    }

    // expansion.csv: the ranking around the --seeds accounts.
    if let Some(exp) = &inv.expansion {
        crate::seeds::write_expansion(ds, exp, &out.join("expansion.csv"))?;
    }

    // network.gexf / network.graphml: the fused graph.
    if sel.writes(OutputFile::Network) {
        let t = Instant::now();
        write_network(inv, ds, out)?;
        timed("write:network", t);
    }

    // compatibility outputs in the other tool's shape.
    let t = Instant::now();
    match &inv.compat {
        Some(CompatResult::Coortweet {
            shares,
            pairs,
            edges,
        }) => write_coortweet(out, shares, pairs, edges)?,
        Some(CompatResult::Qut { networks }) => {
            for (net, edges) in networks {
                let p = out.join(format!("qut_{}.csv", net.as_str()));
                let mut w = csv::Writer::from_path(&p).map_err(|e| csv_err(&p, e))?;
                w.write_record(["source", "target", "weight", "edge_type"])
                    .map_err(|e| csv_err(&p, e))?;
                for e in edges {
                    w.write_record([ext(e.from), ext(e.to), &e.weight.to_string(), net.as_str()])
                        .map_err(|e| csv_err(&p, e))?;
                }
                w.flush().map_err(io(&p))?;
            }
        }
        None => {}
    }
    if inv.compat.is_some() {
        timed("write:compat", t);
    }

    // summary.json and run.toml
    let mut windows = BTreeMap::new();
    for r in &inv.runs {
        windows.insert(
            format!("{}:{}", r.edges.layer, r.edges.scale),
            r.edges.window_s,
        );
    }
    let mut kept_per_run = vec![0u64; inv.runs.len()];
    for k in &inv.kept {
        kept_per_run[k.run as usize] += 1;
    }
    let t = Instant::now();
    let inputs = inv
        .config
        .ingest
        .inputs
        .iter()
        .map(|p| digest_file(p))
        .collect::<Result<Vec<_>, _>>()?;
    timed("digest inputs", t);
    // Every stage's time: the investigation's, then the writers' and the whole writing (up to
    // summary.json, whose own writing is not in it).
    let mut all_timings: BTreeMap<String, f64> = inv.timings.iter().cloned().collect();
    all_timings.extend(timings);
    all_timings.insert("write".into(), t_write.elapsed().as_secs_f64());
    let summary = Summary {
        version: env!("CARGO_PKG_VERSION").to_string(),
        semantics: inv.config.engine.semantics,
        inputs,
        ingest: IngestFileSummary::of(ds),
        posts: ds.posts.len() as u64,
        accounts: ds.accounts.len() as u64,
        resolution: inv.resolution.as_str().to_string(),
        runs: inv
            .runs
            .iter()
            .zip(&kept_per_run)
            .map(|(r, &kept)| RunSummary {
                layer: r.edges.layer.to_string(),
                scale: r.edges.scale.to_string(),
                window_s: r.edges.window_s,
                actions: r.trace_events,
                targets: r.trace_targets,
                pairs: r.edges.edges.len() as u64,
                kept,
                capped_targets: r.edges.capped_targets,
                seconds: r.seconds,
            })
            .collect(),
        edges_kept: inv.kept.len() as u64,
        clusters: inv.clusters.len() as u64,
        accounts_in_clusters: inv.clusters.iter().map(|c| c.members.len() as u64).sum(),
        parameters: inv.config.clone(),
        windows: windows.clone(),
        timings: all_timings,
        notes: inv.notes.clone(),
        verdicts,
        operations: operations
            .iter()
            .map(|op| {
                let confidence = lockstep_model::Confidence::parse(op.attribution.confidence_label)
                    .unwrap_or_default();
                let origin = op.attribution.origin.clone();
                OperationSummary {
                    operation_id: op.id,
                    accounts: op.members.len() as u64,
                    clusters: op.cells.len() as u64,
                    core_clusters: op
                        .cells
                        .iter()
                        .filter(|c| c.1 == crate::operations::CellRole::Core)
                        .count() as u64,
                    posts: op.posts,
                    utc_offset_h: op.attribution.utc_offset,
                    origin_statement: lockstep_model::origin_sentence(
                        origin
                            .as_deref()
                            .map(lockstep_score::registry::country_name),
                        confidence,
                    ),
                    origin,
                    origin_confidence: confidence.as_str().to_string(),
                }
            })
            .collect(),
        expansion: inv.expansion.as_ref().map(|e| e.summary()),
        pages: pages.as_deref().map(lockstep_ads::pages::PagesSummary::of),
    };
    write_json(&out.join("summary.json"), &summary)?;
    write_toml(
        &out.join("run.toml"),
        &RunToml {
            lockstep_version: env!("CARGO_PKG_VERSION"),
            config: &inv.config,
            effective_windows: &windows,
        },
    )?;
    progress.end();
    Ok(summary)
}

fn csv_err(p: &Path, e: csv::Error) -> PipelineError {
    PipelineError::Export(lockstep_export::ExportError::Csv {
        path: p.to_path_buf(),
        source: e,
    })
}

fn write_network(inv: &Investigation, ds: &Dataset, out: &Path) -> Result<(), PipelineError> {
    // Fuse: per unordered pair, per layer the max weight over scales; weight = sum over layers.
    let mut fused: BTreeMap<(u32, u32), BTreeMap<lockstep_engine::Layer, (u32, u64)>> =
        BTreeMap::new();
    for k in &inv.kept {
        let (run, e) = inv.edge(k);
        let key = (e.a.0.min(e.b.0), e.a.0.max(e.b.0));
        let slot = fused.entry(key).or_default().entry(run.layer).or_default();
        slot.0 = slot.0.max(e.stats.weight);
        slot.1 = slot.1.max(e.stats.events as u64);
    }
    let mut index: BTreeMap<u32, usize> = BTreeMap::new();
    for &(a, b) in fused.keys() {
        let n = index.len();
        index.entry(a).or_insert(n);
        let n = index.len();
        index.entry(b).or_insert(n);
    }
    let mut order: Vec<(u32, usize)> = index.iter().map(|(&a, &i)| (a, i)).collect();
    order.sort_by_key(|x| x.1);
    let nodes: Vec<NetNode> = order
        .iter()
        .map(|&(a, _)| {
            let id = AccountId(a);
            let sn = ds.str(ds.accounts.screen_name[id.idx()]);
            let ext = ds.str(ds.accounts.external_id[id.idx()]);
            let o = &inv.accounts[id.idx()];
            NetNode {
                id: ext,
                label: if sn.is_empty() { ext } else { sn },
                cluster: inv.cluster_of[id.idx()].map(|c| c as i64).unwrap_or(-1),
                verdict: o.verdict.map_or("", Verdict::as_str),
                role: o.role.map_or("", Role::as_str),
                score: o.coordination_score.unwrap_or(f64::NAN),
            }
        })
        .collect();
    let edges: Vec<NetEdge> = fused
        .iter()
        .map(|(&(a, b), layers)| NetEdge {
            source: index[&a],
            target: index[&b],
            weight: layers.values().map(|v| v.0 as f64).sum(),
            layers: layers
                .keys()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            events: layers.values().map(|v| v.1).sum(),
            directed: layers.len() == 1 && layers.contains_key(&lockstep_engine::Layer::Amplify),
        })
        .collect();
    write_gexf(&out.join("network.gexf"), &nodes, &edges)?;
    write_graphml(&out.join("network.graphml"), &nodes, &edges)?;
    Ok(())
}

fn write_coortweet(
    out: &Path,
    x: &lockstep_engine::compat::coortweet::Shares,
    pairs: &[lockstep_engine::compat::coortweet::SharePair],
    edges: &[lockstep_engine::compat::coortweet::CoEdge],
) -> Result<(), PipelineError> {
    let s = |sym| x.strings.resolve(sym);
    let p = out.join("coortweet_groups.csv");
    let mut w = csv::Writer::from_path(&p).map_err(|e| csv_err(&p, e))?;
    w.write_record([
        "object_id",
        "content_id",
        "content_id_y",
        "time_delta",
        "account_id",
        "account_id_y",
    ])
    .map_err(|e| csv_err(&p, e))?;
    for q in pairs {
        let (o, n) = (q.older as usize, q.newer as usize);
        w.write_record([
            s(x.object[o]),
            s(x.content[o]),
            s(x.content[n]),
            &q.time_delta.to_string(),
            s(x.account[o]),
            s(x.account[n]),
        ])
        .map_err(|e| csv_err(&p, e))?;
    }
    w.flush().map_err(io(&p))?;
    let p = out.join("coortweet_edges.csv");
    let mut w = csv::Writer::from_path(&p).map_err(|e| csv_err(&p, e))?;
    w.write_record([
        "from",
        "to",
        "weight",
        "avg_time_delta",
        "n_content_id",
        "n_content_id_y",
        "edge_symmetry_score",
        "weight_threshold",
    ])
    .map_err(|e| csv_err(&p, e))?;
    for e in edges {
        w.write_record([
            s(e.a),
            s(e.b),
            &e.weight.to_string(),
            &e.avg_time_delta.to_string(),
            &e.n_content_id.to_string(),
            &e.n_content_id_y.to_string(),
            &e.edge_symmetry_score.to_string(),
            if e.weight_threshold { "1" } else { "0" },
        ])
        .map_err(|e| csv_err(&p, e))?;
    }
    w.flush().map_err(io(&p))?;
    Ok(())
}
