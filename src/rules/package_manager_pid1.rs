//! DSIG004: npm/yarn/pnpm/npx is the main process.

use super::helpers;
use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::base_images::ShellKind;
use crate::model::chain::PackageManager;
use crate::model::{HopKind, Origin, Relation};
use crate::signal::Signal;

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig004,
    summary: "npm, yarn, pnpm or npx runs the app, and stands between SIGTERM and it",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG004.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let (Some(chain), Some(launch)) = (cx.chain, cx.launch) else {
        return vec![];
    };
    let Some(i) = chain.package_manager() else {
        return vec![];
    };
    let hop = &chain.hops[i];
    let HopKind::PackageManager {
        pm,
        script,
        script_text,
        args,
        script_run,
    } = &hop.kind
    else {
        return vec![];
    };
    let sh = launch.bin_sh;
    let pm_name = pm.name();
    // `corepack yarn start` runs yarn inside corepack
    let via = if hop
        .argv
        .first()
        .is_some_and(|p| crate::dirs::basename(p) == "corepack")
    {
        "corepack "
    } else {
        ""
    };
    let what = match script {
        Some(s) => format!(
            "`{via}{pm_name} {}`",
            if s == "start" {
                "start".to_string()
            } else {
                format!("run {s}")
            }
        ),
        None => format!("`{}`", hop.argv.join(" ")),
    };
    let position = if matches!(hop.relation, Relation::Pid1 | Relation::Exec) {
        "is PID 1"
    } else {
        "runs the app"
    };
    // How the script's shell treats the app, when package.json was read.
    let script_run = script_run.as_deref();
    let app = script_run
        .as_ref()
        .map(|r| r.app.clone())
        .unwrap_or_else(|| "the app".into());
    let facts = Facts {
        pm: *pm,
        what,
        position,
        app,
        sh,
        script_run,
        stop: launch.stop_signal(),
        base_image: &launch.base_image,
        grace: cx.grace(),
    };
    let (severity, message) = judge(&facts);
    // The span: the nearest Dockerfile origin at or before the hop.
    let origin = chain.hops[..=i]
        .iter()
        .rev()
        .map(|h| &h.origin)
        .find(|o| o.span_here().is_some())
        .unwrap_or(&hop.origin);
    let span = cx.span_of(origin);
    let mut d = RULE.diag(severity, span, message);
    d.set_label(format!(
        "{pm_name} becomes the process that receives SIGTERM"
    ));
    let direct = direct(chain, i, *pm, script.is_some(), script_run, args);
    let keyword = keyword_of(cx, origin);
    help_and_fix(
        &mut d,
        direct,
        script,
        script_text,
        keyword,
        origin,
        chain,
        i,
    );
    vec![d]
}

/// The help, and the fix when the command is the Dockerfile's own.
#[allow(clippy::too_many_arguments)]
fn help_and_fix(
    d: &mut Diagnostic,
    direct: Option<Vec<String>>,
    script: &Option<String>,
    script_text: &Option<String>,
    keyword: &str,
    origin: &Origin,
    chain: &crate::model::Chain,
    i: usize,
) {
    let hop = &chain.hops[i];
    match (&direct, script, script_text) {
        (Some(argv), _, _) => {
            let json = helpers::exec_form(argv);
            d.set_help(match script {
                Some(s) => format!(
                    "run the app directly with the command of package.json scripts.{s}: `{keyword} {json}`"
                ),
                None => format!("run the app directly: `{keyword} {json}`"),
            });
            if let Origin::Dockerfile { span, .. } = origin
                && hop.origin == *origin
                && chain.hops[..i].iter().all(|h| h.origin != *origin)
            {
                d.set_fix(Fix {
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        span: *span,
                        replacement: json,
                        file: None,
                    }],
                });
            }
        }
        (_, Some(s), Some(t)) => {
            d.set_help(format!(
                "run the app directly with the command of package.json scripts.{s} (`{t}`), in exec form with `exec` before the app if it needs a shell, e.g. `{keyword} [\"node\", \"server.js\"]`"
            ));
        }
        (_, Some(s), None) => {
            d.set_help(format!(
                "run the app directly with the command of package.json scripts.{s}, e.g. `{keyword} [\"node\", \"server.js\"]`"
            ));
        }
        _ => {
            d.set_help(format!(
                "install the tool in the image and run it directly, e.g. `{keyword} [\"node\", \"node_modules/.bin/<tool>\"]`"
            ));
        }
    }
}

