//! Assembles the report: computes what each chart shows from the dataset and the results, draws the
//! charts and fills the HTML template (`templates/report.html`, embedded at compile time).

use crate::ReportError;
use crate::charts::bars::{Panel, top_bars};
use crate::charts::delays::{self, Series, delay_chart};
use crate::charts::heatmap::{heatmap, hour_of_week, offset_label};
use crate::charts::histogram::{creation_bins, creation_histogram};
use crate::charts::network::{Node, network};
use crate::charts::timeline::{TimeBins, timeline};
use crate::charts::{GREY, PALETTE, cluster_colour, hex};
use crate::input::{ClusterReport, ReportInput, Role, Verdict};
use crate::layout::force_layout;
use crate::time::{format_date, format_minute};
use hashbrown::{HashMap, HashSet};
use lockstep_model::{AccountId, Dataset, Sym};
use serde::Serialize;

/// Clusters drawn with their own charts; the rest are listed in the table only.
const DETAILED_CLUSTERS: usize = 12;
/// Most nodes in the network picture (highest-priority accounts kept).
const MAX_NODES: usize = 2_500;
/// Most edges in the network picture (heaviest kept).
const MAX_EDGES: usize = 12_000;
/// Members listed per cluster.
const MEMBERS_LISTED: usize = 25;

static TEMPLATE: &str = include_str!("../templates/report.html");

/// Renders the whole report as one self-contained HTML document (inline CSS and SVG, no script,
/// no external resource).
pub fn render_report(ds: &Dataset, input: &ReportInput) -> Result<String, ReportError> {
    let n_acc = ds.accounts.len();
    let check = |a: AccountId| {
        if a.idx() < n_acc {
            Ok(())
        } else {
            Err(ReportError::UnknownAccount(a.0, n_acc))
        }
    };
    for c in &input.clusters {
        c.members.iter().try_for_each(|&a| check(a))?;
    }
    for a in &input.accounts {
        check(a.account)?;
    }
    for e in &input.edges {
        check(e.a)?;
        check(e.b)?;
    }

    let by_account = PostsByAccount::new(ds);
    let mut clusters: Vec<&ClusterReport> = input.clusters.iter().collect();
    clusters.sort_by(|a, b| {
        verdict_rank(a.verdict)
            .cmp(&verdict_rank(b.verdict))
            .then(b.score.total_cmp(&a.score))
            .then(size(b).cmp(&size(a)))
            .then(a.id.cmp(&b.id))
    });
    let colour_of: HashMap<u32, usize> = clusters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let mut cluster_of: HashMap<AccountId, u32> = HashMap::new();
    let mut role_of: HashMap<AccountId, Role> = HashMap::new();
    for c in &clusters {
        for &m in &c.members {
            cluster_of.insert(m, c.id);
        }
    }
    for a in &input.accounts {
        if let Some(c) = a.cluster {
            cluster_of.entry(a.account).or_insert(c);
        }
        role_of.insert(a.account, a.role);
    }
    let verdict_of_cluster: HashMap<u32, Verdict> =
        clusters.iter().map(|c| (c.id, c.verdict)).collect();

    let headline = headline(ds, input, &clusters, &by_account);
    let network_svg = network_picture(ds, input, &cluster_of, &role_of, &colour_of, &clusters)?;
    let delay_svg = delay_distribution(input, &cluster_of, &verdict_of_cluster)?;

    let bins = ds.time_range().map(|(a, b)| TimeBins::for_range(a, b));
    let all_counts = bins.map(|b| b.count(ds.posts.time.iter().copied()));
    let mut sections = Vec::new();
    for (i, c) in clusters.iter().enumerate().take(DETAILED_CLUSTERS) {
        sections.push(cluster_section(
            ds,
            c,
            i,
            &by_account,
            &role_of,
            bins.as_ref().zip(all_counts.as_deref()),
        )?);
    }
    let table: Vec<ClusterRow> = clusters
        .iter()
        .enumerate()
        .map(|(i, c)| cluster_row(c, i))
        .collect();
    let sources: Vec<SourceRow> = ds
        .sources
        .iter()
        .map(|s| SourceRow {
            path: s.path.clone(),
            format: s.format.clone(),
            resolution: s.resolution.as_str(),
            rows: s.rows_read,
            rejected: s.rows_rejected,
            notes: s.notes.join("; "),
        })
        .collect();

    let ctx = Context {
        title: if input.title.is_empty() {
            "Lockstep investigation report".to_string()
        } else {
            input.title.clone()
        },
        generator: input.generator.clone(),
        headline,
        network_svg,
        delay_svg,
        clusters: table,
        sections,
        more_clusters: clusters.len().saturating_sub(DETAILED_CLUSTERS),
        parameters: input.parameters.clone(),
        sources,
    };
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let html = env
        .get_template("report.html")?
        .render(minijinja::value::Serde(&ctx))?;
    Ok(html)
}

