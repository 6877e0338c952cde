//! Lockstep machine-readable outputs (DESIGN §9): `accounts.csv`, `clusters.csv`, `edges.csv`,
//! `network.gexf`, `network.graphml`, `summary.json`, `run.toml`. The column contracts are written
//! down in `docs/outputs.md`; this crate only knows rows, not how they were computed, so every
//! stage (engine, statistics, scoring) can fill its columns without the writers changing.
//!
//! Free-text CSV cells are guarded against formula injection ([`csv_cell`], docs/outputs.md).
//!
//! Each table's reader lives next to its writer ([`read`]).
//!
//! `edges.parquet` carries the same columns as `edges.csv`, typed ([`write_edges_parquet`]).

pub mod csv_cell;
pub mod digest;
pub mod edges_parquet;
pub mod network;
pub mod read;
pub mod tables;

pub use csv_cell::{guard as guard_cell, unguard as unguard_cell};
pub use digest::{FileDigest, digest_file};
pub use edges_parquet::write_edges_parquet;
pub use network::{NetEdge, NetNode, write_gexf, write_graphml};
pub use read::{AccountRecord, read_accounts, read_accounts_from};
pub use tables::{
    ACCOUNT_COLUMNS, AccountRow, CLUSTER_BASE_COLUMNS, CLUSTER_METRIC_COLUMNS,
    CLUSTER_OPERATION_COLUMN, ClusterRow, EDGE_COLUMNS, EdgeRow, OPERATION_COLUMNS, OperationRow,
    write_accounts, write_clusters, write_edges, write_operations,
};

use std::path::PathBuf;
use thiserror::Error;

/// An output could not be written.
#[derive(Debug, Error)]
pub enum ExportError {
    /// File system error, with the path.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// CSV encoding error, with the path.
    #[error("{}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
    /// Parquet encoding error, with the path.
    #[error("{}: {message}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A cell or column of a table being read back is not what the contract says.
    #[error("{}:{line}: {field}: {problem}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// Line (the header is line 1).
        line: u64,
        /// The column.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// JSON / TOML serialisation error.
    #[error("{}: {message}", path.display())]
    Serialize {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl ExportError {
    pub(crate) fn format(
        path: &std::path::Path,
        line: u64,
        field: &str,
        problem: impl Into<String>,
    ) -> Self {
        ExportError::Format {
            path: path.to_path_buf(),
            line,
            field: field.to_string(),
            problem: problem.into(),
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        ExportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Writes any serialisable value as pretty JSON (used for `summary.json`).
pub fn write_json<T: serde::Serialize>(
    path: &std::path::Path,
    value: &T,
) -> Result<(), ExportError> {
    let s = serde_json::to_string_pretty(value).map_err(|e| ExportError::Serialize {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    std::fs::write(path, s + "\n").map_err(|e| ExportError::io(path, e))
}

/// Writes any serialisable value as TOML (used for `run.toml`).
pub fn write_toml<T: serde::Serialize>(
    path: &std::path::Path,
    value: &T,
) -> Result<(), ExportError> {
    let s = toml::to_string_pretty(value).map_err(|e| ExportError::Serialize {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    std::fs::write(path, s).map_err(|e| ExportError::io(path, e))
}
