//! A running timely execution serving the pipeline's kernel runs, with fault detection.

pub use crate::dataflow::ByteCounts as ExchangeStats;
use crate::dataflow::{Command, Job, Reply, run_worker};
use crate::heartbeat::{self, Heartbeat};
use crate::mesh::{self, Joined};
use lockstep_engine::{KernelParams, LayerEdges, Trace};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::{Duration, Instant};
use thiserror::Error;

/// How the co-action stage is spread out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistConfig {
    /// Worker threads in this process (`--workers`, >= 1).
    pub workers: usize,
    /// This process's index (`--process`, 0 when alone).
    pub process: usize,
    /// Every process's `host:port`, in process order (`--hostfile`); empty for one process.
    pub addresses: Vec<String>,
    /// How long to wait for every process of the hostfile to connect.
    pub connect_timeout: Duration,
    /// How long another process may stay silent (no heartbeat) during the run before it is
    /// reported as hung and the run is abandoned.
    pub peer_timeout: Duration,
}

impl DistConfig {
    /// One process with `workers` threads.
    pub fn threads(workers: usize) -> DistConfig {
        DistConfig {
            workers,
            process: 0,
            addresses: Vec::new(),
            connect_timeout: Duration::from_secs(60),
            peer_timeout: Duration::from_secs(30),
        }
    }

    /// True when the whole run has one worker: there is nothing to exchange, and the engine's
    /// kernel runs directly on this thread's rayon pool (no timely, no copy of the trace).
    pub fn is_single_worker(&self) -> bool {
        self.workers == 1 && self.processes() == 1
    }

    /// Number of processes.
    pub fn processes(&self) -> usize {
        self.addresses.len().max(1)
    }

    /// True for the process that receives the merged pair counts and writes the outputs.
    pub fn leads(&self) -> bool {
        self.process == 0
    }

    fn validate(&self) -> Result<(), DistError> {
        if self.workers == 0 {
            return Err(DistError::Config("--workers must be at least 1".into()));
        }
        if self.peer_timeout < 2 * heartbeat::INTERVAL {
            return Err(DistError::Config(format!(
                "--peer-timeout must be at least {} ms (heartbeats are sent every {} ms)",
                (2 * heartbeat::INTERVAL).as_millis(),
                heartbeat::INTERVAL.as_millis()
            )));
        }
        if self.addresses.len() > 1 && self.process >= self.addresses.len() {
            return Err(DistError::Config(format!(
                "--process {} is out of range: the hostfile lists {} processes (0 to {})",
                self.process,
                self.addresses.len(),
                self.addresses.len() - 1
            )));
        }
        Ok(())
    }
}

/// A distributed run that cannot go on.
#[derive(Debug, Error)]
pub enum DistError {
    /// Settings that cannot be used.
    #[error("{0}")]
    Config(String),
    /// Timely could not start (e.g. this process's address cannot be bound).
    #[error("process {process}: timely could not start: {detail}")]
    Start {
        /// This process.
        process: usize,
        /// Cause.
        detail: String,
    },
    /// Other processes died or closed their connections.
    #[error(
        "{peers} stopped or lost the connection during the run ({detail}); the run is abandoned on process {me} and no output was written: restart every process of the hostfile"
    )]
    PeerFailed {
        /// The processes whose connections failed, each with its hostfile address:
        /// `process 2 (10.0.0.3:4000)`, comma-separated and in process order.
        peers: String,
        /// This process.
        me: usize,
        /// What the network layer saw.
        detail: String,
    },
    /// Other processes fell silent: no heartbeat for longer than the peer timeout, with their
    /// connections still open (stopped, hung, or their host cut off).
    #[error(
        "{peers} sent no heartbeat for more than {secs} s (stopped, hung or cut off from this host); the run is abandoned on process {me} and no output was written: end that process and restart every process of the hostfile"
    )]
    PeerSilent {
        /// The silent processes with their hostfile addresses, in process order.
        peers: String,
        /// This process.
        me: usize,
        /// The peer timeout in seconds.
        secs: f64,
    },
    /// Not every process connected in time.
    #[error(
        "process {me}: {missing} did not connect within {secs} s; start each process of the hostfile with its --process index, or raise --connect-timeout"
    )]
    ConnectTimeout {
        /// This process.
        me: usize,
        /// The processes that had not joined this process's mesh, with their addresses.
        missing: String,
        /// The timeout.
        secs: u64,
    },
    /// A worker thread failed.
    #[error("process {process}: a timely worker failed: {detail}")]
    Worker {
        /// This process.
        process: usize,
        /// Cause.
        detail: String,
    },
}

