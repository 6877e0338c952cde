//! Benchmarks for BENCHMARKS.md (not a test): writes a synthetic investigation of N accounts
//! (default 200,000) with the export crate's writers, imports it into a fresh SQLite store
//! (timed), then serves it on loopback and measures the read API (network page JSON, first page
//! of 100 members of a 100-account network) with C client threads × R requests each.
//!
//!   cargo run --release -p lockstep-serve --example serve_bench -- [ACCOUNTS] [CLIENTS] [REQUESTS]

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

    let url = lockstep_serve::db::DatabaseUrl::Sqlite(tmp.path().join("store.db"));
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
    drop(conn);

    let mut config = lockstep_serve::http::Config::new(url, "127.0.0.1:0");
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
    Ok(())
}
