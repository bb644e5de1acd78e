//! A small YAML writer for the objects kordon generates (expanded Pods, exported templates):
//! block style, strings quoted whenever a plain scalar could be read as something else, and
//! multi-line strings (Rego) as literal blocks.

use serde_json::Value;

/// Renders a JSON value as a YAML document (without the leading `---`).
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(map, 0, &mut out),
        Value::Array(items) if !items.is_empty() => write_seq(items, 0, &mut out),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn indent(n: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_map(map: &serde_json::Map<String, Value>, level: usize, out: &mut String) {
    for (key, value) in map {
        indent(level, out);
        out.push_str(&quote_if_needed(key));
        out.push(':');
        write_value_after_key(value, level, out);
    }
}

fn write_seq(items: &[Value], level: usize, out: &mut String) {
    for item in items {
        indent(level, out);
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                // The first entry goes on the dash's line; the rest align under it.
                let mut first = true;
                for (key, value) in map {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        indent(level + 2, out);
                    }
                    out.push_str(&quote_if_needed(key));
                    out.push(':');
                    write_value_after_key(value, level + 2, out);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(inner, level + 2, out);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other, level + 2));
                out.push('\n');
            }
        }
    }
}

fn write_value_after_key(value: &Value, level: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(map, level + 2, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(items, level, out);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, level + 2));
            out.push('\n');
        }
    }
}

fn scalar(value: &Value, level: usize) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, level),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

fn string(s: &str, level: usize) -> String {
    let literal_ok = s.contains('\n')
        && !s.starts_with([' ', '\t', '\n'])
        && !s.contains('\r')
        && s.chars().all(|c| c == '\n' || c == '\t' || !c.is_control());
    if literal_ok {
        let body = s.trim_end_matches('\n');
        let trailing = s.len() - body.len();
        let chomp = match trailing {
            0 => "-",
            1 => "",
            _ => "+",
        };
        let mut out = format!("|{chomp}\n");
        let lines: Vec<&str> = s.split('\n').collect();
        let keep = if trailing >= 2 {
            lines.len() - 1
        } else {
            body.split('\n').count()
        };
        for (i, line) in lines.iter().take(keep).enumerate() {
            if !line.is_empty() {
                out.extend(std::iter::repeat_n(' ', level));
                out.push_str(line);
            }
            if i + 1 < keep {
                out.push('\n');
            }
        }
        return out;
    }
    quote_if_needed(s)
}

/// Plain when YAML 1.1 (Kubernetes' reading) would give back the same string, else JSON-quoted.
fn quote_if_needed(s: &str) -> String {
    let reserved = matches!(
        s.to_ascii_lowercase().as_str(),
        "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    );
    let numeric_like = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'));
    let plain_chars = s
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '/')
        && s.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    '-' | '_' | '.' | '/' | ' ' | '(' | ')' | ',' | ':' | '@' | '=' | '+'
                )
        })
        && !s.contains(": ")
        && !s.ends_with([' ', ':']);
    if reserved || numeric_like || !plain_chars {
        serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{ParseLimits, parse_stream};
    use serde_json::json;

    fn reparse(text: &str) -> Value {
        let stream = parse_stream(text, ParseLimits::default());
        match stream.documents.into_iter().next() {
            Some(Ok(doc)) => doc.root.map_or(Value::Null, |n| n.to_json()),
            other => panic!("does not parse back: {other:?}\n{text}"),
        }
    }

    #[test]
    fn round_trips_through_kordons_reader() {
        let value = json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web", "labels": {"on": "yes", "n": "0755", "empty": ""}},
            "spec": {
                "containers": [
                    {"name": "a", "image": "nginx:1.27", "digest": "ghcr.io/x@sha256:ab", "colon": "a:", "url": "http://x/y?z", "args": ["-c", "echo: hi # no"], "ports": [{"containerPort": 80}]},
                    {"name": "b", "env": [], "securityContext": {}}
                ],
                "nested": [[1, 2], []],
                "rego": "package x\n\nviolation[{\"msg\": m}] {\n\tm := \"a: b\"\n}\n",
                "kept": "two\n\n",
                "stripped": "a\nb",
                "null": null,
                "float": 1.5
            }
        });
        let text = to_yaml(&value);
        assert_eq!(reparse(&text), value, "{text}");
    }
}
