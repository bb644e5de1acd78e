//! Mapping findings made on rendered text back to the files the user edits.
//!
//! - A chart kordon rendered: the primary location moves to the template file, at the line
//!   [`crate::input::helm::locate_in_template`] finds (its [`Precision`] says how sure that is);
//!   the exact place in the render becomes a related location.
//! - A `helm template` render the user gave (a file or standard input with `# Source:`
//!   comments): the primary location stays in the render, which is what the user has; the
//!   template becomes a related location when its file can be found.
//! - A kustomization kordon built: when kustomize reported the resource file an object came
//!   from, the primary location moves there, resolved by the real parser; a field the
//!   kustomization changes is marked [`Precision::Transformed`]. The build and the
//!   kustomization file are related locations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::document::{Document, LineIndex, ParseLimits, Position, Source, Span};
use crate::finding::{Finding, Location, Precision, RelatedLocation, Suppression, SuppressionKind};
use crate::input::helm::{
    SourceComment, locate_in_template, source_comments, template_at, template_file,
};
use crate::input::kustomize::Origin;
use crate::input::render::{RenderKind, Rendered};
use crate::input::{InputOptions, display_name, read_source};
use crate::scan::{ScanReport, node_span};
use crate::suppress::Baseline;

/// Files read while mapping, kept so each is read and parsed once.
#[derive(Default)]
struct Files {
    sources: HashMap<PathBuf, Option<Arc<Source>>>,
    documents: HashMap<String, Option<Arc<Document>>>,
}

impl Files {
    fn source(&mut self, path: &Path, name: &str) -> Option<Arc<Source>> {
        self.sources
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                read_source(path, &InputOptions::default())
                    .ok()
                    .map(|mut s| {
                        s.name = name.to_string();
                        Arc::new(s)
                    })
            })
            .clone()
    }

    fn document(&mut self, source: &Arc<Source>) -> Option<Arc<Document>> {
        self.documents
            .entry(source.name.clone())
            .or_insert_with(|| {
                Some(Arc::new(Document::parse(
                    source.clone(),
                    ParseLimits::default(),
                )))
            })
            .clone()
    }
}

fn location_in(source: &Source, span: Span) -> Location {
    let lines = LineIndex::new(&source.text);
    Location {
        file: source.name.clone(),
        span,
        start: lines.position(&source.text, span.start),
        end: lines.position(&source.text, span.end),
    }
}

/// A location naming a file without a place in it: line 1, column 1, empty span.
fn file_only(name: &str) -> Location {
    let start = Position { line: 1, column: 1 };
    Location {
        file: name.to_string(),
        span: Span::new(0, 0),
        start,
        end: start,
    }
}

fn precision_words(precision: Precision) -> &'static str {
    match precision {
        Precision::TemplateKey => "matched by key names",
        Precision::TemplateAncestor => {
            "nearest enclosing key; the field comes from template logic or is absent"
        }
        Precision::TemplateFile => "line not traced",
        _ => "exact",
    }
}

/// The search path for a finding: the field, or the object's name when the rule named none.
fn search_path(finding: &Finding) -> Vec<crate::document::PathSegment> {
    if finding.path.is_empty() {
        vec![
            crate::document::PathSegment::Key("metadata".into()),
            crate::document::PathSegment::Key("name".into()),
        ]
    } else {
        finding.path.clone()
    }
}

