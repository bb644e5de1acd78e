//! Builds [`Node`] trees from `saphyr-parser` events, decoding scalars the way Kubernetes does.
//!
//! Kubernetes reads manifests through sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 resolution), so
//! `yes`/`on` are booleans and `0755` is 493. Positions from the parser count characters; they
//! are converted to byte offsets here so the rest of kordon works in bytes.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as CharSpan, Tag};

use super::node::{Entry, Node, NodeValue, Span};

/// Limits that keep hostile input from exhausting the machine.
#[derive(Debug, Clone, Copy)]
pub struct ParseLimits {
    /// Deepest nesting of mappings and sequences accepted.
    pub max_depth: usize,
    /// Most nodes that aliases and merge keys may copy into one document.
    pub max_alias_nodes: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_depth: 200,
            max_alias_nodes: 100_000,
        }
    }
}

/// A duplicate key in a mapping: the last one wins, as the API server sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateKey {
    /// The key.
    pub key: String,
    /// The earlier occurrence, whose value is discarded.
    pub first: Span,
    /// The later occurrence, whose value is kept.
    pub duplicate: Span,
}

/// A YAML syntax or limit error at a byte offset.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// What went wrong.
    pub message: String,
    /// Byte offset of the problem.
    pub offset: usize,
}

/// One document of a YAML stream.
#[derive(Debug, Clone)]
pub struct RawDocument {
    /// The document's root node; `None` for an empty document.
    pub root: Option<Node>,
    /// Duplicate keys found in it.
    pub duplicates: Vec<DuplicateKey>,
}

/// Everything read from one YAML stream: good documents, and errors for the broken ones.
#[derive(Debug, Clone, Default)]
pub struct RawStream {
    /// Documents in order; a broken document is an `Err`, and the documents around it survive.
    pub documents: Vec<Result<RawDocument, SyntaxError>>,
}

/// Parses a YAML (or JSON) stream into span-carrying trees.
///
/// The stream is cut at column-0 `---` lines first, so that a syntax error in one document does
/// not lose the documents after it (no YAML parser continues after an error).
pub fn parse_stream(text: &str, limits: ParseLimits) -> RawStream {
    let mut stream = RawStream::default();
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    for (start, end) in document_chunks(text, bom) {
        parse_chunk(&text[start..end], start, limits, &mut stream);
    }
    stream
}

/// Byte ranges of the stream's documents, split at column-0 `---` markers. A chunk holding only
/// comments and directives is kept with the document that follows it.
fn document_chunks(text: &str, from: usize) -> Vec<(usize, usize)> {
    let mut chunks = Vec::new();
    let mut chunk_start = from;
    let mut chunk_has_content = false;
    let mut line_start = from;
    let bytes = text.as_bytes();
    while line_start < text.len() {
        let line_end = memchr_newline(bytes, line_start).unwrap_or(text.len());
        let line = &text[line_start..line_end];
        if is_document_marker(line) {
            if chunk_has_content {
                chunks.push((chunk_start, line_start));
                chunk_start = line_start;
            }
            chunk_has_content = true;
        } else {
            let trimmed = line.trim_start();
            if !(trimmed.is_empty() || trimmed.starts_with('#') || line.starts_with('%')) {
                chunk_has_content = true;
            }
        }
        line_start = line_end + 1;
    }
    if chunk_start < text.len() || chunks.is_empty() {
        chunks.push((chunk_start, text.len()));
    }
    chunks
}

fn memchr_newline(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|p| p + from)
}

fn is_document_marker(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
}

/// Converts the parser's character offsets within a chunk into absolute byte offsets.
struct OffsetMap<'a> {
    base: usize,
    /// Byte offset of every character, present only for non-ASCII chunks.
    char_bytes: Option<Vec<usize>>,
    chunk: &'a str,
}

