//! Resource limits on input, so that a hostile or corrupt file gives an error instead of
//! exhausting memory: a maximum record size (one CSV row, one JSON line or array element) and a
//! maximum decompressed/compressed ratio per `.gz` / `.zst` stream.
//!
//! Both are enforced by readers wrapped around the byte stream, *before* the bytes reach a
//! parser, so memory stays bounded when a limit fires: [`RecordGuard`] refuses to hand a parser
//! more than the limit (plus its read-ahead buffer) past the start of the current record, and
//! [`RatioGuard`] stops a decompressor whose output outgrows its input. A limit that fires is
//! carried as the payload of an [`std::io::Error`] ([`LimitHit`]) and turned into
//! [`crate::IngestError::RecordTooLarge`] or [`crate::IngestError::CompressionRatio`] by
//! [`crate::IngestError::io`].

use std::cell::Cell;
use std::io::{BufRead, Read};
use std::rc::Rc;

/// Default [`crate::ReadOptions::max_record_bytes`]: 64 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: u64 = 64 << 20;

/// Default [`crate::ReadOptions::max_compression_ratio`]: 1000:1 (text CSV/JSON typically
/// compresses 5:1 to 20:1; highly repetitive exports reach a few hundred).
pub const DEFAULT_MAX_COMPRESSION_RATIO: u64 = 1000;

/// Decompressed bytes always allowed per stream whatever the ratio, so that tiny, very
/// repetitive files are not refused: 64 MiB.
pub const RATIO_ALLOWANCE_BYTES: u64 = 64 << 20;

/// A limit that fired inside a reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum LimitHit {
    /// A record is longer than `limit` bytes.
    #[error("record longer than {limit} bytes")]
    Record { limit: u64 },
    /// Decompressed output outgrew `ratio` times the compressed input.
    #[error("decompressed more than {ratio}:1 ({offset} bytes from {compressed})")]
    Ratio {
        offset: u64,
        compressed: u64,
        ratio: u64,
    },
}

impl LimitHit {
    fn into_io(self) -> std::io::Error {
        std::io::Error::other(self)
    }
}

/// The [`LimitHit`] an I/O error carries, if any (also through a csv error's I/O kind).
pub(crate) fn hit_of(e: &std::io::Error) -> Option<LimitHit> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<LimitHit>())
        .copied()
}

/// Stops a decompressed stream that outgrows `ratio` times the compressed bytes read (counted
/// by the raw reader into `compressed`), beyond [`RATIO_ALLOWANCE_BYTES`]. `ratio == 0`: no limit.
pub(crate) struct RatioGuard<R> {
    inner: R,
    compressed: Rc<Cell<u64>>,
    out: u64,
    ratio: u64,
}

impl<R> RatioGuard<R> {
    pub fn new(inner: R, compressed: Rc<Cell<u64>>, ratio: u64) -> Self {
        RatioGuard {
            inner,
            compressed,
            out: 0,
            ratio,
        }
    }

    fn allowed(&self) -> u64 {
        self.compressed
            .get()
            .saturating_mul(self.ratio)
            .max(RATIO_ALLOWANCE_BYTES)
    }
}

impl<R: Read> Read for RatioGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.ratio == 0 {
            return self.inner.read(buf);
        }
        // Never produce more than allowed by what has been read so far; the decompressor reads
        // more input as it needs it, which raises the allowance of the next call.
        let room = self.allowed().saturating_sub(self.out);
        if room == 0 {
            // One more byte decides: a stream that ends exactly at the allowance is fine.
            let mut probe = [0u8; 1];
            let n = self.inner.read(&mut probe)?;
            if n == 0 {
                return Ok(0);
            }
            if self.out + 1 > self.allowed() {
                return Err(LimitHit::Ratio {
                    offset: self.out,
                    compressed: self.compressed.get(),
                    ratio: self.ratio,
                }
                .into_io());
            }
            if let Some(b) = buf.first_mut() {
                *b = probe[0];
                self.out += 1;
                return Ok(1);
            }
            return Ok(0);
        }
        let take = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..take])?;
        self.out += n as u64;
        Ok(n)
    }
}

/// Where the current record starts, shared between a record loop (which moves it after each
/// record) and the [`RecordGuard`] under its parser.
pub(crate) type Mark = Rc<Cell<u64>>;

