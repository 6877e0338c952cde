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
    /// Labels CSV with columns `account_id,label` (other columns ignored); may be gzip (.gz) or
    /// zstd (.zst) compressed.
    #[arg(long)]
    pub labels: PathBuf,
    /// Comma-separated labels of the positive class (inauthentic accounts).
    #[arg(
        long,
        default_value = "state_core,spam_amplifier",
        value_delimiter = ','
    )]
    pub positive: Vec<String>,
    /// Column of the labels file holding the account id.
    #[arg(long, default_value = "account_id")]
    pub id_column: String,
    /// Column of the labels file holding the label (e.g. `account_category` in the IRA
    /// `authors.csv`).
    #[arg(long, default_value = "label")]
    pub label_column: String,
    /// Also print the role purity of the clusters against the labels: over labelled accounts in
    /// a cluster, the share that carry their cluster's majority label.
    #[arg(long)]
    pub purity: bool,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Count labelled accounts absent from accounts.csv as not flagged (false negatives for
    /// positive labels). By default they are left out: the data does not contain them.
    #[arg(long)]
    pub count_absent: bool,
}

/// Runs `lockstep eval`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let accounts = if args.dir.is_dir() {
        // A directory is read only when its run completed (a killed or mixed run is refused).
        lockstep_outdir::verify_complete(&args.dir)?;
        args.dir.join("accounts.csv")
    } else {
        args.dir.clone()
    };
    let preds = eval::read_predictions(&accounts)
        .with_context(|| format!("reading predictions from {}", accounts.display()))?;
    let labels = eval::read_labels_columns(&args.labels, &args.id_column, &args.label_column)
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
    let report = eval::evaluate_with(
        &preds,
        &labels,
        &positive,
        eval::EvalOptions {
            count_absent: args.count_absent,
        },
    );
    let purity = args.purity.then(|| purity(|a| preds.get(a), &labels));
    if args.json {
        let mut v = serde_json::to_value(&report)?;
        if let (Some(p), Some(obj)) = (&purity, v.as_object_mut()) {
            obj.insert("purity".into(), serde_json::to_value(p)?);
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", eval::format_report(&report));
        if let Some(p) = &purity {
            println!(
                "cluster purity against labels: {:.3} ({} labelled accounts in {} clusters, of {} labelled)",
                p.purity,
                p.clustered,
                p.clusters.len(),
                p.accounts
            );
            for (c, n, top, share) in p.clusters.iter().take(10) {
                println!("  cluster {c}: {n} labelled, {:.0}% {top}", 100.0 * share);
            }
        }
    }
    Ok(())
}

/// Role purity of the predicted clusters against the labels (labelled accounts only).
fn purity<'a>(
    pred: impl Fn(&str) -> Option<&'a eval::Prediction>,
    labels: &[(String, String)],
) -> eval::Purity {
    let assign: Vec<(Option<&str>, &str)> = labels
        .iter()
        .map(|(a, l)| (pred(a).and_then(|p| p.cluster.as_deref()), l.as_str()))
        .collect();
    eval::role_purity(&assign)
}