fn size(c: &ClusterReport) -> usize {
    if c.size > 0 { c.size } else { c.members.len() }
}

fn verdict_rank(v: Verdict) -> u8 {
    match v {
        Verdict::Inauthentic => 0,
        Verdict::CoordinatedUndetermined => 1,
        Verdict::CoordinatedOrganic => 2,
        Verdict::None => 3,
    }
}

/// Post indices grouped by author (counting sort: two flat vectors).
struct PostsByAccount {
    offsets: Vec<u32>,
    posts: Vec<u32>,
}

impl PostsByAccount {
    fn new(ds: &Dataset) -> Self {
        let n = ds.accounts.len();
        let mut offsets = vec![0u32; n + 1];
        for a in &ds.posts.account {
            offsets[a.idx() + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut posts = vec![0u32; ds.posts.len()];
        for (p, a) in ds.posts.account.iter().enumerate() {
            posts[fill[a.idx()] as usize] = p as u32;
            fill[a.idx()] += 1;
        }
        PostsByAccount { offsets, posts }
    }

    fn of(&self, a: AccountId) -> &[u32] {
        &self.posts[self.offsets[a.idx()] as usize..self.offsets[a.idx() + 1] as usize]
    }
}

#[derive(Serialize)]
struct Context {
    title: String,
    generator: String,
    headline: HeadlineView,
    network_svg: String,
    delay_svg: String,
    clusters: Vec<ClusterRow>,
    sections: Vec<Section>,
    more_clusters: usize,
    parameters: Vec<(String, String)>,
    sources: Vec<SourceRow>,
}

#[derive(Serialize)]
struct HeadlineView {
    accounts: String,
    posting_accounts: String,
    posts: String,
    period: String,
    edges: String,
    pairs_tested: Option<String>,
    fdr: Option<String>,
    clusters: usize,
    inauthentic_clusters: usize,
    inauthentic_accounts: String,
    organic_clusters: usize,
    organic_accounts: String,
    undetermined_clusters: usize,
    undetermined_accounts: String,
}

#[derive(Serialize)]
struct ClusterRow {
    id: u32,
    colour: String,
    verdict: &'static str,
    verdict_code: &'static str,
    score: String,
    size: usize,
    layers: String,
    median_delay: String,
    zone: String,
    attribution: String,
}

#[derive(Serialize)]
struct Section {
    id: u32,
    colour: String,
    verdict: &'static str,
    verdict_code: &'static str,
    score: String,
    summary: String,
    evidence: Vec<String>,
    attribution: Option<String>,
    timeline_svg: Option<String>,
    heatmap_svg: Option<String>,
    creation_svg: Option<String>,
    top_svg: String,
    members: Vec<MemberRow>,
    more_members: usize,
}

#[derive(Serialize)]
struct MemberRow {
    screen_name: String,
    display_name: String,
    role: &'static str,
    followers: String,
    created: String,
    posts: usize,
}

#[derive(Serialize)]
struct SourceRow {
    path: String,
    format: String,
    resolution: &'static str,
    rows: u64,
    rejected: u64,
    notes: String,
}

/// `12,345`.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `42 s`, `3.5 min`, `2.1 h`.
fn duration(s: f64) -> String {
    if !s.is_finite() {
        "–".into()
    } else if s < 90.0 {
        format!("{s:.0} s")
    } else if s < 5_400.0 {
        format!("{:.1} min", s / 60.0)
    } else if s < 172_800.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} days", s / 86_400.0)
    }
}

