//! Account-to-cluster membership test for accounts with few actions.
//!
//! **Measures.** For an account in no cluster, two kinds of hits of its reposts on an
//! inauthentic cluster, each against its own **base rate**:
//! - *burst* hits: a repost of a post (by id, else by identical text: [`repost_target`]) that a
//!   member of that cluster also reposted within [`BURST_WINDOW_S`] seconds of it; base rate
//!   `b_burst`, the share of all reposts made by accounts outside the inauthentic clusters that
//!   land in such a burst (the chance that an ordinary reposter, with its popular targets, falls
//!   in the cluster's bursts);
//! - *source* hits: a repost of a post written by a member of that cluster (the reposted author,
//!   [`repost_authors`]), counted only when the account's hits amplify two or more of its members
//!   (a fan of one persona reposts that persona; an amplifier serves the network); base rate
//!   `b_source`, the share of those outside reposts whose author is a member of an inauthentic
//!   cluster.
//!
//! With `x` hits of a kind among the account's `n` reposts, the p-value of that kind is the
//! binomial tail `P(X >= x)`, `X ~ Bin(n, b)`; the account's p-value is twice the smaller of
//! the two (Bonferroni over the two kinds). Accounts with [`MIN_HITS`]+ reposts are tested, and
//! the accounts whose p-value passes the Benjamini-Hochberg cut at false-discovery rate
//! [`ALPHA`] over all tested accounts, with at least [`MIN_HITS`] hits of the kind and at least
//! half their reposts hits, **join** the cluster; the evidence carries the p-value.
//!
//! **Why.** Operations run cells of amplifiers with 3-5 posts each: too few for pair statistics
//! (no pair of them shares enough targets to pass the false-discovery correction), so they fall
//! out of every cluster. Their few actions still land, one after another, inside the bursts of the
//! cluster they serve, or on its members' posts, far more often than the targets' popularity
//! explains. Bursts alone could not show it: on the sparse HK world (seed 32) 15% of all outside
//! reposts land in an operation's bursts (popular posts are reposted in bursts by everyone), so
//! 3-5 hits never pass; reposting the operation's own accounts is rarer (the base rate there is
//! a few percent) and no organic or activist account outside the clusters gives half its
//! reposts to them (0 of 9,049 on that world, against 100 of the 228 missed operation accounts).
//! A per-target null (the rate at which outsiders repost *that* post in the burst) does not
//! work for this: the outsiders who repost an operation's posts are mostly its own unclustered
//! amplifiers, so the null would absorb the effect it tests for. The false-discovery rate
//! (rather than a family-wise bound) is the same standard as the edges' q-values upstream.
//!
//! **False-positive risks.** A real user who reposts an operation's viral posts, repeatedly (a
//! genuine fan of a persona): the base rates include such users, so only an account whose hits
//! are far beyond them joins; accounts whose own evidence says organic never join (the
//! verdict's authenticity rule). Notification-driven reposting of one popular account that an
//! operation also boosts.
//!
//! **Evidence.** "3 of its 3 reposts land within 10 min of reposts of the same post by members of
//! inauthentic cluster 7 (base rate 0.4%, p = 6e-8)"; "4 of its 5 reposts amplify posts by
//! members of inauthentic cluster 7 (base rate 2.1%, p = 3e-6)".

use crate::context::{Groups, repost_authors, repost_target};
use lockstep_model::{AccountId, Dataset, Sym};

/// Two reposts of the same post within this many seconds are in one burst.
pub const BURST_WINDOW_S: i64 = 600;
/// False-discovery rate of the joins over all accounts tested (Benjamini-Hochberg).
pub const ALPHA: f64 = 0.01;
/// Minimum hits to join.
pub const MIN_HITS: u32 = 2;

/// The result for one account that joins a cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct Join {
    /// Group index (into [`Groups`]) joined.
    pub group: u32,
    /// Reposts with a known target.
    pub reposts: u32,
    /// Of those, in the group's bursts.
    pub hits: u32,
    /// Base rate.
    pub base_rate: f64,
    /// What the hits are.
    pub kind: HitKind,
    /// Binomial tail p-value.
    pub p_value: f64,
}

/// The two kinds of hits (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HitKind {
    /// In a burst of the cluster's reposts of the same post.
    Burst,
    /// A repost of a post written by a member of the cluster.
    Source,
}

