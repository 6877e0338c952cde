//! `lockstep ads report ADS --by entity,month --out DIR`: spend and count of state-media ads per
//! group (report.csv, report.html). Screens the ads first (same screen as `ads screen`).

use anyhow::Context as _;
use lockstep_ads::report::{GroupBy, build};
use lockstep_outdir::{Inputs, StageOptions, StagedDir};
use std::path::PathBuf;

/// Arguments of `lockstep ads report`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Ads file (CSV, JSONL or Parquet), as for `ads screen`.
    pub ads: PathBuf,
    /// Grouping keys, comma-separated: entity, country, month, year, rule.
    #[arg(long, default_value = "entity,month", value_delimiter = ',')]
    pub by: Vec<String>,
    /// Output directory (report.csv, report.html).
    #[arg(long)]
    pub out: PathBuf,
    /// Registry TOML (default: the built-in one).
    #[arg(long)]
    pub registry: Option<PathBuf>,
    /// Screen ads with invalid fields anyway (as review) instead of stopping.
    #[arg(long)]
    pub lenient: bool,
    /// Write into an --out that holds files Lockstep did not write, beside them.
    #[arg(long)]
    pub force: bool,
}

/// Runs `lockstep ads report`.
pub fn run(a: Args) -> anyhow::Result<()> {
    let by: Vec<GroupBy> =
        a.by.iter()
            .map(|s| {
                GroupBy::parse(s).with_context(|| {
                    format!("--by: unknown key '{s}' (use entity, country, month, year, rule)")
                })
            })
            .collect::<anyhow::Result<_>>()?;
    let reg = crate::cmd::ads::load_registry(a.registry.as_deref())?;
    let (_, decisions) = crate::cmd::ads::screen_file(&a.ads, &reg, None, a.lenient)?;
    let report = build(&decisions, &by);
    let mut inputs = Inputs::new([&a.ads]);
    if let Some(r) = &a.registry {
        inputs.add(r);
    }
    let staged = StagedDir::begin(&a.out, &inputs, StageOptions { force: a.force })
        .context("choosing the output directory")?;
    let f = std::fs::File::create(staged.path().join("report.csv"))?;
    report.write_csv(std::io::BufWriter::new(f))?;
    std::fs::write(
        staged.path().join("report.html"),
        report.html("State-controlled media ads"),
    )?;
    staged.commit("ads report")?;
    println!(
        "{} ads: {} state-media ads rejected, {} sent to review; {} groups by {}",
        report.screened,
        report.rejected,
        report.review,
        report.rows.len(),
        report.by.join(",")
    );
    println!("  {}", a.out.join("report.html").display());
    Ok(())
}
