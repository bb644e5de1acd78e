//! Posture scores: how far a scan is from each compliance framework, weighted by risk.
//!
//! Every (rule, object) evaluation of a scan ([`ScanReport::checks`]) is one *check*. A check
//! fails when it left at least one active finding; a check whose findings were all suppressed is
//! *excepted* and counts as passing (an accepted, documented risk), but is counted apart so reports
//! can show it. A check weighs as much as its rule's severity ([`severity_weight`]); the *coverage*
//! is `Σ weight(passing or excepted checks) / Σ weight(all checks)`.
//!
//! Coverage alone hides risk: a repository of thousands of checks keeps a coverage above 90% with
//! dozens of privileged containers. So the score is the coverage scaled into the band of the worst
//! severity that still fails ([`severity_ceiling`]): `score = ceiling(worst failing) × coverage`. A
//! single failing critical check keeps a score at or under 40 whatever else passes, and `info`
//! notes never cost anything. Pod Security Standards are also judged the way the standard is
//! meant: per workload, pass or fail ([`PssVerdict`]).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::finding::{Finding, ObjectRef, Severity};
use crate::rules::{PssLevel, RuleMeta, RuleSet};
use crate::scan::ScanReport;

/// The weight of a check of a rule with this severity.
pub fn severity_weight(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 10,
        Severity::High => 6,
        Severity::Medium => 3,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

/// The highest score a group of checks can reach while a check of `worst` severity fails
/// (`None`: nothing fails). Each severity has its own band, so the number alone tells a lead
/// which class of problem is still open: critical ≤ 40, high ≤ 60, medium ≤ 80, low ≤ 95.
pub fn severity_ceiling(worst: Option<Severity>) -> f64 {
    match worst {
        Some(Severity::Critical) => 40.0,
        Some(Severity::High) => 60.0,
        Some(Severity::Medium) => 80.0,
        Some(Severity::Low) => 95.0,
        Some(Severity::Info) | None => 100.0,
    }
}

/// A compliance framework a score is computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Framework {
    /// Every rule that ran.
    All,
    /// CIS Kubernetes Benchmark: rules with `frameworks.cis` sections.
    Cis,
    /// NSA-CISA Kubernetes Hardening Guide: rules with `frameworks.nsa-cisa` sections.
    NsaCisa,
    /// Pod Security Standards, baseline level.
    PssBaseline,
    /// Pod Security Standards, restricted level (which includes every baseline control).
    PssRestricted,
}

impl Framework {
    /// Every framework, in report order.
    pub const ALL: [Framework; 5] = [
        Framework::All,
        Framework::Cis,
        Framework::NsaCisa,
        Framework::PssBaseline,
        Framework::PssRestricted,
    ];

