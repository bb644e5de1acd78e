//! Paths left out of a scan, written as `.gitignore` patterns relative to a directory (the
//! configuration file's).

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Compiled exclusion patterns.
#[derive(Debug, Clone)]
pub struct ExcludeSet {
    root: PathBuf,
    matcher: Gitignore,
}

impl ExcludeSet {
    /// Compiles `patterns` (gitignore syntax: `charts/*/tests/`, `*.generated.yaml`, `!keep.yaml`)
    /// relative to `root`.
    pub fn new(root: &Path, patterns: &[String]) -> Result<ExcludeSet, String> {
        let root = absolute(root);
        let mut builder = GitignoreBuilder::new(&root);
        for pattern in patterns {
            builder
                .add_line(None, pattern)
                .map_err(|e| format!("invalid exclude pattern `{pattern}`: {e}"))?;
        }
        let matcher = builder.build().map_err(|e| e.to_string())?;
        Ok(ExcludeSet { root, matcher })
    }

    /// Whether `path` (a file) is excluded. Paths outside the root never are.
    pub fn is_excluded(&self, path: &Path) -> bool {
        if path.as_os_str() == "-" {
            return false;
        }
        let path = absolute(path);
        // The matcher requires paths under its root.
        if !path.starts_with(&self.root) {
            return false;
        }
        self.matcher
            .matched_path_or_any_parents(&path, path.is_dir())
            .is_ignore()
    }
}

fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    crate::suppress::exceptions::normalize(&path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_relative_to_the_root() {
        let set = ExcludeSet::new(
            Path::new("/repo"),
            &["charts/*/tests/".into(), "*.generated.yaml".into()],
        )
        .expect("patterns compile");
        assert!(set.is_excluded(Path::new("/repo/charts/web/tests/pod.yaml")));
        assert!(set.is_excluded(Path::new("/repo/deploy/x.generated.yaml")));
        assert!(!set.is_excluded(Path::new("/repo/deploy/x.yaml")));
        assert!(!set.is_excluded(Path::new("/elsewhere/charts/web/tests/pod.yaml")));
    }
}
