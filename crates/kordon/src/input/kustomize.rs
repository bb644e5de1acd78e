//! Kustomize: reading kustomization files, building them with `kubectl kustomize` (or
//! `kustomize build`), and learning which resource file each built object came from.
//!
//! The origin of each object is asked of kustomize itself: the directory is built through a
//! throw-away overlay that lists it and sets `buildMetadata: [originAnnotations]`, so every
//! object carries a `config.kubernetes.io/origin` annotation. kordon records the origins and
//! removes the annotations again before the objects are scanned, so rules see exactly what a
//! plain build produces.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::kustomize_helm::HelmCommand;
use super::sandbox::{self, Network, is_remote_reference};
use crate::document::{Document, Node, ParseLimits, Source, Span, parse_stream};

/// File names that make a directory a kustomization, in kustomize's order of preference.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The annotation kustomize writes for `buildMetadata: [originAnnotations]`.
pub const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";

/// How kustomizations are built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KustomizeOptions {
    /// The binary: a `kubectl` (run as `kubectl kustomize DIR`) or a `kustomize` (run as
    /// `kustomize build DIR`). Default: `kubectl` on `PATH`, else `kustomize`.
    pub binary: Option<PathBuf>,
    /// Let kustomizations read files outside their own folder
    /// (`--load-restrictor=LoadRestrictionsNone`). Off by default: a kustomization under review
    /// could otherwise pull any readable file of the machine into a generated Secret.
    pub unrestricted_loads: bool,
    /// Let kustomizations fetch remote resources and bases (URLs, git repositories). Off by
    /// default: such a kustomization is refused, and the build cannot reach the network.
    pub allow_remote: bool,
    /// The helm that inflates a kustomization's `helmCharts:` (kustomize's `--helm-command`).
    /// Default: `helm` on `PATH`.
    pub helm_command: Option<PathBuf>,
    /// The API versions helm reports to `helmCharts:` templates (`.Capabilities.APIVersions`,
    /// kustomize's `--helm-api-versions`), beside each entry's own `apiVersions`.
    pub helm_api_versions: Vec<String>,
    /// The Kubernetes version helm reports to them (kustomize's `--helm-kube-version`).
    pub helm_kube_version: Option<String>,
}

/// The kustomization file of a directory, if it is one.
pub fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

/// What a kustomization file refers to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kustomization {
    /// `kind: Component`.
    pub component: bool,
    /// Local files and directories it reads (resources, bases, components, patches, generator
    /// files...), joined to its directory and normalised. Remote references are left out.
    pub references: Vec<PathBuf>,
    /// Remote resources, bases and components (URLs, git repositories), as written.
    pub remote: Vec<String>,
    /// The Helm charts it inflates (`helmCharts:`, or the older `helmChartInflationGenerator:`).
    pub helm_charts: Vec<HelmChartEntry>,
}

/// One chart a kustomization inflates with helm.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HelmChartEntry {
    /// The chart's name (`name:`, or `chartName:` in `helmChartInflationGenerator:`).
    pub name: String,
    /// The repository it is pulled from when it is not under the chart home (`repo:`).
    pub repo: Option<String>,
    /// `version:`.
    pub version: Option<String>,
    /// `releaseName:` (kustomize passes `--generate-name` without one).
    pub release_name: Option<String>,
    /// Where kustomize looks for the chart: `CHART_HOME/NAME` (`CHART_HOME/NAME-VERSION/NAME`
    /// when both `repo` and `version` are set, as kustomize does), joined to the
    /// kustomization's directory and normalised.
    pub chart_dir: PathBuf,
    /// The list the entry is written in: `helmCharts` or `helmChartInflationGenerator`.
    pub list: &'static str,
    /// Where the entry is written in the kustomization file (its first key).
    pub span: Span,
}

