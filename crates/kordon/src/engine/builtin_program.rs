//! Which modules and entry points make the VM program of the built-in rules. Shared by
//! `build.rs`, which compiles and serializes the program, and by the engine, which loads it
//! and checks that it was built from the modules the scan's rules hold.

/// The package of the workload table. Its text is generated at run time (`.kordon.yaml` may add
/// kinds), so the program is compiled with [`WORKLOADS_PLACEHOLDER`] and every evaluation
/// starts from the values of the scan's own table instead (regorus patch 9).
pub(crate) const WORKLOADS_PACKAGE: &str = "lib.kordon.workloads";

/// The module name the rule loader gives the generated workload table.
pub(crate) const WORKLOADS_MODULE: &str = "lib/workloads.rego";

/// The workload table's rules, with empty values: the program is compiled with this module, and
/// the rules' values are supplied when the program is loaded.
pub(crate) const WORKLOADS_PLACEHOLDER: &str = "package lib.kordon.workloads\n\nimport rego.v1\n\ntemplate_paths := {}\n\ngroup_template_paths := {}\n";

/// The package of the inventory views: entry points of their own, so a scan evaluates them once
/// on the VM and every review starts from their values.
pub(crate) const INVENTORY_VIEWS: &str = "lib.kordon.inventory";

/// The modules of the program, from the built-in corpus (paths relative to `rules/`, texts):
/// every library that is not a test, and the `rule.rego` of every rule folder (one with a
/// `metadata.yaml`), as the rule loader reads them; the workload table's placeholder when the
/// corpus has no table of its own.
#[allow(dead_code)] // `build.rs` compiles them; the engine checks texts by name.
pub(crate) fn program_modules(files: &[(String, String)]) -> Vec<(String, String)> {
    let has = |path: &str| files.iter().any(|(p, _)| p == path);
    let mut modules: Vec<(String, String)> = files
        .iter()
        .filter(|(path, text)| {
            let library = path.ends_with(".rego")
                && !path.ends_with("_test.rego")
                && !path.contains("/samples/")
                && super::rule_names::package_name(text).is_some_and(|p| p.starts_with("lib."));
            let rule = path
                .strip_suffix("/rule.rego")
                .is_some_and(|folder| has(&format!("{folder}/metadata.yaml")));
            library || rule
        })
        .cloned()
        .collect();
    if !modules
        .iter()
        .any(|(_, text)| super::rule_names::package_name(text) == Some(WORKLOADS_PACKAGE))
    {
        modules.push((
            WORKLOADS_MODULE.to_string(),
            WORKLOADS_PLACEHOLDER.to_string(),
        ));
    }
    modules
}

/// The program's entry points: each rule's `violation`, then each inventory view.
#[allow(dead_code)] // `build.rs` compiles them; the engine executes them by name.
pub(crate) fn entry_points(modules: &[(String, String)]) -> Vec<String> {
    let mut violations = Vec::new();
    let mut views = Vec::new();
    for (path, text) in modules {
        let Some(package) = super::rule_names::package_name(text) else {
            continue;
        };
        if path.ends_with("/rule.rego") {
            violations.push(format!("data.{package}.violation"));
        } else if package == INVENTORY_VIEWS {
            views.extend(
                super::rule_names::rule_names(text)
                    .into_iter()
                    .map(|name| format!("data.{package}.{name}")),
            );
        }
    }
    views.sort();
    views.dedup();
    violations.extend(views);
    violations
}
