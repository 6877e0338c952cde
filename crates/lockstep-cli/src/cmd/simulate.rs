//! `lockstep simulate`: write a labelled synthetic world (see `docs/simulation.md`).

use std::path::PathBuf;

use anyhow::Context as _;
use lockstep_outdir::{Inputs, StageOptions, StagedDir};
use lockstep_sim::{SimConfig, SimSummary};

/// Arguments of `lockstep simulate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Number of accounts.
    #[arg(long, default_value_t = 20_000)]
    pub accounts: u32,
    /// Post budget (tweets.csv rows come close to it).
    #[arg(long, default_value_t = 300_000)]
    pub posts: u64,
    /// World seed: the same seed and options give byte-identical files.
    #[arg(long, default_value_t = 2019)]
    pub seed: u64,
    /// Output directory (created if missing; written whole or not at all).
    #[arg(long)]
    pub out: PathBuf,
    /// Write into an --out that holds files Lockstep did not write, beside them.
    #[arg(long)]
    pub force: bool,
    /// World preset: hk2019 (operation against a protest movement), organic-only (no operation),
    /// null (no operation and no activists: for p-value calibration).
    #[arg(long, default_value = "hk2019")]
    pub preset: String,
    /// Also write logins.csv (userid, login_time, ip, device).
    #[arg(long)]
    pub logins: bool,
    /// Also write page_admins.csv (pages and groups and their admins).
    #[arg(long)]
    pub pages: bool,
    /// Also write ads.csv (ad submissions, some from state-controlled media).
    #[arg(long)]
    pub ads: bool,
    /// Empty the profile and client columns (names, location, bio, URL, follower counts,
    /// creation date, account language, tweet_client_name), as in collections without profile
    /// metadata; the labels and the behaviour are unchanged.
    #[arg(long)]
    pub no_profiles: bool,
    /// Re-registration scenario: on this day of the window (0-based) part of the operation is
    /// suspended and comes back under new accounts (reregistered.csv, suspended.txt;
    /// docs/simulation.md).
    #[arg(long)]
    pub reregister_day: Option<u32>,
    /// Share of the operation's accounts suspended and re-registered (with --reregister-day).
    #[arg(long, default_value_t = 0.3)]
    pub reregister_share: f64,
}

impl Args {
    /// The simulation parameters these arguments select.
    pub fn config(&self) -> anyhow::Result<SimConfig> {
        let mut cfg = SimConfig::preset(&self.preset)?;
        cfg.accounts = self.accounts;
        cfg.posts = self.posts;
        cfg.seed = self.seed;
        cfg.logins = self.logins;
        cfg.pages = self.pages;
        cfg.ads = self.ads;
        cfg.no_profiles = self.no_profiles;
        cfg.reregister = self.reregister_day.map(|day| lockstep_sim::Reregister {
            day,
            share: self.reregister_share,
        });
        Ok(cfg)
    }
}

/// Prints a one-screen summary of a simulation.
pub fn print_summary(s: &SimSummary, secs: f64) {
    let [o, a, c, m] = s.accounts_by_label;
    println!(
        "simulated {} accounts ({o} organic, {a} activist, {c} state_core, {m} spam_amplifier), {} posts, {} cells, {} campaigns in {secs:.1}s",
        s.accounts, s.posts, s.cells, s.campaigns
    );
    for f in &s.files {
        println!("  {}", f.display());
    }
}

/// Runs `lockstep simulate`.
/// Simulates the world of `args` into `args.out` through a staging directory (the world's files
/// appear together or not at all) and prints its summary.
pub fn write_world(args: &Args) -> anyhow::Result<SimSummary> {
    let cfg = args.config()?;
    let t = std::time::Instant::now();
    let staged = StagedDir::begin(
        &args.out,
        &Inputs::default(),
        StageOptions { force: args.force },
    )
    .context("choosing the output directory")?;
    let mut s = lockstep_sim::simulate(&cfg, staged.path())
        .with_context(|| format!("simulating into {}", args.out.display()))?;
    staged
        .commit("simulate")
        .with_context(|| format!("moving the world into {}", args.out.display()))?;
    for f in &mut s.files {
        if let Some(name) = f.file_name() {
            *f = args.out.join(name);
        }
    }
    print_summary(&s, t.elapsed().as_secs_f64());
    Ok(s)
}

pub fn run(args: Args) -> anyhow::Result<()> {
    write_world(&args).map(|_| ())
}
