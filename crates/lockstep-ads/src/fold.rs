//! Name normalisation that survives the evasions advertisers use (docs/ads.md, "Matching").
//!
//! [`fold`] turns a name into lowercase ASCII-or-CJK word tokens:
//! 1. Unicode NFKC (full-width letters, ligatures, mathematical alphanumerics, circled letters);
//! 2. invisible characters (zero-width spaces and joiners, soft hyphens, bidi controls) removed;
//! 3. per word: a word mixing Latin with Cyrillic or Greek letters is a homoglyph game and is
//!    folded to its Latin look-alike through the Unicode confusables table (`unicode-security`'s
//!    skeleton, applied to the non-ASCII letters only); a word wholly in Cyrillic is transliterated
//!    (Russian/Ukrainian/Belarusian, a BGN/PCGN-like table); Greek words fold to look-alikes;
//! 4. Latin diacritics dropped; Arabic/Persian letter variants unified (Arabic and Persian yeh and
//!    kaf, alef forms, teh marbuta), tashkil and tatweel removed, Arabic-Indic digits made ASCII;
//! 5. Chinese traditional characters mapped to simplified ([`TRAD_TO_SIMP`], the characters of
//!    media names); each CJK character is a token of its own, so CJK names match as sequences;
//! 6. apostrophes join (`People's` → `peoples`), every other punctuation or space separates, and
//!    runs of single-letter tokens merge (`C. G. T. N` → `cgtn`), undoing spacing games.
//!
//! Pinyin and Latin transliterations of Chinese, Persian and Arabic names are registry aliases
//! (data/state_media.toml): folding makes their spelling variants (`Renmin Ribao`,
//! `renmin-ribao`, `RENMINRIBAO`) meet, see [`compact`].

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A folded name: its tokens in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Folded {
    /// Lowercase tokens (ASCII words, or single CJK characters, or words of other scripts).
    pub tokens: Vec<String>,
}

impl Folded {
    /// The tokens joined without separators: the key spacing and punctuation games cannot change.
    pub fn compact(&self) -> String {
        self.tokens.concat()
    }

    /// The tokens joined by single spaces.
    pub fn spaced(&self) -> String {
        self.tokens.join(" ")
    }

