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
//! errors raised while deserializing, so the map visitor below raises a
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

use serde::Serialize;
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::yaml::position;

/// Largest compose file read (bytes).
pub const MAX_COMPOSE_FILE: u64 = 1024 * 1024;

/// The names Compose looks for, in its order of preference.
pub const COMPOSE_FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// Most YAML nodes built for the services (bounds alias expansion).
const MAX_NODES: usize = 500_000;

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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComposeFile {
    /// The file read, as found (the given directory joined with its name,
    /// or the explicit path as given).
    pub path: PathBuf,
    /// The services that build the Dockerfile, in file order.
    pub services: Vec<Service>,
}

/// A value with the 1-based position of its key in the compose file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
    pub column: usize,
}

/// `command` or `entrypoint` as written.
///
/// Clearing: `entrypoint: []` is `Exec([])`, `entrypoint: ""` is
/// `String { text: "", argv: Some([]) }`; both clear what the image sets
/// ([`CommandForm::clears`]). The same holds for `command`. `null` is
/// not a `CommandForm`: the field is `None` (unset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandForm {
    /// The list form: the argv as is (with `$$` unescaped).
    Exec(Vec<String>),
    /// The string form as written, and the argv Compose splits it into;
    /// `None` when Compose refuses to split it (unbalanced quotes, a
    /// trailing backslash, `(` without `$`).
    String {
        text: String,
        argv: Option<Vec<String>>,
    },
}

impl CommandForm {
    /// The argv the container gets, if known.
    pub fn argv(&self) -> Option<&[String]> {
        match self {
            CommandForm::Exec(v) => Some(v),
            CommandForm::String { argv, .. } => argv.as_deref(),
        }
    }

    /// `[]`, `""` or only blanks: the image's setting is cleared.
    pub fn clears(&self) -> bool {
        self.argv().is_some_and(|a| a.is_empty())
    }

    /// For the string form, the part after an unquoted `;`, `&`, `|`, `<`
    /// or `>` that Compose drops without a word (`a && b` runs `a`).
    pub fn dropped_tail(&self) -> Option<&str> {
        let CommandForm::String { text, .. } = self else {
            return None;
        };
        let at = shell_words(&unescape_dollars(text))?.stopped_at?;
        // Map the offset in the unescaped text back: `$$` counts one there.
        let (mut i, mut seen) = (0, 0);
        let b = text.as_bytes();
        while seen < at && i < b.len() {
            i += if b[i] == b'$' && b.get(i + 1) == Some(&b'$') {
                2
            } else {
                1
            };
            seen += 1;
        }
        text.get(i..)
    }
}

/// An `environment` entry: name, and value unless passed through.
pub type EnvVar = (String, Option<String>);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub name: String,
    /// Position of the service's key under `services:`.
    pub line: usize,
    pub column: usize,
    /// `build.target`: the stage the service builds (last stage if `None`).
    pub target: Option<String>,
    pub init: Option<Located<bool>>,
    pub stop_signal: Option<Located<String>>,
    /// As written, e.g. `1m30s`.
    pub stop_grace_period: Option<Located<String>>,
    /// `stop_grace_period` in seconds (Compose's duration format: a sequence
    /// of decimal numbers with units `ns`, `us`, `ms`, `s`, `m`, `h`, `d`,
    /// `w`); `None` when absent or not a valid duration.
    pub stop_grace_seconds: Option<f64>,
    pub command: Option<Located<CommandForm>>,
    pub entrypoint: Option<Located<CommandForm>>,
    pub user: Option<Located<String>>,
    /// Map or list form; a value of `None` is passed through from the
    /// environment of `docker compose` (`KEY` alone, or `KEY:` with null).
    pub environment: Option<Located<Vec<EnvVar>>>,
    /// Some value read for this service (fields above, build paths, target)
    /// uses `$VAR` / `${VAR…}` interpolation.
    pub has_variables: bool,
}

/// Services of the compose file that build `dockerfile` (a path to the Dockerfile being linted).
///
/// `explicit` is a compose file named by the user; otherwise the first
/// existing of [`COMPOSE_FILE_NAMES`] in the Dockerfile's directory, then in
/// `context` (when it is another directory), is read. `Ok(None)`: no compose
/// file. `Ok(Some(f))` with `f.services` empty: the file builds something
/// else. `Err`: one line naming the file (with line and column for YAML
/// errors).
pub fn services_for(
    dockerfile: &Path,
    explicit: Option<&Path>,
    context: Option<&Path>,
) -> Result<Option<ComposeFile>, String> {
    let (path, text) = match explicit {
        Some(p) => (p.to_path_buf(), read_compose(p, None)?),
        None => {
            let df_dir = crate::dirs::parent_dir(dockerfile);
            let mut dirs = vec![df_dir];
            if let Some(c) = context
                && !same_dir(&dirs[0], c)
            {
                dirs.push(c.to_path_buf());
            }
            let Some((path, dir)) = dirs.iter().find_map(|d| find_in(d).map(|p| (p, d))) else {
                return Ok(None);
            };
            let text = read_compose(&path, Some(dir))?;
            (path, text)
        }
    };
    let target = dockerfile
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dockerfile.display()))?;
    let all = parse_services(&path, &text)?;
    let project_dir = crate::dirs::parent_dir(&path);
    let services = all
        .into_iter()
        .filter(|s| {
            s.builds
                .as_ref()
                .is_some_and(|b| b.matches(&project_dir, &target))
        })
        .map(|s| s.service)
        .collect();
    Ok(Some(ComposeFile { path, services }))
}

fn same_dir(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The first compose file name present in `dir` (present: any directory
/// entry, even a dangling link, so that a broken file is reported rather
/// than skipped).
fn find_in(dir: &Path) -> Option<PathBuf> {
    COMPOSE_FILE_NAMES
        .iter()
        .find(|n| crate::dirs::has(dir, n))
        .map(|n| dir.join(n))
}

/// Read a compose file: a regular file of at most [`MAX_COMPOSE_FILE`]
/// bytes, UTF-8; with `confine`, its real path must lie inside that
/// directory.
pub fn read_compose(path: &Path, confine: Option<&Path>) -> Result<String, String> {
    let read = match confine {
        Some(dir) => crate::read::text_inside(path, dir, MAX_COMPOSE_FILE),
        None => crate::read::text(path, MAX_COMPOSE_FILE),
    };
    read.map_err(|e| format!("{}: {e}", path.display()))
}

/// A service of the file and what it builds.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedService {
    pub service: Service,
    /// `None`: no `build` (an `image:`-only service) or an inline
    /// Dockerfile.
    pub builds: Option<Build>,
}

/// What a service builds, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// Relative to the project directory (the compose file's directory).
    pub context: String,
    /// Relative to `context`; `Dockerfile` by default.
    pub dockerfile: String,
}

