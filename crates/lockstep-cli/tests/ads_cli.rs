//! `lockstep ads screen|report` and `lockstep registry check`, run as the binary.

use assert_cmd::Command;
use std::path::Path;

const HEADER: &str =
    "ad_id,advertiser,payer,landing_url,ad_text,spend,currency,submitted_at,userid\n";

fn lockstep() -> Command {
    Command::cargo_bin("lockstep").unwrap_or_else(|e| panic!("{e}"))
}

fn write(p: &Path, s: &str) {
    std::fs::write(p, s).unwrap_or_else(|e| panic!("{e}"));
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn screen_writes_decisions_and_reports_bad_rows() {
    let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let ads = d.path().join("ads.csv");
    write(
        &ads,
        &format!(
            "{HEADER}a1,ＣＧＴＮ,CGTN America Corp,https://www.cgtn.com/hk/1,x,100,USD,2019-08-20 10:00:00,\n\
             a2,SnackWorld,SnackWorld Ltd,https://snackworld.example.com/p,Beat RT prices,20,USD,2019-08-21 10:00:00,\n\
             a3,SnackWorld,SnackWorld Ltd,https://bit.ly/x1,sale,abc,USD,2019-08-21 10:00:00,\n"
        ),
    );
    let out = d.path().join("out");
    let o = lockstep()
        .args(["ads", "screen"])
        .arg(&ads)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("ads.csv:4: spend: non-numeric amount"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written on failure");
    lockstep()
        .args(["ads", "screen", "--lenient"])
        .arg(&ads)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let dec = read(&out.join("decisions.csv"));
    let lines: Vec<&str> = dec.lines().collect();
    assert_eq!(lines[0], "ad_id,decision,rule,entity,evidence");
    assert!(
        lines[1].starts_with("a1,reject,landing_domain,CGTN,"),
        "{dec}"
    );
    assert!(lines[2].starts_with("a2,allow,none,,"), "{dec}");
    assert!(lines[3].starts_with("a3,review,url_shortener,"), "{dec}");
    assert!(read(&out.join("quarantine.csv")).contains("non-numeric amount"));
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary["screen"]["decisions"]["reject"], 1);
    assert_eq!(summary["quarantined"], 1);

    let rep = d.path().join("rep");
    lockstep()
        .args(["ads", "report", "--lenient", "--by", "entity,month"])
        .arg(&ads)
        .arg("--out")
        .arg(&rep)
        .assert()
        .success();
    assert!(read(&rep.join("report.csv")).contains("CGTN,2019-08,USD,1,100.00"));
    let html = read(&rep.join("report.html"));
    assert!(html.contains("CGTN") && !html.contains("<script src") && !html.contains("<link"));
}

#[test]
fn registry_check_accepts_the_builtin_and_rejects_a_bad_file() {
    let o = lockstep()
        .args(["registry", "check"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("ok,"));
    let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = d.path().join("r.toml");
    write(
        &bad,
        "[[outlet]]\nname = \"X\"\ncountry = \"RU\"\nparent = \"P\"\ndomains = [\"x.com\", \"x.com\"]\nsource = \"\"\n",
    );
    let o = lockstep()
        .args(["registry", "check"])
        .arg(&bad)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("duplicate domain 'x.com'") && err.contains("missing source"),
        "{err}"
    );
}
