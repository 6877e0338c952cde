//! The permutation null: shuffle which account performed each event of a layer, rerun the pair
//! kernel, and count how often a pair's permuted weight reaches its observed weight.
//!
//! Shuffling the account column of a trace across all its events preserves exactly each account's
//! number of events, each target's number of events and each target's time profile (the times on a
//! target do not move); it destroys only *who* acted together. It is the model the analytical
//! [`crate::NullModel::Configuration`] approximates, so it validates that approximation.
//! For the directed `amplify` layer the authors (`Trace::owner`) stay fixed and the amplifiers are
//! shuffled.

use crate::error::StatsError;
use crate::null::LayerPValues;
use crate::rng::SplitMix64;
use hashbrown::HashMap;
use lockstep_engine::{LayerEdges, Trace};

/// Key of a pair as stored in a layer (undirected layers store `a < b`; directed store author,
/// amplifier).
fn key(a: u32, b: u32, directed: bool) -> u64 {
    let (x, y) = if directed || a < b { (a, b) } else { (b, a) };
    ((x as u64) << 32) | y as u64
}

/// A copy of `trace` whose event accounts are a random permutation of the original ones, re-sorted
/// by `(target, time, account)`.
pub fn shuffle_accounts(trace: &Trace, rng: &mut SplitMix64) -> Trace {
    let mut accounts: Vec<_> = trace.events.iter().map(|e| e.account).collect();
    rng.shuffle(&mut accounts);
    let mut events = trace.events.clone();
    for (e, a) in events.iter_mut().zip(accounts) {
        e.account = a;
    }
    events.sort_unstable();
    Trace {
        layer: trace.layer,
        events,
        n_targets: trace.n_targets,
        owner: trace.owner.clone(),
    }
}

/// Empirical p-values of the observed edges under `k` account-label permutations of `trace`.
///
/// `kernel` is the engine's pair kernel for this layer and scale (same window, same parameters as
/// produced `observed`). The p-value of edge `i` is `(1 + #{r : w_r >= w_obs}) / (k + 1)` (never 0,
/// valid at any `k`); `lambda` is the mean permuted weight. Cost: `k` kernel runs.
pub fn permutation_pvalues<K>(
    trace: &Trace,
    observed: &LayerEdges,
    k: u32,
    seed: u64,
    kernel: K,
) -> Result<LayerPValues, StatsError>
where
    K: Fn(&Trace) -> LayerEdges,
{
    if k == 0 {
        return Err(StatsError::NoPermutations);
    }
    let directed = observed.layer.is_directed();
    let index: HashMap<u64, usize> = observed
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| (key(e.a.0, e.b.0, directed), i))
        .collect();
    let mut reach = vec![0u32; observed.edges.len()];
    let mut sum = vec![0f64; observed.edges.len()];
    let mut rng = SplitMix64::new(seed);
    for _ in 0..k {
        let shuffled = shuffle_accounts(trace, &mut rng);
        let perm = kernel(&shuffled);
        for e in &perm.edges {
            if e.a == e.b {
                continue;
            }
            if let Some(&i) = index.get(&key(e.a.0, e.b.0, directed)) {
                sum[i] += e.stats.weight as f64;
                if e.stats.weight >= observed.edges[i].stats.weight {
                    reach[i] += 1;
                }
            }
        }
    }
    let kf = k as f64;
    Ok(LayerPValues {
        layer: observed.layer,
        scale: observed.scale,
        lambda: sum.iter().map(|s| s / kf).collect(),
        log10_p: reach
            .iter()
            .map(|&r| ((1.0 + r as f64) / (kf + 1.0)).log10())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_engine::Event;
    use lockstep_model::AccountId;

    #[test]
    fn shuffle_preserves_margins() {
        let mut events = Vec::new();
        for t in 0..20u32 {
            for a in 0..(t % 5 + 1) {
                events.push(Event {
                    target: t,
                    time: (t * 100 + a * 7) as i64,
                    account: AccountId(a * 3 + t % 2),
                });
            }
        }
        events.sort_unstable();
        let trace = Trace {
            layer: None,
            events,
            n_targets: 20,
            owner: vec![],
        };
        let mut rng = SplitMix64::new(1);
        let s = shuffle_accounts(&trace, &mut rng);
        let count = |tr: &Trace| {
            let mut per_acc = std::collections::BTreeMap::new();
            let mut per_target_times = std::collections::BTreeMap::new();
            for e in &tr.events {
                *per_acc.entry(e.account).or_insert(0) += 1;
                per_target_times
                    .entry(e.target)
                    .or_insert_with(Vec::new)
                    .push(e.time);
            }
            (per_acc, per_target_times)
        };
        assert_eq!(count(&trace), count(&s));
        assert!(s.events.windows(2).all(|w| w[0] <= w[1]));
        assert_ne!(trace.events, s.events);
    }
}
