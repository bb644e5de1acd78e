//! The Gatekeeper input shape: `input.review` and `data.inventory`.

use std::collections::BTreeMap;

use regorus::Value;

use crate::document::Object;

fn object(pairs: Vec<(&str, Value)>) -> Value {
    let map: BTreeMap<Value, Value> = pairs
        .into_iter()
        .map(|(k, v)| (Value::from(k), v))
        .collect();
    Value::from(map)
}

/// The AdmissionReview-like `input.review` for an object reviewed in `namespace`, as
/// Gatekeeper builds it for a CREATE.
pub fn review(o: &Object, namespace: Option<&str>) -> Value {
    object(vec![
        ("object", o.rego.clone()),
        (
            "kind",
            object(vec![
                ("group", Value::from(o.group())),
                ("version", Value::from(o.version())),
                ("kind", Value::from(o.kind.as_str())),
            ]),
        ),
        (
            "name",
            o.name.as_deref().map_or(Value::from(""), Value::from),
        ),
        ("namespace", namespace.map_or(Value::from(""), Value::from)),
        ("operation", Value::from("CREATE")),
        ("userInfo", Value::new_object()),
        ("dryRun", Value::from(false)),
    ])
}

/// Kinds that live outside namespaces, for sorting objects into the inventory.
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "Node",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "PriorityClass",
    "RuntimeClass",
    "IngressClass",
    "CSIDriver",
    "CSINode",
    "VolumeAttachment",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "APIService",
    "PodSecurityPolicy",
    "ClusterIssuer",
    "ConstraintTemplate",
    // Network policies of the whole cluster (Calico, Cilium, the AdminNetworkPolicy API).
    "GlobalNetworkPolicy",
    "GlobalNetworkSet",
    "CiliumClusterwideNetworkPolicy",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
];

/// Whether objects of this kind are cluster-scoped (a fixed list: a scan has no API discovery).
pub fn is_cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED.contains(&kind)
}

/// Objects by name, by kind, by group/version.
type ByGroupVersion = BTreeMap<String, BTreeMap<String, BTreeMap<String, Value>>>;

/// `data.inventory` as Gatekeeper's sync builds it: `cluster[gv][kind][name]` and
/// `namespace[ns][gv][kind][name]`. Namespaced objects without a namespace go under the default
/// namespace (`default` unless one is given),
/// where `kubectl apply` would put them.
pub fn inventory(objects: &[&Object], default_namespace: Option<&str>) -> Value {
    let mut cluster: ByGroupVersion = BTreeMap::new();
    let mut namespaced: BTreeMap<String, ByGroupVersion> = BTreeMap::new();
    for o in objects {
        let name = o.name.clone().unwrap_or_default();
        if is_cluster_scoped(&o.kind) {
            cluster
                .entry(o.api_version.clone())
                .or_default()
                .entry(o.kind.clone())
                .or_default()
                .insert(name, o.rego.clone());
        } else {
            let ns = o
                .namespace
                .as_deref()
                .or(default_namespace)
                .unwrap_or("default")
                .to_string();
            namespaced
                .entry(ns)
                .or_default()
                .entry(o.api_version.clone())
                .or_default()
                .entry(o.kind.clone())
                .or_default()
                .insert(name, o.rego.clone());
        }
    }
    fn to_value<T, F: Fn(T) -> Value>(map: BTreeMap<String, T>, f: F) -> Value {
        let converted: BTreeMap<Value, Value> = map
            .into_iter()
            .map(|(k, v)| (Value::from(k), f(v)))
            .collect();
        Value::from(converted)
    }
    let leaf = |m: BTreeMap<String, Value>| to_value(m, |v| v);
    let cluster_value = to_value(cluster, |gv| to_value(gv, leaf));
    let namespace_value = to_value(namespaced, |ns| to_value(ns, |gv| to_value(gv, leaf)));
    object(vec![
        ("cluster", cluster_value),
        ("namespace", namespace_value),
    ])
}