/// Panics of timely's threads (`timely:recv-N`, `timely:send-N`, `timely:work-N`), recorded by
/// the panic hook [`watch_timely_panics`] installs, as `(thread name, message)`.
static TIMELY_PANICS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// How long a process waits, after its first failed connection, for the others to fail too.
const PEER_FAILURE_SETTLE: Duration = Duration::from_millis(500);

/// Records panics of timely's threads instead of printing them: a peer's death makes timely's
/// network threads panic ("timely communication error: ... socket closed"), and the session
/// reports that as one clear error naming the process. Other panics go to the previous hook.
fn watch_timely_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let name = std::thread::current().name().unwrap_or("").to_string();
            // `lockstep-dist` joins timely's guards, which re-raise a network thread's panic.
            if name.starts_with("timely:") || name == "lockstep-dist" {
                let msg = info
                    .payload()
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".to_string());
                if let Ok(mut v) = TIMELY_PANICS.lock() {
                    v.push((name, msg));
                }
            } else {
                previous(info);
            }
        }));
    });
}

/// Timely's communication for `threads` workers in this process and, when `addresses` lists
/// several processes, the TCP mesh to the others (connected by [`mesh::connect`], silently).
fn build_allocators(
    addresses: &[String],
    process: usize,
    threads: usize,
    joined: &Joined,
) -> Result<
    (
        Vec<timely::communication::AllocatorBuilder>,
        Box<dyn std::any::Any + Send>,
    ),
    String,
> {
    use timely::communication::allocator::{AllocatorBuilder, ProcessBuilder};
    if addresses.len() <= 1 {
        let comm = if threads == 1 {
            timely::CommunicationConfig::Thread
        } else {
            timely::CommunicationConfig::Process(threads)
        };
        return comm.try_build_with(timely::communication::initialize::Hooks::default());
    }
    let sockets = mesh::connect(addresses, process, joined).map_err(|e| e.to_string())?;
    let hooks = timely::communication::initialize::Hooks::default();
    let local =
        ProcessBuilder::new_typed_vector(threads, hooks.refill.clone(), hooks.spill.clone());
    let (builders, guard) =
        timely::communication::allocator::zero_copy::initialize::initialize_networking_from_sockets(
            local, sockets, process, threads, hooks,
        )
        .map_err(|e| format!("failed to initialize networking: {e}"))?;
    Ok((
        builders.into_iter().map(AllocatorBuilder::Tcp).collect(),
        Box::new(guard),
    ))
}

/// A running timely execution: on process 0, [`Session::count`] feeds one kernel job into the
/// dataflow and returns its edges; on the other processes [`Session::serve`] takes part in every
/// job until process 0 is [`Session::done`].
pub struct Session {
    config: DistConfig,
    commands: Vec<Sender<Command>>,
    replies: Receiver<Reply>,
    /// When this process's mesh was complete (set by the thread that starts timely).
    connected: Arc<OnceLock<Instant>>,
    /// Which processes joined this process's mesh (cluster runs).
    joined: Joined,
    /// This process's heartbeat (cluster runs; `None` when UDP could not be bound, see notes).
    heartbeat: Option<Heartbeat>,
    started: Instant,
    panics_seen: usize,
    stats: ExchangeStats,
    posts_counted: u64,
    seconds: f64,
}

