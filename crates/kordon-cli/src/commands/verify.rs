//! `kordon verify`: Gatekeeper test suites, reported as `gator verify` reports them (Go test
//! style: `--- FAIL: case`, `ok`/`FAIL` per suite, `PASS`/`FAIL` last) or as JSON for CI.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use kordon::gatekeeper::{CaseFilter, CaseOutcome, SuiteReport, verify_paths};

use crate::args::{VerifyArgs, VerifyFormat};
use crate::output::write_output;

/// The version of the JSON document `--format json` writes.
const JSON_VERSION: u32 = 1;

pub fn run(args: VerifyArgs) -> Result<ExitCode, String> {
    let filter = match &args.run {
        Some(pattern) => Some(CaseFilter::new(pattern).map_err(|e| format!("--run: {e}"))?),
        None => None,
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let report = verify_paths(&paths, filter.as_ref());
    let text = match args.format {
        VerifyFormat::Human => human(&report, args.verbose),
        VerifyFormat::Json => {
            let mut text = serde_json::to_string_pretty(&json(&report))
                .map_err(|e| format!("cannot write JSON: {e}"))?;
            text.push('\n');
            text
        }
    };
    write_output(None, &text)?;
    let counts = Counts::of(&report.cases);
    eprintln!(
        "{} case(s): {} passed, {} failed, {} could not run",
        report.cases.len(),
        counts.passed,
        counts.failed,
        counts.errors
    );
    // Exit 2 when something could not be judged (a template that does not compile is not a
    // verdict); 1 when an assertion failed.
    Ok(if counts.errors > 0 || has_load_errors(&report) {
        ExitCode::from(2)
    } else if counts.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn has_load_errors(report: &SuiteReport) -> bool {
    report
        .problems
        .iter()
        .any(|p| p.level == kordon::ProblemLevel::Error)
}

struct Counts {
    passed: usize,
    failed: usize,
    errors: usize,
}

impl Counts {
    fn of(cases: &[CaseOutcome]) -> Counts {
        let errors = cases.iter().filter(|c| !c.errors.is_empty()).count();
        let passed = cases.iter().filter(|c| c.passed()).count();
        Counts {
            passed,
            failed: cases.len() - passed - errors,
            errors,
        }
    }
}

/// Durations as Go prints them in test output: seconds with three decimals.
fn seconds(duration: Duration) -> String {
    format!("{:.3}s", duration.as_secs_f64())
}

/// Consecutive runs of items that share a key, in order.
fn runs<T, K: PartialEq>(items: &[T], key: impl Fn(&T) -> K) -> Vec<&[T]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=items.len() {
        if i == items.len() || key(&items[i]) != key(&items[start]) {
            if start < i {
                out.push(&items[start..i]);
            }
            start = i;
        }
    }
    out
}

fn human(report: &SuiteReport, verbose: bool) -> String {
    let mut out = String::new();
    for problem in &report.problems {
        out.push_str(&format!(
            "FAIL\t{}\n  {}\n",
            problem.file.as_deref().unwrap_or("-"),
            problem.message.replace('\n', "\n  ")
        ));
    }
    for suite in runs(&report.cases, |c| c.suite.clone()) {
        let mut suite_time = Duration::ZERO;
        for test in runs(suite, |c| c.test.clone()) {
            let test_time: Duration = test.iter().map(|c| c.duration).sum();
            suite_time += test_time;
            if verbose {
                out.push_str(&format!("=== RUN   {}\n", test[0].test));
            }
            for case in test {
                if verbose {
                    out.push_str(&format!("    === RUN   {}\n", case.case));
                }
                if case.passed() {
                    if verbose {
                        out.push_str(&format!(
                            "    --- PASS: {}\t({})\n",
                            case.case,
                            seconds(case.duration)
                        ));
                    }
                    continue;
                }
                out.push_str(&format!(
                    "    --- FAIL: {}\t({})\n",
                    case.case,
                    seconds(case.duration)
                ));
                for message in case.errors.iter().chain(&case.failures) {
                    out.push_str(&format!(
                        "        {}\n",
                        message.replace('\n', "\n        ")
                    ));
                }
            }
            if test.iter().any(|c| !c.passed()) {
                out.push_str(&format!(
                    "--- FAIL: {}\t({})\n",
                    test[0].test,
                    seconds(test_time)
                ));
            } else if verbose {
                out.push_str(&format!(
                    "--- PASS: {}\t({})\n",
                    test[0].test,
                    seconds(test_time)
                ));
            }
        }
        let verdict = if suite.iter().all(CaseOutcome::passed) {
            "ok"
        } else {
            "FAIL"
        };
        out.push_str(&format!(
            "{verdict}\t{}\t{}\n",
            suite[0].suite,
            seconds(suite_time)
        ));
    }
    out.push_str(if report.passed() { "PASS\n" } else { "FAIL\n" });
    out
}

fn json(report: &SuiteReport) -> serde_json::Value {
    let counts = Counts::of(&report.cases);
    let suites: Vec<serde_json::Value> = runs(&report.cases, |c| c.suite.clone())
        .into_iter()
        .map(|suite| {
            let tests: Vec<serde_json::Value> = runs(suite, |c| c.test.clone())
                .into_iter()
                .map(|test| {
                    let cases: Vec<serde_json::Value> = test
                        .iter()
                        .map(|case| {
                            let status = if !case.errors.is_empty() {
                                "error"
                            } else if case.failures.is_empty() {
                                "pass"
                            } else {
                                "fail"
                            };
                            serde_json::json!({
                                "name": case.case,
                                "status": status,
                                "failures": case.failures,
                                "errors": case.errors,
                            })
                        })
                        .collect();
                    serde_json::json!({
                        "name": test[0].test,
                        "passed": test.iter().all(CaseOutcome::passed),
                        "cases": cases,
                    })
                })
                .collect();
            serde_json::json!({
                "path": suite[0].suite,
                "passed": suite.iter().all(CaseOutcome::passed),
                "tests": tests,
            })
        })
        .collect();
    let problems: Vec<serde_json::Value> = report
        .problems
        .iter()
        .map(|p| {
            serde_json::json!({
                "level": p.level,
                "file": p.file,
                "line": p.position.map(|at| at.line),
                "column": p.position.map(|at| at.column),
                "message": p.message,
            })
        })
        .collect();
    serde_json::json!({
        "version": JSON_VERSION,
        "passed": report.passed(),
        "summary": {
            "cases": report.cases.len(),
            "passed": counts.passed,
            "failed": counts.failed,
            "errors": counts.errors,
        },
        "suites": suites,
        "problems": problems,
    })
}
