//! Charts and kustomizations among the scanned paths: which directories are rendered, which
//! files are left to the render (and so never read as plain YAML), and the renders themselves.
//!
//! The rules, in order:
//! - A directory holding `Chart.yaml` is a Helm chart. Nothing under it is read as plain YAML;
//!   it is rendered with `helm template` (which includes its subcharts, so charts under another
//!   chart are not rendered again). A library chart (`type: library`) is not rendered on its own.
//! - A directory holding `kustomization.yaml`, `kustomization.yml` or `Kustomization` (not
//!   inside a chart) is a kustomization, built with `kubectl kustomize`. Its own files, and
//!   every local file or directory any kustomization of the scan refers to, are left to the
//!   build. A kustomization that another kustomization of the scan refers to (a base, a
//!   component) is scanned as part of that build only, not built again on its own.
//! - Files named directly on the command line are always read, except the templates of a chart.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::helm::{self, HelmOptions};
use super::kustomize::{self, Build, KUSTOMIZATION_FILES, KustomizeOptions, normalize};
use super::{InputOptions, display_name};
use crate::document::{ProblemKind, Source};
use crate::scan::ProblemLevel;

/// How charts and kustomizations are handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Render charts and build kustomizations (default). When false they are skipped with a note.
    pub enabled: bool,
    /// Helm options.
    pub helm: HelmOptions,
    /// Kustomize options.
    pub kustomize: KustomizeOptions,
    /// The folder of the render cache ([`render_cache`](super::render_cache); the CLI uses
    /// [`default_dir`](super::render_cache::default_dir)): a chart or kustomization whose files,
    /// arguments and renderer are unchanged is not rendered again. `None` (the default):
    /// every render runs.
    pub cache_dir: Option<PathBuf>,
    /// Renders of particular charts with values of their own (`helm.charts` in `.kordon.yaml`):
    /// a chart named here is rendered once per entry, instead of once with [`helm`](Self::helm)
    /// alone; other charts are not affected.
    pub charts: Vec<ChartRender>,
    /// Values files for one chart only (`-F CHART=FILE`), as `(chart directory, file)`: read
    /// after every other values file of each render of that chart.
    pub chart_values: Vec<(PathBuf, PathBuf)>,
    /// `--set KEY=VALUE` for one chart only (`--chart-set CHART KEY=VALUE`), as `(chart
    /// directory or packaged chart, KEY=VALUE)`: after every other `--set` of each render of
    /// that chart.
    pub chart_set: Vec<(PathBuf, String)>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            enabled: true,
            helm: HelmOptions::default(),
            kustomize: KustomizeOptions::default(),
            cache_dir: None,
            charts: Vec::new(),
            chart_values: Vec::new(),
            chart_set: Vec::new(),
        }
    }
}

/// One render of a chart with values of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartRender {
    /// The chart directory.
    pub chart: PathBuf,
    /// What the render is called in its name, `deploy/chart [prod] (helm template)`; default:
    /// its values files' names.
    pub name: Option<String>,
    /// Values files, read before those of [`HelmOptions::values`] (a command-line `-F` wins).
    pub values: Vec<PathBuf>,
    /// `--set` overrides, before those of [`HelmOptions::set`].
    pub set: Vec<String>,
    /// The release name, unless [`HelmOptions::release_name`] is given.
    pub release_name: Option<String>,
    /// The namespace, unless [`HelmOptions::namespace`] is given.
    pub namespace: Option<String>,
}

/// How one render of a chart is made: the options, and the label its name carries when the
/// chart has values of its own (`None`: the plain `<dir> (helm template)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartJob {
    /// The chart directory.
    pub dir: PathBuf,
    /// The `helm template` options of this render.
    pub helm: HelmOptions,
    /// The label in the render's name.
    pub label: Option<String>,
}

fn same_dir(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| {
        let p = if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        };
        std::fs::canonicalize(p).unwrap_or_else(|_| normalize(p))
    };
    canonical(a) == canonical(b)
}

