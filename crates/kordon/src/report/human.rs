//! Human diagnostics rendered with miette: source snippet, a label on the field, the rule's
//! remediation as help.
//!
//! miette never sees the file itself: each diagnostic gets a [`Snippet`] of the lines around its
//! labels, found through a line index (a finding near the end of a large file costs the same as
//! one at its start), clipped to a few columns around the label, with control characters
//! escaped and Secret/ConfigMap payloads masked — the file, its name and its values come from
//! whoever wrote the pull request.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::escape::terminal_text;
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

/// Columns of one source line shown in a snippet: a one-line List or minified JSON would
/// otherwise be printed whole for every finding on it.
const SNIPPET_LINE_CHARS: usize = 160;
/// Of those, how many come before the label when a line is clipped.
const SNIPPET_LEAD_CHARS: usize = 48;
/// A label spanning more lines than this is drawn on its first lines only.
const SNIPPET_LABEL_LINES: usize = 6;
/// What replaces a Secret's or a generated ConfigMap's value in a snippet.
const MASK: &str = "<masked>";

/// Keys whose values kordon never prints in a snippet: Secret and ConfigMap payloads (a
/// kustomize generator may have read any file into them).
const PAYLOAD_KEYS: [&str; 3] = ["data", "stringData", "binaryData"];

/// The lines of a source a diagnostic shows, rewritten for display: clipped around the
/// labels, control characters escaped, payload values masked. miette renders this text while
/// the gutter keeps the original line numbers.
struct Snippet {
    name: String,
    text: String,
    windows: Vec<SnippetWindow>,
}

/// A run of consecutive original lines in [`Snippet::text`].
struct SnippetWindow {
    start: usize,
    end: usize,
    first_line: usize,
}

/// A label placed in a [`Snippet`], with its original position for the header.
struct SnippetLabel {
    start: usize,
    len: usize,
    line: usize,
    column: usize,
    message: String,
    primary: bool,
}

/// A label as the finding gives it: byte range in the original source.
struct SourceLabel {
    start: usize,
    end: usize,
    message: String,
    primary: bool,
}

/// Byte offsets of one display line: `map[i] = (original, display)` at each kept character
/// boundary, in order.
struct LineMap {
    map: Vec<(usize, usize)>,
}

impl LineMap {
    /// The display offset of an original offset: positions cut away stick to the nearest
    /// kept edge.
    fn display(&self, original: usize) -> usize {
        match self.map.binary_search_by_key(&original, |&(o, _)| o) {
            Ok(i) => self.map[i].1,
            Err(0) => self.map.first().map_or(0, |&(_, d)| d),
            Err(i) => self.map[i - 1].1,
        }
    }
}

fn line_bounds(text: &str, lines: &LineIndex, line: usize) -> (usize, usize) {
    let start = lines.line_start(line).min(text.len());
    let next = lines.line_start(line + 1);
    let mut end = if next == usize::MAX {
        text.len()
    } else {
        next.saturating_sub(1).max(start)
    };
    if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
        end -= 1;
    }
    (start, end.min(text.len()))
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '-']).len()
}

fn mapping_key(line: &str) -> Option<&str> {
    let body = line.trim_start_matches([' ', '-']);
    let (key, _) = body.split_once(':')?;
    Some(key.trim().trim_matches(['"', '\'']))
}

