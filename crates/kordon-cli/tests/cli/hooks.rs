//! The pre-commit hooks' scans (`scan --partial --context . FILES` and `scan --staged --context
//! .`) on a repository with a chart and a kustomize base built by two overlays: a changed
//! template, values file or patch is scanned as part of its render, each render once, and only
//! the findings located in the changed files are reported.

use std::path::{Path, PathBuf};

use crate::support::{ONLY_PRIVILEGED, finding_lines, git, json, kordon_in, repo_root, write};

/// The real helm (`KORDON_TEST_HELM`, else `helm` on PATH), or `None` to skip.
fn real_helm() -> Option<PathBuf> {
    let found = std::env::var_os("KORDON_TEST_HELM")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("PATH").and_then(|path| {
                std::env::split_paths(&path)
                    .filter(|d| !d.ends_with("testdata/helm/bin"))
                    .map(|d| d.join("helm"))
                    .find(|p| p.is_file())
            })
        });
    if found.is_none() {
        assert!(
            std::env::var_os("KORDON_REQUIRE_HELM").is_none(),
            "KORDON_REQUIRE_HELM is set but there is no helm: set KORDON_TEST_HELM"
        );
        eprintln!("skipped: no helm (set KORDON_TEST_HELM or put helm on PATH)");
    }
    found
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// `testdata/hooks` committed in a fresh repository that runs only `privileged-container`.
fn shop_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_tree(&repo_root().join("testdata/hooks"), dir.path());
    write(dir.path(), ".kordon.yaml", ONLY_PRIVILEGED);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "--no-verify", "-m", "shop"]);
    dir
}

fn append(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    let mut content = std::fs::read_to_string(&path).expect("read file");
    content.push_str(text);
    std::fs::write(path, content).expect("write file");
}

/// Runs both hooks' scans on the staged `files` and checks they agree; returns the JSON report.
fn both_hooks(dir: &Path, helm: &Path, files: &[&str]) -> serde_json::Value {
    let helm = helm.to_str().expect("helm path is UTF-8");
    let mut listed = vec![
        "scan",
        "--partial",
        "--context",
        ".",
        "--helm-bin",
        helm,
        "-f",
        "json",
    ];
    listed.extend(files);
    let listed = kordon_in(dir, &listed, None);
    let mut staged = vec![
        "scan",
        "--staged",
        "--context",
        ".",
        "--helm-bin",
        helm,
        "-f",
        "json",
    ];
    staged.extend(files);
    let staged = kordon_in(dir, &staged, None);
    assert_eq!(listed.code, staged.code, "{listed:?}\n{staged:?}");
    let (listed, staged) = (json(&listed), json(&staged));
    assert_eq!(
        finding_lines(&listed, "findings"),
        finding_lines(&staged, "findings")
    );
    assert_eq!(listed["problems"], serde_json::json!([]), "{listed:#}");
    assert_eq!(staged["problems"], serde_json::json!([]), "{staged:#}");
    listed
}

#[test]
fn a_commit_across_a_chart_and_overlays_reports_each_problem_once_at_the_changed_files() {
    let Some(helm) = real_helm() else { return };
    let repo = shop_repository();
    let dir = repo.path();
    // The values turn a chart container privileged; a base file and the prod patch change.
    let values = std::fs::read_to_string(dir.join("chart/values.yaml")).expect("values");
    write(
        dir,
        "chart/values.yaml",
        &values.replace("privileged: false", "privileged: true"),
    );
    append(
        dir,
        "deploy/base/orders.yaml",
        "# owned by the orders team\n",
    );
    append(
        dir,
        "deploy/overlays/prod/payments-debug.yaml",
        "# for the incident\n",
    );
    let changed = [
        "chart/values.yaml",
        "deploy/base/orders.yaml",
        "deploy/overlays/prod/payments-debug.yaml",
    ];
    git(dir, &["add", "-A"]);
    let report = both_hooks(dir, &helm, &changed);
    // The values feed the whole chart: both of its templates' findings belong to the change, and
    // the one whose template copies `frontend.privileged` through lands on that values key.
    // The base is built by two overlays and reported once; the unchanged plain Job is not.
    assert_eq!(
        finding_lines(&report, "findings"),
        [
            "privileged-container chart/templates/toolbox.yaml:10",
            "privileged-container chart/values.yaml:3",
            "privileged-container deploy/base/orders.yaml:18",
            "privileged-container deploy/overlays/prod/payments-debug.yaml:11",
        ]
    );
    let orders = &report["findings"][2]["related"];
    let builds: Vec<&str> = orders
        .as_array()
        .expect("related locations")
        .iter()
        .filter_map(|r| r["file"].as_str())
        .filter(|f| f.ends_with("(kustomize build)"))
        .collect();
    assert_eq!(
        builds,
        [
            "deploy/overlays/dev (kustomize build)",
            "deploy/overlays/prod (kustomize build)"
        ]
    );
    git(dir, &["commit", "-q", "--no-verify", "-m", "change"]);

    // One template changes: only its findings, though the other template has one too.
    append(dir, "chart/templates/toolbox.yaml", "# debugging aid\n");
    git(dir, &["add", "-A"]);
    let report = both_hooks(dir, &helm, &["chart/templates/toolbox.yaml"]);
    assert_eq!(
        finding_lines(&report, "findings"),
        ["privileged-container chart/templates/toolbox.yaml:10"]
    );
    assert_eq!(report["suppressed"].as_array().map(Vec::len), Some(1));
    git(dir, &["commit", "-q", "--no-verify", "-m", "toolbox"]);

    // The prod kustomization file changes: every object that overlay builds belongs to it.
    append(
        dir,
        "deploy/overlays/prod/kustomization.yaml",
        "# reviewed\n",
    );
    git(dir, &["add", "-A"]);
    let report = both_hooks(dir, &helm, &["deploy/overlays/prod/kustomization.yaml"]);
    assert_eq!(
        finding_lines(&report, "findings"),
        [
            "privileged-container deploy/base/orders.yaml:18",
            "privileged-container deploy/overlays/prod/payments-debug.yaml:11",
        ]
    );
}

