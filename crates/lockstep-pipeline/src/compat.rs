//! The compatibility semantics as their own runner (docs/semantics.md): `--semantics coortweet`
//! (CooRTweet 2.1 `detect_groups` + `generate_coordinated_network`) and `--semantics qut`
//! (coordination-network-toolkit 1.5.2), each with the other tool's own edge rule, mirrored into
//! the [`LayerRun`] / [`KeptEdge`] shape for the writers; clusters are the connected components of
//! the kept edges. No statistics, communities or verdicts: those belong to the default semantics.

use crate::{
    Cluster, CompatResult, InvestigateConfig, Investigation, KeptEdge, LayerRun, PipelineError,
    Progress,
};
use lockstep_engine::compat::{coortweet, qut};
use lockstep_engine::{Layer, LayerEdges, Scale, WindowError};
use lockstep_model::{AccountId, Dataset, Resolution};
use std::time::Instant;

fn check_window(w: i64, layer: Layer, resolution: Resolution) -> Result<(), PipelineError> {
    if w < resolution.seconds() {
        return Err(WindowError::BelowResolution {
            layer,
            scale: Scale::Burst,
            window_s: w,
            resolution_s: resolution.seconds(),
            resolution: resolution.as_str(),
        }
        .into());
    }
    Ok(())
}

/// Peak bytes per share pair of a `--semantics coortweet` run (the pair list, the pairs' delays
/// kept per account pair, `generate_coordinated_network`'s per-pair content sets and the edges),
/// measured on `gen_coortweet_scale.py --rows 1000000 --seed 1`, window 30 (BENCHMARKS.md).
pub(crate) const COORTWEET_BYTES_PER_PAIR: u64 = 400;

/// `MemAvailable` of `/proc/meminfo` in bytes (`None` where there is no such file).
pub(crate) fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Refuses a run whose estimated peak (`pairs * bytes_per_pair`) is above 90% of `available`.
pub(crate) fn check_fits(
    mode: &'static str,
    pairs: u64,
    bytes_per_pair: u64,
    available: Option<u64>,
) -> Result<(), PipelineError> {
    let estimate_bytes = pairs.saturating_mul(bytes_per_pair);
    match available {
        Some(available_bytes) if estimate_bytes > available_bytes / 10 * 9 => {
            Err(PipelineError::WouldNotFit {
                mode,
                pairs,
                estimate_bytes,
                available_bytes,
            })
        }
        _ => Ok(()),
    }
}

