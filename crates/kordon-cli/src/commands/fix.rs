//! `kordon scan --fix` / `--diff`: applying the fixes of a finished scan.

use std::process::ExitCode;

use kordon::fix::{FixMode, FixRun, fix_report};
use kordon::{Problem, ProblemLevel, ScanReport, Scanner, Source};

use crate::args::ScanArgs;
use crate::output::write_output;

/// `--diff`: prints the changes `--fix` would make as unified diffs and writes nothing.
/// Exit code 2 on errors, 1 when there are changes to make, else 0.
pub fn print_diffs(
    scanner: &Scanner,
    report: &ScanReport,
    mode: FixMode,
    args: &ScanArgs,
) -> Result<ExitCode, String> {
    let run = fix_report(scanner, report, mode, false);
    let diffs: String = run.files.iter().map(|f| f.diff()).collect();
    for problem in report.problems.iter().chain(&run.problems) {
        eprintln!("{}", describe(problem));
    }
    write_output(args.output.output.as_deref(), &diffs)?;
    if !args.output.quiet {
        eprintln!("{}", summary(&run, "would fix"));
    }
    let failed = report.has_errors() || run.problems.iter().any(|p| p.level == ProblemLevel::Error);
    Ok(if failed {
        ExitCode::from(2)
    } else if diffs.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `--fix`: writes the fixes, then re-scans so the report shows the findings that remain, with
/// the fixes that could not be applied among its problems.
pub fn fix_in_place(
    scanner: &Scanner,
    report: ScanReport,
    mode: FixMode,
    quiet: bool,
) -> ScanReport {
    let run = fix_report(scanner, &report, mode, true);
    if !quiet {
        eprintln!("{}", summary(&run, "fixed"));
    }
    let written: Vec<&kordon::fix::FileFix> = run.files.iter().filter(|f| f.written).collect();
    let mut fresh = if written.is_empty() {
        report.clone()
    } else {
        // Re-scan the texts already read (standard input cannot be read twice), with the fixed
        // files' new text, so cross-file rules still see every object.
        let sources: Vec<Source> = report
            .sources
            .iter()
            .map(|s| {
                let mut source = (**s).clone();
                if let Some(fixed) = written.iter().find(|f| f.name == source.name) {
                    source.text = fixed.outcome.new_text.clone();
                }
                source
            })
            .collect();
        let mut fresh = scanner.scan_sources(sources);
        let unread = report.problems.iter().filter(|p| {
            p.file
                .as_ref()
                .is_none_or(|file| !report.sources.iter().any(|s| &s.name == file))
        });
        fresh.problems.extend(unread.cloned());
        fresh
    };
    fresh.problems.extend(run.problems);
    fresh
        .problems
        .sort_by(|a, b| (&a.file, a.position, &a.message).cmp(&(&b.file, b.position, &b.message)));
    fresh
}

fn summary(run: &FixRun, verb: &str) -> String {
    let files = run.files.len();
    let mut line = format!(
        "{verb} {} finding{} in {files} file{}",
        run.applied(),
        if run.applied() == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" },
    );
    if run.unsafe_skipped > 0 {
        line.push_str(&format!(
            "; {} more with --unsafe-fixes",
            run.unsafe_skipped
        ));
    }
    line
}

fn describe(problem: &Problem) -> String {
    let level = match problem.level {
        ProblemLevel::Error => "error",
        ProblemLevel::Warning => "warning",
        _ => "note",
    };
    let place = match (&problem.file, problem.position) {
        (Some(file), Some(p)) => format!("{file}:{}:{}", p.line, p.column),
        (Some(file), None) => file.clone(),
        (None, _) => "kordon".to_string(),
    };
    format!("{level}: {place}: {}", problem.message)
}
