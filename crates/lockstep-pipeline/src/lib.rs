//! Lockstep's main job as a library: `investigate` = traces -> co-action pairs -> kept edges ->
//! clusters, then [`write_outputs`] writes the DESIGN §9 files.
//!
//! Stages still to come plug into [`Investigation`] without changing its shape: the statistics
//! stage fills [`KeptEdge::p_value`] / [`KeptEdge::q_value`] (and may replace the minimum-weight
//! rule by `q <= fdr`), the graph stage replaces [`Investigation::clusters`], scoring fills
//! [`Cluster::verdict`] / [`Cluster::score`] and [`AccountOutcome`].

mod detect;
mod ipdb;
mod outputs;
pub mod pages;
mod params;
mod report_input;
mod seeds;

pub use detect::Detection;
pub use ipdb::IpDbChoice;
pub use outputs::{IngestFileSummary, RunSummary, Summary, write_outputs};
pub use params::{InvestigateParams, Semantics};
pub use seeds::{ExpansionSummary, SeedExpansion, read_seed_file, resolve_seeds};

use lockstep_engine::compat::{coortweet, qut};
use lockstep_engine::{
    KernelParams, Layer, LayerEdges, Scale, WindowError, build_trace, count_pairs, supported_layers,
};
use lockstep_model::{AccountId, Dataset, Resolution};
use std::time::Instant;
use thiserror::Error;

/// Errors of the pipeline.
#[derive(Debug, Error)]
pub enum PipelineError {
    /// Bad window settings (e.g. below the data's resolution).
    #[error(transparent)]
    Window(#[from] WindowError),
    /// A layer the data cannot support or the engine does not build.
    #[error("layer `{0}`: {1}")]
    Layer(Layer, String),
    /// Writing outputs failed.
    #[error(transparent)]
    Export(#[from] lockstep_export::ExportError),
    /// A detection stage (statistics, clustering, scoring, report) failed.
    #[error("{0}: {1}")]
    Stage(&'static str, String),
    /// A bad seed list (`--seeds`).
    #[error("seeds: {0}")]
    Seeds(String),
    /// Creating the output directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
}

/// Progress reporting for front-ends (the CLI draws bars; tests pass [`NoProgress`]).
pub trait Progress: Sync {
    /// A stage starts with `steps` units of work.
    fn begin(&self, stage: &str, steps: u64);
    /// One unit done.
    fn step(&self);
    /// The stage is over.
    fn end(&self);
}

/// Progress that reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _: &str, _: u64) {}
    fn step(&self) {}
    fn end(&self) {}
}

/// One kernel run: a layer at a scale.
#[derive(Clone, Debug)]
pub struct LayerRun {
    /// The pairs and margins.
    pub edges: LayerEdges,
    /// Actions in the layer's trace.
    pub trace_events: u64,
    /// Distinct targets.
    pub trace_targets: u32,
    /// Seconds spent (trace building is counted in the burst run).
    pub seconds: f64,
}

/// An edge that made it into the coordination graph: `runs[run].edges.edges[edge]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KeptEdge {
    /// Index into [`Investigation::runs`].
    pub run: u32,
    /// Index into that run's edges.
    pub edge: u32,
    /// p-value (filled by the statistics stage).
    pub p_value: Option<f64>,
    /// q-value (filled by the statistics stage).
    pub q_value: Option<f64>,
}

/// A cluster of accounts.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// 0-based, largest first.
    pub id: u32,
    /// Members, sorted.
    pub members: Vec<AccountId>,
    /// Layers with a kept edge inside.
    pub layers: Vec<Layer>,
    /// Median over the cluster's kept edges of their median `|dt|`.
    pub median_delay_s: f32,
    /// Kept edges inside (per layer and scale).
    pub edges: u32,
    /// Linked account pairs / possible pairs.
    pub density: f64,
    /// Verdict (filled by scoring).
    pub verdict: Option<String>,
    /// Verdict score (filled by scoring).
    pub score: Option<f64>,
}

