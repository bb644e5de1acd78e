//! `kordon export gatekeeper`: each built-in rule as a ConstraintTemplate (its Rego unchanged,
//! the `lib.*` helpers it imports as `libs`), a Constraint with the default parameters, and a
//! Suite built from the rule's samples, so `kordon verify` (or `gator verify`) proves the
//! exported corpus behaves as the built-in one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};

use super::emit::to_yaml;
use crate::document::{Document, ParseLimits, Source};
use crate::rules::{Rule, RuleSet};
use crate::scan::Scanner;

/// One exported rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedRule {
    /// The rule's id (also the Constraint's name).
    pub id: String,
    /// The constraint kind, e.g. `KordonPrivilegedContainer`.
    pub kind: String,
    /// The folder written.
    pub dir: PathBuf,
    /// How many suite cases its samples made.
    pub cases: usize,
}

/// The constraint kind for a rule id: `privileged-container` → `KordonPrivilegedContainer`.
pub fn gatekeeper_kind(id: &str) -> String {
    let mut kind = String::from("Kordon");
    for part in id.split(['-', '_']).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            kind.extend(first.to_uppercase());
            kind.push_str(chars.as_str());
        }
    }
    kind
}

/// The API group of well-known kinds (a rule's metadata names kinds without groups).
fn group_of_kind(kind: &str) -> &'static str {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ControllerRevision" => "apps",
        "Job" | "CronJob" => "batch",
        "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding" => {
            "rbac.authorization.k8s.io"
        }
        "NetworkPolicy" | "Ingress" | "IngressClass" => "networking.k8s.io",
        "PodDisruptionBudget" => "policy",
        "HorizontalPodAutoscaler" => "autoscaling",
        "StorageClass" | "CSIDriver" | "VolumeAttachment" => "storage.k8s.io",
        "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration" => {
            "admissionregistration.k8s.io"
        }
        "Pod"
        | "PodTemplate"
        | "ReplicationController"
        | "Service"
        | "ServiceAccount"
        | "ConfigMap"
        | "Secret"
        | "Namespace"
        | "Node"
        | "PersistentVolume"
        | "PersistentVolumeClaim"
        | "LimitRange"
        | "ResourceQuota"
        | "Endpoints" => "",
        _ => "*",
    }
}

fn match_kinds(rule: &Rule) -> Value {
    let mut by_group: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pattern in &rule.meta.kinds {
        let (group, kinds): (String, Vec<String>) = match pattern.as_str() {
            "*" => ("*".into(), vec!["*".into()]),
            "pod-workloads" => {
                for kind in rule.meta.kind_names() {
                    by_group
                        .entry(group_of_kind(&kind).to_string())
                        .or_default()
                        .push(kind);
                }
                continue;
            }
            other => match other.rsplit_once('/') {
                Some((g, k)) => (g.to_string(), vec![k.to_string()]),
                None => (group_of_kind(other).to_string(), vec![other.to_string()]),
            },
        };
        by_group.entry(group).or_default().extend(kinds);
    }
    Value::Array(
        by_group
            .into_iter()
            .map(|(group, mut kinds)| {
                kinds.sort();
                kinds.dedup();
                json!({"apiGroups": [group], "kinds": kinds})
            })
            .collect(),
    )
}

/// The module as Gatekeeper's Rego v1 opt-in reads it. kordon's rules are written in v1
/// syntax with `import rego.v1` (so they also load in v0 mode); Gatekeeper rejects that import
/// in a template's v0 `rego` field, and in v1 it is redundant, so the line is dropped.
fn as_v1(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut skip_blank = false;
    for line in text.split_inclusive('\n') {
        if line.trim() == "import rego.v1" {
            skip_blank = true;
            continue;
        }
        if skip_blank && line.trim().is_empty() {
            skip_blank = false;
            continue;
        }
        skip_blank = false;
        out.push_str(line);
    }
    out
}

fn template(rule: &Rule, kind: &str) -> Result<Value, String> {
    let module = rule.module.as_ref().ok_or("the rule has no Rego")?;
    let mut schema = rule.meta.parameters.clone();
    if let Some(map) = schema.as_object_mut() {
        map.entry("type").or_insert_with(|| json!("object"));
    }
    let libs: Vec<Value> = rule.libs.iter().map(|l| json!(as_v1(&l.text))).collect();
    let mut source = json!({"version": "v1", "rego": as_v1(&module.text)});
    if !libs.is_empty() {
        source["libs"] = Value::Array(libs);
    }
    let target = json!({
        "target": "admission.k8s.gatekeeper.sh",
        "code": [{"engine": "Rego", "source": source}],
    });
    Ok(json!({
        "apiVersion": "templates.gatekeeper.sh/v1",
        "kind": "ConstraintTemplate",
        "metadata": {
            "name": kind.to_ascii_lowercase(),
            "annotations": {
                "metadata.gatekeeper.sh/title": rule.meta.title,
                "metadata.gatekeeper.sh/version": env!("CARGO_PKG_VERSION"),
                "description": rule.meta.docs.what.trim(),
                "kordon.dev/rule": rule.id(),
            }
        },
        "spec": {
            "crd": {"spec": {
                "names": {"kind": kind},
                "validation": {"openAPIV3Schema": schema}
            }},
            "targets": [target]
        }
    }))
}

