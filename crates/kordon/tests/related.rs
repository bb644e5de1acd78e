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

#[test]
fn related_objects_of_a_kustomize_build_point_into_the_resource_files() {
    let scanner = Scanner::builder()
        .rules(RuleSet::empty())
        .rule_dir(testdata().join("rules"))
        .render(kordon::RenderOptions::default())
        .build()
        .expect("builds");
    let report = scanner.scan_paths(&[testdata().join("kustomize")]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    let places: Vec<(String, usize, String)> = report
        .findings
        .iter()
        .flat_map(|f| f.related.iter())
        .filter(|r| r.message.starts_with("the Service") || r.message.starts_with("Service"))
        .map(|r| {
            let file = r.location.file.rsplit("related/").next().unwrap_or("");
            (file.to_string(), r.location.start.line, r.message.clone())
        })
        .collect();
    assert_eq!(
        places,
        [
            (
                "kustomize/app.yaml".to_string(),
                19,
                "the Service that exposes it".to_string()
            ),
            (
                "kustomize/app.yaml".to_string(),
                21,
                "Service \"web\"".to_string()
            ),
        ]
    );
}

#[test]
fn an_object_written_without_a_namespace_is_related_to_one_written_default() {
    let scanner = Scanner::builder().build().expect("builds");
    let text =
        std::fs::read_to_string(testdata().join("default-namespace.yaml")).expect("fixture reads");
    let report = scanner.scan_sources(vec![Source::new("default-namespace.yaml", &text)]);
    let isolation: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "workload-not-isolated-by-network-policy")
        .flat_map(|f| {
            f.related.iter().map(|r| {
                format!(
                    "{}:{} {}",
                    r.location.file, r.location.start.line, r.message
                )
            })
        })
        .collect();
    assert_eq!(
        isolation,
        [
            "default-namespace.yaml:27 NetworkPolicy \"only-others\" of the namespace does not select these pods for Ingress or Egress"
        ]
    );
}
