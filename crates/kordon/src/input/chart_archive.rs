//! Packaged charts: a `.tgz` as `helm package` and `helm dependency build` write it, read in
//! memory so findings rendered from its templates can be shown at the member that wrote them.
//!
//! An archive is hostile input like any file of a scan: its uncompressed size, its number of
//! entries and the size of each member are bounded, and an entry that is a link, a device, an
//! absolute name or a name with `..` makes the whole archive refused (helm refuses such
//! archives too). Nothing is ever written to disk.
//!
//! A member is named `ARCHIVE!/MEMBER` (`charts/redis-18.1.0.tgz!/redis/templates/x.yaml`), the
//! convention of `jar:` URLs: the part before `!/` is the file a user can open, the part after
//! is the name `tar tzf` lists.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::document::{ParseLimits, parse_stream};

/// What separates an archive's path from a member's name in a location.
pub const MEMBER_SEPARATOR: &str = "!/";

/// At most this many bytes are unpacked from one archive (charts are text: the largest public
/// chart unpacks to a few MiB).
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;

/// At most this many entries are read from one archive.
pub const MAX_ENTRIES: usize = 20_000;

/// At most this many bytes are read from a compressed archive file.
pub const MAX_ARCHIVE_BYTES: u64 = 32 * 1024 * 1024;

/// How deep archives packed inside archives are opened.
const MAX_NESTING: usize = 3;

/// The text members of one packaged chart, by member name.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    /// The archive as shown: a file path, or `outer.tgz!/top/charts/inner.tgz` when nested.
    pub shown: String,
    /// UTF-8 members by name (`redis/templates/x.yaml`). Binary members are left out.
    pub members: BTreeMap<String, String>,
    /// Archives packed inside this one (`redis/charts/common-2.0.0.tgz`), by member name.
    pub nested: BTreeMap<String, Vec<u8>>,
}

impl Archive {
    /// The archive's top folder, which helm names after the chart (`redis/`).
    pub fn top(&self) -> Option<&str> {
        self.members.keys().next().and_then(|m| m.split('/').next())
    }

    /// The location name of a member.
    pub fn member_name(&self, member: &str) -> String {
        format!("{}{MEMBER_SEPARATOR}{member}", self.shown)
    }

    /// `name` from the `Chart.yaml` under `prefix` (`redis/`, `redis/charts/common/`).
    pub fn chart_name(&self, prefix: &str) -> Option<String> {
        chart_yaml_name(self.members.get(&format!("{prefix}Chart.yaml"))?)
    }
}

/// Whether a file name looks like a packaged chart.
pub fn is_archive_name(name: &str) -> bool {
    name.ends_with(".tgz") || name.ends_with(".tar.gz")
}

/// Splits a location name `ARCHIVE!/MEMBER` into its archive and member, when it is one.
pub fn split_member(name: &str) -> Option<(&str, &str)> {
    let at = name.find(MEMBER_SEPARATOR)?;
    let (archive, member) = (&name[..at], &name[at + MEMBER_SEPARATOR.len()..]);
    (is_archive_name(archive) && !member.is_empty()).then_some((archive, member))
}

