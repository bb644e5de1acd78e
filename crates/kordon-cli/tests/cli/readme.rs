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
