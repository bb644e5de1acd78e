//! Helm charts and kustomizations: rendering, errors, and where findings are attributed.
//!
//! Charts are rendered by a real helm: the one named by `KORDON_TEST_HELM` (`.ci/run` installs
//! helm v4 there and sets `KORDON_REQUIRE_HELM`, so these tests fail rather than skip in CI), else
//! `helm` on PATH. `testdata/helm/bin/helm` is a broken helm, for the cases where helm fails.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::support::{Run, json, kordon_with_env, repo_root};

/// Runs kordon from `dir` with `PATH` set to `path`, feeding `stdin`.
fn kordon_with_path(dir: &Path, path: OsString, args: &[&str], stdin: Option<&str>) -> Run {
    kordon_with_env(dir, vec![("PATH", path)], args, stdin)
}

/// The real helm the chart tests render with, or `None` (the test then skips with a message)
/// when there is none and `KORDON_REQUIRE_HELM` is unset.
fn real_helm() -> Option<PathBuf> {
    let stand_in_dir = repo_root().join("testdata/helm/bin");
    let found = std::env::var_os("KORDON_TEST_HELM")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .filter(|d| *d != stand_in_dir)
                .map(|d| d.join("helm"))
                .find(|h| h.is_file())
        });
    match found {
        Some(helm) => {
            assert!(
                helm.is_file(),
                "KORDON_TEST_HELM={} is not a file",
                helm.display()
            );
            Some(helm)
        }
        None => {
            assert!(
                std::env::var_os("KORDON_REQUIRE_HELM").is_none(),
                "KORDON_REQUIRE_HELM is set (as .ci/run does) but there is no helm: set KORDON_TEST_HELM"
            );
            eprintln!("skipped: no helm (set KORDON_TEST_HELM or put helm on PATH)");
            None
        }
    }
}

/// `scan` arguments that render with the real helm.
fn with_helm<'a>(helm: &'a Path, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--helm-bin", helm.to_str().expect("helm path is UTF-8")]);
    all
}

/// `PATH` with the broken stand-in helm first.
fn path_with_stand_in_helm() -> OsString {
    let mut dirs = vec![repo_root().join("testdata/helm/bin")];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).expect("PATH joins")
}

/// `PATH` without any helm: the directories of the current PATH that hold no `helm`.
fn path_without_helm() -> OsString {
    let dirs: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|d| !d.join("helm").exists())
        .collect();
    std::env::join_paths(dirs).expect("PATH joins")
}

/// The privileged-container findings with their locations, one line each (other rules are left
/// out so the snapshot is about attribution, not about the rule corpus).
fn locations(json: &serde_json::Value) -> String {
    let mut out = String::new();
    for f in json["findings"].as_array().expect("findings") {
        if f["rule"] != "privileged-container" {
            continue;
        }
        out.push_str(&format!(
            "{}:{}:{} [{}] {} {}/{}\n",
            f["file"].as_str().unwrap_or(""),
            f["start"]["line"],
            f["start"]["column"],
            f["precision"].as_str().unwrap_or(""),
            f["path"].as_str().unwrap_or(""),
            f["object"]["kind"].as_str().unwrap_or(""),
            f["object"]["name"].as_str().unwrap_or(""),
        ));
        out.push_str(&format!("  fix: {}\n", !f["fix"].is_null()));
        for r in f["related"].as_array().expect("related") {
            out.push_str(&format!(
                "  related {}:{}:{} {}\n",
                r["file"].as_str().unwrap_or(""),
                r["line"],
                r["column"],
                r["message"].as_str().unwrap_or("")
            ));
        }
    }
    out
}

