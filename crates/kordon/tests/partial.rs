//! Partial scans: rules that report what is missing do not run on part of a repository unless
//! context completes `data.inventory`, and context objects are never reported.

use std::path::PathBuf;

use kordon::document::ProblemKind;
use kordon::{ProblemLevel, ScanReport, Scanner, ScannerBuilder};

const ABSENCE_RULES: [&str; 8] = [
    "binding-role-missing",
    "namespace-without-limit-range",
    "namespace-without-network-policy",
    "namespace-without-resource-quota",
    "pod-disruption-budget-missing",
    "pod-service-account-token-automount",
    "service-account-missing",
    "workload-not-isolated-by-network-policy",
];

fn testdata(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/partial")
        .join(path)
}

fn scan(builder: ScannerBuilder, paths: &[&str]) -> ScanReport {
    let scanner = builder.build().expect("scanner builds");
    let paths: Vec<PathBuf> = paths.iter().map(|p| testdata(p)).collect();
    scanner.scan_paths(&paths)
}

fn rules_found(report: &ScanReport) -> Vec<&str> {
    let mut ids: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    ids.dedup();
    ids
}

#[test]
fn the_absence_rules_say_they_need_the_complete_inventory() {
    let rules = kordon::RuleSet::builtin().expect("built-in rules load");
    let mut needing: Vec<&str> = rules
        .rules()
        .iter()
        .filter(|r| r.meta.needs_complete_inventory)
        .map(|r| r.id())
        .collect();
    needing.sort_unstable();
    assert_eq!(needing, ABSENCE_RULES);
    // Reads the inventory, but only reports a role it finds: safe on a part.
    let broad = rules.get("broad-subject-workload-create").expect("rule");
    assert!(broad.meta.inventory && !broad.meta.needs_complete_inventory);
}

#[test]
fn a_full_scan_of_the_deployment_alone_reports_the_missing_policy() {
    let report = scan(Scanner::builder(), &["app/deployment.yaml"]);
    assert!(rules_found(&report).contains(&"namespace-without-network-policy"));
    assert!(report.skipped_rules.is_empty());
}

#[test]
fn a_partial_scan_skips_the_absence_rules_with_one_note() {
    let report = scan(Scanner::builder().partial(true), &["app/deployment.yaml"]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    for rule in ABSENCE_RULES {
        assert!(!rules_found(&report).contains(&rule), "{rule} ran");
    }
    // Every absence rule that reviews a Deployment (binding-role-missing reviews bindings only).
    let deployment_rules: Vec<&str> = ABSENCE_RULES
        .into_iter()
        .filter(|r| *r != "binding-role-missing")
        .collect();
    assert_eq!(report.skipped_rules, deployment_rules);
    // The rules that judge only what they see still run.
    assert!(rules_found(&report).contains(&"run-as-non-root-missing"));
    let notes: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Skipped)
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", report.problems);
    assert_eq!(notes[0].level, ProblemLevel::Note);
    assert!(
        notes[0]
            .message
            .contains("namespace-without-network-policy")
    );
    assert!(notes[0].message.contains("--context"));
    // No skipped rule would have reviewed the checks of rules that did run.
    assert!(
        report
            .checks
            .iter()
            .all(|c| !ABSENCE_RULES.contains(&&*c.rule))
    );
}

#[test]
fn a_partial_scan_names_only_rules_that_would_have_reviewed_something() {
    let report = scan(Scanner::builder().partial(true), &["config/settings.yaml"]);
    assert!(report.skipped_rules.is_empty());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn context_with_the_policy_clears_the_finding_and_runs_every_rule() {
    let report = scan(
        Scanner::builder()
            .partial(true)
            .context(testdata("policies")),
        &["app/deployment.yaml"],
    );
    assert!(!report.has_errors(), "{:?}", report.problems);
    assert!(report.skipped_rules.is_empty());
    let found = rules_found(&report);
    assert!(
        !found.contains(&"namespace-without-network-policy"),
        "{found:?}"
    );
    // The context has no LimitRange: that rule ran and reports on the scanned file.
    assert!(
        found.contains(&"namespace-without-limit-range"),
        "{found:?}"
    );
    assert_eq!(report.stats.files, 1);
    assert_eq!(report.stats.objects, 1);
    assert_eq!(report.stats.context_files, 1);
    assert_eq!(report.stats.context_objects, 1);
    assert_eq!(report.objects.len(), 1);
}

#[test]
fn context_without_the_policy_reports_on_the_scanned_file() {
    let report = scan(
        Scanner::builder().partial(true).context(testdata("config")),
        &["app/deployment.yaml"],
    );
    assert!(!report.has_errors(), "{:?}", report.problems);
    let missing: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "namespace-without-network-policy")
        .collect();
    assert_eq!(missing.len(), 1);
    assert!(missing[0].location.file.ends_with("app/deployment.yaml"));
    assert_eq!(missing[0].location.start.line, 6);
    // Context objects are never reported, whatever rule they would break.
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.location.file.ends_with("app/deployment.yaml"))
    );
}

