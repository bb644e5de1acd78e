//! The scan pipeline: read → parse → evaluate → locate. The one entry point for the CLI and for
//! embedders.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::document::{
    Document, Object, ParseLimits, PathSegment, Position, ProblemKind, Source, Span, display_path,
};
use crate::engine::{Evaluator, Target, Verdict, Violation, inventory};
use crate::finding::{
    Applicability, Finding, Fix, Location, ObjectRef, PatchOp, Precision, RelatedLocation,
    fingerprint,
};
use crate::gatekeeper::{Expander, Generated, Labels, severity_for_action};
use crate::input::helm::{SourceComment, rendered_identity, source_comments};
use crate::input::render::{self, RenderOptions, Rendered};
use crate::input::{ExcludeSet, InputOptions, discover_with_archives, read_source};
use crate::rules::{DUPLICATE_KEY_RULE, Rule, RuleLoadError, RuleOrigin, RuleSet};
use crate::suppress::SuppressOptions;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProblemLevel {
    /// Something could not be read or evaluated: the scan is incomplete (exit code 2).
    Error,
    /// Worth attention, but the scan is complete.
    Warning,
    /// For information.
    Note,
}

/// A problem met during a scan: an unreadable file, a syntax error, a broken rule.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Problem {
    /// How bad it is.
    pub level: ProblemLevel,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// The file concerned, if any.
    pub file: Option<String>,
    /// Where in the file, if known.
    pub position: Option<Position>,
    /// The rule concerned, if any.
    pub rule: Option<String>,
    /// What went wrong.
    pub message: String,
}

impl Problem {
    /// A problem with no file, position or rule yet: set them (`Problem` is `#[non_exhaustive]`,
    /// so this is how code outside kordon makes one).
    pub fn new(level: ProblemLevel, kind: ProblemKind, message: impl Into<String>) -> Problem {
        Problem {
            level,
            kind,
            file: None,
            position: None,
            rule: None,
            message: message.into(),
        }
    }

    /// The error for a document that could not be read, located in its file.
    pub fn in_document(document: &Document, problem: &crate::document::DocumentProblem) -> Problem {
        Problem {
            level: ProblemLevel::Error,
            kind: problem.kind,
            file: Some(document.source.name.clone()),
            position: problem.offset.map(|o| document.position(o)),
            rule: None,
            message: problem.message.clone(),
        }
    }
}

/// Counts describing a scan.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct ScanStats {
    /// Files (and standard input) read.
    pub files: usize,
    /// Bytes read.
    pub bytes: usize,
    /// Kubernetes objects found.
    pub objects: usize,
    /// Rules that were evaluated on at least one object.
    pub rules_evaluated: usize,
    /// (rule, object) pairs evaluated.
    pub checks: usize,
    /// Objects generated from workload templates (reviewed by Gatekeeper rules only).
    pub generated: usize,
    /// Context files (and renders) read to complete `data.inventory`; not scanned.
    pub context_files: usize,
    /// Objects of the context files: in `data.inventory`, never reviewed or reported.
    pub context_objects: usize,
    /// Wall time of the whole scan.
    #[serde(serialize_with = "serialize_millis")]
    pub duration: Duration,
    /// Charts and kustomizations rendered or read from the render cache.
    pub renders: usize,
    /// Of those, the ones read from the render cache.
    pub renders_cached: usize,
    /// Wall time from the first render started to the last one done (they run beside the
    /// reading of plain files, so it is part of `duration`, not added to it).
    #[serde(serialize_with = "serialize_millis")]
    pub render_time: Duration,
}

fn serialize_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0 * 10.0).round() / 10.0)
}

/// One (rule, object) evaluation, kept so reports can count what passed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Check {
    /// The rule's id.
    pub rule: Arc<str>,
    /// Index into [`ScanReport::objects`].
    pub object: usize,
    /// How many findings it produced.
    pub violations: usize,
}

/// Everything a scan produced.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ScanReport {
    /// Findings, sorted by file, line, column and rule.
    pub findings: Vec<Finding>,
    /// Findings silenced by a suppression (each has `suppression` set), in the same order.
    pub suppressed: Vec<Finding>,
    /// Problems, sorted by file and position.
    pub problems: Vec<Problem>,
    /// Every object scanned.
    pub objects: Vec<ObjectRef>,
    /// Every (rule, object) evaluation.
    pub checks: Vec<Check>,
    /// The texts scanned, for rendering snippets.
    pub sources: Vec<Arc<Source>>,
    /// The scanned texts as parsed, one per source of the scan (the sources a report adds
    /// later, such as the Helm templates findings were moved into, have none): reporters turn
    /// fixes into text edits on them without parsing the files again.
    pub documents: Vec<Arc<Document>>,
    /// Rules a partial scan did not run because they need the complete inventory (and no
    /// context was given), limited to those that would have reviewed some scanned object.
    pub skipped_rules: Vec<String>,
    /// The paths [`Scanner::scan_paths`] was given, resolved (symbolic links included): `--fix`
    /// writes only files inside them. Empty for texts scanned from memory.
    pub roots: Vec<PathBuf>,
    /// Counts.
    pub stats: ScanStats,
}

impl ScanReport {
    /// True when some input could not be read or some rule could not run.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.level == ProblemLevel::Error)
    }

    /// The source with this display name.
    pub fn source(&self, name: &str) -> Option<&Arc<Source>> {
        self.sources.iter().find(|s| s.name == name)
    }
}

/// Progress of a running scan, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Files parsed so far.
    pub files_done: usize,
    /// Files to parse.
    pub files_total: usize,
    /// Objects found so far.
    pub objects: usize,
    /// True once evaluation has started.
    pub evaluating: bool,
}

type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// The stack of the threads that read and evaluate: the Rego interpreter recurses with the
/// policy's depth, and a debug build's frames are large.
const WORKER_STACK: usize = 16 << 20;

/// Builds a [`Scanner`].
#[derive(Clone)]
pub struct ScannerBuilder {
    rules: Option<RuleSet>,
    rule_dirs: Vec<PathBuf>,
    policy_paths: Vec<PathBuf>,
    input: InputOptions,
    limits: ParseLimits,
    rule_timeout: Duration,
    jobs: Option<usize>,
    progress: Option<ProgressFn>,
    suppress: SuppressOptions,
    exclude: Option<ExcludeSet>,
    default_expansions: bool,
    render: RenderOptions,
    partial: bool,
    context_paths: Vec<PathBuf>,
    default_namespace: Option<String>,
    /// The configuration's `helm.charts`, added to the render options at build time (so that
    /// [`render`](ScannerBuilder::render) may be called before or after `config`).
    config_charts: Vec<render::ChartRender>,
}

impl Default for ScannerBuilder {
    fn default() -> Self {
        ScannerBuilder {
            rules: None,
            rule_dirs: Vec::new(),
            policy_paths: Vec::new(),
            input: InputOptions::default(),
            limits: ParseLimits::default(),
            rule_timeout: Duration::from_secs(5),
            jobs: None,
            progress: None,
            suppress: SuppressOptions::default(),
            exclude: None,
            default_expansions: true,
            // Rendering runs helm and kubectl: an embedder asks for it.
            render: RenderOptions {
                enabled: false,
                ..RenderOptions::default()
            },
            partial: false,
            context_paths: Vec::new(),
            default_namespace: None,
            config_charts: Vec::new(),
        }
    }
}

