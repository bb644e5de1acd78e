//! Nothing is skipped in silence: a container without a name is judged (named by its place), and
//! a workload whose pod spec or containers have a shape rules cannot read yields a located
//! warning on the missing or ill-typed field, while the rest of it is still judged.

use std::path::PathBuf;

use kordon::document::ProblemKind;
use kordon::{ProblemLevel, ScanReport, Scanner};

fn scan(file: &str) -> ScanReport {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/unjudged")
        .join(file);
    Scanner::builder()
        .build()
        .expect("scanner builds")
        .scan_paths(&[path])
}

/// Every finding (rule, line:column, message) and problem (level, kind, line:column, message).
fn outcome(report: &ScanReport) -> String {
    let mut lines: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f.rule_id, f.location.start.line, f.location.start.column, f.message
            )
        })
        .collect();
    lines.extend(report.problems.iter().map(|p| {
        let at = p
            .position
            .map_or(String::from("-"), |p| format!("{}:{}", p.line, p.column));
        format!("problem {:?} {:?} {at} {}", p.level, p.kind, p.message)
    }));
    lines.join("\n")
}

fn unjudged_warnings(report: &ScanReport) -> usize {
    report
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Unjudged)
        .inspect(|p| assert_eq!(p.level, ProblemLevel::Warning))
        .count()
}

#[test]
fn a_deployment_without_a_pod_spec_is_reported_on_its_template() {
    let report = scan("deployment-without-pod-spec.yaml");
    assert_eq!(unjudged_warnings(&report), 1);
    assert!(!report.has_errors());
    insta::assert_snapshot!(outcome(&report));
}

#[test]
fn a_cronjob_without_a_job_template_is_reported() {
    let report = scan("cronjob-without-job-template.yaml");
    assert_eq!(unjudged_warnings(&report), 1);
    insta::assert_snapshot!(outcome(&report));
}

#[test]
fn ill_typed_containers_are_reported_and_the_rest_is_judged() {
    let report = scan("containers-not-a-list.yaml");
    assert_eq!(unjudged_warnings(&report), 3);
    for rule in ["host-network", "privileged-container"] {
        assert!(
            report.findings.iter().any(|f| f.rule_id == rule),
            "{rule} still judges what it can"
        );
    }
    insta::assert_snapshot!(outcome(&report));
}

#[test]
fn nameless_containers_are_judged_by_their_place() {
    let report = scan("nameless-containers.yaml");
    assert_eq!(unjudged_warnings(&report), 0);
    insta::assert_snapshot!(outcome(&report));
}

#[test]
fn a_pod_without_containers_is_judged_at_pod_level_and_reported() {
    let report = scan("pod-without-containers.yaml");
    assert_eq!(unjudged_warnings(&report), 1);
    assert!(report.findings.iter().any(|f| f.rule_id == "host-pid"));
    insta::assert_snapshot!(outcome(&report));
}
