//! Lenient mode's quarantine: rejected rows are written byte for byte to the quarantine file, and
//! `file:line: column: problem` for each one to `<quarantine>.reasons`.

use crate::error::{FieldError, IngestError};
use lockstep_outdir::{AtomicFile, Inputs};
use std::cell::RefCell;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The quarantine output files, written whole at the end of the read (atomically, beside their
/// destination) and never onto an input of the run.
pub(crate) struct Quarantine {
    path: PathBuf,
    rows: BufWriter<AtomicFile>,
    reasons_path: PathBuf,
    reasons: BufWriter<AtomicFile>,
}

impl Quarantine {
    /// Starts `path` and `path.reasons`; refuses either when it resolves to one of `inputs`.
    pub fn create(path: &Path, inputs: &Inputs) -> Result<Self, IngestError> {
        let mut reasons_path = path.as_os_str().to_owned();
        reasons_path.push(".reasons");
        let reasons_path = PathBuf::from(reasons_path);
        let rows = AtomicFile::create(path, inputs)?;
        let reasons = AtomicFile::create(&reasons_path, inputs)?;
        Ok(Quarantine {
            path: path.to_path_buf(),
            rows: BufWriter::new(rows),
            reasons_path,
            reasons: BufWriter::new(reasons),
        })
    }

    /// Records one rejected row: its original bytes (a newline added if it had none) and the reason.
    pub fn write(
        &mut self,
        file: &Path,
        line: u64,
        e: &FieldError,
        original: &[u8],
    ) -> Result<(), IngestError> {
        self.rows
            .write_all(original)
            .map_err(|err| IngestError::io(&self.path, err))?;
        if !original.ends_with(b"\n") {
            self.rows
                .write_all(b"\n")
                .map_err(|err| IngestError::io(&self.path, err))?;
        }
        // One line per row whatever the text holds (a column name or a parser message).
        let reason = format!("{}:{line}: {}: {}", file.display(), e.field, e.problem());
        let reason: String = reason
            .chars()
            .flat_map(|c| {
                let esc = c.is_control().then(|| c.escape_default());
                esc.into_iter()
                    .flatten()
                    .chain((!c.is_control()).then_some(c))
            })
            .collect();
        writeln!(self.reasons, "{reason}").map_err(|err| IngestError::io(&self.reasons_path, err))
    }

    /// Moves both files into place.
    pub fn finish(self) -> Result<(), IngestError> {
        let rows = self
            .rows
            .into_inner()
            .map_err(|err| IngestError::io(&self.path, err.into_error()))?;
        let reasons = self
            .reasons
            .into_inner()
            .map_err(|err| IngestError::io(&self.reasons_path, err.into_error()))?;
        rows.commit()?;
        reasons.commit()?;
        Ok(())
    }
}

/// The recently read bytes of a stream, so a rejected record's original bytes can be recovered
/// from its byte offsets. Bytes before the current record are dropped as reading proceeds.
#[derive(Default)]
pub(crate) struct Window {
    base: u64,
    buf: Vec<u8>,
}

impl Window {
    /// Bytes `[start, end)` of the stream, as far as still held.
    pub fn slice(&self, start: u64, end: u64) -> &[u8] {
        let a = start.saturating_sub(self.base) as usize;
        let b = (end.saturating_sub(self.base) as usize).min(self.buf.len());
        self.buf.get(a.min(b)..b).unwrap_or_default()
    }

    /// Drops bytes before `offset` (amortised: only when enough has accumulated).
    pub fn forget_before(&mut self, offset: u64) {
        let n = offset.saturating_sub(self.base) as usize;
        if n >= 1 << 20 && n <= self.buf.len() {
            self.buf.drain(..n);
            self.base = offset;
        }
    }
}

/// A reader that copies everything it reads into a [`Window`].
pub(crate) struct Tee<R> {
    inner: R,
    window: Rc<RefCell<Window>>,
}

impl<R> Tee<R> {
    pub fn new(inner: R, window: Rc<RefCell<Window>>) -> Self {
        Tee { inner, window }
    }
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.window.borrow_mut().buf.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}
