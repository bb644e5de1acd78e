//! Finding and reading the files to scan; rendering Helm charts and kustomizations.

pub mod helm;
pub mod kustomize;
pub mod render;
pub mod sandbox;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::document::{ProblemKind, Source};

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
    let text = decode(bytes).map_err(|message| problem(ProblemKind::Binary, message))?;
    Ok(Source {
        name,
        path: (path.as_os_str() != "-").then(|| path.to_path_buf()),
        text,
    })
}

/// Text as UTF-8, refusing binary content; UTF-16 with a byte order mark is decoded.
pub(crate) fn decode(bytes: Vec<u8>) -> Result<String, String> {
    if let Some(text) = decode_utf16_with_bom(&bytes) {
        return Ok(text);
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err("binary file (contains NUL bytes); not a manifest".into());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {}); Kubernetes manifests are UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}

/// kubectl honours a UTF-16 byte order mark (k8s.io/cli-runtime reads files through Go's
/// `unicode.BOMOverride`), so such a file is a manifest like any other. An unpaired surrogate
/// or a dangling odd byte becomes U+FFFD, as Go's decoder makes it.
fn decode_utf16_with_bom(bytes: &[u8]) -> Option<String> {
    let little_endian = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let body = &bytes[2..];
    let units = body.chunks_exact(2).map(|pair| {
        if little_endian {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        }
    });
    let mut text: String = char::decode_utf16(units)
        .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if body.len() % 2 == 1 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    Some(text)
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
