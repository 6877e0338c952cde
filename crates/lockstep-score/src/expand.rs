//! Expansion from seeds: given known operators (e.g. the accounts of a platform's disclosure),
//! rank every other account by its link to them and mark the amplifier network around them.
//!
//! Link components (each in [0, 1], weighted, summed into `z`; score `1 - exp(-z)`):
//! - **amplifies seeds** (weight 2): reposts/quotes of seed posts, `min(1, k / 5) * (0.5 + 0.5 *
//!   k / reposts)`, or significant `amplify` edges from a seed (each counts as its weight in posts);
//! - **amplifies the seeds' clusters** (weight 1): the same over posts of accounts that share a
//!   cluster with a seed **and were judged inauthentic** (the second hop: an operation's amplifiers
//!   boost the whole core, of which the seeds are a sample);
//! - **co-acts with seeds** (weight 1.5): `min(1, 0.5 * significant co-action edges to seeds)`;
//! - **same cluster as a seed** (weight 1 for an account the verdicts judged inauthentic, 0.5
//!   otherwise: alone it does not link);
//! - **shared infrastructure** (weight 2 for a shared login IP, 1 for a shared device), counted
//!   only for keys that identify: an IP used by at most [`MAX_IP_ACCOUNTS`] accounts, a device key
//!   used by at most [`MAX_DEVICE_ACCOUNTS`]. A carrier NAT, a popular VPN exit or a coarse device
//!   string ("iPhone") is shared by thousands of unrelated people and links nobody;
//! - **creation batch** (weight 0.5): created within a day of two or more seeds that were themselves
//!   created within a day of each other;
//! - **linked cluster** (weight 1, a second pass): in a coordination cluster (other than the seeds')
//!   of which at least half the members are linked by the components above, or at least half
//!   amplified the seeds or their judged cluster mates at least twice. An operation's amplifier
//!   cells are clusters that share the boosting out (each member a few reposts of the core); when
//!   most of a cell demonstrably serves the seeds' network, the cell as a whole belongs to it,
//!   including members whose own share is too small to link them alone.
//!
//! An account is marked `amplifier` when the amplification components are its strongest link and
//! at least half of its posts are reposts. Only accounts with a positive score are returned, best
//! first; `linked` says whether the score reaches `ScoreParams::expand_threshold`.

use crate::context::DAY;
use crate::evidence::Evidence;
use crate::input::CoordinationInput;
use crate::params::ScoreParams;
use hashbrown::{HashMap, HashSet};
use lockstep_model::{AccountId, Dataset, PostKind, Sym};
use serde::Serialize;

/// One account linked to the seeds.
#[derive(Clone, Debug, Serialize)]
pub struct ExpandedAccount {
    /// The account.
    pub account: AccountId,
    /// Link score in [0, 1].
    pub score: f64,
    /// True when the score reaches the expansion threshold.
    pub linked: bool,
    /// True when it acts as an amplifier of the seeds' network.
    pub amplifier: bool,
    /// The links, strongest first.
    pub evidence: Vec<Evidence>,
}

const W_AMP: f64 = 2.0;
const W_AMP2: f64 = 1.0;
const W_COACT: f64 = 1.5;
const W_CLUSTER: f64 = 1.0;
const W_IP: f64 = 2.0;
const W_DEVICE: f64 = 1.0;
const W_BATCH: f64 = 0.5;
const W_LINKED_CLUSTER: f64 = 1.0;

/// Largest number of accounts a login IP may have for sharing it to link an account to a seed.
pub const MAX_IP_ACCOUNTS: usize = 50;
/// Largest number of accounts a device key may have for sharing it to link an account to a seed.
pub const MAX_DEVICE_ACCOUNTS: usize = 10;

fn amp_strength(k: f64, reposts: f64) -> f64 {
    if k <= 0.0 {
        return 0.0;
    }
    (k / 5.0).min(1.0) * (0.5 + 0.5 * (k / reposts.max(k)))
}

