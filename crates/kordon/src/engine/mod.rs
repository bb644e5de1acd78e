//! Rego evaluation in the Gatekeeper contract, fanned out over rayon.
//!
//! Compiling Rego is most of the cost of a small scan, and most of what a kordon rule compiles is
//! the shared library it imports. So kordon's own rules (and rules from directories) that look at
//! the same kinds and import the same libraries are compiled together, a few to an engine: the
//! library is parsed and analysed once per group instead of once per rule. Gatekeeper templates
//! and any rule whose group fails to compile get an engine of their own, so packages stay isolated
//! and an error names the rule at fault; groups of rules that read the inventory are compiled per
//! scan, with that scan's objects as data. Engines are prepared lazily, only for rules whose kinds occur in the scan, and cloned per task: a clone shares the
//! compiled policy. Objects are converted to Rego values once, when they are parsed. A group is
//! also compiled to regorus's bytecode VM, which evaluates its rules where a scan gives them
//! enough objects to repay the compilation; a group that reads the inventory gets a program per
//! scan, which starts every review from the inventory views the interpreter computed once.

mod builtin_program;
mod input;
mod rule_names;
mod unknown_calls;

use std::num::NonZeroU32;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rayon::prelude::*;

pub use input::{inventory, is_cluster_scoped, review};
#[cfg(kordon_patched_regorus)]
use rule_names::rule_names;

/// The built-in rules compiled to one VM program by `build.rs` (empty when it did not compile).
static BUILTIN_PROGRAM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin_program.bin"));

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
    /// The namespace it is reviewed in: `metadata.namespace`, else the assumed default
    /// namespace for namespaced kinds (`None`: unknown, as `gator` reviews such a manifest).
    pub namespace: Option<&'a str>,
    /// Group and kind of the workloads it was generated from (empty for objects in files).
    pub ancestors: &'a [(String, String)],
}

impl<'a> Target<'a> {
    /// An object written in a file.
    #[cfg(test)]
    pub fn plain(object: &'a Object) -> Self {
        Target {
            object,
            labels: object.labels(),
            namespace_labels: None,
            namespace: object.namespace.as_deref(),
            ancestors: &[],
        }
    }

    /// The view Constraint matching works on.
    pub fn match_target(&self) -> crate::gatekeeper::MatchTarget<'_> {
        crate::gatekeeper::MatchTarget {
            group: self.object.group(),
            kind: &self.object.kind,
            name: self.object.name.as_deref().unwrap_or(""),
            namespace: self.namespace,
            labels: &self.labels,
            namespace_labels: self.namespace_labels,
        }
    }
}

/// A rule compiled into an engine, lazily.
struct PreparedRule {
    rule: Arc<Rule>,
    parameters: regorus::Value,
    /// The rule's `violation` ref.
    query: String,
    /// The shared engine ([`Evaluator::groups`]) the rule is compiled into, if any.
    group: Option<usize>,
    /// The rule's own engine: for rules outside any group, or when the group failed to compile.
    engine: EngineCell,
}

/// A compiled engine, built when first needed. Boxed: an engine is large and a scan holds a
/// cell per rule for each of its inventory scopes, most of which never build one.
type EngineCell = OnceLock<Box<Result<regorus::Engine, String>>>;

/// Engines of the rules that read the inventory, for one evaluation.
struct PerScanEngines {
    rules: Vec<EngineCell>,
    groups: Vec<EngineCell>,
    /// The VM programs of the groups in `groups`, with this scan's inventory as their data.
    programs: Vec<OnceLock<Option<VmProgram>>>,
    /// The built-in rules' program with this scan's inventory and inventory views.
    bundle: OnceLock<Option<VmProgram>>,
}

/// Objects reviewed by rules with one VM (or one interpreter engine per rule).
struct Task {
    /// The rules: one, or the members of a group evaluated on the VM.
    members: Vec<usize>,
    /// The targets, in order; a member reviews those it matches.
    objects: Vec<usize>,
    /// Whether the rules are evaluated on the VM, where their group's program compiles.
    on_vm: bool,
    /// Whether the rules are built-in ones evaluated on the built-in rules' program.
    bundle: bool,
    /// The scope ([`crate::scope`]) whose inventory the rules see: every object of a task that
    /// reads the inventory is deployed there; 0 for a task whose rules do not read it.
    scope: usize,
}

/// Rules compiled into one engine.
struct EngineGroup {
    members: Vec<usize>,
    engine: EngineCell,
    /// The group compiled to regorus's bytecode VM, when it compiles ([`compile_to_vm`]).
    program: OnceLock<Option<VmProgram>>,
}

/// A group's rules as one RVM program: an entry point per member's `violation`.
struct VmProgram {
    /// The compiled policy it came from (none for the built-in rules' program, loaded whole).
    policy: Option<regorus::CompiledPolicy>,
    program: Arc<regorus::rvm::Program>,
    /// `data` (the inventory, for rules that read it; else empty).
    data: regorus::Value,
    /// Values of the inventory views, computed once by the interpreter, that every
    /// evaluation on the VM starts from (regorus patch 9) instead of computing them again.
    kept_views: Vec<(String, regorus::Value)>,
}

/// The program `build.rs` compiled from the built-in rules, loaded.
struct Bundle {
    program: Arc<regorus::rvm::Program>,
    /// The workload table's rules with the values of the scan's table: the program was
    /// compiled with an empty one.
    workloads: Vec<(String, regorus::Value)>,
    /// The entry points of the inventory views.
    views: Vec<String>,
}

/// Evaluates a fixed set of rules over objects.
pub struct Evaluator {
    rules: Vec<PreparedRule>,
    groups: Vec<EngineGroup>,
    timeout: Duration,
    /// Whether groups are evaluated on regorus's VM where they compile to it (patches 6 and 7
    /// make it agree with the interpreter; test `the_vm_and_the_interpreter_agree_...`).
    use_vm: bool,
    /// For each rule, whether it is a built-in rule whose modules are the ones `build.rs`
    /// compiled (the scan's own workload table aside): it runs on the built-in rules' program.
    in_bundle: Vec<bool>,
    /// The built-in rules' program, loaded when first needed.
    bundle: OnceLock<Option<Bundle>>,
}

/// Rules per shared engine. Larger groups parse a library fewer times but compile rules a scan may
/// not need and leave one core idle on a small scan; about ten keeps a one-Deployment scan's
/// compilation spread over both cores.
const RULES_PER_GROUP: usize = 10;

