//! Scanning the files a change touches (a commit, a pull request) as parts of what they belong
//! to: a chart template, a values file or a kustomize patch means nothing on its own, so the
//! chart or the kustomization that holds it is rendered instead, once however many of its
//! files changed, and only the findings located in the changed files are reported.
//!
//! A file that feeds a whole render rather than one place of it (a chart's `values.yaml`,
//! `Chart.yaml` or `_helpers.tpl`, a kustomization file) changes every object of that render:
//! all of the render's findings count as located in the change.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::kustomize::{self, kustomization_file};
use super::render;
use super::{InputOptions, discover, is_manifest_name};
use crate::finding::{Suppression, SuppressionKind};
use crate::scan::ScanReport;

/// What a set of changed paths means for a scan: what to scan, and which findings belong to
/// the change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeScope {
    /// The changed paths that belong to no chart or kustomization: scanned as they are.
    pub plain: Vec<PathBuf>,
    /// The directories of the charts and kustomizations the other changed paths belong to,
    /// each once, relative to the current directory when under it.
    pub renders: Vec<PathBuf>,
    /// Changed Helm helpers (`.tpl`) outside any chart: neither renderable nor manifests.
    pub skipped: Vec<PathBuf>,
    /// The changed files and directories, canonical.
    changed: BTreeSet<PathBuf>,
    /// Render directories (canonical) with a changed input that feeds all of the render.
    whole_renders: BTreeSet<PathBuf>,
    /// Render directories (canonical) among the targets.
    rendered: BTreeSet<PathBuf>,
}

impl ChangeScope {
    /// Sorts `changed` (files or directories) into what to scan. `repository` (the context
    /// paths of a partial scan, or the current directory) is searched for the kustomizations
    /// that use a changed file: of a base built by two overlays, both overlays are built, since
    /// each is what the base deploys as.
    pub fn new(changed: &[PathBuf], repository: &[PathBuf], input: &InputOptions) -> ChangeScope {
        let here = std::env::current_dir()
            .ok()
            .and_then(|d| std::fs::canonicalize(d).ok());
        let shown = |path: &Path| -> PathBuf {
            here.as_deref()
                .and_then(|h| path.strip_prefix(h).ok())
                .map(|p| {
                    if p.as_os_str().is_empty() {
                        PathBuf::from(".")
                    } else {
                        p.to_path_buf()
                    }
                })
                .unwrap_or_else(|| path.to_path_buf())
        };
        let mut scope = ChangeScope::default();
        let mut plan: Option<render::Plan> = None;
        let mut kustomizations: Option<Vec<Closure>> = None;
        let mut dependants: Option<Vec<(PathBuf, PathBuf)>> = None;
        let add_render = |scope: &mut ChangeScope, target: PathBuf| {
            if !scope.renders.contains(&target) {
                scope.renders.push(target);
            }
        };
        for path in changed {
            let Ok(canonical) = std::fs::canonicalize(path) else {
                // A deleted or unreadable path: the scan reports it.
                scope.plain.push(path.clone());
                continue;
            };
            scope.changed.insert(canonical.clone());
            if let Some(chart) = outermost_chart(&canonical) {
                if !is_template(&canonical) {
                    scope.whole_renders.insert(chart.clone());
                }
                // A chart that others use through `file://` (a library of helpers, a shared
                // subchart) is deployed as part of each of them: they are rendered too, and
                // the dependency feeds all of each render.
                let dependants = dependants
                    .get_or_insert_with(|| {
                        chart_dependants(
                            plan.get_or_insert_with(|| repository_plan(repository, input)),
                        )
                    })
                    .iter()
                    .filter(|(dependency, _)| canonical.starts_with(dependency))
                    .map(|(_, dependant)| dependant.clone())
                    .collect::<Vec<_>>();
                // A library chart cannot be rendered on its own; its dependants stand for it.
                let library = super::helm::read_chart(&chart).is_ok_and(|c| c.library);
                if !library || dependants.is_empty() {
                    scope.rendered.insert(chart.clone());
                    add_render(&mut scope, shown(&chart));
                }
                for dependant in dependants {
                    scope.whole_renders.insert(dependant.clone());
                    scope.rendered.insert(dependant.clone());
                    add_render(&mut scope, shown(&dependant));
                }
                continue;
            }
            if canonical.extension().is_some_and(|e| e == "tpl") {
                // A Helm helper outside any chart here is nothing kordon can render or read
                // (hooks pass `.tpl` files for the charts they belong to).
                scope.skipped.push(path.clone());
                continue;
            }
            let closures = kustomizations.get_or_insert_with(|| {
                closures(plan.get_or_insert_with(|| repository_plan(repository, input)))
            });
            let users: Vec<&Closure> = closures
                .iter()
                .filter(|c| canonical.is_file() && c.uses(&canonical))
                .collect();
            if users.is_empty() {
                scope.plain.push(path.clone());
                continue;
            }
            for closure in users {
                if closure.kustomization_files.contains(&canonical) {
                    scope.whole_renders.insert(closure.root.clone());
                }
                scope.rendered.insert(closure.root.clone());
                add_render(&mut scope, shown(&closure.root));
            }
        }
        scope
    }

    /// What to scan: the plain paths, then the render directories.
    pub fn targets(&self) -> Vec<PathBuf> {
        self.plain.iter().chain(&self.renders).cloned().collect()
    }

