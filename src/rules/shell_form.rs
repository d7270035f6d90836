//! What DSIG001 and DSIG002 share: judging a shell-form CMD or ENTRYPOINT
//! by the shell that runs it and where that shell sits in the chain.

use super::RuleContext;
use super::helpers::{self, GRACE, ShellRun};
use crate::diagnostic::{Applicability, Edit, Fix, Severity, Span};
use crate::model::base_images::ShellKind;
use crate::model::{Form, HopKind, Relation, Setting};

pub struct Judgement {
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub fix: Option<Fix>,
    pub run: ShellRun,
}

/// The finding of DSIG001/DSIG002 for a setting of the Dockerfile: none
/// when it comes from elsewhere, is malformed JSON (DSIG003's finding alone),
/// or is fine.
pub fn finding(
    cx: &RuleContext,
    rule: &'static super::Rule,
    setting: &Setting,
    keyword: &str,
) -> Vec<crate::diagnostic::Diagnostic> {
    let Some(idx) = setting.instruction else {
        return vec![];
    };
    if matches!(
        cx.df.instructions[idx].args,
        crate::parse::Args::Shell { ref text, json_error: Some(_) }
            if super::malformed_exec_form::looks_like_json(&text.value)
    ) {
        return vec![];
    }
    let Some(j) = judge(cx, setting, keyword) else {
        return vec![];
    };
    let mut d = rule.diag(j.severity, cx.span_of(&setting.origin), j.message);
    d.set_label(format!("runs as `/bin/sh -c` ({})", j.run.kind.display()));
    d.set_help(j.help);
    if let Some(f) = j.fix {
        d.set_fix(f);
    }
    vec![d]
}

/// Judge a shell-form setting; `None` when it is fine (explicit `exec`).
pub fn judge(cx: &RuleContext, setting: &Setting, keyword: &str) -> Option<Judgement> {
    let Form::Shell { text, shell, run } = &setting.form else {
        return None;
    };
    let run: &ShellRun = run;
    let sh = shell.argv.join(" ");
    let shell_name = shell.kind.display();
    let app = run.app.clone();
    let help_fix = replacement(cx, keyword, run, &text.value, text.span);
    // Where the shell sits in the predicted tree.
    // An exec-form ENTRYPOINT that dsig cannot follow receives the shell
    // command as arguments.
    let front = match (keyword, cx.launch.and_then(|l| l.entrypoint.as_ref())) {
        ("CMD", Some(ep)) if matches!(ep.form, Form::Exec(_)) => Some(ep.argv().join(" ")),
        _ => None,
    };
    let (is_pid1, init) = match cx.chain.and_then(|c| {
        c.hops
            .iter()
            .enumerate()
            .find(|(_, h)| h.origin == setting.origin && matches!(h.kind, HopKind::Shell { .. }))
    }) {
        Some((i, h)) => {
            let chain = cx.chain.unwrap();
            let init = chain.init_before(i).map(|h| h.program().to_string());
            (matches!(h.relation, Relation::Pid1 | Relation::Exec), init)
        }
        None => (front.is_none(), None),
    };
    let in_chain = cx.chain.is_some_and(|c| {
        c.hops
            .iter()
            .any(|h| h.origin == setting.origin && matches!(h.kind, HopKind::Shell { .. }))
    });
    let (severity, message) = match shell.kind {
        ShellKind::None => (
            Severity::Error,
            format!(
                "{keyword} is shell form, which runs `{sh} \"…\"`, but {} has no /bin/sh: the container cannot start",
                cx.image()
            ),
        ),
        // unknown shell, unless what follows the app keeps every shell
        ShellKind::Unknown if !run.explicit_exec && run.execs != Some(false) => (
            Severity::Warning,
            format!(
                "{keyword} is shell form and the shell is not known ({}): under dash (Debian, Ubuntu) `{sh}` stays PID 1 and ignores SIGTERM, and {app} is SIGKILLed {GRACE}",
                shell.reason
            ),
        ),
        _ => match run.execs {
            Some(true) if run.explicit_exec => {
                if keyword == "CMD" {
                    return None;
                }
                (
                    Severity::Info,
                    format!(
                        "{keyword} is shell form: `exec` hands the signals to {app}, but CMD and `docker run` arguments are ignored"
                    ),
                )
            }
            Some(true) => (
                Severity::Warning,
                format!(
                    "{keyword} is shell form: it works only because `{sh}` here is {shell_name} ({}), which replaces itself with the single command; under dash (Debian, Ubuntu) the shell stays PID 1, ignores SIGTERM and {app} is SIGKILLed {GRACE}",
                    shell.reason
                ),
            ),
            Some(false) => {
                let why = helpers::why_shell_stays(run);
                let msg = if let Some(init) = &init {
                    format!(
                        "{keyword} is shell form: {init} forwards SIGTERM to `{sh}` ({shell_name}), not to {app}: {why}, and {app} is killed without running its shutdown handler (an init cannot help here)"
                    )
                } else if let (Some(front), false) = (&front, in_chain) {
                    format!(
                        "{keyword} is shell form: ENTRYPOINT `{front}` receives it as `{sh} \"…\"`; when it runs that, {shell_name} stays between the signal and {app}: {why}, so {app} does not receive SIGTERM"
                    )
                } else if is_pid1 {
                    format!(
                        "{keyword} is shell form: SIGTERM goes to `{sh}` ({shell_name}) as PID 1, which ignores it: {why}, so {app} never sees the signal and is SIGKILLed {GRACE}"
                    )
                } else {
                    format!(
                        "{keyword} is shell form: `{sh}` ({shell_name}) stays between the signal and {app}: {why}, so {app} does not receive SIGTERM"
                    )
                };
                (Severity::Error, msg)
            }
            None => (
                Severity::Warning,
                format!(
                    "{keyword} is shell form: whether {shell_name} replaces itself with `{}` has not been measured, so {app} may never see SIGTERM",
                    helpers::shown(
                        run.main_span
                            .map(|(s, e)| &text.value[s..e])
                            .unwrap_or(&text.value)
                    )
                ),
            ),
        },
    };
    let mut message = message;
    if keyword == "ENTRYPOINT" && !message.contains("arguments are ignored") {
        message.push_str("; shell form also ignores CMD and `docker run` arguments");
    }
    Some(Judgement {
        severity,
        message,
        help: help_fix.0,
        fix: help_fix.1,
        run: run.clone(),
    })
}

