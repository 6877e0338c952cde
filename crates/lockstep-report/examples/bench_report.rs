//! Times `render_report` and `disclose` on a generated world of N posts (default 1,000,000):
//! `cargo run --release -p lockstep-report --example bench_report -- 1000000`.
//! 50 clusters of 40 accounts (a clique of edges each) among N/10 accounts.

use lockstep_model::{AccountId, DatasetBuilder, PostRecord, Profile, Resolution, SourceInfo};
use lockstep_report::disclose::{DiscloseOptions, Network, PseudonymKey, disclose};
use lockstep_report::{
    AccountResult, ClusterReport, EdgeResult, ReportInput, Role, Verdict, render_report,
};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n_posts: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let n_acc = (n_posts / 10).max(2_000);
    let t = Instant::now();
    let mut b = DatasetBuilder::new();
    let src = b.add_source(SourceInfo {
        path: "generated".into(),
        format: "bench".into(),
        resolution: Resolution::Second,
        rows_read: n_posts as u64,
        rows_rejected: 0,
        rejections: Default::default(),
        notes: vec![],
    });
    let mut x: u64 = 7;
    let mut rnd = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    for a in 0..n_acc {
        let p = Profile {
            screen_name: b.intern(&format!("user_{a}")),
            display_name: b.intern(&format!("User Number {a}")),
            followers: Some(rnd(20_000)),
            created_at: Some(1_400_000_000 + rnd(200_000_000) as i64),
            ..Default::default()
        };
        b.set_profile(&format!("{}", 10_000_000 + a), &p);
    }
    let tags = ["alpha", "beta", "gamma", "delta", "epsilon"];
    for i in 0..n_posts {
        let a = rnd(n_acc as u64) as usize;
        let tag = [tags[rnd(5) as usize]];
        let mention = format!("{}", 10_000_000 + rnd(n_acc as u64));
        let m = [mention.as_str()];
        let text = format!(
            "post {i} mentioning @user_{} and #{}",
            rnd(n_acc as u64),
            tag[0]
        );
        b.push_post(
            &PostRecord {
                external_id: &format!("{}", 1_000_000_000 + i),
                account: &format!("{}", 10_000_000 + a),
                time: 1_560_000_000 + rnd(30 * 86_400) as i64,
                text: &text,
                client: "Twitter Web App",
                hashtags: &tag,
                mentions: &m,
                urls: &["https://example.com/a"],
                ..Default::default()
            },
            src,
        );
    }
    let ds = b.finish();
    eprintln!(
        "built {} posts, {} accounts in {:.2?}",
        ds.posts.len(),
        ds.accounts.len(),
        t.elapsed()
    );

    let mut clusters = Vec::new();
    let mut accounts = Vec::new();
    let mut edges = Vec::new();
    let mut networks = Vec::new();
    for c in 0..50u32 {
        let members: Vec<AccountId> = (0..40).map(|k| AccountId(c * 40 + k)).collect();
        for (k, &a) in members.iter().enumerate() {
            accounts.push(AccountResult {
                through_cluster: false,
                account: a,
                cluster: Some(c),
                verdict: Verdict::Inauthentic,
                role: if k == 0 { Role::Core } else { Role::Amplifier },
            });
        }
        for i in 0..40 {
            for j in i + 1..40 {
                edges.push(EdgeResult {
                    a: members[i],
                    b: members[j],
                    layer: "repost".into(),
                    weight: 3.0,
                    median_dt_s: (rnd(600) + 1) as f64,
                });
            }
        }
        networks.push(Network {
            id: c.to_string(),
            verdict: Verdict::Inauthentic,
            members: members.iter().map(|&a| (a, Role::None)).collect(),
            ..Default::default()
        });
        clusters.push(ClusterReport {
            id: c,
            verdict: Verdict::Inauthentic,
            score: 0.9,
            size: 40,
            layers: vec!["repost".into()],
            evidence: vec!["generated".into()],
            utc_offset_hours: Some(3.0),
            members,
            ..Default::default()
        });
    }
    let input = ReportInput {
        title: "bench".into(),
        generator: "bench".into(),
        clusters,
        accounts,
        edges,
        ..Default::default()
    };
    let t = Instant::now();
    let html = render_report(&ds, &input)?;
    eprintln!(
        "render_report: {:.2?}, {} bytes ({} edges, {} clusters)",
        t.elapsed(),
        html.len(),
        input.edges.len(),
        input.clusters.len()
    );
    let dir = std::env::temp_dir().join("lockstep-bench-disclosure");
    let key = PseudonymKey::from_bytes(b"bench-report-key-0123456789abcdef")?;
    let t = Instant::now();
    let s = disclose(&ds, &networks, &key, &DiscloseOptions::default(), &dir)?;
    let posts: u64 = s.networks.iter().map(|n| n.posts).sum();
    eprintln!(
        "disclose: {:.2?} ({} networks, {posts} posts)",
        t.elapsed(),
        s.networks.len()
    );
    let t = Instant::now();
    let leaks = lockstep_report::disclose::check_disclosure(&ds, &dir, 5_000)?;
    eprintln!("check: {:.2?} ({} leaks)", t.elapsed(), leaks.len());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
