//! Fixes: the patch operations rules suggest become minimal text edits of the original file, so
//! comments, key order, quoting and indentation outside the changed fields stay as written.
//!
//! ```
//! use kordon::fix::{FixMode, apply_fixes};
//! use kordon::{Scanner, Source};
//!
//! let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app # the app\n      image: nginx:1.27\n      securityContext:\n        privileged: true # why?\n";
//! let scanner = Scanner::builder().build().expect("the built-in rules load");
//! let report = scanner.scan_sources(vec![Source::new("pod.yaml", text)]);
//! let outcome = apply_fixes(text, "pod.yaml", &report.findings, FixMode::default());
//! assert!(outcome.new_text.contains("privileged: false # why?"));
//! assert!(outcome.new_text.contains("- name: app # the app"));
//! ```

mod edit;
mod render;
mod write;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

pub use write::{FileFix, FixRun, fix_report, fix_source, verify_fixed, write_fixed};

use crate::document::{Document, ParseLimits, Source, Span};
use crate::finding::{Applicability, Finding, FixTarget, Location};

/// A replacement of the bytes `start..end` of the original text (an insertion when they are
/// equal).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TextEdit {
    /// Byte offset where the replaced range starts.
    pub start: usize,
    /// Byte offset one past the replaced range.
    pub end: usize,
    /// The new text.
    pub replacement: String,
}

/// Which fixes may be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FixMode {
    /// Also apply fixes marked unsafe (they may change how the workload runs).
    pub unsafe_fixes: bool,
}

impl FixMode {
    /// True when a fix of this applicability may be applied in this mode.
    pub fn allows(self, applicability: Applicability) -> bool {
        match applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => self.unsafe_fixes,
            Applicability::None => false,
        }
    }
}

/// A fix that was applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedFix {
    /// The rule whose finding it resolves.
    pub rule_id: String,
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// The fix's title.
    pub title: String,
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// Where the finding was.
    pub location: Location,
    /// The edits, against the text they were applied to.
    pub edits: Vec<TextEdit>,
}

/// Why a fix was not applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "kebab-case")]
pub enum SkipReason {
    /// The fix is unsafe and unsafe fixes were not asked for.
    Unsafe,
    /// The fix cannot be carried out on this text (anchors, missing parents, ...).
    NotApplicable(String),
    /// The fix overlaps another fix and stayed in conflict after every round.
    Conflict,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unsafe => f.write_str("the fix is unsafe; add --unsafe-fixes to apply it"),
            SkipReason::NotApplicable(why) => write!(f, "the fix cannot be applied: {why}"),
            SkipReason::Conflict => f.write_str(
                "the fix still overlaps another fix to the same lines after every round; apply it by hand",
            ),
        }
    }
}

/// A fix that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedFix {
    /// The rule whose finding it would resolve.
    pub rule_id: String,
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// The fix's title.
    pub title: String,
    /// Where the finding is.
    pub location: Location,
    /// Why it was not applied.
    pub reason: SkipReason,
}

/// The result of applying fixes to one text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FixOutcome {
    /// The text with the applied fixes.
    pub new_text: String,
    /// Fixes applied, in order.
    pub applied: Vec<AppliedFix>,
    /// Fixes not applied.
    pub skipped: Vec<SkippedFix>,
}

/// The text edits that carry out a finding's fix on `document` (the parsed file the finding was
/// made in). For many findings of one file, [`DocumentEditor`] prepares the file once.
pub fn fix_edits(document: &Document, finding: &Finding) -> Result<Vec<TextEdit>, String> {
    DocumentEditor::new(document).fix_edits(finding)
}

/// A parsed file prepared to turn the fixes of many findings into text edits: what each fix
/// needs from the whole file (its objects by location, its aliases, its line breaks) is found
/// once, so the cost per finding does not grow with the size of the file.
pub struct DocumentEditor<'d> {
    editor: edit::Editor<'d>,
    document: &'d Document,
    objects: HashMap<Span, usize>,
    /// The file's first YAML document, for fixes of a Helm values file (which holds no
    /// Kubernetes object): read on the first such fix.
    values_root: std::sync::OnceLock<Option<crate::document::Node>>,
}

impl<'d> DocumentEditor<'d> {
    /// Prepares `document` (the parsed file the findings were made in).
    pub fn new(document: &'d Document) -> Self {
        let mut objects = HashMap::with_capacity(document.objects.len());
        for (index, object) in document.objects.iter().enumerate() {
            // The first object at a place wins, as a search from the start of the file finds it.
            objects.entry(object.anchor_span()).or_insert(index);
        }
        DocumentEditor {
            editor: edit::Editor::new(&document.source.text),
            document,
            objects,
            values_root: std::sync::OnceLock::new(),
        }
    }

    /// The parsed file.
    pub fn document(&self) -> &'d Document {
        self.document
    }

    /// The text edits that carry out `finding`'s fix on the file.
    pub fn fix_edits(&self, finding: &Finding) -> Result<Vec<TextEdit>, String> {
        let fix = finding.fix.as_ref().ok_or("the finding has no fix")?;
        if fix.target == FixTarget::ValuesFile {
            let root = self
                .values_root
                .get_or_init(|| {
                    crate::document::parse_stream(
                        &self.document.source.text,
                        ParseLimits::default(),
                    )
                    .documents
                    .into_iter()
                    .next()
                    .and_then(Result::ok)
                    .and_then(|d| d.root)
                })
                .as_ref()
                .ok_or("the values file no longer parses")?;
            return self.editor.edits(root, &fix.ops);
        }
        let object = self
            .objects
            .get(&finding.object.location.span)
            .and_then(|&index| self.document.objects.get(index))
            .ok_or("the object is no longer where the finding says it is")?;
        self.editor.edits(&object.root, &fix.ops)
    }
}

