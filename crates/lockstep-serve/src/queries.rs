//! The read side: cases, networks, members, accounts, as the API and the pages show them.

use crate::db::{Connection, OptionalExtension};
use crate::error::{Result, ServeError};
use crate::params;

/// A case in the list.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CaseInfo {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The investigation directory it was imported from.
    pub source_dir: String,
    /// Lockstep version that wrote the investigation.
    pub lockstep_version: String,
    /// Accounts.
    pub accounts: i64,
    /// Networks.
    pub networks: i64,
    /// Edges.
    pub edges: i64,
    /// Importer.
    pub imported_by: String,
    /// Unix seconds.
    pub imported_at: i64,
}

const CASE_SELECT: &str = "SELECT c.id, c.name, c.source_dir, c.lockstep_version, c.accounts, c.networks, c.edges, u.username, c.imported_at FROM cases c JOIN users u ON u.id = c.imported_by";

fn case_row(r: &crate::db::Row) -> crate::Result<CaseInfo> {
    Ok(CaseInfo {
        id: r.get(0)?,
        name: r.get(1)?,
        source_dir: r.get(2)?,
        lockstep_version: r.get(3)?,
        accounts: r.get(4)?,
        networks: r.get(5)?,
        edges: r.get(6)?,
        imported_by: r.get(7)?,
        imported_at: r.get(8)?,
    })
}

/// All cases, newest first.
pub fn cases(conn: &Connection) -> Result<Vec<CaseInfo>> {
    let mut st = conn.prepare(&format!("{CASE_SELECT} ORDER BY c.id DESC"))?;
    st.query_map(params![], case_row)?.collect()
}

/// One case.
pub fn case(conn: &Connection, id: i64) -> Result<CaseInfo> {
    conn.query_row(
        &format!("{CASE_SELECT} WHERE c.id = ?1"),
        params![id],
        case_row,
    )
    .optional()?
    .ok_or_else(|| ServeError::NotFound(format!("no case {id}")))
}

/// A network (cluster) of a case.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Network {
    /// Case.
    pub case_id: i64,
    /// Cluster id in the investigation.
    pub cluster_id: i64,
    /// Accounts.
    pub size: i64,
    /// Verdict.
    pub verdict: Option<String>,
    /// Verdict score.
    pub score: Option<f64>,
    /// Layers with an edge inside.
    pub layers: String,
    /// Median delay, seconds.
    pub median_delay_s: f64,
    /// Edges inside.
    pub edges: i64,
    /// Density.
    pub density: f64,
    /// The `clusters.csv` metric columns by name (origin, evidence, attribution, ...).
    pub metrics: serde_json::Map<String, serde_json::Value>,
}

const NETWORK_SELECT: &str = "SELECT case_id, cluster_id, size, verdict, score, layers, median_delay_s, edges, density, metrics_json FROM networks";

fn network_row(r: &crate::db::Row) -> crate::Result<Network> {
    let m: String = r.get(9)?;
    Ok(Network {
        case_id: r.get(0)?,
        cluster_id: r.get(1)?,
        size: r.get(2)?,
        verdict: r.get(3)?,
        score: r.get(4)?,
        layers: r.get(5)?,
        median_delay_s: r.get(6)?,
        edges: r.get(7)?,
        density: r.get(8)?,
        metrics: serde_json::from_str(&m).unwrap_or_default(),
    })
}

/// A case's networks, by cluster id.
pub fn networks(conn: &Connection, case_id: i64) -> Result<Vec<Network>> {
    case(conn, case_id)?;
    let mut st = conn.prepare(&format!(
        "{NETWORK_SELECT} WHERE case_id = ?1 ORDER BY cluster_id"
    ))?;
    st.query_map(params![case_id], network_row)?.collect()
}

/// One network.
pub fn network(conn: &Connection, case_id: i64, cluster_id: i64) -> Result<Network> {
    case(conn, case_id)?;
    conn.query_row(
        &format!("{NETWORK_SELECT} WHERE case_id = ?1 AND cluster_id = ?2"),
        params![case_id, cluster_id],
        network_row,
    )
    .optional()?
    .ok_or_else(|| ServeError::NotFound(format!("case {case_id} has no network {cluster_id}")))
}

/// An account of a case, with its current enforcement state.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Account {
    /// Platform id.
    pub account_id: String,
    /// Handle.
    pub screen_name: String,
    /// Network, when in one.
    pub cluster_id: Option<i64>,
    /// Verdict.
    pub verdict: Option<String>,
    /// Role in the network.
    pub role: Option<String>,
    /// Coordination score.
    pub coordination_score: Option<f64>,
    /// Inauthenticity score.
    pub inauthenticity_score: Option<f64>,
    /// Evidence text.
    pub evidence: String,
    /// The last applied action on the account (`restore` after an undo), if any.
    pub enforcement: Option<String>,
}

const ACCOUNT_SELECT: &str = "SELECT a.account_id, a.screen_name, a.cluster_id, a.verdict, a.role, a.coordination_score, a.inauthenticity_score, a.evidence, (SELECT e.action FROM enforcements e WHERE e.case_id = a.case_id AND e.account_id = a.account_id ORDER BY e.id DESC LIMIT 1) FROM accounts a";

fn account_row(r: &crate::db::Row) -> crate::Result<Account> {
    Ok(Account {
        account_id: r.get(0)?,
        screen_name: r.get(1)?,
        cluster_id: r.get(2)?,
        verdict: r.get(3)?,
        role: r.get(4)?,
        coordination_score: r.get(5)?,
        inauthenticity_score: r.get(6)?,
        evidence: r.get(7)?,
        enforcement: r.get(8)?,
    })
}

