//! `lockstep watch`: streaming detection on NDJSON stdin or a NATS JetStream subject
//! (docs/watch.md). The work is in lockstep-watch; this file parses flags and wires stdio.

use anyhow::Context as _;
use lockstep_pipeline::InvestigateConfig;
use lockstep_watch::{WatchConfig, Watcher, nats::NatsOptions, parse_duration};
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `lockstep watch`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Input: `-` for NDJSON on stdin (read to its end), or `nats://HOST:PORT`.
    #[arg(long, required_unless_present = "status")]
    pub from: Option<String>,
    /// State directory: checkpoint, alerts.jsonl, dead_letters.jsonl, status.json.
    #[arg(long)]
    pub state: PathBuf,
    /// Print the state directory's status (counters, lag, memory) and exit.
    #[arg(long)]
    pub status: bool,
    /// Sliding horizon in stream time (e.g. 7d, 36h).
    #[arg(long, default_value = "7d")]
    pub horizon: String,
    /// Snapshot interval in stream time (e.g. 60s, 1h).
    #[arg(long, default_value = "60s")]
    pub every: String,
    /// Events older than the latest event time by more than this go to the dead letters.
    #[arg(long, default_value = "300s")]
    pub max_lateness: String,
    /// Batch configuration (TOML, the shape of investigate's run.toml) the snapshots run.
    #[arg(long, value_name = "TOML")]
    pub config: Option<PathBuf>,
    /// NATS subject the posts arrive on.
    #[arg(long, default_value = "lockstep.posts")]
    pub subject: String,
    /// JetStream stream holding --subject (created when missing).
    #[arg(long, default_value = "LOCKSTEP_POSTS")]
    pub stream: String,
    /// Durable consumer name.
    #[arg(long, default_value = "lockstep-watch")]
    pub durable: String,
    /// NATS subject alerts are published on (JetStream, de-duplicated by alert_id).
    #[arg(long, default_value = "lockstep.alerts")]
    pub alerts_subject: String,
    /// NATS subject dead letters are published on.
    #[arg(long, default_value = "lockstep.dead")]
    pub dead_letter_subject: String,
    /// Exit after this long without NATS messages (replays and tests); default: run until stopped.
    #[arg(long)]
    pub idle_exit: Option<String>,
    /// Known suspended networks for re_registration alerts: an investigation directory
    /// (accounts.csv, optional suspended.txt) or the enforcement feed of `lockstep case
    /// export-actions` (JSON lines).
    #[arg(long, value_name = "DIR|FILE")]
    pub known: Option<PathBuf>,
    /// Confidence in (0, 1] a new account's evidence must reach to raise a re_registration
    /// alert (docs/watch.md, Re-registration).
    #[arg(long, default_value_t = 0.5)]
    pub reregistration_confidence: f64,
    /// Checkpoint every this many stdin lines (and at the end).
    #[arg(long, default_value_t = 10_000)]
    pub checkpoint_lines: u64,
}

/// Runs `lockstep watch`.
pub fn run(a: Args) -> anyhow::Result<()> {
    if a.status {
        let p = a.state.join("status.json");
        let s = std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
        let v: serde_json::Value =
            serde_json::from_str(&s).with_context(|| format!("parsing {}", p.display()))?;
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    let mut cfg = WatchConfig::new(a.state.clone());
    cfg.horizon_s = parse_duration(&a.horizon).context("--horizon")?;
    cfg.every_s = parse_duration(&a.every).context("--every")?;
    cfg.max_lateness_s = parse_duration(&a.max_lateness).context("--max-lateness")?;
    cfg.known = a.known.clone();
    if !(a.reregistration_confidence > 0.0 && a.reregistration_confidence <= 1.0) {
        anyhow::bail!(
            "--reregistration-confidence {}: expected a number in (0, 1]",
            a.reregistration_confidence
        );
    }
    cfg.reregistration_confidence = a.reregistration_confidence;
    if let Some(p) = &a.config {
        cfg.investigate = InvestigateConfig::from_path(p).context("reading --config")?;
    }
    let mut watcher = Watcher::open(cfg).context("opening the watcher")?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match a.from.as_deref() {
        Some("-") => {
            let stdin = std::io::stdin();
            lockstep_watch::run_lines(
                &mut watcher,
                stdin.lock(),
                &mut out,
                a.checkpoint_lines.max(1),
            )?;
        }
        Some(url) if url.starts_with("nats://") => {
            let opts = NatsOptions {
                url: url.to_string(),
                subject: a.subject,
                stream: a.stream,
                durable: a.durable,
                alerts_subject: Some(a.alerts_subject),
                dead_letter_subject: Some(a.dead_letter_subject),
                idle_exit: match &a.idle_exit {
                    Some(s) => Some(Duration::from_secs(
                        parse_duration(s).context("--idle-exit")? as u64,
                    )),
                    None => None,
                },
                batch: 1000,
            };
            lockstep_watch::nats::run(&mut watcher, &opts, &mut out)?;
        }
        Some(other) => anyhow::bail!("--from {other}: expected `-` (stdin) or nats://HOST:PORT"),
        None => anyhow::bail!("--from is required"),
    }
    let c = watcher.counters();
    eprintln!(
        "watch: {} message(s), {} post(s) in, {} dead letter(s), {} alert(s), {} snapshot(s); state in {}",
        c.messages,
        c.events_in,
        c.dead_letters,
        c.alerts,
        c.snapshots,
        a.state.display()
    );
    Ok(())
}
