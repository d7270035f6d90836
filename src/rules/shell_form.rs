//! What DSIG001 and DSIG002 share: judging a shell-form CMD or ENTRYPOINT
//! by the shell that runs it and where that shell sits in the chain.

use super::RuleContext;
use super::helpers::{self, GRACE, Seat, ShellRun};
use crate::diagnostic::{Applicability, Edit, Fix, Severity, Span};
use crate::model::base_images::ShellKind;
use crate::model::{Form, HopKind, Setting, ShellInfo};

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
    let case = Case::of(shell.kind, run);
    if case == Case::ExplicitExec && keyword == "CMD" {
        return None;
    }
    let said = Said {
        keyword,
        sh: shell.argv.join(" "),
        shell,
        run,
        text: &text.value,
    };
    let mut message = said.message(cx, setting, case);
    // the explicit-exec message says it already
    if keyword == "ENTRYPOINT" && case != Case::ExplicitExec {
        message.push_str("; shell form also ignores CMD and `docker run` arguments");
    }
    let (help, fix) = replacement(cx, keyword, run, &text.value, text.span);
    Some(Judgement {
        severity: case.severity(),
        message,
        help,
        fix,
        run: run.clone(),
    })
}

/// What the shell does with the command, as measured ([`ShellRun::execs`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    /// The image has no /bin/sh.
    NoShell,
    /// The shell is not known, and nothing after the app keeps every shell.
    UnknownShell,
    /// `exec` in front of the app: fine for CMD; an ENTRYPOINT still
    /// ignores CMD and `docker run` arguments.
    ExplicitExec,
    /// This shell replaces itself with the single command; dash would not.
    ReplacesItself,
    /// The shell stays between the signal and the app.
    Stays,
    /// Not measured for this command or shell.
    NotMeasured,
}

impl Case {
    fn of(kind: ShellKind, run: &ShellRun) -> Case {
        match kind {
            ShellKind::None => Case::NoShell,
            // unknown shell, unless what follows the app keeps every shell
            ShellKind::Unknown if !run.explicit_exec && run.execs != Some(false) => {
                Case::UnknownShell
            }
            _ => match run.execs {
                Some(true) if run.explicit_exec => Case::ExplicitExec,
                Some(true) => Case::ReplacesItself,
                Some(false) => Case::Stays,
                None => Case::NotMeasured,
            },
        }
    }

    fn severity(self) -> Severity {
        match self {
            Case::NoShell | Case::Stays => Severity::Error,
            Case::ExplicitExec => Severity::Info,
            Case::UnknownShell | Case::ReplacesItself | Case::NotMeasured => Severity::Warning,
        }
    }
}

/// Where the shell of a shell-form setting stands.
enum Place {
    /// A hop of the predicted chain; PID 1 when the chain does not have it
    /// and nothing comes before it.
    Seat(Seat),
    /// An exec-form ENTRYPOINT that dsig cannot follow receives the shell
    /// command as arguments (the ENTRYPOINT, as written).
    ArgumentsOf(String),
}

/// Where the shell sits in the predicted tree.
fn place(cx: &RuleContext, setting: &Setting, keyword: &str) -> Place {
    let found = cx.chain.and_then(|c| {
        c.hops
            .iter()
            .position(|h| h.origin == setting.origin && matches!(h.kind, HopKind::Shell { .. }))
            .map(|i| (c, i))
    });
    if let Some((chain, i)) = found {
        return Place::Seat(helpers::seat(chain, i));
    }
    match (keyword, cx.launch.and_then(|l| l.entrypoint.as_ref())) {
        ("CMD", Some(ep)) if matches!(ep.form, Form::Exec(_)) => {
            Place::ArgumentsOf(ep.argv().join(" "))
        }
        _ => Place::Seat(Seat::Pid1),
    }
}

/// What a message says about a shell-form setting.
struct Said<'a> {
    keyword: &'a str,
    /// The shell prefix, e.g. `/bin/sh -c`.
    sh: String,
    shell: &'a ShellInfo,
    run: &'a ShellRun,
    text: &'a str,
}

