//! Fixing a whole file: rounds of non-conflicting fixes up to a fixpoint, a check that the result
//! still parses and no longer shows the fixed findings, and an atomic write.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::Arc;

use super::{FixMode, FixOutcome, SkipReason, SkippedFix, apply_fixes};
use crate::document::{Document, ParseLimits, ProblemKind, Source};
use crate::finding::Finding;
use crate::scan::Scanner;

/// Most rounds of fixing one file: a fix that conflicted in one round is tried again on the
/// re-scanned text of the next.
pub const MAX_ROUNDS: usize = 5;

/// Fixes one file in memory: applies the non-conflicting fixes of `findings`, re-scans the result
/// with `scanner`, and repeats until nothing more applies (at most [`MAX_ROUNDS`] rounds). The
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
        current = rescan(scanner, source, &text).findings;
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
/// is read back and checked with [`verify_fixed`], takes the original's permissions, and is
/// renamed over the original. On any failure the original is left untouched and the reason
/// returned.
pub fn write_fixed(scanner: &Scanner, source: &Source, outcome: &FixOutcome) -> Result<(), String> {
    let path = source
        .path
        .as_deref()
        .ok_or("standard input cannot be fixed in place (use --diff to see the changes)")?;
    let target =
        std::fs::canonicalize(path).map_err(|e| format!("cannot resolve the path: {e}"))?;
    let dir = target.parent().ok_or("the file has no parent directory")?;
    let on_disk =
        std::fs::read_to_string(&target).map_err(|e| format!("cannot re-read the file: {e}"))?;
    if on_disk != source.text {
        return Err("the file changed on disk while it was being fixed; not overwriting it".into());
    }
    let permissions = std::fs::metadata(&target)
        .map_err(|e| format!("cannot read the file's permissions: {e}"))?
        .permissions();
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
    std::fs::set_permissions(temp.path(), permissions)
        .map_err(|e| format!("cannot copy the file's permissions: {e}"))?;
    temp.persist(&target)
        .map_err(|e| format!("cannot replace the file: {}", e.error))?;
    Ok(())
}
