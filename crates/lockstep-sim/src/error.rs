//! Errors of the world generator.

use std::path::PathBuf;

/// Why a world could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A parameter is out of range or inconsistent.
    #[error("invalid simulation parameter `{name}`: {problem}")]
    Config {
        /// The parameter's name as in [`crate::SimConfig`].
        name: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// An unknown preset name.
    #[error("unknown preset `{0}` (known: hk2019, organic-only, null)")]
    UnknownPreset(String),
    /// Writing an output file failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file being written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The CSV writer failed.
    #[error("cannot write {path}: {source}")]
    Csv {
        /// The file being written.
        path: PathBuf,
        /// The underlying error.
        source: csv::Error,
    },
    /// Serialising truth.json failed.
    #[error("cannot write {path}: {source}")]
    Json {
        /// The file being written.
        path: PathBuf,
        /// The underlying error.
        source: serde_json::Error,
    },
}
