//! `lockstep eval` (being built; see the open issue).

/// Arguments of `lockstep eval`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `lockstep eval`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`lockstep eval` is not built yet")
}
