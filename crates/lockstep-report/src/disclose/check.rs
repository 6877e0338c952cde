//! `disclose --check`: scans every file of a disclosure for an identifier of a protected account
//! (below the threshold or with an unknown follower count) that was not pseudonymised.
//!
//! Two passes: every line of every file is searched for protected ids, handles and display names
//! (the free-text patterns of [`Sensitive`]); and in CSV files, the account columns (`userid`,
//! `user_screen_name`, `user_display_name`, `in_reply_to_userid`, `retweet_userid`, the items of
//! `user_mentions`) are compared whole against every protected identifier, whatever its length.
//!
//! The checker decodes what it knows before matching, so an identifier is found in whatever
//! encoding it was written:
//! - files: gzip and zstd (by their magic bytes, nested), UTF-16 LE/BE (by byte-order mark, or
//!   by the zero bytes of ASCII text without one), otherwise UTF-8;
//! - each line: as written, and decoded (HTML character references, HTML tags removed and
//!   replaced by a space — so `Ma<b>ria</b>` and `Maria</td><td>Lopez` read as names —,
//!   percent-encoding, JSON string escapes `\uXXXX`; repeated while anything changes);
//! - unkeyed digests: any 64-hex-digit run that is the SHA-256 or BLAKE3, and any 32-hex-digit
//!   run that is the MD5, of a protected id or handle (a plain hash of an id is reversed by
//!   hashing candidate ids; only the keyed pseudonym is safe).
//!
//! A handle held by a public account as well as a protected one (handles are reused after renames;
//! simulated worlds repeat them) is the public account's in the disclosure, which keeps it readable
//! by design: an `@handle` naming it is ambiguous and not reported as a leak.

use super::DiscloseError;
use super::scrub::{IdentKind, Sensitive};
use hashbrown::HashMap;
use lockstep_model::{AccountId, Dataset};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Columns whose whole value names an account.
const ACCOUNT_COLUMNS: [&str; 5] = [
    "userid",
    "user_screen_name",
    "user_display_name",
    "in_reply_to_userid",
    "retweet_userid",
];

/// One identifier that should have been hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leak {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u64,
    /// Id, handle or display name.
    pub kind: IdentKind,
    /// Original id of the protected account.
    pub account: String,
    /// The text found (decoded).
    pub found: String,
    /// How it was encoded (`gzip, UTF-16LE, percent-encoding`, `unkeyed SHA-256 of the id`...);
    /// empty when written in clear.
    pub encoding: String,
}

