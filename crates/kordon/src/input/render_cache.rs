//! The on-disk cache of renders: a chart or kustomization whose input files, render arguments
//! and renderer binary are unchanged since an earlier scan is not rendered again.
//!
//! An entry is keyed by a SHA-256 digest of everything a render depends on: the kind of
//! render, kordon's version, the canonical directory (the output names it), the arguments, the
//! identity of the renderer binaries that may run (canonical path, size, modification time,
//! inode), and the name and bytes of every file the renderer may read (every file under the
//! directories of the render: the chart, or the kustomization with every local base, component
//! and file it refers to, transitively). So a render serves only input identical to its own,
//! whichever repository it is in. Renders whose input cannot be known are never cached: a
//! kustomization allowed to read any file of the machine or to fetch remote resources.
//!
//! Entries are written by kordon only, atomically (a temporary file in the cache folder renamed
//! over the entry), and read back as kordon's own JSON; an unreadable or malformed entry is a
//! miss. The cache never fails a scan: when it cannot be read or written, the render runs.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::helm::{self, HelmOptions};
use super::kustomize::{self, KustomizeOptions};

/// The version of the entries' layout: bumped when what is stored changes meaning.
const LAYOUT: &str = "kordon-render-cache-2";

/// Where renders are cached by default: `$XDG_CACHE_HOME/kordon/renders`, else
/// `$HOME/.cache/kordon/renders` (`%LOCALAPPDATA%\kordon\renders` on Windows). `None` when
/// none of these is set.
pub fn default_dir() -> Option<PathBuf> {
    let nonempty = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            // A relative base would put the cache wherever the scan happens to run.
            .filter(|p| p.is_absolute())
    };
    let base = if cfg!(windows) {
        nonempty("LOCALAPPDATA")
    } else {
        nonempty("XDG_CACHE_HOME").or_else(|| nonempty("HOME").map(|h| h.join(".cache")))
    }?;
    Some(base.join("kordon").join("renders"))
}

/// The most bytes read to key one folder of a render: past it, hashing would cost more than
/// rendering saves, and the render is not cached.
pub const MAX_KEYED_BYTES: u64 = 256 * 1024 * 1024;

/// What a cache key is made of, fed in order; two keys are equal only when every part is.
pub(crate) struct KeyBuilder {
    hasher: Sha256,
}

impl KeyBuilder {
    pub(crate) fn new(kind: &str) -> Self {
        let mut key = KeyBuilder {
            hasher: Sha256::new(),
        };
        key.part(LAYOUT.as_bytes());
        key.part(env!("CARGO_PKG_VERSION").as_bytes());
        key.part(kind.as_bytes());
        key
    }

    /// Adds one length-prefixed part, so that parts cannot run into one another.
    pub(crate) fn part(&mut self, bytes: &[u8]) {
        self.hasher.update((bytes.len() as u64).to_le_bytes());
        self.hasher.update(bytes);
    }

    pub(crate) fn path(&mut self, path: &Path) {
        self.part(path.as_os_str().as_encoded_bytes());
    }

    /// Adds the identity of a renderer binary, named by path or found on `PATH` as the
    /// renderer's environment finds it. A binary that cannot be found adds a marker: the
    /// render will fail, and fail the same way next time.
    pub(crate) fn binary(&mut self, binary: &Path) {
        match resolve_binary(binary).and_then(|p| {
            let canonical = std::fs::canonicalize(&p).ok()?;
            let metadata = std::fs::metadata(&canonical).ok()?;
            Some((canonical, metadata))
        }) {
            Some((path, metadata)) => {
                self.path(&path);
                self.part(&metadata.len().to_le_bytes());
                let modified = metadata
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                self.part(&modified.to_le_bytes());
                self.part(&inode(&metadata).to_le_bytes());
            }
            None => {
                self.part(b"missing");
                self.path(binary);
            }
        }
    }

