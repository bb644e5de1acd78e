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
pub use json::{JSON_SCHEMA_VERSION, render_json};
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
