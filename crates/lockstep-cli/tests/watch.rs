//! `lockstep watch` end to end: NDJSON on stdin, alerts on stdout, dead letters counted, and
//! `kill -9` in the middle of a stream followed by a restart ends in the state of a run that was
//! never killed (same alerts.jsonl, same checkpoint, every alert id delivered).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn lockstep() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lockstep"))
}

fn world(dir: &Path) -> PathBuf {
    let out = dir.join("world");
    let st = lockstep()
        .args([
            "simulate",
            "--seed",
            "7",
            "--accounts",
            "1500",
            "--posts",
            "12000",
            "--out",
        ])
        .arg(&out)
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(st.success());
    out.join("tweets.csv")
}

fn ndjson(tweets: &Path) -> Vec<String> {
    let mut r = csv::Reader::from_path(tweets).unwrap_or_else(|e| panic!("{e}"));
    let header: Vec<String> = r
        .headers()
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(String::from)
        .collect();
    let t = header
        .iter()
        .position(|c| c == "tweet_time")
        .unwrap_or_else(|| panic!("tweet_time"));
    let mut rows: Vec<csv::StringRecord> = r
        .records()
        .map(|x| x.unwrap_or_else(|e| panic!("{e}")))
        .collect();
    // Stream order: by time (the simulator writes account by account).
    rows.sort_by(|a, b| a.get(t).cmp(&b.get(t)));
    rows.into_iter()
        .map(|rec| {
            let o: serde_json::Map<String, serde_json::Value> = header
                .iter()
                .zip(rec.iter())
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.to_string())))
                .collect();
            serde_json::Value::Object(o).to_string()
        })
        .collect()
}

fn watch(state: &Path) -> Command {
    let mut c = lockstep();
    c.args([
        "watch",
        "--from",
        "-",
        "--every",
        "7d",
        "--horizon",
        "3650d",
        "--checkpoint-lines",
        "300",
        "--state",
    ])
    .arg(state);
    c
}

fn run_to_end(state: &Path, input: &str) -> String {
    let mut child = watch(state)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("stdin"));
    let text = input.to_string();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let _ = feeder.join();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            v["alert_id"]
                .as_str()
                .unwrap_or_else(|| panic!("no alert_id: {l}"))
                .to_string()
        })
        .collect()
}

fn position(state: &Path) -> u64 {
    std::fs::read(state.join("checkpoint.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["position"].as_u64())
        .unwrap_or(0)
}

#[test]
fn kill_9_and_restart_equals_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut lines = ndjson(&world(dir.path()));
    lines.insert(50, "{\"tweetid\": \"x\"}".into());
    lines.insert(60, "garbage".into());
    let input = lines.join("\n") + "\n";

    let s1 = dir.path().join("s1");
    let whole = run_to_end(&s1, &input);
    let whole_ids = ids(&whole);
    assert!(
        !whole_ids.is_empty(),
        "the simulated operation raises alerts"
    );
    let status = lockstep()
        .args(["watch", "--status", "--state"])
        .arg(&s1)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let status: serde_json::Value =
        serde_json::from_slice(&status.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status["counters"]["dead_letters"], 2);
    assert_eq!(status["counters"]["incremental_mismatches"], 0);

    // Killed with SIGKILL once it has checkpointed part of the stream.
    let s2 = dir.path().join("s2");
    let mut child = watch(&s2)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("stdin"));
    let half = lines[..lines.len() * 2 / 3].join("\n") + "\n";
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(half.as_bytes());
        // Keep stdin open: the watcher must be killed, not reach the end.
        std::thread::sleep(Duration::from_secs(600));
    });
    let t = Instant::now();
    while position(&s2) < (lines.len() / 3) as u64 {
        assert!(t.elapsed() < Duration::from_secs(300), "no checkpoint");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap_or_else(|e| panic!("{e}")); // SIGKILL
    let first = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    drop(feeder);
    let resumed = run_to_end(&s2, &input);

    let mut got = ids(&String::from_utf8_lossy(&first.stdout));
    got.extend(ids(&resumed));
    got.sort();
    got.dedup();
    let mut want = whole_ids.clone();
    want.sort();
    assert_eq!(got, want, "every alert delivered");
    let read = |p: PathBuf| std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    assert_eq!(read(s2.join("alerts.jsonl")), read(s1.join("alerts.jsonl")));
    assert_eq!(
        read(s2.join("dead_letters.jsonl")),
        read(s1.join("dead_letters.jsonl"))
    );
    assert_eq!(
        read(s2.join("checkpoint.json")),
        read(s1.join("checkpoint.json"))
    );

    // A restart after the end: nothing new.
    assert_eq!(run_to_end(&s1, &input), "");
}
