//! Command-line arguments. Each concern has its own flattened group so the `scan` flags stay
//! readable in `--help` and in code.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use kordon::Severity;

pub const EXIT_CODES: &str = "Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage, configuration or input error (a file or rule could not be read or run)";

#[derive(Parser)]
#[command(
    name = "kordon",
    version,
    about = "Shift-left Kubernetes security linter: Gatekeeper-contract Rego rules, exact field locations",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Scan manifests (files, directories, or - for standard input).
    #[command(after_help = EXIT_CODES)]
    Scan(ScanArgs),
    /// List the rules, or show one rule's documentation.
    Rules(RulesArgs),
    /// Record the current findings so later scans (`scan --baseline FILE`) report only new ones.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Write a commented starter `.kordon.yaml` (never overwrites).
    Init(InitArgs),
    /// Run Gatekeeper test suites (`kind: Suite`) like `gator verify`.
    Verify(VerifyArgs),
    /// Export kordon's rules for another engine.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Print the objects workloads generate (the Pods Gatekeeper policies review), as YAML.
    Expand(ExpandArgs),
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// Suite files or directories holding them. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Run only the tests and cases whose `test/case` name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub run: Option<String>,
    /// Print every case, not only failures.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Write every built-in rule as a Gatekeeper ConstraintTemplate, Constraint and Suite.
    Gatekeeper(ExportGatekeeperArgs),
}

#[derive(clap::Args)]
pub struct ExportGatekeeperArgs {
    /// The directory to write into (one folder per rule; created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(clap::Args)]
pub struct ExpandArgs {
    /// Files or directories of manifests; `-` reads standard input. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Load ExpansionTemplates from this file or directory (repeatable); they replace kordon's
    /// defaults for the kinds they cover.
    #[arg(long = "policy", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics with source snippets.
    Human,
    /// Versioned JSON (schema in the README).
    Json,
}

#[derive(clap::Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input. Default: the current directory.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub git: GitArgs,
    #[command(flatten)]
    pub fix: FixArgs,
    #[command(flatten)]
    pub gatekeeper: PolicyArgs,
}

/// Applying the fixes that rules suggest.
#[derive(clap::Args)]
#[command(next_help_heading = "Fixes")]
pub struct FixArgs {
    /// Apply safe fixes to the files in place, then report the findings that remain. Each file is
    /// written atomically, and only after the result re-parses and re-scans clean of the fixed
    /// findings.
    #[arg(long)]
    pub fix: bool,
    /// Also apply unsafe fixes (they may change how the workload runs, e.g. runAsNonRoot).
    /// Needs --fix or --diff.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as unified diffs (for `git apply`) instead of writing them; exit code 1
    /// when there are changes to make.
    #[arg(long)]
    pub diff: bool,
}

/// Gatekeeper policies run beside the rules.
#[derive(clap::Args)]
#[command(next_help_heading = "Gatekeeper policies")]
pub struct PolicyArgs {
    /// Load Gatekeeper ConstraintTemplates, Constraints and ExpansionTemplates from this file or
    /// directory (repeatable). Workloads are expanded into the Pods they create for them.
    #[arg(long = "policy", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
}

/// How results are written and when the run fails.
#[derive(clap::Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1: critical, high, medium, low or info
    /// [default: the configuration's `fail-on`, else low].
    #[arg(long, value_parser = parse_severity, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Plain output without colour (also when NO_COLOR is set or output is not a terminal).
    #[arg(long)]
    pub no_color: bool,
    /// No progress display on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Which files and rules take part.
#[derive(clap::Args)]
#[command(next_help_heading = "Input and rules")]
pub struct SelectionArgs {
    /// Also load the rules in this directory (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = 32 * 1024 * 1024, value_name = "BYTES")]
    pub max_file_size: u64,
    /// Walk into hidden and vendored folders and disregard .gitignore.
    #[arg(long)]
    pub no_ignore_files: bool,
}

#[derive(clap::Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Configuration, profiles and what may silence findings.
#[derive(clap::Args)]
#[command(next_help_heading = "Configuration and suppressions")]
pub struct ConfigArgs {
    /// Read this configuration file instead of looking for .kordon.yaml from the scan root upward.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Apply the overrides of this profile of the configuration (e.g. dev, prod).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Show every finding: disregard kordon:ignore comments, kordon.dev/ignore.* annotations,
    /// configured exceptions and --baseline.
    #[arg(long)]
    pub no_ignore: bool,
}

/// Narrowing a scan to what is new: staged content, changes since a revision, a baseline.
#[derive(clap::Args)]
#[command(next_help_heading = "Git and baseline")]
pub struct GitArgs {
    /// Report only findings not recorded in this baseline (written by `kordon baseline write`);
    /// recorded ones are counted as suppressed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Scan the staged content (the index) of files changed since HEAD, not the working tree;
    /// PATHS, when given, restrict which staged files are scanned.
    #[arg(long, conflicts_with = "diff_base")]
    pub staged: bool,
    /// Fail only on findings in objects changed since REV (a commit, branch or tag), comparing
    /// REV with the working tree; findings in unchanged objects are counted as suppressed.
    #[arg(long, value_name = "REV")]
    pub diff_base: Option<String>,
}

#[derive(Subcommand)]
pub enum BaselineCommand {
    /// Scan PATHS and write their findings' fingerprints to FILE.
    Write(BaselineWriteArgs),
}

#[derive(clap::Args)]
pub struct BaselineWriteArgs {
    /// The baseline file to write (JSON).
    pub file: PathBuf,
    /// Files or directories to scan. Default: the current directory.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(clap::Args)]
pub struct InitArgs {
    /// Where to write the configuration.
    #[arg(default_value = ".kordon.yaml")]
    pub path: PathBuf,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse()
}
