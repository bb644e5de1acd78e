//! OPA Gatekeeper interoperability: ConstraintTemplates and Constraints run as kordon rules,
//! ExpansionTemplates expand workloads into the Pods they create, `Suite` files are verified,
//! and kordon's own rules are exported as templates.
//!
//! Each (template, constraint) pair becomes one [`Rule`] whose origin is
//! [`RuleOrigin::Gatekeeper`]: the template's Rego (and `libs`) compiled in its own engine, the
//! constraint's `spec.parameters` as `input.parameters` and its `spec.match` as the object filter.

mod emit;
mod expansion;
mod export;
mod matching;
mod suite;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

pub use emit::to_yaml;
pub use expansion::{
    ApplyTo, Expander, ExpansionNote, ExpansionTemplate, Generated, Gvk, default_templates,
};
pub use export::{
    EnforcementAction, EnforcementChoice, ExportOptions, ExportedRule, INVENTORY_NOTE,
    enforcement_action, export_gatekeeper, export_gatekeeper_with, gatekeeper_kind,
};
pub use matching::{
    ConstraintMatch, KindSelector, LabelRequirement, LabelSelector, Labels, MatchTarget, Scope,
    glob_matches,
};
pub use suite::{CaseFilter, CaseOutcome, SuiteReport, verify_paths};

use crate::document::{Document, Position, ProblemKind, Source, Span};
use crate::finding::Severity;
use crate::input::{InputOptions, discover, read_source};
use crate::rules::{
    FixSpec, Frameworks, RegoModule, Rule, RuleDocs, RuleMeta, RuleOrigin, RuleSet,
};
use crate::scan::{Problem, ProblemLevel};

/// The annotation on a Constraint that overrides the severity its enforcement action implies.
pub const SEVERITY_ANNOTATION: &str = "kordon.dev/severity";

/// Where a (template, constraint) rule came from, and the constraint's `spec.match`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatekeeperBinding {
    /// The ConstraintTemplate's `metadata.name`.
    pub template: String,
    /// The constraint kind the template defines.
    pub kind: String,
    /// The Constraint's `metadata.name`.
    pub constraint: String,
    /// `spec.enforcementAction` (`deny` when unset).
    pub enforcement_action: String,
    /// The file that holds the Constraint.
    pub file: String,
    /// `spec.match`.
    pub matcher: ConstraintMatch,
    /// The template declares Rego v1 (`code[].source.version: v1`).
    pub rego_v1: bool,
}

/// A ConstraintTemplate as read from a file.
#[derive(Debug, Clone)]
pub struct ConstraintTemplate {
    /// `metadata.name`.
    pub name: String,
    /// `spec.crd.spec.names.kind`: the kind of its Constraints.
    pub kind: String,
    /// The Rego of its admission target, absent for CEL-only templates.
    pub rego: Option<RegoModule>,
    /// Its `libs`.
    pub libs: Vec<RegoModule>,
    /// It declares Rego v1 (`code[].source.version: v1`); otherwise v0 is tried first.
    pub rego_v1: bool,
    /// `spec.crd.spec.validation.openAPIV3Schema`.
    pub schema: Value,
    /// `metadata.gatekeeper.sh/title` annotation.
    pub title: Option<String>,
    /// `description` annotation.
    pub description: Option<String>,
    /// The file.
    pub file: String,
    /// Its `metadata.name` entry in the file.
    pub span: Span,
    /// Where that entry starts.
    pub position: Position,
    /// Its Rego does not compile or calls a function regorus lacks (reported when loaded): no
    /// rule is made from it, so it is never mistaken for a policy that found nothing.
    pub unusable: bool,
}

/// A Constraint as read from a file.
#[derive(Debug, Clone)]
pub struct Constraint {
    /// Its kind (defined by a template).
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `spec.match`.
    pub matcher: ConstraintMatch,
    /// `spec.parameters` (always an object).
    pub parameters: Value,
    /// `spec.enforcementAction` (`deny` when unset).
    pub enforcement_action: String,
    /// The severity of its findings.
    pub severity: Severity,
    /// The file.
    pub file: String,
    /// Its `metadata.name` entry in the file.
    pub span: Span,
    /// Where that entry starts.
    pub position: Position,
}

