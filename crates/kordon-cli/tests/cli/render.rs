//! Helm charts and kustomizations: rendering, errors, and where findings are attributed.
//!
//! helm is not installable on the test machines: `testdata/helm/bin/helm` stands in for it. It
//! prints a recorded render for the exact arguments these tests expect and refuses anything
//! else, so a wrong argument fails the test.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::support::{Run, json, kordon_with_env, repo_root};

/// Runs kordon from `dir` with `PATH` set to `path`, feeding `stdin`.
fn kordon_with_path(dir: &Path, path: OsString, args: &[&str], stdin: Option<&str>) -> Run {
    kordon_with_env(dir, vec![("PATH", path)], args, stdin)
}

/// `PATH` with the stand-in helm first.
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
    let tmp = tempfile::tempdir().expect("temp dir");
    let log = tmp.path().join("kordon-test-helm.log");
    std::fs::write(&log, "").expect("log created");
    let kubeconfig = tmp.path().join("kubeconfig");
    std::fs::write(&kubeconfig, "apiVersion: v1\nkind: Config\nclusters: []\n").expect("written");
    let run = kordon_with_env(
        &repo_root(),
        vec![
            ("PATH", path_with_stand_in_helm()),
            // The stand-in appends each argument list it receives, and what it sees of the
            // environment, to the log in TMPDIR.
            ("TMPDIR", tmp.path().as_os_str().to_owned()),
            // The caller's secrets and cluster must not reach the renderer.
            ("SECRET_TOKEN", "hunter2".into()),
            ("KUBECONFIG", kubeconfig.as_os_str().to_owned()),
        ],
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
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    let received = std::fs::read_to_string(&log).expect("the stand-in logged");
    assert_eq!(
        received,
        "template prod testdata/helm/app --values testdata/helm/values/staging.yaml \
         --values testdata/helm/values/privileged.yaml --set cache.enabled=true \
         --namespace shop --kube-version 1.31.0\n\
         SECRET_TOKEN=unset KUBECONFIG_IS_EMPTY=yes HTTPS_PROXY=http://127.0.0.1:9\n",
        "helm runs once, for the chart only (not for its subchart or library chart), in a \
         scrubbed environment"
    );
    let json = json(&run);
    assert_eq!(problems(&json), "");
    insta::assert_snapshot!(locations(&json));
}

#[test]
fn walking_charts_renders_each_once_and_surfaces_a_failing_render() {
    let run = kordon_with_path(
        &repo_root(),
        path_with_stand_in_helm(),
        &["scan", "testdata/helm", "--format", "json"],
        None,
    );
    assert_eq!(
        run.code, 2,
        "the broken chart makes the scan incomplete: {run:?}"
    );
    let json = json(&run);
    // The default render has no privileged container; templates were never parsed as YAML
    // (they would be syntax errors), and the broken chart's stderr is in its error.
    assert_eq!(json["summary"]["objects"], 2);
    insta::assert_snapshot!(problems(&json));
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
fn a_template_named_directly_is_skipped_with_a_warning() {
    let run = kordon_with_path(
        &repo_root(),
        path_with_stand_in_helm(),
        &[
            "scan",
            "testdata/helm/app/templates/deployment.yaml",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let problems = problems(&json(&run));
    assert!(
        problems.starts_with("warning [skipped] testdata/helm/app/templates/deployment.yaml: skipped: a template of the Helm chart in"),
        "{problems}"
    );
}

#[test]
fn a_render_piped_in_keeps_its_lines_and_names_the_templates() {
    let render = std::fs::read_to_string(repo_root().join("testdata/helm/bin/app-values.out"))
        .expect("recorded render");
    // From the charts' parent directory, `# Source:` paths lead to the template files.
    let run = kordon_with_path(
        &repo_root().join("testdata/helm"),
        path_with_stand_in_helm(),
        &["scan", "-", "--format", "json"],
        Some(&render),
    );
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!("piped_render_from_chart_parent", locations(&json(&run)));
    // From elsewhere, the template is still named.
    let run = kordon_with_path(
        &repo_root(),
        path_with_stand_in_helm(),
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
        path_with_stand_in_helm(),
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