impl Join {
    /// The evidence sentence.
    pub fn describe(&self, cluster_id: u32) -> String {
        let what = match self.kind {
            HitKind::Burst => format!(
                "land within {} min of reposts of the same post by members of inauthentic cluster {cluster_id}",
                BURST_WINDOW_S / 60
            ),
            HitKind::Source => {
                format!("amplify posts by members of inauthentic cluster {cluster_id}")
            }
        };
        format!(
            "{} of its {} reposts {what} (base rate {:.1}%, p = {:.1e})",
            self.hits,
            self.reposts,
            100.0 * self.base_rate,
            self.p_value
        )
    }
}

/// `ln C(n, k)`.
fn ln_choose(n: u32, k: u32) -> f64 {
    let lg = |x: u32| (1..=x).map(|i| f64::from(i).ln()).sum::<f64>();
    lg(n) - lg(k) - lg(n - k)
}

/// `P(X >= x)` for `X ~ Bin(n, p)`.
pub fn binomial_tail(n: u32, x: u32, p: f64) -> f64 {
    if x == 0 {
        return 1.0;
    }
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    (x..=n)
        .map(|k| {
            (ln_choose(n, k) + f64::from(k) * p.ln() + f64::from(n - k) * (1.0 - p).ln()).exp()
        })
        .sum::<f64>()
        .min(1.0)
}

