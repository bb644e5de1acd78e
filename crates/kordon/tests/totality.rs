//! Every built-in rule is total: generated variants of every rule sample (and of a sample of
//! `../shared/corpus`) never make a rule fail, and never hide a finding the change did not
//! remove the cause of.
//!
//! **Variants.** For every object of a sample and every mapping entry whose value is a mapping
//! or a list, at any depth (inside list items too), three variants, one change each: the value
//! set to `null`, set to an empty mapping or list (of its own type), and the entry removed.
//! Each variant is written out as JSON (one document per object, the untouched objects of the
//! file beside it) and scanned with every built-in rule, the samples' parameters applied; the
//! unchanged file, written out the same way, is the baseline.
//!
//! **What must hold.** No problem at error level (a rule that fails, an input refused). And no
//! finding lost: every baseline finding, identified by (rule, index of its object in the file,
//! the field path the rule named), is still reported by the variant, unless the change removed
//! its cause, which is decided mechanically:
//!
//! - *at or below*: the finding's path starts with the changed path (the field it is about, or
//!   one of its parents, is what changed: a container's `securityContext` emptied takes the
//!   findings on `securityContext.privileged` with it), or
//! - *listed*: `totality-exceptions.txt` beside this file names the rule and a pattern of the
//!   changed path (`[*]` matches any index), with the reason the rule legitimately reads that
//!   field for a verdict elsewhere (a PodDisruptionBudget's selector decides whether the
//!   Deployment is covered).
//!
//! A finding that appears is never a failure: an emptied `securityContext` is expected to raise
//! the findings a missing setting deserves.

#[path = "support/builtin.rs"]
mod builtin;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use builtin::{builtin_rules, repo_root};
use kordon::document::{Document, PathSegment, display_path};
use kordon::{ProblemLevel, ScanReport, Scanner, Source};
use rayon::prelude::*;
use serde_json::Value;

/// One change of one object of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Null,
    Empty,
    Remove,
}

/// A file to vary: its name and the JSON of each of its objects.
struct Subject {
    name: String,
    objects: Vec<Value>,
}

/// A finding's identity across variants: rule, object index in the file, path.
type FindingKey = (String, usize, Vec<PathSegment>);

/// An intentional exception: the rule may lose findings when a field matching `changed` changes.
struct Exception {
    rule: String,
    changed: String,
}

/// The checked-in exceptions: lines `rule | changed-path pattern | reason`, `#` comments.
fn exceptions() -> Vec<Exception> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/totality-exceptions.txt");
    let text = std::fs::read_to_string(&path).expect("totality-exceptions.txt is readable");
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split('|').map(str::trim).collect();
            assert!(
                fields.len() == 3 && fields.iter().all(|f| !f.is_empty()),
                "an exception is `rule | changed path | reason`: {line}"
            );
            Exception {
                rule: fields[0].to_string(),
                changed: fields[1].to_string(),
            }
        })
        .collect()
}

/// Whether a changed path matches an exception's pattern: `[*]` stands for any index, and a
/// leading `*.` for any parent path (the pod spec of every workload kind).
fn pattern_matches(pattern: &str, changed: &[PathSegment]) -> bool {
    let shown: String = changed
        .iter()
        .enumerate()
        .map(|(n, segment)| match segment {
            PathSegment::Index(_) => "[*]".to_string(),
            PathSegment::Key(k) if n == 0 => k.clone(),
            PathSegment::Key(k) => format!(".{k}"),
        })
        .collect();
    match pattern.strip_prefix("*.") {
        Some(tail) => shown == tail || shown.ends_with(&format!(".{tail}")),
        None => shown == pattern,
    }
}

