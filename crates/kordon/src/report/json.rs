//! `--format json`: a versioned, documented schema (see the README).

use serde_json::json;

use crate::finding::Finding;
use crate::scan::ScanReport;

/// The version of the JSON output's schema; bumped on any incompatible change.
pub const JSON_SCHEMA_VERSION: &str = "1";

fn finding_json(f: &Finding) -> serde_json::Value {
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
        "fix": f.fix,
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
    let counts: serde_json::Map<String, serde_json::Value> = super::severity_counts(report)
        .into_iter()
        .map(|(s, n)| (s.to_string(), json!(n)))
        .collect();
    let value = json!({
        "version": JSON_SCHEMA_VERSION,
        "tool": {"name": "kordon", "version": env!("CARGO_PKG_VERSION")},
        "findings": report.findings.iter().map(finding_json).collect::<Vec<_>>(),
        "suppressed": report.suppressed.iter().map(|f| {
            let mut value = finding_json(f);
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
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
