//! `lockstep eval DIR --labels labels.csv`: precision, recall and F1 of an investigation's
//! `accounts.csv` against labels, overall and per label, and the false-positive rate on each
//! negative label. The logic lives in `lockstep_score::eval`.

use anyhow::Context;
use lockstep_score::eval;
use std::path::PathBuf;

/// Arguments of `lockstep eval`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output directory of `lockstep investigate` (or the `accounts.csv` file itself).
    pub dir: PathBuf,
    /// Labels CSV with columns `account_id,label` (other columns ignored).
    #[arg(long)]
    pub labels: PathBuf,
    /// Comma-separated labels of the positive class (inauthentic accounts).
    #[arg(
        long,
        default_value = "state_core,spam_amplifier",
        value_delimiter = ','
    )]
    pub positive: Vec<String>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `lockstep eval`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let accounts = if args.dir.is_dir() {
        args.dir.join("accounts.csv")
    } else {
        args.dir.clone()
    };
    let preds = eval::read_predictions(&accounts)
        .with_context(|| format!("reading predictions from {}", accounts.display()))?;
    let labels = eval::read_labels(&args.labels)
        .with_context(|| format!("reading labels from {}", args.labels.display()))?;
    let positive: Vec<String> = args
        .positive
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    anyhow::ensure!(!positive.is_empty(), "--positive names no label");
    let known: std::collections::HashSet<&str> = labels.iter().map(|l| l.1.as_str()).collect();
    for p in &positive {
        if !known.contains(p.as_str()) {
            eprintln!(
                "warning: positive label '{p}' does not occur in {}",
                args.labels.display()
            );
        }
    }
    let report = eval::evaluate(&preds, &labels, &positive);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", eval::format_report(&report));
    }
    Ok(())
}
