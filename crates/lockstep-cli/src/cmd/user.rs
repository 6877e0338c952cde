//! `lockstep user`: add users and API tokens to the case store.

use std::io::BufRead as _;

use anyhow::Context as _;
use lockstep_serve::users::{self, Role};

/// Arguments of `lockstep user`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: UserCommand,
}

/// `lockstep user` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user. The password is read from the environment variable LOCKSTEP_PASSWORD when
    /// set, else from the first line of standard input.
    Add {
        /// Login name.
        username: String,
        /// analyst, reviewer or admin.
        #[arg(long)]
        role: String,
        #[command(flatten)]
        store: super::store::StoreArgs,
    },
    /// Create an API token for a user (printed once; only its hash is stored).
    Token {
        /// The user.
        username: String,
        /// What the token is for.
        #[arg(long, default_value = "api")]
        label: String,
        #[command(flatten)]
        store: super::store::StoreArgs,
    },
}

/// Runs `lockstep user`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        UserCommand::Add {
            username,
            role,
            store,
        } => {
            let role = Role::parse(&role)?;
            let password = match std::env::var("LOCKSTEP_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin()
                        .lock()
                        .read_line(&mut line)
                        .context("reading the password from standard input")?;
                    line.trim_end_matches(['\n', '\r']).to_string()
                }
            };
            let conn = store.open()?;
            let u = users::add_user(&conn, "cli", &username, role, &password)?;
            println!("user {} added with role {}", u.username, u.role.as_str());
            Ok(())
        }
        UserCommand::Token {
            username,
            label,
            store,
        } => {
            let conn = store.open()?;
            let token = users::create_api_token(&conn, "cli", &username, &label)?;
            println!("{token}");
            Ok(())
        }
    }
}
