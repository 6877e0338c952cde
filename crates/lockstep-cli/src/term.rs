//! What Lockstep prints on a terminal: data from input files may hold raw escape sequences (a
//! crafted screen name can move the cursor, retitle the window or hide text), so every message
//! that can carry input data goes through [`printable`] first.

use std::borrow::Cow;

/// `s` with control characters (C0 but newline and tab, DEL, C1) shown as `\x..` / `\u{..}`
/// escapes instead of being sent to the terminal.
pub fn printable(s: &str) -> Cow<'_, str> {
    let is_control = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_control(c) {
            if (c as u32) < 0x80 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// An error and its causes on one line, `outer: inner: ...`, each cause said once: a cause whose
/// text already ends the line so far (an I/O error that a file error displays and also carries as
/// its source) is not repeated.
pub fn error_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.ends_with(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    printable(&line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_sent() {
        assert_eq!(printable("plain @x"), "plain @x");
        assert_eq!(printable("a\x1b]0;owned\x07b"), "a\\x1b]0;owned\\x07b");
        assert_eq!(printable("c\u{9b}31m"), "c\\u{9b}31m");
        assert_eq!(printable("two\nlines\tok"), "two\nlines\tok");
    }

    #[test]
    fn an_os_error_is_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        #[derive(Debug, thiserror::Error)]
        #[error("in.csv: {source}")]
        struct FileErr {
            source: std::io::Error,
        }
        let e = anyhow::Error::new(FileErr { source: io }).context("reading the inputs");
        assert_eq!(error_line(&e), "reading the inputs: in.csv: No such file");
    }
}