fn problems(json: &serde_json::Value) -> String {
    json["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            format!(
                "{} [{}] {}: {}\n",
                p["level"].as_str().unwrap_or(""),
                p["kind"].as_str().unwrap_or(""),
                p["file"].as_str().unwrap_or(""),
                p["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn a_chart_is_rendered_with_every_helm_option_and_mapped_to_its_templates() {
    let Some(helm) = real_helm() else { return };
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &with_helm(
            &helm,
            &[
                "scan",
                "testdata/helm/app",
                "-F",
                "testdata/helm/values/staging.yaml",
                "--values",
                "testdata/helm/values/privileged.yaml",
                "--set",
                "cache.enabled=true",
                "--release-name",
                "prod",
                "--namespace",
                "shop",
                "--kube-version",
                "1.31.0",
                "--format",
                "json",
            ],
        ),
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    let json = json(&run);
    assert_eq!(problems(&json), "");
    insta::assert_snapshot!(locations(&json));
}

/// Every finding as `file:line:column [precision] rule path`, followed by the text of the line it
/// points at, so a snapshot shows what a user would open.
fn lines_written(json: &serde_json::Value) -> String {
    let mut out = String::new();
    for f in json["findings"].as_array().expect("findings") {
        let file = f["file"].as_str().unwrap_or("");
        let line = f["start"]["line"].as_u64().unwrap_or(0) as usize;
        let text = std::fs::read_to_string(repo_root().join(file))
            .ok()
            .and_then(|t| t.lines().nth(line.saturating_sub(1)).map(str::to_string))
            .unwrap_or_default();
        out.push_str(&format!(
            "{file}:{line}:{} [{}] {} {}\n    | {}\n",
            f["start"]["column"],
            f["precision"].as_str().unwrap_or(""),
            f["rule"].as_str().unwrap_or(""),
            f["path"].as_str().unwrap_or(""),
            text.trim_end(),
        ));
    }
    out
}

#[test]
fn findings_land_on_the_template_line_that_wrote_the_field() {
    // The fidelity chart has every trap of a key search: an item inside a false `{{ if }}`
    // before the reported one, a pod-level `securityContext` beside a container's, four
    // ClusterRoles from one file (two of them from a `range`), a pod written by a `define`, and
    // a volume printed by one of two actions, whose nearest less-indented line is a sibling's
    // child (`secret:`), not its parent (`volumes:`).
    let Some(helm) = real_helm() else { return };
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &with_helm(
            &helm,
            &["scan", "testdata/helm/fidelity", "--format", "json"],
        ),
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    let json = json(&run);
    assert_eq!(problems(&json), "");
    insta::assert_snapshot!(lines_written(&json));
}

/// The findings located in a values file, with the line they point at and their related
/// locations.
fn values_locations(json: &serde_json::Value) -> String {
    let mut out = String::new();
    for f in json["findings"].as_array().expect("findings") {
        if f["precision"] != "values" {
            continue;
        }
        let file = f["file"].as_str().unwrap_or("");
        let line = f["start"]["line"].as_u64().unwrap_or(0) as usize;
        let text = std::fs::read_to_string(repo_root().join(file))
            .ok()
            .and_then(|t| t.lines().nth(line.saturating_sub(1)).map(str::to_string))
            .unwrap_or_default();
        out.push_str(&format!(
            "{file}:{line}:{} {} {}\n    | {}\n  fix: {}\n",
            f["start"]["column"],
            f["rule"].as_str().unwrap_or(""),
            f["path"].as_str().unwrap_or(""),
            text.trim_end(),
            !f["fix"].is_null(),
        ));
        for r in f["related"].as_array().expect("related") {
            out.push_str(&format!(
                "  related {}:{} {}\n",
                r["file"].as_str().unwrap_or(""),
                r["line"],
                r["message"].as_str().unwrap_or("")
            ));
        }
    }
    out
}

#[test]
fn a_value_the_template_copies_is_reported_at_its_values_key() {
    let Some(helm) = real_helm() else { return };
    let scan = |extra: &[&'static str]| {
        let mut args = vec!["scan", "testdata/helm/fidelity", "--format", "json"];
        args.extend(extra);
        let run = kordon_with_path(
            &repo_root(),
            path_without_helm(),
            &with_helm(&helm, &args),
            None,
        );
        assert_eq!(run.code, 1, "{run:?}");
        values_locations(&json(&run))
    };
    // The chart's own values.yaml, then a user's file that overrides one of the keys: each
    // finding points at the file and key that set the value, confirmed by a second render.
    let chart = scan(&[]);
    let user = scan(&["-F", "testdata/helm/values/agent.yaml"]);
    insta::assert_snapshot!(format!(
        "values.yaml only:\n{chart}\nwith -F agent.yaml:\n{user}"
    ));
}

#[test]
fn a_required_value_is_an_error_at_the_template_line_that_requires_it() {
    let Some(helm) = real_helm() else { return };
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &with_helm(
            &helm,
            &[
                "scan",
                "testdata/helm/fidelity",
                "--set",
                "redis.auth=true",
                "--format",
                "json",
            ],
        ),
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    let problem = &json(&run)["problems"][0];
    let helm_shown = helm.to_str().expect("helm path is UTF-8");
    insta::assert_snapshot!(format!(
        "{}:{}:{} {}",
        problem["file"].as_str().unwrap_or(""),
        problem["line"],
        problem["column"],
        problem["message"]
            .as_str()
            .unwrap_or("")
            .replace(helm_shown, "HELM")
    ));
}

#[test]
fn naming_a_chart_s_templates_folder_renders_its_chart() {
    let Some(helm) = real_helm() else { return };
    let scan = |dir: &Path, path: &'static str| {
        let run = kordon_with_path(
            dir,
            path_without_helm(),
            &with_helm(&helm, &["scan", path, "--format", "json"]),
            None,
        );
        let json = json(&run);
        format!(
            "exit {}, {} objects\n{}",
            run.code,
            json["summary"]["objects"],
            problems(&json)
        )
    };
    // From outside and from inside the folder: the chart is rendered, never its templates
    // read as YAML (each would be a syntax error).
    let outside = scan(&repo_root(), "testdata/helm/app/templates");
    let inside = scan(&repo_root().join("testdata/helm/app/templates"), ".");
    insta::assert_snapshot!(format!("{outside}---\n{inside}"));
}

#[test]
fn random_values_in_a_chart_do_not_change_fingerprints() {
    let Some(helm) = real_helm() else { return };
    let fingerprints = || {
        let run = kordon_with_path(
            &repo_root(),
            path_without_helm(),
            // Each run renders afresh: a cached render would repeat the random values.
            &with_helm(
                &helm,
                &[
                    "scan",
                    "testdata/helm/random",
                    "--format",
                    "json",
                    "--no-render-cache",
                ],
            ),
            None,
        );
        let json = json(&run);
        let found: Vec<(String, String, String)> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or("").to_string(),
                    f["fingerprint"].as_str().unwrap_or("").to_string(),
                    f["object"]["name"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        found
    };
    let (first, second) = (fingerprints(), fingerprints());
    assert!(!first.is_empty());
    // The rendered name differs (`token-…` is random), the identity does not.
    assert_ne!(
        first.iter().map(|f| &f.2).collect::<Vec<_>>(),
        second.iter().map(|f| &f.2).collect::<Vec<_>>()
    );
    assert_eq!(
        first.iter().map(|f| (&f.0, &f.1)).collect::<Vec<_>>(),
        second.iter().map(|f| (&f.0, &f.1)).collect::<Vec<_>>()
    );
}

#[test]
fn walking_charts_renders_each_once_and_surfaces_a_failing_render() {
    let Some(helm) = real_helm() else { return };
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &with_helm(&helm, &["scan", "testdata/helm", "--format", "json"]),
        None,
    );
    assert_eq!(
        run.code, 2,
        "the broken chart makes the scan incomplete: {run:?}"
    );
    let json = json(&run);
    // Six objects of the app and operator charts, six of the fidelity chart, one of the random
    // chart, two of the bound charts (once each: their `.kordon.yaml` is below the scan root,
    // so it does not apply), two of the global chart, five of the umbrella, two of the worker
    // chart's sources and one of the nested chart's, one of bound-namespaces (rendered once:
    // its `.kordon.yaml` does not apply either), two of walked/releases/worker-0.2.0.tgz,
    // a packaged chart outside any chart (the tarballs beside it that hold no chart are skipped
    // with notes), two of the valuesfix chart and one of the manyprobes chart; templates were
    // never parsed as YAML (they would be syntax errors), and the broken chart's stderr is in its
    // error, without helm's advice to pass --debug.
    assert_eq!(json["summary"]["objects"], 31);
    let helm_shown = helm.to_str().expect("helm path is UTF-8");
    insta::assert_snapshot!(problems(&json).replace(helm_shown, "HELM"));
}

/// (kind/name, rule) of each finding, sorted: what a render put in front of the rules.
fn kinds_and_rules(json: &serde_json::Value) -> Vec<String> {
    let mut seen: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}/{} {}",
                f["object"]["kind"].as_str().unwrap_or(""),
                f["object"]["name"].as_str().unwrap_or(""),
                f["rule"].as_str().unwrap_or("")
            )
        })
        .collect();
    seen.sort();
    seen.dedup();
    seen
}

