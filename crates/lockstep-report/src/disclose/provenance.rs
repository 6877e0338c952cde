//! Provenance of a disclosure's input: the files `disclose` reads must be the very files the
//! investigation read. `lockstep investigate` records each input's path as given, its canonical
//! absolute path, its size and its BLAKE3 digest in `summary.json` (`inputs`). [`resolve_inputs`]
//! finds those files again and verifies size and digest before anything is read:
//!
//! - recorded absolute path: that file, and only that file (a missing or changed file is an error
//!   naming it; a moved file is passed explicitly);
//! - older summaries without an absolute path: the relative path is tried against the
//!   investigation directory, then against the current directory; the first candidate whose size
//!   and digest match is used, and the caller is told which (never silently);
//! - files given explicitly (`--input FILE...`, e.g. moved files): each must match one recorded
//!   input by size and digest, and every recorded input must be given;
//! - an investigation that records no digests cannot be verified: its inputs must be given
//!   explicitly, and they are then used unverified (the caller warns).

use super::DiscloseError;
use std::path::{Path, PathBuf};

/// One input as the investigation recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedInput {
    /// The path as given to the investigation.
    pub path: String,
    /// Its canonical absolute path, when recorded.
    pub absolute: Option<PathBuf>,
    /// Size in bytes, when recorded.
    pub bytes: Option<u64>,
    /// BLAKE3 hex digest, when recorded.
    pub blake3: Option<String>,
}

impl RecordedInput {
    fn has_digest(&self) -> bool {
        self.bytes.is_some() && self.blake3.is_some()
    }
}

/// How an input file was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// At the absolute path the investigation recorded; size and digest verified.
    Recorded,
    /// An old relative path, resolved against this directory; size and digest verified.
    RelativeTo(PathBuf),
    /// Given explicitly and matched to a recorded input by size and digest.
    Explicit,
    /// Given explicitly; the investigation records no digest, so nothing was verified.
    Unverified,
}

/// One input file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// The file to read.
    pub path: PathBuf,
    /// The recorded input it stands for (`None` when nothing was recorded).
    pub recorded: Option<String>,
    /// How it was found.
    pub found: Found,
}

/// Why an input file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ProvenanceError {
    /// A recorded input is not where it was.
    #[error(
        "input {recorded}: not found (tried {}); if it was moved, give it with --input FILE...",
        tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    Missing {
        /// The input as recorded.
        recorded: String,
        /// Paths tried.
        tried: Vec<PathBuf>,
    },
    /// A file differs from the one the investigation read.
    #[error(
        "input {recorded}: {} is not the file the investigation read: {what}; refusing to use it",
        path.display()
    )]
    Mismatch {
        /// The input as recorded.
        recorded: String,
        /// The file found.
        path: PathBuf,
        /// What differs (size, or BLAKE3 digest), expected and found.
        what: String,
    },
    /// An explicit file matches no recorded input.
    #[error(
        "{}: {bytes} bytes, BLAKE3 {blake3}: matches none of the investigation's inputs ({recorded})",
        path.display()
    )]
    NotRecorded {
        /// The file given.
        path: PathBuf,
        /// Its size.
        bytes: u64,
        /// Its digest.
        blake3: String,
        /// The recorded inputs, for the message.
        recorded: String,
    },
    /// A recorded input was not among the explicit files.
    #[error(
        "input {recorded} ({bytes} bytes, BLAKE3 {blake3}) read by the investigation is not among the --input files"
    )]
    NotGiven {
        /// The input as recorded.
        recorded: String,
        /// Its recorded size.
        bytes: u64,
        /// Its recorded digest.
        blake3: String,
    },
    /// Nothing verifiable recorded and nothing given.
    #[error(
        "{}: the investigation records no input digests (summary.json `inputs`), so its input files cannot be verified; give them with --input FILE...",
        dir.display()
    )]
    NoDigests {
        /// The investigation directory.
        dir: PathBuf,
    },
    /// Reading or hashing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl From<ProvenanceError> for DiscloseError {
    fn from(e: ProvenanceError) -> Self {
        DiscloseError::Provenance(e)
    }
}

