//! Lines changed since a base revision, for `--diff-base`: findings on objects that were not
//! touched are counted but not reported.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// What changed in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangedFile {
    /// The file is new (or was rewritten): everything in it counts as changed.
    Whole,
    /// These 1-based lines of the current file were added or modified, or border a deletion.
    Lines(BTreeSet<usize>),
}

/// Changed files and lines, keyed by absolute path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangedLines {
    /// What the changes are measured against (a revision), shown in reasons.
    pub base: String,
    files: HashMap<PathBuf, ChangedFile>,
}

impl ChangedLines {
    /// No changes yet, measured against `base`.
    pub fn new(base: impl Into<String>) -> Self {
        ChangedLines {
            base: base.into(),
            files: HashMap::new(),
        }
    }

    /// Marks a whole file as changed.
    pub fn mark_file(&mut self, path: &Path) {
        self.files.insert(key(path), ChangedFile::Whole);
    }

    /// Marks lines `first..=last` (1-based) of a file as changed.
    pub fn mark_lines(&mut self, path: &Path, first: usize, last: usize) {
        let entry = self
            .files
            .entry(key(path))
            .or_insert_with(|| ChangedFile::Lines(BTreeSet::new()));
        if let ChangedFile::Lines(lines) = entry {
            lines.extend(first..=last.max(first));
        }
    }

    /// What changed in the file at `path`; `None` when it is unchanged.
    pub fn file(&self, path: &Path) -> Option<&ChangedFile> {
        self.files.get(&key(path))
    }

    /// Whether any line in `first..=last` of the file at `path` changed.
    pub fn touches(&self, path: &Path, first: usize, last: usize) -> bool {
        match self.file(path) {
            None => false,
            Some(ChangedFile::Whole) => true,
            Some(ChangedFile::Lines(lines)) => {
                lines.range(first..=last.max(first)).next().is_some()
            }
        }
    }

    /// The number of files with changes.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }
}

/// A path comparable with others: canonical when it exists, else absolute and normalised.
fn key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        std::path::absolute(path)
            .map(|p| super::exceptions::normalize(&p))
            .unwrap_or_else(|_| path.to_path_buf())
    })
}