#[test]
fn crds_and_test_hooks_are_scanned_unless_skipped_and_api_versions_reach_the_chart() {
    let Some(helm) = real_helm() else { return };
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "testdata/helm/operator", "--format", "json"];
        args.extend(extra);
        let run = kordon_with_path(
            &repo_root(),
            path_without_helm(),
            &with_helm(&helm, &args),
            None,
        );
        assert!(run.code < 2, "{run:?}");
        json(&run)
    };
    // By default: the CRD of crds/, the deployment, the config map and the test hook pod
    // (privileged).
    let default = scan(&[]);
    assert_eq!(problems(&default), "");
    assert_eq!(default["summary"]["objects"], 4);
    // The summary counts the four files that rendered them, not the one render.
    assert_eq!(default["summary"]["files"], 4);
    insta::assert_snapshot!("operator_chart_default", locations(&default));
    // `namespace: {{ .Release.Namespace }}` renders as `default` without --namespace, but the
    // namespace is chosen at install: only the literal `namespace: default` is reported.
    let defaulted: Vec<String> = kinds_and_rules(&default)
        .into_iter()
        .filter(|f| f.ends_with(" default-namespace"))
        .collect();
    assert_eq!(
        defaulted,
        ["ConfigMap/release-name-settings default-namespace"]
    );
    let skipping = scan(&["--skip-tests", "--skip-crds"]);
    assert_eq!(skipping["summary"]["objects"], 2);
    assert!(
        !kinds_and_rules(&skipping)
            .iter()
            .any(|f| f.starts_with("Pod/")),
        "{:?}",
        kinds_and_rules(&skipping)
    );
    // The ServiceMonitor is rendered only when the cluster is said to serve its API.
    let monitored = scan(&["--api-versions", "monitoring.coreos.com/v1", "--skip-tests"]);
    assert_eq!(monitored["summary"]["objects"], 4);
}

