//! What the report is drawn from: the pipeline's results in plain types, so the report crate does
//! not depend on the detection crates and can be driven from files (accounts.csv, clusters.csv,
//! edges.csv) as well as from memory.

use lockstep_model::AccountId;
use serde::{Deserialize, Serialize};

pub use lockstep_model::{Role, Verdict};

/// Run-level numbers the dataset alone does not know.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Headline {
    /// Account pairs tested (the multiple-testing universe), when known.
    pub pairs_tested: Option<u64>,
    /// Significant edges kept after FDR control, when known (else the number of `edges`).
    pub significant_edges: Option<u64>,
    /// False discovery rate the edges were controlled at.
    pub fdr: Option<f64>,
}

/// One cluster (candidate network) as the report shows it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ClusterReport {
    /// Cluster id as in `clusters.csv`.
    pub id: u32,
    /// The cluster's verdict.
    pub verdict: Verdict,
    /// Verdict score in `[0, 1]`.
    pub score: f64,
    /// Number of member accounts (`members.len()` when 0).
    pub size: usize,
    /// Co-action layers with significant edges inside the cluster (e.g. `repost`, `text`).
    pub layers: Vec<String>,
    /// Evidence items, each one plain sentence (e.g. "61% of accounts created within 9 days").
    pub evidence: Vec<String>,
    /// Attribution in words ("Origin: ... (confidence ...), because ..."), when any.
    pub attribution: Option<String>,
    /// Inferred UTC offset of the cluster's activity, in hours (e.g. `8.0` for UTC+8).
    pub utc_offset_hours: Option<f32>,
    /// Median co-action delay inside the cluster, seconds.
    pub median_delay_s: Option<f64>,
    /// Member accounts.
    pub members: Vec<AccountId>,
    /// Short origin label for tables, e.g. `CN (low)`; empty when none.
    pub origin_label: String,
}

/// One operation: inauthentic clusters tied by significant coordination (cells with roles), with
/// one attribution over all its members.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct OperationReport {
    /// Operation id as in `operations.csv` (0 = largest).
    pub id: u32,
    /// The operation's verdict.
    pub verdict: Verdict,
    /// Its clusters with their role in it (`core` / `amplifier`), core cells first.
    pub cells: Vec<(u32, String)>,
    /// Member accounts.
    pub members: Vec<AccountId>,
    /// The origin in words, hedged to its confidence.
    pub origin_statement: String,
    /// Short origin label for tables, e.g. `CN (medium)`; empty when none.
    pub origin_label: String,
    /// Attribution paragraph over all members, when any.
    pub attribution: Option<String>,
    /// Inferred UTC offset of its activity, hours.
    pub utc_offset_hours: Option<f32>,
    /// Evidence sentences: how the cells are tied, the cells' strongest evidence.
    pub evidence: Vec<String>,
}

/// One Page or Group judged from its admins (docs/pages.md), as the report shows it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PageReport {
    /// Page id as in `pages.csv`.
    pub page_id: String,
    /// Its name.
    pub name: String,
    /// `page` or `group`.
    pub kind: String,
    /// `inauthentic`, `suspicious` or `none`.
    pub verdict: String,
    /// The cluster most of its inauthentic admins belong to.
    pub network: Option<u32>,
    /// Admins in the data.
    pub admins: usize,
    /// Admins judged inauthentic.
    pub inauthentic_admins: usize,
    /// Posing-as-news signals that fired (`news_like_name`, ...).
    pub posing_as_news: Vec<String>,
    /// The verdict's evidence in words.
    pub evidence: String,
}

/// One account's result.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccountResult {
    /// The account.
    pub account: AccountId,
    /// Its cluster, if any.
    pub cluster: Option<u32>,
    /// Its verdict.
    pub verdict: Verdict,
    /// Its role.
    pub role: Role,
    /// Judged inauthentic through its cluster: its own evidence was too thin to decide and none
    /// of it said organic (docs/scoring.md §3).
    #[serde(default)]
    pub through_cluster: bool,
}

/// One significant coordination edge.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EdgeResult {
    /// One end.
    pub a: AccountId,
    /// Other end (for the directed `amplify` layer: the amplifier of `a`).
    pub b: AccountId,
    /// Layer name (`repost`, `text`, `amplify`, ...).
    pub layer: String,
    /// Weight: distinct co-acted targets.
    pub weight: f64,
    /// Median `|dt|` between the pair's co-actions, seconds.
    pub median_dt_s: f64,
}

/// Everything [`crate::render_report`] draws besides the [`lockstep_model::Dataset`].
#[derive(Clone, Debug, Default)]
pub struct ReportInput {
    /// Report title (e.g. the input's name).
    pub title: String,
    /// Producer line, e.g. `lockstep 0.1.0`.
    pub generator: String,
    /// Run-level counts.
    pub headline: Headline,
    /// Operations, largest first (each gets a section before any cluster).
    pub operations: Vec<OperationReport>,
    /// Clusters, any order (the report sorts by verdict, then size).
    pub clusters: Vec<ClusterReport>,
    /// Per-account results (accounts without a cluster may be omitted).
    pub accounts: Vec<AccountResult>,
    /// Significant edges.
    pub edges: Vec<EdgeResult>,
    /// Pages and Groups judged from their admins (empty when the input has none).
    pub pages: Vec<PageReport>,
    /// Network-picture positions, parallel to `accounts`; `None` computes a force layout.
    pub positions: Option<Vec<(f32, f32)>>,
    /// Parameters to list in the appendix (`name`, `value`).
    pub parameters: Vec<(String, String)>,
}
