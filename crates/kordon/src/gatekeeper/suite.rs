//! `kordon verify`: runs Gatekeeper `Suite` files (`test.gatekeeper.sh/v1alpha1`) the way
//! `gator verify` does — each case reviews its object with one template and constraint (and
//! the suite's ExpansionTemplate, if any), with only the case's listed inventory — and checks
//! the assertions.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::document::{Document, ParseLimits, ProblemKind};
use crate::input::{InputOptions, discover, read_source};
use crate::rules::RuleSet;
use crate::scan::{Problem, ProblemLevel, Scanner};

/// The result of one case.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct CaseOutcome {
    /// The suite file.
    pub suite: String,
    /// The test's name.
    pub test: String,
    /// The case's name.
    pub case: String,
    /// The assertions that did not hold (empty when it passed).
    pub failures: Vec<String>,
    /// Why the case could not be judged at all: a template that cannot run, an object that cannot
    /// be read, an evaluation error. Such a case is neither passed nor merely failed.
    pub errors: Vec<String>,
    /// How long the case took (not serialised, so reports compare across runs).
    #[serde(skip)]
    pub duration: std::time::Duration,
}

impl CaseOutcome {
    /// True when every assertion held and nothing went wrong.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.errors.is_empty()
    }
}

/// Which cases to run, as `gator verify --run` chooses them: a regular expression matched against
/// the test's name or the case's name, or `TEST//CASE` for one expression each (both must match).
#[derive(Debug, Clone)]
pub struct CaseFilter {
    test: regex::Regex,
    case: Option<regex::Regex>,
}

impl CaseFilter {
    /// Reads a `--run` pattern.
    pub fn new(pattern: &str) -> Result<Self, String> {
        let compile = |p: &str| regex::Regex::new(p).map_err(|e| e.to_string());
        let parts: Vec<&str> = pattern.split("//").collect();
        match parts.as_slice() {
            [either] => Ok(CaseFilter {
                test: compile(either)?,
                case: None,
            }),
            [test, case] => Ok(CaseFilter {
                test: compile(test)?,
                case: Some(compile(case)?),
            }),
            _ => Err("a filter may hold at most one `//`".into()),
        }
    }

    /// Whether the case `case` of test `test` runs.
    pub fn matches(&self, test: &str, case: &str) -> bool {
        match &self.case {
            None => self.test.is_match(test) || self.test.is_match(case),
            Some(case_regex) => self.test.is_match(test) && case_regex.is_match(case),
        }
    }
}

/// Everything a verify run produced.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[non_exhaustive]
pub struct SuiteReport {
    /// One outcome per case, in file order.
    pub cases: Vec<CaseOutcome>,
    /// Suites or tests that could not be read at all.
    pub problems: Vec<Problem>,
}

impl SuiteReport {
    /// True when every case passed and nothing failed to load.
    pub fn passed(&self) -> bool {
        self.problems.iter().all(|p| p.level != ProblemLevel::Error)
            && self.cases.iter().all(CaseOutcome::passed)
    }
}

fn error(file: &str, message: String) -> Problem {
    Problem {
        level: ProblemLevel::Error,
        kind: ProblemKind::Rule,
        file: Some(file.to_string()),
        position: None,
        rule: None,
        message,
    }
}

/// Finds and runs every Suite under `paths`. `filter` keeps the cases it matches.
pub fn verify_paths(paths: &[PathBuf], filter: Option<&CaseFilter>) -> SuiteReport {
    let options = InputOptions::default();
    let (files, walk_problems) = discover(paths, &options);
    let mut report = SuiteReport::default();
    for p in walk_problems {
        report.problems.push(error(&p.name, p.message));
    }
    for file in files {
        let source = match read_source(&file, &options) {
            Ok(source) => source,
            Err(p) => {
                report.problems.push(error(&p.name, p.message));
                continue;
            }
        };
        let document = Document::parse(Arc::new(source), ParseLimits::default());
        for object in &document.objects {
            if object.kind == "Suite" && object.group() == "test.gatekeeper.sh" {
                let base = file.parent().unwrap_or(Path::new(".")).to_path_buf();
                run_suite(
                    &document.source.name,
                    &object.root.to_json(),
                    &base,
                    filter,
                    &mut report,
                );
            }
        }
    }
    report
}

