//! Running Rego unit tests (`test_*` rules) with regorus, so rule tests need no OPA binary.

use super::RegoModule;

/// The outcome of one Rego test rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegoTestResult {
    /// `data.<package>.<test name>`.
    pub name: String,
    /// `Ok` when the test evaluated to `true`; the error or the value otherwise.
    pub outcome: Result<(), String>,
}

/// Names of the `test_*` rules defined in a module.
fn test_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test_")?;
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            Some(format!("test_{}", &rest[..end]))
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Runs every `test_*` rule of `tests` against `modules` (the rule and its libraries).
pub fn run_rego_tests(modules: &[&RegoModule], tests: &RegoModule) -> Vec<RegoTestResult> {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(true);
    engine.set_strict_builtin_errors(false);
    let mut load_error = None;
    for module in modules.iter().copied().chain(std::iter::once(tests)) {
        if let Err(e) = engine.add_policy(module.name.clone(), module.text.clone()) {
            load_error = Some(format!("{}: {e}", module.name));
            break;
        }
    }
    test_names(&tests.text)
        .into_iter()
        .map(|test| {
            let name = format!("data.{}.{}", tests.package, test);
            let outcome = match &load_error {
                Some(e) => Err(e.clone()),
                None => {
                    engine.set_input(regorus::Value::new_object());
                    match engine.eval_rule(name.clone()) {
                        Ok(regorus::Value::Bool(true)) => Ok(()),
                        Ok(regorus::Value::Undefined) => {
                            Err("undefined (a condition failed)".into())
                        }
                        Ok(other) => Err(format!("evaluated to {other}")),
                        Err(e) => Err(e.to_string()),
                    }
                }
            };
            RegoTestResult { name, outcome }
        })
        .collect()
}
