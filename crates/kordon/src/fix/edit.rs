//! Patch operations become minimal text edits of the original file, guided by the span tree, so
//! that everything the patch does not touch stays byte for byte as the user wrote it.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::TextEdit;
use super::render::{self, Style};
use crate::document::{Node, NodeValue, PathSegment, Span, display_path};
use crate::finding::{PatchKind, PatchOp};

/// One followed step of a path: the node, the key that holds it, and the node holding it.
#[derive(Clone, Copy)]
struct Step<'n> {
    node: &'n Node,
    key_span: Option<Span>,
    parent: Option<&'n Node>,
}

/// The text of one file, with what is needed to edit it in its own style.
pub(crate) struct Editor<'a> {
    text: &'a str,
    referenced_anchors: BTreeSet<&'a str>,
    // Measured once per file: an editor serves every finding of the file, and a scan of the
    // whole text per finding made fixes quadratic in the size of a file.
    newline: &'static str,
}

/// Why a fix cannot be turned into edits.
pub(crate) type EditError = String;

const ALIAS_REFUSAL: &str = "the field is shared through a YAML anchor/alias or merge key; editing it would change every place that uses the anchor, so fix it by hand";

impl<'a> Editor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let referenced_anchors = text
            .match_indices('*')
            .filter_map(|(i, _)| {
                let rest = &text[i + 1..];
                let end = rest
                    .find(|c: char| c.is_whitespace() || ",[]{}".contains(c))
                    .unwrap_or(rest.len());
                (end > 0).then(|| &rest[..end])
            })
            .collect();
        Editor {
            text,
            referenced_anchors,
            newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
        }
    }

    /// The edits that carry out `ops` on the object whose mapping is `root`.
    pub(crate) fn edits(&self, root: &Node, ops: &[PatchOp]) -> Result<Vec<TextEdit>, EditError> {
        let style = self.style(root);
        let mut sets: Vec<(Vec<Step<'_>>, Value)> = Vec::new();
        let mut inserts: Vec<(&Node, Map<String, Value>)> = Vec::new();
        let mut appends: Vec<(&Node, Value)> = Vec::new();
        let mut removes: Vec<Vec<Step<'_>>> = Vec::new();
        for op in ops {
            let steps = walk(root, &op.path);
            let depth = steps.len() - 1;
            for step in &steps {
                if step.node.via_alias || self.is_shared(step.node) {
                    return Err(ALIAS_REFUSAL.into());
                }
            }
            let exact = depth == op.path.len();
            let shown = display_path(&op.path);
            match op.op {
                PatchKind::Remove => {
                    if !exact {
                        continue;
                    }
                    if depth == 0 {
                        return Err("a fix cannot remove the whole object".into());
                    }
                    if self.subtree_shared(steps[depth].node) {
                        return Err(ALIAS_REFUSAL.into());
                    }
                    removes.push(steps);
                }
                PatchKind::Add | PatchKind::Replace => {
                    let value = op
                        .value
                        .clone()
                        .ok_or_else(|| format!("the `{:?}` of `{shown}` has no value", op.op))?;
                    if exact {
                        if depth == 0 {
                            return Err("a fix cannot replace the whole object".into());
                        }
                        if self.subtree_shared(steps[depth].node) {
                            return Err(ALIAS_REFUSAL.into());
                        }
                        merge_set(&mut sets, steps, value);
                        continue;
                    }
                    let deepest = steps[depth];
                    let rest = &op.path[depth..];
                    match (&deepest.node.value, &rest[0]) {
                        (NodeValue::Map(_), first) => {
                            let nested = nest(&rest[1..], value, &shown)?;
                            let mut entry = Map::new();
                            entry.insert(segment_key(first), nested);
                            merge_insert(&mut inserts, deepest.node, entry);
                        }
                        (NodeValue::Null, PathSegment::Key(_)) if depth > 0 => {
                            let nested = nest(rest, value, &shown)?;
                            merge_set(&mut sets, steps, nested);
                        }
                        (NodeValue::Seq(items), segment)
                            if rest.len() == 1
                                && match segment {
                                    PathSegment::Index(i) => *i == items.len(),
                                    PathSegment::Key(k) => k == "-",
                                } =>
                        {
                            appends.push((deepest.node, value));
                        }
                        _ => {
                            return Err(format!(
                                "cannot add `{shown}`: `{}` is not a mapping",
                                display_path(&op.path[..depth])
                            ));
                        }
                    }
                }
            }
        }
        let mut edits = Vec::new();
        for (steps, value) in &sets {
            edits.push(self.set_edit(&steps[steps.len() - 1], value, style)?);
        }
        for (parent, entries) in &inserts {
            edits.push(self.insert_edit(parent, entries, style)?);
        }
        for (seq, value) in &appends {
            edits.push(self.append_edit(seq, value, style)?);
        }
        for steps in &removes {
            edits.push(self.remove_edit(steps, style)?);
        }
        edits.sort_by_key(|e| (e.start, e.end));
        if edits.windows(2).any(|w| super::conflicts(&w[0], &w[1])) {
            return Err("the fix's operations overlap one another".into());
        }
        Ok(edits)
    }

    /// The layout conventions of the object: JSON or YAML, line breaks, indentation steps.
    fn style(&self, root: &Node) -> Style {
        let json = self.is_flow(root);
        let newline = self.newline;
        let mut step = None;
        let mut seq_offset = None;
        self.measure_indents(root, &mut step, &mut seq_offset);
        let step = step.unwrap_or(2);
        Style {
            json,
            newline,
            step,
            seq_offset: seq_offset.unwrap_or(step),
            quote_strings: false,
        }
    }

    fn measure_indents(&self, node: &Node, step: &mut Option<usize>, seq: &mut Option<usize>) {
        if (step.is_some() && seq.is_some()) || node.via_alias || self.is_flow(node) {
            return;
        }
        match &node.value {
            NodeValue::Map(entries) => {
                for entry in entries.iter().filter(|e| !e.value.via_alias) {
                    let key_column = self.column(entry.key_span.start);
                    match &entry.value.value {
                        NodeValue::Map(children)
                            if step.is_none() && !self.is_flow(&entry.value) =>
                        {
                            if let Some(child) = children.first() {
                                let column = self.column(child.key_span.start);
                                if column > key_column {
                                    *step = Some(column - key_column);
                                }
                            }
                        }
                        NodeValue::Seq(items) if seq.is_none() && !self.is_flow(&entry.value) => {
                            if let Some(dash) = items.first().and_then(|i| self.dash_before(i)) {
                                let column = self.column(dash);
                                *seq = Some(column.saturating_sub(key_column));
                            }
                        }
                        _ => {}
                    }
                    self.measure_indents(&entry.value, step, seq);
                }
            }
            NodeValue::Seq(items) => {
                for item in items {
                    self.measure_indents(item, step, seq);
                }
            }
            _ => {}
        }
    }

    fn set_edit(
        &self,
        step: &Step<'_>,
        value: &Value,
        style: Style,
    ) -> Result<TextEdit, EditError> {
        let node = step.node;
        let collection = render::scalar(value, style).is_none();
        let parent_flow = step.parent.is_some_and(|p| self.is_flow(p));
        if let Some(key_span) = step.key_span
            && !style.json
            && !parent_flow
        {
            let key_column = self.column(key_span.start);
            let block_collection =
                matches!(node.value, NodeValue::Map(_) | NodeValue::Seq(_)) && !self.is_flow(node);
            if collection && self.is_flow(node) {
                let start = self.value_start(key_span, node);
                let style = Style {
                    quote_strings: self.has_double_quoted_strings(node),
                    ..style
                };
                return Ok(edit(
                    start,
                    self.content_end(node),
                    render::flow(value, style),
                ));
            }
            if !collection && !block_collection {
                let start = self.value_start(key_span, node);
                return Ok(edit(
                    start,
                    self.content_end(node),
                    self.scalar_in_place(start, node, value, style),
                ));
            }
            if node.span.start == node.span.end {
                // `key:` with nothing after it: the block goes under the key line, after any
                // comment on it.
                let at = self.line_end(node.span.start);
                return Ok(edit(
                    at,
                    at,
                    render::block_value_tail(value, key_column, style),
                ));
            }
            let colon = self
                .colon_end(key_span)
                .ok_or("cannot find the `:` after the key")?;
            return Ok(edit(
                colon,
                self.content_end(node),
                render::block_value_tail(value, key_column, style),
            ));
        }
        let start = step
            .key_span
            .map_or(node.span.start, |k| self.value_start(k, node));
        let replacement = if !collection {
            self.scalar_in_place(start, node, value, style)
        } else if style.json && self.is_multiline_flow(step.parent) {
            render::json_pretty(value, self.column(self.line_indent_pos(start)), style)
        } else {
            let style = Style {
                quote_strings: self.has_double_quoted_strings(node),
                ..style
            };
            self.after_colon_space(start, render::flow(value, style))
        };
        Ok(edit(start, self.content_end(node), replacement))
    }

    fn insert_edit(
        &self,
        parent: &Node,
        entries: &Map<String, Value>,
        style: Style,
    ) -> Result<TextEdit, EditError> {
        let own = own_entries(parent);
        if self.is_flow(parent) || style.json {
            let end = self.content_end(parent);
            let close = end.checked_sub(1).filter(|&c| self.byte(c) == Some(b'}'));
            let close = close.ok_or("cannot find the end of the flow mapping")?;
            let multiline = own.first().is_some_and(|first| {
                self.text[parent.span.start..first.key_span.start].contains('\n')
            });
            let indent = own.first().map_or(0, |f| self.column(f.key_span.start));
            let rendered: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    let value = if style.json && multiline {
                        render::json_pretty(v, indent, style)
                    } else {
                        render::flow(v, style)
                    };
                    format!("{}: {}", render::key(k, style), value)
                })
                .collect();
            let Some(last) = own.last() else {
                return Ok(edit(close, close, rendered.join(", ")));
            };
            if last.value.via_alias {
                return Err(ALIAS_REFUSAL.into());
            }
            let after = self.content_end(&last.value);
            let separator = if multiline {
                format!(",{}{}", style.newline, " ".repeat(indent))
            } else {
                ", ".to_string()
            };
            let text: String = rendered.iter().map(|r| format!("{separator}{r}")).collect();
            return Ok(edit(after, after, text));
        }
        let (Some(first), Some(last)) = (own.first(), own.last()) else {
            return Err(
                "the mapping has no keys of its own to align with (only a merge key)".into(),
            );
        };
        let column = self.column(first.key_span.start);
        let last_end = if last.value.via_alias {
            last.key_span.end
        } else {
            self.content_end(&last.value).max(last.key_span.end)
        };
        let at = self.line_end(last_end);
        let text: String = entries
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}{}{}",
                    style.newline,
                    " ".repeat(column),
                    render::block_entry(k, v, column, style)
                )
            })
            .collect();
        Ok(edit(at, at, text))
    }

    fn append_edit(&self, seq: &Node, value: &Value, style: Style) -> Result<TextEdit, EditError> {
        let items = seq.items();
        if items.iter().any(|i| i.via_alias) {
            return Err(ALIAS_REFUSAL.into());
        }
        if self.is_flow(seq) || style.json {
            let end = self.content_end(seq);
            let close = end.checked_sub(1).filter(|&c| self.byte(c) == Some(b']'));
            let close = close.ok_or("cannot find the end of the flow sequence")?;
            let rendered = render::flow(value, style);
            return Ok(match items.last() {
                None => edit(close, close, rendered),
                Some(last) => {
                    let after = self.content_end(last);
                    edit(after, after, format!(", {rendered}"))
                }
            });
        }
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return Err("cannot append to an empty block sequence".into());
        };
        let dash = self
            .dash_before(first)
            .ok_or("cannot find the sequence's `-`")?;
        let column = self.column(dash);
        let at = self.line_end(self.content_end(last));
        Ok(edit(
            at,
            at,
            format!(
                "{}{}- {}",
                style.newline,
                " ".repeat(column),
                render::block_item(value, column + 2, style)
            ),
        ))
    }

    fn remove_edit(&self, steps: &[Step<'_>], style: Style) -> Result<TextEdit, EditError> {
        let step = &steps[steps.len() - 1];
        let parent_step = &steps[steps.len() - 2];
        let parent = parent_step.node;
        let flow = self.is_flow(parent) || style.json;
        match &parent.value {
            NodeValue::Map(_) => {
                let own = own_entries(parent);
                let key_span = step.key_span.ok_or("the field has no key")?;
                let index = own
                    .iter()
                    .position(|e| e.key_span == key_span)
                    .ok_or(ALIAS_REFUSAL)?;
                if own.len() == 1 && parent.entries().len() == 1 {
                    if steps.len() < 3 {
                        return Err("a fix cannot remove the object's last field".into());
                    }
                    return self.set_edit(parent_step, &Value::Object(Map::new()), style);
                }
                let end = self.content_end(step.node);
                if flow {
                    if let Some(next) = own.get(index + 1) {
                        return Ok(edit(key_span.start, next.key_span.start, String::new()));
                    }
                    let previous = index
                        .checked_sub(1)
                        .and_then(|i| own.get(i))
                        .ok_or(ALIAS_REFUSAL)?;
                    return Ok(edit(self.content_end(&previous.value), end, String::new()));
                }
                let line_start = self.line_start(key_span.start);
                if self.text[line_start..key_span.start].trim().is_empty() {
                    return Ok(edit(
                        line_start,
                        self.line_end_inclusive(end),
                        String::new(),
                    ));
                }
                // The first key of a `- key: value` item: the next key moves up behind the dash.
                let next = own
                    .get(index + 1)
                    .ok_or("cannot remove the only field of a sequence item")?;
                Ok(edit(key_span.start, next.key_span.start, String::new()))
            }
            NodeValue::Seq(items) => {
                if items.len() == 1 {
                    return self.set_edit(parent_step, &Value::Array(Vec::new()), style);
                }
                let index = items
                    .iter()
                    .position(|i| std::ptr::eq(i, step.node))
                    .ok_or(ALIAS_REFUSAL)?;
                let end = self.content_end(step.node);
                if flow {
                    if let Some(next) = items.get(index + 1) {
                        return Ok(edit(step.node.span.start, next.span.start, String::new()));
                    }
                    let previous = &items[index - 1];
                    return Ok(edit(self.content_end(previous), end, String::new()));
                }
                let dash = self
                    .dash_before(step.node)
                    .ok_or("cannot find the item's `-`")?;
                let line_start = self.line_start(dash);
                if !self.text[line_start..dash].trim().is_empty() {
                    return Err("cannot remove an item that shares its line with another".into());
                }
                Ok(edit(
                    line_start,
                    self.line_end_inclusive(end),
                    String::new(),
                ))
            }
            _ => Err("the field's parent is not a collection".into()),
        }
    }

    /// A scalar replacing `node` at `start`, keeping the node's quoting style for strings.
    fn scalar_in_place(&self, start: usize, node: &Node, value: &Value, style: Style) -> String {
        let rendered = match (value, &node.value, self.byte(start)) {
            (Value::String(s), NodeValue::String(_), Some(b'\'')) if !style.json => {
                render::single_quoted(s).unwrap_or_else(|| render::double_quoted(s))
            }
            (Value::String(s), NodeValue::String(_), Some(b'"')) => render::double_quoted(s),
            _ => render::scalar(value, style).unwrap_or_else(|| render::flow(value, style)),
        };
        self.after_colon_space(start, rendered)
    }

    /// `key:value` is not a mapping entry in YAML: put a space after a colon written just before.
    fn after_colon_space(&self, start: usize, rendered: String) -> String {
        if start > 0 && self.byte(start - 1) == Some(b':') {
            format!(" {rendered}")
        } else {
            rendered
        }
    }

    /// True when the collection writes its strings in double quotes (`["NET_RAW"]`).
    fn has_double_quoted_strings(&self, node: &Node) -> bool {
        match &node.value {
            NodeValue::String(_) => self.byte(node.span.start) == Some(b'"'),
            NodeValue::Map(entries) => entries
                .iter()
                .any(|e| !e.value.via_alias && self.has_double_quoted_strings(&e.value)),
            NodeValue::Seq(items) => items
                .iter()
                .any(|i| !i.via_alias && self.has_double_quoted_strings(i)),
            _ => false,
        }
    }

    fn is_multiline_flow(&self, parent: Option<&Node>) -> bool {
        parent.is_some_and(|p| {
            own_entries(p)
                .first()
                .is_some_and(|f| self.text[p.span.start..f.key_span.start].contains('\n'))
        })
    }

    fn line_indent_pos(&self, pos: usize) -> usize {
        let start = self.line_start(pos);
        start + self.text[start..pos].len() - self.text[start..pos].trim_start().len()
    }

    fn byte(&self, pos: usize) -> Option<u8> {
        self.text.as_bytes().get(pos).copied()
    }

    fn line_start(&self, pos: usize) -> usize {
        self.text[..pos].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The end of the line holding `pos`, before its `\n` or `\r\n`.
    fn line_end(&self, pos: usize) -> usize {
        let end = self.text[pos..]
            .find('\n')
            .map_or(self.text.len(), |i| pos + i);
        if end > pos && self.byte(end - 1) == Some(b'\r') {
            end - 1
        } else {
            end
        }
    }

    /// The start of the line after the one holding `pos`.
    fn line_end_inclusive(&self, pos: usize) -> usize {
        self.text[pos..]
            .find('\n')
            .map_or(self.text.len(), |i| pos + i + 1)
    }

    /// Column in characters (0-based).
    fn column(&self, pos: usize) -> usize {
        self.text[self.line_start(pos)..pos].chars().count()
    }

    /// Skips a node's anchor and tag (`&name !!tag`) to where its content starts.
    fn skip_properties(&self, mut pos: usize) -> usize {
        let bytes = self.text.as_bytes();
        loop {
            match bytes.get(pos) {
                Some(b'&' | b'!') => {
                    while bytes.get(pos).is_some_and(|b| !b.is_ascii_whitespace()) {
                        pos += 1;
                    }
                    while bytes.get(pos).is_some_and(|b| b.is_ascii_whitespace()) {
                        pos += 1;
                    }
                }
                _ => return pos,
            }
        }
    }

    fn is_flow(&self, node: &Node) -> bool {
        matches!(node.value, NodeValue::Map(_) | NodeValue::Seq(_))
            && matches!(
                self.byte(self.skip_properties(node.span.start)),
                Some(b'{' | b'[')
            )
    }

    /// Where a node's text really ends (a block collection's span runs on to the next token).
    fn content_end(&self, node: &Node) -> usize {
        if self.is_flow(node) {
            return node.span.end;
        }
        match &node.value {
            NodeValue::Map(_) => own_entries(node).last().map_or(node.span.end, |e| {
                if e.value.via_alias {
                    e.key_span.end
                } else {
                    self.content_end(&e.value).max(e.key_span.end)
                }
            }),
            NodeValue::Seq(items) => items.last().map_or(node.span.end, |i| self.content_end(i)),
            _ => node.span.end,
        }
    }

    /// Where the value written after `key:` starts, including a block scalar's `|` or `>`.
    fn value_start(&self, key_span: Span, node: &Node) -> usize {
        let Some(colon) = self.colon_end(key_span) else {
            return node.span.start;
        };
        let bytes = self.text.as_bytes();
        let mut pos = colon;
        while matches!(bytes.get(pos), Some(b' ' | b'\t')) {
            pos += 1;
        }
        if pos < node.span.start && !matches!(bytes.get(pos), Some(b'\n' | b'\r' | b'#') | None) {
            pos
        } else {
            node.span.start
        }
    }

    /// Just after the `:` that follows a key.
    fn colon_end(&self, key_span: Span) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut pos = key_span.end;
        while matches!(bytes.get(pos), Some(b' ' | b'\t')) {
            pos += 1;
        }
        (bytes.get(pos) == Some(&b':')).then_some(pos + 1)
    }

    /// The `-` that introduces a block sequence item.
    fn dash_before(&self, item: &Node) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut pos = item.span.start;
        while pos > 0 {
            pos -= 1;
            match bytes[pos] {
                b' ' | b'\t' | b'\n' | b'\r' => continue,
                b'-' => return Some(pos),
                _ => return None,
            }
        }
        None
    }

    /// True when the node defines an anchor that an alias elsewhere refers to.
    fn is_shared(&self, node: &Node) -> bool {
        let Some(rest) = self
            .text
            .get(node.span.start..)
            .and_then(|t| t.strip_prefix('&'))
        else {
            return false;
        };
        let end = rest
            .find(|c: char| c.is_whitespace() || ",[]{}".contains(c))
            .unwrap_or(rest.len());
        self.referenced_anchors.contains(&rest[..end])
    }

    fn subtree_shared(&self, node: &Node) -> bool {
        self.is_shared(node)
            || match &node.value {
                NodeValue::Map(entries) => entries
                    .iter()
                    .any(|e| !e.value.via_alias && self.subtree_shared(&e.value)),
                NodeValue::Seq(items) => {
                    items.iter().any(|i| !i.via_alias && self.subtree_shared(i))
                }
                _ => false,
            }
    }
}

