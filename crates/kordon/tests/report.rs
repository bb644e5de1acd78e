//! Posture scores and template reports over the fixture tree `testdata/report/manifests`, with a
//! fixed rule set (`testdata/report/rules` plus the built-in `privileged-container`) so the
//! snapshots do not move when the built-in corpus grows.
#![cfg(feature = "templates")]

use std::path::{Path, PathBuf};

use kordon::report::posture::{CheckStatus, Framework};
use kordon::report::{
    ReportContext, ReportOptions, TemplateFormat, posture, render_report, render_template,
};
use kordon::{RuleSet, ScanReport, Scanner, Source, Suppression, SuppressionKind};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rules() -> RuleSet {
    let mut rules = RuleSet::builtin().expect("built-in rules load");
    rules.retain(|r| r.id() == "privileged-container");
    rules
        .add_dir(&repo().join("testdata/report/rules"))
        .expect("report test rules load");
    rules
}

fn collect(dir: &Path, root: &Path, out: &mut Vec<Source>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("fixture dir reads")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, root, out);
        } else {
            let name = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            out.push(Source::new(
                name,
                std::fs::read_to_string(&path).expect("fixture reads"),
            ));
        }
    }
}

fn scan() -> (ScanReport, RuleSet) {
    let rules = rules();
    let scanner = Scanner::builder()
        .rules(rules.clone())
        .jobs(1)
        .build()
        .expect("scanner builds");
    let root = repo().join("testdata/report/manifests");
    let mut sources = Vec::new();
    collect(&root, &root, &mut sources);
    let report = scanner.scan_sources(sources);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    (report, rules)
}

fn context(options: ReportOptions) -> ReportContext {
    let (report, rules) = scan();
    ReportContext::new(&report, &rules, &options)
}

#[test]
fn scores_count_passing_checks_weighted_by_severity() {
    let (report, rules) = scan();
    let posture = posture(&report, &rules);
    let all = posture.framework(Framework::All).expect("all is scored");
    // 4 workloads x 5 rules = 20 checks. Failing: debug (privileged 10, host network 6,
    // run-as-root 6, limits 3, latest 1), api (limits 3, latest 1), maintenance (run-as-root 6).
    assert_eq!((all.score.checks, all.score.failed), (20, 8));
    assert_eq!(all.score.weight_total, 4 * (10 + 6 + 6 + 3 + 1));
    assert_eq!(
        all.score.weight_total - all.score.weight_passed,
        10 + 6 + 6 + 3 + 1 + 3 + 1 + 6
    );
    assert_eq!(all.score.coverage, Some(65.4)); // 68 / 104
    // A critical check fails: the score is held in the critical band, 40 × 68 / 104.
    assert_eq!(all.score.worst_failing, Some(kordon::Severity::Critical));
    assert_eq!(all.score.score, Some(26.2));

    let baseline = posture.framework(Framework::PssBaseline).expect("scored");
    // privileged + host network on 4 workloads; only debug fails both.
    assert_eq!((baseline.score.checks, baseline.score.failed), (8, 2));
    assert_eq!(baseline.score.coverage, Some(75.0));
    assert_eq!(baseline.score.score, Some(30.0));
    let restricted = posture.framework(Framework::PssRestricted).expect("scored");
    // baseline plus run-as-non-root (debug and maintenance fail).
    assert_eq!((restricted.score.checks, restricted.score.failed), (12, 4));

    let team_b = all
        .namespaces
        .iter()
        .find(|n| n.id == "team-b")
        .expect("team-b scored");
    assert_eq!((team_b.score.checks, team_b.score.failed), (5, 2));
    let no_namespace = all
        .namespaces
        .iter()
        .find(|n| n.id == kordon::report::posture::NO_NAMESPACE)
        .expect("objects without a namespace are scored");
    assert_eq!(no_namespace.score.checks, 5);
    let web_file = all
        .files
        .iter()
        .find(|f| f.id == "team-a/web.yaml")
        .expect("web.yaml scored");
    assert_eq!(web_file.score.score, Some(100.0));
    let api_file = all
        .files
        .iter()
        .find(|f| f.id == "team-b/api.yaml")
        .expect("api.yaml scored");
    // Only a medium (limits, 3) and a low (latest, 1) fail of 26: the medium band, 80 × 22 / 26.
    assert_eq!(api_file.score.worst_failing, Some(kordon::Severity::Medium));
    assert_eq!(api_file.score.score, Some(67.7));

    let cis = posture.framework(Framework::Cis).expect("scored");
    let worst = &cis.controls[0];
    assert_eq!(
        worst.id, "5.2.6",
        "run-as-root fails twice in 4: the lowest CIS score"
    );
}