/// Errors building a scanner.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Some rules failed to load.
    #[error("{} rule(s) failed to load: {}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Rules(Vec<RuleLoadError>),
    /// The thread pool could not be created.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// Errors applying a configuration to a [`ScannerBuilder`].
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigureError {
    /// Rules (built-in or from the configuration's `rule-dirs`) failed to load.
    #[error(transparent)]
    Rules(crate::errors::RuleLoadErrors),
    /// The configuration's rule settings do not fit the loaded rules.
    #[error(transparent)]
    Config(crate::errors::ConfigErrors),
}

impl ScannerBuilder {
    /// Uses this rule set instead of the built-in corpus.
    pub fn rules(mut self, rules: RuleSet) -> Self {
        self.rules = Some(rules);
        self
    }

    /// Adds a directory of user rules (on top of the built-in corpus or the given set).
    pub fn rule_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.rule_dirs.push(dir.into());
        self
    }

    /// Adds Gatekeeper policies: every ConstraintTemplate, Constraint and ExpansionTemplate in
    /// this file or directory (repeatable). Each (template, constraint) pair becomes a rule;
    /// problems reading them are reported with every scan.
    pub fn policy(mut self, path: impl Into<PathBuf>) -> Self {
        self.policy_paths.push(path.into());
        self
    }

    /// Whether workloads are expanded by kordon's default expansions when no user
    /// ExpansionTemplate covers their kind (default true; `kordon verify` turns it off, as
    /// `gator verify` expands only with the templates a suite names).
    pub fn default_expansions(mut self, yes: bool) -> Self {
        self.default_expansions = yes;
        self
    }

    /// Number of worker threads (default: one per core).
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = Some(jobs.max(1));
        self
    }

    /// Files larger than this many bytes are not read (default 32 MiB).
    pub fn max_file_size(mut self, bytes: u64) -> Self {
        self.input.max_file_size = bytes;
        self
    }

    /// Whether to honour `.gitignore` and skip hidden and vendored folders (default true).
    pub fn respect_ignores(mut self, yes: bool) -> Self {
        self.input.respect_ignores = yes;
        self
    }

    /// Stops a rule evaluation that runs longer than this (default 5 s).
    pub fn rule_timeout(mut self, timeout: Duration) -> Self {
        self.rule_timeout = timeout;
        self
    }

    /// What may silence findings: comments, annotations, exceptions, a baseline, a diff scope.
    pub fn suppressions(mut self, options: SuppressOptions) -> Self {
        self.suppress = options;
        self
    }

    /// Leaves out files matching these patterns (applies to files named directly too).
    pub fn exclude(mut self, exclude: ExcludeSet) -> Self {
        self.exclude = Some(exclude);
        self
    }

    /// Limits on nesting and alias expansion.
    pub fn parse_limits(mut self, limits: ParseLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Calls `f` as files are parsed and when evaluation starts.
    pub fn on_progress(mut self, f: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }

    /// How Helm charts and kustomizations found among the paths are rendered. Off unless
    /// asked for (rendering starts `helm` and `kubectl` processes): without it, charts and
    /// kustomizations are skipped with a note. `.render(RenderOptions::default())` turns it on.
    pub fn render(mut self, options: RenderOptions) -> Self {
        self.render = options;
        self
    }

    /// Charts rendered with values of their own, one render per entry (the configuration's
    /// `helm.charts`): added before the [`render`](Self::render) options' own
    /// [`charts`](RenderOptions::charts) when the scanner is built, whichever is called first.
    pub fn chart_renders(mut self, charts: Vec<render::ChartRender>) -> Self {
        self.config_charts = charts;
        self
    }

    /// Declares that the scanned paths are only part of the deployment (the files of a commit).
    /// Rules that need the complete inventory ([`RuleMeta::needs_complete_inventory`]: they
    /// report what is *missing*, such as a namespace without a NetworkPolicy) would raise false
    /// alarms on a part, so they are not run unless [`context`](Self::context) paths complete
    /// the picture; reports name the rules left out ([`ScanReport::skipped_rules`] and a note).
    ///
    /// [`RuleMeta::needs_complete_inventory`]: crate::RuleMeta::needs_complete_inventory
    pub fn partial(mut self, yes: bool) -> Self {
        self.partial = yes;
        self
    }

    /// Adds a file or directory read only to complete `data.inventory` (repeatable): its objects
    /// are known to cross-object rules but are not reviewed, reported or counted as scanned, and
    /// its read and parse problems are warnings. Files also being scanned are read once, as
    /// scanned files. Helm charts and kustomizations in it are rendered as in a scan. With
    /// context, a [`partial`](Self::partial) scan runs every rule. Context is read afresh by
    /// each scan.
    pub fn context(mut self, path: impl Into<PathBuf>) -> Self {
        self.context_paths.push(path.into());
        self
    }

    /// The namespace a namespaced object without `metadata.namespace` is deployed into (the
    /// namespace of the `kubectl apply`): it is reviewed, matched and put in `data.inventory`
    /// there, as the admission webhook sees it once the API server has set it. Unset, such an
    /// object is reviewed as `gator` reviews it: with namespace `""`, and a Constraint's
    /// namespace criteria do not exclude it.
    pub fn default_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.default_namespace = Some(namespace.into());
        self
    }

    /// Applies a configuration file (`.kordon.yaml`) in one call: its rule folders and rule
    /// settings (selection, severities, parameters) over the rules given so far (the built-in
    /// corpus if none), its policies, context, default namespace, exclusions, exceptions and `helm.charts`.
    /// What is the caller's to decide is not applied: `fail-on` and `severity` (see
    /// [`config::Resolved::fail_on`](crate::config::Resolved::fail_on)), and the kustomize
    /// settings that widen what a render may read. Call it after
    /// [`suppressions`](Self::suppressions), which replaces the exceptions.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = kordon::config::Config::load(std::path::Path::new(".kordon.yaml"))?;
    /// let scanner = kordon::Scanner::builder()
    ///     .config(&config.resolve(None)?)?
    ///     .build()?;
    /// # let _ = scanner; Ok(()) }
    /// ```
    pub fn config(mut self, config: &crate::config::Resolved<'_>) -> Result<Self, ConfigureError> {
        let mut rules = match self.rules.take() {
            Some(rules) => rules,
            None => RuleSet::builtin().map_err(ConfigureError::Rules)?,
        };
        for dir in self.rule_dirs.drain(..).chain(config.rule_dirs()) {
            rules.add_dir(&dir).map_err(ConfigureError::Rules)?;
        }
        config
            .apply_rules(&mut rules)
            .map_err(ConfigureError::Config)?;
        self.rules = Some(rules);
        self.policy_paths.extend(config.policies());
        self.context_paths.extend(config.context());
        if let Some(namespace) = config.default_namespace() {
            self.default_namespace = Some(namespace.to_string());
        }
        if let Some(exclude) = config.exclude() {
            self.exclude = Some(exclude);
        }
        self.suppress.exceptions.extend(config.exceptions());
        self.config_charts = config.helm_charts();
        Ok(self)
    }

    /// Loads the rules and builds the scanner.
    pub fn build(mut self) -> Result<Scanner, BuildError> {
        let config_charts = std::mem::take(&mut self.config_charts);
        self.render.charts.splice(0..0, config_charts);
        let mut rules = match self.rules {
            Some(rules) => rules,
            None => RuleSet::builtin().map_err(|e| BuildError::Rules(e.into_vec()))?,
        };
        for dir in &self.rule_dirs {
            rules
                .add_dir(dir)
                .map_err(|e| BuildError::Rules(e.into_vec()))?;
        }
        let (mut expander, policy_problems) = if self.policy_paths.is_empty() {
            (Expander::default(), Vec::new())
        } else {
            crate::gatekeeper::install_policies(&self.policy_paths, &mut rules)
        };
        expander = expander.with_workloads(rules.workload_kinds());
        if !self.default_expansions {
            expander = expander.without_defaults();
        }
        // A pool of the scanner's own, whose threads have room for the interpreter's recursion:
        // rayon's (and std's) 2 MiB default overflowed on built-in rules in debug builds.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.jobs.unwrap_or(0))
            .stack_size(WORKER_STACK)
            .build()
            .map_err(|e| BuildError::Threads(e.to_string()))?;
        // A partial scan without context leaves out the rules that judge by absence.
        let (skipped_rules, runnable): (Vec<Arc<Rule>>, Vec<Arc<Rule>>) =
            rules.rules().iter().cloned().partition(|r| {
                self.partial && self.context_paths.is_empty() && r.meta.needs_complete_inventory
            });
        let evaluator = Evaluator::new(&runnable, self.rule_timeout);
        let expands = rules
            .rules()
            .iter()
            .any(|r| matches!(r.origin, RuleOrigin::Gatekeeper(_)));
        Ok(Scanner {
            rules,
            evaluator,
            expander: expands.then_some(expander),
            policy_problems,
            input: self.input,
            limits: self.limits,
            pool,
            progress: self.progress,
            suppress: self.suppress,
            exclude: self.exclude,
            render: self.render,
            context_paths: self.context_paths,
            skipped_rules,
            default_namespace: self.default_namespace,
        })
    }
}