/// The renders of the chart in `dir`: one per [`RenderOptions::charts`] entry naming it, else
/// one with the common options; each with the chart's own `-F CHART=FILE` files and
/// `--chart-set CHART KEY=VALUE` values last.
pub fn chart_jobs(dir: &Path, options: &RenderOptions) -> Vec<ChartJob> {
    let own_files: Vec<PathBuf> = options
        .chart_values
        .iter()
        .filter(|(chart, _)| same_dir(chart, dir))
        .map(|(_, file)| file.clone())
        .collect();
    let own_sets: Vec<String> = options
        .chart_set
        .iter()
        .filter(|(chart, _)| same_dir(chart, dir))
        .map(|(_, set)| set.clone())
        .collect();
    let entries: Vec<&ChartRender> = options
        .charts
        .iter()
        .filter(|entry| same_dir(&entry.chart, dir))
        .collect();
    let common = &options.helm;
    if entries.is_empty() {
        let mut helm = common.clone();
        helm.values.extend(own_files);
        helm.set.extend(own_sets);
        return vec![ChartJob {
            dir: dir.to_path_buf(),
            helm,
            label: None,
        }];
    }
    let mut labels: Vec<String> = Vec::new();
    entries
        .into_iter()
        .enumerate()
        .map(|(n, entry)| {
            let mut helm = common.clone();
            helm.values = entry
                .values
                .iter()
                .chain(&common.values)
                .chain(&own_files)
                .cloned()
                .collect();
            helm.set = entry
                .set
                .iter()
                .chain(&common.set)
                .chain(&own_sets)
                .cloned()
                .collect();
            helm.release_name = common
                .release_name
                .clone()
                .or_else(|| entry.release_name.clone());
            helm.namespace = common.namespace.clone().or_else(|| entry.namespace.clone());
            let mut label = entry.name.clone().unwrap_or_else(|| {
                let files: Vec<String> = entry
                    .values
                    .iter()
                    .filter_map(|f| f.file_name())
                    .map(|f| f.to_string_lossy().into_owned())
                    .collect();
                if files.is_empty() {
                    format!("render {}", n + 1)
                } else {
                    files.join(", ")
                }
            });
            // Render names must differ: findings are mapped back by them.
            if labels.contains(&label) {
                label = format!("{label} #{}", n + 1);
            }
            labels.push(label.clone());
            ChartJob {
                dir: dir.to_path_buf(),
                helm,
                label: Some(label),
            }
        })
        .collect()
}

/// A chart or kustomization met while discovering input, or a problem with one.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RenderProblem {
    /// Error (the scan is incomplete), warning or note.
    pub level: ProblemLevel,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// The chart or kustomization directory, or file, as shown.
    pub name: String,
    /// What happened.
    pub message: String,
    /// The file and position the problem is at, when a place more precise than
    /// [`name`](Self::name) is known (the `helmCharts:` entry of a chart that cannot be had).
    pub place: Option<(String, crate::document::Position)>,
}

/// What discovery found, sorted into plain files and directories to render.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    /// Files to read as plain YAML or JSON.
    pub files: Vec<PathBuf>,
    /// Chart directories to render.
    pub charts: Vec<PathBuf>,
    /// Kustomization directories to build, with whether each is a `Component`.
    pub kustomizations: Vec<(PathBuf, bool)>,
    /// Skipped files and other remarks.
    pub problems: Vec<RenderProblem>,
}

/// What produced a rendered source.
#[derive(Debug, Clone)]
pub enum RenderKind {
    /// `helm template` of the chart in this directory.
    Helm {
        /// The chart directory, as given or found.
        chart_dir: PathBuf,
        /// How it was rendered (to render it again with a value changed).
        options: Box<helm::HelmOptions>,
    },
    /// A kustomize build of this directory.
    Kustomize {
        /// The kustomization directory, as given or found.
        dir: PathBuf,
        /// Its kustomization file.
        file: PathBuf,
        /// The build, with the origin of each object.
        build: Build,
    },
}