/// Reads a `.tgz` file (see the module documentation for what is refused).
pub fn read_archive(file: &Path, shown: &str) -> Result<Archive, String> {
    let handle = std::fs::File::open(file).map_err(|e| format!("cannot open the archive: {e}"))?;
    let mut bytes = Vec::new();
    handle
        .take(MAX_ARCHIVE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the archive: {e}"))?;
    if bytes.len() as u64 > MAX_ARCHIVE_BYTES {
        return Err(format!(
            "the archive is over {MAX_ARCHIVE_BYTES} bytes: not read"
        ));
    }
    read_archive_bytes(&bytes, shown)
}

/// Reads a gzip-compressed tar archive from memory.
pub fn read_archive_bytes(bytes: &[u8], shown: &str) -> Result<Archive, String> {
    let decoder = flate2::read::GzDecoder::new(bytes);
    // One byte more than allowed is read, so an archive at the limit is told from one over it.
    let limited = decoder.take(MAX_UNPACKED_BYTES + 1);
    let mut tar = tar::Archive::new(limited);
    let mut archive = Archive {
        shown: shown.to_string(),
        ..Archive::default()
    };
    let entries = tar
        .entries()
        .map_err(|e| format!("not a gzip-compressed tar archive: {e}"))?;
    let mut total: u64 = 0;
    for (count, entry) in entries.enumerate() {
        if count >= MAX_ENTRIES {
            return Err(format!(
                "the archive has over {MAX_ENTRIES} entries: not read"
            ));
        }
        let mut entry = entry.map_err(|e| unreadable(total, e))?;
        let name = String::from_utf8(entry.path_bytes().into_owned())
            .map_err(|_| "an entry's name is not UTF-8: the archive is refused".to_string())?;
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            return Err(format!(
                "entry `{name}` is not a regular file (a link or a device): the archive is refused"
            ));
        }
        let name = safe_name(&name)?;
        let size = entry.size();
        total = total.saturating_add(size);
        if total > MAX_UNPACKED_BYTES {
            return Err(format!(
                "the archive unpacks to over {MAX_UNPACKED_BYTES} bytes: not read"
            ));
        }
        let mut content = Vec::with_capacity(usize::try_from(size.min(1 << 20)).unwrap_or(0));
        entry
            .read_to_end(&mut content)
            .map_err(|e| unreadable(total, e))?;
        if is_archive_name(&name) {
            archive.nested.insert(name, content);
        } else if let Ok(text) = String::from_utf8(content) {
            archive.members.insert(name, text);
        }
    }
    if archive.members.is_empty() {
        return Err("the archive holds no text file".into());
    }
    Ok(archive)
}

fn unreadable(total: u64, error: std::io::Error) -> String {
    if total >= MAX_UNPACKED_BYTES {
        format!("the archive unpacks to over {MAX_UNPACKED_BYTES} bytes: not read")
    } else {
        format!("the archive is damaged: {error}")
    }
}

/// An entry's name made canonical (`./a//b` -> `a/b`), or why it is refused.
fn safe_name(name: &str) -> Result<String, String> {
    let drive = name.as_bytes().get(1) == Some(&b':');
    if name.starts_with('/') || name.contains('\\') || drive {
        return Err(format!(
            "entry `{name}` has an absolute name: the archive is refused"
        ));
    }
    let parts: Vec<&str> = name
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.contains(&"..") {
        return Err(format!(
            "entry `{name}` leads out of the archive (`..`): the archive is refused"
        ));
    }
    if parts.is_empty() {
        return Err("an entry has an empty name: the archive is refused".into());
    }
    Ok(parts.join("/"))
}

fn chart_yaml_name(text: &str) -> Option<String> {
    let stream = parse_stream(text, ParseLimits::default());
    let root = stream.documents.into_iter().next()?.ok()?.root?;
    root.get("name")?.as_str().map(str::to_string)
}

/// One `dependencies:` entry of a `Chart.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// `name`: the chart's own name.
    pub name: String,
    /// `alias`: the name the parent gives it (in `# Source:` paths and values).
    pub alias: Option<String>,
    /// `repository`, e.g. `file://../common` or an `https://` chart repository.
    pub repository: Option<String>,
    /// `version` (a constraint).
    pub version: Option<String>,
    /// The 1-based line of the entry in `Chart.yaml`.
    pub line: usize,
}

/// The `dependencies:` of a `Chart.yaml` text.
pub fn dependencies(text: &str) -> Vec<Dependency> {
    let stream = parse_stream(text, ParseLimits::default());
    let Some(Ok(document)) = stream.documents.into_iter().next() else {
        return Vec::new();
    };
    let Some(root) = document.root else {
        return Vec::new();
    };
    let Some(list) = root.get("dependencies").map(|d| d.items()) else {
        return Vec::new();
    };
    let lines = crate::document::LineIndex::new(text);
    list.iter()
        .filter_map(|item| {
            let field = |key: &str| item.get(key).and_then(|v| v.as_str()).map(str::to_string);
            Some(Dependency {
                name: field("name")?,
                alias: field("alias").filter(|a| !a.is_empty()),
                repository: field("repository").filter(|r| !r.is_empty()),
                version: field("version"),
                line: lines.position(text, item.span.start).line,
            })
        })
        .collect()
}