/// Every path (from the object's root) of a mapping entry whose value is a mapping or a list.
fn collection_fields(value: &Value, at: &mut Vec<PathSegment>, out: &mut Vec<Vec<PathSegment>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                at.push(PathSegment::Key(key.clone()));
                if child.is_object() || child.is_array() {
                    out.push(at.clone());
                }
                collection_fields(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(PathSegment::Index(i));
                collection_fields(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// The object with one change at `path` (a mapping entry), or None when it changes nothing.
fn vary(object: &Value, path: &[PathSegment], change: Change) -> Option<Value> {
    let mut out = object.clone();
    let (last, parents) = path.split_last()?;
    let mut parent = &mut out;
    for segment in parents {
        parent = match segment {
            PathSegment::Key(k) => parent.get_mut(k.as_str())?,
            PathSegment::Index(i) => parent.get_mut(*i)?,
        };
    }
    let PathSegment::Key(key) = last else {
        return None;
    };
    let map = parent.as_object_mut()?;
    let current = map.get(key.as_str())?;
    let replacement = match change {
        Change::Null => Value::Null,
        Change::Empty if current.is_array() => Value::Array(Vec::new()),
        Change::Empty => Value::Object(serde_json::Map::new()),
        Change::Remove => {
            map.remove(key.as_str());
            return Some(out);
        }
    };
    if *current == replacement {
        return None;
    }
    map.insert(key.clone(), replacement);
    Some(out)
}

fn file_text(objects: &[Value]) -> String {
    objects
        .iter()
        .map(|o| serde_json::to_string_pretty(o).expect("JSON serialises"))
        .collect::<Vec<_>>()
        .join("\n---\n")
}

fn subject_from(name: &str, text: &str) -> Option<Subject> {
    let document = Document::parse(Arc::new(Source::new(name, text)), Default::default());
    let objects: Vec<Value> = document.objects.iter().map(|o| o.root.to_json()).collect();
    (!objects.is_empty()).then(|| Subject {
        name: name.to_string(),
        objects,
    })
}

/// What a scan said about one file: its error-level problems and its findings.
#[derive(Default)]
struct Outcome {
    errors: Vec<String>,
    findings: BTreeSet<FindingKey>,
}

/// The rules, split so that most of the work batches: rules that read `data.inventory` see
/// every object of a scan, so each file gets a scan of its own with them; the other rules judge
/// each object alone, so every variant of a file shares one scan with them.
struct Scanners {
    alone: Scanner,
    with_inventory: Scanner,
}

impl Scanners {
    fn new() -> Scanners {
        let rules = builtin_rules()
            .with_sample_parameters()
            .expect("sample parameters match their schemas");
        let build = |inventory: bool| {
            let mut part = rules.clone();
            part.retain(|rule| rule.meta.inventory == inventory);
            Scanner::builder()
                .rules(part)
                .jobs(1)
                .build()
                .expect("scanner builds")
        };
        Scanners {
            alone: build(false),
            with_inventory: build(true),
        }
    }

    /// The outcome of each file (a list of objects), in order.
    fn outcomes(&self, files: &[Vec<Value>]) -> Vec<Outcome> {
        let names: Vec<String> = (0..files.len())
            .map(|n| format!("variant-{n}.json"))
            .collect();
        let sources = |range: std::ops::Range<usize>| -> Vec<Source> {
            range
                .map(|n| Source::new(names[n].clone(), file_text(&files[n])))
                .collect()
        };
        let mut outcomes: Vec<Outcome> = files.iter().map(|_| Outcome::default()).collect();
        let mut record = |report: ScanReport| {
            for problem in report
                .problems
                .iter()
                .filter(|p| p.level == ProblemLevel::Error)
            {
                let file = problem.file.as_deref().unwrap_or("");
                let n = names.iter().position(|name| name == file);
                let message = format!(
                    "{}: {}",
                    problem.rule.as_deref().unwrap_or(""),
                    problem.message
                );
                match n {
                    Some(n) => outcomes[n].errors.push(message),
                    None => outcomes
                        .iter_mut()
                        .for_each(|o| o.errors.push(message.clone())),
                }
            }
            for finding in &report.findings {
                let file = &finding.object.location.file;
                let n = names
                    .iter()
                    .position(|name| name == file)
                    .expect("a finding lies in a scanned file");
                let object = report
                    .objects
                    .iter()
                    .filter(|o| o.location.file == *file)
                    .position(|o| *o == finding.object)
                    .expect("a finding's object is among the scanned objects");
                outcomes[n].findings.insert((
                    finding.rule_id.clone(),
                    object,
                    finding.path.clone(),
                ));
            }
        };
        record(self.alone.scan_sources(sources(0..files.len())));
        for n in 0..files.len() {
            record(self.with_inventory.scan_sources(sources(n..n + 1)));
        }
        outcomes
    }
}

/// What one subject's variants revealed.
#[derive(Default)]
struct Tally {
    variants: usize,
    errors: Vec<String>,
    lost: Vec<String>,
    excepted: usize,
}

impl Tally {
    fn merge(mut self, other: Tally) -> Tally {
        self.variants += other.variants;
        self.errors.extend(other.errors);
        self.lost.extend(other.lost);
        self.excepted += other.excepted;
        self
    }
}

/// One variant of a subject: which object, which field, which change.
struct Variant {
    object: usize,
    field: Vec<PathSegment>,
    change: Change,
    objects: Vec<Value>,
}

fn variants(subject: &Subject) -> Vec<Variant> {
    let mut out = Vec::new();
    for (index, object) in subject.objects.iter().enumerate() {
        let mut fields = Vec::new();
        collection_fields(object, &mut Vec::new(), &mut fields);
        for field in fields {
            for change in [Change::Null, Change::Empty, Change::Remove] {
                if let Some(varied) = vary(object, &field, change) {
                    let mut objects = subject.objects.clone();
                    objects[index] = varied;
                    out.push(Variant {
                        object: index,
                        field: field.clone(),
                        change,
                        objects,
                    });
                }
            }
        }
    }
    out
}

fn check_subject(scanners: &Scanners, subject: &Subject, exceptions: &[Exception]) -> Tally {
    let variants = variants(subject);
    let mut files = vec![subject.objects.clone()];
    files.extend(variants.iter().map(|v| v.objects.clone()));
    let mut outcomes = scanners.outcomes(&files).into_iter();
    let baseline = outcomes.next().expect("the baseline's outcome");
    let mut tally = Tally {
        variants: variants.len(),
        errors: baseline
            .errors
            .iter()
            .map(|e| format!("{} (unchanged): {e}", subject.name))
            .collect(),
        ..Tally::default()
    };
    for (variant, outcome) in variants.iter().zip(outcomes) {
        let what = format!(
            "{} object {}, {} {:?}",
            subject.name,
            variant.object,
            display_path(&variant.field),
            variant.change
        );
        tally
            .errors
            .extend(outcome.errors.iter().map(|e| format!("{what}: {e}")));
        for (rule, object, path) in baseline.findings.difference(&outcome.findings) {
            if *object == variant.object && path.starts_with(&variant.field) {
                continue;
            }
            if exceptions
                .iter()
                .any(|e| e.rule == *rule && pattern_matches(&e.changed, &variant.field))
            {
                tally.excepted += 1;
                continue;
            }
            tally.lost.push(format!(
                "{what}: lost {rule} on object {object} at {}",
                display_path(path)
            ));
        }
    }
    tally
}

fn check(subjects: &[Subject], label: &str) {
    let scanners = Scanners::new();
    let exceptions = exceptions();
    let started = std::time::Instant::now();
    // Threads with the stack the scanner's own pool gives its workers: variants are built and
    // scans started on these, and 2 MiB (rayon's default) overflowed in debug builds.
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(16 << 20)
        .build()
        .expect("a thread pool");
    let tally = pool.install(|| {
        subjects
            .par_iter()
            .map(|s| check_subject(&scanners, s, &exceptions))
            .reduce(Tally::default, Tally::merge)
    });
    eprintln!(
        "totality ({label}): {} files, {} variants, {} rule errors, {} lost findings, {} excepted, {:.1?}",
        subjects.len(),
        tally.variants,
        tally.errors.len(),
        tally.lost.len(),
        tally.excepted,
        started.elapsed()
    );
    assert!(tally.variants > 0);
    let mut failures = tally.errors;
    failures.extend(tally.lost);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn rule_samples_survive_null_empty_and_removed_fields() {
    let rules = builtin_rules();
    let subjects: Vec<Subject> = rules
        .rules()
        .iter()
        .flat_map(|rule| {
            rule.samples.iter().filter_map(move |(file, text)| {
                subject_from(&format!("{}/samples/{file}", rule.id()), text)
            })
        })
        .collect();
    check(&subjects, "rule samples");
}

/// The corpus of real manifests beside the clone (`../shared/corpus`), when present; CI sets
/// `KORDON_REQUIRE_CORPUS=1` so that there it must be.
fn corpus_dir() -> Option<std::path::PathBuf> {
    let dir = repo_root().join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("KORDON_REQUIRE_CORPUS").is_none(),
        "KORDON_REQUIRE_CORPUS is set but {} is missing",
        dir.display()
    );
    eprintln!("skipped: {} is missing", dir.display());
    None
}

fn manifest_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus folder is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            manifest_files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
}

/// How many corpus objects get their variants checked: one in this many of the objects with
/// at most [`CORPUS_FIELDS_MAX`] collection fields, in path order (the whole corpus would take
/// half an hour of debug-build time; the rule samples cover every rule already).
const CORPUS_STRIDE: usize = 80;
const CORPUS_FIELDS_MAX: usize = 120;

#[test]
fn corpus_objects_survive_null_empty_and_removed_fields() {
    let Some(dir) = corpus_dir() else { return };
    let mut files = Vec::new();
    manifest_files(&dir, &mut files);
    let mut candidates = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let document = Document::parse(
            Arc::new(Source::new(name.clone(), text)),
            Default::default(),
        );
        if !document.problems.is_empty() {
            continue;
        }
        for (n, object) in document.objects.iter().enumerate() {
            let value = object.root.to_json();
            let mut fields = Vec::new();
            collection_fields(&value, &mut Vec::new(), &mut fields);
            if (1..=CORPUS_FIELDS_MAX).contains(&fields.len()) {
                candidates.push(Subject {
                    name: format!("{name}#{n}"),
                    objects: vec![value],
                });
            }
        }
    }
    let subjects: Vec<Subject> = candidates.into_iter().step_by(CORPUS_STRIDE).collect();
    check(&subjects, "corpus sample");
}

#[test]
fn the_corpus_scans_without_rule_errors() {
    let Some(dir) = corpus_dir() else { return };
    let rules = builtin_rules()
        .with_sample_parameters()
        .expect("sample parameters match their schemas");
    let mut render = kordon::RenderOptions::default();
    render.helm.binary = std::env::var_os("KORDON_TEST_HELM").map(std::path::PathBuf::from);
    let report = Scanner::builder()
        .rules(rules)
        .render(render)
        .build()
        .expect("scanner builds")
        .scan_paths(&[dir]);
    let failures: Vec<String> = report
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error && p.kind == kordon::document::ProblemKind::Rule)
        .map(|p| format!("{}: {}", p.file.as_deref().unwrap_or(""), p.message))
        .collect();
    eprintln!(
        "corpus: {} objects, {} checks, {} rule errors",
        report.stats.objects,
        report.stats.checks,
        failures.len()
    );
    assert!(report.stats.objects > 1000);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_one_finding_per_problem(&report);
}

