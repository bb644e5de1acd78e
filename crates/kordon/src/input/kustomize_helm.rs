//! Kustomizations that inflate Helm charts (`helmCharts:`): which charts a build needs, the
//! helm command kustomize is given, and the renders it made, kept to map findings back into
//! the charts' templates.
//!
//! kustomize runs helm itself (`--enable-helm --helm-command HELM`). kordon gives it a small
//! stand-in script instead of helm (on Unix) for two reasons:
//! - kustomize up to v5.7 (kubectl up to v1.35) first runs `helm version -c --short` and
//!   accepts helm v3 only; helm v4 knows no `-c`, so every build with `helmCharts:` fails with
//!   helm v4, although kustomize's `helm template` call renders alike with both (kustomize v5.8
//!   accepts v4). The stand-in answers that check for the real helm.
//! - kustomize drops the `# Source:` comments of helm's output, the only record of the template
//!   each object came from. The stand-in keeps a copy of every `helm template` output and its
//!   arguments in a folder of the build.
//!
//! Every other call goes to the real helm unchanged. Elsewhere (Windows) the real helm is given
//! directly: builds work with a helm kustomize accepts, and findings of the inflated objects
//! stay at their `helmCharts:` entry.

use std::path::{Path, PathBuf};

use super::kustomize::{self, HelmChartEntry, normalize};

/// One `helm template` kustomize ran during a build: the chart, and what helm printed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Inflation {
    /// The chart directory helm was given (absolute, as kustomize passes it).
    pub chart_dir: PathBuf,
    /// The release name, unless kustomize passed `--generate-name`.
    pub release_name: Option<String>,
    /// `--namespace`, when given.
    pub namespace: Option<String>,
    /// helm's output, `# Source:` comments included.
    pub text: String,
}

/// The charts inflated by the kustomization in `dir` and by every local kustomization it uses,
/// each with the kustomization file that lists it.
pub fn used_charts(dir: &Path) -> Vec<(PathBuf, HelmChartEntry)> {
    let mut out = Vec::new();
    let mut pending = vec![normalize(dir)];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(dir) = pending.pop() {
        if !seen.insert(dir.clone()) {
            continue;
        }
        let Some(file) = kustomize::kustomization_file(&dir) else {
            continue;
        };
        let Ok(kustomization) = kustomize::read_kustomization(&dir) else {
            continue;
        };
        let chart_dirs: Vec<&PathBuf> = kustomization
            .helm_charts
            .iter()
            .map(|c| &c.chart_dir)
            .collect();
        pending.extend(
            kustomization
                .references
                .iter()
                .filter(|r| r.is_dir() && !chart_dirs.contains(r))
                .cloned(),
        );
        out.extend(
            kustomization
                .helm_charts
                .into_iter()
                .map(|chart| (file.clone(), chart)),
        );
    }
    out
}

/// The charts of [`used_charts`] that are not under their chart home: kustomize would pull
/// them from their repository, which needs the network.
pub fn charts_to_pull(dir: &Path) -> Vec<(PathBuf, HelmChartEntry)> {
    used_charts(dir)
        .into_iter()
        .filter(|(_, chart)| !chart.chart_dir.is_dir())
        .collect()
}

/// What to say about a chart [`charts_to_pull`] found.
pub fn pull_message(chart: &HelmChartEntry) -> String {
    let home = chart
        .chart_dir
        .parent()
        .map(super::display_name)
        .unwrap_or_default();
    match &chart.repo {
        Some(repo) => {
            let version = chart
                .version
                .as_deref()
                .map_or(String::new(), |v| format!(" --version {v}"));
            format!(
                "`{}` chart `{}` is not in {home}/: kustomize would pull it from {repo}, and kordon's \
                 builds do not reach the network. Vendor it (`helm pull --untar --untardir {home} \
                 --repo {repo} {}{version}`, or `helm pull` an `oci://` chart) and scan again, or \
                 pass --kustomize-allow-remote if you trust the repository",
                chart.list, chart.name, chart.name
            )
        }
        None => format!(
            "`{}` chart `{}` is not in {home}/ and names no `repo:` to pull it from",
            chart.list, chart.name
        ),
    }
}

