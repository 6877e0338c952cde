//! An output directory written in a staging directory beside it and moved into place whole.

use crate::atomic::current_umask;
use crate::{Inputs, MANIFEST, Manifest, OutputError, resolve};
use std::fs::File;
use std::path::{Path, PathBuf};

/// How a [`StagedDir`] may treat an existing `--out`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StageOptions {
    /// Write into a directory that holds files Lockstep did not write (or inputs of the run),
    /// beside those files, instead of refusing it. Files of the run replace same-named ones;
    /// nothing else there is touched, and an input is still never replaced.
    pub force: bool,
}

/// How the staged files reach `--out` at commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// `--out` is new, empty or a previous complete Lockstep output: the staging directory
    /// replaces it whole.
    Replace,
    /// `--out` holds other files (`--force`): each staged file is renamed into it, the manifest
    /// last.
    Beside,
}

/// An output directory being written. Writers write into [`StagedDir::path`]; nothing appears at
/// `--out` until [`StagedDir::commit`]. Dropped without a commit (an error, a panic), the staging
/// directory is removed and `--out` is as it was. Killed, the staging directory
/// (`.NAME.staging-XXXXXX` beside `--out`) is left over and removed by the next run into `--out`.
#[derive(Debug)]
pub struct StagedDir {
    resolved: PathBuf,
    given: PathBuf,
    staging: Option<tempfile::TempDir>,
    mode: Mode,
    created_out: bool,
    inputs: Inputs,
    // Held for the run: an advisory lock on the `--out` directory itself.
    _lock: Option<File>,
}

impl StagedDir {
    /// Prepares to write `out`: checks it against the run's inputs and what it already holds,
    /// locks it, and creates the staging directory beside it. Call it before the run's work, so a
    /// refused location costs nothing.
    pub fn begin(out: &Path, inputs: &Inputs, opts: StageOptions) -> Result<Self, OutputError> {
        let given = out.to_path_buf();
        let resolved = resolve(out);
        let mut created_out = false;
        match std::fs::metadata(&resolved) {
            Ok(m) if !m.is_dir() => {
                inputs.check_file(out)?;
                return Err(OutputError::NotADirectory { out: given });
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&resolved).map_err(OutputError::io(&given))?;
                created_out = true;
            }
            Err(e) => {
                return Err(OutputError::Io {
                    path: given,
                    source: e,
                });
            }
        }
        let mut me = StagedDir {
            resolved: resolved.clone(),
            given: given.clone(),
            staging: None,
            mode: Mode::Replace,
            created_out,
            inputs: inputs.clone(),
            _lock: None,
        };
        me._lock = lock(&resolved, &given)?;
        me.mode = classify(&resolved, &given, inputs, opts)?;
        let parent = resolved.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = resolved
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        remove_stale_staging(&parent, &name);
        let staging = tempfile::Builder::new()
            .prefix(&staging_prefix(&name))
            .tempdir_in(&parent)
            .map_err(OutputError::io(&parent))?;
        me.staging = Some(staging);
        Ok(me)
    }

    /// Where the run writes its files.
    pub fn path(&self) -> &Path {
        self.staging.as_ref().map_or(&self.resolved, |s| s.path())
    }

    /// The final output directory (as given on the command line).
    pub fn out(&self) -> &Path {
        &self.given
    }

    /// Moves the staged files into `--out` with the completion manifest and returns the manifest.
    /// `command` names what wrote the directory (recorded in the manifest).
    pub fn commit(mut self, command: &str) -> Result<Manifest, OutputError> {
        let staging = self.staging.take().ok_or_else(|| OutputError::Io {
            path: self.given.clone(),
            source: std::io::Error::other("output directory already committed"),
        })?;
        let manifest = Manifest::of_dir(staging.path(), command)?;
        let text = serde_json::to_string_pretty(&manifest).map_err(|e| OutputError::Io {
            path: staging.path().join(MANIFEST),
            source: std::io::Error::other(e),
        })?;
        let mpath = staging.path().join(MANIFEST);
        std::fs::write(&mpath, text + "\n").map_err(OutputError::io(&mpath))?;
        set_default_modes(staging.path());
        match self.mode {
            Mode::Replace => {
                exchange(staging.path(), &self.resolved)?;
                // The staging path now holds the previous contents; dropping it removes them.
                drop(staging);
            }
            Mode::Beside => {
                self.move_beside(staging.path(), &manifest)?;
                drop(staging);
            }
        }
        self.created_out = false;
        Ok(manifest)
    }

    /// `--force` into a directory with other files: the old manifest goes first (the directory is
    /// then visibly incomplete), the files of a previous run that this run does not write are
    /// removed, each staged file is renamed in, and the new manifest comes last.
    fn move_beside(&self, staging: &Path, manifest: &Manifest) -> Result<(), OutputError> {
        for f in &manifest.files {
            self.inputs.check_file(&self.resolved.join(&f.path))?;
        }
        let old = Manifest::read(&self.resolved).ok().flatten();
        let old_manifest = self.resolved.join(MANIFEST);
        if old_manifest.exists() {
            std::fs::remove_file(&old_manifest).map_err(OutputError::io(&old_manifest))?;
        }
        if let Some(old) = old {
            for f in &old.files {
                if !manifest.files.iter().any(|n| n.path == f.path) {
                    let p = self.resolved.join(&f.path);
                    if self.inputs.check_file(&p).is_ok() {
                        let _ = std::fs::remove_file(p);
                    }
                }
            }
        }
        for f in &manifest.files {
            let from = staging.join(&f.path);
            let to = self.resolved.join(&f.path);
            if let Some(dir) = to.parent() {
                std::fs::create_dir_all(dir).map_err(OutputError::io(dir))?;
            }
            std::fs::rename(&from, &to).map_err(OutputError::io(&to))?;
        }
        let to = self.resolved.join(MANIFEST);
        std::fs::rename(staging.join(MANIFEST), &to).map_err(OutputError::io(&to))
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        // The staging TempDir removes itself; a `--out` this run created and never filled goes too.
        if self.created_out {
            let _ = std::fs::remove_dir(&self.resolved);
        }
    }
}