#[test]
fn whole_tree_context_gives_the_full_scan_findings_of_the_scanned_file() {
    let full = scan(Scanner::builder(), &["."]);
    let partial = scan(
        Scanner::builder().partial(true).context(testdata(".")),
        &["app/deployment.yaml"],
    );
    assert!(!partial.has_errors(), "{:?}", partial.problems);
    let of_deployment = |report: &ScanReport| -> Vec<(String, usize, String)> {
        report
            .findings
            .iter()
            .filter(|f| f.location.file.ends_with("app/deployment.yaml"))
            .map(|f| {
                (
                    f.rule_id.clone(),
                    f.location.start.line,
                    f.fingerprint.clone(),
                )
            })
            .collect()
    };
    assert!(!of_deployment(&full).is_empty());
    assert_eq!(of_deployment(&partial), of_deployment(&full));
    assert_eq!(partial.findings.len(), of_deployment(&partial).len());
    // The scanned file, also under the context directory, is read once: as scanned.
    assert_eq!(partial.stats.files, 1);
    assert_eq!(partial.stats.context_files, 2);
}

#[test]
fn a_scanned_file_is_left_out_of_the_context() {
    // In memory, the Deployment now sits in another namespace; its file on disk (in the
    // context directory) still says `shop`, which has the policy.
    let scanner = Scanner::builder()
        .partial(true)
        .context(testdata("."))
        .build()
        .expect("scanner builds");
    let on_disk = testdata("app/deployment.yaml");
    let text = std::fs::read_to_string(&on_disk)
        .expect("testdata")
        .replace("namespace: shop", "namespace: checkout");
    let report = scanner.scan_sources(vec![kordon::Source {
        name: "app/deployment.yaml".into(),
        path: Some(on_disk),
        text,
    }]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    assert_eq!(report.stats.context_files, 2);
    let missing: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "namespace-without-network-policy")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].contains("\"checkout\""), "{missing:?}");
}

#[test]
fn a_missing_context_path_is_an_error() {
    let report = scan(
        Scanner::builder()
            .partial(true)
            .context(testdata("no-such-dir")),
        &["app/deployment.yaml"],
    );
    assert!(report.has_errors());
    let problem = report
        .problems
        .iter()
        .find(|p| p.level == ProblemLevel::Error)
        .expect("an error");
    assert!(problem.message.contains("context path does not exist"));
}

#[test]
fn overlapping_context_paths_read_each_file_once() {
    let report = scan(
        Scanner::builder()
            .context(testdata("."))
            .context(testdata("policies")),
        &["app/deployment.yaml"],
    );
    assert!(!report.has_errors(), "{:?}", report.problems);
    assert_eq!(report.stats.context_files, 2);
    assert_eq!(report.stats.context_objects, 2);
    // Not partial: every rule ran, judged against scanned and context objects.
    assert!(report.skipped_rules.is_empty());
    assert!(!rules_found(&report).contains(&"namespace-without-network-policy"));
}

const TEMPLATE: &str = r#"---
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: NAME}
spec:
  crd: {spec: {names: {kind: KIND}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package NAME
        violation[{"msg": "judged"}] {
          CONDITION
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: KIND
metadata: {name: NAME-everywhere}
"#;

#[test]
fn gatekeeper_templates_that_read_the_inventory_wait_for_context() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = |name: &str, kind: &str, condition: &str| {
        TEMPLATE
            .replace("NAME", name)
            .replace("KIND", kind)
            .replace("CONDITION", condition)
    };
    let policies = format!(
        "{}{}",
        policy(
            "nopolicy",
            "NoPolicy",
            "count(object.get(data.inventory, [\"namespace\", \"shop\"], {})) < 2"
        ),
        policy(
            "named",
            "Named",
            "input.review.object.metadata.name != \"\""
        )
    );
    std::fs::write(dir.path().join("policies.yaml"), policies).expect("write");
    let builder = || {
        Scanner::builder()
            .rules(kordon::RuleSet::empty())
            .policy(dir.path())
    };
    let partial = scan(builder().partial(true), &["app/deployment.yaml"]);
    assert!(!partial.has_errors(), "{:?}", partial.problems);
    assert_eq!(partial.skipped_rules, ["nopolicy-everywhere"]);
    assert_eq!(rules_found(&partial), ["named-everywhere"]);
    let full = scan(builder(), &["app/deployment.yaml"]);
    assert_eq!(
        rules_found(&full),
        ["named-everywhere", "nopolicy-everywhere"]
    );
}

#[test]
fn metadata_reads_the_field_and_refuses_it_without_the_inventory() {
    let meta = |extra: &str| {
        kordon::RuleMeta::from_yaml(&format!(
            "id: my-rule\ntitle: t\nseverity: low\ncategory: network\nkinds: [Pod]\n{extra}docs: {{what: a, why: b, example: c, remediation: d}}\n"
        ))
    };
    // Older metadata without the field still loads.
    let old = meta("inventory: true\n").expect("loads");
    assert!(old.inventory && !old.needs_complete_inventory);
    let absence = meta("inventory: true\nneeds-complete-inventory: true\n").expect("loads");
    assert!(absence.needs_complete_inventory);
    let error = meta("needs-complete-inventory: true\n").expect_err("refused");
    assert!(error.contains("needs `inventory: true`"), "{error}");
}
