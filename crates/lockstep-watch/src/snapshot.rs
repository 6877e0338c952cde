//! A snapshot: the horizon's posts read by `lockstep-ingest` and run through
//! `lockstep_pipeline::investigate`, the same code and configuration as batch.

use crate::WatchError;
use crate::message::{Message, MessageKind, NORMALISED_MAPPING};
use lockstep_model::Dataset;
use lockstep_pipeline::{InvestigateConfig, Investigation};
use std::io::Write;
use std::path::PathBuf;

/// What one snapshot found.
pub struct Snapshot {
    /// The horizon's posts as one dataset.
    pub dataset: Dataset,
    /// The batch pipeline's result on it.
    pub investigation: Investigation,
    /// Rows ingest refused (0 unless a message passed the arrival checks but not ingest).
    pub rejected: u64,
}

fn werr(p: &std::path::Path) -> impl FnOnce(std::io::Error) -> WatchError + '_ {
    move |source| WatchError::Io {
        path: p.display().to_string(),
        source,
    }
}

/// Writes `posts` (arrival order) as the files ingest reads: archive rows as an archive tweets
/// CSV, Twitter v2 tweets and normalised posts as JSON lines; returns the paths written.
fn write_inputs<'a>(
    dir: &std::path::Path,
    posts: impl Iterator<Item = &'a Message>,
) -> Result<Vec<PathBuf>, WatchError> {
    let archive_p = dir.join("archive.csv");
    let v2_p = dir.join("twitter_v2.jsonl");
    let norm_p = dir.join("normalised.jsonl");
    let mut archive: Option<csv::Writer<std::fs::File>> = None;
    let mut v2: Option<std::io::BufWriter<std::fs::File>> = None;
    let mut norm: Option<std::io::BufWriter<std::fs::File>> = None;
    let mut cells: Vec<String> = Vec::with_capacity(lockstep_model::archive::TWEET_COLUMNS.len());
    for m in posts {
        match m.kind {
            MessageKind::Archive => {
                if archive.is_none() {
                    let mut w = csv::Writer::from_path(&archive_p)
                        .map_err(|e| WatchError::State(format!("{}: {e}", archive_p.display())))?;
                    w.write_record(lockstep_model::archive::TWEET_COLUMNS)
                        .map_err(|e| WatchError::State(format!("{}: {e}", archive_p.display())))?;
                    archive = Some(w);
                }
                let o: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&m.raw).map_err(|e| WatchError::State(e.to_string()))?;
                cells.clear();
                for c in lockstep_model::archive::TWEET_COLUMNS {
                    cells.push(match o.get(c) {
                        None | Some(serde_json::Value::Null) => String::new(),
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(v) => v.to_string(),
                    });
                }
                if let Some(w) = archive.as_mut() {
                    w.write_record(&cells)
                        .map_err(|e| WatchError::State(format!("{}: {e}", archive_p.display())))?;
                }
            }
            MessageKind::TwitterV2 | MessageKind::Normalised => {
                let (slot, p) = if m.kind == MessageKind::TwitterV2 {
                    (&mut v2, &v2_p)
                } else {
                    (&mut norm, &norm_p)
                };
                if slot.is_none() {
                    let f = std::fs::File::create(p).map_err(werr(p))?;
                    *slot = Some(std::io::BufWriter::new(f));
                }
                if let Some(w) = slot.as_mut() {
                    writeln!(w, "{}", m.raw).map_err(werr(p))?;
                }
            }
        }
    }
    let mut paths = Vec::new();
    if let Some(mut w) = archive {
        w.flush().map_err(werr(&archive_p))?;
        paths.push(archive_p);
    }
    for (w, p) in [(v2, v2_p), (norm, norm_p)] {
        if let Some(mut w) = w {
            w.flush().map_err(werr(&p))?;
            paths.push(p);
        }
    }
    Ok(paths)
}

/// Reads `posts` with ingest (lenient: a row ingest refuses is counted, never stops the
/// watcher) and investigates them with `config`. `None` when there are no posts.
pub fn run<'a>(
    posts: impl Iterator<Item = &'a Message>,
    config: &InvestigateConfig,
) -> Result<Option<Snapshot>, WatchError> {
    let dir =
        tempfile::tempdir().map_err(|e| WatchError::State(format!("temporary directory: {e}")))?;
    let paths = write_inputs(dir.path(), posts)?;
    if paths.is_empty() {
        return Ok(None);
    }
    let opts = lockstep_ingest::ReadOptions {
        lenient: true,
        mapping: Some(
            lockstep_ingest::Mapping::from_toml_str(NORMALISED_MAPPING)
                .map_err(|e| WatchError::State(format!("normalised mapping: {e}")))?,
        ),
        ..Default::default()
    };
    let ing = lockstep_ingest::read_paths(&paths, &opts)
        .map_err(|e| WatchError::Snapshot(e.to_string()))?;
    let rejected = ing.report.rows_rejected();
    let investigation = lockstep_pipeline::investigate(&ing.dataset, config)
        .map_err(|e| WatchError::Snapshot(e.to_string()))?;
    Ok(Some(Snapshot {
        dataset: ing.dataset,
        investigation,
        rejected,
    }))
}