impl Build {
    /// Whether this builds `target` (a canonical path). Remote contexts
    /// never match; interpolation is resolved with the file's defaults.
    pub fn matches(&self, project_dir: &Path, target: &Path) -> bool {
        let (Some(context), Some(dockerfile)) = (
            interpolate_defaults(&self.context),
            interpolate_defaults(&self.dockerfile),
        ) else {
            return false;
        };
        if is_remote(&context) {
            return false;
        }
        let path = project_dir.join(context).join(dockerfile);
        path.canonicalize().is_ok_and(|p| p == target)
    }
}

/// A Git or HTTP context: not a directory here.
fn is_remote(context: &str) -> bool {
    context.contains("://") || context.starts_with("git@") || context.starts_with("github.com/")
}

/// Parse a compose file's text: every service, whatever it builds.
/// `path` is only for messages.
pub fn parse_services(path: &Path, text: &str) -> Result<Vec<ParsedService>, String> {
    let shown = path.display().to_string();
    let root = parse_tree(&shown, text)?;
    let Node::Map(root) = root else {
        return match root {
            Node::Null => Ok(Vec::new()),
            _ => Err(format!("{shown}:1:1: the top level is not a mapping")),
        };
    };
    let Some(services) = root.into_iter().find(|e| e.key == "services") else {
        return Ok(Vec::new());
    };
    let entries = match services.value {
        Node::Map(m) => m,
        Node::Null => return Ok(Vec::new()),
        _ => {
            return Err(format!(
                "{shown}:{}:{}: services: expected a mapping",
                services.line, services.column
            ));
        }
    };
    entries.into_iter().map(|e| service(&shown, e)).collect()
}

