//! The names of a Rego module's rules, read from its text. Shared by the engine and by
//! `build.rs`, which compiles the built-in rules to a VM program with the same entry points.

/// The names of a module's rules that are not functions: identifiers at the start of a line
/// followed by `[`, `:=`, `=`, `contains` or `if`.
#[allow(dead_code)] // Used only beside the patched regorus (and by `build.rs`).
pub(crate) fn rule_names(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let end = line
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(line.len());
            let (name, rest) = line.split_at(end);
            let rest = rest.trim_start();
            let is_rule = ["[", ":=", "=", "contains ", "if "]
                .iter()
                .any(|follows| rest.starts_with(follows));
            let keyword = ["package", "import", "default"].contains(&name);
            (!name.is_empty()
                && name.starts_with(|c: char| c.is_ascii_lowercase())
                && is_rule
                && !keyword)
                .then(|| name.to_string())
        })
        .collect()
}

/// The package a module declares (`package a.b` → `a.b`), read as the rule loader reads it.
#[allow(dead_code)] // `build.rs` reads packages; the engine has them from the rule loader.
pub(crate) fn package_name(text: &str) -> Option<&str> {
    text.lines().find_map(|line| {
        line.trim_start()
            .strip_prefix("package ")?
            .split_whitespace()
            .next()
    })
}