    /// True when no token is left (an empty or punctuation-only name).
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// Folds a name (see the module documentation).
pub fn fold(s: &str) -> Folded {
    if s.is_ascii() {
        return fold_ascii(s);
    }
    fold_unicode(s)
}

/// [`fold`] of an ASCII name: NFKC, invisible characters, scripts and diacritics cannot occur, so
/// the name is only split into lowercase alphanumeric words (apostrophes joining) and runs of
/// single letters merged. Same result as the general path (property test), without its
/// per-character normalisation and per-word allocations.
fn fold_ascii(s: &str) -> Folded {
    let mut tokens: Vec<String> = Vec::new();
    let mut word = String::new();
    for b in s.bytes() {
        if b == b'\'' {
            continue; // apostrophes join
        }
        if b.is_ascii_alphanumeric() {
            word.push(b.to_ascii_lowercase() as char);
        } else if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    Folded {
        tokens: merge_single_letters(tokens),
    }
}

fn fold_unicode(s: &str) -> Folded {
    let mut tokens: Vec<String> = Vec::new();
    let nfkc: String = s.nfkc().filter(|&c| !is_invisible(c)).collect();
    // A name mixing Latin and Cyrillic letters across words (`С.G.T.N`): Cyrillic words made
    // only of Latin look-alikes are part of the game.
    let mixed = nfkc.chars().any(|c| c.is_ascii_alphabetic()) && nfkc.chars().any(is_cyrillic);
    let mut word = String::new();
    for c in nfkc.chars() {
        if c == '\'' || c == '\u{2019}' || c == '\u{02BC}' {
            continue; // apostrophes join
        }
        if is_cjk(c) {
            flush(&mut word, &mut tokens, mixed);
            tokens.push(trad_to_simp(c).to_string());
        } else if c.is_alphanumeric() || is_combining_mark(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut tokens, mixed);
        }
    }
    flush(&mut word, &mut tokens, mixed);
    Folded {
        tokens: merge_single_letters(tokens),
    }
}

/// Folds and compacts in one call: `compact(fold(s))`.
pub fn compact(s: &str) -> String {
    fold(s).compact()
}

fn flush(word: &mut String, tokens: &mut Vec<String>, mixed: bool) {
    if word.is_empty() {
        return;
    }
    let w = if mixed && word.chars().all(is_latin_lookalike) {
        word.chars().fold(String::new(), |mut o, c| {
            push_lookalike(c, &mut o);
            o
        })
    } else {
        fold_word(word)
    };
    if !w.is_empty() {
        tokens.push(w);
    }
    word.clear();
}

/// Merges runs of two or more one-letter ASCII tokens (`c g t n` → `cgtn`).
fn merge_single_letters(tokens: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut run = String::new();
    let mut run_len = 0;
    let single = |t: &str| t.len() == 1 && t.as_bytes()[0].is_ascii_alphanumeric();
    for t in tokens {
        if single(&t) {
            run.push_str(&t);
            run_len += 1;
            continue;
        }
        if run_len > 0 {
            out.push(std::mem::take(&mut run));
            run_len = 0;
        }
        out.push(t);
    }
    if run_len > 0 {
        out.push(run);
    }
    out
}

fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{0640}')
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

fn is_greek(c: char) -> bool {
    matches!(c, '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}')
}

fn fold_word(w: &str) -> String {
    let has_latin = w
        .chars()
        .any(|c| c.is_ascii_alphabetic() || is_latin_ext(c));
    let has_cyr = w.chars().any(is_cyrillic);
    let has_greek = w.chars().any(is_greek);
    let mut out = String::with_capacity(w.len());
    if has_greek || (has_latin && has_cyr) {
        // A homoglyph game: fold every non-ASCII letter to its Latin look-alike.
        for c in w.chars() {
            push_lookalike(c, &mut out);
        }
    } else if has_cyr {
        for c in w.chars().flat_map(char::to_lowercase) {
            out.push_str(translit_cyrillic(c));
        }
    } else {
        for c in w.chars().flat_map(char::to_lowercase) {
            push_plain(c, &mut out);
        }
    }
    out
}

/// A Cyrillic or Greek letter whose confusable prototype is one ASCII letter, or an ASCII letter.
fn is_latin_lookalike(c: char) -> bool {
    if c.is_ascii_alphanumeric() {
        return true;
    }
    if !(is_cyrillic(c) || is_greek(c)) {
        return false;
    }
    let one = c.to_string();
    let mut k = unicode_security::skeleton(&one);
    matches!((k.next(), k.next()), (Some(a), None) if a.is_ascii_alphanumeric())
}

fn is_latin_ext(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// A letter outside a homoglyph game: Latin without diacritics, Arabic/Persian unified, digits ASCII.
fn push_plain(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c);
        return;
    }
    if let Some(d) = arabic_digit(c) {
        out.push(d);
        return;
    }
    if let Some(a) = arabic_unify(c) {
        if let Some(a) = a {
            out.push(a);
        }
        return;
    }
    match c {
        'ß' => out.push_str("ss"),
        'æ' => out.push_str("ae"),
        'œ' => out.push_str("oe"),
        'ø' => out.push('o'),
        'đ' => out.push('d'),
        'ł' => out.push('l'),
        'ı' => out.push('i'),
        _ => {
            for d in std::iter::once(c).nfd() {
                if !is_combining_mark(d) {
                    out.push(d);
                }
            }
        }
    }
}

