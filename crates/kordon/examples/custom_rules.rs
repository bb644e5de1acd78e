//! Scan a directory with your own Rego rules (and no built-in ones).
//!
//! `cargo run -p kordon --example custom_rules -- [DIR]` — the rules are in
//! `examples/custom-rules/`, written in the same Gatekeeper contract as the built-in corpus.

use std::path::{Path, PathBuf};

use kordon::{RuleSet, Scanner};

fn main() {
    let target = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/custom-rules");

    let mut rules = RuleSet::empty();
    if let Err(errors) = rules.add_dir(&rules_dir) {
        for error in errors {
            eprintln!("{error}");
        }
        std::process::exit(2);
    }
    let scanner = match Scanner::builder().rules(rules).build() {
        Ok(scanner) => scanner,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(2);
        }
    };
    let report = scanner.scan_paths(&[target]);
    for finding in &report.findings {
        println!(
            "{}:{}:{}: [{}] {}",
            finding.location.file,
            finding.location.start.line,
            finding.location.start.column,
            finding.rule_id,
            finding.message
        );
    }
    for problem in &report.problems {
        eprintln!("{:?}: {}", problem.file, problem.message);
    }
    println!("{}", kordon::report::summary_line(&report));
}
