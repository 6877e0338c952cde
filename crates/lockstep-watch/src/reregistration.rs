//! Re-registration: new accounts that bring a suspended network back (docs/watch.md,
//! "Re-registration").
//!
//! At every snapshot each account outside the known networks is checked against each network it
//! has a **link** to: (a) co-action with the network's surviving members (a significant edge or
//! a shared coordinated cluster), amplification of its accounts' posts, copies of its texts;
//! (b) the network's fingerprints — a suspended account's handle stem (the handle generator's
//! letters with new digits), creation after the network went silent, a creation batch among the
//! network's new accounts, the network's client; (c) a suspended account's device or IP network
//! coming back (when the messages carry `ip` / `device`).
//!
//! The fingerprint measures are lockstep-score's own, called through its public API:
//! [`handle_pattern::classify`], [`copy_paste::normalise`], [`creation_burst::compute`] and
//! [`client_concentration::compute`] over groups made of each network's present accounts and its
//! linked candidates, and [`login_ip::prefix_key`] for IP networks. Each piece of evidence adds
//! a hand-set log-odds weight ([`WEIGHTS`]); the confidence is the logistic of the sum plus
//! [`BIAS`], and an account alerts when it reaches `--reregistration-confidence` (default 0.5).
//!
//! What the watcher learns about a network ([`NetworkTraits`]: suspended handle stems, when
//! each suspended account was last seen, text fingerprints, devices and IP networks) is kept in
//! the checkpoint, so it outlives the horizon.

use crate::known::KnownNetworks;
use lockstep_model::{Dataset, PostKind};
use lockstep_pipeline::Investigation;
use lockstep_score::context::{Context, Groups};
use lockstep_score::signals::{
    client_concentration, copy_paste, creation_burst, handle_pattern, login_ip,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// At most this many text fingerprints are kept per network.
pub const MAX_TEXTS: usize = 200_000;
/// A text posted by more accounts than this in the horizon is not a template (slogans,
/// share-button headlines): lockstep-score's copy_paste limit for unclustered accounts.
pub const MAX_TEMPLATE_POSTERS: usize = 20;
/// A handle stem shorter than this says too little to match.
pub const MIN_STEM: usize = 5;
/// A network counts as silent when at least this many of its suspended accounts have been seen
/// and stopped posting a day before the snapshot.
pub const MIN_SILENT: usize = 3;

/// Log-odds weights of the evidence (hand-set; docs/watch.md gives the reasoning).
pub struct Weights {
    /// Per distinct known partner (significant co-action edge or shared cluster), up to 3.
    pub partner: f64,
    /// Reposted posts of at least 2 distinct known accounts (amplifying the network).
    pub amplify: f64,
    /// Reposted posts of at least 5 distinct known accounts.
    pub amplify_many: f64,
    /// Own posts copying the network's texts: at least 1 / at least 3.
    pub template: f64,
    /// See `template`.
    pub template_many: f64,
    /// The handle has a suspended account's stem.
    pub suspended_stem: f64,
    /// Times lockstep-score's handle_pattern strength (a generated handle).
    pub generated_handle: f64,
    /// Created after the network went silent (its suspension).
    pub created_after_suspension: f64,
    /// Times lockstep-score's creation_burst strength in the network's group.
    pub creation_burst: f64,
    /// Times lockstep-score's client_concentration strength in the network's group.
    pub client: f64,
    /// A suspended account's device or IP network.
    pub device_or_ip: f64,
}

/// The weights in use.
pub const WEIGHTS: Weights = Weights {
    partner: 1.5,
    amplify: 1.0,
    amplify_many: 2.0,
    template: 1.0,
    template_many: 2.0,
    suspended_stem: 2.5,
    generated_handle: 0.5,
    created_after_suspension: 1.5,
    creation_burst: 1.5,
    client: 1.0,
    device_or_ip: 2.5,
};

/// Added to the sum of the weights before the logistic: with no evidence the confidence is
/// `1 / (1 + e^4)` = 0.018.
pub const BIAS: f64 = -4.0;

/// What the watcher has learned about one known network from the stream.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkTraits {
    /// Handle stem (lowercase, digits removed) to the suspended account that had it.
    pub stems: BTreeMap<String, String>,
    /// Latest post time seen per suspended account.
    pub last_post: BTreeMap<String, i64>,
    /// xxh3 of the normalised own-post texts of the network's accounts (at most [`MAX_TEXTS`]).
    pub texts: BTreeSet<u64>,
    /// Devices the suspended accounts used.
    pub devices: BTreeSet<String>,
    /// IP networks (/24, /48; lockstep-score's `login_ip::prefix_key`) the suspended accounts
    /// used.
    pub ip_networks: BTreeSet<u128>,
}