impl Session {
    /// Starts timely: worker threads, and in cluster mode the TCP mesh to every other process
    /// (connecting proceeds in the background; the first [`Session::count`] waits for it).
    pub fn start(config: DistConfig) -> Result<Session, DistError> {
        config.validate()?;
        watch_timely_panics();
        let panics_seen = TIMELY_PANICS.lock().map(|v| v.len()).unwrap_or(0);
        let threads = config.workers;
        let joined: Joined = Arc::new(Mutex::new(vec![false; config.addresses.len()]));
        let connected = Arc::new(OnceLock::new());
        if config.is_single_worker() {
            // One worker in all: the engine's kernel runs directly in `count`.
            let (_, replies) = mpsc::channel();
            let _ = connected.set(Instant::now());
            return Ok(Session {
                config,
                commands: Vec::new(),
                replies,
                connected,
                joined,
                heartbeat: None,
                started: Instant::now(),
                panics_seen,
                stats: ExchangeStats::default(),
                posts_counted: 0,
                seconds: 0.0,
            });
        }
        let heartbeat = if config.addresses.len() > 1 {
            match heartbeat::start(&config.addresses, config.process) {
                Ok(h) => Some(h),
                Err(e) => {
                    eprintln!(
                        "process {}: no heartbeat (UDP {}: {e}); a hung process will not be detected in this run",
                        config.process, config.addresses[config.process]
                    );
                    None
                }
            }
        } else {
            None
        };
        let mut senders = Vec::with_capacity(threads);
        let mut receivers = Vec::with_capacity(threads);
        for _ in 0..threads {
            let (tx, rx) = mpsc::channel();
            senders.push(tx);
            receivers.push(Some(rx));
        }
        let receivers = Arc::new(Mutex::new(receivers));
        let (reply_tx, reply_rx) = mpsc::channel::<Reply>();
        let process = config.process;
        let addresses = config.addresses.clone();
        let flag = Arc::clone(&connected);
        let joined_m = Arc::clone(&joined);
        let starter_replies = reply_tx.clone();
        std::thread::Builder::new()
            .name("lockstep-dist".into())
            .spawn(move || {
                let built = build_allocators(&addresses, process, threads, &joined_m);
                let (builders, others) = match built {
                    Ok(b) => b,
                    Err(e) => {
                        let _ = starter_replies.send(Reply::StartFailed(e));
                        return;
                    }
                };
                let _ = flag.set(Instant::now());
                if addresses.len() > 1 {
                    eprintln!(
                        "process {process}: connected to the {} processes of the hostfile",
                        addresses.len()
                    );
                }
                let worker_replies = Mutex::new(reply_tx);
                let guards = timely::execute::execute_from(
                    builders,
                    others,
                    timely::WorkerConfig::default(),
                    move |worker| {
                        let Ok(tx) = worker_replies.lock().map(|t| t.clone()) else {
                            return;
                        };
                        run_worker(worker, process, threads, &receivers, &tx);
                    },
                );
                match guards {
                    Ok(g) => {
                        let failed: Vec<String> =
                            g.join().into_iter().filter_map(Result::err).collect();
                        let _ = starter_replies.send(if failed.is_empty() {
                            Reply::Finished
                        } else {
                            Reply::StartFailed(failed.join("; "))
                        });
                    }
                    Err(e) => {
                        let _ = starter_replies.send(Reply::StartFailed(e));
                    }
                }
            })
            .map_err(|e| DistError::Start {
                process,
                detail: e.to_string(),
            })?;
        Ok(Session {
            config,
            commands: senders,
            replies: reply_rx,
            connected,
            joined,
            heartbeat,
            started: Instant::now(),
            panics_seen,
            stats: ExchangeStats::default(),
            posts_counted: 0,
            seconds: 0.0,
        })
    }

    /// The settings.
    pub fn config(&self) -> &DistConfig {
        &self.config
    }

    /// Bytes this process's workers sent to other workers so far.
    pub fn exchanged(&self) -> ExchangeStats {
        self.stats
    }

    /// Actions fed into the dataflow so far (process 0).
    pub fn actions(&self) -> u64 {
        self.posts_counted
    }

    /// Wall seconds spent in [`Session::count`] so far (the first call includes waiting for the
    /// other processes to connect).
    pub fn seconds(&self) -> f64 {
        self.seconds
    }

    /// The failure of timely's threads since this session started, as an error.
    ///
    /// A killed process closes its connection to every other process at once, but a survivor
    /// that notices first exits and closes its own connections too, so the first closed socket
    /// a process sees is not always the dead one's. On the first failure this waits
    /// [`PEER_FAILURE_SETTLE`] for the other network threads and names every peer whose
    /// connection failed.
    ///
    /// A silent process (see [`Session::silent_peers`]) is the cause when one is found after
    /// settling: a survivor that detected it first exits, and its closed connections are a
    /// consequence.
    fn timely_failure(&self) -> Option<DistError> {
        let any_new = TIMELY_PANICS
            .lock()
            .ok()
            .is_some_and(|v| v.len() > self.panics_seen);
        if !any_new {
            return None;
        }
        std::thread::sleep(PEER_FAILURE_SETTLE);
        if let Some(e) = self.silent_peers() {
            return Some(e);
        }
        let v = TIMELY_PANICS.lock().ok()?;
        let new = v.get(self.panics_seen..)?;
        // A network thread names the peer; prefer it over the workers' follow-on panics.
        let mut peers: Vec<(usize, &str)> = new
            .iter()
            .filter_map(|(name, msg)| {
                let n = name
                    .strip_prefix("timely:recv-")
                    .or_else(|| name.strip_prefix("timely:send-"))?;
                Some((n.parse::<usize>().ok()?, msg.as_str()))
            })
            .collect();
        peers.sort_by_key(|&(p, _)| p);
        peers.dedup_by_key(|&mut (p, _)| p);
        if let Some(&(_, detail)) = peers.first() {
            let names: Vec<usize> = peers.iter().map(|&(p, _)| p).collect();
            return Some(DistError::PeerFailed {
                peers: self.name_peers(&names),
                me: self.config.process,
                detail: detail.to_string(),
            });
        }
        new.first().map(|(name, msg)| DistError::Worker {
            process: self.config.process,
            detail: format!("{name}: {msg}"),
        })
    }

