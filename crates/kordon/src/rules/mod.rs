//! The rule registry: the embedded built-in corpus, user rule directories, and their metadata.
//!
//! A rule is Rego in the OPA Gatekeeper contract (`violation[{"msg": ..., "details": ...}]` over
//! `input.review.object` and `input.parameters`) plus a `metadata.yaml` beside it. Shared helpers
//! live in packages under `lib.` so the same text deploys to Gatekeeper as template `libs`.

mod metadata;
mod testing;

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

pub use metadata::{
    CATEGORIES, FixSpec, FrameworkFilter, Frameworks, ParameterError, PssLevel, RuleDocs, RuleMeta,
};
pub use testing::{RegoTestResult, run_rego_tests};

use crate::document::{ParseLimits, parse_stream};
use crate::finding::Severity;
use crate::workload::{WORKLOADS_PACKAGE, WorkloadKind, WorkloadKinds};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

/// The text of the built-in corpus file at `path` (relative to `rules/`).
pub(crate) fn builtin_file(path: &str) -> Option<&'static str> {
    embedded::BUILTIN_RULE_FILES
        .binary_search_by(|(p, _)| (*p).cmp(path))
        .ok()
        .map(|i| embedded::BUILTIN_RULE_FILES[i].1)
}

/// Where a rule came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuleOrigin {
    /// kordon's own corpus, embedded in the binary.
    Builtin,
    /// A rule directory on disk.
    Directory(std::path::PathBuf),
    /// Implemented in kordon itself (parse-level checks such as duplicate keys).
    Native,
    /// A Gatekeeper ConstraintTemplate run with one of its Constraints.
    Gatekeeper(Arc<crate::gatekeeper::GatekeeperBinding>),
}

/// A Rego module, either a rule's or a shared library's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegoModule {
    /// A name for error messages, such as `pod-security/privileged-container/rule.rego`.
    pub name: String,
    /// The module's package, e.g. `lib.kordon.pods`.
    pub package: String,
    /// The Rego text.
    pub text: String,
}

impl RegoModule {
    /// Reads the package declaration of `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Result<Self, String> {
        let name = name.into();
        let text = text.into();
        let package =
            package_of(&text).ok_or_else(|| format!("{name}: no `package` declaration"))?;
        Ok(RegoModule {
            name,
            package,
            text,
        })
    }

    /// Packages under `data.lib.` that this module refers to.
    fn referenced_libs(&self) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let bytes = self.text.as_bytes();
        let mut from = 0;
        while let Some(pos) = self.text[from..].find("data.lib.") {
            let start = from + pos + "data.".len();
            let mut end = start;
            while end < bytes.len()
                && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_' || bytes[end] == b'.')
            {
                end += 1;
            }
            found.insert(self.text[start..end].trim_end_matches('.').to_string());
            from = end;
        }
        found
    }
}

/// Why a folder of a rule tree cannot load as the rule its Rego says it is, if it cannot. Library
/// modules are already taken out of `contents`; what is left that is Rego belongs to a rule.
fn rule_folder_problem(folder: &str, contents: &BTreeMap<String, String>) -> Option<RuleLoadError> {
    let shown = if folder.is_empty() { "." } else { folder };
    let rule_rego: Vec<(&String, Option<String>)> = contents
        .iter()
        .filter(|(file, _)| file.ends_with(".rego") && !file.starts_with("samples/"))
        .map(|(file, text)| (file, package_of(text)))
        // A library's tests sit beside it and are not a rule's.
        .filter(|(file, package)| {
            !(file.ends_with("_test.rego")
                && package.as_deref().is_some_and(|p| p.starts_with("lib.")))
        })
        .collect();
    let (first, package) = rule_rego.first()?;
    if !contents.contains_key("metadata.yaml") {
        let hint = if contents.contains_key("metadata.yml") {
            "; it has `metadata.yml`: kordon reads `metadata.yaml`"
        } else {
            ""
        };
        return Some(RuleLoadError {
            location: shown.to_string(),
            message: format!(
                "{first} declares package `{}` but the folder has no metadata.yaml, so no rule \
                 would load from it{hint} (a shared helper's package must start with `lib.`)",
                package.as_deref().unwrap_or("(none)")
            ),
        });
    }
    let extra: Vec<&str> = rule_rego
        .iter()
        .map(|(file, _)| file.as_str())
        .filter(|file| !["rule.rego", "rule_test.rego"].contains(file))
        .collect();
    if let Some(file) = extra.first() {
        return Some(RuleLoadError {
            location: format!("{folder}/{file}"),
            message: "a rule folder holds its Rego in rule.rego (and tests in rule_test.rego); \
                      this file would not be read: merge it into rule.rego, or give it a package \
                      under `lib.` to share it"
                .into(),
        });
    }
    None
}

