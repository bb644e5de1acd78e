//! Fixing a whole file: rounds of non-conflicting fixes up to a fixpoint, a check that the result
//! still parses and no longer shows the fixed findings, and an atomic write.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::sync::Arc;

use super::{FixMode, FixOutcome, SkipReason, SkippedFix, apply_fixes};
use crate::document::{Document, ParseLimits, ProblemKind, Source};
use crate::finding::Finding;
use crate::scan::{Problem, ProblemLevel, ScanReport, Scanner};

/// Most rounds of fixing one file: a fix that conflicted in one round is tried again on the
/// re-scanned text of the next. Fixes that insert at one place (every key a container's new
/// `securityContext` needs) go in one per round, so a hardening of a bare pod takes about ten;
/// each round costs one re-scan of one file.
pub const MAX_ROUNDS: usize = 32;

/// Fixes one file in memory: applies the non-conflicting fixes of `findings`, re-scans the result
/// with `scanner`, and repeats until nothing more applies (at most `MAX_ROUNDS` rounds). The
/// outcome's `skipped` lists the fixes of the findings that remain.
pub fn fix_source(
    scanner: &Scanner,
    source: &Source,
    findings: &[Finding],
    mode: FixMode,
) -> FixOutcome {
    let mut text = source.text.clone();
    let mut current: Vec<Finding> = findings
        .iter()
        .filter(|f| f.location.file == source.name)
        .cloned()
        .collect();
    let mut applied = Vec::new();
    let mut attempted: BTreeSet<String> = BTreeSet::new();
    let mut reasons: BTreeMap<String, SkippedFix> = BTreeMap::new();
    for _ in 0..MAX_ROUNDS {
        let candidates: Vec<Finding> = current
            .iter()
            .filter(|f| !attempted.contains(&f.fingerprint))
            .cloned()
            .collect();
        let round = apply_fixes(&text, &source.name, &candidates, mode);
        for skipped in round.skipped {
            reasons.insert(skipped.fingerprint.clone(), skipped);
        }
        if round.applied.is_empty() {
            break;
        }
        attempted.extend(round.applied.iter().map(|a| a.fingerprint.clone()));
        applied.extend(round.applied);
        text = round.new_text;
        // A values file holds no object for the re-scan to find again: its fixes are carried
        // to the next round, their paths being from the file's root.
        let carried: Vec<Finding> = current
            .iter()
            .filter(|f| is_values_fix(f) && !attempted.contains(&f.fingerprint))
            .cloned()
            .collect();
        current = rescan(scanner, source, &text).findings;
        current.extend(carried);
    }
    let skipped = current
        .iter()
        .filter(|f| f.fix.is_some() && !attempted.contains(&f.fingerprint))
        .map(|f| {
            reasons
                .remove(&f.fingerprint)
                .unwrap_or_else(|| SkippedFix {
                    rule_id: f.rule_id.clone(),
                    fingerprint: f.fingerprint.clone(),
                    title: f.fix.as_ref().map(|x| x.title.clone()).unwrap_or_default(),
                    location: f.location.clone(),
                    reason: SkipReason::Conflict,
                })
        })
        .collect();
    FixOutcome {
        new_text: text,
        applied,
        skipped,
    }
}

fn is_values_fix(finding: &Finding) -> bool {
    finding
        .fix
        .as_ref()
        .is_some_and(|fix| fix.target == crate::finding::FixTarget::ValuesFile)
}

/// For a values file: the fixed text must read as the original values with exactly the
/// applied fixes' keys changed (what rendering the chart again proved at scan time).
fn check_values_fixed(
    source: &Source,
    findings: &[Finding],
    outcome: &FixOutcome,
) -> Result<(), String> {
    let applied: BTreeSet<&str> = outcome
        .applied
        .iter()
        .map(|a| a.fingerprint.as_str())
        .collect();
    let ops: Vec<crate::finding::PatchOp> = findings
        .iter()
        .filter(|f| is_values_fix(f) && applied.contains(f.fingerprint.as_str()))
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|fix| fix.ops.iter().cloned())
        .collect();
    if ops.is_empty() {
        return Ok(());
    }
    let before = crate::values_fix::first_root(&source.text)
        .ok_or("the values file does not parse")?
        .to_json();
    let expected = crate::values_fix::values_with(&before, &ops)
        .ok_or("the fixes cannot be applied to the values")?;
    let after = crate::values_fix::first_root(&outcome.new_text)
        .ok_or("the fixed values file no longer parses")?
        .to_json();
    if after == expected {
        Ok(())
    } else {
        Err(
            "the fixed values file does not read as the original with only the fixed keys changed"
                .into(),
        )
    }
}

