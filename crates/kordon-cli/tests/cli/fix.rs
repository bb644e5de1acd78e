//! `kordon scan --fix`, `--diff` and `--unsafe-fixes`: exit codes, file contents, refusals.

use std::path::Path;

use crate::support::{kordon_in, repo_root};

const PRIVILEGED: &str = "rules/pod-security/privileged-container/samples";

/// A pod hardened in every way but the ones a test wants to see fixed.
const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: api # kept
  namespace: shop
spec:
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
        seccompProfile: {type: RuntimeDefault}
";

fn copy_sample(dir: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(repo_root().join(PRIVILEGED).join("disallowed.yaml"))
        .expect("sample readable");
    std::fs::write(dir.join(name), &text).expect("written");
    text
}

fn fixed_sample() -> String {
    std::fs::read_to_string(repo_root().join(PRIVILEGED).join("fixed.yaml")).expect("readable")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("listable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn fix_writes_the_file_and_reports_what_remains() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_sample(dir.path(), "deploy.yaml");
    let run = kordon_in(dir.path(), &["scan", "--fix", "deploy.yaml"], None);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("deploy.yaml")).expect("readable"),
        fixed_sample()
    );
    assert!(run.stderr.contains("fixed 1 finding in 1 file"), "{run:?}");
    assert!(run.stdout.contains("0 findings in 1 object"), "{run:?}");
    assert_eq!(
        files_in(dir.path()),
        ["deploy.yaml"],
        "no temporary file left"
    );

    let again = kordon_in(dir.path(), &["scan", "--fix", "deploy.yaml"], None);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again.stderr.contains("fixed 0 findings in 0 files"),
        "{again:?}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("deploy.yaml")).expect("readable"),
        fixed_sample()
    );
}

#[test]
fn diff_prints_a_patch_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let original = copy_sample(dir.path(), "deploy.yaml");
    let run = kordon_in(dir.path(), &["scan", "--diff", "deploy.yaml"], None);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("deploy.yaml")).expect("readable"),
        original
    );
    assert!(
        run.stderr.contains("would fix 1 finding in 1 file"),
        "{run:?}"
    );

    std::fs::write(dir.path().join("deploy.yaml"), fixed_sample()).expect("written");
    let clean = kordon_in(dir.path(), &["scan", "--diff", "deploy.yaml"], None);
    assert_eq!(clean.code, 0, "{clean:?}");
    assert_eq!(clean.stdout, "");
}

#[test]
fn unsafe_fixes_apply_only_when_asked_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("pod.yaml"), POD).expect("written");
    let rules = repo_root().join("testdata/fix/rules");
    let rules = rules.to_str().expect("utf-8 path");
    let args = |extra: &[&'static str]| {
        let mut args = vec!["scan", "pod.yaml", "--rules", rules, "-f", "json"];
        args.extend_from_slice(extra);
        args
    };
    let remaining = |stdout: &str| -> Vec<String> {
        let json: serde_json::Value = serde_json::from_str(stdout).expect("JSON");
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .filter(|r| r.starts_with("fixture-") || *r == "privileged-container")
            .map(str::to_string)
            .collect()
    };

    let lone = kordon_in(dir.path(), &args(&["--unsafe-fixes"]), None);
    assert_eq!(lone.code, 2, "{lone:?}");
    assert!(lone.stderr.contains("add --fix or --diff"), "{lone:?}");

    let safe = kordon_in(dir.path(), &args(&["--fix", "--fail-on", "critical"]), None);
    assert_eq!(safe.code, 0, "{safe:?}");
    assert_eq!(remaining(&safe.stdout), ["fixture-run-as-non-root"]);
    assert!(
        safe.stderr.contains("1 more with --unsafe-fixes"),
        "{safe:?}"
    );
    let text = std::fs::read_to_string(dir.path().join("pod.yaml")).expect("readable");
    assert_eq!(
        text,
        POD.replace("privileged: true # legacy", "privileged: false # legacy")
    );

    let diff = kordon_in(dir.path(), &args(&["--diff", "--unsafe-fixes"]), None);
    assert_eq!(diff.code, 1, "{diff:?}");
    assert!(
        diff.stdout.contains("+        runAsNonRoot: true\n"),
        "{diff:?}"
    );

    let all = kordon_in(
        dir.path(),
        &args(&["--fix", "--unsafe-fixes", "--fail-on", "critical"]),
        None,
    );
    assert_eq!(all.code, 0, "{all:?}");
    assert!(remaining(&all.stdout).is_empty(), "{all:?}");
    let text = std::fs::read_to_string(dir.path().join("pod.yaml")).expect("readable");
    assert!(
        text.ends_with(
            "        seccompProfile: {type: RuntimeDefault}\n        runAsNonRoot: true\n"
        ),
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
