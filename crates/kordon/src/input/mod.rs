//! Finding and reading the files to scan; rendering Helm charts and kustomizations.

pub mod changed;
pub mod chart_archive;
pub mod helm;
pub mod kustomize;
pub mod kustomize_helm;
pub mod render;
pub mod render_cache;
pub mod sandbox;
pub mod template_trace;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
#[non_exhaustive]
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

/// Whether a file name has an extension kordon reads while walking, or is a kubelet systemd unit
/// or drop-in (`kubelet.service`, `kubelet.service.d/*.conf`).
pub(crate) fn is_manifest_name(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("yaml" | "yml" | "json")
    ) || path
        .to_str()
        .is_some_and(crate::document::systemd::is_kubelet_unit_name)
}

/// Walks `paths` (files, directories, `-` for standard input) and lists the manifest files.
/// Files named directly are always taken; directories are walked for `.yaml`, `.yml` and `.json`.
///
/// The paths given are trusted (they are the caller's); what the walk finds inside them is not:
/// a symbolic link whose target lies outside every directory being walked is not followed (a
/// pull request could otherwise make the scan read, and print, any file of the machine), and a
/// manifest-named entry that is not a regular file (a FIFO, socket or device) is not read. Both
/// are reported as skipped.
pub fn discover(paths: &[PathBuf], options: &InputOptions) -> (Vec<PathBuf>, Vec<InputProblem>) {
    walk(paths, options, false)
}

/// [`discover`], with the packaged Helm charts met while walking (`.tgz`, `.tar.gz`) listed
/// too, for [`render::plan`] to render or skip.
pub fn discover_with_archives(
    paths: &[PathBuf],
    options: &InputOptions,
) -> (Vec<PathBuf>, Vec<InputProblem>) {
    walk(paths, options, true)
}