fn package_of(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("package ")?;
        Some(rest.split_whitespace().next()?.to_string())
    })
}

/// A loaded rule: metadata, Rego, the libraries it needs and its parameters.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule's metadata.
    pub meta: RuleMeta,
    /// The rule's Rego module (absent for native rules).
    pub module: Option<RegoModule>,
    /// Library modules the rule imports (transitively).
    pub libs: Vec<Arc<RegoModule>>,
    /// The parameters passed as `input.parameters`: schema defaults merged with configuration.
    pub parameters: serde_json::Value,
    /// Where it came from.
    pub origin: RuleOrigin,
    /// Sample manifests by file name (`allowed.yaml`, `disallowed.yaml`, `fixed.yaml`).
    pub samples: BTreeMap<String, String>,
    /// The rule's Rego unit tests, when shipped.
    pub tests: Option<RegoModule>,
}

impl Rule {
    /// The rule's id.
    pub fn id(&self) -> &str {
        &self.meta.id
    }

    /// The Rego reference whose value is the set of violations.
    pub fn violation_ref(&self) -> Option<String> {
        self.module
            .as_ref()
            .map(|m| format!("data.{}.violation", m.package))
    }

    /// Whether the rule looks at objects of this group and kind.
    pub fn applies_to(&self, group: &str, kind: &str) -> bool {
        self.meta.applies_to(group, kind)
    }

    /// The parameters the rule's samples are written for (`samples/parameters.yaml`), for rules
    /// whose defaults keep them silent (opt-in checks, allow-lists that start empty).
    pub fn sample_parameters(&self) -> Result<Option<serde_json::Value>, String> {
        match self.samples.get("parameters.yaml") {
            None => Ok(None),
            Some(text) => yaml_to_json(text)
                .map(Some)
                .map_err(|e| format!("{}: samples/parameters.yaml: {e}", self.meta.id)),
        }
    }

    /// Whether the rule reviews this object. Built-in and directory rules review the objects
    /// written in files whose kinds they name; a Gatekeeper rule reviews what its Constraint's
    /// `spec.match` selects, and a generated object (a workload's pod template) only when the
    /// Constraint does not already match the kind of a workload it came from.
    pub(crate) fn matches(&self, target: &crate::engine::Target<'_>) -> bool {
        let object = target.object;
        match &self.origin {
            RuleOrigin::Gatekeeper(binding) => {
                binding.matcher.matches(&target.match_target())
                    && !target
                        .ancestors
                        .iter()
                        .any(|(group, kind)| binding.matcher.matches_kind(group, kind))
            }
            _ => target.ancestors.is_empty() && self.applies_to(object.group(), &object.kind),
        }
    }
}

/// Errors while loading rules.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{location}: {message}")]
#[non_exhaustive]
pub struct RuleLoadError {
    /// The file or folder at fault.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

/// A set of rules ready to be given to a scanner.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Arc<Rule>>,
    libs: Vec<Arc<RegoModule>>,
    workloads: WorkloadKinds,
}

