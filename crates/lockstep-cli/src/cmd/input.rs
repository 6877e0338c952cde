//! Input options shared by `inspect` and `investigate` (resource limits) and the per-file
//! accounting of what reading kept and skipped, printed on stderr.

use lockstep_ingest::IngestReport;
use lockstep_ingest::limits::{DEFAULT_MAX_COMPRESSION_RATIO, DEFAULT_MAX_RECORD_BYTES};

/// Resource limits on input files (docs/reliability.md).
#[derive(clap::Args, Debug, Clone)]
pub struct Limits {
    /// Longest record accepted (one CSV row, JSON line or JSON array element), in bytes; a
    /// longer one stops the read with an error naming the file and line, also with --lenient
    /// (0: no limit).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_RECORD_BYTES)]
    pub max_record_bytes: u64,

    /// Largest decompressed/compressed ratio of a .gz / .zst input (or of a Parquet column
    /// chunk), beyond the first 64 MiB of each; more stops the read as a likely decompression
    /// bomb (0: no limit).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_COMPRESSION_RATIO)]
    pub max_compression_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            max_compression_ratio: DEFAULT_MAX_COMPRESSION_RATIO,
        }
    }
}

/// The main reasons of a file's skipped rows: the three most frequent, then how many more.
fn main_reasons(f: &lockstep_ingest::FileReport) -> String {
    let mut r: Vec<(&String, &u64)> = f.rejections.iter().collect();
    r.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut parts: Vec<String> = r
        .iter()
        .take(3)
        .map(|(reason, n)| format!("{reason} ×{n}"))
        .collect();
    if r.len() > 3 {
        parts.push(format!("{} more reasons", r.len() - 3));
    }
    parts.join(", ")
}

/// What reading kept and skipped, for stderr: one line per file, or with `quiet` a single line
/// and only when rows were skipped (skipped input concerns the user's data, so it is never
/// silent).
pub fn accounting(report: &IngestReport, quiet: bool) -> Vec<String> {
    if quiet {
        let skipped = report.rows_rejected();
        if skipped == 0 {
            return Vec::new();
        }
        let files: Vec<String> = report
            .files
            .iter()
            .filter(|f| f.rows_rejected > 0)
            .map(|f| {
                format!(
                    "{} {} of {} ({})",
                    f.path,
                    f.rows_rejected,
                    f.rows_read,
                    main_reasons(f)
                )
            })
            .collect();
        return vec![format!(
            "input: {} rows read, {} kept, {skipped} skipped: {}",
            report.rows_read(),
            report.rows_read().saturating_sub(skipped),
            files.join("; ")
        )];
    }
    report
        .files
        .iter()
        .map(|f| {
            let mut line = format!(
                "input {}: {} rows read, {} kept, {} skipped",
                f.path,
                f.rows_read,
                f.rows_kept(),
                f.rows_rejected
            );
            if f.rows_rejected > 0 {
                line.push_str(&format!(" ({})", main_reasons(f)));
            }
            line
        })
        .collect()
}