/// Scans manifests against a rule set. Build one with [`Scanner::builder`]; reuse it for many
/// scans (compiled rules are kept).
pub struct Scanner {
    rules: RuleSet,
    evaluator: Evaluator,
    /// Present when some rule reviews generated objects (Gatekeeper rules).
    expander: Option<Expander>,
    policy_problems: Vec<Problem>,
    input: InputOptions,
    limits: ParseLimits,
    pool: rayon::ThreadPool,
    progress: Option<ProgressFn>,
    suppress: SuppressOptions,
    exclude: Option<ExcludeSet>,
    render: RenderOptions,
    context_paths: Vec<PathBuf>,
    /// Rules not run: the scan is partial and has no context.
    skipped_rules: Vec<Arc<Rule>>,
    default_namespace: Option<String>,
}

/// What [`Scanner::gather`] read: sources (renders included), renders, problems.
struct Gathered {
    /// The plain files, parsed while the renders ran.
    parsed: Vec<Document>,
    /// The renders' outputs, still to parse.
    sources: Vec<Source>,
    renders: Vec<Rendered>,
    problems: Vec<Problem>,
    /// Wall time from the first render started to the last one done.
    render_time: Duration,
}

/// Context read for one scan.
#[derive(Default)]
struct Context {
    documents: Vec<Document>,
    files: usize,
    problems: Vec<Problem>,
}

