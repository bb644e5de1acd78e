//! Command-line arguments. Each concern has its own flattened group so the `scan` flags stay
//! readable in `--help` and in code.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use kordon::Severity;
use kordon::report::Framework;

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
    Scan(Box<ScanArgs>),
    /// List the rules, or show one rule's documentation.
    Rules(RulesArgs),
    /// Record the current findings so later scans (`scan --baseline FILE`) report only new ones.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Write a commented starter `.kordon.yaml` (never overwrites).
    Init(InitArgs),
    /// Scan, score the posture per framework, and write a report (Markdown, HTML, CSV, JUnit,
    /// or your own template).
    #[command(after_help = REPORT_EXIT_CODES)]
    Report(Box<ReportCommandArgs>),
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
    /// Run only the tests and cases whose test or case name matches this regular expression
    /// (`TEST//CASE`: one expression for each, both must match), as `gator verify --run`.
    #[arg(long, short = 'r', value_name = "REGEX")]
    pub run: Option<String>,
    /// Print every test and case as it runs and passes (`=== RUN`, `--- PASS`), not only failures.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Output format: gator's test-style text, or JSON for CI.
    #[arg(long, short = 'f', value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
}

/// How `kordon verify` reports.
#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    /// `gator verify`'s layout: `--- FAIL: case`, `ok`/`FAIL` per suite, `PASS`/`FAIL` last.
    Human,
    /// One JSON document: every suite, test and case with its status (schema in the README).
    Json,
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
    /// Each Constraint's `enforcementAction`: `by-severity` (critical/high → deny, medium → warn,
    /// low/info → dryrun), or `deny`, `warn` or `dryrun` for all. Rules that report what is
    /// missing are exported as `warn` at most. Default: `export.enforcement-action` of the
    /// configuration, else `by-severity`.
    #[arg(long, value_name = "CHOICE")]
    pub enforcement_action: Option<kordon::gatekeeper::EnforcementChoice>,
    /// Read this configuration file instead of looking for .kordon.yaml from the current
    /// directory upward: its rule directories, rule settings (enabled, severity, parameters) and
    /// `export.enforcement-action` shape the export.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Apply the overrides of this profile of the configuration.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
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
    /// Markdown posture report, suited to a pull-request comment.
    Markdown,
    /// Self-contained HTML posture report.
    Html,
    /// One CSV row per finding.
    Csv,
    /// JUnit XML: a test case per failed (rule, object), scan errors as errors.
    Junit,
    /// SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.
    Sarif,
    /// GitHub Actions workflow commands: one annotation per finding (`scan` only).
    Github,
    /// One line per finding, `file:line:col: severity [rule] message`; problems and the
    /// summary go to standard error (`scan` only).
    Short,
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
    pub render: RenderArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub fix: FixArgs,
    #[command(flatten)]
    pub gatekeeper: PolicyArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

/// Scanning part of a repository (the files of a commit) without false alarms from rules that
/// report what is missing.
#[derive(clap::Args, Default)]
#[command(next_help_heading = "Partial scans")]
pub struct ScopeArgs {
    /// The paths are only part of what is deployed (e.g. the files of a commit): rules that report
    /// what is missing, such as a namespace without a NetworkPolicy, are not run unless --context
    /// completes the picture. Implied by --staged.
    #[arg(long)]
    pub partial: bool,
    /// Read this file or directory only to know what else exists (`data.inventory`), e.g. `.`:
    /// its objects are not reported and its problems are warnings (repeatable). With it, a
    /// partial scan runs every rule.
    #[arg(long = "context", value_name = "PATH")]
    pub context: Vec<PathBuf>,
    /// The namespace `kubectl apply` deploys manifests without `metadata.namespace` into: they
    /// are reviewed, matched by Constraints and put in `data.inventory` there. Without it they
    /// are reviewed as `gator` reviews them (namespace "", not excluded by namespace criteria).
    #[arg(
        long = "default-namespace",
        value_name = "NAMESPACE",
        help_heading = "Gatekeeper policies"
    )]
    pub default_namespace: Option<String>,
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
    /// Also write the report in FORMAT to FILE, from the same scan (repeatable), e.g.
    /// `--write sarif=kordon.sarif --write markdown=summary.md`.
    #[arg(long = "write", value_parser = parse_extra_output, value_name = "FORMAT=FILE")]
    pub also_write: Vec<(Format, PathBuf)>,
    /// Lowest severity shown; the rest is only counted (and still fails the run per
    /// --fail-on) [default: the configuration's `severity`, else info].
    #[arg(long, value_parser = parse_severity, value_name = "SEVERITY")]
    pub severity: Option<Severity>,
    /// Plain output without colour (also when NO_COLOR is set or output is not a terminal).
    #[arg(long)]
    pub no_color: bool,
    /// No progress display on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print the scan's statistics on standard error: wall time, renders, how many came from
    /// the render cache and their wall time (with `--format json` also as `summary.stats`).
    #[arg(long)]
    pub stats: bool,
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

