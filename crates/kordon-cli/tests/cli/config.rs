//! `.kordon.yaml`: discovery, rule settings, parameters, profiles, exclusions, located errors,
//! and `kordon init`.

use crate::support::{json, kordon_in, repo_root, tree};

const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: docker.io/library/nginx:1.27
      securityContext:
        privileged: true
";

#[test]
fn errors_name_file_line_and_column() {
    let config = "\
fail-on: severe
rules:
  privileged-containr:
    severity: high
  duplicate-key:
    enabled: yes
    paramters: {}
exclude: [\"charts/\"]
exceptions:
  - rule: privileged-container
    reason: \"\"
  - rule: duplicate-key
    reason: legacy
    expires: next year
profiles:
  prod:
    fail_on: low
";
    let dir = tree(&[(".kordon.yaml", config), ("pod.yaml", POD)]);
    let run = kordon_in(dir.path(), &["scan", "pod.yaml"], None);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn unknown_rule_ids_and_selectors_are_located() {
    let config = "rules:\n  disable: [category:nonsense, privileged-container]\n  privileged-containr:\n    severity: high\n";
    let dir = tree(&[(".kordon.yaml", config), ("pod.yaml", POD)]);
    let run = kordon_in(dir.path(), &["scan", "pod.yaml"], None);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!(run.stderr);
}

/// A copy of testdata/config/policies in `dir` (a configuration may name only paths inside the
/// repository holding it), as an absolute path.
fn policies(dir: &std::path::Path) -> String {
    let copy = dir.join("policies");
    copy_tree(&repo_root().join("testdata/config/policies"), &copy);
    copy.display().to_string()
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("folder is created");
    for entry in std::fs::read_dir(from).expect("listable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copied");
        }
    }
}

#[test]
fn parameters_are_validated_against_the_schema() {
    let dir = tree(&[("pod.yaml", POD)]);
    let policies = policies(dir.path());
    let config = format!(
        "rule-dirs: [{policies}]\nrules:\n  registry-allowlist-test:\n    parameters:\n      registries: docker.io/\n      allow-unqualifed: true\n"
    );
    std::fs::write(dir.path().join("kordon.yaml"), &config).expect("written");
    let run = kordon_in(
        dir.path(),
        &["scan", "--config", "kordon.yaml", "pod.yaml"],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!(run.stderr.replace(&policies, "[policies]"));
}

#[test]
fn parameters_from_config_reach_the_rule() {
    let run_with = |registries: &str| {
        let dir = tree(&[("pod.yaml", POD)]);
        let config = format!(
            "rule-dirs: [{}]\nrules:\n  enable: [registry-allowlist-test]\n  registry-allowlist-test:\n    parameters:\n      registries: {registries}\n",
            policies(dir.path())
        );
        std::fs::write(dir.path().join(".kordon.yaml"), &config).expect("written");
        kordon_in(dir.path(), &["scan", "--format", "json", "pod.yaml"], None)
    };
    let refused = run_with("[quay.io/]");
    assert_eq!(refused.code, 1, "{refused:?}");
    let rules: Vec<String> = json(&refused)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(rules, ["registry-allowlist-test"]);
    let allowed = run_with("[quay.io/, docker.io/]");
    assert_eq!(allowed.code, 0, "{allowed:?}");
}

#[test]
fn severity_overrides_fail_on_and_profiles() {
    let config = "\
fail-on: critical
rules:
  enable: [privileged-container]
  privileged-container:
    severity: medium
profiles:
  prod:
    fail-on: medium
  relaxed:
    rules:
      privileged-container:
        enabled: false
";
    let dir = tree(&[(".kordon.yaml", config), ("deploy/pod.yaml", POD)]);
    // Discovered from the scan root's parent folders; medium is below the base fail-on.
    let base = kordon_in(dir.path(), &["scan", "--format", "json", "deploy"], None);
    assert_eq!(base.code, 0, "{base:?}");
    assert_eq!(json(&base)["findings"][0]["severity"], "medium");
    let prod = kordon_in(dir.path(), &["scan", "--profile", "prod", "deploy"], None);
    assert_eq!(prod.code, 1, "{prod:?}");
    // The flag wins over the configuration.
    let flag = kordon_in(
        dir.path(),
        &["scan", "--profile", "prod", "--fail-on", "high", "deploy"],
        None,
    );
    assert_eq!(flag.code, 0, "{flag:?}");
    let off = kordon_in(
        dir.path(),
        &["scan", "--profile", "relaxed", "--format", "json", "deploy"],
        None,
    );
    assert_eq!(json(&off)["summary"]["findings"], 0, "{off:?}");
    let missing = kordon_in(
        dir.path(),
        &["scan", "--profile", "staging", "deploy"],
        None,
    );
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no profile named `staging`")
            && missing.stderr.contains("profiles: prod, relaxed"),
        "{missing:?}"
    );
}

#[test]
fn category_selectors_and_exclusions() {
    let config = "rules:\n  enable: [category:pod-security]\nexclude:\n  - generated/\n";
    let dir = tree(&[
        (".kordon.yaml", config),
        ("pod.yaml", POD),
        ("generated/pod.yaml", POD),
    ]);
    let run = kordon_in(dir.path(), &["scan", "--format", "json", "."], None);
    let report = json(&run);
    assert_eq!(report["summary"]["files"], 1, "{run:?}");
    // Excluded even when named directly (pre-commit passes file names).
    let direct = kordon_in(
        dir.path(),
        &["scan", "--format", "json", "generated/pod.yaml"],
        None,
    );
    assert_eq!(json(&direct)["summary"]["files"], 0, "{direct:?}");
    assert_eq!(direct.code, 0);
}

