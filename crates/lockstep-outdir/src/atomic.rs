//! One output file written whole or not at all.

use crate::{Inputs, OutputError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file written to a temporary name in its destination's directory and renamed over the
/// destination by [`AtomicFile::commit`]. Dropped without a commit, it leaves nothing behind and
/// the destination untouched.
#[derive(Debug)]
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    dest: PathBuf,
}

impl AtomicFile {
    /// Starts writing `dest`, refusing it when it resolves to one of `inputs`. The destination's
    /// directory is created when missing.
    pub fn create(dest: &Path, inputs: &Inputs) -> Result<Self, OutputError> {
        inputs.check_file(dest)?;
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if let Ok(meta) = std::fs::metadata(dest)
            && meta.is_dir()
        {
            return Err(OutputError::Io {
                path: dest.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "is a directory, expected a file path",
                ),
            });
        }
        std::fs::create_dir_all(&dir).map_err(OutputError::io(&dir))?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .tempfile_in(&dir)
            .map_err(OutputError::io(&dir))?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
        })
    }

    /// The destination path.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// The file to write into.
    pub fn file(&mut self) -> &mut std::fs::File {
        self.tmp.as_file_mut()
    }

    /// Flushes the file and renames it over the destination (a symbolic link at the destination
    /// is replaced, never followed). The file gets the permissions a newly created file would.
    pub fn commit(self) -> Result<(), OutputError> {
        let AtomicFile { mut tmp, dest } = self;
        tmp.flush().map_err(OutputError::io(&dest))?;
        set_default_file_mode(tmp.path());
        tmp.persist(&dest).map_err(|e| OutputError::Io {
            path: dest.clone(),
            source: e.error,
        })?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// `NamedTempFile` creates files readable by the owner only; an output should have the mode an
/// ordinary `File::create` gives (0666 less the umask).
#[cfg(unix)]
pub(crate) fn set_default_file_mode(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = 0o666 & !current_umask();
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
pub(crate) fn set_default_file_mode(_path: &Path) {}

/// The process's umask (read by setting and restoring it; nothing else in Lockstep changes it).
#[cfg(unix)]
pub(crate) fn current_umask() -> u32 {
    // SAFETY: umask only swaps the process's file-creation mask; it is restored at once.
    unsafe {
        let old = libc::umask(0o022);
        libc::umask(old);
        old as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_lands_until_commit() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let dest = dir.path().join("q.csv");
        std::fs::write(&dest, "previous")?;
        let mut f = AtomicFile::create(&dest, &Inputs::default())?;
        f.write_all(b"new")?;
        assert_eq!(std::fs::read_to_string(&dest)?, "previous");
        drop(f);
        assert_eq!(std::fs::read_to_string(&dest)?, "previous");
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 1, "no temp left");
        let mut f = AtomicFile::create(&dest, &Inputs::default())?;
        f.write_all(b"new")?;
        f.commit()?;
        assert_eq!(std::fs::read_to_string(&dest)?, "new");
        Ok(())
    }

    #[test]
    fn an_input_is_refused_and_kept() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let input = dir.path().join("tweets.csv");
        std::fs::write(&input, "data")?;
        let err = AtomicFile::create(&input, &Inputs::new([&input]));
        assert!(matches!(err, Err(OutputError::IsInput { .. })));
        assert_eq!(std::fs::read_to_string(&input)?, "data");
        Ok(())
    }

    #[test]
    fn a_symlink_destination_is_replaced_not_followed() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let target = dir.path().join("precious.txt");
        std::fs::write(&target, "keep")?;
        let link = dir.path().join("out.csv");
        std::os::unix::fs::symlink(&target, &link)?;
        let mut f = AtomicFile::create(&link, &Inputs::default())?;
        f.write_all(b"new")?;
        f.commit()?;
        assert_eq!(std::fs::read_to_string(&target)?, "keep");
        assert_eq!(std::fs::read_to_string(&link)?, "new");
        assert!(!std::fs::symlink_metadata(&link)?.file_type().is_symlink());
        Ok(())
    }
}
