//! # `closed_engagement`: no life of its own outside the network
//!
//! **Measures.** The engagement an account receives from other accounts in the data (reposts of
//! its posts — by the reposted author the source names, else the author of the earliest original
//! with the repost's text, see [`crate::context::repost_authors`] — and replies to it) and the
//! share of it that comes from coordinated accounts: members of its own cluster or of another
//! coordination cluster (an operation's core and its amplifier cells are often separate
//! clusters; what matters is whether anyone *outside* the coordinated accounts answers).
//! Account strength: `clamp((share - 0.6) / 0.35, 0, 1)` when it received at least
//! [`MIN_ACCOUNT_ENGAGEMENT`] engagements. Cluster strength: the same ramp on the pooled share of
//! all engagement the members receive, when they received at least [`MIN_GROUP_ENGAGEMENT`]; the
//! cluster's is the number the verdict uses. The value is the share. Accounts in no cluster and
//! accounts nobody engages with are not judged.
//!
//! **Why it indicates inauthenticity.** An operation's personas are pushed by the operation's own
//! amplifiers; the audience it hoped for rarely answers. The IRA's English-language trolls were
//! retweeted overwhelmingly by other IRA accounts; the Chinese 2019 Hong Kong network's and the
//! "spamouflage" networks' engagement came almost only from inside the network (Stanford Internet
//! Observatory, Graphika). A genuine movement's core is reposted and answered by a wider public
//! that is not itself coordinated.
//!
//! **False-positive risks.** A file that holds only the network (a platform disclosure, the IRA
//! file, a snowball collection of one community): all engagement in it is internal by
//! construction, so the signal then repeats how the data were collected — which is why it weighs
//! less than a clock or a creation burst and cannot decide alone. Small, tight-knit communities
//! (a fan club, a team's staff) whose public is not in the collection.
//!
//! **Evidence.** "94% of the 3120 reposts and replies its members received came from coordinated
//! accounts (this or other clusters)"; per account "41 of its 44 reposts and replies received came
//! from coordinated accounts".

use super::SignalColumn;
use crate::context::Context;
use lockstep_model::{AccountId, PostKind};

/// Minimum engagements received for an account reading.
pub const MIN_ACCOUNT_ENGAGEMENT: u32 = 5;
/// Minimum engagements received by a cluster's members for a cluster reading.
pub const MIN_GROUP_ENGAGEMENT: u32 = 20;
/// Share at which the signal starts, and the width of its ramp.
pub const FROM: f64 = 0.6;
/// See [`FROM`].
pub const RAMP: f64 = 0.35;

/// Strength of a share.
pub fn strength(share: f64) -> f64 {
    ((share - FROM) / RAMP).clamp(0.0, 1.0)
}

/// Per account `(received, received from accounts in any cluster)`.
pub fn tallies(ctx: &Context<'_>) -> Vec<(u32, u32)> {
    let ds = ctx.ds;
    let posts = &ds.posts;
    let mut t = vec![(0u32, 0u32); ctx.n_accounts()];
    let authors = crate::context::repost_authors(ds);
    for (p, &author) in authors.iter().enumerate() {
        let from = posts.account[p];
        let to = match posts.kind[p] {
            PostKind::Repost => author,
            _ => posts.reply_to_account[p],
        };
        let Some(to) = to else { continue };
        if to == from || to.idx() >= t.len() {
            continue;
        }
        let e = &mut t[to.idx()];
        e.0 += 1;
        if ctx.groups.group_of(from).is_some() {
            e.1 += 1;
        }
    }
    t
}