fn headline(
    ds: &Dataset,
    input: &ReportInput,
    clusters: &[&ClusterReport],
    by_account: &PostsByAccount,
) -> HeadlineView {
    let posting = (0..ds.accounts.len())
        .filter(|&a| !by_account.of(AccountId(a as u32)).is_empty())
        .count();
    let count = |v: Verdict| {
        let cs: Vec<_> = clusters.iter().filter(|c| c.verdict == v).collect();
        (cs.len(), cs.iter().map(|c| size(c) as u64).sum::<u64>())
    };
    let (ic, ia) = count(Verdict::Inauthentic);
    let (oc, oa) = count(Verdict::CoordinatedOrganic);
    let (uc, ua) = count(Verdict::CoordinatedUndetermined);
    let h = &input.headline;
    HeadlineView {
        accounts: thousands(ds.accounts.len() as u64),
        posting_accounts: thousands(posting as u64),
        posts: thousands(ds.posts.len() as u64),
        period: ds
            .time_range()
            .map(|(a, b)| format!("{} to {}", format_date(a), format_date(b)))
            .unwrap_or_else(|| "no posts".into()),
        edges: thousands(h.significant_edges.unwrap_or(input.edges.len() as u64)),
        pairs_tested: h.pairs_tested.map(thousands),
        fdr: h.fdr.map(|f| format!("{f}")),
        clusters: clusters.len(),
        inauthentic_clusters: ic,
        inauthentic_accounts: thousands(ia),
        organic_clusters: oc,
        organic_accounts: thousands(oa),
        undetermined_clusters: uc,
        undetermined_accounts: thousands(ua),
    }
}

fn cluster_row(c: &ClusterReport, i: usize) -> ClusterRow {
    ClusterRow {
        id: c.id,
        colour: hex(cluster_colour(i)),
        verdict: c.verdict.plain(),
        verdict_code: c.verdict.as_str(),
        score: format!("{:.2}", c.score),
        size: size(c),
        layers: c.layers.join(", "),
        median_delay: c.median_delay_s.map(duration).unwrap_or_else(|| "–".into()),
        zone: c
            .utc_offset_hours
            .map(offset_label)
            .unwrap_or_else(|| "–".into()),
        attribution: c.attribution.clone().unwrap_or_default(),
    }
}

