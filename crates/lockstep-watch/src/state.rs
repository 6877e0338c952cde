//! The `--state DIR` checkpoint: everything needed to resume after `kill -9` (docs/watch.md,
//! "State and restarts").
//!
//! Files: `checkpoint.json` (replaced atomically), `alerts.jsonl` and `dead_letters.jsonl`
//! (appended before each checkpoint; lines past the checkpoint's counts are cut on restart),
//! `delivered` (how many alerts reached stdout / the alerts subject) and `status.json`.

use crate::WatchError;
use lockstep_outdir::{AtomicFile, Inputs};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// Counters shown by `lockstep watch --status`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counters {
    /// Messages read (including dead letters and blank lines).
    pub messages: u64,
    /// Posts accepted into the horizon.
    pub events_in: u64,
    /// Posts that left the horizon.
    pub events_expired: u64,
    /// Dead letters (malformed or too late).
    pub dead_letters: u64,
    /// Alerts raised.
    pub alerts: u64,
    /// Snapshots run.
    pub snapshots: u64,
    /// Snapshots where the incremental repost weights differed from the batch kernel's.
    pub incremental_mismatches: u64,
    /// Rows ingest rejected at snapshots (should stay 0: messages are checked on arrival).
    pub rejected_at_snapshot: u64,
}

/// The checkpoint.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Input position processed up to (stdin: line number; NATS: stream sequence).
    pub position: u64,
    /// Largest event time accepted.
    pub watermark: Option<i64>,
    /// Stream time of the next snapshot.
    pub next_tick: Option<i64>,
    /// Posts in the horizon: `(position, message)` in arrival order.
    pub horizon: Vec<(u64, String)>,
    /// Accounts already named by a `network` alert.
    pub alerted_accounts: BTreeSet<String>,
    /// Accounts already named by a `re_registration` alert.
    #[serde(default)]
    pub reregistered: BTreeSet<String>,
    /// What the watcher learned about each known network (by name) for re-registration.
    #[serde(default)]
    pub known_traits: std::collections::BTreeMap<String, crate::reregistration::NetworkTraits>,
    /// Every alert id raised.
    pub alert_ids: BTreeSet<String>,
    /// Lines of `alerts.jsonl` that belong to this checkpoint.
    pub alerts_logged: u64,
    /// Lines of `dead_letters.jsonl` that belong to this checkpoint.
    pub dead_letters_logged: u64,
    /// Counters.
    pub counters: Counters,
}

/// The file that marks a directory as a `lockstep watch` state directory.
pub const STATE_MARKER: &str = "lockstep-watch-state";

/// Paths inside the state directory.
#[derive(Clone, Debug)]
pub struct StateDir {
    /// The directory.
    pub dir: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WatchError + '_ {
    move |source| WatchError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl StateDir {
    /// Opens a state directory: a new or empty one is created and marked
    /// ([`STATE_MARKER`]); an existing one must carry the marker, so that a directory of the
    /// user's own files is never appended to or cut back on restart.
    pub fn open(dir: &Path) -> Result<StateDir, WatchError> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let marker = dir.join(STATE_MARKER);
        if !marker.exists() {
            let empty = std::fs::read_dir(dir).map_err(io(dir))?.next().is_none();
            if !empty {
                return Err(WatchError::Config(format!(
                    "--state {}: the directory is not empty and is not a lockstep watch state \
                     directory (no {STATE_MARKER}); give a new or empty directory",
                    dir.display()
                )));
            }
            let mut f = AtomicFile::create(&marker, &Inputs::new(&[] as &[PathBuf]))
                .map_err(|e| WatchError::State(e.to_string()))?;
            f.write_all(b"lockstep watch state directory (docs/watch.md)\n")
                .map_err(io(&marker))?;
            f.commit().map_err(|e| WatchError::State(e.to_string()))?;
        }
        Ok(StateDir {
            dir: dir.to_path_buf(),
        })
    }

