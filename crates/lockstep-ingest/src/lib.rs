//! Lockstep readers: Twitter IO archive, CooRTweet, IRA, CrowdTangle, twarc JSONL, generic
//! CSV/JSONL/Parquet.
//!
//! [`read_paths`] reads one or more files of one dataset (e.g. tweets + users + logins) into a
//! single [`lockstep_model::Dataset`], detecting each file's [`Format`] from its header unless one
//! is forced. Every reader streams (no whole-file string), `.gz` and `.zst` are decompressed
//! transparently, and bad input is an [`IngestError`] displayed as `file:line: column: problem`.
//! In lenient mode bad rows are skipped, counted by reason in the [`IngestReport`] and, with a
//! quarantine path, copied byte for byte to the quarantine file (reasons beside it).

mod csvdrive;
pub mod error;
pub mod format;
pub mod limits;
mod linedrive;
pub mod listfield;
pub mod mapping;
mod pardrive;
mod quarantine;
mod readers;
pub mod report;
mod source;
pub mod summary;
pub mod textextract;
pub mod timeparse;

pub use error::IngestError;
pub use format::{Format, UnknownFormat, detect_format};
pub use mapping::Mapping;
pub use readers::archive::snowflake_second;
pub use readers::parquet_file::json_rows as parquet_json_rows;
pub use report::{FileReport, IngestReport};
pub use summary::{LayerSupport, Summary, summarize};

use csvdrive::{CsvOpts, Ctx};
use lockstep_model::{Dataset, DatasetBuilder, SourceInfo};
use quarantine::Quarantine;
use std::path::{Path, PathBuf};

/// How to read the input files.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Force this format for every file instead of detecting it from the header.
    pub format: Option<Format>,
    /// Skip bad rows (counting them by reason) instead of stopping at the first.
    pub lenient: bool,
    /// Write rejected rows (original bytes) here and their reasons to `<path>.reasons`;
    /// implies `lenient`.
    pub quarantine: Option<PathBuf>,
    /// Column mapping for the generic CSV / JSONL / Parquet formats.
    pub mapping: Option<Mapping>,
    /// Show a progress bar on large files (only when stderr is a terminal).
    pub progress: bool,
    /// Longest record accepted (one CSV row, JSON line or JSON array element), in bytes; a
    /// longer one stops the read with [`IngestError::RecordTooLarge`] (also in lenient mode)
    /// before more than about this much is held in memory. 0: no limit. Default
    /// [`limits::DEFAULT_MAX_RECORD_BYTES`] (64 MiB).
    pub max_record_bytes: u64,
    /// Largest decompressed/compressed ratio of a `.gz` / `.zst` stream, beyond the first
    /// [`limits::RATIO_ALLOWANCE_BYTES`]; more stops the read with
    /// [`IngestError::CompressionRatio`]. 0: no limit. Default
    /// [`limits::DEFAULT_MAX_COMPRESSION_RATIO`] (1000).
    pub max_compression_ratio: u64,
    /// Block size of the parallel reader (archive tweets files), for tests and fuzzing: `None`
    /// (default) 8 MiB blocks, and files under 1 MiB row by row; `Some(0)` row by row always;
    /// `Some(n)` blocks of `n` bytes split in at least two parts whatever the file size, so
    /// records straddle block and part boundaries.
    pub par_block_bytes: Option<usize>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: None,
            lenient: false,
            quarantine: None,
            mapping: None,
            progress: false,
            max_record_bytes: limits::DEFAULT_MAX_RECORD_BYTES,
            max_compression_ratio: limits::DEFAULT_MAX_COMPRESSION_RATIO,
            par_block_bytes: None,
        }
    }
}

/// The result of reading: the merged dataset and what was found along the way.
#[derive(Debug)]
pub struct Ingested {
    /// All files merged into one dataset.
    pub dataset: Dataset,
    /// Per-file formats, counts, rejections and notes.
    pub report: IngestReport,
}

/// Reads `paths` (one dataset, several files allowed) into one [`Dataset`].
pub fn read_paths(paths: &[PathBuf], opts: &ReadOptions) -> Result<Ingested, IngestError> {
    if paths.is_empty() {
        return Err(IngestError::NoInput);
    }
    let mut b = DatasetBuilder::new();
    let mut report = IngestReport::default();
    let mut quarantine = match &opts.quarantine {
        Some(p) => Some(Quarantine::create(p, &lockstep_outdir::Inputs::new(paths))?),
        None => None,
    };
    let lenient = opts.lenient || opts.quarantine.is_some();
    for path in paths {
        let fr = read_one(path, opts, lenient, quarantine.as_mut(), &mut b)?;
        report.files.push(fr);
    }
    if let Some(q) = quarantine {
        q.finish()?;
    }
    Ok(Ingested {
        dataset: b.finish(),
        report,
    })
}

