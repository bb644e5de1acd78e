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
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("builtin_rules.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
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
