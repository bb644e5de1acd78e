//! `exceptions:` entries of the configuration: a rule silenced for matching objects, with a
//! reason and an optional expiry date.

use std::fmt;
use std::path::{Path, PathBuf};

use globset::GlobMatcher;

use crate::finding::{Finding, Location};

/// A calendar date (`YYYY-MM-DD`), for exception expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
}

impl Date {
    /// Reads `YYYY-MM-DD`, refusing impossible dates.
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("`{text}` is not a date in the form YYYY-MM-DD");
        let mut parts = text.trim().splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        let day: u32 = d.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(bad());
        }
        Ok(Date { year, month, day })
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch((seconds / 86_400) as i64)
    }

    /// The date `days` after 1970-01-01 (proleptic Gregorian calendar).
    pub fn from_days_since_epoch(days: i64) -> Date {
        // Shift the epoch to 0000-03-01 so leap days fall at the end of each 400-year era.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        } as u32;
        let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A glob pattern and its compiled matcher.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The pattern as written.
    pub text: String,
    matcher: GlobMatcher,
}

impl Pattern {
    /// Compiles a glob (`*` stays within a path segment, `**` crosses them).
    pub fn new(text: &str) -> Result<Pattern, String> {
        let glob = globset::GlobBuilder::new(text)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid glob `{text}`: {e}"))?;
        Ok(Pattern {
            text: text.to_string(),
            matcher: glob.compile_matcher(),
        })
    }

    /// Whether `candidate` matches.
    pub fn is_match(&self, candidate: &str) -> bool {
        self.matcher.is_match(candidate)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// Which findings an exception covers. Every given field must match; an absent one matches
/// everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExceptionMatch {
    /// Glob over the file path, relative to [`Exception::base_dir`] (or the finding's file name).
    pub path: Option<Pattern>,
    /// Glob over the object's kind.
    pub kind: Option<Pattern>,
    /// Glob over the object's namespace (an object without one has namespace `""`).
    pub namespace: Option<Pattern>,
    /// Glob over the object's name.
    pub name: Option<Pattern>,
}

/// A configured exception: these rules do not apply to the matched objects, for a reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Exception {
    /// Rule ids covered (`*` covers every rule).
    pub rules: Vec<String>,
    /// Which findings it covers.
    pub matches: ExceptionMatch,
    /// Why: shown with every finding it silences.
    pub reason: String,
    /// The last day the exception applies; after it, the exception is reported as expired.
    pub expires: Option<Date>,
    /// Directory that `match.path` is relative to (the configuration file's directory).
    pub base_dir: Option<PathBuf>,
    /// Where the exception is written.
    pub location: Option<Location>,
}

impl Exception {
    /// Whether the exception has expired on `today`.
    pub fn is_expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|last_day| today > last_day)
    }

    /// Whether it covers `finding`, whose file is at `file_path` on disk when known.
    pub fn covers(&self, finding: &Finding, file_path: Option<&Path>) -> bool {
        let rule_ok = self.rules.iter().any(|r| r == "*" || *r == finding.rule_id);
        if !rule_ok {
            return false;
        }
        let object = &finding.object;
        let field_ok = |pattern: &Option<Pattern>, value: &str| {
            pattern.as_ref().is_none_or(|p| p.is_match(value))
        };
        if !field_ok(&self.matches.kind, &object.kind)
            || !field_ok(
                &self.matches.namespace,
                object.namespace.as_deref().unwrap_or(""),
            )
            || !field_ok(&self.matches.name, object.name.as_deref().unwrap_or(""))
        {
            return false;
        }
        match &self.matches.path {
            None => true,
            Some(pattern) => {
                let relative = match (&self.base_dir, file_path) {
                    (Some(base), Some(path)) => relative_to(base, path),
                    _ => None,
                };
                relative.is_some_and(|r| pattern.is_match(&r))
                    || pattern.is_match(&finding.location.file)
            }
        }
    }
}

/// `path` relative to `base`, with `/` separators, when it lies under it.
pub(crate) fn relative_to(base: &Path, path: &Path) -> Option<String> {
    let base = std::path::absolute(base).ok()?;
    let path = std::path::absolute(path).ok()?;
    let base = normalize(&base);
    let path = normalize(&path);
    let relative = path.strip_prefix(&base).ok()?;
    Some(relative.to_string_lossy().replace('\\', "/"))
}

/// Drops `.` and resolves `..` lexically (no symlink resolution, files need not exist).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_compare() {
        assert_eq!(
            Date::parse("2024-02-29"),
            Ok(Date {
                year: 2024,
                month: 2,
                day: 29
            })
        );
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2023-13-01").is_err());
        assert!(Date::parse("next week").is_err());
        assert!(Date::parse("2023-1-01").is_err());
        assert!(
            Date::parse("2024-01-31").expect("valid in this test")
                < Date::parse("2024-02-01").expect("valid in this test")
        );
    }

    #[test]
    fn days_since_epoch_become_civil_dates() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(19_782).to_string(),
            "2024-02-29"
        );
        assert_eq!(
            Date::from_days_since_epoch(11_016).to_string(),
            "2000-02-29"
        );
        assert_eq!(Date::from_days_since_epoch(-1).to_string(), "1969-12-31");
    }

    #[test]
    fn globs_keep_star_inside_a_segment() {
        let p = Pattern::new("deploy/*.yaml").expect("valid in this test");
        assert!(p.is_match("deploy/a.yaml"));
        assert!(!p.is_match("deploy/sub/a.yaml"));
        assert!(
            Pattern::new("deploy/**")
                .expect("valid in this test")
                .is_match("deploy/sub/a.yaml")
        );
    }
}
