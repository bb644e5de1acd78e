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
use crate::finding::Severity;
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
                for workload in crate::workload::WorkloadKinds::builtin_ref().kinds() {
                    let group = match &workload.group {
                        Some(group) => group.clone(),
                        None => group_of_kind(&workload.kind).to_string(),
                    };
                    by_group
                        .entry(group)
                        .or_default()
                        .push(workload.kind.clone());
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

/// How exported Constraints choose `spec.enforcementAction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EnforcementChoice {
    /// From the rule's severity: critical and high → `deny`, medium → `warn`, low and info →
    /// `dryrun` (audit only), so applying the export refuses only what is serious.
    #[default]
    BySeverity,
    /// The same action for every rule (`deny`, `warn` or `dryrun`).
    Fixed(EnforcementAction),
}

/// A Gatekeeper enforcement action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnforcementAction {
    /// Refuse the object.
    Deny,
    /// Admit it with a warning.
    Warn,
    /// Admit it; report in audit only.
    Dryrun,
}

impl EnforcementAction {
    /// The value Gatekeeper reads.
    pub fn as_str(self) -> &'static str {
        match self {
            EnforcementAction::Deny => "deny",
            EnforcementAction::Warn => "warn",
            EnforcementAction::Dryrun => "dryrun",
        }
    }
}

impl std::str::FromStr for EnforcementChoice {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "by-severity" => Ok(EnforcementChoice::BySeverity),
            "deny" => Ok(EnforcementChoice::Fixed(EnforcementAction::Deny)),
            "warn" => Ok(EnforcementChoice::Fixed(EnforcementAction::Warn)),
            "dryrun" => Ok(EnforcementChoice::Fixed(EnforcementAction::Dryrun)),
            other => Err(format!(
                "`{other}` is not an enforcement choice: by-severity, deny, warn or dryrun"
            )),
        }
    }
}

/// What `export gatekeeper` may be told.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// How each Constraint's enforcement action is chosen.
    pub enforcement: EnforcementChoice,
}

/// The note on a Constraint whose action was capped at `warn`.
pub const INVENTORY_NOTE: &str = "This rule reports what is absent from the synced inventory (data.inventory). As deny it would refuse an object applied before the one it lacks — a new Namespace before its NetworkPolicy, a workload before its PodDisruptionBudget — so it is exported as warn at most; audit reports what stays missing.";

/// The action a rule is exported with, and why it differs from what was asked, if it does.
pub fn enforcement_action(
    rule: &Rule,
    choice: EnforcementChoice,
) -> (EnforcementAction, Option<&'static str>) {
    let asked = match choice {
        EnforcementChoice::Fixed(action) => action,
        EnforcementChoice::BySeverity => match rule.meta.severity {
            Severity::Critical | Severity::High => EnforcementAction::Deny,
            Severity::Medium => EnforcementAction::Warn,
            Severity::Low | Severity::Info => EnforcementAction::Dryrun,
        },
    };
    // A rule that fires on absence cannot tell "not created yet" from "missing": it must not
    // block the object the missing one would be created after.
    if rule.meta.needs_complete_inventory && asked == EnforcementAction::Deny {
        (EnforcementAction::Warn, Some(INVENTORY_NOTE))
    } else {
        (asked, None)
    }
}

fn constraint(rule: &Rule, kind: &str, parameters: Value, choice: EnforcementChoice) -> Value {
    let (action, note) = enforcement_action(rule, choice);
    let mut spec = json!({
        "enforcementAction": action.as_str(),
        "match": {"kinds": match_kinds(rule)},
    });
    if parameters.as_object().is_some_and(|p| !p.is_empty()) {
        spec["parameters"] = parameters;
    }
    let mut annotations = json!({"kordon.dev/severity": rule.meta.severity.as_str()});
    if let Some(note) = note {
        annotations["kordon.dev/export-note"] = json!(note);
    }
    json!({
        "apiVersion": "constraints.gatekeeper.sh/v1beta1",
        "kind": kind,
        "metadata": {
            "name": rule.id(),
            "annotations": annotations
        },
        "spec": spec
    })
}

/// Kinds an inventory rule may read, with the group and version Gatekeeper's sync needs.
const SYNC_KINDS: &[(&str, &str, &str)] = &[
    ("Namespace", "", "v1"),
    ("Pod", "", "v1"),
    ("Service", "", "v1"),
    ("ServiceAccount", "", "v1"),
    ("ConfigMap", "", "v1"),
    ("LimitRange", "", "v1"),
    ("ResourceQuota", "", "v1"),
    ("ReplicationController", "", "v1"),
    ("Deployment", "apps", "v1"),
    ("StatefulSet", "apps", "v1"),
    ("DaemonSet", "apps", "v1"),
    ("ReplicaSet", "apps", "v1"),
    ("Job", "batch", "v1"),
    ("CronJob", "batch", "v1"),
    ("NetworkPolicy", "networking.k8s.io", "v1"),
    ("PodDisruptionBudget", "policy", "v1"),
    ("Role", "rbac.authorization.k8s.io", "v1"),
    ("RoleBinding", "rbac.authorization.k8s.io", "v1"),
    ("ClusterRole", "rbac.authorization.k8s.io", "v1"),
    ("ClusterRoleBinding", "rbac.authorization.k8s.io", "v1"),
    ("AdminNetworkPolicy", "policy.networking.k8s.io", "v1alpha1"),
    (
        "BaselineAdminNetworkPolicy",
        "policy.networking.k8s.io",
        "v1alpha1",
    ),
    ("CiliumNetworkPolicy", "cilium.io", "v2"),
    ("CiliumClusterwideNetworkPolicy", "cilium.io", "v2"),
    ("GlobalNetworkPolicy", "crd.projectcalico.org", "v1"),
];

