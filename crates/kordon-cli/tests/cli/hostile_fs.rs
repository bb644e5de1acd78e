//! Hostile pull requests on the file-system side: what a scanned tree cannot make kordon read,
//! write, block on or connect to, and output that does not depend on the order of the paths.
//! Symbolic links, FIFOs, hard links and read-only files are made here; the rest of the inputs
//! are in `testdata/hostile-fs/`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Run, json, kordon_in, repo_root, tree, write};

const SECRET: &str = "\
apiVersion: v1
kind: Secret
metadata:
  name: from-home
stringData:
  token: hunter2-outside-the-tree
";

const PRIVILEGED_POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0
      securityContext:
        privileged: true
";

/// Runs kordon in `dir`, failing the test (instead of hanging it) when the run takes longer
/// than `limit`.
fn kordon_within(dir: &Path, args: &[&str], limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kordon"))
        .args(args)
        .current_dir(dir)
        // Renders cached by these runs must not land in the user's own cache.
        .env("XDG_CACHE_HOME", crate::support::test_cache_home())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kordon starts");
    let started = Instant::now();
    while child.try_wait().expect("waitable").is_none() {
        if started.elapsed() > limit {
            child.kill().expect("killable");
            panic!("kordon {args:?} still ran after {limit:?}: it blocked");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("kordon finishes");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The problems of a JSON report as `level kind file: message` lines, with `dir` written as
/// `[TMP]`.
fn problem_lines(run: &Run, dir: &Path) -> Vec<String> {
    let real = std::fs::canonicalize(dir).expect("resolvable");
    json(run)["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            format!(
                "{} {} {}: {}",
                p["level"].as_str().unwrap_or("?"),
                p["kind"].as_str().unwrap_or("?"),
                p["file"].as_str().unwrap_or("-"),
                p["message"].as_str().unwrap_or("?")
            )
            .replace(&real.display().to_string(), "[TMP]")
        })
        .collect()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// `home/secret.yaml` outside the scanned `repo/`, which links to it as a file and as a folder,
/// next to a link that stays inside the repository.
fn repository_with_links_out() -> tempfile::TempDir {
    let dir = tree(&[
        ("home/secret.yaml", SECRET),
        ("home/more/secret.yaml", SECRET),
        ("repo/deploy/pod.yaml", PRIVILEGED_POD),
    ]);
    let repo = dir.path().join("repo");
    std::os::unix::fs::symlink("../home/secret.yaml", repo.join("secret.yaml")).expect("link");
    std::os::unix::fs::symlink("../home/more", repo.join("more")).expect("link");
    std::os::unix::fs::symlink("deploy/pod.yaml", repo.join("same-pod.yaml")).expect("link");
    dir
}

#[test]
fn links_out_of_the_scanned_tree_are_not_read() {
    let dir = repository_with_links_out();
    let run = kordon_in(dir.path(), &["scan", "repo", "-f", "json"], None);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!run.stdout.contains("hunter2"), "{}", run.stdout);
    insta::assert_debug_snapshot!(problem_lines(&run, dir.path()));
    // The link that stays inside is read like any file.
    let report = json(&run);
    let files: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "privileged-container")
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert_eq!(files, ["repo/deploy/pod.yaml", "repo/same-pod.yaml"]);
    // The human output neither shows the secret nor fails on the skipped links.
    let human = kordon_in(dir.path(), &["scan", "repo", "--no-color"], None);
    assert_eq!(human.code, 1, "{human:?}");
    assert!(!human.stdout.contains("hunter2"));
    assert!(
        human
            .stdout
            .contains("repo/secret.yaml: skipped: symbolic link to")
    );
}

#[test]
fn a_link_named_on_the_command_line_is_the_users_choice() {
    let dir = repository_with_links_out();
    let run = kordon_in(
        dir.path(),
        &["scan", "repo/secret.yaml", "-f", "json"],
        None,
    );
    assert_eq!(json(&run)["summary"]["objects"], 1, "{run:?}");
    assert!(problem_lines(&run, dir.path()).is_empty());
}

