//! `lockstep inspect`: what a user runs first on new data. Reads the files through
//! `lockstep_ingest::read_paths` and prints the summary computed by `lockstep_ingest::summarize`.

use anyhow::Context;
use lockstep_ingest::{Format, Mapping, ReadOptions, Summary, read_paths, summarize};
use std::path::PathBuf;

/// Arguments of `lockstep inspect`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input files of one dataset (tweets + users + logins ... merge); `.gz` and `.zst` are read
    /// transparently.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Force this format for every file [default: detected from each file's header]. One of:
    /// archive-tweets, archive-users, coortweet, coortweet-multi, ira-538, crowdtangle,
    /// twitter-v2, twitter-v2-users, retweet-edges, logins, page-admins, ads, csv, jsonl, parquet.
    #[arg(long, value_name = "F")]
    pub format: Option<Format>,

    /// Skip bad rows (counted by reason) instead of stopping at the first [default: off].
    #[arg(long)]
    pub lenient: bool,

    /// Write rejected rows, byte for byte, to PATH and their reasons to PATH.reasons; implies
    /// --lenient [default: none, rejected rows are only counted].
    #[arg(long, value_name = "PATH")]
    pub quarantine: Option<PathBuf>,

    /// TOML column mapping for generic CSV / JSONL / Parquet files (see examples/mapping.toml)
    /// [default: none].
    #[arg(long, value_name = "TOML")]
    pub mapping: Option<PathBuf>,

    /// Print the summary as JSON on stdout instead of text [default: text].
    #[arg(long)]
    pub json: bool,

    /// How many values to list for each top list (hashtags, domains, clients, languages).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,

    /// Resource limits.
    #[command(flatten)]
    pub limits: super::input::Limits,
}

/// Runs `lockstep inspect`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let mapping = match &args.mapping {
        Some(p) => Some(Mapping::from_path(p)?),
        None => None,
    };
    let opts = ReadOptions {
        format: args.format,
        lenient: args.lenient,
        quarantine: args.quarantine.clone(),
        mapping,
        progress: !args.json,
        max_record_bytes: args.limits.max_record_bytes,
        max_compression_ratio: args.limits.max_compression_ratio,
        par_block_bytes: None,
    };
    let ing = read_paths(&args.files, &opts).context("reading the input failed")?;
    let mut s = summarize(&ing, args.top);
    // One source of truth for "layer supported by this dataset": the engine's, which
    // `investigate` selects its layers by (issue 14).
    let rows = lockstep_engine::layer_support(&ing.dataset)
        .into_iter()
        .map(|l| lockstep_ingest::LayerSupport {
            layer: l.layer.as_str().to_string(),
            supported: l.supported,
            detail: l.detail,
        });
    s.layers.splice(0..0, rows);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&s).context("serialising the summary")?
        );
    } else {
        print!("{}", crate::term::printable(&render(&s)));
    }
    let rejected = s.report.rows_rejected();
    if rejected > 0 {
        eprintln!("{rejected} rows skipped:");
        for (reason, n) in s.report.rejections() {
            eprintln!("  {n:>10}  {}", crate::term::printable(&reason));
        }
        if let Some(q) = &args.quarantine {
            eprintln!(
                "rejected rows written to {} (reasons in {}.reasons)",
                q.display(),
                q.display()
            );
        }
    }
    Ok(())
}

fn thousands(n: u64) -> String {
    lockstep_ingest::summary::thousands(n as usize)
}

/// The human-readable summary.
fn render(s: &Summary) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "Files");
    for f in &s.report.files {
        let how = if f.detected { "detected" } else { "forced" };
        let _ = writeln!(
            o,
            "  {}  format {} ({how}), {} rows read, {} rejected, {}-resolution",
            f.path,
            f.format,
            thousands(f.rows_read),
            thousands(f.rows_rejected),
            f.resolution.as_str()
        );
        for n in &f.notes {
            let _ = writeln!(o, "    note: {n}");
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Accounts  {} ({} with a profile)",
        thousands(s.accounts as u64),
        thousands(s.accounts_with_profile as u64)
    );
    let kinds: Vec<String> = s
        .posts_by_kind
        .iter()
        .map(|(k, v)| format!("{k} {}", thousands(*v as u64)))
        .collect();
    let _ = writeln!(
        o,
        "Posts     {} ({})",
        thousands(s.posts as u64),
        kinds.join(", ")
    );
    if let (Some(a), Some(b)) = (&s.time_min, &s.time_max) {
        let _ = writeln!(o, "Time      {a} to {b} UTC, {}-resolution", s.resolution);
    }
    for (name, n) in [
        ("Logins", s.logins),
        ("Page admins", s.page_admins),
        ("Ads", s.ads),
    ] {
        if n > 0 {
            let _ = writeln!(o, "{name:<9} {}", thousands(n as u64));
        }
    }
    for (name, list) in [
        ("hashtags", &s.top_hashtags),
        ("domains", &s.top_domains),
        ("clients", &s.top_clients),
        ("languages", &s.top_languages),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\nTop {name}");
        for c in list {
            let _ = writeln!(o, "  {:>10}  {}", thousands(c.count), c.value);
        }
    }
    let _ = writeln!(o, "\nDetection layers");
    for l in &s.layers {
        let mark = if l.supported { "yes" } else { "no " };
        let _ = writeln!(o, "  {mark}  {:<13} {}", l.layer, l.detail);
    }
    o
}
