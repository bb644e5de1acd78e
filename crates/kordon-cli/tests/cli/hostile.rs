//! Hostile and broken input: every case gives a located error or a reasoned skip, the rest of
//! the scan goes on, and the exit code is 2.

use std::path::Path;

use crate::support::{kordon_in, repo_root};

/// A scratch copy of testdata/hostile plus the cases that cannot live in git: a symlink loop,
/// a dangling link (unreadable), and a 50 MB file.
fn hostile_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("hostile");
    std::fs::create_dir(&root).expect("mkdir");
    for entry in std::fs::read_dir(repo_root().join("testdata/hostile")).expect("testdata") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), root.join(entry.file_name())).expect("copy");
    }
    std::os::unix::fs::symlink(".", root.join("loop")).expect("symlink");
    std::os::unix::fs::symlink("does-not-exist.yaml", root.join("unreadable.yaml"))
        .expect("symlink");
    let mut big = String::with_capacity(51 * 1024 * 1024);
    let item = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler\ndata:\n  k: v\n---\n";
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(item);
    }
    std::fs::write(root.join("huge.yaml"), big).expect("write huge");
    dir
}

fn scan(dir: &Path, format: &str) -> crate::support::Run {
    kordon_in(dir, &["scan", "hostile", "--format", format], None)
}

#[test]
fn hostile_inputs_are_located_errors_and_the_scan_goes_on() {
    let dir = hostile_tree();
    let run = scan(dir.path(), "human");
    assert_eq!(run.code, 2, "{run:?}");
    // The documents around the broken one are still checked.
    assert!(run.stdout.contains("before-the-break") && run.stdout.contains("after-the-break"));
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn hostile_inputs_as_json() {
    let dir = hostile_tree();
    let run = scan(dir.path(), "json");
    assert_eq!(run.code, 2, "{run:?}");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    insta::assert_json_snapshot!(json["problems"]);
    // Both documents around the broken one are still checked.
    let privileged: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "privileged-container")
        .map(|f| &f["object"]["name"])
        .collect();
    assert_eq!(privileged, ["before-the-break", "after-the-break"]);
}

#[test]
fn an_empty_file_is_not_an_error() {
    let run = kordon_in(&repo_root(), &["scan", "testdata/hostile/empty.yaml"], None);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn a_missing_path_is_an_error_with_exit_2() {
    let run = kordon_in(&repo_root(), &["scan", "testdata/no-such-file.yaml"], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout
            .contains("testdata/no-such-file.yaml: cannot read"),
        "{}",
        run.stdout
    );
}