impl NetworkTraits {
    /// When the network went silent: the median last post time of its suspended accounts that
    /// have not posted for a day before `at` (`None` with fewer than [`MIN_SILENT`]).
    pub fn silent_since(&self, at: i64) -> Option<i64> {
        let mut t: Vec<i64> = self
            .last_post
            .values()
            .copied()
            .filter(|&x| x < at - 86_400)
            .collect();
        if t.len() < MIN_SILENT {
            return None;
        }
        t.sort_unstable();
        Some(t[t.len() / 2])
    }
}

/// A handle's stem: `@` and trailing digits removed, each other digit replaced by `#`, case
/// kept (`Richard17700647` → `Richard`, `aB3xK9qq12` → `aB#xK#qq`): what a handle generator
/// keeps when it draws new digits.
pub fn stem(handle: &str) -> String {
    handle
        .trim_start_matches('@')
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

fn text_key(text: &str, buf: &mut String) -> Option<u64> {
    copy_paste::normalise(text, buf).then(|| xxhash_rust::xxh3::xxh3_64(buf.as_bytes()))
}

/// One account's evidence against one network.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Match {
    /// Known accounts with a significant co-action edge or a shared coordinated cluster.
    pub partners: BTreeSet<String>,
    /// Layers of those links (`cluster` for a shared cluster).
    pub layers: BTreeSet<String>,
    /// Known accounts whose posts it reposted.
    pub amplified: BTreeSet<String>,
    /// Own posts whose text the network's accounts posted.
    pub template_posts: u32,
    /// The suspended account whose handle stem it has (counted only for an account created
    /// after the network went silent).
    pub suspended_stem_of: Option<String>,
    /// Accounts outside the known networks in the horizon created after the network went
    /// silent with that stem (itself included).
    pub stem_sharers: u32,
    /// lockstep-score's handle_pattern strength of its handle.
    pub generated_handle: f32,
    /// Created after the network went silent (stream time of the silence).
    pub created_after_suspension: Option<String>,
    /// lockstep-score's creation_burst strength in the network's group.
    pub creation_burst: f32,
    /// lockstep-score's client_concentration strength in the network's group.
    pub client: f32,
    /// Suspended accounts' devices / IP networks it used.
    pub devices_or_ips: u32,
    /// Logistic of the weighted evidence plus the bias.
    pub confidence: f64,
}

impl Match {
    /// True when the account has a link to the network worth scoring (anything but the
    /// group-level fingerprints, which need a group first).
    fn linked(&self) -> bool {
        !self.partners.is_empty()
            || self.amplified.len() >= 2
            || self.template_posts >= 1
            || self.suspended_stem_of.is_some()
            || self.devices_or_ips > 0
    }

    /// The weighted evidence ([`WEIGHTS`]) without the bias.
    pub fn log_odds(&self) -> f64 {
        let w = &WEIGHTS;
        let mut s = w.partner * self.partners.len().min(3) as f64;
        s += match self.amplified.len() {
            0 | 1 => 0.0,
            2..=4 => w.amplify,
            _ => w.amplify_many,
        };
        s += match self.template_posts {
            0 => 0.0,
            1 | 2 => w.template,
            _ => w.template_many,
        };
        if self.suspended_stem_of.is_some() {
            s += w.suspended_stem / f64::from(self.stem_sharers.max(1));
        }
        s += w.generated_handle * f64::from(self.generated_handle);
        if self.created_after_suspension.is_some() {
            s += w.created_after_suspension;
        }
        s += w.creation_burst * f64::from(self.creation_burst);
        s += w.client * f64::from(self.client);
        if self.devices_or_ips > 0 {
            s += w.device_or_ip;
        }
        s
    }
}

