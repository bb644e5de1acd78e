//! `--format json`: a versioned, documented schema (see the README).

use std::collections::HashMap;

use serde::Serialize;
use serde_json::json;

use crate::finding::Finding;
use crate::fix::DocumentEditor;
use crate::scan::ScanReport;

/// The version of the JSON output's schema; bumped on any incompatible change.
pub const JSON_SCHEMA_VERSION: &str = "1";

/// The fix with the concrete text edits it makes to the file as scanned, or why it cannot be
/// applied there.
fn fix_json(f: &Finding, document: Option<&DocumentEditor<'_>>) -> serde_json::Value {
    let Some(fix) = &f.fix else {
        return serde_json::Value::Null;
    };
    let mut value = json!({
        "title": fix.title,
        "applicability": fix.applicability,
        "ops": fix.ops,
    });
    let edits = document
        .ok_or_else(|| "the file's text is not available".to_string())
        .and_then(|d| d.fix_edits(f).map(|edits| (d.document(), edits)));
    match edits {
        Ok((document, edits)) => {
            value["edits"] = edits
                .iter()
                .map(|e| {
                    let start = document.position(e.start);
                    let end = document.position(e.end);
                    json!({
                        "start": {"line": start.line, "column": start.column, "offset": e.start},
                        "end": {"line": end.line, "column": end.column, "offset": e.end},
                        "replacement": e.replacement,
                    })
                })
                .collect();
        }
        Err(why) => {
            value["edits"] = serde_json::Value::Null;
            value["not_applicable"] = json!(why);
        }
    }
    value
}

/// A position as the schema writes it: line, column and byte offset.
#[derive(Serialize)]
struct At {
    line: usize,
    column: usize,
    offset: usize,
}

#[derive(Serialize)]
struct ObjectOut<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'a str,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
    line: usize,
}

#[derive(Serialize)]
struct RelatedOut<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct SuppressionOut<'a> {
    kind: &'a crate::finding::SuppressionKind,
    reason: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
}

/// One finding of the schema. Serialized straight from the report (not built as a
/// `serde_json::Value` first): that tree cost a tenth of a corpus scan's instructions.
#[derive(Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    severity: crate::finding::Severity,
    message: &'a str,
    file: &'a str,
    start: At,
    end: At,
    precision: crate::finding::Precision,
    path: String,
    object: ObjectOut<'a>,
    fingerprint: &'a str,
    fix: serde_json::Value,
    related: Vec<RelatedOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<SuppressionOut<'a>>,
}

fn finding_out<'a>(
    f: &'a Finding,
    document: Option<&DocumentEditor<'_>>,
    suppressed: bool,
) -> FindingOut<'a> {
    FindingOut {
        rule: &f.rule_id,
        severity: f.severity,
        message: &f.message,
        file: &f.location.file,
        start: At {
            line: f.location.start.line,
            column: f.location.start.column,
            offset: f.location.span.start,
        },
        end: At {
            line: f.location.end.line,
            column: f.location.end.column,
            offset: f.location.span.end,
        },
        precision: f.precision,
        path: crate::document::display_path(&f.path),
        object: ObjectOut {
            api_version: &f.object.api_version,
            kind: &f.object.kind,
            namespace: f.object.namespace.as_deref(),
            name: f.object.name.as_deref(),
            line: f.object.location.start.line,
        },
        fingerprint: &f.fingerprint,
        fix: fix_json(f, document),
        related: f
            .related
            .iter()
            .map(|r| RelatedOut {
                file: &r.location.file,
                line: r.location.start.line,
                column: r.location.start.column,
                message: &r.message,
            })
            .collect(),
        suppression: f
            .suppression
            .as_ref()
            .filter(|_| suppressed)
            .map(|s| SuppressionOut {
                kind: &s.kind,
                reason: &s.reason,
                file: s.location.as_ref().map(|l| l.file.as_str()),
                line: s.location.as_ref().map(|l| l.start.line),
                column: s.location.as_ref().map(|l| l.start.column),
            }),
    }
}

#[derive(Serialize)]
struct ProblemOut<'a> {
    level: crate::scan::ProblemLevel,
    kind: crate::document::ProblemKind,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    rule: Option<&'a str>,
    message: &'a str,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct StatsOut {
    milliseconds: serde_json::Value,
    renders: usize,
    renders_from_cache: usize,
    render_milliseconds: serde_json::Value,
}

#[derive(Serialize)]
struct SummaryOut {
    files: usize,
    objects: usize,
    checks: usize,
    findings: usize,
    suppressed: usize,
    by_severity: serde_json::Map<String, serde_json::Value>,
    errors: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    stats: Option<StatsOut>,
}

#[derive(Serialize)]
struct ReportOut<'a> {
    version: &'static str,
    tool: Tool,
    findings: Vec<FindingOut<'a>>,
    suppressed: Vec<FindingOut<'a>>,
    problems: Vec<ProblemOut<'a>>,
    summary: SummaryOut,
}

/// Renders the report as JSON (schema version [`JSON_SCHEMA_VERSION`]).
pub fn render_json(report: &ScanReport) -> String {
    render_json_as(report, false)
}

/// Renders the report as JSON with `summary.stats`: wall times (which change from run to run)
/// and how many renders came from the render cache.
pub fn render_json_with_stats(report: &ScanReport) -> String {
    render_json_as(report, true)
}

fn render_json_as(report: &ScanReport, with_stats: bool) -> String {
    let counts: serde_json::Map<String, serde_json::Value> = super::severity_counts(report)
        .into_iter()
        .map(|(s, n)| (s.to_string(), json!(n)))
        .collect();
    let documents = super::fix_documents(report, report.findings.iter());
    let editors: HashMap<&str, DocumentEditor<'_>> = documents
        .iter()
        .map(|(&file, document)| (file, DocumentEditor::new(document)))
        .collect();
    let stats = &report.stats;
    let out = ReportOut {
        version: JSON_SCHEMA_VERSION,
        tool: Tool {
            name: "kordon",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: report
            .findings
            .iter()
            .map(|f| finding_out(f, editors.get(f.location.file.as_str()), false))
            .collect(),
        suppressed: report
            .suppressed
            .iter()
            .map(|f| finding_out(f, editors.get(f.location.file.as_str()), true))
            .collect(),
        problems: report
            .problems
            .iter()
            .map(|p| ProblemOut {
                level: p.level,
                kind: p.kind,
                file: p.file.as_deref(),
                line: p.position.map(|p| p.line),
                column: p.position.map(|p| p.column),
                rule: p.rule.as_deref(),
                message: &p.message,
            })
            .collect(),
        summary: SummaryOut {
            files: stats.files,
            objects: stats.objects,
            checks: stats.checks,
            findings: report.findings.len(),
            suppressed: report.suppressed.len(),
            by_severity: counts,
            errors: report
                .problems
                .iter()
                .filter(|p| p.level == crate::scan::ProblemLevel::Error)
                .count(),
            stats: with_stats.then(|| StatsOut {
                milliseconds: json!(super::millis(stats.duration)),
                renders: stats.renders,
                renders_from_cache: stats.renders_cached,
                render_milliseconds: json!(super::millis(stats.render_time)),
            }),
        },
    };
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
