//! `.kordon.yaml`: which rules run and how, which paths are left out, exceptions, and profiles.
//!
//! The file is read with kordon's own span-preserving YAML reader, so every unknown key and bad
//! value is an error naming the file, line and column ([`ConfigError`] is a miette diagnostic).
//!
//! ```
//! use kordon::config::Config;
//! use kordon::RuleSet;
//!
//! let text = "fail-on: high\nrules:\n  privileged-container:\n    severity: critical\n";
//! let config = Config::parse(".kordon.yaml", text, ".".into()).expect("valid config");
//! let resolved = config.resolve(None).expect("no profile asked for");
//! let mut rules = RuleSet::builtin().expect("built-in rules load");
//! resolved.apply_rules(&mut rules).expect("rules exist");
//! assert_eq!(rules.get("privileged-container").map(|r| r.meta.severity), Some(kordon::Severity::Critical));
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

use crate::document::{LineIndex, Node, NodeValue, ParseLimits, Position, Span, parse_stream};
use crate::finding::{Location, Severity};
use crate::gatekeeper::EnforcementChoice;
use crate::input::ExcludeSet;
use crate::input::render::ChartRender;
use crate::rules::{PssLevel, Rule, RuleSet};
use crate::suppress::{Date, Exception, ExceptionMatch, Pattern};
use crate::workload::WorkloadKind;

/// File names searched for, in order, in each directory from the scan root upward.
pub const CONFIG_FILE_NAMES: [&str; 2] = [".kordon.yaml", ".kordon.yml"];

/// The commented configuration `kordon init` writes.
pub const STARTER_CONFIG: &str = r#"# kordon configuration. Every key is optional; unknown keys are errors.
# Docs: see the "Configuration" section of kordon's README.

# Lowest severity that fails the run (exit code 1): critical, high, medium, low or info.
# The --fail-on flag wins over this.
fail-on: low

# Lowest severity shown (the rest is counted, and still fails the run per fail-on): a hook can
# show what blocks the commit. The --severity flag wins over this.
# severity: info

rules:
  # Run only the rules matching these selectors (omit to run all):
  #   rule id, category:<name>, framework:cis | nsa-cisa | pss | pss-baseline | pss-restricted
  # enable: [category:pod-security, framework:cis]

  # Never run the rules matching these selectors.
  disable: []

  # Per-rule settings, by rule id (`kordon rules` lists them):
  # privileged-container:
  #   enabled: true          # overrides enable/disable above
  #   severity: critical     # overrides the rule's default severity
  #   parameters: {}         # checked against the rule's parameter schema

# More rule directories (same layout as kordon's rules/), relative to this file.
rule-dirs: []

# Gatekeeper ConstraintTemplates, Constraints and ExpansionTemplates (files or directories), relative
# to this file; the same as `kordon scan --policy`.
policies: []

# Custom resources that run pods: the pod rules judge their pod template (a dotted path to the
# object holding `spec` and `metadata`), and `kordon expand` and `export gatekeeper` know them.
# DeploymentConfig, Argo Rollout and Knative Service are built in.
# workloads:
#   - group: ci.example.com
#     kind: Runner
#     pod-template: spec.runner.podTemplate

# Files or directories read only to know what else exists (data.inventory), relative to this file;
# the same as `kordon scan --context`. With `[.]`, a partial scan (--partial, --staged, the
# pre-commit hooks) also runs the rules that report what is missing.
# context: [.]

# The namespace manifests without metadata.namespace are applied to (what `kubectl apply -n`
# would use): they are reviewed, matched and inventoried there. The --default-namespace flag wins.
# default-namespace: default

# What kustomize builds may read and fetch (see "Trust model" in the README). Widening either is
# noted in every report; the --kustomize-load-restrictor and --kustomize-allow-remote flags win.
# kustomize:
#   load-restrictor: root-only   # none: a kustomization may read any file of the machine
#   allow-remote: false          # true: fetch remote resources and bases

# `kordon export gatekeeper`: each Constraint's enforcementAction (by-severity, deny, warn or
# dryrun); its --enforcement-action flag wins.
# export:
#   enforcement-action: by-severity

# Paths never scanned, as .gitignore patterns relative to this file.
exclude:
  # - charts/*/tests/
  # - "*.generated.yaml"

# Findings accepted on purpose. Each needs a reason; `expires` (YYYY-MM-DD) makes kordon
# report the exception, and stop honouring it, after that day.
exceptions:
  # - rule: privileged-container            # or a list of ids, or "*"
  #   match:                                # every given field must match (globs)
  #     path: deploy/cni/**
  #     kind: DaemonSet
  #     namespace: kube-system
  #     name: cni-agent
  #   reason: the CNI agent configures host networking
  #   expires: 2027-06-30

# Overrides chosen with --profile NAME, applied over the settings above.
profiles:
  dev:
    fail-on: high
    # export:
    #   enforcement-action: warn
  prod:
    fail-on: low
"#;

/// A configuration error at a place in the file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConfigError {
    /// The configuration file's name.
    pub file: String,
    /// Where, when known.
    pub position: Option<Position>,
    /// The byte range at fault, when known.
    pub span: Option<Span>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "{}:{}:{}: {}", self.file, p.line, p.column, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("kordon::config"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, (span.start, span.end - span.start)),
        )))
    }
}

/// A value with the place it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub span: Span,
}

/// One parameter given to a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterSetting {
    /// The parameter's name.
    pub name: Spanned<String>,
    /// Its value.
    pub value: serde_json::Value,
    /// Where the value is written.
    pub value_span: Span,
}

/// `rules.<id>`: settings of one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSettings {
    /// The rule id.
    pub id: Spanned<String>,
    /// Run or not, whatever `enable`/`disable` say.
    pub enabled: Option<bool>,
    /// Severity override.
    pub severity: Option<Severity>,
    /// Parameters, merged over the rule's defaults.
    pub parameters: Vec<ParameterSetting>,
}

