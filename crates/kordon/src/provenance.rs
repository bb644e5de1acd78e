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
    SourceComment, locate_in_template, rendered_identity, source_comments, template_at,
    template_file,
};
use crate::input::kustomize::Origin;
use crate::input::render::{RenderKind, Rendered};
use crate::input::template_trace::{ChartTemplates, Traced};
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

    /// A file of a chart: on disk, or a member of one of its packaged subcharts.
    fn chart_source(&mut self, chart: &ChartTemplates, path: &Path) -> Option<Arc<Source>> {
        let name = display_name(path);
        if crate::input::chart_archive::split_member(&name).is_none() {
            return self.source(path, &name);
        }
        if let Some(written) = chart.files().written_source(path) {
            return self.source(&written, &display_name(&written));
        }
        self.sources
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                chart
                    .read(path)
                    .map(|text| Arc::new(Source::new(name.as_str(), text.as_str())))
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

/// The messages of the related location that keeps where a render had a finding moved out of
/// it; a finding merged across renders (overlays of one base) carries one per render.
const HELM_RENDERED_HERE: &str = "where `helm template` rendered it (exact)";
const KUSTOMIZE_BUILT_HERE: &str = "where the kustomize build has it (exact)";

/// Whether `related` is where a render had the finding (see [`attribute`]).
pub(crate) fn is_render_place(related: &RelatedLocation) -> bool {
    related.message.starts_with(HELM_RENDERED_HERE)
        || related.message.starts_with(KUSTOMIZE_BUILT_HERE)
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
        Precision::TemplateKey => "the line that wrote it",
        Precision::TemplateAncestor => {
            "the action that printed it, or its nearest enclosing line; the field comes from template logic or is absent"
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
    rescan: &dyn Fn(Source) -> Vec<Finding>,
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
    let mut charts: HashMap<PathBuf, ChartTemplates> = HashMap::new();
    let mut candidates: Vec<Pending> = Vec::new();
    // The objects a rule names as related move out of a render the way a finding's own object
    // does: each is mapped as if it were a finding on that object's field.
    for finding in report
        .findings
        .iter_mut()
        .chain(report.suppressed.iter_mut())
    {
        for subject in std::mem::take(&mut finding.rule_related) {
            let name = subject.location.file.clone();
            let mut stand_in = finding.clone();
            stand_in.location = subject.location.clone();
            stand_in.precision = Precision::Exact;
            stand_in.object = subject.object;
            stand_in.path = subject.path;
            stand_in.related = Vec::new();
            stand_in.fix = None;
            let offset = stand_in.object.location.span.start;
            match by_name.get(name.as_str()).map(|r| &r.kind) {
                Some(RenderKind::Helm { chart_dir, .. }) => {
                    let Some(comment) = comments.get(&name).and_then(|c| template_at(c, offset))
                    else {
                        continue;
                    };
                    let chart = charts
                        .entry(chart_dir.clone())
                        .or_insert_with(|| ChartTemplates::new(chart_dir));
                    let render = sources.get(&name).map(|s| s.text.as_str()).unwrap_or("");
                    helm_rendered(
                        &mut stand_in,
                        chart_dir,
                        comment,
                        render,
                        chart,
                        &mut files,
                        &mut added,
                        None,
                    );
                }
                Some(RenderKind::Kustomize { dir, file, build }) => {
                    let rendered = sources.get(&name).cloned();
                    kustomize_built(
                        &mut stand_in,
                        Built {
                            dir,
                            kustomization_file: file,
                            build,
                            rendered,
                        },
                        &mut charts,
                        &mut files,
                        &mut added,
                    );
                }
                // A render the user gave is what the user has: the location stays in it.
                None => continue,
            }
            if let Some(related) = finding
                .related
                .iter_mut()
                .find(|r| r.location == subject.location)
            {
                related.location = stand_in.location;
            }
        }
    }
    // Maps one finding; true when it is about the release namespace of a chart kordon
    // rendered (dropped below).
    let mut map = |finding: &mut Finding, position: usize| -> bool {
        let name = finding.location.file.clone();
        let offset = finding.object.location.span.start;
        match by_name.get(name.as_str()).map(|r| &r.kind) {
            Some(RenderKind::Helm { chart_dir, options }) => {
                let Some(comment) = comments.get(&name).and_then(|c| template_at(c, offset)) else {
                    return false;
                };
                let identity = comments
                    .get(&name)
                    .and_then(|c| rendered_identity(c, offset));
                // The rendered object, and for a field it lacks the first line under the
                // nearest parent it has (what writes the parent's content, e.g. a `toYaml`).
                let rendered = sources
                    .get(&name)
                    .and_then(|s| files.document(s))
                    .and_then(|d| {
                        let object = object_at(&d, offset)?;
                        let child = (finding.precision == Precision::Ancestor)
                            .then(|| first_child_offset(object.root.resolve(&finding.path).node))
                            .flatten();
                        Some((object.root.to_json(), child))
                    });
                let (object_json, child) = rendered.unzip();
                let rendered_value = object_json
                    .as_ref()
                    .and_then(|o| json_at(o, &finding.path))
                    .cloned();
                let fix = finding
                    .fix
                    .as_ref()
                    .and_then(|fix| Some((desired_value(fix, &finding.path)?, fix.clone())));
                let chart = charts
                    .entry(chart_dir.clone())
                    .or_insert_with(|| ChartTemplates::new(chart_dir));
                let render = sources.get(&name).map(|s| s.text.as_str()).unwrap_or("");
                let (traced, traced_child) = helm_rendered(
                    finding,
                    chart_dir,
                    comment,
                    render,
                    chart,
                    &mut files,
                    &mut added,
                    child.flatten(),
                );
                // A field the render has is traced to its own line; one it lacks, to the line
                // that wrote its parent's content.
                let reading = match (&rendered_value, traced, traced_child) {
                    (Some(_), Some(line), _) => Some(line),
                    (None, _, Some(line)) => Some(line),
                    _ => None,
                };
                if let (Some((line, dot)), Some(identity), Some(object_json)) =
                    (reading, identity, object_json)
                    && let Some(candidate) = values_candidate(
                        chart,
                        chart_dir,
                        &comment.template,
                        options,
                        &line,
                        dot.as_deref(),
                        finding,
                        &object_json,
                        rendered_value.is_none(),
                        &mut files,
                    )
                {
                    candidates.push(Pending {
                        position,
                        identity,
                        render: name.clone(),
                        rendered: rendered_value,
                        fix,
                        template_line: line,
                        path: finding.path.clone(),
                        rule_id: finding.rule_id.clone(),
                        candidate,
                    });
                }
                writes_release_namespace(finding, &added)
            }
            Some(RenderKind::Kustomize { dir, file, build }) => {
                let rendered = sources.get(&name).cloned();
                kustomize_built(
                    finding,
                    Built {
                        dir,
                        kustomization_file: file,
                        build,
                        rendered,
                    },
                    &mut charts,
                    &mut files,
                    &mut added,
                );
                false
            }
            None => {
                let Some(comment) = comments.get(&name).and_then(|c| template_at(c, offset)) else {
                    return false;
                };
                let near = sources.get(&name).and_then(|s| s.path.clone());
                let render = sources.get(&name).map(|s| s.text.as_str()).unwrap_or("");
                helm_given(
                    finding,
                    comment,
                    render,
                    near.as_deref(),
                    &mut charts,
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
        let position = release_namespace.len();
        release_namespace.push(map(finding, position));
        moved.push(
            by_name.contains_key(rendered_in.as_str()) && finding.location.file != rendered_in,
        );
    }
    // Values keys the templates read, confirmed by rendering again with them changed.
    let confirmed = confirm_values(&candidates);
    let mut fixes = values_fixes(&candidates, &confirmed, &sources, rescan);
    let mut links: HashMap<usize, (&Pending, Confirmation, Option<crate::finding::Fix>)> =
        candidates
            .iter()
            .zip(confirmed)
            .zip(fixes.iter_mut())
            .filter_map(|((p, c), fix)| c.map(|c| (p.position, (p, c, fix.take()))))
            .collect();
    for (position, finding) in report
        .findings
        .iter_mut()
        .chain(report.suppressed.iter_mut())
        .enumerate()
    {
        if let Some((pending, confirmation, fix)) = links.remove(&position) {
            link_values(finding, pending, confirmation, fix, &mut added);
        }
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
    // Per (rule, file, span): the findings kept there, each with the objects it was made on.
    let mut index: HashMap<(String, String, Span, String), Vec<KeptAt>> = HashMap::new();
    // Per merged finding: its message as made, and whether a copy said something else.
    let mut messages: Vec<String> = Vec::with_capacity(findings.len());
    let mut diverged: Vec<bool> = Vec::with_capacity(findings.len());
    for finding in findings {
        // One generator entry makes many objects: only copies of one object are one problem.
        let generated = if finding.precision == Precision::Generated {
            format!(
                "{}/{}",
                finding.object.kind,
                finding.object.name.as_deref().unwrap_or("")
            )
        } else {
            String::new()
        };
        let key = (
            finding.rule_id.clone(),
            finding.location.file.clone(),
            finding.location.span,
            generated,
        );
        let origin = origin(&finding);
        let kept_here = index.entry(key).or_default();
        // Only a copy from another object (another render) merges: one object's several
        // violations at one place (three missing admission plugins on one flag list) are
        // several findings. An equal message is preferred, so copies pair up one to one.
        let target = kept_here
            .iter()
            .filter(|(_, origins)| !origins.contains(&origin))
            .min_by_key(|(at, _)| messages[*at] != finding.message)
            .map(|(at, _)| *at);
        match target {
            Some(at) => {
                let kept = &mut merged[at];
                // Copies that say different things (another namespace, another value) each keep
                // theirs, on the place of their render: the merged finding names every one.
                let differs = messages[at] != finding.message;
                if differs && !diverged[at] {
                    diverged[at] = true;
                    for related in kept.related.iter_mut().filter(|r| is_plain_render_place(r)) {
                        related.message = format!("{}: {}", related.message, messages[at]);
                    }
                }
                for mut related in finding.related {
                    if diverged[at] && is_plain_render_place(&related) {
                        related.message = format!("{}: {}", related.message, finding.message);
                    }
                    if !kept.related.contains(&related) {
                        kept.related.push(related);
                    }
                }
                if let Some(entry) = kept_here.iter_mut().find(|(i, _)| *i == at) {
                    entry.1.push(origin);
                }
            }
            None => {
                kept_here.push((merged.len(), vec![origin]));
                messages.push(finding.message.clone());
                diverged.push(false);
                merged.push(finding);
            }
        }
    }
    for (finding, diverged) in merged.iter_mut().zip(diverged) {
        let first = finding.related.iter().find(|r| is_render_place(r));
        if let (true, Some(first)) = (diverged, first) {
            let suffix = format!(
                " (in `{}`; other renders differ, as their related locations say)",
                first.location.file
            );
            finding.message.push_str(&suffix);
        }
    }
    merged
}

/// A render place that does not yet say what its render had (see [`merge_renders`]).
fn is_plain_render_place(related: &RelatedLocation) -> bool {
    related.message == HELM_RENDERED_HERE || related.message == KUSTOMIZE_BUILT_HERE
}

/// Where a finding was made: a file's name and an offset in it.
type MadeAt = (String, usize);

/// A finding kept by [`merge_renders`]: its index, and where each of its copies was made.
type KeptAt = (usize, Vec<MadeAt>);

/// The object a finding was made on: where its render had it, or its own object.
fn origin(finding: &Finding) -> MadeAt {
    match finding.related.iter().find(|r| is_render_place(r)) {
        Some(render) => (render.location.file.clone(), render.location.span.start),
        None => (
            finding.object.location.file.clone(),
            finding.object.location.span.start,
        ),
    }
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

/// The line (0-based) of `offset` within the rendered document `document` of `render`.
fn line_in_document(render: &str, document: Span, offset: usize) -> usize {
    let offset = offset.clamp(document.start, document.end.min(render.len()));
    render
        .get(document.start..offset)
        .map_or(0, |before| before.matches('\n').count())
}

/// The span of line `line` (0-based) of `text`, from its first non-blank character.
fn line_span(text: &str, line: usize) -> Span {
    let mut start = 0;
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        if n == line {
            let content = raw.trim_end_matches(['\n', '\r']);
            // A list item's line is pointed at its first key, after the `- ` markers.
            let mut rest = content.trim_start();
            while let Some(after) = rest.strip_prefix("- ") {
                rest = after.trim_start();
            }
            let indent = content.len() - rest.len();
            return Span::new(start + indent, start + content.len());
        }
        start += raw.len();
    }
    Span::new(text.len(), text.len())
}

#[allow(clippy::too_many_arguments)]
fn helm_rendered(
    finding: &mut Finding,
    chart_dir: &Path,
    comment: &SourceComment,
    render: &str,
    chart: &mut ChartTemplates,
    files: &mut Files,
    added: &mut Vec<Arc<Source>>,
    child: Option<usize>,
) -> (Option<WrittenBy>, Option<WrittenBy>) {
    let template = comment.template.as_str();
    let file = chart
        .resolve(template)
        .or_else(|| template_file(chart_dir, template));
    let source = file.as_ref().and_then(|f| files.chart_source(chart, f));
    let (Some(source), Some(file)) = (source, file) else {
        let refused = chart
            .files()
            .refused
            .iter()
            .map(|(archive, why)| format!("; {archive}: {why}"))
            .collect::<String>();
        finding.related.insert(
            0,
            RelatedLocation {
                location: file_only(template),
                message: format!(
                    "rendered from template `{template}`, which is neither on disk nor in a packaged subchart under charts/{refused}: the location is in the render"
                ),
            },
        );
        return (None, None);
    };
    let document = render
        .get(comment.document.start..comment.document.end)
        .unwrap_or("");
    let mut traced_location = |offset: usize, files: &mut Files| -> Option<(Traced, Arc<Source>)> {
        let line = line_in_document(render, comment.document, offset);
        let traced = chart.trace(&file, document, line)?;
        let source = if traced.file == file {
            source.clone()
        } else {
            files.chart_source(chart, &traced.file)?
        };
        Some((traced, source))
    };
    let field = traced_location(finding.location.span.start, files);
    let named = traced_location(finding.object.location.span.start, files);
    let under = child.and_then(|offset| traced_location(offset, files));
    let (location, precision) = match &field {
        Some((traced, at)) => (
            location_in(at, line_span(&at.text, traced.line)),
            traced.precision,
        ),
        None => {
            let found =
                locate_in_template(&source.text, &finding.object.kind, &search_path(finding));
            (location_in(&source, found.span), found.precision)
        }
    };
    let precision = match (finding.precision, precision) {
        // The render lacks the field: the line that wrote its parent is not what wrote it.
        (Precision::Ancestor, Precision::TemplateKey) => Precision::TemplateAncestor,
        (_, p) => p,
    };
    let rendered = std::mem::replace(&mut finding.location, location);
    finding.precision = precision;
    finding.object.location = match &named {
        Some((traced, at)) => location_in(at, line_span(&at.text, traced.line)),
        None => {
            let name_path = [
                crate::document::PathSegment::Key("metadata".into()),
                crate::document::PathSegment::Key("name".into()),
            ];
            let named_at = locate_in_template(&source.text, &finding.object.kind, &name_path);
            location_in(&source, named_at.span)
        }
    };
    // A patch of the rendered object cannot be applied to template source.
    finding.fix = None;
    finding.related.insert(
        0,
        RelatedLocation {
            location: rendered,
            message: HELM_RENDERED_HERE.into(),
        },
    );
    let written_by = |traced: &Option<(Traced, Arc<Source>)>| {
        traced.as_ref().map(|(traced, at)| {
            let span = line_span(&at.text, traced.line);
            (
                at.text[span.start..span.end].to_string(),
                traced.dot.clone(),
            )
        })
    };
    let written = (written_by(&field), written_by(&under));
    for (_, at) in [field, named, under].into_iter().flatten() {
        added.push(at);
    }
    added.push(source);
    written
}

/// A template line that wrote a rendered line, and what `.` is on it when it is a values key.
type WrittenBy = (String, Option<String>);

/// Where the first entry or item under `node` starts, when it has one.
fn first_child_offset(node: &crate::document::Node) -> Option<usize> {
    use crate::document::NodeValue;
    match &node.value {
        NodeValue::Map(entries) => entries.first().map(|e| e.key_span.start),
        NodeValue::Seq(items) => items.first().map(|i| i.span.start),
        _ => None,
    }
}

/// The value at `path` of a JSON value, when the whole path is there.
fn json_at<'v>(
    value: &'v serde_json::Value,
    path: &[crate::document::PathSegment],
) -> Option<&'v serde_json::Value> {
    use crate::document::PathSegment;
    path.iter().try_fold(value, |at, segment| match segment {
        PathSegment::Key(k) => at.get(k.as_str()),
        PathSegment::Index(i) => at.get(*i),
    })
}

/// The value a fix gives the finding's field: the fix must be one add or replace at the field
/// or at one of its parents (whose new value holds the field).
fn desired_value(
    fix: &crate::finding::Fix,
    path: &[crate::document::PathSegment],
) -> Option<serde_json::Value> {
    let [op] = fix.ops.as_slice() else {
        return None;
    };
    if op.op == crate::finding::PatchKind::Remove || fix.target != crate::finding::FixTarget::Object
    {
        return None;
    }
    let rest = path.strip_prefix(op.path.as_slice())?;
    json_at(op.value.as_ref()?, rest).cloned()
}

/// Adds the values key of a confirmed link to a finding mapped into a template: as the primary
/// location when the template copies the value through (the template line becomes related),
/// else as a related location. `fix` is the finding's fix moved onto the values file, when
/// rendering with it was proven to resolve the finding.
fn link_values(
    finding: &mut Finding,
    pending: &Pending,
    confirmation: Confirmation,
    fix: Option<crate::finding::Fix>,
    added: &mut Vec<Arc<Source>>,
) {
    let candidate = &pending.candidate;
    let at = location_in(&candidate.file, candidate.span);
    added.push(candidate.file.clone());
    match confirmation {
        Confirmation::Copied => {
            let advice = pending.fix.as_ref().map_or(String::new(), |(v, _)| {
                format!("; set `{}: {}` to fix it", candidate.key, shown_value(v))
            });
            let template = std::mem::replace(&mut finding.location, at);
            let message = if candidate.present {
                finding.precision = Precision::Values;
                format!(
                    "the template line that copies `{}` into the field (`{}`){advice}",
                    candidate.key,
                    pending.template_line.trim()
                )
            } else {
                finding.precision = Precision::ValuesAncestor;
                format!(
                    "the template line that copies `{}` into the object, where `{}` is not set (`{}`){advice}",
                    candidate.block,
                    candidate.key,
                    pending.template_line.trim()
                )
            };
            finding.related.insert(
                0,
                RelatedLocation {
                    location: template,
                    message,
                },
            );
            finding.fix = fix;
        }
        Confirmation::Influenced => finding.related.push(RelatedLocation {
            location: at,
            message: format!(
                "the values key this template line reads (`{}`): changing it changes the field",
                candidate.key
            ),
        }),
    }
}

/// A value as a user writes it after `key: `.
fn shown_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A values key a template line reads for a finding, to be confirmed.
struct Candidate {
    /// The key as the top chart's values name it, e.g. `agent.securityContext.runAsUser` or
    /// `sidecars[1].securityContext.privileged`.
    key: String,
    /// The same as a path.
    full: Vec<crate::document::PathSegment>,
    /// The key as `file` names it (a subchart's own `values.yaml` lacks the subchart's name).
    in_file: Vec<crate::document::PathSegment>,
    /// `false` when the file lacks the key and `span` is the block the template copies whole,
    /// where the key would go.
    present: bool,
    /// The block the key is missing from, as the top chart names it (when not `present`).
    block: String,
    /// The values file that sets it (the last `--values` file that does, else `values.yaml`).
    file: Arc<Source>,
    /// Its place among the `--values` files; `None` for a chart's own `values.yaml`.
    given: Option<usize>,
    /// How many subcharts down the file belongs (0: the rendered chart or a `--values` file).
    depth: usize,
    /// The `key: value` entry in that file (the block's, when not `present`).
    span: Span,
    /// What the file sets it to (null when not `present`).
    value: serde_json::Value,
    /// The list the key goes through, as the top chart names it, with its value in the file: a
    /// values file that overrides one item must hold the whole list, since Helm replaces lists.
    list: Option<(Vec<crate::document::PathSegment>, serde_json::Value)>,
    chart_dir: PathBuf,
    options: crate::input::helm::HelmOptions,
}

/// A finding whose template line reads a values key.
struct Pending {
    /// The finding's position among findings then suppressed findings.
    position: usize,
    /// The rendered object's identity (template and document order).
    identity: String,
    /// The name of the render the finding was made in.
    render: String,
    /// The field's value in the render (`None`: the render lacks it).
    rendered: Option<serde_json::Value>,
    /// The value the rule's fix would write into the field, and the fix.
    fix: Option<(serde_json::Value, crate::finding::Fix)>,
    /// The template line that reads the key.
    template_line: String,
    /// The finding's field.
    path: Vec<crate::document::PathSegment>,
    rule_id: String,
    candidate: Candidate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirmation {
    /// The field takes the key's value: the template copies it through.
    Copied,
    /// The field changes with the key, but is not its value.
    Influenced,
}

/// A step of a values key: a key or index, or an item of a list whose place is not known yet
/// (the `.` of a `range`, or the first item a `toYaml` of a list printed).
#[derive(Debug, Clone, PartialEq, Eq)]
enum KeyStep {
    Path(crate::document::PathSegment),
    Item,
}

/// `a.b[0].c` / `a[].c` as steps.
fn parse_key(key: &str) -> Option<Vec<KeyStep>> {
    use crate::document::PathSegment;
    let mut steps = Vec::new();
    for part in key.split('.') {
        let (name, mut indices) = part.split_once('[').map_or((part, ""), |(n, rest)| {
            (n, &part[n.len()..][..rest.len() + 1])
        });
        if name.is_empty() {
            return None;
        }
        steps.push(KeyStep::Path(PathSegment::Key(name.to_string())));
        while let Some(rest) = indices.strip_prefix('[') {
            let close = rest.find(']')?;
            steps.push(match &rest[..close] {
                "" => KeyStep::Item,
                n => KeyStep::Path(PathSegment::Index(n.parse().ok()?)),
            });
            indices = &rest[close + 1..];
        }
        if !indices.is_empty() {
            return None;
        }
    }
    Some(steps)
}

/// True when every key of `part` is in `whole` with the same value (lists and scalars equal).
fn json_within(part: &serde_json::Value, whole: &serde_json::Value) -> bool {
    match (part, whole) {
        (serde_json::Value::Object(p), serde_json::Value::Object(w)) => p
            .iter()
            .all(|(k, v)| w.get(k).is_some_and(|there| json_within(v, there))),
        _ => part == whole,
    }
}

/// The one item of a values list that the rendered item `rendered` came from: the item whose
/// `rest` is the rendered field (or lacks it, as the render does) and whose `name`, when both
/// have one, is the rendered item's. `None` when no item or several fit.
fn matching_item(
    items: &[crate::document::Node],
    rest: &[crate::document::PathSegment],
    rendered: &serde_json::Value,
    field: Option<&serde_json::Value>,
) -> Option<usize> {
    let copies: Vec<usize> = (0..items.len())
        .filter(|&j| items[j].to_json() == *rendered)
        .collect();
    if let [only] = copies.as_slice() {
        return Some(*only);
    }
    let fitting: Vec<usize> = (0..items.len())
        .filter(|&j| {
            let item = items[j].to_json();
            let at = json_at(&item, rest);
            let field_fits = match field {
                Some(value) => at == Some(value),
                None => at.is_none(),
            };
            let name_fits = match (rendered.get("name"), item.get("name")) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            field_fits && name_fits
        })
        .collect();
    match fitting.as_slice() {
        [only] => Some(*only),
        _ => None,
    }
}

/// The values key behind `finding`: a `.Values` key its template line reads (`.Values.a.b`, or
/// `.` inside `{{ with .Values.a }}`, or an item of `{{ range .Values.a }}`), followed by the
/// end of the finding's path, that a values file sets to a scalar. The longest such key wins:
/// `securityContext.runAsUser` over `securityContext`. When the render lacks the field
/// (`absent`), the key is the field inside the values block the template copies whole.
#[allow(clippy::too_many_arguments)]
fn values_candidate(
    chart: &mut ChartTemplates,
    chart_dir: &Path,
    template: &str,
    options: &crate::input::helm::HelmOptions,
    line: &str,
    dot: Option<&str>,
    finding: &Finding,
    object: &serde_json::Value,
    absent: bool,
    files: &mut Files,
) -> Option<Candidate> {
    use crate::document::{NodeValue, PathSegment};
    let read = crate::input::template_trace::values_read(line, dot);
    if read.is_empty() {
        return None;
    }
    // A subchart's template (`app/charts/cache/templates/…`) reads its own values, which the
    // parent's files set under the subchart's name (`cache.x`) and its own `values.yaml` as `x`.
    let mut subcharts: Vec<&str> = Vec::new();
    let mut parts = template.split('/').skip(1).peekable();
    while parts.peek() == Some(&"charts") {
        parts.next();
        subcharts.extend(parts.next());
    }
    // The user's files override the chart's, the later ones the earlier; each with the prefix
    // its keys carry.
    let mut sources: Vec<(PathBuf, usize, Option<usize>)> = options
        .values
        .iter()
        .enumerate()
        .rev()
        .map(|(i, f)| (f.clone(), 0, Some(i)))
        .collect();
    // Each chart's own `values.yaml`, found as its templates are: on disk or in an archive.
    let top = template.split('/').next().unwrap_or("");
    let mut chart_path = top.to_string();
    sources.push((
        chart
            .resolve(&format!("{chart_path}/values.yaml"))
            .unwrap_or_else(|| chart_dir.join("values.yaml")),
        0,
        None,
    ));
    for (depth, sub) in subcharts.iter().enumerate() {
        chart_path = format!("{chart_path}/charts/{sub}");
        if let Some(file) = chart.resolve(&format!("{chart_path}/values.yaml")) {
            sources.push((file, depth + 1, None));
        }
    }
    type Loaded = (
        Arc<Source>,
        Arc<Document>,
        crate::document::Node,
        usize,
        Option<usize>,
    );
    let mut loaded: Vec<Loaded> = Vec::new();
    for (file, depth, given) in sources {
        let Some(source) = files.chart_source(chart, &file) else {
            continue;
        };
        let Some(document) = files.document(&source) else {
            continue;
        };
        let stream = crate::document::parse_stream(&source.text, ParseLimits::default());
        if let Some(root) = stream
            .documents
            .into_iter()
            .next()
            .and_then(Result::ok)
            .and_then(|d| d.root)
        {
            loaded.push((source, document, root, depth, given));
        }
    }
    let set_by_user = |key: &str| {
        options.set.iter().any(|s| {
            s.split_once('=')
                .is_some_and(|(k, _)| k == key || key.starts_with(&format!("{k}.")))
        })
    };
    let segments = |steps: &[KeyStep]| -> Option<Vec<PathSegment>> {
        steps
            .iter()
            .map(|s| match s {
                KeyStep::Path(p) => Some(p.clone()),
                KeyStep::Item => None,
            })
            .collect()
    };
    for key in &read {
        let Some(base) = parse_key(key) else {
            continue;
        };
        // `global` is shared by every chart of the release under the same name: the top
        // chart's `global.x` is the subchart's `global.x`, not `<subchart>.global.x`.
        let global = key == "global" || key.starts_with("global.") || key.starts_with("global[");
        let prefix: Vec<KeyStep> = subcharts
            .iter()
            .filter(|_| !global)
            .map(|s| KeyStep::Path(PathSegment::Key((*s).to_string())))
            .collect();
        let item_in_key = base.contains(&KeyStep::Item);
        for keep in (0..=finding.path.len()).rev() {
            let tail = &finding.path[finding.path.len() - keep..];
            let mut full: Vec<KeyStep> = prefix.iter().chain(&base).cloned().collect();
            for (i, segment) in tail.iter().enumerate() {
                full.push(match segment {
                    // A list printed by `toYaml` starts at the render's index: an item's place
                    // in the render is not its place in the values.
                    PathSegment::Index(_) if i == 0 && !item_in_key => KeyStep::Item,
                    other => KeyStep::Path(other.clone()),
                });
            }
            if full.iter().filter(|s| **s == KeyStep::Item).count() > 1 {
                continue;
            }
            // How much of the key the template reads (the block it copies, when the field
            // is absent): the key, and the item a `toYaml` of a list printed.
            let item_in_tail = !item_in_key && matches!(tail.first(), Some(PathSegment::Index(_)));
            let read_len = prefix.len() + base.len() + usize::from(item_in_tail);
            for (source, document, root, depth, given) in &loaded {
                let skip = if global {
                    0
                } else {
                    (*depth).min(prefix.len())
                };
                let steps = &full[skip..];
                let mut list = None;
                let path: Vec<PathSegment> = match steps.iter().position(|s| *s == KeyStep::Item) {
                    None => segments(steps)?,
                    Some(at) => {
                        let list_path = segments(&steps[..at])?;
                        let rest = segments(&steps[at + 1..])?;
                        let found = root.resolve(&list_path);
                        let items = match (&found.node.value, found.exact) {
                            (NodeValue::Seq(items), true) => items,
                            // The file sets the key to something else, which wins.
                            (_, true) => break,
                            (_, false) => continue,
                        };
                        // The rendered item: the nearest list item above the part of the
                        // field the item's keys name (a template may write the item's
                        // `privileged` under a `securityContext:` of its own).
                        let Some(item_path) = finding
                            .path
                            .len()
                            .checked_sub(rest.len())
                            .and_then(|n| {
                                finding.path[..n]
                                    .iter()
                                    .rposition(|s| matches!(s, PathSegment::Index(_)))
                            })
                            .map(|at| &finding.path[..=at])
                        else {
                            break;
                        };
                        let Some(rendered_item) = json_at(object, item_path) else {
                            break;
                        };
                        let field = json_at(object, &finding.path);
                        let Some(index) = matching_item(items, &rest, rendered_item, field) else {
                            break;
                        };
                        let mut list_full = segments(&full[..skip])?;
                        list_full.extend(list_path.iter().cloned());
                        list = Some((list_full, found.node.to_json()));
                        let mut path = list_path;
                        path.push(PathSegment::Index(index));
                        path.extend(rest);
                        path
                    }
                };
                let mut full_path = segments(&full[..skip])?;
                full_path.extend(path.iter().cloned());
                let shown = crate::document::display_path(&full_path);
                let resolved = root.resolve(&path);
                let make = |present: bool, span: Span, value: serde_json::Value, block: String| {
                    Candidate {
                        key: shown.clone(),
                        full: full_path.clone(),
                        in_file: path.clone(),
                        present,
                        block,
                        file: source.clone(),
                        given: *given,
                        depth: *depth,
                        span,
                        value,
                        list: list.clone(),
                        chart_dir: chart_dir.to_path_buf(),
                        options: options.clone(),
                    }
                };
                if resolved.exact {
                    if !absent
                        && resolved.node.is_scalar()
                        && !resolved.node.via_alias
                        && !set_by_user(&shown)
                    {
                        let span = node_span(document, resolved.node, resolved.key_span);
                        return Some(make(true, span, resolved.node.to_json(), String::new()));
                    }
                    // This file sets the key, so no file below it does.
                    break;
                }
                let in_block = read_len.saturating_sub(skip);
                if absent
                    && resolved.depth >= in_block
                    && matches!(resolved.node.value, NodeValue::Map(_))
                    && !resolved.node.via_alias
                    && !set_by_user(&shown)
                {
                    // The block must be what the render holds there (the template copies it
                    // whole), or the key is only a namesake.
                    let block = root.resolve(&path[..in_block]).node.to_json();
                    let rendered_block = finding
                        .path
                        .len()
                        .checked_sub(path.len() - in_block)
                        .and_then(|n| json_at(object, &finding.path[..n]));
                    if rendered_block.is_some_and(|r| json_within(&block, r)) {
                        let span = node_span(document, resolved.node, resolved.key_span);
                        let block_key = crate::document::display_path(
                            &full_path[..full_path.len() - (path.len() - resolved.depth)],
                        );
                        return Some(make(false, span, serde_json::Value::Null, block_key));
                    }
                }
            }
        }
    }
    None
}

/// The fixes moved onto values files for the confirmed candidates whose rule offers a fix,
/// each proven by rendering the chart with the edited file (see [`crate::values_fix`]).
fn values_fixes(
    pending: &[Pending],
    confirmed: &[Option<Confirmation>],
    renders: &HashMap<String, Arc<Source>>,
    rescan: &dyn Fn(Source) -> Vec<Finding>,
) -> Vec<Option<crate::finding::Fix>> {
    use crate::finding::{Fix, FixTarget, PatchKind, PatchOp};
    let mut proposals = Vec::new();
    let mut proposed: Vec<usize> = Vec::new();
    for (i, (p, confirmation)) in pending.iter().zip(confirmed).enumerate() {
        let candidate = &p.candidate;
        let (Some(Confirmation::Copied), Some((value, _)), Some(render)) =
            (confirmation, &p.fix, renders.get(&p.render))
        else {
            continue;
        };
        // Only a file the user can edit and whose edit reaches the render as written: a
        // `--values` file or the rendered chart's `values.yaml` on disk, never an archive
        // member or a subchart's defaults.
        if candidate.file.path.is_none() || candidate.depth > 0 {
            continue;
        }
        proposals.push(crate::values_fix::Proposal {
            chart_dir: &candidate.chart_dir,
            options: &candidate.options,
            file: &candidate.file,
            given: candidate.given,
            op: PatchOp {
                op: if candidate.present {
                    PatchKind::Replace
                } else {
                    PatchKind::Add
                },
                path: candidate.in_file.clone(),
                value: Some(value.clone()),
            },
            render: render.text.as_str(),
            identity: &p.identity,
            field: &p.path,
            value,
            rule_id: &p.rule_id,
            safe: p
                .fix
                .as_ref()
                .is_some_and(|(_, fix)| fix.applicability == crate::finding::Applicability::Safe),
        });
        proposed.push(i);
    }
    let mut out = vec![None; pending.len()];
    if proposals.is_empty() {
        return out;
    }
    let proven = crate::values_fix::prove(&proposals, rescan);
    for ((proposal, i), ok) in proposals.into_iter().zip(proposed).zip(proven) {
        let Some((value, rule_fix)) = &pending[i].fix else {
            continue;
        };
        if !ok {
            continue;
        }
        let candidate = &pending[i].candidate;
        let mut fix = Fix {
            title: format!(
                "{}: set `{}: {}` in {}",
                rule_fix.title,
                candidate.key,
                shown_value(value),
                candidate.file.name
            ),
            applicability: rule_fix.applicability,
            ops: vec![proposal.op],
            target: FixTarget::ValuesFile,
        };
        if !candidate.present {
            fix.title = format!(
                "{}: add `{}: {}` under `{}` in {}",
                rule_fix.title,
                candidate.key,
                shown_value(value),
                candidate.block,
                candidate.file.name
            );
        }
        out[i] = Some(fix);
    }
    out
}

/// How many probe renders a chart gets at most: one with every key, and when the chart refuses
/// that, halves of the keys until the ones it refuses are left out.
const MAX_PROBE_RENDERS: usize = 24;

/// A value of the same type as `value` that differs from it, or `None` for a null.
fn probe_value(value: &serde_json::Value, n: usize) -> Option<serde_json::Value> {
    use serde_json::Value;
    match value {
        Value::Bool(b) => Some(Value::Bool(!b)),
        // One more than the value: a chart may loop over a number (`until .Values.replicas`),
        // so a large probe could make the render run for minutes.
        Value::Number(number) => match (number.as_u64(), number.as_i64()) {
            (Some(u), _) => Some(Value::from(u.saturating_add(1))),
            (None, Some(i)) => Some(Value::from(i.saturating_add(1))),
            _ => number.as_f64().map(|f| Value::from(f + 1.0)),
        },
        Value::String(_) => Some(Value::String(format!("kordon-probe-{n}"))),
        _ => None,
    }
}

/// Sets `path` of `root` to `value`, making the mappings on the way; an index must exist.
pub(crate) fn set_json(
    root: &mut serde_json::Value,
    path: &[crate::document::PathSegment],
    value: serde_json::Value,
) -> Option<()> {
    use crate::document::PathSegment;
    let Some((last, parents)) = path.split_last() else {
        *root = value;
        return Some(());
    };
    let mut at = root;
    for segment in parents {
        at = match segment {
            PathSegment::Key(k) => {
                if !at.is_object() {
                    *at = serde_json::json!({});
                }
                at.as_object_mut()?
                    .entry(k.clone())
                    .or_insert_with(|| serde_json::json!({}))
            }
            PathSegment::Index(i) => at.get_mut(*i)?,
        };
    }
    match last {
        PathSegment::Key(k) => {
            if !at.is_object() {
                *at = serde_json::json!({});
            }
            at.as_object_mut()?.insert(k.clone(), value);
        }
        PathSegment::Index(i) => *at.get_mut(*i)? = value,
    }
    Some(())
}

/// A probe: a candidate's key set to a value it does not have.
#[derive(Clone)]
struct Probe {
    key: String,
    full: Vec<crate::document::PathSegment>,
    value: serde_json::Value,
    list: Option<(Vec<crate::document::PathSegment>, serde_json::Value)>,
}

/// A values file (JSON, which YAML reads) setting every probe; `None` when one cannot be set.
fn probe_file(probes: &[Probe]) -> Option<tempfile::NamedTempFile> {
    let mut root = serde_json::json!({});
    for probe in probes {
        if let Some((list_path, list)) = &probe.list
            && json_at(&root, list_path).is_none()
        {
            set_json(&mut root, list_path, list.clone())?;
        }
        set_json(&mut root, &probe.full, probe.value.clone())?;
    }
    let mut file = tempfile::Builder::new()
        .prefix("kordon-probe-")
        .suffix(".yaml")
        .tempfile()
        .ok()?;
    std::io::Write::write_all(&mut file, root.to_string().as_bytes()).ok()?;
    Some(file)
}

/// Renders each chart once more with every candidate key set to a probe value, and says for
/// each candidate whether its field followed. A chart that fails to render that way (a schema
/// refusing the probe, a value that switches a template off) confirms none of its candidates.
/// A key the values lack is probed with the value the rule's fix would give the field.
fn confirm_values(pending: &[Pending]) -> Vec<Option<Confirmation>> {
    let mut out = vec![None; pending.len()];
    // One probe render per render of a chart: a chart rendered with several values files
    // (`helm.charts` entries) is probed with each render's own options.
    let mut renders_probed: Vec<(&Path, &crate::input::helm::HelmOptions)> = Vec::new();
    for p in pending {
        let render = (p.candidate.chart_dir.as_path(), &p.candidate.options);
        if !renders_probed.contains(&render) {
            renders_probed.push(render);
        }
    }
    for (chart, base) in renders_probed {
        let here: Vec<usize> = (0..pending.len())
            .filter(|&i| {
                pending[i].candidate.chart_dir == chart && &pending[i].candidate.options == base
            })
            .collect();
        let mut probes: Vec<Probe> = Vec::new();
        for &i in &here {
            let candidate = &pending[i].candidate;
            if probes.iter().any(|p| p.key == candidate.key) {
                continue;
            }
            let value = if candidate.present {
                probe_value(&candidate.value, probes.len())
            } else {
                Some(pending[i].fix.as_ref().map_or_else(
                    || serde_json::Value::String(format!("kordon-probe-{}", probes.len())),
                    |(value, _)| value.clone(),
                ))
            };
            if let Some(value) = value {
                probes.push(Probe {
                    key: candidate.key.clone(),
                    full: candidate.full.clone(),
                    value,
                    list: candidate.list.clone(),
                });
            }
        }
        let render_with = |set: &[Probe]| -> Option<String> {
            // A file, not `--set`: `--set` cannot change one item of a list without replacing
            // the list, and it reads some strings as numbers.
            let file = probe_file(set)?;
            let mut options = base.clone();
            options.values.push(file.path().to_path_buf());
            crate::input::helm::render_chart(chart, &options).ok()
        };
        // All keys at once; when the chart refuses that (a schema, a `fail`), each half in
        // turn, so the keys it refuses are found in a few renders and the others still count.
        let mut renders: Vec<(Vec<Probe>, String)> = Vec::new();
        let mut pending_sets: Vec<Vec<Probe>> = vec![probes.clone()];
        let mut renders_left = MAX_PROBE_RENDERS;
        while let Some(set) = pending_sets.pop() {
            if set.is_empty() {
                continue;
            }
            if renders_left == 0 {
                break;
            }
            renders_left -= 1;
            match render_with(&set) {
                Some(text) => renders.push((set, text)),
                None if set.len() > 1 => {
                    let mut first = set;
                    let second = first.split_off(first.len() / 2);
                    pending_sets.push(second);
                    pending_sets.push(first);
                }
                None => {}
            }
        }
        for (set, text) in renders {
            let comments = source_comments(&text);
            let document = Document::parse(
                Arc::new(Source::new("probe", text.as_str())),
                ParseLimits::default(),
            );
            let by_identity: HashMap<String, &crate::document::Object> = document
                .objects
                .iter()
                .filter_map(|o| Some((rendered_identity(&comments, o.root.span.start)?, o)))
                .collect();
            for &i in &here {
                let p = &pending[i];
                let probe = set
                    .iter()
                    .find(|probe| probe.key == p.candidate.key)
                    .map(|probe| &probe.value);
                let (Some(probe), Some(object)) = (probe, by_identity.get(&p.identity)) else {
                    continue;
                };
                let resolved = object.root.resolve(&p.path);
                let now = resolved.exact.then(|| resolved.node.to_json());
                out[i] = match now {
                    // A probe equal to the rendered value proves nothing: the file that was
                    // probed may not be the one that set it (a subchart's default overridden).
                    _ if Some(probe) == p.rendered.as_ref() => None,
                    Some(v) if &v == probe => Some(Confirmation::Copied),
                    Some(v) if Some(&v) != p.rendered.as_ref() => Some(Confirmation::Influenced),
                    _ => None,
                };
            }
        }
    }
    out
}

fn helm_given(
    finding: &mut Finding,
    comment: &SourceComment,
    render: &str,
    near: Option<&Path>,
    charts: &mut HashMap<PathBuf, ChartTemplates>,
    files: &mut Files,
    added: &mut Vec<Arc<Source>>,
) {
    let template = comment.template.as_str();
    // Helm writes the path from the chart's parent directory: try it from the current
    // directory and from the render's own directory.
    let mut roots = vec![PathBuf::new()];
    if let Some(parent) = near.and_then(Path::parent) {
        roots.push(parent.to_path_buf());
    }
    let found = roots
        .iter()
        .map(|root| root.join(template))
        .find(|c| c.is_file())
        .and_then(|c| Some((files.source(&c, &display_name(&c))?, c)));
    let related = match found {
        Some((source, file)) => {
            // The chart is the template path's first component, under the same root.
            let chart_dir = template.split_once('/').and_then(|(chart, rest)| {
                let root = file.to_string_lossy();
                let prefix = root.strip_suffix(rest)?;
                Some(PathBuf::from(prefix.trim_end_matches('/'))).filter(|d| d.ends_with(chart))
            });
            let document = render
                .get(comment.document.start..comment.document.end)
                .unwrap_or("");
            let line = line_in_document(render, comment.document, finding.location.span.start);
            let traced = chart_dir.and_then(|dir| {
                charts
                    .entry(dir.clone())
                    .or_insert_with(|| ChartTemplates::new(&dir))
                    .trace(&file, document, line)
            });
            let (location, precision) = match traced {
                Some(traced) if traced.file == file => (
                    location_in(&source, line_span(&source.text, traced.line)),
                    traced.precision,
                ),
                Some(traced) => match files.source(&traced.file, &display_name(&traced.file)) {
                    Some(at) => {
                        let location = location_in(&at, line_span(&at.text, traced.line));
                        added.push(at);
                        (location, traced.precision)
                    }
                    None => (file_only(&source.name), Precision::TemplateFile),
                },
                None => {
                    let m = locate_in_template(
                        &source.text,
                        &finding.object.kind,
                        &search_path(finding),
                    );
                    (location_in(&source, m.span), m.precision)
                }
            };
            let precision = match (finding.precision, precision) {
                (Precision::Ancestor, Precision::TemplateKey) => Precision::TemplateAncestor,
                (_, p) => p,
            };
            added.push(source);
            RelatedLocation {
                location,
                message: format!(
                    "rendered from this template ({})",
                    precision_words(precision)
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

/// A kustomize build kordon made, as [`kustomize_built`] maps out of it.
struct Built<'a> {
    /// The kustomization directory, as given or found.
    dir: &'a Path,
    kustomization_file: &'a Path,
    build: &'a crate::input::kustomize::Build,
    /// The build's text as scanned.
    rendered: Option<Arc<Source>>,
}

/// The generator kind kustomize names in the origin of objects inflated from `helmCharts:`.
const HELM_GENERATOR: &str = "HelmChartInflationGenerator";

fn kustomize_built(
    finding: &mut Finding,
    built: Built<'_>,
    charts: &mut HashMap<PathBuf, ChartTemplates>,
    files: &mut Files,
    added: &mut Vec<Arc<Source>>,
) {
    let Built {
        dir,
        kustomization_file,
        build,
        rendered,
    } = built;
    let offset = finding.object.location.span.start;
    if let Some(Origin::Generated {
        configured_in,
        generator,
    }) = build.origin_at(offset)
        && generator == HELM_GENERATOR
    {
        let inflated = Inflated {
            dir,
            kustomization_file,
            configured_in,
            build,
            rendered,
        };
        helm_inflated(finding, &inflated, charts, files, added);
        return;
    }
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
                            message: KUSTOMIZE_BUILT_HERE.into(),
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

/// An object of a kustomize build inflated from a `helmCharts:` entry.
struct Inflated<'a> {
    /// The kustomization directory that was built, as given or found.
    dir: &'a Path,
    /// Its kustomization file.
    kustomization_file: &'a Path,
    /// The kustomization file that lists the chart (absolute).
    configured_in: &'a Path,
    build: &'a crate::input::kustomize::Build,
    rendered: Option<Arc<Source>>,
}

/// The `helmCharts:` entries of the kustomization file `file` with where each is written.
fn chart_entries(
    file: &Path,
    shown: &str,
    files: &mut Files,
) -> Option<(Arc<Source>, Vec<crate::input::kustomize::HelmChartEntry>)> {
    let source = files.source(file, shown)?;
    let entries = crate::input::kustomize::read_kustomization(file.parent()?)
        .ok()?
        .helm_charts;
    Some((source, entries))
}

/// The same directory, whether or not either path went through links.
fn same_place(a: &Path, b: &Path) -> bool {
    crate::input::kustomize::normalize(a) == crate::input::kustomize::normalize(b)
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(a), Ok(b)) if a == b
        )
}

/// Maps a finding on an object kustomize inflated from a chart: into the chart's template, at
/// the line that wrote the field, when the template trace proves it and the kustomization does
/// not change the field afterwards; else onto the `helmCharts:` entry, as
/// [`Precision::Generated`]. The build keeps the exact place as a related location.
fn helm_inflated(
    finding: &mut Finding,
    inflated: &Inflated<'_>,
    charts: &mut HashMap<PathBuf, ChartTemplates>,
    files: &mut Files,
    added: &mut Vec<Arc<Source>>,
) {
    let offset = finding.object.location.span.start;
    let shown_file = shown_path(inflated.configured_in, inflated.dir);
    let entries = chart_entries(inflated.configured_in, &shown_file, files);
    let built_object = inflated
        .rendered
        .as_ref()
        .and_then(|r| files.document(r))
        .and_then(|document| {
            let object = object_at(&document, offset)?;
            Some((object.kind.clone(), object.name.clone().unwrap_or_default()))
        });
    // The render that holds the object: same kind, and its name, or a name kustomize prefixed
    // or suffixed (the longest such name wins).
    let mut found: Option<(usize, usize, usize)> = None;
    if let Some((kind, built_name)) = &built_object {
        for n in 0..inflated.build.inflations.len() {
            let Some(document) = inflation_source(inflated, n).and_then(|s| files.document(&s))
            else {
                continue;
            };
            for (i, object) in document.objects.iter().enumerate() {
                let name = object.name.as_deref().unwrap_or("");
                if object.kind != *kind || !built_name.contains(name) {
                    continue;
                }
                let score = if name == built_name {
                    usize::MAX
                } else {
                    name.len()
                };
                if found.is_none_or(|(_, _, best)| score > best) {
                    found = Some((n, i, score));
                }
            }
        }
    }
    let entry = found.and_then(|(n, _, _)| {
        let inflation = &inflated.build.inflations[n];
        let (source, entries) = entries.as_ref()?;
        let entry = entries
            .iter()
            .filter(|e| same_place(&e.chart_dir, &inflation.chart_dir))
            .find(|e| e.release_name.is_none() || e.release_name == inflation.release_name)?;
        Some((source.clone(), entry.clone()))
    });
    // Without the render, the entry of the only chart of that kustomization still names it.
    let entry = entry.or_else(|| {
        let (source, entries) = entries.as_ref()?;
        match entries.as_slice() {
            [only] => Some((source.clone(), only.clone())),
            _ => None,
        }
    });
    let entry_at = entry.as_ref().map(|(source, entry)| {
        (
            location_in(source, entry.span),
            format!(
                "the `{}` entry that inflates chart `{}`{}",
                entry.list,
                entry.name,
                entry
                    .release_name
                    .as_deref()
                    .map_or(String::new(), |r| format!(" (release `{r}`)"))
            ),
        )
    });
    let traced =
        found.and_then(|(n, i, _)| trace_inflated(finding, inflated, n, i, charts, files, added));
    let built_at = finding.location.clone();
    match traced {
        Some((stand_in, true)) => {
            finding.location = stand_in.location;
            finding.precision = stand_in.precision;
            finding.object.location = stand_in.object.location;
        }
        other => {
            let Some((at, _)) = &entry_at else {
                // Nowhere better to open: the build keeps the finding.
                finding.related.push(RelatedLocation {
                    location: file_only(&shown_file),
                    message: format!("generated by the {HELM_GENERATOR} configured here"),
                });
                return;
            };
            finding.location = at.clone();
            finding.precision = Precision::Generated;
            if let Some((stand_in, _)) = other {
                let why = if stand_in.precision == Precision::TemplateFile {
                    "its line could not be traced"
                } else {
                    "the kustomization changes the field after helm rendered it"
                };
                let changed = stand_in.precision != Precision::TemplateFile;
                finding.related.push(RelatedLocation {
                    location: stand_in.location,
                    message: format!("the template the object is rendered from ({why})"),
                });
                if changed {
                    // The kustomization listing the chart, else the one built (an overlay of it).
                    let changing = [
                        (inflated.configured_in, shown_file.clone()),
                        (
                            inflated.kustomization_file,
                            display_name(inflated.kustomization_file),
                        ),
                    ];
                    if let Some(at) = changing.iter().find_map(|(file, name)| {
                        files.source(file, name).and_then(|source| {
                            let key = TRANSFORMING_KEYS.iter().find_map(|key| {
                                let at = line_key(&source.text, key)?;
                                Some(Span::new(at, at + key.len()))
                            })?;
                            Some(location_in(&source, key))
                        })
                    }) {
                        finding.related.push(RelatedLocation {
                            location: at,
                            message:
                                "the kustomization whose patches or transformers change the field"
                                    .into(),
                        });
                    }
                }
            }
        }
    }
    finding.fix = None;
    finding.related.insert(
        0,
        RelatedLocation {
            location: built_at,
            message: KUSTOMIZE_BUILT_HERE.into(),
        },
    );
    if finding.precision != Precision::Generated
        && let Some((at, message)) = entry_at
    {
        finding.related.push(RelatedLocation {
            location: at,
            message,
        });
    }
}

/// The text of the `n`-th `helm template` run of a build, named for the documents cache only
/// (it is not a file of the report: kustomize printed no such text).
fn inflation_source(inflated: &Inflated<'_>, n: usize) -> Option<Arc<Source>> {
    let inflation = inflated.build.inflations.get(n)?;
    Some(Arc::new(Source::new(
        format!(
            "{} (helm template #{n} of kustomize build {})",
            display_name(&inflation.chart_dir),
            display_name(inflated.dir)
        ),
        inflation.text.as_str(),
    )))
}

/// The finding as the template trace maps it from object `index` of the `n`-th kept `helm
/// template` render, and whether that holds for the build: the template line was proven
/// ([`Precision::TemplateKey`] or [`Precision::TemplateAncestor`]) and the build has the field
/// as helm rendered it.
fn trace_inflated(
    finding: &Finding,
    inflated: &Inflated<'_>,
    n: usize,
    index: usize,
    charts: &mut HashMap<PathBuf, ChartTemplates>,
    files: &mut Files,
    added: &mut Vec<Arc<Source>>,
) -> Option<(Finding, bool)> {
    let inflation = inflated.build.inflations.get(n)?;
    let source = inflation_source(inflated, n)?;
    let document = files.document(&source)?;
    let object = document.objects.get(index)?;
    let built = inflated.rendered.as_ref().and_then(|r| files.document(r))?;
    let built_object = object_at(&built, finding.object.location.span.start)?;
    let here = object.root.resolve(&finding.path);
    let there = built_object.root.resolve(&finding.path);
    let unchanged = (here.exact && there.exact && here.node.to_json() == there.node.to_json())
        || (!here.exact && !there.exact && here.depth == there.depth);
    let span = if finding.path.is_empty() || here.depth == 0 {
        object.anchor_span()
    } else {
        node_span(&document, here.node, here.key_span)
    };
    let comments = source_comments(&inflation.text);
    let comment = template_at(&comments, object.root.span.start)?;
    let chart_dir = PathBuf::from(shown_path(&inflation.chart_dir, inflated.dir));
    let chart = charts
        .entry(chart_dir.clone())
        .or_insert_with(|| ChartTemplates::new(&chart_dir));
    let mut stand_in = finding.clone();
    stand_in.location = location_in(&source, span);
    stand_in.object.location = location_in(&source, object.anchor_span());
    stand_in.related = Vec::new();
    stand_in.fix = None;
    helm_rendered(
        &mut stand_in,
        &chart_dir,
        comment,
        &inflation.text,
        chart,
        files,
        added,
        None,
    );
    if stand_in.location.file == source.name {
        return None;
    }
    let proven = matches!(
        stand_in.precision,
        Precision::TemplateKey | Precision::TemplateAncestor
    );
    Some((stand_in, proven && unchanged))
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
    fn probes_keep_the_type_and_stay_small() {
        use serde_json::json;
        // A chart may loop `until .Values.replicaCount`: the probe is one more, not a large number.
        assert_eq!(probe_value(&json!(1), 3), Some(json!(2)));
        assert_eq!(probe_value(&json!(-1), 0), Some(json!(0)));
        assert_eq!(probe_value(&json!(true), 0), Some(json!(false)));
        assert_eq!(
            probe_value(&json!("IfNotPresent"), 2),
            Some(json!("kordon-probe-2"))
        );
        assert_eq!(probe_value(&json!(null), 0), None);
    }

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
