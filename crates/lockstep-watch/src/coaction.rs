//! Incremental co-action on differential dataflow: the `repost` layer's pair weights over the
//! sliding horizon, at the burst and drip windows of `investigate` (docs/watch.md, "What is
//! incremental").
//!
//! Input: one update per repost event `(run, target, account, time)` with `+1` when it enters
//! the horizon and `-1` when it leaves. The dataflow joins events on `(run, target)`, keeps pairs
//! of distinct accounts within the run's window, takes the distinct co-acted targets per pair and
//! feeds their multiplicities into [`PairWeights`]: the weight of a pair is its number of
//! distinct co-acted targets, the kernel's `weight` (lockstep-engine `pairs::PairStats`).

use differential_dataflow::input::{Input, InputSession};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use timely::communication::Allocator;
use timely::communication::allocator::thread::Thread;
use timely::dataflow::operators::probe::Handle;
use timely::worker::Worker;

/// One event update: `(run, target hash, account, time)`.
pub type Event = (u8, u64, u32, i64);

/// Current pair weights: `(run, a, b)` with `a < b` to distinct co-acted targets.
pub type PairWeights = HashMap<(u8, u32, u32), i64>;

/// A single-worker timely dataflow maintaining [`PairWeights`].
pub struct CoAction {
    worker: Worker,
    input: InputSession<u64, Event, isize>,
    probe: Handle<u64>,
    weights: Rc<RefCell<PairWeights>>,
    epoch: u64,
}

impl CoAction {
    /// A dataflow for runs whose windows (seconds, inclusive) are `windows[run]`.
    pub fn new(windows: Vec<i64>) -> CoAction {
        let alloc = Allocator::Thread(Thread::default());
        let mut worker = Worker::new(
            timely::WorkerConfig::default(),
            alloc,
            Some(std::time::Instant::now()),
        );
        let weights: Rc<RefCell<PairWeights>> = Rc::default();
        let sink = weights.clone();
        let (input, probe) = worker.dataflow::<u64, _, _>(move |scope| {
            let (input, events) = scope.new_collection::<Event, isize>();
            let keyed = events.map(|(r, t, a, ts)| ((r, t), (a, ts)));
            let (probe, _) = keyed
                .clone()
                .join(keyed)
                .filter(move |((r, _), ((a, ta), (b, tb)))| {
                    a < b && (ta - tb).abs() <= windows.get(*r as usize).copied().unwrap_or(-1)
                })
                .map(|((r, t), ((a, _), (b, _)))| (r, a, b, t))
                .distinct()
                .map(|(r, a, b, _)| (r, a, b))
                .inspect(move |(k, _, diff)| {
                    let mut w = sink.borrow_mut();
                    let e = w.entry(*k).or_insert(0);
                    *e += *diff as i64;
                    if *e == 0 {
                        w.remove(k);
                    }
                })
                .probe();
            (input, probe)
        });
        CoAction {
            worker,
            input,
            probe,
            weights,
            epoch: 0,
        }
    }

    /// Adds (`diff = 1`) or retracts (`diff = -1`) an event.
    pub fn update(&mut self, e: Event, diff: isize) {
        self.input.update(e, diff);
    }

    /// Runs the dataflow until every update so far is reflected in [`CoAction::weights`].
    pub fn settle(&mut self) {
        self.epoch += 1;
        self.input.advance_to(self.epoch);
        self.input.flush();
        while self.probe.less_than(self.input.time()) {
            self.worker.step();
        }
    }

    /// The current weights (call [`CoAction::settle`] first).
    pub fn weights(&self) -> std::cell::Ref<'_, PairWeights> {
        self.weights.borrow()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_distinct_targets_and_retraction() {
        let mut c = CoAction::new(vec![60]);
        // Accounts 1 and 2 co-act on targets 10 (twice) and 11; 3 is outside the window.
        for e in [
            (0, 10, 1, 0),
            (0, 10, 2, 30),
            (0, 10, 2, 40),
            (0, 11, 1, 100),
            (0, 11, 2, 160),
            (0, 11, 3, 500),
        ] {
            c.update(e, 1);
        }
        c.settle();
        assert_eq!(c.weights().get(&(0, 1, 2)), Some(&2));
        assert_eq!(c.weights().len(), 1);
        c.update((0, 11, 2, 160), -1);
        c.settle();
        assert_eq!(c.weights().get(&(0, 1, 2)), Some(&1));
        c.update((0, 10, 2, 30), -1);
        c.update((0, 10, 2, 40), -1);
        c.settle();
        assert!(c.weights().is_empty());
    }
}
