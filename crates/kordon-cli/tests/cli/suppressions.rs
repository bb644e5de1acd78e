//! Silencing findings: inline comments, annotations, configured exceptions, baselines; each
//! needs a reason, and unused or expired ones are reported.

use crate::support::{ONLY_PRIVILEGED, finding_lines, kordon_in, tree};

const SUPPRESSED: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    kordon.dev/ignore.host-network: \"nothing to silence here\"
spec:
  containers:
    - name: above
      image: nginx:1.27
      securityContext:
        # kordon:ignore[privileged-container] the debug sidecar needs raw devices
        privileged: true
    - name: same-line
      image: nginx:1.27
      securityContext:
        privileged: true # kordon:ignore[duplicate-key, privileged-container] vendored chart, tracked in OPS-12
    - name: no-reason
      image: nginx:1.27
      securityContext:
        privileged: true # kordon:ignore[privileged-container]
    - name: wrong-rule
      image: nginx:1.27
      securityContext:
        # kordon:ignore[run-as-root] a reason, but for another rule
        privileged: true
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: cni
  namespace: kube-system
  annotations:
    kordon.dev/ignore.privileged-container: \"the CNI agent programs the host network\"
spec:
  template:
    spec:
      containers:
        - name: agent
          image: cni:1.0
          securityContext:
            privileged: true
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: no-reason
  annotations:
    kordon.dev/ignore.privileged-container: \"\"
spec:
  template:
    spec:
      containers:
        - name: agent
          image: cni:1.0
          securityContext:
            privileged: true
";

const WHOLE_FILE: &str = "\
# kordon:ignore-file[privileged-container] test fixtures for the node agent
apiVersion: v1
kind: Pod
metadata:
  name: fixture
spec:
  containers:
    - name: a
      image: nginx:1.27
      securityContext:
        privileged: true
";

const EXCEPTED: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: legacy
  namespace: batch
spec:
  containers:
    - name: a
      image: nginx:1.27
      securityContext:
        privileged: true
";

const CONFIG: &str = "\
rules:
  enable: [privileged-container]
