//! Outputs of a scan whose files, names and values were written by an attacker: nothing they
//! wrote may act on a terminal or CI log, become a link, a formula or markup, break XML, leak a
//! Secret's value, or make the human output panic or blow up.

use std::path::Path;

use crate::report::{chromium, headless};
use crate::support::kordon_in;

const EVIL_NAME: &str = "\"[t](http://e.test) ![i](http://e.test/x.png) @team =HYPERLINK(1) <img src=x onerror=\\\"document.body.setAttribute('data-pwned','1')\\\"> \\e]8;;http://e.test\\a\\e[31m\\x01\\n::error file=x::name\"";

/// A cell Excel would run (OWASP's example).
const FORMULA: &str = "\"=cmd|' /C calc'!A0\"";

/// A privileged Pod named [`EVIL_NAME`].
fn evil_pod() -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {EVIL_NAME}\n  namespace: {FORMULA}\n\
         spec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n"
    )
}

const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\n\
data:\n  password: c3VwZXJzZWNyZXQ=\nstringData:\n  token: hunter2-plain\n  key: |\n    \
-----BEGIN KEY-----\n    bXlrZXk=\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: flow, namespace: shop}\n\
stringData: {password: \"flow-hunter2\"}\n";

/// What must never appear in any output: the Secret values above.
const SECRET_VALUES: [&str; 5] = [
    "c3VwZXJzZWNyZXQ",
    "hunter2-plain",
    "BEGIN KEY",
    "bXlrZXk",
    "flow-hunter2",
];

fn hostile_outputs_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("repo");
    std::fs::create_dir(&root).expect("mkdir");
    std::fs::write(
        root.join("javascript:alert(document.domain)<!--.yaml"),
        evil_pod(),
    )
    .expect("write");
    std::fs::write(root.join("x\n::error file=x::y\u{1b}[2J.yaml"), evil_pod()).expect("write");
    std::fs::write(root.join("secret.yaml"), SECRET).expect("write");
    dir
}

fn scan(dir: &Path, args: &[&str]) -> crate::support::Run {
    let mut all = vec!["scan", "repo"];
    all.extend_from_slice(args);
    kordon_in(dir, &all, None)
}

fn assert_inert_on_a_terminal(text: &str, what: &str) {
    assert!(
        !text.contains(['\u{1b}', '\u{7}', '\u{1}', '\u{9b}']),
        "{what}: a raw control character reached the output:\n{text}"
    );
    for value in SECRET_VALUES {
        assert!(
            !text.contains(value),
            "{what}: Secret value {value} printed:\n{text}"
        );
    }
}

#[test]
fn human_output_escapes_names_files_and_masks_secrets() {
    let dir = hostile_outputs_tree();
    let run = scan(dir.path(), &["--no-color"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_inert_on_a_terminal(&run.stdout, "human");
    assert_inert_on_a_terminal(&run.stderr, "human stderr");
    for line in run.stdout.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "a workflow command starts a line: {line}"
        );
    }
    assert!(run.stdout.contains("password: <masked>"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("x\\u{a}::error file=x::y\\u{1b}[2J.yaml"),
        "{}",
        run.stdout
    );
    // Colour output draws with escapes of its own: the manifest's must still be escaped.
    let coloured = kordon_in(dir.path(), &["scan", "repo"], None);
    assert!(
        !coloured.stdout.contains("\u{1b}]8;;http://e.test"),
        "{}",
        coloured.stdout
    );
}

#[test]
fn github_annotations_keep_one_command_per_line() {
    let dir = hostile_outputs_tree();
    let run = scan(dir.path(), &["--format", "github"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_inert_on_a_terminal(&run.stdout, "github");
    let commands = run.stdout.lines().filter(|l| l.starts_with("::")).count();
    let findings = crate::support::json(&scan(dir.path(), &["--format", "json"]))["findings"]
        .as_array()
        .expect("findings")
        .len();
    assert_eq!(
        commands, findings,
        "one command per finding, none injected:\n{}",
        run.stdout
    );
}

#[test]
fn csv_cells_cannot_be_formulas() {
    let dir = hostile_outputs_tree();
    let run = scan(dir.path(), &["--format", "csv"]);
    assert_eq!(run.code, 1, "{run:?}");
    let cells = csv_cells(&run.stdout);
    assert!(cells.len() > 100, "{}", run.stdout);
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "cell {cell:?} would be evaluated"
        );
    }
    assert!(
        cells.iter().any(|c| c == "'=cmd|' /C calc'!A0"),
        "{}",
        run.stdout
    );
}

/// The unquoted cells of an RFC 4180 text.
fn csv_cells(text: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            '"' => quoted = !quoted,
            ',' | '\n' if !quoted => cells.push(std::mem::take(&mut cell)),
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            c => cell.push(c),
        }
    }
    cells
}