#[test]
fn suppressed_findings_count_as_excepted_passes() {
    let (mut report, rules) = scan();
    let before = posture(&report, &rules);
    let index = report
        .findings
        .iter()
        .position(|f| f.rule_id == "privileged-container")
        .expect("privileged finding");
    let mut finding = report.findings.remove(index);
    finding.suppression = Some(Suppression::new(
        SuppressionKind::InSource,
        "debug pod, removed after the incident",
    ));
    report.suppressed.push(finding);
    let after = posture(&report, &rules);
    let excepted: Vec<_> = after
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Excepted)
        .collect();
    assert_eq!(excepted.len(), 1);
    assert_eq!(excepted[0].rule, "privileged-container");
    let baseline_before = before.framework(Framework::PssBaseline).expect("scored");
    let baseline_after = after.framework(Framework::PssBaseline).expect("scored");
    assert_eq!(baseline_after.score.excepted, 1);
    assert_eq!(
        baseline_after.score.failed,
        baseline_before.score.failed - 1
    );
    assert!(baseline_after.score.score > baseline_before.score.score);

    let context = ReportContext::new(&report, &rules, &ReportOptions::default());
    let junit = render_report(TemplateFormat::Junit, &context).expect("renders");
    assert!(
        junit.contains("<skipped message=\"suppressed: debug pod, removed after the incident\"/>"),
        "{junit}"
    );
    let csv = render_report(TemplateFormat::Csv, &context).expect("renders");
    assert!(
        csv.contains(",suppressed,debug pod, removed after the incident,")
            || csv.contains(",suppressed,\"debug pod, removed after the incident\","),
        "{csv}"
    );
}

#[test]
fn markdown_report() {
    let text = render_report(TemplateFormat::Markdown, &context(ReportOptions::default()))
        .expect("renders");
    insta::assert_snapshot!(text);
}

