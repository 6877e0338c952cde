//! Text normalisation shared by the exact `text` layer and the `similar_text` layer (DESIGN §5).
//!
//! [`normalize`] applies, in order:
//! 1. **NFKC** (compatibility forms: full-width `ＡＢＣ`, ligatures `ﬁ`, math alphanumerics `𝐀`, ...);
//! 2. **lowercasing** (full Unicode, `char::to_lowercase`);
//! 3. **confusable folding** ([`super::confusables`]): non-ASCII look-alikes (Cyrillic `а`, Greek `ο`,
//!    ...) become the ASCII letter they imitate. Folding runs after lowercasing, so a capital whose
//!    lower-case form looks different (Cyrillic `В`, `Н`, `М`, `Т`, `К`) is not folded: keeping
//!    Cyrillic text case-insensitive (`Вот` = `вот`) matters more than all-caps spoofs;
//! 4. removal of **default-ignorable / invisible characters** (zero-width space and joiners, soft
//!    hyphen, variation selectors, bidi controls, BOM), a common trick to defeat exact matching;
//! 5. removal of a leading **`RT @handle:`** (repeated: `RT @a: RT @b: text` becomes `text`);
//! 6. removal of **URLs** (`http://`, `https://`, `www.` up to the next whitespace or non-ASCII
//!    character, so a link glued to Chinese text is cut cleanly) and **@mentions** (`@` not preceded
//!    by an ASCII letter or digit, followed by letters, digits or `_`; e-mail addresses are kept);
//! 7. **whitespace collapsed**: runs of whitespace and control characters (and the places where a
//!    URL or mention was cut) become one ASCII space; leading and trailing space is trimmed.
//!
//! Punctuation, hashtags and emoji are kept: the exact `text` layer compares the whole normalised
//! string, and the shingler of the `similar_text` layer decides what to ignore.
//!
//! The output depends on the Unicode tables of `unicode-normalization` and `unicode-security`;
//! both are pinned through the lock file so normalised texts (and the hashes built on them) are
//! stable across machines.

use super::confusables::push_folded;
use std::cell::RefCell;
use unicode_normalization::UnicodeNormalization;

thread_local! {
    static SCRATCH: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Writes the normalised form of `text` into `out` (which is cleared first). See the module
/// documentation for the exact rules. Allocation-free after warm-up: a per-thread scratch buffer
/// and `out` are reused.
pub fn normalize(text: &str, out: &mut String) {
    out.clear();
    SCRATCH.with(|scratch| {
        // A re-entrant call (impossible today) would find the buffer borrowed: fall back to a
        // fresh buffer rather than panic.
        match scratch.try_borrow_mut() {
            Ok(mut buf) => {
                buf.clear();
                fold_case_and_confusables(text, &mut buf);
                strip_and_collapse(&buf, out);
            }
            Err(_) => {
                let mut buf = String::new();
                fold_case_and_confusables(text, &mut buf);
                strip_and_collapse(&buf, out);
            }
        }
    });
}

/// Convenience: the normalised form of `text` as a new `String`.
pub fn normalized(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize(text, &mut out);
    out
}

/// True for default-ignorable and invisible format characters that are dropped.
fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5
        | 0x180B..=0x180F | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
        | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// Steps 1-4: NFKC, lowercase, confusable folding, invisible characters dropped.
fn fold_case_and_confusables(text: &str, buf: &mut String) {
    buf.reserve(text.len());
    if text.is_ascii() {
        // NFKC, lowercasing and folding are trivial on ASCII.
        for b in text.bytes() {
            buf.push(b.to_ascii_lowercase() as char);
        }
        return;
    }
    // Fast path: texts made only of characters whose NFKC form is known without context (ASCII,
    // CJK ideographs, kana, Hangul syllables, basic Cyrillic/Greek, emoji, common punctuation,
    // full-width forms) are mapped character by character. Any other character sends the whole
    // text through the full NFKC algorithm. A unit test checks the table against NFKC itself.
    let start = buf.len();
    for c in text.chars() {
        match fast_nfkc(c) {
            Some(m) => push_lower_folded(m, buf),
            None => {
                buf.truncate(start);
                for c in text.nfkc() {
                    push_lower_folded(c, buf);
                }
                return;
            }
        }
    }
}

/// NFKC of a single character when it is known to be context-free (a starter whose
/// normalisation does not depend on its neighbours), else `None`.
#[inline]
fn fast_nfkc(c: char) -> Option<char> {
    let u = c as u32;
    match u {
        0..=0x7F => Some(c),
        // Full-width ASCII variants and the ideographic space.
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0),
        0x3000 => Some(' '),
        0x4E00..=0x9FFF
        | 0x3400..=0x4DBF
        | 0x3041..=0x3096
        | 0x30A1..=0x30FA
        | 0x30FC..=0x30FE
        | 0xAC00..=0xD7A3
        | 0x0410..=0x044F
        | 0x0391..=0x03A1
        | 0x03A3..=0x03A9
        | 0x03B1..=0x03C9
        | 0x3001..=0x3003
        | 0x3008..=0x3011
        | 0x2010
        | 0x2013..=0x2015
        | 0x2018..=0x201F
        | 0x2020..=0x2022
        | 0x2030
        | 0x2190..=0x21FF
        | 0x2600..=0x27BF
        | 0x2B00..=0x2BFF
        | 0x1F300..=0x1F64F
        | 0x1F680..=0x1F6FF
        | 0x1F900..=0x1F9FF
        | 0x1FA70..=0x1FAFF
        | 0xFE0F
        | 0x200B..=0x200D => Some(c),
        _ => None,
    }
}

