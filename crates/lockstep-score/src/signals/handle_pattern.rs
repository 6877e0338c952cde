//! # `handle_pattern`: generated handles
//!
//! **Measures.** Whether the handle looks machine-made: a name followed by a long run of digits
//! (`Richard17700647`, the shape of the handles a platform suggests at sign-up when the operator
//! does not choose one), or a random string (`RBKIH1TnCqbyUVT`, `do2cvmxv`: case switches inside
//! the handle, digits between letters, long consonant runs), or a name truncated at the 15-character
//! limit with a digit. Handles that are themselves hashes (a disclosure's pseudonymised rows) are
//! not judged.
//!
//! **Why it indicates inauthenticity.** Accounts created in bulk take the suggested handle or a
//! generated one; the `china_082019_1` disclosure is full of both (`Richard17700647`,
//! `AngelaFisher40`, `RBKIH1TnCqbyUVT`). People choose handles that mean something to them.
//!
//! **False-positive risks.** Real users append birth years (`john1987`) or keep a suggested handle;
//! some people like random-looking handles. Year-like suffixes weigh less; the signal matters only
//! in aggregate over a cluster.
//!
//! **Evidence.** "handle 'Richard17700647' is a name followed by 8 digits". Value: the pattern code
//! (1 trailing digits, 2 random string, 3 truncated name with digit).
//!
//! Strengths: 8+ trailing digits 1.0; 6-7 0.85; 4-5 0.6 (0.35 when they look like a year 19xx/20xx);
//! 2-3 0.25; random string 0.9 (two indicators) or 0.3 (one); truncated name with digit 0.3.

use super::SignalColumn;
use crate::context::Context;
use lockstep_model::AccountId;

/// Classification of a handle: `(strength, pattern code)`, or `None` when it cannot be judged.
pub fn classify(handle: &str) -> Option<(f32, f32)> {
    let h = handle.trim_start_matches('@');
    if h.is_empty() || looks_hashed(h) {
        return None;
    }
    let bytes = h.as_bytes();
    let trailing = bytes
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let head = &bytes[..bytes.len() - trailing];
    let letters_before = head.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let mut best: (f32, f32) = (0.0, 0.0);
    if trailing >= 2 && letters_before >= 2 {
        let digits = &h[h.len() - trailing..];
        let yearlike = trailing == 4 && (digits.starts_with("19") || digits.starts_with("20"));
        let s = match trailing {
            8.. => 1.0,
            6 | 7 => 0.85,
            4 | 5 if yearlike => 0.35,
            4 | 5 => 0.6,
            _ => 0.25,
        };
        best = (s, 1.0);
    }
    let r = randomness(h);
    let rs = if r >= 2.0 {
        0.9
    } else if r >= 1.0 && h.len() >= 8 {
        0.3
    } else {
        0.0
    };
    if rs > best.0 {
        best = (rs, 2.0);
    }
    if h.len() == 15 && trailing >= 1 && best.0 < 0.3 {
        best = (0.3, 3.0);
    }
    Some(best)
}

/// A pseudonymised id (base64 or hex digest), not a handle anyone chose.
fn looks_hashed(h: &str) -> bool {
    h.len() >= 32
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
}

/// Number of random-string indicators: odd capitals (two or more capitals that do not start a
/// word, or lowercase letters alone between capitals), digits between letters, a consonant run of
/// 5 or more letters.
fn randomness(h: &str) -> f32 {
    let b = h.as_bytes();
    let mut odd_caps = 0;
    let mut embedded_digit = false;
    let mut run = 0;
    let mut max_run = 0;
    for i in 0..b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let next_lower = next.is_some_and(|x| x.is_ascii_lowercase());
        if i > 0 && b[i - 1].is_ascii_lowercase() && c.is_ascii_uppercase() && !next_lower {
            odd_caps += 1;
        }
        if i > 0
            && c.is_ascii_lowercase()
            && b[i - 1].is_ascii_uppercase()
            && next.is_some_and(|x| !x.is_ascii_lowercase())
        {
            odd_caps += 1;
        }
        if c.is_ascii_digit()
            && i > 0
            && b[i - 1].is_ascii_alphabetic()
            && b[i + 1..].iter().any(|x| x.is_ascii_alphabetic())
        {
            embedded_digit = true;
        }
        if c.is_ascii_alphabetic() && !b"aeiouAEIOU".contains(&c) {
            run += 1;
            max_run = max_run.max(run);
        } else {
            run = 0;
        }
    }
    let mut score = 0.0;
    if odd_caps >= 2 {
        score += 1.0;
    }
    if embedded_digit {
        score += 1.0;
    }
    if max_run >= 5 {
        score += 1.0;
    }
    score
}

/// Computes the signal for every account with a handle.
pub fn compute(ctx: &Context<'_>) -> SignalColumn {
    let ds = ctx.ds;
    let pairs = ds
        .accounts
        .screen_name
        .iter()
        .map(|&s| classify(ds.str(s)))
        .collect();
    SignalColumn::from_pairs(pairs, ctx.groups.len())
}

/// Evidence sentence.
pub fn describe(ctx: &Context<'_>, a: AccountId, value: f64) -> String {
    let h = ctx.ds.str(ctx.ds.accounts.screen_name[a.idx()]);
    let digits = h.bytes().rev().take_while(|b| b.is_ascii_digit()).count();
    match value as i32 {
        1 => format!("handle '{h}' is a name followed by {digits} digits"),
        2 => format!("handle '{h}' looks like a random string"),
        3 => format!("handle '{h}' is a name cut at 15 characters with a digit"),
        _ => format!("handle '{h}'"),
    }
}

super::parameter_free_signal!("Generated handles (name + digits, random strings).", 2.0);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_handles_fire() {
        for h in [
            "Richard17700647",
            "RBKIH1TnCqbyUVT",
            "do2cvmxv",
            "jaxfpUMBe8HHUiM",
        ] {
            let (s, _) = classify(h).unwrap_or((0.0, 0.0));
            assert!(s >= 0.6, "{h}: {s}");
        }
    }

    #[test]
    fn chosen_handles_silent() {
        for h in [
            "joshuawong",
            "HKFP",
            "camirtme",
            "JohnSmithNews",
            "lishuishi",
            "iPhoneFanHK",
        ] {
            let (s, _) = classify(h).unwrap_or((1.0, 0.0));
            assert!(s < 0.3, "{h}: {s}");
        }
        let (y, _) = classify("john1987").unwrap_or((1.0, 0.0));
        assert!(y < 0.5);
        assert!(classify("vMm2zemFOF7kmXoDyX24Bo+TorqhNutpZlATYyxsE=").is_none());
        assert!(classify("").is_none());
    }
}