/// The severity an enforcement action implies: deny → high, warn → medium, dryrun → info.
pub fn severity_for_action(action: &str) -> Severity {
    match action {
        "warn" => Severity::Medium,
        "dryrun" => Severity::Info,
        _ => Severity::High,
    }
}

/// Gatekeeper policies loaded from files: templates, constraints, expansion templates, and the
/// problems met while reading them.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    /// ConstraintTemplates.
    pub templates: Vec<ConstraintTemplate>,
    /// Constraints.
    pub constraints: Vec<Constraint>,
    /// ExpansionTemplates.
    pub expansions: Vec<ExpansionTemplate>,
    /// Problems, located in the policy files.
    pub problems: Vec<Problem>,
}

fn problem(level: ProblemLevel, document: &Document, span: Span, message: String) -> Problem {
    Problem {
        level,
        kind: ProblemKind::Rule,
        file: Some(document.source.name.clone()),
        position: Some(document.position(span.start)),
        rule: None,
        message,
    }
}

fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

impl PolicySet {
    /// Reads every policy object in these files and directories. Never fails: unreadable files
    /// and malformed objects become problems, the rest loads.
    pub fn load(paths: &[PathBuf]) -> PolicySet {
        let options = InputOptions::default();
        let (mut files, walk_problems) = discover(paths, &options);
        // A suite may name one file as both template and constraint: read it once.
        let mut seen = BTreeSet::new();
        files.retain(|f| seen.insert(f.canonicalize().unwrap_or_else(|_| f.clone())));
        let mut set = PolicySet::default();
        for p in walk_problems {
            set.problems.push(Problem {
                level: ProblemLevel::Error,
                kind: p.kind,
                file: Some(p.name),
                position: None,
                rule: None,
                message: p.message,
            });
        }
        for file in files {
            match read_source(&file, &options) {
                Ok(source) => set.add_source(source),
                Err(p) => set.problems.push(Problem {
                    level: ProblemLevel::Error,
                    kind: p.kind,
                    file: Some(p.name),
                    position: None,
                    rule: None,
                    message: p.message,
                }),
            }
        }
        set
    }

    /// Reads the policy objects of one text.
    pub fn add_source(&mut self, source: Source) {
        let document = Document::parse(Arc::new(source), crate::document::ParseLimits::default());
        self.add_document(&document);
    }

    /// Reads the policy objects of a parsed document; other objects are ignored.
    pub fn add_document(&mut self, document: &Document) {
        for p in &document.problems {
            self.problems.push(Problem::in_document(document, p));
        }
        for object in &document.objects {
            let group = group_of(&object.api_version);
            let span = object.anchor_span();
            let json = object.root.to_json();
            let file = document.source.name.clone();
            let name = object.name.as_deref().unwrap_or("<unnamed>");
            if group == "templates.gatekeeper.sh" && object.kind == "ConstraintTemplate" {
                match read_template(&json, &file, span, document.position(span.start)) {
                    Ok(mut t) => {
                        if let Some(module) = &t.rego {
                            let libs: Vec<&RegoModule> = t.libs.iter().collect();
                            if let Err(errors) =
                                crate::engine::check_policy_modules(&libs, module, t.rego_v1)
                            {
                                // Located at the Rego itself; the messages locate the line within it.
                                let at = rego_span(&object.root).unwrap_or(span);
                                self.problems.push(problem(
                                    ProblemLevel::Error,
                                    document,
                                    at,
                                    format!(
                                        "ConstraintTemplate {name}: its Rego cannot be run, so none of its Constraints is: {}",
                                        errors.join("\n")
                                    ),
                                ));
                                t.unusable = true;
                            }
                        }
                        self.templates.push(t)
                    }
                    Err(m) => self.problems.push(problem(
                        ProblemLevel::Error,
                        document,
                        span,
                        format!("ConstraintTemplate {name}: {m}"),
                    )),
                }
            } else if group == "constraints.gatekeeper.sh" {
                match read_constraint(
                    &json,
                    &object.kind,
                    &file,
                    span,
                    document.position(span.start),
                ) {
                    Ok(c) => self.constraints.push(c),
                    Err(m) => self.problems.push(problem(
                        ProblemLevel::Error,
                        document,
                        span,
                        format!("Constraint {}/{name}: {m}", object.kind),
                    )),
                }
            } else if group == "expansion.gatekeeper.sh" && object.kind == "ExpansionTemplate" {
                match ExpansionTemplate::from_json(&json) {
                    Ok(mut t) => {
                        t.file = Some(file);
                        t.span = Some(span);
                        self.expansions.push(t);
                    }
                    Err(m) => self.problems.push(problem(
                        ProblemLevel::Error,
                        document,
                        span,
                        format!("ExpansionTemplate {name}: {m}"),
                    )),
                }
            }
        }
    }

