//! `kordon export gatekeeper`.

use std::process::ExitCode;

use kordon::gatekeeper::export_gatekeeper;

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
            let exported = export_gatekeeper(&rules, &args.out)?;
            let cases: usize = exported.iter().map(|e| e.cases).sum();
            eprintln!(
                "wrote {} ConstraintTemplate(s) with Constraints and Suites ({} cases) to {}",
                exported.len(),
                cases,
                args.out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
