//! `lockstep audit verify`: walk the audit log's hash chain.

use lockstep_serve::audit::{self, Verification};

/// Arguments of `lockstep audit`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// `lockstep audit` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum AuditCommand {
    /// Check every row of the audit log against its hash and the previous row's; name the first
    /// row that was edited, deleted or reordered (and exit with an error).
    Verify {
        #[command(flatten)]
        store: super::store::StoreArgs,
    },
}

/// Runs `lockstep audit`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        AuditCommand::Verify { store } => {
            let conn = store.open()?;
            match audit::verify(&conn)? {
                Verification::Intact { rows, head } => {
                    println!("audit chain intact: {rows} row(s), head {head}");
                    Ok(())
                }
                Verification::Broken { seq, problem } => {
                    anyhow::bail!("audit chain broken at row {seq}: {problem}")
                }
            }
        }
    }
}