/// The settings of the file's top level, or of one profile.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// `fail-on`.
    pub fail_on: Option<Severity>,
    /// `severity`: the lowest severity shown.
    pub severity: Option<Severity>,
    /// `default-namespace`: where manifests without `metadata.namespace` are reviewed.
    pub default_namespace: Option<String>,
    /// `rule-dirs`, as written.
    pub rule_dirs: Vec<Spanned<String>>,
    /// `policies`: Gatekeeper policy files or directories, as written.
    pub policies: Vec<Spanned<String>>,
    /// `context`: files or directories read only to complete `data.inventory`, as written.
    pub context: Vec<Spanned<String>>,
    /// `exclude` patterns.
    pub exclude: Vec<String>,
    /// `rules.enable` selectors (when given, only matching rules run).
    pub enable: Option<Vec<Spanned<String>>>,
    /// `rules.disable` selectors.
    pub disable: Vec<Spanned<String>>,
    /// `rules.<id>` entries.
    pub rules: Vec<RuleSettings>,
    /// `exceptions`.
    pub exceptions: Vec<Exception>,
    /// `kustomize.load-restrictor: none` (true) or `root-only` (false), top level only.
    pub kustomize_unrestricted_loads: Option<Spanned<bool>>,
    /// `kustomize.allow-remote`, top level only.
    pub kustomize_allow_remote: Option<Spanned<bool>>,
    /// `export.enforcement-action`: how `kordon export gatekeeper` sets each Constraint's action.
    pub enforcement_action: Option<EnforcementChoice>,
    /// `workloads`: custom resources that run pods, with the path of their pod template.
    pub workloads: Vec<WorkloadKind>,
    /// `render-cache`: false turns the on-disk render cache off; top level only.
    pub render_cache: Option<Spanned<bool>>,
    /// `helm.charts`: charts rendered with values of their own, paths resolved against the
    /// file's folder; top level only.
    pub helm_charts: Vec<ChartRender>,
}

/// A parsed configuration file.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file's name as shown in messages.
    pub name: String,
    /// The directory relative paths in the file start from.
    pub dir: PathBuf,
    /// The folder every path the file names must stay inside: the top of the git work tree
    /// holding the file, or the file's own folder outside git.
    pub root: PathBuf,
    /// The top-level settings.
    pub settings: Settings,
    /// Named profiles, in file order.
    pub profiles: Vec<(Spanned<String>, Settings)>,
    text: Arc<str>,
    lines: LineIndex,
}

const TOP_KEYS: &[&str] = &[
    "fail-on",
    "severity",
    "default-namespace",
    "rules",
    "rule-dirs",
    "policies",
    "context",
    "exclude",
    "exceptions",
    "kustomize",
    "export",
    "workloads",
    "render-cache",
    "helm",
    "profiles",
];
const HELM_KEYS: &[&str] = &["charts"];
const HELM_CHART_KEYS: &[&str] = &["path", "name", "values", "set", "release-name", "namespace"];
const KUSTOMIZE_KEYS: &[&str] = &["load-restrictor", "allow-remote"];
const EXPORT_KEYS: &[&str] = &["enforcement-action"];
const PROFILE_KEYS: &[&str] = &[
    "fail-on",
    "severity",
    "default-namespace",
    "rules",
    "rule-dirs",
    "policies",
    "context",
    "exclude",
    "exceptions",
    "export",
];
const WORKLOAD_KEYS: &[&str] = &["group", "kind", "pod-template"];
const RULE_KEYS: &[&str] = &["enabled", "severity", "parameters"];
const EXCEPTION_KEYS: &[&str] = &["rule", "match", "reason", "expires"];
const MATCH_KEYS: &[&str] = &["path", "kind", "namespace", "name"];

struct Reader<'a> {
    name: &'a str,
    text: &'a Arc<str>,
    lines: &'a LineIndex,
    dir: &'a Path,
    root: &'a Path,
    errors: Vec<ConfigError>,
}