/// A render, ready to scan.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Rendered {
    /// The rendered text, named `<dir> (helm template)` or `<dir> (kustomize build)`.
    pub source: Source,
    /// Where it came from.
    pub kind: RenderKind,
    /// True when it was read from the render cache, not rendered.
    pub cached: bool,
}

/// The suffixes of rendered texts' names (`<dir> (helm template)`, `<dir> (kustomize build)`).
pub(crate) const RENDER_SUFFIXES: [&str; 2] = [" (helm template)", " (kustomize build)"];

/// Whether `name` names a rendered text rather than a file.
pub(crate) fn is_render_name(name: &str) -> bool {
    RENDER_SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

fn is_under(path: &Path, dir: &Path) -> bool {
    dir.as_os_str().is_empty() || path.starts_with(dir)
}

fn parent_dir(file: &Path) -> PathBuf {
    normalize(file.parent().unwrap_or(Path::new("")))
}

/// The chart a named file sits in, looking up its parents.
fn enclosing_chart(file: &Path) -> Option<PathBuf> {
    let absolute = std::fs::canonicalize(file).ok()?;
    absolute
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("Chart.yaml").is_file())
        .map(Path::to_path_buf)
}

/// Sorts discovered files (see the module documentation for the rules). `roots` are the paths
/// the user named.
pub fn plan(files: Vec<PathBuf>, roots: &[PathBuf]) -> Plan {
    let named: BTreeSet<PathBuf> = roots
        .iter()
        .filter(|r| r.as_os_str() == "-" || !r.is_dir())
        .map(|r| normalize(r))
        .collect();
    let mut plan = Plan::default();

    let mut chart_dirs: Vec<PathBuf> = Vec::new();
    let mut kustomization_dirs: Vec<PathBuf> = Vec::new();
    for file in &files {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == "Chart.yaml" {
            chart_dirs.push(parent_dir(file));
        } else if KUSTOMIZATION_FILES.contains(&name) {
            kustomization_dirs.push(parent_dir(file));
        }
    }
    let mut template_roots: Vec<PathBuf> = Vec::new();
    // A chart's `templates/` folder (or a folder in it) named as a path stands for its chart:
    // the templates are not manifests, and only their chart renders them.
    for root in roots.iter().filter(|r| r.is_dir()) {
        let root = normalize(root);
        let chart = root
            .ancestors()
            .skip(1)
            .take_while(|d| !d.as_os_str().is_empty())
            .find(|d| d.join("Chart.yaml").is_file())
            .filter(|chart| {
                root.strip_prefix(chart)
                    .is_ok_and(|rest| rest.starts_with("templates"))
            })
            .map(Path::to_path_buf)
            .or_else(|| {
                // Named from inside (`.`): the chart is some `..` up.
                let base = if root.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    root.clone()
                };
                let here = std::fs::canonicalize(&base).ok()?;
                let mut up = base;
                for _ in 0..8 {
                    up = up.join("..");
                    let dir = std::fs::canonicalize(&up).ok()?;
                    if dir.join("Chart.yaml").is_file() {
                        return here
                            .strip_prefix(&dir)
                            .is_ok_and(|rest| rest.starts_with("templates"))
                            .then(|| normalize(&up));
                    }
                }
                None
            });
        if let Some(chart) = chart {
            plan.problems.push(RenderProblem {
                level: ProblemLevel::Note,
                kind: ProblemKind::Skipped,
                name: display_name(if root.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    &root
                }),
                message: format!(
                    "templates of the Helm chart in {}: the chart is rendered and scanned instead",
                    display_name(&chart)
                ),
                place: None,
            });
            chart_dirs.push(chart);
            template_roots.push(root);
        }
    }
    chart_dirs.sort_by_key(|d| d.components().count());
    chart_dirs.dedup();
    let mut charts: Vec<PathBuf> = Vec::new();
    for dir in chart_dirs {
        if !charts.iter().any(|c| is_under(&dir, c)) {
            charts.push(dir);
        }
    }
    kustomization_dirs.sort();
    kustomization_dirs.dedup();
    kustomization_dirs.retain(|d| !charts.iter().any(|c| is_under(d, c)));

    let mut referenced_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    let mut consumed_files: BTreeSet<PathBuf> = BTreeSet::new();
    let mut components: HashMap<PathBuf, bool> = HashMap::new();
    // Charts a kustomization inflates (`helmCharts:`), with the kustomization.
    let mut inflated: HashMap<PathBuf, PathBuf> = HashMap::new();
    for dir in &kustomization_dirs {
        match kustomize::read_kustomization(dir) {
            Ok(kustomization) => {
                components.insert(dir.clone(), kustomization.component);
                for chart in &kustomization.helm_charts {
                    inflated.insert(chart.chart_dir.clone(), dir.clone());
                }
                for reference in kustomization.references {
                    if reference != *dir {
                        referenced_dirs.insert(reference.clone());
                    }
                    consumed_files.insert(reference);
                }
            }
            Err(message) => plan.problems.push(RenderProblem {
                level: ProblemLevel::Error,
                kind: ProblemKind::Render,
                name: display_name(dir),
                message,
                place: None,
            }),
        }
    }
    let kustomization_set: BTreeSet<&PathBuf> = kustomization_dirs.iter().collect();
    for dir in &kustomization_dirs {
        if !referenced_dirs.contains(dir) {
            plan.kustomizations
                .push((dir.clone(), components.get(dir).copied().unwrap_or(false)));
        }
    }
    // A chart a kustomization inflates is scanned through that build, with the values the
    // kustomization gives it: rendered on its own too, its findings would come twice.
    for chart in &charts {
        match inflated.get(chart) {
            Some(kustomization) => plan.problems.push(RenderProblem {
                level: ProblemLevel::Note,
                kind: ProblemKind::Skipped,
                name: shown_dir(chart),
                message: format!(
                    "Helm chart inflated by the kustomization in {} (`helmCharts:`): scanned through its build",
                    shown_dir(kustomization)
                ),
                place: None,
            }),
            None => plan.charts.push(chart.clone()),
        }
    }

    let mut seen_archives: BTreeSet<PathBuf> = BTreeSet::new();
    for file in files {
        let normalized = normalize(&file);
        if template_roots
            .iter()
            .any(|root| is_under(&normalized, root))
        {
            continue;
        }
        let is_named = named.contains(&normalized);
        if is_named {
            let chart = enclosing_chart(&file);
            let in_templates = chart.as_ref().is_some_and(|chart| {
                std::fs::canonicalize(&file)
                    .ok()
                    .and_then(|f| f.strip_prefix(chart).ok().map(Path::to_path_buf))
                    .is_some_and(|rest| rest.components().any(|c| c.as_os_str() == "templates"))
            });
            if let (true, Some(chart)) = (in_templates, chart) {
                // A template is no manifest: only its chart renders it, so naming it stands for
                // the chart, as naming the `templates/` folder does. The chart is named as the
                // user named the file (`app/templates/x.yaml` -> `app`) when its path allows.
                let named_chart = normalized
                    .ancestors()
                    .skip(1)
                    .find(|d| {
                        let d = if d.as_os_str().is_empty() {
                            Path::new(".")
                        } else {
                            d
                        };
                        std::fs::canonicalize(d).is_ok_and(|c| c == chart)
                    })
                    .map(|d| {
                        if d.as_os_str().is_empty() {
                            PathBuf::from(".")
                        } else {
                            d.to_path_buf()
                        }
                    })
                    .or_else(|| {
                        // Named from inside the chart: the chart is some `..` up.
                        let mut up = normalized_parent(&file);
                        (0..8).find_map(|_| {
                            up = up.join("..");
                            std::fs::canonicalize(&up)
                                .is_ok_and(|c| c == chart)
                                .then(|| normalize(&up))
                        })
                    })
                    .unwrap_or_else(|| chart.clone());
                plan.problems.push(RenderProblem {
                    level: ProblemLevel::Note,
                    kind: ProblemKind::Skipped,
                    name: display_name(&file),
                    message: format!(
                        "a template of the Helm chart in {}: the chart is rendered and scanned instead",
                        display_name(&named_chart)
                    ),
                    place: None,
                });
                if !plan.charts.contains(&named_chart) {
                    plan.charts.push(named_chart);
                }
                continue;
            }
            if file.file_name().is_some_and(|n| n == "Chart.yaml") {
                if !plan.charts.contains(&normalized_parent(&file)) {
                    plan.charts.push(normalized_parent(&file));
                }
                continue;
            }
            if file
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| KUSTOMIZATION_FILES.contains(&n))
            {
                let dir = normalized_parent(&file);
                if !plan.kustomizations.iter().any(|(d, _)| *d == dir) {
                    let component = kustomize::read_kustomization(&dir)
                        .map(|k| k.component)
                        .unwrap_or(false);
                    plan.kustomizations.push((dir, component));
                }
                continue;
            }
            if file
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(super::chart_archive::is_archive_name)
            {
                // A packaged chart (`helm package`'s output): helm renders it as it is.
                // Named and walked (`kordon scan app.tgz .`), or named twice: one render.
                if plan.charts.contains(&normalized) || !seen_archives.insert(normalized.clone()) {
                    continue;
                }
                match packaged_chart(&file) {
                    Ok(()) => plan.charts.push(normalized),
                    Err(why) => plan.problems.push(RenderProblem {
                        level: ProblemLevel::Error,
                        kind: ProblemKind::Skipped,
                        name: display_name(&file),
                        message: format!("not a packaged Helm chart: {why}"),
                        place: None,
                    }),
                }
                continue;
            }
            plan.files.push(file);
            continue;
        }
        if charts.iter().any(|c| is_under(&normalized, c)) {
            continue;
        }
        let parent = parent_dir(&file);
        if kustomization_set.contains(&parent) || consumed_files.contains(&normalized) {
            continue;
        }
        if file
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(super::chart_archive::is_archive_name)
        {
            // Not under a chart (those are their parent's subcharts, rendered with it): a
            // packaged chart of its own, rendered like one named on the command line.
            // Repositories keep other tarballs too: those are skipped with a note.
            if plan.charts.contains(&normalized) || !seen_archives.insert(normalized.clone()) {
                continue;
            }
            match packaged_chart(&file) {
                Ok(()) => plan.charts.push(normalized),
                Err(why) => plan.problems.push(RenderProblem {
                    level: ProblemLevel::Note,
                    kind: ProblemKind::Skipped,
                    name: display_name(&file),
                    message: format!("skipped: an archive, but not a packaged Helm chart ({why})"),
                    place: None,
                }),
            }
            continue;
        }
        plan.files.push(file);
    }
    plan
}

