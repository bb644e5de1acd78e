//! Fixes of findings a chart's values drive: the rule's patch of the rendered object, moved
//! onto the values key the template copies into the field.
//!
//! Such a fix is offered only once proven: the values file is edited in memory, the edited
//! text must parse back to the same values but the one key, the chart is rendered again with
//! it (a `--values` file replaced by its edited copy, or the chart's `values.yaml` overridden by
//! its edited copy), and in that render the field must hold the fixed value, nothing else may
//! differ from the first render, and a scan of it must no longer report the finding. A file
//! inside a packaged chart (`charts/*.tgz`) is never edited.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::document::{Document, ParseLimits, PathSegment, Source};
use crate::finding::{Finding, PatchOp};
use crate::input::helm::{HelmOptions, render_chart, rendered_identity, source_comments};

/// How many edits are proven one render each when all of a chart's edits together fail.
const MAX_SEPARATE_PROOFS: usize = 12;

/// A values edit to prove for one finding.
pub(crate) struct Proposal<'a> {
    pub chart_dir: &'a Path,
    pub options: &'a HelmOptions,
    /// The values file to edit; it must have a path on disk.
    pub file: &'a Arc<Source>,
    /// Its place among `options.values`; `None` for the rendered chart's own `values.yaml`.
    pub given: Option<usize>,
    /// The edit, with a path from the file's root.
    pub op: PatchOp,
    /// The render the finding was made in.
    pub render: &'a str,
    /// The rendered object's identity (template and document order) and the finding's field.
    pub identity: &'a str,
    pub field: &'a [PathSegment],
    /// The value the rule's fix gives the field.
    pub value: &'a Value,
    pub rule_id: &'a str,
    /// Whether `--fix` makes it without `--unsafe-fixes`.
    pub safe: bool,
}

/// One edit of one values file, shared by the proposals that make it.
struct Change {
    file: usize,
    op: PatchOp,
    members: Vec<usize>,
    safe: bool,
}

/// Says for each proposal whether its edit was proven. `rescan` scans a render without mapping
/// it (the rules of the scan that made the findings).
pub(crate) fn prove(
    proposals: &[Proposal<'_>],
    rescan: &dyn Fn(Source) -> Vec<Finding>,
) -> Vec<bool> {
    let mut proven = vec![false; proposals.len()];
    let mut renders: Vec<(&Path, &HelmOptions)> = Vec::new();
    for p in proposals {
        if !renders.contains(&(p.chart_dir, p.options)) {
            renders.push((p.chart_dir, p.options));
        }
    }
    for (chart_dir, options) in renders {
        let here: Vec<usize> = (0..proposals.len())
            .filter(|&i| proposals[i].chart_dir == chart_dir && proposals[i].options == options)
            .collect();
        let mut files: Vec<(&Arc<Source>, Option<usize>)> = Vec::new();
        let mut changes: Vec<Change> = Vec::new();
        for &i in &here {
            let p = &proposals[i];
            let file = match files.iter().position(|(f, _)| f.name == p.file.name) {
                Some(at) => at,
                None => {
                    files.push((p.file, p.given));
                    files.len() - 1
                }
            };
            match changes
                .iter_mut()
                .find(|c| c.file == file && c.op.path == p.op.path)
            {
                // Two rules that want different values for one key: neither is offered.
                Some(change) if change.op.value != p.op.value => change.members.clear(),
                Some(change) if !change.members.is_empty() => {
                    change.members.push(i);
                    change.safe &= p.safe;
                }
                Some(_) => {}
                None => changes.push(Change {
                    file,
                    op: p.op.clone(),
                    members: vec![i],
                    safe: p.safe,
                }),
            }
        }
        changes.retain(|c| !c.members.is_empty());
        let proof = Proof {
            chart_dir,
            options,
            proposals,
            files: &files,
            rescan,
            volatile: std::cell::OnceCell::new(),
        };
        // `--fix` makes the safe edits together, `--unsafe-fixes` all of them: each set is
        // proven as a whole.
        let (safe, unsafe_): (Vec<&Change>, Vec<&Change>) = changes.iter().partition(|c| c.safe);
        let safe = proof.largest_holding(&[], &safe);
        let unsafe_ = proof.largest_holding(&safe, &unsafe_);
        let accepted = safe.into_iter().chain(unsafe_);
        for change in accepted {
            for &i in &change.members {
                proven[i] = true;
            }
        }
    }
    proven
}

struct Proof<'p, 'a> {
    chart_dir: &'p Path,
    options: &'p HelmOptions,
    proposals: &'p [Proposal<'a>],
    files: &'p [(&'p Arc<Source>, Option<usize>)],
    rescan: &'p dyn Fn(Source) -> Vec<Finding>,
    /// Fields that differ between two renders of the unchanged chart (random values), found
    /// when a comparison first needs them.
    volatile: std::cell::OnceCell<Vec<(String, Vec<PathSegment>)>>,
}

