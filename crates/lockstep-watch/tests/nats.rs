//! The watcher on a real NATS server with JetStream: the same alerts as on stdin, dead letters
//! published and counted, alerts published once on the alerts subject.
//!
//! The server: `LOCKSTEP_NATS_URL` when set (.ci/run starts one), else a `nats-server -js`
//! started here on a free local port. Without the binary the test is skipped with a message,
//! except under CI (`CI` set), where it fails.

mod common;

use async_nats::jetstream;
use futures_util::StreamExt;
use lockstep_watch::nats::NatsOptions;
use lockstep_watch::{WatchConfig, Watcher, run_lines};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server {
    url: String,
    child: Option<Child>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(c) = self.child.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn nats_binary() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/usr/bin".into()])
        .map(|d| d.join("nats-server"))
        .find(|p| p.is_file())
}

fn server() -> Option<Server> {
    if let Ok(url) = std::env::var("LOCKSTEP_NATS_URL") {
        return Some(Server {
            url,
            child: None,
            _dir: None,
        });
    }
    let Some(bin) = nats_binary() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "nats-server is missing under CI: .ci/run installs Debian's nats-server"
        );
        eprintln!("SKIPPED: nats-server not found (apt-get install nats-server)");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("nats://127.0.0.1:{port}");
    let server = Server {
        url: url.clone(),
        child: Some(
            Command::new(bin)
                .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
                .arg(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("nats-server: {e}")),
        ),
        _dir: Some(dir),
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(server);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("nats-server did not start on {url}");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Publishes `lines` on `subject` into stream `stream` (created here).
fn publish(url: &str, stream: &str, subject: &str, lines: &[String]) {
    runtime().block_on(async {
        let client = async_nats::connect(url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let js = jetstream::new(client);
        js.get_or_create_stream(jetstream::stream::Config {
            name: stream.to_string(),
            subjects: vec![subject.to_string()],
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let mut acks = Vec::new();
        for l in lines {
            acks.push(
                js.publish(subject.to_string(), l.clone().into())
                    .await
                    .unwrap_or_else(|e| panic!("{e}")),
            );
            if acks.len() >= 1000 {
                for a in acks.drain(..) {
                    a.await.unwrap_or_else(|e| panic!("{e}"));
                }
            }
        }
        for a in acks {
            a.await.unwrap_or_else(|e| panic!("{e}"));
        }
    });
}

/// Messages currently on `subject` of stream `stream`.
fn read_subject(url: &str, stream: &str) -> Vec<String> {
    runtime().block_on(async {
        let client = async_nats::connect(url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let js = jetstream::new(client);
        let s = js
            .get_stream(stream)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let c: jetstream::consumer::PullConsumer = s
            .create_consumer(jetstream::consumer::pull::Config::default())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        let mut batch = c
            .fetch()
            .max_messages(10_000)
            .expires(Duration::from_millis(500))
            .messages()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        while let Some(m) = batch.next().await {
            let m = m.unwrap_or_else(|e| panic!("{e}"));
            out.push(String::from_utf8_lossy(&m.payload).into_owned());
        }
        out
    })
}

#[test]
fn nats_gives_the_alerts_of_stdin_once() {
    let Some(srv) = server() else { return };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let tweets = common::world(dir.path(), 7, 1500, 12_000);
    let (_, mut lines) = common::stream(&tweets);
    lines.insert(10, "{not json".to_string());
    let tag = std::process::id();
    let (stream, subject) = (format!("POSTS_{tag}"), format!("posts.{tag}"));
    publish(&srv.url, &stream, &subject, &lines);

    let config = |state: &str| {
        let mut c = WatchConfig::new(dir.path().join(state));
        c.every_s = 7 * 86_400;
        c.horizon_s = 3650 * 86_400;
        c
    };
    let mut on_stdin = Vec::new();
    let mut w = Watcher::open(config("stdin")).unwrap_or_else(|e| panic!("{e}"));
    run_lines(&mut w, lines.join("\n").as_bytes(), &mut on_stdin, 1000)
        .unwrap_or_else(|e| panic!("{e}"));

    let opts = NatsOptions {
        url: srv.url.clone(),
        subject: subject.clone(),
        stream: stream.clone(),
        durable: "watch".into(),
        alerts_subject: Some(format!("alerts.{tag}")),
        dead_letter_subject: Some(format!("dead.{tag}")),
        idle_exit: Some(Duration::from_secs(1)),
        batch: 500,
    };
    let mut on_nats = Vec::new();
    let mut w = Watcher::open(config("nats")).unwrap_or_else(|e| panic!("{e}"));
    lockstep_watch::nats::run(&mut w, &opts, &mut on_nats).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(w.counters().dead_letters, 1);
    assert_eq!(w.counters().events_in, lines.len() as u64 - 1);
    let on_stdin = String::from_utf8_lossy(&on_stdin).into_owned();
    let on_nats = String::from_utf8_lossy(&on_nats).into_owned();
    assert!(!on_stdin.is_empty());
    assert_eq!(on_nats, on_stdin);

    // A restart on the same durable consumer: nothing new, no alert again.
    let mut again = Vec::new();
    let mut w = Watcher::open(config("nats")).unwrap_or_else(|e| panic!("{e}"));
    lockstep_watch::nats::run(&mut w, &opts, &mut again).unwrap_or_else(|e| panic!("{e}"));
    assert!(again.is_empty(), "{}", String::from_utf8_lossy(&again));
    // The alerts subject holds each alert once (JetStream de-duplicates by alert_id).
    let published = read_subject(&srv.url, &format!("{stream}_ALERTS"));
    assert_eq!(published.len(), on_stdin.lines().count());
}
