//! Communities of the coordination graph: Leiden (via the pinned `leiden-rs` crate) behind the
//! small [`CommunityDetector`] trait, connected components as the fallback for tiny graphs, and
//! the [`Clusters`] the rest of the pipeline consumes.

use crate::error::GraphError;
use crate::graph::{CoordinationGraph, modularity};
use leiden_rs::{GraphDataBuilder, Leiden, LeidenConfig, QualityType};
use lockstep_model::AccountId;
use serde::{Deserialize, Serialize};

/// Anything that partitions a graph's nodes. Implementations must be deterministic for equal
/// inputs (the seed is part of the implementation's parameters).
pub trait CommunityDetector {
    /// A short name for reports (`leiden`, `components`).
    fn name(&self) -> &'static str;
    /// One community label per node (`membership[i]` for node `i`), labels dense from 0.
    fn detect(&self, g: &CoordinationGraph) -> Result<Vec<u32>, GraphError>;
}

/// The quality function Leiden optimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// Newman-Girvan modularity (default): parameter-free scale, comparable with `leidenalg`'s
    /// `ModularityVertexPartition`.
    #[default]
    Modularity,
    /// Constant Potts model: resolution is a density threshold; no resolution limit.
    Cpm,
}

/// Leiden with a fixed seed (`leiden-rs`, single-threaded: same result on every machine).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeidenDetector {
    /// Resolution parameter (1.0 for plain modularity).
    pub resolution: f64,
    /// Seed of the node-visiting order.
    pub seed: u64,
    /// Quality function.
    pub quality: Quality,
}

impl Default for LeidenDetector {
    fn default() -> Self {
        LeidenDetector {
            resolution: 1.0,
            seed: 42,
            quality: Quality::Modularity,
        }
    }
}

impl CommunityDetector for LeidenDetector {
    fn name(&self) -> &'static str {
        "leiden"
    }

    fn detect(&self, g: &CoordinationGraph) -> Result<Vec<u32>, GraphError> {
        let n = g.node_count();
        if n == 0 {
            return Ok(Vec::new());
        }
        let err = |e: leiden_rs::LeidenError| GraphError::Detector {
            detector: "leiden",
            message: e.to_string(),
        };
        let mut b = GraphDataBuilder::new(n);
        for &(i, j, w) in &g.edges {
            b.add_edge(i as usize, j as usize, w).map_err(err)?;
        }
        let data = b.build().map_err(err)?;
        let config = LeidenConfig::builder()
            .seed(self.seed)
            .resolution(self.resolution)
            .quality(match self.quality {
                Quality::Modularity => QualityType::Modularity,
                Quality::Cpm => QualityType::CPM,
            })
            .build();
        let out = Leiden::new(config).run(&data).map_err(err)?;
        let raw: Vec<usize> = (0..n).map(|i| out.partition.community_of(i)).collect();
        Ok(relabel(&raw))
    }
}

/// Connected components (union-find). Exact, parameter-free, used for tiny graphs where
/// modularity is meaningless.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConnectedComponents;

impl CommunityDetector for ConnectedComponents {
    fn name(&self) -> &'static str {
        "components"
    }

    fn detect(&self, g: &CoordinationGraph) -> Result<Vec<u32>, GraphError> {
        let n = g.node_count();
        let mut uf = lockstep_model::UnionFind::new(n);
        for &(i, j, _) in &g.edges {
            if i as usize >= n || j as usize >= n {
                return Err(GraphError::BadEdge(i, j, n));
            }
            uf.union(i, j);
        }
        let roots: Vec<usize> = (0..n as u32).map(|i| uf.find(i) as usize).collect();
        Ok(relabel(&roots))
    }
}

/// Relabels arbitrary labels to `0..k` in order of first appearance.
fn relabel(raw: &[usize]) -> Vec<u32> {
    let mut map = hashbrown::HashMap::new();
    raw.iter()
        .map(|&r| {
            let next = map.len() as u32;
            *map.entry(r).or_insert(next)
        })
        .collect()
}

/// Parameters of the clustering step.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterParams {
    /// Leiden resolution.
    pub resolution: f64,
    /// Leiden seed.
    pub seed: u64,
    /// Quality function.
    pub quality: Quality,
    /// Graphs with fewer nodes than this use connected components instead of Leiden.
    pub min_nodes_for_leiden: usize,
    /// Communities smaller than this are not reported as clusters.
    pub min_size: usize,
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams {
            resolution: 1.0,
            seed: 42,
            quality: Quality::Modularity,
            min_nodes_for_leiden: 12,
            min_size: 2,
        }
    }
}