fn service(shown: &str, entry: Entry) -> Result<ParsedService, String> {
    let name = entry.key;
    let fields = match entry.value {
        Node::Map(m) => m,
        Node::Null => Vec::new(),
        _ => {
            return Err(format!(
                "{shown}:{}:{}: services.{name}: expected a mapping",
                entry.line, entry.column
            ));
        }
    };
    let mut s = Service {
        name: name.clone(),
        line: entry.line,
        column: entry.column,
        target: None,
        init: None,
        stop_signal: None,
        stop_grace_period: None,
        stop_grace_seconds: None,
        command: None,
        entrypoint: None,
        user: None,
        environment: None,
        has_variables: false,
    };
    let mut builds = None;
    for f in fields {
        let err = |what: &str| {
            format!(
                "{shown}:{}:{}: services.{name}.{}: {what}",
                f.line, f.column, f.key
            )
        };
        let (line, column) = (f.line, f.column);
        match f.key.as_str() {
            "build" => match &f.value {
                Node::Str(c) | Node::Num(c) => {
                    s.has_variables |= has_variables(c);
                    builds = Some(Build {
                        context: c.clone(),
                        dockerfile: "Dockerfile".into(),
                    });
                }
                Node::Map(m) => {
                    let get = |k: &str| m.iter().find(|e| e.key == k).map(|e| &e.value);
                    let text = |k: &str| get(k).and_then(Node::text);
                    if let Some(t) = text("target") {
                        s.has_variables |= has_variables(&t);
                        s.target = Some(t);
                    }
                    let inline = get("dockerfile_inline").is_some_and(|v| *v != Node::Null);
                    if !inline {
                        let context = text("context").unwrap_or_else(|| ".".into());
                        let dockerfile = text("dockerfile").unwrap_or_else(|| "Dockerfile".into());
                        s.has_variables |= has_variables(&context) || has_variables(&dockerfile);
                        builds = Some(Build {
                            context,
                            dockerfile,
                        });
                    }
                }
                Node::Null => {}
                _ => return Err(err("expected a string or a mapping")),
            },
            "init" => match &f.value {
                Node::Bool(b) => s.init = located(*b, line, column),
                Node::Null => {}
                Node::Str(t) => {
                    s.has_variables |= has_variables(t);
                    if let Some(b) = interpolate_defaults(t).as_deref().and_then(parse_bool) {
                        s.init = located(b, line, column);
                    } else if !has_variables(t) {
                        return Err(err("expected a boolean"));
                    }
                }
                _ => return Err(err("expected a boolean")),
            },
            "stop_signal" | "user" | "stop_grace_period" => {
                let v = match &f.value {
                    Node::Null => continue,
                    v => v.text().ok_or_else(|| err("expected a string"))?,
                };
                s.has_variables |= has_variables(&v);
                match f.key.as_str() {
                    "stop_signal" => s.stop_signal = located(v, line, column),
                    "user" => s.user = located(v, line, column),
                    _ => {
                        s.stop_grace_seconds =
                            interpolate_defaults(&v).as_deref().and_then(parse_duration);
                        s.stop_grace_period = located(v, line, column);
                    }
                }
            }
            "command" | "entrypoint" => {
                let form = match &f.value {
                    Node::Null => continue,
                    Node::Seq(items) => {
                        let mut argv = Vec::with_capacity(items.len());
                        for i in items {
                            let t = i.text().ok_or_else(|| err("expected a list of strings"))?;
                            s.has_variables |= has_variables(&t);
                            argv.push(unescape_dollars(&t));
                        }
                        CommandForm::Exec(argv)
                    }
                    v => {
                        let t = v
                            .text()
                            .ok_or_else(|| err("expected a string or a list of strings"))?;
                        s.has_variables |= has_variables(&t);
                        CommandForm::String {
                            argv: shell_words(&unescape_dollars(&t)).map(|w| w.argv),
                            text: t,
                        }
                    }
                };
                if f.key == "command" {
                    s.command = located(form, line, column);
                } else {
                    s.entrypoint = located(form, line, column);
                }
            }
            "environment" => {
                let vars = match &f.value {
                    Node::Null => continue,
                    Node::Map(m) => m
                        .iter()
                        .map(|e| match &e.value {
                            Node::Null => Ok((e.key.clone(), None)),
                            v => v
                                .text()
                                .map(|t| (e.key.clone(), Some(t)))
                                .ok_or_else(|| err("expected scalar values")),
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                    Node::Seq(items) => items
                        .iter()
                        .map(|i| {
                            let t = i.text().ok_or_else(|| err("expected a list of strings"))?;
                            Ok(match t.split_once('=') {
                                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                                None => (t.to_string(), None),
                            })
                        })
                        .collect::<Result<Vec<_>, String>>()?,
                    _ => return Err(err("expected a mapping or a list")),
                };
                let vars = vars
                    .into_iter()
                    .map(|(k, v)| {
                        if let Some(v) = &v {
                            s.has_variables |= has_variables(v);
                        }
                        (k, v.map(|v| unescape_dollars(&v)))
                    })
                    .collect();
                s.environment = located(vars, line, column);
            }
            _ => {}
        }
    }
    Ok(ParsedService { service: s, builds })
}

fn located<T>(value: T, line: usize, column: usize) -> Option<Located<T>> {
    Some(Located {
        value,
        line,
        column,
    })
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "on" => Some(true),
        "false" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// The YAML tree with key positions.

/// A YAML node as far as it is kept.
#[derive(Debug, Clone, PartialEq)]
enum Node {
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
    fn text(&self) -> Option<String> {
        match self {
            Node::Str(s) | Node::Num(s) => Some(s.clone()),
            Node::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    key: String,
    line: usize,
    column: usize,
    value: Node,
}

/// How much of a mapping's values to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Services,
    Service,
    Full,
}

impl Level {
    fn child(self, key: &str) -> Option<Level> {
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

struct Ctx {
    nodes: Cell<usize>,
    /// An error of ours, with its position, that aborts the parse.
    fatal: RefCell<Option<String>>,
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
const KEY_MARK: &str = "\u{1}dsig-key-position\u{1}";

/// Parse into a tree of the parts kept, with merge keys resolved.
fn parse_tree(shown: &str, text: &str) -> Result<Node, String> {
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

/// Read the position yaml_serde appended to our marker error.
fn key_position(msg: &str) -> Option<(usize, usize)> {
    position::after_marker(msg, KEY_MARK)
}

struct NodeSeed<'c> {
    ctx: &'c Ctx,
    level: Level,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = Node;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
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
        let mut seen: HashMap<String, usize> = HashMap::new();
        loop {
            let mut slot = None;
            let (key, line, column) = match map.next_key_seed(KeySeed { slot: &mut slot }) {
                Ok(None) => break,
                // A sequence or mapping as key: not Compose.
                Ok(Some(())) => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                Err(e) => {
                    let Some(key) = slot else { return Err(e) };
                    let Some((line, column)) = key_position(&e.to_string()) else {
                        return self.ctx.fail(1, 1, format!("no position for key {key:?}"));
                    };
                    (key, line, column)
                }
            };
            if let Some(first) = seen.insert(key.clone(), line) {
                return self.ctx.fail(
                    line,
                    column,
                    format!("duplicate key {key:?} (first on line {first})"),
                );
            }
            let value = match self.level.child(&key) {
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
/// `slot` and fails on purpose so that the error carries the position.
struct KeySeed<'s> {
    slot: &'s mut Option<String>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl KeySeed<'_> {
    fn found<E: de::Error>(self, key: String) -> Result<(), E> {
        *self.slot = Some(key);
        Err(E::custom(KEY_MARK))
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
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

/// Apply YAML merge keys (`<<: *a` or `<<: [*a, *b]`) bottom-up: the
/// mapping's own keys win, then earlier merged mappings over later ones.
fn resolve_merges(node: &mut Node) -> Result<(), String> {
    match node {
        Node::Seq(items) => items.iter_mut().try_for_each(resolve_merges),
        Node::Map(entries) => {
            entries
                .iter_mut()
                .try_for_each(|e| resolve_merges(&mut e.value))?;
            let Some(i) = entries.iter().position(|e| e.key == "<<") else {
                return Ok(());
            };
            let merge = entries.remove(i);
            let bad = || {
                format!(
                    "{}:{}: merge key `<<` needs a mapping or a list of mappings",
                    merge.line, merge.column
                )
            };
            let sources = match merge.value {
                Node::Map(m) => vec![m],
                Node::Seq(items) => items
                    .into_iter()
                    .map(|i| match i {
                        Node::Map(m) => Ok(m),
                        _ => Err(bad()),
                    })
                    .collect::<Result<_, _>>()?,
                _ => return Err(bad()),
            };
            let mut keys: HashSet<String> = entries.iter().map(|e| e.key.clone()).collect();
            for source in sources {
                for e in source {
                    if keys.insert(e.key.clone()) {
                        entries.push(e);
                    }
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// Values.

/// Whether `s` uses Compose interpolation (`$VAR`, `${…}`); `$$` is an
/// escaped `$`, not a variable.
pub fn has_variables(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            if b.get(i + 1) == Some(&b'$') {
                i += 2;
                continue;
            }
            return true;
        }
        i += 1;
    }
    false
}

/// `$$` → `$`; everything else as written.
pub fn unescape_dollars(s: &str) -> String {
    s.replace("$$", "$")
}

/// Interpolate with what the file itself says: `$$` → `$`, `${VAR:-x}` and
/// `${VAR-x}` → `x`. `None` when a value would come from the environment
/// (`$VAR`, `${VAR}`, `${VAR:?…}`, `${VAR:+…}`) or the syntax is invalid.
pub fn interpolate_defaults(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(body) = after.strip_prefix('{') {
            // Find the closing brace, allowing nested `${…}` in defaults.
            let mut depth = 1;
            let mut end = None;
            let bytes = body.as_bytes();
            let mut j = 0;
            while j < bytes.len() {
                match bytes[j] {
                    b'$' if bytes.get(j + 1) == Some(&b'{') => {
                        depth += 1;
                        j += 1;
                    }
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(j);
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            let end = end?;
            let inner = &body[..end];
            let name_len = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let op = &inner[name_len..];
            let default = op.strip_prefix(":-").or_else(|| op.strip_prefix('-'))?;
            if name_len == 0 {
                return None;
            }
            out.push_str(&interpolate_defaults(default)?);
            rest = &body[end + 1..];
        } else {
            return None;
        }
    }
    out.push_str(rest);
    Some(out)
}

/// A Compose duration in seconds: an optional sign, then one or more
/// decimal numbers (fraction allowed) each with a unit (`ns`, `us`/`µs`,
/// `ms`, `s`, `m`, `h`, `d`, `w`), e.g. `10s`, `1m30s`, `1.5h`, `500ms`;
/// `0` alone needs no unit. `None` when invalid (also for a bare number:
/// the unit is required).
pub fn parse_duration(s: &str) -> Option<f64> {
    let (neg, mut s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if s == "0" {
        return Some(0.0);
    }
    if s.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !s.is_empty() {
        let int_len = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let int = &s[..int_len];
        s = &s[int_len..];
        let mut frac = "";
        if let Some(r) = s.strip_prefix('.') {
            let n = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            frac = &r[..n];
            s = &r[n..];
        }
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let unit_len = s
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        let scale = match &s[..unit_len] {
            "ns" => 1e-9,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            "w" => 604800.0,
            _ => return None,
        };
        s = &s[unit_len..];
        let int = if int.is_empty() { "0" } else { int };
        let v: f64 = format!("{int}.{frac}0").parse().ok()?;
        total += v * scale;
    }
    // Go durations are int64 nanoseconds.
    if total > i64::MAX as f64 / 1e9 {
        return None;
    }
    Some(if neg { -total } else { total })
}

/// The words of a string-form command, split as Compose splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub argv: Vec<String>,
    /// Byte offset of an unquoted `;`, `&`, `|`, `<` or `>` where Compose
    /// stopped: the text from there on is ignored. A word that starts with
    /// a digit right before `>` (the `2` of `2>&1`) is dropped too, and the
    /// offset is then where that word starts.
    pub stopped_at: Option<usize>,
}

/// Split a command string the way Compose does (the rules of the
/// shell-words library it uses; no shell, no expansion).
///
/// Spaces, tabs and newlines separate words outside quotes; `'…'` keeps
/// everything literally; `"…"` keeps spaces, and a backslash in it escapes
/// any character; outside quotes a backslash escapes the next character.
/// Backquotes and `$(…)` are kept in the word, spaces and all. `None` for
/// an unbalanced quote, backquote or `$(`, a trailing backslash, or a `(`
/// outside quotes that does not follow `$`. The library's quirks are kept:
/// a word that consists only of escaped characters or of quoted blanks
/// (`\x`, `" "`) is not a word (it joins the next one, or is dropped).
pub fn shell_words(line: &str) -> Option<Words> {
    let mut argv = Vec::new();
    let mut buf = String::new();
    let (mut escaped, mut dq, mut sq, mut bq, mut dollar) = (false, false, false, false, false);
    let mut got = false;
    let mut stopped_at = None;
    // Where the word being read began (for a dropped `2` in `2>&1`).
    let mut word_start = None;
    for (i, r) in line.char_indices() {
        let blank = matches!(r, ' ' | '\t' | '\r' | '\n');
        if word_start.is_none() && !(blank && !(escaped || sq || dq || bq || dollar)) {
            word_start = Some(i);
        }
        if escaped {
            buf.push(r);
            escaped = false;
            continue;
        }
        if r == '\\' {
            if sq {
                buf.push(r);
            } else {
                escaped = true;
            }
            continue;
        }
        if blank {
            if sq || dq || bq || dollar {
                buf.push(r);
            } else if got {
                argv.push(std::mem::take(&mut buf));
                got = false;
                word_start = None;
            }
            continue;
        }
        match r {
            '`' if !sq && !dq && !dollar => bq = !bq,
            ')' if !sq && !dq && !bq => dollar = !dollar,
            '(' if !sq && !dq && !bq => {
                if !dollar && buf.ends_with('$') {
                    dollar = true;
                    buf.push('(');
                    continue;
                }
                return None;
            }
            '"' if !sq && !dollar => {
                if dq && buf.is_empty() {
                    got = true;
                }
                dq = !dq;
                continue;
            }
            '\'' if !dq && !dollar => {
                if sq && buf.is_empty() {
                    got = true;
                }
                sq = !sq;
                continue;
            }
            ';' | '&' | '|' | '<' | '>' if !(sq || dq || bq || dollar) => {
                stopped_at = Some(i);
                if r == '>' && buf.starts_with(|c: char| c.is_ascii_digit()) {
                    got = false;
                    stopped_at = word_start;
                }
                break;
            }
            _ => {}
        }
        got = true;
        buf.push(r);
    }
    if got {
        argv.push(buf);
    }
    if escaped || sq || dq || bq || dollar {
        return None;
    }
    Some(Words { argv, stopped_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(case: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/compose")
            .join(case)
    }

    /// The services of a fixture that build `dockerfile` (relative to it).
    fn services(case: &str, dockerfile: &str) -> Vec<Service> {
        let dir = fixture(case);
        services_for(&dir.join(dockerfile), None, Some(&dir))
            .unwrap()
            .expect("a compose file")
            .services
    }

    fn names(v: &[Service]) -> Vec<&str> {
        v.iter().map(|s| s.name.as_str()).collect()
    }

    fn get<'a>(v: &'a [Service], name: &str) -> &'a Service {
        v.iter().find(|s| s.name == name).unwrap()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn argv(c: &Option<Located<CommandForm>>) -> Option<Vec<String>> {
        c.as_ref().unwrap().value.argv().map(<[String]>::to_vec)
    }

    fn pos<T>(l: &Option<Located<T>>) -> (usize, usize) {
        let l = l.as_ref().unwrap();
        (l.line, l.column)
    }

    #[test]
    fn string_and_list_commands() {
        let v = services("commands", "Dockerfile");
        assert_eq!(
            names(&v),
            ["web", "worker", "chained", "shellc", "broken", "multi"]
        );
        let web = get(&v, "web");
        assert_eq!((web.line, web.column), (2, 3));
        assert_eq!(pos(&web.command), (4, 5));
        match &web.command.as_ref().unwrap().value {
            CommandForm::String { text, argv } => {
                assert_eq!(text, r#"node server.js --name "my app" 'single quoted'"#);
                assert_eq!(
                    argv.as_deref().unwrap(),
                    strings(&["node", "server.js", "--name", "my app", "single quoted"])
                );
            }
            other => panic!("{other:?}"),
        }
        let worker = &get(&v, "worker").command.as_ref().unwrap().value;
        assert_eq!(
            *worker,
            CommandForm::Exec(strings(&["node", "worker.js", "--queue", "jobs"]))
        );
        assert_eq!(worker.dropped_tail(), None);
        let chained = &get(&v, "chained").command;
        assert_eq!(argv(chained).unwrap(), strings(&["npm", "run", "migrate"]));
        assert_eq!(
            chained.as_ref().unwrap().value.dropped_tail(),
            Some("&& npm start")
        );
        // `$$` is Compose's escape: the container gets `$HOME`.
        assert_eq!(
            argv(&get(&v, "shellc").command).unwrap(),
            strings(&["sh", "-c", "echo $HOME && exec node server.js"])
        );
        assert_eq!(argv(&get(&v, "broken").command), None);
        let multi = get(&v, "multi");
        assert_eq!(pos(&multi.command), (19, 5));
        assert_eq!(
            argv(&multi.command).unwrap(),
            strings(&["python", "-m", "app"])
        );
        assert!(v.iter().all(|s| !s.has_variables));
    }

    #[test]
    fn entrypoint_override_and_clearing() {
        let v = services("entrypoint", "Dockerfile");
        let o = get(&v, "override");
        assert_eq!(
            o.entrypoint.as_ref().unwrap().value,
            CommandForm::Exec(strings(&["tini", "--"]))
        );
        assert_eq!(pos(&o.entrypoint), (4, 5));
        assert_eq!(argv(&o.command).unwrap(), strings(&["python", "app.py"]));
        let cs = &get(&v, "clear-string").entrypoint.as_ref().unwrap().value;
        assert_eq!(
            *cs,
            CommandForm::String {
                text: String::new(),
                argv: Some(vec![])
            }
        );
        assert!(cs.clears());
        let cl = &get(&v, "clear-list").entrypoint.as_ref().unwrap().value;
        assert_eq!(*cl, CommandForm::Exec(vec![]));
        assert!(cl.clears());
        assert!(!o.entrypoint.as_ref().unwrap().value.clears());
        let unset = get(&v, "unset");
        assert_eq!((&unset.entrypoint, &unset.command), (&None, &None));
        assert_eq!(
            argv(&get(&v, "string").entrypoint).unwrap(),
            strings(&["/usr/bin/env", "python3"])
        );
    }

    #[test]
    fn init_stop_signal_and_grace_periods() {
        let v = services("stop", "Dockerfile");
        let ten = get(&v, "ten");
        assert_eq!(
            ten.init,
            Some(Located {
                value: true,
                line: 4,
                column: 5
            })
        );
        assert_eq!(ten.stop_signal.as_ref().unwrap().value, "SIGINT");
        assert_eq!(pos(&ten.stop_signal), (5, 5));
        assert_eq!(ten.stop_grace_period.as_ref().unwrap().value, "10s");
        assert_eq!(pos(&ten.stop_grace_period), (6, 5));
        let secs: Vec<_> = v.iter().map(|s| s.stop_grace_seconds).collect();
        assert_eq!(
            secs,
            [Some(10.0), Some(90.0), Some(3600.0), Some(0.5), None]
        );
        assert!(!get(&v, "ninety").init.as_ref().unwrap().value);
        assert_eq!(
            get(&v, "ninety").stop_grace_period.as_ref().unwrap().value,
            "1m30s"
        );
        let half = get(&v, "half");
        assert_eq!(half.stop_signal.as_ref().unwrap().value, "SIGQUIT");
        assert_eq!(half.user.as_ref().unwrap().value, "1000:1000");
        assert_eq!(pos(&half.user), (18, 5));
        // A bare number has no unit: Compose refuses it, so no seconds.
        assert_eq!(
            get(&v, "bad").stop_grace_period.as_ref().unwrap().value,
            "30"
        );
    }

    #[test]
    fn build_as_string_and_mapping() {
        let v = services("build-forms", "Dockerfile");
        assert_eq!(names(&v), ["string", "string-dot-slash"]);
        assert!(v.iter().all(|s| s.target.is_none()));
        let prod = services("build-forms", "Dockerfile.prod");
        assert_eq!(names(&prod), ["mapping", "mapping-default-context"]);
        let m = get(&prod, "mapping");
        assert_eq!(m.target.as_deref(), Some("runtime"));
        assert!(m.init.as_ref().unwrap().value);
        assert_eq!(get(&prod, "mapping-default-context").target, None);
        // other/ has no compose file: the one of the context directory is
        // read, and only the services building other/Dockerfile are kept.
        let other = services("build-forms", "other/Dockerfile");
        assert_eq!(names(&other), ["other", "other-mapping"]);
        assert_eq!(
            get(&other, "other").command.as_ref().unwrap().value,
            CommandForm::Exec(strings(&["true"]))
        );
        // `image:`-only, inline and remote builds match no Dockerfile.
        let all = parse_services(
            Path::new("compose.yaml"),
            &std::fs::read_to_string(fixture("build-forms/compose.yaml")).unwrap(),
        )
        .unwrap();
        let none: Vec<_> = all
            .iter()
            .filter(|s| s.builds.is_none())
            .map(|s| s.service.name.as_str())
            .collect();
        assert_eq!(none, ["inline", "db"]);
        let remote = all.iter().find(|s| s.service.name == "remote").unwrap();
        assert!(!remote.builds.as_ref().unwrap().matches(
            &fixture("build-forms"),
            &fixture("build-forms/Dockerfile").canonicalize().unwrap()
        ));
    }

    #[test]
    fn compose_file_in_the_context_directory() {
        let dir = fixture("context-dir");
        let df = dir.join("app/Dockerfile");
        let f = services_for(&df, None, Some(&dir)).unwrap().unwrap();
        assert_eq!(f.path, dir.join("docker-compose.yml"));
        assert_eq!(names(&f.services), ["proxy"]);
        assert_eq!(f.services[0].stop_grace_seconds, Some(120.0));
        // Without the context, app/ has no compose file.
        assert_eq!(services_for(&df, None, None).unwrap(), None);
        // An explicit file is used as given.
        let explicit = dir.join("docker-compose.yml");
        let f = services_for(&df, Some(&explicit), None).unwrap().unwrap();
        assert_eq!(names(&f.services), ["proxy"]);
    }

    #[test]
    fn invalid_yaml_names_file_line_and_column() {
        let dir = fixture("invalid");
        let e = services_for(&dir.join("Dockerfile"), None, None).unwrap_err();
        let want = format!("{}:5:5: ", dir.join("compose.yaml").display());
        assert!(e.starts_with(&want), "{e}");
        assert!(e.contains("flow sequence"), "{e}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn extensions_and_unknown_top_level_keys_are_fine() {
        let v = services("extensions", "Dockerfile");
        assert_eq!(names(&v), ["app"]);
        let app = &v[0];
        assert!(app.init.as_ref().unwrap().value);
        assert_eq!(pos(&app.environment), (10, 5));
        assert_eq!(
            app.environment.as_ref().unwrap().value,
            [
                ("MODE".to_string(), Some("production".to_string())),
                ("TOKEN".to_string(), None),
                ("PRICE".to_string(), Some("$5".to_string())),
            ]
        );
        assert!(!app.has_variables);
    }

    #[test]
    fn anchors_and_merge_keys() {
        let v = services("merge", "Dockerfile");
        assert_eq!(names(&v), ["api", "jobs", "plain"]);
        // Own keys win over merged ones; merged ones point into the anchor.
        let api = get(&v, "api");
        assert_eq!(argv(&api.command).unwrap(), strings(&["node", "api.js"]));
        assert_eq!(pos(&api.command), (14, 5));
        assert_eq!(pos(&api.init), (3, 3));
        assert_eq!(api.stop_signal.as_ref().unwrap().value, "SIGTERM");
        // In a list of merges the earlier mapping wins.
        let jobs = get(&v, "jobs");
        assert_eq!(jobs.stop_signal.as_ref().unwrap().value, "SIGINT");
        assert_eq!(pos(&jobs.stop_signal), (9, 3));
        assert_eq!(jobs.stop_grace_seconds, Some(45.0));
        assert_eq!(argv(&jobs.command).unwrap(), strings(&["node", "index.js"]));
        // A plain alias as the whole service.
        let plain = get(&v, "plain");
        assert_eq!(pos(&plain.command), (5, 3));
        assert!(plain.init.as_ref().unwrap().value);
    }

    #[test]
    fn variables_are_left_as_written_and_flagged() {
        let v = services("variables", "Dockerfile");
        // `dev` needs $DEV_DOCKERFILE: unknown, so it matches nothing.
        assert_eq!(names(&v), ["app"]);
        let app = &v[0];
        assert!(app.has_variables);
        assert_eq!(app.target.as_deref(), Some("${TARGET:-final}"));
        assert_eq!(
            app.stop_grace_period.as_ref().unwrap().value,
            "${GRACE:-20s}"
        );
        assert_eq!(app.stop_grace_seconds, Some(20.0));
        assert!(app.init.as_ref().unwrap().value);
        match &app.command.as_ref().unwrap().value {
            CommandForm::String { text, .. } => assert_eq!(text, "${CMD:-python app.py}"),
            other => panic!("{other:?}"),
        }
        assert!(services("variables", "Dockerfile.dev").is_empty());
    }

    #[test]
    fn flow_style_positions() {
        let v = services("flow", "Dockerfile");
        let web = &v[0];
        assert_eq!((web.line, web.column), (1, 15));
        assert_eq!(pos(&web.command), (1, 37));
        assert_eq!(pos(&web.stop_signal), (2, 3));
    }

    // --- files -------------------------------------------------------------

    const DOCKERFILE: &str = "FROM alpine\nCMD [\"sh\"]\n";
    const SIMPLE: &str = "services:\n  web:\n    build: .\n    init: true\n";

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    #[test]
    fn file_names_in_order_of_preference() {
        let dir = project(&[
            ("Dockerfile", DOCKERFILE),
            ("docker-compose.yaml", "services: {a: {build: .}}"),
            ("docker-compose.yml", "services: {b: {build: .}}"),
            ("compose.yml", "services: {c: {build: .}}"),
        ]);
        let df = dir.path().join("Dockerfile");
        let f = services_for(&df, None, None).unwrap().unwrap();
        assert_eq!(f.path, dir.path().join("compose.yml"));
        assert_eq!(names(&f.services), ["c"]);
        std::fs::remove_file(dir.path().join("compose.yml")).unwrap();
        let f = services_for(&df, None, None).unwrap().unwrap();
        assert_eq!(names(&f.services), ["b"]);
        std::fs::write(dir.path().join("compose.yaml"), SIMPLE).unwrap();
        let f = services_for(&df, None, None).unwrap().unwrap();
        assert_eq!(names(&f.services), ["web"]);
    }

    #[test]
    fn dockerfile_directory_before_context() {
        let dir = project(&[
            ("app/Dockerfile", DOCKERFILE),
            ("app/compose.yaml", "services: {inner: {build: .}}"),
            ("compose.yaml", "services: {outer: {build: app}}"),
        ]);
        let df = dir.path().join("app/Dockerfile");
        let f = services_for(&df, None, Some(dir.path())).unwrap().unwrap();
        assert_eq!(names(&f.services), ["inner"]);
        std::fs::remove_file(dir.path().join("app/compose.yaml")).unwrap();
        let f = services_for(&df, None, Some(dir.path())).unwrap().unwrap();
        assert_eq!(names(&f.services), ["outer"]);
        // A relative Dockerfile path works too (parent "" is ".").
        let none = services_for(Path::new("Cargo.toml"), None, None).unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn no_compose_file_and_missing_dockerfile() {
        let dir = project(&[("Dockerfile", DOCKERFILE)]);
        let df = dir.path().join("Dockerfile");
        assert_eq!(services_for(&df, None, Some(dir.path())).unwrap(), None);
        // a Dockerfile that is not there: nothing to match without a
        // compose file (not even looked at), an error with one
        assert_eq!(
            services_for(&dir.path().join("nope"), None, None).unwrap(),
            None
        );
        let compose = project(&[("compose.yaml", "services: {}\n")]);
        let e = services_for(&compose.path().join("nope"), None, None).unwrap_err();
        assert!(e.contains("nope"), "{e}");
        let e = services_for(&df, Some(&dir.path().join("missing.yaml")), None).unwrap_err();
        assert!(e.contains("missing.yaml"), "{e}");
    }

    #[test]
    fn huge_file_refused() {
        let dir = project(&[("Dockerfile", DOCKERFILE)]);
        let big = dir.path().join("compose.yaml");
        let mut text = String::from(SIMPLE);
        while text.len() as u64 <= MAX_COMPOSE_FILE {
            text.push_str("# padding padding padding padding padding padding padding\n");
        }
        std::fs::write(&big, &text).unwrap();
        let df = dir.path().join("Dockerfile");
        let e = services_for(&df, None, None).unwrap_err();
        assert!(e.contains("larger than the 1 MiB limit"), "{e}");
        let e = services_for(&df, Some(&big), None).unwrap_err();
        assert!(e.contains("larger than the 1 MiB limit"), "{e}");
        // Exactly at the cap is fine.
        text.truncate(MAX_COMPOSE_FILE as usize - 1);
        text.push('\n');
        std::fs::write(&big, &text).unwrap();
        let f = services_for(&df, None, None).unwrap().unwrap();
        assert_eq!(names(&f.services), ["web"]);
    }

    #[test]
    fn only_regular_files() {
        let dir = project(&[("Dockerfile", DOCKERFILE)]);
        std::fs::create_dir(dir.path().join("compose.yaml")).unwrap();
        let df = dir.path().join("Dockerfile");
        let e = services_for(&df, None, None).unwrap_err();
        assert!(e.contains("is a directory"), "{e}");
        #[cfg(unix)]
        {
            let fifo = dir.path().join("fifo.yaml");
            let made = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .is_ok_and(|s| s.success());
            if made {
                // Refused without opening it (opening would block).
                let e = services_for(&df, Some(&fifo), None).unwrap_err();
                assert!(e.contains("not a regular file"), "{e}");
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_do_not_leave_the_directory() {
        use std::os::unix::fs::symlink;
        let outside = project(&[("compose.yaml", SIMPLE)]);
        let dir = project(&[("Dockerfile", DOCKERFILE), ("real.yaml", SIMPLE)]);
        let df = dir.path().join("Dockerfile");
        let target = outside.path().join("compose.yaml");
        symlink(&target, dir.path().join("compose.yaml")).unwrap();
        let e = services_for(&df, None, None).unwrap_err();
        assert!(e.contains("real path is outside"), "{e}");
        // Named explicitly, it is read; its directory is where the link is.
        let f = services_for(&df, Some(&dir.path().join("compose.yaml")), None);
        assert_eq!(names(&f.unwrap().unwrap().services), ["web"]);
        // A link inside the directory is fine.
        std::fs::remove_file(dir.path().join("compose.yaml")).unwrap();
        symlink("real.yaml", dir.path().join("compose.yaml")).unwrap();
        let f = services_for(&df, None, None).unwrap().unwrap();
        assert_eq!(names(&f.services), ["web"]);
        // A dangling link is reported, not skipped.
        std::fs::remove_file(dir.path().join("real.yaml")).unwrap();
        assert!(services_for(&df, None, None).is_err());
    }

    #[test]
    fn not_utf8() {
        let dir = project(&[("Dockerfile", DOCKERFILE)]);
        std::fs::write(dir.path().join("compose.yaml"), b"services:\n  \xff: {}\n").unwrap();
        let e = services_for(&dir.path().join("Dockerfile"), None, None).unwrap_err();
        assert!(e.contains("not valid UTF-8"), "{e}");
    }

    // --- parsing ------------------------------------------------------------

    fn parse(text: &str) -> Result<Vec<ParsedService>, String> {
        parse_services(Path::new("compose.yaml"), text)
    }

    fn one(text: &str) -> Service {
        let mut v = parse(text).unwrap();
        assert_eq!(v.len(), 1);
        v.remove(0).service
    }

    #[test]
    fn key_positions_from_the_parser() {
        let Node::Map(m) = parse_tree("f", "a: 1\nb:\n  c: 2\n").unwrap() else {
            panic!()
        };
        assert_eq!((m[0].key.as_str(), m[0].line, m[0].column), ("a", 1, 1));
        assert_eq!((m[1].key.as_str(), m[1].line, m[1].column), ("b", 2, 1));
        // Skipped at the top level, but still positioned.
        assert_eq!(m[1].value, Node::Skipped);
        // Columns count characters; CRLF line ends count as one.
        let s = one("services: {\"é\u{1F600}\": {build: ., init: true}}");
        assert_eq!((s.line, s.column), (1, 12));
        assert_eq!(pos(&s.init), (1, 29));
        let s = one("services:\r\n  web:\r\n    build: .\r\n    init: true\r\n");
        assert_eq!(pos(&s.init), (4, 5));
        // Quoted keys point at the quote.
        let s = one("services:\n  web:\n    'init': true\n");
        assert_eq!(pos(&s.init), (3, 5));
    }

    #[test]
    fn key_position_text() {
        assert_eq!(key_position(&format!("a: {KEY_MARK}")), Some((1, 1)));
        assert_eq!(
            key_position(&format!("x.y: {KEY_MARK} at line 12 column 7")),
            Some((12, 7))
        );
        assert_eq!(key_position("other error at line 1 column 1"), None);
        // The marker is found after a path that contains it.
        assert_eq!(
            key_position(&format!("{KEY_MARK}.b: {KEY_MARK} at line 3 column 4")),
            Some((3, 4))
        );
    }

    #[test]
    fn document_shapes() {
        assert!(parse("").unwrap().is_empty());
        assert!(parse("# only a comment\n").unwrap().is_empty());
        assert!(parse("services:\n").unwrap().is_empty());
        assert!(parse("name: x\n").unwrap().is_empty());
        let e = parse("- a\n- b\n").unwrap_err();
        assert!(e.starts_with("compose.yaml:1:1: "), "{e}");
        let e = parse("services: [a]\n").unwrap_err();
        assert!(e.starts_with("compose.yaml:1:1: services"), "{e}");
        let e = parse("services:\n  web: 1\n").unwrap_err();
        assert!(e.starts_with("compose.yaml:2:3: services.web"), "{e}");
        let e = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(e.contains("more than one document"), "{e}");
        // A complex key is ignored.
        assert!(parse("? [a, b]\n: c\nservices: {}\n").unwrap().is_empty());
        // A service without settings.
        assert_eq!(one("services:\n  web:\n").name, "web");
    }

    #[test]
    fn errors_are_one_line_with_position() {
        let e = parse("services:\n  web:\n    build: .\n   init: true\n").unwrap_err();
        assert!(e.starts_with("compose.yaml:4:"), "{e}");
        assert!(!e.contains('\n'));
        let e = parse("services:\n  web:\n    command: \"abc\n").unwrap_err();
        assert!(e.starts_with("compose.yaml:"), "{e}");
        let e = parse("services:\n  web:\n    <<: *nope\n").unwrap_err();
        assert!(e.starts_with("compose.yaml:3:9: unknown anchor"), "{e}");
        let e = parse("services:\n  web:\n    init: true\n    init: false\n").unwrap_err();
        assert_eq!(
            e,
            "compose.yaml:4:5: duplicate key \"init\" (first on line 3)"
        );
        let e = parse("services:\n  web:\n    command: {a: 1}\n").unwrap_err();
        assert!(
            e.starts_with("compose.yaml:3:5: services.web.command: "),
            "{e}"
        );
        let e = parse("services:\n  web:\n    command: [a, [b]]\n").unwrap_err();
        assert!(e.contains("list of strings"), "{e}");
        let e = parse("services:\n  web:\n    init: maybe\n").unwrap_err();
        assert!(e.starts_with("compose.yaml:3:5: services.web.init"), "{e}");
        let e = parse("services:\n  web:\n    stop_signal: [a]\n").unwrap_err();
        assert!(e.contains("expected a string"), "{e}");
        let e = parse("services:\n  web:\n    <<: 1\n").unwrap_err();
        assert!(e.starts_with("compose.yaml:3:5: merge key"), "{e}");
        let e = parse("x: &a 1\nservices:\n  web:\n    <<: [*a]\n").unwrap_err();
        assert!(e.contains("merge key"), "{e}");
    }

    #[test]
    fn alias_bombs_and_deep_nesting_fail_cleanly() {
        let mut bomb = String::from("x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n");
        for i in 1..10 {
            let refs = vec![format!("*x{}", i - 1); 10].join(", ");
            bomb.push_str(&format!("x{i}: &x{i} [{refs}]\n"));
        }
        bomb.push_str("services:\n  web:\n    environment: *x9\n");
        let e = parse(&bomb).unwrap_err();
        assert_eq!(e, "compose.yaml: repetition limit exceeded");
        // Few aliases of a long list: stopped by the node budget.
        let wide = format!(
            "x: &x [{}]\nservices:\n  web:\n    environment: [{}]\n",
            vec!["a"; 20_000].join(", "),
            vec!["*x"; 30].join(", ")
        );
        let e = parse(&wide).unwrap_err();
        assert!(e.starts_with("compose.yaml:1:"), "{e}");
        assert!(e.contains("more than 500000 values"), "{e}");
        // Ignored parts are not expanded.
        let quiet = bomb.replace("environment: *x9", "labels: *x9");
        assert_eq!(parse(&quiet).unwrap().len(), 1);
        let deep = format!(
            "services:\n  web:\n    command: {}{}\n",
            "[".repeat(300),
            "]".repeat(300)
        );
        let e = parse(&deep).unwrap_err();
        assert!(
            e.starts_with("compose.yaml:3:114: YAML nested more than 100 levels"),
            "{e}"
        );
    }

    #[test]
    fn nested_merges() {
        // A merged mapping that itself merges another (yaml_serde's
        // `Value::apply_merge` leaves such a `<<` behind).
        let s = one(
            "x-a: &a {init: true, user: a}\nx-b: &b {<<: *a, user: b}\nservices:\n  web: {<<: *b, build: .}\n",
        );
        assert!(s.init.as_ref().unwrap().value);
        assert_eq!(pos(&s.init), (1, 10));
        assert_eq!(s.user.as_ref().unwrap().value, "b");
        assert_eq!(pos(&s.user), (2, 18));
    }

    #[test]
    fn tags() {
        let s = one(
            "services:\n  web:\n    build: .\n    command: !reset [a]\n    user: !override root\n",
        );
        assert_eq!(s.command, None);
        assert_eq!(s.user.as_ref().unwrap().value, "root");
        let s = one("services:\n  web:\n    init: !!bool true\n    user: !!str 1000\n");
        assert!(s.init.unwrap().value);
        assert_eq!(s.user.unwrap().value, "1000");
    }

    #[test]
    fn scalars_that_are_not_strings() {
        let s = one(
            "services:\n  web:\n    user: 1000\n    command: [sleep, 10]\n    stop_signal: 9\n    init: \"yes\"\n",
        );
        assert_eq!(s.user.unwrap().value, "1000");
        assert_eq!(argv(&s.command).unwrap(), strings(&["sleep", "10"]));
        assert_eq!(s.stop_signal.unwrap().value, "9");
        assert!(s.init.unwrap().value);
        let s = one("services:\n  web:\n    environment: {DEBUG: true, N: 1.10, E: ''}\n");
        assert_eq!(
            s.environment.unwrap().value,
            [
                ("DEBUG".to_string(), Some("true".to_string())),
                ("N".to_string(), Some("1.1".to_string())),
                ("E".to_string(), Some(String::new())),
            ]
        );
        let s = one("services:\n  web:\n    command: [echo, true]\n");
        assert_eq!(argv(&s.command).unwrap(), strings(&["echo", "true"]));
        let e = parse("services:\n  web:\n    command: [echo, ~]\n").unwrap_err();
        assert!(e.contains("list of strings"), "{e}");
        let s = one("services:\n  web:\n    environment: [A=1, B, C=x=y]\n");
        assert_eq!(
            s.environment.unwrap().value,
            [
                ("A".to_string(), Some("1".to_string())),
                ("B".to_string(), None),
                ("C".to_string(), Some("x=y".to_string())),
            ]
        );
    }

    #[test]
    fn build_entries() {
        let v = parse(
            "services:\n  a:\n    build: ./x\n  b:\n    build:\n      context: y\n      dockerfile: ../D\n  c:\n    build: {context: ., dockerfile_inline: 'FROM a'}\n  d:\n    image: i\n",
        )
        .unwrap();
        let b: Vec<_> = v.iter().map(|s| s.builds.clone()).collect();
        assert_eq!(
            b,
            [
                Some(Build {
                    context: "./x".into(),
                    dockerfile: "Dockerfile".into()
                }),
                Some(Build {
                    context: "y".into(),
                    dockerfile: "../D".into()
                }),
                None,
                None,
            ]
        );
        assert!(is_remote("git@github.com:a/b.git#main"));
        assert!(is_remote("https://example.com/r.git"));
        assert!(!is_remote("./app"));
    }

    // --- values -------------------------------------------------------------

    #[test]
    fn durations() {
        let cases: &[(&str, Option<f64>)] = &[
            ("10s", Some(10.0)),
            ("1m30s", Some(90.0)),
            ("1h", Some(3600.0)),
            ("500ms", Some(0.5)),
            ("1.5h", Some(5400.0)),
            (".5s", Some(0.5)),
            ("2h45m", Some(9900.0)),
            ("1h5m30s20ms", Some(3930.02)),
            ("1d", Some(86400.0)),
            ("1w", Some(604800.0)),
            ("250us", Some(0.00025)),
            ("250\u{b5}s", Some(0.00025)),
            ("0", Some(0.0)),
            ("+2s", Some(2.0)),
            ("-1s", Some(-1.0)),
            ("", None),
            ("s", None),
            ("10", None),
            ("1x", None),
            ("1e3s", None),
            ("1 s", None),
            (".s", None),
            ("9999999999999h", None),
        ];
        for (s, want) in cases {
            let got = parse_duration(s);
            match (got, want) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "{s}: {g} != {w}"),
                _ => assert_eq!(got, *want, "{s}"),
            }
        }
    }

    #[test]
    fn variables() {
        assert!(has_variables("$A"));
        assert!(has_variables("a ${B:-x}"));
        assert!(has_variables("$$$A"));
        assert!(!has_variables("echo $$HOME"));
        assert!(!has_variables("plain"));
        assert_eq!(unescape_dollars("a $$b $${c}"), "a $b ${c}");
        let d = |s| interpolate_defaults(s);
        assert_eq!(d("plain").as_deref(), Some("plain"));
        assert_eq!(d("${A:-x} ${B-y}").as_deref(), Some("x y"));
        assert_eq!(d("${A:-${B:-z}}/f").as_deref(), Some("z/f"));
        assert_eq!(d("$$HOME").as_deref(), Some("$HOME"));
        assert_eq!(d("$A"), None);
        assert_eq!(d("${A}"), None);
        assert_eq!(d("${A:?need}"), None);
        assert_eq!(d("${A:+alt}"), None);
        assert_eq!(d("${A:-x"), None);
        assert_eq!(d("${:-x}"), None);
        assert_eq!(d("$"), None);
    }

    fn split(s: &str) -> Option<Vec<String>> {
        shell_words(s).map(|w| w.argv)
    }

    #[test]
    fn shell_words_like_compose() {
        let ok = |s: &str, want: &[&str]| assert_eq!(split(s), Some(strings(want)), "{s}");
        ok("a  b\tc\nd", &["a", "b", "c", "d"]);
        ok("  lead and trail  ", &["lead", "and", "trail"]);
        ok("'a b' \"c d\"", &["a b", "c d"]);
        ok(r#"say "a \"q\" b""#, &["say", r#"a "q" b"#]);
        ok(r"a\ b", &["a b"]);
        ok(r"'a\b'", &[r"a\b"]);
        ok(r#""a\\b""#, &[r"a\b"]);
        ok(r#""a\b""#, &["ab"]);
        ok("x'y'\"z\"", &["xyz"]);
        ok("a '' b", &["a", "", "b"]);
        ok("a \"\"", &["a", ""]);
        ok("\"a'b\" 'a\"b'", &["a'b", "a\"b"]);
        ok("echo $(date +%s) x", &["echo", "$(date +%s)", "x"]);
        ok("echo `date +%s` x", &["echo", "`date +%s`", "x"]);
        ok("echo $HOME ${A:-b}", &["echo", "$HOME", "${A:-b}"]);
        ok("python -c 'print(1)'", &["python", "-c", "print(1)"]);
        ok("a ';' \"&&\" x\\|y", &["a", ";", "&&", "x|y"]);
        ok("", &[]);
        ok("   ", &[]);
        // The library's quirks: escaped-only or blank-quoted words vanish
        // or join the next word.
        ok(r"echo \x", &["echo"]);
        ok(r"\a b", &["ab"]);
        ok(r"\| b", &["|b"]);
        ok("sh -c \" \"", &["sh", "-c"]);
        for bad in ["\"open", "'open", r"trail\", "(a)", "a `b", "$(a", "a)"] {
            assert_eq!(split(bad), None, "{bad}");
        }
    }

    #[test]
    fn operators_end_the_command() {
        let w = shell_words("npm run a && npm run b").unwrap();
        assert_eq!(w.argv, strings(&["npm", "run", "a"]));
        assert_eq!(w.stopped_at, Some(10));
        for (s, want) in [
            ("a;b", &["a"][..]),
            ("a | b", &["a"]),
            ("a < in", &["a"]),
            ("a>out", &["a"]),
            ("cmd 2>&1", &["cmd"]),
            ("cmd 2>/dev/null x", &["cmd"]),
            ("a & b", &["a"]),
        ] {
            let w = shell_words(s).unwrap();
            assert_eq!(w.argv, strings(want), "{s}");
            assert!(w.stopped_at.is_some(), "{s}");
        }
        assert_eq!(shell_words("a b").unwrap().stopped_at, None);
        let form = |t: &str| CommandForm::String {
            text: t.into(),
            argv: None,
        };
        assert_eq!(form("echo $$x && y").dropped_tail(), Some("&& y"));
        assert_eq!(form("a 'b;c' ; d").dropped_tail(), Some("; d"));
        assert_eq!(form("a b").dropped_tail(), None);
        assert_eq!(form("cmd 2>&1").dropped_tail(), Some("2>&1"));
        assert_eq!(form("cmd \"2\"x>f").dropped_tail(), Some("\"2\"x>f"));
        assert_eq!(form("a>f").dropped_tail(), Some(">f"));
        assert_eq!(form("'open").dropped_tail(), None);
    }
}