    /// The id used in flags, JSON and templates (`all`, `cis`, `nsa-cisa`, `pss-baseline`,
    /// `pss-restricted`).
    pub fn id(self) -> &'static str {
        match self {
            Framework::All => "all",
            Framework::Cis => "cis",
            Framework::NsaCisa => "nsa-cisa",
            Framework::PssBaseline => "pss-baseline",
            Framework::PssRestricted => "pss-restricted",
        }
    }

    /// A human name.
    pub fn name(self) -> &'static str {
        match self {
            Framework::All => "All rules",
            Framework::Cis => "CIS Kubernetes Benchmark",
            Framework::NsaCisa => "NSA-CISA Kubernetes Hardening Guide",
            Framework::PssBaseline => "Pod Security Standards: baseline",
            Framework::PssRestricted => "Pod Security Standards: restricted",
        }
    }

    /// The controls of this framework a rule checks; empty when the rule is not part of it.
    /// For `all` and the Pod Security Standards (whose controls kordon's rules map one to one),
    /// the control is the rule itself.
    pub fn controls(self, meta: &RuleMeta) -> Vec<String> {
        match self {
            Framework::All => vec![meta.id.clone()],
            Framework::Cis => meta.frameworks.cis.clone(),
            Framework::NsaCisa => meta.frameworks.nsa_cisa.clone(),
            Framework::PssBaseline => match meta.frameworks.pss {
                Some(PssLevel::Baseline) => vec![meta.id.clone()],
                _ => Vec::new(),
            },
            Framework::PssRestricted => match meta.frameworks.pss {
                Some(_) => vec![meta.id.clone()],
                None => Vec::new(),
            },
        }
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Framework {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.to_ascii_lowercase();
        Framework::ALL
            .into_iter()
            .find(|f| f.id() == wanted)
            .ok_or_else(|| {
                format!(
                    "unknown framework `{s}` (expected {})",
                    Framework::ALL.map(Framework::id).join(", ")
                )
            })
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// No finding.
    Pass,
    /// At least one active finding.
    Fail,
    /// Findings, all of them suppressed with a reason: counts as passing.
    Excepted,
}

/// One (rule, object) check with its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CheckOutcome {
    /// The rule's id.
    pub rule: String,
    /// Index into [`ScanReport::objects`].
    pub object: usize,
    /// The rule's severity (after configuration overrides).
    pub severity: Severity,
    /// Pass, fail or excepted.
    pub status: CheckStatus,
    /// Indices into [`ScanReport::findings`] of its active findings.
    pub findings: Vec<usize>,
    /// Indices into [`ScanReport::suppressed`] of its suppressed findings.
    pub suppressed: Vec<usize>,
}

/// Counts and weights behind a score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Score {
    /// Checks counted.
    pub checks: usize,
    /// Checks that passed.
    pub passed: usize,
    /// Checks that failed.
    pub failed: usize,
    /// Checks excepted by a suppression (counted as passing).
    pub excepted: usize,
    /// Σ weight of all checks.
    pub weight_total: u64,
    /// Σ weight of passing and excepted checks.
    pub weight_passed: u64,
    /// The most serious severity among failing checks; `None` when nothing fails.
    pub worst_failing: Option<Severity>,
    /// Failing checks per severity.
    pub failed_by_severity: SeverityTally,
    /// `100 × Σ weight(passing and excepted) / Σ weight(all)`, one decimal; 100 when every check
    /// weighs nothing (`info` only); `None` when nothing was checked.
    pub coverage: Option<f64>,
    /// [`severity_ceiling`] of `worst_failing`.
    pub ceiling: f64,
    /// `ceiling × coverage / 100`, rounded to one decimal; `None` when nothing was checked.
    pub score: Option<f64>,
}

impl Default for Score {
    fn default() -> Self {
        Score {
            checks: 0,
            passed: 0,
            failed: 0,
            excepted: 0,
            weight_total: 0,
            weight_passed: 0,
            worst_failing: None,
            failed_by_severity: SeverityTally::default(),
            coverage: None,
            ceiling: severity_ceiling(None),
            score: None,
        }
    }
}

/// A count per severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct SeverityTally {
    /// Critical.
    pub critical: usize,
    /// High.
    pub high: usize,
    /// Medium.
    pub medium: usize,
    /// Low.
    pub low: usize,
    /// Info.
    pub info: usize,
}

impl SeverityTally {
    /// Counts one more of `severity`.
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Info => self.info += 1,
        }
    }
}

impl Score {
    fn add(&mut self, outcome: &CheckOutcome) {
        let weight = u64::from(severity_weight(outcome.severity));
        self.checks += 1;
        self.weight_total += weight;
        match outcome.status {
            CheckStatus::Pass => self.passed += 1,
            CheckStatus::Fail => {
                self.failed += 1;
                self.failed_by_severity.add(outcome.severity);
                self.worst_failing = self.worst_failing.max(Some(outcome.severity));
            }
            CheckStatus::Excepted => self.excepted += 1,
        }
        if outcome.status != CheckStatus::Fail {
            self.weight_passed += weight;
        }
    }

