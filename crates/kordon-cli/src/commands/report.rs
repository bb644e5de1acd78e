//! `kordon report`, and the report formats of `kordon scan --format`.

use std::io::IsTerminal;
use std::process::ExitCode;

use kordon::report::{
    ReportContext, ReportOptions, TemplateFormat, posture, render_report, render_template,
};
use kordon::{RuleSet, ScanReport};

use crate::args::{ReportArgs, ReportCommandArgs, ReportFormat};
use crate::commands::scan::{ScanRequest, scan_configured};
use crate::output::write_output;

/// Markdown goes into pull-request comments, which have a size limit: cap it unless told.
const MARKDOWN_DEFAULT_MAX_FINDINGS: usize = 50;

pub fn run(args: ReportCommandArgs) -> Result<ExitCode, String> {
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
    let text = render(&report, scanner.rules(), args.format, &args.report)?;
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

fn options(args: &ReportArgs, format: ReportFormat) -> ReportOptions {
    let max_findings = match (args.max_findings, format) {
        (Some(0), _) => None,
        (Some(n), _) => Some(n),
        (None, ReportFormat::Markdown) if args.template.is_none() => {
            Some(MARKDOWN_DEFAULT_MAX_FINDINGS)
        }
        (None, _) => None,
    };
    ReportOptions {
        framework: args.framework,
        max_findings,
        link_base: args.link_base.clone(),
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
    let context = ReportContext::new(report, rules, &options(args, format));
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
        ReportFormat::Markdown => TemplateFormat::Markdown,
        ReportFormat::Html => TemplateFormat::Html,
        ReportFormat::Csv => TemplateFormat::Csv,
        ReportFormat::Junit => TemplateFormat::Junit,
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
