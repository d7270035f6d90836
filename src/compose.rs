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

use serde::Serialize;
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

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
const MAX_NODES: usize = 1_000_000;

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
    pub environment: Option<Located<Vec<(String, Option<String>)>>>,
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
    let target = dockerfile
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dockerfile.display()))?;
    let (path, text) = match explicit {
        Some(p) => (p.to_path_buf(), read_compose(p, None)?),
        None => {
            let df_dir = match dockerfile.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
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
    let all = parse_services(&path, &text)?;
    let project_dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
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
        .map(|n| dir.join(n))
        .find(|p| p.symlink_metadata().is_ok())
}

/// Read a compose file: a regular file of at most [`MAX_COMPOSE_FILE`]
/// bytes, UTF-8; with `confine`, its real path must lie inside that
/// directory.
pub fn read_compose(path: &Path, confine: Option<&Path>) -> Result<String, String> {
    let shown = path.display();
    if let Some(dir) = confine {
        let root = dir
            .canonicalize()
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        let real = path.canonicalize().map_err(|e| format!("{shown}: {e}"))?;
        if !real.starts_with(&root) {
            return Err(format!(
                "{shown}: links outside {}, not read",
                dir.display()
            ));
        }
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown}: not a regular file, not read"));
    }
    let too_big = || format!("{shown}: larger than {MAX_COMPOSE_FILE} bytes, not read");
    if meta.len() > MAX_COMPOSE_FILE {
        return Err(too_big());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("{shown}: {e}"))?;
    // The file may have changed since `metadata`: check what was opened.
    let meta = file.metadata().map_err(|e| format!("{shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown}: not a regular file, not read"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_COMPOSE_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: {e}"))?;
    if bytes.len() as u64 > MAX_COMPOSE_FILE {
        return Err(too_big());
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("{shown}: not UTF-8 (byte {})", e.utf8_error().valid_up_to()))
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
                        s.has_variables |= has_variables(t);
                        s.target = Some(t.to_string());
                    }
                    let inline = get("dockerfile_inline").is_some_and(|v| *v != Node::Null);
                    if !inline {
                        let context = text("context").unwrap_or(".").to_string();
                        let dockerfile = text("dockerfile").unwrap_or("Dockerfile").to_string();
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
                    Node::Str(t) | Node::Num(t) => t.clone(),
                    Node::Null => continue,
                    _ => return Err(err("expected a string")),
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
                    Node::Str(t) | Node::Num(t) => {
                        s.has_variables |= has_variables(t);
                        CommandForm::String {
                            text: t.clone(),
                            argv: shell_words(&unescape_dollars(t)).map(|w| w.argv),
                        }
                    }
                    Node::Bool(b) => CommandForm::String {
                        text: b.to_string(),
                        argv: Some(vec![b.to_string()]),
                    },
                    Node::Seq(items) => {
                        let mut argv = Vec::with_capacity(items.len());
                        for i in items {
                            let t = i.text().ok_or_else(|| err("expected a list of strings"))?;
                            s.has_variables |= has_variables(t);
                            argv.push(unescape_dollars(t));
                        }
                        CommandForm::Exec(argv)
                    }
                    _ => return Err(err("expected a string or a list of strings")),
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
                                .map(|t| (e.key.clone(), Some(t.to_string())))
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
    /// The text of a string or number.
    fn text(&self) -> Option<&str> {
        match self {
            Node::Str(s) | Node::Num(s) => Some(s),
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
            return self.fail(
                1,
                1,
                format!("more than {MAX_NODES} values (alias expansion?)"),
            );
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
    match e.location() {
        Some(l) => {
            let suffix = format!(" at line {} column {}", l.line(), l.column());
            let msg = msg.replacen(&suffix, "", 1);
            format!("{shown}:{}:{}: {}", l.line(), l.column(), one_line(&msg))
        }
        None => format!("{shown}: {}", one_line(&msg)),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Read the position yaml_serde appended to our marker error.
fn key_position(msg: &str) -> Option<(usize, usize)> {
    let rest = &msg[msg.find(KEY_MARK)? + KEY_MARK.len()..];
    if rest.is_empty() || rest.starts_with(" at position") {
        // yaml_serde omits line and column when both are 0 (the very start).
        return Some((1, 1));
    }
    let (line, column) = rest.strip_prefix(" at line ")?.split_once(" column ")?;
    Some((line.parse().ok()?, column.trim().parse().ok()?))
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
    /// stopped: the text from there on is ignored (a word of digits right
    /// before `>`, like `2` in `2>&1`, is dropped too).
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
    for (i, r) in line.char_indices() {
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
        if matches!(r, ' ' | '\t' | '\r' | '\n') {
            if sq || dq || bq || dollar {
                buf.push(r);
            } else if got {
                argv.push(std::mem::take(&mut buf));
                got = false;
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
                if r == '>' && buf.starts_with(|c: char| c.is_ascii_digit()) {
                    got = false;
                }
                stopped_at = Some(i);
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
mod tests {}