impl Reader<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>, help: Option<String>) {
        self.errors.push(make_error(
            self.name, self.text, self.lines, span, message, help,
        ));
    }

    fn location(&self, span: Span) -> Location {
        Location {
            file: self.name.to_string(),
            span,
            start: self.lines.position(self.text, span.start),
            end: self.lines.position(self.text, span.end),
        }
    }

    /// The entries of a mapping; errors for a non-mapping and for unknown keys (which are dropped).
    fn mapping<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
    ) -> Vec<&'n crate::document::Entry> {
        if matches!(node.value, NodeValue::Null) {
            return Vec::new();
        }
        if !matches!(node.value, NodeValue::Map(_)) {
            self.error(node.span, format!("`{what}` must be a mapping"), None);
            return Vec::new();
        }
        let mut out = Vec::new();
        for entry in node.entries() {
            if allowed.contains(&entry.key.as_str()) {
                out.push(entry);
            } else {
                let suggestion = closest(&entry.key, allowed);
                self.error(
                    entry.key_span,
                    format!("unknown key `{}` in {what}", entry.key),
                    Some(match suggestion {
                        Some(s) => {
                            format!("did you mean `{s}`? Known keys: {}", allowed.join(", "))
                        }
                        None => format!("known keys: {}", allowed.join(", ")),
                    }),
                );
            }
        }
        out
    }

    /// A namespace name: what the API server accepts (an RFC 1123 label), so that a typo is a
    /// located error rather than a namespace no object will ever be found in.
    fn namespace(&mut self, node: &Node) -> Option<String> {
        let name = self.string(node, "default-namespace")?;
        let valid = !name.is_empty()
            && name.len() <= 63
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !name.starts_with('-')
            && !name.ends_with('-');
        if valid {
            Some(name)
        } else {
            self.error(
                node.span,
                format!("`default-namespace`: `{name}` is not a namespace name"),
                Some(
                    "at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit"
                        .into(),
                ),
            );
            None
        }
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            NodeValue::String(s) => Some(s.clone()),
            NodeValue::Int(i) => Some(i.to_string()),
            NodeValue::UInt(u) => Some(u.to_string()),
            _ => {
                self.error(node.span, format!("`{what}` must be a string"), None);
                None
            }
        }
    }

    fn strings(&mut self, node: &Node, what: &str) -> Vec<Spanned<String>> {
        match &node.value {
            NodeValue::Null => Vec::new(),
            NodeValue::Seq(items) => items
                .iter()
                .filter_map(|item| {
                    self.string(item, &format!("{what} item"))
                        .map(|value| Spanned {
                            value,
                            span: item.span,
                        })
                })
                .collect(),
            _ => {
                self.error(node.span, format!("`{what}` must be a list"), None);
                Vec::new()
            }
        }
    }

    fn severity(&mut self, node: &Node, what: &str) -> Option<Severity> {
        let text = self.string(node, what)?;
        match text.parse() {
            Ok(s) => Some(s),
            Err(message) => {
                self.error(node.span, format!("`{what}`: {message}"), None);
                None
            }
        }
    }

    fn settings(&mut self, node: &Node, what: &str, allowed: &[&str]) -> Settings {
        let mut settings = Settings::default();
        for entry in self.mapping(node, what, allowed) {
            let value = &entry.value;
            match entry.key.as_str() {
                "fail-on" => settings.fail_on = self.severity(value, "fail-on"),
                "severity" => settings.severity = self.severity(value, "severity"),
                "default-namespace" => settings.default_namespace = self.namespace(value),
                "rule-dirs" => settings.rule_dirs = self.paths(value, "rule-dirs"),
                "policies" => settings.policies = self.paths(value, "policies"),
                "context" => settings.context = self.paths(value, "context"),
                "kustomize" => self.kustomize(value, &mut settings),
                "export" => self.export(value, &mut settings),
                "workloads" => settings.workloads = self.workloads(value),
                "render-cache" => settings.render_cache = self.boolean(value, "render-cache"),
                "helm" => settings.helm_charts = self.helm(value),
                "exclude" => {
                    let patterns = self.strings(value, "exclude");
                    for pattern in &patterns {
                        if let Err(message) =
                            ExcludeSet::new(self.dir, std::slice::from_ref(&pattern.value))
                        {
                            self.error(pattern.span, message, None);
                        }
                    }
                    settings.exclude = patterns.into_iter().map(|p| p.value).collect();
                }
                "rules" => self.rules(value, &mut settings),
                "exceptions" => match &value.value {
                    NodeValue::Null => {}
                    NodeValue::Seq(items) => {
                        for item in items {
                            if let Some(exception) = self.exception(item) {
                                settings.exceptions.push(exception);
                            }
                        }
                    }
                    _ => self.error(value.span, "`exceptions` must be a list", None),
                },
                _ => {}
            }
        }
        settings
    }

    /// A list of paths relative to the file's folder, each of which must stay inside the
    /// repository: a pull request that edits the configuration must not make kordon read (or
    /// load rules from) anywhere else on the machine.
    fn paths(&mut self, node: &Node, key: &str) -> Vec<Spanned<String>> {
        let paths = self.strings(node, key);
        paths
            .into_iter()
            .filter(|path| match outside_root(self.root, &self.dir.join(&path.value)) {
                None => true,
                Some(resolved) => {
                    self.error(
                        path.span,
                        format!(
                            "`{key}` item `{}` points outside the repository ({}): it resolves to {}",
                            path.value,
                            self.root.display(),
                            resolved.display()
                        ),
                        Some(format!(
                            "a configuration may name only paths inside the repository that holds it; \
                             name other paths on the command line instead ({})",
                            match key {
                                "rule-dirs" => "--rules",
                                "policies" => "--policy",
                                _ => "--context",
                            }
                        )),
                    );
                    false
                }
            })
            .collect()
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<Spanned<bool>> {
        match node.value {
            NodeValue::Bool(value) => Some(Spanned {
                value,
                span: node.span,
            }),
            _ => {
                self.error(node.span, format!("`{what}` must be true or false"), None);
                None
            }
        }
    }

    /// `workloads: [{group, kind, pod-template}]`: custom resources whose pods the pod rules judge.
    fn workloads(&mut self, node: &Node) -> Vec<WorkloadKind> {
        let items = match &node.value {
            NodeValue::Null => return Vec::new(),
            NodeValue::Seq(items) => items,
            _ => {
                self.error(node.span, "`workloads` must be a list", None);
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in items {
            let errors_before = self.errors.len();
            let mut group = None;
            let mut kind = None;
            let mut template = None;
            for entry in self.mapping(item, "a `workloads` item", WORKLOAD_KEYS) {
                match entry.key.as_str() {
                    "group" => group = self.string(&entry.value, "group"),
                    "kind" => kind = self.string(&entry.value, "kind"),
                    "pod-template" => {
                        template = self.template_path(&entry.value);
                    }
                    _ => {}
                }
            }
            if !matches!(item.value, NodeValue::Map(_)) {
                continue;
            }
            let missing: Vec<&str> = [
                ("group", group.is_none()),
                ("kind", kind.is_none()),
                ("pod-template", template.is_none()),
            ]
            .into_iter()
            .filter(|(_, absent)| *absent)
            .map(|(key, _)| key)
            .collect();
            if let (Some(group), Some(kind), Some(template)) = (group, kind, template) {
                if kind.is_empty() {
                    self.error(
                        item.span,
                        "a `workloads` item needs a non-empty `kind`",
                        None,
                    );
                    continue;
                }
                out.push(WorkloadKind {
                    group: Some(group),
                    kind,
                    template,
                });
            } else if self.errors.len() == errors_before {
                self.error(
                    item.span,
                    format!("a `workloads` item needs {}", missing.join(", ")),
                    Some(
                        "for example `{group: example.com, kind: App, pod-template: spec.template}` \
                         (`group: \"\"` for the core group)"
                            .into(),
                    ),
                );
            }
        }
        out
    }

    /// The path of a pod template: mapping keys joined by `.`, as an ExpansionTemplate's
    /// `templateSource` is written (`spec.template`), or a list of keys.
    fn template_path(&mut self, node: &Node) -> Option<Vec<String>> {
        let keys: Option<Vec<String>> = match &node.value {
            NodeValue::String(text) => Some(text.split('.').map(str::to_string).collect()),
            NodeValue::Seq(items) => items
                .iter()
                .map(|item| match &item.value {
                    NodeValue::String(key) => Some(key.clone()),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        match keys {
            Some(keys) if !keys.is_empty() && keys.iter().all(|k| !k.is_empty()) => Some(keys),
            _ => {
                self.error(
                    node.span,
                    "`pod-template` must be the path of the pod template, such as `spec.template`",
                    Some("the object at that path holds the pods' `metadata` and `spec`".into()),
                );
                None
            }
        }
    }

    /// `helm: {charts: [...]}`: charts rendered with values of their own, one render per entry.
    fn helm(&mut self, node: &Node) -> Vec<ChartRender> {
        let mut out = Vec::new();
        for entry in self.mapping(node, "helm", HELM_KEYS) {
            let items = match &entry.value.value {
                NodeValue::Null => continue,
                NodeValue::Seq(items) => items,
                _ => {
                    self.error(entry.value.span, "`helm.charts` must be a list", None);
                    continue;
                }
            };
            for item in items {
                if let Some(chart) = self.helm_chart(item) {
                    out.push(chart);
                }
            }
        }
        out
    }

    /// One `helm.charts` item: `{path, name, values, set, release-name, namespace}`.
    fn helm_chart(&mut self, item: &Node) -> Option<ChartRender> {
        let errors_before = self.errors.len();
        let mut render = ChartRender::default();
        let mut path_seen = false;
        for field in self.mapping(item, "a `helm.charts` item", HELM_CHART_KEYS) {
            let value = &field.value;
            match field.key.as_str() {
                "path" => {
                    path_seen = true;
                    let Some(path) = self.string(value, "helm.charts path") else {
                        continue;
                    };
                    let spanned = Spanned {
                        value: path,
                        span: value.span,
                    };
                    let dir = self.dir.join(&spanned.value);
                    if self.inside_repository(&spanned, "path") && !dir.join("Chart.yaml").is_file()
                    {
                        self.error(
                            value.span,
                            format!(
                                "`helm.charts` path `{}` is not a Helm chart: {} has no Chart.yaml",
                                spanned.value,
                                dir.display()
                            ),
                            Some("name the chart's directory, relative to this file".into()),
                        );
                    }
                    render.chart = dir;
                }
                "name" => render.name = self.string(value, "helm.charts name"),
                "values" => {
                    for file in self.strings(value, "helm.charts values") {
                        let path = self.dir.join(&file.value);
                        if !self.inside_repository(&file, "values file") {
                            continue;
                        }
                        if !path.is_file() {
                            self.error(
                                file.span,
                                format!(
                                    "values file `{}` does not exist ({})",
                                    file.value,
                                    path.display()
                                ),
                                Some("values files are relative to this file".into()),
                            );
                            continue;
                        }
                        render.values.push(path);
                    }
                }
                "set" => {
                    for set in self.strings(value, "helm.charts set") {
                        if set.value.split_once('=').is_none_or(|(k, _)| k.is_empty()) {
                            self.error(
                                set.span,
                                format!("`helm.charts` set item `{}` is not KEY=VALUE", set.value),
                                Some("as `helm template --set`, e.g. `image.tag=1.2.3`".into()),
                            );
                            continue;
                        }
                        render.set.push(set.value);
                    }
                }
                "release-name" => {
                    let Some(name) = self.string(value, "helm.charts release-name") else {
                        continue;
                    };
                    // Helm's own rule for release names.
                    if is_dns_label(&name, 53, true) {
                        render.release_name = Some(name);
                    } else {
                        self.error(
                            value.span,
                            format!("`helm.charts` release-name `{name}` is not a release name"),
                            Some(
                                "at most 53 lower-case letters, digits, `-` and `.`, starting and ending with a letter or digit"
                                    .into(),
                            ),
                        );
                    }
                }
                "namespace" => {
                    let Some(name) = self.string(value, "helm.charts namespace") else {
                        continue;
                    };
                    if is_dns_label(&name, 63, false) {
                        render.namespace = Some(name);
                    } else {
                        self.error(
                            value.span,
                            format!("`helm.charts` namespace `{name}` is not a namespace name"),
                            Some(
                                "at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit"
                                    .into(),
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
        if !path_seen && matches!(item.value, NodeValue::Map(_)) {
            self.error(
                item.span,
                "a `helm.charts` item needs `path`, the chart's directory",
                Some(
                    "for example `{path: deploy/chart, values: [deploy/values-prod.yaml]}`".into(),
                ),
            );
        }
        (self.errors.len() == errors_before && matches!(item.value, NodeValue::Map(_)))
            .then_some(render)
    }

    /// Whether a path the file names stays inside the repository; a located error otherwise.
    fn inside_repository(&mut self, path: &Spanned<String>, what: &str) -> bool {
        match outside_root(self.root, &self.dir.join(&path.value)) {
            None => true,
            Some(resolved) => {
                self.error(
                    path.span,
                    format!(
                        "`helm.charts` {what} `{}` points outside the repository ({}): it resolves to {}",
                        path.value,
                        self.root.display(),
                        resolved.display()
                    ),
                    Some(
                        "a configuration may name only paths inside the repository that holds it; \
                         give other values files on the command line instead (-F CHART=FILE)"
                            .into(),
                    ),
                );
                false
            }
        }
    }

    /// `kustomize: {load-restrictor, allow-remote}`: the config forms of the two flags.
    fn kustomize(&mut self, node: &Node, settings: &mut Settings) {
        for entry in self.mapping(node, "kustomize", KUSTOMIZE_KEYS) {
            match entry.key.as_str() {
                "load-restrictor" => {
                    let Some(text) = self.string(&entry.value, "kustomize.load-restrictor") else {
                        continue;
                    };
                    let unrestricted = match text.as_str() {
                        "none" => true,
                        "root-only" => false,
                        _ => {
                            self.error(
                                entry.value.span,
                                format!("`kustomize.load-restrictor` is `{text}`"),
                                Some("use `root-only` (the default) or `none`".into()),
                            );
                            continue;
                        }
                    };
                    settings.kustomize_unrestricted_loads = Some(Spanned {
                        value: unrestricted,
                        span: entry.value.span,
                    });
                }
                "allow-remote" => {
                    settings.kustomize_allow_remote =
                        self.boolean(&entry.value, "kustomize.allow-remote");
                }
                _ => {}
            }
        }
    }

    /// `export: {enforcement-action}`: the config form of `export gatekeeper --enforcement-action`.
    fn export(&mut self, node: &Node, settings: &mut Settings) {
        for entry in self.mapping(node, "export", EXPORT_KEYS) {
            if entry.key.as_str() != "enforcement-action" {
                continue;
            }
            let Some(text) = self.string(&entry.value, "export.enforcement-action") else {
                continue;
            };
            match text.parse() {
                Ok(choice) => settings.enforcement_action = Some(choice),
                Err(message) => self.error(
                    entry.value.span,
                    format!("`export.enforcement-action`: {message}"),
                    None,
                ),
            }
        }
    }

    fn rules(&mut self, node: &Node, settings: &mut Settings) {
        if matches!(node.value, NodeValue::Null) {
            return;
        }
        if !matches!(node.value, NodeValue::Map(_)) {
            self.error(node.span, "`rules` must be a mapping", None);
            return;
        }
        for entry in node.entries() {
            match entry.key.as_str() {
                "enable" => settings.enable = Some(self.strings(&entry.value, "rules.enable")),
                "disable" => settings.disable = self.strings(&entry.value, "rules.disable"),
                id => {
                    let what = format!("rules.{id}");
                    let mut rule = RuleSettings {
                        id: Spanned {
                            value: id.to_string(),
                            span: entry.key_span,
                        },
                        enabled: None,
                        severity: None,
                        parameters: Vec::new(),
                    };
                    for field in self.mapping(&entry.value, &what, RULE_KEYS) {
                        match field.key.as_str() {
                            "enabled" => match field.value.value {
                                NodeValue::Bool(b) => rule.enabled = Some(b),
                                _ => self.error(
                                    field.value.span,
                                    format!("`{what}.enabled` must be true or false"),
                                    None,
                                ),
                            },
                            "severity" => {
                                rule.severity =
                                    self.severity(&field.value, &format!("{what}.severity"))
                            }
                            "parameters" => match &field.value.value {
                                NodeValue::Null => {}
                                NodeValue::Map(params) => {
                                    rule.parameters = params
                                        .iter()
                                        .map(|p| ParameterSetting {
                                            name: Spanned {
                                                value: p.key.clone(),
                                                span: p.key_span,
                                            },
                                            value: p.value.to_json(),
                                            value_span: p.value.span,
                                        })
                                        .collect()
                                }
                                _ => self.error(
                                    field.value.span,
                                    format!("`{what}.parameters` must be a mapping"),
                                    None,
                                ),
                            },
                            _ => {}
                        }
                    }
                    settings.rules.push(rule);
                }
            }
        }
    }

    fn exception(&mut self, node: &Node) -> Option<Exception> {
        let errors_before = self.errors.len();
        let mut rules = Vec::new();
        let mut matches = ExceptionMatch::default();
        let mut reason = None;
        let mut expires = None;
        let mut rule_seen = false;
        let entries = self.mapping(node, "an exception", EXCEPTION_KEYS);
        if entries.is_empty() && self.errors.len() > errors_before {
            return None;
        }
        for entry in entries {
            let value = &entry.value;
            match entry.key.as_str() {
                "rule" => {
                    rule_seen = true;
                    rules = match &value.value {
                        NodeValue::Seq(_) => self
                            .strings(value, "exception rule")
                            .into_iter()
                            .map(|s| s.value)
                            .collect(),
                        _ => self.string(value, "exception rule").into_iter().collect(),
                    };
                    if rules.is_empty() {
                        self.error(value.span, "an exception's `rule` names no rule", None);
                    }
                }
                "reason" => {
                    reason = self
                        .string(value, "exception reason")
                        .map(|r| r.trim().to_string())
                }
                "expires" => {
                    if let Some(text) = self.string(value, "expires") {
                        match Date::parse(&text) {
                            Ok(date) => expires = Some(date),
                            Err(message) => self.error(value.span, message, None),
                        }
                    }
                }
                "match" => {
                    for field in self.mapping(value, "match", MATCH_KEYS) {
                        let Some(text) = self.string(&field.value, &format!("match.{}", field.key))
                        else {
                            continue;
                        };
                        let pattern = match Pattern::new(&text) {
                            Ok(p) => p,
                            Err(message) => {
                                self.error(field.value.span, message, None);
                                continue;
                            }
                        };
                        match field.key.as_str() {
                            "path" => matches.path = Some(pattern),
                            "kind" => matches.kind = Some(pattern),
                            "namespace" => matches.namespace = Some(pattern),
                            _ => matches.name = Some(pattern),
                        }
                    }
                }
                _ => {}
            }
        }
        if !rule_seen {
            self.error(
                node.span,
                "an exception needs `rule` (an id, a list of ids, or \"*\")",
                None,
            );
        }
        let reason = match reason {
            Some(r) if !r.is_empty() => r,
            _ => {
                let at = node.get("reason").map_or(node.span, |r| r.span);
                self.error(
                    at,
                    "an exception needs a non-empty `reason`: kordon never silences a finding without one",
                    None,
                );
                String::new()
            }
        };
        (self.errors.len() == errors_before).then(|| Exception {
            rules,
            matches,
            reason,
            expires,
            base_dir: Some(self.dir.to_path_buf()),
            location: Some(self.location(node.span)),
        })
    }
}

/// A DNS label as Kubernetes names use them (with `dots`, a subdomain-like name), at most `max` long.
fn is_dns_label(name: &str, max: usize, dots: bool) -> bool {
    let alphanumeric = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !name.is_empty()
        && name.len() <= max
        && name
            .bytes()
            .all(|b| alphanumeric(b) || b == b'-' || (dots && b == b'.'))
        && name.bytes().next().is_some_and(alphanumeric)
        && name.bytes().last().is_some_and(alphanumeric)
}

fn make_error(
    name: &str,
    text: &Arc<str>,
    lines: &LineIndex,
    span: Span,
    message: impl Into<String>,
    help: Option<String>,
) -> ConfigError {
    // A label must cover at least one character to be drawn.
    let span = if span.end == span.start && span.start < text.len() {
        Span::new(span.start, span.start + 1)
    } else {
        span
    };
    ConfigError {
        file: name.to_string(),
        position: Some(lines.position(text, span.start)),
        span: Some(span),
        message: message.into(),
        help,
        source: Some(NamedSource::new(name, text.clone())),
    }
}

/// The allowed key closest to a misspelt one, when it is close.
fn closest<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|candidate| (edit_distance(key, candidate), *candidate))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            previous = current;
        }
    }
    row[b.len()]
}

impl Config {
    /// The configuration file for a scan rooted at `start` (a file or directory): the first
    /// `.kordon.yaml` (or `.kordon.yml`) in `start` or any directory above it.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = std::path::absolute(start).ok()?;
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(current) = dir {
            for name in CONFIG_FILE_NAMES {
                let candidate = current.join(name);
                if candidate.is_file() {
                    // Shown relative to the working directory when it lies under it.
                    let relative = std::env::current_dir()
                        .ok()
                        .and_then(|here| candidate.strip_prefix(here).ok().map(Path::to_path_buf));
                    return Some(relative.unwrap_or(candidate));
                }
            }
            dir = current.parent();
        }
        None
    }

    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, crate::errors::ConfigErrors> {
        let name = crate::input::display_name(path);
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![ConfigError {
                file: name.clone(),
                position: None,
                span: None,
                message: format!("cannot read the configuration: {e}"),
                help: None,
                source: None,
            }]
        })?;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Config::parse(&name, &text, dir)
    }

    /// Parses configuration text; `dir` is where its relative paths start. The paths it names
    /// must stay inside the git work tree holding `dir` (or `dir` itself outside git).
    pub fn parse(
        name: &str,
        text: &str,
        dir: PathBuf,
    ) -> Result<Config, crate::errors::ConfigErrors> {
        let shared: Arc<str> = Arc::from(text);
        let lines = LineIndex::new(text);
        let repository = repository_root(&dir);
        let mut reader = Reader {
            name,
            text: &shared,
            lines: &lines,
            dir: &dir,
            root: &repository,
            errors: Vec::new(),
        };
        let stream = parse_stream(text, ParseLimits::default());
        let mut documents = stream.documents.into_iter();
        let root = match documents.next() {
            Some(Ok(document)) => {
                for duplicate in &document.duplicates {
                    reader.error(
                        duplicate.duplicate,
                        format!("key `{}` is written twice", duplicate.key),
                        Some("remove one of them; kordon does not guess which you mean".into()),
                    );
                }
                document.root
            }
            Some(Err(e)) => {
                reader.error(Span::new(e.offset, e.offset), e.message, None);
                None
            }
            None => None,
        };
        match documents.next() {
            Some(Ok(extra)) => {
                let at = extra.root.map_or(text.len(), |r| r.span.start);
                reader.error(
                    Span::new(at, at),
                    "the configuration must be a single YAML document",
                    None,
                );
            }
            Some(Err(e)) => reader.error(Span::new(e.offset, e.offset), e.message, None),
            None => {}
        }
        let mut settings = Settings::default();
        let mut profiles = Vec::new();
        if let Some(root) = &root {
            settings = reader.settings(root, "the configuration", TOP_KEYS);
            if let Some(entry) = root.entry("profiles") {
                for profile in reader.mapping_any(&entry.value, "profiles") {
                    let what = format!("profile `{}`", profile.key);
                    let profile_settings = reader.settings(&profile.value, &what, PROFILE_KEYS);
                    profiles.push((
                        Spanned {
                            value: profile.key.clone(),
                            span: profile.key_span,
                        },
                        profile_settings,
                    ));
                }
            }
        }
        if !reader.errors.is_empty() {
            return Err(reader.errors.into());
        }
        Ok(Config {
            name: name.to_string(),
            dir,
            root: repository,
            settings,
            profiles,
            text: shared,
            lines,
        })
    }

    /// The names of the profiles.
    pub fn profile_names(&self) -> Vec<&str> {
        self.profiles
            .iter()
            .map(|(n, _)| n.value.as_str())
            .collect()
    }

    /// The settings in effect with `profile` selected (its overrides applied over the top level).
    pub fn resolve(&self, profile: Option<&str>) -> Result<Resolved<'_>, Box<ConfigError>> {
        let mut layers = vec![&self.settings];
        if let Some(wanted) = profile {
            match self.profiles.iter().find(|(n, _)| n.value == wanted) {
                Some((_, settings)) => layers.push(settings),
                None => {
                    return Err(Box::new(ConfigError {
                        file: self.name.clone(),
                        position: None,
                        span: None,
                        message: format!("no profile named `{wanted}`"),
                        help: Some(if self.profiles.is_empty() {
                            "the configuration defines no `profiles`".into()
                        } else {
                            format!("profiles: {}", self.profile_names().join(", "))
                        }),
                        source: None,
                    }));
                }
            }
        }
        Ok(Resolved {
            config: self,
            layers,
        })
    }

    fn error(&self, span: Span, message: impl Into<String>, help: Option<String>) -> ConfigError {
        make_error(&self.name, &self.text, &self.lines, span, message, help)
    }

    fn location(&self, span: Span) -> Location {
        Location {
            file: self.name.clone(),
            span,
            start: self.lines.position(&self.text, span.start),
            end: self.lines.position(&self.text, span.end),
        }
    }
}

/// The top of the git work tree holding `dir` (the nearest folder with a `.git` entry), else
/// `dir` itself: what a repository's configuration may refer to.
fn repository_root(dir: &Path) -> PathBuf {
    let absolute = crate::suppress::exceptions::normalize(
        &std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()),
    );
    absolute
        .ancestors()
        .find(|folder| folder.join(".git").exists())
        .unwrap_or(&absolute)
        .to_path_buf()
}

/// Where `path` leads when that is outside `root`, as written (`..`, absolute paths) or through
/// symbolic links; `None` when it stays inside.
fn outside_root(root: &Path, path: &Path) -> Option<PathBuf> {
    let lexical = crate::suppress::exceptions::normalize(
        &std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    );
    if !lexical.starts_with(root) {
        return Some(lexical);
    }
    // A path that does not exist yet is only refused by its spelling; one that does is followed.
    match (std::fs::canonicalize(path), std::fs::canonicalize(root)) {
        (Ok(real), Ok(real_root)) if !real.starts_with(&real_root) => Some(real),
        _ => None,
    }
}

impl Reader<'_> {
    /// Entries of a mapping whose keys are free-form (profile names).
    fn mapping_any<'n>(&mut self, node: &'n Node, what: &str) -> Vec<&'n crate::document::Entry> {
        match &node.value {
            NodeValue::Null => Vec::new(),
            NodeValue::Map(entries) => entries.iter().collect(),
            _ => {
                self.error(node.span, format!("`{what}` must be a mapping"), None);
                Vec::new()
            }
        }
    }
}

