//! The JSON-lines loop: one record per physical line, read into a reused buffer; bad lines are
//! errors naming the line, or quarantined byte for byte in lenient mode.

use crate::csvdrive::{CsvOpts, Ctx};
use crate::error::{FieldError, IngestError};
use lockstep_model::InputError;
use std::io::BufRead;
use std::path::Path;

/// Reads `input` line by line, calling `row` on every non-blank line (without its terminator).
/// A line longer than `opts.max_record` stops the read before more of it is held in memory.
/// (`opts.delimiter` is unused.)
pub(crate) fn drive(
    path: &Path,
    mut input: Box<dyn BufRead>,
    opts: CsvOpts<'_>,
    ctx: &mut Ctx<'_>,
    mut row: impl FnMut(&[u8], &mut Ctx<'_>) -> Result<(), FieldError>,
) -> Result<(), IngestError> {
    let CsvOpts {
        lenient,
        mut quarantine,
        max_record,
        ..
    } = opts;
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = crate::limits::read_line_limited(&mut input, &mut buf, max_record)
            .map_err(|e| IngestError::io(path, e).at_line(line + 1))?;
        if n == 0 {
            break;
        }
        line += 1;
        let body = buf.trim_ascii();
        if body.is_empty() {
            continue;
        }
        ctx.report.rows_read += 1;
        if let Err(fe) = row(body, ctx) {
            if !lenient {
                return Err(InputError::new(path, line, fe.field.clone(), fe.problem()).into());
            }
            ctx.report.rows_rejected += 1;
            *ctx.report.rejections.entry(fe.reason_key()).or_insert(0) += 1;
            if let Some(q) = quarantine.as_deref_mut() {
                q.write(path, line, &fe, &buf)?;
            }
        }
    }
    Ok(())
}

/// Parses one JSON line, with the parser's message as the problem.
pub(crate) fn parse_json(line: &[u8]) -> Result<serde_json::Value, FieldError> {
    serde_json::from_slice(line).map_err(|e| {
        FieldError::new(
            "json",
            "invalid JSON",
            format!("{e} (column {})", e.column()),
        )
    })
}
