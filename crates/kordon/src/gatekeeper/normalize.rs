//! Source-level rewrites that let regorus read Rego that OPA reads. Two gaps of regorus 0.14
//! (research/crates.md) are closed here, before a template is compiled:
//!
//! 1. A v0 rule with several bodies, `violation[x] { a } { b }`, is rejected; it means the same
//!    as one rule per body, so the head is repeated before each further body.
//! 2. A body line that starts with `(` is read as a call continuing the previous line; OPA ends
//!    the statement at the newline, so a `;` is inserted where the previous statement ends.

const KEYWORDS: &[&str] = &[
    "not", "some", "with", "as", "in", "if", "contains", "every", "else", "default", "import",
    "package",
];

/// Rewrites `text` so regorus parses it as OPA does. Text that needs nothing is returned as is.
pub fn normalize_rego(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut insertions: Vec<(usize, String)> = Vec::new();
    let (mut braces, mut parens, mut brackets) = (0i32, 0i32, 0i32);
    let mut statement_start: Option<usize> = None;
    let mut body_open: Option<usize> = None;
    // End (exclusive) of the last significant character outside strings and comments.
    let mut last_significant: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let top_level = braces == 0 && parens == 0 && brackets == 0;
        match c {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'`' => {
                if top_level && statement_start.is_none() {
                    statement_start = Some(i);
                }
                let quote = c;
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    if quote == b'"' && bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                last_significant = Some(i.min(bytes.len()));
                continue;
            }
            b'\n' => {
                if top_level && body_open.is_none() {
                    statement_start = None;
                }
                if braces > 0 && parens == 0 && brackets == 0 {
                    let next = skip_blank(bytes, i + 1);
                    if next < bytes.len()
                        && bytes[next] == b'('
                        && let Some(end) = last_significant
                        && ends_a_statement(text, end)
                    {
                        insertions.push((end, ";".to_string()));
                    }
                }
            }
            b' ' | b'\t' | b'\r' => {}
            _ => {
                if top_level && statement_start.is_none() {
                    statement_start = Some(i);
                }
                match c {
                    b'{' => {
                        if top_level && body_open.is_none() {
                            body_open = Some(i);
                        }
                        braces += 1;
                    }
                    b'}' => {
                        braces -= 1;
                        if braces == 0 && parens == 0 && brackets == 0 {
                            let next = skip_blank(bytes, i + 1);
                            let next_is_body = next < bytes.len() && bytes[next] == b'{';
                            match (statement_start, body_open) {
                                (Some(start), Some(open)) if next_is_body => {
                                    let head = text[start..open].trim_end();
                                    insertions.push((next, format!("\n{head} ")));
                                }
                                _ if text[next.min(text.len())..].starts_with("else") => {}
                                _ => {
                                    statement_start = None;
                                    body_open = None;
                                }
                            }
                        }
                    }
                    b'(' => parens += 1,
                    b')' => parens -= 1,
                    b'[' => brackets += 1,
                    b']' => brackets -= 1,
                    _ => {}
                }
                last_significant = Some(i + 1);
            }
        }
        i += 1;
    }
    if insertions.is_empty() {
        return text.to_string();
    }
    let mut out = text.to_string();
    insertions.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    for (at, insert) in insertions {
        out.insert_str(at, &insert);
    }
    out
}

/// The next offset that is neither blank nor inside a comment.
fn skip_blank(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => break,
        }
    }
    i
}

/// Whether the text before `end` closes an expression (so a following `(` starts a new one).
fn ends_a_statement(text: &str, end: usize) -> bool {
    let before = &text[..end];
    let Some(last) = before.chars().last() else {
        return false;
    };
    if matches!(last, ')' | ']' | '}' | '"' | '`') {
        return true;
    }
    if !(last.is_alphanumeric() || last == '_') {
        return false;
    }
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    !KEYWORDS.contains(&word.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violations(policy: &str, input: &str) -> Result<String, String> {
        let mut engine = regorus::Engine::new();
        engine.set_rego_v0(true);
        engine
            .add_policy("t.rego".into(), normalize_rego(policy))
            .map_err(|e| e.to_string())?;
        engine.set_input(regorus::Value::from_json_str(input).map_err(|e| e.to_string())?);
        let v = engine
            .eval_rule("data.t.violation".into())
            .map_err(|e| e.to_string())?;
        Ok(serde_json::to_string(&v).unwrap_or_default())
    }

    #[test]
    fn several_bodies_become_several_rules() {
        let policy = "package t\n\nviolation[{\"msg\": m}] {\n  input.a == 1\n  m := \"a\"\n} {\n  input.b == 1 # two\n  m := \"b\"\n}\n";
        let out = violations(policy, r#"{"a": 1, "b": 1}"#).expect("loads after normalising");
        assert!(out.contains("\"a\"") && out.contains("\"b\""), "{out}");
    }

    #[test]
    fn a_line_starting_with_a_parenthesis_is_a_new_statement() {
        let policy =
            "package t\n\nviolation[{\"msg\": \"big\"}] {\n  x := input.n\n  (x - 1) >= 2\n}\n";
        let out = violations(policy, r#"{"n": 5}"#).expect("loads after normalising");
        assert!(out.contains("big"), "{out}");
        let out = violations(policy, r#"{"n": 1}"#).expect("loads");
        assert!(!out.contains("big"), "{out}");
    }

    #[test]
    fn continuation_lines_are_left_alone() {
        let policy = "package t\n\nviolation[{\"msg\": m}] {\n  m := concat(\"\", [\n  (\"x\")])\n  y := 1 +\n  (2)\n  y == 3\n}\n";
        assert_eq!(normalize_rego(policy), policy);
        assert!(violations(policy, "{}").expect("loads").contains('x'));
    }

    #[test]
    fn else_chains_and_strings_are_untouched() {
        let policy = "package t\n\nf(x) = 1 {\n  x == \"{ } {\"\n} else = 2 {\n  true\n}\n\nviolation[{\"msg\": \"m\"}] { f(1) == 2 }\n";
        assert_eq!(normalize_rego(policy), policy);
    }
}