impl<'a> OffsetMap<'a> {
    fn new(chunk: &'a str, base: usize) -> Self {
        let char_bytes = if chunk.is_ascii() {
            None
        } else {
            let mut offsets: Vec<usize> = chunk.char_indices().map(|(i, _)| i).collect();
            offsets.push(chunk.len());
            Some(offsets)
        };
        OffsetMap {
            base,
            char_bytes,
            chunk,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let local = match &self.char_bytes {
            None => char_index.min(self.chunk.len()),
            Some(offsets) => offsets.get(char_index).copied().unwrap_or(self.chunk.len()),
        };
        self.base + local
    }

    fn span(&self, span: &CharSpan) -> Span {
        Span::new(self.byte(span.start.index()), self.byte(span.end.index()))
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: usize,
        anchor: usize,
        created_before: usize,
    },
    Map {
        entries: Vec<Entry>,
        pending_key: Option<PendingKey>,
        merges: Vec<Node>,
        start: usize,
        anchor: usize,
        created_before: usize,
    },
}

struct PendingKey {
    key: String,
    span: Span,
    is_merge: bool,
}

struct Anchored {
    node: Node,
    size: usize,
}

struct Builder<'a> {
    offsets: OffsetMap<'a>,
    limits: ParseLimits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    nodes_created: usize,
    alias_nodes: usize,
    duplicates: Vec<DuplicateKey>,
    root: Option<Node>,
}

fn parse_chunk(chunk: &str, base: usize, limits: ParseLimits, stream: &mut RawStream) {
    let mut parser = Parser::new_from_str(chunk);
    let mut builder = Builder::new(OffsetMap::new(chunk, base), limits);
    let mut in_document = false;
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(pair)) => pair,
            Some(Err(error)) => {
                let offset = builder.offsets.byte(error.marker().index());
                stream.documents.push(Err(SyntaxError {
                    message: error.info().to_string(),
                    offset,
                }));
                return;
            }
        };
        let outcome = match event {
            Event::DocumentStart(_) => {
                in_document = true;
                builder.reset();
                Ok(())
            }
            Event::DocumentEnd => {
                if in_document {
                    stream.documents.push(Ok(builder.finish()));
                }
                in_document = false;
                Ok(())
            }
            Event::StreamEnd => break,
            other => builder.event(other, &span),
        };
        if let Err(error) = outcome {
            stream.documents.push(Err(error));
            return;
        }
    }
}

impl<'a> Builder<'a> {
    fn new(offsets: OffsetMap<'a>, limits: ParseLimits) -> Self {
        Builder {
            offsets,
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes_created: 0,
            alias_nodes: 0,
            duplicates: Vec::new(),
            root: None,
        }
    }

    fn reset(&mut self) {
        self.stack.clear();
        self.anchors.clear();
        self.nodes_created = 0;
        self.alias_nodes = 0;
        self.duplicates.clear();
        self.root = None;
    }

    fn finish(&mut self) -> RawDocument {
        RawDocument {
            root: self.root.take(),
            duplicates: std::mem::take(&mut self.duplicates),
        }
    }

