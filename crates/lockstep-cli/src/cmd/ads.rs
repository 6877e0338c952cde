//! `lockstep ads screen|report`: screen ad submissions against the registry of state-controlled
//! media (docs/ads.md). The logic lives in `lockstep_ads`.

use anyhow::Context as _;
use lockstep_ads::screen::write_decisions;
use lockstep_ads::{AdDecision, AdRow, Judged, ScreenSummary, Screener, StateMediaRegistry};
use lockstep_outdir::{Inputs, StageOptions, StagedDir};
use std::path::{Path, PathBuf};

/// Arguments of `lockstep ads`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

/// `lockstep ads` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// One decision per ad (reject, review, allow) with its rule, entity and evidence.
    Screen(ScreenArgs),
    /// Spend and count of state-media ads per entity and period (CSV and HTML).
    Report(crate::cmd::ads_report::Args),
}

/// Arguments of `lockstep ads screen`.
#[derive(clap::Args, Debug)]
pub struct ScreenArgs {
    /// Ads file: CSV, JSONL or Parquet (`ad_id,advertiser,payer,landing_url,ad_text,spend,
    /// currency,submitted_at`, optional `userid`, `page_id`); `.gz`/`.zst` accepted.
    pub ads: PathBuf,
    /// Output directory (decisions.csv, summary.json; quarantine.csv with --lenient).
    #[arg(long)]
    pub out: PathBuf,
    /// Registry TOML (default: the built-in data/state_media.toml).
    #[arg(long)]
    pub registry: Option<PathBuf>,
    /// Output directory of `lockstep investigate`: ads submitted by accounts (or run from pages)
    /// it judged inauthentic go to review.
    #[arg(long)]
    pub investigation: Option<PathBuf>,
    /// Screen ads with invalid fields anyway (at least `review`, listed in quarantine.csv)
    /// instead of stopping at the first.
    #[arg(long)]
    pub lenient: bool,
    /// Write into an --out that holds files Lockstep did not write, beside them.
    #[arg(long)]
    pub force: bool,
}

/// Loads the registry given or the built-in one.
pub fn load_registry(path: Option<&Path>) -> anyhow::Result<StateMediaRegistry> {
    match path {
        Some(p) => Ok(StateMediaRegistry::load(p)?),
        None => Ok(StateMediaRegistry::builtin()),
    }
}

/// Reads, screens and (strict mode) stops at the first invalid row.
pub fn screen_file(
    ads: &Path,
    reg: &StateMediaRegistry,
    investigation: Option<&Path>,
    lenient: bool,
) -> anyhow::Result<(Vec<AdRow>, Vec<AdDecision>)> {
    let judged = match investigation {
        Some(d) => lockstep_ads::judged::read_investigation(d)
            .with_context(|| format!("reading the investigation {}", d.display()))?,
        None => Judged::default(),
    };
    let rows = lockstep_ads::read_ads(ads)?;
    let screener = Screener::new(reg, judged);
    let decisions = screener.screen_all(&rows);
    if !lenient
        && let Some((r, d)) = rows
            .iter()
            .zip(&decisions)
            .find(|(_, d)| !d.problems.is_empty())
    {
        anyhow::bail!(
            "{}:{}: {} (use --lenient to screen such ads anyway, as review)",
            ads.display(),
            r.line,
            d.problems.join("; ")
        );
    }
    Ok((rows, decisions))
}

/// Runs `lockstep ads`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Screen(a) => screen(a),
        Command::Report(a) => crate::cmd::ads_report::run(a),
    }
}

fn screen(a: ScreenArgs) -> anyhow::Result<()> {
    let reg = load_registry(a.registry.as_deref())?;
    let t = std::time::Instant::now();
    let (rows, decisions) = screen_file(&a.ads, &reg, a.investigation.as_deref(), a.lenient)?;
    let secs = t.elapsed().as_secs_f64();
    let mut inputs = Inputs::new([&a.ads]);
    if let Some(r) = &a.registry {
        inputs.add(r);
    }
    let staged = StagedDir::begin(&a.out, &inputs, StageOptions { force: a.force })
        .context("choosing the output directory")?;
    let dir = staged.path().to_path_buf();
    let f = std::fs::File::create(dir.join("decisions.csv"))?;
    write_decisions(&decisions, std::io::BufWriter::new(f))?;
    let quarantined: Vec<(&AdRow, &AdDecision)> = rows
        .iter()
        .zip(&decisions)
        .filter(|(_, d)| !d.problems.is_empty())
        .collect();
    if !quarantined.is_empty() {
        let mut w = csv::Writer::from_path(dir.join("quarantine.csv"))?;
        w.write_record(["line", "ad_id", "decision", "reasons"])?;
        for (r, d) in &quarantined {
            w.write_record([
                r.line.to_string().as_str(),
                &d.ad_id,
                d.decision.as_str(),
                &d.problems.join("; "),
            ])?;
        }
        w.flush()?;
    }
    let summary = ScreenSummary::of(&decisions);
    let json = serde_json::json!({
        "input": a.ads.display().to_string(),
        "registry": a.registry.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "builtin".into()),
        "registry_outlets": reg.outlets.len(),
        "registry_excluded": reg.excluded.len(),
        "investigation": a.investigation.as_ref().map(|p| p.display().to_string()),
        "screen": summary,
        "quarantined": quarantined.len(),
        "seconds": secs,
        "ads_per_second": if secs > 0.0 { rows.len() as f64 / secs } else { 0.0 },
        "version": env!("CARGO_PKG_VERSION"),
    });
    std::fs::write(
        dir.join("summary.json"),
        serde_json::to_string_pretty(&json)? + "\n",
    )?;
    staged.commit("ads screen")?;
    print_summary(&summary, secs, quarantined.len());
    println!("  {}", a.out.join("decisions.csv").display());
    Ok(())
}

/// Prints the counts of a screen.
pub fn print_summary(s: &ScreenSummary, secs: f64, quarantined: usize) {
    let n = |k: &str| s.decisions.get(k).copied().unwrap_or(0);
    println!(
        "screened {} ads in {secs:.2}s: {} reject, {} review, {} allow{}",
        s.ads,
        n("reject"),
        n("review"),
        n("allow"),
        if quarantined > 0 {
            format!(" ({quarantined} with invalid fields, see quarantine.csv)")
        } else {
            String::new()
        }
    );
    let rules: Vec<String> = s.rules.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!("  rules: {}", rules.join(", "));
}
