//! Human diagnostics rendered with miette: source snippet, a label on the field, the rule's
//! remediation as help.
//!
//! miette's default source lookup rescans the file from its start for every diagnostic; the
//! [`IndexedSource`] here uses a line index so a diagnostic near the end of a large file costs
//! the same as one at its start.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::document::LineIndex;
use crate::finding::{Applicability, Finding, Severity};
use crate::rules::RuleSet;
use crate::scan::{Problem, ProblemLevel, ScanReport};

/// Options for human output.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    /// Use colour and Unicode drawing (a terminal); otherwise plain ASCII.
    pub color: bool,
    /// Terminal width for wrapping.
    pub width: Option<usize>,
}

struct IndexedSource<'a> {
    name: &'a str,
    text: &'a str,
    lines: LineIndex,
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset().min(self.text.len());
        let end = (span.offset() + span.len()).min(self.text.len());
        let first_line = self
            .lines
            .line_of(start)
            .saturating_sub(context_lines_before);
        let last_line = (self.lines.line_of(end.saturating_sub(1).max(start))
            + context_lines_after)
            .min(self.lines.line_count().saturating_sub(1));
        let window_start = self.lines.line_start(first_line).min(self.text.len());
        let next = self.lines.line_start(last_line + 1);
        let mut window_end = if next == usize::MAX {
            self.text.len()
        } else {
            next.saturating_sub(1)
        };
        if window_end > window_start && self.text.as_bytes().get(window_end - 1) == Some(&b'\r') {
            window_end -= 1;
        }
        let window_end = window_end.max(window_start).min(self.text.len());
        // miette takes the header's line:col from a zero-context read: give the span's own column.
        let column = if context_lines_before == 0 {
            self.text
                .get(window_start..start)
                .map_or(0, |s| s.chars().count())
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            &self.text.as_bytes()[window_start..window_end],
            (window_start, window_end - window_start).into(),
            first_line,
            column,
            last_line - first_line + 1,
        )))
    }
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: &'a IndexedSource<'a>,
    help: Option<String>,
    label: String,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("rule", &self.finding.rule_id)
            .finish()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium => miette::Severity::Warning,
        Severity::Low | Severity::Info => miette::Severity::Advice,
    }
}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}[{}]",
            self.finding.severity, self.finding.rule_id
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(miette_severity(self.finding.severity))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.clone()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.finding.location.span;
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(self.label.clone()),
            (span.start, span.end - span.start),
        )];
        for related in &self.finding.related {
            if related.location.file == self.finding.location.file {
                let s = related.location.span;
                labels.push(LabeledSpan::new_with_span(
                    Some(related.message.clone()),
                    (s.start, s.end - s.start),
                ));
            }
        }
        Some(Box::new(labels.into_iter()))
    }
}

fn finding_help(finding: &Finding, rules: Option<&RuleSet>) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(rule) = rules.and_then(|r| r.get(&finding.rule_id)) {
        let remediation = rule.meta.docs.remediation.trim();
        if !remediation.is_empty() {
            parts.push(first_paragraph(remediation));
        }
    }
    if let Some(fix) = &finding.fix {
        let how = match fix.applicability {
            Applicability::Safe => "fix available: --fix",
            Applicability::Unsafe => "unsafe fix available: --fix --unsafe-fixes",
            Applicability::None => "",
        };
        if !how.is_empty() {
            parts.push(format!("{how} ({})", fix.title));
        }
    }
    // Related places in other files (a render, a template, a kustomization) cannot be drawn
    // in the snippet: name them.
    for related in &finding.related {
        if related.location.file != finding.location.file {
            parts.push(format!(
                "{}: {}:{}:{}",
                related.message,
                related.location.file,
                related.location.start.line,
                related.location.start.column
            ));
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n"))
}

fn first_paragraph(text: &str) -> String {
    text.split("\n\n").next().unwrap_or(text).replace('\n', " ")
}

fn label_for(finding: &Finding) -> String {
    use crate::finding::Precision;
    let object = format!(
        "{} {}",
        finding.object.kind,
        finding.object.name.as_deref().unwrap_or("<unnamed>")
    );
    match finding.precision {
        Precision::Exact => format!("{} ({object})", finding.rule_id),
        Precision::Ancestor => format!(
            "`{}` is not set here ({object})",
            crate::document::display_path(&finding.path)
        ),
        Precision::Object => object,
        Precision::TemplateKey => format!(
            "{} ({object}; template line matched by key names)",
            finding.rule_id
        ),
        Precision::TemplateAncestor => format!(
            "`{}` is written by template logic under this key, or absent ({object})",
            crate::document::display_path(&finding.path)
        ),
        Precision::TemplateFile => {
            format!("{object} is rendered from this template (line not traced)")
        }
        Precision::Transformed => format!(
            "`{}`: the kustomization changes this field ({object})",
            crate::document::display_path(&finding.path)
        ),
    }
}

/// Renders findings and problems as diagnostics, followed by the summary line.
pub fn render_human(report: &ScanReport, rules: Option<&RuleSet>, options: HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::none()
    };
    let mut handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_context_lines(1);
    if let Some(width) = options.width {
        handler = handler.with_width(width);
    }
    let mut out = String::new();
    let mut current: Option<(String, IndexedSource)> = None;
    for finding in &report.findings {
        let file = &finding.location.file;
        if current.as_ref().is_none_or(|(name, _)| name != file) {
            current = report.source(file).map(|s| {
                (
                    file.clone(),
                    IndexedSource {
                        name: &s.name,
                        text: &s.text,
                        lines: LineIndex::new(&s.text),
                    },
                )
            });
        }
        match &current {
            Some((_, source)) => {
                let diagnostic = FindingDiagnostic {
                    finding,
                    source,
                    help: finding_help(finding, rules),
                    label: label_for(finding),
                };
                let _ = handler.render_report(&mut out, &diagnostic);
                out.push('\n');
            }
            None => {
                out.push_str(&format!(
                    "{}[{}]: {}\n  --> {}:{}:{}\n\n",
                    finding.severity,
                    finding.rule_id,
                    finding.message,
                    file,
                    finding.location.start.line,
                    finding.location.start.column
                ));
            }
        }
    }
    for problem in &report.problems {
        out.push_str(&render_problem(problem));
    }
    out.push_str(&super::summary_line(report));
    out.push('\n');
    if let Some(line) = fixable_line(report) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `2 fixable with --fix (1 more with --fix --unsafe-fixes)`, when any finding has a fix.
fn fixable_line(report: &ScanReport) -> Option<String> {
    let count = |wanted: Applicability| {
        report
            .findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.applicability == wanted))
            .count()
    };
    let (safe, unsafe_only) = (count(Applicability::Safe), count(Applicability::Unsafe));
    match (safe, unsafe_only) {
        (0, 0) => None,
        (safe, 0) => Some(format!("{safe} fixable with --fix")),
        (0, more) => Some(format!("{more} fixable with --fix --unsafe-fixes")),
        (safe, more) => Some(format!(
            "{safe} fixable with --fix ({more} more with --fix --unsafe-fixes)"
        )),
    }
}

fn render_problem(problem: &Problem) -> String {
    let level = match problem.level {
        ProblemLevel::Error => "error",
        ProblemLevel::Warning => "warning",
        ProblemLevel::Note => "note",
    };
    let place = match (&problem.file, problem.position) {
        (Some(file), Some(p)) => format!("{file}:{}:{}", p.line, p.column),
        (Some(file), None) => file.clone(),
        (None, _) => "kordon".to_string(),
    };
    format!("{level}: {place}: {}\n", problem.message)
}
