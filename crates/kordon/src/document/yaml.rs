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
    /// Most that aliases may copy into one document, in bytes (64 for each copied node plus its text and keys):
    /// a node count alone lets a few aliases of one long scalar take gigabytes.
    pub max_alias_expansion: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_depth: 200,
            max_alias_expansion: 4 * 1024 * 1024,
        }
    }
}

/// What one copied node weighs against [`ParseLimits::max_alias_expansion`], beside its text:
/// roughly its in-memory size once converted for the rules.
const NODE_COST: usize = 64;

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

/// Where an alias is written and the anchored node it copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AliasUse {
    /// The alias (`*name`).
    pub site: Span,
    /// The anchored node it stands for: the copy carries these spans.
    pub anchor: Span,
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
    /// Every alias used as a value, in source order.
    pub aliases: Vec<AliasUse>,
}

/// Everything read from one YAML stream: good documents, and errors for the broken ones.
#[derive(Debug, Clone, Default)]
pub struct RawStream {
    /// Documents in order; a broken document is an `Err`, and the documents around it survive.
    pub documents: Vec<Result<RawDocument, SyntaxError>>,
}

/// Parses a YAML (or JSON) stream into span-carrying trees.
///
/// The stream is cut as kubectl cuts it (k8s.io/apimachinery's YAML reader): at every line that
/// starts with `---`, the separator line itself belonging to no document. Each piece is read on
/// its own, so a syntax error in one document does not lose the documents after it.
pub fn parse_stream(text: &str, limits: ParseLimits) -> RawStream {
    let mut stream = RawStream::default();
    // kubectl decodes a stream that starts with `{` as JSON, any other as YAML (each document).
    let json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{');
    for chunk in document_chunks(text) {
        if let Some(error) = chunk.refused {
            stream.documents.push(Err(error));
            continue;
        }
        if let Some(error) = yaml_1_1_line_break(&text[chunk.start..chunk.end], chunk.start, json) {
            stream.documents.push(Err(error));
            continue;
        }
        parse_chunk(
            &text[chunk.start..chunk.end],
            chunk.start,
            limits,
            &mut stream,
        );
    }
    stream
}

/// Refuses a YAML document holding NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR. Kubernetes'
/// reader (go-yaml v2, YAML 1.1) ends a line at each of them; YAML 1.2 and kordon's parser do
/// not. Read either way, the document would be judged on other fields than the cluster gets: a
/// comment ending in NEL followed by `privileged: true` is a comment here and a field there. A
/// JSON stream (which kubectl decodes with encoding/json, where they are ordinary characters) is
/// read as usual; a JSON document inside a YAML stream is YAML to kubectl, and refused too.
fn yaml_1_1_line_break(chunk: &str, base: usize, json_stream: bool) -> Option<SyntaxError> {
    if json_stream {
        return None;
    }
    // Their UTF-8 forms start with 0xC2 (NEL) or 0xE2 (the separators): only those bytes are
    // looked at, not every character of every file.
    let bytes = chunk.as_bytes();
    let (at, name) = memchr::memchr2_iter(0xC2, 0xE2, bytes).find_map(|at| {
        match bytes.get(at..(at + 3).min(bytes.len()))? {
            [0xC2, 0x85, ..] => Some((at, "U+0085 NEXT LINE (NEL)")),
            [0xE2, 0x80, 0xA8] => Some((at, "U+2028 LINE SEPARATOR")),
            [0xE2, 0x80, 0xA9] => Some((at, "U+2029 PARAGRAPH SEPARATOR")),
            _ => None,
        }
    })?;
    Some(SyntaxError {
        message: format!(
            "{name} is a line break for Kubernetes' YAML reader (YAML 1.1) but not in YAML 1.2, so what \
             follows it on this line would be read differently: kordon refuses the document rather \
             than judge other fields than the cluster gets; use a real line break, or an escape \
             (`\\u0085`, `\\u2028`, `\\u2029`) in a double-quoted string"
        ),
        offset: base + at,
    })
}

/// The text of one document between separator lines.
struct Chunk {
    start: usize,
    end: usize,
    /// Set when the separator line before it carries content, which kubectl refuses.
    refused: Option<SyntaxError>,
}

/// The stream's documents, cut at lines starting with `---`. kubectl accepts only blanks or a
/// comment after the marker (`--- {a: 1}` and `----` are refused), and a byte order mark may
/// start each document, as go-yaml reads every piece as a stream of its own.
fn document_chunks(text: &str) -> Vec<Chunk> {
    // The stream's own byte order mark is gone before kubectl looks for separators.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut chunks = Vec::new();
    let mut chunk_start = bom;
    let mut refused = None;
    let mut line_start = bom;
    let bytes = text.as_bytes();
    while line_start < text.len() {
        let line_end = memchr_newline(bytes, line_start).unwrap_or(text.len());
        if let Some(rest) = text[line_start..line_end].strip_prefix("---") {
            chunks.push(Chunk {
                start: chunk_start,
                end: line_start,
                refused: refused.take(),
            });
            let content = rest.trim();
            if !content.is_empty() && !content.starts_with('#') {
                refused = Some(SyntaxError {
                    message: format!(
                        "content after the `---` document separator on the same line (`{}`); kubectl refuses it: start the document on the next line",
                        abbreviate(content)
                    ),
                    offset: line_start + 3 + (rest.len() - rest.trim_start().len()),
                });
            }
            chunk_start = (line_end + 1).min(text.len());
        }
        line_start = line_end + 1;
    }
    chunks.push(Chunk {
        start: chunk_start,
        end: text.len(),
        refused,
    });
    chunks
}

fn abbreviate(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

fn memchr_newline(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b'\n', &bytes[from..]).map(|p| p + from)
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
    },
    Map {
        entries: Vec<Entry>,
        /// Where each key sits in `entries`, so duplicate and merge handling stay linear.
        slots: HashMap<String, KeySlot>,
        pending_key: Option<PendingKey>,
        start: usize,
        anchor: usize,
    },
}

