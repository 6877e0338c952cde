//! The fused coordination graph: one node per account with at least one significant pair, one
//! undirected edge per significant pair weighted by `-log10 p` (DESIGN §7).

use hashbrown::HashMap;
use lockstep_model::AccountId;
use lockstep_stats::SignificanceResult;

/// An undirected weighted graph over accounts, nodes numbered densely in first-seen order of the
/// sorted edge list (so equal inputs give equal numbering).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CoordinationGraph {
    /// Node `i` is account `nodes[i]`.
    pub nodes: Vec<AccountId>,
    /// Edges `(i, j, weight)` with `i < j` node indices, sorted, no duplicates.
    pub edges: Vec<(u32, u32, f64)>,
}

impl CoordinationGraph {
    /// Builds the graph from `(account, account, weight)` triples. Self-loops and non-positive or
    /// non-finite weights are dropped; duplicate pairs keep the largest weight. Nodes are the
    /// accounts in ascending id order.
    pub fn from_edges(edges: impl IntoIterator<Item = (AccountId, AccountId, f64)>) -> Self {
        let mut list: Vec<(AccountId, AccountId, f64)> = edges
            .into_iter()
            .filter(|(a, b, w)| a != b && w.is_finite() && *w > 0.0)
            .map(|(a, b, w)| if a < b { (a, b, w) } else { (b, a, w) })
            .collect();
        list.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)).then(y.2.total_cmp(&x.2)));
        list.dedup_by_key(|e| (e.0, e.1));
        let mut nodes: Vec<AccountId> = list.iter().flat_map(|e| [e.0, e.1]).collect();
        nodes.sort_unstable();
        nodes.dedup();
        let index: HashMap<AccountId, u32> = nodes
            .iter()
            .enumerate()
            .map(|(i, &a)| (a, i as u32))
            .collect();
        let edges = list
            .iter()
            .map(|&(a, b, w)| (index[&a], index[&b], w))
            .collect();
        CoordinationGraph { nodes, edges }
    }

    /// The coordination graph of a significance result: its pairs with `q <= fdr`, weighted
    /// `-log10 p` (the fused p-value).
    pub fn from_significance(sig: &SignificanceResult) -> Self {
        Self::from_edges(
            sig.significant()
                .iter()
                .map(|p| (p.a, p.b, p.weight().max(f64::MIN_POSITIVE))),
        )
    }

    /// The graph communities are found on: the significant pairs with evidence in at least one
    /// undirected (peer co-action) layer, weighted `-log10 p`. Pairs significant only through a
    /// directed layer (`amplify`: one account reposting the other's posts) are left out, because
    /// being amplified is not something the author does: a patron (state media, a persona, a
    /// genuinely popular account, or a target smeared on purpose) is linked to every network that
    /// boosts it, and as a hub it merges those networks with each other and with itself. Those
    /// pairs stay in [`Self::from_significance`], in `edges.csv` and in the verdicts' evidence
    /// (roles `patron` / `amplifier`). See `docs/clusters.md`.
    pub fn for_communities(sig: &SignificanceResult) -> Self {
        // Bit i of a pair's `layers` is input layer i; layers past bit 31 are not recorded, so a
        // pair whose mask is empty (evidence only there) is kept rather than guessed at.
        let directed: u32 = sig
            .layers
            .iter()
            .enumerate()
            .filter(|(i, l)| *i < 32 && l.layer.is_directed())
            .fold(0, |m, (i, _)| m | 1 << i);
        Self::from_edges(
            sig.significant()
                .iter()
                .filter(|p| p.layers == 0 || p.layers & !directed != 0)
                .map(|p| (p.a, p.b, p.weight().max(f64::MIN_POSITIVE))),
        )
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Compressed adjacency: `offsets[i]..offsets[i+1]` indexes `(neighbour, weight)` of node `i`.
    pub fn adjacency(&self) -> (Vec<usize>, Vec<(u32, f64)>) {
        let n = self.nodes.len();
        let mut deg = vec![0usize; n + 1];
        for &(i, j, _) in &self.edges {
            deg[i as usize + 1] += 1;
            deg[j as usize + 1] += 1;
        }
        for i in 0..n {
            deg[i + 1] += deg[i];
        }
        let mut fill = deg.clone();
        let mut adj = vec![(0u32, 0f64); deg[n]];
        for &(i, j, w) in &self.edges {
            adj[fill[i as usize]] = (j, w);
            fill[i as usize] += 1;
            adj[fill[j as usize]] = (i, w);
            fill[j as usize] += 1;
        }
        (deg, adj)
    }
}

