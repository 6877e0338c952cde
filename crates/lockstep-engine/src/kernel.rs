//! The windowed pair kernel (DESIGN §2, §5): from a [`Trace`] to per-pair co-action statistics.
//!
//! **Semantics (default).** Accounts `a != b` co-act on target `k` when they have actions on `k` at
//! times `t1, t2` with `|t1 - t2| <= window`. Per pair the kernel counts the distinct co-acted
//! targets (`weight`), the co-action events (pairs of actions within the window), the median
//! `|dt|`, lead/follow counts (strictly earlier action; ties count in neither) and the symmetry
//! `min(u_a, u_b) / max(u_a, u_b)` where `u` is the number of each side's distinct actions that
//! took part in a co-action with the other. For the directed `amplify` layer the pair is
//! `(owner of the target, actor)` and the "other action" is the owner's post itself.
//!
//! **Partitions.** [`count_partition_into`] is a pure function over a slice of events that holds
//! whole targets (events sorted by target, then time); its result, [`PartialPairs`], merges with
//! another by addition ([`PartialPairs::merge`]) in any order with the same result; a distributed
//! driver can run it per target-hash partition and merge by pair hash. Nothing here assumes it
//! sees the whole dataset. On one machine [`count_pairs`] shards the *pair* space instead (each
//! rayon task keeps the pairs whose key hash falls in its shard), which needs no merge and holds
//! no pair twice; the result is the same (test `shards_do_not_change_results`).
//!
//! **Skew.** Before enumerating a target, the number of in-window action pairs is counted in
//! `O(n)` with two pointers. When it exceeds [`SkewParams::max_pairs_per_target`] the target is
//! *capped*: each action is paired only with its [`SkewParams::neighbours`] nearest following
//! actions inside the window. Time and memory on that target are then `O(n * neighbours)` instead
//! of `O(n^2)`. Targets below the cap are exact. Capped targets are counted and listed in
//! [`LayerEdges`] so the statistics stage and the report can say so.

use crate::layer::{Layer, Scale};
use crate::pairs::{Edge, LayerEdges, PairStats};
use crate::sample::{DtSample, mix64};
use crate::trace::{Event, Trace};
use hashbrown::HashMap;
use lockstep_model::AccountId;
use rayon::prelude::*;

/// The skew bound (see the module docs and docs/semantics.md "Skew bound").
///
/// Default: a target is capped when it has more than 50,000 in-window action pairs (about 316
/// actions all inside one window, or a popular tag used steadily inside a multi-hour drip window);
/// on a capped target each action is paired with its 16 nearest following actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SkewParams {
    /// Targets whose in-window action pairs exceed this are capped.
    pub max_pairs_per_target: u64,
    /// On a capped target, each action is paired with at most this many following actions.
    pub neighbours: u32,
}

impl Default for SkewParams {
    fn default() -> Self {
        SkewParams {
            max_pairs_per_target: 50_000,
            neighbours: 16,
        }
    }
}

/// Parameters of one kernel run (one layer at one scale).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KernelParams {
    /// The layer (directed when [`Layer::is_directed`]).
    pub layer: Layer,
    /// The scale label carried into the output.
    pub scale: Scale,
    /// The window in seconds (inclusive: `|dt| <= window_s`).
    pub window_s: i64,
    /// Number of accounts in the dataset (sizes the activity margin; grown when needed).
    pub n_accounts: u32,
    /// The skew bound.
    pub skew: SkewParams,
}

impl KernelParams {
    /// Parameters with the default skew bound.
    pub fn new(layer: Layer, scale: Scale, window_s: i64, n_accounts: u32) -> Self {
        KernelParams {
            layer,
            scale,
            window_s,
            n_accounts,
            skew: SkewParams::default(),
        }
    }
}

/// Pair key `(a << 32) | b` to running statistics.
pub type PairMap = HashMap<u64, PairAcc, foldhash::fast::FixedState>;

/// Running statistics of one pair inside a partition.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairAcc {
    /// Distinct co-acted targets.
    pub weight: u32,
    /// Co-action events.
    pub events: u32,
    /// Events where `a` acted strictly first.
    pub lead: u32,
    /// Events where `b` acted strictly first.
    pub follow: u32,
    /// Distinct actions of `a` involved.
    pub ua: u32,
    /// Distinct actions of `b` involved.
    pub ub: u32,
    /// Bounded sample of `|dt|` for the median.
    pub dts: DtSample,
}