    fn finish(&mut self) {
        // Info notes carry no risk: checks that all weigh nothing cover everything.
        let share = if self.weight_total > 0 {
            Some(self.weight_passed as f64 / self.weight_total as f64)
        } else if self.checks > 0 {
            Some(1.0)
        } else {
            None
        };
        self.ceiling = severity_ceiling(self.worst_failing);
        self.coverage = share.map(|s| round_tenth(s * 100.0));
        self.score = share.map(|s| round_tenth(s * self.ceiling));
    }
}

/// The score of one control (or namespace, or file) within a framework.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GroupScore {
    /// The control id (CIS section, NSA-CISA section name, rule id), namespace or file name.
    pub id: String,
    /// The rules counted in this group, sorted.
    pub rules: Vec<String>,
    /// The highest severity among the group's rules.
    pub severity: Severity,
    /// The score.
    #[serde(flatten)]
    pub score: Score,
}

/// A framework's scores: overall, per control, per namespace and per file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FrameworkScore {
    /// The framework's id (`cis`, ...).
    pub id: Framework,
    /// Its human name.
    pub name: String,
    /// The overall score (each check counted once, even when its rule maps to several controls).
    #[serde(flatten)]
    pub score: Score,
    /// Per control, worst first (lowest score, then most failures, then id).
    pub controls: Vec<GroupScore>,
    /// Per namespace (objects without one under `(none)`), sorted by name.
    pub namespaces: Vec<GroupScore>,
    /// Per file, sorted by name.
    pub files: Vec<GroupScore>,
}

/// Posture of a whole scan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Posture {
    /// One entry per framework, in [`Framework::ALL`] order.
    pub frameworks: Vec<FrameworkScore>,
    /// Every check's outcome, in the order of [`ScanReport::checks`].
    pub checks: Vec<CheckOutcome>,
    /// The Pod Security Standards verdict of every object a PSS rule checked, in object order.
    pub workloads: Vec<PssVerdict>,
}

/// How one workload fares against the Pod Security Standards: the standard admits or rejects a
/// pod as a whole, so a single failing control fails the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PssVerdict {
    /// Index into [`ScanReport::objects`].
    pub object: usize,
    /// Baseline controls (rule ids) the workload fails, sorted; empty: it passes baseline.
    pub baseline_failures: Vec<String>,
    /// Restricted-profile controls it fails (every baseline control included), sorted; empty: it
    /// passes restricted.
    pub restricted_failures: Vec<String>,
}

impl PssVerdict {
    /// Whether the workload passes the baseline profile.
    pub fn passes_baseline(&self) -> bool {
        self.baseline_failures.is_empty()
    }

    /// Whether the workload passes the restricted profile.
    pub fn passes_restricted(&self) -> bool {
        self.restricted_failures.is_empty()
    }
}

/// Workloads that pass and fail one Pod Security Standards profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct WorkloadCounts {
    /// Workloads judged.
    pub workloads: usize,
    /// Of which pass the profile.
    pub passed: usize,
    /// Of which fail it.
    pub failed: usize,
}

impl Posture {
    /// Workloads passing and failing `framework`'s profile; `None` for frameworks that are not a
    /// Pod Security Standards profile.
    pub fn workload_counts(&self, framework: Framework) -> Option<WorkloadCounts> {
        let passes: fn(&PssVerdict) -> bool = match framework {
            Framework::PssBaseline => PssVerdict::passes_baseline,
            Framework::PssRestricted => PssVerdict::passes_restricted,
            _ => return None,
        };
        let passed = self.workloads.iter().filter(|w| passes(w)).count();
        Some(WorkloadCounts {
            workloads: self.workloads.len(),
            passed,
            failed: self.workloads.len() - passed,
        })
    }
}

