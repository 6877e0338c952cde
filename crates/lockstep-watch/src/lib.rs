//! `lockstep watch`: streaming detection (docs/watch.md).
//!
//! A [`Watcher`] takes messages one at a time ([`Watcher::offer`]) with their input position
//! (stdin line number or JetStream stream sequence). Accepted posts enter a sliding horizon
//! (default 7 days of stream time); every `--every` of stream time the watcher takes a snapshot:
//! posts older than the horizon leave it (retracted from the incremental dataflow), the
//! horizon's posts run through `lockstep_pipeline::investigate` — the same significance,
//! clustering and verdict code as batch — and inauthentic networks with accounts not named
//! before raise [`Alert`]s. The repost layer's pair weights are maintained incrementally on
//! differential dataflow ([`coaction`]) and checked against the batch kernel at every snapshot
//! (`incremental_mismatches` in the status).
//!
//! Delivery: [`Watcher::checkpoint`] appends new alerts and dead letters to the state
//! directory and replaces the checkpoint; only then are alerts handed out
//! ([`Watcher::undelivered`]) and input acknowledged. After `kill -9`, [`Watcher::open`]
//! resumes from the checkpoint: input at or before its position is skipped, the same input after
//! it produces the same alerts with the same ids, and an id already raised is never raised again.

pub mod coaction;
pub mod known;
pub mod message;
pub mod nats;
pub mod reregistration;
pub mod snapshot;
pub mod state;

use coaction::CoAction;
use lockstep_engine::{Layer, Scale};
use lockstep_model::{Resolution, Verdict};
use lockstep_pipeline::InvestigateConfig;
use message::Message;
use serde::Serialize;
use state::{Checkpoint, StateDir};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use thiserror::Error;

/// Errors of the watcher.
#[derive(Debug, Error)]
pub enum WatchError {
    /// Reading or writing a file.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The state directory is unusable.
    #[error("state: {0}")]
    State(String),
    /// A snapshot failed (ingest or the pipeline).
    #[error("snapshot: {0}")]
    Snapshot(String),
    /// A bad setting.
    #[error("{0}")]
    Config(String),
    /// NATS.
    #[error("nats: {0}")]
    Nats(String),
}

/// Parses a duration: `90`, `90s`, `15m`, `6h`, `7d`.
pub fn parse_duration(s: &str) -> Result<i64, WatchError> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, 's')) => (&t[..i], 1),
        Some((i, 'm')) => (&t[..i], 60),
        Some((i, 'h')) => (&t[..i], 3600),
        Some((i, 'd')) => (&t[..i], 86_400),
        _ => (t, 1),
    };
    match num.trim().parse::<i64>() {
        Ok(n) if n > 0 => Ok(n * mult),
        _ => Err(WatchError::Config(format!(
            "bad duration `{s}`: expected a positive number with an optional unit s, m, h or d (e.g. 60s, 7d)"
        ))),
    }
}

/// Settings of a watcher.
#[derive(Clone, Debug)]
pub struct WatchConfig {
    /// The state directory (`--state`).
    pub state: PathBuf,
    /// Sliding horizon in seconds of stream time (`--horizon`, default 7 days).
    pub horizon_s: i64,
    /// Snapshot interval in seconds of stream time (`--every`, default 60 s).
    pub every_s: i64,
    /// Events older than the largest time seen by more than this go to the dead letters
    /// (`--max-lateness`, default 300 s).
    pub max_lateness_s: i64,
    /// The batch configuration the snapshots run (`--config`, as `investigate`).
    pub investigate: InvestigateConfig,
    /// Known suspended networks for re-registration alerts (`--known`).
    pub known: Option<PathBuf>,
    /// Confidence a new account needs for a re-registration alert
    /// (`--reregistration-confidence`, default 0.5; [`reregistration`]).
    pub reregistration_confidence: f64,
}

impl WatchConfig {
    /// Defaults with the state directory `state`.
    pub fn new(state: PathBuf) -> WatchConfig {
        WatchConfig {
            state,
            horizon_s: 7 * 86_400,
            every_s: 60,
            max_lateness_s: 300,
            investigate: InvestigateConfig::default(),
            known: None,
            reregistration_confidence: 0.5,
        }
    }
}

