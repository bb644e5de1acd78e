//! Helm charts: rendering them with `helm template`, reading the `# Source:` comments of a
//! render, and finding the line of a template that most likely wrote a given field.
//!
//! kordon does not link Helm: it runs the `helm` binary, so a scan renders exactly what the
//! user's own `helm template` would.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::document::{ParseLimits, PathSegment, Span, parse_stream};
use crate::finding::Precision;

/// How charts are rendered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelmOptions {
    /// The `helm` binary (default: `helm` on `PATH`).
    pub binary: Option<PathBuf>,
    /// Values files, passed in order as `--values FILE`.
    pub values: Vec<PathBuf>,
    /// `--set key=value` overrides, in order.
    pub set: Vec<String>,
    /// The release name (default `release-name`, Helm's own default).
    pub release_name: Option<String>,
    /// `--namespace`.
    pub namespace: Option<String>,
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--api-versions`, in order: API versions the chart's `.Capabilities` checks see as served
    /// (e.g. `monitoring.coreos.com/v1` for a chart that renders a ServiceMonitor only then).
    pub api_versions: Vec<String>,
    /// Leave the chart's `crds/` out. By default they are rendered (`--include-crds`) and
    /// scanned: `helm install` applies them, so they belong to what the chart deploys.
    pub skip_crds: bool,
    /// Leave the chart's test hooks (`helm.sh/hook: test`) out (`--skip-tests`). By default they
    /// are scanned: `helm test` runs them in the cluster with the privileges they ask for.
    pub skip_tests: bool,
}

/// The release name Helm itself uses when none is given.
pub const DEFAULT_RELEASE_NAME: &str = "release-name";

/// What `Chart.yaml` says about a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The chart's directory.
    pub dir: PathBuf,
    /// `name` from `Chart.yaml` (what `# Source:` comments start with).
    pub name: String,
    /// `type: library`: such a chart only provides helpers and cannot be rendered on its own.
    pub library: bool,
}

/// Reads `dir/Chart.yaml`.
pub fn read_chart(dir: &Path) -> Result<Chart, String> {
    let file = dir.join("Chart.yaml");
    let text =
        std::fs::read_to_string(&file).map_err(|e| format!("cannot read Chart.yaml: {e}"))?;
    let stream = parse_stream(&text, ParseLimits::default());
    let root = stream
        .documents
        .into_iter()
        .next()
        .and_then(Result::ok)
        .and_then(|d| d.root)
        .ok_or_else(|| "Chart.yaml is empty or not valid YAML".to_string())?;
    let name = root
        .get("name")
        .and_then(|n| n.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| {
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let library = root.get("type").and_then(|t| t.as_str()) == Some("library");
    Ok(Chart {
        dir: dir.to_path_buf(),
        name,
        library,
    })
}

/// The arguments of `helm template` for a chart.
pub fn template_args(chart_dir: &Path, options: &HelmOptions) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "template".into(),
        options
            .release_name
            .as_deref()
            .unwrap_or(DEFAULT_RELEASE_NAME)
            .into(),
        chart_dir.as_os_str().to_owned(),
    ];
    for file in &options.values {
        args.push("--values".into());
        args.push(file.as_os_str().to_owned());
    }
    for set in &options.set {
        args.push("--set".into());
        args.push(set.into());
    }
    if let Some(namespace) = &options.namespace {
        args.push("--namespace".into());
        args.push(namespace.into());
    }
    if let Some(version) = &options.kube_version {
        args.push("--kube-version".into());
        args.push(version.into());
    }
    for api_version in &options.api_versions {
        args.push("--api-versions".into());
        args.push(api_version.into());
    }
    if !options.skip_crds {
        args.push("--include-crds".into());
    }
    if options.skip_tests {
        args.push("--skip-tests".into());
    }
    args
}

