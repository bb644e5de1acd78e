//! `kordon scan`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use kordon::document::ProblemKind;
use kordon::fix::FixMode;
use kordon::input::helm::HelmOptions;
use kordon::input::kustomize::KustomizeOptions;
use kordon::input::render::RenderOptions;
use kordon::report::{
    HumanOptions, SarifOptions, render_github, render_human, render_json, render_sarif,
};
use kordon::{Location, Problem, ProblemLevel, ScanReport, Scanner, Severity};

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
    let (scanner, mut report, config_fail_on) = scan_configured(
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
    let to_terminal = args.output.output.is_none() && std::io::stdout().is_terminal();
    let rules = scanner.rules();
    // A user template wins over --format: it is a format of its own.
    let text = match (args.output.format, args.report.template.is_some()) {
        (_, true) | (Format::Markdown, false) => {
            report::render(&report, rules, ReportFormat::Markdown, &args.report)?
        }
        (Format::Html, false) => report::render(&report, rules, ReportFormat::Html, &args.report)?,
        (Format::Csv, false) => report::render(&report, rules, ReportFormat::Csv, &args.report)?,
        (Format::Junit, false) => {
            report::render(&report, rules, ReportFormat::Junit, &args.report)?
        }
        (Format::Human, false) => render_human(
            &report,
            Some(rules),
            HumanOptions {
                color: wants_color(args.output.no_color, to_terminal),
                width: None,
            },
        ),
        (Format::Json, false) if args.output.stats => {
            kordon::report::render_json_with_stats(&report)
        }
        (Format::Json, false) => render_json(&report),
        (Format::Sarif, false) => render_sarif(
            &report,
            rules,
            &SarifOptions {
                src_root: std::env::current_dir().ok(),
                ..SarifOptions::default()
            },
        ),
        (Format::Github, false) => render_github(
            &report,
            Some(rules),
            std::env::current_dir().ok().as_deref(),
        ),
    };
    write_output(args.output.output.as_deref(), &text)?;
    if args.output.stats {
        eprintln!("{}", kordon::report::stats_line(&report));
    }
    if !report.has_errors() && report::below_threshold(&report, rules, &args.report) {
        return Ok(ExitCode::from(1));
    }
    let fail_on = args
        .output
        .fail_on
        .or(config_fail_on)
        .unwrap_or(Severity::Low);
    let code = exit_code(&report, fail_on);
    // The process ends next. Freeing every compiled engine and parsed object one by one only
    // delays the exit: it was a tenth of a one-file scan's instructions.
    std::mem::forget((scanner, report));
    Ok(code)
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

/// Builds the scanner from the request's flags and scans its paths (default: the current
/// directory), with the configuration discovered from the scan root; also returns the
/// configuration's `fail-on`.
pub fn scan_configured(
    request: &ScanRequest<'_>,
    show_progress: bool,
) -> Result<(Scanner, ScanReport, Option<Severity>), String> {
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
    );
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
        scanner.scan_sources(sources)
    } else {
        scanner.scan_paths(&paths)
    };
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    // A configuration is part of the repository, so of a pull request: say so when it, and not
    // a flag, let renderers read more.
    report.problems.extend(widened);
    Ok((scanner, report, prepared.fail_on))
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
) -> (RenderOptions, Vec<Problem>) {
    let mut widened = Vec::new();
    let mut note = |location: &Location, what: &str| {
        widened.push(Problem {
            level: ProblemLevel::Note,
            kind: ProblemKind::Config,
            file: Some(location.file.clone()),
            position: Some(location.start),
            rule: None,
            message: format!(
                "the configuration, not a command-line flag, {what}; a pull request can change \
                 this file, so scan untrusted changes with the flag's default set explicitly or \
                 with --config from a trusted copy"
            ),
        });
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
    let options = RenderOptions {
        enabled: !args.no_render,
        helm: HelmOptions {
            binary: args.helm_bin.clone(),
            values: args.values.clone(),
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
        },
        cache_dir: if args.no_render_cache || config_render_cache == Some(false) {
            None
        } else {
            kordon::input::render_cache::default_dir()
        },
    };
    (options, widened)
}