/// Puts rules that may share an engine into groups of at most [`RULES_PER_GROUP`], and returns
/// each rule's group. Rules share an engine when they come from kordon's rule format (built-in or
/// a directory), agree on reading the inventory (its data makes an engine per scan), look at the
/// same kinds (so a scan that needs one needs the others) and import the same libraries; no two
/// in a group share a package.
fn group_rules(rules: &[Arc<Rule>]) -> (Vec<Option<usize>>, Vec<EngineGroup>) {
    let mut open: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut groups: Vec<EngineGroup> = Vec::new();
    let mut packages: Vec<std::collections::HashSet<&str>> = Vec::new();
    let mut assignment = Vec::with_capacity(rules.len());
    for (index, rule) in rules.iter().enumerate() {
        let shareable = matches!(
            rule.origin,
            crate::rules::RuleOrigin::Builtin | crate::rules::RuleOrigin::Directory(_)
        );
        let Some(module) = rule.module.as_ref().filter(|_| shareable) else {
            assignment.push(None);
            continue;
        };
        // Libraries by identity, not name: two rule directories may each have a `lib/util.rego`.
        let libs: Vec<*const crate::rules::RegoModule> =
            rule.libs.iter().map(Arc::as_ptr).collect();
        let key = format!("{}|{:?}|{:?}", rule.meta.inventory, rule.meta.kinds, libs);
        let current = open.get(&key).copied().filter(|&g| {
            groups[g].members.len() < RULES_PER_GROUP
                && !packages[g].contains(module.package.as_str())
        });
        let group = match current {
            Some(group) => group,
            None => {
                groups.push(EngineGroup {
                    members: Vec::new(),
                    engine: OnceLock::new(),
                    program: OnceLock::new(),
                });
                packages.push(std::collections::HashSet::new());
                open.insert(key, groups.len() - 1);
                groups.len() - 1
            }
        };
        groups[group].members.push(index);
        packages[group].insert(module.package.as_str());
        assignment.push(Some(group));
    }
    (assignment, groups)
}

/// How many objects one task evaluates with one engine clone: large enough that the clone's
/// one-off warm-up is amortised, small enough to keep both cores busy on small scans.
const OBJECTS_PER_TASK: usize = 48;

/// A rule is evaluated on regorus's VM only when it reviews at least this many objects in a
/// scan: compiling a group's program costs more than the VM saves on a few objects (a one-file
/// scan was 147 -> 160 ms with every group compiled; debug build, loaded machine).
const VM_MIN_OBJECTS: usize = 8;

impl Evaluator {
    /// Prepares to evaluate `rules`; each evaluation is stopped after `timeout`.
    pub fn new(rules: &[Arc<Rule>], timeout: Duration) -> Self {
        let with_rego: Vec<Arc<Rule>> = rules
            .iter()
            .filter(|r| r.module.is_some())
            .cloned()
            .collect();
        let (assignment, groups) = group_rules(&with_rego);
        let in_bundle = with_rego
            .iter()
            .map(|rule| built_from_corpus(rule))
            .collect();
        let rules = with_rego
            .into_iter()
            .zip(assignment)
            .map(|(rule, group)| PreparedRule {
                parameters: regorus::Value::from(rule.parameters.clone()),
                query: rule.violation_ref().unwrap_or_default(),
                rule,
                group,
                engine: OnceLock::new(),
            })
            .collect();
        Evaluator {
            rules,
            groups,
            timeout,
            use_vm: true,
            in_bundle,
            bundle: OnceLock::new(),
        }
    }

    /// Leaves the built-in rules to their groups' programs compiled at run time, as rules
    /// from directories are: the path taken when the built-in program does not apply.
    #[cfg(test)]
    pub(crate) fn without_bundle(mut self) -> Self {
        self.in_bundle.iter_mut().for_each(|b| *b = false);
        self
    }

    /// The built-in rules' program, when `build.rs` compiled one and it runs here.
    fn bundle(&self) -> Option<&Bundle> {
        self.bundle
            .get_or_init(|| {
                let members: Vec<&Rule> = self
                    .rules
                    .iter()
                    .zip(&self.in_bundle)
                    .filter(|(_, in_bundle)| **in_bundle)
                    .map(|(prepared, _)| prepared.rule.as_ref())
                    .collect();
                load_bundle(&members, self.timeout)
            })
            .as_ref()
    }

    /// Whether a rule on the built-in rules' program reads the inventory: its program then
    /// holds a scope's inventory, so its reviews are split by scope.
    fn bundle_reads_inventory(&self) -> bool {
        self.rules
            .iter()
            .zip(&self.in_bundle)
            .any(|(prepared, &in_bundle)| in_bundle && prepared.rule.meta.inventory)
    }

