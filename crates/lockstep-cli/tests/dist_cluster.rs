//! `lockstep investigate --processes/--process/--hostfile` (issue 21): three processes of the
//! built binary on loopback (only process 0 reads the input) write byte-identical edges.csv, accounts.csv and clusters.csv to the
//! in-process run (and so does `--workers 2`); a process killed during the run makes the others
//! fail with a message naming it, nothing is written to --out, and a re-run succeeds; a process
//! stopped with SIGSTOP (connections open, no progress) is named within the peer timeout; the
//! connection attempts print nothing on standard output.

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

fn cluster_process_with(
    input: &Path,
    out: &Path,
    hosts: &Path,
    i: usize,
    n: usize,
    extra: &[&str],
) -> Child {
    investigate(input, out, &["--connect-timeout", "60"])
        .args(["--processes", &n.to_string(), "--process", &i.to_string()])
        .arg("--hostfile")
        .arg(hosts)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a process")
}

fn cluster_process(input: &Path, out: &Path, hosts: &Path, i: usize, n: usize) -> Child {
    cluster_process_with(input, out, hosts, i, n, &[])
}

/// Success and standard error of a finished process; its standard output must be empty
/// (`--quiet`; timely's own connection messages went there before lockstep-dist connected the
/// processes itself).
fn stderr_of(c: Child) -> (bool, String) {
    let o = c.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.trim().is_empty(),
        "a cluster process printed on standard output: {stdout}"
    );
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Waits for `p` to end within `limit`; kills it and fails the test otherwise.
fn wait_bounded(name: &str, mut p: Child, limit: Duration) -> (bool, String) {
    let t = Instant::now();
    loop {
        if p.try_wait().expect("try_wait").is_some() {
            return stderr_of(p);
        }
        if t.elapsed() > limit {
            let _ = p.kill();
            let (_, err) = stderr_of(p);
            panic!("{name} did not end within {limit:?}: {err}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Reads `p`'s standard error until it reports the mesh is complete.
fn await_connected(p: &mut Child) {
    let mut lines = BufReader::new(p.stderr.take().expect("stderr")).lines();
    let t = Instant::now();
    loop {
        let line = lines.next().expect("process ended early").expect("line");
        if line.contains("connected to the 3 processes") {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(120), "no connection");
    }
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

    // Three processes on loopback; process 0 writes --out, the others nothing. Only process 0
    // reads the input: the others are given a path that does not exist.
    let hosts = hostfile(dir.path(), 3);
    let multi = dir.path().join("multi");
    let absent = dir.path().join("not-on-this-host.csv");
    let followers: Vec<Child> = (1..3)
        .map(|i| cluster_process(&absent, &multi, &hosts, i, 3))
        .collect();
    let leader = cluster_process(&input, &multi, &hosts, 0, 3);
    let (ok, err) = stderr_of(leader);
    assert!(ok, "process 0 failed: {err}");
    for f in followers {
        let (ok, err) = stderr_of(f);
        assert!(ok, "a follower failed: {err}");
    }
    assert!(!absent.exists() && !multi.join("not-on-this-host.csv").exists());
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
    await_connected(&mut p2);
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
fn a_stopped_process_is_named_within_the_peer_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = world(dir.path(), "500", "5000");
    let hosts = hostfile(dir.path(), 3);
    let stopped_addr = std::fs::read_to_string(&hosts)
        .expect("hosts")
        .lines()
        .nth(2)
        .expect("three lines")
        .to_string();
    let out = dir.path().join("out");
    let timeout = ["--peer-timeout", "2"];
    let p0 = cluster_process_with(&input, &out, &hosts, 0, 3, &timeout);
    let p1 = cluster_process_with(&input, &out, &hosts, 1, 3, &timeout);
    let mut p2 = cluster_process_with(&input, &out, &hosts, 2, 3, &timeout);
    await_connected(&mut p2);
    // Stopped, not killed: its sockets stay open, only the heartbeat can tell.
    let st = Command::new("kill")
        .args(["-STOP", &p2.id().to_string()])
        .status()
        .expect("kill -STOP");
    assert!(st.success());
    let t = Instant::now();
    let stopped = format!("process 2 ({stopped_addr})");
    for (name, p) in [("process 0", p0), ("process 1", p1)] {
        let (ok, err) = wait_bounded(name, p, Duration::from_secs(60));
        assert!(!ok, "{name} succeeded although process 2 was stopped");
        assert!(
            err.contains(&stopped) && err.contains("sent no heartbeat for more than 2 s"),
            "{name} does not name {stopped} as silent: {err}"
        );
        assert!(!err.contains("panicked"), "{name} printed a panic: {err}");
    }
    // The timeout plus the 0.5 s settle and polling, with room for a loaded machine.
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
    assert!(!out.join("edges.csv").exists(), "a failed run left outputs");
    p2.kill().expect("kill the stopped process");
    let _ = p2.wait();
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
