//! `kordon scan`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use kordon::fix::FixMode;
use kordon::report::{HumanOptions, render_human, render_json};
use kordon::{ScanReport, Severity};

use crate::args::{Format, ScanArgs};
use crate::commands::setup::{prepare, read_baseline};
use crate::output::{wants_color, write_output};

pub fn run(args: ScanArgs) -> Result<ExitCode, String> {
    if args.fix.unsafe_fixes && !(args.fix.fix || args.fix.diff) {
        return Err("--unsafe-fixes only chooses which fixes apply: add --fix or --diff".into());
    }
    let show_progress = !args.output.quiet && std::io::stderr().is_terminal();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let prepared = prepare(&paths, &args.selection, &args.config)?;
    let mut builder = prepared.builder;
    let mut suppress = prepared.suppress;
    if let Some(path) = &args.git.baseline
        && !args.config.no_ignore
    {
        suppress.baseline = Some(read_baseline(path)?);
    }
    if let Some(rev) = &args.git.diff_base {
        suppress.changes =
            Some(kordon::git::changed_since(&git_start(&paths), rev).map_err(|e| e.to_string())?);
    }
    for path in &args.gatekeeper.policies {
        builder = builder.policy(path);
    }
    builder = builder.suppressions(suppress);
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
    let mut report = if args.git.staged {
        let here = std::env::current_dir().map_err(|e| e.to_string())?;
        let mut sources =
            kordon::git::staged_sources(&here, &here, &args.paths).map_err(|e| e.to_string())?;
        sources.retain(|s| s.path.as_deref().is_none_or(|p| !scanner.is_excluded(p)));
        scanner.scan_sources(sources)
    } else {
        scanner.scan_paths(&paths)
    };
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    if args.fix.fix || args.fix.diff {
        let mode = FixMode {
            unsafe_fixes: args.fix.unsafe_fixes,
        };
        if args.fix.diff {
            return super::fix::print_diffs(&scanner, &report, mode, &args);
        }
        report = super::fix::fix_in_place(&scanner, report, mode, args.output.quiet);
    }
    let to_terminal = args.output.output.is_none() && std::io::stdout().is_terminal();
    let text = match args.output.format {
        Format::Human => render_human(
            &report,
            Some(scanner.rules()),
            HumanOptions {
                color: wants_color(args.output.no_color, to_terminal),
                width: None,
            },
        ),
        Format::Json => render_json(&report),
    };
    write_output(args.output.output.as_deref(), &text)?;
    let fail_on = args
        .output
        .fail_on
        .or(prepared.fail_on)
        .unwrap_or(Severity::Low);
    Ok(exit_code(&report, fail_on))
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
