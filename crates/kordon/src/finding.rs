//! Findings: what a rule reports, made concrete at a place in a file.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::document::{PathSegment, Position, Span};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: worth knowing, rarely worth failing on.
    Info,
    /// Low risk.
    Low,
    /// Medium risk.
    Medium,
    /// High risk.
    High,
    /// Critical: a direct path to node or cluster compromise.
    Critical,
}

impl Severity {
    /// All severities, most serious first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase name used in config, JSON and flags.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}` (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct Location {
    /// The file's display name.
    pub file: String,
    /// Byte range.
    pub span: Span,
    /// Where the range starts.
    pub start: Position,
    /// Where the range ends (exclusive column).
    pub end: Position,
}

/// How precisely a finding's location names the offending field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Precision {
    /// The location is the field the rule named.
    Exact,
    /// The field is absent; the location is its nearest existing parent.
    Ancestor,
    /// The rule named no field; the location is the object's name.
    Object,
    /// Mapped from a Helm render back into its template: every key of the field's path was
    /// found, in order and nested, in the template's text. Templates are not YAML, so this is a
    /// text search: loops and `include`s can write the same key elsewhere.
    TemplateKey,
    /// Mapped into a Helm template, where only an enclosing key of the field was found: the
    /// rest is written by template logic (`toYaml .Values…`, `include`, `range`) or is absent.
    TemplateAncestor,
    /// Mapped into a Helm template, where no key of the field was found: the location is the
    /// object's `kind:` line (or the template's first line).
    TemplateFile,
    /// Mapped from a Helm render to the key of a values file (the chart's `values.yaml` or one
    /// given with `--values`) whose value the template copies into the field: re-rendering with
    /// that key changed to a probe value put the probe value in the field.
    Values,
    /// Mapped from a Helm render to a values block (a mapping of the chart's `values.yaml` or a
    /// `--values` file) that the template copies whole into the field's parent, where the field
    /// itself is absent: re-rendering with the field added to that block put it in the object.
    /// The location is the block's key, since the field has no line of its own yet.
    ValuesAncestor,
    /// Mapped from a kustomize build into the resource file the object came from, where this
    /// field is written differently from the build: a patch or transformer of the
    /// kustomization changes it (the build is a related location).
    Transformed,
    /// Made by a kustomize generator that kordon could not trace into a file: the location is
    /// the generator's entry in the kustomization (a `helmCharts:` entry whose chart's template
    /// line could not be proven, or whose field the kustomization changes afterwards).
    Generated,
}

/// The object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct ObjectRef {
    /// `apiVersion`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`, when set.
    pub namespace: Option<String>,
    /// `metadata.name`, when set.
    pub name: Option<String>,
    /// Where the object is named in its file.
    pub location: Location,
}

/// Whether a fix may be applied without review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// The rule offers no fix.
    #[default]
    None,
    /// Cannot change behaviour beyond the rule's intent; applied by `--fix`.
    Safe,
    /// May break the workload; applied only with `--unsafe-fixes`.
    Unsafe,
}

/// The operation of a patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchKind {
    /// Add a field (or replace it if present).
    Add,
    /// Replace an existing field's value.
    Replace,
    /// Remove a field.
    Remove,
}

/// One patch operation at a path of the object, as rules give them in `details.fix`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchOp {
    /// What to do.
    pub op: PatchKind,
    /// Where, from the object's root.
    pub path: Vec<PathSegment>,
    /// The new value (for add and replace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

/// A suggested change that resolves a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Fix {
    /// A short description of the change.
    pub title: String,
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// The patch operations.
    pub ops: Vec<PatchOp>,
    /// What the operations' paths start from.
    pub target: FixTarget,
}

/// What the paths of a fix's operations start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FixTarget {
    /// The finding's object, in the file the finding is in.
    #[default]
    Object,
    /// The whole of a Helm values file (its first YAML document), where the finding is: the
    /// rule's patch of the rendered object, moved onto the values key the template copies into
    /// the field, and proven by rendering the chart again with the edited file.
    ValuesFile,
}

/// A rule's verdict on one field of one object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// The rule's id.
    pub rule_id: String,
    /// Severity after configuration overrides.
    pub severity: Severity,
    /// The rule's message.
    pub message: String,
    /// Where the finding is.
    pub location: Location,
    /// How precise the location is.
    pub precision: Precision,
    /// The object the finding is about.
    pub object: ObjectRef,
    /// The field the rule named (empty when it named none).
    pub path: Vec<PathSegment>,
    /// A suggested fix, when the rule offers one.
    pub fix: Option<Fix>,
    /// A stable identity: rule, object identity and field path — not line numbers.
    pub fingerprint: String,
    /// Other places that explain the finding.
    pub related: Vec<RelatedLocation>,
    /// The rule's `details`, untouched.
    pub details: serde_json::Value,
    /// Set when the finding is silenced (it then sits in [`crate::ScanReport::suppressed`]).
    pub suppression: Option<Suppression>,
    /// The related locations the rule asked for in `details.related`, as first resolved, so
    /// those in a render can be mapped back to the files the user edits.
    #[serde(skip)]
    pub(crate) rule_related: Vec<crate::related::RuleRelated>,
}

