//! Shared test fixtures: the two store backends (every store and HTTP test runs on SQLite and on
//! PostgreSQL), a small investigation written by the export crate's own writers, and a minimal
//! HTTP/1.1 client over a TCP socket.
#![allow(dead_code)]

use lockstep_serve::db::DatabaseUrl;

use lockstep_export::{
    AccountRow, ClusterRow, EdgeRow, write_accounts, write_clusters, write_edges,
};
use std::io::{Read, Write};
use std::path::Path;

/// Writes a small investigation: network 0 with 5 members (a0..a4), network 1 with 3 (b0..b2),
/// one account in no network; network 0 runs Pages p1, p2 and Group g1.
pub fn write_investigation(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut accounts = Vec::new();
    let ids: Vec<(String, Option<u32>)> = (0..5)
        .map(|i| (format!("a{i}"), Some(0)))
        .chain((0..3).map(|i| (format!("b{i}"), Some(1))))
        .chain(std::iter::once(("loner".to_string(), None)))
        .collect();
    for (id, c) in &ids {
        accounts.push(AccountRow {
            account_id: id,
            screen_name: "=HYPERLINK(\"x\")",
            cluster_id: *c,
            verdict: Some(if c.is_some() { "inauthentic" } else { "none" }),
            role: c.map(|_| "core"),
            coordination_score: Some(0.9),
            inauthenticity_score: Some(0.8),
            evidence: "sync=0.9",
            operation_id: c.map(|_| 0),
        });
    }
    write_accounts(&dir.join("accounts.csv"), accounts).unwrap();
    let cluster = |id: u32, size: u32| ClusterRow {
        cluster_id: id,
        size,
        verdict: Some("inauthentic".into()),
        score: Some(0.9),
        layers: "repost;text".into(),
        median_delay_s: 12.0,
        edges: 4,
        density: 0.5,
        metrics: lockstep_export::CLUSTER_METRIC_COLUMNS
            .iter()
            .map(|c| {
                if *c == "origin" {
                    "-state".to_string()
                } else {
                    "1".to_string()
                }
            })
            .collect(),
        operation_id: Some(0),
    };
    write_clusters(&dir.join("clusters.csv"), &[cluster(0, 5), cluster(1, 3)]).unwrap();
    write_edges(
        &dir.join("edges.csv"),
        [EdgeRow {
            source: "a0",
            target: "a1",
            layer: "repost",
            scale: "burst",
            weight: 3,
            events: 4,
            median_dt_s: 2.0,
            p_value: Some(0.001),
            q_value: Some(0.01),
        }],
    )
    .unwrap();
    std::fs::write(dir.join("summary.json"), "{\"version\":\"test\"}\n").unwrap();
    // Network 0 runs two Pages (p1 by a0 and a1, p2 by a2) and a Group (g1 by a3 and an account
    // that never posted); network 1 runs none.
    let page = |id: &str, kind: &str, admins: &[&str]| lockstep_ads::pages::PageVerdict {
        page_id: id.into(),
        page_name: format!("=Daily {id}"),
        page_kind: kind.into(),
        verdict: "inauthentic",
        network: Some(0),
        admins: admins.len(),
        inauthentic_admins: admins.len(),
        posing_as_news: vec!["news_like_name"],
        evidence: "admins judged inauthentic".into(),
        admin_ids: admins.iter().map(|a| a.to_string()).collect(),
    };
    let f = std::fs::File::create(dir.join("pages.csv")).unwrap();
    lockstep_ads::pages::write_csv(
        &[
            page("p1", "page", &["a0", "a1"]),
            page("p2", "page", &["a2"]),
            page("g1", "group", &["a3", "silent"]),
        ],
        f,
    )
    .unwrap();
    lockstep_outdir::write_manifest(dir, "test").unwrap();
}

/// A response: status, headers (lower-case names), body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Sends one request (Connection: close) and reads the whole reply.
pub fn request(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_string(),
    }
}

/// Which store a test runs on.
#[derive(Clone, Debug)]
pub enum Backend {
    /// An SQLite file in the test's temporary directory.
    Sqlite,
    /// A fresh database on the server at this URL.
    Postgres(String),
}

/// PostgreSQL when the test server is set, see [`lockstep_serve::db::postgres_for_tests`].
pub fn postgres_or_skip(test: &str) -> Option<Backend> {
    lockstep_serve::db::postgres_for_tests(test).map(Backend::Postgres)
}

/// A store for one test; a PostgreSQL database is dropped when this is.
pub struct TestStore {
    /// Where it is.
    pub url: DatabaseUrl,
    _scratch: Option<lockstep_serve::db::ScratchDatabase>,
}

impl TestStore {
    /// A new, empty store on `backend` (SQLite: `dir/store.db`).
    pub fn new(backend: &Backend, dir: &Path) -> TestStore {
        match backend {
            Backend::Sqlite => TestStore {
                url: DatabaseUrl::Sqlite(dir.join("store.db")),
                _scratch: None,
            },
            Backend::Postgres(admin_url) => {
                let scratch = lockstep_serve::db::ScratchDatabase::create(admin_url)
                    .unwrap_or_else(|e| panic!("{admin_url}: {e}"));
                TestStore {
                    url: scratch.url.clone(),
                    _scratch: Some(scratch),
                }
            }
        }
    }
}

/// Runs each named test function (`fn name(backend: Backend)`) twice: `name::sqlite` and
/// `name::postgres` (skipped without a server, see [`postgres_or_skip`]).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name($crate::common::Backend::Sqlite)
            }
            #[test]
            fn postgres() {
                if let Some(b) = $crate::common::postgres_or_skip(concat!(stringify!($name), "::postgres")) {
                    super::$name(b)
                }
            }
        }
    )*};
}