/// Whether a `.tgz` holds a chart: one top folder with a `Chart.yaml`.
fn packaged_chart(file: &Path) -> Result<(), String> {
    let archive = super::chart_archive::read_archive(file, &display_name(file))?;
    let top = archive.top().unwrap_or_default();
    if archive.members.contains_key(&format!("{top}/Chart.yaml")) {
        Ok(())
    } else if archive.members.contains_key(top) {
        // A file at the top (`README.md`): helm packs a chart in one folder.
        Err(format!(
            "the archive's first entry, `{top}`, is not in a chart folder"
        ))
    } else {
        Err(format!("the archive has no `{top}/Chart.yaml`"))
    }
}

/// What `Chart.yaml` says about a chart folder, or about a packaged chart's top folder.
fn chart_of(dir: &Path) -> Result<helm::Chart, String> {
    if !dir.is_file() {
        return helm::read_chart(dir);
    }
    let archive = super::chart_archive::read_archive(dir, &display_name(dir))?;
    let top = archive.top().unwrap_or_default().to_string();
    let text = archive
        .members
        .get(&format!("{top}/Chart.yaml"))
        .ok_or_else(|| "the archive holds no Chart.yaml".to_string())?;
    let unpacked = tempfile::tempdir().map_err(|e| format!("cannot create a folder: {e}"))?;
    std::fs::write(unpacked.path().join("Chart.yaml"), text)
        .map_err(|e| format!("cannot write a temporary file: {e}"))?;
    let chart = helm::read_chart(unpacked.path())?;
    Ok(helm::Chart {
        dir: dir.to_path_buf(),
        ..chart
    })
}