    /// The built-in rules' program with this scan's inventory as data, starting every
    /// evaluation from the inventory views it computed once (when they read no input).
    fn bundle_program<'s>(
        &'s self,
        inventory: &regorus::Value,
        per_scan: &'s PerScanEngines,
    ) -> Option<&'s VmProgram> {
        let bundle = self.bundle()?;
        per_scan
            .bundle
            .get_or_init(|| {
                let reads_inventory = self.bundle_reads_inventory();
                let data = if reads_inventory {
                    inventory_data(inventory)
                } else {
                    regorus::Value::new_object()
                };
                let mut kept = bundle.workloads.clone();
                if reads_inventory {
                    kept.extend(views_on_vm(bundle, &data, self.timeout));
                }
                Some(VmProgram {
                    policy: None,
                    program: bundle.program.clone(),
                    data,
                    kept_views: kept,
                })
            })
            .as_ref()
    }

    /// Evaluates every rule in regorus's interpreter: the reference the VM is compared with.
    #[cfg(test)]
    pub(crate) fn interpreter_only(mut self) -> Self {
        self.use_vm = false;
        self
    }

    /// The VM program of the group of the rule at `index`, when the rule is evaluated there:
    /// a shared group whose engine compiled and whose program compiles too. A group that reads
    /// the inventory has a program per scan, with the inventory as data, and only when the
    /// interpreter could keep the values of its inventory views (they read no input): the VM
    /// starts every evaluation from them rather than compute them again for each review.
    fn program_for<'s>(
        &'s self,
        index: usize,
        per_scan: &'s PerScanEngines,
    ) -> Option<&'s VmProgram> {
        let prepared = &self.rules[index];
        if !self.use_vm {
            return None;
        }
        let group_index = prepared.group?;
        let group = &self.groups[group_index];
        let queries = || -> Vec<String> {
            group
                .members
                .iter()
                .filter_map(|&m| self.rules[m].rule.violation_ref())
                .collect()
        };
        if prepared.rule.meta.inventory {
            let engine = (**per_scan.groups[group_index].get()?).as_ref().ok()?;
            return per_scan.programs[group_index]
                .get_or_init(|| {
                    let members = group.members.iter().map(|&m| self.rules[m].rule.as_ref());
                    let views = kept_inventory_views(engine, members)?;
                    let mut program = compile_to_vm(engine, &queries())?;
                    program.data = engine.get_data();
                    program.kept_views = views;
                    Some(program)
                })
                .as_ref();
        }
        let engine = (**group.engine.get()?).as_ref().ok()?;
        group
            .program
            .get_or_init(|| compile_to_vm(engine, &queries()))
            .as_ref()
    }

    /// The compiled engine for the rule at `index`: its group's, or its own when it has no group
    /// or the group failed to compile (then the error, if any, is the rule's own). Rules that read
    /// the inventory hold this scan's objects as data, so their engines live in `per_scan`: a
    /// scanner reused for another scan must not judge stale objects.
    fn engine_for<'s>(
        &'s self,
        index: usize,
        inventory: &regorus::Value,
        per_scan: &'s PerScanEngines,
    ) -> &'s Result<regorus::Engine, String> {
        let prepared = &self.rules[index];
        let reads_inventory = prepared.rule.meta.inventory;
        if let Some(group_index) = prepared.group {
            let group = &self.groups[group_index];
            let cell = if reads_inventory {
                &per_scan.groups[group_index]
            } else {
                &group.engine
            };
            let shared: &Result<regorus::Engine, String> = cell.get_or_init(|| {
                let members: Vec<&Rule> = group
                    .members
                    .iter()
                    .map(|&m| self.rules[m].rule.as_ref())
                    .collect();
                Box::new(build_group_engine(&members, inventory, self.timeout))
            });
            if shared.is_ok() {
                return shared;
            }
        }
        let cell = if reads_inventory {
            &per_scan.rules[index]
        } else {
            &prepared.engine
        };
        cell.get_or_init(|| Box::new(build_engine(&prepared.rule, inventory, self.timeout)))
    }

    /// Evaluates every applicable rule on every object. `inventory` is `data.inventory` for rules
    /// that declare they read it. Verdicts come back in (rule, object) order.
    #[cfg(test)]
    pub fn evaluate(&self, objects: &[&Object], inventory: &regorus::Value) -> Vec<Verdict> {
        let targets: Vec<Target<'_>> = objects.iter().map(|o| Target::plain(o)).collect();
        self.evaluate_targets(&targets, inventory)
    }

    /// Evaluates every rule on the targets it matches ([`Rule::matches`]), with one inventory
    /// for all. Verdicts come back in (rule, target) order; `object` indexes `targets`.
    #[cfg(test)]
    pub fn evaluate_targets(
        &self,
        targets: &[Target<'_>],
        inventory: &regorus::Value,
    ) -> Vec<Verdict> {
        let scope_of = vec![0; targets.len()];
        self.evaluate_in_scopes(targets, &scope_of, std::slice::from_ref(inventory))
    }

    /// As [`Evaluator::evaluate_targets`], where target `i` is deployed in scope `scope_of[i]`
    /// and rules that read the inventory see `inventories[scope_of[i]]` when they review it
    /// (`crate::scope`): their engines and programs are built once per scope that has targets
    /// for them.
    pub fn evaluate_in_scopes(
        &self,
        targets: &[Target<'_>],
        scope_of: &[usize],
        inventories: &[regorus::Value],
    ) -> Vec<Verdict> {
        let no_inventory = [regorus::Value::new_object()];
        let inventories = if inventories.is_empty() {
            &no_inventory[..]
        } else {
            inventories
        };
        let per_scan: Vec<PerScanEngines> = inventories
            .iter()
            .map(|_| self.per_scan_engines())
            .collect();
        self.evaluate_with(targets, scope_of, inventories, &per_scan)
    }

    /// No engines yet for one evaluation's rules that read the inventory.
    fn per_scan_engines(&self) -> PerScanEngines {
        PerScanEngines {
            rules: self.rules.iter().map(|_| OnceLock::new()).collect(),
            groups: self.groups.iter().map(|_| OnceLock::new()).collect(),
            programs: self.groups.iter().map(|_| OnceLock::new()).collect(),
            bundle: OnceLock::new(),
        }
    }

    /// [`Self::evaluate_in_scopes`] with the engines of the rules that read the inventory of
    /// scope `s` in `per_scan[s]`.
    fn evaluate_with(
        &self,
        targets: &[Target<'_>],
        scope_of: &[usize],
        inventories: &[regorus::Value],
        per_scan: &[PerScanEngines],
    ) -> Vec<Verdict> {
        let last_scope = inventories.len().saturating_sub(1);
        let scope_at = |index: usize| scope_of.get(index).copied().unwrap_or(0).min(last_scope);
        // A rule that reads the inventory reviews each scope's objects apart; for the others
        // the scope does not matter and is 0.
        let by_scope = |objects: &[usize], reads_inventory: bool| {
            let mut split: std::collections::BTreeMap<usize, Vec<usize>> =
                std::collections::BTreeMap::new();
            for &index in objects {
                let scope = if reads_inventory { scope_at(index) } else { 0 };
                split.entry(scope).or_default().push(index);
            }
            split
        };
        let reviews: Vec<regorus::Value> = targets
            .par_iter()
            .map(|t| review(t.object, t.namespace))
            .collect();
        // Each rule's targets, in order (searched when a group's task reviews an object).
        // A rule that is not a Gatekeeper one matches by the object's group and kind alone (and
        // whether it was generated): asked once per distinct kind, not once per object.
        let mut kinds: std::collections::HashMap<(bool, &str, &str), usize> =
            std::collections::HashMap::new();
        let mut first_of_kind = Vec::new();
        let kind_of: Vec<usize> = targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let key = (
                    t.ancestors.is_empty(),
                    t.object.group(),
                    t.object.kind.as_str(),
                );
                *kinds.entry(key).or_insert_with(|| {
                    first_of_kind.push(i);
                    first_of_kind.len() - 1
                })
            })
            .collect();
        let matching: Vec<Vec<usize>> = self
            .rules
            .iter()
            .map(|prepared| {
                if matches!(
                    prepared.rule.origin,
                    crate::rules::RuleOrigin::Gatekeeper(_)
                ) {
                    return targets
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| prepared.rule.matches(t))
                        .map(|(i, _)| i)
                        .collect();
                }
                let by_kind: Vec<bool> = first_of_kind
                    .iter()
                    .map(|&i| prepared.rule.matches(&targets[i]))
                    .collect();
                (0..targets.len())
                    .filter(|&i| by_kind[kind_of[i]])
                    .collect()
            })
            .collect();
        let mut tasks: Vec<Task> = Vec::new();
        // The rules of each group evaluated on the VM, and the targets any of them reviews.
        let mut on_vm_groups: std::collections::BTreeMap<usize, (Vec<usize>, Vec<usize>)> =
            std::collections::BTreeMap::new();
        let bundle_reads_inventory = self.bundle_reads_inventory();
        // The same for the built-in rules on their program: no compilation to repay, so
        // whatever the number of objects.
        let bundle_ready = cfg!(kordon_patched_regorus)
            && self.use_vm
            && self.in_bundle.iter().any(|&b| b)
            && self.bundle().is_some();
        let (mut bundle_members, mut bundle_objects) = (Vec::new(), Vec::new());
        for (rule_index, prepared) in self.rules.iter().enumerate() {
            let matching = &matching[rule_index];
            if bundle_ready && self.in_bundle[rule_index] {
                if !matching.is_empty() {
                    bundle_members.push(rule_index);
                    bundle_objects.extend_from_slice(matching);
                }
                continue;
            }
            // The VM is right only with kordon's patches 6 and 7 (regorus as published drops
            // findings on it): a packaged build without the vendored copy stays in the interpreter.
            let on_vm = cfg!(kordon_patched_regorus) && matching.len() >= VM_MIN_OBJECTS;
            if let Some(group) = prepared.group.filter(|_| on_vm && self.use_vm) {
                let (members, objects) = on_vm_groups.entry(group).or_default();
                members.push(rule_index);
                objects.extend_from_slice(matching);
                continue;
            }
            for (scope, objects) in by_scope(matching, prepared.rule.meta.inventory) {
                for chunk in objects.chunks(OBJECTS_PER_TASK) {
                    tasks.push(Task {
                        members: vec![rule_index],
                        objects: chunk.to_vec(),
                        on_vm,
                        bundle: false,
                        scope,
                    });
                }
            }
        }
        if !bundle_members.is_empty() {
            bundle_objects.sort_unstable();
            bundle_objects.dedup();
            let split = by_scope(&bundle_objects, bundle_reads_inventory);
            let chunks: Vec<(usize, &[usize])> = split
                .iter()
                .flat_map(|(&scope, objects)| {
                    objects
                        .chunks(OBJECTS_PER_TASK)
                        .map(move |chunk| (scope, chunk))
                })
                .collect();
            // A few objects (a one-file scan) would make a single task: the rules are split
            // then, so every core has some.
            let wanted = 2 * rayon::current_num_threads();
            let parts = wanted.div_ceil(chunks.len()).max(1);
            let per_part = bundle_members.len().div_ceil(parts).max(1);
            for (scope, chunk) in chunks {
                for members in bundle_members.chunks(per_part) {
                    tasks.push(Task {
                        members: members.to_vec(),
                        objects: chunk.to_vec(),
                        on_vm: true,
                        bundle: true,
                        scope,
                    });
                }
            }
        }
        // A group's rules review each object one after the other on one VM, so a helper's
        // result for the object (its containers, its pod spec) computed for one rule is
        // remembered for the next (regorus patch 12).
        for (group, (members, mut objects)) in on_vm_groups {
            objects.sort_unstable();
            objects.dedup();
            // A group's members all read the inventory or none does (`group_rules`).
            let reads_inventory = self.groups[group]
                .members
                .first()
                .is_some_and(|&m| self.rules[m].rule.meta.inventory);
            for (scope, objects) in by_scope(&objects, reads_inventory) {
                for chunk in objects.chunks(OBJECTS_PER_TASK) {
                    tasks.push(Task {
                        members: members.clone(),
                        objects: chunk.to_vec(),
                        on_vm: true,
                        bundle: false,
                        scope,
                    });
                }
            }
        }
        let mut verdicts: Vec<Verdict> = tasks
            .par_iter()
            .flat_map_iter(|task| {
                self.evaluate_task(
                    task,
                    &matching,
                    &reviews,
                    &inventories[task.scope],
                    &per_scan[task.scope],
                )
            })
            .collect();
        verdicts.sort_by_key(|v| (v.rule, v.object));
        verdicts
    }

    /// The verdicts of one task: each of its objects reviewed by each member that matches it.
    fn evaluate_task(
        &self,
        task: &Task,
        matching: &[Vec<usize>],
        reviews: &[regorus::Value],
        inventory: &regorus::Value,
        per_scan: &PerScanEngines,
    ) -> Vec<Verdict> {
        let Some(&first) = task.members.first() else {
            return Vec::new();
        };
        let program = if task.bundle {
            self.bundle_program(inventory, per_scan)
        } else if task.on_vm {
            // The engine comes first: a group's program is compiled from its prepared engine.
            self.engine_for(first, inventory, per_scan)
                .is_ok()
                .then(|| self.program_for(first, per_scan))
                .flatten()
        } else {
            None
        };
        let mut vm = program.and_then(|program| new_vm(program, self.timeout));
        // Interpreter engines, cloned for this task when first needed.
        let mut interpreters: Vec<Option<regorus::Engine>> = vec![None; task.members.len()];
        let mut out = Vec::with_capacity(task.objects.len() * task.members.len());
        for &object in &task.objects {
            let mut shared_input: Option<(&regorus::Value, regorus::Value)> = None;
            for (member, &rule_index) in task.members.iter().enumerate() {
                if task.members.len() > 1 && matching[rule_index].binary_search(&object).is_err() {
                    continue;
                }
                let prepared = &self.rules[rule_index];
                let query = &prepared.query;
                // Rules with the same parameters share the object's input.
                let input = match &shared_input {
                    Some((parameters, input)) if *parameters == &prepared.parameters => {
                        input.clone()
                    }
                    _ => {
                        let input = review_input(&reviews[object], &prepared.parameters);
                        shared_input = Some((&prepared.parameters, input.clone()));
                        input
                    }
                };
                // What the VM cannot run (an instruction budget, an unsupported form met at
                // run time) the interpreter runs, its engine compiled only then: its verdict
                // is the reference either way.
                let on_vm = vm
                    .as_mut()
                    .and_then(|vm| evaluate_on_vm(vm, query, &input).ok());
                let outcome = match on_vm {
                    Some(found) => Ok(found),
                    None => match self.engine_for(rule_index, inventory, per_scan) {
                        Err(message) => Err(message.clone()),
                        Ok(engine) => {
                            let interpreter =
                                interpreters[member].get_or_insert_with(|| engine.clone());
                            evaluate_one(interpreter, query, input)
                        }
                    },
                };
                out.push(Verdict {
                    rule: rule_index,
                    object,
                    outcome,
                });
            }
        }
        out
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

/// An engine holding every member's module and the libraries they import, prepared. Members are
/// kordon-format rules, which load in v0 mode (they `import rego.v1`); a member that does not is
/// left to its own engine by the caller's fallback.
fn build_group_engine(
    members: &[&Rule],
    inventory: &regorus::Value,
    timeout: Duration,
) -> Result<regorus::Engine, String> {
    let mut engine = new_engine(timeout, true);
    let mut loaded = std::collections::HashSet::new();
    for rule in members {
        for lib in &rule.libs {
            if loaded.insert(Arc::as_ptr(lib)) {
                engine
                    .add_policy(lib.name.clone(), lib.text.clone())
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    let mut first_query = None;
    for rule in members {
        let module = rule.module.as_ref().ok_or("the rule has no Rego module")?;
        engine
            .add_policy(module.name.clone(), module.text.clone())
            .map_err(|e| e.to_string())?;
        first_query = first_query.or_else(|| rule.violation_ref());
    }
    if members.iter().any(|rule| rule.meta.inventory) {
        add_inventory(&mut engine, inventory)?;
    }
    // One evaluation on an empty input prepares the whole engine, so clones share the prepared form.
    engine.set_input(regorus::Value::new_object());
    engine
        .eval_rule(first_query.unwrap_or_default())
        .map_err(|e| e.to_string())?;
    #[cfg(kordon_patched_regorus)]
    if members.iter().any(|rule| rule.meta.inventory) {
        keep_inventory_views(&mut engine, members.iter().flat_map(|r| r.libs.iter()));
    }
    Ok(engine)
}

/// The package of views of the inventory (`rules/lib/inventory.rego`): rules that read data
/// only, which a scan evaluates once instead of once per review.
#[cfg(kordon_patched_regorus)]
const INVENTORY_VIEWS: &str = "lib.kordon.inventory";

/// The paths of the inventory views among `libs`.
#[cfg(kordon_patched_regorus)]
fn inventory_view_paths<'a>(
    libs: impl Iterator<Item = &'a Arc<crate::rules::RegoModule>>,
) -> Vec<String> {
    let mut rules: Vec<String> = libs
        .filter(|lib| lib.package == INVENTORY_VIEWS)
        .flat_map(|lib| rule_names(&lib.text))
        .map(|name| format!("data.{INVENTORY_VIEWS}.{name}"))
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

/// Evaluates the inventory views among `libs` once and keeps their values for every review of
/// the engine and its clones. regorus keeps them only when their evaluation read no `input`;
/// otherwise (or when it fails) they are evaluated per review, as before.
#[cfg(kordon_patched_regorus)]
fn keep_inventory_views<'a>(
    engine: &mut regorus::Engine,
    libs: impl Iterator<Item = &'a Arc<crate::rules::RegoModule>>,
) {
    let rules = inventory_view_paths(libs);
    if !rules.is_empty() {
        let _ = engine.keep_input_independent_rules(&rules);
    }
}

/// The values of the inventory views the rules `members` import, as `engine` (prepared by
/// [`build_group_engine`]) computed them from data alone; `None` when they read `input` (the
/// interpreter did not keep them), so the group stays in the interpreter, or when one fails.
#[cfg(kordon_patched_regorus)]
fn kept_inventory_views<'a>(
    engine: &regorus::Engine,
    members: impl Iterator<Item = &'a Rule>,
) -> Option<Vec<(String, regorus::Value)>> {
    let paths = inventory_view_paths(members.flat_map(|rule| rule.libs.iter()));
    if paths.is_empty() {
        return Some(Vec::new());
    }
    // Evaluating them again on a clone either reuses the kept values or proves, by reading no
    // input, that they can be kept: the check is regorus's own, not a guess from the text.
    let mut engine = engine.clone();
    engine.set_input(regorus::Value::new_object());
    if !engine.keep_input_independent_rules(&paths).ok()? {
        return None;
    }
    paths
        .into_iter()
        .map(|path| {
            let value = engine.eval_rule(path.clone()).ok()?;
            Some((path, value))
        })
        .collect()
}

/// Without kordon's regorus patches the VM cannot start from kept values: groups that read
/// the inventory stay in the interpreter.
#[cfg(not(kordon_patched_regorus))]
fn kept_inventory_views<'a>(
    _engine: &regorus::Engine,
    _members: impl Iterator<Item = &'a Rule>,
) -> Option<Vec<(String, regorus::Value)>> {
    None
}

/// Whether a policy's modules load as a whole — parse, schedule, and call only functions they
/// define or regorus provides — before any object is reviewed. Evaluation reports an unknown
/// function only when a body reaches it, so without this a policy calling a builtin regorus lacks
/// would load and then silently never hold. `rego_v1` says the policy declares Rego v1; otherwise
/// v0 is tried first, as [`build_engine`] does. Returns every problem found, located in the Rego.
pub(crate) fn check_policy_modules(
    libs: &[&crate::rules::RegoModule],
    module: &crate::rules::RegoModule,
    rego_v1: bool,
) -> Result<(), Vec<String>> {
    let attempt = |rego_v0: bool| -> Result<(), Vec<String>> {
        let mut engine = new_engine(Duration::from_secs(10), rego_v0);
        for m in libs.iter().copied().chain(std::iter::once(module)) {
            engine
                .add_policy(m.name.clone(), m.text.clone())
                .map_err(|e| vec![e.to_string()])?;
        }
        let unknown =
            unknown_calls::unknown_function_calls(engine.get_modules()).map_err(|e| vec![e])?;
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(unknown)
        }
    };
    if rego_v1 {
        return attempt(false);
    }
    attempt(true).or_else(|v0_errors| attempt(false).map_err(|_| v0_errors))
}

