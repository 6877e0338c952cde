//! # `client_concentration`: a cluster sharing an app that is rare elsewhere
//!
//! **Measures.** Each account's main client (the app most of its posts came from). Per cluster:
//! the most common main client among members, its share `s` in the cluster and its share `b`
//! among all other accounts with client data. The cluster strength is `s` when `s >= 0.5` and the
//! client is rare outside (`b <= s / 5` and `b <= 0.05`), else 0; members using that client get
//! the cluster's strength, others 0. Independently, an account whose main client names automation
//! (`bot`, `ifttt`, `dlvr.it`, `twittbot`, an `api`/`auto`/`script` word) gets at least 0.5.
//! Value: the account's share of posts from its main client. Not judged without client data.
//!
//! **Why it indicates inauthenticity.** An operation runs its accounts through the same tool (a
//! bulk-posting panel, a custom API client): dozens of "independent" accounts posting from one
//! obscure app betray one operator. Real communities use the platform's ordinary apps.
//!
//! **False-positive risks.** Organisations using one social-media manager (Hootsuite, TweetDeck) for
//! their staff's accounts; communities around a niche app. Common apps are excluded by the rarity
//! test, and the evidence names the app so a reviewer can judge.
//!
//! **Evidence.** "main client 'PostPanel 2' (94% of its posts), used by 88% of its cluster and
//! 0.1% of other accounts".

use super::SignalColumn;
use crate::context::Context;
use hashbrown::HashMap;
use lockstep_model::{AccountId, Sym};

/// Words in a client name that mean automation.
const AUTOMATION: [&str; 8] = [
    "bot",
    "ifttt",
    "dlvr.it",
    "twittbot",
    "api",
    "auto",
    "script",
    "twitterfeed",
];

/// Main client and its share of the account's posts.
fn main_client(ctx: &Context<'_>, a: AccountId) -> Option<(Sym, f32)> {
    let posts = ctx.posts_of(a);
    let mut counts: Vec<(Sym, u32)> = Vec::new();
    let mut n = 0u32;
    for &p in posts {
        let c = ctx.ds.posts.client[p as usize];
        if c.is_none() {
            continue;
        }
        n += 1;
        match counts.iter_mut().find(|x| x.0 == c) {
            Some(x) => x.1 += 1,
            None => counts.push((c, 1)),
        }
    }
    let (c, k) = counts
        .into_iter()
        .max_by_key(|x| (x.1, std::cmp::Reverse(x.0)))?;
    Some((c, k as f32 / n as f32))
}

/// True when a client name says it is automation.
pub fn is_automation(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .any(|w| {
            AUTOMATION
                .iter()
                .any(|a| w == *a || (a.len() >= 5 && w.contains(a)))
        })
        || lower.contains("bot")
}

/// Computes the signal.
pub fn compute(ctx: &Context<'_>) -> SignalColumn {
    use rayon::prelude::*;
    let n = ctx.n_accounts();
    let g = ctx.groups.len();
    let mains: Vec<Option<(Sym, f32)>> = (0..n as u32)
        .into_par_iter()
        .map(|i| main_client(ctx, AccountId(i)))
        .collect();
    let mut col = SignalColumn::new(n, g);
    let mut global: HashMap<Sym, u32> = HashMap::new();
    let mut with_client = 0u32;
    for (i, m) in mains.iter().enumerate() {
        if let Some((c, share)) = *m {
            *global.entry(c).or_default() += 1;
            with_client += 1;
            let auto = if is_automation(ctx.ds.str(c)) {
                0.5
            } else {
                0.0
            };
            col.strength[i] = auto;
            col.value[i] = share;
        }
    }
    for (gi, members) in ctx.groups.members.iter().enumerate() {
        let mut counts: HashMap<Sym, u32> = HashMap::new();
        let mut m_with = 0u32;
        for a in members {
            if let Some((c, _)) = mains[a.idx()] {
                *counts.entry(c).or_default() += 1;
                m_with += 1;
            }
        }
        let Some((&top, &k)) = counts
            .iter()
            .max_by_key(|x| (*x.1, std::cmp::Reverse(*x.0)))
        else {
            continue;
        };
        if m_with < 3 {
            continue;
        }
        let s = k as f64 / m_with as f64;
        let outside_n = with_client.saturating_sub(m_with);
        let outside_k = global.get(&top).copied().unwrap_or(0).saturating_sub(k);
        let b = if outside_n == 0 {
            0.0
        } else {
            outside_k as f64 / outside_n as f64
        };
        let strength = if s >= 0.5 && b <= s / 5.0 && b <= 0.05 {
            s
        } else {
            0.0
        };
        col.group_strength[gi] = strength as f32;
        if strength > 0.0 {
            col.group_text[gi] = format!(
                "{:.0}% of members post mainly from '{}', used by {:.1}% of other accounts",
                100.0 * s,
                ctx.ds.str(top),
                100.0 * b
            );
            for a in members {
                if let Some((c, _)) = mains[a.idx()]
                    && c == top
                {
                    let v = &mut col.strength[a.idx()];
                    *v = v.max(strength as f32);
                }
            }
        }
    }
    col
}

/// Evidence sentence.
pub fn describe(ctx: &Context<'_>, a: AccountId, value: f64) -> String {
    match main_client(ctx, a) {
        Some((c, _)) => {
            let auto = if is_automation(ctx.ds.str(c)) {
                ", an automation client"
            } else {
                ""
            };
            format!(
                "main client '{}' ({:.0}% of its posts){auto}, shared with its cluster",
                ctx.ds.str(c),
                100.0 * value
            )
        }
        None => String::new(),
    }
}

super::parameter_free_signal!(
    "Members sharing a client/app rare elsewhere.",
    1.5,
    speaks_for_authenticity
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::*;
    use lockstep_model::PostRecord;

    fn world(cluster_client: &str) -> (lockstep_model::Dataset, Groups) {
        let (mut b, src) = builder();
        let mut n = 0;
        for i in 0..100 {
            let (acc, client) = if i < 10 {
                (format!("m{i}"), cluster_client.to_string())
            } else {
                let c = if i % 2 == 0 {
                    "Twitter for iPhone"
                } else {
                    "Twitter Web App"
                };
                (format!("o{i}"), c.to_string())
            };
            for _ in 0..3 {
                n += 1;
                b.push_post(
                    &PostRecord {
                        external_id: &format!("p{n}"),
                        account: &acc,
                        time: MONDAY + n,
                        client: &client,
                        ..Default::default()
                    },
                    src,
                );
            }
        }
        let ds = finish(b);
        let mut cl = vec![None; ds.accounts.len()];
        for c in cl.iter_mut().take(10) {
            *c = Some(0);
        }
        let g = Groups::from_clusters(ds.accounts.len(), &cl);
        (ds, g)
    }

    #[test]
    fn rare_shared_client_fires() {
        let (ds, g) = world("PostPanel");
        let ctx = Context::new(&ds, &g);
        let col = compute(&ctx);
        assert_eq!(col.group_strength[0], 1.0);
        assert_eq!(col.strength[0], 1.0);
        assert_eq!(col.strength[50], 0.0);
        assert!(col.group_text[0].contains("PostPanel"));
    }

    #[test]
    fn common_client_silent() {
        let (ds, g) = world("Twitter for iPhone");
        let ctx = Context::new(&ds, &g);
        let col = compute(&ctx);
        assert_eq!(col.group_strength[0], 0.0);
        assert_eq!(col.strength[0], 0.0);
        assert!(is_automation("My Tweet Bot"));
        assert!(is_automation("dlvr.it"));
        assert!(!is_automation("Twitter for Android"));
    }
}