/// The kinds of [`SYNC_KINDS`] a rule's Rego names (as a string or a `data.inventory` path
/// segment), in its module and the libraries it imports that read the inventory. Naming a kind
/// is how kordon's rules select what they read, so this is what their inventory needs.
fn inventory_kinds(rule: &Rule) -> Vec<&'static (&'static str, &'static str, &'static str)> {
    let texts: Vec<&str> = rule
        .module
        .iter()
        .map(|m| m.text.as_str())
        .chain(
            rule.libs
                .iter()
                .map(|l| l.text.as_str())
                .filter(|t| t.contains("data.inventory")),
        )
        .collect();
    SYNC_KINDS
        .iter()
        .filter(|(kind, _, _)| {
            texts.iter().any(|text| {
                text.contains(&format!("\"{kind}\"")) || text.contains(&format!(".{kind}"))
            })
        })
        .collect()
}

/// Gatekeeper's sync `Config`: the kinds the exported referential rules read from
/// `data.inventory`, which Gatekeeper only fills with what this lists.
fn sync_config(rules: &[&Rule]) -> Value {
    let mut kinds: Vec<&(&str, &str, &str)> = rules
        .iter()
        .filter(|r| r.meta.inventory)
        .flat_map(|r| inventory_kinds(r))
        .collect();
    kinds.sort_by_key(|(kind, group, _)| (*group, *kind));
    kinds.dedup();
    let sync_only: Vec<Value> = kinds
        .iter()
        .map(|(kind, group, version)| json!({"group": group, "version": version, "kind": kind}))
        .collect();
    json!({
        "apiVersion": "config.gatekeeper.sh/v1alpha1",
        "kind": "Config",
        "metadata": {"name": "config", "namespace": "gatekeeper-system"},
        "spec": {"sync": {"syncOnly": sync_only}}
    })
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes every Rego rule of `rules` under `out`: `<id>/template.yaml`, `constraint.yaml`
/// (plus `suite-constraint.yaml` with the sample parameters of rules that are silent by default),
/// `suite.yaml` and `samples/`. Built-in rules understand workload kinds themselves, so the
/// export needs (and writes) no ExpansionTemplate.
pub fn export_gatekeeper(rules: &RuleSet, out: &Path) -> Result<Vec<ExportedRule>, String> {
    export_gatekeeper_with(rules, out, &ExportOptions::default())
}

/// [`export_gatekeeper`] with options; also writes `sync-config.yaml`, Gatekeeper's `Config`
/// syncing the kinds the referential rules read.
pub fn export_gatekeeper_with(
    rules: &RuleSet,
    out: &Path,
    options: &ExportOptions,
) -> Result<Vec<ExportedRule>, String> {
    let choice = options.enforcement;
    let with_rego: Vec<&Rule> = rules
        .rules()
        .iter()
        .filter(|r| r.module.is_some())
        .map(|r| r.as_ref())
        .collect();
    write(
        &out.join("sync-config.yaml"),
        &to_yaml(&sync_config(&with_rego)),
    )?;
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
            // The parameters a scan would pass: schema defaults merged with the configuration.
            &to_yaml(&constraint(rule, &kind, rule.parameters.clone(), choice)),
        )?;
        // A rule that is silent by default (opt-in, empty allow-list) is verified with the
        // parameters its samples are written for, in a Constraint of its own.
        let sample_parameters = rule.sample_parameters()?;
        let suite_constraint = match &sample_parameters {
            Some(parameters) => {
                let mut merged = rule.parameters.clone();
                if let (Some(target), Some(source)) =
                    (merged.as_object_mut(), parameters.as_object())
                {
                    for (k, v) in source {
                        target.insert(k.clone(), v.clone());
                    }
                }
                write(
                    &dir.join("suite-constraint.yaml"),
                    &to_yaml(&constraint(rule, &kind, merged, choice)),
                )?;
                "suite-constraint.yaml"
            }
            None => "constraint.yaml",
        };
        let cases = sample_cases(rules, rule, &dir, sample_parameters.as_ref())?;
        let count = cases.len();
        let suite = json!({
            "apiVersion": "test.gatekeeper.sh/v1alpha1",
            "kind": "Suite",
            "metadata": {"name": rule.id()},
            "tests": [{
                "name": rule.id(),
                "template": "template.yaml",
                "constraint": suite_constraint,
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
fn sample_cases(
    rules: &RuleSet,
    rule: &Arc<Rule>,
    dir: &Path,
    sample_parameters: Option<&Value>,
) -> Result<Vec<Value>, String> {
    let mut only = rules.clone();
    only.retain(|r| r.id() == rule.id());
    if let Some(parameters) = sample_parameters {
        only.set_parameters(rule.id(), parameters)
            .map_err(|e| e.to_string())?;
    }
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