#[test]
fn markdown_report_for_cis_with_a_cap() {
    let options = ReportOptions {
        framework: Framework::Cis,
        max_findings: Some(2),
        link_base: "https://example.com/repo/blob/main/".into(),
        ..ReportOptions::default()
    };
    let text = render_report(TemplateFormat::Markdown, &context(options)).expect("renders");
    // Two per control: only the four findings not mapped to CIS exceed it.
    assert!(text.contains("- … and 2 more\n"), "{text}");
    assert!(
        text.contains("6 of 8 findings listed (at most 2 per control)"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn csv_report() {
    let text =
        render_report(TemplateFormat::Csv, &context(ReportOptions::default())).expect("renders");
    assert!(text.ends_with("\r\n"));
    insta::assert_snapshot!(text.replace("\r\n", "⏎\n"));
}

/// Test suites of a JUnit document: (name, tests, failures, errors, test cases, failure
/// elements, error elements), checking that every element sits where JUnit readers expect it.
fn junit_suites(text: &str) -> Vec<(String, usize, usize, usize, usize, usize, usize)> {
    use quick_xml::events::Event;

    let mut reader = quick_xml::Reader::from_str(text);
    let mut suites = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let (element, empty) = match &event {
            Event::Start(e) => (e.clone(), false),
            Event::Empty(e) => (e.clone(), true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8_lossy(element.name().as_ref()).into_owned();
        let attr = |key: &str| {
            element
                .try_get_attribute(key)
                .expect("attributes parse")
                .map(|a| a.unescape_value().expect("unescapes").into_owned())
        };
        let count = |k: &str| attr(k).expect("count").parse::<usize>().expect("number");
        match name.as_str() {
            "testsuite" => {
                assert_eq!(stack.last().map(String::as_str), Some("testsuites"));
                suites.push((
                    attr("name").expect("name"),
                    count("tests"),
                    count("failures"),
                    count("errors"),
                    0,
                    0,
                    0,
                ));
            }
            "testcase" => {
                assert_eq!(stack.last().map(String::as_str), Some("testsuite"));
                assert!(attr("classname").is_some() && attr("name").is_some());
                suites.last_mut().expect("inside a suite").4 += 1;
            }
            "failure" | "error" => {
                assert_eq!(stack.last().map(String::as_str), Some("testcase"));
                let suite = suites.last_mut().expect("inside a suite");
                if name == "failure" {
                    suite.5 += 1;
                } else {
                    suite.6 += 1;
                }
            }
            _ => {}
        }
        if !empty {
            stack.push(name);
        }
    }
    suites
}

#[test]
fn junit_lists_each_failed_check_once_and_no_passing_ones() {
    let text =
        render_report(TemplateFormat::Junit, &context(ReportOptions::default())).expect("renders");
    insta::assert_snapshot!(text);
    let suites = junit_suites(&text);
    // 8 of the 20 checks fail (see the score test); the 12 passing checks are only counted.
    assert_eq!(
        suites,
        [
            ("kordon checks".to_string(), 8, 8, 0, 8, 8, 0),
            ("kordon scan errors".to_string(), 0, 0, 0, 0, 0, 0)
        ]
    );
    assert!(text.contains("<property name=\"checks.passed\" value=\"12\"/>"));
    assert!(text.contains("<property name=\"score.all\" value=\"26.2\"/>"));
}

#[test]
fn junit_counts_scan_errors_as_errors() {
    let rules = rules();
    let scanner = Scanner::builder()
        .rules(rules.clone())
        .jobs(1)
        .build()
        .expect("scanner builds");
    let report = scanner.scan_sources(vec![
        Source::new("broken.yaml", "kind: Pod\nspec: [\n"),
        Source::new(
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: c, image: busybox, securityContext: {privileged: true}}\n",
        ),
    ]);
    let context = ReportContext::new(&report, &rules, &ReportOptions::default());
    let text = render_report(TemplateFormat::Junit, &context).expect("renders");
    let suites = junit_suites(&text);
    assert_eq!(
        suites[1],
        ("kordon scan errors".to_string(), 1, 0, 1, 1, 0, 1),
        "{text}"
    );
    assert!(suites[0].2 >= 1, "the privileged pod fails: {text}");
    assert!(text.contains("file=\"broken.yaml\""), "{text}");
    assert!(text.contains("errors=\"1\""), "{text}");
}

#[test]
fn html_report_is_self_contained() {
    let text =
        render_report(TemplateFormat::Html, &context(ReportOptions::default())).expect("renders");
    assert!(text.contains("id=\"score\">26.2</p>"), "{text}");
    assert!(text.contains("<svg id=\"framework-chart\""));
    for remote in ["http://", "https://", "//cdn", "<link", "src=\""] {
        let outside_svg_namespace = text.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(
            !outside_svg_namespace.contains(remote),
            "the page must not load `{remote}`"
        );
    }
    // Values are escaped: the container name with quotes shows escaped, never raw.
    assert!(
        text.contains("&quot;log-shipper, \\&quot;sidecar\\&quot;&quot;"),
        "{text}"
    );
}

#[test]
fn user_templates_render_against_the_same_context() {
    let template = "{{ framework.name }}={{ score | score }}\n\
        {% for fw in scores %}{{ fw.id }}:{{ fw.failed }}/{{ fw.checks }}\n{% endfor %}\
        {% for r in rules %}{% if r.failed > 0 %}{{ r.id }} {% endif %}{% endfor %}\n\
        <{{ findings[0].message }}>";
    let text = render_template(
        "summary.txt.tera",
        template,
        &context(ReportOptions::default()),
    )
    .expect("renders");
    insta::assert_snapshot!(text);
    let html = render_template(
        "summary.html.tera",
        "{{ findings[0].message }}",
        &context(ReportOptions::default()),
    )
    .expect("renders");
    assert!(!html.contains('"'), "html templates are escaped: {html}");
}

#[test]
fn broken_user_templates_are_errors_not_panics() {
    let context = context(ReportOptions::default());
    let syntax = render_template("bad.tera", "{% for x in %}", &context).expect_err("bad syntax");
    assert_eq!(syntax.template, "bad");
    let missing = render_template("missing.tera", "{{ no_such_field.deeper }}", &context)
        .expect_err("unknown variable");
    assert!(!missing.message.is_empty());
}

#[test]
fn markdown_sums_up_problems_in_one_line() {
    let rules = rules();
    let scanner = Scanner::builder()
        .rules(rules.clone())
        .jobs(1)
        .build()
        .expect("scanner builds");
    let broken: Vec<Source> = (0..25)
        .map(|i| Source::new(format!("broken-{i:02}.yaml"), "kind: Pod\nspec: [\n"))
        .collect();
    let report = scanner.scan_sources(broken);
    assert_eq!(report.problems.len(), 25, "{:?}", report.problems);
    let context = ReportContext::new(&report, &rules, &ReportOptions::default());
    let text = render_report(TemplateFormat::Markdown, &context).expect("renders");
    let line = text
        .lines()
        .find(|l| l.starts_with("**⚠️ Problems:**"))
        .expect("a problems line");
    assert!(
        line.starts_with(
            "**⚠️ Problems:** 25 errors (the scan is incomplete); first: broken-00.yaml:"
        ),
        "{line}"
    );
    assert!(!text.contains("broken-01.yaml"), "{text}");
}

fn pods(count: usize, privileged: usize, ephemeral_limit: bool) -> Vec<Source> {
    (0..count)
        .map(|i| {
            let limits = if ephemeral_limit {
                "\n      resources: {limits: {ephemeral-storage: 1Gi}}"
            } else {
                ""
            };
            let context = if i < privileged {
                "\n      securityContext: {privileged: true}"
            } else {
                ""
            };
            Source::new(
                format!("pod-{i:03}.yaml"),
                format!(
                    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  namespace: app\nspec:\n  containers:\n    - name: c\n      image: registry.example.com/c:1.0{limits}{context}\n"
                ),
            )
        })
        .collect()
}

#[test]
fn one_critical_finding_scores_clearly_below_a_hundred_info_notes() {
    let mut rules = RuleSet::builtin().expect("built-in rules load");
    rules.retain(|r| ["privileged-container", "ephemeral-storage-limit-missing"].contains(&r.id()));
    assert_eq!(rules.rules().len(), 2);
    let scanner = Scanner::builder()
        .rules(rules.clone())
        .jobs(1)
        .build()
        .expect("scanner builds");
    let score = |sources: Vec<Source>| {
        let report = scanner.scan_sources(sources);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let posture = posture(&report, &rules);
        let all = posture.framework(Framework::All).expect("scored").score;
        (report.findings.len(), all)
    };
    // 100 pods without an ephemeral-storage limit: 100 info notes, nothing else.
    let (notes, with_notes) = score(pods(100, 0, false));
    assert_eq!(notes, 100);
    // The same 100 pods with limits set, one of them privileged: a single critical finding.
    let (findings, with_critical) = score(pods(100, 1, true));
    assert_eq!(findings, 1);
    assert_eq!(with_notes.score, Some(100.0));
    assert_eq!(
        with_critical.worst_failing,
        Some(kordon::Severity::Critical)
    );
    // 99 of 100 privileged checks pass: a coverage of 99%, held in the critical band.
    assert_eq!(with_critical.coverage, Some(99.0));
    assert_eq!(with_critical.score, Some(39.6));
}

#[test]
fn pod_security_standards_judge_each_workload() {
    let (report, rules) = scan();
    let posture = posture(&report, &rules);
    let verdicts: Vec<(String, Vec<String>, Vec<String>)> = posture
        .workloads
        .iter()
        .map(|w| {
            (
                report.objects[w.object].name.clone().unwrap_or_default(),
                w.baseline_failures.clone(),
                w.restricted_failures.clone(),
            )
        })
        .collect();
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        verdicts,
        [
            (
                "maintenance".to_string(),
                own(&[]),
                own(&["report-run-as-non-root"])
            ),
            (
                "debug".to_string(),
                own(&["privileged-container", "report-host-network"]),
                own(&[
                    "privileged-container",
                    "report-host-network",
                    "report-run-as-non-root"
                ])
            ),
            ("web".to_string(), own(&[]), own(&[])),
            ("api".to_string(), own(&[]), own(&[])),
        ]
    );
    let baseline = posture
        .workload_counts(Framework::PssBaseline)
        .expect("a profile");
    assert_eq!(
        (baseline.workloads, baseline.passed, baseline.failed),
        (4, 3, 1)
    );
    let restricted = posture
        .workload_counts(Framework::PssRestricted)
        .expect("a profile");
    assert_eq!((restricted.passed, restricted.failed), (2, 2));
    assert!(posture.workload_counts(Framework::Cis).is_none());
}

#[test]
fn markdown_caps_findings_per_control_not_across_controls() {
    let options = ReportOptions {
        max_findings: Some(1),
        ..ReportOptions::default()
    };
    let context = context(options);
    assert!(
        context.groups.iter().all(|g| g.findings.len() == 1),
        "every control keeps an example"
    );
    let text = render_report(TemplateFormat::Markdown, &context).expect("renders");
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count()
    );
    assert!(text.contains("- … and 1 more"), "{text}");
}

#[test]
fn markdown_is_shortened_to_fit_a_size_limit_and_says_so() {
    let context = context(ReportOptions::default());
    let full = render_report(TemplateFormat::Markdown, &context).expect("renders");
    let limit = full.chars().count() - 400;
    let short = kordon::report::render_report_within(TemplateFormat::Markdown, &context, limit)
        .expect("renders");
    assert!(short.chars().count() <= limit, "{short}");
    assert!(short.contains("shortened to fit a comment"), "{short}");
    // The headline numbers do not change.
    let headline = |t: &str| t.lines().find(|l| l.starts_with("**")).map(str::to_string);
    assert_eq!(headline(&short), headline(&full));
    let untouched = kordon::report::render_report_within(
        TemplateFormat::Markdown,
        &context,
        kordon::report::GITHUB_COMMENT_LIMIT,
    )
    .expect("renders");
    assert_eq!(untouched, full);
}

#[test]
fn html_report() {
    let text =
        render_report(TemplateFormat::Html, &context(ReportOptions::default())).expect("renders");
    insta::assert_snapshot!(text);
}

#[test]
fn posture_csv_report() {
    let text = render_report(
        TemplateFormat::PostureCsv,
        &context(ReportOptions::default()),
    )
    .expect("renders");
    insta::assert_snapshot!(text.replace("\r\n", "⏎\n"));
    let all = text.lines().nth(1).expect("the all row");
    assert!(
        all.starts_with("all,,,critical,26.2,65.4,40.0,20,12,8,0,1,"),
        "{all}"
    );
}

#[test]
fn posture_json_report_has_the_numbers_of_the_html_one() {
    let context = context(ReportOptions {
        generated_at: Some("2026-01-02T03:04:05Z".into()),
        scanned_paths: vec!["k8s/".into()],
        commit: Some("0123abc".into()),
        ..ReportOptions::default()
    });
    let text = kordon::report::render_posture_json(&context);
    insta::assert_snapshot!(text);
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["score"], serde_json::json!(26.2));
    assert_eq!(
        value["frameworks"][3]["workloads"]["failed"],
        serde_json::json!(1)
    );
    let html = render_report(TemplateFormat::Html, &context).expect("renders");
    assert!(html.contains("id=\"score\">26.2</p>"));
    assert!(html.contains("Generated 2026-01-02T03:04:05Z"));
    assert!(html.contains("commit <code>0123abc</code>"));
}

