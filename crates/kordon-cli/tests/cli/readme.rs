//! The README documents every flag: a flag added to a command without a line in the README fails
//! here.

use crate::support::{kordon, repo_root};

const COMMANDS: &[&[&str]] = &[
    &["scan"],
    &["rules"],
    &["report"],
    &["baseline", "write"],
    &["init"],
    &["verify"],
    &["export", "gatekeeper"],
    &["expand"],
];

#[test]
fn every_flag_of_every_command_is_in_the_readme() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let mut missing = Vec::new();
    for command in COMMANDS {
        let mut args: Vec<&str> = command.to_vec();
        args.push("--help");
        let run = kordon(&args);
        assert_eq!(run.code, 0, "{run:?}");
        for word in run.stdout.split_whitespace() {
            let flag = word.trim_end_matches(',');
            let is_flag = flag.starts_with("--")
                && flag.len() > 2
                && flag[2..]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-');
            if is_flag
                && flag != "--help"
                && !readme.contains(&format!("`{flag}"))
                && !readme.contains(&format!(", {flag}"))
            {
                missing.push(format!("{} {flag}", command.join(" ")));
            }
        }
    }
    missing.dedup();
    assert!(
        missing.is_empty(),
        "flags missing from README.md: {missing:?}"
    );
}

/// The README's first command is a short, clean demonstration: the example's two most severe
/// findings, no errors, and a summary saying what was left out.
#[test]
fn the_first_command_of_the_readme_is_a_short_demonstration() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let first = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- "))
        .expect("a first command");
    let args: Vec<&str> = first
        .trim_start_matches("cargo run --release -- ")
        .split_whitespace()
        .collect();
    assert_eq!(args, ["scan", "examples/shop", "--severity", "high"]);
    let run = kordon(&args);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.lines().count() < 40, "{}", run.stdout);
    insta::assert_snapshot!("first_command", run.stdout);
}
