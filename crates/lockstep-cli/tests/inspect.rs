//! `lockstep inspect` end to end: strict errors name the line and column, `--lenient` quarantines
//! exactly the bad line, `--json` is machine-readable.

use assert_cmd::Command;
use std::path::Path;

const GOOD1: &str = "aa11,u1,c1,1610870160.0\n";
const BAD: &str = "aa11,u2,c2,2021-13-45 99:99\n";
const GOOD2: &str = "bb22,u3,c3,1610870220\n";

fn write_input(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("shares.csv");
    let text = format!("object_id,account_id,content_id,timestamp_share\n{GOOD1}{BAD}{GOOD2}");
    std::fs::write(&p, text).expect("write input");
    p
}

fn lockstep() -> Command {
    Command::cargo_bin("lockstep").expect("binary built")
}

#[test]
fn bad_timestamp_names_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write_input(dir.path());
    let out = lockstep().arg("inspect").arg(&input).output().expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let expected = format!("{}:3: timestamp_share: bad timestamp", input.display());
    assert!(err.contains(&expected), "stderr was: {err}");
}

#[test]
fn lenient_quarantines_exactly_the_bad_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write_input(dir.path());
    let q = dir.path().join("rejected.csv");
    let out = lockstep()
        .arg("inspect")
        .arg(&input)
        .arg("--lenient")
        .arg("--quarantine")
        .arg(&q)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&q).expect("quarantine"), BAD);
    let reasons =
        std::fs::read_to_string(dir.path().join("rejected.csv.reasons")).expect("reasons");
    assert!(
        reasons.contains(":3: timestamp_share: bad timestamp"),
        "{reasons}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("3 rows read, 1 rejected"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 rows skipped") && stderr.contains("timestamp_share: bad timestamp"),
        "{stderr}"
    );
}

#[test]
fn json_output_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write_input(dir.path());
    let out = lockstep()
        .args(["inspect", "--json", "--lenient"])
        .arg(&input)
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["posts"], 2);
    assert_eq!(v["accounts"], 2);
    assert_eq!(v["report"]["files"][0]["format"], "coortweet");
    assert_eq!(v["report"]["files"][0]["rows_rejected"], 1);
    assert_eq!(v["posts_by_kind"]["repost"], 2);
    let layers = v["layers"].as_array().expect("layers");
    assert!(
        layers
            .iter()
            .any(|l| l["layer"] == "repost" && l["supported"] == true)
    );
}

#[test]
fn help_states_defaults() {
    let out = lockstep()
        .args(["inspect", "--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--format",
        "--lenient",
        "--quarantine",
        "--mapping",
        "--json",
        "--top",
    ] {
        let i = help
            .find(flag)
            .unwrap_or_else(|| panic!("{flag} missing from help"));
        let rest = &help[i..];
        let end = rest[2..].find("\n  -").map(|e| e + 2).unwrap_or(rest.len());
        assert!(
            rest[..end].contains("default"),
            "{flag} help lacks its default: {}",
            &rest[..end]
        );
    }
}

fn data_dir() -> std::path::PathBuf {
    std::env::var_os("LOCKSTEP_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
        })
}

/// `(layer, supported)` rows of `lockstep inspect --json` (the `windows` row left out).
fn inspect_layers(input: &Path) -> Vec<(String, bool)> {
    let out = lockstep()
        .args(["inspect", "--json"])
        .arg(input)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .filter(|l| l["layer"] != "windows")
        .map(|l| {
            (
                l["layer"].as_str().unwrap_or_default().to_string(),
                l["supported"].as_bool().unwrap_or_default(),
            )
        })
        .collect()
}

/// Issue 14: inspect said german_elections supports `hashtag_seq` (investigate found no
/// actions) and the IRA file does not support `amplify` (investigate ran it on 19,519 actions).
/// Both now answer from `lockstep_engine::layer_support`: inspect's "yes" rows are exactly the
/// layers `investigate` runs, and the two disputed layers agree with their traces.
#[test]
fn inspect_and_investigate_agree_on_layers_of_real_files() {
    use lockstep_engine::{Layer, build_trace, supported_layers};
    let cases = [
        (
            data_dir().join("coortweet/german_elections.csv"),
            Layer::HashtagSeq,
            false,
        ),
        (
            data_dir().join("ira-538-by-author/ira_tweets_2016H2.csv.gz"),
            Layer::Amplify,
            true,
        ),
    ];
    for (input, layer, expect) in cases {
        let rows = inspect_layers(&input);
        let ing = lockstep_ingest::read_paths(
            std::slice::from_ref(&input),
            &lockstep_ingest::ReadOptions::default(),
        )
        .expect("read");
        let runs: Vec<String> = supported_layers(&ing.dataset)
            .iter()
            .map(|l| l.as_str().to_string())
            .collect();
        let yes: Vec<String> = rows.iter().filter(|r| r.1).map(|r| r.0.clone()).collect();
        assert_eq!(yes, runs, "{}", input.display());
        assert!(
            rows.contains(&(layer.as_str().to_string(), expect)),
            "{}: {rows:?}",
            input.display()
        );
        let events = build_trace(&ing.dataset, layer)
            .expect("trace")
            .events
            .len();
        assert_eq!(
            events > 0,
            expect,
            "{}: {layer} has {events} actions",
            input.display()
        );
    }
}
