//! The fix engine end to end: every built-in rule's fix turns its `disallowed.yaml` into its
//! `fixed.yaml`, fixture files of every layout are fixed as snapshotted, and random layouts stay
//! parseable.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kordon::document::ParseLimits;
use kordon::fix::{FixMode, fix_source, verify_fixed, write_fixed};
use kordon::{Applicability, Document, RuleSet, Scanner, Source};
use proptest::prelude::*;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const ALL_FIXES: FixMode = FixMode { unsafe_fixes: true };

/// privileged-container plus the fixture rules of testdata/fix/rules, so the fixture snapshots do
/// not move when the built-in corpus grows.
fn fixture_scanner() -> Scanner {
    let mut rules = RuleSet::builtin().expect("built-in rules load");
    rules
        .add_dir(&repo().join("testdata/fix/rules"))
        .expect("fixture rules load");
    rules.retain(|r| r.id() == "privileged-container" || r.id().starts_with("fixture-"));
    Scanner::builder()
        .rules(rules)
        .jobs(1)
        .build()
        .expect("scanner builds")
}

fn parses_cleanly(name: &str, text: &str) -> usize {
    let document = Document::parse(
        Arc::new(Source::new(name, text.to_string())),
        ParseLimits::default(),
    );
    assert!(
        document.problems.is_empty(),
        "{name} no longer parses: {:?}\n{text}",
        document.problems
    );
    document.objects.len()
}

#[test]
fn every_builtin_fix_turns_disallowed_into_fixed() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in rules.rules() {
        let declared = rule.meta.fix.applicability;
        let Some(disallowed) = rule.samples.get("disallowed.yaml") else {
            continue;
        };
        let mut only = rules.clone();
        only.retain(|r| r.id() == rule.id());
        let scanner = Scanner::builder()
            .rules(only)
            .jobs(1)
            .build()
            .expect("scanner builds");
        let source = Source::new(format!("{}/disallowed.yaml", rule.id()), disallowed.clone());
        let report = scanner.scan_sources(vec![source.clone()]);
        let findings: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule_id == rule.id())
            .collect();
        if declared == Applicability::None {
            if let Some(f) = findings.iter().find(|f| f.details.get("fix").is_some()) {
                failures.push(format!(
                    "{}: emits a fix at line {} but metadata.yaml declares none",
                    rule.id(),
                    f.location.start.line
                ));
            }
            continue;
        }
        if findings.iter().all(|f| f.fix.is_none()) && !rule.samples.contains_key("fixed.yaml") {
            // The fix is conditional (e.g. only for a flag written inline) and the sample does
            // not meet the condition: nothing to compare, but say so.
            eprintln!(
                "note: {}: declares a fix, but its disallowed sample's findings carry none",
                rule.id()
            );
            continue;
        }
        checked += 1;
        let Some(expected) = rule.samples.get("fixed.yaml") else {
            failures.push(format!(
                "{}: declares a fix but has no samples/fixed.yaml",
                rule.id()
            ));
            continue;
        };
        if let Some(f) = findings
            .iter()
            .find(|f| f.fix.as_ref().is_none_or(|x| x.applicability != declared))
        {
            failures.push(format!(
                "{}: the finding at line {} carries no {declared:?} fix",
                rule.id(),
                f.location.start.line
            ));
            continue;
        }
        let outcome = fix_source(&scanner, &source, &report.findings, ALL_FIXES);
        if !outcome.skipped.is_empty() {
            failures.push(format!(
                "{}: fixes skipped: {:?}",
                rule.id(),
                outcome.skipped
            ));
        }
        if &outcome.new_text != expected && std::env::var_os("KORDON_BLESS").is_some() {
            // Regenerate the sample (review the diff before committing it).
            bless_fixed_sample(rule.id(), &outcome.new_text);
        } else if &outcome.new_text != expected {
            failures.push(format!(
                "{}: fixing disallowed.yaml does not give fixed.yaml:\n{}",
                rule.id(),
                kordon::fix::unified_diff("fixed.yaml", expected, &outcome.new_text)
            ));
            continue;
        }
        if let Err(e) = verify_fixed(&scanner, &source, &outcome.new_text, &outcome) {
            failures.push(format!("{}: {e}", rule.id()));
        }
        let fixed_source = Source::new(source.name.clone(), outcome.new_text.clone());
        let rescan = scanner.scan_sources(vec![fixed_source.clone()]);
        if rescan.findings.iter().any(|f| f.rule_id == rule.id()) {
            failures.push(format!("{}: still fires on fixed.yaml", rule.id()));
        }
        let again = fix_source(&scanner, &fixed_source, &rescan.findings, ALL_FIXES);
        if again.new_text != outcome.new_text || !again.applied.is_empty() {
            failures.push(format!(
                "{}: a second --fix changes the file again",
                rule.id()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(checked > 0, "no built-in rule has a fix");
}

fn fixture_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("testdata/fix/cases"))
        .expect("testdata/fix/cases exists")
        .map(|e| e.expect("readable").path())
        .collect();
    files.sort();
    files
}

fn shown(text: &str) -> String {
    text.replace('\r', "\\r")
}