/// Computes the column.
pub fn compute(ctx: &Context<'_>) -> SignalColumn {
    let n = ctx.n_accounts();
    let g_n = ctx.groups.len();
    let mut col = SignalColumn::new(n, g_n);
    let t = tallies(ctx);
    for (i, &(got, inside)) in t.iter().enumerate() {
        if ctx.groups.group_of(AccountId(i as u32)).is_none() || got < MIN_ACCOUNT_ENGAGEMENT {
            continue;
        }
        let share = f64::from(inside) / f64::from(got);
        col.strength[i] = strength(share) as f32;
        col.value[i] = share as f32;
        col.aux[i] = got as f32;
    }
    for (g, members) in ctx.groups.members.iter().enumerate() {
        let (got, inside) = members.iter().fold((0u32, 0u32), |acc, a| {
            let x = t[a.idx()];
            (acc.0 + x.0, acc.1 + x.1)
        });
        if got < MIN_GROUP_ENGAGEMENT {
            // Too little engagement to read: the cluster gets no statement at all (not the
            // members' mean, which could rest on one or two accounts).
            col.group_strength[g] = 0.0;
            continue;
        }
        let share = f64::from(inside) / f64::from(got);
        col.group_strength[g] = strength(share) as f32;
        col.group_text[g] = format!(
            "{:.0}% of the {got} reposts and replies its members received came from coordinated accounts (this or other clusters)",
            100.0 * share
        );
    }
    col
}

/// Evidence sentence.
pub fn describe(value: f64, aux: f64) -> String {
    let got = aux.max(0.0).round();
    format!(
        "{:.0} of its {got:.0} reposts and replies received came from coordinated accounts",
        (value * got).round()
    )
}

// Weight 0: reported, not scored; it cannot yet tell fandoms from operations (docs/scoring.md).
super::signal_def!(
    "Engagement received almost only from inside the cluster.",
    0.0,
    compute(ctx, _params) => compute(ctx),
    describe(_ctx, _params, _a, value, aux) => describe(value, aux),
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::{MONDAY, account, builder, finish, post};
    use lockstep_model::PostRecord;

    fn repost(
        b: &mut lockstep_model::DatasetBuilder,
        src: u16,
        id: &str,
        who: &str,
        of: &str,
        of_acc: &str,
    ) {
        b.push_post(
            &PostRecord {
                external_id: id,
                account: who,
                time: MONDAY + 60,
                kind: Some(PostKind::Repost),
                repost_of: of,
                repost_of_account: of_acc,
                ..Default::default()
            },
            src,
        );
    }

    #[test]
    fn a_network_that_only_hears_itself_fires_a_movement_with_a_public_does_not() {
        let (mut b, src) = builder();
        for a in ["op1", "op2", "op3", "act1", "act2", "pub1", "pub2", "pub3"] {
            account(&mut b, a, a, None);
        }
        post(&mut b, src, "o1", "op1", MONDAY, "persona post");
        post(&mut b, src, "a1", "act1", MONDAY, "march at noon");
        let mut k = 0;
        for _ in 0..12 {
            for r in ["op2", "op3"] {
                k += 1;
                repost(&mut b, src, &format!("r{k}"), r, "o1", "op1");
            }
            for r in ["act2", "pub1", "pub2", "pub3"] {
                k += 1;
                repost(&mut b, src, &format!("r{k}"), r, "a1", "act1");
            }
        }
        let ds = finish(b);
        let id = |s: &str| {
            ds.account_by_external(s)
                .map(|a| a.idx())
                .unwrap_or(usize::MAX)
        };
        let mut cl = vec![None; ds.accounts.len()];
        for s in ["op1", "op2", "op3"] {
            cl[id(s)] = Some(1);
        }
        for s in ["act1", "act2"] {
            cl[id(s)] = Some(2);
        }
        let groups = Groups::from_clusters(ds.accounts.len(), &cl);
        let ctx = Context::new(&ds, &groups);
        let col = compute(&ctx);
        assert_eq!(col.strength[id("op1")], 1.0);
        assert_eq!(col.value[id("op1")], 1.0);
        assert!(
            col.strength[id("act1")] < 0.01,
            "{}",
            col.strength[id("act1")]
        );
        assert!(col.strength[id("pub1")].is_nan());
        let g_op = groups.group_of(AccountId(id("op1") as u32)).unwrap_or(0) as usize;
        let g_act = groups.group_of(AccountId(id("act1") as u32)).unwrap_or(0) as usize;
        assert_eq!(col.group_strength[g_op], 1.0);
        assert_eq!(col.group_strength[g_act], 0.0);
        assert!(
            col.group_text[g_op].starts_with("100% of the 24 reposts"),
            "{}",
            col.group_text[g_op]
        );
        assert_eq!(
            describe(1.0, 24.0),
            "24 of its 24 reposts and replies received came from coordinated accounts"
        );
    }
}