/// An alert (docs/watch.md, "Alerts").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alert {
    /// Deterministic id: the same network (same accounts) always gets the same id.
    pub alert_id: String,
    /// `network` or `re_registration`.
    pub kind: &'static str,
    /// Stream time of the snapshot that raised it (UTC, RFC 3339).
    pub stream_time: String,
    /// External ids of the network's accounts, sorted.
    pub accounts: Vec<String>,
    /// The accounts no earlier alert of this kind named, sorted.
    pub new_accounts: Vec<String>,
    /// `re_registration`: the known network the accounts come back to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// Confidence in [0, 1] (the cluster's verdict score).
    pub confidence: f64,
    /// Why.
    pub evidence: Evidence,
}

/// An alert's evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Evidence {
    /// `network`: the batch pipeline's cluster.
    Network(NetworkEvidence),
    /// `re_registration`: the known accounts the new ones co-act with.
    ReRegistration(ReRegistrationEvidence),
}

/// Evidence of a `re_registration` alert.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReRegistrationEvidence {
    /// Per new account: its evidence against the network and its confidence.
    pub accounts: BTreeMap<String, reregistration::Match>,
    /// How many distinct suspended accounts they co-act with, amplify or take a handle stem
    /// from.
    pub suspended_partners: usize,
    /// Layers of their co-action links (`cluster` for a shared coordinated cluster).
    pub layers: Vec<String>,
}

/// Evidence of a `network` alert: the batch pipeline's cluster.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetworkEvidence {
    /// The cluster's verdict.
    pub verdict: String,
    /// Layers with a significant edge inside.
    pub layers: Vec<String>,
    /// Significant edges inside (per layer and scale).
    pub edges: u32,
    /// Linked pairs / possible pairs.
    pub density: f64,
    /// Median delay between co-actions, seconds.
    pub median_delay_s: f32,
    /// Posts in the horizon at the snapshot.
    pub horizon_posts: u64,
}

/// A refused message (docs/watch.md, "Dead letters").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeadLetter {
    /// Input position (stdin line number or stream sequence).
    pub position: u64,
    /// Why.
    pub reason: String,
    /// The message as received (cut to 4 KiB).
    pub message: String,
}

/// The runs of the repost layer the dataflow maintains: `(run index, scale, window)`.
fn repost_runs(config: &InvestigateConfig) -> Vec<(Scale, i64)> {
    config
        .engine
        .scales
        .iter()
        .filter_map(|&s| {
            config
                .engine
                .parsed_windows
                .get(Layer::Repost, s, Resolution::Second)
                .map(|w| (s, w))
        })
        .collect()
}

/// The streaming detector.
pub struct Watcher {
    config: WatchConfig,
    dir: StateDir,
    ck: Checkpoint,
    horizon: BTreeMap<u64, Message>,
    coaction: CoAction,
    runs: Vec<(Scale, i64)>,
    accounts: HashMap<String, u32>,
    pending_alerts: Vec<Alert>,
    pending_dead: Vec<DeadLetter>,
    alerts_log: Vec<String>,
    delivered: u64,
    last: Option<snapshot::Snapshot>,
    known: Option<known::KnownNetworks>,
}

fn rfc3339(t: i64) -> String {
    lockstep_ingest::timeparse::format_utc(t)
}

