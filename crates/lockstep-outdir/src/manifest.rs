//! `lockstep-manifest.json`: the completion marker of an output directory. It is written last,
//! lists every file of the run with its size, and is present only when the run completed.

use crate::OutputError;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The completion manifest's file name.
pub const MANIFEST: &str = "lockstep-manifest.json";

/// The contents of `lockstep-manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// The Lockstep version that wrote the directory.
    pub lockstep_version: String,
    /// The command that wrote it (`investigate`, `disclose`, `simulate`).
    pub command: String,
    /// Every file of the run (paths relative to the directory, `/`-separated), sorted.
    pub files: Vec<ManifestFile>,
}

/// One file of an output directory.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestFile {
    /// Path relative to the directory.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
}

impl Manifest {
    /// Lists the files below `dir` (the manifest itself excluded).
    pub(crate) fn of_dir(dir: &Path, command: &str) -> Result<Self, OutputError> {
        let mut files = Vec::new();
        collect(dir, dir, &mut files)?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Manifest {
            lockstep_version: env!("CARGO_PKG_VERSION").to_string(),
            command: command.to_string(),
            files,
        })
    }

    /// Reads `dir/lockstep-manifest.json`, `None` when there is none.
    pub fn read(dir: &Path) -> Result<Option<Self>, OutputError> {
        let p = dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&p) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(OutputError::Io { path: p, source: e }),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| OutputError::Incomplete {
                dir: dir.to_path_buf(),
                problem: format!("{MANIFEST} is not valid: {e}"),
            })
    }

    /// Whether `name` (a top-level entry of the directory) belongs to this run.
    pub(crate) fn owns_entry(&self, name: &str) -> bool {
        name == MANIFEST
            || self
                .files
                .iter()
                .any(|f| f.path == name || f.path.starts_with(&format!("{name}/")))
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<ManifestFile>) -> Result<(), OutputError> {
    for entry in std::fs::read_dir(dir).map_err(OutputError::io(dir))? {
        let entry = entry.map_err(OutputError::io(dir))?;
        let path = entry.path();
        let meta = std::fs::symlink_metadata(&path).map_err(OutputError::io(&path))?;
        if meta.is_dir() {
            collect(root, &path, out)?;
        } else {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if rel != MANIFEST {
                out.push(ManifestFile {
                    path: rel,
                    bytes: meta.len(),
                });
            }
        }
    }
    Ok(())
}

/// Writes the completion manifest of a directory whose files were put there by other means (a
/// test fixture, an import), listing every file it holds now. Lockstep's own commands never call
/// it: their manifest comes from [`crate::StagedDir::commit`].
pub fn write_manifest(dir: &Path, command: &str) -> Result<Manifest, OutputError> {
    let m = Manifest::of_dir(dir, command)?;
    let p = dir.join(MANIFEST);
    let text = serde_json::to_string_pretty(&m).map_err(|e| OutputError::Io {
        path: p.clone(),
        source: std::io::Error::other(e),
    })?;
    std::fs::write(&p, text + "\n").map_err(OutputError::io(&p))?;
    Ok(m)
}

/// Checks that `dir` is a complete Lockstep output: its manifest is present and every file it
/// lists is there with the listed size. Readers of an output directory (`disclose`, `eval`) call
/// this first, so a run that was killed, or two runs mixed into one directory, are never read as
/// one result.
pub fn verify_complete(dir: &Path) -> Result<Manifest, OutputError> {
    let incomplete = |problem: String| OutputError::Incomplete {
        dir: dir.to_path_buf(),
        problem,
    };
    let Some(m) = Manifest::read(dir)? else {
        return Err(incomplete(format!(
            "it has no {MANIFEST} (the run that wrote it did not finish, or an older Lockstep wrote it: run it again)"
        )));
    };
    for f in &m.files {
        let p: PathBuf = dir.join(&f.path);
        match std::fs::metadata(&p) {
            Ok(meta) if meta.len() == f.bytes => {}
            Ok(meta) => {
                return Err(incomplete(format!(
                    "{} has {} bytes, the run wrote {}",
                    f.path,
                    meta.len(),
                    f.bytes
                )));
            }
            Err(_) => return Err(incomplete(format!("{} is missing", f.path))),
        }
    }
    Ok(m)
}
