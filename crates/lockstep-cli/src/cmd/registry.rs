//! `lockstep registry check [FILE]`: validate a registry of state-controlled media (duplicates,
//! malformed domains and handles, missing sources). The checks live in `lockstep_ads::registry`.

use lockstep_ads::StateMediaRegistry;
use lockstep_ads::registry::check;
use std::path::PathBuf;

/// Arguments of `lockstep registry`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

/// `lockstep registry` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Validate a registry file (default: the built-in data/state_media.toml).
    Check {
        /// Registry TOML.
        file: Option<PathBuf>,
    },
}

/// Runs `lockstep registry`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let Command::Check { file } = args.command;
    let (reg, name) = match &file {
        Some(p) => (StateMediaRegistry::load(p)?, p.display().to_string()),
        None => (
            StateMediaRegistry::builtin(),
            "built-in registry".to_string(),
        ),
    };
    let problems = check(&reg);
    let countries: std::collections::BTreeSet<&str> =
        reg.outlets.iter().map(|o| o.country.as_str()).collect();
    if problems.is_empty() {
        println!(
            "{name}: ok, {} state-controlled outlets from {} countries, {} excluded public broadcasters",
            reg.outlets.len(),
            countries.len(),
            reg.excluded.len()
        );
        return Ok(());
    }
    for p in &problems {
        eprintln!("{name}: {}: {}", p.entry, p.message);
    }
    anyhow::bail!("{name}: {} problem(s)", problems.len())
}