/// Newman-Girvan modularity with resolution `gamma` of a node membership on a weighted graph:
/// `Q = sum_c [ W_c / W - gamma (K_c / 2W)^2 ]`, `W` the total edge weight, `W_c` the weight inside
/// community `c`, `K_c` the sum of its nodes' strengths. Used to compare detectors (and Python's
/// `leidenalg`) on the same footing.
pub fn modularity(g: &CoordinationGraph, membership: &[u32], gamma: f64) -> f64 {
    let total: f64 = g.edges.iter().map(|e| e.2).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let k = membership
        .iter()
        .copied()
        .max()
        .map_or(0, |m| m as usize + 1);
    let mut inside = vec![0f64; k];
    let mut strength = vec![0f64; k];
    for &(i, j, w) in &g.edges {
        let (ci, cj) = (membership[i as usize], membership[j as usize]);
        if ci == cj {
            inside[ci as usize] += w;
        }
        strength[ci as usize] += w;
        strength[cj as usize] += w;
    }
    inside
        .iter()
        .zip(&strength)
        .map(|(wc, kc)| wc / total - gamma * (kc / (2.0 * total)).powi(2))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_engine::{Edge, Layer, LayerEdges, PairStats, Scale};

    fn layer(layer: Layer, edges: Vec<(u32, u32, u32)>, n: usize) -> LayerEdges {
        LayerEdges {
            layer,
            scale: Scale::Burst,
            window_s: 60,
            edges: edges
                .into_iter()
                .map(|(a, b, w)| Edge {
                    a: AccountId(a),
                    b: AccountId(b),
                    stats: PairStats {
                        weight: w,
                        events: w,
                        ..Default::default()
                    },
                })
                .collect(),
            activity: vec![30; n],
            target_sizes: vec![],
            capped_targets: 0,
            capped_target_ids: vec![],
        }
    }

    #[test]
    fn communities_leave_out_amplify_only_pairs() {
        // Accounts 0..4 repost together (peer evidence); 4..8 amplify author 20's posts; 0 and 20
        // are also linked by text. Background: 300 accounts with scattered weight-1 pairs.
        let n = 400;
        let mut repost = Vec::new();
        for a in 0..4u32 {
            for b in a + 1..4 {
                repost.push((a, b, 25));
            }
        }
        for k in 0..300u32 {
            repost.push((100 + k, 100 + (k * 7 + 3) % 300, 1));
        }
        repost.retain(|e| e.0 < e.1);
        repost.sort_unstable();
        repost.dedup_by_key(|e| (e.0, e.1));
        let amplify: Vec<(u32, u32, u32)> = (4..8u32).map(|b| (20, b, 25)).collect();
        let text = vec![(0u32, 20u32, 25u32)];
        let layers = vec![
            layer(Layer::Repost, repost, n),
            layer(Layer::Amplify, amplify, n),
            layer(Layer::Text, text, n),
        ];
        let sig = lockstep_stats::significance(&layers, &Default::default()).expect("stats");
        let all = CoordinationGraph::from_significance(&sig);
        let peer = CoordinationGraph::for_communities(&sig);
        assert!(all.nodes.contains(&AccountId(5)), "{:?}", all.nodes);
        assert_eq!(all.edge_count(), 6 + 4 + 1);
        // The amplified-only audience (4..8) is gone; the text tie of 0 and 20 stays.
        assert_eq!(
            peer.nodes,
            vec![
                AccountId(0),
                AccountId(1),
                AccountId(2),
                AccountId(3),
                AccountId(20)
            ]
        );
        assert_eq!(peer.edge_count(), 7);
    }

    #[test]
    fn builds_dedups_and_scores() {
        let a = AccountId;
        let g = CoordinationGraph::from_edges([
            (a(10), a(11), 1.0),
            (a(11), a(10), 3.0),
            (a(11), a(12), 1.0),
            (a(10), a(12), 1.0),
            (a(20), a(21), 1.0),
            (a(20), a(20), 5.0),
            (a(21), a(22), f64::NAN),
        ]);
        assert_eq!(g.nodes, vec![a(10), a(11), a(12), a(20), a(21)]);
        assert_eq!(
            g.edges,
            vec![(0, 1, 3.0), (0, 2, 1.0), (1, 2, 1.0), (3, 4, 1.0)]
        );
        let (off, adj) = g.adjacency();
        assert_eq!(off, vec![0, 2, 4, 6, 7, 8]);
        assert_eq!(adj[6], (4, 1.0));
        // Two components as two communities: W = 6, W_1 = 5, W_2 = 1, K_1 = 10, K_2 = 2.
        let q = modularity(&g, &[0, 0, 0, 1, 1], 1.0);
        let expect = 5.0 / 6.0 - (10.0f64 / 12.0).powi(2) + 1.0 / 6.0 - (2.0f64 / 12.0).powi(2);
        assert!((q - expect).abs() < 1e-12);
        // All in one community: Q = 1 - 1 = 0.
        assert!(modularity(&g, &[0; 5], 1.0).abs() < 1e-12);
    }
}