/// The inputs recorded in `dir/summary.json` (`inputs`: objects with `path`, and where recorded
/// `absolute`, `bytes`, `blake3`). When it records none, the paths of `run.toml` (or other path
/// keys of `summary.json`) are returned without digests. Empty when nothing is recorded.
pub fn recorded_inputs(dir: &Path) -> Result<Vec<RecordedInput>, DiscloseError> {
    let json_path = dir.join("summary.json");
    if json_path.exists() {
        let bytes = std::fs::read(&json_path).map_err(|e| DiscloseError::Io {
            path: json_path.clone(),
            source: e,
        })?;
        let v: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| DiscloseError::Investigation(format!("{}: {e}", json_path.display())))?;
        if let Some(items) = v.get("inputs").and_then(|x| x.as_array()) {
            let mut out = Vec::new();
            for item in items {
                let Some(path) = item.get("path").and_then(|p| p.as_str()) else {
                    continue;
                };
                out.push(RecordedInput {
                    path: path.to_string(),
                    absolute: item
                        .get("absolute")
                        .and_then(|p| p.as_str())
                        .map(PathBuf::from),
                    bytes: item.get("bytes").and_then(|b| b.as_u64()),
                    blake3: item
                        .get("blake3")
                        .and_then(|b| b.as_str())
                        .map(str::to_ascii_lowercase),
                });
            }
            if !out.is_empty() {
                return Ok(out);
            }
        }
    }
    let paths = super::investigation::recorded_paths(dir)?;
    Ok(paths
        .into_iter()
        .map(|path| RecordedInput {
            path,
            absolute: None,
            bytes: None,
            blake3: None,
        })
        .collect())
}

/// Size and BLAKE3 (hex) of a file, streamed.
pub fn digest(path: &Path) -> Result<(u64, String), ProvenanceError> {
    let d = lockstep_export::digest_file(path).map_err(|e| match e {
        lockstep_export::ExportError::Io { path, source } => ProvenanceError::Io { path, source },
        other => ProvenanceError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(other.to_string()),
        },
    })?;
    Ok((d.bytes, d.blake3))
}

fn short(h: &str) -> &str {
    &h[..h.len().min(16)]
}

