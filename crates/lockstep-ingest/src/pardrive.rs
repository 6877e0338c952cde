//! Parallel CSV reading for formats whose rows are independent (the archive tweets file).
//!
//! The stream is read in blocks of [`BLOCK_BYTES`]. Each block is cut at record boundaries —
//! `\n` bytes outside quoted fields, found by one pass of a small quote state machine over the
//! bytes ([`record_ends`]) — into one part per thread; the parts are parsed in parallel (rayon) by
//! the format's ordinary row reader into part builders with interners of their own, then absorbed
//! in file order into the dataset ([`DatasetBuilder::absorb`]): strings, accounts and posts come
//! out exactly as a one-by-one read would make them, and so do line numbers in errors (csv counts
//! every `\n`, so a part's first line is one past the `\n`s before it) and the quarantine's rows
//! and order. Three things overlap: the calling thread reads and cuts block `k + 1` while the pool
//! absorbs block `k - 1` and parses block `k`.
//!
//! Two cases are read one row at a time instead, to stay exact: a block whose quotes csv would
//! not read as RFC 4180 quoting (a `"` inside an unquoted field, text after a closing quote), from
//! that block to the end of the file, since its record boundaries cannot be found by the scan;
//! and a part holding a post id already in the dataset (a duplicate across parts), which is
//! re-read row by row into the dataset.

use crate::csvdrive::{CsvOpts, CsvRows, Ctx, Header, LoopOpts, record_loop};
use crate::error::{FieldError, IngestError};
use crate::format::Format;
use crate::quarantine::Quarantine;
use crate::report::FileReport;
use lockstep_model::{DatasetBuilder, InputError};
use rayon::prelude::*;
use std::io::{BufRead, Cursor, Read};
use std::path::Path;

/// Bytes read per block (each block is split into one part per thread).
pub(crate) const BLOCK_BYTES: usize = 8 << 20;

/// Files smaller than this are read row by row (splitting would cost more than it gains).
const MIN_PARALLEL_BYTES: usize = 1 << 20;

/// File bytes per distinct string, for sizing the interner before a read: archive tweets
/// files hold one new string (mostly tweet ids and texts) per ~240 bytes; a little more room
/// than that keeps the table from growing at the end.
const STRING_EVERY_BYTES: u64 = 192;

/// A row reader that can run on parts of a file in parallel.
pub(crate) trait ParRows: CsvRows + Send {
    /// Makes this reader one of a part: writes whose effect depends on rows before the part
    /// (a profile "first row of the file wins") are deferred to the absorption.
    fn for_part(&mut self);

    /// Adds the counters of a reader that read an absorbed part.
    fn absorb_counts(&mut self, part: &Self);

    /// "Profile already taken from this file" flags by account, shared by all parts.
    fn profiled(&mut self) -> &mut Vec<bool>;
}

/// How to cut and read blocks.
pub(crate) struct ParOpts {
    /// Bytes per block.
    pub block_bytes: usize,
    /// Below this many bytes the file is read row by row.
    pub min_parallel: usize,
    /// Parts per block (normally the rayon thread count).
    pub parts: usize,
}

impl Default for ParOpts {
    fn default() -> Self {
        ParOpts {
            block_bytes: BLOCK_BYTES,
            min_parallel: MIN_PARALLEL_BYTES,
            parts: rayon::current_num_threads(),
        }
    }
}

/// One part's result.
struct Part<R> {
    builder: DatasetBuilder,
    /// The part's reader (`None` only when `error` says why).
    rows: Option<R>,
    report: FileReport,
    /// Rejected rows: line within the part, reason, original bytes (when kept).
    rejects: Vec<(u64, FieldError, Vec<u8>)>,
    /// Strict mode's first error (line within the part).
    error: Option<IngestError>,
    /// `\n` bytes in the part.
    newlines: u64,
    /// The byte before the part.
    prev: u8,
}

/// A block whose parts are parsed and wait to be absorbed.
struct Parsed<R> {
    block: Vec<u8>,
    ranges: Vec<(usize, usize)>,
    parts: Vec<Part<R>>,
    /// Lines of the file before the block.
    line_base: u64,
}

