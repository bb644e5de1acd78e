//! `# kordon:ignore[rule-id,...] reason` and `# kordon:ignore-file[rule-id] reason` comments.

use crate::document::Span;

/// One suppression comment found in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    /// The rule ids named in brackets.
    pub rules: Vec<String>,
    /// The reason after the brackets (empty when none was given).
    pub reason: String,
    /// True for `kordon:ignore-file`.
    pub whole_file: bool,
    /// 1-based lines whose findings it covers: its own line and, when the comment stands alone
    /// on its line, the next line that is not itself a comment.
    pub lines: Vec<usize>,
    /// Where the directive is written (from `kordon:` to the end of the line).
    pub span: Span,
}

/// A comment that looks like a directive but cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Malformed {
    /// Where it is written.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

const MARKER: &str = "kordon:ignore";

/// Finds the suppression comments of a YAML text.
pub fn find_directives(text: &str) -> (Vec<Directive>, Vec<Malformed>) {
    let mut directives = Vec::new();
    let mut malformed = Vec::new();
    // Most files have no directive: a substring search (vectorised) rules them out without
    // splitting them into lines and reading every character for quotes and comments, which
    // was a serial tenth of a corpus scan's reporting.
    if !text.contains(MARKER) {
        return (directives, malformed);
    }
    let lines: Vec<(usize, &str)> = line_offsets(text);
    let next_code = next_code_lines(&lines);
    for (index, &(start, line)) in lines.iter().enumerate() {
        let Some(hash) = comment_start(line) else {
            continue;
        };
        let comment = line[hash + 1..].trim_start();
        let Some(rest) = comment.strip_prefix(MARKER) else {
            continue;
        };
        let directive_start = start + (line.len() - comment.len());
        let span = Span::new(directive_start, start + line.trim_end().len());
        let (whole_file, rest) = match rest.strip_prefix("-file") {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        let Some(inside) = rest.strip_prefix('[') else {
            malformed.push(Malformed {
                span,
                message: format!(
                    "`{}` must name the rules it silences: `# kordon:ignore{}[rule-id] reason`",
                    comment.trim_end(),
                    if whole_file { "-file" } else { "" }
                ),
            });
            continue;
        };
        let Some((ids, reason)) = inside.split_once(']') else {
            malformed.push(Malformed {
                span,
                message: "unclosed `[` in a kordon:ignore comment".into(),
            });
            continue;
        };
        let rules: Vec<String> = ids
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect();
        if rules.is_empty() {
            malformed.push(Malformed {
                span,
                message: "a kordon:ignore comment names no rule id inside `[...]`".into(),
            });
            continue;
        }
        let line_number = index + 1;
        let mut covered = vec![line_number];
        let standalone = line[..hash].trim().is_empty();
        if standalone && !whole_file {
            covered.extend(next_code.get(index + 1).copied().flatten());
        }
        directives.push(Directive {
            rules,
            reason: reason.trim().to_string(),
            whole_file,
            lines: covered,
            span,
        });
    }
    (directives, malformed)
}

/// For each line index, the 1-based number of the first line at or after it that is not only a
/// comment. Computed backwards in one pass: a stack of standalone directives each looking ahead
/// for its line would be quadratic in the height of the stack.
fn next_code_lines(lines: &[(usize, &str)]) -> Vec<Option<usize>> {
    let mut next = vec![None; lines.len() + 1];
    for (index, (_, line)) in lines.iter().enumerate().rev() {
        let only_comment = comment_start(line).is_some_and(|h| line[..h].trim().is_empty());
        next[index] = if only_comment {
            next[index + 1]
        } else {
            Some(index + 1)
        };
    }
    next
}

/// Each line with its starting byte offset, without the line break.
fn line_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let line = piece.trim_end_matches(['\n', '\r']);
        out.push((start, line));
        start += piece.len();
    }
    out
}

/// The byte index of a line's comment `#`: a `#` at the start of the line or after whitespace,
/// outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '#' && previous.is_whitespace() => return Some(i),
            None if (c == '"' || c == '\'') && (previous.is_whitespace() || previous == ':') => {
                quote = Some(c)
            }
            None => {}
        }
        previous = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_and_standalone_comments() {
        let text = "a: 1 # kordon:ignore[r1, r2] because\n# kordon:ignore[r3] reason here\n# another comment\nb: 2\n";
        let (found, bad) = find_directives(text);
        assert!(bad.is_empty());
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].rules, ["r1", "r2"]);
        assert_eq!(found[0].reason, "because");
        assert_eq!(found[0].lines, [1]);
        assert_eq!(found[1].lines, [2, 4]);
        assert_eq!(
            &text[found[1].span.start..found[1].span.end],
            "kordon:ignore[r3] reason here"
        );
    }

    #[test]
    fn a_tall_stack_of_directives_covers_the_line_below_it() {
        let height = 50_000;
        let mut text = "# kordon:ignore[r1] stacked\n".repeat(height);
        text.push_str("\n# kordon:ignore[r2] last\nb: 2\n");
        let (found, bad) = find_directives(&text);
        assert!(bad.is_empty());
        assert_eq!(found.len(), height + 1);
        // A blank line is not a comment: the stack covers it, and the last directive `b: 2`.
        assert!(found[..height].iter().all(|d| d.lines[1] == height + 1));
        assert_eq!(found[height].lines, [height + 2, height + 3]);
    }

    #[test]
    fn quoted_hashes_and_malformed_directives() {
        let text = "a: \"x # kordon:ignore[r1] no\"\n# kordon:ignore no brackets\n# kordon:ignore-file[] empty\n# kordon:ignore-file[r9]\n";
        let (found, bad) = find_directives(text);
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert_eq!(found.len(), 1);
        assert!(found[0].whole_file);
        assert_eq!(found[0].reason, "");
    }
}
