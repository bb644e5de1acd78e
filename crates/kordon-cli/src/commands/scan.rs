//! `kordon scan`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use kordon::document::ProblemKind;
use kordon::fix::FixMode;
use kordon::input::changed::ChangeScope;
use kordon::input::helm::HelmOptions;
use kordon::input::kustomize::KustomizeOptions;
use kordon::input::render::RenderOptions;
use kordon::report::{
    HumanOptions, SarifOptions, gate_first, hide_below, render_github, render_human, render_json,
    render_sarif, render_short, render_short_problems, summary_line,
};
use kordon::{Location, Problem, ProblemLevel, RuleSet, ScanReport, Scanner, Severity};

use crate::args::{
    ConfigArgs, Format, GitArgs, RenderArgs, ReportFormat, ScanArgs, ScopeArgs, SelectionArgs,
};
use crate::commands::report;
use crate::commands::setup::{prepare, read_baseline};
use crate::output::{wants_color, write_output};

pub fn run(args: ScanArgs) -> Result<ExitCode, String> {
    if args.fix.unsafe_fixes && !(args.fix.fix || args.fix.diff) {
        return Err("--unsafe-fixes only chooses which fixes apply: add --fix or --diff".into());
    }
    let show_progress = !args.output.quiet && std::io::stderr().is_terminal();
    let (scanner, mut report, configured) = scan_configured(
        &ScanRequest {
            paths: &args.paths,
            selection: &args.selection,
            render: &args.render,
            policies: &args.gatekeeper.policies,
            scope: &args.scope,
            config: &args.config,
            git: Some(&args.git),
        },
        show_progress,
    )?;
    if args.fix.fix || args.fix.diff {
        let mode = FixMode {
            unsafe_fixes: args.fix.unsafe_fixes,
        };
        if args.fix.diff {
            return super::fix::print_diffs(&scanner, &report, mode, &args);
        }
        report = super::fix::fix_in_place(&scanner, report, mode, &args.paths, args.output.quiet);
    }
    let rules = scanner.rules();
    let fail_on = args
        .output
        .fail_on
        .or(configured.fail_on)
        .unwrap_or(Severity::Low);
    // Decided on every finding, before the display threshold hides any.
    let code = if !report.has_errors() && report::below_threshold(&report, rules, &args.report) {
        ExitCode::from(1)
    } else {
        exit_code(&report, fail_on)
    };
    let hidden = args
        .output
        .severity
        .or(configured.severity)
        .map(|threshold| (threshold, hide_below(&mut report, threshold)));
    let to_terminal = args.output.output.is_none() && std::io::stdout().is_terminal();
    let color = wants_color(args.output.no_color, to_terminal);
    let view = View {
        fail_on,
        hidden,
        color,
    };
    let text = render_format(args.output.format, &mut report, rules, &args, &view, true)?;
    write_output(args.output.output.as_deref(), &text)?;
    for (format, file) in &args.output.also_write {
        let view = View {
            color: false,
            ..view
        };
        let extra = render_format(*format, &mut report, rules, &args, &view, false)?;
        write_output(Some(file), &extra)?;
    }
    if args.output.stats {
        eprintln!("{}", kordon::report::stats_line(&report));
    }
    // The process ends next. Freeing every compiled engine and parsed object one by one only
    // delays the exit: it was a tenth of a one-file scan's instructions.
    std::mem::forget((scanner, report));
    Ok(code)
}

/// How findings are shown, whatever the format.
#[derive(Clone, Copy)]
struct View {
    fail_on: Severity,
    hidden: Option<(Severity, usize)>,
    color: bool,
}

