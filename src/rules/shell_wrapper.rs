//! DSIG007: exec form runs a shell with `-c` whose string does not end in
//! an exec'd app.

use super::helpers::{self, Seat, ShellRun};
use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Span};
use crate::dirs::basename;
use crate::model::base_images::ShellKind;
use crate::model::{Chain, Form, HopKind, Origin};

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig007,
    summary: "exec form runs `sh -c \"...\"` whose string keeps the shell between SIGTERM and the app",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG007.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let (Some(chain), Some(launch)) = (cx.chain, cx.launch) else {
        return vec![];
    };
    // Shell-form CMD/ENTRYPOINT are DSIG001/DSIG002's.
    let shell_form_origins: Vec<&Origin> = [&launch.cmd, &launch.entrypoint]
        .into_iter()
        .flatten()
        .filter(|s| matches!(s.form, Form::Shell { .. }))
        .map(|s| &s.origin)
        .collect();
    let mut out = Vec::new();
    for (i, hop) in chain.hops.iter().enumerate() {
        let HopKind::Shell {
            flavor, text, run, ..
        } = &hop.kind
        else {
            continue;
        };
        if shell_form_origins.contains(&&hop.origin) || started_by_other_rule(chain, i) {
            continue;
        }
        let sh = hop.display();
        let sh = sh.split(" \"").next().unwrap_or("sh -c").to_string();
        // a loop or other compound command is never exec'd: the shell runs
        // it itself (an endless one is DSIG012's)
        if matches!(
            run.app.as_str(),
            "while" | "until" | "for" | "if" | "case" | "select" | "{" | "("
        ) {
            continue;
        }
        let Some((severity, message)) = judge(cx, chain, i, *flavor, run, &sh) else {
            continue;
        };
        let app = &run.app;
        let mut d = RULE.diag(severity, cx.hop_span(i), message);
        d.set_label(format!("{sh} stays in front of {app}"));
        d.set_help(help(run, text));
        if let Some(f) = manifest_fix(cx, &hop.origin, run, text) {
            d.set_fix(f);
        }
        out.push(d);
    }
    out
}

/// The shell that npm/yarn/pnpm run their script with (DSIG004's), or one
/// that su/runuser start (DSIG010's).
fn started_by_other_rule(chain: &Chain, i: usize) -> bool {
    i > 0
        && match &chain.hops[i - 1].kind {
            HopKind::PackageManager { .. } => true,
            HopKind::Wrapper { name } => name == "su" || name == "runuser",
            _ => false,
        }
}

/// The severity and the message for the shell of hop `i`; `None` when it
/// replaces itself with the app.
fn judge(
    cx: &RuleContext,
    chain: &Chain,
    i: usize,
    flavor: ShellKind,
    run: &ShellRun,
    sh: &str,
) -> Option<(Severity, String)> {
    let hop = &chain.hops[i];
    let app = &run.app;
    let src = cx.hop_source(i);
    Some(match run.execs {
        Some(true) if run.explicit_exec => return None,
        // bash named explicitly replaces itself with a single command everywhere
        Some(true)
            if flavor == ShellKind::Bash
                && hop.argv.first().is_some_and(|p| basename(p) == "bash") =>
        {
            return None;
        }
        Some(true) => (
            Severity::Warning,
            format!(
                "`{sh}` ({src}) works only because /bin/sh here is {}, which replaces itself with the single command; under dash (Debian, Ubuntu) the shell stays and {app} does not receive SIGTERM",
                flavor.display()
            ),
        ),
        Some(false) => {
            let why = helpers::why_shell_stays(run);
            let consequence = consequence(&helpers::seat(chain, i), app, &cx.grace());
            (
                Severity::Error,
                format!(
                    "`{sh}` ({src}) keeps {} between the signal and {app}: {why}; {consequence}",
                    flavor.display()
                ),
            )
        }
        None => (
            Severity::Warning,
            format!(
                "`{sh}` ({src}): whether the shell ({}) replaces itself with {app} is not known (not measured for this command or shell), so {app} may not receive SIGTERM",
                flavor.display()
            ),
        ),
    })
}