/// Maps the findings of `report` (see the module documentation). `renders` are the renders
/// kordon made itself; other sources with `# Source:` comments are treated as user renders.
pub(crate) fn attribute(
    report: &mut ScanReport,
    renders: &[Rendered],
    baseline: Option<&Baseline>,
) {
    let by_name: HashMap<&str, &Rendered> = renders
        .iter()
        .map(|r| (r.source.name.as_str(), r))
        .collect();
    let mut comments: HashMap<String, Vec<SourceComment>> = HashMap::new();
    for source in &report.sources {
        if let Some(Rendered {
            kind: RenderKind::Kustomize { .. },
            ..
        }) = by_name.get(source.name.as_str())
        {
            continue;
        }
        if source.text.contains("# Source: ") {
            let found = source_comments(&source.text);
            if !found.is_empty() {
                comments.insert(source.name.clone(), found);
            }
        }
    }
    if comments.is_empty() && renders.is_empty() {
        return;
    }
    // A chart kordon rendered counts as the template files it rendered, not as one file: the
    // findings point into those templates.
    for (name, found) in &comments {
        if let Some(Rendered {
            kind: RenderKind::Helm { .. },
            ..
        }) = by_name.get(name.as_str())
        {
            let templates: std::collections::HashSet<&str> =
                found.iter().map(|c| c.template.as_str()).collect();
            report.stats.files += templates.len().saturating_sub(1);
        }
    }
    let mut files = Files::default();
    let sources: HashMap<String, Arc<Source>> = report
        .sources
        .iter()
        .map(|s| (s.name.clone(), s.clone()))
        .collect();
    let mut added: Vec<Arc<Source>> = Vec::new();
    // Maps one finding; true when it is about the release namespace of a chart kordon
    // rendered (dropped below).
    let mut map = |finding: &mut Finding| -> bool {
        let name = finding.location.file.clone();
        let offset = finding.object.location.span.start;
        match by_name.get(name.as_str()).map(|r| &r.kind) {
            Some(RenderKind::Helm { chart_dir }) => {
                let Some(comment) = comments.get(&name).and_then(|c| template_at(c, offset)) else {
                    return false;
                };
                helm_rendered(
                    finding,
                    chart_dir,
                    &comment.template,
                    &mut files,
                    &mut added,
                );
                writes_release_namespace(finding, &added)
            }
            Some(RenderKind::Kustomize { dir, file, build }) => {
                let rendered = sources.get(&name).cloned();
                kustomize_built(finding, dir, file, build, rendered, &mut files, &mut added);
                false
            }
            None => {
                let Some(comment) = comments.get(&name).and_then(|c| template_at(c, offset)) else {
                    return false;
                };
                let near = sources.get(&name).and_then(|s| s.path.clone());
                helm_given(
                    finding,
                    &comment.template,
                    near.as_deref(),
                    &mut files,
                    &mut added,
                );
                false
            }
        }
    };
    // Per finding, in the order of `findings` then `suppressed`: whether it moved out of a
    // render, and whether it is about a namespace chosen at install. Both are used after the
    // identities change below, so they are kept by position.
    let mut moved: Vec<bool> = Vec::new();
    let mut release_namespace: Vec<bool> = Vec::new();
    for finding in report
        .findings
        .iter_mut()
        .chain(report.suppressed.iter_mut())
    {
        let rendered_in = finding.location.file.clone();
        release_namespace.push(map(finding));
        moved.push(
            by_name.contains_key(rendered_in.as_str()) && finding.location.file != rendered_in,
        );
    }
    for source in added {
        if report.source(&source.name).is_none() {
            report.sources.push(source);
        }
    }
    let mut moved = moved.iter();
    let texts: HashMap<String, Arc<Source>> = report
        .sources
        .iter()
        .map(|s| (s.name.clone(), s.clone()))
        .collect();
    for finding in report
        .findings
        .iter_mut()
        .chain(report.suppressed.iter_mut())
    {
        if moved.next() == Some(&true) {
            finding.fingerprint = written_fingerprint(finding, &texts);
            finding.suppression.get_or_insert_with(|| Suppression {
                kind: SuppressionKind::External,
                reason: String::new(),
                location: None,
            });
        }
    }
    // `helm template` without `--namespace` renders `{{ .Release.Namespace }}` as `default`, but
    // the namespace is the one `helm install -n` is given: not a finding about the chart.
    let mut release_namespace = release_namespace.into_iter();
    report
        .findings
        .retain(|_| release_namespace.next() != Some(true));
    report
        .suppressed
        .retain(|_| release_namespace.next() != Some(true));
    // Baselines record the identities written after mapping, so a mapped finding is looked up
    // only now (marked above with an empty reason, which a real suppression never has).
    let mut baseline = baseline.cloned();
    let (mut kept, mut newly_suppressed) = (Vec::new(), Vec::new());
    for mut finding in std::mem::take(&mut report.findings) {
        if finding
            .suppression
            .as_ref()
            .is_some_and(|s| s.reason.is_empty())
        {
            finding.suppression = baseline.as_mut().and_then(|b| {
                b.take(&finding.fingerprint).then(|| Suppression {
                    kind: SuppressionKind::External,
                    reason: format!("in baseline {}", b.name),
                    location: None,
                })
            });
        }
        if finding.suppression.is_some() {
            newly_suppressed.push(finding);
        } else {
            kept.push(finding);
        }
    }
    report.findings = kept;
    report.suppressed.extend(newly_suppressed);
    let order = |a: &Finding, b: &Finding| {
        (&a.location.file, a.location.start, &a.rule_id, &a.message).cmp(&(
            &b.location.file,
            b.location.start,
            &b.rule_id,
            &b.message,
        ))
    };
    report.findings.sort_by(order);
    report.suppressed.sort_by(order);
    report.findings = merge_renders(std::mem::take(&mut report.findings));
    report.suppressed = merge_renders(std::mem::take(&mut report.suppressed));
}

