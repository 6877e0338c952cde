//! # `login_ip`: logins from hosting/VPN networks or from one shared office address
//!
//! Applies only when the data has a `logins` table (account, time, IP, device).
//!
//! **Measures.** Two shares of an account's logins: (a) from a hosting, cloud or VPN-exit network
//! (the IP's autonomous system is in `data/ip/hosting_asns.csv`; needs an ASN database, see
//! [`crate::ip`]); (b) from a network (the address's /24, or /48 for IPv6) that at least 3
//! members of the account's own cluster also logged in from. Strength: the larger of `clamp(a / 0.6, 0, 1)` and `0.7 * b`; value: (a)
//! when an ASN database is loaded, else (b).
//!
//! **Why it indicates inauthenticity.** Operators run many accounts from one office (one NAT
//! address for the whole network) or hide behind VPNs and rented servers; ordinary users log in
//! from home and mobile ISPs. Disclosures by Meta and Twitter repeatedly attribute networks by
//! shared infrastructure.
//!
//! **False-positive risks.** Privacy-conscious users and activists in repressive places use VPNs
//! (the Hong Kong protesters did); people sharing a campus, workplace or café network, and mobile
//! carriers' shared NAT addresses. Hence the moderate cap on (b) and the reliance on clusters.
//!
//! **Evidence.** "31 of 40 logins from hosting/VPN networks (M247); 90% from addresses shared with
//! 3+ cluster members". IP countries and networks feed attribution, not this strength.

use super::SignalColumn;
use crate::context::Context;
use crate::params::ScoreParams;
use hashbrown::HashMap;
use lockstep_model::{AccountId, Sym};

/// Per account: `(logins, from hosting/VPN, from a cluster-shared address, top hosting org)`.
pub(crate) type LoginStats = (u32, u32, u32, Option<String>);

/// The tallies, computed on first use and cached in the context.
fn stats<'c>(ctx: &'c Context<'_>, params: &ScoreParams) -> Option<&'c [LoginStats]> {
    ctx.login_stats
        .get_or_init(|| compute_stats(ctx, params))
        .as_deref()
}

