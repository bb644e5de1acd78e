//! Inventory scopes: which objects of a scan are applied together, and so see each other in
//! `data.inventory`.
//!
//! Gatekeeper's inventory is one cluster. A scan is many possible clusters at once: a tree
//! holding several repositories, two overlays of one base, a chart beside plain manifests. Put
//! together, their objects collapse by (namespace, kind, name), and a cross-object rule judges a
//! workload by a Service or a NetworkPolicy that is never applied with it. So each object is
//! given the scope it is deployed in, and cross-object rules see only their scope:
//!
//! - every render is a scope of its own: one `kustomize build`, one `helm template` (one per
//!   values entry of a chart). Two overlays of one base are two builds and never see each other;
//!   a build does not see the plain files around it either, since `kubectl apply -k` does not
//!   apply them;
//! - plain files share the scope of their project: the nearest directory above them holding
//!   `.git` or a kordon configuration file; without one, the scanned path that holds them (each
//!   directory argument is a project, a file argument stands for its directory); without that,
//!   the top directory of the name they were given;
//! - texts without a file (standard input, sources held in memory) share one scope.
//!
//! A project whose plain files define one object twice (the same group, kind, namespace and
//! name in two files) cannot be applied as one: it is a collection of samples, of alternative
//! installs or of environments. Such a project is split where the collisions are
//! ([`split_colliding_projects`]): into its subdirectories, level by level, while a part still
//! holds a collision; the files directly in a directory stay one part. So a sample is judged by
//! its own Services and NetworkPolicies, not by another sample's, and `prod/` is not judged by
//! `staging/`.
//!
//! Files read only as context (`--context`) are scoped the same way, so they complete the
//! inventory of the scanned objects of their own project or render.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use crate::document::Source;

/// What a scope is named after; ordered, so scopes are numbered the same way on every run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum ScopeKey {
    /// Texts without a file on disk.
    Unplaced,
    /// Plain files of one project, by its directory.
    Project(PathBuf),
    /// The plain files of one part of a project split by its collisions
    /// ([`split_colliding_projects`]): the project and the part's directory or file.
    Part(PathBuf, PathBuf),
    /// One render, by the name of its text (`<dir> (kustomize build)`).
    Render(String),
}

/// Files whose directory is a project root.
const PROJECT_MARKERS: [&str; 3] = [".git", ".kordon.yaml", ".kordon.yml"];

/// Assigns scopes to sources and numbers them in order of their keys.
pub(crate) struct Scopes {
    /// The scanned paths, as the file system resolves them, longest first.
    roots: Vec<PathBuf>,
    /// The project of each directory already looked up.
    projects: HashMap<PathBuf, Option<PathBuf>>,
    /// Each directory of a source as the file system resolves it: one lookup per directory,
    /// not per file.
    directories: HashMap<PathBuf, PathBuf>,
}

impl Scopes {
    /// `roots` are the paths the scan was asked for (empty when it was given texts).
    pub(crate) fn new(roots: &[PathBuf]) -> Self {
        // A file named on its own stands for its directory: `scan deploy.yaml service.yaml`
        // names two files of one project.
        let mut roots: Vec<PathBuf> = roots
            .iter()
            .filter(|p| p.as_os_str() != "-")
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .map(|p| match p.parent() {
                Some(parent) if p.is_file() => parent.to_path_buf(),
                _ => p,
            })
            .collect();
        roots.sort_by_key(|r| std::cmp::Reverse(r.components().count()));
        Scopes {
            roots,
            projects: HashMap::new(),
            directories: HashMap::new(),
        }
    }

    /// `path` with its directory resolved (symbolic links, `..`); as given when that fails.
    fn resolve(&mut self, path: &Path) -> PathBuf {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        };
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        let directory = self
            .directories
            .entry(parent.to_path_buf())
            .or_insert_with(|| {
                std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf())
            });
        directory.join(name)
    }

    /// The path of `source` below `project`, one entry per component, when it is below it.
    pub(crate) fn below_project(
        &mut self,
        project: &Path,
        source: &Source,
    ) -> Option<Vec<std::ffi::OsString>> {
        let path = source.path.as_deref()?;
        let resolved = self.resolve(path);
        let relative = resolved
            .strip_prefix(project)
            .or_else(|_| path.strip_prefix(project))
            .ok()?;
        let components: Vec<std::ffi::OsString> = relative
            .components()
            .filter_map(|c| match c {
                Component::Normal(part) => Some(part.to_os_string()),
                _ => None,
            })
            .collect();
        (!components.is_empty()).then_some(components)
    }

    /// The scope `source` is deployed in.
    pub(crate) fn key(&mut self, source: &Source) -> ScopeKey {
        if crate::input::render::is_render_name(&source.name) && source.path.is_none() {
            return ScopeKey::Render(source.name.clone());
        }
        let Some(path) = source.path.as_deref() else {
            return ScopeKey::Unplaced;
        };
        let resolved = self.resolve(path);
        let directory = resolved.parent().unwrap_or(Path::new("")).to_path_buf();
        if let Some(project) = self.marked_project(&directory) {
            return ScopeKey::Project(project);
        }
        if let Some(root) = self.roots.iter().find(|r| resolved.starts_with(r)) {
            return ScopeKey::Project(root.clone());
        }
        top_directory(path).map_or(ScopeKey::Unplaced, ScopeKey::Project)
    }

    /// The nearest directory at or above `directory` holding a project marker.
    fn marked_project(&mut self, directory: &Path) -> Option<PathBuf> {
        if let Some(known) = self.projects.get(directory) {
            return known.clone();
        }
        let found = if PROJECT_MARKERS
            .iter()
            .any(|marker| directory.join(marker).exists())
        {
            Some(directory.to_path_buf())
        } else {
            match directory.parent() {
                Some(parent) if parent != directory && !parent.as_os_str().is_empty() => {
                    self.marked_project(parent)
                }
                _ => None,
            }
        };
        self.projects.insert(directory.to_path_buf(), found.clone());
        found
    }
}

