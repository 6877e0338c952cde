//! Time and size of `edges.csv` against `edges.parquet` for the same N synthetic edges.
//!
//! `cargo run --release -p lockstep-export --example edges_write_bench -- [N] [DIR]`
//! (default N = 1,000,000 rows, DIR = a temporary directory).

use lockstep_export::{EdgeRow, write_edges, write_edges_parquet};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let tmp = tempfile::tempdir()?;
    let dir = args
        .next()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    // Account ids shaped like Twitter ids, a realistic mix of layers and optional values.
    let ids: Vec<String> = (0..n / 4 + 2)
        .map(|i| (1_000_000_000_000_000_000u64 + i as u64 * 7_919).to_string())
        .collect();
    let layers = ["repost", "similar_text", "hashtag", "amplify", "url"];
    let rows = || {
        (0..n).map(|i| EdgeRow {
            source: &ids[i % ids.len()],
            target: &ids[(i * 31 + 7) % ids.len()],
            layer: layers[i % layers.len()],
            scale: if i % 3 == 0 { "drip" } else { "burst" },
            weight: 2 + (i % 17) as u32,
            events: 2 + (i % 41) as u32,
            median_dt_s: (i % 600) as f32 * 0.5,
            p_value: Some(1.0 / (i as f64 + 2.0)),
            q_value: (i % 10 != 0).then(|| 1.0 / (i as f64 + 3.0)),
        })
    };
    let csv = dir.join("edges.csv");
    let t = Instant::now();
    write_edges(&csv, rows())?;
    let csv_s = t.elapsed().as_secs_f64();
    let pq = dir.join("edges.parquet");
    let t = Instant::now();
    write_edges_parquet(&pq, rows())?;
    let pq_s = t.elapsed().as_secs_f64();
    let mib = |p: &std::path::Path| -> Result<f64, std::io::Error> {
        Ok(std::fs::metadata(p)?.len() as f64 / (1024.0 * 1024.0))
    };
    println!(
        "{n} edges: edges.csv {csv_s:.2} s, {:.1} MiB; edges.parquet {pq_s:.2} s, {:.1} MiB",
        mib(&csv)?,
        mib(&pq)?
    );
    Ok(())
}
