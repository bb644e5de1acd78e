//! Rendering patch values as text in the style of the file being edited: YAML block or flow
//! style, or JSON.

use serde_json::Value;

use crate::document::NodeValue;

/// How the file around an edit is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    /// The object is JSON: keys and strings double-quoted, no block style.
    pub json: bool,
    /// `"\r\n"` or `"\n"`.
    pub newline: &'static str,
    /// Spaces added per nesting level of block mappings.
    pub step: usize,
    /// Spaces between a key and the dashes of its block sequence (0 or `step`).
    pub seq_offset: usize,
    /// Double-quote every string value, as the collection being replaced does.
    pub quote_strings: bool,
}

/// A scalar value as text; `None` for non-empty collections.
pub(crate) fn scalar(value: &Value, style: Style) -> Option<String> {
    Some(match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, style),
        Value::Object(map) if map.is_empty() => "{}".into(),
        Value::Array(items) if items.is_empty() => "[]".into(),
        Value::Object(_) | Value::Array(_) => return None,
    })
}

/// A string as a YAML plain scalar when that reads back as the same string, else double-quoted.
pub(crate) fn string(text: &str, style: Style) -> String {
    if !style.json && !style.quote_strings && plain_is_safe(text) {
        text.to_string()
    } else {
        double_quoted(text)
    }
}

/// Double-quoted: JSON string escapes are valid YAML double-quoted escapes.
pub(crate) fn double_quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.escape_default()))
}

/// Single-quoted YAML, when the text has no line breaks (which would fold).
pub(crate) fn single_quoted(text: &str) -> Option<String> {
    (!text.contains(['\n', '\r'])).then(|| format!("'{}'", text.replace('\'', "''")))
}

/// True when `text` written plain decodes to the same string (YAML 1.1, as Kubernetes reads it)
/// in both block and flow context.
fn plain_is_safe(text: &str) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let second = chars.next();
    let starts_well = match first {
        ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
        | '@' | '`' => false,
        '-' | '?' | ':' => second.is_some_and(|c| !c.is_whitespace()),
        c => !c.is_whitespace(),
    };
    starts_well
        && !text.starts_with("---")
        && !text.starts_with("...")
        && !text.ends_with([' ', '\t', ':'])
        && !text.contains(": ")
        && !text.contains(" #")
        // YAML 1.1 readers other than Kubernetes' read `10:30` as a base-60 number.
        && !(first.is_ascii_digit() && text.contains(':'))
        && !text
            .chars()
            .any(|c| c.is_control() || ",[]{}".contains(c) || c == '\u{feff}')
        && matches!(
            crate::document::resolve_plain_scalar(text),
            NodeValue::String(_)
        )
}

/// A value in flow style (`{a: 1, b: [x]}`), or compact JSON.
pub(crate) fn flow(value: &Value, style: Style) -> String {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", key(k, style), flow(v, style)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Value::Array(items) if !items.is_empty() => {
            let items: Vec<String> = items.iter().map(|v| flow(v, style)).collect();
            format!("[{}]", items.join(", "))
        }
        other => scalar(other, style).unwrap_or_default(),
    }
}

/// A mapping key.
pub(crate) fn key(text: &str, style: Style) -> String {
    string(
        text,
        Style {
            quote_strings: false,
            ..style
        },
    )
}

/// JSON pretty-printed with `step` spaces per level, its continuation lines indented by
/// `indent` spaces.
pub(crate) fn json_pretty(value: &Value, indent: usize, style: Style) -> String {
    let pad = " ".repeat(style.step.max(1));
    match value {
        Value::Object(map) if !map.is_empty() => {
            let inner = " ".repeat(indent + style.step.max(1));
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{inner}{}: {}",
                        double_quoted(k),
                        json_pretty(v, indent + pad.len(), style)
                    )
                })
                .collect();
            format!(
                "{{{nl}{}{nl}{}}}",
                entries.join(&format!(",{}", style.newline)),
                " ".repeat(indent),
                nl = style.newline
            )
        }
        Value::Array(items) if !items.is_empty() => {
            let inner = " ".repeat(indent + style.step.max(1));
            let items: Vec<String> = items
                .iter()
                .map(|v| format!("{inner}{}", json_pretty(v, indent + pad.len(), style)))
                .collect();
            format!(
                "[{nl}{}{nl}{}]",
                items.join(&format!(",{}", style.newline)),
                " ".repeat(indent),
                nl = style.newline
            )
        }
        other => scalar(other, style).unwrap_or_default(),
    }
}

/// What follows `key:` in block style for `value`, when the key sits at column `indent`:
/// ` scalar`, or a line break and the indented block.
pub(crate) fn block_value_tail(value: &Value, indent: usize, style: Style) -> String {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let child = indent + style.step;
            map.iter()
                .map(|(k, v)| {
                    format!(
                        "{}{}{}",
                        style.newline,
                        " ".repeat(child),
                        block_entry(k, v, child, style)
                    )
                })
                .collect()
        }
        Value::Array(items) if !items.is_empty() => {
            let dash = indent + style.seq_offset;
            items
                .iter()
                .map(|item| {
                    format!(
                        "{}{}- {}",
                        style.newline,
                        " ".repeat(dash),
                        block_item(item, dash + 2, style)
                    )
                })
                .collect()
        }
        other => format!(" {}", scalar(other, style).unwrap_or_default()),
    }
}

/// `key: value` in block style, the key at column `indent` (the first line is not indented).
pub(crate) fn block_entry(k: &str, value: &Value, indent: usize, style: Style) -> String {
    format!(
        "{}:{}",
        key(k, style),
        block_value_tail(value, indent, style)
    )
}

/// The body of a block sequence item after `- `, its content at column `indent`.
pub(crate) fn block_item(value: &Value, indent: usize, style: Style) -> String {
    match value {
        Value::Object(map) if !map.is_empty() => map
            .iter()
            .map(|(k, v)| block_entry(k, v, indent, style))
            .collect::<Vec<_>>()
            .join(&format!("{}{}", style.newline, " ".repeat(indent))),
        Value::Array(_) => flow(value, style),
        other => scalar(other, style).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const YAML: Style = Style {
        json: false,
        newline: "\n",
        step: 2,
        seq_offset: 2,
        quote_strings: false,
    };

    #[test]
    fn strings_that_would_change_type_are_quoted() {
        for (text, expected) in [
            ("nginx:1.27", "nginx:1.27"),
            ("10:30", "\"10:30\""),
            ("ALL", "ALL"),
            ("yes", "\"yes\""),
            ("0755", "\"0755\""),
            ("1.5", "\"1.5\""),
            ("", "\"\""),
            ("a b", "a b"),
            ("RuntimeDefault", "RuntimeDefault"),
            ("--anonymous-auth=false", "--anonymous-auth=false"),
            ("- x", "\"- x\""),
            ("a: b", "\"a: b\""),
            ("a #b", "\"a #b\""),
            ("*x", "\"*x\""),
            ("https://a.example/x", "https://a.example/x"),
        ] {
            assert_eq!(string(text, YAML), expected, "{text}");
        }
    }

    #[test]
    fn nested_values_render_as_indented_blocks() {
        let value = json!({"runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}});
        assert_eq!(
            block_entry("securityContext", &value, 4, YAML),
            "securityContext:\n      runAsNonRoot: true\n      capabilities:\n        drop:\n          - ALL"
        );
        assert_eq!(
            flow(&value, YAML),
            "{runAsNonRoot: true, capabilities: {drop: [ALL]}}"
        );
    }
}
