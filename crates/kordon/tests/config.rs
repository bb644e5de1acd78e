//! The configuration examples shipped to users are valid: the README's `.kordon.yaml` and the
//! starter `kordon init` writes both parse and apply to the built-in rules.

use kordon::RuleSet;
use kordon::config::{Config, STARTER_CONFIG};

fn readme_config() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README is readable");
    let section = readme
        .split("### `.kordon.yaml`")
        .nth(1)
        .expect("the README has a `.kordon.yaml` section");
    let block = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the section has a yaml example");
    block.to_string()
}

#[test]
fn the_readme_example_is_a_valid_config() {
    let text = readme_config();
    // As if the file sat at the top of this repository: the paths it names exist there.
    let top = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let config = Config::parse(".kordon.yaml", &text, top.into())
        .unwrap_or_else(|errors| panic!("README config: {errors:?}"));
    for profile in [None, Some("dev"), Some("prod")] {
        let mut rules = RuleSet::builtin().expect("built-in rules load");
        config
            .resolve(profile)
            .expect("profile exists")
            .apply_rules(&mut rules)
            .unwrap_or_else(|errors| panic!("README config, profile {profile:?}: {errors:?}"));
        assert!(rules.get("privileged-container").is_some());
        assert!(rules.get("duplicate-key").is_none());
    }
}

#[test]
fn the_starter_config_applies_to_every_profile() {
    let config = Config::parse(".kordon.yaml", STARTER_CONFIG, ".".into())
        .unwrap_or_else(|errors| panic!("starter config: {errors:?}"));
    for profile in config.profile_names() {
        let mut rules = RuleSet::builtin().expect("built-in rules load");
        let before = rules.rules().len();
        config
            .resolve(Some(profile))
            .expect("profile exists")
            .apply_rules(&mut rules)
            .unwrap_or_else(|errors| panic!("starter, profile {profile}: {errors:?}"));
        assert_eq!(rules.rules().len(), before, "the starter keeps every rule");
    }
}

#[test]
fn embedders_silence_findings_with_a_baseline_and_comments() {
    use kordon::suppress::{Baseline, SuppressOptions};
    use kordon::{Scanner, Source, SuppressionKind};

    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n";
    let mut only_privileged = RuleSet::builtin().expect("built-in rules load");
    only_privileged.retain(|r| r.meta.id == "privileged-container");
    let plain = Scanner::builder()
        .rules(only_privileged.clone())
        .build()
        .expect("scanner builds");
    let first = plain.scan_sources(vec![Source::new("pod.yaml", pod)]);
    assert_eq!(first.findings.len(), 1);

    let baseline = Baseline::from_findings("base.json", &first.findings);
    let with_baseline = Scanner::builder()
        .rules(only_privileged)
        .suppressions(SuppressOptions {
            baseline: Some(baseline),
            ..SuppressOptions::default()
        })
        .build()
        .expect("scanner builds");
    let moved = format!("# a comment\n\n{pod}");
    let again = with_baseline.scan_sources(vec![Source::new("pod.yaml", moved)]);
    assert!(again.findings.is_empty());
    let suppressed = &again.suppressed[0];
    assert_eq!(suppressed.location.start.line, 12);
    let how = suppressed
        .suppression
        .as_ref()
        .expect("carries its suppression");
    assert_eq!(how.kind, SuppressionKind::External);
    assert_eq!(how.reason, "in baseline base.json");

    let commented = pod.replace(
        "privileged: true",
        "privileged: true # kordon:ignore[privileged-container] node debugging pod",
    );
    let report = plain.scan_sources(vec![Source::new("pod.yaml", commented)]);
    assert!(report.findings.is_empty());
    let how = report.suppressed[0]
        .suppression
        .as_ref()
        .expect("suppressed");
    assert_eq!(
        (how.kind, how.reason.as_str()),
        (SuppressionKind::InSource, "node debugging pod")
    );
}

/// A configuration applied in one call, and every error usable with `?`.
#[test]
fn a_configuration_applies_to_a_builder_in_one_call() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join(".kordon.yaml"),
        "rules:\n  enable: [privileged-container, host-network]\nexceptions:\n  - rule: host-network\n    match:\n      name: cni\n    reason: the CNI agent programs the host network\n",
    )?;
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  hostNetwork: true\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n"
        )
    };
    std::fs::write(dir.path().join("cni.yaml"), pod("cni"))?;
    std::fs::write(dir.path().join("tools.yaml"), pod("tools"))?;
    let config = Config::load(&dir.path().join(".kordon.yaml"))?;
    let scanner = kordon::Scanner::builder()
        .config(&config.resolve(None)?)?
        .build()?;
    let report = scanner.scan_paths(&[dir.path().to_path_buf()]);
    let mut found: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule_id, f.object.name.as_deref().unwrap_or("?")))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "host-network tools",
            "privileged-container cni",
            "privileged-container tools"
        ]
    );
    assert_eq!(report.suppressed.len(), 1);

    // A configuration naming a rule that does not exist: the error collection is an error.
    std::fs::write(
        dir.path().join("bad.yaml"),
        "rules:\n  enable: [no-such-rule]\n",
    )?;
    let bad = Config::load(&dir.path().join("bad.yaml"))?;
    let Err(error) = kordon::Scanner::builder().config(&bad.resolve(None)?) else {
        panic!("an unknown rule is an error");
    };
    let boxed: Box<dyn std::error::Error> = Box::new(error);
    assert!(
        boxed.to_string().starts_with("1 configuration error"),
        "{boxed}"
    );
    Ok(())
}
