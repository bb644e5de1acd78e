//! `--format sarif`: a SARIF 2.1.0 log that GitHub code scanning (and other SARIF consumers)
//! accept, built with the `serde-sarif` types.
//!
//! Choices a consumer can rely on:
//! - `run.columnKind` is `unicodeCodePoints`: kordon counts columns in characters, not UTF-16
//!   code units, and the schema gives no default.
//! - File URIs are relative to `%SRCROOT%` (the directory the scan ran from), declared in
//!   `run.originalUriBaseIds`; files outside it get absolute `file://` URIs.
//! - `partialFingerprints["kordon/v2"]` is the finding's fingerprint (rule, object identity and
//!   field path — no line numbers), so an alert keeps its identity when lines move.
//! - Severity maps to `level` and to GitHub's numeric `security-severity` (see
//!   [`security_severity`]).
//! - Suppressed findings are emitted with `suppressions`; active ones carry an empty
//!   `suppressions` array (the spec's way of saying "checked, not suppressed").
//! - GitHub's limits (25,000 results per run, 1,000 locations per result) are respected by
//!   deterministic truncation, reported as a tool notification.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde_json::json;
use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix as SarifFix, Invocation,
    Location as SarifLocation, Message, MultiformatMessageString, Notification, PhysicalLocation,
    PropertyBag, Region, Replacement, ReportingConfiguration, ReportingDescriptor,
    ReportingDescriptorReference, Result as SarifResult, ResultLevel, Run, Sarif,
    Suppression as SarifSuppression, Tool, ToolComponent,
};

use crate::document::display_path;
use crate::finding::{Finding, Location, Severity, SuppressionKind};
use crate::rules::{Rule, RuleSet};
use crate::scan::{Problem, ProblemLevel, ScanReport};

/// The SARIF model types (from the `serde-sarif` crate), for embedders that post-process a log.
pub use serde_sarif::sarif as model;

/// The `$schema` written into every log.
pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The URI base id that relative artifact URIs are resolved against.
pub const SRCROOT: &str = "%SRCROOT%";

/// The key of kordon's fingerprint in `partialFingerprints`. The `/v1` suffix is bumped if the
/// fingerprint's recipe ever changes, so consumers never compare unlike values.
pub const FINGERPRINT_KEY: &str = "kordon/v2";

/// GitHub code scanning keeps at most this many results per run.
pub const GITHUB_MAX_RESULTS: usize = 25_000;

/// GitHub code scanning keeps at most this many locations per result.
pub const GITHUB_MAX_LOCATIONS: usize = 1_000;

/// GitHub shows at most this many tags per rule.
const MAX_TAGS: usize = 10;

/// Options for SARIF output.
#[derive(Debug, Clone)]
pub struct SarifOptions {
    /// The absolute directory the scan's relative file names are relative to; written as the
    /// URI of `%SRCROOT%`. `None` declares `%SRCROOT%` without a URI.
    pub src_root: Option<PathBuf>,
    /// Results kept per run (default [`GITHUB_MAX_RESULTS`]).
    pub max_results: usize,
    /// Locations (primary plus related) kept per result (default [`GITHUB_MAX_LOCATIONS`]).
    pub max_locations_per_result: usize,
}

impl Default for SarifOptions {
    fn default() -> Self {
        SarifOptions {
            src_root: None,
            max_results: GITHUB_MAX_RESULTS,
            max_locations_per_result: GITHUB_MAX_LOCATIONS,
        }
    }
}

/// GitHub's numeric severity (0.0–10.0) for a kordon severity. GitHub buckets it as
/// critical (≥ 9.0), high (7.0–8.9), medium (4.0–6.9) and low (0.1–3.9). Rules of severity
/// Info get none in the log (they are notes, not security alerts); the value here is what a
/// caller that wants one for Info can use.
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// The SARIF `level` for a kordon severity: critical and high are errors, medium a warning,
/// low and info notes.
pub fn sarif_level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn level_name(level: ResultLevel) -> &'static str {
    match level {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        ResultLevel::Note => "note",
        ResultLevel::None => "none",
    }
}

/// Renders the report as a SARIF 2.1.0 log (pretty-printed JSON with a trailing newline).
pub fn render_sarif(report: &ScanReport, rules: &RuleSet, options: &SarifOptions) -> String {
    to_json_text(&sarif_log(report, rules, options))
}