fn walk(
    paths: &[PathBuf],
    options: &InputOptions,
    archives: bool,
) -> (Vec<PathBuf>, Vec<InputProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let walked_roots: Arc<Vec<PathBuf>> = Arc::new(
        paths
            .iter()
            .filter(|p| p.as_os_str() != "-" && p.is_dir())
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect(),
    );
    let escaping_links: Arc<Mutex<Vec<InputProblem>>> = Arc::default();
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
        let respect_ignores = options.respect_ignores;
        let roots = Arc::clone(&walked_roots);
        let refused = Arc::clone(&escaping_links);
        builder.filter_entry(move |entry| {
            if entry.depth() > 0
                && entry.path_is_symlink()
                && let Some(problem) = link_out_of(entry.path(), &roots)
            {
                refused
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(problem);
                return false;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(respect_ignores
                && is_dir
                && entry.depth() > 0
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|n| VENDORED.contains(&n)))
        });
        let (files_before, problems_before) = (files.len(), problems.len());
        for entry in builder.build() {
            match entry {
                Ok(entry) => {
                    let Some(file_type) = entry.file_type() else {
                        continue;
                    };
                    let wanted = is_manifest_name(entry.path())
                        || entry.file_name() == "Kustomization"
                        || (archives
                            && entry
                                .file_name()
                                .to_str()
                                .is_some_and(chart_archive::is_archive_name));
                    if !wanted || file_type.is_dir() {
                        continue;
                    }
                    if file_type.is_file() {
                        files.push(entry.into_path());
                    } else {
                        problems.push(InputProblem {
                            name: display_name(entry.path()),
                            kind: ProblemKind::Skipped,
                            message: format!(
                                "skipped: {}, not a regular file; only files are read",
                                describe_file_type(&file_type)
                            ),
                            position: None,
                        });
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
        // A folder that yields nothing would otherwise pass as a clean scan ("0 findings in 0
        // files"): the wrong folder named, or its manifests ignored.
        if files.len() == files_before && problems.len() == problems_before {
            let left_out = if respect_ignores {
                "; hidden, vendored and .gitignore'd files are not read (--no-ignore-files reads them)"
            } else {
                ""
            };
            problems.push(InputProblem {
                name: display_name(root),
                kind: ProblemKind::Skipped,
                message: format!(
                    "nothing to scan in this folder: no .yaml, .yml or .json file, Kustomization, packaged chart or kubelet unit{left_out}"
                ),
                position: None,
            });
        }
    }
    problems.append(
        &mut escaping_links
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    (files, problems)
}

/// The problem to report when the symbolic link at `link` resolves outside every one of `roots`
/// (canonical directories); `None` when it stays inside one, or is broken (reported later as
/// unreadable).
fn link_out_of(link: &Path, roots: &[PathBuf]) -> Option<InputProblem> {
    let target = std::fs::canonicalize(link).ok()?;
    if roots.iter().any(|root| target.starts_with(root)) {
        return None;
    }
    Some(InputProblem {
        name: display_name(link),
        kind: ProblemKind::Skipped,
        message: format!(
            "skipped: symbolic link to {}, outside the scanned paths; kordon does not follow \
             links out of what it was asked to scan (name the target on the command line to scan it)",
            target.display()
        ),
        position: None,
    })
}

/// The first symbolic link under `dir` (hidden and ignored files included: a renderer reads
/// them) whose target resolves outside `dir`, with that target.
pub(crate) fn link_leaving(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let root = std::fs::canonicalize(dir).ok()?;
    ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .follow_links(false)
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.path_is_symlink())
        .find_map(|entry| {
            let target = std::fs::canonicalize(entry.path()).ok()?;
            (!target.starts_with(&root)).then(|| (entry.into_path(), target))
        })
}

fn describe_file_type(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    if file_type.is_symlink() {
        return "a symbolic link";
    }
    "a special file"
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
///
/// Never blocks on, or reads without limit from, something that is not a file: a FIFO named
/// directly (`<(helm template ...)`) is read up to the size limit, and ends at once when nothing
/// writes to it; devices and sockets are refused.
pub fn read_source(path: &Path, options: &InputOptions) -> Result<Source, InputProblem> {
    let name = display_name(path);
    let problem = |kind, message: String| InputProblem {
        name: name.clone(),
        kind,
        message,
        position: None,
    };
    let limit = options.max_file_size;
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| problem(ProblemKind::Io, format!("cannot read standard input: {e}")))?;
        bytes
    } else {
        let file = open_without_blocking(path)
            .map_err(|e| problem(ProblemKind::Io, format!("cannot read: {e}")))?;
        let metadata = file
            .metadata()
            .map_err(|e| problem(ProblemKind::Io, format!("cannot read: {e}")))?;
        let file_type = metadata.file_type();
        if file_type.is_dir() {
            return Err(problem(ProblemKind::Io, "is a directory".into()));
        }
        if !file_type.is_file() && !is_fifo(&file_type) {
            return Err(problem(
                ProblemKind::Io,
                format!(
                    "not read: {}, not a regular file",
                    describe_file_type(&file_type)
                ),
            ));
        }
        if metadata.len() > limit {
            return Err(problem(
                ProblemKind::TooLarge,
                format!(
                    "file is {}, over the {} limit (raise it with --max-file-size)",
                    human_size(metadata.len()),
                    human_size(limit)
                ),
            ));
        }
        let file =
            blocking(file).map_err(|e| problem(ProblemKind::Io, format!("cannot read: {e}")))?;
        // The size was checked, but a file can grow while it is read: read one byte past the limit.
        let mut bytes = Vec::new();
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| problem(ProblemKind::Io, format!("cannot read: {e}")))?;
        bytes
    };
    if bytes.len() as u64 > limit {
        return Err(problem(
            ProblemKind::TooLarge,
            format!(
                "input is over the {} limit (raise it with --max-file-size)",
                human_size(limit)
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

/// Opens a file for reading; on Unix without waiting for a writer when it is a FIFO (a plain
/// open of a FIFO nobody writes to never returns).
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(std::fs::File::from(fd))
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// The file switched back to blocking reads: a FIFO with a writer is then read to its end, one
/// without a writer ends at once.
#[cfg(unix)]
fn blocking(file: std::fs::File) -> std::io::Result<std::fs::File> {
    rustix::fs::fcntl_setfl(&file, rustix::fs::OFlags::empty())?;
    Ok(file)
}

#[cfg(not(unix))]
fn blocking(file: std::fs::File) -> std::io::Result<std::fs::File> {
    Ok(file)
}

fn is_fifo(file_type: &std::fs::FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        file_type.is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = file_type;
        false
    }
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

/// Bytes as UTF-8 text, refusing binary content (UTF-16 with a byte order mark is decoded); an
/// invalid byte is reported with its line and column, as every other problem in a file is.
pub fn decode(bytes: Vec<u8>) -> Result<String, NotText> {
    if let Some(text) = decode_utf16_with_bom(&bytes) {
        return Ok(text);
    }
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
