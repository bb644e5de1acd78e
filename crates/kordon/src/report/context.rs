//! The data every report template renders: findings, rules, scores and stats, flattened into
//! plain serialisable values (every list sorted, no maps to iterate in hash order).
//!
//! The same struct is the documented context of user templates (`--template FILE.tera`); its
//! JSON form is what `kordon report --format context` prints.

use std::collections::BTreeMap;

use serde::Serialize;

use super::posture::{
    CheckOutcome, CheckStatus, Framework, FrameworkScore, GroupScore, Posture, Score,
    WorkloadCounts, natural_cmp, posture, severity_weight,
};
use crate::document::display_path;
use crate::finding::{Applicability, Finding, ObjectRef, Severity, SuppressionKind};
use crate::rules::{PssLevel, RuleSet};
use crate::scan::{ProblemLevel, ScanReport};

/// Choices that shape a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// The framework whose controls group the findings and rank the top failing controls.
    pub framework: Framework,
    /// At most this many findings per control in the grouped listing (`groups`) and resources
    /// per control in `frameworks`; the rest are counted (`omitted`, `findings_omitted`). `None`:
    /// no cap. Flat lists (`findings`, `checks`, `workloads`) are never capped.
    pub max_findings: Option<usize>,
    /// Prefix of finding links (`https://github.com/o/r/blob/<sha>/`); the link is
    /// `<prefix><file>#L<line>`. Empty: links relative to the scanned tree.
    pub link_base: String,
    /// How many controls `top_controls` lists.
    pub top_controls: usize,
    /// How many failing workloads a short report (Markdown) lists (`workloads_shown`); the
    /// `workloads` list itself is never capped. `None`: all.
    pub max_workloads: Option<usize>,
    /// When the report was made, as the caller wants it shown (RFC 3339); `None`: not shown.
    /// The library never reads the clock, so the same scan renders the same report.
    pub generated_at: Option<String>,
    /// The paths that were scanned, as given.
    pub scanned_paths: Vec<String>,
    /// The commit the scanned tree is at, when known.
    pub commit: Option<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            framework: Framework::All,
            max_findings: None,
            link_base: String::new(),
            top_controls: 10,
            max_workloads: None,
            generated_at: None,
            scanned_paths: Vec::new(),
            commit: None,
        }
    }
}

/// Everything a report template sees. See the README's "Reports" section for the field list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportContext {
    /// `{name, version}` of kordon.
    pub tool: ToolInfo,
    /// The framework chosen with `--framework`: `{id, name}`.
    pub framework: FrameworkRef,
    /// The chosen framework's overall score (same as its entry in `scores`).
    pub score: Option<f64>,
    /// The most serious severity failing in the chosen framework (what colours the score);
    /// `None` when nothing fails.
    pub worst_failing: Option<Severity>,
    /// When the report was made (RFC 3339), when the caller said.
    pub generated_at: Option<String>,
    /// The scanned paths, as given.
    pub scanned_paths: Vec<String>,
    /// The commit of the scanned tree, when known.
    pub commit: Option<String>,
    /// Counts of the scan.
    pub stats: ReportStats,
    /// Pod Security Standards: workloads passing and failing each profile.
    pub pss: PssSummary,
    /// Every workload a Pod Security Standards rule checked with its verdicts: those failing
    /// baseline first, then those failing only restricted, then those passing; file order within.
    pub workloads: Vec<WorkloadView>,
    /// Per framework (same order as `scores`), its failing controls with the rule documentation
    /// and the resources behind each, most serious first.
    pub frameworks: Vec<FrameworkView>,
    /// Namespaces of the active findings (`(none)` for objects without one), sorted: the
    /// choices of a namespace filter.
    pub namespaces: Vec<String>,
    /// Files of the active findings, sorted: the choices of a file filter.
    pub finding_files: Vec<String>,
    /// Set by [`ReportContext::compare_with`]: what changed since a saved report or baseline.
    pub comparison: Option<super::compare::Comparison>,
    /// Scores per framework, in the order all, cis, nsa-cisa, pss-baseline, pss-restricted.
    pub scores: Vec<FrameworkScore>,
    /// The chosen framework's controls with failing checks, most weight lost first.
    pub top_controls: Vec<GroupScore>,
    /// Findings grouped by the chosen framework's controls, most severe group first, capped by
    /// `max_findings`.
    pub groups: Vec<FindingGroup>,
    /// Findings listed in `groups`.
    pub findings_shown: usize,
    /// Findings left out of `groups` by the cap.
    pub findings_omitted: usize,
    /// The per-control cap applied to `groups` (`max_findings`); `None`: none.
    pub per_control_cap: Option<usize>,
    /// How many of the failing `workloads` a short report lists (`max_workloads`).
    pub workloads_shown: usize,
    /// True when the report was cut down to fit a size limit ([`render_report_within`]).
    ///
    /// [`render_report_within`]: super::render_report_within
    pub shortened: bool,
    /// Every active finding, in file and line order.
    pub findings: Vec<FindingView>,
    /// Every suppressed finding, with its reason.
    pub suppressed: Vec<FindingView>,
    /// Every (rule, object) check with its outcome, by rule then by object (file order).
    pub checks: Vec<CheckView>,
    /// Every rule of the rule set, by id, with its check counts.
    pub rules: Vec<RuleView>,
    /// Problems met during the scan (unreadable files, failing rules).
    pub problems: Vec<ProblemView>,
}