/// Where `data.inventory` comes from.
#[derive(Clone, Copy)]
enum Inventory<'a> {
    /// The scanned objects, over these context documents.
    Scanned(&'a [Document]),
    /// Only these documents (a `gator verify` case's inventory).
    Listed(&'a [Document]),
}

/// A path as the file system resolves it, to tell whether two spellings name one file.
fn canonical(path: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

impl Scanner {
    /// A builder with the built-in corpus and default options.
    pub fn builder() -> ScannerBuilder {
        ScannerBuilder::default()
    }

    /// The rules this scanner runs.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// How input is discovered and read.
    pub fn input_options(&self) -> &InputOptions {
        &self.input
    }

    /// The paths read only to complete `data.inventory`.
    pub fn context_paths(&self) -> &[PathBuf] {
        &self.context_paths
    }

    /// Whether configuration excludes this file from scans.
    pub fn is_excluded(&self, path: &std::path::Path) -> bool {
        self.exclude.as_ref().is_some_and(|e| e.is_excluded(path))
    }

    /// Problems met while loading Gatekeeper policies (also part of every report).
    pub fn policy_problems(&self) -> &[Problem] {
        &self.policy_problems
    }

    fn in_pool<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        self.pool.install(f)
    }

    /// Records the rules a partial scan leaves out that would have reviewed some target, with
    /// one note saying why and how to run them.
    fn note_skipped_rules(&self, targets: &[Target<'_>], report: &mut ScanReport) {
        report.skipped_rules = self
            .skipped_rules
            .iter()
            .filter(|rule| targets.iter().any(|t| rule.matches(t)))
            .map(|rule| rule.id().to_string())
            .collect();
        if report.skipped_rules.is_empty() {
            return;
        }
        report.problems.push(Problem {
            level: ProblemLevel::Note,
            kind: ProblemKind::Skipped,
            file: None,
            position: None,
            rule: None,
            message: format!(
                "partial scan: {} not run. {} what is missing from the whole deployment (a \
                 NetworkPolicy, a LimitRange, a PodDisruptionBudget...), which the scanned files \
                 alone cannot show; scan the whole tree, or add the rest of it as context \
                 (--context PATH), to run {}",
                match report.skipped_rules.as_slice() {
                    [one] => format!("rule {one} was"),
                    many => format!("rules {} were", many.join(", ")),
                },
                if report.skipped_rules.len() == 1 {
                    "It reports"
                } else {
                    "They report"
                },
                if report.skipped_rules.len() == 1 {
                    "it"
                } else {
                    "them"
                },
            ),
        });
    }

    /// Scans files and directories (`-` reads standard input).
    pub fn scan_paths(&self, paths: &[PathBuf]) -> ScanReport {
        self.scan_paths_and_sources(paths, Vec::new())
    }

    /// Scans files and directories together with texts held in memory (the staged content of
    /// changed files, beside the charts and kustomizations they belong to), as one scan.
    pub fn scan_paths_and_sources(&self, paths: &[PathBuf], sources: Vec<Source>) -> ScanReport {
        let started = Instant::now();
        let mut gathered = self.gather(paths, |_| true, |_| true);
        gathered.sources.extend(sources);
        let mut report =
            self.scan_sources_rendered(gathered.sources, gathered.parsed, &gathered.renders, paths);
        report.problems.extend(gathered.problems);
        report.stats.renders = gathered.renders.len();
        report.stats.renders_cached = gathered.renders.iter().filter(|r| r.cached).count();
        report.stats.render_time = gathered.render_time;
        // The values files a render was given are the user's too: `--fix` may edit them.
        let values_files = gathered.renders.iter().flat_map(|r| match &r.kind {
            crate::input::render::RenderKind::Helm { options, .. } => options.values.as_slice(),
            _ => &[],
        });
        report.roots = paths
            .iter()
            .filter(|p| p.as_os_str() != "-")
            .chain(values_files)
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        sort_problems(&mut report.problems);
        report.stats.duration = started.elapsed();
        report
    }

    /// Discovers, reads and renders `paths`: the files `keep_file` accepts, and the charts and
    /// kustomizations whose directories `keep_render` accepts.
    fn gather(
        &self,
        paths: &[PathBuf],
        keep_file: impl Fn(&std::path::Path) -> bool,
        keep_render: impl Fn(&std::path::Path) -> bool,
    ) -> Gathered {
        let (mut files, walk_problems) = discover_with_archives(paths, &self.input);
        files.retain(|f| !self.is_excluded(f) && keep_file(f));
        let mut problems: Vec<Problem> = walk_problems
            .into_iter()
            .map(|p| Problem {
                level: if p.kind == ProblemKind::Skipped {
                    ProblemLevel::Warning
                } else {
                    ProblemLevel::Error
                },
                kind: p.kind,
                file: Some(p.name),
                position: None,
                rule: None,
                message: p.message,
            })
            .collect();
        let mut plan = render::plan(files, paths);
        plan.charts.retain(|dir| keep_render(dir));
        plan.kustomizations.retain(|(dir, _)| keep_render(dir));
        problems.extend(plan.problems.into_iter().map(render_problem));
        let files = plan.files;
        // Renders wait on other processes: they run on threads of their own, so that reading
        // the plain files keeps every worker of the pool busy meanwhile.
        let (read, (rendered, render_time)) = std::thread::scope(|scope| {
            let render = || {
                let started = Instant::now();
                let rendered = self.render_all(&plan.charts, &plan.kustomizations);
                (rendered, started.elapsed())
            };
            let renders = std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, render);
            // Parsed here too: the renders take longer than reading, so the plain files'
            // parse costs the scan nothing.
            let read: Vec<_> = self.in_pool(|| {
                files
                    .par_iter()
                    .map(|f| {
                        read_source(f, &self.input)
                            .map(|source| Document::parse(Arc::new(source), self.limits))
                    })
                    .collect()
            });
            let rendered = match renders {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to spare: render after reading instead of beside it.
                Err(_) => render(),
            };
            (read, rendered)
        });
        let mut renders: Vec<Rendered> = Vec::new();
        for result in rendered {
            match result {
                Ok(render) => {
                    if let render::RenderKind::Kustomize { dir, build, .. } = &render.kind {
                        for note in &build.notes {
                            problems.push(Problem {
                                level: ProblemLevel::Note,
                                kind: ProblemKind::Render,
                                file: Some(crate::input::display_name(dir)),
                                position: None,
                                rule: None,
                                message: note.clone(),
                            });
                        }
                    }
                    renders.push(render);
                }
                Err(problem) => problems.push(render_problem(problem)),
            }
        }
        let mut parsed = Vec::new();
        for result in read {
            match result {
                Ok(document) => parsed.push(document),
                Err(p) => problems.push(Problem {
                    level: ProblemLevel::Error,
                    kind: p.kind,
                    file: Some(p.name),
                    position: p.position,
                    rule: None,
                    message: p.message,
                }),
            }
        }
        let sources = renders.iter().map(|r| r.source.clone()).collect();
        Gathered {
            parsed,
            sources,
            renders,
            problems,
            render_time,
        }
    }

    /// Renders the charts, then the kustomizations, with as many renders at a time as the scan
    /// has worker threads; results in that order.
    fn render_all(
        &self,
        charts: &[PathBuf],
        kustomizations: &[(PathBuf, bool)],
    ) -> Vec<Result<Rendered, render::RenderProblem>> {
        // A chart with values of its own in the configuration is rendered once per entry.
        let charts: Vec<render::ChartJob> = charts
            .iter()
            .flat_map(|dir| render::chart_jobs(dir, &self.render))
            .collect();
        let jobs = charts.len() + kustomizations.len();
        let render = |index: usize| match charts.get(index) {
            Some(job) => render::render_chart_job(job, &self.render, &self.input),
            None => {
                let (dir, component) = &kustomizations[index - charts.len()];
                render::render_kustomization(dir, *component, &self.render, &self.input)
            }
        };
        let workers = self.pool.current_num_threads().clamp(1, jobs.max(1));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut done: Vec<(usize, Result<Rendered, render::RenderProblem>)> =
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut out = Vec::new();
                            loop {
                                let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                if index >= jobs {
                                    break out;
                                }
                                out.push((index, render(index)));
                            }
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect()
            });
        done.sort_by_key(|(index, _)| *index);
        done.into_iter().map(|(_, result)| result).collect()
    }

    /// Reads the context paths for a scan of `documents`: files and renders already scanned are
    /// left out (the scanned version wins). Context problems are warnings, except a context path
    /// that does not exist, which is a usage error.
    fn read_context(&self, documents: &[Document], renders: &[Rendered]) -> Context {
        let mut context = Context::default();
        if self.context_paths.is_empty() {
            return context;
        }
        let scanned: HashSet<PathBuf> = documents
            .iter()
            .filter_map(|d| d.source.path.as_deref())
            .map(canonical)
            .collect();
        let rendered: HashSet<PathBuf> = renders
            .iter()
            .map(|r| match &r.kind {
                render::RenderKind::Helm { chart_dir, .. } => canonical(chart_dir),
                render::RenderKind::Kustomize { dir, .. } => canonical(dir),
            })
            .collect();
        let mut roots = Vec::new();
        for path in &self.context_paths {
            if path.exists() {
                roots.push(path.clone());
            } else {
                context.problems.push(Problem {
                    level: ProblemLevel::Error,
                    kind: ProblemKind::Io,
                    file: Some(crate::input::display_name(path)),
                    position: None,
                    rule: None,
                    message: "context path does not exist".into(),
                });
            }
        }
        // Overlapping context paths (`--context .` and a configured `context:`) name a file once.
        let taken = std::cell::RefCell::new(scanned);
        let gathered = self.gather(
            &roots,
            |file| taken.borrow_mut().insert(canonical(file)),
            |dir| !rendered.contains(&canonical(dir)),
        );
        let mut problems = gathered.problems;
        let mut parsed: Vec<Document> = self.in_pool(|| {
            gathered
                .sources
                .into_par_iter()
                .map(|source| Document::parse(Arc::new(source), self.limits))
                .collect()
        });
        parsed.extend(gathered.parsed);
        for document in &parsed {
            problems.extend(
                document
                    .problems
                    .iter()
                    .map(|p| Problem::in_document(document, p)),
            );
        }
        // A broken file elsewhere in the repository must not fail the scan of the files at hand;
        // a note about one (a library chart left to its dependants) is of no use to this scan.
        for mut problem in problems {
            if problem.level == ProblemLevel::Note {
                continue;
            }
            if problem.level == ProblemLevel::Error {
                problem.level = ProblemLevel::Warning;
            }
            problem.message = format!(
                "{} (context: read only to complete data.inventory)",
                problem.message
            );
            context.problems.push(problem);
        }
        // The order of the paths given must not decide which of two same-named objects the
        // inventory keeps.
        parsed.sort_by(|a, b| a.source.name.cmp(&b.source.name));
        context.files = parsed.len();
        context.documents = parsed;
        context
    }

    /// Scans texts held in memory. A `helm template` render among them (recognised by its
    /// `# Source:` comments) has its findings related to their templates.
    pub fn scan_sources(&self, sources: Vec<Source>) -> ScanReport {
        self.scan_sources_rendered(sources, Vec::new(), &[], &[])
    }

    /// `roots`: the paths asked for, which scope the plain files no project marker places
    /// ([`crate::scope`]).
    /// `parsed`: documents parsed already (the plain files of a walk), scanned with `sources`.
    fn scan_sources_rendered(
        &self,
        sources: Vec<Source>,
        parsed: Vec<Document>,
        renders: &[Rendered],
        roots: &[PathBuf],
    ) -> ScanReport {
        let started = Instant::now();
        let total = sources.len() + parsed.len();
        let done = std::sync::atomic::AtomicUsize::new(parsed.len());
        let found =
            std::sync::atomic::AtomicUsize::new(parsed.iter().map(|d| d.objects.len()).sum());
        let mut documents: Vec<Document> = self.in_pool(|| {
            sources
                .into_par_iter()
                .map(|source| {
                    let document = Document::parse(Arc::new(source), self.limits);
                    if let Some(progress) = &self.progress {
                        let files_done =
                            done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        let objects = found.fetch_add(
                            document.objects.len(),
                            std::sync::atomic::Ordering::Relaxed,
                        ) + document.objects.len();
                        progress(Progress {
                            files_done,
                            files_total: total,
                            objects,
                            evaluating: false,
                        });
                    }
                    document
                })
                .collect()
        });
        documents.extend(parsed);
        let mut report = self.scan_in_context(documents, renders, roots);
        // A values fix is proven on a render of the edited chart, scanned by these rules.
        let rescan = |source: Source| {
            self.scan_documents(vec![Document::parse(Arc::new(source), self.limits)])
                .findings
        };
        crate::provenance::attribute(
            &mut report,
            renders,
            self.suppress.baseline.as_ref(),
            &rescan,
        );
        report.stats.duration = started.elapsed();
        report
    }

    /// Scans documents that are already parsed (with the context paths, when the builder has
    /// some, completing `data.inventory`).
    pub fn scan_documents(&self, documents: Vec<Document>) -> ScanReport {
        self.scan_in_context(documents, &[], &[])
    }

    fn scan_in_context(
        &self,
        documents: Vec<Document>,
        renders: &[Rendered],
        roots: &[PathBuf],
    ) -> ScanReport {
        let context = self.read_context(&documents, renders);
        let mut report =
            self.evaluate_documents(documents, Inventory::Scanned(&context.documents), roots);
        report.stats.context_files = context.files;
        report.problems.extend(context.problems);
        sort_problems(&mut report.problems);
        report
    }

    /// Scans documents; `data.inventory` holds the objects of `inventory` when given (as a
    /// `gator verify` case lists them) instead of the scanned objects.
    pub fn scan_documents_with_inventory(
        &self,
        documents: Vec<Document>,
        inventory_documents: Option<&[Document]>,
    ) -> ScanReport {
        match inventory_documents {
            Some(listed) => self.evaluate_documents(documents, Inventory::Listed(listed), &[]),
            None => self.scan_documents(documents),
        }
    }

    fn evaluate_documents(
        &self,
        mut documents: Vec<Document>,
        basis: Inventory<'_>,
        roots: &[PathBuf],
    ) -> ScanReport {
        let started = Instant::now();
        // Everything downstream follows this order: which of two objects of one name the
        // inventory keeps (the later), the objects' indices, the sources. Sorted by name, the
        // output is the same whatever order the paths were given in.
        documents.sort_by(|a, b| a.source.name.cmp(&b.source.name));
        let mut report = ScanReport::default();
        let mut objects: Vec<(&Document, &Object)> = Vec::new();
        // Which objects are applied together ([`crate::scope`]): cross-object rules see only the
        // objects of the scope of the object they review. A `gator verify` case lists its own.
        let mut scopes = crate::scope::Scopes::new(roots);
        let mut document_keys: Vec<crate::scope::ScopeKey> = match basis {
            Inventory::Scanned(_) => documents.iter().map(|d| scopes.key(&d.source)).collect(),
            Inventory::Listed(_) => vec![crate::scope::ScopeKey::Unplaced; documents.len()],
        };
        let placed: Vec<Option<crate::scope::PlacedFile<'_>>> = documents
            .iter()
            .zip(&document_keys)
            .map(|(document, key)| match key {
                crate::scope::ScopeKey::Project(project) => Some(crate::scope::PlacedFile {
                    components: scopes.below_project(project, &document.source)?,
                    identities: crate::scope::identities(document),
                }),
                _ => None,
            })
            .collect();
        let split_projects = crate::scope::split_colliding_projects(&mut document_keys, &placed);
        drop(placed);
        let (document_scopes, scope_count) = crate::scope::number(&document_keys);
        let scope_count = scope_count.max(1);
        let mut object_scopes: Vec<usize> = Vec::new();
        for (document, &scope) in documents.iter().zip(&document_scopes) {
            report.stats.files += 1;
            report.stats.bytes += document.source.text.len();
            report.sources.push(document.source.clone());
            for problem in &document.problems {
                report
                    .problems
                    .push(Problem::in_document(document, problem));
            }
            for object in &document.objects {
                objects.push((document, object));
                object_scopes.push(scope);
                report.problems.extend(
                    crate::workload::gaps(object, self.rules.workload_kinds())
                        .into_iter()
                        .map(|gap| {
                            let found = object.root.resolve(&gap.path);
                            let offset = found.key_span.unwrap_or(found.node.span).start;
                            Problem {
                                level: ProblemLevel::Warning,
                                kind: ProblemKind::Unjudged,
                                file: Some(document.source.name.clone()),
                                position: Some(document.position(offset)),
                                rule: None,
                                message: gap.message,
                            }
                        }),
                );
            }
        }
        report.stats.objects = objects.len();
        report.objects = objects.iter().map(|(d, o)| object_ref(d, o)).collect();
        if let Some(progress) = &self.progress {
            progress(Progress {
                files_done: documents.len(),
                files_total: documents.len(),
                objects: objects.len(),
                evaluating: true,
            });
        }

        report.problems.extend(self.policy_problems.iter().cloned());
        let plain: Vec<&Object> = objects.iter().map(|(_, o)| *o).collect();
        // The context objects of each scope. A context file of a scanned scope completes it; a
        // plain one of a project nothing was scanned from (`--context ../policies`) was named to
        // say what else exists, so it completes every scope; a render nothing of was scanned is
        // applied with none of the scanned objects.
        let mut context: Vec<Vec<&Object>> = vec![Vec::new(); scope_count];
        if let Inventory::Scanned(docs) = basis {
            let scope_of_key: HashMap<&crate::scope::ScopeKey, usize> = document_keys
                .iter()
                .zip(document_scopes.iter().copied())
                .collect();
            for document in docs {
                report.stats.context_objects += document.objects.len();
                let key = scopes.key(&document.source);
                // A context file of a project split by its collisions completes the part it is
                // in, or every part when it is in none of them.
                if let crate::scope::ScopeKey::Project(project) = &key
                    && let Some(parts) = split_projects.get(project)
                {
                    let at = scopes
                        .below_project(project, &document.source)
                        .map(|components| project.join(components.iter().collect::<PathBuf>()));
                    let within = parts
                        .iter()
                        .filter(|part| at.as_ref().is_some_and(|at| at.starts_with(part)))
                        .max_by_key(|part| part.components().count());
                    let chosen: Vec<&PathBuf> = match within {
                        Some(part) => vec![part],
                        None => parts.iter().collect(),
                    };
                    for part in chosen {
                        let part_key = crate::scope::ScopeKey::Part(project.clone(), part.clone());
                        if let Some(&scope) = scope_of_key.get(&part_key) {
                            context[scope].extend(document.objects.iter());
                        }
                    }
                    continue;
                }
                match scope_of_key.get(&key) {
                    Some(&scope) => context[scope].extend(document.objects.iter()),
                    None if matches!(key, crate::scope::ScopeKey::Render(_)) => {}
                    None => {
                        for objects in &mut context {
                            objects.extend(document.objects.iter());
                        }
                    }
                }
            }
        }
        // Context first: where an object is both scanned and in context, the scanned one wins.
        // One pass over the objects, not one per scope: a split project has hundreds of scopes.
        let mut known = context;
        for (object, &scope) in plain.iter().zip(&object_scopes) {
            known[scope].push(*object);
        }
        let inventories: Vec<regorus::Value> = match basis {
            Inventory::Listed(docs) => {
                let listed: Vec<&Object> = docs.iter().flat_map(|d| d.objects.iter()).collect();
                vec![inventory(&listed, self.default_namespace.as_deref())]
            }
            Inventory::Scanned(_) => self.in_pool(|| {
                known
                    .par_iter()
                    .map(|objects| inventory(objects, self.default_namespace.as_deref()))
                    .collect()
            }),
        };
        let namespace_labels: Vec<std::collections::BTreeMap<String, Labels>> = known
            .iter()
            .map(|objects| {
                objects
                    .iter()
                    .filter(|o| o.kind == "Namespace" && o.group().is_empty())
                    .filter_map(|o| Some((o.name.clone()?, o.labels())))
                    .collect()
            })
            .collect();
        let namespace_of = |o: &'_ Object| -> Option<String> {
            o.namespace.clone().or_else(|| {
                self.default_namespace
                    .clone()
                    .filter(|_| !crate::engine::is_cluster_scoped(&o.kind))
            })
        };
        let labels_of = |ns: &Option<String>, scope: usize| {
            ns.as_ref().and_then(|ns| {
                namespace_labels
                    .get(scope)
                    .and_then(|labels| labels.get(ns))
            })
        };
        // Generated objects (pod templates reviewed as Pods) exist only for Gatekeeper rules;
        // they are not added to the inventory, as Gatekeeper does not sync them either.
        let generated: Vec<(usize, Generated)> = match &self.expander {
            Some(expander) => {
                let expanded: Vec<_> =
                    self.in_pool(|| plain.par_iter().map(|o| expander.expand(o)).collect());
                let mut out = Vec::new();
                for (index, (made, notes)) in expanded.into_iter().enumerate() {
                    let (document, _) = objects[index];
                    for note in notes {
                        report.problems.push(Problem {
                            level: ProblemLevel::Note,
                            kind: ProblemKind::Rule,
                            file: Some(document.source.name.clone()),
                            position: Some(document.position(note.span.start)),
                            rule: None,
                            message: note.message,
                        });
                    }
                    out.extend(made.into_iter().map(|g| (index, g)));
                }
                out
            }
            None => Vec::new(),
        };
        report.stats.generated = generated.len();
        let reviewed_in: Vec<Option<String>> = plain
            .iter()
            .copied()
            .chain(generated.iter().map(|(_, g)| &g.object))
            .map(namespace_of)
            .collect();
        let target_scopes: Vec<usize> = object_scopes
            .iter()
            .copied()
            .chain(generated.iter().map(|(parent, _)| object_scopes[*parent]))
            .collect();
        let mut targets: Vec<Target<'_>> = plain
            .iter()
            .zip(&reviewed_in)
            .zip(&target_scopes)
            .map(|((o, ns), &scope)| Target {
                object: o,
                labels: o.labels(),
                namespace_labels: labels_of(ns, scope),
                namespace: ns.as_deref(),
                ancestors: &[],
            })
            .collect();
        targets.extend(
            generated
                .iter()
                .zip(&reviewed_in[plain.len()..])
                .zip(&target_scopes[plain.len()..])
                .map(|(((_, g), ns), &scope)| Target {
                    object: &g.object,
                    labels: g.object.labels(),
                    namespace_labels: labels_of(ns, scope),
                    namespace: ns.as_deref(),
                    ancestors: &g.ancestors,
                }),
        );
        let verdicts = self.in_pool(|| {
            self.evaluator
                .evaluate_in_scopes(&targets, &target_scopes, &inventories)
        });
        let related_index =
            crate::related::ObjectIndex::new(&objects, &reviewed_in[..plain.len()], &object_scopes);
        self.note_skipped_rules(&targets, &mut report);
        let mut rules_seen = std::collections::BTreeSet::new();
        let mut broken_rules = std::collections::BTreeSet::new();
        // The `# Source:` comments of each Helm render among the documents, read once each.
        // Each file is searched once, not once per object (that was quadratic in a file's
        // objects when it has no such comment).
        let mut render_comments: HashMap<&str, Vec<SourceComment>> = HashMap::new();
        let mut searched: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for (document, _) in &objects {
            let name = document.source.name.as_str();
            if searched.insert(name) && document.source.text.contains("# Source: ") {
                render_comments.insert(name, source_comments(&document.source.text));
            }
        }
        // Findings are made in parallel (locating fields, fixes, fingerprints), then taken in
        // the verdicts' order.
        let report_objects = &report.objects;
        // The generated object a target is, if any, and the index of the object it stands for.
        let target_of = |target: usize| {
            let generated_from = target.checked_sub(plain.len()).map(|i| &generated[i]);
            let object_index = generated_from.map_or(target, |(parent, _)| *parent);
            (generated_from, object_index)
        };
        let made: Vec<(Verdict, usize, Vec<Finding>)> = self.in_pool(|| {
            verdicts
                .into_par_iter()
                .map(|mut verdict| {
                    let Ok(violations) = &mut verdict.outcome else {
                        return (verdict, 0, Vec::new());
                    };
                    let violations = std::mem::take(violations);
                    let count = violations.len();
                    let rule = self.evaluator.rule(verdict.rule);
                    let (generated_from, object_index) = target_of(verdict.object);
                    let (document, object) = objects[object_index];
                    let mut found = Vec::with_capacity(violations.len());
                    for violation in violations {
                        let related = related_index.resolve(
                            &violation.details,
                            reviewed_in[verdict.object].as_deref(),
                            target_scopes[verdict.object],
                        );
                        let mut finding = match generated_from {
                            Some((_, generated)) => make_generated_finding(
                                rule,
                                document,
                                generated,
                                &report_objects[object_index],
                                violation,
                            ),
                            None => make_finding(
                                rule,
                                document,
                                object,
                                &report_objects[object_index],
                                render_comments
                                    .get(document.source.name.as_str())
                                    .map(Vec::as_slice),
                                violation,
                            ),
                        };
                        let (locations, subjects): (Vec<_>, Vec<_>) = related.into_iter().unzip();
                        finding.related.splice(0..0, locations);
                        finding.rule_related = subjects;
                        found.push(finding);
                    }
                    if generated_from.is_none() {
                        found = merge_alias_copies(document, object, found);
                    }
                    (verdict, count, found)
                })
                .collect()
        });
        for (verdict, violations, found) in made {
            let rule = self.evaluator.rule(verdict.rule);
            let (generated_from, object_index) = target_of(verdict.object);
            let (document, object) = objects[object_index];
            rules_seen.insert(verdict.rule);
            report.stats.checks += 1;
            match verdict.outcome {
                Ok(_) => {
                    report.checks.push(Check {
                        rule: Arc::from(rule.id()),
                        object: object_index,
                        violations,
                    });
                    report.findings.extend(found);
                }
                Err(message) => {
                    // A rule that cannot compile fails the same way on every object: say it once.
                    let first_time = broken_rules.insert(verdict.rule);
                    if first_time
                        || !message.contains(rule.module.as_ref().map_or("", |m| m.name.as_str()))
                    {
                        report.problems.push(Problem {
                            level: ProblemLevel::Error,
                            kind: ProblemKind::Rule,
                            file: Some(document.source.name.clone()),
                            position: Some(document.position(object.anchor_span().start)),
                            rule: Some(rule.id().to_string()),
                            message: format!(
                                "rule `{}` failed on {}{}: {}",
                                rule.id(),
                                object.display_name(),
                                generated_from.map_or(String::new(), |(_, g)| format!(
                                    " (its generated {})",
                                    g.object.kind
                                )),
                                message
                            ),
                        });
                    }
                }
            }
        }
        report.stats.rules_evaluated = rules_seen.len();
        if let Some(rule) = self.rules.get(DUPLICATE_KEY_RULE) {
            for (index, (document, object)) in objects.iter().enumerate() {
                report.checks.push(Check {
                    rule: Arc::from(DUPLICATE_KEY_RULE),
                    object: index,
                    violations: object.duplicates.len(),
                });
                for (n, duplicate) in object.duplicates.iter().enumerate() {
                    let object_ref = report.objects[index].clone();
                    report.findings.push(Finding {
                        rule_id: DUPLICATE_KEY_RULE.to_string(),
                        severity: rule.meta.severity,
                        message: format!(
                            "key `{}` is written twice in one mapping; Kubernetes keeps only this later value",
                            duplicate.key
                        ),
                        location: location(document, duplicate.duplicate),
                        precision: Precision::Exact,
                        fingerprint: fingerprint(&[
                            DUPLICATE_KEY_RULE,
                            &crate::finding::identity_file(&document.source.name),
                            &object.api_version,
                            &object.kind,
                            object.namespace.as_deref().unwrap_or(""),
                            object.name.as_deref().unwrap_or(""),
                            &duplicate.key,
                            &n.to_string(),
                        ]),
                        object: object_ref,
                        path: Vec::new(),
                        fix: None,
                        related: vec![RelatedLocation {
                            location: location(document, duplicate.first),
                            message: "the earlier value, which is discarded".into(),
                        }],
                        details: serde_json::Value::Null,
                        suppression: None,
                        rule_related: Vec::new(),
                    });
                }
            }
        }
        report.findings.sort_by(|a, b| {
            (&a.location.file, a.location.start, &a.rule_id, &a.message).cmp(&(
                &b.location.file,
                b.location.start,
                &b.rule_id,
                &b.message,
            ))
        });
        crate::suppress::apply(&mut report, &documents, &self.suppress);
        sort_problems(&mut report.problems);
        report.documents = documents.into_iter().map(Arc::new).collect();
        report.stats.duration = started.elapsed();
        report
    }
}

