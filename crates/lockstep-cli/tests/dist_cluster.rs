//! `lockstep investigate --processes/--process/--hostfile` (issue 21): three processes of the
//! built binary on loopback write byte-identical edges.csv, accounts.csv and clusters.csv to the
//! in-process run (and so does `--workers 2`); a process killed during the run makes the others
//! fail with a message naming it, nothing is written to --out, and a re-run succeeds.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_lockstep"))
}

/// A small simulated world (tweets.csv) in `dir`.
fn world(dir: &Path, accounts: &str, posts: &str) -> PathBuf {
    let out = dir.join("world");
    let st = Command::new(bin())
        .args([
            "simulate",
            "--accounts",
            accounts,
            "--posts",
            posts,
            "--out",
        ])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run simulate");
    assert!(st.success());
    out.join("tweets.csv")
}

/// A hostfile of `n` free loopback ports.
fn hostfile(dir: &Path, n: usize) -> PathBuf {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind"))
        .collect();
    let text: String = listeners
        .iter()
        .map(|l| format!("{}\n", l.local_addr().expect("addr")))
        .collect();
    let path = dir.join("hosts.txt");
    std::fs::write(&path, text).expect("write hostfile");
    path
}

fn investigate(input: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.arg("investigate")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra);
    c
}

fn cluster_process(input: &Path, out: &Path, hosts: &Path, i: usize, n: usize) -> Child {
    investigate(input, out, &["--connect-timeout", "60"])
        .args(["--processes", &n.to_string(), "--process", &i.to_string()])
        .arg("--hostfile")
        .arg(hosts)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a process")
}

fn stderr_of(c: Child) -> (bool, String) {
    let o = c.wait_with_output().expect("wait");
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn assert_identical(a: &Path, b: &Path) {
    for f in ["edges.csv", "accounts.csv", "clusters.csv"] {
        let x = std::fs::read(a.join(f)).expect("read");
        let y = std::fs::read(b.join(f)).expect("read");
        assert!(x.len() > 100, "{f} is not trivially small");
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn three_processes_match_one_and_a_killed_process_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = world(dir.path(), "1500", "15000");

    let single = dir.path().join("single");
    assert!(
        investigate(&input, &single, &[])
            .status()
            .expect("run")
            .success()
    );
    let threads = dir.path().join("threads");
    assert!(
        investigate(&input, &threads, &["--workers", "2"])
            .status()
            .expect("run")
            .success()
    );
    assert_identical(&single, &threads);

    // Three processes on loopback; process 0 writes --out, the others nothing.
    let hosts = hostfile(dir.path(), 3);
    let multi = dir.path().join("multi");
    let followers: Vec<Child> = (1..3)
        .map(|i| cluster_process(&input, &multi, &hosts, i, 3))
        .collect();
    let leader = cluster_process(&input, &multi, &hosts, 0, 3);
    let (ok, err) = stderr_of(leader);
    assert!(ok, "process 0 failed: {err}");
    for f in followers {
        let (ok, err) = stderr_of(f);
        assert!(ok, "a follower failed: {err}");
    }
    assert_identical(&single, &multi);
    let summary = std::fs::read_to_string(multi.join("summary.json")).expect("summary");
    assert!(summary.contains("3 process(es) x 1 worker(s)"), "{summary}");

    // Kill process 2 once it has joined: processes 0 and 1 fail naming it, --out stays empty.
    let addresses = std::fs::read_to_string(&hosts).expect("hosts");
    let killed_addr = addresses.lines().nth(2).expect("three lines").to_string();
    let failed = dir.path().join("failed");
    let p0 = cluster_process(&input, &failed, &hosts, 0, 3);
    let p1 = cluster_process(&input, &failed, &hosts, 1, 3);
    let mut p2 = cluster_process(&input, &failed, &hosts, 2, 3);
    let mut lines = BufReader::new(p2.stderr.take().expect("stderr")).lines();
    let t = Instant::now();
    loop {
        let line = lines.next().expect("process 2 ended early").expect("line");
        if line.contains("connected to the 3 processes") {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(120), "no connection");
    }
    p2.kill().expect("kill process 2");
    let _ = p2.wait();
    // Both survivors fail, write nothing and name the killed process among the peers whose
    // connection failed (a survivor that notices first exits, so the other may see two peers go).
    let killed = format!("process 2 ({killed_addr})");
    for (name, p) in [("process 0", p0), ("process 1", p1)] {
        let (ok, err) = stderr_of(p);
        assert!(!ok, "{name} succeeded although process 2 was killed");
        assert!(
            err.contains(&killed) && err.contains("stopped or lost the connection"),
            "{name} does not name {killed}: {err}"
        );
        assert!(
            !err.contains("panicked"),
            "{name} printed a panic instead of one error: {err}"
        );
        assert!(err.contains("no output was written"), "{err}");
    }
    assert!(
        !failed.join("edges.csv").exists(),
        "a failed run left outputs in --out"
    );

    // A re-run of every process succeeds and matches.
    let rerun: Vec<Child> = (0..3)
        .map(|i| cluster_process(&input, &failed, &hosts, i, 3))
        .collect();
    for p in rerun {
        let (ok, err) = stderr_of(p);
        assert!(ok, "re-run failed: {err}");
    }
    assert_identical(&single, &failed);
}

#[test]
fn hostfile_mistakes_are_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hosts = dir.path().join("hosts.txt");
    std::fs::write(&hosts, "127.0.0.1:4000\nlocalhost\n").expect("write");
    let o = investigate(Path::new("x.csv"), &dir.path().join("o"), &[])
        .args(["--processes", "2", "--process", "0", "--hostfile"])
        .arg(&hosts)
        .output()
        .expect("run");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("hosts.txt:2: `localhost` is not host:port"),
        "{err}"
    );
    std::fs::write(&hosts, "127.0.0.1:4000\n").expect("write");
    let o = investigate(Path::new("x.csv"), &dir.path().join("o"), &[])
        .args(["--processes", "2", "--process", "0", "--hostfile"])
        .arg(&hosts)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--processes 2 but --hostfile"), "{err}");
}