/// Ranks accounts by their link to `seeds` (see the module docs).
///
/// `judged[i]` says whether account `i` was judged `inauthentic` by the verdicts before the
/// expansion (empty: nobody). Only judged cluster mates of the seeds carry the second hop and the
/// full same-cluster link: clusters can merge an operation with the real people it courts (trolls
/// and the genuine partisans whose leaders they retweet), and without this every retweeter of a
/// real leader in the seeds' cluster was linked.
pub fn expand(
    ds: &Dataset,
    coord: &CoordinationInput,
    seeds: &[AccountId],
    judged: &[bool],
    params: &ScoreParams,
) -> Vec<ExpandedAccount> {
    let n = ds.accounts.len();
    let judged_at = |i: usize| judged.get(i).copied().unwrap_or(false);
    let mut is_seed = vec![false; n];
    for s in seeds {
        if s.idx() < n {
            is_seed[s.idx()] = true;
        }
    }
    let seed_clusters: HashSet<u32> = seeds.iter().filter_map(|&s| coord.cluster_of(s)).collect();
    let in_seed_cluster: Vec<bool> = (0..n)
        .map(|i| {
            coord
                .cluster_of(AccountId(i as u32))
                .is_some_and(|c| seed_clusters.contains(&c))
        })
        .collect();
    // Reposts of seeds and of seed-cluster mates.
    let p = &ds.posts;
    let mut reposts = vec![0.0f64; n];
    let mut posts = vec![0.0f64; n];
    let mut k_seed = vec![0.0f64; n];
    let mut k_mates = vec![0.0f64; n];
    for i in 0..p.len() {
        let a = p.account[i].idx();
        posts[a] += 1.0;
        if !matches!(p.kind[i], PostKind::Repost | PostKind::Quote) {
            continue;
        }
        reposts[a] += 1.0;
        if let Some(src) = p.repost_of_account[i]
            && src.idx() < n
            && src.idx() != a
        {
            if is_seed[src.idx()] {
                k_seed[a] += 1.0;
            } else if in_seed_cluster[src.idx()] && judged_at(src.idx()) {
                k_mates[a] += 1.0;
            }
        }
    }
    // Significant edges.
    let mut coact = vec![0u32; n];
    for e in &coord.edges {
        let (a, b) = (e.a.idx(), e.b.idx());
        if a >= n || b >= n {
            continue;
        }
        if e.is_amplify() {
            if is_seed[a] && !is_seed[b] {
                k_seed[b] = k_seed[b].max(e.weight);
            }
        } else {
            if is_seed[a] && !is_seed[b] {
                coact[b] += 1;
            }
            if is_seed[b] && !is_seed[a] {
                coact[a] += 1;
            }
        }
    }
    // Shared infrastructure.
    let mut shared_ip = vec![false; n];
    let mut shared_dev = vec![false; n];
    if let Some(l) = &ds.logins {
        for (col, out, max) in [
            (&l.ip, &mut shared_ip, MAX_IP_ACCOUNTS),
            (&l.device, &mut shared_dev, MAX_DEVICE_ACCOUNTS),
        ] {
            let mut users: HashMap<Sym, HashSet<u32>> = HashMap::new();
            for (k, a) in col.iter().zip(&l.account) {
                if !k.is_none() {
                    users.entry(*k).or_default().insert(a.0);
                }
            }
            let seed_keys: HashSet<Sym> = col
                .iter()
                .zip(&l.account)
                .filter(|(k, a)| {
                    !k.is_none()
                        && is_seed[a.idx()]
                        && users.get(*k).is_some_and(|u| u.len() <= max)
                })
                .map(|(k, _)| *k)
                .collect();
            for (k, a) in col.iter().zip(&l.account) {
                if !is_seed[a.idx()] && seed_keys.contains(k) {
                    out[a.idx()] = true;
                }
            }
        }
    }
    // Creation batches of seeds.
    let mut seed_created: Vec<i64> = seeds
        .iter()
        .filter(|s| s.idx() < n)
        .filter_map(|s| ds.accounts.created_at[s.idx()])
        .collect();
    seed_created.sort_unstable();
    let seeds_within = |t: i64| {
        seed_created.partition_point(|&x| x <= t + DAY)
            - seed_created.partition_point(|&x| x < t - DAY)
    };
    let mut out = Vec::new();
    let mut batch_counts: HashMap<i64, usize> = HashMap::new();
    for i in 0..n {
        if is_seed[i] {
            continue;
        }
        let a = AccountId(i as u32);
        let mut ev: Vec<Evidence> = Vec::new();
        let mut z = 0.0;
        let s_amp = amp_strength(k_seed[i], reposts[i]);
        if s_amp > 0.0 {
            z += W_AMP * s_amp;
            ev.push(Evidence {
                signal: "amplifies_seeds",
                strength: s_amp,
                value: k_seed[i],
                text: format!(
                    "{:.0} reposts of seed accounts' posts (of {:.0} reposts)",
                    k_seed[i], reposts[i]
                ),
            });
        }
        let s_amp2 = amp_strength(k_mates[i], reposts[i]);
        if s_amp2 > 0.0 {
            z += W_AMP2 * s_amp2;
            ev.push(Evidence {
                signal: "amplifies_seed_clusters",
                strength: s_amp2,
                value: k_mates[i],
                text: format!(
                    "{:.0} reposts of posts by the seeds' cluster mates",
                    k_mates[i]
                ),
            });
        }
        if coact[i] > 0 {
            let s = (0.5 * coact[i] as f64).min(1.0);
            z += W_COACT * s;
            ev.push(Evidence {
                signal: "coacts_with_seeds",
                strength: s,
                value: coact[i] as f64,
                text: format!("significant co-action with {} seed account(s)", coact[i]),
            });
        }
        if in_seed_cluster[i] {
            // Membership alone links only an account the verdicts already judged; any other
            // cluster mate needs a second link of its own (see the `judged` docs).
            let s = if judged_at(i) { 1.0 } else { 0.5 };
            z += W_CLUSTER * s;
            ev.push(Evidence {
                signal: "seed_cluster",
                strength: s,
                value: coord.cluster_of(a).map_or(-1.0, |c| c as f64),
                text: "in the same coordination cluster as a seed".to_string(),
            });
        }
        if shared_ip[i] {
            z += W_IP;
            ev.push(Evidence {
                signal: "shared_ip",
                strength: 1.0,
                value: 1.0,
                text: "logged in from an IP address a seed used".to_string(),
            });
        }
        if shared_dev[i] {
            z += W_DEVICE;
            ev.push(Evidence {
                signal: "shared_device",
                strength: 1.0,
                value: 1.0,
                text: "logged in from a device a seed used".to_string(),
            });
        }
        if let Some(t) = ds.accounts.created_at[i] {
            let k = *batch_counts
                .entry(t.div_euclid(DAY))
                .or_insert_with(|| seeds_within(t));
            if k >= 2 {
                z += W_BATCH;
                ev.push(Evidence {
                    signal: "creation_batch",
                    strength: 1.0,
                    value: k as f64,
                    text: format!("created within a day of {k} seed accounts"),
                });
            }
        }
        if z <= 0.0 {
            continue;
        }
        let score = 1.0 - (-z).exp();
        let amp_part = W_AMP * s_amp + W_AMP2 * s_amp2;
        let amplifier = amp_part > 0.0 && amp_part >= z - amp_part && reposts[i] >= 0.5 * posts[i];
        ev.sort_by(|x, y| y.strength.total_cmp(&x.strength));
        out.push(ExpandedAccount {
            account: a,
            score,
            linked: score >= params.expand_threshold,
            amplifier,
            evidence: ev,
        });
    }
    let mostly_reposts: Vec<bool> = (0..n)
        .map(|i| reposts[i] >= 0.5 * posts[i] && posts[i] > 0.0)
        .collect();
    linked_cluster_pass(
        &mut out,
        coord,
        &in_seed_cluster,
        &is_seed,
        &mostly_reposts,
        params,
    );
    out.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.account.cmp(&y.account)));
    out
}

