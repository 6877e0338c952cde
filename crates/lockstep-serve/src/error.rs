//! Why a store or server operation was refused or failed. Each variant maps to one HTTP status
//! ([`ServeError::status`]) so the API and the CLI report the same thing.

use std::path::PathBuf;
use thiserror::Error;

/// A refused request or a failed store operation.
#[derive(Debug, Error)]
pub enum ServeError {
    /// The request names something that does not exist (case, network, account, decision, user).
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed or names an impossible combination.
    #[error("{0}")]
    BadRequest(String),
    /// Not logged in, or wrong credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// Logged in but the role does not allow it (or the four-eyes rule forbids it).
    #[error("{0}")]
    Forbidden(String),
    /// The thing is in a state that does not allow it (already reviewed, name taken).
    #[error("{0}")]
    Conflict(String),
    /// Too many failed logins.
    #[error("{0}")]
    TooManyRequests(String),
    /// The upload exceeds the configured limit.
    #[error("{0}")]
    TooLarge(String),
    /// The directory is not a complete investigation.
    #[error(transparent)]
    Incomplete(#[from] lockstep_outdir::OutputError),
    /// An investigation file could not be read or parsed (file, line, field in the message).
    #[error("{}: {message}", path.display())]
    Input {
        /// The file.
        path: PathBuf,
        /// What is wrong, with line and field.
        message: String,
    },
    /// The SQLite store failed.
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    /// The PostgreSQL store failed.
    #[error("database: {}", postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    /// A column held a value of an unexpected type (a schema or query mismatch).
    #[error("database: {0}")]
    Column(String),
    /// A single-row query found no row (`.optional()` turns this into `None`).
    #[error("database: the query returned no row")]
    NoRow,
    /// Password hashing failed.
    #[error("password hashing: {0}")]
    Hash(String),
    /// Any other I/O failure.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl ServeError {
    /// The HTTP status code this error is reported with.
    pub fn status(&self) -> u16 {
        match self {
            ServeError::NotFound(_) => 404,
            ServeError::BadRequest(_) | ServeError::Incomplete(_) | ServeError::Input { .. } => 400,
            ServeError::Unauthenticated(_) => 401,
            ServeError::Forbidden(_) => 403,
            ServeError::Conflict(_) => 409,
            ServeError::TooLarge(_) => 413,
            ServeError::TooManyRequests(_) => 429,
            ServeError::Db(_)
            | ServeError::Postgres(_)
            | ServeError::Column(_)
            | ServeError::NoRow
            | ServeError::Hash(_)
            | ServeError::Io { .. } => 500,
        }
    }
}

impl ServeError {
    /// Whether the store refused a write for breaking a uniqueness, key or check constraint
    /// (SQLite `SQLITE_CONSTRAINT`, PostgreSQL SQLSTATE class 23).
    pub fn is_constraint_violation(&self) -> bool {
        match self {
            ServeError::Db(rusqlite::Error::SqliteFailure(f, _)) => {
                f.code == rusqlite::ErrorCode::ConstraintViolation
            }
            ServeError::Postgres(e) => e.code().is_some_and(|c| c.code().starts_with("23")),
            _ => false,
        }
    }
}

/// PostgreSQL's own message (severity, text, detail) when the server sent one; the driver's
/// `Display` alone says only "db error".
fn postgres_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => match d.detail() {
            Some(detail) => format!("{}: {} ({detail})", d.severity(), d.message()),
            None => format!("{}: {}", d.severity(), d.message()),
        },
        None => e.to_string(),
    }
}

/// Result with [`ServeError`].
pub type Result<T, E = ServeError> = std::result::Result<T, E>;