/// Per-account outcome (filled by scoring; empty until then).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountOutcome {
    /// `inauthentic` / `coordinated_organic` / `none`.
    pub verdict: Option<String>,
    /// `core` / `amplifier`.
    pub role: Option<String>,
    /// In [0,1].
    pub coordination_score: Option<f64>,
    /// In [0,1].
    pub inauthenticity_score: Option<f64>,
    /// Short evidence text.
    pub evidence: String,
}

/// Results of a compatibility semantics, kept in the tool's own shape. One value per run, so the
/// size difference between variants does not matter.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum CompatResult {
    /// CooRTweet: the share table, `detect_groups` pairs and the network.
    Coortweet {
        /// Shares (rows).
        shares: coortweet::Shares,
        /// Share pairs.
        pairs: Vec<coortweet::SharePair>,
        /// Edges.
        edges: Vec<coortweet::CoEdge>,
    },
    /// QUT toolkit: the four directed networks.
    Qut {
        /// `(network, edges)`.
        networks: Vec<(qut::QutNetwork, Vec<qut::QutEdge>)>,
    },
}

/// Everything `investigate` found.
#[derive(Clone, Debug)]
pub struct Investigation {
    /// The parameters used.
    pub params: InvestigateParams,
    /// The data's time resolution.
    pub resolution: Resolution,
    /// One entry per layer and scale.
    pub runs: Vec<LayerRun>,
    /// Edges of the coordination graph.
    pub kept: Vec<KeptEdge>,
    /// Clusters (connected components of the kept edges; size >= 2), largest first.
    pub clusters: Vec<Cluster>,
    /// Per account: its cluster.
    pub cluster_of: Vec<Option<u32>>,
    /// Per account: verdicts and scores (empty until scoring).
    pub accounts: Vec<AccountOutcome>,
    /// `(stage, seconds)`.
    pub timings: Vec<(String, f64)>,
    /// Compatibility-mode output, in the other tool's shape.
    pub compat: Option<CompatResult>,
    /// Notes for the user (skipped layers, capped targets...).
    pub notes: Vec<String>,
    /// Significance, communities, metrics and verdicts (default semantics only).
    pub detection: Option<Detection>,
    /// Expansion from the `--seeds` accounts (default semantics, when seeds are given).
    pub expansion: Option<SeedExpansion>,
}

impl Investigation {
    /// The edge behind a kept edge.
    pub fn edge(&self, k: &KeptEdge) -> (&LayerEdges, &lockstep_engine::Edge) {
        let run = &self.runs[k.run as usize].edges;
        (run, &run.edges[k.edge as usize])
    }
}

/// True when the dataset holds no activity at all (no posts, no logins): no co-action layer can
/// run. Account profiles may still be present (a Twitter archive users file, TwiBot profiles).
pub fn is_profile_only(ds: &Dataset) -> bool {
    ds.posts.is_empty() && ds.logins.as_ref().is_none_or(|l| l.account.is_empty())
}

/// What `investigate` tells the user (stderr and `summary.json` notes) when the input has no
/// posts and no logins: no co-action layer can run, and what was done with the profiles
/// (docs/outputs.md, "Profile-only input"). `None` when there is activity.
pub fn profile_only_message(ds: &Dataset, inputs: &[std::path::PathBuf]) -> Option<String> {
    if !is_profile_only(ds) {
        return None;
    }
    let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let names = if names.is_empty() {
        "the input".to_string()
    } else {
        names.join(", ")
    };
    let n = ds.accounts.len();
    Some(if n == 0 {
        format!(
            "{names}: no posts, no logins and no account profiles were read, so nothing can be investigated; `lockstep inspect {names}` shows what the file holds"
        )
    } else {
        format!(
            "{names}: {n} account profile(s) but no posts and no logins: no co-action layer can run, so no coordination, edges or clusters can be found. The profiles were scored on the profile signals alone (handle pattern, default profile, follower shape; creation bursts need clusters): accounts.csv lists every profile with its inauthenticity_score and evidence, verdict `none` (a verdict needs coordination). Add the accounts' posts (e.g. the archive's tweets file) to detect coordination; `lockstep inspect` shows what an input holds"
        )
    })
}