fn render_problem(problem: render::RenderProblem) -> Problem {
    if let Some((file, position)) = problem.place {
        return Problem {
            level: problem.level,
            kind: problem.kind,
            file: Some(file),
            position: Some(position),
            rule: None,
            message: problem.message,
        };
    }
    // A template error helm located (a required value, a `fail`, a parse error) is reported at
    // that template line, where the user can open it.
    // The chart's name, without the label of a render with values of its own (`web [prod]`).
    let chart = match problem.name.rsplit_once(" [") {
        Some((chart, label)) if label.ends_with(']') => chart,
        _ => problem.name.as_str(),
    };
    if let Some((file, line, column)) =
        crate::input::helm::error_location(std::path::Path::new(chart), &problem.message)
    {
        return Problem {
            level: problem.level,
            kind: problem.kind,
            file: Some(crate::input::display_name(&file)),
            position: Some(crate::document::Position { line, column }),
            rule: None,
            message: problem.message,
        };
    }
    Problem {
        level: problem.level,
        kind: problem.kind,
        file: Some(problem.name),
        position: None,
        rule: None,
        message: problem.message,
    }
}

fn sort_problems(problems: &mut [Problem]) {
    problems
        .sort_by(|a, b| (&a.file, a.position, &a.message).cmp(&(&b.file, b.position, &b.message)));
}

