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
use crate::input::{ClusterReport, PageReport, ReportInput, Role, Verdict};
use crate::time::{format_date, format_minute};
use hashbrown::{HashMap, HashSet};
use lockstep_model::{AccountId, Dataset, PostsByAccount, Sym};
use plotters::style::RGBColor;
use serde::Serialize;

/// Sections drawn with their own charts: every operation (up to [`MAX_OPERATION_SECTIONS`]), then
/// the largest other clusters until this many sections.
const DETAILED_UNITS: usize = 12;
/// Most operation sections (an operation past this is in the table only). With the member-table
/// limits below it bounds the page's size whatever the input: a section is 100-300 KB on the demo
/// world (not measured at 200,000 accounts).
const MAX_OPERATION_SECTIONS: usize = 20;
/// Rows of the networks table shown before "show all".
const TABLE_ROWS_SHOWN: usize = 20;
/// Most nodes in the network picture (highest-priority accounts kept).
const MAX_NODES: usize = 2_500;
/// Most edges in the network picture (heaviest kept).
const MAX_EDGES: usize = 12_000;
/// Most members listed in the first section's (scrolling, sortable) accounts table...
const MEMBERS_LISTED_FIRST: usize = 1_500;
/// ...and in every other section's.
const MEMBERS_LISTED: usize = 300;
/// Most rows of the Pages and Groups table (the rest are in pages.csv).
const MAX_PAGE_ROWS: usize = 500;
/// Example posts shown per kind and section.
const EXAMPLES: usize = 5;

static TEMPLATE: &str = include_str!("../templates/report.html");

/// What the report describes as one finding: an operation (inauthentic clusters tied together)
/// or a cluster outside every operation.
struct Unit {
    /// HTML anchor, `operation-0` / `network-5`.
    anchor: String,
    /// `Operation 0` / `Network 5`.
    label: String,
    verdict: Verdict,
    /// Cluster score (operations have none of their own).
    score: Option<f64>,
    members: Vec<AccountId>,
    layers: Vec<String>,
    evidence: Vec<String>,
    attribution: Option<String>,
    /// Short origin label for the table.
    origin: String,
    utc_offset_hours: Option<f32>,
    median_delay_s: Option<f64>,
    /// For an operation: `(cluster id, role, accounts)`.
    cells: Vec<(u32, String, usize)>,
    /// Its clusters (an operation's cells, or the one cluster).
    clusters: Vec<u32>,
}

