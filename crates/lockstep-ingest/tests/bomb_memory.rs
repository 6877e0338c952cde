//! Decompression bombs: a small `.zst` / `.gz` holding a header and gigabytes of zeros gives an
//! error naming the file, with memory bounded (this file holds one test so the process's peak
//! resident memory is this test's).

use lockstep_ingest::{IngestError, ReadOptions, read_paths};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Streams `header` and then `zeros` zero bytes through a compressor into `path`.
fn bomb(path: &Path, header: &str, zeros: u64, gzip: bool) {
    let file = std::fs::File::create(path).expect("create");
    let mut src = header.as_bytes().chain(std::io::repeat(0).take(zeros));
    if gzip {
        let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        std::io::copy(&mut src, &mut enc).expect("gzip");
        enc.finish().expect("finish").flush().expect("flush");
    } else {
        let mut enc = zstd::stream::write::Encoder::new(file, 3).expect("zstd");
        std::io::copy(&mut src, &mut enc).expect("zstd");
        enc.finish().expect("finish");
    }
}

/// Peak resident memory of this process in KiB (Linux), if known.
fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn bombs_give_errors_with_bounded_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let headers = [
        (
            "tweets",
            "tweetid,userid,tweet_time,tweet_text\n1,2,2019-08-19 13:26,",
        ),
        (
            "shares",
            "object_id,account_id,content_id,timestamp_share\nab,cd,",
        ),
        ("v2", "{\"id\":\"1\",\"author_id\":\"2\",\"text\":\""),
    ];
    for (name, header) in headers {
        // 1 GiB of zeros in one record: about 32 KiB as zstd.
        let p: PathBuf = dir.path().join(format!("{name}.zst"));
        bomb(&p, header, 1 << 30, false);
        let paths = [p.clone()];
        // Default limits: the ratio limit fires first (after 64 MiB of output).
        let e = read_paths(&paths, &ReadOptions::default()).expect_err("bomb");
        assert!(
            matches!(e, IngestError::CompressionRatio { ratio: 1000, .. }),
            "{name}: {e}"
        );
        assert!(e.to_string().starts_with(&p.display().to_string()), "{e}");
        // Without a ratio limit the record limit fires, naming line 2 (1 for JSON lines).
        let opts = ReadOptions {
            max_compression_ratio: 0,
            ..Default::default()
        };
        let e = read_paths(&paths, &opts).expect_err("bomb");
        let line = if name == "v2" { 1 } else { 2 };
        assert!(
            matches!(e, IngestError::RecordTooLarge { line: l, .. } if l == line),
            "{name}: {e}"
        );
        std::fs::remove_file(&p).expect("remove");
    }
    // gzip (deflate tops out near 1000:1): the record limit bounds it.
    let p = dir.path().join("tweets.csv.gz");
    bomb(&p, headers[0].1, 256 << 20, true);
    let opts = ReadOptions {
        max_record_bytes: 16 << 20,
        ..Default::default()
    };
    let e = read_paths(&[p], &opts).expect_err("gzip bomb");
    assert!(
        matches!(e, IngestError::RecordTooLarge { line: 2, .. }),
        "{e}"
    );
    if let Some(kib) = peak_rss_kib() {
        eprintln!("peak RSS {} MiB", kib / 1024);
        // Before the limits one such record cost over 4 GiB (or aborted the process).
        assert!(kib < 400 * 1024, "peak RSS {} MiB", kib / 1024);
    }
}
