//! The parts of a compose file that are kept: `services`, and in each
//! service the fields the model reads.

use crate::yaml::tree::Keep;
pub(super) use crate::yaml::tree::{Entry, Node};

/// Service keys whose values are kept.
const SERVICE_FIELDS: [&str; 9] = [
    "build",
    "image",
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

impl Keep for Level {
    fn child(self, key: &str) -> Option<Level> {
        match (self, key) {
            (Level::Full, _) => Some(Level::Full),
            (Level::Root, "services") => Some(Level::Services),
            (Level::Root, _) => None,
            (Level::Services, _) => Some(Level::Service),
            (Level::Service, k) if SERVICE_FIELDS.contains(&k) => Some(Level::Full),
            (Level::Service, _) => None,
        }
    }
}

/// Parse a compose file into the tree of the parts kept, with merge keys
/// resolved.
pub(super) fn parse_tree(shown: &str, text: &str) -> Result<Node, String> {
    crate::yaml::tree::parse_tree(shown, text, Level::Root)
}