/// Reads a CSV stream like [`crate::csvdrive::drive`], in parallel where it can: while the
/// pool absorbs one block and parses the next, the calling thread reads and cuts the block after
/// that.
pub(crate) fn drive<R: ParRows>(
    path: &Path,
    mut input: Box<dyn BufRead>,
    opts: CsvOpts<'_>,
    ctx: &mut Ctx<'_>,
    par: ParOpts,
    make: impl Fn(&Header) -> Result<R, FieldError> + Sync,
) -> Result<(), IngestError> {
    let CsvOpts {
        delimiter,
        lenient,
        mut quarantine,
        max_record,
    } = opts;
    let (header, head_lines, prev_byte) =
        crate::csvdrive::header_of(path, &mut input, delimiter, max_record)?;
    let mut rows =
        make(&header).map_err(|e| InputError::new(path, 1, e.field.clone(), e.problem()))?;
    let keep_bytes = lenient && quarantine.is_some();
    let seq = Seq {
        path,
        delimiter,
        header: &header,
        lenient,
        keep_bytes,
        max_record,
    };
    let (src, format) = (ctx.src, ctx.report.format);
    let mut reader = Blocks {
        path,
        input: &mut input,
        delimiter,
        max_record,
        parts: par.parts,
        min_parallel: par.min_parallel,
        block_bytes: par.block_bytes.max(1),
        carry: Vec::new(),
        spare: None,
        prev_byte,
        first: true,
        done: false,
    };
    // Room in the interner for the strings a file of this size usually holds (a hint: the
    // table then need not grow, and re-place every entry, several times while reading).
    if let Ok(meta) = std::fs::metadata(path) {
        let hint = meta.len() / STRING_EVERY_BYTES;
        ctx.b
            .reserve_strings(usize::try_from(hint).unwrap_or(usize::MAX));
    }
    let mut pending: Option<Parsed<R>> = None;
    // Lines of the file before the next block.
    let mut line_base = head_lines;
    let mut next = reader.next();
    loop {
        let block = match next {
            Ok(Next::Block(b)) => b,
            Ok(Next::End) => break,
            Ok(Next::Rows { bytes, prev_byte }) => {
                // Row by row from here to the end of the file.
                if let Some(p) = pending.take() {
                    absorb_block(&seq, p, &mut rows, ctx, quarantine.as_deref_mut())?;
                }
                let rest = Cursor::new(bytes).chain(&mut *reader.input);
                let at = (line_base, prev_byte);
                seq.read(rest, at, &mut rows, ctx, quarantine.as_deref_mut())?;
                return rows.finish(ctx);
            }
            Ok(Next::TooLarge) | Err(_) => {
                // The rows before the failed read come first (their errors win).
                if let Some(p) = pending.take() {
                    absorb_block(&seq, p, &mut rows, ctx, quarantine.as_deref_mut())?;
                }
                return Err(match next {
                    Err(e) => e,
                    _ => IngestError::RecordTooLarge {
                        path: path.to_path_buf(),
                        line: line_base + 1,
                        limit: max_record,
                    },
                });
            }
        };
        let Block {
            buf,
            ranges,
            prev_byte,
        } = block;
        let (absorbed, parts, after) = std::thread::scope(|s| {
            let work = s.spawn(|| {
                rayon::join(
                    || match pending.take() {
                        Some(p) => absorb_block(&seq, p, &mut rows, ctx, quarantine.as_deref_mut())
                            .map(Some),
                        None => Ok(None),
                    },
                    || {
                        ranges
                            .par_iter()
                            .map(|&(a, b)| {
                                let prev = if a > 0 { buf[a - 1] } else { prev_byte };
                                parse_part(&seq, &buf[a..b], prev, src, format, &make)
                            })
                            .collect::<Vec<Part<R>>>()
                    },
                )
            });
            let after = reader.next();
            match work.join() {
                Ok((absorbed, parts)) => (absorbed, parts, after),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        // The absorbed block's buffer holds the block after next (no fresh pages per block).
        reader.spare = absorbed?;
        let newlines: u64 = parts.iter().map(|p| p.newlines).sum();
        pending = Some(Parsed {
            block: buf,
            ranges,
            parts,
            line_base,
        });
        line_base += newlines;
        next = after;
    }
    if let Some(p) = pending.take() {
        absorb_block(&seq, p, &mut rows, ctx, quarantine)?;
    }
    rows.finish(ctx)
}

/// Whole records read from the stream, cut into parts.
struct Block {
    buf: Vec<u8>,
    ranges: Vec<(usize, usize)>,
    /// The byte before the block.
    prev_byte: u8,
}

/// What the block reader found next (the caller counts lines: a block's are known once its
/// parts are parsed).
enum Next {
    Block(Block),
    /// Read row by row from here: these bytes (after the byte `prev_byte`), then the rest of
    /// the input.
    Rows {
        bytes: Vec<u8>,
        prev_byte: u8,
    },
    /// The next record is longer than the record limit.
    TooLarge,
    End,
}

/// Reads the stream in blocks of whole records (the calling thread's part of [`drive`]).
struct Blocks<'a> {
    path: &'a Path,
    input: &'a mut Box<dyn BufRead>,
    delimiter: u8,
    max_record: u64,
    parts: usize,
    min_parallel: usize,
    block_bytes: usize,
    /// Bytes read past the last block's end (the start of the next record).
    carry: Vec<u8>,
    /// An emptied block buffer to read the next block into.
    spare: Option<Vec<u8>>,
    /// The byte before `carry`.
    prev_byte: u8,
    first: bool,
    done: bool,
}

impl Blocks<'_> {
    fn next(&mut self) -> Result<Next, IngestError> {
        if self.done {
            return Ok(Next::End);
        }
        loop {
            let mut buf = match self.spare.take() {
                Some(mut spare) => {
                    spare.clear();
                    spare.extend_from_slice(&self.carry);
                    self.carry.clear();
                    spare
                }
                None => std::mem::take(&mut self.carry),
            };
            let eof = fill(self.path, self.input, &mut buf, self.block_bytes)?;
            if buf.is_empty() {
                self.done = true;
                return Ok(Next::End);
            }
            let small = self.first && eof && buf.len() < self.min_parallel;
            self.first = false;
            let bounds = if small || self.parts < 2 {
                None
            } else {
                record_ends(&buf, self.delimiter)
            };
            let Some(bounds) = bounds else {
                self.done = true;
                return Ok(Next::Rows {
                    bytes: buf,
                    prev_byte: self.prev_byte,
                });
            };
            let end = if eof {
                buf.len()
            } else {
                match last_boundary(&buf, &bounds) {
                    Some(e) => e,
                    None => {
                        // One record longer than the block: read more, up to the record limit
                        // (the block holds the record from its start).
                        if self.max_record > 0 && buf.len() as u64 > self.max_record {
                            self.done = true;
                            return Ok(Next::TooLarge);
                        }
                        self.block_bytes = self.block_bytes.saturating_mul(2);
                        if self.max_record > 0 {
                            let cap = usize::try_from(self.max_record.saturating_add(1))
                                .unwrap_or(usize::MAX);
                            self.block_bytes = self.block_bytes.min(cap.max(buf.len() + 1));
                        }
                        self.carry = buf;
                        continue;
                    }
                }
            };
            self.carry.clear();
            self.carry.extend_from_slice(&buf[end..]);
            buf.truncate(end);
            self.done = eof && self.carry.is_empty();
            let ranges = cut_points(&buf, &bounds, self.parts);
            let block = Block {
                prev_byte: self.prev_byte,
                ranges,
                buf,
            };
            self.prev_byte = block.buf.last().copied().unwrap_or(self.prev_byte);
            return Ok(Next::Block(block));
        }
    }
}

/// Absorbs the parts of one block in order; returns the block's buffer (to read into again).
fn absorb_block<R: ParRows>(
    seq: &Seq<'_>,
    p: Parsed<R>,
    rows: &mut R,
    ctx: &mut Ctx<'_>,
    mut quarantine: Option<&mut Quarantine>,
) -> Result<Vec<u8>, IngestError> {
    let mut line_base = p.line_base;
    for (&(a, b), part) in p.ranges.iter().zip(p.parts) {
        let newlines = part.newlines;
        absorb_part(
            seq,
            part,
            &p.block[a..b],
            line_base,
            rows,
            ctx,
            quarantine.as_deref_mut(),
        )?;
        line_base += newlines;
    }
    Ok(p.block)
}

/// What a row-by-row read of part of the file needs.
struct Seq<'a> {
    path: &'a Path,
    delimiter: u8,
    header: &'a Header,
    lenient: bool,
    keep_bytes: bool,
    max_record: u64,
}