fn constraint(rule: &Rule, kind: &str) -> Value {
    let mut spec = json!({
        "enforcementAction": "deny",
        "match": {"kinds": match_kinds(rule)},
    });
    let parameters = rule.meta.default_parameters();
    if parameters.as_object().is_some_and(|p| !p.is_empty()) {
        spec["parameters"] = parameters;
    }
    json!({
        "apiVersion": "constraints.gatekeeper.sh/v1beta1",
        "kind": kind,
        "metadata": {
            "name": rule.id(),
            "annotations": {"kordon.dev/severity": rule.meta.severity.as_str()}
        },
        "spec": spec
    })
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes every Rego rule of `rules` under `out`: `<id>/template.yaml`, `constraint.yaml`,
/// `suite.yaml` and `samples/`. Built-in rules understand workload kinds themselves, so the
/// export needs (and writes) no ExpansionTemplate.
pub fn export_gatekeeper(rules: &RuleSet, out: &Path) -> Result<Vec<ExportedRule>, String> {
    let mut exported = Vec::new();
    for rule in rules.rules() {
        if rule.module.is_none() {
            continue;
        }
        let kind = gatekeeper_kind(rule.id());
        let dir = out.join(rule.id());
        write(
            &dir.join("template.yaml"),
            &to_yaml(&template(rule, &kind)?),
        )?;
        write(
            &dir.join("constraint.yaml"),
            &to_yaml(&constraint(rule, &kind)),
        )?;
        let cases = sample_cases(rules, rule, &dir)?;
        let count = cases.len();
        let suite = json!({
            "apiVersion": "test.gatekeeper.sh/v1alpha1",
            "kind": "Suite",
            "metadata": {"name": rule.id()},
            "tests": [{
                "name": rule.id(),
                "template": "template.yaml",
                "constraint": "constraint.yaml",
                "cases": cases,
            }]
        });
        write(&dir.join("suite.yaml"), &to_yaml(&suite))?;
        exported.push(ExportedRule {
            id: rule.id().to_string(),
            kind,
            dir,
            cases: count,
        });
    }
    Ok(exported)
}

/// One case per sample object: `allowed` objects expect no violation; `disallowed` objects
/// expect violations when the built-in rule reports them (a disallowed file may hold supporting
/// objects that are fine on their own), and at least one must.
fn sample_cases(rules: &RuleSet, rule: &Arc<Rule>, dir: &Path) -> Result<Vec<Value>, String> {
    let mut only = rules.clone();
    only.retain(|r| r.id() == rule.id());
    let scanner = Scanner::builder()
        .rules(only)
        .jobs(1)
        .build()
        .map_err(|e| e.to_string())?;
    let mut cases = Vec::new();
    for sample in ["disallowed", "allowed"] {
        let Some(text) = rule.samples.get(&format!("{sample}.yaml")) else {
            continue;
        };
        let name = format!("{}/{sample}.yaml", rule.id());
        let document = Document::parse(
            Arc::new(Source::new(name.clone(), text.clone())),
            ParseLimits::default(),
        );
        let report = scanner.scan_documents(vec![document.clone()]);
        if rule.meta.inventory {
            write(&dir.join(format!("samples/{sample}.yaml")), text)?;
        }
        let mut any = false;
        for (index, object) in document.objects.iter().enumerate() {
            let file = format!("samples/{sample}-{index}.yaml");
            write(&dir.join(&file), &to_yaml(&object.root.to_json()))?;
            let fires = sample == "disallowed"
                && report
                    .checks
                    .iter()
                    .any(|c| c.object == index && c.violations > 0 && &*c.rule == rule.id());
            any |= fires;
            let mut case = json!({
                "name": format!("{sample}-{index}"),
                "object": file,
                "assertions": [{"violations": if fires { "yes" } else { "no" }}],
            });
            if rule.meta.inventory {
                case["inventory"] = json!([format!("samples/{sample}.yaml")]);
            }
            cases.push(case);
        }
        if sample == "disallowed" && !any {
            return Err(format!(
                "rule `{}`: no object of samples/disallowed.yaml triggers it",
                rule.id()
            ));
        }
    }
    Ok(cases)
}