/// Where a chart of the tree lives: a folder on disk, or a folder inside an archive.
#[derive(Debug, Clone)]
enum Place {
    Dir(PathBuf),
    Member { archive: usize, prefix: String },
}

/// The files of a chart and of every subchart it holds, unpacked or packaged: what a `# Source:`
/// path of its render names, and the text of each.
#[derive(Debug, Default)]
pub struct ChartFiles {
    root: PathBuf,
    archives: Vec<Archive>,
    /// Archives already opened, by the path or nested name they were opened from.
    opened: BTreeMap<String, Option<usize>>,
    /// Why an archive could not be read, by its shown name.
    pub refused: BTreeMap<String, String>,
}

impl ChartFiles {
    /// The files of the chart at `root`: a chart folder, or a packaged chart (`.tgz`).
    pub fn new(root: &Path) -> Self {
        ChartFiles {
            root: root.to_path_buf(),
            ..ChartFiles::default()
        }
    }

    fn open_file(&mut self, file: &Path) -> Option<usize> {
        let shown = super::display_name(file);
        if let Some(&known) = self.opened.get(&shown) {
            return known;
        }
        let read = read_archive(file, &shown);
        self.remember(shown, read)
    }

    fn open_nested(&mut self, outer: usize, member: &str, depth: usize) -> Option<usize> {
        let shown = self.archives[outer].member_name(member);
        if let Some(&known) = self.opened.get(&shown) {
            return known;
        }
        let read = if depth >= MAX_NESTING {
            Err("archives nested too deep: not read".to_string())
        } else {
            let bytes = self.archives[outer].nested.get(member)?.clone();
            read_archive_bytes(&bytes, &shown)
        };
        self.remember(shown, read)
    }

    /// Keeps what opening the archive shown as `shown` gave (its index, or why it was refused),
    /// so each archive is read once.
    fn remember(&mut self, shown: String, read: Result<Archive, String>) -> Option<usize> {
        let index = match read {
            Ok(archive) => {
                self.archives.push(archive);
                Some(self.archives.len() - 1)
            }
            Err(why) => {
                self.refused.insert(shown.clone(), why);
                None
            }
        };
        self.opened.insert(shown, index);
        index
    }

    fn chart_yaml(&self, place: &Place) -> Option<String> {
        match place {
            Place::Dir(dir) => std::fs::read_to_string(dir.join("Chart.yaml")).ok(),
            Place::Member { archive, prefix } => self.archives[*archive]
                .members
                .get(&format!("{prefix}Chart.yaml"))
                .cloned(),
        }
    }

    /// The chart names a subchart called `sub` in a `# Source:` path may have: `sub` itself,
    /// and the `name` of a dependency the parent gives the alias `sub`.
    fn names_for(&self, parent: &Place, sub: &str) -> Vec<String> {
        let mut names = vec![sub.to_string()];
        if let Some(text) = self.chart_yaml(parent) {
            names.extend(
                dependencies(&text)
                    .into_iter()
                    .filter(|d| d.alias.as_deref() == Some(sub))
                    .map(|d| d.name),
            );
        }
        names
    }

