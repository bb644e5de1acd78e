//! Embeds the built-in rule corpus. The corpus lives at the workspace's top-level `rules/`; a
//! packaged crate carries its own copy in `rules/` beside this file (see the README's notes on
//! packaging), which wins when present.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let packaged = manifest_dir.join("rules");
    let workspace = manifest_dir.join("../../rules");
    let root = if packaged.is_dir() {
        packaged
    } else {
        workspace
    };
    println!("cargo:rerun-if-changed={}", root.display());

    // Inside the workspace, regorus is the vendored copy with kordon's patches ([patch.crates-io]);
    // a packaged crate builds against regorus as published, which lacks patch 5's
    // `Engine::keep_input_independent_rules` (the inventory views are then evaluated per review).
    println!("cargo::rustc-check-cfg=cfg(kordon_patched_regorus)");
    let patches = manifest_dir.join("../../vendor/regorus/KORDON-PATCHES.md");
    println!("cargo:rerun-if-changed={}", patches.display());
    if patches.is_file() {
        println!("cargo:rustc-cfg=kordon_patched_regorus");
    }

    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();

    let mut out = String::from(
        "/// Every file of the built-in corpus: (path relative to `rules/`, contents).\n",
    );
    out.push_str("pub(crate) static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n");
    for (relative, absolute) in &files {
        let _ = writeln!(out, "    ({relative:?}, include_str!({absolute:?})),");
    }
    out.push_str("];\n");

    // The built-in rules compiled to one regorus VM program, so a scan loads it instead of
    // parsing and compiling the Rego (most of a one-file scan's cost). Only beside the patched
    // regorus, whose VM kordon uses; empty when it does not compile (the scan then compiles
    // the rules itself, as it does for rules from directories).
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    let program = if patches.is_file() {
        let texts: Vec<(String, String)> = files
            .iter()
            .map(|(relative, absolute)| {
                let text = std::fs::read_to_string(absolute).expect("a rule file is readable");
                (relative.clone(), text)
            })
            .collect();
        match compile_builtin_program(&texts) {
            Ok(bytes) => bytes,
            Err(error) => {
                println!(
                    "cargo:warning=the built-in rules do not compile to a VM program: {error}"
                );
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    std::fs::write(out_dir.join("builtin_program.bin"), program).expect("OUT_DIR is writable");
    std::fs::write(out_dir.join("builtin_rules.rs"), out).expect("OUT_DIR is writable");
}

#[path = "src/engine/rule_names.rs"]
mod rule_names;

#[path = "src/engine/builtin_program.rs"]
mod builtin_program;

/// Compiles the built-in rules (`files`: paths relative to `rules/` and texts) to one VM
/// program, as the engine would compile a group of them, and serializes it.
fn compile_builtin_program(files: &[(String, String)]) -> Result<Vec<u8>, String> {
    let modules = builtin_program::program_modules(files);
    let entry_points = builtin_program::entry_points(&modules);
    let mut engine = regorus::Engine::new();
    // As the engine loads kordon-format rules: v0 mode (they `import rego.v1`), lenient builtins.
    engine.set_rego_v0(true);
    engine.set_strict_builtin_errors(false);
    for (name, text) in &modules {
        engine
            .add_policy(name.clone(), text.clone())
            .map_err(|e| format!("{name}: {e}"))?;
    }
    let first = entry_points.first().ok_or("the corpus has no rules")?;
    let policy = engine
        .compile_with_entrypoint(&std::sync::Arc::from(first.as_str()))
        .map_err(|e| e.to_string())?;
    let names: Vec<&str> = entry_points.iter().map(String::as_str).collect();
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&policy, &names)
            .map_err(|e| e.to_string())?;
    program.serialize_binary()
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rego" | "yaml" | "yml" | "md")
        ) {
            let relative = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            let absolute = path.canonicalize().unwrap_or(path.clone());
            files.push((relative, absolute.to_string_lossy().into_owned()));
        }
    }
}
