//! Rendering scan results: human diagnostics, versioned JSON, SARIF 2.1.0, GitHub workflow
//! annotations, posture scores, and reports rendered from templates (Markdown, HTML, CSV, JUnit;
//! feature `templates`).

mod compare;
mod context;
mod escape;
mod github;
mod human;
mod json;
pub mod posture;
mod posture_json;
pub mod sarif;
mod short;
#[cfg(feature = "templates")]
mod templates;

pub use compare::{Comparison, ControlChange, SavedFinding, SavedReport, ScoreChange};
pub use context::{
    CheckView, ControlView, FindingGroup, FindingView, FrameworkRef, FrameworkView, LocatedMessage,
    ObjectView, ProblemView, PssSummary, ReportContext, ReportOptions, ReportStats, ResourceView,
    RuleDoc, RuleRef, RuleView, SeverityCount, ToolInfo, WorkloadView,
};
pub use escape::terminal_text;
pub use github::render_github;
pub use human::{HumanOptions, render_human};
pub use json::{JSON_SCHEMA_VERSION, render_json, render_json_with_stats};
pub use posture::{Framework, Posture, posture};
pub use posture_json::{POSTURE_JSON_VERSION, render_posture_json};
pub use sarif::{
    SarifOptions, render_rules_sarif, render_sarif, sarif_level, sarif_log, security_severity,
};
pub use short::{render_short, render_short_problems};
#[cfg(feature = "templates")]
pub use templates::{
    GITHUB_COMMENT_LIMIT, TemplateError, TemplateFormat, render_report, render_report_within,
    render_template,
};

use crate::finding::Severity;
use crate::scan::ScanReport;

/// The report's sources by name, for reporters that look up the file of every finding
/// (`ScanReport::source` searches the list).
pub(crate) fn sources_by_name(
    report: &ScanReport,
) -> std::collections::HashMap<&str, &std::sync::Arc<crate::document::Source>> {
    let mut by_name = std::collections::HashMap::with_capacity(report.sources.len());
    for source in &report.sources {
        // The first of a name wins, as `ScanReport::source` finds it.
        by_name.entry(source.name.as_str()).or_insert(source);
    }
    by_name
}

/// The parsed file of each finding with a fix among `findings`, once per file, by name: the
/// scan's own parse where the report keeps it ([`ScanReport::documents`]), else (a file the
/// report added after the scan, a report built by hand) the file parsed now.
pub(crate) fn fix_documents<'r>(
    report: &'r ScanReport,
    findings: impl IntoIterator<Item = &'r crate::finding::Finding>,
) -> std::collections::HashMap<&'r str, std::sync::Arc<crate::document::Document>> {
    let sources = sources_by_name(report);
    let scanned: std::collections::HashMap<*const crate::document::Source, usize> = report
        .documents
        .iter()
        .enumerate()
        .map(|(index, document)| (std::sync::Arc::as_ptr(&document.source), index))
        .collect();
    let mut documents = std::collections::HashMap::new();
    for finding in findings.into_iter().filter(|f| f.fix.is_some()) {
        let file = finding.location.file.as_str();
        if documents.contains_key(file) {
            continue;
        }
        let Some(&source) = sources.get(file) else {
            continue;
        };
        let document = match scanned.get(&std::sync::Arc::as_ptr(source)) {
            Some(&index) => report.documents[index].clone(),
            None => std::sync::Arc::new(crate::document::Document::parse(
                source.clone(),
                crate::document::ParseLimits::default(),
            )),
        };
        documents.insert(file, document);
    }
    documents
}

/// Finding counts per severity, most serious first.
pub fn severity_counts(report: &ScanReport) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .map(|&s| {
            (
                s,
                report.findings.iter().filter(|f| f.severity == s).count(),
            )
        })
        .collect()
}

/// Splits off the findings below `threshold` (a display threshold: they still count for the
/// exit code, which is decided first), returning how many were hidden.
pub fn hide_below(report: &mut ScanReport, threshold: Severity) -> usize {
    let before = report.findings.len();
    report.findings.retain(|f| f.severity >= threshold);
    before - report.findings.len()
}

/// Puts the findings at or above `gate` (those that fail the run) first, keeping the order
/// within each part: what blocks a commit is the first thing a hook's output shows.
pub fn gate_first(report: &mut ScanReport, gate: Severity) {
    report.findings.sort_by_key(|f| f.severity < gate);
}

/// Milliseconds, to a tenth.
fn millis(duration: std::time::Duration) -> f64 {
    (duration.as_secs_f64() * 10_000.0).round() / 10.0
}

/// The scan's statistics in one line (`--stats`): its wall time, and the renders with their
/// own wall time (they run beside the reading of plain files, within the scan's time).
pub fn stats_line(report: &ScanReport) -> String {
    let stats = &report.stats;
    let mut line = format!(
        "scanned {} object{} in {} file{} ({} check{}) in {:.1} ms",
        stats.objects,
        if stats.objects == 1 { "" } else { "s" },
        stats.files,
        if stats.files == 1 { "" } else { "s" },
        stats.checks,
        if stats.checks == 1 { "" } else { "s" },
        millis(stats.duration),
    );
    if stats.renders > 0 {
        line.push_str(&format!(
            "; {} render{} ({} from the render cache) in {:.1} ms",
            stats.renders,
            if stats.renders == 1 { "" } else { "s" },
            stats.renders_cached,
            millis(stats.render_time),
        ));
    }
    line
}

/// The one-line summary printed after a scan.
pub fn summary_line(report: &ScanReport) -> String {
    let counts = severity_counts(report);
    let total = report.findings.len();
    let breakdown: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let errors = report
        .problems
        .iter()
        .filter(|p| p.level == crate::scan::ProblemLevel::Error)
        .count();
    let mut line = format!(
        "{} finding{}{} in {} object{} across {} file{}",
        total,
        if total == 1 { "" } else { "s" },
        if breakdown.is_empty() {
            String::new()
        } else {
            format!(" ({})", breakdown.join(", "))
        },
        report.stats.objects,
        if report.stats.objects == 1 { "" } else { "s" },
        report.stats.files,
        if report.stats.files == 1 { "" } else { "s" },
    );
    let suppressed = report.suppressed.len();
    if suppressed > 0 {
        line.push_str(&format!("; {suppressed} suppressed"));
    }
    if errors > 0 {
        line.push_str(&format!(
            "; {errors} error{}",
            if errors == 1 { "" } else { "s" }
        ));
    }
    line
}
