//! What `scan` and `baseline write` share: finding and applying the configuration, loading the
//! rules, and deciding what may silence findings.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use kordon::config::{Config, ConfigError, Resolved};
use kordon::suppress::SuppressOptions;
use kordon::{Location, RuleSet, ScannerBuilder, Severity};

use crate::args::{ConfigArgs, SelectionArgs};

/// A scanner builder configured from flags and the configuration file.
pub struct Prepared {
    pub builder: ScannerBuilder,
    /// `fail-on` from the configuration (the flag wins over it).
    pub fail_on: Option<Severity>,
    /// The configuration's `severity` (display threshold).
    pub severity: Option<Severity>,
    /// What may silence findings; the caller adds a baseline or a diff scope, then hands it to
    /// the builder.
    pub suppress: SuppressOptions,
    /// `kustomize.load-restrictor` (true: `none`) and `kustomize.allow-remote` from the
    /// configuration, with where each is written.
    pub kustomize_unrestricted_loads: Option<(bool, Location)>,
    pub kustomize_allow_remote: Option<(bool, Location)>,
    /// `render-cache` from the configuration.
    pub render_cache: Option<bool>,
}

/// Prints configuration errors as located diagnostics on standard error.
pub(crate) fn report_config_errors(errors: &[ConfigError]) -> String {
    let color = crate::output::wants_color(false, std::io::stderr().is_terminal());
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::none()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_links(false);
    for error in errors {
        let mut out = String::new();
        if handler.render_report(&mut out, error).is_err() {
            out = error.to_string();
        }
        eprintln!("{out}");
    }
    format!(
        "{} configuration error{}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    )
}

/// The scan root configuration discovery starts from: the first path (its folder for a file),
/// or the current directory.
fn scan_root(paths: &[PathBuf]) -> PathBuf {
    match paths.first() {
        Some(p) if p.as_os_str() != "-" => p.clone(),
        _ => PathBuf::from("."),
    }
}

/// The configuration `--config` names, or the `.kordon.yaml` found from `start` upward; errors
/// are printed as located diagnostics. A `--profile` without a configuration is an error.
pub(crate) fn load_config(
    named: Option<&Path>,
    start: &Path,
    profile: Option<&str>,
) -> Result<Option<Config>, String> {
    let path = match named {
        Some(path) => Some(path.to_path_buf()),
        None => Config::discover(start),
    };
    let config = match &path {
        Some(path) => Some(Config::load(path).map_err(|errors| report_config_errors(&errors))?),
        None => None,
    };
    if config.is_none() && profile.is_some() {
        return Err("--profile needs a configuration file (.kordon.yaml or --config)".into());
    }
    Ok(config)
}

/// The top-level settings of `config` with `profile`'s over them.
pub(crate) fn resolve_config<'a>(
    config: Option<&'a Config>,
    profile: Option<&str>,
) -> Result<Option<Resolved<'a>>, String> {
    config
        .map(|config| {
            config
                .resolve(profile)
                .map_err(|e| report_config_errors(&[*e]))
        })
        .transpose()
}

pub fn prepare(
    paths: &[PathBuf],
    selection: &SelectionArgs,
    config_args: &ConfigArgs,
) -> Result<Prepared, String> {
    let profile = config_args.profile.as_deref();
    let config = load_config(config_args.config.as_deref(), &scan_root(paths), profile)?;
    let resolved = resolve_config(config.as_ref(), profile)?;

    let mut rules = RuleSet::builtin().map_err(|errors| join_errors(&errors))?;
    let mut dirs: Vec<PathBuf> = selection.rule_dirs.clone();
    if let Some(resolved) = &resolved {
        dirs.extend(resolved.rule_dirs());
    }
    for dir in &dirs {
        rules.add_dir(dir).map_err(|errors| join_errors(&errors))?;
    }
    if let Some(resolved) = &resolved {
        resolved
            .apply_rules(&mut rules)
            .map_err(|errors| report_config_errors(&errors))?;
    }

    let mut builder = kordon::Scanner::builder()
        .rules(rules)
        .max_file_size(selection.max_file_size)
        .respect_ignores(!selection.no_ignore_files);
    if let Some(jobs) = selection.jobs {
        builder = builder.jobs(jobs);
    }
    let mut suppress = if config_args.no_ignore {
        SuppressOptions::none()
    } else {
        SuppressOptions::default()
    };
    let mut fail_on = None;
    let mut severity = None;
    let mut kustomize_unrestricted_loads = None;
    let mut kustomize_allow_remote = None;
    let mut render_cache = None;
    if let Some(resolved) = &resolved {
        render_cache = resolved.render_cache();
        kustomize_unrestricted_loads = resolved.kustomize_unrestricted_loads();
        kustomize_allow_remote = resolved.kustomize_allow_remote();
        for policy in resolved.policies() {
            builder = builder.policy(policy);
        }
        for path in resolved.context() {
            builder = builder.context(path);
        }
        // The `--default-namespace` flag, applied later, wins over this.
        if let Some(namespace) = resolved.default_namespace() {
            builder = builder.default_namespace(namespace);
        }
        if let Some(exclude) = resolved.exclude() {
            builder = builder.exclude(exclude);
        }
        builder = builder.chart_renders(resolved.helm_charts());
        if !config_args.no_ignore {
            suppress.exceptions = resolved.exceptions();
        }
        fail_on = resolved.fail_on();
        severity = resolved.severity();
    }
    Ok(Prepared {
        builder,
        fail_on,
        severity,
        suppress,
        kustomize_unrestricted_loads,
        kustomize_allow_remote,
        render_cache,
    })
}

pub(crate) fn join_errors(errors: &[impl ToString]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads a baseline file.
pub fn read_baseline(path: &Path) -> Result<kordon::suppress::Baseline, String> {
    let name = kordon::input::display_name(path);
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read baseline {name}: {e}"))?;
    kordon::suppress::Baseline::parse(&name, &text).map_err(|e| format!("{name}: {e}"))
}
