//! Parser for list-valued fields: Python-repr lists as in the Twitter archive (`['a', 'b']`, `[]`),
//! JSON arrays (`["a","b"]`), bare lists (`[1, 2]`) and separator-joined values (`a|b`).
//! Values are borrowed from the input when they contain no escapes; otherwise unescaped into a
//! reusable scratch buffer, so a row costs no allocation once the buffers have grown.

/// Why a list field could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListError(pub &'static str);

/// Reusable output of [`parse_list`]: the values of the last parsed field.
#[derive(Default, Debug)]
pub struct ListBuf {
    buf: String,
    spans: Vec<(u32, u32)>,
}

impl ListBuf {
    /// A new empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when the list is empty.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Value `i`.
    pub fn get(&self, i: usize) -> &str {
        let (a, b) = self.spans[i];
        &self.buf[a as usize..b as usize]
    }

    /// Fills `out` with borrowed values.
    pub fn collect_into<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.clear();
        out.extend(
            self.spans
                .iter()
                .map(|&(a, b)| &self.buf[a as usize..b as usize]),
        );
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.spans.clear();
    }

    fn push(&mut self, s: &str) {
        let a = self.buf.len() as u32;
        self.buf.push_str(s);
        self.spans.push((a, self.buf.len() as u32));
    }
}

/// Parses one list field into `out`. An empty field is an empty list. A field that does not
/// start with `[` is split on `sep` (values trimmed, empty values dropped).
pub fn parse_list(field: &str, sep: &str, out: &mut ListBuf) -> Result<(), ListError> {
    out.clear();
    let t = field.trim();
    if t.is_empty() {
        return Ok(());
    }
    if !t.starts_with('[') {
        if sep.is_empty() {
            out.push(t);
            return Ok(());
        }
        for v in t.split(sep) {
            let v = v.trim();
            if !v.is_empty() {
                out.push(v);
            }
        }
        return Ok(());
    }
    let b = t.as_bytes();
    if b.last() != Some(&b']') {
        return Err(ListError("list not closed with `]`"));
    }
    let inner = &t[1..t.len() - 1];
    let ib = inner.as_bytes();
    let mut i = 0;
    let mut scratch = String::new();
    loop {
        while i < ib.len() && ib[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= ib.len() {
            break;
        }
        match ib[i] {
            q @ (b'\'' | b'"') => {
                i += 1;
                let start = i;
                let mut escaped = false;
                loop {
                    match ib.get(i) {
                        None => return Err(ListError("unterminated quoted value")),
                        Some(b'\\') => {
                            escaped = true;
                            i += 2;
                        }
                        Some(&c) if c == q => break,
                        Some(_) => i += 1,
                    }
                }
                if i > ib.len() {
                    return Err(ListError("unterminated quoted value"));
                }
                let raw = &inner[start..i];
                if escaped {
                    scratch.clear();
                    unescape(raw, &mut scratch)?;
                    out.push(&scratch);
                } else {
                    out.push(raw);
                }
                i += 1;
            }
            b',' => return Err(ListError("empty value in list")),
            _ => {
                let start = i;
                while i < ib.len() && ib[i] != b',' {
                    if matches!(ib[i], b'\'' | b'"' | b'[' | b']') {
                        return Err(ListError("unexpected quote or bracket in unquoted value"));
                    }
                    i += 1;
                }
                out.push(inner[start..i].trim());
            }
        }
        while i < ib.len() && ib[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= ib.len() {
            break;
        }
        if ib[i] != b',' {
            return Err(ListError("expected `,` between list values"));
        }
        i += 1;
    }
    Ok(())
}

fn unescape(raw: &str, out: &mut String) -> Result<(), ListError> {
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(c @ ('\\' | '\'' | '"' | '/')) => out.push(c),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let v = u32::from_str_radix(&hex, 16).map_err(|_| ListError("bad \\u escape"))?;
                out.push(char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                let v = u32::from_str_radix(&hex, 16).map_err(|_| ListError("bad \\x escape"))?;
                out.push(char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            _ => return Err(ListError("unknown escape in list value")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(s: &str) -> Result<Vec<String>, ListError> {
        let mut b = ListBuf::new();
        parse_list(s, ",", &mut b)?;
        Ok((0..b.len()).map(|i| b.get(i).to_string()).collect())
    }

    #[test]
    fn forms() {
        assert_eq!(parse("").unwrap(), Vec::<String>::new());
        assert_eq!(parse("[]").unwrap(), Vec::<String>::new());
        assert_eq!(parse("['a', 'b']").unwrap(), vec!["a", "b"]);
        assert_eq!(parse("[\"x,y\", 'z']").unwrap(), vec!["x,y", "z"]);
        assert_eq!(parse("[1, 2]").unwrap(), vec!["1", "2"]);
        assert_eq!(parse("['it\\'s']").unwrap(), vec!["it's"]);
        assert_eq!(parse("a, b").unwrap(), vec!["a", "b"]);
        assert!(parse("['a'").is_err());
        assert!(parse("['a' 'b']").is_err());
        assert!(parse("['a]").is_err());
        assert!(parse("[,]").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,40}") {
            let _ = parse(&s);
        }

        #[test]
        fn round_trips_python_repr(items in proptest::collection::vec("[a-zA-Z0-9 #_.:/-]{0,12}", 0..6)) {
            let repr = format!("[{}]", items.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", "));
            prop_assert_eq!(parse(&repr).unwrap(), items);
        }
    }
}
