//! Pieces shared by the signal rules: how a shell runs a `-c` string, and
//! the literal replacement texts.

use crate::model::base_images::ShellKind;
use crate::model::chain::flavor;
use crate::shell::{self, CommandKind, ShellFlavor};

/// Longest command text quoted in a message or help (characters).
pub const MAX_SHOWN: usize = 200;

/// Command text as a message quotes it: at most [`MAX_SHOWN`] characters,
/// control characters escaped (the fix itself carries the whole text).
pub fn shown(text: &str) -> String {
    crate::read::excerpt(text, MAX_SHOWN)
}

/// `["node", "server.js"]`, as a user would write it.
pub fn exec_form(argv: &[String]) -> String {
    // one buffer: a string per item would cost a 128-byte allocation each
    let mut out: Vec<u8> = Vec::with_capacity(argv.iter().map(|a| a.len() + 4).sum::<usize>() + 2);
    out.push(b'[');
    for (i, a) in argv.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        let _ = serde_json::to_writer(&mut out, a);
    }
    out.push(b']');
    String::from_utf8(out).unwrap_or_default()
}

/// What a shell does with a `-c` string, per the measured facts.
#[derive(Debug, Clone)]
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
}

pub fn shell_run(kind: ShellKind, text: &str) -> ShellRun {
    let a = shell::analyze(text);
    let main = a.main_command();
    let explicit_exec = main.is_some_and(|m| m.exec);
    let execs = if explicit_exec {
        Some(true)
    } else {
        match flavor(kind) {
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
                crate::model::chain::basename(&v).to_string()
            })
            .unwrap_or_else(|| {
                // a pipeline or compound command: name its first word
                let t = &text[m.span.start..m.span.end];
                let first = t.split_whitespace().next().unwrap_or(t);
                crate::model::chain::basename(first).to_string()
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
    }
}

/// Why the shell stays between the signal and the app, in words.
pub fn why_shell_stays(r: &ShellRun) -> String {
    if let Some(after) = &r.after {
        return format!(
            "`{}` follows {}, so the shell must stay to run it",
            shown(after),
            r.app
        );
    }
    if r.pipeline {
        return format!(
            "{} is part of a pipeline, so the shell stays to wait for it",
            r.app
        );
    }
    if r.trap {
        return "a trap is set, so the shell stays".into();
    }
    if r.background {
        return format!("{} is started in the background", r.app);
    }
    match r.kind {
        ShellKind::Dash => "dash never replaces itself with the command".into(),
        _ => format!(
            "{} does not replace itself with the command here",
            r.kind.display()
        ),
    }
}

/// Tini install lines for an image's package manager.
pub fn tini_install(kind: ShellKind, image: &str) -> Option<(&'static str, &'static str)> {
    if kind == ShellKind::Busybox || image.contains("alpine") {
        Some(("RUN apk add --no-cache tini", "/sbin/tini"))
    } else if kind == ShellKind::Dash {
        Some((
            "RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*",
            "/usr/bin/tini",
        ))
    } else {
        None
    }
}

/// "the grace period (10 s by default)"
pub const GRACE: &str = "when the stop timeout ends (10 s by default)";