/// A letter inside a homoglyph game: its Latin look-alike when the confusables table has one.
fn push_lookalike(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let base: String = c
        .to_lowercase()
        .nfd()
        .filter(|&d| !is_combining_mark(d))
        .collect();
    let mut s = String::new();
    for k in unicode_security::skeleton(&base) {
        s.push(k);
    }
    if s.chars().all(|k| k.is_ascii_alphanumeric()) && !s.is_empty() {
        // The table's prototype for a lowercase-looking letter may be a sequence (`м` → `rn`
        // is not used: only single-letter prototypes are taken as look-alikes).
        if s.len() == 1 {
            out.push_str(&s.to_ascii_lowercase());
            return;
        }
    }
    for l in c.to_lowercase() {
        if is_cyrillic(l) {
            out.push_str(translit_cyrillic(l));
        } else {
            push_plain(l, out);
        }
    }
}

fn arabic_digit(c: char) -> Option<char> {
    let d = match c {
        '\u{0660}'..='\u{0669}' => c as u32 - 0x0660,
        '\u{06F0}'..='\u{06F9}' => c as u32 - 0x06F0,
        _ => return None,
    };
    char::from_digit(d, 10)
}

/// Arabic-script letter variants unified (`Some(None)`: dropped).
fn arabic_unify(c: char) -> Option<Option<char>> {
    Some(match c {
        'ي' | 'ى' | 'ئ' | 'ی' => Some('ی'),
        'ك' | 'ک' => Some('ک'),
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ا' => Some('ا'),
        'ة' | 'ه' | 'ۀ' => Some('ه'),
        'ؤ' | 'و' => Some('و'),
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' => None,
        _ => return None,
    })
}

/// Russian, Ukrainian and Belarusian Cyrillic to Latin (lowercase input).
fn translit_cyrillic(c: char) -> &'static str {
    match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ґ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' => "i",
        'ї' => "yi",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        'ј' => "j",
        'ђ' => "dj",
        'ћ' => "c",
        'џ' => "dz",
        'љ' => "lj",
        'њ' => "nj",
        'ѓ' => "gj",
        'ќ' => "kj",
        'ѕ' => "dz",
        _ => "",
    }
}

/// Traditional Chinese characters of media and organisation names, mapped to simplified.
pub const TRAD_TO_SIMP: &[(char, char)] = &[
    ('國', '国'),
    ('華', '华'),
    ('際', '际'),
    ('視', '视'),
    ('電', '电'),
    ('臺', '台'),
    ('廣', '广'),
    ('報', '报'),
    ('環', '环'),
    ('聞', '闻'),
    ('網', '网'),
    ('語', '语'),
    ('東', '东'),
    ('時', '时'),
    ('開', '开'),
    ('門', '门'),
    ('間', '间'),
    ('觀', '观'),
    ('傳', '传'),
    ('實', '实'),
    ('聲', '声'),
    ('灣', '湾'),
    ('黨', '党'),
    ('軍', '军'),
    ('體', '体'),
    ('團', '团'),
    ('樂', '乐'),
    ('發', '发'),
    ('記', '记'),
    ('訊', '讯'),
    ('讀', '读'),
    ('論', '论'),
    ('區', '区'),
    ('務', '务'),
    ('動', '动'),
    ('頻', '频'),
    ('頭', '头'),
    ('長', '长'),
    ('風', '风'),
    ('雲', '云'),
    ('聯', '联'),
    ('輿', '舆'),
    ('壇', '坛'),
    ('對', '对'),
    ('鳳', '凤'),
    ('衛', '卫'),
    ('總', '总'),
    ('線', '线'),
    ('與', '与'),
    ('產', '产'),
    ('黃', '黄'),
    ('歷', '历'),
    ('導', '导'),
    ('戰', '战'),
    ('龍', '龙'),
    ('陽', '阳'),
    ('貿', '贸'),
    ('經', '经'),
    ('濟', '济'),
    ('參', '参'),
    ('號', '号'),
    ('衆', '众'),
    ('眾', '众'),
    ('愛', '爱'),
    ('來', '来'),
    ('為', '为'),
    ('們', '们'),
    ('這', '这'),
    ('個', '个'),
    ('說', '说'),
    ('話', '话'),
    ('書', '书'),
    ('會', '会'),
    ('學', '学'),
    ('萬', '万'),
    ('億', '亿'),
    ('條', '条'),
    ('紙', '纸'),
    ('誌', '志'),
    ('雜', '杂'),
    ('週', '周'),
    ('葉', '叶'),
    ('劉', '刘'),
    ('鄭', '郑'),
    ('陳', '陈'),
    ('張', '张'),
    ('蘭', '兰'),
    ('馬', '马'),
    ('義', '义'),
    ('亞', '亚'),
    ('歐', '欧'),
    ('羅', '罗'),
    ('處', '处'),
    ('檢', '检'),
    ('證', '证'),
    ('僑', '侨'),
];

