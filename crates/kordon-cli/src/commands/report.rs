//! `kordon report`, and the report formats of `kordon scan --format`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kordon::report::{
    GITHUB_COMMENT_LIMIT, ReportContext, ReportOptions, SavedReport, TemplateFormat, posture,
    render_posture_json, render_report, render_report_within, render_template,
};
use kordon::{RuleSet, ScanReport};

use crate::args::{ReportArgs, ReportCommandArgs, ReportFormat};
use crate::commands::scan::{ScanRequest, scan_configured};
use crate::output::write_output;

/// Markdown goes into pull-request comments: a few examples per control say enough.
const MARKDOWN_DEFAULT_MAX_FINDINGS: usize = 5;
/// Failing workloads a Markdown report lists by default.
const MARKDOWN_DEFAULT_MAX_WORKLOADS: usize = 20;
/// Resources an HTML report lists per failing control by default (the findings table has all).
const HTML_DEFAULT_MAX_RESOURCES: usize = 20;

pub fn run(args: ReportCommandArgs) -> Result<ExitCode, String> {
    // Read the comparison first: a wrong path should fail before a long scan.
    let saved = match &args.compare {
        Some(path) => Some(read_saved(path)?),
        None => None,
    };
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let (scanner, report, _) = scan_configured(
        &ScanRequest {
            paths: &args.paths,
            selection: &args.selection,
            render: &args.render,
            policies: &args.gatekeeper.policies,
            scope: &args.scope,
            // No configuration flags on `report`: `.kordon.yaml` is discovered from the scan root.
            config: &crate::args::ConfigArgs::default(),
            git: None,
        },
        show_progress,
    )?;
    let text = render_scanned(
        &report,
        scanner.rules(),
        args.format,
        &args.report,
        &args.paths,
        saved.as_ref(),
    )?;
    write_output(args.output.as_deref(), &text)?;
    if report.has_errors() {
        let errors = report
            .problems
            .iter()
            .filter(|p| p.level == kordon::ProblemLevel::Error)
            .count();
        eprintln!("kordon: {errors} error(s) during the scan: the report is incomplete");
        return Ok(ExitCode::from(2));
    }
    if below_threshold(&report, scanner.rules(), &args.report) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn read_saved(path: &Path) -> Result<SavedReport, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read --compare {}: {e}", path.display()))?;
    SavedReport::parse(path.display().to_string(), &text)
}

/// `https://github.com/ORG/REPO/blob/SHA/` inside a GitHub Actions job, where findings are named
/// relative to the checkout.
fn github_link_base() -> Option<String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let server = var("GITHUB_SERVER_URL")?;
    let repository = var("GITHUB_REPOSITORY")?;
    let sha = var("GITHUB_SHA")?;
    Some(format!(
        "{}/{repository}/blob/{sha}/",
        server.trim_end_matches('/')
    ))
}

/// The commit the scanned tree is at: `GITHUB_SHA` in a GitHub Actions job, else the
/// repository holding the first scanned path.
fn scanned_commit(paths: &[PathBuf]) -> Option<String> {
    if let Some(sha) = std::env::var("GITHUB_SHA").ok().filter(|s| !s.is_empty()) {
        return Some(sha);
    }
    let start = paths
        .iter()
        .find(|p| p.as_os_str() != "-")
        .map_or_else(|| PathBuf::from("."), Clone::clone);
    let dir = if start.is_dir() {
        start
    } else {
        start
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    kordon::git::head_commit(&dir).ok().flatten()
}

/// Now as RFC 3339 UTC, or `SOURCE_DATE_EPOCH` when set (reproducible reports).
fn generated_at() -> Option<String> {
    let seconds = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text.trim().parse::<i64>().ok()?,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok())?,
    };
    Some(rfc3339(seconds))
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (days to a civil date after Howard
/// Hinnant's published algorithm).
fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

fn options(args: &ReportArgs, format: ReportFormat, paths: &[PathBuf]) -> ReportOptions {
    let builtin = args.template.is_none();
    let max_findings = match (args.max_findings, format) {
        (Some(0), _) => None,
        (Some(n), _) => Some(n),
        (None, ReportFormat::Markdown) if builtin => Some(MARKDOWN_DEFAULT_MAX_FINDINGS),
        (None, ReportFormat::Html) if builtin => Some(HTML_DEFAULT_MAX_RESOURCES),
        (None, _) => None,
    };
    let max_workloads =
        (format == ReportFormat::Markdown && builtin).then_some(MARKDOWN_DEFAULT_MAX_WORKLOADS);
    let link_base = if args.link_base.is_empty() {
        github_link_base().unwrap_or_default()
    } else {
        args.link_base.clone()
    };
    ReportOptions {
        framework: args.framework,
        max_findings,
        max_workloads,
        link_base,
        generated_at: generated_at(),
        scanned_paths: if paths.is_empty() {
            vec![".".to_string()]
        } else {
            paths.iter().map(|p| p.display().to_string()).collect()
        },
        commit: scanned_commit(paths),
        ..ReportOptions::default()
    }
}

/// Renders a report of `report`: the user's `--template` when given, else `format`.
pub fn render(
    report: &ScanReport,
    rules: &RuleSet,
    format: ReportFormat,
    args: &ReportArgs,
) -> Result<String, String> {
    render_scanned(report, rules, format, args, &[], None)
}

/// [`render`] with the scanned paths shown and, when given, the comparison with a saved report.
fn render_scanned(
    report: &ScanReport,
    rules: &RuleSet,
    format: ReportFormat,
    args: &ReportArgs,
    paths: &[PathBuf],
    saved: Option<&SavedReport>,
) -> Result<String, String> {
    let mut context = ReportContext::new(report, rules, &options(args, format, paths));
    if let Some(saved) = saved {
        context.compare_with(saved, rules);
    }
    if let Some(path) = &args.template {
        let source = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read template {}: {e}", path.display()))?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        return render_template(&name, &source, &context).map_err(|e| e.to_string());
    }
    let format = match format {
        ReportFormat::Markdown => {
            return render_report_within(TemplateFormat::Markdown, &context, GITHUB_COMMENT_LIMIT)
                .map_err(|e| e.to_string());
        }
        ReportFormat::Html => TemplateFormat::Html,
        ReportFormat::Csv => TemplateFormat::Csv,
        ReportFormat::PostureCsv => TemplateFormat::PostureCsv,
        ReportFormat::Junit => TemplateFormat::Junit,
        ReportFormat::Json => return Ok(render_posture_json(&context)),
        ReportFormat::Context => {
            let mut text = serde_json::to_string_pretty(&context).map_err(|e| e.to_string())?;
            text.push('\n');
            return Ok(text);
        }
    };
    render_report(format, &context).map_err(|e| e.to_string())
}

/// True (and says so on standard error) when `--fail-under` is set and the `--framework` score
/// is below it. A framework with no checks has no score and passes.
pub fn below_threshold(report: &ScanReport, rules: &RuleSet, args: &ReportArgs) -> bool {
    let Some(threshold) = args.fail_under else {
        return false;
    };
    let posture = posture(report, rules);
    match posture
        .framework(args.framework)
        .and_then(|f| f.score.score)
    {
        Some(score) if score < threshold => {
            eprintln!(
                "kordon: {} score {score:.1} is below --fail-under {threshold}",
                args.framework.name()
            );
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn epoch_seconds_become_rfc_3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_300_000), "2026-12-03T12:13:20Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }
}
