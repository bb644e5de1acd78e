//! `kordon report --format json`: the posture numbers of the HTML report as one versioned JSON
//! document, for dashboards and for `--compare` later (its `findings` carry fingerprints).

use serde_json::{Value, json};

use super::context::ReportContext;

/// The version of the posture JSON document (its `kordon-posture` key); bumped on any
/// incompatible change.
pub const POSTURE_JSON_VERSION: u64 = 1;

/// The posture document of `context`, pretty-printed, ending in a newline.
pub fn render_posture_json(context: &ReportContext) -> String {
    let frameworks: Vec<Value> = context
        .frameworks
        .iter()
        .zip(&context.scores)
        .map(|(view, scores)| {
            json!({
                "id": view.id,
                "name": view.name,
                "score": view.score.score,
                "coverage": view.score.coverage,
                "ceiling": view.score.ceiling,
                "worst_failing": view.score.worst_failing,
                "checks": view.score.checks,
                "passed": view.score.passed,
                "failed": view.score.failed,
                "excepted": view.score.excepted,
                "failed_by_severity": view.score.failed_by_severity,
                "workloads": view.workloads,
                "controls": scores.controls,
            })
        })
        .collect();
    let workloads: Vec<Value> = context
        .workloads
        .iter()
        .map(|w| {
            json!({
                "object": w.object.display,
                "kind": w.object.kind,
                "namespace": w.object.namespace,
                "name": w.object.name,
                "file": w.object.file,
                "line": w.object.line,
                "baseline": w.baseline,
                "restricted": w.restricted,
                "baseline_failures": w.baseline_failures,
                "restricted_failures": w.restricted_failures,
            })
        })
        .collect();
    // The keys a baseline file has (fingerprint, rule, file, line, object), so `--compare` reads
    // both the same way.
    let findings: Vec<Value> = context
        .findings
        .iter()
        .map(|f| {
            json!({
                "fingerprint": f.fingerprint,
                "rule": f.rule,
                "severity": f.severity,
                "file": f.file,
                "line": f.line,
                "object": f.object.display,
                "message": f.message,
            })
        })
        .collect();
    let document = json!({
        "kordon-posture": POSTURE_JSON_VERSION,
        "tool": context.tool,
        "generated_at": context.generated_at,
        "scanned_paths": context.scanned_paths,
        "commit": context.commit,
        "framework": context.framework,
        "score": context.score,
        "worst_failing": context.worst_failing,
        "stats": context.stats,
        "pss": context.pss,
        "frameworks": frameworks,
        "workloads": workloads,
        "findings": findings,
        "problems": context.problems,
        "comparison": context.comparison,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
