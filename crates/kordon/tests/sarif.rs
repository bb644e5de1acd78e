//! SARIF and GitHub-annotation output: schema validity of every log produced here, snapshots of
//! whole logs, fingerprint stability, suppressions, problems and GitHub's limits.

#[path = "support/builtin.rs"]
mod builtin;

#[path = "support/sarif_schema.rs"]
mod sarif_schema;

use std::path::PathBuf;

use builtin::{builtin_rules, repo_root};
use kordon::finding::RelatedLocation;
use kordon::report::{SarifOptions, render_github, render_rules_sarif, render_sarif};
use kordon::{RuleSet, ScanReport, Scanner, Severity, Source, Suppression, SuppressionKind};
use sarif_schema::valid_sarif;
use serde_json::Value;

/// The built-in rules cut down to `ids` (plus the native duplicate-key check), so snapshots do
/// not change each time a rule is added to the corpus.
fn only(ids: &[&str]) -> RuleSet {
    let mut rules = builtin_rules();
    rules.retain(|r| ids.contains(&r.id()) || r.id() == "duplicate-key");
    rules
}

fn scan(rules: &RuleSet, sources: Vec<Source>) -> ScanReport {
    Scanner::builder()
        .rules(rules.clone())
        .jobs(1)
        .build()
        .expect("scanner builds")
        .scan_sources(sources)
}

fn read(relative: &str) -> Source {
    let text = std::fs::read_to_string(repo_root().join(relative)).expect("test file readable");
    Source::new(relative, text)
}

fn options() -> SarifOptions {
    SarifOptions {
        src_root: Some(PathBuf::from("/work/repo")),
        ..SarifOptions::default()
    }
}

/// Renders, validates against the schema, and returns both text and value.
fn sarif(report: &ScanReport, rules: &RuleSet, options: &SarifOptions) -> (String, Value) {
    let text = render_sarif(report, rules, options);
    let value = valid_sarif(&text);
    (text, value)
}

fn snapshot_text(text: &str) -> String {
    text.replace(
        &format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        "\"[VERSION]\"",
    )
    .replace(
        &format!("kordon {}", env!("CARGO_PKG_VERSION")),
        "kordon [VERSION]",
    )
}

fn results(value: &Value) -> &Vec<Value> {
    value["runs"][0]["results"]
        .as_array()
        .expect("results array")
}

#[test]
fn rule_samples_snapshot() {
    let rules = only(&["privileged-container"]);
    for sample in ["disallowed", "allowed", "fixed"] {
        let name = format!("rules/pod-security/privileged-container/samples/{sample}.yaml");
        let report = scan(&rules, vec![read(&name)]);
        let (text, value) = sarif(&report, &rules, &options());
        assert_eq!(value["runs"][0]["columnKind"], "unicodeCodePoints");
        insta::assert_snapshot!(
            format!("privileged_container_{sample}"),
            snapshot_text(&text)
        );
    }
}