/// How Helm charts and kustomizations found among the paths are rendered.
#[derive(clap::Args)]
#[command(next_help_heading = "Helm and Kustomize")]
pub struct RenderArgs {
    /// The helm binary that renders charts (`helm template`) and inflates kustomizations'
    /// `helmCharts:`. Default: `helm` on PATH.
    #[arg(long, value_name = "PATH")]
    pub helm_bin: Option<PathBuf>,
    /// A values file for every chart, as `helm template --values` (repeatable, in order);
    /// `CHART=FILE` for the chart in directory CHART only. Short `-F`: `-f` is --format.
    #[arg(long = "values", short = 'F', value_name = "[CHART=]FILE")]
    pub values: Vec<PathBuf>,
    /// A value for every chart, as `helm template --set key=value` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// A value for the chart in directory (or packaged chart) CHART only, as `helm template
    /// --set KEY=VALUE` after the values for every chart (repeatable). Two arguments, so no
    /// `=` in a key or value can be taken for the chart.
    #[arg(long = "chart-set", num_args = 2, value_names = ["CHART", "KEY=VALUE"])]
    pub chart_set: Vec<String>,
    /// The release name charts are rendered with (default: release-name).
    #[arg(long, value_name = "NAME")]
    pub release_name: Option<String>,
    /// The namespace charts are rendered for (`helm template --namespace`).
    #[arg(long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// The Kubernetes version charts are rendered for (`helm template --kube-version`).
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// An API version the cluster serves, for charts' `.Capabilities.APIVersions` checks
    /// (`helm template --api-versions`, repeatable), e.g. `monitoring.coreos.com/v1`.
    #[arg(long = "api-versions", value_name = "GROUP/VERSION")]
    pub api_versions: Vec<String>,
    /// Do not render or scan the charts' `crds/` (scanned by default, as `helm install` applies
    /// them).
    #[arg(long)]
    pub skip_crds: bool,
    /// Leave the charts' test hooks (`helm.sh/hook: test`) out (`helm template --skip-tests`).
    /// Scanned by default: `helm test` runs them in the cluster.
    #[arg(long)]
    pub skip_tests: bool,
    /// The binary that builds kustomizations: a kubectl (`kubectl kustomize`) or a kustomize
    /// (`kustomize build`). Default: kubectl on PATH, else kustomize.
    #[arg(long, value_name = "PATH")]
    pub kustomize_bin: Option<PathBuf>,
    /// What kustomizations may read: `root-only` (default, kustomize's own: files in or below
    /// each kustomization's folder) or `none` (any file of this machine; only for trusted input).
    #[arg(long, value_enum, value_name = "RESTRICTOR")]
    pub kustomize_load_restrictor: Option<LoadRestrictor>,
    /// Let kustomizations fetch remote resources and bases (URLs, git repositories): the build
    /// then reaches the network. By default such a kustomization is refused.
    #[arg(long)]
    pub kustomize_allow_remote: bool,
    /// Do not render charts or build kustomizations: skip them with a note (their files are
    /// still not read as plain YAML).
    #[arg(long)]
    pub no_render: bool,
    /// Render every chart and kustomization again instead of reusing an unchanged earlier render
    /// from the cache (`$XDG_CACHE_HOME/kordon/renders`, else `~/.cache/kordon/renders`); also
    /// `render-cache: false` in the configuration.
    #[arg(long)]
    pub no_render_cache: bool,
}

/// The load restrictor of kustomize builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LoadRestrictor {
    /// Files in or below each kustomization's folder only.
    RootOnly,
    /// Any file (kustomize's `LoadRestrictionsNone`).
    None,
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = false)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub action: Option<RulesAction>,
    /// Output format: a table (human) or one JSON object per rule with its metadata.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human, global = true)]
    pub format: Format,
    #[command(flatten)]
    pub filter: RuleFilterArgs,
}