/// The clusters found: who is in which, in a stable order (largest first, ties by smallest
/// account id), numbered from 0.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clusters {
    /// Per account (indexed by `AccountId`): its cluster, if any.
    pub membership: Vec<Option<u32>>,
    /// Members of each cluster, sorted by account id.
    pub members: Vec<Vec<AccountId>>,
    /// Which detector produced them.
    pub method: &'static str,
    /// Modularity (resolution 1) of the partition on the coordination graph.
    pub modularity: f64,
}

impl Clusters {
    /// Number of clusters.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when no cluster was found.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Accounts in any cluster.
    pub fn clustered_accounts(&self) -> usize {
        self.members.iter().map(Vec::len).sum()
    }

    /// The cluster of an account.
    pub fn of(&self, a: AccountId) -> Option<u32> {
        self.membership.get(a.idx()).copied().flatten()
    }
}

/// Partitions the coordination graph with `detector` and turns the node labels into [`Clusters`]
/// over `n_accounts` accounts.
pub fn clusters_with(
    g: &CoordinationGraph,
    detector: &dyn CommunityDetector,
    n_accounts: usize,
    min_size: usize,
) -> Result<Clusters, GraphError> {
    let labels = detector.detect(g)?;
    let q = modularity(g, &labels, 1.0);
    let k = labels.iter().copied().max().map_or(0, |m| m as usize + 1);
    let mut groups: Vec<Vec<AccountId>> = vec![Vec::new(); k];
    for (i, &l) in labels.iter().enumerate() {
        groups[l as usize].push(g.nodes[i]);
    }
    groups.retain(|m| m.len() >= min_size.max(1));
    for m in &mut groups {
        m.sort_unstable();
    }
    groups.sort_by(|x, y| y.len().cmp(&x.len()).then(x[0].cmp(&y[0])));
    let n = n_accounts.max(g.nodes.iter().map(|a| a.idx() + 1).max().unwrap_or(0));
    let mut membership = vec![None; n];
    for (c, m) in groups.iter().enumerate() {
        for a in m {
            membership[a.idx()] = Some(c as u32);
        }
    }
    Ok(Clusters {
        membership,
        members: groups,
        method: detector.name(),
        modularity: q,
    })
}

/// The default clustering: Leiden, or connected components when the graph has fewer than
/// `params.min_nodes_for_leiden` nodes.
pub fn find_clusters(
    g: &CoordinationGraph,
    n_accounts: usize,
    params: &ClusterParams,
) -> Result<Clusters, GraphError> {
    if g.node_count() < params.min_nodes_for_leiden {
        clusters_with(g, &ConnectedComponents, n_accounts, params.min_size)
    } else {
        let leiden = LeidenDetector {
            resolution: params.resolution,
            seed: params.seed,
            quality: params.quality,
        };
        clusters_with(g, &leiden, n_accounts, params.min_size)
    }
}

