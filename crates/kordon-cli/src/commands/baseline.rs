//! `kordon baseline write FILE [PATHS]`.

use std::path::PathBuf;
use std::process::ExitCode;

use kordon::suppress::Baseline;

use crate::args::BaselineWriteArgs;
use crate::commands::setup::prepare;

pub fn write(args: BaselineWriteArgs) -> Result<ExitCode, String> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let prepared = prepare(&paths, &args.selection, &args.config)?;
    let scanner = prepared
        .builder
        .suppressions(prepared.suppress)
        .build()
        .map_err(|e| e.to_string())?;
    let report = scanner.scan_paths(&paths);
    for problem in report
        .problems
        .iter()
        .filter(|p| p.level == kordon::ProblemLevel::Error)
    {
        eprintln!(
            "error: {}: {}",
            problem.file.as_deref().unwrap_or("kordon"),
            problem.message
        );
    }
    let text = Baseline::render(&report.findings);
    std::fs::write(&args.file, text)
        .map_err(|e| format!("cannot write {}: {e}", args.file.display()))?;
    eprintln!(
        "wrote {} finding{} to {}",
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" },
        args.file.display()
    );
    Ok(if report.has_errors() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
