//! Trend between two scans: the findings that are new and those that were fixed since a saved
//! report (`kordon report --format json`), a baseline (`kordon baseline write`) or a scan's JSON
//! (`kordon scan --format json`), per control, with the change of every framework's score.
//!
//! Findings are matched by fingerprint, which survives moved lines and reformatting; a fingerprint
//! recorded twice needs two current findings to be matched twice.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::context::{FindingView, ReportContext};
use super::posture::{Framework, natural_cmp};
use crate::finding::Severity;
use crate::rules::RuleSet;

/// A finding recorded in a saved report or baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedFinding {
    /// Its fingerprint.
    pub fingerprint: String,
    /// The rule's id.
    pub rule: String,
    /// File, when recorded.
    pub file: String,
    /// Line, when recorded (0 otherwise).
    pub line: usize,
    /// The object, for display (`Kind namespace/name`), when recorded.
    pub object: String,
    /// The message, when recorded.
    pub message: String,
    /// The severity, when recorded.
    pub severity: Option<Severity>,
}

/// A saved report or baseline, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedReport {
    /// The file's name, for display.
    pub name: String,
    /// Its findings.
    pub findings: Vec<SavedFinding>,
    /// Its scores per framework (saved posture reports only).
    pub scores: BTreeMap<Framework, Option<f64>>,
}

fn text_field(entry: &serde_json::Value, key: &str) -> Option<String> {
    entry.get(key).and_then(|v| v.as_str()).map(str::to_string)
}

/// The object of a finding as a baseline writes it (a string) or as scan JSON does (a map).
fn object_field(entry: &serde_json::Value) -> String {
    match entry.get("object") {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(object @ serde_json::Value::Object(_)) => {
            let part = |k: &str| object.get(k).and_then(|v| v.as_str());
            let name = part("name").unwrap_or("<unnamed>");
            match (part("kind"), part("namespace")) {
                (Some(kind), Some(ns)) => format!("{kind} {ns}/{name}"),
                (Some(kind), None) => format!("{kind} {name}"),
                _ => name.to_string(),
            }
        }
        _ => String::new(),
    }
}

fn line_field(entry: &serde_json::Value) -> usize {
    let line = entry
        .get("line")
        .or_else(|| entry.get("start").and_then(|s| s.get("line")));
    line.and_then(|l| l.as_u64())
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(0)
}

impl SavedReport {
    /// Reads the text of a saved JSON report, a baseline file or a scan's JSON output. `name`
    /// names the file in errors and in the report.
    pub fn parse(name: impl Into<String>, text: &str) -> Result<SavedReport, String> {
        let name = name.into();
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("{name}: not a kordon JSON report or baseline: {e}"))?;
        let entries = value
            .get("findings")
            .and_then(|f| f.as_array())
            .ok_or_else(|| {
                format!(
                    "{name}: not a kordon report or baseline: no `findings` array (write one with `kordon report --format json` or `kordon baseline write`)"
                )
            })?;
        let mut findings = Vec::with_capacity(entries.len());
        for (i, entry) in entries.iter().enumerate() {
            let fingerprint = text_field(entry, "fingerprint")
                .ok_or_else(|| format!("{name}: findings[{i}] has no `fingerprint` string"))?;
            let rule = text_field(entry, "rule")
                .ok_or_else(|| format!("{name}: findings[{i}] has no `rule` string"))?;
            findings.push(SavedFinding {
                fingerprint,
                rule,
                file: text_field(entry, "file").unwrap_or_default(),
                line: line_field(entry),
                object: object_field(entry),
                message: text_field(entry, "message").unwrap_or_default(),
                severity: entry
                    .get("severity")
                    .and_then(|s| serde_json::from_value(s.clone()).ok()),
            });
        }
        let mut scores = BTreeMap::new();
        for framework in value
            .get("frameworks")
            .and_then(|f| f.as_array())
            .into_iter()
            .flatten()
        {
            let id = framework
                .get("id")
                .and_then(|i| i.as_str())
                .and_then(|i| i.parse::<Framework>().ok());
            if let Some(id) = id {
                scores.insert(id, framework.get("score").and_then(|s| s.as_f64()));
            }
        }
        Ok(SavedReport {
            name,
            findings,
            scores,
        })
    }
}

/// A framework's score then and now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ScoreChange {
    /// The framework.
    pub framework: Framework,
    /// Its name.
    pub name: &'static str,
    /// The saved score; `None` when the saved file has none (a baseline) or nothing was checked.
    pub before: Option<f64>,
    /// Today's score.
    pub after: Option<f64>,
    /// `after - before`, one decimal, when both are known.
    pub change: Option<f64>,
}

/// New and fixed findings of one control of the chosen framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ControlChange {
    /// The control id; empty for rules outside the chosen framework.
    pub control: String,
    /// The most serious severity among its new or fixed findings.
    pub severity: Severity,
    /// Findings that are new since the saved report.
    pub new: usize,
    /// Findings of the saved report that are gone.
    pub fixed: usize,
}

/// What changed since a saved report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Comparison {
    /// The saved file's name.
    pub baseline: String,
    /// Every framework's score then and now, in report order.
    pub scores: Vec<ScoreChange>,
    /// Findings now that the saved report does not have.
    pub new_findings: usize,
    /// Findings of the saved report that are gone.
    pub fixed_findings: usize,
    /// Findings in both.
    pub unchanged: usize,
    /// Per control of the chosen framework with a change: most new findings first.
    pub controls: Vec<ControlChange>,
    /// The new findings, in file order.
    pub new: Vec<FindingView>,
    /// The fixed findings, as recorded.
    pub fixed: Vec<SavedFinding>,
}

