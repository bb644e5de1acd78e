//! Workload expansion: a Deployment, Job, CronJob… also yields the object it creates (a Pod, a
//! Job), reviewed by Gatekeeper constraints that match the generated kind, as Gatekeeper's
//! `ExpansionTemplate`s make it do at admission.
//!
//! The generated object is built from the workload's own nodes, so every node keeps its span in
//! the workload's file: a `details.path` into the generated Pod resolves inside the pod template.

use serde_json::Value;

use crate::document::{Entry, Node, NodeValue, Object, PathSegment, Span};
use crate::scan::parse_path;
use crate::workload::{WorkloadKind, WorkloadKinds};

/// A group, version and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gvk {
    /// API group (`""` for core).
    pub group: String,
    /// Version.
    pub version: String,
    /// Kind.
    pub kind: String,
}

impl Gvk {
    /// `apiVersion` as written in a manifest.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// One `applyTo` entry of an ExpansionTemplate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyTo {
    /// API groups (`*` for any).
    pub groups: Vec<String>,
    /// Kinds (`*` for any).
    pub kinds: Vec<String>,
    /// Versions (`*` for any).
    pub versions: Vec<String>,
}

impl ApplyTo {
    fn covers(&self, group: &str, version: &str, kind: &str) -> bool {
        let has = |list: &[String], v: &str| list.iter().any(|x| x == "*" || x == v);
        has(&self.groups, group) && has(&self.kinds, kind) && has(&self.versions, version)
    }
}

/// An `ExpansionTemplate` (`expansion.gatekeeper.sh` v1alpha1 or v1beta1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpansionTemplate {
    /// `metadata.name`.
    pub name: String,
    /// The workload kinds it expands.
    pub apply_to: Vec<ApplyTo>,
    /// Where the template of the generated object sits, e.g. `spec.template`.
    pub template_source: String,
    /// What the template becomes.
    pub generated_gvk: Gvk,
    /// Overrides the enforcement action of violations on the generated object.
    pub enforcement_action: Option<String>,
    /// The file that declared it (`None` for kordon's defaults).
    pub file: Option<String>,
    /// Byte span of its `metadata.name` in that file.
    pub span: Option<Span>,
}

impl ExpansionTemplate {
    /// Reads an ExpansionTemplate from its JSON form.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let name = value
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .ok_or("an ExpansionTemplate needs `metadata.name`")?
            .to_string();
        let spec = value.get("spec").ok_or("no `spec`")?;
        let strings = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let apply_to: Vec<ApplyTo> = spec
            .get("applyTo")
            .and_then(Value::as_array)
            .ok_or("`spec.applyTo` must be a list")?
            .iter()
            .map(|a| ApplyTo {
                groups: strings(a.get("groups")),
                kinds: strings(a.get("kinds")),
                versions: strings(a.get("versions")),
            })
            .collect();
        if apply_to.is_empty() {
            return Err("`spec.applyTo` is empty".into());
        }
        let template_source = spec
            .get("templateSource")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or("`spec.templateSource` must be a field path such as `spec.template`")?
            .to_string();
        let gvk = spec
            .get("generatedGVK")
            .ok_or("`spec.generatedGVK` is missing")?;
        let field = |k: &str| gvk.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let generated_gvk = Gvk {
            group: field("group"),
            version: field("version"),
            kind: field("kind"),
        };
        if generated_gvk.kind.is_empty() || generated_gvk.version.is_empty() {
            return Err("`spec.generatedGVK` needs `kind` and `version`".into());
        }
        Ok(ExpansionTemplate {
            name,
            apply_to,
            template_source,
            generated_gvk,
            enforcement_action: spec
                .get("enforcementAction")
                .and_then(Value::as_str)
                .map(str::to_string),
            file: None,
            span: None,
        })
    }

    fn source_path(&self) -> Vec<PathSegment> {
        parse_path(&Value::String(self.template_source.clone())).unwrap_or_default()
    }
}

/// The expansions kordon applies when no user ExpansionTemplate covers a kind: the standard
/// workloads create Pods, and a CronJob creates a Job (which creates Pods in turn).
pub fn default_templates() -> Vec<ExpansionTemplate> {
    let template = |name: &str, apply_to: Vec<ApplyTo>, source: &str, gvk: Gvk| ExpansionTemplate {
        name: name.to_string(),
        apply_to,
        template_source: source.to_string(),
        generated_gvk: gvk,
        enforcement_action: None,
        file: None,
        span: None,
    };
    let apply = |group: &str, kinds: &[&str]| ApplyTo {
        groups: vec![group.to_string()],
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        versions: vec!["v1".to_string()],
    };
    let mut out = vec![
        template(
            "kordon-expand-workloads",
            vec![
                apply(
                    "apps",
                    &["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"],
                ),
                apply("batch", &["Job"]),
                apply("", &["ReplicationController"]),
            ],
            "spec.template",
            Gvk {
                group: String::new(),
                version: "v1".into(),
                kind: "Pod".into(),
            },
        ),
        template(
            "kordon-expand-cronjobs",
            vec![apply("batch", &["CronJob"])],
            "spec.jobTemplate",
            Gvk {
                group: "batch".into(),
                version: "v1".into(),
                kind: "Job".into(),
            },
        ),
    ];
    out.extend(
        WorkloadKinds::builtin_ref()
            .kinds()
            .iter()
            .filter_map(workload_template),
    );
    out
}

