//! Kubelet systemd units (`kubelet.service`, `kubelet.service.d/*.conf`) read as one object each,
//! so kubelet rules judge the command line a node really starts, with every word located.
//!
//! The object is `kordon.dev/v1` `SystemdUnit`: `metadata.name` is the file name and
//! `service.command` the last `ExecStart=` of the `[Service]` section, split as systemd splits
//! it, with `$NAME` and `${NAME}` replaced by the file's own `Environment=` values. Each word's
//! span is where it is written, in the `ExecStart=` line or in the `Environment=` line it came
//! from. Variables the file does not define (an `EnvironmentFile=`, another drop-in) are listed
//! in `service.unresolvedVariables`, so rules know the command line may hold more than they see.

use std::collections::BTreeMap;

use super::node::{Entry, Node, NodeValue, Span};

/// Whether a file name (a path as the scan shows it) is a kubelet unit or drop-in kordon reads.
pub fn is_kubelet_unit_name(name: &str) -> bool {
    let path = std::path::Path::new(name);
    let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
        return false;
    };
    if file == "kubelet.service" {
        return true;
    }
    let in_drop_in_dir = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|d| d.to_str())
        .is_some_and(|d| d == "kubelet.service.d");
    in_drop_in_dir && file.ends_with(".conf")
}

/// A word of a command line or an assignment, with where its text is written.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    span: Span,
}

/// One `Key=value` line of the `[Service]` section (continuations joined).
struct Setting {
    key: String,
    key_span: Span,
    /// The value's characters with their byte offsets in the file.
    value: Vec<(usize, char)>,
}

/// The unit as an object, or `None` when its `[Service]` section starts nothing.
pub fn parse_unit(name: &str, text: &str) -> Option<Node> {
    let settings = service_settings(text);
    let mut environment: BTreeMap<String, Vec<Word>> = BTreeMap::new();
    let mut exec_start: Option<(Span, Vec<Word>)> = None;
    for setting in &settings {
        match setting.key.as_str() {
            "Environment" => {
                for assignment in split_words(&setting.value) {
                    if let Some((name, value)) = split_assignment(&assignment) {
                        environment.insert(name, value);
                    }
                }
            }
            "ExecStart" => {
                let words = split_words(&setting.value);
                // An empty `ExecStart=` clears the commands set before it (drop-ins use it to
                // replace the unit's own); of the rest, the last one is the one that runs.
                exec_start = if words.is_empty() {
                    None
                } else {
                    Some((line_span(setting), words))
                };
            }
            _ => {}
        }
    }
    let (command_span, words) = exec_start?;
    let mut command = Vec::new();
    let mut unresolved = Vec::new();
    for (index, word) in words.into_iter().enumerate() {
        let word = if index == 0 {
            strip_exec_prefixes(word)
        } else {
            word
        };
        match variable_reference(&word.text) {
            Some((variable, split)) => match environment.get(variable) {
                Some(values) if split => command.extend(values.iter().cloned()),
                Some(values) => command.push(joined(values, word.span)),
                None => unresolved.push(variable.to_string()),
            },
            None => command.push(word),
        }
    }
    unresolved.sort();
    unresolved.dedup();
    let whole = Span::new(0, text.len());
    let service = map(
        command_span,
        vec![
            entry(
                "command",
                command_span,
                Node {
                    value: NodeValue::Seq(command.into_iter().map(string_node).collect()),
                    span: command_span,
                    via_alias: false,
                },
            ),
            entry(
                "unresolvedVariables",
                command_span,
                Node {
                    value: NodeValue::Seq(
                        unresolved
                            .into_iter()
                            .map(|text| {
                                string_node(Word {
                                    text,
                                    span: command_span,
                                })
                            })
                            .collect(),
                    ),
                    span: command_span,
                    via_alias: false,
                },
            ),
        ],
    );
    let file_name = std::path::Path::new(name)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or(name)
        .to_string();
    let at_start = Span::new(0, 0);
    Some(map(
        whole,
        vec![
            entry("apiVersion", at_start, text_node("kordon.dev/v1", at_start)),
            entry("kind", at_start, text_node("SystemdUnit", at_start)),
            entry(
                "metadata",
                at_start,
                map(
                    at_start,
                    vec![entry("name", at_start, text_node(&file_name, at_start))],
                ),
            ),
            entry("service", command_span, service),
        ],
    ))
}

