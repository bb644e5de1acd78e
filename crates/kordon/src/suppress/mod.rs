//! Silencing findings, always with a reason: inline comments, object annotations, configured
//! exceptions, baselines — and, for `--diff-base`, findings on objects that did not change.
//!
//! Silenced findings move from [`ScanReport::findings`] to [`ScanReport::suppressed`] with
//! [`Finding::suppression`] set. A suppression without a reason silences nothing and is reported;
//! one that matched nothing is reported as unused; an expired exception is reported and ignored.

mod baseline;
mod changes;
pub(crate) mod exceptions;
mod inline;

use std::collections::HashMap;
use std::path::Path;

pub use baseline::{BASELINE_VERSION, Baseline};
pub use changes::{ChangedFile, ChangedLines};
pub use exceptions::{Date, Exception, ExceptionMatch, Pattern};
pub(crate) use inline::{Directive, find_directives};

#[cfg(feature = "git")]
pub(crate) use exceptions::normalize as normalize_path;

use crate::document::{Document, Object, ProblemKind, Span};
use crate::finding::{Finding, Location, Suppression, SuppressionKind};
use crate::scan::{Problem, ProblemLevel, ScanReport, location};

/// The annotation prefix: `kordon.dev/ignore.<rule-id>: "reason"`.
pub const ANNOTATION_PREFIX: &str = "kordon.dev/ignore.";

/// What may silence findings in a scan.
#[derive(Debug, Clone)]
pub struct SuppressOptions {
    /// Honour `# kordon:ignore` comments and `kordon.dev/ignore.*` annotations (default true).
    pub in_source: bool,
    /// Configured exceptions.
    pub exceptions: Vec<Exception>,
    /// Findings already accepted.
    pub baseline: Option<Baseline>,
    /// When set, findings on objects without a changed line are silenced as unchanged.
    pub changes: Option<ChangedLines>,
    /// The date exceptions expire against (default: today, UTC).
    pub today: Option<Date>,
}

impl Default for SuppressOptions {
    fn default() -> Self {
        SuppressOptions {
            in_source: true,
            exceptions: Vec::new(),
            baseline: None,
            changes: None,
            today: None,
        }
    }
}

impl SuppressOptions {
    /// Nothing is silenced (`--no-ignore`), except what the diff scope leaves out.
    pub fn none() -> Self {
        SuppressOptions {
            in_source: false,
            ..SuppressOptions::default()
        }
    }
}

struct FileDirectives<'a> {
    document: &'a Document,
    directives: Vec<Directive>,
    used: Vec<Vec<bool>>,
    /// Indices of the directives (with a reason) covering each line, and of the file-wide ones:
    /// a finding looks up its line instead of reading every directive of its file.
    by_line: HashMap<usize, Vec<usize>>,
    whole_file: Vec<usize>,
}

impl FileDirectives<'_> {
    fn covering(&self, line: usize) -> impl Iterator<Item = usize> + '_ {
        let mut indices: Vec<usize> = self
            .whole_file
            .iter()
            .chain(self.by_line.get(&line).into_iter().flatten())
            .copied()
            .collect();
        // The first directive in the file wins the finding, as it always has.
        indices.sort_unstable();
        indices.into_iter()
    }
}

struct AnnotationSuppression {
    file: String,
    object_anchor: Span,
    rule: String,
    reason: String,
    location: Location,
    used: bool,
}

