//! `kordon rules`: listing with filters, JSON metadata, and `rules show`.

use crate::support::kordon;

#[test]
fn filters_combine() {
    let run = kordon(&[
        "rules",
        "--framework",
        "pss-baseline",
        "--severity",
        "critical",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn restricted_level_includes_baseline_rules() {
    let baseline = kordon(&["rules", "--framework", "pss-baseline", "--format", "json"]);
    let restricted = kordon(&["rules", "--framework", "pss-restricted", "--format", "json"]);
    let ids = |text: &str| -> Vec<String> {
        let list: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
        list.as_array()
            .expect("an array")
            .iter()
            .map(|rule| rule["id"].as_str().expect("an id").to_string())
            .collect()
    };
    let baseline = ids(&baseline.stdout);
    let restricted = ids(&restricted.stdout);
    assert!(baseline.contains(&"host-path-volume".to_string()));
    assert!(restricted.contains(&"run-as-non-root-missing".to_string()));
    assert!(!baseline.contains(&"run-as-non-root-missing".to_string()));
    for id in &baseline {
        assert!(restricted.contains(id), "{id} missing from pss-restricted");
    }
}

#[test]
fn json_is_one_object_per_rule_with_metadata() {
    let run = kordon(&["rules", "--category", "images", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let list: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let rules = list.as_array().expect("an array");
    assert!(rules.len() >= 4, "{rules:?}");
    for rule in rules {
        assert_eq!(rule["category"], "images");
        for field in [
            "id",
            "title",
            "severity",
            "kinds",
            "frameworks",
            "fix",
            "docs",
        ] {
            assert!(rule.get(field).is_some(), "{field} missing in {rule}");
        }
    }
    let registry = rules
        .iter()
        .find(|r| r["id"] == "untrusted-registry")
        .expect("untrusted-registry is listed");
    assert_eq!(
        registry["parameters"]["properties"]["allowedRegistries"]["default"],
        serde_json::json!([])
    );
}

#[test]
fn show_prints_the_documentation() {
    let run = kordon(&["rules", "show", "host-path-volume"]);
    assert_eq!(run.code, 0, "{run:?}");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn show_json_is_the_metadata() {
    let run = kordon(&[
        "rules",
        "show",
        "privilege-escalation-allowed",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let meta: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(meta["fix"]["applicability"], "safe");
    assert_eq!(meta["frameworks"]["pss"], "restricted");
}

#[test]
fn unknown_rule_and_category_are_usage_errors() {
    let run = kordon(&["rules", "show", "host"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("did you mean"), "{}", run.stderr);
    let run = kordon(&["rules", "--category", "pods"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("unknown category `pods`"),
        "{}",
        run.stderr
    );
    let run = kordon(&["rules", "--framework", "iso"]);
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn a_rule_folder_without_metadata_fails_the_scan_naming_it() {
    let run = crate::support::kordon_in(
        &crate::support::repo_root(),
        &[
            "scan",
            "--rules",
            "testdata/broken-rule-dirs",
            "testdata/partial/app",
            "--format",
            "short",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!(run.stderr);
}
