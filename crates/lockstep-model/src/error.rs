//! Errors shared by the stages: an input error names the file, the line and the field.

use std::path::PathBuf;
use thiserror::Error;

/// A problem with one value of one row of an input file, reported as `file:line: field: problem`.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("{}:{line}: {field}: {problem}", file.display())]
pub struct InputError {
    /// The input file.
    pub file: PathBuf,
    /// 1-based physical line number where the record starts (the header is line 1).
    pub line: u64,
    /// The column or field name.
    pub field: String,
    /// What is wrong, in words a user can act on.
    pub problem: String,
}

impl InputError {
    /// Builds an error.
    pub fn new(
        file: impl Into<PathBuf>,
        line: u64,
        field: impl Into<String>,
        problem: impl Into<String>,
    ) -> Self {
        InputError {
            file: file.into(),
            line,
            field: field.into(),
            problem: problem.into(),
        }
    }
}

/// Errors raised by the model itself.
#[derive(Debug, Error)]
pub enum ModelError {
    /// More distinct entities than a `u32` can address.
    #[error("too many {0}: more than 4,294,967,294")]
    Overflow(&'static str),
}
