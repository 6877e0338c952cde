//! # `state_media`: links to and reposts of state-controlled media
//!
//! **Measures.** The share of an account's posts that link to a domain of the state-media registry
//! (`data/state_media.toml`), repost or quote a registered outlet's account, or mention one.
//! Strength: `clamp(share / 0.3, 0, 1)` when at least 2 posts qualify (a third of posts to state
//! media is already a dedicated promoter); value: the share. Accounts with fewer than 3 posts are
//! not judged. The outlets' own accounts are overt, not covert: they get strength 0 (their posts
//! still feed attribution).
//!
//! **Why it indicates inauthenticity.** State operations exist to push the state's narrative, and
//! their accounts link to and amplify its outlets (CGTN, Global Times, RT, Sputnik...) far more
//! than ordinary users. Attribution uses the outlets' countries.
//!
//! **False-positive risks.** Journalists, researchers and critics who link to state media to
//! discuss or debunk it; fans of a country's official line who are real people. The signal weighs
//! moderately and names the outlets so a reviewer can read the posts.
//!
//! **Evidence.** "34% of 120 posts link to or amplify state media (Global Times 20, CGTN 14)".

use super::SignalColumn;
use crate::context::Context;
use crate::params::ScoreParams;
use crate::registry::StateMediaRegistry;
use lockstep_model::{AccountId, Dataset};

/// The registered outlet a post links to, reposts, quotes or mentions, if any.
pub fn post_outlet(ds: &Dataset, reg: &StateMediaRegistry, p: usize) -> Option<usize> {
    let posts = &ds.posts;
    for &u in posts.urls.get(p) {
        if let Some(o) = reg.outlet_of_url(ds.str(u)) {
            return Some(o);
        }
    }
    for acc in [posts.repost_of_account[p], posts.reply_to_account[p]]
        .into_iter()
        .flatten()
    {
        if let Some(o) = reg.outlet_of_handle(ds.str(ds.accounts.screen_name[acc.idx()])) {
            return Some(o);
        }
    }
    for &m in posts.mentions.get(p) {
        if let Some(o) = reg.outlet_of_handle(ds.str(m)) {
            return Some(o);
        }
    }
    None
}

/// Per-outlet counts of an account's state-media posts, most first.
pub fn outlet_counts(
    ctx: &Context<'_>,
    reg: &StateMediaRegistry,
    a: AccountId,
) -> Vec<(usize, u32)> {
    let mut counts: Vec<(usize, u32)> = Vec::new();
    for &p in ctx.posts_of(a) {
        if let Some(o) = post_outlet(ctx.ds, reg, p as usize) {
            match counts.iter_mut().find(|x| x.0 == o) {
                Some(x) => x.1 += 1,
                None => counts.push((o, 1)),
            }
        }
    }
    counts.sort_by_key(|x| std::cmp::Reverse(x.1));
    counts
}

/// Computes the signal.
pub fn compute(ctx: &Context<'_>, params: &ScoreParams) -> SignalColumn {
    use rayon::prelude::*;
    let reg = &params.registry;
    if reg.is_empty() {
        return SignalColumn::new(ctx.n_accounts(), ctx.groups.len());
    }
    let pairs = (0..ctx.n_accounts() as u32)
        .into_par_iter()
        .map(|i| {
            let a = AccountId(i);
            let n = ctx.posts_of(a).len();
            if n < 3 {
                return None;
            }
            let own = ctx.ds.str(ctx.ds.accounts.screen_name[a.idx()]);
            if reg.outlet_of_handle(own).is_some() {
                return Some((0.0, 0.0));
            }
            let k: u32 = outlet_counts(ctx, reg, a).iter().map(|x| x.1).sum();
            let share = k as f32 / n as f32;
            let s = if k >= 2 { (share / 0.3).min(1.0) } else { 0.0 };
            Some((s, share))
        })
        .collect();
    SignalColumn::from_pairs(pairs, ctx.groups.len())
}

/// Evidence sentence.
pub fn describe(ctx: &Context<'_>, a: AccountId, value: f64, params: &ScoreParams) -> String {
    let reg = &params.registry;
    let top: Vec<String> = outlet_counts(ctx, reg, a)
        .iter()
        .take(3)
        .map(|(o, c)| format!("{} {c}", reg.outlets[*o].name))
        .collect();
    format!(
        "{:.0}% of {} posts link to or amplify state media ({})",
        100.0 * value,
        ctx.posts_of(a).len(),
        top.join(", ")
    )
}

super::signal_def!(
    "Links to and reposts of state-controlled media.",
    1.5,
    compute(ctx, params) => compute(ctx, params),
    describe(ctx, params, a, value, _aux) => describe(ctx, a, value, params),
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::*;
    use lockstep_model::PostRecord;

    #[test]
    fn promoter_fires_reader_silent() {
        let (mut b, src) = builder();
        for i in 0..10i64 {
            let url = if i % 2 == 0 {
                "https://www.globaltimes.cn/content/1"
            } else {
                "https://news.cgtn.com/n/2"
            };
            let urls = [url];
            b.push_post(
                &PostRecord {
                    external_id: &format!("s{i}"),
                    account: "promoter",
                    time: MONDAY + i,
                    urls: &urls,
                    ..Default::default()
                },
                src,
            );
            let other = [if i == 0 {
                "https://cgtn.com/a"
            } else {
                "https://hongkongfp.com/x"
            }];
            b.push_post(
                &PostRecord {
                    external_id: &format!("r{i}"),
                    account: "reader",
                    time: MONDAY + i,
                    urls: &other,
                    ..Default::default()
                },
                src,
            );
        }
        let ds = finish(b);
        let g = Groups::default();
        let ctx = Context::new(&ds, &g);
        let params = ScoreParams::default();
        let col = compute(&ctx, &params);
        assert_eq!(col.strength[0], 1.0);
        assert_eq!(col.strength[1], 0.0);
        let text = describe(&ctx, AccountId(0), 1.0, &params);
        assert!(
            text.contains("Global Times 5") && text.contains("CGTN 5"),
            "{text}"
        );
    }
}