fn pss_verdicts(checks: &[CheckOutcome], rules: &RuleSet) -> Vec<PssVerdict> {
    let mut by_object: BTreeMap<usize, PssVerdict> = BTreeMap::new();
    for outcome in checks {
        let Some(level) = rules.get(&outcome.rule).and_then(|r| r.meta.frameworks.pss) else {
            continue;
        };
        let verdict = by_object
            .entry(outcome.object)
            .or_insert_with(|| PssVerdict {
                object: outcome.object,
                baseline_failures: Vec::new(),
                restricted_failures: Vec::new(),
            });
        if outcome.status != CheckStatus::Fail {
            continue;
        }
        if level == PssLevel::Baseline {
            verdict.baseline_failures.push(outcome.rule.clone());
        }
        verdict.restricted_failures.push(outcome.rule.clone());
    }
    by_object
        .into_values()
        .map(|mut v| {
            v.baseline_failures.sort();
            v.baseline_failures.dedup();
            v.restricted_failures.sort();
            v.restricted_failures.dedup();
            v
        })
        .collect()
}

impl Posture {
    /// The scores of one framework.
    pub fn framework(&self, framework: Framework) -> Option<&FrameworkScore> {
        self.frameworks.iter().find(|f| f.id == framework)
    }
}

/// The label of objects without `metadata.namespace` in per-namespace scores.
pub const NO_NAMESPACE: &str = "(none)";

fn object_key(object: &ObjectRef) -> (&str, usize) {
    (object.location.file.as_str(), object.location.span.start)
}

/// Objects of each file by where they start, to find the object a position falls in.
fn objects_by_file(objects: &[ObjectRef]) -> HashMap<&str, Vec<(usize, usize)>> {
    let mut by_file: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (i, object) in objects.iter().enumerate() {
        by_file
            .entry(object.location.file.as_str())
            .or_default()
            .push((object.location.span.start, i));
    }
    for starts in by_file.values_mut() {
        starts.sort_unstable();
    }
    by_file
}

/// The objects of the scan a finding is about. A finding mapped back from a render to the file a
/// user edits names its object there, so its objects are found through the related locations that
/// keep where each render had it (a base built by several overlays is one finding about one object
/// per overlay): the last object of that file starting at or before each such place.
fn finding_objects(
    finding: &Finding,
    objects: &HashMap<(&str, usize), usize>,
    by_file: &HashMap<&str, Vec<(usize, usize)>>,
) -> Vec<usize> {
    if let Some(&object) = objects.get(&object_key(&finding.object)) {
        return vec![object];
    }
    let object_at = |related: &crate::finding::RelatedLocation| {
        let starts = by_file.get(related.location.file.as_str())?;
        let at = related.location.span.start;
        let after = starts.partition_point(|&(start, _)| start <= at);
        after.checked_sub(1).map(|i| starts[i].1)
    };
    let mut found: Vec<usize> = finding
        .related
        .iter()
        .filter(|related| crate::provenance::is_render_place(related))
        .filter_map(object_at)
        .collect();
    if found.is_empty() {
        found.extend(finding.related.iter().find_map(object_at));
    }
    found.sort_unstable();
    found.dedup();
    found
}

fn index_findings(
    findings: &[Finding],
    objects: &HashMap<(&str, usize), usize>,
    by_file: &HashMap<&str, Vec<(usize, usize)>>,
) -> HashMap<(String, usize), Vec<usize>> {
    let mut out: HashMap<(String, usize), Vec<usize>> = HashMap::new();
    for (i, finding) in findings.iter().enumerate() {
        for object in finding_objects(finding, objects, by_file) {
            out.entry((finding.rule_id.clone(), object))
                .or_default()
                .push(i);
        }
    }
    out
}