/// Moves silenced findings of `report` to `report.suppressed` and reports suppressions that are
/// reasonless, malformed, unused or expired as problems (warnings).
pub fn apply(report: &mut ScanReport, documents: &[Document], options: &SuppressOptions) {
    let today = options.today.unwrap_or_else(Date::today);
    let mut problems = Vec::new();
    let warn = |file: &str, position, rule: Option<String>, message: String| Problem {
        level: ProblemLevel::Warning,
        kind: ProblemKind::Suppression,
        file: Some(file.to_string()),
        position,
        rule,
        message,
    };

    let mut comments: Vec<FileDirectives> = Vec::new();
    let mut annotations: Vec<AnnotationSuppression> = Vec::new();
    if options.in_source {
        for document in documents {
            let name = &document.source.name;
            let (directives, malformed) = find_directives(&document.source.text);
            for bad in malformed {
                problems.push(warn(
                    name,
                    Some(document.position(bad.span.start)),
                    None,
                    bad.message,
                ));
            }
            for directive in &directives {
                if directive.reason.is_empty() {
                    problems.push(warn(
                        name,
                        Some(document.position(directive.span.start)),
                        Some(directive.rules.join(",")),
                        format!(
                            "`kordon:ignore{}[{}]` gives no reason, so it silences nothing: write why after the brackets",
                            if directive.whole_file { "-file" } else { "" },
                            directive.rules.join(",")
                        ),
                    ));
                }
            }
            let used = directives
                .iter()
                .map(|d| vec![false; d.rules.len()])
                .collect();
            let mut by_line: HashMap<usize, Vec<usize>> = HashMap::new();
            let mut whole_file = Vec::new();
            for (index, directive) in directives.iter().enumerate() {
                if directive.reason.is_empty() {
                    continue;
                }
                if directive.whole_file {
                    whole_file.push(index);
                } else {
                    for &line in &directive.lines {
                        by_line.entry(line).or_default().push(index);
                    }
                }
            }
            comments.push(FileDirectives {
                document,
                directives,
                used,
                by_line,
                whole_file,
            });
            for object in &document.objects {
                collect_annotations(document, object, &mut annotations, &mut problems);
            }
        }
    }

    let mut exceptions: Vec<(&Exception, bool)> = Vec::new();
    for exception in &options.exceptions {
        if exception.is_expired(today) {
            let (file, position) = exception_place(exception);
            problems.push(Problem {
                file,
                position,
                ..warn(
                    "",
                    None,
                    Some(exception.rules.join(",")),
                    format!(
                        "exception for {} expired on {} and no longer applies: {}",
                        exception.rules.join(", "),
                        exception.expires.map(|d| d.to_string()).unwrap_or_default(),
                        exception.reason
                    ),
                )
            });
        } else {
            exceptions.push((exception, false));
        }
    }
    let mut baseline = options.baseline.clone();

    let file_paths: std::collections::HashMap<&str, Option<&Path>> = report
        .sources
        .iter()
        .map(|s| (s.name.as_str(), s.path.as_deref()))
        .collect();
    let comment_index: std::collections::HashMap<String, usize> = comments
        .iter()
        .enumerate()
        .map(|(i, c)| (c.document.source.name.clone(), i))
        .collect();
    // Line ranges of objects, by file and anchor (how findings name their object).
    let object_lines: std::collections::HashMap<(&str, Span), (usize, usize)> =
        if options.changes.is_some() {
            documents
                .iter()
                .flat_map(|d| {
                    d.objects.iter().map(move |o| {
                        (
                            (d.source.name.as_str(), o.anchor_span()),
                            (
                                d.position(o.root.span.start).line,
                                d.position(o.root.span.end).line,
                            ),
                        )
                    })
                })
                .collect()
        } else {
            std::collections::HashMap::new()
        };
    // Annotations by (file, object, rule): one lookup per finding.
    let mut annotation_index: HashMap<(String, Span, String), Vec<usize>> = HashMap::new();
    for (index, a) in annotations.iter().enumerate() {
        annotation_index
            .entry((a.file.clone(), a.object_anchor, a.rule.clone()))
            .or_default()
            .push(index);
    }
    let findings = std::mem::take(&mut report.findings);
    for mut finding in findings {
        let file = finding.location.file.as_str();
        let path = file_paths.get(file).copied().flatten();
        let mut suppression: Option<Suppression> = None;

        if let Some(entry) = comment_index.get(file).and_then(|&i| comments.get_mut(i)) {
            let covering: Vec<usize> = entry.covering(finding.location.start.line).collect();
            for d in covering {
                let directive = &entry.directives[d];
                if let Some(r) = directive.rules.iter().position(|r| *r == finding.rule_id) {
                    entry.used[d][r] = true;
                    suppression.get_or_insert_with(|| Suppression {
                        kind: SuppressionKind::InSource,
                        reason: directive.reason.clone(),
                        location: Some(location(entry.document, directive.span)),
                    });
                }
            }
        }
        let key = (
            file.to_string(),
            finding.object.location.span,
            finding.rule_id.clone(),
        );
        for &index in annotation_index.get(&key).into_iter().flatten() {
            let annotation = &mut annotations[index];
            annotation.used = true;
            suppression.get_or_insert_with(|| Suppression {
                kind: SuppressionKind::InSource,
                reason: annotation.reason.clone(),
                location: Some(annotation.location.clone()),
            });
        }
        for (exception, used) in exceptions.iter_mut() {
            if exception.covers(&finding, path) {
                *used = true;
                suppression.get_or_insert_with(|| Suppression {
                    kind: SuppressionKind::External,
                    reason: exception.reason.clone(),
                    location: exception.location.clone(),
                });
            }
        }
        if suppression.is_none()
            && let Some(baseline) = baseline.as_mut()
            && baseline.take(&finding.fingerprint)
        {
            suppression = Some(Suppression {
                kind: SuppressionKind::External,
                reason: format!("in baseline {}", baseline.name),
                location: None,
            });
        }
        if suppression.is_none()
            && let Some(changes) = &options.changes
            && !is_changed(&finding, path, &object_lines, changes)
        {
            suppression = Some(Suppression {
                kind: SuppressionKind::External,
                reason: format!("unchanged since {}", changes.base),
                location: None,
            });
        }
        match suppression {
            Some(s) => {
                finding.suppression = Some(s);
                report.suppressed.push(finding);
            }
            None => report.findings.push(finding),
        }
    }

    for entry in &comments {
        for (directive, used) in entry.directives.iter().zip(&entry.used) {
            if directive.reason.is_empty() {
                continue;
            }
            for (rule, was_used) in directive.rules.iter().zip(used) {
                if !was_used {
                    problems.push(warn(
                        &entry.document.source.name,
                        Some(entry.document.position(directive.span.start)),
                        Some(rule.clone()),
                        format!(
                            "unused suppression: `{rule}` reports nothing {}",
                            if directive.whole_file {
                                "in this file"
                            } else {
                                "on this line or the next"
                            }
                        ),
                    ));
                }
            }
        }
    }
    for annotation in annotations.iter().filter(|a| !a.used) {
        problems.push(warn(
            &annotation.file,
            Some(annotation.location.start),
            Some(annotation.rule.clone()),
            format!(
                "unused suppression: `{}` reports nothing on this object",
                annotation.rule
            ),
        ));
    }
    for (exception, _) in exceptions.iter().filter(|(_, used)| !used) {
        let (file, position) = exception_place(exception);
        problems.push(Problem {
            file,
            position,
            ..warn(
                "",
                None,
                Some(exception.rules.join(",")),
                format!(
                    "unused exception: {} matched no finding",
                    exception.rules.join(", ")
                ),
            )
        });
    }
    report.problems.extend(problems);
}

