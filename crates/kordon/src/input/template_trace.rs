//! Which line of a chart's templates wrote a given line of a `helm template` render.
//!
//! A template is text with `{{ … }}` actions, not YAML, so searching it for the keys of a field
//! finds the wrong line whenever a key repeats (a pod's and a container's `securityContext`), a
//! list item sits inside a false `{{ if }}`, or one file writes several objects of a kind. This
//! module instead aligns the rendered document with the template, line by line: a template
//! line matches a rendered line when its literal text is there, with each action standing for
//! any text. The alignment that matches the most literal text wins (a weighted longest common
//! subsequence), so lines of a false `{{ if }}` are simply not matched and every later line
//! still lands on its own.
//!
//! A rendered line is only attributed to a template line when every best alignment agrees on
//! it (the earliest and the latest best alignment are compared); otherwise the answer is
//! marked as weaker. Rendered lines no template line matches were printed by an action
//! (`toYaml`, `include`, `tpl`): when exactly one action of the template can have printed them
//! it is the answer, and the output of `include "name"` is aligned in turn with the body of
//! `{{ define "name" }}` wherever the chart defines it (its `_helpers.tpl`, a subchart's).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::finding::Precision;

/// Alignments larger than this many cells (rendered lines × template lines) are not tried: the
/// answer is then the section's `kind:` line, marked [`Precision::TemplateFile`].
const MAX_CELLS: usize = 40_000_000;

/// How deep `include`s are followed into `define` bodies.
const MAX_INCLUDE_DEPTH: usize = 4;

/// The template line found for a rendered line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traced {
    /// The template file.
    pub file: PathBuf,
    /// The line (0-based) in that file.
    pub line: usize,
    /// [`Precision::TemplateKey`]: the line's literal text was aligned with the rendered line;
    /// [`Precision::TemplateAncestor`]: the action on this line printed it, or this is the
    /// nearest enclosing line that could be proven; [`Precision::TemplateFile`]: nothing could.
    pub precision: Precision,
    /// `true` when the rendered line was printed by the action on `line` (not written literally).
    pub by_action: bool,
    /// What `.` is on that line when it is a values key (`{{ with .Values.a.b }}` makes it `a.b`).
    pub dot: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Literal text, possibly with actions inside it.
    Text,
    /// Only actions, at least one of which prints something (`include`, `toYaml`, a value).
    Output,
    /// Only actions that print nothing (`if`, `end`, assignments, comments), or blank.
    Silent,
}

#[derive(Debug, Clone)]
enum Piece {
    Literal(String),
    Action,
}

#[derive(Debug, Clone)]
struct TemplateLine {
    kind: Kind,
    indent: usize,
    /// Literal pieces and actions of the line, leading and trailing blanks removed.
    pieces: Vec<Piece>,
    literal_len: usize,
    /// The line ends with an action that prints: what it prints may continue on the next lines.
    ends_with_output: bool,
    /// `include "name"` / `template "name"` on this line, when it prints.
    includes: Option<String>,
    /// What `.` is here, when it is a values key.
    dot: Option<String>,
    /// `---` at the start of the line: a document boundary.
    separator: bool,
    /// Inside a `range`: the line may write several rendered lines.
    in_range: bool,
    /// The name of the `define` this line opens.
    defines: Option<String>,
    /// The line closes the innermost `define`.
    closes_define: bool,
}

/// One template file, split into lines the alignment can use.
#[derive(Debug)]
pub struct Template {
    path: PathBuf,
    lines: Vec<TemplateLine>,
    /// The lines of each `range` action and of its `end`.
    ranges: Vec<(usize, usize)>,
}

/// The inside of an action, without the delimiters, trim markers and blanks.
fn action_body(action: &str) -> &str {
    let inner = action.strip_prefix("{{").unwrap_or(action);
    let inner = inner.strip_suffix("}}").unwrap_or(inner);
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner);
    inner.trim()
}

fn first_word(body: &str) -> &str {
    body.split(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("")
}

fn prints(body: &str) -> bool {
    if body.starts_with("/*") || body.is_empty() {
        return false;
    }
    let word = first_word(body);
    if matches!(
        word,
        "if" | "else" | "end" | "range" | "with" | "define" | "block" | "break" | "continue"
    ) {
        return false;
    }
    // `$x := …` and `$x = …` assign without printing.
    !(word.starts_with('$')
        && body[word.len()..]
            .trim_start()
            .starts_with([':', '='].as_slice()))
}

/// The quoted name after `include` / `template` at the start of an action, unless the action
/// re-serializes what the `define` wrote (`include "x" . | fromYaml | toYaml`): its lines are
/// then not the body's, and aligning them with it would claim lines at random.
fn included_name(body: &str) -> Option<String> {
    let reserialized = body
        .split(|c: char| c.is_whitespace() || c == '|' || c == '(' || c == ')')
        .any(|word| {
            matches!(
                word,
                "fromYaml"
                    | "fromYamlArray"
                    | "fromJson"
                    | "fromJsonArray"
                    | "toYaml"
                    | "toJson"
                    | "toPrettyJson"
                    | "toRawJson"
                    | "mustToJson"
                    | "mustToPrettyJson"
            )
        });
    if reserialized {
        return None;
    }
    let rest = body
        .strip_prefix("include")
        .or_else(|| body.strip_prefix("template"))?;
    let rest = rest.trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// The values key a `.Values.a.b` expression names (`a.b`), when the expression is only that.
fn values_key(expression: &str) -> Option<String> {
    let rest = expression
        .trim()
        .strip_prefix("$.Values.")
        .or_else(|| expression.trim().strip_prefix(".Values."))?;
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '-'))
        .unwrap_or(rest.len());
    let key = rest[..end].trim_end_matches('.');
    (!key.is_empty()).then(|| key.to_string())
}