/// Where a silencing came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SuppressionKind {
    /// A comment or annotation in the manifest itself.
    InSource,
    /// Configuration or a baseline outside the manifest.
    External,
}

/// Why a finding is silenced. A suppression always carries a reason.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct Suppression {
    /// In the source, or external.
    pub kind: SuppressionKind,
    /// The reason given.
    pub reason: String,
    /// Where the suppression is written, when it is in a file.
    pub location: Option<Location>,
}

impl Suppression {
    /// A suppression with no written location (an external one, such as a baseline's).
    pub fn new(kind: SuppressionKind, reason: impl Into<String>) -> Suppression {
        Suppression {
            kind,
            reason: reason.into(),
            location: None,
        }
    }
}

impl RelatedLocation {
    /// A related location and why it is relevant.
    pub fn new(location: Location, message: impl Into<String>) -> RelatedLocation {
        RelatedLocation {
            location,
            message: message.into(),
        }
    }
}

/// A secondary location with a note.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct RelatedLocation {
    /// Where.
    pub location: Location,
    /// Why it is relevant.
    pub message: String,
}

/// A stable 64-bit FNV-1a fingerprint rendered as hex. Stable across versions and platforms,
/// which a `std` hasher does not promise.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0u8)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// A file's name as it enters a fingerprint: `.` segments and `dir/..` pairs removed, so the
/// same file named as `./app/x.yaml`, `app/./x.yaml` or `app/x.yaml` keeps one identity. A
/// member of a packaged chart (`charts/worker-0.2.0.tgz!/worker/templates/x.yaml`) is named
/// without the archive's file name, which carries the chart's version: the member's first
/// folder names the chart, so a subchart bump keeps the identities of unchanged findings.
pub(crate) fn identity_file(name: &str) -> String {
    use crate::input::chart_archive::{MEMBER_SEPARATOR, is_archive_name};
    if name.contains(MEMBER_SEPARATOR) {
        let parts: Vec<&str> = name.split(MEMBER_SEPARATOR).collect();
        let last = parts.len() - 1;
        let unversioned: Vec<String> = parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                if i < last && is_archive_name(part) {
                    // Keep the folder the archive sits in (`charts/`), drop its file name.
                    part.rfind('/')
                        .map_or(String::new(), |at| part[..=at].to_string())
                } else {
                    part.to_string()
                }
            })
            .collect();
        let mut joined = unversioned.into_iter();
        let first = joined.next().unwrap_or_default();
        let mut out = identity_path(&first);
        if first.ends_with('/') && !out.ends_with('/') {
            out.push('/');
        }
        for part in joined {
            out.push_str(MEMBER_SEPARATOR);
            out.push_str(&part);
        }
        return out;
    }
    identity_path(name)
}

fn identity_path(name: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "." => {}
            ".." if kept.last().is_some_and(|p| !p.is_empty() && *p != "..") => {
                kept.pop();
            }
            _ => kept.push(part),
        }
    }
    kept.join("/")
}

#[cfg(test)]
mod tests {
    use super::identity_file;

    #[test]
    fn identity_file_ignores_how_the_path_was_spelled() {
        assert_eq!(identity_file("./app/./x.yaml"), "app/x.yaml");
        assert_eq!(
            identity_file("crates/k/../../testdata/./a.yaml"),
            "testdata/a.yaml"
        );
        assert_eq!(identity_file("/abs/x.yaml"), "/abs/x.yaml");
        assert_eq!(identity_file("../up/x.yaml"), "../up/x.yaml");
    }

    #[test]
    fn archive_members_are_named_without_the_archive_s_version() {
        assert_eq!(
            identity_file("./app/charts/worker-0.2.0.tgz!/worker/templates/x.yaml"),
            identity_file("app/charts/worker-0.2.1.tgz!/worker/templates/x.yaml"),
        );
        assert_eq!(
            identity_file(
                "app/charts/worker-0.2.0.tgz!/worker/charts/nested-0.3.0.tgz!/nested/t.yaml"
            ),
            "app/charts/!/worker/charts/!/nested/t.yaml"
        );
        assert_eq!(identity_file("web-1.0.0.tgz!/web/t.yaml"), "!/web/t.yaml");
        // Another chart in the same folder stays apart: the member names it.
        assert_ne!(
            identity_file("charts/a-1.0.0.tgz!/a/t.yaml"),
            identity_file("charts/b-1.0.0.tgz!/b/t.yaml")
        );
    }
}