    /// `DIR/NAME`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The last checkpoint, or `None` for a new state directory.
    pub fn load(&self) -> Result<Option<Checkpoint>, WatchError> {
        let p = self.path("checkpoint.json");
        match std::fs::read(&p) {
            Ok(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|e| WatchError::State(format!("{}: {e}", p.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&p)(e)),
        }
    }

    /// Replaces `NAME` whole with `bytes`.
    pub fn write_atomic(&self, name: &str, bytes: &[u8]) -> Result<(), WatchError> {
        let p = self.path(name);
        let mut f = AtomicFile::create(&p, &Inputs::new(&[] as &[PathBuf]))
            .map_err(|e| WatchError::State(e.to_string()))?;
        f.write_all(bytes).map_err(io(&p))?;
        f.commit().map_err(|e| WatchError::State(e.to_string()))
    }

    /// Writes the checkpoint atomically.
    pub fn save(&self, ck: &Checkpoint) -> Result<(), WatchError> {
        let b = serde_json::to_vec(ck).map_err(|e| WatchError::State(e.to_string()))?;
        self.write_atomic("checkpoint.json", &b)
    }

    /// Appends JSON lines to `NAME`.
    pub fn append(&self, name: &str, lines: &[String]) -> Result<(), WatchError> {
        if lines.is_empty() {
            return Ok(());
        }
        let p = self.path(name);
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&p)
            .map_err(io(&p))?;
        let mut buf = String::new();
        for l in lines {
            buf.push_str(l);
            buf.push('\n');
        }
        f.write_all(buf.as_bytes()).map_err(io(&p))?;
        f.sync_data().map_err(io(&p))
    }

    /// The first `keep` lines of `NAME` (the file is cut to them when it holds more: lines
    /// written after the last checkpoint by a watcher that was then killed).
    pub fn cut_to(&self, name: &str, keep: u64) -> Result<Vec<String>, WatchError> {
        let p = self.path(name);
        let f = match std::fs::File::open(&p) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&p)(e)),
        };
        let mut lines = Vec::new();
        let mut bytes = 0u64;
        for l in std::io::BufReader::new(f).lines() {
            if lines.len() as u64 == keep {
                break;
            }
            let l = l.map_err(io(&p))?;
            bytes += l.len() as u64 + 1;
            lines.push(l);
        }
        if (lines.len() as u64) < keep {
            return Err(WatchError::State(format!(
                "{}: holds {} line(s), the checkpoint counts {keep}",
                p.display(),
                lines.len()
            )));
        }
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .map_err(io(&p))?;
        f.set_len(bytes).map_err(io(&p))?;
        Ok(lines)
    }

    /// Alerts delivered to stdout / the alerts subject so far.
    pub fn delivered(&self) -> Result<u64, WatchError> {
        let p = self.path("delivered");
        match std::fs::read_to_string(&p) {
            Ok(s) => s
                .trim()
                .parse()
                .map_err(|_| WatchError::State(format!("{}: not a count", p.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(io(&p)(e)),
        }
    }

    /// Records that `n` alerts have been delivered.
    pub fn set_delivered(&self, n: u64) -> Result<(), WatchError> {
        self.write_atomic("delivered", n.to_string().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_of_other_files_is_refused_and_a_marked_one_reopens() {
        let d = tempfile::tempdir().unwrap();
        let mine = d.path().join("mine");
        std::fs::create_dir(&mine).unwrap();
        std::fs::write(mine.join("alerts.jsonl"), "my own notes\n").unwrap();
        let err = StateDir::open(&mine).unwrap_err().to_string();
        assert!(
            err.contains("not a lockstep watch state directory"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(mine.join("alerts.jsonl")).unwrap(),
            "my own notes\n"
        );
        // A new directory is created and marked; opening it again works.
        let state = d.path().join("state");
        let s = StateDir::open(&state).unwrap();
        s.append("alerts.jsonl", &["{}".to_string()]).unwrap();
        assert!(state.join(STATE_MARKER).exists());
        StateDir::open(&state).unwrap();
    }
}
