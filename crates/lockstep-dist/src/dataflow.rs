//! The per-worker dataflow: actions exchanged by target, the engine's kernel per target,
//! pair counts exchanged by account pair and merged, then gathered on worker 0.
//!
//! Every kernel run (a layer at a scale) is one epoch `e` of one long-lived dataflow: each worker
//! of process 0 feeds its share of the trace's actions at time `e` (with the owners of its share
//! of the targets on directed layers, and worker 0 the run's parameters to every worker), and
//! the operators act on an epoch once their input frontier has passed it (all of its data has
//! arrived). Only process 0 reads the input and builds the traces: the workers of the other
//! processes feed nothing (they close their inputs at once) and count whatever targets and pairs
//! the exchanges route to them, so those processes need neither the input nor the dataset.

use lockstep_engine::kernel::SkewParams;
use lockstep_engine::kernel::{PairAcc, PairMap};
use lockstep_engine::sample::DtSample;
use lockstep_engine::{Event, KernelParams, Layer, LayerEdges, PartialPairs, Scale, Trace};
use lockstep_engine::{count_partition, kernel::target_runs};
use lockstep_model::AccountId;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use timely::container::CapacityContainerBuilder;
use timely::dataflow::channels::pact::Exchange;
use timely::dataflow::operators::Capability;
use timely::dataflow::operators::generic::operator::Operator;
use timely::dataflow::operators::{Input, Probe};
use timely::dataflow::{InputHandleVec, ProbeHandle};
use timely::worker::Worker;

/// One kernel run handed to every worker of process 0 (the process that builds the traces).
pub(crate) struct Job {
    /// The layer's actions.
    pub trace: Arc<Trace>,
    /// The kernel parameters.
    pub params: KernelParams,
}

/// What the session sends a worker.
pub(crate) enum Command {
    /// Count this job as the next epoch.
    Run(Arc<Job>),
}

/// What a worker sends back after each epoch.
pub(crate) enum Reply {
    /// The epoch is done on this worker; `edges` only from global worker 0.
    Done {
        /// The finished layer (global worker 0 only).
        edges: Option<Box<LayerEdges>>,
        /// Bytes this worker sent to other workers.
        bytes: ByteCounts,
    },
    /// Something inside the worker went wrong.
    Failed(String),
    /// Timely could not start (bind failed...) or the execution ended with an error.
    StartFailed(String),
    /// Every worker of this process left its loop and timely shut down cleanly.
    Finished,
}

/// Serialized bytes sent by one worker in one epoch (bincode sizes of the records, the encoding
/// timely uses between processes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ByteCounts {
    /// To workers in other processes (crosses the network).
    pub network: u64,
    /// To other workers of the same process (passed in memory by timely).
    pub local: u64,
    /// Records sent to another worker.
    pub records: u64,
}

impl ByteCounts {
    /// Adds another count.
    pub fn add(&mut self, o: ByteCounts) {
        self.network += o.network;
        self.local += o.local;
        self.records += o.records;
    }
}

/// A kernel run's parameters on the wire (from worker 0 to every worker).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct RunWire {
    layer: Layer,
    scale: Scale,
    window_s: i64,
    n_accounts: u32,
    skew: SkewParams,
}

impl RunWire {
    fn new(p: &KernelParams) -> RunWire {
        RunWire {
            layer: p.layer,
            scale: p.scale,
            window_s: p.window_s,
            n_accounts: p.n_accounts,
            skew: p.skew,
        }
    }

    fn params(&self) -> KernelParams {
        let mut p = KernelParams::new(self.layer, self.scale, self.window_s, self.n_accounts);
        p.skew = self.skew;
        p
    }
}

/// What process 0 feeds into the dataflow, routed by target (a run's parameters by destination).
#[derive(Clone, Debug, Serialize, Deserialize)]
enum In {
    /// An action `(target, time, account)`.
    Action(u32, i64, u32),
    /// The owner `(target, account, posted at)` of a directed layer's target.
    Owner(u32, u32, i64),
    /// The run's parameters, one copy for each worker (the destination worker's index).
    Run(u32, RunWire),
}

/// A pair's running statistics on the wire (the fields of [`PairAcc`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct PairWire {
    weight: u32,
    events: u32,
    lead: u32,
    follow: u32,
    ua: u32,
    ub: u32,
    /// The bottom-K `(key, |dt|)` sample.
    dts: Vec<(u32, u32)>,
}

impl PairWire {
    fn from_acc(a: PairAcc) -> PairWire {
        let dts = match a.dts {
            DtSample::Empty => Vec::new(),
            DtSample::One(k, d) => vec![(k, d)],
            DtSample::Many(v) => *v,
        };
        PairWire {
            weight: a.weight,
            events: a.events,
            lead: a.lead,
            follow: a.follow,
            ua: a.ua,
            ub: a.ub,
            dts,
        }
    }

