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

/// The path from the object's root to its pod spec, by kind (the table `lib.kordon.pods`
/// reads, kept in step with it).
fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        "PodTemplate" => &["template", "spec"],
        _ => return None,
    })
}

const CONTAINER_FIELDS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

/// Every gap of a workload object (none for other kinds).
pub fn gaps(object: &Object) -> Vec<Gap> {
    let mut out = Vec::new();
    let Some(spec_path) = pod_spec_path(&object.kind) else {
        return out;
    };
    let subject = object.display_name();
    let mut node = &object.root;
    let mut path = Vec::new();
    for key in spec_path {
        path.push(PathSegment::Key((*key).to_string()));
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