    fn error(&self, message: impl Into<String>, offset: usize) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            offset,
        }
    }

    fn awaiting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Map {
                pending_key: None,
                ..
            })
        )
    }

    fn event(&mut self, event: Event<'_>, span: &CharSpan) -> Result<(), SyntaxError> {
        let span = self.offsets.span(span);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let span = self.scalar_span(span, style);
                if self.awaiting_key() {
                    let key = scalar_key(&text, style, tag.as_deref());
                    let is_merge = style == ScalarStyle::Plain && tag.is_none() && text == "<<";
                    if anchor != 0 {
                        self.anchors.insert(
                            anchor,
                            Anchored {
                                node: Node {
                                    value: NodeValue::String(key.clone()),
                                    span,
                                    via_alias: false,
                                },
                                size: 1,
                            },
                        );
                    }
                    self.set_pending_key(key, span, is_merge);
                    return Ok(());
                }
                self.nodes_created += 1;
                let node = Node {
                    value: resolve_scalar(&text, style, tag.as_deref()),
                    span,
                    via_alias: false,
                };
                if anchor != 0 {
                    self.anchors.insert(
                        anchor,
                        Anchored {
                            node: node.clone(),
                            size: 1,
                        },
                    );
                }
                self.push_node(node)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.awaiting_key() {
                    return Err(self.error(
                        "a mapping or sequence is used as a key; this is often an unrendered template such as `{{ value }}`",
                        span.start,
                    ));
                }
                if self.stack.len() >= self.limits.max_depth {
                    return Err(self.error(
                        format!(
                            "nesting deeper than {} levels; refusing to read further",
                            self.limits.max_depth
                        ),
                        span.start,
                    ));
                }
                let created_before = self.nodes_created;
                self.nodes_created += 1;
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        start: span.start,
                        anchor,
                        created_before,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        pending_key: None,
                        merges: Vec::new(),
                        start: span.start,
                        anchor,
                        created_before,
                    }
                };
                self.stack.push(frame);
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(self.error("unbalanced end of collection", span.start));
                };
                let (node, anchor, created_before) = match frame {
                    Frame::Seq {
                        items,
                        start,
                        anchor,
                        created_before,
                    } => {
                        let end = items.last().map_or(span.end, |n| n.span.end.max(span.end));
                        let node = Node {
                            value: NodeValue::Seq(items),
                            span: Span::new(start, end),
                            via_alias: false,
                        };
                        (node, anchor, created_before)
                    }
                    Frame::Map {
                        mut entries,
                        merges,
                        start,
                        anchor,
                        created_before,
                        ..
                    } => {
                        let end = entries
                            .last()
                            .map_or(span.end, |e| e.value.span.end.max(span.end));
                        apply_merges(&mut entries, merges);
                        let node = Node {
                            value: NodeValue::Map(entries),
                            span: Span::new(start, end),
                            via_alias: false,
                        };
                        (node, anchor, created_before)
                    }
                };
                if anchor != 0 {
                    let size = self.nodes_created - created_before;
                    self.anchors.insert(
                        anchor,
                        Anchored {
                            node: node.clone(),
                            size,
                        },
                    );
                }
                self.push_node(node)
            }
            Event::Alias(id) => {
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err(self.error("alias to an unknown anchor", span.start));
                };
                self.alias_nodes += anchored.size;
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(self.error(
                        format!(
                            "aliases expand to more than {} nodes (an alias bomb?); refusing to expand",
                            self.limits.max_alias_nodes
                        ),
                        span.start,
                    ));
                }
                let mut node = anchored.node.clone();
                mark_via_alias(&mut node);
                if self.awaiting_key() {
                    let Some(key) = node.as_str().map(str::to_string) else {
                        return Err(self.error(
                            "an alias to a non-string value is used as a key",
                            span.start,
                        ));
                    };
                    self.set_pending_key(key, span, false);
                    return Ok(());
                }
                self.nodes_created += anchored_size(&node);
                self.push_node(node)
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd => Ok(()),
            Event::DocumentStart(_) | Event::DocumentEnd => Ok(()),
        }
    }

    /// The parser's span of a quoted scalar runs over trailing blanks and comments: end it at the
    /// closing quote instead.
    fn scalar_span(&self, span: Span, style: ScalarStyle) -> Span {
        let quote = match style {
            ScalarStyle::SingleQuoted => b'\'',
            ScalarStyle::DoubleQuoted => b'"',
            _ => return trim_plain_end(self.offsets.chunk, self.offsets.base, span),
        };
        let bytes = self.offsets.chunk.as_bytes();
        let local_start = span.start.saturating_sub(self.offsets.base);
        if bytes.get(local_start) != Some(&quote) {
            return span;
        }
        let mut i = local_start + 1;
        while i < bytes.len() {
            let b = bytes[i];
            if quote == b'"' && b == b'\\' {
                i += 2;
                continue;
            }
            if b == quote {
                if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                return Span::new(span.start, self.offsets.base + i + 1);
            }
            i += 1;
        }
        span
    }

    fn set_pending_key(&mut self, key: String, span: Span, is_merge: bool) {
        if let Some(Frame::Map { pending_key, .. }) = self.stack.last_mut() {
            *pending_key = Some(PendingKey {
                key,
                span,
                is_merge,
            });
        }
    }

    fn push_node(&mut self, node: Node) -> Result<(), SyntaxError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                merges,
                ..
            }) => {
                let Some(key) = pending_key.take() else {
                    return Err(SyntaxError {
                        message: "value without a key".into(),
                        offset: node.span.start,
                    });
                };
                if key.is_merge {
                    merges.push(node);
                    return Ok(());
                }
                if let Some(position) = entries.iter().position(|e| e.key == key.key) {
                    let earlier = entries.remove(position);
                    self.duplicates.push(DuplicateKey {
                        key: key.key.clone(),
                        first: earlier.key_span,
                        duplicate: key.span,
                    });
                }
                entries.push(Entry {
                    key: key.key,
                    key_span: key.span,
                    value: node,
                });
            }
        }
        Ok(())
    }
}