/// Where the payload starts on this line, if it belongs to a `data`/`stringData`/
/// `binaryData` mapping: after the key of an entry directly under it, or the whole content
/// of a deeper line (a block scalar's text), or the flow mapping written after the key.
fn payload_start(text: &str, lines: &LineIndex, line: usize) -> Option<usize> {
    let (start, end) = line_bounds(text, lines, line);
    let own = &text[start..end];
    if own.trim().is_empty() || own.trim_start().starts_with('#') {
        return None;
    }
    for key in PAYLOAD_KEYS {
        for quoted in [format!("\"{key}\""), format!("{key}:")] {
            if let Some(at) = own.find(&quoted) {
                let after = &own[at + quoted.len()..];
                if let Some(brace) = after.find('{') {
                    let skipped = after[..brace].trim_start_matches([':', ' ', '"']);
                    if skipped.is_empty() {
                        return Some(start + at + quoted.len() + brace);
                    }
                }
            }
        }
    }
    let mut depth = indentation(own);
    let mut child_of_payload = true;
    let mut current = line;
    // Ancestors are the nearest earlier lines with less indentation; a bounded walk keeps a
    // pathological file linear enough.
    for _ in 0..2_000 {
        if current == 0 || depth == 0 {
            return None;
        }
        current -= 1;
        let (s, e) = line_bounds(text, lines, current);
        let candidate = &text[s..e];
        if candidate.trim().is_empty() || candidate.trim_start().starts_with('#') {
            continue;
        }
        let indent = indentation(candidate);
        if indent >= depth {
            continue;
        }
        if mapping_key(candidate).is_some_and(|k| PAYLOAD_KEYS.contains(&k)) {
            return Some(if child_of_payload {
                own.find(':')
                    .map_or(start + indentation(own), |c| start + c + 1)
            } else {
                start + indentation(own)
            });
        }
        child_of_payload = false;
        depth = indent;
    }
    None
}

/// End of the flow mapping that starts at `open` (its `{`), or the end of the line.
fn flow_end(line: &str, open: usize) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line[open..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => depth += 1,
            '}' if !in_string => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return open + i + 1;
                }
            }
            _ => {}
        }
    }
    line.len()
}

impl Snippet {
    fn new(
        name: &str,
        text: &str,
        lines: &LineIndex,
        labels: &[SourceLabel],
    ) -> (Self, Vec<SnippetLabel>) {
        let last_line = lines.line_count().saturating_sub(1);
        let mut labels: Vec<SourceLabel> = labels
            .iter()
            .map(|l| {
                let start = l.start.min(text.len());
                let first = lines.line_of(start);
                let cap = line_bounds(
                    text,
                    lines,
                    (first + SNIPPET_LABEL_LINES - 1).min(last_line),
                )
                .1;
                SourceLabel {
                    start,
                    end: l.end.clamp(start, text.len()).min(cap.max(start)),
                    message: l.message.clone(),
                    primary: l.primary,
                }
            })
            .collect();
        labels.sort_by_key(|l| l.start);
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for label in &labels {
            let first = lines.line_of(label.start).saturating_sub(1);
            let last =
                (lines.line_of(label.end.saturating_sub(1).max(label.start)) + 1).min(last_line);
            match ranges.last_mut() {
                Some(range) if first <= range.1 + 1 => range.1 = range.1.max(last),
                _ => ranges.push((first, last)),
            }
        }
        let mut snippet = Snippet {
            name: terminal_text(name).into_owned(),
            text: String::new(),
            windows: Vec::new(),
        };
        let mut maps: Vec<(usize, LineMap)> = Vec::new();
        for (first, last) in ranges {
            let window_start = snippet.text.len();
            for line in first..=last {
                let anchor = labels
                    .iter()
                    .find(|l| {
                        let (s, e) = line_bounds(text, lines, line);
                        l.start <= e && l.end >= s
                    })
                    .map(|l| l.start);
                let map = snippet.push_line(text, lines, line, anchor);
                maps.push((line, map));
            }
            // The last line of a window carries no newline, as miette expects of a span's
            // contents; windows are told apart by offsets, never joined.
            if snippet.text.ends_with('\n') {
                snippet.text.pop();
            }
            snippet.windows.push(SnippetWindow {
                start: window_start,
                end: snippet.text.len(),
                first_line: first,
            });
            snippet.text.push('\n');
        }
        let place = |offset: usize| -> (usize, usize) {
            let line = lines.line_of(offset);
            let display = maps
                .iter()
                .find(|(l, _)| *l == line)
                .map_or(0, |(_, map)| map.display(offset));
            (line, display)
        };
        let placed = labels
            .iter()
            .map(|l| {
                let (line, start) = place(l.start);
                let (_, end) = place(l.end);
                let line_start = lines.line_start(line).min(l.start);
                SnippetLabel {
                    start,
                    len: end.saturating_sub(start),
                    line,
                    column: text
                        .get(line_start..l.start)
                        .map_or(0, |s| s.chars().count()),
                    message: terminal_text(&l.message).into_owned(),
                    primary: l.primary,
                }
            })
            .collect();
        (snippet, placed)
    }