/// The expansion of a workload kind declared with its group (a custom resource with a pod
/// template) into the Pods it runs, in any version of the resource.
fn workload_template(workload: &WorkloadKind) -> Option<ExpansionTemplate> {
    let group = workload.group.as_ref()?;
    if workload.template.is_empty() {
        return None;
    }
    Some(ExpansionTemplate {
        name: format!("kordon-expand-{}", workload.kind.to_lowercase()),
        apply_to: vec![ApplyTo {
            groups: vec![group.clone()],
            kinds: vec![workload.kind.clone()],
            versions: vec!["*".to_string()],
        }],
        template_source: workload.template.join("."),
        generated_gvk: Gvk {
            group: String::new(),
            version: "v1".into(),
            kind: "Pod".into(),
        },
        enforcement_action: None,
        file: None,
        span: None,
    })
}

/// An object generated from a workload's template.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The generated object; its nodes carry spans in the workload's file.
    pub object: Object,
    /// The path of the template in the top-level workload (`spec.jobTemplate.spec.template`):
    /// prefixed to a path in the generated object, it gives the path in the file.
    pub prefix: Vec<PathSegment>,
    /// Group and kind of every object it was generated from, the file's workload first.
    pub ancestors: Vec<(String, String)>,
    /// The ExpansionTemplate that generated it (the last one, for nested expansions).
    pub template: String,
    /// The enforcement action the ExpansionTemplate imposes, if any.
    pub enforcement_action: Option<String>,
    /// `Kind/name` of the workload in the file.
    pub origin: String,
}

/// A workload that could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpansionNote {
    /// Where in the workload's file.
    pub span: Span,
    /// Why.
    pub message: String,
}

/// Expands workloads with user ExpansionTemplates, falling back to the defaults for the kinds
/// no user template covers.
#[derive(Debug, Clone)]
pub struct Expander {
    user: Vec<ExpansionTemplate>,
    defaults: Vec<ExpansionTemplate>,
}

/// Nested expansions deeper than this are not followed (a template cycle cannot loop).
const MAX_DEPTH: usize = 4;

impl Default for Expander {
    fn default() -> Self {
        Expander::new(Vec::new())
    }
}

impl Expander {
    /// An expander with these user templates on top of the defaults.
    pub fn new(user: Vec<ExpansionTemplate>) -> Self {
        Expander {
            user,
            defaults: default_templates(),
        }
    }

    /// The same expander, also expanding the configured workload kinds (custom resources with
    /// a pod template) into Pods when no user template covers them.
    pub fn with_workloads(mut self, workloads: &WorkloadKinds) -> Self {
        self.defaults
            .extend(workloads.configured().filter_map(workload_template));
        self
    }

    /// The same expander without kordon's defaults: only user templates expand.
    pub fn without_defaults(mut self) -> Self {
        self.defaults.clear();
        self
    }

