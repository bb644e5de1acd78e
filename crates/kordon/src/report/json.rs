//! `--format json`: a versioned, documented schema (see the README).

use std::collections::HashMap;

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

fn finding_json(f: &Finding, document: Option<&DocumentEditor<'_>>) -> serde_json::Value {
    json!({
        "rule": f.rule_id,
        "severity": f.severity,
        "message": f.message,
        "file": f.location.file,
        "start": {"line": f.location.start.line, "column": f.location.start.column, "offset": f.location.span.start},
        "end": {"line": f.location.end.line, "column": f.location.end.column, "offset": f.location.span.end},
        "precision": f.precision,
        "path": crate::document::display_path(&f.path),
        "object": {
            "apiVersion": f.object.api_version,
            "kind": f.object.kind,
            "namespace": f.object.namespace,
            "name": f.object.name,
            "line": f.object.location.start.line,
        },
        "fingerprint": f.fingerprint,
        "fix": fix_json(f, document),
        "related": f.related.iter().map(|r| json!({
            "file": r.location.file,
            "line": r.location.start.line,
            "column": r.location.start.column,
            "message": r.message,
        })).collect::<Vec<_>>(),
    })
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
    let value = json!({
        "version": JSON_SCHEMA_VERSION,
        "tool": {"name": "kordon", "version": env!("CARGO_PKG_VERSION")},
        "findings": report.findings.iter().map(|f| finding_json(f, editors.get(f.location.file.as_str()))).collect::<Vec<_>>(),
        "suppressed": report.suppressed.iter().map(|f| {
            let mut value = finding_json(f, editors.get(f.location.file.as_str()));
            if let (Some(object), Some(s)) = (value.as_object_mut(), &f.suppression) {
                object.insert("suppression".into(), json!({
                    "kind": s.kind,
                    "reason": s.reason,
                    "file": s.location.as_ref().map(|l| &l.file),
                    "line": s.location.as_ref().map(|l| l.start.line),
                    "column": s.location.as_ref().map(|l| l.start.column),
                }));
            }
            value
        }).collect::<Vec<_>>(),
        "problems": report.problems.iter().map(|p| json!({
            "level": p.level,
            "kind": p.kind,
            "file": p.file,
            "line": p.position.map(|p| p.line),
            "column": p.position.map(|p| p.column),
            "rule": p.rule,
            "message": p.message,
        })).collect::<Vec<_>>(),
        "summary": {
            "files": report.stats.files,
            "objects": report.stats.objects,
            "checks": report.stats.checks,
            "findings": report.findings.len(),
            "suppressed": report.suppressed.len(),
            "by_severity": counts,
            "errors": report.problems.iter().filter(|p| p.level == crate::scan::ProblemLevel::Error).count(),
        },
    });
    let mut value = value;
    if with_stats {
        let stats = &report.stats;
        value["summary"]["stats"] = json!({
            "milliseconds": super::millis(stats.duration),
            "renders": stats.renders,
            "renders_from_cache": stats.renders_cached,
            "render_milliseconds": super::millis(stats.render_time),
        });
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