/// Workloads passing and failing the two Pod Security Standards profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PssSummary {
    /// The baseline profile.
    pub baseline: WorkloadCounts,
    /// The restricted profile.
    pub restricted: WorkloadCounts,
}

/// A workload and its Pod Security Standards verdicts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadView {
    /// The object.
    pub object: ObjectView,
    /// Whether it passes the baseline profile.
    pub baseline: bool,
    /// Whether it passes the restricted profile.
    pub restricted: bool,
    /// Baseline controls it fails (rule ids).
    pub baseline_failures: Vec<String>,
    /// Restricted controls it fails, baseline ones included.
    pub restricted_failures: Vec<String>,
}

/// One framework's failing controls, for the per-framework sections of a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkView {
    /// The framework's id.
    pub id: Framework,
    /// Its human name.
    pub name: &'static str,
    /// Its overall score (as in `scores`).
    #[serde(flatten)]
    pub score: Score,
    /// Workloads passing and failing the profile (Pod Security Standards only).
    pub workloads: Option<WorkloadCounts>,
    /// Controls with failing checks: worst failing severity first, then most failures.
    pub failing_controls: Vec<ControlView>,
    /// Controls checked that fail nowhere.
    pub passing_controls: usize,
}

/// A failing control, what its rules are about, and the resources that fail it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlView {
    /// The control's id, rule ids and score within the framework.
    #[serde(flatten)]
    pub score: GroupScore,
    /// Its rules' documentation, in `rules` order.
    pub docs: Vec<RuleDoc>,
    /// The objects failing it, each at the file a user edits (capped by `max_findings`).
    pub resources: Vec<ResourceView>,
    /// Failing objects left out by the cap.
    pub resources_omitted: usize,
}

/// A rule's documentation, for the controls it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleDoc {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// What it checks (first paragraph).
    pub what: String,
    /// Why it matters (first paragraph).
    pub why: String,
    /// How to fix it (first paragraph).
    pub remediation: String,
}

/// An object failing a control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceView {
    /// `Kind namespace/name`.
    pub display: String,
    /// Its namespace, when set.
    pub namespace: Option<String>,
    /// The rule it fails.
    pub rule: String,
    /// The file and line of its first finding: the file a user edits.
    pub file: String,
    /// Line.
    pub line: usize,
    /// Link to it, as finding links are built.
    pub link: Option<String>,
    /// The first finding's message.
    pub message: String,
    /// How many findings the object has for this rule.
    pub findings: usize,
}

/// kordon itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolInfo {
    /// `kordon`.
    pub name: &'static str,
    /// The library's version.
    pub version: &'static str,
}

/// A framework's id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkRef {
    /// `all`, `cis`, `nsa-cisa`, `pss-baseline` or `pss-restricted`.
    pub id: Framework,
    /// Its human name.
    pub name: &'static str,
}

