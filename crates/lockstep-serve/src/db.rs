//! Opening the store and applying the schema's migrations (in order, each once, recorded in
//! `schema_migrations`). One schema: `migrations/*.sql`.

use crate::error::{Result, ServeError};
use rusqlite::Connection;
use std::path::Path;

/// The schema's migrations, applied in this order at every start; a migration already recorded
/// in `schema_migrations` is skipped.
pub const MIGRATIONS: [(i64, &str); 2] = [
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_pages.sql")),
];

/// Where the store lives, parsed from `--database-url`.
#[derive(Clone, Debug, PartialEq)]
pub enum DatabaseUrl {
    /// An SQLite file (`sqlite:PATH`, `sqlite://PATH` or a plain path).
    Sqlite(std::path::PathBuf),
    /// An in-memory SQLite database (`sqlite::memory:`), for tests.
    Memory,
}

impl DatabaseUrl {
    /// Parses a `--database-url`. PostgreSQL URLs are recognised and refused with a clear
    /// message: this build stores in SQLite only (docs/serve.md).
    pub fn parse(url: &str) -> Result<Self> {
        if url == "sqlite::memory:" {
            return Ok(DatabaseUrl::Memory);
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Err(ServeError::BadRequest(format!(
                "{url}: PostgreSQL is not supported by this build yet; use an SQLite file (sqlite:PATH), docs/serve.md"
            )));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Err(ServeError::BadRequest(
                "--database-url: empty path".to_string(),
            ));
        }
        if path.contains("://") {
            return Err(ServeError::BadRequest(format!(
                "{url}: unknown database URL scheme (expected sqlite:PATH)"
            )));
        }
        Ok(DatabaseUrl::Sqlite(path.into()))
    }
}

/// Opens (creating when new) the store and applies pending migrations.
pub fn open(url: &DatabaseUrl) -> Result<Connection> {
    let conn = match url {
        DatabaseUrl::Memory => Connection::open_in_memory()?,
        DatabaseUrl::Sqlite(p) => open_file(p)?,
    };
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;",
    )?;
    migrate(&conn)?;
    Ok(conn)
}

fn open_file(p: &Path) -> Result<Connection> {
    if let Some(parent) = p.parent().filter(|d| !d.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(ServeError::BadRequest(format!(
            "{}: the directory of the database file does not exist",
            p.display()
        )));
    }
    Ok(Connection::open(p)?)
}

/// Applies the migrations not yet recorded.
pub fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    )?;
    for (version, sql) in MIGRATIONS {
        let done: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = ?1)",
            [version],
            |r| r.get(0),
        )?;
        if done {
            continue;
        }
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            rusqlite::params![version, crate::now()],
        )?;
        tx.commit()?;
    }
    Ok(())
}
