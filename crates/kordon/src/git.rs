//! Git-aware input (cargo feature `git`, on by default): the staged content of changed files, and
//! the lines changed since a revision.

use std::path::{Path, PathBuf};

use git2::{Delta, DiffOptions, Repository};

use crate::document::Source;
use crate::input::{decode, is_manifest_name};
use crate::suppress::ChangedLines;

/// A git operation that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("git: {0}")]
pub struct GitError(pub String);

impl From<git2::Error> for GitError {
    fn from(e: git2::Error) -> Self {
        GitError(e.message().to_string())
    }
}

fn open(start: &Path) -> Result<(Repository, PathBuf), GitError> {
    let repo = Repository::discover(start).map_err(|e| {
        GitError(format!(
            "{} is not inside a git repository ({})",
            start.display(),
            e.message()
        ))
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| GitError("the repository is bare: it has no working tree".into()))?;
    let workdir = std::fs::canonicalize(workdir).unwrap_or_else(|_| workdir.to_path_buf());
    Ok((repo, workdir))
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        std::path::absolute(path)
            .map(|p| crate::suppress::normalize_path(&p))
            .unwrap_or_else(|_| path.to_path_buf())
    })
}

/// A name for `path` relative to `base` when it lies under it, else the absolute path.
fn display_name(path: &Path, base: &Path) -> String {
    let shown = path.strip_prefix(base).unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}

/// The commit `HEAD` points at in the repository holding `start`, as 40 hex digits, with `+dirty`
/// appended when tracked files differ from it (a report then describes uncommitted changes).
/// `Ok(None)` when `start` is not in a repository or it has no commit yet.
pub fn head_commit(start: &Path) -> Result<Option<String>, GitError> {
    let Ok((repo, _)) = open(start) else {
        return Ok(None);
    };
    let Ok(head) = repo.head() else {
        return Ok(None);
    };
    let Some(oid) = head.target() else {
        return Ok(None);
    };
    let mut options = git2::StatusOptions::new();
    options.include_untracked(false).include_ignored(false);
    let dirty = repo
        .statuses(Some(&mut options))
        .map(|s| !s.is_empty())
        .unwrap_or(false);
    Ok(Some(format!("{oid}{}", if dirty { "+dirty" } else { "" })))
}

/// The staged content of every file that differs between `HEAD` and the index (added, modified,
/// renamed or copied; not deleted), as sources named relative to `base`.
///
/// With `only` empty, files with a manifest extension (`.yaml`, `.yml`, `.json`) are taken;
/// otherwise the staged files at or under the given paths, whatever their extension. Each source's
/// `path` is the file's place in the working tree, but its text is the staged blob: what will be
/// committed, not what is on disk.
pub fn staged_sources(
    repo_dir: &Path,
    base: &Path,
    only: &[PathBuf],
) -> Result<Vec<Source>, GitError> {
    let (repo, workdir) = open(repo_dir)?;
    let base = absolute(base);
    let only: Vec<PathBuf> = only.iter().map(|p| absolute(p)).collect();
    let index = repo.index()?;
    let head_tree = match repo.head() {
        Ok(head) => Some(head.peel_to_tree()?),
        // A repository before its first commit: everything staged is new.
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            None
        }
        Err(e) => return Err(e.into()),
    };
    let diff = repo.diff_tree_to_index(head_tree.as_ref(), Some(&index), None)?;
    let mut sources = Vec::new();
    for delta in diff.deltas() {
        if !matches!(
            delta.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) {
            continue;
        }
        let file = delta.new_file();
        let Some(relative) = file.path() else {
            continue;
        };
        let on_disk = workdir.join(relative);
        let wanted = if only.is_empty() {
            is_manifest_name(relative)
        } else {
            only.iter().any(|p| on_disk.starts_with(p))
        };
        if !wanted {
            continue;
        }
        let blob = repo.find_blob(file.id())?;
        let name = display_name(&on_disk, &base);
        let text = decode(blob.content().to_vec())
            .map_err(|message| GitError(format!("{name} (staged): {message}")))?;
        sources.push(Source {
            name,
            path: Some(on_disk),
            text,
        });
    }
    sources.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(sources)
}

/// The lines changed between revision `rev` and the working tree (staged or not, including new
/// untracked files), for `--diff-base`.
pub fn changed_since(repo_dir: &Path, rev: &str) -> Result<ChangedLines, GitError> {
    let (repo, workdir) = open(repo_dir)?;
    let object = repo
        .revparse_single(rev)
        .map_err(|e| GitError(format!("cannot resolve revision `{rev}`: {}", e.message())))?;
    let tree = object.peel_to_tree().map_err(|e| {
        GitError(format!(
            "`{rev}` does not name a commit or tree: {}",
            e.message()
        ))
    })?;
    let mut options = DiffOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .context_lines(0);
    let diff = repo.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options))?;
    let mut changes = ChangedLines::new(rev);
    for delta in diff.deltas() {
        if matches!(
            delta.status(),
            Delta::Added | Delta::Untracked | Delta::Copied
        ) && let Some(path) = delta.new_file().path()
        {
            changes.mark_file(&workdir.join(path));
        }
    }
    // Hunks (with no context lines) say which lines of the new file changed; a pure deletion
    // has no new lines, so the lines around it are marked instead: the object that lost the
    // lines is the one that changed.
    diff.foreach(
        &mut |_, _| true,
        None,
        Some(&mut |delta, hunk| {
            if let Some(path) = delta.new_file().path() {
                let path = workdir.join(path);
                if !matches!(
                    changes.file(&path),
                    Some(crate::suppress::ChangedFile::Whole)
                ) {
                    let start = hunk.new_start() as usize;
                    let lines = hunk.new_lines() as usize;
                    if lines == 0 {
                        changes.mark_lines(&path, start.max(1), start + 1);
                    } else {
                        changes.mark_lines(&path, start, start + lines - 1);
                    }
                }
            }
            true
        }),
        None,
    )?;
    Ok(changes)
}