#[test]
fn fingerprints_do_not_change_with_the_release_name_or_namespace() {
    let Some(helm) = real_helm() else { return };
    let fingerprints = |extra: &[&str]| {
        let mut args = vec!["scan", "testdata/helm/operator", "--format", "json"];
        args.extend(extra);
        let run = kordon_with_path(
            &repo_root(),
            path_without_helm(),
            &with_helm(&helm, &args),
            None,
        );
        assert_eq!(run.code, 1, "{run:?}");
        let mut seen: Vec<String> = json(&run)["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| format!("{} {}", f["rule"], f["fingerprint"]))
            .collect();
        seen.sort();
        seen
    };
    let default = fingerprints(&[]);
    assert!(
        default
            .iter()
            .any(|f| f.starts_with("\"privileged-container\"")),
        "{default:?}"
    );
    assert_eq!(default, fingerprints(&["--release-name", "blue"]));
    // Another namespace adds findings about that namespace (no quota for `shop`...), but every
    // finding of the default render keeps its fingerprint.
    let elsewhere = fingerprints(&["--release-name", "blue", "--namespace", "shop"]);
    let lost: Vec<&String> = default.iter().filter(|f| !elsewhere.contains(f)).collect();
    assert!(lost.is_empty(), "{lost:?}");
}

#[test]
fn a_broken_helm_is_an_error_quoting_it_and_the_rest_is_scanned() {
    let run = kordon_with_path(
        &repo_root(),
        path_with_stand_in_helm(),
        &[
            "scan",
            "testdata/helm/app",
            "rules/pod-security/privileged-container/samples/disallowed.yaml",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    let json = json(&run);
    insta::assert_snapshot!(problems(&json));
    assert!(
        kinds_and_rules(&json)
            .iter()
            .any(|f| f.ends_with(" privileged-container")),
        "the plain file is still scanned: {run:?}"
    );
}

#[test]
fn a_missing_helm_is_one_error_per_chart_and_the_rest_is_scanned() {
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &[
            "scan",
            "testdata/helm/app",
            "rules/pod-security/privileged-container/samples/disallowed.yaml",
            "--no-color",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    let errors: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert!(
        errors[0].contains(
            "testdata/helm/app: cannot render this Helm chart: `helm` was not found on PATH"
        ) && errors[0].contains("--helm-bin")
            && errors[0].contains("`helm template testdata/helm/app | kordon scan -`"),
        "{}",
        errors[0]
    );
    assert!(
        run.stdout.contains("privileged-container"),
        "the plain file is still scanned: {}",
        run.stdout
    );
}

#[test]
fn a_helm_bin_that_does_not_exist_is_named() {
    let run = kordon_with_path(
        &repo_root(),
        path_with_stand_in_helm(),
        &[
            "scan",
            "testdata/helm/app",
            "--helm-bin",
            "/nonexistent/helm",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        problems(&json(&run)).contains("the Helm binary `/nonexistent/helm` does not exist"),
        "{run:?}"
    );
}

#[test]
fn a_template_named_directly_renders_its_chart() {
    let Some(helm) = real_helm() else { return };
    let scan = |dir: &Path, path: &'static str| {
        let run = kordon_with_path(
            dir,
            path_without_helm(),
            &with_helm(&helm, &["scan", path, "--format", "json"]),
            None,
        );
        let json = json(&run);
        format!(
            "exit {}, {} objects\n{}",
            run.code,
            json["summary"]["objects"],
            problems(&json)
        )
    };
    let outside = scan(&repo_root(), "testdata/helm/app/templates/deployment.yaml");
    let inside = scan(
        &repo_root().join("testdata/helm/app/templates"),
        "deployment.yaml",
    );
    insta::assert_snapshot!(format!("{outside}---\n{inside}"));
}

#[test]
fn a_render_piped_in_keeps_its_lines_and_names_the_templates() {
    let render = std::fs::read_to_string(repo_root().join("testdata/helm/renders/app-values.out"))
        .expect("recorded render");
    // From the charts' parent directory, `# Source:` paths lead to the template files.
    let run = kordon_with_path(
        &repo_root().join("testdata/helm"),
        path_without_helm(),
        &["scan", "-", "--format", "json"],
        Some(&render),
    );
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!("piped_render_from_chart_parent", locations(&json(&run)));
    // From elsewhere, the template is still named.
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &["scan", "-", "--format", "json"],
        Some(&render),
    );
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!("piped_render_elsewhere", locations(&json(&run)));
}

#[test]
fn an_overlay_is_built_once_and_findings_point_at_the_files_to_edit() {
    let run = kordon_with_path(
        &repo_root(),
        std::env::var_os("PATH").unwrap_or_default(),
        &["scan", "testdata/kustomize", "--format", "json"],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    let json = json(&run);
    assert_eq!(problems(&json), "");
    // The overlay's build only: the base is not built again, and no file is read as plain YAML.
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["summary"]["objects"], 5);
    insta::assert_snapshot!(locations(&json));
}

#[test]
fn a_base_scanned_alone_is_built_alone() {
    let run = kordon_with_path(
        &repo_root(),
        std::env::var_os("PATH").unwrap_or_default(),
        &["scan", "testdata/kustomize/base", "--format", "json"],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(locations(&json(&run)));
}

#[test]
fn no_render_skips_charts_and_kustomizations_with_notes() {
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &[
            "scan",
            "testdata/helm/app",
            "testdata/kustomize",
            "--no-render",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let json = json(&run);
    assert_eq!(json["summary"]["objects"], 0);
    insta::assert_snapshot!(problems(&json));
}

#[test]
fn a_missing_kustomize_binary_is_an_error() {
    let run = kordon_with_path(
        &repo_root(),
        std::env::var_os("PATH").unwrap_or_default(),
        &[
            "scan",
            "testdata/kustomize/base",
            "--kustomize-bin",
            "/nonexistent/kustomize",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        problems(&json(&run)).contains("`/nonexistent/kustomize` does not exist (--kustomize-bin)"),
        "{run:?}"
    );
}

#[test]
fn fixes_of_an_overlay_go_to_the_resource_and_patch_files() {
    let run = kordon_with_path(
        &repo_root(),
        std::env::var_os("PATH").unwrap_or_default(),
        &[
            "scan",
            "testdata/kustomize/overlays/prod",
            "--diff",
            "--no-color",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    // The base's privileged worker is fixed in the base; the web container, made privileged by
    // the overlay's patch, is fixed in the patch; the api container, made privileged by an
    // inline patch, has no file to fix (`transformed`) and is left alone.
    for expected in [
        "+++ b/testdata/kustomize/base/worker.yaml",
        "+++ b/testdata/kustomize/overlays/prod/web-privileged.yaml",
    ] {
        assert!(run.stdout.contains(expected), "{expected}: {}", run.stdout);
    }
    let privileged_off = run
        .stdout
        .lines()
        .filter(|l| l.starts_with('+') && l[1..].trim() == "privileged: false")
        .count();
    assert_eq!(
        privileged_off, 3,
        "worker, web patch, debug pod: {}",
        run.stdout
    );
    assert!(!run.stdout.contains("(kustomize build)"), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn renders_are_cached_until_an_input_or_the_setting_changes() {
    use std::os::unix::fs::PermissionsExt;
    let Some(kubectl) = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("kubectl"))
        .find(|k| k.is_file())
    else {
        eprintln!("skipped: no kubectl on PATH");
        return;
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    let app = dir.path().join("app");
    std::fs::create_dir(&app).expect("folder");
    std::fs::write(app.join("kustomization.yaml"), "resources: [pod.yaml]\n").expect("write");
    let pod = |privileged: bool| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        privileged: {privileged}\n"
        )
    };
    std::fs::write(app.join("pod.yaml"), pod(true)).expect("write");
    // A kubectl that notes each start, then runs the real one.
    let starts = dir.path().join("starts.log");
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("folder");
    let wrapper = bin.join("kubectl");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho start >> '{}'\nexec '{}' \"$@\"\n",
            starts.display(),
            kubectl.display()
        ),
    )
    .expect("write");
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let cache = dir.path().join("cache");
    let wrapper_arg = wrapper.to_str().expect("UTF-8 path");
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "app", "-f", "json", "--kustomize-bin", wrapper_arg];
        args.extend(extra);
        kordon_with_env(
            dir.path(),
            vec![("XDG_CACHE_HOME", cache.clone().into_os_string())],
            &args,
            None,
        )
    };
    let started = || {
        std::fs::read_to_string(&starts)
            .unwrap_or_default()
            .lines()
            .count()
    };

    let first = scan(&[]);
    assert_eq!(first.code, 1, "{first:?}");
    assert!(
        first.stdout.contains("privileged-container"),
        "{}",
        first.stdout
    );
    let built = started();
    assert!(built >= 1, "the first scan builds");
    assert!(
        cache.join("kordon/renders").is_dir(),
        "the cache is under XDG_CACHE_HOME"
    );

    // Unchanged: the same report, and no renderer started.
    let second = scan(&[]);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(started(), built, "a cached render starts no kubectl");
    let stats = scan(&["--stats"]);
    assert!(
        stats.stderr.contains("1 render (1 from the render cache)"),
        "{}",
        stats.stderr
    );
    assert!(
        stats.stdout.contains("\"renders_from_cache\": 1"),
        "{}",
        stats.stdout
    );

    // The flag renders again.
    let uncached = scan(&["--no-render-cache"]);
    assert_eq!(uncached.stdout, first.stdout);
    assert_eq!(started(), 2 * built, "--no-render-cache builds");

    // A changed file is a new render with the new content.
    std::fs::write(app.join("pod.yaml"), pod(false)).expect("write");
    let changed = scan(&[]);
    assert_eq!(started(), 3 * built, "a changed file builds again");
    assert!(
        !changed.stdout.contains("privileged-container"),
        "{}",
        changed.stdout
    );

    // `render-cache: false` in the configuration renders again too.
    std::fs::write(dir.path().join(".kordon.yaml"), "render-cache: false\n").expect("write");
    let configured = scan(&[]);
    assert_eq!(configured.stdout, changed.stdout);
    assert_eq!(started(), 4 * built, "render-cache: false builds");
}

/// The render names, values-located findings and render-problem lines of a scan.
fn renders_and_values(json: &serde_json::Value) -> String {
    let mut renders: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .flat_map(|f| f["related"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["message"] == "where `helm template` rendered it (exact)")
        .filter_map(|r| r["file"].as_str().map(str::to_string))
        .collect();
    renders.sort();
    renders.dedup();
    let problems: Vec<String> = json["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            let message = p["message"].as_str().unwrap_or("");
            // The first line says what failed, the last what to do about it.
            let first = message.lines().next().unwrap_or("");
            let last = message.lines().last().unwrap_or("");
            format!(
                "{} {}: {}{}",
                p["level"].as_str().unwrap_or(""),
                p["file"].as_str().unwrap_or(""),
                first,
                if last == first {
                    String::new()
                } else {
                    format!("\n    … {last}")
                }
            )
        })
        .collect();
    format!(
        "renders:\n  {}\nproblems:\n  {}\nvalues findings:\n{}",
        renders.join("\n  "),
        problems.join("\n  "),
        values_locations(json)
    )
}

#[test]
fn charts_bound_to_values_in_the_config_are_rendered_once_per_entry() {
    let Some(helm) = real_helm() else { return };
    // `.kordon.yaml` renders `web` twice (prod and dev values) and leaves `worker` alone, whose
    // schema would refuse web's values: each values-driven finding lands in the file bound to
    // the render that has it, and the findings both renders share are reported once.
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &with_helm(
            &helm,
            &[
                "scan",
                "testdata/helm/bound",
                "--no-render-cache",
                "--format",
                "json",
            ],
        ),
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    let json = json(&run);
    let shared: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "cpu-limit-missing")
        .collect();
    assert_eq!(shared.len(), 2, "one per chart, web's merged: {shared:?}");
    insta::assert_snapshot!(renders_and_values(&json));
}

#[test]
fn a_values_file_given_for_one_chart_reaches_only_that_chart() {
    let Some(helm) = real_helm() else { return };
    let dir = repo_root().join("testdata/helm/bound");
    let scan = |values: &'static str| {
        let run = kordon_with_path(
            &dir,
            path_without_helm(),
            &with_helm(
                &helm,
                &[
                    "scan",
                    "web",
                    "worker",
                    "--config",
                    "/dev/null",
                    "--no-render-cache",
                    "-F",
                    values,
                    "--format",
                    "json",
                ],
            ),
            None,
        );
        let shown = renders_and_values(&json(&run))
            .replace(helm.to_str().expect("helm path is UTF-8"), "[HELM]");
        (run.code, shown)
    };
    // For every chart, the worker chart's schema refuses web's values; for `web=` only, both
    // charts render and the web finding points at the file.
    let (every_code, every) = scan("deploy/values-prod.yaml");
    let (one_code, one) = scan("web=deploy/values-prod.yaml");
    assert_eq!((every_code, one_code), (2, 1));
    insta::assert_snapshot!(format!(
        "-F deploy/values-prod.yaml:\n{every}\n-F web=deploy/values-prod.yaml:\n{one}"
    ));
    let run = kordon_with_path(
        &dir,
        path_without_helm(),
        &["scan", "web", "-F", "nochart=deploy/values-prod.yaml"],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("nochart is not a Helm chart directory (no Chart.yaml)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_global_value_a_subchart_reads_points_at_the_umbrella_values_that_set_it() {
    let Some(helm) = real_helm() else { return };
    // The subchart's own values.yaml says `global.hostNetwork: false`, the umbrella's `true`:
    // the render has `true`, so the finding belongs at the umbrella's key (before, the link
    // went to the subchart's file, "confirmed" by a probe equal to the rendered value).
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &with_helm(
            &helm,
            &[
                "scan",
                "testdata/helm/global",
                "--no-render-cache",
                "--format",
                "json",
            ],
        ),
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(values_locations(&json(&run)));
}

/// Where each privileged-container finding of a scan lands, in the three reports a user reads:
/// human (the `,-[file:line:column]` header), JSON (file, line, precision, related) and SARIF
/// (artifact, region or archive member).
fn packaged_locations(helm: &Path, target: &str) -> String {
    let scan = |format: &str| {
        let run = kordon_with_path(
            &repo_root(),
            path_without_helm(),
            &with_helm(helm, &["scan", target, "--format", format]),
            None,
        );
        assert_eq!(run.code, 1, "{run:?}");
        run
    };
    let json = json(&scan("json"));
    let mut out = format!("problems:\n{}json:\n{}", problems(&json), locations(&json));
    out.push_str("human:\n");
    let mut in_rule = false;
    for line in scan("human").stdout.lines() {
        if line.ends_with(']') && line.contains('[') && !line.starts_with(' ') {
            in_rule = line.ends_with("[privileged-container]");
        }
        if in_rule && line.trim_start().starts_with(",-[") {
            out.push_str(&format!("  {}\n", line.trim()));
        }
    }
    out.push_str("sarif:\n");
    let sarif: serde_json::Value = serde_json::from_str(&scan("sarif").stdout).expect("sarif");
    for result in sarif["runs"][0]["results"].as_array().expect("results") {
        if result["ruleId"] != "privileged-container" {
            continue;
        }
        let place = &result["locations"][0];
        let physical = &place["physicalLocation"];
        out.push_str(&format!(
            "  {} line {} | member {} line {} | {}\n",
            physical["artifactLocation"]["uri"].as_str().unwrap_or(""),
            physical["region"]["startLine"],
            place["properties"]["archiveMember"].as_str().unwrap_or("-"),
            place["properties"]["memberRegion"]["startLine"],
            place["message"]["text"].as_str().unwrap_or("-"),
        ));
    }
    out
}

#[test]
fn an_umbrella_chart_maps_packaged_and_unpacked_subcharts_and_a_local_library() {
    // umbrella/charts holds web/ unpacked, worker-0.2.0.tgz (with nested/ inside it) and
    // helmlib-0.1.0.tgz, the `helm dependency build` copy of file://../helmlib
    // (testdata/helm/packaged/regenerate.sh makes the archives). The worker's finding is driven
    // by the umbrella's `worker.securityContext.privileged`, so it lands on that key.
    let Some(helm) = real_helm() else { return };
    insta::assert_snapshot!(packaged_locations(&helm, "testdata/helm/umbrella"));
}

#[test]
fn a_packaged_chart_named_as_a_path_is_rendered_and_mapped_into_its_members() {
    let Some(helm) = real_helm() else { return };
    insta::assert_snapshot!(packaged_locations(
        &helm,
        "testdata/helm/packaged/worker/charts/nested-0.3.0.tgz"
    ));
}

#[test]
fn an_archive_that_is_no_chart_is_a_located_error() {
    let dir = crate::support::tree(&[("notes.tgz", "plain text, not gzip\n")]);
    let run =
        crate::support::kordon_in(dir.path(), &["scan", "notes.tgz", "--format", "json"], None);
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!(problems(&json(&run)));
}

#[test]
fn missing_dependencies_name_the_chart_yaml_line_and_the_command_to_run() {
    // The umbrella without its archives: what a clone holds when charts/ is .gitignored.
    let Some(helm) = real_helm() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let umbrella = repo_root().join("testdata/helm/umbrella");
    for file in [
        "Chart.yaml",
        "values.yaml",
        "templates/configmap.yaml",
        "templates/deployment.yaml",
        "charts/web/Chart.yaml",
        "charts/web/values.yaml",
        "charts/web/templates/deployment.yaml",
    ] {
        let text = std::fs::read_to_string(umbrella.join(file)).expect("fixture");
        crate::support::write(&dir.path().join("umbrella"), file, &text);
    }
    let run = kordon_with_path(
        dir.path(),
        path_without_helm(),
        &with_helm(&helm, &["scan", "umbrella", "--format", "json"]),
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!(problems(&json(&run)));
}

/// The kubectl the `helmCharts:` tests build with: `KORDON_TEST_KUBECTL` (`.ci/run` sets it to
/// kubectl v1.35, whose kustomize v5.7 refuses helm v4 by its version check alone), else
/// `kubectl` on PATH; `None` (the test skips) when there is neither.
fn test_kubectl() -> Option<PathBuf> {
    std::env::var_os("KORDON_TEST_KUBECTL")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .map(|d| d.join("kubectl"))
                .find(|k| k.is_file())
        })
        .or_else(|| {
            eprintln!("skipped: no kubectl (set KORDON_TEST_KUBECTL or put kubectl on PATH)");
            None
        })
}

/// Every finding of the rules in `rules` with where it lands and its related locations.
fn rule_locations(json: &serde_json::Value, rules: &[&str]) -> String {
    let mut out = String::new();
    for f in json["findings"].as_array().expect("findings") {
        if !rules.contains(&f["rule"].as_str().unwrap_or("")) {
            continue;
        }
        out.push_str(&format!(
            "{} {}:{}:{} [{}] {} {}/{} fix: {}\n",
            f["rule"].as_str().unwrap_or(""),
            f["file"].as_str().unwrap_or(""),
            f["start"]["line"],
            f["start"]["column"],
            f["precision"].as_str().unwrap_or(""),
            f["path"].as_str().unwrap_or(""),
            f["object"]["kind"].as_str().unwrap_or(""),
            f["object"]["name"].as_str().unwrap_or(""),
            !f["fix"].is_null(),
        ));
        for r in f["related"].as_array().expect("related") {
            out.push_str(&format!(
                "  related {}:{}:{} {}\n",
                r["file"].as_str().unwrap_or(""),
                r["line"],
                r["column"],
                r["message"].as_str().unwrap_or("")
            ));
        }
    }
    out
}

#[test]
fn a_kustomization_inflating_charts_is_built_with_helm_and_mapped_into_their_templates() {
    // inflate/: a chart under charts/ with valuesInline and a patch applied after helm;
    // legacy/: `helmChartInflationGenerator:` with its own chart home; pull/: a chart only a
    // repository has, a located error. The vendored charts are scanned through the builds only.
    let (Some(helm), Some(kubectl)) = (real_helm(), test_kubectl()) else {
        return;
    };
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &with_helm(
            &helm,
            &[
                "scan",
                "testdata/kustomize-helm",
                "--kustomize-bin",
                kubectl.to_str().expect("UTF-8 path"),
                "--no-render-cache",
                "--format",
                "json",
            ],
        ),
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    let json = json(&run);
    let placed: String = json["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            format!(
                "{}:{} {}\n",
                p["file"].as_str().unwrap_or(""),
                p["line"],
                p["level"].as_str().unwrap_or("")
            )
        })
        .collect();
    insta::assert_snapshot!(format!(
        "problems:\n{}{placed}findings:\n{}",
        problems(&json),
        rule_locations(&json, &["privileged-container", "host-network"])
    ));
}

#[test]
fn a_kustomization_inflating_a_chart_without_helm_says_so() {
    let Some(kubectl) = test_kubectl() else {
        return;
    };
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &[
            "scan",
            "testdata/kustomize-helm/legacy",
            "--kustomize-bin",
            kubectl.to_str().expect("UTF-8 path"),
            "--no-render-cache",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!(problems(&json(&run)));
}

#[test]
fn an_inflating_build_from_the_render_cache_maps_like_a_fresh_one() {
    let (Some(helm), Some(kubectl)) = (real_helm(), test_kubectl()) else {
        return;
    };
    let cache = tempfile::tempdir().expect("temporary folder");
    let scan = || {
        let mut env = vec![("XDG_CACHE_HOME", cache.path().as_os_str().to_owned())];
        env.push(("PATH", path_without_helm()));
        let run = kordon_with_env(
            &repo_root(),
            env,
            &with_helm(
                &helm,
                &[
                    "scan",
                    "testdata/kustomize-helm/inflate",
                    "--kustomize-bin",
                    kubectl.to_str().expect("UTF-8 path"),
                    "--format",
                    "json",
                    "--stats",
                ],
            ),
            None,
        );
        assert_eq!(run.code, 1, "{run:?}");
        let json = json(&run);
        (
            rule_locations(&json, &["privileged-container"]),
            json["summary"]["stats"]["renders_from_cache"].clone(),
        )
    };
    let (fresh, cached_first) = scan();
    let (again, cached_second) = scan();
    assert_eq!(fresh, again);
    assert!(fresh.contains("templates/workloads.yaml:24"), "{fresh}");
    assert_eq!(
        (cached_first, cached_second),
        (serde_json::json!(0), serde_json::json!(1))
    );
}

#[test]
fn a_chart_archive_found_by_the_walk_is_rendered_and_other_tarballs_are_skipped_with_a_note() {
    // walked/releases/worker-0.2.0.tgz is a packaged chart outside any chart; walked/backups
    // holds a tarball of a web site and a text file named .tgz. The umbrella's charts/*.tgz
    // stay part of the umbrella's render: not rendered again, not read as files.
    let Some(helm) = real_helm() else { return };
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &with_helm(
            &helm,
            &[
                "scan",
                // Named and walked too: still one render.
                "testdata/helm/walked/releases/worker-0.2.0.tgz",
                "testdata/helm/walked",
                "testdata/helm/umbrella",
                "--no-render-cache",
                "--format",
                "json",
                "--stats",
            ],
        ),
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    let json = json(&run);
    insta::assert_snapshot!(format!(
        "renders: {}\nproblems:\n{}findings:\n{}",
        json["summary"]["stats"]["renders"],
        problems(&json),
        rule_locations(&json, &["privileged-container"])
    ));
}

#[test]
fn a_packaged_chart_is_served_from_the_render_cache_until_its_bytes_change() {
    let Some(helm) = real_helm() else { return };
    let dir = tempfile::tempdir().expect("temporary folder");
    let archive = dir.path().join("worker-0.2.0.tgz");
    std::fs::copy(
        repo_root().join("testdata/helm/umbrella/charts/worker-0.2.0.tgz"),
        &archive,
    )
    .expect("copy");
    let cache = dir.path().join("cache");
    let scan = || {
        let run = kordon_with_env(
            dir.path(),
            vec![
                ("XDG_CACHE_HOME", cache.clone().into_os_string()),
                ("PATH", path_without_helm()),
            ],
            &with_helm(&helm, &["scan", ".", "--format", "json", "--stats"]),
            None,
        );
        assert_eq!(run.code, 1, "{run:?}");
        let json = json(&run);
        (
            rule_locations(&json, &["privileged-container"]),
            json["summary"]["stats"]["renders_from_cache"].clone(),
        )
    };
    let (fresh, first) = scan();
    let (again, second) = scan();
    assert!(fresh.contains("worker-0.2.0.tgz!/worker/"), "{fresh}");
    assert_eq!(fresh, again);
    // Other bytes (another chart's archive under the same name) are another render.
    std::fs::copy(
        repo_root().join("testdata/helm/packaged/worker/charts/nested-0.3.0.tgz"),
        &archive,
    )
    .expect("copy");
    let (_, third) = scan();
    assert_eq!(
        (first, second, third),
        (
            serde_json::json!(0),
            serde_json::json!(1),
            serde_json::json!(0)
        )
    );
}

#[test]
fn a_helm_error_in_a_packaged_template_is_located_at_the_archive_member() {
    // failing/charts/payments-1.2.3.tgz requires a value the umbrella does not give: the error
    // is at the member's line, rendered through the umbrella or named as a path itself.
    let Some(helm) = real_helm() else { return };
    let placed = |target: &str| {
        let run = kordon_with_path(
            &repo_root(),
            path_without_helm(),
            &with_helm(
                &helm,
                &["scan", target, "--no-render-cache", "--format", "json"],
            ),
            None,
        );
        assert_eq!(run.code, 2, "{run:?}");
        json(&run)["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| {
                format!(
                    "{}:{}:{} {}\n",
                    p["file"].as_str().unwrap_or(""),
                    p["line"],
                    p["column"],
                    p["level"].as_str().unwrap_or("")
                )
            })
            .collect::<String>()
    };
    insta::assert_snapshot!(format!(
        "{}{}",
        placed("testdata/helm/failing"),
        placed("testdata/helm/failing/charts/payments-1.2.3.tgz")
    ));
}

/// Copies the folder `from` into `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("fixture folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn a_subchart_version_bump_keeps_the_fingerprints_of_its_findings() {
    // worker-0.2.0.tgz becomes worker-0.2.1.tgz, as `helm dependency update` leaves it after a
    // bump: the archive's name and its Chart.yaml change, its templates do not.
    let Some(helm) = real_helm() else { return };
    let dir = tempfile::tempdir().expect("temporary folder");
    let umbrella = dir.path().join("umbrella");
    copy_tree(&repo_root().join("testdata/helm/umbrella"), &umbrella);
    let scan = || {
        let run = kordon_with_path(
            dir.path(),
            path_without_helm(),
            &with_helm(
                &helm,
                &["scan", "umbrella", "--no-render-cache", "--format", "json"],
            ),
            None,
        );
        assert_eq!(run.code, 1, "{run:?}");
        let json = json(&run);
        let mut worker: Vec<(String, String)> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["file"].as_str().unwrap_or("").contains("worker-0.2."))
            .map(|f| {
                (
                    f["fingerprint"].as_str().unwrap_or("").to_string(),
                    format!(
                        "{} {}",
                        f["rule"].as_str().unwrap_or(""),
                        f["file"].as_str().unwrap_or("")
                    ),
                )
            })
            .collect();
        worker.sort();
        worker
    };
    let before = scan();
    std::fs::remove_file(umbrella.join("charts/worker-0.2.0.tgz")).expect("remove");
    let packaged = std::process::Command::new(&helm)
        .args(["package", "--version", "0.2.1", "--destination"])
        .arg(umbrella.join("charts"))
        .arg(repo_root().join("testdata/helm/packaged/worker"))
        .output()
        .expect("helm package runs");
    assert!(packaged.status.success(), "{packaged:?}");
    let chart_yaml = umbrella.join("Chart.yaml");
    let text = std::fs::read_to_string(&chart_yaml).expect("Chart.yaml");
    std::fs::write(
        &chart_yaml,
        text.replace(
            "name: worker\n    version: 0.2.0",
            "name: worker\n    version: 0.2.1",
        ),
    )
    .expect("write");
    let after = scan();
    assert!(before.len() >= 3, "{before:?}");
    assert!(
        after
            .iter()
            .all(|(_, place)| place.contains("worker-0.2.1.tgz!/")),
        "{after:?}"
    );
    let prints = |found: &[(String, String)]| -> Vec<String> {
        found.iter().map(|(print, _)| print.clone()).collect()
    };
    assert_eq!(prints(&before), prints(&after));
}

