//! Lockstep's case store and server (issue 17, docs/serve.md): investigations imported as
//! cases, decisions on whole networks or single accounts proposed by one user and reviewed by
//! another, an enforcement feed, a hash-chained audit log, users with roles, and the HTTP API
//! and web pages of `lockstep serve`.
//!
//! Storage is SQLite (one embedded file) or PostgreSQL, one schema in `migrations/` ([`db`]).
//! Every write runs in a write transaction ([`write_tx`]) together with its audit row, so a
//! change and its audit entry commit or vanish together.

pub mod ads;
pub mod audit;
pub mod db;
pub mod decisions;
pub mod error;
pub mod http;
pub mod import;
pub mod multipart;
pub mod openapi;
pub mod pages;
pub mod queries;
pub mod users;

pub use db::Connection;
pub use error::{Result, ServeError};

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Starts a write transaction that holds the store's write lock from its start
/// ([`Connection::write_tx`]), so the audit head read inside it is the head it appends to.
pub fn write_tx(conn: &Connection) -> Result<db::Tx<'_>> {
    conn.write_tx()
}
