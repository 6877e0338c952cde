//! `no_profiles`: the profile and client columns are empty, everything else is the same world.

use lockstep_sim::{SimConfig, simulate};

fn read(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{e}"));
    let h = r
        .headers()
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|x| {
            x.unwrap_or_else(|e| panic!("{e}"))
                .iter()
                .map(String::from)
                .collect()
        })
        .collect();
    (h, rows)
}

#[test]
fn profile_and_client_columns_are_empty_and_the_rest_is_unchanged() {
    let with = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let without = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cfg = SimConfig {
        accounts: 400,
        posts: 4_000,
        seed: 5,
        ..SimConfig::default()
    };
    simulate(&cfg, with.path()).unwrap_or_else(|e| panic!("{e}"));
    let blank = SimConfig {
        no_profiles: true,
        ..cfg
    };
    simulate(&blank, without.path()).unwrap_or_else(|e| panic!("{e}"));
    let profile_cols = [
        "user_display_name",
        "user_screen_name",
        "user_reported_location",
        "user_profile_description",
        "user_profile_url",
        "follower_count",
        "following_count",
        "account_creation_date",
        "account_language",
        "tweet_client_name",
    ];
    for file in ["users.csv", "tweets.csv"] {
        let (h0, r0) = read(&with.path().join(file));
        let (h1, r1) = read(&without.path().join(file));
        assert_eq!(h0, h1);
        assert_eq!(r0.len(), r1.len(), "{file}");
        let mut blanked = 0;
        for (i, name) in h0.iter().enumerate() {
            let is_profile = profile_cols.contains(&name.as_str());
            for (a, b) in r0.iter().zip(&r1) {
                if is_profile {
                    assert_eq!(b[i], "", "{file} {name}");
                } else {
                    assert_eq!(a[i], b[i], "{file} {name}");
                }
            }
            if is_profile && r0.iter().any(|a| !a[i].is_empty()) {
                blanked += 1;
            }
        }
        assert!(
            blanked >= 5,
            "{file}: only {blanked} profile columns had values to blank"
        );
    }
    let labels0 = std::fs::read(with.path().join("labels.csv")).unwrap_or_default();
    let labels1 = std::fs::read(without.path().join("labels.csv")).unwrap_or_default();
    assert_eq!(labels0, labels1);
}