/// Filters and page of a network's members.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MemberQuery {
    /// Only this verdict.
    pub verdict: Option<String>,
    /// Only this role.
    pub role: Option<String>,
    /// Skip this many.
    pub offset: i64,
    /// At most this many (1..=[`MAX_PAGE`]).
    pub limit: i64,
}

/// Largest page of members.
pub const MAX_PAGE: i64 = 1000;

/// A page of members.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Members {
    /// Members matching the filters.
    pub total: i64,
    /// Offset of the page.
    pub offset: i64,
    /// The page, by account id.
    pub accounts: Vec<Account>,
}

/// A page of a network's members.
pub fn members(
    conn: &Connection,
    case_id: i64,
    cluster_id: i64,
    q: &MemberQuery,
) -> Result<Members> {
    if !(1..=MAX_PAGE).contains(&q.limit) || q.offset < 0 {
        return Err(ServeError::BadRequest(format!(
            "limit must be 1..={MAX_PAGE} and offset >= 0"
        )));
    }
    let filter = "a.case_id = ?1 AND a.cluster_id = ?2 AND (CAST(?3 AS TEXT) IS NULL OR a.verdict = ?3) AND (CAST(?4 AS TEXT) IS NULL OR a.role = ?4)";
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM accounts a WHERE {filter}"),
        params![case_id, cluster_id, q.verdict, q.role],
        |r| r.get(0),
    )?;
    let mut st = conn.prepare_cached(&format!(
        "{ACCOUNT_SELECT} WHERE {filter} ORDER BY a.account_id LIMIT ?5 OFFSET ?6"
    ))?;
    let accounts = st
        .query_map(
            params![case_id, cluster_id, q.verdict, q.role, q.limit, q.offset],
            account_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Members {
        total,
        offset: q.offset,
        accounts,
    })
}

/// One account.
pub fn account(conn: &Connection, case_id: i64, account_id: &str) -> Result<Account> {
    case(conn, case_id)?;
    conn.query_row(
        &format!("{ACCOUNT_SELECT} WHERE a.case_id = ?1 AND a.account_id = ?2"),
        params![case_id, account_id],
        account_row,
    )
    .optional()?
    .ok_or_else(|| ServeError::NotFound(format!("case {case_id} has no account `{account_id}`")))
}

/// An edge touching an account or inside a network.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Edge {
    /// One account.
    pub source: String,
    /// The other.
    pub target: String,
    /// Layer.
    pub layer: String,
    /// `burst` / `drip`.
    pub scale: String,
    /// Weight.
    pub weight: i64,
    /// Co-action events.
    pub events: i64,
    /// Median |dt|, seconds.
    pub median_dt_s: f64,
    /// q-value.
    pub q_value: Option<f64>,
}

/// The strongest edges of an account (at most `limit`).
pub fn account_edges(
    conn: &Connection,
    case_id: i64,
    account_id: &str,
    limit: i64,
) -> Result<Vec<Edge>> {
    let mut st = conn.prepare_cached(
        "SELECT source, target, layer, scale, weight, events, median_dt_s, q_value FROM edges WHERE case_id = ?1 AND (source = ?2 OR target = ?2) ORDER BY weight DESC, source, target LIMIT ?3",
    )?;
    st.query_map(params![case_id, account_id, limit], |r| {
        Ok(Edge {
            source: r.get(0)?,
            target: r.get(1)?,
            layer: r.get(2)?,
            scale: r.get(3)?,
            weight: r.get(4)?,
            events: r.get(5)?,
            median_dt_s: r.get(6)?,
            q_value: r.get(7)?,
        })
    })?
    .collect()
}

/// A Page or Group of a case (pages.csv, docs/pages.md).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Page {
    /// Platform id.
    pub page_id: String,
    /// Name.
    pub page_name: String,
    /// `page` or `group`.
    pub page_kind: String,
    /// `inauthentic`, `suspicious` or `none`.
    pub verdict: String,
    /// The network most of its inauthentic admins belong to.
    pub network: Option<i64>,
    /// Admins' account ids.
    pub admin_ids: Vec<String>,
    /// Admins judged inauthentic.
    pub inauthentic_admins: i64,
    /// Posing-as-news signals, `|`-separated.
    pub posing_as_news: String,
    /// Evidence text.
    pub evidence: String,
}

/// The Pages and Groups network `cluster_id` of case `case_id` runs, by kind and id.
pub fn pages(conn: &Connection, case_id: i64, cluster_id: i64) -> Result<Vec<Page>> {
    let mut st = conn.prepare_cached(
        "SELECT page_id, page_name, page_kind, verdict, network, inauthentic_admins, posing_as_news, evidence FROM pages WHERE case_id = ?1 AND network = ?2 ORDER BY page_kind, page_id",
    )?;
    let mut admins = conn.prepare_cached(
        "SELECT account_id FROM page_admins WHERE case_id = ?1 AND page_id = ?2 ORDER BY account_id",
    )?;
    let rows = st
        .query_map(params![case_id, cluster_id], |r| {
            Ok(Page {
                page_id: r.get(0)?,
                page_name: r.get(1)?,
                page_kind: r.get(2)?,
                verdict: r.get(3)?,
                network: r.get(4)?,
                admin_ids: Vec::new(),
                inauthentic_admins: r.get(5)?,
                posing_as_news: r.get(6)?,
                evidence: r.get(7)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|mut p| {
            p.admin_ids = admins
                .query_map(params![case_id, p.page_id], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(p)
        })
        .collect()
}
