//! Issue 13: a user's input is never opened for writing, outputs appear whole or not at all, and
//! what Lockstep prints cannot be hijacked by the data. Each test runs the `lockstep` binary as a
//! user would, on a small simulated world.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

type R = Result<(), Box<dyn std::error::Error>>;

fn lockstep() -> Command {
    Command::cargo_bin("lockstep").unwrap_or_else(|e| panic!("lockstep binary: {e}"))
}

/// A small labelled world (archive format) in `dir/world`.
fn world(dir: &Path) -> PathBuf {
    let w = dir.join("world");
    lockstep()
        .args(["simulate", "--accounts", "400", "--posts", "6000", "--out"])
        .arg(&w)
        .assert()
        .success();
    w
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

#[test]
fn inspect_refuses_a_quarantine_that_is_an_input() -> R {
    let dir = tempfile::tempdir()?;
    let w = world(dir.path());
    let tweets = w.join("tweets.csv");
    let users = w.join("users.csv");
    let (t0, u0) = (bytes(&tweets), bytes(&users));
    let a = lockstep()
        .arg("inspect")
        .arg(&tweets)
        .arg("--quarantine")
        .arg(&tweets)
        .assert()
        .failure();
    assert!(stderr_of(&a).contains("input"), "{}", stderr_of(&a));
    // With two inputs, the second one named as the quarantine.
    lockstep()
        .arg("inspect")
        .arg(&tweets)
        .arg(&users)
        .arg("--quarantine")
        .arg(&users)
        .assert()
        .failure();
    // Through a symbolic link too.
    let link = dir.path().join("q.csv");
    std::os::unix::fs::symlink(&users, &link)?;
    lockstep()
        .arg("inspect")
        .arg(&tweets)
        .arg(&users)
        .arg("--quarantine")
        .arg(&link)
        .assert()
        .failure();
    assert_eq!(bytes(&tweets), t0);
    assert_eq!(bytes(&users), u0);
    Ok(())
}

#[test]
fn investigate_never_writes_over_its_inputs() -> R {
    let dir = tempfile::tempdir()?;
    let w = world(dir.path());
    // The user's data folder holds a file named like an output.
    let edges = w.join("edges.csv");
    std::fs::copy(w.join("tweets.csv"), &edges)?;
    let users = w.join("users.csv");
    let (e0, u0) = (bytes(&edges), bytes(&users));
    let a = lockstep()
        .arg("investigate")
        .arg(&edges)
        .arg(&users)
        .arg("--quiet")
        .arg("--out")
        .arg(&w)
        .assert()
        .failure();
    assert!(stderr_of(&a).contains("lies inside"), "{}", stderr_of(&a));
    // --force writes beside the inputs but still never over one.
    lockstep()
        .arg("investigate")
        .arg(&edges)
        .arg(&users)
        .args(["--quiet", "--force", "--out"])
        .arg(&w)
        .assert()
        .failure();
    assert_eq!(bytes(&edges), e0);
    assert_eq!(bytes(&users), u0);
    assert!(!w.join("accounts.csv").exists(), "nothing moved in");
    Ok(())
}

#[test]
fn a_rerun_leaves_no_stale_file_and_a_failed_run_keeps_the_previous_outputs() -> R {
    let dir = tempfile::tempdir()?;
    let w = world(dir.path());
    let out = dir.path().join("inv");
    let seeds = dir.path().join("seeds.txt");
    let labels = std::fs::read_to_string(w.join("labels.csv"))?;
    let core: Vec<&str> = labels
        .lines()
        .filter(|l| l.contains(",state_core,"))
        .filter_map(|l| l.split(',').next())
        .take(3)
        .collect();
    std::fs::write(&seeds, core.join("\n"))?;
    let inputs = [w.join("tweets.csv"), w.join("users.csv")];
    lockstep()
        .arg("investigate")
        .args(&inputs)
        .arg("--seeds")
        .arg(&seeds)
        .arg("--quiet")
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("expansion.csv").exists());
    assert!(out.join("lockstep-manifest.json").exists());
    lockstep()
        .arg("investigate")
        .args(&inputs)
        .arg("--quiet")
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(
        !out.join("expansion.csv").exists(),
        "expansion.csv of the run with --seeds is stale"
    );
    // A run that fails (here: an unreadable input) leaves the previous outputs whole.
    let before = bytes(&out.join("accounts.csv"));
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "tweetid,userid\n1\n")?;
    lockstep()
        .arg("investigate")
        .arg(&bad)
        .arg("--quiet")
        .arg("--out")
        .arg(&out)
        .assert()
        .failure();
    assert_eq!(bytes(&out.join("accounts.csv")), before);
    assert!(out.join("lockstep-manifest.json").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    Ok(())
}

