//! `kordon scan`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use kordon::fix::FixMode;
use kordon::input::helm::HelmOptions;
use kordon::input::kustomize::KustomizeOptions;
use kordon::input::render::RenderOptions;
use kordon::report::{
    HumanOptions, SarifOptions, render_github, render_human, render_json, render_sarif,
};
use kordon::{ScanReport, Scanner, Severity};

use crate::args::{Format, RenderArgs, ReportFormat, ScanArgs, SelectionArgs};
use crate::commands::report;
use crate::output::{wants_color, write_output};

pub fn run(args: ScanArgs) -> Result<ExitCode, String> {
    if args.fix.unsafe_fixes && !(args.fix.fix || args.fix.diff) {
        return Err("--unsafe-fixes only chooses which fixes apply: add --fix or --diff".into());
    }
    let show_progress = !args.output.quiet && std::io::stderr().is_terminal();
    let (scanner, mut report) = scan(
        &args.paths,
        &args.selection,
        &args.render,
        &args.gatekeeper.policies,
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
    if !report.has_errors() && report::below_threshold(&report, rules, &args.report) {
        return Ok(ExitCode::from(1));
    }
    Ok(exit_code(&report, args.output.fail_on))
}

/// Builds the scanner from the input flags and Gatekeeper policies and scans `paths` (default:
/// the current directory).
pub fn scan(
    paths: &[PathBuf],
    selection: &SelectionArgs,
    render: &RenderArgs,
    policies: &[PathBuf],
    show_progress: bool,
) -> Result<(Scanner, ScanReport), String> {
    let mut builder = Scanner::builder()
        .max_file_size(selection.max_file_size)
        .respect_ignores(!selection.no_ignore_files)
        .render(render_options(render));
    for dir in &selection.rule_dirs {
        builder = builder.rule_dir(dir);
    }
    for path in policies {
        builder = builder.policy(path);
    }
    if let Some(jobs) = selection.jobs {
        builder = builder.jobs(jobs);
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
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let report = scanner.scan_paths(&paths);
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    Ok((scanner, report))
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

fn render_options(args: &RenderArgs) -> RenderOptions {
    RenderOptions {
        enabled: !args.no_render,
        helm: HelmOptions {
            binary: args.helm_bin.clone(),
            values: args.values.clone(),
            set: args.set.clone(),
            release_name: args.release_name.clone(),
            namespace: args.namespace.clone(),
            kube_version: args.kube_version.clone(),
        },
        kustomize: KustomizeOptions {
            binary: args.kustomize_bin.clone(),
        },
    }
}