fn read_one(
    path: &Path,
    opts: &ReadOptions,
    lenient: bool,
    quarantine: Option<&mut Quarantine>,
    b: &mut DatasetBuilder,
) -> Result<FileReport, IngestError> {
    let opened = source::open(path, opts.progress, opts.max_compression_ratio)?;
    let (format, detected) = match opts.format {
        Some(f) => (f, false),
        None => match detect_format(&opened.head) {
            Some(f) => (f, true),
            None if opts.mapping.is_some() => {
                if opened.head.first() == Some(&b'{') {
                    (Format::GenericJsonl, true)
                } else {
                    (Format::GenericCsv, true)
                }
            }
            None => {
                let line = opened
                    .head
                    .split(|&c| c == b'\n')
                    .next()
                    .unwrap_or_default();
                let mut header: String = String::from_utf8_lossy(line).chars().take(120).collect();
                header = header.trim_end().to_string();
                return Err(IngestError::UnknownFormat {
                    path: path.to_path_buf(),
                    header,
                });
            }
        },
    };
    let mut fr = FileReport::new(path.display().to_string(), format, detected);
    let src = b.add_source(SourceInfo::new(
        fr.path.clone(),
        format.as_str(),
        fr.resolution,
    ));
    let dup_before = b.duplicate_posts;
    let bar = opened.progress.clone();
    {
        let mut ctx = Ctx {
            b: &mut *b,
            src,
            report: &mut fr,
        };
        let copts = CsvOpts {
            delimiter: b',',
            lenient,
            quarantine,
            max_record: opts.max_record_bytes,
        };
        let input = opened.reader;
        let head = opened.head;
        dispatch(path, format, input, &head, opts, lenient, copts, &mut ctx)?;
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    fr.duplicate_posts = b.duplicate_posts - dup_before;
    if fr.duplicate_posts > 0 {
        fr.notes.push(format!(
            "{} posts repeat an id already read; the first of each was kept",
            fr.duplicate_posts
        ));
    }
    let s = b.source_mut(src);
    s.resolution = fr.resolution;
    s.rows_read = fr.rows_read;
    s.rows_rejected = fr.rows_rejected;
    s.rejections = fr.rejections.clone();
    s.notes = fr.notes.clone();
    Ok(fr)
}

/// Runs the reader of `format` over one opened file.
#[allow(clippy::too_many_arguments)]
fn dispatch(
    path: &Path,
    format: Format,
    input: Box<dyn std::io::BufRead>,
    head: &[u8],
    opts: &ReadOptions,
    lenient: bool,
    copts: CsvOpts<'_>,
    ctx: &mut Ctx<'_>,
) -> Result<(), IngestError> {
    use readers::*;
    let need_mapping = || {
        opts.mapping.as_ref().ok_or_else(|| {
            IngestError::Mapping(format!(
                "{}: format {format} needs a column mapping (--mapping FILE.toml; see examples/mapping.toml)",
                path.display()
            ))
        })
    };
    match format {
        Format::ArchiveTweets => {
            let par = match opts.par_block_bytes {
                None => pardrive::ParOpts::default(),
                Some(0) => pardrive::ParOpts {
                    parts: 1,
                    ..Default::default()
                },
                Some(n) => pardrive::ParOpts {
                    block_bytes: n,
                    min_parallel: 0,
                    parts: rayon::current_num_threads().max(2),
                },
            };
            pardrive::drive(path, input, copts, ctx, par, archive::Tweets::new)
        }
        Format::ArchiveUsers => csvdrive::drive(path, input, copts, ctx, archive::Users::new),
        Format::Coortweet => csvdrive::drive(path, input, copts, ctx, coortweet::Shares::new),
        Format::CoortweetMulti => csvdrive::drive(path, input, copts, ctx, coortweet::Multi::new),
        Format::Ira538 => csvdrive::drive(path, input, copts, ctx, ira::Ira::new),
        Format::Crowdtangle => {
            csvdrive::drive(path, input, copts, ctx, crowdtangle::Crowdtangle::new)
        }
        Format::RetweetEdges => {
            csvdrive::drive(path, input, copts, ctx, |h| edges::Edges::new(h, path))
        }
        Format::Logins => csvdrive::drive(path, input, copts, ctx, tables::Logins::new),
        Format::PageAdmins => csvdrive::drive(path, input, copts, ctx, tables::PageAdmins::new),
        Format::Ads => csvdrive::drive(path, input, copts, ctx, tables::Ads::new),
        Format::GenericCsv => {
            let m = need_mapping()?;
            let copts = CsvOpts {
                delimiter: m.delimiter.map(|d| d as u8).unwrap_or(b','),
                ..copts
            };
            csvdrive::drive(path, input, copts, ctx, |h| generic::GenericCsv::new(h, m))
        }
        Format::GenericJsonl => {
            let m = need_mapping()?;
            let mut lists = generic::Lists::default();
            linedrive::drive(path, input, copts, ctx, |line, ctx| {
                let v = linedrive::parse_json(line)?;
                generic::add_row(m, &generic::JsonRow(&v), &mut lists, ctx)
            })?;
            ctx.report.resolution = m.resolution()?;
            Ok(())
        }
        Format::Parquet => {
            let m = need_mapping()?;
            parquet_file::read(
                path,
                m,
                lenient,
                opts.max_compression_ratio,
                copts.quarantine,
                ctx,
            )
        }
        Format::TwitterV2 => {
            let first = head.iter().find(|b| !b.is_ascii_whitespace());
            if first == Some(&b'[') {
                json_array(path, input, copts, ctx, twitter_v2::line)?;
            } else {
                linedrive::drive(path, input, copts, ctx, |line, ctx| {
                    twitter_v2::line(&linedrive::parse_json(line)?, ctx)
                })?;
            }
            ctx.report.resolution = lockstep_model::Resolution::Second;
            Ok(())
        }
        Format::TwitterV2Users => {
            let first = head.iter().find(|b| !b.is_ascii_whitespace());
            if first == Some(&b'[') {
                json_array(path, input, copts, ctx, twitter_v2::add_user)?;
            } else {
                linedrive::drive(path, input, copts, ctx, |line, ctx| {
                    twitter_v2::add_user(&linedrive::parse_json(line)?, ctx)
                })?;
            }
            ctx.report.resolution = lockstep_model::Resolution::Second;
            ctx.report
                .notes
                .push("v2 user objects: account profiles only, no posts".to_string());
            Ok(())
        }
    }
}

/// Reads a file holding one JSON array, one element at a time (never the whole array in
/// memory); an element is reported at the line where it ends, with its number ("array element
/// 3") in the problem. An element longer than
/// `opts.max_record` stops the read. In lenient mode a rejected element is quarantined as its
/// JSON text (re-serialised, not the original bytes).
fn json_array(
    path: &Path,
    input: Box<dyn std::io::BufRead>,
    opts: CsvOpts<'_>,
    ctx: &mut Ctx<'_>,
    mut each: impl FnMut(&serde_json::Value, &mut Ctx<'_>) -> Result<(), error::FieldError>,
) -> Result<(), IngestError> {
    use serde::Deserializer as _;
    let CsvOpts {
        lenient,
        mut quarantine,
        max_record,
        ..
    } = opts;
    let mark: limits::Mark = std::rc::Rc::new(std::cell::Cell::new(0));
    let newlines = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let counted = CountNewlines {
        inner: input,
        count: newlines.clone(),
    };
    let guard = limits::RecordGuard::new(counted, mark.clone(), max_record, 16);
    let pos = guard.position();
    let mut de = serde_json::Deserializer::from_reader(guard);
    let mut index = 0u64;
    let mut stop: Option<IngestError> = None;
    let mut on_element = |v: serde_json::Value| -> bool {
        index += 1;
        // serde_json reads byte by byte: the count is exact up to the element's end.
        let line = newlines.get() + 1;
        mark.set(pos.get());
        ctx.report.rows_read += 1;
        let Err(fe) = each(&v, ctx) else {
            return true;
        };
        if !lenient {
            stop = Some(
                lockstep_model::InputError::new(
                    path,
                    line,
                    fe.field.clone(),
                    format!("{} (array element {index})", fe.problem()),
                )
                .into(),
            );
            return false;
        }
        ctx.report.rows_rejected += 1;
        *ctx.report.rejections.entry(fe.reason_key()).or_insert(0) += 1;
        if let Some(q) = quarantine.as_deref_mut()
            && let Err(e) = q.write(path, line, &fe, v.to_string().as_bytes())
        {
            stop = Some(e);
            return false;
        }
        true
    };
    let r = (&mut de)
        .deserialize_seq(Elements(&mut on_element))
        .and_then(|()| de.end());
    if let Some(e) = stop {
        return Err(e);
    }
    r.map_err(|e| {
        if e.is_io() {
            IngestError::io(path, std::io::Error::from(e)).at_line(newlines.get() + 1)
        } else {
            lockstep_model::InputError::new(
                path,
                (e.line() as u64).max(1),
                "json",
                format!("invalid JSON array: {e}"),
            )
            .into()
        }
    })
}

/// Counts the `\n` bytes read through it.
struct CountNewlines<R> {
    inner: R,
    count: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: std::io::Read> std::io::Read for CountNewlines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let nl = memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        self.count.set(self.count.get() + nl);
        Ok(n)
    }
}

/// A serde visitor handing each element of a JSON array to a callback (which returns false to
/// stop), so the array is never held whole.
struct Elements<'f, F>(&'f mut F);

impl<'de, F: FnMut(serde_json::Value) -> bool> serde::de::Visitor<'de> for Elements<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<serde_json::Value>()? {
            if !(self.0)(v) {
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}