impl Said<'_> {
    fn message(&self, cx: &RuleContext, setting: &Setting, case: Case) -> String {
        let Said {
            keyword, sh, shell, ..
        } = self;
        let shell_name = shell.kind.display();
        let app = &self.run.app;
        match case {
            Case::NoShell => format!(
                "{keyword} is shell form, which runs `{sh} \"…\"`, but {} has no /bin/sh: the container cannot start",
                cx.image()
            ),
            Case::UnknownShell => format!(
                "{keyword} is shell form and the shell is not known ({}): under dash (Debian, Ubuntu) `{sh}` stays PID 1 and ignores SIGTERM, and {app} is SIGKILLed {GRACE}",
                shell.reason
            ),
            Case::ExplicitExec => format!(
                "{keyword} is shell form: `exec` hands the signals to {app}, but CMD and `docker run` arguments are ignored"
            ),
            Case::ReplacesItself => format!(
                "{keyword} is shell form: it works only because `{sh}` here is {shell_name} ({}), which replaces itself with the single command; under dash (Debian, Ubuntu) the shell stays PID 1, ignores SIGTERM and {app} is SIGKILLed {GRACE}",
                shell.reason
            ),
            Case::Stays => self.stays(place(cx, setting, keyword)),
            Case::NotMeasured => format!(
                "{keyword} is shell form: whether {shell_name} replaces itself with `{}` has not been measured, so {app} may never see SIGTERM",
                helpers::shown(
                    self.run
                        .main_span
                        .map(|(s, e)| &self.text[s..e])
                        .unwrap_or(self.text)
                )
            ),
        }
    }

    /// The shell stays: what that does to the signal, by where it stands.
    fn stays(&self, place: Place) -> String {
        let Said { keyword, sh, .. } = self;
        let shell_name = self.shell.kind.display();
        let app = &self.run.app;
        let why = helpers::why_shell_stays(self.run);
        match place {
            Place::Seat(Seat::UnderInit(init)) => format!(
                "{keyword} is shell form: {init} forwards SIGTERM to `{sh}` ({shell_name}), not to {app}: {why}, and {app} is killed without running its shutdown handler (an init cannot help here)"
            ),
            Place::ArgumentsOf(front) => format!(
                "{keyword} is shell form: ENTRYPOINT `{front}` receives it as `{sh} \"…\"`; when it runs that, {shell_name} stays between the signal and {app}: {why}, so {app} does not receive SIGTERM"
            ),
            Place::Seat(Seat::Pid1) => format!(
                "{keyword} is shell form: SIGTERM goes to `{sh}` ({shell_name}) as PID 1, which ignores it: {why}, so {app} never sees the signal and is SIGKILLed {GRACE}"
            ),
            Place::Seat(Seat::Between) => format!(
                "{keyword} is shell form: `{sh}` ({shell_name}) stays between the signal and {app}: {why}, so {app} does not receive SIGTERM"
            ),
        }
    }
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
    if let Some(argv) = whole_command(cx, keyword, run) {
        let json = helpers::exec_form(&argv);
        let help = format!("use exec form: `{keyword} {}`", helpers::shown(&json));
        return (help, fix_if(verbatim, Applicability::Safe, span, json));
    }
    if let (Some((s, _)), None, false, false) =
        (run.main_span, &run.after, run.pipeline, run.explicit_exec)
    {
        let (insert, fixed) = helpers::exec_in_front(run, text, s);
        let help = format!(
            "put `exec` in front of the main command: `{keyword} {}`",
            helpers::shown(&fixed)
        );
        let at = Span::new(span.start + s, span.start + s);
        return (
            help,
            fix_if(verbatim, Applicability::Unsafe, at, insert.into()),
        );
    }
    (help_without_fix(keyword, run, text), None)
}

/// The whole command as exec-form words, when the shell runs a single
/// command: without a leading `exec`, and without the runtime that a base
/// image's ENTRYPOINT already starts.
fn whole_command(cx: &RuleContext, keyword: &str, run: &ShellRun) -> Option<Vec<String>> {
    let mut a = run.whole_argv.clone()?;
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
    (!a.is_empty()).then_some(a)
}

/// A fix of one edit, when the setting's text stands in the Dockerfile as
/// the model read it.
fn fix_if(
    verbatim: bool,
    applicability: Applicability,
    span: Span,
    replacement: String,
) -> Option<Fix> {
    verbatim.then(|| Fix {
        applicability,
        edits: vec![Edit {
            span,
            replacement,
            file: None,
        }],
    })
}

/// The help where no edit can be written: a pipeline, a command after the
/// app, or anything else.
fn help_without_fix(keyword: &str, run: &ShellRun, text: &str) -> String {
    if run.pipeline
        && let Some(argv) = &run.pipeline_head
    {
        return format!(
            "a pipeline keeps the shell in front of {}: let Docker collect the output instead and use exec form: `{keyword} {}`",
            run.app,
            helpers::shown(&helpers::exec_form(argv))
        );
    }
    if let (Some(argv), Some(after)) = (&run.main_argv, &run.after) {
        return format!(
            "run {} directly and move `{}` out of the launch command: `{keyword} {}`",
            run.app,
            helpers::shown(after),
            helpers::shown(&helpers::exec_form(argv))
        );
    }
    format!(
        "use exec form, e.g. `{keyword} {}`, with `exec` in front of the command that must receive the signals",
        helpers::shown(&helpers::exec_form(&[
            "/bin/sh".into(),
            "-c".into(),
            format!("exec {}", text)
        ]))
    )
}
