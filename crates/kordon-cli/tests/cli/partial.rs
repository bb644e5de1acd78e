//! `--partial`, `--context` and `--staged`: rules that report what is missing run on part of a
//! repository only when context completes the picture.

use crate::support::{finding_lines, git, json, kordon_in, repo_root, tree, write};

/// Runs the namespace NetworkPolicy rule and one rule that judges an object alone.
const CONFIG: &str = "rules:\n  enable: [namespace-without-network-policy, privileged-container]\n";

fn testdata(path: &str) -> String {
    std::fs::read_to_string(repo_root().join("testdata/partial").join(path)).expect("testdata")
}

/// A repository-like tree: the Deployment, its namespace's NetworkPolicy elsewhere, a ConfigMap.
fn repository() -> tempfile::TempDir {
    tree(&[
        (".kordon.yaml", CONFIG),
        ("app/deployment.yaml", &testdata("app/deployment.yaml")),
        (
            "policies/network-policy.yaml",
            &testdata("policies/network-policy.yaml"),
        ),
        ("config/settings.yaml", &testdata("config/settings.yaml")),
    ])
}

const MISSING: &str = "namespace-without-network-policy app/deployment.yaml:6";

#[test]
fn a_full_scan_of_one_file_raises_the_false_alarm() {
    let dir = repository();
    let run = kordon_in(
        dir.path(),
        &["scan", "app/deployment.yaml", "-f", "json"],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(finding_lines(&json(&run), "findings"), [MISSING]);
}

#[test]
fn partial_skips_the_rule_and_says_so_once() {
    let dir = repository();
    let human = kordon_in(
        dir.path(),
        &["scan", "--partial", "app/deployment.yaml", "--no-color"],
        None,
    );
    assert_eq!(human.code, 0, "{human:?}");
    insta::assert_snapshot!("partial_human", human.stdout);
    let run = kordon_in(
        dir.path(),
        &["scan", "--partial", "app/deployment.yaml", "-f", "json"],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_json_snapshot!("partial_json", json(&run)["problems"]);
}

#[test]
fn context_completes_the_inventory() {
    let dir = repository();
    let with_policy = kordon_in(
        dir.path(),
        &[
            "scan",
            "--partial",
            "--context",
            "policies",
            "app/deployment.yaml",
            "-f",
            "json",
        ],
        None,
    );
    assert_eq!(with_policy.code, 0, "{with_policy:?}");
    let report = json(&with_policy);
    assert_eq!(report["problems"], serde_json::json!([]));
    assert_eq!(report["summary"]["files"], 1);

    let without = kordon_in(
        dir.path(),
        &[
            "scan",
            "--partial",
            "--context",
            "config",
            "app/deployment.yaml",
            "-f",
            "json",
        ],
        None,
    );
    assert_eq!(without.code, 1, "{without:?}");
    assert_eq!(finding_lines(&json(&without), "findings"), [MISSING]);

    // The whole tree as context, the scanned file included: the policy is found.
    let whole = kordon_in(
        dir.path(),
        &["scan", "--partial", "--context", ".", "app/deployment.yaml"],
        None,
    );
    assert_eq!(whole.code, 0, "{whole:?}");
}

#[test]
fn context_objects_are_not_reported_and_their_problems_are_warnings() {
    let dir = repository();
    write(
        dir.path(),
        "other/privileged.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: c:1\n      securityContext:\n        privileged: true\n",
    );
    write(dir.path(), "other/broken.yaml", "kind: [unclosed\n");
    let run = kordon_in(
        dir.path(),
        &[
            "scan",
            "--partial",
            "--context",
            ".",
            "app/deployment.yaml",
            "-f",
            "json",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let report = json(&run);
    assert_eq!(report["findings"], serde_json::json!([]));
    let problems = report["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["level"], "warning");
    assert_eq!(problems[0]["file"], "other/broken.yaml");
    assert!(
        problems[0]["message"]
            .as_str()
            .is_some_and(|m| m.ends_with("(context: read only to complete data.inventory)")),
        "{problems:?}"
    );

    let missing = kordon_in(
        dir.path(),
        &["scan", "--context", "nowhere", "app/deployment.yaml"],
        None,
    );
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(
        missing
            .stdout
            .contains("nowhere: context path does not exist"),
        "{missing:?}"
    );
}

#[test]
fn configured_context_applies_to_partial_scans() {
    let dir = repository();
    write(
        dir.path(),
        ".kordon.yaml",
        &format!("{CONFIG}context: [policies]\n"),
    );
    let run = kordon_in(
        dir.path(),
        &["scan", "--partial", "app/deployment.yaml", "-f", "json"],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(json(&run)["problems"], serde_json::json!([]));
}

#[test]
fn staged_scans_are_partial() {
    let dir = repository();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", ".kordon.yaml", "policies", "config"]);
    git(dir.path(), &["commit", "-q", "-m", "policies"]);
    git(dir.path(), &["add", "app/deployment.yaml"]);

    let staged = kordon_in(dir.path(), &["scan", "--staged", "-f", "json"], None);
    assert_eq!(staged.code, 0, "{staged:?}");
    let report = json(&staged);
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["problems"][0]["kind"], "skipped", "{staged:?}");

    let completed = kordon_in(
        dir.path(),
        &["scan", "--staged", "--context", ".", "-f", "json"],
        None,
    );
    assert_eq!(completed.code, 0, "{completed:?}");
    assert_eq!(json(&completed)["problems"], serde_json::json!([]));

    // Without the policy in the repository, the commit is told.
    git(dir.path(), &["rm", "-q", "-r", "policies"]);
    let told = kordon_in(
        dir.path(),
        &["scan", "--staged", "--context", ".", "-f", "json"],
        None,
    );
    assert_eq!(told.code, 1, "{told:?}");
    assert_eq!(finding_lines(&json(&told), "findings"), [MISSING]);
}

#[test]
fn report_takes_the_partial_flags() {
    let dir = repository();
    let run = kordon_in(
        dir.path(),
        &[
            "report",
            "--partial",
            "app/deployment.yaml",
            "-f",
            "context",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("partial scan: rule namespace-without-network-policy was not run"),
        "{run:?}"
    );
}
