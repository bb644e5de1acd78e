//! Inventory scopes: cross-object rules judge an object only by what is applied with it (each
//! render alone, plain files per project), never by a same-named object of another project or
//! of another overlay of the same base.

use std::path::{Path, PathBuf};

use kordon::{RenderOptions, ScanReport, Scanner};

fn testdata() -> PathBuf {
    std::fs::canonicalize(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/scopes"))
        .expect("fixture exists")
}

const INVENTORY_RULES: [&str; 3] = [
    "namespace-without-network-policy",
    "workload-exposed-outside-cluster",
    "workload-not-isolated-by-network-policy",
];

/// The findings of the cross-object rules with their related locations, paths shown relative
/// to `base`.
fn cross_object_findings(report: &ScanReport, base: &Path) -> String {
    let base = base.display().to_string();
    let shown = |file: &str| file.replace(&format!("{base}/"), "");
    let mut out = String::new();
    for finding in &report.findings {
        if !INVENTORY_RULES.contains(&finding.rule_id.as_str()) {
            continue;
        }
        out.push_str(&format!(
            "{}:{} [{}] {}\n",
            shown(&finding.location.file),
            finding.location.start.line,
            finding.rule_id,
            finding.message
        ));
        for related in &finding.related {
            out.push_str(&format!(
                "    {}:{} {}\n",
                shown(&related.location.file),
                related.location.start.line,
                related.message
            ));
        }
    }
    // Messages name paths too (`kubectl kustomize DIR`).
    out.replace(&format!("{base}/"), "")
}

fn scan(paths: &[PathBuf]) -> ScanReport {
    let scanner = Scanner::builder()
        .render(RenderOptions::default())
        .build()
        .expect("scanner builds");
    let report = scanner.scan_paths(paths);
    assert!(!report.has_errors(), "{:?}", report.problems);
    report
}

#[test]
fn two_projects_scanned_together_do_not_judge_each_other() {
    let report = scan(&[testdata().join("repos")]);
    insta::assert_snapshot!(cross_object_findings(&report, &testdata()));
}

#[test]
fn two_overlays_of_one_base_do_not_see_each_other() {
    let report = scan(&[testdata().join("overlays")]);
    insta::assert_snapshot!(cross_object_findings(&report, &testdata()));
}

#[test]
fn each_directory_argument_without_a_marker_is_a_project() {
    // Outside any repository: a copy of both projects without their markers, named as two
    // paths, is two projects; named as their parent, one.
    let dir = tempfile::tempdir().expect("temp dir");
    for project in ["alpha", "beta"] {
        let from = testdata().join("repos").join(project);
        let to = dir.path().join(project);
        std::fs::create_dir(&to).expect("mkdir");
        for entry in std::fs::read_dir(&from).expect("fixture lists") {
            let path = entry.expect("entry").path();
            let name = path.file_name().expect("a file name");
            if !name.to_string_lossy().starts_with('.') {
                std::fs::copy(&path, to.join(name)).expect("copy");
            }
        }
    }
    if dir.path().ancestors().any(|d| d.join(".git").exists()) {
        // The temporary directory sits inside a repository: that repository is the project.
        return;
    }
    let base = std::fs::canonicalize(dir.path()).expect("canonical");
    let apart = scan(&[base.join("alpha"), base.join("beta")]);
    let together = scan(std::slice::from_ref(&base));
    insta::assert_snapshot!(format!(
        "two paths:\n{}one path:\n{}",
        cross_object_findings(&apart, &base),
        cross_object_findings(&together, &base)
    ));
}

#[test]
fn a_project_of_samples_that_define_one_object_twice_is_split_by_directory() {
    let report = scan(&[testdata().join("samples")]);
    insta::assert_snapshot!(cross_object_findings(&report, &testdata()));
}