fn add_inventory(engine: &mut regorus::Engine, inventory: &regorus::Value) -> Result<(), String> {
    let mut data = std::collections::BTreeMap::new();
    data.insert(regorus::Value::from("inventory"), inventory.clone());
    engine
        .add_data(regorus::Value::from(data))
        .map_err(|e| e.to_string())
}

fn new_engine(timeout: Duration, rego_v0: bool) -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(rego_v0);
    // OPA and Gatekeeper are not strict: a builtin type error leaves the expression undefined.
    engine.set_strict_builtin_errors(false);
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
        limit: timeout,
        check_interval: NonZeroU32::new(256).unwrap_or(NonZeroU32::MIN),
    });
    engine
}

fn build_engine_as(
    rule: &Rule,
    inventory: &regorus::Value,
    timeout: Duration,
    rego_v0: bool,
) -> Result<regorus::Engine, String> {
    let mut engine = new_engine(timeout, rego_v0);
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
        add_inventory(&mut engine, inventory)?;
    }
    // Evaluating once on an empty input prepares the engine, so clones share the prepared form.
    engine.set_input(regorus::Value::new_object());
    engine
        .eval_rule(rule.violation_ref().unwrap_or_default())
        .map_err(|e| e.to_string())?;
    #[cfg(kordon_patched_regorus)]
    if rule.meta.inventory {
        keep_inventory_views(&mut engine, rule.libs.iter());
    }
    Ok(engine)
}