/// The report in `format`. The `primary` output (standard output or `--output`) of `short`
/// also prints its problems and summary on standard error.
fn render_format(
    format: Format,
    report: &mut ScanReport,
    rules: &RuleSet,
    args: &ScanArgs,
    view: &View,
    primary: bool,
) -> Result<String, String> {
    // A user template wins over --format: it is a format of its own.
    let text = match (format, args.report.template.is_some()) {
        (_, true) | (Format::Markdown, false) => {
            report::render(report, rules, ReportFormat::Markdown, &args.report)?
        }
        (Format::Html, false) => report::render(report, rules, ReportFormat::Html, &args.report)?,
        (Format::Csv, false) => report::render(report, rules, ReportFormat::Csv, &args.report)?,
        (Format::Junit, false) => report::render(report, rules, ReportFormat::Junit, &args.report)?,
        (Format::Human, false) => {
            let mut text = gate_first_while(report, view.fail_on, |report| {
                render_human(
                    report,
                    Some(rules),
                    HumanOptions {
                        color: view.color,
                        width: None,
                    },
                )
            });
            if let Some(line) = hidden_line(view.hidden) {
                text.push_str(&line);
            }
            text
        }
        (Format::Short, false) => {
            // Standard output holds only finding lines, for editors and `grep`; the rest is
            // for the person at the terminal.
            if primary {
                let mut rest = render_short_problems(report);
                rest.push_str(&summary_line(report));
                rest.push('\n');
                if let Some(line) = hidden_line(view.hidden) {
                    rest.push_str(&line);
                }
                eprint!("{rest}");
            }
            gate_first_while(report, view.fail_on, render_short)
        }
        (Format::Json, false) if args.output.stats => {
            kordon::report::render_json_with_stats(report)
        }
        (Format::Json, false) => render_json(report),
        (Format::Sarif, false) => render_sarif(
            report,
            rules,
            &SarifOptions {
                src_root: std::env::current_dir().ok(),
                ..SarifOptions::default()
            },
        ),
        (Format::Github, false) => {
            render_github(report, Some(rules), std::env::current_dir().ok().as_deref())
        }
    };
    Ok(text)
}

/// `render` applied to the report with its failing findings first; the report's own order
/// (file, position, rule), which the other formats and `--fix` rely on, is kept.
fn gate_first_while(
    report: &mut ScanReport,
    gate: Severity,
    render: impl FnOnce(&ScanReport) -> String,
) -> String {
    let order = report.findings.clone();
    gate_first(report, gate);
    let text = render(report);
    report.findings = order;
    text
}

/// The flag groups a scan is built from, shared by `scan`, `report` and `baseline write`.
pub struct ScanRequest<'a> {
    pub paths: &'a [PathBuf],
    pub selection: &'a SelectionArgs,
    pub render: &'a RenderArgs,
    pub policies: &'a [PathBuf],
    pub scope: &'a ScopeArgs,
    pub config: &'a ConfigArgs,
    /// `--staged`, `--diff-base` and `--baseline`, for the commands that have them.
    pub git: Option<&'a GitArgs>,
}

/// The configuration's thresholds, which the flags override.
pub struct Configured {
    /// `fail-on`.
    pub fail_on: Option<Severity>,
    /// `severity`: the lowest severity shown.
    pub severity: Option<Severity>,
}

/// Builds the scanner from the request's flags and scans its paths (default: the current
/// directory), with the configuration discovered from the scan root; also returns the
/// configuration's thresholds.
pub fn scan_configured(
    request: &ScanRequest<'_>,
    show_progress: bool,
) -> Result<(Scanner, ScanReport, Configured), String> {
    let ScanRequest {
        paths,
        selection,
        render,
        policies,
        scope,
        config,
        git,
    } = *request;
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let prepared = prepare(&paths, selection, config)?;
    let (render_options, widened) = render_options(
        render,
        prepared.kustomize_unrestricted_loads.as_ref(),
        prepared.kustomize_allow_remote.as_ref(),
        prepared.render_cache,
    )?;
    let mut builder = prepared.builder.render(render_options);
    let mut suppress = prepared.suppress;
    if let Some(git) = git {
        if let Some(path) = &git.baseline
            && !config.no_ignore
        {
            suppress.baseline = Some(read_baseline(path)?);
        }
        if let Some(rev) = &git.diff_base {
            suppress.changes = Some(
                kordon::git::changed_since(&git_start(&paths), rev).map_err(|e| e.to_string())?,
            );
        }
    }
    builder = builder.suppressions(suppress);
    for path in policies {
        builder = builder.policy(path);
    }
    // The staged files are the part of the repository a commit changes.
    let staged = git.is_some_and(|g| g.staged);
    builder = builder.partial(scope.partial || staged);
    for path in &scope.context {
        builder = builder.context(path);
    }
    if let Some(namespace) = &scope.default_namespace {
        builder = builder.default_namespace(namespace);
    }
    if show_progress {
        let started = std::time::Instant::now();
        builder = builder.on_progress(move |p| {
            let phase = if p.evaluating {
                "evaluating"
            } else {
                "reading"
            };
            eprint!(
                "\r\x1b[2K{phase}: {}/{} files, {} objects, {:.1}s",
                p.files_done,
                p.files_total,
                p.objects,
                started.elapsed().as_secs_f64()
            );
        });
    }
    let scanner = builder.build().map_err(|e| e.to_string())?;
    let given_paths = paths != [PathBuf::from(".")] && !paths.iter().any(|p| p.as_os_str() == "-");
    let mut report = if staged {
        let here = std::env::current_dir().map_err(|e| e.to_string())?;
        let given: Vec<PathBuf> = if paths == [PathBuf::from(".")] {
            Vec::new()
        } else {
            paths.clone()
        };
        let mut sources =
            kordon::git::staged_sources(&here, &here, &given).map_err(|e| e.to_string())?;
        sources.retain(|s| s.path.as_deref().is_none_or(|p| !scanner.is_excluded(p)));
        let changed: Vec<PathBuf> = sources.iter().filter_map(|s| s.path.clone()).collect();
        let change = ChangeScope::new(&changed, scanner.context_paths(), scanner.input_options());
        let (plain, in_renders): (Vec<_>, Vec<_>) = sources
            .into_iter()
            .filter(|s| s.path.as_ref().is_none_or(|p| !change.skipped.contains(p)))
            .partition(|s| s.path.as_ref().is_none_or(|p| change.plain.contains(p)));
        let mut report = scanner.scan_paths_and_sources(&change.renders, plain);
        change.retain_changed(&mut report);
        report
            .problems
            .extend(in_renders.iter().filter_map(staged_differs));
        report
    } else if scope.partial && given_paths {
        let change = ChangeScope::new(&paths, scanner.context_paths(), scanner.input_options());
        let mut report = scanner.scan_paths(&change.targets());
        change.retain_changed(&mut report);
        report
    } else {
        scanner.scan_paths(&paths)
    };
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    // A configuration is part of the repository, so of a pull request: say so when it, and not
    // a flag, let renderers read more.
    report.problems.extend(widened);
    let configured = Configured {
        fail_on: prepared.fail_on,
        severity: prepared.severity,
    };
    Ok((scanner, report, configured))
}