#[test]
fn a_finding_merged_across_renders_names_what_each_render_had() {
    // `.kordon.yaml` renders `api` in shop-eu and in shop-us: the namespace findings of its one
    // template line merge, and each render's place says which namespace it is about.
    let Some(helm) = real_helm() else { return };
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &with_helm(
            &helm,
            &[
                "scan",
                "testdata/helm/bound-namespaces",
                "--no-render-cache",
                "--format",
                "json",
            ],
        ),
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    let json = json(&run);
    let mut out = String::new();
    for f in json["findings"].as_array().expect("findings") {
        let rule = f["rule"].as_str().unwrap_or("");
        if rule != "namespace-without-limit-range" && rule != "cpu-limit-missing" {
            continue;
        }
        out.push_str(&format!(
            "{rule} {}:{}: {}\n",
            f["file"].as_str().unwrap_or(""),
            f["start"]["line"],
            f["message"].as_str().unwrap_or("")
        ));
        for r in f["related"].as_array().expect("related") {
            out.push_str(&format!(
                "  related {}:{} {}\n",
                r["file"].as_str().unwrap_or(""),
                r["line"],
                r["message"].as_str().unwrap_or("")
            ));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn a_value_set_for_one_chart_reaches_only_that_chart() {
    // `--set` reaches every chart, so the worker chart's schema refuses web's key;
    // `--chart-set web KEY=VALUE` gives it to web only, and a value holding `=` stays whole.
    let Some(helm) = real_helm() else { return };
    let dir = repo_root().join("testdata/helm/bound");
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "web",
            "worker",
            "--config",
            "/dev/null",
            "--no-render-cache",
            "--format",
            "json",
        ];
        args.extend(extra);
        let run = kordon_with_path(&dir, path_without_helm(), &with_helm(&helm, &args), None);
        let json = json(&run);
        let mut out = format!("exit {}\n{}", run.code, problems(&json));
        for f in json["findings"].as_array().expect("findings") {
            if f["rule"] == "privileged-container" || f["rule"] == "image-pull-policy-not-always" {
                out.push_str(&format!(
                    "{} {}:{} {}\n",
                    f["rule"].as_str().unwrap_or(""),
                    f["file"].as_str().unwrap_or(""),
                    f["start"]["line"],
                    f["message"].as_str().unwrap_or("")
                ));
            }
        }
        out.replace(helm.to_str().expect("helm path is UTF-8"), "[HELM]")
    };
    let every = scan(&["--set", "securityContext.privileged=true"]);
    let one = scan(&[
        "--chart-set",
        "web",
        "securityContext.privileged=true",
        "--chart-set",
        "web",
        "image=registry.example.com/web:a=b",
    ]);
    insta::assert_snapshot!(format!(
        "--set securityContext.privileged=true:\n{every}\n--chart-set web ...:\n{one}"
    ));
    let run = kordon_with_path(
        &dir,
        path_without_helm(),
        &["scan", "web", "--chart-set", "nochart", "a=1"],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("nochart is not a Helm chart"),
        "{}",
        run.stderr
    );
}

/// A copy of the `valuesfix` chart and a user's values file for it, in a fresh directory.
fn values_fix_chart() -> tempfile::TempDir {
    let chart = repo_root().join("testdata/helm/valuesfix");
    let read = |path: &Path| std::fs::read_to_string(path).expect("fixture file");
    let mut files: Vec<(String, String)> = ["Chart.yaml", "values.yaml"]
        .iter()
        .map(|f| (format!("valuesfix/{f}"), read(&chart.join(f))))
        .collect();
    for template in ["deployment.yaml", "daemonset.yaml"] {
        files.push((
            format!("valuesfix/templates/{template}"),
            read(&chart.join("templates").join(template)),
        ));
    }
    files.push((
        "prod.yaml".into(),
        read(&repo_root().join("testdata/helm/values/valuesfix-prod.yaml")),
    ));
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    crate::support::tree(&borrowed)
}

/// The findings with a values location, one line each: where, precision, rule, field, and the
/// fix's title (or that none was proven).
fn values_fixes(json: &serde_json::Value) -> String {
    let mut out = String::new();
    for f in json["findings"].as_array().expect("findings") {
        let precision = f["precision"].as_str().unwrap_or("");
        if !precision.starts_with("values") {
            continue;
        }
        out.push_str(&format!(
            "{}:{} [{precision}] {} {}\n  fix: {}\n",
            f["file"].as_str().unwrap_or(""),
            f["start"]["line"],
            f["rule"].as_str().unwrap_or(""),
            f["path"].as_str().unwrap_or(""),
            f["fix"]["title"].as_str().unwrap_or("none proven"),
        ));
    }
    out
}

#[test]
fn a_fix_of_a_value_the_template_copies_edits_the_values_file_and_is_proven() {
    let Some(helm) = real_helm() else { return };
    let dir = values_fix_chart();
    let scan = |args: &[&str]| {
        let mut all = vec!["scan", "valuesfix"];
        all.extend(args);
        kordon_with_path(
            dir.path(),
            path_without_helm(),
            &with_helm(&helm, &all),
            None,
        )
    };
    // Keys the templates copy (through `toYaml` blocks, list items of `toYaml` and `range`)
    // carry a fix of the values file; `shared.hostPID` also feeds an annotation, so editing
    // it would change more than the field: no fix is offered for it.
    let before = scan(&["--format", "json"]);
    assert_eq!(before.code, 1, "{before:?}");
    let listed = values_fixes(&json(&before));
    let sarif: serde_json::Value =
        serde_json::from_str(&scan(&["--format", "sarif"]).stdout).expect("sarif");
    let changed: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| {
            let change = &r["fixes"][0]["artifactChanges"][0];
            let uri = change["artifactLocation"]["uri"].as_str()?;
            Some(format!(
                "{} {uri} {} replacement(s)",
                r["ruleId"].as_str().unwrap_or(""),
                change["replacements"].as_array().map_or(0, Vec::len)
            ))
        })
        .collect();
    let diff = scan(&["--diff"]);
    let fixed = scan(&["--fix", "--unsafe-fixes", "--format", "json"]);
    let values = std::fs::read_to_string(dir.path().join("valuesfix/values.yaml")).expect("values");
    // Every fixed finding is gone from a fresh scan; what stays has no proven fix.
    let after = scan(&["--format", "json"]);
    let left = values_fixes(&json(&after));
    insta::assert_snapshot!(format!(
        "{listed}\nsarif fixes:\n{}\n\n--diff: exit {}\n{}{}\n--fix: exit {}\n{values}\nafter:\n{left}",
        changed.join("\n"),
        diff.code,
        diff.stdout,
        diff.stderr,
        fixed.code
    ));
    // A user's `-F` file that sets the winning value is the file edited, together with the
    // chart's `values.yaml` for the keys it sets (both edits proven in one render).
    let fresh = values_fix_chart();
    let with_prod = kordon_with_path(
        fresh.path(),
        path_without_helm(),
        &with_helm(
            &helm,
            &[
                "scan",
                "valuesfix",
                "-F",
                "prod.yaml",
                "--diff",
                "--unsafe-fixes",
            ],
        ),
        None,
    );
    insta::assert_snapshot!("user_values_file_diff", with_prod.stdout);
    // `--fix` writes the `-F` file too, though it is not under the scanned path.
    let fixed = kordon_with_path(
        fresh.path(),
        path_without_helm(),
        &with_helm(
            &helm,
            &[
                "scan",
                "valuesfix",
                "-F",
                "prod.yaml",
                "--fix",
                "--unsafe-fixes",
            ],
        ),
        None,
    );
    let prod = std::fs::read_to_string(fresh.path().join("prod.yaml")).expect("prod.yaml");
    assert!(
        prod.contains("hostNetwork: false\n") && prod.contains("allowPrivilegeEscalation: false"),
        "{prod}\n{fixed:?}"
    );
}

