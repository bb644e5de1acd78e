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
    let config = Config::parse(".kordon.yaml", &text, ".".into())
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
