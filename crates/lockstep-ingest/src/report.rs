//! What reading found: per-file counts, rejection reasons and notes for the user.

use crate::format::Format;
use lockstep_model::Resolution;
use serde::Serialize;
use std::collections::BTreeMap;

/// What one input file contributed.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FileReport {
    /// The path as given.
    pub path: String,
    /// Detected (or forced) format.
    #[serde(serialize_with = "ser_format")]
    pub format: Format,
    /// True when the format was detected from the header (false when forced).
    pub detected: bool,
    /// Time resolution of this file's timestamps.
    pub resolution: Resolution,
    /// Data rows read (header excluded), accepted or not.
    pub rows_read: u64,
    /// Rows rejected (lenient mode; strict mode stops at the first).
    pub rows_rejected: u64,
    /// Rejected rows counted by `column: reason`.
    pub rejections: BTreeMap<String, u64>,
    /// Posts in this file whose id was already seen (the first is kept).
    pub duplicate_posts: u64,
    /// Notes for the user, e.g. "exact times recovered from snowflake ids".
    pub notes: Vec<String>,
}

fn ser_format<S: serde::Serializer>(f: &Format, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(f.as_str())
}

impl FileReport {
    /// Rows kept: read and not rejected (lenient accounting: read = kept + rejected).
    pub fn rows_kept(&self) -> u64 {
        self.rows_read.saturating_sub(self.rows_rejected)
    }

    pub(crate) fn new(path: String, format: Format, detected: bool) -> Self {
        FileReport {
            path,
            format,
            detected,
            resolution: Resolution::Second,
            rows_read: 0,
            rows_rejected: 0,
            rejections: BTreeMap::new(),
            duplicate_posts: 0,
            notes: Vec::new(),
        }
    }
}

/// What reading all files found.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct IngestReport {
    /// One entry per input file, in reading order.
    pub files: Vec<FileReport>,
}

impl IngestReport {
    /// Rows read over all files.
    pub fn rows_read(&self) -> u64 {
        self.files.iter().map(|f| f.rows_read).sum()
    }

    /// Rows rejected over all files.
    pub fn rows_rejected(&self) -> u64 {
        self.files.iter().map(|f| f.rows_rejected).sum()
    }

    /// Duplicate posts over all files.
    pub fn duplicate_posts(&self) -> u64 {
        self.files.iter().map(|f| f.duplicate_posts).sum()
    }

    /// Rejections by reason over all files.
    pub fn rejections(&self) -> BTreeMap<String, u64> {
        let mut m = BTreeMap::new();
        for f in &self.files {
            for (k, v) in &f.rejections {
                *m.entry(k.clone()).or_insert(0) += v;
            }
        }
        m
    }

    /// Every note, prefixed with its file.
    pub fn notes(&self) -> Vec<String> {
        self.files
            .iter()
            .flat_map(|f| f.notes.iter().map(move |n| format!("{}: {n}", f.path)))
            .collect()
    }
}