    /// Appends one original line, clipped around `anchor`, escaped and masked, and returns
    /// how its offsets moved.
    fn push_line(
        &mut self,
        text: &str,
        lines: &LineIndex,
        line: usize,
        anchor: Option<usize>,
    ) -> LineMap {
        let (start, end) = line_bounds(text, lines, line);
        let own = &text[start..end];
        let chars = own.chars().count();
        let (keep_from, keep_to) = if chars <= SNIPPET_LINE_CHARS {
            (0, own.len())
        } else {
            let anchor_char =
                anchor.map_or(0, |a| own[..a.clamp(start, end) - start].chars().count());
            let first = anchor_char.saturating_sub(SNIPPET_LEAD_CHARS);
            let first = first.min(chars - SNIPPET_LINE_CHARS);
            let byte_at = |n: usize| own.char_indices().nth(n).map_or(own.len(), |(i, _)| i);
            (byte_at(first), byte_at(first + SNIPPET_LINE_CHARS))
        };
        let masked = payload_start(text, lines, line).map(|p| {
            let p = p - start;
            let stop = if own[p..].trim_start().starts_with('{') {
                flow_end(own, p + (own[p..].len() - own[p..].trim_start().len()))
            } else {
                own.len()
            };
            (p, stop)
        });
        let mut map = Vec::with_capacity(keep_to - keep_from + 1);
        if keep_from > 0 {
            self.text.push_str("...");
        }
        let mut in_mask = false;
        for (i, c) in own[keep_from..keep_to].char_indices() {
            let at = keep_from + i;
            map.push((start + at, self.text.len()));
            match masked {
                Some((from, to))
                    if at >= from && at < to && !c.is_whitespace()
                        || in_mask && at < masked.map_or(0, |m| m.1) =>
                {
                    if !in_mask {
                        self.text.push_str(MASK);
                        in_mask = true;
                    }
                }
                _ => {
                    in_mask = false;
                    super::escape::snippet_char(c, &mut self.text);
                }
            }
        }
        map.push((start + keep_to, self.text.len()));
        if keep_to < own.len() {
            self.text.push_str("...");
        }
        self.text.push('\n');
        LineMap { map }
    }

    fn window_of(&self, offset: usize) -> Option<&SnippetWindow> {
        self.windows
            .iter()
            .find(|w| offset >= w.start && offset <= w.end)
    }
}

/// What miette reads: one [`Snippet`], and the original line and column of each label for
/// the `[file:line:col]` header.
struct SnippetSource {
    snippet: Snippet,
    labels: Vec<SnippetLabel>,
}