#[inline]
fn push_lower_folded(c: char, buf: &mut String) {
    if c.is_ascii() {
        buf.push(c.to_ascii_lowercase());
        return;
    }
    if is_invisible(c) {
        return;
    }
    for l in c.to_lowercase() {
        push_folded(l, buf);
    }
}

/// Characters that may continue a handle after `@`.
fn is_handle_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Length in bytes of a URL starting at the start of `s`, or 0 when `s` does not start with one.
fn url_len(s: &str) -> usize {
    let b = s.as_bytes();
    let scheme = if b.starts_with(b"https://") {
        8
    } else if b.starts_with(b"http://") {
        7
    } else if b.starts_with(b"www.") {
        4
    } else {
        return 0;
    };
    scheme
        + b[scheme..]
            .iter()
            .take_while(|x| x.is_ascii_graphic())
            .count()
}

/// Length in bytes of a handle (letters, digits, `_`) at the start of `s`.
fn handle_len(s: &str) -> usize {
    s.char_indices()
        .find(|&(_, c)| !is_handle_char(c))
        .map_or(s.len(), |(i, _)| i)
}

/// Length of the leading `rt @handle:` prefixes (with surrounding whitespace) of `s`.
fn rt_prefix_len(s: &str) -> usize {
    let mut i = 0;
    loop {
        let rest = &s[i..];
        let trimmed = rest.trim_start();
        let ws = rest.len() - trimmed.len();
        let Some(after) = trimmed.strip_prefix("rt @") else {
            return i;
        };
        let h = handle_len(after);
        if h == 0 {
            return i;
        }
        let mut j = i + ws + 4 + h;
        if s[j..].starts_with(':') {
            j += 1;
        }
        i = j;
    }
}