/// Counts of the scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportStats {
    /// Files read.
    pub files: usize,
    /// Objects found.
    pub objects: usize,
    /// Rules evaluated on at least one object.
    pub rules_evaluated: usize,
    /// (rule, object) checks.
    pub checks: usize,
    /// Checks that failed.
    pub checks_failed: usize,
    /// Checks that passed.
    pub checks_passed: usize,
    /// Checks whose findings were all suppressed.
    pub checks_excepted: usize,
    /// Active findings.
    pub findings: usize,
    /// Suppressed findings.
    pub suppressed: usize,
    /// Problems at error level.
    pub errors: usize,
    /// Findings per severity, most serious first (every severity listed, zero or not).
    pub by_severity: Vec<SeverityCount>,
}

/// Findings of one severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeverityCount {
    /// The severity.
    pub severity: Severity,
    /// Its weight in scores.
    pub weight: u32,
    /// Active findings of that severity.
    pub count: usize,
}

/// The object a finding or check is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectView {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`, when set.
    pub namespace: Option<String>,
    /// `metadata.name`, when set.
    pub name: Option<String>,
    /// `Kind namespace/name` (or `Kind name`), for display.
    pub display: String,
    /// File the object is in.
    pub file: String,
    /// Line where the object is named.
    pub line: usize,
}

impl ObjectView {
    fn new(object: &ObjectRef) -> Self {
        let name = object.name.as_deref().unwrap_or("<unnamed>");
        let display = match &object.namespace {
            Some(ns) => format!("{} {ns}/{name}", object.kind),
            None => format!("{} {name}", object.kind),
        };
        ObjectView {
            api_version: object.api_version.clone(),
            kind: object.kind.clone(),
            namespace: object.namespace.clone(),
            name: object.name.clone(),
            display,
            file: object.location.file.clone(),
            line: object.location.start.line,
        }
    }
}

/// A finding, flattened for templates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingView {
    /// The rule's id.
    pub rule: String,
    /// The rule's title (empty for a rule missing from the rule set).
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// The rule's message.
    pub message: String,
    /// File (display name).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// End line.
    pub end_line: usize,
    /// End column (exclusive).
    pub end_column: usize,
    /// `<link_base><file>#L<line>`; `None` for standard input.
    pub link: Option<String>,
    /// The field path (`spec.containers[0].securityContext.privileged`), empty when none.
    pub path: String,
    /// The object.
    pub object: ObjectView,
    /// CIS Kubernetes Benchmark sections of the rule.
    pub cis: Vec<String>,
    /// NSA-CISA sections of the rule.
    pub nsa_cisa: Vec<String>,
    /// The rule's Pod Security Standards level.
    pub pss: Option<PssLevel>,
    /// The rule's controls in the chosen framework.
    pub controls: Vec<String>,
    /// Title of the fix, when one is offered.
    pub fix: Option<String>,
    /// `safe`, `unsafe` or `none`.
    pub fix_applicability: Applicability,
    /// Stable identity of the finding.
    pub fingerprint: String,
    /// Why it is silenced (suppressed findings only).
    pub suppression_reason: Option<String>,
    /// `in-source` or `external` (suppressed findings only).
    pub suppression_kind: Option<SuppressionKind>,
}

/// Findings of one control of the chosen framework.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingGroup {
    /// The control id; empty for findings of rules outside the chosen framework.
    pub control: String,
    /// The rules of the group's findings, with titles.
    pub rules: Vec<RuleRef>,
    /// The most serious severity among its findings.
    pub severity: Severity,
    /// How many findings the group has in all.
    pub total: usize,
    /// The findings shown (the cap may leave some out).
    pub findings: Vec<FindingView>,
    /// Findings of the group left out by the cap.
    pub omitted: usize,
}

/// A rule's id and title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
}

/// A message at a place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocatedMessage {
    /// The message.
    pub message: String,
    /// File.
    pub file: String,
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
}

