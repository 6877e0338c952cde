//! # `copy_paste`: own posts whose text other accounts also posted
//!
//! **Measures.** The share of an account's own posts (originals, replies, quotes; not reposts)
//! that are copies of a script: their normalised text (lowercase, URLs and mentions and a leading
//! `RT @x:` removed, whitespace collapsed; at least 20 characters left) was also posted by another
//! member of the account's cluster, and most accounts that posted it are in that cluster. Texts
//! everyone posts (share-button headlines "title via @outlet", giveaway entries, greetings) are
//! spread over many clusters and unclustered accounts and do not count. For an account in no
//! cluster, a text posted by 2 to 20 accounts counts. Strength: `clamp((share - 0.2) / 0.5, 0, 1)`; value: the share. Accounts with fewer than
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
use hashbrown::{HashMap, HashSet};
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

/// Most accounts that may share a text for an unclustered account's copy to count.
const MAX_POSTERS_UNCLUSTERED: usize = 20;

/// Per account `(own posts judged, own posts that are copies)`. A copy is a text also posted by
/// another member of the account's cluster, with most of the text's posters inside that cluster
/// (a script circulating in one group, not a share-button text or a slogan everyone posts); for
/// an account in no cluster, a text posted by 2 to 20 accounts.
fn counts(ctx: &Context<'_>) -> Vec<(u32, u32)> {
    use rayon::prelude::*;
    let p = &ctx.ds.posts;
    let groups = ctx.groups;
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
    // Distinct (text, account) pairs, grouped by text.
    let mut pairs: Vec<(u64, AccountId)> = hashes
        .iter()
        .zip(&p.account)
        .filter(|(h, _)| **h != 0)
        .map(|(&h, &a)| (h, a))
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    const NO_GROUP: u32 = u32::MAX;
    let mut copied: HashSet<(u64, u32)> = HashSet::new();
    let mut per_group: HashMap<u32, usize> = HashMap::new();
    for run in pairs.chunk_by(|x, y| x.0 == y.0) {
        if run.len() < 2 {
            continue;
        }
        let h = run[0].0;
        if run.len() <= MAX_POSTERS_UNCLUSTERED {
            copied.insert((h, NO_GROUP));
        }
        per_group.clear();
        for &(_, a) in run {
            if let Some(g) = groups.group_of(a) {
                *per_group.entry(g).or_default() += 1;
            }
        }
        for (&g, &k) in &per_group {
            if k >= 2 && 2 * k > run.len() {
                copied.insert((h, g));
            }
        }
    }
    let mut out = vec![(0u32, 0u32); ctx.n_accounts()];
    for (i, &h) in hashes.iter().enumerate() {
        if h == 0 {
            continue;
        }
        let a = p.account[i];
        let c = &mut out[a.idx()];
        c.0 += 1;
        let g = groups.group_of(a).unwrap_or(NO_GROUP);
        if copied.contains(&(h, g)) {
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
        "{:.0}% of {own} own posts repeat a text circulating in its cluster",
        100.0 * value
    )
}

super::parameter_free_signal!("Own posts whose text other accounts also posted.", 1.0);

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

    #[test]
    fn widely_shared_text_is_not_a_script() {
        let (mut b, src) = builder();
        let headline = "Thousands march in Hong Kong against the bill via @HKFP";
        let script = "Foreign forces are behind the chaos in the city";
        let mut n = 0;
        // Members m0, m1 post the script and the headline; 5 outsiders post the headline too.
        for acc in ["m0", "m1", "o0", "o1", "o2", "o3", "o4"] {
            for k in 0..5 {
                n += 1;
                let text = if acc.starts_with('m') && k < 3 {
                    format!("{script} {k}")
                } else {
                    format!("{headline} {k}")
                };
                post(&mut b, src, &format!("x{n}"), acc, MONDAY + n, &text);
            }
        }
        let ds = finish(b);
        let mut cl = vec![None; ds.accounts.len()];
        cl[0] = Some(0);
        cl[1] = Some(0);
        let g = Groups::from_clusters(ds.accounts.len(), &cl);
        let ctx = Context::new(&ds, &g);
        let col = compute(&ctx);
        // 3 of 5 own posts are the cluster's script; the headlines are everyone's.
        assert!((col.value[0] - 0.6).abs() < 1e-6, "{}", col.value[0]);
        assert!((col.value[1] - 0.6).abs() < 1e-6);
    }
}
