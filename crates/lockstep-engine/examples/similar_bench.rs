//! Benchmark of the `similar_text` layer (release build):
//!
//! ```text
//! cargo run --release -p lockstep-engine --example similar_bench -- --posts 1000000
//! cargo run --release -p lockstep-engine --example similar_bench -- --recall 20000
//! cargo run --release -p lockstep-engine --example similar_bench -- --posts 100000 --qut-csv /tmp/qut.csv --window 60
//! ```
//!
//! Generates a synthetic corpus (English, Chinese, mixed-script; copy-paste campaign families with
//! edits; reposts; replies; very short posts) into a `Dataset`, then times `similar_text_trace`
//! alone and prints its report and the peak resident memory (`VmHWM`, reset before the layer runs
//! via `/proc/self/clear_refs`, so it is the peak *during* the layer, dataset included).
//! `--recall N` runs the recall/precision check against brute-force exact Jaccard on N posts.
//! `--qut-csv PATH` also writes the same posts in the CSV shape of the QUT coordination network
//! toolkit (for `bench/similar_vs_qut.sh`). `--window S` also runs the windowed co-action kernel on
//! the trace (the equivalent of QUT's `co_similar_tweet` network) and times it.

#[path = "../tests/similar_gen.rs"]
mod similar_gen;

use lockstep_engine::text::{SimilarParams, explain_params, similar_text_trace};
use lockstep_engine::{KernelParams, Layer, Scale, count_pairs};
use lockstep_model::{DatasetBuilder, PostKind, PostRecord, Resolution, SourceInfo};
use std::io::Write;
use std::time::Instant;

fn proc_status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .map(|l| l[field.len()..].trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

/// User + system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    let fields: Vec<&str> = s
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (tick(11) + tick(12)) / 100.0
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let params = SimilarParams::default();
    if let Some(n) = arg("--recall") {
        let n: usize = n.parse().unwrap_or(20_000);
        let r = similar_gen::recall_check(n);
        println!(
            "recall check {} posts: pair recall {:.4}, precision {:.4}, true pairs {}",
            r.posts, r.recall, r.precision, r.true_pairs
        );
        return Ok(());
    }
    let n: usize = arg("--posts")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let span: i64 = arg("--span-s")
        .and_then(|s| s.parse().ok())
        .unwrap_or(86_400);
    let mut qut = match arg("--qut-csv") {
        Some(p) => {
            let mut w = std::io::BufWriter::new(std::fs::File::create(p)?);
            writeln!(
                w,
                "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls"
            )?;
            Some(w)
        }
        None => None,
    };
    print!("{}", explain_params(&params));
    println!("threads: {}", rayon::current_num_threads());

    let t0 = Instant::now();
    let mut gen_ = similar_gen::Generator::new(0.3, 200, 42);
    let mut rng = similar_gen::Rng::new(7);
    let mut b = DatasetBuilder::new();
    let src = b.add_source(SourceInfo {
        path: "synthetic".into(),
        format: "similar_bench".into(),
        resolution: Resolution::Second,
        rows_read: n as u64,
        rows_rejected: 0,
        rejections: Default::default(),
        notes: vec![],
    });
    let n_accounts = (n / 20).max(10);
    let mut last_original: Vec<(String, String)> = Vec::new();
    for i in 0..n {
        let (text, family) = gen_.next_post();
        // Campaign families are posted by the 40 accounts of one of 25 operator cells, in a burst
        // (within 10 minutes of the family's start); other posts by random accounts at random times.
        let (account, time) = match family {
            Some(f) => {
                let cell = f % 25;
                let start = (u64::from(f).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as i64 % span;
                (
                    format!("op{cell}_{}", rng.below(40)),
                    (start + rng.below(600) as i64).min(span - 1),
                )
            }
            None => (
                format!("u{}", rng.below(n_accounts)),
                rng.below(span as usize) as i64,
            ),
        };
        let id = i.to_string();
        let roll = rng.below(10);
        let (kind, repost_of, reply_to, text) = if roll == 0 && !last_original.is_empty() {
            let (orig, otext) = &last_original[rng.below(last_original.len())];
            (
                PostKind::Repost,
                orig.clone(),
                String::new(),
                format!("RT @x: {otext}"),
            )
        } else if roll == 1 && !last_original.is_empty() {
            let (orig, _) = &last_original[rng.below(last_original.len())];
            (PostKind::Reply, String::new(), orig.clone(), text)
        } else {
            if last_original.len() < 1000 {
                last_original.push((id.clone(), text.clone()));
            } else {
                let k = rng.below(1000);
                last_original[k] = (id.clone(), text.clone());
            }
            (PostKind::Original, String::new(), String::new(), text)
        };
        b.push_post(
            &PostRecord {
                external_id: &id,
                account: &account,
                time,
                kind: Some(kind),
                text: &text,
                repost_of: &repost_of,
                reply_to: &reply_to,
                ..Default::default()
            },
            src,
        );
        if let Some(w) = qut.as_mut() {
            writeln!(
                w,
                "{id},{account},{account},{repost_of},{reply_to},{},{time},",
                csv_field(&text)
            )?;
        }
    }
    if let Some(mut w) = qut.take() {
        w.flush()?;
    }
    let ds = b.finish();
    println!(
        "generated {} posts ({} accounts) in {:.2?}; dataset heap {:.1} MiB; VmRSS {}",
        ds.posts.len(),
        ds.accounts.len(),
        t0.elapsed(),
        ds.heap_bytes() as f64 / (1 << 20) as f64,
        proc_status("VmRSS:")
    );
    // Reset the peak-RSS counter so VmHWM below is the peak while the layer runs.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let t1 = Instant::now();
    let c1 = cpu_seconds();
    let (trace, report) = similar_text_trace(&ds, &params);
    let dt = t1.elapsed();
    let cpu = cpu_seconds() - c1;
    println!("{report:#?}");
    println!(
        "similar_text layer: {} posts -> {} events on {} targets in {:.2?} wall ({:.0} posts/s), {:.1} s CPU (user+sys, {} threads); peak RSS during layer (VmHWM) {}",
        ds.posts.len(),
        trace.events.len(),
        trace.n_targets,
        dt,
        ds.posts.len() as f64 / dt.as_secs_f64(),
        cpu,
        rayon::current_num_threads(),
        proc_status("VmHWM:")
    );
    if let Some(w) = arg("--window").and_then(|s| s.parse::<i64>().ok()) {
        // The same windowed co-action kernel every layer uses, on the similar_text trace: the
        // equivalent of QUT's co_similar_tweet network (pairs of accounts posting near-duplicates
        // within the window).
        let t2 = Instant::now();
        let kp = KernelParams::new(
            Layer::SimilarText,
            Scale::Burst,
            w,
            ds.accounts.len() as u32,
        );
        let edges = count_pairs(&trace, &kp);
        let dk = t2.elapsed();
        let w2 = edges.edges.iter().filter(|e| e.stats.weight >= 2).count();
        println!(
            "windowed kernel (window {w} s): {} account pairs ({} with weight >= 2) in {:.2?}; layer + kernel {:.2?}",
            edges.edges.len(),
            w2,
            dk,
            dt + dk
        );
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "machine load average (1/5/15 min, shared machine): {}",
        load.trim()
    );
    Ok(())
}
