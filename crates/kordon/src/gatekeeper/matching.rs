//! A Constraint's `spec.match`, evaluated in Rust before any Rego runs.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::engine::is_cluster_scoped;

/// Labels of an object or of its namespace.
pub type Labels = BTreeMap<String, String>;

/// What the match predicate needs to know about one reviewed object.
#[derive(Debug, Clone, Copy)]
pub struct MatchTarget<'a> {
    /// API group (`""` for core).
    pub group: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// `metadata.name` (`""` when unset).
    pub name: &'a str,
    /// The namespace the object is reviewed in: its `metadata.namespace`, else the assumed
    /// default namespace; `None` when neither is known.
    pub namespace: Option<&'a str>,
    /// The object's labels.
    pub labels: &'a Labels,
    /// Labels of the object's namespace, when that Namespace is among the scanned objects.
    pub namespace_labels: Option<&'a Labels>,
}

/// One `spec.match.kinds` entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KindSelector {
    /// API groups (`*` for any; empty means any).
    pub api_groups: Vec<String>,
    /// Kinds (`*` for any; empty means any).
    pub kinds: Vec<String>,
}

/// One `matchExpressions` entry of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelRequirement {
    /// The label key.
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    pub operator: String,
    /// Values for `In` and `NotIn`.
    pub values: Vec<String>,
}

/// A Kubernetes label selector.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabelSelector {
    /// `matchLabels`.
    pub match_labels: Labels,
    /// `matchExpressions`.
    pub match_expressions: Vec<LabelRequirement>,
}

impl LabelSelector {
    fn from_json(value: &Value) -> Result<Self, String> {
        let mut selector = LabelSelector::default();
        if let Some(labels) = value.get("matchLabels") {
            let map = labels
                .as_object()
                .ok_or("`matchLabels` must be a mapping")?;
            for (k, v) in map {
                selector.match_labels.insert(
                    k.clone(),
                    scalar_string(v).ok_or("label values must be strings")?,
                );
            }
        }
        if let Some(expressions) = value.get("matchExpressions") {
            let list = expressions
                .as_array()
                .ok_or("`matchExpressions` must be a list")?;
            for e in list {
                let key = e
                    .get("key")
                    .and_then(Value::as_str)
                    .ok_or("a match expression has no `key`")?;
                let operator = e
                    .get("operator")
                    .and_then(Value::as_str)
                    .ok_or("a match expression has no `operator`")?;
                if !matches!(operator, "In" | "NotIn" | "Exists" | "DoesNotExist") {
                    return Err(format!("unknown label selector operator `{operator}`"));
                }
                let values = string_list(e.get("values"))?;
                selector.match_expressions.push(LabelRequirement {
                    key: key.to_string(),
                    operator: operator.to_string(),
                    values,
                });
            }
        }
        Ok(selector)
    }

    /// Whether `labels` satisfy the selector.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| {
                let value = labels.get(&r.key);
                match r.operator.as_str() {
                    "In" => value.is_some_and(|v| r.values.contains(v)),
                    "NotIn" => value.is_none_or(|v| !r.values.contains(v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    _ => false,
                }
            })
    }
}

/// Which scope `spec.match.scope` admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Both (`*`, the default).
    #[default]
    Any,
    /// Cluster-scoped objects only.
    Cluster,
    /// Namespaced objects only.
    Namespaced,
}

/// A Constraint's `spec.match`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConstraintMatch {
    /// `kinds` (empty: every kind).
    pub kinds: Vec<KindSelector>,
    /// `scope`.
    pub scope: Scope,
    /// `namespaces` (globs with `*`).
    pub namespaces: Option<Vec<String>>,
    /// `excludedNamespaces` (globs with `*`).
    pub excluded_namespaces: Vec<String>,
    /// `labelSelector`.
    pub label_selector: Option<LabelSelector>,
    /// `namespaceSelector`.
    pub namespace_selector: Option<LabelSelector>,
    /// `name` (a glob with `*`).
    pub name: Option<String>,
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn string_list(v: Option<&Value>) -> Result<Vec<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| scalar_string(i).ok_or_else(|| format!("expected a string, found {i}")))
            .collect(),
        Some(other) => Err(format!("expected a list of strings, found {other}")),
    }
}