    /// `process 2 (10.0.0.3:4100)` for each of `peers`.
    fn name_peers(&self, peers: &[usize]) -> String {
        peers
            .iter()
            .map(|&p| {
                let address = self.config.addresses.get(p).map_or("?", String::as_str);
                format!("process {p} ({address})")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The processes silent for longer than the peer timeout since the mesh was complete, as an
    /// error (cluster runs with a heartbeat only).
    fn silent_peers(&self) -> Option<DistError> {
        let hb = self.heartbeat.as_ref()?;
        let since = *self.connected.get()?;
        let last = hb.last.lock().ok()?;
        let silent = heartbeat::silent(
            &last,
            self.config.process,
            since,
            self.config.peer_timeout,
            Instant::now(),
        );
        (!silent.is_empty()).then(|| DistError::PeerSilent {
            peers: self.name_peers(&silent),
            me: self.config.process,
            secs: self.config.peer_timeout.as_secs_f64(),
        })
    }

    /// The processes that have not joined this process's mesh yet.
    fn missing_peers(&self) -> String {
        let joined = self.joined.lock().map(|v| v.clone()).unwrap_or_default();
        let missing: Vec<usize> = joined
            .iter()
            .enumerate()
            .filter(|&(_, &j)| !j)
            .map(|(p, _)| p)
            .collect();
        if missing.is_empty() {
            format!(
                "not every process of the hostfile ({})",
                self.config.addresses.join(", ")
            )
        } else {
            self.name_peers(&missing)
        }
    }

    /// Runs the kernel on `trace` across every worker of every process. Returns the layer's
    /// edges on process 0 and `None` elsewhere.
    pub fn count(
        &mut self,
        trace: &Trace,
        params: &KernelParams,
    ) -> Result<Option<LayerEdges>, DistError> {
        let t0 = Instant::now();
        let result = self.count_inner(trace, params);
        self.seconds += t0.elapsed().as_secs_f64();
        result
    }

    fn count_inner(
        &mut self,
        trace: &Trace,
        params: &KernelParams,
    ) -> Result<Option<LayerEdges>, DistError> {
        if !self.config.leads() {
            return Err(DistError::Config(format!(
                "process {} does not count: only process 0 reads the input and feeds the dataflow; the other processes serve it (Session::serve)",
                self.config.process
            )));
        }
        self.posts_counted += trace.events.len() as u64;
        if self.config.is_single_worker() {
            return Ok(Some(lockstep_engine::count_pairs(trace, params)));
        }
        if self.commands.is_empty() {
            return Err(DistError::Config(
                "the co-action stage was already declared done on this session".into(),
            ));
        }
        let job = Arc::new(Job {
            trace: Arc::new(trace.clone()),
            params: *params,
        });
        for tx in &self.commands {
            if tx.send(Command::Run(Arc::clone(&job))).is_err() {
                return Err(self.failure("a worker thread has ended"));
            }
        }
        let mut waiting = self.commands.len();
        let mut result = None;
        while waiting > 0 {
            match self.replies.recv_timeout(Duration::from_millis(100)) {
                Ok(Reply::Done { edges, bytes }) => {
                    waiting -= 1;
                    self.stats.add(bytes);
                    if let Some(e) = edges {
                        result = Some(*e);
                    }
                }
                Ok(Reply::Failed(m)) | Ok(Reply::StartFailed(m)) => {
                    if let Some(e) = self.timely_failure() {
                        return Err(e);
                    }
                    return Err(if self.connected.get().is_some() {
                        DistError::Worker {
                            process: self.config.process,
                            detail: m,
                        }
                    } else {
                        DistError::Start {
                            process: self.config.process,
                            detail: m,
                        }
                    });
                }
                Ok(Reply::Finished) => return Err(self.failure("timely ended before the run")),
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(e) = self.timely_failure() {
                        return Err(e);
                    }
                    if let Some(e) = self.silent_peers() {
                        return Err(e);
                    }
                    if self.connected.get().is_none()
                        && self.started.elapsed() > self.config.connect_timeout
                    {
                        return Err(DistError::ConnectTimeout {
                            me: self.config.process,
                            missing: self.missing_peers(),
                            secs: self.config.connect_timeout.as_secs(),
                        });
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.failure("the timely workers ended"));
                }
            }
        }
        if self.config.leads() && result.is_none() {
            return Err(DistError::Worker {
                process: self.config.process,
                detail: "worker 0 returned no pair counts".into(),
            });
        }
        Ok(result)
    }

    fn failure(&self, what: &str) -> DistError {
        self.timely_failure().unwrap_or_else(|| DistError::Worker {
            process: self.config.process,
            detail: what.to_string(),
        })
    }

    /// Process 0, after its last [`Session::count`]: closes the dataflow, so that the other
    /// processes (in [`Session::serve`]) finish and exit while process 0 goes on with the later
    /// stages.
    pub fn done(&mut self) {
        self.commands.clear();
    }

    /// A process other than 0: takes part in every kernel run process 0 feeds, without reading
    /// any input, until process 0 closes the dataflow ([`Session::done`]). Returns the bytes this
    /// process's workers sent. Fails, naming the process, when another process dies, falls silent
    /// (no heartbeat for the peer timeout) or never connects.
    pub fn serve(mut self) -> Result<ExchangeStats, DistError> {
        if self.config.leads() {
            return Err(DistError::Config(
                "process 0 feeds the dataflow (Session::count); it does not serve".into(),
            ));
        }
        let t0 = Instant::now();
        self.commands.clear();
        loop {
            match self.replies.recv_timeout(Duration::from_millis(100)) {
                Ok(Reply::Done { bytes, .. }) => self.stats.add(bytes),
                Ok(Reply::Finished) => {
                    // Timely also ends when a peer's connection fails; only a clean end counts.
                    if let Some(e) = self.timely_failure() {
                        return Err(e);
                    }
                    self.seconds += t0.elapsed().as_secs_f64();
                    return Ok(self.stats);
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.failure("timely ended without finishing cleanly"));
                }
                Ok(Reply::StartFailed(m)) | Ok(Reply::Failed(m)) => {
                    return Err(self.timely_failure().unwrap_or(DistError::Worker {
                        process: self.config.process,
                        detail: m,
                    }));
                }
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(e) = self.timely_failure() {
                        return Err(e);
                    }
                    if let Some(e) = self.silent_peers() {
                        return Err(e);
                    }
                    if self.connected.get().is_none()
                        && self.started.elapsed() > self.config.connect_timeout
                    {
                        return Err(DistError::ConnectTimeout {
                            me: self.config.process,
                            missing: self.missing_peers(),
                            secs: self.config.connect_timeout.as_secs(),
                        });
                    }
                }
            }
        }
    }