/// The identity of a finding mapped from a render into a written file: the rule, the file,
/// the object as written there (its `kind` and the text naming it, e.g. a templated name) and
/// the field. Neither the render's arguments (overlay name prefixes, namespaces, values) nor
/// line numbers enter it, so every render of one written object shares it and edits above it
/// keep it.
fn written_fingerprint(finding: &Finding, texts: &HashMap<String, Arc<Source>>) -> String {
    let anchor = &finding.object.location;
    let named_as = texts
        .get(&anchor.file)
        .and_then(|s| s.text.get(anchor.span.start..anchor.span.end))
        .unwrap_or("");
    crate::finding::fingerprint(&[
        &finding.rule_id,
        &crate::finding::identity_file(&finding.location.file),
        &finding.object.kind,
        named_as,
        &crate::document::display_path(&finding.path),
    ])
}

/// One finding per rule and written place: a base built through several overlays (or a
/// template rendered several times) is reported once, and the places in the other renders
/// become related locations of that finding. `findings` must be sorted by location.
fn merge_renders(findings: Vec<Finding>) -> Vec<Finding> {
    let mut merged: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut index: HashMap<(String, String, Span), usize> = HashMap::new();
    for finding in findings {
        let key = (
            finding.rule_id.clone(),
            finding.location.file.clone(),
            finding.location.span,
        );
        match index.get(&key) {
            Some(&at) => {
                let kept = &mut merged[at];
                for related in finding.related {
                    if !kept.related.contains(&related) {
                        kept.related.push(related);
                    }
                }
            }
            None => {
                index.insert(key, merged.len());
                merged.push(finding);
            }
        }
    }
    merged
}

/// Whether `finding` is a `default-namespace` finding whose namespace the template computes
/// (a `{{ ... }}` expression, in practice the release namespace) rather than writes literally.
fn writes_release_namespace(finding: &Finding, templates: &[Arc<Source>]) -> bool {
    if finding.rule_id != "default-namespace" || finding.precision != Precision::TemplateKey {
        return false;
    }
    let Some(template) = templates.iter().find(|s| s.name == finding.location.file) else {
        return false;
    };
    let start = finding.location.span.start.min(template.text.len());
    let line_end = template.text[start..]
        .find('\n')
        .map_or(template.text.len(), |p| start + p);
    template.text[start..line_end].contains("{{")
}

