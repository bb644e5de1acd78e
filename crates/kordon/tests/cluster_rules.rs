//! The RBAC, secrets, network and control-plane rules end to end through the scanner: the
//! hardened manifests stay clean, namespace-level findings land once on the right object, a
//! reused scanner judges each scan by its own inventory, and parameters change verdicts.

use std::path::PathBuf;

use kordon::{RuleSet, ScanReport, Scanner, Severity, Source};

fn scanner() -> Scanner {
    Scanner::builder()
        .rules(RuleSet::builtin().expect("built-in rules load"))
        .build()
        .expect("scanner builds")
}

fn scan(scanner: &Scanner, text: &str) -> ScanReport {
    let report = scanner.scan_sources(vec![Source::new("test.yaml", text)]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    report
}

/// (rule, kind/name of the object, line) of every finding of `rule`.
fn hits(report: &ScanReport, rule: &str) -> Vec<(String, usize)> {
    report
        .findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| {
            (
                format!(
                    "{}/{}",
                    f.object.kind,
                    f.object.name.as_deref().unwrap_or_default()
                ),
                f.location.start.line,
            )
        })
        .collect()
}

#[test]
fn hardened_manifests_have_no_finding_at_or_above_low() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/hardened");
    let report = scanner().scan_paths(&[dir]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    assert!(report.stats.objects >= 7, "the hardened set was not read");
    let serious: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Low)
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f.location.file, f.location.start.line, f.rule_id, f.message
            )
        })
        .collect();
    assert!(serious.is_empty(), "{}", serious.join("\n"));
}

const TWO_WORKLOADS_NO_POLICY: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
spec:
  template:
    spec:
      containers: [{name: web, image: web:1}]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
  namespace: team-a
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, image: c:1}]
";

#[test]
fn namespace_finding_lands_once_on_first_workload() {
    let report = scan(&scanner(), TWO_WORKLOADS_NO_POLICY);
    // CronJob sorts before Deployment: the finding sits on its `namespace:` line (line 15).
    assert_eq!(
        hits(&report, "namespace-without-network-policy"),
        vec![("CronJob/cleanup".to_string(), 15)]
    );
    assert_eq!(hits(&report, "namespace-without-resource-quota").len(), 1);
}

#[test]
fn namespace_object_carries_the_finding_when_present() {
    let text = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n---\n{TWO_WORKLOADS_NO_POLICY}"
    );
    let report = scan(&scanner(), &text);
    assert_eq!(
        hits(&report, "namespace-without-network-policy"),
        vec![("Namespace/team-a".to_string(), 4)]
    );
}

#[test]
fn reused_scanner_judges_each_scan_by_its_own_inventory() {
    let scanner = scanner();
    let with_policy = format!(
        "{TWO_WORKLOADS_NO_POLICY}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: team-a\nspec:\n  podSelector: {{}}\n"
    );
    assert_eq!(
        hits(
            &scan(&scanner, TWO_WORKLOADS_NO_POLICY),
            "namespace-without-network-policy"
        )
        .len(),
        1
    );
    assert!(
        hits(
            &scan(&scanner, &with_policy),
            "namespace-without-network-policy"
        )
        .is_empty()
    );
    assert_eq!(
        hits(
            &scan(&scanner, TWO_WORKLOADS_NO_POLICY),
            "namespace-without-network-policy"
        )
        .len(),
        1
    );
}

#[test]
fn binding_is_judged_by_the_role_it_references_in_the_scan() {
    let role = |verbs: &str| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: runner\nrules:\n  - apiGroups: [\"\"]\n    resources: [pods]\n    verbs: {verbs}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: runner\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: runner}}\nsubjects:\n  - kind: Group\n    name: system:authenticated\n"
        )
    };
    let scanner = scanner();
    assert_eq!(
        hits(
            &scan(&scanner, &role("[get, create]")),
            "broad-subject-workload-create"
        ),
        vec![("ClusterRoleBinding/runner".to_string(), 16)]
    );
    assert!(
        hits(
            &scan(&scanner, &role("[get, list]")),
            "broad-subject-workload-create"
        )
        .is_empty()
    );
}

#[test]
fn parameters_change_verdicts() {
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: edge\n  namespace: ingress\nspec:\n  type: LoadBalancer\n  ports: [{port: 443}]\n";
    assert_eq!(
        hits(&scan(&scanner(), service), "service-public-load-balancer").len(),
        1
    );
    let mut rules = RuleSet::builtin().expect("built-in rules load");
    rules
        .set_parameters(
            "service-public-load-balancer",
            &serde_json::json!({"exemptServices": ["ingress/edge"]}),
        )
        .expect("valid parameters");
    let tuned = Scanner::builder()
        .rules(rules)
        .build()
        .expect("scanner builds");
    assert!(hits(&scan(&tuned, service), "service-public-load-balancer").is_empty());

    let mut rules = RuleSet::builtin().expect("built-in rules load");
    let error = rules
        .set_parameters(
            "apiserver-audit-log-retention-short",
            &serde_json::json!({"minAgeDays": "thirty"}),
        )
        .expect_err("a string is not an integer");
    assert!(error.to_string().contains("minAgeDays"), "{error}");
}

#[test]
fn static_pod_flag_findings_point_at_the_command_item() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\nspec:\n  containers:\n    - name: kube-apiserver\n      image: registry.k8s.io/kube-apiserver:v1.30.2\n      command:\n        - kube-apiserver\n        - --authorization-mode=Node,RBAC\n        - --anonymous-auth=true\n";
    let report = scan(&scanner(), pod);
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule_id == "apiserver-anonymous-auth-enabled")
        .expect("reported");
    assert_eq!(finding.location.start.line, 13);
    assert_eq!(finding.location.start.column, 11);
    let fix = finding.fix.as_ref().expect("a fix is offered");
    assert_eq!(
        fix.ops[0].value,
        Some(serde_json::json!("--anonymous-auth=false"))
    );
}
