//! `lockstep disclose` (being built; see the open issue).

/// Arguments of `lockstep disclose`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `lockstep disclose`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`lockstep disclose` is not built yet")
}
