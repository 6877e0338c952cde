//! Engine benchmark: a synthetic world of N posts / M accounts (deterministic), all default layers
//! at both scales through `investigate`, with wall time and peak memory; optionally writes the same
//! posts as a coordination-network-toolkit CSV so `bench/peers.sh` can run the QUT toolkit on the
//! identical input; and times `--semantics coortweet` on russian_coord_tweets.
//!
//! ```text
//! cargo run --release -p lockstep-pipeline --example engine_bench -- \
//!     --posts 1000000 --accounts 50000 [--qut-csv world.csv] [--coortweet PATH] [--no-drip] \
//!     [--layers hashtag,url] [--skew-max-pairs N] [--skew-neighbours K]
//! ```
//!
//! Resident memory is sampled every 50 ms during `investigate`; the high-water mark of each
//! stage is printed next to its time so the memory peak can be attributed.

use lockstep_engine::compat::coortweet::{Shares, coordinated_network, detect_groups};
use lockstep_engine::{Layer, Scale};
use lockstep_model::{Dataset, DatasetBuilder, PostKind, PostRecord, Resolution, SourceInfo};
use lockstep_pipeline::{InvestigateConfig, investigate};
use std::io::Write;
use std::time::Instant;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, m: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % m.max(1)
    }
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// User and system CPU seconds of this process (from /proc/self/stat, clock ticks of 1/100 s).
fn cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| {
        f.get(i)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
            / 100.0
    };
    (tick(11), tick(12))
}

