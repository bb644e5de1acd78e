//! Gatekeeper interop: templates and constraints as rules, workload expansion, suites, export.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kordon::gatekeeper::{CaseFilter, export_gatekeeper, verify_paths};
use kordon::{RuleSet, ScanReport, Scanner, Source};

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/gatekeeper")
}

/// Findings and problems as lines: where, severity, rule, path, message.
fn summary(report: &ScanReport, root: &Path) -> String {
    let root = root.display().to_string();
    let short = |name: &str| name.replace(&root, "").trim_start_matches('/').to_string();
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&format!(
            "{}:{}:{} {} [{}] {:?} path={} | {}\n",
            short(&f.location.file),
            f.location.start.line,
            f.location.start.column,
            f.severity,
            f.rule_id,
            f.precision,
            kordon::document::display_path(&f.path),
            f.message
        ));
    }
    for p in &report.problems {
        out.push_str(&format!(
            "{:?} {}:{} | {}\n",
            p.level,
            short(p.file.as_deref().unwrap_or("-")),
            p.position
                .map_or(String::new(), |p| format!("{}:{}", p.line, p.column)),
            short(&p.message)
        ));
    }
    out
}

/// Only the Gatekeeper policies: built-in rules grow on their own and are tested elsewhere.
fn scanner_with(policies: &Path) -> Scanner {
    Scanner::builder()
        .rules(RuleSet::empty())
        .policy(policies)
        .jobs(1)
        .build()
        .expect("scanner builds")
}

#[test]
fn pod_policies_catch_workloads_inside_their_pod_templates() {
    let root = testdata();
    let scanner = scanner_with(&root.join("policies"));
    let report = scanner.scan_paths(&[root.join("manifests")]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    assert_eq!(
        report.stats.generated, 5,
        "Deployment, DaemonSet, CronJob (Job + Pod), WebApp"
    );
    insta::assert_snapshot!(summary(&report, &root));
}

#[test]
fn findings_are_not_duplicated() {
    let root = testdata();
    let report = Scanner::builder()
        .policy(root.join("policies"))
        .build()
        .expect("builds")
        .scan_paths(&[root.join("manifests")]);
    let mut seen = BTreeSet::new();
    for f in &report.findings {
        assert!(seen.insert(f.fingerprint.clone()), "duplicate: {f:?}");
    }
    // A built-in rule reviews the Deployment itself, never its generated Pod.
    let builtin_on_shop: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "privileged-container" && f.object.name.as_deref() == Some("shop"))
        .collect();
    assert_eq!(builtin_on_shop.len(), 1);
    assert!(!builtin_on_shop[0].message.contains("pod template"));
}

#[test]
fn a_bare_pod_is_reviewed_directly() {
    let root = testdata();
    let report =
        scanner_with(&root.join("policies")).scan_paths(&[root.join("manifests/pod.yaml")]);
    let rules: BTreeSet<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    // The Gatekeeper policies (the rules that are not built in) see the Pod itself, once.
    let builtin = RuleSet::builtin().expect("built-ins load");
    let policies: BTreeSet<&str> = rules
        .iter()
        .copied()
        .filter(|id| builtin.get(id).is_none())
        .collect();
    assert_eq!(
        policies,
        BTreeSet::from(["no-host-namespaces", "no-privileged"])
    );
    assert_eq!(report.stats.generated, 0);
    assert!(
        report
            .findings
            .iter()
            .all(|f| !f.message.contains("template of"))
    );
}

const BOTH_KINDS_TEMPLATE: &str = r#"
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: anyhostpid}
spec:
  crd: {spec: {names: {kind: AnyHostPid}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      code:
        - engine: Rego
          source:
            version: v1
            rego: |
              package anyhostpid

              pod_spec := input.review.object.spec.template.spec if input.review.object.kind != "Pod"
              pod_spec := input.review.object.spec if input.review.object.kind == "Pod"

              violation contains {"msg": "hostPID is on"} if pod_spec.hostPID == true

              violation contains {"msg": sprintf("%d pods in inventory", [count(pods)])} if {
                pods := [p | some p in data.inventory.namespace[_][_].Pod]
                count(pods) > 0
              }
"#;

fn scan_with_policy(policy: &str, manifests: &str) -> ScanReport {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("policy.yaml"), policy).expect("write policy");
    let scanner = Scanner::builder()
        .rules(RuleSet::empty())
        .policy(dir.path())
        .build()
        .expect("builds");
    scanner.scan_sources(vec![Source::new("m.yaml", manifests)])
}

const SHOP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\n  namespace: prod\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers:\n        - name: web\n          image: nginx\n";

#[test]
fn a_constraint_matching_the_workload_kind_does_not_review_its_pod_again() {
    let constraint = "---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: AnyHostPid\nmetadata: {name: any-host-pid}\nspec:\n  match:\n    kinds: [{apiGroups: [\"\", apps], kinds: [Pod, Deployment]}]\n";
    let report = scan_with_policy(&format!("{BOTH_KINDS_TEMPLATE}{constraint}"), SHOP);
    assert!(!report.has_errors(), "{:?}", report.problems);
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    // Once, on the Deployment; and the generated Pod is not in data.inventory.
    assert_eq!(messages, vec!["hostPID is on"]);
    assert_eq!(report.findings[0].location.start.line, 4);
}

#[test]
fn a_pod_only_constraint_reviews_the_generated_pod_once() {
    let constraint = "---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: AnyHostPid\nmetadata: {name: any-host-pid}\nspec:\n  match:\n    kinds: [{apiGroups: [\"\"], kinds: [Pod]}]\n";
    let report = scan_with_policy(&format!("{BOTH_KINDS_TEMPLATE}{constraint}"), SHOP);
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        vec!["hostPID is on (from the pod template of Deployment/shop)"]
    );
    // No path, no container named: the pod template's `spec`.
    let f = &report.findings[0];
    assert_eq!((f.location.start.line, f.location.start.column), (8, 5));
    assert_eq!(
        kordon::document::display_path(&f.path),
        "spec.template.spec"
    );
}