impl Watcher {
    /// Opens (or resumes from) the state directory.
    pub fn open(config: WatchConfig) -> Result<Watcher, WatchError> {
        let mut config = config;
        config
            .investigate
            .validate()
            .map_err(|e| WatchError::Config(e.to_string()))?;
        if config.horizon_s < config.every_s {
            return Err(WatchError::Config(format!(
                "--horizon ({} s) is shorter than --every ({} s)",
                config.horizon_s, config.every_s
            )));
        }
        let dir = StateDir::open(&config.state)?;
        let ck = dir.load()?.unwrap_or_default();
        let alerts_log = dir.cut_to("alerts.jsonl", ck.alerts_logged)?;
        dir.cut_to("dead_letters.jsonl", ck.dead_letters_logged)?;
        let delivered = dir.delivered()?.min(ck.alerts_logged);
        let known = match &config.known {
            Some(p) => Some(known::KnownNetworks::load(p)?),
            None => None,
        };
        let runs = repost_runs(&config.investigate);
        let coaction = CoAction::new(runs.iter().map(|r| r.1).collect());
        let mut w = Watcher {
            config,
            dir,
            ck,
            horizon: BTreeMap::new(),
            coaction,
            runs,
            accounts: HashMap::new(),
            pending_alerts: Vec::new(),
            pending_dead: Vec::new(),
            alerts_log,
            delivered,
            last: None,
            known,
        };
        for (pos, raw) in std::mem::take(&mut w.ck.horizon) {
            let m = message::parse(&raw)
                .map_err(|e| {
                    WatchError::State(format!("checkpoint horizon, position {pos}: {}", e.0))
                })?
                .ok_or_else(|| {
                    WatchError::State(format!("checkpoint horizon, position {pos}: empty"))
                })?;
            w.insert(pos, m);
        }
        w.coaction.settle();
        Ok(w)
    }

    /// The checkpoint's input position: input at or before it was processed.
    pub fn position(&self) -> u64 {
        self.ck.position
    }

    /// The counters.
    pub fn counters(&self) -> &state::Counters {
        &self.ck.counters
    }

    /// Posts in the horizon.
    pub fn horizon_len(&self) -> usize {
        self.horizon.len()
    }

    fn account(&mut self, ext: &str) -> u32 {
        let n = self.accounts.len() as u32;
        *self.accounts.entry(ext.to_string()).or_insert(n)
    }

    fn events(&mut self, m: &Message) -> Vec<coaction::Event> {
        let Some(target) = m.repost_of.as_deref() else {
            return Vec::new();
        };
        let t = xxhash_rust::xxh3::xxh3_64(target.as_bytes());
        let a = self.account(&m.account);
        (0..self.runs.len() as u8)
            .map(|r| (r, t, a, m.time))
            .collect()
    }

    fn insert(&mut self, pos: u64, m: Message) {
        for e in self.events(&m) {
            self.coaction.update(e, 1);
        }
        self.horizon.insert(pos, m);
    }

    /// Processes one message at input `position` (positions increase). Input at or before the
    /// checkpoint's position is skipped (already processed before a restart).
    pub fn offer(&mut self, position: u64, line: &str) -> Result<(), WatchError> {
        if position <= self.ck.position {
            return Ok(());
        }
        self.ck.position = position;
        self.ck.counters.messages += 1;
        let m = match message::parse(line) {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(()),
            Err(r) => {
                self.dead(position, r.0, line);
                return Ok(());
            }
        };
        if let Some(wm) = self.ck.watermark
            && m.time < wm - self.config.max_lateness_s
        {
            let reason = format!(
                "late: event time {} is {} s before the latest event time {} (--max-lateness {} s)",
                rfc3339(m.time),
                wm - m.time,
                rfc3339(wm),
                self.config.max_lateness_s
            );
            self.dead(position, reason, line);
            return Ok(());
        }
        let every = self.config.every_s;
        let next = *self
            .ck
            .next_tick
            .get_or_insert(m.time.div_euclid(every) * every + every);
        if m.time >= next {
            // Stream time passed one or more ticks: one snapshot at the latest passed tick.
            let tick = m.time.div_euclid(every) * every;
            self.snapshot(tick)?;
            self.ck.next_tick = Some(tick + every);
        }
        self.ck.watermark = Some(self.ck.watermark.map_or(m.time, |w| w.max(m.time)));
        self.ck.counters.events_in += 1;
        self.insert(position, m);
        Ok(())
    }

    fn dead(&mut self, position: u64, reason: String, line: &str) {
        let mut message = line.trim_end().to_string();
        if message.len() > 4096 {
            let mut cut = 4096;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
        }
        self.ck.counters.dead_letters += 1;
        self.pending_dead.push(DeadLetter {
            position,
            reason,
            message,
        });
    }

