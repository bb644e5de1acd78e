//! `kordon scan`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use kordon::fix::FixMode;
use kordon::report::{
    HumanOptions, SarifOptions, render_github, render_human, render_json, render_sarif,
};
use kordon::{ScanReport, Scanner, Severity};

use crate::args::{Format, ScanArgs};
use crate::output::{wants_color, write_output};

pub fn run(args: ScanArgs) -> Result<ExitCode, String> {
    if args.fix.unsafe_fixes && !(args.fix.fix || args.fix.diff) {
        return Err("--unsafe-fixes only chooses which fixes apply: add --fix or --diff".into());
    }
    let show_progress = !args.output.quiet && std::io::stderr().is_terminal();
    let mut builder = Scanner::builder()
        .max_file_size(args.selection.max_file_size)
        .respect_ignores(!args.selection.no_ignore_files);
    for dir in &args.selection.rule_dirs {
        builder = builder.rule_dir(dir);
    }
    for path in &args.gatekeeper.policies {
        builder = builder.policy(path);
    }
    if let Some(jobs) = args.selection.jobs {
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
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut report = scanner.scan_paths(&paths);
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
        Format::Sarif => render_sarif(
            &report,
            scanner.rules(),
            &SarifOptions {
                src_root: std::env::current_dir().ok(),
                ..SarifOptions::default()
            },
        ),
        Format::Github => render_github(
            &report,
            Some(scanner.rules()),
            std::env::current_dir().ok().as_deref(),
        ),
    };
    write_output(args.output.output.as_deref(), &text)?;
    Ok(exit_code(&report, args.output.fail_on))
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