/// The configuration in effect for one run: the top level, then the selected profile.
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    config: &'a Config,
    layers: Vec<&'a Settings>,
}

impl Resolved<'_> {
    /// `fail-on`, the profile's winning.
    pub fn fail_on(&self) -> Option<Severity> {
        self.layers.iter().rev().find_map(|l| l.fail_on)
    }

    /// `severity` (the lowest severity shown), the profile's winning.
    pub fn severity(&self) -> Option<Severity> {
        self.layers.iter().rev().find_map(|l| l.severity)
    }

    /// `default-namespace`, the profile's winning.
    pub fn default_namespace(&self) -> Option<&str> {
        self.layers
            .iter()
            .rev()
            .find_map(|l| l.default_namespace.as_deref())
    }

    /// `export.enforcement-action`, the profile's winning.
    pub fn enforcement_action(&self) -> Option<EnforcementChoice> {
        self.layers.iter().rev().find_map(|l| l.enforcement_action)
    }

    /// Extra rule directories, resolved against the configuration's directory.
    pub fn rule_dirs(&self) -> Vec<PathBuf> {
        self.layers
            .iter()
            .flat_map(|l| l.rule_dirs.iter())
            .map(|d| self.config.dir.join(&d.value))
            .collect()
    }

    /// Gatekeeper policy paths (`policies`), resolved against the configuration's directory.
    pub fn policies(&self) -> Vec<PathBuf> {
        self.layers
            .iter()
            .flat_map(|l| l.policies.iter())
            .map(|d| self.config.dir.join(&d.value))
            .collect()
    }

    /// Context paths (`context`), resolved against the configuration's directory.
    pub fn context(&self) -> Vec<PathBuf> {
        self.layers
            .iter()
            .flat_map(|l| l.context.iter())
            .map(|d| self.config.dir.join(&d.value))
            .collect()
    }

    /// `kustomize.load-restrictor` when the file sets it: true for `none`, with where it is set.
    pub fn kustomize_unrestricted_loads(&self) -> Option<(bool, Location)> {
        let setting = self.config.settings.kustomize_unrestricted_loads.as_ref()?;
        Some((setting.value, self.config.location(setting.span)))
    }

    /// `kustomize.allow-remote` when the file sets it, with where it is set.
    pub fn kustomize_allow_remote(&self) -> Option<(bool, Location)> {
        let setting = self.config.settings.kustomize_allow_remote.as_ref()?;
        Some((setting.value, self.config.location(setting.span)))
    }

    /// The charts `helm.charts` renders with values of their own, one entry per render.
    pub fn helm_charts(&self) -> Vec<ChartRender> {
        self.config.settings.helm_charts.clone()
    }

    /// `render-cache` when the file sets it (false: renders are not cached).
    pub fn render_cache(&self) -> Option<bool> {
        self.config.settings.render_cache.as_ref().map(|s| s.value)
    }

    /// The `exclude` patterns of every layer, or `None` when there are none.
    pub fn exclude(&self) -> Option<ExcludeSet> {
        let patterns: Vec<String> = self
            .layers
            .iter()
            .flat_map(|l| l.exclude.iter().cloned())
            .collect();
        if patterns.is_empty() {
            return None;
        }
        // Each pattern compiled when the file was read.
        ExcludeSet::new(&self.config.dir, &patterns).ok()
    }

    /// The custom workload kinds `workloads` describes.
    pub fn workloads(&self) -> Vec<WorkloadKind> {
        self.config.settings.workloads.clone()
    }

    /// The exceptions of every layer.
    pub fn exceptions(&self) -> Vec<Exception> {
        self.layers
            .iter()
            .flat_map(|l| l.exceptions.iter().cloned())
            .collect()
    }

    /// Applies rule selection, severities and parameters to `rules`. Rule ids and selectors
    /// that name no loaded rule, and parameters the rule's schema rejects, are errors.
    pub fn apply_rules(&self, rules: &mut RuleSet) -> Result<(), crate::errors::ConfigErrors> {
        let config = self.config;
        let mut errors = Vec::new();
        rules.add_workload_kinds(self.workloads());
        let all: Vec<Arc<Rule>> = rules.rules().to_vec();
        let mut enabled: std::collections::HashMap<String, bool> =
            all.iter().map(|r| (r.meta.id.clone(), true)).collect();
        let selected = |selector: &Spanned<String>, errors: &mut Vec<ConfigError>| {
            match parse_selector(&selector.value) {
                Err(message) => {
                    errors.push(config.error(selector.span, message, None));
                    Vec::new()
                }
                Ok(selector_kind) => {
                    let ids: Vec<String> = all
                        .iter()
                        .filter(|r| selector_kind.matches(r))
                        .map(|r| r.meta.id.clone())
                        .collect();
                    if ids.is_empty() {
                        errors.push(config.error(
                            selector.span,
                            format!("`{}` matches no loaded rule", selector.value),
                            Some(
                                "use a rule id (`kordon rules` lists them), category:<name> or framework:<name>"
                                    .into(),
                            ),
                        ));
                    }
                    ids
                }
            }
        };
        for layer in &self.layers {
            if let Some(enable) = &layer.enable {
                let mut keep = std::collections::HashSet::new();
                for selector in enable {
                    keep.extend(selected(selector, &mut errors));
                }
                for (id, on) in enabled.iter_mut() {
                    *on = keep.contains(id);
                }
            }
            for selector in &layer.disable {
                for id in selected(selector, &mut errors) {
                    enabled.insert(id, false);
                }
            }
            for setting in &layer.rules {
                let id = &setting.id.value;
                let Some(rule) = rules.get(id).cloned() else {
                    let known: Vec<&str> = all.iter().map(|r| r.meta.id.as_str()).collect();
                    errors.push(config.error(
                        setting.id.span,
                        format!("no rule with id `{id}`"),
                        Some(match closest(id, &known) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "`kordon rules` lists the rule ids".into(),
                        }),
                    ));
                    continue;
                };
                if let Some(on) = setting.enabled {
                    enabled.insert(id.clone(), on);
                }
                if let Some(severity) = setting.severity {
                    rules.set_severity(id, severity);
                }
                if !setting.parameters.is_empty() {
                    // Merge over what earlier layers set, so a profile can change one parameter.
                    let mut merged = rule.parameters.clone();
                    if let Some(map) = merged.as_object_mut() {
                        for p in &setting.parameters {
                            map.insert(p.name.value.clone(), p.value.clone());
                        }
                    }
                    if let Err(error) = rules.set_parameters(id, &merged) {
                        // Point at the parameter the schema rejects.
                        let culprit = setting.parameters.iter().find(|p| {
                            let single =
                                serde_json::json!({ p.name.value.clone(): p.value.clone() });
                            rule.meta.validate_parameters(&single).is_err()
                        });
                        let (span, help) = match culprit {
                            Some(p)
                                if rule.meta.parameters["properties"]
                                    .get(&p.name.value)
                                    .is_none() =>
                            {
                                (p.name.span, parameter_help(&rule))
                            }
                            Some(p) => (p.value_span, parameter_help(&rule)),
                            None => (setting.id.span, parameter_help(&rule)),
                        };
                        errors.push(config.error(span, error.to_string(), help));
                    }
                }
            }
        }
        if errors.is_empty() {
            rules.retain(|r| enabled.get(&r.meta.id).copied().unwrap_or(true));
            Ok(())
        } else {
            Err(errors.into())
        }
    }
}