fn staging_prefix(name: &str) -> String {
    format!(".{name}.staging-")
}

/// Locks the output directory for this run (an advisory `flock` on the directory itself, released
/// when the process ends, however it ends).
#[cfg(unix)]
fn lock(dir: &Path, given: &Path) -> Result<Option<File>, OutputError> {
    let f = File::open(dir).map_err(OutputError::io(given))?;
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => Err(OutputError::Locked {
            out: given.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(OutputError::Io {
            path: given.to_path_buf(),
            source: e,
        }),
    }
}

#[cfg(not(unix))]
fn lock(_dir: &Path, _given: &Path) -> Result<Option<File>, OutputError> {
    Ok(None)
}

/// Decides how `out` may be written: replaced whole when it is empty or holds exactly a previous
/// Lockstep run (its manifest lists every entry), refused when it holds anything else (unless
/// `--force`), and never replaced while an input lies inside it.
fn classify(
    out: &Path,
    given: &Path,
    inputs: &Inputs,
    opts: StageOptions,
) -> Result<Mode, OutputError> {
    if let Some(input) = inputs.inside(out) {
        return if opts.force {
            Ok(Mode::Beside)
        } else {
            Err(OutputError::InputInside {
                out: given.to_path_buf(),
                input: input.to_path_buf(),
            })
        };
    }
    let manifest = Manifest::read(out).ok().flatten();
    for entry in std::fs::read_dir(out).map_err(OutputError::io(given))? {
        let entry = entry.map_err(OutputError::io(given))?;
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let ours = manifest.as_ref().is_some_and(|m| m.owns_entry(&entry_name));
        if !ours {
            return if opts.force {
                Ok(Mode::Beside)
            } else {
                Err(OutputError::Foreign {
                    out: given.to_path_buf(),
                    example: entry_name,
                })
            };
        }
    }
    Ok(Mode::Replace)
}

/// Removes staging directories left by runs into the same `--out` that were killed. Called with
/// the lock on `--out` held, so no live run owns them.
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = staging_prefix(name);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// The staging directory is created owner-only; the outputs get the modes ordinary creation gives.
#[cfg(unix)]
fn set_default_modes(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let umask = current_umask();
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777 & !umask));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                set_default_modes(&e.path());
            }
        }
    }
}

#[cfg(not(unix))]
fn set_default_modes(_dir: &Path) {}

/// Swaps the staging directory and `--out` in one step (Linux `renameat2(RENAME_EXCHANGE)`), so a
/// reader sees either the old or the new directory, never a mix. Where the exchange is not
/// available, `--out` is renamed aside and the staging directory renamed into its place.
fn exchange(staging: &Path, out: &Path) -> Result<(), OutputError> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(staging.as_os_str().as_bytes()).map_err(|e| OutputError::Io {
            path: staging.to_path_buf(),
            source: std::io::Error::other(e),
        })?;
        let b = CString::new(out.as_os_str().as_bytes()).map_err(|e| OutputError::Io {
            path: out.to_path_buf(),
            source: std::io::Error::other(e),
        })?;
        // SAFETY: both arguments are valid NUL-terminated paths that outlive the call.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if rc == 0 {
            return Ok(());
        }
        let err = std::io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::ENOTSUP) => {}
            _ => {
                return Err(OutputError::Io {
                    path: out.to_path_buf(),
                    source: err,
                });
            }
        }
    }
    // Fallback: two renames. A crash between them leaves `--out` missing and the previous
    // outputs in the aside directory, never a mix.
    let aside = staging.with_extension("previous");
    std::fs::rename(out, &aside).map_err(OutputError::io(out))?;
    std::fs::rename(staging, out).map_err(OutputError::io(out))?;
    std::fs::rename(&aside, staging).map_err(OutputError::io(staging))
}
