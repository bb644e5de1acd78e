//! Reports rendered from tera templates: the built-in Markdown, HTML, CSV and JUnit templates
//! (embedded in the crate) and user templates rendered against the same [`ReportContext`].
//!
//! Templates whose name ends in `.html`, `.htm` or `.xml` (after dropping a final `.tera`) are
//! auto-escaped. Besides tera's own filters, templates get:
//! - `score`: a score (or `none`) as `87.5` / `n/a`;
//! - `csv_row`: an array of values as one RFC 4180 record, quoted where needed, ending in CRLF;
//! - `md`: text made safe for a Markdown table cell (pipes, newlines, backticks, angle brackets).

use std::fmt;

use tera::{Context, Kwargs, State, Tera, Value};

use super::context::ReportContext;

/// A built-in report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateFormat {
    /// A Markdown summary suited to a pull-request comment.
    Markdown,
    /// A single self-contained HTML page.
    Html,
    /// One CSV row per finding.
    Csv,
    /// JUnit XML: a test case per failed (rule, object) check, scan errors as errors.
    Junit,
    /// One CSV row per framework and per control, with the numbers the HTML report shows.
    PostureCsv,
}

impl TemplateFormat {
    /// The template's name (its suffix decides escaping).
    pub fn template_name(self) -> &'static str {
        match self {
            TemplateFormat::Markdown => "kordon/report.md",
            TemplateFormat::Html => "kordon/report.html",
            TemplateFormat::Csv => "kordon/findings.csv",
            TemplateFormat::Junit => "kordon/junit.xml",
            TemplateFormat::PostureCsv => "kordon/posture.csv",
        }
    }

    /// The template's source text, as shipped in the crate.
    pub fn template_source(self) -> &'static str {
        match self {
            TemplateFormat::Markdown => include_str!("../../templates/report.md.tera"),
            TemplateFormat::Html => include_str!("../../templates/report.html.tera"),
            TemplateFormat::Csv => include_str!("../../templates/findings.csv.tera"),
            TemplateFormat::Junit => include_str!("../../templates/junit.xml.tera"),
            TemplateFormat::PostureCsv => include_str!("../../templates/posture.csv.tera"),
        }
    }
}

/// A template that does not parse or fails to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The template's name.
    pub template: String,
    /// What went wrong, with tera's explanation of where.
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "template `{}`: {}", self.template, self.message)
    }
}

impl std::error::Error for TemplateError {}

fn template_error(template: &str, error: &tera::Error) -> TemplateError {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    TemplateError {
        template: template.to_string(),
        message,
    }
}

fn score_filter(value: Value, _: Kwargs, _: &State) -> String {
    match value.as_f64() {
        Some(score) => format!("{score:.1}"),
        None => "n/a".to_string(),
    }
}

