//! `lockstep investigate` (being built; see the open issue).

/// Arguments of `lockstep investigate`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `lockstep investigate`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`lockstep investigate` is not built yet")
}