/// Compiles a prepared group engine's `queries` to one RVM program, or `None` when a rule uses
/// a form regorus's compiler does not support: the group then stays in the interpreter.
fn compile_to_vm(engine: &regorus::Engine, queries: &[String]) -> Option<VmProgram> {
    let first = queries.first()?;
    let mut engine = engine.clone();
    let policy = engine
        .compile_with_entrypoint(&Arc::<str>::from(first.as_str()))
        .ok()?;
    let entry_points: Vec<&str> = queries.iter().map(String::as_str).collect();
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&policy, &entry_points)
            .ok()?;
    Some(VmProgram {
        policy: Some(policy),
        program,
        data: regorus::Value::new_object(),
        kept_views: Vec::new(),
    })
}

/// `data` for rules that read the inventory.
fn inventory_data(inventory: &regorus::Value) -> regorus::Value {
    let mut data = std::collections::BTreeMap::new();
    data.insert(regorus::Value::from("inventory"), inventory.clone());
    regorus::Value::from(data)
}

/// Whether `rule` is a built-in rule whose module and libraries are the corpus files
/// `build.rs` compiled into the built-in program (the workload table aside: its values are
/// given to the program when it is loaded).
fn built_from_corpus(rule: &Rule) -> bool {
    let from_corpus = |module: &crate::rules::RegoModule| {
        crate::rules::builtin_file(&module.name) == Some(module.text.as_str())
    };
    rule.origin == crate::rules::RuleOrigin::Builtin
        && rule.module.as_ref().is_some_and(from_corpus)
        && rule
            .libs
            .iter()
            .all(|lib| lib.package == builtin_program::WORKLOADS_PACKAGE || from_corpus(lib))
}