/// Reads the kustomization file of `dir` for its kind and the local paths it refers to.
pub fn read_kustomization(dir: &Path) -> Result<Kustomization, String> {
    let file = kustomization_file(dir).ok_or_else(|| "no kustomization file".to_string())?;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let stream = parse_stream(&text, ParseLimits::default());
    let Some(root) = stream
        .documents
        .into_iter()
        .next()
        .and_then(Result::ok)
        .and_then(|d| d.root)
    else {
        return Ok(Kustomization::default());
    };
    let mut references = Vec::new();
    let mut remote = Vec::new();
    let mut add = |text: &str| {
        let text = text.trim();
        if is_remote_reference(text) {
            remote.push(text.to_string());
            return;
        }
        // `key=path` in generators; inline patches are not local paths.
        let text = text.rsplit_once('=').map_or(text, |(_, path)| path);
        if text.is_empty() || text.contains('\n') {
            return;
        }
        references.push(normalize(&dir.join(text)));
    };
    for key in [
        "resources",
        "bases",
        "components",
        "crds",
        "patchesStrategicMerge",
        "configurations",
        "generators",
        "transformers",
        "validators",
    ] {
        for item in root.get(key).map(Node::items).unwrap_or_default() {
            if let Some(text) = item.as_str() {
                add(text);
            }
        }
    }
    for key in ["patches", "patchesJson6902", "replacements"] {
        for item in root.get(key).map(Node::items).unwrap_or_default() {
            if let Some(path) = item.get("path").and_then(Node::as_str) {
                add(path);
            }
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for generator in root.get(key).map(Node::items).unwrap_or_default() {
            for field in ["files", "envs"] {
                for item in generator.get(field).map(Node::items).unwrap_or_default() {
                    if let Some(text) = item.as_str() {
                        add(text);
                    }
                }
            }
            if let Some(text) = generator.get("env").and_then(Node::as_str) {
                add(text);
            }
        }
    }
    let helm_charts = helm_chart_entries(dir, &root);
    for chart in &helm_charts {
        // The chart is read by the build, not on its own.
        references.push(chart.chart_dir.clone());
    }
    for entry in root.get("helmCharts").map(Node::items).unwrap_or_default() {
        for key in ["valuesFile", "additionalValuesFiles"] {
            let value = entry.get(key);
            let listed = value.map(Node::items).unwrap_or_default();
            for text in value
                .and_then(Node::as_str)
                .into_iter()
                .chain(listed.iter().filter_map(Node::as_str))
            {
                if !text.trim().is_empty() && !is_remote_reference(text) {
                    references.push(normalize(&dir.join(text.trim())));
                }
            }
        }
    }
    Ok(Kustomization {
        component: root.get("kind").and_then(Node::as_str) == Some("Component"),
        references,
        remote,
        helm_charts,
    })
}

/// The charts of `helmCharts:` and `helmChartInflationGenerator:`, where kustomize looks for
/// them: under `helmGlobals.chartHome` (default `charts`; in the older list, the last
/// `chartHome` given).
fn helm_chart_entries(dir: &Path, root: &Node) -> Vec<HelmChartEntry> {
    let text = |node: &Node, key: &str| {
        node.get(key)
            .and_then(Node::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let older = root
        .get("helmChartInflationGenerator")
        .map(Node::items)
        .unwrap_or_default();
    let chart_home = root
        .get("helmGlobals")
        .and_then(|g| text(g, "chartHome"))
        .or_else(|| older.iter().rev().find_map(|o| text(o, "chartHome")))
        .unwrap_or_else(|| "charts".to_string());
    let home = normalize(&dir.join(&chart_home));
    let mut out = Vec::new();
    let lists: [(&'static str, [&str; 4]); 2] = [
        ("helmCharts", ["name", "repo", "version", "releaseName"]),
        (
            "helmChartInflationGenerator",
            ["chartName", "chartRepoUrl", "chartVersion", "releaseName"],
        ),
    ];
    for (list, [name_key, repo_key, version_key, release_key]) in lists {
        for item in root.get(list).map(Node::items).unwrap_or_default() {
            let Some(name) = text(item, name_key) else {
                continue;
            };
            let repo = text(item, repo_key);
            let version = text(item, version_key);
            let home = match (&repo, &version) {
                (Some(_), Some(version)) => home.join(format!("{name}-{version}")),
                _ => home.clone(),
            };
            let span = item.entries().first().map_or(item.span, |first| {
                Span::new(first.key_span.start, first.value.span.end)
            });
            out.push(HelmChartEntry {
                chart_dir: normalize(&home.join(&name)),
                name,
                repo,
                version,
                release_name: text(item, release_key),
                list,
                span,
            });
        }
    }
    out
}

/// Removes `.` and folds `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let can_pop = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if can_pop {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Where a built object came from, as kustomize reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Origin {
    /// Read from this local resource file (absolute, normalised).
    File(PathBuf),
    /// Made by a generator configured in this kustomization file.
    Generated {
        /// The kustomization file (absolute, normalised).
        configured_in: PathBuf,
        /// The generator's kind, e.g. `ConfigMapGenerator`.
        generator: String,
    },
    /// Read from a remote repository.
    Remote(String),
}

/// A built kustomization, annotations of origin removed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Build {
    /// The build output, as a plain build would print it.
    pub text: String,
    /// The start offset of each object in `text` with its origin, when kustomize gave one.
    pub origins: Vec<(usize, Option<Origin>)>,
    /// The command that was run, for messages.
    pub command: String,
    /// Remarks on how the build was done (such as relaxed load restrictions), for the report.
    pub notes: Vec<String>,
    /// The `helm template` runs of the charts it inflated (`helmCharts:`), when they could be
    /// kept (see [`kustomize_helm`](super::kustomize_helm)).
    #[serde(default)]
    pub inflations: Vec<super::kustomize_helm::Inflation>,
}

impl Build {
    /// The origin of the object whose text holds `offset`.
    pub fn origin_at(&self, offset: usize) -> Option<&Origin> {
        // `origins` is in the order of the text: the last object starting at or before `offset`.
        let starting_before = self.origins.partition_point(|(start, _)| *start <= offset);
        self.origins
            .get(starting_before.checked_sub(1)?)
            .and_then(|(_, origin)| origin.as_ref())
    }
}

enum Tool {
    Kubectl(PathBuf),
    Kustomize(PathBuf),
}

/// The flag that lets a kustomization read files outside its own folder (kubectl and kustomize
/// spell it alike).
const UNRESTRICTED_LOADS: &str = "--load-restrictor=LoadRestrictionsNone";

/// What kustomize says when a kustomization reads a file outside its folder.
const OUTSIDE_ROOT: &str = "is not in or below";

impl Tool {
    /// The command line; `helm` is the `--helm-command` of a build that inflates charts.
    fn args(
        &self,
        dir: &Path,
        unrestricted: bool,
        helm: Option<(&Path, &[OsString])>,
    ) -> (PathBuf, Vec<OsString>) {
        let (bin, mut args): (&PathBuf, Vec<OsString>) = match self {
            Tool::Kubectl(bin) => (bin, vec!["kustomize".into()]),
            Tool::Kustomize(bin) => (bin, vec!["build".into()]),
        };
        if unrestricted {
            args.push(UNRESTRICTED_LOADS.into());
        }
        if let Some((helm, capabilities)) = helm {
            args.push("--enable-helm".into());
            args.push("--helm-command".into());
            args.push(helm.as_os_str().to_owned());
            args.extend(capabilities.iter().cloned());
        }
        args.push(dir.as_os_str().to_owned());
        (bin.clone(), args)
    }
}

fn run(
    tool: &Tool,
    dir: &Path,
    unrestricted: bool,
    network: Network,
    helm: Option<&HelmCommand>,
) -> std::io::Result<std::process::Output> {
    let (bin, args) = tool.args(
        dir,
        unrestricted,
        helm.map(|h| (h.command.as_path(), h.capabilities.as_slice())),
    );
    let home = sandbox::renderer_home()?;
    sandbox::renderer_command(&bin, home.path(), network)
        .args(args)
        .output()
}

fn shown(tool: &Tool, dir: &Path, unrestricted: bool, helm: Option<&HelmCommand>) -> String {
    let (bin, args) = tool.args(
        dir,
        unrestricted,
        helm.map(|h| (h.shown.as_path(), h.capabilities.as_slice())),
    );
    format!(
        "{} {}",
        bin.display(),
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// Runs the build of `dir` (`shown_dir` is the directory to name in messages).
fn run_build(
    options: &KustomizeOptions,
    dir: &Path,
    shown_dir: &Path,
    unrestricted: bool,
    helm: Option<&HelmCommand>,
) -> Result<(String, Tool), String> {
    let candidates: Vec<Tool> = match &options.binary {
        Some(bin) => {
            let is_kubectl = bin
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("kubectl"));
            vec![if is_kubectl {
                Tool::Kubectl(bin.clone())
            } else {
                Tool::Kustomize(bin.clone())
            }]
        }
        None => vec![
            Tool::Kubectl(PathBuf::from("kubectl")),
            Tool::Kustomize(PathBuf::from("kustomize")),
        ],
    };
    for tool in candidates {
        let shown_command = shown(&tool, shown_dir, unrestricted, helm);
        let network = if options.allow_remote {
            Network::Allowed
        } else {
            Network::Blocked
        };
        match run(&tool, dir, unrestricted, network, helm) {
            Ok(output) if output.status.success() => {
                let text = super::decode(output.stdout)
                    .map_err(|e| format!("`{shown_command}` printed {e}"))?;
                return Ok((text, tool));
            }
            Ok(output) => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let mut message = format!(
                    "`{shown_command}` failed: {}",
                    without_log_header(stderr.trim()).replace('\n', "\n  ")
                );
                if !unrestricted && stderr.contains(OUTSIDE_ROOT) {
                    message.push_str(
                        "\n  (the kustomization reads files outside its folder, which kordon does not \
                         allow by default; if you trust it, pass --kustomize-load-restrictor none)",
                    );
                } else if stderr.contains("git fetch") || stderr.contains("Could not resolve host")
                {
                    message.push_str(
                        "\n  (a remote base needs network access and credentials for its repository; \
                         vendor it, or build the kustomization where it can be fetched and pipe the \
                         output to `kordon scan -`)",
                    );
                }
                return Err(message);
            }
            Err(e) if e.kind() == ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot run `{shown_command}`: {e}")),
        }
    }
    Err(match &options.binary {
        Some(bin) => format!(
            "cannot build this kustomization: `{}` does not exist (--kustomize-bin)",
            bin.display()
        ),
        None => format!(
            "cannot build this kustomization: neither `kubectl` nor `kustomize` was found on PATH. \
             Install kubectl (https://kubernetes.io/docs/tasks/tools/) or name a binary with \
             --kustomize-bin, or build it yourself and pipe it in: `kubectl kustomize {} | kordon scan -`",
            shown_dir.display()
        ),
    })
}

/// kubectl reports through klog: `E1123 10:46:26.536981   32312 run.go:72] "command failed"
/// err="..."`. The header (a timestamp and a process id) changes on every run and says nothing
/// to the user: keep the error itself.
fn without_log_header(stderr: &str) -> String {
    let header =
        regex::Regex::new(r#"^[EWIF]\d{4} [\d:.]+\s+\d+ \S+\] (?:"command failed" err=)?"#);
    let Ok(header) = header else {
        return stderr.to_string();
    };
    stderr
        .lines()
        .map(|line| {
            let rest = header.replace(line, "");
            if rest.len() != line.len() && rest.starts_with('"') {
                serde_json::from_str::<String>(&rest).unwrap_or_else(|_| rest.into_owned())
            } else {
                rest.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A relative path from `from` to `to`, both absolute.
fn relative(from: &Path, to: &Path) -> Option<PathBuf> {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    if from.first() != to.first() {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part.as_os_str());
    }
    Some(out)
}

/// Builds the kustomization in `dir`, recording where each object came from.
pub fn build(dir: &Path, component: bool, options: &KustomizeOptions) -> Result<Build, String> {
    if !options.allow_remote {
        refuse_remote(dir)?;
        if let Some((file, chart)) = super::kustomize_helm::charts_to_pull(dir).first() {
            return Err(format!(
                "{}: {}",
                super::display_name(file),
                super::kustomize_helm::pull_message(chart)
            ));
        }
    }
    let helm = if super::kustomize_helm::used_charts(dir).is_empty() {
        None
    } else {
        let mut helm = HelmCommand::new(options.helm_command.as_deref())?;
        helm.capabilities = options
            .helm_api_versions
            .iter()
            .map(|api_version| format!("--helm-api-versions={api_version}").into())
            .chain(
                options
                    .helm_kube_version
                    .iter()
                    .map(|version| format!("--helm-kube-version={version}").into()),
            )
            .collect();
        Some(helm)
    };
    let mut build = build_with(
        dir,
        component,
        options,
        options.unrestricted_loads,
        helm.as_ref(),
    )?;
    if let Some(helm) = &helm {
        build.inflations = helm.inflations();
    }
    if options.unrestricted_loads {
        build.notes.push(format!(
            "built with {UNRESTRICTED_LOADS} (--kustomize-load-restrictor none): the kustomization \
             may read any file of this machine"
        ));
    }
    Ok(build)
}

/// Refuses a kustomization that names a remote resource, itself or through the local
/// kustomizations it uses, before anything runs.
fn refuse_remote(dir: &Path) -> Result<(), String> {
    let mut pending = vec![normalize(dir)];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(dir) = pending.pop() {
        if !seen.insert(dir.clone()) || kustomization_file(&dir).is_none() {
            continue;
        }
        let Ok(kustomization) = read_kustomization(&dir) else {
            continue;
        };
        if let Some(remote) = kustomization.remote.first() {
            return Err(format!(
                "the kustomization in {} names the remote resource `{remote}`, which kordon does not \
                 fetch by default; vendor it, or pass --kustomize-allow-remote if you trust it",
                dir.display()
            ));
        }
        pending.extend(kustomization.references.into_iter().filter(|r| r.is_dir()));
    }
    Ok(())
}

fn build_with(
    dir: &Path,
    component: bool,
    options: &KustomizeOptions,
    unrestricted: bool,
    helm: Option<&HelmCommand>,
) -> Result<Build, String> {
    let absolute =
        std::fs::canonicalize(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let with_origins = (|| {
        let overlay = tempfile::Builder::new()
            .prefix("kordon-kustomize-")
            .tempdir()
            .ok()?;
        let overlay_dir = std::fs::canonicalize(overlay.path()).ok()?;
        let target = relative(&overlay_dir, &absolute)?;
        let list = if component { "components" } else { "resources" };
        let text = format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n{list}:\n- {}\nbuildMetadata: [originAnnotations]\n",
            serde_json::Value::String(target.to_string_lossy().into_owned())
        );
        std::fs::write(overlay_dir.join("kustomization.yaml"), text).ok()?;
        Some(
            run_build(options, &overlay_dir, dir, unrestricted, helm)
                .map(|(text, tool)| (text, tool, overlay_dir, overlay)),
        )
    })();
    match with_origins {
        Some(Ok((text, tool, overlay_dir, _overlay))) => {
            let (text, origins) = strip_origins(&text, &overlay_dir);
            Ok(Build {
                text,
                origins,
                command: shown(&tool, dir, unrestricted, helm),
                notes: Vec::new(),
                inflations: Vec::new(),
            })
        }
        // Build the directory itself: its error names the user's paths, not the overlay's.
        _ => {
            let (text, tool) = run_build(options, dir, dir, unrestricted, helm)?;
            let origins = Vec::new();
            Ok(Build {
                text,
                origins,
                command: shown(&tool, dir, unrestricted, helm),
                notes: Vec::new(),
                inflations: Vec::new(),
            })
        }
    }
}

fn read_origin(value: &str, root: &Path) -> Option<Origin> {
    let stream = parse_stream(value, ParseLimits::default());
    let node = stream.documents.into_iter().next()?.ok()?.root?;
    let get = |key: &str| node.get(key).and_then(Node::as_str).map(str::to_string);
    if let Some(repo) = get("repo") {
        return Some(Origin::Remote(match get("path") {
            Some(path) => format!("{repo}//{path}"),
            None => repo,
        }));
    }
    if let Some(path) = get("path") {
        return Some(Origin::File(normalize(&root.join(path))));
    }
    let configured_in = get("configuredIn")?;
    let generator = node
        .get("configuredBy")
        .and_then(|b| b.get("kind"))
        .and_then(Node::as_str)
        .unwrap_or("generator")
        .to_string();
    Some(Origin::Generated {
        configured_in: normalize(&root.join(configured_in)),
        generator,
    })
}

/// The byte range of the lines of the entry whose key starts at `key_start`: up to the next
/// line indented no deeper than the key's line.
fn entry_lines(text: &str, key_start: usize) -> Span {
    let line_start = text[..key_start].rfind('\n').map_or(0, |p| p + 1);
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let own = indent(&text[line_start..]);
    let mut offset = text[key_start..]
        .find('\n')
        .map_or(text.len(), |p| key_start + p + 1);
    while offset < text.len() {
        let line_end = text[offset..]
            .find('\n')
            .map_or(text.len(), |p| offset + p + 1);
        let line = &text[offset..line_end];
        if !line.trim().is_empty() && indent(line) <= own {
            break;
        }
        offset = line_end;
    }
    Span::new(line_start, offset)
}

/// Reads and removes the origin annotations of a build made through the overlay at `root`.
fn strip_origins(text: &str, root: &Path) -> (String, Vec<(usize, Option<Origin>)>) {
    let document = Document::parse(Arc::new(Source::new("build", text)), ParseLimits::default());
    let mut cuts: Vec<Span> = Vec::new();
    let mut objects = Vec::new();
    for object in &document.objects {
        let annotations = object
            .root
            .get("metadata")
            .and_then(|m| m.entry("annotations"));
        let origin_entry = annotations.and_then(|a| a.value.entry(ORIGIN_ANNOTATION));
        let origin = origin_entry
            .and_then(|e| e.value.as_str())
            .and_then(|v| read_origin(v, root));
        if let (Some(annotations), Some(entry)) = (annotations, origin_entry) {
            let only_one = annotations.value.entries().len() == 1;
            cuts.push(if only_one {
                entry_lines(text, annotations.key_span.start)
            } else {
                entry_lines(text, entry.key_span.start)
            });
        }
        objects.push((object.root.span.start, origin));
    }
    if cuts.is_empty() {
        return (text.to_string(), objects);
    }
    cuts.sort_by_key(|c| c.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for cut in &cuts {
        if cut.start >= at {
            out.push_str(&text[at..cut.start]);
            at = cut.end;
        }
    }
    out.push_str(&text[at.min(text.len())..]);
    // The bytes removed before each object: a prefix sum over the cuts ordered by their end,
    // searched per object (summing every cut for every object was quadratic in a build's size).
    let mut by_end: Vec<(usize, usize)> = cuts.iter().map(|c| (c.end, c.end - c.start)).collect();
    by_end.sort_unstable();
    let mut removed_before = Vec::with_capacity(by_end.len() + 1);
    removed_before.push(0usize);
    let mut removed = 0;
    for (_, length) in &by_end {
        removed += length;
        removed_before.push(removed);
    }
    let shifted = objects
        .into_iter()
        .map(|(start, origin)| {
            let ended = by_end.partition_point(|(end, _)| *end <= start);
            (start - removed_before[ended], origin)
        })
        .collect();
    (out, shifted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_annotations_are_read_and_removed() {
        let built = "\
apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    config.kubernetes.io/origin: |
      path: ../app/base/cm.yaml
  name: settings
---
apiVersion: v1
kind: Pod
metadata:
  annotations:
    config.kubernetes.io/origin: |
      configuredIn: ../app/kustomization.yaml
      configuredBy:
        apiVersion: builtin
        kind: ConfigMapGenerator
    team: web
  name: pod
";
        let (text, origins) = strip_origins(built, Path::new("/tmp/overlay"));
        assert_eq!(
            text,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    team: web\n  name: pod\n"
        );
        assert_eq!(origins.len(), 2);
        assert_eq!(
            origins[0],
            (
                0,
                Some(Origin::File(PathBuf::from("/tmp/app/base/cm.yaml")))
            )
        );
        assert_eq!(
            origins[1].0,
            text.find("apiVersion: v1\nkind: Pod").unwrap_or(0)
        );
        assert_eq!(
            origins[1].1,
            Some(Origin::Generated {
                configured_in: PathBuf::from("/tmp/app/kustomization.yaml"),
                generator: "ConfigMapGenerator".into()
            })
        );
    }

    #[test]
    fn every_object_of_a_large_build_keeps_its_own_origin() {
        // Many objects, each annotated: the offsets after the cuts and the lookup by offset
        // (binary searches since issue 22) must name each object's own file.
        let built: String = (0..300)
            .map(|i| {
                format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      path: ../app/cm-{i}.yaml\n  name: cm-{i}\n---\n"
                )
            })
            .collect();
        let (text, origins) = strip_origins(&built, Path::new("/tmp/overlay"));
        let build = Build {
            text: text.clone(),
            origins,
            command: String::new(),
            notes: Vec::new(),
            inflations: Vec::new(),
        };
        assert_eq!(build.origins.len(), 300);
        for i in [0, 1, 150, 299] {
            let at = text
                .find(&format!("name: cm-{i}\n"))
                .expect("the object is in the build");
            assert_eq!(
                build.origin_at(at),
                Some(&Origin::File(PathBuf::from(format!(
                    "/tmp/app/cm-{i}.yaml"
                )))),
                "object {i}"
            );
        }
        assert!(!text.contains("config.kubernetes.io/origin"));
    }

    #[test]
    fn klog_headers_are_dropped() {
        assert_eq!(
            without_log_header(
                r#"E1123 10:46:26.536981   32312 run.go:72] "command failed" err="no resource matches \"x\"""#
            ),
            r#"no resource matches "x""#
        );
        assert_eq!(without_log_header("Error: plain"), "Error: plain");
    }

    #[test]
    fn relative_paths_climb_and_descend() {
        assert_eq!(
            relative(Path::new("/tmp/x"), Path::new("/work/a/b")),
            Some(PathBuf::from("../../work/a/b"))
        );
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(
            normalize(Path::new("../a/../../b")),
            PathBuf::from("../../b")
        );
    }
}
