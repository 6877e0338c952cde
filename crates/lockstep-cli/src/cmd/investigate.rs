//! `lockstep investigate INPUT... --out DIR`: the main job (DESIGN §9). Reads the inputs, runs the
//! co-action engine on every layer (or a compatibility semantics), keeps edges, clusters them and
//! writes the output files; progress bars per stage on a terminal, a summary table at the end.

use anyhow::Context as _;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use indicatif::{ProgressBar, ProgressStyle};
use lockstep_engine::compat::coortweet::Shares;
use lockstep_engine::{Layer, Scale};
use lockstep_outdir::{Inputs, StageOptions, StagedDir};
use lockstep_pipeline::{
    InvestigateConfig, Progress, Semantics, investigate_with, write_outputs_with,
};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// Arguments of `lockstep investigate`. Every setting of the run lands in one
/// [`InvestigateConfig`] (built by [`config_from_args`]: the `--config` file, then the flags given
/// over it, validated once), which the run writes whole as `run.toml`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Input files (one dataset; formats are detected from the header unless --format is given).
    /// May come from --config instead.
    #[arg(required_unless_present_any = ["explain_params", "config"])]
    pub inputs: Vec<PathBuf>,
    /// A configuration file (TOML, the shape of run.toml: sections ingest, engine, stats,
    /// cluster, score, report). A run's run.toml given back repeats the run exactly; flags given
    /// on the command line override the file; an unknown key is an error.
    #[arg(long, value_name = "TOML")]
    pub config: Option<PathBuf>,
    /// Output directory. Written whole or not at all: the run writes into a staging directory
    /// beside it and replaces DIR only when it succeeded (docs/reliability.md).
    #[arg(long, default_value = "lockstep-out")]
    pub out: PathBuf,
    /// Write into an --out that holds files Lockstep did not write (or inputs of this run), beside
    /// those files, instead of refusing it. An input is never overwritten.
    #[arg(long)]
    pub force: bool,
    /// Force the input format (see `lockstep inspect`).
    #[arg(long)]
    pub format: Option<String>,
    /// Co-action window: SECONDS (burst window of every layer), LAYER=SECONDS or
    /// LAYER:SCALE=SECONDS (scale burst|drip; 0 switches it off). Repeatable; replaces the
    /// config file's `engine.windows`.
    #[arg(long = "window")]
    pub windows: Vec<String>,
    /// Semantics: lockstep (default), coortweet (CooRTweet 2.1) or qut (coordination-network-toolkit 1.5.2).
    #[arg(long)]
    pub semantics: Option<String>,
    /// Layers to run, comma-separated (default: every layer the data supports; default semantics
    /// only).
    #[arg(long, value_delimiter = ',')]
    pub layers: Vec<String>,
    /// Scales to run, comma-separated (burst, drip; default both).
    #[arg(long, value_delimiter = ',')]
    pub scales: Vec<String>,
    /// Minimum weight for an edge to enter the graph (default 2; for --semantics qut it is the
    /// toolkit's --min_edge_weight, whose command-line default is also 2).
    #[arg(long)]
    pub min_weight: Option<u32>,
    /// CooRTweet's min_participation (default 2).
    #[arg(long)]
    pub min_participation: Option<u32>,
    /// CooRTweet's edge_weight quantile for weight_threshold (default 0.5).
    #[arg(long)]
    pub edge_weight: Option<f64>,
    /// Nominal false discovery rate of the coordination graph's edges (Benjamini-Hochberg over
    /// all account pairs; default 0.01).
    #[arg(long)]
    pub fdr: Option<f64>,
    /// Random seed of the community detection (Leiden; default 42). The report's layout seed
    /// is `report.layout_seed` in --config.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Leiden resolution (default 1; higher gives smaller communities).
    #[arg(long, value_name = "GAMMA")]
    pub resolution: Option<f64>,
    /// Known operators to expand from: a file with one account id or screen name per line (CSV
    /// lines use their first field; a header and `#` comments are skipped). Seeds become
    /// inauthentic, accounts linked to them are ranked in expansion.csv and the linked ones marked.
    #[arg(long, value_name = "FILE")]
    pub seeds: Option<PathBuf>,
    /// similar_text layer: Jaccard similarity of shingle sets at or above which two texts are
    /// near-duplicates (default 0.7; docs/similar_text.md).
    #[arg(long, value_name = "J")]
    pub similarity: Option<f64>,
    /// similar_text layer: shingle size, N (word and character n-grams) or WORDS,CHARS (word
    /// n-grams for space-separated scripts, character n-grams for CJK, Thai and similar;
    /// default 2).
    #[arg(long, value_name = "N|W,C")]
    pub shingle: Option<String>,
    /// similar_text layer: MinHash LSH banding BANDSxROWS (signature length BANDS*ROWS; default
    /// 25x5); see the recall curve with --explain-params.
    #[arg(long, value_name = "BxR")]
    pub lsh: Option<String>,
    /// Print the chosen parameters (similar_text parameters with the banding's expected recall
    /// curve, the window of every layer and scale) and exit; needs no input files.
    #[arg(long)]
    pub explain_params: bool,
    /// IP database placing login IPs in countries: `auto` (default: Debian's tor-geoipdb when
    /// installed), `none`, a MaxMind `FILE.mmdb`, or Tor-format ranges `FILE` / `FILE,FILE6`.
    /// What was used is said in summary.json's notes.
    #[arg(long, value_name = "auto|none|FILE")]
    pub ip_db: Option<String>,
    /// State-media registry (TOML, the shape of data/state_media.toml) replacing the built-in one.
    #[arg(long, value_name = "TOML")]
    pub registry: Option<PathBuf>,
    /// Skip bad input rows (counted by reason, reported on stderr and in summary.json) instead
    /// of stopping at the first.
    #[arg(long)]
    pub lenient: bool,
    /// Write skipped rows, byte for byte, to PATH and their reasons to PATH.reasons; implies
    /// --lenient (as in `lockstep inspect`).
    #[arg(long, value_name = "PATH")]
    pub quarantine: Option<PathBuf>,
    /// TOML column mapping for generic CSV / JSONL / Parquet inputs (see examples/mapping.toml
    /// and `lockstep inspect --mapping`).
    #[arg(long, value_name = "TOML")]
    pub mapping: Option<PathBuf>,
    /// Longest record accepted (one CSV row, JSON line or JSON array element), in bytes; a
    /// longer one stops the read with an error naming the file and line, also with --lenient
    /// (0: no limit; default 64 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_record_bytes: Option<u64>,
    /// Largest decompressed/compressed ratio of a .gz / .zst input (or of a Parquet column
    /// chunk), beyond the first 64 MiB of each; more stops the read as a likely decompression
    /// bomb (0: no limit; default 1000).
    #[arg(long, value_name = "N")]
    pub max_compression_ratio: Option<u64>,
    /// Output files to write, comma-separated: edges, parquet, accounts, clusters, operations,
    /// report, network (network.gexf + network.graphml), `default` (edges, accounts, clusters,
    /// operations, report) or `all`. summary.json, run.toml and the manifest are always written
    /// (docs/outputs.md).
    #[arg(long, value_name = "LIST")]
    pub outputs: Option<String>,
    /// edges.csv (and edges.parquet) hold every observed layer edge with its p- and q-value, not
    /// only the layer edges of the coordination graph's pairs.
    #[arg(long)]
    pub all_edges: bool,
    /// No progress bars or table (for scripts).
    #[arg(long, short)]
    pub quiet: bool,
    /// Run the co-action stage on timely dataflow with N worker threads in this process
    /// (docs/scale.md). Without --workers/--processes the in-process engine runs. Outputs are
    /// identical either way.
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Number of processes of a timely cluster run (with --process and --hostfile); every
    /// process runs the same command with its own --process, process 0 writes --out.
    #[arg(long, value_name = "P", requires_all = ["process", "hostfile"])]
    pub processes: Option<usize>,
    /// This process's index in the hostfile, 0 to P-1.
    #[arg(long, value_name = "I", requires = "processes")]
    pub process: Option<usize>,
    /// One host:port per line, in process order (timely's cluster format).
    #[arg(long, value_name = "FILE", requires = "processes")]
    pub hostfile: Option<PathBuf>,
    /// Seconds to wait for every process of the hostfile to connect (default 60).
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub connect_timeout: u64,
    /// Seconds another process of a cluster run may send no heartbeat (stopped, hung, cut off)
    /// before this one abandons the run naming it (default 30).
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub peer_timeout: f64,
}

