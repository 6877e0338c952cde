//! # `copy_paste`: own posts whose text other accounts also posted
//!
//! **Measures.** The share of an account's own posts (originals, replies, quotes; not reposts)
//! whose normalised text (lowercase, URLs and mentions and a leading `RT @x:` removed, whitespace
//! collapsed; at least 20 characters left) was also posted by at least one other account in the
//! data. Strength: `clamp((share - 0.2) / 0.5, 0, 1)`; value: the share. Accounts with fewer than
//! 5 own posts are not judged.
//!
//! **Why it indicates inauthenticity.** Operations work from shared scripts: the same sentence
//! pasted by many "different" people (the IRA's and the Chinese operations' copy-pasted
//! comments). People write their own words, and share others' by reposting.
//!
//! **False-positive risks.** Organic campaigns also circulate ready-made texts (petitions, slogans,
//! "copy and paste this" chains, protest manuals); bots of news headlines. The co-action layers
//! already capture copied text as coordination; this signal only says how much of an account's
//! voice is not its own.
//!
//! **Evidence.** "71% of 48 own posts repeat text posted by other accounts".

use super::SignalColumn;
use crate::context::Context;
use hashbrown::HashMap;
use lockstep_model::{AccountId, PostKind};
use xxhash_rust::xxh3::xxh3_64;

const MIN_CHARS: usize = 20;
const MIN_OWN: u32 = 5;

/// Normalises a text into `out`: lowercase, URLs, mentions and a leading `RT @x:` removed,
/// whitespace collapsed. Returns false when fewer than 20 characters remain.
pub fn normalise(text: &str, out: &mut String) -> bool {
    out.clear();
    let mut t = text.trim_start();
    if let Some(rest) = t.strip_prefix("RT @") {
        t = rest.split_once(':').map_or("", |x| x.1);
    }
    for word in t.split_whitespace() {
        let lw = word.to_lowercase();
        if lw.starts_with("http://") || lw.starts_with("https://") || lw.starts_with('@') {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&lw);
    }
    out.chars().count() >= MIN_CHARS
}

/// Per account `(own posts judged, own posts whose text another account posted)`.
fn counts(ctx: &Context<'_>) -> Vec<(u32, u32)> {
    use rayon::prelude::*;
    let p = &ctx.ds.posts;
    // Hash of each judged post (0 = not judged).
    let hashes: Vec<u64> = (0..p.len())
        .into_par_iter()
        .map_init(String::new, |buf, i| {
            if p.kind[i] == PostKind::Repost || !normalise(ctx.ds.str(p.text[i]), buf) {
                0
            } else {
                xxh3_64(buf.as_bytes()).max(1)
            }
        })
        .collect();
    // First author of each text, and whether a second author exists.
    let mut owner: HashMap<u64, (AccountId, bool)> = HashMap::new();
    for (i, &h) in hashes.iter().enumerate() {
        if h == 0 {
            continue;
        }
        let a = p.account[i];
        owner
            .entry(h)
            .and_modify(|e| {
                if e.0 != a {
                    e.1 = true;
                }
            })
            .or_insert((a, false));
    }
    let mut out = vec![(0u32, 0u32); ctx.n_accounts()];
    for (i, &h) in hashes.iter().enumerate() {
        if h == 0 {
            continue;
        }
        let c = &mut out[p.account[i].idx()];
        c.0 += 1;
        if owner.get(&h).is_some_and(|e| e.1) {
            c.1 += 1;
        }
    }
    out
}

/// Computes the signal.
pub fn compute(ctx: &Context<'_>) -> SignalColumn {
    let pairs = counts(ctx)
        .into_iter()
        .map(|(own, dup)| {
            (own >= MIN_OWN).then(|| {
                let share = dup as f32 / own as f32;
                (((share - 0.2) / 0.5).clamp(0.0, 1.0), share)
            })
        })
        .collect();
    SignalColumn::from_pairs(pairs, ctx.groups.len())
}

/// Evidence sentence.
pub fn describe(ctx: &Context<'_>, a: AccountId, value: f64) -> String {
    let own = ctx
        .posts_of(a)
        .iter()
        .filter(|&&p| ctx.ds.posts.kind[p as usize] != PostKind::Repost)
        .count();
    format!(
        "{:.0}% of {own} own posts repeat text posted by other accounts",
        100.0 * value
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::*;

    #[test]
    fn normalisation() {
        let mut s = String::new();
        assert!(normalise(
            "RT @x: Hong Kong  is part of China https://t.co/abc @cgtn",
            &mut s
        ));
        assert_eq!(s, "hong kong is part of china");
        assert!(!normalise("short https://t.co/x", &mut s));
    }

    #[test]
    fn pasted_fires_own_words_silent() {
        let (mut b, src) = builder();
        let script = [
            "The rioters do not represent Hong Kong people",
            "Support the police in restoring order now",
            "Foreign forces are behind the chaos in the city",
            "Stability and prosperity are what everyone wants",
            "Stop the violence, end the chaos, restore order",
        ];
        let mut n = 0;
        for acc in ["p1", "p2"] {
            for s in script {
                n += 1;
                post(
                    &mut b,
                    src,
                    &format!("x{n}"),
                    acc,
                    MONDAY + n,
                    &format!("{s} https://t.co/{n}"),
                );
            }
        }
        for i in 0..5 {
            post(
                &mut b,
                src,
                &format!("w{i}"),
                "writer",
                MONDAY + i,
                &format!("my own thoughts number {i} about the march today"),
            );
        }
        let ds = finish(b);
        let g = Groups::default();
        let ctx = Context::new(&ds, &g);
        let col = compute(&ctx);
        assert_eq!(col.strength[0], 1.0);
        assert_eq!(col.strength[1], 1.0);
        assert_eq!(col.strength[2], 0.0);
        assert!(describe(&ctx, AccountId(0), 1.0).contains("100% of 5"));
    }
}
