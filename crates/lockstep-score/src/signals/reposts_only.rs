//! # `reposts_only`: no life of its own
//!
//! **Measures.** The share of an account's posts that are reposts of someone else's post (not
//! originals, replies or quotes). Account strength: `clamp((share - 0.6) / 0.3, 0, 1)` for
//! accounts with [`MIN_ACCOUNT_POSTS`]+ posts; value: the share. Cluster strength: the mean of
//! the members' strengths, shrunk by coverage like any member mean (`mean * min(1, coverage /
//! 0.5)`), for clusters with [`MIN_GROUP_POSTS`]+ posts: the members' mean, not the pooled share,
//! because one retweet bot with 1,444 reposts in a fan cluster of 33 made the pooled share read
//! 0.48 and carried the fans over the threshold (independent `organic_only` world, seed 1). Not applicable at all when the data set
//! is itself almost only reposts ([`MAX_DATASET_SHARE`]): then the collection, not the accounts,
//! decided what they look like.
//!
//! **Why it indicates inauthenticity.** Amplifier accounts exist to push other accounts' posts:
//! their timelines are reposts and little else, with no conversation of their own. The IRA's
//! Left and Right trolls in the FiveThirtyEight file are 90% retweets, its Russian-language
//! retweet cells 94-100%; the amplifier cells of the Chinese 2019 network and of the simulated
//! and independently generated operations 70-80%. People who take part in a movement or a
//! fandom also write, reply and quote: activist, fan and organic clusters measured 15-48%
//! reposts, the highest activist cluster 71% (section 7 of docs/scoring.md).
//!
//! **False-positive risks.** Retweet-heavy real users (news junkies, partisans who mostly pass
//! things on), declared retweet bots, and collections built from reposts (a retweet network
//! export), for which the signal switches itself off. It weighs like a handle pattern: it says
//! *how* an account takes part, not that it is fake, and needs other evidence beside it.
//!
//! **Evidence.** "77 of 101 members post almost only reposts (mean repost share 88% over the 101
//! members with 10+ posts)"; per account "93% of its 240 posts are reposts".

use super::SignalColumn;
use crate::context::Context;
use lockstep_model::{AccountId, PostKind};

/// Minimum posts for an account reading.
pub const MIN_ACCOUNT_POSTS: usize = 10;
/// Minimum posts of a cluster's members for a cluster reading.
pub const MIN_GROUP_POSTS: usize = 50;
/// Above this repost share of the whole data set the signal does not apply.
pub const MAX_DATASET_SHARE: f64 = 0.9;
/// Share at which the signal starts, and the width of its ramp.
pub const FROM: f64 = 0.6;
/// See [`FROM`].
pub const RAMP: f64 = 0.3;

/// Strength of a repost share.
pub fn strength(share: f64) -> f64 {
    ((share - FROM) / RAMP).clamp(0.0, 1.0)
}

/// Computes the column.
pub fn compute(ctx: &Context<'_>) -> SignalColumn {
    let n = ctx.n_accounts();
    let mut col = SignalColumn::new(n, ctx.groups.len());
    let kind = &ctx.ds.posts.kind;
    if kind.is_empty() {
        return col;
    }
    let all = kind.iter().filter(|&&k| k == PostKind::Repost).count();
    if all as f64 / kind.len() as f64 > MAX_DATASET_SHARE {
        return col;
    }
    let tally = |a: AccountId| -> (usize, usize) {
        let posts = ctx.posts_of(a);
        let reposts = posts
            .iter()
            .filter(|&&p| kind[p as usize] == PostKind::Repost)
            .count();
        (posts.len(), reposts)
    };
    for i in 0..n {
        let (total, reposts) = tally(AccountId(i as u32));
        if total < MIN_ACCOUNT_POSTS {
            continue;
        }
        let share = reposts as f64 / total as f64;
        col.strength[i] = strength(share) as f32;
        col.value[i] = share as f32;
        col.aux[i] = total as f32;
    }
    for (g, members) in ctx.groups.members.iter().enumerate() {
        // The members' mean, not the pooled share: one retweet bot with 1,444 reposts in a fan
        // cluster of 33 must not make the fans look like a cell (independent organic-only world).
        let (mut total, mut read, mut sum, mut share_sum, mut only) = (0usize, 0usize, 0.0, 0.0, 0);
        for &a in members {
            total += ctx.posts_of(a).len();
            let st = col.strength[a.idx()];
            if st.is_nan() {
                continue;
            }
            read += 1;
            sum += f64::from(st);
            share_sum += f64::from(col.value[a.idx()]);
            only += usize::from(st >= 0.5);
        }
        if total < MIN_GROUP_POSTS || read == 0 {
            continue;
        }
        let coverage = read as f64 / members.len() as f64;
        col.group_strength[g] = (sum / read as f64 * (coverage / 0.5).min(1.0)) as f32;
        col.group_text[g] = format!(
            "{only} of {} members post almost only reposts (mean repost share {:.0}% over the {read} members with {MIN_ACCOUNT_POSTS}+ posts)",
            members.len(),
            100.0 * share_sum / read as f64
        );
    }
    col
}