/// A location in `document` for a byte span.
pub fn location(document: &Document, span: Span) -> Location {
    Location {
        file: document.source.name.clone(),
        span,
        start: document.position(span.start),
        end: document.position(span.end),
    }
}

fn object_ref(document: &Document, object: &Object) -> ObjectRef {
    ObjectRef {
        api_version: object.api_version.clone(),
        kind: object.kind.clone(),
        namespace: object.namespace.clone(),
        name: object.name.clone(),
        location: location(document, object.anchor_span()),
    }
}

/// Reads a path from a rule's `details`: an array of keys and indices, or a dotted string such
/// as `spec.containers[0].image`.
pub fn parse_path(value: &serde_json::Value) -> Option<Vec<PathSegment>> {
    match value {
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                serde_json::Value::String(s) => Some(PathSegment::Key(s.clone())),
                serde_json::Value::Number(n) => n.as_u64().map(|i| PathSegment::Index(i as usize)),
                _ => None,
            })
            .collect(),
        serde_json::Value::String(text) => {
            let mut out = Vec::new();
            for part in text.split('.').filter(|p| !p.is_empty()) {
                let mut rest = part;
                if let Some(open) = rest.find('[') {
                    if open > 0 {
                        out.push(PathSegment::Key(rest[..open].to_string()));
                    }
                    rest = &rest[open..];
                    while let Some(stripped) = rest.strip_prefix('[') {
                        let close = stripped.find(']')?;
                        out.push(PathSegment::Index(stripped[..close].parse().ok()?));
                        rest = &stripped[close + 1..];
                    }
                } else {
                    out.push(PathSegment::Key(rest.to_string()));
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// The span that shows a node: `key: value` for scalars, the key alone for collections, and
/// the first line of a sequence item.
pub(crate) fn node_span(
    document: &Document,
    node: &crate::document::Node,
    key_span: Option<Span>,
) -> Span {
    match key_span {
        Some(key) if node.is_scalar() => key.join(node.span),
        Some(key) => key,
        None => {
            let text = &document.source.text;
            let start = node.span.start.min(text.len());
            let line_end = text[start..]
                .find(['\n', '\r'])
                .map_or(text.len(), |p| start + p);
            Span::new(start, line_end.min(node.span.end.max(start)))
        }
    }
}

/// How many uses of an anchor a merged finding names as related locations.
const MAX_ALIAS_USES_NAMED: usize = 10;

/// One rule's findings on one object, with those that land on the same written text because
/// the object reaches it through YAML aliases merged into one: a container anchored once and
/// aliased three times is one problem to fix, at the anchor. The merged finding lists where the
/// anchor is used as related locations.
fn merge_alias_copies(
    document: &Document,
    object: &Object,
    findings: Vec<Finding>,
) -> Vec<Finding> {
    if document.aliases.is_empty() {
        return findings;
    }
    let through_alias = |finding: &Finding| {
        let resolved = object.root.resolve(&finding.path);
        resolved.depth > 0 && resolved.node.via_alias
    };
    let mut kept: Vec<(Finding, bool)> = Vec::with_capacity(findings.len());
    let mut merged = Vec::new();
    let mut by_span: HashMap<Span, usize> = HashMap::new();
    for finding in findings {
        let aliased = through_alias(&finding);
        match by_span.get(&finding.location.span) {
            Some(&index) if aliased || kept[index].1 => {
                // The copy written at the anchor itself, when the object has one, speaks for all:
                // its path and fix edit the anchor.
                if kept[index].1 && !aliased {
                    kept[index] = (finding, false);
                }
                if !merged.contains(&index) {
                    merged.push(index);
                }
            }
            Some(_) => kept.push((finding, aliased)),
            None => {
                by_span.insert(finding.location.span, kept.len());
                kept.push((finding, aliased));
            }
        }
    }
    for index in merged {
        let finding = &mut kept[index].0;
        let span = finding.location.span;
        let uses: Vec<Span> = document
            .aliases
            .iter()
            .filter(|alias| {
                alias.anchor.start <= span.start
                    && span.end <= alias.anchor.end
                    && object.root.span.start <= alias.site.start
                    && alias.site.end <= object.root.span.end
            })
            .map(|alias| alias.site)
            .collect();
        // Thousands of uses of one anchor are cheap to write and would make every finding on
        // it as long as the file: name the first few and count the rest.
        let unnamed = uses.len().saturating_sub(MAX_ALIAS_USES_NAMED);
        finding
            .related
            .extend(
                uses.iter()
                    .take(MAX_ALIAS_USES_NAMED)
                    .enumerate()
                    .map(|(n, &site)| {
                        let message = if unnamed > 0 && n + 1 == MAX_ALIAS_USES_NAMED {
                            format!("used here too, through an alias (and {unnamed} more times)")
                        } else {
                            "used here too, through an alias".to_string()
                        };
                        RelatedLocation {
                            location: location(document, site),
                            message,
                        }
                    }),
            );
    }
    kept.into_iter().map(|(finding, _)| finding).collect()
}

/// `render_comments`: the `# Source:` comments of `document` when it is a Helm render.
fn make_finding(
    rule: &Rule,
    document: &Document,
    object: &Object,
    object_ref: &ObjectRef,
    render_comments: Option<&[SourceComment]>,
    violation: Violation,
) -> Finding {
    let path = violation
        .details
        .get("path")
        .and_then(parse_path)
        .unwrap_or_default();
    let (span, precision) = if path.is_empty() {
        (object.anchor_span(), Precision::Object)
    } else {
        let resolved = object.root.resolve(&path);
        if resolved.depth == 0 {
            (object.anchor_span(), Precision::Object)
        } else {
            let precision = if resolved.exact {
                Precision::Exact
            } else {
                Precision::Ancestor
            };
            (
                node_span(document, resolved.node, resolved.key_span),
                precision,
            )
        }
    };
    let fix = match rule.meta.fix.applicability {
        Applicability::None => None,
        applicability => violation
            .details
            .get("fix")
            .and_then(parse_fix)
            .map(|ops| Fix {
                title: rule
                    .meta
                    .fix
                    .title
                    .clone()
                    .unwrap_or_else(|| "apply the suggested patch".into()),
                applicability,
                ops,
                target: crate::finding::FixTarget::Object,
            }),
    };
    let shown_path = display_path(&path);
    // Templates from Gatekeeper libraries rarely give a path: the message tells findings apart.
    let distinguishing =
        if shown_path.is_empty() && matches!(rule.origin, RuleOrigin::Gatekeeper(_)) {
            violation.message.as_str()
        } else {
            ""
        };
    // A rendered object is known by its template, not by the release name and namespace it was
    // rendered with, so a baseline survives a change of render arguments.
    let rendered_identity = render_comments
        .and_then(|comments| rendered_identity(comments, object_ref.location.span.start));
    let (namespace, name) = match &rendered_identity {
        Some(identity) => ("", identity.as_str()),
        None => (
            object.namespace.as_deref().unwrap_or(""),
            object.name.as_deref().unwrap_or(""),
        ),
    };
    Finding {
        rule_id: rule.id().to_string(),
        severity: rule.meta.severity,
        message: violation.message.clone(),
        location: location(document, span),
        precision,
        // The file is part of the identity: the same object written in two files is two problems.
        fingerprint: fingerprint(&[
            rule.id(),
            &crate::finding::identity_file(&document.source.name),
            &object.api_version,
            &object.kind,
            namespace,
            name,
            &shown_path,
            distinguishing,
        ]),
        object: object_ref.clone(),
        path,
        fix,
        related: Vec::new(),
        details: violation.details,
        suppression: None,
        rule_related: Vec::new(),
    }
}

fn parse_fix(value: &serde_json::Value) -> Option<Vec<PatchOp>> {
    let ops = value.as_array()?;
    let parsed: Option<Vec<PatchOp>> = ops
        .iter()
        .map(|op| {
            let kind = serde_json::from_value(op.get("op")?.clone()).ok()?;
            let path = parse_path(op.get("path")?)?;
            Some(PatchOp {
                op: kind,
                path,
                value: op.get("value").cloned(),
            })
        })
        .collect();
    parsed.filter(|ops| !ops.is_empty())
}

/// Whether `name` occurs in `text` as a whole token (not inside a longer name).
fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(is_name_char) && !after.is_some_and(|c| is_name_char(c) && c != '.')
    })
}