#[test]
fn compare_shows_new_and_fixed_findings_per_control_and_the_score_change() {
    let rules = rules();
    let scanner = Scanner::builder()
        .rules(rules.clone())
        .jobs(1)
        .build()
        .expect("scanner builds");
    let root = repo().join("testdata/report/manifests");
    let mut before = Vec::new();
    collect(&root, &root, &mut before);
    let saved_text = kordon::report::render_posture_json(&ReportContext::new(
        &scanner.scan_sources(before.clone()),
        &rules,
        &ReportOptions::default(),
    ));
    let saved = kordon::report::SavedReport::parse("before.json", &saved_text).expect("reads back");

    // The debug pod is made unprivileged; a new pod joins with the host's network.
    let after: Vec<Source> = before
        .into_iter()
        .map(|s| {
            if s.name == "team-a/debug.yaml" {
                Source::new(s.name.clone(), s.text.replace("privileged: true", "privileged: false"))
            } else {
                s
            }
        })
        .chain([Source::new(
            "team-b/net.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: net, namespace: team-b}\nspec:\n  hostNetwork: true\n  securityContext: {runAsNonRoot: true}\n  containers:\n    - {name: c, image: registry.example.com/c:1.0, resources: {limits: {memory: 1Mi}}}\n",
        )])
        .collect();
    let report = scanner.scan_sources(after);
    let mut context = ReportContext::new(&report, &rules, &ReportOptions::default());
    context.compare_with(&saved, &rules);
    let comparison = context.comparison.clone().expect("compared");
    assert_eq!((comparison.new_findings, comparison.fixed_findings), (1, 1));
    assert_eq!(comparison.new[0].rule, "report-host-network");
    assert_eq!(comparison.fixed[0].rule, "privileged-container");
    let all = &comparison.scores[0];
    // After: 25 checks weighing 130, 32 of it failing, a high the worst: 60 × 98 / 130.
    assert_eq!((all.before, all.after), (Some(26.2), Some(45.2)));
    assert_eq!(all.change, Some(19.0));
    let text = render_report(TemplateFormat::Markdown, &context).expect("renders");
    insta::assert_snapshot!(text);
    let html = render_report(TemplateFormat::Html, &context).expect("renders");
    assert!(
        html.contains("<h2 id=\"comparison\">Since before.json</h2>"),
        "{html}"
    );
}