/// The timely settings from `--workers/--processes/--process/--hostfile`, or `None` for the
/// in-process engine.
fn dist_config(args: &Args) -> anyhow::Result<Option<lockstep_dist::DistConfig>> {
    if args.workers.is_none() && args.processes.is_none() {
        return Ok(None);
    }
    let mut cfg = lockstep_dist::DistConfig::threads(args.workers.unwrap_or(1));
    cfg.connect_timeout = std::time::Duration::from_secs(args.connect_timeout);
    cfg.peer_timeout = std::time::Duration::try_from_secs_f64(args.peer_timeout)
        .map_err(|e| anyhow::anyhow!("--peer-timeout {}: {e}", args.peer_timeout))?;
    if let (Some(p), Some(i), Some(h)) = (args.processes, args.process, &args.hostfile) {
        let addresses = lockstep_dist::read_hostfile(h).context("reading --hostfile")?;
        if addresses.len() != p {
            anyhow::bail!(
                "--processes {p} but --hostfile {} lists {} address(es): one host:port per process",
                h.display(),
                addresses.len()
            );
        }
        if i >= p {
            anyhow::bail!(
                "--process {i} is out of range for --processes {p} (0 to {})",
                p - 1
            );
        }
        cfg.process = i;
        if p > 1 {
            cfg.addresses = addresses;
        }
    }
    Ok(Some(cfg))
}