/// Classifies every check of `report` and scores it per framework. `rules` supplies severities
/// and framework mappings; a check of a rule missing from `rules` counts only under `all`, with
/// the highest severity of its findings (or `medium` when it has none).
pub fn posture(report: &ScanReport, rules: &RuleSet) -> Posture {
    let objects: HashMap<(&str, usize), usize> = report
        .objects
        .iter()
        .enumerate()
        .map(|(i, o)| (object_key(o), i))
        .collect();
    let by_file = objects_by_file(&report.objects);
    let mut active = index_findings(&report.findings, &objects, &by_file);
    let mut silenced = index_findings(&report.suppressed, &objects, &by_file);

    let mut checks = Vec::with_capacity(report.checks.len());
    for check in &report.checks {
        let key = (check.rule.to_string(), check.object);
        let findings = active.remove(&key).unwrap_or_default();
        let suppressed = silenced.remove(&key).unwrap_or_default();
        let status = if !findings.is_empty() {
            CheckStatus::Fail
        } else if !suppressed.is_empty() {
            CheckStatus::Excepted
        } else if check.violations > 0 {
            // Violations that became neither finding nor suppression: never call that a pass.
            CheckStatus::Fail
        } else {
            CheckStatus::Pass
        };
        let severity = match rules.get(&check.rule) {
            Some(rule) => rule.meta.severity,
            None => findings
                .iter()
                .map(|&i| report.findings[i].severity)
                .chain(suppressed.iter().map(|&i| report.suppressed[i].severity))
                .max()
                .unwrap_or(Severity::Medium),
        };
        checks.push(CheckOutcome {
            rule: check.rule.to_string(),
            object: check.object,
            severity,
            status,
            findings,
            suppressed,
        });
    }

    let frameworks = Framework::ALL
        .into_iter()
        .map(|framework| score_framework(framework, report, rules, &checks))
        .collect();
    let workloads = pss_verdicts(&checks, rules);
    Posture {
        frameworks,
        checks,
        workloads,
    }
}

#[derive(Default)]
struct Group {
    score: Score,
    rules: std::collections::BTreeSet<String>,
    severity: Option<Severity>,
}

impl Group {
    fn add(&mut self, outcome: &CheckOutcome) {
        self.score.add(outcome);
        self.rules.insert(outcome.rule.clone());
        self.severity = self.severity.max(Some(outcome.severity));
    }

    fn finish(mut self, id: String) -> GroupScore {
        self.score.finish();
        GroupScore {
            id,
            rules: self.rules.into_iter().collect(),
            severity: self.severity.unwrap_or(Severity::Info),
            score: self.score,
        }
    }
}

fn finish_groups(groups: BTreeMap<String, Group>) -> Vec<GroupScore> {
    groups.into_iter().map(|(id, g)| g.finish(id)).collect()
}

fn score_framework(
    framework: Framework,
    report: &ScanReport,
    rules: &RuleSet,
    checks: &[CheckOutcome],
) -> FrameworkScore {
    let mut overall = Score::default();
    let mut controls: BTreeMap<String, Group> = BTreeMap::new();
    let mut namespaces: BTreeMap<String, Group> = BTreeMap::new();
    let mut files: BTreeMap<String, Group> = BTreeMap::new();
    for outcome in checks {
        let mapped = match rules.get(&outcome.rule) {
            Some(rule) => framework.controls(&rule.meta),
            None if framework == Framework::All => vec![outcome.rule.clone()],
            None => Vec::new(),
        };
        if mapped.is_empty() {
            continue;
        }
        overall.add(outcome);
        for control in mapped {
            controls.entry(control).or_default().add(outcome);
        }
        if let Some(object) = report.objects.get(outcome.object) {
            let namespace = object.namespace.as_deref().unwrap_or(NO_NAMESPACE);
            namespaces
                .entry(namespace.to_string())
                .or_default()
                .add(outcome);
            files
                .entry(object.location.file.clone())
                .or_default()
                .add(outcome);
        }
    }
    overall.finish();
    let mut controls = finish_groups(controls);
    controls.sort_by(|a, b| {
        let a_score = a.score.score.unwrap_or(100.0);
        let b_score = b.score.score.unwrap_or(100.0);
        a_score
            .total_cmp(&b_score)
            .then(b.score.failed.cmp(&a.score.failed))
            .then_with(|| natural_cmp(&a.id, &b.id))
    });
    FrameworkScore {
        id: framework,
        name: framework.name().to_string(),
        score: overall,
        controls,
        namespaces: finish_groups(namespaces),
        files: finish_groups(files),
    }
}

