//! What a shell does with a `-c` string (a shell-form CMD, a `sh -c` hop,
//! a package.json script), per the measured facts: computed once, in the
//! model, and read by the rules.

use super::base_images::ShellKind;
use crate::dirs::basename;
use crate::shell::{self, CommandKind, ShellFlavor};

/// What a shell does with a `-c` string, per the measured facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellRun {
    pub kind: ShellKind,
    /// The main command was written with `exec`.
    pub explicit_exec: bool,
    /// The shell replaces itself with the main command.
    pub execs: Option<bool>,
    /// Commands follow the main one (their text).
    pub after: Option<String>,
    pub pipeline: bool,
    pub trap: bool,
    pub background: bool,
    /// Program name of the main command (`node`), or the command text.
    pub app: String,
    /// Byte range of the main command in the text.
    pub main_span: Option<(usize, usize)>,
    /// The main command as a plain argv (no shell needed), without `exec`.
    pub main_argv: Option<Vec<String>>,
    /// The main command starts with `VAR=value` assignments.
    pub assignments: bool,
    /// The main command itself ends with `&`.
    pub main_background: bool,
    /// The whole text as a plain argv, when it needs no shell.
    pub whole_argv: Option<Vec<String>>,
    /// A pipeline's first command as a plain argv.
    pub pipeline_head: Option<Vec<String>>,
}

pub fn shell_run(kind: ShellKind, text: &str) -> ShellRun {
    let a = shell::analyze(text);
    let main = a.main_command();
    let explicit_exec = main.is_some_and(|m| m.exec);
    let execs = if explicit_exec {
        Some(true)
    } else {
        match kind.flavor() {
            Some(f) => shell::c_string_execs_last(f, &a),
            // a shell nobody named: what dash, busybox ash and bash all do
            // (anything after the app keeps every one of them, fact 7)
            None if kind == ShellKind::Unknown => {
                let all = [ShellFlavor::Dash, ShellFlavor::Busybox, ShellFlavor::Bash]
                    .map(|f| shell::c_string_execs_last(f, &a));
                all.iter().all(|x| *x == all[0]).then_some(all[0]).flatten()
            }
            None => None,
        }
    };
    let after = main.and_then(|m| {
        let rest: Vec<&shell::Command> = a
            .commands
            .iter()
            .filter(|c| c.span.start > m.span.start)
            .filter(|c| c.words.first().and_then(|w| w.value.as_deref()) != Some("wait"))
            .collect();
        let first = rest.first()?;
        let last = rest.last()?;
        Some(text[first.span.start..last.span.end].to_string())
    });
    let app = main
        .map(|m| {
            let w = if m.exec {
                m.words.get(1)
            } else {
                m.words.first()
            };
            w.map(|w| {
                let v = w.value.clone().unwrap_or_else(|| w.raw.clone());
                basename(&v).to_string()
            })
            .unwrap_or_else(|| {
                // a pipeline or compound command: name its first word
                let t = &text[m.span.start..m.span.end];
                let first = t.split_whitespace().next().unwrap_or(t);
                basename(first).to_string()
            })
        })
        .unwrap_or_else(|| "the app".into());
    let main_argv = main.and_then(|m| {
        if !matches!(m.kind, CommandKind::Simple) || m.redirects || !m.assignments.is_empty() {
            return None;
        }
        let v: Option<Vec<String>> = m.words.iter().map(|w| w.value.clone()).collect();
        let v = v?;
        let v = if m.exec { v[1..].to_vec() } else { v };
        // words that still need a shell (globs, ~)
        let plain = shell::plain_argv(&text[m.span.start..m.span.end]);
        plain
            .map(|p| if m.exec { p[1..].to_vec() } else { p })
            .filter(|p| *p == v)
    });
    ShellRun {
        kind,
        explicit_exec,
        execs,
        after,
        pipeline: main.is_some_and(|m| matches!(m.kind, CommandKind::Pipeline)),
        trap: a.has_trap,
        background: a
            .commands
            .iter()
            .any(|c| matches!(c.connector, shell::Connector::Background)),
        app,
        main_span: main.map(|m| (m.span.start, m.span.end)),
        main_argv,
        assignments: main.is_some_and(|m| !m.assignments.is_empty()),
        main_background: main.is_some_and(|m| m.connector == shell::Connector::Background),
        whole_argv: shell::plain_argv(text),
        pipeline_head: main
            .filter(|m| matches!(m.kind, CommandKind::Pipeline))
            .and_then(|_| shell::plain_argv(text.split('|').next().unwrap_or(text).trim()))
            .filter(|a| !a.is_empty()),
    }
}
