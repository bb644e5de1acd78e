//! `scan --policy`, `verify`, `export gatekeeper` and `expand`.

use crate::support::{kordon, kordon_in, repo_root};

#[test]
fn scan_with_policies_reports_inside_pod_templates() {
    let run = kordon(&[
        "scan",
        "--no-color",
        "--policy",
        "testdata/gatekeeper/policies",
        "testdata/gatekeeper/manifests/deployment.yaml",
        "testdata/gatekeeper/manifests/cronjob.yaml",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn a_broken_policy_file_exits_2_but_still_scans() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("bad.yaml"),
        "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: bad\nspec: {}\n",
    )
    .expect("write");
    let policy = dir.path().display().to_string();
    let run = kordon(&[
        "scan",
        "--no-color",
        "--policy",
        &policy,
        "testdata/gatekeeper/manifests/pod.yaml",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout
            .contains("ConstraintTemplate bad: no `spec.crd.spec.names.kind`")
    );
    assert!(
        run.stdout.contains("privileged-container"),
        "the scan went on"
    );
}

#[test]
fn verify_passes_and_fails_like_gator() {
    let ok = kordon(&["verify", "-v", "testdata/gatekeeper/suites"]);
    assert_eq!(ok.code, 0, "{ok:?}");
    insta::assert_snapshot!("verify_ok", ok.stdout);
    let bad = kordon(&["verify", "testdata/gatekeeper/failing-suite"]);
    assert_eq!(bad.code, 1, "{bad:?}");
    let root = repo_root().display().to_string();
    insta::assert_snapshot!("verify_failures", bad.stdout.replace(&root, "<repo>"));
}

#[test]
fn exported_rules_verify() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("gatekeeper");
    let out = out.display().to_string();
    let export = kordon(&["export", "gatekeeper", "--out", &out]);
    assert_eq!(export.code, 0, "{export:?}");
    let verify = kordon_in(dir.path(), &["verify", "gatekeeper"], None);
    assert_eq!(verify.code, 0, "{verify:?}");
    assert!(verify.stdout.starts_with("ok: "), "{}", verify.stdout);
}

#[test]
fn expand_prints_generated_objects() {
    let run = kordon(&[
        "expand",
        "--policy",
        "testdata/gatekeeper/policies/expansion.yaml",
        "testdata/gatekeeper/manifests/cronjob.yaml",
        "testdata/gatekeeper/manifests/webapp.yaml",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout);
    assert!(
        run.stderr
            .contains("webapp.yaml:21:1: Widget/gizmo: `spec.template` is missing")
    );
}

#[test]
fn default_namespace_decides_which_constraints_review_a_manifest_without_one() {
    let scan_in = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "--no-color",
            "--policy",
            "testdata/gatekeeper-conformance/namespace-defaulting/policy.yaml",
        ];
        args.extend_from_slice(extra);
        args.push(
            "testdata/gatekeeper-conformance/namespace-defaulting/pod-without-namespace.yaml",
        );
        kordon(&args)
            .stdout
            .contains("container <cart> uses a latest tag")
    };
    // Unset, the namespace is unknown and `namespaces: [shop]` cannot exclude it (as gator).
    assert!(scan_in(&[]));
    assert!(scan_in(&["--default-namespace", "shop"]));
    assert!(!scan_in(&["--default-namespace", "billing"]));
}