/// The `Key=value` lines of the `[Service]` section, with backslash continuations joined and
/// comments left out.
fn service_settings(text: &str) -> Vec<Setting> {
    let mut settings = Vec::new();
    let mut in_service = false;
    let mut logical: Vec<(usize, char)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if logical.is_empty() {
            if trimmed.starts_with('#') || trimmed.starts_with(';') || trimmed.is_empty() {
                continue;
            }
            if trimmed.starts_with('[') {
                in_service = trimmed.trim_end() == "[Service]";
                continue;
            }
        }
        let continued = content.ends_with('\\');
        let body = if continued {
            &content[..content.len() - 1]
        } else {
            content
        };
        logical.extend(body.char_indices().map(|(i, c)| (start + i, c)));
        if continued {
            // systemd joins continuation lines with a space.
            logical.push((start + body.len(), ' '));
            continue;
        }
        let line_chars = std::mem::take(&mut logical);
        if in_service && let Some(setting) = setting_of(&line_chars) {
            settings.push(setting);
        }
    }
    if in_service && let Some(setting) = setting_of(&logical) {
        settings.push(setting);
    }
    settings
}

fn setting_of(chars: &[(usize, char)]) -> Option<Setting> {
    let equals = chars.iter().position(|&(_, c)| c == '=')?;
    let key_chars = &chars[..equals];
    let key: String = key_chars.iter().map(|&(_, c)| c).collect();
    let key_trimmed = key.trim();
    if key_trimmed.is_empty() {
        return None;
    }
    let first = key_chars.iter().find(|(_, c)| !c.is_whitespace())?.0;
    let value: Vec<(usize, char)> = chars[equals + 1..]
        .iter()
        .copied()
        .skip_while(|(_, c)| c.is_whitespace())
        .collect();
    Some(Setting {
        key: key_trimmed.to_string(),
        key_span: Span::new(first, first + key_trimmed.len()),
        value,
    })
}

/// The span of a whole setting line, from its key to the end of its value.
fn line_span(setting: &Setting) -> Span {
    let end = setting
        .value
        .last()
        .map(|&(at, c)| at + c.len_utf8())
        .unwrap_or(setting.key_span.end);
    Span::new(setting.key_span.start, end)
}

/// Splits a value into words as systemd does: whitespace separates, double or single quotes
/// group (and are removed), a backslash escapes the next character.
fn split_words(chars: &[(usize, char)]) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut quote: Option<char> = None;
    let mut iter = chars.iter().copied().peekable();
    while let Some((at, c)) = iter.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    words.push(Word {
                        text: std::mem::take(&mut current),
                        span: Span::new(s, end),
                    });
                }
            }
            (None, '"' | '\'') => {
                quote = Some(c);
                start.get_or_insert(at + 1);
                end = at + 1;
            }
            (Some(q), c) if c == q => {
                quote = None;
                end = at;
            }
            (_, '\\') => {
                start.get_or_insert(at);
                if let Some((next_at, next)) = iter.next() {
                    current.push(next);
                    end = next_at + next.len_utf8();
                }
            }
            (_, c) => {
                start.get_or_insert(at);
                current.push(c);
                end = at + c.len_utf8();
            }
        }
    }
    if let Some(s) = start {
        words.push(Word {
            text: current,
            span: Span::new(s, end),
        });
    }
    words
}

/// `NAME=value` of an `Environment=` word: the name and the value's words, each located in the
/// file (the value sits at the end of the word's span, after `NAME=`).
fn split_assignment(word: &Word) -> Option<(String, Vec<Word>)> {
    let (name, value) = word.text.split_once('=')?;
    if name.is_empty() {
        return None;
    }
    let value_start = word.span.end.saturating_sub(value.len());
    let chars: Vec<(usize, char)> = value
        .char_indices()
        .map(|(i, c)| (value_start + i, c))
        .collect();
    let words = chars
        .split(|(_, c)| c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let first = part[0].0;
            let last = part[part.len() - 1];
            Word {
                text: part.iter().map(|&(_, c)| c).collect(),
                span: Span::new(first, last.0 + last.1.len_utf8()),
            }
        })
        .collect();
    Some((name.to_string(), words))
}