/// A repository (it has a `.git`) whose configuration names paths outside it.
fn repository_with_config(config: &str) -> tempfile::TempDir {
    let dir = tree(&[
        ("home/secret.yaml", SECRET),
        ("repo/.git/HEAD", "ref: refs/heads/main\n"),
        ("repo/pod.yaml", PRIVILEGED_POD),
        ("repo/policies/.keep", ""),
        ("repo/sub/.kordon.yaml", config),
        ("repo/.kordon.yaml", config),
    ]);
    std::os::unix::fs::symlink("../home", dir.path().join("repo/home-link")).expect("link");
    dir
}

#[test]
fn configured_paths_may_not_leave_the_repository() {
    let config = "context: [/, ../home, home-link/secret.yaml, .]\nrule-dirs: [../../../../../../../../etc]\npolicies: [policies]\n";
    let dir = repository_with_config(config);
    let run = kordon_in(&dir.path().join("repo"), &["scan", "pod.yaml"], None);
    assert_eq!(run.code, 2, "{run:?}");
    let real = std::fs::canonicalize(dir.path())
        .expect("resolvable")
        .display()
        .to_string();
    let errors: Vec<String> = run
        .stderr
        .lines()
        .filter(|l| l.contains("points outside the repository"))
        .map(|l| l.replace(&real, "[TMP]").trim().to_string())
        .collect();
    insta::assert_debug_snapshot!(errors);
    assert!(
        run.stderr.contains("4 configuration errors"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_configuration_in_a_subfolder_may_name_the_rest_of_its_repository() {
    let dir = repository_with_config("context: [.., ../policies]\n");
    let run = kordon_in(
        &dir.path().join("repo"),
        &[
            "scan",
            "pod.yaml",
            "--config",
            "sub/.kordon.yaml",
            "-f",
            "json",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
}

#[test]
fn a_fifo_named_on_the_command_line_does_not_block() {
    let dir = tempfile::tempdir().expect("temp dir");
    mkfifo(&dir.path().join("pipe.yaml"));
    let run = kordon_within(
        dir.path(),
        &["scan", "pipe.yaml", "-f", "json"],
        Duration::from_secs(60),
    );
    // Nothing writes to it: it is read as empty, at once.
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(json(&run)["summary"]["files"], 1);
}

#[test]
fn a_fifo_found_while_walking_is_skipped_with_a_warning() {
    let dir = tree(&[("repo/pod.yaml", PRIVILEGED_POD)]);
    mkfifo(&dir.path().join("repo/pipe.yaml"));
    let run = kordon_within(
        dir.path(),
        &["scan", "repo", "-f", "json"],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        problem_lines(&run, dir.path()),
        [
            "warning skipped repo/pipe.yaml: skipped: a FIFO (named pipe), not a regular file; only files are read"
        ]
    );
}

#[test]
fn a_device_is_refused_not_read_until_memory_runs_out() {
    let run = kordon_within(
        &repo_root(),
        &["scan", "/dev/zero", "--max-file-size", "1024", "-f", "json"],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        problem_lines(&run, &repo_root()),
        ["error io /dev/zero: not read: a device, not a regular file"]
    );
}

/// `kordon scan ARGS...` in the repository root, as JSON and as SARIF.
fn scan_outputs(paths: &[&str]) -> (String, String) {
    let formats = ["json", "sarif"].map(|format| {
        let mut args = vec!["scan"];
        args.extend(paths);
        args.extend(["-f", format]);
        let run = kordon_in(&repo_root(), &args, None);
        assert_eq!(run.code, 1, "{run:?}");
        run.stdout
    });
    let [json, sarif] = formats;
    (json, sarif)
}

#[test]
fn the_output_does_not_depend_on_the_order_of_the_paths() {
    let a = "testdata/hostile-fs/order/a";
    let b = "testdata/hostile-fs/order/b";
    let (json_ab, sarif_ab) = scan_outputs(&[a, b]);
    let (json_ba, sarif_ba) = scan_outputs(&[b, a]);
    assert!(json_ab == json_ba, "JSON differs with the paths swapped");
    assert!(sarif_ab == sarif_ba, "SARIF differs with the paths swapped");
    // a/ and b/ define one ServiceAccount twice, so the project is split into the two folders
    // (README, inventory scopes): a/'s Deployment is judged by a/'s ServiceAccount, which turns the token
    // off, whichever path comes first.
    let report: serde_json::Value = serde_json::from_str(&json_ab).expect("JSON");
    let automount: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "pod-service-account-token-automount")
        .filter_map(|f| f["object"]["name"].as_str())
        .collect();
    assert!(automount.is_empty(), "{automount:?}");
}

/// Runs `kordon scan --fix` on `file` in `dir` and returns the run.
fn fix(dir: &Path, file: &str, unsafe_fixes: bool) -> Run {
    let mut args = vec!["scan", "--fix", file, "-f", "json", "--fail-on", "critical"];
    if unsafe_fixes {
        args.push("--unsafe-fixes");
    }
    kordon_in(dir, &args, None)
}

#[test]
fn one_fix_run_reaches_the_fixed_point() {
    let stacked =
        std::fs::read_to_string(repo_root().join("testdata/hostile-fs/stacked-fixes.yaml"))
            .expect("fixture");
    let dir = tree(&[("pod.yaml", &stacked)]);
    let first = fix(dir.path(), "pod.yaml", true);
    assert_eq!(first.code, 0, "{first:?}");
    assert!(
        !first.stderr.contains("not fixed"),
        "a fix was left for a second run: {}",
        first.stderr
    );
    let after_first = std::fs::read(dir.path().join("pod.yaml")).expect("readable");
    insta::assert_snapshot!(String::from_utf8_lossy(&after_first));
    let second = fix(dir.path(), "pod.yaml", true);
    assert_eq!(second.code, 0, "{second:?}");
    assert!(
        second.stderr.contains("fixed 0 findings in 0 files"),
        "{}",
        second.stderr
    );
    let after_second = std::fs::read(dir.path().join("pod.yaml")).expect("readable");
    assert!(
        after_first == after_second,
        "the second --fix run changed the file"
    );
}

/// The error lines of a run's JSON report, with `dir` written as `[TMP]`.
fn errors(run: &Run, dir: &Path) -> Vec<String> {
    problem_lines(run, dir)
        .into_iter()
        .filter(|l| l.starts_with("error"))
        .collect()
}

#[test]
fn fix_does_not_write_through_links_or_outside_the_scan() {
    let dir = tree(&[
        ("home/pod.yaml", PRIVILEGED_POD),
        ("repo/inside.yaml", PRIVILEGED_POD),
    ]);
    let repo = dir.path().join("repo");
    std::os::unix::fs::symlink("../home/pod.yaml", repo.join("outside.yaml")).expect("link");
    std::os::unix::fs::symlink("inside.yaml", repo.join("alias.yaml")).expect("link");
    // Named directly, so read; but --fix writes through no link, inside or out.
    for link in ["outside.yaml", "alias.yaml"] {
        let run = fix(&repo, link, false);
        assert_eq!(run.code, 2, "{run:?}");
        insta::assert_debug_snapshot!(link, errors(&run, dir.path()));
    }
    assert_eq!(read(&dir.path().join("home/pod.yaml")), PRIVILEGED_POD);
    assert_eq!(read(&repo.join("inside.yaml")), PRIVILEGED_POD);
    assert!(std::fs::symlink_metadata(repo.join("outside.yaml")).is_ok_and(|m| m.is_symlink()));
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("readable")
}

#[test]
fn fix_refuses_read_only_and_hard_linked_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[
        ("read-only.yaml", PRIVILEGED_POD),
        ("linked.yaml", PRIVILEGED_POD),
    ]);
    let read_only = dir.path().join("read-only.yaml");
    std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    std::fs::hard_link(
        dir.path().join("linked.yaml"),
        dir.path().join("other-name.yaml"),
    )
    .expect("hard link");
    for file in ["read-only.yaml", "linked.yaml"] {
        let run = fix(dir.path(), file, false);
        assert_eq!(run.code, 2, "{run:?}");
        insta::assert_debug_snapshot!(file, errors(&run, dir.path()));
        assert_eq!(read(&dir.path().join(file)), PRIVILEGED_POD);
    }
    assert_eq!(read(&dir.path().join("other-name.yaml")), PRIVILEGED_POD);
    let mode = std::fs::metadata(&read_only)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o444);
}

#[test]
fn a_tall_stack_of_ignore_comments_is_read_in_one_pass() {
    // 40,000 stacked comments took 13 s when each looked ahead for the line it covers.
    let height = 40_000;
    let mut text = String::from(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: registry.example.com/app:1.0\n      securityContext:\n",
    );
    for n in 0..height {
        text.push_str(&format!(
            "        # kordon:ignore[privileged-container] reviewed, ticket {n}\n"
        ));
    }
    text.push_str("        privileged: true\n");
    let dir = tree(&[("pod.yaml", &text)]);
    let run = kordon_in(
        dir.path(),
        &["scan", "pod.yaml", "-f", "json", "--fail-on", "critical"],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let report = json(&run);
    let suppressed: Vec<&serde_json::Value> = report["suppressed"]
        .as_array()
        .expect("suppressed findings")
        .iter()
        .filter(|f| f["rule"] == "privileged-container")
        .collect();
    assert_eq!(suppressed.len(), 1, "{}", run.stdout);
    assert_eq!(suppressed[0]["start"]["line"], 10 + height);
    // Every comment of the stack covers that line, so none is unused.
    assert!(!run.stdout.contains("unused suppression"));
}

#[test]
fn kustomize_settings_from_the_configuration_are_noted() {
    let dir = tree(&[
        (
            ".kordon.yaml",
            "kustomize:\n  load-restrictor: none\n  allow-remote: true\n",
        ),
        ("app/kustomization.yaml", "resources: [pod.yaml]\n"),
        ("app/pod.yaml", PRIVILEGED_POD),
    ]);
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    let run = kordon_in(dir.path(), &["scan", "app", "-f", "json"], None);
    assert_eq!(run.code, 1, "{run:?}");
    insta::assert_debug_snapshot!(problem_lines(&run, dir.path()));
    // A flag wins over the configuration, and then nothing is noted.
    let pinned = kordon_in(
        dir.path(),
        &[
            "scan",
            "app",
            "-f",
            "json",
            "--kustomize-load-restrictor",
            "root-only",
        ],
        None,
    );
    let notes = problem_lines(&pinned, dir.path());
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("allow-remote"), "{notes:?}");
}

/// `strace`, or `None` (the test then skips with a message) when it is missing or cannot trace
/// here and `KORDON_REQUIRE_STRACE` is unset (`.ci/run` sets it).
fn strace() -> Option<&'static str> {
    let works = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=connect",
            "-o",
            "/dev/null",
            "true",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if works {
        return Some("strace");
    }
    assert!(
        std::env::var_os("KORDON_REQUIRE_STRACE").is_none(),
        "KORDON_REQUIRE_STRACE is set (as .ci/run does) but strace is missing or cannot trace"
    );
    eprintln!("skipped: strace is missing or cannot trace here (install the strace package)");
    None
}