    /// Adds the name (relative to `dir`) and bytes of every file under `dir`. A symbolic link
    /// to a folder adds its target, whose files are under `dir` and added on their own. False
    /// when the key would not be faithful, so the render must not be cached: a folder or file
    /// that cannot be read, a link to a folder outside `dir`, or more than
    /// [`MAX_KEYED_BYTES`] to read.
    pub(crate) fn tree(&mut self, dir: &Path) -> bool {
        self.path(dir);
        let Ok(canonical_dir) = std::fs::canonicalize(dir) else {
            return false;
        };
        let mut pending = vec![dir.to_path_buf()];
        let mut files: BTreeSet<PathBuf> = BTreeSet::new();
        let mut links: BTreeSet<(PathBuf, PathBuf)> = BTreeSet::new();
        while let Some(folder) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                return false;
            };
            for entry in entries {
                let Ok(entry) = entry else { return false };
                let path = entry.path();
                let Ok(kind) = entry.file_type() else {
                    return false;
                };
                if kind.is_dir() {
                    pending.push(path);
                } else if kind.is_symlink() && path.is_dir() {
                    match std::fs::canonicalize(&path) {
                        Ok(target) if target.starts_with(&canonical_dir) => {
                            links.insert((path, target));
                        }
                        _ => return false,
                    }
                } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
                    files.insert(path);
                } else {
                    // A FIFO, socket or device: reading it could block or never end.
                    return false;
                }
            }
        }
        self.part(&(files.len() as u64).to_le_bytes());
        let mut budget = MAX_KEYED_BYTES;
        for file in &files {
            let Ok(bytes) = std::fs::read(file) else {
                return false;
            };
            let Some(left) = budget.checked_sub(bytes.len() as u64) else {
                return false;
            };
            budget = left;
            self.path(file.strip_prefix(dir).unwrap_or(file));
            self.part(&bytes);
        }
        self.part(&(links.len() as u64).to_le_bytes());
        for (link, target) in &links {
            self.path(link.strip_prefix(dir).unwrap_or(link));
            self.path(target);
        }
        true
    }

    /// Adds the bytes of one regular file; false when it is not one or cannot be read (a FIFO
    /// given as a values file must be left whole for the renderer).
    pub(crate) fn file(&mut self, file: &Path) -> bool {
        self.path(file);
        if !file.is_file() {
            return false;
        }
        match std::fs::read(file) {
            Ok(bytes) => {
                self.part(&bytes);
                true
            }
            Err(_) => false,
        }
    }

    pub(crate) fn finish(self) -> String {
        self.hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The key of a `helm template` of `chart_dir` with `options`, or `None` when it cannot be
/// cached.
pub(crate) fn helm_key(chart_dir: &Path, options: &HelmOptions) -> Option<String> {
    let mut key = KeyBuilder::new("helm");
    key.path(chart_dir);
    key.path(&std::fs::canonicalize(chart_dir).ok()?);
    for arg in helm::template_args(chart_dir, options) {
        key.part(arg.as_encoded_bytes());
    }
    key.binary(options.binary.as_deref().unwrap_or(Path::new("helm")));
    // A packaged chart is its archive's bytes.
    let keyed = if chart_dir.is_file() {
        key.file(chart_dir)
    } else {
        key.tree(chart_dir)
    };
    if !keyed {
        return None;
    }
    for values in &options.values {
        if !key.file(&std::fs::canonicalize(values).ok()?) {
            return None;
        }
    }
    Some(key.finish())
}

/// The key of a kustomize build of `dir`, or `None` when it cannot be cached: a build allowed
/// to read any file or to fetch remote resources reads what no key can cover.
pub(crate) fn kustomize_key(
    dir: &Path,
    component: bool,
    options: &KustomizeOptions,
) -> Option<String> {
    if options.unrestricted_loads || options.allow_remote {
        return None;
    }
    let mut key = KeyBuilder::new("kustomize");
    key.path(dir);
    key.part(&[u8::from(component)]);
    match &options.binary {
        Some(binary) => key.binary(binary),
        None => {
            key.binary(Path::new("kubectl"));
            key.binary(Path::new("kustomize"));
        }
    }
    // A build that inflates Helm charts runs helm too.
    if !super::kustomize_helm::used_charts(dir).is_empty() {
        key.binary(options.helm_command.as_deref().unwrap_or(Path::new("helm")));
        for api_version in &options.helm_api_versions {
            key.part(b"api-version");
            key.part(api_version.as_bytes());
        }
        if let Some(version) = &options.helm_kube_version {
            key.part(b"kube-version");
            key.part(version.as_bytes());
        }
    }
    // The kustomization, and every local folder it uses, transitively: with kustomize's
    // `root-only` restrictor each reads files in or below its own folder only.
    let mut pending = vec![kustomize::normalize(&std::fs::canonicalize(dir).ok()?)];
    let mut seen = BTreeSet::new();
    while let Some(folder) = pending.pop() {
        if !seen.insert(folder.clone()) {
            continue;
        }
        if !key.tree(&folder) {
            return None;
        }
        if kustomize::kustomization_file(&folder).is_none() {
            continue;
        }
        let kustomization = kustomize::read_kustomization(&folder).ok()?;
        for reference in kustomization.references {
            if reference.is_dir() {
                pending.push(reference);
            } else if !reference.starts_with(&folder) && !key.file(&reference) {
                // A missing file makes the build fail; the failure is cached with the key.
                key.part(b"unreadable");
            }
        }
    }
    Some(key.finish())
}

/// Runs `render` through the cache in `dir` under `key`: an entry found is returned without
/// rendering (the flag is true), a result made is stored. Failures are stored only when
/// `lasting` says they come from the input (the renderer ran and refused it), not from this
/// machine (a missing binary), so a fixed machine renders again.
pub(crate) fn through<T: Serialize + DeserializeOwned>(
    dir: Option<&Path>,
    key: impl FnOnce() -> Option<String>,
    lasting: impl Fn(&str) -> bool,
    render: impl FnOnce() -> Result<T, String>,
) -> (Result<T, String>, bool) {
    let Some((dir, key)) = dir.and_then(|dir| key().map(|key| (dir, key))) else {
        return (render(), false);
    };
    if let Some(found) = load::<Result<T, String>>(dir, &key) {
        return (found, true);
    }
    let made = render();
    if made.as_ref().err().is_none_or(|why| lasting(why)) {
        store(dir, &key, &made);
    }
    (made, false)
}

#[cfg(unix)]
fn inode(metadata: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    metadata.ino() ^ metadata.dev().rotate_left(32)
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

/// The binary a renderer command runs: the path itself when it names a folder, else the first
/// match on `PATH` (the renderer's environment keeps the user's `PATH`).
fn resolve_binary(binary: &Path) -> Option<PathBuf> {
    if binary.components().count() > 1 {
        return Some(binary.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(binary))
        .find(|candidate| candidate.is_file())
}

/// Reads the entry of `key` in `dir`; `None` on any miss or damage.
pub(crate) fn load<T: DeserializeOwned>(dir: &Path, key: &str) -> Option<T> {
    let text = std::fs::read_to_string(dir.join(format!("{key}.json"))).ok()?;
    serde_json::from_str(&text).ok()
}

/// Writes the entry of `key` in `dir` atomically; a failure only loses the entry.
pub(crate) fn store<T: Serialize>(dir: &Path, key: &str, value: &T) {
    let Ok(text) = serde_json::to_string(value) else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Ok(mut file) = tempfile::Builder::new().prefix(".entry-").tempfile_in(dir) else {
        return;
    };
    if file.write_all(text.as_bytes()).is_err() || file.flush().is_err() {
        return;
    }
    let _ = file.persist(dir.join(format!("{key}.json")));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of(dir: &Path) -> Option<String> {
        let mut key = KeyBuilder::new("test");
        key.tree(dir).then(|| key.finish())
    }

    #[test]
    fn keys_follow_the_content_and_names_of_every_file() {
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::create_dir(dir.path().join("sub")).expect("folder");
        std::fs::write(dir.path().join("a.yaml"), "a: 1\n").expect("write");
        std::fs::write(dir.path().join("sub/b.yaml"), "b: 1\n").expect("write");
        let first = key_of(dir.path());
        assert_eq!(first, key_of(dir.path()), "the same tree, the same key");
        std::fs::write(dir.path().join("sub/b.yaml"), "b: 2\n").expect("write");
        let changed = key_of(dir.path());
        assert_ne!(first, changed, "a changed byte in a nested file");
        std::fs::rename(dir.path().join("sub/b.yaml"), dir.path().join("sub/c.yaml"))
            .expect("rename");
        assert_ne!(changed, key_of(dir.path()), "a renamed file");
    }

    #[test]
    fn parts_cannot_run_into_one_another() {
        let key = |parts: &[&str]| {
            let mut key = KeyBuilder::new("test");
            for part in parts {
                key.part(part.as_bytes());
            }
            key.finish()
        };
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
    }

    #[test]
    fn entries_round_trip_and_damage_is_a_miss() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let cache = dir.path().join("renders");
        store(&cache, "k", &vec!["x".to_string()]);
        assert_eq!(
            load::<Vec<String>>(&cache, "k"),
            Some(vec!["x".to_string()])
        );
        std::fs::write(cache.join("k.json"), "{not json").expect("write");
        assert_eq!(load::<Vec<String>>(&cache, "k"), None);
        assert_eq!(load::<Vec<String>>(&cache, "absent"), None);
    }
}
