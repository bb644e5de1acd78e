//! `kordon export gatekeeper`.

use std::process::ExitCode;

use kordon::gatekeeper::{ExportOptions, export_gatekeeper_with};

use crate::args::ExportCommand;

pub fn run(command: ExportCommand) -> Result<ExitCode, String> {
    match command {
        ExportCommand::Gatekeeper(args) => {
            let rules = kordon::RuleSet::builtin().map_err(|errors| {
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
            let options = ExportOptions {
                enforcement: args.enforcement_action,
            };
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