/// What the shell staying does to the signal, by where it stands.
fn consequence(seat: &Seat, app: &str, grace: &str) -> String {
    match seat {
        Seat::UnderInit(init) => format!(
            "{init} forwards SIGTERM to the shell, not to {app}, which is killed without running its shutdown handler"
        ),
        Seat::Pid1 => {
            format!("the shell is PID 1 and ignores SIGTERM, so {app} is SIGKILLed {grace}")
        }
        Seat::Between => format!("{app} does not receive SIGTERM"),
    }
}

/// In a manifest, `exec` written into the `-c` string where it stands in
/// the file: the string must appear there as it is (no escapes, no folded
/// lines), after the container's first line. The manifest is read again
/// on the fixed text before the fix is offered (`lint_manifest`).
fn manifest_fix(cx: &RuleContext, origin: &Origin, run: &ShellRun, text: &str) -> Option<Fix> {
    let p = cx.placement?;
    let Origin::Manifest { .. } = origin else {
        return None;
    };
    let (at, _) = run.main_span?;
    if run.after.is_some() || run.pipeline || run.background || run.main_background {
        return None;
    }
    // `exec echo` needs an `echo` program in the image: builtins are left
    const BUILTINS: [&str; 12] = [
        "echo", "printf", "true", "false", "test", "[", "read", "cd", "set", ":", "eval", "trap",
    ];
    if run
        .main_argv
        .as_ref()
        .and_then(|a| a.first())
        .is_none_or(|p| BUILTINS.contains(&p.as_str()))
    {
        return None;
    }
    // `A=$(…) B=$A cmd` read through `env` would expand `$A` before it is
    // set: assignments are kept only when they expand nothing
    if run.assignments && text.get(at..)?.contains(['$', '`']) {
        return None;
    }
    let from = p.container.span.start;
    let found = cx.src.get(from..)?.match_indices(text).find(|(i, _)| {
        let before = cx.src[..from + i].chars().next_back();
        let after = cx.src[from + i + text.len()..].chars().next();
        match before {
            Some(q @ ('"' | '\'')) => after == Some(q),
            Some(' ' | '[' | ',') => matches!(after, Some(',' | ']' | '\n' | '\r') | None),
            _ => false,
        }
    })?;
    let (insert, _) = helpers::exec_in_front(run, text, at);
    let pos = from + found.0 + at;
    Some(Fix {
        applicability: Applicability::Safe,
        edits: vec![Edit::new(Span::new(pos, pos), insert)],
    })
}

/// How to let the app receive the signal.
fn help(run: &ShellRun, text: &str) -> String {
    let app = &run.app;
    match (&run.main_argv, &run.after, run.main_span) {
        (Some(argv), None, _) if run.whole_argv.is_some() => format!(
            "drop the shell and run the command in exec form: `{}`",
            helpers::exec_form(argv)
        ),
        (_, None, Some((s, _))) if !run.pipeline => format!(
            "put `exec` in front of the command inside the string: \"{}\"",
            helpers::exec_in_front(run, text, s).1
        ),
        _ => format!(
            "end the string with the app started by `exec`, and move anything that follows it elsewhere: \"… exec {app} …\""
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .pass(&[
                "FROM debian\nCMD [\"sh\", \"-c\", \"while true; do date; sleep 1; done\"]\n",
                "FROM debian\nCMD [\"sh\", \"-c\", \"exec node server.js\"]\n",
                "FROM debian\nCMD [\"bash\", \"-c\", \"cd /app && node server.js\"]\n",
                "FROM debian\nCMD [\"/bin/bash\", \"-c\", \"sleep infinity\"]\n",
                "FROM debian\nCMD node server.js\n",
                "FROM node:22\nCMD [\"npm\", \"start\"]\n",
            ])
            .fail(&[
                "FROM debian\nCMD [\"sh\", \"-c\", \"--\", \"node server.js\"]\n",
                "FROM debian\nCMD [\"sh\", \"-c\", \"node server.js\"]\n",
                "FROM debian\nCMD [\"/bin/sh\", \"-c\", \"node server.js; echo done\"]\n",
                "FROM alpine\nCMD [\"sh\", \"-c\", \"cd /app && node server.js\"]\n",
                "FROM debian\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"sh\", \"-c\", \"node server.js | tee /log\"]\n",
                "FROM mycorp/base\nCMD [\"sh\", \"-c\", \"migrate && node server.js\"]\n",
            ])
            .run();
    }
}