fn exception_place(exception: &Exception) -> (Option<String>, Option<crate::document::Position>) {
    match &exception.location {
        Some(l) => (Some(l.file.clone()), Some(l.start)),
        None => (None, None),
    }
}

fn collect_annotations(
    document: &Document,
    object: &Object,
    out: &mut Vec<AnnotationSuppression>,
    problems: &mut Vec<Problem>,
) {
    let Some(annotations) = object
        .root
        .get("metadata")
        .and_then(|m| m.get("annotations"))
    else {
        return;
    };
    for entry in annotations.entries() {
        let Some(rule) = entry.key.strip_prefix(ANNOTATION_PREFIX) else {
            continue;
        };
        let span = entry.key_span.join(entry.value.span);
        let reason = entry.value.as_str().map(str::trim).unwrap_or_default();
        if rule.is_empty() || reason.is_empty() {
            problems.push(Problem {
                level: ProblemLevel::Warning,
                kind: ProblemKind::Suppression,
                file: Some(document.source.name.clone()),
                position: Some(document.position(span.start)),
                rule: (!rule.is_empty()).then(|| rule.to_string()),
                message: if rule.is_empty() {
                    format!("annotation `{}` names no rule: use `{ANNOTATION_PREFIX}<rule-id>`", entry.key)
                } else {
                    format!("annotation `{}` gives no reason, so it silences nothing: its value must say why", entry.key)
                },
            });
            continue;
        }
        out.push(AnnotationSuppression {
            file: document.source.name.clone(),
            object_anchor: object.anchor_span(),
            rule: rule.to_string(),
            reason: reason.to_string(),
            location: location(document, span),
            used: false,
        });
    }
}

/// Whether the finding sits on an object with a changed line (or on a changed line itself).
fn is_changed(
    finding: &Finding,
    path: Option<&Path>,
    object_lines: &std::collections::HashMap<(&str, Span), (usize, usize)>,
    changes: &ChangedLines,
) -> bool {
    // Text that is not a file on disk (standard input) cannot be compared: keep its findings.
    let Some(path) = path else { return true };
    let line = finding.location.start.line;
    if changes.touches(path, line, line) {
        return true;
    }
    object_lines
        .get(&(finding.location.file.as_str(), finding.object.location.span))
        .is_some_and(|&(first, last)| changes.touches(path, first, last))
}