/// A SARIF log holding only rule metadata (no run results): what `kordon rules --format sarif`
/// prints, for tools that import rule catalogues.
pub fn render_rules_sarif(rules: &RuleSet) -> String {
    let descriptors = rules.rules().iter().map(|r| descriptor(r)).collect();
    let run = Run::builder().tool(tool(descriptors)).build();
    to_json_text(&log(vec![run]))
}

fn to_json_text(log: &Sarif) -> String {
    // Serialising plain data structures cannot fail; an empty object is a safe fallback.
    let mut text = serde_json::to_string_pretty(log).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

fn log(runs: Vec<Run>) -> Sarif {
    Sarif::builder()
        .schema(SARIF_SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(runs)
        .build()
}

/// Builds the SARIF log for a scan: one run, its rules, results, and notifications.
pub fn sarif_log(report: &ScanReport, rules: &RuleSet, options: &SarifOptions) -> Sarif {
    let (descriptors, rule_index) = rules_that_ran(report, rules);
    let mut notifications: Vec<Notification> = report
        .problems
        .iter()
        .map(|p| problem_notification(p, &rule_index, options))
        .collect();

    let (chosen, dropped_results) = choose_results(report, options.max_results);
    let mut results = Vec::with_capacity(chosen.len());
    let mut trimmed_locations = 0usize;
    let documents = super::fix_documents(report, chosen.iter().copied());
    let editors: BTreeMap<&str, crate::fix::DocumentEditor<'_>> = documents
        .iter()
        .map(|(&file, document)| (file, crate::fix::DocumentEditor::new(document)))
        .collect();
    for finding in chosen {
        let (mut result, trimmed) = result_for(finding, &rule_index, options);
        result.fixes = editors
            .get(finding.location.file.as_str())
            .and_then(|document| sarif_fix(finding, document, options))
            .map(|fix| vec![fix]);
        trimmed_locations += usize::from(trimmed);
        results.push(result);
    }
    if dropped_results > 0 {
        notifications.push(truncation_notice(format!(
            "{dropped_results} of {} results were left out to stay within {} results per run; \
             the most severe active findings were kept (run kordon with another format to see all)",
            report.findings.len() + report.suppressed.len(),
            options.max_results
        )));
    }
    if trimmed_locations > 0 {
        notifications.push(truncation_notice(format!(
            "{trimmed_locations} result(s) had more than {} locations; their related locations \
             were cut to that limit",
            options.max_locations_per_result
        )));
    }

    let invocation = Invocation::builder()
        .execution_successful(!report.has_errors())
        .tool_execution_notifications(notifications)
        .build();

    let mut base = ArtifactLocation {
        description: Some(text_message(
            "The directory kordon was run from; relative file names are relative to it.",
        )),
        ..Default::default()
    };
    if let Some(root) = &options.src_root {
        base.uri = Some(directory_file_uri(root));
    }

    let run = Run::builder()
        .tool(tool(descriptors))
        .invocations(vec![invocation])
        .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_string(), base)]))
        .column_kind(json!("unicodeCodePoints"))
        .results(results)
        .build();
    log(vec![run])
}

fn tool(rules: Vec<ReportingDescriptor>) -> Tool {
    let version = env!("CARGO_PKG_VERSION");
    let driver = ToolComponent::builder()
        .name("kordon")
        .full_name(format!("kordon {version}"))
        .version(version)
        .semantic_version(version)
        .information_uri(env!("CARGO_PKG_HOMEPAGE"))
        .rules(rules)
        .build();
    Tool::builder().driver(driver).build()
}