/// A glob where `*` stands for any run of characters (Gatekeeper allows it at either end).
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

impl ConstraintMatch {
    /// Reads `spec.match` (absent or null: match everything).
    pub fn from_json(value: Option<&Value>) -> Result<Self, String> {
        let mut out = ConstraintMatch::default();
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Ok(out);
        };
        if !value.is_object() {
            return Err("`spec.match` must be a mapping".into());
        }
        if let Some(kinds) = value.get("kinds").filter(|v| !v.is_null()) {
            let list = kinds.as_array().ok_or("`match.kinds` must be a list")?;
            for entry in list {
                out.kinds.push(KindSelector {
                    api_groups: string_list(entry.get("apiGroups"))
                        .map_err(|e| format!("match.kinds.apiGroups: {e}"))?,
                    kinds: string_list(entry.get("kinds"))
                        .map_err(|e| format!("match.kinds.kinds: {e}"))?,
                });
            }
        }
        out.scope = match value.get("scope").and_then(Value::as_str) {
            None | Some("*") => Scope::Any,
            Some("Cluster") => Scope::Cluster,
            Some("Namespaced") => Scope::Namespaced,
            Some(other) => return Err(format!("unknown `match.scope` `{other}`")),
        };
        if let Some(v) = value.get("namespaces").filter(|v| !v.is_null()) {
            out.namespaces =
                Some(string_list(Some(v)).map_err(|e| format!("match.namespaces: {e}"))?);
        }
        out.excluded_namespaces = string_list(value.get("excludedNamespaces"))
            .map_err(|e| format!("match.excludedNamespaces: {e}"))?;
        if let Some(v) = value.get("labelSelector").filter(|v| !v.is_null()) {
            out.label_selector =
                Some(LabelSelector::from_json(v).map_err(|e| format!("match.labelSelector: {e}"))?);
        }
        if let Some(v) = value.get("namespaceSelector").filter(|v| !v.is_null()) {
            out.namespace_selector = Some(
                LabelSelector::from_json(v).map_err(|e| format!("match.namespaceSelector: {e}"))?,
            );
        }
        if let Some(v) = value.get("name").filter(|v| !v.is_null()) {
            out.name = Some(
                v.as_str()
                    .ok_or("`match.name` must be a string")?
                    .to_string(),
            );
        }
        Ok(out)
    }

    /// Whether `kinds` selects this group and kind (the kind criterion alone).
    pub fn matches_kind(&self, group: &str, kind: &str) -> bool {
        self.kinds.is_empty()
            || self.kinds.iter().any(|k| {
                (k.api_groups.is_empty() || k.api_groups.iter().any(|g| g == "*" || g == group))
                    && (k.kinds.is_empty() || k.kinds.iter().any(|n| n == "*" || n == kind))
            })
    }

    /// Whether every criterion selects the object.
    pub fn matches(&self, target: &MatchTarget<'_>) -> bool {
        if !self.matches_kind(target.group, target.kind) {
            return false;
        }
        let is_namespace = target.kind == "Namespace" && target.group.is_empty();
        let cluster_scoped = is_cluster_scoped(target.kind);
        match self.scope {
            Scope::Any => {}
            Scope::Cluster if !cluster_scoped => return false,
            Scope::Namespaced if cluster_scoped => return false,
            _ => {}
        }
        // A Namespace is matched by its own name; other cluster-scoped objects ignore the
        // namespace criteria, as Gatekeeper does. A namespaced object whose namespace is unknown
        // is not disqualified by them either: Gatekeeper's `namespacesMatch` and
        // `excludedNamespacesMatch` (pkg/mutation/match/match.go) fall through to a match when
        // neither a Namespace nor `metadata.namespace` is known, which is how `gator` reviews a
        // manifest without one.
        let namespace = if is_namespace {
            Some(target.name)
        } else if cluster_scoped {
            None
        } else {
            target.namespace
        };
        if let Some(ns) = namespace {
            if let Some(allowed) = &self.namespaces
                && !allowed.iter().any(|p| glob_matches(p, ns))
            {
                return false;
            }
            if self.excluded_namespaces.iter().any(|p| glob_matches(p, ns)) {
                return false;
            }
        }
        if let Some(name) = &self.name
            && !glob_matches(name, target.name)
        {
            return false;
        }
        if let Some(selector) = &self.label_selector
            && !selector.matches(target.labels)
        {
            return false;
        }
        if let Some(selector) = &self.namespace_selector {
            let labels = if is_namespace {
                Some(target.labels)
            } else if cluster_scoped || target.namespace.is_none() {
                // Gatekeeper's `namespaceSelectorMatch` matches an object that has neither a
                // Namespace nor `metadata.namespace`, as it does cluster-scoped objects.
                return true;
            } else {
                target.namespace_labels
            };
            // A namespace that is not among the scanned objects cannot be proven to match.
            match labels {
                Some(labels) if selector.matches(labels) => {}
                _ => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn target<'a>(kind: &'a str, ns: &'a str, labels: &'a Labels) -> MatchTarget<'a> {
        MatchTarget {
            group: "",
            kind,
            name: "web-1",
            namespace: Some(ns).filter(|ns| !ns.is_empty()),
            labels,
            namespace_labels: None,
        }
    }

    #[test]
    fn globs() {
        assert!(glob_matches("kube-*", "kube-system"));
        assert!(glob_matches("*-system", "kube-system"));
        assert!(glob_matches("a*c*e", "abcde"));
        assert!(!glob_matches("kube-*", "default"));
        assert!(glob_matches("web", "web"));
        assert!(!glob_matches("ab*ba", "aba"));
    }

    #[test]
    fn namespaces_and_labels() {
        let m = ConstraintMatch::from_json(Some(&json!({
            "kinds": [{"apiGroups": [""], "kinds": ["Pod"]}],
            "excludedNamespaces": ["kube-*"],
            "labelSelector": {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["debug"]}]},
            "name": "web-*"
        })))
        .expect("valid");
        let empty = Labels::new();
        assert!(m.matches(&target("Pod", "prod", &empty)));
        assert!(!m.matches(&target("Pod", "kube-system", &empty)));
        assert!(!m.matches(&target("Deployment", "prod", &empty)));
        let debug: Labels = [("tier".to_string(), "debug".to_string())].into();
        assert!(!m.matches(&target("Pod", "prod", &debug)));
    }

    #[test]
    fn namespace_selector_needs_a_known_namespace() {
        let m = ConstraintMatch::from_json(Some(&json!({
            "namespaceSelector": {"matchLabels": {"env": "prod"}}
        })))
        .expect("valid");
        let empty = Labels::new();
        let prod: Labels = [("env".to_string(), "prod".to_string())].into();
        let mut t = target("Pod", "shop", &empty);
        assert!(!m.matches(&t));
        t.namespace_labels = Some(&prod);
        assert!(m.matches(&t));
        assert!(m.matches(&target("ClusterRole", "", &empty)));
    }

    #[test]
    fn an_unknown_namespace_never_disqualifies() {
        let m = ConstraintMatch::from_json(Some(&json!({
            "namespaces": ["default"],
            "excludedNamespaces": ["kube-system"],
            "namespaceSelector": {"matchLabels": {"env": "prod"}}
        })))
        .expect("valid");
        let empty = Labels::new();
        assert!(m.matches(&target("Pod", "", &empty)));
        assert!(!m.matches(&target("Pod", "shop", &empty)));
        let only_default =
            ConstraintMatch::from_json(Some(&json!({"namespaces": ["default"]}))).expect("valid");
        assert!(only_default.matches(&target("Pod", "default", &empty)));
        assert!(!only_default.matches(&target("Pod", "kube-system", &empty)));
    }

    #[test]
    fn bad_match_is_an_error() {
        assert!(ConstraintMatch::from_json(Some(&json!({"scope": "Galaxy"}))).is_err());
        assert!(ConstraintMatch::from_json(Some(&json!({"kinds": "Pod"}))).is_err());
    }
}