/// Runs the detection stages on a dataset.
pub fn investigate(
    ds: &Dataset,
    params: &InvestigateParams,
) -> Result<Investigation, PipelineError> {
    investigate_with(ds, params, None, &NoProgress)
}

/// [`investigate`] with progress reporting, and for `--semantics coortweet` optionally the exact
/// share rows (a CooRTweet CSV read with [`coortweet::Shares::read_csv`]; a `Dataset` drops rows
/// whose content id repeats).
pub fn investigate_with(
    ds: &Dataset,
    params: &InvestigateParams,
    shares: Option<coortweet::Shares>,
    progress: &dyn Progress,
) -> Result<Investigation, PipelineError> {
    let resolution = ds.resolution();
    let n_accounts = ds.accounts.len();
    let mut inv = Investigation {
        params: params.clone(),
        resolution,
        runs: Vec::new(),
        kept: Vec::new(),
        clusters: Vec::new(),
        cluster_of: vec![None; n_accounts],
        accounts: vec![AccountOutcome::default(); n_accounts],
        timings: Vec::new(),
        compat: None,
        notes: Vec::new(),
        detection: None,
        expansion: None,
    };
    if let Some(m) = profile_only_message(ds, &params.inputs) {
        inv.notes.push(m);
    }
    match params.semantics {
        Semantics::Lockstep => run_lockstep(ds, params, &mut inv, progress)?,
        Semantics::Coortweet => run_coortweet(ds, params, shares, &mut inv, progress)?,
        Semantics::Qut => run_qut(ds, params, &mut inv, progress)?,
    }
    let t = Instant::now();
    if params.semantics == Semantics::Lockstep {
        // DESIGN §6-§8: significance, Leiden communities and verdicts replace the minimum-weight
        // rule and connected components of the compatibility modes.
        progress.begin("significance, clusters, verdicts", 1);
        let stats = lockstep_stats::StatsParams {
            fdr: params.fdr,
            ..Default::default()
        };
        let cluster_params = lockstep_graph::ClusterParams {
            seed: params.seed,
            ..Default::default()
        };
        let mut score = lockstep_score::ScoreParams::default();
        if ds.logins.as_ref().is_some_and(|l| !l.account.is_empty()) {
            let (db, note) = params.ip_db.load()?;
            score.ip = db;
            inv.notes.push(note);
        }
        let det = detect::detect(ds, &stats, &cluster_params, &score, &mut inv)?;
        inv.detection = Some(det);
        inv.expansion = seeds::apply(ds, &score, &mut inv);
        progress.end();
        inv.timings.push((
            "statistics+clusters+verdicts".into(),
            t.elapsed().as_secs_f64(),
        ));
        return Ok(inv);
    }
    progress.begin("clusters", 1);
    cluster(&mut inv, n_accounts);
    progress.end();
    inv.timings
        .push(("clusters".into(), t.elapsed().as_secs_f64()));
    Ok(inv)
}

fn check_window(w: i64, layer: Layer, resolution: Resolution) -> Result<(), PipelineError> {
    if w < resolution.seconds() {
        return Err(WindowError::BelowResolution {
            layer,
            scale: Scale::Burst,
            window_s: w,
            resolution_s: resolution.seconds(),
            resolution: resolution.as_str(),
        }
        .into());
    }
    Ok(())
}

/// The common window when both scales of `layer` are selected and their effective windows are
/// equal (e.g. on day-resolution data both defaults are raised to 86,400 s). The two runs would
/// then be identical and every co-action would count twice (in the graph and in the fusion of
/// significance); the drip scale alone runs (docs/semantics.md §2).
fn burst_equals_drip(
    params: &InvestigateParams,
    layer: Layer,
    resolution: Resolution,
) -> Option<i64> {
    if !(params.scales.contains(&Scale::Burst) && params.scales.contains(&Scale::Drip)) {
        return None;
    }
    let burst = params.windows.get(layer, Scale::Burst, resolution)?;
    let drip = params.windows.get(layer, Scale::Drip, resolution)?;
    (burst == drip).then_some(burst)
}