/// The run's configuration: the `--config` file (or the defaults), then every flag given on the
/// command line over it, validated once.
pub fn config_from_args(args: &Args) -> anyhow::Result<InvestigateConfig> {
    let mut cfg = match &args.config {
        Some(p) => InvestigateConfig::from_path(p).context("reading --config")?,
        None => InvestigateConfig::default(),
    };
    let ingest = &mut cfg.ingest;
    if !args.inputs.is_empty() {
        ingest.inputs = args.inputs.clone();
    }
    if args.format.is_some() {
        ingest.format = args.format.clone();
    }
    if args.lenient {
        ingest.lenient = true;
    }
    if args.quarantine.is_some() {
        ingest.quarantine = args.quarantine.clone();
    }
    if args.mapping.is_some() {
        ingest.mapping = args.mapping.clone();
    }
    if let Some(n) = args.max_record_bytes {
        ingest.max_record_bytes = n;
    }
    if let Some(n) = args.max_compression_ratio {
        ingest.max_compression_ratio = n;
    }
    let engine = &mut cfg.engine;
    if let Some(s) = &args.semantics {
        engine.semantics = Semantics::parse(s).with_context(|| {
            format!("unknown --semantics `{s}` (expected lockstep, coortweet or qut)")
        })?;
    }
    if !args.windows.is_empty() {
        engine.windows = args.windows.clone();
    }
    if !args.layers.is_empty() {
        let mut l = Vec::new();
        for name in &args.layers {
            l.push(Layer::parse(name.trim()).with_context(|| {
                format!(
                    "unknown layer `{name}` (known: {})",
                    Layer::ALL.map(|l| l.as_str()).join(", ")
                )
            })?);
        }
        engine.layers = Some(l);
    }
    if !args.scales.is_empty() {
        engine.scales = args
            .scales
            .iter()
            .map(|s| {
                Scale::parse(s.trim()).with_context(|| format!("unknown scale `{s}` (burst, drip)"))
            })
            .collect::<anyhow::Result<_>>()?;
    }
    if let Some(n) = args.min_weight {
        engine.min_weight = n;
    }
    if let Some(n) = args.min_participation {
        engine.min_participation = n;
    }
    if let Some(q) = args.edge_weight {
        engine.edge_weight = q;
    }
    let similar = &mut engine.similar;
    if let Some(j) = args.similarity {
        similar.threshold = j;
    }
    if let Some(s) = &args.shingle {
        (similar.word_ngram, similar.char_ngram) =
            lockstep_engine::text::SimilarParams::parse_shingle(s)
                .map_err(|e| anyhow::anyhow!("--shingle: {e}"))?;
    }
    if let Some(s) = &args.lsh {
        (similar.bands, similar.rows) = lockstep_engine::text::SimilarParams::parse_lsh(s)
            .map_err(|e| anyhow::anyhow!("--lsh: {e}"))?;
    }
    if let Some(fdr) = args.fdr {
        cfg.stats.fdr = fdr;
    }
    if let Some(seed) = args.seed {
        cfg.cluster.seed = seed;
    }
    if let Some(r) = args.resolution {
        cfg.cluster.resolution = r;
    }
    if let Some(s) = &args.ip_db {
        cfg.score.ip_db = lockstep_pipeline::IpDbChoice::parse(s);
    }
    if args.registry.is_some() {
        cfg.score.registry = args.registry.clone();
    }
    if let Some(path) = &args.seeds {
        cfg.score.seeds = lockstep_pipeline::read_seed_file(path)
            .with_context(|| format!("reading --seeds {}", path.display()))?;
        if cfg.score.seeds.is_empty() {
            anyhow::bail!("--seeds {}: the file names no account", path.display());
        }
    }
    if let Some(list) = &args.outputs {
        cfg.outputs.files = lockstep_pipeline::OutputFile::parse_list(list)
            .map_err(|e| anyhow::anyhow!("--outputs: {e}"))?;
    }
    if args.all_edges {
        cfg.outputs.all_edges = true;
    }
    cfg.validate()
        .map_err(|e| anyhow::anyhow!("{}", flag_names(&e)))?;
    Ok(cfg)
}

