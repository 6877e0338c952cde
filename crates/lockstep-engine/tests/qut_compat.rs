//! `--semantics qut` gives the same edge lists and weights as coordination-network-toolkit 1.5.2
//! itself (installed from PyPI into a virtualenv under the target directory) for its four
//! networks `co_retweet`, `co_tweet`, `co_link`, `co_reply`, on a generated input; and the Rust
//! implementation agrees with a brute-force reading of the toolkit's SQL on random inputs.

use lockstep_engine::compat::qut::{QutNetwork, QutParams, message_preprocessor, network};
use lockstep_model::{Dataset, DatasetBuilder, PostRecord, Resolution, SourceInfo};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Clone, Debug)]
struct Msg {
    id: String,
    user: String,
    repost: String,
    reply: String,
    text: String,
    time: i64,
    urls: Vec<String>,
}

/// A deterministic generator (64-bit LCG) of messages that exercise every network.
fn generate(n: usize, seed: u64) -> Vec<Msg> {
    let mut s = seed;
    let mut next = move |m: u64| {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (s >> 33) % m
    };
    const TEXTS: [&str; 8] = [
        "Stand with HK @alice",
        "stand  with hk",
        "STAND WITH HK @bob!",
        "Vote now\thttp://x.co/1",
        "vote now http://x.co/1",
        "@only",
        "",
        "Ünïcödé   Straße @x",
    ];
    const URLS: [&str; 4] = [
        "http://a.com/1",
        "https://b.org/x?utm_source=t",
        "http://a.com/1/",
        "http://c.net",
    ];
    (0..n)
        .map(|i| {
            let kind = next(4);
            let nurl = next(3) as usize;
            let urls: Vec<String> = (0..nurl)
                .map(|_| URLS[next(4) as usize].to_string())
                .collect();
            Msg {
                id: format!("m{i}"),
                user: format!("u{}", next(12)),
                repost: if kind == 1 {
                    format!("r{}", next(5))
                } else {
                    String::new()
                },
                reply: if kind == 2 {
                    format!("p{}", next(4))
                } else {
                    String::new()
                },
                text: TEXTS[next(8) as usize].to_string(),
                time: next(900) as i64,
                urls,
            }
        })
        .collect()
}

fn dataset(msgs: &[Msg]) -> Dataset {
    let mut b = DatasetBuilder::new();
    let src = b.add_source(SourceInfo::new("gen", "qut-csv", Resolution::Second));
    for m in msgs {
        let urls: Vec<&str> = m.urls.iter().map(|s| s.as_str()).collect();
        b.push_post(
            &PostRecord {
                external_id: &m.id,
                account: &m.user,
                time: m.time,
                text: &m.text,
                repost_of: &m.repost,
                reply_to: &m.reply,
                urls: &urls,
                ..Default::default()
            },
            src,
        );
    }
    b.finish()
}

type Edges = BTreeMap<(String, String), u32>;

fn ours(ds: &Dataset, net: QutNetwork, w: i64, min: u32) -> Edges {
    let p = QutParams {
        time_window: w,
        min_edge_weight: min,
        empty_url_quirk: true,
    };
    network(ds, net, &p)
        .into_iter()
        .map(|e| {
            (
                (
                    ds.str(ds.accounts.external_id[e.from.idx()]).to_string(),
                    ds.str(ds.accounts.external_id[e.to.idx()]).to_string(),
                ),
                e.weight,
            )
        })
        .collect()
}

/// The toolkit's SQL read literally: for each (u1, u2) count distinct messages of u1 joined to
/// a message of u2 on the key within the window; loops dropped.
fn brute(msgs: &[Msg], net: QutNetwork, w: i64, min: u32) -> Edges {
    let keys = |m: &Msg| -> Vec<String> {
        let repost = !m.repost.is_empty();
        match net {
            QutNetwork::CoRetweet if repost => vec![m.repost.clone()],
            QutNetwork::CoReply if !repost && !m.reply.is_empty() => vec![m.reply.clone()],
            QutNetwork::CoTweet if !repost => vec![message_preprocessor(&m.text)],
            QutNetwork::CoLink if !repost => {
                if m.urls.is_empty() {
                    vec![String::new()]
                } else {
                    m.urls.clone()
                }
            }
            _ => vec![],
        }
    };
    let mut seen: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for a in msgs {
        for b in msgs {
            if a.user == b.user || (a.time - b.time).abs() > w {
                continue;
            }
            let kb = keys(b);
            if keys(a).iter().any(|k| kb.contains(k)) {
                seen.entry((a.user.clone(), b.user.clone()))
                    .or_default()
                    .insert(a.id.clone());
            }
        }
    }
    seen.into_iter()
        .map(|(k, v)| (k, v.len() as u32))
        .filter(|(_, w)| *w >= min)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
    #[test]
    fn matches_brute_force(seed in any::<u64>(), n in 0usize..80, w in prop_oneof![Just(0i64), Just(30), Just(200)], min in 1u32..3) {
        let msgs = generate(n, seed);
        let ds = dataset(&msgs);
        for net in QutNetwork::ALL {
            prop_assert_eq!(ours(&ds, net, w, min), brute(&msgs, net, w, min), "{:?}", net);
        }
    }
}