fn run_lockstep(
    ds: &Dataset,
    params: &InvestigateParams,
    inv: &mut Investigation,
    progress: &dyn Progress,
) -> Result<(), PipelineError> {
    let available = supported_layers(ds);
    let layers: Vec<Layer> = match &params.layers {
        Some(l) => {
            for &x in l {
                if !available.contains(&x) {
                    inv.notes
                        .push(format!("layer `{x}`: the input has no actions for it"));
                }
            }
            l.iter()
                .copied()
                .filter(|x| available.contains(x))
                .collect()
        }
        None => available,
    };
    params.windows.validate(&layers, inv.resolution)?;
    progress.begin("co-action", (layers.len() * params.scales.len()) as u64);
    let mut coincide: Vec<String> = Vec::new();
    for &layer in &layers {
        let t = Instant::now();
        let trace = if layer == Layer::SimilarText {
            // Built here rather than by `build_trace` so the `--similarity/--shingle/--lsh`
            // parameters reach the layer and its exclusion counts reach the notes.
            let (trace, r) = lockstep_engine::text::similar_text_trace(ds, &params.similar);
            inv.notes.push(format!(
                "layer `similar_text`: {} near-duplicate groups over {} posts; excluded {} reposts, {} empty and {} too-short texts (fewer than {} shingles)",
                r.groups,
                r.posts_in_groups,
                r.reposts_excluded,
                r.empty_excluded,
                r.short_excluded,
                params.similar.min_shingles
            ));
            trace
        } else {
            build_trace(ds, layer).map_err(|e| PipelineError::Layer(layer, e.to_string()))?
        };
        let mut build_s = t.elapsed().as_secs_f64();
        let burst_is_drip = burst_equals_drip(params, layer, inv.resolution);
        if let Some(w) = burst_is_drip {
            coincide.push(format!("`{layer}` ({w} s)"));
        }
        for &scale in &params.scales {
            let Some(w) = params.windows.get(layer, scale, inv.resolution) else {
                progress.step();
                continue;
            };
            if scale == Scale::Burst && burst_is_drip.is_some() {
                progress.step();
                continue;
            }
            let t = Instant::now();
            let mut kp = KernelParams::new(layer, scale, w, ds.accounts.len() as u32);
            kp.skew = params.skew;
            let edges = count_pairs(&trace, &kp);
            if edges.capped_targets > 0 {
                inv.notes.push(format!(
                    "layer `{layer}` ({scale}): {} target(s) above the skew cap were neighbour-limited",
                    edges.capped_targets
                ));
            }
            let seconds = t.elapsed().as_secs_f64() + build_s;
            build_s = 0.0;
            inv.timings.push((format!("{layer}:{scale}"), seconds));
            let run = inv.runs.len() as u32;
            for (i, e) in edges.edges.iter().enumerate() {
                if e.stats.weight >= params.min_weight {
                    inv.kept.push(KeptEdge {
                        run,
                        edge: i as u32,
                        p_value: None,
                        q_value: None,
                    });
                }
            }
            inv.runs.push(LayerRun {
                trace_events: trace.events.len() as u64,
                trace_targets: trace.n_targets,
                edges,
                seconds,
            });
            progress.step();
        }
    }
    if !coincide.is_empty() {
        inv.notes.push(format!(
            "burst and drip windows coincide (data resolution {}) for layer(s) {}: only the drip scale runs for them, so each co-action is counted once",
            inv.resolution.as_str(),
            coincide.join(", ")
        ));
    }
    progress.end();
    Ok(())
}