fn helm_rendered(
    finding: &mut Finding,
    chart_dir: &Path,
    template: &str,
    files: &mut Files,
    added: &mut Vec<Arc<Source>>,
) {
    let file = template_file(chart_dir, template);
    let source = file
        .as_ref()
        .and_then(|f| files.source(f, &display_name(f)));
    let Some(source) = source else {
        finding.related.insert(
            0,
            RelatedLocation {
                location: file_only(template),
                message: format!(
                    "rendered from template `{template}`, which is not on disk (a packaged subchart?): the location is in the render"
                ),
            },
        );
        return;
    };
    let found = locate_in_template(&source.text, &finding.object.kind, &search_path(finding));
    let precision = match (finding.precision, found.precision) {
        // The render lacks the field: a key of that name in the template is not what it rendered.
        (Precision::Ancestor, Precision::TemplateKey) => Precision::TemplateAncestor,
        (_, p) => p,
    };
    let rendered = std::mem::replace(&mut finding.location, location_in(&source, found.span));
    finding.precision = precision;
    let name_path = [
        crate::document::PathSegment::Key("metadata".into()),
        crate::document::PathSegment::Key("name".into()),
    ];
    let named_at = locate_in_template(&source.text, &finding.object.kind, &name_path);
    finding.object.location = location_in(&source, named_at.span);
    // A patch of the rendered object cannot be applied to template source.
    finding.fix = None;
    finding.related.insert(
        0,
        RelatedLocation {
            location: rendered,
            message: "where `helm template` rendered it (exact)".into(),
        },
    );
    added.push(source);
}

fn helm_given(
    finding: &mut Finding,
    template: &str,
    near: Option<&Path>,
    files: &mut Files,
    added: &mut Vec<Arc<Source>>,
) {
    // Helm writes the path from the chart's parent directory: try it from the current
    // directory and from the render's own directory.
    let mut candidates = vec![PathBuf::from(template)];
    if let Some(parent) = near.and_then(Path::parent) {
        candidates.push(parent.join(template));
    }
    let found = candidates
        .iter()
        .find(|c| c.is_file())
        .and_then(|c| files.source(c, &display_name(c)));
    let related = match found {
        Some(source) => {
            let m = locate_in_template(&source.text, &finding.object.kind, &search_path(finding));
            let location = location_in(&source, m.span);
            added.push(source);
            RelatedLocation {
                location,
                message: format!(
                    "rendered from this template ({})",
                    precision_words(m.precision)
                ),
            }
        }
        None => RelatedLocation {
            location: file_only(template),
            message: format!(
                "rendered from template `{template}` (not found from here: scan the chart directory to have findings mapped to template lines)"
            ),
        },
    };
    finding.related.push(related);
}

/// Keys of a kustomization that change resources, in the order they are worth pointing at.
const TRANSFORMING_KEYS: &[&str] = &[
    "patches",
    "patchesJson6902",
    "patchesStrategicMerge",
    "replacements",
    "transformers",
    "images",
    "replicas",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "labels",
    "commonLabels",
    "commonAnnotations",
];

/// The offset of a top-level `key:` line of a YAML text.
fn line_key(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line
            .strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(':'))
        {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// A display name for an absolute path: under the kustomization directory as the user named
/// it, else relative to the current directory, else absolute.
fn shown_path(path: &Path, dir: &Path) -> String {
    if let Ok(dir_absolute) = std::fs::canonicalize(dir)
        && let Ok(rest) = path.strip_prefix(&dir_absolute)
    {
        return display_name(&dir.join(rest));
    }
    if let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize)
        && let Ok(rest) = path.strip_prefix(&cwd)
    {
        return display_name(rest);
    }
    display_name(path)
}

fn object_at(document: &Document, offset: usize) -> Option<&crate::document::Object> {
    // Objects are in the order of the text and do not overlap: only the last two that start at
    // or before `offset` can hold it (two when one ends where the next starts), so a binary
    // search replaces a scan per finding.
    let starting_before = document
        .objects
        .partition_point(|o| o.root.span.start <= offset);
    document.objects[starting_before.saturating_sub(2)..starting_before]
        .iter()
        .find(|o| offset <= o.root.span.end)
}

