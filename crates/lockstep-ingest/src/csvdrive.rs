//! The shared CSV loop: header, record-by-record reading on the `ByteRecord` path (zero-copy
//! UTF-8 check into a reused `StringRecord`), strict errors naming file, line and column, and
//! lenient mode's quarantine of the original record bytes.

use crate::error::{FieldError, IngestError, shown};
use crate::limits::{Mark, RecordGuard};
use crate::quarantine::{Quarantine, Tee, Window};
use crate::report::FileReport;
use csv::{ByteRecord, StringRecord};
use lockstep_model::{DatasetBuilder, InputError};
use std::cell::RefCell;
use std::io::{BufRead, Read};
use std::path::Path;
use std::rc::Rc;

/// What a CSV row reader sees for each row.
pub(crate) struct Ctx<'a> {
    /// The dataset being built.
    pub b: &'a mut DatasetBuilder,
    /// This file's source index.
    pub src: u16,
    /// This file's report (notes, resolution).
    pub report: &'a mut FileReport,
}

/// A reader of one CSV format, built from the header.
pub(crate) trait CsvRows {
    /// Handles one data row. Must validate every field before adding anything to the builder,
    /// so that a rejected row leaves no trace.
    fn row(&mut self, rec: &StringRecord, ctx: &mut Ctx<'_>) -> Result<(), FieldError>;

    /// Called after the last row (flush buffered rows, write notes, set the resolution).
    fn finish(&mut self, _ctx: &mut Ctx<'_>) -> Result<(), IngestError> {
        Ok(())
    }
}

/// Column positions by (lowercased) header name.
pub(crate) struct Header {
    names: Vec<String>,
}

impl Header {
    /// The index of column `name`, if present.
    pub fn get(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The index of a required column, or an error naming it (line 1).
    pub fn need(&self, name: &str) -> Result<usize, FieldError> {
        self.get(name)
            .ok_or_else(|| FieldError::new(name, "missing column", "the header has no such column"))
    }

    /// The (lowercased) name of column `i`.
    pub fn name(&self, i: usize) -> &str {
        &self.names[i]
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.names.len()
    }
}

/// Options of one CSV (or JSON-lines) read.
pub(crate) struct CsvOpts<'q> {
    pub delimiter: u8,
    pub lenient: bool,
    pub quarantine: Option<&'q mut Quarantine>,
    /// Longest record accepted, in bytes (0: no limit).
    pub max_record: u64,
}

/// The csv reader's buffer (its read-ahead past the record it parses).
const CSV_BUFFER: usize = 256 * 1024;

/// A CSV reader over `input` with this crate's settings (no header handling, flexible rows).
pub(crate) fn csv_reader<I: Read>(input: I, delimiter: u8) -> csv::Reader<I> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(CSV_BUFFER)
        .from_reader(input)
}

/// Reads the header record (line 1): names lowercased and trimmed. (A UTF-8 BOM is dropped
/// where the file is opened, [`crate::source::open`].)
pub(crate) fn read_header<I: Read>(
    path: &Path,
    rdr: &mut csv::Reader<I>,
) -> Result<Header, IngestError> {
    let mut rec = ByteRecord::new();
    let got = rdr
        .read_byte_record(&mut rec)
        .map_err(|e| csv_error(path, e, 0))?;
    if !got {
        return Err(InputError::new(path, 1, "header", "empty file: no header line").into());
    }
    let names = rec
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_ascii_lowercase())
        .collect();
    Ok(Header { names })
}

/// Reads the header from `input` and nothing more (a reader of its own that buffers one byte),
/// so the record loop can take the rest; also returns the `\n`s the header took. A header
/// longer than `max_record` bytes is [`IngestError::RecordTooLarge`].
pub(crate) fn header_of(
    path: &Path,
    input: &mut Box<dyn BufRead>,
    delimiter: u8,
    max_record: u64,
) -> Result<(Header, u64, u8), IngestError> {
    let guard = RecordGuard::new(input, Mark::default(), max_record, 1);
    let mut peek = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(1)
        .from_reader(Newlines::new(guard, b'\n'));
    let header = read_header(path, &mut peek).map_err(|e| e.at_line(1))?;
    let lines = peek.position().line() - 1;
    Ok((header, lines, peek.get_ref().prev))
}

