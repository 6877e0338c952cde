//! Operations above clusters (docs/clusters.md, "Operations"): clusters tied to each other by
//! significant coordination are grouped into one operation, the unit a platform discloses ("936
//! accounts", "7 Pages, 3 Groups and 5 accounts").
//!
//! Leiden cuts an operation along its cells: a core that writes, and amplifier cells that each
//! boost the core on their own schedule. The cells are communities of their own, but they are tied
//! to the core (and to each other) by significant pairs that cross the cluster boundary: the
//! `amplify` pairs of a cell reposting the core, shared infrastructure (`ip`, `device`), a shared
//! script (`text`). Those ties are what this module counts.
//!
//! **Rule.** Two eligible clusters `i`, `j` are tied when at least [`OperationParams::min_pairs`]
//! distinct significant account pairs cross between them *and* those pairs reach
//! [`OperationParams::min_share`] of the smaller cluster's size (so two large clusters are not
//! joined by a handful of stray pairs). Every pair counted already passed the FDR-controlled
//! significance test, so a tie is several independent significant findings, not one. Operations
//! are the connected components of the ties; a cluster with no tie is an operation of its own.
//! A `compatible` predicate can refuse a tie (the pipeline refuses ties between clusters whose
//! attributions name different countries, each with high confidence: an amplification service
//! rented by two states is two operations, not one).

use crate::graph::CoordinationGraph;
use hashbrown::HashMap;
use lockstep_model::AccountId;
use serde::{Deserialize, Serialize};

/// Thresholds of the tie rule.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OperationParams {
    /// Fewest distinct significant account pairs between two clusters for a tie.
    pub min_pairs: u32,
    /// Fewest crossing pairs as a share of the smaller cluster's size.
    pub min_share: f64,
}

impl Default for OperationParams {
    fn default() -> Self {
        OperationParams {
            min_pairs: 3,
            min_share: 0.1,
        }
    }
}

/// Significant pairs between two clusters (`a < b`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ClusterTie {
    /// Smaller cluster id.
    pub a: u32,
    /// Larger cluster id.
    pub b: u32,
    /// Distinct significant account pairs with one end in each.
    pub pairs: u32,
}

/// The distinct significant pairs of `graph` that cross between two clusters, per cluster pair,
/// sorted by `(a, b)`. `cluster_of` maps an account to its cluster.
pub fn cluster_ties(
    graph: &CoordinationGraph,
    cluster_of: impl Fn(AccountId) -> Option<u32>,
) -> Vec<ClusterTie> {
    let node_cluster: Vec<Option<u32>> = graph.nodes.iter().map(|&a| cluster_of(a)).collect();
    let mut counts: HashMap<(u32, u32), u32> = HashMap::new();
    for &(i, j, _) in &graph.edges {
        if let (Some(x), Some(y)) = (node_cluster[i as usize], node_cluster[j as usize])
            && x != y
        {
            *counts.entry((x.min(y), x.max(y))).or_insert(0) += 1;
        }
    }
    let mut ties: Vec<ClusterTie> = counts
        .into_iter()
        .map(|((a, b), pairs)| ClusterTie { a, b, pairs })
        .collect();
    ties.sort_unstable_by_key(|t| (t.a, t.b));
    ties
}

