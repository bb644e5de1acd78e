//! Rego evaluation in the Gatekeeper contract, fanned out over rayon.
//!
//! Each rule is compiled once into its own regorus engine (packages stay isolated, so two rules
//! may share a package name or carry diverging copies of a library). Engines are prepared lazily,
//! only for rules whose kinds occur in the scan, and cloned per task: a clone shares the compiled
//! policy. Objects are converted to Rego values once, when they are parsed.

mod input;

use std::num::NonZeroU32;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rayon::prelude::*;

pub use input::{inventory, is_cluster_scoped, review};

use crate::document::Object;
use crate::rules::Rule;

/// One `violation` result: the message and the untouched `details`.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// `msg`.
    pub message: String,
    /// `details` (JSON `null` when absent).
    pub details: serde_json::Value,
}

/// What one rule said about one object.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// Index of the rule in the evaluator's list.
    pub rule: usize,
    /// Index of the object in the list given to [`Evaluator::evaluate`].
    pub object: usize,
    /// The violations, or the evaluation error.
    pub outcome: Result<Vec<Violation>, String>,
}

/// An object to review, with what rule selection needs to know about it.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// The object.
    pub object: &'a Object,
    /// Its labels.
    pub labels: crate::gatekeeper::Labels,
    /// Labels of its namespace, when that Namespace is among the scanned objects.
    pub namespace_labels: Option<&'a crate::gatekeeper::Labels>,
    /// Group and kind of the workloads it was generated from (empty for objects in files).
    pub ancestors: &'a [(String, String)],
}

impl<'a> Target<'a> {
    /// An object written in a file.
    pub fn plain(object: &'a Object) -> Self {
        Target {
            object,
            labels: object.labels(),
            namespace_labels: None,
            ancestors: &[],
        }
    }

    /// The view Constraint matching works on.
    pub fn match_target(&self) -> crate::gatekeeper::MatchTarget<'_> {
        crate::gatekeeper::MatchTarget {
            group: self.object.group(),
            kind: &self.object.kind,
            name: self.object.name.as_deref().unwrap_or(""),
            namespace: self.object.namespace.as_deref().unwrap_or(""),
            labels: &self.labels,
            namespace_labels: self.namespace_labels,
        }
    }
}

/// A rule compiled into an engine, lazily.
struct PreparedRule {
    rule: Arc<Rule>,
    parameters: regorus::Value,
    engine: OnceLock<Result<regorus::Engine, String>>,
}

/// Evaluates a fixed set of rules over objects.
pub struct Evaluator {
    rules: Vec<PreparedRule>,
    timeout: Duration,
}

/// How many objects one task evaluates with one engine clone: large enough that the clone's
/// one-off warm-up is amortised, small enough to keep both cores busy on small scans.
const OBJECTS_PER_TASK: usize = 48;

impl Evaluator {
    /// Prepares to evaluate `rules`; each evaluation is stopped after `timeout`.
    pub fn new(rules: &[Arc<Rule>], timeout: Duration) -> Self {
        let rules = rules
            .iter()
            .filter(|r| r.module.is_some())
            .map(|rule| PreparedRule {
                parameters: regorus::Value::from(rule.parameters.clone()),
                rule: rule.clone(),
                engine: OnceLock::new(),
            })
            .collect();
        Evaluator { rules, timeout }
    }

    /// The rules, in evaluation index order.
    pub fn rules(&self) -> impl Iterator<Item = &Arc<Rule>> {
        self.rules.iter().map(|p| &p.rule)
    }

    /// Evaluates every applicable rule on every object. `inventory` is `data.inventory` for rules
    /// that declare they read it. Verdicts come back in (rule, object) order.
    pub fn evaluate(&self, objects: &[&Object], inventory: &regorus::Value) -> Vec<Verdict> {
        let targets: Vec<Target<'_>> = objects.iter().map(|o| Target::plain(o)).collect();
        self.evaluate_targets(&targets, inventory)
    }

