//! Rendering from the library: a kustomize overlay scanned through `Scanner::scan_paths`, its
//! findings mapped back to the files that hold them. (Helm is covered by the CLI tests, which
//! render with a real helm.)

use std::path::PathBuf;

use kordon::{Precision, RenderOptions, Scanner};

fn testdata(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(path)
}

/// (file under testdata/, line, precision) of each privileged-container finding.
fn privileged_places(report: &kordon::ScanReport) -> Vec<(String, usize, Precision)> {
    report
        .findings
        .iter()
        .filter(|f| f.rule_id == "privileged-container")
        .map(|f| {
            let file = f.location.file.rsplit("testdata/").next().unwrap_or("");
            (file.to_string(), f.location.start.line, f.precision)
        })
        .collect()
}

#[test]
fn an_overlay_scanned_from_the_library_points_at_its_sources() {
    let scanner = Scanner::builder()
        .render(RenderOptions::default())
        .build()
        .expect("rules load");
    let report = scanner.scan_paths(&[testdata("kustomize")]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    assert_eq!(
        privileged_places(&report),
        vec![
            (
                "kustomize/base/api.yaml".to_string(),
                18,
                Precision::Transformed
            ),
            (
                "kustomize/base/worker.yaml".to_string(),
                19,
                Precision::Exact
            ),
            (
                "kustomize/overlays/prod/debug-pod.yaml".to_string(),
                10,
                Precision::Exact
            ),
            (
                "kustomize/overlays/prod/web-privileged.yaml".to_string(),
                11,
                Precision::Exact
            ),
        ]
    );
    // Every finding keeps the exact place in the build as a related location.
    for finding in report
        .findings
        .iter()
        .filter(|f| f.rule_id == "privileged-container")
    {
        assert!(
            finding
                .related
                .iter()
                .any(|r| r.location.file.ends_with("overlays/prod (kustomize build)")),
            "{finding:?}"
        );
    }
}

#[test]
fn without_rendering_nothing_of_a_kustomization_is_read() {
    let scanner = Scanner::builder()
        .render(RenderOptions {
            enabled: false,
            ..RenderOptions::default()
        })
        .build()
        .expect("rules load");
    let report = scanner.scan_paths(&[testdata("kustomize"), testdata("helm/app")]);
    assert_eq!(report.stats.objects, 0);
    assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
    assert!(!report.has_errors());
}

#[test]
fn a_kustomization_reading_a_sibling_folder_is_refused_by_default() {
    let scanner = Scanner::builder()
        .render(RenderOptions::default())
        .build()
        .expect("rules load");
    let report = scanner.scan_paths(&[testdata("kustomize-sibling")]);
    assert!(report.has_errors());
    let refusals: Vec<&str> = report
        .problems
        .iter()
        .filter(|p| p.message.contains("--kustomize-load-restrictor none"))
        .map(|p| p.file.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(refusals.len(), 1, "{:?}", report.problems);
    assert!(
        refusals[0].ends_with("kustomize-sibling/app"),
        "{refusals:?}"
    );
    assert!(privileged_places(&report).is_empty());
}

#[test]
fn a_kustomization_reading_a_sibling_folder_is_built_unrestricted_when_asked_and_says_so() {
    let mut options = RenderOptions::default();
    options.kustomize.unrestricted_loads = true;
    let scanner = Scanner::builder()
        .render(options)
        .build()
        .expect("rules load");
    let report = scanner.scan_paths(&[testdata("kustomize-sibling")]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    let notes: Vec<&str> = report
        .problems
        .iter()
        .filter(|p| p.message.contains("--load-restrictor=LoadRestrictionsNone"))
        .map(|p| p.file.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", report.problems);
    assert!(notes[0].ends_with("kustomize-sibling/app"), "{notes:?}");
    // Once, from the build (the file is a resource of the kustomization, not scanned twice), at
    // its line in the file the user edits.
    assert_eq!(
        privileged_places(&report),
        vec![(
            "kustomize-sibling/shared/web.yaml".to_string(),
            18,
            Precision::Exact
        )]
    );
}

#[test]
fn a_remote_resource_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - http://127.0.0.1:9/deployment.yaml\n",
    )
    .expect("written");
    // A binary that would fail loudly if it were run at all.
    let mut options = RenderOptions::default();
    options.kustomize.binary = Some(dir.path().join("kustomize-that-does-not-exist"));
    let scanner = Scanner::builder()
        .render(options)
        .build()
        .expect("rules load");
    let report = scanner.scan_paths(&[dir.path().to_path_buf()]);
    let messages: Vec<&str> = report.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("names the remote resource `http://127.0.0.1:9/deployment.yaml`")
            && messages[0].contains("--kustomize-allow-remote"),
        "{}",
        messages[0]
    );
}

#[test]
fn a_remote_base_that_cannot_be_fetched_fails_with_advice() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - https://github.com/kordon-dev/no-such-repository//base?ref=v1\n",
    )
    .expect("written");
    let mut options = RenderOptions::default();
    options.kustomize.allow_remote = true;
    let scanner = Scanner::builder()
        .render(options)
        .build()
        .expect("rules load");
    let report = scanner.scan_paths(&[dir.path().to_path_buf()]);
    assert!(report.has_errors());
    let render_errors: Vec<&str> = report
        .problems
        .iter()
        .filter(|p| p.kind == kordon::document::ProblemKind::Render)
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(render_errors.len(), 1, "{:?}", report.problems);
    assert!(
        render_errors[0].contains("a remote base needs network access"),
        "{}",
        render_errors[0]
    );
}

