//! `lockstep eval` end to end on small files.

use assert_cmd::Command;

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
    p
}

/// Runs `lockstep eval DIR/accounts.csv --labels LABELS ARGS...` (the fixtures are hand-written
/// files, not a completed investigation directory).
fn eval(dir: &std::path::Path, labels: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("lockstep")
        .unwrap_or_else(|e| panic!("{e}"))
        .arg("eval")
        .arg(dir.join("accounts.csv"))
        .arg("--labels")
        .arg(labels)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn prints_scores_and_json() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "accounts.csv",
        "account_id,screen_name,cluster_id,verdict,role,coordination_score,inauthenticity_score,evidence\n\
         s1,a,1,inauthentic,core,0.9,0.9,\n\
         s2,b,1,inauthentic,amplifier,0.9,0.9,\n\
         act1,c,2,coordinated_organic,,0.5,0.1,\n\
         act2,d,2,inauthentic,core,0.5,0.6,\n\
         o1,e,,none,,0,0.0,\n",
    );
    let labels = write(
        dir.path(),
        "labels.csv",
        "account_id,label,cell\ns1,state_core,x\ns2,spam_amplifier,x\ns3,state_core,x\nact1,activist,x\nact2,activist,x\no1,organic,x\n",
    );
    // s3 is labelled but absent from accounts.csv: --count-absent counts it as a false negative.
    let out = eval(dir.path(), &labels, &["--count-absent"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // tp 2, fp 1, fn 1: precision 2/3, recall 2/3.
    assert!(text.contains("precision 0.6667  recall 0.6667"), "{text}");
    assert!(text.contains("activist"), "{text}");
    let out = eval(dir.path(), &labels, &["--json", "--positive", "state_core"]);
    assert!(out.status.success());
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["overall"]["tp"], 1);
    assert_eq!(v["overall"]["fp"], 2);
}

#[test]
fn bad_input_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "accounts.csv", "account_id,verdict\nx,weird\n");
    let labels = write(dir.path(), "labels.csv", "account_id,label\nx,state_core\n");
    let out = eval(dir.path(), &labels, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("accounts.csv:2: verdict"), "{err}");
}

#[test]
fn purity_against_a_category_column() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "accounts.csv",
        "account_id,screen_name,cluster_id,verdict,role,coordination_score,inauthenticity_score,evidence\n\
         a1,a,4,inauthentic,core,0.9,0.9,\n\
         a2,b,4,inauthentic,core,0.9,0.9,\n\
         a3,c,4,coordinated_organic,,0.5,0.1,\n\
         b1,d,9,coordinated_organic,,0.5,0.1,\n\
         b2,e,9,coordinated_organic,,0.5,0.1,\n\
         x1,f,,none,,0,0.0,\n",
    );
    // The IRA authors.csv shape: id and category under their own names.
    let labels = write(
        dir.path(),
        "authors.csv",
        "author_id,author,account_category\na1,A,RightTroll\na2,B,RightTroll\na3,C,LeftTroll\nb1,D,NewsFeed\nb2,E,NewsFeed\nx1,F,Unknown\n",
    );
    let out = eval(
        dir.path(),
        &labels,
        &[
            "--id-column",
            "author_id",
            "--label-column",
            "account_category",
            "--positive",
            "RightTroll,LeftTroll,NewsFeed",
            "--purity",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // Cluster 4: 2 of 3 RightTroll; cluster 9: 2 of 2 NewsFeed -> 4 of 5.
    assert!(
        text.contains("cluster purity against labels: 0.800 (5 labelled accounts in 2 clusters, of 6 labelled)"),
        "{text}"
    );
    // Clusters are named by their accounts.csv / clusters.csv ids.
    assert!(
        text.contains("  cluster 4: 3 labelled, 67% RightTroll"),
        "{text}"
    );
    assert!(
        text.contains("  cluster 9: 2 labelled, 100% NewsFeed"),
        "{text}"
    );
}

/// A reader that closes the pipe early (`lockstep eval ... | head`) ends the process quietly:
/// no "failed printing to stdout" panic.
#[cfg(unix)]
#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut accounts = String::from(
        "account_id,screen_name,cluster_id,verdict,role,coordination_score,inauthenticity_score,evidence\n",
    );
    let mut labels = String::from("account_id,label\n");
    // 3,000 labels print well over a pipe buffer (64 KiB) of per-label lines.
    for i in 0..3000 {
        accounts.push_str(&format!("a{i},a{i},,none,,0,0,\n"));
        labels.push_str(&format!("a{i},label_number_{i:05}_with_a_long_name\n"));
    }
    write(dir.path(), "accounts.csv", &accounts);
    let labels = write(dir.path(), "labels.csv", &labels);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lockstep"))
        .arg("eval")
        .arg(dir.path().join("accounts.csv"))
        .arg("--labels")
        .arg(&labels)
        .args(["--positive", "label_number_00000_with_a_long_name"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut head = [0u8; 64];
    let mut stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    stdout
        .read_exact(&mut head)
        .unwrap_or_else(|e| panic!("{e}"));
    drop(stdout);
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

#[test]
fn a_directory_without_a_completed_run_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "accounts.csv",
        "account_id,screen_name,cluster_id,verdict,role,coordination_score,inauthenticity_score,evidence\n",
    );
    let labels = write(
        dir.path(),
        "labels.csv",
        "account_id,label\ns1,state_core\n",
    );
    let out = Command::cargo_bin("lockstep")
        .unwrap_or_else(|e| panic!("{e}"))
        .arg("eval")
        .arg(dir.path())
        .arg("--labels")
        .arg(&labels)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("lockstep-manifest.json"), "{err}");
}

/// Issue 14: labelled accounts absent from `accounts.csv` (not in the data) used to count as
/// false negatives (IRA: recall 0.016 over 2,856 labelled accounts, 823 in the data); now they
/// are left out and reported, `--count-absent` keeps the old figure. Gzip labels are read.
#[test]
fn absent_labelled_accounts_and_gzip_labels() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "accounts.csv",
        "account_id,screen_name,cluster_id,verdict,role,coordination_score,inauthenticity_score,evidence\n\
         t1,a,1,inauthentic,core,0.9,0.9,\n\
         t2,b,,none,,0,0.1,\n",
    );
    let text = "author_id,account_category\nt1,RightTroll\nt2,RightTroll\ngone1,RightTroll\ngone2,LeftTroll\ngone3,NonEnglish\n";
    let gz = dir.path().join("authors.csv.gz");
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap_or_else(|e| panic!("{e}")),
        flate2::Compression::default(),
    );
    e.write_all(text.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    e.finish().unwrap_or_else(|e| panic!("{e}"));
    let args = [
        "--id-column",
        "author_id",
        "--label-column",
        "account_category",
        "--positive",
        "RightTroll,LeftTroll,NonEnglish",
    ];
    let out = eval(dir.path(), &gz, &args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Over the two labelled accounts present: tp 1, fn 1.
    assert!(stdout.contains("recall 0.5000"), "{stdout}");
    assert!(
        stdout.contains("3 labelled accounts (3 with a positive label) are absent"),
        "{stdout}"
    );
    let mut with = args.to_vec();
    with.push("--count-absent");
    let out = eval(dir.path(), &gz, &with);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(stdout.contains("recall 0.2000"), "{stdout}");
}