#[test]
fn fixture_files_are_fixed_as_snapshotted() {
    let scanner = fixture_scanner();
    for path in fixture_files() {
        let file = path.file_name().and_then(|n| n.to_str()).expect("a name");
        let text = std::fs::read_to_string(&path).expect("readable");
        let source = Source::new(format!("cases/{file}"), text.clone());
        let report = scanner.scan_sources(vec![source.clone()]);
        assert!(report.problems.is_empty(), "{file}: {:?}", report.problems);
        let outcome = fix_source(&scanner, &source, &report.findings, ALL_FIXES);
        verify_fixed(&scanner, &source, &outcome.new_text, &outcome)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let objects = parses_cleanly(file, &outcome.new_text);
        assert_eq!(objects, report.stats.objects, "{file}");
        if text.contains("\r\n") {
            assert!(
                !outcome.new_text.replace("\r\n", "").contains('\n'),
                "{file}: a bare LF was written into a CRLF file"
            );
        }
        if file.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&outcome.new_text)
                .unwrap_or_else(|e| panic!("{file} is no longer JSON: {e}"));
        }
        let rescan = scanner.scan_sources(vec![Source::new(
            source.name.clone(),
            outcome.new_text.clone(),
        )]);
        let again = fix_source(
            &scanner,
            &source_with(&source, &outcome.new_text),
            &rescan.findings,
            ALL_FIXES,
        );
        assert_eq!(
            again.new_text, outcome.new_text,
            "{file}: fixing twice changes it again"
        );
        let skipped: Vec<String> = outcome
            .skipped
            .iter()
            .map(|s| {
                format!(
                    "{}:{} {}: {}",
                    s.location.start.line, s.location.start.column, s.rule_id, s.reason
                )
            })
            .collect();
        let diff = kordon::fix::unified_diff(file, &text, &outcome.new_text);
        insta::assert_snapshot!(
            format!("fixture_{}", file.replace('.', "_")),
            format!(
                "{}\napplied: {}\nskipped:\n{}\n",
                shown(&diff),
                outcome
                    .applied
                    .iter()
                    .map(|a| a.rule_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                skipped.join("\n")
            )
        );
    }
}

/// The JSON and SARIF reporters take a scanned file's parse from the report instead of parsing
/// the file again; a report without parses (built by hand, or a file added after the scan) has
/// its files parsed by the reporter. Both ways must give the same edits.
#[test]
fn reporters_make_the_same_fix_edits_from_the_scans_parse_as_from_a_new_one() {
    let scanner = fixture_scanner();
    let sources: Vec<Source> = fixture_files()
        .iter()
        .map(|path| {
            let file = path.file_name().and_then(|n| n.to_str()).expect("a name");
            Source::new(
                format!("cases/{file}"),
                std::fs::read_to_string(path).expect("readable"),
            )
        })
        .collect();
    let report = scanner.scan_sources(sources);
    assert_eq!(report.documents.len(), report.sources.len());
    let mut unparsed = report.clone();
    unparsed.documents.clear();
    let json = kordon::report::render_json(&report);
    assert_eq!(json, kordon::report::render_json(&unparsed));
    let options = kordon::report::SarifOptions::default();
    let sarif = kordon::report::render_sarif(&report, scanner.rules(), &options);
    assert_eq!(
        sarif,
        kordon::report::render_sarif(&unparsed, scanner.rules(), &options)
    );
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let with_edits = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["fix"]["edits"].as_array().is_some_and(|e| !e.is_empty()))
        .count();
    assert!(with_edits > 10, "{with_edits} findings with edits");
    assert!(sarif.contains("\"fixes\""));
}

fn source_with(source: &Source, text: &str) -> Source {
    Source::new(source.name.clone(), text.to_string())
}

#[test]
fn written_files_keep_their_permissions_and_unverifiable_fixes_are_refused() {
    let scanner = fixture_scanner();
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("pod.yaml");
    let text =
        std::fs::read_to_string(repo().join("testdata/fix/cases/comments.yaml")).expect("readable");
    std::fs::write(&path, &text).expect("written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    }
    let source = Source {
        name: "pod.yaml".into(),
        path: Some(path.clone()),
        text: text.clone(),
    };
    let report = scanner.scan_sources(vec![source.clone()]);
    let mut outcome = fix_source(&scanner, &source, &report.findings, FixMode::default());
    assert!(!outcome.applied.is_empty());

    // A "fixed" text that still shows the findings is refused, and the file stays as it was.
    let honest = outcome.new_text.clone();
    outcome.new_text = text.clone();
    let error = write_fixed(&scanner, &source, &outcome).expect_err("refused");
    assert!(error.contains("did not resolve"), "{error}");
    assert_eq!(std::fs::read_to_string(&path).expect("readable"), text);
    outcome.new_text = "apiVersion: v1\nkind: [\n".into();
    let error = write_fixed(&scanner, &source, &outcome).expect_err("refused");
    assert!(error.contains("no longer parses"), "{error}");
    assert_eq!(std::fs::read_to_string(&path).expect("readable"), text);

    outcome.new_text = honest.clone();
    write_fixed(&scanner, &source, &outcome).expect("written");
    assert_eq!(std::fs::read_to_string(&path).expect("readable"), honest);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("listable")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "temporary files left behind: {leftovers:?}"
    );

    // The file changed on disk since it was read: not overwritten.
    let error = write_fixed(&scanner, &source, &outcome).expect_err("refused");
    assert!(error.contains("changed on disk"), "{error}");
    assert!(Path::new(&path).exists());
}