/// Counts the lines csv skips before a record. csv numbers a record by the line where its read
/// began, which is before the `\n` of a CRLF terminator (csv ends the record at the `\r`) and
/// before blank lines; the record itself starts after them. This reader notes, as bytes pass
/// through, each `\n` that directly follows `\r` or `\n` (the only kind such a skipped run
/// holds), so the record loop can add the ones between a read's start and the record.
pub(crate) struct Newlines<R> {
    inner: R,
    /// Offset of the next byte read.
    pos: u64,
    /// The byte before `pos` (before the input: what ended the text read before it).
    prev: u8,
    /// Offsets of noted `\n`s not yet passed.
    noted: std::collections::VecDeque<u64>,
}

impl<R> Newlines<R> {
    /// `prev` is the byte before the input (`\n` at a record boundary, `\r` when the input
    /// starts at the `\n` of a CRLF).
    pub fn new(inner: R, prev: u8) -> Self {
        Newlines {
            inner,
            pos: 0,
            prev,
            noted: std::collections::VecDeque::new(),
        }
    }

    /// The `\n`s in the run of line ends starting at offset `start` (where a read began).
    fn skipped_at(&mut self, start: u64) -> u64 {
        while self.noted.front().is_some_and(|&p| p < start) {
            self.noted.pop_front();
        }
        let mut n = 0;
        let mut last: Option<u64> = None;
        for &p in &self.noted {
            // A noted `\n` right at the start or after one `\r`; then each next one after at
            // most one `\r` (a byte between two noted `\n`s is a `\r`, or it would be noted).
            let joined = match last {
                None => p == start || p == start + 1,
                Some(l) => p == l + 1 || p == l + 2,
            };
            if !joined {
                break;
            }
            n += 1;
            last = Some(p);
        }
        n
    }
}

impl<R: Read> Read for Newlines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = &buf[..n];
        for i in memchr::memchr_iter(b'\n', got) {
            let before = if i == 0 { self.prev } else { got[i - 1] };
            if before == b'\n' || before == b'\r' {
                self.noted.push_back(self.pos + i as u64);
            }
        }
        if let Some(&last) = got.last() {
            self.prev = last;
        }
        self.pos += n as u64;
        Ok(n)
    }
}

/// What the record loop does with a rejected row in lenient mode: gets its line (counted over
/// the whole file), the reason and, when a quarantine wants them, the original bytes.
pub(crate) type OnReject<'a> =
    &'a mut dyn FnMut(u64, &FieldError, &[u8]) -> Result<(), IngestError>;

/// Where a record loop's input sits in its file, and what it does with bad rows.
pub(crate) struct LoopOpts<'a> {
    /// Lines of the file before this input (csv counts every `\n`, quoted or not).
    pub line_offset: u64,
    /// Skip bad rows instead of stopping at the first.
    pub lenient: bool,
    /// Lenient mode's sink for rejected rows.
    pub on_reject: Option<OnReject<'a>>,
    /// Keep the original bytes of rejected rows (for the quarantine file).
    pub keep_bytes: bool,
    /// The byte before the input (see [`Newlines::new`]).
    pub prev_byte: u8,
    /// Longest record accepted, in bytes (0: no limit).
    pub max_record: u64,
}