fn run_suite(
    name: &str,
    suite: &Value,
    base: &Path,
    filter: Option<&CaseFilter>,
    report: &mut SuiteReport,
) {
    let Some(tests) = suite.get("tests").and_then(Value::as_array) else {
        report
            .problems
            .push(error(name, "the Suite has no `tests` list".into()));
        return;
    };
    for (index, test) in tests.iter().enumerate() {
        let test_name = test
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("tests[{index}]"), str::to_string);
        let cases = test
            .get("cases")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let selected: Vec<(String, &Value)> = cases
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let case_name = c
                    .get("name")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("cases[{i}]"), str::to_string);
                (case_name, c)
            })
            .filter(|(case_name, _)| filter.is_none_or(|f| f.matches(&test_name, case_name)))
            .collect();
        if selected.is_empty() {
            continue;
        }
        let mut builder = Scanner::builder()
            .rules(RuleSet::empty())
            .default_expansions(false)
            .respect_ignores(false);
        let mut missing = Vec::new();
        for key in ["template", "constraint", "expansion"] {
            match test.get(key).and_then(Value::as_str) {
                Some(path) => builder = builder.policy(base.join(path)),
                None if key != "expansion" => missing.push(key),
                None => {}
            }
        }
        let scanner = if missing.is_empty() {
            builder.build().map_err(|e| e.to_string())
        } else {
            Err(format!("the test names no {}", missing.join(" or ")))
        };
        let scanner = scanner.and_then(|s| {
            let broken: Vec<String> = s
                .policy_problems()
                .iter()
                .filter(|p| p.level != ProblemLevel::Note)
                .map(|p| {
                    let at = p
                        .position
                        .map_or(String::new(), |at| format!(":{}:{}", at.line, at.column));
                    format!("{}{at}: {}", p.file.as_deref().unwrap_or("?"), p.message)
                })
                .collect();
            if !broken.is_empty() {
                Err(broken.join("; "))
            } else if s.rules().rules().is_empty() {
                Err("the template and constraint make no runnable rule".into())
            } else {
                Ok(s)
            }
        });
        for (case_name, case) in selected {
            let started = std::time::Instant::now();
            let (failures, errors) = match &scanner {
                Err(message) => (Vec::new(), vec![message.clone()]),
                Ok(scanner) => run_case(scanner, case, base),
            };
            report.cases.push(CaseOutcome {
                suite: name.to_string(),
                test: test_name.clone(),
                case: case_name,
                failures,
                errors,
                duration: started.elapsed(),
            });
        }
    }
}

fn read_documents(base: &Path, relative: &str) -> Result<Document, String> {
    let path = base.join(relative);
    let source = read_source(&path, &InputOptions::default())
        .map_err(|p| format!("{}: {}", p.name, p.message))?;
    let document = Document::parse(Arc::new(source), ParseLimits::default());
    if let Some(problem) = document.problems.first() {
        return Err(format!("{relative}: {}", problem.message));
    }
    Ok(document)
}

/// Runs one case: the assertions that failed, and the errors that kept it from being judged.
fn run_case(scanner: &Scanner, case: &Value, base: &Path) -> (Vec<String>, Vec<String>) {
    let error = |message: String| (Vec::new(), vec![message]);
    let Some(object_path) = case.get("object").and_then(Value::as_str) else {
        return error("the case names no `object`".into());
    };
    let object = match read_documents(base, object_path) {
        Ok(document) if document.objects.is_empty() => {
            return error(format!("{object_path} holds no Kubernetes object"));
        }
        Ok(document) => document,
        Err(message) => return error(message),
    };
    let mut inventory = Vec::new();
    for item in case
        .get("inventory")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
    {
        let Some(path) = item.as_str() else {
            return error(format!("inventory entry {item} is not a path"));
        };
        match read_documents(base, path) {
            Ok(document) => inventory.push(document),
            Err(message) => return error(message),
        }
    }
    let report = scanner.scan_documents_with_inventory(vec![object], Some(&inventory));
    let errors: Vec<String> = report
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
        .map(|p| p.message.clone())
        .collect();
    let mut failures = Vec::new();
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    for (i, assertion) in case
        .get("assertions")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .enumerate()
    {
        let regex = match assertion.get("message").and_then(Value::as_str) {
            Some(pattern) => match regex::Regex::new(pattern) {
                Ok(r) => Some(r),
                Err(e) => {
                    failures.push(format!("assertion {i}: bad message regex: {e}"));
                    continue;
                }
            },
            None => None,
        };
        let count = messages
            .iter()
            .filter(|m| regex.as_ref().is_none_or(|r| r.is_match(m)))
            .count();
        let about = regex
            .as_ref()
            .map_or(String::new(), |r| format!(" matching /{r}/"));
        let expectation = assertion.get("violations").unwrap_or(&Value::Null);
        let ok = match expectation {
            Value::Bool(true) => count > 0,
            Value::Bool(false) => count == 0,
            Value::String(s) if s == "yes" => count > 0,
            Value::String(s) if s == "no" => count == 0,
            Value::Number(n) => n.as_u64() == Some(count as u64),
            Value::Null => count > 0,
            other => {
                failures.push(format!(
                    "assertion {i}: `violations: {other}` is not yes, no or a number"
                ));
                continue;
            }
        };
        if !ok {
            let wanted = match expectation {
                Value::Bool(false) => "no".to_string(),
                Value::String(s) if s == "no" => "no".to_string(),
                Value::Number(n) => n.to_string(),
                _ => "at least one".to_string(),
            };
            failures.push(format!(
                "assertion {i}: expected {wanted} violation(s){about}, got {count}{}",
                if messages.is_empty() {
                    String::new()
                } else {
                    format!(": {}", messages.join(" | "))
                }
            ));
        }
    }
    (failures, errors)
}
