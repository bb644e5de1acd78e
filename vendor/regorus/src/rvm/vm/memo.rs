// KORDON PATCH 12: function results kept across executions.
//
// A function whose evaluation read neither `input` nor the context, nor a rule value that
// did, nor a builtin whose result may change between calls (`time.now_ns`, `rand.intn`, ...),
// depends only on its arguments, the data and the program: its result can be reused by every
// later call with the same arguments, in this execution and the next ones, until the data or
// the program change. The VM counts those reads; a call that saw none is remembered.
//
// Arguments are compared by content when they are small (up to 16 nodes: names, kinds,
// label sets), and by identity when they are larger containers: comparing two Kubernetes
// objects by content costs about as much as a helper's work on them, while the same object is
// handed to helper after helper as the same shared value.

use crate::value::Value;
use alloc::vec::Vec;
use core::cmp::Ordering;

/// How many nodes an argument may have to be compared by content.
const SMALL_NODES: usize = 16;

/// How many results are remembered before the memo starts afresh (a bound on memory when a
/// VM serves many objects).
pub(super) const MEMO_CAPACITY: usize = 4096;

/// An argument of a remembered call.
#[derive(Debug, Clone)]
pub(super) enum MemoArg {
    /// Compared by content.
    Small(Value),
    /// Compared by the identity of its shared container (the value is held, so the identity
    /// cannot be reused by another value while the entry lives).
    Shared(Value),
}

impl MemoArg {
    pub(super) fn of(value: &Value) -> Self {
        let mut budget = SMALL_NODES;
        if fits(value, &mut budget) {
            MemoArg::Small(value.clone())
        } else {
            MemoArg::Shared(value.clone())
        }
    }

    fn identity(value: &Value) -> usize {
        match value {
            Value::Array(a) => crate::Rc::as_ptr(a).cast::<u8>() as usize,
            Value::Set(s) => crate::Rc::as_ptr(s).cast::<u8>() as usize,
            Value::Object(o) => crate::Rc::as_ptr(o).cast::<u8>() as usize,
            Value::String(s) => crate::Rc::as_ptr(s).cast::<u8>() as usize,
            _ => 0,
        }
    }
}

/// Whether `value` has at most `budget` nodes (strings and numbers count as one).
fn fits(value: &Value, budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    // A container with more entries than the budget left does not fit: no need to walk it.
    match value {
        Value::Array(a) => a.iter().all(|v| fits(v, budget)),
        Value::Set(s) => s.len() <= *budget && s.iter().all(|v| fits(v, budget)),
        Value::Object(o) => {
            o.len() <= *budget && o.iter().all(|(k, v)| fits(k, budget) && fits(v, budget))
        }
        _ => true,
    }
}

impl PartialEq for MemoArg {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MemoArg {}

impl PartialOrd for MemoArg {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for MemoArg {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (MemoArg::Small(a), MemoArg::Small(b)) => a.cmp(b),
            (MemoArg::Small(_), MemoArg::Shared(_)) => Ordering::Less,
            (MemoArg::Shared(_), MemoArg::Small(_)) => Ordering::Greater,
            (MemoArg::Shared(a), MemoArg::Shared(b)) => {
                MemoArg::identity(a).cmp(&MemoArg::identity(b))
            }
        }
    }
}

/// A remembered call: the function's rule index and its arguments.
pub(super) type MemoKey = (u16, Vec<MemoArg>);