/// The key `(index .Values.a N).b` names (`a[N].b`), when the `.Values.a` at `at` of `body` is
/// the list argument of such an `index`.
fn indexed_key(body: &str, at: usize, key: &str) -> Option<String> {
    let before = body[..at].trim_end();
    if !(before.ends_with("(index") || before == "index" || before.ends_with(" index")) {
        return None;
    }
    let after = body[at..].strip_prefix("$").unwrap_or(&body[at..]);
    let after = after.get(".Values.".len() + key.len()..)?;
    let digits_start = after.len() - after.trim_start().len();
    let rest = &after[digits_start..];
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    if digits == 0 || digits_start == 0 {
        return None;
    }
    let index: usize = rest[..digits].parse().ok()?;
    let mut out = format!("{key}[{index}]");
    if let Some(field) = rest[digits..].strip_prefix(").") {
        let end = field
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(field.len());
        let field = field[..end].trim_end_matches('.');
        if !field.is_empty() {
            out = format!("{out}.{field}");
        }
    }
    Some(out)
}

/// The values keys an action reads (`.Values.a.b` → `a.b`; `.x` inside `with .Values.a` → `a.x`;
/// `.x` inside `range .Values.a` → `a[].x`, an element of the list not yet known;
/// `(index .Values.a 0).x` → `a[0].x`).
pub fn values_read(action_line: &str, dot: Option<&str>) -> Vec<String> {
    let mut keys = Vec::new();
    let mut rest = action_line;
    while let Some(at) = rest.find("{{") {
        let after = &rest[at..];
        let end = after.find("}}").map_or(after.len(), |e| e + 2);
        let body = action_body(&after[..end]);
        for (i, _) in body.match_indices(".Values.") {
            let start = if body[..i].ends_with('$') { i - 1 } else { i };
            if let Some(key) = values_key(&body[i..]) {
                keys.push(indexed_key(body, start, &key).unwrap_or(key));
            }
        }
        if let Some(dot) = dot {
            for word in body.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
                if word == "." {
                    keys.push(dot.to_string());
                } else if let Some(field) = word.strip_prefix('.')
                    && !field.is_empty()
                    && !field.starts_with("Values")
                    && field.chars().next().is_some_and(char::is_lowercase)
                    && field
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                {
                    keys.push(format!("{dot}.{field}"));
                }
            }
        }
        rest = &after[end.min(after.len())..];
    }
    keys.dedup();
    keys
}

enum Block {
    Dot(Option<String>),
    /// A `range`: its body is written once per item.
    Range(Option<String>),
    Define,
    Other,
}

impl Template {
    /// Splits a template's text into lines with their literal text and actions.
    pub fn parse(path: &Path, text: &str) -> Template {
        let mut lines = Vec::new();
        let mut blocks: Vec<Block> = Vec::new();
        let mut range_starts: Vec<usize> = Vec::new();
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        // Inside an action that started on an earlier line.
        let mut open_action = String::new();
        for raw in text.split('\n') {
            let raw = raw.trim_end_matches('\r');
            let trimmed = raw.trim_start();
            let indent = raw.len() - trimmed.len();
            let mut pieces = Vec::new();
            let mut literal = String::new();
            let mut any_print = false;
            let mut ends_with_output = false;
            let mut includes = None;
            let mut defines = None;
            let mut closes_define = false;
            let mut rest = trimmed;
            let mut continued = !open_action.is_empty();
            loop {
                if continued {
                    match rest.find("}}") {
                        Some(end) => {
                            open_action.push_str(&rest[..end + 2]);
                            rest = &rest[end + 2..];
                            continued = false;
                            let action = std::mem::take(&mut open_action);
                            // The action is attributed to the line it started on: this one only
                            // continues it.
                            let body = action_body(&action);
                            note_range(body, lines.len(), &mut range_starts, &mut ranges);
                            track_blocks(&mut blocks, body, &mut None, &mut false);
                        }
                        None => {
                            open_action.push_str(rest);
                            open_action.push('\n');
                            break;
                        }
                    }
                    continue;
                }
                match rest.find("{{") {
                    Some(start) => {
                        literal.push_str(&rest[..start]);
                        let after = &rest[start..];
                        // `{{-` removes the blanks before it from the output.
                        if after.starts_with("{{-") {
                            literal.truncate(literal.trim_end().len());
                        }
                        match after.find("}}") {
                            Some(end) => {
                                let body = action_body(&after[..end + 2]);
                                if !literal.is_empty() {
                                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                                }
                                let printing = prints(body);
                                if printing {
                                    pieces.push(Piece::Action);
                                    any_print = true;
                                    if includes.is_none() {
                                        includes = included_name(body);
                                    }
                                }
                                note_range(body, lines.len(), &mut range_starts, &mut ranges);
                                track_blocks(&mut blocks, body, &mut defines, &mut closes_define);
                                ends_with_output = printing;
                                rest = &after[end + 2..];
                            }
                            None => {
                                if !literal.is_empty() {
                                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                                }
                                open_action.push_str(after);
                                open_action.push('\n');
                                let body = after.trim_start_matches("{{").trim_start_matches('-');
                                if prints(body.trim()) {
                                    pieces.push(Piece::Action);
                                    any_print = true;
                                    ends_with_output = true;
                                }
                                break;
                            }
                        }
                    }
                    None => {
                        literal.push_str(rest);
                        if !rest.trim().is_empty() {
                            ends_with_output = false;
                        }
                        break;
                    }
                }
            }
            let literal = literal.trim_end().to_string();
            if !literal.is_empty() {
                pieces.push(Piece::Literal(literal));
            }
            let literal_len: usize = pieces
                .iter()
                .map(|p| match p {
                    Piece::Literal(s) => s.trim().len(),
                    Piece::Action => 0,
                })
                .sum();
            let kind = if literal_len > 0 {
                Kind::Text
            } else if any_print {
                Kind::Output
            } else {
                Kind::Silent
            };
            let dot = blocks.iter().rev().find_map(|b| match b {
                Block::Dot(d) | Block::Range(d) => Some(d.clone()),
                Block::Define => Some(None),
                Block::Other => None,
            });
            let in_range = blocks.iter().any(|b| matches!(b, Block::Range(_)));
            lines.push(TemplateLine {
                in_range,
                kind,
                indent,
                pieces,
                literal_len,
                ends_with_output,
                includes,
                dot: dot.flatten(),
                separator: indent == 0 && (trimmed == "---" || trimmed.starts_with("--- ")),
                defines,
                closes_define,
            });
        }
        Template {
            path: path.to_path_buf(),
            lines,
            ranges,
        }
    }

