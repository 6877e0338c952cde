//! Force-directed layout (Fruchterman-Reingold with a grid for repulsion) for the report's network
//! picture: deterministic for a seed, `O(iterations * (nodes + edges))` on spread-out graphs.

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

/// Node positions in `[-1, 1]^2`, one per node of `g` (same order as `g.nodes`). Edge weights pull
/// with `log(1 + w)` so that a `-log10 p` of 300 does not collapse its pair onto one point.
pub fn layout(g: &CoordinationGraph, seed: u64) -> Vec<(f32, f32)> {
    let n = g.node_count();
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
        for &(i, j, w) in &g.edges {
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
}
