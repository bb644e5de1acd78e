use crate::support::{kordon, kordon_in};

#[test]
fn a_privileged_sample_fails_with_exit_1() {
    let run = kordon(&[
        "scan",
        "rules/pod-security/privileged-container/samples/disallowed.yaml",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn stdin_is_read_for_dash() {
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n";
    let run = kordon_in(
        &crate::support::repo_root(),
        &["scan", "-", "--format", "json"],
        Some(manifest),
    );
    assert_eq!(run.code, 0, "{run:?}");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(json["summary"]["objects"], 1);
}