/// One plain file of a project, as [`split_colliding_projects`] reads it.
pub(crate) struct PlacedFile<'a> {
    /// The file's path below its project, one entry per component (the file name last).
    pub components: Vec<std::ffi::OsString>,
    /// The identities of its objects: group, kind, namespace as written, name.
    pub identities: Vec<(&'a str, &'a str, Option<&'a str>, &'a str)>,
}

/// The identities of a document's named objects, for [`PlacedFile::identities`].
pub(crate) fn identities(
    document: &crate::document::Document,
) -> Vec<(&str, &str, Option<&str>, &str)> {
    document
        .objects
        .iter()
        .filter_map(|o| {
            Some((
                o.group(),
                o.kind.as_str(),
                o.namespace.as_deref(),
                o.name.as_deref()?,
            ))
        })
        .collect()
}

/// Splits each project whose files define an object twice ([`ScopeKey::Part`]); `files[i]` is
/// the file of `keys[i]`, `None` for a document that is not a plain file of its project.
/// Returns the parts each split project became, for placing context files.
pub(crate) fn split_colliding_projects(
    keys: &mut [ScopeKey],
    files: &[Option<PlacedFile<'_>>],
) -> HashMap<PathBuf, Vec<PathBuf>> {
    let mut by_project: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
    for (index, key) in keys.iter().enumerate() {
        if let (ScopeKey::Project(project), Some(_)) = (key, &files[index]) {
            by_project.entry(project.clone()).or_default().push(index);
        }
    }
    let mut split = HashMap::new();
    for (project, members) in by_project {
        let mut parts: Vec<(PathBuf, Vec<usize>)> = Vec::new();
        partition(files, members, 0, &project, &mut parts);
        if parts.len() < 2 {
            continue;
        }
        for (part, indices) in &parts {
            for &index in indices {
                keys[index] = ScopeKey::Part(project.clone(), part.clone());
            }
        }
        split.insert(project, parts.into_iter().map(|(part, _)| part).collect());
    }
    split
}

/// Divides `members` (files of one directory tree at `depth` below the project) into parts
/// without collisions, appending `(part path, files)` to `parts`.
fn partition(
    files: &[Option<PlacedFile<'_>>],
    members: Vec<usize>,
    depth: usize,
    path: &Path,
    parts: &mut Vec<(PathBuf, Vec<usize>)>,
) {
    if !collides(files, &members) {
        parts.push((path.to_path_buf(), members));
        return;
    }
    let mut own: Vec<usize> = Vec::new();
    let mut below: BTreeMap<std::ffi::OsString, Vec<usize>> = BTreeMap::new();
    for index in members {
        let Some(file) = &files[index] else { continue };
        match file.components.get(depth) {
            Some(directory) if file.components.len() > depth + 1 => {
                below.entry(directory.clone()).or_default().push(index);
            }
            _ => own.push(index),
        }
    }
    // A directory's own files stay together even when two of them define one object
    // (`install.yaml` beside `namespace-install.yaml`): which files of a folder are applied
    // together is not written anywhere, and most of them (a Deployment's file beside its
    // Service's) belong together.
    if !own.is_empty() {
        parts.push((path.to_path_buf(), own));
    }
    for (directory, indices) in below {
        partition(files, indices, depth + 1, &path.join(directory), parts);
    }
}

/// Whether two of the files define an object of the same identity.
fn collides(files: &[Option<PlacedFile<'_>>], members: &[usize]) -> bool {
    let mut seen: HashMap<&(&str, &str, Option<&str>, &str), usize> = HashMap::new();
    for &index in members {
        let Some(file) = &files[index] else { continue };
        for identity in &file.identities {
            match seen.get(identity) {
                Some(&other) if other != index => return true,
                Some(_) => {}
                None => {
                    seen.insert(identity, index);
                }
            }
        }
    }
    false
}

/// The first directory of a relative name (`deploy` of `deploy/app/pod.yaml`).
fn top_directory(path: &Path) -> Option<PathBuf> {
    if path.is_absolute() {
        return None;
    }
    let mut normal = path.components().filter_map(|c| match c {
        Component::Normal(part) => Some(part),
        _ => None,
    });
    let first = normal.next()?;
    normal.next().map(|_| PathBuf::from(first))
}

/// Numbers keys in their order: the scope index of each key given, and how many scopes there are.
pub(crate) fn number(keys: &[ScopeKey]) -> (Vec<usize>, usize) {
    let mut numbers: BTreeMap<&ScopeKey, usize> = keys.iter().map(|k| (k, 0)).collect();
    for (n, number) in numbers.values_mut().enumerate() {
        *number = n;
    }
    let count = numbers.len();
    (keys.iter().map(|k| numbers[k]).collect(), count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_disk(path: &Path) -> Source {
        Source {
            name: path.display().to_string(),
            path: Some(path.to_path_buf()),
            text: String::new(),
        }
    }

    #[test]
    fn projects_are_found_by_marker_then_by_scanned_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        let base = std::fs::canonicalize(dir.path()).expect("canonical");
        for sub in ["a/.git", "a/deep/er", "b/x", "c"] {
            std::fs::create_dir_all(base.join(sub)).expect("mkdir");
        }
        std::fs::write(base.join("c/.kordon.yaml"), "").expect("write");
        let mut scopes = Scopes::new(&[base.join("b"), base.clone()]);
        let key = |scopes: &mut Scopes, file: &str| scopes.key(&on_disk(&base.join(file)));
        assert_eq!(
            key(&mut scopes, "a/deep/er/pod.yaml"),
            ScopeKey::Project(base.join("a"))
        );
        assert_eq!(
            key(&mut scopes, "c/pod.yaml"),
            ScopeKey::Project(base.join("c"))
        );
        assert_eq!(
            key(&mut scopes, "b/x/pod.yaml"),
            ScopeKey::Project(base.join("b"))
        );
        assert_eq!(
            key(&mut scopes, "pod.yaml"),
            ScopeKey::Project(base.clone())
        );
    }

    #[test]
    fn renders_and_texts_without_files_have_scopes_of_their_own() {
        let mut scopes = Scopes::new(&[]);
        let build = Source::new("overlays/prod (kustomize build)", "");
        assert_eq!(
            scopes.key(&build),
            ScopeKey::Render("overlays/prod (kustomize build)".into())
        );
        assert_eq!(scopes.key(&Source::new("<stdin>", "")), ScopeKey::Unplaced);
        let loose = Source {
            name: "deploy/app/pod.yaml".into(),
            path: Some("deploy/app/pod.yaml".into()),
            text: String::new(),
        };
        // Without a marker above it or a scanned path, a name's first directory is its project.
        assert_eq!(scopes.key(&loose), ScopeKey::Project("deploy".into()));
    }

    #[test]
    fn scopes_are_numbered_in_key_order() {
        let keys = vec![
            ScopeKey::Render("b".into()),
            ScopeKey::Unplaced,
            ScopeKey::Render("a".into()),
            ScopeKey::Unplaced,
        ];
        assert_eq!(number(&keys), (vec![2, 0, 1, 0], 3));
    }

    fn placed<'a>(path: &str, names: &[&'a str]) -> Option<PlacedFile<'a>> {
        Some(PlacedFile {
            components: path.split('/').map(Into::into).collect(),
            identities: names
                .iter()
                .map(|n| ("apps", "Deployment", None, *n))
                .collect(),
        })
    }

    #[test]
    fn a_project_is_split_only_where_two_files_define_one_object() {
        let project = PathBuf::from("/repo");
        let files = vec![
            placed("deploy/web.yaml", &["web"]),
            placed("deploy/policies/deny.yaml", &["deny"]),
            placed("samples/a/one.yaml", &["app"]),
            placed("samples/a/two.yaml", &["app"]),
            placed("samples/b/nested/app.yaml", &["app"]),
            placed("root.yaml", &["root"]),
        ];
        let mut keys = vec![ScopeKey::Project(project.clone()); files.len()];
        let parts = split_colliding_projects(&mut keys, &files);
        let part = |p: &str| ScopeKey::Part(project.clone(), project.join(p));
        assert_eq!(
            keys,
            [
                // No collision under deploy/: it stays whole.
                part("deploy"),
                part("deploy"),
                // A folder's own files stay together, though they collide.
                part("samples/a"),
                part("samples/a"),
                part("samples/b"),
                part(""),
            ]
        );
        assert_eq!(parts[&project].len(), 4);
        // Without a collision nothing is split.
        let mut whole = vec![ScopeKey::Project(project.clone()); 2];
        let distinct = [placed("a/x.yaml", &["x"]), placed("b/y.yaml", &["y"])];
        assert!(split_colliding_projects(&mut whole, &distinct).is_empty());
        assert_eq!(whole, vec![ScopeKey::Project(project); 2]);
    }
}
