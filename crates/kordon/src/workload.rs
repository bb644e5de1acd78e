//! The parts of a workload that rules cannot judge. Rules read pod specs and containers through
//! `lib.kordon.pods`, which yields nothing for a shape it cannot read: a Deployment without
//! `spec.template.spec`, a `containers:` that is a mapping, a list item that is not a mapping.
//! Kubernetes rejects all of these, and a scan must not pass over them in silence, so each one
//! becomes a located problem naming the field that is missing or ill-typed.

use crate::document::{Node, NodeValue, Object, PathSegment, display_path};

/// A part of an object rules cannot judge.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// The missing or ill-typed field, from the object's root.
    pub path: Vec<PathSegment>,
    /// What is wrong and what goes unjudged.
    pub message: String,
}

/// A kind of object that runs pods from a pod template, and where that template sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadKind {
    /// API group; `None` for the core workload kinds, matched in any group because older
    /// groups (`extensions`, `apps/v1beta2`) served them too.
    pub group: Option<String>,
    /// Kind.
    pub kind: String,
    /// Path of the pod template (the object holding the pods' `metadata` and `spec`) from the
    /// object's root; empty for a Pod, which is its own template.
    pub template: Vec<String>,
}

/// The workload kinds kordon knows without configuration: the core kinds, then the CRDs that
/// embed a whole pod template (OpenShift, Argo Rollouts, Knative Serving).
const BUILTIN_WORKLOADS: &[(Option<&str>, &str, &[&str])] = &[
    (None, "Pod", &[]),
    (None, "PodTemplate", &["template"]),
    (None, "Deployment", &["spec", "template"]),
    (None, "StatefulSet", &["spec", "template"]),
    (None, "DaemonSet", &["spec", "template"]),
    (None, "ReplicaSet", &["spec", "template"]),
    (None, "ReplicationController", &["spec", "template"]),
    (None, "Job", &["spec", "template"]),
    (
        None,
        "CronJob",
        &["spec", "jobTemplate", "spec", "template"],
    ),
    (
        Some("apps.openshift.io"),
        "DeploymentConfig",
        &["spec", "template"],
    ),
    (Some("argoproj.io"), "Rollout", &["spec", "template"]),
    (
        Some("serving.knative.dev"),
        "Service",
        &["spec", "template"],
    ),
];

/// Every workload kind rules judge: the built-in ones, and those a configuration describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadKinds {
    kinds: Vec<WorkloadKind>,
}

impl Default for WorkloadKinds {
    fn default() -> Self {
        WorkloadKinds::builtin()
    }
}

