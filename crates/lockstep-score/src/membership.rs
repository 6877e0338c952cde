//! Account-to-cluster membership test for accounts with few actions.
//!
//! **Measures.** For an account in no cluster, its reposts that land in an inauthentic cluster's
//! **bursts**: a repost of a post (by id, else by identical text: [`repost_target`]) that a member of that cluster also reposted within
//! [`BURST_WINDOW_S`] seconds of it. Against the **base rate** `b`: the share of all reposts made
//! by accounts outside the inauthentic clusters that land in such a burst (the chance that an
//! ordinary reposter of the data, with its popular targets, falls in the cluster's bursts). With
//! `x` hits among the account's `n` reposts, the p-value is the binomial tail `P(X >= x)`,
//! `X ~ Bin(n, b)`. The account **joins** the cluster when `p <= alpha / m` (Bonferroni over the
//! `m` accounts tested, `alpha` = [`ALPHA`]), at least [`MIN_HITS`] hits, and at least half its
//! reposts are hits; the evidence carries the p-value.
//!
//! **Why.** Operations run cells of amplifiers with 3-5 posts each: too few for pair statistics
//! (no pair of them shares enough targets to pass the false-discovery correction), so they fall
//! out of every cluster. Their few actions still land, one after another, inside the bursts of the
//! cluster they serve, far more often than the targets' popularity explains.
//!
//! **False-positive risks.** A real user who reposts an operation's viral posts within minutes,
//! repeatedly (a genuine fan of a persona): the base rate includes such users, so only an account
//! whose hits are far beyond it joins; accounts whose own evidence says organic never join (the
//! verdict's authenticity rule). Notification-driven reposting of one popular account that an
//! operation also boosts.
//!
//! **Evidence.** "3 of its 3 reposts land within 10 min of reposts of the same post by members of
//! inauthentic cluster 7 (base rate 0.4%, p = 6e-8)".

use crate::context::{Groups, repost_target};
use lockstep_model::{AccountId, Dataset, Sym};

/// Two reposts of the same post within this many seconds are in one burst.
pub const BURST_WINDOW_S: i64 = 600;
/// Family-wise error rate of the test over all accounts tested.
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
    /// Binomial tail p-value.
    pub p_value: f64,
}

impl Join {
    /// The evidence sentence.
    pub fn describe(&self, cluster_id: u32) -> String {
        format!(
            "{} of its {} reposts land within {} min of reposts of the same post by members of inauthentic cluster {cluster_id} (base rate {:.1}%, p = {:.1e})",
            self.hits,
            self.reposts,
            BURST_WINDOW_S / 60,
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
    // Per outside account: reposts, and hits per group.
    let mut reposts = vec![0u32; n];
    let mut hits: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
    let (mut all, mut all_hits) = (0u64, 0u64);
    let mut buf = Vec::new();
    for (i, &target) in targets.iter().enumerate() {
        let Some(target) = target else { continue };
        let a = p.account[i];
        if in_inauth(a) || a.idx() >= n {
            continue;
        }
        hits_of(target, p.time[i], &mut buf);
        all += 1;
        all_hits += u64::from(!buf.is_empty());
        if groups.group_of(a).is_some() {
            // Members of other clusters keep their own cluster; they only count in the base rate.
            continue;
        }
        reposts[a.idx()] += 1;
        for &g in &buf {
            match hits[a.idx()].iter_mut().find(|(x, _)| *x == g) {
                Some(e) => e.1 += 1,
                None => hits[a.idx()].push((g, 1)),
            }
        }
    }
    if all == 0 {
        return out;
    }
    let base = (all_hits as f64 + 1.0) / (all as f64 + 2.0);
    let tested = reposts.iter().filter(|&&r| r >= MIN_HITS).count().max(1);
    let cut = ALPHA / tested as f64;
    for a in 0..n {
        let r = reposts[a];
        let Some(&(g, x)) = hits[a]
            .iter()
            .max_by_key(|(g, x)| (*x, std::cmp::Reverse(*g)))
        else {
            continue;
        };
        if x < MIN_HITS || 2 * x < r {
            continue;
        }
        let pv = binomial_tail(r, x, base);
        if pv <= cut {
            out[a] = Some(Join {
                group: g,
                reposts: r,
                hits: x,
                base_rate: base,
                p_value: pv,
            });
        }
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
        assert!(joins[id("fan")].is_none());
        assert!(joins[id("user0")].is_none());
        // Nothing to join when no cluster is inauthentic.
        assert!(
            test_membership(&ds, &groups, &[false])
                .iter()
                .all(Option::is_none)
        );
    }
}
