//! A running timely execution serving the pipeline's kernel runs, with fault detection.

pub use crate::dataflow::ByteCounts as ExchangeStats;
use crate::dataflow::{Command, Job, Reply, run_worker};
use lockstep_engine::{KernelParams, LayerEdges, Trace};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, Once};
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
}

impl DistConfig {
    /// One process with `workers` threads.
    pub fn threads(workers: usize) -> DistConfig {
        DistConfig {
            workers,
            process: 0,
            addresses: Vec::new(),
            connect_timeout: Duration::from_secs(60),
        }
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
    /// Not every process connected in time.
    #[error(
        "process {me}: not every process of the hostfile ({addresses}) connected within {secs} s; start each of them with its --process index, or raise --connect-timeout"
    )]
    ConnectTimeout {
        /// This process.
        me: usize,
        /// The hostfile's addresses.
        addresses: String,
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

/// A running timely execution: [`Session::count`] runs one kernel job on every worker of every
/// process; every process must submit the same jobs in the same order.
pub struct Session {
    config: DistConfig,
    commands: Vec<Sender<Command>>,
    replies: Receiver<Reply>,
    connected: Arc<AtomicBool>,
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
        let mut senders = Vec::with_capacity(threads);
        let mut receivers = Vec::with_capacity(threads);
        for _ in 0..threads {
            let (tx, rx) = mpsc::channel();
            senders.push(tx);
            receivers.push(Some(rx));
        }
        let receivers = Arc::new(Mutex::new(receivers));
        let (reply_tx, reply_rx) = mpsc::channel::<Reply>();
        let connected = Arc::new(AtomicBool::new(false));
        let comm = if config.addresses.len() > 1 {
            timely::CommunicationConfig::Cluster {
                threads,
                process: config.process,
                addresses: config.addresses.clone(),
                report: false,
                zerocopy: false,
            }
        } else if threads == 1 {
            timely::CommunicationConfig::Thread
        } else {
            timely::CommunicationConfig::Process(threads)
        };
        let process = config.process;
        let cluster_size = (config.addresses.len() > 1).then_some(config.addresses.len());
        let flag = Arc::clone(&connected);
        let starter_replies = reply_tx.clone();
        std::thread::Builder::new()
            .name("lockstep-dist".into())
            .spawn(move || {
                let built =
                    comm.try_build_with(timely::communication::initialize::Hooks::default());
                let (builders, others) = match built {
                    Ok(b) => b,
                    Err(e) => {
                        let _ = starter_replies.send(Reply::StartFailed(e));
                        return;
                    }
                };
                flag.store(true, Ordering::SeqCst);
                if let Some(n) = cluster_size {
                    eprintln!("process {process}: connected to the {n} processes of the hostfile");
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

    /// Actions fed into the dataflow so far (every process counts every job's actions).
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
    fn timely_failure(&self) -> Option<DistError> {
        let any_new = TIMELY_PANICS
            .lock()
            .ok()
            .is_some_and(|v| v.len() > self.panics_seen);
        if !any_new {
            return None;
        }
        std::thread::sleep(PEER_FAILURE_SETTLE);
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
            let names: Vec<String> = peers
                .iter()
                .map(|&(p, _)| {
                    let address = self.config.addresses.get(p).map_or("?", String::as_str);
                    format!("process {p} ({address})")
                })
                .collect();
            return Some(DistError::PeerFailed {
                peers: names.join(", "),
                me: self.config.process,
                detail: detail.to_string(),
            });
        }
        new.first().map(|(name, msg)| DistError::Worker {
            process: self.config.process,
            detail: format!("{name}: {msg}"),
        })
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
        let job = Arc::new(Job {
            trace: Arc::new(trace.clone()),
            params: *params,
        });
        self.posts_counted += trace.events.len() as u64;
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
                    return Err(if self.connected.load(Ordering::SeqCst) {
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
                    if !self.connected.load(Ordering::SeqCst)
                        && self.started.elapsed() > self.config.connect_timeout
                    {
                        return Err(DistError::ConnectTimeout {
                            me: self.config.process,
                            addresses: self.config.addresses.join(", "),
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

    /// Closes the dataflow on this process and waits (up to `timeout`) for timely to shut down
    /// cleanly; every process should call it after its last [`Session::count`].
    pub fn finish(mut self, timeout: Duration) -> Result<ExchangeStats, DistError> {
        self.commands.clear();
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
}