/// One (rule, object) check, flattened for templates (JUnit test cases).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckView {
    /// The rule's id.
    pub rule: String,
    /// The rule's title.
    pub title: String,
    /// The rule's severity.
    pub severity: Severity,
    /// `pass`, `fail` or `excepted`.
    pub status: CheckStatus,
    /// The object checked.
    pub object: ObjectView,
    /// Ids of the frameworks this check counts in.
    pub frameworks: Vec<Framework>,
    /// Active findings (failing checks).
    pub findings: Vec<LocatedMessage>,
    /// Suppression reasons (excepted checks).
    pub reasons: Vec<String>,
}

/// A rule, for templates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Category.
    pub category: String,
    /// CIS sections.
    pub cis: Vec<String>,
    /// NSA-CISA sections.
    pub nsa_cisa: Vec<String>,
    /// Pod Security Standards level.
    pub pss: Option<PssLevel>,
    /// First paragraph of the remediation.
    pub remediation: String,
    /// More about the rule.
    pub help_uri: Option<String>,
    /// What it checks (first paragraph).
    pub what: String,
    /// Why it matters (first paragraph).
    pub why: String,
    /// Checks of this rule in the scan.
    pub checks: usize,
    /// Of which failed.
    pub failed: usize,
}

/// A problem met during the scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemView {
    /// `error`, `warning` or `note`.
    pub level: ProblemLevel,
    /// File concerned.
    pub file: Option<String>,
    /// Line, when known.
    pub line: Option<usize>,
    /// The rule concerned.
    pub rule: Option<String>,
    /// What went wrong.
    pub message: String,
}

fn first_paragraph(text: &str) -> String {
    let text = text.trim();
    text.split("\n\n")
        .next()
        .unwrap_or(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Percent-encodes every byte of a file name but unreserved characters and `/`. File names come
/// from the pull request: a `:` would turn a relative link into a scheme (`javascript:`), and
/// quotes, brackets or spaces would end an HTML attribute or a Markdown link.
fn link_path(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for byte in file.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Whether a link prefix may be emitted: `http(s)` or relative, never a scheme a browser would
/// run or open locally (`javascript:`, `data:`, `file:`).
fn allowed_link_base(base: &str) -> bool {
    let lower = base.trim_start().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return true;
    }
    let before_separator = lower.split(['/', '?', '#']).next().unwrap_or("");
    !before_separator.contains(':')
        && !lower.starts_with("//")
        && !lower.contains(['\\', '"', '<', '>'])
        && !lower.chars().any(char::is_control)
}

struct Views<'a> {
    rules: &'a RuleSet,
    options: &'a ReportOptions,
}

impl Views<'_> {
    fn finding(&self, finding: &Finding) -> FindingView {
        let meta = self.rules.get(&finding.rule_id).map(|r| &r.meta);
        let linkable =
            finding.location.file != "<stdin>" && allowed_link_base(&self.options.link_base);
        let link = linkable.then(|| {
            format!(
                "{}{}#L{}",
                self.options.link_base,
                link_path(&finding.location.file),
                finding.location.start.line
            )
        });
        FindingView {
            rule: finding.rule_id.clone(),
            title: meta.map(|m| m.title.clone()).unwrap_or_default(),
            severity: finding.severity,
            message: finding.message.clone(),
            file: finding.location.file.clone(),
            line: finding.location.start.line,
            column: finding.location.start.column,
            end_line: finding.location.end.line,
            end_column: finding.location.end.column,
            link,
            path: display_path(&finding.path),
            object: ObjectView::new(&finding.object),
            cis: meta.map(|m| m.frameworks.cis.clone()).unwrap_or_default(),
            nsa_cisa: meta
                .map(|m| m.frameworks.nsa_cisa.clone())
                .unwrap_or_default(),
            pss: meta.and_then(|m| m.frameworks.pss),
            controls: self.controls(&finding.rule_id),
            fix: finding.fix.as_ref().map(|f| f.title.clone()),
            fix_applicability: finding
                .fix
                .as_ref()
                .map_or(Applicability::None, |f| f.applicability),
            fingerprint: finding.fingerprint.clone(),
            suppression_reason: finding.suppression.as_ref().map(|s| s.reason.clone()),
            suppression_kind: finding.suppression.as_ref().map(|s| s.kind),
        }
    }

    fn controls(&self, rule: &str) -> Vec<String> {
        match self.rules.get(rule) {
            Some(r) => self.options.framework.controls(&r.meta),
            None if self.options.framework == Framework::All => vec![rule.to_string()],
            None => Vec::new(),
        }
    }

    fn title(&self, rule: &str) -> String {
        self.rules
            .get(rule)
            .map(|r| r.meta.title.clone())
            .unwrap_or_default()
    }
}

