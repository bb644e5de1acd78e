//! The corpus as a product: complete metadata, fixes that match what rules emit, full coverage of
//! the Pod Security Standards and of Defender's workload recommendations, a README rule table
//! generated from metadata, and hardened manifests that no rule complains about.

#[path = "support/builtin.rs"]
mod builtin;

use builtin::{builtin_rules, repo_root};
use kordon::finding::Applicability;
use kordon::rules::{CATEGORIES, PssLevel};
use kordon::{RuleSet, Scanner, Severity, Source};

#[test]
fn metadata_is_complete_and_consistent() {
    let rules = builtin_rules();
    let mut failures = Vec::new();
    for rule in rules.rules() {
        let Some(module) = &rule.module else { continue };
        let meta = &rule.meta;
        let id = meta.id.as_str();
        if !CATEGORIES.contains(&meta.category.as_str()) {
            failures.push(format!(
                "{id}: category `{}` is not one of {CATEGORIES:?}",
                meta.category
            ));
        }
        let folder = format!("{}/{}/", meta.category, id);
        if !module.name.starts_with(&folder) {
            failures.push(format!(
                "{id}: lives in `{}`, expected the folder `{folder}` (category/id)",
                module.name
            ));
        }
        if meta.title.trim().is_empty() {
            failures.push(format!("{id}: empty title"));
        }
        for (section, text) in [
            ("what", &meta.docs.what),
            ("why", &meta.docs.why),
            ("example", &meta.docs.example),
            ("remediation", &meta.docs.remediation),
        ] {
            if text.trim().len() < 10 {
                failures.push(format!("{id}: docs.{section} is missing or too short"));
            }
        }
        let has_fixed_sample = rule.samples.contains_key("fixed.yaml");
        match meta.fix.applicability {
            Applicability::None => {
                if has_fixed_sample {
                    failures.push(format!("{id}: has samples/fixed.yaml but offers no fix"));
                }
            }
            Applicability::Safe | Applicability::Unsafe => {
                if meta.fix.title.is_none() {
                    failures.push(format!("{id}: offers a fix without fix.title"));
                }
                if !has_fixed_sample {
                    failures.push(format!("{id}: offers a fix but has no samples/fixed.yaml"));
                }
            }
        }
        if let Some(properties) = meta.parameters.get("properties") {
            if meta.parameters.get("type").and_then(|t| t.as_str()) != Some("object") {
                failures.push(format!("{id}: parameters schema must have type: object"));
            }
            for (name, schema) in properties.as_object().into_iter().flatten() {
                for field in ["type", "default", "description"] {
                    if schema.get(field).is_none() {
                        failures.push(format!("{id}: parameter `{name}` has no `{field}`"));
                    }
                }
            }
            if let Err(e) = meta.validate_parameters(&meta.default_parameters()) {
                failures.push(format!("{id}: defaults do not satisfy the schema: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixes_emitted_match_metadata() {
    let rules = builtin_rules()
        .with_sample_parameters()
        .expect("sample parameters are valid");
    let scanner = Scanner::builder()
        .rules(rules.clone())
        .build()
        .expect("scanner builds");
    let mut failures = Vec::new();
    for rule in rules.rules() {
        let Some(text) = rule.samples.get("disallowed.yaml") else {
            continue;
        };
        let report = scanner.scan_sources(vec![Source::new("disallowed.yaml", text.clone())]);
        let own: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule_id == rule.id())
            .collect();
        let emitted = own
            .iter()
            .filter(|f| f.details.get("fix").is_some())
            .count();
        match rule.meta.fix.applicability {
            Applicability::None if emitted > 0 => failures.push(format!(
                "{}: emits details.fix but its metadata says fix.applicability: none",
                rule.id()
            )),
            Applicability::Safe | Applicability::Unsafe => {
                if emitted == 0 {
                    failures.push(format!(
                        "{}: metadata offers a fix but the disallowed sample gets none",
                        rule.id()
                    ));
                }
                for finding in &own {
                    if finding.details.get("fix").is_some() && finding.fix.is_none() {
                        failures.push(format!(
                            "{}: details.fix is not a valid list of patch operations: {}",
                            rule.id(),
                            finding.details["fix"]
                        ));
                    }
                }
            }
            Applicability::None => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every control of the Pod Security Standards, the level that introduces it, and the rules that
/// check it.
const PSS_CONTROLS: &[(&str, PssLevel, &[&str])] = &[
    ("HostProcess", PssLevel::Baseline, &["windows-host-process"]),
    (
        "Host namespaces",
        PssLevel::Baseline,
        &["host-network", "host-pid", "host-ipc"],
    ),
    (
        "Privileged containers",
        PssLevel::Baseline,
        &["privileged-container"],
    ),
    (
        "Capabilities (baseline)",
        PssLevel::Baseline,
        &["dangerous-capability-added", "sys-admin-capability"],
    ),
    (
        "HostPath volumes",
        PssLevel::Baseline,
        &["host-path-volume"],
    ),
    ("Host ports", PssLevel::Baseline, &["host-port"]),
    ("AppArmor", PssLevel::Baseline, &["apparmor-unconfined"]),
    ("SELinux", PssLevel::Baseline, &["selinux-custom-options"]),
    (
        "/proc mount type",
        PssLevel::Baseline,
        &["proc-mount-unmasked"],
    ),
    (
        "Seccomp (baseline)",
        PssLevel::Baseline,
        &["seccomp-unconfined"],
    ),
    ("Sysctls", PssLevel::Baseline, &["unsafe-sysctls"]),
    (
        "Volume types",
        PssLevel::Restricted,
        &["restricted-volume-type"],
    ),
    (
        "Privilege escalation",
        PssLevel::Restricted,
        &["privilege-escalation-allowed"],
    ),
    (
        "Running as non-root",
        PssLevel::Restricted,
        &["run-as-non-root-missing"],
    ),
    (
        "Running as non-root user",
        PssLevel::Restricted,
        &["run-as-root-user"],
    ),
    (
        "Seccomp (restricted)",
        PssLevel::Restricted,
        &["seccomp-profile-missing", "linux-confinement-missing"],
    ),
    (
        "Capabilities (restricted)",
        PssLevel::Restricted,
        &["capabilities-not-dropped", "capability-added"],
    ),
];

#[test]
fn pod_security_standards_are_fully_covered() {
    let rules = builtin_rules();
    let mut failures = Vec::new();
    for (control, level, ids) in PSS_CONTROLS {
        for id in *ids {
            match rules.get(id) {
                None => failures.push(format!("PSS control `{control}`: no rule `{id}`")),
                Some(rule) if rule.meta.frameworks.pss != Some(*level) => failures.push(format!(
                    "PSS control `{control}`: rule `{id}` has frameworks.pss {:?}, expected {level:?}",
                    rule.meta.frameworks.pss
                )),
                Some(_) => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Microsoft Defender for Containers' Kubernetes workload-protection recommendations, as rules
/// cite them in `frameworks.other`. HTTPS-only belongs to the network rules (`ingress-without-tls`).
const DEFENDER_RECOMMENDATIONS: &[&str] = &[
    "Container CPU and memory limits should be enforced",
    "Container images should be deployed from trusted registries only",
    "Containers should listen on allowed ports only",
    "Services should listen on allowed ports only",
    "Usage of host networking and ports should be restricted",
    "Overriding or disabling of containers AppArmor profile should be restricted",
    "Least privileged Linux capabilities should be enforced for containers",
    "Usage of pod HostPath volume mounts should be restricted to a known list to restrict node access from compromised containers",
    "Privileged containers should be avoided",
    "Container with privilege escalation should be avoided",
    "Kubernetes clusters should disable automounting API credentials",
    "Immutable (read-only) root filesystem should be enforced for containers",
    "Running containers as root user should be avoided",
    "Containers sharing sensitive host namespaces should be avoided",
    "Kubernetes clusters should not grant CAPSYSADMIN security capabilities",
    "Kubernetes clusters should not use the default namespace",
];

#[test]
fn defender_recommendations_are_mapped() {
    let rules = builtin_rules();
    let missing: Vec<&&str> = DEFENDER_RECOMMENDATIONS
        .iter()
        .filter(|recommendation| {
            let cited = format!("Defender: {recommendation}");
            !rules
                .rules()
                .iter()
                .any(|r| r.meta.frameworks.other.contains(&cited))
        })
        .collect();
    assert!(missing.is_empty(), "no rule maps {missing:?}");
}

const TABLE_START: &str = "<!-- rules:start -->";
const TABLE_END: &str = "<!-- rules:end -->";

/// The README's rule table, generated from metadata.
fn rule_table(rules: &RuleSet) -> String {
    let mut sorted: Vec<_> = rules.rules().iter().collect();
    sorted.sort_by(|a, b| (&a.meta.category, &a.meta.id).cmp(&(&b.meta.category, &b.meta.id)));
    let mut out = String::from(
        "| Rule | Category | Severity | Reports | CIS | PSS | Fix |\n|---|---|---|---|---|---|---|\n",
    );
    for rule in sorted {
        let meta = &rule.meta;
        let pss = match meta.frameworks.pss {
            Some(PssLevel::Baseline) => "baseline",
            Some(PssLevel::Restricted) => "restricted",
            None => "",
        };
        let fix = match meta.fix.applicability {
            Applicability::None => "",
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            meta.id,
            meta.category,
            meta.severity,
            meta.title.replace('|', "\\|"),
            meta.frameworks.cis.join(", "),
            pss,
            fix
        ));
    }
    out.push_str(&format!(
        "\n{} rules. `kordon rules show <id>` prints each one's documentation.\n",
        rules.rules().len()
    ));
    out
}

#[test]
fn readme_rule_table_is_current() {
    let path = repo_root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let (Some(start), Some(end)) = (readme.find(TABLE_START), readme.find(TABLE_END)) else {
        panic!("README.md lacks the {TABLE_START} … {TABLE_END} markers");
    };
    let body_start = start + TABLE_START.len();
    let current = readme[body_start..end].trim();
    let wanted = rule_table(&builtin_rules());
    if current == wanted.trim() {
        return;
    }
    if std::env::var_os("KORDON_BLESS").is_some_and(|v| v == "1") {
        let updated = format!(
            "{}\n{}\n{}",
            &readme[..body_start],
            wanted.trim(),
            &readme[end..]
        );
        std::fs::write(&path, updated).expect("README.md is writable");
        return;
    }
    panic!(
        "the rule table in README.md is stale; regenerate it with\n  KORDON_BLESS=1 cargo test -p kordon --test corpus readme"
    );
}

#[test]
fn hardened_manifests_raise_nothing_at_or_above_low() {
    let scanner = Scanner::builder().build().expect("scanner builds");
    let report = scanner.scan_paths(&[repo_root().join("testdata/hardened")]);
    assert!(!report.has_errors(), "{:?}", report.problems);
    let kinds: Vec<&str> = report.objects.iter().map(|o| o.kind.as_str()).collect();
    for kind in ["Deployment", "StatefulSet", "CronJob"] {
        assert!(kinds.contains(&kind), "testdata/hardened has no {kind}");
    }
    let loud: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Low)
        .map(|f| {
            format!(
                "{}:{}: [{}] {}",
                f.location.file, f.location.start.line, f.rule_id, f.message
            )
        })
        .collect();
    assert!(loud.is_empty(), "{}", loud.join("\n"));
}

/// The README's name for the benchmark edition every `frameworks.cis` id follows.
const CIS_EDITION: &str = "CIS Kubernetes Benchmark v1.10";

/// Recommendation numbers of CIS Kubernetes Benchmark v1.10 that a manifest can bear on (the
/// control plane, etcd, logging, kubelet and policy sections). An id outside this list is a
/// typo or a number from another edition, which belongs in `frameworks.other` with its edition.
const CIS_V1_10_IDS: &[&str] = &[
    "1.2.1", "1.2.2", "1.2.3", "1.2.4", "1.2.5", "1.2.6", "1.2.7", "1.2.8", "1.2.9", "1.2.10",
    "1.2.11", "1.2.12", "1.2.13", "1.2.14", "1.2.15", "1.2.16", "1.2.17", "1.2.18", "1.2.19",
    "1.2.20", "1.2.21", "1.2.22", "1.2.23", "1.2.24", "1.2.25", "1.2.26", "1.2.27", "1.2.28",
    "1.2.29", "1.2.30", "1.3.1", "1.3.2", "1.3.3", "1.3.4", "1.3.5", "1.3.6", "1.3.7", "1.4.1",
    "1.4.2", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "3.1.1", "3.1.2", "3.1.3", "3.2.1",
    "3.2.2", "4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.2.5", "4.2.6", "4.2.7", "4.2.8", "4.2.9",
    "4.2.10", "4.2.11", "4.2.12", "4.2.13", "4.3.1", "5.1.1", "5.1.2", "5.1.3", "5.1.4", "5.1.5",
    "5.1.6", "5.1.7", "5.1.8", "5.1.9", "5.1.10", "5.1.11", "5.1.12", "5.1.13", "5.2.1", "5.2.2",
    "5.2.3", "5.2.4", "5.2.5", "5.2.6", "5.2.7", "5.2.8", "5.2.9", "5.2.10", "5.2.11", "5.2.12",
    "5.2.13", "5.3.1", "5.3.2", "5.4.1", "5.4.2", "5.5.1", "5.7.1", "5.7.2", "5.7.3", "5.7.4",
];

#[test]
fn cis_ids_are_well_formed_and_from_the_edition_the_readme_names() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    assert!(
        readme.contains(&format!("CIS sections follow the {CIS_EDITION} numbering")),
        "the README no longer names {CIS_EDITION} as the edition of the rules' CIS ids"
    );
    let mut failures = Vec::new();
    for rule in builtin_rules().rules() {
        let meta = &rule.meta;
        for id in &meta.frameworks.cis {
            let well_formed = id.split('.').count() <= 3
                && id
                    .split('.')
                    .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
            if !well_formed {
                failures.push(format!(
                    "{}: CIS id `{id}` is not a section number",
                    meta.id
                ));
            } else if !CIS_V1_10_IDS.contains(&id.as_str()) {
                failures.push(format!(
                    "{}: CIS id `{id}` is not a recommendation of {CIS_EDITION}",
                    meta.id
                ));
            }
        }
        // Another edition is cited in `other`, with its edition, never as a bare id.
        for text in [&meta.docs.what, &meta.docs.why, &meta.docs.remediation] {
            for (at, _) in text.match_indices("CIS Kubernetes Benchmark v") {
                let edition: String = text[at + "CIS Kubernetes Benchmark ".len()..]
                    .chars()
                    .take_while(|c| *c == 'v' || *c == '.' || c.is_ascii_digit())
                    .collect();
                let edition = edition.trim_end_matches('.');
                let cited_elsewhere = meta
                    .frameworks
                    .other
                    .iter()
                    .any(|o| o.contains(&format!("CIS Kubernetes Benchmark {edition}")));
                if format!("CIS Kubernetes Benchmark {edition}") != CIS_EDITION && !cited_elsewhere
                {
                    failures.push(format!(
                        "{}: the docs cite CIS Kubernetes Benchmark {edition} without a `frameworks.other` entry for it",
                        meta.id
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