/// Renders a chart with `helm template`; the error says what to do about it.
pub fn render_chart(chart_dir: &Path, options: &HelmOptions) -> Result<String, String> {
    let binary = options
        .binary
        .clone()
        .unwrap_or_else(|| PathBuf::from("helm"));
    let args = template_args(chart_dir, options);
    let shown = format!(
        "{} {}",
        binary.display(),
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let home = super::sandbox::renderer_home()
        .map_err(|e| format!("cannot create a home directory for `{shown}`: {e}"))?;
    let output = match super::sandbox::renderer_command(
        &binary,
        home.path(),
        super::sandbox::Network::Blocked,
    )
    .args(&args)
    .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let wanted = if options.binary.is_some() {
                format!("the Helm binary `{}` does not exist", binary.display())
            } else {
                "`helm` was not found on PATH".to_string()
            };
            return Err(format!(
                "cannot render this Helm chart: {wanted}. Install Helm (https://helm.sh/docs/intro/install/) \
                 or name it with --helm-bin, or render the chart yourself and pipe it in: \
                 `helm template {} | kordon scan -`",
                chart_dir.display()
            ));
        }
        Err(e) => return Err(format!("cannot run `{shown}`: {e}")),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let code = output
            .status
            .code()
            .map_or_else(|| "a signal".to_string(), |c| format!("exit code {c}"));
        return Err(format!(
            "`{shown}` failed ({code}): {}",
            helm_error_text(&stderr)
        ));
    }
    super::decode(output.stdout).map_err(|e| format!("`{shown}` printed {e}"))
}

/// helm's standard error as shown in a problem: without its advice to pass `--debug` (a flag
/// the user cannot give through kordon; the message already names the template and line).
fn helm_error_text(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|line| !line.trim_start().starts_with("Use --debug flag"))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .replace('\n', "\n  ")
}

/// The template file and line (1-based) and column a helm error names, as in `execution error at
/// (app/templates/secret.yaml:4:11): password is required` or `parse error at
/// (app/templates/cm.yaml:6)`, when that file is in the chart `chart_dir` (a folder or a
/// packaged chart), on disk or as a member of a packaged chart or subchart (`ARCHIVE!/MEMBER`).
pub fn error_location(chart_dir: &Path, message: &str) -> Option<(PathBuf, usize, usize)> {
    message.match_indices(" at (").find_map(|(at, marker)| {
        let rest = &message[at + marker.len()..];
        let inside = &rest[..rest.find(')')?];
        let mut parts = inside.rsplitn(3, ':');
        let last: usize = parts.next()?.parse().ok()?;
        let (path, line, column) = match (parts.next(), parts.next()) {
            (Some(middle), Some(path)) => match middle.parse::<usize>() {
                Ok(line) => (path, line, last),
                Err(_) => return None,
            },
            (Some(path), None) => (path, last, 1),
            _ => return None,
        };
        if line == 0 {
            return None;
        }
        let file = template_file(chart_dir, path)
            .filter(|f| f.is_file())
            .or_else(|| {
                // A template of a packaged chart or subchart: `ARCHIVE!/MEMBER`, as findings name it.
                let resolved = super::chart_archive::ChartFiles::new(chart_dir).resolve(path)?;
                let member = resolved
                    .to_str()
                    .is_some_and(|n| super::chart_archive::split_member(n).is_some());
                (member || resolved.is_file()).then_some(resolved)
            })?;
        Some((file, line, column.max(1)))
    })
}

/// One document of a rendered stream and the template it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceComment {
    /// The document's byte range in the rendered text.
    pub document: Span,
    /// The template path as Helm wrote it, e.g. `app/templates/deployment.yaml`.
    pub template: String,
}

/// The `# Source:` comment of every document of a `helm template` render, in order.
/// Documents without one are left out.
pub fn source_comments(text: &str) -> Vec<SourceComment> {
    let mut out: Vec<SourceComment> = Vec::new();
    let mut document_start = 0;
    let mut template: Option<String> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content == "---" || content.starts_with("--- ") {
            if let Some(template) = template.take() {
                out.push(SourceComment {
                    document: Span::new(document_start, offset),
                    template,
                });
            }
            document_start = offset;
        } else if template.is_none()
            && let Some(path) = content.strip_prefix("# Source: ")
            && is_chart_path(path.trim())
        {
            template = Some(path.trim().to_string());
        }
        offset += line.len();
    }
    if let Some(template) = template {
        out.push(SourceComment {
            document: Span::new(document_start, text.len()),
            template,
        });
    }
    out
}

/// Whether a `# Source:` path is one Helm writes: `<chart>/templates/...` or `<chart>/crds/...`,
/// possibly under `charts/<subchart>/`. Other `# Source:` comments are ordinary comments.
fn is_chart_path(path: &str) -> bool {
    !path.starts_with('/')
        && !path.contains("://")
        && (path.contains("/templates/") || path.contains("/crds/"))
}

