//! The YAML tree of the parts of a compose file that are kept, each
//! mapping key with its position.

use std::cell::{Cell, RefCell};

use serde::de::DeserializeSeed;

use super::merge::resolve_merges;
use super::visit::{Ctx, NodeSeed};
use crate::yaml::position;

/// A YAML node as far as it is kept.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
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
    pub(super) fn text(&self) -> Option<String> {
        match self {
            Node::Str(s) | Node::Num(s) => Some(s.clone()),
            Node::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// A mapping entry: the key, its position, and the value.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entry {
    pub(super) key: String,
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) value: Node,
}

/// Service keys whose values are kept.
const SERVICE_FIELDS: [&str; 8] = [
    "build",
    "init",
    "stop_signal",
    "stop_grace_period",
    "command",
    "entrypoint",
    "user",
    "environment",
];

/// How much of a mapping's values to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    Root,
    Services,
    Service,
    Full,
}

impl Level {
    pub(super) fn child(self, key: &str) -> Option<Level> {
        match (self, key) {
            (Level::Full, _) => Some(Level::Full),
            // A merge brings in keys of the mapping it sits in.
            (level, "<<") => Some(level),
            (Level::Root, "services") => Some(Level::Services),
            (Level::Root, _) => None,
            (Level::Services, _) => Some(Level::Service),
            (Level::Service, k) if SERVICE_FIELDS.contains(&k) => Some(Level::Full),
            (Level::Service, _) => None,
        }
    }
}

/// Parse into a tree of the parts kept, with merge keys resolved.
pub(super) fn parse_tree(shown: &str, text: &str) -> Result<Node, String> {
    if let Err((line, column)) = crate::yaml::depth::check(text) {
        return Err(format!(
            "{shown}:{line}:{column}: {}",
            crate::yaml::depth::message()
        ));
    }
    let ctx = Ctx {
        nodes: Cell::new(0),
        fatal: RefCell::new(None),
    };
    let seed = NodeSeed {
        ctx: &ctx,
        level: Level::Root,
    };
    match seed.deserialize(yaml_serde::Deserializer::from_str(text)) {
        Ok(mut node) => {
            resolve_merges(&mut node).map_err(|e| format!("{shown}:{e}"))?;
            Ok(node)
        }
        Err(e) => {
            if let Some(f) = ctx.fatal.into_inner() {
                return Err(format!("{shown}:{f}"));
            }
            Err(yaml_error(shown, &e))
        }
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