/// The dependencies `Chart.yaml` declares that `charts/` lacks (neither unpacked nor packaged):
/// helm refuses to render then, and the usual cause is a `charts/` left out of the repository.
fn missing_dependencies(dir: &Path) -> Vec<super::chart_archive::Dependency> {
    let Ok(text) = std::fs::read_to_string(dir.join("Chart.yaml")) else {
        return Vec::new();
    };
    let charts = dir.join("charts");
    let mut present: Vec<String> = Vec::new();
    let mut archives: Vec<String> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&charts) {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Ok(chart) = helm::read_chart(&path) {
                present.push(chart.name);
            } else if super::chart_archive::is_archive_name(&name) {
                archives.push(name);
            }
        }
    }
    super::chart_archive::dependencies(&text)
        .into_iter()
        .filter(|d| {
            !present.contains(&d.name)
                && !archives.iter().any(|a| {
                    a.strip_prefix(d.name.as_str())
                        .is_some_and(|v| v.starts_with('-'))
                })
        })
        .collect()
}

fn normalized_parent(file: &Path) -> PathBuf {
    let parent = parent_dir(file);
    if parent.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        parent
    }
}

fn shown_dir(dir: &Path) -> String {
    if dir.as_os_str().is_empty() {
        ".".into()
    } else {
        display_name(dir)
    }
}