struct KeySlot {
    index: usize,
    /// Put there by a `<<` merge: a later explicit key overrides it without being a duplicate.
    merged: bool,
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
    alias_expansion: usize,
    duplicates: Vec<DuplicateKey>,
    aliases: Vec<AliasUse>,
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
                // kubectl decodes the first document of each piece (sigs.k8s.io/yaml's
                // Unmarshal): what follows a `...` end marker there is never read.
                return;
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
            alias_expansion: 0,
            duplicates: Vec::new(),
            aliases: Vec::new(),
            root: None,
        }
    }

    fn reset(&mut self) {
        self.stack.clear();
        self.anchors.clear();
        self.alias_expansion = 0;
        self.duplicates.clear();
        self.aliases.clear();
        self.root = None;
    }

    fn finish(&mut self) -> RawDocument {
        RawDocument {
            root: self.root.take(),
            duplicates: std::mem::take(&mut self.duplicates),
            aliases: std::mem::take(&mut self.aliases),
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
                    let is_merge = style == ScalarStyle::Plain
                        && text == "<<"
                        && (tag.is_none() || core_tag(tag.as_deref()) == Some("merge"));
                    let key = if is_merge {
                        text.to_string()
                    } else {
                        let value = resolve_tagged(&text, style, tag.as_deref())
                            .map_err(|message| self.error(message, span.start))?;
                        scalar_key(&text, value)
                            .map_err(|message| self.error(message, span.start))?
                    };
                    if anchor != 0 {
                        let node = Node {
                            value: NodeValue::String(key.clone()),
                            span,
                            via_alias: false,
                        };
                        self.remember_anchor(anchor, node);
                    }
                    self.set_pending_key(key, span, is_merge);
                    return Ok(());
                }
                let value = resolve_tagged(&text, style, tag.as_deref())
                    .map_err(|message| self.error(message, span.start))?;
                if matches!(value, NodeValue::Float(f) if !f.is_finite()) {
                    return Err(self.error(
                        format!("`{text}` is not a number JSON can hold; Kubernetes refuses it"),
                        span.start,
                    ));
                }
                let node = Node {
                    value,
                    span,
                    via_alias: false,
                };
                if anchor != 0 {
                    self.remember_anchor(anchor, node.clone());
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
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        start: span.start,
                        anchor,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        slots: HashMap::new(),
                        pending_key: None,
                        start: span.start,
                        anchor,
                    }
                };
                self.stack.push(frame);
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(self.error("unbalanced end of collection", span.start));
                };
                let (node, anchor) = match frame {
                    Frame::Seq {
                        items,
                        start,
                        anchor,
                    } => {
                        let end = items.last().map_or(span.end, |n| n.span.end.max(span.end));
                        let node = Node {
                            value: NodeValue::Seq(items),
                            span: Span::new(start, end),
                            via_alias: false,
                        };
                        (node, anchor)
                    }
                    Frame::Map {
                        entries,
                        pending_key,
                        start,
                        anchor,
                        ..
                    } => {
                        if let Some(key) = pending_key {
                            return Err(self.error("a mapping key without a value", key.span.start));
                        }
                        // Duplicates are replaced in place and merged entries keep the
                        // anchor's spans, so the last entry is not always the furthest.
                        let end = entries
                            .iter()
                            .map(|e| e.value.span.end)
                            .fold(span.end, usize::max);
                        let node = Node {
                            value: NodeValue::Map(entries),
                            span: Span::new(start, end),
                            via_alias: false,
                        };
                        (node, anchor)
                    }
                };
                if anchor != 0 {
                    self.remember_anchor(anchor, node.clone());
                }
                self.push_node(node)
            }
            Event::Alias(id) => {
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err(self.error("alias to an unknown anchor", span.start));
                };
                self.alias_expansion = self.alias_expansion.saturating_add(anchored.size);
                if self.alias_expansion > self.limits.max_alias_expansion {
                    return Err(self.error(
                        format!(
                            "aliases expand to more than {} (an alias bomb?); refusing to expand",
                            human_bytes(self.limits.max_alias_expansion)
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
                self.aliases.push(AliasUse {
                    site: span,
                    anchor: node.span,
                });
                self.push_node(node)
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd => Ok(()),
            Event::DocumentStart(_) | Event::DocumentEnd => Ok(()),
        }
    }

    fn remember_anchor(&mut self, anchor: usize, node: Node) {
        let size = expansion_cost(&node);
        self.anchors.insert(anchor, Anchored { node, size });
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
                slots,
                pending_key,
                ..
            }) => {
                let Some(key) = pending_key.take() else {
                    return Err(SyntaxError {
                        message: "value without a key".into(),
                        offset: node.span.start,
                    });
                };
                if key.is_merge {
                    let offset = key.span.start;
                    return merge_into(entries, slots, node).map_err(|message| SyntaxError {
                        message: message.into(),
                        offset,
                    });
                }
                let entry = Entry {
                    key: key.key,
                    key_span: key.span,
                    value: node,
                };
                if let Some(slot) = slots.get_mut(&entry.key) {
                    let earlier = std::mem::replace(&mut entries[slot.index], entry);
                    if !slot.merged {
                        self.duplicates.push(DuplicateKey {
                            key: earlier.key,
                            first: earlier.key_span,
                            duplicate: key.span,
                        });
                    }
                    slot.merged = false;
                } else {
                    slots.insert(
                        entry.key.clone(),
                        KeySlot {
                            index: entries.len(),
                            merged: false,
                        },
                    );
                    entries.push(entry);
                }
            }
        }
        Ok(())
    }
}

