//! `kordon export gatekeeper`.

use std::path::Path;
use std::process::ExitCode;

use kordon::RuleSet;
use kordon::gatekeeper::{ExportOptions, export_gatekeeper_with};

use super::setup::{join_errors, load_config, report_config_errors, resolve_config};
use crate::args::ExportCommand;

pub fn run(command: ExportCommand) -> Result<ExitCode, String> {
    match command {
        ExportCommand::Gatekeeper(args) => {
            let profile = args.profile.as_deref();
            let config = load_config(args.config.as_deref(), Path::new("."), profile)?;
            let resolved = resolve_config(config.as_ref(), profile)?;
            // The cluster gets the rules a scan runs: the same directories, switches, severities
            // and parameters.
            let mut rules = RuleSet::builtin().map_err(|errors| join_errors(&errors))?;
            if let Some(resolved) = &resolved {
                for dir in resolved.rule_dirs() {
                    rules.add_dir(&dir).map_err(|errors| join_errors(&errors))?;
                }
                resolved
                    .apply_rules(&mut rules)
                    .map_err(|errors| report_config_errors(&errors))?;
            }
            let enforcement = args
                .enforcement_action
                .or_else(|| resolved.as_ref().and_then(|r| r.enforcement_action()))
                .unwrap_or_default();
            let options = ExportOptions { enforcement };
            let exported = export_gatekeeper_with(&rules, &args.out, &options)?;
            let cases: usize = exported.iter().map(|e| e.cases).sum();
            eprintln!(
                "wrote {} ConstraintTemplate(s) with Constraints and Suites ({} cases) and the sync Config to {}",
                exported.len(),
                cases,
                args.out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
