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
        }
    }

    /// The scope `source` is deployed in.
    pub(crate) fn key(&mut self, source: &Source) -> ScopeKey {
        if crate::input::render::is_render_name(&source.name) && source.path.is_none() {
            return ScopeKey::Render(source.name.clone());
        }
        let Some(path) = source.path.as_deref() else {
            return ScopeKey::Unplaced;
        };
        let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
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
}
