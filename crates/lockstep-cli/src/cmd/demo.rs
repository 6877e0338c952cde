//! `lockstep demo` (being built; see the open issue).

/// Arguments of `lockstep demo`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `lockstep demo`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`lockstep demo` is not built yet")
}
