//! `action.yml`: its inputs are wired to flags `kordon scan` really has, and the scan and
//! verdict steps of `scripts/action.sh` work against the built binary (`.ci/action-test` covers
//! the install step, with a local release server).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{kordon, repo_root};

/// The script the action's steps run.
fn action_script() -> String {
    std::fs::read_to_string(repo_root().join("scripts/action.sh")).expect("scripts/action.sh")
}

/// The body of one function of the action script.
fn script_function(name: &str) -> String {
    let script = action_script();
    let start = script
        .find(&format!("\n{name}() {{"))
        .unwrap_or_else(|| panic!("a function `{name}`"));
    let body = &script[start..];
    let end = body.find("\n}\n").expect("the function ends");
    body[..end].to_string()
}

fn action() -> Value {
    let text = std::fs::read_to_string(repo_root().join("action.yml")).expect("action.yml exists");
    let stream = kordon::document::parse_stream(&text, kordon::document::ParseLimits::default());
    let document = stream
        .documents
        .into_iter()
        .next()
        .expect("one document")
        .expect("action.yml is valid YAML");
    document.root.expect("not empty").to_json()
}

fn steps(action: &Value) -> &Vec<Value> {
    action["runs"]["steps"].as_array().expect("runs.steps")
}

fn step<'a>(action: &'a Value, id: &str) -> &'a Value {
    steps(action)
        .iter()
        .find(|s| s["id"] == id || s["name"] == id)
        .unwrap_or_else(|| panic!("a step `{id}`"))
}

fn long_flags(script: &str) -> BTreeSet<String> {
    let mut flags = BTreeSet::new();
    for word in script.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        let word = word.trim_matches(|c| c == '"' || c == '\'');
        if let Some(name) = word.strip_prefix("--")
            && !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            flags.insert(word.to_string());
        }
    }
    flags
}

#[test]
fn inputs_are_the_documented_ones_and_all_used() {
    let action = action();
    assert_eq!(action["runs"]["using"], "composite");
    let inputs: BTreeSet<&str> = action["inputs"]
        .as_object()
        .expect("inputs")
        .keys()
        .map(String::as_str)
        .collect();
    let expected: BTreeSet<&str> = [
        "paths",
        "config",
        "args",
        "fail-on",
        "format",
        "sarif-file",
        "category",
        "upload-sarif",
        "version",
    ]
    .into();
    assert_eq!(inputs, expected);
    assert_eq!(action["inputs"]["upload-sarif"]["default"], "true");
    let steps_text = serde_json::to_string(&action["runs"]).expect("serialisable");
    for input in inputs {
        assert!(
            steps_text.contains(&format!("inputs.{input} ")),
            "input `{input}` is not used by any step"
        );
    }
    for step in steps(&action) {
        if let Some(script) = step["run"].as_str() {
            assert!(
                !script.contains("${{"),
                "step `{}` expands an expression inside its script (use env)",
                step["name"]
            );
        }
    }
    let upload = step(&action, "Upload SARIF to code scanning");
    assert!(
        upload["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@")),
        "{upload}"
    );
    assert_eq!(upload["with"]["category"], "${{ inputs.category }}");
    // Third-party actions are pinned to a commit, not a movable tag.
    for step in steps(&action) {
        if let Some(uses) = step["uses"].as_str() {
            let pin = uses.rsplit_once('@').map(|(_, pin)| pin).unwrap_or("");
            assert!(
                pin.len() == 40 && pin.chars().all(|c| c.is_ascii_hexdigit()),
                "`{uses}` is not pinned to a commit SHA"
            );
        }
    }
    // The release workflow too.
    let release = std::fs::read_to_string(repo_root().join(".github/workflows/release.yml"))
        .expect("the release workflow");
    for line in release.lines().filter(|l| l.contains("uses:")) {
        let uses = line.split("uses:").nth(1).unwrap_or("").trim();
        let pin = uses
            .split_whitespace()
            .next()
            .and_then(|u| u.rsplit_once('@'))
            .map(|(_, pin)| pin)
            .unwrap_or("");
        assert!(
            pin.len() == 40 && pin.chars().all(|c| c.is_ascii_hexdigit()),
            "release.yml: `{uses}` is not pinned to a commit SHA"
        );
    }
}

