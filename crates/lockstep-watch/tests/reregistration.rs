//! The re-registration bar (issue 20): a simulated operation is partly suspended on a day and
//! comes back under new accounts. A batch investigation of the posts before the suspension is
//! the known network (`--known`: its accounts.csv, the simulator's suspended.txt); the watcher
//! then streams the posts from a horizon before the suspension on. Measured: the share of
//! re-registered accounts named by a `re_registration` alert within 24 simulated hours of their
//! 20th post (or their last, when they post fewer), and the shares of organic accounts and
//! activists named by one.
//!
//! `cargo test --release -p lockstep-watch --test reregistration -- --ignored --nocapture`
//! (figures in BENCHMARKS.md).

mod common;

use lockstep_pipeline::InvestigateConfig;
use lockstep_watch::{WatchConfig, Watcher, run_lines};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

fn csv_rows(p: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let h = r
        .headers()
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(String::from)
        .collect();
    (
        h,
        r.records()
            .map(|x| x.unwrap_or_else(|e| panic!("{e}")))
            .collect(),
    )
}

/// A scenario: simulator seed and size, suspension day and share.
#[derive(Clone, Copy, Debug)]
struct Scenario {
    seed: u64,
    accounts: u32,
    posts: u64,
    /// Suspension day (`None`: half the window).
    day: Option<u32>,
    share: f64,
    /// Snapshot interval, hours.
    every_h: i64,
}

#[derive(Debug)]
struct Measured {
    reregistered: usize,
    /// Alerted at all (any time).
    alerted: usize,
    caught_in_time: usize,
    organic: usize,
    organic_alerted: usize,
    activists: usize,
    activists_alerted: usize,
}

