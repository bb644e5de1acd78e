use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::document::PathSegment;
use crate::finding::{PatchKind, PatchOp};

fn path(text: &str) -> Vec<PathSegment> {
    crate::scan::parse_path(&serde_json::Value::String(text.into())).expect("a path")
}

fn op(kind: PatchKind, at: &str, value: Option<serde_json::Value>) -> PatchOp {
    PatchOp {
        op: kind,
        path: path(at),
        value,
    }
}

/// Applies `ops` to object `index` of `text`; the result must still parse to the same objects.
fn patch(text: &str, index: usize, ops: &[PatchOp]) -> Result<String, String> {
    let document = Document::parse(
        Arc::new(Source::new("t.yaml", text)),
        ParseLimits::default(),
    );
    assert!(document.problems.is_empty(), "{:?}", document.problems);
    let object = &document.objects[index];
    let edits = edit::Editor::new(text).edits(&object.root, ops)?;
    let fixed = apply_edits(text, &edits);
    let reparsed = Document::parse(
        Arc::new(Source::new("t.yaml", fixed.clone())),
        ParseLimits::default(),
    );
    assert!(
        reparsed.problems.is_empty(),
        "{fixed}\n{:?}",
        reparsed.problems
    );
    assert_eq!(reparsed.objects.len(), document.objects.len(), "{fixed}");
    Ok(fixed)
}

fn value_at(text: &str, index: usize, at: &str) -> serde_json::Value {
    let document = Document::parse(
        Arc::new(Source::new("t.yaml", text)),
        ParseLimits::default(),
    );
    let resolved = document.objects[index].root.resolve(&path(at));
    assert!(resolved.exact, "{at} missing in\n{text}");
    resolved.node.to_json()
}

const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web # the name
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: true   # keep me
  # trailing comment
";

#[test]
fn replacing_a_scalar_keeps_the_comment_after_it() {
    let fixed = patch(
        POD,
        0,
        &[op(
            PatchKind::Replace,
            "spec.containers[0].securityContext.privileged",
            Some(json!(false)),
        )],
    )
    .expect("applies");
    assert_eq!(fixed, POD.replace("privileged: true", "privileged: false"));
}

#[test]
fn a_new_key_takes_its_siblings_indentation() {
    let fixed = patch(
        POD,
        0,
        &[op(
            PatchKind::Add,
            "spec.containers[0].securityContext.runAsNonRoot",
            Some(json!(true)),
        )],
    )
    .expect("applies");
    assert_eq!(
        fixed,
        POD.replace("# keep me\n", "# keep me\n      runAsNonRoot: true\n")
    );
}

#[test]
fn missing_parents_are_created_as_nested_blocks() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n";
    let fixed = patch(
        text,
        0,
        &[
            op(
                PatchKind::Add,
                "spec.containers[0].securityContext.runAsNonRoot",
                Some(json!(true)),
            ),
            op(
                PatchKind::Add,
                "spec.containers[0].securityContext.capabilities.drop",
                Some(json!(["ALL"])),
            ),
        ],
    )
    .expect("applies");
    assert_eq!(
        fixed,
        format!(
            "{text}      securityContext:\n        runAsNonRoot: true\n        capabilities:\n          drop:\n            - ALL\n"
        )
    );
}

#[test]
fn flow_mappings_get_flow_entries() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: app, image: nginx, securityContext: {privileged: true}}\n  - {name: side, image: busybox, securityContext: {}}\n";
    let fixed = patch(
        text,
        0,
        &[
            op(
                PatchKind::Add,
                "spec.containers[0].securityContext.runAsNonRoot",
                Some(json!(true)),
            ),
            op(
                PatchKind::Add,
                "spec.containers[1].securityContext.runAsNonRoot",
                Some(json!(true)),
            ),
            op(
                PatchKind::Add,
                "spec.containers[1].resources",
                Some(json!({"limits": {"memory": "128Mi"}})),
            ),
        ],
    )
    .expect("applies");
    assert_eq!(
        fixed,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: app, image: nginx, securityContext: {privileged: true, runAsNonRoot: true}}\n  - {name: side, image: busybox, securityContext: {runAsNonRoot: true}, resources: {limits: {memory: 128Mi}}}\n"
    );
}

#[test]
fn json_stays_json() {
    let text = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"web\"},\n  \"spec\": {\n    \"containers\": [\n      {\n        \"name\": \"app\",\n        \"image\": \"nginx\"\n      }\n    ]\n  }\n}\n";
    let fixed = patch(
        text,
        0,
        &[op(
            PatchKind::Add,
            "spec.containers[0].securityContext.runAsNonRoot",
            Some(json!(true)),
        )],
    )
    .expect("applies");
    assert_eq!(
        fixed,
        text.replace(
            "\"image\": \"nginx\"\n",
            "\"image\": \"nginx\",\n        \"securityContext\": {\n          \"runAsNonRoot\": true\n        }\n"
        )
    );
    let parsed: serde_json::Value = serde_json::from_str(&fixed).expect("still JSON");
    assert_eq!(
        parsed["spec"]["containers"][0]["securityContext"]["runAsNonRoot"],
        true
    );
}