/// A pod in a random layout: indentation, sequence style, flow or block securityContext,
/// comments, quoting, line endings, and which settings are present.
fn arbitrary_pod() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![2usize, 4]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec((0u8..4, 0u8..3, any::<bool>()), 1..4),
        any::<bool>(),
    )
        .prop_map(
            |(step, dash_indented, crlf, comments, host_network, containers, json)| {
                if json {
                    return json_pod(&containers, host_network);
                }
                let pad = |n: usize| " ".repeat(n * step);
                let comment = |text: &str| {
                    if comments {
                        format!(" # {text}")
                    } else {
                        String::new()
                    }
                };
                let dash = if dash_indented { pad(2) } else { pad(1) };
                let inner = format!("{dash}  ");
                let mut out = format!(
                    "apiVersion: v1\nkind: Pod\nmetadata:\n{}name: random{}\nspec:\n",
                    pad(1),
                    comment("name")
                );
                if host_network {
                    out.push_str(&format!("{}hostNetwork: true{}\n", pad(1), comment("host")));
                }
                out.push_str(&format!("{}containers:\n", pad(1)));
                for (i, (security, pull, quoted)) in containers.iter().enumerate() {
                    let image = if *quoted {
                        format!("\"img:{i}\"")
                    } else {
                        format!("img{i}")
                    };
                    out.push_str(&format!(
                        "{dash}- name: c{i}{}\n{inner}image: {image}\n",
                        comment("container")
                    ));
                    match pull {
                        1 => out.push_str(&format!("{inner}imagePullPolicy: IfNotPresent\n")),
                        2 => out.push_str(&format!("{inner}imagePullPolicy: 'Never'\n")),
                        _ => {}
                    }
                    match security {
                        1 => out.push_str(&format!(
                            "{inner}securityContext:\n{inner}{}privileged: true{}\n",
                            " ".repeat(step),
                            comment("why")
                        )),
                        2 => {
                            out.push_str(&format!("{inner}securityContext: {{privileged: true}}\n"))
                        }
                        3 => out.push_str(&format!("{inner}securityContext: {{}}\n")),
                        _ => {}
                    }
                    if comments {
                        out.push_str(&format!("{inner}# end of c{i}\n"));
                    }
                }
                if crlf { out.replace('\n', "\r\n") } else { out }
            },
        )
}

fn json_pod(containers: &[(u8, u8, bool)], host_network: bool) -> String {
    let items: Vec<serde_json::Value> = containers
        .iter()
        .enumerate()
        .map(|(i, (security, pull, _))| {
            let mut c = serde_json::json!({"name": format!("c{i}"), "image": "img"});
            if *pull > 0 {
                c["imagePullPolicy"] = "IfNotPresent".into();
            }
            match security {
                1 | 2 => c["securityContext"] = serde_json::json!({"privileged": true}),
                3 => c["securityContext"] = serde_json::json!({}),
                _ => {}
            }
            c
        })
        .collect();
    let mut pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "random"}, "spec": {"containers": items}});
    if host_network {
        pod["spec"]["hostNetwork"] = true.into();
    }
    serde_json::to_string_pretty(&pod).expect("serialises")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_fixable_pods_stay_parseable_after_fixing(text in arbitrary_pod()) {
        let scanner = fixture_scanner();
        let source = Source::new("random.yaml", text.clone());
        let report = scanner.scan_sources(vec![source.clone()]);
        prop_assert!(report.problems.is_empty(), "{:?}\n{}", report.problems, text);
        let outcome = fix_source(&scanner, &source, &report.findings, ALL_FIXES);
        prop_assert_eq!(parses_cleanly("random.yaml", &outcome.new_text), 1);
        prop_assert!(verify_fixed(&scanner, &source, &outcome.new_text, &outcome).is_ok());
        let rescan = scanner.scan_sources(vec![source_with(&source, &outcome.new_text)]);
        prop_assert!(
            rescan.findings.iter().all(|f| f.fix.is_none()),
            "fixable findings remain: {:?}\n{}",
            rescan.findings.iter().map(|f| &f.rule_id).collect::<Vec<_>>(),
            outcome.new_text
        );
    }
}

/// Writes `rules/<category>/<id>/samples/fixed.yaml` (with `KORDON_BLESS=1`).
fn bless_fixed_sample(id: &str, text: &str) {
    let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    for category in std::fs::read_dir(&rules)
        .expect("rules/ is readable")
        .flatten()
    {
        let samples = category.path().join(id).join("samples");
        if samples.is_dir() {
            std::fs::write(samples.join("fixed.yaml"), text).expect("sample is writable");
            return;
        }
    }
    panic!("no folder for rule {id} under rules/");
}