fn network_picture(
    ds: &Dataset,
    input: &ReportInput,
    cluster_of: &HashMap<AccountId, u32>,
    role_of: &HashMap<AccountId, Role>,
    colour_of: &HashMap<u32, usize>,
    clusters: &[&ClusterReport],
) -> Result<String, ReportError> {
    // Candidate nodes: cluster members and edge ends, best-ranked clusters first.
    let mut seen: HashSet<AccountId> = HashSet::new();
    let mut order: Vec<AccountId> = Vec::new();
    for c in clusters {
        for &m in &c.members {
            if seen.insert(m) {
                order.push(m);
            }
        }
    }
    for a in &input.accounts {
        if a.cluster.is_some() && seen.insert(a.account) {
            order.push(a.account);
        }
    }
    let mut edge_nodes: Vec<AccountId> = input.edges.iter().flat_map(|e| [e.a, e.b]).collect();
    edge_nodes.sort_unstable();
    edge_nodes.dedup();
    for a in edge_nodes {
        if seen.insert(a) {
            order.push(a);
        }
    }
    order.truncate(MAX_NODES);
    let index: HashMap<AccountId, u32> = order
        .iter()
        .enumerate()
        .map(|(i, &a)| (a, i as u32))
        .collect();
    // Pairs, weights summed over layers, heaviest kept.
    let mut pair_w: HashMap<(u32, u32), f32> = HashMap::new();
    for e in &input.edges {
        let (Some(&i), Some(&j)) = (index.get(&e.a), index.get(&e.b)) else {
            continue;
        };
        if i != j {
            *pair_w.entry((i.min(j), i.max(j))).or_insert(0.0) += e.weight as f32;
        }
    }
    let mut pairs: Vec<(u32, u32, f32)> = pair_w.into_iter().map(|((a, b), w)| (a, b, w)).collect();
    pairs.sort_by(|x, y| y.2.total_cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    pairs.truncate(MAX_EDGES);
    let groups: Vec<Option<u32>> = order.iter().map(|a| cluster_of.get(a).copied()).collect();
    let given: Option<Vec<(f32, f32)>> = input.positions.as_ref().and_then(|pos| {
        if pos.len() != input.accounts.len() {
            return None;
        }
        let at: HashMap<AccountId, (f32, f32)> = input
            .accounts
            .iter()
            .zip(pos)
            .map(|(a, &p)| (a.account, p))
            .collect();
        order.iter().map(|a| at.get(a).copied()).collect()
    });
    let positions = match given {
        Some(mut p) => {
            normalise(&mut p);
            p
        }
        None => force_layout(order.len(), &pairs, &groups, 150, 0x10c_57e9),
    };
    let nodes: Vec<Node> = order
        .iter()
        .zip(&positions)
        .map(|(a, &pos)| Node {
            pos,
            colour: cluster_of
                .get(a)
                .and_then(|c| colour_of.get(c))
                .map(|&i| cluster_colour(i)),
            emphasised: role_of.get(a) == Some(&Role::Core),
        })
        .collect();
    let edges: Vec<(u32, u32)> = pairs.iter().map(|&(a, b, _)| (a, b)).collect();
    let legend: Vec<(String, _)> = clusters
        .iter()
        .enumerate()
        .take(PALETTE.len())
        .map(|(i, c)| {
            (
                format!(
                    "Network {} ({}, {} acc.)",
                    c.id,
                    short_verdict(c.verdict),
                    size(c)
                ),
                cluster_colour(i),
            )
        })
        .collect();
    let _ = ds;
    network(
        &format!(
            "Coordination network: {} accounts, {} links shown",
            nodes.len(),
            edges.len()
        ),
        &nodes,
        &edges,
        &legend,
    )
}

fn short_verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Inauthentic => "inauthentic",
        Verdict::CoordinatedUndetermined => "undetermined",
        Verdict::CoordinatedOrganic => "organic",
        Verdict::None => "no verdict",
    }
}

/// Rescales arbitrary positions into the unit square (keeping the aspect ratio).
fn normalise(p: &mut [(f32, f32)]) {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in p.iter().filter(|(x, y)| x.is_finite() && y.is_finite()) {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        p.iter_mut().for_each(|q| *q = (0.5, 0.5));
        return;
    }
    let span = (x1 - x0).max(y1 - y0).max(1e-6);
    for q in p.iter_mut() {
        let (x, y) = if q.0.is_finite() && q.1.is_finite() {
            *q
        } else {
            (x0, y0)
        };
        *q = (0.02 + 0.96 * (x - x0) / span, 0.02 + 0.96 * (y - y0) / span);
    }
}

