//! Pieces shared by the signal rules: how a shell runs a `-c` string, and
//! the literal replacement texts.

use super::RuleContext;
use crate::diagnostic::{Edit, Span};
use crate::model::base_images::ShellKind;
pub use crate::model::shell_run::ShellRun;
use crate::model::{Chain, Relation};

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

/// Where a process of the chain stands, for what the stop signal does to it.
pub enum Seat {
    /// An init comes before it and forwards the signal to it (the init's
    /// program).
    UnderInit(String),
    /// It is PID 1 (or PID 1 execs it), with no init before it.
    Pid1,
    /// Another process stands between it and the signal.
    Between,
}

/// Where hop `i` of the chain stands.
pub fn seat(chain: &Chain, i: usize) -> Seat {
    if let Some(init) = chain.init_before(i) {
        return Seat::UnderInit(init.program().to_string());
    }
    if matches!(chain.hops[i].relation, Relation::Pid1 | Relation::Exec) {
        Seat::Pid1
    } else {
        Seat::Between
    }
}

/// `exec` written in front of the command at byte `at` of a `-c` string:
/// what is inserted, and the string with it. `exec VAR=x cmd` would try to
/// run `VAR=x`, so assignments are kept with `env`, which execs the command.
pub fn exec_in_front(run: &ShellRun, text: &str, at: usize) -> (&'static str, String) {
    let insert = if run.assignments {
        "exec env "
    } else {
        "exec "
    };
    (insert, format!("{}{insert}{}", &text[..at], &text[at..]))
}

/// An edit of the Dockerfile that inserts `lines` (each ending in a newline)
/// before the line holding byte `offset`.
pub fn insert_before_line(cx: &RuleContext, offset: usize, lines: String) -> Edit {
    let at = cx.line_start(offset);
    Edit::new(Span::new(at, at), lines)
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
