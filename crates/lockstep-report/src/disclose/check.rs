//! `disclose --check`: scans every file of a disclosure for an identifier of a protected account
//! (below the threshold or with an unknown follower count) that was not pseudonymised.
//!
//! Two passes: every line of every file is searched for protected ids, handles and display names
//! (the free-text patterns of [`Sensitive`]); and in CSV files, the account columns (`userid`,
//! `user_screen_name`, `user_display_name`, `in_reply_to_userid`, `retweet_userid`, the items of
//! `user_mentions`) are compared whole against every protected identifier, whatever its length.
//!
//! A handle held by a public account as well as a protected one (handles are reused after renames;
//! simulated worlds repeat them) is the public account's in the disclosure, which keeps it readable
//! by design: an `@handle` naming it is ambiguous and not reported as a leak.

use super::DiscloseError;
use super::scrub::{IdentKind, Sensitive};
use lockstep_model::Dataset;
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
    /// The text found.
    pub found: String,
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
        )
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

/// Every leak in the disclosure at `out` (a directory or one file), judged against the
/// original dataset `ds` and threshold `hash_below`. Empty means clean.
pub fn check_disclosure(
    ds: &Dataset,
    out: &Path,
    hash_below: u64,
) -> Result<Vec<Leak>, DiscloseError> {
    let s = Sensitive::new(ds, hash_below);
    let mut files = Vec::new();
    if out.is_dir() {
        files_under(out, &mut files)?;
    } else {
        files.push(out.to_path_buf());
    }
    let mut leaks = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file).map_err(|e| DiscloseError::Io {
            path: file.clone(),
            source: e,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        // HTML hides `O'Brien` as `O&#x27;Brien`: scan the text as a browser shows it.
        let html = file.extension().is_some_and(|e| {
            ["html", "htm", "svg", "xml"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        });
        let text = if html {
            std::borrow::Cow::Owned(html_unescape(&text))
        } else {
            text
        };
        for (ln, line) in text.lines().enumerate() {
            for f in s.find(line) {
                if f.kind == IdentKind::Handle && s.is_public_handle(&line[f.start..f.end]) {
                    continue;
                }
                if let Some(a) = f.account {
                    leaks.push(Leak {
                        file: file.clone(),
                        line: ln as u64 + 1,
                        kind: f.kind,
                        account: ds.str(ds.accounts.external_id[a.idx()]).to_string(),
                        found: line[f.start..f.end].to_string(),
                    });
                }
            }
        }
        if file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            check_csv(ds, &s, &file, &bytes, &mut leaks)?;
        }
    }
    leaks.sort_by(|a, b| (&a.file, a.line, &a.found).cmp(&(&b.file, b.line, &b.found)));
    leaks.dedup();
    Ok(leaks)
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
        let mut values: Vec<&str> = cols.iter().filter_map(|&i| rec.get(i)).collect();
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
    fn unescapes_character_references() {
        assert_eq!(
            html_unescape("O&#x27;Brien &amp; Co &lt;b&gt; &#39;x&#39; &#10;&bogus; & x"),
            "O'Brien & Co <b> 'x'  &bogus; & x"
        );
        assert_eq!(html_unescape("no refs"), "no refs");
    }
}
