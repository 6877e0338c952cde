//! Parquet through a [`Mapping`], read with the `parquet` crate's row API (no Arrow: a lighter
//! build). Each row becomes a JSON object whose top-level keys are the column names, then goes
//! through the same mapping code as JSON lines. Errors name the row number as the line.
//!
//! **Corrupt files.** The `parquet` crate (version 60) has no option to validate a file before
//! decoding it, and some corruptions make it panic instead of returning an error (a negative
//! column chunk offset asserts in `ColumnChunkMetaData::byte_range`; a page claiming dictionary
//! encoding without a dictionary page hits an `expect` in the column decoder). So this reader
//! (1) checks the footer metadata itself before any page is read ([`check_metadata`]: offsets
//! and sizes inside the file, the compression ratio of each column chunk within
//! `--max-compression-ratio`), and (2) runs every call into the crate through [`guarded`],
//! which turns a panic into an error naming the file and keeps the panic message off the
//! terminal (it becomes the error's text instead). Remaining risk, documented in
//! docs/reliability.md: a page header may still claim an uncompressed size up to 2 GiB, which
//! the crate allocates before decompressing.

use super::generic::{JsonRow, Lists, add_row};
use crate::csvdrive::Ctx;
use crate::error::IngestError;
use crate::mapping::Mapping;
use crate::quarantine::Quarantine;
use lockstep_model::InputError;
use parquet::file::metadata::ParquetMetaData;
use parquet::file::reader::{FileReader, SerializedFileReader};
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

