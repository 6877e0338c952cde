//! Why an output could not be written where it was asked for.

use std::path::PathBuf;
use thiserror::Error;

/// An output location was refused, or writing it failed.
#[derive(Debug, Error)]
pub enum OutputError {
    /// The output path resolves to a file the run reads.
    #[error("{}: refusing to write here: it is the input {} of this run", out.display(), input.display())]
    IsInput {
        /// The output path as given.
        out: PathBuf,
        /// The input it resolves to, as given.
        input: PathBuf,
    },
    /// An input of the run lies inside the output directory that would be replaced.
    #[error(
        "{}: refusing to write here: the input {} lies inside this directory; choose another output directory (or pass --force to write the outputs beside the files already there)",
        out.display(),
        input.display()
    )]
    InputInside {
        /// The output directory.
        out: PathBuf,
        /// The input inside it.
        input: PathBuf,
    },
    /// The output path exists and is not a directory.
    #[error("{}: exists and is not a directory", out.display())]
    NotADirectory {
        /// The output path.
        out: PathBuf,
    },
    /// The output directory holds files that no Lockstep run wrote.
    #[error(
        "{}: holds files that Lockstep did not write (for example `{example}`); choose a new or empty directory, or pass --force to write the outputs beside them",
        out.display()
    )]
    Foreign {
        /// The output directory.
        out: PathBuf,
        /// One entry that is not Lockstep's.
        example: String,
    },
    /// Another run holds the lock on the output directory.
    #[error("{}: another lockstep run is writing into this directory; wait for it to finish or choose another --out", out.display())]
    Locked {
        /// The output directory.
        out: PathBuf,
    },
    /// A directory is not a complete Lockstep output.
    #[error("{}: not a complete Lockstep output: {problem}", dir.display())]
    Incomplete {
        /// The directory.
        dir: PathBuf,
        /// What is missing or differs.
        problem: String,
    },
    /// A file system operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl OutputError {
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
        move |source| OutputError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
