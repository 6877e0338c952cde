//! Hashtags, URLs and @-mentions found inside post text, for sources that only give the text
//! (the IRA set: links are `t.co` URLs inside `content`). Values are borrowed slices of the text.

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Appends the hashtags (without `#`), URLs and mentions (without `@`) of `text` to the vectors.
pub fn extract<'t>(
    text: &'t str,
    tags: &mut Vec<&'t str>,
    urls: &mut Vec<&'t str>,
    mentions: &mut Vec<&'t str>,
) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut prev_word = false;
    while i < bytes.len() {
        let b = bytes[i];
        if (b == b'h' || b == b'H') && !prev_word {
            let rest = &text[i..];
            let rb = rest.as_bytes();
            let scheme = if rb
                .get(..8)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"https://"))
            {
                8
            } else if rb
                .get(..7)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"http://"))
            {
                7
            } else {
                0
            };
            if scheme > 0 {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
                    .unwrap_or(rest.len());
                let mut url = &rest[..end];
                // Trailing punctuation usually belongs to the sentence, not the URL.
                url = url.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '…']);
                if url.len() > scheme {
                    urls.push(url);
                }
                i += end.max(1);
                prev_word = true;
                continue;
            }
        }
        if (b == b'#' || b == b'@') && !prev_word {
            let rest = &text[i + 1..];
            let end = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
            if end > 0 {
                let v = &rest[..end];
                if b == b'#' {
                    if !v.chars().all(|c| c.is_ascii_digit()) {
                        tags.push(v);
                    }
                } else {
                    mentions.push(v);
                }
                i += 1 + end;
                prev_word = true;
                continue;
            }
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        prev_word = is_word(c);
        i += c.len_utf8();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(t: &str) -> (Vec<&str>, Vec<&str>, Vec<&str>) {
        let (mut a, mut b, mut c) = (vec![], vec![], vec![]);
        extract(t, &mut a, &mut b, &mut c);
        (a, b, c)
    }

    #[test]
    fn finds_entities() {
        let (t, u, m) = run("Повод #1 и #Путин, see https://t.co/jkB6waj9WK. @bob_1: a#b x@y.com");
        assert_eq!(t, vec!["Путин"]);
        assert_eq!(u, vec!["https://t.co/jkB6waj9WK"]);
        assert_eq!(m, vec!["bob_1"]);
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,60}") {
            let _ = run(&s);
        }
    }
}
