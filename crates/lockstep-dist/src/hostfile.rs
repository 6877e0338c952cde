//! The hostfile: one `host:port` per line, in process order (timely's cluster format). Blank
//! lines and lines starting with `#` are skipped.

use std::path::{Path, PathBuf};
use thiserror::Error;

/// A hostfile that cannot be used.
#[derive(Debug, Error)]
pub enum HostfileError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The hostfile.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// A line that is not `host:port`.
    #[error("{path}:{line}: `{text}` is not host:port (port 1-65535)")]
    BadLine {
        /// The hostfile.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The line as written.
        text: String,
    },
    /// The same address twice.
    #[error("{path}:{line}: `{text}` is listed twice (every process needs its own host:port)")]
    Duplicate {
        /// The hostfile.
        path: PathBuf,
        /// 1-based line number of the repeat.
        line: usize,
        /// The address.
        text: String,
    },
}

/// Parses hostfile text (`path` names it in errors).
pub fn parse_hostfile(path: &Path, text: &str) -> Result<Vec<String>, HostfileError> {
    let mut out: Vec<String> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || HostfileError::BadLine {
            path: path.to_path_buf(),
            line: i + 1,
            text: line.to_string(),
        };
        let (host, port) = line.rsplit_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        if host.is_empty() || port == 0 || line.contains(char::is_whitespace) {
            return Err(bad());
        }
        if out.iter().any(|a| a == line) {
            return Err(HostfileError::Duplicate {
                path: path.to_path_buf(),
                line: i + 1,
                text: line.to_string(),
            });
        }
        out.push(line.to_string());
    }
    Ok(out)
}

/// Reads a hostfile.
pub fn read_hostfile(path: &Path) -> Result<Vec<String>, HostfileError> {
    let text = std::fs::read_to_string(path).map_err(|source| HostfileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_hostfile(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_bad_lines() {
        let p = Path::new("hosts.txt");
        let ok = parse_hostfile(p, "# cluster\n127.0.0.1:4000\n\n  node2:4001 \n").unwrap();
        assert_eq!(ok, vec!["127.0.0.1:4000", "node2:4001"]);
        let e = parse_hostfile(p, "a:1\nb:x\n").unwrap_err().to_string();
        assert_eq!(e, "hosts.txt:2: `b:x` is not host:port (port 1-65535)");
        assert!(parse_hostfile(p, "nohost\n").is_err());
        assert!(parse_hostfile(p, ":80\n").is_err());
        assert!(parse_hostfile(p, "a:0\n").is_err());
        let d = parse_hostfile(p, "a:1\na:1\n").unwrap_err().to_string();
        assert!(d.starts_with("hosts.txt:2:"), "{d}");
    }
}