/// (rule, file, line, column) of a finding.
type Place = (String, String, usize, usize);
/// The files each fingerprint is found in.
type FilesByIdentity = std::collections::BTreeMap<String, std::collections::BTreeSet<String>>;

/// The place of every finding, and the files each fingerprint is found in.
fn places_and_identities(report: &kordon::ScanReport) -> (Vec<Place>, FilesByIdentity) {
    let mut identities = FilesByIdentity::new();
    let places = report
        .findings
        .iter()
        .map(|f| {
            identities
                .entry(f.fingerprint.clone())
                .or_default()
                .insert(f.location.file.clone());
            (
                f.rule_id.clone(),
                f.location.file.clone(),
                f.location.start.line,
                f.location.start.column,
            )
        })
        .collect();
    (places, identities)
}

#[test]
fn a_base_built_through_overlays_is_reported_once_with_every_build_related() {
    let scanner = Scanner::builder()
        .render(RenderOptions::default())
        .build()
        .expect("rules load");
    let report = scanner.scan_paths(&[testdata("kustomize-overlays")]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    let (places, identities) = places_and_identities(&report);
    let mut unique = places.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), places.len(), "repeated findings: {places:#?}");
    let shared: Vec<_> = identities
        .values()
        .filter(|files| files.len() > 1)
        .collect();
    assert!(
        shared.is_empty(),
        "fingerprints shared by files: {shared:?}"
    );

    let privileged: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "privileged-container")
        .collect();
    let mut files: Vec<_> = privileged
        .iter()
        .map(|f| f.location.file.rsplit("testdata/").next().unwrap_or(""))
        .collect();
    files.sort_unstable();
    assert_eq!(
        files,
        [
            "kustomize-overlays/base/web.yaml",
            "kustomize-overlays/plain/a.yaml",
            "kustomize-overlays/plain/b.yaml"
        ]
    );
    let from_base = privileged
        .iter()
        .find(|f| f.location.file.ends_with("base/web.yaml"))
        .expect("the base's finding");
    let builds: Vec<_> = from_base
        .related
        .iter()
        .filter(|r| r.location.file.ends_with("(kustomize build)"))
        .map(|r| {
            r.location
                .file
                .rsplit("kustomize-overlays/")
                .next()
                .unwrap_or("")
        })
        .collect();
    assert_eq!(
        builds,
        [
            "overlays/dev (kustomize build)",
            "overlays/prod (kustomize build)"
        ]
    );
}

#[test]
fn identities_of_rendered_findings_survive_line_moves() {
    let copy = std::env::temp_dir().join(format!("kordon-moved-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    let files = [
        "base/kustomization.yaml",
        "base/web.yaml",
        "overlays/dev/kustomization.yaml",
        "overlays/prod/kustomization.yaml",
    ];
    let write = |prefix: &str| {
        for file in files {
            let to = copy.join(file);
            std::fs::create_dir_all(to.parent().expect("a folder")).expect("temp folder");
            let text = std::fs::read_to_string(testdata("kustomize-overlays").join(file))
                .expect("fixture reads");
            std::fs::write(&to, format!("{prefix}{text}")).expect("temp file");
        }
    };
    let scanner = Scanner::builder()
        .render(RenderOptions::default())
        .build()
        .expect("rules load");
    let scan = || {
        let report = scanner.scan_paths(std::slice::from_ref(&copy));
        assert!(!report.has_errors(), "{:?}", report.problems);
        let mut found: Vec<_> = report
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule_id.clone(),
                    f.fingerprint.clone(),
                    f.location.start.line,
                )
            })
            .collect();
        found.sort();
        found
    };
    write("");
    let before = scan();
    write("# a comment that moves every line\n\n");
    let after = scan();
    let _ = std::fs::remove_dir_all(&copy);
    assert!(!before.is_empty());
    let lines = |v: &[(String, String, usize)]| v.iter().map(|(_, _, l)| *l).collect::<Vec<_>>();
    assert_eq!(
        lines(&after),
        lines(&before).iter().map(|l| l + 2).collect::<Vec<_>>(),
        "every finding moved two lines down"
    );
    let identities = |v: &[(String, String, usize)]| {
        v.iter()
            .map(|(r, f, _)| (r.clone(), f.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(identities(&after), identities(&before));
}