/// `3 more findings below high not shown: …`, when the display threshold hid some.
fn hidden_line(hidden: Option<(Severity, usize)>) -> Option<String> {
    match hidden {
        Some((threshold, count)) if count > 0 => Some(format!(
            "{count} more finding{} below {threshold} not shown: --severity info shows {}\n",
            if count == 1 { "" } else { "s" },
            if count == 1 { "it" } else { "them" }
        )),
        _ => None,
    }
}

/// A note when a staged file of a chart or kustomization differs from its working-tree copy:
/// renders read the working tree (under pre-commit, which stashes unstaged changes, the two
/// are the same).
fn staged_differs(source: &kordon::document::Source) -> Option<Problem> {
    let path = source.path.as_deref()?;
    let on_disk = std::fs::read(path).ok();
    if on_disk.as_deref() == Some(source.text.as_bytes()) {
        return None;
    }
    let mut problem = Problem::new(
        ProblemLevel::Warning,
        ProblemKind::Render,
        "rendered from the working tree, whose copy differs from the staged one; \
         stage or stash the rest of the change to scan exactly what is committed",
    );
    problem.file = Some(source.name.clone());
    Some(problem)
}

/// Where to look for the git repository: the first path (its folder for a file), else here.
fn git_start(paths: &[PathBuf]) -> PathBuf {
    match paths.first() {
        Some(p) if p.is_dir() => p.clone(),
        Some(p) => p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), |d| d.to_path_buf()),
        None => PathBuf::from("."),
    }
}

