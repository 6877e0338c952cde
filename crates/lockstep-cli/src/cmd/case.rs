//! `lockstep case`: import an investigation as a case; export the enforcement feed.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;

/// Arguments of `lockstep case`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: CaseCommand,
}

/// `lockstep case` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum CaseCommand {
    /// Import an investigation directory (`lockstep investigate --out DIR`) as a new case, in
    /// one transaction.
    Import {
        /// The investigation directory.
        dir: PathBuf,
        /// The user recorded as importer (must exist: `lockstep user add`).
        #[arg(long = "as", value_name = "USER")]
        user: String,
        /// Case name (default: the directory's name).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        store: super::store::StoreArgs,
    },
    /// Write the enforcement feed (applied account actions) as JSON lines, one per account
    /// action, in feed order.
    ExportActions {
        /// Only lines with a feed id above this one (resume where the last export stopped).
        #[arg(long, default_value_t = 0)]
        after: i64,
        /// Output file (written whole or not at all); standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        store: super::store::StoreArgs,
    },
}

/// Runs `lockstep case`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        CaseCommand::Import {
            dir,
            user,
            name,
            store,
        } => {
            let conn = store.open()?;
            let user = super::store::user(&conn, &user)?;
            let imp = lockstep_serve::import::import_case(&conn, &dir, name.as_deref(), &user)
                .with_context(|| format!("importing {}", dir.display()))?;
            println!(
                "case {}: {} accounts, {} networks, {} edges, {} pages and groups imported from {}",
                imp.case_id,
                imp.accounts,
                imp.networks,
                imp.edges,
                imp.pages,
                dir.display()
            );
            Ok(())
        }
        CaseCommand::ExportActions { after, out, store } => {
            let conn = store.open()?;
            match out {
                None => {
                    let stdout = std::io::stdout();
                    let mut w = std::io::BufWriter::new(stdout.lock());
                    lockstep_serve::decisions::write_feed_jsonl(&conn, after, &mut w)?;
                    w.flush().context("writing standard output")?;
                }
                Some(path) => {
                    let mut f = lockstep_outdir::AtomicFile::create(
                        &path,
                        &lockstep_outdir::Inputs::default(),
                    )?;
                    let n = {
                        let mut w = std::io::BufWriter::new(f.file());
                        let n = lockstep_serve::decisions::write_feed_jsonl(&conn, after, &mut w)?;
                        w.flush()
                            .with_context(|| format!("writing {}", path.display()))?;
                        n
                    };
                    f.commit()?;
                    eprintln!("{n} action(s) written to {}", path.display());
                }
            }
            Ok(())
        }
    }
}
