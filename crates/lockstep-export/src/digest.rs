//! Input digests for `summary.json`: BLAKE3 of each input file, so a result can be tied to the
//! exact bytes it came from, and its absolute (canonical) path, so a later step (`lockstep
//! disclose`) reads the very same file whatever its working directory, and verifies it.

use crate::ExportError;
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;

/// One file's digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    /// The path as given (relative paths are relative to the working directory of the run that
    /// recorded it).
    pub path: String,
    /// The canonical absolute path (symbolic links resolved); absent in summaries written before
    /// it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absolute: Option<String>,
    /// Size in bytes.
    pub bytes: u64,
    /// BLAKE3 hash, lowercase hex.
    pub blake3: String,
}

/// Streams a file through BLAKE3.
pub fn digest_file(path: &Path) -> Result<FileDigest, ExportError> {
    let mut f = std::fs::File::open(path).map_err(|e| ExportError::io(path, e))?;
    let mut h = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| ExportError::io(path, e))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        h.update(&buf[..n]);
    }
    // Canonical where the file system can say (symbolic links resolved); otherwise (a pipe such
    // as `/dev/fd/63`) the path made absolute, or nothing: never an error for a file just read.
    let absolute = std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .ok();
    Ok(FileDigest {
        path: path.display().to_string(),
        absolute: absolute.map(|a| a.display().to_string()),
        bytes,
        blake3: h.finalize().to_hex().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        std::fs::write(&p, b"abc").unwrap();
        let d = digest_file(&p).unwrap();
        assert_eq!(d.bytes, 3);
        assert_eq!(d.blake3, blake3::hash(b"abc").to_hex().to_string());
        assert!(digest_file(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn records_the_canonical_absolute_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("x.csv"), b"abc").unwrap();
        // A path with `..` in it is recorded as given and as its canonical absolute form.
        let given = dir.path().join("sub").join("..").join("x.csv");
        let d = digest_file(&given).unwrap();
        assert_eq!(d.path, given.display().to_string());
        let abs = std::fs::canonicalize(dir.path().join("x.csv")).unwrap();
        assert_eq!(
            d.absolute.as_deref(),
            Some(abs.display().to_string().as_str())
        );
        assert!(std::path::Path::new(d.absolute.as_deref().unwrap()).is_absolute());
        // Old summaries (no `absolute`) still read.
        let old: FileDigest =
            serde_json::from_str(r#"{"path":"x.csv","bytes":3,"blake3":"ab"}"#).unwrap();
        assert_eq!(old.absolute, None);
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains("\"absolute\""), "{json}");
    }
}
