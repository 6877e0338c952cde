//! Lockstep's main job as a library (DESIGN §2): [`investigate`] runs one validated
//! [`InvestigateConfig`] on a dataset, then [`write_outputs`] writes the DESIGN §9 files.
//!
//! The default semantics run in stage order, each stage a typed result: the co-action engine's
//! [`LayerRun`]s (one per layer and scale), then [`Detection`] — fused, FDR-controlled
//! significance (lockstep-stats), the coordination graph and its Leiden communities
//! (lockstep-graph), verdicts with evidence and attribution (lockstep-score, the `--seeds`
//! expansion applied to the typed verdicts) — from which [`Investigation::clusters`] and
//! [`Investigation::accounts`] are derived for the writers. The compatibility semantics
//! (`coortweet`, `qut`) are their own runner (module `compat`): the other tool's algorithm, its
//! edge rule and connected components, no statistics or verdicts.

mod compat;
mod config;
mod detect;
mod ipdb;
pub mod operations;
mod outputs;
pub mod pages;
mod report_input;
mod seeds;

pub use config::{
    ConfigError, EngineConfig, IngestConfig, InvestigateConfig, OutputConfig, OutputFile,
    RUN_TOML_RECORD_KEYS, ReportConfig, ScoreConfig, Semantics,
};
pub use detect::Detection;
pub use ipdb::IpDbChoice;
pub use outputs::{
    IngestFileSummary, OperationSummary, RunSummary, Summary, VerdictCounts, write_outputs,
    write_outputs_with,
};
pub use seeds::{ExpansionSummary, SeedExpansion, read_seed_file, resolve_seeds};

use lockstep_engine::compat::{coortweet, qut};
use lockstep_engine::{
    KernelParams, Layer, LayerEdges, Scale, Trace, WindowError, build_trace, count_pairs,
    supported_layers,
};
use lockstep_model::{AccountId, Dataset, Resolution, Role, Verdict};
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
    /// A configuration that cannot be used.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A bad seed list (`--seeds`).
    #[error("seeds: {0}")]
    Seeds(String),
    /// A compatibility semantics whose exact pair lists would not fit in memory: refused before
    /// building them, with the estimate (docs/semantics.md, "Memory").
    #[error(
        "--semantics {mode}: the window gives up to {pairs} share pairs, about {} of memory, more than the {} available; the run would be killed for memory. Use a shorter --window, a higher --min-participation, split the input by time, or use the default semantics (its pair kernel does not list pairs)",
        gib(*estimate_bytes),
        gib(*available_bytes)
    )]
    WouldNotFit {
        /// `coortweet`.
        mode: &'static str,
        /// Upper bound on the pairs the mode lists.
        pairs: u64,
        /// Estimated peak bytes.
        estimate_bytes: u64,
        /// Bytes available (`MemAvailable`).
        available_bytes: u64,
    },
    /// Creating the output directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
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

/// Who counts a layer's pairs (DESIGN §2 "Execution"): the in-process engine
/// ([`InProcessCounter`], what [`investigate_with`] uses) or a distributed driver (lockstep-dist
/// runs the same kernels in timely dataflow across threads and processes). Whatever counts must
/// return what [`lockstep_engine::count_pairs`] returns for the same trace and parameters.
pub trait PairCounter {
    /// The pairs and margins of `trace` at `params`. A process that does not lead a distributed
    /// run returns `Ok(None)`: it took part in the counting and holds no result.
    fn count_pairs(
        &mut self,
        trace: &Trace,
        params: &KernelParams,
    ) -> Result<Option<LayerEdges>, String>;

    /// The co-action stage has submitted its last run (a distributed counter releases the
    /// processes that only count, while the leader goes on with the later stages).
    fn done(&mut self) {}
}

/// The default [`PairCounter`]: [`lockstep_engine::count_pairs`] on this machine's threads.
pub struct InProcessCounter;