#[test]
fn crlf_files_keep_crlf() {
    let text = POD.replace('\n', "\r\n");
    let fixed = patch(
        &text,
        0,
        &[op(
            PatchKind::Add,
            "spec.containers[0].resources.limits.memory",
            Some(json!("256Mi")),
        )],
    )
    .expect("applies");
    assert!(!fixed.replace("\r\n", "").contains('\n'), "{fixed:?}");
    assert_eq!(
        value_at(&fixed, 0, "spec.containers[0].resources.limits.memory"),
        json!("256Mi")
    );
}

#[test]
fn quoting_style_is_kept_and_ambiguous_strings_are_quoted() {
    let text =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: 'web'\nspec:\n  image: \"a\"\n  policy: x\n";
    let fixed = patch(
        text,
        0,
        &[
            op(PatchKind::Replace, "metadata.name", Some(json!("it's"))),
            op(PatchKind::Replace, "spec.image", Some(json!("b:1"))),
            op(PatchKind::Replace, "spec.policy", Some(json!("yes"))),
        ],
    )
    .expect("applies");
    assert_eq!(
        fixed,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: 'it''s'\nspec:\n  image: \"b:1\"\n  policy: \"yes\"\n"
    );
}

#[test]
fn every_document_and_list_item_is_edited_in_its_own_place() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n  spec:\n    hostNetwork: true\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n  spec: {}\n---\n# second\napiVersion: v1\nkind: Pod\nmetadata:\n  name: c\nspec:\n  hostPID: true\n";
    let fixed = patch(
        text,
        1,
        &[op(PatchKind::Add, "spec.hostNetwork", Some(json!(false)))],
    )
    .expect("b");
    assert!(fixed.contains("  spec: {hostNetwork: false}\n"), "{fixed}");
    let fixed = patch(
        &fixed,
        0,
        &[op(PatchKind::Remove, "spec.hostNetwork", None)],
    )
    .expect("a");
    assert!(fixed.contains("    name: a\n  spec: {}\n"), "{fixed}");
    let fixed = patch(
        &fixed,
        2,
        &[op(PatchKind::Replace, "spec.hostPID", Some(json!(false)))],
    )
    .expect("c");
    assert!(
        fixed.ends_with(
            "# second\napiVersion: v1\nkind: Pod\nmetadata:\n  name: c\nspec:\n  hostPID: false\n"
        ),
        "{fixed}"
    );
}

#[test]
fn removing_keeps_neighbours_and_comments() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  # host access\n  hostNetwork: true\n  hostPID: true # why\n  containers:\n  - name: app\n    image: x\n";
    let fixed = patch(text, 0, &[op(PatchKind::Remove, "spec.hostPID", None)]).expect("applies");
    assert_eq!(fixed, text.replace("  hostPID: true # why\n", ""));
    let fixed = patch(
        text,
        0,
        &[op(PatchKind::Remove, "spec.containers[0].name", None)],
    )
    .expect("applies");
    assert!(fixed.contains("  - image: x\n"), "{fixed}");
    let absent = patch(text, 0, &[op(PatchKind::Remove, "spec.nothing", None)]).expect("no-op");
    assert_eq!(absent, text);
}

#[test]
fn empty_values_become_mappings() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  securityContext: # pod level\n  containers: []\n";
    let fixed = patch(
        text,
        0,
        &[op(
            PatchKind::Add,
            "spec.securityContext.runAsNonRoot",
            Some(json!(true)),
        )],
    )
    .expect("applies");
    assert_eq!(
        fixed,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  securityContext: # pod level\n    runAsNonRoot: true\n  containers: []\n"
    );
}

#[test]
fn sequences_can_be_appended_to() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  drop:\n    - NET_RAW\n  add: [A]\n";
    let fixed = patch(
        text,
        0,
        &[
            op(PatchKind::Add, "spec.drop[1]", Some(json!("ALL"))),
            op(PatchKind::Add, "spec.add[1]", Some(json!("B"))),
        ],
    )
    .expect("applies");
    assert_eq!(
        fixed,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  drop:\n    - NET_RAW\n    - ALL\n  add: [A, B]\n"
    );
}

#[test]
fn shared_anchors_are_never_edited() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: one\n    securityContext: &sc\n      privileged: true\n  - name: two\n    securityContext: *sc\n";
    for at in [
        "spec.containers[0].securityContext.privileged",
        "spec.containers[1].securityContext.privileged",
    ] {
        let error =
            patch(text, 0, &[op(PatchKind::Replace, at, Some(json!(false)))]).expect_err("refused");
        assert!(error.contains("anchor"), "{error}");
    }
    let merged = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nbase: &b {x: 1}\nspec:\n  <<: *b\n  y: 2\n";
    let error = patch(
        merged,
        0,
        &[op(PatchKind::Replace, "spec.x", Some(json!(2)))],
    )
    .expect_err("refused");
    assert!(error.contains("anchor"), "{error}");
    let fixed = patch(merged, 0, &[op(PatchKind::Add, "spec.z", Some(json!(3)))])
        .expect("own keys are fine");
    assert!(fixed.ends_with("  y: 2\n  z: 3\n"), "{fixed}");
}

