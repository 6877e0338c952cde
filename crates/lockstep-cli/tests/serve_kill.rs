//! kill -9 midway leaves nothing half done: of `lockstep case import`, no half case (the store
//! holds either nothing of the case or all of it, the audit chain verifies, the import can be run
//! again); of `lockstep serve` while it applies an approval, no half-applied decision (either
//! still proposed with no feed line, or applied with every feed line, each once).

use lockstep_export::{
    AccountRow, ClusterRow, EdgeRow, write_accounts, write_clusters, write_edges,
};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const ACCOUNTS: u32 = 100_000;

/// An investigation of [`ACCOUNTS`] accounts in networks of `per_network` members.
fn big_investigation(dir: &Path, per_network: u32) {
    std::fs::create_dir_all(dir).unwrap();
    let ids: Vec<String> = (0..ACCOUNTS)
        .map(|i| format!("{}", 5_000_000 + i))
        .collect();
    write_accounts(
        &dir.join("accounts.csv"),
        ids.iter().enumerate().map(|(i, id)| AccountRow {
            account_id: id,
            screen_name: "someone",
            cluster_id: Some(i as u32 / per_network),
            verdict: Some("inauthentic"),
            role: Some("amplifier"),
            coordination_score: Some(0.5),
            inauthenticity_score: Some(0.5),
            evidence: "sync=0.5",
            operation_id: None,
        }),
    )
    .unwrap();
    let clusters: Vec<ClusterRow> = (0..ACCOUNTS / per_network)
        .map(|c| ClusterRow {
            cluster_id: c,
            size: per_network,
            verdict: Some("inauthentic".into()),
            score: Some(0.9),
            layers: "repost".into(),
            median_delay_s: 5.0,
            edges: 100,
            density: 0.02,
            metrics: lockstep_export::CLUSTER_METRIC_COLUMNS
                .iter()
                .map(|_| String::new())
                .collect(),
            operation_id: None,
        })
        .collect();
    write_clusters(&dir.join("clusters.csv"), &clusters).unwrap();
    write_edges(
        &dir.join("edges.csv"),
        (0..ACCOUNTS as usize).map(|i| EdgeRow {
            source: &ids[i],
            target: &ids[i - i % 100 + (i + 1) % 100],
            layer: "repost",
            scale: "burst",
            weight: 2,
            events: 2,
            median_dt_s: 3.0,
            p_value: None,
            q_value: None,
        }),
    )
    .unwrap();
    std::fs::write(dir.join("summary.json"), "{}\n").unwrap();
    lockstep_outdir::write_manifest(dir, "test").unwrap();
}

fn count(conn: &lockstep_serve::Connection, table: &str) -> i64 {
    conn.query_row(
        &format!("SELECT COUNT(*) FROM {table}"),
        lockstep_serve::params![],
        |r| r.get(0),
    )
    .unwrap()
}