fn kustomize_built(
    finding: &mut Finding,
    dir: &Path,
    kustomization_file: &Path,
    build: &crate::input::kustomize::Build,
    rendered: Option<Arc<Source>>,
    files: &mut Files,
    added: &mut Vec<Arc<Source>>,
) {
    let offset = finding.object.location.span.start;
    let built_by = RelatedLocation {
        location: file_only(&display_name(kustomization_file)),
        message: format!("built by this kustomization (`{}`)", build.command),
    };
    match build.origin_at(offset) {
        Some(Origin::File(path)) => {
            let name = shown_path(path, dir);
            let Some(source) = files.source(path, &name) else {
                finding.related.push(RelatedLocation {
                    location: file_only(&name),
                    message: "the resource file this object comes from (could not be read)".into(),
                });
                finding.related.push(built_by);
                return;
            };
            let mapped = rendered
                .and_then(|r| files.document(&r))
                .zip(files.document(&source))
                .and_then(|(built, original)| {
                    map_into_resource(finding, &built, &original, offset)
                });
            match mapped {
                Some(mapped) => {
                    let object_at = location_in(&source, mapped.anchor);
                    let patch = if mapped.precision == Precision::Transformed {
                        mapped
                            .built_value
                            .as_ref()
                            .and_then(|value| find_in_patches(finding, dir, &mapped.original_name, value, files))
                    } else {
                        None
                    };
                    let resource_at = location_in(&source, mapped.span);
                    added.push(source);
                    let primary = match patch {
                        // The overlay's own patch writes the built value: that is the line to edit.
                        Some((patch_source, span, anchor)) => {
                            finding.precision = Precision::Exact;
                            finding.object.location = location_in(&patch_source, anchor);
                            finding.related.push(RelatedLocation {
                                location: resource_at,
                                message: "the value in the resource file, which the patch replaces".into(),
                            });
                            let at = location_in(&patch_source, span);
                            added.push(patch_source);
                            at
                        }
                        None => {
                            finding.precision = mapped.precision;
                            finding.object.location = object_at;
                            resource_at
                        }
                    };
                    if finding.precision == Precision::Transformed {
                        // Patching the resource file would not change what the kustomization builds.
                        finding.fix = None;
                    }
                    let built_at = std::mem::replace(&mut finding.location, primary);
                    finding.related.insert(
                        0,
                        RelatedLocation {
                            location: built_at,
                            message: "where the kustomize build has it (exact)".into(),
                        },
                    );
                }
                None => finding.related.push(RelatedLocation {
                    location: file_only(&name),
                    message: "the resource file this object comes from (not found in it by kind and name)"
                        .into(),
                }),
            }
            if finding.precision == Precision::Transformed {
                // Point at what changes the field: the kustomization's patches or transformers.
                let name = display_name(kustomization_file);
                let at = files.source(kustomization_file, &name).and_then(|source| {
                    let key = TRANSFORMING_KEYS.iter().find_map(|key| {
                        let at = line_key(&source.text, key)?;
                        Some(Span::new(at, at + key.len()))
                    })?;
                    Some(location_in(&source, key))
                });
                finding.related.push(RelatedLocation {
                    location: at.unwrap_or(built_by.location),
                    message: format!(
                        "the kustomization whose patches or transformers change the field (`{}`)",
                        build.command
                    ),
                });
            } else {
                finding.related.push(built_by);
            }
        }
        Some(Origin::Generated {
            configured_in,
            generator,
        }) => {
            let name = shown_path(configured_in, dir);
            let key = {
                let mut chars = generator.chars();
                chars
                    .next()
                    .map(|c| c.to_lowercase().collect::<String>() + chars.as_str())
                    .unwrap_or_default()
            };
            let location = files
                .source(configured_in, &name)
                .and_then(|source| {
                    let at = source.text.find(&format!("{key}:"))?;
                    let span = Span::new(at, at + key.len());
                    Some(location_in(&source, span))
                })
                .unwrap_or_else(|| file_only(&name));
            finding.related.push(RelatedLocation {
                location,
                message: format!("generated by the {generator} configured here"),
            });
        }
        Some(Origin::Remote(url)) => {
            finding.related.push(RelatedLocation {
                location: file_only(url),
                message: "the remote resource this object comes from".into(),
            });
            finding.related.push(built_by);
        }
        None => finding.related.push(built_by),
    }
}

