//! kill -9 of `lockstep case import` midway leaves no half case: after the kill the store holds
//! either nothing of the case or all of it, the audit chain verifies, and the import can be run
//! again.

use lockstep_export::{
    AccountRow, ClusterRow, EdgeRow, write_accounts, write_clusters, write_edges,
};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const ACCOUNTS: u32 = 100_000;

fn big_investigation(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let ids: Vec<String> = (0..ACCOUNTS)
        .map(|i| format!("{}", 5_000_000 + i))
        .collect();
    write_accounts(
        &dir.join("accounts.csv"),
        ids.iter().enumerate().map(|(i, id)| AccountRow {
            account_id: id,
            screen_name: "someone",
            cluster_id: Some(i as u32 / 100),
            verdict: Some("inauthentic"),
            role: Some("amplifier"),
            coordination_score: Some(0.5),
            inauthenticity_score: Some(0.5),
            evidence: "sync=0.5",
            operation_id: None,
        }),
    )
    .unwrap();
    let clusters: Vec<ClusterRow> = (0..ACCOUNTS / 100)
        .map(|c| ClusterRow {
            cluster_id: c,
            size: 100,
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
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[cfg(unix)]
#[test]
fn kill_during_import_leaves_no_half_case() {
    let tmp = tempfile::tempdir().unwrap();
    let inv = tmp.path().join("inv");
    big_investigation(&inv);
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
