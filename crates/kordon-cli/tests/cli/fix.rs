//! `kordon scan --fix`, `--diff` and `--unsafe-fixes`: exit codes, file contents, refusals.

use std::path::Path;

use crate::support::{kordon_in, repo_root};

const PRIVILEGED: &str = "rules/pod-security/privileged-container/samples";

/// A pod hardened in every way but two: it runs privileged (a safe fix) and may run as root (an
/// unsafe fix). The built-in corpus grows, so the tests below assert on these two changes and on
/// what the fixes guarantee, not on every rule's output.
const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: api # kept
  namespace: shop
spec:
  automountServiceAccountToken: false
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: api
      image: registry.example.com/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      resources:
        limits: {cpu: 500m, memory: 256Mi}
        requests: {cpu: 100m, memory: 128Mi}
      securityContext:
        privileged: true # legacy
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: {drop: [ALL]}
";

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("listable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The applicability of the fix of every finding of a JSON report (`none` when it has none).
fn fixes_left(stdout: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(stdout).expect("JSON");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            f["fix"]["applicability"]
                .as_str()
                .unwrap_or("none")
                .to_string()
        })
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("readable")
}

#[test]
fn fix_writes_the_file_and_reports_what_remains() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("pod.yaml");
    std::fs::write(&file, POD).expect("written");
    let args = [
        "scan",
        "--fix",
        "pod.yaml",
        "-f",
        "json",
        "--fail-on",
        "critical",
    ];
    let run = kordon_in(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{run:?}");
    let text = read(&file);
    assert!(
        text.contains("        privileged: false # legacy\n"),
        "{text}"
    );
    assert!(text.starts_with("apiVersion: v1\nkind: Pod\nmetadata:\n  name: api # kept\n"));
    let left = fixes_left(&run.stdout);
    assert!(!left.iter().any(|a| a == "safe"), "{left:?}");
    assert!(left.iter().any(|a| a == "unsafe"), "{left:?}");
    assert!(run.stderr.contains("fixed "), "{run:?}");
    assert!(run.stderr.contains("more with --unsafe-fixes"), "{run:?}");
    assert_eq!(files_in(dir.path()), ["pod.yaml"], "no temporary file left");

    let again = kordon_in(dir.path(), &args, None);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again.stderr.contains("fixed 0 findings in 0 files"),
        "{again:?}"
    );
    assert_eq!(read(&file), text);
}

#[test]
fn diff_prints_a_patch_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("pod.yaml");
    std::fs::write(&file, POD).expect("written");
    let run = kordon_in(dir.path(), &["scan", "--diff", "pod.yaml"], None);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .starts_with("--- a/pod.yaml\n+++ b/pod.yaml\n@@ "),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("-        privileged: true # legacy\n+        privileged: false # legacy\n"),
        "{run:?}"
    );
    assert!(
        !run.stdout.contains("runAsNonRoot"),
        "unsafe fixes need --unsafe-fixes: {run:?}"
    );
    assert!(run.stderr.contains("would fix "), "{run:?}");
    assert_eq!(read(&file), POD);

    let unsafe_diff = kordon_in(
        dir.path(),
        &["scan", "--diff", "--unsafe-fixes", "pod.yaml"],
        None,
    );
    assert_eq!(unsafe_diff.code, 1, "{unsafe_diff:?}");
    assert!(
        unsafe_diff.stdout.contains("runAsNonRoot: true"),
        "{unsafe_diff:?}"
    );
    assert_eq!(read(&file), POD);

    let fixed = kordon_in(
        dir.path(),
        &["scan", "--fix", "--unsafe-fixes", "pod.yaml"],
        None,
    );
    assert_ne!(fixed.code, 2, "{fixed:?}");
    let clean = kordon_in(
        dir.path(),
        &["scan", "--diff", "--unsafe-fixes", "pod.yaml"],
        None,
    );
    assert_eq!(clean.code, 0, "{clean:?}");
    assert_eq!(clean.stdout, "");
}

#[test]
fn unsafe_fixes_apply_only_when_asked_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("pod.yaml");
    std::fs::write(&file, POD).expect("written");
    let lone = kordon_in(dir.path(), &["scan", "--unsafe-fixes", "pod.yaml"], None);
    assert_eq!(lone.code, 2, "{lone:?}");
    assert!(lone.stderr.contains("add --fix or --diff"), "{lone:?}");
    assert_eq!(read(&file), POD);

    let all = kordon_in(
        dir.path(),
        &[
            "scan",
            "--fix",
            "--unsafe-fixes",
            "pod.yaml",
            "-f",
            "json",
            "--fail-on",
            "critical",
        ],
        None,
    );
    assert_eq!(all.code, 0, "{all:?}");
    let left = fixes_left(&all.stdout);
    assert!(left.iter().all(|a| a == "none"), "{left:?}");
    let text = read(&file);
    assert!(text.contains("privileged: false # legacy"), "{text}");
    assert!(text.contains("runAsNonRoot: true"), "{text}");
    assert!(
        text.contains("    seccompProfile: {type: RuntimeDefault}\n"),
        "{text}"
    );
}

#[test]
fn a_fix_that_does_not_resolve_its_finding_is_not_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    broken: \"yes\"\nspec:\n  containers: []\n";
    std::fs::write(dir.path().join("pod.yaml"), text).expect("written");
    let rules = repo_root().join("testdata/fix/bad-rules");
    let run = kordon_in(
        dir.path(),
        &[
            "scan",
            "--fix",
            "pod.yaml",
            "--rules",
            rules.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout
            .contains("1 fix(es) not applied, the file is unchanged: the fix for `fixture-unresolving-fix` did not resolve it"),
        "{run:?}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("pod.yaml")).expect("readable"),
        text
    );
    assert_eq!(files_in(dir.path()), ["pod.yaml"], "no temporary file left");
}

#[test]
fn standard_input_and_helm_output_are_not_fixed_in_place() {
    let sample = std::fs::read_to_string(repo_root().join(PRIVILEGED).join("disallowed.yaml"))
        .expect("readable");
    let run = kordon_in(&repo_root(), &["scan", "--fix", "-"], Some(&sample));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("standard input cannot be fixed in place; use --diff"),
        "{run:?}"
    );
    let diff = kordon_in(&repo_root(), &["scan", "--diff", "-"], Some(&sample));
    assert_eq!(diff.code, 1, "{diff:?}");
    assert!(
        diff.stdout.starts_with("--- a/<stdin>\n+++ b/<stdin>\n"),
        "{diff:?}"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let rendered = format!("---\n# Source: agent/templates/daemonset.yaml\n{sample}");
    std::fs::write(dir.path().join("rendered.yaml"), &rendered).expect("written");
    let run = kordon_in(dir.path(), &["scan", "--fix", "rendered.yaml"], None);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("rendered Helm output")
            && run.stdout.contains("agent/templates/daemonset.yaml"),
        "{run:?}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("rendered.yaml")).expect("readable"),
        rendered
    );
}