exceptions:
  - rule: privileged-container
    match:
      path: legacy/*.yaml
      namespace: batch
      name: leg*
    reason: legacy batch jobs, to be replaced in Q3
    expires: 2999-12-31
  - rule: [privileged-container]
    match:
      kind: StatefulSet
    reason: matches nothing
  - rule: privileged-container
    match:
      path: \"**\"
    reason: blanket exception that lapsed
    expires: 2020-01-31
";

fn scan(dir: &std::path::Path, extra: &[&str]) -> crate::support::Run {
    let mut args = vec!["scan", "."];
    args.extend_from_slice(extra);
    kordon_in(dir, &args, None)
}

#[test]
fn every_suppression_form_with_reasons_unused_and_expired() {
    let dir = tree(&[
        (".kordon.yaml", CONFIG),
        ("pods.yaml", SUPPRESSED),
        ("fixtures/whole-file.yaml", WHOLE_FILE),
        ("legacy/job.yaml", EXCEPTED),
    ]);
    let human = scan(dir.path(), &[]);
    assert_eq!(human.code, 1, "{human:?}");
    insta::assert_snapshot!("suppressions_human", human.stdout);

    let run = scan(dir.path(), &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        finding_lines(&json, "findings"),
        [
            "privileged-container pods.yaml:21",
            "privileged-container pods.yaml:26",
            "privileged-container pods.yaml:57",
        ]
    );
    let reasons: Vec<String> = json["suppressed"]
        .as_array()
        .expect("suppressed findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f["file"].as_str().unwrap_or_default(),
                f["start"]["line"],
                f["suppression"]["kind"].as_str().unwrap_or_default(),
                f["suppression"]["reason"].as_str().unwrap_or_default()
            )
        })
        .collect();
    insta::assert_debug_snapshot!("suppressions_reasons", reasons);
    assert_eq!(json["summary"]["suppressed"], 5);
}

#[test]
fn no_ignore_shows_everything() {
    let dir = tree(&[
        (".kordon.yaml", CONFIG),
        ("pods.yaml", SUPPRESSED),
        ("fixtures/whole-file.yaml", WHOLE_FILE),
        ("legacy/job.yaml", EXCEPTED),
    ]);
    let run = scan(dir.path(), &["--format", "json", "--no-ignore"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["summary"]["findings"], 8, "{run:?}");
    assert_eq!(json["summary"]["suppressed"], 0);
    let suppression_warnings = json["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter(|p| p["kind"] == "suppression")
        .count();
    assert_eq!(suppression_warnings, 0, "{run:?}");
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: api:1.0
          securityContext:
            privileged: true
";

#[test]
fn a_baseline_reports_only_new_findings_and_survives_moved_lines() {
    let dir = tree(&[
        ("deploy/api.yaml", DEPLOYMENT),
        (".kordon.yaml", ONLY_PRIVILEGED),
    ]);
    let write = kordon_in(
        dir.path(),
        &["baseline", "write", "kordon-baseline.json", "deploy"],
        None,
    );
    assert_eq!(write.code, 0, "{write:?}");
    assert!(
        write
            .stderr
            .contains("wrote 1 finding to kordon-baseline.json")
    );
    let recorded: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("kordon-baseline.json")).expect("written"),
    )
    .expect("JSON");
    assert_eq!(recorded["findings"][0]["rule"], "privileged-container");
    assert_eq!(
        recorded["findings"][0]["path"],
        "spec.template.spec.containers[0].securityContext.privileged"
    );

    // Move everything down (a comment block and labels above), then add a new problem.
    let moved = DEPLOYMENT
        .replace(
            "metadata:\n  name: api\n",
            "metadata:\n  name: api\n  labels:\n    app: api\n    tier: backend\n",
        )
        .replace(
            "apiVersion: apps/v1\n",
            "# the API server\n#\n#\napiVersion: apps/v1\n",
        )
        + "        - name: sidecar\n          image: proxy:2\n          securityContext:\n            privileged: true\n";
    crate::support::write(dir.path(), "deploy/api.yaml", &moved);
    let run = kordon_in(
        dir.path(),
        &[
            "scan",
            "deploy",
            "--baseline",
            "kordon-baseline.json",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{run:?}");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        finding_lines(&json, "findings"),
        ["privileged-container deploy/api.yaml:22"]
    );
    assert_eq!(
        finding_lines(&json, "suppressed"),
        ["privileged-container deploy/api.yaml:18"]
    );
    assert_eq!(
        json["suppressed"][0]["suppression"]["reason"],
        "in baseline kordon-baseline.json"
    );
    let human = kordon_in(
        dir.path(),
        &["scan", "deploy", "--baseline", "kordon-baseline.json"],
        None,
    );
    assert!(
        human
            .stdout
            .contains("1 finding (1 critical) in 1 object across 1 file; 1 suppressed\n"),
        "{human:?}"
    );
    // Without the new sidecar, the baselined finding alone passes.
    let without_new = moved.replace(
        "image: proxy:2\n          securityContext:\n            privileged: true",
        "image: proxy:2\n          securityContext:\n            privileged: false",
    );
    assert_ne!(without_new, moved);
    crate::support::write(dir.path(), "deploy/api.yaml", &without_new);
    let clean = kordon_in(
        dir.path(),
        &["scan", "deploy", "--baseline", "kordon-baseline.json"],
        None,
    );
    assert_eq!(clean.code, 0, "{clean:?}");
}

#[test]
fn a_broken_baseline_is_an_error() {
    let dir = tree(&[
        ("a.yaml", DEPLOYMENT),
        ("b.json", "{\"findings\": []}"),
        (".kordon.yaml", ONLY_PRIVILEGED),
    ]);
    let run = kordon_in(
        dir.path(),
        &["scan", "a.yaml", "--baseline", "b.json"],
        None,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("b.json: not a kordon baseline"),
        "{run:?}"
    );
    let missing = kordon_in(
        dir.path(),
        &["scan", "a.yaml", "--baseline", "none.json"],
        None,
    );
    assert_eq!(missing.code, 2, "{missing:?}");
}