impl Seq<'_> {
    /// Reads `input` (starting `at.0` lines into the file, after the byte `at.1`) row by row
    /// into `ctx`.
    fn read<I: Read, R: CsvRows>(
        &self,
        input: I,
        at: (u64, u8),
        rows: &mut R,
        ctx: &mut Ctx<'_>,
        mut quarantine: Option<&mut Quarantine>,
    ) -> Result<(), IngestError> {
        let path = self.path;
        let mut write = |line: u64, fe: &FieldError, bytes: &[u8]| match quarantine.as_deref_mut() {
            Some(q) => q.write(path, line, fe, bytes),
            None => Ok(()),
        };
        record_loop(
            path,
            input,
            self.delimiter,
            self.header,
            rows,
            ctx,
            LoopOpts {
                line_offset: at.0,
                lenient: self.lenient,
                on_reject: Some(&mut write),
                keep_bytes: self.keep_bytes,
                prev_byte: at.1,
                max_record: self.max_record,
            },
        )
    }
}

/// Parses one part into a builder of its own.
fn parse_part<R: ParRows>(
    seq: &Seq<'_>,
    bytes: &[u8],
    prev: u8,
    src: u16,
    format: Format,
    make: &(impl Fn(&Header) -> Result<R, FieldError> + Sync),
) -> Part<R> {
    let newlines = memchr::memchr_iter(b'\n', bytes).count() as u64;
    let mut builder = DatasetBuilder::new();
    let mut report = FileReport::new(String::new(), format, false);
    let mut rejects = Vec::new();
    // The header was accepted by the same constructor before any part was cut.
    let mut rows = match make(seq.header) {
        Ok(r) => r,
        Err(e) => {
            let e = InputError::new(seq.path, 1, e.field.clone(), e.problem());
            return Part {
                builder,
                rows: None,
                report,
                rejects,
                error: Some(e.into()),
                newlines,
                prev,
            };
        }
    };
    rows.for_part();
    let mut on_reject = |line: u64, fe: &FieldError, b: &[u8]| {
        rejects.push((line, fe.clone(), b.to_vec()));
        Ok(())
    };
    let mut ctx = Ctx {
        b: &mut builder,
        src,
        report: &mut report,
    };
    let error = record_loop(
        seq.path,
        bytes,
        seq.delimiter,
        seq.header,
        &mut rows,
        &mut ctx,
        LoopOpts {
            line_offset: 0,
            lenient: seq.lenient,
            on_reject: Some(&mut on_reject),
            keep_bytes: seq.keep_bytes,
            prev_byte: prev,
            max_record: seq.max_record,
        },
    )
    .err();
    Part {
        builder,
        rows: Some(rows),
        report,
        rejects,
        error,
        newlines,
        prev,
    }
}