    /// The template's documents (line ranges between `---` lines).
    fn sections(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut from = 0;
        for (i, line) in self.lines.iter().enumerate() {
            if line.separator {
                out.push((from, i));
                from = i + 1;
            }
        }
        out.push((from, self.lines.len()));
        out
    }

    /// The bodies of the `define`s of this file, by name.
    fn defines(&self) -> Vec<(String, (usize, usize))> {
        let mut out = Vec::new();
        let mut open: Vec<(String, usize)> = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            if line.closes_define
                && let Some((name, from)) = open.pop()
            {
                out.push((name, (from, i)));
            }
            if let Some(name) = &line.defines {
                open.push((name.clone(), i + 1));
            }
        }
        out
    }
}

/// Keeps the lines where `range` blocks open and close. Every block that `end` closes is
/// counted, so a `range` pairs with its own `end`.
fn note_range(body: &str, line: usize, open: &mut Vec<usize>, ranges: &mut Vec<(usize, usize)>) {
    const NOT_A_RANGE: usize = usize::MAX;
    match first_word(body) {
        "range" => open.push(line),
        "with" | "if" | "define" | "block" => open.push(NOT_A_RANGE),
        "end" => {
            if let Some(start) = open.pop().filter(|&s| s != NOT_A_RANGE) {
                ranges.push((start, line));
            }
        }
        _ => {}
    }
}

fn track_blocks(
    blocks: &mut Vec<Block>,
    body: &str,
    defines: &mut Option<String>,
    closes_define: &mut bool,
) {
    let word = first_word(body);
    let argument = body[word.len()..].trim();
    let current = blocks.iter().rev().find_map(|b| match b {
        Block::Dot(d) | Block::Range(d) => Some(d.clone()),
        Block::Define => Some(None),
        Block::Other => None,
    });
    match word {
        "with" => blocks.push(Block::Dot(dot_key(argument, current.flatten().as_deref()))),
        // Inside a range `.` is an element of the list, which one not known here (`a[]`).
        "range" => {
            // `range $i, $item := .Values.a` ranges over `.Values.a` as well.
            let list = argument
                .rsplit_once(":=")
                .map_or(argument, |(_, list)| list.trim());
            blocks.push(Block::Range(
                dot_key(list, current.flatten().as_deref())
                    .filter(|key| !key.contains("[]"))
                    .map(|key| format!("{key}[]")),
            ))
        }
        "define" => {
            blocks.push(Block::Define);
            *defines = argument
                .strip_prefix('"')
                .and_then(|a| a.find('"').map(|e| a[..e].to_string()));
        }
        "if" | "block" => blocks.push(Block::Other),
        "end" => {
            if matches!(blocks.pop(), Some(Block::Define)) {
                *closes_define = true;
            }
        }
        _ => {}
    }
}

/// The values key `argument` of a `with` or `range` names: `.Values.a`, or `.b` where `.` is
/// the key `current`.
fn dot_key(argument: &str, current: Option<&str>) -> Option<String> {
    if let Some(key) = values_key(argument) {
        return Some(key);
    }
    let field = argument.strip_prefix('.')?;
    let simple = !field.is_empty()
        && field.chars().next().is_some_and(char::is_lowercase)
        && field
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    Some(format!("{}.{field}", current?)).filter(|_| simple)
}