    fn subchart(&mut self, parent: &Place, sub: &str, depth: usize) -> Option<Place> {
        let names = self.names_for(parent, sub);
        match parent {
            Place::Dir(dir) => {
                let charts = dir.join("charts");
                let unpacked = charts.join(sub);
                if unpacked.join("Chart.yaml").is_file() {
                    return Some(Place::Dir(unpacked));
                }
                let mut entries: Vec<PathBuf> = std::fs::read_dir(&charts)
                    .ok()?
                    .flatten()
                    .map(|e| e.path())
                    .collect();
                entries.sort();
                for path in &entries {
                    if path.join("Chart.yaml").is_file()
                        && std::fs::read_to_string(path.join("Chart.yaml"))
                            .ok()
                            .and_then(|t| chart_yaml_name(&t))
                            .is_some_and(|n| names.contains(&n))
                    {
                        return Some(Place::Dir(path.clone()));
                    }
                }
                for path in entries {
                    let is_archive = path
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(is_archive_name);
                    if !is_archive || !path.is_file() {
                        continue;
                    }
                    let Some(index) = self.open_file(&path) else {
                        continue;
                    };
                    if let Some(place) = self.archive_chart(index, &names) {
                        return Some(place);
                    }
                }
                None
            }
            Place::Member { archive, prefix } => {
                let base = format!("{prefix}charts/");
                let folder = format!("{base}{sub}/");
                if self.archives[*archive]
                    .members
                    .contains_key(&format!("{folder}Chart.yaml"))
                {
                    return Some(Place::Member {
                        archive: *archive,
                        prefix: folder,
                    });
                }
                let nested: Vec<String> = self.archives[*archive]
                    .nested
                    .keys()
                    .filter(|m| {
                        m.strip_prefix(&base)
                            .is_some_and(|rest| !rest.contains('/'))
                    })
                    .cloned()
                    .collect();
                let outer = *archive;
                for member in nested {
                    let Some(index) = self.open_nested(outer, &member, depth + 1) else {
                        continue;
                    };
                    if let Some(place) = self.archive_chart(index, &names) {
                        return Some(place);
                    }
                }
                None
            }
        }
    }

    fn archive_chart(&self, index: usize, names: &[String]) -> Option<Place> {
        let archive = &self.archives[index];
        let prefix = format!("{}/", archive.top()?);
        let name = archive.chart_name(&prefix)?;
        names.contains(&name).then_some(Place::Member {
            archive: index,
            prefix,
        })
    }

    /// The file a `# Source:` path (`app/charts/redis/templates/x.yaml`) names: a path on disk,
    /// or `ARCHIVE!/MEMBER` for a member of a packaged chart. `None` when it is neither.
    pub fn resolve(&mut self, source_path: &str) -> Option<PathBuf> {
        let mut parts = source_path.split('/').filter(|p| !p.is_empty());
        let top = parts.next()?;
        let rest: Vec<&str> = parts.collect();
        if rest.contains(&"..") {
            return None;
        }
        let mut place = if self.root.is_file() {
            let root = self.root.clone();
            let index = self.open_file(&root)?;
            let prefix = format!("{}/", self.archives[index].top()?);
            // The archive's folder is the chart's name, as is the path's first part.
            if prefix.trim_end_matches('/') != top {
                return None;
            }
            Place::Member {
                archive: index,
                prefix,
            }
        } else {
            Place::Dir(self.root.clone())
        };
        let mut at = 0;
        let mut depth = 0;
        while rest.len() > at + 2 && rest[at] == "charts" {
            place = self.subchart(&place, rest[at + 1], depth)?;
            at += 2;
            depth += 1;
        }
        let file = rest[at..].join("/");
        match place {
            Place::Dir(dir) => Some(dir.join(file)),
            Place::Member { archive, prefix } => {
                let member = format!("{prefix}{file}");
                let archive = &self.archives[archive];
                archive
                    .members
                    .contains_key(&member)
                    .then(|| PathBuf::from(archive.member_name(&member)))
            }
        }
    }

    /// The text of a file [`resolve`](Self::resolve) named, from disk or from its archive.
    pub fn read(&self, path: &Path) -> Option<String> {
        let name = path.to_str()?;
        if let Some((shown, member)) = split_member(name)
            && let Some(archive) = self.archives.iter().find(|a| a.shown == shown)
        {
            return archive.members.get(member).cloned();
        }
        std::fs::read_to_string(path).ok()
    }

