//! Confusable (homoglyph) folding: maps look-alike letters of other scripts onto the ASCII letter
//! they imitate, so that `раypal` written with Cyrillic `р`/`а` matches `paypal`.
//!
//! **Choice.** The mapping is derived from Unicode's `confusables.txt` (UTS #39) through the
//! `unicode-security` crate's [`skeleton`](unicode_security::skeleton), applied **one character at a
//! time**, and kept only when the character's skeleton is entirely printable ASCII. Characters that
//! are already ASCII are never changed (UTS #39 would turn `m` into `rn` and `0` into `O`, which is
//! right for spoof detection of identifiers but wrong for the text of a post), and characters whose
//! skeleton is not ASCII are kept as they are (accented Latin letters, CJK, Arabic, ...). So the
//! folding only ever removes the disguise of a non-ASCII look-alike; it never merges two ASCII
//! texts. Han, kana, Hangul and the CJK punctuation blocks are skipped outright: their prototypes are
//! other CJK characters or radicals, which NFKC already handles where it matters.
//!
//! The table is built once (lazily) over U+0080..U+2FFFF into a dense array, so folding a character
//! is one array read. It depends on the Unicode version of `unicode-security`; a change of that
//! version can change normalised texts (and thus `text` layer keys and `similar_text` signatures),
//! which is why the crate version is pinned in the workspace lock file.

use std::sync::LazyLock;

/// Highest code point covered by the table (exclusive).
const TABLE_END: u32 = 0x3_0000;

/// The folding table: for each code point below [`TABLE_END`], 0 = keep, else `1 + index` into
/// `pool_ends` of the ASCII replacement.
struct Table {
    slot: Vec<u16>,
    pool: String,
    ends: Vec<u32>,
}

static TABLE: LazyLock<Table> = LazyLock::new(build);

/// True for blocks where folding never applies (CJK ideographs, kana, Hangul, CJK symbols).
fn skipped_block(c: u32) -> bool {
    matches!(c,
        0x2E80..=0x9FFF      // CJK radicals, symbols & punctuation, kana, CJK ext. A, URO
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x2_0000..=0x2_FFFF // CJK ext. B and later
    )
}

fn build() -> Table {
    let mut slot = vec![0u16; TABLE_END as usize];
    let mut pool = String::new();
    let mut ends: Vec<u32> = Vec::new();
    let mut buf = [0u8; 4];
    let mut out = String::new();
    for cp in 0x80..TABLE_END {
        if skipped_block(cp) {
            continue;
        }
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        out.clear();
        out.extend(unicode_security::skeleton(c.encode_utf8(&mut buf)));
        if out.is_empty()
            || out.len() > 8
            || !out.bytes().all(|b| b.is_ascii_graphic())
            || out.chars().eq(std::iter::once(c))
        {
            continue;
        }
        if ends.len() >= u16::MAX as usize - 1 {
            break;
        }
        out.make_ascii_lowercase();
        pool.push_str(&out);
        ends.push(pool.len() as u32);
        slot[cp as usize] = ends.len() as u16;
    }
    Table { slot, pool, ends }
}

/// The ASCII text a non-ASCII look-alike character folds to, or `None` when it is kept.
/// ASCII characters always return `None`.
pub fn fold_char(c: char) -> Option<&'static str> {
    let cp = c as u32;
    if !(0x80..TABLE_END).contains(&cp) || skipped_block(cp) {
        return None;
    }
    let t = &*TABLE;
    let s = t.slot[cp as usize] as usize;
    if s == 0 {
        return None;
    }
    let start = if s == 1 { 0 } else { t.ends[s - 2] as usize };
    Some(&t.pool[start..t.ends[s - 1] as usize])
}

/// Appends `c` to `out`, folded if it is a confusable look-alike.
#[inline]
pub fn push_folded(c: char, out: &mut String) {
    match fold_char(c) {
        Some(s) => out.push_str(s),
        None => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_and_greek_lookalikes_fold_to_latin() {
        // Cyrillic а е о р с х і ѕ ј, Greek ο ν
        for (c, want) in [
            ('а', "a"),
            ('е', "e"),
            ('о', "o"),
            ('р', "p"),
            ('с', "c"),
            ('х', "x"),
            ('і', "i"),
            ('ѕ', "s"),
            ('ј', "j"),
            ('ο', "o"),
            ('ν', "v"),
        ] {
            assert_eq!(fold_char(c), Some(want), "{c} (U+{:04X})", c as u32);
        }
    }

    #[test]
    fn ascii_cjk_and_accents_are_kept() {
        for c in [
            'a', 'm', '0', '1', 'l', 'I', '中', '国', 'の', '한', 'é', 'ü', 'ж',
        ] {
            assert_eq!(fold_char(c), None, "{c}");
        }
    }

    #[test]
    fn every_replacement_is_lowercase_ascii() {
        for cp in 0x80..TABLE_END {
            if let Some(c) = char::from_u32(cp)
                && let Some(s) = fold_char(c)
            {
                assert!(s.bytes().all(|b| b.is_ascii_graphic()), "U+{cp:04X}");
                assert_eq!(s, s.to_ascii_lowercase(), "U+{cp:04X}");
            }
        }
    }
}