/// Adds one parsed part (file bytes `bytes`, starting `line_base` lines into the file) to the
/// dataset, in file order.
fn absorb_part<R: ParRows>(
    seq: &Seq<'_>,
    part: Part<R>,
    bytes: &[u8],
    line_base: u64,
    rows: &mut R,
    ctx: &mut Ctx<'_>,
    quarantine: Option<&mut Quarantine>,
) -> Result<(), IngestError> {
    if let Some(mut e) = part.error {
        match &mut e {
            IngestError::Input(ie) => ie.line += line_base,
            IngestError::RecordTooLarge { line, .. } => *line += line_base,
            _ => {}
        }
        ctx.report.rows_read += part.report.rows_read;
        return Err(e);
    }
    let Some(part_rows) = part.rows else {
        return Ok(());
    };
    if !ctx.b.absorb(part.builder, rows.profiled()) {
        // A post id repeats one read before: only a row-by-row read matches a sequential one.
        return seq.read(bytes, (line_base, part.prev), rows, ctx, quarantine);
    }
    let r = &mut *ctx.report;
    r.rows_read += part.report.rows_read;
    r.rows_rejected += part.report.rows_rejected;
    for (k, n) in part.report.rejections {
        *r.rejections.entry(k).or_insert(0) += n;
    }
    if let Some(q) = quarantine {
        for (line, fe, b) in &part.rejects {
            q.write(seq.path, line + line_base, fe, b)?;
        }
    }
    rows.absorb_counts(&part_rows);
    Ok(())
}