/// Checks that `path` has the recorded size and digest.
fn verify(rec: &RecordedInput, path: &Path) -> Result<(), ProvenanceError> {
    let (Some(want_bytes), Some(want_hash)) = (rec.bytes, rec.blake3.as_deref()) else {
        return Ok(());
    };
    let meta = std::fs::metadata(path).map_err(|e| ProvenanceError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    if meta.len() != want_bytes {
        return Err(ProvenanceError::Mismatch {
            recorded: rec.path.clone(),
            path: path.to_path_buf(),
            what: format!(
                "size {} bytes where the investigation read {want_bytes} bytes",
                meta.len()
            ),
        });
    }
    let (_, got) = digest(path)?;
    if got != want_hash {
        return Err(ProvenanceError::Mismatch {
            recorded: rec.path.clone(),
            path: path.to_path_buf(),
            what: format!(
                "BLAKE3 {}… where the investigation read {}… (same size, different content)",
                short(&got),
                short(want_hash)
            ),
        });
    }
    Ok(())
}

/// The input files of the investigation in `dir`, verified (see the module documentation).
/// `explicit` are files given by the operator (empty: use the recorded paths); `cwd` is the
/// directory relative paths of old summaries are also tried against (the process's current
/// directory in the CLI).
pub fn resolve_inputs(
    dir: &Path,
    explicit: &[PathBuf],
    cwd: &Path,
) -> Result<Vec<InputFile>, DiscloseError> {
    let recorded = recorded_inputs(dir)?;
    let verifiable = !recorded.is_empty() && recorded.iter().all(RecordedInput::has_digest);
    if !explicit.is_empty() {
        if !verifiable {
            return Ok(explicit
                .iter()
                .map(|p| InputFile {
                    path: p.clone(),
                    recorded: None,
                    found: Found::Unverified,
                })
                .collect());
        }
        return Ok(match_explicit(&recorded, explicit)?);
    }
    if !verifiable {
        return Err(ProvenanceError::NoDigests {
            dir: dir.to_path_buf(),
        }
        .into());
    }
    let mut out = Vec::new();
    for rec in &recorded {
        if let Some(abs) = &rec.absolute {
            if !abs.exists() {
                return Err(ProvenanceError::Missing {
                    recorded: rec.path.clone(),
                    tried: vec![abs.clone()],
                }
                .into());
            }
            verify(rec, abs)?;
            out.push(InputFile {
                path: abs.clone(),
                recorded: Some(rec.path.clone()),
                found: Found::Recorded,
            });
            continue;
        }
        let p = PathBuf::from(&rec.path);
        let bases: Vec<PathBuf> = if p.is_absolute() {
            vec![PathBuf::new()]
        } else {
            vec![dir.to_path_buf(), cwd.to_path_buf()]
        };
        let mut tried = Vec::new();
        let mut first_mismatch = None;
        let mut hit = None;
        for base in bases {
            let cand = base.join(&p);
            if tried.contains(&cand) {
                continue;
            }
            tried.push(cand.clone());
            if !cand.is_file() {
                continue;
            }
            match verify(rec, &cand) {
                Ok(()) => {
                    hit = Some((cand, base));
                    break;
                }
                Err(e @ ProvenanceError::Mismatch { .. }) => {
                    first_mismatch.get_or_insert(e);
                }
                Err(e) => return Err(e.into()),
            }
        }
        match (hit, first_mismatch) {
            (Some((path, base)), _) => out.push(InputFile {
                path,
                recorded: Some(rec.path.clone()),
                found: if p.is_absolute() {
                    Found::Recorded
                } else {
                    Found::RelativeTo(base)
                },
            }),
            (None, Some(e)) => return Err(e.into()),
            (None, None) => {
                return Err(ProvenanceError::Missing {
                    recorded: rec.path.clone(),
                    tried,
                }
                .into());
            }
        }
    }
    Ok(out)
}

fn match_explicit(
    recorded: &[RecordedInput],
    explicit: &[PathBuf],
) -> Result<Vec<InputFile>, ProvenanceError> {
    let mut chosen: Vec<Option<PathBuf>> = vec![None; recorded.len()];
    for p in explicit {
        let (bytes, hash) = digest(p)?;
        let i = recorded
            .iter()
            .position(|r| r.bytes == Some(bytes) && r.blake3.as_deref() == Some(hash.as_str()))
            .ok_or_else(|| ProvenanceError::NotRecorded {
                path: p.clone(),
                bytes,
                blake3: hash.clone(),
                recorded: recorded
                    .iter()
                    .map(|r| {
                        format!(
                            "{}: {} bytes, BLAKE3 {}…",
                            r.path,
                            r.bytes.unwrap_or(0),
                            short(r.blake3.as_deref().unwrap_or(""))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            })?;
        // The same file given twice (or two copies): read once.
        if chosen[i].is_none() {
            chosen[i] = Some(p.clone());
        }
    }
    let mut out = Vec::new();
    for (rec, c) in recorded.iter().zip(chosen) {
        let path = c.ok_or_else(|| ProvenanceError::NotGiven {
            recorded: rec.path.clone(),
            bytes: rec.bytes.unwrap_or(0),
            blake3: rec.blake3.clone().unwrap_or_default(),
        })?;
        out.push(InputFile {
            path,
            recorded: Some(rec.path.clone()),
            found: Found::Explicit,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(dir: &Path, inputs: &[serde_json::Value]) {
        let v = serde_json::json!({ "version": "x", "inputs": inputs });
        std::fs::write(dir.join("summary.json"), v.to_string()).unwrap();
    }

    fn entry(path: &str, abs: Option<&Path>, content: &[u8]) -> serde_json::Value {
        let mut v = serde_json::json!({
            "path": path,
            "bytes": content.len(),
            "blake3": blake3::hash(content).to_hex().to_string(),
        });
        if let Some(a) = abs {
            v["absolute"] = serde_json::json!(a.display().to_string());
        }
        v
    }

    #[test]
    fn reads_the_recorded_absolute_path_not_a_namesake_in_the_working_directory() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        let inv = root.path().join("inv");
        let elsewhere = root.path().join("elsewhere");
        for d in [&data, &inv, &elsewhere] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(data.join("tweets.csv"), b"original").unwrap();
        std::fs::write(elsewhere.join("tweets.csv"), b"impostor").unwrap();
        summary(
            &inv,
            &[entry(
                "tweets.csv",
                Some(&data.join("tweets.csv")),
                b"original",
            )],
        );
        let got = resolve_inputs(&inv, &[], &elsewhere).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].path, data.join("tweets.csv"));
        assert_eq!(got[0].found, Found::Recorded);
        // Changed in place: refused, naming the file and what differs.
        std::fs::write(data.join("tweets.csv"), b"originaX").unwrap();
        let e = resolve_inputs(&inv, &[], &elsewhere)
            .unwrap_err()
            .to_string();
        assert!(e.contains("tweets.csv") && e.contains("BLAKE3"), "{e}");
        std::fs::write(data.join("tweets.csv"), b"longer content").unwrap();
        let e = resolve_inputs(&inv, &[], &elsewhere)
            .unwrap_err()
            .to_string();
        assert!(e.contains("size 14 bytes") && e.contains("8 bytes"), "{e}");
        std::fs::remove_file(data.join("tweets.csv")).unwrap();
        let e = resolve_inputs(&inv, &[], &elsewhere)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not found") && e.contains("--input"), "{e}");
    }

    #[test]
    fn old_relative_paths_are_verified_never_taken_from_the_working_directory_blindly() {
        let root = tempfile::tempdir().unwrap();
        let inv = root.path().join("inv");
        let good = root.path().join("good");
        let bad = root.path().join("bad");
        for d in [&inv, &good.join("data"), &bad.join("data")] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(good.join("data/users.csv"), b"the users").unwrap();
        std::fs::write(bad.join("data/users.csv"), b"other users").unwrap();
        summary(&inv, &[entry("data/users.csv", None, b"the users")]);
        // From the wrong directory: a namesake with other content is refused.
        let e = resolve_inputs(&inv, &[], &bad).unwrap_err().to_string();
        assert!(e.contains("data/users.csv") && e.contains("size"), "{e}");
        // From the right one: used, and the caller is told how it was found.
        let got = resolve_inputs(&inv, &[], &good).unwrap();
        assert_eq!(got[0].path, good.join("data/users.csv"));
        assert_eq!(got[0].found, Found::RelativeTo(good.clone()));
        // Nowhere: missing, listing what was tried.
        let e = resolve_inputs(&inv, &[], root.path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("not found"), "{e}");
    }

    #[test]
    fn explicit_files_are_matched_by_digest() {
        let root = tempfile::tempdir().unwrap();
        let inv = root.path().join("inv");
        std::fs::create_dir_all(&inv).unwrap();
        let (t, u, x) = (
            root.path().join("moved_t.csv"),
            root.path().join("moved_u.csv"),
            root.path().join("x.csv"),
        );
        std::fs::write(&t, b"tweets").unwrap();
        std::fs::write(&u, b"users").unwrap();
        std::fs::write(&x, b"something else").unwrap();
        summary(
            &inv,
            &[
                entry("tweets.csv", Some(Path::new("/gone/tweets.csv")), b"tweets"),
                entry("users.csv", Some(Path::new("/gone/users.csv")), b"users"),
            ],
        );
        // Given in any order, under any name: matched by digest, in the recorded order.
        let got = resolve_inputs(&inv, &[u.clone(), t.clone()], root.path()).unwrap();
        assert_eq!(
            got.iter().map(|f| f.path.clone()).collect::<Vec<_>>(),
            vec![t.clone(), u.clone()]
        );
        assert!(got.iter().all(|f| f.found == Found::Explicit));
        let e = resolve_inputs(&inv, &[t.clone(), x.clone()], root.path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.csv") && e.contains("matches none"), "{e}");
        let e = resolve_inputs(&inv, std::slice::from_ref(&t), root.path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("users.csv") && e.contains("not among"), "{e}");
        // Recorded absolute paths that are gone: the error says so.
        let e = resolve_inputs(&inv, &[], root.path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("/gone/tweets.csv"), "{e}");
    }

    #[test]
    fn without_digests_inputs_must_be_given() {
        let root = tempfile::tempdir().unwrap();
        let inv = root.path().join("inv");
        std::fs::create_dir_all(&inv).unwrap();
        std::fs::write(inv.join("run.toml"), "[input]\npaths = [\"a.csv\"]\n").unwrap();
        let e = resolve_inputs(&inv, &[], root.path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("no input digests"), "{e}");
        let got = resolve_inputs(&inv, &[root.path().join("a.csv")], root.path()).unwrap();
        assert_eq!(got[0].found, Found::Unverified);
    }
}