/// The id of the native rule reporting duplicate mapping keys.
pub const DUPLICATE_KEY_RULE: &str = "duplicate-key";

impl RuleSet {
    /// An empty rule set.
    pub fn empty() -> Self {
        RuleSet::default()
    }

    /// kordon's built-in corpus.
    pub fn builtin() -> Result<Self, crate::errors::RuleLoadErrors> {
        let files: Vec<(String, String)> = embedded::BUILTIN_RULE_FILES
            .iter()
            .map(|(path, text)| (path.to_string(), text.to_string()))
            .collect();
        let mut set = RuleSet::default();
        set.rules.push(Arc::new(duplicate_key_rule()));
        set.load_files(&files, RuleOrigin::Builtin)?;
        Ok(set)
    }

    /// Adds every rule under `dir` (same layout as the built-in corpus: a folder per rule with
    /// `rule.rego` and `metadata.yaml`; helper packages under `lib.` anywhere in the tree).
    pub fn add_dir(&mut self, dir: &Path) -> Result<(), crate::errors::RuleLoadErrors> {
        let mut files = Vec::new();
        let walker = ignore::WalkBuilder::new(dir)
            .standard_filters(false)
            .build();
        for entry in walker {
            let entry = entry.map_err(|e| {
                vec![RuleLoadError {
                    location: dir.display().to_string(),
                    message: e.to_string(),
                }]
            })?;
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let relative = path
                .strip_prefix(dir)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            if !matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("rego" | "yaml" | "yml" | "md")
            ) {
                continue;
            }
            let text = std::fs::read_to_string(path).map_err(|e| {
                vec![RuleLoadError {
                    location: path.display().to_string(),
                    message: e.to_string(),
                }]
            })?;
            files.push((relative, text));
        }
        files.sort();
        Ok(self.load_files(&files, RuleOrigin::Directory(dir.to_path_buf()))?)
    }

    /// Adds one rule built in memory (the embedding API; libraries must already be loaded or
    /// given with [`RuleSet::add_lib`]).
    pub fn add_rule(&mut self, meta: RuleMeta, rego: &str) -> Result<(), RuleLoadError> {
        let module =
            RegoModule::new(format!("{}/rule.rego", meta.id), rego).map_err(|message| {
                RuleLoadError {
                    location: meta.id.clone(),
                    message,
                }
            })?;
        let rule = self.finish_rule(
            meta,
            module,
            None,
            BTreeMap::new(),
            RuleOrigin::Directory(".".into()),
        )?;
        self.insert(rule)
    }

    /// Adds a library module (a package under `lib.`).
    pub fn add_lib(&mut self, name: &str, rego: &str) -> Result<(), RuleLoadError> {
        let module = RegoModule::new(name, rego).map_err(|message| RuleLoadError {
            location: name.to_string(),
            message,
        })?;
        self.libs.push(Arc::new(module));
        Ok(())
    }

    /// Adds a rule built elsewhere (such as a Gatekeeper template with its constraint). Its id
    /// must be new.
    pub fn add_loaded_rule(&mut self, rule: Rule) -> Result<(), RuleLoadError> {
        self.insert(rule)?;
        self.rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        Ok(())
    }

    fn insert(&mut self, rule: Rule) -> Result<(), RuleLoadError> {
        if self.rules.iter().any(|r| r.meta.id == rule.meta.id) {
            return Err(RuleLoadError {
                location: rule.meta.id.clone(),
                message: format!("a rule with id `{}` is already loaded", rule.meta.id),
            });
        }
        self.rules.push(Arc::new(rule));
        Ok(())
    }

    fn load_files(
        &mut self,
        files: &[(String, String)],
        origin: RuleOrigin,
    ) -> Result<(), Vec<RuleLoadError>> {
        let mut errors = Vec::new();
        if !self.libs.iter().any(|l| l.package == WORKLOADS_PACKAGE) {
            self.libs.push(Arc::new(self.workloads_library()));
        }
        // Libraries first: every `.rego` whose package starts with `lib.` and is not a test.
        let mut folders: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (path, text) in files {
            // Samples sit in the rule folder's `samples/` subfolder.
            let (folder, file) = match path.split_once("/samples/") {
                Some((folder, sample)) => (folder, format!("samples/{sample}")),
                None => path
                    .rsplit_once('/')
                    .map_or(("", path.clone()), |(folder, file)| {
                        (folder, file.to_string())
                    }),
            };
            let file = file.as_str();
            if file.ends_with(".rego")
                && !file.ends_with("_test.rego")
                && let Some(package) = package_of(text)
                && package.starts_with("lib.")
            {
                self.libs.push(Arc::new(RegoModule {
                    name: path.clone(),
                    package,
                    text: text.clone(),
                }));
                continue;
            }
            folders
                .entry(folder.to_string())
                .or_default()
                .insert(file.to_string(), text.clone());
        }
        // A folder with Rego that is not a library is a rule: without its metadata, or with Rego
        // the loader would not read, it would load as nothing and silently never fire.
        folders.retain(
            |folder, contents| match rule_folder_problem(folder, contents) {
                Some(problem) => {
                    errors.push(problem);
                    false
                }
                None => true,
            },
        );
        // Reading the metadata is most of the cost of loading the corpus, and every start of a
        // pre-commit scan pays it: spread it over the cores.
        let loaded: Vec<Result<Rule, RuleLoadError>> = folders
            .into_par_iter()
            .filter_map(|(folder, mut contents)| {
                let meta_text = contents.remove("metadata.yaml")?;
                Some(self.load_rule(&folder, &meta_text, contents, origin.clone()))
            })
            .collect();
        for outcome in loaded {
            match outcome {
                Ok(rule) => {
                    if let Err(e) = self.insert(rule) {
                        errors.push(e);
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        self.rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        if errors.is_empty() {
            Ok(())
        } else {
            // Located on disk: the folder inside the rule directory, under that directory.
            if let RuleOrigin::Directory(dir) = &origin {
                for error in &mut errors {
                    if !Path::new(&error.location).is_absolute() {
                        error.location = dir.join(&error.location).display().to_string();
                    }
                }
            }
            errors.sort_by(|a, b| a.location.cmp(&b.location));
            Err(errors)
        }
    }

    fn load_rule(
        &self,
        folder: &str,
        meta_text: &str,
        mut contents: BTreeMap<String, String>,
        origin: RuleOrigin,
    ) -> Result<Rule, RuleLoadError> {
        let error = |message: String| RuleLoadError {
            location: format!("{folder}/metadata.yaml"),
            message,
        };
        let meta = RuleMeta::from_yaml(meta_text).map_err(error)?;
        let rego = contents.remove("rule.rego").ok_or_else(|| RuleLoadError {
            location: folder.to_string(),
            message: "rule folder has metadata.yaml but no rule.rego".into(),
        })?;
        let module = RegoModule::new(format!("{folder}/rule.rego"), rego).map_err(|message| {
            RuleLoadError {
                location: folder.to_string(),
                message,
            }
        })?;
        if origin == RuleOrigin::Builtin {
            let expected = format!("kordon.{}", meta.id.replace('-', "_"));
            if module.package != expected {
                return Err(RuleLoadError {
                    location: format!("{folder}/rule.rego"),
                    message: format!(
                        "declares package `{}`; the rule `{}` must declare `package {expected}`",
                        module.package, meta.id
                    ),
                });
            }
        }
        let tests = match contents.remove("rule_test.rego") {
            Some(text) => Some(
                RegoModule::new(format!("{folder}/rule_test.rego"), text).map_err(|message| {
                    RuleLoadError {
                        location: folder.to_string(),
                        message,
                    }
                })?,
            ),
            None => None,
        };
        if let Some(tests) = &tests
            && tests.package != module.package
        {
            return Err(RuleLoadError {
                location: format!("{folder}/rule_test.rego"),
                message: format!(
                    "declares package `{}`, not the rule's `{}`: its tests would not see the \
                     rule and test nothing",
                    tests.package, module.package
                ),
            });
        }
        let samples = contents
            .into_iter()
            .filter_map(|(file, text)| file.strip_prefix("samples/").map(|f| (f.to_string(), text)))
            .collect();
        self.finish_rule(meta, module, tests, samples, origin)
    }

    fn finish_rule(
        &self,
        meta: RuleMeta,
        module: RegoModule,
        tests: Option<RegoModule>,
        samples: BTreeMap<String, String>,
        origin: RuleOrigin,
    ) -> Result<Rule, RuleLoadError> {
        let libs = self.libs_for(&module).map_err(|message| RuleLoadError {
            location: module.name.clone(),
            message,
        })?;
        let parameters = meta.default_parameters();
        Ok(Rule {
            meta,
            module: Some(module),
            libs,
            parameters,
            origin,
            samples,
            tests,
        })
    }

    /// The library modules `module` needs, following imports between libraries.
    fn libs_for(&self, module: &RegoModule) -> Result<Vec<Arc<RegoModule>>, String> {
        let mut wanted: Vec<String> = module.referenced_libs().into_iter().collect();
        let mut chosen: Vec<Arc<RegoModule>> = Vec::new();
        while let Some(reference) = wanted.pop() {
            let matches: Vec<&Arc<RegoModule>> = self
                .libs
                .iter()
                .filter(|lib| {
                    reference == lib.package || reference.starts_with(&format!("{}.", lib.package))
                })
                .collect();
            if matches.is_empty() {
                return Err(format!(
                    "imports `data.{reference}`, which no loaded library provides"
                ));
            }
            for lib in matches {
                if !chosen.iter().any(|c| c.name == lib.name) {
                    chosen.push(lib.clone());
                    wanted.extend(lib.referenced_libs());
                }
            }
        }
        chosen.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(chosen)
    }

    fn workloads_library(&self) -> RegoModule {
        RegoModule {
            name: "lib/workloads.rego".into(),
            package: WORKLOADS_PACKAGE.into(),
            text: self.workloads.rego_library(),
        }
    }

    /// The workload kinds pod rules judge.
    pub fn workload_kinds(&self) -> &WorkloadKinds {
        &self.workloads
    }

    /// Makes pod rules judge more workload kinds (custom resources with a pod template, as
    /// `.kordon.yaml` describes them): the generated `lib.kordon.workloads` every rule and
    /// exported ConstraintTemplate reads is rebuilt, and rules over `pod-workloads` also review
    /// the new kinds.
    pub fn add_workload_kinds(&mut self, kinds: impl IntoIterator<Item = WorkloadKind>) {
        let added: Vec<WorkloadKind> = kinds.into_iter().collect();
        if added.is_empty() {
            return;
        }
        for kind in &added {
            self.workloads.add(kind.clone());
        }
        let library = Arc::new(self.workloads_library());
        self.libs.retain(|l| l.package != WORKLOADS_PACKAGE);
        self.libs.push(library.clone());
        for rule in &mut self.rules {
            let uses_library = rule.libs.iter().any(|l| l.package == WORKLOADS_PACKAGE);
            let pod_rule = rule.meta.kinds.iter().any(|k| k == "pod-workloads");
            if !uses_library && !pod_rule {
                continue;
            }
            let rule = Arc::make_mut(rule);
            for lib in &mut rule.libs {
                if lib.package == WORKLOADS_PACKAGE {
                    *lib = library.clone();
                }
            }
            if pod_rule {
                for kind in &added {
                    let pattern = format!("{}/{}", kind.group.as_deref().unwrap_or(""), kind.kind);
                    if !rule.meta.kinds.contains(&pattern) {
                        rule.meta.kinds.push(pattern);
                    }
                }
            }
        }
    }

    /// All rules, sorted by id.
    pub fn rules(&self) -> &[Arc<Rule>] {
        &self.rules
    }

    /// The library modules.
    pub fn libs(&self) -> &[Arc<RegoModule>] {
        &self.libs
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Arc<Rule>> {
        self.rules.iter().find(|r| r.meta.id == id)
    }

    /// Keeps only the rules for which `keep` returns true.
    pub fn retain(&mut self, mut keep: impl FnMut(&Rule) -> bool) {
        self.rules.retain(|r| keep(r));
    }

    /// Changes a rule's parameters (merged over its defaults) after validating them against the
    /// rule's schema.
    pub fn set_parameters(
        &mut self,
        id: &str,
        parameters: &serde_json::Value,
    ) -> Result<(), ParameterError> {
        let Some(rule) = self.rules.iter_mut().find(|r| r.meta.id == id) else {
            return Err(ParameterError {
                rule: id.to_string(),
                message: "no such rule".into(),
            });
        };
        rule.meta.validate_parameters(parameters)?;
        let mut merged = rule.meta.default_parameters();
        if let (Some(target), Some(source)) = (merged.as_object_mut(), parameters.as_object()) {
            for (k, v) in source {
                target.insert(k.clone(), v.clone());
            }
        }
        Arc::make_mut(rule).parameters = merged;
        Ok(())
    }

    /// A copy of the set in which every rule that ships `samples/parameters.yaml` runs with those
    /// parameters: what the samples are written for.
    pub fn with_sample_parameters(&self) -> Result<RuleSet, ParameterError> {
        let mut set = self.clone();
        for rule in self.rules.iter() {
            let parameters = rule.sample_parameters().map_err(|message| ParameterError {
                rule: rule.meta.id.clone(),
                message,
            })?;
            if let Some(parameters) = parameters {
                set.set_parameters(rule.id(), &parameters)?;
            }
        }
        Ok(set)
    }

    /// Overrides a rule's severity.
    pub fn set_severity(&mut self, id: &str, severity: Severity) -> bool {
        match self.rules.iter_mut().find(|r| r.meta.id == id) {
            Some(rule) => {
                Arc::make_mut(rule).meta.severity = severity;
                true
            }
            None => false,
        }
    }
}

fn duplicate_key_rule() -> Rule {
    Rule {
        meta: RuleMeta {
            id: DUPLICATE_KEY_RULE.into(),
            title: "Mapping key written twice".into(),
            severity: Severity::Medium,
            category: "admission".into(),
            kinds: vec!["*".into()],
            frameworks: Frameworks::default(),
            parameters: serde_json::json!({}),
            fix: FixSpec::default(),
            inventory: false,
            needs_complete_inventory: false,
            help_uri: None,
            docs: RuleDocs {
                what: "Finds a key written twice in the same mapping of a manifest.".into(),
                why: "Kubernetes keeps only the last value of a duplicated key, silently. A reviewer reading the first occurrence — say `privileged: false` — approves a setting the cluster never sees.".into(),
                example: "securityContext:\n  privileged: false\n  privileged: true   # this one wins".into(),
                remediation: "Delete the occurrence you do not mean, so the file says one thing.".into(),
            },
        },
        module: None,
        libs: Vec::new(),
        parameters: serde_json::json!({}),
        origin: RuleOrigin::Native,
        samples: BTreeMap::new(),
        tests: None,
    }
}

/// Parses YAML text (metadata, configuration) into JSON with kordon's own reader.
pub(crate) fn yaml_to_json(text: &str) -> Result<serde_json::Value, String> {
    let stream = parse_stream(text, ParseLimits::default());
    match stream.documents.into_iter().next() {
        Some(Ok(doc)) => Ok(doc.root.map_or(serde_json::Value::Null, |n| n.to_json())),
        Some(Err(e)) => Err(format!("YAML error at byte {}: {}", e.offset, e.message)),
        None => Ok(serde_json::Value::Null),
    }
}