#[test]
fn a_directory_lockstep_did_not_write_is_refused_without_force() -> R {
    let dir = tempfile::tempdir()?;
    let w = world(dir.path());
    let out = dir.path().join("mine");
    std::fs::create_dir(&out)?;
    std::fs::write(out.join("thesis.docx"), "chapter 1")?;
    let a = lockstep()
        .arg("investigate")
        .arg(w.join("tweets.csv"))
        .arg("--quiet")
        .arg("--out")
        .arg(&out)
        .assert()
        .failure();
    assert!(stderr_of(&a).contains("--force"), "{}", stderr_of(&a));
    lockstep()
        .arg("investigate")
        .arg(w.join("tweets.csv"))
        .args(["--quiet", "--force", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.docx"))?,
        "chapter 1"
    );
    assert!(out.join("accounts.csv").exists());
    Ok(())
}

#[test]
fn an_os_error_is_said_once_and_escapes_from_data_are_not_sent_to_the_terminal() -> R {
    let dir = tempfile::tempdir()?;
    let missing = dir.path().join("missing.csv");
    let a = lockstep().arg("inspect").arg(&missing).assert().failure();
    let err = stderr_of(&a);
    assert_eq!(err.matches("No such file").count(), 1, "{err}");
    // A header with a terminal escape sequence (an unknown format: the error quotes the header).
    let evil = dir.path().join("evil.csv");
    std::fs::write(&evil, "a\x1b]0;pwned\x07,b\n1,2\n")?;
    let a = lockstep().arg("inspect").arg(&evil).assert().failure();
    let err = stderr_of(&a);
    assert!(!err.contains('\x1b'), "{err:?}");
    assert!(err.contains("\\x1b"), "{err:?}");
    Ok(())
}

/// kill -9 in the middle of a run leaves the previous outputs whole and complete; the next run
/// removes what the killed one left beside `--out`.
#[test]
fn a_killed_run_leaves_the_previous_outputs_whole() -> R {
    let dir = tempfile::tempdir()?;
    let w = dir.path().join("world");
    lockstep()
        .args([
            "simulate",
            "--accounts",
            "3000",
            "--posts",
            "60000",
            "--out",
        ])
        .arg(&w)
        .assert()
        .success();
    let out = dir.path().join("inv");
    let inputs = [w.join("tweets.csv"), w.join("users.csv")];
    lockstep()
        .arg("investigate")
        .args(&inputs)
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let before = bytes(&out.join("accounts.csv"));
    for delay_ms in [50u64, 400, 1500] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lockstep"))
            .arg("investigate")
            .args(&inputs)
            .args(["--quiet", "--fdr", "0.2", "--out"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill()?; // SIGKILL
        let status = child.wait()?;
        lockstep_outdir::verify_complete(&out)?;
        if !status.success() {
            assert_eq!(
                bytes(&out.join("accounts.csv")),
                before,
                "killed after {delay_ms} ms"
            );
        }
    }
    lockstep()
        .arg("investigate")
        .args(&inputs)
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        bytes(&out.join("accounts.csv")),
        before,
        "the same run gives the same bytes"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    Ok(())
}