/// Devices and IP networks seen per account since the last snapshot (from messages that carry
/// `device` / `ip`).
pub type Logins = HashMap<String, (BTreeSet<String>, BTreeSet<u128>)>;

/// Learns the networks' traits from a snapshot's dataset and the logins seen.
pub fn learn(
    known: &KnownNetworks,
    traits: &mut BTreeMap<String, NetworkTraits>,
    ds: &Dataset,
    logins: &Logins,
) {
    let ext = |a: usize| ds.str(ds.accounts.external_id[a]);
    let net_of: Vec<Option<usize>> = (0..ds.accounts.len())
        .map(|a| known.network_of.get(ext(a)).copied())
        .collect();
    for (a, n) in net_of.iter().enumerate() {
        let Some(n) = *n else { continue };
        let net = &known.networks[n];
        let t = traits.entry(net.name.clone()).or_default();
        let id = ext(a);
        if net.suspended.contains(id) {
            let s = stem(ds.str(ds.accounts.screen_name[a]));
            if s.chars().count() >= MIN_STEM {
                t.stems.entry(s).or_insert_with(|| id.to_string());
            }
            if let Some((d, ips)) = logins.get(id) {
                t.devices.extend(d.iter().cloned());
                t.ip_networks.extend(ips.iter().copied());
            }
        }
    }
    let mut buf = String::new();
    let posts = &ds.posts;
    for i in 0..posts.len() {
        let a = posts.account[i].idx();
        let Some(n) = net_of[a] else { continue };
        let net = &known.networks[n];
        let Some(t) = traits.get_mut(&net.name) else {
            continue;
        };
        let id = ext(a);
        if net.suspended.contains(id) {
            let e = t.last_post.entry(id.to_string()).or_insert(posts.time[i]);
            *e = (*e).max(posts.time[i]);
        }
        if posts.kind[i] != PostKind::Repost
            && t.texts.len() < MAX_TEXTS
            && let Some(k) = text_key(ds.str(posts.text[i]), &mut buf)
        {
            t.texts.insert(k);
        }
    }
}

/// What [`matches`] looks at.
pub struct Snapshot<'a> {
    /// The known networks.
    pub known: &'a KnownNetworks,
    /// What was learned about them ([`learn`]).
    pub traits: &'a BTreeMap<String, NetworkTraits>,
    /// The snapshot's posts.
    pub ds: &'a Dataset,
    /// The batch pipeline's result on them.
    pub inv: &'a Investigation,
    /// Devices and IP networks per account in the horizon.
    pub logins: &'a Logins,
    /// lockstep-score's parameters (creation burst window).
    pub params: &'a lockstep_score::ScoreParams,
    /// Stream time of the snapshot.
    pub at: i64,
    /// Accounts already named by a re-registration alert.
    pub skip: &'a BTreeSet<String>,
}

