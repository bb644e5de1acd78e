//! Neutralising untrusted text (file names, manifest names and values, rule messages) before it
//! reaches a terminal, a CI log or a report: a pull request controls all of it.

use std::borrow::Cow;

/// A character shown as visible text, `\u{1b}`, instead of being emitted.
pub(crate) fn control_char(c: char) -> String {
    format!("\\u{{{:x}}}", u32::from(c))
}

/// Characters a terminal or a CI log would act on rather than show: C0 and C1 controls
/// (ESC starts ANSI/OSC sequences, CR and LF start a new log line where a workflow command
/// could begin), DEL, and the bidirectional overrides that reorder what a reader sees.
fn acts_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character a terminal would act on written as `\u{..}`: safe to print on
/// one line of a terminal or a CI log.
pub fn terminal_text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts_on_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts_on_terminal(c) {
            out.push_str(&control_char(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// As [`terminal_text`], but keeps tabs (a snippet of the source shows them as indentation).
pub(crate) fn snippet_char(c: char, out: &mut String) {
    if c != '\t' && acts_on_terminal(c) {
        out.push_str(&control_char(c));
    } else {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(
            terminal_text("a\n::error file=x::b\x1b]8;;http://e\x07"),
            "a\\u{a}::error file=x::b\\u{1b}]8;;http://e\\u{7}"
        );
        assert_eq!(terminal_text("x\u{9b}31m\u{202E}"), "x\\u{9b}31m\\u{202e}");
        assert!(matches!(terminal_text("plain ünïcode"), Cow::Borrowed(_)));
    }
}