/// Applies a `<<` merge where it is written, as go-yaml v2 does: its entries override the keys
/// before it and are overridden by the keys after it; in a sequence of mappings the earlier
/// mapping wins.
fn merge_into(
    entries: &mut Vec<Entry>,
    slots: &mut HashMap<String, KeySlot>,
    merge: Node,
) -> Result<(), &'static str> {
    const WANT_MAP: &str = "a `<<` merge needs a mapping or a sequence of mappings as its value";
    let sources: Vec<Node> = match merge.value {
        NodeValue::Map(_) => vec![merge],
        NodeValue::Seq(items) => items.into_iter().rev().collect(),
        _ => return Err(WANT_MAP),
    };
    for source in sources {
        let NodeValue::Map(merged) = source.value else {
            return Err(WANT_MAP);
        };
        for mut entry in merged {
            mark_via_alias(&mut entry.value);
            match slots.get_mut(&entry.key) {
                Some(slot) => {
                    entries[slot.index] = entry;
                    slot.merged = true;
                }
                None => {
                    slots.insert(
                        entry.key.clone(),
                        KeySlot {
                            index: entries.len(),
                            merged: true,
                        },
                    );
                    entries.push(entry);
                }
            }
        }
    }
    Ok(())
}

/// What copying `node` through an alias costs: a fixed amount per node plus its text, so both
/// many small nodes and a few huge scalars count.
fn expansion_cost(node: &Node) -> usize {
    let own = match &node.value {
        NodeValue::String(s) => s.len(),
        NodeValue::Seq(items) => items
            .iter()
            .map(expansion_cost)
            .fold(0, usize::saturating_add),
        NodeValue::Map(entries) => entries
            .iter()
            .map(|e| e.key.len().saturating_add(expansion_cost(&e.value)))
            .fold(0, usize::saturating_add),
        _ => 0,
    };
    own.saturating_add(NODE_COST)
}