/// Reads from `input` until `buf` holds at least `want` bytes; true at the end of the stream.
fn fill(
    path: &Path,
    input: &mut Box<dyn BufRead>,
    buf: &mut Vec<u8>,
    want: usize,
) -> Result<bool, IngestError> {
    buf.reserve(want.saturating_sub(buf.len()));
    while buf.len() < want {
        let need = (want - buf.len()) as u64;
        let n = input
            .by_ref()
            .take(need)
            .read_to_end(buf)
            .map_err(|e| IngestError::io(path, e))?;
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The record-ending `\n`s of `buf` (which starts at a record boundary): the positions, above
/// 0, of `\n` bytes outside quoted fields, in order; or `None` when some quote is not RFC 4180
/// quoting that csv would read the same way: an opening quote not at the start of a field, or a
/// closing quote followed by something other than a quote, the delimiter or a line end. Where
/// the buffer ends mid-stream, a quote whose meaning depends on the next byte is taken as still
/// open (no `\n` after it counts; at the end of the stream no `\n` follows it either).
///
/// One pass over the bytes with a small state machine (no allocation per field): the archive
/// export quotes every field, so a search per quote would cost a call every few bytes.
fn record_ends(buf: &[u8], delimiter: u8) -> Option<Vec<usize>> {
    let n = buf.len();
    let mut ends = Vec::with_capacity(n / 256);
    let mut i = 0;
    while i < n {
        let c = buf[i];
        if c == b'\n' {
            if i > 0 {
                ends.push(i);
            }
            i += 1;
            continue;
        }
        if c != b'"' {
            i += 1;
            continue;
        }
        // An opening quote: it must start a field.
        if i > 0 && !matches!(buf[i - 1], b'\n' | b'\r') && buf[i - 1] != delimiter {
            return None;
        }
        let mut j = i + 1;
        i = loop {
            // The field's next quote: closing, or the first of an escaped pair.
            let Some(o) = buf[j..].iter().position(|&b| b == b'"') else {
                // Open to the end of the buffer.
                return Some(ends);
            };
            let close = j + o;
            match buf.get(close + 1) {
                Some(b'"') => j = close + 2,
                Some(&c) if c == delimiter || c == b'\n' || c == b'\r' => break close + 1,
                // Closed at the end of the stream, or open (its meaning needs the next byte):
                // no `\n` follows either way.
                None => return Some(ends),
                Some(_) => return None,
            }
        };
    }
    Some(ends)
}

/// The end of the first record boundary at or after `from` (see [`cut_at`]), given the
/// record-ending `\n`s of `buf` ([`record_ends`]).
fn next_boundary(buf: &[u8], ends: &[usize], from: usize) -> Option<usize> {
    // A `\n` at 0 ends the previous block's CRLF record (see `cut_at`): never listed.
    let k = ends.partition_point(|&nl| nl < from);
    ends.get(k).map(|&nl| cut_at(buf, nl))
}

/// Where to cut at the record terminator `\n` at `nl`: after it, or between `\r` and `\n`,
/// where csv itself stops reading a CRLF record (its next read starts at the `\n`; cutting there
/// keeps the line numbers csv reports identical to a row-by-row read).
fn cut_at(buf: &[u8], nl: usize) -> usize {
    if nl > 0 && buf[nl - 1] == b'\r' {
        nl
    } else {
        nl + 1
    }
}

/// The end of the last record boundary of `buf` (see [`cut_at`]).
fn last_boundary(buf: &[u8], ends: &[usize]) -> Option<usize> {
    ends.last().map(|&nl| cut_at(buf, nl))
}

/// Cuts `block` (whole records) into up to `parts` ranges of about equal size at record
/// boundaries.
fn cut_points(block: &[u8], ends: &[usize], parts: usize) -> Vec<(usize, usize)> {
    let mut cuts = vec![0];
    for k in 1..parts.max(1) {
        let target = block.len() / parts * k;
        let from = target.max(cuts[cuts.len() - 1]);
        match next_boundary(block, ends, from) {
            Some(b) if b < block.len() && b > cuts[cuts.len() - 1] => cuts.push(b),
            _ => {}
        }
    }
    cuts.push(block.len());
    cuts.windows(2).map(|w| (w[0], w[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readers::archive::Tweets;
    use lockstep_model::{Resolution, SourceInfo};
    use memchr::{memchr, memrchr};
    use proptest::prelude::*;

    const HEADER: &str = "tweetid,userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,user_profile_url,follower_count,following_count,account_creation_date,account_language,tweet_language,tweet_text,tweet_time,tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,is_retweet,retweet_userid,retweet_tweetid,latitude,longitude,quote_count,reply_count,like_count,retweet_count,hashtags,urls,user_mentions";

    /// Tweet texts as they appear in the file: plain, quoted with a delimiter, a line break,
    /// escaped quotes, empty, non-ASCII, and one with a bare quote csv reads literally.
    const TEXTS: [&str; 8] = [
        "plain words",
        "\"with, comma\"",
        "\"two\nlines\"",
        "\"say \"\"hi\"\" now\"",
        "",
        "café ☕ 香港",
        "\"ends with quote \"\"\"",
        "5\" tall",
    ];

    /// One generated row: (tweet id, user, text, version, kind of fault, retweet target).
    type Spec = (u16, u8, usize, u8, u8, u16);

    fn row(s: &Spec, irregular_ok: bool) -> String {
        let &(id, user, text, v, fault, rt) = s;
        let text = if !irregular_ok && text == 7 {
            TEXTS[0]
        } else {
            TEXTS[text]
        };
        let time = if fault == 1 {
            "not a time"
        } else {
            "2019-08-19 13:26"
        };
        let rt_cols = if rt % 3 == 0 {
            format!("True,{},{}", rt % 11, 100 + rt)
        } else {
            "False,,".to_string()
        };
        if fault == 2 {
            return format!("{id},{user},too,few");
        }
        format!(
            "{id},{user},Name {user}.{v},u{user},Loc,\"bio, {v}\",,{v},{},2017-01-0{},en,en,{text},{time},Client {v},,{},,{rt_cols},absent,absent,0,0,0,0,['t{v}'],[],['{}']",
            v / 2,
            1 + v % 9,
            if v % 4 == 0 {
                format!("{}", 100 + rt)
            } else {
                String::new()
            },
            (user + v) % 13,
        )
    }

    /// Reads `text` as an archive tweets file, row by row (`par: None`) or in parallel parts.
    fn read(
        text: &str,
        par: Option<ParOpts>,
        lenient: bool,
        quarantine: Option<&Path>,
    ) -> Result<(String, FileReport, String), String> {
        read_limited(text, par, lenient, quarantine, 0)
    }

    /// [`read`] with a record size limit.
    fn read_limited(
        text: &str,
        par: Option<ParOpts>,
        lenient: bool,
        quarantine: Option<&Path>,
        max_record: u64,
    ) -> Result<(String, FileReport, String), String> {
        let path = Path::new("t.csv");
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo::new(
            "t.csv",
            "twitter-archive-tweets",
            Resolution::Second,
        ));
        let mut report = FileReport::new("t.csv".into(), Format::ArchiveTweets, true);
        let mut q = quarantine.map(|p| {
            Quarantine::create(p, &lockstep_outdir::Inputs::default()).expect("quarantine")
        });
        let input: Box<dyn BufRead> = Box::new(Cursor::new(text.as_bytes().to_vec()));
        let opts = CsvOpts {
            delimiter: b',',
            lenient,
            quarantine: q.as_mut(),
            max_record,
        };
        let mut ctx = Ctx {
            b: &mut b,
            src,
            report: &mut report,
        };
        let res = match par {
            None => crate::csvdrive::drive(path, input, opts, &mut ctx, Tweets::new),
            Some(par) => drive(path, input, opts, &mut ctx, par, Tweets::new),
        };
        res.map_err(|e| e.to_string())?;
        let mut qtext = String::new();
        if let (Some(q), Some(p)) = (q, quarantine) {
            q.finish().expect("finish");
            qtext = std::fs::read_to_string(p).expect("read quarantine");
            let mut reasons = p.as_os_str().to_owned();
            reasons.push(".reasons");
            qtext.push_str(&std::fs::read_to_string(reasons).expect("read reasons"));
        }
        report.duplicate_posts = b.duplicate_posts;
        let ds = b.finish();
        let strings: Vec<&str> = (0..ds.strings.len())
            .map(|i| ds.str(lockstep_model::Sym(i as u32)))
            .collect();
        let dump = format!("{strings:?}\n{:?}\n{:?}", ds.accounts, ds.posts);
        Ok((dump, report, qtext))
    }

    fn file(specs: &[Spec], crlf: bool, irregular_ok: bool) -> String {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut t = String::from(HEADER);
        for s in specs {
            t.push_str(nl);
            t.push_str(&row(s, irregular_ok));
        }
        t.push_str(nl);
        t
    }

    fn spec() -> impl Strategy<Value = Spec> {
        (
            0u16..60,
            0u8..9,
            0usize..TEXTS.len(),
            0u8..20,
            prop_oneof![8 => Just(0u8), 1 => Just(1), 1 => Just(2)],
            0u16..40,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Parallel parts give exactly what a row-by-row read gives: strings in the same order,
        /// accounts, posts, profiles, counts, errors (with their lines) and quarantine.
        #[test]
        fn parallel_equals_row_by_row(
            specs in proptest::collection::vec(spec(), 1..120),
            crlf in any::<bool>(),
            irregular_ok in proptest::bool::weighted(0.2),
            lenient in any::<bool>(),
            block in 64usize..3000,
            parts in 2usize..4,
        ) {
            let text = file(&specs, crlf, irregular_ok);
            let dir = tempfile::tempdir().expect("tempdir");
            let (qa, qb) = (dir.path().join("a.q"), dir.path().join("b.q"));
            let seq = read(&text, None, lenient, lenient.then_some(qa.as_path()));
            let par = read(
                &text,
                Some(ParOpts { block_bytes: block, min_parallel: 0, parts }),
                lenient,
                lenient.then_some(qb.as_path()),
            );
            prop_assert_eq!(seq, par);
        }
    }

    // The span-based boundary search this module used before `record_ends` (a search per
    // quote and a list of every quoted field): kept as the reference the scan must agree with.
    /// The quoted fields of `buf` (which starts at a record boundary) as `(open, close)` quote
    /// positions (`close == buf.len()` when the field runs past the end of the buffer), or `None`
    /// when some quote is not RFC 4180 quoting that csv would read the same way: an opening quote
    /// not at the start of a field, or a closing quote followed by something other than a quote,
    /// the delimiter or a line end. Where the buffer ends mid-stream, a quote whose meaning depends
    /// on the next byte is taken as still open.
    fn ref_quoted_spans(buf: &[u8], delimiter: u8, eof: bool) -> Option<Vec<(usize, usize)>> {
        let mut spans = Vec::new();
        let mut i = 0;
        while let Some(off) = memchr(b'"', &buf[i..]) {
            let open = i + off;
            if open > 0 && !matches!(buf[open - 1], b'\n' | b'\r') && buf[open - 1] != delimiter {
                return None;
            }
            let mut j = open + 1;
            let close = loop {
                let Some(o) = buf.get(j..).and_then(|rest| memchr(b'"', rest)) else {
                    break None;
                };
                let close = j + o;
                match buf.get(close + 1) {
                    Some(b'"') => j = close + 2,
                    Some(&c) if c == delimiter || c == b'\n' || c == b'\r' => break Some(close),
                    None if eof => break Some(close),
                    None => break None,
                    Some(_) => return None,
                }
            };
            match close {
                Some(c) => {
                    spans.push((open, c));
                    i = c + 1;
                }
                None => {
                    spans.push((open, buf.len()));
                    return Some(spans);
                }
            }
        }
        Some(spans)
    }

    /// The quoted span holding position `p`, if any.
    fn ref_span_at(spans: &[(usize, usize)], p: usize) -> Option<(usize, usize)> {
        let k = spans.partition_point(|s| s.1 < p);
        spans.get(k).copied().filter(|s| s.0 < p)
    }

    /// The end of the first record boundary at or after `from` (see [`cut_at`]).
    fn ref_next_boundary(buf: &[u8], spans: &[(usize, usize)], from: usize) -> Option<usize> {
        // A `\n` at 0 ends the previous block's CRLF record (see `cut_at`): no boundary there.
        let mut p = from.max(1);
        loop {
            let nl = p + memchr(b'\n', buf.get(p..)?)?;
            match ref_span_at(spans, nl) {
                Some((_, close)) => p = close.checked_add(1)?,
                None => return Some(cut_at(buf, nl)),
            }
        }
    }

    /// The end of the last record boundary of `buf` (see [`cut_at`]).
    fn ref_last_boundary(buf: &[u8], spans: &[(usize, usize)]) -> Option<usize> {
        let mut end = buf.len();
        loop {
            let nl = memrchr(b'\n', &buf[..end]).filter(|&nl| nl > 0)?;
            match ref_span_at(spans, nl) {
                Some((open, _)) => end = open,
                None => return Some(cut_at(buf, nl)),
            }
        }
    }

    /// Boundaries as the span-based search finds them: every cut `next_boundary` gives from
    /// each offset, and the last boundary; `None` when the quoting is irregular.
    type Cuts = Option<(Vec<Option<usize>>, Option<usize>)>;

    fn ref_cuts(buf: &[u8], eof: bool) -> Cuts {
        let spans = ref_quoted_spans(buf, b',', eof)?;
        let next = (0..=buf.len())
            .map(|f| ref_next_boundary(buf, &spans, f))
            .collect();
        Some((next, ref_last_boundary(buf, &spans)))
    }

    fn new_cuts(buf: &[u8]) -> Cuts {
        let ends = record_ends(buf, b',')?;
        let next = (0..=buf.len())
            .map(|f| next_boundary(buf, &ends, f))
            .collect();
        Some((next, last_boundary(buf, &ends)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The one-pass scan finds the same record boundaries (and the same irregular quoting)
        /// as the span-based search, at the end of the stream and mid-stream.
        #[test]
        fn scan_equals_span_search(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'a'), Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r')],
                0..40,
            ),
            eof in any::<bool>(),
        ) {
            prop_assert_eq!(new_cuts(&bytes), ref_cuts(&bytes, eof));
        }
    }

    #[test]
    fn boundaries_skip_quoted_newlines() {
        let buf = b"a,\"x\ny\"\nb,c\n\"q\"\"\n\",d\n";
        let ends = record_ends(buf, b',').expect("regular");
        assert_eq!(ends, vec![7, 11, buf.len() - 1]);
        assert_eq!(next_boundary(buf, &ends, 0), Some(8));
        assert_eq!(next_boundary(buf, &ends, 9), Some(12));
        assert_eq!(next_boundary(buf, &ends, 13), Some(buf.len()));
        assert_eq!(last_boundary(buf, &ends), Some(buf.len()));
        // Cut mid-stream inside a quoted field: the last boundary is before it.
        let cut = &buf[..15];
        let ends = record_ends(cut, b',').expect("regular");
        assert_eq!(last_boundary(cut, &ends), Some(12));
        // A quote inside an unquoted field, or text after a closing quote: not scannable.
        assert_eq!(record_ends(b"a,b\"c\n", b','), None);
        assert_eq!(record_ends(b"a,\"b\"c\n", b','), None);
    }

    #[test]
    fn lines_count_crlf_and_blank_lines() {
        // CRLF, and blank lines (LF and CRLF) before the bad row: csv starts those reads before
        // the skipped line ends, the error must still name the bad row's own line.
        let mut specs: Vec<Spec> = (0..120).map(|i| (i, (i % 7) as u8, 0, 1, 0, 1)).collect();
        specs[100].4 = 1;
        for crlf in [false, true] {
            let text = file(&specs, crlf, false);
            let nl = if crlf { "\r\n" } else { "\n" };
            let bad = format!("{nl}{}", row(&specs[100], false));
            let blanks = format!("{nl}{nl}\n\r\n{nl}");
            let text = text.replacen(&bad, &format!("{blanks}{}", &bad[nl.len()..]), 1);
            let want = format!("t.csv:{}: tweet_time: bad timestamp", 2 + 100 + 4);
            for par in [
                None,
                Some(ParOpts {
                    block_bytes: 700,
                    min_parallel: 0,
                    parts: 2,
                }),
            ] {
                let err = read(&text, par, false, None).expect_err("bad row");
                assert!(err.starts_with(&want), "crlf {crlf}: {err}");
            }
            let dir = tempfile::tempdir().expect("tempdir");
            let q = dir.path().join("q");
            let (_, report, qtext) = read(&text, None, true, Some(&q)).expect("lenient");
            assert_eq!(report.rows_rejected, 1);
            assert!(qtext.contains(&format!("\n{want}")), "{qtext}");
        }
    }

    #[test]
    fn quarantine_bytes_agree_after_stray_carriage_returns() {
        // `\r\r\n\n` before a bad row (found by the fuzzer): the parallel reader may cut
        // between the `\r` and the `\n`; the quarantined bytes must not depend on it.
        let specs: Vec<Spec> = (0..60).map(|i| (i, (i % 7) as u8, 0, 1, 0, 1)).collect();
        let mut text = file(&specs, true, false);
        let bad = format!("\r\n{}", row(&(30, 1, 0, 1, 2, 1), false));
        let at = text.find("\r\n30,").expect("row 30");
        text.insert_str(at, &format!("\r{bad}\r\n"));
        let dir = tempfile::tempdir().expect("tempdir");
        let seq = read(&text, None, true, Some(&dir.path().join("s.q"))).expect("lenient");
        assert!(seq.2.starts_with("30,1,too,few\r\n"), "{:?}", seq.2);
        for block in [64, 100, 333, 700, 1500] {
            let par = read(
                &text,
                Some(ParOpts {
                    block_bytes: block,
                    min_parallel: 0,
                    parts: 2,
                }),
                true,
                Some(&dir.path().join(format!("p{block}.q"))),
            )
            .expect("lenient");
            assert_eq!(seq, par, "blocks of {block}");
        }
    }

    #[test]
    fn earlier_bad_row_wins_over_a_later_oversized_record() {
        // A bad row, then a record over the limit in the next block: the reader finds the long
        // record while the bad row's block still waits to be absorbed; the bad row must win,
        // as in a row-by-row read. Without the bad row, the oversized record is the error.
        for bad in [true, false] {
            let mut specs: Vec<Spec> = (0..120).map(|i| (i, (i % 7) as u8, 0, 1, 0, 1)).collect();
            if bad {
                specs[80].4 = 1;
            }
            let text = file(&specs, false, false);
            let long = format!("\n{}", row(&specs[81], false));
            let huge = long.replacen("plain words", &"w".repeat(5000), 1);
            let text = text.replacen(&long, &huge, 1);
            let want = if bad {
                format!("t.csv:{}: tweet_time: bad timestamp", 2 + 80)
            } else {
                format!("t.csv:{}:", 2 + 81)
            };
            for par in [
                None,
                Some(ParOpts {
                    block_bytes: 600,
                    min_parallel: 0,
                    parts: 2,
                }),
            ] {
                let err = read_limited(&text, par, false, None, 2000).expect_err("error");
                assert!(err.starts_with(&want), "bad {bad}: {err}");
                assert_eq!(err.contains("longer than"), !bad, "{err}");
            }
        }
    }

    #[test]
    fn strict_error_names_the_line_across_parts() {
        let mut specs: Vec<Spec> = (0..200).map(|i| (i, (i % 7) as u8, 2, 1, 0, 1)).collect();
        specs[150].4 = 1;
        let text = file(&specs, false, false);
        // Each row before the bad one spans two lines (a quoted line break in the text).
        let want = format!("t.csv:{}: tweet_time: bad timestamp", 2 + 2 * 150);
        for par in [
            None,
            Some(ParOpts {
                block_bytes: 500,
                min_parallel: 0,
                parts: 2,
            }),
        ] {
            let err = read(&text, par, false, None).expect_err("bad row");
            assert!(err.starts_with(&want), "{err}");
        }
    }
}
