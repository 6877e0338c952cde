//! Benchmarks for BENCHMARKS.md (not a test): writes a synthetic investigation of N accounts
//! (default 200,000) with the export crate's writers, imports it into a fresh SQLite store
//! (timed), then serves it on loopback and measures the read API (network page JSON, first page
//! of 100 members of a 100-account network) with C client threads × R requests each.
//!
//! Then W writers (half proposing, half approving, each with its own user and API token) work for
//! S seconds; afterwards every applied decision must appear once in the audit chain
//! (`decision.apply`), the feed must hold exactly the lines those rows count, the chain must
//! verify, and no request may have had a 5xx.
//!
//!   cargo run --release -p lockstep-serve --example serve_bench -- [ACCOUNTS] [CLIENTS] [REQUESTS] [WRITERS] [SECONDS]

use lockstep_export::{
    AccountRow, ClusterRow, EdgeRow, write_accounts, write_clusters, write_edges,
};
use std::io::{Read, Write};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = *args.first().unwrap_or(&200_000);
    let clients = *args.get(1).unwrap_or(&8) as usize;
    let per_client = *args.get(2).unwrap_or(&1000) as usize;
    let tmp = tempfile::tempdir()?;
    let inv = tmp.path().join("inv");
    std::fs::create_dir_all(&inv)?;
    let cluster_size = 100u64;
    let in_clusters = n / 2;
    let clusters = in_clusters / cluster_size;
    let ids: Vec<String> = (0..n).map(|i| format!("{}", 1_000_000_000 + i)).collect();
    let evidence = "sync=0.91; handle_pattern=0.80 (8 digits); creation_burst=0.75";
    write_accounts(
        &inv.join("accounts.csv"),
        ids.iter().enumerate().map(|(i, id)| AccountRow {
            account_id: id,
            screen_name: "user_name",
            cluster_id: ((i as u64) < in_clusters).then_some((i as u64 / cluster_size) as u32),
            verdict: Some("inauthentic"),
            role: Some(if i % 10 == 0 { "core" } else { "amplifier" }),
            coordination_score: Some(0.8),
            inauthenticity_score: Some(0.7),
            evidence,
            operation_id: None,
        }),
    )?;
    let rows: Vec<ClusterRow> = (0..clusters as u32)
        .map(|c| ClusterRow {
            cluster_id: c,
            size: cluster_size as u32,
            verdict: Some("inauthentic".into()),
            score: Some(0.9),
            layers: "repost;text".into(),
            median_delay_s: 30.0,
            edges: 400,
            density: 0.1,
            metrics: lockstep_export::CLUSTER_METRIC_COLUMNS
                .iter()
                .map(|_| "1".to_string())
                .collect(),
            operation_id: None,
        })
        .collect();
    write_clusters(&inv.join("clusters.csv"), &rows)?;
    // Four edges per clustered account, inside its cluster.
    let edges = (0..in_clusters).flat_map(|i| {
        let base = i - i % cluster_size;
        (1..=4).map(move |k| (i, base + (i % cluster_size + k) % cluster_size))
    });
    let edge_count = write_edges(
        &inv.join("edges.csv"),
        edges.map(|(a, b)| EdgeRow {
            source: &ids[a as usize],
            target: &ids[b as usize],
            layer: "repost",
            scale: "burst",
            weight: 3,
            events: 5,
            median_dt_s: 12.0,
            p_value: Some(1e-6),
            q_value: Some(1e-4),
        }),
    )?;
    std::fs::write(inv.join("summary.json"), "{}\n")?;
    lockstep_outdir::write_manifest(&inv, "serve_bench")?;

    // The store: a fresh SQLite file, or with LOCKSTEP_BENCH_POSTGRES_URL (a server whose user
    // may create databases) a scratch PostgreSQL database, dropped at the end.
    let scratch = match std::env::var("LOCKSTEP_BENCH_POSTGRES_URL") {
        Ok(admin) if !admin.is_empty() => {
            Some(lockstep_serve::db::ScratchDatabase::create(&admin)?)
        }
        _ => None,
    };
    let url = match &scratch {
        Some(s) => s.url.clone(),
        None => lockstep_serve::db::DatabaseUrl::Sqlite(tmp.path().join("store.db")),
    };
    println!("store: {}", url.display());
    let conn = lockstep_serve::db::open(&url)?;
    let user = lockstep_serve::users::add_user(
        &conn,
        "bench",
        "ana",
        lockstep_serve::users::Role::Analyst,
        "bench password",
    )?;
    let t = Instant::now();
    let imp = lockstep_serve::import::import_case(&conn, &inv, None, &user)?;
    let import_s = t.elapsed().as_secs_f64();
    println!(
        "import: {} accounts, {} networks, {} edges (written {edge_count}) in {import_s:.2} s",
        imp.accounts, imp.networks, imp.edges
    );
    let token = lockstep_serve::users::create_api_token(&conn, "bench", "ana", "bench")?;
    let writers = *args.get(3).unwrap_or(&50) as usize;
    let seconds = *args.get(4).unwrap_or(&60);
    let mut writer_tokens = Vec::new();
    for w in 0..writers {
        let (name, role) = if w.is_multiple_of(2) {
            (format!("prop{w}"), lockstep_serve::users::Role::Analyst)
        } else {
            (format!("rev{w}"), lockstep_serve::users::Role::Reviewer)
        };
        lockstep_serve::users::add_user(&conn, "bench", &name, role, "bench password")?;
        writer_tokens.push(lockstep_serve::users::create_api_token(
            &conn, "bench", &name, "bench",
        )?);
    }
    drop(conn);

    let mut config = lockstep_serve::http::Config::new(url.clone(), "127.0.0.1:0");
    config.threads = 4;
    let running = lockstep_serve::http::start(config)?;
    let addr = running.addr;
    let t = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let token = token.clone();
            std::thread::spawn(move || -> Result<(Vec<f64>, usize), String> {
                let mut lat = Vec::with_capacity(per_client);
                let mut errors = 0;
                for r in 0..per_client {
                    let net = (c * 7919 + r * 104_729) as u64 % clusters;
                    let req = format!("GET /api/v1/cases/1/networks/{net}?limit=100 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n");
                    let t = Instant::now();
                    let mut s = std::net::TcpStream::connect(addr).map_err(|e| e.to_string())?;
                    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
                    let mut buf = Vec::new();
                    s.read_to_end(&mut buf).map_err(|e| e.to_string())?;
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    if !buf.starts_with(b"HTTP/1.1 200") {
                        errors += 1;
                    }
                }
                Ok((lat, errors))
            })
        })
        .collect();
    let mut lat = Vec::new();
    let mut errors = 0;
    for h in handles {
        let (l, e) = h.join().map_err(|_| "client thread panicked")??;
        lat.extend(l);
        errors += e;
    }
    let wall = t.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "read API (network page JSON, 100 members): {} requests, {clients} clients, {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, non-200: {errors}",
        lat.len(),
        lat.len() as f64 / wall,
        pct(0.50),
        pct(0.99)
    );

    // Concurrent proposers and approvers.
    let deadline = Instant::now() + std::time::Duration::from_secs(seconds);
    let actions = ["suspend", "restore", "label_state_affiliated", "dismiss"];
    let handles: Vec<_> = writer_tokens
        .into_iter()
        .enumerate()
        .map(|(w, token)| {
            std::thread::spawn(move || -> Result<(u64, u64, u64), String> {
                let (mut ok, mut client_err, mut server_err) = (0u64, 0u64, 0u64);
                let mut k = 0u64;
                while Instant::now() < deadline {
                    k += 1;
                    let (path, body) = if w.is_multiple_of(2) {
                        let net = (w as u64 * 31 + k * 17) % clusters;
                        let first = 1_000_000_000 + net * cluster_size;
                        (
                            "/api/v1/decisions".to_string(),
                            format!(r#"{{"case_id":1,"target":{{"network":{net}}},"action":"{}","exclusions":["{first}"]}}"#, actions[(k % 4) as usize]),
                        )
                    } else {
                        // Approve (or now and then reject) the newest proposals.
                        let status = http(addr, &token, "GET", "/api/v1/decisions?state=proposed&limit=5", "")?;
                        let Some(id) = status.1.split("\"id\":").nth(1 + (k % 3) as usize).and_then(|s| s.split(',').next()).map(str::to_string) else {
                            std::thread::sleep(std::time::Duration::from_millis(5));
                            continue;
                        };
                        let verb = if k.is_multiple_of(10) { "reject" } else { "approve" };
                        (format!("/api/v1/decisions/{id}/{verb}"), String::new())
                    };
                    let (code, _) = http(addr, &token, "POST", &path, &body)?;
                    match code {
                        200 | 201 => ok += 1,
                        500.. => server_err += 1,
                        _ => client_err += 1, // 409: another reviewer was first
                    }
                }
                Ok((ok, client_err, server_err))
            })
        })
        .collect();
    let (mut ok, mut client_err, mut server_err) = (0, 0, 0);
    for h in handles {
        let (a, b, c) = h.join().map_err(|_| "writer thread panicked")??;
        ok += a;
        client_err += b;
        server_err += c;
    }
    let conn = lockstep_serve::db::open(&url)?;
    let applied: i64 = conn.query_row(
        "SELECT COUNT(*) FROM decisions WHERE state = 'applied'",
        lockstep_serve::params![],
        |r| r.get(0),
    )?;
    let apply_rows: i64 = conn.query_row(
        "SELECT COUNT(*) FROM audit WHERE action = 'decision.apply'",
        lockstep_serve::params![],
        |r| r.get(0),
    )?;
    let distinct_apply: i64 = conn.query_row(
        "SELECT COUNT(DISTINCT subject) FROM audit WHERE action = 'decision.apply'",
        lockstep_serve::params![],
        |r| r.get(0),
    )?;
    // Feed lines the decision.apply audit rows count (their detail JSON, read here).
    let counted: i64 = lockstep_serve::audit::rows(&conn, 0, i64::MAX)?
        .iter()
        .filter(|r| r.action == "decision.apply")
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(&r.detail)
                .ok()
                .and_then(|d| d["feed_lines"].as_i64())
                .unwrap_or(0)
        })
        .sum();
    let feed: i64 = conn.query_row(
        "SELECT COUNT(*) FROM enforcements",
        lockstep_serve::params![],
        |r| r.get(0),
    )?;
    let verified = lockstep_serve::audit::verify(&conn)?;
    println!(
        "{writers} writers for {seconds} s: {ok} accepted, {client_err} refused (4xx), {server_err} 5xx; {applied} decisions applied, {apply_rows} decision.apply audit rows ({distinct_apply} distinct), feed {feed} lines, audit counts {counted}; chain: {verified:?}"
    );
    let sound = server_err == 0
        && applied == apply_rows
        && apply_rows == distinct_apply
        && feed == counted
        && matches!(verified, lockstep_serve::audit::Verification::Intact { .. });
    println!("concurrency check: {}", if sound { "PASS" } else { "FAIL" });
    if !sound {
        return Err("concurrency check failed".into());
    }
    Ok(())
}

fn http(
    addr: std::net::SocketAddr,
    token: &str,
    method: &str,
    path: &str,
    body: &str,
) -> Result<(u16, String), String> {
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut s = std::net::TcpStream::connect(addr).map_err(|e| e.to_string())?;
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let code = text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((code, body))
}