impl SourceCode for SnippetSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        _context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let window = self
            .snippet
            .window_of(span.offset())
            .ok_or(MietteError::OutOfBounds)?;
        let data = &self.snippet.text.as_bytes()[window.start..window.end];
        let line_count = data.iter().filter(|&&b| b == b'\n').count() + 1;
        // miette takes the header's line:col from a zero-context read: give the original
        // place of the label that starts here.
        let (line, column) = match self.labels.iter().find(|l| l.start == span.offset()) {
            Some(label) if context_lines_before == 0 => (label.line, label.column),
            _ => (window.first_line, 0),
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.snippet.name.clone(),
            data,
            (window.start, window.end - window.start).into(),
            if context_lines_before == 0 {
                line
            } else {
                window.first_line
            },
            column,
            line_count,
        )))
    }
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: SnippetSource,
    help: Option<String>,
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
        write!(f, "{}", terminal_text(&self.finding.message))
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
            self.finding.severity,
            terminal_text(&self.finding.rule_id)
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
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.source.labels.iter().map(|label| {
            let span = (label.start, label.len);
            if label.primary {
                LabeledSpan::new_primary_with_span(Some(label.message.clone()), span)
            } else {
                LabeledSpan::new_with_span(Some(label.message.clone()), span)
            }
        })))
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
                terminal_text(&related.message),
                terminal_text(&related.location.file),
                related.location.start.line,
                related.location.start.column
            ));
        }
    }
    (!parts.is_empty()).then(|| {
        parts
            .iter()
            .map(|part| terminal_text(part).into_owned())
            .collect::<Vec<_>>()
            .join("\n")
    })
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
            "{} ({object}; the template line that wrote it)",
            finding.rule_id
        ),
        Precision::TemplateAncestor => format!(
            "`{}` is written by template logic under this key, or absent ({object})",
            crate::document::display_path(&finding.path)
        ),
        Precision::Values => format!(
            "{} ({object}; the chart's template copies this value into `{}`)",
            finding.rule_id,
            crate::document::display_path(&finding.path)
        ),
        Precision::ValuesAncestor => format!(
            "`{}` is not set in this values block, which the chart's template copies into the object ({object})",
            crate::document::display_path(&finding.path)
        ),
        Precision::TemplateFile => {
            format!("{object} is rendered from this template (line not traced)")
        }
        Precision::Transformed => format!(
            "`{}`: the kustomization changes this field ({object})",
            crate::document::display_path(&finding.path)
        ),
        Precision::Generated => format!(
            "{} ({object}, generated by this entry; `{}` not traced into a file)",
            finding.rule_id,
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
    let sources = super::sources_by_name(report);
    let mut current: Option<(&str, &str, &str, LineIndex)> = None;
    for finding in &report.findings {
        let file = finding.location.file.as_str();
        if current.as_ref().is_none_or(|(name, ..)| *name != file) {
            current = sources.get(file).map(|s| {
                (
                    file,
                    s.name.as_str(),
                    s.text.as_str(),
                    LineIndex::new(&s.text),
                )
            });
        }
        match &current {
            Some((_, name, text, lines)) => {
                let diagnostic = finding_diagnostic(finding, name, text, lines, rules);
                let mut rendered = String::new();
                // A renderer bug must cost one snippet, not the report (miette panics on
                // columns past 65,535, which clipping avoids but cannot prove for every input).
                let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    handler.render_report(&mut rendered, &diagnostic)
                }));
                match drawn {
                    Ok(Ok(())) => out.push_str(&rendered),
                    _ => out.push_str(&plain_finding(finding)),
                }
                out.push('\n');
            }
            None => out.push_str(&plain_finding(finding)),
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

fn finding_diagnostic<'a>(
    finding: &'a Finding,
    name: &str,
    text: &str,
    lines: &LineIndex,
    rules: Option<&RuleSet>,
) -> FindingDiagnostic<'a> {
    let span = finding.location.span;
    let mut labels = vec![SourceLabel {
        start: span.start,
        end: span.end,
        message: label_for(finding),
        primary: true,
    }];
    for related in &finding.related {
        if related.location.file == finding.location.file {
            labels.push(SourceLabel {
                start: related.location.span.start,
                end: related.location.span.end,
                message: related.message.clone(),
                primary: false,
            });
        }
    }
    let (snippet, labels) = Snippet::new(name, text, lines, &labels);
    FindingDiagnostic {
        finding,
        source: SnippetSource { snippet, labels },
        help: finding_help(finding, rules),
    }
}

/// A finding without a snippet: when its source is not kept, or drawing it failed.
fn plain_finding(finding: &Finding) -> String {
    format!(
        "{}[{}]: {}\n  --> {}:{}:{}\n\n",
        finding.severity,
        terminal_text(&finding.rule_id),
        terminal_text(&finding.message),
        terminal_text(&finding.location.file),
        finding.location.start.line,
        finding.location.start.column
    )
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
    format!(
        "{}: {}: {}\n",
        problem_level(problem.level),
        problem_place(problem),
        terminal_text(&problem.message)
    )
}

/// A problem's level as the terminal formats print it.
pub(crate) fn problem_level(level: ProblemLevel) -> &'static str {
    match level {
        ProblemLevel::Error => "error",
        ProblemLevel::Warning => "warning",
        ProblemLevel::Note => "note",
    }
}

/// Where a problem is, escaped for a terminal: `file:line:col`, the file alone, or `kordon`.
pub(crate) fn problem_place(problem: &Problem) -> String {
    match (&problem.file, problem.position) {
        (Some(file), Some(p)) => format!("{}:{}:{}", terminal_text(file), p.line, p.column),
        (Some(file), None) => terminal_text(file).into_owned(),
        (None, _) => "kordon".to_string(),
    }
}
