//! A service's settings, read from the YAML tree: the fields the launch
//! model needs, checked for their shape.

use std::path::Path;

use super::duration::parse_duration;
use super::interpolate::{has_variables, interpolate_defaults, unescape_dollars};
use super::tree::{Entry, Node, parse_tree};
use super::types::{Build, CommandForm, Located, ParsedService, Service};
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