/// What names the rendered object at `offset` independently of the render's arguments: its
/// template and the object's order among that template's documents (`app/templates/rbac.yaml#2`).
/// Object names usually carry the release name and namespaces the release namespace, so a
/// fingerprint built from them would change with `--release-name` or `--namespace`.
pub fn rendered_identity(comments: &[SourceComment], offset: usize) -> Option<String> {
    let at = template_at(comments, offset)?;
    let earlier = comments
        .iter()
        .take_while(|c| c.document.start < at.document.start)
        .filter(|c| c.template == at.template)
        .count();
    Some(format!("{}#{earlier}", at.template))
}

/// The template an offset of a rendered text belongs to.
pub fn template_at(comments: &[SourceComment], offset: usize) -> Option<&SourceComment> {
    comments
        .iter()
        .find(|c| c.document.start <= offset && offset < c.document.end.max(c.document.start + 1))
}

/// The file of a `# Source:` path inside a chart directory: the first component is the chart's
/// name, the rest is relative to the chart (subcharts sit under `charts/<name>/`).
pub fn template_file(chart_dir: &Path, template: &str) -> Option<PathBuf> {
    let (_, rest) = template.split_once('/')?;
    Some(chart_dir.join(rest))
}

/// Where in a template a field most likely comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateMatch {
    /// The span of the matched line (from the key to the end of the line).
    pub span: Span,
    /// [`Precision::TemplateKey`], [`Precision::TemplateAncestor`] or [`Precision::TemplateFile`].
    pub precision: Precision,
}

struct Line<'a> {
    start: usize,
    /// Column of the first key on the line, after any `- ` item markers.
    key_column: usize,
    /// Column of the first non-blank character.
    indent: usize,
    /// The text after the item markers.
    content: &'a str,
    /// The line starts with `- `.
    item: bool,
    /// Blank, a comment, or a template action alone: says nothing about the YAML structure.
    neutral: bool,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let mut content = trimmed;
        let mut key_column = indent;
        let item = content == "-" || content.starts_with("- ");
        while let Some(rest) = content.strip_prefix("- ") {
            let rest_trimmed = rest.trim_start();
            key_column += content.len() - rest_trimmed.len();
            content = rest_trimmed;
        }
        let neutral = trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("{{");
        lines.push(Line {
            start,
            key_column,
            indent,
            content,
            item,
            neutral,
        });
        start += raw.len();
    }
    lines
}

fn is_key(content: &str, key: &str) -> bool {
    let unquoted = [
        content.strip_prefix(key),
        content
            .strip_prefix('"')
            .and_then(|c| c.strip_prefix(key))
            .and_then(|c| c.strip_prefix('"')),
        content
            .strip_prefix('\'')
            .and_then(|c| c.strip_prefix(key))
            .and_then(|c| c.strip_prefix('\'')),
    ];
    unquoted.into_iter().flatten().any(|rest| {
        rest.starts_with(':') && (rest.len() == 1 || rest[1..].starts_with([' ', '\t']))
    })
}

