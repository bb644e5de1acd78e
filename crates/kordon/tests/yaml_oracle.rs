//! The reader against Kubernetes itself: every YAML and JSON file of `testdata/`, of the oracle's
//! reproducers and of the shared corpus is read by kordon and by `yaml-oracle` (go-yaml v2 and
//! sigs.k8s.io/yaml exactly as `kubectl -f` reads a file, built by `../shared/yaml-oracle/build.sh`),
//! and the decoded documents must be the same. A difference fails the test unless
//! `testdata/yaml-oracle/allowed-differences.txt` lists it with a reason; the YAML test suite's
//! cases are held to `testdata/yaml-test-suite/disagreements.txt` the same way.
//!
//! The oracle is found through `KORDON_YAML_ORACLE`; without it the test skips, unless
//! `KORDON_REQUIRE_ORACLE` is set (as `.ci/run` does), when it fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use kordon::document::{ParseLimits, parse_stream};
use kordon::input::{InputOptions, read_source};
use serde_json::Value;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What a reader made of one file: its non-null documents, or the error that stopped it.
#[derive(Debug, Clone)]
enum Outcome {
    Documents(Vec<Value>),
    Refused(String),
    /// The oracle's documents nest deeper than serde_json reads (128 levels).
    TooDeep,
}

/// Reads a file as `kordon scan` does: the input layer's decoding, then the stream reader.
/// kubectl refuses a whole file when one document is broken, so any broken document refuses it.
fn kordon_reads(path: &Path) -> Outcome {
    let source = match read_source(path, &InputOptions::default()) {
        Ok(source) => source,
        Err(problem) => return Outcome::Refused(problem.message),
    };
    let mut documents = Vec::new();
    for document in parse_stream(&source.text, ParseLimits::default()).documents {
        match document {
            Ok(raw) => {
                if let Some(root) = raw.root {
                    let value = root.to_json();
                    if !value.is_null() {
                        documents.push(value);
                    }
                }
            }
            Err(error) => {
                return Outcome::Refused(format!("{} (byte {})", error.message, error.offset));
            }
        }
    }
    Outcome::Documents(documents)
}

/// Runs the oracle once over all files (`kubectl` mode: BOM handling, `---` splitting, JSON
/// streams, YAMLToJSON per chunk).
fn oracle_reads(oracle: &Path, files: &[PathBuf]) -> BTreeMap<PathBuf, Outcome> {
    let list = tempfile_list(files);
    let output = Command::new(oracle)
        .args(["-mode", "kubectl", "-list"])
        .arg(&list)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the oracle {}: {e}", oracle.display()));
    let _ = std::fs::remove_file(&list);
    assert!(
        output.status.success(),
        "the oracle failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut outcomes = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let record: Value = match serde_json::from_str(line) {
            Ok(record) => record,
            Err(error) if error.to_string().contains("recursion limit") => {
                // The oracle writes `{"file":NAME,...}`: read the name alone.
                let name = line
                    .strip_prefix("{\"file\":")
                    .and_then(|rest| {
                        serde_json::Deserializer::from_str(rest)
                            .into_iter::<String>()
                            .next()
                    })
                    .and_then(Result::ok)
                    .expect("the oracle's line starts with the file name");
                outcomes.insert(PathBuf::from(name), Outcome::TooDeep);
                continue;
            }
            Err(error) => panic!("the oracle printed a line that is not JSON ({error}): {line}"),
        };
        let file = PathBuf::from(record["file"].as_str().expect("file"));
        let outcome = if record["ok"] == Value::Bool(true) {
            // `docs` is left out when the file holds no document.
            let documents = record["docs"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter(|d| !d.is_null())
                .cloned()
                .collect();
            Outcome::Documents(documents)
        } else {
            Outcome::Refused(record["error"].as_str().unwrap_or_default().to_string())
        };
        outcomes.insert(file, outcome);
    }
    outcomes
}

fn tempfile_list(files: &[PathBuf]) -> PathBuf {
    // Tests of this file run in parallel in one process: each list needs a name of its own, or
    // one test's list replaces (or removes) another's while the oracle reads it.
    static LISTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let number = LISTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "kordon-oracle-list-{}-{number}",
        std::process::id()
    ));
    let text: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
    std::fs::write(&path, text).expect("write the file list");
    path
}

