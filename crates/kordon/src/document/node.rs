//! The span-carrying tree that every parsed manifest becomes.

use std::fmt;

/// A byte range in the original source text (start inclusive, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, serde::Serialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes).
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A node of a parsed YAML or JSON document, with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The decoded value.
    pub value: NodeValue,
    /// Where the value is written.
    pub span: Span,
    /// True when this node was copied from an anchor by an alias or a `<<` merge key:
    /// its span is the anchor's, shared with other places.
    pub via_alias: bool,
}

/// One `key: value` entry of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key, decoded to the string Kubernetes sees.
    pub key: String,
    /// Where the key is written.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// The decoded value of a node, as Kubernetes' YAML decoder reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// `null`, `~` or an empty value.
    Null,
    /// A boolean (YAML 1.1: `yes`, `on`, `true`, ...).
    Bool(bool),
    /// An integer that fits in 64 signed bits.
    Int(i64),
    /// An integer above `i64::MAX` that fits in 64 unsigned bits (go-yaml v2 decodes it as
    /// `uint64`, and sigs.k8s.io/yaml writes it to JSON exactly).
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// A string.
    String(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order, with duplicate keys already resolved (the last wins).
    Map(Vec<Entry>),
}

/// One step of a path into an object: a mapping key or a sequence index.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(untagged)]
pub enum PathSegment {
    /// An index into a sequence.
    Index(usize),
    /// A key of a mapping.
    Key(String),
}

impl fmt::Display for PathSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSegment::Index(i) => write!(f, "[{i}]"),
            PathSegment::Key(k) => write!(f, "{k}"),
        }
    }
}

/// Renders a path the way people write it: `spec.containers[0].image`.
pub fn display_path(path: &[PathSegment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            PathSegment::Index(i) => out.push_str(&format!("[{i}]")),
            PathSegment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
        }
    }
    out
}

/// How far a path could be followed into a node.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved<'a> {
    /// The deepest node reached.
    pub node: &'a Node,
    /// The span of the key that holds `node`, when `node` is a mapping value.
    pub key_span: Option<Span>,
    /// How many segments of the path were followed.
    pub depth: usize,
    /// True when the whole path was found.
    pub exact: bool,
}

impl Node {
    /// The entries of a mapping node, or none.
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            NodeValue::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The value under `key` of a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry under `key` of a mapping node.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().find(|e| e.key == key)
    }

    /// The string value of a scalar string node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a sequence node, or none.
    pub fn items(&self) -> &[Node] {
        match &self.value {
            NodeValue::Seq(items) => items,
            _ => &[],
        }
    }

    /// True for scalars (neither mapping nor sequence).
    pub fn is_scalar(&self) -> bool {
        !matches!(self.value, NodeValue::Map(_) | NodeValue::Seq(_))
    }

    /// Follows `path` as far as it exists.
    pub fn resolve(&self, path: &[PathSegment]) -> Resolved<'_> {
        let mut node = self;
        let mut key_span = None;
        for (depth, segment) in path.iter().enumerate() {
            let next = match (segment, &node.value) {
                (PathSegment::Key(k), NodeValue::Map(entries)) => entries
                    .iter()
                    .find(|e| &e.key == k)
                    .map(|e| (&e.value, Some(e.key_span))),
                (PathSegment::Index(i), NodeValue::Seq(items)) => items.get(*i).map(|n| (n, None)),
                // A numeric key written as a string index into a mapping ("0") is still a key.
                (PathSegment::Index(i), NodeValue::Map(entries)) => {
                    let key = i.to_string();
                    entries
                        .iter()
                        .find(|e| e.key == key)
                        .map(|e| (&e.value, Some(e.key_span)))
                }
                _ => None,
            };
            match next {
                Some((n, k)) => {
                    node = n;
                    key_span = k;
                }
                None => {
                    return Resolved {
                        node,
                        key_span,
                        depth,
                        exact: false,
                    };
                }
            }
        }
        Resolved {
            node,
            key_span,
            depth: path.len(),
            exact: true,
        }
    }

    /// Converts to JSON, as Kubernetes would see the object.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            NodeValue::Null => serde_json::Value::Null,
            NodeValue::Bool(b) => serde_json::Value::Bool(*b),
            NodeValue::Int(i) => serde_json::Value::from(*i),
            NodeValue::UInt(u) => serde_json::Value::from(*u),
            NodeValue::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            NodeValue::String(s) => serde_json::Value::String(s.clone()),
            NodeValue::Seq(items) => items.iter().map(Node::to_json).collect(),
            NodeValue::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// Converts to the Rego value rules evaluate, once per object, straight from the tree.
    ///
    /// The value is the object the API server would store, not the literal YAML: typed decoding
    /// drops a mapping entry whose value is null (`env:` left empty is no `env`), and the JSON
    /// round trip turns an integral float into an integer (`replicas: 1.0` is 1). A null list
    /// item stays null so that list indices still match the file; rules skip non-mapping items.
    pub(crate) fn to_rego(&self) -> regorus::Value {
        match &self.value {
            NodeValue::Null => regorus::Value::Null,
            NodeValue::Bool(b) => regorus::Value::from(*b),
            NodeValue::Int(i) => regorus::Value::from(*i),
            NodeValue::UInt(u) => regorus::Value::from(*u),
            NodeValue::Float(f) => match integral(*f) {
                Some(i) => regorus::Value::from(i),
                None => regorus::Value::from(*f),
            },
            NodeValue::String(s) => regorus::Value::from(s.as_str()),
            NodeValue::Seq(items) => {
                regorus::Value::from(items.iter().map(Node::to_rego).collect::<Vec<_>>())
            }
            NodeValue::Map(entries) => {
                let map: std::collections::BTreeMap<regorus::Value, regorus::Value> = entries
                    .iter()
                    .filter(|e| !matches!(e.value.value, NodeValue::Null))
                    .map(|e| (regorus::Value::from(e.key.as_str()), e.value.to_rego()))
                    .collect();
                regorus::Value::from(map)
            }
        }
    }
}

/// The integer an integral float stands for, when it fits in `i64` (as Go's JSON decoding into
/// `int64` accepts it).
fn integral(f: f64) -> Option<i64> {
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)).then_some(f as i64)
}