fn delay_distribution(
    input: &ReportInput,
    cluster_of: &HashMap<AccountId, u32>,
    verdict_of: &HashMap<u32, Verdict>,
) -> Result<String, ReportError> {
    let mut counts = [[0u64; 10]; 4];
    for e in &input.edges {
        let same = match (cluster_of.get(&e.a), cluster_of.get(&e.b)) {
            (Some(x), Some(y)) if x == y => verdict_of.get(x).copied(),
            _ => None,
        };
        let group = match same {
            Some(Verdict::Inauthentic) => 0,
            Some(Verdict::CoordinatedOrganic) => 1,
            Some(Verdict::CoordinatedUndetermined) => 2,
            _ => 3,
        };
        counts[group][delays::bin(e.median_dt_s)] += 1;
    }
    let series = [
        ("inside inauthentic networks", PALETTE[2], counts[0]),
        ("inside coordinated-organic clusters", PALETTE[0], counts[1]),
        (
            "inside coordinated clusters of undetermined authenticity",
            PALETTE[1],
            counts[2],
        ),
        ("other significant links", GREY, counts[3]),
    ]
    .into_iter()
    .map(|(name, colour, counts)| Series {
        name: name.into(),
        colour,
        counts,
    })
    .collect::<Vec<_>>();
    delay_chart(
        "How fast linked accounts act: co-action delay distribution",
        &series,
    )
}

