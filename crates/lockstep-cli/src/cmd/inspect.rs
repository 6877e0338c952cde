//! `lockstep inspect` (being built; see the open issue).

/// Arguments of `lockstep inspect`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `lockstep inspect`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`lockstep inspect` is not built yet")
}
