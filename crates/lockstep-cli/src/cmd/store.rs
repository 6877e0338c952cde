//! The `--database-url` option shared by `serve`, `case`, `audit` and `user`.

use anyhow::Context as _;
use lockstep_serve::db::{self, DatabaseUrl};

/// Where the case store is.
#[derive(clap::Args, Debug, Clone)]
pub struct StoreArgs {
    /// The case store: an SQLite file (`sqlite:PATH` or a path) or a PostgreSQL database
    /// (`postgres://USER@HOST:PORT/DB`); its schema is created or brought up to date at start.
    #[arg(
        long,
        env = "LOCKSTEP_DATABASE_URL",
        default_value = "sqlite:lockstep.db"
    )]
    pub database_url: String,
}

impl StoreArgs {
    /// Opens the store (applying pending migrations).
    pub fn open(&self) -> anyhow::Result<lockstep_serve::Connection> {
        let url = DatabaseUrl::parse(&self.database_url)?;
        db::open(&url).with_context(|| format!("opening the case store {}", url.display()))
    }
}

/// The user a command acts as, which must exist in the store.
pub fn user(
    conn: &lockstep_serve::Connection,
    name: &str,
) -> anyhow::Result<lockstep_serve::users::User> {
    lockstep_serve::users::user_by_name(conn, name)?.with_context(|| {
        format!("no user `{name}` in the case store (add one with `lockstep user add`)")
    })
}