impl PairAcc {
    fn add(&mut self, o: PairAcc) {
        self.weight += o.weight;
        self.events += o.events;
        self.lead += o.lead;
        self.follow += o.follow;
        self.ua += o.ua;
        self.ub += o.ub;
        self.dts.merge(o.dts);
    }

    /// The final statistics.
    pub fn stats(&self) -> PairStats {
        let (lo, hi) = (self.ua.min(self.ub), self.ua.max(self.ub));
        PairStats {
            weight: self.weight,
            events: self.events,
            median_dt_s: self.dts.median(),
            lead: self.lead,
            follow: self.follow,
            symmetry: if hi == 0 { 0.0 } else { lo as f32 / hi as f32 },
        }
    }
}

/// What one or more partitions produced; merges by addition.
#[derive(Clone, Debug, Default)]
pub struct PartialPairs {
    /// Pair key `(a << 32) | b` to running statistics.
    pub pairs: PairMap,
    /// Per account: distinct targets acted on (dense, grown on demand).
    pub activity: Vec<u32>,
    /// `(target, distinct accounts)` for every target seen.
    pub target_sizes: Vec<(u32, u32)>,
    /// Targets that hit the skew cap.
    pub capped: Vec<u32>,
}

impl PartialPairs {
    /// Adds another partition's result to this one.
    pub fn merge(mut self, mut other: PartialPairs) -> PartialPairs {
        if self.pairs.len() < other.pairs.len() {
            std::mem::swap(&mut self.pairs, &mut other.pairs);
        }
        for (k, v) in other.pairs {
            self.pairs.entry(k).or_default().add(v);
        }
        if self.activity.len() < other.activity.len() {
            std::mem::swap(&mut self.activity, &mut other.activity);
        }
        for (i, v) in other.activity.into_iter().enumerate() {
            self.activity[i] += v;
        }
        self.target_sizes.extend(other.target_sizes);
        self.capped.extend(other.capped);
        self
    }

    /// Turns merged partitions into the layer's edges (sorted by `(a, b)`).
    pub fn finish(mut self, params: &KernelParams, n_targets: u32) -> LayerEdges {
        let mut edges = pairs_to_edges(std::mem::take(&mut self.pairs));
        edges.par_sort_unstable_by_key(|e| (e.a, e.b));
        self.into_layer_edges(edges, params, n_targets)
    }

    /// The layer's result from sorted `edges` and these margins (activity, target sizes and
    /// capped targets; the pair map is not used).
    fn into_layer_edges(
        self,
        edges: Vec<Edge>,
        params: &KernelParams,
        n_targets: u32,
    ) -> LayerEdges {
        let mut activity = self.activity;
        if activity.len() < params.n_accounts as usize {
            activity.resize(params.n_accounts as usize, 0);
        }
        let mut target_sizes = vec![0u32; n_targets as usize];
        for (t, s) in self.target_sizes {
            if let Some(x) = target_sizes.get_mut(t as usize) {
                *x = s;
            }
        }
        let mut capped = self.capped;
        capped.sort_unstable();
        LayerEdges {
            layer: params.layer,
            scale: params.scale,
            window_s: params.window_s,
            edges,
            activity,
            target_sizes,
            capped_targets: capped.len() as u32,
            capped_target_ids: capped,
        }
    }
}

/// One co-action event between the two actions at local positions `lo_pos` (the lower account's
/// action) and `hi_pos` inside a target.
#[derive(Clone, Copy)]
struct Hit {
    key: u64,
    lo_pos: u32,
    hi_pos: u32,
    dt: u32,
    /// +1: `a` acted strictly first; -1: `b` strictly first; 0: same second.
    dir: i8,
}

/// Reusable per-thread buffers.
#[derive(Default)]
struct Scratch {
    hits: Vec<Hit>,
    pos: Vec<u32>,
    accounts: Vec<u32>,
}

/// Splits events (sorted by target) into `(target, start, end)` runs.
pub fn target_runs(events: &[Event]) -> Vec<(u32, usize, usize)> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=events.len() {
        if i == events.len() || events[i].target != events[start].target {
            if start < i {
                runs.push((events[start].target, start, i));
            }
            start = i;
        }
    }
    runs
}

