//! `--semantics coortweet` reproduces CooRTweet 2.1.3's own outputs on russian_coord_tweets
//! (window 60, min participation 2, edge_weight 0.5), value by value, pairs compared unordered.

use lockstep_engine::compat::coortweet::{Shares, coordinated_network, detect_groups};
use std::collections::HashMap;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    std::env::var_os("LOCKSTEP_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// `weight, avg_time_delta, n_content_id, n_content_id_y, edge_symmetry_score, weight_threshold`.
type RefEdge = (u32, f64, u32, u32, f64, bool);

#[test]
fn reproduces_coortweet_reference() {
    let dir = data_dir().join("coortweet");
    let shares = Shares::read_csv(&dir.join("russian_coord_tweets.csv")).expect("read input");
    assert_eq!(shares.len(), 35_125);
    let start = std::time::Instant::now();
    let pairs = detect_groups(&shares, 60, 2);
    let net = coordinated_network(&shares, &pairs, 0.5);
    eprintln!(
        "coortweet semantics: {:?} (debug/test profile)",
        start.elapsed()
    );

    // detect_groups: same number of share pairs, and the same unordered (content, content_y) set.
    let mut groups = csv::Reader::from_path(dir.join("reference/russian_groups.csv")).unwrap();
    let mut want_pairs: Vec<(String, String, i64)> = groups
        .records()
        .map(|r| {
            let r = r.unwrap();
            let (c, cy) = (r[1].to_string(), r[2].to_string());
            let dt: f64 = r[3].parse().unwrap();
            (c.clone().min(cy.clone()), c.max(cy), dt as i64)
        })
        .collect();
    let mut got_pairs: Vec<(String, String, i64)> = pairs
        .iter()
        .map(|p| {
            let c = shares
                .strings
                .resolve(shares.content[p.older as usize])
                .to_string();
            let cy = shares
                .strings
                .resolve(shares.content[p.newer as usize])
                .to_string();
            (c.clone().min(cy.clone()), c.max(cy), p.time_delta)
        })
        .collect();
    want_pairs.sort();
    got_pairs.sort();
    assert_eq!(got_pairs.len(), 3_791);
    assert_eq!(got_pairs, want_pairs);

    // generate_coordinated_network: every edge with identical statistics.
    let mut edges = csv::Reader::from_path(dir.join("reference/russian_edges.csv")).unwrap();
    let mut want: HashMap<(String, String), RefEdge> = HashMap::new();
    for r in edges.records() {
        let r = r.unwrap();
        let (a, b) = (r[0].to_string(), r[1].to_string());
        let key = (a.clone().min(b.clone()), a.max(b));
        want.insert(
            key,
            (
                r[2].parse().unwrap(),
                r[3].parse().unwrap(),
                r[4].parse().unwrap(),
                r[5].parse().unwrap(),
                r[6].parse().unwrap(),
                &r[8] == "1",
            ),
        );
    }
    assert_eq!(want.len(), 3_721);
    assert_eq!(net.len(), want.len());
    let mut thresholded = 0;
    for e in &net {
        let a = shares.strings.resolve(e.a).to_string();
        let b = shares.strings.resolve(e.b).to_string();
        let key = (a.clone().min(b.clone()), a.max(b));
        let w = want
            .get(&key)
            .unwrap_or_else(|| panic!("unexpected edge {key:?}"));
        assert_eq!(e.weight, w.0, "{key:?}");
        assert!((e.avg_time_delta - w.1).abs() < 1e-9, "{key:?}");
        assert_eq!((e.n_content_id, e.n_content_id_y), (w.2, w.3), "{key:?}");
        assert!((e.edge_symmetry_score - w.4).abs() < 1e-9, "{key:?}");
        assert_eq!(e.weight_threshold, w.5, "{key:?}");
        thresholded += e.weight_threshold as u32;
    }
    assert_eq!(thresholded, 60);
}
