//! Git-aware scanning: `--staged` reads the index, `--diff-base` gates on changed objects.

use crate::support::{ONLY_PRIVILEGED, finding_lines, git, json, kordon_in, tree, write};

const CLEAN: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
";

const PRIVILEGED: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
";

#[test]
fn staged_scans_the_index_not_the_working_tree() {
    let dir = tree(&[("README.md", "hello\n"), (".kordon.yaml", ONLY_PRIVILEGED)]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "README.md"]);
    git(dir.path(), &["commit", "-q", "-m", "start"]);

    // Staged: privileged, with a comment block that shifts lines. Working tree: clean.
    let staged = format!("# staged version\n# two comment lines\n{PRIVILEGED}");
    write(dir.path(), "k8s/pod.yaml", &staged);
    git(dir.path(), &["add", "k8s/pod.yaml"]);
    write(dir.path(), "k8s/pod.yaml", CLEAN);
    // Unstaged files are not part of the commit.
    write(dir.path(), "k8s/untracked.yaml", PRIVILEGED);

    let run = kordon_in(dir.path(), &["scan", "--staged", "--format", "json"], None);
    assert_eq!(run.code, 1, "{run:?}");
    let report = json(&run);
    assert_eq!(
        finding_lines(&report, "findings"),
        ["privileged-container k8s/pod.yaml:12"]
    );
    assert_eq!(report["summary"]["files"], 1);
    let human = kordon_in(dir.path(), &["scan", "--staged"], None);
    assert!(
        human.stdout.contains("12 |         privileged: true"),
        "{human:?}"
    );

    // The working tree alone is clean (the untracked file aside).
    let worktree = kordon_in(
        dir.path(),
        &["scan", "k8s/pod.yaml", "--format", "json"],
        None,
    );
    assert_eq!(worktree.code, 0, "{worktree:?}");

    // File names restrict the staged scan (pre-commit passes them).
    let other = kordon_in(
        dir.path(),
        &["scan", "--staged", "README.md", "--format", "json"],
        None,
    );
    assert_eq!(json(&other)["summary"]["files"], 0, "{other:?}");
    assert_eq!(other.code, 0);

    // Staged deletions are not scanned.
    git(dir.path(), &["commit", "-q", "--no-verify", "-m", "pod"]);
    git(dir.path(), &["rm", "-q", "--cached", "k8s/pod.yaml"]);
    let deleted = kordon_in(dir.path(), &["scan", "--staged", "--format", "json"], None);
    assert_eq!(json(&deleted)["summary"]["files"], 0, "{deleted:?}");
}

#[test]
fn staged_works_before_the_first_commit() {
    let dir = tree(&[("pod.yaml", PRIVILEGED), (".kordon.yaml", ONLY_PRIVILEGED)]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "pod.yaml"]);
    let run = kordon_in(dir.path(), &["scan", "--staged", "--format", "json"], None);
    assert_eq!(
        finding_lines(&json(&run), "findings"),
        ["privileged-container pod.yaml:10"]
    );
}

#[test]
fn staged_outside_a_repository_is_an_error() {
    let dir = tree(&[("pod.yaml", PRIVILEGED)]);
    let run = kordon_in(dir.path(), &["scan", "--staged"], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("not inside a git repository"),
        "{run:?}"
    );
}

const TWO_PODS: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: old
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
---
apiVersion: v1
kind: Pod
metadata:
  name: touched
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        runAsNonRoot: true
";

#[test]
fn diff_base_fails_only_on_changed_objects() {
    let dir = tree(&[
        ("deploy/pods.yaml", TWO_PODS),
        ("deploy/other.yaml", PRIVILEGED),
        (".kordon.yaml", ONLY_PRIVILEGED),
    ]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);

    // Unchanged: everything is counted but nothing fails.
    let quiet = kordon_in(
        dir.path(),
        &["scan", "deploy", "--diff-base", "HEAD", "--format", "json"],
        None,
    );
    assert_eq!(quiet.code, 0, "{quiet:?}");
    let report = json(&quiet);
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(
        report["suppressed"][0]["suppression"]["reason"],
        "unchanged since HEAD"
    );

    // Change one line of the second pod (not the line the finding is on) and add a new file.
    write(
        dir.path(),
        "deploy/pods.yaml",
        &TWO_PODS.replace("runAsNonRoot: true", "privileged: true"),
    );
    write(
        dir.path(),
        "deploy/new.yaml",
        &PRIVILEGED.replace("name: web", "name: fresh"),
    );
    let run = kordon_in(
        dir.path(),
        &["scan", "deploy", "--diff-base", "HEAD", "--format", "json"],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    let report = json(&run);
    assert_eq!(
        finding_lines(&report, "findings"),
        [
            "privileged-container deploy/new.yaml:10",
            "privileged-container deploy/pods.yaml:21",
        ]
    );
    assert_eq!(
        finding_lines(&report, "suppressed"),
        [
            "privileged-container deploy/other.yaml:10",
            "privileged-container deploy/pods.yaml:10",
        ]
    );

    // A deletion inside an object makes that object changed.
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "second"]);
    write(
        dir.path(),
        "deploy/other.yaml",
        &PRIVILEGED.replace("      image: nginx:1.27\n", ""),
    );
    let deleted = kordon_in(
        dir.path(),
        &["scan", "deploy", "--diff-base", "HEAD", "--format", "json"],
        None,
    );
    assert_eq!(
        finding_lines(&json(&deleted), "findings"),
        ["privileged-container deploy/other.yaml:9"],
        "{deleted:?}"
    );

    let bad = kordon_in(
        dir.path(),
        &["scan", "deploy", "--diff-base", "no-such-rev"],
        None,
    );
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(
        bad.stderr.contains("cannot resolve revision `no-such-rev`"),
        "{bad:?}"
    );
}