/// The base image's ENTRYPOINT when the image sets it and it is a runtime
/// (`["/nodejs/bin/node"]`, `["/usr/bin/python3.13"]`, `["/usr/bin/java",
/// "-jar"]`) and the Dockerfile does not replace it.
fn base_runtime_entrypoint<'a>(cx: &RuleContext<'a>) -> Option<&'a [String]> {
    let launch = cx.launch?;
    let ep = launch.entrypoint.as_ref()?;
    if !matches!(ep.origin, crate::model::Origin::BaseImage { .. }) {
        return None;
    }
    let base = launch.base?;
    let argv = base.entrypoint.as_deref()?;
    crate::model::chain::is_runtime_program(argv.first()?).then_some(argv)
}

/// `words` start the same runtime as `entrypoint`: `node` for
/// `/nodejs/bin/node`, `python3` for `/usr/bin/python3.13`, `java -jar`.
fn same_runtime(words: &[String], entrypoint: &[String]) -> bool {
    use crate::dirs::basename;
    words.iter().zip(entrypoint).all(|(w, e)| {
        let (w, e) = (basename(w), basename(e));
        w == e || (w.starts_with("python") && e.starts_with("python"))
    })
}

/// The literal replacement and, where it can be written, the fix.
fn replacement(
    cx: &RuleContext,
    keyword: &str,
    run: &ShellRun,
    text: &str,
    span: Span,
) -> (String, Option<Fix>) {
    let verbatim = &cx.src[span.start..span.end] == text;
    if crate::model::chain::is_package_manager(&run.app) {
        return (
            format!(
                "exec form alone would keep {} as PID 1 (see DSIG004): run the app directly in exec form, e.g. `{keyword} [\"node\", \"server.js\"]`",
                run.app
            ),
            None,
        );
    }
    let whole = run.whole_argv.clone().map(|mut a| {
        if a.first().is_some_and(|w| w == "exec") {
            a.remove(0);
        }
        // a base image whose ENTRYPOINT is the runtime itself (distroless
        // node, python, java) runs CMD as its arguments: `node server.js`
        // becomes `["server.js"]`, not `["node", "server.js"]`
        if keyword == "CMD"
            && let Some(ep) = base_runtime_entrypoint(cx)
        {
            let n = ep.len();
            if a.len() > n && same_runtime(&a[..n], ep) {
                a.drain(..n);
            }
        }
        a
    });
    if let Some(argv) = whole.filter(|a| !a.is_empty()) {
        let json = helpers::exec_form(&argv);
        let fix = verbatim.then(|| Fix {
            applicability: Applicability::Safe,
            edits: vec![Edit {
                span,
                replacement: json.clone(),
                file: None,
            }],
        });
        return (
            format!("use exec form: `{keyword} {}`", helpers::shown(&json)),
            fix,
        );
    }
    if let (Some((s, _)), None, false, false) =
        (run.main_span, &run.after, run.pipeline, run.explicit_exec)
    {
        {
            // `exec VAR=x cmd` would try to run `VAR=x`: keep the
            // assignments with `env`, which execs the command.
            let insert = if run.assignments {
                "exec env "
            } else {
                "exec "
            };
            let fixed = format!("{}{insert}{}", &text[..s], &text[s..]);
            let fix = verbatim.then(|| Fix {
                applicability: Applicability::Unsafe,
                edits: vec![Edit {
                    span: Span::new(span.start + s, span.start + s),
                    replacement: insert.into(),
                    file: None,
                }],
            });
            return (
                format!(
                    "put `exec` in front of the main command: `{keyword} {}`",
                    helpers::shown(&fixed)
                ),
                fix,
            );
        }
    }
    if run.pipeline
        && let Some(argv) = &run.pipeline_head
    {
        return (
            format!(
                "a pipeline keeps the shell in front of {}: let Docker collect the output instead and use exec form: `{keyword} {}`",
                run.app,
                helpers::shown(&helpers::exec_form(argv))
            ),
            None,
        );
    }
    if let (Some(argv), Some(after)) = (&run.main_argv, &run.after) {
        return (
            format!(
                "run {} directly and move `{}` out of the launch command: `{keyword} {}`",
                run.app,
                helpers::shown(after),
                helpers::shown(&helpers::exec_form(argv))
            ),
            None,
        );
    }
    (
        format!(
            "use exec form, e.g. `{keyword} {}`, with `exec` in front of the command that must receive the signals",
            helpers::shown(&helpers::exec_form(&[
                "/bin/sh".into(),
                "-c".into(),
                format!("exec {}", text)
            ]))
        ),
        None,
    )
}
