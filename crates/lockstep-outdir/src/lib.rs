//! Where Lockstep writes its outputs, and the guarantees it keeps there (docs/reliability.md):
//!
//! - **Inputs are never opened for writing.** Every command collects the files it reads into
//!   [`Inputs`]; an output path that resolves (after symbolic links) to one of them, or an output
//!   directory that would replace a directory holding one, is refused before anything is written.
//! - **Outputs appear whole or not at all.** A command writes into a [`StagedDir`], a fresh
//!   directory beside `--out`, and only a successful run moves it into place (an atomic exchange of
//!   the two directories on Linux) with a completion manifest, `lockstep-manifest.json`, listing
//!   every file. A run that fails or is killed leaves the previous outputs as they were.
//! - **One run at a time.** `--out` is locked for the run; a second concurrent run into the same
//!   directory is refused.
//! - **Nothing of a previous run is left stale**, and a directory Lockstep did not write is never
//!   emptied: without `--force` such a directory is refused; with it, the outputs are moved in
//!   beside the files already there.
//! - Single files (a quarantine file, a seed list) are written through [`AtomicFile`]: a temporary
//!   file in the same directory, renamed over the destination when complete.

mod atomic;
mod error;
mod inputs;
mod manifest;
mod staged;

pub use atomic::AtomicFile;
pub use error::OutputError;
pub use inputs::{Inputs, resolve};
pub use manifest::{MANIFEST, Manifest, ManifestFile, verify_complete, write_manifest};
pub use staged::{StageOptions, StagedDir};