/// JSON values as the API server compares them: numbers by value (the oracle writes `1` for the
/// float 1.0), mappings regardless of key order.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            // An integer beyond int64 is written exactly; a float near it is not the same.
            let beyond_int64 = |n: &serde_json::Number| n.is_u64() && n.as_i64().is_none();
            if beyond_int64(x) || beyond_int64(y) {
                return x.as_u64() == y.as_u64();
            }
            match (x.as_i64(), y.as_i64()) {
                (Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}

/// Agreement on one file, and how many of the oracle's documents kordon read identically.
struct Comparison {
    agrees: bool,
    documents: usize,
    identical_documents: usize,
    detail: String,
}

fn compare(kordon: &Outcome, oracle: &Outcome) -> Comparison {
    match (kordon, oracle) {
        (_, Outcome::TooDeep) | (Outcome::TooDeep, _) => Comparison {
            agrees: false,
            documents: 0,
            identical_documents: 0,
            detail: format!("kubernetes reads documents too deep to compare; kordon: {kordon:?}"),
        },
        (Outcome::Refused(_), Outcome::Refused(_)) => Comparison {
            agrees: true,
            documents: 0,
            identical_documents: 0,
            detail: String::new(),
        },
        (Outcome::Documents(ours), Outcome::Documents(theirs)) => {
            let identical = ours
                .iter()
                .zip(theirs)
                .filter(|(a, b)| same_value(a, b))
                .count();
            let agrees = ours.len() == theirs.len() && identical == theirs.len();
            Comparison {
                agrees,
                documents: theirs.len(),
                identical_documents: identical,
                detail: if agrees {
                    String::new()
                } else {
                    format!(
                        "kordon: {}\n    kubernetes: {}",
                        short(&Value::from(ours.clone())),
                        short(&Value::from(theirs.clone()))
                    )
                },
            }
        }
        (Outcome::Refused(why), Outcome::Documents(theirs)) => Comparison {
            agrees: false,
            documents: theirs.len(),
            identical_documents: 0,
            detail: format!(
                "kordon refuses it ({why}); kubernetes reads {}",
                short(&Value::from(theirs.clone()))
            ),
        },
        (Outcome::Documents(ours), Outcome::Refused(why)) => Comparison {
            agrees: false,
            documents: 0,
            identical_documents: 0,
            detail: format!(
                "kubernetes refuses it ({why}); kordon reads {}",
                short(&Value::from(ours.clone()))
            ),
        },
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 300 {
        let cut = (0..=300)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        format!("{}…", &text[..cut])
    } else {
        text
    }
}

/// YAML and JSON files under `root`, sorted.
fn manifests_under(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `path | reason` lines (with `#` comments): the differences kordon keeps on purpose.
fn listed_differences(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut listed = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (file, reason) = line.split_once(" | ").unwrap_or_else(|| {
            panic!(
                "{}:{}: expected `path | reason`",
                path.display(),
                number + 1
            )
        });
        assert!(
            reason.trim().len() >= 10,
            "{}:{}: give a reason",
            path.display(),
            number + 1
        );
        listed.insert(file.trim().to_string(), reason.trim().to_string());
    }
    listed
}

fn oracle() -> Option<PathBuf> {
    match std::env::var_os("KORDON_YAML_ORACLE") {
        Some(path) => Some(PathBuf::from(path)),
        None => {
            assert!(
                std::env::var_os("KORDON_REQUIRE_ORACLE").is_none(),
                "KORDON_REQUIRE_ORACLE is set but KORDON_YAML_ORACLE does not name the oracle"
            );
            eprintln!(
                "skipped: set KORDON_YAML_ORACLE to a yaml-oracle built by ../shared/yaml-oracle/build.sh"
            );
            None
        }
    }
}

/// A named set of files held to one list of allowed differences.
struct FileSet {
    name: &'static str,
    files: Vec<PathBuf>,
}

/// Compares each set against the oracle and fails on unlisted differences and on listed ones that
/// no longer differ (so the list stays true). Prints the agreement figures.
fn hold_to_list(sets: &[FileSet], list: &Path) {
    let Some(oracle) = oracle() else { return };
    let root = repo_root().canonicalize().expect("repository root");
    let shared = root
        .join("../shared")
        .canonicalize()
        .unwrap_or_else(|_| root.join("../shared"));
    let display = |path: &Path| -> String {
        if let Ok(rest) = path.strip_prefix(&root) {
            rest.display().to_string()
        } else if let Ok(rest) = path.strip_prefix(&shared) {
            format!("shared/{}", rest.display())
        } else {
            path.display().to_string()
        }
    };
    let all: Vec<PathBuf> = sets.iter().flat_map(|s| s.files.clone()).collect();
    let oracle_outcomes = oracle_reads(&oracle, &all);
    let listed = listed_differences(list);
    let mut unlisted = Vec::new();
    let mut differing = std::collections::BTreeSet::new();
    for set in sets {
        let (mut agreeing, mut documents, mut identical) = (0, 0, 0);
        for file in &set.files {
            let theirs = oracle_outcomes
                .get(file)
                .unwrap_or_else(|| panic!("the oracle skipped {}", file.display()));
            let comparison = compare(&kordon_reads(file), theirs);
            documents += comparison.documents;
            identical += comparison.identical_documents;
            let name = display(file);
            if comparison.agrees {
                agreeing += 1;
                continue;
            }
            if !listed.contains_key(&name) {
                unlisted.push(format!("{name}:\n    {}", comparison.detail));
            }
            differing.insert(name);
        }
        eprintln!(
            "{}: {agreeing}/{} files read as Kubernetes reads them; {identical}/{documents} documents identical",
            set.name,
            set.files.len()
        );
    }
    let stale: Vec<&String> = listed
        .keys()
        .filter(|name| !differing.contains(*name))
        .filter(|name| all.iter().any(|f| display(f) == **name))
        .collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "{} unlisted difference(s) from Kubernetes:\n{}\n\nlisted in {} but no longer different: {stale:?}",
        unlisted.len(),
        unlisted.join("\n"),
        list.display()
    );
}

#[test]
fn the_reader_reads_testdata_reproducers_and_corpus_as_kubernetes_does() {
    let root = repo_root();
    let shared = root.join("../shared");
    let require = std::env::var_os("KORDON_REQUIRE_ORACLE").is_some();
    let mut sets = vec![FileSet {
        name: "testdata",
        files: manifests_under(&root.join("testdata"))
            .into_iter()
            .filter(|f| !f.starts_with(root.join("testdata/yaml-test-suite")))
            .collect(),
    }];
    for (name, folder) in [
        ("reproducers", shared.join("yaml-oracle/repro")),
        ("corpus", shared.join("corpus")),
    ] {
        let files = manifests_under(&folder);
        assert!(
            !(files.is_empty() && require),
            "{} holds no files (../shared is expected beside the clone)",
            folder.display()
        );
        sets.push(FileSet { name, files });
    }
    let sets: Vec<FileSet> = sets
        .into_iter()
        .map(|set| FileSet {
            name: set.name,
            files: set
                .files
                .into_iter()
                .filter_map(|f| f.canonicalize().ok())
                .collect(),
        })
        .collect();
    hold_to_list(
        &sets,
        &root.join("testdata/yaml-oracle/allowed-differences.txt"),
    );
}

#[test]
fn the_reader_agrees_with_kubernetes_on_the_yaml_test_suite() {
    let root = repo_root();
    let suite = root.join("testdata/yaml-test-suite");
    let files: Vec<PathBuf> = manifests_under(&suite.join("cases"))
        .into_iter()
        .filter_map(|f| f.canonicalize().ok())
        .collect();
    assert!(files.len() >= 400, "the suite's cases are missing");
    hold_to_list(
        &[FileSet {
            name: "yaml-test-suite",
            files,
        }],
        &suite.join("disagreements.txt"),
    );
}

#[test]
fn utf16_files_with_a_byte_order_mark_are_read() {
    for (file, name) in [
        ("utf16le-bom.yaml", "utf16le-café"),
        ("utf16be-bom.yaml", "utf16be-café"),
    ] {
        let path = repo_root().join("testdata/yaml-oracle/reader").join(file);
        let Outcome::Documents(documents) = kordon_reads(&path) else {
            panic!("{file} is refused");
        };
        assert_eq!(documents.len(), 1, "{file}");
        assert_eq!(documents[0]["metadata"]["name"], name, "{file}");
    }
}
