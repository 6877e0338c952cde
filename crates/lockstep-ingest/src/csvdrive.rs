//! The shared CSV loop: header, record-by-record reading on the `ByteRecord` path (zero-copy
//! UTF-8 check into a reused `StringRecord`), strict errors naming file, line and column, and
//! lenient mode's quarantine of the original record bytes.

use crate::error::{FieldError, IngestError, shown};
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

/// Options of one CSV read.
pub(crate) struct CsvOpts<'q> {
    pub delimiter: u8,
    pub lenient: bool,
    pub quarantine: Option<&'q mut Quarantine>,
}

/// A CSV reader over `input` with this crate's settings (no header handling, flexible rows).
pub(crate) fn csv_reader<I: Read>(input: I, delimiter: u8) -> csv::Reader<I> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(256 * 1024)
        .from_reader(input)
}

/// Reads the header record (line 1): names lowercased and trimmed, a UTF-8 BOM dropped.
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
        .enumerate()
        .map(|(i, f)| {
            let f = if i == 0 {
                f.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(f)
            } else {
                f
            };
            String::from_utf8_lossy(f).trim().to_ascii_lowercase()
        })
        .collect();
    Ok(Header { names })
}

/// Reads the header from `input` and nothing more (a reader of its own that buffers one byte),
/// so the record loop can take the rest; also returns the `\n`s the header took.
pub(crate) fn header_of(
    path: &Path,
    input: &mut Box<dyn BufRead>,
    delimiter: u8,
) -> Result<(Header, u64), IngestError> {
    let mut peek = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(1)
        .from_reader(input);
    let header = read_header(path, &mut peek)?;
    Ok((header, peek.position().line() - 1))
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
    let mut rdr = csv_reader(input, delimiter);
    let ncols = header.len();
    let line_offset = opts.line_offset;
    let mut srec = StringRecord::new();
    loop {
        let mut brec = srec.into_byte_record();
        let got = rdr
            .read_byte_record(&mut brec)
            .map_err(|e| csv_error(path, e, line_offset))?;
        if !got {
            break;
        }
        ctx.report.rows_read += 1;
        let line = brec.position().map(|p| p.line()).unwrap_or(0) + line_offset;
        let start = brec.position().map(|p| p.byte()).unwrap_or(0);
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
                        // `\r`); no record starts with one, so it belongs to the line before.
                        let bytes = bytes.strip_prefix(b"\n").unwrap_or(bytes);
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
    } = opts;
    let mut input = input;
    let (header, head_lines) = header_of(path, &mut input, delimiter)?;
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