    /// Closes the dataflow on this process (see [`Session::done`]) and waits (up to `timeout`)
    /// for timely to shut down cleanly; process 0 calls it after the run.
    pub fn finish(mut self, timeout: Duration) -> Result<ExchangeStats, DistError> {
        if self.config.is_single_worker() {
            return Ok(self.stats);
        }
        self.done();
        let until = Instant::now() + timeout;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(self.failure("timely did not shut down in time"));
            }
            match self
                .replies
                .recv_timeout(left.min(Duration::from_millis(100)))
            {
                Ok(Reply::Finished) => return Ok(self.stats),
                Ok(Reply::StartFailed(m)) | Ok(Reply::Failed(m)) => {
                    return Err(self.timely_failure().unwrap_or(DistError::Worker {
                        process: self.config.process,
                        detail: m,
                    }));
                }
                Ok(Reply::Done { .. }) | Err(RecvTimeoutError::Timeout) => {
                    if let Some(e) = self.timely_failure() {
                        return Err(e);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(self.stats),
            }
        }
    }
}

impl lockstep_pipeline::PairCounter for Session {
    fn count_pairs(
        &mut self,
        trace: &Trace,
        params: &KernelParams,
    ) -> Result<Option<LayerEdges>, String> {
        self.count(trace, params).map_err(|e| e.to_string())
    }

    fn done(&mut self) {
        Session::done(self);
    }
}
