//! One line per finding, `file:line:col: severity [rule] message`, the shape compilers print and
//! editors and terminals jump to; problems in the same shape, for standard error.

use super::escape::terminal_text;
use crate::scan::{Problem, ScanReport};

/// The findings, one line each, in the report's order.
pub fn render_short(report: &ScanReport) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        out.push_str(&format!(
            "{}:{}:{}: {} [{}] {}\n",
            terminal_text(&finding.location.file),
            finding.location.start.line,
            finding.location.start.column,
            finding.severity,
            terminal_text(&finding.rule_id),
            terminal_text(&finding.message),
        ));
    }
    out
}

/// The problems (errors, warnings, notes), one line each: `file:line:col: error: message`.
pub fn render_short_problems(report: &ScanReport) -> String {
    report.problems.iter().map(problem_line).collect()
}

fn problem_line(problem: &Problem) -> String {
    let level = super::human::problem_level(problem.level);
    let place = super::human::problem_place(problem);
    let rule = problem
        .rule
        .as_deref()
        .map(|r| format!(" [{}]", terminal_text(r)))
        .unwrap_or_default();
    format!(
        "{place}: {level}{rule}: {}\n",
        terminal_text(&problem.message)
    )
}