/// The helm command of one build and the folder its renders are kept in; removed when dropped.
pub(crate) struct HelmCommand {
    /// What kustomize runs (the stand-in, or the real helm).
    pub(crate) command: PathBuf,
    /// The helm the user chose, for messages.
    pub(crate) shown: PathBuf,
    /// Where the stand-in keeps the renders; `None` without a stand-in.
    kept: Option<tempfile::TempDir>,
    /// kustomize's flags for helm's capabilities (`--helm-api-versions`, `--helm-kube-version`).
    pub(crate) capabilities: Vec<std::ffi::OsString>,
}

impl HelmCommand {
    /// The command for a build with the helm the user chose (`helm` on `PATH` by default).
    pub(crate) fn new(helm: Option<&Path>) -> Result<HelmCommand, String> {
        let shown = helm.map_or_else(|| PathBuf::from("helm"), Path::to_path_buf);
        // kustomize runs the command from the build's working directory, which is kordon's: a
        // relative path keeps meaning the same file, but an absolute one is plainer to quote.
        let real = if shown.components().count() > 1 {
            std::fs::canonicalize(&shown).map_err(|_| {
                format!(
                    "this kustomization inflates Helm charts (`helmCharts:`) and the Helm binary \
                     `{}` does not exist (--helm-bin)",
                    shown.display()
                )
            })?
        } else {
            let on_path = std::env::var_os("PATH")
                .map(|path| {
                    std::env::split_paths(&path)
                        .map(|dir| dir.join(&shown))
                        .any(|candidate| candidate.is_file())
                })
                .unwrap_or(false);
            if !on_path {
                return Err(format!(
                    "this kustomization inflates Helm charts (`helmCharts:`), which needs helm: \
                     `{}` was not found on PATH. Install Helm (https://helm.sh/docs/intro/install/) \
                     or name it with --helm-bin",
                    shown.display()
                ));
            }
            shown.clone()
        };
        stand_in(&real)
            .map(|(command, kept)| HelmCommand {
                command,
                shown: shown.clone(),
                kept: Some(kept),
                capabilities: Vec::new(),
            })
            .or_else(|_| {
                Ok(HelmCommand {
                    command: real,
                    shown,
                    kept: None,
                    capabilities: Vec::new(),
                })
            })
    }

