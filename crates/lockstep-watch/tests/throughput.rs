//! Throughput figures for BENCHMARKS.md (not a test of correctness):
//! `cargo test -p lockstep-watch --test throughput -- --ignored --nocapture`.
//! A simulated world (4,000 accounts, 60,000 posts, 92 days) streamed through the watcher with
//! the default 7-day horizon and a snapshot every simulated day, on stdin and through NATS
//! (needs `nats-server` or `LOCKSTEP_NATS_URL`, as tests/nats.rs).

mod common;

use lockstep_watch::{WatchConfig, Watcher, run_lines};
use std::time::{Duration, Instant};

#[test]
#[ignore = "benchmark"]
fn throughput() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let tweets = common::world(dir.path(), 11, 4000, 60_000);
    let (_, lines) = common::stream(&tweets);
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    for every in [86_400, 7 * 86_400] {
        let mut cfg = WatchConfig::new(dir.path().join(format!("stdin-{every}")));
        cfg.every_s = every;
        let mut w = Watcher::open(cfg).unwrap_or_else(|e| panic!("{e}"));
        let t = Instant::now();
        let mut out = Vec::new();
        run_lines(&mut w, input.as_bytes(), &mut out, 10_000).unwrap_or_else(|e| panic!("{e}"));
        let s = t.elapsed().as_secs_f64();
        println!(
            "stdin: {} posts, snapshot every {} s: {:.2} s, {:.0} posts/s, {} snapshots, {} alerts, resident {} MiB",
            lines.len(),
            every,
            s,
            lines.len() as f64 / s,
            w.counters().snapshots,
            w.counters().alerts,
            lockstep_watch::resident_bytes() >> 20
        );
    }
    let Some(url) = std::env::var("LOCKSTEP_NATS_URL").ok() else {
        println!("NATS figure: set LOCKSTEP_NATS_URL (nats-server -js) to measure it");
        return;
    };
    let tag = std::process::id();
    let (stream, subject) = (format!("TP_{tag}"), format!("tp.{tag}"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let client = async_nats::connect(url.as_str())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let js = async_nats::jetstream::new(client);
        js.get_or_create_stream(async_nats::jetstream::stream::Config {
            name: stream.clone(),
            subjects: vec![subject.clone()],
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let mut acks = Vec::new();
        for l in &lines {
            acks.push(
                js.publish(subject.clone(), l.clone().into())
                    .await
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        }
        for a in acks {
            a.await.unwrap_or_else(|e| panic!("{e}"));
        }
    });
    let mut cfg = WatchConfig::new(dir.path().join("nats"));
    cfg.every_s = 7 * 86_400;
    let mut w = Watcher::open(cfg).unwrap_or_else(|e| panic!("{e}"));
    let idle = Duration::from_secs(1);
    let opts = lockstep_watch::nats::NatsOptions {
        url,
        subject,
        stream,
        durable: "tp".into(),
        alerts_subject: Some(format!("tp-alerts.{tag}")),
        dead_letter_subject: None,
        idle_exit: Some(idle),
        batch: 1000,
    };
    let t = Instant::now();
    let mut out = Vec::new();
    lockstep_watch::nats::run(&mut w, &opts, &mut out).unwrap_or_else(|e| panic!("{e}"));
    let s = (t.elapsed() - idle).as_secs_f64();
    println!(
        "nats: {} posts, snapshot every 604800 s: {:.2} s (idle wait excluded), {:.0} posts/s, {} alerts",
        lines.len(),
        s,
        lines.len() as f64 / s,
        w.counters().alerts
    );
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Alert latency and restart time (bench/watch_latency.sh): a simulated world streamed through
/// the watcher with `--every` = `LOCKSTEP_LATENCY_EVERY` seconds (default 3600) and the default
/// 7-day horizon. Wall latency of an alert: from the arrival of the post whose time crosses the
/// snapshot tick to the alert checkpointed and handed out (the snapshot, the checkpoint and the
/// delivery); its stream-time latency is at most `--every` (the alert carries the tick as its
/// stream time, the post that made the network significant came before it). Restart: the
/// watcher is dropped at mid-stream after a checkpoint, reopened on its state directory
/// (checkpoint read, horizon and dataflow rebuilt), and fed the next 10 simulated minutes of
/// posts: the time to be caught up.
#[test]
#[ignore = "benchmark"]
fn latency_and_restart() {
    let every: i64 = std::env::var("LOCKSTEP_LATENCY_EVERY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3600);
    let (accounts, posts): (u32, u64) = std::env::var("LOCKSTEP_LATENCY_SIZE")
        .ok()
        .and_then(|s| {
            let (a, p) = s.split_once(',')?;
            Some((a.parse().ok()?, p.parse().ok()?))
        })
        .unwrap_or((4000, 60_000));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let tweets = common::world(dir.path(), 12, accounts, posts);
    let (_, lines) = common::stream(&tweets);
    let times: Vec<i64> = lines
        .iter()
        .map(|l| {
            lockstep_watch::message::parse(l)
                .ok()
                .flatten()
                .map_or(0, |m| m.time)
        })
        .collect();
    let state = dir.path().join("state");
    let mut cfg = WatchConfig::new(state.clone());
    cfg.every_s = every;
    let mut w = Watcher::open(cfg.clone()).unwrap_or_else(|e| panic!("{e}"));
    let mut latencies: Vec<f64> = Vec::new();
    let mut snapshot_s: Vec<f64> = Vec::new();
    let mut sink: Vec<u8> = Vec::new();
    let half = lines.len() / 2;
    let t0 = Instant::now();
    for (i, l) in lines[..half].iter().enumerate() {
        let before = (w.counters().snapshots, w.counters().alerts);
        let t = Instant::now();
        w.offer(i as u64 + 1, l).unwrap_or_else(|e| panic!("{e}"));
        if w.counters().snapshots != before.0 {
            snapshot_s.push(t.elapsed().as_secs_f64());
        }
        if w.counters().alerts != before.1 {
            w.checkpoint().unwrap_or_else(|e| panic!("{e}"));
            for a in w.undelivered() {
                sink.extend_from_slice(a.as_bytes());
            }
            w.mark_delivered().unwrap_or_else(|e| panic!("{e}"));
            latencies.push(t.elapsed().as_secs_f64());
        }
    }
    let first_half_s = t0.elapsed().as_secs_f64();
    let t = Instant::now();
    w.checkpoint().unwrap_or_else(|e| panic!("{e}"));
    let checkpoint_s = t.elapsed().as_secs_f64();
    let horizon = w.horizon_len();
    drop(w);
    let t = Instant::now();
    let mut w = Watcher::open(cfg).unwrap_or_else(|e| panic!("{e}"));
    let reopen_s = t.elapsed().as_secs_f64();
    let until = times[half] + 600;
    let mut n = 0usize;
    for (i, l) in lines.iter().enumerate().skip(half) {
        if times[i] > until {
            break;
        }
        w.offer(i as u64 + 1, l).unwrap_or_else(|e| panic!("{e}"));
        n += 1;
    }
    w.checkpoint().unwrap_or_else(|e| panic!("{e}"));
    let caught_up_s = t.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    snapshot_s.sort_by(f64::total_cmp);
    println!(
        "latency: {} posts ({} accounts), --every {every} s, 7-day horizon: {} posts in {:.1} s; {} snapshots (wall p50 {:.3} s, p99 {:.3} s, max {:.3} s); {} alert deliveries, wall latency p50 {:.3} s, p99 {:.3} s, max {:.3} s; stream-time latency <= {every} s",
        lines.len(),
        accounts,
        half,
        first_half_s,
        snapshot_s.len(),
        percentile(&snapshot_s, 0.5),
        percentile(&snapshot_s, 0.99),
        snapshot_s.last().copied().unwrap_or(f64::NAN),
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN),
    );
    println!(
        "restart: checkpoint of {horizon} horizon posts {:.3} s; reopen {:.3} s; reopen + next 10 simulated minutes ({n} posts) + checkpoint {:.3} s; resident {} MiB",
        checkpoint_s,
        reopen_s,
        caught_up_s,
        lockstep_watch::resident_bytes() >> 20
    );
}