thread_local! {
    /// True while this thread runs a [`guarded`] call (its panics are reported, not printed).
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once per process, a panic hook that stays silent for panics inside [`guarded`] on
/// the panicking thread and otherwise defers to the hook that was installed before (so other
/// threads, and every panic outside a guarded call, print as usual).
fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, a call into the `parquet` crate, turning both its errors and its panics into an
/// error naming `path` and `line` (0: the file as a whole). The one place this crate catches a
/// panic: the third-party decoder is treated as untrusted on untrusted input; nothing it was
/// building is used after a panic (the read stops).
fn guarded<T>(
    path: &Path,
    line: u64,
    f: impl FnOnce() -> Result<T, parquet::errors::ParquetError>,
) -> Result<T, IngestError> {
    install_quiet_hook();
    QUIET.with(|q| q.set(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    let problem = match r {
        Ok(Ok(v)) => return Ok(v),
        Ok(Err(e)) => e.to_string(),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            format!("corrupt file (the parquet decoder failed: {msg})")
        }
    };
    Err(InputError::new(path, line, "parquet", problem).into())
}

/// Checks what the footer says before any page is read: every column chunk lies inside the
/// file, and decompresses to at most `max_ratio` times its size (beyond the same allowance as
/// `.gz` / `.zst` streams; 0: no ratio limit).
fn check_metadata(
    path: &Path,
    md: &ParquetMetaData,
    file_len: u64,
    max_ratio: u64,
) -> Result<(), IngestError> {
    let bad = |what: String| -> IngestError { InputError::new(path, 0, "parquet", what).into() };
    for (g, rg) in md.row_groups().iter().enumerate() {
        for c in rg.columns() {
            let start = c.dictionary_page_offset().unwrap_or(c.data_page_offset());
            let (len, raw) = (c.compressed_size(), c.uncompressed_size());
            let inside = start >= 0
                && len >= 0
                && raw >= 0
                && (start as u64)
                    .checked_add(len as u64)
                    .is_some_and(|e| e <= file_len);
            if !inside {
                return Err(bad(format!(
                    "corrupt metadata: row group {g}, column {}: chunk at offset {start} of {len} bytes lies outside the {file_len}-byte file",
                    c.column_path()
                )));
            }
            let allowed = (len as u64)
                .saturating_mul(max_ratio)
                .max(crate::limits::RATIO_ALLOWANCE_BYTES);
            if max_ratio > 0 && raw as u64 > allowed {
                return Err(bad(format!(
                    "row group {g}, column {}: {raw} bytes uncompressed from {len}, more than {max_ratio}:1 (limit --max-compression-ratio); a decompression bomb?",
                    c.column_path()
                )));
            }
        }
    }
    Ok(())
}

/// Reads a Parquet file (uncompressed container; its pages may use snappy, gzip or zstd).
pub(crate) fn read(
    path: &Path,
    mapping: &Mapping,
    lenient: bool,
    max_ratio: u64,
    mut quarantine: Option<&mut Quarantine>,
    ctx: &mut Ctx<'_>,
) -> Result<(), IngestError> {
    let file = std::fs::File::open(path).map_err(|e| IngestError::io(path, e))?;
    let file_len = file.metadata().map_err(|e| IngestError::io(path, e))?.len();
    let reader = guarded(path, 0, || SerializedFileReader::new(file))?;
    check_metadata(path, reader.metadata(), file_len, max_ratio)?;
    let mut rows = guarded(path, 0, || reader.get_row_iter(None))?;
    let mut lists = Lists::default();
    let mut line = 0u64;
    loop {
        line += 1;
        let Some(row) = guarded(path, line, || rows.next().transpose())? else {
            break;
        };
        ctx.report.rows_read += 1;
        let v = guarded(path, line, || Ok(row.to_json_value()))?;
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

/// Reads every row of a Parquet file as a JSON object, with the same guards as [`read`] (footer
/// checked first, decoder errors and panics turned into an error naming the file and row):
/// for tables other than posts (the ad screen's `ads.parquet`). `f` gets the 1-based row number.
pub fn json_rows(
    path: &Path,
    max_ratio: u64,
    mut f: impl FnMut(u64, serde_json::Value) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let file = std::fs::File::open(path).map_err(|e| IngestError::io(path, e))?;
    let file_len = file.metadata().map_err(|e| IngestError::io(path, e))?.len();
    let reader = guarded(path, 0, || SerializedFileReader::new(file))?;
    check_metadata(path, reader.metadata(), file_len, max_ratio)?;
    let mut rows = guarded(path, 0, || reader.get_row_iter(None))?;
    let mut line = 0u64;
    loop {
        line += 1;
        let Some(row) = guarded(path, line, || rows.next().transpose())? else {
            return Ok(());
        };
        let v = guarded(path, line, || Ok(row.to_json_value()))?;
        f(line, v)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;
    use crate::report::FileReport;
    use lockstep_model::{DatasetBuilder, Resolution, SourceInfo};
    use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use std::sync::Arc;

    /// A small valid Parquet file: `id` (int64), `user` and `when` (strings), three rows,
    /// snappy pages.
    fn sample() -> Vec<u8> {
        let schema = Arc::new(
            parquet::schema::parser::parse_message_type(
                "message posts { required int64 id; required binary user (STRING); required binary when (STRING); }",
            )
            .expect("schema"),
        );
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(parquet::basic::Compression::SNAPPY)
                .build(),
        );
        let mut out = Vec::new();
        let mut w = SerializedFileWriter::new(&mut out, schema, props).expect("writer");
        let mut rg = w.next_row_group().expect("row group");
        let mut col = 0;
        while let Some(mut cw) = rg.next_column().expect("column") {
            if col == 0 {
                cw.typed::<Int64Type>()
                    .write_batch(&[1, 2, 3], None, None)
                    .expect("ids");
            } else {
                let v: Vec<ByteArray> = if col == 1 {
                    ["a", "b", "a"]
                        .map(|s| ByteArray::from(s.as_bytes().to_vec()))
                        .to_vec()
                } else {
                    ["2021-01-01 10:00:00", "2021-01-01 10:00:05", "1609495200"]
                        .map(|s| ByteArray::from(s.as_bytes().to_vec()))
                        .to_vec()
                };
                cw.typed::<ByteArrayType>()
                    .write_batch(&v, None, None)
                    .expect("strings");
            }
            cw.close().expect("close column");
            col += 1;
        }
        rg.close().expect("close group");
        w.close().expect("close file");
        out
    }

    fn read_bytes(dir: &Path, bytes: &[u8]) -> Result<usize, IngestError> {
        let path = dir.join("x.parquet");
        std::fs::write(&path, bytes).expect("write");
        let m = Mapping::from_toml_str("[columns]\npost_id='id'\naccount='user'\ntime='when'\n")
            .expect("mapping");
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo::new("x", "parquet", Resolution::Second));
        let mut report = FileReport::new("x".into(), Format::Parquet, true);
        let mut ctx = Ctx {
            b: &mut b,
            src,
            report: &mut report,
        };
        read(&path, &m, true, 1000, None, &mut ctx)?;
        Ok(b.finish().posts.len())
    }

    #[test]
    fn mutated_files_give_errors_not_panics() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = sample();
        assert_eq!(read_bytes(dir.path(), &good).expect("valid sample"), 3);
        let mut panics = Vec::new();
        let mut errors = 0;
        for i in 0..good.len() {
            for x in [0x01u8, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] ^= x;
                match std::panic::catch_unwind(|| read_bytes(dir.path(), &bad)) {
                    Err(_) => panics.push((i, x)),
                    Ok(Err(e)) => {
                        let shown = e.to_string();
                        assert!(shown.contains("x.parquet:"), "{shown}");
                        errors += 1;
                    }
                    Ok(Ok(_)) => {}
                }
            }
        }
        assert!(errors > 100, "{errors} errors");
        assert!(
            panics.is_empty(),
            "{} panics of {}: {:?}",
            panics.len(),
            good.len() * 3,
            &panics[..panics.len().min(20)]
        );
    }
}