#[test]
fn init_writes_a_working_config_and_never_overwrites() {
    let dir = tree(&[("pod.yaml", POD)]);
    let first = kordon_in(dir.path(), &["init"], None);
    assert_eq!(first.code, 0, "{first:?}");
    let written =
        std::fs::read_to_string(dir.path().join(".kordon.yaml")).expect("init wrote the file");
    assert!(written.contains("# Lowest severity that fails the run"));
    let scan = kordon_in(dir.path(), &["scan", "--profile", "dev", "pod.yaml"], None);
    assert_eq!(
        scan.code, 1,
        "the starter config loads and keeps every rule: {scan:?}"
    );
    std::fs::write(dir.path().join(".kordon.yaml"), "fail-on: high\n").expect("edit");
    let second = kordon_in(dir.path(), &["init"], None);
    assert_eq!(second.code, 2, "{second:?}");
    assert!(second.stderr.contains("already exists"), "{second:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".kordon.yaml")).expect("still there"),
        "fail-on: high\n"
    );
}

#[test]
fn policies_in_the_config_run_like_policy_flags() {
    let policy =
        std::fs::read_to_string(repo_root().join("testdata/gatekeeper/policies/privileged.yaml"))
            .expect("policy");
    let dir = tree(&[
        (".kordon.yaml", "policies: [policies/privileged.yaml]\n"),
        ("policies/privileged.yaml", &policy),
        ("pod.yaml", POD),
    ]);
    let run = kordon_in(dir.path(), &["scan", "pod.yaml", "--format", "json"], None);
    assert_eq!(run.code, 1, "{run:?}");
    let rules: Vec<String> = json(&run)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(rules.iter().any(|r| r == "no-privileged"), "{rules:?}");
}

#[test]
fn default_namespace_in_the_config_works_like_the_flag_which_wins() {
    let case = repo_root().join("testdata/gatekeeper-conformance/namespace-defaulting");
    let pod = std::fs::read_to_string(case.join("pod-without-namespace.yaml"))
        .expect("the conformance case is readable");
    let policy = std::fs::read_to_string(case.join("policy.yaml"))
        .expect("the conformance case is readable");
    let reported = |config: &str, extra: &[&str]| {
        // Configured paths must stay inside the repository, so the policy is copied in.
        let config = format!("policies: [policy.yaml]\n{config}");
        let dir = tree(&[
            (".kordon.yaml", config.as_str()),
            ("policy.yaml", policy.as_str()),
            ("pod.yaml", pod.as_str()),
        ]);
        let mut args = vec!["scan", "--no-color", "pod.yaml"];
        args.extend_from_slice(extra);
        let run = kordon_in(dir.path(), &args, None);
        assert_ne!(run.code, 2, "{run:?}");
        // The policy's constraint reviews namespace `shop` only.
        run.stdout.contains("container <cart> uses a latest tag")
    };
    assert!(reported("default-namespace: shop\n", &[]));
    assert!(!reported("default-namespace: billing\n", &[]));
    assert!(reported(
        "default-namespace: billing\n",
        &["--default-namespace", "shop"]
    ));
    let profiles = "default-namespace: billing\nprofiles:\n  shop:\n    default-namespace: shop\n";
    assert!(reported(profiles, &["--profile", "shop"]));
    assert!(!reported(profiles, &[]));
}

#[test]
fn a_default_namespace_that_is_no_namespace_name_is_a_located_error() {
    let dir = tree(&[
        (".kordon.yaml", "fail-on: low\ndefault-namespace: Shop_1\n"),
        ("pod.yaml", POD),
    ]);
    let run = kordon_in(dir.path(), &["scan", "pod.yaml"], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains(".kordon.yaml:2:20: `default-namespace`: `Shop_1` is not a namespace name"),
        "{}",
        run.stderr
    );
}

#[test]
fn helm_chart_bindings_are_checked_where_they_are_written() {
    let config = "\
helm:
  charts:
    - path: chart
      values: [values-prod.yaml, missing.yaml, ../outside.yaml]
      set: [novalue, image.tag=1]
      namespace: Prod
      release-name: -bad
    - path: not-a-chart
    - values: [values-prod.yaml]
      colour: blue
";
    let dir = tree(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        (".kordon.yaml", config),
        (
            "chart/Chart.yaml",
            "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
        ),
        ("values-prod.yaml", "x: 1\n"),
        ("not-a-chart/values.yaml", "x: 1\n"),
        ("pod.yaml", POD),
    ]);
    let run = kordon_in(dir.path(), &["scan", "pod.yaml"], None);
    assert_eq!(run.code, 2, "{run:?}");
    let real = std::fs::canonicalize(dir.path())
        .expect("resolvable")
        .display()
        .to_string();
    let above = std::path::Path::new(&real)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    insta::assert_snapshot!(
        run.stderr
            .replace(&real, "[TMP]")
            .replace(&above, "[ABOVE]")
            .replace(&dir.path().display().to_string(), "[TMP]")
    );
}