    /// The `helm template` runs the stand-in kept, in the order they ran.
    pub(crate) fn inflations(&self) -> Vec<Inflation> {
        let Some(kept) = &self.kept else {
            return Vec::new();
        };
        let mut runs: Vec<(usize, PathBuf)> = std::fs::read_dir(kept.path().join("renders"))
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| {
                        let n = e.file_name().to_str()?.parse().ok()?;
                        Some((n, e.path()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        runs.sort();
        runs.into_iter()
            .filter_map(|(_, run)| {
                let args = std::fs::read(run.join("args")).ok()?;
                let text = super::decode(std::fs::read(run.join("out")).ok()?).ok()?;
                let args: Vec<String> = args
                    .split(|b| *b == 0)
                    .filter(|a| !a.is_empty())
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect();
                read_template_args(&args).map(|(chart_dir, release_name, namespace)| Inflation {
                    chart_dir,
                    release_name,
                    namespace,
                    text,
                })
            })
            .collect()
    }
}

/// The chart, release name and namespace of a `helm template` command line as kustomize writes
/// it: `template RELEASE|--generate-name CHART [flags]`.
fn read_template_args(args: &[String]) -> Option<(PathBuf, Option<String>, Option<String>)> {
    const WITH_VALUE: [&str; 9] = [
        "--namespace",
        "-n",
        "--name-template",
        "-f",
        "--values",
        "--api-versions",
        "-a",
        "--kube-version",
        "--version",
    ];
    let mut positional = Vec::new();
    let mut namespace = None;
    let mut rest = args.iter().skip_while(|a| *a != "template").skip(1);
    while let Some(arg) = rest.next() {
        if WITH_VALUE.contains(&arg.as_str()) {
            let value = rest.next()?;
            if arg == "--namespace" || arg == "-n" {
                namespace = Some(value.clone());
            }
        } else if !arg.starts_with('-') {
            positional.push(arg.clone());
        }
    }
    let chart = PathBuf::from(positional.pop()?);
    Some((chart, positional.pop(), namespace))
}

/// Quotes a path for `sh`.
#[cfg(unix)]
fn quoted(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    let mut out = vec![b'\''];
    for &byte in path.as_os_str().as_bytes() {
        if byte == b'\'' {
            out.extend_from_slice(b"'\\''");
        } else {
            out.push(byte);
        }
    }
    out.push(b'\'');
    out
}

/// Writes the stand-in for `real` (see the module documentation) into a new folder.
#[cfg(unix)]
fn stand_in(real: &Path) -> std::io::Result<(PathBuf, tempfile::TempDir)> {
    use std::os::unix::fs::PermissionsExt;
    let kept = tempfile::Builder::new()
        .prefix("kordon-kustomize-helm-")
        .tempdir()?;
    let folder = std::fs::canonicalize(kept.path())?;
    let renders = folder.join("renders");
    std::fs::create_dir(&renders)?;
    let mut script = b"#!/bin/sh\n# helm as kordon gives it to one kustomize build: see kordon's input/kustomize_helm.rs\nreal=".to_vec();
    script.extend(quoted(real));
    script.extend_from_slice(b"\nkept=");
    script.extend(quoted(&renders));
    script.extend_from_slice(STAND_IN_BODY.as_bytes());
    let command = folder.join("helm");
    std::fs::write(&command, script)?;
    std::fs::set_permissions(&command, std::fs::Permissions::from_mode(0o700))?;
    Ok((command, kept))
}

#[cfg(not(unix))]
fn stand_in(_real: &Path) -> std::io::Result<(PathBuf, tempfile::TempDir)> {
    Err(std::io::Error::other("no stand-in outside Unix"))
}

/// The stand-in after its two variables. kustomize reads the first `vN.N.N` of `helm version`
/// and, up to v5.7, wants major version 3: a helm of another major version is announced as
/// `v3.99.0` followed by its own version. `template` runs are numbered by the first free folder.
#[cfg(unix)]
const STAND_IN_BODY: &str = r#"
case "$1" in
version)
  v=$("$real" version --short) || exit $?
  case "$v" in
  v3.*) printf '%s\n' "$v" ;;
  *) printf 'v3.99.0 (helm %s, which kustomize before v5.8 refuses by its version alone)\n' "$v" ;;
  esac
  ;;
template)
  n=0
  while ! mkdir "$kept/$n" 2>/dev/null; do
    n=$((n + 1))
    [ "$n" -gt 10000 ] && exec "$real" "$@"
  done
  printf '%s\0' "$@" > "$kept/$n/args"
  "$real" "$@" > "$kept/$n/out"
  status=$?
  cat "$kept/$n/out"
  exit $status
  ;;
*)
  exec "$real" "$@"
  ;;
esac
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_arguments_name_the_chart_release_and_namespace() {
        let args: Vec<String> = [
            "template",
            "demo",
            "/k/charts/app",
            "--namespace",
            "web",
            "-f",
            "/tmp/values.yaml",
            "--include-crds",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            read_template_args(&args),
            Some((
                PathBuf::from("/k/charts/app"),
                Some("demo".into()),
                Some("web".into())
            ))
        );
        let generated: Vec<String> = ["template", "--generate-name", "/k/charts/app"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            read_template_args(&generated),
            Some((PathBuf::from("/k/charts/app"), None, None))
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_stand_in_quotes_any_path() {
        assert_eq!(quoted(Path::new("/a b/it's")), b"'/a b/it'\\''s'".to_vec());
    }
}