impl PairCounter for InProcessCounter {
    fn count_pairs(
        &mut self,
        trace: &Trace,
        params: &KernelParams,
    ) -> Result<Option<LayerEdges>, String> {
        Ok(Some(count_pairs(trace, params)))
    }
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
    /// The layer edge's p-value (default semantics; `None` in the compatibility semantics).
    pub p_value: Option<f64>,
    /// The pair's fused q-value (default semantics; `None` in the compatibility semantics).
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
    /// Verdict (default semantics; `None` in the compatibility semantics).
    pub verdict: Option<Verdict>,
    /// Verdict score (default semantics; `None` in the compatibility semantics).
    pub score: Option<f64>,
}

/// Per-account outcome (from the typed verdicts, default semantics; empty otherwise).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountOutcome {
    /// The account's verdict (`None` in the compatibility semantics).
    pub verdict: Option<Verdict>,
    /// Its role in an inauthentic cluster.
    pub role: Option<Role>,
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
    /// The configuration used (validated).
    pub config: InvestigateConfig,
    /// The data's time resolution.
    pub resolution: Resolution,
    /// One entry per layer and scale.
    pub runs: Vec<LayerRun>,
    /// Edges of the coordination graph.
    pub kept: Vec<KeptEdge>,
    /// Clusters, largest first: Leiden communities of the coordination graph (default
    /// semantics) or connected components of the kept edges (compatibility semantics).
    pub clusters: Vec<Cluster>,
    /// Per account: its cluster.
    pub cluster_of: Vec<Option<u32>>,
    /// Per account: verdicts and scores (default semantics; empty otherwise).
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
    config: &InvestigateConfig,
) -> Result<Investigation, PipelineError> {
    investigate_with(ds, config, None, &NoProgress)
}

/// [`investigate`] with progress reporting, and for `--semantics coortweet` optionally the exact
/// share rows (a CooRTweet CSV read with [`coortweet::Shares::read_csv`]; a `Dataset` drops rows
/// whose content id repeats).
pub fn investigate_with(
    ds: &Dataset,
    config: &InvestigateConfig,
    shares: Option<coortweet::Shares>,
    progress: &dyn Progress,
) -> Result<Investigation, PipelineError> {
    investigate_counted(ds, config, shares, progress, &mut InProcessCounter)?.ok_or(
        PipelineError::Stage(
            "co-action",
            "the in-process counter returned no result".to_string(),
        ),
    )
}

