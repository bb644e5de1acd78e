//! Null and empty fields: rules see the object the API server would store (a null mapping entry
//! is absent, an integral float is an integer), never error on it, and still report on the key
//! the user wrote.

use std::path::PathBuf;

use kordon::{ScanReport, Scanner};

fn scan(file: &str) -> ScanReport {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/null-fields")
        .join(file);
    Scanner::builder()
        .build()
        .expect("scanner builds")
        .scan_paths(&[path])
}

/// One line per finding (rule, field path, line:column) and per problem, the whole outcome.
fn outcome(report: &ScanReport) -> String {
    let mut lines: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}",
                f.rule_id,
                kordon::document::display_path(&f.path),
                f.location.start.line,
                f.location.start.column
            )
        })
        .collect();
    lines.extend(
        report
            .problems
            .iter()
            .map(|p| format!("problem {:?}: {}", p.level, p.message)),
    );
    lines.join("\n")
}

#[test]
fn a_role_with_empty_rules_is_an_empty_role() {
    let report = scan("role-empty-rules.yaml");
    assert_eq!(outcome(&report), "");
}

#[test]
fn empty_pod_fields_are_judged_as_absent_on_the_keys_written() {
    let report = scan("deployment-empty-fields.yaml");
    insta::assert_snapshot!(outcome(&report));
}
