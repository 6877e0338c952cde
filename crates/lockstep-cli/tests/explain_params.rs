//! `lockstep investigate --explain-params` and the `similar_text` flags (`--similarity`,
//! `--shingle`, `--lsh`): the parameters and the banding's recall curve are printed without input
//! files, bad values fail with a message naming the flag, and the flags reach the layer (a family
//! of edited copies is one group at the default threshold and none at a stricter one).

use assert_cmd::Command;
use lockstep_engine::Layer;
use lockstep_engine::window::default_windows;

fn lockstep() -> Command {
    Command::cargo_bin("lockstep").expect("binary")
}

fn explain(args: &[&str]) -> String {
    let out = lockstep()
        .arg("investigate")
        .arg("--explain-params")
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The window table: the lines after the `co-action windows` heading.
fn window_lines(text: &str) -> Vec<Vec<String>> {
    let at = text.find("co-action windows").expect("window table");
    text[at..]
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect()
}

/// `1 - (1 - s^r)^b` formatted as the explanation prints it.
fn curve(s: f64, b: i32, r: i32) -> String {
    format!("{s:.2}   {:.4}", 1.0 - (1.0 - s.powi(r)).powi(b))
}

#[test]
fn defaults_are_explained_without_inputs() {
    let text = explain(&[]);
    assert!(text.contains("similarity threshold (Jaccard on shingle sets): 0.70"));
    assert!(text.contains("word 2-grams"));
    assert!(text.contains("character 2-grams"));
    assert!(text.contains("25 bands x 5 rows"));
    for i in 10..=20 {
        let s = f64::from(i) * 0.05;
        assert!(text.contains(&curve(s, 25, 5)), "missing {s}: {text}");
    }
    assert!(text.contains("<- threshold"));
    for l in Layer::ALL {
        let (b, d) = default_windows(l);
        let rows = window_lines(&text);
        let cols = rows
            .iter()
            .find(|c| c.first().map(String::as_str) == Some(l.as_str()))
            .unwrap_or_else(|| panic!("no window line for {l}: {text}"));
        assert_eq!(cols[1..3], [b.to_string(), d.to_string()], "{cols:?}");
    }
}

#[test]
fn chosen_parameters_are_explained() {
    let text = explain(&[
        "--similarity",
        "0.8",
        "--lsh",
        "20x4",
        "--shingle",
        "3,2",
        "--window",
        "similar_text=300",
        "--window",
        "url:drip=0",
    ]);
    assert!(text.contains("similarity threshold (Jaccard on shingle sets): 0.80"));
    assert!(text.contains("20 bands x 4 rows"));
    assert!(text.contains("word 3-grams"));
    assert!(text.contains("character 2-grams"));
    assert!(text.contains(&format!("{}  <- threshold", curve(0.8, 20, 4))));
    assert!(text.contains(&curve(0.6, 20, 4)));
    let rows = window_lines(&text);
    let line = |name: &str| {
        rows.iter()
            .find(|c| c.first().map(String::as_str) == Some(name))
            .unwrap_or_else(|| panic!("no line for {name}"))
            .clone()
    };
    assert_eq!(line("similar_text")[1], "300");
    assert_eq!(line("url")[2], "off");
}

#[test]
fn bad_similar_parameters_fail_naming_the_flag() {
    for (args, needle) in [
        (vec!["--lsh", "25"], "--lsh"),
        (vec!["--shingle", "two"], "--shingle"),
        (vec!["--similarity", "1.5"], "similarity threshold"),
        (vec!["--lsh", "0x5"], "bands and rows"),
    ] {
        let out = lockstep()
            .arg("investigate")
            .arg("--explain-params")
            .args(&args)
            .output()
            .expect("run");
        assert!(!out.status.success(), "{args:?} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    // Without --explain-params the inputs are still required.
    lockstep().arg("investigate").assert().failure();
}

/// A small archive-format file: one base text and 12 copies each with one word replaced
/// (Jaccard of word bigrams to the base 17/21 = 0.81), posted by 13 accounts within two minutes,
/// plus unrelated posts.
fn write_family(path: &std::path::Path) {
    let cols = lockstep_model::archive::TWEET_COLUMNS;
    let mut csv = cols.join(",") + "\n";
    let base: Vec<String> = (0..20).map(|i| format!("word{i}")).collect();
    let mut texts = vec![base.join(" ")];
    for v in 0..12 {
        let mut t = base.clone();
        t[2 + v] = format!("edit{v}");
        texts.push(t.join(" "));
    }
    for u in 0..10 {
        let t: Vec<String> = (0..12).map(|i| format!("other{u}x{i}")).collect();
        texts.push(t.join(" "));
    }
    for (i, text) in texts.iter().enumerate() {
        let mut row = vec![String::new(); cols.len()];
        let set = |row: &mut Vec<String>, name: &str, v: String| {
            let k = cols.iter().position(|c| *c == name).expect("column");
            row[k] = v;
        };
        set(&mut row, "tweetid", (1000 + i).to_string());
        set(&mut row, "userid", format!("u{i}"));
        set(&mut row, "user_screen_name", format!("user{i}"));
        set(&mut row, "tweet_text", text.clone());
        set(
            &mut row,
            "tweet_time",
            format!("2019-08-01 12:{:02}", i / 10),
        );
        set(&mut row, "is_retweet", "false".into());
        csv += &row.join(",");
        csv.push('\n');
    }
    std::fs::write(path, csv).expect("write input");
}

fn similar_note(dir: &std::path::Path, similarity: &str) -> (String, String) {
    let input = dir.join("tweets.csv");
    write_family(&input);
    let out = dir.join(format!("out-{similarity}"));
    lockstep()
        .args([
            "investigate",
            "--quiet",
            "--layers",
            "similar_text",
            "--similarity",
            similarity,
            "--shingle",
            "2",
            "--lsh",
            "30x4",
        ])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let summary = std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
    let run = std::fs::read_to_string(out.join("run.toml")).expect("run.toml");
    (summary, run)
}

#[test]
fn flags_reach_the_layer_and_run_toml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (loose, run) = similar_note(dir.path(), "0.7");
    assert!(
        loose.contains("1 near-duplicate groups over 13 posts"),
        "{loose}"
    );
    assert!(run.contains("threshold = 0.7"), "{run}");
    assert!(
        run.contains("bands = 30") && run.contains("rows = 4"),
        "{run}"
    );
    let (strict, run) = similar_note(dir.path(), "0.9");
    assert!(
        strict.contains("0 near-duplicate groups over 0 posts"),
        "{strict}"
    );
    assert!(run.contains("threshold = 0.9"), "{run}");
}
