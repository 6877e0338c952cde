//! `lockstep simulate` (being built; see the open issue).

/// Arguments of `lockstep simulate`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `lockstep simulate`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`lockstep simulate` is not built yet")
}