fn round_tenth(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Orders `5.2.10` after `5.2.9`: runs of digits compare by value.
pub(crate) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(s: &str) -> Vec<Result<u64, &str>> {
        let mut out = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let (head, tail) = if digits > 0 {
                rest.split_at(digits)
            } else {
                let other =
                    rest.len() - rest.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
                rest.split_at(other)
            };
            out.push(head.parse::<u64>().map_err(|_| head));
            rest = tail;
        }
        out
    }
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(&pb) {
        let ordering = match (x, y) {
            (Ok(x), Ok(y)) => x.cmp(y),
            (Err(x), Err(y)) => x.cmp(y),
            (Ok(_), Err(_)) => std::cmp::Ordering::Less,
            (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        };
        if ordering != std::cmp::Ordering::Equal {
            return ordering;
        }
    }
    pa.len().cmp(&pb.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_follow_severity() {
        assert_eq!(
            Severity::ALL.map(severity_weight),
            [10, 6, 3, 1, 0],
            "critical..info"
        );
    }

    #[test]
    fn framework_ids_round_trip() {
        for f in Framework::ALL {
            assert_eq!(f.id().parse::<Framework>(), Ok(f));
        }
        assert!("pci".parse::<Framework>().is_err());
    }

    #[test]
    fn natural_order_of_sections() {
        let mut ids = vec!["5.2.10", "5.2.9", "5.1.1", "b", "a"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["5.1.1", "5.2.9", "5.2.10", "a", "b"]);
    }

    fn outcome(severity: Severity, status: CheckStatus) -> CheckOutcome {
        CheckOutcome {
            rule: "r".into(),
            object: 0,
            severity,
            status,
            findings: Vec::new(),
            suppressed: Vec::new(),
        }
    }

    #[test]
    fn score_is_weighted_by_severity() {
        let mut score = Score::default();
        score.add(&outcome(Severity::Critical, CheckStatus::Fail));
        score.add(&outcome(Severity::Low, CheckStatus::Pass));
        score.add(&outcome(Severity::Medium, CheckStatus::Excepted));
        score.finish();
        // coverage (1 + 3) / (10 + 1 + 3), in the critical band: 40 × 4 / 14
        assert_eq!(score.coverage, Some(28.6));
        assert_eq!(score.worst_failing, Some(Severity::Critical));
        assert_eq!(score.score, Some(11.4));
        assert_eq!((score.passed, score.failed, score.excepted), (1, 1, 1));
        assert_eq!(score.failed_by_severity.critical, 1);
        assert_eq!(score.failed_by_severity.high, 0);
    }

    #[test]
    fn info_notes_cost_nothing() {
        let mut score = Score::default();
        score.add(&outcome(Severity::Info, CheckStatus::Fail));
        score.add(&outcome(Severity::Info, CheckStatus::Pass));
        score.finish();
        assert_eq!(score.score, Some(100.0));
        assert_eq!(score.worst_failing, Some(Severity::Info));
        let mut empty = Score::default();
        empty.finish();
        assert_eq!(empty.score, None);
    }

    #[test]
    fn one_failing_critical_costs_more_than_a_hundred_info_notes() {
        let mut notes = Score::default();
        let mut critical = Score::default();
        for _ in 0..1000 {
            notes.add(&outcome(Severity::High, CheckStatus::Pass));
            critical.add(&outcome(Severity::High, CheckStatus::Pass));
        }
        for _ in 0..100 {
            notes.add(&outcome(Severity::Info, CheckStatus::Fail));
        }
        critical.add(&outcome(Severity::Critical, CheckStatus::Fail));
        notes.finish();
        critical.finish();
        assert_eq!(notes.score, Some(100.0));
        // 6000 / 6010 of the weight passes, yet the critical band caps the score at 40.
        assert_eq!(critical.coverage, Some(99.8));
        assert_eq!(critical.score, Some(39.9));
    }

    #[test]
    fn each_severity_has_its_band() {
        let ceilings = Severity::ALL.map(|s| severity_ceiling(Some(s)));
        assert_eq!(ceilings, [40.0, 60.0, 80.0, 95.0, 100.0]);
        assert_eq!(severity_ceiling(None), 100.0);
    }
}