impl ReportContext {
    /// Builds the context of a scan: scores it ([`posture`]) and flattens everything.
    pub fn new(report: &ScanReport, rules: &RuleSet, options: &ReportOptions) -> Self {
        let posture = posture(report, rules);
        Self::from_posture(report, rules, &posture, options)
    }

    /// Builds the context from a posture already computed for `report`.
    pub fn from_posture(
        report: &ScanReport,
        rules: &RuleSet,
        posture: &Posture,
        options: &ReportOptions,
    ) -> Self {
        let views = Views { rules, options };
        let findings: Vec<FindingView> = report.findings.iter().map(|f| views.finding(f)).collect();
        let suppressed: Vec<FindingView> =
            report.suppressed.iter().map(|f| views.finding(f)).collect();

        let chosen = posture.framework(options.framework);
        let mut top_controls: Vec<GroupScore> = chosen
            .map(|f| {
                f.controls
                    .iter()
                    .filter(|c| c.score.failed > 0)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        top_controls.sort_by(|a, b| {
            let lost = |g: &GroupScore| g.score.weight_total - g.score.weight_passed;
            lost(b)
                .cmp(&lost(a))
                .then(b.score.failed.cmp(&a.score.failed))
                .then_with(|| natural_cmp(&a.id, &b.id))
        });
        top_controls.truncate(options.top_controls);

        let (groups, entries) = group_findings(&findings, &views);
        let groups = cap_groups(groups, options.max_findings);
        let findings_shown: usize = groups.iter().map(|g| g.findings.len()).sum();

        let mut ordered: Vec<&super::posture::CheckOutcome> = posture.checks.iter().collect();
        ordered.sort_by(|a, b| (&a.rule, a.object).cmp(&(&b.rule, b.object)));
        let checks: Vec<CheckView> = ordered
            .into_iter()
            .filter_map(|outcome| {
                let object = report.objects.get(outcome.object)?;
                let frameworks = Framework::ALL
                    .into_iter()
                    .filter(|&f| match rules.get(&outcome.rule) {
                        Some(rule) => !f.controls(&rule.meta).is_empty(),
                        None => f == Framework::All,
                    })
                    .collect();
                Some(CheckView {
                    rule: outcome.rule.clone(),
                    title: views.title(&outcome.rule),
                    severity: outcome.severity,
                    status: outcome.status,
                    object: ObjectView::new(object),
                    frameworks,
                    findings: outcome
                        .findings
                        .iter()
                        .filter_map(|&i| report.findings.get(i))
                        .map(|f| LocatedMessage {
                            message: f.message.clone(),
                            file: f.location.file.clone(),
                            line: f.location.start.line,
                            column: f.location.start.column,
                        })
                        .collect(),
                    reasons: outcome
                        .suppressed
                        .iter()
                        .filter_map(|&i| report.suppressed.get(i))
                        .filter_map(|f| f.suppression.as_ref().map(|s| s.reason.clone()))
                        .collect(),
                })
            })
            .collect();

        let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for outcome in &posture.checks {
            let entry = per_rule.entry(outcome.rule.as_str()).or_default();
            entry.0 += 1;
            if outcome.status == CheckStatus::Fail {
                entry.1 += 1;
            }
        }
        let mut rule_views: Vec<RuleView> = rules
            .rules()
            .iter()
            .map(|rule| {
                let (checks, failed) = per_rule
                    .get(rule.meta.id.as_str())
                    .copied()
                    .unwrap_or_default();
                RuleView {
                    id: rule.meta.id.clone(),
                    title: rule.meta.title.clone(),
                    severity: rule.meta.severity,
                    category: rule.meta.category.clone(),
                    cis: rule.meta.frameworks.cis.clone(),
                    nsa_cisa: rule.meta.frameworks.nsa_cisa.clone(),
                    pss: rule.meta.frameworks.pss,
                    remediation: first_paragraph(&rule.meta.docs.remediation),
                    what: first_paragraph(&rule.meta.docs.what),
                    why: first_paragraph(&rule.meta.docs.why),
                    help_uri: rule.meta.help_uri.clone(),
                    checks,
                    failed,
                }
            })
            .collect();
        rule_views.sort_by(|a, b| a.id.cmp(&b.id));

        let by_severity = Severity::ALL
            .iter()
            .map(|&severity| SeverityCount {
                severity,
                weight: severity_weight(severity),
                count: report
                    .findings
                    .iter()
                    .filter(|f| f.severity == severity)
                    .count(),
            })
            .collect();
        let stats = ReportStats {
            files: report.stats.files,
            objects: report.stats.objects,
            rules_evaluated: report.stats.rules_evaluated,
            checks: posture.checks.len(),
            checks_failed: posture
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Fail)
                .count(),
            checks_passed: posture
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Pass)
                .count(),
            checks_excepted: posture
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Excepted)
                .count(),
            findings: report.findings.len(),
            suppressed: report.suppressed.len(),
            errors: report
                .problems
                .iter()
                .filter(|p| p.level == ProblemLevel::Error)
                .count(),
            by_severity,
        };