#[test]
fn a_plain_file_beside_renders_is_scanned_alone() {
    let repo = shop_repository();
    let dir = repo.path();
    append(dir, "plain/migrate.yaml", "# one-off\n");
    git(dir, &["add", "-A"]);
    for args in [
        &[
            "scan",
            "--partial",
            "--context",
            ".",
            "-f",
            "json",
            "plain/migrate.yaml",
        ][..],
        &[
            "scan",
            "--staged",
            "--context",
            ".",
            "-f",
            "json",
            "plain/migrate.yaml",
        ][..],
    ] {
        let run = kordon_in(dir, args, None);
        assert_eq!(run.code, 1, "{run:?}");
        let report = json(&run);
        assert_eq!(
            finding_lines(&report, "findings"),
            ["privileged-container plain/migrate.yaml:13"]
        );
    }
}

const MIXED: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: tools
spec:
  containers:
    - name: \"shell\\x1b[31m\"
      image: busybox:1.36
      securityContext:
        privileged: true
";

#[test]
fn short_format_puts_what_blocks_first_and_the_rest_on_standard_error() {
    let dir = crate::support::tree(&[("pod.yaml", MIXED)]);
    let run = kordon_in(
        dir.path(),
        &[
            "scan",
            "-f",
            "short",
            "--fail-on",
            "high",
            "--severity",
            "medium",
            "pod.yaml",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!("short_stdout", run.stdout);
    insta::assert_snapshot!("short_stderr", run.stderr);
}

#[test]
fn severity_hides_from_the_display_not_from_the_gate() {
    // Configured: only critical findings are shown, but a high one still fails the run.
    let dir = crate::support::tree(&[
        ("pod.yaml", MIXED),
        (".kordon.yaml", "fail-on: high\nseverity: critical\n"),
    ]);
    let run = kordon_in(dir.path(), &["scan", "-f", "json", "pod.yaml"], None);
    assert_eq!(run.code, 1, "{run:?}");
    let report = json(&run);
    assert_eq!(
        finding_lines(&report, "findings"),
        ["privileged-container pod.yaml:10"]
    );
    // The flag wins over the configuration; what is hidden is counted after the summary.
    let run = kordon_in(
        dir.path(),
        &["scan", "--severity", "high", "pod.yaml"],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    let tail: Vec<&str> = run.stdout.lines().rev().take(2).collect();
    assert!(
        tail[0].ends_with("below high not shown: --severity info shows them"),
        "{run:?}"
    );
    // Nothing shown, but the hidden critical finding still fails the run.
    let run = kordon_in(
        dir.path(),
        &[
            "scan",
            "-f",
            "short",
            "--severity",
            "critical",
            "--fail-on",
            "info",
            "-",
        ],
        Some("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"),
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{run:?}");
}

#[test]
fn a_changed_library_chart_renders_the_charts_that_use_it() {
    let Some(helm) = real_helm() else { return };
    let repo = tempfile::tempdir().expect("temporary folder");
    let dir = repo.path();
    copy_tree(&repo_root().join("testdata/hooks-library"), dir);
    write(dir, ".kordon.yaml", ONLY_PRIVILEGED);
    let built = std::process::Command::new(&helm)
        .args(["dependency", "build", "web"])
        .current_dir(dir)
        .output()
        .expect("helm runs");
    assert!(built.status.success(), "{built:?}");
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--no-verify", "-m", "charts"]);

    // Only a helper of the library changes; `web` deploys it, so `web` is what is rendered, and
    // the library is not rendered on its own (helm refuses a library chart).
    append(
        dir,
        "common/templates/_containers.tpl",
        "{{/* shared */}}\n",
    );
    git(dir, &["add", "-A"]);
    let report = both_hooks(dir, &helm, &["common/templates/_containers.tpl"]);
    let findings = finding_lines(&report, "findings");
    assert_eq!(findings.len(), 1, "{report:#}");
    assert!(
        findings[0].starts_with("privileged-container "),
        "{findings:?}"
    );
}
