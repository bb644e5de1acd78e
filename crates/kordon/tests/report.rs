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
    assert_eq!(all.score.score, Some(65.4)); // 68 / 104

    let baseline = posture.framework(Framework::PssBaseline).expect("scored");
    // privileged + host network on 4 workloads; only debug fails both.
    assert_eq!((baseline.score.checks, baseline.score.failed), (8, 2));
    assert_eq!(baseline.score.score, Some(75.0));
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
    finding.suppression = Some(Suppression {
        kind: SuppressionKind::InSource,
        reason: "debug pod, removed after the incident".into(),
        location: None,
    });
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
    assert!(text.contains("and 6 more"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn csv_report() {
    let text =
        render_report(TemplateFormat::Csv, &context(ReportOptions::default())).expect("renders");
    assert!(text.ends_with("\r\n"));
    insta::assert_snapshot!(text.replace("\r\n", "⏎\n"));
}

#[test]
fn junit_report_parses_back_with_one_suite_per_framework() {
    use quick_xml::events::Event;

    let text =
        render_report(TemplateFormat::Junit, &context(ReportOptions::default())).expect("renders");
    insta::assert_snapshot!(text);

    let mut reader = quick_xml::Reader::from_str(&text);
    let mut suites: Vec<(String, usize, usize, usize, usize)> = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let (element, empty) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let Some(element) = element else { continue };
        let name = String::from_utf8_lossy(element.name().as_ref()).into_owned();
        let attr = |key: &str| {
            element
                .try_get_attribute(key)
                .expect("attributes parse")
                .map(|a| a.unescape_value().expect("unescapes").into_owned())
        };
        match name.as_str() {
            "testsuite" => {
                assert_eq!(stack.last().map(String::as_str), Some("testsuites"));
                let count = |k: &str| attr(k).expect("count").parse::<usize>().expect("number");
                suites.push((
                    attr("id").expect("id"),
                    count("tests"),
                    count("failures"),
                    0,
                    0,
                ));
            }
            "testcase" => {
                assert_eq!(stack.last().map(String::as_str), Some("testsuite"));
                assert!(attr("file").is_some() && attr("line").is_some());
                suites.last_mut().expect("inside a suite").3 += 1;
            }
            "failure" => {
                assert_eq!(stack.last().map(String::as_str), Some("testcase"));
                suites.last_mut().expect("inside a suite").4 += 1;
            }
            _ => {}
        }
        if !empty {
            stack.push(name);
        }
    }
    let ids: Vec<&str> = suites.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        ids,
        ["all", "cis", "nsa-cisa", "pss-baseline", "pss-restricted"]
    );
    for (id, tests, failures, cases, failed_cases) in &suites {
        assert_eq!(tests, cases, "{id}: tests attribute matches test cases");
        assert_eq!(failures, failed_cases, "{id}: failures attribute matches");
    }
    assert_eq!((suites[0].1, suites[0].2), (20, 8));
}

#[test]
fn html_report_is_self_contained() {
    let text =
        render_report(TemplateFormat::Html, &context(ReportOptions::default())).expect("renders");
    assert!(
        text.contains("<p class=\"score\" id=\"score\">65.4</p>"),
        "{text}"
    );
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
