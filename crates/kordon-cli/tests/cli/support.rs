//! Running the built `kordon` binary in tests.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    #[allow(dead_code)] // read by some test modules only
    pub stderr: String,
}

/// The render cache of the binaries these tests run: their own, so a test never reads a render
/// cached by the user's scans (or by an earlier test run with other fixtures).
pub fn test_cache_home() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("xdg-cache-{}", std::process::id()))
}

/// The repository root (where `testdata/` and `rules/` are).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `kordon` with `args` in `dir`, feeding `stdin`.
pub fn kordon_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    kordon_with_env(dir, Vec::new(), args, stdin)
}

/// Runs `kordon` with `args` in `dir` with these environment variables set, feeding `stdin`.
pub fn kordon_with_env(
    dir: &Path,
    env: Vec<(&str, std::ffi::OsString)>,
    args: &[&str],
    stdin: Option<&str>,
) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kordon"))
        .args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", test_cache_home())
        .envs(env)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kordon starts");
    {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes())
                .expect("stdin accepts input");
        }
    }
    let output = child.wait_with_output().expect("kordon finishes");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `kordon` with `args` from the repository root.
pub fn kordon(args: &[&str]) -> Run {
    kordon_in(&repo_root(), args, None)
}

/// A temporary directory holding `files` (`path`, `content`).
#[allow(dead_code)] // used by some test modules only
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (path, content) in files {
        write(dir.path(), path, content);
    }
    dir
}

/// Writes `content` to `dir/path`, creating folders.
#[allow(dead_code)] // used by some test modules only
pub fn write(dir: &Path, path: &str, content: &str) {
    let full = dir.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).expect("folder is created");
    }
    std::fs::write(full, content).expect("file is written");
}

/// Runs `git` in `dir`, failing the test if it fails.
#[allow(dead_code)] // used by some test modules only
pub fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "user.name=t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The run's standard output as JSON (a panic shows the run when it is not).
pub fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"))
}

/// Findings of a JSON report as `rule file:line` strings.
#[allow(dead_code)] // used by some test modules only
pub fn finding_lines(json: &serde_json::Value, key: &str) -> Vec<String> {
    json[key]
        .as_array()
        .expect("an array of findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule"].as_str().unwrap_or("?"),
                f["file"].as_str().unwrap_or("?"),
                f["start"]["line"]
            )
        })
        .collect()
}

/// A configuration that runs only `privileged-container`, so tests of suppressions and git
/// scoping see one rule's findings whatever the corpus grows to.
#[allow(dead_code)] // used by some test modules only
pub const ONLY_PRIVILEGED: &str = "rules:\n  enable: [privileged-container]\n";
