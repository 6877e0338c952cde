//! Lockstep's co-action stage on **timely dataflow** (DESIGN §2 "Execution", §11 "Scale-out").
//!
//! The engine's pair kernel ([`lockstep_engine::count_partition`]) is a pure function over whole
//! targets whose results merge by addition ([`lockstep_engine::PartialPairs::merge`]). This crate
//! runs it inside a timely dataflow spread over worker threads (`--workers`) and processes
//! (`--processes/--process/--hostfile`, timely's cluster mode over TCP):
//!
//! ```text
//!  each worker of process 0: its share of the trace's actions (process 0 alone reads the input)
//!     ──exchange by target──► kernel per target (count_partition, rayon inside the worker)
//!     ──exchange by account pair──► pair counts merged (PartialPairs::merge)
//!     ──to worker 0──► PartialPairs::finish ──► LayerEdges (process 0 only)
//! ```
//!
//! [`Session`] implements [`lockstep_pipeline::PairCounter`], the pipeline's one seam: process 0
//! gets the same [`lockstep_engine::LayerEdges`] the in-process engine returns and runs the rest
//! of the pipeline (statistics, clustering, scoring, outputs); the other processes read no input
//! and only serve the exchanges ([`Session::serve`]) until process 0 closes the dataflow after
//! its last run. One timely execution serves every layer and scale of a run: each kernel run is
//! one epoch of the same dataflow, so the TCP mesh is set up once. With one worker in all there
//! is nothing to exchange and the engine's kernel runs directly.
//!
//! Faults (docs/scale.md): a process that dies closes its sockets; timely's network threads on
//! every other process fail on the closed connection, [`Session`] turns that into
//! [`DistError::PeerFailed`] naming the process and its address, and the run stops before any
//! output is written. A process that hangs with its connections open is found by UDP heartbeats
//! ([`DistError::PeerSilent`] after the peer timeout). A process that never joins is reported
//! after the connect timeout. The processes connect to each other through this crate (timely's
//! handshake, nothing printed on standard output).

mod dataflow;
mod heartbeat;
mod hostfile;
mod mesh;
mod session;

pub use hostfile::{HostfileError, read_hostfile};
pub use session::{DistConfig, DistError, ExchangeStats, Session};