/// Which rules `kordon rules` lists. Each flag takes a comma-separated list (or repeats); a rule
/// is listed when it matches every flag given.
#[derive(clap::Args)]
#[command(next_help_heading = "Filters")]
pub struct RuleFilterArgs {
    /// Only these categories: rbac, api-server, pod-security, network, etcd, secrets,
    /// audit-logging, images, admission, nodes.
    #[arg(long, value_delimiter = ',', value_name = "CATEGORY")]
    pub category: Vec<String>,
    /// Only rules mapped to one of these frameworks: cis, nsa-cisa, pss, pss-baseline,
    /// pss-restricted (everything the restricted level needs, baseline included), defender.
    #[arg(long, value_delimiter = ',', value_name = "FRAMEWORK", value_parser = parse_framework_filter)]
    pub framework: Vec<kordon::rules::FrameworkFilter>,
    /// Only these severities: critical, high, medium, low, info.
    #[arg(long, value_delimiter = ',', value_name = "SEVERITY", value_parser = parse_severity)]
    pub severity: Vec<Severity>,
}

#[derive(Subcommand)]
pub enum RulesAction {
    /// Print a rule's documentation: what it checks, why, an example, the remediation, its
    /// framework mappings, parameters and fix.
    Show {
        /// The rule's id (see `kordon rules`).
        id: String,
    },
}

fn parse_framework_filter(text: &str) -> Result<kordon::rules::FrameworkFilter, String> {
    text.parse()
}

pub const REPORT_EXIT_CODES: &str = "Exit codes:
  0  the report was written (and the score is not below --fail-under)
  1  the --framework score is below --fail-under
  2  usage, configuration or input error (the report is still written when the scan ran)";

/// `kordon report`.
#[derive(clap::Args)]
pub struct ReportCommandArgs {
    /// Files or directories to scan; `-` reads standard input. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No progress display on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Show what changed since FILE: a saved `--format json` report, a baseline (`kordon baseline
    /// write`) or `kordon scan --format json` output: new and fixed findings per control and the
    /// score change.
    #[arg(long, value_name = "FILE")]
    pub compare: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub render: RenderArgs,
    #[command(flatten)]
    pub gatekeeper: PolicyArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown, suited to a pull-request comment.
    Markdown,
    /// A single self-contained HTML page.
    Html,
    /// One CSV row per finding.
    Csv,
    /// One CSV row per framework and per control: the scores, for dashboards.
    PostureCsv,
    /// JUnit XML: a test case per failed (rule, object), scan errors as errors.
    Junit,
    /// The posture as versioned JSON: scores, workload verdicts, findings (for --compare).
    Json,
    /// The template context as JSON: what `--template` files see.
    Context,
}

/// Posture reports: templates, score threshold, grouping.
#[derive(clap::Args)]
#[command(next_help_heading = "Reports")]
pub struct ReportArgs {
    /// Render this tera template against the report context instead of a built-in format
    /// (values are HTML/XML-escaped when the name ends in .html.tera, .htm.tera or .xml.tera).
    #[arg(long, value_name = "FILE.tera")]
    pub template: Option<PathBuf>,
    /// Exit 1 when the --framework posture score (0-100) is below SCORE.
    #[arg(long, value_name = "SCORE", value_parser = parse_score)]
    pub fail_under: Option<f64>,
    /// Framework for --fail-under and for grouping findings: all, cis, nsa-cisa, pss-baseline,
    /// pss-restricted.
    #[arg(long, default_value = "all", value_parser = parse_framework, value_name = "NAME")]
    pub framework: Framework,
    /// List at most N findings per control in Markdown (default 5) and N resources per failing
    /// control in HTML (default 20); the rest are counted ("and N more"). 0: no limit.
    #[arg(long, value_name = "N")]
    pub max_findings: Option<usize>,
    /// Prefix of finding links in reports, e.g. https://github.com/ORG/REPO/blob/SHA/ (default:
    /// links relative to the scanned directory).
    #[arg(long, value_name = "URL", default_value = "")]
    pub link_base: String,
}

fn parse_score(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(score) if (0.0..=100.0).contains(&score) => Ok(score),
        _ => Err(format!("`{text}` is not a score from 0 to 100")),
    }
}

fn parse_framework(text: &str) -> Result<Framework, String> {
    text.parse()
}

/// Configuration, profiles and what may silence findings.
#[derive(clap::Args, Default)]
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
    Write(Box<BaselineWriteArgs>),
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

fn parse_extra_output(text: &str) -> Result<(Format, PathBuf), String> {
    let (format, file) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected FORMAT=FILE, e.g. sarif=kordon.sarif"))?;
    let format = Format::from_str(format, false)?;
    if file.is_empty() {
        return Err(format!("`{text}`: no file after `=`"));
    }
    Ok((format, PathBuf::from(file)))
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse()
}