/// Loads the built-in program for the built-in rules `members`, with the values of the
/// scan's workload table; `None` when `build.rs` built none, it does not load, or it lacks an
/// entry point or a rule of the table (the rules then run on their groups' programs).
#[cfg(kordon_patched_regorus)]
fn load_bundle(members: &[&Rule], timeout: Duration) -> Option<Bundle> {
    if BUILTIN_PROGRAM.is_empty() {
        return None;
    }
    let program = match regorus::rvm::Program::deserialize_binary(BUILTIN_PROGRAM).ok()? {
        regorus::rvm::program::DeserializationResult::Complete(program) => Arc::new(program),
        regorus::rvm::program::DeserializationResult::Partial(_) => return None,
    };
    if !members.iter().all(|rule| {
        rule.violation_ref()
            .is_some_and(|query| program.entry_points.contains_key(&query))
    }) {
        return None;
    }
    // The scan's workload table, evaluated on its own: a few literal rules.
    let table = members
        .iter()
        .flat_map(|rule| rule.libs.iter())
        .find(|lib| lib.package == builtin_program::WORKLOADS_PACKAGE);
    let mut workloads = Vec::new();
    if let Some(table) = table {
        let mut engine = new_engine(timeout, true);
        engine
            .add_policy(table.name.clone(), table.text.clone())
            .ok()?;
        for name in rule_names(&table.text) {
            let path = format!("data.{}.{name}", table.package);
            let value = engine.eval_rule(path.clone()).ok()?;
            workloads.push((path, value));
        }
    }
    let mut vm = regorus::rvm::RegoVM::new();
    vm.load_program(program.clone());
    if vm.keep_rule_values(&workloads) != workloads.len() {
        return None;
    }
    let views_prefix = format!("data.{}.", builtin_program::INVENTORY_VIEWS);
    let views = program
        .entry_points
        .keys()
        .filter(|name| name.starts_with(&views_prefix))
        .cloned()
        .collect();
    Some(Bundle {
        program,
        workloads,
        views,
    })
}

#[cfg(not(kordon_patched_regorus))]
fn load_bundle(_members: &[&Rule], _timeout: Duration) -> Option<Bundle> {
    None
}

/// The inventory views of the built-in program computed once on the VM from `data`, each
/// kept only when its evaluation read no input (the VM counts such reads, regorus patch 12);
/// the others are computed in every review.
#[cfg(kordon_patched_regorus)]
fn views_on_vm(
    bundle: &Bundle,
    data: &regorus::Value,
    timeout: Duration,
) -> Vec<(String, regorus::Value)> {
    let program = VmProgram {
        policy: None,
        program: bundle.program.clone(),
        data: data.clone(),
        kept_views: bundle.workloads.clone(),
    };
    let Some(mut vm) = new_vm(&program, timeout) else {
        return Vec::new();
    };
    let mut kept = bundle.workloads.clone();
    let mut views = Vec::new();
    for view in &bundle.views {
        vm.set_input(regorus::Value::new_object());
        let reads = vm.dependency_reads();
        if let Ok(value) = vm.execute_entry_point_by_name(view)
            && vm.dependency_reads() == reads
        {
            views.push((view.clone(), value.clone()));
            kept.push((view.clone(), value));
            // Later views start from the earlier ones.
            vm.keep_rule_values(&kept);
        }
    }
    views
}

#[cfg(not(kordon_patched_regorus))]
fn views_on_vm(
    _bundle: &Bundle,
    _data: &regorus::Value,
    _timeout: Duration,
) -> Vec<(String, regorus::Value)> {
    Vec::new()
}

fn new_vm(program: &VmProgram, timeout: Duration) -> Option<regorus::rvm::RegoVM> {
    let mut vm = match &program.policy {
        Some(policy) => regorus::rvm::RegoVM::new_with_policy(policy.clone()),
        None => regorus::rvm::RegoVM::new(),
    };
    vm.load_program(program.program.clone());
    vm.set_data(program.data.clone()).ok()?;
    #[cfg(kordon_patched_regorus)]
    {
        vm.keep_rule_values(&program.kept_views);
        // A helper called again with the same arguments (the same object, namespace or
        // kinds), in this review or a later one, reuses its result when it read no input
        // (regorus patch 12): the namespace-wide helpers of the network rules were most of
        // their cost.
        vm.set_function_memo(true);
    }
    // The interpreter has no instruction budget, only the timeout: neither has the VM.
    vm.set_max_instructions(usize::MAX);
    vm.set_execution_timer_config(Some(regorus::utils::limits::ExecutionTimerConfig {
        limit: timeout,
        check_interval: NonZeroU32::new(256).unwrap_or(NonZeroU32::MIN),
    }));
    Some(vm)
}

fn evaluate_on_vm(
    vm: &mut regorus::rvm::RegoVM,
    query: &str,
    input: &regorus::Value,
) -> Result<Vec<Violation>, String> {
    vm.set_input(input.clone());
    let result = vm
        .execute_entry_point_by_name(query)
        .map_err(|e| e.to_string())?;
    Ok(violations_of(&result))
}

/// `input`: the review and the rule's parameters.
fn review_input(review: &regorus::Value, parameters: &regorus::Value) -> regorus::Value {
    let mut input = std::collections::BTreeMap::new();
    input.insert(regorus::Value::from("review"), review.clone());
    input.insert(regorus::Value::from("parameters"), parameters.clone());
    regorus::Value::from(input)
}

