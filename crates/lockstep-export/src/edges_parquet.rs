//! `edges.parquet`: the rows of `edges.csv` with the same columns, typed, for loading into
//! pandas, polars, DuckDB or Spark without parsing text (DESIGN §9).
//!
//! Written with the `parquet` crate's column writer (no Arrow: the workspace already compiles
//! `parquet` for reading, and Arrow would add a large build for nothing). Columns are buffered in
//! row groups of [`ROW_GROUP_ROWS`] rows, so memory stays bounded whatever the number of edges.
//! Pages are Snappy-compressed.

use crate::ExportError;
use crate::tables::EdgeRow;
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, FloatType, Int32Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::path::Path;
use std::sync::Arc;

/// Rows per row group (and the most rows held in memory at once).
pub const ROW_GROUP_ROWS: usize = 256 * 1024;

/// The file's schema: the `edges.csv` columns in the same order. `weight` and `events` are
/// unsigned 32-bit integers, `median_dt_s` a 32-bit float, `p_value` / `q_value` nullable doubles
/// (null where `edges.csv` has an empty field).
pub const EDGES_SCHEMA: &str = "message edges {
  required binary source (STRING);
  required binary target (STRING);
  required binary layer (STRING);
  required binary scale (STRING);
  required int32 weight (INTEGER(32, false));
  required int32 events (INTEGER(32, false));
  required float median_dt_s;
  optional double p_value;
  optional double q_value;
}";

/// Column buffers of one row group.
#[derive(Default)]
struct Columns {
    source: Vec<ByteArray>,
    target: Vec<ByteArray>,
    layer: Vec<ByteArray>,
    scale: Vec<ByteArray>,
    weight: Vec<i32>,
    events: Vec<i32>,
    median_dt_s: Vec<f32>,
    p_value: Nullable,
    q_value: Nullable,
}

/// Non-null values plus one definition level per row (1 = present, 0 = null).
#[derive(Default)]
struct Nullable {
    values: Vec<f64>,
    levels: Vec<i16>,
}

impl Nullable {
    fn push(&mut self, v: Option<f64>) {
        match v {
            Some(x) => {
                self.values.push(x);
                self.levels.push(1);
            }
            None => self.levels.push(0),
        }
    }
}

impl Columns {
    fn push(&mut self, r: &EdgeRow<'_>) {
        let text = |s: &str| ByteArray::from(s.as_bytes().to_vec());
        self.source.push(text(r.source));
        self.target.push(text(r.target));
        self.layer.push(text(r.layer));
        self.scale.push(text(r.scale));
        // Unsigned 32-bit values are stored in the int32 physical type, bit for bit.
        self.weight.push(r.weight as i32);
        self.events.push(r.events as i32);
        self.median_dt_s.push(r.median_dt_s);
        self.p_value.push(r.p_value);
        self.q_value.push(r.q_value);
    }

    fn len(&self) -> usize {
        self.weight.len()
    }

    fn clear(&mut self) {
        *self = Columns::default();
    }
}

fn pq_err(path: &Path) -> impl Fn(parquet::errors::ParquetError) -> ExportError + '_ {
    move |e| ExportError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Writes `edges.parquet` from the same rows as [`crate::write_edges`]; returns the row count.
/// An empty input still gives a valid file (schema, no row group).
pub fn write_edges_parquet<'a>(
    path: &Path,
    rows: impl IntoIterator<Item = EdgeRow<'a>>,
) -> Result<u64, ExportError> {
    let err = pq_err(path);
    let schema = Arc::new(parse_message_type(EDGES_SCHEMA).map_err(&err)?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("lockstep {}", env!("CARGO_PKG_VERSION")))
            .build(),
    );
    let file = std::fs::File::create(path).map_err(|e| ExportError::io(path, e))?;
    let buf = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut w = SerializedFileWriter::new(buf, schema, props).map_err(&err)?;
    let mut cols = Columns::default();
    let mut n = 0u64;
    for r in rows {
        cols.push(&r);
        n += 1;
        if cols.len() >= ROW_GROUP_ROWS {
            write_group(&mut w, &cols).map_err(&err)?;
            cols.clear();
        }
    }
    if cols.len() > 0 {
        write_group(&mut w, &cols).map_err(&err)?;
    }
    let buf = w.into_inner().map_err(&err)?;
    buf.into_inner()
        .map_err(|e| ExportError::io(path, e.into_error()))?
        .sync_all()
        .map_err(|e| ExportError::io(path, e))?;
    Ok(n)
}

fn write_group<W: std::io::Write + Send>(
    w: &mut SerializedFileWriter<W>,
    c: &Columns,
) -> parquet::errors::Result<()> {
    let mut rg = w.next_row_group()?;
    let mut col = 0usize;
    while let Some(mut cw) = rg.next_column()? {
        match col {
            0..=3 => {
                let v = [&c.source, &c.target, &c.layer, &c.scale][col];
                cw.typed::<ByteArrayType>().write_batch(v, None, None)?;
            }
            4 | 5 => {
                let v = if col == 4 { &c.weight } else { &c.events };
                cw.typed::<Int32Type>().write_batch(v, None, None)?;
            }
            6 => {
                cw.typed::<FloatType>()
                    .write_batch(&c.median_dt_s, None, None)?;
            }
            _ => {
                let v = if col == 7 { &c.p_value } else { &c.q_value };
                cw.typed::<DoubleType>()
                    .write_batch(&v.values, Some(&v.levels), None)?;
            }
        }
        cw.close()?;
        col += 1;
    }
    rg.close()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::RowAccessor;

    #[test]
    fn row_groups_split_and_nulls_survive() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.parquet");
        let n = ROW_GROUP_ROWS + 3;
        let names: Vec<String> = (0..n).map(|i| format!("acct{i}")).collect();
        let rows = (0..n).map(|i| EdgeRow {
            source: &names[i],
            target: "t",
            layer: "repost",
            scale: "burst",
            weight: u32::MAX - i as u32,
            events: 2,
            median_dt_s: 1.5,
            p_value: (i % 2 == 0).then_some(i as f64),
            q_value: None,
        });
        assert_eq!(write_edges_parquet(&path, rows).unwrap(), n as u64);
        let r = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        assert_eq!(r.metadata().num_row_groups(), 2);
        assert_eq!(r.metadata().file_metadata().num_rows(), n as i64);
        let last = r.get_row_iter(None).unwrap().last().unwrap().unwrap();
        assert_eq!(last.get_string(0).unwrap(), &names[n - 1]);
        assert_eq!(last.get_uint(4).unwrap(), u32::MAX - (n - 1) as u32);
        assert_eq!(last.get_double(7).unwrap(), (n - 1) as f64);
        assert!(last.get_double(8).is_err(), "null q_value");
    }

    #[test]
    fn empty_input_is_a_valid_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.parquet");
        assert_eq!(write_edges_parquet(&path, std::iter::empty()).unwrap(), 0);
        let r = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        assert_eq!(r.metadata().file_metadata().num_rows(), 0);
        assert_eq!(r.metadata().file_metadata().schema_descr().num_columns(), 9);
    }
}