/// A Python in a virtualenv with `pkgs`, created once under the target directory. `None` with a
/// printed reason only when PyPI cannot be reached.
fn venv_python(name: &str, pkgs: &[&str]) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let py = dir.join("bin").join("python");
    let marker = dir.join(".installed");
    if marker.exists() {
        return Some(py);
    }
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&dir)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "python3 -m venv failed: python3 with venv is required");
    let out = Command::new(&py)
        .args(["-m", "pip", "install", "-q", "--disable-pip-version-check"])
        .args(pkgs)
        .output()
        .expect("run pip");
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("Could not find a version")
            || err.contains("connection")
            || err.contains("Network is unreachable")
        {
            eprintln!("SKIP: pip cannot reach PyPI: {err}");
            return None;
        }
        panic!("pip install {pkgs:?} failed: {err}");
    }
    std::fs::write(&marker, b"ok").unwrap();
    Some(py)
}

fn write_qut_csv(path: &Path, msgs: &[Msg]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record([
        "message_id",
        "user_id",
        "username",
        "repost_id",
        "reply_id",
        "message",
        "timestamp",
        "urls",
    ])
    .unwrap();
    for m in msgs {
        w.write_record([
            m.id.as_str(),
            &m.user,
            &m.user,
            &m.repost,
            &m.reply,
            &m.text,
            &m.time.to_string(),
            &m.urls.join(" "),
        ])
        .unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn identical_to_coordination_network_toolkit_1_5_2() {
    let Some(py) = venv_python(
        "lockstep-qut-venv",
        &["coordination-network-toolkit==1.5.2"],
    ) else {
        return;
    };
    let msgs = generate(600, 42);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("messages.csv");
    write_qut_csv(&input, &msgs);
    let db = dir.path().join("qut.db");
    let run = |args: &[&str]| {
        let out = Command::new(&py)
            .args(["-m", "coordination_network_toolkit"])
            .arg(&db)
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "toolkit {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["preprocess", "--format", "csv", input.to_str().unwrap()]);
    let ds = dataset(&msgs);
    let window = 60;
    let mut total = 0;
    for net in QutNetwork::ALL {
        let out = dir.path().join(format!("{}.csv", net.as_str()));
        run(&[
            "compute",
            net.as_str(),
            "--time_window",
            &window.to_string(),
            "--min_edge_weight",
            "1",
            "--n_cpus",
            "1",
        ]);
        // The toolkit's `--output_format csv` crashes in 1.5.2 (`output_gephi_csv() got an
        // unexpected keyword argument 'n_messages'`), so call the function that export uses,
        // `graph.get_edge_rows` (loops excluded), directly.
        let dump = Command::new(&py)
            .arg("-c")
            .arg(
                "import csv, sys\n\
                 from coordination_network_toolkit.graph import get_edge_rows\n\
                 w = csv.writer(open(sys.argv[3], 'w', newline=''))\n\
                 w.writerow(['source', 'target', 'weight', 'edge_type'])\n\
                 for row in get_edge_rows(sys.argv[1], sys.argv[2]):\n    w.writerow(row)\n",
            )
            .arg(&db)
            .arg(net.as_str())
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            dump.status.success(),
            "export failed: {}",
            String::from_utf8_lossy(&dump.stderr)
        );
        let mut r = csv::Reader::from_path(&out).unwrap();
        let theirs: Edges = r
            .records()
            .map(|x| {
                let x = x.unwrap();
                ((x[0].to_string(), x[1].to_string()), x[2].parse().unwrap())
            })
            .collect();
        let mine = ours(&ds, net, window, 1);
        assert!(!theirs.is_empty(), "{net:?}: the toolkit found no edge");
        assert_eq!(mine, theirs, "{net:?}");
        total += theirs.len();
    }
    eprintln!("qut: {total} directed edges identical over the four networks");
}