/// Renders the whole report as one self-contained HTML document (inline CSS, SVG and a small
/// inline script for sorting and filtering tables; no external resource).
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
    for o in &input.operations {
        o.members.iter().try_for_each(|&a| check(a))?;
    }
    for a in &input.accounts {
        check(a.account)?;
    }
    for e in &input.edges {
        check(e.a)?;
        check(e.b)?;
    }

    let by_account = PostsByAccount::new(ds);
    let units = units(input);
    // One distinct colour per unit shown in colour, grey for the rest. The palette's last colour
    // is a warm grey too close to the "other" grey to tell apart, so it is not used.
    let colour_of_unit = |i: usize| (i + 1 < PALETTE.len()).then(|| cluster_colour(i));
    let mut unit_of: HashMap<AccountId, usize> = HashMap::new();
    for (i, u) in units.iter().enumerate() {
        for &m in &u.members {
            unit_of.entry(m).or_insert(i);
        }
    }
    let mut cluster_of: HashMap<AccountId, u32> = HashMap::new();
    let mut role_of: HashMap<AccountId, Role> = HashMap::new();
    let through_cluster: HashSet<AccountId> = input
        .accounts
        .iter()
        .filter(|a| a.through_cluster)
        .map(|a| a.account)
        .collect();
    for c in &input.clusters {
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
        input.clusters.iter().map(|c| (c.id, c.verdict)).collect();

    let headline = headline(ds, input, &by_account);
    let network_svg = network_picture(input, &units, &unit_of, &role_of, &colour_of_unit)?;
    let delay_svg = delay_distribution(input, &cluster_of, &verdict_of_cluster)?;

    let bins = ds.time_range().map(|(a, b)| TimeBins::for_range(a, b));
    let all_counts = bins.map(|b| b.count(ds.posts.time.iter().copied()));
    let reposts_of = RepostCounts::new(ds);
    let terms = crate::terms::TermCounts::new(ds);
    let n_ops = input.operations.len().min(MAX_OPERATION_SECTIONS);
    let detailed = n_ops.max(DETAILED_UNITS.min(units.len()));
    let mut sections = Vec::new();
    for (i, u) in units.iter().enumerate().take(detailed) {
        sections.push(unit_section(
            ds,
            u,
            colour_of_unit(i).unwrap_or(GREY),
            i == 0,
            &by_account,
            &role_of,
            &cluster_of,
            &through_cluster,
            &reposts_of,
            &terms,
            bins.as_ref().zip(all_counts.as_deref()),
        )?);
    }
    // Pages and Groups: in the section of the finding that holds their network, and in one table.
    let mut pages: Vec<&PageReport> = input.pages.iter().filter(|p| p.verdict != "none").collect();
    pages.sort_by(|a, b| {
        b.inauthentic_admins
            .cmp(&a.inauthentic_admins)
            .then(a.name.cmp(&b.name))
    });
    for (u, section) in units.iter().zip(sections.iter_mut()) {
        let mine: Vec<&PageReport> = pages
            .iter()
            .copied()
            .filter(|p| p.network.is_some_and(|n| u.clusters.contains(&n)))
            .collect();
        let inauthentic = mine.iter().filter(|p| p.verdict == "inauthentic");
        let groups = inauthentic.clone().filter(|p| p.kind == "group").count();
        let n = inauthentic.count();
        if n > 0 {
            section.pages_phrase = lockstep_model::pages_groups_phrase(n - groups, groups);
        }
        section.pages = mine.into_iter().map(page_row).collect();
    }
    let table: Vec<UnitRow> = units
        .iter()
        .enumerate()
        .map(|(i, u)| unit_row(u, colour_of_unit(i), i < sections.len()))
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

    let shown_rows = table.len().min(TABLE_ROWS_SHOWN);
    let ctx = Context {
        base_css: crate::BASE_CSS,
        title: if input.title.is_empty() {
            "Lockstep investigation report".to_string()
        } else {
            input.title.clone()
        },
        generator: input.generator.clone(),
        headline,
        network_svg,
        delay_svg,
        more_units: table.len().saturating_sub(sections.len()),
        units_shown: table[..shown_rows].to_vec(),
        units_more: table[shown_rows..].to_vec(),
        sections,
        parameters: input.parameters.clone(),
        sources,
        pages_judged: input.pages.len(),
        pages_clear: input.pages.len() - pages.len(),
        pages: pages
            .into_iter()
            .take(MAX_PAGE_ROWS)
            .map(page_row)
            .collect(),
    };
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let html = env
        .get_template("report.html")?
        .render(minijinja::value::Serde(&ctx))?;
    Ok(html)
}

