//! Exactness: the pair kernel agrees with a brute-force quadratic reference on property-generated
//! datasets, for every layer the trace builder supports; and the skew bound keeps a 100,000-account
//! target fast and small.

use lockstep_engine::sample::{SAMPLE_K, median_sorted};
use lockstep_engine::{
    KernelParams, Layer, LayerEdges, Scale, Trace, build_trace, count_pairs, supported_layers,
};
use lockstep_model::{
    AccountId, Dataset, DatasetBuilder, PostKind, PostRecord, Resolution, SourceInfo,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Default, Debug)]
struct Brute {
    targets: BTreeSet<u32>,
    events: u32,
    lead: u32,
    follow: u32,
    ua: BTreeSet<(u32, usize)>,
    ub: BTreeSet<(u32, usize)>,
    dts: Vec<u32>,
}

/// Quadratic reference over the trace: every pair of actions of one target.
fn brute(trace: &Trace, w: i64) -> BTreeMap<(u32, u32), Brute> {
    let mut by_target: BTreeMap<u32, Vec<(i64, u32)>> = BTreeMap::new();
    for e in &trace.events {
        by_target
            .entry(e.target)
            .or_default()
            .push((e.time, e.account.0));
    }
    let mut out: BTreeMap<(u32, u32), Brute> = BTreeMap::new();
    for (&t, acts) in &by_target {
        let mut acts = acts.clone();
        acts.sort();
        if trace.layer.is_some_and(|l| l.is_directed()) {
            let Some(Some((owner, t0))) = trace.owner.get(t as usize) else {
                continue;
            };
            for (j, &(tj, b)) in acts.iter().enumerate() {
                if b == owner.0 || (tj - t0).abs() > w {
                    continue;
                }
                let r = out.entry((owner.0, b)).or_default();
                r.targets.insert(t);
                r.events += 1;
                if *t0 < tj {
                    r.lead += 1;
                } else if tj < *t0 {
                    r.follow += 1;
                }
                r.ua.insert((t, usize::MAX));
                r.ub.insert((t, j));
                r.dts.push((tj - t0).unsigned_abs() as u32);
            }
            continue;
        }
        for i in 0..acts.len() {
            for j in 0..acts.len() {
                let ((ti, a), (tj, b)) = (acts[i], acts[j]);
                if a >= b || (ti - tj).abs() > w {
                    continue;
                }
                let r = out.entry((a, b)).or_default();
                r.targets.insert(t);
                r.events += 1;
                if ti < tj {
                    r.lead += 1;
                } else if tj < ti {
                    r.follow += 1;
                }
                r.ua.insert((t, i));
                r.ub.insert((t, j));
                r.dts.push((ti - tj).unsigned_abs() as u32);
            }
        }
    }
    out
}

fn compare(trace: &Trace, got: &LayerEdges, w: i64) -> Result<(), TestCaseError> {
    let want = brute(trace, w);
    prop_assert_eq!(got.edges.len(), want.len(), "layer {:?}", trace.layer);
    for e in &got.edges {
        let r = want.get(&(e.a.0, e.b.0));
        prop_assert!(r.is_some(), "unexpected pair {:?}", (e.a, e.b));
        let r = r.unwrap();
        prop_assert_eq!(e.stats.weight as usize, r.targets.len());
        prop_assert_eq!(e.stats.events, r.events);
        prop_assert_eq!((e.stats.lead, e.stats.follow), (r.lead, r.follow));
        let (ua, ub) = (r.ua.len() as f32, r.ub.len() as f32);
        prop_assert_eq!(e.stats.symmetry, ua.min(ub) / ua.max(ub));
        if r.dts.len() <= SAMPLE_K {
            let mut d = r.dts.clone();
            d.sort_unstable();
            prop_assert_eq!(e.stats.median_dt_s, median_sorted(&d));
        }
    }
    // Margins: activity = distinct targets per account, target sizes = distinct accounts.
    let mut act: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    let mut sizes: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for ev in &trace.events {
        act.entry(ev.account.0).or_default().insert(ev.target);
        sizes.entry(ev.target).or_default().insert(ev.account.0);
    }
    for (a, ts) in act {
        prop_assert_eq!(got.activity[a as usize] as usize, ts.len());
    }
    for (t, s) in sizes {
        prop_assert_eq!(got.target_sizes[t as usize] as usize, s.len());
    }
    Ok(())
}

#[derive(Debug, Clone)]
struct GenPost {
    account: u8,
    time: u16,
    kind: u8,
    orig: u8,
    text: u8,
    tags: Vec<u8>,
    urls: Vec<u8>,
    mentions: Vec<u8>,
}

fn gen_post() -> impl Strategy<Value = GenPost> {
    (
        0u8..8,
        0u16..400,
        0u8..4,
        0u8..6,
        0u8..4,
        proptest::collection::vec(0u8..4, 0..3),
        proptest::collection::vec(0u8..4, 0..2),
        proptest::collection::vec(0u8..5, 0..2),
    )
        .prop_map(
            |(account, time, kind, orig, text, tags, urls, mentions)| GenPost {
                account,
                time,
                kind,
                orig,
                text,
                tags,
                urls,
                mentions,
            },
        )
}