fn rescan(scanner: &Scanner, source: &Source, text: &str) -> crate::scan::ScanReport {
    scanner.scan_sources(vec![Source {
        name: source.name.clone(),
        path: source.path.clone(),
        text: text.to_string(),
    }])
}

fn parse_problems(name: &str, text: &str) -> (usize, usize) {
    let document = Document::parse(
        Arc::new(Source::new(name, text.to_string())),
        ParseLimits::default(),
    );
    let broken = document
        .problems
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                ProblemKind::Syntax | ProblemKind::Limit | ProblemKind::UnrenderedTemplate
            )
        })
        .count();
    (broken, document.objects.len())
}

/// Checks fixed text before it replaces the original: it parses with no new errors, holds the
/// same number of objects, and a re-scan no longer reports the findings whose fixes were
/// applied.
pub fn verify_fixed(
    scanner: &Scanner,
    source: &Source,
    fixed_text: &str,
    outcome: &FixOutcome,
) -> Result<(), String> {
    let (broken_before, objects_before) = parse_problems(&source.name, &source.text);
    let (broken_after, objects_after) = parse_problems(&source.name, fixed_text);
    if broken_after > broken_before {
        return Err("the fixed text no longer parses".into());
    }
    if objects_after != objects_before {
        return Err(format!(
            "the fixed text holds {objects_after} objects instead of {objects_before}"
        ));
    }
    let report = rescan(scanner, source, fixed_text);
    let fixed: BTreeSet<&str> = outcome
        .applied
        .iter()
        .map(|a| a.fingerprint.as_str())
        .collect();
    if let Some(still) = report
        .findings
        .iter()
        .find(|f| fixed.contains(f.fingerprint.as_str()))
    {
        return Err(format!(
            "the fix for `{}` did not resolve it (still reported at line {})",
            still.rule_id, still.location.start.line
        ));
    }
    Ok(())
}

/// Writes a fixed file atomically: the new text goes to a temporary file beside the original,
/// is read back and checked with [`verify_fixed`], takes the original's permissions, owner and
/// group, and is renamed over the original once its content is confirmed unchanged since the
/// scan. On any failure the original is left untouched and the reason returned.
///
/// Refused, because replacing them would not do what the user expects: a symbolic link (the
/// rename would replace the link, or, resolved, write outside the scanned tree), a file that is
/// not a regular file, a read-only file, and a file with more than one hard link (the others
/// would keep the old text).
pub fn write_fixed(scanner: &Scanner, source: &Source, outcome: &FixOutcome) -> Result<(), String> {
    let path = source
        .path
        .as_deref()
        .ok_or("standard input cannot be fixed in place (use --diff to see the changes)")?;
    let target = writable_target(path)?;
    let dir = target.parent().ok_or("the file has no parent directory")?;
    let unchanged = || -> Result<(), String> {
        let on_disk = std::fs::read_to_string(&target)
            .map_err(|e| format!("cannot re-read the file: {e}"))?;
        if on_disk != source.text {
            return Err(
                "the file changed on disk while it was being fixed; not overwriting it".into(),
            );
        }
        Ok(())
    };
    unchanged()?;
    let metadata = std::fs::metadata(&target)
        .map_err(|e| format!("cannot read the file's permissions: {e}"))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".kordon-fix-")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot create a temporary file in {}: {e}", dir.display()))?;
    temp.write_all(outcome.new_text.as_bytes())
        .and_then(|_| temp.as_file().sync_all())
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    let written = std::fs::read_to_string(temp.path())
        .map_err(|e| format!("cannot read back the temporary file: {e}"))?;
    if written != outcome.new_text {
        return Err("the temporary file does not hold what was written".into());
    }
    verify_fixed(scanner, source, &written, outcome)?;
    keep_owner(temp.as_file(), &metadata)?;
    std::fs::set_permissions(temp.path(), metadata.permissions())
        .map_err(|e| format!("cannot copy the file's permissions: {e}"))?;
    // Verification re-scans the file and takes a while: an edit made meanwhile must win.
    unchanged()?;
    temp.persist(&target)
        .map_err(|e| format!("cannot replace the file: {}", e.error))?;
    Ok(())
}