        let edit_places = edit_places(report, posture);
        let workloads = workload_views(report, posture, &edit_places);
        let failing_workloads = workloads.iter().filter(|w| !w.restricted).count();
        let frameworks = posture
            .frameworks
            .iter()
            .map(|framework| framework_view(framework, posture, report, &views))
            .collect();

        ReportContext {
            tool: ToolInfo {
                name: "kordon",
                version: env!("CARGO_PKG_VERSION"),
            },
            framework: FrameworkRef {
                id: options.framework,
                name: options.framework.name(),
            },
            score: chosen.and_then(|f| f.score.score),
            worst_failing: chosen.and_then(|f| f.score.worst_failing),
            generated_at: options.generated_at.clone(),
            scanned_paths: options.scanned_paths.clone(),
            commit: options.commit.clone(),
            stats,
            pss: PssSummary {
                baseline: posture
                    .workload_counts(Framework::PssBaseline)
                    .unwrap_or_default(),
                restricted: posture
                    .workload_counts(Framework::PssRestricted)
                    .unwrap_or_default(),
            },
            workloads,
            frameworks,
            namespaces: findings
                .iter()
                .map(|f| {
                    f.object
                        .namespace
                        .clone()
                        .unwrap_or_else(|| super::posture::NO_NAMESPACE.to_string())
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
            finding_files: findings
                .iter()
                .map(|f| f.file.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
            comparison: None,
            scores: posture.frameworks.clone(),
            top_controls,
            groups,
            findings_shown,
            findings_omitted: entries - findings_shown,
            per_control_cap: options.max_findings,
            workloads_shown: options
                .max_workloads
                .unwrap_or(usize::MAX)
                .min(failing_workloads),
            shortened: false,
            findings,
            suppressed,
            checks,
            rules: rule_views,
            problems: report
                .problems
                .iter()
                .map(|p| ProblemView {
                    level: p.level,
                    file: p.file.clone(),
                    line: p.position.map(|p| p.line),
                    rule: p.rule.clone(),
                    message: p.message.clone(),
                })
                .collect(),
        }
    }
}

/// Groups findings by control of the chosen framework (a finding of a rule mapped to two
/// controls is listed under both); findings of unmapped rules go last under an empty control.
/// Returns the groups and their number of entries.
fn group_findings(findings: &[FindingView], views: &Views) -> (Vec<FindingGroup>, usize) {
    let mut by_control: BTreeMap<String, Vec<&FindingView>> = BTreeMap::new();
    for finding in findings {
        if finding.controls.is_empty() {
            by_control.entry(String::new()).or_default().push(finding);
        }
        for control in &finding.controls {
            by_control.entry(control.clone()).or_default().push(finding);
        }
    }
    let mut groups: Vec<FindingGroup> = by_control
        .into_iter()
        .map(|(control, members)| {
            let mut rule_ids: Vec<&str> = members.iter().map(|f| f.rule.as_str()).collect();
            rule_ids.sort_unstable();
            rule_ids.dedup();
            FindingGroup {
                rules: rule_ids
                    .into_iter()
                    .map(|id| RuleRef {
                        id: id.to_string(),
                        title: views.title(id),
                    })
                    .collect(),
                severity: members
                    .iter()
                    .map(|f| f.severity)
                    .max()
                    .unwrap_or(Severity::Info),
                total: members.len(),
                findings: members.into_iter().cloned().collect(),
                omitted: 0,
                control,
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        (a.control.is_empty())
            .cmp(&b.control.is_empty())
            .then(b.severity.cmp(&a.severity))
            .then(b.total.cmp(&a.total))
            .then_with(|| natural_cmp(&a.control, &b.control))
    });
    let entries = groups.iter().map(|g| g.total).sum();
    (groups, entries)
}

impl ReportContext {
    /// Lists at most `cap` findings per control in `groups`, and at most `workloads` failing
    /// workloads; returns false when nothing more could be left out.
    #[cfg(feature = "templates")]
    pub(crate) fn shrink(&mut self, cap: usize, workloads: usize) -> bool {
        let before = (self.findings_shown, self.workloads_shown);
        let groups = std::mem::take(&mut self.groups);
        self.groups = cap_groups(groups, Some(cap));
        self.findings_shown = self.groups.iter().map(|g| g.findings.len()).sum();
        let entries: usize = self.groups.iter().map(|g| g.total).sum();
        self.findings_omitted = entries - self.findings_shown;
        self.per_control_cap = Some(self.per_control_cap.map_or(cap, |c| c.min(cap)));
        self.workloads_shown = self.workloads_shown.min(workloads);
        self.shortened = true;
        (self.findings_shown, self.workloads_shown) != before
    }
}

/// Keeps the first `cap` findings of each group: a cap across groups would leave the later
/// (often high-severity) controls without a single example.
fn cap_groups(mut groups: Vec<FindingGroup>, cap: Option<usize>) -> Vec<FindingGroup> {
    let Some(cap) = cap else {
        return groups;
    };
    for group in &mut groups {
        let keep = group.findings.len().min(cap);
        group.omitted = group.findings.len() - keep;
        group.findings.truncate(keep);
    }
    groups
}

/// Where each object with active findings is best shown: its first finding's place. Findings
/// are located in the file a user edits (a kustomize base, a chart template) even when the object
/// itself came out of a render, whose name (`dir (kustomize build)`) no one can open.
fn edit_places(report: &ScanReport, posture: &Posture) -> BTreeMap<usize, (String, usize)> {
    let mut places = BTreeMap::new();
    for outcome in &posture.checks {
        if places.contains_key(&outcome.object) {
            continue;
        }
        if let Some(finding) = outcome
            .findings
            .first()
            .and_then(|&i| report.findings.get(i))
        {
            places.insert(
                outcome.object,
                (finding.location.file.clone(), finding.location.start.line),
            );
        }
    }
    places
}

fn workload_views(
    report: &ScanReport,
    posture: &Posture,
    edit_places: &BTreeMap<usize, (String, usize)>,
) -> Vec<WorkloadView> {
    let mut views: Vec<WorkloadView> = posture
        .workloads
        .iter()
        .filter_map(|verdict| {
            let mut object = ObjectView::new(report.objects.get(verdict.object)?);
            if let Some((file, line)) = edit_places.get(&verdict.object) {
                object.file.clone_from(file);
                object.line = *line;
            }
            Some(WorkloadView {
                object,
                baseline: verdict.passes_baseline(),
                restricted: verdict.passes_restricted(),
                baseline_failures: verdict.baseline_failures.clone(),
                restricted_failures: verdict.restricted_failures.clone(),
            })
        })
        .collect();
    // Stable: file order is kept within each verdict class.
    views.sort_by_key(|w| (w.baseline, w.restricted));
    views
}

fn rule_doc(rules: &RuleSet, id: &str) -> RuleDoc {
    match rules.get(id) {
        Some(rule) => RuleDoc {
            id: id.to_string(),
            title: rule.meta.title.clone(),
            severity: rule.meta.severity,
            what: first_paragraph(&rule.meta.docs.what),
            why: first_paragraph(&rule.meta.docs.why),
            remediation: first_paragraph(&rule.meta.docs.remediation),
        },
        None => RuleDoc {
            id: id.to_string(),
            title: String::new(),
            severity: Severity::Medium,
            what: String::new(),
            why: String::new(),
            remediation: String::new(),
        },
    }
}

fn framework_view(
    framework: &FrameworkScore,
    posture: &Posture,
    report: &ScanReport,
    views: &Views,
) -> FrameworkView {
    let failing: Vec<&GroupScore> = framework
        .controls
        .iter()
        .filter(|c| c.score.failed > 0)
        .collect();
    let mut controls: Vec<ControlView> = failing
        .iter()
        .map(|control| {
            let members: Vec<&CheckOutcome> = posture
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Fail && control.rules.contains(&c.rule))
                .collect();
            let total = members.len();
            let keep = views.options.max_findings.unwrap_or(usize::MAX);
            let resources = members
                .iter()
                .filter_map(|outcome| resource_view(outcome, report, views))
                .take(keep)
                .collect::<Vec<_>>();
            ControlView {
                score: (*control).clone(),
                docs: control
                    .rules
                    .iter()
                    .map(|r| rule_doc(views.rules, r))
                    .collect(),
                resources_omitted: total - resources.len(),
                resources,
            }
        })
        .collect();
    controls.sort_by(|a, b| {
        b.score
            .score
            .worst_failing
            .cmp(&a.score.score.worst_failing)
            .then(b.score.score.failed.cmp(&a.score.score.failed))
            .then_with(|| natural_cmp(&a.score.id, &b.score.id))
    });
    FrameworkView {
        id: framework.id,
        name: framework.id.name(),
        score: framework.score,
        workloads: posture.workload_counts(framework.id),
        passing_controls: framework.controls.len() - failing.len(),
        failing_controls: controls,
    }
}

fn resource_view(
    outcome: &CheckOutcome,
    report: &ScanReport,
    views: &Views,
) -> Option<ResourceView> {
    let object = report.objects.get(outcome.object)?;
    let first = outcome
        .findings
        .first()
        .and_then(|&i| report.findings.get(i));
    let shown = first.map(|f| views.finding(f));
    let (file, line) = match first {
        Some(f) => (f.location.file.clone(), f.location.start.line),
        None => (object.location.file.clone(), object.location.start.line),
    };
    Some(ResourceView {
        display: ObjectView::new(object).display,
        namespace: object.namespace.clone(),
        rule: outcome.rule.clone(),
        file,
        line,
        link: shown.as_ref().and_then(|f| f.link.clone()),
        message: shown.map(|f| f.message).unwrap_or_default(),
        findings: outcome.findings.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_survive_spaces_and_parentheses() {
        assert_eq!(link_path("a dir/(x)#1.yaml"), "a%20dir/%28x%29%231.yaml");
        assert_eq!(link_path("k8s/web.yaml"), "k8s/web.yaml");
        assert_eq!(
            link_path("javascript:alert(1)<!--.yaml"),
            "javascript%3Aalert%281%29%3C%21--.yaml"
        );
        assert_eq!(link_path("d\u{e9}j\u{e0}.yaml"), "d%C3%A9j%C3%A0.yaml");
    }

    #[test]
    fn only_http_and_relative_link_bases_are_emitted() {
        for allowed in [
            "",
            "https://github.com/o/r/blob/abc/",
            "HTTP://x/",
            "docs/",
            "../",
        ] {
            assert!(allowed_link_base(allowed), "{allowed}");
        }
        for refused in [
            "javascript:alert(1)//",
            " data:text/html,",
            "file:///etc/",
            "//evil/",
            "a\"b",
        ] {
            assert!(!allowed_link_base(refused), "{refused}");
        }
    }
}