/// Renders one chart with the common options. A chart deliberately not rendered (a library
/// chart, `--no-render`) is an `Err` at note level saying why.
pub fn render_chart(
    dir: &Path,
    options: &RenderOptions,
    input: &InputOptions,
) -> Result<Rendered, RenderProblem> {
    let job = ChartJob {
        dir: dir.to_path_buf(),
        helm: options.helm.clone(),
        label: None,
    };
    render_chart_job(&job, options, input)
}

/// Renders one chart as [`chart_jobs`] planned it (see [`render_chart`]).
pub fn render_chart_job(
    job: &ChartJob,
    options: &RenderOptions,
    input: &InputOptions,
) -> Result<Rendered, RenderProblem> {
    let dir = job.dir.as_path();
    let name = match &job.label {
        Some(label) => format!("{} [{label}]", shown_dir(dir)),
        None => shown_dir(dir),
    };
    let problem = |level, kind, message: String| RenderProblem {
        level,
        kind,
        name: name.clone(),
        message,
        place: None,
    };
    let chart = chart_of(dir).map_err(|m| problem(ProblemLevel::Error, ProblemKind::Render, m))?;
    if chart.library {
        return Err(problem(
            ProblemLevel::Note,
            ProblemKind::Skipped,
            format!(
                "library chart `{}`: it only provides helpers to the charts that depend on it, and is scanned through them",
                chart.name
            ),
        ));
    }
    if !options.enabled {
        return Err(problem(
            ProblemLevel::Note,
            ProblemKind::Skipped,
            "Helm chart not rendered (--no-render); its templates are not scanned".into(),
        ));
    }
    // helm follows symbolic links while loading a chart: one leading out of it would put any
    // file of the machine (`.Files.Get "token"` -> /proc/self/environ) into the render.
    if let Some((link, target)) = super::link_leaving(dir) {
        return Err(problem(
            ProblemLevel::Error,
            ProblemKind::Render,
            format!(
                "not rendered: {} is a symbolic link to {}, outside the chart, and helm would read \
                 it; replace the link with the file (or render the chart yourself and pipe it in)",
                super::display_name(&link),
                target.display()
            ),
        ));
    }
    let chart_dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    };
    let missing = missing_dependencies(&chart_dir);
    if !missing.is_empty() {
        let chart_yaml = display_name(&chart_dir.join("Chart.yaml"));
        let listed = missing
            .iter()
            .map(|d| {
                let from = d
                    .repository
                    .as_deref()
                    .map_or(String::new(), |r| format!(" from {r}"));
                format!("`{}`{from} ({chart_yaml}:{})", d.name, d.line)
            })
            .collect::<Vec<_>>()
            .join(", ");
        return Err(problem(
            ProblemLevel::Error,
            ProblemKind::Render,
            format!(
                "not rendered: Chart.yaml declares {} missing from {}/charts/: {listed}. \
                 Run `helm dependency build {}` and scan again (is charts/ in .gitignore?)",
                if missing.len() == 1 {
                    "a dependency"
                } else {
                    "dependencies"
                },
                shown_dir(dir),
                shown_dir(dir),
            ),
        ));
    }
    let (text, cached) = super::render_cache::through(
        options.cache_dir.as_deref(),
        || super::render_cache::helm_key(&chart_dir, &job.helm),
        |why| why.contains("` failed (exit code "),
        || helm::render_chart(&chart_dir, &job.helm),
    );
    let text = text.map_err(|m| {
        // `-F` reaches every chart of the scan: a chart whose schema refuses another chart's
        // values is the usual result, and scoping the file is the remedy.
        let hint = if !options.helm.values.is_empty()
            && m.contains("meet the specifications of the schema")
        {
            "; the -F/--values files are given to every chart of the scan: give them to one chart \
             with -F CHART=FILE, or bind values to a chart with `helm.charts` in .kordon.yaml"
        } else if !options.helm.set.is_empty()
            && m.contains("meet the specifications of the schema")
        {
            "; --set values are given to every chart of the scan: give them to one chart with \
             --chart-set CHART KEY=VALUE, or bind them to a chart with `helm.charts` in .kordon.yaml"
        } else {
            ""
        };
        problem(
            ProblemLevel::Error,
            ProblemKind::Render,
            format!("{m}{hint}"),
        )
    })?;
    check_size(&text, input).map_err(|m| problem(ProblemLevel::Error, ProblemKind::TooLarge, m))?;
    Ok(Rendered {
        source: Source {
            name: format!("{name} (helm template)"),
            path: None,
            text,
        },
        kind: RenderKind::Helm {
            chart_dir,
            options: Box::new(job.helm.clone()),
        },
        cached,
    })
}

