//! `kordon expand`: what workload expansion generates, as YAML.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use kordon::document::{Document, ParseLimits};
use kordon::gatekeeper::{Expander, PolicySet, to_yaml};
use kordon::input::{InputOptions, discover, read_source};
use kordon::workload::WorkloadKinds;

use crate::args::ExpandArgs;
use crate::commands::setup::{load_config, resolve_config};
use crate::output::write_output;

pub fn run(args: ExpandArgs) -> Result<ExitCode, String> {
    let mut errors = 0;
    let policies = PolicySet::load(&args.policies);
    for problem in &policies.problems {
        errors += 1;
        eprintln!(
            "error: {}: {}",
            problem.file.as_deref().unwrap_or("-"),
            problem.message
        );
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    // The custom resources `.kordon.yaml` names under `workloads:` expand as a scan expands them.
    let start = match paths.first() {
        Some(p) if p.as_os_str() != "-" => p.clone(),
        _ => PathBuf::from("."),
    };
    let config = load_config(None, &start, None)?;
    let mut workloads = WorkloadKinds::builtin();
    if let Some(resolved) = resolve_config(config.as_ref(), None)? {
        for kind in resolved.workloads() {
            workloads.add(kind);
        }
    }
    let expander = Expander::new(policies.expansions.clone()).with_workloads(&workloads);
    let options = InputOptions::default();
    let (files, walk_problems) = discover(&paths, &options);
    for problem in walk_problems {
        errors += 1;
        eprintln!("error: {}: {}", problem.name, problem.message);
    }
    let mut out = String::new();
    for file in files {
        let source = match read_source(&file, &options) {
            Ok(source) => source,
            Err(problem) => {
                errors += 1;
                eprintln!("error: {}: {}", problem.name, problem.message);
                continue;
            }
        };
        let document = Document::parse(Arc::new(source), ParseLimits::default());
        for problem in &document.problems {
            errors += 1;
            let at = problem
                .offset
                .map(|o| document.position(o))
                .map_or(String::new(), |p| format!(":{}:{}", p.line, p.column));
            eprintln!("error: {}{at}: {}", document.source.name, problem.message);
        }
        for object in &document.objects {
            let (generated, notes) = expander.expand(object);
            for note in notes {
                let p = document.position(note.span.start);
                eprintln!(
                    "note: {}:{}:{}: {}",
                    document.source.name, p.line, p.column, note.message
                );
            }
            for g in generated {
                let p = document.position(g.object.root.span.start);
                out.push_str(&format!(
                    "---\n# {} generated from {} ({}:{}:{}) by ExpansionTemplate {}\n",
                    g.object.kind, g.origin, document.source.name, p.line, p.column, g.template
                ));
                out.push_str(&to_yaml(&g.object.root.to_json()));
            }
        }
    }
    write_output(None, &out)?;
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
