//! Span-preserving reading of Kubernetes manifests: YAML and JSON streams become [`Document`]s
//! holding [`Object`]s whose every node knows where it is written.

mod lines;
mod node;
pub(crate) mod systemd;
mod yaml;

use std::sync::Arc;

pub use lines::LineIndex;
pub use lines::Position;
pub use node::{Entry, Node, NodeValue, PathSegment, Resolved, Span, display_path};
pub use yaml::{
    AliasUse, DuplicateKey, ParseLimits, RawDocument, RawStream, SyntaxError, parse_stream,
};

/// How a plain (unquoted) scalar decodes, as Kubernetes reads it.
pub(crate) fn resolve_plain_scalar(text: &str) -> NodeValue {
    yaml::resolve_scalar(text, saphyr_parser::ScalarStyle::Plain, None)
}

/// Text to scan, with the name findings will show for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The name shown in findings: a path relative to where the scan was asked for, or `<stdin>`.
    pub name: String,
    /// The file on disk, when there is one.
    pub path: Option<std::path::PathBuf>,
    /// The text.
    pub text: String,
}

impl Source {
    /// A source held in memory under `name`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            path: None,
            text: text.into(),
        }
    }

    /// Whether this is a kubelet systemd unit or drop-in (read as a `SystemdUnit` object, not as
    /// YAML), by the name shown or by the file's path on disk.
    pub fn is_kubelet_unit(&self) -> bool {
        systemd::is_kubelet_unit_name(&self.name)
            || self
                .path
                .as_deref()
                .and_then(|p| p.to_str())
                .is_some_and(systemd::is_kubelet_unit_name)
    }
}

/// A Kubernetes object read from a document.
#[derive(Debug, Clone)]
pub struct Object {
    /// The object's mapping node.
    pub root: Node,
    /// `apiVersion`, e.g. `apps/v1`.
    pub api_version: String,
    /// `kind`, e.g. `Deployment`.
    pub kind: String,
    /// `metadata.name`, when set.
    pub name: Option<String>,
    /// `metadata.namespace`, when set.
    pub namespace: Option<String>,
    /// Which document of the file holds it (0-based).
    pub document_index: usize,
    /// Duplicate keys found inside the object.
    pub duplicates: Vec<DuplicateKey>,
    /// The object's value as Rego sees it, converted once. Crate-private: regorus is pinned to
    /// an exact version, and its `Value` in kordon's API would tie users' regorus to ours.
    pub(crate) rego: regorus::Value,
}

impl Object {
    /// An object from a mapping node that has `apiVersion` and `kind` (`None` otherwise).
    pub fn from_root(root: Node, document_index: usize) -> Option<Object> {
        Object::from_node(root, document_index)
    }

