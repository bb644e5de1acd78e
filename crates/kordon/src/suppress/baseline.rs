//! Baselines: the findings a project already has, recorded by fingerprint so that only new ones
//! are reported. Fingerprints name the rule, the object and the field, not lines, so a baseline
//! survives edits that move code around.

use std::collections::BTreeMap;

use serde_json::json;

use crate::document::display_path;
use crate::finding::Finding;

/// The format version written in baseline files.
pub const BASELINE_VERSION: u64 = 1;

/// Recorded findings, counted per fingerprint (two findings may share one, e.g. the same
/// object in two overlays).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Baseline {
    /// The file's name, shown in the reason of suppressed findings.
    pub name: String,
    counts: BTreeMap<String, usize>,
}

impl Baseline {
    /// A baseline of `findings`.
    pub fn from_findings(name: impl Into<String>, findings: &[Finding]) -> Baseline {
        let mut counts = BTreeMap::new();
        for finding in findings {
            *counts.entry(finding.fingerprint.clone()).or_insert(0) += 1;
        }
        Baseline {
            name: name.into(),
            counts,
        }
    }

    /// Reads a baseline file's text.
    pub fn parse(name: impl Into<String>, text: &str) -> Result<Baseline, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a kordon baseline: {e}"))?;
        let version = value.get("kordon-baseline").and_then(|v| v.as_u64());
        if version != Some(BASELINE_VERSION) {
            return Err(format!(
                "not a kordon baseline of version {BASELINE_VERSION} (missing or different `kordon-baseline` key)"
            ));
        }
        let entries = value
            .get("findings")
            .and_then(|f| f.as_array())
            .ok_or("a baseline needs a `findings` array")?;
        let mut counts = BTreeMap::new();
        for (i, entry) in entries.iter().enumerate() {
            let fingerprint = entry
                .get("fingerprint")
                .and_then(|f| f.as_str())
                .ok_or_else(|| format!("findings[{i}] has no `fingerprint` string"))?;
            *counts.entry(fingerprint.to_string()).or_insert(0) += 1;
        }
        Ok(Baseline {
            name: name.into(),
            counts,
        })
    }

    /// The baseline file's text for `findings`: fingerprints, plus rule, file, line and object
    /// so a reviewer can read what was accepted.
    pub fn render(findings: &[Finding]) -> String {
        let mut entries: Vec<serde_json::Value> = findings
            .iter()
            .map(|f| {
                json!({
                    "fingerprint": f.fingerprint,
                    "rule": f.rule_id,
                    "file": f.location.file,
                    "line": f.location.start.line,
                    "object": object_name(f),
                    "path": display_path(&f.path),
                })
            })
            .collect();
        entries.sort_by(|a, b| {
            let key = |v: &serde_json::Value| {
                (
                    v["file"].as_str().unwrap_or_default().to_string(),
                    v["line"].as_u64(),
                    v["fingerprint"].as_str().unwrap_or_default().to_string(),
                )
            };
            key(a).cmp(&key(b))
        });
        let value = json!({"kordon-baseline": BASELINE_VERSION, "findings": entries});
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into());
        text.push('\n');
        text
    }

    /// How many findings it records.
    pub fn len(&self) -> usize {
        self.counts.values().sum()
    }

    /// True when it records nothing.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Takes one recorded finding with this fingerprint, if any is left.
    pub(crate) fn take(&mut self, fingerprint: &str) -> bool {
        match self.counts.get_mut(fingerprint) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

fn object_name(f: &Finding) -> String {
    let name = f.object.name.as_deref().unwrap_or("<unnamed>");
    match &f.object.namespace {
        Some(ns) => format!("{}/{}/{}", f.object.kind, ns, name),
        None => format!("{}/{}", f.object.kind, name),
    }
}