#[test]
fn every_rule_sample_of_the_corpus_gives_valid_sarif() {
    let rules = builtin_rules();
    // One scanner for all samples: compiling the corpus is the expensive part.
    let scanner = Scanner::builder()
        .rules(rules.clone())
        .build()
        .expect("scanner builds");
    let mut checked = 0;
    for rule in rules.rules() {
        for (sample, text) in &rule.samples {
            let report = scanner.scan_sources(vec![Source::new(
                format!("{}/{sample}", rule.id()),
                text.clone(),
            )]);
            let (_, value) = sarif(&report, &rules, &options());
            for result in results(&value) {
                let id = result["ruleId"].as_str().expect("ruleId");
                let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
                assert_eq!(
                    value["runs"][0]["tool"]["driver"]["rules"][index]["id"], id,
                    "ruleIndex points at the result's rule"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 0);
    let catalogue = valid_sarif(&render_rules_sarif(&rules));
    assert_eq!(
        catalogue["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .map(Vec::len),
        Some(rules.rules().len())
    );
}

/// A report over `mixed.yaml` and `broken.yaml` with one finding moved to the suppressed list
/// (as an in-source `# kordon:ignore` would) and one moved as an external exception.
fn mixed_report(rules: &RuleSet) -> ScanReport {
    let mut report = scan(
        rules,
        vec![
            read("testdata/sarif/mixed.yaml"),
            read("testdata/sarif/broken.yaml"),
        ],
    );
    let daemonset = report
        .findings
        .iter()
        .position(|f| f.object.kind == "DaemonSet")
        .expect("the DaemonSet is privileged");
    let mut silenced = report.findings.remove(daemonset);
    let mut in_source = Suppression::new(
        SuppressionKind::InSource,
        "the log shipper reads every node's journal",
    );
    in_source.location = Some(silenced.object.location.clone());
    silenced.suppression = Some(in_source);
    report.suppressed.push(silenced);
    let duplicate = report
        .findings
        .iter()
        .position(|f| f.rule_id == "duplicate-key")
        .expect("the duplicate key is reported");
    let mut excepted = report.findings.remove(duplicate);
    excepted.suppression = Some(Suppression::new(
        SuppressionKind::External,
        "tracked in SEC-42, fixed by the chart rewrite",
    ));
    report.suppressed.push(excepted);
    report
}

#[test]
fn mixed_report_snapshot_with_suppressions_and_problems() {
    let rules = only(&["privileged-container"]);
    let report = mixed_report(&rules);
    assert!(report.has_errors(), "broken.yaml is a syntax error");
    let (text, value) = sarif(&report, &rules, &options());
    let run = &value["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let notification = &run["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "testdata/sarif/broken.yaml"
    );
    let suppressed: Vec<&Value> = results(&value)
        .iter()
        .filter(|r| r["suppressions"].as_array().is_some_and(|s| !s.is_empty()))
        .collect();
    assert_eq!(suppressed.len(), 2);
    let kinds: Vec<&str> = suppressed
        .iter()
        .map(|r| r["suppressions"][0]["kind"].as_str().unwrap_or_default())
        .collect();
    assert!(kinds.contains(&"inSource") && kinds.contains(&"external"));
    // The Pod's name holds non-ASCII characters: columns count code points.
    insta::assert_snapshot!(snapshot_text(&text));
}

#[test]
fn a_clean_scan_is_successful_and_has_no_results() {
    let rules = only(&["privileged-container"]);
    let report = scan(
        &rules,
        vec![Source::new(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
        )],
    );
    let (_, value) = sarif(&report, &rules, &SarifOptions::default());
    let run = &value["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert_eq!(results(&value).len(), 0);
    // Without a root the base id is declared, with no URI.
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].get("uri").is_none());
}

fn fingerprints(report: &ScanReport, rules: &RuleSet) -> Vec<(String, String, u64)> {
    let (_, value) = sarif(report, rules, &options());
    results(&value)
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or_default().to_string(),
                r["partialFingerprints"]["kordon/v2"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_do_not_move_with_lines() {
    let rules = only(&["privileged-container"]);
    let original = read("rules/pod-security/privileged-container/samples/disallowed.yaml");
    let before = fingerprints(&scan(&rules, vec![original.clone()]), &rules);
    let shifted = format!(
        "# a new header comment\n# and another line\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inserted\n---\n{}",
        original.text.replace(
            "    spec:\n",
            "    spec:\n      # a comment inside the object\n"
        )
    );
    let after = fingerprints(
        &scan(&rules, vec![Source::new(original.name.clone(), shifted)]),
        &rules,
    );
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(before[0].0, after[0].0);
    assert_eq!(
        before[0].1, after[0].1,
        "fingerprint changed with line moves"
    );
    assert_eq!(
        after[0].2,
        before[0].2 + 8,
        "the finding moved down by the 8 inserted lines"
    );
}

#[test]
fn results_over_the_limit_are_cut_deterministically() {
    let rules = only(&["privileged-container"]);
    let mut report = mixed_report(&rules);
    // Make the suppressed and active findings differ in severity, so the choice is visible.
    for f in &mut report.findings {
        f.severity = Severity::Low;
    }
    let critical = report.findings[0].clone();
    let mut many = Vec::new();
    for n in 0..5 {
        let mut f = critical.clone();
        f.severity = if n == 3 {
            Severity::Critical
        } else {
            Severity::Info
        };
        f.message = format!("copy {n}");
        many.push(f);
    }
    report.findings.extend(many);
    let limited = SarifOptions {
        max_results: 2,
        ..options()
    };
    let (first, value) = sarif(&report, &rules, &limited);
    let (second, _) = sarif(&report, &rules, &limited);
    assert_eq!(first, second);
    let kept = results(&value);
    assert_eq!(kept.len(), 2);
    // The low original, then the critical copy: the info copies and the suppressed go.
    let severities: Vec<&Value> = kept.iter().map(|r| &r["properties"]["severity"]).collect();
    assert_eq!(severities, ["low", "critical"]);
    assert_eq!(kept[1]["message"]["text"], "copy 3");
    assert!(
        kept.iter()
            .all(|r| r["suppressions"].as_array().is_some_and(|s| s.is_empty())),
        "active findings are kept before suppressed ones"
    );
    let notes = value["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert!(
        notes
            .iter()
            .any(|n| n["descriptor"]["id"] == "kordon/truncated"
                && n["message"]["text"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("6 of 8 results"))),
        "{notes:?}"
    );
}

#[test]
fn related_locations_over_the_limit_are_cut() {
    let rules = only(&["privileged-container"]);
    let mut report = scan(
        &rules,
        vec![read(
            "rules/pod-security/privileged-container/samples/disallowed.yaml",
        )],
    );
    let finding = &mut report.findings[0];
    for n in 0..10 {
        finding.related.push(RelatedLocation::new(
            finding.location.clone(),
            format!("related {n}"),
        ));
    }
    let limited = SarifOptions {
        max_locations_per_result: 4,
        ..options()
    };
    let (_, value) = sarif(&report, &rules, &limited);
    let result = &results(&value)[0];
    let related = result["relatedLocations"].as_array().expect("related");
    assert_eq!(
        related.len() + 1,
        4,
        "primary plus related stay within the limit"
    );
    assert_eq!(
        related[0]["message"]["text"],
        format!("the object: apps/v1 Deployment monitoring/node-agent")
    );
    assert_eq!(related[1]["message"]["text"], "related 0");
    let notes = value["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert!(
        notes
            .iter()
            .any(|n| n["descriptor"]["id"] == "kordon/truncated")
    );
}

#[test]
fn github_annotations_snapshot() {
    let rules = only(&["privileged-container"]);
    let mut report = mixed_report(&rules);
    report.findings[0].message = "a message: with, punctuation\nand 100% a second line".into();
    let text = render_github(&report, Some(&rules), None);
    for line in text.lines().filter(|l| l.starts_with("::")) {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
    }
    insta::assert_snapshot!(text);
}
