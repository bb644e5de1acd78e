//! Other objects a rule names in `details.related`, made concrete as related locations.
//!
//! A rule reports on one object, but the reason often sits in another: the Service that exposes
//! a workload, the policy that fails to select it. A rule names those objects symbolically
//! (kind, name, namespace, a field path); the scanner finds them among the scanned objects and
//! points at the field, as it does for the primary location. A reference it cannot resolve is
//! dropped without a word: Gatekeeper passes `details` through untouched, so an exported rule
//! keeps working, and the finding stays true without its explanation.

use std::collections::HashMap;

use crate::document::{Document, Object, PathSegment};
use crate::finding::{Location, ObjectRef, RelatedLocation};
use crate::scan::{location, node_span, parse_path};

/// How many related locations one finding takes from its rule: a Service selecting a thousand
/// pods should not make each finding as long as the file.
const MAX_RULE_RELATED: usize = 20;

/// A related location a rule asked for, with what the scanner needs to map it out of a render
/// like a primary location.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RuleRelated {
    /// Where, in the scanned text (a render, when the object came from one).
    pub location: Location,
    /// The object named.
    pub object: ObjectRef,
    /// The field named in it (empty: the object's name).
    pub path: Vec<PathSegment>,
}

/// The scanned objects, by kind, effective namespace and name.
pub(crate) struct ObjectIndex<'a> {
    objects: &'a [(&'a Document, &'a Object)],
    namespaces: &'a [Option<String>],
    /// The inventory scope of each object ([`crate::scope`]): a rule names objects of its own.
    scopes: &'a [usize],
    by_name: HashMap<(&'a str, &'a str), Vec<usize>>,
}

impl<'a> ObjectIndex<'a> {
    /// `namespaces[i]` is the namespace object `i` is reviewed in (the default namespace
    /// applied), `scopes[i]` the scope it is deployed in.
    pub(crate) fn new(
        objects: &'a [(&'a Document, &'a Object)],
        namespaces: &'a [Option<String>],
        scopes: &'a [usize],
    ) -> Self {
        let mut by_name: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, (_, object)) in objects.iter().enumerate() {
            if let Some(name) = object.name.as_deref() {
                by_name
                    .entry((object.kind.as_str(), name))
                    .or_default()
                    .push(i);
            }
        }
        ObjectIndex {
            objects,
            namespaces,
            scopes,
            by_name,
        }
    }

    /// The related locations `details.related` asks for; `namespace` and `scope` are the
    /// reviewed object's.
    pub(crate) fn resolve(
        &self,
        details: &serde_json::Value,
        namespace: Option<&str>,
        scope: usize,
    ) -> Vec<(RelatedLocation, RuleRelated)> {
        let Some(entries) = details.get("related").and_then(|r| r.as_array()) else {
            return Vec::new();
        };
        let mut out: Vec<(RelatedLocation, RuleRelated)> = Vec::new();
        for entry in entries {
            if out.len() == MAX_RULE_RELATED {
                break;
            }
            let Some(found) = self.resolve_one(entry, namespace, scope) else {
                continue;
            };
            if !out.iter().any(|(r, _)| r == &found.0) {
                out.push(found);
            }
        }
        out
    }

    fn resolve_one(
        &self,
        entry: &serde_json::Value,
        namespace: Option<&str>,
        scope: usize,
    ) -> Option<(RelatedLocation, RuleRelated)> {
        let text = |key: &str| entry.get(key).and_then(|v| v.as_str());
        let kind = text("kind")?;
        let name = text("name")?;
        let wanted_namespace = match entry.get("namespace") {
            None | Some(serde_json::Value::Null) => namespace,
            Some(value) => Some(value.as_str()?),
        };
        let group = text("apiVersion").map(|v| v.rsplit_once('/').map_or("", |(g, _)| g));
        let path = match entry.get("path") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(value) => parse_path(value)?,
        };
        // The later of two objects of one identity is the one the inventory keeps.
        let index = *self.by_name.get(&(kind, name))?.iter().rev().find(|&&i| {
            let (_, object) = self.objects[i];
            // A namespaced object written without a namespace lands in `default`, as
            // `data.inventory` files it: it is the same namespace as one written `default`.
            let in_namespace = crate::engine::is_cluster_scoped(kind)
                || self.namespaces[i].as_deref().unwrap_or("default")
                    == wanted_namespace.unwrap_or("default");
            in_namespace
                && group.is_none_or(|g| object.group() == g)
                && self.scopes.get(i).is_none_or(|s| *s == scope)
        })?;
        let (document, object) = self.objects[index];
        let resolved = object.root.resolve(&path);
        let span = if path.is_empty() || resolved.depth == 0 {
            object.anchor_span()
        } else {
            node_span(document, resolved.node, resolved.key_span)
        };
        let at = location(document, span);
        let message = match text("message") {
            Some(message) if !message.trim().is_empty() => message.to_string(),
            _ => format!("{kind} {name:?}"),
        };
        let object_ref = ObjectRef {
            api_version: object.api_version.clone(),
            kind: object.kind.clone(),
            namespace: object.namespace.clone(),
            name: object.name.clone(),
            location: location(document, object.anchor_span()),
        };
        Some((
            RelatedLocation {
                location: at.clone(),
                message,
            },
            RuleRelated {
                location: at,
                object: object_ref,
                path,
            },
        ))
    }
}
