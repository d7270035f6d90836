//! DSIG002: ENTRYPOINT is shell form.

use super::{Rule, RuleContext, shell_form};
use crate::code::RuleCode;
use crate::diagnostic::{Diagnostic, Severity};

pub static RULE: Rule = Rule {
    code: RuleCode::Dsig002,
    summary: "ENTRYPOINT is shell form: /bin/sh may stand between SIGTERM and the app, and CMD and `docker run` arguments are ignored",
    default_severity: Severity::Error,
    doc: include_str!("../../rules/DSIG002.md"),
    check,
};

fn check(cx: &RuleContext) -> Vec<Diagnostic> {
    let Some(launch) = cx.launch else {
        return vec![];
    };
    let Some(ep) = &launch.entrypoint else {
        return vec![];
    };
    shell_form::finding(cx, &RULE, ep, "ENTRYPOINT")
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::tester::Tester;

    #[test]
    fn rule() {
        Tester::new(&RULE)
            .pass(&[
                "FROM node:22\nENTRYPOINT [\"node\", \"server.js\"]\n",
                "FROM node:22\nENTRYPOINT [\"node\"]\nCMD server.js\n",
                "FROM node:22 AS a\nENTRYPOINT node x\nFROM node:22\nCMD [\"node\"]\n",
            ])
            .fail(&[
                "FROM node:22\nENTRYPOINT node server.js\n",
                "FROM node:22-alpine\nENTRYPOINT node server.js\nCMD [\"--port\", \"80\"]\n",
                "FROM debian\nENTRYPOINT exec /app/server\n",
                "FROM scratch\nENTRYPOINT /server\n",
            ])
            .run();
    }
}