/// Hands a parser at most `limit + slack` bytes past the start of the current record (`mark`,
/// an offset in this reader's stream); asking for more is a [`LimitHit::Record`]. `slack` is the
/// parser's read-ahead (its buffer size), so a record within the limit is never refused.
/// `limit == 0`: no limit.
pub(crate) struct RecordGuard<R> {
    inner: R,
    pos: Rc<Cell<u64>>,
    mark: Mark,
    limit: u64,
    slack: u64,
}

impl<R> RecordGuard<R> {
    pub fn new(inner: R, mark: Mark, limit: u64, slack: u64) -> Self {
        RecordGuard {
            inner,
            pos: Rc::new(Cell::new(0)),
            mark,
            limit,
            slack,
        }
    }
}

impl<R> RecordGuard<R> {
    /// The offset of the next byte this reader hands out, shared (for a loop that marks record
    /// starts without access to its parser's position).
    pub fn position(&self) -> Rc<Cell<u64>> {
        self.pos.clone()
    }
}

impl<R: Read> Read for RecordGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let pos = self.pos.get();
        if self.limit == 0 {
            let n = self.inner.read(buf)?;
            self.pos.set(pos + n as u64);
            return Ok(n);
        }
        let end = self
            .mark
            .get()
            .saturating_add(self.limit)
            .saturating_add(self.slack);
        let room = end.saturating_sub(pos);
        if room == 0 {
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            return Err(LimitHit::Record { limit: self.limit }.into_io());
        }
        let take = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..take])?;
        self.pos.set(pos + n as u64);
        Ok(n)
    }
}

/// Reads one line (through its `\n`, if any) into `buf`, holding at most `limit` bytes
/// (`0`: no limit); a longer line is a [`LimitHit::Record`] before more than the limit is held.
/// Returns the bytes read (0 at the end of the stream).
pub(crate) fn read_line_limited<R: BufRead + ?Sized>(
    input: &mut R,
    buf: &mut Vec<u8>,
    limit: u64,
) -> std::io::Result<usize> {
    let mut total = 0usize;
    loop {
        let avail = match input.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(total);
        }
        let (chunk, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (&avail[..=i], true),
            None => (avail, false),
        };
        let n = chunk.len();
        if limit > 0 && (buf.len() + n) as u64 > limit.saturating_add(1) {
            return Err(LimitHit::Record { limit }.into_io());
        }
        buf.extend_from_slice(chunk);
        input.consume(n);
        total += n;
        if done {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_guard_refuses_past_the_limit() {
        let data = vec![b'x'; 10_000];
        let mark: Mark = Rc::new(Cell::new(0));
        let mut g = RecordGuard::new(&data[..], mark.clone(), 1000, 100);
        let mut out = Vec::new();
        let e = g.read_to_end(&mut out).expect_err("over the limit");
        assert_eq!(hit_of(&e), Some(LimitHit::Record { limit: 1000 }));
        assert_eq!(out.len(), 1100);
        // Moving the mark lets the reader go on.
        let mut g = RecordGuard::new(&data[..], mark.clone(), 1000, 100);
        let mut b = [0u8; 700];
        let mut got = 0;
        while got < data.len() {
            mark.set(got as u64);
            got += g.read(&mut b).expect("within the limit");
        }
    }

    #[test]
    fn ratio_guard_stops_a_bomb_but_not_its_allowance() {
        let compressed = Rc::new(Cell::new(10u64));
        let zeros = std::io::repeat(0).take(RATIO_ALLOWANCE_BYTES + 5);
        let mut g = RatioGuard::new(zeros, compressed.clone(), 1000);
        let e = std::io::copy(&mut g, &mut std::io::sink()).expect_err("bomb");
        assert!(matches!(hit_of(&e), Some(LimitHit::Ratio { .. })), "{e}");
        let exact = std::io::repeat(0).take(RATIO_ALLOWANCE_BYTES);
        let mut g = RatioGuard::new(exact, compressed, 1000);
        let n = std::io::copy(&mut g, &mut std::io::sink()).expect("allowance");
        assert_eq!(n, RATIO_ALLOWANCE_BYTES);
    }

    #[test]
    fn lines_are_limited() {
        let mut input = &b"short\nmuch longer line\nx"[..];
        let mut buf = Vec::new();
        assert_eq!(
            read_line_limited(&mut input, &mut buf, 8).expect("short"),
            6
        );
        buf.clear();
        let e = read_line_limited(&mut input, &mut buf, 8).expect_err("long");
        assert_eq!(hit_of(&e), Some(LimitHit::Record { limit: 8 }));
    }
}