/// The re-registration matches of a snapshot: `(network index, account external id, match)`
/// for every account outside the known networks with a link to a network, its best network
/// only, in account order.
pub fn matches(s: &Snapshot<'_>) -> Vec<(usize, String, Match)> {
    let Snapshot {
        known,
        traits,
        ds,
        inv,
        logins,
        params,
        at,
        skip,
    } = *s;
    let n_acc = ds.accounts.len();
    let ext = |a: usize| ds.str(ds.accounts.external_id[a]);
    let net_of: Vec<Option<usize>> = (0..n_acc)
        .map(|a| known.network_of.get(ext(a)).copied())
        .collect();
    let candidate = |a: usize| net_of[a].is_none() && !skip.contains(ext(a));
    let mut found: BTreeMap<(usize, usize), Match> = BTreeMap::new();

    // (a) Co-action: significant edges and shared coordinated clusters.
    for k in &inv.kept {
        let (le, e) = inv.edge(k);
        for (x, y) in [(e.a.idx(), e.b.idx()), (e.b.idx(), e.a.idx())] {
            if let Some(n) = net_of[x]
                && candidate(y)
            {
                let m = found.entry((y, n)).or_default();
                m.partners.insert(ext(x).to_string());
                m.layers.insert(le.layer.as_str().to_string());
            }
        }
    }
    for c in &inv.clusters {
        if !matches!(
            c.verdict,
            Some(
                lockstep_model::Verdict::Inauthentic
                    | lockstep_model::Verdict::CoordinatedUndetermined
            )
        ) {
            continue;
        }
        for &k in &c.members {
            let Some(n) = net_of[k.idx()] else { continue };
            for &y in &c.members {
                if candidate(y.idx()) {
                    let m = found.entry((y.idx(), n)).or_default();
                    m.partners.insert(ext(k.idx()).to_string());
                    m.layers.insert("cluster".into());
                }
            }
        }
    }
    // Amplification and templates.
    let posts = &ds.posts;
    let mut buf = String::new();
    let mut posters: HashMap<u64, BTreeSet<u32>> = HashMap::new();
    let mut own_keys: Vec<(usize, u64)> = Vec::new();
    for i in 0..posts.len() {
        let a = posts.account[i].idx();
        if posts.kind[i] == PostKind::Repost {
            if candidate(a)
                && let Some(src) = posts.repost_of_account[i]
                && let Some(n) = net_of[src.idx()]
            {
                found
                    .entry((a, n))
                    .or_default()
                    .amplified
                    .insert(ext(src.idx()).to_string());
            }
            continue;
        }
        if let Some(k) = text_key(ds.str(posts.text[i]), &mut buf) {
            posters.entry(k).or_default().insert(a as u32);
            if candidate(a) {
                own_keys.push((a, k));
            }
        }
    }
    let net_names: Vec<&str> = known.networks.iter().map(|n| n.name.as_str()).collect();
    for (a, k) in own_keys {
        if posters.get(&k).map_or(0, BTreeSet::len) > MAX_TEMPLATE_POSTERS {
            continue;
        }
        for (n, name) in net_names.iter().enumerate() {
            if traits.get(*name).is_some_and(|t| t.texts.contains(&k)) {
                found.entry((a, n)).or_default().template_posts += 1;
            }
        }
    }
    // (b, c) Per-account fingerprints: a suspended account's handle stem, device or IP network.
    let mut stems: HashMap<&str, (usize, &str)> = HashMap::new();
    for (n, name) in net_names.iter().enumerate() {
        if let Some(t) = traits.get(*name) {
            for (s, id) in &t.stems {
                stems.entry(s.as_str()).or_insert((n, id.as_str()));
            }
        }
    }
    // A suspended stem counts for an account created after its network went silent; its
    // sharers are the accounts outside the networks created after that silence with that stem.
    let silent: Vec<Option<i64>> = net_names
        .iter()
        .map(|name| traits.get(*name).and_then(|t| t.silent_since(at)))
        .collect();
    let mut created_by_stem: HashMap<String, Vec<i64>> = HashMap::new();
    for a in (0..n_acc).filter(|&a| net_of[a].is_none()) {
        if let Some(c) = ds.accounts.created_at[a] {
            created_by_stem
                .entry(stem(ds.str(ds.accounts.screen_name[a])))
                .or_default()
                .push(c);
        }
    }
    for a in (0..n_acc).filter(|&a| candidate(a)) {
        let s = stem(ds.str(ds.accounts.screen_name[a]));
        if let Some(&(n, id)) = stems.get(s.as_str())
            && let (Some(created), Some(quiet)) = (ds.accounts.created_at[a], silent[n])
            && created > quiet
        {
            let m = found.entry((a, n)).or_default();
            m.suspended_stem_of = Some(id.to_string());
            m.stem_sharers = created_by_stem
                .get(&s)
                .map_or(1, |v| v.iter().filter(|&&c| c > quiet).count() as u32);
        }
        if let Some((devs, ips)) = logins.get(ext(a)) {
            for (n, name) in net_names.iter().enumerate() {
                let Some(t) = traits.get(*name) else { continue };
                let hits = devs.iter().filter(|d| t.devices.contains(*d)).count()
                    + ips.iter().filter(|p| t.ip_networks.contains(*p)).count();
                if hits > 0 {
                    found.entry((a, n)).or_default().devices_or_ips += hits as u32;
                }
            }
        }
    }
    // Each linked account's best network (most direct evidence; ties to the lower index).
    let mut best: BTreeMap<usize, (usize, Match)> = BTreeMap::new();
    for ((a, n), m) in found {
        if !m.linked() {
            continue;
        }
        let better = best
            .get(&a)
            .is_none_or(|(_, b)| m.log_odds() > b.log_odds());
        if better {
            best.insert(a, (n, m));
        }
    }
    if best.is_empty() {
        return Vec::new();
    }
    // Group fingerprints through lockstep-score: group n = network n's accounts in the
    // snapshot and the accounts linked to it.
    let cluster: Vec<Option<u32>> = (0..n_acc)
        .map(|a| {
            net_of[a]
                .or_else(|| best.get(&a).map(|b| b.0))
                .map(|n| n as u32)
        })
        .collect();
    let groups = Groups::from_clusters(n_acc, &cluster);
    let ctx = Context::new(ds, &groups);
    let burst = creation_burst::compute(&ctx, params);
    let client = client_concentration::compute(&ctx);
    let strength = |v: &[f32], a: usize| v.get(a).copied().filter(|s| s.is_finite()).unwrap_or(0.0);
    let mut out = Vec::new();
    for (a, (n, mut m)) in best {
        m.generated_handle =
            handle_pattern::classify(ds.str(ds.accounts.screen_name[a])).map_or(0.0, |x| x.0);
        m.creation_burst = strength(&burst.strength, a);
        m.client = strength(&client.strength, a);
        if let (Some(created), Some(silent)) = (
            ds.accounts.created_at[a],
            traits.get(net_names[n]).and_then(|t| t.silent_since(at)),
        ) && created > silent
        {
            m.created_after_suspension = Some(lockstep_ingest::timeparse::format_utc(silent));
        }
        m.confidence = 1.0 / (1.0 + (-(m.log_odds() + BIAS)).exp());
        out.push((n, ext(a).to_string(), m));
    }
    out
}