fn parameter_help(rule: &Rule) -> Option<String> {
    let properties = rule.meta.parameters.get("properties")?.as_object()?;
    if properties.is_empty() {
        return Some(format!("rule `{}` takes no parameters", rule.meta.id));
    }
    let described: Vec<String> = properties
        .iter()
        .map(|(name, schema)| {
            let kind = schema.get("type").and_then(|t| t.as_str()).unwrap_or("any");
            format!("{name} ({kind})")
        })
        .collect();
    Some(format!(
        "parameters of `{}`: {}",
        rule.meta.id,
        described.join(", ")
    ))
}

enum Selector {
    Id(String),
    Category(String),
    Framework(String),
}

impl Selector {
    fn matches(&self, rule: &Rule) -> bool {
        let meta = &rule.meta;
        match self {
            Selector::Id(id) => meta.id == *id,
            Selector::Category(c) => meta.category == *c,
            Selector::Framework(f) => match f.as_str() {
                "cis" => !meta.frameworks.cis.is_empty(),
                "nsa-cisa" => !meta.frameworks.nsa_cisa.is_empty(),
                "pss" | "pss-restricted" => meta.frameworks.pss.is_some(),
                "pss-baseline" => meta.frameworks.pss == Some(PssLevel::Baseline),
                other => meta
                    .frameworks
                    .other
                    .iter()
                    .any(|o| o.to_ascii_lowercase().starts_with(other)),
            },
        }
    }
}