/// Rules that took part in the scan (evaluated on an object, reported, or failed), in rule-set
/// order, with the index each gets in `tool.driver.rules`. Listing only these keeps the log
/// small and says truthfully which checks the results cover.
fn rules_that_ran(
    report: &ScanReport,
    rules: &RuleSet,
) -> (Vec<ReportingDescriptor>, BTreeMap<String, usize>) {
    let mut ran: BTreeSet<&str> = report.checks.iter().map(|c| c.rule.as_ref()).collect();
    ran.extend(report.findings.iter().map(|f| f.rule_id.as_str()));
    ran.extend(report.suppressed.iter().map(|f| f.rule_id.as_str()));
    ran.extend(report.problems.iter().filter_map(|p| p.rule.as_deref()));

    let mut descriptors = Vec::new();
    let mut index = BTreeMap::new();
    for rule in rules.rules() {
        if ran.remove(rule.id()) {
            index.insert(rule.id().to_string(), descriptors.len());
            descriptors.push(descriptor(rule));
        }
    }
    // Ids the rule set does not know (a report built elsewhere) still get a minimal entry, so
    // every result's ruleIndex resolves.
    for id in ran {
        index.insert(id.to_string(), descriptors.len());
        descriptors.push(
            ReportingDescriptor::builder()
                .id(id)
                .name(pascal_case(id))
                .build(),
        );
    }
    (descriptors, index)
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let meta = &rule.meta;
    let docs = &meta.docs;
    let help_text = format!(
        "What it checks\n{}\n\nWhy it matters\n{}\n\nExample\n{}\n\nHow to fix it\n{}\n",
        docs.what.trim(),
        docs.why.trim(),
        docs.example.trim_end(),
        docs.remediation.trim()
    );
    let help_markdown = format!(
        "## What it checks\n\n{}\n\n## Why it matters\n\n{}\n\n## Example\n\n```yaml\n{}\n```\n\n## How to fix it\n\n{}\n",
        docs.what.trim(),
        docs.why.trim(),
        docs.example.trim_end(),
        docs.remediation.trim()
    );

    let mut frameworks = Vec::new();
    frameworks.extend(meta.frameworks.cis.iter().map(|s| format!("CIS {s}")));
    frameworks.extend(
        meta.frameworks
            .nsa_cisa
            .iter()
            .map(|s| format!("NSA-CISA {s}")),
    );
    if let Some(level) = meta.frameworks.pss {
        let level = serde_json::to_value(level)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        frameworks.push(format!("PSS {level}"));
    }
    frameworks.extend(meta.frameworks.other.iter().cloned());
    // `security` (with a `security-severity`) makes GitHub file the results as security
    // alerts; an Info finding is advice, not a vulnerability, so it stays a plain note.
    let security = meta.severity != Severity::Info;
    let mut tags = Vec::new();
    if security {
        tags.push("security".to_string());
    }
    tags.extend(["kubernetes".to_string(), meta.category.clone()]);
    // Tags are short identifiers GitHub can filter by; the framework controls, which are
    // sentences, are in the `frameworks` property.
    if !meta.frameworks.cis.is_empty() {
        tags.push("cis".to_string());
    }
    if !meta.frameworks.nsa_cisa.is_empty() {
        tags.push("nsa-cisa".to_string());
    }
    if let Some(level) = meta.frameworks.pss {
        let level = serde_json::to_value(level)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        tags.push(format!("pss-{level}"));
    }
    tags.dedup();
    tags.truncate(MAX_TAGS);

    let mut extra = BTreeMap::new();
    if security {
        extra.insert(
            "security-severity".to_string(),
            json!(security_severity(meta.severity)),
        );
    }
    extra.insert("severity".to_string(), json!(meta.severity));
    extra.insert("category".to_string(), json!(meta.category));
    if !frameworks.is_empty() {
        extra.insert("frameworks".to_string(), json!(frameworks));
    }
    extra.insert("fix".to_string(), json!(meta.fix.applicability));

    let mut descriptor = ReportingDescriptor::builder()
        .id(meta.id.clone())
        .name(pascal_case(&meta.id))
        .short_description(plain(meta.title.trim()))
        .full_description(plain(&one_paragraph(&docs.what)))
        .help(
            MultiformatMessageString::builder()
                .text(help_text)
                .markdown(help_markdown)
                .build(),
        )
        .default_configuration(ReportingConfiguration {
            level: Some(json!(level_name(sarif_level(meta.severity)))),
            ..Default::default()
        })
        .properties(PropertyBag {
            tags: Some(tags),
            additional_properties: extra,
        })
        .build();
    descriptor.help_uri = help_uri(rule);
    descriptor
}

/// The rule's own `help-uri`, for every rule alike. Every rule's documentation is in `help`
/// already; a link made up for built-in rules only would point at a branch of a repository
/// that need not match the binary, and would make user rules the odd ones out.
fn help_uri(rule: &Rule) -> Option<String> {
    rule.meta.help_uri.clone()
}

fn plain(text: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(text).build()
}

fn text_message(text: impl Into<String>) -> Message {
    Message {
        text: Some(text.into()),
        ..Default::default()
    }
}

