//! `lockstep demo`: simulate the default world, then run the main pipeline on it.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// Arguments of `lockstep demo`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output directory: the world goes to DIR/world, pipeline results next to it.
    #[arg(long, default_value = "demo-out")]
    pub out: PathBuf,
    /// Number of accounts.
    #[arg(long, default_value_t = 20_000)]
    pub accounts: u32,
    /// Post budget.
    #[arg(long, default_value_t = 300_000)]
    pub posts: u64,
    /// World seed.
    #[arg(long, default_value_t = 2019)]
    pub seed: u64,
    /// Write into OUT/world and OUT/investigation even when they hold files Lockstep did not
    /// write (for example a demo-out left by an older version), beside those files.
    #[arg(long)]
    pub force: bool,
}

/// Runs `lockstep demo`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let world = args.out.join("world");
    let sim = super::simulate::Args {
        accounts: args.accounts,
        posts: args.posts,
        seed: args.seed,
        out: world.clone(),
        force: args.force,
        preset: "hk2019".into(),
        logins: true,
        pages: true,
        ads: true,
        no_profiles: false,
        reregister_day: None,
        reregister_share: 0.3,
    };
    super::simulate::write_world(&sim)?;
    run_pipeline(&world, &args.out, args.force)?;
    screen_ads_and_pages(&world, &args.out, args.force)?;
    println!("world and ground truth: {}", world.display());
    println!("labels: {}", world.join("labels.csv").display());
    Ok(())
}

/// Files of a simulated world the pipeline reads (ground truth stays out of its input).
pub const WORLD_INPUTS: [&str; 5] = [
    "users.csv",
    "tweets.csv",
    "logins.csv",
    "page_admins.csv",
    "ads.csv",
];

/// The main pipeline on the simulated world: `lockstep investigate` on its input files, with
/// results in `OUT/investigation`, then `lockstep eval` against the world's labels.
fn run_pipeline(world: &Path, out: &Path, force: bool) -> anyhow::Result<()> {
    let paths: Vec<PathBuf> = WORLD_INPUTS
        .iter()
        .map(|f| world.join(f))
        .filter(|p| p.exists())
        .collect();
    let results = out.join("investigation");
    super::investigate::investigate_paths(&paths, &results, force)?;
    let labels = world.join("labels.csv");
    super::eval::run(super::eval::Args {
        dir: results.clone(),
        labels: labels.clone(),
        positive: vec!["state_core".into(), "spam_amplifier".into()],
        id_column: "account_id".into(),
        label_column: "label".into(),
        purity: false,
        json: false,
        count_absent: false,
    })
    .with_context(|| {
        format!(
            "evaluating {} against {}",
            results.display(),
            labels.display()
        )
    })?;
    println!("results: {}", results.display());
    println!("report:  {}", results.join("report.html").display());
    Ok(())
}

/// The ads and pages part of the demo: screens the world's ads against the registry with the
/// investigation's verdicts (OUT/ads), and prints the page verdicts of OUT/investigation/pages.csv
/// with a Meta-style takedown line.
fn screen_ads_and_pages(world: &Path, out: &Path, force: bool) -> anyhow::Result<()> {
    let investigation = out.join("investigation");
    let ads = world.join("ads.csv");
    if ads.exists() {
        super::ads::run(super::ads::Args {
            command: super::ads::Command::Screen(super::ads::ScreenArgs {
                ads,
                out: out.join("ads"),
                registry: None,
                investigation: Some(investigation.clone()),
                lenient: false,
                force,
            }),
        })?;
    }
    let pages = investigation.join("pages.csv");
    if !pages.exists() {
        return Ok(());
    }
    let page_rows = lockstep_ads::pages::read_csv(&pages)?;
    let judged = page_rows.len();
    let inauthentic = |group: bool| {
        page_rows
            .iter()
            .filter(|r| r.verdict == "inauthentic" && (r.page_kind == "group") == group)
            .count()
    };
    let (p, g) = (inauthentic(false), inauthentic(true));
    let k = lockstep_export::read_accounts(&investigation.join("accounts.csv"))?
        .iter()
        .filter(|a| a.verdict == lockstep_model::Verdict::Inauthentic)
        .count();
    println!(
        "pages: {judged} judged; removed in Meta's terms: {p} Pages, {g} Groups, {k} accounts ({})",
        pages.display()
    );
    Ok(())
}