/// Builds one kustomization.
pub fn render_kustomization(
    dir: &Path,
    component: bool,
    options: &RenderOptions,
    input: &InputOptions,
) -> Result<Rendered, RenderProblem> {
    let name = shown_dir(dir);
    let problem = |level, kind, message: String| RenderProblem {
        level,
        kind,
        name: name.clone(),
        message,
        place: None,
    };
    if !options.enabled {
        return Err(problem(
            ProblemLevel::Note,
            ProblemKind::Skipped,
            "kustomization not built (--no-render); its resources are not scanned".into(),
        ));
    }
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    };
    // `helmCharts:` are inflated by the helm charts are rendered with, unless one is named
    // for kustomize alone.
    let mut kustomize_options = options.kustomize.clone();
    if kustomize_options.helm_command.is_none() {
        kustomize_options.helm_command = options.helm.binary.clone();
    }
    // So do `--api-versions` and `--kube-version`: a chart's capabilities do not depend on who
    // runs helm.
    if kustomize_options.helm_api_versions.is_empty() {
        kustomize_options.helm_api_versions = options.helm.api_versions.clone();
    }
    if kustomize_options.helm_kube_version.is_none() {
        kustomize_options.helm_kube_version = options.helm.kube_version.clone();
    }
    if !kustomize_options.allow_remote
        && let Some((file, chart)) = super::kustomize_helm::charts_to_pull(&dir).first()
    {
        let place = std::fs::read_to_string(file).ok().map(|text| {
            let lines = crate::document::LineIndex::new(&text);
            (
                display_name(file),
                lines.position(&text, chart.span.start.min(text.len())),
            )
        });
        return Err(RenderProblem {
            place,
            ..problem(
                ProblemLevel::Error,
                ProblemKind::Render,
                super::kustomize_helm::pull_message(chart),
            )
        });
    }
    let (build, cached) = super::render_cache::through(
        options.cache_dir.as_deref(),
        || super::render_cache::kustomize_key(&dir, component, &kustomize_options),
        |why| why.contains("` failed: "),
        || kustomize::build(&dir, component, &kustomize_options),
    );
    let build = build.map_err(|m| {
        if component {
            // A component usually patches the resources of the kustomization that lists it,
            // so it often cannot be built on its own: that is not a broken input.
            problem(
                ProblemLevel::Warning,
                ProblemKind::Render,
                format!(
                    "kustomize Component that no kustomization in this scan uses could not be built on its own; scan a kustomization that lists it. {m}"
                ),
            )
        } else {
            problem(ProblemLevel::Error, ProblemKind::Render, m)
        }
    })?;
    check_size(&build.text, input)
        .map_err(|m| problem(ProblemLevel::Error, ProblemKind::TooLarge, m))?;
    let file =
        kustomize::kustomization_file(&dir).unwrap_or_else(|| dir.join("kustomization.yaml"));
    Ok(Rendered {
        source: Source {
            name: format!("{name} (kustomize build)"),
            path: None,
            text: build.text.clone(),
        },
        kind: RenderKind::Kustomize { dir, file, build },
        cached,
    })
}

