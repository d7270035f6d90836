//! Which parts of a manifest's YAML are kept: the path to each pod spec
//! and, in each container, the fields the model reads. Everything else
//! (env, ports, resources, volumes, other kinds' specs) is skipped unbuilt.

use crate::yaml::tree::Keep;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    /// A document, a `List` item, or ECS's `taskDefinition`.
    Root,
    Metadata,
    /// `spec`, `template`, `jobTemplate`: anything on the way to a pod spec.
    Spec,
    Container,
    Full,
}

/// Container keys whose values are kept (Kubernetes, then ECS).
const CONTAINER_FIELDS: [&str; 10] = [
    "name",
    "image",
    "command",
    "args",
    "lifecycle",
    "restartPolicy",
    "entryPoint",
    "linuxParameters",
    "stopTimeout",
    "essential",
];

impl Keep for Level {
    fn child(self, key: &str) -> Option<Level> {
        Some(match (self, key) {
            (Level::Full, _) => Level::Full,
            (Level::Root, "kind" | "apiVersion" | "family") => Level::Full,
            (Level::Root, "metadata") => Level::Metadata,
            (Level::Root, "items" | "taskDefinition") => Level::Root,
            (Level::Root, "containerDefinitions") => Level::Container,
            (Level::Root | Level::Spec, "spec" | "template") => Level::Spec,
            (Level::Metadata, "name") => Level::Full,
            (Level::Spec, "jobTemplate") => Level::Spec,
            (Level::Spec, "containers" | "initContainers") => Level::Container,
            (Level::Spec, "terminationGracePeriodSeconds" | "shareProcessNamespace") => Level::Full,
            (Level::Container, k) if CONTAINER_FIELDS.contains(&k) => Level::Full,
            _ => return None,
        })
    }

    /// Only the keys kept: a key written twice elsewhere is not dsig's to
    /// judge.
    fn duplicate_is_error(self, key: &str) -> bool {
        self.child(key).is_some()
    }
}