    /// The end of a finite input (stdin): a last snapshot at the stream time just past the
    /// latest event.
    pub fn finish(&mut self) -> Result<(), WatchError> {
        if let Some(wm) = self.ck.watermark {
            self.snapshot(wm + 1)?;
        }
        Ok(())
    }

    /// Expires posts older than `at - horizon`, snapshots, and queues alerts.
    fn snapshot(&mut self, at: i64) -> Result<(), WatchError> {
        let cutoff = at - self.config.horizon_s;
        let old: Vec<u64> = self
            .horizon
            .iter()
            .filter(|(_, m)| m.time < cutoff)
            .map(|(p, _)| *p)
            .collect();
        for p in old {
            if let Some(m) = self.horizon.remove(&p) {
                for e in self.events(&m) {
                    self.coaction.update(e, -1);
                }
                self.ck.counters.events_expired += 1;
            }
        }
        self.coaction.settle();
        self.ck.counters.snapshots += 1;
        let Some(snap) = snapshot::run(self.horizon.values(), &self.config.investigate)? else {
            return Ok(());
        };
        self.ck.counters.rejected_at_snapshot += snap.rejected;
        if self.incremental_differs(&snap) {
            self.ck.counters.incremental_mismatches += 1;
        }
        let ds = &snap.dataset;
        let ext =
            |a: lockstep_model::AccountId| ds.str(ds.accounts.external_id[a.idx()]).to_string();
        for c in &snap.investigation.clusters {
            if c.verdict != Some(Verdict::Inauthentic) {
                continue;
            }
            let mut accounts: Vec<String> = c.members.iter().map(|&a| ext(a)).collect();
            accounts.sort();
            let new_accounts: Vec<String> = accounts
                .iter()
                .filter(|a| !self.ck.alerted_accounts.contains(*a))
                .cloned()
                .collect();
            if new_accounts.is_empty() {
                continue;
            }
            let alert_id = alert_id("network", &accounts);
            if !self.ck.alert_ids.insert(alert_id.clone()) {
                continue;
            }
            self.ck.alerted_accounts.extend(accounts.iter().cloned());
            self.ck.counters.alerts += 1;
            self.pending_alerts.push(Alert {
                alert_id,
                kind: "network",
                stream_time: rfc3339(at),
                accounts,
                new_accounts,
                network: None,
                confidence: c.score.unwrap_or(0.0),
                evidence: Evidence::Network(NetworkEvidence {
                    verdict: c.verdict.map_or("", Verdict::as_str).to_string(),
                    layers: c.layers.iter().map(|l| l.as_str().to_string()).collect(),
                    edges: c.edges,
                    density: c.density,
                    median_delay_s: c.median_delay_s,
                    horizon_posts: self.horizon.len() as u64,
                }),
            });
        }
        self.re_registrations(&snap, at);
        self.last = Some(snap);
        Ok(())
    }

