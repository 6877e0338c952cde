//! Shingling that works for every script.
//!
//! A normalised text is cut into words: maximal runs of word characters (letters, digits, `_`, and
//! combining marks so Indic and Arabic words stay whole); whitespace, punctuation, symbols and
//! emoji separate words and are dropped, so `#tag`, `tag!` and `tag` are the same word. (A
//! table-driven split instead of UAX #29 word boundaries: several times faster, and on normalised
//! posts it differs only in keeping apostrophes and decimal points as separators.) Each word is
//! then a **unit**, except words of scripts written without spaces (Han, Hiragana,
//! Katakana, Thai, Lao, Khmer, Myanmar), which are split into one unit per character.
//! Consecutive units of the same kind form a **run**: a Chinese sentence with an English name in it
//! is three runs (char, word, char). Shingles are the n-grams of units inside one run:
//! `word_ngram` words (default 2) in word runs, `char_ngram` characters (default 2) in character runs.
//! A run shorter than its n contributes one shingle holding the whole run, so an English word inside
//! Chinese text still counts. Shingles never span two runs.
//!
//! **Hashing (stable, may be stored).** Each unit is hashed with xxh3-64 and seed [`UNIT_SEED`];
//! a shingle is the xxh3-64 of its units' hashes (little-endian bytes, in order) with seed
//! [`WORD_SEED`] or [`CHAR_SEED`], so word and character shingles never collide by construction of
//! the input domain. xxh3 is specified bit-for-bit and independent of machine endianness here (we
//! feed explicit little-endian bytes), so shingle sets and the MinHash signatures built on them are
//! identical across machines and versions of Lockstep, as long as these seeds and the
//! normalisation (its Unicode tables) do not change.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Seed of the per-unit (word or character) hash.
pub const UNIT_SEED: u64 = 0x6c6f_636b_7374_6570; // "lockstep"
/// Seed of word-n-gram shingle hashes.
pub const WORD_SEED: u64 = 0x7368_696e_676c_6557; // "shingleW"
/// Seed of character-n-gram shingle hashes.
pub const CHAR_SEED: u64 = 0x7368_696e_676c_6543; // "shingleC"

/// How a text is cut into shingles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShingleParams {
    /// Words per shingle in space-separated scripts.
    pub word_ngram: usize,
    /// Characters per shingle in CJK, Thai and similar scripts.
    pub char_ngram: usize,
}

impl Default for ShingleParams {
    fn default() -> Self {
        ShingleParams {
            word_ngram: 2,
            char_ngram: 2,
        }
    }
}

/// True for characters of scripts written without spaces between words, which are shingled by
/// character n-grams.
pub fn is_char_gram_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF        // Thai, Lao
        | 0x1000..=0x109F      // Myanmar
        | 0x1780..=0x17FF      // Khmer
        | 0x19E0..=0x19FF      // Khmer symbols
        | 0x2E80..=0x2FDF      // CJK radicals, Kangxi radicals
        | 0x3005..=0x3007 | 0x3021..=0x3029 | 0x3038..=0x303C
        | 0x3040..=0x30FF      // Hiragana, Katakana
        | 0x31F0..=0x31FF      // Katakana phonetic extensions
        | 0x3400..=0x4DBF      // CJK ext. A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0xF900..=0xFAFF      // CJK compatibility ideographs
        | 0xFF66..=0xFF9F      // half-width Katakana
        | 0x2_0000..=0x3_134F  // CJK ext. B..G
    )
}

/// True for characters that belong to words: letters, digits, `_`, and non-ASCII characters that
/// are neither whitespace nor in a punctuation/symbol/emoji block (combining marks, mostly).
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    if c.is_alphanumeric() {
        return true;
    }
    !(c.is_whitespace()
        || matches!(c as u32,
            0x00A0..=0x00BF | 0x00D7 | 0x00F7
            | 0x037E | 0x0387 | 0x055A..=0x055F | 0x0589 | 0x05BE | 0x05C0 | 0x05C3 | 0x05C6
            | 0x05F3 | 0x05F4 | 0x0600..=0x060F | 0x061B..=0x061F | 0x066A..=0x066D | 0x06D4
            | 0x0964 | 0x0965 | 0x0970 | 0x0E3F | 0x0E4F | 0x0E5A | 0x0E5B
            | 0x2000..=0x2BFF | 0x2E00..=0x2E7F | 0x3000..=0x303F | 0x30FB
            | 0xE000..=0xF8FF | 0xFE00..=0xFE6F | 0xFF00..=0xFF65 | 0xFFF0..=0xFFFF
            | 0x1F000..=0x1FBFF | 0xE0000..=0xE007F))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Char,
}

/// Reusable state of the shingler (avoids allocation per text).
#[derive(Default)]
pub struct Shingler {
    run: Vec<u64>,
}