/// Counts one partition into `acc`. `events` must hold whole targets, sorted by
/// `(target, time, account)`; `owner` is the trace's owner column (used for directed layers).
pub fn count_partition_into(
    acc: &mut PartialPairs,
    events: &[Event],
    owner: &[Option<(AccountId, i64)>],
    params: &KernelParams,
) {
    let mut scratch = Scratch::default();
    for (target, s, e) in target_runs(events) {
        let ev = &events[s..e];
        bump_activity(acc, &mut scratch, target, ev);
        if !params.layer.is_directed() && pair_limit(ev, params) != usize::MAX {
            acc.capped.push(target);
        }
        enumerate_target(
            &mut acc.pairs,
            &mut scratch,
            target,
            ev,
            owner,
            params,
            Shard::ALL,
        );
    }
}

/// Counts one partition into a fresh [`PartialPairs`].
pub fn count_partition(
    events: &[Event],
    owner: &[Option<(AccountId, i64)>],
    params: &KernelParams,
) -> PartialPairs {
    let mut acc = PartialPairs::default();
    count_partition_into(&mut acc, events, owner, params);
    acc
}

/// The whole kernel: counts the trace's pairs in parallel and returns the layer's edges.
///
/// The pair space is split into `G` shards by a hash of the pair key; each rayon task scans every
/// target but keeps only the pairs of its shard, so no pair lives in two accumulators, nothing is
/// merged, and each shard's map is turned into edges (and freed) as soon as it is complete. Peak
/// memory is about `threads / G` of one whole-layer map plus the edges. Margins (activity, target
/// sizes, capped targets) are computed once in a separate pass. The result is identical for every
/// `G` (test `shards_do_not_change_results`).
pub fn count_pairs(trace: &Trace, params: &KernelParams) -> LayerEdges {
    let threads = rayon::current_num_threads().max(1);
    let shards = if trace.events.len() < 50_000 {
        1
    } else {
        (threads * 4) as u32
    };
    count_pairs_sharded(trace, params, shards)
}

/// [`count_pairs`] with an explicit number of pair shards (`>= 1`).
pub fn count_pairs_sharded(trace: &Trace, params: &KernelParams, shards: u32) -> LayerEdges {
    let shards = shards.max(1);
    let runs = target_runs(&trace.events);
    let (margins, parts) = rayon::join(
        || margins(&trace.events, &runs, params),
        || {
            (0..shards)
                .into_par_iter()
                .map(|g| {
                    let mut pairs = PairMap::default();
                    let mut scratch = Scratch::default();
                    for &(target, s, e) in &runs {
                        enumerate_target(
                            &mut pairs,
                            &mut scratch,
                            target,
                            &trace.events[s..e],
                            &trace.owner,
                            params,
                            Shard {
                                index: g,
                                count: shards,
                            },
                        );
                    }
                    pairs_to_edges(pairs)
                })
                .collect::<Vec<Vec<Edge>>>()
        },
    );
    let total: usize = parts.iter().map(Vec::len).sum();
    let mut edges = Vec::with_capacity(total);
    for p in parts {
        edges.extend_from_slice(&p);
    }
    edges.par_sort_unstable_by_key(|e| (e.a, e.b));
    margins.into_layer_edges(edges, params, trace.n_targets)
}

/// Activity, target sizes and capped targets of a whole trace (no pairs), in parallel chunks.
fn margins(events: &[Event], runs: &[(u32, usize, usize)], params: &KernelParams) -> PartialPairs {
    runs.par_chunks(4096)
        .fold(PartialPairs::default, |mut acc, chunk| {
            let mut scratch = Scratch::default();
            for &(target, s, e) in chunk {
                let ev = &events[s..e];
                bump_activity(&mut acc, &mut scratch, target, ev);
                if !params.layer.is_directed() && pair_limit(ev, params) != usize::MAX {
                    acc.capped.push(target);
                }
            }
            acc
        })
        .reduce(PartialPairs::default, PartialPairs::merge)
}

/// Converts one shard's map into edges (unsorted), consuming the map.
fn pairs_to_edges(pairs: PairMap) -> Vec<Edge> {
    let mut out = Vec::with_capacity(pairs.len());
    out.extend(pairs.into_iter().map(|(k, acc)| Edge {
        a: AccountId((k >> 32) as u32),
        b: AccountId(k as u32),
        stats: acc.stats(),
    }));
    out
}

/// Which slice of the pair-key space a task keeps.
#[derive(Clone, Copy)]
struct Shard {
    index: u32,
    count: u32,
}

impl Shard {
    const ALL: Shard = Shard { index: 0, count: 1 };

    #[inline]
    fn keeps(self, key: u64) -> bool {
        self.count == 1 || ((mix64(key) >> 32) * self.count as u64) >> 32 == self.index as u64
    }
}

