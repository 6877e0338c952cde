//! The shared CSV loop: header, record-by-record reading on the `ByteRecord` path (zero-copy
//! UTF-8 check into a reused `StringRecord`), strict errors naming file, line and column, and
//! lenient mode's quarantine of the original record bytes.

use crate::error::{FieldError, IngestError, shown};
use crate::quarantine::{Quarantine, Tee, Window};
use crate::report::FileReport;
use csv::{ByteRecord, StringRecord};
use lockstep_model::{DatasetBuilder, InputError};
use std::cell::RefCell;
use std::io::BufRead;
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
    let window = quarantine
        .as_ref()
        .map(|_| Rc::new(RefCell::new(Window::default())));
    let input: Box<dyn std::io::Read> = match &window {
        Some(w) => Box::new(Tee::new(input, w.clone())),
        None => input,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(256 * 1024)
        .from_reader(input);
    let mut rec = ByteRecord::new();
    let got = rdr
        .read_byte_record(&mut rec)
        .map_err(|e| csv_error(path, e))?;
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
    let header = Header { names };
    let mut rows =
        make(&header).map_err(|e| InputError::new(path, 1, e.field.clone(), e.problem()))?;
    let ncols = header.len();
    let mut srec = StringRecord::new();
    loop {
        let mut brec = srec.into_byte_record();
        let got = rdr
            .read_byte_record(&mut brec)
            .map_err(|e| csv_error(path, e))?;
        if !got {
            break;
        }
        ctx.report.rows_read += 1;
        let line = brec.position().map(|p| p.line()).unwrap_or(0);
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
            if !lenient {
                return Err(InputError::new(path, line, fe.field.clone(), fe.problem()).into());
            }
            ctx.report.rows_rejected += 1;
            *ctx.report.rejections.entry(fe.reason_key()).or_insert(0) += 1;
            if let (Some(q), Some(w)) = (quarantine.as_deref_mut(), &window) {
                let end = rdr.position().byte();
                let w = w.borrow();
                q.write(path, line, &fe, w.slice(start, end))?;
            }
        }
        if let Some(w) = &window {
            w.borrow_mut().forget_before(rdr.position().byte());
        }
    }
    rows.finish(ctx)
}

fn csv_error(path: &Path, e: csv::Error) -> IngestError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    match e.into_kind() {
        csv::ErrorKind::Io(io) => IngestError::io(path, io),
        other => InputError::new(path, line, "row", format!("{other:?}")).into(),
    }
}
