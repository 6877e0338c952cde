//! `lockstep investigate INPUT... --out DIR`: the main job (DESIGN §9). Reads the inputs, runs the
//! co-action engine on every layer (or a compatibility semantics), keeps edges, clusters them and
//! writes the output files; progress bars per stage on a terminal, a summary table at the end.

use anyhow::Context as _;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use indicatif::{ProgressBar, ProgressStyle};
use lockstep_engine::compat::coortweet::Shares;
use lockstep_engine::{Layer, Scale};
use lockstep_outdir::{Inputs, StageOptions, StagedDir};
use lockstep_pipeline::{InvestigateParams, Progress, Semantics, investigate_with, write_outputs};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// Arguments of `lockstep investigate`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Input files (one dataset; formats are detected from the header unless --format is given).
    #[arg(required_unless_present = "explain_params")]
    pub inputs: Vec<PathBuf>,
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
    /// LAYER:SCALE=SECONDS (scale burst|drip; 0 switches it off). Repeatable.
    #[arg(long = "window")]
    pub windows: Vec<String>,
    /// Semantics: lockstep (default), coortweet (CooRTweet 2.1) or qut (coordination-network-toolkit 1.5.2).
    #[arg(long, default_value = "lockstep")]
    pub semantics: String,
    /// Layers to run, comma-separated (default: every layer the data supports).
    #[arg(long, value_delimiter = ',')]
    pub layers: Vec<String>,
    /// Scales to run, comma-separated (burst, drip).
    #[arg(long, value_delimiter = ',', default_value = "burst,drip")]
    pub scales: Vec<String>,
    /// Minimum weight for an edge to enter the graph (default 2; for --semantics qut it is the
    /// toolkit's --min_edge_weight, whose command-line default is also 2).
    #[arg(long)]
    pub min_weight: Option<u32>,
    /// CooRTweet's min_participation.
    #[arg(long, default_value_t = 2)]
    pub min_participation: u32,
    /// CooRTweet's edge_weight quantile for weight_threshold.
    #[arg(long, default_value_t = 0.5)]
    pub edge_weight: f64,
    /// Nominal false discovery rate of the coordination graph's edges (Benjamini-Hochberg over
    /// all account pairs).
    #[arg(long, default_value_t = 0.01)]
    pub fdr: f64,
    /// Random seed of the community detection (Leiden) and the network layout.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Known operators to expand from: a file with one account id or screen name per line (CSV
    /// lines use their first field; a header and `#` comments are skipped). Seeds become
    /// inauthentic, accounts linked to them are ranked in expansion.csv and the linked ones marked.
    #[arg(long, value_name = "FILE")]
    pub seeds: Option<PathBuf>,
    /// similar_text layer: Jaccard similarity of shingle sets at or above which two texts are
    /// near-duplicates (docs/similar_text.md).
    #[arg(long, default_value_t = 0.7, value_name = "J")]
    pub similarity: f64,
    /// similar_text layer: shingle size, N (word and character n-grams) or WORDS,CHARS (word
    /// n-grams for space-separated scripts, character n-grams for CJK, Thai and similar).
    #[arg(long, default_value = "2", value_name = "N|W,C")]
    pub shingle: String,
    /// similar_text layer: MinHash LSH banding BANDSxROWS (signature length BANDS*ROWS); see the
    /// recall curve with --explain-params.
    #[arg(long, default_value = "25x5", value_name = "BxR")]
    pub lsh: String,
    /// Print the chosen parameters (similar_text parameters with the banding's expected recall
    /// curve, the window of every layer and scale) and exit; needs no input files.
    #[arg(long)]
    pub explain_params: bool,
    /// IP database placing login IPs in countries: `auto` (Debian's tor-geoipdb when installed),
    /// `none`, a MaxMind `FILE.mmdb`, or Tor-format ranges `FILE` / `FILE,FILE6`. What was used
    /// is said in summary.json's notes.
    #[arg(long, default_value = "auto", value_name = "auto|none|FILE")]
    pub ip_db: String,
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
    /// Resource limits on the inputs.
    #[command(flatten)]
    pub limits: super::input::Limits,
    /// No progress bars or table (for scripts).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs `lockstep investigate`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let semantics = Semantics::parse(&args.semantics).with_context(|| {
        format!(
            "unknown --semantics `{}` (expected lockstep, coortweet or qut)",
            args.semantics
        )
    })?;
    let mut params = InvestigateParams {
        inputs: args.inputs.clone(),
        format: args.format.clone(),
        semantics,
        min_participation: args.min_participation,
        edge_weight: args.edge_weight,
        min_weight: args.min_weight.unwrap_or(2),
        fdr: args.fdr,
        seed: args.seed,
        ip_db: lockstep_pipeline::IpDbChoice::parse(&args.ip_db),
        ..Default::default()
    }
    .with_windows(&args.windows)?;
    if !(args.fdr > 0.0 && args.fdr < 1.0) {
        anyhow::bail!("--fdr {}: expected a rate between 0 and 1", args.fdr);
    }
    if let Some(path) = &args.seeds {
        params.seeds = lockstep_pipeline::read_seed_file(path)
            .with_context(|| format!("reading --seeds {}", path.display()))?;
        if params.seeds.is_empty() {
            anyhow::bail!("--seeds {}: the file names no account", path.display());
        }
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
        params.layers = Some(l);
    }
    params.scales = args
        .scales
        .iter()
        .map(|s| {
            Scale::parse(s.trim()).with_context(|| format!("unknown scale `{s}` (burst, drip)"))
        })
        .collect::<anyhow::Result<_>>()?;
    params.similar = similar_params(&args)?;
    if args.explain_params {
        print!("{}", params.explain());
        return Ok(());
    }

    // Where the outputs go is checked before any work: never onto an input, never mixed with
    // another run's files.
    let mut inputs = Inputs::new(&args.inputs);
    for p in args.seeds.iter().chain(&args.mapping) {
        inputs.add(p);
    }
    // The quarantine is written beside the run, not in it: inside --out it would be replaced
    // with the directory.
    if let Some(q) = &args.quarantine
        && lockstep_outdir::resolve(q).starts_with(lockstep_outdir::resolve(&args.out))
    {
        anyhow::bail!(
            "--quarantine {} lies inside --out {}: give it a path outside the output directory",
            q.display(),
            args.out.display()
        );
    }
    let staged = StagedDir::begin(&args.out, &inputs, StageOptions { force: args.force })
        .context("choosing the output directory")?;

    let show = !args.quiet;
    let mapping = match &args.mapping {
        Some(p) => Some(
            lockstep_ingest::Mapping::from_path(p)
                .with_context(|| format!("reading --mapping {}", p.display()))?,
        ),
        None => None,
    };
    let t0 = Instant::now();
    let spinner = bar(show, "read", 0);
    let opts = lockstep_ingest::ReadOptions {
        format: match &args.format {
            Some(f) => Some(
                f.parse()
                    .map_err(|e| anyhow::anyhow!("--format `{f}`: {e:?}"))?,
            ),
            None => None,
        },
        lenient: args.lenient,
        quarantine: args.quarantine.clone(),
        mapping,
        progress: show,
        max_record_bytes: args.limits.max_record_bytes,
        max_compression_ratio: args.limits.max_compression_ratio,
        par_block_bytes: None,
    };
    let ingested = lockstep_ingest::read_paths(&args.inputs, &opts);
    spinner.finish_and_clear();
    let ingested = ingested.context("reading the inputs")?;
    // What was read, kept and skipped: on stderr before anything else runs (also with --quiet
    // when rows were skipped), and in summary.json.
    for line in super::input::accounting(&ingested.report, args.quiet) {
        eprintln!("{line}");
    }
    if let Some(q) = &args.quarantine
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
    if let Some(m) = lockstep_pipeline::profile_only_message(&ds, &args.inputs) {
        if ds.accounts.is_empty() {
            anyhow::bail!("{}", crate::term::printable(&m));
        }
        eprintln!("warning: {}", crate::term::printable(&m));
    }
    let read_s = t0.elapsed().as_secs_f64();
    // CooRTweet keeps rows whose content id repeats; a Dataset does not. Read the share rows
    // directly from a CooRTweet CSV so the compatibility mode is exact.
    let shares = if semantics == Semantics::Coortweet && args.inputs.len() == 1 {
        let p = &args.inputs[0];
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
    let mut inv = investigate_with(&ds, &params, shares, &progress)?;
    inv.timings.insert(0, ("read".into(), read_s));
    let t = Instant::now();
    let summary = write_outputs(&inv, &ds, staged.path())
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
        out: out.to_path_buf(),
        force,
        format: None,
        windows: Vec::new(),
        semantics: "lockstep".into(),
        layers: Vec::new(),
        scales: vec!["burst".into(), "drip".into()],
        min_weight: None,
        min_participation: 2,
        edge_weight: 0.5,
        fdr: 0.01,
        seed: 42,
        seeds: None,
        similarity: 0.7,
        shingle: "2".into(),
        lsh: "25x5".into(),
        explain_params: false,
        ip_db: "auto".into(),
        lenient: false,
        quarantine: None,
        mapping: None,
        limits: super::input::Limits::default(),
        quiet: false,
    })
}

/// The `similar_text` parameters from `--similarity`, `--shingle` and `--lsh`, checked.
fn similar_params(args: &Args) -> anyhow::Result<lockstep_engine::text::SimilarParams> {
    use lockstep_engine::text::SimilarParams;
    let (word_ngram, char_ngram) = SimilarParams::parse_shingle(&args.shingle)
        .map_err(|e| anyhow::anyhow!("--shingle: {e}"))?;
    let (bands, rows) =
        SimilarParams::parse_lsh(&args.lsh).map_err(|e| anyhow::anyhow!("--lsh: {e}"))?;
    let p = SimilarParams {
        threshold: args.similarity,
        word_ngram,
        char_ngram,
        bands,
        rows,
        ..Default::default()
    };
    p.validate().map_err(|e| {
        anyhow::anyhow!("similar_text parameters (--similarity/--shingle/--lsh): {e}")
    })?;
    Ok(p)
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