impl std::fmt::Display for Leak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            IdentKind::Id => "id",
            IdentKind::Handle => "handle",
            IdentKind::DisplayName => "display name",
        };
        write!(
            f,
            "{}:{}: unhashed {kind} of protected account {}: {:?}",
            self.file.display(),
            self.line,
            self.account,
            self.found
        )?;
        if !self.encoding.is_empty() {
            write!(f, " (found in {})", self.encoding)?;
        }
        Ok(())
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DiscloseError> {
    let io = |e| DiscloseError::Io {
        path: dir.to_path_buf(),
        source: e,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// Unkeyed digests (SHA-256, BLAKE3, MD5; lowercase hex) of every protected id and handle.
struct DigestIndex {
    by_hex: HashMap<String, (AccountId, IdentKind, &'static str)>,
}

impl DigestIndex {
    fn new(s: &Sensitive<'_>) -> Self {
        let ds = s.dataset();
        let acc = &ds.accounts;
        let mut by_hex = HashMap::new();
        for a in 0..acc.len() {
            let id = AccountId(a as u32);
            if s.is_public(id) {
                continue;
            }
            for (sym, kind) in [
                (acc.external_id[a], IdentKind::Id),
                (acc.screen_name[a], IdentKind::Handle),
            ] {
                if sym.is_none() {
                    continue;
                }
                let v = ds.str(sym).trim().trim_start_matches('@');
                let mut variants = vec![v.to_string()];
                if kind == IdentKind::Handle && v.to_ascii_lowercase() != v {
                    variants.push(v.to_ascii_lowercase());
                }
                for v in variants {
                    let sha = hex(&Sha256::digest(v.as_bytes()));
                    by_hex.entry(sha).or_insert((id, kind, "SHA-256"));
                    let b3 = blake3::hash(v.as_bytes()).to_hex().to_string();
                    by_hex.entry(b3).or_insert((id, kind, "BLAKE3"));
                    by_hex
                        .entry(hex(&md5(v.as_bytes())))
                        .or_insert((id, kind, "MD5"));
                }
            }
        }
        DigestIndex { by_hex }
    }

    /// Every 64- or 32-hex-digit run of `text` that is a digest of a protected identifier.
    fn find<'t>(&self, text: &'t str) -> Vec<(&'t str, AccountId, IdentKind, &'static str)> {
        let b = text.as_bytes();
        let mut runs = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_hexdigit() {
                let s = i;
                while i < b.len() && b[i].is_ascii_hexdigit() {
                    i += 1;
                }
                if i - s == 64 || i - s == 32 {
                    runs.push(&text[s..i]);
                }
            } else {
                i += 1;
            }
        }
        runs.into_iter()
            .filter_map(|r| {
                self.by_hex
                    .get(&r.to_ascii_lowercase())
                    .map(|&(a, k, h)| (r, a, k, h))
            })
            .collect()
    }
}

/// MD5 (RFC 1321), only to recognise an unkeyed MD5 of a protected id in a disclosure; never used
/// to protect anything.
fn md5(input: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: [u32; 64] =
        std::array::from_fn(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32);
    let mut msg = input.to_vec();
    let bit_len = (input.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    let (mut a0, mut b0, mut c0, mut d0) =
        (0x67452301u32, 0xefcdab89u32, 0x98badcfeu32, 0x10325476u32);
    for chunk in msg.chunks_exact(64) {
        let m: [u32; 16] = std::array::from_fn(|i| {
            u32::from_le_bytes([
                chunk[4 * i],
                chunk[4 * i + 1],
                chunk[4 * i + 2],
                chunk[4 * i + 3],
            ])
        });
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, w) in [a0, b0, c0, d0].iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Every leak in the disclosure at `out` (a directory or one file), judged against the
/// original dataset `ds` and threshold `hash_below`. Empty means clean.
pub fn check_disclosure(
    ds: &Dataset,
    out: &Path,
    hash_below: u64,
) -> Result<Vec<Leak>, DiscloseError> {
    let s = Sensitive::new(ds, hash_below);
    let digests = DigestIndex::new(&s);
    let mut files = Vec::new();
    if out.is_dir() {
        files_under(out, &mut files)?;
    } else {
        files.push(out.to_path_buf());
    }
    let mut leaks = Vec::new();
    for file in files {
        let raw = std::fs::read(&file).map_err(|e| DiscloseError::Io {
            path: file.clone(),
            source: e,
        })?;
        let mut layers: Vec<&'static str> = Vec::new();
        let bytes = decompress(&file, raw, &mut layers)?;
        let text = decode_text(&bytes, &mut layers);
        let ctx = FileCtx {
            ds,
            s: &s,
            digests: &digests,
            file: &file,
            layers: &layers,
        };
        for (ln, line) in text.lines().enumerate() {
            ctx.scan_line(line, ln as u64 + 1, &mut leaks);
        }
        // CSV (also `x.csv.gz`): the account columns, whole values.
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let name = name
            .trim_end_matches(".gz")
            .trim_end_matches(".zst")
            .trim_end_matches(".gzip");
        if name.ends_with(".csv") {
            check_csv(ds, &s, &file, text.as_bytes(), &mut leaks)?;
        }
    }
    leaks.sort_by(|a, b| (&a.file, a.line, &a.found).cmp(&(&b.file, b.line, &b.found)));
    leaks.dedup_by(|a, b| {
        (&a.file, a.line, &a.account, a.kind) == (&b.file, b.line, &b.account, b.kind)
    });
    Ok(leaks)
}

struct FileCtx<'c> {
    ds: &'c Dataset,
    s: &'c Sensitive<'c>,
    digests: &'c DigestIndex,
    file: &'c Path,
    layers: &'c [&'static str],
}

impl FileCtx<'_> {
    fn encoding(&self, extra: &[&str]) -> String {
        self.layers
            .iter()
            .copied()
            .chain(extra.iter().copied())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn push(
        &self,
        leaks: &mut Vec<Leak>,
        line: u64,
        a: AccountId,
        kind: IdentKind,
        found: &str,
        extra: &[&str],
    ) {
        leaks.push(Leak {
            file: self.file.to_path_buf(),
            line,
            kind,
            account: self
                .ds
                .str(self.ds.accounts.external_id[a.idx()])
                .to_string(),
            found: found.to_string(),
            encoding: self.encoding(extra),
        });
    }

    /// One line: as written and in every decoded view.
    fn scan_line(&self, line: &str, ln: u64, leaks: &mut Vec<Leak>) {
        for (view, how) in views(line) {
            for f in self.s.find(&view) {
                let hit = &view[f.start..f.end];
                if f.kind == IdentKind::Handle && self.s.is_public_handle(hit) {
                    continue;
                }
                if let Some(a) = f.account {
                    self.push(leaks, ln, a, f.kind, hit, &how);
                }
            }
            for (hit, a, kind, hash) in self.digests.find(&view) {
                let what = match (hash, kind) {
                    ("SHA-256", IdentKind::Id) => "unkeyed SHA-256 of the id",
                    ("SHA-256", _) => "unkeyed SHA-256 of the handle",
                    ("MD5", IdentKind::Id) => "unkeyed MD5 of the id",
                    ("MD5", _) => "unkeyed MD5 of the handle",
                    (_, IdentKind::Id) => "unkeyed BLAKE3 of the id",
                    _ => "unkeyed BLAKE3 of the handle",
                };
                let mut extra = how.clone();
                extra.push(what);
                self.push(leaks, ln, a, kind, hit, &extra);
            }
        }
    }
}

/// Largest decompressed size the checker reads from one file: beyond it the file is reported as
/// unchecked (an error), never checked in part, and a decompression bomb is not an out-of-memory.
const MAX_DECOMPRESSED: u64 = 4 << 30;

/// Undoes gzip / zstd layers, found by their magic bytes (at most 4 nested).
fn decompress(
    file: &Path,
    mut bytes: Vec<u8>,
    layers: &mut Vec<&'static str>,
) -> Result<Vec<u8>, DiscloseError> {
    use std::io::Read;
    for _ in 0..4 {
        let mut out = Vec::new();
        let res = if bytes.starts_with(&[0x1f, 0x8b]) {
            layers.push("gzip");
            flate2::read::MultiGzDecoder::new(bytes.as_slice())
                .take(MAX_DECOMPRESSED + 1)
                .read_to_end(&mut out)
        } else if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            layers.push("zstd");
            zstd::stream::read::Decoder::new(bytes.as_slice())
                .and_then(|d| d.take(MAX_DECOMPRESSED + 1).read_to_end(&mut out))
        } else {
            return Ok(bytes);
        };
        res.map_err(|e| DiscloseError::Io {
            path: file.to_path_buf(),
            source: std::io::Error::new(
                e.kind(),
                format!("decompressing ({}): {e}", layers.join(", ")),
            ),
        })?;
        if out.len() as u64 > MAX_DECOMPRESSED {
            return Err(DiscloseError::Io {
                path: file.to_path_buf(),
                source: std::io::Error::other(format!(
                    "decompresses ({}) to more than {MAX_DECOMPRESSED} bytes: not checked",
                    layers.join(", ")
                )),
            });
        }
        bytes = out;
    }
    Ok(bytes)
}

