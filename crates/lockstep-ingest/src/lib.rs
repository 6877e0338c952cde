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
pub use report::{FileReport, IngestReport};
pub use summary::{LayerSupport, Summary, summarize};

use csvdrive::{CsvOpts, Ctx};
use lockstep_model::{Dataset, DatasetBuilder, SourceInfo};
use quarantine::Quarantine;
use std::path::{Path, PathBuf};

/// How to read the input files.
#[derive(Clone, Debug, Default)]
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
    let opened = source::open(path, opts.progress)?;
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
        Format::ArchiveTweets => pardrive::drive(
            path,
            input,
            copts,
            ctx,
            pardrive::ParOpts::default(),
            archive::Tweets::new,
        ),
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
            linedrive::drive(path, input, lenient, copts.quarantine, ctx, |line, ctx| {
                let v = linedrive::parse_json(line)?;
                generic::add_row(m, &generic::JsonRow(&v), &mut lists, ctx)
            })?;
            ctx.report.resolution = m.resolution()?;
            Ok(())
        }
        Format::Parquet => {
            let m = need_mapping()?;
            parquet_file::read(path, m, lenient, copts.quarantine, ctx)
        }
        Format::TwitterV2 => {
            let first = head.iter().find(|b| !b.is_ascii_whitespace());
            if first == Some(&b'[') {
                json_array(path, input, lenient, ctx, twitter_v2::line)?;
            } else {
                linedrive::drive(path, input, lenient, copts.quarantine, ctx, |line, ctx| {
                    twitter_v2::line(&linedrive::parse_json(line)?, ctx)
                })?;
            }
            ctx.report.resolution = lockstep_model::Resolution::Second;
            Ok(())
        }
        Format::TwitterV2Users => {
            let first = head.iter().find(|b| !b.is_ascii_whitespace());
            if first == Some(&b'[') {
                json_array(path, input, lenient, ctx, twitter_v2::add_user)?;
            } else {
                linedrive::drive(path, input, lenient, copts.quarantine, ctx, |line, ctx| {
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

/// Reads a file holding one JSON array; element `i` (1-based) is reported as line `i`.
fn json_array(
    path: &Path,
    input: Box<dyn std::io::BufRead>,
    lenient: bool,
    ctx: &mut Ctx<'_>,
    mut each: impl FnMut(&serde_json::Value, &mut Ctx<'_>) -> Result<(), error::FieldError>,
) -> Result<(), IngestError> {
    let items: Vec<serde_json::Value> = serde_json::from_reader(input).map_err(|e| {
        IngestError::from(lockstep_model::InputError::new(
            path,
            e.line() as u64,
            "json",
            format!("invalid JSON array: {e}"),
        ))
    })?;
    for (i, v) in items.iter().enumerate() {
        ctx.report.rows_read += 1;
        if let Err(fe) = each(v, ctx) {
            if !lenient {
                return Err(lockstep_model::InputError::new(
                    path,
                    i as u64 + 1,
                    fe.field.clone(),
                    format!("{} (array element {})", fe.problem(), i + 1),
                )
                .into());
            }
            ctx.report.rows_rejected += 1;
            *ctx.report.rejections.entry(fe.reason_key()).or_insert(0) += 1;
        }
    }
    Ok(())
}
