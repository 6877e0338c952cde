//! Opening an input file: transparent `.gz` / `.zst` decompression (with a limit on the
//! decompression ratio, see [`crate::limits`]), a leading UTF-8 byte order mark dropped (the one
//! place for every reader), a peek at the first bytes for format detection, and an optional
//! progress bar driven by the compressed bytes consumed.

use crate::error::IngestError;
use crate::limits::RatioGuard;
use indicatif::{ProgressBar, ProgressStyle};
use std::cell::Cell;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;
use std::rc::Rc;

/// The UTF-8 byte order mark some tools (Excel, PowerShell) put at the start of a text file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many decompressed bytes are peeked for format detection.
pub(crate) const PEEK_BYTES: usize = 64 * 1024;

/// Files smaller than this get no progress bar.
const PROGRESS_MIN_BYTES: u64 = 16 * 1024 * 1024;

/// Compression detected from the magic bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

/// An opened input: the decompressed stream and its first bytes.
pub(crate) struct Opened {
    /// The whole decompressed stream (the peeked bytes included).
    pub reader: Box<dyn BufRead>,
    /// The first up to [`PEEK_BYTES`] decompressed bytes.
    pub head: Vec<u8>,
    /// Compression of the file (tested; kept for reports).
    #[allow(dead_code)]
    pub compression: Compression,
    /// The progress bar, when shown.
    pub progress: Option<ProgressBar>,
}

/// Counts raw bytes read (for the progress bar and the decompression ratio limit).
struct Counting<R> {
    inner: R,
    bar: Option<ProgressBar>,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(b) = &self.bar {
            b.inc(n as u64);
        }
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Opens `path`, detecting compression from the magic bytes; a compressed stream may not
/// decompress to more than `max_ratio` times the compressed bytes read (0: no limit).
pub(crate) fn open(path: &Path, progress: bool, max_ratio: u64) -> Result<Opened, IngestError> {
    let file = File::open(path).map_err(|e| IngestError::io(path, e))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if progress
        && len >= PROGRESS_MIN_BYTES
        && std::io::IsTerminal::is_terminal(&std::io::stderr())
    {
        let b = ProgressBar::new(len);
        let style = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        b.set_style(style.progress_chars("=> "));
        b.set_message(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        Some(b)
    } else {
        None
    };
    let count = Rc::new(Cell::new(0u64));
    let mut raw = BufReader::with_capacity(
        256 * 1024,
        Counting {
            inner: file,
            bar: bar.clone(),
            count: count.clone(),
        },
    );
    let magic = raw.fill_buf().map_err(|e| IngestError::io(path, e))?;
    let compression = if magic.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    };
    let mut stream: Box<dyn Read> = match compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => Box::new(RatioGuard::new(
            flate2::bufread::MultiGzDecoder::new(raw),
            count,
            max_ratio,
        )),
        Compression::Zstd => Box::new(RatioGuard::new(
            zstd::stream::read::Decoder::with_buffer(raw).map_err(|e| IngestError::io(path, e))?,
            count,
            max_ratio,
        )),
    };
    let mut head = Vec::with_capacity(PEEK_BYTES);
    (&mut stream)
        .take(PEEK_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| IngestError::io(path, e))?;
    if head.starts_with(BOM) {
        head.drain(..BOM.len());
        // Keep the peek full so format detection sees as much as without a BOM.
        (&mut stream)
            .take(BOM.len() as u64)
            .read_to_end(&mut head)
            .map_err(|e| IngestError::io(path, e))?;
    }
    let reader: Box<dyn BufRead> = Box::new(BufReader::with_capacity(
        256 * 1024,
        Cursor::new(head.clone()).chain(stream),
    ));
    Ok(Opened {
        reader,
        head,
        compression,
        progress: bar,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_gzip_and_zstd_transparently() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = b"a,b\n1,2\n".repeat(10_000);
        let gz = dir.path().join("x.csv.gz");
        let mut enc = flate2::write::GzEncoder::new(
            File::create(&gz).expect("create"),
            flate2::Compression::fast(),
        );
        enc.write_all(&text).expect("write");
        enc.finish().expect("finish");
        let zs = dir.path().join("x.csv.zst");
        std::fs::write(&zs, zstd::encode_all(&text[..], 1).expect("zstd")).expect("write");
        for (p, c) in [(gz, Compression::Gzip), (zs, Compression::Zstd)] {
            let mut o = open(&p, false, 1000).expect("open");
            assert_eq!(o.compression, c);
            assert!(o.head.starts_with(b"a,b\n1,2"));
            let mut all = Vec::new();
            o.reader.read_to_end(&mut all).expect("read");
            assert_eq!(all, text);
        }
    }

    #[test]
    fn a_leading_bom_is_dropped_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("bom.csv");
        std::fs::write(&p, b"\xEF\xBB\xBFa,b\n\xEF\xBB\xBF\n").expect("write");
        let mut o = open(&p, false, 0).expect("open");
        assert_eq!(o.head, b"a,b\n\xEF\xBB\xBF\n");
        let mut all = Vec::new();
        o.reader.read_to_end(&mut all).expect("read");
        assert_eq!(all, o.head);
    }

    /// Streams `zeros` zero bytes through a compressor into `path` (nothing large in memory).
    fn bomb(path: &Path, zeros: u64, gzip: bool) {
        let file = File::create(path).expect("create");
        let mut src = std::io::repeat(0).take(zeros);
        if gzip {
            let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::best());
            std::io::copy(&mut src, &mut enc).expect("gzip");
            enc.finish().expect("finish");
        } else {
            let mut enc = zstd::stream::write::Encoder::new(file, 3).expect("zstd");
            std::io::copy(&mut src, &mut enc).expect("zstd");
            enc.finish().expect("finish");
        }
    }

    #[test]
    fn decompression_bombs_stop_at_the_ratio_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Deflate cannot exceed about 1032:1, so the gzip case uses a lower limit.
        for (gzip, ratio) in [(false, 1000), (true, 100)] {
            let p = dir.path().join(if gzip { "b.csv.gz" } else { "b.csv.zst" });
            let zeros = 256u64 << 20;
            bomb(&p, zeros, gzip);
            let mut o = open(&p, false, ratio).expect("open");
            let e = std::io::copy(&mut o.reader, &mut std::io::sink()).expect_err("bomb");
            let e = IngestError::io(&p, e);
            assert!(
                matches!(e, IngestError::CompressionRatio { ratio: r, .. } if r == ratio),
                "{e}"
            );
            assert!(e.to_string().contains("b.csv."), "{e}");
            // Without the limit the whole stream comes out.
            let mut o = open(&p, false, 0).expect("open");
            let n = std::io::copy(&mut o.reader, &mut std::io::sink()).expect("no limit");
            assert_eq!(n, zeros);
        }
    }
}