fn parse_selector(text: &str) -> Result<Selector, String> {
    match text.split_once(':') {
        None => Ok(Selector::Id(text.to_string())),
        Some(("category", c)) if !c.is_empty() => Ok(Selector::Category(c.to_string())),
        Some(("framework", f)) if !f.is_empty() => Ok(Selector::Framework(f.to_ascii_lowercase())),
        Some(_) => Err(format!(
            "`{text}` is not a rule selector: use a rule id, category:<name> or framework:<name>"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_config_is_valid() {
        let config = Config::parse(".kordon.yaml", STARTER_CONFIG, ".".into())
            .expect("the starter config parses");
        let mut rules = RuleSet::builtin().expect("built-in rules load");
        let count = rules.rules().len();
        config
            .resolve(Some("dev"))
            .expect("dev profile exists")
            .apply_rules(&mut rules)
            .expect("starter config applies");
        assert_eq!(rules.rules().len(), count);
        assert_eq!(
            config
                .resolve(Some("dev"))
                .map(|r| r.fail_on())
                .ok()
                .flatten(),
            Some(Severity::High)
        );
    }

    #[test]
    fn edit_distance_suggests_near_keys() {
        assert_eq!(closest("fail_on", TOP_KEYS), Some("fail-on"));
        assert_eq!(closest("zzz", TOP_KEYS), None);
    }
}
