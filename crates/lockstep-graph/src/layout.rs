//! Force-directed layout (Fruchterman-Reingold with a grid for repulsion) for the report's network
//! picture: deterministic for a seed, `O(iterations * (nodes + edges))` on spread-out graphs.
//!
//! The simulation moves at most [`LAYOUT_MAX_NODES`] nodes: on a larger graph a seeded uniform
//! sample of that many nodes is laid out with the edges among them, and every other node is
//! placed, breadth first from the sample, at the mean position of its already placed neighbours
//! (plus a small seeded offset). Dense clusters crowd into few grid cells, so the simulation alone
//! grows quadratically with the cluster size; bounded this way the layout costs a constant
//! simulation plus one `O(nodes + edges)` pass (the report draws at most 2,500 nodes anyway).

use crate::graph::CoordinationGraph;
use hashbrown::HashMap;

/// A small seeded generator (SplitMix64) for the initial positions.
fn splitmix(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

/// Most nodes the force simulation of [`layout`] moves; the others are placed from their
/// neighbours (module documentation).
pub const LAYOUT_MAX_NODES: usize = 3_000;

/// Node positions in `[-1, 1]^2`, one per node of `g` (same order as `g.nodes`). Edge weights pull
/// with `log(1 + w)` so that a `-log10 p` of 300 does not collapse its pair onto one point.
/// Bounded by [`LAYOUT_MAX_NODES`] simulated nodes ([`layout_bounded`]).
pub fn layout(g: &CoordinationGraph, seed: u64) -> Vec<(f32, f32)> {
    layout_bounded(g, seed, LAYOUT_MAX_NODES)
}

/// [`layout`] simulating at most `max_nodes` nodes (at least 2). A graph of at most `max_nodes`
/// nodes gets the full simulation; a larger one a seeded uniform sample of `max_nodes` nodes,
/// the rest placed breadth first at the mean of their placed neighbours plus a seeded offset of
/// at most a fifth of the sample's ideal edge length (a component without a sampled node starts
/// at a seeded random point).
pub fn layout_bounded(g: &CoordinationGraph, seed: u64, max_nodes: usize) -> Vec<(f32, f32)> {
    let n = g.node_count();
    let max_nodes = max_nodes.max(2);
    if n <= max_nodes {
        return force_layout(n, &g.edges, seed);
    }
    // Seeded uniform sample: the `max_nodes` nodes with the smallest hash of (seed, index).
    let mut st = seed ^ 0x5a3b_1e5d;
    let mut keyed: Vec<(u64, u32)> = (0..n as u32)
        .map(|i| {
            let mut h = st ^ u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            ((splitmix(&mut h) * (1u64 << 53) as f64) as u64, i)
        })
        .collect();
    keyed.select_nth_unstable(max_nodes - 1);
    keyed.truncate(max_nodes);
    keyed.sort_unstable_by_key(|&(_, i)| i);
    let mut sub_index = vec![u32::MAX; n];
    for (k, &(_, i)) in keyed.iter().enumerate() {
        sub_index[i as usize] = k as u32;
    }
    let sub_edges: Vec<(u32, u32, f64)> = g
        .edges
        .iter()
        .filter_map(|&(i, j, w)| {
            let (a, b) = (sub_index[i as usize], sub_index[j as usize]);
            (a != u32::MAX && b != u32::MAX).then_some((a.min(b), a.max(b), w))
        })
        .collect();
    let sub = force_layout(max_nodes, &sub_edges, seed);
    let mut pos: Vec<Option<(f32, f32)>> = vec![None; n];
    for (k, &(_, i)) in keyed.iter().enumerate() {
        pos[i as usize] = Some(sub[k]);
    }
    // The rest, breadth first from the placed nodes: each layer at the mean of its placed
    // neighbours (placed in earlier layers), plus a small seeded offset.
    let jitter = 0.2 * (4.0 / max_nodes as f64).sqrt();
    let (offsets, adj) = g.adjacency();
    let mut frontier: Vec<u32> = keyed.iter().map(|&(_, i)| i).collect();
    let mut queued = vec![false; n];
    for &i in &frontier {
        queued[i as usize] = true;
    }
    let mut next_unplaced = 0usize;
    loop {
        // Unplaced neighbours of the frontier form the next layer.
        let mut layer: Vec<u32> = Vec::new();
        for &i in &frontier {
            for &(j, _) in &adj[offsets[i as usize]..offsets[i as usize + 1]] {
                if !queued[j as usize] {
                    queued[j as usize] = true;
                    layer.push(j);
                }
            }
        }
        if layer.is_empty() {
            // A component with no placed node: start it at a seeded random point.
            while next_unplaced < n && queued[next_unplaced] {
                next_unplaced += 1;
            }
            if next_unplaced == n {
                break;
            }
            let i = next_unplaced;
            queued[i] = true;
            pos[i] = Some((
                (splitmix(&mut st) * 1.8 - 0.9) as f32,
                (splitmix(&mut st) * 1.8 - 0.9) as f32,
            ));
            frontier = vec![i as u32];
            continue;
        }
        let placed: Vec<(f32, f32)> = layer
            .iter()
            .map(|&j| {
                let (mut sx, mut sy, mut c) = (0.0f64, 0.0f64, 0u32);
                for &(k, _) in &adj[offsets[j as usize]..offsets[j as usize + 1]] {
                    if let Some((x, y)) = pos[k as usize] {
                        sx += f64::from(x);
                        sy += f64::from(y);
                        c += 1;
                    }
                }
                let c = f64::from(c.max(1));
                let (jx, jy) = (splitmix(&mut st) * 2.0 - 1.0, splitmix(&mut st) * 2.0 - 1.0);
                (
                    (sx / c + jx * jitter).clamp(-1.0, 1.0) as f32,
                    (sy / c + jy * jitter).clamp(-1.0, 1.0) as f32,
                )
            })
            .collect();
        for (&j, p) in layer.iter().zip(placed) {
            pos[j as usize] = Some(p);
        }
        frontier = layer;
    }
    pos.into_iter().map(|p| p.unwrap_or((0.0, 0.0))).collect()
}

/// The force simulation of `n` nodes joined by `edges` (`(i, j, weight)`, `i < j`), unbounded:
/// positions in `[-1, 1]^2`, deterministic for a seed. [`layout_bounded`] calls it on at most its
/// `max_nodes`; the report calls it directly on the at most 2,500 accounts it draws when the
/// pipeline hands in no positions (a disclosure dataset).
pub fn force_layout(n: usize, edges: &[(u32, u32, f64)], seed: u64) -> Vec<(f32, f32)> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(0.0, 0.0)];
    }
    let mut st = seed ^ 0x5eed_1a70;
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|_| (splitmix(&mut st) * 2.0 - 1.0, splitmix(&mut st) * 2.0 - 1.0))
        .collect();
    let k = (4.0 / n as f64).sqrt(); // ideal distance in a 2x2 box
    let iterations = if n <= 2_000 { 300 } else { 100 };
    let mut temp = 0.2;
    let cool = temp / iterations as f64;
    let mut disp = vec![(0.0f64, 0.0f64); n];
    let cell = 2.0 * k;
    for _ in 0..iterations {
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        // Repulsion between nodes in neighbouring grid cells only (cutoff 2k).
        let mut grid: HashMap<(i64, i64), Vec<u32>> = HashMap::new();
        for (i, &(x, y)) in pos.iter().enumerate() {
            grid.entry(((x / cell).floor() as i64, (y / cell).floor() as i64))
                .or_default()
                .push(i as u32);
        }
        for (i, &(x, y)) in pos.iter().enumerate() {
            let (cx, cy) = ((x / cell).floor() as i64, (y / cell).floor() as i64);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    let Some(list) = grid.get(&(cx + dx, cy + dy)) else {
                        continue;
                    };
                    for &j in list {
                        let j = j as usize;
                        if j == i {
                            continue;
                        }
                        let (ddx, ddy) = (x - pos[j].0, y - pos[j].1);
                        let d2 = (ddx * ddx + ddy * ddy).max(1e-9);
                        if d2 > cell * cell {
                            continue;
                        }
                        let f = k * k / d2;
                        disp[i].0 += ddx * f;
                        disp[i].1 += ddy * f;
                    }
                }
            }
        }
        // Attraction along edges.
        for &(i, j, w) in edges {
            let (i, j) = (i as usize, j as usize);
            let (dx, dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-9);
            let f = d / k * (1.0 + w).ln().max(0.1);
            let (fx, fy) = (dx / d * f * d, dy / d * f * d);
            disp[i].0 -= fx;
            disp[i].1 -= fy;
            disp[j].0 += fx;
            disp[j].1 += fy;
        }
        // Gravity keeps components on screen; move limited by the temperature.
        for (p, d) in pos.iter_mut().zip(&disp) {
            let (gx, gy) = (-p.0 * 0.05, -p.1 * 0.05);
            let (dx, dy) = (d.0 + gx, d.1 + gy);
            let len = (dx * dx + dy * dy).sqrt().max(1e-12);
            let step = len.min(temp);
            p.0 += dx / len * step;
            p.1 += dy / len * step;
        }
        temp = (temp - cool).max(0.002);
    }
    // Normalise into [-1, 1].
    let (mut minx, mut maxx, mut miny, mut maxy) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in &pos {
        minx = minx.min(x);
        maxx = maxx.max(x);
        miny = miny.min(y);
        maxy = maxy.max(y);
    }
    let span = (maxx - minx).max(maxy - miny).max(1e-9);
    pos.iter()
        .map(|&(x, y)| {
            (
                ((x - (minx + maxx) / 2.0) * 2.0 / span) as f32,
                ((y - (miny + maxy) / 2.0) * 2.0 / span) as f32,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::AccountId;

    fn dist(a: (f32, f32), b: (f32, f32)) -> f32 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }

    #[test]
    fn clusters_end_up_apart_and_deterministic() {
        // Two 5-cliques joined by one edge.
        let mut e = Vec::new();
        for base in [0u32, 5] {
            for i in 0..5 {
                for j in i + 1..5 {
                    e.push((AccountId(base + i), AccountId(base + j), 10.0));
                }
            }
        }
        e.push((AccountId(0), AccountId(5), 1.0));
        let g = CoordinationGraph::from_edges(e);
        let p = layout(&g, 1);
        assert_eq!(p, layout(&g, 1));
        assert_eq!(p.len(), 10);
        assert!(
            p.iter()
                .all(|&(x, y)| (-1.0..=1.0).contains(&x) && (-1.0..=1.0).contains(&y))
        );
        let mut within = 0.0;
        let mut across = 0.0;
        for i in 0..10 {
            for j in i + 1..10 {
                if (i < 5) == (j < 5) {
                    within += dist(p[i], p[j]) / 20.0;
                } else {
                    across += dist(p[i], p[j]) / 25.0;
                }
            }
        }
        assert!(across > 1.5 * within, "within {within} across {across}");
    }

    /// `clusters` cliques of `size` nodes, consecutive cliques joined by one weak edge.
    fn cliques(clusters: u32, size: u32) -> CoordinationGraph {
        let mut e = Vec::new();
        for c in 0..clusters {
            let base = c * size;
            for i in 0..size {
                for j in i + 1..size {
                    e.push((AccountId(base + i), AccountId(base + j), 5.0));
                }
            }
            if c > 0 {
                e.push((AccountId(base - 1), AccountId(base), 0.5));
            }
        }
        CoordinationGraph::from_edges(e)
    }

    #[test]
    fn small_graphs_get_the_full_simulation() {
        let g = cliques(3, 6);
        assert_eq!(layout(&g, 3), layout_bounded(&g, 3, 18));
    }

    #[test]
    fn bounded_layout_places_every_node_and_keeps_clusters_apart() {
        // 12 cliques of 60 nodes (720 nodes), at most 200 simulated, plus an isolated pair
        // (its own component, likely unsampled).
        let mut g = cliques(12, 60);
        let extra = g.nodes.len() as u32;
        g.nodes.push(AccountId(10_000));
        g.nodes.push(AccountId(10_001));
        g.edges.push((extra, extra + 1, 3.0));
        let p = layout_bounded(&g, 9, 200);
        assert_eq!(p, layout_bounded(&g, 9, 200));
        assert_eq!(p.len(), 722);
        assert!(p.iter().all(|&(x, y)| x.is_finite()
            && y.is_finite()
            && (-1.0..=1.0).contains(&x)
            && (-1.0..=1.0).contains(&y)));
        // Mean distance inside a clique well below the mean distance between cliques.
        let (mut within, mut nw, mut across, mut na) = (0.0f64, 0u32, 0.0f64, 0u32);
        for i in (0..720).step_by(7) {
            for j in (i + 1..720).step_by(5) {
                let d = f64::from(dist(p[i], p[j]));
                if i / 60 == j / 60 {
                    within += d;
                    nw += 1;
                } else {
                    across += d;
                    na += 1;
                }
            }
        }
        let (within, across) = (within / f64::from(nw), across / f64::from(na));
        assert!(across > 2.0 * within, "within {within} across {across}");
        // A different seed gives a different sample, hence a different picture.
        assert_ne!(p, layout_bounded(&g, 10, 200));
    }
}