/// The text edits that carry out `ops` on the values file `text` whose first document is `root`.
pub(crate) fn values_edits(
    text: &str,
    root: &crate::document::Node,
    ops: &[crate::finding::PatchOp],
) -> Result<Vec<TextEdit>, String> {
    edit::Editor::new(text).edits(root, ops)
}

/// Applies the fixes of `findings` made in the file `name` to its `text`, in one pass: fixes that
/// overlap an earlier one are skipped as conflicts (see [`fix_source`] to iterate).
pub fn apply_fixes(text: &str, name: &str, findings: &[Finding], mode: FixMode) -> FixOutcome {
    let document = Document::parse(
        Arc::new(Source::new(name, text.to_string())),
        ParseLimits::default(),
    );
    let editor = DocumentEditor::new(&document);
    // Ordered by (start, end, arrival), so the conflict test and each insertion look only at
    // neighbours: a sorted vector's insertions made many fixes to one file quadratic.
    let mut accepted: BTreeMap<(usize, usize, usize), TextEdit> = BTreeMap::new();
    let mut made: std::collections::HashSet<TextEdit> = std::collections::HashSet::new();
    let mut outcome = FixOutcome::default();
    for finding in findings.iter().filter(|f| f.location.file == name) {
        let Some(fix) = &finding.fix else { continue };
        let skip = |reason| SkippedFix {
            rule_id: finding.rule_id.clone(),
            fingerprint: finding.fingerprint.clone(),
            title: fix.title.clone(),
            location: finding.location.clone(),
            reason,
        };
        if !mode.allows(fix.applicability) {
            outcome.skipped.push(skip(SkipReason::Unsafe));
            continue;
        }
        let edits = match editor.fix_edits(finding) {
            Ok(edits) => edits,
            Err(why) => {
                outcome.skipped.push(skip(SkipReason::NotApplicable(why)));
                continue;
            }
        };
        // Findings of several renders of one template can share a values key: their fixes
        // are one edit, made once.
        let already_made = !edits.is_empty() && edits.iter().all(|e| made.contains(e));
        if !already_made && edits.iter().any(|e| conflicts_with_sorted(&accepted, e)) {
            outcome.skipped.push(skip(SkipReason::Conflict));
            continue;
        }
        if !already_made {
            for e in &edits {
                accepted.insert((e.start, e.end, accepted.len()), e.clone());
                made.insert(e.clone());
            }
        }
        outcome.applied.push(AppliedFix {
            rule_id: finding.rule_id.clone(),
            fingerprint: finding.fingerprint.clone(),
            title: fix.title.clone(),
            applicability: fix.applicability,
            location: finding.location.clone(),
            edits,
        });
    }
    let accepted: Vec<TextEdit> = accepted.into_values().collect();
    outcome.new_text = apply_edits(text, &accepted);
    outcome
}

/// Applies non-overlapping edits to `text`.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut cursor = 0;
    for edit in sorted {
        let start = edit.start.clamp(cursor, text.len());
        out.push_str(&text[cursor..start]);
        out.push_str(&edit.replacement);
        cursor = edit.end.clamp(start, text.len());
    }
    out.push_str(&text[cursor..]);
    out
}

/// True when `edit` conflicts with one of `sorted` (ordered by start, then end): only its
/// neighbours in that order can.
fn conflicts_with_sorted(
    sorted: &BTreeMap<(usize, usize, usize), TextEdit>,
    edit: &TextEdit,
) -> bool {
    let key = (edit.start, edit.end, 0);
    let before = sorted.range(..key).next_back().map(|(_, b)| b);
    // Equal keys sort either way; check both orders against the edits around the slot.
    sorted
        .range(key..)
        .map(|(_, a)| a)
        .take_while(|a| a.start < edit.end.max(edit.start + 1))
        .any(|a| conflicts(edit, a) || conflicts(a, edit))
        || before.is_some_and(|b| conflicts(b, edit))
}

/// True when two edits, `a` sorted before `b`, cannot both be applied: their ranges overlap, or
/// both insert at the same place (their order would be a guess).
pub(crate) fn conflicts(a: &TextEdit, b: &TextEdit) -> bool {
    b.start < a.end || (a.start == b.start && a.start == a.end && b.start == b.end)
}

/// A unified diff of a file's old and new text, with `a/` and `b/` headers (as `git apply`
/// reads them). Empty when nothing changed.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .missing_newline_hint(true)
        .to_string()
}

/// True when the text is output of `helm template` (it carries Helm's `# Source:
/// chart/templates/...` comments): fixing it would be lost at the next render.
pub fn is_helm_rendered(text: &str) -> bool {
    text.contains("# Source: ") && !crate::input::helm::source_comments(text).is_empty()
}

/// The chart template a Helm-rendered document at `offset` came from, as its `# Source:`
/// comment names it.
pub fn helm_template_at(text: &str, offset: usize) -> Option<String> {
    let comments = crate::input::helm::source_comments(text);
    crate::input::helm::template_at(&comments, offset).map(|c| c.template.clone())
}

#[cfg(test)]
mod tests;