/// The findings in reading order: operations (as given: largest first), then every cluster outside
/// an operation by verdict (inauthentic, undetermined, organic), size and score.
fn units(input: &ReportInput) -> Vec<Unit> {
    let clusters: HashMap<u32, &ClusterReport> = input.clusters.iter().map(|c| (c.id, c)).collect();
    let mut in_operation: HashSet<u32> = HashSet::new();
    let mut out = Vec::new();
    for o in &input.operations {
        let mut layers = Vec::new();
        let mut delays = Vec::new();
        let mut cells = Vec::new();
        for (c, role) in &o.cells {
            in_operation.insert(*c);
            if let Some(cr) = clusters.get(c) {
                layers.extend(cr.layers.iter().cloned());
                delays.extend(cr.median_delay_s);
                cells.push((*c, role.clone(), size(cr)));
            } else {
                cells.push((*c, role.clone(), 0));
            }
        }
        delays.sort_by(f64::total_cmp);
        out.push(Unit {
            anchor: format!("operation-{}", o.id),
            label: format!("Operation {}", o.id),
            verdict: o.verdict,
            score: None,
            members: o.members.clone(),
            layers: distinct(layers),
            evidence: o.evidence.clone(),
            attribution: Some(match &o.attribution {
                Some(a) if !a.is_empty() => format!("{} {a}", o.origin_statement),
                _ => o.origin_statement.clone(),
            }),
            origin: o.origin_label.clone(),
            utc_offset_hours: o.utc_offset_hours,
            median_delay_s: delays.get(delays.len() / 2).copied(),
            clusters: o.cells.iter().map(|c| c.0).collect(),
            cells,
        });
    }
    let mut rest: Vec<&ClusterReport> = input
        .clusters
        .iter()
        .filter(|c| !in_operation.contains(&c.id))
        .collect();
    rest.sort_by(|a, b| {
        verdict_rank(a.verdict)
            .cmp(&verdict_rank(b.verdict))
            .then(size(b).cmp(&size(a)))
            .then(b.score.total_cmp(&a.score))
            .then(a.id.cmp(&b.id))
    });
    for c in rest {
        out.push(Unit {
            anchor: format!("network-{}", c.id),
            label: format!("Network {}", c.id),
            verdict: c.verdict,
            score: Some(c.score),
            members: c.members.clone(),
            layers: distinct(c.layers.clone()),
            evidence: c.evidence.clone(),
            attribution: c.attribution.clone(),
            origin: c.origin_label.clone(),
            utc_offset_hours: c.utc_offset_hours,
            median_delay_s: c.median_delay_s,
            cells: Vec::new(),
            clusters: vec![c.id],
        });
    }
    out
}