/// A world over 30 days: organic accounts with heavy-tailed activity, a small set of viral posts,
/// and coordinated cells that repost, post the same text and links within seconds.
fn world(posts: usize, accounts: u64, qut: Option<&mut dyn Write>) -> Dataset {
    let mut r = Lcg(2019);
    let mut b = DatasetBuilder::new();
    let src = b.add_source(SourceInfo {
        path: "synthetic".into(),
        format: "bench".into(),
        resolution: Resolution::Second,
        rows_read: posts as u64,
        rows_rejected: 0,
        rejections: Default::default(),
        notes: vec![],
    });
    let span = 30 * 86_400u64;
    let tags: Vec<String> = (0..5_000).map(|i| format!("tag{i}")).collect();
    let domains: Vec<String> = (0..2_000).map(|i| format!("site{i}.com")).collect();
    let mut qut = qut;
    if let Some(w) = qut.as_deref_mut() {
        let _ = writeln!(
            w,
            "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls"
        );
    }
    let cells = (accounts / 500).max(1); // one 20-account cell per 500 accounts
    let mut i = 0usize;
    while i < posts {
        let coordinated = r.next(100) < 4;
        let (group, base_t): (Vec<u64>, u64) = if coordinated {
            let c = r.next(cells);
            ((0..20).map(|k| c * 500 + k).collect(), r.next(span))
        } else {
            // Heavy-tailed activity: low ids post more.
            let a = (r.next(accounts) * r.next(accounts)) / accounts.max(1);
            (vec![a], r.next(span))
        };
        let kind = r.next(10);
        let orig = if i > 0 { r.next(i as u64) } else { 0 };
        let viral = r.next(100) < 10;
        let target_post = if viral { r.next(200) } else { orig };
        let tag_a = &tags[(r.next(70) * r.next(70)) as usize % tags.len()];
        let tag_b = &tags[r.next(tags.len() as u64) as usize];
        let url = format!(
            "https://{}/a/{}?utm_source=x",
            domains[r.next(domains.len() as u64) as usize],
            r.next(50_000)
        );
        let text_id = if coordinated {
            r.next(1000)
        } else {
            r.next(5_000_000)
        };
        for (k, &a) in group.iter().enumerate() {
            if i >= posts {
                break;
            }
            let t = base_t as i64
                + if coordinated {
                    (k as i64) * 2 + r.next(5) as i64
                } else {
                    0
                };
            let id = format!("p{i}");
            let acct = format!("u{a}");
            let text = format!("message number {text_id} #{tag_a}");
            let repost_of = format!("p{target_post}");
            let (kind, repost, reply) = match kind {
                0..=3 => (PostKind::Repost, repost_of.as_str(), ""),
                4 => (PostKind::Reply, "", repost_of.as_str()),
                _ => (PostKind::Original, "", ""),
            };
            let ht = [tag_a.as_str(), tag_b.as_str()];
            let urls = [url.as_str()];
            let has_url = kind == PostKind::Original && text_id % 3 == 0;
            b.push_post(
                &PostRecord {
                    external_id: &id,
                    account: &acct,
                    time: t,
                    kind: Some(kind),
                    text: &text,
                    repost_of: repost,
                    reply_to: reply,
                    hashtags: if kind == PostKind::Original {
                        &ht[..1 + (text_id % 2) as usize]
                    } else {
                        &[]
                    },
                    urls: if has_url { &urls } else { &[] },
                    ..Default::default()
                },
                src,
            );
            if let Some(w) = qut.as_deref_mut() {
                let _ = writeln!(
                    w,
                    "{id},{acct},{acct},{repost},{reply},{text},{t},{}",
                    if has_url { url.as_str() } else { "" }
                );
            }
            i += 1;
        }
    }
    b.finish()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let posts: usize = get("--posts")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let accounts: u64 = get("--accounts")
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let no_drip = args.iter().any(|a| a == "--no-drip");

    if let Some(p) = get("--coortweet") {
        let t = Instant::now();
        let shares = Shares::read_csv(std::path::Path::new(&p)).expect("read coortweet csv");
        let read = t.elapsed();
        let t = Instant::now();
        let mut n_edges = 0;
        let reps = 20;
        for _ in 0..reps {
            let pairs = detect_groups(&shares, 60, 2);
            n_edges = coordinated_network(&shares, &pairs, 0.5).len();
        }
        println!(
            "coortweet russian_coord_tweets: read {:.1} ms, detect_groups + network {:.2} ms per run ({} edges, mean of {reps})",
            read.as_secs_f64() * 1e3,
            t.elapsed().as_secs_f64() * 1e3 / reps as f64,
            n_edges
        );
        if get("--posts").is_none() {
            return;
        }
    }

    let t = Instant::now();
    let mut qut_file = get("--qut-csv")
        .map(|p| std::io::BufWriter::new(std::fs::File::create(p).expect("create qut csv")));
    let ds = world(
        posts,
        accounts,
        qut_file.as_mut().map(|w| w as &mut dyn Write),
    );
    drop(qut_file);
    println!(
        "world: {} posts, {} accounts, built in {:.1} s (dataset ~{:.0} MiB)",
        ds.posts.len(),
        ds.accounts.len(),
        t.elapsed().as_secs_f64(),
        ds.heap_bytes() as f64 / 1048576.0
    );
    let mut params = InvestigateConfig::default();
    if no_drip {
        params.engine.scales = vec![Scale::Burst];
    }
    if let Some(l) = get("--layers") {
        params.engine.layers = Some(l.split(',').filter_map(Layer::parse).collect());
    }
    if let Some(n) = get("--skew-max-pairs").and_then(|s| s.parse().ok()) {
        params.engine.skew.max_pairs_per_target = n;
    }
    if let Some(n) = get("--skew-neighbours").and_then(|s| s.parse().ok()) {
        params.engine.skew.neighbours = n;
    }
    let t = Instant::now();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut samples = Vec::new();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                samples.push((t.elapsed().as_secs_f64(), rss_mib()));
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            samples
        })
    };
    let inv = investigate(&ds, &params).expect("investigate");
    let secs = t.elapsed().as_secs_f64();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let samples = sampler.join().unwrap_or_default();
    let mut from = 0.0;
    for (stage, s) in &inv.timings {
        let to = from + s;
        let high = samples
            .iter()
            .filter(|(x, _)| *x >= from && *x <= to + 0.05)
            .map(|(_, m)| *m)
            .fold(0.0f64, f64::max);
        println!("  {stage:<20} {s:>8.2} s   RSS high {high:>6.0} MiB");
        from = to;
    }
    let (cpu_user, cpu_sys) = cpu_seconds();
    println!(
        "process CPU so far: {cpu_user:.1} s user + {cpu_sys:.1} s system; load average {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    if let Some(det) = &inv.detection {
        let layers: f64 = inv
            .timings
            .iter()
            .filter(|(stage, _)| stage.contains(':'))
            .map(|(_, s)| s)
            .sum();
        for (stage, s) in &det.timings {
            println!("    {stage:<18} {s:>8.2} s");
        }
        let stats_clusters: f64 = det
            .timings
            .iter()
            .filter(|(stage, _)| *stage != "verdicts")
            .map(|(_, s)| s)
            .sum();
        println!(
            "  statistics+clusters {stats_clusters:>8.2} s = {:.1}% of the layers' {layers:.2} s",
            100.0 * stats_clusters / layers.max(1e-9)
        );
    }
    let pairs: usize = inv.runs.iter().map(|r| r.edges.edges.len()).sum();
    println!(
        "engine: {} layer runs, {pairs} pairs, {} kept, {} clusters in {secs:.2} s; peak RSS {:.0} MiB",
        inv.runs.len(),
        inv.kept.len(),
        inv.clusters.len(),
        peak_rss_mib()
    );
}