/// Whether `text` (a rendered line without its indentation) fits the line's pieces, each action
/// standing for any text.
fn fits(pieces: &[Piece], text: &str) -> bool {
    // `key: {{ toYaml .x | nindent 4 }}` renders `key: ` and the value on the next lines: the
    // blank after the colon is the template's own, so it is kept when an action ends the line.
    let text = if matches!(pieces.last(), Some(Piece::Action)) {
        text
    } else {
        text.trim_end()
    };
    let mut position = 0;
    let mut after_action = false;
    let count = pieces.len();
    for (n, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Action => after_action = true,
            Piece::Literal(literal) => {
                let literal = if n == 0 {
                    literal.trim_start()
                } else {
                    literal
                };
                let literal = if n + 1 == count {
                    literal.trim_end()
                } else {
                    literal
                };
                let rest = &text[position..];
                let at = if n + 1 == count {
                    // The last literal ends the line.
                    if after_action {
                        rest.ends_with(literal).then(|| rest.len() - literal.len())
                    } else {
                        (rest == literal).then_some(0)
                    }
                } else if after_action {
                    rest.find(literal)
                } else {
                    rest.starts_with(literal).then_some(0)
                };
                let Some(at) = at else { return false };
                position += at + literal.len();
                after_action = false;
            }
        }
    }
    after_action || position == text.len()
}

/// The rendered lines (without indentation) and their indentation.
struct RenderedLines<'a> {
    text: Vec<&'a str>,
    indent: Vec<usize>,
}

impl<'a> RenderedLines<'a> {
    fn new(document: &'a str) -> Self {
        let mut text = Vec::new();
        let mut indent = Vec::new();
        for raw in document.split('\n') {
            let raw = raw.trim_end_matches('\r');
            let trimmed = raw.trim_start();
            text.push(trimmed);
            indent.push(raw.len() - trimmed.len());
        }
        RenderedLines { text, indent }
    }
}

/// The template line each rendered line of `rendered` was aligned with, against the text lines
/// of `template` in `lines`; `None` where no best alignment matches it or best alignments
/// disagree (`ambiguous` is then set for that line).
struct Alignment {
    score: u64,
    matched: Vec<Option<usize>>,
    ambiguous: Vec<bool>,
    /// For an ambiguous rendered line, the one template line any best alignment matched it
    /// with, when that line is inside a `range`: the body is aligned with one item, but it
    /// wrote every item, so the line is likely (not proven) the writer.
    in_range: Vec<Option<usize>>,
}

fn align(
    template: &Template,
    (from, to): (usize, usize),
    rendered: &RenderedLines<'_>,
    (r_from, r_to): (usize, usize),
) -> Option<Alignment> {
    let columns: Vec<usize> = (from..to)
        .filter(|&i| template.lines[i].kind == Kind::Text)
        .collect();
    let rows = r_to - r_from;
    let n = columns.len();
    if (rows + 1).saturating_mul(n + 1) > MAX_CELLS {
        return None;
    }
    let score_of = |r: usize, c: usize| -> u64 {
        let line = &template.lines[columns[c]];
        let text = rendered.text[r_from + r];
        if text.is_empty() || !fits(&line.pieces, text) {
            return 0;
        }
        let indent_bonus = u64::from(rendered.indent[r_from + r] == line.indent);
        (line.literal_len as u64) * 2 + 1 + indent_bonus
    };
    let mut scores = vec![0u64; rows * n];
    for r in 0..rows {
        for c in 0..n {
            scores[r * n + c] = score_of(r, c);
        }
    }
    // The alignment that matches every line as late as it can, and (on the reversed lines)
    // the one that matches every line as early as it can, plus a third leaning the other way
    // at each tie: a rendered line is attributed only where they all agree. A template line
    // that fits two rendered lines equally well (a container's `privileged:` and a copied
    // sidecar's) is then not claimed by either.
    // A `range` body writes its lines once per item: after its last text line the alignment
    // may start over at its first (`loops[first]` holds the last).
    let mut loops: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(start, end) in &template.ranges {
        let body: Vec<usize> = (0..n)
            .filter(|&c| columns[c] > start && columns[c] < end)
            .collect();
        if let (Some(&first), Some(&last)) = (body.first(), body.last()) {
            loops[first].push(last);
        }
    }
    let mut reversed_loops: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (first, lasts) in loops.iter().enumerate() {
        for &last in lasts {
            reversed_loops[n - 1 - last].push(n - 1 - first);
        }
    }
    let (score, latest, leaning) = lcs(&scores, rows, n, false, &loops);
    let (_, earliest, _) = lcs(&scores, rows, n, true, &reversed_loops);
    let column = |m: Option<usize>| m.map(|c| columns[c]);
    let ambiguous: Vec<bool> = (0..rows)
        .map(|r| latest[r] != earliest[r] || latest[r] != leaning[r])
        .collect();
    let matched = (0..rows)
        .map(|r| {
            if ambiguous[r] {
                None
            } else {
                column(latest[r])
            }
        })
        .collect();
    let in_range = (0..rows)
        .map(|r| {
            let mut seen = [latest[r], earliest[r], leaning[r]].into_iter().flatten();
            let first = seen.next()?;
            let line = columns[first];
            (ambiguous[r] && seen.all(|c| c == first) && template.lines[line].in_range)
                .then_some(line)
        })
        .collect();
    Some(Alignment {
        score,
        matched,
        ambiguous,
        in_range,
    })
}