fn measure(sc: Scenario) -> Measured {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut cfg = lockstep_sim::SimConfig::preset("hk2019").unwrap_or_else(|e| panic!("{e}"));
    cfg.seed = sc.seed;
    cfg.accounts = sc.accounts;
    cfg.posts = sc.posts;
    let day = sc.day.unwrap_or(cfg.days / 2);
    cfg.reregister = Some(lockstep_sim::Reregister {
        day,
        share: sc.share,
    });
    let world = dir.path().join("world");
    lockstep_sim::simulate(&cfg, &world).unwrap_or_else(|e| panic!("{e}"));
    let (sorted, lines) = common::stream(&world.join("tweets.csv"));
    let (h, rows) = csv_rows(&sorted);
    let ti = h
        .iter()
        .position(|c| c == "tweet_time")
        .unwrap_or_else(|| panic!("tweet_time"));
    let ui = h
        .iter()
        .position(|c| c == "userid")
        .unwrap_or_else(|| panic!("userid"));
    let time = |s: &str| {
        lockstep_ingest::timeparse::parse_any(s.as_bytes()).unwrap_or_else(|| panic!("{s}"))
    };
    let (_, rr) = csv_rows(&world.join("reregistered.csv"));
    let at = time(&rr[0][2]);

    // The takedown: a batch investigation of the posts before the suspension.
    let before = dir.path().join("before.csv");
    let mut w = csv::Writer::from_path(&before).unwrap_or_else(|e| panic!("{e}"));
    w.write_record(&h).unwrap_or_else(|e| panic!("{e}"));
    for r in rows.iter().filter(|r| time(&r[ti]) < at) {
        w.write_record(r).unwrap_or_else(|e| panic!("{e}"));
    }
    w.flush().unwrap_or_else(|e| panic!("{e}"));
    drop(w);
    let ing = lockstep_ingest::read_paths(&[before], &Default::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let inv = lockstep_pipeline::investigate(&ing.dataset, &InvestigateConfig::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let known = dir.path().join("known");
    std::fs::create_dir_all(&known).unwrap_or_else(|e| panic!("{e}"));
    let mut f = std::fs::File::create(known.join("accounts.csv")).unwrap_or_else(|e| panic!("{e}"));
    writeln!(f, "account_id,cluster_id,verdict").unwrap_or_else(|e| panic!("{e}"));
    let ds = &ing.dataset;
    for (i, c) in inv.cluster_of.iter().enumerate() {
        if let (Some(c), Some(v)) = (c, inv.accounts[i].verdict) {
            writeln!(f, "{},{c},{v}", ds.str(ds.accounts.external_id[i]))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    std::fs::copy(world.join("suspended.txt"), known.join("suspended.txt"))
        .unwrap_or_else(|e| panic!("{e}"));

    // The watch from one horizon before the suspension on.
    let mut wc = WatchConfig::new(dir.path().join("state"));
    wc.every_s = sc.every_h * 3600;
    wc.horizon_s = 30 * 86_400;
    wc.known = Some(known);
    if let Some(c) = std::env::var("LOCKSTEP_REREG_CONF")
        .ok()
        .and_then(|c| c.parse().ok())
    {
        wc.reregistration_confidence = c;
    }
    let from = at - wc.horizon_s;
    let stream: Vec<&String> = lines
        .iter()
        .zip(&rows)
        .filter(|(_, r)| time(&r[ti]) >= from)
        .map(|(l, _)| l)
        .collect();
    let input: String = stream.iter().map(|l| format!("{l}\n")).collect();
    let mut watcher = Watcher::open(wc).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    run_lines(&mut watcher, input.as_bytes(), &mut out, 100_000).unwrap_or_else(|e| panic!("{e}"));
    let (_, labels) = csv_rows(&world.join("labels.csv"));
    let label_of: HashMap<&str, &str> = labels.iter().map(|l| (&l[0], &l[1])).collect();
    let rereg: BTreeSet<&str> = rr.iter().map(|r| &r[0]).collect();
    let verbose = std::env::var_os("LOCKSTEP_REREG_VERBOSE").is_some();
    let mut alerted_at: HashMap<String, i64> = HashMap::new();
    for l in String::from_utf8_lossy(&out).lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}"));
        if v["kind"] != "re_registration" {
            continue;
        }
        let t = time(v["stream_time"].as_str().unwrap_or_default());
        for a in v["accounts"].as_array().cloned().unwrap_or_default() {
            let a = a.as_str().unwrap_or_default();
            if verbose {
                let who = if rereg.contains(a) {
                    "REREG"
                } else {
                    label_of.get(a).copied().unwrap_or("?")
                };
                println!(
                    "{who} {a} {} {}",
                    v["stream_time"], v["evidence"]["accounts"][a]
                );
            }
            alerted_at.entry(a.to_string()).or_insert(t);
        }
    }

    // Deadline per re-registered account: 24 h after its 20th post (or its last).
    let mut post_times: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for r in &rows {
        post_times
            .entry(r.get(ui).unwrap_or_default())
            .or_default()
            .push(time(&r[ti]));
    }
    let mut m = Measured {
        reregistered: 0,
        alerted: 0,
        caught_in_time: 0,
        organic: 0,
        organic_alerted: 0,
        activists: 0,
        activists_alerted: 0,
    };
    for r in &rr {
        let Some(ts) = post_times.get(&r[0]) else {
            continue;
        };
        m.reregistered += 1;
        m.alerted += usize::from(alerted_at.contains_key(&r[0]));
        let deadline = ts[ts.len().min(20) - 1] + 86_400;
        if alerted_at.get(&r[0]).is_some_and(|&t| t <= deadline) {
            m.caught_in_time += 1;
        }
    }
    let active: BTreeSet<&str> = rows
        .iter()
        .filter(|r| time(&r[ti]) >= from)
        .map(|r| r.get(ui).unwrap_or_default())
        .collect();
    for l in &labels {
        if !active.contains(&l[0]) || rereg.contains(&l[0]) {
            continue;
        }
        let hit = alerted_at.contains_key(&l[0]);
        match &l[1] {
            "organic" => {
                m.organic += 1;
                m.organic_alerted += usize::from(hit);
            }
            "activist" => {
                m.activists += 1;
                m.activists_alerted += usize::from(hit);
            }
            _ => {}
        }
    }
    m
}

fn pct(a: usize, b: usize) -> f64 {
    100.0 * a as f64 / b.max(1) as f64
}

fn report(sc: Scenario, m: &Measured) {
    println!(
        "seed {} ({} accounts, {} posts, day {:?}, share {}, snapshots every {} h): re-registered alerted within 24 h of their first 20 posts {}/{} ({:.1}%, {} alerted at all); organic alerted {}/{} ({:.3}%); activists alerted {}/{} ({:.2}%)",
        sc.seed,
        sc.accounts,
        sc.posts,
        sc.day,
        sc.share,
        sc.every_h,
        m.caught_in_time,
        m.reregistered,
        pct(m.caught_in_time, m.reregistered),
        m.alerted,
        m.organic_alerted,
        m.organic,
        pct(m.organic_alerted, m.organic),
        m.activists_alerted,
        m.activists,
        pct(m.activists_alerted, m.activists)
    );
}

fn assert_bar(m: &Measured) {
    assert!(m.reregistered > 0);
    assert!(
        pct(m.caught_in_time, m.reregistered) >= 90.0,
        "re-registered caught in time {}/{}",
        m.caught_in_time,
        m.reregistered
    );
    assert!(
        pct(m.organic_alerted, m.organic) <= 0.1,
        "organic alerted {}/{}",
        m.organic_alerted,
        m.organic
    );
    assert!(
        pct(m.activists_alerted, m.activists) <= 1.0,
        "activists alerted {}/{}",
        m.activists_alerted,
        m.activists
    );
}

/// The bar on the scenarios the weights were set on (seeds 1-3, 20,000 accounts) and on
/// held-out ones (other seeds, another suspension day and share).
#[test]
#[ignore = "bar measurement: release build, minutes"]
fn reregistration_bar() {
    let only = std::env::var("LOCKSTEP_REREG_SEEDS").ok();
    // LOCKSTEP_REREG_SIZE=ACCOUNTS,POSTS (default 5000,50000)
    let size = std::env::var("LOCKSTEP_REREG_SIZE").unwrap_or_else(|_| "5000,50000".into());
    let (accounts, posts) = size
        .split_once(',')
        .and_then(|(a, p)| Some((a.parse().ok()?, p.parse().ok()?)))
        .unwrap_or_else(|| panic!("LOCKSTEP_REREG_SIZE={size}: expected ACCOUNTS,POSTS"));
    let mut scenarios = Vec::new();
    // Tuned on: seeds 1-3 (and 4, the small world), suspension mid-window, share 0.3.
    for seed in [1, 2, 3] {
        scenarios.push(Scenario {
            seed,
            accounts,
            posts,
            day: None,
            share: 0.3,
            every_h: 12,
        });
    }
    // Held out (never looked at while setting the weights): other seeds, days and shares.
    for (seed, day, share) in [(21, 30, 0.5), (22, 60, 0.2), (23, 40, 0.8)] {
        scenarios.push(Scenario {
            seed,
            accounts,
            posts,
            day: Some(day),
            share,
            every_h: 12,
        });
    }
    let mut failed = Vec::new();
    for sc in scenarios {
        if let Some(o) = &only
            && !o.split(',').any(|x| x == sc.seed.to_string())
        {
            continue;
        }
        let m = measure(sc);
        report(sc, &m);
        if std::panic::catch_unwind(|| assert_bar(&m)).is_err() {
            failed.push(sc.seed);
        }
    }
    assert!(failed.is_empty(), "bar not met for seeds {failed:?}");
}

#[test]
fn reregistered_accounts_are_alerted_on_a_small_world() {
    let sc = Scenario {
        seed: 4,
        accounts: 1500,
        posts: 15_000,
        day: None,
        share: 0.3,
        every_h: 12,
    };
    let m = measure(sc);
    report(sc, &m);
    assert_bar(&m);
}
