//! `kordon verify`: Gatekeeper test suites.

use std::path::PathBuf;
use std::process::ExitCode;

use kordon::gatekeeper::verify_paths;

use crate::args::VerifyArgs;
use crate::output::write_output;

pub fn run(args: VerifyArgs) -> Result<ExitCode, String> {
    let filter = match &args.run {
        Some(pattern) => Some(regex::Regex::new(pattern).map_err(|e| format!("--run: {e}"))?),
        None => None,
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let report = verify_paths(&paths, filter.as_ref());
    let mut out = String::new();
    for problem in &report.problems {
        out.push_str(&format!(
            "ERROR {}: {}\n",
            problem.file.as_deref().unwrap_or("-"),
            problem.message
        ));
    }
    let mut failed = 0;
    for case in &report.cases {
        let id = format!("{}/{}", case.test, case.case);
        if case.passed() {
            if args.verbose {
                out.push_str(&format!("ok   {id} ({})\n", case.suite));
            }
        } else {
            failed += 1;
            out.push_str(&format!("FAIL {id} ({})\n", case.suite));
            for failure in &case.failures {
                out.push_str(&format!("     {failure}\n"));
            }
        }
    }
    let total = report.cases.len();
    out.push_str(&format!(
        "{}: {} case(s), {} passed, {} failed\n",
        if report.passed() { "ok" } else { "FAIL" },
        total,
        total - failed,
        failed
    ));
    write_output(None, &out)?;
    Ok(if !report.problems.is_empty() && total == 0 {
        ExitCode::from(2)
    } else if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