    /// Re-registration alerts ([`reregistration`]): learns the known networks' traits from the
    /// snapshot, then alerts on the accounts outside them whose evidence reaches
    /// `reregistration_confidence`, one alert per network and snapshot.
    fn re_registrations(&mut self, snap: &snapshot::Snapshot, at: i64) {
        let Some(known) = &self.known else {
            return;
        };
        let mut logins = reregistration::Logins::new();
        for m in self.horizon.values() {
            if let Some((d, ip)) = reregistration::login_of(&m.raw) {
                let e = logins.entry(m.account.clone()).or_default();
                e.0.extend(d);
                e.1.extend(ip);
            }
        }
        reregistration::learn(known, &mut self.ck.known_traits, &snap.dataset, &logins);
        let found = reregistration::matches(&reregistration::Snapshot {
            known,
            traits: &self.ck.known_traits,
            ds: &snap.dataset,
            inv: &snap.investigation,
            logins: &logins,
            params: &self.config.investigate.score.params,
            at,
            skip: &self.ck.reregistered,
        });
        let mut per_net: BTreeMap<usize, BTreeMap<String, reregistration::Match>> = BTreeMap::new();
        for (n, acc, m) in found {
            if m.confidence >= self.config.reregistration_confidence {
                per_net.entry(n).or_default().insert(acc, m);
            }
        }
        for (n, rows) in per_net {
            let net = &known.networks[n];
            let accounts: Vec<String> = rows.keys().cloned().collect();
            let mut key = vec![net.name.clone()];
            key.extend(accounts.iter().cloned());
            let alert_id = alert_id("re_registration", &key);
            if !self.ck.alert_ids.insert(alert_id.clone()) {
                continue;
            }
            let confidence = rows.values().map(|m| m.confidence).fold(1.0, f64::min);
            let suspended_partners = rows
                .values()
                .flat_map(|m| {
                    m.partners
                        .iter()
                        .chain(&m.amplified)
                        .chain(m.suspended_stem_of.iter())
                })
                .filter(|p| net.suspended.contains(*p))
                .collect::<BTreeSet<_>>()
                .len();
            let layers: BTreeSet<String> = rows
                .values()
                .flat_map(|m| m.layers.iter().cloned())
                .collect();
            self.ck.reregistered.extend(accounts.iter().cloned());
            self.ck.counters.alerts += 1;
            self.pending_alerts.push(Alert {
                alert_id,
                kind: "re_registration",
                stream_time: rfc3339(at),
                new_accounts: accounts.clone(),
                accounts,
                network: Some(net.name.clone()),
                confidence,
                evidence: Evidence::ReRegistration(ReRegistrationEvidence {
                    accounts: rows,
                    suspended_partners,
                    layers: layers.into_iter().collect(),
                }),
            });
        }
    }

    /// The latest snapshot since this watcher was opened (its dataset and investigation).
    pub fn last_snapshot(&self) -> Option<&snapshot::Snapshot> {
        self.last.as_ref()
    }

    /// The repost weights of the dataflow, by `(scale, a, b)` external ids, for comparison with
    /// the batch kernel.
    pub fn incremental_repost_weights(&mut self) -> BTreeMap<(Scale, String, String), i64> {
        self.coaction.settle();
        let names: HashMap<u32, &str> = self
            .accounts
            .iter()
            .map(|(k, v)| (*v, k.as_str()))
            .collect();
        let mut out = BTreeMap::new();
        for (&(r, a, b), &w) in self.coaction.weights().iter() {
            let (Some(na), Some(nb)) = (names.get(&a), names.get(&b)) else {
                continue;
            };
            let (x, y) = if na <= nb { (na, nb) } else { (nb, na) };
            out.insert((self.runs[r as usize].0, x.to_string(), y.to_string()), w);
        }
        out
    }

    fn incremental_differs(&mut self, snap: &snapshot::Snapshot) -> bool {
        let batch = batch_repost_weights(snap);
        // Only comparable when the batch windows are the dataflow's (data at a coarser
        // resolution raises them).
        let same_windows = snap.investigation.runs.iter().all(|r| {
            r.edges.layer != Layer::Repost
                || self
                    .runs
                    .iter()
                    .any(|&(s, w)| s == r.edges.scale && w == r.edges.window_s)
        });
        same_windows && batch != self.incremental_repost_weights()
    }

    /// Appends queued alerts and dead letters to the state directory and writes the checkpoint.
    /// Input up to [`Watcher::position`] may be acknowledged after this returns.
    pub fn checkpoint(&mut self) -> Result<(), WatchError> {
        let alert_lines: Vec<String> = self
            .pending_alerts
            .iter()
            .map(|a| serde_json::to_string(a).map_err(|e| WatchError::State(e.to_string())))
            .collect::<Result<_, _>>()?;
        let dead_lines: Vec<String> = self
            .pending_dead
            .iter()
            .map(|d| serde_json::to_string(d).map_err(|e| WatchError::State(e.to_string())))
            .collect::<Result<_, _>>()?;
        self.dir.append("alerts.jsonl", &alert_lines)?;
        self.dir.append("dead_letters.jsonl", &dead_lines)?;
        self.ck.alerts_logged += alert_lines.len() as u64;
        self.ck.dead_letters_logged += dead_lines.len() as u64;
        self.alerts_log.extend(alert_lines);
        self.pending_alerts.clear();
        self.pending_dead.clear();
        self.ck.horizon = self
            .horizon
            .iter()
            .map(|(p, m)| (*p, m.raw.clone()))
            .collect();
        let r = self.dir.save(&self.ck);
        self.ck.horizon = Vec::new();
        r?;
        self.write_status()
    }

