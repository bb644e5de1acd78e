//! The scan pipeline: read → parse → evaluate → locate. The one entry point for the CLI and for
//! embedders.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::document::{
    Document, Object, ParseLimits, PathSegment, Position, ProblemKind, Source, Span, display_path,
};
use crate::engine::{Evaluator, Violation, inventory};
use crate::finding::{
    Applicability, Finding, Fix, Location, ObjectRef, PatchOp, Precision, RelatedLocation,
    fingerprint,
};
use crate::input::{ExcludeSet, InputOptions, discover, read_source};
use crate::rules::{DUPLICATE_KEY_RULE, Rule, RuleLoadError, RuleSet};
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

/// Counts describing a scan.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
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
    /// Wall time of the whole scan.
    #[serde(serialize_with = "serialize_millis")]
    pub duration: Duration,
}

fn serialize_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0 * 10.0).round() / 10.0)
}

/// One (rule, object) evaluation, kept so reports can count what passed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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

/// Builds a [`Scanner`].
#[derive(Clone)]
pub struct ScannerBuilder {
    rules: Option<RuleSet>,
    rule_dirs: Vec<PathBuf>,
    input: InputOptions,
    limits: ParseLimits,
    rule_timeout: Duration,
    jobs: Option<usize>,
    progress: Option<ProgressFn>,
    suppress: SuppressOptions,
    exclude: Option<ExcludeSet>,
}

impl Default for ScannerBuilder {
    fn default() -> Self {
        ScannerBuilder {
            rules: None,
            rule_dirs: Vec::new(),
            input: InputOptions::default(),
            limits: ParseLimits::default(),
            rule_timeout: Duration::from_secs(5),
            jobs: None,
            progress: None,
            suppress: SuppressOptions::default(),
            exclude: None,
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

    /// Loads the rules and builds the scanner.
    pub fn build(self) -> Result<Scanner, BuildError> {
        let mut rules = match self.rules {
            Some(rules) => rules,
            None => RuleSet::builtin().map_err(BuildError::Rules)?,
        };
        for dir in &self.rule_dirs {
            rules.add_dir(dir).map_err(BuildError::Rules)?;
        }
        let pool = match self.jobs {
            Some(jobs) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(jobs)
                    .build()
                    .map_err(|e| BuildError::Threads(e.to_string()))?,
            ),
            None => None,
        };
        let evaluator = Evaluator::new(rules.rules(), self.rule_timeout);
        Ok(Scanner {
            rules,
            evaluator,
            input: self.input,
            limits: self.limits,
            pool,
            progress: self.progress,
            suppress: self.suppress,
            exclude: self.exclude,
        })
    }
}

/// Scans manifests against a rule set. Build one with [`Scanner::builder`]; reuse it for many
/// scans (compiled rules are kept).
pub struct Scanner {
    rules: RuleSet,
    evaluator: Evaluator,
    input: InputOptions,
    limits: ParseLimits,
    pool: Option<rayon::ThreadPool>,
    progress: Option<ProgressFn>,
    suppress: SuppressOptions,
    exclude: Option<ExcludeSet>,
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

    /// Whether configuration excludes this file from scans.
    pub fn is_excluded(&self, path: &std::path::Path) -> bool {
        self.exclude.as_ref().is_some_and(|e| e.is_excluded(path))
    }

    fn in_pool<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.pool {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }

    /// Scans files and directories (`-` reads standard input).
    pub fn scan_paths(&self, paths: &[PathBuf]) -> ScanReport {
        let started = Instant::now();
        let (mut files, walk_problems) = discover(paths, &self.input);
        files.retain(|f| !self.is_excluded(f));
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
        let read: Vec<_> = self.in_pool(|| {
            files
                .par_iter()
                .map(|f| read_source(f, &self.input))
                .collect()
        });
        let mut sources = Vec::new();
        for result in read {
            match result {
                Ok(source) => sources.push(source),
                Err(p) => problems.push(Problem {
                    level: ProblemLevel::Error,
                    kind: p.kind,
                    file: Some(p.name),
                    position: None,
                    rule: None,
                    message: p.message,
                }),
            }
        }
        let mut report = self.scan_sources(sources);
        report.problems.extend(problems);
        sort_problems(&mut report.problems);
        report.stats.duration = started.elapsed();
        report
    }

    /// Scans texts held in memory.
    pub fn scan_sources(&self, sources: Vec<Source>) -> ScanReport {
        let started = Instant::now();
        let total = sources.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let found = std::sync::atomic::AtomicUsize::new(0);
        let documents: Vec<Document> = self.in_pool(|| {
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
        let mut report = self.scan_documents(documents);
        report.stats.duration = started.elapsed();
        report
    }

    /// Scans documents that are already parsed.
    pub fn scan_documents(&self, documents: Vec<Document>) -> ScanReport {
        let started = Instant::now();
        let mut report = ScanReport::default();
        let mut objects: Vec<(&Document, &Object)> = Vec::new();
        for document in &documents {
            report.stats.files += 1;
            report.stats.bytes += document.source.text.len();
            report.sources.push(document.source.clone());
            for problem in &document.problems {
                report.problems.push(Problem {
                    level: ProblemLevel::Error,
                    kind: problem.kind,
                    file: Some(document.source.name.clone()),
                    position: problem.offset.map(|o| document.position(o)),
                    rule: None,
                    message: problem.message.clone(),
                });
            }
            for object in &document.objects {
                objects.push((document, object));
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

        let plain: Vec<&Object> = objects.iter().map(|(_, o)| *o).collect();
        let inventory = inventory(&plain);
        let verdicts = self.in_pool(|| self.evaluator.evaluate(&plain, &inventory));
        let mut rules_seen = std::collections::BTreeSet::new();
        let mut broken_rules = std::collections::BTreeSet::new();
        for verdict in verdicts {
            let rule = self.evaluator.rule(verdict.rule);
            let (document, object) = objects[verdict.object];
            rules_seen.insert(verdict.rule);
            report.stats.checks += 1;
            match verdict.outcome {
                Ok(violations) => {
                    report.checks.push(Check {
                        rule: Arc::from(rule.id()),
                        object: verdict.object,
                        violations: violations.len(),
                    });
                    for violation in violations {
                        report.findings.push(make_finding(
                            rule,
                            document,
                            object,
                            &report.objects[verdict.object],
                            violation,
                        ));
                    }
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
                                "rule `{}` failed on {}: {}",
                                rule.id(),
                                object.display_name(),
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
        report.stats.duration = started.elapsed();
        report
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
fn node_span(document: &Document, node: &crate::document::Node, key_span: Option<Span>) -> Span {
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

fn make_finding(
    rule: &Rule,
    document: &Document,
    object: &Object,
    object_ref: &ObjectRef,
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
            }),
    };
    let shown_path = display_path(&path);
    Finding {
        rule_id: rule.id().to_string(),
        severity: rule.meta.severity,
        message: violation.message,
        location: location(document, span),
        precision,
        fingerprint: fingerprint(&[
            rule.id(),
            &object.api_version,
            &object.kind,
            object.namespace.as_deref().unwrap_or(""),
            object.name.as_deref().unwrap_or(""),
            &shown_path,
        ]),
        object: object_ref.clone(),
        path,
        fix,
        related: Vec::new(),
        details: violation.details,
        suppression: None,
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