fn anchored_size(node: &Node) -> usize {
    match &node.value {
        NodeValue::Seq(items) => 1 + items.iter().map(anchored_size).sum::<usize>(),
        NodeValue::Map(entries) => {
            1 + entries
                .iter()
                .map(|e| anchored_size(&e.value))
                .sum::<usize>()
        }
        _ => 1,
    }
}

fn mark_via_alias(node: &mut Node) {
    node.via_alias = true;
    match &mut node.value {
        NodeValue::Seq(items) => items.iter_mut().for_each(mark_via_alias),
        NodeValue::Map(entries) => entries
            .iter_mut()
            .for_each(|e| mark_via_alias(&mut e.value)),
        _ => {}
    }
}

/// `<<` merge keys: explicit keys win, then earlier merged mappings win over later ones.
fn apply_merges(entries: &mut Vec<Entry>, merges: Vec<Node>) {
    for merge in merges {
        let sources: Vec<Node> = match merge.value {
            NodeValue::Map(_) => vec![merge],
            NodeValue::Seq(items) => items,
            _ => Vec::new(),
        };
        for source in sources {
            if let NodeValue::Map(merged) = source.value {
                for mut entry in merged {
                    if !entries.iter().any(|e| e.key == entry.key) {
                        mark_via_alias(&mut entry.value);
                        entries.push(entry);
                    }
                }
            }
        }
    }
}

/// A plain scalar's span can include trailing blanks before a comment: trim them.
fn trim_plain_end(chunk: &str, base: usize, span: Span) -> Span {
    let local_start = span.start.saturating_sub(base);
    let local_end = span.end.saturating_sub(base).min(chunk.len());
    if local_start >= local_end
        || !chunk.is_char_boundary(local_start)
        || !chunk.is_char_boundary(local_end)
    {
        return span;
    }
    let trimmed = chunk[local_start..local_end].trim_end();
    Span::new(span.start, span.start + trimmed.len())
}

fn core_tag(tag: Option<&Tag>) -> Option<&str> {
    tag.filter(|t| t.is_yaml_core_schema())
        .map(|t| t.suffix.as_str())
}