/// Regression: a finding mapped back from a render to the file a user edits names its object in
/// that file, so scores once matched it to no object of the scan. Its check still failed (from
/// the violation count) but listed no finding, and the workload was shown at `(kustomize build)`.
#[test]
fn findings_mapped_out_of_a_render_stay_with_the_rendered_object() {
    let rules = rules();
    let scanner = Scanner::builder()
        .rules(rules.clone())
        .jobs(1)
        .build()
        .expect("scanner builds");
    let rendered = "app (kustomize build)";
    let text = std::fs::read_to_string(repo().join("testdata/report/rendered/pod.yaml"))
        .expect("fixture reads");
    let mut report = scanner.scan_sources(vec![Source::new(rendered, text.as_str())]);
    assert!(!report.findings.is_empty());
    // What provenance does to a finding it maps back (see `provenance.rs`).
    for finding in &mut report.findings {
        finding.related.insert(
            0,
            kordon::finding::RelatedLocation::new(
                finding.location.clone(),
                "where the kustomize build has it (exact)",
            ),
        );
        finding.location.file = "app/pod.yaml".into();
        finding.object.location.file = "app/pod.yaml".into();
    }
    let posture = posture(&report, &rules);
    let privileged: Vec<_> = posture
        .checks
        .iter()
        .filter(|c| c.rule == "privileged-container")
        .collect();
    assert_eq!(privileged.len(), 2, "two pods in the render");
    assert_eq!(privileged[0].status, CheckStatus::Pass);
    assert_eq!(privileged[1].status, CheckStatus::Fail);
    assert_eq!(
        privileged[1].findings.len(),
        1,
        "the finding is linked to its check"
    );
    assert_eq!(
        report.findings[privileged[1].findings[0]]
            .object
            .name
            .as_deref(),
        Some("second"),
        "to the right object of the render"
    );
    let context = ReportContext::new(&report, &rules, &ReportOptions::default());
    let failing = context
        .workloads
        .iter()
        .find(|w| !w.baseline)
        .expect("the privileged pod fails baseline");
    assert_eq!(
        failing.object.file, "app/pod.yaml",
        "shown where a user edits it"
    );
}

