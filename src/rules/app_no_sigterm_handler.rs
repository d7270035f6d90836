//! DSIG015: the app's entry file registers no handler for the effective
//! stop signal.

use super::{Rule, RuleContext};
use crate::code::RuleCode;
use crate::diagnostic::{Diagnostic, Severity};
use crate::handlers::{Lang, Verdict};

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig015,
    summary: "the app's entry file registers no handler for the stop signal, so connections are dropped at stop",
    default_severity: Severity::Warning,
    doc: include_str!("../../rules/DSIG015.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let (Some(chain), Some(app)) = (cx.chain, cx.app) else {
        return vec![];
    };
    let Some(main) = chain.main() else {
        return vec![];
    };
    let (lang, entry_rel, signal) = (app.lang, &app.entry_rel, &app.signal);
    let i = chain.hops.len() - 1;
    let sends = if cx.placement.is_some() {
        "the container is stopped with"
    } else {
        "`docker stop` sends"
    };
    let (message, help) = match &app.verdict {
        Verdict::Handles(_) | Verdict::Unknown(_) => return vec![],
        Verdict::Other { handled } => {
            let list: Vec<String> = handled
                .iter()
                .map(|f| {
                    if f.line == 0 {
                        format!("{} ({})", f.signal, f.how)
                    } else {
                        format!("{} ({}:{})", f.signal, f.path, f.line)
                    }
                })
                .collect();
            (
                format!(
                    "{entry_rel} handles {} but not {signal}, the signal {sends}: the app is killed without shutting down, and open connections are dropped",
                    list.join(", ")
                ),
                handler_help(lang, signal),
            )
        }
        Verdict::None { files } => {
            let read = if files.len() > 1 {
                format!(" (nor do the {} files it loads)", files.len() - 1)
            } else {
                String::new()
            };
            (
                format!(
                    "{entry_rel} registers no handler for {signal}, the signal {sends}{read}: the app is killed without shutting down, and open connections are dropped"
                ),
                handler_help(lang, signal),
            )
        }
    };
    let mut d = RULE.diag(Severity::Warning, cx.hop_span(i), message);
    d.set_label(format!("{} runs {entry_rel}", main.program()));
    d.set_help(help);
    vec![d]
}

fn handler_help(lang: Lang, signal: &str) -> String {
    match lang {
        Lang::Node => format!(
            "handle it in the app: `process.on('{signal}', () => server.close(() => process.exit(0)))`"
        ),
        Lang::Python => format!(
            "handle it in the app: `signal.signal(signal.{signal}, lambda signum, frame: sys.exit(0))`, closing connections before exiting"
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
            .file("good.js", "const server = require('http').createServer();\nprocess.on('SIGTERM', () => server.close());\n")
            .file("sigint.js", "const server = require('http').createServer();\nprocess.on('SIGINT', () => server.close());\n")
            .file("none.js", "require('http').createServer().listen(80);\n")
            .file("app.py", "import signal, sys\nsignal.signal(signal.SIGTERM, lambda *a: sys.exit(0))\n")
            .file("plain.py", "print('serving')\n")
            .pass(&[
                "FROM node:22\nCOPY . /app\nWORKDIR /app\nCMD [\"node\", \"good.js\"]\n",
                "FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD [\"python\", \"app.py\"]\n",
                "FROM node:22\nCOPY . /app\nWORKDIR /app\nCMD [\"node\", \"missing.js\"]\n",
                "FROM node:22\nCMD [\"node\", \"none.js\"]\n",
            ])
            .fail(&[
                "FROM node:22\nCOPY . /app\nWORKDIR /app\nCMD [\"node\", \"sigint.js\"]\n",
                "FROM node:22\nCOPY . /app\nWORKDIR /app\nCMD [\"node\", \"none.js\"]\n",
                "FROM node:22\nCOPY . /app\nWORKDIR /app\nSTOPSIGNAL SIGQUIT\nCMD [\"node\", \"good.js\"]\n",
                "FROM python:3.12\nCOPY . /app\nCMD [\"python\", \"/app/plain.py\"]\n",
            ])
            .run();
    }
}