/// Runs kordon under `strace -f -e trace=connect` and returns the run and the connections made
/// to an internet address (AF_INET or AF_INET6) by kordon or anything it started, other than
/// the renderers' dead address (loopback's discard port, where their proxies and cluster point:
/// kubectl 1.32 asks the cluster for its version on every build, and is refused there).
fn traced(strace: &str, args: &[&str]) -> (Run, Vec<String>) {
    let log = tempfile::NamedTempFile::new().expect("temp file");
    let mut command = Command::new(strace);
    command
        .args(["-f", "-qq", "-e", "trace=connect", "-o"])
        .arg(log.path())
        .arg(env!("CARGO_BIN_EXE_kordon"))
        .args(args)
        .current_dir(repo_root())
        .env("XDG_CACHE_HOME", crate::support::test_cache_home());
    if let Some(helm) = std::env::var_os("KORDON_TEST_HELM") {
        command.arg("--helm-bin").arg(helm);
    }
    let output = command.output().expect("strace runs");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    let connects = std::fs::read_to_string(log.path())
        .expect("strace log")
        .lines()
        .filter(|l| l.contains("connect(") && (l.contains("AF_INET,") || l.contains("AF_INET6,")))
        .filter(|l| !(l.contains("sin_port=htons(9),") && l.contains("inet_addr(\"127.0.0.1\")")))
        .map(str::to_string)
        .collect();
    (run, connects)
}