fn edit(start: usize, end: usize, replacement: String) -> TextEdit {
    TextEdit {
        start,
        end,
        replacement,
    }
}

/// The entries written in the mapping itself (not copied in by a merge key), in text order.
fn own_entries(node: &Node) -> Vec<&crate::document::Entry> {
    let mut own: Vec<_> = node
        .entries()
        .iter()
        .filter(|e| e.key_span.start >= node.span.start && e.key_span.start < node.span.end)
        .collect();
    own.sort_by_key(|e| e.key_span.start);
    own
}

fn walk<'n>(root: &'n Node, path: &[PathSegment]) -> Vec<Step<'n>> {
    let mut steps = vec![Step {
        node: root,
        key_span: None,
        parent: None,
    }];
    let mut node = root;
    for segment in path {
        let next = match (segment, &node.value) {
            (PathSegment::Key(k), NodeValue::Map(entries)) => entries
                .iter()
                .find(|e| &e.key == k)
                .map(|e| (&e.value, Some(e.key_span))),
            (PathSegment::Index(i), NodeValue::Map(entries)) => {
                let key = i.to_string();
                entries
                    .iter()
                    .find(|e| e.key == key)
                    .map(|e| (&e.value, Some(e.key_span)))
            }
            (PathSegment::Index(i), NodeValue::Seq(items)) => items.get(*i).map(|n| (n, None)),
            _ => None,
        };
        let Some((child, key_span)) = next else { break };
        steps.push(Step {
            node: child,
            key_span,
            parent: Some(node),
        });
        node = child;
    }
    steps
}

