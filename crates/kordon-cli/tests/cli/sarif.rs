//! `--format sarif` and `--format github` from the command line.

use crate::sarif_schema::valid_sarif;
use crate::support::{kordon, kordon_in, repo_root};

const SAMPLE: &str = "rules/pod-security/privileged-container/samples/disallowed.yaml";

#[test]
fn sarif_goes_to_the_output_file_with_uris_relative_to_the_working_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("kordon.sarif");
    let out_arg = out.to_string_lossy().into_owned();
    let run = kordon(&["scan", SAMPLE, "--format", "sarif", "--output", &out_arg]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.is_empty(),
        "the report went to the file: {run:?}"
    );
    let text = std::fs::read_to_string(&out).expect("SARIF file written");
    let sarif = valid_sarif(&text);
    let run0 = &sarif["runs"][0];
    let result = run0["results"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["ruleId"] == "privileged-container"))
        .expect("the privileged container is reported");
    let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], SAMPLE);
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    let root = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("the root's URI is set");
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        17
    );
    assert_eq!(run0["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_reports_unreadable_input_as_a_notification_and_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("bad.yaml"), "kind: [unclosed\n").expect("written");
    let run = kordon_in(dir.path(), &["scan", "--format", "sarif"], None);
    assert_eq!(run.code, 2, "{run:?}");
    let sarif = valid_sarif(&run.stdout);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "bad.yaml"
    );
}

#[test]
fn rules_can_be_listed_as_sarif() {
    let run = kordon(&["rules", "--format", "sarif"]);
    assert_eq!(run.code, 0, "{run:?}");
    let sarif = valid_sarif(&run.stdout);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert!(rules.iter().any(
        |r| r["id"] == "privileged-container" && r["properties"]["security-severity"] == "9.5"
    ));
}

#[test]
fn the_rules_catalogue_follows_the_filters() {
    let all = valid_sarif(&kordon(&["rules", "--format", "sarif"]).stdout);
    let run = kordon(&["rules", "--severity", "critical", "--format", "sarif"]);
    assert_eq!(run.code, 0, "{run:?}");
    let critical = valid_sarif(&run.stdout);
    let count = |v: &serde_json::Value| {
        v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert!(count(&critical) > 0 && count(&critical) < count(&all));
    let rules = critical["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert!(
        rules
            .iter()
            .all(|r| r["properties"]["security-severity"] == "9.5")
    );
}

#[test]
fn github_format_prints_annotations() {
    let run = kordon(&["scan", SAMPLE, "--format", "github"]);
    assert_eq!(run.code, 1, "{run:?}");
    let privileged = run
        .stdout
        .lines()
        .find(|l| l.contains("[privileged-container%2C"))
        .unwrap_or_default();
    assert_eq!(
        privileged,
        format!(
            "::error file={SAMPLE},line=17,col=13,endLine=17,endColumn=29,title=Container runs privileged [privileged-container%2C critical]::container \"agent\" runs privileged: it has every capability and the host's devices"
        )
    );
    // Absolute paths under the working directory are shown relative to it, as GitHub wants.
    let absolute = repo_root().join(SAMPLE);
    let run = kordon(&["scan", &absolute.to_string_lossy(), "--format", "github"]);
    assert!(
        run.stdout
            .lines()
            .all(|l| !l.starts_with("::") || l.contains(&format!(" file={SAMPLE},"))),
        "{run:?}"
    );
    assert!(run.stdout.contains("::error file="), "{run:?}");
}

/// Every artifact URI of a SARIF log (results' locations and related locations).
fn artifact_uris(sarif: &serde_json::Value) -> Vec<String> {
    let mut uris = Vec::new();
    for result in sarif["runs"][0]["results"].as_array().into_iter().flatten() {
        for key in ["locations", "relatedLocations"] {
            for location in result[key].as_array().into_iter().flatten() {
                if let Some(uri) = location["physicalLocation"]["artifactLocation"]["uri"].as_str()
                {
                    uris.push(uri.to_string());
                }
            }
        }
    }
    uris
}

#[test]
fn sarif_of_a_chart_and_overlays_points_only_at_files_and_files_info_as_notes() {
    let helm = std::env::var_os("KORDON_TEST_HELM");
    let mut args = vec!["scan", "testdata/hooks", "--format", "sarif"];
    let helm_arg;
    match &helm {
        Some(path) => {
            helm_arg = path.to_string_lossy().into_owned();
            args.extend(["--helm-bin", helm_arg.as_str()]);
        }
        None => args.push("--no-render"),
    }
    let run = kordon(&args);
    assert_eq!(run.code, 1, "{run:?}");
    let sarif = valid_sarif(&run.stdout);
    // No URI names a rendered text (`… (kustomize build)`): each is a file of the repository.
    let uris = artifact_uris(&sarif);
    assert!(!uris.is_empty());
    for uri in &uris {
        assert!(
            repo_root().join(uri).is_file(),
            "{uri} is not a file of the repository"
        );
    }
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for rule in rules {
        let id = rule["id"].as_str().unwrap_or("?");
        let tags: Vec<&str> = rule["properties"]["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        for tag in &tags {
            assert!(
                tag.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}: tag {tag:?} is not a short identifier"
            );
        }
        // Every rule alike: built-in rules carry their docs in `help`, not a link.
        assert!(rule.get("helpUri").is_none(), "{id}");
        let info = rule["properties"]["severity"] == "info";
        assert_eq!(
            rule["properties"].get("security-severity").is_none(),
            info,
            "{id}"
        );
        assert_eq!(tags.contains(&"security"), !info, "{id}");
        if info {
            assert_eq!(rule["defaultConfiguration"]["level"], "note", "{id}");
        }
    }
    assert!(
        rules.iter().any(|r| r["properties"]["severity"] == "info"),
        "the scan has an info rule to check"
    );
}