#[test]
fn namespace_selector_reads_scanned_namespaces() {
    let constraint = "---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: AnyHostPid\nmetadata: {name: any-host-pid}\nspec:\n  match:\n    kinds: [{apiGroups: [\"\"], kinds: [Pod]}]\n    namespaceSelector: {matchLabels: {tier: critical}}\n";
    let policy = format!("{BOTH_KINDS_TEMPLATE}{constraint}");
    let unknown = scan_with_policy(&policy, SHOP);
    assert!(
        unknown.findings.is_empty(),
        "namespace prod is not in the scan"
    );
    let labelled = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels: {{tier: critical}}\n---\n{SHOP}"
    );
    assert_eq!(scan_with_policy(&policy, &labelled).findings.len(), 1);
    let other = labelled.replace("tier: critical", "tier: scratch");
    assert!(scan_with_policy(&policy, &other).findings.is_empty());
}

#[test]
fn enforcement_actions_map_to_severities() {
    let root = testdata();
    let report =
        scanner_with(&root.join("policies")).scan_paths(&[root.join("manifests/pod.yaml")]);
    let severity = |id: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule_id == id)
            .map(|f| f.severity.as_str())
    };
    assert_eq!(severity("no-privileged"), Some("high"), "deny");
    assert_eq!(
        severity("no-host-namespaces"),
        Some("critical"),
        "annotation over warn"
    );
}

#[test]
fn a_broken_template_is_a_located_error_and_the_rest_loads() {
    let policy = "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: broken\nspec:\n  targets: []\n---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: Orphan\nmetadata:\n  name: orphan\n";
    let report = scan_with_policy(
        &format!(
            "{policy}---\n{BOTH_KINDS_TEMPLATE}---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: AnyHostPid\nmetadata: {{name: ok}}\n"
        ),
        SHOP,
    );
    let problems: Vec<String> = report
        .problems
        .iter()
        .map(|p| {
            format!(
                "{:?} {:?} {}",
                p.level,
                p.position.map(|p| p.line),
                p.message
            )
        })
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("Error Some(4) ConstraintTemplate broken: no `spec.crd"),
        "{problems:?}"
    );
    assert!(
        problems[1].starts_with("Warning Some(11) Constraint Orphan/orphan"),
        "{problems:?}"
    );
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn the_suites_in_testdata_pass_and_wrong_expectations_fail() {
    let root = testdata();
    let good = verify_paths(&[root.join("suites")], None);
    assert!(good.passed(), "{good:#?}");
    assert_eq!(good.cases.len(), 7);
    let bad = verify_paths(&[root.join("failing-suite")], None);
    assert!(!bad.passed());
    let failed: Vec<&str> = bad
        .cases
        .iter()
        .filter(|c| !c.passed())
        .map(|c| c.case.as_str())
        .collect();
    assert_eq!(
        failed,
        vec!["expects-nothing-from-a-privileged-pod", "missing-object"]
    );
    let only = verify_paths(
        &[root.join("suites")],
        CaseFilter::new("^registry$").ok().as_ref(),
    );
    assert_eq!(only.cases.len(), 2);
    let one = verify_paths(
        &[root.join("suites")],
        CaseFilter::new("^registry$//^trusted").ok().as_ref(),
    );
    assert_eq!(one.cases.len(), 1, "{one:#?}");
}

/// Data-driven over the whole built-in corpus: every rule with Rego is exported, and its
/// suite — built from its samples — passes when run as a Gatekeeper template.
#[test]
fn every_exported_builtin_rule_verifies() {
    let rules = RuleSet::builtin().expect("built-ins load");
    let dir = tempfile::tempdir().expect("temp dir");
    let exported = export_gatekeeper(&rules, dir.path()).expect("export");
    let with_rego: BTreeSet<&str> = rules
        .rules()
        .iter()
        .filter(|r| r.module.is_some())
        .map(|r| r.id())
        .collect();
    let ids: BTreeSet<&str> = exported.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, with_rego);
    let report = verify_paths(&[dir.path().to_path_buf()], None);
    assert!(report.passed(), "{report:#?}");
    for rule in &exported {
        let cases: Vec<_> = report.cases.iter().filter(|c| c.test == rule.id).collect();
        assert_eq!(cases.len(), rule.cases, "{}", rule.id);
        assert!(
            cases.iter().any(|c| c.case.starts_with("disallowed"))
                && cases.iter().any(|c| c.case.starts_with("allowed")),
            "{}: needs both sample kinds",
            rule.id
        );
    }
}