/// [`investigate_with`] with the pairs counted by `counter` (default semantics; the
/// compatibility semantics run in process). Returns `None` on a process that does not lead a
/// distributed run: it stops after the co-action stage, the leader runs the rest.
pub fn investigate_counted(
    ds: &Dataset,
    config: &InvestigateConfig,
    shares: Option<coortweet::Shares>,
    progress: &dyn Progress,
    counter: &mut dyn PairCounter,
) -> Result<Option<Investigation>, PipelineError> {
    // Validated here too, so that a library caller cannot run an unchecked configuration (the
    // CLI validated it already; validation is idempotent).
    let mut config = config.clone();
    config.validate()?;
    let params = &config;
    let resolution = ds.resolution();
    let n_accounts = ds.accounts.len();
    let mut inv = Investigation {
        config: config.clone(),
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
    if let Some(m) = profile_only_message(ds, &params.ingest.inputs) {
        inv.notes.push(m);
    }
    match params.engine.semantics {
        Semantics::Lockstep => {
            if !run_lockstep(ds, params, &mut inv, progress, counter)? {
                return Ok(None);
            }
        }
        Semantics::Coortweet => compat::run_coortweet(ds, params, shares, &mut inv, progress)?,
        Semantics::Qut => compat::run_qut(ds, params, &mut inv, progress)?,
    }
    let t = Instant::now();
    if params.engine.semantics == Semantics::Lockstep {
        // DESIGN §6-§8: significance, Leiden communities and verdicts replace the minimum-weight
        // rule and connected components of the compatibility modes.
        progress.begin("significance, clusters, verdicts", 1);
        let stats = &params.stats;
        let cluster_params = &params.cluster;
        let mut score = params.score.params.clone();
        if let Some(path) = &params.score.registry {
            score.registry = lockstep_score::StateMediaRegistry::load(path)
                .map_err(|e| PipelineError::Stage("--registry", e.to_string()))?;
        }
        if ds.logins.as_ref().is_some_and(|l| !l.account.is_empty()) {
            let (db, note) = params.score.ip_db.load()?;
            score.ip = db;
            inv.notes.push(note);
        }
        let det = detect::detect(ds, stats, cluster_params, &score, &mut inv)?;
        inv.detection = Some(det);
        inv.expansion = seeds::apply(ds, &score, &mut inv);
        if let Some(det) = inv.detection.as_mut() {
            det.operations = operations::find_operations(
                ds,
                &score,
                det,
                &lockstep_graph::OperationParams::default(),
            );
        }
        progress.end();
        inv.timings.push((
            "statistics+clusters+verdicts".into(),
            t.elapsed().as_secs_f64(),
        ));
        return Ok(Some(inv));
    }
    progress.begin("clusters", 1);
    compat::components(&mut inv, n_accounts);
    progress.end();
    inv.timings
        .push(("clusters".into(), t.elapsed().as_secs_f64()));
    Ok(Some(inv))
}

/// The common window when both scales of `layer` are selected and their effective windows are
/// equal (e.g. on day-resolution data both defaults are raised to 86,400 s). The two runs would
/// then be identical and every co-action would count twice (in the graph and in the fusion of
/// significance); the drip scale alone runs (docs/semantics.md §2).
fn burst_equals_drip(
    params: &InvestigateConfig,
    layer: Layer,
    resolution: Resolution,
) -> Option<i64> {
    let e = &params.engine;
    if !(e.scales.contains(&Scale::Burst) && e.scales.contains(&Scale::Drip)) {
        return None;
    }
    let burst = e.parsed_windows.get(layer, Scale::Burst, resolution)?;
    let drip = e.parsed_windows.get(layer, Scale::Drip, resolution)?;
    (burst == drip).then_some(burst)
}

/// The co-action stage. Returns false on a process that does not lead a distributed run.
fn run_lockstep(
    ds: &Dataset,
    params: &InvestigateConfig,
    inv: &mut Investigation,
    progress: &dyn Progress,
    counter: &mut dyn PairCounter,
) -> Result<bool, PipelineError> {
    let available = supported_layers(ds);
    let layers: Vec<Layer> = match &params.engine.layers {
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
    let engine = &params.engine;
    engine.parsed_windows.validate(&layers, inv.resolution)?;
    progress.begin("co-action", (layers.len() * engine.scales.len()) as u64);
    let mut coincide: Vec<String> = Vec::new();
    let mut follower = false;
    for &layer in &layers {
        let t = Instant::now();
        let trace = if layer == Layer::SimilarText {
            // Built here rather than by `build_trace` so the `--similarity/--shingle/--lsh`
            // parameters reach the layer and its exclusion counts reach the notes.
            let (trace, r) = lockstep_engine::text::similar_text_trace(ds, &engine.similar);
            inv.notes.push(format!(
                "layer `similar_text`: {} near-duplicate groups over {} posts; excluded {} reposts, {} empty and {} too-short texts (fewer than {} shingles)",
                r.groups,
                r.posts_in_groups,
                r.reposts_excluded,
                r.empty_excluded,
                r.short_excluded,
                engine.similar.min_shingles
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
        for &scale in &engine.scales {
            let Some(w) = engine.parsed_windows.get(layer, scale, inv.resolution) else {
                progress.step();
                continue;
            };
            if scale == Scale::Burst && burst_is_drip.is_some() {
                progress.step();
                continue;
            }
            let t = Instant::now();
            let mut kp = KernelParams::new(layer, scale, w, ds.accounts.len() as u32);
            kp.skew = engine.skew;
            let Some(edges) = counter
                .count_pairs(&trace, &kp)
                .map_err(|e| PipelineError::Stage("co-action", e))?
            else {
                // A process that does not lead: it took part in this run and goes on to the
                // next, so that every process submits the same runs.
                follower = true;
                progress.step();
                continue;
            };
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
                if e.stats.weight >= engine.min_weight {
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
    counter.done();
    if !coincide.is_empty() {
        inv.notes.push(format!(
            "burst and drip windows coincide (data resolution {}) for layer(s) {}: only the drip scale runs for them, so each co-action is counted once",
            inv.resolution.as_str(),
            coincide.join(", ")
        ));
    }
    progress.end();
    Ok(!follower)
}