/// Where a pathless finding on a generated object goes: the one container whose name the
/// message cites, else the pod spec. Returns the path (in the generated object) and the span.
fn place_by_message(
    document: &Document,
    generated: &Object,
    message: &str,
) -> Option<(Vec<PathSegment>, Span)> {
    let pod_spec: Vec<PathSegment> = if generated.kind == "Pod" {
        vec![PathSegment::Key("spec".into())]
    } else {
        ["spec", "template", "spec"]
            .iter()
            .map(|k| PathSegment::Key(k.to_string()))
            .collect()
    };
    let spec = generated.root.resolve(&pod_spec);
    if !spec.exact {
        return None;
    }
    let mut cited = Vec::new();
    for field in ["initContainers", "containers", "ephemeralContainers"] {
        for (i, container) in spec
            .node
            .get(field)
            .map_or(&[][..], |c| c.items())
            .iter()
            .enumerate()
        {
            if let Some(name) = container.entry("name")
                && name.value.as_str().is_some_and(|n| mentions(message, n))
            {
                let mut path = pod_spec.clone();
                path.push(PathSegment::Key(field.into()));
                path.push(PathSegment::Index(i));
                cited.push((path, name.key_span.join(name.value.span)));
            }
        }
    }
    if cited.len() == 1 {
        return cited.pop();
    }
    let span = node_span(document, spec.node, spec.key_span);
    Some((pod_spec, span))
}

