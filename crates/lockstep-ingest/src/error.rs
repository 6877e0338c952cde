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
    /// A record (CSV row, JSON line or array element) is longer than
    /// [`crate::ReadOptions::max_record_bytes`]. Fatal even in lenient mode: the read stops
    /// before holding more than the limit in memory, and the record's end cannot be found
    /// without reading it.
    #[error(
        "{}:{line}: row: record longer than {limit} bytes (limit --max-record-bytes); a corrupt or hostile file, or the wrong format?",
        path.display()
    )]
    RecordTooLarge {
        /// The file.
        path: PathBuf,
        /// The line where the record starts (0 when unknown).
        line: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A compressed stream decompresses to more than
    /// [`crate::ReadOptions::max_compression_ratio`] times the compressed bytes read (beyond a
    /// fixed allowance): a decompression bomb, or an unusually repetitive file.
    #[error(
        "{}: decompressed byte offset {offset}: more than {ratio}:1 of the {compressed} compressed bytes read (limit --max-compression-ratio); a decompression bomb?",
        path.display()
    )]
    CompressionRatio {
        /// The file.
        path: PathBuf,
        /// Decompressed bytes produced when the limit fired.
        offset: u64,
        /// Compressed bytes read by then.
        compressed: u64,
        /// The limit.
        ratio: u64,
    },
}

impl IngestError {
    /// An I/O error on `path`; a resource limit that fired inside a reader (carried as the
    /// I/O error's payload, see [`crate::limits`]) becomes its own variant.
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        match crate::limits::hit_of(&source) {
            Some(crate::limits::LimitHit::Record { limit }) => IngestError::RecordTooLarge {
                path: path.to_path_buf(),
                line: 0,
                limit,
            },
            Some(crate::limits::LimitHit::Ratio {
                offset,
                compressed,
                ratio,
            }) => IngestError::CompressionRatio {
                path: path.to_path_buf(),
                offset,
                compressed,
                ratio,
            },
            None => IngestError::Io {
                path: path.to_path_buf(),
                source,
            },
        }
    }

    /// Names `line` as the start of an over-long record (other errors are unchanged).
    pub(crate) fn at_line(mut self, at: u64) -> Self {
        if let IngestError::RecordTooLarge { line, .. } = &mut self
            && *line == 0
        {
            *line = at;
        }
        self
    }

    /// The line this error names, when it is about one row.
    pub fn line(&self) -> Option<u64> {
        match self {
            IngestError::Input(e) => Some(e.line),
            IngestError::RecordTooLarge { line, .. } => Some(*line),
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

/// Shows a value in an error message, shortened to 60 characters, control characters escaped
/// (`\n`, `\u{1b}`): an error stays on one line (one line per row in the quarantine's
/// reasons file) and input cannot send escape sequences to the user's terminal.
pub(crate) fn shown(v: &[u8]) -> String {
    let s = String::from_utf8_lossy(v);
    let mut out = String::new();
    for c in s.chars().take(60) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if s.chars().count() > 60 {
        out.push('…');
    }
    format!("`{out}`")
}

#[cfg(test)]
mod tests {
    #[test]
    fn shown_values_stay_on_one_line() {
        assert_eq!(
            super::shown(b"two\nlines\x1b[31m"),
            "`two\\nlines\\u{1b}[31m`"
        );
    }
}