/// A validation error, with the flag that sets the key when there is one.
fn flag_names(e: &lockstep_pipeline::ConfigError) -> String {
    let lockstep_pipeline::ConfigError::Invalid { key, .. } = e else {
        return e.to_string();
    };
    let flag = match *key {
        "stats.fdr" => Some("--fdr"),
        "cluster.resolution" => Some("--resolution"),
        "engine.edge_weight" => Some("--edge-weight"),
        "engine.similar" => Some("--similarity/--shingle/--lsh"),
        "engine.layers" => Some("--layers"),
        "engine.scales" => Some("--scales"),
        _ => None,
    };
    match flag {
        Some(f) => format!("{f} ({e})"),
        None => e.to_string(),
    }
}

/// Runs `lockstep investigate`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let cfg = config_from_args(&args)?;
    if args.explain_params {
        print!("{}", cfg.explain());
        return Ok(());
    }
    if cfg.ingest.inputs.is_empty() {
        anyhow::bail!("no input files: give INPUT... or a --config whose ingest.inputs names them");
    }
    let semantics = cfg.engine.semantics;
    let dist = dist_config(&args)?;
    if dist.is_some() && semantics != Semantics::Lockstep {
        anyhow::bail!(
            "--workers/--processes run the default semantics only (--semantics {semantics:?} runs in process)"
        );
    }
    // Timely connects in the background while this process reads its input.
    let mut session = match &dist {
        Some(d) => Some(lockstep_dist::Session::start(d.clone()).context("starting timely")?),
        None => None,
    };
    let leads = dist.as_ref().is_none_or(|d| d.leads());
    let show = !args.quiet;
    // The other processes of a cluster run read no input: process 0 reads it, builds the traces
    // and feeds their actions into the dataflow; these count what the exchanges route to them.
    if let Some(s) = session.take_if(|_| !leads) {
        let process = s.config().process;
        let processes = s.config().processes();
        let x = s
            .serve()
            .with_context(|| format!("process {process} of {processes}"))?;
        if show {
            eprintln!(
                "co-action on timely dataflow: process {process} of {processes} read no input, counted what process 0 fed and sent {} bytes to other processes and {} bytes between its own workers",
                x.network, x.local
            );
            eprintln!(
                "this process's share is done; process 0 writes {}",
                args.out.display()
            );
        }
        return Ok(());
    }

    // Where the outputs go is checked before any work: never onto an input, never mixed with
    // another run's files.
    let ingest = &cfg.ingest;
    let mut inputs = Inputs::new(&ingest.inputs);
    for p in args
        .seeds
        .iter()
        .chain(&args.config)
        .chain(&ingest.mapping)
        .chain(&cfg.score.registry)
    {
        inputs.add(p);
    }
    // The quarantine is written beside the run, not in it: inside --out it would be replaced
    // with the directory.
    if let Some(q) = &ingest.quarantine
        && lockstep_outdir::resolve(q).starts_with(lockstep_outdir::resolve(&args.out))
    {
        anyhow::bail!(
            "--quarantine {} lies inside --out {}: give it a path outside the output directory",
            q.display(),
            args.out.display()
        );
    }
    // Only the leading process writes --out; the others never touch it.
    let staged = if leads {
        Some(
            StagedDir::begin(&args.out, &inputs, StageOptions { force: args.force })
                .context("choosing the output directory")?,
        )
    } else {
        None
    };

    let mapping = match &ingest.mapping {
        Some(p) => Some(
            lockstep_ingest::Mapping::from_path(p)
                .with_context(|| format!("reading --mapping {}", p.display()))?,
        ),
        None => None,
    };
    let t0 = Instant::now();
    let spinner = bar(show, "read", 0);
    let opts = lockstep_ingest::ReadOptions {
        format: match &ingest.format {
            Some(f) => Some(
                f.parse()
                    .map_err(|e| anyhow::anyhow!("--format `{f}`: {e:?}"))?,
            ),
            None => None,
        },
        lenient: ingest.lenient,
        quarantine: ingest.quarantine.clone(),
        mapping,
        progress: show,
        max_record_bytes: ingest.max_record_bytes,
        max_compression_ratio: ingest.max_compression_ratio,
        par_block_bytes: None,
    };
    let ingested = lockstep_ingest::read_paths(&ingest.inputs, &opts);
    spinner.finish_and_clear();
    let ingested = ingested.context("reading the inputs")?;
    // What was read, kept and skipped: on stderr before anything else runs (also with --quiet
    // when rows were skipped), and in summary.json.
    for line in super::input::accounting(&ingested.report, args.quiet) {
        eprintln!("{line}");
    }
    if let Some(q) = &ingest.quarantine
        && show
        && ingested.report.rows_rejected() > 0
    {
        eprintln!(
            "skipped rows written to {} (reasons in {}.reasons)",
            q.display(),
            q.display()
        );
    }
    let ds = ingested.dataset;
    if let Some(m) = lockstep_pipeline::profile_only_message(&ds, &ingest.inputs) {
        if ds.accounts.is_empty() {
            anyhow::bail!("{}", crate::term::printable(&m));
        }
        eprintln!("warning: {}", crate::term::printable(&m));
    }
    let read_s = t0.elapsed().as_secs_f64();
    // CooRTweet keeps rows whose content id repeats; a Dataset does not. Read the share rows
    // directly from a CooRTweet CSV so the compatibility mode is exact.
    let shares = if semantics == Semantics::Coortweet && ingest.inputs.len() == 1 {
        let p = &ingest.inputs[0];
        if p.extension().is_some_and(|e| e == "csv") {
            Shares::read_csv(p).ok()
        } else {
            None
        }
    } else {
        None
    };
    let progress = Bars {
        show,
        bar: Mutex::new(None),
    };
    let found = match session.as_mut() {
        Some(s) => lockstep_pipeline::investigate_counted(&ds, &cfg, shares, &progress, s),
        None => investigate_with(&ds, &cfg, shares, &progress).map(Some),
    };
    let found = found.map_err(|e| match &dist {
        Some(d) => anyhow::anyhow!("process {} of {}: {e}", d.process, d.processes()),
        None => e.into(),
    })?;
    let dist_note = match (session, &dist) {
        (Some(s), Some(d)) => {
            let actions = s.actions();
            let seconds = s.seconds();
            let x = s
                .finish(std::time::Duration::from_secs(args.connect_timeout.max(10)))
                .with_context(|| format!("process {} of {}", d.process, d.processes()))?;
            Some(if d.is_single_worker() {
                format!(
                    "co-action with one worker (--workers 1): nothing to exchange, the engine's kernel counted {actions} actions directly; {seconds:.2} s counting"
                )
            } else {
                format!(
                    "co-action on timely dataflow: {} process(es) x {} worker(s); process {} sent {} bytes to other processes and {} bytes between its own workers for {} actions; {:.2} s in the dataflow",
                    d.processes(),
                    d.workers,
                    d.process,
                    x.network,
                    x.local,
                    actions,
                    seconds
                )
            })
        }
        _ => None,
    };
    // Only the leading process gets here (the others served the dataflow and returned above).
    let (Some(mut inv), Some(staged)) = (found, staged) else {
        anyhow::bail!("the co-action stage returned no result on the leading process");
    };
    if let Some(n) = dist_note {
        if show {
            eprintln!("{n}");
        }
        inv.notes.push(n);
    }
    inv.timings.insert(0, ("read".into(), read_s));
    let t = Instant::now();
    let summary = write_outputs_with(&inv, &ds, staged.path(), &progress)
        .with_context(|| format!("writing outputs to {}", args.out.display()))?;
    staged
        .commit("investigate")
        .with_context(|| format!("moving the outputs into {}", args.out.display()))?;
    let write_s = t.elapsed().as_secs_f64();
    if show {
        print_table(
            &summary,
            read_s,
            write_s,
            t0.elapsed().as_secs_f64(),
            &args.out,
        );
    }
    Ok(())
}

