//! `kordon rules`.

use std::process::ExitCode;

use crate::args::{Format, RulesArgs};
use crate::output::write_output;

pub fn run(args: RulesArgs) -> Result<ExitCode, String> {
    let rules = kordon::RuleSet::builtin().map_err(|errors| {
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let text = match args.format {
        Format::Json => {
            let list: Vec<&kordon::RuleMeta> = rules.rules().iter().map(|r| &r.meta).collect();
            serde_json::to_string_pretty(&list).map_err(|e| e.to_string())? + "\n"
        }
        // Report formats describe a scan, not the rule list: print the table.
        Format::Human | Format::Markdown | Format::Html | Format::Csv | Format::Junit => {
            let mut out = String::new();
            for rule in rules.rules() {
                out.push_str(&format!(
                    "{:<40} {:<9} {:<14} {}\n",
                    rule.meta.id, rule.meta.severity, rule.meta.category, rule.meta.title
                ));
            }
            out
        }
    };
    write_output(None, &text)?;
    Ok(ExitCode::SUCCESS)
}