fn human_bytes(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
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

/// The key string sigs.k8s.io/yaml makes of a decoded key, or why Kubernetes refuses it.
fn scalar_key(text: &str, value: NodeValue) -> Result<String, String> {
    match value {
        NodeValue::String(s) => Ok(s),
        NodeValue::Null => Err("a null or empty mapping key; Kubernetes refuses it".into()),
        NodeValue::Bool(b) => Ok(b.to_string()),
        NodeValue::Int(i) => Ok(i.to_string()),
        // go-yaml v2 decodes it as `uint64`, a key type sigs.k8s.io/yaml cannot convert.
        NodeValue::UInt(_) => Err(format!(
            "the integer key `{text}` does not fit in 64 signed bits; Kubernetes refuses it"
        )),
        NodeValue::Float(f) => Ok(go_float32_key(f)),
        NodeValue::Seq(_) | NodeValue::Map(_) => Ok(text.to_string()),
    }
}

/// A float key as sigs.k8s.io/yaml writes it: Go's `FormatFloat(f, 'g', -1, 32)`, with YAML's
/// names for the infinities and NaN.
fn go_float32_key(value: f64) -> String {
    if value.is_nan() {
        return ".nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    // Shortest digits that read back as the same f32, as Go's shortest formatting picks.
    let scientific = format!("{:e}", value as f32);
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    if !(-4..6).contains(&exponent) {
        let (first, rest) = digits.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}{point}{rest}e{exp_sign}{:02}", exponent.abs());
    }
    if exponent < 0 {
        let zeros = "0".repeat((-exponent - 1) as usize);
        return format!("{sign}0.{zeros}{digits}");
    }
    let point = exponent as usize + 1;
    if digits.len() <= point {
        format!("{sign}{digits}{}", "0".repeat(point - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..point], &digits[point..])
    }
}

/// Decodes a scalar with its tag as go-yaml v2 does, or says why Kubernetes refuses it.
fn resolve_tagged(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<NodeValue, String> {
    let Some(tag) = tag else {
        return Ok(resolve_scalar(text, style, None));
    };
    let Some(suffix) = core_tag(Some(tag)) else {
        // go-yaml v2 leaves scalars with a tag it does not resolve (local tags such as `!foo`,
        // the bare `!`) as their text.
        return Ok(NodeValue::String(text.to_string()));
    };
    let resolved = || resolve_plain(text).unwrap_or_else(|| NodeValue::String(text.to_string()));
    let mismatch = |found: &str| {
        format!("cannot decode !!{found} `{text}` as a !!{suffix}; Kubernetes refuses it")
    };
    let kind = |value: &NodeValue| match value {
        NodeValue::Null => "null",
        NodeValue::Bool(_) => "bool",
        NodeValue::Int(_) | NodeValue::UInt(_) => "int",
        NodeValue::Float(_) => "float",
        _ => "str",
    };
    match suffix {
        "binary" => decode_base64(text)
            .map(|bytes| NodeValue::String(String::from_utf8_lossy(&bytes).into_owned()))
            .ok_or_else(|| {
                "a !!binary value that is not valid base64; Kubernetes refuses it".into()
            }),
        "null" | "bool" | "int" => {
            let value = resolved();
            if kind(&value) == suffix {
                Ok(value)
            } else {
                Err(mismatch(kind(&value)))
            }
        }
        "float" => match resolved() {
            NodeValue::Int(i) => Ok(NodeValue::Float(i as f64)),
            NodeValue::UInt(u) => Ok(NodeValue::Float(u as f64)),
            value @ NodeValue::Float(_) => Ok(value),
            other => Err(mismatch(kind(&other))),
        },
        _ => Ok(NodeValue::String(text.to_string())),
    }
}

/// Go's `base64.StdEncoding`: padded standard alphabet; line breaks are skipped.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b'\n' | b'\r'))
        .collect();
    if !symbols.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    for (index, quad) in symbols.chunks(4).enumerate() {
        let last = index == symbols.len() / 4 - 1;
        let padding = quad.iter().rev().take_while(|&&b| b == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return None;
        }
        let mut bits = 0u32;
        for &symbol in &quad[..4 - padding] {
            let value = match symbol {
                b'A'..=b'Z' => symbol - b'A',
                b'a'..=b'z' => symbol - b'a' + 26,
                b'0'..=b'9' => symbol - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            };
            bits = bits << 6 | u32::from(value);
        }
        bits <<= 6 * padding as u32;
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - padding]);
    }
    Some(out)
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
        // Out of range (`1e500`), Go's ParseFloat fails and go-yaml v2 keeps the text.
        return text
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
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
    // go-yaml v2 tries int64, then uint64, then (for decimal text) float64; anything else out
    // of range stays a string.
    let value = i128::from_str_radix(body, radix)
        .ok()
        .map(|value| if negative { -value } else { value });
    if let Some(value) = value {
        if let Ok(int) = i64::try_from(value) {
            return Some(NodeValue::Int(int));
        }
        if let Ok(uint) = u64::try_from(value) {
            return Some(NodeValue::UInt(uint));
        }
    }
    if radix != 10 {
        return None;
    }
    body.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(|v| NodeValue::Float(if negative { -v } else { v }))
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

    fn error_of(text: &str) -> String {
        let stream = parse_stream(text, ParseLimits::default());
        stream.documents[0]
            .as_ref()
            .expect_err("refused")
            .message
            .clone()
    }

    #[test]
    fn merges_follow_go_yaml_v2_order() {
        let json = |text: &str| root(text).to_json();
        assert_eq!(
            json("b: &b {x: 1}\na: {!!merge <<: *b}\n"),
            serde_json::json!({"b": {"x": 1}, "a": {"x": 1}})
        );
        // A merge written after an explicit key overrides it; a later key overrides the merge.
        assert_eq!(
            json("b: &b {x: 2}\na: {x: 1, <<: *b}\nc: {<<: *b, x: 3}\n"),
            serde_json::json!({"b": {"x": 2}, "a": {"x": 2}, "c": {"x": 3}})
        );
        // In a sequence of mappings the earlier one wins.
        assert_eq!(
            json("p: &p {x: 1}\nq: &q {x: 2}\na: {<<: [*p, *q]}\n")["a"],
            serde_json::json!({"x": 1})
        );
        assert!(error_of("a: {<<: 1}\n").contains("merge"));
    }

    #[test]
    fn tags_decode_as_go_yaml_v2_does() {
        assert_eq!(
            root("a: !foo 12\nb: ! 12\nc: !!binary aGVsbG8=\nd: !!float 1\n").to_json(),
            serde_json::json!({"a": "12", "b": "12", "c": "hello", "d": 1.0})
        );
        assert!(error_of("a: !!int abc\n").contains("!!int"));
        assert!(error_of("a: !!binary a*\n").contains("base64"));
    }

    #[test]
    fn what_kubernetes_refuses_is_a_located_error() {
        for text in [
            "a: .inf\n",
            "a: .nan\n",
            "null: a\n",
            "? \n: a\n",
            "0xffffffffffffffff: a\n",
            "a: &x.y 1\nb: *x.y\n",
        ] {
            let stream = parse_stream(text, ParseLimits::default());
            assert!(stream.documents[0].is_err(), "{text:?} was read");
        }
    }

    #[test]
    fn what_go_yaml_v2_accepts_is_read() {
        // Each of these was refused or misread before the patched parser (KORDON-PATCHES.md).
        let cases = [
            (
                "k:\n  m: \"one\n  two\"\n",
                serde_json::json!({"k": {"m": "one two"}}),
            ),
            (
                "k:\n  m: 'one\ntwo'\n",
                serde_json::json!({"k": {"m": "one two"}}),
            ),
            ("a: [\n  \"x\"\n]\n", serde_json::json!({"a": ["x"]})),
            ("a: {\nb: \"x\"\n}\n", serde_json::json!({"a": {"b": "x"}})),
            (
                "a:\tb\nc:\t[x]\n",
                serde_json::json!({"a": "b", "c": ["x"]}),
            ),
            (
                "a: [2001:db8::, x:, b::c]\n",
                serde_json::json!({"a": ["2001:db8::", "x:", "b::c"]}),
            ),
            ("a: {x:: 1}\n", serde_json::json!({"a": {"x:": 1}})),
            ("a: \"it\\'s\"\n", serde_json::json!({"a": "it's"})),
            (
                "a: \"b\"#c\nd: [-]\n",
                serde_json::json!({"a": "b", "d": ["-"]}),
            ),
            // The anchor is `an`; `:chor value` is the scalar.
            (
                "a: &an:chor value\n",
                serde_json::json!({"a": ":chor value"}),
            ),
            // `?` directly before a key in a flow collection is the key indicator.
            (
                "a: [?x, ? w, z]\nb: {?k: v}\n",
                serde_json::json!({"a": [{"x": null}, {"w": null}, "z"], "b": {"k": "v"}}),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(root(text).to_json(), expected, "{text:?}");
        }
    }

    #[test]
    fn the_stream_is_cut_as_kubectl_cuts_it() {
        let documents = |text: &str| -> Vec<Result<serde_json::Value, String>> {
            parse_stream(text, ParseLimits::default())
                .documents
                .into_iter()
                .map(|d| {
                    d.map(|d| d.root.map_or(serde_json::Value::Null, |r| r.to_json()))
                        .map_err(|e| e.message)
                })
                .collect()
        };
        // A byte order mark may start every document.
        assert_eq!(
            documents("a: 1\n---\n\u{feff}b: 2\n"),
            vec![
                Ok(serde_json::json!({"a": 1})),
                Ok(serde_json::json!({"b": 2}))
            ]
        );
        // Content on the separator line is a located error; the documents around it survive.
        let text = "a: 1\n--- {b: 2}\n--- # fine\nc: 3\n";
        let stream = parse_stream(text, ParseLimits::default());
        let error = stream.documents[1].as_ref().expect_err("refused");
        assert!(error.message.contains("separator"), "{}", error.message);
        assert_eq!(&text[error.offset..error.offset + 6], "{b: 2}");
        assert!(stream.documents[0].is_ok() && stream.documents[2].is_ok());
        assert!(documents("----\na: 1\n")[0].is_err());
        // Only the first document of a piece is read, as sigs.k8s.io/yaml reads it.
        assert_eq!(
            documents("a: 1\n...\nb: 2\n"),
            vec![Ok(serde_json::json!({"a": 1}))]
        );
    }

    #[test]
    fn integers_resolve_as_go_yaml_v2_resolves_them() {
        assert_eq!(
            root("a: 18446744073709551615\nb: 0xFFFFFFFFFFFFFFFF\nc: 0x1FFFFFFFFFFFFFFFF\nd: 36893488147419103232\ne: 1e500\nf: -9223372036854775809\n").to_json(),
            serde_json::json!({"a": 18446744073709551615u64, "b": 18446744073709551615u64,
                "c": "0x1FFFFFFFFFFFFFFFF", "d": 36893488147419103232.0, "e": "1e500",
                "f": -9223372036854775809.0})
        );
        assert!(error_of("18446744073709551615: a\n").contains("64 signed bits"));
    }

    #[test]
    fn float_keys_are_written_as_go_does() {
        assert_eq!(
            root("1e7: a\n3.14159265: b\n.inf: c\n0.5: d\n").to_json(),
            serde_json::json!({"1e+07": "a", "3.1415927": "b", ".inf": "c", "0.5": "d"})
        );
    }

    #[test]
    fn many_distinct_keys_and_duplicates_read_quickly() {
        // Linear: 200,000 keys took minutes when each key was compared with all before it.
        let mut text: String = (0..200_000).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k7: again\n");
        let stream = parse_stream(&text, ParseLimits::default());
        let doc = stream.documents[0].as_ref().expect("parses");
        assert_eq!(doc.duplicates.len(), 1);
        assert_eq!(doc.root.as_ref().expect("root").entries().len(), 200_000);
    }

    #[test]
    fn aliases_of_a_long_scalar_are_budgeted_by_size() {
        let long = "x".repeat(64 * 1024);
        let mut text = format!("a: &a {long}\nb:\n");
        for _ in 0..20_000 {
            text.push_str("- *a\n");
        }
        assert!(error_of(&text).contains("alias"));
    }
}