impl Proof<'_, '_> {
    /// The changes of `candidates` that hold made together with `base` (which holds): all of
    /// them, else those that hold one at a time, if they also hold together, else the first.
    fn largest_holding<'c>(
        &self,
        base: &[&'c Change],
        candidates: &[&'c Change],
    ) -> Vec<&'c Change> {
        if candidates.is_empty() {
            return Vec::new();
        }
        let with_base = |extra: &[&'c Change]| -> Vec<&'c Change> {
            base.iter().chain(extra).copied().collect()
        };
        if self.holds(&with_base(candidates)) {
            return candidates.to_vec();
        }
        let mut alone: Vec<&Change> = candidates
            .iter()
            .take(MAX_SEPARATE_PROOFS)
            .filter(|c| self.holds(&with_base(&[c])))
            .copied()
            .collect();
        if alone.len() > 1 && !self.holds(&with_base(&alone)) {
            alone.truncate(1);
        }
        alone
    }

    /// Whether making `changes` together does what their proposals say and nothing else.
    fn holds(&self, changes: &[&Change]) -> bool {
        let Some(render) = self.render_with(changes) else {
            return false;
        };
        let Some(original) = changes
            .first()
            .and_then(|c| c.members.first())
            .map(|&i| self.proposals[i].render)
        else {
            return false;
        };
        let members: Vec<&Proposal<'_>> = changes
            .iter()
            .flat_map(|c| c.members.iter().map(|&i| &self.proposals[i]))
            .collect();
        let before = objects(original);
        let after = objects(&render);
        let mut expected = before.clone();
        for p in &members {
            let Some((_, object)) = expected.iter_mut().find(|(id, _)| id == p.identity) else {
                return false;
            };
            if crate::provenance::set_json(object, p.field, p.value.clone()).is_none() {
                return false;
            }
        }
        let differing = differences(&expected, &after);
        if !differing.is_empty() {
            let volatile = self.volatile.get_or_init(|| {
                render_chart(self.chart_dir, self.options)
                    .map(|again| differences(&before, &objects(&again)))
                    .unwrap_or_default()
            });
            let explained = |(id, path): &(String, Vec<PathSegment>)| {
                volatile
                    .iter()
                    .any(|(v_id, v)| v_id == id && (path.starts_with(v) || v.starts_with(path)))
            };
            if !differing.iter().all(explained) {
                return false;
            }
        }
        // The rules themselves must agree that the findings are gone.
        let comments = source_comments(&render);
        let remaining = (self.rescan)(Source::new("kordon-fix-proof", render.as_str()));
        !remaining.iter().any(|f| {
            let identity = rendered_identity(&comments, f.object.location.span.start);
            members.iter().any(|p| {
                f.rule_id == p.rule_id
                    && f.path == p.field
                    && identity.as_deref() == Some(p.identity)
            })
        })
    }

    /// The chart rendered with `changes` made to copies of the values files.
    fn render_with(&self, changes: &[&Change]) -> Option<String> {
        let mut options = self.options.clone();
        let mut temporary = Vec::new();
        // Inserted after every replacement, so the indices of the `--values` files still hold.
        let mut chart_values = None;
        for (index, (file, given)) in self.files.iter().enumerate() {
            let ops: Vec<PatchOp> = changes
                .iter()
                .filter(|c| c.file == index)
                .map(|c| c.op.clone())
                .collect();
            if ops.is_empty() {
                continue;
            }
            let edited = edited_text(file, &ops)?;
            let copy = write_copy(file, &edited)?;
            let path: PathBuf = copy.path().to_path_buf();
            match given {
                Some(at) => *options.values.get_mut(*at)? = path,
                None => chart_values = Some(path),
            }
            temporary.push(copy);
        }
        // The chart's own values, overridden by their edited copy: a values file that sets
        // every key the chart's does, before the user's files.
        if let Some(path) = chart_values {
            options.values.insert(0, path);
        }
        let rendered = render_chart(self.chart_dir, &options).ok();
        drop(temporary);
        rendered
    }
}

/// The values file's text with `ops` made one after the other (as `--fix` makes them, over
/// rounds), when it parses back to the same values but for them.
pub(crate) fn edited_text(file: &Source, ops: &[PatchOp]) -> Option<String> {
    let original = first_root(&file.text)?;
    let mut text = file.text.clone();
    for op in ops {
        let root = first_root(&text)?;
        let edits = crate::fix::values_edits(&text, &root, std::slice::from_ref(op)).ok()?;
        text = crate::fix::apply_edits(&text, &edits);
    }
    (first_root(&text)?.to_json() == values_with(&original.to_json(), ops)?).then_some(text)
}

/// `values` with every add and replace of `ops` made.
pub(crate) fn values_with(values: &Value, ops: &[PatchOp]) -> Option<Value> {
    let mut out = values.clone();
    for op in ops {
        crate::provenance::set_json(&mut out, &op.path, op.value.clone()?)?;
    }
    Some(out)
}

pub(crate) fn first_root(text: &str) -> Option<crate::document::Node> {
    crate::document::parse_stream(text, ParseLimits::default())
        .documents
        .into_iter()
        .next()
        .and_then(Result::ok)
        .and_then(|d| d.root)
}

/// A temporary copy of a values file with `text`, beside nothing of the user's.
fn write_copy(file: &Source, text: &str) -> Option<tempfile::NamedTempFile> {
    let suffix = Path::new(&file.name)
        .extension()
        .map_or(".yaml".to_string(), |e| format!(".{}", e.to_string_lossy()));
    let mut copy = tempfile::Builder::new()
        .prefix("kordon-values-")
        .suffix(&suffix)
        .tempfile()
        .ok()?;
    std::io::Write::write_all(&mut copy, text.as_bytes()).ok()?;
    Some(copy)
}

/// The objects of a render as JSON, by identity.
fn objects(render: &str) -> Vec<(String, Value)> {
    let comments = source_comments(render);
    let document = Document::parse(
        Arc::new(Source::new("render", render)),
        ParseLimits::default(),
    );
    document
        .objects
        .iter()
        .filter_map(|o| {
            Some((
                rendered_identity(&comments, o.root.span.start)?,
                o.root.to_json(),
            ))
        })
        .collect()
}

/// The places where two renders differ: per object identity, the paths of differing fields (an
/// object only one render has is one difference at its root).
fn differences(a: &[(String, Value)], b: &[(String, Value)]) -> Vec<(String, Vec<PathSegment>)> {
    let mut out = Vec::new();
    for (id, left) in a {
        match b.iter().find(|(other, _)| other == id) {
            Some((_, right)) => {
                let mut paths = Vec::new();
                differing_paths(left, right, &mut Vec::new(), &mut paths);
                out.extend(paths.into_iter().map(|p| (id.clone(), p)));
            }
            None => out.push((id.clone(), Vec::new())),
        }
    }
    for (id, _) in b {
        if !a.iter().any(|(other, _)| other == id) {
            out.push((id.clone(), Vec::new()));
        }
    }
    out
}

fn differing_paths(
    a: &Value,
    b: &Value,
    at: &mut Vec<PathSegment>,
    out: &mut Vec<Vec<PathSegment>>,
) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, left) in x {
                at.push(PathSegment::Key(key.clone()));
                match y.get(key) {
                    Some(right) => differing_paths(left, right, at, out),
                    None => out.push(at.clone()),
                }
                at.pop();
            }
            for key in y.keys().filter(|k| !x.contains_key(*k)) {
                at.push(PathSegment::Key(key.clone()));
                out.push(at.clone());
                at.pop();
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (left, right)) in x.iter().zip(y).enumerate() {
                at.push(PathSegment::Index(i));
                differing_paths(left, right, at, out);
                at.pop();
            }
        }
        _ if a != b => out.push(at.clone()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_name_the_fields_that_changed() {
        let a = vec![(
            "t#0".to_string(),
            json!({"a": {"b": 1, "c": [1, 2]}, "d": 1}),
        )];
        let b = vec![
            (
                "t#0".to_string(),
                json!({"a": {"b": 2, "c": [1, 2]}, "e": 1}),
            ),
            ("u#0".to_string(), json!({})),
        ];
        let shown: Vec<String> = differences(&a, &b)
            .iter()
            .map(|(id, p)| format!("{id}:{}", crate::document::display_path(p)))
            .collect();
        assert_eq!(shown, ["t#0:a.b", "t#0:d", "t#0:e", "u#0:"]);
    }

    #[test]
    fn an_edit_that_changes_more_than_its_key_is_refused() {
        let file = Source::new("values.yaml", "a:\n  b: true # keep\nc: 1\n");
        let op = PatchOp {
            op: crate::finding::PatchKind::Replace,
            path: vec![PathSegment::Key("a".into()), PathSegment::Key("b".into())],
            value: Some(json!(false)),
        };
        assert_eq!(
            edited_text(&file, std::slice::from_ref(&op)).as_deref(),
            Some("a:\n  b: false # keep\nc: 1\n")
        );
        let add = PatchOp {
            op: crate::finding::PatchKind::Add,
            path: vec![PathSegment::Key("a".into()), PathSegment::Key("d".into())],
            value: Some(json!({"e": 1})),
        };
        assert_eq!(
            edited_text(&file, &[add]).as_deref(),
            Some("a:\n  b: true # keep\n  d:\n    e: 1\nc: 1\n")
        );
    }
}