/// The text of a file: UTF-16 LE/BE (byte-order mark, or the zero bytes of mostly-ASCII text),
/// else UTF-8 (invalid sequences replaced).
fn decode_text(bytes: &[u8], layers: &mut Vec<&'static str>) -> String {
    let utf16 = |b: &[u8], le: bool| {
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        layers.push("UTF-16LE");
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        layers.push("UTF-16BE");
        return utf16(rest, false);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    // No BOM: ASCII text in UTF-16 has a zero in every other byte.
    if bytes.len() >= 4 {
        let sample = &bytes[..bytes.len().min(4096) & !1];
        let pairs = sample.len() / 2;
        let zero_odd = sample
            .chunks_exact(2)
            .filter(|c| c[1] == 0 && c[0] != 0)
            .count();
        let zero_even = sample
            .chunks_exact(2)
            .filter(|c| c[0] == 0 && c[1] != 0)
            .count();
        if zero_odd * 10 >= pairs * 6 {
            layers.push("UTF-16LE");
            return utf16(bytes, true);
        }
        if zero_even * 10 >= pairs * 6 {
            layers.push("UTF-16BE");
            return utf16(bytes, false);
        }
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// The views of a line the patterns are matched against: as written, then fully decoded with
/// HTML tags removed, then with tags replaced by a space (each only when it differs).
fn views(line: &str) -> Vec<(std::borrow::Cow<'_, str>, Vec<&'static str>)> {
    let mut out = vec![(std::borrow::Cow::Borrowed(line), Vec::new())];
    if !line.contains(['<', '&', '%', '\\']) {
        return out;
    }
    for space in [false, true] {
        let (text, how) = decode_all(line, space);
        if !out.iter().any(|(v, _)| *v == text) {
            out.push((std::borrow::Cow::Owned(text), how));
        }
    }
    out
}

/// One decoding step: the text, and whether HTML tags become a space.
type Decoder = fn(&str, bool) -> String;

/// Applies every decoder until nothing changes (at most 4 rounds); returns the text and the
/// decoders that changed something.
pub fn decode_all(line: &str, tags_to_space: bool) -> (String, Vec<&'static str>) {
    let mut how: Vec<&'static str> = Vec::new();
    let mut t = line.to_string();
    for _ in 0..4 {
        let before = t.clone();
        let steps: [(&'static str, Decoder); 4] = [
            ("HTML character references", |s, _| html_unescape(s)),
            ("HTML tags", strip_tags),
            ("percent-encoding", |s, _| percent_decode(s)),
            ("JSON escapes", |s, _| json_unescape(s)),
        ];
        for (name, f) in steps {
            let next = f(&t, tags_to_space);
            if next != t {
                if !how.contains(&name) {
                    how.push(name);
                }
                t = next;
            }
        }
        if t == before {
            break;
        }
    }
    (t, how)
}

/// Removes HTML/XML tags (`<b>`, `</td>`, `<!-- -->`), or replaces each by a space.
pub fn strip_tags(text: &str, to_space: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let is_tag =
            after.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        match (is_tag, after.find('>')) {
            (true, Some(e)) => {
                rest = &after[e + 1..];
                // Adjacent tags (`</td><td>`) make one space, not two. Digits on both sides stay
                // apart even when tags are removed: two table cells `12` and `345` are not the
                // id `12345`.
                let digits = out.ends_with(|c: char| c.is_ascii_digit())
                    && rest.starts_with(|c: char| c.is_ascii_digit());
                if (to_space || digits) && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes `%XX` sequences (invalid UTF-8 replaced; a decoded line break becomes a space).
pub fn percent_decode(text: &str) -> String {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = |c: u8| (c as char).to_digit(16);
            if let (Some(x), Some(y)) = (h(b[i + 1]), h(b[i + 2])) {
                let v = (x * 16 + y) as u8;
                out.push(if v == b'\n' || v == b'\r' { b' ' } else { v });
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes JSON string escapes: `\uXXXX` (surrogate pairs joined), `\"`, `\\`, `\/`, and
/// `\n`, `\r`, `\t`, `\b`, `\f` (as a space, so lines stay lines).
pub fn json_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let hex4 = |s: &str| -> Option<u32> {
        (s.len() >= 4 && s.is_char_boundary(4))
            .then(|| u32::from_str_radix(&s[..4], 16).ok())
            .flatten()
    };
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let rest = &text[i + 1..];
        let Some(n) = rest.chars().next() else {
            out.push(c);
            continue;
        };
        match n {
            '"' | '\\' | '/' => {
                out.push(n);
                chars.next();
            }
            'n' | 'r' | 't' | 'b' | 'f' => {
                out.push(' ');
                chars.next();
            }
            'u' => match hex4(&rest[1..]) {
                Some(hi) => {
                    let mut consumed = 5;
                    let ch = if (0xD800..0xDC00).contains(&hi) {
                        let tail = &rest[5..];
                        match tail.strip_prefix("\\u").and_then(hex4) {
                            Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                consumed += 6;
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            }
                            _ => None,
                        }
                    } else {
                        char::from_u32(hi)
                    };
                    let ch = ch.unwrap_or('\u{fffd}');
                    out.push(if ch == '\n' || ch == '\r' { ' ' } else { ch });
                    for _ in 0..consumed {
                        chars.next();
                    }
                }
                None => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out
}

/// Decodes character references (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#NN;`,
/// `&#xHH;`); anything else is kept as written. Line breaks are never produced from a reference
/// (a `&#10;` becomes a space) so line numbers stay those of the file.
pub fn html_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name.strip_prefix('#').and_then(|n| {
                    let v = match n.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok(),
                        None => n.parse::<u32>().ok(),
                    };
                    v.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(if c == '\n' || c == '\r' { ' ' } else { c });
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn check_csv(
    ds: &Dataset,
    s: &Sensitive<'_>,
    file: &Path,
    bytes: &[u8],
    leaks: &mut Vec<Leak>,
) -> Result<(), DiscloseError> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let err = |e| DiscloseError::Csv {
        path: file.to_path_buf(),
        source: e,
    };
    let headers = r.headers().map_err(err)?.clone();
    let cols: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| ACCOUNT_COLUMNS.contains(h))
        .map(|(i, _)| i)
        .collect();
    let mentions = headers.iter().position(|h| h == "user_mentions");
    let mut rec = csv::StringRecord::new();
    while r.read_record(&mut rec).map_err(err)? {
        let line = rec.position().map_or(0, |p| p.line());
        // Free-text cells carry the formula-injection guard: compare what it protects.
        let mut values: Vec<&str> = cols
            .iter()
            .filter_map(|&i| rec.get(i))
            .map(lockstep_export::unguard_cell)
            .collect();
        if let Some(m) = mentions.and_then(|i| rec.get(i)) {
            values.extend(
                m.trim_matches(|c| c == '[' || c == ']')
                    .split(',')
                    .map(|v| v.trim().trim_matches(|c| c == '\'' || c == '"'))
                    .filter(|v| !v.is_empty()),
            );
        }
        for v in values {
            if let Some((a, kind)) = s.exact_owner(v) {
                leaks.push(Leak {
                    file: file.to_path_buf(),
                    line,
                    kind,
                    account: ds.str(ds.accounts.external_id[a.idx()]).to_string(),
                    found: v.to_string(),
                    encoding: String::new(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_disclosure, html_unescape};
    use lockstep_model::{DatasetBuilder, Profile};

    #[test]
    fn a_handle_shared_with_a_public_account_is_not_a_leak() {
        let mut b = DatasetBuilder::new();
        for (id, handle, followers) in [
            ("1", "sam_garcia", 29_242),
            ("2", "sam_garcia", 402),
            ("3", "quiet_person_77", 12),
        ] {
            let h = b.intern(handle);
            b.set_profile(
                id,
                &Profile {
                    screen_name: h,
                    followers: Some(followers),
                    ..Default::default()
                },
            );
        }
        let ds = b.finish();
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let f = dir.path().join("report.html");
        std::fs::write(&f, "<td>@sam_garcia</td>\n<td>@quiet_person_77</td>\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let leaks = check_disclosure(&ds, &f, 5000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(leaks.len(), 1, "{leaks:?}");
        assert_eq!(leaks[0].line, 2);
        assert_eq!(leaks[0].account, "3");
    }

    #[test]
    fn tags_are_removed_or_spaced_and_numbers_never_join() {
        use super::strip_tags;
        assert_eq!(
            strip_tags("Ma<b>ria</b> Lo<i>pez</i>", false),
            "Maria Lopez"
        );
        assert_eq!(
            strip_tags("<td>Maria</td><td>Lopez</td>", true),
            " Maria Lopez "
        );
        assert_eq!(strip_tags("<td>12</td><td>345</td>", false), "12 345");
        assert_eq!(strip_tags("a < b > c <3", false), "a < b > c <3");
    }

    #[test]
    fn md5_rfc1321_vectors() {
        use super::{hex, md5};
        for (input, want) in [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ] {
            assert_eq!(hex(&md5(input.as_bytes())), want, "{input:?}");
        }
    }

    #[test]
    fn unescapes_character_references() {
        assert_eq!(
            html_unescape("O&#x27;Brien &amp; Co &lt;b&gt; &#39;x&#39; &#10;&bogus; & x"),
            "O'Brien & Co <b> 'x'  &bogus; & x"
        );
        assert_eq!(html_unescape("no refs"), "no refs");
    }
}
