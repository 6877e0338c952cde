//! # `repurposed`: dormant, then reactivated
//!
//! **Measures.** The longest silence in the account's observed posts that has activity on both
//! sides, and whether the dominant post language changes across it. (The silence between creation
//! and the first observed post is not used: whether the data holds an account's whole history
//! cannot be told per account, and in a topic or hashtag collection every old account would look
//! dormant.) Strength: 0.5 for a silence of 180 days or more, 0.8 for a year or more, plus 0.3 when the
//! language changes (capped at 1). Value: the silence in days.
//!
//! **Why it indicates inauthenticity.** Operations buy, steal or revive old accounts to look
//! established: the `china_082019_1` network included accounts created years earlier that had
//! posted in other languages (spam, another country's topics) and then switched to Hong Kong
//! politics in Chinese. A long silence followed by a new language is the mark of a new operator.
//!
//! **False-positive risks.** People take breaks and come back, and emigrants switch language.
//! Without the language change the strength stays moderate.
//!
//! **Evidence.** "silent for 412 days (2016-03-02 to 2017-04-18), then active again; posts switched
//! from 'en' to 'zh'".

use super::SignalColumn;
use super::language_mix::norm_lang;
use crate::context::{Context, DAY, date_string};

use lockstep_model::{AccountId, Sym};

const MIN_GAP_DAYS: f64 = 180.0;

struct Dormancy {
    gap_days: f64,
    from: i64,
    to: i64,
    before: Option<String>,
    after: Option<String>,
}

fn dominant_lang(ctx: &Context<'_>, posts: &[u32]) -> Option<String> {
    let mut counts: Vec<(Sym, u32)> = Vec::new();
    for &p in posts {
        let l = ctx.ds.posts.language[p as usize];
        if l.is_none() {
            continue;
        }
        match counts.iter_mut().find(|x| x.0 == l) {
            Some(x) => x.1 += 1,
            None => counts.push((l, 1)),
        }
    }
    let mut by_norm: Vec<(String, u32)> = Vec::new();
    for (l, c) in counts {
        let n = norm_lang(ctx.ds.str(l));
        if n.is_empty() {
            continue;
        }
        match by_norm.iter_mut().find(|x| x.0 == n) {
            Some(x) => x.1 += c,
            None => by_norm.push((n, c)),
        }
    }
    by_norm.into_iter().max_by_key(|x| x.1).map(|x| x.0)
}

fn dormancy(ctx: &Context<'_>, a: AccountId) -> Option<Dormancy> {
    let posts = ctx.posts_of(a);
    if posts.is_empty() {
        return None;
    }
    let t = &ctx.ds.posts.time;
    let mut best: Option<(i64, usize)> = None; // (gap, index of first post after it)
    for i in 1..posts.len() {
        let gap = t[posts[i] as usize] - t[posts[i - 1] as usize];
        if best.is_none_or(|b| gap > b.0) {
            best = Some((gap, i));
        }
    }
    let (gap, i) = best?;
    Some(Dormancy {
        gap_days: gap as f64 / DAY as f64,
        from: t[posts[i - 1] as usize],
        to: t[posts[i] as usize],
        before: dominant_lang(ctx, &posts[..i]),
        after: dominant_lang(ctx, &posts[i..]),
    })
}

fn strength(d: &Dormancy) -> f32 {
    let base: f32 = if d.gap_days >= 365.0 {
        0.8
    } else if d.gap_days >= MIN_GAP_DAYS {
        0.5
    } else {
        return 0.0;
    };
    let switch = matches!((&d.before, &d.after), (Some(x), Some(y)) if x != y);
    (base + if switch { 0.3 } else { 0.0 }).min(1.0)
}

/// Computes the signal for every account with posts.
pub fn compute(ctx: &Context<'_>) -> SignalColumn {
    use rayon::prelude::*;
    let pairs = (0..ctx.n_accounts() as u32)
        .into_par_iter()
        .map(|i| dormancy(ctx, AccountId(i)).map(|d| (strength(&d), d.gap_days as f32)))
        .collect();
    SignalColumn::from_pairs(pairs, ctx.groups.len())
}

/// Evidence sentence.
pub fn describe(ctx: &Context<'_>, a: AccountId, _value: f64) -> String {
    let Some(d) = dormancy(ctx, a) else {
        return String::new();
    };
    let mut s = format!(
        "silent for {:.0} days ({} to {}), then active again",
        d.gap_days,
        date_string(d.from),
        date_string(d.to)
    );
    if let (Some(x), Some(y)) = (&d.before, &d.after)
        && x != y
    {
        s.push_str(&format!("; posts switched from '{x}' to '{y}'"));
    }
    s
}

super::parameter_free_signal!(
    "Long dormancy then reactivation, often with a language switch.",
    2.0
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::*;
    use lockstep_model::PostRecord;

    #[test]
    fn revived_with_new_language_fires() {
        let (mut b, src) = builder();
        let mut n = 0;
        let mut push = |b: &mut lockstep_model::DatasetBuilder, acc: &str, t: i64, lang: &str| {
            n += 1;
            b.push_post(
                &PostRecord {
                    external_id: &format!("p{n}"),
                    account: acc,
                    time: t,
                    text: "x",
                    language: lang,
                    ..Default::default()
                },
                src,
            );
        };
        for i in 0..5 {
            push(&mut b, "revived", MONDAY + i * DAY, "in");
            push(&mut b, "revived", MONDAY + (500 + i) * DAY, "zh-cn");
            push(&mut b, "steady", MONDAY + i * 100 * DAY, "en");
        }
        let ds = finish(b);
        let g = Groups::default();
        let ctx = Context::new(&ds, &g);
        let col = compute(&ctx);
        let revived = ds
            .account_by_external("revived")
            .map(|a| a.idx())
            .unwrap_or(9);
        let steady = ds
            .account_by_external("steady")
            .map(|a| a.idx())
            .unwrap_or(9);
        assert_eq!(col.strength[revived], 1.0);
        assert_eq!(col.strength[steady], 0.0);
        let text = describe(&ctx, AccountId(revived as u32), 0.0);
        assert!(text.contains("from 'id' to 'zh'"), "{text}");
    }
}