/// Reads every record of `input` (positioned after the header) into `rows`: strict mode returns
/// the first bad row as `file:line: column: problem`; lenient mode counts it by reason in the
/// report and hands it to `on_reject`.
pub(crate) fn record_loop<I: Read, R: CsvRows>(
    path: &Path,
    input: I,
    delimiter: u8,
    header: &Header,
    rows: &mut R,
    ctx: &mut Ctx<'_>,
    mut opts: LoopOpts<'_>,
) -> Result<(), IngestError> {
    let window = opts
        .keep_bytes
        .then(|| Rc::new(RefCell::new(Window::default())));
    let input: Box<dyn Read + '_> = match &window {
        Some(w) => Box::new(Tee::new(input, w.clone())),
        None => Box::new(input),
    };
    // The guard sits under csv's buffer: csv never holds more than the limit plus its buffer
    // of one record, and the Tee's window (bytes since the record's start) neither.
    let mark = Mark::default();
    let guard = RecordGuard::new(input, mark.clone(), opts.max_record, CSV_BUFFER as u64);
    let mut rdr = csv_reader(Newlines::new(guard, opts.prev_byte), delimiter);
    let ncols = header.len();
    let line_offset = opts.line_offset;
    let mut srec = StringRecord::new();
    loop {
        let mut brec = srec.into_byte_record();
        let got = rdr.read_byte_record(&mut brec).map_err(|e| {
            let next = rdr.position().line() + line_offset;
            csv_error(path, e, line_offset).at_line(next)
        })?;
        if !got {
            break;
        }
        ctx.report.rows_read += 1;
        let start = brec.position().map(|p| p.byte()).unwrap_or(0);
        let line = brec.position().map(|p| p.line()).unwrap_or(0)
            + line_offset
            + rdr.get_mut().skipped_at(start);
        let end = rdr.position().byte();
        mark.set(end);
        if opts.max_record > 0 && end.saturating_sub(start) > opts.max_record {
            return Err(IngestError::RecordTooLarge {
                path: path.to_path_buf(),
                line,
                limit: opts.max_record,
            });
        }
        let result = if brec.len() != ncols {
            srec = StringRecord::from_byte_record_lossy(brec);
            Err(FieldError::new(
                "row",
                "wrong number of fields",
                format!("expected {ncols}, found {}", srec.len()),
            ))
        } else {
            match StringRecord::from_byte_record(brec) {
                Ok(s) => {
                    srec = s;
                    rows.row(&srec, ctx)
                }
                Err(e) => {
                    let field = e.utf8_error().field().min(ncols.saturating_sub(1));
                    let brec = e.into_byte_record();
                    let detail = shown(brec.get(field).unwrap_or_default());
                    srec = StringRecord::from_byte_record_lossy(brec);
                    Err(FieldError::new(
                        header.names[field].clone(),
                        "invalid UTF-8",
                        detail,
                    ))
                }
            }
        };
        if let Err(fe) = result {
            if !opts.lenient {
                return Err(InputError::new(path, line, fe.field.clone(), fe.problem()).into());
            }
            ctx.report.rows_rejected += 1;
            *ctx.report.rejections.entry(fe.reason_key()).or_insert(0) += 1;
            if let Some(on_reject) = opts.on_reject.as_deref_mut() {
                let end = rdr.position().byte();
                match &window {
                    Some(w) => {
                        let w = w.borrow();
                        let bytes = w.slice(start, end);
                        // After a CRLF the record's start is the `\n` (csv ends a record at the
                        // `\r`), and blank lines before a record are read with it. No record
                        // starts with a line end (csv skips blank lines), so leading `\r` and
                        // `\n` belong to the lines before; dropping them all makes the bytes the
                        // same wherever a read began (e.g. the parallel reader's cut between the
                        // `\r` and `\n` of `\r\r\n`).
                        let skip = bytes
                            .iter()
                            .take_while(|&&b| b == b'\n' || b == b'\r')
                            .count();
                        let bytes = &bytes[skip..];
                        on_reject(line, &fe, bytes)?
                    }
                    None => on_reject(line, &fe, &[])?,
                }
            }
        }
        if let Some(w) = &window {
            w.borrow_mut().forget_before(rdr.position().byte());
        }
    }
    Ok(())
}

/// Reads a CSV stream with `make` building the row reader from the header.
pub(crate) fn drive<R: CsvRows>(
    path: &Path,
    input: Box<dyn BufRead>,
    opts: CsvOpts<'_>,
    ctx: &mut Ctx<'_>,
    make: impl FnOnce(&Header) -> Result<R, FieldError>,
) -> Result<(), IngestError> {
    let CsvOpts {
        delimiter,
        lenient,
        mut quarantine,
        max_record,
    } = opts;
    let mut input = input;
    let (header, head_lines, prev_byte) = header_of(path, &mut input, delimiter, max_record)?;
    let mut rows =
        make(&header).map_err(|e| InputError::new(path, 1, e.field.clone(), e.problem()))?;
    let keep_bytes = lenient && quarantine.is_some();
    let mut write = |line: u64, fe: &FieldError, bytes: &[u8]| match quarantine.as_deref_mut() {
        Some(q) => q.write(path, line, fe, bytes),
        None => Ok(()),
    };
    record_loop(
        path,
        input,
        delimiter,
        &header,
        &mut rows,
        ctx,
        LoopOpts {
            line_offset: head_lines,
            lenient,
            on_reject: Some(&mut write),
            keep_bytes,
            prev_byte,
            max_record,
        },
    )?;
    rows.finish(ctx)
}

fn csv_error(path: &Path, e: csv::Error, line_offset: u64) -> IngestError {
    let line = e.position().map(|p| p.line()).unwrap_or(0) + line_offset;
    match e.into_kind() {
        csv::ErrorKind::Io(io) => IngestError::io(path, io),
        other => InputError::new(path, line, "row", format!("{other:?}")).into(),
    }
}
