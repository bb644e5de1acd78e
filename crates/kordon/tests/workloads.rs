//! Workloads beyond the core kinds: OpenShift `DeploymentConfig`, Argo `Rollout`, Knative
//! `Service`, and a custom resource described in `.kordon.yaml` by the path of its pod
//! template, judged by the pod rules, expanded for Gatekeeper constraints and exported with the
//! kinds in the ConstraintTemplates' match.

use std::path::{Path, PathBuf};

use kordon::config::Config;
use kordon::{RuleSet, ScanReport, Scanner, Source};

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/workloads")
}

/// Every finding of the pod-security rules named here, and every problem, one per line.
fn outcome(report: &ScanReport, rules: &[&str]) -> String {
    let mut lines: Vec<String> = report
        .findings
        .iter()
        .filter(|f| rules.contains(&f.rule_id.as_str()))
        .map(|f| {
            format!(
                "{} {}/{} {}:{} {}",
                f.rule_id,
                f.object.kind,
                f.object.name.as_deref().unwrap_or("-"),
                f.location.start.line,
                f.location.start.column,
                f.message
            )
        })
        .collect();
    lines.extend(report.problems.iter().map(|p| {
        let at = p
            .position
            .map_or(String::from("-"), |p| format!("{}:{}", p.line, p.column));
        format!("problem {:?} {at} {}", p.kind, p.message)
    }));
    lines.join("\n")
}

const POD_RULES: &[&str] = &[
    "privileged-container",
    "host-pid",
    "host-network",
    "privilege-escalation-allowed",
    "sys-admin-capability",
];

fn configured_rules(dir: &Path) -> RuleSet {
    let config = Config::load(&dir.join(".kordon.yaml")).expect("config loads");
    let mut rules = RuleSet::builtin().expect("built-ins load");
    config
        .resolve(None)
        .expect("no profile")
        .apply_rules(&mut rules)
        .expect("config applies");
    rules
}

#[test]
fn pod_rules_judge_openshift_argo_and_knative_workloads() {
    let report = Scanner::builder()
        .build()
        .expect("scanner builds")
        .scan_paths(&[testdata().join("crd-workloads.yaml")]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    insta::assert_snapshot!(outcome(&report, POD_RULES));
}

#[test]
fn a_core_service_is_not_taken_for_a_knative_one() {
    let report = Scanner::builder()
        .build()
        .expect("scanner builds")
        .scan_paths(&[testdata().join("crd-workloads.yaml")]);
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.object.name.as_deref() != Some("thumbnailer-internal")
                || !POD_RULES.contains(&f.rule_id.as_str())),
        "a pod rule judged the core Service"
    );
}

#[test]
fn a_configured_custom_resource_is_judged_at_its_pod_template() {
    let dir = testdata().join("custom");
    let report = Scanner::builder()
        .rules(configured_rules(&dir))
        .build()
        .expect("scanner builds")
        .scan_paths(&[dir.join("pipeline.yaml"), dir.join("broken-pipeline.yaml")]);
    insta::assert_snapshot!(outcome(&report, POD_RULES));
}

#[test]
fn without_the_config_a_custom_resource_is_not_a_workload() {
    let dir = testdata().join("custom");
    let report = Scanner::builder()
        .build()
        .expect("scanner builds")
        .scan_paths(&[dir.join("pipeline.yaml")]);
    assert_eq!(outcome(&report, POD_RULES), "");
}

#[test]
fn workloads_config_errors_are_located() {
    let text = "workloads:\n  - group: example.com\n    kind: App\n  - group: example.com\n    kind: Job\n    pod-template: 7\n  - {group: example.com, kind: Task, pod-template: spec.template, image: x}\n";
    let errors = Config::parse(".kordon.yaml", text, ".".into()).expect_err("invalid");
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    insta::assert_snapshot!(lines.join("\n"));
}

const HOST_NETWORK_POLICY: &str = r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: nohostnetwork
spec:
  crd:
    spec:
      names:
        kind: NoHostNetwork
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package nohostnetwork
        violation[{"msg": "hostNetwork is on"}] {
          input.review.object.spec.hostNetwork == true
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: NoHostNetwork
metadata:
  name: no-host-network
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
"#;

#[test]
fn a_pod_constraint_reviews_the_pods_of_rollouts_and_configured_kinds() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("policy.yaml"), HOST_NETWORK_POLICY).expect("write policy");
    let mut rules = RuleSet::empty();
    rules.add_workload_kinds([kordon::workload::WorkloadKind {
        group: Some("batch.example.com".into()),
        kind: "Pipeline".into(),
        template: vec!["spec".into(), "runner".into(), "podTemplate".into()],
    }]);
    let scanner = Scanner::builder()
        .rules(rules)
        .policy(dir.path())
        .build()
        .expect("builds");
    let rollout = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers: [{name: web, image: nginx:1.27}]\n";
    let pipeline =
        std::fs::read_to_string(testdata().join("custom/pipeline.yaml")).expect("fixture reads");
    let report = scanner.scan_sources(vec![
        Source::new("rollout.yaml", rollout),
        Source::new("pipeline.yaml", &pipeline),
    ]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    let found: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f.location.file, f.location.start.line, f.location.start.column, f.message
            )
        })
        .collect();
    insta::assert_snapshot!(found.join("\n"));
}

#[test]
fn exported_templates_match_the_workload_crds_and_carry_configured_kinds() {
    let dir = testdata().join("custom");
    let rules = configured_rules(&dir);
    let out = tempfile::tempdir().expect("temp dir");
    kordon::gatekeeper::export_gatekeeper(&rules, out.path()).expect("export");
    let constraint = [
        "privileged-container/constraint.yaml",
        "privileged-container/template.yaml",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(out.path().join(f)).expect("exported"))
    .collect::<Vec<_>>()
    .join("\n");
    for needle in [
        "apps.openshift.io",
        "DeploymentConfig",
        "argoproj.io",
        "Rollout",
        "serving.knative.dev",
        "batch.example.com",
        "Pipeline",
        "\"batch.example.com/Pipeline\"",
    ] {
        assert!(constraint.contains(needle), "export lacks {needle}");
    }
    let report = kordon::gatekeeper::verify_paths(&[out.path().to_path_buf()], None);
    assert!(report.passed(), "{report:#?}");
}

const NAMESPACE_RULES: &[&str] = &[
    "namespace-without-network-policy",
    "namespace-without-limit-range",
    "namespace-without-resource-quota",
];

#[test]
fn workload_custom_resources_carry_the_findings_of_their_namespace() {
    // `shop` holds a DeploymentConfig and two Rollouts, `media` a Knative Service beside a core
    // Service of a similar name: only the pod owners stand for their namespace, by group and kind.
    let report = Scanner::builder()
        .build()
        .expect("scanner builds")
        .scan_paths(&[testdata().join("crd-workloads.yaml")]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    insta::assert_snapshot!(outcome(&report, NAMESPACE_RULES));
}

#[test]
fn a_configured_custom_resource_carries_the_findings_of_its_namespace() {
    let dir = testdata().join("custom");
    let report = Scanner::builder()
        .rules(configured_rules(&dir))
        .build()
        .expect("scanner builds")
        .scan_paths(&[dir.join("pipeline.yaml")]);
    insta::assert_snapshot!(outcome(&report, NAMESPACE_RULES));
}
