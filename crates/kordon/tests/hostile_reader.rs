//! Hostile input to the reader: invalid UTF-8 and aliased nodes.

use std::fmt::Write as _;
use std::path::PathBuf;

use kordon::document::{Position, ProblemKind};
use kordon::{ProblemLevel, ScanReport, Scanner};

fn scanner() -> Scanner {
    Scanner::builder().build().expect("the built-in rules load")
}

fn testdata(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(path)
}

#[test]
fn an_invalid_utf8_byte_is_an_error_at_its_line_and_column() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("latin1.yaml");
    // A Latin-1 `é` (0xE9) after a UTF-8 one: the column counts characters, not bytes.
    let mut bytes = b"apiVersion: v1\r\nkind: ConfigMap\nmetadata:\n  name: caf\xC3\xA9-".to_vec();
    bytes.extend_from_slice(b"caf\xE9\ndata: {}\n");
    std::fs::write(&path, &bytes).expect("the file is written");

    let report = scanner().scan_paths(std::slice::from_ref(&path));
    let problem = report
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::Binary)
        .expect("the file is refused as not UTF-8");
    assert_eq!(problem.level, ProblemLevel::Error);
    assert_eq!(
        problem.position,
        Some(Position {
            line: 4,
            column: 17
        })
    );
    assert_eq!(
        problem.message,
        "not UTF-8 text (invalid byte 0xE9 at byte offset 59); Kubernetes manifests are UTF-8"
    );
    assert!(report.has_errors());
}

#[test]
fn an_invalid_first_byte_and_one_after_a_lone_carriage_return_are_located() {
    let first = kordon::input::decode(b"\xFFkind: Pod\n".to_vec()).expect_err("not UTF-8");
    assert_eq!(first.position, Some(Position { line: 1, column: 1 }));
    let after_cr = kordon::input::decode(b"a: 1\rb: \x80\n".to_vec()).expect_err("not UTF-8");
    assert_eq!(after_cr.position, Some(Position { line: 2, column: 4 }));
    let binary = kordon::input::decode(b"a\0b".to_vec()).expect_err("binary");
    assert_eq!(binary.position, None);
}

/// Each finding as one line: rule, where, the field, and the related locations' lines.
fn listing(report: &ScanReport) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        let related: Vec<String> = finding
            .related
            .iter()
            .map(|r| {
                format!(
                    "{}:{} {}",
                    r.location.start.line, r.location.start.column, r.message
                )
            })
            .collect();
        writeln!(
            out,
            "{} {}:{} {} related=[{}]",
            finding.rule_id,
            finding.location.start.line,
            finding.location.start.column,
            kordon::document::display_path(&finding.path),
            related.join("; ")
        )
        .expect("writing to a string");
    }
    out
}

#[test]
fn findings_on_an_aliased_container_are_reported_once_at_the_anchor() {
    let report = scanner().scan_paths(&[testdata("hostile-aliases/aliased-containers.yaml")]);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let mut rules: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    let total = rules.len();
    rules.sort_unstable();
    rules.dedup();
    assert_eq!(
        total,
        rules.len(),
        "a rule reported twice:\n{}",
        listing(&report)
    );
    let privileged = report
        .findings
        .iter()
        .find(|f| f.rule_id == "privileged-container")
        .expect("privileged is reported");
    // At the anchor (`privileged: true` under `&c`), naming the three `*c` uses.
    assert_eq!(privileged.location.start.line, 22);
    let uses: Vec<usize> = privileged
        .related
        .iter()
        .map(|r| r.location.start.line)
        .collect();
    assert_eq!(uses, [24, 25, 26]);
    insta::assert_snapshot!(listing(&report));
}

#[test]
fn an_alias_outside_the_pod_spec_still_gives_one_finding() {
    // No copy is written in place: every use is an alias, the anchor sits in an annotation-free
    // extension key, and the first use speaks for the others.
    let manifest = "\
apiVersion: v1
kind: Pod
metadata:
  name: shared
x-container: &c
  name: app
  image: nginx:1.27
  securityContext:
    privileged: true
spec:
  containers: [*c, *c]
";
    let report = scanner().scan_sources(vec![kordon::Source::new("pod.yaml", manifest)]);
    let privileged: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "privileged-container")
        .collect();
    assert_eq!(privileged.len(), 1, "{}", listing(&report));
    assert_eq!(
        (
            privileged[0].location.start.line,
            kordon::document::display_path(&privileged[0].path)
        ),
        (
            9,
            "spec.containers[0].securityContext.privileged".to_string()
        )
    );
    let uses: Vec<(usize, usize)> = privileged[0]
        .related
        .iter()
        .map(|r| (r.location.start.line, r.location.start.column))
        .collect();
    assert_eq!(uses, [(11, 16), (11, 20)]);
}

#[test]
fn hundreds_of_aliased_containers_give_one_short_finding_per_rule() {
    let mut manifest = String::from(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: many\nspec:\n  initContainers:\n    - &c\n      name: app\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n  containers:\n",
    );
    for _ in 0..300 {
        manifest.push_str("    - *c\n");
    }
    let report = scanner().scan_sources(vec![kordon::Source::new("pod.yaml", manifest)]);
    let privileged: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "privileged-container")
        .collect();
    assert_eq!(privileged.len(), 1);
    let related = &privileged[0].related;
    assert_eq!(related.len(), 10);
    assert_eq!(related[0].location.start.line, 13);
    assert_eq!(
        related[9].message,
        "used here too, through an alias (and 290 more times)"
    );
    // One finding per rule: the report stays the size of a one-container Pod's.
    assert!(report.findings.len() < 40, "{}", listing(&report));
}

/// Regression: a comment ending in NEL hid `privileged: true` from kordon, while Kubernetes (whose
/// YAML 1.1 reader ends a line at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR) applied it.
#[test]
fn yaml_1_1_line_breaks_are_refused_where_kubernetes_would_read_more() {
    let dir = testdata("hostile-line-breaks");
    let report = scanner().scan_paths(&[dir.join("pods.yaml"), dir.join("json-stream.json")]);
    let mut problems: Vec<String> = report
        .problems
        .iter()
        .map(|p| {
            let at = p.position.map(|at| format!("{}:{}", at.line, at.column));
            format!(
                "{:?} {:?} {} {}",
                p.level,
                p.kind,
                at.unwrap_or_default(),
                p.message
                    .split(" is a line break")
                    .next()
                    .unwrap_or_default()
            )
        })
        .collect();
    problems.sort();
    assert_eq!(
        problems,
        [
            "Error Syntax 10:36 U+0085 NEXT LINE (NEL)",
            "Error Syntax 17:22 U+2028 LINE SEPARATOR",
            "Error Syntax 20:104 U+0085 NEXT LINE (NEL)",
        ],
        "{:#?}",
        report.problems
    );
    let mut objects: Vec<String> = report
        .objects
        .iter()
        .map(|o| o.name.clone().unwrap_or_default())
        .collect();
    objects.sort();
    assert_eq!(objects, ["json-stream", "plain-neighbour"]);
}