    /// The written file a member of a packaged local dependency is a copy of: for a chart
    /// whose `Chart.yaml` takes a dependency from `repository: file://DIR`, `helm dependency
    /// build` packs DIR into `charts/`, and DIR's file is what a user edits. Only a file with
    /// the member's exact text counts (the archive may be stale), and only one inside the
    /// current directory: kordon never reads outside the repository on a chart's say-so.
    pub fn written_source(&self, path: &Path) -> Option<PathBuf> {
        let name = path.to_str()?;
        let (shown, member) = split_member(name)?;
        if !self.root.is_dir() {
            return None;
        }
        let archive = self.archives.iter().find(|a| a.shown == shown)?;
        let in_charts = Path::new(shown).parent()? == self.root.join("charts");
        let top = archive.top()?;
        let chart = archive.chart_name(&format!("{top}/"))?;
        let text = std::fs::read_to_string(self.root.join("Chart.yaml")).ok()?;
        let local = dependencies(&text).into_iter().find_map(|d| {
            (d.name == chart)
                .then_some(d.repository)
                .flatten()
                .and_then(|r| r.strip_prefix("file://").map(str::to_string))
        })?;
        if !in_charts {
            return None;
        }
        let dir = self.root.join(&local);
        let within = std::env::current_dir()
            .and_then(std::fs::canonicalize)
            .ok()
            .zip(std::fs::canonicalize(&dir).ok())
            .is_some_and(|(cwd, dir)| dir.starts_with(cwd));
        if !within {
            return None;
        }
        let file = dir.join(member.strip_prefix(&format!("{top}/"))?);
        let written = std::fs::read_to_string(&file).ok()?;
        (archive.members.get(member) == Some(&written)).then(|| super::kustomize::normalize(&file))
    }

    /// Every template (`templates/**`) of every archive opened so far, as `ARCHIVE!/MEMBER`
    /// names: where `define`s of packaged subcharts are looked up.
    pub fn archived_templates(&self) -> Vec<PathBuf> {
        self.archives
            .iter()
            .flat_map(|archive| {
                archive
                    .members
                    .keys()
                    .filter(|m| m.contains("/templates/"))
                    .map(|m| PathBuf::from(archive.member_name(m)))
            })
            .collect()
    }

