//! `scan --policy`, `verify`, `export gatekeeper` and `expand`.

use crate::support::{kordon, kordon_in, repo_root, tree};

#[test]
fn scan_with_policies_reports_inside_pod_templates() {
    let run = kordon(&[
        "scan",
        "--no-color",
        "--policy",
        "testdata/gatekeeper/policies",
        "testdata/gatekeeper/manifests/deployment.yaml",
        "testdata/gatekeeper/manifests/cronjob.yaml",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn a_broken_policy_file_exits_2_but_still_scans() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("bad.yaml"),
        "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: bad\nspec: {}\n",
    )
    .expect("write");
    let policy = dir.path().display().to_string();
    let run = kordon(&[
        "scan",
        "--no-color",
        "--policy",
        &policy,
        "testdata/gatekeeper/manifests/pod.yaml",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout
            .contains("ConstraintTemplate bad: no `spec.crd.spec.names.kind`")
    );
    assert!(
        run.stdout.contains("privileged-container"),
        "the scan went on"
    );
}

/// Durations vary from run to run: `(0.012s)` and a suite line's `\t0.034s` become `<time>`.
fn without_durations(text: &str) -> String {
    let durations = regex::Regex::new(r"\d+\.\d{3}s").expect("valid regex");
    durations.replace_all(text, "<time>").into_owned()
}

#[test]
fn verify_passes_and_fails_like_gator() {
    let ok = kordon(&["verify", "-v", "testdata/gatekeeper/suites"]);
    assert_eq!(ok.code, 0, "{ok:?}");
    insta::assert_snapshot!("verify_ok", without_durations(&ok.stdout));
    let bad = kordon(&["verify", "testdata/gatekeeper/failing-suite"]);
    assert_eq!(bad.code, 2, "a missing object cannot be judged: {bad:?}");
    let root = repo_root().display().to_string();
    insta::assert_snapshot!(
        "verify_failures",
        without_durations(&bad.stdout.replace(&root, "<repo>"))
    );
    let only_failures = kordon(&[
        "verify",
        "--run",
        "//expects-nothing",
        "testdata/gatekeeper/failing-suite",
    ]);
    assert_eq!(
        only_failures.code, 1,
        "an assertion failed: {only_failures:?}"
    );
}

#[test]
fn verify_run_selects_tests_or_cases_as_gator_does() {
    let by_test = kordon(&[
        "verify",
        "-v",
        "--run",
        "^registry$",
        "testdata/gatekeeper/suites",
    ]);
    assert_eq!(by_test.code, 0, "{by_test:?}");
    insta::assert_snapshot!("verify_run_by_test", without_durations(&by_test.stdout));
    let by_case = kordon(&[
        "verify",
        "-v",
        "-r",
        "^registry$//^trusted",
        "testdata/gatekeeper/suites",
    ]);
    assert_eq!(by_case.code, 0, "{by_case:?}");
    insta::assert_snapshot!("verify_run_by_case", without_durations(&by_case.stdout));
    let bad = kordon(&["verify", "--run", "a//b//c", "testdata/gatekeeper/suites"]);
    assert_eq!(bad.code, 2, "{bad:?}");
}

#[test]
fn verify_writes_json_for_ci() {
    let ok = kordon(&["verify", "--format", "json", "testdata/gatekeeper/suites"]);
    assert_eq!(ok.code, 0, "{ok:?}");
    insta::assert_snapshot!("verify_json_ok", ok.stdout);
    let bad = kordon(&["verify", "-f", "json", "testdata/gatekeeper/failing-suite"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    let root = repo_root().display().to_string();
    insta::assert_snapshot!("verify_json_failures", bad.stdout.replace(&root, "<repo>"));
}

/// A template that cannot run is an error (exit 2) located in its file — never "0 violations".
#[test]
fn templates_that_cannot_run_are_errors_in_verify_and_scan() {
    let verify = kordon(&["verify", "testdata/gatekeeper-broken"]);
    assert_eq!(verify.code, 2, "{verify:?}");
    insta::assert_snapshot!("verify_broken_templates", without_durations(&verify.stdout));
    for (file, located) in [
        (
            "syntax-error.yaml",
            "testdata/gatekeeper-broken/syntax-error.yaml:13:9",
        ),
        (
            "missing-builtin.yaml",
            "testdata/gatekeeper-broken/missing-builtin.yaml:13:9",
        ),
        (
            "evaluation-error.yaml",
            "evaluation-error.yaml#brokeneval:10:52",
        ),
    ] {
        let policy = format!("testdata/gatekeeper-broken/{file}");
        let scan = kordon(&[
            "scan",
            "--format",
            "json",
            "--policy",
            &policy,
            "testdata/gatekeeper-broken/pod.yaml",
        ]);
        assert_eq!(scan.code, 2, "{file}: {scan:?}");
        let report: serde_json::Value = serde_json::from_str(&scan.stdout).expect("JSON report");
        let problems: Vec<String> = report["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .filter(|p| p["level"] == "error")
            .map(|p| {
                format!(
                    "{}:{}:{} {}",
                    p["file"].as_str().unwrap_or(""),
                    p["line"],
                    p["column"],
                    p["message"].as_str().unwrap_or("")
                )
            })
            .collect();
        assert_eq!(problems.len(), 1, "{file}: {problems:#?}");
        assert!(problems[0].contains(located), "{file}: {problems:#?}");
    }
}

#[test]
fn exported_rules_verify() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("gatekeeper");
    let out = out.display().to_string();
    let export = kordon(&["export", "gatekeeper", "--out", &out]);
    assert_eq!(export.code, 0, "{export:?}");
    let verify = kordon_in(dir.path(), &["verify", "gatekeeper"], None);
    assert_eq!(verify.code, 0, "{verify:?}");
    assert!(verify.stdout.ends_with("\nPASS\n"), "{}", verify.stdout);
    assert!(!verify.stdout.contains("FAIL"), "{}", verify.stdout);
}

#[test]
fn expand_prints_generated_objects() {
    let run = kordon(&[
        "expand",
        "--policy",
        "testdata/gatekeeper/policies/expansion.yaml",
        "testdata/gatekeeper/manifests/cronjob.yaml",
        "testdata/gatekeeper/manifests/webapp.yaml",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout);
    assert!(
        run.stderr
            .contains("webapp.yaml:21:1: Widget/gizmo: `spec.template` is missing")
    );
}

#[test]
fn default_namespace_decides_which_constraints_review_a_manifest_without_one() {
    let scan_in = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "--no-color",
            "--policy",
            "testdata/gatekeeper-conformance/namespace-defaulting/policy.yaml",
        ];
        args.extend_from_slice(extra);
        args.push(
            "testdata/gatekeeper-conformance/namespace-defaulting/pod-without-namespace.yaml",
        );
        kordon(&args)
            .stdout
            .contains("container <cart> uses a latest tag")
    };
    // Unset, the namespace is unknown and `namespaces: [shop]` cannot exclude it (as gator).
    assert!(scan_in(&[]));
    assert!(scan_in(&["--default-namespace", "shop"]));
    assert!(!scan_in(&["--default-namespace", "billing"]));
}

#[test]
fn export_follows_the_configuration_and_the_flag_wins() {
    let config = "\
export:
  enforcement-action: warn
rules:
  disable: [host-pid]
  image-tag-latest:
    severity: critical
  host-path-volume:
    parameters:
      allowedHostPaths: [/var/log]
profiles:
  prod:
    export:
      enforcement-action: deny
";
    let dir = tree(&[(".kordon.yaml", config)]);
    let constraint = |out: &str, rule: &str| -> Option<String> {
        std::fs::read_to_string(dir.path().join(out).join(rule).join("constraint.yaml")).ok()
    };
    let export = |out: &str, extra: &[&str]| {
        let mut args = vec!["export", "gatekeeper", "--out", out];
        args.extend_from_slice(extra);
        let run = kordon_in(dir.path(), &args, None);
        assert_eq!(run.code, 0, "{run:?}");
    };

    export("plain", &[]);
    assert_eq!(
        constraint("plain", "host-pid"),
        None,
        "a disabled rule is not exported"
    );
    let privileged = constraint("plain", "privileged-container").expect("exported");
    assert!(
        privileged.contains("enforcementAction: warn"),
        "{privileged}"
    );
    let latest = constraint("plain", "image-tag-latest").expect("exported");
    assert!(latest.contains("kordon.dev/severity: critical"), "{latest}");
    let host_path = constraint("plain", "host-path-volume").expect("exported");
    assert!(host_path.contains("- /var/log"), "{host_path}");

    export("prod", &["--profile", "prod"]);
    let privileged = constraint("prod", "privileged-container").expect("exported");
    assert!(
        privileged.contains("enforcementAction: deny"),
        "{privileged}"
    );
    // Inventory rules stay capped at warn whatever the configuration asks.
    let network = constraint("prod", "namespace-without-network-policy").expect("exported");
    assert!(network.contains("enforcementAction: warn"), "{network}");

    export(
        "flag",
        &["--profile", "prod", "--enforcement-action", "dryrun"],
    );
    let privileged = constraint("flag", "privileged-container").expect("exported");
    assert!(
        privileged.contains("enforcementAction: dryrun"),
        "{privileged}"
    );
}

#[test]
fn an_unknown_enforcement_action_in_the_configuration_is_a_located_error() {
    let dir = tree(&[(".kordon.yaml", "export:\n  enforcement-action: block\n")]);
    let run = kordon_in(dir.path(), &["export", "gatekeeper", "--out", "out"], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(
            ".kordon.yaml:2:23: `export.enforcement-action`: `block` is not an enforcement choice"
        ),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("out").exists());
}

/// Regression: two Constraints of different kinds sharing a name got the ids `name` and
/// `KindB/name`, whichever policy file was read second taking the qualified one.
#[test]
fn constraints_sharing_a_name_are_all_qualified_by_kind() {
    let policy = |kind: &str| {
        format!(
            "\
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: {lower}
spec:
  crd:
    spec:
      names:
        kind: {kind}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package {lower}
        violation[{{\"msg\": \"{kind} reviewed it\"}}] {{
          input.review.object.kind == \"Pod\"
        }}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: {kind}
metadata:
  name: same-name
spec:
  match:
    kinds:
      - apiGroups: [\"\"]
        kinds: [\"Pod\"]
",
            lower = kind.to_ascii_lowercase()
        )
    };
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n  - name: c\n    image: registry.example.com/c:1.0\n";
    let (first, second) = (policy("KordonFirst"), policy("KordonSecond"));
    let dir = tree(&[("a.yaml", &first), ("b.yaml", &second), ("pod.yaml", pod)]);
    let ids = |order: [&str; 2]| -> Vec<String> {
        let run = kordon_in(
            dir.path(),
            &[
                "scan", "-f", "json", "--policy", order[0], "--policy", order[1], "pod.yaml",
            ],
            None,
        );
        assert_ne!(run.code, 2, "{run:?}");
        let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
        let mut ids: Vec<String> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .filter(|id| id.contains("same-name"))
            .map(str::to_string)
            .collect();
        ids.sort();
        ids
    };
    let expected = ["KordonFirst/same-name", "KordonSecond/same-name"];
    assert_eq!(ids(["a.yaml", "b.yaml"]), expected);
    assert_eq!(ids(["b.yaml", "a.yaml"]), expected);
}

/// Regression: merging the copies of a finding across renders also merged one object's several
/// violations at one place (same rule, file and span) whenever any scanned file held Helm
/// `# Source:` comments, so two of the three messages were lost.
#[test]
fn several_violations_at_one_place_stay_several_findings_next_to_a_helm_render() {
    let policy = "\
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: kordonthreemessages
spec:
  crd:
    spec:
      names:
        kind: KordonThreeMessages
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package kordonthreemessages
        violation[{\"msg\": msg}] {
          input.review.object.kind == \"Pod\"
          word := [\"first\", \"second\", \"third\"][_]
          msg := sprintf(\"%v reason\", [word])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: KordonThreeMessages
metadata:
  name: three-messages
spec:
  match:
    kinds:
      - apiGroups: [\"\"]
        kinds: [\"Pod\"]
";
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n  - name: c\n    image: registry.example.com/c:1.0\n";
    let rendered = "---\n# Source: web/templates/config.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: shop\ndata: {}\n";
    let dir = tree(&[
        ("policy.yaml", policy),
        ("pod.yaml", pod),
        ("rendered.yaml", rendered),
    ]);
    let run = kordon_in(
        dir.path(),
        &[
            "scan",
            "-f",
            "json",
            "--policy",
            "policy.yaml",
            "pod.yaml",
            "rendered.yaml",
        ],
        None,
    );
    assert_ne!(run.code, 2, "{run:?}");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let mut messages: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "three-messages")
        .filter_map(|f| f["message"].as_str())
        .collect();
    messages.sort_unstable();
    assert_eq!(messages, ["first reason", "second reason", "third reason"]);
}

// Regression: `expand` ignored `workloads:`, so a custom resource the scan judged produced no Pod.
#[test]
fn expand_reads_the_workloads_of_the_configuration() {
    let run = kordon(&["expand", "testdata/workloads/custom/pipeline.yaml"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("# Pod generated from Pipeline/nightly-etl"),
        "{}",
        run.stdout
    );
}