impl WorkloadKinds {
    /// The built-in workload kinds.
    pub fn builtin() -> Self {
        WorkloadKinds {
            kinds: BUILTIN_WORKLOADS
                .iter()
                .map(|(group, kind, template)| WorkloadKind {
                    group: group.map(str::to_string),
                    kind: kind.to_string(),
                    template: template.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
        }
    }

    /// The built-in workload kinds, built once.
    pub fn builtin_ref() -> &'static WorkloadKinds {
        static BUILTIN: std::sync::LazyLock<WorkloadKinds> =
            std::sync::LazyLock::new(WorkloadKinds::builtin);
        &BUILTIN
    }

    /// Adds a kind (a custom resource with a pod template). A kind of the same group already
    /// known takes the new template path.
    pub fn add(&mut self, kind: WorkloadKind) {
        self.kinds
            .retain(|k| !(k.group == kind.group && k.kind == kind.kind));
        self.kinds.push(kind);
    }

    /// Every kind, built-in ones first.
    pub fn kinds(&self) -> &[WorkloadKind] {
        &self.kinds
    }

    /// The kinds that are not built in (configured ones).
    pub fn configured(&self) -> impl Iterator<Item = &WorkloadKind> {
        let builtin = WorkloadKinds::builtin_ref();
        self.kinds
            .iter()
            .filter(move |k| !builtin.kinds.contains(k))
    }

    /// The workload kind of objects of `group` and `kind`: a kind declared with its group wins
    /// over a core kind of the same name, so Knative's `Service` is not taken for a core one.
    pub fn find(&self, group: &str, kind: &str) -> Option<&WorkloadKind> {
        self.kinds
            .iter()
            .rev()
            .find(|k| k.kind == kind && k.group.as_deref() == Some(group))
            .or_else(|| {
                self.kinds
                    .iter()
                    .find(|k| k.kind == kind && k.group.is_none())
            })
    }

    /// Whether objects of `group` and `kind` run pods from a template.
    pub fn covers(&self, group: &str, kind: &str) -> bool {
        self.find(group, kind).is_some()
    }

    /// The Rego library `lib.kordon.workloads` that `lib.kordon.pods` reads its table from:
    /// generated from this list, so rules, the gap check, Gatekeeper expansion and export all
    /// use one table, and a configured kind reaches a ConstraintTemplate's libs unchanged.
    pub fn rego_library(&self) -> String {
        let mut by_kind = serde_json::Map::new();
        let mut by_group = serde_json::Map::new();
        for k in &self.kinds {
            let path = serde_json::json!(k.template);
            match &k.group {
                None => by_kind.insert(k.kind.clone(), path),
                Some(group) => by_group.insert(format!("{group}/{}", k.kind), path),
            };
        }
        format!(
            "# Generated by kordon from its workload table and the `workloads` of .kordon.yaml: where\n\
             # each workload kind keeps its pod template. Core kinds are matched by kind in any group;\n\
             # the others by `group/Kind`.\n\
             package {WORKLOADS_PACKAGE}\n\n\
             import rego.v1\n\n\
             template_paths := {}\n\n\
             group_template_paths := {}\n",
            serde_json::Value::Object(by_kind),
            serde_json::Value::Object(by_group),
        )
    }
}

/// The package of the generated workload table.
pub const WORKLOADS_PACKAGE: &str = "lib.kordon.workloads";

const CONTAINER_FIELDS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

/// Every gap of a workload object (none for other kinds).
pub fn gaps(object: &Object, workloads: &WorkloadKinds) -> Vec<Gap> {
    let mut out = Vec::new();
    let Some(workload) = workloads.find(object.group(), &object.kind) else {
        return out;
    };
    let spec_path: Vec<&str> = workload
        .template
        .iter()
        .map(String::as_str)
        .chain(std::iter::once("spec"))
        .collect();
    // An Argo Rollout may run the template of a Deployment it names instead of its own.
    if matches!(
        object
            .root
            .get("spec")
            .and_then(|s| s.get("workloadRef"))
            .map(|n| &n.value),
        Some(NodeValue::Map(_))
    ) {
        return out;
    }
    let subject = object.display_name();
    let mut node = &object.root;
    let mut path = Vec::new();
    for key in spec_path {
        path.push(PathSegment::Key(key.to_string()));
        match node.get(key).map(|n| &n.value) {
            Some(NodeValue::Map(_)) => {
                if let Some(child) = node.get(key) {
                    node = child;
                }
            }
            Some(NodeValue::Null) | None => {
                out.push(Gap {
                    message: format!(
                        "{subject} has no `{}`: its pods cannot be judged",
                        display_path(&path)
                    ),
                    path,
                });
                return out;
            }
            Some(_) => {
                out.push(Gap {
                    message: format!(
                        "{subject}: `{}` is not a mapping, so its pods cannot be judged",
                        display_path(&path)
                    ),
                    path,
                });
                return out;
            }
        }
    }
    let mut containers = 0;
    for field in CONTAINER_FIELDS {
        let mut list_path = path.clone();
        list_path.push(PathSegment::Key(field.to_string()));
        match node.get(field).map(|n| &n.value) {
            None | Some(NodeValue::Null) => {}
            Some(NodeValue::Seq(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if matches!(item.value, NodeValue::Map(_)) {
                        if field == "containers" {
                            containers += 1;
                        }
                        continue;
                    }
                    let mut item_path = list_path.clone();
                    item_path.push(PathSegment::Index(i));
                    out.push(Gap {
                        message: format!(
                            "{subject}: `{}` is {}, not a container, so it cannot be judged",
                            display_path(&item_path),
                            describe(item)
                        ),
                        path: item_path,
                    });
                }
            }
            Some(_) => out.push(Gap {
                message: format!(
                    "{subject}: `{}` is not a list, so its containers cannot be judged",
                    display_path(&list_path)
                ),
                path: list_path,
            }),
        }
    }
    let mut list_path = path;
    list_path.push(PathSegment::Key("containers".to_string()));
    // An ill-typed `containers` is reported already; an empty one leaves only the pod judged.
    if containers == 0 && !out.iter().any(|g| g.path.starts_with(&list_path)) {
        out.push(Gap {
            message: format!(
                "{subject} has no containers (`{}` is missing or empty): only its pod-level settings are judged",
                display_path(&list_path)
            ),
            path: list_path,
        });
    }
    out
}

fn describe(node: &Node) -> &'static str {
    match node.value {
        NodeValue::Null => "null",
        NodeValue::Bool(_) => "a boolean",
        NodeValue::Int(_) | NodeValue::UInt(_) | NodeValue::Float(_) => "a number",
        NodeValue::String(_) => "a string",
        NodeValue::Seq(_) => "a list",
        NodeValue::Map(_) => "a mapping",
    }
}
