//! A deterministic Fruchterman–Reingold force layout for the network picture.
//!
//! Repulsion uses the grid variant of the original paper (only nodes in neighbouring cells of size
//! `2k` repel), so one iteration is near-linear in the node count; attraction follows edges,
//! weighted by `ln(1 + weight)`. Start positions come from a fixed-seed xorshift generator, with
//! each group (cluster) started around its own point on a circle so clusters separate quickly.
//! Same input, same output: the report is reproducible byte for byte.

use hashbrown::HashMap;

/// Pull towards the centre, relative to the optimal distance `k`: keeps separate clusters
/// close enough that the picture is not mostly empty space.
const GRAVITY: f32 = 4.0;

/// A tiny deterministic generator (xorshift64*); not for anything but start positions.
struct XorShift(u64);

impl XorShift {
    fn next_f32(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let v = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        (v >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// Positions in the unit square for `n` nodes joined by `edges` (`(i, j, weight)`), nodes of the
/// same `group` started together. `groups.len()` must be `n` (missing entries count as no group).
pub fn force_layout(
    n: usize,
    edges: &[(u32, u32, f32)],
    groups: &[Option<u32>],
    iterations: usize,
    seed: u64,
) -> Vec<(f32, f32)> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(0.5, 0.5)];
    }
    let mut rng = XorShift(seed | 1);
    // Start: groups on a circle, ungrouped nodes spread over the square.
    let mut group_index: HashMap<u32, usize> = HashMap::new();
    for g in groups.iter().flatten() {
        let next = group_index.len();
        group_index.entry(*g).or_insert(next);
    }
    let ng = group_index.len().max(1) as f32;
    let mut pos: Vec<(f32, f32)> = (0..n)
        .map(|i| {
            let (jx, jy) = (rng.next_f32() - 0.5, rng.next_f32() - 0.5);
            match groups
                .get(i)
                .copied()
                .flatten()
                .and_then(|g| group_index.get(&g))
            {
                Some(&gi) => {
                    let a = gi as f32 / ng * std::f32::consts::TAU;
                    (
                        0.5 + 0.3 * a.cos() + 0.15 * jx,
                        0.5 + 0.3 * a.sin() + 0.15 * jy,
                    )
                }
                None => (0.5 + jx, 0.5 + jy),
            }
        })
        .collect();
    let k = (1.0 / n as f32).sqrt();
    let cell = 2.0 * k;
    let weights: Vec<(usize, usize, f32)> = edges
        .iter()
        .filter(|(a, b, _)| (*a as usize) < n && (*b as usize) < n && a != b)
        .map(|&(a, b, w)| (a as usize, b as usize, (1.0 + w.max(0.0)).ln().max(0.1)))
        .collect();
    let mut disp = vec![(0.0f32, 0.0f32); n];
    let mut grid: HashMap<(i32, i32), Vec<usize>> = HashMap::new();
    let mut temp = 0.1f32;
    let cool = temp / (iterations.max(1) as f32 + 1.0);
    for _ in 0..iterations {
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        grid.values_mut().for_each(Vec::clear);
        for (i, &(x, y)) in pos.iter().enumerate() {
            grid.entry(((x / cell).floor() as i32, (y / cell).floor() as i32))
                .or_default()
                .push(i);
        }
        for (i, &(x, y)) in pos.iter().enumerate() {
            let (cx, cy) = ((x / cell).floor() as i32, (y / cell).floor() as i32);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    let Some(members) = grid.get(&(cx + dx, cy + dy)) else {
                        continue;
                    };
                    for &j in members {
                        if j == i {
                            continue;
                        }
                        let (ddx, ddy) = (x - pos[j].0, y - pos[j].1);
                        let d2 = (ddx * ddx + ddy * ddy).max(1e-9);
                        let d = d2.sqrt();
                        if d < cell {
                            let f = k * k / d;
                            disp[i].0 += ddx / d * f;
                            disp[i].1 += ddy / d * f;
                        }
                    }
                }
            }
        }
        for &(a, b, w) in &weights {
            let (ddx, ddy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (ddx * ddx + ddy * ddy).sqrt().max(1e-6);
            let f = d * d / k * w;
            disp[a].0 -= ddx / d * f;
            disp[a].1 -= ddy / d * f;
            disp[b].0 += ddx / d * f;
            disp[b].1 += ddy / d * f;
        }
        for (p, d) in pos.iter_mut().zip(&disp) {
            // Weak gravity towards the centre keeps disconnected parts on the canvas.
            let (gx, gy) = (0.5 - p.0, 0.5 - p.1);
            let (dx, dy) = (d.0 + gx * k * GRAVITY, d.1 + gy * k * GRAVITY);
            let len = (dx * dx + dy * dy).sqrt().max(1e-9);
            let step = len.min(temp);
            p.0 += dx / len * step;
            p.1 += dy / len * step;
        }
        temp = (temp - cool).max(0.002);
    }
    normalise(&mut pos);
    pos
}

/// Scales positions to fill `[0.02, 0.98]²`, keeping the aspect ratio.
fn normalise(pos: &mut [(f32, f32)]) {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in pos.iter() {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let span = (x1 - x0).max(y1 - y0).max(1e-6);
    let (ox, oy) = ((span - (x1 - x0)) / 2.0, (span - (y1 - y0)) / 2.0);
    for p in pos.iter_mut() {
        p.0 = 0.02 + 0.96 * (p.0 - x0 + ox) / span;
        p.1 = 0.02 + 0.96 * (p.1 - y0 + oy) / span;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(a: (f32, f32), b: (f32, f32)) -> f32 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }

    #[test]
    fn deterministic_and_in_range() {
        let edges = [(0, 1, 3.0), (1, 2, 1.0), (3, 4, 2.0)];
        let groups = [Some(1), Some(1), Some(1), Some(2), Some(2), None];
        let a = force_layout(6, &edges, &groups, 100, 7);
        let b = force_layout(6, &edges, &groups, 100, 7);
        assert_eq!(a, b);
        assert!(
            a.iter()
                .all(|&(x, y)| (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y))
        );
    }

    #[test]
    fn two_cliques_separate() {
        // Two 10-cliques joined by nothing: mean intra-clique distance must be well below the
        // mean inter-clique distance.
        let mut edges = Vec::new();
        for base in [0u32, 10] {
            for i in 0..10 {
                for j in i + 1..10 {
                    edges.push((base + i, base + j, 1.0));
                }
            }
        }
        let groups: Vec<Option<u32>> = (0..20).map(|i| Some(i / 10)).collect();
        let p = force_layout(20, &edges, &groups, 200, 1);
        let (mut intra, mut inter, mut ni, mut ne) = (0.0, 0.0, 0, 0);
        for i in 0..20 {
            for j in i + 1..20 {
                if i / 10 == j / 10 {
                    intra += dist(p[i], p[j]);
                    ni += 1;
                } else {
                    inter += dist(p[i], p[j]);
                    ne += 1;
                }
            }
        }
        assert!(
            intra / ni as f32 * 2.0 < inter / ne as f32,
            "{intra} {inter}"
        );
    }
}