fn evaluate_one(
    engine: &mut regorus::Engine,
    query: &str,
    input: regorus::Value,
) -> Result<Vec<Violation>, String> {
    engine.set_input(input);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, ParseLimits};
    use crate::rules::{RuleMeta, RuleSet};

    fn meta(id: &str) -> RuleMeta {
        RuleMeta::from_yaml(&format!(
            "id: {id}\ntitle: t\nseverity: low\ncategory: test\nkinds: [ConfigMap]\ndocs: {{what: w, why: because, example: e, remediation: r}}\n"
        ))
        .expect("valid metadata")
    }

    fn rule_named(id: &str, body: &str) -> String {
        let package = id.replace('-', "_");
        format!(
            "package test.{package}\nimport rego.v1\nviolation contains {{\"msg\": \"{id}\"}} if {{\n{body}\n}}\n"
        )
    }

    fn config_map() -> Document {
        let source = crate::document::Source::new(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
        );
        Document::parse(Arc::new(source), ParseLimits::default())
    }

    #[test]
    fn rules_of_the_same_kinds_share_an_engine_and_a_broken_one_keeps_its_error() {
        let mut rules = RuleSet::empty();
        for id in ["first-rule", "second-rule"] {
            rules
                .add_rule(
                    meta(id),
                    &rule_named(id, "input.review.object.kind == \"ConfigMap\""),
                )
                .expect("loads");
        }
        rules
            .add_rule(
                meta("broken-rule"),
                "package test.broken_rule\nimport rego.v1\nviolation contains x if {\n",
            )
            .expect("a module is only parsed when compiled");
        let evaluator = Evaluator::new(rules.rules(), Duration::from_secs(5));
        assert_eq!(
            evaluator.groups.len(),
            1,
            "one group for one kind and no libraries"
        );
        assert_eq!(evaluator.groups[0].members.len(), 3);

        let document = config_map();
        let objects: Vec<&Object> = document.objects.iter().collect();
        let verdicts = evaluator.evaluate(&objects, &regorus::Value::new_object());
        let outcome = |id: &str| {
            verdicts
                .iter()
                .find(|v| evaluator.rule(v.rule).id() == id)
                .map(|v| v.outcome.clone())
                .expect("a verdict per rule")
        };
        let broken = outcome("broken-rule").expect_err("the broken rule fails");
        assert!(broken.contains("broken-rule/rule.rego"), "{broken}");
        for id in ["first-rule", "second-rule"] {
            let violations = outcome(id).expect("the group's sound rules still run");
            assert_eq!(violations.len(), 1, "{id}");
            assert_eq!(violations[0].message, id);
        }
    }

    #[test]
    fn a_group_reviewed_on_the_vm_gives_a_verdict_per_rule_and_object_and_keeps_a_broken_rules_error()
     {
        let mut rules = RuleSet::empty();
        for id in ["first-rule", "second-rule"] {
            rules
                .add_rule(
                    meta(id),
                    &rule_named(id, "input.review.object.kind == \"ConfigMap\""),
                )
                .expect("loads");
        }
        rules
            .add_rule(meta("third-rule"), &rule_named("third-rule", "false"))
            .expect("loads");
        let evaluator = Evaluator::new(rules.rules(), Duration::from_secs(5));
        let document = config_map();
        let objects: Vec<&Object> = (0..VM_MIN_OBJECTS + 1)
            .flat_map(|_| document.objects.iter())
            .collect();
        let verdicts = evaluator.evaluate(&objects, &regorus::Value::new_object());
        let found: Vec<(String, usize, usize)> = verdicts
            .iter()
            .map(|v| {
                let count = v.outcome.as_ref().map(Vec::len).unwrap_or(usize::MAX);
                (evaluator.rule(v.rule).id().to_string(), v.object, count)
            })
            .collect();
        let expected: Vec<(String, usize, usize)> = ["first-rule", "second-rule", "third-rule"]
            .iter()
            .flat_map(|id| {
                let count = usize::from(*id != "third-rule");
                (0..objects.len()).map(move |o| (id.to_string(), o, count))
            })
            .collect();
        assert_eq!(found, expected);
        assert!(
            matches!(evaluator.groups[0].program.get(), Some(Some(_))),
            "the group ran on the VM"
        );

        // A broken member fails the group's engine: each rule then has its own, on the
        // interpreter, and the broken one reports its error for every object.
        rules
            .add_rule(
                meta("broken-rule"),
                "package test.broken_rule\nimport rego.v1\nviolation contains x if {\n",
            )
            .expect("a module is only parsed when compiled");
        let evaluator = Evaluator::new(rules.rules(), Duration::from_secs(5));
        let verdicts = evaluator.evaluate(&objects, &regorus::Value::new_object());
        assert_eq!(verdicts.len(), 4 * objects.len());
        for verdict in &verdicts {
            let id = evaluator.rule(verdict.rule).id();
            match (id, &verdict.outcome) {
                ("broken-rule", Err(error)) => assert!(error.contains("broken-rule"), "{error}"),
                ("third-rule", Ok(found)) => assert!(found.is_empty()),
                (_, Ok(found)) => assert_eq!(found.len(), 1, "{id}"),
                (_, outcome) => panic!("{id}: {outcome:?}"),
            }
        }
    }

    #[test]
    fn libraries_with_the_same_file_name_are_not_mistaken_for_one_another() {
        let mut rules = RuleSet::empty();
        for package in ["a", "b"] {
            rules
                .add_lib(
                    "lib/util.rego",
                    &format!("package lib.{package}\nimport rego.v1\nword := \"{package}\"\n"),
                )
                .expect("loads");
            let id = format!("uses-{package}");
            let rego = format!(
                "package test.uses_{package}\nimport rego.v1\nimport data.lib.{package}\nviolation contains {{\"msg\": {package}.word}} if true\n"
            );
            rules.add_rule(meta(&id), &rego).expect("loads");
        }
        let evaluator = Evaluator::new(rules.rules(), Duration::from_secs(5));
        let document = config_map();
        let objects: Vec<&Object> = document.objects.iter().collect();
        let verdicts = evaluator.evaluate(&objects, &regorus::Value::new_object());
        let messages: Vec<String> = verdicts
            .iter()
            .map(|v| match &v.outcome {
                Ok(found) => found.iter().map(|f| f.message.clone()).collect(),
                Err(error) => format!("error: {error}"),
            })
            .collect();
        assert_eq!(messages, ["a", "b"]);
    }

    #[test]
    fn groups_hold_at_most_their_size_and_never_two_rules_of_one_package() {
        let mut rules = RuleSet::empty();
        for i in 0..(RULES_PER_GROUP + 3) {
            let id = format!("rule-{i}");
            rules
                .add_rule(meta(&id), &rule_named(&id, "true"))
                .expect("loads");
        }
        // Same package as rule-0: must not share rule-0's engine.
        rules
            .add_rule(meta("twin"), &rule_named("rule-0", "true"))
            .expect("loads");
        let evaluator = Evaluator::new(rules.rules(), Duration::from_secs(5));
        let sizes: Vec<usize> = evaluator.groups.iter().map(|g| g.members.len()).collect();
        assert!(sizes.iter().all(|&n| n <= RULES_PER_GROUP), "{sizes:?}");
        for group in &evaluator.groups {
            let mut packages: Vec<&str> = group
                .members
                .iter()
                .filter_map(|&m| evaluator.rules[m].rule.module.as_ref())
                .map(|m| m.package.as_str())
                .collect();
            let before = packages.len();
            packages.sort_unstable();
            packages.dedup();
            assert_eq!(before, packages.len(), "a package twice in one engine");
        }
        let document = config_map();
        let objects: Vec<&Object> = document.objects.iter().collect();
        let verdicts = evaluator.evaluate(&objects, &regorus::Value::new_object());
        assert_eq!(verdicts.len(), RULES_PER_GROUP + 4);
        assert!(
            verdicts
                .iter()
                .all(|v| v.outcome.as_ref().is_ok_and(|f| f.len() == 1))
        );
    }

    // The VM is used only with kordon's regorus patches.
    #[cfg(kordon_patched_regorus)]
    #[test]
    fn the_vm_and_the_interpreter_agree_on_every_builtin_sample_and_the_vm_runs_them() {
        let rules = RuleSet::builtin().expect("the built-in rules load");
        let on_bundle = Evaluator::new(rules.rules(), Duration::from_secs(30));
        let on_vm = Evaluator::new(rules.rules(), Duration::from_secs(30)).without_bundle();
        let reference = Evaluator::new(rules.rules(), Duration::from_secs(30)).interpreter_only();
        let documents: Vec<Document> = rules
            .rules()
            .iter()
            .flat_map(|rule| {
                rule.samples.iter().map(move |(name, text)| {
                    let source =
                        crate::document::Source::new(format!("{}/{name}", rule.id()), text);
                    Document::parse(Arc::new(source), ParseLimits::default())
                })
            })
            .collect();
        // Each sample as often as a rule needs objects to be evaluated on the VM.
        let objects: Vec<&Object> = (0..VM_MIN_OBJECTS)
            .flat_map(|_| documents.iter().flat_map(|d| d.objects.iter()))
            .collect();
        assert!(objects.len() > 100, "{} sample objects", objects.len());
        let inventory = inventory(&objects, Some("default"));
        let targets: Vec<Target<'_>> = objects.iter().map(|o| Target::plain(o)).collect();
        let per_scan = [on_vm.per_scan_engines()];
        let bundle_per_scan = [on_bundle.per_scan_engines()];
        let one_scope = vec![0; targets.len()];
        let inventories = std::slice::from_ref(&inventory);
        let outcomes = |evaluator: &Evaluator, per_scan: &[PerScanEngines]| -> Vec<String> {
            evaluator
                .evaluate_with(&targets, &one_scope, inventories, per_scan)
                .iter()
                .map(|v| {
                    format!(
                        "{} on {}: {:?}",
                        evaluator.rule(v.rule).id(),
                        v.object,
                        v.outcome
                    )
                })
                .collect()
        };
        let vm_outcomes = outcomes(&on_vm, &per_scan);
        let bundle_outcomes = outcomes(&on_bundle, &bundle_per_scan);
        let reference_outcomes = outcomes(&reference, &[reference.per_scan_engines()]);
        for (name, outcomes) in [("groups", &vm_outcomes), ("built-in", &bundle_outcomes)] {
            let differing: Vec<&str> = outcomes
                .iter()
                .zip(&reference_outcomes)
                .filter(|(vm, interpreter)| vm != interpreter)
                .filter_map(|(vm, _)| vm.split(' ').next())
                .collect();
            assert!(
                differing.is_empty(),
                "rules whose verdicts differ on the VM ({name} programs): {differing:?}"
            );
            assert_eq!(outcomes.len(), reference_outcomes.len());
        }
        // Every built-in rule ran on the program build.rs compiled, with the scan's workload
        // table and the inventory views computed once, all of them kept.
        assert!(on_bundle.in_bundle.iter().all(|&b| b), "all built-in rules");
        let bundle = on_bundle
            .bundle()
            .expect("build.rs compiled the built-in rules");
        assert!(!bundle.workloads.is_empty() && !bundle.views.is_empty());
        let program = match bundle_per_scan[0].bundle.get() {
            Some(Some(program)) => program,
            _ => panic!("the built-in program was not used"),
        };
        assert_eq!(
            program.kept_views.len(),
            bundle.workloads.len() + bundle.views.len(),
            "every inventory view read no input"
        );
        let mut vm = new_vm(program, Duration::from_secs(30)).expect("loads");
        assert_eq!(
            vm.keep_rule_values(&program.kept_views),
            program.kept_views.len(),
            "every kept value names a rule of the program"
        );
        assert!(
            vm_outcomes.iter().any(|o| o.contains("Ok([Violation")),
            "the samples raise violations"
        );
        // Every group was evaluated on the VM; those that read the inventory, from the values
        // of the inventory views the interpreter computed.
        let not_on_vm: Vec<Vec<&str>> = on_vm
            .groups
            .iter()
            .zip(&per_scan[0].programs)
            .filter(|(g, per_scan_program)| {
                let program = if on_vm.rules[g.members[0]].rule.meta.inventory {
                    per_scan_program.get()
                } else {
                    g.program.get()
                };
                !matches!(program, Some(Some(_)))
            })
            .map(|(g, _)| {
                g.members
                    .iter()
                    .map(|&m| on_vm.rules[m].rule.id())
                    .collect()
            })
            .collect();
        assert!(
            not_on_vm.is_empty(),
            "groups left to the interpreter: {not_on_vm:?}"
        );
        // The groups that import the inventory views start from their kept values (those of
        // the views their program has).
        let importing_views = |g: &EngineGroup| {
            g.members.iter().any(|&m| {
                on_vm.rules[m]
                    .rule
                    .libs
                    .iter()
                    .any(|lib| lib.package == INVENTORY_VIEWS)
            })
        };
        let without_views: Vec<&str> = on_vm
            .groups
            .iter()
            .zip(&per_scan[0].programs)
            .filter(|(g, _)| importing_views(g))
            .filter(|(_, program)| {
                !matches!(program.get(), Some(Some(p)) if new_vm(p, Duration::from_secs(30))
                    .is_some_and(|mut vm| vm.keep_rule_values(&p.kept_views) > 0))
            })
            .map(|(g, _)| on_vm.rules[g.members[0]].rule.id())
            .collect();
        assert!(
            without_views.is_empty(),
            "groups that compute the inventory views per review: {without_views:?}"
        );
        assert!(
            on_vm.groups.iter().any(importing_views),
            "some built-in rules import the inventory views"
        );
    }
}