/// The path to write for `path`: refused unless it is a regular, writable file with one link.
fn writable_target(path: &std::path::Path) -> Result<std::path::PathBuf, String> {
    let own = std::fs::symlink_metadata(path).map_err(|e| format!("cannot read the file: {e}"))?;
    if own.file_type().is_symlink() {
        return Err(
            "it is a symbolic link; --fix does not write through links (fix the file it points to)"
                .into(),
        );
    }
    if !own.file_type().is_file() {
        return Err("it is not a regular file".into());
    }
    if own.permissions().readonly() {
        return Err(
            "the file is read-only; kordon does not replace it (make it writable to fix it)".into(),
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if own.nlink() > 1 {
            return Err(format!(
                "the file has {} hard links; replacing it would leave the other names with the old text (fix it by hand)",
                own.nlink()
            ));
        }
    }
    // Writable by its mode is not writable by us (another user's file in a shared folder).
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| format!("the file is not writable: {e}"))?;
    std::fs::canonicalize(path).map_err(|e| format!("cannot resolve the path: {e}"))
}

/// Gives the replacement file the original's owner and group (a new file gets ours).
fn keep_owner(file: &std::fs::File, original: &std::fs::Metadata) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let ours = file
            .metadata()
            .map_err(|e| format!("cannot read the temporary file: {e}"))?;
        if (ours.uid(), ours.gid()) != (original.uid(), original.gid()) {
            std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid())).map_err(
                |e| format!("cannot give the fixed file the original's owner and group: {e}"),
            )?;
        }
    }
    #[cfg(not(unix))]
    let _ = (file, original);
    Ok(())
}

/// What fixing the files of a scan did to one file.
#[derive(Debug, Clone)]
pub struct FileFix {
    /// The file's display name.
    pub name: String,
    /// The text before fixing.
    pub original: String,
    /// The fixes applied and skipped, and the new text.
    pub outcome: FixOutcome,
    /// True when the new text was written over the file.
    pub written: bool,
}

impl FileFix {
    /// The change as a unified diff (empty when nothing changed).
    pub fn diff(&self) -> String {
        super::unified_diff(&self.name, &self.original, &self.outcome.new_text)
    }
}

/// Everything fixing a scan's files did.
#[derive(Debug, Clone, Default)]
pub struct FixRun {
    /// Files that had fixes to apply.
    pub files: Vec<FileFix>,
    /// Fixes that could not be applied or written: errors for failed writes and checks, warnings
    /// for fixes skipped (Helm output, standard input, anchors, conflicts).
    pub problems: Vec<Problem>,
    /// Findings whose fix needs `--unsafe-fixes`.
    pub unsafe_skipped: usize,
}

impl FixRun {
    /// Number of fixes applied over all files.
    pub fn applied(&self) -> usize {
        self.files.iter().map(|f| f.outcome.applied.len()).sum()
    }
}