#[test]
fn a_default_scan_opens_no_network_connection() {
    let Some(strace) = strace() else { return };
    let (run, connects) = traced(
        strace,
        // Without the render cache: a render cached by an earlier run would start no renderer.
        &[
            "scan",
            "testdata/hostile-fs/network",
            "-f",
            "json",
            "--no-render-cache",
        ],
    );
    assert!(connects.is_empty(), "connections: {connects:#?}\n{run:?}");
    // The renderers did run: the local kustomization was built, the remote one refused.
    let report = json(&run);
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["object"]["name"] == "built-locally"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("names the remote resource"),
        "{}",
        run.stdout
    );
    // The observation can fail: allowed to fetch, the same scan tries to connect.
    let (_, connects) = traced(
        strace,
        &[
            "scan",
            "testdata/hostile-fs/network/remote",
            "--kustomize-allow-remote",
            "-f",
            "json",
        ],
    );
    assert!(
        !connects.is_empty(),
        "strace saw no connection from a remote build"
    );
}

#[test]
fn a_chart_with_a_link_out_of_it_is_not_rendered() {
    let dir = tree(&[
        ("home/token.txt", "hunter2-outside-the-tree\n"),
        (
            "repo/chart/Chart.yaml",
            "apiVersion: v2\nname: leaky\nversion: 0.1.0\n",
        ),
        (
            "repo/chart/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leak\ndata:\n  token: {{ .Files.Get \"token.txt\" | quote }}\n",
        ),
    ]);
    std::os::unix::fs::symlink(
        "../../home/token.txt",
        dir.path().join("repo/chart/token.txt"),
    )
    .expect("link");
    let run = kordon_in(dir.path(), &["scan", "repo", "-f", "json"], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(!run.stdout.contains("hunter2"), "{}", run.stdout);
    insta::assert_debug_snapshot!(problem_lines(&run, dir.path()));
}

#[test]
fn a_folder_with_nothing_to_scan_says_so_without_failing() {
    // A docs folder, and a repository whose only manifest is .gitignore'd: neither passes as a
    // clean "0 findings in 0 files" without a word, and neither is an error.
    let dir = tree(&[
        ("docs/README.md", "# How to deploy\n"),
        ("ignored/.gitignore", "pod.yaml\n"),
        ("ignored/pod.yaml", PRIVILEGED_POD),
        ("repo/pod.yaml", PRIVILEGED_POD),
    ]);
    let run = kordon_within(
        dir.path(),
        &["scan", "docs", "ignored", "repo", "-f", "json"],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        problem_lines(&run, dir.path()),
        [
            "warning skipped docs: nothing to scan in this folder: no .yaml, .yml or .json file, Kustomization, packaged chart or kubelet unit; hidden, vendored and .gitignore'd files are not read (--no-ignore-files reads them)",
            "warning skipped ignored: nothing to scan in this folder: no .yaml, .yml or .json file, Kustomization, packaged chart or kubelet unit; hidden, vendored and .gitignore'd files are not read (--no-ignore-files reads them)",
        ]
    );
    let empty = kordon_within(
        dir.path(),
        &["scan", "docs", "-f", "json"],
        Duration::from_secs(60),
    );
    assert_eq!(empty.code, 0, "{empty:?}");
}