/// Layer names without repeats (a layer runs at two scales), in first-seen order.
fn distinct(v: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    v.into_iter().filter(|l| seen.insert(l.clone())).collect()
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

/// Times each post (by external id) was reposted anywhere in the data.
struct RepostCounts(HashMap<Sym, u32>);

impl RepostCounts {
    fn new(ds: &Dataset) -> Self {
        let mut m: HashMap<Sym, u32> = HashMap::new();
        for &r in &ds.posts.repost_of {
            if !r.is_none() {
                *m.entry(r).or_insert(0) += 1;
            }
        }
        RepostCounts(m)
    }

    fn of(&self, post_external_id: Sym) -> u32 {
        if post_external_id.is_none() {
            return 0;
        }
        self.0.get(&post_external_id).copied().unwrap_or(0)
    }
}

#[derive(Serialize)]
struct Context {
    base_css: &'static str,
    title: String,
    generator: String,
    headline: HeadlineView,
    network_svg: String,
    delay_svg: String,
    /// Networks-table rows shown at once.
    units_shown: Vec<UnitRow>,
    /// The rest, behind "show all".
    units_more: Vec<UnitRow>,
    sections: Vec<Section>,
    /// Findings in the table without a section.
    more_units: usize,
    parameters: Vec<(String, String)>,
    sources: Vec<SourceRow>,
    /// Pages and Groups with inauthentic or suspicious admins, most inauthentic admins first.
    pages: Vec<PageRow>,
    /// Pages and Groups judged in all, and those with no admin judged inauthentic.
    pages_judged: usize,
    pages_clear: usize,
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
    operations: usize,
    operation_accounts: String,
    inauthentic_clusters: usize,
    inauthentic_accounts: String,
    organic_clusters: usize,
    organic_accounts: String,
    undetermined_clusters: usize,
    undetermined_accounts: String,
}

#[derive(Clone, Serialize)]
struct UnitRow {
    anchor: String,
    label: String,
    /// Empty for a unit drawn grey.
    colour: String,
    has_section: bool,
    verdict: &'static str,
    verdict_code: &'static str,
    score: String,
    size: usize,
    clusters: usize,
    layers: String,
    median_delay: String,
    zone: String,
    origin: String,
}

#[derive(Serialize)]
struct Section {
    anchor: String,
    label: String,
    open: bool,
    colour: String,
    verdict: &'static str,
    verdict_code: &'static str,
    summary: String,
    evidence: Vec<String>,
    attribution: Option<String>,
    cells: Vec<CellRow>,
    /// Show the members' cluster column (operations: several cells).
    show_cluster: bool,
    /// Show the "judged" column (some members judged through their cluster).
    show_judged: bool,
    timeline_svg: Option<String>,
    heatmap_svg: Option<String>,
    creation_svg: Option<String>,
    top_svg: Option<String>,
    scripts: Vec<ExamplePost>,
    amplified: Vec<ExamplePost>,
    /// Distinctive terms against the rest of the data (weighted log-odds, `crate::terms`).
    distinctive: Vec<String>,
    /// Accounts outside the unit its members replied to or mentioned most.
    targets: Vec<String>,
    members: Vec<MemberRow>,
    more_members: usize,
    /// Pages and Groups run by its accounts (their network is one of its clusters).
    pages: Vec<PageRow>,
    /// "4 Pages and 4 Groups", empty without pages.
    pages_phrase: String,
}

#[derive(Clone, Serialize)]
struct PageRow {
    name: String,
    kind: &'static str,
    verdict: String,
    /// CSS class of the verdict pill.
    verdict_code: &'static str,
    network: String,
    admins: String,
    posing_as_news: String,
    evidence: String,
}

#[derive(Serialize)]
struct CellRow {
    anchor: String,
    id: u32,
    role: String,
    size: usize,
}

#[derive(Serialize)]
struct ExamplePost {
    text: String,
    /// Accounts of the unit that posted this text / reposts the post received.
    accounts: u64,
    posts: u64,
    who: String,
    when: String,
}

#[derive(Serialize)]
struct MemberRow {
    screen_name: String,
    display_name: String,
    cluster: String,
    role: &'static str,
    /// `through its cluster` when its own evidence was too thin (docs/scoring.md §3).
    judged: &'static str,
    followers: String,
    followers_n: i64,
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

fn headline(ds: &Dataset, input: &ReportInput, by_account: &PostsByAccount) -> HeadlineView {
    let posting = (0..ds.accounts.len())
        .filter(|&a| !by_account.of(AccountId(a as u32)).is_empty())
        .count();
    let count = |v: Verdict| {
        let cs: Vec<_> = input.clusters.iter().filter(|c| c.verdict == v).collect();
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
        clusters: input.clusters.len(),
        operations: input.operations.len(),
        operation_accounts: thousands(
            input
                .operations
                .iter()
                .map(|o| o.members.len() as u64)
                .sum(),
        ),
        inauthentic_clusters: ic,
        inauthentic_accounts: thousands(ia),
        organic_clusters: oc,
        organic_accounts: thousands(oa),
        undetermined_clusters: uc,
        undetermined_accounts: thousands(ua),
    }
}

fn unit_row(u: &Unit, colour: Option<RGBColor>, has_section: bool) -> UnitRow {
    UnitRow {
        anchor: u.anchor.clone(),
        label: u.label.clone(),
        colour: colour.map(hex).unwrap_or_default(),
        has_section,
        verdict: short_verdict(u.verdict),
        verdict_code: u.verdict.as_str(),
        score: u
            .score
            .map(|s| format!("{s:.3}"))
            .unwrap_or_else(|| "–".into()),
        size: u.members.len(),
        clusters: u.cells.len().max(1),
        layers: u.layers.join(", "),
        median_delay: u.median_delay_s.map(duration).unwrap_or_else(|| "–".into()),
        zone: u
            .utc_offset_hours
            .map(offset_label)
            .unwrap_or_else(|| "–".into()),
        origin: if u.origin.is_empty() {
            "–".into()
        } else {
            u.origin.clone()
        },
    }
}

fn network_picture(
    input: &ReportInput,
    units: &[Unit],
    unit_of: &HashMap<AccountId, usize>,
    role_of: &HashMap<AccountId, Role>,
    colour_of_unit: &dyn Fn(usize) -> Option<RGBColor>,
) -> Result<String, ReportError> {
    // Candidate nodes: members of the findings in reading order, then other linked accounts.
    let mut seen: HashSet<AccountId> = HashSet::new();
    let mut order: Vec<AccountId> = Vec::new();
    for u in units {
        for &m in &u.members {
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
        None => {
            let weighted: Vec<(u32, u32, f64)> = pairs
                .iter()
                .map(|&(a, b, w)| (a, b, f64::from(w)))
                .collect();
            let mut p = lockstep_graph::layout::force_layout(order.len(), &weighted, 0x10c_57e9);
            normalise(&mut p);
            p
        }
    };
    let nodes: Vec<Node> = order
        .iter()
        .zip(&positions)
        .map(|(a, &pos)| Node {
            pos,
            colour: unit_of.get(a).and_then(|&u| colour_of_unit(u)),
            emphasised: role_of.get(a) == Some(&Role::Core),
        })
        .collect();
    let edges: Vec<(u32, u32)> = pairs.iter().map(|&(a, b, _)| (a, b)).collect();
    // The legend lists exactly the findings drawn in colour.
    let legend: Vec<(String, _)> = units
        .iter()
        .enumerate()
        .filter_map(|(i, u)| {
            colour_of_unit(i).map(|c| {
                (
                    format!(
                        "{} ({}, {} acc.)",
                        u.label,
                        short_verdict(u.verdict),
                        u.members.len()
                    ),
                    c,
                )
            })
        })
        .collect();
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

#[allow(clippy::too_many_arguments)]
fn unit_section(
    ds: &Dataset,
    u: &Unit,
    colour: RGBColor,
    open: bool,
    by_account: &PostsByAccount,
    role_of: &HashMap<AccountId, Role>,
    cluster_of: &HashMap<AccountId, u32>,
    through_cluster: &HashSet<AccountId>,
    reposts_of: &RepostCounts,
    terms: &crate::terms::TermCounts,
    bins: Option<(&TimeBins, &[u64])>,
) -> Result<Section, ReportError> {
    let posts: Vec<u32> = u
        .members
        .iter()
        .flat_map(|&m| by_account.of(m).iter().copied())
        .collect();
    let times = || posts.iter().map(|&p| ds.posts.time[p as usize]);
    let first_last = times().min().zip(times().max());
    let label = &u.label;

    let timeline_svg = match bins {
        Some((b, all)) if !posts.is_empty() => {
            let mine = b.count(times());
            let rest: Vec<u64> = all.iter().zip(&mine).map(|(a, m)| a - m).collect();
            Some(timeline(
                &format!("{label}: activity over time against everyone else"),
                b,
                &mine,
                &rest,
                colour,
            )?)
        }
        _ => None,
    };
    let zone = u.utc_offset_hours.unwrap_or(0.0);
    let zone_words = match u.utc_offset_hours {
        Some(o) => format!("{}, inferred", offset_label(o)),
        None => "UTC; no time zone inferred".into(),
    };
    let heatmap_svg = if posts.is_empty() {
        None
    } else {
        Some(heatmap(
            &format!("{label}: posts by hour of week ({zone_words})"),
            &hour_of_week(times(), zone),
            &zone_words,
            colour,
        )?)
    };
    let created: Vec<i64> = u
        .members
        .iter()
        .filter_map(|m| ds.accounts.created_at[m.idx()])
        .collect();
    let creation_svg = match creation_bins(&created) {
        Some((start, width, counts)) => Some(creation_histogram(
            &format!("{label}: when its accounts were created"),
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
    // Only panels with data are drawn; with none, the section says so instead of empty axes.
    let panels: Vec<Panel> = [
        ("Top hashtags", "posts using it", hashtags),
        ("Top link domains", "posts linking to it", domains),
        ("Top clients (apps)", "posts sent with it", clients),
    ]
    .into_iter()
    .filter(|(_, _, rows)| !rows.is_empty())
    .map(|(t, x, rows)| Panel {
        title: t.into(),
        x_desc: x.into(),
        rows,
    })
    .collect();
    let top_svg = if panels.is_empty() {
        None
    } else {
        Some(top_bars(
            &format!("{label}: what it posts and with which software"),
            &panels,
            colour,
        )?)
    };

    let (scripts, amplified) = example_posts(ds, &posts, reposts_of);
    let distinctive: Vec<String> = terms
        .distinctive(&posts, 15)
        .into_iter()
        .map(|t| format!("{} ({} posts, z {:.1})", t.term, t.posts, t.z))
        .collect();
    let targets = targets(ds, &u.members, &posts);

    let mut members: Vec<AccountId> = u.members.clone();
    members.sort_by_key(|m| {
        (
            role_of.get(m).map(|r| *r != Role::Core).unwrap_or(true),
            std::cmp::Reverse(by_account.of(*m).len()),
            m.0,
        )
    });
    let listed = if open {
        MEMBERS_LISTED_FIRST
    } else {
        MEMBERS_LISTED
    };
    let more_members = members.len().saturating_sub(listed);
    let member_rows = members
        .iter()
        .take(listed)
        .map(|&m| member_row(ds, m, by_account, role_of, cluster_of, through_cluster))
        .collect();

    let n = u.members.len();
    let mut summary = format!(
        "{} account{}",
        thousands(n as u64),
        if n == 1 { "" } else { "s" }
    );
    if u.cells.len() > 1 {
        summary.push_str(&format!(" in {} clusters", u.cells.len()));
    }
    summary.push_str(" acted in lockstep");
    if !u.layers.is_empty() {
        summary.push_str(&format!(" ({})", u.layers.join(", ")));
    }
    if let Some(d) = u.median_delay_s {
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
    summary.push_str(&format!(". Verdict: {}", u.verdict.plain()));
    match u.score {
        Some(sc) => summary.push_str(&format!(" (score {sc:.3} on a 0-1 scale).")),
        None => summary.push('.'),
    }
    if let Some(o) = u.utc_offset_hours {
        summary.push_str(&format!(
            " Its activity schedule fits a working day in {}.",
            offset_label(o)
        ));
    }
    Ok(Section {
        anchor: u.anchor.clone(),
        label: u.label.clone(),
        open,
        colour: hex(colour),
        verdict: u.verdict.plain(),
        verdict_code: u.verdict.as_str(),
        summary,
        evidence: u.evidence.clone(),
        attribution: u.attribution.clone(),
        show_cluster: u.cells.len() > 1,
        show_judged: u.members.iter().any(|m| through_cluster.contains(m)),
        cells: u
            .cells
            .iter()
            .map(|(id, role, size)| CellRow {
                anchor: format!("network-{id}"),
                id: *id,
                role: role.clone(),
                size: *size,
            })
            .collect(),
        timeline_svg,
        heatmap_svg,
        creation_svg,
        top_svg,
        scripts,
        amplified,
        distinctive,
        targets,
        members: member_rows,
        more_members,
        pages: Vec::new(),
        pages_phrase: String::new(),
    })
}

/// A page's row: verdict pill, network and admins in words.
fn page_row(p: &PageReport) -> PageRow {
    PageRow {
        name: p.name.clone(),
        kind: if p.kind == "group" { "Group" } else { "Page" },
        verdict: p.verdict.clone(),
        verdict_code: match p.verdict.as_str() {
            "inauthentic" => "inauthentic",
            "suspicious" => "coordinated_undetermined",
            _ => "coordinated_organic",
        },
        network: p
            .network
            .map_or_else(|| "none".to_string(), |n| format!("Network {n}")),
        admins: format!("{} of {}", p.inauthentic_admins, p.admins),
        posing_as_news: p.posing_as_news.join(", "),
        evidence: p.evidence.clone(),
    }
}

fn member_row(
    ds: &Dataset,
    m: AccountId,
    by_account: &PostsByAccount,
    role_of: &HashMap<AccountId, Role>,
    cluster_of: &HashMap<AccountId, u32>,
    through_cluster: &HashSet<AccountId>,
) -> MemberRow {
    let a = &ds.accounts;
    let name = |s: Sym| ds.str(s).to_string();
    MemberRow {
        screen_name: {
            let s = name(a.screen_name[m.idx()]);
            if s.is_empty() {
                name(a.external_id[m.idx()])
            } else {
                format!("@{s}")
            }
        },
        display_name: name(a.display_name[m.idx()]),
        cluster: cluster_of
            .get(&m)
            .map(|c| c.to_string())
            .unwrap_or_default(),
        role: role_of.get(&m).map(|r| r.as_str()).unwrap_or(""),
        judged: if through_cluster.contains(&m) {
            "through its cluster"
        } else {
            ""
        },
        followers: a.followers[m.idx()]
            .map(thousands)
            .unwrap_or_else(|| "–".into()),
        followers_n: a.followers[m.idx()].map_or(-1, |f| f as i64),
        created: a.created_at[m.idx()]
            .map(format_date)
            .unwrap_or_else(|| "–".into()),
        posts: by_account.of(m).len(),
    }
}

/// What the unit actually posted: its copy-pasted scripts (the same text from several of its
/// accounts, most accounts first) and its most amplified own posts (reposts received anywhere).
fn example_posts(
    ds: &Dataset,
    posts: &[u32],
    reposts_of: &RepostCounts,
) -> (Vec<ExamplePost>, Vec<ExamplePost>) {
    let p = &ds.posts;
    let mut by_text: HashMap<Sym, (Vec<AccountId>, u64, i64)> = HashMap::new();
    let mut amplified: Vec<(u32, u32)> = Vec::new();
    for &i in posts {
        let i_us = i as usize;
        if p.kind[i_us] == lockstep_model::PostKind::Repost || p.text[i_us].is_none() {
            continue;
        }
        let e = by_text
            .entry(p.text[i_us])
            .or_insert_with(|| (Vec::new(), 0, i64::MAX));
        e.0.push(p.account[i_us]);
        e.1 += 1;
        e.2 = e.2.min(p.time[i_us]);
        let r = reposts_of.of(p.external_id[i_us]);
        if r > 0 {
            amplified.push((r, i));
        }
    }
    let mut scripts: Vec<(usize, u64, i64, Sym)> = by_text
        .into_iter()
        .filter_map(|(t, (mut accts, n, first))| {
            accts.sort_unstable();
            accts.dedup();
            (accts.len() >= 2).then_some((accts.len(), n, first, t))
        })
        .collect();
    scripts.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let scripts = scripts
        .into_iter()
        .take(EXAMPLES)
        .map(|(accounts, n, first, t)| ExamplePost {
            text: clip(ds.str(t), 280),
            accounts: accounts as u64,
            posts: n,
            who: String::new(),
            when: format_minute(first),
        })
        .collect();
    amplified.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let amplified = amplified
        .into_iter()
        .take(EXAMPLES)
        .map(|(r, i)| {
            let a = p.account[i as usize];
            let handle = ds.str(ds.accounts.screen_name[a.idx()]);
            ExamplePost {
                text: clip(ds.str(p.text[i as usize]), 280),
                accounts: u64::from(r),
                posts: 1,
                who: if handle.is_empty() {
                    ds.str(ds.accounts.external_id[a.idx()]).to_string()
                } else {
                    format!("@{handle}")
                },
                when: format_minute(p.time[i as usize]),
            }
        })
        .collect();
    (scripts, amplified)
}

/// Whom the unit addressed: accounts outside it that its members replied to or mentioned most,
/// as `@handle (N posts)`.
fn targets(ds: &Dataset, members: &[AccountId], posts: &[u32]) -> Vec<String> {
    let inside: HashSet<AccountId> = members.iter().copied().collect();
    let own: HashSet<String> = members
        .iter()
        .map(|a| ds.str(ds.accounts.screen_name[a.idx()]).to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    let mut counts: HashMap<String, u64> = HashMap::new();
    for &p in posts {
        let p = p as usize;
        let mut seen: Vec<String> = Vec::new();
        if let Some(a) = ds.posts.reply_to_account[p]
            && !inside.contains(&a)
        {
            let h = ds.str(ds.accounts.screen_name[a.idx()]);
            let id = if h.is_empty() {
                ds.str(ds.accounts.external_id[a.idx()]).to_string()
            } else {
                h.to_lowercase()
            };
            seen.push(id);
        }
        for &m in ds.posts.mentions.get(p) {
            let h = ds.str(m).trim_start_matches('@').to_lowercase();
            if !h.is_empty() && !own.contains(&h) {
                seen.push(h);
            }
        }
        seen.sort_unstable();
        seen.dedup();
        for h in seen {
            *counts.entry(h).or_insert(0) += 1;
        }
    }
    top_n(counts)
        .into_iter()
        .map(|(h, n)| format!("@{h} ({n} post{})", if n == 1 { "" } else { "s" }))
        .collect()
}

/// At most `n` characters, with an ellipsis when cut.
fn clip(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
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
    fn operations_lead_and_members_judged_through_their_cluster_are_marked() {
        let mut sample = crate::sample::sample();
        let html = render_report(&sample.dataset, &sample.input).unwrap();
        assert!(
            !html.contains("through its cluster"),
            "no member flagged yet"
        );
        // The operation's section comes before any cluster's.
        let op = html.find("id=\"operation-0\"").expect("operation section");
        let net = html.find("id=\"network-2\"").expect("cluster section");
        assert!(op < net);
        let first = sample.input.operations[0].members[0];
        for a in &mut sample.input.accounts {
            a.through_cluster = a.account == first;
        }
        let html = render_report(&sample.dataset, &sample.input).unwrap();
        assert!(html.contains("<th>Judged</th>"), "column shown");
        assert_eq!(html.matches("<td>through its cluster</td>").count(), 1);
    }

    #[test]
    fn pages_are_listed_in_the_table_and_in_the_section_of_their_network() {
        let mut sample = crate::sample::sample();
        let html = render_report(&sample.dataset, &sample.input).unwrap();
        assert!(
            html.contains("<a href=\"#pages\">Pages and Groups</a>"),
            "nav link"
        );
        // The news-posing page in the table and in operation 0 (its network 1 is a cell); the
        // genuine fan group only counted.
        assert_eq!(html.matches("<td>Hong Kong Truth Daily</td>").count(), 2);
        assert!(!html.contains("Canto-pop fans"));
        assert!(html.contains("the other 1 had none"));
        let op = html.find("id=\"operation-0\"").unwrap();
        let run = html
            .find("Its accounts run 1 Page, 0 Groups judged inauthentic")
            .unwrap();
        assert!(run > op);
        // Without pages in the input, no pages heading at all.
        sample.input.pages.clear();
        let html = render_report(&sample.dataset, &sample.input).unwrap();
        assert!(!html.contains("id=\"pages\""));
        assert!(!html.contains("Pages and Groups it runs"));
    }

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
