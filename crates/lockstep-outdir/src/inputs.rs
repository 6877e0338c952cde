//! The files a run reads, resolved once, so that no output can land on one of them.

use crate::OutputError;
use std::path::{Component, Path, PathBuf};

/// Resolves `path` the way the operating system will when it is opened: symbolic links followed,
/// `.` and `..` applied, relative to the current directory. The path need not exist: the longest
/// existing ancestor is canonicalised and the rest appended.
pub fn resolve(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(path),
            Err(_) => path.to_path_buf(),
        }
    };
    // Walk up to the longest existing ancestor, canonicalise it, and re-append the rest.
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    let mut cur = absolute.as_path();
    loop {
        if let Ok(base) = cur.canonicalize() {
            let mut out = base;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return normalise(&out);
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return normalise(&absolute),
        }
    }
}

/// Applies `.` and `..` lexically (used only for the part of a path that does not exist yet).
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The files (and directories) one run reads, as given and as resolved.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    entries: Vec<(PathBuf, PathBuf)>,
}

impl Inputs {
    /// Collects the inputs of a run. Paths that do not exist are kept too (the reader reports
    /// them); they cannot be overwritten by accident either.
    pub fn new<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Self {
        let mut me = Inputs::default();
        for p in paths {
            me.add(p.as_ref());
        }
        me
    }

    /// Adds one more input (a seed list, a mapping, a key file, an investigation directory).
    pub fn add(&mut self, path: &Path) {
        self.entries.push((path.to_path_buf(), resolve(path)));
    }

    /// The inputs as given.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.entries.iter().map(|(given, _)| given.as_path())
    }

    /// Refuses an output *file* that resolves to an input (or to a directory holding one).
    pub fn check_file(&self, out: &Path) -> Result<(), OutputError> {
        let r = resolve(out);
        for (given, resolved) in &self.entries {
            if *resolved == r || resolved.starts_with(&r) {
                return Err(OutputError::IsInput {
                    out: out.to_path_buf(),
                    input: given.clone(),
                });
            }
        }
        Ok(())
    }

    /// The first input that is the directory `dir` or lies inside it.
    pub fn inside(&self, dir: &Path) -> Option<&Path> {
        let r = resolve(dir);
        self.entries
            .iter()
            .find(|(_, resolved)| resolved.starts_with(&r))
            .map(|(given, _)| given.as_path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_to_an_input_is_the_input() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let input = dir.path().join("tweets.csv");
        std::fs::write(&input, "x")?;
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&input, &link)?;
        let inputs = Inputs::new([&input]);
        assert!(matches!(
            inputs.check_file(&link),
            Err(OutputError::IsInput { .. })
        ));
        let dotted = dir.path().join("sub/../tweets.csv");
        assert!(inputs.check_file(&dotted).is_err());
        assert!(inputs.check_file(&dir.path().join("other.csv")).is_ok());
        Ok(())
    }

    #[test]
    fn inside_finds_inputs_below_a_directory() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("data");
        std::fs::create_dir(&data)?;
        let input = data.join("users.csv");
        std::fs::write(&input, "x")?;
        let inputs = Inputs::new([&input]);
        assert_eq!(inputs.inside(&data), Some(input.as_path()));
        assert_eq!(inputs.inside(dir.path()), Some(input.as_path()));
        assert_eq!(inputs.inside(&dir.path().join("out")), None);
        Ok(())
    }

    #[test]
    fn resolve_handles_missing_tails() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let base = dir.path().canonicalize()?;
        assert_eq!(resolve(&dir.path().join("a/b/../c")), base.join("a/c"));
        Ok(())
    }
}