fn cluster_section(
    ds: &Dataset,
    c: &ClusterReport,
    i: usize,
    by_account: &PostsByAccount,
    role_of: &HashMap<AccountId, Role>,
    bins: Option<(&TimeBins, &[u64])>,
) -> Result<Section, ReportError> {
    let colour = cluster_colour(i);
    let posts: Vec<u32> = c
        .members
        .iter()
        .flat_map(|&m| by_account.of(m).iter().copied())
        .collect();
    let times = || posts.iter().map(|&p| ds.posts.time[p as usize]);
    let first_last = times().min().zip(times().max());

    let timeline_svg = match bins {
        Some((b, all)) if !posts.is_empty() => {
            let mine = b.count(times());
            let rest: Vec<u64> = all.iter().zip(&mine).map(|(a, m)| a - m).collect();
            Some(timeline(
                &format!("Network {}: activity over time against everyone else", c.id),
                b,
                &mine,
                &rest,
                colour,
            )?)
        }
        _ => None,
    };
    let zone = c.utc_offset_hours.unwrap_or(0.0);
    let zone_words = match c.utc_offset_hours {
        Some(o) => format!("{}, inferred", offset_label(o)),
        None => "UTC; no time zone inferred".into(),
    };
    let heatmap_svg = if posts.is_empty() {
        None
    } else {
        Some(heatmap(
            &format!("Network {}: posts by hour of week ({zone_words})", c.id),
            &hour_of_week(times(), zone),
            &zone_words,
            colour,
        )?)
    };
    let created: Vec<i64> = c
        .members
        .iter()
        .filter_map(|m| ds.accounts.created_at[m.idx()])
        .collect();
    let creation_svg = match creation_bins(&created) {
        Some((start, width, counts)) => Some(creation_histogram(
            &format!("Network {}: when its accounts were created", c.id),
            start,
            width,
            &counts,
            colour,
        )?),
        None => None,
    };
    let top = |list: &lockstep_model::ListColumn, map: &dyn Fn(&str) -> String| {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for &p in &posts {
            let mut seen: Vec<String> = list
                .get(p as usize)
                .iter()
                .map(|&s| map(ds.str(s)))
                .filter(|s| !s.is_empty())
                .collect();
            seen.sort_unstable();
            seen.dedup();
            for s in seen {
                *counts.entry(s).or_insert(0) += 1;
            }
        }
        top_n(counts)
    };
    let hashtags = top(&ds.posts.hashtags, &|s| format!("#{}", s.to_lowercase()));
    let domains = top(&ds.posts.urls, &|s| domain(s).to_lowercase());
    let mut client_counts: HashMap<String, u64> = HashMap::new();
    for &p in &posts {
        let cl = ds.posts.client[p as usize];
        if !cl.is_none() {
            *client_counts.entry(ds.str(cl).to_string()).or_insert(0) += 1;
        }
    }
    let clients = top_n(client_counts);
    let top_svg = top_bars(
        &format!("Network {}: what it posts and with which software", c.id),
        &[
            Panel {
                title: "Top hashtags".into(),
                x_desc: "posts using it".into(),
                rows: hashtags,
            },
            Panel {
                title: "Top link domains".into(),
                x_desc: "posts linking to it".into(),
                rows: domains,
            },
            Panel {
                title: "Top clients (apps)".into(),
                x_desc: "posts sent with it".into(),
                rows: clients,
            },
        ],
        colour,
    )?;

    let mut members: Vec<AccountId> = c.members.clone();
    members.sort_by_key(|m| {
        (
            role_of.get(m).map(|r| *r != Role::Core).unwrap_or(true),
            std::cmp::Reverse(by_account.of(*m).len()),
            m.0,
        )
    });
    let more_members = members.len().saturating_sub(MEMBERS_LISTED);
    let a = &ds.accounts;
    let name = |s: Sym| ds.str(s).to_string();
    let member_rows = members
        .iter()
        .take(MEMBERS_LISTED)
        .map(|&m| MemberRow {
            screen_name: {
                let s = name(a.screen_name[m.idx()]);
                if s.is_empty() {
                    name(a.external_id[m.idx()])
                } else {
                    format!("@{s}")
                }
            },
            display_name: name(a.display_name[m.idx()]),
            role: role_of.get(&m).map(|r| r.as_str()).unwrap_or(""),
            followers: a.followers[m.idx()]
                .map(thousands)
                .unwrap_or_else(|| "–".into()),
            created: a.created_at[m.idx()]
                .map(format_date)
                .unwrap_or_else(|| "–".into()),
            posts: by_account.of(m).len(),
        })
        .collect();

    let n = size(c);
    let mut summary = format!(
        "{} account{} acted in lockstep",
        thousands(n as u64),
        if n == 1 { "" } else { "s" }
    );
    if !c.layers.is_empty() {
        summary.push_str(&format!(" ({})", c.layers.join(", ")));
    }
    if let Some(d) = c.median_delay_s {
        summary.push_str(&format!(", typically {} apart", duration(d)));
    }
    summary.push_str(&format!(
        ", posting {} time{}",
        thousands(posts.len() as u64),
        if posts.len() == 1 { "" } else { "s" }
    ));
    if let Some((f, l)) = first_last {
        summary.push_str(&format!(
            " between {} and {} (UTC)",
            format_minute(f),
            format_minute(l)
        ));
    }
    summary.push_str(&format!(
        ". Verdict: {} (score {:.2} on a 0-1 scale).",
        c.verdict.plain(),
        c.score
    ));
    if let Some(o) = c.utc_offset_hours {
        summary.push_str(&format!(
            " Its activity schedule fits a working day in {}.",
            offset_label(o)
        ));
    }
    Ok(Section {
        id: c.id,
        colour: hex(colour),
        verdict: c.verdict.plain(),
        verdict_code: c.verdict.as_str(),
        score: format!("{:.2}", c.score),
        summary,
        evidence: c.evidence.clone(),
        attribution: c.attribution.clone(),
        timeline_svg,
        heatmap_svg,
        creation_svg,
        top_svg,
        members: member_rows,
        more_members,
    })
}

/// The 10 largest counts, ties by name.
fn top_n(counts: HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(10);
    v
}

/// Host of a URL without `www.`, lowercased by the caller's display (empty when none).
pub(crate) fn domain(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('@')
        .next()
        .unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    host.strip_prefix("www.").unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(duration(30.0), "30 s");
        assert_eq!(duration(600.0), "10.0 min");
        assert_eq!(domain("https://www.Example.com:8080/a?b"), "Example.com");
        assert_eq!(domain("http://user@bit.ly/x"), "bit.ly");
        assert_eq!(domain("example.org/path"), "example.org");
    }
}
