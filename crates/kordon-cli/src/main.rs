//! The `kordon` command: parses arguments, calls the library, maps the outcome to an exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kordon::report::{render_human, render_json, HumanOptions};
use kordon::{ScanReport, Scanner, Severity};

const EXIT_CODES: &str = "Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage, configuration or input error (a file or rule could not be read or run)";

#[derive(Parser)]
#[command(name = "kordon", version, about = "Shift-left Kubernetes security linter: Gatekeeper-contract Rego rules, exact field locations", after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan manifests (files, directories, or - for standard input).
    #[command(after_help = EXIT_CODES)]
    Scan(ScanArgs),
    /// List the rules.
    Rules(RulesArgs),
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Diagnostics with source snippets.
    Human,
    /// Versioned JSON (schema in the README).
    Json,
}

#[derive(clap::Args)]
struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input. Default: the current directory.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, default_value = "low", value_parser = parse_severity)]
    fail_on: Severity,
    /// Plain output without colour (also when NO_COLOR is set or output is not a terminal).
    #[arg(long)]
    no_color: bool,
    /// No progress display.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Also load the rules in this directory (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    rule_dirs: Vec<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = 32 * 1024 * 1024)]
    max_file_size: u64,
    /// Walk into hidden and vendored folders and ignore .gitignore.
    #[arg(long)]
    no_ignore_files: bool,
}

#[derive(clap::Args)]
struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    format: Format,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan(args),
        Command::Rules(args) => rules(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn wants_color(no_color: bool, to_terminal: bool) -> bool {
    let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && !no_color_env && to_terminal
}

fn scan(args: ScanArgs) -> Result<ExitCode, String> {
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let mut builder = Scanner::builder()
        .max_file_size(args.max_file_size)
        .respect_ignores(!args.no_ignore_files);
    for dir in &args.rule_dirs {
        builder = builder.rule_dir(dir);
    }
    if let Some(jobs) = args.jobs {
        builder = builder.jobs(jobs);
    }
    if show_progress {
        let started = std::time::Instant::now();
        builder = builder.on_progress(move |p| {
            let phase = if p.evaluating { "evaluating" } else { "reading" };
            eprint!(
                "\r\x1b[2K{phase}: {}/{} files, {} objects, {:.1}s",
                p.files_done,
                p.files_total,
                p.objects,
                started.elapsed().as_secs_f64()
            );
        });
    }
    let scanner = builder.build().map_err(|e| e.to_string())?;
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let report = scanner.scan_paths(&paths);
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let text = match args.format {
        Format::Human => render_human(
            &report,
            Some(scanner.rules()),
            HumanOptions {
                color: wants_color(args.no_color, to_terminal),
                width: None,
            },
        ),
        Format::Json => render_json(&report),
    };
    write_output(args.output.as_deref(), &text)?;
    Ok(exit_code(&report, args.fail_on))
}

fn exit_code(report: &ScanReport, fail_on: Severity) -> ExitCode {
    if report.has_errors() {
        ExitCode::from(2)
    } else if report.findings.iter().any(|f| f.severity >= fail_on) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn write_output(path: Option<&std::path::Path>, text: &str) -> Result<(), String> {
    match path {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`kordon scan | head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write output: {e}")),
            }
        }
    }
}

fn rules(args: RulesArgs) -> Result<ExitCode, String> {
    let rules = kordon::RuleSet::builtin().map_err(|errors| {
        errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
    })?;
    let text = match args.format {
        Format::Json => {
            let list: Vec<&kordon::RuleMeta> = rules.rules().iter().map(|r| &r.meta).collect();
            serde_json::to_string_pretty(&list).map_err(|e| e.to_string())? + "\n"
        }
        Format::Human => {
            let mut out = String::new();
            for rule in rules.rules() {
                out.push_str(&format!("{:<40} {:<9} {:<14} {}\n", rule.meta.id, rule.meta.severity, rule.meta.category, rule.meta.title));
            }
            out
        }
    };
    write_output(None, &text)?;
    Ok(ExitCode::SUCCESS)
}