    /// True when nothing was loaded.
    pub fn is_empty(&self) -> bool {
        self.templates.is_empty() && self.constraints.is_empty() && self.expansions.is_empty()
    }

    /// One rule per (template, constraint) pair, plus notes for templates that will not run
    /// (no constraint, CEL only) and warnings for constraints without a template.
    pub fn rules(&self) -> (Vec<Rule>, Vec<Problem>) {
        let mut rules = Vec::new();
        let mut problems = Vec::new();
        let note = |level: ProblemLevel, file: &str, position: Position, message: String| Problem {
            level,
            kind: ProblemKind::Rule,
            file: Some(file.to_string()),
            position: Some(position),
            rule: None,
            message,
        };
        let mut used = BTreeSet::new();
        for constraint in &self.constraints {
            let Some(template) = self.templates.iter().find(|t| t.kind == constraint.kind) else {
                problems.push(note(
                    ProblemLevel::Warning,
                    &constraint.file,
                    constraint.position,
                    format!(
                        "Constraint {}/{} has no ConstraintTemplate defining kind `{}` among the policies: it is not run",
                        constraint.kind, constraint.name, constraint.kind
                    ),
                ));
                continue;
            };
            used.insert(template.name.clone());
            let Some(module) = template.rego.as_ref().filter(|_| !template.unusable) else {
                continue;
            };
            rules.push(make_rule(template, module, constraint));
        }
        for template in &self.templates {
            if template.rego.is_none() {
                problems.push(note(
                    ProblemLevel::Note,
                    &template.file,
                    template.position,
                    format!(
                        "ConstraintTemplate {} has only CEL (K8sNativeValidation) code: unsupported, it is not run",
                        template.name
                    ),
                ));
            } else if !used.contains(&template.name) {
                problems.push(note(
                    ProblemLevel::Note,
                    &template.file,
                    template.position,
                    format!(
                        "ConstraintTemplate {} is loaded but no Constraint of kind `{}` uses it: it is not run",
                        template.name, template.kind
                    ),
                ));
            }
        }
        (rules, problems)
    }

    /// Adds the rules to `set`. A rule's id is its Constraint's name; when that name is taken by
    /// a built-in rule, or shared by constraints of several kinds, it becomes `Kind/name` — for
    /// every constraint of that name, so ids do not depend on the order policies are read in.
    pub fn install(&self, set: &mut RuleSet) -> Vec<Problem> {
        let (rules, mut problems) = self.rules();
        let mut named: BTreeMap<String, usize> = BTreeMap::new();
        for rule in &rules {
            *named.entry(rule.meta.id.clone()).or_default() += 1;
        }
        for mut rule in rules {
            let shared = named.get(&rule.meta.id).is_some_and(|&count| count > 1);
            if (shared || set.get(&rule.meta.id).is_some())
                && let RuleOrigin::Gatekeeper(binding) = &rule.origin
            {
                rule.meta.id = format!("{}/{}", binding.kind, binding.constraint);
            }
            if let Err(e) = set.add_loaded_rule(rule) {
                problems.push(Problem {
                    level: ProblemLevel::Error,
                    kind: ProblemKind::Rule,
                    file: None,
                    position: None,
                    rule: None,
                    message: e.to_string(),
                });
            }
        }
        problems
    }
}

