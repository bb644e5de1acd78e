//! `kordon rules` and `kordon rules show ID`.

use std::fmt::Write as _;
use std::process::ExitCode;

use kordon::rules::{CATEGORIES, Rule};
use kordon::{RuleMeta, RuleSet};

use crate::args::{Format, RuleFilterArgs, RulesAction, RulesArgs};
use crate::output::write_output;

pub fn run(args: RulesArgs) -> Result<ExitCode, String> {
    let rules = RuleSet::builtin().map_err(|errors| {
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let text = match args.action {
        Some(RulesAction::Show { id }) => {
            let rule = rules.get(&id).ok_or_else(|| unknown_rule(&rules, &id))?;
            match args.format {
                Format::Json => to_json(serde_json::to_value(&rule.meta))?,
                // Report formats describe a scan, not a rule: print the documentation.
                _ => show(rule),
            }
        }
        None => {
            check_categories(&args.filter)?;
            let selected: Vec<&RuleMeta> = rules
                .rules()
                .iter()
                .map(|r| &r.meta)
                .filter(|meta| selected(meta, &args.filter))
                .collect();
            match args.format {
                Format::Json => to_json(serde_json::to_value(&selected))?,
                Format::Sarif => {
                    // The catalogue holds the rules the filters chose, like the table.
                    let mut chosen = rules.clone();
                    chosen.retain(|rule| self::selected(&rule.meta, &args.filter));
                    kordon::report::render_rules_sarif(&chosen)
                }
                _ => table(&selected),
            }
        }
    };
    write_output(None, &text)?;
    Ok(ExitCode::SUCCESS)
}

fn to_json(value: Result<serde_json::Value, serde_json::Error>) -> Result<String, String> {
    let value = value.map_err(|e| e.to_string())?;
    Ok(serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n")
}

fn check_categories(filter: &RuleFilterArgs) -> Result<(), String> {
    for category in &filter.category {
        if !CATEGORIES.contains(&category.as_str()) {
            return Err(format!(
                "unknown category `{category}` (expected one of {})",
                CATEGORIES.join(", ")
            ));
        }
    }
    Ok(())
}

fn selected(meta: &RuleMeta, filter: &RuleFilterArgs) -> bool {
    (filter.category.is_empty() || filter.category.contains(&meta.category))
        && (filter.severity.is_empty() || filter.severity.contains(&meta.severity))
        && (filter.framework.is_empty() || filter.framework.iter().any(|f| meta.maps_to(*f)))
}

fn table(rules: &[&RuleMeta]) -> String {
    let mut out = String::new();
    for meta in rules {
        let _ = writeln!(
            out,
            "{:<40} {:<9} {:<14} {}",
            meta.id,
            meta.severity.as_str(),
            meta.category,
            meta.title
        );
    }
    let _ = writeln!(out, "\n{} rule(s)", rules.len());
    out
}

fn unknown_rule(rules: &RuleSet, id: &str) -> String {
    let close: Vec<&str> = rules
        .rules()
        .iter()
        .map(|r| r.id())
        .filter(|candidate| {
            candidate.contains(id) || id.split('-').any(|w| w.len() > 3 && candidate.contains(w))
        })
        .take(5)
        .collect();
    if close.is_empty() {
        format!("no rule `{id}` (`kordon rules` lists them)")
    } else {
        format!("no rule `{id}`; did you mean {}?", close.join(", "))
    }
}

fn indent(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("  {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The documentation page of one rule.
fn show(rule: &Rule) -> String {
    let meta = &rule.meta;
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", meta.id, meta.title);
    let _ = writeln!(
        out,
        "severity: {}   category: {}   kinds: {}",
        meta.severity,
        meta.category,
        meta.kinds.join(", ")
    );
    if meta.needs_complete_inventory {
        let _ = writeln!(
            out,
            "reads the other objects of the scan (inventory) and reports what is missing there: a partial scan runs it only with --context"
        );
    } else if meta.inventory {
        let _ = writeln!(out, "reads the other objects of the scan (inventory)");
    }
    for (title, text) in [
        ("What it checks", &meta.docs.what),
        ("Why it matters", &meta.docs.why),
        ("Example", &meta.docs.example),
        ("Remediation", &meta.docs.remediation),
    ] {
        let _ = writeln!(out, "\n{title}\n{}", indent(text));
    }
    let f = &meta.frameworks;
    let mut mappings = Vec::new();
    if !f.cis.is_empty() {
        mappings.push(format!("CIS Kubernetes Benchmark: {}", f.cis.join(", ")));
    }
    if !f.nsa_cisa.is_empty() {
        mappings.push(format!(
            "NSA-CISA hardening guide: {}",
            f.nsa_cisa.join("; ")
        ));
    }
    if let Some(level) = f.pss {
        let level = serde_json::to_value(level)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        mappings.push(format!("Pod Security Standards: {level}"));
    }
    mappings.extend(f.other.iter().cloned());
    let _ = writeln!(out, "\nFrameworks");
    if mappings.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for mapping in mappings {
        let _ = writeln!(out, "  {mapping}");
    }
    let _ = writeln!(out, "\nParameters");
    match meta
        .parameters
        .get("properties")
        .and_then(|p| p.as_object())
    {
        Some(properties) if !properties.is_empty() => {
            for (name, schema) in properties {
                let kind = schema.get("type").and_then(|t| t.as_str()).unwrap_or("any");
                let default = schema
                    .get("default")
                    .map_or_else(|| "none".to_string(), |d| d.to_string());
                let _ = writeln!(out, "  {name} ({kind}, default {default})");
                if let Some(description) = schema.get("description").and_then(|d| d.as_str()) {
                    let _ = writeln!(out, "    {description}");
                }
            }
            let _ = writeln!(
                out,
                "  set them in .kordon.yaml under rules.{}.parameters",
                meta.id
            );
        }
        _ => {
            let _ = writeln!(out, "  (none)");
        }
    }
    let applicability = serde_json::to_value(meta.fix.applicability)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let _ = writeln!(out, "\nFix");
    match &meta.fix.title {
        Some(title) => {
            let _ = writeln!(out, "  {applicability}: {title}");
        }
        None => {
            let _ = writeln!(out, "  {applicability}");
        }
    }
    out
}