/// 2 when the scan is incomplete, 1 for findings at or above the threshold, else 0.
pub fn exit_code(report: &ScanReport, fail_on: Severity) -> ExitCode {
    if report.has_errors() {
        ExitCode::from(2)
    } else if report.findings.iter().any(|f| f.severity >= fail_on) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The render options from the flags, over the configuration's `kustomize` settings (a flag
/// wins); also the notes to report for what the configuration widened.
fn render_options(
    args: &RenderArgs,
    config_unrestricted_loads: Option<&(bool, Location)>,
    config_allow_remote: Option<&(bool, Location)>,
    config_render_cache: Option<bool>,
) -> Result<(RenderOptions, Vec<Problem>), String> {
    let mut widened = Vec::new();
    let mut note = |location: &Location, what: &str| {
        let mut problem = Problem::new(
            ProblemLevel::Note,
            ProblemKind::Config,
            format!(
                "the configuration, not a command-line flag, {what}; a pull request can change \
                 this file, so scan untrusted changes with the flag's default set explicitly or \
                 with --config from a trusted copy"
            ),
        );
        problem.file = Some(location.file.clone());
        problem.position = Some(location.start);
        widened.push(problem);
    };
    let unrestricted_loads = match (args.kustomize_load_restrictor, config_unrestricted_loads) {
        (Some(flag), _) => flag == crate::args::LoadRestrictor::None,
        (None, Some((true, at))) => {
            note(
                at,
                "lets kustomizations read any file of this machine (kustomize.load-restrictor: none)",
            );
            true
        }
        (None, _) => false,
    };
    let allow_remote = match (args.kustomize_allow_remote, config_allow_remote) {
        (true, _) => true,
        (false, Some((true, at))) => {
            note(
                at,
                "lets kustomizations fetch remote resources over the network (kustomize.allow-remote: true)",
            );
            true
        }
        (false, _) => false,
    };
    let (values, chart_values) = split_values(&args.values)?;
    let chart_set = chart_sets(&args.chart_set)?;
    let options = RenderOptions {
        enabled: !args.no_render,
        helm: HelmOptions {
            binary: args.helm_bin.clone(),
            values,
            set: args.set.clone(),
            release_name: args.release_name.clone(),
            namespace: args.namespace.clone(),
            kube_version: args.kube_version.clone(),
            api_versions: args.api_versions.clone(),
            skip_crds: args.skip_crds,
            skip_tests: args.skip_tests,
        },
        kustomize: KustomizeOptions {
            binary: args.kustomize_bin.clone(),
            unrestricted_loads,
            allow_remote,
            helm_command: args.helm_bin.clone(),
            helm_api_versions: args.api_versions.clone(),
            helm_kube_version: args.kube_version.clone(),
        },
        cache_dir: if args.no_render_cache || config_render_cache == Some(false) {
            None
        } else {
            kordon::input::render_cache::default_dir()
        },
        charts: Vec::new(),
        chart_values,
        chart_set,
    };
    Ok((options, widened))
}

/// `--chart-set CHART KEY=VALUE` pairs, as `(chart, KEY=VALUE)`: CHART must be a chart
/// directory or a packaged chart, and the value helm's `KEY=VALUE` form.
fn chart_sets(args: &[String]) -> Result<Vec<(PathBuf, String)>, String> {
    args.chunks(2)
        .map(|pair| {
            let [chart, set] = pair else {
                return Err("--chart-set takes two arguments: CHART KEY=VALUE".to_string());
            };
            let chart = PathBuf::from(chart);
            let is_chart = chart.join("Chart.yaml").is_file()
                || (chart.is_file()
                    && chart
                        .to_str()
                        .is_some_and(kordon::input::chart_archive::is_archive_name));
            if !is_chart {
                return Err(format!(
                    "--chart-set {} {set}: {} is not a Helm chart (a directory with Chart.yaml,                      or a packaged .tgz)",
                    chart.display(),
                    chart.display()
                ));
            }
            if !set.contains('=') || set.starts_with('=') {
                return Err(format!(
                    "--chart-set {} {set}: the value must be KEY=VALUE, as `helm template --set` takes it",
                    chart.display()
                ));
            }
            Ok((chart, set.clone()))
        })
        .collect()
}

/// Values files for one chart each, as `(chart directory, file)`.
type ChartValues = Vec<(PathBuf, PathBuf)>;

/// `-F FILE` (every chart) and `-F CHART=FILE` (that chart only), in order. A value naming an
/// existing file is a file, whatever it holds; otherwise the part before the first `=` must be
/// a chart directory.
fn split_values(values: &[PathBuf]) -> Result<(Vec<PathBuf>, ChartValues), String> {
    let mut every = Vec::new();
    let mut scoped = Vec::new();
    for value in values {
        let text = value.to_string_lossy();
        let split = text
            .split_once('=')
            .filter(|_| !value.is_file())
            .map(|(chart, file)| (PathBuf::from(chart), PathBuf::from(file)));
        match split {
            None => every.push(value.clone()),
            Some((chart, file)) => {
                let dir = if chart.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    chart
                };
                if !dir.join("Chart.yaml").is_file() {
                    return Err(format!(
                        "--values {text}: {} is not a Helm chart directory (no Chart.yaml); \
                         use -F FILE for every chart or -F CHART=FILE for one",
                        dir.display()
                    ));
                }
                scoped.push((dir, file));
            }
        }
    }
    Ok((every, scoped))
}
