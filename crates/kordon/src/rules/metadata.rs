//! `metadata.yaml`: everything about a rule that is not Rego.

use serde::{Deserialize, Serialize};

use crate::finding::{Applicability, Severity};
use crate::workload::WorkloadKinds;

/// A rule's metadata, read from its `metadata.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RuleMeta {
    /// Unique kebab-case id, named after the bad pattern (`privileged-container`).
    pub id: String,
    /// One-line title.
    pub title: String,
    /// Default severity.
    pub severity: Severity,
    /// One of the KSPM risk areas (`pod-security`, `rbac`, `network`, ...).
    pub category: String,
    /// Kinds the rule looks at: `Kind`, `group/Kind`, `*`, or `pod-workloads` (every kind that
    /// carries a pod template).
    pub kinds: Vec<String>,
    /// Compliance framework mappings.
    #[serde(default)]
    pub frameworks: Frameworks,
    /// JSON Schema of `input.parameters` (an object schema with `properties` and defaults).
    #[serde(default = "empty_object")]
    pub parameters: serde_json::Value,
    /// Whether and how the rule fixes what it finds.
    #[serde(default)]
    pub fix: FixSpec,
    /// True when the rule reads `data.inventory` (other objects of the scan).
    #[serde(default)]
    pub inventory: bool,
    /// True when the rule can fire because something is *missing* from `data.inventory` (a
    /// namespace without a NetworkPolicy): it needs every object of the deployment, so a partial
    /// scan (the files of one commit) runs it only when context completes the inventory. A rule
    /// that reports only what it finds there (a binding to a role it can see) leaves this false:
    /// a partial view can make it miss something, never raise a false alarm.
    #[serde(
        default,
        rename = "needs-complete-inventory",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub needs_complete_inventory: bool,
    /// A page with more about the rule.
    #[serde(default, rename = "help-uri", skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
    /// Documentation sections.
    pub docs: RuleDocs,
}

fn empty_object() -> serde_json::Value {
    serde_json::json!({})
}

/// Framework mappings of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Frameworks {
    /// CIS Kubernetes Benchmark sections, e.g. `5.2.2`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cis: Vec<String>,
    /// NSA-CISA Kubernetes Hardening Guide sections.
    #[serde(default, rename = "nsa-cisa", skip_serializing_if = "Vec::is_empty")]
    pub nsa_cisa: Vec<String>,
    /// The Pod Security Standards level whose control this rule checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pss: Option<PssLevel>,
    /// Other mappings (e.g. Microsoft Defender recommendations, MITRE ATT&CK).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<String>,
}

/// A Pod Security Standards level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    /// Baseline: prevents known privilege escalations.
    Baseline,
    /// Restricted: current pod hardening best practice.
    Restricted,
}

/// The fix a rule offers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FixSpec {
    /// Safe, unsafe, or none.
    #[serde(default)]
    pub applicability: Applicability,
    /// A short description of what the fix changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The documentation sections every rule carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RuleDocs {
    /// What it checks.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// An example of the bad pattern.
    pub example: String,
    /// How to fix it.
    pub remediation: String,
}

/// The ten risk areas of Kubernetes security posture management, as rule categories.
pub const CATEGORIES: [&str; 10] = [
    "rbac",
    "api-server",
    "pod-security",
    "network",
    "etcd",
    "secrets",
    "audit-logging",
    "images",
    "admission",
    "nodes",
];

/// A framework rules can be selected by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameworkFilter {
    /// Mapped to a CIS Kubernetes Benchmark section.
    Cis,
    /// Mapped to a section of the NSA-CISA Kubernetes Hardening Guide.
    NsaCisa,
    /// Part of the Pod Security Standards, either level.
    Pss,
    /// Needed by the PSS baseline level.
    PssBaseline,
    /// Needed by the PSS restricted level, which includes the baseline level.
    PssRestricted,
    /// Mapped to a Microsoft Defender for Containers recommendation.
    Defender,
}

