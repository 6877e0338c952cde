//! `lockstep disclose`: write a privacy-hashed transparency dataset (Twitter archive schema,
//! CIB-style summary, README) for selected networks of an investigation, or `--check` an
//! existing disclosure for identifiers that should have been hashed. The work is done by
//! `lockstep_report::disclose`; this file only parses arguments and reads the inputs.

use anyhow::{Context, bail};
use lockstep_ingest::{ReadOptions, read_paths};
use lockstep_outdir::{Inputs, StageOptions, StagedDir};
use lockstep_report::disclose::provenance::{Found, resolve_inputs};
use lockstep_report::disclose::{
    DEFAULT_HASH_BELOW, DiscloseError, DiscloseOptions, PseudonymKey, attach_edges,
    check_disclosure, disclose, read_investigation, select_networks,
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

    /// File holding the secret pseudonym key: its bytes (a text key loses one final `\n` or
    /// `\r\n`, a binary key nothing); at least 32 bytes and 8 distinct byte values (e.g.
    /// `head -c 32 /dev/urandom > key`). Never written to the output.
    #[arg(long, value_name = "K", required_unless_present = "check")]
    pub key_file: Option<PathBuf>,

    /// Output directory (created if needed). Written whole or not at all: the disclosure is
    /// staged beside OUT and moved in only after it passed the leak check.
    #[arg(long, value_name = "OUT", required_unless_present = "check")]
    pub out: Option<PathBuf>,

    /// Write into an OUT that holds files Lockstep did not write, beside them (an input, the
    /// investigation or the key is still never overwritten).
    #[arg(long, conflicts_with = "check")]
    pub force: bool,

    /// Accounts with fewer followers than this, or an unknown count, are pseudonymised.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_HASH_BELOW)]
    pub hash_below: u64,

    /// The original input files, e.g. after they were moved [default: the absolute paths
    /// recorded in DIR/summary.json]. With DIR, each must match one of the investigation's
    /// inputs by size and BLAKE3 digest, and every input must be given.
    #[arg(long, alias = "inputs", value_name = "FILE", num_args = 1..)]
    pub input: Vec<PathBuf>,

    /// Check the disclosure at OUT for unhashed identifiers of below-threshold accounts instead
    /// of writing one (needs the original data: --input, or DIR to find it). Exits non-zero on a
    /// leak.
    #[arg(long, value_name = "OUT", conflicts_with_all = ["network", "key_file", "out"])]
    pub check: Option<PathBuf>,
}

/// The input files to read: with DIR, the investigation's own inputs, found and verified by
/// size and BLAKE3 digest (`--input` files are matched to them); without DIR (`--check` only),
/// the `--input` files as given.
fn inputs(args: &Args) -> anyhow::Result<Vec<PathBuf>> {
    let Some(dir) = &args.dir else {
        if args.input.is_empty() {
            bail!("no input data: give --input FILE... (or the investigation DIR)");
        }
        return Ok(args.input.clone());
    };
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let files = resolve_inputs(dir, &args.input, &cwd).with_context(|| {
        format!(
            "finding the input files of the investigation in {}",
            dir.display()
        )
    })?;
    if files.is_empty() {
        bail!(
            "{} records no input files (summary.json / run.toml): give --input FILE...",
            dir.display()
        );
    }
    for f in &files {
        match &f.found {
            Found::RelativeTo(base) => eprintln!(
                "note: input {} recorded as a relative path: using {} (relative to {}; size and BLAKE3 match the investigation's)",
                f.recorded.as_deref().unwrap_or("?"),
                f.path.display(),
                base.display()
            ),
            Found::Unverified => eprintln!(
                "warning: {} records no input digests: {} is used unverified",
                dir.display(),
                f.path.display()
            ),
            Found::Recorded | Found::Explicit => {}
        }
    }
    Ok(files.into_iter().map(|f| f.path).collect())
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
    // Only an investigation whose run completed is disclosed.
    lockstep_outdir::verify_complete(dir)?;
    let data = inputs(&args)?;
    // The disclosure is written whole or not at all, never onto the investigation or the data.
    let mut protected = Inputs::new(&data);
    protected.add(dir);
    protected.add(key_file);
    let staged = StagedDir::begin(out, &protected, StageOptions { force: args.force })
        .context("choosing the output directory")?;
    let inv = read_investigation(dir)
        .with_context(|| format!("reading the investigation in {}", dir.display()))?;
    let ds = read(&data)?;
    let mut networks = select_networks(&ds, &inv, selection)
        .with_context(|| format!("selecting --network {selection}"))?;
    // Edges inside each network, for report.html's network picture and delay chart.
    attach_edges(&ds, dir, &mut networks)
        .with_context(|| format!("reading {}", dir.join("edges.csv").display()))?;
    let opts = DiscloseOptions {
        hash_below: args.hash_below,
        generator: format!("lockstep {}", env!("CARGO_PKG_VERSION")),
    };
    // `disclose` runs the leak checker on the written files before it returns a summary.
    let summary = match disclose(&ds, &networks, &key, &opts, staged.path()) {
        Ok(s) => s,
        Err(DiscloseError::Leaks { leaks, .. }) => {
            for l in leaks.iter().take(20) {
                eprintln!("{}", crate::term::printable(&l.to_string()));
            }
            if leaks.len() > 20 {
                eprintln!("... and {} more", leaks.len() - 20);
            }
            bail!(
                "{} unhashed identifier(s) found in the disclosure: nothing was written to {}",
                leaks.len(),
                out.display()
            );
        }
        Err(e) => {
            return Err(e).with_context(|| format!("writing the disclosure to {}", out.display()));
        }
    };
    staged
        .commit("disclose")
        .with_context(|| format!("moving the disclosure into {}", out.display()))?;
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
        eprintln!("{}", crate::term::printable(&l.to_string()));
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
