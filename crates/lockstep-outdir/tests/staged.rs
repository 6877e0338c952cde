//! The staged output directory's guarantees, each as it would be seen from outside.

use lockstep_outdir::{Inputs, MANIFEST, OutputError, StageOptions, StagedDir, verify_complete};
use std::path::Path;

type R = Result<(), Box<dyn std::error::Error>>;

fn write_run(
    out: &Path,
    inputs: &Inputs,
    files: &[(&str, &str)],
    force: bool,
) -> Result<(), OutputError> {
    let staged = StagedDir::begin(out, inputs, StageOptions { force })?;
    for (name, text) in files {
        let p = staged.path().join(name);
        std::fs::write(&p, text).map_err(|source| OutputError::Io { path: p, source })?;
    }
    staged.commit("test").map(|_| ())
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_new_directory_appears_whole_with_its_manifest() -> R {
    let root = tempfile::tempdir()?;
    let out = root.path().join("out");
    write_run(
        &out,
        &Inputs::default(),
        &[("a.csv", "1"), ("b.csv", "22")],
        false,
    )?;
    assert_eq!(names(&out), vec!["a.csv", "b.csv", MANIFEST]);
    let m = verify_complete(&out)?;
    assert_eq!(m.command, "test");
    assert_eq!(m.files.len(), 2);
    assert_eq!(
        names(root.path()),
        vec!["out"],
        "no staging directory left beside --out"
    );
    Ok(())
}

#[test]
fn a_rerun_replaces_the_previous_run_and_leaves_nothing_stale() -> R {
    let root = tempfile::tempdir()?;
    let out = root.path().join("out");
    write_run(
        &out,
        &Inputs::default(),
        &[("a.csv", "old"), ("expansion.csv", "old")],
        false,
    )?;
    write_run(&out, &Inputs::default(), &[("a.csv", "new")], false)?;
    assert_eq!(names(&out), vec!["a.csv", MANIFEST]);
    assert_eq!(std::fs::read_to_string(out.join("a.csv"))?, "new");
    Ok(())
}

#[test]
fn a_failed_run_leaves_the_previous_outputs_untouched() -> R {
    let root = tempfile::tempdir()?;
    let out = root.path().join("out");
    write_run(&out, &Inputs::default(), &[("a.csv", "old")], false)?;
    {
        let staged = StagedDir::begin(&out, &Inputs::default(), StageOptions::default())?;
        std::fs::write(staged.path().join("a.csv"), "half")?;
        // dropped without commit: the run failed
    }
    assert_eq!(std::fs::read_to_string(out.join("a.csv"))?, "old");
    verify_complete(&out)?;
    assert_eq!(names(root.path()), vec!["out"]);
    // A run that fails into a new directory leaves no directory behind.
    let fresh = root.path().join("fresh");
    drop(StagedDir::begin(
        &fresh,
        &Inputs::default(),
        StageOptions::default(),
    )?);
    assert!(!fresh.exists());
    Ok(())
}

#[test]
fn a_killed_run_leaves_only_a_staging_directory_that_the_next_run_removes() -> R {
    let root = tempfile::tempdir()?;
    let out = root.path().join("out");
    write_run(&out, &Inputs::default(), &[("a.csv", "old")], false)?;
    // What kill -9 leaves: a staging directory with a truncated file.
    let stale = root.path().join(".out.staging-dead01");
    std::fs::create_dir(&stale)?;
    std::fs::write(stale.join("a.csv"), "trunc")?;
    assert_eq!(std::fs::read_to_string(out.join("a.csv"))?, "old");
    write_run(&out, &Inputs::default(), &[("a.csv", "new")], false)?;
    assert!(!stale.exists());
    assert_eq!(names(root.path()), vec!["out"]);
    Ok(())
}

#[test]
fn a_second_concurrent_run_is_refused() -> R {
    let root = tempfile::tempdir()?;
    let out = root.path().join("out");
    let first = StagedDir::begin(&out, &Inputs::default(), StageOptions::default())?;
    let second = StagedDir::begin(&out, &Inputs::default(), StageOptions::default());
    assert!(
        matches!(second, Err(OutputError::Locked { .. })),
        "{second:?}"
    );
    std::fs::write(first.path().join("a.csv"), "1")?;
    first.commit("test")?;
    verify_complete(&out)?;
    Ok(())
}

#[test]
fn a_foreign_directory_is_refused_and_force_writes_beside_its_files() -> R {
    let root = tempfile::tempdir()?;
    let out = root.path().join("out");
    std::fs::create_dir(&out)?;
    std::fs::write(out.join("notes.txt"), "mine")?;
    let err = write_run(&out, &Inputs::default(), &[("a.csv", "1")], false);
    assert!(matches!(err, Err(OutputError::Foreign { .. })), "{err:?}");
    assert_eq!(names(&out), vec!["notes.txt"]);
    write_run(
        &out,
        &Inputs::default(),
        &[("a.csv", "1"), ("b.csv", "1")],
        true,
    )?;
    write_run(&out, &Inputs::default(), &[("a.csv", "2")], true)?;
    assert_eq!(
        names(&out),
        vec!["a.csv", MANIFEST, "notes.txt"],
        "b.csv of the first run removed"
    );
    assert_eq!(std::fs::read_to_string(out.join("notes.txt"))?, "mine");
    verify_complete(&out)?;
    Ok(())
}

#[test]
fn an_input_inside_out_is_never_replaced() -> R {
    let root = tempfile::tempdir()?;
    let data = root.path().join("data");
    std::fs::create_dir(&data)?;
    let edges = data.join("edges.csv");
    let users = data.join("users.csv");
    std::fs::write(&edges, "input edges")?;
    std::fs::write(&users, "input users")?;
    let inputs = Inputs::new([&edges, &users]);
    // Refused before anything is written.
    let err = write_run(&data, &inputs, &[("edges.csv", "output")], false);
    assert!(
        matches!(err, Err(OutputError::InputInside { .. })),
        "{err:?}"
    );
    // With --force, an output that would land on an input is still refused, and nothing moves.
    let err = write_run(
        &data,
        &inputs,
        &[("accounts.csv", "o"), ("edges.csv", "output")],
        true,
    );
    assert!(matches!(err, Err(OutputError::IsInput { .. })), "{err:?}");
    assert_eq!(std::fs::read_to_string(&edges)?, "input edges");
    assert_eq!(names(&data), vec!["edges.csv", "users.csv"]);
    // Outputs with other names go beside the inputs.
    write_run(&data, &inputs, &[("accounts.csv", "o")], true)?;
    assert_eq!(std::fs::read_to_string(&users)?, "input users");
    Ok(())
}

#[test]
fn an_output_directory_that_is_an_input_file_is_refused() -> R {
    let root = tempfile::tempdir()?;
    let f = root.path().join("tweets.csv");
    std::fs::write(&f, "data")?;
    let err = StagedDir::begin(&f, &Inputs::new([&f]), StageOptions { force: true });
    assert!(matches!(err, Err(OutputError::IsInput { .. })), "{err:?}");
    assert_eq!(std::fs::read_to_string(&f)?, "data");
    Ok(())
}

#[test]
fn a_symlink_left_in_out_is_removed_not_followed() -> R {
    let root = tempfile::tempdir()?;
    let precious = root.path().join("precious.txt");
    std::fs::write(&precious, "keep")?;
    let out = root.path().join("out");
    write_run(&out, &Inputs::default(), &[("a.csv", "1")], false)?;
    // Someone replaces an output by a link to another file; the next run must not write through it.
    std::fs::remove_file(out.join("a.csv"))?;
    std::os::unix::fs::symlink(&precious, out.join("a.csv"))?;
    write_run(&out, &Inputs::default(), &[("a.csv", "2")], false)?;
    assert_eq!(std::fs::read_to_string(&precious)?, "keep");
    assert!(
        !std::fs::symlink_metadata(out.join("a.csv"))?
            .file_type()
            .is_symlink()
    );
    Ok(())
}

#[test]
fn verify_complete_names_what_is_missing_or_truncated() -> R {
    let root = tempfile::tempdir()?;
    let out = root.path().join("out");
    write_run(
        &out,
        &Inputs::default(),
        &[("a.csv", "1234"), ("b.csv", "1")],
        false,
    )?;
    std::fs::write(out.join("a.csv"), "12")?;
    let err = verify_complete(&out).map(|_| ()).map_err(|e| e.to_string());
    assert!(
        err.as_ref().is_err_and(|e| e.contains("a.csv has 2 bytes")),
        "{err:?}"
    );
    std::fs::remove_file(out.join(MANIFEST))?;
    let err = verify_complete(&out).map(|_| ()).map_err(|e| e.to_string());
    assert!(err.as_ref().is_err_and(|e| e.contains(MANIFEST)), "{err:?}");
    Ok(())
}

#[cfg(unix)]
#[test]
fn outputs_get_ordinary_permissions() -> R {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir()?;
    let out = root.path().join("out");
    write_run(&out, &Inputs::default(), &[("a.csv", "1")], false)?;
    let mode = std::fs::metadata(&out)?.permissions().mode() & 0o777;
    assert_ne!(
        mode, 0o700,
        "the staging directory's owner-only mode must not leak out"
    );
    Ok(())
}