#[cfg(unix)]
#[test]
fn kill_during_import_leaves_no_half_case() {
    let tmp = tempfile::tempdir().unwrap();
    let inv = tmp.path().join("inv");
    big_investigation(&inv, 100);
    let db_path = tmp.path().join("store.db");
    let db = format!("sqlite:{}", db_path.display());
    let bin = assert_cmd::cargo::cargo_bin("lockstep");
    let st = Command::new(&bin)
        .args([
            "user",
            "add",
            "ana",
            "--role",
            "analyst",
            "--database-url",
            &db,
        ])
        .env("LOCKSTEP_PASSWORD", "analyst password")
        .status()
        .unwrap();
    assert!(st.success());
    let wal = tmp.path().join("store.db-wal");
    let wal_before = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let mut child = Command::new(&bin)
        .args(["case", "import", "--as", "ana", "--database-url", &db])
        .arg(&inv)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill once the import has written a good part of its transaction (or after 20 s).
    let start = Instant::now();
    let mut finished = false;
    while start.elapsed() < Duration::from_secs(20) {
        if child.try_wait().unwrap().is_some() {
            finished = true;
            break;
        }
        let grown = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if grown > wal_before + (4 << 20) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let conn = lockstep_serve::db::open(&lockstep_serve::db::DatabaseUrl::Sqlite(db_path.clone()))
        .unwrap();
    let cases = count(&conn, "cases");
    let accounts = count(&conn, "accounts");
    let edges = count(&conn, "edges");
    assert!(
        (cases, accounts, edges) == (0, 0, 0)
            || (cases, accounts, edges) == (1, ACCOUNTS as i64, ACCOUNTS as i64),
        "half case after kill -9: {cases} case(s), {accounts} accounts, {edges} edges (import had finished: {finished})"
    );
    eprintln!(
        "after kill -9 ({} ms, import finished: {finished}): {cases} case(s)",
        start.elapsed().as_millis()
    );
    drop(conn);
    let out = Command::new(&bin)
        .args(["audit", "verify", "--database-url", &db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(&bin)
        .args(["case", "import", "--as", "ana", "--database-url", &db])
        .arg(&inv)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = lockstep_serve::db::open(&lockstep_serve::db::DatabaseUrl::Sqlite(db_path)).unwrap();
    assert_eq!(count(&conn, "accounts"), (cases + 1) * ACCOUNTS as i64);
}

#[cfg(unix)]
#[test]
fn kill_during_approval_leaves_no_half_applied_decision() {
    let tmp = tempfile::tempdir().unwrap();
    let url = lockstep_serve::db::DatabaseUrl::Sqlite(tmp.path().join("store.db"));
    kill_during_approval(&tmp, &url);
}

/// The same on PostgreSQL (the server process is killed about a second into the approval,
/// while its transaction is open; PostgreSQL rolls it back when the connection drops).
#[cfg(unix)]
#[test]
fn kill_during_approval_leaves_no_half_applied_decision_postgres() {
    let Some(server) = lockstep_serve::db::postgres_for_tests(
        "kill_during_approval_leaves_no_half_applied_decision_postgres",
    ) else {
        return;
    };
    let scratch = lockstep_serve::db::ScratchDatabase::create(&server).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    kill_during_approval(&tmp, &scratch.url);
}

#[cfg(unix)]
fn kill_during_approval(tmp: &tempfile::TempDir, url: &lockstep_serve::db::DatabaseUrl) {
    use lockstep_serve::db::{self, DatabaseUrl};
    use lockstep_serve::decisions::{self, Action, Proposal, Target};
    use lockstep_serve::users::{self, Role};
    use std::io::Write as _;
    let inv = tmp.path().join("inv");
    // One network of every account: approving its suspension writes ACCOUNTS feed lines.
    big_investigation(&inv, ACCOUNTS);
    let url = url.clone();
    let conn = db::open(&url).unwrap();
    users::add_user(&conn, "test", "ana", Role::Analyst, "analyst password").unwrap();
    users::add_user(&conn, "test", "rev", Role::Reviewer, "reviewer password").unwrap();
    let ana = users::user_by_name(&conn, "ana").unwrap().unwrap();
    lockstep_serve::import::import_case(&conn, &inv, None, &ana).unwrap();
    let proposal = Proposal {
        case_id: 1,
        target: Target::Network(0),
        action: Action::Suspend,
        exclusions: vec![],
        reason: "kill test".into(),
    };
    let decision = decisions::propose(&conn, &ana, &proposal).unwrap();
    let token = users::create_api_token(&conn, "test", "rev", "kill test").unwrap();
    drop(conn);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let db = match &url {
        DatabaseUrl::Postgres(u) => u.clone(),
        _ => format!("sqlite:{}", tmp.path().join("store.db").display()),
    };
    let bin = assert_cmd::cargo::cargo_bin("lockstep");
    let mut server = Command::new(&bin)
        .args(["serve", "--bind", &addr, "--database-url", &db])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut stream = loop {
        match std::net::TcpStream::connect(&addr) {
            Ok(s) => break s,
            Err(_) if start.elapsed() < Duration::from_secs(30) => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(e) => panic!("the server did not start: {e}"),
        }
    };
    let wal = tmp.path().join("store.db-wal");
    let wal_before = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    write!(
        stream,
        "POST /api/v1/decisions/{decision}/approve HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    // Kill once the approval has written a good part of its transaction (or after 20 s).
    let t = Instant::now();
    let mut finished = false;
    while t.elapsed() < Duration::from_secs(20) {
        let grown = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if grown > wal_before + (2 << 20) {
            break;
        }
        if matches!(url, DatabaseUrl::Postgres(_)) && t.elapsed() > Duration::from_millis(1500) {
            break;
        }
        stream.set_nonblocking(true).unwrap();
        let mut b = [0u8; 1];
        if matches!(std::io::Read::read(&mut stream, &mut b), Ok(1)) {
            finished = true; // the response has started: the approval committed
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();

    let conn = db::open(&url).unwrap();
    let d = decisions::get(&conn, decision).unwrap();
    let lines = count(&conn, "enforcements");
    eprintln!(
        "after kill -9 ({} ms, response started: {finished}): decision {}, {lines} feed lines",
        t.elapsed().as_millis(),
        d.state
    );
    assert!(
        (d.state == "proposed" && lines == 0) || (d.state == "applied" && lines == ACCOUNTS as i64),
        "half-applied decision after kill -9: {} with {lines} feed lines",
        d.state
    );
    drop(conn);
    let out = Command::new(&bin)
        .args(["audit", "verify", "--database-url", &db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Approving again (when the kill came first) applies it once; never twice.
    let conn = db::open(&url).unwrap();
    let rev = users::user_by_name(&conn, "rev").unwrap().unwrap();
    let again = decisions::review(&conn, &rev, decision, true, "");
    if d.state == "proposed" {
        assert_eq!(again.unwrap().len(), ACCOUNTS as usize);
    } else {
        assert_eq!(again.unwrap_err().status(), 409);
    }
    assert_eq!(count(&conn, "enforcements"), ACCOUNTS as i64);
    let distinct: i64 = conn
        .query_row(
            "SELECT COUNT(DISTINCT idempotency_key) FROM enforcements",
            lockstep_serve::params![],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(distinct, ACCOUNTS as i64);
}
