//! `lockstep user`, `case`, `audit` run as the binary on a real investigation (simulated world,
//! `lockstep investigate`): import, decisions, `case export-actions`, `audit verify` before and
//! after tampering with the audit table through plain SQL.

use assert_cmd::Command;
use lockstep_serve::decisions::{self, Action, Proposal, Target};
use std::path::Path;

fn lockstep() -> Command {
    Command::cargo_bin("lockstep").unwrap()
}

fn investigation(root: &Path) -> std::path::PathBuf {
    let world = root.join("world");
    let inv = root.join("inv");
    lockstep()
        .args([
            "simulate",
            "--accounts",
            "1500",
            "--posts",
            "20000",
            "--out",
        ])
        .arg(&world)
        .assert()
        .success();
    lockstep()
        .arg("investigate")
        .arg(world.join("users.csv"))
        .arg(world.join("tweets.csv"))
        .arg("--out")
        .arg(&inv)
        .assert()
        .success();
    inv
}

fn stdout(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn import_decide_export_verify_and_detect_tampering_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", tmp.path().join("store.db").display());
    import_decide_export_verify_and_detect_tampering(tmp.path(), &db);
}

#[test]
fn import_decide_export_verify_and_detect_tampering_postgres() {
    let Some(server) = lockstep_serve::db::postgres_for_tests(
        "import_decide_export_verify_and_detect_tampering_postgres",
    ) else {
        return;
    };
    let scratch = lockstep_serve::db::ScratchDatabase::create(&server).unwrap();
    let lockstep_serve::db::DatabaseUrl::Postgres(db) = &scratch.url else {
        unreachable!("a scratch database is on PostgreSQL")
    };
    let tmp = tempfile::tempdir().unwrap();
    import_decide_export_verify_and_detect_tampering(tmp.path(), db);
}

/// The same commands on the store at `db` (SQLite or PostgreSQL).
fn import_decide_export_verify_and_detect_tampering(root: &Path, db: &str) {
    let tmp_path = root;
    let inv = investigation(tmp_path);
    let db = db.to_string();
    // Users: password from standard input and from the environment.
    lockstep()
        .args([
            "user",
            "add",
            "ana",
            "--role",
            "analyst",
            "--database-url",
            &db,
        ])
        .write_stdin("analyst password\n")
        .assert()
        .success();
    lockstep()
        .args([
            "user",
            "add",
            "rev",
            "--role",
            "reviewer",
            "--database-url",
            &db,
        ])
        .env("LOCKSTEP_PASSWORD", "reviewer password")
        .assert()
        .success();
    let short = lockstep()
        .args(["user", "add", "x", "--role", "admin", "--database-url", &db])
        .env("LOCKSTEP_PASSWORD", "short")
        .output()
        .unwrap();
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));

    // Not an investigation: refused, nothing imported.
    let out = lockstep()
        .args(["case", "import", "--as", "ana", "--database-url", &db])
        .arg(tmp_path.join("world"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("accounts.csv"),
        "{err}"
    );

    let said = stdout(
        lockstep()
            .args(["case", "import", "--as", "ana", "--database-url", &db])
            .arg(&inv),
    );
    assert!(said.starts_with("case 1:"), "{said}");
    let accounts_csv = std::fs::read_to_string(inv.join("accounts.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(accounts_csv.as_bytes());
    let mut members: Vec<String> = rdr
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[2] == "1")
        .map(|r| r[0].to_string())
        .collect();
    members.sort();
    assert!(members.len() >= 3, "network 1 too small: {members:?}");
    assert!(
        said.contains(&format!("{} accounts", accounts_csv.lines().count() - 1)),
        "{said}"
    );

    // Propose and approve through the library on the same store, then export.
    let conn =
        lockstep_serve::db::open(&lockstep_serve::db::DatabaseUrl::parse(&db).unwrap()).unwrap();
    let ana = lockstep_serve::users::user_by_name(&conn, "ana")
        .unwrap()
        .unwrap();
    let rev = lockstep_serve::users::user_by_name(&conn, "rev")
        .unwrap()
        .unwrap();
    let id = decisions::propose(
        &conn,
        &ana,
        &Proposal {
            case_id: 1,
            target: Target::Network(1),
            action: Action::Suspend,
            exclusions: vec![members[0].clone()],
            reason: "test".into(),
        },
    )
    .unwrap();
    assert_eq!(
        stdout(lockstep().args(["case", "export-actions", "--database-url", &db])),
        ""
    );
    decisions::review(&conn, &rev, id, true, "").unwrap();
    let out_file = tmp_path.join("actions.jsonl");
    lockstep()
        .args(["case", "export-actions", "--database-url", &db, "--out"])
        .arg(&out_file)
        .assert()
        .success();
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&out_file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<&str> = lines
        .iter()
        .map(|l| l["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        members[1..].iter().map(String::as_str).collect::<Vec<_>>()
    );
    let after = lines[0]["id"].as_i64().unwrap().to_string();
    let rest = stdout(lockstep().args([
        "case",
        "export-actions",
        "--after",
        &after,
        "--database-url",
        &db,
    ]));
    assert_eq!(rest.lines().count(), lines.len() - 1);

    let ok = stdout(lockstep().args(["audit", "verify", "--database-url", &db]));
    assert!(ok.starts_with("audit chain intact"), "{ok}");

    // Tamper: change who approved, through plain SQL.
    let seq: i64 = conn
        .query_row(
            "SELECT seq FROM audit WHERE action = 'decision.approve'",
            lockstep_serve::params![],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "UPDATE audit SET actor = 'ana' WHERE seq = ?1",
        lockstep_serve::params![seq],
    )
    .unwrap();
    let out = lockstep()
        .args(["audit", "verify", "--database-url", &db])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("broken at row {seq}")), "{err}");
}
