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