/// Steps 5-7: `RT @x:` prefix, URLs, mentions, whitespace.
fn strip_and_collapse(s: &str, out: &mut String) {
    out.reserve(s.len());
    let mut i = rt_prefix_len(s);
    let mut pending_space = false;
    // Whether the previous kept character was an ASCII letter/digit: URLs and mentions need a
    // boundary before them (`a@b.com` is kept), but may be glued to CJK text.
    let mut prev_alnum = false;
    while i < s.len() {
        let rest = &s[i..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        if c.is_whitespace() || c.is_control() {
            pending_space = true;
            prev_alnum = false;
            i += c.len_utf8();
            continue;
        }
        if (c == 'h' || c == 'w') && !prev_alnum {
            let n = url_len(rest);
            if n > 0 {
                pending_space = true;
                prev_alnum = false;
                i += n;
                continue;
            }
        }
        if c == '@' && !prev_alnum {
            let h = handle_len(&rest[1..]);
            if h > 0 {
                pending_space = true;
                i += 1 + h;
                continue;
            }
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
        prev_alnum = c.is_ascii_alphanumeric();
        i += c.len_utf8();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> String {
        normalized(s)
    }

    #[test]
    fn design_rules() {
        assert_eq!(
            n("RT @someone: Hello   World https://t.co/abc @bob"),
            "hello world"
        );
        assert_eq!(n("RT @a: RT @b_2: nested"), "nested");
        assert_eq!(n("ＦＵＬＬ　ｗｉｄｔｈ"), "full width");
        assert_eq!(n("  tabs\tand\nnewlines  "), "tabs and newlines");
        assert_eq!(n("ﬁne"), "fine");
        assert_eq!(n("mail me at a@b.com"), "mail me at a@b.com");
        assert_eq!(n("see www.example.com/x?y=1 now"), "see now");
        assert_eq!(n("Hey @Alice_1, look"), "hey , look");
        assert_eq!(n("#Tag stays"), "#tag stays");
        assert_eq!(n("art @museum"), "art");
        assert_eq!(n(""), "");
        assert_eq!(n("   "), "");
    }

    #[test]
    fn chinese_with_glued_url_and_mention() {
        assert_eq!(
            n("看看这个https://t.co/AbC很好 @人民日报 转发"),
            "看看这个 很好 转发"
        );
        assert_eq!(n("香港，加油！"), "香港,加油!");
    }

    #[test]
    fn homoglyphs_do_not_evade() {
        // "paypal" with Cyrillic р, а and "Obama" with Cyrillic О, а, Greek α is not confusable
        assert_eq!(n("\u{440}\u{430}ypal"), "paypal");
        assert_eq!(n("\u{41e}b\u{430}m\u{430}"), "obama");
        // Capital Cyrillic А Р Е / Latin A P E.
        assert_eq!(n("\u{410}\u{420}\u{415}"), n("APE"));
        // Upper-case-only look-alikes (Cyrillic В) are not folded: Cyrillic text stays case-insensitive.
        assert_eq!(n("\u{412}\u{43e}\u{442}"), n("\u{432}\u{43e}\u{442}"));
        // Mathematical bold (NFKC) and full-width (NFKC) too.
        assert_eq!(n("𝐇𝐞𝐥𝐥𝐨"), "hello");
    }

    #[test]
    fn invisible_characters_are_dropped() {
        assert_eq!(n("hel\u{200B}lo wo\u{00AD}rld\u{FEFF}"), "hello world");
    }

    #[test]
    fn fast_path_table_is_nfkc() {
        use unicode_normalization::char::canonical_combining_class;
        for u in 0..0x11_0000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            if let Some(m) = fast_nfkc(c) {
                let full: String = c.to_string().nfkc().collect();
                assert_eq!(full, m.to_string(), "U+{u:04X}");
                assert_eq!(
                    canonical_combining_class(c),
                    0,
                    "U+{u:04X} is not a starter"
                );
                // No character can compose with a preceding fast-path character either.
                assert!(
                    !"a\u{4E00}"
                        .chars()
                        .any(|p| unicode_normalization::char::compose(p, c).is_some()),
                    "U+{u:04X}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn idempotent(s in "\\PC{0,40}") {
            let once = n(&s);
            let twice = n(&once);
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn no_double_or_edge_spaces(s in "[a-zA-Z @:/.\t\n中文]{0,40}") {
            let out = n(&s);
            prop_assert!(!out.starts_with(' ') && !out.ends_with(' '));
            prop_assert!(!out.contains("  "));
            prop_assert!(!out.contains("http://"));
        }

        #[test]
        fn case_insensitive(s in "[a-zA-Z0-9 ,.!#]{0,40}") {
            prop_assert_eq!(n(&s.to_uppercase()), n(&s.to_lowercase()));
        }
    }
}