/// Regression: a base built by two overlays is one finding (provenance merges the renders) that
/// keeps one related location per render. Only the first render's object got the finding, so the
/// second overlay's workload failed its check with no finding and was shown at
/// `prod (kustomize build)`, a place no one can open (42 workloads of the corpus).
#[test]
fn a_finding_merged_across_renders_belongs_to_the_object_of_each_render() {
    let rules = rules();
    let scanner = Scanner::builder()
        .rules(rules.clone())
        .jobs(1)
        .build()
        .expect("scanner builds");
    let text = std::fs::read_to_string(repo().join("testdata/report/rendered/pod.yaml"))
        .expect("fixture reads");
    let renders = ["dev (kustomize build)", "prod (kustomize build)"];
    let mut report = scanner.scan_sources(
        renders
            .iter()
            .map(|name| Source::new(*name, text.as_str()))
            .collect(),
    );
    // What provenance does: each finding moves to the written file with where its render had
    // it, and the copies from the second render merge into the first one's.
    let (first, second): (Vec<_>, Vec<_>) = std::mem::take(&mut report.findings)
        .into_iter()
        .partition(|f| f.location.file == renders[0]);
    let built_here = |finding: &kordon::finding::Finding| {
        kordon::finding::RelatedLocation::new(
            finding.location.clone(),
            "where the kustomize build has it (exact)",
        )
    };
    for mut finding in first {
        finding.related.insert(0, built_here(&finding));
        if let Some(copy) = second
            .iter()
            .find(|c| c.rule_id == finding.rule_id && c.location.span == finding.location.span)
        {
            finding.related.push(built_here(copy));
        }
        finding.location.file = "app/pod.yaml".into();
        finding.object.location.file = "app/pod.yaml".into();
        report.findings.push(finding);
    }
    let posture = posture(&report, &rules);
    let privileged: Vec<_> = posture
        .checks
        .iter()
        .filter(|c| c.rule == "privileged-container" && c.status == CheckStatus::Fail)
        .collect();
    assert_eq!(privileged.len(), 2, "the privileged pod of each render");
    assert_eq!(
        privileged[0].findings, privileged[1].findings,
        "both checks list the one merged finding"
    );
    assert_eq!(privileged[0].findings.len(), 1);
    let context = ReportContext::new(&report, &rules, &ReportOptions::default());
    let failing: Vec<&str> = context
        .workloads
        .iter()
        .filter(|w| !w.baseline)
        .map(|w| w.object.file.as_str())
        .collect();
    assert_eq!(failing, ["app/pod.yaml", "app/pod.yaml"]);
}