fn make_generated_finding(
    rule: &Rule,
    document: &Document,
    generated: &Generated,
    parent_ref: &ObjectRef,
    violation: Violation,
) -> Finding {
    let object = &generated.object;
    let given = violation
        .details
        .get("path")
        .and_then(parse_path)
        .unwrap_or_default();
    let resolved = (!given.is_empty()).then(|| object.root.resolve(&given));
    let (local_path, span, precision) = match resolved {
        Some(r) if r.depth > 0 => (
            given.clone(),
            node_span(document, r.node, r.key_span),
            if r.exact {
                Precision::Exact
            } else {
                Precision::Ancestor
            },
        ),
        _ => match place_by_message(document, object, &violation.message) {
            // The rule named no field: `Object` precision, placed as close as can be proven.
            Some((path, span)) => (path, span, Precision::Object),
            // No pod spec at all: the template itself.
            None => (
                Vec::new(),
                node_span(document, &object.root, None),
                Precision::Object,
            ),
        },
    };
    let mut path = generated.prefix.clone();
    path.extend(local_path);
    let shown_path = display_path(&path);
    let what = if object.kind == "Pod" {
        "pod".to_string()
    } else {
        object.kind.to_ascii_lowercase()
    };
    let severity = generated
        .enforcement_action
        .as_deref()
        .map_or(rule.meta.severity, severity_for_action);
    Finding {
        rule_id: rule.id().to_string(),
        severity,
        message: format!(
            "{} (from the {what} template of {})",
            violation.message, generated.origin
        ),
        location: location(document, span),
        precision,
        fingerprint: fingerprint(&[
            rule.id(),
            &crate::finding::identity_file(&document.source.name),
            &parent_ref.api_version,
            &parent_ref.kind,
            parent_ref.namespace.as_deref().unwrap_or(""),
            parent_ref.name.as_deref().unwrap_or(""),
            &shown_path,
            &violation.message,
        ]),
        object: parent_ref.clone(),
        path,
        fix: None,
        related: Vec::new(),
        details: violation.details,
        suppression: None,
        rule_related: Vec::new(),
    }
}
