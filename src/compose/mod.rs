//! Docker Compose files as far as the launch model needs them: for each
//! service that builds the Dockerfile being linted, the settings Compose
//! puts on top of the image (`init`, `stop_signal`, `stop_grace_period`,
//! `command`, `entrypoint`, `user`, `environment`) and the build `target`.
//!
//! Which file: an explicit path, else the first existing of
//! [`COMPOSE_FILE_NAMES`] in the Dockerfile's directory, then in the build
//! context directory. No other directory (no walk up to parents), no
//! `compose.override.yaml`, no `COMPOSE_FILE` variable.
//!
//! Reading is capped at [`MAX_COMPOSE_FILE`] bytes, regular files only; a
//! discovered file must not be a symlink leading out of the directory it was
//! found in (an explicit path is followed, as the user named it).
//!
//! Positions: every extracted field carries the 1-based line and column of
//! its *key* (`command:`), in characters, as reported by the YAML parser
//! itself. yaml_serde has no spanned values; it does put the parser's mark on
//! errors raised while deserializing, so the map visitor (`visit.rs`) raises a
//! marker error from the key's deserializer, reads the position off that
//! error and carries on with the value (the key is a complete node by then).
//! This covers block and flow style, quoted keys, anchors and merge keys: a
//! field merged in with `<<: *default` points at its line inside the anchored
//! mapping. The approach depends on yaml_serde's error text ("… at line L
//! column C"), which is why the version is pinned; the unit tests check it.
//!
//! Values: interpolation (`${VAR:-default}`, `$VAR`) is left as written and
//! flagged with [`Service::has_variables`]; `$$` (Compose's escape for `$`)
//! is turned into `$` in argv, exec-form items and environment values, since
//! that is what the container gets. Values that are parsed further (`init`,
//! the seconds of `stop_grace_period`, build paths for matching) use the
//! defaults written in the file (`${VAR:-x}` → `x`) and give up on a
//! variable without one.
//!
//! The string form of `command`/`entrypoint` is split the way Compose does
//! (the shell-words rules of its Go library, no shell, no expansion):
//! quotes and backslashes group, and an unquoted `;`, `&`, `|`, `<` or `>`
//! ends the command: Compose silently drops the rest (see
//! [`CommandForm::dropped_tail`]).
//!
//! Not handled: `extends`, `include`, override files, profiles, a `.env`
//! file or `--project-directory` (build paths are relative to the compose
//! file's directory). The first compose file found is the one used, even
//! when none of its services builds the Dockerfile. Numbers are given as the
//! parser reads them (`1.10` → `1.1`). This is no validator: only what the
//! model reads is checked (duplicate keys are reported in the parts kept,
//! `services` and the fields above).
//!
//! The parts: `discover.rs` finds and reads the file, `tree.rs` says which
//! parts of the YAML tree are kept (`yaml::tree` builds it, with key
//! positions and merge keys resolved), `service.rs` reads each service's fields into the types of
//! `types.rs`; `interpolate.rs`, `duration.rs` and `words.rs` read values.

mod discover;
mod duration;
mod interpolate;
mod service;
mod tree;
mod types;
mod words;

pub use discover::{
    BuiltImage, COMPOSE_FILE_NAMES, MAX_COMPOSE_FILE, images_built, read_compose, services_for,
};
pub use duration::parse_duration;
pub use interpolate::{has_variables, interpolate_defaults, unescape_dollars};
pub use service::parse_services;
pub use types::{Build, CommandForm, ComposeFile, EnvVar, Located, ParsedService, Service};
pub use words::{Words, shell_words};

#[cfg(test)]
mod tests;