    /// Moves the findings not located in the change to `report.suppressed`, so they are counted
    /// but not reported.
    pub fn retain_changed(&self, report: &mut ScanReport) {
        let findings = std::mem::take(&mut report.findings);
        for mut finding in findings {
            let in_change = self.names_changed(report, &finding.location.file)
                || std::iter::once(&finding.location.file)
                    .chain(finding.related.iter().map(|r| &r.location.file))
                    .filter_map(|name| render_dir(name))
                    .any(|dir| {
                        self.whole_renders.contains(&dir)
                            // Placed nowhere but in the render: it cannot be shown out of the
                            // change, so it is reported.
                            || (self.rendered.contains(&dir)
                                && render_dir(&finding.location.file).is_some())
                    });
            if in_change {
                report.findings.push(finding);
            } else {
                finding.suppression = Some(Suppression {
                    kind: SuppressionKind::External,
                    reason: "not in the changed files".into(),
                    location: None,
                });
                report.suppressed.push(finding);
            }
        }
    }

    fn names_changed(&self, report: &ScanReport, name: &str) -> bool {
        let path = report
            .source(name)
            .and_then(|s| s.path.clone())
            .unwrap_or_else(|| PathBuf::from(name));
        std::fs::canonicalize(path)
            .is_ok_and(|p| self.changed.iter().any(|changed| p.starts_with(changed)))
    }
}

/// The directory a rendered text's name (`<dir> (helm template)`) names, canonical.
fn render_dir(name: &str) -> Option<PathBuf> {
    let dir = render::RENDER_SUFFIXES
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))?;
    std::fs::canonicalize(dir).ok()
}

/// The outermost chart holding `path` (a subchart is rendered by the chart that holds it).
fn outermost_chart(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .filter(|dir| dir.join("Chart.yaml").is_file())
        .last()
        .map(Path::to_path_buf)
}

/// Whether `path` is a manifest template of the chart it sits in (one place of the render),
/// rather than something every template may read (values, helpers, the chart's metadata).
fn is_template(path: &Path) -> bool {
    let Some(chart) = path
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("Chart.yaml").is_file())
    else {
        return false;
    };
    is_manifest_name(path)
        && path
            .strip_prefix(chart)
            .ok()
            .and_then(|rest| rest.components().next())
            .is_some_and(|first| first.as_os_str() == "templates")
}

/// The charts of `plan` that depend on another chart of the repository through `file://`, as
/// (dependency, dependant) pairs, canonical.
fn chart_dependants(plan: &render::Plan) -> Vec<(PathBuf, PathBuf)> {
    let mut pairs = Vec::new();
    for chart in &plan.charts {
        let Ok(dependant) = std::fs::canonicalize(chart) else {
            continue;
        };
        for dependency in file_dependencies(&dependant) {
            pairs.push((dependency, dependant.clone()));
        }
    }
    pairs
}

/// The chart directories `chart/Chart.yaml` names as `file://` dependencies, canonical. What
/// cannot be read names none: the render itself reports a broken `Chart.yaml`.
fn file_dependencies(chart: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(chart.join("Chart.yaml")) else {
        return Vec::new();
    };
    super::chart_archive::dependencies(&text)
        .into_iter()
        .filter_map(|dependency| {
            let relative = dependency.repository?.strip_prefix("file://")?.to_string();
            std::fs::canonicalize(chart.join(relative)).ok()
        })
        .filter(|dir| dir.join("Chart.yaml").is_file())
        .collect()
}

/// A kustomization that no other one uses, with everything its build reads.
#[derive(Debug)]
struct Closure {
    /// Its directory, canonical.
    root: PathBuf,
    /// The files and directories it reads, directly or through the kustomizations it uses.
    paths: BTreeSet<PathBuf>,
    /// The kustomization directories it builds, itself included.
    dirs: BTreeSet<PathBuf>,
    /// Their kustomization files.
    kustomization_files: BTreeSet<PathBuf>,
}

impl Closure {
    fn uses(&self, file: &Path) -> bool {
        self.paths.contains(file)
            || self.kustomization_files.contains(file)
            || file.parent().is_some_and(|dir| self.dirs.contains(dir))
    }
}

/// What `render::plan` would render and build in `repository` (the current directory when
/// empty): read once, for both the kustomizations and the charts a change may reach.
fn repository_plan(repository: &[PathBuf], input: &InputOptions) -> render::Plan {
    let roots: Vec<PathBuf> = if repository.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        repository.to_vec()
    };
    let (files, _) = discover(&roots, input);
    render::plan(files, &roots)
}

/// The kustomizations of `plan`, with what each reads.
fn closures(plan: &render::Plan) -> Vec<Closure> {
    plan.kustomizations
        .iter()
        .filter_map(|(dir, _)| closure(dir))
        .collect()
}

fn closure(root: &Path) -> Option<Closure> {
    let mut closure = Closure {
        root: std::fs::canonicalize(root).ok()?,
        paths: BTreeSet::new(),
        dirs: BTreeSet::new(),
        kustomization_files: BTreeSet::new(),
    };
    let mut pending = vec![closure.root.clone()];
    while let Some(dir) = pending.pop() {
        if !closure.dirs.insert(dir.clone()) {
            continue;
        }
        if let Some(file) = kustomization_file(&dir).and_then(|f| std::fs::canonicalize(f).ok()) {
            closure.kustomization_files.insert(file);
        }
        // A kustomization that cannot be read is reported by the scan's own plan.
        let Ok(kustomization) = kustomize::read_kustomization(&dir) else {
            continue;
        };
        for reference in kustomization.references {
            let Ok(reference) = std::fs::canonicalize(&reference) else {
                continue;
            };
            if reference.is_dir() && kustomization_file(&reference).is_some() {
                pending.push(reference.clone());
            }
            closure.paths.insert(reference);
        }
    }
    Some(closure)
}