/// Fixes the files of a finished scan: every file with fixable findings is fixed in memory
/// ([`fix_source`]), checked ([`verify_fixed`]), and, when `write` is true, written
/// ([`write_fixed`]). Helm-rendered text and standard input are never written: a warning says
/// where to make the change instead.
pub fn fix_report(scanner: &Scanner, report: &ScanReport, mode: FixMode, write: bool) -> FixRun {
    let mut run = FixRun::default();
    // Grouped once: filtering every finding for every file was quadratic on large scans.
    let mut by_file: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for finding in report.findings.iter().filter(|f| f.fix.is_some()) {
        by_file
            .entry(finding.location.file.as_str())
            .or_default()
            .push(finding);
    }
    for source in &report.sources {
        let findings: Vec<Finding> = by_file
            .get(source.name.as_str())
            .map(|found| found.iter().map(|&f| f.clone()).collect())
            .unwrap_or_default();
        let allowed: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| mode.allows(x.applicability)))
            .collect();
        run.unsafe_skipped += findings.len() - allowed.len();
        if allowed.is_empty() {
            continue;
        }
        let warn = |finding: Option<&Finding>, message: String| Problem {
            level: ProblemLevel::Warning,
            kind: ProblemKind::Fix,
            file: Some(source.name.clone()),
            position: finding.map(|f| f.location.start),
            rule: finding.map(|f| f.rule_id.clone()),
            message,
        };
        if super::is_helm_rendered(&source.text) {
            let mut templates: Vec<String> = allowed
                .iter()
                .filter_map(|f| super::helm_template_at(&source.text, f.object.location.span.start))
                .collect();
            templates.sort_unstable();
            templates.dedup();
            run.problems.push(warn(
                None,
                format!(
                    "{} fix(es) not applied: this is rendered Helm output, and a change here would be lost at the next render; make it in the chart instead: {}",
                    allowed.len(),
                    if templates.is_empty() {
                        "the chart's templates or values".to_string()
                    } else {
                        templates.join(", ")
                    }
                ),
            ));
            continue;
        }
        let is_stdin = source.name == crate::input::display_name(std::path::Path::new("-"));
        if source.path.is_none() && !is_stdin {
            run.problems.push(warn(
                None,
                format!(
                    "{} fix(es) not applied: this text was generated (e.g. by a kustomize build) and has no file of its own; change the resources or patches it was built from",
                    allowed.len()
                ),
            ));
            continue;
        }
        if is_stdin && write {
            run.problems.push(warn(
                None,
                format!(
                    "{} fix(es) not applied: standard input cannot be fixed in place; use --diff to print the changes",
                    allowed.len()
                ),
            ));
            continue;
        }
        if write
            && let Some(path) = source.path.as_deref()
            && let Err(why) = inside_roots(path, &report.roots)
        {
            run.problems.push(Problem {
                level: ProblemLevel::Error,
                kind: ProblemKind::Fix,
                file: Some(source.name.clone()),
                position: None,
                rule: None,
                message: format!("{} fix(es) not applied: {why}", allowed.len()),
            });
            continue;
        }
        let outcome = fix_source(scanner, source, &findings, mode);
        for skipped in &outcome.skipped {
            if skipped.reason != SkipReason::Unsafe {
                run.problems.push(Problem {
                    level: ProblemLevel::Warning,
                    kind: ProblemKind::Fix,
                    file: Some(source.name.clone()),
                    position: Some(skipped.location.start),
                    rule: Some(skipped.rule_id.clone()),
                    message: format!("`{}` not fixed: {}", skipped.rule_id, skipped.reason),
                });
            }
        }
        if outcome.applied.is_empty() {
            continue;
        }
        let checked = if let Err(why) = check_values_fixed(source, &findings, &outcome) {
            Err(why)
        } else if write {
            write_fixed(scanner, source, &outcome)
        } else {
            verify_fixed(scanner, source, &outcome.new_text, &outcome)
        };
        let written = write && checked.is_ok();
        if let Err(why) = checked {
            run.problems.push(Problem {
                level: ProblemLevel::Error,
                kind: ProblemKind::Fix,
                file: Some(source.name.clone()),
                position: None,
                rule: None,
                message: format!(
                    "{} fix(es) not applied, the file is unchanged: {why}",
                    outcome.applied.len()
                ),
            });
            continue;
        }
        run.files.push(FileFix {
            name: source.name.clone(),
            original: source.text.clone(),
            outcome,
            written,
        });
    }
    run
}

/// Whether `path` resolves inside one of the scan's `roots` (none: the text was scanned from
/// memory and its caller chose the path).
fn inside_roots(path: &std::path::Path, roots: &[std::path::PathBuf]) -> Result<(), String> {
    if roots.is_empty() {
        return Ok(());
    }
    let resolved =
        std::fs::canonicalize(path).map_err(|e| format!("cannot resolve the path: {e}"))?;
    if roots.iter().any(|root| resolved.starts_with(root)) {
        Ok(())
    } else {
        Err(format!(
            "it resolves to {}, outside the scanned paths; --fix writes only inside them",
            resolved.display()
        ))
    }
}