/// What code scanning and baselines rely on: one finding per (rule, written location), an
/// identity no other file shares, and every location a file the user can open.
fn assert_one_finding_per_problem(report: &kordon::ScanReport) {
    let mut places = std::collections::BTreeMap::new();
    let mut files_of_fingerprint: std::collections::BTreeMap<
        &str,
        std::collections::BTreeSet<&str>,
    > = std::collections::BTreeMap::new();
    let mut repeats = Vec::new();
    let mut at_render_names = Vec::new();
    for finding in &report.findings {
        let place = (
            finding.rule_id.as_str(),
            finding.location.file.as_str(),
            finding.location.start.line,
            finding.location.start.column,
        );
        if let Some(first) = places.insert(place, finding.message.as_str()) {
            repeats.push(format!("{place:?}: {first} / {}", finding.message));
        }
        files_of_fingerprint
            .entry(finding.fingerprint.as_str())
            .or_default()
            .insert(finding.location.file.as_str());
        if finding.location.file.ends_with(" (kustomize build)")
            || finding.location.file.ends_with(" (helm template)")
        {
            at_render_names.push(format!("{place:?}"));
        }
    }
    let shared: Vec<String> = files_of_fingerprint
        .iter()
        .filter(|(_, files)| files.len() > 1)
        .map(|(fingerprint, files)| format!("{fingerprint}: {files:?}"))
        .collect();
    eprintln!(
        "corpus: {} findings, {} repeats, {} fingerprints shared across files, {} at render names",
        report.findings.len(),
        repeats.len(),
        shared.len(),
        at_render_names.len()
    );
    assert!(
        repeats.is_empty(),
        "same rule and place:\n{}",
        repeats.join("\n")
    );
    assert!(
        shared.is_empty(),
        "identities shared across files:\n{}",
        shared.join("\n")
    );
    assert!(
        at_render_names.is_empty(),
        "findings at a render's name:\n{}",
        at_render_names.join("\n")
    );
}
