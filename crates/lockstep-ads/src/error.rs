//! Typed errors of the ads crate.

use thiserror::Error;

/// What is wrong with one field of one ad (a per-row reason).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{field}: {reason} ('{value}')")]
pub struct FieldProblem {
    /// Column name.
    pub field: String,
    /// What is wrong.
    pub reason: String,
    /// The offending value, shortened.
    pub value: String,
}

impl FieldProblem {
    /// A problem with `field`; `value` is cut to 80 characters.
    pub fn new(field: &str, reason: impl Into<String>, value: &str) -> Self {
        let mut v: String = value.chars().take(80).collect();
        if value.chars().count() > 80 {
            v.push('…');
        }
        FieldProblem {
            field: field.to_string(),
            reason: reason.into(),
            value: v,
        }
    }
}

/// A problem loading a registry file.
#[derive(Debug, Error)]
pub enum RegistryError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not a valid registry.
    #[error("{path}: {message}")]
    Parse {
        /// File.
        path: String,
        /// What is wrong (with line and column from the TOML parser).
        message: String,
    },
}

/// A problem reading an ads file or an investigation.
#[derive(Debug, Error)]
pub enum AdsError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// A required column is missing.
    #[error(
        "{path}: missing column '{column}' (ads need ad_id, advertiser, payer, landing_url, ad_text, spend, currency, submitted_at)"
    )]
    MissingColumn {
        /// File.
        path: String,
        /// Column.
        column: String,
    },
    /// A row could not be read or a field is invalid (strict mode).
    #[error("{path}:{line}: {problem}")]
    Row {
        /// File.
        path: String,
        /// 1-based line (CSV: header is line 1; JSONL: line; Parquet: row).
        line: u64,
        /// What is wrong.
        problem: FieldProblem,
    },
    /// An investigation's table could not be read.
    #[error(transparent)]
    Investigation(#[from] lockstep_export::ExportError),
    /// The file format is not supported.
    #[error("{path}: {message}")]
    Format {
        /// File.
        path: String,
        /// What is wrong.
        message: String,
    },
}