fn round_tenth(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

impl ReportContext {
    /// Compares this report with `saved` and records the outcome in `comparison`. `rules` maps
    /// the fixed findings' rules to controls of the chosen framework.
    pub fn compare_with(&mut self, saved: &SavedReport, rules: &RuleSet) {
        let mut recorded: HashMap<&str, usize> = HashMap::new();
        for finding in &saved.findings {
            *recorded.entry(finding.fingerprint.as_str()).or_default() += 1;
        }
        let mut take = |fingerprint: &str| match recorded.get_mut(fingerprint) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        };
        let new: Vec<FindingView> = self
            .findings
            .iter()
            .filter(|f| !take(&f.fingerprint))
            .cloned()
            .collect();
        // A finding suppressed since is not fixed, but it is not new either.
        for finding in &self.suppressed {
            take(&finding.fingerprint);
        }
        let mut left = recorded;
        let fixed: Vec<SavedFinding> = saved
            .findings
            .iter()
            .filter(|f| match left.get_mut(f.fingerprint.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            })
            .cloned()
            .collect();

        let framework = self.framework.id;
        let controls_of = |rule: &str| -> Vec<String> {
            match rules.get(rule) {
                Some(r) => framework.controls(&r.meta),
                None if framework == Framework::All => vec![rule.to_string()],
                None => Vec::new(),
            }
        };
        let mut per_control: BTreeMap<String, ControlChange> = BTreeMap::new();
        let mut count = |rule: &str, severity: Severity, is_new: bool| {
            let mut controls = controls_of(rule);
            if controls.is_empty() {
                controls.push(String::new());
            }
            for control in controls {
                let entry = per_control
                    .entry(control.clone())
                    .or_insert_with(|| ControlChange {
                        control,
                        severity,
                        new: 0,
                        fixed: 0,
                    });
                entry.severity = entry.severity.max(severity);
                if is_new {
                    entry.new += 1;
                } else {
                    entry.fixed += 1;
                }
            }
        };
        for finding in &new {
            count(&finding.rule, finding.severity, true);
        }
        for finding in &fixed {
            let severity = finding
                .severity
                .or_else(|| rules.get(&finding.rule).map(|r| r.meta.severity))
                .unwrap_or(Severity::Medium);
            count(&finding.rule, severity, false);
        }
        let mut controls: Vec<ControlChange> = per_control.into_values().collect();
        controls.sort_by(|a, b| {
            (a.control.is_empty())
                .cmp(&b.control.is_empty())
                .then(b.new.cmp(&a.new))
                .then(b.severity.cmp(&a.severity))
                .then(b.fixed.cmp(&a.fixed))
                .then_with(|| natural_cmp(&a.control, &b.control))
        });

        let scores = self
            .scores
            .iter()
            .map(|now| {
                let before = saved.scores.get(&now.id).copied().flatten();
                let after = now.score.score;
                ScoreChange {
                    framework: now.id,
                    name: now.id.name(),
                    before,
                    after,
                    change: before.zip(after).map(|(b, a)| round_tenth(a - b)),
                }
            })
            .collect();
        let unchanged = self.findings.len() - new.len();
        self.comparison = Some(Comparison {
            baseline: saved.name.clone(),
            scores,
            new_findings: new.len(),
            fixed_findings: fixed.len(),
            unchanged,
            controls,
            new,
            fixed,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_scan_json_and_saved_reports_read_back() {
        let baseline = r#"{"kordon-baseline": 1, "findings": [
            {"fingerprint": "a", "rule": "r", "file": "x.yaml", "line": 3, "object": "Pod ns/p"}]}"#;
        let saved = SavedReport::parse("b.json", baseline).expect("parses");
        assert_eq!(saved.findings[0].object, "Pod ns/p");
        assert_eq!(saved.findings[0].line, 3);
        assert!(saved.scores.is_empty());

        let scan = r#"{"findings": [{"fingerprint": "a", "rule": "r", "severity": "high",
            "start": {"line": 7}, "object": {"kind": "Pod", "name": "p"}}]}"#;
        let saved = SavedReport::parse("scan.json", scan).expect("parses");
        assert_eq!(saved.findings[0].object, "Pod p");
        assert_eq!(saved.findings[0].line, 7);
        assert_eq!(saved.findings[0].severity, Some(Severity::High));

        let posture = r#"{"frameworks": [{"id": "cis", "score": 41.5}, {"id": "pci"}],
            "findings": []}"#;
        let saved = SavedReport::parse("p.json", posture).expect("parses");
        assert_eq!(saved.scores.get(&Framework::Cis), Some(&Some(41.5)));
    }

    #[test]
    fn unreadable_saved_files_are_errors_that_name_the_file() {
        for (text, says) in [
            ("not json", "not a kordon JSON report"),
            ("{}", "no `findings` array"),
            (
                r#"{"findings": [{"rule": "r"}]}"#,
                "findings[0] has no `fingerprint`",
            ),
            (
                r#"{"findings": [{"fingerprint": "f"}]}"#,
                "findings[0] has no `rule`",
            ),
        ] {
            let error = SavedReport::parse("old.json", text).expect_err(text);
            assert!(error.starts_with("old.json: "), "{error}");
            assert!(error.contains(says), "{error}");
        }
    }
}