#[test]
fn every_flag_the_scan_step_passes_exists() {
    let action = action();
    let scan = step(&action, "scan");
    assert!(
        scan["run"]
            .as_str()
            .is_some_and(|r| r.ends_with("scripts/action.sh\" scan")),
        "{scan}"
    );
    let script = script_function("scan");
    let script = script.as_str();
    let help = kordon(&["scan", "--help"]);
    assert_eq!(help.code, 0, "{help:?}");
    let flags = long_flags(script);
    assert!(
        flags.contains("--format") && flags.contains("--output") && flags.contains("--fail-on")
    );
    for flag in &flags {
        let known = help
            .stdout
            .split(|c: char| c.is_whitespace() || c == ',' || c == '=' || c == '<')
            .any(|w| w == flag);
        assert!(
            known,
            "the action passes `{flag}`, which `kordon scan --help` does not list"
        );
    }
    // The values the action relies on are accepted.
    for value in ["sarif", "github"] {
        assert!(help.stdout.contains(value), "--format {value} is missing");
    }
    let format_default = action["inputs"]["format"]["default"]
        .as_str()
        .expect("default");
    assert!(help.stdout.contains(format_default));
    let fail_on = action["inputs"]["fail-on"]["default"]
        .as_str()
        .expect("default");
    assert!(fail_on.parse::<kordon::Severity>().is_ok());
}

#[cfg(unix)]
fn run_script(script: &str, dir: &Path, env: &[(&str, String)]) -> std::process::Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_kordon"))
        .parent()
        .expect("binary's folder")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("NO_COLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("bash runs")
}

#[cfg(unix)]
#[test]
fn the_scan_step_writes_sarif_and_records_the_exit_code() {
    let script = format!(
        "bash '{}' scan",
        repo_root().join("scripts/action.sh").display()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("k8s")).expect("mkdir");
    std::fs::copy(
        repo_root().join("rules/pod-security/privileged-container/samples/disallowed.yaml"),
        dir.path().join("k8s/agent.yaml"),
    )
    .expect("sample copied");
    let outputs = dir.path().join("github-output");
    let output = run_script(
        &script,
        dir.path(),
        &[
            ("KORDON_PATHS", "k8s\n".into()),
            ("KORDON_CONFIG", String::new()),
            ("KORDON_ARGS", "--severity high".into()),
            ("KORDON_FAIL_ON", "high".into()),
            ("KORDON_FORMAT", "github".into()),
            ("KORDON_SARIF_FILE", "out/kordon.sarif".into()),
            ("GITHUB_OUTPUT", outputs.to_string_lossy().into_owned()),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(
        stdout.contains("::error file=k8s/agent.yaml,line=17,col=13"),
        "{stdout}"
    );
    let recorded = std::fs::read_to_string(&outputs).expect("outputs written");
    assert!(recorded.contains("exit-code=1\n"), "{recorded}");
    assert!(recorded.contains("sarif-written=true\n"), "{recorded}");
    let sarif = std::fs::read_to_string(dir.path().join("out/kordon.sarif")).expect("SARIF");
    let sarif = crate::sarif_schema::valid_sarif(&sarif);
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "k8s/agent.yaml"
    );
}

#[cfg(unix)]
#[test]
fn the_verdict_step_follows_fail_on_and_the_exit_code() {
    let script = format!(
        "bash '{}' verdict",
        repo_root().join("scripts/action.sh").display()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    for (code, fail_on, expected) in [
        ("0", "low", 0),
        ("1", "low", 1),
        ("1", "none", 0),
        ("2", "none", 2),
        ("", "low", 2),
    ] {
        let output = run_script(
            &script,
            dir.path(),
            &[
                ("KORDON_EXIT_CODE", code.into()),
                ("KORDON_FAIL_ON", fail_on.into()),
            ],
        );
        assert_eq!(
            output.status.code(),
            Some(expected),
            "exit code {code:?}, fail-on {fail_on}: {output:?}"
        );
    }
}
