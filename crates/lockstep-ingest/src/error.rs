//! The ingestion error type: every bad value names the file, the line and the column.

use lockstep_model::InputError;
use std::path::PathBuf;

/// Why reading failed. Bad input displays as `file:line: column: problem`.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A bad value or row in an input file (strict mode), or a malformed header.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The format could not be detected from the header and none was forced.
    #[error(
        "{}: format not recognised from the header `{header}`; pass --format (or --mapping for a generic file)",
        path.display()
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// The first line, shortened.
        header: String,
    },
    /// A generic format was requested without a column mapping, or the mapping is invalid.
    #[error("{0}")]
    Mapping(String),
    /// An output of the read (the quarantine) could not be written where asked.
    #[error(transparent)]
    Output(#[from] lockstep_outdir::OutputError),
    /// No input files were given.
    #[error("no input files")]
    NoInput,
}

impl IngestError {
    /// An I/O error on `path`.
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        IngestError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The line this error names, when it is about one row.
    pub fn line(&self) -> Option<u64> {
        match self {
            IngestError::Input(e) => Some(e.line),
            _ => None,
        }
    }
}

/// A problem with one field of the current row, before the file and line are attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    /// Column name.
    pub field: String,
    /// Short reason class, used to count rejections ("bad timestamp").
    pub kind: &'static str,
    /// The full problem text shown to the user.
    pub detail: String,
}

impl FieldError {
    /// A field error: `kind` is the countable class, `detail` adds the offending value.
    pub fn new(field: impl Into<String>, kind: &'static str, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            kind,
            detail: detail.into(),
        }
    }

    /// The text after `column: `.
    pub fn problem(&self) -> String {
        if self.detail.is_empty() {
            self.kind.to_string()
        } else {
            format!("{}: {}", self.kind, self.detail)
        }
    }

    /// The key rejections are counted under.
    pub fn reason_key(&self) -> String {
        format!("{}: {}", self.field, self.kind)
    }
}

/// Shows a value in an error message, shortened to 60 characters.
pub(crate) fn shown(v: &[u8]) -> String {
    let s = String::from_utf8_lossy(v);
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    format!("`{out}`")
}