/// What the package manager hop is and does, for the message.
struct Facts<'a> {
    pm: PackageManager,
    /// `npm start`, as written.
    what: String,
    /// `is PID 1` or `runs the app`.
    position: &'static str,
    app: String,
    sh: ShellKind,
    script_run: Option<&'a helpers::ShellRun>,
    stop: &'a str,
    base_image: &'a str,
    /// When SIGKILL comes.
    grace: String,
}

/// The severity and the message, by the measured facts (11-14, 18-21).
fn judge(f: &Facts) -> (Severity, String) {
    let (pm, what, position, app, sh) = (&f.pm, &f.what, f.position, &f.app, f.sh);
    let script_run = f.script_run;
    let sh_name = sh.display();
    let pm_name = pm.name();
    let stop = f.stop;
    let other_signal = !matches!(
        Signal::parse(stop),
        Ok(s) if s == Signal::TERM || s == Signal::INT
    );
    let script_execs = script_run.as_ref().and_then(|r| r.execs);
    match pm {
        PackageManager::Yarn => (
            Severity::Error,
            format!(
                "{what} {position}: yarn 1 forwards SIGTERM to its script shell and exits at once, so {app}'s shutdown handler never runs or is cut short (measured with dash, bash and busybox); SIGINT is ignored"
            ),
        ),
        _ if script_execs == Some(false) => {
            let r = script_run.as_ref().unwrap();
            (
                Severity::Error,
                format!(
                    "{what} {position}: its script keeps /bin/sh ({sh_name}) between {pm_name} and {app} ({}); {pm_name} forwards SIGTERM only to that shell, and {app} is killed without running its shutdown handler",
                    helpers::why_shell_stays(r)
                ),
            )
        }
        _ if script_execs == Some(true) => (
            Severity::Warning,
            format!(
                "{what} {position}: {pm_name} stays between the signal and {app} and forwards only SIGTERM and SIGINT{}; run {app} directly",
                if other_signal {
                    format!(" (STOPSIGNAL {stop} is not forwarded)")
                } else {
                    String::new()
                }
            ),
        ),
        PackageManager::Npm | PackageManager::Npx if sh == ShellKind::Dash => (
            Severity::Error,
            format!(
                "{what} {position}: {pm_name} forwards SIGTERM only to the /bin/sh (dash) that it runs {} with; that shell dies, {pm_name} exits, and {app} is SIGKILLed without running its shutdown handler; SIGINT is ignored entirely",
                if *pm == PackageManager::Npx {
                    "the command"
                } else {
                    "the script"
                }
            ),
        ),
        PackageManager::Pnpm if sh == ShellKind::Dash => (
            Severity::Error,
            format!(
                "{what} {position}: pnpm kills its script shell (dash) and every descendant and exits at once, so a shutdown that takes time never finishes; SIGINT is ignored"
            ),
        ),
        _ if matches!(sh, ShellKind::Busybox | ShellKind::Bash) => (
            Severity::Warning,
            format!(
                "{what} {position}: {pm_name} forwards only SIGTERM and SIGINT{}, and this works only while /bin/sh is {sh_name} and the script is a single command; on a Debian-based image (dash) {app} is SIGKILLed without running its handler",
                if other_signal {
                    format!(" (STOPSIGNAL {stop} is lost)")
                } else {
                    String::new()
                }
            ),
        ),
        _ => (
            Severity::Warning,
            format!(
                "{what} {position}: which shell /bin/sh is in {} is not known, so it is not known whether {app} receives SIGTERM; with dash (Debian, Ubuntu) {pm_name} lets it be SIGKILLed {}",
                f.base_image, f.grace
            ),
        ),
    }
}