/// Tests every account outside the groups; `inauthentic[g]` marks the groups that may be joined.
/// Returns, per account, the join (if any).
pub fn test_membership(ds: &Dataset, groups: &Groups, inauthentic: &[bool]) -> Vec<Option<Join>> {
    let n = ds.accounts.len();
    let mut out = vec![None; n];
    if !inauthentic.iter().any(|&x| x) {
        return out;
    }
    let p = &ds.posts;
    let in_inauth = |a: AccountId| {
        groups
            .group_of(a)
            .is_some_and(|g| inauthentic.get(g as usize).copied().unwrap_or(false))
    };
    // Reposts by members of inauthentic groups, by target: (target, time, group).
    let mut member: Vec<(Sym, i64, u32)> = Vec::new();
    let targets: Vec<Option<Sym>> = (0..p.len()).map(|i| repost_target(ds, i)).collect();
    for (i, &target) in targets.iter().enumerate() {
        let Some(target) = target else { continue };
        let a = p.account[i];
        if in_inauth(a)
            && let Some(g) = groups.group_of(a)
        {
            member.push((target, p.time[i], g));
        }
    }
    member.sort_unstable();
    // For a repost (target, time): the inauthentic groups with a member repost within the window.
    let hits_of = |target: Sym, t: i64, buf: &mut Vec<u32>| {
        buf.clear();
        let lo = member.partition_point(|&(s, tt, _)| (s, tt) < (target, t - BURST_WINDOW_S));
        for &(s, tt, g) in &member[lo..] {
            if s != target || tt > t + BURST_WINDOW_S {
                break;
            }
            if !buf.contains(&g) {
                buf.push(g);
            }
        }
    };
    // Per outside account: reposts, and hits per group of each kind.
    let authors = repost_authors(ds);
    let mut reposts = vec![0u32; n];
    let mut hits: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
    // Source hits: (group, reposted member) per repost.
    let mut source_hits: Vec<Vec<(u32, AccountId)>> = vec![Vec::new(); n];
    let (mut all, mut all_hits, mut all_source) = (0u64, 0u64, 0u64);
    let mut buf = Vec::new();
    let bump = |v: &mut Vec<(u32, u32)>, g: u32| match v.iter_mut().find(|(x, _)| *x == g) {
        Some(e) => e.1 += 1,
        None => v.push((g, 1)),
    };
    for (i, &target) in targets.iter().enumerate() {
        let Some(target) = target else { continue };
        let a = p.account[i];
        if in_inauth(a) || a.idx() >= n {
            continue;
        }
        hits_of(target, p.time[i], &mut buf);
        let source = authors
            .get(i)
            .copied()
            .flatten()
            .filter(|&s| s != a && in_inauth(s))
            .and_then(|s| groups.group_of(s).map(|g| (g, s)));
        all += 1;
        all_hits += u64::from(!buf.is_empty());
        all_source += u64::from(source.is_some());
        if groups.group_of(a).is_some() {
            // Members of other clusters keep their own cluster; they only count in the base rate.
            continue;
        }
        reposts[a.idx()] += 1;
        for &g in &buf {
            bump(&mut hits[a.idx()], g);
        }
        if let Some(hit) = source {
            source_hits[a.idx()].push(hit);
        }
    }
    if all == 0 {
        return out;
    }
    let rate = |h: u64| (h as f64 + 1.0) / (all as f64 + 2.0);
    let (base, base_source) = (rate(all_hits), rate(all_source));
    // The best kind and group per tested account, then Benjamini-Hochberg over the tested.
    let best = |v: &[(u32, u32)]| {
        v.iter()
            .copied()
            .max_by_key(|&(g, x)| (x, std::cmp::Reverse(g)))
    };
    let mut candidates: Vec<(f64, usize, Join)> = Vec::new();
    let mut tested = 0usize;
    for a in 0..n {
        let r = reposts[a];
        if r < MIN_HITS {
            continue;
        }
        tested += 1;
        // Source hits count for a group when they amplify 2+ of its members: a fan of one
        // persona reposts that persona; an amplifier serves the network.
        let mut by_group: Vec<(u32, u32)> = Vec::new();
        for &(g, _) in &source_hits[a] {
            bump(&mut by_group, g);
        }
        by_group.retain(|&(g, _)| {
            let mut members: Vec<AccountId> = source_hits[a]
                .iter()
                .filter(|h| h.0 == g)
                .map(|h| h.1)
                .collect();
            members.sort_unstable();
            members.dedup();
            members.len() >= 2
        });
        let mut pick: Option<Join> = None;
        for (kind, v, b) in [
            (HitKind::Burst, &hits[a], base),
            (HitKind::Source, &by_group, base_source),
        ] {
            let Some((g, x)) = best(v) else { continue };
            if x < MIN_HITS || 2 * x < r {
                continue;
            }
            let pv = (2.0 * binomial_tail(r, x, b)).min(1.0);
            if pick.as_ref().is_none_or(|j| pv < j.p_value) {
                pick = Some(Join {
                    group: g,
                    reposts: r,
                    hits: x,
                    base_rate: b,
                    p_value: pv,
                    kind,
                });
            }
        }
        if let Some(j) = pick {
            candidates.push((j.p_value, a, j));
        }
    }
    candidates.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let m = tested.max(1) as f64;
    let passed = candidates
        .iter()
        .enumerate()
        .rev()
        .find(|(k, (pv, _, _))| *pv <= (*k as f64 + 1.0) * ALPHA / m)
        .map_or(0, |(k, _)| k + 1);
    for (_, a, j) in candidates.into_iter().take(passed) {
        out[a] = Some(j);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::{DatasetBuilder, PostKind, PostRecord, Resolution, SourceInfo};

    #[test]
    fn binomial_tail_values() {
        assert!((binomial_tail(3, 3, 0.1) - 1e-3).abs() < 1e-12);
        assert!((binomial_tail(2, 1, 0.5) - 0.75).abs() < 1e-12);
        assert_eq!(binomial_tail(5, 0, 0.3), 1.0);
    }

    /// An operation's core posts 6 times; 4 clustered amplifiers repost each within a minute; a
    /// sparse amplifier reposts 3 of them inside the bursts; 200 ordinary users repost popular
    /// organic posts, and one fan reposts 3 core posts hours later.
    #[test]
    fn a_sparse_amplifier_joins_a_late_fan_does_not() {
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo::new("t", "test", Resolution::Second));
        let mut k = 0;
        let mut post = |b: &mut DatasetBuilder, acc: &str, t: i64, of: &str| {
            k += 1;
            let id = format!("p{k}");
            b.push_post(
                &PostRecord {
                    external_id: &id,
                    account: acc,
                    time: t,
                    text: "x",
                    kind: Some(if of.is_empty() {
                        PostKind::Original
                    } else {
                        PostKind::Repost
                    }),
                    repost_of: of,
                    ..Default::default()
                },
                src,
            );
            id
        };
        let mut core_posts = Vec::new();
        for d in 0..6 {
            core_posts.push(post(&mut b, "core", d * 86_400, ""));
        }
        for (d, c) in core_posts.iter().enumerate() {
            let t0 = d as i64 * 86_400;
            for m in 0..4 {
                post(&mut b, &format!("amp{m}"), t0 + 30 + m, c);
            }
        }
        for c in &core_posts[..3] {
            let t0 = core_posts.iter().position(|x| x == c).unwrap_or(0) as i64 * 86_400;
            post(&mut b, "sparse", t0 + 90, c);
            post(&mut b, "fan", t0 + 6 * 3600, c);
        }
        let mut pop = Vec::new();
        for d in 0..20 {
            pop.push(post(&mut b, "star", d * 86_400 + 5000, ""));
        }
        for u in 0..200 {
            for j in 0..3 {
                let s = &pop[(u + j) % 20];
                post(
                    &mut b,
                    &format!("user{u}"),
                    (((u + j) % 20) as i64) * 86_400 + 5000 + 60 * (u as i64 % 50),
                    s,
                );
            }
        }
        let ds = b.finish();
        let id = |s: &str| {
            ds.account_by_external(s)
                .map(|a| a.idx())
                .unwrap_or(usize::MAX)
        };
        let mut cl = vec![None; ds.accounts.len()];
        for s in ["core", "amp0", "amp1", "amp2", "amp3"] {
            cl[id(s)] = Some(7);
        }
        let groups = Groups::from_clusters(ds.accounts.len(), &cl);
        let joins = test_membership(&ds, &groups, &[true]);
        let j = joins[id("sparse")]
            .clone()
            .unwrap_or_else(|| panic!("sparse did not join"));
        assert_eq!((j.group, j.reposts, j.hits), (0, 3, 3));
        assert!(j.p_value < 1e-5, "{j:?}");
        assert!(
            j.describe(7)
                .starts_with("3 of its 3 reposts land within 10 min")
        );
        assert!(joins[id("fan")].is_none(), "{:?}", joins[id("fan")]);
        assert!(joins[id("user0")].is_none());
        // Nothing to join when no cluster is inauthentic.
        assert!(
            test_membership(&ds, &groups, &[false])
                .iter()
                .all(Option::is_none)
        );
    }

    /// A late amplifier (hours after the bursts) that reposts only the operation's accounts (two
    /// of them) joins through the source kind; a fan who reposts one of its personas, 300
    /// ordinary users who repost a popular star, and one who once reposted the operation among
    /// many other reposts, do not.
    #[test]
    fn an_amplifier_of_the_cluster_s_own_posts_joins_through_its_sources() {
        let mut b = DatasetBuilder::new();
        let src = b.add_source(SourceInfo::new("t", "test", Resolution::Second));
        let mut k = 0;
        let mut push = |b: &mut DatasetBuilder, acc: &str, t: i64, of: &str, of_acc: &str| {
            k += 1;
            let id = format!("p{k}");
            let text = format!("text {k}");
            b.push_post(
                &PostRecord {
                    external_id: &id,
                    account: acc,
                    time: t,
                    text: &text,
                    kind: Some(if of.is_empty() {
                        PostKind::Original
                    } else {
                        PostKind::Repost
                    }),
                    repost_of: of,
                    repost_of_account: of_acc,
                    ..Default::default()
                },
                src,
            );
            id
        };
        let day = 86_400;
        let who = |d: usize| if d.is_multiple_of(2) { "core" } else { "core2" };
        let core: Vec<String> = (0..8)
            .map(|d| push(&mut b, who(d), d as i64 * day, "", ""))
            .collect();
        for (d, c) in core.iter().enumerate() {
            push(&mut b, "amp0", d as i64 * day + 30, c, who(d));
            push(&mut b, "amp1", d as i64 * day + 40, c, who(d));
        }
        for (d, c) in core.iter().enumerate().take(4) {
            push(&mut b, "late", d as i64 * day + 5 * 3600, c, who(d));
            // A fan of one persona: reposts only "core", late.
            if d.is_multiple_of(2) {
                push(&mut b, "fan", d as i64 * day + 6 * 3600, c, "core");
                push(&mut b, "fan", d as i64 * day + 7 * 3600, c, "core");
            }
        }
        let star: Vec<String> = (0..30)
            .map(|d| push(&mut b, "star", d * day + 5000, "", ""))
            .collect();
        for u in 0..300 {
            for j in 0..4usize {
                let s = (u + j) % 30;
                push(
                    &mut b,
                    &format!("user{u}"),
                    s as i64 * day + 9000 + u as i64,
                    &star[s],
                    "star",
                );
            }
        }
        push(&mut b, "user0", 3 * day + 7 * 3600, &core[3], "core");
        let ds = b.finish();
        let id = |s: &str| {
            ds.account_by_external(s)
                .map(|a| a.idx())
                .unwrap_or(usize::MAX)
        };
        let mut cl = vec![None; ds.accounts.len()];
        for s in ["core", "core2", "amp0", "amp1"] {
            cl[id(s)] = Some(3);
        }
        let groups = Groups::from_clusters(ds.accounts.len(), &cl);
        let joins = test_membership(&ds, &groups, &[true]);
        let j = joins[id("late")]
            .clone()
            .unwrap_or_else(|| panic!("late did not join"));
        assert_eq!((j.kind, j.reposts, j.hits), (HitKind::Source, 4, 4));
        assert!(
            j.describe(3).starts_with(
                "4 of its 4 reposts amplify posts by members of inauthentic cluster 3"
            ),
            "{}",
            j.describe(3)
        );
        assert!(joins[id("fan")].is_none(), "{:?}", joins[id("fan")]);
        assert!(joins[id("user0")].is_none());
        assert!(joins[id("user1")].is_none());
        assert_eq!(joins.iter().filter(|j| j.is_some()).count(), 1);
    }
}