fn run_coortweet(
    ds: &Dataset,
    params: &InvestigateParams,
    shares: Option<coortweet::Shares>,
    inv: &mut Investigation,
    progress: &dyn Progress,
) -> Result<(), PipelineError> {
    let w = params.compat_window();
    check_window(w, Layer::Repost, inv.resolution)?;
    progress.begin("coortweet", 1);
    let t = Instant::now();
    let shares = shares.unwrap_or_else(|| coortweet::Shares::from_dataset(ds));
    let pairs = coortweet::detect_groups(&shares, w, params.min_participation);
    let net = coortweet::coordinated_network(&shares, &pairs, params.edge_weight);
    inv.timings
        .push(("coortweet".into(), t.elapsed().as_secs_f64()));
    // Mirror into the Lockstep edge shape: weight = share pairs; kept = weight_threshold edges.
    let mut dts: std::collections::HashMap<(u32, u32), Vec<u32>> = Default::default();
    let acct = |i: u32| -> Option<AccountId> {
        ds.account_by_external(shares.strings.resolve(shares.account[i as usize]))
    };
    let mut edges = Vec::new();
    let mut keep = Vec::new();
    for p in &pairs {
        let (Some(a), Some(b)) = (acct(p.older), acct(p.newer)) else {
            continue;
        };
        dts.entry((a.0.min(b.0), a.0.max(b.0)))
            .or_default()
            .push(p.time_delta as u32);
    }
    for e in &net {
        let (Some(a), Some(b)) = (
            ds.account_by_external(shares.strings.resolve(e.a)),
            ds.account_by_external(shares.strings.resolve(e.b)),
        ) else {
            continue;
        };
        let (a, b) = (a.min(b), a.max(b));
        let mut d = dts.remove(&(a.0, b.0)).unwrap_or_default();
        d.sort_unstable();
        let (c, cy) = (e.n_content_id, e.n_content_id_y);
        if e.weight_threshold {
            keep.push(edges.len());
        }
        edges.push(lockstep_engine::Edge {
            a,
            b,
            stats: lockstep_engine::PairStats {
                weight: e.weight,
                events: e.weight,
                median_dt_s: lockstep_engine::sample::median_sorted(&d),
                lead: 0,
                follow: 0,
                symmetry: c.min(cy) as f32 / c.max(cy).max(1) as f32,
            },
        });
    }
    let order = {
        let mut o: Vec<usize> = (0..edges.len()).collect();
        o.sort_by_key(|&i| (edges[i].a, edges[i].b));
        o
    };
    let rank: Vec<usize> = {
        let mut r = vec![0; edges.len()];
        for (pos, &i) in order.iter().enumerate() {
            r[i] = pos;
        }
        r
    };
    let sorted: Vec<lockstep_engine::Edge> = order.iter().map(|&i| edges[i]).collect();
    for i in keep {
        inv.kept.push(KeptEdge {
            run: 0,
            edge: rank[i] as u32,
            p_value: None,
            q_value: None,
        });
    }
    inv.kept.sort_by_key(|k| k.edge);
    inv.runs.push(LayerRun {
        trace_events: shares.len() as u64,
        trace_targets: 0,
        edges: LayerEdges {
            layer: Layer::Repost,
            scale: Scale::Burst,
            window_s: w,
            edges: sorted,
            activity: vec![0; ds.accounts.len()],
            target_sizes: Vec::new(),
            capped_targets: 0,
            capped_target_ids: Vec::new(),
        },
        seconds: t.elapsed().as_secs_f64(),
    });
    inv.compat = Some(CompatResult::Coortweet {
        shares,
        pairs,
        edges: net,
    });
    progress.end();
    Ok(())
}

