//! The built-in corpus and the repository root, for the library's integration tests (included
//! with `#[path]`).

use std::path::PathBuf;

use kordon::RuleSet;

/// The built-in rules; a load failure lists every error.
pub fn builtin_rules() -> RuleSet {
    RuleSet::builtin().unwrap_or_else(|errors| {
        panic!(
            "built-in rules fail to load:\n{}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// The repository root (the crate sits two levels below it).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
