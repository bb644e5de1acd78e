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

/// Kubelet systemd units are found while walking and judged on the command line they start:
/// variables from `Environment=` expanded and located where they are written, a `--config` or a
/// variable from an unseen EnvironmentFile keeping unset flags out of judgement, and no fix
/// offered for unit files.
#[test]
fn kubelet_units_are_judged_on_their_command_line() {
    let run = kordon(&["scan", "testdata/kubelet-units", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let json = crate::support::json(&run);
    let mut findings: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{} fix={} {}",
                f["rule"].as_str().unwrap_or_default(),
                f["file"].as_str().unwrap_or_default(),
                f["start"]["line"],
                f["start"]["column"],
                !f["fix"].is_null(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect();
    findings.sort();
    insta::assert_snapshot!(findings.join("\n"));
}