#[test]
fn adding_under_a_scalar_is_refused() {
    let error = patch(
        POD,
        0,
        &[op(PatchKind::Add, "metadata.name.x", Some(json!(1)))],
    )
    .expect_err("refused");
    assert!(error.contains("not a mapping"), "{error}");
}

#[test]
fn diffs_are_unified_with_git_headers() {
    let diff = unified_diff("p.yaml", "a: 1\nb: 2\n", "a: 1\nb: 3\n");
    assert_eq!(
        diff,
        "--- a/p.yaml\n+++ b/p.yaml\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n"
    );
    assert_eq!(unified_diff("p.yaml", "x\n", "x\n"), "");
}

#[test]
fn helm_sources_are_found() {
    let text = "---\n# Source: chart/templates/a.yaml\napiVersion: v1\nkind: Pod\n---\n# Source: chart/templates/b.yaml\nkind: Pod\n";
    assert!(is_helm_rendered(text));
    let offset = text.find("kind: Pod\n---").expect("first");
    assert_eq!(
        helm_template_at(text, offset).as_deref(),
        Some("chart/templates/a.yaml")
    );
    assert_eq!(
        helm_template_at(text, text.len() - 1).as_deref(),
        Some("chart/templates/b.yaml")
    );
    assert!(!is_helm_rendered("a: 1\n"));
    assert!(!is_helm_rendered(
        "# Source: https://example.com/pod.yaml\nkind: Pod\n"
    ));
}

#[test]
fn overlapping_edits_conflict() {
    let a = TextEdit {
        start: 5,
        end: 5,
        replacement: "x".into(),
    };
    let b = TextEdit {
        start: 5,
        end: 5,
        replacement: "y".into(),
    };
    let c = TextEdit {
        start: 5,
        end: 9,
        replacement: "z".into(),
    };
    let d = TextEdit {
        start: 9,
        end: 9,
        replacement: "w".into(),
    };
    assert!(conflicts(&a, &b));
    assert!(!conflicts(&a, &c));
    assert!(!conflicts(&c, &d));
    assert!(conflicts(
        &c,
        &TextEdit {
            start: 8,
            end: 10,
            replacement: String::new()
        }
    ));
}

#[test]
fn an_edit_saved_after_the_scan_is_never_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("pod.yaml");
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n";
    std::fs::write(&file, text).expect("written");
    let scanner = crate::Scanner::builder().build().expect("built-in rules");
    let report = scanner.scan_paths(std::slice::from_ref(&file));
    let source = report.sources[0].clone();
    let outcome = fix_source(&scanner, &source, &report.findings, FixMode::default());
    assert!(!outcome.applied.is_empty());
    // Someone saves the file between the scan and the write.
    let edited = text.replace("name: web", "name: web-edited");
    std::fs::write(&file, &edited).expect("edited");
    let refused = write_fixed(&scanner, &source, &outcome).expect_err("refused");
    assert!(refused.contains("changed on disk"), "{refused}");
    assert_eq!(std::fs::read_to_string(&file).expect("readable"), edited);
    // Unchanged since the scan, the same fix is written.
    std::fs::write(&file, text).expect("restored");
    write_fixed(&scanner, &source, &outcome).expect("written");
    assert!(
        std::fs::read_to_string(&file)
            .expect("readable")
            .contains("privileged: false")
    );
}

#[test]
fn fixes_of_many_objects_in_one_file_are_each_applied_in_the_files_line_breaks() {
    // One editor serves every finding of a file (issue 22): each object's fix must still land in
    // its own object, in the file's CRLF line breaks.
    let text: String = (0..40)
        .map(|i| {
            format!(
                "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: web-{i}\r\nspec:\r\n  containers:\r\n    - name: app\r\n      image: nginx:1.27\r\n      securityContext:\r\n        privileged: true\r\n---\r\n"
            )
        })
        .collect();
    let scanner = crate::Scanner::builder()
        .build()
        .expect("built-in rules load");
    let report = scanner.scan_sources(vec![Source::new("pods.yaml", text.as_str())]);
    let outcome = apply_fixes(&text, "pods.yaml", &report.findings, FixMode::default());
    let fixed_privileged = outcome
        .applied
        .iter()
        .filter(|a| a.rule_id == "privileged-container")
        .count();
    assert_eq!(fixed_privileged, 40, "{:?}", outcome.skipped);
    assert_eq!(outcome.new_text.matches("privileged: false").count(), 40);
    assert!(!outcome.new_text.contains("privileged: true"));
    assert!(
        !outcome.new_text.replace("\r\n", "").contains('\n'),
        "only CRLF line breaks"
    );
}
