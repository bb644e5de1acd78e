//! Snapshots of the whole rendered output — human diagnostics and JSON — for every rule's
//! disallowed sample, so a change in wording, location or layout shows up in review.

use kordon::report::{HumanOptions, render_human, render_json};
use kordon::{RuleSet, Scanner, Source};

#[test]
fn disallowed_samples_render() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let scanner = Scanner::builder()
        .rules(rules.clone())
        .build()
        .expect("scanner builds");
    let mut seen = 0;
    for rule in rules.rules() {
        let Some(text) = rule.samples.get("disallowed.yaml") else {
            continue;
        };
        seen += 1;
        let name = format!("{}/samples/disallowed.yaml", rule.id());
        // A rule that is silent by default runs its own sample with `samples/parameters.yaml`;
        // the other rules keep their defaults so they do not all fire on every sample.
        let sample_parameters = rule.sample_parameters().expect("valid parameters.yaml");
        let report = match sample_parameters {
            Some(parameters) => {
                let mut configured = rules.clone();
                configured
                    .set_parameters(rule.id(), &parameters)
                    .expect("sample parameters match the schema");
                Scanner::builder()
                    .rules(configured)
                    .build()
                    .expect("scanner builds")
                    .scan_sources(vec![Source::new(name, text.clone())])
            }
            None => scanner.scan_sources(vec![Source::new(name, text.clone())]),
        };
        let human = render_human(
            &report,
            Some(&rules),
            HumanOptions {
                color: false,
                width: Some(100),
            },
        );
        insta::assert_snapshot!(format!("{}__human", rule.id()), human);
        let json: serde_json::Value =
            serde_json::from_str(&render_json(&report)).expect("valid JSON");
        insta::assert_json_snapshot!(format!("{}__json", rule.id()), json, {".tool.version" => "[version]"});
    }
    assert!(seen > 0);
}