/// Evidence sentence: `value` is the share, `aux` the number of posts.
pub fn describe(value: f64, aux: f64) -> String {
    format!(
        "{:.0}% of its {:.0} posts are reposts",
        100.0 * value,
        aux.max(0.0)
    )
}

super::signal_def!(
    "Almost only reposts: no life of its own.",
    2.0,
    compute(ctx, _params) => compute(ctx),
    describe(_ctx, _params, _a, value, aux) => describe(value, aux),
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::{MONDAY, account, builder, finish, post};
    use lockstep_model::PostRecord;

    fn repost(b: &mut lockstep_model::DatasetBuilder, src: u16, id: &str, who: &str, t: i64) {
        b.push_post(
            &PostRecord {
                external_id: id,
                account: who,
                time: t,
                kind: Some(PostKind::Repost),
                repost_of: "s0",
                repost_of_account: "star",
                ..Default::default()
            },
            src,
        );
    }

    /// A cell of 3 accounts that only repost, a community of 3 that writes 3 posts per repost,
    /// and `extra_reposts` reposts by a bystander (to push the data set's share up).
    fn world(extra_reposts: usize) -> (lockstep_model::Dataset, Vec<Option<u32>>) {
        let (mut b, src) = builder();
        for a in [
            "star", "cell1", "cell2", "cell3", "com1", "com2", "com3", "by",
        ] {
            account(&mut b, a, a, None);
        }
        post(&mut b, src, "s0", "star", MONDAY, "the post");
        let mut k = 0;
        for i in 0..20i64 {
            let t = MONDAY + 60 * (i + 1);
            for a in ["cell1", "cell2", "cell3"] {
                k += 1;
                repost(&mut b, src, &format!("r{k}"), a, t);
            }
            for a in ["com1", "com2", "com3"] {
                k += 1;
                if i % 4 == 0 {
                    repost(&mut b, src, &format!("r{k}"), a, t);
                } else {
                    post(&mut b, src, &format!("r{k}"), a, t, "my own words");
                }
            }
        }
        for i in 0..extra_reposts {
            repost(
                &mut b,
                src,
                &format!("e{i}"),
                "by",
                MONDAY + 7200 + i as i64,
            );
        }
        let ds = finish(b);
        let mut cl = vec![None; ds.accounts.len()];
        for (c, names) in [
            (1u32, ["cell1", "cell2", "cell3"]),
            (2, ["com1", "com2", "com3"]),
        ] {
            for s in names {
                if let Some(a) = ds.account_by_external(s) {
                    cl[a.idx()] = Some(c);
                }
            }
        }
        (ds, cl)
    }

    #[test]
    fn a_cell_of_reposters_fires_a_community_that_writes_does_not() {
        let (ds, cl) = world(0);
        let groups = Groups::from_clusters(ds.accounts.len(), &cl);
        let ctx = Context::new(&ds, &groups);
        let col = compute(&ctx);
        let g = |c: u32| {
            groups
                .ids
                .iter()
                .position(|&x| x == c)
                .unwrap_or(usize::MAX)
        };
        assert_eq!(col.group_strength[g(1)], 1.0);
        assert_eq!(col.group_strength[g(2)], 0.0);
        assert_eq!(
            col.group_text[g(1)],
            "3 of 3 members post almost only reposts (mean repost share 100% over the 3 members with 10+ posts)"
        );
        let cell1 = ds
            .account_by_external("cell1")
            .map_or(usize::MAX, |a| a.idx());
        assert_eq!(col.strength[cell1], 1.0);
        assert_eq!(
            describe(col.value[cell1] as f64, col.aux[cell1] as f64),
            "100% of its 20 posts are reposts"
        );
        // The star has one post: too few for a reading.
        let star = ds
            .account_by_external("star")
            .map_or(usize::MAX, |a| a.idx());
        assert!(col.strength[star].is_nan());
    }

    #[test]
    fn a_collection_of_reposts_switches_it_off() {
        let (ds, cl) = world(2000);
        let groups = Groups::from_clusters(ds.accounts.len(), &cl);
        let ctx = Context::new(&ds, &groups);
        let col = compute(&ctx);
        assert!(col.group_strength.iter().all(|s| s.is_nan()));
        assert!(col.strength.iter().all(|s| s.is_nan()));
    }
}