    /// `metadata.labels` as strings.
    pub fn labels(&self) -> std::collections::BTreeMap<String, String> {
        self.root
            .get("metadata")
            .and_then(|m| m.get("labels"))
            .map(|labels| {
                labels
                    .entries()
                    .iter()
                    .filter_map(|e| match &e.value.value {
                        NodeValue::String(s) => Some((e.key.clone(), s.clone())),
                        NodeValue::Bool(b) => Some((e.key.clone(), b.to_string())),
                        NodeValue::Int(i) => Some((e.key.clone(), i.to_string())),
                        NodeValue::UInt(u) => Some((e.key.clone(), u.to_string())),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn from_node(root: Node, document_index: usize) -> Option<Object> {
        let api_version = root.get("apiVersion")?.as_str()?.to_string();
        let kind = root.get("kind")?.as_str()?.to_string();
        let metadata = root.get("metadata");
        let name = metadata
            .and_then(|m| m.get("name"))
            .and_then(Node::as_str)
            .map(str::to_string);
        let namespace = metadata
            .and_then(|m| m.get("namespace"))
            .and_then(Node::as_str)
            .map(str::to_string);
        let rego = root.to_rego();
        Some(Object {
            root,
            api_version,
            kind,
            name,
            namespace,
            document_index,
            duplicates: Vec::new(),
            rego,
        })
    }

    /// The API group (`""` for the core group).
    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }

    /// The API version without its group.
    pub fn version(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or(self.api_version.as_str(), |(_, version)| version)
    }

    /// `Kind/name` (or `Kind/namespace/name`), for messages.
    pub fn display_name(&self) -> String {
        let name = self.name.as_deref().unwrap_or("<unnamed>");
        match &self.namespace {
            Some(ns) => format!("{}/{}/{}", self.kind, ns, name),
            None => format!("{}/{}", self.kind, name),
        }
    }

    /// The span that stands for the whole object in a finding: its `metadata.name` entry, else
    /// its `kind` entry, else the object's first line.
    pub fn anchor_span(&self) -> Span {
        if let Some(entry) = self.root.get("metadata").and_then(|m| m.entry("name")) {
            return entry.key_span.join(entry.value.span);
        }
        if let Some(entry) = self.root.entry("kind") {
            return entry.key_span.join(entry.value.span);
        }
        Span::new(self.root.span.start, self.root.span.start)
    }
}

/// What kind of problem stopped part of a file from being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// The file could not be read.
    Io,
    /// The file is binary or not UTF-8.
    Binary,
    /// The file is larger than the limit.
    TooLarge,
    /// YAML or JSON syntax error.
    Syntax,
    /// Template syntax that must be rendered first.
    UnrenderedTemplate,
    /// A limit on nesting or alias expansion.
    Limit,
    /// A rule failed to load or evaluate.
    Rule,
    /// A configuration problem.
    Config,
    /// A Helm chart or kustomization failed to render.
    Render,
    /// Skipped on purpose, with a reason (not an error).
    Skipped,
    /// A suppression without a reason, unused, expired or malformed.
    Suppression,
    /// A suggested fix could not be applied or written.
    Fix,
    /// Part of an object has a shape rules cannot judge (a workload without a pod spec, a
    /// container list that is not a list): reported so that it is never skipped in silence.
    Unjudged,
}

/// A problem with one document of a file.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DocumentProblem {
    /// The kind of problem.
    pub kind: ProblemKind,
    /// What went wrong.
    pub message: String,
    /// Byte offset in the source, when known.
    pub offset: Option<usize>,
}

/// A parsed file: its objects and the problems found while reading it.
#[derive(Debug, Clone)]
pub struct Document {
    /// The text and its name.
    pub source: Arc<Source>,
    /// Line starts, to turn byte offsets into line and column.
    pub lines: LineIndex,
    /// The Kubernetes objects it holds, in order (`List` items expanded).
    pub objects: Vec<Object>,
    /// Documents that could not be read.
    pub problems: Vec<DocumentProblem>,
    /// Every alias used as a value, in source order: a finding inside an anchor names them.
    pub aliases: Vec<AliasUse>,
}

impl Document {
    /// Parses a source into objects. Never fails: problems are recorded in
    /// [`Document::problems`] and the readable documents are kept.
    pub fn parse(source: Arc<Source>, limits: ParseLimits) -> Document {
        let lines = LineIndex::new(&source.text);
        if source.is_kubelet_unit() {
            let objects = systemd::parse_unit(&source.name, &source.text)
                .and_then(|root| Object::from_root(root, 0))
                .into_iter()
                .collect();
            return Document {
                source,
                lines,
                objects,
                problems: Vec::new(),
                aliases: Vec::new(),
            };
        }
        let stream = parse_stream(&source.text, limits);
        let looks_templated = source.text.contains("{{");
        let mut objects = Vec::new();
        let mut problems = Vec::new();
        let mut aliases = Vec::new();
        for (index, raw) in stream.documents.into_iter().enumerate() {
            match raw {
                Ok(raw) => {
                    aliases.extend(raw.aliases);
                    let Some(root) = raw.root else { continue };
                    let before = objects.len();
                    collect_objects(root, index, &mut objects);
                    attach_duplicates(&mut objects[before..], raw.duplicates);
                }
                Err(error) => {
                    let is_limit = error.message.contains("refusing")
                        || error.message.contains("recursion limit");
                    let error = if error.message.contains("recursion limit") {
                        SyntaxError {
                            message: "flow collections nested deeper than the parser's limit of 256 levels; refusing to read further".into(),
                            offset: error.offset,
                        }
                    } else {
                        error
                    };
                    let (kind, message) = if looks_templated && !is_limit {
                        (
                            ProblemKind::UnrenderedTemplate,
                            format!(
                                "{} (this file holds `{{{{ … }}}}` template syntax: render it first, e.g. `helm template CHART | kordon scan -`, or scan the chart directory)",
                                error.message
                            ),
                        )
                    } else if is_limit {
                        (ProblemKind::Limit, error.message)
                    } else {
                        (ProblemKind::Syntax, error.message)
                    };
                    problems.push(DocumentProblem {
                        kind,
                        message,
                        offset: Some(error.offset),
                    });
                }
            }
        }
        Document {
            source,
            lines,
            objects,
            problems,
            aliases,
        }
    }

    /// Line and column (1-based, columns in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        self.lines.position(&self.source.text, offset)
    }
}

/// Kinds ending in `List` with `items` are expanded into their items, as `kubectl apply` does.
fn collect_objects(root: Node, document_index: usize, out: &mut Vec<Object>) {
    let is_list = root
        .get("kind")
        .and_then(Node::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && root.get("apiVersion").is_some()
        && matches!(root.get("items").map(|n| &n.value), Some(NodeValue::Seq(_)));
    if is_list {
        if let NodeValue::Map(entries) = root.value {
            for entry in entries {
                if entry.key == "items"
                    && let NodeValue::Seq(items) = entry.value.value
                {
                    for item in items {
                        if let Some(object) = Object::from_node(item, document_index) {
                            out.push(object);
                        }
                    }
                }
            }
        }
        return;
    }
    if let Some(object) = Object::from_node(root, document_index) {
        out.push(object);
    }
}

fn attach_duplicates(objects: &mut [Object], duplicates: Vec<DuplicateKey>) {
    for duplicate in duplicates {
        let owner = objects.iter_mut().find(|o| {
            o.root.span.start <= duplicate.duplicate.start
                && duplicate.duplicate.start <= o.root.span.end
        });
        if let Some(object) = owner {
            object.duplicates.push(duplicate);
        }
    }
}