impl FrameworkFilter {
    /// Every filter with its command-line name.
    pub const ALL: [(&'static str, FrameworkFilter); 6] = [
        ("cis", FrameworkFilter::Cis),
        ("nsa-cisa", FrameworkFilter::NsaCisa),
        ("pss", FrameworkFilter::Pss),
        ("pss-baseline", FrameworkFilter::PssBaseline),
        ("pss-restricted", FrameworkFilter::PssRestricted),
        ("defender", FrameworkFilter::Defender),
    ];
}

impl std::str::FromStr for FrameworkFilter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.to_ascii_lowercase();
        FrameworkFilter::ALL
            .iter()
            .find(|(name, _)| *name == wanted)
            .map(|(_, f)| *f)
            .ok_or_else(|| {
                let names: Vec<&str> = FrameworkFilter::ALL.iter().map(|(n, _)| *n).collect();
                format!(
                    "unknown framework `{s}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// A parameter value that its rule's schema rejects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule `{rule}`: {message}")]
pub struct ParameterError {
    /// The rule.
    pub rule: String,
    /// What is wrong.
    pub message: String,
}

impl RuleMeta {
    /// Reads `metadata.yaml` text.
    pub fn from_yaml(text: &str) -> Result<Self, String> {
        let json = super::yaml_to_json(text)?;
        let meta: RuleMeta = serde_json::from_value(json).map_err(|e| e.to_string())?;
        meta.check()?;
        Ok(meta)
    }

    fn check(&self) -> Result<(), String> {
        let kebab = !self.id.is_empty()
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !self.id.starts_with('-')
            && !self.id.ends_with('-');
        if !kebab {
            return Err(format!("id `{}` is not kebab-case", self.id));
        }
        if self.kinds.is_empty() {
            return Err("`kinds` is empty".into());
        }
        for (name, text) in [
            ("what", &self.docs.what),
            ("why", &self.docs.why),
            ("example", &self.docs.example),
            ("remediation", &self.docs.remediation),
        ] {
            if text.trim().is_empty() {
                return Err(format!("docs section `{name}` is empty"));
            }
        }
        if !self.parameters.is_object() {
            return Err("`parameters` must be a JSON Schema object".into());
        }
        if self.needs_complete_inventory && !self.inventory {
            return Err("`needs-complete-inventory: true` needs `inventory: true`".into());
        }
        Ok(())
    }

    /// Whether the rule is mapped to `framework`.
    pub fn maps_to(&self, framework: FrameworkFilter) -> bool {
        let f = &self.frameworks;
        match framework {
            FrameworkFilter::Cis => !f.cis.is_empty(),
            FrameworkFilter::NsaCisa => !f.nsa_cisa.is_empty(),
            FrameworkFilter::Pss => f.pss.is_some(),
            FrameworkFilter::PssBaseline => f.pss == Some(PssLevel::Baseline),
            FrameworkFilter::PssRestricted => f.pss.is_some(),
            FrameworkFilter::Defender => f.other.iter().any(|o| o.starts_with("Defender:")),
        }
    }

    /// Whether objects of `group`/`kind` are checked by this rule.
    pub fn applies_to(&self, group: &str, kind: &str) -> bool {
        self.kinds.iter().any(|pattern| match pattern.as_str() {
            "*" => true,
            "pod-workloads" => WorkloadKinds::builtin_ref().covers(group, kind),
            other => match other.rsplit_once('/') {
                Some((g, k)) => (g == "*" || g == group) && (k == "*" || k == kind),
                None => other == kind,
            },
        })
    }

    /// The kinds the rule names, with `pod-workloads` expanded.
    pub fn kind_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for pattern in &self.kinds {
            if pattern == "pod-workloads" {
                out.extend(
                    WorkloadKinds::builtin_ref()
                        .kinds()
                        .iter()
                        .map(|k| k.kind.clone()),
                );
            } else {
                out.push(pattern.rsplit('/').next().unwrap_or(pattern).to_string());
            }
        }
        out
    }

    /// Parameters from the schema's `default`s.
    pub fn default_parameters(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        if let Some(properties) = self
            .parameters
            .get("properties")
            .and_then(|p| p.as_object())
        {
            for (name, schema) in properties {
                if let Some(default) = schema.get("default") {
                    out.insert(name.clone(), default.clone());
                }
            }
        }
        serde_json::Value::Object(out)
    }

    /// Checks parameter values against the rule's schema (types, enums, bounds, item types,
    /// unknown names).
    pub fn validate_parameters(&self, value: &serde_json::Value) -> Result<(), ParameterError> {
        let fail = |message: String| ParameterError {
            rule: self.id.clone(),
            message,
        };
        let Some(given) = value.as_object() else {
            return Err(fail("parameters must be a mapping".into()));
        };
        let properties = self
            .parameters
            .get("properties")
            .and_then(|p| p.as_object());
        for (name, v) in given {
            let Some(schema) = properties.and_then(|p| p.get(name)) else {
                let known: Vec<&String> =
                    properties.map(|p| p.keys().collect()).unwrap_or_default();
                return Err(fail(format!(
                    "unknown parameter `{name}` (known: {known:?})"
                )));
            };
            validate_value(schema, v).map_err(|m| fail(format!("parameter `{name}`: {m}")))?;
        }
        Ok(())
    }
}

fn validate_value(schema: &serde_json::Value, value: &serde_json::Value) -> Result<(), String> {
    if let Some(expected) = schema.get("type").and_then(|t| t.as_str()) {
        let ok = match expected {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        };
        if !ok {
            return Err(format!("expected {expected}, found {value}"));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(|e| e.as_array())
        && !allowed.contains(value)
    {
        return Err(format!(
            "{value} is not one of {}",
            serde_json::Value::Array(allowed.clone())
        ));
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(|m| m.as_f64()),
        value.as_f64(),
    ) && n < min
    {
        return Err(format!("{n} is below the minimum {min}"));
    }
    if let (Some(max), Some(n)) = (
        schema.get("maximum").and_then(|m| m.as_f64()),
        value.as_f64(),
    ) && n > max
    {
        return Err(format!("{n} is above the maximum {max}"));
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            validate_value(items, item).map_err(|m| format!("item {i}: {m}"))?;
        }
    }
    Ok(())
}