/// A weighted longest common subsequence of rendered lines (rows) and template lines
/// (columns), `scores[r * n + c]` the weight of matching row `r` with column `c` (0: no
/// match), where a row matched with column `c` may follow one matched up to any column of
/// `loops[c]` (a `range` body starting over). Returns the best score and two best alignments
/// (the column of each row): one that takes a match wherever it can while backtracking from the
/// end (and starts a body over when it can), and one that prefers to leave a template line out
/// (and not to start over). With `reversed`, both lines are taken from the end (and `loops` must
/// be given for that order), so the alignments are the earliest instead of the latest.
fn lcs(
    scores: &[u64],
    rows: usize,
    n: usize,
    reversed: bool,
    loops: &[Vec<usize>],
) -> (u64, Vec<Option<usize>>, Vec<Option<usize>>) {
    let row = |r: usize| if reversed { rows - 1 - r } else { r };
    let col = |c: usize| if reversed { n - 1 - c } else { c };
    let score = |r: usize, c: usize| scores[row(r) * n + col(c)];
    let width = n + 1;
    let mut table = vec![0u64; (rows + 1) * width];
    for r in 0..rows {
        for c in 0..n {
            let s = score(r, c);
            let diagonal = if s > 0 {
                let again = loops[c]
                    .iter()
                    .map(|&last| table[r * width + last + 1])
                    .max()
                    .unwrap_or(0);
                table[r * width + c].max(again) + s
            } else {
                0
            };
            let up = table[r * width + c + 1];
            let left = table[(r + 1) * width + c];
            table[(r + 1) * width + c + 1] = diagonal.max(up).max(left);
        }
    }
    let backtrack = |prefer_match: bool| -> Vec<Option<usize>> {
        let mut matched = vec![None; rows];
        let (mut r, mut c) = (rows, n);
        while r > 0 && c > 0 {
            let here = table[r * width + c];
            let s = score(r - 1, c - 1);
            // Where a match here continues from: the previous column, or the end of a
            // `range` body that starts over here.
            let from = (s > 0)
                .then(|| {
                    let straight = (here == table[(r - 1) * width + (c - 1)] + s).then_some(c - 1);
                    let again = loops[c - 1]
                        .iter()
                        .find(|&&last| here == table[(r - 1) * width + last + 1] + s)
                        .map(|&last| last + 1);
                    if prefer_match {
                        again.or(straight)
                    } else {
                        straight.or(again)
                    }
                })
                .flatten();
            let skip_template = here == table[r * width + c - 1];
            let skip_rendered = here == table[(r - 1) * width + c];
            if prefer_match {
                if let Some(next) = from {
                    matched[row(r - 1)] = Some(col(c - 1));
                    r -= 1;
                    c = next;
                } else if skip_rendered {
                    r -= 1;
                } else {
                    c -= 1;
                }
            } else if skip_template {
                c -= 1;
            } else if let Some(next) = from {
                matched[row(r - 1)] = Some(col(c - 1));
                r -= 1;
                c = next;
            } else {
                r -= 1;
            }
        }
        matched
    };
    (table[rows * width + n], backtrack(true), backtrack(false))
}

/// The templates of one chart, read once, with every `define` they hold.
#[derive(Default)]
pub struct ChartTemplates {
    templates: Vec<Template>,
    by_path: HashMap<PathBuf, usize>,
    defines: HashMap<String, (usize, (usize, usize))>,
    scanned_for_defines: bool,
    chart_dir: PathBuf,
    /// The chart's files, packaged subcharts' members included.
    files: super::chart_archive::ChartFiles,
}

impl ChartTemplates {
    /// The templates of the chart in `chart_dir` (read as they are needed).
    pub fn new(chart_dir: &Path) -> Self {
        ChartTemplates {
            chart_dir: chart_dir.to_path_buf(),
            files: super::chart_archive::ChartFiles::new(chart_dir),
            ..ChartTemplates::default()
        }
    }

    /// The file a `# Source:` path of the chart's render names, on disk or as an archive member
    /// (see [`ChartFiles::resolve`](super::chart_archive::ChartFiles::resolve)).
    pub fn resolve(&mut self, source_path: &str) -> Option<PathBuf> {
        self.files.resolve(source_path)
    }

    /// The text of a file [`resolve`](Self::resolve) named.
    pub fn read(&self, path: &Path) -> Option<String> {
        self.files.read(path)
    }

    /// The chart's files.
    pub fn files(&self) -> &super::chart_archive::ChartFiles {
        &self.files
    }

    fn load(&mut self, path: &Path) -> Option<usize> {
        if let Some(&i) = self.by_path.get(path) {
            return Some(i);
        }
        let text = self.files.read(path)?;
        let template = Template::parse(path, &text);
        let index = self.templates.len();
        for (name, body) in template.defines() {
            self.defines.entry(name).or_insert((index, body));
        }
        self.templates.push(template);
        self.by_path.insert(path.to_path_buf(), index);
        Some(index)
    }