/// A message's device and IP network, when it carries `device` / `ip` (normalised posts).
pub fn login_of(raw: &str) -> Option<(Option<String>, Option<u128>)> {
    if !raw.contains("\"ip\"") && !raw.contains("\"device\"") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(raw).ok()?;
    let device = v
        .get("device")
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from);
    let ip = v
        .get("ip")
        .and_then(serde_json::Value::as_str)
        .and_then(|s| login_ip::prefix_key(s.trim()));
    (device.is_some() || ip.is_some()).then_some((device, ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_silence() {
        assert_eq!(stem("@Richard17700647"), "Richard");
        assert_eq!(stem("aB3xK9qq12"), "aB#xK#qq");
        let mut t = NetworkTraits::default();
        for (i, x) in [100, 200, 300].iter().enumerate() {
            t.last_post.insert(i.to_string(), *x);
        }
        assert_eq!(
            t.silent_since(86_400 + 250),
            None,
            "one not silent for a day"
        );
        assert_eq!(t.silent_since(86_400 + 301), Some(200));
    }

    #[test]
    fn evidence_adds_up_to_the_confidence() {
        let mut m = Match::default();
        assert!(!m.linked());
        m.suspended_stem_of = Some("9".into());
        m.stem_sharers = 1;
        assert!(m.linked());
        m.created_after_suspension = Some("x".into());
        assert!((m.log_odds() - 4.0).abs() < 1e-9);
        m.partners
            .extend(["1".to_string(), "2".into(), "3".into(), "4".into()]);
        assert!((m.log_odds() - 8.5).abs() < 1e-9, "partners count up to 3");
        m.stem_sharers = 2;
        assert!(
            (m.log_odds() - 7.25).abs() < 1e-9,
            "a shared stem weighs less"
        );
    }

    #[test]
    fn logins_are_read_from_messages() {
        assert_eq!(login_of(r#"{"post_id":"1"}"#), None);
        let (d, ip) = login_of(r#"{"post_id":"1","device":"iPhone X","ip":"10.1.2.3"}"#).unwrap();
        assert_eq!(d.as_deref(), Some("iPhone X"));
        assert_eq!(ip, login_ip::prefix_key("10.1.2.99"));
    }
}