fn compute_stats(ctx: &Context<'_>, params: &ScoreParams) -> Option<Vec<LoginStats>> {
    let logins = ctx.ds.logins.as_ref()?;
    let n = ctx.n_accounts();
    // Network prefix of each distinct address (/24 for IPv4, /48 for IPv6).
    let mut prefix: HashMap<Sym, Option<u128>> = HashMap::new();
    for &ip in &logins.ip {
        prefix
            .entry(ip)
            .or_insert_with(|| prefix_key(ctx.ds.str(ip)));
    }
    // Distinct (prefix, account) pairs, then members per (prefix, group).
    let mut pairs: Vec<(u128, AccountId)> = logins
        .ip
        .iter()
        .zip(&logins.account)
        .filter_map(|(ip, &a)| prefix.get(ip).copied().flatten().map(|k| (k, a)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut per_group: HashMap<(u128, u32), u32> = HashMap::new();
    for &(k, a) in &pairs {
        if let Some(g) = ctx.groups.group_of(a) {
            *per_group.entry((k, g)).or_default() += 1;
        }
    }
    let asn = params.ip.as_ref().filter(|db| db.has_asns());
    let mut ip_info: HashMap<Sym, Option<&'static str>> = HashMap::new();
    let mut org_of: HashMap<Sym, String> = HashMap::new();
    let mut out = vec![(0u32, 0u32, 0u32, None); n];
    for (&ip, &a) in logins.ip.iter().zip(&logins.account) {
        let s = &mut out[a.idx()];
        s.0 += 1;
        if ip.is_none() {
            continue;
        }
        if let Some(db) = asn {
            let hosting = *ip_info.entry(ip).or_insert_with(|| {
                let info = db.lookup_str(ctx.ds.str(ip));
                if let Some(i) = &info
                    && i.hosting.is_some()
                    && let Some(o) = &i.org
                {
                    org_of.insert(ip, o.clone());
                }
                info.and_then(|i| i.hosting)
            });
            if hosting.is_some() {
                s.1 += 1;
                if s.3.is_none() {
                    s.3 = org_of.get(&ip).cloned();
                }
            }
        }
        if let Some(g) = ctx.groups.group_of(a)
            && let Some(k) = prefix.get(&ip).copied().flatten()
            && per_group.get(&(k, g)).copied().unwrap_or(0) >= 3
        {
            s.2 += 1;
        }
    }
    Some(out)
}

/// The network of an address: its /24 (IPv4) or /48 (IPv6) prefix, tagged by family.
pub fn prefix_key(ip: &str) -> Option<u128> {
    match ip.trim().parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(a) => Some((1u128 << 127) | u128::from(u32::from(a) >> 8)),
        std::net::IpAddr::V6(a) => Some(u128::from(a) >> 80),
    }
}

/// Computes the signal (all `NaN` without a logins table).
pub fn compute(ctx: &Context<'_>, params: &ScoreParams) -> SignalColumn {
    let Some(st) = stats(ctx, params) else {
        return SignalColumn::new(ctx.n_accounts(), ctx.groups.len());
    };
    let has_asn = params.ip.as_ref().is_some_and(|d| d.has_asns());
    let pairs = st
        .iter()
        .map(|&(n, hosting, shared, _)| {
            (n > 0).then(|| {
                let a = hosting as f32 / n as f32;
                let b = shared as f32 / n as f32;
                let s = (a / 0.6).min(1.0).max(0.7 * b);
                (s, if has_asn { a } else { b })
            })
        })
        .collect();
    SignalColumn::from_pairs(pairs, ctx.groups.len())
}

/// Evidence sentence.
pub fn describe(ctx: &Context<'_>, a: AccountId, _value: f64, params: &ScoreParams) -> String {
    let Some(st) = stats(ctx, params) else {
        return String::new();
    };
    let (n, hosting, shared, org) = &st[a.idx()];
    let mut parts = Vec::new();
    if *hosting > 0 {
        parts.push(format!(
            "{hosting} of {n} logins from hosting/VPN networks ({})",
            org.as_deref().unwrap_or("listed network")
        ));
    }
    if *shared > 0 {
        parts.push(format!(
            "{:.0}% of {n} logins from /24 networks shared with 3+ cluster members",
            100.0 * *shared as f64 / *n as f64
        ));
    }
    parts.join("; ")
}

super::signal_def!(
    "Logins from hosting / VPN networks.",
    2.5,
    compute(ctx, params) => compute(ctx, params),
    describe(ctx, params, a, value, _aux) => describe(ctx, a, value, params),
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Groups;
    use crate::signals::testutil::*;

    #[test]
    fn shared_office_address_fires() {
        let (mut b, _) = builder();
        for i in 0..4 {
            for k in 0..5 {
                b.push_login(
                    &format!("op{i}"),
                    MONDAY + k,
                    &format!("203.0.113.{}", i * 5 + k),
                    "",
                );
            }
        }
        for i in 0..4 {
            for k in 0..5 {
                b.push_login(
                    &format!("user{i}"),
                    MONDAY + k,
                    &format!("198.51.{i}.{k}"),
                    "",
                );
            }
        }
        let ds = finish(b);
        let cl: Vec<Option<u32>> = (0..8).map(|i| Some(if i < 4 { 0 } else { 1 })).collect();
        let g = Groups::from_clusters(8, &cl);
        let ctx = Context::new(&ds, &g);
        let params = ScoreParams::default();
        let col = compute(&ctx, &params);
        assert!((col.strength[0] - 0.7).abs() < 1e-6);
        assert_eq!(col.strength[5], 0.0);
        assert!(describe(&ctx, AccountId(0), 1.0, &params).contains("100% of 5 logins"));
    }

    #[test]
    fn no_logins_not_applicable() {
        let (mut b, src) = builder();
        post(&mut b, src, "1", "a", MONDAY, "x");
        let ds = finish(b);
        let g = Groups::default();
        let ctx = Context::new(&ds, &g);
        assert!(compute(&ctx, &ScoreParams::default()).strength[0].is_nan());
    }
}