fn check_size(text: &str, input: &InputOptions) -> Result<(), String> {
    if text.len() as u64 > input.max_file_size {
        Err(format!(
            "the render is {} bytes, over the {} byte limit (raise it with --max-file-size)",
            text.len(),
            input.max_file_size
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod chart_job_tests {
    use super::*;

    fn fixture(path: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/helm/bound")
            .join(path)
    }

    #[test]
    fn each_entry_is_a_render_with_its_values_before_the_flags() {
        let options = RenderOptions {
            helm: HelmOptions {
                values: vec!["every.yaml".into()],
                set: vec!["a=1".into()],
                namespace: Some("flag-ns".into()),
                ..HelmOptions::default()
            },
            charts: vec![
                ChartRender {
                    chart: fixture("web"),
                    values: vec!["prod.yaml".into()],
                    set: vec!["b=2".into()],
                    namespace: Some("entry-ns".into()),
                    release_name: Some("web".into()),
                    ..ChartRender::default()
                },
                ChartRender {
                    chart: fixture("web/../web"),
                    values: vec!["prod.yaml".into()],
                    ..ChartRender::default()
                },
                ChartRender {
                    chart: fixture("worker"),
                    name: Some("other".into()),
                    ..ChartRender::default()
                },
            ],
            chart_values: vec![(fixture("web"), "own.yaml".into())],
            chart_set: vec![
                (fixture("web"), "c=x=y".into()),
                (fixture("worker"), "w=1".into()),
            ],
            ..RenderOptions::default()
        };
        let jobs = chart_jobs(&fixture("web"), &options);
        let shown: Vec<String> = jobs
            .iter()
            .map(|job| {
                format!(
                    "{:?} values={:?} set={:?} ns={:?} release={:?}",
                    job.label,
                    job.helm.values,
                    job.helm.set,
                    job.helm.namespace,
                    job.helm.release_name
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                r#"Some("prod.yaml") values=["prod.yaml", "every.yaml", "own.yaml"] set=["b=2", "a=1", "c=x=y"] ns=Some("flag-ns") release=Some("web")"#,
                r#"Some("prod.yaml #2") values=["prod.yaml", "every.yaml", "own.yaml"] set=["a=1", "c=x=y"] ns=Some("flag-ns") release=None"#,
            ]
        );
        // A chart without entries: one render, with its own `-F CHART=FILE` files only.
        let elsewhere = RenderOptions {
            charts: Vec::new(),
            ..options
        };
        let plain = chart_jobs(&fixture("worker"), &elsewhere);
        assert_eq!(plain.len(), 1);
        assert_eq!(plain[0].label, None);
        assert_eq!(plain[0].helm.values, vec![PathBuf::from("every.yaml")]);
        assert_eq!(plain[0].helm.set, ["a=1", "w=1"]);
    }
}