/// A field found in the resource file an object came from.
struct Mapped {
    span: Span,
    precision: Precision,
    /// Where the object is named in the resource file.
    anchor: Span,
    /// The object's name in the resource file (before prefixes and suffixes).
    original_name: String,
    /// The field's value in the build, when it is there.
    built_value: Option<serde_json::Value>,
}

/// Looks for the built value of the finding's field in the patches the kustomization in
/// `dir` lists for this object (same kind, and the name written in the resource file).
fn find_in_patches(
    finding: &Finding,
    dir: &Path,
    original_name: &str,
    value: &serde_json::Value,
    files: &mut Files,
) -> Option<(Arc<Source>, Span, Span)> {
    let kustomization = crate::input::kustomize::read_kustomization(dir).ok()?;
    for reference in kustomization.references.iter().filter(|r| r.is_file()) {
        let Some(source) = files.source(reference, &display_name(reference)) else {
            continue;
        };
        let Some(document) = files.document(&source) else {
            continue;
        };
        for object in &document.objects {
            if object.kind != finding.object.kind || object.name.as_deref() != Some(original_name) {
                continue;
            }
            let resolved = object.root.resolve(&finding.path);
            if resolved.exact && resolved.node.to_json() == *value {
                let span = node_span(&document, resolved.node, resolved.key_span);
                return Some((source, span, object.anchor_span()));
            }
        }
    }
    None
}

/// Resolves the finding's field in the resource file the object came from.
fn map_into_resource(
    finding: &Finding,
    built: &Document,
    original: &Document,
    offset: usize,
) -> Option<Mapped> {
    let built_object = object_at(built, offset)?;
    let same_kind: Vec<_> = original
        .objects
        .iter()
        .filter(|o| o.kind == built_object.kind)
        .collect();
    let built_name = built_object.name.as_deref().unwrap_or("");
    let object = same_kind
        .iter()
        .find(|o| o.name.as_deref() == Some(built_name))
        .or_else(|| {
            // namePrefix / nameSuffix keep the original name inside the built one.
            same_kind
                .iter()
                .filter(|o| o.name.as_deref().is_some_and(|n| built_name.contains(n)))
                .max_by_key(|o| o.name.as_deref().map_or(0, str::len))
        })
        .or_else(|| (same_kind.len() == 1).then(|| &same_kind[0]))?;
    let original_name = object.name.clone().unwrap_or_default();
    if finding.path.is_empty() {
        return Some(Mapped {
            span: object.anchor_span(),
            anchor: object.anchor_span(),
            precision: finding.precision,
            original_name,
            built_value: None,
        });
    }
    let here = object.root.resolve(&finding.path);
    let there = built_object.root.resolve(&finding.path);
    let span = if here.depth == 0 {
        object.anchor_span()
    } else {
        node_span(original, here.node, here.key_span)
    };
    let precision = if here.exact && there.exact && here.node.to_json() == there.node.to_json() {
        Precision::Exact
    } else if !here.exact && !there.exact && here.depth == there.depth {
        if here.depth == 0 {
            Precision::Object
        } else {
            Precision::Ancestor
        }
    } else {
        Precision::Transformed
    };
    Some(Mapped {
        span,
        anchor: object.anchor_span(),
        precision,
        original_name,
        built_value: there.exact.then(|| there.node.to_json()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scanner;

    const RENDER: &str = "\
---
# Source: app/templates/pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx
      securityContext:
        privileged: true
";

    #[test]
    fn a_given_render_keeps_its_location_and_names_the_template() {
        let scanner = Scanner::builder().build().expect("rules load");
        let report = scanner.scan_sources(vec![Source::new("render.yaml", RENDER)]);
        let finding = report
            .findings
            .iter()
            .find(|f| f.rule_id == "privileged-container")
            .expect("privileged is reported");
        assert_eq!(finding.location.file, "render.yaml");
        assert_eq!(finding.location.start.line, 12);
        assert_eq!(finding.precision, Precision::Exact);
        let related = finding.related.last().expect("the template is related");
        assert_eq!(related.location.file, "app/templates/pod.yaml");
        assert!(
            related.message.contains("not found from here"),
            "{}",
            related.message
        );
    }
}
