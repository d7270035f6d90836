//! The YAML tree of the parts of a file that a reader keeps, each mapping
//! key with its position. What is kept is the reader's choice ([`Keep`]);
//! what is not kept is skipped without building it.

use std::cell::{Cell, RefCell};

use serde::de::DeserializeSeed;

use super::merge::resolve_merges;
use super::position;
use super::visit::{Ctx, NodeSeed};

/// A YAML node as far as it is kept.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    /// A number, as the parser read it (`10`, `1.5`).
    Num(String),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
    /// Not kept (a key the model does not need).
    Skipped,
}

impl Node {
    /// The text of a scalar other than null. Numbers come as the parser
    /// read them (`1.10` is `1.1`); booleans as `true` / `false`.
    pub fn text(&self) -> Option<String> {
        match self {
            Node::Str(s) | Node::Num(s) => Some(s.clone()),
            Node::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// A mapping entry: the key, its position, and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub line: usize,
    pub column: usize,
    pub value: Node,
}

/// Which values of a mapping a reader keeps: a level of its own, passed
/// down the tree (sequence items get their sequence's level).
pub trait Keep: Copy {
    /// The level of the value under `key`, or `None` to skip it.
    fn child(self, key: &str) -> Option<Self>;

    /// Whether a key written twice in a mapping at this level is an error
    /// (by default, any key; a reader may only care for the keys it keeps).
    fn duplicate_is_error(self, _key: &str) -> bool {
        true
    }

    /// Whether the key's position is wanted (learning it costs an error
    /// raised and read; a key that is skipped and whose duplicate is no
    /// error does not need it, and its entry says line 0).
    fn wants_position(self, key: &str) -> bool {
        self.duplicate_is_error(key) || self.child(key).is_some()
    }
}

/// Parse one document into a tree of the parts kept, with merge keys
/// resolved. `shown` names the file in errors.
pub fn parse_tree<K: Keep>(shown: &str, text: &str, root: K) -> Result<Node, String> {
    let ctx = start(shown, text)?;
    document(shown, &ctx, yaml_serde::Deserializer::from_str(text), root)
}

/// Parse every document of a stream (`---`-separated), each as
/// [`parse_tree`] does; positions are the stream's. An empty document is
/// `Node::Null`.
pub fn parse_stream<K: Keep>(shown: &str, text: &str, root: K) -> Result<Vec<Node>, String> {
    let ctx = start(shown, text)?;
    yaml_serde::Deserializer::from_str(text)
        .map(|doc| document(shown, &ctx, doc, root))
        .collect()
}

/// Refuse text nested too deep for the parser; the budget of a parse.
fn start(shown: &str, text: &str) -> Result<Ctx, String> {
    if let Err((line, column)) = super::depth::check(text) {
        return Err(format!(
            "{shown}:{line}:{column}: {}",
            super::depth::message()
        ));
    }
    Ok(Ctx {
        nodes: Cell::new(0),
        fatal: RefCell::new(None),
    })
}

/// One document: its tree with merge keys resolved, or one line naming
/// the file (an error of ours first, else the parser's).
fn document<K: Keep>(
    shown: &str,
    ctx: &Ctx,
    de: yaml_serde::Deserializer,
    root: K,
) -> Result<Node, String> {
    let seed = NodeSeed { ctx, level: root };
    match seed.deserialize(de) {
        Ok(mut node) => {
            resolve_merges(&mut node).map_err(|e| format!("{shown}:{e}"))?;
            Ok(node)
        }
        Err(e) => match ctx.fatal.borrow_mut().take() {
            Some(f) => Err(format!("{shown}:{f}")),
            None => Err(yaml_error(shown, &e)),
        },
    }
}

/// One line: `file:line:column: message`.
fn yaml_error(shown: &str, e: &yaml_serde::Error) -> String {
    let msg = e.to_string();
    match position::of_error(e) {
        Some((line, column)) => {
            let msg = position::without_mark(&msg, line, column);
            format!("{shown}:{line}:{column}: {}", crate::read::message(&msg))
        }
        None => format!("{shown}: {}", crate::read::message(&msg)),
    }
}
