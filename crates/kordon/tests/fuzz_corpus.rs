//! The fuzz targets' checked-in corpora, replayed through the very functions the targets call
//! (`fuzz/src/lib.rs`): cheap regression coverage for every input the fuzzer kept, crashes it
//! found included, without running the fuzzer.

#[path = "../../../fuzz/src/lib.rs"]
mod harness;

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "{} holds {} inputs: the corpus is missing",
        dir.display(),
        files.len()
    );
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("a corpus file reads");
            (path, bytes)
        })
        .collect()
}

/// Runs `target` on every input, naming the input that panics.
fn replay(name: &str, target: fn(&[u8])) {
    for (path, bytes) in corpus(name) {
        if std::panic::catch_unwind(|| target(&bytes)).is_err() {
            panic!("the `{name}` target fails on {}", path.display());
        }
    }
}

#[test]
fn the_read_corpus_passes_the_read_target() {
    replay("read", harness::read);
}

#[test]
fn the_scan_corpus_passes_the_scan_target() {
    replay("scan", harness::scan);
}