fn dataset(posts: &[GenPost]) -> Dataset {
    let mut b = DatasetBuilder::new();
    let src = b.add_source(SourceInfo::new("gen", "test", Resolution::Second));
    const TEXTS: [&str; 4] = [
        "Hello World",
        "hello   world",
        "RT @x: other words",
        "third",
    ];
    const TAGS: [&str; 4] = ["HK", "hk", "news", "Vote"];
    const URLS: [&str; 4] = [
        "https://a.com/x?utm_source=1",
        "https://A.com/x/",
        "https://b.a.com/y",
        "http://c.org",
    ];
    for (i, p) in posts.iter().enumerate() {
        let id = format!("p{i}");
        let acct = format!("u{}", p.account);
        // Originals point back at earlier posts (or at posts outside the dataset).
        let orig = if p.orig < 4 && i > 0 {
            format!("p{}", p.orig as usize % i)
        } else {
            format!("ext{}", p.orig)
        };
        let orig_acct = format!("u{}", p.orig % 3);
        let kind = [
            PostKind::Original,
            PostKind::Repost,
            PostKind::Reply,
            PostKind::Quote,
        ][p.kind as usize];
        let tags: Vec<&str> = p.tags.iter().map(|&t| TAGS[t as usize]).collect();
        let urls: Vec<&str> = p.urls.iter().map(|&t| URLS[t as usize]).collect();
        let mentions: Vec<String> = p.mentions.iter().map(|m| format!("u{m}")).collect();
        let mentions: Vec<&str> = mentions.iter().map(|s| s.as_str()).collect();
        let media: Vec<&str> = if p.text == 3 { vec!["img1"] } else { vec![] };
        b.push_post(
            &PostRecord {
                external_id: &id,
                account: &acct,
                time: p.time as i64,
                kind: Some(kind),
                text: TEXTS[p.text as usize],
                repost_of: if kind == PostKind::Repost { &orig } else { "" },
                repost_of_account: if kind == PostKind::Repost {
                    &orig_acct
                } else {
                    ""
                },
                reply_to: if kind == PostKind::Reply { &orig } else { "" },
                quote_of: if kind == PostKind::Quote { &orig } else { "" },
                hashtags: &tags,
                urls: &urls,
                mentions: &mentions,
                media: &media,
                ..Default::default()
            },
            src,
        );
        if p.kind == 0 && p.text < 2 {
            b.push_login(
                &acct,
                p.time as i64,
                ["1.2.3.4", "5.6.7.8"][p.text as usize],
                "ua",
            );
        }
    }
    b.finish()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn kernel_matches_brute_force_for_every_layer(
        posts in proptest::collection::vec(gen_post(), 0..60),
        w in prop_oneof![Just(0i64), Just(5), Just(60), Just(1000)],
    ) {
        let ds = dataset(&posts);
        for layer in supported_layers(&ds) {
            let trace = build_trace(&ds, layer).unwrap();
            for scale in [Scale::Burst, Scale::Drip] {
                let params = KernelParams::new(layer, scale, w, ds.accounts.len() as u32);
                let got = count_pairs(&trace, &params);
                compare(&trace, &got, w)?;
            }
        }
    }
}

#[test]
fn generated_datasets_cover_every_trace_layer() {
    let posts: Vec<GenPost> = (0..40)
        .map(|i| GenPost {
            account: (i % 8) as u8,
            time: (i * 3) as u16,
            kind: (i % 4) as u8,
            orig: (i % 6) as u8,
            text: (i % 4) as u8,
            tags: vec![(i % 4) as u8, 2],
            urls: vec![(i % 4) as u8],
            mentions: vec![(i % 5) as u8],
        })
        .collect();
    let layers = supported_layers(&dataset(&posts));
    for l in Layer::ALL {
        if l != Layer::SimilarText {
            assert!(layers.contains(&l), "{l} not generated");
        }
    }
}

/// A target with 100,000 participants inside one window: the capped kernel stays fast and small,
/// and a coordinated pair inside the crowd that acts back to back is still found.
#[test]
fn skewed_target_is_bounded() {
    let n = 100_000u32;
    let mut events: Vec<lockstep_engine::Event> = (0..n)
        .map(|i| lockstep_engine::Event {
            target: 0,
            time: (i / 2000) as i64, // 50 seconds, all inside a 60 s window
            account: AccountId(i),
        })
        .collect();
    // A second, small target where accounts 7 and 8 co-act exactly.
    events.push(lockstep_engine::Event {
        target: 1,
        time: 0,
        account: AccountId(7),
    });
    events.push(lockstep_engine::Event {
        target: 1,
        time: 3,
        account: AccountId(8),
    });
    events.sort();
    let trace = Trace {
        layer: Some(Layer::Repost),
        events,
        n_targets: 2,
        owner: vec![],
    };
    let params = KernelParams::new(Layer::Repost, Scale::Burst, 60, n);
    let start = std::time::Instant::now();
    let out = count_pairs(&trace, &params);
    let elapsed = start.elapsed();
    // Exact counting would emit n(n-1)/2 ~ 5e9 pairs; the cap allows at most n * neighbours.
    let bound = n as usize * params.skew.neighbours as usize;
    assert!(out.edges.len() <= bound, "{} edges", out.edges.len());
    assert_eq!(out.capped_targets, 1);
    assert_eq!(out.capped_target_ids, vec![0]);
    assert!(elapsed.as_secs() < 30, "took {elapsed:?}");
    let e78 = out
        .edges
        .iter()
        .find(|e| e.a == AccountId(7) && e.b == AccountId(8))
        .expect("pair 7-8");
    // 7 and 8 are adjacent in the crowd and co-act on the small target: weight 2.
    assert_eq!(e78.stats.weight, 2);
    assert_eq!(out.target_sizes, vec![n, 2]);
}