/// Groups clusters into operations.
///
/// `sizes[c]` is cluster `c`'s member count and `eligible[c]` whether it may belong to an operation
/// (the pipeline: judged inauthentic). Returns the ties that were accepted and the operations, each
/// a sorted list of cluster ids; operations are ordered largest first (accounts, then the smallest
/// cluster id), so operation 0 is the largest.
pub fn group_operations(
    sizes: &[usize],
    eligible: &[bool],
    ties: &[ClusterTie],
    params: &OperationParams,
    compatible: impl Fn(u32, u32) -> bool,
) -> (Vec<ClusterTie>, Vec<Vec<u32>>) {
    let n = sizes.len().min(eligible.len());
    let ok = |c: u32| (c as usize) < n && eligible[c as usize];
    let accepted: Vec<ClusterTie> = ties
        .iter()
        .copied()
        .filter(|t| t.a != t.b && ok(t.a) && ok(t.b))
        .filter(|t| {
            let smaller = sizes[t.a as usize].min(sizes[t.b as usize]) as f64;
            t.pairs >= params.min_pairs && f64::from(t.pairs) >= params.min_share * smaller
        })
        .filter(|t| compatible(t.a, t.b))
        .collect();
    let mut adjacency: Vec<Vec<u32>> = vec![Vec::new(); n];
    for t in &accepted {
        adjacency[t.a as usize].push(t.b);
        adjacency[t.b as usize].push(t.a);
    }
    let mut seen = vec![false; n];
    let mut groups: Vec<Vec<u32>> = Vec::new();
    for start in 0..n as u32 {
        if !ok(start) || seen[start as usize] {
            continue;
        }
        seen[start as usize] = true;
        let mut group = vec![start];
        let mut next = 0;
        while next < group.len() {
            let c = group[next];
            next += 1;
            for &d in &adjacency[c as usize] {
                if !seen[d as usize] {
                    seen[d as usize] = true;
                    group.push(d);
                }
            }
        }
        group.sort_unstable();
        groups.push(group);
    }
    let accounts = |g: &Vec<u32>| g.iter().map(|&c| sizes[c as usize]).sum::<usize>();
    groups.sort_by(|x, y| accounts(y).cmp(&accounts(x)).then(x[0].cmp(&y[0])));
    (accepted, groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tie(a: u32, b: u32, pairs: u32) -> ClusterTie {
        ClusterTie { a, b, pairs }
    }

    #[test]
    fn cells_tied_to_a_core_form_one_operation() {
        // Core 0 (100 accounts), cells 1..=3 tied to it, cell 4 tied only to cell 3; cluster 5
        // is not eligible (organic) although tied; cluster 6 is eligible and alone.
        let sizes = [100, 30, 30, 20, 10, 50, 8];
        let eligible = [true, true, true, true, true, false, true];
        let ties = [
            tie(0, 1, 40),
            tie(0, 2, 12),
            tie(0, 3, 5),
            tie(3, 4, 3),
            tie(0, 5, 90),
        ];
        let (accepted, ops) = group_operations(
            &sizes,
            &eligible,
            &ties,
            &OperationParams::default(),
            |_, _| true,
        );
        assert_eq!(ops, vec![vec![0, 1, 2, 3, 4], vec![6]]);
        assert_eq!(accepted.len(), 4);
    }

    #[test]
    fn weak_ties_and_vetoes_keep_operations_apart() {
        let sizes = [100, 100, 40, 40];
        let eligible = [true; 4];
        // 5 pairs between two 100-account clusters: below 10% of 100. 2 pairs: below min_pairs.
        let ties = [tie(0, 1, 5), tie(1, 2, 2), tie(2, 3, 30)];
        let p = OperationParams::default();
        let (_, ops) = group_operations(&sizes, &eligible, &ties, &p, |_, _| true);
        assert_eq!(ops, vec![vec![0], vec![1], vec![2, 3]]);
        // A veto refuses the strong tie too.
        let (acc, ops) = group_operations(&sizes, &eligible, &ties, &p, |a, b| (a, b) != (2, 3));
        assert!(acc.is_empty());
        assert_eq!(ops.len(), 4);
    }

    #[test]
    fn ties_count_distinct_pairs_across_clusters() {
        let g = CoordinationGraph::from_edges([
            (AccountId(0), AccountId(1), 1.0), // inside cluster 0
            (AccountId(0), AccountId(2), 1.0), // 0-1
            (AccountId(1), AccountId(3), 1.0), // 0-1
            (AccountId(2), AccountId(4), 1.0), // 1 - unclustered
        ]);
        let cluster = |a: AccountId| match a.0 {
            0 | 1 => Some(0),
            2 | 3 => Some(1),
            _ => None,
        };
        assert_eq!(cluster_ties(&g, cluster), vec![tie(0, 1, 2)]);
    }
}