    /// Opens every archive of the chart tree (under `charts/`, and nested ones), so
    /// [`archived_templates`](Self::archived_templates) lists them all.
    pub fn open_all(&mut self) {
        let mut pending: Vec<Place> = Vec::new();
        if self.root.is_file() {
            let root = self.root.clone();
            if let Some(index) = self.open_file(&root)
                && let Some(top) = self.archives[index].top()
            {
                let prefix = format!("{top}/");
                pending.push(Place::Member {
                    archive: index,
                    prefix,
                });
            }
        } else {
            pending.push(Place::Dir(self.root.clone()));
        }
        let mut steps = 0;
        while let Some(place) = pending.pop() {
            steps += 1;
            if steps > 1_000 {
                break;
            }
            match place {
                Place::Dir(dir) => {
                    let Ok(entries) = std::fs::read_dir(dir.join("charts")) else {
                        continue;
                    };
                    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
                    paths.sort();
                    for path in paths {
                        if path.join("Chart.yaml").is_file() {
                            pending.push(Place::Dir(path));
                        } else if path
                            .file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(is_archive_name)
                            && path.is_file()
                            && let Some(index) = self.open_file(&path)
                            && let Some(top) = self.archives[index].top()
                        {
                            let prefix = format!("{top}/");
                            pending.push(Place::Member {
                                archive: index,
                                prefix,
                            });
                        }
                    }
                }
                Place::Member { archive, .. } => {
                    let nested: Vec<String> =
                        self.archives[archive].nested.keys().cloned().collect();
                    for member in nested {
                        let depth = self.archives[archive]
                            .shown
                            .matches(MEMBER_SEPARATOR)
                            .count();
                        if let Some(index) = self.open_nested(archive, &member, depth + 1)
                            && let Some(top) = self.archives[index].top()
                        {
                            let prefix = format!("{top}/");
                            pending.push(Place::Member {
                                archive: index,
                                prefix,
                            });
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_gz(entries: &[(&str, &[u8], tar::EntryType)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, content, kind) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(*kind);
            header.set_size(content.len() as u64);
            header.set_mode(0o644);
            // `set_path` refuses `..` itself: the raw name field is what a hostile archive has.
            let bytes = name.as_bytes();
            header.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
            if *kind == tar::EntryType::Symlink {
                header.set_link_name("/etc/passwd").expect("link name");
            }
            header.set_cksum();
            builder.append(&header, *content).expect("append");
        }
        let tar = builder.into_inner().expect("tar");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar).expect("gzip");
        gz.finish().expect("gzip")
    }

    #[test]
    fn a_chart_archive_is_read_in_memory() {
        let bytes = tar_gz(&[
            ("sub/Chart.yaml", b"name: sub\n", tar::EntryType::Regular),
            (
                "./sub//templates/a.yaml",
                b"kind: Pod\n",
                tar::EntryType::Regular,
            ),
            ("sub/logo.png", b"\x89PNG\xff\xfe", tar::EntryType::Regular),
        ]);
        let archive = read_archive_bytes(&bytes, "charts/sub-1.0.0.tgz").expect("read");
        assert_eq!(
            archive.members.keys().collect::<Vec<_>>(),
            ["sub/Chart.yaml", "sub/templates/a.yaml"]
        );
        assert_eq!(archive.top(), Some("sub"));
        assert_eq!(archive.chart_name("sub/").as_deref(), Some("sub"));
        assert_eq!(
            archive.member_name("sub/templates/a.yaml"),
            "charts/sub-1.0.0.tgz!/sub/templates/a.yaml"
        );
    }

    #[test]
    fn hostile_archives_are_refused() {
        let traversal = tar_gz(&[("../../etc/x.yaml", b"a", tar::EntryType::Regular)]);
        let absolute = tar_gz(&[("/etc/x.yaml", b"a", tar::EntryType::Regular)]);
        let link = tar_gz(&[("sub/link", b"", tar::EntryType::Symlink)]);
        let hard = tar_gz(&[("sub/hard", b"", tar::EntryType::Link)]);
        for (bytes, expected) in [
            (traversal, "leads out of the archive"),
            (absolute, "absolute name"),
            (link, "not a regular file"),
            (hard, "not a regular file"),
        ] {
            let error = read_archive_bytes(&bytes, "x.tgz").expect_err("refused");
            assert!(error.contains(expected), "{error}");
        }
        assert!(
            read_archive_bytes(b"not gzip at all", "x.tgz")
                .expect_err("refused")
                .contains("archive")
        );
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_bound() {
        // Zeros compress about a thousand to one: the archive claims a member larger than the
        // bound and is refused without unpacking it.
        let big = vec![0u8; (MAX_UNPACKED_BYTES + 1024) as usize];
        let bytes = tar_gz(&[("sub/big.yaml", &big, tar::EntryType::Regular)]);
        assert!(bytes.len() < 1024 * 1024);
        let error = read_archive_bytes(&bytes, "x.tgz").expect_err("refused");
        assert!(error.contains("unpacks to over"), "{error}");
    }

    #[test]
    fn member_names_split_at_the_archive() {
        assert_eq!(
            split_member("charts/redis-18.1.0.tgz!/redis/templates/x.yaml"),
            Some(("charts/redis-18.1.0.tgz", "redis/templates/x.yaml"))
        );
        assert_eq!(split_member("odd!/name.yaml"), None);
        assert_eq!(split_member("plain/file.yaml"), None);
    }

    #[test]
    fn dependencies_are_read_with_their_lines() {
        let text = "name: app\ndependencies:\n  - name: redis\n    alias: cache\n    repository: https://charts.example\n  - name: common\n    repository: file://../common\n";
        let found = dependencies(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].alias.as_deref(), Some("cache"));
        assert_eq!(found[1].repository.as_deref(), Some("file://../common"));
        assert_eq!((found[0].line, found[1].line), (3, 6));
    }
}