pub(crate) fn run_coortweet(
    ds: &Dataset,
    params: &InvestigateConfig,
    shares: Option<coortweet::Shares>,
    inv: &mut Investigation,
    progress: &dyn Progress,
) -> Result<(), PipelineError> {
    let w = params.compat_window();
    check_window(w, Layer::Repost, inv.resolution)?;
    progress.begin("coortweet", 1);
    let t = Instant::now();
    let shares = shares.unwrap_or_else(|| coortweet::Shares::from_dataset(ds));
    // Stop before listing pairs that cannot fit (the run would be killed by the kernel).
    let bound = coortweet::count_window_pairs(&shares, w, params.engine.min_participation);
    check_fits(
        "coortweet",
        bound,
        COORTWEET_BYTES_PER_PAIR,
        available_memory(),
    )?;
    let pairs = coortweet::detect_groups(&shares, w, params.engine.min_participation);
    let net = coortweet::coordinated_network(&shares, &pairs, params.engine.edge_weight);
    inv.timings
        .push(("coortweet".into(), t.elapsed().as_secs_f64()));
    // Mirror into the Lockstep edge shape: weight = share pairs; kept = weight_threshold edges.
    let mut dts: std::collections::HashMap<(u32, u32), Vec<u32>> = Default::default();
    let acct = |i: u32| -> Option<AccountId> {
        ds.account_by_external(shares.strings.resolve(shares.account[i as usize]))
    };
    let mut edges = Vec::new();
    let mut keep = Vec::new();
    for p in &pairs {
        let (Some(a), Some(b)) = (acct(p.older), acct(p.newer)) else {
            continue;
        };
        dts.entry((a.0.min(b.0), a.0.max(b.0)))
            .or_default()
            .push(p.time_delta as u32);
    }
    for e in &net {
        let (Some(a), Some(b)) = (
            ds.account_by_external(shares.strings.resolve(e.a)),
            ds.account_by_external(shares.strings.resolve(e.b)),
        ) else {
            continue;
        };
        let (a, b) = (a.min(b), a.max(b));
        let mut d = dts.remove(&(a.0, b.0)).unwrap_or_default();
        d.sort_unstable();
        let (c, cy) = (e.n_content_id, e.n_content_id_y);
        if e.weight_threshold {
            keep.push(edges.len());
        }
        edges.push(lockstep_engine::Edge {
            a,
            b,
            stats: lockstep_engine::PairStats {
                weight: e.weight,
                events: e.weight,
                median_dt_s: lockstep_engine::sample::median_sorted(&d),
                lead: 0,
                follow: 0,
                symmetry: c.min(cy) as f32 / c.max(cy).max(1) as f32,
            },
        });
    }
    let order = {
        let mut o: Vec<usize> = (0..edges.len()).collect();
        o.sort_by_key(|&i| (edges[i].a, edges[i].b));
        o
    };
    let rank: Vec<usize> = {
        let mut r = vec![0; edges.len()];
        for (pos, &i) in order.iter().enumerate() {
            r[i] = pos;
        }
        r
    };
    let sorted: Vec<lockstep_engine::Edge> = order.iter().map(|&i| edges[i]).collect();
    for i in keep {
        inv.kept.push(KeptEdge {
            run: 0,
            edge: rank[i] as u32,
            p_value: None,
            q_value: None,
        });
    }
    inv.kept.sort_by_key(|k| k.edge);
    inv.runs.push(LayerRun {
        trace_events: shares.len() as u64,
        trace_targets: 0,
        edges: LayerEdges {
            layer: Layer::Repost,
            scale: Scale::Burst,
            window_s: w,
            edges: sorted,
            activity: vec![0; ds.accounts.len()],
            target_sizes: Vec::new(),
            capped_targets: 0,
            capped_target_ids: Vec::new(),
        },
        seconds: t.elapsed().as_secs_f64(),
    });
    inv.compat = Some(CompatResult::Coortweet {
        shares,
        pairs,
        edges: net,
    });
    progress.end();
    Ok(())
}

pub(crate) fn run_qut(
    ds: &Dataset,
    params: &InvestigateConfig,
    inv: &mut Investigation,
    progress: &dyn Progress,
) -> Result<(), PipelineError> {
    let w = params.compat_window();
    check_window(w, Layer::Repost, inv.resolution)?;
    let qp = qut::QutParams {
        time_window: w,
        min_edge_weight: params.engine.min_weight.max(1),
        empty_url_quirk: true,
    };
    progress.begin("qut", 4);
    let mut networks = Vec::new();
    for net in qut::QutNetwork::ALL {
        let t = Instant::now();
        let edges = qut::network(ds, net, &qp);
        inv.timings
            .push((net.as_str().to_string(), t.elapsed().as_secs_f64()));
        let run = inv.runs.len() as u32;
        let le: Vec<lockstep_engine::Edge> = edges
            .iter()
            .map(|e| lockstep_engine::Edge {
                a: e.from,
                b: e.to,
                stats: lockstep_engine::PairStats {
                    weight: e.weight,
                    events: e.weight,
                    ..Default::default()
                },
            })
            .collect();
        for i in 0..le.len() {
            inv.kept.push(KeptEdge {
                run,
                edge: i as u32,
                p_value: None,
                q_value: None,
            });
        }
        inv.runs.push(LayerRun {
            trace_events: 0,
            trace_targets: 0,
            edges: LayerEdges {
                layer: net.layer(),
                scale: Scale::Burst,
                window_s: w,
                edges: le,
                activity: vec![0; ds.accounts.len()],
                target_sizes: Vec::new(),
                capped_targets: 0,
                capped_target_ids: Vec::new(),
            },
            seconds: t.elapsed().as_secs_f64(),
        });
        networks.push((net, edges));
        progress.step();
    }
    inv.compat = Some(CompatResult::Qut { networks });
    progress.end();
    Ok(())
}

