//! `--format github`: GitHub Actions workflow commands (`::error file=…::message`), which the
//! runner turns into annotations on the pull request's diff — for workflows without code
//! scanning.

use std::path::Path;

use crate::finding::{Finding, Severity};
use crate::rules::RuleSet;
use crate::scan::{ProblemLevel, ScanReport};

/// The workflow command for a severity: critical and high are errors, medium a warning, low
/// and info notices (the same split as the SARIF `level`).
pub fn github_command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// Renders one annotation per active finding and per problem, then the summary line.
/// Suppressed findings are not annotated. File names are made relative to `src_root` when they
/// are absolute paths under it (GitHub wants paths relative to the workspace).
pub fn render_github(
    report: &ScanReport,
    rules: Option<&RuleSet>,
    src_root: Option<&Path>,
) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        out.push_str(&finding_command(finding, rules, src_root));
        out.push('\n');
    }
    for problem in &report.problems {
        let command = match problem.level {
            ProblemLevel::Error => "error",
            ProblemLevel::Warning => "warning",
            ProblemLevel::Note => "notice",
        };
        let mut properties = Vec::new();
        if let Some(file) = &problem.file {
            properties.push(("file", workspace_path(file, src_root)));
            if let Some(position) = problem.position {
                properties.push(("line", position.line.to_string()));
                properties.push(("col", position.column.to_string()));
            }
        }
        let title = match &problem.rule {
            Some(rule) => format!("kordon: rule {rule} failed"),
            None => "kordon: input problem".to_string(),
        };
        properties.push(("title", title));
        out.push_str(&command_line(command, &properties, &problem.message));
        out.push('\n');
    }
    out.push_str(&super::summary_line(report));
    out.push('\n');
    out
}

fn finding_command(finding: &Finding, rules: Option<&RuleSet>, src_root: Option<&Path>) -> String {
    let location = &finding.location;
    let rule_title = rules
        .and_then(|r| r.get(&finding.rule_id))
        .map(|r| r.meta.title.trim().to_string());
    let title = match rule_title {
        Some(t) => format!("{} [{}, {}]", t, finding.rule_id, finding.severity),
        None => format!("{} [{}]", finding.rule_id, finding.severity),
    };
    let properties = [
        ("file", workspace_path(&location.file, src_root)),
        ("line", location.start.line.to_string()),
        ("col", location.start.column.to_string()),
        ("endLine", location.end.line.to_string()),
        ("endColumn", location.end.column.to_string()),
        ("title", title),
    ];
    command_line(
        github_command(finding.severity),
        &properties,
        &finding.message,
    )
}

fn command_line(command: &str, properties: &[(&str, String)], message: &str) -> String {
    let properties: Vec<String> = properties
        .iter()
        .map(|(name, value)| format!("{name}={}", escape_property(value)))
        .collect();
    format!(
        "::{command} {}::{}",
        properties.join(","),
        escape_data(message)
    )
}

fn workspace_path(name: &str, src_root: Option<&Path>) -> String {
    let path = Path::new(name);
    match src_root.and_then(|root| path.strip_prefix(root).ok()) {
        Some(relative) => relative.to_string_lossy().replace('\\', "/"),
        None => name.to_string(),
    }
}

/// Escapes a command's message the way the Actions runner unescapes it: `%`, CR and LF; the
/// other control characters (ANSI/OSC escapes from a manifest) are written as visible text,
/// since the job log is a terminal.
pub fn escape_data(text: &str) -> String {
    let encoded = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::escape::terminal_text(&encoded).into_owned()
}

/// Escapes a command property value: as [`escape_data`], plus `:` and `,`, which separate
/// properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner_rules() {
        assert_eq!(escape_data("50% of\r\nlines"), "50%25 of%0D%0Alines");
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        assert_eq!(escape_data("x\u{1b}]8;;u\u{7}"), "x\\u{1b}]8;;u\\u{7}");
        assert_eq!(
            command_line("error", &[("file", "x,y:z.yaml".into())], "msg: a, b"),
            "::error file=x%2Cy%3Az.yaml::msg: a, b"
        );
    }

    #[test]
    fn severities_map_to_commands() {
        assert_eq!(github_command(Severity::Critical), "error");
        assert_eq!(github_command(Severity::Medium), "warning");
        assert_eq!(github_command(Severity::Info), "notice");
    }
}