/// The end (exclusive line index) of the block under line `at` whose structure is at `column`.
/// Under a key, items may sit at the key's own column (`key:` then `- item`).
fn block_end(lines: &[Line<'_>], at: usize, column: usize, limit: usize, under_key: bool) -> usize {
    (at + 1..limit)
        .find(|&i| {
            let line = &lines[i];
            !line.neutral
                && (line.indent < column || (line.indent == column && !(under_key && line.item)))
        })
        .unwrap_or(limit)
}

/// Finds the line of `template` that most likely writes `path` of an object of `kind`.
///
/// Templates are not YAML, so this is a text search, and says so through its precision: the
/// keys of `path` are followed in order, each searched inside the block of the previous one
/// (by indentation, ignoring lines that hold only template actions); sequence indices count
/// the items written literally. When every key is found the match is
/// [`Precision::TemplateKey`]; when only some are (the rest comes from `toYaml`, `include`,
/// `range`, or is absent) it is the deepest one found, [`Precision::TemplateAncestor`];
/// otherwise the object's `kind:` line (or the template's first line), [`Precision::TemplateFile`].
pub fn locate_in_template(template: &str, kind: &str, path: &[PathSegment]) -> TemplateMatch {
    let lines = split_lines(template);
    // A template may hold several documents: search the one whose literal `kind:` matches.
    let mut documents = Vec::new();
    let mut first = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.indent == 0 && (line.content == "---" || line.content.starts_with("--- ")) {
            documents.push((first, i));
            first = i + 1;
        }
    }
    documents.push((first, lines.len()));
    let kind_line = |(from, to): (usize, usize)| {
        (from..to).find(|&i| {
            lines[i].indent == 0
                && lines[i]
                    .content
                    .strip_prefix("kind:")
                    .is_some_and(|v| v.trim().trim_matches(['"', '\'']) == kind)
        })
    };
    let (from, to, anchor) = documents
        .iter()
        .find_map(|&doc| kind_line(doc).map(|k| (doc.0, doc.1, Some(k))))
        .unwrap_or((0, lines.len(), None));
    let line_span = |i: usize| {
        let line: &Line<'_> = &lines[i];
        let key_start = line.start + (line.key_column.min(template.len() - line.start));
        let end = line.start
            + template[line.start..]
                .find(['\n', '\r'])
                .unwrap_or(template.len() - line.start);
        Span::new(key_start, end)
    };
    let is_separator = |i: usize| lines[i].content == "---" || lines[i].content.starts_with("--- ");
    let fallback = anchor
        .or_else(|| (from..to).find(|&i| !lines[i].neutral && !is_separator(i)))
        .or_else(|| (!lines.is_empty()).then_some(0))
        .map_or(Span::new(0, 0), line_span);

    let mut scope = (from, to);
    let mut parent_column: Option<usize> = None;
    let mut deepest: Option<usize> = None;
    let mut matched = 0;
    for segment in path {
        let found = match segment {
            PathSegment::Key(key) => (scope.0..scope.1).find(|&i| {
                let line = &lines[i];
                !line.neutral
                    && parent_column.is_none_or(|c| line.key_column > c)
                    && is_key(line.content, key)
            }),
            PathSegment::Index(index) => {
                let items: Vec<usize> = (scope.0..scope.1)
                    .filter(|&i| {
                        lines[i].item
                            && !lines[i].neutral
                            && parent_column.is_none_or(|c| lines[i].indent >= c)
                    })
                    .collect();
                let level = items.iter().map(|&i| lines[i].indent).min();
                items
                    .into_iter()
                    .filter(|&i| Some(lines[i].indent) == level)
                    .nth(*index)
            }
        };
        let Some(i) = found else { break };
        matched += 1;
        deepest = Some(i);
        scope = match segment {
            PathSegment::Key(_) => {
                parent_column = Some(lines[i].key_column);
                (
                    i + 1,
                    block_end(&lines, i, lines[i].key_column, scope.1, true),
                )
            }
            PathSegment::Index(_) => {
                // The item's own line holds its first key: search from it.
                parent_column = Some(lines[i].indent);
                (i, block_end(&lines, i, lines[i].indent, scope.1, false))
            }
        };
    }
    match deepest {
        Some(i) if matched == path.len() => TemplateMatch {
            span: line_span(i),
            precision: Precision::TemplateKey,
        },
        Some(i) => TemplateMatch {
            span: line_span(i),
            precision: Precision::TemplateAncestor,
        },
        None => TemplateMatch {
            span: fallback,
            precision: Precision::TemplateFile,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(path: &str) -> Vec<PathSegment> {
        crate::scan::parse_path(&serde_json::Value::String(path.into())).unwrap_or_default()
    }

    const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include \"app.fullname\" . }}
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
          securityContext:
            privileged: {{ .Values.privileged }}
        - name: sidecar
          {{- with .Values.sidecar.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
    - port: 80
";

    fn text_at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn a_literal_key_chain_is_found() {
        let m = locate_in_template(
            DEPLOYMENT,
            "Deployment",
            &keys("spec.template.spec.containers[0].securityContext.privileged"),
        );
        assert_eq!(m.precision, Precision::TemplateKey);
        assert_eq!(
            text_at(DEPLOYMENT, m.span),
            "privileged: {{ .Values.privileged }}"
        );
    }

    #[test]
    fn a_field_from_to_yaml_stops_at_its_parent_key() {
        let m = locate_in_template(
            DEPLOYMENT,
            "Deployment",
            &keys("spec.template.spec.containers[1].securityContext.privileged"),
        );
        assert_eq!(m.precision, Precision::TemplateAncestor);
        assert_eq!(text_at(DEPLOYMENT, m.span), "securityContext:");
    }

    #[test]
    fn the_document_of_the_right_kind_is_searched() {
        let m = locate_in_template(DEPLOYMENT, "Service", &keys("spec.ports[0].port"));
        assert_eq!(m.precision, Precision::TemplateKey);
        assert_eq!(text_at(DEPLOYMENT, m.span), "port: 80");
        let none = locate_in_template(DEPLOYMENT, "Service", &keys("spec.clusterIP"));
        assert_eq!(none.precision, Precision::TemplateAncestor);
        assert_eq!(text_at(DEPLOYMENT, none.span), "spec:");
    }

    #[test]
    fn nothing_found_falls_back_to_the_kind_line() {
        let m = locate_in_template(DEPLOYMENT, "Service", &keys("data.x"));
        assert_eq!(m.precision, Precision::TemplateFile);
        assert_eq!(text_at(DEPLOYMENT, m.span), "kind: Service");
    }

    #[test]
    fn source_comments_split_a_render() {
        let render = "---\n# Source: app/templates/a.yaml\nkind: A\n---\n# Source: app/charts/sub/templates/b.yaml\nkind: B\n";
        let comments = source_comments(render);
        assert_eq!(comments.len(), 2);
        assert!(source_comments("# Source: https://example.com/pod.yaml\nkind: Pod\n").is_empty());
        assert_eq!(comments[0].template, "app/templates/a.yaml");
        assert_eq!(
            template_at(&comments, render.find("kind: B").unwrap_or(0))
                .map(|c| c.template.as_str()),
            Some("app/charts/sub/templates/b.yaml")
        );
        assert_eq!(
            template_file(Path::new("charts/app"), &comments[1].template),
            Some(PathBuf::from("charts/app/charts/sub/templates/b.yaml"))
        );
    }

    #[test]
    fn template_args_pass_every_option_in_order() {
        let options = HelmOptions {
            binary: None,
            values: vec!["a.yaml".into(), "b.yaml".into()],
            set: vec!["x=1".into()],
            release_name: Some("rel".into()),
            namespace: Some("ns".into()),
            kube_version: Some("1.31.0".into()),
            api_versions: vec!["monitoring.coreos.com/v1".into()],
            skip_crds: false,
            skip_tests: true,
        };
        let args: Vec<String> = template_args(Path::new("chart"), &options)
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args.join(" "),
            "template rel chart --values a.yaml --values b.yaml --set x=1 --namespace ns --kube-version 1.31.0 \
             --api-versions monitoring.coreos.com/v1 --include-crds --skip-tests"
        );
    }

    #[test]
    fn rendered_identity_counts_documents_of_the_same_template() {
        let render = "---\n# Source: app/templates/rbac.yaml\nkind: A\n---\n# Source: app/templates/other.yaml\nkind: B\n---\n# Source: app/templates/rbac.yaml\nkind: A\n";
        let comments = source_comments(render);
        let last = render.rfind("kind").expect("kind");
        assert_eq!(
            rendered_identity(&comments, last).as_deref(),
            Some("app/templates/rbac.yaml#1")
        );
        assert_eq!(
            rendered_identity(&comments, render.find("kind").expect("kind")).as_deref(),
            Some("app/templates/rbac.yaml#0")
        );
    }

    #[test]
    fn a_helm_error_is_located_in_its_template() {
        let chart = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/helm/broken");
        let located = error_location(
            &chart,
            "Error: parse error at (broken/templates/configmap.yaml:6): function \"toYml\" not defined",
        );
        assert_eq!(
            located,
            Some((chart.join("templates/configmap.yaml"), 6, 1))
        );
        let with_column = error_location(
            &chart,
            "Error: execution error at (broken/templates/configmap.yaml:4:11): required",
        );
        assert_eq!(with_column.map(|(_, l, c)| (l, c)), Some((4, 11)));
        assert_eq!(
            error_location(&chart, "Error: at (nowhere/x.yaml:1): y"),
            None
        );
    }

    #[test]
    fn helm_advice_to_use_debug_is_dropped() {
        let stderr = "Error: execution error at (app/templates/secret.yaml:4:11): password is required\n\nUse --debug flag to render out invalid YAML\n";
        assert_eq!(
            helm_error_text(stderr),
            "Error: execution error at (app/templates/secret.yaml:4:11): password is required"
        );
    }

    #[test]
    fn crds_are_rendered_unless_skipped() {
        let args = |options: &HelmOptions| -> Vec<String> {
            template_args(Path::new("chart"), options)
                .into_iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect()
        };
        assert!(args(&HelmOptions::default()).contains(&"--include-crds".to_string()));
        let skipping = HelmOptions {
            skip_crds: true,
            ..HelmOptions::default()
        };
        assert!(!args(&skipping).contains(&"--include-crds".to_string()));
    }
}