    /// Evaluates every rule on the targets it matches ([`Rule::matches`]). Verdicts come back in
    /// (rule, target) order; `object` indexes `targets`.
    pub fn evaluate_targets(
        &self,
        targets: &[Target<'_>],
        inventory: &regorus::Value,
    ) -> Vec<Verdict> {
        let reviews: Vec<regorus::Value> = targets.par_iter().map(|t| review(t.object)).collect();
        let mut tasks: Vec<(usize, Vec<usize>)> = Vec::new();
        for (rule_index, prepared) in self.rules.iter().enumerate() {
            let matching: Vec<usize> = targets
                .iter()
                .enumerate()
                .filter(|(_, t)| prepared.rule.matches(t))
                .map(|(i, _)| i)
                .collect();
            for chunk in matching.chunks(OBJECTS_PER_TASK) {
                tasks.push((rule_index, chunk.to_vec()));
            }
        }
        // Rules that read the inventory hold this scan's objects as data: their engines live for
        // one evaluation only, or a scanner reused for another scan would judge stale objects.
        let per_scan: Vec<OnceLock<Result<regorus::Engine, String>>> =
            self.rules.iter().map(|_| OnceLock::new()).collect();
        let mut verdicts: Vec<Verdict> = tasks
            .par_iter()
            .flat_map_iter(|(rule_index, object_indices)| {
                let prepared = &self.rules[*rule_index];
                let cell = if prepared.rule.meta.inventory {
                    &per_scan[*rule_index]
                } else {
                    &prepared.engine
                };
                let engine =
                    cell.get_or_init(|| build_engine(&prepared.rule, inventory, self.timeout));
                let mut out = Vec::with_capacity(object_indices.len());
                match engine {
                    Err(message) => {
                        for &object in object_indices {
                            out.push(Verdict {
                                rule: *rule_index,
                                object,
                                outcome: Err(message.clone()),
                            });
                        }
                    }
                    Ok(engine) => {
                        let mut engine = engine.clone();
                        let query = prepared.rule.violation_ref().unwrap_or_default();
                        for &object in object_indices {
                            let outcome = evaluate_one(
                                &mut engine,
                                &query,
                                &reviews[object],
                                &prepared.parameters,
                            );
                            out.push(Verdict {
                                rule: *rule_index,
                                object,
                                outcome,
                            });
                        }
                    }
                }
                out
            })
            .collect();
        verdicts.sort_by_key(|v| (v.rule, v.object));
        verdicts
    }

    /// Looks up a rule by evaluation index.
    pub fn rule(&self, index: usize) -> &Arc<Rule> {
        &self.rules[index].rule
    }
}

fn build_engine(
    rule: &Rule,
    inventory: &regorus::Value,
    timeout: Duration,
) -> Result<regorus::Engine, String> {
    // Gatekeeper templates are Rego v0; v0 mode also accepts `import rego.v1` modules. A module
    // written in plain v1 syntax (without that import) only loads in v1 mode.
    if let crate::rules::RuleOrigin::Gatekeeper(binding) = &rule.origin
        && binding.rego_v1
    {
        return build_engine_as(rule, inventory, timeout, false);
    }
    match build_engine_as(rule, inventory, timeout, true) {
        Ok(engine) => Ok(engine),
        Err(v0_error) => build_engine_as(rule, inventory, timeout, false).map_err(|_| v0_error),
    }
}

fn build_engine_as(
    rule: &Rule,
    inventory: &regorus::Value,
    timeout: Duration,
    rego_v0: bool,
) -> Result<regorus::Engine, String> {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(rego_v0);
    // OPA and Gatekeeper are not strict: a builtin type error leaves the expression undefined.
    engine.set_strict_builtin_errors(false);
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
        limit: timeout,
        check_interval: NonZeroU32::new(256).unwrap_or(NonZeroU32::MIN),
    });
    for lib in &rule.libs {
        engine
            .add_policy(lib.name.clone(), lib.text.clone())
            .map_err(|e| e.to_string())?;
    }
    let module = rule.module.as_ref().ok_or("the rule has no Rego module")?;
    engine
        .add_policy(module.name.clone(), module.text.clone())
        .map_err(|e| e.to_string())?;
    if rule.meta.inventory {
        let mut data = std::collections::BTreeMap::new();
        data.insert(regorus::Value::from("inventory"), inventory.clone());
        engine
            .add_data(regorus::Value::from(data))
            .map_err(|e| e.to_string())?;
    }
    // Evaluating once on an empty input prepares the engine, so clones share the prepared form.
    engine.set_input(regorus::Value::new_object());
    engine
        .eval_rule(rule.violation_ref().unwrap_or_default())
        .map_err(|e| e.to_string())?;
    Ok(engine)
}

fn evaluate_one(
    engine: &mut regorus::Engine,
    query: &str,
    review: &regorus::Value,
    parameters: &regorus::Value,
) -> Result<Vec<Violation>, String> {
    let mut input = std::collections::BTreeMap::new();
    input.insert(regorus::Value::from("review"), review.clone());
    input.insert(regorus::Value::from("parameters"), parameters.clone());
    engine.set_input(regorus::Value::from(input));
    let result = engine
        .eval_rule(query.to_string())
        .map_err(|e| e.to_string())?;
    Ok(violations_of(&result))
}

/// Reads the `violation` set: `{"msg": ..., "details": ...}` entries.
pub fn violations_of(result: &regorus::Value) -> Vec<Violation> {
    let items: Vec<&regorus::Value> = match result {
        regorus::Value::Set(set) => set.iter().collect(),
        regorus::Value::Array(array) => array.iter().collect(),
        _ => Vec::new(),
    };
    items
        .into_iter()
        .map(|item| {
            let json = serde_json::to_value(item).unwrap_or(serde_json::Value::Null);
            let message = match json.get("msg") {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => "policy violation".to_string(),
            };
            let details = json
                .get("details")
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            Violation { message, details }
        })
        .collect()
}