fn run_qut(
    ds: &Dataset,
    params: &InvestigateParams,
    inv: &mut Investigation,
    progress: &dyn Progress,
) -> Result<(), PipelineError> {
    let w = params.compat_window();
    check_window(w, Layer::Repost, inv.resolution)?;
    let qp = qut::QutParams {
        time_window: w,
        min_edge_weight: params.min_weight.max(1),
        empty_url_quirk: true,
    };
    progress.begin("qut", 4);
    let mut networks = Vec::new();
    for net in qut::QutNetwork::ALL {
        let t = Instant::now();
        let edges = qut::network(ds, net, &qp);
        inv.timings
            .push((net.as_str().to_string(), t.elapsed().as_secs_f64()));
        let run = inv.runs.len() as u32;
        let le: Vec<lockstep_engine::Edge> = edges
            .iter()
            .map(|e| lockstep_engine::Edge {
                a: e.from,
                b: e.to,
                stats: lockstep_engine::PairStats {
                    weight: e.weight,
                    events: e.weight,
                    ..Default::default()
                },
            })
            .collect();
        for i in 0..le.len() {
            inv.kept.push(KeptEdge {
                run,
                edge: i as u32,
                p_value: None,
                q_value: None,
            });
        }
        inv.runs.push(LayerRun {
            trace_events: 0,
            trace_targets: 0,
            edges: LayerEdges {
                layer: net.layer(),
                scale: Scale::Burst,
                window_s: w,
                edges: le,
                activity: vec![0; ds.accounts.len()],
                target_sizes: Vec::new(),
                capped_targets: 0,
                capped_target_ids: Vec::new(),
            },
            seconds: t.elapsed().as_secs_f64(),
        });
        networks.push((net, edges));
        progress.step();
    }
    inv.compat = Some(CompatResult::Qut { networks });
    progress.end();
    Ok(())
}

/// Connected components of the kept edges (union-find), size >= 2, largest first.
fn cluster(inv: &mut Investigation, n: usize) {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(p: &mut [u32], mut x: u32) -> u32 {
        while p[x as usize] != x {
            p[x as usize] = p[p[x as usize] as usize];
            x = p[x as usize];
        }
        x
    }
    for k in &inv.kept {
        let (_, e) = inv.edge(k);
        let (ra, rb) = (find(&mut parent, e.a.0), find(&mut parent, e.b.0));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    let mut members: std::collections::BTreeMap<u32, Vec<AccountId>> = Default::default();
    let mut touched = vec![false; n];
    for k in &inv.kept {
        let (_, e) = inv.edge(k);
        touched[e.a.idx()] = true;
        touched[e.b.idx()] = true;
    }
    for a in 0..n as u32 {
        if touched[a as usize] {
            let r = find(&mut parent, a);
            members.entry(r).or_default().push(AccountId(a));
        }
    }
    let mut comps: Vec<Vec<AccountId>> = members.into_values().filter(|m| m.len() >= 2).collect();
    comps.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    for (id, m) in comps.iter().enumerate() {
        for a in m {
            inv.cluster_of[a.idx()] = Some(id as u32);
        }
    }
    /// Per component: layers, edge delays, kept edges, distinct linked pairs.
    type ComponentStats = (
        Vec<Layer>,
        Vec<f32>,
        u32,
        std::collections::HashSet<(u32, u32)>,
    );
    let mut per: Vec<ComponentStats> = vec![Default::default(); comps.len()];
    for k in &inv.kept {
        let (run, e) = inv.edge(k);
        let Some(c) = inv.cluster_of[e.a.idx()] else {
            continue;
        };
        let p = &mut per[c as usize];
        if !p.0.contains(&run.layer) {
            p.0.push(run.layer);
        }
        p.1.push(e.stats.median_dt_s);
        p.2 += 1;
        p.3.insert((e.a.0.min(e.b.0), e.a.0.max(e.b.0)));
    }
    inv.clusters = comps
        .into_iter()
        .zip(per)
        .enumerate()
        .map(|(id, (m, (mut layers, mut d, n_edges, pairs)))| {
            layers.sort();
            d.sort_by(f32::total_cmp);
            let med = if d.is_empty() {
                0.0
            } else if d.len() % 2 == 1 {
                d[d.len() / 2]
            } else {
                (d[d.len() / 2 - 1] + d[d.len() / 2]) / 2.0
            };
            let s = m.len() as f64;
            Cluster {
                id: id as u32,
                density: pairs.len() as f64 / (s * (s - 1.0) / 2.0),
                members: m,
                layers,
                median_delay_s: med,
                edges: n_edges,
                verdict: None,
                score: None,
            }
        })
        .collect();
}