fn segment_key(segment: &PathSegment) -> String {
    match segment {
        PathSegment::Key(k) => k.clone(),
        PathSegment::Index(i) => i.to_string(),
    }
}

/// `value` under the keys of `path`: `[a, b]` and `1` make `{a: {b: 1}}`.
fn nest(path: &[PathSegment], value: Value, shown: &str) -> Result<Value, EditError> {
    path.iter()
        .rev()
        .try_fold(value, |inner, segment| match segment {
            PathSegment::Key(k) => {
                let mut map = Map::new();
                map.insert(k.clone(), inner);
                Ok(Value::Object(map))
            }
            PathSegment::Index(_) => Err(format!(
                "cannot add `{shown}`: a fix does not create sequences item by item"
            )),
        })
}

fn deep_merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(Value::Object(existing)), Value::Object(more)) => deep_merge(existing, more),
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

fn merge_insert<'n>(
    inserts: &mut Vec<(&'n Node, Map<String, Value>)>,
    parent: &'n Node,
    entry: Map<String, Value>,
) {
    match inserts.iter_mut().find(|(p, _)| std::ptr::eq(*p, parent)) {
        Some((_, existing)) => deep_merge(existing, entry),
        None => inserts.push((parent, entry)),
    }
}

fn merge_set<'n>(sets: &mut Vec<(Vec<Step<'n>>, Value)>, steps: Vec<Step<'n>>, value: Value) {
    let target = steps[steps.len() - 1].node;
    let existing = sets
        .iter_mut()
        .find(|(s, _)| std::ptr::eq(s[s.len() - 1].node, target));
    match (existing, value) {
        (Some((_, Value::Object(into))), Value::Object(more)) => deep_merge(into, more),
        (Some((_, slot)), value) => *slot = value,
        (None, value) => sets.push((steps, value)),
    }
}