/// `$NAME` (split into words) or `${NAME}` (one word), when the whole word is a reference.
fn variable_reference(text: &str) -> Option<(&str, bool)> {
    let is_name = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !s.starts_with(|c: char| c.is_ascii_digit())
    };
    if let Some(inner) = text.strip_prefix("${").and_then(|t| t.strip_suffix('}')) {
        return is_name(inner).then_some((inner, false));
    }
    let name = text.strip_prefix('$')?;
    is_name(name).then_some((name, true))
}

/// `${NAME}` gives the whole value as one argument.
fn joined(values: &[Word], fallback: Span) -> Word {
    let span = match (values.first(), values.last()) {
        (Some(first), Some(last)) => first.span.join(last.span),
        _ => fallback,
    };
    Word {
        text: values
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        span,
    }
}

/// `ExecStart=-/usr/bin/kubelet`: the prefixes `-`, `@`, `+`, `!` and `:` change how systemd
/// runs the command, not which program it is.
fn strip_exec_prefixes(word: Word) -> Word {
    let stripped = word.text.trim_start_matches(['-', '@', '+', '!', ':']);
    let removed = word.text.len() - stripped.len();
    Word {
        text: stripped.to_string(),
        span: Span::new(word.span.start + removed, word.span.end),
    }
}

fn string_node(word: Word) -> Node {
    Node {
        value: NodeValue::String(word.text),
        span: word.span,
        via_alias: false,
    }
}

fn text_node(text: &str, span: Span) -> Node {
    Node {
        value: NodeValue::String(text.to_string()),
        span,
        via_alias: false,
    }
}

fn map(span: Span, entries: Vec<Entry>) -> Node {
    Node {
        value: NodeValue::Map(entries),
        span,
        via_alias: false,
    }
}

fn entry(key: &str, key_span: Span, value: Node) -> Entry {
    Entry {
        key: key.to_string(),
        key_span,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(text: &str) -> Vec<(String, String)> {
        let node = parse_unit("kubelet.service.d/10-kubeadm.conf", text).expect("a command");
        let service = node.get("service").expect("service");
        service
            .get("command")
            .expect("command")
            .items()
            .iter()
            .map(|n| {
                (
                    n.as_str().unwrap_or_default().to_string(),
                    text[n.span.start..n.span.end].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn names_read() {
        assert!(is_kubelet_unit_name("etc/systemd/system/kubelet.service"));
        assert!(is_kubelet_unit_name("kubelet.service.d/10-kubeadm.conf"));
        assert!(!is_kubelet_unit_name("containerd.service.d/10.conf"));
        assert!(!is_kubelet_unit_name("kubelet.conf"));
    }

    #[test]
    fn variables_expand_to_located_words() {
        let text = "[Service]\nEnvironment=\"KUBELET_KUBECONFIG_ARGS=--kubeconfig=/etc/kubernetes/kubelet.conf --v=2\"\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_EXTRA_ARGS --hostname-override=n1\n";
        let words = command(text);
        let texts: Vec<&str> = words.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "/usr/bin/kubelet",
                "--kubeconfig=/etc/kubernetes/kubelet.conf",
                "--v=2",
                "--hostname-override=n1"
            ]
        );
        // Every word's span holds exactly its text where it is written.
        for (word, written) in &words {
            assert_eq!(word, written);
        }
        let node = parse_unit("kubelet.service", text).expect("a command");
        let unresolved = node
            .get("service")
            .and_then(|s| s.get("unresolvedVariables"))
            .map(|u| u.items().len());
        assert_eq!(unresolved, Some(1));
    }

    #[test]
    fn continuations_prefixes_and_other_sections() {
        let text = "[Unit]\nExecStart=/bin/false\n[Service]\n# comment\nExecStart=-/usr/local/bin/kubelet \\\n  --protect-kernel-defaults=true \\\n  --event-qps=0\n";
        let texts: Vec<String> = command(text).into_iter().map(|(t, _)| t).collect();
        assert_eq!(
            texts,
            [
                "/usr/local/bin/kubelet",
                "--protect-kernel-defaults=true",
                "--event-qps=0"
            ]
        );
    }

    #[test]
    fn no_command_is_no_object() {
        assert!(parse_unit("kubelet.service", "[Service]\nEnvironment=A=b\n").is_none());
        assert!(parse_unit("kubelet.service", "[Service]\nExecStart=/a\nExecStart=\n").is_none());
        assert!(parse_unit("kubelet.service", "").is_none());
        assert!(parse_unit("kubelet.service", "[Service]\n=x\n\"\\").is_none());
    }
}