/// The command to run instead: the script's command run directly, with
/// the arguments the package manager passes on, and the program where the
/// package manager finds it (a package's tool is in node_modules/.bin,
/// which is not on PATH without it).
fn direct(
    chain: &crate::model::Chain,
    i: usize,
    pm: PackageManager,
    has_script: bool,
    script_run: Option<&helpers::ShellRun>,
    args: &[String],
) -> Option<Vec<String>> {
    match has_script {
        true => script_run.and_then(|r| {
            if r.after.is_some() {
                return None;
            }
            let mut argv = r.main_argv.clone()?;
            argv.extend(args.iter().cloned());
            Some(argv)
        }),
        // `yarn node server.js`, `yarn exec tool`: the command it runs (not
        // npx's: npx may fetch the tool, which then is in no directory of
        // the image)
        false if pm == PackageManager::Npx => None,
        false => chain
            .hops
            .get(i + 1)
            .filter(|h| matches!(h.kind, HopKind::App { .. }))
            .map(|h| h.argv.clone()),
    }
    .map(|mut argv| {
        if let Some(p) = argv.first_mut()
            && !p.contains('/')
            && !crate::model::copies::on_path(p)
        {
            *p = format!("node_modules/.bin/{p}");
        }
        argv
    })
}

fn keyword_of(cx: &RuleContext, origin: &Origin) -> &'static str {
    if let Origin::Manifest { field, .. } = origin {
        return match *field {
            "command" => "command:",
            "entryPoint" => "entryPoint:",
            _ => "args:",
        };
    }
    if let (Origin::Dockerfile { span, .. }, Some(l)) = (origin, cx.launch)
        && let Some(ep) = &l.entrypoint
        && ep.origin == *origin
    {
        let _ = span;
        return "ENTRYPOINT";
    }
    "CMD"
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    #[test]
    fn without_package_json() {
        Tester::new(&RULE)
            .pass(&[
                "FROM node:22\nCMD [\"node\", \"server.js\"]\n",
                "FROM node:22\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n",
                "FROM node:22 AS build\nCMD [\"npm\", \"start\"]\nFROM node:22\nCMD [\"node\", \"x\"]\n",
            ])
            .fail(&[
                "FROM node:22\nCMD [\"npm\", \"start\"]\n",
                "FROM node:22-alpine\nCMD [\"npm\", \"start\"]\n",
                "FROM node:22-alpine\nCMD [\"yarn\", \"start\"]\n",
                "FROM node:22\nCMD [\"pnpm\", \"run\", \"serve\"]\n",
                "FROM node:22-alpine\nCMD [\"pnpm\", \"start\"]\n",
                "FROM node:22\nCMD [\"npx\", \"serve\", \"dist\"]\n",
                "FROM node:22\nCMD [\"yarn\", \"node\", \"server.js\"]\n",
                "FROM node:22\nCMD [\"corepack\", \"yarn\", \"start\"]\n",
                "FROM node:22\nCMD npm start\n",
                "FROM mycorp/node\nCMD [\"npm\", \"start\"]\n",
                "FROM node:22-alpine\nSTOPSIGNAL SIGQUIT\nCMD [\"npm\", \"start\"]\n",
            ])
            .run();
    }

    #[test]
    fn with_package_json() {
        Tester::new(&RULE)
            .snapshot("package-json")
            .file(
                "package.json",
                r#"{"scripts":{"start":"node server.js","bye":"node server.js; echo bye","ex":"exec node server.js","cra":"react-scripts start"}}"#,
            )
            .pass(&["FROM node:22-alpine\nCMD [\"node\", \"server.js\"]\n"])
            .fail(&[
                "FROM node:22\nCMD [\"npm\", \"start\"]\n",
                "FROM node:22-alpine\nCMD [\"npm\", \"start\"]\n",
                "FROM node:22-alpine\nCMD [\"npm\", \"run\", \"bye\"]\n",
                "FROM node:22\nCMD [\"npm\", \"run\", \"ex\"]\n",
                // arguments after `--` go to the script's command
                "FROM node:22\nCMD [\"npm\", \"run\", \"start\", \"--\", \"--port\", \"8080\"]\n",
                "FROM node:22\nCMD [\"yarn\", \"start\", \"--port\", \"8080\"]\n",
                // a package's tool is found in node_modules/.bin
                "FROM node:22\nCMD [\"npm\", \"run\", \"cra\"]\n",
            ])
            .run();
    }
}
