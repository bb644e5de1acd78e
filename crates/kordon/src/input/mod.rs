//! Finding and reading the files to scan; rendering Helm charts and kustomizations.

pub mod helm;
pub mod kustomize;
pub mod render;
pub mod sandbox;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::document::{LineIndex, Position, ProblemKind, Source};

mod exclude;
pub use exclude::ExcludeSet;

/// Options for discovering and reading input.
#[derive(Debug, Clone)]
pub struct InputOptions {
    /// Files larger than this are not read.
    pub max_file_size: u64,
    /// Honour `.gitignore`, `.ignore` and skip hidden and vendored folders while walking.
    pub respect_ignores: bool,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            max_file_size: 32 * 1024 * 1024,
            respect_ignores: true,
        }
    }
}

/// A file that could not be read, or was skipped on purpose.
#[derive(Debug, Clone, PartialEq)]
pub struct InputProblem {
    /// The path as shown to the user.
    pub name: String,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// What went wrong.
    pub message: String,
    /// Where in the file, when the problem is at one place of it (an invalid UTF-8 byte).
    pub position: Option<Position>,
}

/// Folders that hold other people's code: skipped while walking unless named directly.
const VENDORED: &[&str] = &["vendor", "node_modules", "third_party", "target"];

/// Whether a file name has an extension kordon reads while walking.
pub(crate) fn is_manifest_name(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("yaml" | "yml" | "json")
    )
}

/// Walks `paths` (files, directories, `-` for standard input) and lists the manifest files.
/// Files named directly are always taken; directories are walked for `.yaml`, `.yml` and `.json`.
pub fn discover(paths: &[PathBuf], options: &InputOptions) -> (Vec<PathBuf>, Vec<InputProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for root in paths {
        if root.as_os_str() == "-" || !root.is_dir() {
            files.push(root.clone());
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(root);
        builder
            .standard_filters(options.respect_ignores)
            .require_git(false)
            .follow_links(true)
            .sort_by_file_name(|a, b| a.cmp(b));
        if options.respect_ignores {
            builder.filter_entry(|entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                !(is_dir
                    && entry.depth() > 0
                    && entry
                        .file_name()
                        .to_str()
                        .is_some_and(|n| VENDORED.contains(&n)))
            });
        }
        for entry in builder.build() {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file())
                        && (is_manifest_name(entry.path()) || entry.file_name() == "Kustomization")
                    {
                        files.push(entry.into_path());
                    }
                }
                Err(error) => {
                    let (name, message) = describe_walk_error(&error, root);
                    let kind = if message.contains("loop") {
                        ProblemKind::Skipped
                    } else {
                        ProblemKind::Io
                    };
                    problems.push(InputProblem {
                        name,
                        kind,
                        message,
                        position: None,
                    });
                }
            }
        }
    }
    (files, problems)
}

fn describe_walk_error(error: &ignore::Error, root: &Path) -> (String, String) {
    let mut path = None;
    let mut current = error;
    loop {
        match current {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.display().to_string());
                current = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                current = err
            }
            ignore::Error::Loop { child, .. } => {
                return (
                    child.display().to_string(),
                    "skipped: symbolic link loop (it points back to a folder above it)".to_string(),
                );
            }
            ignore::Error::Io(io) => {
                let name = path.unwrap_or_else(|| root.display().to_string());
                let dangling =
                    std::fs::symlink_metadata(&name).is_ok() && std::fs::metadata(&name).is_err();
                let message = if dangling {
                    format!("cannot read: broken symbolic link ({io})")
                } else {
                    format!("cannot read: {io}")
                };
                return (name, message);
            }
            other => {
                return (
                    path.unwrap_or_else(|| root.display().to_string()),
                    other.to_string(),
                );
            }
        }
    }
}

/// Reads one file (or standard input for `-`) into a source, refusing binary and oversized files.
pub fn read_source(path: &Path, options: &InputOptions) -> Result<Source, InputProblem> {
    let name = display_name(path);
    let problem = |kind, message: String| InputProblem {
        name: name.clone(),
        kind,
        message,
        position: None,
    };
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(options.max_file_size + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| problem(ProblemKind::Io, format!("cannot read standard input: {e}")))?;
        bytes
    } else {
        let metadata = std::fs::metadata(path)
            .map_err(|e| problem(ProblemKind::Io, format!("cannot read: {e}")))?;
        if metadata.is_dir() {
            return Err(problem(ProblemKind::Io, "is a directory".into()));
        }
        if metadata.len() > options.max_file_size {
            return Err(problem(
                ProblemKind::TooLarge,
                format!(
                    "file is {}, over the {} limit (raise it with --max-file-size)",
                    human_size(metadata.len()),
                    human_size(options.max_file_size)
                ),
            ));
        }
        std::fs::read(path).map_err(|e| problem(ProblemKind::Io, format!("cannot read: {e}")))?
    };
    if bytes.len() as u64 > options.max_file_size {
        return Err(problem(
            ProblemKind::TooLarge,
            format!(
                "input is over the {} limit (raise it with --max-file-size)",
                human_size(options.max_file_size)
            ),
        ));
    }
    let text = decode(bytes).map_err(|error| InputProblem {
        position: error.position,
        ..problem(ProblemKind::Binary, error.message)
    })?;
    Ok(Source {
        name,
        path: (path.as_os_str() != "-").then(|| path.to_path_buf()),
        text,
    })
}

/// Why bytes are not manifest text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotText {
    /// What is wrong with the bytes.
    pub message: String,
    /// Line and column of the first invalid byte (columns count the characters before it), when
    /// the bytes are text up to a bad byte.
    pub position: Option<Position>,
}

impl std::fmt::Display for NotText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Bytes as UTF-8 text, refusing binary content; an invalid byte is reported with its line and
/// column, as every other problem in a file is.
pub fn decode(bytes: Vec<u8>) -> Result<String, NotText> {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err(NotText {
            message: "binary file (contains NUL bytes); not a manifest".into(),
            position: None,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        // Everything before the first invalid byte is valid, so it can be indexed like any text.
        let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let position = LineIndex::new(valid).position(valid, offset);
        NotText {
            message: format!(
                "not UTF-8 text (invalid byte 0x{:02X} at byte offset {offset}); Kubernetes manifests are UTF-8",
                bytes.get(offset).copied().unwrap_or_default(),
            ),
            position: Some(position),
        }
    })
}

/// The name shown for a path: as given, with `./` dropped; `<stdin>` for `-`.
pub fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "<stdin>".into();
    }
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}
