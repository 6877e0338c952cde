//! Parquet through a [`Mapping`], read with the `parquet` crate's row API (no Arrow: a lighter
//! build). Each row becomes a JSON object whose top-level keys are the column names, then goes
//! through the same mapping code as JSON lines. Errors name the row number as the line.

use super::generic::{JsonRow, Lists, add_row};
use crate::csvdrive::Ctx;
use crate::error::IngestError;
use crate::mapping::Mapping;
use crate::quarantine::Quarantine;
use lockstep_model::InputError;
use parquet::file::reader::{FileReader, SerializedFileReader};
use std::path::Path;

/// Reads a Parquet file (uncompressed container; its pages may use snappy, gzip or zstd).
pub(crate) fn read(
    path: &Path,
    mapping: &Mapping,
    lenient: bool,
    mut quarantine: Option<&mut Quarantine>,
    ctx: &mut Ctx<'_>,
) -> Result<(), IngestError> {
    let file = std::fs::File::open(path).map_err(|e| IngestError::io(path, e))?;
    let pq = |e: parquet::errors::ParquetError| -> IngestError {
        InputError::new(path, 0, "parquet", e.to_string()).into()
    };
    let reader = SerializedFileReader::new(file).map_err(pq)?;
    let rows = reader.get_row_iter(None).map_err(pq)?;
    let mut lists = Lists::default();
    for (i, row) in rows.enumerate() {
        let line = i as u64 + 1;
        let row = row.map_err(|e| {
            IngestError::from(InputError::new(path, line, "parquet", e.to_string()))
        })?;
        ctx.report.rows_read += 1;
        let v = row.to_json_value();
        if let Err(fe) = add_row(mapping, &JsonRow(&v), &mut lists, ctx) {
            if !lenient {
                return Err(InputError::new(path, line, fe.field.clone(), fe.problem()).into());
            }
            ctx.report.rows_rejected += 1;
            *ctx.report.rejections.entry(fe.reason_key()).or_insert(0) += 1;
            if let Some(q) = quarantine.as_deref_mut() {
                q.write(path, line, &fe, v.to_string().as_bytes())?;
            }
        }
    }
    ctx.report.resolution = mapping.resolution()?;
    Ok(())
}