    fn into_acc(self) -> PairAcc {
        let dts = match self.dts.len() {
            0 => DtSample::Empty,
            1 => DtSample::One(self.dts[0].0, self.dts[0].1),
            _ => DtSample::Many(Box::new(self.dts)),
        };
        PairAcc {
            weight: self.weight,
            events: self.events,
            lead: self.lead,
            follow: self.follow,
            ua: self.ua,
            ub: self.ub,
            dts,
        }
    }
}

/// A kernel result on the wire: a pair, or one of the margins the statistics need.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum Rec {
    /// Pair key `(a << 32) | b` and its statistics.
    Pair(u64, PairWire),
    /// Distinct targets of an account in this partition.
    Activity(u32, u32),
    /// Distinct accounts of a target.
    TargetSize(u32, u32),
    /// A target above the skew cap.
    Capped(u32),
}

/// Spreads a 64-bit key (SplitMix64 finaliser), so that dense target ids and pair keys spread
/// evenly over workers.
fn spread(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn target_worker(target: u32, peers: usize) -> usize {
    (spread(u64::from(target)) % peers as u64) as usize
}

/// Where process 0's input goes: actions and owners to their target's worker.
fn in_worker(r: &In, peers: usize) -> usize {
    match r {
        In::Action(t, _, _) | In::Owner(t, _, _) => target_worker(*t, peers),
        In::Run(dest, _) => *dest as usize,
    }
}

fn pair_worker(key: u64, peers: usize) -> usize {
    (spread(key ^ 0x5bd1_e995) % peers as u64) as usize
}

/// Where a kernel result goes next: a pair to its pair worker, a margin straight to worker 0.
fn rec_worker(r: &Rec, peers: usize) -> usize {
    match r {
        Rec::Pair(k, _) => pair_worker(*k, peers),
        _ => 0,
    }
}

/// Counts the bytes of records leaving worker `me` for `dest`.
struct Meter {
    me: usize,
    per_process: usize,
    counts: Rc<RefCell<ByteCounts>>,
}

impl Meter {
    fn record<T: Serialize>(&self, dest: usize, rec: &T) {
        if dest == self.me {
            return;
        }
        let n = bincode::serialized_size(rec).unwrap_or(0);
        let mut c = self.counts.borrow_mut();
        c.records += 1;
        if dest / self.per_process == self.me / self.per_process {
            c.local += n;
        } else {
            c.network += n;
        }
    }
}

/// Runs one partition's kernel: the worker's events sorted, split at target boundaries into
/// chunks counted in parallel and merged (the engine's partition API).
fn kernel(
    mut events: Vec<Event>,
    owner: &[Option<(AccountId, i64)>],
    params: &KernelParams,
) -> PartialPairs {
    events.par_sort_unstable();
    let runs = target_runs(&events);
    let chunks = (rayon::current_num_threads() * 4).max(1);
    let per = runs.len().div_ceil(chunks).max(1);
    let bounds: Vec<(usize, usize)> = runs
        .chunks(per)
        .filter_map(|c| Some((c.first()?.1, c.last()?.2)))
        .collect();
    bounds
        .into_par_iter()
        .map(|(s, e)| count_partition(&events[s..e], owner, params))
        .reduce(PartialPairs::default, PartialPairs::merge)
}

/// One epoch's input at a target worker, until the epoch is complete.
struct Pending {
    cap: Capability<u64>,
    events: Vec<Event>,
    owners: Vec<(u32, AccountId, i64)>,
    run: Option<RunWire>,
}

/// The owner column of a partition (indexed by target id; `None` where unknown).
fn owner_column(owners: &[(u32, AccountId, i64)]) -> Vec<Option<(AccountId, i64)>> {
    let Some(max) = owners.iter().map(|o| o.0).max() else {
        return Vec::new();
    };
    let mut column = vec![None; max as usize + 1];
    for &(t, a, time) in owners {
        column[t as usize] = Some((a, time));
    }
    column
}

/// The worker body: builds the dataflow, then on process 0 runs one epoch per [`Command::Run`]
/// until the session closes its command channel; on the other processes it feeds nothing and
/// serves the exchanges until process 0 closes the dataflow.
pub(crate) fn run_worker(
    worker: &mut Worker,
    process: usize,
    threads: usize,
    commands: &Mutex<Vec<Option<Receiver<Command>>>>,
    replies: &Sender<Reply>,
) {
    let index = worker.index();
    let peers = worker.peers();
    let gathered: Rc<RefCell<HashMap<u64, PartialPairs>>> = Rc::new(RefCell::new(HashMap::new()));
    let failures: Rc<RefCell<Vec<String>>> = Rc::new(RefCell::new(Vec::new()));
    let counts = Rc::new(RefCell::new(ByteCounts::default()));
    let meter = Rc::new(Meter {
        me: index,
        per_process: threads.max(1),
        counts: Rc::clone(&counts),
    });
    let mut input: InputHandleVec<u64, In> = InputHandleVec::new();
    let probe = ProbeHandle::new();
    worker.dataflow::<u64, _, _>(|scope| {
        let meter_k = Rc::clone(&meter);
        let meter_m = Rc::clone(&meter);
        let gathered_g = Rc::clone(&gathered);
        let failures_k = Rc::clone(&failures);
        scope
            .input_from(&mut input)
            // Exchange 1: by target; each worker runs the kernel on whole targets.
            .unary_frontier::<CapacityContainerBuilder<Vec<Rec>>, _, _, _>(
                Exchange::new(move |r: &In| in_worker(r, peers) as u64),
                "kernel by target",
                move |_cap, _info| {
                    let mut stash: HashMap<u64, Pending> = HashMap::new();
                    move |(input, frontier), output| {
                        input.for_each(|cap, data| {
                            let Some(&t) = cap.least() else { return };
                            if !stash.contains_key(&t)
                                && let Some(c) = cap.retain_least(0)
                            {
                                stash.insert(
                                    t,
                                    Pending {
                                        cap: c,
                                        events: Vec::new(),
                                        owners: Vec::new(),
                                        run: None,
                                    },
                                );
                            }
                            let Some(entry) = stash.get_mut(&t) else {
                                return;
                            };
                            for r in data.drain(..) {
                                match r {
                                    In::Action(target, time, account) => entry.events.push(Event {
                                        target,
                                        time,
                                        account: AccountId(account),
                                    }),
                                    In::Owner(target, account, time) => {
                                        entry.owners.push((target, AccountId(account), time))
                                    }
                                    In::Run(_, run) => entry.run = Some(run),
                                }
                            }
                        });
                        let done: Vec<u64> = stash
                            .keys()
                            .copied()
                            .filter(|t| !frontier.less_equal(t))
                            .collect();
                        for t in done {
                            let Some(p) = stash.remove(&t) else {
                                continue;
                            };
                            let Some(run) = p.run else {
                                if !p.events.is_empty() {
                                    failures_k.borrow_mut().push(format!(
                                        "worker {index}: actions of run {t} arrived without the run's parameters"
                                    ));
                                }
                                continue;
                            };
                            let params = run.params();
                            let owner = owner_column(&p.owners);
                            let part = kernel(p.events, &owner, &params);
                            let mut session = output.session(&p.cap);
                            for (k, acc) in part.pairs {
                                let rec = Rec::Pair(k, PairWire::from_acc(acc));
                                meter_k.record(rec_worker(&rec, peers), &rec);
                                session.give(rec);
                            }
                            for (a, c) in part.activity.into_iter().enumerate() {
                                if c > 0 {
                                    let rec = Rec::Activity(a as u32, c);
                                    meter_k.record(0, &rec);
                                    session.give(rec);
                                }
                            }
                            for (t, s) in part.target_sizes {
                                let rec = Rec::TargetSize(t, s);
                                meter_k.record(0, &rec);
                                session.give(rec);
                            }
                            for t in part.capped {
                                let rec = Rec::Capped(t);
                                meter_k.record(0, &rec);
                                session.give(rec);
                            }
                        }
                    }
                },
            )
            // Exchange 2: by account pair; counts of one pair from every target worker merge here.
            .unary_frontier::<CapacityContainerBuilder<Vec<Rec>>, _, _, _>(
                Exchange::new(move |r: &Rec| rec_worker(r, peers) as u64),
                "merge by pair",
                move |_cap, _info| {
                    let mut stash: HashMap<u64, (Capability<u64>, PartialPairs, Vec<Rec>)> =
                        HashMap::new();
                    move |(input, frontier), output| {
                        input.for_each(|cap, data| {
                            let Some(&t) = cap.least() else { return };
                            if !stash.contains_key(&t)
                                && let Some(c) = cap.retain_least(0)
                            {
                                stash.insert(t, (c, PartialPairs::default(), Vec::new()));
                            }
                            let Some(entry) = stash.get_mut(&t) else {
                                return;
                            };
                            // Within one batch from one sender a pair appears once.
                            let mut batch = PairMap::default();
                            for r in data.drain(..) {
                                match r {
                                    Rec::Pair(k, w) => {
                                        batch.insert(k, w.into_acc());
                                    }
                                    margin => entry.2.push(margin),
                                }
                            }
                            let acc = std::mem::take(&mut entry.1);
                            entry.1 = acc.merge(PartialPairs {
                                pairs: batch,
                                ..PartialPairs::default()
                            });
                        });
                        let done: Vec<u64> = stash
                            .keys()
                            .copied()
                            .filter(|t| !frontier.less_equal(t))
                            .collect();
                        for t in done {
                            let Some((cap, merged, margins)) = stash.remove(&t) else {
                                continue;
                            };
                            let mut session = output.session(&cap);
                            for (k, acc) in merged.pairs {
                                let rec = Rec::Pair(k, PairWire::from_acc(acc));
                                meter_m.record(0, &rec);
                                session.give(rec);
                            }
                            for m in margins {
                                session.give(m);
                            }
                        }
                    }
                },
            )
            // Gather on worker 0: every pair is now whole; margins add up.
            .unary_frontier::<CapacityContainerBuilder<Vec<()>>, _, _, _>(
                Exchange::new(|_r: &Rec| 0u64),
                "gather",
                move |_cap, _info| {
                    move |(input, _frontier), _output| {
                        input.for_each(|cap, data| {
                            let Some(&t) = cap.least() else { return };
                            let mut g = gathered_g.borrow_mut();
                            let acc = g.entry(t).or_default();
                            let mut part = PartialPairs::default();
                            for r in data.drain(..) {
                                match r {
                                    Rec::Pair(k, w) => {
                                        part.pairs.insert(k, w.into_acc());
                                    }
                                    Rec::Activity(a, c) => {
                                        let a = a as usize;
                                        if part.activity.len() <= a {
                                            part.activity.resize(a + 1, 0);
                                        }
                                        part.activity[a] += c;
                                    }
                                    Rec::TargetSize(t, s) => part.target_sizes.push((t, s)),
                                    Rec::Capped(t) => part.capped.push(t),
                                }
                            }
                            let prev = std::mem::take(acc);
                            *acc = prev.merge(part);
                        });
                    }
                },
            )
            .probe_with(&probe);
    });

    let report_failures = |replies: &Sender<Reply>| -> bool {
        let f = std::mem::take(&mut *failures.borrow_mut());
        if f.is_empty() {
            return false;
        }
        let _ = replies.send(Reply::Failed(f.join("; ")));
        true
    };
    if process != 0 {
        // Nothing to feed: serve the exchanges until process 0 closes the dataflow.
        drop(input);
        while worker.has_dataflows() {
            worker.step_or_park(None);
        }
        if !report_failures(replies) {
            let bytes = std::mem::take(&mut *counts.borrow_mut());
            let _ = replies.send(Reply::Done { edges: None, bytes });
        }
        return;
    }
    let Some(rx) = commands
        .lock()
        .ok()
        .and_then(|mut v| v.get_mut(index).and_then(Option::take))
    else {
        let _ = replies.send(Reply::Failed(format!("worker {index}: no command channel")));
        return;
    };
    let mut epoch: u64 = 0;
    while let Ok(Command::Run(job)) = rx.recv() {
        let trace = &job.trace;
        // This worker's share of process 0's actions and of the directed layer's owners.
        let n = trace.events.len();
        let (lo, hi) = (n * index / threads, n * (index + 1) / threads);
        for e in &trace.events[lo..hi] {
            let rec = In::Action(e.target, e.time, e.account.0);
            meter.record(in_worker(&rec, peers), &rec);
            input.send(rec);
        }
        let m = trace.owner.len();
        for (t, o) in trace.owner[m * index / threads..m * (index + 1) / threads]
            .iter()
            .enumerate()
        {
            if let Some((a, time)) = o {
                let rec = In::Owner((m * index / threads + t) as u32, a.0, *time);
                meter.record(in_worker(&rec, peers), &rec);
                input.send(rec);
            }
        }
        if index == 0 {
            let run = RunWire::new(&job.params);
            for dest in 0..peers {
                let rec = In::Run(dest as u32, run);
                meter.record(dest, &rec);
                input.send(rec);
            }
        }
        epoch += 1;
        input.advance_to(epoch);
        while probe.less_than(&epoch) {
            worker.step();
        }
        let done = epoch - 1;
        if report_failures(replies) {
            return;
        }
        let edges = if index == 0 {
            let part = gathered.borrow_mut().remove(&done).unwrap_or_default();
            Some(Box::new(part.finish(&job.params, trace.n_targets)))
        } else {
            None
        };
        let bytes = std::mem::take(&mut *counts.borrow_mut());
        if replies.send(Reply::Done { edges, bytes }).is_err() {
            break;
        }
    }
}