/// After communities were found on the peer graph ([`CoordinationGraph::for_communities`]),
/// attaches each account that is a node of the `full` graph but not of the `peer` graph (its
/// significant pairs are all amplify-only) to the cluster holding the largest total weight of its
/// significant pairs (ties: the smaller cluster id); accounts with no clustered partner stay out.
/// The partition of the peer graph is not changed (a patron no longer merges the cells that boost
/// it), but a patron or an amplifier whose only evidence is amplification still ends up next to
/// the network it is tied to, where the verdict stage gives it its `patron` / `amplifier` role.
/// Cluster ids and order do not change. Returns the number of accounts attached.
pub fn attach_amplify_only(
    clusters: &mut Clusters,
    full: &CoordinationGraph,
    peer: &CoordinationGraph,
) -> usize {
    let in_peer: hashbrown::HashSet<AccountId> = peer.nodes.iter().copied().collect();
    let mut best: hashbrown::HashMap<AccountId, hashbrown::HashMap<u32, f64>> =
        hashbrown::HashMap::new();
    for &(i, j, w) in &full.edges {
        let (a, b) = (full.nodes[i as usize], full.nodes[j as usize]);
        for (x, y) in [(a, b), (b, a)] {
            if !in_peer.contains(&x)
                && clusters.of(x).is_none()
                && let Some(c) = clusters.of(y)
            {
                *best.entry(x).or_default().entry(c).or_default() += w;
            }
        }
    }
    let mut attach: Vec<(AccountId, u32)> = best
        .into_iter()
        .filter_map(|(a, m)| {
            m.into_iter()
                .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)))
                .map(|(c, _)| (a, c))
        })
        .collect();
    attach.sort_unstable();
    for &(a, c) in &attach {
        if clusters.membership.len() <= a.idx() {
            clusters.membership.resize(a.idx() + 1, None);
        }
        clusters.membership[a.idx()] = Some(c);
        let m = &mut clusters.members[c as usize];
        let pos = m.partition_point(|&x| x < a);
        m.insert(pos, a);
    }
    attach.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amplify_only_accounts_attach_to_their_strongest_cluster() {
        let a = AccountId;
        // Peer graph: two triangles {1,2,3} and {10,11,12}. Full graph adds 50 (tied to both, more
        // to the second) and 60 (tied only to the unclustered 61).
        let tri = |x: u32| {
            vec![
                (a(x), a(x + 1), 5.0),
                (a(x), a(x + 2), 5.0),
                (a(x + 1), a(x + 2), 5.0),
            ]
        };
        let mut peer_edges = tri(1);
        peer_edges.extend(tri(10));
        let peer = CoordinationGraph::from_edges(peer_edges.clone());
        let mut full_edges = peer_edges;
        full_edges.extend([
            (a(1), a(50), 3.0),
            (a(10), a(50), 2.0),
            (a(11), a(50), 2.0),
            (a(60), a(61), 9.0),
        ]);
        let full = CoordinationGraph::from_edges(full_edges);
        let mut c = clusters_with(&peer, &ConnectedComponents, 70, 2).expect("ok");
        assert_eq!(attach_amplify_only(&mut c, &full, &peer), 1);
        let second = c.of(a(10)).expect("clustered");
        assert_eq!(c.of(a(50)), Some(second));
        assert!(c.members[second as usize].contains(&a(50)));
        assert!(c.members[second as usize].windows(2).all(|w| w[0] < w[1]));
        assert_eq!(c.of(a(60)), None);
        assert_eq!(c.clustered_accounts(), 7);
    }

    /// `k` cliques of `size` nodes, neighbouring cliques joined by one weak edge.
    pub(crate) fn ring_of_cliques(k: u32, size: u32) -> CoordinationGraph {
        let mut e = Vec::new();
        for c in 0..k {
            let base = c * size;
            for i in 0..size {
                for j in i + 1..size {
                    e.push((AccountId(base + i), AccountId(base + j), 5.0));
                }
            }
            let next = ((c + 1) % k) * size;
            e.push((AccountId(base), AccountId(next + 1), 0.5));
        }
        CoordinationGraph::from_edges(e)
    }

    #[test]
    fn leiden_finds_cliques_deterministically() {
        let g = ring_of_cliques(8, 6);
        let d = LeidenDetector::default();
        let a = d.detect(&g).expect("leiden runs");
        let b = d.detect(&g).expect("leiden runs");
        assert_eq!(a, b);
        let c = clusters_with(&g, &d, 48, 2).expect("ok");
        assert_eq!(c.len(), 8);
        for m in &c.members {
            assert_eq!(m.len(), 6);
            assert_eq!(m[0].0 / 6, m[5].0 / 6, "{m:?}");
        }
        assert!(c.modularity > 0.8);
    }

    #[test]
    fn components_fallback_and_min_size() {
        let g = CoordinationGraph::from_edges([
            (AccountId(1), AccountId(2), 1.0),
            (AccountId(2), AccountId(3), 1.0),
            (AccountId(7), AccountId(9), 1.0),
        ]);
        let c = find_clusters(&g, 12, &ClusterParams::default()).expect("ok");
        assert_eq!(c.method, "components");
        assert_eq!(
            c.members,
            vec![
                vec![AccountId(1), AccountId(2), AccountId(3)],
                vec![AccountId(7), AccountId(9)]
            ]
        );
        assert_eq!(c.of(AccountId(9)), Some(1));
        assert_eq!(c.of(AccountId(4)), None);
        assert_eq!(c.membership.len(), 12);
        let c3 = clusters_with(&g, &ConnectedComponents, 12, 3).expect("ok");
        assert_eq!(c3.len(), 1);
        assert_eq!(c3.clustered_accounts(), 3);
    }
}