/// Runs the default investigation of `inputs` into `out` (for `lockstep demo`).
pub fn investigate_paths(inputs: &[PathBuf], out: &Path, force: bool) -> anyhow::Result<()> {
    run(Args {
        inputs: inputs.to_vec(),
        config: None,
        out: out.to_path_buf(),
        force,
        format: None,
        windows: Vec::new(),
        semantics: None,
        layers: Vec::new(),
        scales: Vec::new(),
        min_weight: None,
        min_participation: None,
        edge_weight: None,
        fdr: None,
        seed: None,
        resolution: None,
        seeds: None,
        similarity: None,
        shingle: None,
        lsh: None,
        explain_params: false,
        ip_db: None,
        registry: None,
        lenient: false,
        quarantine: None,
        mapping: None,
        max_record_bytes: None,
        max_compression_ratio: None,
        outputs: None,
        all_edges: false,
        quiet: false,
        workers: None,
        processes: None,
        process: None,
        hostfile: None,
        connect_timeout: 60,
        peer_timeout: 30.0,
    })
}

fn bar(show: bool, stage: &str, len: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let b = if len == 0 {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::new(len)
    };
    b.set_style(
        ProgressStyle::with_template("{spinner} {prefix:>10} [{bar:30}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    b.set_prefix(stage.to_string());
    b.enable_steady_tick(std::time::Duration::from_millis(120));
    b
}

/// indicatif bars for the pipeline stages (hidden when stderr is not a terminal).
struct Bars {
    show: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress for Bars {
    fn begin(&self, stage: &str, steps: u64) {
        if let Ok(mut b) = self.bar.lock() {
            *b = Some(bar(self.show, stage, steps));
        }
    }
    fn step(&self) {
        if let Ok(b) = self.bar.lock()
            && let Some(b) = b.as_ref()
        {
            b.inc(1);
        }
    }
    fn end(&self) {
        if let Ok(mut b) = self.bar.lock()
            && let Some(b) = b.take()
        {
            b.finish_and_clear();
        }
    }
}

/// The findings in a few lines: accounts per verdict and role, the operations, and the report.
fn print_findings(s: &lockstep_pipeline::Summary, out: &Path) {
    let v = &s.verdicts;
    if v.accounts.is_empty() {
        return;
    }
    let list = |m: &std::collections::BTreeMap<String, u64>| {
        m.iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("accounts: {}", list(&v.accounts));
    if !v.roles.is_empty() {
        println!("roles of inauthentic accounts: {}", list(&v.roles));
    }
    println!("clusters: {}", list(&v.clusters));
    match s.operations.len() {
        0 => println!("operations: none (no cluster judged inauthentic)"),
        n => println!("operations: {n} (operations.csv)"),
    }
    for op in s.operations.iter().take(5) {
        let zone = op
            .utc_offset_h
            .map(|h| format!(", active as in UTC{h:+}"))
            .unwrap_or_default();
        println!(
            "  operation {}: {} accounts in {} cluster(s) ({} core), {} posts{zone}. {}",
            op.operation_id,
            op.accounts,
            op.clusters,
            op.core_clusters,
            op.posts,
            crate::term::printable(&op.origin_statement)
        );
    }
    if s.operations.len() > 5 {
        println!("  ... {} more in operations.csv", s.operations.len() - 5);
    }
    let report = out.join("report.html");
    println!("report: {}", report.display());
}

fn print_table(
    s: &lockstep_pipeline::Summary,
    read_s: f64,
    write_s: f64,
    total_s: f64,
    out: &Path,
) {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header([
        "layer", "scale", "window", "actions", "targets", "pairs", "kept", "capped", "seconds",
    ]);
    for r in &s.runs {
        t.add_row([
            r.layer.clone(),
            r.scale.clone(),
            format!("{} s", r.window_s),
            r.actions.to_string(),
            r.targets.to_string(),
            r.pairs.to_string(),
            r.kept.to_string(),
            r.capped_targets.to_string(),
            format!("{:.3}", r.seconds),
        ]);
    }
    println!("{t}");
    println!(
        "{} posts, {} accounts ({} resolution); {} edges kept, {} clusters with {} accounts",
        s.posts, s.accounts, s.resolution, s.edges_kept, s.clusters, s.accounts_in_clusters
    );
    for n in &s.notes {
        println!("note: {}", crate::term::printable(n));
    }
    print_findings(s, out);
    println!(
        "read {read_s:.2} s, write {write_s:.2} s, total {total_s:.2} s; outputs in {}",
        out.display()
    );
}