#[test]
fn a_probe_the_schema_refuses_costs_no_other_key_its_link() {
    let Some(helm) = real_helm() else { return };
    let run = kordon_with_path(
        &repo_root(),
        path_without_helm(),
        &with_helm(
            &helm,
            &["scan", "testdata/helm/manyprobes", "--format", "json"],
        ),
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    // Fourteen items of a `range`, each linked to its own values item (more than one render
    // per key would reach), while `pullPolicy`, whose probe the schema refuses, stays at its
    // template line.
    let json = json(&run);
    let mut out = values_fixes(&json);
    for f in json["findings"].as_array().expect("findings") {
        if f["rule"] == "image-pull-policy-not-always" {
            out.push_str(&format!(
                "{}:{} [{}] {}\n",
                f["file"].as_str().unwrap_or(""),
                f["start"]["line"],
                f["precision"].as_str().unwrap_or(""),
                f["rule"].as_str().unwrap_or("")
            ));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn api_and_kube_versions_reach_the_helm_a_kustomization_runs() {
    // The chart writes its privileged DaemonSet only for a cluster that serves
    // telemetry.example.com/v1 and runs Kubernetes >= 1.30; helm's defaults have neither.
    let (Some(helm), Some(kubectl)) = (real_helm(), test_kubectl()) else {
        return;
    };
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "testdata/kustomize-capabilities",
            "--kustomize-bin",
            kubectl.to_str().expect("UTF-8 path"),
            "--no-render-cache",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let run = kordon_with_path(
            &repo_root(),
            path_without_helm(),
            &with_helm(&helm, &args),
            None,
        );
        let json = json(&run);
        (run.code, rule_locations(&json, &["privileged-container"]))
    };
    let (code, plain) = scan(&[]);
    assert_eq!(
        (code, plain.as_str()),
        (0, ""),
        "no capabilities, no DaemonSet"
    );
    let (code, found) = scan(&[
        "--api-versions",
        "telemetry.example.com/v1",
        "--kube-version",
        "1.31.0",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(found);
}
