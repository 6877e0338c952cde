//! `edges.parquet` read back and compared with `edges.csv` written from the same rows: same
//! columns in the same order, same values (integers exact, floats bit-identical after the CSV's
//! shortest round-trip text), nulls where the CSV field is empty.

use lockstep_export::{EdgeRow, write_edges, write_edges_parquet};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::{Field, Row};

fn rows(names: &[String]) -> Vec<EdgeRow<'_>> {
    let layers = ["repost", "similar_text", "amplify"];
    (0..names.len())
        .map(|i| EdgeRow {
            source: &names[i],
            target: &names[(i * 7 + 3) % names.len()],
            layer: layers[i % 3],
            scale: if i % 2 == 0 { "burst" } else { "drip" },
            weight: (i as u32).wrapping_mul(2_654_435_761),
            events: i as u32 * 3 + 2,
            median_dt_s: i as f32 / 7.0,
            p_value: (i % 5 != 0).then(|| 1.0 / (i as f64 + 3.0)),
            q_value: (i % 4 != 0).then(|| (i as f64).sqrt() / 1e9),
        })
        .collect()
}

fn field_text(f: &Field) -> String {
    match f {
        Field::Null => String::new(),
        Field::Str(s) => s.clone(),
        Field::UInt(v) => v.to_string(),
        Field::Float(v) => v.to_string(),
        // edges.csv writes probabilities below 0.001 in shortest scientific form.
        Field::Double(v) if *v != 0.0 && v.abs() < 1e-3 => format!("{v:e}"),
        Field::Double(v) => v.to_string(),
        other => panic!("unexpected parquet field {other:?}"),
    }
}

#[test]
fn parquet_matches_csv() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..2_000)
        .map(|i| format!("{}{i}", if i % 3 == 0 { "1" } else { "acct_é," }))
        .collect();
    let (csv_path, pq_path) = (
        dir.path().join("edges.csv"),
        dir.path().join("edges.parquet"),
    );
    assert_eq!(write_edges(&csv_path, rows(&names)).unwrap(), 2_000);
    assert_eq!(write_edges_parquet(&pq_path, rows(&names)).unwrap(), 2_000);

    let mut r = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let csv_rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let pq = SerializedFileReader::new(std::fs::File::open(&pq_path).unwrap()).unwrap();
    let schema = pq.metadata().file_metadata().schema_descr();
    let columns: Vec<String> = (0..schema.num_columns())
        .map(|i| schema.column(i).name().to_string())
        .collect();
    assert_eq!(columns, header, "same columns, same order");
    let pq_rows: Vec<Row> = pq.get_row_iter(None).unwrap().map(|x| x.unwrap()).collect();
    assert_eq!(pq_rows.len(), csv_rows.len());
    let mut nulls = 0;
    for (line, (c, p)) in csv_rows.iter().zip(&pq_rows).enumerate() {
        let values: Vec<String> = p.get_column_iter().map(|(_, f)| field_text(f)).collect();
        let expected: Vec<&str> = c.iter().collect();
        assert_eq!(values, expected, "row {}", line + 1);
        nulls += p
            .get_column_iter()
            .filter(|(_, f)| matches!(f, Field::Null))
            .count();
    }
    assert!(nulls > 500, "optional p/q values are nulls, not zeros");
}
