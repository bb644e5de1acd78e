//! Related locations a rule names in `details.related`.

use std::path::PathBuf;

use kordon::{RuleSet, Scanner, Source};

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/related")
}

#[test]
fn related_objects_resolve_to_their_fields_and_unknown_ones_are_dropped() {
    let scanner = Scanner::builder()
        .rules(RuleSet::empty())
        .rule_dir(testdata().join("rules"))
        .build()
        .expect("builds");
    let text = std::fs::read_to_string(testdata().join("app.yaml")).expect("fixture reads");
    let report = scanner.scan_sources(vec![Source::new("app.yaml", &text)]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    assert_eq!(report.findings.len(), 1, "{:?}", report.problems);
    let text = text.as_str();
    let shown: Vec<String> = report
        .findings
        .iter()
        .flat_map(|f| {
            f.related.iter().map(move |r| {
                format!(
                    "{} {}:{}:{} {:?} {}",
                    f.rule_id,
                    r.location.file,
                    r.location.start.line,
                    r.location.start.column,
                    &text[r.location.span.start..r.location.span.end],
                    r.message
                )
            })
        })
        .collect();
    assert_eq!(
        shown,
        [
            "exposed-by-service app.yaml:19:3 \"type: LoadBalancer\" the Service that exposes it",
            "exposed-by-service app.yaml:21:5 \"app: web\" Service \"web\"",
        ]
    );
    let json = kordon::report::render_json(&report);
    assert!(json.contains("the Service that exposes it"), "{json}");
}