    /// The templates that apply to a kind: the user's when any covers it, else the defaults.
    pub fn templates_for(&self, group: &str, version: &str, kind: &str) -> Vec<&ExpansionTemplate> {
        let covering = |list: &'_ [ExpansionTemplate]| -> Vec<usize> {
            list.iter()
                .enumerate()
                .filter(|(_, t)| t.apply_to.iter().any(|a| a.covers(group, version, kind)))
                .map(|(i, _)| i)
                .collect()
        };
        let user = covering(&self.user);
        if !user.is_empty() {
            return user.into_iter().map(|i| &self.user[i]).collect();
        }
        covering(&self.defaults)
            .into_iter()
            .map(|i| &self.defaults[i])
            .collect()
    }

    /// Every object `object` generates, directly or through generated objects.
    pub fn expand(&self, object: &Object) -> (Vec<Generated>, Vec<ExpansionNote>) {
        let mut generated = Vec::new();
        let mut notes = Vec::new();
        let origin = format!(
            "{}/{}",
            object.kind,
            object.name.as_deref().unwrap_or("<unnamed>")
        );
        self.expand_into(
            object,
            &[],
            &[],
            &origin,
            None,
            0,
            &mut generated,
            &mut notes,
        );
        (generated, notes)
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_into(
        &self,
        object: &Object,
        prefix: &[PathSegment],
        ancestors: &[(String, String)],
        origin: &str,
        inherited_action: Option<&str>,
        depth: usize,
        out: &mut Vec<Generated>,
        notes: &mut Vec<ExpansionNote>,
    ) {
        if depth >= MAX_DEPTH {
            return;
        }
        for template in self.templates_for(object.group(), object.version(), &object.kind) {
            let source_path = template.source_path();
            let resolved = object.root.resolve(&source_path);
            let source = resolved.node;
            if !resolved.exact || !matches!(source.value, NodeValue::Map(_)) {
                let span = if resolved.depth == 0 {
                    object.anchor_span()
                } else {
                    resolved.key_span.unwrap_or(source.span)
                };
                let what = if resolved.exact {
                    "is not a mapping"
                } else {
                    "is missing"
                };
                notes.push(ExpansionNote {
                    span,
                    message: format!(
                        "{origin}: `{}` {what}, so ExpansionTemplate `{}` generates no {} from it",
                        join_path(prefix, &source_path),
                        template.name,
                        template.generated_gvk.kind
                    ),
                });
                continue;
            }
            let root = generated_root(object, source, &template.generated_gvk);
            let Some(generated) = Object::from_root(root, object.document_index) else {
                continue;
            };
            let mut full_prefix = prefix.to_vec();
            full_prefix.extend(source_path);
            let mut chain = ancestors.to_vec();
            chain.push((object.group().to_string(), object.kind.clone()));
            let action = template
                .enforcement_action
                .as_deref()
                .or(inherited_action)
                .map(str::to_string);
            let index = out.len();
            out.push(Generated {
                object: generated,
                prefix: full_prefix.clone(),
                ancestors: chain.clone(),
                template: template.name.clone(),
                enforcement_action: action.clone(),
                origin: origin.to_string(),
            });
            // Listed parent first, then what it generates in turn (CronJob → Job → Pod).
            let generated = out[index].object.clone();
            self.expand_into(
                &generated,
                &full_prefix,
                &chain,
                origin,
                action.as_deref(),
                depth + 1,
                out,
                notes,
            );
        }
    }
}

fn join_path(prefix: &[PathSegment], rest: &[PathSegment]) -> String {
    let mut all = prefix.to_vec();
    all.extend_from_slice(rest);
    crate::document::display_path(&all)
}

/// The generated object's tree: `apiVersion`/`kind` from the template's GVK, the template's
/// metadata with the parent's namespace, and the template's other fields, all keeping their spans.
fn generated_root(parent: &Object, source: &Node, gvk: &Gvk) -> Node {
    let here = Span::new(source.span.start, source.span.start);
    let synthetic = |value: NodeValue| Node {
        value,
        span: here,
        via_alias: false,
    };
    let entry = |key: &str, value: Node| Entry {
        key: key.to_string(),
        key_span: value.span,
        value,
    };
    let mut metadata = match source.get("metadata") {
        Some(
            m @ Node {
                value: NodeValue::Map(_),
                ..
            },
        ) => m.clone(),
        _ => synthetic(NodeValue::Map(Vec::new())),
    };
    if let NodeValue::Map(entries) = &mut metadata.value {
        if let Some(ns) = &parent.namespace {
            entries.retain(|e| e.key != "namespace");
            entries.push(entry("namespace", synthetic(NodeValue::String(ns.clone()))));
        }
        let has_name = entries
            .iter()
            .any(|e| e.key == "name" && e.value.as_str().is_some_and(|s| !s.is_empty()));
        if !has_name {
            entries.retain(|e| e.key != "name");
            let name = format!(
                "{}-{}",
                parent.name.as_deref().unwrap_or("unnamed"),
                gvk.kind.to_ascii_lowercase()
            );
            entries.push(entry("name", synthetic(NodeValue::String(name))));
        }
    }
    let mut entries = vec![
        entry(
            "apiVersion",
            synthetic(NodeValue::String(gvk.api_version())),
        ),
        entry("kind", synthetic(NodeValue::String(gvk.kind.clone()))),
        Entry {
            key: "metadata".into(),
            key_span: source.entry("metadata").map_or(here, |e| e.key_span),
            value: metadata,
        },
    ];
    entries.extend(
        source
            .entries()
            .iter()
            .filter(|e| !matches!(e.key.as_str(), "apiVersion" | "kind" | "metadata"))
            .cloned(),
    );
    Node {
        value: NodeValue::Map(entries),
        span: source.span,
        via_alias: false,
    }
}