fn scalar_key(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> String {
    match resolve_scalar(text, style, tag) {
        NodeValue::String(s) => s,
        NodeValue::Null => "null".to_string(),
        NodeValue::Bool(b) => b.to_string(),
        NodeValue::Int(i) => i.to_string(),
        NodeValue::Float(f) => f.to_string(),
        NodeValue::Seq(_) | NodeValue::Map(_) => text.to_string(),
    }
}

/// Decodes a scalar as go-yaml v2 (YAML 1.1) does for Kubernetes.
pub(crate) fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> NodeValue {
    match core_tag(tag) {
        Some("str") | Some("binary") | Some("timestamp") => {
            return NodeValue::String(text.to_string());
        }
        Some("null") => return NodeValue::Null,
        Some("bool") | Some("int") | Some("float") => {
            return resolve_plain(text).unwrap_or_else(|| NodeValue::String(text.to_string()));
        }
        _ => {}
    }
    if style != ScalarStyle::Plain
        || tag.is_some_and(|t| !t.is_yaml_core_schema() && t.suffix.is_empty())
    {
        return NodeValue::String(text.to_string());
    }
    resolve_plain(text).unwrap_or_else(|| NodeValue::String(text.to_string()))
}

fn resolve_plain(text: &str) -> Option<NodeValue> {
    let first = text.as_bytes().first().copied();
    match first {
        None => return Some(NodeValue::Null),
        Some(b) if !(b.is_ascii_digit() || b"+-.~nNyYtTfFoO".contains(&b)) => return None,
        _ => {}
    }
    match text {
        "~" | "null" | "Null" | "NULL" => return Some(NodeValue::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Some(NodeValue::Bool(true));
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Some(NodeValue::Bool(false));
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(NodeValue::Float(f64::INFINITY));
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(NodeValue::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(NodeValue::Float(f64::NAN)),
        _ => {}
    }
    // Only numbers remain: they start with a digit, a sign or a dot.
    if !matches!(first, Some(b'0'..=b'9' | b'+' | b'-' | b'.')) {
        return None;
    }
    if let Some(int) = parse_yaml11_int(text) {
        return Some(int);
    }
    if is_yaml_float(text) {
        return text
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .map(NodeValue::Float);
    }
    None
}

fn parse_yaml11_int(text: &str) -> Option<NodeValue> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, digits) = match cleaned.as_bytes().first() {
        Some(b'-') => (true, &cleaned[1..]),
        Some(b'+') => (false, &cleaned[1..]),
        _ => (false, cleaned.as_str()),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(rest) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, rest)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // The underscore-free text must still look like a number (go-yaml rejects `_` alone etc.).
    match i128::from_str_radix(body, radix) {
        Ok(value) => {
            let value = if negative { -value } else { value };
            match i64::try_from(value) {
                Ok(v) => Some(NodeValue::Int(v)),
                Err(_) => Some(NodeValue::Float(value as f64)),
            }
        }
        Err(_) => body
            .parse::<f64>()
            .ok()
            .map(|v| NodeValue::Float(if negative { -v } else { v })),
    }
}

/// go-yaml v2's float syntax: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_yaml_float(text: &str) -> bool {
    let bytes: Vec<u8> = text.bytes().filter(|&b| b != b'_').collect();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let int_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
        i += 1;
        if i < bytes.len() && matches!(bytes[i], b'-' | b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        let stream = parse_stream(text, ParseLimits::default());
        stream.documents[0]
            .as_ref()
            .expect("parses")
            .root
            .clone()
            .expect("has a root")
    }

    #[test]
    fn yaml11_scalars_decode_like_kubernetes() {
        let node = root(
            "a: yes\nb: off\nc: 0755\nd: 0x1F\ne: 1_000\nf: '0755'\ng: 1.5\nh: ~\ni: y\nj: 12e3\nk: 1.2.3\n",
        );
        let json = node.to_json();
        assert_eq!(
            json,
            serde_json::json!({"a": true, "b": false, "c": 493, "d": 31, "e": 1000, "f": "0755",
                "g": 1.5, "h": null, "i": true, "j": 12000.0, "k": "1.2.3"})
        );
    }

    #[test]
    fn spans_are_bytes_even_after_non_ascii_text() {
        let text = "a: café\nb: \"x\"   # note\n";
        let node = root(text);
        let b = node.entry("b").expect("b");
        assert_eq!(&text[b.key_span.start..b.key_span.end], "b");
        assert_eq!(&text[b.value.span.start..b.value.span.end], "\"x\"");
    }

    #[test]
    fn merge_keys_and_aliases_resolve() {
        let node = root("base: &b {x: 1, z: 2}\nobj:\n  <<: *b\n  z: 3\n");
        assert_eq!(
            node.get("obj").expect("obj").to_json(),
            serde_json::json!({"z": 3, "x": 1})
        );
    }

    #[test]
    fn duplicate_keys_keep_the_last_and_are_reported() {
        let stream = parse_stream("a: 1\na: 2\n", ParseLimits::default());
        let doc = stream.documents[0].as_ref().expect("parses");
        assert_eq!(
            doc.root.as_ref().expect("root").to_json(),
            serde_json::json!({"a": 2})
        );
        assert_eq!(doc.duplicates.len(), 1);
    }

    #[test]
    fn a_broken_document_does_not_lose_its_neighbours() {
        let stream = parse_stream("a: 1\n---\nb: [\n---\nc: 3\n", ParseLimits::default());
        assert_eq!(stream.documents.len(), 3);
        assert!(stream.documents[0].is_ok());
        assert!(stream.documents[1].is_err());
        assert!(stream.documents[2].is_ok());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let stream = parse_stream(&text, ParseLimits::default());
        let error = stream.documents[0].as_ref().expect_err("refused");
        assert!(error.message.contains("alias"), "{}", error.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "a:\n".to_string()
            + &(1..5000)
                .map(|i| format!("{}a:\n", " ".repeat(i)))
                .collect::<String>();
        let stream = parse_stream(&text, ParseLimits::default());
        let error = stream.documents[0].as_ref().expect_err("refused");
        assert!(error.message.contains("nesting"), "{}", error.message);
    }
}