    /// Dead letters queued since the last checkpoint (for a dead-letter subject).
    pub fn pending_dead_letters(&self) -> &[DeadLetter] {
        &self.pending_dead
    }

    /// Alert lines checkpointed but not yet delivered, oldest first.
    pub fn undelivered(&self) -> &[String] {
        &self.alerts_log[self.delivered as usize..]
    }

    /// Records that every checkpointed alert was delivered.
    pub fn mark_delivered(&mut self) -> Result<(), WatchError> {
        if self.delivered != self.alerts_log.len() as u64 {
            self.delivered = self.alerts_log.len() as u64;
            self.dir.set_delivered(self.delivered)?;
        }
        Ok(())
    }

    fn write_status(&self) -> Result<(), WatchError> {
        let status = serde_json::json!({
            "position": self.ck.position,
            "watermark": self.ck.watermark.map(rfc3339),
            "horizon_posts": self.horizon.len(),
            "counters": self.ck.counters,
            "resident_bytes": resident_bytes(),
        });
        self.dir
            .write_atomic("status.json", status.to_string().as_bytes())
    }
}

/// The batch kernel's repost weights of a snapshot, by `(scale, a, b)` external ids.
pub fn batch_repost_weights(snap: &snapshot::Snapshot) -> BTreeMap<(Scale, String, String), i64> {
    let ds = &snap.dataset;
    let mut out = BTreeMap::new();
    for r in &snap.investigation.runs {
        if r.edges.layer != Layer::Repost {
            continue;
        }
        for e in &r.edges.edges {
            let a = ds.str(ds.accounts.external_id[e.a.idx()]).to_string();
            let b = ds.str(ds.accounts.external_id[e.b.idx()]).to_string();
            let (x, y) = if a <= b { (a, b) } else { (b, a) };
            out.insert((r.edges.scale, x, y), i64::from(e.stats.weight));
        }
    }
    out
}

/// `kind-` and the first 16 bytes of the xxh3-128 of the sorted account ids, in hex.
pub fn alert_id(kind: &str, accounts: &[String]) -> String {
    let mut sorted: BTreeSet<&str> = BTreeSet::new();
    sorted.extend(accounts.iter().map(String::as_str));
    let mut buf = String::new();
    for a in sorted {
        buf.push_str(a);
        buf.push('\u{1f}');
    }
    format!(
        "{kind}-{:032x}",
        xxhash_rust::xxh3::xxh3_128(buf.as_bytes())
    )
}

/// Resident memory of this process (Linux `/proc/self/statm`), bytes; 0 elsewhere.
pub fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Reads NDJSON from `input` to its end (`lockstep watch --from -`): alerts go to `out` as JSON
/// lines after each checkpoint; a checkpoint is taken every `checkpoint_every` messages and at
/// the end.
pub fn run_lines(
    watcher: &mut Watcher,
    input: impl std::io::BufRead,
    out: &mut dyn std::io::Write,
    checkpoint_every: u64,
) -> Result<(), WatchError> {
    deliver(watcher, out)?;
    let mut since = 0u64;
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(|source| WatchError::Io {
            path: "stdin".into(),
            source,
        })?;
        watcher.offer(i as u64 + 1, &line)?;
        since += 1;
        if since >= checkpoint_every {
            watcher.checkpoint()?;
            deliver(watcher, out)?;
            since = 0;
        }
    }
    watcher.finish()?;
    watcher.checkpoint()?;
    deliver(watcher, out)
}

fn deliver(watcher: &mut Watcher, out: &mut dyn std::io::Write) -> Result<(), WatchError> {
    for l in watcher.undelivered() {
        writeln!(out, "{l}").map_err(|source| WatchError::Io {
            path: "stdout".into(),
            source,
        })?;
    }
    out.flush().map_err(|source| WatchError::Io {
        path: "stdout".into(),
        source,
    })?;
    watcher.mark_delivered()
}