/// Number of following actions each action is paired with on this target: unbounded below the
/// skew cap, [`SkewParams::neighbours`] above it.
fn pair_limit(ev: &[Event], params: &KernelParams) -> usize {
    let n = ev.len();
    let w = params.window_s;
    // Count in-window pairs (O(n), two pointers) and stop as soon as the cap is exceeded.
    let mut total: u64 = 0;
    let mut j = 0usize;
    for i in 0..n {
        j = j.max(i + 1);
        while j < n && ev[j].time - ev[i].time <= w {
            j += 1;
        }
        total += (j - i - 1) as u64;
        if total > params.skew.max_pairs_per_target {
            return params.skew.neighbours.max(1) as usize;
        }
    }
    usize::MAX
}

fn bump_activity(acc: &mut PartialPairs, scratch: &mut Scratch, target: u32, ev: &[Event]) {
    scratch.accounts.clear();
    scratch.accounts.extend(ev.iter().map(|e| e.account.0));
    scratch.accounts.sort_unstable();
    scratch.accounts.dedup();
    if let Some(&max) = scratch.accounts.last()
        && acc.activity.len() <= max as usize
    {
        acc.activity.resize(max as usize + 1, 0);
    }
    for &a in &scratch.accounts {
        acc.activity[a as usize] += 1;
    }
    acc.target_sizes
        .push((target, scratch.accounts.len() as u32));
}

/// Enumerates one target's co-action events and adds those of pairs in `shard` to `pairs`.
fn enumerate_target(
    pairs: &mut PairMap,
    scratch: &mut Scratch,
    target: u32,
    ev: &[Event],
    owner: &[Option<(AccountId, i64)>],
    params: &KernelParams,
    shard: Shard,
) {
    let w = params.window_s;
    scratch.hits.clear();
    if params.layer.is_directed() {
        let Some(&Some((author, t0))) = owner.get(target as usize) else {
            return;
        };
        for (i, x) in ev.iter().enumerate() {
            if x.account == author {
                continue;
            }
            let d = x.time - t0;
            if d.abs() > w {
                continue;
            }
            let key = ((author.0 as u64) << 32) | x.account.0 as u64;
            if !shard.keeps(key) {
                continue;
            }
            scratch.hits.push(Hit {
                key,
                lo_pos: 0,
                hi_pos: i as u32,
                dt: d.unsigned_abs().min(u32::MAX as u64) as u32,
                dir: d.signum() as i8,
            });
        }
    } else {
        let n = ev.len();
        if n < 2 {
            return;
        }
        let limit = pair_limit(ev, params);
        for i in 0..n {
            let (ai, ti) = (ev[i].account.0, ev[i].time);
            for (k, y) in ev[i + 1..].iter().enumerate() {
                if y.time - ti > w || k >= limit {
                    break;
                }
                let aj = y.account.0;
                if aj == ai {
                    continue;
                }
                let (lo, hi) = if ai < aj { (ai, aj) } else { (aj, ai) };
                let key = ((lo as u64) << 32) | hi as u64;
                if !shard.keeps(key) {
                    continue;
                }
                let j = i + 1 + k;
                let dt = (y.time - ti).min(u32::MAX as i64) as u32;
                let (lo_pos, hi_pos) = if ai < aj { (i, j) } else { (j, i) };
                let dir = if y.time == ti {
                    0
                } else if lo == ai {
                    1
                } else {
                    -1
                };
                scratch.hits.push(Hit {
                    key,
                    lo_pos: lo_pos as u32,
                    hi_pos: hi_pos as u32,
                    dt,
                    dir,
                });
            }
        }
    }
    if scratch.hits.is_empty() {
        return;
    }
    scratch.hits.sort_unstable_by_key(|h| h.key);
    let hits = std::mem::take(&mut scratch.hits);
    let mut g = 0usize;
    while g < hits.len() {
        let key = hits[g].key;
        let mut end = g + 1;
        while end < hits.len() && hits[end].key == key {
            end += 1;
        }
        let group = &hits[g..end];
        let entry = pairs.entry(key).or_default();
        entry.weight += 1;
        entry.events += group.len() as u32;
        for h in group {
            match h.dir {
                1 => entry.lead += 1,
                -1 => entry.follow += 1,
                _ => {}
            }
            let skey = mix64(
                key ^ mix64(((target as u64) << 40) ^ ((h.lo_pos as u64) << 20) ^ h.hi_pos as u64),
            ) as u32;
            entry.dts.push(skey, h.dt);
        }
        if group.len() == 1 {
            entry.ua += 1;
            entry.ub += 1;
        } else {
            entry.ua += distinct(&mut scratch.pos, group.iter().map(|h| h.lo_pos));
            entry.ub += distinct(&mut scratch.pos, group.iter().map(|h| h.hi_pos));
        }
        g = end;
    }
    scratch.hits = hits;
}