/// The second pass (module docs, **linked cluster**): members of clusters that are mostly linked
/// gain the cluster link.
fn linked_cluster_pass(
    out: &mut Vec<ExpandedAccount>,
    coord: &CoordinationInput,
    in_seed_cluster: &[bool],
    is_seed: &[bool],
    mostly_reposts: &[bool],
    params: &ScoreParams,
) {
    let mut size: HashMap<u32, usize> = HashMap::new();
    for (i, c) in coord.cluster.iter().enumerate() {
        if let Some(c) = c
            && !in_seed_cluster.get(i).copied().unwrap_or(false)
        {
            *size.entry(*c).or_default() += 1;
        }
    }
    let mut linked: HashMap<u32, usize> = HashMap::new();
    let mut amplifying: HashMap<u32, usize> = HashMap::new();
    for x in out.iter() {
        if let Some(c) = coord.cluster_of(x.account)
            && size.contains_key(&c)
        {
            if x.linked {
                *linked.entry(c).or_default() += 1;
            }
            // More than one repost: one retweet of a popular seed post says nothing.
            let boosts: f64 = x
                .evidence
                .iter()
                .filter(|e| e.signal == "amplifies_seeds" || e.signal == "amplifies_seed_clusters")
                .map(|e| e.value)
                .sum();
            if boosts >= 2.0 {
                *amplifying.entry(c).or_default() += 1;
            }
        }
    }
    let majority =
        |m: &HashMap<u32, usize>, c: u32, n: usize| 2 * m.get(&c).copied().unwrap_or(0) >= n;
    let strong: HashSet<u32> = size
        .iter()
        .filter(|&(&c, &n)| n >= 2 && (majority(&linked, c, n) || majority(&amplifying, c, n)))
        .map(|(&c, _)| c)
        .collect();
    if strong.is_empty() {
        return;
    }
    let ev = |c: u32| Evidence {
        signal: "linked_cluster",
        strength: 1.0,
        value: c as f64,
        text: format!(
            "in cluster {c}, where {} of {} members amplify the seeds' network ({} linked)",
            amplifying.get(&c).copied().unwrap_or(0),
            size.get(&c).copied().unwrap_or(0),
            linked.get(&c).copied().unwrap_or(0)
        ),
    };
    let mut present: HashSet<u32> = HashSet::new();
    for x in out.iter_mut() {
        present.insert(x.account.0);
        let Some(c) = coord.cluster_of(x.account).filter(|c| strong.contains(c)) else {
            continue;
        };
        let z = -(1.0 - x.score).ln() + W_LINKED_CLUSTER;
        x.score = 1.0 - (-z).exp();
        x.linked = x.score >= params.expand_threshold;
        x.evidence.push(ev(c));
        x.evidence.sort_by(|p, q| q.strength.total_cmp(&p.strength));
    }
    for (i, c) in coord.cluster.iter().enumerate() {
        if let Some(c) = c
            && strong.contains(c)
            && !is_seed[i]
            && !present.contains(&(i as u32))
        {
            let score = 1.0 - (-W_LINKED_CLUSTER).exp();
            out.push(ExpandedAccount {
                account: AccountId(i as u32),
                score,
                linked: score >= params.expand_threshold,
                amplifier: mostly_reposts[i],
                evidence: vec![ev(*c)],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::testutil::*;
    use lockstep_model::{DatasetBuilder, PostRecord};

    #[test]
    fn amplifiers_of_seeds_rank_first() {
        let (mut b, src) = builder();
        let mut n = 0;
        for s in 0..5 {
            for k in 0..10 {
                post(
                    &mut b,
                    src,
                    &format!("s{s}_{k}"),
                    &format!("seed{s}"),
                    MONDAY + k,
                    "core post",
                );
            }
        }
        // Amplifier reposts 8 seed posts; bystander reposts 1 seed post and 9 others.
        for k in 0..8 {
            n += 1;
            b.push_post(
                &PostRecord {
                    external_id: &format!("r{n}"),
                    account: "amp",
                    time: MONDAY + 100 + k,
                    repost_of: &format!("s{}_{}", k % 5, k),
                    kind: Some(PostKind::Repost),
                    ..Default::default()
                },
                src,
            );
        }
        for k in 0..10 {
            n += 1;
            post(
                &mut b,
                src,
                &format!("o{k}"),
                "other",
                MONDAY + k,
                "organic post",
            );
            b.push_post(
                &PostRecord {
                    external_id: &format!("r{n}"),
                    account: "bystander",
                    time: MONDAY + 200 + k,
                    repost_of: &if k == 0 {
                        "s0_0".to_string()
                    } else {
                        format!("o{k}")
                    },
                    kind: Some(PostKind::Repost),
                    ..Default::default()
                },
                src,
            );
        }
        let ds = finish(b);
        let seeds: Vec<AccountId> = (0..5)
            .filter_map(|s| ds.account_by_external(&format!("seed{s}")))
            .collect();
        let res = expand(
            &ds,
            &CoordinationInput::default(),
            &seeds,
            &[],
            &ScoreParams::default(),
        );
        let amp = ds.account_by_external("amp");
        let by = ds.account_by_external("bystander");
        assert_eq!(Some(res[0].account), amp);
        assert!(res[0].linked && res[0].amplifier);
        let b = res.iter().find(|x| Some(x.account) == by);
        assert!(b.is_some_and(|b| !b.linked), "bystander must not be linked");
        assert!(res.iter().all(|x| !seeds.contains(&x.account)));
    }

    #[test]
    fn common_devices_link_nobody_rare_ips_do() {
        let (mut b, src) = builder();
        post(&mut b, src, "s0", "seed", MONDAY, "core post");
        b.push_login("seed", MONDAY, "10.0.0.1", "iPhone");
        b.push_login("friend", MONDAY + 60, "10.0.0.1", "Android");
        // Twenty people share the seed's coarse device string: it identifies none of them.
        for k in 0..20 {
            let name = format!("user{k}");
            post(&mut b, src, &format!("u{k}"), &name, MONDAY + k, "hello");
            b.push_login(&name, MONDAY + k, &format!("192.168.1.{k}"), "iPhone");
        }
        let ds = finish(b);
        let seeds: Vec<AccountId> = ds.account_by_external("seed").into_iter().collect();
        let res = expand(
            &ds,
            &CoordinationInput::default(),
            &seeds,
            &[],
            &ScoreParams::default(),
        );
        let friend = ds.account_by_external("friend");
        let f = res.iter().find(|x| Some(x.account) == friend);
        assert!(
            f.is_some_and(|f| f.linked && f.evidence[0].signal == "shared_ip"),
            "{res:?}"
        );
        assert!(
            res.iter().all(|x| Some(x.account) == friend),
            "nobody else may be linked: {res:?}"
        );
    }

    #[test]
    fn a_cell_that_mostly_boosts_the_network_is_linked_whole() {
        let (mut b, src) = builder();
        post(&mut b, src, "s0", "seed", MONDAY, "core post");
        for k in 0..4 {
            post(
                &mut b,
                src,
                &format!("m{k}"),
                "mate",
                MONDAY + k,
                "core post",
            );
            post(&mut b, src, &format!("x{k}"), "news", MONDAY + k, "news");
        }
        let mut n = 0;
        let mut rt = |b: &mut DatasetBuilder, who: &str, of: &str| {
            n += 1;
            b.push_post(
                &PostRecord {
                    external_id: &format!("r{n}"),
                    account: who,
                    time: MONDAY + 100 + n,
                    repost_of: of,
                    kind: Some(PostKind::Repost),
                    ..Default::default()
                },
                src,
            );
        };
        // Cell A: three of four members repost two posts of the seed's (judged) cluster mate each,
        // among unrelated reposts; the fourth only reposts the news. Cell B never touches the
        // network.
        for k in 0..4 {
            if k < 3 {
                rt(&mut b, &format!("a{k}"), &format!("m{k}"));
                rt(&mut b, &format!("a{k}"), &format!("m{}", k + 1));
            }
            for j in 0..4 {
                rt(&mut b, &format!("a{k}"), &format!("x{j}"));
                rt(&mut b, &format!("b{k}"), &format!("x{j}"));
            }
        }
        let ds = finish(b);
        let id = |s: &str| ds.account_by_external(s).expect("account");
        let mut cluster = vec![None; ds.accounts.len()];
        cluster[id("seed").idx()] = Some(0);
        cluster[id("mate").idx()] = Some(0);
        for k in 0..4 {
            cluster[id(&format!("a{k}")).idx()] = Some(1);
            cluster[id(&format!("b{k}")).idx()] = Some(2);
        }
        let coord = CoordinationInput {
            cluster,
            ..Default::default()
        };
        let mut judged = vec![false; ds.accounts.len()];
        judged[id("mate").idx()] = true;
        let res = expand(&ds, &coord, &[id("seed")], &judged, &ScoreParams::default());
        for k in 0..4 {
            let a = id(&format!("a{k}"));
            let x = res.iter().find(|x| x.account == a);
            assert!(
                x.is_some_and(
                    |x| x.linked && x.evidence.iter().any(|e| e.signal == "linked_cluster")
                ),
                "a{k}: {x:?}"
            );
        }
        for k in 0..4 {
            let b = id(&format!("b{k}"));
            assert!(
                res.iter().all(|x| x.account != b),
                "b{k} must not be linked"
            );
        }
    }

    /// A real leader merged into the seeds' cluster (not judged inauthentic) links nobody: neither
    /// by membership alone nor through the partisans who retweet it.
    #[test]
    fn an_unjudged_leader_in_the_seeds_cluster_links_nobody() {
        let (mut b, src) = builder();
        post(&mut b, src, "s0", "seed", MONDAY, "troll post");
        for k in 0..3 {
            post(&mut b, src, &format!("l{k}"), "leader", MONDAY + k, "rally");
        }
        let mut n = 0;
        for p in 0..5 {
            for k in 0..3 {
                n += 1;
                b.push_post(
                    &PostRecord {
                        external_id: &format!("r{n}"),
                        account: &format!("partisan{p}"),
                        time: MONDAY + 100 + n,
                        repost_of: &format!("l{k}"),
                        kind: Some(PostKind::Repost),
                        ..Default::default()
                    },
                    src,
                );
            }
        }
        let ds = finish(b);
        let id = |s: &str| ds.account_by_external(s).expect("account");
        let mut cluster = vec![None; ds.accounts.len()];
        cluster[id("seed").idx()] = Some(0);
        cluster[id("leader").idx()] = Some(0);
        for p in 0..5 {
            cluster[id(&format!("partisan{p}")).idx()] = Some(1);
        }
        let coord = CoordinationInput {
            cluster,
            ..Default::default()
        };
        let res = expand(&ds, &coord, &[id("seed")], &[], &ScoreParams::default());
        assert!(res.iter().all(|x| !x.linked), "{res:?}");
        // Had the verdicts judged the leader, its retweeters would be the seeds' network.
        let mut judged = vec![false; ds.accounts.len()];
        judged[id("leader").idx()] = true;
        let res = expand(&ds, &coord, &[id("seed")], &judged, &ScoreParams::default());
        let partisan = id("partisan0");
        assert!(
            res.iter().any(|x| x.account == partisan && x.linked),
            "{res:?}"
        );
    }
}