/// Installs the policies of `paths` into `set`; returns the expander and every problem, located.
pub(crate) fn install_policies(paths: &[PathBuf], set: &mut RuleSet) -> (Expander, Vec<Problem>) {
    let policies = PolicySet::load(paths);
    let mut problems = policies.problems.clone();
    problems.extend(policies.install(set));
    (Expander::new(policies.expansions.clone()), problems)
}

fn make_rule(template: &ConstraintTemplate, module: &RegoModule, constraint: &Constraint) -> Rule {
    let binding = GatekeeperBinding {
        template: template.name.clone(),
        kind: constraint.kind.clone(),
        constraint: constraint.name.clone(),
        enforcement_action: constraint.enforcement_action.clone(),
        file: constraint.file.clone(),
        matcher: constraint.matcher.clone(),
        rego_v1: template.rego_v1,
    };
    let kinds: Vec<String> = if constraint.matcher.kinds.is_empty() {
        vec!["*".into()]
    } else {
        constraint
            .matcher
            .kinds
            .iter()
            .flat_map(|k| k.kinds.iter().cloned())
            .collect()
    };
    let title = template
        .title
        .clone()
        .unwrap_or_else(|| format!("Gatekeeper {} ({})", template.kind, constraint.name));
    let what = template.description.clone().unwrap_or_else(|| {
        format!(
            "Runs ConstraintTemplate `{}` with Constraint `{}` from {}.",
            template.name, constraint.name, constraint.file
        )
    });
    // Whether a template reports what is missing or only what it finds cannot be told from its
    // Rego: one that reads the inventory at all is kept out of partial scans without context, so
    // a partial view never raises its false alarms.
    let reads_inventory = std::iter::once(module)
        .chain(template.libs.iter())
        .any(|m| m.text.contains("inventory"));
    Rule {
        meta: RuleMeta {
            id: constraint.name.clone(),
            title,
            severity: constraint.severity,
            category: "gatekeeper".into(),
            kinds,
            frameworks: Frameworks::default(),
            parameters: template.schema.clone(),
            fix: FixSpec::default(),
            inventory: true,
            needs_complete_inventory: reads_inventory,
            help_uri: None,
            docs: RuleDocs {
                what,
                why: "A policy of your own Gatekeeper corpus.".into(),
                example: String::new(),
                remediation: format!(
                    "policy: ConstraintTemplate `{}` with Constraint `{}` ({})",
                    template.name, constraint.name, constraint.file
                ),
            },
        },
        module: Some(module.clone()),
        libs: template.libs.iter().cloned().map(Arc::new).collect(),
        parameters: constraint.parameters.clone(),
        origin: RuleOrigin::Gatekeeper(Arc::new(binding)),
        samples: BTreeMap::new(),
        tests: None,
    }
}

/// The string at JSON `pointer`, or the error naming the missing field as users write it.
fn required_str(json: &Value, pointer: &str, field: &str) -> Result<String, String> {
    json.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("no `{field}`"))
}