/// Connected components of the kept edges (union-find), size >= 2, largest first.
pub(crate) fn components(inv: &mut Investigation, n: usize) {
    let mut uf = lockstep_model::UnionFind::new(n);
    for k in &inv.kept {
        let (_, e) = inv.edge(k);
        uf.union(e.a.0, e.b.0);
    }
    let mut members: std::collections::BTreeMap<u32, Vec<AccountId>> = Default::default();
    let mut touched = vec![false; n];
    for k in &inv.kept {
        let (_, e) = inv.edge(k);
        touched[e.a.idx()] = true;
        touched[e.b.idx()] = true;
    }
    for a in 0..n as u32 {
        if touched[a as usize] {
            let r = uf.find(a);
            members.entry(r).or_default().push(AccountId(a));
        }
    }
    let mut comps: Vec<Vec<AccountId>> = members.into_values().filter(|m| m.len() >= 2).collect();
    comps.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    for (id, m) in comps.iter().enumerate() {
        for a in m {
            inv.cluster_of[a.idx()] = Some(id as u32);
        }
    }
    /// Per component: layers, edge delays, kept edges, distinct linked pairs.
    type ComponentStats = (
        Vec<Layer>,
        Vec<f32>,
        u32,
        std::collections::HashSet<(u32, u32)>,
    );
    let mut per: Vec<ComponentStats> = vec![Default::default(); comps.len()];
    for k in &inv.kept {
        let (run, e) = inv.edge(k);
        let Some(c) = inv.cluster_of[e.a.idx()] else {
            continue;
        };
        let p = &mut per[c as usize];
        if !p.0.contains(&run.layer) {
            p.0.push(run.layer);
        }
        p.1.push(e.stats.median_dt_s);
        p.2 += 1;
        p.3.insert((e.a.0.min(e.b.0), e.a.0.max(e.b.0)));
    }
    inv.clusters = comps
        .into_iter()
        .zip(per)
        .enumerate()
        .map(|(id, (m, (mut layers, mut d, n_edges, pairs)))| {
            layers.sort();
            d.sort_by(f32::total_cmp);
            let med = if d.is_empty() {
                0.0
            } else if d.len() % 2 == 1 {
                d[d.len() / 2]
            } else {
                (d[d.len() / 2 - 1] + d[d.len() / 2]) / 2.0
            };
            let s = m.len() as f64;
            Cluster {
                id: id as u32,
                density: pairs.len() as f64 / (s * (s - 1.0) / 2.0),
                members: m,
                layers,
                median_delay_s: med,
                edges: n_edges,
                verdict: None,
                score: None,
            }
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_above_the_available_memory_is_refused_with_its_estimate() {
        let gib = 1u64 << 30;
        assert!(check_fits("coortweet", 1_000_000, 400, Some(gib)).is_ok());
        assert!(check_fits("coortweet", 1_000_000, 400, None).is_ok());
        let e = check_fits("coortweet", 100_000_000, 400, Some(24 * gib)).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("100000000 share pairs"), "{msg}");
        assert!(msg.contains("37.3 GiB"), "{msg}");
        assert!(msg.contains("24.0 GiB available"), "{msg}");
        // Just under 90% of what is available passes, just over is refused.
        assert!(check_fits("coortweet", 9, 1, Some(10)).is_ok());
        assert!(check_fits("coortweet", 10, 1, Some(10)).is_err());
        assert!(available_memory().is_none_or(|b| b > 0));
    }
}