    /// Reads every template of the chart and its unpacked subcharts for their `define`s.
    fn load_all(&mut self) {
        if self.scanned_for_defines {
            return;
        }
        self.scanned_for_defines = true;
        let mut files = Vec::new();
        let mut pending = vec![self.chart_dir.clone()];
        while let Some(chart) = pending.pop() {
            collect_templates(&chart.join("templates"), &mut files, 0);
            if let Ok(entries) = std::fs::read_dir(chart.join("charts")) {
                let mut subcharts: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.join("Chart.yaml").is_file())
                    .collect();
                subcharts.sort();
                pending.extend(subcharts);
            }
        }
        // Packaged subcharts' templates, so a `define` in a `.tgz` is found like one on disk.
        self.files.open_all();
        files.extend(self.files.archived_templates());
        for file in files {
            self.load(&file);
        }
    }

    /// The template line that wrote line `target` of `document` (a rendered document of
    /// `template`, the `ordinal`-th one it rendered).
    pub fn trace(&mut self, template: &Path, document: &str, target: usize) -> Option<Traced> {
        let index = self.load(template)?;
        let rendered = RenderedLines::new(document);
        if target >= rendered.text.len() {
            return None;
        }
        let sections = self.templates[index].sections();
        let mut best: Option<((usize, usize), Alignment)> = None;
        let mut tied = false;
        for section in sections {
            let Some(alignment) = align(
                &self.templates[index],
                section,
                &rendered,
                (0, rendered.text.len()),
            ) else {
                continue;
            };
            match &best {
                Some((_, b)) if b.score > alignment.score => {}
                Some((_, b)) if b.score == alignment.score => {
                    if alignment.score > 0 {
                        tied = true;
                    }
                }
                _ => {
                    tied = false;
                    best = Some((section, alignment));
                }
            }
        }
        let Some((section, alignment)) = best else {
            return Some(self.file_level(index, (0, self.templates[index].lines.len())));
        };
        let (section, alignment) = if alignment.score == 0 {
            // No literal line was rendered: the document is an action's output (`{{ toYaml . }}`
            // in a `range`), attributable only when one section holds a printing action.
            let template = &self.templates[index];
            let printing: Vec<(usize, usize)> = template
                .sections()
                .into_iter()
                .filter(|&(from, to)| (from..to).any(|i| template.lines[i].kind == Kind::Output))
                .collect();
            match printing.as_slice() {
                [only] => (
                    *only,
                    align(template, *only, &rendered, (0, rendered.text.len()))?,
                ),
                _ => return Some(self.file_level(index, section)),
            }
        } else {
            (section, alignment)
        };
        let mut traced = self.trace_in(
            index,
            section,
            &rendered,
            (0, rendered.text.len()),
            &alignment,
            target,
            0,
        );
        if tied && traced.precision == Precision::TemplateKey {
            // Two documents of the template fit the render equally well: which one wrote it
            // is not proven.
            traced.precision = Precision::TemplateAncestor;
        }
        Some(traced)
    }

    fn file_level(&self, index: usize, (from, to): (usize, usize)) -> Traced {
        let template = &self.templates[index];
        let line = (from..to)
            .find(|&i| {
                template.lines[i].indent == 0
                    && matches!(template.lines[i].pieces.first(), Some(Piece::Literal(l)) if l.starts_with("kind:"))
            })
            .or_else(|| (from..to).find(|&i| template.lines[i].kind != Kind::Silent))
            .unwrap_or(from);
        Traced {
            file: template.path.clone(),
            line,
            precision: Precision::TemplateFile,
            by_action: false,
            dot: None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn trace_in(
        &mut self,
        index: usize,
        section: (usize, usize),
        rendered: &RenderedLines<'_>,
        rows: (usize, usize),
        alignment: &Alignment,
        target: usize,
        depth: usize,
    ) -> Traced {
        let at = |line: usize, precision: Precision, by_action: bool, this: &Self| Traced {
            file: this.templates[index].path.clone(),
            line,
            precision,
            by_action,
            dot: this.templates[index].lines[line].dot.clone(),
        };
        let local = target - rows.0;
        if let Some(line) = alignment.matched[local] {
            return at(line, Precision::TemplateKey, false, self);
        }
        if let Some(line) = alignment.in_range[local] {
            return at(line, Precision::TemplateAncestor, false, self);
        }
        // Not written literally: the aligned lines around it bound the template lines that
        // can have printed it.
        // A line of a `range` body bounds the gap as an aligned line does: it wrote its
        // rendered line in whichever item, so the action printing below it is known.
        let anchor = |r: usize| alignment.matched[r].or(alignment.in_range[r]);
        let previous = (0..local).rev().find(|&r| anchor(r).is_some());
        let next = (local + 1..alignment.matched.len()).find(|&r| anchor(r).is_some());
        let gap_from = previous.and_then(anchor).map_or(section.0, |l| l + 1);
        // The next item of a `range` starts over at the top of its body.
        let gap_to = next
            .and_then(anchor)
            .filter(|&l| l >= gap_from)
            .unwrap_or(section.1);
        let ambiguous_here = alignment.ambiguous[local]
            || (previous.map_or(0, |p| p + 1)..local).any(|r| alignment.ambiguous[r]);
        let template = &self.templates[index];
        let mut candidates: Vec<usize> = (gap_from..gap_to.max(gap_from))
            .filter(|&i| template.lines[i].kind == Kind::Output)
            .collect();
        if let Some(line) = previous.and_then(anchor)
            && template.lines[line].ends_with_output
        {
            candidates.insert(0, line);
        }
        if candidates.len() == 1 && !ambiguous_here {
            let line = candidates[0];
            if depth < MAX_INCLUDE_DEPTH
                && let Some(name) = template.lines[line].includes.clone()
            {
                let rows_from = rows.0 + previous.map_or(0, |p| p + 1);
                let rows_to = rows.0 + next.unwrap_or(alignment.matched.len());
                if let Some(traced) =
                    self.trace_define(&name, rendered, (rows_from, rows_to), target, depth + 1)
                {
                    return traced;
                }
            }
            return at(line, Precision::TemplateAncestor, true, self);
        }
        // Several actions could have printed it, or the alignment is not unique here: the
        // nearest enclosing rendered line that was aligned.
        match enclosing_aligned(rendered, rows.0, local, alignment) {
            Some(line) => at(line, Precision::TemplateAncestor, false, self),
            None => self.file_level(index, section),
        }
    }

    fn trace_define(
        &mut self,
        name: &str,
        rendered: &RenderedLines<'_>,
        rows: (usize, usize),
        target: usize,
        depth: usize,
    ) -> Option<Traced> {
        if !self.defines.contains_key(name) {
            self.load_all();
        }
        let &(index, body) = self.defines.get(name)?;
        let alignment = align(&self.templates[index], body, rendered, rows)?;
        if alignment.score == 0 {
            return None;
        }
        let traced = self.trace_in(index, body, rendered, rows, &alignment, target, depth);
        (traced.precision != Precision::TemplateFile).then_some(traced)
    }
}

/// The nearest rendered line above `local` (relative to `from`) that is an ancestor of it in
/// the YAML structure and was aligned with a template line. Ancestors are followed one by one:
/// a less indented line that is not an ancestor (a sibling's child) is never taken.
fn enclosing_aligned(
    rendered: &RenderedLines<'_>,
    from: usize,
    local: usize,
    alignment: &Alignment,
) -> Option<usize> {
    let is_item = |r: usize| {
        let text = rendered.text[from + r];
        text == "-" || text.starts_with("- ")
    };
    let mut indent = rendered.indent[from + local];
    let mut item = is_item(local);
    for r in (0..local).rev() {
        let text = rendered.text[from + r];
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let here = rendered.indent[from + r];
        // A list item's parent may sit at the item's own indentation (`key:` then `- item`).
        let parent = here < indent || (item && here == indent && !is_item(r));
        if !parent {
            continue;
        }
        if let Some(line) = alignment.matched[r] {
            return Some(line);
        }
        indent = here;
        item = is_item(r);
    }
    None
}

fn collect_templates(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 8 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_templates(&path, out, depth + 1);
        } else if path
            .extension()
            .is_some_and(|e| e == "tpl" || e == "yaml" || e == "yml" || e == "txt")
        {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(template: &str, render: &str, line_text: &str) -> (String, Precision) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.yaml");
        std::fs::write(&path, template).expect("write");
        let mut chart = ChartTemplates::new(dir.path());
        let target = render
            .split('\n')
            .position(|l| l.trim() == line_text)
            .expect("line in render");
        let traced = chart.trace(&path, render, target).expect("traced");
        let line = template.split('\n').nth(traced.line).unwrap_or("").trim();
        (line.to_string(), traced.precision)
    }

    #[test]
    fn items_of_a_false_if_do_not_shift_later_items() {
        let template = "\
env:
  - name: A
    value: a
  {{- if .Values.b }}
  - name: B
    value: b
  {{- end }}
  - name: C
    value: {{ .Values.c | quote }}
";
        let render = "env:\n  - name: A\n    value: a\n  - name: C\n    value: \"c\"\n";
        assert_eq!(
            trace(template, render, "value: \"c\""),
            (
                "value: {{ .Values.c | quote }}".into(),
                Precision::TemplateKey
            )
        );
    }

    #[test]
    fn a_line_printed_by_an_action_is_the_action() {
        let template = "\
spec:
  securityContext:
    {{- toYaml .Values.pod | nindent 4 }}
  containers:
    - name: app
      securityContext:
        {{- toYaml .Values.app | nindent 8 }}
";
        let render = "spec:\n  securityContext:\n    runAsUser: 1\n  containers:\n    - name: app\n      securityContext:\n        privileged: true\n";
        assert_eq!(
            trace(template, render, "runAsUser: 1"),
            (
                "{{- toYaml .Values.pod | nindent 4 }}".into(),
                Precision::TemplateAncestor
            )
        );
        assert_eq!(
            trace(template, render, "privileged: true"),
            (
                "{{- toYaml .Values.app | nindent 8 }}".into(),
                Precision::TemplateAncestor
            )
        );
    }

    #[test]
    fn identical_candidates_are_not_claimed() {
        let template = "\
items:
  {{- if .Values.one }}
  - x: 1
  {{- end }}
  - x: 1
";
        let render = "items:\n  - x: 1\n";
        assert_eq!(
            trace(template, render, "- x: 1"),
            ("items:".into(), Precision::TemplateAncestor)
        );
    }

    #[test]
    fn a_line_that_fits_two_rendered_lines_equally_claims_neither() {
        // The helper's `privileged:` line fits its own rendered line and the copied sidecar's:
        // both alignments score the same, so neither rendered line is attributed to it.
        let template = "containers:\n  - name: helper\n    securityContext:\n      runAsNonRoot: true\n      privileged: {{ .Values.p }}\n  {{- toYaml .Values.sidecars | nindent 2 }}\n";
        let render = "containers:\n  - name: helper\n    securityContext:\n      runAsNonRoot: true\n      privileged: true\n  - name: logs\n    securityContext:\n      privileged: false\n";
        let (line, precision) = trace(template, render, "privileged: false");
        assert_ne!(
            (line.as_str(), precision),
            ("privileged: {{ .Values.p }}", Precision::TemplateKey)
        );
        let (_, precision) = trace(template, render, "privileged: true");
        assert_ne!(precision, Precision::TemplateKey);
    }

    #[test]
    fn a_range_body_writes_every_item_not_a_look_alike_in_a_false_if() {
        // Two items of the range; the metrics port, in a false `if`, looks like an item.
        let template = "ports:\n{{- range $k, $v := .Values.ports }}\n  - name: {{ $k }}\n    containerPort: {{ $v }}\n    protocol: TCP\n{{- end }}\n{{- if .Values.metrics.enabled }}\n  - name: {{ .Values.metrics.name }}\n    containerPort: {{ .Values.metrics.port }}\n    protocol: TCP\n{{- end }}\n  - name: webhook\n    containerPort: {{ .Values.webhook }}\n    protocol: TCP\n";
        let render = "ports:\n  - name: http\n    containerPort: 80\n    protocol: TCP\n  - name: https\n    containerPort: 443\n    protocol: TCP\n  - name: webhook\n    containerPort: 8443\n    protocol: TCP\n";
        let (line, precision) = trace(template, render, "containerPort: 443");
        assert_ne!(
            (line.as_str(), precision),
            (
                "containerPort: {{ .Values.metrics.port }}",
                Precision::TemplateKey
            )
        );
        assert_eq!(
            trace(template, render, "containerPort: 80").0,
            "containerPort: {{ $v }}"
        );
        assert_eq!(
            trace(template, render, "containerPort: 8443"),
            (
                "containerPort: {{ .Values.webhook }}".to_string(),
                Precision::TemplateKey
            )
        );
    }

    #[test]
    fn a_key_whose_value_an_action_prints_below_it_is_its_line() {
        let template = "spec:\n  image: x\n  pullPolicy: {{ .Values.policy }}\n  lifecycle: {{ toYaml .Values.lifecycle | nindent 4 }}\n  args: {{ include \"args\" . | nindent 4 }}\n";
        let render = "spec:\n  image: x\n  pullPolicy: Always\n  lifecycle: \n    preStop: {}\n  args: \n    - run\n";
        assert_eq!(
            trace(template, render, "args:"),
            (
                "args: {{ include \"args\" . | nindent 4 }}".to_string(),
                Precision::TemplateKey
            )
        );
        assert_ne!(
            trace(template, render, "preStop: {}").0,
            "pullPolicy: {{ .Values.policy }}"
        );
        // `{{-` trims the blank after the colon from the render.
        let template = "spec:\n  pullPolicy: {{ .Values.policy }}\n  securityContext: {{- include \"sc\" . | nindent 4 }}\n";
        let render = "spec:\n  pullPolicy: Always\n  securityContext:\n    runAsGroup: 0\n";
        assert_eq!(
            trace(template, render, "securityContext:"),
            (
                "securityContext: {{- include \"sc\" . | nindent 4 }}".to_string(),
                Precision::TemplateKey
            )
        );
    }

    #[test]
    fn a_define_whose_output_is_re_serialized_is_not_aligned_with_its_body() {
        let dir = tempfile::tempdir().expect("tempdir");
        let templates = dir.path().join("templates");
        std::fs::create_dir(&templates).expect("templates");
        std::fs::write(
            templates.join("_pod.tpl"),
            "{{- define \"pod\" }}\nspec:\n  volumes:\n    - name: x\n      hostPath:\n        path: /x\n  containers:\n    - name: app\n      image: a\n{{- end }}\n",
        )
        .expect("write");
        let path = templates.join("deployment.yaml");
        let template = "kind: Deployment\nspec:\n  template: {{ include \"pod\" . | fromYaml | toYaml | nindent 4 }}\n";
        std::fs::write(&path, template).expect("write");
        // Sorted keys: `containers` now comes first. The render's lines are the action's,
        // whatever of the body they happen to look like.
        let render = "kind: Deployment\nspec:\n  template: \n    spec:\n      containers:\n      - image: a\n        name: app\n      volumes:\n      - hostPath:\n          path: /x\n        name: x\n";
        let mut chart = ChartTemplates::new(dir.path());
        let target = render
            .split('\n')
            .position(|l| l.trim() == "path: /x")
            .expect("line");
        let traced = chart.trace(&path, render, target).expect("traced");
        assert_eq!(traced.file, path);
        assert_eq!(traced.line, 2);
        assert_eq!(traced.precision, Precision::TemplateAncestor);
    }

    #[test]
    fn values_read_follow_with_blocks() {
        assert_eq!(
            values_read("{{- toYaml . | nindent 8 }}", Some("podSecurityContext")),
            vec!["podSecurityContext".to_string()]
        );
        assert_eq!(
            values_read("runAsUser: {{ .Values.sc.runAsUser }}", None),
            vec!["sc.runAsUser".to_string()]
        );
    }

    #[test]
    fn values_read_through_list_items() {
        assert_eq!(
            values_read(
                "privileged: {{ (index .Values.sidecars 1).securityContext.privileged }}",
                None
            ),
            vec!["sidecars[1].securityContext.privileged".to_string()]
        );
        assert_eq!(
            values_read("image: {{ index $.Values.images 0 }}", None),
            vec!["images[0]".to_string()]
        );
        let template = Template::parse(
            Path::new("t.yaml"),
            "{{- range $i, $c := .Values.extra }}\n- name: {{ .name }}\n  {{- with .securityContext }}\n  x: {{ toYaml . }}\n  {{- end }}\n{{- end }}\n",
        );
        let dots: Vec<Option<&str>> = template.lines.iter().map(|l| l.dot.as_deref()).collect();
        assert_eq!(
            dots[..5],
            [
                Some("extra[]"),
                Some("extra[]"),
                Some("extra[].securityContext"),
                Some("extra[].securityContext"),
                Some("extra[]"),
            ]
        );
        assert_eq!(
            values_read("- name: {{ .name }}", Some("extra[]")),
            vec!["extra[].name".to_string()]
        );
    }
}
