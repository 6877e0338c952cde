//! Benchmark of the statistics + clustering stage against the engine on a simulated world.
//!
//! `cargo run --release -p lockstep-graph --example stats_bench -- [POSTS] [ACCOUNTS] [SEED]`
//! (defaults: 1,000,000 posts, 60,000 accounts, seed 2019). Prints the engine time (traces and
//! pair kernel over every supported layer and scale), the statistics time (null model, fusion,
//! BH), the clustering time (graph, Leiden) and the metrics time, and the stage's share.

use lockstep_engine::{KernelParams, Scale, Windows};
use lockstep_graph::{ClusterParams, CoordinationGraph, cluster_metrics, find_clusters};
use lockstep_sim::SimConfig;
use lockstep_stats::{StatsParams, significance};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let posts: u64 = args.get(1).map_or(Ok(1_000_000), |s| s.parse())?;
    let accounts: u32 = args.get(2).map_or(Ok(60_000), |s| s.parse())?;
    let seed: u64 = args.get(3).map_or(Ok(2019), |s| s.parse())?;

    let dir = tempfile::tempdir()?;
    let mut cfg = SimConfig::preset("hk2019")?;
    cfg.posts = posts;
    cfg.accounts = accounts;
    cfg.seed = seed;
    let t = Instant::now();
    lockstep_sim::simulate(&cfg, dir.path())?;
    let files: Vec<PathBuf> = ["tweets.csv", "users.csv"]
        .iter()
        .map(|f| dir.path().join(f))
        .collect();
    let ds = lockstep_ingest::read_paths(&files, &Default::default())?.dataset;
    println!(
        "world: {} posts, {} accounts (simulate + read {:.1}s)",
        ds.posts.len(),
        ds.accounts.len(),
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let windows = Windows::default();
    let mut layers = Vec::new();
    for layer in lockstep_engine::supported_layers(&ds) {
        let trace = lockstep_engine::build_trace(&ds, layer)?;
        for scale in [Scale::Burst, Scale::Drip] {
            if let Some(w) = windows.get(layer, scale, ds.resolution()) {
                let p = KernelParams::new(layer, scale, w, ds.accounts.len() as u32);
                layers.push(lockstep_engine::count_pairs(&trace, &p));
            }
        }
    }
    let engine = t.elapsed().as_secs_f64();
    let edges: usize = layers.iter().map(|l| l.edges.len()).sum();

    let t = Instant::now();
    let sig = significance(&layers, &StatsParams::default())?;
    let stats = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let g = CoordinationGraph::for_communities(&sig);
    let clusters = find_clusters(&g, ds.accounts.len(), &ClusterParams::default())?;
    let clustering = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let metrics = cluster_metrics(&ds, &clusters, &layers, &sig);
    let metrics_s = t.elapsed().as_secs_f64();

    println!(
        "engine: {engine:.2}s ({} layer entries, {edges} layer edges)",
        layers.len()
    );
    println!(
        "stats: {stats:.2}s ({} pairs, {} significant, expected false {:.2})",
        sig.pairs.len(),
        sig.n_significant,
        sig.expected_false_edges
    );
    println!(
        "clustering: {clustering:.2}s ({} nodes, {} edges, {} clusters, {} accounts)",
        g.node_count(),
        g.edge_count(),
        clusters.len(),
        clusters.clustered_accounts()
    );
    println!("metrics: {metrics_s:.2}s ({} clusters)", metrics.len());
    println!(
        "stats + clustering = {:.1}% of engine time (with metrics {:.1}%)",
        100.0 * (stats + clustering) / engine,
        100.0 * (stats + clustering + metrics_s) / engine
    );
    Ok(())
}