fn read_template(
    json: &Value,
    file: &str,
    span: Span,
    position: Position,
) -> Result<ConstraintTemplate, String> {
    let name = required_str(json, "/metadata/name", "metadata.name")?;
    let kind = required_str(
        json,
        "/spec/crd/spec/names/kind",
        "spec.crd.spec.names.kind",
    )?;
    let schema = json
        .pointer("/spec/crd/spec/validation/openAPIV3Schema")
        .cloned()
        .unwrap_or_else(|| serde_json::json!({}));
    let targets = json
        .pointer("/spec/targets")
        .and_then(Value::as_array)
        .ok_or("no `spec.targets`")?;
    let target = targets
        .iter()
        .find(|t| t.get("target").and_then(Value::as_str) == Some("admission.k8s.gatekeeper.sh"))
        .or_else(|| targets.first())
        .ok_or("`spec.targets` is empty")?;
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut rego_v1 = false;
    let (rego, libs) = if let Some(rego) = target.get("rego").and_then(Value::as_str) {
        (Some(rego.to_string()), strings(target.get("libs")))
    } else if let Some(code) = target.get("code").and_then(Value::as_array) {
        match code
            .iter()
            .find(|c| c.get("engine").and_then(Value::as_str) == Some("Rego"))
        {
            Some(entry) => {
                let source = entry
                    .get("source")
                    .ok_or("a Rego code entry has no `source`")?;
                let rego = source
                    .get("rego")
                    .and_then(Value::as_str)
                    .ok_or("a Rego code entry has no `source.rego`")?;
                rego_v1 = source.get("version").and_then(Value::as_str) == Some("v1");
                (Some(rego.to_string()), strings(source.get("libs")))
            }
            None => (None, Vec::new()),
        }
    } else {
        return Err("the admission target has neither `rego` nor `code`".into());
    };
    let rego = match rego {
        Some(text) => Some(
            RegoModule::new(format!("{file}#{name}"), text)
                .map_err(|e| format!("its Rego: {e}"))?,
        ),
        None => None,
    };
    let libs = libs
        .iter()
        .enumerate()
        .map(|(i, text)| {
            RegoModule::new(format!("{file}#{name}/libs[{i}]"), text.clone())
                .map_err(|e| format!("libs[{i}]: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let annotation = |key: &str| {
        json.pointer("/metadata/annotations")
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string())
    };
    Ok(ConstraintTemplate {
        title: annotation("metadata.gatekeeper.sh/title"),
        description: annotation("description"),
        name,
        kind,
        rego,
        libs,
        rego_v1,
        schema,
        file: file.to_string(),
        span,
        position,
        unusable: false,
    })
}

/// Where a template's admission Rego is written (`spec.targets[].rego` or a Rego `code` entry's
/// `source.rego`).
fn rego_span(root: &crate::document::Node) -> Option<Span> {
    let targets = root.get("spec")?.get("targets")?.items();
    targets.iter().find_map(|target| {
        target.get("rego").map(|n| n.span).or_else(|| {
            target.get("code")?.items().iter().find_map(|entry| {
                (entry.get("engine")?.as_str()? == "Rego")
                    .then(|| entry.get("source")?.get("rego").map(|n| n.span))
                    .flatten()
            })
        })
    })
}

fn read_constraint(
    json: &Value,
    kind: &str,
    file: &str,
    span: Span,
    position: Position,
) -> Result<Constraint, String> {
    let name = required_str(json, "/metadata/name", "metadata.name")?;
    let spec = json.get("spec");
    let matcher = ConstraintMatch::from_json(spec.and_then(|s| s.get("match")))?;
    let parameters = match spec.and_then(|s| s.get("parameters")) {
        None | Some(Value::Null) => serde_json::json!({}),
        Some(p @ Value::Object(_)) => p.clone(),
        Some(other) => {
            return Err(format!(
                "`spec.parameters` must be a mapping, found {other}"
            ));
        }
    };
    let enforcement_action = spec
        .and_then(|s| s.get("enforcementAction"))
        .and_then(Value::as_str)
        .unwrap_or("deny")
        .to_string();
    let severity = match json
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(SEVERITY_ANNOTATION))
        .and_then(Value::as_str)
    {
        Some(text) => text
            .parse()
            .map_err(|e| format!("annotation `{SEVERITY_ANNOTATION}`: {e}"))?,
        None => severity_for_action(&enforcement_action),
    };
    Ok(Constraint {
        kind: kind.to_string(),
        name,
        matcher,
        parameters,
        enforcement_action,
        severity,
        file: file.to_string(),
        span,
        position,
    })
}
