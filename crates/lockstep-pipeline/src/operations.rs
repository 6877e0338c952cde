//! Operations above clusters (docs/clusters.md, "Operations"): the inauthentic clusters tied by
//! significant coordination ([`lockstep_graph::group_operations`]) become one operation each, with
//! one verdict, one attribution over all its members (one time zone, one origin with its
//! confidence) and its clusters as cells with roles.

use crate::detect::Detection;
use lockstep_graph::{ClusterTie, OperationParams, cluster_ties, group_operations};
use lockstep_model::{AccountId, Dataset};
use lockstep_score::context::{Context, Groups};
use lockstep_score::{Attribution, ScoreParams, Verdict};
use serde::Serialize;

/// What a cluster does inside its operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellRole {
    /// Most of its inauthentic members write the content the operation pushes (role `core`).
    Core,
    /// Its members mostly repost and boost (role `amplifier`).
    Amplifier,
}

impl CellRole {
    /// `core` / `amplifier`.
    pub fn as_str(self) -> &'static str {
        match self {
            CellRole::Core => "core",
            CellRole::Amplifier => "amplifier",
        }
    }
}

/// One operation: a group of inauthentic clusters.
#[derive(Clone, Debug, Serialize)]
pub struct Operation {
    /// 0-based, largest first (accounts).
    pub id: u32,
    /// The operation's verdict (every member cluster's verdict: `inauthentic`).
    pub verdict: Verdict,
    /// Its clusters with their role, core cells first, then by size.
    pub cells: Vec<(u32, CellRole)>,
    /// Member accounts, sorted.
    pub members: Vec<AccountId>,
    /// Posts by its members.
    pub posts: u64,
    /// The ties between its clusters that grouped them.
    pub ties: Vec<ClusterTie>,
    /// Attribution over all members' activity.
    pub attribution: Attribution,
    /// Evidence sentences: how the cells are tied and the cells' strongest evidence.
    pub evidence: Vec<String>,
}

/// Groups the inauthentic clusters of `det` into operations, ranked by accounts.
pub(crate) fn find_operations(
    ds: &Dataset,
    score: &ScoreParams,
    det: &Detection,
    params: &OperationParams,
) -> Vec<Operation> {
    let n_clusters = det.clusters.members.len();
    let sizes: Vec<usize> = det.clusters.members.iter().map(Vec::len).collect();
    let eligible: Vec<bool> = (0..n_clusters as u32)
        .map(|c| {
            det.scored
                .cluster(c)
                .is_some_and(|s| s.verdict == Verdict::Inauthentic)
        })
        .collect();
    let ties = cluster_ties(&det.graph, |a| {
        det.clusters.membership.get(a.idx()).copied().flatten()
    });
    // An amplification service rented by two states is two operations: refuse a tie between
    // clusters whose attributions name different countries, each with high confidence. Medium is
    // not enough: an amplifier cell logging in through VPN exits abroad gets a medium-confidence
    // origin in the exits' country (seen on simulated worlds: Chinese-run cells placed in Japan).
    let origin = |c: u32| {
        det.scored.cluster(c).and_then(|s| {
            let a = &s.attribution;
            (a.confidence_label == "high")
                .then(|| a.origin.clone())
                .flatten()
        })
    };
    let compatible = |a: u32, b: u32| match (origin(a), origin(b)) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    let (accepted, groups) = group_operations(&sizes, &eligible, &ties, params, compatible);

    let n = ds.accounts.len();
    let membership: Vec<Option<u32>> = {
        let mut m = vec![None; n];
        for (g, clusters) in groups.iter().enumerate() {
            for &c in clusters {
                for &a in &det.clusters.members[c as usize] {
                    m[a.idx()] = Some(g as u32);
                }
            }
        }
        m
    };
    let op_groups = Groups::from_clusters(n, &membership);
    let ctx = Context::new(ds, &op_groups);

    groups
        .iter()
        .enumerate()
        .map(|(id, clusters)| {
            let mut cells: Vec<(u32, CellRole)> = clusters
                .iter()
                .map(|&c| {
                    let s = det.scored.cluster(c);
                    let core = s.is_some_and(|s| s.cores > s.amplifiers);
                    (
                        c,
                        if core {
                            CellRole::Core
                        } else {
                            CellRole::Amplifier
                        },
                    )
                })
                .collect();
            cells.sort_by(|x, y| {
                (x.1 != CellRole::Core)
                    .cmp(&(y.1 != CellRole::Core))
                    .then(sizes[y.0 as usize].cmp(&sizes[x.0 as usize]))
                    .then(x.0.cmp(&y.0))
            });
            let mut members: Vec<AccountId> = clusters
                .iter()
                .flat_map(|&c| det.clusters.members[c as usize].iter().copied())
                .collect();
            members.sort_unstable();
            members.dedup();
            let posts = members.iter().map(|&a| ctx.posts_of(a).len() as u64).sum();
            let ties: Vec<ClusterTie> = accepted
                .iter()
                .copied()
                .filter(|t| clusters.binary_search(&t.a).is_ok())
                .collect();
            let attribution = lockstep_score::attribution::attribute(&ctx, score, &members);
            let evidence = operation_evidence(det, &cells, &ties);
            Operation {
                id: id as u32,
                verdict: Verdict::Inauthentic,
                cells,
                members,
                posts,
                ties,
                attribution,
                evidence,
            }
        })
        .collect()
}

fn operation_evidence(
    det: &Detection,
    cells: &[(u32, CellRole)],
    ties: &[ClusterTie],
) -> Vec<String> {
    let mut out = Vec::new();
    if cells.len() > 1 {
        let pairs: u64 = ties.iter().map(|t| u64::from(t.pairs)).sum();
        let cores = cells.iter().filter(|c| c.1 == CellRole::Core).count();
        out.push(format!(
            "{} clusters ({} core, {} amplifier cell{}) tied by {} significant account pair{} across cluster boundaries",
            cells.len(),
            cores,
            cells.len() - cores,
            if cells.len() - cores == 1 { "" } else { "s" },
            pairs,
            if pairs == 1 { "" } else { "s" }
        ));
    }
    // The strongest evidence of the largest cells, without repeats.
    for &(c, _) in cells.iter().take(3) {
        if let Some(s) = det.scored.cluster(c) {
            for e in s.evidence.iter().take(2) {
                if !out.contains(&e.text) {
                    out.push(e.text.clone());
                }
            }
        }
    }
    out
}

/// The operation of each account (indexed by `AccountId`), `None` outside every operation.
pub fn operation_of(operations: &[Operation], n_accounts: usize) -> Vec<Option<u32>> {
    let mut of = vec![None; n_accounts];
    for op in operations {
        for &a in &op.members {
            if a.idx() < n_accounts {
                of[a.idx()] = Some(op.id);
            }
        }
    }
    of
}

/// The operation of each cluster, by cluster id.
pub fn operation_of_cluster(operations: &[Operation], n_clusters: usize) -> Vec<Option<u32>> {
    let mut of = vec![None; n_clusters];
    for op in operations {
        for &(c, _) in &op.cells {
            if (c as usize) < n_clusters {
                of[c as usize] = Some(op.id);
            }
        }
    }
    of
}