fn distinct(buf: &mut Vec<u32>, it: impl Iterator<Item = u32>) -> u32 {
    buf.clear();
    buf.extend(it);
    buf.sort_unstable();
    buf.dedup();
    buf.len() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(target: u32, time: i64, account: u32) -> Event {
        Event {
            target,
            time,
            account: AccountId(account),
        }
    }

    fn trace(mut events: Vec<Event>) -> Trace {
        events.sort();
        let n_targets = events.iter().map(|e| e.target + 1).max().unwrap_or(0);
        Trace {
            layer: Some(Layer::Repost),
            events,
            n_targets,
            owner: vec![],
        }
    }

    #[test]
    fn two_accounts_two_targets() {
        let t = trace(vec![
            ev(0, 0, 1),
            ev(0, 10, 2),
            ev(1, 100, 2),
            ev(1, 105, 1),
            ev(1, 200, 3),
        ]);
        let out = count_pairs(&t, &KernelParams::new(Layer::Repost, Scale::Burst, 30, 4));
        assert_eq!(out.edges.len(), 1);
        let e = out.edges[0];
        assert_eq!((e.a, e.b), (AccountId(1), AccountId(2)));
        assert_eq!(e.stats.weight, 2);
        assert_eq!(e.stats.events, 2);
        assert_eq!((e.stats.lead, e.stats.follow), (1, 1));
        assert_eq!(e.stats.median_dt_s, 7.5);
        assert_eq!(e.stats.symmetry, 1.0);
        assert_eq!(out.activity, vec![0, 2, 2, 1]);
        assert_eq!(out.target_sizes, vec![2, 3]);
    }

    #[test]
    fn directed_amplify() {
        let mut t = trace(vec![ev(0, 50, 2), ev(0, 5000, 3), ev(1, 10, 2)]);
        t.layer = Some(Layer::Amplify);
        t.owner = vec![Some((AccountId(1), 0)), Some((AccountId(1), 0))];
        let out = count_pairs(&t, &KernelParams::new(Layer::Amplify, Scale::Burst, 300, 4));
        assert_eq!(out.edges.len(), 1);
        let e = out.edges[0];
        assert_eq!((e.a, e.b), (AccountId(1), AccountId(2)));
        assert_eq!(e.stats.weight, 2);
        assert_eq!(e.stats.lead, 2);
    }

    #[test]
    fn shards_do_not_change_results() {
        // A deterministic pseudo-random trace with repeats, ties and one capped target.
        let mut x = 7u64;
        let mut next = |m: u64| {
            x = mix64(x);
            x % m
        };
        let mut events: Vec<Event> = (0..4000)
            .map(|_| ev(next(60) as u32, next(2000) as i64, next(90) as u32))
            .collect();
        events.extend((0..1500).map(|i| ev(60, i / 50, 1000 + i as u32)));
        let t = trace(events);
        let mut p = KernelParams::new(Layer::Hashtag, Scale::Drip, 300, 3000);
        p.skew.max_pairs_per_target = 20_000;
        let one = count_pairs_sharded(&t, &p, 1);
        assert_eq!(one.capped_target_ids, vec![60]);
        assert!(one.edges.len() > 1000);
        for g in [2, 5, 16] {
            let many = count_pairs_sharded(&t, &p, g);
            assert_eq!(many.edges, one.edges, "{g} shards");
            assert_eq!(many.activity, one.activity);
            assert_eq!(many.target_sizes, one.target_sizes);
            assert_eq!(many.capped_target_ids, one.capped_target_ids);
        }
        // The partition API (split at a target boundary, merged) agrees too.
        let runs = target_runs(&t.events);
        let cut = runs[runs.len() / 2].1;
        let merged = count_partition(&t.events[..cut], &t.owner, &p)
            .merge(count_partition(&t.events[cut..], &t.owner, &p))
            .finish(&p, t.n_targets);
        assert_eq!(merged.edges, one.edges);
        assert_eq!(merged.activity, one.activity);
        assert_eq!(merged.capped_target_ids, one.capped_target_ids);
    }
}