impl Shingler {
    /// A new shingler.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes the sorted, de-duplicated shingle hashes of the **already normalised** `text` into
    /// `out` (cleared first).
    pub fn shingles(&mut self, text: &str, p: &ShingleParams, out: &mut Vec<u64>) {
        out.clear();
        self.run.clear();
        let mut kind = Kind::Word;
        let mut buf = [0u8; 4];
        let mut word_start: Option<usize> = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            let in_word = i < text.len() && is_word_char(c);
            if in_word && !is_char_gram_script(c) {
                if word_start.is_none() {
                    word_start = Some(i);
                }
                continue;
            }
            // The current word (if any) ends here.
            if let Some(ws) = word_start.take() {
                if kind != Kind::Word {
                    flush(&self.run, kind, p, out);
                    self.run.clear();
                    kind = Kind::Word;
                }
                self.run
                    .push(xxh3_64_with_seed(&text.as_bytes()[ws..i], UNIT_SEED));
            }
            if in_word {
                // A character of a script written without spaces: one unit per character.
                if kind != Kind::Char {
                    flush(&self.run, kind, p, out);
                    self.run.clear();
                    kind = Kind::Char;
                }
                self.run.push(xxh3_64_with_seed(
                    c.encode_utf8(&mut buf).as_bytes(),
                    UNIT_SEED,
                ));
            }
        }
        flush(&self.run, kind, p, out);
        out.sort_unstable();
        out.dedup();
    }
}

/// Emits the n-gram shingles of one run.
fn flush(run: &[u64], kind: Kind, p: &ShingleParams, out: &mut Vec<u64>) {
    if run.is_empty() {
        return;
    }
    let (n, seed) = match kind {
        Kind::Word => (p.word_ngram.max(1), WORD_SEED),
        Kind::Char => (p.char_ngram.max(1), CHAR_SEED),
    };
    let mut bytes = [0u8; 8 * 16];
    let n = n.min(16);
    if run.len() <= n {
        out.push(hash_units(run, seed, &mut bytes));
        return;
    }
    for w in run.windows(n) {
        out.push(hash_units(w, seed, &mut bytes));
    }
}

fn hash_units(units: &[u64], seed: u64, bytes: &mut [u8; 128]) -> u64 {
    for (i, u) in units.iter().enumerate() {
        bytes[i * 8..i * 8 + 8].copy_from_slice(&u.to_le_bytes());
    }
    xxh3_64_with_seed(&bytes[..units.len() * 8], seed)
}

/// Convenience: the shingle set of an already normalised text.
pub fn shingle_set(text: &str, p: &ShingleParams) -> Vec<u64> {
    let mut out = Vec::new();
    Shingler::new().shingles(text, p, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> Vec<u64> {
        shingle_set(s, &ShingleParams::default())
    }

    #[test]
    fn word_bigrams_ignore_punctuation_and_emoji() {
        assert_eq!(set("the quick brown fox"), set("the, quick brown fox!! 🦊"));
        assert_eq!(set("#the quick ❤️ brown fox"), set("the quick brown fox"));
        // Combining marks stay inside words (Devanagari with virama and vowel signs).
        assert_eq!(set("नमस्ते दुनिया").len(), 1);
        assert_eq!(set("the quick brown fox").len(), 3);
        assert_ne!(set("the quick brown fox"), set("the brown quick fox"));
    }

    #[test]
    fn chinese_character_bigrams() {
        // 7 Han characters -> 6 bigrams; punctuation does not break the run.
        assert_eq!(set("香港人加油香港").len(), 5); // 香港 appears twice
        assert_eq!(set("我们支持香港警察").len(), 7);
        assert_eq!(set("我们支持，香港警察"), set("我们支持香港警察"));
        // One-character edit changes at most 2 of 7 bigrams.
        let a = set("我们坚决支持香港警察执法");
        let b = set("我们坚决支持香港警方执法");
        let inter = a.iter().filter(|x| b.contains(x)).count();
        assert_eq!(a.len(), 11);
        assert_eq!(inter, 9);
    }

    #[test]
    fn mixed_script_runs() {
        // char run, word run ("hong kong" = 1 bigram), char run
        let s = set("支持hong kong警察");
        assert_eq!(s.len(), 1 + 1 + 1);
        // A single English word inside Chinese text still contributes.
        assert_ne!(set("支持 police 警察"), set("支持 army 警察"));
    }

    #[test]
    fn thai_and_japanese_are_char_grams() {
        assert_eq!(set("สวัสดีครับ").len(), 9);
        assert_eq!(set("こんにちは").len(), 4);
    }

    #[test]
    fn stable_hash_values() {
        // Pinned: signatures may be stored, so these values must never change.
        let s = set("hello world");
        assert_eq!(s.len(), 1);
        let unit = |w: &str| xxh3_64_with_seed(w.as_bytes(), UNIT_SEED);
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&unit("hello").to_le_bytes());
        bytes.extend_from_slice(&unit("world").to_le_bytes());
        assert_eq!(s[0], xxh3_64_with_seed(&bytes, WORD_SEED));
        // Pinned literal: changes only if xxh3, the seeds or the shingling change (a breaking change
        // for stored signatures).
        assert_eq!(s[0], 0xa293_11ab_6377_ea67);
    }

    #[test]
    fn empty_and_short() {
        assert!(set("").is_empty());
        assert!(set("!!! 🎉").is_empty());
        assert_eq!(set("hello").len(), 1);
    }
}