fn one_paragraph(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `privileged-container` → `PrivilegedContainer`, SARIF's customary rule-name shape.
fn pascal_case(id: &str) -> String {
    id.split(['-', '_', '.', '/'])
        .filter(|p| !p.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// The findings to emit, in report order (file, position, rule), and how many were left out.
/// When over the limit, active findings are kept before suppressed ones and the more severe
/// before the less, ties broken by report order — so the same report always keeps the same
/// results.
fn choose_results(report: &ScanReport, limit: usize) -> (Vec<&Finding>, usize) {
    let mut all: Vec<(usize, &Finding)> = report
        .findings
        .iter()
        .chain(report.suppressed.iter())
        .enumerate()
        .collect();
    let total = all.len();
    if total > limit {
        all.sort_by_key(|(order, f)| {
            (
                f.suppression.is_some(),
                std::cmp::Reverse(f.severity),
                *order,
            )
        });
        all.truncate(limit);
    }
    all.sort_by(|(oa, a), (ob, b)| {
        (&a.location.file, a.location.start, &a.rule_id, oa).cmp(&(
            &b.location.file,
            b.location.start,
            &b.rule_id,
            ob,
        ))
    });
    let kept = all.len();
    (all.into_iter().map(|(_, f)| f).collect(), total - kept)
}

/// One result; the flag says whether related locations were cut to the limit.
fn result_for(
    finding: &Finding,
    rule_index: &BTreeMap<String, usize>,
    options: &SarifOptions,
) -> (SarifResult, bool) {
    let primary = SarifLocation {
        id: Some(0),
        ..location(&finding.location, options)
    };
    let object_name = object_label(finding);
    let mut related = Vec::new();
    if !crate::input::render::is_render_name(&finding.object.location.file) {
        related.push(SarifLocation {
            id: Some(1),
            message: Some(text_message(format!("the object: {object_name}"))),
            ..location(&finding.object.location, options)
        });
    }
    // A rendered text (`chart (helm template)`) is no file a SARIF viewer can open: what it
    // adds is said by the related locations at the chart's or kustomization's own files.
    let real = finding
        .related
        .iter()
        .filter(|r| !crate::input::render::is_render_name(&r.location.file));
    for (n, extra) in real.enumerate() {
        related.push(SarifLocation {
            id: Some(n as i64 + 2),
            message: Some(text_message(extra.message.clone())),
            ..location(&extra.location, options)
        });
    }
    let room = options.max_locations_per_result.saturating_sub(1);
    let trimmed = related.len() > room;
    related.truncate(room);

    let mut properties = BTreeMap::new();
    properties.insert("severity".to_string(), json!(finding.severity));
    properties.insert("precision".to_string(), json!(finding.precision));
    if !finding.path.is_empty() {
        properties.insert("path".to_string(), json!(display_path(&finding.path)));
    }
    properties.insert(
        "object".to_string(),
        json!({
            "apiVersion": finding.object.api_version,
            "kind": finding.object.kind,
            "namespace": finding.object.namespace,
            "name": finding.object.name,
        }),
    );

    let mut result = SarifResult::builder()
        .rule_id(finding.rule_id.clone())
        .level(sarif_level(finding.severity))
        .message(text_message(finding.message.clone()))
        .locations(vec![primary])
        .related_locations(related)
        .partial_fingerprints(BTreeMap::from([(
            FINGERPRINT_KEY.to_string(),
            finding.fingerprint.clone(),
        )]))
        .suppressions(suppressions(finding, options))
        .properties(PropertyBag {
            tags: None,
            additional_properties: properties,
        })
        .build();
    if let Some(index) = rule_index.get(&finding.rule_id) {
        result.rule_index = Some(*index as i64);
    }
    (result, trimmed)
}

/// The finding's fix as SARIF `fixes[0]`: one artifact change whose replacements are the text
/// edits of the file as scanned (none when the fix cannot be applied there).
fn sarif_fix(
    finding: &Finding,
    editor: &crate::fix::DocumentEditor<'_>,
    options: &SarifOptions,
) -> Option<SarifFix> {
    let fix = finding.fix.as_ref()?;
    let document = editor.document();
    let edits = editor.fix_edits(finding).ok()?;
    let replacements = edits
        .iter()
        .map(|edit| {
            let start = document.position(edit.start);
            let end = document.position(edit.end);
            Replacement {
                deleted_region: Region {
                    start_line: Some(start.line as i64),
                    start_column: Some(start.column as i64),
                    end_line: Some(end.line as i64),
                    end_column: Some(end.column as i64),
                    ..Default::default()
                },
                inserted_content: Some(ArtifactContent {
                    text: Some(edit.replacement.clone()),
                    ..Default::default()
                }),
                properties: None,
            }
        })
        .collect();
    let mut properties = BTreeMap::new();
    properties.insert("applicability".to_string(), json!(fix.applicability));
    Some(SarifFix {
        description: Some(text_message(fix.title.clone())),
        artifact_changes: vec![ArtifactChange {
            artifact_location: artifact(&finding.location.file, options),
            replacements,
            properties: None,
        }],
        properties: Some(PropertyBag {
            tags: None,
            additional_properties: properties,
        }),
    })
}

fn object_label(finding: &Finding) -> String {
    let object = &finding.object;
    let name = object.name.as_deref().unwrap_or("<unnamed>");
    match &object.namespace {
        Some(ns) => format!("{} {} {ns}/{name}", object.api_version, object.kind),
        None => format!("{} {} {name}", object.api_version, object.kind),
    }
}

fn suppressions(finding: &Finding, options: &SarifOptions) -> Vec<SarifSuppression> {
    let Some(suppression) = &finding.suppression else {
        return Vec::new();
    };
    let kind = match suppression.kind {
        SuppressionKind::InSource => "inSource",
        SuppressionKind::External => "external",
    };
    let mut out = SarifSuppression::builder()
        .kind(json!(kind))
        .justification(suppression.reason.clone())
        .build();
    out.location = suppression.location.as_ref().map(|l| location(l, options));
    vec![out]
}

fn location(place: &Location, options: &SarifOptions) -> SarifLocation {
    // A member of a packaged chart (`charts/x-1.0.0.tgz!/x/templates/a.yaml`) is no file a
    // code-scanning UI can open: the location is the archive itself, without a region (its
    // lines are the compressed bytes'), and the member and its line are said in the message
    // and in the properties.
    if let Some((archive, member)) = crate::input::chart_archive::split_member(&place.file) {
        let region = json!({
            "startLine": place.start.line,
            "startColumn": place.start.column,
            "endLine": place.end.line,
            "endColumn": place.end.column,
        });
        return SarifLocation {
            physical_location: Some(PhysicalLocation {
                artifact_location: Some(artifact(archive, options)),
                ..Default::default()
            }),
            message: Some(text_message(format!(
                "in the packaged chart {archive}, member {member}, line {}",
                place.start.line
            ))),
            properties: Some(PropertyBag {
                tags: None,
                additional_properties: BTreeMap::from([
                    ("archiveMember".to_string(), json!(member)),
                    ("memberRegion".to_string(), region),
                ]),
            }),
            ..Default::default()
        };
    }
    SarifLocation {
        physical_location: Some(PhysicalLocation {
            artifact_location: Some(artifact(&place.file, options)),
            region: Some(Region {
                start_line: Some(place.start.line as i64),
                start_column: Some(place.start.column as i64),
                end_line: Some(place.end.line as i64),
                end_column: Some(place.end.column as i64),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn problem_notification(
    problem: &Problem,
    rule_index: &BTreeMap<String, usize>,
    options: &SarifOptions,
) -> Notification {
    let level = match problem.level {
        ProblemLevel::Error => "error",
        ProblemLevel::Warning => "warning",
        ProblemLevel::Note => "note",
    };
    let kind = serde_json::to_value(problem.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "problem".into());
    let mut notification = Notification::builder()
        .level(json!(level))
        .message(text_message(problem.message.clone()))
        .descriptor(ReportingDescriptorReference {
            id: Some(format!("kordon/{kind}")),
            ..Default::default()
        })
        .build();
    if let Some(file) = &problem.file {
        let region = problem.position.map(|p| Region {
            start_line: Some(p.line as i64),
            start_column: Some(p.column as i64),
            ..Default::default()
        });
        notification.locations = Some(vec![SarifLocation {
            physical_location: Some(PhysicalLocation {
                artifact_location: Some(artifact(file, options)),
                region,
                ..Default::default()
            }),
            ..Default::default()
        }]);
    }
    if let Some(rule) = &problem.rule {
        notification.associated_rule = Some(ReportingDescriptorReference {
            id: Some(rule.clone()),
            index: rule_index.get(rule).map(|i| *i as i64),
            ..Default::default()
        });
    }
    notification
}

fn truncation_notice(message: String) -> Notification {
    Notification::builder()
        .level(json!("warning"))
        .message(text_message(message))
        .descriptor(ReportingDescriptorReference {
            id: Some("kordon/truncated".into()),
            ..Default::default()
        })
        .build()
}

/// The artifact location of a file by its display name: relative to `%SRCROOT%` when it lies
/// under the scan root, else an absolute `file://` URI.
fn artifact(name: &str, options: &SarifOptions) -> ArtifactLocation {
    match artifact_uri(name, options.src_root.as_deref()) {
        ArtifactUri::Relative(uri) => ArtifactLocation {
            uri: Some(uri),
            uri_base_id: Some(SRCROOT.into()),
            ..Default::default()
        },
        ArtifactUri::Absolute(uri) => ArtifactLocation {
            uri: Some(uri),
            ..Default::default()
        },
    }
}

enum ArtifactUri {
    Relative(String),
    Absolute(String),
}

fn artifact_uri(name: &str, root: Option<&Path>) -> ArtifactUri {
    let path = Path::new(name);
    let lexical_root = root.map(normalize);
    if path.is_absolute() {
        let path = normalize(path);
        if let Some(relative) = lexical_root
            .as_ref()
            .and_then(|r| path.strip_prefix(r).ok())
        {
            return ArtifactUri::Relative(relative_uri(relative));
        }
        return ArtifactUri::Absolute(file_uri(&path));
    }
    let relative = normalize(path);
    if relative.components().next() == Some(Component::ParentDir) {
        // `../x` escapes the root: say where it is absolutely, when the root is known.
        if let Some(root) = lexical_root {
            return ArtifactUri::Absolute(file_uri(&normalize(&root.join(path))));
        }
    }
    ArtifactUri::Relative(relative_uri(&relative))
}

/// Resolves `.` and `..` without touching the file system (the renderer stays pure).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = out.components().next_back();
                match last {
                    Some(Component::Normal(_)) => {
                        out.pop();
                    }
                    Some(Component::RootDir | Component::Prefix(_)) => {}
                    _ => out.push(".."),
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn segments(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".into()),
            Component::Prefix(p) => Some(p.as_os_str().to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

fn relative_uri(path: &Path) -> String {
    segments(path)
        .iter()
        .map(|s| percent_encode(s, false))
        .collect::<Vec<_>>()
        .join("/")
}

fn file_uri(path: &Path) -> String {
    let parts: Vec<String> = segments(path)
        .iter()
        .map(|s| percent_encode(s, true))
        .collect();
    format!("file:///{}", parts.join("/"))
}

fn directory_file_uri(path: &Path) -> String {
    let mut uri = file_uri(&normalize(path));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encodes one path segment. `:` is kept only in absolute URIs (a drive letter): in a
/// relative reference it would be read as a scheme.
fn percent_encode(segment: &str, colon_ok: bool) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=@".contains(&byte)
            || (colon_ok && byte == b':');
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(name: &str, root: Option<&str>) -> String {
        match artifact_uri(name, root.map(Path::new)) {
            ArtifactUri::Relative(u) => format!("rel:{u}"),
            ArtifactUri::Absolute(u) => format!("abs:{u}"),
        }
    }

    #[test]
    fn uris_are_relative_to_the_root_and_encoded() {
        assert_eq!(rel("k8s/app.yaml", None), "rel:k8s/app.yaml");
        assert_eq!(rel("./k8s/./app.yaml", None), "rel:k8s/app.yaml");
        assert_eq!(rel("k8s/my app#1.yaml", None), "rel:k8s/my%20app%231.yaml");
        assert_eq!(rel("k8s/ünï.yaml", None), "rel:k8s/%C3%BCn%C3%AF.yaml");
        assert_eq!(rel("a:b.yaml", None), "rel:a%3Ab.yaml");
        assert_eq!(rel("<stdin>", None), "rel:%3Cstdin%3E");
    }

    #[cfg(unix)]
    #[test]
    fn paths_outside_the_root_become_absolute_file_uris() {
        assert_eq!(rel("/repo/k8s/a.yaml", Some("/repo")), "rel:k8s/a.yaml");
        assert_eq!(
            rel("/elsewhere/a.yaml", Some("/repo")),
            "abs:file:///elsewhere/a.yaml"
        );
        assert_eq!(
            rel("../other/a.yaml", Some("/repo/sub")),
            "abs:file:///repo/other/a.yaml"
        );
        assert_eq!(
            directory_file_uri(Path::new("/my repo")),
            "file:///my%20repo/"
        );
    }

    #[test]
    fn names_and_severities() {
        assert_eq!(pascal_case("privileged-container"), "PrivilegedContainer");
        assert_eq!(security_severity(Severity::Critical), "9.5");
        assert_eq!(level_name(sarif_level(Severity::Medium)), "warning");
        assert_eq!(level_name(sarif_level(Severity::Info)), "note");
    }
}