/// A cell a spreadsheet would read as a formula (OWASP's list: `=`, `+`, `-`, `@`, tab, CR).
fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// One RFC 4180 field. Manifest names and messages are attacker-controlled, so a cell that a
/// spreadsheet would evaluate gets a leading `'` and is quoted, as OWASP recommends against CSV
/// injection; numbers kordon itself writes never start that way.
fn csv_field(text: &str) -> String {
    if looks_like_formula(text) {
        format!("\"'{}\"", text.replace('"', "\"\""))
    } else if text.contains([',', '"', '\r', '\n']) || text.starts_with(' ') || text.ends_with(' ')
    {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn value_text(value: &Value) -> String {
    if value.is_none() {
        return String::new();
    }
    if let Some(items) = value.as_array() {
        return items.iter().map(value_text).collect::<Vec<_>>().join("; ");
    }
    match value.as_str() {
        Some(s) => s.to_string(),
        None => value.to_string(),
    }
}

fn csv_row_filter(values: Vec<Value>, _: Kwargs, _: &State) -> String {
    let mut row = values
        .iter()
        .map(|v| csv_field(&value_text(v)))
        .collect::<Vec<_>>()
        .join(",");
    row.push_str("\r\n");
    row
}

fn markdown_filter(value: Value, _: Kwargs, _: &State) -> String {
    let text = value_text(&value);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '*' => out.push_str("\\*"),
            '_' => out.push_str("\\_"),
            '\\' => out.push_str("\\\\"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '!' => out.push_str("\\!"),
            '~' => out.push_str("\\~"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // GitHub links `@user` and `#123` even after a backslash; a zero-width space
            // between the sign and the name keeps the text and drops the mention.
            '@' => out.push_str("@\u{200B}"),
            '#' => out.push_str("#\u{200B}"),
            '\r' => {}
            '\n' => out.push(' '),
            c if c.is_control() => out.push_str(&super::escape::control_char(c)),
            c => out.push(c),
        }
    }
    out
}

/// Tera's HTML escaping, plus what XML 1.0 cannot hold at all (control characters other than
/// tab, LF and CR, even as character references): those are written as visible `\u{..}` text
/// so that a hostile name keeps a JUnit or HTML report well-formed.
fn escape_markup(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for c in input.chars() {
        match c {
            '&' => out.write_all(b"&amp;")?,
            '<' => out.write_all(b"&lt;")?,
            '>' => out.write_all(b"&gt;")?,
            '"' => out.write_all(b"&quot;")?,
            '\'' => out.write_all(b"&#39;")?,
            '\t' | '\n' | '\r' => write!(out, "{c}")?,
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.write_all(super::escape::control_char(c).as_bytes())?
            }
            c => write!(out, "{c}")?,
        }
    }
    Ok(())
}

fn engine() -> Tera {
    let mut tera = Tera::new();
    tera.set_escape_fn(escape_markup);
    tera.register_filter("score", score_filter);
    tera.register_filter("csv_row", csv_row_filter);
    tera.register_filter("md", markdown_filter);
    tera
}

fn context(report: &ReportContext) -> Result<Context, tera::Error> {
    Context::from_serialize(report)
}

/// Renders a built-in report.
pub fn render_report(
    format: TemplateFormat,
    report: &ReportContext,
) -> Result<String, TemplateError> {
    render_named(format.template_name(), format.template_source(), report)
}

/// GitHub's limit on the body of a pull-request comment, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// Renders a built-in report in at most `max_chars` characters when it can: lists fewer
/// findings per control and fewer workloads (a third fewer each round) until it fits (the counts and scores always stay, and
/// the report says it was shortened). Returns the shortest rendering when even that is too long.
pub fn render_report_within(
    format: TemplateFormat,
    report: &ReportContext,
    max_chars: usize,
) -> Result<String, TemplateError> {
    let text = render_report(format, report)?;
    if text.chars().count() <= max_chars {
        return Ok(text);
    }
    let mut shorter = report.clone();
    let mut text = text;
    let mut cap = report
        .groups
        .iter()
        .map(|g| g.findings.len())
        .max()
        .unwrap_or(0);
    let mut workloads = report.workloads_shown;
    loop {
        cap = cap * 2 / 3;
        workloads = workloads * 2 / 3;
        if !shorter.shrink(cap, workloads) {
            return Ok(text);
        }
        text = render_report(format, &shorter)?;
        if text.chars().count() <= max_chars {
            return Ok(text);
        }
    }
}

/// Renders a user template. `name` is the template's file name: a name ending in `.html`,
/// `.htm` or `.xml` (after dropping a final `.tera`) turns on HTML/XML escaping of values.
pub fn render_template(
    name: &str,
    source: &str,
    report: &ReportContext,
) -> Result<String, TemplateError> {
    let name = name.strip_suffix(".tera").unwrap_or(name);
    render_named(name, source, report)
}

fn render_named(name: &str, source: &str, report: &ReportContext) -> Result<String, TemplateError> {
    let mut tera = engine();
    tera.add_raw_template(name, source)
        .map_err(|e| template_error(name, &e))?;
    let context = context(report).map_err(|e| template_error(name, &e))?;
    tera.render(name, &context)
        .map_err(|e| template_error(name, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_per_rfc_4180() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field(" padded"), "\" padded\"");
    }

    #[test]
    fn csv_cells_that_spreadsheets_evaluate_are_neutralised() {
        for formula in [
            "=HYPERLINK(\"http://e\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            let field = csv_field(formula);
            assert!(field.starts_with("\"'"), "{formula:?} became {field:?}");
        }
        assert_eq!(csv_field("=1+1"), "\"'=1+1\"");
        assert_eq!(csv_field("a=b"), "a=b");
    }

    #[test]
    fn markdown_cells_cannot_link_mention_or_embed() {
        assert_eq!(
            render(
                "{{ x | md }}",
                "x",
                "![i](http://e/p.png) [t](javascript:x) @team #1 <b>&amp;"
            ),
            "\\!\\[i\\](http://e/p.png) \\[t\\](javascript:x) @\u{200B}team #\u{200B}1 &lt;b&gt;&amp;amp;"
        );
    }

    #[test]
    fn markup_escaping_keeps_xml_well_formed() {
        let mut out = Vec::new();
        escape_markup("a\u{1}b\u{1b}[1m<c>\t\u{FFFF}", &mut out).expect("writes");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "a\\u{1}b\\u{1b}[1m&lt;c&gt;\t\\u{ffff}"
        );
    }

    fn render(template: &str, name: &str, value: &str) -> String {
        let mut context = Context::new();
        context.insert(name.to_string(), value);
        engine()
            .render_str(template, &context, false)
            .expect("renders")
    }

    #[test]
    fn markdown_cells_cannot_break_a_table() {
        assert_eq!(
            render("{{ x | md }}", "x", "a|b\n<script>`x`"),
            "a\\|b &lt;script&gt;\\`x\\`"
        );
    }

    #[test]
    fn csv_rows_join_lists_and_end_in_crlf() {
        let mut context = Context::new();
        context.insert("sections", &["5.2.2", "5.2.3"]);
        context.insert("message", "a, \"b\"");
        let row = engine()
            .render_str("{{ [message, sections, 7] | csv_row }}", &context, false)
            .expect("renders");
        assert_eq!(row, "\"a, \"\"b\"\"\",5.2.2; 5.2.3,7\r\n");
    }

    #[test]
    fn scores_print_one_decimal_or_na() {
        let mut context = Context::new();
        context.insert("a", &Some(87.46));
        context.insert("b", &Option::<f64>::None);
        let text = engine()
            .render_str("{{ a | score }} {{ b | score }}", &context, false)
            .expect("renders");
        assert_eq!(text, "87.5 n/a");
    }
}
