//! The timely driver returns exactly what the in-process engine returns: pairs (with every
//! statistic, including the sampled median), activity, target sizes and capped targets, for
//! undirected and directed layers, a skew-capped target, several epochs in one session, and
//! 1 to 4 worker threads.

use lockstep_dist::{DistConfig, Session};
use lockstep_engine::{Event, KernelParams, Layer, LayerEdges, Scale, Trace, count_pairs};
use lockstep_model::AccountId;
use std::time::Duration;

/// A deterministic pseudo-random trace: `n` events over `targets` targets and `accounts`
/// accounts, plus one busy target above the default skew cap.
fn trace(layer: Layer, seed: u64, n: usize, targets: u64, accounts: u64) -> Trace {
    let mut x = seed;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let mut events: Vec<Event> = (0..n)
        .map(|_| Event {
            target: next(targets) as u32,
            time: next(20_000) as i64,
            account: AccountId(next(accounts) as u32),
        })
        .collect();
    // A busy target: 1,200 accounts within 40 s (capped at the default 50,000 pairs).
    events.extend((0..1_200).map(|i| Event {
        target: targets as u32,
        time: i / 30,
        account: AccountId(accounts as u32 + i as u32),
    }));
    events.sort();
    events.dedup();
    let n_targets = targets as u32 + 1;
    let owner = if layer.is_directed() {
        (0..n_targets)
            .map(|t| Some((AccountId(t % 97), i64::from(t) * 7_919 % 20_000)))
            .collect()
    } else {
        Vec::new()
    };
    Trace {
        layer: Some(layer),
        events,
        n_targets,
        owner,
    }
}

fn assert_same(got: &LayerEdges, want: &LayerEdges, what: &str) {
    assert_eq!(got.edges.len(), want.edges.len(), "{what}: number of pairs");
    assert_eq!(got.edges, want.edges, "{what}: pairs");
    assert_eq!(got.activity, want.activity, "{what}: activity");
    assert_eq!(got.target_sizes, want.target_sizes, "{what}: target sizes");
    assert_eq!(
        got.capped_target_ids, want.capped_target_ids,
        "{what}: capped"
    );
    assert_eq!(
        got.capped_targets, want.capped_targets,
        "{what}: capped count"
    );
}

#[test]
fn timely_counts_equal_the_engine() {
    let accounts = 2_000u64;
    let jobs = [
        (
            trace(Layer::Repost, 11, 30_000, 3_000, accounts),
            Scale::Burst,
            120,
        ),
        (
            trace(Layer::Hashtag, 12, 20_000, 400, accounts),
            Scale::Drip,
            3_600,
        ),
        (
            trace(Layer::Amplify, 13, 15_000, 1_000, accounts),
            Scale::Drip,
            3_600,
        ),
    ];
    let n_accounts = accounts as u32 + 1_200;
    let expected: Vec<LayerEdges> = jobs
        .iter()
        .map(|(t, s, w)| {
            count_pairs(
                t,
                &KernelParams::new(t.layer.unwrap_or(Layer::Repost), *s, *w, n_accounts),
            )
        })
        .collect();
    assert!(expected[0].capped_targets == 1 && expected[0].edges.len() > 10_000);
    assert!(expected[2].edges.len() > 1_000);
    for workers in [1, 2, 3, 4] {
        let mut session = Session::start(DistConfig::threads(workers)).expect("start");
        for ((t, s, w), want) in jobs.iter().zip(&expected) {
            let kp = KernelParams::new(t.layer.unwrap_or(Layer::Repost), *s, *w, n_accounts);
            let got = session
                .count(t, &kp)
                .expect("count")
                .expect("one process leads");
            assert_same(&got, want, &format!("{workers} workers, {:?}", t.layer));
        }
        let x = session.finish(Duration::from_secs(30)).expect("finish");
        assert_eq!(x.network, 0, "one process sends nothing over the network");
        if workers > 1 {
            assert!(x.local > 0, "{workers} workers exchange records");
        } else {
            assert_eq!(x.local, 0);
        }
    }
}

#[test]
fn bad_settings_are_refused() {
    let mut c = DistConfig::threads(0);
    assert!(
        Session::start(c.clone())
            .err()
            .is_some_and(|e| e.to_string().contains("--workers"))
    );
    c.workers = 1;
    c.addresses = vec!["127.0.0.1:1".into(), "127.0.0.1:2".into()];
    c.process = 2;
    let e = Session::start(c)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("--process 2 is out of range"), "{e}");
}

/// Two processes of a cluster on loopback, in this test's process: process 0 feeds every run,
/// process 1 reads nothing and serves; the counts equal the engine's, directed layer included,
/// and both processes sent records over the network.
#[test]
fn a_follower_that_reads_nothing_counts_its_share() {
    let addresses: Vec<String> = {
        let l: Vec<std::net::TcpListener> = (0..2)
            .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("bind"))
            .collect();
        l.iter()
            .map(|x| x.local_addr().expect("addr").to_string())
            .collect()
    };
    let config = |process: usize| {
        let mut c = DistConfig::threads(2);
        c.process = process;
        c.addresses = addresses.clone();
        c
    };
    let follower = Session::start(config(1)).expect("start process 1");
    let served = std::thread::spawn(move || follower.serve());
    let mut leader = Session::start(config(0)).expect("start process 0");
    let n_accounts = 1_500 + 1_200;
    for (t, s, w) in [
        (
            trace(Layer::Repost, 21, 20_000, 2_000, 1_500),
            Scale::Burst,
            120,
        ),
        (
            trace(Layer::Amplify, 22, 10_000, 800, 1_500),
            Scale::Drip,
            3_600,
        ),
    ] {
        let kp = KernelParams::new(t.layer.unwrap_or(Layer::Repost), s, w, n_accounts);
        let got = leader
            .count(&t, &kp)
            .expect("count")
            .expect("process 0 leads");
        assert_same(&got, &count_pairs(&t, &kp), &format!("{:?}", t.layer));
    }
    leader.done();
    let sent_by_1 = served.join().expect("thread").expect("process 1 serves");
    let sent_by_0 = leader.finish(Duration::from_secs(30)).expect("finish");
    assert!(sent_by_0.network > 0 && sent_by_1.network > 0);
}
