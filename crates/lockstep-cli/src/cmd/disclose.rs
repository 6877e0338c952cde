//! `lockstep disclose`: write a privacy-hashed transparency dataset (Twitter archive schema,
//! CIB-style summary, README) for selected networks of an investigation, or `--check` an
//! existing disclosure for identifiers that should have been hashed. The work is done by
//! `lockstep_report::disclose`; this file only parses arguments and reads the inputs.

use anyhow::{Context, bail};
use lockstep_ingest::{ReadOptions, read_paths};
use lockstep_report::disclose::{
    DEFAULT_HASH_BELOW, DiscloseOptions, PseudonymKey, attach_edges, check_disclosure, disclose,
    read_investigation, select_networks,
};
use std::path::{Path, PathBuf};

/// Arguments of `lockstep disclose`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  lockstep disclose runs/hk --network all --key-file ~/.lockstep.key --out disclosure/\n  lockstep disclose runs/hk --network 3,7 --key-file key --out d/ --hash-below 10000\n  lockstep disclose --check d/ --input tweets.csv users.csv"
)]
pub struct Args {
    /// The investigation directory written by `lockstep investigate --out DIR` (reads
    /// accounts.csv, clusters.csv and the input paths recorded in run.toml / summary.json).
    #[arg(value_name = "DIR", required_unless_present = "check")]
    pub dir: Option<PathBuf>,

    /// Networks to disclose: `all` (every cluster with verdict `inauthentic`) or a
    /// comma-separated list of cluster ids (any verdict).
    #[arg(
        long,
        value_name = "CLUSTER_IDS|all",
        required_unless_present = "check"
    )]
    pub network: Option<String>,

    /// File holding the secret pseudonym key (at least 32 bytes; a trailing newline is ignored;
    /// e.g. `head -c 32 /dev/urandom > key`). Never written to the output.
    #[arg(long, value_name = "K", required_unless_present = "check")]
    pub key_file: Option<PathBuf>,

    /// Output directory (created if needed).
    #[arg(long, value_name = "OUT", required_unless_present = "check")]
    pub out: Option<PathBuf>,

    /// Accounts with fewer followers than this, or an unknown count, are pseudonymised.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_HASH_BELOW)]
    pub hash_below: u64,

    /// The original input files [default: the paths recorded in DIR/run.toml or DIR/summary.json].
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub input: Vec<PathBuf>,

    /// Check the disclosure at OUT for unhashed identifiers of below-threshold accounts instead
    /// of writing one (needs the original data: --input, or DIR to find it). Exits non-zero on a
    /// leak.
    #[arg(long, value_name = "OUT", conflicts_with_all = ["network", "key_file", "out"])]
    pub check: Option<PathBuf>,
}

fn inputs(args: &Args) -> anyhow::Result<Vec<PathBuf>> {
    if !args.input.is_empty() {
        return Ok(args.input.clone());
    }
    let Some(dir) = &args.dir else {
        bail!("no input data: give --input FILE... (or the investigation DIR)");
    };
    let paths = lockstep_report::disclose::investigation::input_paths(dir)
        .with_context(|| format!("reading the input paths recorded in {}", dir.display()))?;
    if paths.is_empty() {
        bail!(
            "{} records no input paths (run.toml / summary.json): give --input FILE...",
            dir.display()
        );
    }
    Ok(paths)
}

fn read(paths: &[PathBuf]) -> anyhow::Result<lockstep_model::Dataset> {
    let ing =
        read_paths(paths, &ReadOptions::default()).context("reading the original input failed")?;
    Ok(ing.dataset)
}

/// Runs `lockstep disclose`.
pub fn run(args: Args) -> anyhow::Result<()> {
    if let Some(out) = &args.check {
        return check(&args, out);
    }
    let (Some(dir), Some(selection), Some(key_file), Some(out)) =
        (&args.dir, &args.network, &args.key_file, &args.out)
    else {
        bail!("DIR, --network, --key-file and --out are required");
    };
    // The key first: refuse before reading anything large.
    let key = PseudonymKey::from_file(key_file).context("refusing to write a disclosure")?;
    let inv = read_investigation(dir)
        .with_context(|| format!("reading the investigation in {}", dir.display()))?;
    let ds = read(&inputs(&args)?)?;
    let mut networks = select_networks(&ds, &inv, selection)?;
    // Edges inside each network, for report.html's network picture and delay chart.
    attach_edges(&ds, dir, &mut networks)
        .with_context(|| format!("reading {}", dir.join("edges.csv").display()))?;
    let opts = DiscloseOptions {
        hash_below: args.hash_below,
        generator: format!("lockstep {}", env!("CARGO_PKG_VERSION")),
    };
    let summary = disclose(&ds, &networks, &key, &opts, out)
        .with_context(|| format!("writing the disclosure to {}", out.display()))?;
    // Belt and braces: the written files must pass the checker.
    let leaks = check_disclosure(&ds, out, args.hash_below)?;
    if !leaks.is_empty() {
        for l in leaks.iter().take(20) {
            eprintln!("{l}");
        }
        bail!(
            "{} unhashed identifier(s) found in the written disclosure: do not publish {}",
            leaks.len(),
            out.display()
        );
    }
    for n in &summary.networks {
        println!(
            "network {}: {} accounts ({} pseudonymised), {} posts, {} to {}",
            n.network_id,
            n.accounts,
            n.accounts_pseudonymised,
            n.posts,
            n.first_activity.as_deref().unwrap_or("-"),
            n.last_activity.as_deref().unwrap_or("-")
        );
    }
    println!(
        "wrote {} (README.md, tweets.csv, users.csv, network_accounts.csv, summary.md, summary.json, report.html); check passed",
        out.display()
    );
    Ok(())
}

fn check(args: &Args, out: &Path) -> anyhow::Result<()> {
    let ds = read(&inputs(args)?)?;
    let leaks = check_disclosure(&ds, out, args.hash_below)?;
    if leaks.is_empty() {
        println!(
            "{}: no unhashed id, handle or display name of an account under {} followers",
            out.display(),
            args.hash_below
        );
        return Ok(());
    }
    for l in leaks.iter().take(50) {
        eprintln!("{l}");
    }
    if leaks.len() > 50 {
        eprintln!("... and {} more", leaks.len() - 50);
    }
    bail!(
        "{} unhashed identifier(s) in {}",
        leaks.len(),
        out.display()
    )
}
