//! The serde visitors that build the tree: values are counted against a
//! budget, and each mapping key's position is learnt from a marker error
//! (see the module documentation of `compose`, the first reader).

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;

use super::position;
use super::tree::{Entry, Keep, Node};

/// Most YAML nodes built for the services (bounds alias expansion).
const MAX_NODES: usize = 500_000;

pub struct Ctx {
    pub nodes: Cell<usize>,
    /// An error of ours, with its position, that aborts the parse.
    pub fatal: RefCell<Option<String>>,
}

impl Ctx {
    fn count<E: de::Error>(&self) -> Result<(), E> {
        let n = self.nodes.get() + 1;
        self.nodes.set(n);
        if n > MAX_NODES {
            // yaml_serde adds the position of the value being built.
            return Err(E::custom(format!(
                "more than {MAX_NODES} values (alias expansion?)"
            )));
        }
        Ok(())
    }

    fn fail<T, E: de::Error>(&self, line: usize, column: usize, msg: String) -> Result<T, E> {
        let mut f = self.fatal.borrow_mut();
        if f.is_none() {
            *f = Some(format!("{line}:{column}: {msg}"));
        }
        Err(E::custom("aborted"))
    }
}

/// Marks the error raised to learn a key's position.
pub const KEY_MARK: &str = "\u{1}dsig-key-position\u{1}";

/// Read the position yaml_serde appended to our marker error.
pub fn key_position(msg: &str) -> Option<(usize, usize)> {
    position::after_marker(msg, KEY_MARK)
}

pub struct NodeSeed<'c, K> {
    pub ctx: &'c Ctx,
    pub level: K,
}

impl<'de, K: Keep> DeserializeSeed<'de> for NodeSeed<'_, K> {
    type Value = Node;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, K: Keep> Visitor<'de> for NodeSeed<'_, K> {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        self.ctx.count()?;
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        self.ctx.count()?;
        Ok(Node::Num(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        self.ctx.count()?;
        Ok(Node::Num(v.to_string()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node, E> {
        self.ctx.count()?;
        Ok(Node::Num(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        self.ctx.count()?;
        Ok(Node::Num(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        self.ctx.count()?;
        Ok(Node::Num(v.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        self.ctx.count()?;
        Ok(Node::Str(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        self.ctx.count()?;
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        self.ctx.count()?;
        let mut items = Vec::new();
        while let Some(n) = seq.next_element_seed(NodeSeed {
            ctx: self.ctx,
            level: self.level,
        })? {
            items.push(n);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        self.ctx.count()?;
        let mut entries = Vec::new();
        // keys seen so far: the entries themselves while the mapping is
        // small, a map from the 16th key on
        let mut seen: Option<HashMap<String, usize>> = None;
        loop {
            let mut slot = None;
            let (key, line, column) = match map.next_key_seed(KeySeed {
                slot: &mut slot,
                level: self.level,
            }) {
                Ok(None) => break,
                // A sequence or mapping as key: not Compose.
                Ok(Some(())) if slot.is_none() => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                // A key whose position the reader does not want.
                Ok(Some(())) => (slot.take().unwrap_or_default(), 0, 0),
                Err(e) => {
                    let Some(key) = slot else { return Err(e) };
                    let Some((line, column)) = key_position(&e.to_string()) else {
                        return self.ctx.fail(1, 1, format!("no position for key {key:?}"));
                    };
                    (key, line, column)
                }
            };
            let first = match &mut seen {
                Some(seen) => seen.insert(key.clone(), line),
                None => entries
                    .iter()
                    .find(|e: &&Entry| e.key == key)
                    .map(|e| e.line),
            };
            if let Some(first) = first
                && self.level.duplicate_is_error(&key)
            {
                return self.ctx.fail(
                    line,
                    column,
                    format!("duplicate key {key:?} (first on line {first})"),
                );
            }
            // A merge brings in keys of the mapping it sits in.
            let level = if key == "<<" {
                Some(self.level)
            } else {
                self.level.child(&key)
            };
            let value = match level {
                Some(level) => map.next_value_seed(NodeSeed {
                    ctx: self.ctx,
                    level,
                })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                    Node::Skipped
                }
            };
            entries.push(Entry {
                key,
                line,
                column,
                value,
            });
            if seen.is_none() && entries.len() >= 16 {
                seen = Some(entries.iter().map(|e| (e.key.clone(), e.line)).collect());
            }
        }
        Ok(Node::Map(entries))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Node, A::Error> {
        // A local tag: Compose knows `!reset` (drop the value) and
        // `!override`; any other tag is ignored.
        let (tag, variant) = data.variant::<String>()?;
        let node = variant.newtype_variant_seed(self)?;
        Ok(if tag == "reset" { Node::Null } else { node })
    }
}

/// Deserializes a mapping key; for a scalar key it stores the text in
/// `slot` and, when the reader wants its position, fails on purpose so
/// that the error carries the position.
struct KeySeed<'s, K> {
    slot: &'s mut Option<String>,
    level: K,
}

impl<'de, K: Keep> DeserializeSeed<'de> for KeySeed<'_, K> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<K: Keep> KeySeed<'_, K> {
    fn found<E: de::Error>(self, key: String) -> Result<(), E> {
        let wanted = self.level.wants_position(&key);
        *self.slot = Some(key);
        if wanted {
            Err(E::custom(KEY_MARK))
        } else {
            Ok(())
        }
    }
}

impl<'de, K: Keep> Visitor<'de> for KeySeed<'_, K> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.found(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.found(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.found(v.to_string())
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<(), E> {
        self.found(v.to_string())
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<(), E> {
        self.found(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.found(v.to_string())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.found(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.found(String::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.found(String::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        let (_, variant) = data.variant::<IgnoredAny>()?;
        variant.newtype_variant_seed(self)
    }
}