fn trad_to_simp(c: char) -> char {
    TRAD_TO_SIMP
        .iter()
        .find(|&&(t, _)| t == c)
        .map(|&(_, s)| s)
        .unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn evasions_fold_to_the_same_key() {
        let k = compact("CGTN");
        for v in [
            "cgtn",
            "C.G.T.N",
            "C G T N",
            "C-G-T-N",
            "ＣＧＴＮ",
            "C\u{200B}GTN",
            "СGTN", // Cyrillic С
            "CGТN", // Cyrillic Т
            "ⒸGTN",
            "𝐂𝐆𝐓𝐍",
        ] {
            assert_eq!(compact(v), k, "{v:?}");
        }
        assert_eq!(compact("People's Daily"), compact("PEOPLES DAILY"));
        assert_eq!(compact("Россия сегодня"), "rossiyasegodnya");
        assert_eq!(fold("Sputnik Србија").spaced(), "sputnik srbija");
        assert_eq!(compact("人民日報"), compact("人民日报"));
        assert_eq!(compact("Xinhuá"), "xinhua");
        assert_eq!(compact("پرس تی وی"), compact("پرس تي وي"));
        assert_eq!(compact("الـجـزيـرة"), compact("الجزيرة"));
    }

    #[test]
    fn lookalike_domain_stems() {
        assert_eq!(compact("сgtn"), "cgtn");
        assert_eq!(
            crate::screen::stem_for_test("сgtn.com"),
            Some("cgtn".to_string())
        );
    }

    #[test]
    fn words_stay_words() {
        assert_eq!(fold("Beat RT prices!").tokens, ["beat", "rt", "prices"]);
        assert_eq!(fold("Global Times").tokens, ["global", "times"]);
        assert_eq!(fold("  ").tokens.len(), 0);
        assert_eq!(fold("新华社").tokens, ["新", "华", "社"]);
    }

    proptest! {
        #[test]
        fn ascii_fast_path_equals_the_general_fold(s in "[ -~]{0,40}") {
            prop_assert_eq!(fold(&s), fold_unicode(&s));
        }

        #[test]
        fn fold_is_idempotent_on_its_output(s in "\\PC{0,40}") {
            let once = fold(&s).spaced();
            let twice = fold(&once).spaced();
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn case_and_spacing_do_not_change_the_key(s in "[a-zA-Z]{1,12}( [a-zA-Z]{2,12}){0,3}") {
            let upper = s.to_uppercase();
            let dotted = s.replace(' ', ". ");
            prop_assert_eq!(compact(&s), compact(&upper));
            prop_assert_eq!(compact(&s), compact(&dotted));
            let wide: String = s.chars().map(|c| if c.is_ascii_alphabetic() {
                char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c) } else { c }).collect();
            prop_assert_eq!(compact(&s), compact(&wide));
        }

        #[test]
        fn zero_width_insertions_do_not_change_the_key(s in "[a-z]{2,12}", at in 0usize..12) {
            let at = at.min(s.len());
            let mut t = s.clone();
            t.insert(at, '\u{200B}');
            prop_assert_eq!(compact(&s), compact(&t));
        }

        #[test]
        fn output_has_no_uppercase_or_separators(s in "\\PC{0,40}") {
            for t in fold(&s).tokens {
                prop_assert!(!t.is_empty());
                prop_assert!(t.chars().all(|c| c.is_alphanumeric() || is_combining_mark(c)));
                prop_assert!(!t.chars().any(|c| c.is_ascii_uppercase()), "{t}");
            }
        }
    }
}
