//! The public API does not expose types of the dependencies kordon pins to an exact version
//! (regorus, saphyr-parser): a user's own copy of those crates would not match ours, and our next
//! pin change would break their build. serde-sarif, also pinned, is reachable only through the
//! `report::sarif::model` re-export, so its types have one documented name.

use std::path::Path;

/// Modules that are not public: what they declare is not part of the API.
const PRIVATE_MODULES: &[&str] = &["engine", "provenance"];

fn public_lines_naming(crate_path: &str) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut hits = Vec::new();
    for entry in walk(&src) {
        let relative = entry.strip_prefix(&src).expect("under src");
        let top = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("")
            .trim_end_matches(".rs");
        if PRIVATE_MODULES.contains(&top) {
            continue;
        }
        let text = std::fs::read_to_string(&entry).expect("readable source");
        for (number, line) in text.lines().enumerate() {
            let line = line.trim_start();
            let public = line.starts_with("pub ") || line.starts_with("pub use");
            if public && line.contains(crate_path) {
                hits.push(format!("{}:{}: {line}", relative.display(), number + 1));
            }
        }
    }
    hits
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn no_public_item_names_an_exactly_pinned_dependency() {
    for pinned in ["regorus::", "saphyr_parser::"] {
        let hits = public_lines_naming(pinned);
        assert!(
            hits.is_empty(),
            "public items naming {pinned}:\n{}",
            hits.join("\n")
        );
    }
    // Finding the re-export also shows the textual scan sees public lines at all.
    let sarif = public_lines_naming("serde_sarif::");
    assert_eq!(
        sarif,
        vec!["report/sarif.rs:36: pub use serde_sarif::sarif as model;".to_string()],
        "serde-sarif types must be reached through the one `model` re-export"
    );
}
