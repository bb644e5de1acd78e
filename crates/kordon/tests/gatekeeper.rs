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

/// The YAML objects of a file, as JSON (kordon's own reader).
fn yaml_objects(path: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let document = kordon::Document::parse(
        std::sync::Arc::new(kordon::Source::new(path.display().to_string(), text)),
        kordon::document::ParseLimits::default(),
    );
    assert!(
        document.problems.is_empty(),
        "{}: {:?}",
        path.display(),
        document.problems
    );
    document.objects.iter().map(|o| o.root.to_json()).collect()
}

/// The `openAPIV3Schema` of one version of a CustomResourceDefinition vendored from Gatekeeper
/// (testdata/gatekeeper-crds/SOURCES.md), compiled for validation.
fn crd_schema(file: &str, version: &str) -> (boon::Schemas, boon::SchemaIndex) {
    let crd = yaml_objects(&testdata().join("../gatekeeper-crds").join(file)).remove(0);
    let schema = crd["spec"]["versions"]
        .as_array()
        .and_then(|versions| versions.iter().find(|v| v["name"] == version))
        .map(|v| v["schema"]["openAPIV3Schema"].clone())
        .unwrap_or_else(|| panic!("{file} has version {version}"));
    compile_schema(schema)
}

fn compile_schema(schema: serde_json::Value) -> (boon::Schemas, boon::SchemaIndex) {
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("urn:kordon:schema", schema)
        .expect("schema added");
    let mut schemas = boon::Schemas::new();
    let index = compiler
        .compile("urn:kordon:schema", &mut schemas)
        .expect("schema compiles");
    (schemas, index)
}

/// Every exported object is what Gatekeeper's API server accepts: templates against the
/// ConstraintTemplate CRD, the sync Config against the Config CRD, each Constraint's parameters
/// against the schema its template declares, and its enforcement action one Gatekeeper knows.
#[test]
fn exported_objects_match_gatekeepers_crd_schemas() {
    let rules = RuleSet::builtin().expect("built-ins load");
    let dir = tempfile::tempdir().expect("temp dir");
    let exported = export_gatekeeper(&rules, dir.path()).expect("export");
    let (templates, template_index) =
        crd_schema("constrainttemplate-customresourcedefinition.yaml", "v1");
    let (configs, config_index) = crd_schema("config.gatekeeper.sh_configs.yaml", "v1alpha1");
    // The schemas do judge: a template whose targets are not a list, or a sync entry that is
    // not an object, is refused.
    let mut wrong = yaml_objects(&exported[0].dir.join("template.yaml")).remove(0);
    wrong["spec"]["targets"] = serde_json::json!("admission.k8s.gatekeeper.sh");
    assert!(templates.validate(&wrong, template_index).is_err());
    let wrong_config = serde_json::json!({"apiVersion": "config.gatekeeper.sh/v1alpha1", "kind": "Config", "spec": {"sync": {"syncOnly": ["Namespace"]}}});
    assert!(configs.validate(&wrong_config, config_index).is_err());
    let config = yaml_objects(&dir.path().join("sync-config.yaml")).remove(0);
    if let Err(e) = configs.validate(&config, config_index) {
        panic!("sync-config.yaml: {e:#}");
    }
    let synced: Vec<&str> = config["spec"]["sync"]["syncOnly"]
        .as_array()
        .expect("syncOnly")
        .iter()
        .filter_map(|k| k["kind"].as_str())
        .collect();
    for kind in [
        "Namespace",
        "NetworkPolicy",
        "LimitRange",
        "ResourceQuota",
        "ServiceAccount",
        "PodDisruptionBudget",
        "RoleBinding",
    ] {
        assert!(synced.contains(&kind), "{kind} not synced: {synced:?}");
    }
    for rule in &exported {
        let template = yaml_objects(&rule.dir.join("template.yaml")).remove(0);
        if let Err(e) = templates.validate(&template, template_index) {
            panic!("{}: template.yaml: {e:#}", rule.id);
        }
        let parameters_schema =
            template["spec"]["crd"]["spec"]["validation"]["openAPIV3Schema"].clone();
        let (parameters, parameters_index) = compile_schema(parameters_schema);
        for file in ["constraint.yaml", "suite-constraint.yaml"] {
            let path = rule.dir.join(file);
            if !path.exists() {
                continue;
            }
            let constraint = yaml_objects(&path).remove(0);
            let given = constraint["spec"]
                .get("parameters")
                .cloned()
                .unwrap_or_else(|| serde_json::json!({}));
            if let Err(e) = parameters.validate(&given, parameters_index) {
                panic!("{}: {file}: parameters: {e:#}", rule.id);
            }
            let action = constraint["spec"]["enforcementAction"]
                .as_str()
                .unwrap_or("");
            assert!(
                ["deny", "warn", "dryrun"].contains(&action),
                "{}: {action}",
                rule.id
            );
        }
    }
}

/// Enforcement follows severity, and a rule that fires on absence never denies.
#[test]
fn exported_enforcement_follows_severity_and_inventory_rules_never_deny() {
    use kordon::gatekeeper::{EnforcementAction, EnforcementChoice, enforcement_action};
    let rules = RuleSet::builtin().expect("built-ins load");
    let by_id = |id: &str| rules.get(id).unwrap_or_else(|| panic!("rule {id}"));
    let privileged = by_id("privileged-container");
    assert_eq!(
        enforcement_action(privileged, EnforcementChoice::BySeverity),
        (EnforcementAction::Deny, None)
    );
    let network = by_id("namespace-without-network-policy");
    assert_eq!(
        enforcement_action(network, EnforcementChoice::BySeverity),
        (EnforcementAction::Warn, None)
    );
    let (action, note) =
        enforcement_action(network, EnforcementChoice::Fixed(EnforcementAction::Deny));
    assert_eq!(action, EnforcementAction::Warn);
    assert!(note.is_some_and(|n| n.contains("Namespace")));
    for rule in rules.rules() {
        let (action, _) = enforcement_action(rule, EnforcementChoice::BySeverity);
        let expected = match rule.meta.severity {
            kordon::Severity::Critical | kordon::Severity::High
                if !rule.meta.needs_complete_inventory =>
            {
                EnforcementAction::Deny
            }
            kordon::Severity::Critical | kordon::Severity::High | kordon::Severity::Medium => {
                EnforcementAction::Warn
            }
            kordon::Severity::Low | kordon::Severity::Info => EnforcementAction::Dryrun,
        };
        assert_eq!(action, expected, "{}", rule.id());
    }
}
