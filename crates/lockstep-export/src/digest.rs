//! Input digests for `summary.json`: BLAKE3 of each input file, so a result can be tied to the
//! exact bytes it came from.

use crate::ExportError;
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;

/// One file's digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    /// The path as given.
    pub path: String,
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
    Ok(FileDigest {
        path: path.display().to_string(),
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
}
