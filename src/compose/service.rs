//! A service's settings, read from the YAML tree: the fields the launch
//! model needs, checked for their shape.

use std::path::Path;

use super::duration::parse_duration;
use super::interpolate::{has_variables, interpolate_defaults, unescape_dollars};
use super::tree::{Entry, Node, parse_tree};
use super::types::{Build, CommandForm, EnvVar, Located, ParsedService, Service};
use super::words::shell_words;

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

/// One service: its fields, read in file order.
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
    let mut parsed = ParsedService {
        service: unset(name.clone(), entry.line, entry.column),
        builds: None,
        image: None,
    };
    for f in &fields {
        let err = |what: &str| {
            format!(
                "{shown}:{}:{}: services.{name}.{}: {what}",
                f.line, f.column, f.key
            )
        };
        field(&mut parsed, f, &err)?;
    }
    Ok(parsed)
}

/// A service with none of its fields set.
fn unset(name: String, line: usize, column: usize) -> Service {
    Service {
        name,
        line,
        column,
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
    }
}

/// Makes the one-line message for a field whose value has the wrong shape.
type FieldError<'a> = &'a dyn Fn(&str) -> String;

/// Read one field of a service; keys the model does not need are skipped.
fn field(p: &mut ParsedService, f: &Entry, err: FieldError) -> Result<(), String> {
    let s = &mut p.service;
    match f.key.as_str() {
        "build" => {
            if let Some(b) = build(s, &f.value, err)? {
                p.builds = Some(b);
            }
        }
        "image" => p.image = f.value.text(),
        "init" => init(s, f, err)?,
        "stop_signal" | "user" | "stop_grace_period" => text_field(s, f, err)?,
        "command" | "entrypoint" => {
            let Some(form) = command_form(&mut s.has_variables, &f.value, err)? else {
                return Ok(());
            };
            let form = located(form, f.line, f.column);
            if f.key == "command" {
                s.command = form;
            } else {
                s.entrypoint = form;
            }
        }
        "environment" => environment(s, f, err)?,
        _ => {}
    }
    Ok(())
}

/// `build`: a context path, or a mapping (which also gives `target`).
/// `None` when there is nothing to build from here (null, or an inline
/// Dockerfile).
fn build(s: &mut Service, value: &Node, err: FieldError) -> Result<Option<Build>, String> {
    match value {
        Node::Str(c) | Node::Num(c) => {
            s.has_variables |= has_variables(c);
            Ok(Some(Build {
                context: c.clone(),
                dockerfile: "Dockerfile".into(),
            }))
        }
        Node::Map(m) => Ok(build_mapping(s, m)),
        Node::Null => Ok(None),
        _ => Err(err("expected a string or a mapping")),
    }
}

/// The mapping form of `build`: `context` (`.` by default), `dockerfile`
/// (`Dockerfile` by default) unless `dockerfile_inline` is given, and
/// `target`.
fn build_mapping(s: &mut Service, m: &[Entry]) -> Option<Build> {
    let get = |k: &str| m.iter().find(|e| e.key == k).map(|e| &e.value);
    let text = |k: &str| get(k).and_then(Node::text);
    if let Some(t) = text("target") {
        s.has_variables |= has_variables(&t);
        s.target = Some(t);
    }
    let inline = get("dockerfile_inline").is_some_and(|v| *v != Node::Null);
    if inline {
        return None;
    }
    let context = text("context").unwrap_or_else(|| ".".into());
    let dockerfile = text("dockerfile").unwrap_or_else(|| "Dockerfile".into());
    s.has_variables |= has_variables(&context) || has_variables(&dockerfile);
    Some(Build {
        context,
        dockerfile,
    })
}

/// `init`: a boolean, or a string that is one once the file's defaults are
/// interpolated (a variable without one is left unknown).
fn init(s: &mut Service, f: &Entry, err: FieldError) -> Result<(), String> {
    let (line, column) = (f.line, f.column);
    match &f.value {
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
    }
    Ok(())
}

/// `stop_signal`, `user` and `stop_grace_period` (with its seconds): a
/// scalar, kept as text.
fn text_field(s: &mut Service, f: &Entry, err: FieldError) -> Result<(), String> {
    let v = match &f.value {
        Node::Null => return Ok(()),
        v => v.text().ok_or_else(|| err("expected a string"))?,
    };
    s.has_variables |= has_variables(&v);
    let (line, column) = (f.line, f.column);
    match f.key.as_str() {
        "stop_signal" => s.stop_signal = located(v, line, column),
        "user" => s.user = located(v, line, column),
        _ => {
            s.stop_grace_seconds = interpolate_defaults(&v).as_deref().and_then(parse_duration);
            s.stop_grace_period = located(v, line, column);
        }
    }
    Ok(())
}

/// `command` or `entrypoint`: a list of strings, or a string split as
/// Compose splits it; `None` for null. `vars` is set when a value uses
/// interpolation.
fn command_form(
    vars: &mut bool,
    value: &Node,
    err: FieldError,
) -> Result<Option<CommandForm>, String> {
    let form = match value {
        Node::Null => return Ok(None),
        Node::Seq(items) => {
            let mut argv = Vec::with_capacity(items.len());
            for i in items {
                let t = i.text().ok_or_else(|| err("expected a list of strings"))?;
                *vars |= has_variables(&t);
                argv.push(unescape_dollars(&t));
            }
            CommandForm::Exec(argv)
        }
        v => {
            let t = v
                .text()
                .ok_or_else(|| err("expected a string or a list of strings"))?;
            *vars |= has_variables(&t);
            CommandForm::String {
                argv: shell_words(&unescape_dollars(&t)).map(|w| w.argv),
                text: t,
            }
        }
    };
    Ok(Some(form))
}

/// `environment`, in map or list form; values have `$$` unescaped.
fn environment(s: &mut Service, f: &Entry, err: FieldError) -> Result<(), String> {
    let vars = match &f.value {
        Node::Null => return Ok(()),
        Node::Map(m) => env_map(m, err)?,
        Node::Seq(items) => env_list(items, err)?,
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
    s.environment = located(vars, f.line, f.column);
    Ok(())
}

/// `KEY: value` entries; a null value is passed through.
fn env_map(m: &[Entry], err: FieldError) -> Result<Vec<EnvVar>, String> {
    m.iter()
        .map(|e| match &e.value {
            Node::Null => Ok((e.key.clone(), None)),
            v => v
                .text()
                .map(|t| (e.key.clone(), Some(t)))
                .ok_or_else(|| err("expected scalar values")),
        })
        .collect()
}

/// `KEY=value` items; `KEY` alone is passed through.
fn env_list(items: &[Node], err: FieldError) -> Result<Vec<EnvVar>, String> {
    items
        .iter()
        .map(|i| {
            let t = i.text().ok_or_else(|| err("expected a list of strings"))?;
            Ok(match t.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (t.to_string(), None),
            })
        })
        .collect()
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
