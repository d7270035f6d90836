//! DSIG002: ENTRYPOINT is shell form.

use super::{Rule, RuleContext, shell_form};
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::Args;

pub static RULE: Rule = Rule {
    code: "DSIG002",
    name: "shell-form-entrypoint",
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
    let Some(idx) = ep.instruction else {
        return vec![];
    };
    if matches!(
        cx.df.instructions[idx].args,
        Args::Shell { ref text, json_error: Some(_) }
            if super::malformed_exec_form::looks_like_json(&text.value)
    ) {
        return vec![];
    }
    let Some(j) = shell_form::judge(cx, ep, "ENTRYPOINT") else {
        return vec![];
    };
    let mut d = RULE.diag(j.severity, cx.span_of(&ep.origin), j.message);
    d.label = Some(format!("runs as `/bin/sh -c` ({})", j.run.kind.display()));
    d.help = Some(j.help);
    d.fix = j.fix;
    vec![d]
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