#[test]
fn junit_stays_well_formed_xml() {
    let dir = hostile_outputs_tree();
    let run = kordon_in(dir.path(), &["report", "repo", "--format", "junit"], None);
    assert_eq!(run.code, 0, "{run:?}");
    let mut reader = quick_xml::Reader::from_str(&run.stdout);
    let mut cases = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                if e.name().as_ref() == b"testcase" {
                    cases += 1;
                }
                for attribute in e.attributes() {
                    let attribute = attribute.expect("well-formed attribute");
                    attribute
                        .unescape_value()
                        .expect("attribute value unescapes");
                }
            }
            Ok(quick_xml::events::Event::Text(t)) => {
                t.decode().expect("text decodes");
            }
            Ok(_) => {}
            Err(e) => panic!(
                "not well-formed at {}: {e}\n{}",
                reader.buffer_position(),
                run.stdout
            ),
        }
    }
    assert!(cases > 0);
    assert!(!run.stdout.contains('\u{1}') && !run.stdout.contains('\u{1b}'));
}

#[test]
fn markdown_renders_no_link_image_mention_or_html_from_manifests() {
    let dir = hostile_outputs_tree();
    let run = kordon_in(
        dir.path(),
        &["report", "repo", "--format", "markdown"],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    for raw in ["[t](http", "![i]", "@team", "<img", "](javascript"] {
        assert!(
            !run.stdout.contains(raw),
            "{raw} left as is:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains("\\[t\\](http://e.test)"),
        "{}",
        run.stdout
    );
    assert_inert_on_a_terminal(&run.stdout, "markdown");
}

#[test]
fn html_links_are_never_scripts_and_no_markup_runs() {
    let dir = hostile_outputs_tree();
    let page = dir.path().join("report.html");
    let run = kordon_in(
        dir.path(),
        &[
            "report",
            "repo",
            "--format",
            "html",
            "--output",
            "report.html",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{run:?}");
    let html = std::fs::read_to_string(&page).expect("report written");
    for href in html.split("href=\"").skip(1) {
        let target = href.split('"').next().unwrap_or("");
        let scheme = target.split(['/', '?', '#']).next().unwrap_or("");
        assert!(
            !scheme.contains(':')
                || target.starts_with("http://")
                || target.starts_with("https://"),
            "link {target:?} has a scheme"
        );
    }
    assert!(
        !html.contains("<img src=x"),
        "markup from a name was emitted"
    );
    for value in SECRET_VALUES {
        assert!(!html.contains(value), "Secret value {value} in the HTML");
    }
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("KORDON_REQUIRE_CHROMIUM").is_none(),
            "KORDON_REQUIRE_CHROMIUM is set but /usr/bin/chromium is missing"
        );
        eprintln!("\n!!! SKIPPED the chromium half of html_links_are_never_scripts: no chromium\n");
        return;
    };
    let dom = headless(
        &chromium,
        &dir.path().join("profile"),
        &["--dump-dom".to_string()],
        &format!("file://{}", page.display()),
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains(" ready\""), "the page's own script ran: {dom}");
    assert!(
        !dom.contains("data-pwned=\"1\""),
        "an attribute handler from a name ran"
    );
    assert!(
        !dom.contains("href=\"javascript:"),
        "a javascript: link in the DOM"
    );
}

/// One Pod per item, on a single line, with `padding` spaces before the first item.
fn one_line_list(items: usize, padding: usize) -> String {
    let pod = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"shop"},"spec":{"automountServiceAccountToken":false,"containers":[{"name":"c","image":"nginx:1.27","securityContext":{"privileged":true}}]}}"#;
    let items = vec![pod; items].join(",");
    format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"List\",{}\"items\":[{items}]}}\n",
        " ".repeat(padding)
    )
}

#[test]
fn a_finding_past_column_65535_does_not_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("repo")).expect("mkdir");
    std::fs::write(dir.path().join("repo/wide.json"), one_line_list(1, 70_000)).expect("write");
    let run = scan(dir.path(), &["--no-color"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("privileged-container"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("wide.json:1:70"), "{}", run.stdout);
    assert!(run.stdout.len() < 100_000, "{} bytes", run.stdout.len());
}

#[test]
fn long_lines_are_clipped_around_the_label() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("repo")).expect("mkdir");
    let list = one_line_list(250, 0);
    assert!(list.len() > 50_000);
    std::fs::write(dir.path().join("repo/list.json"), &list).expect("write");
    let run = scan(dir.path(), &["--no-color"]);
    assert_eq!(run.code, 1, "{run:?}");
    let findings = run.stdout.matches("[privileged-container]").count();
    assert_eq!(
        findings,
        250,
        "{}",
        &run.stdout[..2000.min(run.stdout.len())]
    );
    let widest = run
        .stdout
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    assert!(widest < 300, "a line of {widest} characters was printed");
    // Every snippet shows its own label: `"privileged":true` sits under the caret.
    assert!(
        run.stdout.contains("\"privileged\":true"),
        "{}",
        &run.stdout[..2000]
    );
}
