//! The simulated world reads back through the ingest layer with zero rejected rows, and what is
//! read matches what was written.

use std::path::PathBuf;

use lockstep_sim::{SimConfig, simulate};

#[test]
fn world_reads_back_through_ingest_without_rejections() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = SimConfig {
        accounts: 900,
        posts: 12_000,
        seed: 21,
        logins: true,
        pages: true,
        ads: true,
        ..SimConfig::default()
    };
    let s = simulate(&cfg, dir.path()).expect("simulate");
    let paths: Vec<PathBuf> = [
        "users.csv",
        "tweets.csv",
        "logins.csv",
        "page_admins.csv",
        "ads.csv",
    ]
    .iter()
    .map(|f| dir.path().join(f))
    .collect();
    let ing = lockstep_ingest::read_paths(&paths, &lockstep_ingest::ReadOptions::default())
        .expect("ingest reads the simulated world");
    assert_eq!(
        ing.report.rows_rejected(),
        0,
        "{:?}",
        ing.report.rejections()
    );
    assert_eq!(ing.report.duplicate_posts(), 0);
    assert_eq!(ing.dataset.posts.len() as u64, s.posts);
    assert_eq!(ing.dataset.accounts.len() as u64, s.accounts);
    let logins = ing.dataset.logins.as_ref().expect("logins table");
    assert_eq!(logins.account.len() as u64, s.logins);
    assert!(ing.dataset.page_admins.is_some());
    assert!(ing.dataset.ads.is_some());
    // Exact times come back from the snowflake ids (second resolution, not the minute column).
    let (lo, hi) = ing.dataset.time_range().expect("time range");
    assert!(hi > lo);
    assert!(
        ing.dataset.posts.time.iter().any(|t| t % 60 != 0),
        "exact seconds were not recovered"
    );
}
